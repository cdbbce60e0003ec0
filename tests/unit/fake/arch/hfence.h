/* A stand-in for tangled/arch/hfence.h in host unit tests: the G-stage fences
 * are hypervisor instructions, so here they only record that they were asked
 * for. The Makefile puts tests/unit/fake before build/src/tangled on the
 * include path. A test that includes this header defines the log:
 *     struct hfence_log hfence_log;
 */
#ifndef ARCH_HFENCE_H
#define ARCH_HFENCE_H

struct hfence_log {
    unsigned long gpa_calls;    /* hfence_gvma_gpa */
    unsigned long vmid_calls;   /* hfence_gvma_vmid */
    unsigned long all_calls;    /* hfence_gvma_all */
    unsigned long last_gpa;     /* gpa of the last hfence_gvma_gpa */
    unsigned long last_vmid;    /* vmid of the last hfence_gvma_gpa or _vmid */
};

extern struct hfence_log hfence_log;

static inline void hfence_gvma_gpa(unsigned long gpa, unsigned long vmid)
{
    hfence_log.gpa_calls++;
    hfence_log.last_gpa = gpa;
    hfence_log.last_vmid = vmid;
}

static inline void hfence_gvma_vmid(unsigned long vmid)
{
    hfence_log.vmid_calls++;
    hfence_log.last_vmid = vmid;
}

static inline void hfence_gvma_all(void)
{
    hfence_log.all_calls++;
}

#endif
