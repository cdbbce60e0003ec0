/*
 * hostile-vector: a guest that cannot take the exception it earns.  It
 * points its trap vector (stvec) at 0x1000, where it has nothing, then loads
 * from 0x0.  The load's access fault would send it to 0x1000, whose fetch
 * fault would send it to 0x1000 again, for ever: RVH refuses to deliver an
 * exception whose handler is the very instruction that faulted
 * (vcpu_inject_exception, chapter 7) and stops the VM with a reason instead.
 * The test expects the guest's announcement, the monitor's "stopped:" line
 * naming the fetch at 0x1000, and a power-off with failure; nothing after
 * the load runs.  The load's fault is delivered (to 0x1000); the fetch fault
 * there is the one refused.
 */
#include <stdio.h>
#include "guest.h"

#define NOWHERE 0x1000UL

int main(unsigned long hartid, unsigned long dtb)
{
    (void)dtb;
    printf("hostile-vector: hart %lu, stvec -> 0x%lx, then a load from 0x0\n", hartid, NOWHERE);
    __asm__ volatile("csrw stvec, %0\n"
                     "ld   t0, 0(zero)\n"
                     :: "r"(NOWHERE) : "t0", "memory");
    ok(false, "the load from 0x0 returned with stvec at 0x%lx", NOWHERE);
    return tap_done();
}
