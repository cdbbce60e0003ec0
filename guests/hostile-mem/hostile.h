/*
 * hostile.h: what the hostile test guests share (hostile-mem, hostile-insn,
 * hostile-reboot; the other two reach this file through a symbolic link).
 *
 * A hostile guest does what a guest should not: it touches addresses where it
 * has nothing, runs instructions the hypervisor does not emulate, and makes
 * SBI calls with arguments no kernel would pass.  What it checks is that each
 * of those comes back to it as the right exception in its own trap handler
 * (or as an SBI error), and that the hypervisor is still there afterwards.
 *
 * The trap handler is the mmio guest's (trap.S, a link to guests/mmio/trap.S):
 * it records scause, sepc and stval, and resumes past the faulting
 * instruction, or at a recovery address for a fetch fault, where there is no
 * instruction to step over.
 */
#ifndef HOSTILE_H
#define HOSTILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "guest.h"

/* The guest's view of the machine (guests/mmio/main.c, vm.c's defaults). */
#define PLIC_BASE       0x0c000000UL
#define UART_BASE       0x10000000UL
#define TESTDEV_BASE    0x10001000UL
#define GUEST_RAM_END   (GUEST_RAM_BASE + GUEST_RAM_SIZE)

/* Exception codes (Priv. spec 20211203 §4.1.9, table 4.2). */
#define EXC_INST_ACCESS     1
#define EXC_ILLEGAL_INST    2
#define EXC_LOAD_ACCESS     5
#define EXC_STORE_ACCESS    7

#define SSTATUS_SIE         (1UL << 1)
#define SSTATUS_FS_INITIAL  (1UL << 13)     /* FS = 1 (Priv. spec §4.1.1.5) */
#define SSTATUS_FS          (3UL << 13)
#define SIE_STIE            (1UL << 5)

/* SBI error codes (SBI spec v2.0 §3.2): 0 and -1 (FAILED) .. -10 (NO_SHMEM). */
#define SBI_ERR_FAILED          (-1)
#define SBI_ERR_INVALID_ADDRESS (-5)
#define SBI_ERR_LAST            (-10)

/* trap.S's record; the offsets there must match. */
struct trap_record {
    unsigned long count, cause, epc, tval;
    unsigned long recover;      /* if nonzero: resume there (one shot) */
    unsigned long fallback;     /* the common vector, for what is not ours */
    unsigned long save[2];
};
_Static_assert(offsetof(struct trap_record, recover) == 32, "REC_RECOVER in trap.S");
_Static_assert(offsetof(struct trap_record, fallback) == 40, "REC_FALLBACK in trap.S");
_Static_assert(sizeof(struct trap_record) == 64, "REC_SIZE in trap.S");
extern volatile struct trap_record mmio_trap_record;
void mmio_trap(void);

#define SENTINEL 0x5e5e5e5e5e5e5e5eUL

static inline void trap_reset(void)
{
    mmio_trap_record.count = 0;
    mmio_trap_record.cause = mmio_trap_record.epc = mmio_trap_record.tval = ~0UL;
    mmio_trap_record.recover = 0;
}

/* Install trap.S's vector; the common one (start.S) stays its fallback. */
static inline unsigned long hostile_vector_on(void)
{
    unsigned long common = csr_read(stvec);
    mmio_trap_record.fallback = common;
    csr_write(stvec, (uintptr_t)mmio_trap);
    return common;
}

/* Runs one 32-bit instruction insn that must fault, with %[v] = var_
   (initially SENTINEL) as its destination or source and %[a] = addr_; returns the
   instruction's address.  A faulting load must leave %[v] alone. */
#define FAULT_AT(insn, addr_, var_)                                                 \
    ({                                                                          \
        unsigned long pc_;                                                      \
        trap_reset();                                                           \
        __asm__ volatile(".option push\n.option norvc\n"                        \
                         "la %[pc], 1f\n"                                       \
                         "1: " insn "\n"                                        \
                         ".option pop"                                          \
                         : [pc] "=&r"(pc_), [v] "+r"(var_)                      \
                         : [a] "r"(addr_)                                       \
                         : "memory");                                           \
        pc_;                                                                    \
    })

/* Did the last FAULT_AT trap once, with this cause, at this pc, with this
   stval, and leave its register alone?  Quiet: the caller reports. */
static inline bool fault_was(unsigned long cause, unsigned long tval, unsigned long pc,
                             unsigned long v)
{
    const volatile struct trap_record *r = &mmio_trap_record;
    return r->count == 1 && r->cause == cause && r->tval == tval && r->epc == pc &&
           v == SENTINEL;
}

static inline void print_fault(const char *what, unsigned long addr)
{
    const volatile struct trap_record *r = &mmio_trap_record;
    printf("# %s 0x%lx: %lu traps, last scause %ld sepc 0x%lx stval 0x%lx\n", what, addr,
           r->count, (long)r->cause, r->epc, r->tval);
}

/* A jump to target, which must fault on the fetch: the handler cannot step
   over an instruction it cannot read, so it resumes at the label after the
   jalr, which the asm leaves in mmio_trap_record.recover.  True if exactly
   one instruction access fault came, at target, and recovery was used. */
static inline bool fetch_faults(unsigned long target)
{
    unsigned long back;
    trap_reset();
    __asm__ volatile(".option push\n.option norvc\n"
                     "la   %[back], 1f\n"
                     "sd   %[back], 0(%[rec])\n"
                     "jalr ra, 0(%[target])\n"
                     "1:\n"
                     ".option pop"
                     : [back] "=&r"(back)
                     : [rec] "r"(&mmio_trap_record.recover), [target] "r"(target)
                     : "ra", "memory");
    const volatile struct trap_record *r = &mmio_trap_record;
    return r->count == 1 && r->cause == EXC_INST_ACCESS && r->epc == target &&
           r->recover == 0;
}

/* The hypervisor still answers: the RVH hypercall VERSION (guest.h). */
static inline bool hypervisor_answers(void)
{
    struct sbiret r = rvh_hypercall(RVH_FID_VERSION, 0, 0, 0, 0, 0, 0);
    return r.error == SBI_SUCCESS && r.value == RVH_VERSION;
}

#endif
