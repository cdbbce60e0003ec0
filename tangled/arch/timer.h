/* The hart's supervisor timer, shared by a vCPU's deadline and the hypervisor's. */
#ifndef ARCH_TIMER_H
#define ARCH_TIMER_H

#include <stdint.h>

#define TIMER_NEVER     UINT64_MAX

void     timer_init_hart(void);
uint64_t timer_now(void);
void     timer_set_guest(uint64_t deadline);
void     timer_set_own(uint64_t deadline);
uint64_t timer_own_deadline(void);

#endif
