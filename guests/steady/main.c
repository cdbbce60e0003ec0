/*
 * steady: the well-behaved half of the two-VM test (chapter 11).
 *
 * It fills 32 MiB of its RAM with a pattern, prints 200 known lines through
 * its emulated UART (a byte per MMIO store, so that its output is many small
 * exits interleaved with the other VM's), then checks that the pattern is
 * intact and the hypervisor still answers.  Another VM attacks meanwhile;
 * nothing it does may show here.  The runner checks that all 200 lines
 * arrive, in order and whole, each marked "vm0| ".
 */
#include <stdint.h>
#include "guest.h"

#define UART_BASE       0x10000000UL
#define UART_THR        0
#define UART_LSR        5
#define LSR_THRE        0x20
#define PATTERN_BASE    0x81000000UL
#define PATTERN_SIZE    (32UL << 20)
#define LINES           200

static void uart_putc(char c)
{
    volatile uint8_t *uart = (volatile uint8_t *)UART_BASE;
    while (!(uart[UART_LSR] & LSR_THRE))
        ;
    uart[UART_THR] = (uint8_t)c;
}

static void uart_puts(const char *s)
{
    while (*s)
        uart_putc(*s++);
}

/* xorshift64: the pattern, the same from the same seed. */
static uint64_t next(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

static void fill(void)
{
    uint64_t x = 0x5eed5eed5eed5eedULL;
    for (volatile uint64_t *p = (uint64_t *)PATTERN_BASE;
         p < (uint64_t *)(PATTERN_BASE + PATTERN_SIZE); p++)
        *p = next(&x);
}

static unsigned long count_bad(void)
{
    uint64_t x = 0x5eed5eed5eed5eedULL;
    unsigned long bad = 0;
    for (volatile uint64_t *p = (uint64_t *)PATTERN_BASE;
         p < (uint64_t *)(PATTERN_BASE + PATTERN_SIZE); p++)
        bad += *p != next(&x);
    return bad;
}

static void print_lines(void)
{
    char line[80];
    for (unsigned i = 0; i < LINES; i++) {
        /* "steady: line NNN of 200: the quick brown fox jumps over the lazy dog" */
        const char *text = ": the quick brown fox jumps over the lazy dog\n";
        char *p = line;
        for (const char *s = "steady: line "; *s; )
            *p++ = *s++;
        *p++ = (char)('0' + i / 100);
        *p++ = (char)('0' + i / 10 % 10);
        *p++ = (char)('0' + i % 10);
        for (const char *s = " of 200"; *s; )
            *p++ = *s++;
        for (const char *s = text; *s; )
            *p++ = *s++;
        *p = '\0';
        uart_puts(line);
    }
}

int main(unsigned long hartid, unsigned long dtb)
{
    (void)dtb;
    tap_plan(4);
    ok(hartid == 0, "steady runs on hart 0 (got %lu)", hartid);
    fill();
    print_lines();
    unsigned long bad = count_bad();
    ok(bad == 0, "32 MiB pattern at 0x%lx intact after the lines (%lu words differ)",
       PATTERN_BASE, bad);
    struct sbiret r = rvh_hypercall(RVH_FID_VERSION, 0, 0, 0, 0, 0, 0);
    ok(r.error == 0 && r.value == RVH_VERSION, "the hypervisor still answers (VERSION 0x%lx)",
       (unsigned long)r.value);
    r = rvh_hypercall(RVH_FID_BOOTS, 0, 0, 0, 0, 0, 0);
    ok(r.error == 0 && r.value == 1, "booted once (BOOTS %ld)", r.value);
    return tap_done();
}
