/* Detecting and enabling the hypervisor extension on this hart. */
#include "arch/csr.h"
#include "arch/hext.h"
#include "arch/hfence.h"
#include "arch/trap.h"

int hext_probe_hgatp(void);     /* asm/boot.S */
int hext_probe_hstateen0(void);

struct hext_info hext;

bool has_hardware_support(void)
{
    hext.present = hext_probe_hgatp() != 0;
    hyp_trap_h_csrs = hext.present;
    return hext.present;
}

static bool hgatp_accepts(unsigned long mode, unsigned *vmid_bits)
{
    csr_write(hgatp, hgatp_make(mode, HGATP_VMID_MASK, 0));
    unsigned long back = csr_read(hgatp);
    if (hgatp_mode(back) != mode)
        return false;
    *vmid_bits = hgatp_vmid_bits(back);
    return true;
}

void hext_probe(struct hext_info *info)
{
    unsigned bits = 0;
    info->sv39x4 = hgatp_accepts(HGATP_MODE_SV39X4, &bits);
    info->sv48x4 = hgatp_accepts(HGATP_MODE_SV48X4, &bits);
    info->sv57x4 = hgatp_accepts(HGATP_MODE_SV57X4, &bits);
    info->vmid_bits = bits;
    csr_write(hgatp, 0);
    hfence_gvma_all();

    csr_set(henvcfg, HENVCFG_STCE);
    info->sstc = (csr_read(henvcfg) & HENVCFG_STCE) != 0;
    csr_clear(henvcfg, HENVCFG_STCE);
    unsigned long want = HENVCFG_CBIE_FLUSH | HENVCFG_CBCFE | HENVCFG_CBZE |
                         HENVCFG_PBMTE;
    csr_set(henvcfg, want);
    info->envcfg = csr_read(henvcfg) & want;
    csr_clear(henvcfg, want);
    info->stateen = hext_probe_hstateen0() != 0;
}
#define HEDELEG_GUEST                                                \
    ((1UL << EXC_INST_MISALIGNED) | (1UL << EXC_INST_ACCESS) |       \
     (1UL << EXC_ILLEGAL_INST) | (1UL << EXC_BREAKPOINT) |           \
     (1UL << EXC_LOAD_MISALIGNED) | (1UL << EXC_LOAD_ACCESS) |       \
     (1UL << EXC_STORE_MISALIGNED) | (1UL << EXC_STORE_ACCESS) |     \
     (1UL << EXC_ECALL_U) | (1UL << EXC_INST_PAGE_FAULT) |           \
     (1UL << EXC_LOAD_PAGE_FAULT) | (1UL << EXC_STORE_PAGE_FAULT))
#define HIDELEG_GUEST ((1UL << IRQ_VS_SOFT) | (1UL << IRQ_VS_TIMER) | (1UL << IRQ_VS_EXT))
void hext_enable_hart(void)
{
    csr_write(hedeleg, HEDELEG_GUEST);
    csr_write(hideleg, HIDELEG_GUEST);
    csr_write(hcounteren, 0x7);     /* CY | TM | IR */
    csr_write(henvcfg, 0);
    csr_write(hvip, 0);
    if (hext.stateen)
        csr_write(CSR_HSTATEEN0, HSTATEEN0_SE0 | HSTATEEN0_ENVCFG);
}
