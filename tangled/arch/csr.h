/* CSR access and the CSR bits RVH uses, named as in the privileged spec. */
#ifndef ARCH_CSR_H
#define ARCH_CSR_H

#define CSR_NAME(csr) #csr              /* expands a macro argument first */
#define csr_read(csr) ({                                        \
    unsigned long csr_value_;                                   \
    __asm__ volatile("csrr %0, " CSR_NAME(csr) : "=r"(csr_value_)); \
    csr_value_; })
#define csr_write(csr, value)                                   \
    __asm__ volatile("csrw " CSR_NAME(csr) ", %0" :: "rK"((unsigned long)(value)) : "memory")
#define csr_set(csr, bits)                                      \
    __asm__ volatile("csrs " CSR_NAME(csr) ", %0" :: "rK"((unsigned long)(bits)) : "memory")
#define csr_clear(csr, bits)                                    \
    __asm__ volatile("csrc " CSR_NAME(csr) ", %0" :: "rK"((unsigned long)(bits)) : "memory")
#define SSTATUS_SIE     (1UL << 1)
#define SSTATUS_SPIE    (1UL << 5)
#define SSTATUS_SPP     (1UL << 8)

#define IRQ_S_SOFT      1
#define IRQ_VS_SOFT     2
#define IRQ_S_TIMER     5
#define IRQ_VS_TIMER    6
#define IRQ_S_EXT       9
#define IRQ_VS_EXT      10
#define IRQ_S_GEXT      12
#define SCAUSE_INTERRUPT            (1UL << 63)
#define EXC_INST_MISALIGNED         0
#define EXC_INST_ACCESS             1
#define EXC_ILLEGAL_INST            2
#define EXC_BREAKPOINT              3
#define EXC_LOAD_MISALIGNED         4
#define EXC_LOAD_ACCESS             5
#define EXC_STORE_MISALIGNED        6
#define EXC_STORE_ACCESS            7
#define EXC_ECALL_U                 8   /* from U-mode or VU-mode */
#define EXC_ECALL_HS                9
#define EXC_ECALL_VS                10
#define EXC_INST_PAGE_FAULT         12
#define EXC_LOAD_PAGE_FAULT         13
#define EXC_STORE_PAGE_FAULT        15
#define EXC_INST_GUEST_PAGE_FAULT   20
#define EXC_LOAD_GUEST_PAGE_FAULT   21
#define EXC_VIRTUAL_INST            22
#define EXC_STORE_GUEST_PAGE_FAULT  23
#define HGATP_MODE_SHIFT    60
#define HGATP_VMID_SHIFT    44
#define HGATP_VMID_MASK     0x3fffUL
#define HGATP_PPN_MASK      ((1UL << 44) - 1)
#define HGATP_MODE_BARE     0UL
#define HGATP_MODE_SV39X4   8UL
#define HGATP_MODE_SV48X4   9UL
#define HGATP_MODE_SV57X4   10UL

#define HENVCFG_STCE        (1UL << 63)
#define HENVCFG_PBMTE       (1UL << 62)
#define HENVCFG_CBZE        (1UL << 7)
#define HENVCFG_CBCFE       (1UL << 6)
#define HENVCFG_CBIE_FLUSH  (1UL << 4)     /* CBIE = 01: cbo.inval flushes */
#define CSR_SENVCFG         0x10a
#define CSR_SSTATEEN0       0x10c
#define CSR_HSTATEEN0       0x60c
#define HSTATEEN0_SE0       (1UL << 63)
#define HSTATEEN0_ENVCFG    (1UL << 62)
#define CSR_STIMECMP        0x14d
#define CSR_VSTIMECMP       0x24d

#endif
