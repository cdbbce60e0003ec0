/*
 * keeps.S: one ecall with every general register set, to see which come back.
 *
 * void ecall_keeps(const unsigned long in[32], unsigned long out[32])
 *
 * Loads x1..x31 from in[1..31] (sp, gp and tp included, so the hypervisor sees
 * nothing of the C world), executes ecall, and stores x1..x31 into
 * out[1..31].  The SBI calling convention (SBI spec v2.0 §3) lets the callee
 * change a0 and a1 only (a0 only for the legacy extensions, §5), so every
 * other out[n] must equal in[n].  RVH answers some ecalls on a short path that
 * leaves s1..s11 in the hart and others through its monitor; this is the check
 * that both give every register back.
 *
 * While the registers hold the test values, C's own are in a frame on the
 * stack, sp in out[0] and the out pointer in sscratch, the one register a
 * guest has that the ecall does not touch (vsscratch to the hypervisor).
 * Interrupts are off meanwhile (sstatus.SIE), since a handler would find sp
 * and gp holding test values.
 */
#define FRAME   (16 * 8)        /* ra, gp, tp, s0..s11 and sstatus */

    .text
    .globl ecall_keeps
ecall_keeps:
    addi    sp, sp, -FRAME
    sd      ra, 0(sp)
    sd      gp, 8(sp)
    sd      tp, 16(sp)
    sd      s0, 24(sp)
    sd      s1, 32(sp)
    .irp n, 18,19,20,21,22,23,24,25,26,27
    sd      x\n, (40 + 8 * (\n - 18))(sp)
    .endr
    csrrci  t0, sstatus, 2          /* SIE off; the old sstatus kept */
    sd      t0, 120(sp)
    sd      sp, 0(a1)               /* out[0]: C's stack pointer */
    csrw    sscratch, a1
    .irp n, 1,2,3,4,5,6,7,8,9,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    ld      x\n, (8 * \n)(a0)
    .endr
    ld      a0, (8 * 10)(a0)
    ecall
    csrrw   a0, sscratch, a0        /* a0 = out, sscratch = the returned a0 */
    .irp n, 1,2,3,4,5,6,7,8,9,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    sd      x\n, (8 * \n)(a0)
    .endr
    csrr    t0, sscratch
    sd      t0, (8 * 10)(a0)
    ld      sp, 0(a0)
    ld      t0, 120(sp)
    csrw    sstatus, t0
    ld      ra, 0(sp)
    ld      gp, 8(sp)
    ld      tp, 16(sp)
    ld      s0, 24(sp)
    ld      s1, 32(sp)
    .irp n, 18,19,20,21,22,23,24,25,26,27
    ld      x\n, (40 + 8 * (\n - 18))(sp)
    .endr
    addi    sp, sp, FRAME
    ret
