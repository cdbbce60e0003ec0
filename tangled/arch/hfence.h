/* G-stage TLB fences: hfence.gvma (Priv. spec 8.3.2). Host tests use a fake. */
#ifndef ARCH_HFENCE_H
#define ARCH_HFENCE_H

static inline void hfence_gvma_gpa(unsigned long gpa, unsigned long vmid)
{
    __asm__ volatile("hfence.gvma %0, %1" :: "r"(gpa >> 2), "r"(vmid) : "memory");
}

static inline void hfence_gvma_vmid(unsigned long vmid)
{
    __asm__ volatile("hfence.gvma zero, %0" :: "r"(vmid) : "memory");
}

static inline void hfence_gvma_all(void)
{
    __asm__ volatile("hfence.gvma zero, zero" ::: "memory");
}

#endif
