/* Stage 2: a new vCPU's state, its lifecycle, and every refusal. */
// sources: tangled/vcpu/vcpu.c
#include <errno.h>
#include "check.h"
#include "arch/csr.h"
#include "arch/hext.h"
#include "vcpu/vcpu.h"

static const struct vcpu_config cfg = { .vm_id = 3, .vcpu_id = 1, .hart_id = 7,
                                        .dtb_gpa = 0x87e00000 };

static int zero_except(const unsigned long *x, int n, int a, int b)
{
    for (int i = 0; i < n; i++)
        if (i != a && i != b && x[i] != 0)
            return 0;
    return 1;
}

int main(void)
{
    static struct vcpu v;
    unsigned long val = 0;
    unsigned long hgatp = hgatp_make(HGATP_MODE_SV39X4, 1, 0x81234);

    memset(&v, 0xa5, sizeof v);                 /* a previous life */
    CHECK(vcpu_new(&v, &cfg) == 0, "vcpu_new succeeds");
    CHECK(v.state == VCPU_CREATED, "a new vCPU is created");
    CHECK(v.regs.guest_x[REG_A0] == 7, "a0 = hart id");
    CHECK(v.regs.guest_x[REG_A1] == 0x87e00000, "a1 = DTB guest-physical address");
    CHECK(zero_except(v.regs.guest_x, 32, REG_A0, REG_A1), "every other guest GPR is zero");
    CHECK(zero_except(v.regs.host_x, 32, -1, -1), "host slots are zero");
    CHECK(v.regs.guest.sstatus == 0 && v.regs.guest.hstatus == 0 && v.regs.guest.sepc == 0,
          "switched CSRs are zero before setup");
    CHECK(v.regs.vs.vstimecmp == ~0UL, "no timer is pending: vstimecmp is all ones");
    CHECK(v.regs.vs.vsatp == 0 && v.regs.vs.hvip == 0 && v.regs.vs.vsstatus == 0,
          "VS CSRs are zero");
    CHECK(v.cfg.vm_id == 3 && v.cfg.vcpu_id == 1, "the configuration is kept");
    CHECK(!v.setup_done && !v.entry_set && !v.gstage_set && !v.loaded, "no set-up flag is set");
    CHECK(vcpu_new(NULL, &cfg) == -EINVAL && vcpu_new(&v, NULL) == -EINVAL, "NULL is refused");

    struct vcpu_exit ex;
    (void)ex;
    CHECK(vcpu_setup(&v) == 0, "vcpu_setup succeeds");
    CHECK(v.regs.guest.sstatus == (SSTATUS_SPP | SSTATUS_FS_INITIAL),
          "sstatus: SPP = S, SPIE = SIE = 0, FS = Initial (%#lx)", v.regs.guest.sstatus);
    CHECK(v.regs.guest.hstatus == (HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_VSXL_64),
          "hstatus: SPV, SPVP, VSXL = 64, VTW/VTSR/VTVM clear (%#lx)", v.regs.guest.hstatus);
    CHECK((v.regs.guest.hstatus >> 32 & 3) == 2, "VSXL field is 2");
    CHECK(v.state == VCPU_CREATED, "still created: no entry, no G-stage");
    CHECK(vcpu_setup(&v) == -EPERM, "a second setup is refused");

    CHECK(vcpu_set_entry(&v, 0x80200000) == 0 && v.regs.guest.sepc == 0x80200000, "entry -> sepc");
    CHECK(v.state == VCPU_CREATED, "still created: no G-stage");
    CHECK(vcpu_set_gstage_root(&v, 0) == -EINVAL, "a Bare hgatp is refused");
    CHECK(v.state == VCPU_CREATED && !v.gstage_set, "the refusal changed nothing");
    CHECK(vcpu_set_gstage_root(&v, hgatp) == 0 && v.hgatp == hgatp, "hgatp is kept");
    CHECK(v.state == VCPU_READY, "setup + entry + G-stage: ready");
    CHECK(vcpu_set_entry(&v, 0x80400000) == 0 && v.state == VCPU_READY, "entry may change when ready");

    CHECK(vcpu_set_gpr(&v, 5, 0x1234) == 0 && v.regs.guest_x[5] == 0x1234, "set t0");
    CHECK(vcpu_get_gpr(&v, 5, &val) == 0 && val == 0x1234, "get t0");
    CHECK(vcpu_set_gpr(&v, 0, 99) == 0 && v.regs.guest_x[0] == 0, "x0 stays zero");
    CHECK(vcpu_get_gpr(&v, 0, &val) == 0 && val == 0, "x0 reads zero");
    CHECK(vcpu_set_gpr(&v, 32, 1) == -EINVAL, "x32 does not exist");
    CHECK(vcpu_get_gpr(&v, 32, &val) == -EINVAL && vcpu_get_gpr(&v, 1, NULL) == -EINVAL,
          "bad get arguments refused");

    v.state = VCPU_RUNNING;                    /* as inside vcpu_run */
    CHECK(vcpu_set_gpr(&v, 5, 1) == -EPERM && v.regs.guest_x[5] == 0x1234,
          "a running vCPU's registers cannot be set");
    CHECK(vcpu_get_gpr(&v, 5, &val) == -EPERM, "nor read");
    CHECK(vcpu_set_entry(&v, 0) == -EPERM && vcpu_set_gstage_root(&v, hgatp) == -EPERM,
          "nor re-entered or re-rooted");
    CHECK(vcpu_down(&v) == -EPERM && v.state == VCPU_RUNNING, "a running vCPU cannot go down");
    v.state = VCPU_READY;

    CHECK(vcpu_down(&v) == 0 && v.state == VCPU_DOWN, "ready -> down");
    CHECK(vcpu_setup(&v) == -EPERM && vcpu_set_entry(&v, 1) == -EPERM &&
          vcpu_set_gstage_root(&v, hgatp) == -EPERM, "a down vCPU refuses set-up");
    CHECK(vcpu_new(&v, &cfg) == 0 && v.state == VCPU_CREATED, "vcpu_new revives it");
    CHECK(v.regs.guest_x[5] == 0 && v.hgatp == 0, "with nothing of its previous life");

    CHECK_STR(vcpu_state_name(VCPU_READY), "ready", "state names");
    CHECK_STR(vcpu_state_name((enum vcpu_state)9), "invalid", "out-of-range state name");
    return check_done();
}
