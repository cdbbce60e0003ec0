/*
 * suspend.S: a non-retentive hart_suspend (SBI spec v2.0 §9.4) and the stub
 * where the hart resumes.
 *
 * long hsm_suspend_nonretentive(unsigned long type, unsigned long resume_addr,
 *                               unsigned long opaque)
 *
 * type is 0x80000000, the default non-retentive suspend, with whatever upper
 * bits the caller wants the SBI to ignore (suspend_type is 32-bit, §3).  A
 * non-retentive suspend does not return: the hart resumes at resume_addr in
 * S-mode with a0 = hart id, a1 = opaque, satp = 0, sstatus.SIE = 0, and every
 * other register lost (SBI spec v2.0 §9.4, with the state of §9.1).  So before
 * the ecall this function saves what C needs to carry on (ra, sp, gp, tp,
 * s0..s11 and stvec) in suspend_ctx.  suspend_resume records a0, a1, satp and
 * sstatus in the suspend_resume_* variables, restores the saved registers and
 * returns 1 to hsm_suspend_nonretentive's caller, a value no SBI error can
 * take.  If the call does return (resume_addr refused, or no such call), the
 * SBI has kept every register but a0 and a1: the function returns the error.
 * Pass suspend_resume as resume_addr, or an address the SBI must refuse.
 */
#define SBI_EXT_HSM             0x48534D
#define SBI_HSM_HART_SUSPEND    3

#define CTX_RA      0
#define CTX_SP      8
#define CTX_GP      16
#define CTX_TP      24
#define CTX_S0      32          /* s0..s11 at 32..120 */
#define CTX_STVEC   128
#define CTX_SIZE    136

    .text
    .globl hsm_suspend_nonretentive
hsm_suspend_nonretentive:
    la      t0, suspend_ctx
    sd      ra, CTX_RA(t0)
    sd      sp, CTX_SP(t0)
    sd      gp, CTX_GP(t0)
    sd      tp, CTX_TP(t0)
    sd      s0, CTX_S0 + 0(t0)
    sd      s1, CTX_S0 + 8(t0)
    sd      s2, CTX_S0 + 16(t0)
    sd      s3, CTX_S0 + 24(t0)
    sd      s4, CTX_S0 + 32(t0)
    sd      s5, CTX_S0 + 40(t0)
    sd      s6, CTX_S0 + 48(t0)
    sd      s7, CTX_S0 + 56(t0)
    sd      s8, CTX_S0 + 64(t0)
    sd      s9, CTX_S0 + 72(t0)
    sd      s10, CTX_S0 + 80(t0)
    sd      s11, CTX_S0 + 88(t0)
    csrr    t1, stvec
    sd      t1, CTX_STVEC(t0)

    li      a6, SBI_HSM_HART_SUSPEND    /* a0..a2 are the arguments already */
    li      a7, SBI_EXT_HSM
    ecall
    ret                             /* refused: a0 = the SBI error */

    .balign 4
    .globl suspend_resume
suspend_resume:
    la      t0, suspend_resume_a0   /* first what the SBI handed over */
    sd      a0, 0(t0)
    la      t0, suspend_resume_a1
    sd      a1, 0(t0)
    la      t0, suspend_resume_satp
    csrr    t1, satp
    sd      t1, 0(t0)
    la      t0, suspend_resume_sstatus
    csrr    t1, sstatus
    sd      t1, 0(t0)

    la      t0, suspend_ctx         /* then back to the caller */
    ld      t1, CTX_STVEC(t0)
    csrw    stvec, t1
    ld      ra, CTX_RA(t0)
    ld      sp, CTX_SP(t0)
    ld      gp, CTX_GP(t0)
    ld      tp, CTX_TP(t0)
    ld      s0, CTX_S0 + 0(t0)
    ld      s1, CTX_S0 + 8(t0)
    ld      s2, CTX_S0 + 16(t0)
    ld      s3, CTX_S0 + 24(t0)
    ld      s4, CTX_S0 + 32(t0)
    ld      s5, CTX_S0 + 40(t0)
    ld      s6, CTX_S0 + 48(t0)
    ld      s7, CTX_S0 + 56(t0)
    ld      s8, CTX_S0 + 64(t0)
    ld      s9, CTX_S0 + 72(t0)
    ld      s10, CTX_S0 + 80(t0)
    ld      s11, CTX_S0 + 88(t0)
    li      a0, 1                   /* "resumed" */
    ret

    .bss
    .balign 8
suspend_ctx:
    .space  CTX_SIZE
    .globl suspend_resume_a0, suspend_resume_a1, suspend_resume_satp, suspend_resume_sstatus
suspend_resume_a0:
    .space  8
suspend_resume_a1:
    .space  8
suspend_resume_satp:
    .space  8
suspend_resume_sstatus:
    .space  8
