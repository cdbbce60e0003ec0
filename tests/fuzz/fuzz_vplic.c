/* The virtual PLIC (vmm/vplic.c, chapter 8) under any sequence of guest
 * register accesses and device lines.  The first byte gives the number of
 * contexts (0..9, so that "more than VPLIC_MAX_CONTEXTS" is tried); then each
 * record is an operation: a read or a write at an offset steered to one of
 * the register kinds of the PLIC spec v1.0.0 (priority section 4, pending 5,
 * enable 6, threshold 7, claim/complete 8 and 9) or raw, with a width and
 * alignment that are sometimes wrong; or a device raising or lowering its line.
 * After every operation the harness checks:
 *   - accesses that are not 4 bytes wide and aligned are refused with -EINVAL
 *     and change nothing;
 *   - a claim returns 0 or a source 1..31 that was pending, is enabled for
 *     that context and has the highest priority above 0 among those (lowest id
 *     on a tie, section 8), and moves it from pending to in service;
 *   - pending and in service never overlap, source 0 is never pending,
 *     enabled or in service, priorities and thresholds stay within 0..7;
 *   - each context's EIP is exactly "some pending, enabled source has a
 *     priority above the threshold", and the notify callback has told the
 *     monitor every change of it, no more.
 */
// sources: tangled/vmm/vplic.c
#include <errno.h>
#include <stdbool.h>
#include "vmm/vplic.h"
#include "fuzz.h"

#define MAX_OPS 256

static struct vplic p;
static bool told[VPLIC_MAX_CONTEXTS];       /* the EIP as notify last said */
static unsigned calls;

static void notify(void *ctx, unsigned context, bool eip)
{
    MUST(ctx == &p && context < p.nr_contexts);
    MUST(told[context] != eip);             /* only changes are told */
    told[context] = eip;
    calls++;
}

static bool eip_expected(unsigned c)
{
    for (unsigned id = 1; id < VPLIC_SOURCES; id++)
        if ((p.pending & p.enable[c] & (1u << id)) && p.priority[id] > p.threshold[c])
            return true;
    return false;
}

static void check_state(void)
{
    MUST((p.pending & p.in_service) == 0);
    MUST(((p.pending | p.in_service) & 1) == 0 && p.priority[0] == 0);
    for (unsigned id = 1; id < VPLIC_SOURCES; id++)
        MUST(p.priority[id] <= VPLIC_PRIORITY_MAX);
    for (unsigned c = 0; c < VPLIC_MAX_CONTEXTS; c++) {
        MUST((p.enable[c] & 1) == 0 && p.threshold[c] <= VPLIC_PRIORITY_MAX);
        bool e = c < p.nr_contexts && eip_expected(c);
        MUST(vplic_eip(&p, c) == e);
        MUST(told[c] == e);
    }
}

/* The source a claim must return (PLIC spec section 8), before the claim. */
static unsigned claim_expected(unsigned c)
{
    unsigned best = 0;
    for (unsigned id = 1; id < VPLIC_SOURCES; id++)
        if ((p.pending & p.enable[c] & (1u << id)) && p.priority[id] > p.priority[best])
            best = id;
    return best;
}

static uint64_t offset(struct input *in, uint8_t kind, unsigned *context, int *which)
{
    uint8_t i = take_u8(in);
    *context = i % 10;
    *which = kind & 7;
    switch (kind & 7) {
    case 0: return 4u * (i % 40);                               /* priority */
    case 1: return 0x1000 + 4u * (i % 4);                       /* pending (and beyond) */
    case 2: return 0x2000 + 0x80u * *context + 4u * (i >> 6);   /* enable */
    case 3: return 0x200000 + 0x1000u * *context;               /* threshold */
    case 4: return 0x200004 + 0x1000u * *context;               /* claim/complete */
    case 5: return 0x200000 + 0x1000u * *context + 4u * (i >> 4);
    default: return take_u64(in, kind & 1 ? 8 : 4);             /* anywhere */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = { data, size };
    unsigned nr = take_u8(&in) % 10;
    vplic_init(&p, nr, notify, &p);
    memset(told, 0, sizeof told);
    MUST(p.nr_contexts == (nr < VPLIC_MAX_CONTEXTS ? nr : VPLIC_MAX_CONTEXTS));
    check_state();
    for (unsigned n = 0; n < MAX_OPS && take_left(&in); n++) {
        uint8_t op = take_u8(&in);
        if ((op >> 6) == 3) {                                   /* a device line */
            unsigned src = op & 31;
            vplic_set_level(&p, src, op & 32);
            if (src != 0)
                MUST(!!(p.level & (1u << src)) == !!(op & 32));
            check_state();
            continue;
        }
        unsigned c;
        int which;
        uint64_t off = offset(&in, op, &c, &which);
        unsigned width = 4;
        if (op & 8)                                             /* a wrong access, sometimes */
            width = take_u8(&in) % 9;
        if (op & 16)
            off += take_u8(&in) % 4;
        uint64_t value = take_u64(&in, 4), got = 0xdeadbeef;
        struct vplic before = p;
        bool write = op & 32;
        unsigned want = !write && which == 4 && c < p.nr_contexts ? claim_expected(c) : 0;
        int err = write ? vplic_write(&p, off, width, value) : vplic_read(&p, off, width, &got);
        if (width != 4 || off % 4 != 0) {
            MUST(err == -EINVAL && memcmp(&before, &p, sizeof p) == 0);
            MUST(got == 0xdeadbeef);
            continue;
        }
        MUST(err == 0);
        if (!write) {
            MUST(got >> 32 == 0);
            if (which == 4 && c < p.nr_contexts) {              /* a claim */
                MUST(got == want);
                if (got) {
                    MUST(before.pending & before.enable[c] & (1u << got));
                    MUST(before.priority[got] > 0);
                    MUST(!(p.pending & (1u << got)) && (p.in_service & (1u << got)));
                }
            }
            if (which == 0 && off < 4 * VPLIC_SOURCES)
                MUST(got == p.priority[off / 4]);
            if (off == 0x1000)
                MUST(got == p.pending);
            if (off >= VPLIC_SIZE)
                MUST(got == 0);
        } else if (off >= VPLIC_SIZE) {
            MUST(p.pending == before.pending && p.in_service == before.in_service &&
                 memcmp(p.enable, before.enable, sizeof p.enable) == 0 &&
                 memcmp(p.priority, before.priority, sizeof p.priority) == 0);
        }
        check_state();
    }
    return 0;
}
