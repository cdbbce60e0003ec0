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

int main(void)
{
    struct utsname u;
    const char *release = "?";

    /* The kernel opened /dev/console as fds 0-2; line-buffered is enough. */
    setvbuf(stdout, NULL, _IOLBF, 0);
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
