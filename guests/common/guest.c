/*
 * guest.c: the C side of every RVH test guest: thread-local storage for
 * picolibc, stdout on the SBI debug console, the ecall wrappers, the TAP
 * helpers, and the report of an unexpected trap.
 */
#include <picolibc.h>           /* defines PICOLIBC_TLS, which picotls.h needs */
#include <picotls.h>
#include <stdarg.h>
#include <stdio.h>
#include "guest.h"

#ifndef GUEST_NAME              /* guests.mk passes the directory's name */
#define GUEST_NAME "guest"
#endif

/* --- SBI calls ----------------------------------------------------------- */

struct sbiret sbi_call(unsigned long eid, unsigned long fid,
                       unsigned long a0, unsigned long a1, unsigned long a2,
                       unsigned long a3, unsigned long a4, unsigned long a5)
{
    register unsigned long r0 __asm__("a0") = a0;
    register unsigned long r1 __asm__("a1") = a1;
    register unsigned long r2 __asm__("a2") = a2;
    register unsigned long r3 __asm__("a3") = a3;
    register unsigned long r4 __asm__("a4") = a4;
    register unsigned long r5 __asm__("a5") = a5;
    register unsigned long r6 __asm__("a6") = fid;
    register unsigned long r7 __asm__("a7") = eid;
    __asm__ volatile("ecall"
                     : "+r"(r0), "+r"(r1)
                     : "r"(r2), "r"(r3), "r"(r4), "r"(r5), "r"(r6), "r"(r7)
                     : "memory");
    return (struct sbiret){ .error = (long)r0, .value = (long)r1 };
}

struct sbiret rvh_hypercall(unsigned long fid,
                            unsigned long a0, unsigned long a1, unsigned long a2,
                            unsigned long a3, unsigned long a4, unsigned long a5)
{
    return sbi_call(RVH_EXT, fid, a0, a1, a2, a3, a4, a5);
}

noreturn void sbi_shutdown(bool failure)
{
    sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SBI_SRST_TYPE_SHUTDOWN,
             failure ? SBI_SRST_REASON_FAILURE : SBI_SRST_REASON_NONE, 0, 0, 0, 0);
    for (;;)                    /* the hypervisor refused: wait forever */
        __asm__ volatile("wfi");
}

/* --- The console: picolibc's stdout, one DBCN write_byte per character --- */

static int console_put(char c, FILE *file)
{
    (void)file;
    sbi_call(SBI_EXT_DBCN, SBI_DBCN_WRITE_BYTE, (unsigned char)c, 0, 0, 0, 0, 0);
    return (unsigned char)c;
}

static FILE console_file = FDEV_SETUP_STREAM(console_put, NULL, NULL, _FDEV_SETUP_WRITE);
FILE *const stdout = &console_file;
FILE *const stderr = &console_file;

/* --- TAP ----------------------------------------------------------------- */

static unsigned tap_count, tap_failed, tap_planned;

bool ok(bool cond, const char *fmt, ...)
{
    va_list ap;
    tap_count++;
    if (!cond)
        tap_failed++;
    printf("%s %u - ", cond ? "ok" : "not ok", tap_count);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    return cond;
}

void tap_plan(unsigned n)
{
    tap_planned = n;
    printf("1..%u\n", n);
}

int tap_done(void)
{
    bool plan_met = tap_planned == 0 || tap_planned == tap_count;
    if (tap_planned == 0)
        printf("1..%u\n", tap_count);
    else if (!plan_met)
        printf("# planned %u checks, ran %u\n", tap_planned, tap_count);
    printf("# guest %s: %u passed, %u failed\n", GUEST_NAME, tap_count - tap_failed, tap_failed);
    return tap_failed != 0 || !plan_met;
}

/* --- From _start to main ------------------------------------------------- */

/* picolibc keeps errno and a few other variables in thread-local storage,
   addressed through tp; one hart, one block. */
#define GUEST_TLS_SIZE  256
#define GUEST_TLS_ALIGN 64
static char guest_tls[GUEST_TLS_SIZE] __attribute__((aligned(GUEST_TLS_ALIGN)));

noreturn void guest_start(unsigned long hartid, unsigned long dtb);
noreturn void guest_trap_report(void);

noreturn void guest_start(unsigned long hartid, unsigned long dtb)
{
    if (_tls_size() > GUEST_TLS_SIZE || _tls_align() > GUEST_TLS_ALIGN) {
        /* printf may need TLS: no message, just a failed shutdown. */
        sbi_shutdown(true);
    }
    _init_tls(guest_tls);
    _set_tls(guest_tls);
    int status = main(hartid, dtb);
    sbi_shutdown(status != 0);
}

/* Called by start.S on any trap: the guests expect none. */
noreturn void guest_trap_report(void)
{
    printf("guest %s: unexpected trap: scause=0x%lx sepc=0x%lx stval=0x%lx\n",
           GUEST_NAME, csr_read(scause), csr_read(sepc), csr_read(stval));
    sbi_shutdown(true);
}

/* The default for guests that take no interrupts: any interrupt is a bug. */
__attribute__((weak)) void guest_interrupt(unsigned long scause)
{
    (void)scause;
    guest_trap_report();
}
