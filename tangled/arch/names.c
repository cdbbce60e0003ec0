/* Names for the numbers of the privileged and SBI specifications. */
#include <stddef.h>
#include "arch/csr.h"
#include "arch/names.h"
#include "arch/sbi.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const exception_names[] = {
    [EXC_INST_MISALIGNED] = "instruction address misaligned",
    [EXC_INST_ACCESS] = "instruction access fault",
    [EXC_ILLEGAL_INST] = "illegal instruction",
    [EXC_BREAKPOINT] = "breakpoint",
    [EXC_LOAD_MISALIGNED] = "load address misaligned",
    [EXC_LOAD_ACCESS] = "load access fault",
    [EXC_STORE_MISALIGNED] = "store/AMO address misaligned",
    [EXC_STORE_ACCESS] = "store/AMO access fault",
    [EXC_ECALL_U] = "environment call from U-mode or VU-mode",
    [EXC_ECALL_HS] = "environment call from HS-mode",
    [EXC_ECALL_VS] = "environment call from VS-mode",
    [EXC_INST_PAGE_FAULT] = "instruction page fault",
    [EXC_LOAD_PAGE_FAULT] = "load page fault",
    [EXC_STORE_PAGE_FAULT] = "store/AMO page fault",
    [EXC_INST_GUEST_PAGE_FAULT] = "instruction guest-page fault",
    [EXC_LOAD_GUEST_PAGE_FAULT] = "load guest-page fault",
    [EXC_VIRTUAL_INST] = "virtual instruction",
    [EXC_STORE_GUEST_PAGE_FAULT] = "store/AMO guest-page fault",
};
static const char *const interrupt_names[] = {
    [IRQ_S_SOFT] = "supervisor software interrupt",
    [IRQ_VS_SOFT] = "virtual supervisor software interrupt",
    [IRQ_S_TIMER] = "supervisor timer interrupt",
    [IRQ_VS_TIMER] = "virtual supervisor timer interrupt",
    [IRQ_S_EXT] = "supervisor external interrupt",
    [IRQ_VS_EXT] = "virtual supervisor external interrupt",
    [IRQ_S_GEXT] = "supervisor guest external interrupt",
};

const char *scause_name(unsigned long scause)
{
    unsigned long code = scause & ~SCAUSE_INTERRUPT;
    const char *const *table = exception_names;
    size_t n = COUNT(exception_names);
    if (scause & SCAUSE_INTERRUPT) {
        table = interrupt_names;
        n = COUNT(interrupt_names);
    }
    return code < n && table[code] ? table[code] : "unknown cause";
}
static const char *const impl_names[] = {
    "Berkeley Boot Loader", "OpenSBI", "Xvisor", "KVM", "RustSBI", "Diosix",
    "Coffer", "Xen Project", "PolarFire Hart Software Services", "coreboot",
    "oreboot", "bhyve",
};

const char *sbi_impl_name(long impl_id)
{
    if (impl_id < 0 || (size_t)impl_id >= COUNT(impl_names))
        return "unknown SBI implementation";
    return impl_names[impl_id];
}
static const char *const error_names[] = {
    "success", "failed", "not supported", "invalid parameter", "denied",
    "invalid address", "already available", "already started",
    "already stopped", "no shared memory",
};

const char *sbi_error_name(long error)
{
    if (error > 0 || error <= -(long)COUNT(error_names))
        return "unknown SBI error";
    return error_names[-error];
}
