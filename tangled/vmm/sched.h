/* Placing vCPUs on physical harts and running them there. */
#ifndef VMM_SCHED_H
#define VMM_SCHED_H

#include <stdint.h>
#include <stdnoreturn.h>

struct vm;
void sched_init(unsigned long boot_hart, uint32_t timebase);
unsigned sched_nr_harts(void);
void sched_add_vm(struct vm *vm);
noreturn void sched_start(unsigned long boot_hart);
noreturn void sched_run(unsigned long hartid);
void sched_kick(unsigned long hart);

#endif
