/* The vCPU library: a RISC-V hart, virtualised with the H extension. */
#ifndef VCPU_VCPU_H
#define VCPU_VCPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vcpu/insn.h"
#include "vcpu/regs.h"

struct vcpu_config {
    unsigned vm_id;             /* which VM, for messages */
    unsigned vcpu_id;           /* which vCPU of that VM */
    unsigned long hart_id;      /* the hart id the guest sees, in a0 */
    unsigned long dtb_gpa;      /* guest-physical address of its device tree, in a1 */
};

enum vcpu_state {
    VCPU_CREATED,               /* vcpu_new done; setup, entry or memory missing */
    VCPU_READY,                 /* may run */
    VCPU_RUNNING,               /* inside vcpu_run */
    VCPU_DOWN,                  /* stopped for good; only vcpu_new revives it */
};
enum vcpu_exit_kind {
    VCPU_KIND_SBI, VCPU_KIND_TIMER, VCPU_KIND_TICK, VCPU_KIND_EXTERNAL, VCPU_KIND_SOFTWARE,
    VCPU_KIND_PAGE_FAULT, VCPU_KIND_VIRTUAL_INST, VCPU_KIND_OTHER, VCPU_EXIT_KINDS
};
struct vcpu {
    struct vcpu_regs regs;
    enum vcpu_state state;
    struct vcpu_config cfg;
    bool setup_done, entry_set, gstage_set;
    bool loaded;
    unsigned long hgatp;        /* G-stage root, mode and VMID (chapter 3) */
    unsigned long exits;            /* traps from the guest into HS-mode */
    struct vcpu_exit *exit;         /* where vcpu_run wants the exit reported */
    unsigned long sbi_eid;          /* extension id of the last SBI call */
    const struct vcpu_sbi_ext *sbi_ext;     /* and the extension that served it */
    uint64_t timer_deadline;        /* SBI set_timer: when VSTIP is due; ~0 = never */
    uint64_t ram_gpa, ram_size;     /* guest RAM: where SBI buffers may lie */
    bool sstc;                      /* the guest owns vstimecmp (henvcfg.STCE) */
    unsigned long exits_by_kind[VCPU_EXIT_KINDS];
    unsigned long envcfg;           /* henvcfg but STCE: CBIE, CBCFE, CBZE, PBMTE */
    struct insn_mmio mmio;          /* the access in progress, until completed */
    unsigned long posted;           /* VS interrupts posted from any hart: hvip bits */
    bool posted_changed;            /* posted has news for the vCPU's hart */
    struct vcpu_fp { uint64_t f[32]; uint64_t fcsr; } fp;   /* asm/fp.S */
    unsigned long senvcfg, sstateen0;   /* S CSRs a guest writes directly */
    struct vcpu_sta {               /* SBI STA: the stolen-time record */
        uint64_t shmem, steal;      /* its guest-physical address; ns so far */
        uint32_t sequence;
        bool on, dirty;             /* reporting; steal grew since written */
    } sta;
    unsigned long requests;         /* VCPU_REQ_* bits left by other harts */
};
enum vcpu_exit_reason {
    VCPU_EXIT_NOTHING,              /* nothing to do; run again */
    VCPU_EXIT_HYPERCALL,            /* RVH hypercall: nr, args */
    VCPU_EXIT_SYSTEM_DOWN,          /* SRST shutdown: reason */
    VCPU_EXIT_SYSTEM_RESET,         /* SRST reboot: type, reason */
    VCPU_EXIT_GUEST_PAGE_FAULT,     /* an access the G-stage does not map */
    VCPU_EXIT_EXTERNAL_INTERRUPT,   /* a host device interrupted the guest */
    VCPU_EXIT_FAIL,                 /* the guest did something we cannot serve */
    VCPU_EXIT_SEND_IPI,             /* IPI to a hart mask */
    VCPU_EXIT_RFENCE,               /* a remote fence on a hart mask */
    VCPU_EXIT_CPU_UP,               /* HSM hart_start */
    VCPU_EXIT_CPU_DOWN,             /* HSM hart_stop: this vCPU stops */
    VCPU_EXIT_HART_STATUS,          /* HSM hart_get_status */
    VCPU_EXIT_IDLE,                 /* wait for an interrupt: HSM suspend, or wfi */
    VCPU_EXIT_MMIO_READ,            /* a load from a device */
    VCPU_EXIT_MMIO_WRITE,           /* a store to a device */
    VCPU_EXIT_YIELD,                /* the guest waits for another vCPU (wrs) */
};
enum vcpu_access { VCPU_ACCESS_FETCH, VCPU_ACCESS_LOAD, VCPU_ACCESS_STORE };

struct vcpu_exit {
    enum vcpu_exit_reason reason;
    union {
        struct { unsigned long nr, args[6]; } hypercall;
        struct { unsigned long type, reason; } system;
        struct { uint64_t gpa; unsigned long pc; enum vcpu_access access; } page_fault;
        struct { const char *why; unsigned long scause, stval, htval, htinst, pc; } fail;
        struct { unsigned long mask, base; } ipi;
        struct { unsigned kind; unsigned long mask, base, start, size, asid; } rfence;
        struct { unsigned long target, entry, opaque; } cpu_up;
        struct { unsigned long target; } hart_status;
        struct { bool suspend; } idle;
        struct { uint64_t addr; unsigned width, reg; bool sign_ext; } mmio_read;
        struct { uint64_t addr; unsigned width; uint64_t data; } mmio_write;
    };
};
int  vcpu_new(struct vcpu *vcpu, const struct vcpu_config *cfg);
int  vcpu_setup(struct vcpu *vcpu);
int  vcpu_set_entry(struct vcpu *vcpu, unsigned long entry_gpa);
int  vcpu_set_gstage_root(struct vcpu *vcpu, unsigned long hgatp);
int  vcpu_set_gpr(struct vcpu *vcpu, unsigned index, unsigned long value);
int  vcpu_get_gpr(const struct vcpu *vcpu, unsigned index, unsigned long *value);
int  vcpu_down(struct vcpu *vcpu);
const char *vcpu_state_name(enum vcpu_state state);
int  vcpu_run(struct vcpu *vcpu, struct vcpu_exit *exit);
void vcpu_put(struct vcpu *vcpu);
bool vcpu_handle_exit(struct vcpu *vcpu, struct vcpu_exit *exit);
void vcpu_set_sbi_result(struct vcpu *vcpu, long error, long value);
enum guest_space { GUEST_VIRTUAL, GUEST_PHYSICAL };
int vcpu_read_guest(struct vcpu *vcpu, enum guest_space space, unsigned long addr,
                    void *dst, size_t len);
int vcpu_write_guest(struct vcpu *vcpu, enum guest_space space, unsigned long addr,
                     const void *src, size_t len);
int vcpu_guest_executable(struct vcpu *vcpu, unsigned long gpa);
int vcpu_inject_interrupt(struct vcpu *vcpu, unsigned irq);
int vcpu_clear_interrupt(struct vcpu *vcpu, unsigned irq);
bool vcpu_irq_is_pending(const struct vcpu *vcpu, unsigned irq);
void vcpu_fence_local(struct vcpu *vcpu, unsigned kind, unsigned long start,
                      unsigned long size, unsigned long asid);
void vcpu_reset_vs_state(struct vcpu *vcpu);
int vcpu_set_guest_ram(struct vcpu *vcpu, uint64_t gpa, uint64_t size);
bool vcpu_guest_ram_holds(const struct vcpu *vcpu, unsigned long gpa,
                          unsigned long len);
int vcpu_setup_timer(struct vcpu *vcpu, bool sstc, uint64_t htimedelta);
void vcpu_timer_to_hart(struct vcpu *vcpu);
int vcpu_set_envcfg(struct vcpu *vcpu, unsigned long envcfg);
int vcpu_fetch_guest(struct vcpu *vcpu, unsigned long gva, uint16_t *halfword);
int vcpu_mmio_complete(struct vcpu *vcpu, uint64_t value);
int vcpu_inject_exception(struct vcpu *vcpu, unsigned long cause, unsigned long tval);
void vcpu_post_interrupt(struct vcpu *vcpu, unsigned irq, bool pending);
void vcpu_take_posted(struct vcpu *vcpu);
#define INSN_WFI        0x10500073U
#define INSN_WRS_NTO    0x00d00073U
#define INSN_WRS_STO    0x01d00073U
void vcpu_set_wfi_exits(struct vcpu *vcpu, bool on);
bool vcpu_interrupt_pending(struct vcpu *vcpu);
uint64_t vcpu_wake_deadline(const struct vcpu *vcpu);
void vcpu_fp_save(struct vcpu_fp *fp);
void vcpu_fp_load(const struct vcpu_fp *fp);
_Static_assert(offsetof(struct vcpu_fp, fcsr) == 256, "asm/fp.S: fcsr at 256");
void vcpu_add_steal(struct vcpu *vcpu, uint64_t ns);
#define VCPU_REQ_FENCE_I        1UL     /* fence.i before the guest runs again */
#define VCPU_REQ_HFENCE_VVMA    2UL     /* hfence.vvma for the VMID, likewise */
void vcpu_request(struct vcpu *vcpu, unsigned long req);
bool vcpu_request_pending(const struct vcpu *vcpu);
void vcpu_take_requests(struct vcpu *vcpu);

#endif
