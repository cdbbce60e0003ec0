/* hyp_trap_vector: every trap taken in HS-mode while the hypervisor runs. */
#include "arch/trap.h"

    .text
    .balign 4
    .globl hyp_trap_vector
hyp_trap_vector:
    csrrw   a0, sscratch, a0        /* a guest's: a0 = its registers */
    beqz    a0, 1f
    j       _guest_exit
1:  csrrw   a0, sscratch, a0        /* the hypervisor's: a0 back, sscratch = 0 */
    addi    sp, sp, -TF_SIZE
    .irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    sd      x\n, TF_X(\n)(sp)
    .endr
    addi    t0, sp, TF_SIZE
    sd      t0, TF_X(2)(sp)
    csrr    t0, sepc
    sd      t0, TF_SEPC(sp)
    csrr    t0, sstatus
    sd      t0, TF_SSTATUS(sp)

    mv      a0, sp
    call    hyp_trap

    ld      t0, TF_SEPC(sp)
    csrw    sepc, t0
    ld      t0, TF_SSTATUS(sp)
    csrw    sstatus, t0
    .irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    ld      x\n, TF_X(\n)(sp)
    .endr
    addi    sp, sp, TF_SIZE
    sret
