/*
 * secondary.S: where hart 1 of the sbi guest starts, and resumes.
 *
 * void secondary_entry(void), passed to HSM hart_start as start_addr and to a
 * non-retentive hart_suspend as resume_addr.  The hart arrives in VS-mode
 * with a0 = its hart id, a1 = the opaque value, satp = 0 and sstatus.SIE = 0;
 * every other register is undefined, the stack pointer included (SBI spec
 * v2.0 §9.1, §9.4).  So before it touches anything else it records a0, a1
 * and the raw satp and sstatus in secondary_regs (for hart 0 to check), then
 * takes its own stack, points stvec at a trap that parks the hart (it must
 * not print: picolibc belongs to hart 0), and calls
 * secondary_main(hartid, opaque), which never returns.
 */
#define SECONDARY_STACK 8192

    .text
    .balign 4                           /* an instruction address */
    .globl secondary_entry
secondary_entry:
    la      t0, secondary_regs
    sd      a0, 0(t0)
    sd      a1, 8(t0)
    csrr    t1, satp
    sd      t1, 16(t0)
    csrr    t1, sstatus
    sd      t1, 24(t0)
    fence   rw, rw                      /* the record before anything C does */
    la      sp, secondary_stack_top
    la      t1, secondary_trap
    csrw    stvec, t1
    li      tp, 0                       /* no thread-local storage here */
    call    secondary_main              /* (a0 = hart id, a1 = opaque) */

/* An unexpected trap: record scause for hart 0 and park with interrupts off. */
    .balign 4
secondary_trap:
    la      t0, secondary_regs
    csrr    t1, scause
    sd      t1, 32(t0)
    csrw    sie, zero
1:  wfi
    j       1b

    .bss
    .balign 8
    .globl secondary_regs
secondary_regs:                         /* a0, a1, satp, sstatus, trap scause */
    .space  5 * 8
    .balign 16
secondary_stack:
    .space  SECONDARY_STACK
secondary_stack_top:
