/* Stop the machine when the hypervisor's own invariants break. */
#ifndef LIB_PANIC_H
#define LIB_PANIC_H

#include <stdbool.h>
#include <stdnoreturn.h>

noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void power_off(bool failure);

#endif
