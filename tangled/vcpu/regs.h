/* struct vcpu_regs: everything the world switch saves and restores. */
#ifndef VCPU_REGS_H
#define VCPU_REGS_H

#define VCPU_GUEST_X(n)         ((n) * 8)
#define VCPU_HOST_X(n)          (256 + (n) * 8)
#define VCPU_GUEST_SSTATUS      512
#define VCPU_GUEST_HSTATUS      520
#define VCPU_GUEST_SEPC         528
#define VCPU_TRAP_SCAUSE        536
#define VCPU_TRAP_STVAL         544
#define VCPU_TRAP_HTVAL         552
#define VCPU_TRAP_HTINST        560

#ifndef __ASSEMBLER__
#include <stddef.h>
struct vcpu_guest_csrs {        /* written on entry, read back at exit */
    unsigned long sstatus, hstatus, sepc;
};
struct vcpu_trap_csrs {         /* why the guest left: read at the exit */
    unsigned long scause, stval, htval, htinst;
};
struct vcpu_vs_csrs {           /* the guest's own supervisor state */
    unsigned long vsstatus, vsie, vstvec, vsscratch, vsepc, vscause, vstval, vsatp;
    unsigned long hvip, htimedelta, vstimecmp, scounteren;
};

struct vcpu_regs {
    unsigned long guest_x[32];
    unsigned long host_x[32];
    struct vcpu_guest_csrs guest;
    struct vcpu_trap_csrs trap;
    struct vcpu_vs_csrs vs;
};
#define VCPU_CHECK(off, member) \
    _Static_assert(offsetof(struct vcpu_regs, member) == (off), #off " is stale")
VCPU_CHECK(VCPU_GUEST_X(0), guest_x);
VCPU_CHECK(VCPU_HOST_X(0), host_x);
VCPU_CHECK(VCPU_GUEST_SSTATUS, guest.sstatus);
VCPU_CHECK(VCPU_GUEST_HSTATUS, guest.hstatus);
VCPU_CHECK(VCPU_GUEST_SEPC, guest.sepc);
VCPU_CHECK(VCPU_TRAP_SCAUSE, trap.scause);
VCPU_CHECK(VCPU_TRAP_STVAL, trap.stval);
VCPU_CHECK(VCPU_TRAP_HTVAL, trap.htval);
VCPU_CHECK(VCPU_TRAP_HTINST, trap.htinst);
_Static_assert(sizeof(((struct vcpu_regs *)0)->guest_x) == 32 * 8, "guest_x");
#endif

#endif
#define REG_RA  1
#define REG_SP  2
#define REG_A0  10
#define REG_A1  11
#define REG_A6  16
#define REG_A7  17
#define SSTATUS_FS_INITIAL      (1UL << 13)
#define HSTATUS_VSBE            (1UL << 5)
#define HSTATUS_GVA             (1UL << 6)
#define HSTATUS_SPV             (1UL << 7)
#define HSTATUS_SPVP            (1UL << 8)
#define HSTATUS_HU              (1UL << 9)
#define HSTATUS_VTVM            (1UL << 20)
#define HSTATUS_VTW             (1UL << 21)
#define HSTATUS_VTSR            (1UL << 22)
#define HSTATUS_VSXL_64         (2UL << 32)
#define SSTATUS_FS              (3UL << 13)
#define SSTATUS_FS_CLEAN        (2UL << 13)
#define SSTATUS_FS_DIRTY        (3UL << 13)
