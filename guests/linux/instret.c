/* guests/linux/instret.c: /bin/rvh-instret, the first program /init runs.
 *
 * It prints the hart's instret counter, every instruction retired since
 * reset in every privilege mode, as one line:
 *
 *     rvh-init: instret 123456789
 *
 * make bench (tools/bench.py) boots Linux with -icount shift=0 and reads that
 * line: the cost of a boot up to user space, natively and under RVH.  User
 * mode may read the counter only if the kernel's scounteren.IR is set (Priv.
 * spec 4.1.5); if it is clear, rdinstret is an illegal instruction, SIGILL,
 * and the program says so instead of dying.  tools/linux.sh compiles it
 * statically (riscv64-linux-gnu-gcc -static -Os).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static sigjmp_buf no_counter;

static void on_sigill(int sig)
{
    (void)sig;
    siglongjmp(no_counter, 1);
}

int main(void)
{
    struct sigaction sa;
    unsigned long n;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigill;
    sigaction(SIGILL, &sa, NULL);
    if (sigsetjmp(no_counter, 1) == 0) {
        __asm__ volatile("rdinstret %0" : "=r"(n));
        printf("rvh-init: instret %lu\n", n);
        return 0;
    }
    printf("rvh-init: instret unreadable (SIGILL: scounteren.IR is clear)\n");
    return 1;
}
