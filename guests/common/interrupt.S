/*
 * interrupt.S: a trap vector for guests that take interrupts (timer, irq).
 *
 * void guest_interrupt_vector(void), installed in stvec (direct mode) by a
 * guest that expects interrupts.  An interrupt may arrive between any two
 * instructions of C code while sstatus.SIE is set, so the vector saves every
 * register the C calling convention lets a function clobber (ra, t0..t6,
 * a0..a7) on the interrupted code's stack, calls guest_interrupt(scause),
 * restores them and returns with sret.  The callee-saved registers are
 * guest_interrupt's to preserve.  An interrupt does not change sepc, and
 * guest_interrupt never returns from anything else (it shuts the guest down),
 * so sret goes back where the interrupt hit.  A guest that installs the
 * vector defines guest_interrupt; guest.c has a default that reports the trap.
 */
#define FRAME_SIZE  128                 /* 16 registers; sp stays 16-byte aligned */

    .text
    .balign 4                           /* stvec's low two bits are the mode */
    .globl guest_interrupt_vector
guest_interrupt_vector:
    addi    sp, sp, -FRAME_SIZE
    sd      ra, 0(sp)
    sd      t0, 8(sp)
    sd      t1, 16(sp)
    sd      t2, 24(sp)
    sd      t3, 32(sp)
    sd      t4, 40(sp)
    sd      t5, 48(sp)
    sd      t6, 56(sp)
    sd      a0, 64(sp)
    sd      a1, 72(sp)
    sd      a2, 80(sp)
    sd      a3, 88(sp)
    sd      a4, 96(sp)
    sd      a5, 104(sp)
    sd      a6, 112(sp)
    sd      a7, 120(sp)

    csrr    a0, scause
    call    guest_interrupt             /* guest_interrupt(scause) */

    ld      ra, 0(sp)
    ld      t0, 8(sp)
    ld      t1, 16(sp)
    ld      t2, 24(sp)
    ld      t3, 32(sp)
    ld      t4, 40(sp)
    ld      t5, 48(sp)
    ld      t6, 56(sp)
    ld      a0, 64(sp)
    ld      a1, 72(sp)
    ld      a2, 80(sp)
    ld      a3, 88(sp)
    ld      a4, 96(sp)
    ld      a5, 104(sp)
    ld      a6, 112(sp)
    ld      a7, 120(sp)
    addi    sp, sp, FRAME_SIZE
    sret
