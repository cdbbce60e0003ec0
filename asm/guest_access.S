/* Guarded hypervisor loads and stores: a fault returns -scause. */
    .text
    .globl _guest_load_u8
_guest_load_u8:                 /* int _guest_load_u8(unsigned long addr, uint8_t *out) */
    la      t0, _guest_access_fault
    csrrw   t0, stvec, t0
    hlv.bu  t1, (a0)
    csrw    stvec, t0
    sb      t1, 0(a1)
    li      a0, 0
    ret
    .globl _guest_store_u8
_guest_store_u8:                /* int _guest_store_u8(unsigned long addr, uint8_t v) */
    la      t0, _guest_access_fault
    csrrw   t0, stvec, t0
    hsv.b   a1, (a0)
    csrw    stvec, t0
    li      a0, 0
    ret
    .globl _guest_fetch_u16
_guest_fetch_u16:               /* int _guest_fetch_u16(unsigned long addr, uint16_t *out) */
    la      t0, _guest_access_fault
    csrrw   t0, stvec, t0
    hlvx.hu t1, (a0)
    csrw    stvec, t0
    sh      t1, 0(a1)
    li      a0, 0
    ret
    .balign 4
_guest_access_fault:
    li      t1, 1 << 6               /* hstatus.GVA */
    csrc    hstatus, t1
    la      t1, 1f
    csrw    sepc, t1
    sret
1:  csrw    stvec, t0
    csrr    a0, scause
    neg     a0, a0                  /* -scause: 5, 13 or 21, say */
    ret
