/* Saving and loading a guest's floating-point registers. */
    .option push
    .option arch, +d
    .text

    .globl vcpu_fp_save
vcpu_fp_save:                       /* void vcpu_fp_save(struct vcpu_fp *a0) */
        li      t0, 0x6000          /* sstatus.FS */
        csrrs   t1, sstatus, t0
        .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
        fsd     f\n, \n * 8(a0)
        .endr
        .irp n, 16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        fsd     f\n, \n * 8(a0)
        .endr
        frcsr   t0
        sd      t0, 256(a0)
        csrw    sstatus, t1
        ret

    .globl vcpu_fp_load
vcpu_fp_load:                       /* void vcpu_fp_load(const struct vcpu_fp *a0) */
        li      t0, 0x6000
        csrrs   t1, sstatus, t0
        .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
        fld     f\n, \n * 8(a0)
        .endr
        .irp n, 16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        fld     f\n, \n * 8(a0)
        .endr
        ld      t0, 256(a0)
        fscsr   t0
        csrw    sstatus, t1
        ret
    .option pop
