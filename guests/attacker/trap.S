/*
 * trap.S: the attacker's trap vector.  Every wild access is one 32-bit
 * instruction (main.c assembles them with norvc); the vector counts the
 * trap, records the cause, and resumes after the instruction.  Only t0 and
 * t1 are touched, and t1 is saved in attacker_traps[2].
 */
    .text
    .balign 4
    .globl attacker_trap
attacker_trap:
    csrw    sscratch, t0
    la      t0, attacker_traps
    sd      t1, 16(t0)
    ld      t1, 0(t0)               /* count it */
    addi    t1, t1, 1
    sd      t1, 0(t0)
    csrr    t1, scause
    sd      t1, 8(t0)
    csrr    t1, sepc                /* resume after the instruction */
    addi    t1, t1, 4
    csrw    sepc, t1
    ld      t1, 16(t0)
    csrr    t0, sscratch
    sret

    .bss
    .balign 8
    .globl attacker_traps
attacker_traps:                     /* count, last scause, saved t1 */
    .space  24
