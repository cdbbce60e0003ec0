/*
 * attacker: the hostile half of the two-VM test (chapter 11).
 *
 * It tries to reach outside itself: loads and stores at random addresses all
 * over the guest-physical space except its own RAM and its devices, each of
 * which must fault in its own trap vector (trap.S); then random SBI calls,
 * each of which must come back with an SBI error code; then it crashes on
 * purpose, jumping to an address with no memory while its trap vector points
 * there too, so that the hypervisor must stop this VM---and only this VM.
 * The calls that would end the VM or put it to sleep (SRST, legacy shutdown,
 * HSM stop and suspend) and those that print (DBCN writes, legacy putchar)
 * are left out of the random ones: the crash at the end is the point.
 */
#include <stdint.h>
#include <stdio.h>
#include "guest.h"

#define ACCESSES        6000
#define SBI_CALLS       20000
#define RAM_END         (GUEST_RAM_BASE + (64UL << 20))     /* run with mem=64M */
#define CRASH_ADDR      0x1000UL

extern volatile unsigned long attacker_traps[3];
void attacker_trap(void);

static uint64_t rng = 0x0a77ac3e12345678ULL;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* An address outside the guest's RAM and devices, of one of four kinds. */
static unsigned long wild_address(void)
{
    for (;;) {
        uint64_t r = next();
        unsigned long a;
        switch (r & 3) {
        case 0:  a = r >> 34; break;                            /* below 1 GiB */
        case 1:  a = RAM_END + (r >> 36); break;                /* just above RAM */
        case 2:  a = (r >> 24) & ((1UL << 40) - 1); break;      /* anywhere in 40 bits */
        default: a = r & ~7UL; break;                           /* anywhere at all */
        }
        a &= ~7UL;
        if ((a >= GUEST_RAM_BASE && a < RAM_END) || (a >= 0x0c000000UL && a < 0x10002000UL))
            continue;
        return a;
    }
}

static unsigned long wild_accesses(void)
{
    unsigned long missed = 0;
    for (unsigned i = 0; i < ACCESSES; i++) {
        unsigned long a = wild_address(), v = next(), before = attacker_traps[0];
        if (i & 1)
            __asm__ volatile(".option push\n.option norvc\nsd %0, 0(%1)\n.option pop"
                             :: "r"(v), "r"(a) : "memory");
        else
            __asm__ volatile(".option push\n.option norvc\nld %0, 0(%1)\n.option pop"
                             : "+r"(v) : "r"(a) : "memory");
        if (attacker_traps[0] != before + 1 ||
            attacker_traps[1] != ((i & 1) ? 7UL : 5UL))         /* store/load access fault */
            missed++;
    }
    return missed;
}

static const unsigned long eids[] = {
    0x10, 0x54494D45, 0x735049, 0x52464E43, 0x48534D, 0x4442434E, 0x0A525648,
    0x00, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x504D55, 0x53555350,
};

static bool excluded(unsigned long eid, unsigned long fid)
{
    return eid == 0x53525354 || eid == 0x08 || eid == 0x01 ||
           (eid == 0x48534D && (fid == 1 || fid == 3)) ||
           (eid == 0x4442434E && (fid == 0 || fid == 2));
}

static unsigned long random_sbi_calls(void)
{
    unsigned long bad = 0;
    for (unsigned i = 0; i < SBI_CALLS; i++) {
        uint64_t r = next();
        unsigned long eid = r & 0x10 ? eids[r & 15] : next() >> 32;
        unsigned long fid = r >> 8 & 7, a[6];
        for (unsigned k = 0; k < 6; k++)
            a[k] = next() >> (r >> (16 + k) & 1 ? 0 : 32);
        if (excluded(eid, fid))
            continue;
        struct sbiret s = sbi_call(eid, fid, a[0], a[1], a[2], a[3], a[4], a[5]);
        bool legacy_getchar = eid == 0x02;
        if (legacy_getchar ? s.error < -1 || s.error > 255 : s.error > 0 || s.error < -10)
            bad++;
    }
    return bad;
}

int main(unsigned long hartid, unsigned long dtb)
{
    (void)hartid; (void)dtb;
    tap_plan(2);
    __asm__ volatile("csrw stvec, %0" :: "r"((unsigned long)attacker_trap));
    unsigned long missed = wild_accesses();
    ok(missed == 0, "%d wild accesses, each an access fault in the guest (%lu not)",
       ACCESSES, missed);
    unsigned long bad = random_sbi_calls();
    ok(bad == 0, "%d random SBI calls, each an SBI error code or success (%lu not)",
       SBI_CALLS, bad);
    printf("attacker: %d wild accesses, %d SBI calls done; now crashing\n", ACCESSES, SBI_CALLS);
    __asm__ volatile("csrw stvec, %0\n jr %0" :: "r"(CRASH_ADDR));
    return 1;                           /* not reached */
}
