/*
 * hello: the first test guest.  It checks what the hypervisor promises a
 * guest at entry (hart id, device tree), that its RAM holds what is written
 * to it and that its image was loaded whole, then the RVH hypercalls:
 * VERSION, the errors for what is unknown, and 1000 ECHO round trips.
 *
 * The hypervisor counts ECHO calls: this guest makes exactly 1000 in
 * sequence (0..999) and then exactly one out of sequence (5000), last.
 */
#include <stdint.h>
#include <stdio.h>
#include "guest.h"


#define MEMTEST_BASE    0x80400000UL    /* above the image (guest.ld checks) */
#define MEMTEST_SIZE    (8UL << 20)

#define ECHO_CALLS      1000
#define ECHO_BAD_SEQ    5000

static volatile unsigned long data_word = 0x0123456789abcdefUL;    /* in .data */
static volatile unsigned long bss_words[64];                       /* in .bss */

/* --- What the hypervisor hands over ------------------------------------- */

static void check_entry(unsigned long hartid, unsigned long dtb)
{
    ok(hartid == 0, "a0 holds hart id 0 (got %lu)", hartid);
    bool in_ram = dtb % 8 == 0 && dtb >= GUEST_RAM_BASE &&
                  dtb - GUEST_RAM_BASE < GUEST_RAM_SIZE - FDT_HEADER_SIZE;
    ok(in_ram, "a1 = 0x%lx is 8-byte aligned and in guest RAM [0x%lx, 0x%lx)",
       dtb, GUEST_RAM_BASE, GUEST_RAM_BASE + GUEST_RAM_SIZE);
    if (!in_ram) {              /* reading there could stop the VM */
        ok(false, "device tree magic (not read: a1 outside guest RAM)");
        ok(false, "device tree totalsize (not read: a1 outside guest RAM)");
        return;
    }
    uint32_t magic = be32_at(dtb), size = be32_at(dtb + 4);
    ok(magic == FDT_MAGIC, "device tree magic 0x%08x at a1 (got 0x%08lx)",
       FDT_MAGIC, (unsigned long)magic);
    ok(size >= FDT_HEADER_SIZE && size <= FDT_MAX_SIZE &&
       size <= GUEST_RAM_BASE + GUEST_RAM_SIZE - dtb,
       "device tree totalsize %lu is at least the header and ends inside guest RAM",
       (unsigned long)size);
}

/* --- Memory --------------------------------------------------------------- */

/* A different value for every word, so that two addresses that reach the
   same host memory, or a lost write, show up as a mismatch. */
static unsigned long pattern(uintptr_t addr)
{
    return ~addr ^ (addr << 32) ^ 0x5a5a5a5a00000000UL;
}

static void check_memory(void)
{
    volatile unsigned long *w = (volatile unsigned long *)MEMTEST_BASE;
    unsigned long words = MEMTEST_SIZE / sizeof *w, bad = 0, first = 0;
    for (unsigned long i = 0; i < words; i++)
        w[i] = pattern((uintptr_t)&w[i]);
    for (unsigned long i = 0; i < words; i++) {
        if (w[i] != pattern((uintptr_t)&w[i]) && bad++ == 0)
            first = (uintptr_t)&w[i];
    }
    ok(bad == 0, "%lu MiB at 0x%lx read back as written (%lu bad words, first at 0x%lx)",
       MEMTEST_SIZE >> 20, MEMTEST_BASE, bad, first);

    ok(data_word == 0x0123456789abcdefUL, ".data holds its initial value (got 0x%lx)",
       data_word);
    unsigned long nonzero = 0;
    for (unsigned long i = 0; i < sizeof bss_words / sizeof bss_words[0]; i++)
        nonzero += bss_words[i] != 0;
    ok(nonzero == 0, ".bss is zero (%lu nonzero words)", nonzero);
}

/* --- Hypercalls ------------------------------------------------------------ */

static void check_errors(void)
{
    struct sbiret r = rvh_hypercall(RVH_FID_VERSION, 0, 0, 0, 0, 0, 0);
    ok(r.error == SBI_SUCCESS && r.value == RVH_VERSION,
       "RVH VERSION is 0x%08x (error %ld, value 0x%lx)", RVH_VERSION, r.error, r.value);
    r = rvh_hypercall(0x7fffffff, 1, 2, 3, 4, 5, 6);
    ok(r.error == SBI_ERR_NOT_SUPPORTED, "unknown RVH function 0x7fffffff: error -2 (got %ld)",
       r.error);
    r = sbi_call(0x12345678, 0, 0, 0, 0, 0, 0, 0);
    ok(r.error == SBI_ERR_NOT_SUPPORTED, "unknown SBI extension 0x12345678: error -2 (got %ld)",
       r.error);
}

/* One ECHO with arguments derived from seq: every bit of every register
   changes over the 1000 calls.  Returns true if the answer is right. */
static bool echo(unsigned long seq, long want_error, struct sbiret *r, unsigned long *want)
{
    unsigned long a1 = ~seq;
    unsigned long a2 = seq * 0x9E3779B97F4A7C15UL;
    unsigned long a3 = seq << 32 | (seq ^ 0xffffffffUL);
    unsigned long a4 = 0x8000000000000000UL >> (seq % 64);
    unsigned long a5 = a2 ^ (a2 >> 29) ^ 0xC0FFEE0000000000UL;
    *want = seq ^ a1 ^ a2 ^ a3 ^ a4 ^ a5;
    *r = rvh_hypercall(RVH_FID_ECHO, seq, a1, a2, a3, a4, a5);
    return r->error == want_error && (want_error != SBI_SUCCESS || (unsigned long)r->value == *want);
}

static void check_echo(void)
{
    struct sbiret r;
    unsigned long want, bad = 0;
    for (unsigned long seq = 0; seq < ECHO_CALLS; seq++) {
        if (!echo(seq, SBI_SUCCESS, &r, &want) && bad++ == 0)
            printf("# echo %lu: error %ld value 0x%lx, expected error 0 value 0x%lx\n",
                   seq, r.error, r.value, want);
    }
    ok(bad == 0, "%d echo round trips (%lu wrong)", ECHO_CALLS, bad);

    echo(ECHO_BAD_SEQ, SBI_ERR_INVALID_PARAM, &r, &want);
    ok(r.error == SBI_ERR_INVALID_PARAM, "echo out of sequence (%d): error -3 (got %ld)",
       ECHO_BAD_SEQ, r.error);
}

int main(unsigned long hartid, unsigned long dtb)
{
    printf("hello: guest running, hart %lu, device tree at 0x%lx\n", hartid, dtb);
    check_entry(hartid, dtb);
    check_memory();
    check_errors();
    check_echo();
    return tap_done();
}
