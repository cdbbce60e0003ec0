/*
 * fault.S: a trap vector for the test guests that expect exceptions (mmio,
 * hostile-mem, hostile-insn, hostile-reboot); fault.h is its C side.  Like
 * every file in guests/common/ it is linked into every guest, but it is used
 * only where a guest installs it in stvec (fault_vector_on), around the
 * checks that expect a fault, and puts the common vector (start.S) back
 * afterwards.
 *
 * fault_trap counts the trap and records scause, sepc and stval in
 * fault_record, then resumes the guest:
 *   - at fault_record.recover, if that is set (one shot: it is cleared),
 *     which is how a check survives a fault it cannot step over, such as an
 *     instruction fetch from an address with no memory;
 *   - otherwise just past the faulting instruction, whose length it reads
 *     from the instruction's low two bits: 11 means 32 bits, anything else
 *     a 16-bit compressed instruction (RISC-V unprivileged spec 20191213
 *     §1.5).  The instruction is in RAM, and the guest runs with satp off,
 *     so sepc can be read as an address.
 * Two traps it does not handle go to the common vector (saved in
 * fault_record.fallback), which reports them and stops the guest: an
 * interrupt (scause bit 63), and an instruction access fault with no
 * recovery address (stepping over would read the instruction at sepc, where
 * there is none).
 *
 * Only t0..t2 are used: t0 is parked in sscratch, t1 and t2 in the record.
 * The guest's sp is never used, so the vector also works while sp points
 * into a device.
 */
/* The offsets of struct fault_record (fault.h, which checks them). */
#define REC_COUNT       0
#define REC_CAUSE       8
#define REC_EPC         16
#define REC_TVAL        24
#define REC_RECOVER     32
#define REC_FALLBACK    40
#define REC_SAVE_T1     48
#define REC_SAVE_T2     56
#define REC_SIZE        64

#define SCAUSE_INST_ACCESS 1

    .text
    .balign 4
    .globl fault_trap
fault_trap:
    csrw    sscratch, t0
    la      t0, fault_record
    sd      t1, REC_SAVE_T1(t0)
    sd      t2, REC_SAVE_T2(t0)
    ld      t1, REC_COUNT(t0)       /* record the trap */
    addi    t1, t1, 1
    sd      t1, REC_COUNT(t0)
    csrr    t1, stval
    sd      t1, REC_TVAL(t0)
    csrr    t1, sepc
    sd      t1, REC_EPC(t0)
    csrr    t2, scause
    sd      t2, REC_CAUSE(t0)
    bltz    t2, 4f                  /* an interrupt: not ours */

    ld      t1, REC_RECOVER(t0)     /* a recovery address: go there */
    beqz    t1, 1f
    sd      zero, REC_RECOVER(t0)
    j       3f
1:  li      t1, SCAUSE_INST_ACCESS  /* a fetch fault cannot be stepped over */
    beq     t2, t1, 4f

    csrr    t1, sepc                /* step over the faulting instruction */
    lhu     t2, 0(t1)
    andi    t2, t2, 3
    addi    t1, t1, 2
    addi    t2, t2, -3
    bnez    t2, 3f                  /* low bits not 11: 16 bits */
    addi    t1, t1, 2               /* 32 bits */
3:  csrw    sepc, t1
    ld      t1, REC_SAVE_T1(t0)
    ld      t2, REC_SAVE_T2(t0)
    csrr    t0, sscratch
    sret

4:  ld      t1, REC_SAVE_T1(t0)     /* to the common vector, which stops */
    ld      t2, REC_SAVE_T2(t0)
    ld      t0, REC_FALLBACK(t0)
    jr      t0

    .bss
    .balign 8
    .globl fault_record
fault_record:
    .space  REC_SIZE
