/*
 * hostile-mem: loads, stores and instruction fetches where the guest has
 * nothing: below its RAM, between and beyond its devices, in the host's RAM
 * just past its own, and far beyond what the G-stage can translate.  Run with
 * the boot argument testdev (the test device closes the map at 0x10002000):
 *
 *   make qemu GUEST=build/guests/hostile-mem.bin BOOTARGS=testdev
 *
 * Every access must come back to the guest's own trap handler (fault.S) as an
 * access fault: a load as cause 5, a store as cause 7, a fetch as cause 1,
 * with the address in stval (Priv. spec 20211203 §4.1.9).  Before the attack
 * the guest fills all of its RAM but its image with a pattern, the canary;
 * after it, the pattern must be whole (no store landed in the guest's own
 * RAM by some aliasing) and the hypervisor must still answer a hypercall.
 */
#include "hostile.h"

#define IMAGE_START     GUEST_LOAD_ADDR
#define IMAGE_LIMIT     0x80400000UL        /* guest.ld: the image ends below */

/* Where a guest of 128 MiB with -m 512M finds nothing: host addresses on the
   QEMU virt machine (hw/riscv/virt.c's memory map) are named to show what a
   missing isolation would reach. */
static const struct { unsigned long addr; const char *what; } targets[] = {
    { 0x0,                  "address 0" },
    { 0x1000,               "the host's boot ROM" },
    { 0x2000000,            "the host's CLINT" },
    { 0x0c000000UL - 8,     "just below the vPLIC" },
    { 0x10000100,           "the hole after the UART" },
    { 0x10000ff8,           "the end of that hole" },
    { 0x10002000,           "the hole after the test device" },
    { 0x20000000,           "the host's flash" },
    { 0x30000000,           "the host's PCIe ECAM" },
    { 0x40000000,           "the host's PCIe MMIO window" },
    { 0x7ff00000,           "1 MiB below guest RAM" },
    { GUEST_RAM_BASE - 8,   "the last dword below guest RAM" },
    { GUEST_RAM_END,        "the first byte past guest RAM (host RAM)" },
    { 0x8ff00000,           "host RAM, 255 MiB up" },
    { 0x9ffffff8,           "the last dword of host RAM" },
    { 0xa0000000,           "past host RAM" },
    { 0x100000000UL,        "4 GiB" },
    { 0x3ffffffff8UL,       "the top of Sv39's 256 GiB half" },
    { 0x4000000000UL,       "256 GiB" },
    { 0x1fffffffff8UL,      "the last dword Sv39x4 translates" },
    { 0x20000000000UL,      "2 TiB: beyond Sv39x4" },
    { 1UL << 56,            "2^56" },
    { 1UL << 63,            "2^63" },
    { ~7UL,                 "the top of the address space" },
};
#define N_TARGETS (sizeof targets / sizeof targets[0])

static unsigned long tried;                 /* accesses attempted */

/* --- The canary ----------------------------------------------------------- */

static uint64_t canary(unsigned long addr)
{
    return addr * 0x9e3779b97f4a7c15UL ^ 0xc0ffee00c0ffee00UL;
}

static bool outside_image(unsigned long a)
{
    return a < IMAGE_START || a >= IMAGE_LIMIT;
}

static void canary_fill(void)
{
    for (unsigned long a = GUEST_RAM_BASE; a < GUEST_RAM_END; a += 8)
        if (outside_image(a))
            *(volatile uint64_t *)a = canary(a);
}

static void canary_check(void)
{
    unsigned long bad = 0, first = 0, words = 0;
    for (unsigned long a = GUEST_RAM_BASE; a < GUEST_RAM_END; a += 8) {
        if (!outside_image(a))
            continue;
        words++;
        if (*(volatile uint64_t *)a != canary(a) && bad++ == 0)
            first = a;
    }
    ok(bad == 0, "canary: %lu MiB of guest RAM (%lu dwords) still hold their pattern "
       "(%lu changed, first at 0x%lx)", words >> 17, words, bad, first);
}

/* --- Loads, stores and fetches at every target ---------------------------- */

static void attack_target(unsigned long addr, const char *what)
{
    unsigned long v, pc;
    bool load, store, fetch;

    v = SENTINEL;
    pc = FAULT_AT("ld %[v], 0(%[a])", addr, v);
    load = fault_was(EXC_LOAD_ACCESS, addr, pc, v);
    if (!load)
        print_fault("ld from", addr);

    v = SENTINEL;
    pc = FAULT_AT("sd %[v], 0(%[a])", addr, v);
    store = fault_was(EXC_STORE_ACCESS, addr, pc, v);
    if (!store)
        print_fault("sd to", addr);

    fetch = fetch_faults(addr) && fault_record.tval == addr;
    if (!fetch)
        print_fault("fetch from", addr);
    tried += 3;
    ok(load && store && fetch, "0x%lx (%s): ld -> 5, sd -> 7, fetch -> 1, stval = address",
       addr, what);
}

/* Then a scan: a load and a store at every MiB of the first 4 GiB, and a
   fetch at every 64 MiB, except where the guest has RAM or a device. */
static bool has_something(unsigned long a)
{
    return (a >= GUEST_RAM_BASE && a < GUEST_RAM_END) ||
           (a >= PLIC_BASE && a < UART_BASE + 0x2000);     /* vPLIC, UART, test device */
}

static void attack_scan(void)
{
    unsigned long faults = 0, accesses = 0, first_bad = ~0UL;
    for (unsigned long a = 0; a < 0x100000000UL; a += 1UL << 20) {
        if (has_something(a))
            continue;
        unsigned long v = SENTINEL, pc = FAULT_AT("ld %[v], 0(%[a])", a, v);
        bool good = fault_was(EXC_LOAD_ACCESS, a, pc, v);
        v = SENTINEL;
        pc = FAULT_AT("sd %[v], 0(%[a])", a, v);
        good = good && fault_was(EXC_STORE_ACCESS, a, pc, v);
        accesses += 2;
        if (a % (64UL << 20) == 0) {
            good = good && fetch_faults(a) && fault_record.tval == a;
            accesses++;
        }
        if (good)
            faults++;
        else if (first_bad == ~0UL)
            first_bad = a;
    }
    tried += accesses;
    ok(first_bad == ~0UL, "scan of 0-4 GiB by the MiB: %lu accesses, all access faults "
       "(first address that did not fault right: 0x%lx)", accesses, first_bad);
}

/* Accesses that are misaligned, or run over the end of RAM: a fault on the
   second half may name either the access's address or the first byte that
   faulted (Priv. spec §3.1.16: stval "may" point to the portion that faulted). */
static void attack_misaligned(void)
{
    static const struct { unsigned long addr; const char *what; } mis[] = {
        { 0x1003,                   "address 0x1003" },
        { GUEST_RAM_END + 4,        "host RAM past the guest's, 4 mod 8" },
        { 0x10000101,               "the hole after the UART, odd" },
        { 0x3fffffffffUL,           "0x3fffffffff" },
        { GUEST_RAM_END - 4,        "the last 4 bytes of guest RAM and 4 beyond" },
    };
    for (unsigned i = 0; i < sizeof mis / sizeof mis[0]; i++) {
        unsigned long a = mis[i].addr, v, pc;
        const volatile struct fault_record *r = &fault_record;
        v = SENTINEL;
        pc = FAULT_AT("ld %[v], 0(%[a])", a, v);
        bool load = r->count == 1 && r->cause == EXC_LOAD_ACCESS && r->epc == pc &&
                    v == SENTINEL && (r->tval == a || r->tval == ((a + 7) & ~7UL));
        if (!load)
            print_fault("misaligned ld from", a);
        v = SENTINEL;
        pc = FAULT_AT("sw %[v], 0(%[a])", a + 2, v);
        bool store = r->count == 1 && r->cause == EXC_STORE_ACCESS && r->epc == pc &&
                     (r->tval == a + 2 || r->tval == ((a + 2 + 3) & ~3UL));
        if (!store)
            print_fault("misaligned sw to", a + 2);
        tried += 2;
        ok(load && store, "misaligned ld at 0x%lx, sw at 0x%lx (%s): access faults",
           a, a + 2, mis[i].what);
    }
}

/* A 32-bit instruction whose second half lies past the end of RAM: the fetch
   of its first half succeeds, the second faults.  The guest writes
   "addi x0, x0, 0" (0x00000013) there; its upper half is at GUEST_RAM_END. */
static void attack_straddling_fetch(void)
{
    unsigned long at = GUEST_RAM_END - 2;
    *(volatile uint16_t *)at = 0x0013;
    __asm__ volatile("fence.i" ::: "memory");
    bool fetch = fetch_faults(at);
    unsigned long tval = fault_record.tval;
    tried++;
    ok(fetch && (tval == at || tval == GUEST_RAM_END),
       "fetch of a 4-byte instruction at 0x%lx that ends past RAM: fault 1, "
       "sepc 0x%lx (got 0x%lx), stval 0x%lx", at, at, fault_record.epc, tval);
}

/* The straddling sw and the instruction above may have changed the last
   dword of RAM (a misaligned store that faults may still write its first
   part, Priv. spec §2.6 of the unprivileged spec): put its canary back. */
static void canary_mend_last(void)
{
    *(volatile uint64_t *)(GUEST_RAM_END - 8) = canary(GUEST_RAM_END - 8);
}

int main(unsigned long hartid, unsigned long dtb)
{
    (void)dtb;
    printf("hostile-mem: hart %lu, RAM 0x%lx-0x%lx, %u targets\n", hartid, GUEST_RAM_BASE,
           GUEST_RAM_END, (unsigned)N_TARGETS);
    canary_fill();
    unsigned long common = fault_vector_on();
    for (unsigned i = 0; i < N_TARGETS; i++)
        attack_target(targets[i].addr, targets[i].what);
    attack_scan();
    attack_misaligned();
    attack_straddling_fetch();
    canary_mend_last();
    csr_write(stvec, common);
    canary_check();
    ok(hypervisor_answers(), "after %lu wild accesses the hypervisor still answers VERSION",
       tried);
    printf("# hostile-mem: %lu accesses tried, each answered in the guest\n", tried);
    return tap_done();
}
