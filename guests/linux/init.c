/* guests/linux/init.c: the Linux guest's /init, the first user program.
 *
 * tools/linux.sh compiles it statically (riscv64-linux-gnu-gcc -static -Os)
 * and builds it into the kernel's initramfs, with /dev/console, /proc and
 * /sys.  It proves that Linux came up under RVH far enough to run user space:
 * it prints one line a test can look for, with the kernel's release and the
 * number of harts Linux brought online, and then powers the machine off, which
 * Linux turns into an SBI system reset (SRST) so that QEMU exits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/utsname.h>
#include <termios.h>
#include <unistd.h>

/* Count the "processor" lines of /proc/cpuinfo: one per online hart. */
static int cpuinfo_harts(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[256];
    int n = 0;
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, "processor", 9) == 0)
            n++;
    fclose(f);
    return n;
}

/* The hart's instret counter: every instruction retired so far, in every
 * privilege mode.  Read first, so that make bench (tools/bench.py) counts
 * the boot up to the moment /init starts and no more.  User mode may read it
 * only if the kernel's scounteren.IR is set (Priv. spec 4.1.5), which Linux
 * 6.1 leaves as the firmware (or hypervisor) set it; if it is clear, rdinstret
 * is an illegal instruction, SIGILL, and init says so instead of dying. */
static sigjmp_buf no_counter;

static void on_sigill(int sig)
{
    (void)sig;
    siglongjmp(no_counter, 1);
}

static int instret(unsigned long *n)
{
    struct sigaction sa, old;
    volatile int ok = 0;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigill;
    sigaction(SIGILL, &sa, &old);
    if (sigsetjmp(no_counter, 1) == 0) {
        __asm__ volatile("rdinstret %0" : "=r"(*n));
        ok = 1;
    }
    sigaction(SIGILL, &old, NULL);
    return ok;
}

int main(void)
{
    unsigned long boot = 0;
    int have_boot = instret(&boot);
    struct utsname u;
    const char *release = "?";

    /* The kernel opened /dev/console as fds 0-2; line-buffered is enough. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (have_boot)
        printf("rvh-init: instret %lu\n", boot);
    else
        printf("rvh-init: instret unreadable (SIGILL: scounteren.IR is clear)\n");
    if (mount("proc", "/proc", "proc", 0, NULL) != 0)
        printf("rvh-init: mount /proc: %s\n", strerror(errno));
    if (mount("sysfs", "/sys", "sysfs", 0, NULL) != 0)
        printf("rvh-init: mount /sys: %s\n", strerror(errno));
    if (uname(&u) == 0)
        release = u.release;

    printf("rvh-init: hello from Linux /init (pid %d)\n", (int)getpid());
    printf("rvh-init: kernel %s, %ld CPUs online (/proc/cpuinfo: %d)\n",
           release, sysconf(_SC_NPROCESSORS_ONLN), cpuinfo_harts());
    printf("rvh-init: powering off\n");
    fflush(stdout);
    /* The 8250 driver sends what a program writes later, from its interrupt
     * or, with no interrupt yet, from a polling timer; power-off does not wait
     * for it.  tcdrain waits until the console has sent everything. */
    tcdrain(STDOUT_FILENO);
    sync();

    reboot(RB_POWER_OFF);
    /* Only reached if the power-off failed: pid 1 must not exit. */
    printf("rvh-init: reboot(RB_POWER_OFF): %s\n", strerror(errno));
    for (;;)
        pause();
}
