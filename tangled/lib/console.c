/* picolibc's stdout and stderr, written through SBI. */
#include <stdio.h>
#include "arch/sbi.h"
#include "lib/console.h"

static bool console_dbcn;

void console_init(void)
{
    console_dbcn = sbi_probe(SBI_EXT_DBCN);
}

bool console_uses_dbcn(void)
{
    return console_dbcn;
}

void console_putc(int c)
{
    sbi_console_putchar(c, console_dbcn);
}

int console_getc(void)
{
    return sbi_console_getchar(console_dbcn);
}

static int console_put(char c, FILE *file)
{
    (void)file;
    console_putc(c);
    return (unsigned char)c;
}

static FILE console_file = FDEV_SETUP_STREAM(console_put, NULL, NULL, _FDEV_SETUP_WRITE);
FILE *const stdout = &console_file;
FILE *const stderr = &console_file;
