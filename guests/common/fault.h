/*
 * fault.h: the C side of fault.S, the trap vector for the test guests that
 * expect exceptions: mmio (access faults at its devices) and the hostile
 * guests (hostile-mem, hostile-insn, hostile-reboot, through hostile.h).
 *
 * A guest installs the vector around its faulting checks only:
 *
 *   unsigned long common = fault_vector_on();
 *   ... FAULT_AT(...), fault_fetch(...), fetch_faults(...) ...
 *   csr_write(stvec, common);
 *
 * fault.S records each trap in fault_record (count, scause, sepc, stval) and
 * resumes past the faulting instruction, or at fault_record.recover if that
 * is set, which is how a fetch fault is survived; see fault.S for the rest.
 */
#ifndef FAULT_H
#define FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "guest.h"

/* Exception codes (Priv. spec 20211203 §4.1.9, table 4.2). */
#define EXC_INST_ACCESS     1
#define EXC_ILLEGAL_INST    2
#define EXC_LOAD_ACCESS     5
#define EXC_STORE_ACCESS    7

/* fault.S's record; the offsets there must match. */
struct fault_record {
    unsigned long count, cause, epc, tval;
    unsigned long recover;      /* if nonzero: resume there (one shot) */
    unsigned long fallback;     /* the common vector, for what is not ours */
    unsigned long save[2];
};
_Static_assert(offsetof(struct fault_record, recover) == 32, "REC_RECOVER in fault.S");
_Static_assert(offsetof(struct fault_record, fallback) == 40, "REC_FALLBACK in fault.S");
_Static_assert(sizeof(struct fault_record) == 64, "REC_SIZE in fault.S");
extern volatile struct fault_record fault_record;
void fault_trap(void);

/* What a check puts in the register of an instruction that must fault: a
   faulting load must leave it alone. */
#define SENTINEL 0x5e5e5e5e5e5e5e5eUL

/* Forget the last trap: no trap yet, no recovery address. */
static inline void fault_reset(void)
{
    fault_record.count = 0;
    fault_record.cause = fault_record.epc = fault_record.tval = ~0UL;
    fault_record.recover = 0;
}

/* Install fault.S's vector; the common one (start.S) stays its fallback.
   Returns the common vector, for csr_write(stvec, ...) afterwards. */
static inline unsigned long fault_vector_on(void)
{
    unsigned long common = csr_read(stvec);
    fault_record.fallback = common;
    csr_write(stvec, (uintptr_t)fault_trap);
    return common;
}

/* Runs one 32-bit instruction insn that must fault, with %[v] = var_
   (initially SENTINEL) as its destination or source and %[a] = addr_; returns the
   instruction's address.  A faulting load must leave %[v] alone. */
#define FAULT_AT(insn, addr_, var_)                                                 \
    ({                                                                          \
        unsigned long pc_;                                                      \
        fault_reset();                                                          \
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
    const volatile struct fault_record *r = &fault_record;
    return r->count == 1 && r->cause == cause && r->tval == tval && r->epc == pc &&
           v == SENTINEL;
}

static inline void print_fault(const char *what, unsigned long addr)
{
    const volatile struct fault_record *r = &fault_record;
    printf("# %s 0x%lx: %lu traps, last scause %ld sepc 0x%lx stval 0x%lx\n", what, addr,
           r->count, (long)r->cause, r->epc, r->tval);
}

/* A jump to target, which must fault on the fetch: the handler cannot step
   over an instruction it cannot read, so it resumes at the label after the
   jalr, which the asm leaves in fault_record.recover.  Returns that label's
   address; fault_record tells what happened. */
static inline unsigned long fault_fetch(unsigned long target)
{
    unsigned long back;
    fault_reset();
    __asm__ volatile(".option push\n.option norvc\n"
                     "la   %[back], 1f\n"
                     "sd   %[back], 0(%[rec])\n"
                     "jalr ra, 0(%[target])\n"
                     "1:\n"
                     ".option pop"
                     : [back] "=&r"(back)
                     : [rec] "r"(&fault_record.recover), [target] "r"(target)
                     : "ra", "memory");
    return back;
}

/* fault_fetch, quiet: true if exactly one instruction access fault came, at
   target, and recovery was used. */
static inline bool fetch_faults(unsigned long target)
{
    fault_fetch(target);
    const volatile struct fault_record *r = &fault_record;
    return r->count == 1 && r->cause == EXC_INST_ACCESS && r->epc == target &&
           r->recover == 0;
}

#endif
