/*
 * hostile-reboot: one VM, two lives.  Until several VMs run at once, a reboot
 * is the nearest thing to "another VM after an attacker": the second life
 * runs in the same RAM, on the same monitor, after the first did its worst.
 *
 *   make qemu GUEST=build/guests/hostile-reboot.bin BOOTARGS=testdev
 *
 * First boot (the RVH hypercall BOOTS says 1): 20 000 random SBI calls
 * (sweep.h, another seed than hostile-sbi's), loads, stores and fetches at
 * addresses where it has nothing, a marker in RAM, then an SRST cold reboot
 * (SBI spec v2.0 §10.1).
 * Second boot (BOOTS = 2): its RAM must be cleared (the marker gone); it
 * fills 64 MiB with a pattern and checks a checksum of it, prints a known
 * text of 32 lines that the test compares whole, and shuts down cleanly.
 */
#include "sweep.h"

#define FIRST_SWEEP     20000UL
#define MARKER_ADDR     0x80400000UL
#define MARKER          0x484f5354494c45UL      /* "HOSTILE" */
#define PATTERN_BASE    0x80400000UL
#define PATTERN_SIZE    (64UL << 20)
#define TEXT_LINES      32

static const unsigned long wild[] = {
    0x0, 0x1000, 0x10000100, 0x10002000, 0x7ffffff8, GUEST_RAM_END, 0x9ffffff8,
    0x100000000UL, 0x20000000000UL, 1UL << 63,
};

static int first_life(unsigned long hartid)
{
    printf("hostile-reboot: first boot, hart %lu: attacking\n", hartid);
    xorshift_state = 0x9e3779b97f4a7c15UL;
    sweep_prepare();
    struct sweep_stats s = { 0 };
    sweep_run(&s, FIRST_SWEEP);
    sbi_call(SBI_EXT_TIME, 0, ~0UL, 0, 0, 0, 0, 0);
    sweep_report(&s);

    unsigned long common = fault_vector_on(), faults = 0;
    for (unsigned i = 0; i < sizeof wild / sizeof wild[0]; i++) {
        unsigned long a = wild[i], v = SENTINEL, pc;
        pc = FAULT_AT("ld %[v], 0(%[a])", a, v);
        faults += fault_was(EXC_LOAD_ACCESS, a, pc, v);
        v = SENTINEL;
        pc = FAULT_AT("sd %[v], 0(%[a])", a, v);
        faults += fault_was(EXC_STORE_ACCESS, a, pc, v);
        faults += fetch_faults(a) && fault_record.tval == a;
    }
    csr_write(stvec, common);
    ok(faults == 3 * (sizeof wild / sizeof wild[0]),
       "first boot: %lu of %lu wild loads, stores and fetches faulted in the guest", faults,
       3 * (sizeof wild / sizeof wild[0]));
    *(volatile uint64_t *)MARKER_ADDR = MARKER;
    /* The reboot forgets these checks: print the summary of this life now. */
    printf("# hostile-reboot: first boot done, %lu random calls; asking for a cold reboot\n",
           s.calls);
    tap_done();
    struct sbiret r = sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, 1 /* cold reboot */,
                               SBI_SRST_REASON_NONE, 0, 0, 0, 0);
    printf("not ok - the reboot returned (error %ld)\n", r.error);
    return 1;
}

/* FNV-1a over the pattern's dwords, against the same computed from the
   formula: equal only if every dword reads back as written. */
static uint64_t fnv1a_step(uint64_t h, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        h = (h ^ (v >> (8 * i) & 0xff)) * 0x100000001b3UL;
    return h;
}

static uint64_t pattern(unsigned long a)
{
    return ~a * 0xd6e8feb86659fd93UL;
}

static int second_life(unsigned long hartid, long boots)
{
    printf("hostile-reboot: boot number %ld, hart %lu\n", boots, hartid);
    ok(boots == 2, "this is the second boot (BOOTS = %ld)", boots);
    ok(*(volatile uint64_t *)MARKER_ADDR == 0,
       "the first boot's marker is gone: the monitor cleared RAM (0x%llx)",
       (unsigned long long)*(volatile uint64_t *)MARKER_ADDR);
    uint64_t want = 0xcbf29ce484222325UL, got = want;
    for (unsigned long a = PATTERN_BASE; a < PATTERN_BASE + PATTERN_SIZE; a += 8) {
        *(volatile uint64_t *)a = pattern(a);
        want = fnv1a_step(want, pattern(a));
    }
    for (unsigned long a = PATTERN_BASE; a < PATTERN_BASE + PATTERN_SIZE; a += 8)
        got = fnv1a_step(got, *(volatile uint64_t *)a);
    ok(got == want, "64 MiB written and read back: FNV-1a 0x%llx (expected 0x%llx)",
       (unsigned long long)got, (unsigned long long)want);
    for (unsigned line = 1; line <= TEXT_LINES; line++)
        printf("intact %02u/%02u the quick brown fox jumps over the lazy dog 0123456789\n",
               line, TEXT_LINES);
    ok(hypervisor_answers(), "the hypervisor answers the second boot's hypercall");
    return tap_done();
}

int main(unsigned long hartid, unsigned long dtb)
{
    (void)dtb;
    struct sbiret boots = rvh_hypercall(RVH_FID_BOOTS, 0, 0, 0, 0, 0, 0);
    if (boots.error == SBI_SUCCESS && boots.value == 1)
        return first_life(hartid);
    return second_life(hartid, boots.value);
}
