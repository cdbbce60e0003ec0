/* Multiplexing the hart's supervisor timer. */
#include "arch/csr.h"
#include "arch/hext.h"
#include "arch/sbi.h"
#include "arch/timer.h"

static _Thread_local uint64_t guest_deadline = TIMER_NEVER;
static _Thread_local uint64_t own_deadline = TIMER_NEVER;

uint64_t timer_now(void)
{
    return csr_read(time);
}

static void program(void)
{
    uint64_t when = guest_deadline < own_deadline ? guest_deadline : own_deadline;
    if (hext.sstc)
        csr_write(CSR_STIMECMP, when);
    else
        sbi_ecall(SBI_EXT_TIME, 0, when, 0, 0, 0, 0, 0);
}
void timer_set_guest(uint64_t deadline)
{
    guest_deadline = deadline;
    program();
}

void timer_set_own(uint64_t deadline)
{
    own_deadline = deadline;
    program();
}

uint64_t timer_own_deadline(void)
{
    return own_deadline;
}
void timer_init_hart(void)
{
    guest_deadline = own_deadline = TIMER_NEVER;
    program();
    csr_set(sie, 1UL << IRQ_S_TIMER);
}
