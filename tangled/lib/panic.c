/* panic: print, then power off with "system failure". */
#include <stdarg.h>
#include <stdio.h>
#include "arch/sbi.h"
#include "lib/panic.h"

noreturn void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("rvh: panic: ", stdout);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    power_off(true);
}
noreturn void power_off(bool failure)
{
    printf("rvh: power off (%s)\n", failure ? "failure" : "success");
    sbi_shutdown(failure);
}
