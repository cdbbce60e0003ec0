/* picolibc's stdout and stderr, written through SBI. */
#include <stdio.h>
#include "arch/sbi.h"
#include "lib/console.h"
#include "lib/spinlock.h"

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
    console_guest_putc(CONSOLE_HOST, c);
    return (unsigned char)c;
}

static FILE console_file = FDEV_SETUP_STREAM(console_put, NULL, NULL, _FDEV_SETUP_WRITE);
FILE *const stdout = &console_file;
FILE *const stderr = &console_file;

#define CONSOLE_LINE        128

static struct spinlock guest_lock;
static unsigned nr_guests, focus;
static struct { char buf[CONSOLE_LINE]; unsigned len, len_at_tick, still; }
    guest_line[CONSOLE_MAX_GUESTS + 1];
static bool gone[CONSOLE_MAX_GUESTS];
static int last_guest = -1;                 /* whose bytes the console shows last */
static bool at_line_start = true;

void console_guests(unsigned n)
{
    nr_guests = n < CONSOLE_MAX_GUESTS ? n : CONSOLE_MAX_GUESTS;
}
static void print_guest_line(unsigned vm)
{
    unsigned len = guest_line[vm].len;
    if (len == 0)
        return;
    if (last_guest != (int)vm && !at_line_start)
        console_putc('\n');
    if (vm != CONSOLE_HOST && (last_guest != (int)vm || at_line_start)) {
        console_putc('v'), console_putc('m'), console_putc('0' + (int)vm);
        console_putc('|'), console_putc(' ');
    }
    for (unsigned i = 0; i < len; i++)
        console_putc(guest_line[vm].buf[i]);
    at_line_start = guest_line[vm].buf[len - 1] == '\n';
    last_guest = (int)vm;
    guest_line[vm].len = 0;
}
void console_guest_putc(unsigned vm, int c)
{
    if (nr_guests <= 1 || (vm >= nr_guests && vm != CONSOLE_HOST)) {
        console_putc(c);
        return;
    }
    spin_lock(&guest_lock);
    guest_line[vm].buf[guest_line[vm].len++] = (char)c;
    if (c == '\n' || guest_line[vm].len == CONSOLE_LINE)
        print_guest_line(vm);
    spin_unlock(&guest_lock);
}

void console_guest_flush(void)
{
    if (nr_guests <= 1)
        return;
    spin_lock(&guest_lock);
    for (unsigned vm = 0; vm <= CONSOLE_HOST; vm++) {
        bool still = guest_line[vm].len == guest_line[vm].len_at_tick;
        guest_line[vm].still = still ? guest_line[vm].still + 1 : 0;
        if (guest_line[vm].still >= 2)
            print_guest_line(vm);
        guest_line[vm].len_at_tick = guest_line[vm].len;
    }
    spin_unlock(&guest_lock);
}
#define CONSOLE_ESCAPE  0x1d

int console_guest_getc(unsigned vm)
{
    static bool escaped;
    if (nr_guests <= 1)
        return console_getc();
    if (vm != focus)
        return -1;
    int c = console_getc();
    if (c == CONSOLE_ESCAPE && !escaped) {
        escaped = true;
        c = console_getc();
    }
    if (c < 0 || !escaped)
        return c;
    escaped = false;
    if (c >= '0' && c < '0' + (int)nr_guests) {
        if (gone[c - '0'])
            printf("\nvmm: vm%d has ended; console input stays with vm%u\n", c - '0', focus);
        else
            printf("\nvmm: console input goes to vm%u\n", focus = (unsigned)(c - '0'));
        return -1;
    }
    return c;
}
void console_guest_gone(unsigned vm)
{
    if (vm >= nr_guests)
        return;
    gone[vm] = true;
    for (unsigned k = 1; vm == focus && k < nr_guests; k++)
        if (!gone[(vm + k) % nr_guests]) {
            focus = (vm + k) % nr_guests;
            printf("vmm: console input goes to vm%u\n", focus);
        }
}
