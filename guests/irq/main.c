/*
 * irq: checks RVH's virtual PLIC and the UART's receive interrupt
 * (chapter 8).  The guest needs console input, so a runner plays a script:
 *
 *   irq: ready for input         -> the runner types "hello-irq-0123456789\n"
 *   irq: masked, type again      -> the runner types "x\n"
 *
 * The guest
 *   1. checks the PLIC's registers (RISC-V PLIC spec 1.0.0): a priority
 *      reads back, an out-of-range one is cut to a legal value, source 0
 *      has none, an enable bit reads back but source 0's does not, the
 *      threshold reads back, nothing is pending and a claim returns 0, and
 *      completing an id that is not in service changes nothing;
 *   2. prints "irq: ready for input";
 *   3. with the UART's received-data interrupt enabled (IER bit 0) and
 *      source 10 routed to its context, takes supervisor external
 *      interrupts until a whole line has come: each one claims 10, reads
 *      the UART dry, completes 10.  The text must arrive whole and in order;
 *   4. raises the context's threshold to the source's priority and prints
 *      "irq: masked, type again": the new input must leave the interrupt
 *      pending in the PLIC without raising sip.SEIP or trapping; a priority
 *      of 0 must not let it through either; lowering the threshold must;
 *   5. completes an id that is not in service once more, and finds nothing
 *      pending at the end.
 *
 * Every wait is bounded by the clock, with an SBI timer alarm at the
 * bound, so that wfi cannot sleep forever when the input does not come.
 *
 * On plain QEMU virt (S-mode on OpenSBI, no hypervisor) the same image runs
 * against the real PLIC and 16550; there hart 0's supervisor context is 1,
 * not 0.  The guest reads its context from the device tree (the PLIC's
 * interrupts-extended), and uses context 0 if the tree does not say.
 */
#include <stdint.h>
#include <stdio.h>
#include "guest.h"

/* --- Registers and constants ---------------------------------------------- */

/* In VS-mode these names reach vsstatus, vsie, vsip, vscause (Priv. spec §8.2). */
#define SSTATUS_SIE         (1UL << 1)              /* Priv. spec §4.1.1 */
#define SIE_STIE            (1UL << 5)              /* §4.1.3 */
#define SIE_SEIE            (1UL << 9)
#define SIP_SEIP            (1UL << 9)
#define SCAUSE_S_TIMER      0x8000000000000005UL    /* interrupt bit + code (§4.1.9) */
#define SCAUSE_S_EXTERNAL   0x8000000000000009UL

#define SBI_EXT_TIME        0x54494D45              /* SBI spec v2.0 §6 */
#define SBI_TIME_SET_TIMER  0
#define NEVER               (~0UL)                  /* "no deadline" (§6.1) */

#define TICK_MS             10000UL                 /* QEMU virt: a 10 MHz clock */

static inline unsigned long now(void)
{
    return csr_read(time);
}

/* The PLIC (RISC-V PLIC spec 1.0.0, memory map): 32-bit registers only. */
#define PLIC_BASE           0x0c000000UL
#define PLIC_PRIORITY(n)    (PLIC_BASE + 4UL * (n))
#define PLIC_PENDING(n)     (PLIC_BASE + 0x1000UL + 4UL * ((n) / 32))
#define PLIC_ENABLE(c, n)   (PLIC_BASE + 0x2000UL + 0x80UL * (c) + 4UL * ((n) / 32))
#define PLIC_THRESHOLD(c)   (PLIC_BASE + 0x200000UL + 0x1000UL * (c))
#define PLIC_CLAIM(c)       (PLIC_BASE + 0x200004UL + 0x1000UL * (c))

/* The UART: a 16550A with byte registers; its line is PLIC source 10. */
#define UART_BASE           0x10000000UL
#define UART_IRQ            10
#define UART_RBR            0                       /* read */
#define UART_IER            1
#define UART_LSR            5
#define IER_RDI             0x01                    /* received-data interrupt */
#define LSR_DR              0x01                    /* data ready */

static uint32_t plic_read(uintptr_t addr) { return *(volatile uint32_t *)addr; }
static void plic_write(uintptr_t addr, uint32_t v) { *(volatile uint32_t *)addr = v; }
static uint8_t uart_in(unsigned reg) { return *(volatile uint8_t *)(UART_BASE + reg); }
static void uart_out(unsigned reg, uint8_t v) { *(volatile uint8_t *)(UART_BASE + reg) = v; }

#define BIT(n)              (1U << ((n) % 32))

/* The context of hart 0's supervisor external interrupt. */
static unsigned ctx;

/* --- The device tree: which PLIC context is ours ---------------------------- */

#define FDT_MAX_DEPTH   16

/* Whether a string list property (§2.2.4: "compatible") holds s. */
static bool list_has(uintptr_t value, uint32_t len, const char *s)
{
    uintptr_t end = value + len;
    while (value < end) {
        if (dtb_str_at(value, end, s))
            return true;
        while (value < end && *(const volatile char *)value != 0)
            value++;
        value++;
    }
    return false;
}

/* What the walk remembers of each open node. */
struct fdt_node {
    uint32_t reg, phandle;
    bool plic, cpu_intc;
    uintptr_t iext;                         /* interrupts-extended, or 0 */
    uint32_t iext_len;
};

/*
 * Our context: the position of the pair <hart's intc phandle, 9> in the
 * PLIC's interrupts-extended (§2.4.1; 9 = supervisor external interrupt,
 * Priv. spec §4.1.3), where the hart's interrupt controller is the
 * "riscv,cpu-intc" child of the /cpus node whose reg is the hart id.
 * Each entry is two cells (a cpu-intc has #interrupt-cells = 1).
 * Returns -1 if the tree does not say.  Every offset is checked.
 */
static long dtb_plic_context(unsigned long dtb, unsigned long size, unsigned long hartid)
{
    uint32_t off_struct = be32_at(dtb + 8), off_strings = be32_at(dtb + 12);
    uint32_t size_strings = be32_at(dtb + 32), size_struct = be32_at(dtb + 36);
    if (off_struct > size || size_struct > size - off_struct ||
        off_strings > size || size_strings > size - off_strings)
        return -1;
    uintptr_t p = dtb + off_struct, stop = p + size_struct;
    uintptr_t strings = dtb + off_strings, strings_end = strings + size_strings;
    static struct fdt_node node[FDT_MAX_DEPTH];
    int depth = 0, cpus_depth = -1;
    uint32_t intc = 0;
    uintptr_t iext = 0;
    uint32_t iext_len = 0;
    bool done = false;
    while (!done && p + 4 <= stop) {
        uint32_t token = be32_at(p);
        p += 4;
        if (token == FDT_BEGIN_NODE) {
            uintptr_t name = p;
            while (p < stop && *(const volatile char *)p != 0)
                p++;
            if (p >= stop || depth + 1 >= FDT_MAX_DEPTH)
                return -1;
            depth++;
            node[depth] = (struct fdt_node){ .reg = ~0U };
            if (depth == 2 && dtb_str_at(name, stop, "cpus"))
                cpus_depth = depth;
            p = (p + 1 + 3) & ~(uintptr_t)3;
        } else if (token == FDT_END_NODE) {
            if (depth <= 0)
                return -1;
            struct fdt_node *n = &node[depth];
            if (n->cpu_intc && cpus_depth > 0 && depth == cpus_depth + 2 &&
                node[depth - 1].reg == hartid)
                intc = n->phandle;
            if (n->plic && n->iext != 0 && iext == 0) {
                iext = n->iext;
                iext_len = n->iext_len;
            }
            if (depth == cpus_depth)
                cpus_depth = -1;
            depth--;
        } else if (token == FDT_PROP) {
            if (stop - p < 8 || depth <= 0)
                return -1;
            uint32_t len = be32_at(p), nameoff = be32_at(p + 4);
            p += 8;
            if (len > stop - p || nameoff >= size_strings)
                return -1;
            uintptr_t name = strings + nameoff;
            struct fdt_node *n = &node[depth];
            if (dtb_str_at(name, strings_end, "compatible")) {
                n->plic = list_has(p, len, "riscv,plic0") ||
                          list_has(p, len, "sifive,plic-1.0.0");
                n->cpu_intc = list_has(p, len, "riscv,cpu-intc");
            } else if (len == 4 && dtb_str_at(name, strings_end, "phandle")) {
                n->phandle = be32_at(p);
            } else if ((len == 4 || len == 8) && dtb_str_at(name, strings_end, "reg")) {
                n->reg = be32_at(p + len - 4);      /* a hart id fits 32 bits */
            } else if (dtb_str_at(name, strings_end, "interrupts-extended")) {
                n->iext = p;
                n->iext_len = len;
            }
            p = (p + len + 3) & ~(uintptr_t)3;
        } else if (token == FDT_END) {
            done = true;
        } else if (token != FDT_NOP) {
            return -1;
        }
    }
    if (intc == 0 || iext == 0)
        return -1;
    for (uint32_t i = 0; i + 8 <= iext_len; i += 8)
        if (be32_at(iext + i) == intc && be32_at(iext + i + 4) == 9)
            return i / 8;
    return -1;
}

/* --- The interrupt handler -------------------------------------------------- */

#define RX_SIZE         128
#define STORM_LIMIT     1000        /* spurious claims before the handler gives up */

/* What the handler records.  Written by the handler, read by main with
   sstatus.SIE clear (or as single loads while it is set). */
static volatile char rx[RX_SIZE];               /* every byte received, in order */
static volatile unsigned rx_len, rx_lost;       /* stored; dropped when rx was full */
static volatile unsigned long ext_count;        /* supervisor external interrupts */
static volatile unsigned long claims_ok;        /* claims that returned 10 */
static volatile unsigned long claims_zero;      /* claims that returned 0 */
static volatile unsigned long claims_other;     /* claims of any other id */
static volatile uint32_t other_id;              /* the last such id */
static volatile unsigned long empty_claims;     /* claimed 10, but no byte waiting */
static volatile unsigned long timer_count;      /* alarms at a wait's bound */

static void set_timer(unsigned long deadline)
{
    sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, deadline, 0, 0, 0, 0, 0);
}

/* Read the UART dry (at most a FIFO's worth and then some, so that a UART
   that always says "data ready" cannot hold the handler); n bytes read. */
static unsigned drain_uart(void)
{
    unsigned n = 0;
    while ((uart_in(UART_LSR) & LSR_DR) && n < 2 * RX_SIZE) {
        char c = (char)uart_in(UART_RBR);
        if (rx_len < RX_SIZE)
            rx[rx_len++] = c;
        else
            rx_lost++;
        n++;
    }
    return n;
}

/* Claim, serve, complete (PLIC spec 1.0.0, "Interrupt Claim Process" and
   "Interrupt Completion"). */
void guest_interrupt(unsigned long scause)
{
    if (scause == SCAUSE_S_TIMER) {             /* a wait reached its bound */
        timer_count++;
        set_timer(NEVER);
        return;
    }
    if (scause != SCAUSE_S_EXTERNAL) {
        printf("guest irq: unexpected trap: scause=0x%lx sepc=0x%lx stval=0x%lx\n",
               scause, csr_read(sepc), csr_read(stval));
        sbi_shutdown(true);
    }
    ext_count++;
    uint32_t id = plic_read(PLIC_CLAIM(ctx));
    if (id == 0) {
        /* Nothing to claim: sip.SEIP was set without cause.  Stop a storm. */
        if (++claims_zero >= STORM_LIMIT)
            csr_clear(sie, SIE_SEIE);
        return;
    }
    if (id != UART_IRQ) {
        claims_other++;
        other_id = id;
    } else {
        claims_ok++;
        if (drain_uart() == 0)
            empty_claims++;
    }
    plic_write(PLIC_CLAIM(ctx), id);
}

/* --- Waiting ------------------------------------------------------------------ */

/* The position of the first '\n' at or after rx[from], or -1. */
static long line_end(unsigned from)
{
    for (unsigned i = from; i < rx_len; i++)
        if (rx[i] == '\n')
            return i;
    return -1;
}

/*
 * Wait until a whole line has come after rx[from], or `limit` ticks.  As in
 * the timer guest, sstatus.SIE stays clear while the loop decides, so that
 * an interrupt cannot slip in between the check and wfi; wfi wakes on an
 * interrupt that sie enables even with SIE clear (Priv. spec §3.3.3), and the
 * short window with SIE set lets it be taken.  An alarm at the limit (with
 * sie.STIE) wakes wfi if no input does.
 */
static bool wait_for_line(unsigned from, unsigned long limit)
{
    unsigned long start = now();
    csr_clear(sstatus, SSTATUS_SIE);
    set_timer(start + limit);
    csr_set(sie, SIE_STIE);
    while (line_end(from) < 0 && now() - start <= limit) {
        __asm__ volatile("wfi");
        csr_set(sstatus, SSTATUS_SIE);
        csr_clear(sstatus, SSTATUS_SIE);
    }
    csr_clear(sie, SIE_STIE);
    set_timer(NEVER);
    return line_end(from) >= 0;
}

/* Print rx[from .. to) with C escapes, for a check's message. */
static const char *escaped(unsigned from, unsigned to)
{
    static char out[4 * RX_SIZE + 1];
    unsigned k = 0;
    for (unsigned i = from; i < to && i < RX_SIZE; i++) {
        unsigned char c = (unsigned char)rx[i];
        if (c == '\n')
            k += snprintf(out + k, sizeof out - k, "\\n");
        else if (c == '\r')
            k += snprintf(out + k, sizeof out - k, "\\r");
        else if (c < 0x20 || c >= 0x7f)
            k += snprintf(out + k, sizeof out - k, "\\x%02x", c);
        else
            out[k++] = (char)c;
    }
    out[k] = 0;
    return out;
}

static bool rx_equals(unsigned from, const char *s)
{
    unsigned n = 0;
    while (s[n])
        n++;
    if (rx_len - from != n)
        return false;
    for (unsigned i = 0; i < n; i++)
        if (rx[from + i] != s[i])
            return false;
    return true;
}

/* --- 1. The PLIC's registers ----------------------------------------------------- */

static void check_registers(void)
{
    uint32_t pending = plic_read(PLIC_PENDING(0));
    ok(pending == 0, "pending word 0 reads 0 at entry (got 0x%x)", pending);
    ok(!(csr_read(sip) & SIP_SEIP), "sip.SEIP reads 0 at entry (sip 0x%lx)", csr_read(sip));

    plic_write(PLIC_PRIORITY(UART_IRQ), 5);
    uint32_t p5 = plic_read(PLIC_PRIORITY(UART_IRQ));
    ok(p5 == 5, "priority of source 10: writes 5, reads 5 (got %u)", p5);
    plic_write(PLIC_PRIORITY(UART_IRQ), 9);
    uint32_t p9 = plic_read(PLIC_PRIORITY(UART_IRQ));
    ok(p9 == (9 & 7) || p9 == 7,
       "priority of source 10: writes 9, reads a legal value, 1 (9 & 7) or 7 (got %u)", p9);

    uint32_t p0 = plic_read(PLIC_PRIORITY(0));
    plic_write(PLIC_PRIORITY(0), 7);
    uint32_t p0w = plic_read(PLIC_PRIORITY(0));
    ok(p0 == 0 && p0w == 0, "source 0 has no priority: reads 0 (got %u), still 0 after "
       "writing 7 (got %u)", p0, p0w);

    plic_write(PLIC_ENABLE(ctx, UART_IRQ), BIT(UART_IRQ));
    uint32_t e10 = plic_read(PLIC_ENABLE(ctx, UART_IRQ));
    plic_write(PLIC_ENABLE(ctx, 0), BIT(0));
    uint32_t e0 = plic_read(PLIC_ENABLE(ctx, 0));
    ok(e10 == BIT(UART_IRQ), "context %u: enable bit 10 reads back (wrote 0x%x, got 0x%x)",
       ctx, BIT(UART_IRQ), e10);
    ok(e0 == 0, "context %u: enable bit 0 reads 0 after writing 1 (got 0x%x)", ctx, e0);

    plic_write(PLIC_THRESHOLD(ctx), 3);
    uint32_t t3 = plic_read(PLIC_THRESHOLD(ctx));
    plic_write(PLIC_THRESHOLD(ctx), 0);
    uint32_t t0 = plic_read(PLIC_THRESHOLD(ctx));
    ok(t3 == 3 && t0 == 0, "context %u: threshold reads back 3 (got %u), then 0 (got %u)",
       ctx, t3, t0);

    /* Source 10 enabled, priority 5 over threshold 0, but the UART's
       interrupt is off: nothing to claim. */
    plic_write(PLIC_PRIORITY(UART_IRQ), 5);
    plic_write(PLIC_ENABLE(ctx, UART_IRQ), BIT(UART_IRQ));
    uint32_t claim = plic_read(PLIC_CLAIM(ctx));
    ok(claim == 0, "claim with nothing pending returns 0 (got %u)", claim);

    /* "If the completion ID does not match an interrupt source that is
       currently enabled for the target, the completion is silently
       ignored" (PLIC spec 1.0.0); nor may one that is not in service do
       anything.  A trap here would end the guest (guest_interrupt). */
    plic_write(PLIC_CLAIM(ctx), 3);
    plic_write(PLIC_CLAIM(ctx), UART_IRQ);
    uint32_t claim2 = plic_read(PLIC_CLAIM(ctx));
    pending = plic_read(PLIC_PENDING(0));
    ok(claim2 == 0 && pending == 0 && !(csr_read(sip) & SIP_SEIP),
       "completing 3 and 10, neither in service: no trap, claim still 0 (got %u), "
       "pending 0x%x, sip.SEIP 0", claim2, pending);

    plic_write(PLIC_ENABLE(ctx, UART_IRQ), 0);
    plic_write(PLIC_PRIORITY(UART_IRQ), 0);
}

/* --- 3. Input by interrupt ---------------------------------------------------------- */

static const char first_line[] = "hello-irq-0123456789\n";

static void check_input(void)
{
    /* Bytes left over from before (there should be none) would spoil the
       comparison: read them away first. */
    unsigned stale = drain_uart();
    rx_len = rx_lost = 0;
    if (stale != 0)
        printf("# %u stale bytes read from the UART before the test\n", stale);

    plic_write(PLIC_PRIORITY(UART_IRQ), 1);
    plic_write(PLIC_THRESHOLD(ctx), 0);
    plic_write(PLIC_ENABLE(ctx, UART_IRQ), BIT(UART_IRQ));
    uart_out(UART_IER, IER_RDI);
    csr_set(sie, SIE_SEIE);

    printf("irq: ready for input\n");
    bool came = wait_for_line(0, 20000 * TICK_MS);
    ok(came, "a line arrived within 20 s (%u bytes)", rx_len);
    ok(rx_equals(0, first_line) && rx_lost == 0,
       "received \"hello-irq-0123456789\\n\" whole and in order (got \"%s\", %u lost)",
       escaped(0, rx_len), rx_lost);
    ok(ext_count >= 1 && claims_ok >= 1,
       "taken by interrupt: %lu supervisor external interrupts, %lu claims of 10",
       ext_count, claims_ok);
}

/* --- 4. Masking: the threshold, priority 0 ------------------------------------------ */

/* Spin for at most `limit` ticks with SIE set, recording whether sip.SEIP
   was ever seen; if stop_when_pending, stop `after` ticks after the
   source's pending bit first reads 1.  Returns whether it did. */
static bool watch_masked(unsigned long limit, bool stop_when_pending, unsigned long after,
                         bool *seip_seen)
{
    unsigned long start = now(), seen_at = 0;
    bool seen = false;
    csr_set(sstatus, SSTATUS_SIE);
    for (;;) {
        unsigned long t = now();
        if (csr_read(sip) & SIP_SEIP)
            *seip_seen = true;
        if (!seen && (plic_read(PLIC_PENDING(UART_IRQ)) & BIT(UART_IRQ))) {
            seen = true;
            seen_at = t;
        }
        if (t - start > limit || (stop_when_pending && seen && t - seen_at > after))
            break;
    }
    csr_clear(sstatus, SSTATUS_SIE);
    return seen;
}

static void check_masking(void)
{
    unsigned from = rx_len;
    unsigned long before = ext_count;
    bool seip = false;

    csr_clear(sstatus, SSTATUS_SIE);
    plic_write(PLIC_THRESHOLD(ctx), 1);             /* = the priority: masked */
    printf("irq: masked, type again\n");
    bool pending = watch_masked(2000 * TICK_MS, true, 100 * TICK_MS, &seip);
    uint8_t lsr = uart_in(UART_LSR);
    ok(pending, "threshold 1 = priority 1: the input leaves source 10 pending in the PLIC "
       "(pending word 0x%x)", plic_read(PLIC_PENDING(UART_IRQ)));
    ok(ext_count == before && !seip && rx_len == from,
       "threshold 1: no interrupt taken (%lu), sip.SEIP never read 1 (%s), nothing read",
       ext_count - before, seip ? "it did" : "it did not");
    ok(lsr & LSR_DR, "the UART holds the input meanwhile (LSR 0x%02x)", lsr);

    /* Priority 0 means "never interrupt" (PLIC spec 1.0.0), whatever the
       threshold.  In this order no step lets the source through. */
    plic_write(PLIC_PRIORITY(UART_IRQ), 0);
    plic_write(PLIC_THRESHOLD(ctx), 0);
    seip = false;
    bool still = watch_masked(100 * TICK_MS, false, 0, &seip);
    ok(ext_count == before && !seip && still,
       "priority 0, threshold 0: no interrupt in 100 ms (%lu), sip.SEIP never read 1 (%s), "
       "still pending (%s)", ext_count - before, seip ? "it did" : "it did not",
       still ? "yes" : "no");
    plic_write(PLIC_THRESHOLD(ctx), 1);
    plic_write(PLIC_PRIORITY(UART_IRQ), 1);

    plic_write(PLIC_THRESHOLD(ctx), 0);             /* now it may come */
    bool came = wait_for_line(from, 2000 * TICK_MS);
    ok(came && ext_count > before, "threshold 0: the interrupt arrives (%lu taken)",
       ext_count - before);
    ok(rx_equals(from, "x\n"), "and the handler reads \"x\\n\" (got \"%s\")",
       escaped(from, rx_len));
}

/* --- 5. The end ------------------------------------------------------------------------ */

static void check_end(void)
{
    csr_clear(sstatus, SSTATUS_SIE);
    plic_write(PLIC_CLAIM(ctx), 3);                 /* not in service: ignored */
    uint32_t claim = plic_read(PLIC_CLAIM(ctx));
    uint32_t pending = plic_read(PLIC_PENDING(0));
    ok(claim == 0 && pending == 0 && !(csr_read(sip) & SIP_SEIP),
       "at the end, after completing 3: claim returns 0 (got %u), pending 0x%x, sip.SEIP 0",
       claim, pending);
    ok(claims_zero == 0, "no claim in the handler returned 0 (%lu did)", claims_zero);
    ok(claims_other == 0, "every claim returned 10 (%lu returned another id, the last %u)",
       claims_other, other_id);
    printf("# interrupts: external %lu, claims of 10 %lu (with nothing to read %lu), "
           "timer alarms %lu\n", ext_count, claims_ok, empty_claims, timer_count);
}

int main(unsigned long hartid, unsigned long dtb)
{
    printf("irq: checking the virtual PLIC, hart %lu, device tree at 0x%lx\n", hartid, dtb);
    unsigned long size = dtb_size(dtb);
    long c = size ? dtb_plic_context(dtb, size, hartid) : -1;
    ctx = c >= 0 ? (unsigned)c : 0;
    printf("# PLIC context %u (%s)\n", ctx, c >= 0 ? "device tree" : "default");

    unsigned long old_stvec = csr_read(stvec);
    csr_write(stvec, (unsigned long)guest_interrupt_vector);   /* direct mode */

    check_registers();
    check_input();
    check_masking();
    check_end();

    csr_clear(sstatus, SSTATUS_SIE);
    csr_clear(sie, SIE_SEIE | SIE_STIE);
    uart_out(UART_IER, 0);
    plic_write(PLIC_ENABLE(ctx, UART_IRQ), 0);
    plic_write(PLIC_PRIORITY(UART_IRQ), 0);
    csr_write(stvec, old_stvec);
    return tap_done();
}
