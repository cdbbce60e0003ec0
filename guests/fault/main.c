/*
 * fault: a guest that loads from guest-physical 0x40000000, which is not its
 * RAM and no device of its.  The hypervisor must stop the VM at that load and
 * report it; the guest prints the load's address first, so that a test can
 * compare the hypervisor's report with it.  If the load ever returns, the
 * check fails and the guest shuts down with "system failure".
 */
#include <stdio.h>
#include "guest.h"

#define FAULT_ADDR 0x40000000UL

/*
 * Returns the address of its one load instruction (label 1), and performs
 * the load only if do_load.  Calling it twice, first to learn the address,
 * then to fault, prints the very pc that faults: noipa keeps gcc from
 * inlining or cloning it, which would give the two calls different loads.
 */
static __attribute__((noipa)) unsigned long load_at(unsigned long addr, bool do_load,
                                                    unsigned long *value)
{
    unsigned long pc, v = 0;
    __asm__ volatile("   la   %[pc], 1f\n"
                     "   beqz %[go], 2f\n"
                     "1: ld   %[v], 0(%[addr])\n"
                     "2:\n"
                     : [pc] "=&r"(pc), [v] "+r"(v)
                     : [go] "r"(do_load), [addr] "r"(addr)
                     : "memory");
    *value = v;
    return pc;
}

int main(unsigned long hartid, unsigned long dtb)
{
    (void)hartid;
    (void)dtb;
    unsigned long value;
    tap_plan(1);
    unsigned long pc = load_at(FAULT_ADDR, false, &value);
    printf("fault: loading from 0x%lx at pc 0x%lx\n", FAULT_ADDR, pc);
    load_at(FAULT_ADDR, true, &value);
    ok(false, "load from unmapped memory returned (value 0x%lx)", value);
    return tap_done();
}
