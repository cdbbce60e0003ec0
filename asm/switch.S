/* The world switch: into the guest with sret, back through _guest_exit. */
#include "vcpu/regs.h"

    .text
    .globl _run_guest
_run_guest:                         /* void _run_guest(struct vcpu_regs *a0) */
    .irp n, 1,2,3,4,8,9,18,19,20,21,22,23,24,25,26,27
    sd      x\n, VCPU_HOST_X(\n)(a0)
    .endr
_enter_guest:                       /* a0 = registers: the whole guest */
    .irp n, 9,18,19,20,21,22,23,24,25,26,27
    ld      x\n, VCPU_GUEST_X(\n)(a0)
    .endr
_resume_guest:                      /* the same, with s1-s11 already in the hart */
    ld      t0, VCPU_GUEST_SEPC(a0)
    csrw    sepc, t0
    ld      t0, VCPU_GUEST_SSTATUS(a0)
    csrw    sstatus, t0
    ld      t0, VCPU_GUEST_HSTATUS(a0)
    csrw    hstatus, t0
    csrw    sscratch, a0
    .irp n, 1,2,3,4,5,6,7,8,11,12,13,14,15,16,17,28,29,30,31
    ld      x\n, VCPU_GUEST_X(\n)(a0)
    .endr
    ld      a0, VCPU_GUEST_X(10)(a0)
    sret

    .balign 4
    .globl _guest_exit
_guest_exit:                        /* a0 = registers, sscratch = guest a0 */
    .irp n, 1,2,3,4,5,6,7,8,11,12,13,14,15,16,17,28,29,30,31
    sd      x\n, VCPU_GUEST_X(\n)(a0)
    .endr
    csrrw   t0, sscratch, zero      /* the guest's a0; from here on a trap is ours */
    sd      t0, VCPU_GUEST_X(10)(a0)
    csrr    t0, sepc
    sd      t0, VCPU_GUEST_SEPC(a0)
    csrr    t0, sstatus
    sd      t0, VCPU_GUEST_SSTATUS(a0)
    csrr    t0, hstatus
    sd      t0, VCPU_GUEST_HSTATUS(a0)
    csrr    t0, scause
    sd      t0, VCPU_TRAP_SCAUSE(a0)
    li      t1, 10                  /* EXC_ECALL_VS */
    beq     t0, t1, _guest_ecall
    .irp n, 9,18,19,20,21,22,23,24,25,26,27
    sd      x\n, VCPU_GUEST_X(\n)(a0)
    .endr
    csrr    t0, stval
    sd      t0, VCPU_TRAP_STVAL(a0)
    csrr    t0, htval
    sd      t0, VCPU_TRAP_HTVAL(a0)
    csrr    t0, htinst
    sd      t0, VCPU_TRAP_HTINST(a0)
    ld      sp, VCPU_HOST_X(2)(a0)
    ld      gp, VCPU_HOST_X(3)(a0)
    ld      tp, VCPU_HOST_X(4)(a0)
    mv      s0, a0
    call    vcpu_guest_trapped      /* bool (struct vcpu_regs *): true = for the monitor */
    mv      t0, a0
    mv      a0, s0
    beqz    t0, _enter_guest        /* answered: back into the guest */
_exit_to_monitor:
    .irp n, 1,2,3,4,8,9,18,19,20,21,22,23,24,25,26,27
    ld      x\n, VCPU_HOST_X(\n)(a0)
    .endr
    ret

_guest_ecall:                       /* s1-s11 are still the guest's */
    ld      sp, VCPU_HOST_X(2)(a0)
    ld      gp, VCPU_HOST_X(3)(a0)
    ld      tp, VCPU_HOST_X(4)(a0)
    mv      s0, a0
    call    vcpu_guest_trapped      /* bool (struct vcpu_regs *): true = for the monitor */
    mv      t0, a0
    mv      a0, s0
    beqz    t0, _resume_guest       /* answered: back into the guest */
    .irp n, 9,18,19,20,21,22,23,24,25,26,27
    sd      x\n, VCPU_GUEST_X(\n)(a0)
    .endr
    j       _exit_to_monitor
