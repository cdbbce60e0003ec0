/* The hypervisor's trap handler: for now every trap is a bug. */
#include <stdio.h>
#include "arch/csr.h"
#include "arch/names.h"
#include "arch/trap.h"
#include "lib/panic.h"
#include "arch/sbi.h"

bool hyp_trap_h_csrs;

static const char *const abi_names[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0",
    "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
    "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

void dump_gprs(const unsigned long x[32])
{
    for (int i = 1; i < 32; i++)
        printf("%s%4s=%016lx%s", i % 4 == 1 ? "rvh:  " : "", abi_names[i],
               x[i], i % 4 == 0 || i == 31 ? "\n" : " ");
}

void hyp_trap(struct trap_frame *tf)
{
    static bool dumping;
    unsigned long scause = csr_read(scause);
    if (dumping)
        sbi_shutdown(true);
    dumping = true;
    printf("rvh: unexpected trap in the hypervisor: %s (scause=0x%lx)\n",
           scause_name(scause), scause);
    printf("rvh:   sepc=0x%lx stval=0x%lx sstatus=0x%lx\n",
           tf->sepc, csr_read(stval), tf->sstatus);
    if (hyp_trap_h_csrs)
        printf("rvh:   htval=0x%lx htinst=0x%lx hstatus=0x%lx\n",
               csr_read(htval), csr_read(htinst), csr_read(hstatus));
    dump_gprs(tf->x);
    panic("stopping: a trap in HS-mode is a hypervisor bug");
}
