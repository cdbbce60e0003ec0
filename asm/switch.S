/* The world switch: into the guest with sret, back through _guest_exit. */
#include "vcpu/regs.h"

    .text
    .globl _run_guest
_run_guest:                         /* void _run_guest(struct vcpu_regs *a0) */
        .irp n, 1,2,3,4,8,9,18,19,20,21,22,23,24,25,26,27
        sd      x\n, VCPU_HOST_X(\n)(a0)
        .endr
        ld      t0, VCPU_GUEST_SSTATUS(a0)
        csrrw   t0, sstatus, t0
        sd      t0, VCPU_HOST_SSTATUS(a0)
        ld      t0, VCPU_GUEST_HSTATUS(a0)
        csrrw   t0, hstatus, t0
        sd      t0, VCPU_HOST_HSTATUS(a0)
        ld      t0, VCPU_GUEST_SCOUNTEREN(a0)
        csrrw   t0, scounteren, t0
        sd      t0, VCPU_HOST_SCOUNTEREN(a0)
        ld      t0, VCPU_GUEST_SEPC(a0)
        csrw    sepc, t0
        la      t0, _guest_exit
        csrrw   t0, stvec, t0
        sd      t0, VCPU_HOST_STVEC(a0)
        csrrw   t0, sscratch, a0
        sd      t0, VCPU_HOST_SSCRATCH(a0)
        .irp n, 1,2,3,4,5,6,7,8,9,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        ld      x\n, VCPU_GUEST_X(\n)(a0)
        .endr
        ld      a0, VCPU_GUEST_X(10)(a0)
        sret

    .balign 4
    .globl _guest_exit
_guest_exit:
    csrrw   a0, sscratch, a0        /* a0 = registers, sscratch = guest a0 */
    .irp n, 1,2,3,4,5,6,7,8,9,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    sd      x\n, VCPU_GUEST_X(\n)(a0)
    .endr
    csrr    t0, sscratch
    sd      t0, VCPU_GUEST_X(10)(a0)
        csrr    t0, sepc
        sd      t0, VCPU_GUEST_SEPC(a0)
        csrr    t0, scause
        sd      t0, VCPU_TRAP_SCAUSE(a0)
        csrr    t0, stval
        sd      t0, VCPU_TRAP_STVAL(a0)
        csrr    t0, htval
        sd      t0, VCPU_TRAP_HTVAL(a0)
        csrr    t0, htinst
        sd      t0, VCPU_TRAP_HTINST(a0)
        ld      t0, VCPU_HOST_SSTATUS(a0)
        csrrw   t0, sstatus, t0
        sd      t0, VCPU_GUEST_SSTATUS(a0)
        ld      t0, VCPU_HOST_HSTATUS(a0)
        csrrw   t0, hstatus, t0
        sd      t0, VCPU_GUEST_HSTATUS(a0)
        ld      t0, VCPU_HOST_SCOUNTEREN(a0)
        csrrw   t0, scounteren, t0
        sd      t0, VCPU_GUEST_SCOUNTEREN(a0)
        ld      t0, VCPU_HOST_STVEC(a0)
        csrw    stvec, t0
        ld      t0, VCPU_HOST_SSCRATCH(a0)
        csrw    sscratch, t0
        .irp n, 1,2,3,4,8,9,18,19,20,21,22,23,24,25,26,27
        ld      x\n, VCPU_HOST_X(\n)(a0)
        .endr
        ret
