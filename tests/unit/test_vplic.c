/* Stage 8: the virtual PLIC, register by register, with a fake monitor that
 * records every EIP notification. */
// sources: tangled/vmm/vplic.c
#include <errno.h>
#include "check.h"
#include "vmm/vplic.h"

#define PRIO(n)      (0x000000u + 4u * (n))
#define PENDING      0x001000u
#define ENABLE(c)    (0x002000u + 0x80u * (c))
#define THRESHOLD(c) (0x200000u + 0x1000u * (c))
#define CLAIM(c)     (0x200004u + 0x1000u * (c))

/* The fake monitor: every call of notify, in order. */
struct call { unsigned context; bool eip; };
static struct call calls[64];
static unsigned ncalls, bad_ctx;
static int monitor;             /* its address is the ctx */

static void fake_notify(void *ctx, unsigned context, bool eip)
{
    if (ctx != &monitor)
        bad_ctx++;
    if (ncalls < sizeof calls / sizeof calls[0])
        calls[ncalls] = (struct call){ context, eip };
    ncalls++;
}

static struct vplic p;

static void reset(unsigned nr_contexts)
{
    ncalls = 0;
    vplic_init(&p, nr_contexts, fake_notify, &monitor);
}

/* A 32-bit access that must succeed; a failure shows as a value no register has. */
static uint32_t rd(uint64_t off)
{
    uint64_t v = 0xdeadbeefcafeULL;
    if (vplic_read(&p, off, 4, &v) != 0)
        return 0xbad0bad0u;
    return (uint32_t)v;
}

static int wr(uint64_t off, uint32_t v) { return vplic_write(&p, off, 4, v); }

/* Source id with priority prio, enabled in the contexts of mask, line high. */
static void raise_source(unsigned id, uint32_t prio, unsigned ctx_mask)
{
    wr(PRIO(id), prio);
    for (unsigned c = 0; c < VPLIC_MAX_CONTEXTS; c++)
        if (ctx_mask & (1u << c))
            wr(ENABLE(c), rd(ENABLE(c)) | (1u << id));
    vplic_set_level(&p, id, true);
}

static bool called(unsigned i, unsigned context, bool eip)
{
    return i < ncalls && calls[i].context == context && calls[i].eip == eip;
}

static void test_reset(void)
{
    reset(2);
    int zero = 1;
    for (unsigned n = 0; n < VPLIC_SOURCES; n++)
        zero &= rd(PRIO(n)) == 0;
    CHECK(zero, "every priority resets to 0");
    CHECK(rd(PENDING) == 0, "nothing pending after reset");
    CHECK(rd(ENABLE(0)) == 0 && rd(ENABLE(1)) == 0, "no enable bits after reset");
    CHECK(rd(THRESHOLD(0)) == 0 && rd(THRESHOLD(1)) == 0, "thresholds reset to 0");
    CHECK(!vplic_eip(&p, 0) && !vplic_eip(&p, 1), "no EIP after reset");
    CHECK(p.nr_contexts == 2, "nr_contexts kept");
    CHECK(ncalls == 0, "reset notifies nobody");
    reset(100);
    CHECK(p.nr_contexts == VPLIC_MAX_CONTEXTS, "nr_contexts above the maximum becomes %d",
          VPLIC_MAX_CONTEXTS);
    vplic_init(&p, 1, 0, 0);
    vplic_set_level(&p, 1, true);
    wr(PRIO(1), 1);
    wr(ENABLE(0), 2);
    CHECK(vplic_eip(&p, 0) && rd(CLAIM(0)) == 1, "a null notify is allowed");
}

static void test_priority_registers(void)
{
    reset(1);
    int ok = 1;
    for (uint32_t v = 0; v <= 7; v++) {
        wr(PRIO(5), v);
        ok &= rd(PRIO(5)) == v;
    }
    CHECK(ok, "priority keeps every value 0..7");
    wr(PRIO(5), 8);
    CHECK(rd(PRIO(5)) == 0, "priority 8 is masked to 0 (3 bits, WARL)");
    wr(PRIO(5), 0xffffffffu);
    CHECK(rd(PRIO(5)) == 7, "all ones reads back 7: the discovery of 3 bits");
    wr(PRIO(5), 0x0d);
    CHECK(rd(PRIO(5)) == 5, "0x0d reads back 5");
    wr(PRIO(1), 3);
    wr(PRIO(31), 6);
    CHECK(rd(PRIO(1)) == 3 && rd(PRIO(31)) == 6 && rd(PRIO(5)) == 5,
          "sources 1 and 31 are registers of their own");
    wr(PRIO(0), 7);
    CHECK(rd(PRIO(0)) == 0 && p.priority[0] == 0, "source 0's priority reads 0, ignores writes");
    wr(PRIO(32), 7);
    wr(0xffc, 7);
    CHECK(rd(PRIO(32)) == 0 && rd(0xffc) == 0, "priorities of sources 32 and 1023 do not exist");
    CHECK(ncalls == 0, "priorities of sources not pending notify nobody");
}

static void test_pending_register(void)
{
    reset(1);
    vplic_set_level(&p, 5, true);
    vplic_set_level(&p, 31, true);
    CHECK(rd(PENDING) == ((1u << 5) | (1u << 31)), "pending shows sources 5 and 31");
    wr(PENDING, 0);
    CHECK(rd(PENDING) == ((1u << 5) | (1u << 31)), "writing 0 to pending clears nothing");
    CHECK(rd(PENDING + 4) == 0 && rd(PENDING - 4) == 0 && rd(0x107c) == 0,
          "the words around it read 0 while sources are pending");
    reset(1);
    wr(PENDING, 0xffffffffu);
    CHECK(rd(PENDING) == 0, "writing ones to pending sets nothing");
    CHECK(rd(PENDING + 4) == 0 && rd(0x107c) == 0, "pending words 1..31 read 0");
    vplic_set_level(&p, 0, true);
    vplic_set_level(&p, 32, true);
    vplic_set_level(&p, 1000, true);
    vplic_set_level(&p, ~0u, true);
    CHECK(rd(PENDING) == 0 && p.level == 0, "lines of sources 0, 32, 1000, ~0 are ignored");
    CHECK(ncalls == 0, "pending sources without priority or enable notify nobody");
}

static void test_enable_registers(void)
{
    reset(2);
    wr(ENABLE(0), 0xffffffffu);
    CHECK(rd(ENABLE(0)) == 0xfffffffeu, "enable bit 0 is read-only zero");
    CHECK(rd(ENABLE(1)) == 0, "context 1's enables are its own");
    wr(ENABLE(1), 0x00000401u);
    CHECK(rd(ENABLE(1)) == 0x400 && rd(ENABLE(0)) == 0xfffffffeu, "context 1 keeps 0x400");
    wr(ENABLE(0), 0x12345678u);
    CHECK(rd(ENABLE(0)) == 0x12345678u, "enables keep any value with bit 0 clear");
    wr(ENABLE(0) + 4, 0xffffffffu);
    CHECK(rd(ENABLE(0) + 4) == 0 && rd(ENABLE(0) + 0x7c) == 0, "enable words 1..31 read 0");
    wr(ENABLE(2), 0xffffffffu);
    CHECK(rd(ENABLE(2)) == 0, "context 2 does not exist with 2 contexts");
    CHECK(rd(ENABLE(0)) == 0x12345678u && rd(ENABLE(1)) == 0x400,
          "a write to a missing context touches no other");
    CHECK(p.enable[2] == 0, "and not the unused slot either");
}

static void test_threshold_registers(void)
{
    reset(2);
    int ok = 1;
    for (uint32_t v = 0; v <= 7; v++) {
        wr(THRESHOLD(1), v);
        ok &= rd(THRESHOLD(1)) == v;
    }
    CHECK(ok, "threshold keeps every value 0..7");
    CHECK(rd(THRESHOLD(0)) == 0, "context 0's threshold is its own");
    wr(THRESHOLD(1), 8);
    CHECK(rd(THRESHOLD(1)) == 0, "threshold 8 is masked to 0 (3 bits, WARL)");
    wr(THRESHOLD(1), 0xffffffffu);
    CHECK(rd(THRESHOLD(1)) == 7, "all ones reads back 7");
    wr(THRESHOLD(2), 5);
    CHECK(rd(THRESHOLD(2)) == 0 && p.threshold[2] == 0, "context 2's threshold does not exist");
    wr(THRESHOLD(0) + 8, 5);
    CHECK(rd(THRESHOLD(0) + 8) == 0 && rd(THRESHOLD(0) + 0xffc) == 0,
          "the rest of a context's page reads 0");
    CHECK(rd(THRESHOLD(0)) == 0, "and writing it changed no threshold");
}

static void test_claim_complete(void)
{
    reset(1);
    raise_source(3, 1, 1);
    CHECK(vplic_eip(&p, 0), "a pending, enabled source of priority 1 raises EIP");
    CHECK(ncalls == 1 && called(0, 0, true), "notify(0, true), once");
    CHECK(rd(CLAIM(0)) == 3, "claim returns 3");
    CHECK(rd(PENDING) == 0 && p.in_service == (1u << 3), "claim clears IP, puts 3 in service");
    CHECK(!vplic_eip(&p, 0) && ncalls == 2 && called(1, 0, false), "claim drops EIP: notified");
    CHECK(rd(CLAIM(0)) == 0, "a second claim returns 0");
    CHECK(ncalls == 2, "an empty claim notifies nobody");
    wr(CLAIM(0), 3);
    CHECK(rd(PENDING) == (1u << 3) && p.in_service == 0,
          "completion with the line still high makes 3 pending again");
    CHECK(vplic_eip(&p, 0) && ncalls == 3 && called(2, 0, true), "and EIP rises again");
    CHECK(rd(CLAIM(0)) == 3, "the re-asserted source is claimed again");
    vplic_set_level(&p, 3, false);
    CHECK(ncalls == 4 && rd(PENDING) == 0, "line dropped while in service: nothing pending");
    wr(CLAIM(0), 3);
    CHECK(rd(PENDING) == 0 && p.in_service == 0 && !vplic_eip(&p, 0),
          "completion with the line low leaves the source idle");
    CHECK(ncalls == 4, "no notification");
    vplic_set_level(&p, 3, true);
    CHECK(rd(PENDING) == (1u << 3) && ncalls == 5 && called(4, 0, true),
          "the next assertion is a new request");
}

static void test_nothing_pending(void)
{
    reset(1);
    CHECK(rd(CLAIM(0)) == 0, "claim with nothing pending returns 0");
    wr(ENABLE(0), 0xfffffffeu);
    wr(PRIO(7), 7);
    CHECK(rd(CLAIM(0)) == 0, "enabled with a priority but no line: 0");
    CHECK(p.in_service == 0 && ncalls == 0, "and nothing is in service");
}

static void test_priority_order(void)
{
    reset(1);
    raise_source(2, 1, 1);
    raise_source(9, 3, 1);
    raise_source(5, 3, 1);
    raise_source(30, 7, 1);
    raise_source(17, 2, 1);
    unsigned got[6];
    for (unsigned i = 0; i < 6; i++)
        got[i] = (unsigned)rd(CLAIM(0));
    CHECK(got[0] == 30 && got[1] == 5 && got[2] == 9 && got[3] == 17 && got[4] == 2 &&
          got[5] == 0, "claims in order 30 5 9 17 2 0 (got %u %u %u %u %u %u)",
          got[0], got[1], got[2], got[3], got[4], got[5]);
    CHECK(p.in_service == ((1u << 2) | (1u << 5) | (1u << 9) | (1u << 17) | (1u << 30)),
          "all five are in service");
    reset(1);
    raise_source(31, 4, 1);
    raise_source(1, 4, 1);
    CHECK(rd(CLAIM(0)) == 1, "a tie between 1 and 31 goes to 1");
    reset(1);
    raise_source(31, 5, 1);
    raise_source(1, 4, 1);
    CHECK(rd(CLAIM(0)) == 31, "a higher priority beats a lower id");
}

static void test_threshold(void)
{
    reset(1);
    wr(THRESHOLD(0), 3);
    raise_source(4, 3, 1);
    CHECK(!vplic_eip(&p, 0) && ncalls == 0, "priority 3 at threshold 3: no EIP");
    wr(THRESHOLD(0), 4);
    CHECK(!vplic_eip(&p, 0) && ncalls == 0, "priority 3 at threshold 4: no EIP");
    wr(THRESHOLD(0), 2);
    CHECK(vplic_eip(&p, 0) && ncalls == 1 && called(0, 0, true),
          "lowering the threshold to 2 delivers it");
    wr(THRESHOLD(0), 7);
    CHECK(!vplic_eip(&p, 0) && ncalls == 2 && called(1, 0, false), "raising it to 7 masks it again");
    CHECK(rd(CLAIM(0)) == 4, "a claim ignores the threshold (PLIC spec §8): 4");
    CHECK(ncalls == 2, "that claim changes no EIP");
    reset(1);
    wr(THRESHOLD(0), 0);
    raise_source(6, 1, 1);
    CHECK(vplic_eip(&p, 0), "threshold 0 lets priority 1 through");
    wr(PRIO(6), 9);     /* masked to 1 */
    CHECK(vplic_eip(&p, 0) && ncalls == 1, "a masked priority write keeps it deliverable");
}

static void test_priority_zero(void)
{
    reset(1);
    raise_source(8, 0, 1);
    CHECK(rd(PENDING) == (1u << 8), "a priority-0 source still becomes pending");
    CHECK(!vplic_eip(&p, 0) && ncalls == 0, "but raises no EIP");
    CHECK(rd(CLAIM(0)) == 0 && rd(PENDING) == (1u << 8), "and is never claimed: 0, IP stays");
    wr(PRIO(8), 1);
    CHECK(vplic_eip(&p, 0) && ncalls == 1 && called(0, 0, true), "priority 1 delivers it");
    wr(PRIO(8), 0);
    CHECK(!vplic_eip(&p, 0) && ncalls == 2 && called(1, 0, false), "priority 0 withdraws it");
    wr(PRIO(8), 8);
    CHECK(!vplic_eip(&p, 0) && ncalls == 2, "priority 8 is 0: still withdrawn");
}

static void test_enable_changes_eip(void)
{
    reset(1);
    raise_source(12, 2, 0);
    CHECK(!vplic_eip(&p, 0) && ncalls == 0, "pending but not enabled: no EIP");
    CHECK(rd(CLAIM(0)) == 0 && rd(PENDING) == (1u << 12), "a claim skips a disabled source");
    wr(ENABLE(0), 1u << 12);
    CHECK(vplic_eip(&p, 0) && ncalls == 1, "enabling it raises EIP");
    wr(ENABLE(0), 0);
    CHECK(!vplic_eip(&p, 0) && ncalls == 2 && called(1, 0, false), "disabling it drops EIP");
}

static void test_completion_ignored(void)
{
    reset(2);
    raise_source(7, 2, 2);              /* enabled in context 1 only */
    CHECK(rd(CLAIM(1)) == 7, "context 1 claims 7");
    wr(CLAIM(0), 7);
    CHECK(p.in_service == (1u << 7) && rd(PENDING) == 0,
          "completion of 7 by context 0, where it is not enabled, is ignored");
    wr(CLAIM(1), 0);
    wr(CLAIM(1), 32);
    wr(CLAIM(1), 0xffffffffu);
    wr(CLAIM(1), 7 + 32);
    CHECK(p.in_service == (1u << 7) && rd(PENDING) == 0, "ids 0, 32, ~0, 39 are ignored");
    wr(ENABLE(1), 0);
    wr(CLAIM(1), 7);
    CHECK(p.in_service == (1u << 7), "completion after disabling the source is ignored");
    wr(ENABLE(1), 1u << 7);
    wr(CLAIM(1), 7);
    CHECK(p.in_service == 0 && rd(PENDING) == (1u << 7),
          "enabled again, the completion works and the line re-asserts");
    CHECK(vplic_eip(&p, 1) && !vplic_eip(&p, 0), "EIP in context 1 only");
    reset(1);
    raise_source(3, 1, 1);
    raise_source(4, 1, 1);
    CHECK(rd(CLAIM(0)) == 3, "3 claimed, 4 pending");
    wr(CLAIM(0), 4);
    CHECK(p.in_service == (1u << 3) && rd(PENDING) == (1u << 4),
          "completing 4, which is only pending, changes nothing");
    CHECK(vplic_write(&p, CLAIM(0), 4, 0x100000003ULL) == 0 && p.in_service == 0 &&
          rd(PENDING) == ((1u << 3) | (1u << 4)),
          "the low 32 bits of the value count: 0x100000003 completes 3");
}

static void test_line_drops_while_pending(void)
{
    reset(1);
    raise_source(9, 2, 1);
    vplic_set_level(&p, 9, false);
    CHECK(rd(PENDING) == (1u << 9) && vplic_eip(&p, 0),
          "a request cannot be retracted: IP stays after the line drops (PLIC spec §1.2)");
    CHECK(ncalls == 1, "and EIP was notified once, not withdrawn");
    vplic_set_level(&p, 9, true);
    CHECK(ncalls == 1 && rd(PENDING) == (1u << 9), "a second assertion adds no request");
    vplic_set_level(&p, 9, false);
    CHECK(rd(CLAIM(0)) == 9, "the handler still claims 9");
    wr(CLAIM(0), 9);
    CHECK(rd(PENDING) == 0 && p.in_service == 0 && !vplic_eip(&p, 0),
          "completed with the line low: idle");
    CHECK(ncalls == 2 && called(1, 0, false), "EIP fell at the claim");
}

static void test_line_while_in_service(void)
{
    reset(1);
    raise_source(11, 1, 1);
    CHECK(rd(CLAIM(0)) == 11, "11 claimed");
    vplic_set_level(&p, 11, false);
    vplic_set_level(&p, 11, true);
    CHECK(rd(PENDING) == 0 && !vplic_eip(&p, 0),
          "a new assertion while in service is not forwarded");
    wr(CLAIM(0), 11);
    CHECK(rd(PENDING) == (1u << 11) && vplic_eip(&p, 0), "it is at the completion");
}

static void test_two_contexts(void)
{
    reset(2);
    raise_source(10, 1, 3);             /* the UART, enabled on both harts */
    CHECK(vplic_eip(&p, 0) && vplic_eip(&p, 1), "a source enabled in both raises both EIPs");
    CHECK(ncalls == 2 && called(0, 0, true) && called(1, 1, true), "notify(0), then notify(1)");
    CHECK(rd(CLAIM(1)) == 10, "context 1 is faster and claims 10");
    CHECK(!vplic_eip(&p, 0) && !vplic_eip(&p, 1), "both EIPs drop");
    CHECK(ncalls == 4 && called(2, 0, false) && called(3, 1, false), "both are notified");
    CHECK(rd(CLAIM(0)) == 0, "context 0's claim finds nothing");
    wr(CLAIM(0), 10);
    CHECK(p.in_service == 0 && rd(PENDING) == (1u << 10),
          "context 0 may complete what context 1 claimed (it is enabled there)");
    reset(2);
    raise_source(2, 1, 1);
    raise_source(3, 1, 2);
    CHECK(rd(CLAIM(1)) == 3 && rd(CLAIM(0)) == 2, "each context claims its own source");
    reset(2);
    raise_source(2, 1, 1);
    wr(THRESHOLD(1), 0);
    wr(ENABLE(1), 1u << 2);
    wr(THRESHOLD(1), 1);
    CHECK(vplic_eip(&p, 0) && !vplic_eip(&p, 1), "thresholds are per context");
    reset(8);
    raise_source(4, 1, 0x80);
    CHECK(vplic_eip(&p, 7) && ncalls == 1 && called(0, 7, true), "context 7 of 8 works");
    CHECK(rd(CLAIM(7)) == 4, "and claims at 0x207004");
}

static void test_notify_counts(void)
{
    reset(1);
    raise_source(5, 2, 1);
    unsigned n = ncalls;
    vplic_set_level(&p, 5, true);
    vplic_set_level(&p, 5, true);
    raise_source(6, 2, 1);
    wr(PRIO(5), 3);
    wr(THRESHOLD(0), 1);
    rd(PENDING);
    rd(ENABLE(0));
    CHECK(n == 1 && ncalls == 1, "EIP stays set through six operations: one call in all");
    CHECK(rd(CLAIM(0)) == 5 && ncalls == 1, "a claim that leaves another source: no call");
    CHECK(rd(CLAIM(0)) == 6 && ncalls == 2 && called(1, 0, false), "the last claim: one call");
    vplic_set_level(&p, 5, false);
    vplic_set_level(&p, 6, false);
    wr(CLAIM(0), 5);
    wr(CLAIM(0), 6);
    CHECK(ncalls == 2, "completions with the lines low: no call");
    CHECK(bad_ctx == 0, "notify always gets the monitor's ctx");
}

static void test_bad_accesses(void)
{
    reset(1);
    raise_source(3, 1, 1);
    uint64_t v = 0x1234;
    static const unsigned widths[] = { 0, 1, 2, 3, 8, 16 };
    int ok = 1;
    for (unsigned i = 0; i < sizeof widths / sizeof widths[0]; i++) {
        ok &= vplic_read(&p, CLAIM(0), widths[i], &v) == -EINVAL;
        ok &= vplic_write(&p, PRIO(3), widths[i], 7) == -EINVAL;
    }
    CHECK(ok, "widths 0, 1, 2, 3, 8, 16: -EINVAL");
    CHECK(v == 0x1234, "a refused read leaves the value alone");
    CHECK(rd(PENDING) == (1u << 3) && rd(PRIO(3)) == 1, "and neither claims nor writes");
    ok = 1;
    for (unsigned off = 1; off < 4; off++) {
        ok &= vplic_read(&p, CLAIM(0) + off, 4, &v) == -EINVAL;
        ok &= vplic_write(&p, PRIO(3) + off, 4, 7) == -EINVAL;
        ok &= vplic_read(&p, PENDING + off, 1, &v) == -EINVAL;
    }
    CHECK(ok, "misaligned words: -EINVAL");
    CHECK(vplic_read(&p, VPLIC_SIZE + 1, 4, &v) == -EINVAL, "misaligned beyond the window too");
    CHECK(rd(PENDING) == (1u << 3) && rd(PRIO(3)) == 1 && p.in_service == 0,
          "no side effects");
    CHECK(ncalls == 1, "refused accesses notify nobody");
}

static void test_holes_and_window(void)
{
    reset(2);
    static const uint64_t holes[] = {
        0x1080, 0x1ffc,                  /* after the pending words */
        0x2100, 0x1f1f80, 0x1ffffc,      /* enables of missing contexts, the gap */
        0x202000, 0x202004, 0x3fff000, 0x3fff004, 0x3fffffc,  /* missing contexts */
        0x200008, 0x201008, 0x201ffc,    /* reserved words of a context's page */
        VPLIC_SIZE, VPLIC_SIZE + 4, 0x8000000, 0xfffffffffffffffcULL,
    };
    int ok = 1;
    for (unsigned i = 0; i < sizeof holes / sizeof holes[0]; i++) {
        ok &= wr(holes[i], 0xffffffffu) == 0;
        ok &= rd(holes[i]) == 0;
    }
    CHECK(ok, "%u holes and offsets beyond the window read 0 and accept writes",
          (unsigned)(sizeof holes / sizeof holes[0]));
    int zero = 1;
    for (unsigned n = 0; n < VPLIC_SOURCES; n++)
        zero &= p.priority[n] == 0;
    for (unsigned c = 0; c < VPLIC_MAX_CONTEXTS; c++)
        zero &= p.enable[c] == 0 && p.threshold[c] == 0;
    CHECK(zero && p.pending == 0 && p.in_service == 0, "writes to them changed no state");
    raise_source(2, 1, 1);
    CHECK(rd(0x202004) == 0 && rd(PENDING) == (1u << 2), "a claim of a missing context claims nothing");
    CHECK(!vplic_eip(&p, 2) && !vplic_eip(&p, 1000), "missing contexts have no EIP");
}

int main(void)
{
    test_reset();
    test_priority_registers();
    test_pending_register();
    test_enable_registers();
    test_threshold_registers();
    test_claim_complete();
    test_nothing_pending();
    test_priority_order();
    test_threshold();
    test_priority_zero();
    test_enable_changes_eip();
    test_completion_ignored();
    test_line_drops_while_pending();
    test_line_while_in_service();
    test_two_contexts();
    test_notify_counts();
    test_bad_accesses();
    test_holes_and_window();
    return check_done();
}
