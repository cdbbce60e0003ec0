/*
 * start.S: the first instructions of every RVH test guest.
 *
 * The hypervisor enters _start in VS-mode at guest-physical 0x80200000 with
 * a0 = hart id, a1 = guest-physical address of the device tree, satp off and
 * interrupts off.  _start keeps a0 and a1 for C, installs a trap vector, sets
 * up a stack, clears .bss and calls guest_start (guest.c), which never returns.
 * (In VS-mode, the names stvec, scause, ... reach the vs* CSRs.)
 */
#define GUEST_STACK_SIZE 16384

    .section .text.entry, "ax"
    .globl _start
_start:
    la      t0, guest_trap          /* direct mode: the low bits are 0 */
    csrw    stvec, t0
    la      sp, guest_stack_top

    la      t0, __bss_start         /* clear .bss (the stack is in it, */
    la      t1, __bss_end           /* but nothing is on it yet) */
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:
    call    guest_start             /* guest_start(a0 = hart id, a1 = DTB) */
3:  wfi                             /* not reached: guest_start shuts down */
    j       3b

/*
 * A trap the guest did not expect (its own bug, or an exception the
 * hypervisor delegated to it): report it on a fresh stack and stop.
 */
    .balign 4
guest_trap:
    la      sp, guest_stack_top
    call    guest_trap_report       /* never returns */
    j       3b

    .section .bss.stack, "aw", @nobits
    .balign 16
guest_stack:
    .space  GUEST_STACK_SIZE
guest_stack_top:
