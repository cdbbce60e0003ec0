/* The hypervisor's entry point and the H-extension probe. */
#include "config.h"

    .section .text.entry, "ax"
    .globl _start
_start:
        csrw    sie, zero
        csrw    sscratch, zero
        la      t0, hyp_trap_vector
        csrw    stvec, t0
        li      t0, RVH_MAX_HARTS
        bgeu    a0, t0, park
        addi    t0, a0, 1
        li      t1, RVH_STACK_SIZE
        mul     t0, t0, t1
        la      sp, hart_stacks
        add     sp, sp, t0
        la      t0, __bss_start
        la      t1, __bss_end
    1:  bgeu    t0, t1, 2f
        sd      zero, 0(t0)
        addi    t0, t0, 8
        j       1b
    2:
    call    hyp_main                /* hyp_main(a0 = hart id, a1 = DTB) */
    park:
        wfi
        j       park

    .text
    .globl hext_probe_hgatp
hext_probe_hgatp:                   /* int hext_probe_hgatp(void) */
    la      t0, hext_probe_trap
    csrrw   t1, stvec, t0           /* t1 = the vector to put back */
    li      a0, 1                   /* assume the read works */
    csrr    t2, hgatp               /* illegal without H */
    csrw    stvec, t1
    ret

    .balign 4
hext_probe_trap:
    li      a0, 0
    csrr    t0, sepc
    addi    t0, t0, 4
    csrw    sepc, t0
    sret
    .globl hext_probe_hstateen0
hext_probe_hstateen0:               /* int hext_probe_hstateen0(void) */
    la      t0, hext_probe_trap
    csrrw   t1, stvec, t0
    li      a0, 1
    csrr    t2, 0x60c               /* hstateen0: illegal without Smstateen */
    csrw    stvec, t1
    ret

    .section .stacks, "aw", @nobits
    .balign 16
    .globl hart_stacks
hart_stacks:
    .space  RVH_MAX_HARTS * RVH_STACK_SIZE
    .text
    .globl page_zero_cbo
page_zero_cbo:                      /* void page_zero_cbo(uintptr_t a0, size_t a1) */
        add     a1, a1, a0
1:      .insn   i 0x0f, 2, x0, a0, 4            /* cbo.zero (a0) */
        addi    a0, a0, 64
        bltu    a0, a1, 1b
        ret

    .globl hext_probe_cbo_zero
hext_probe_cbo_zero:                /* int hext_probe_cbo_zero(uintptr_t a0) */
        la      t0, hext_probe_trap
        csrrw   t1, stvec, t0
        mv      t2, a0
        li      a0, 1               /* assume it works; the trap says 0 */
        .insn   i 0x0f, 2, x0, t2, 4            /* cbo.zero (t2) */
        csrw    stvec, t1
        ret
    .text
    .globl _secondary_start
_secondary_start:                   /* from SBI hart_start: a0 = hart id */
        csrw    sie, zero
        csrw    sscratch, zero
        la      t0, hyp_trap_vector
        csrw    stvec, t0
        addi    t0, a0, 1
        li      t1, RVH_STACK_SIZE
        mul     t0, t0, t1
        la      sp, hart_stacks
        add     sp, sp, t0
        call    hyp_secondary
