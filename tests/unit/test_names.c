/* Names from the specifications: every table lookup, every edge. */
// sources: tangled/arch/names.c
#include "check.h"
#include "arch/csr.h"
#include "arch/names.h"
#include "arch/sbi.h"

int main(void)
{
    CHECK_STR(scause_name(EXC_ECALL_VS), "environment call from VS-mode", "scause 10");
    CHECK_STR(scause_name(EXC_LOAD_GUEST_PAGE_FAULT), "load guest-page fault", "scause 21");
    CHECK_STR(scause_name(EXC_STORE_GUEST_PAGE_FAULT), "store/AMO guest-page fault", "scause 23");
    CHECK_STR(scause_name(EXC_VIRTUAL_INST), "virtual instruction", "scause 22");
    CHECK_STR(scause_name(EXC_ILLEGAL_INST), "illegal instruction", "scause 2");
    CHECK_STR(scause_name(11), "unknown cause", "scause 11 is reserved");
    CHECK_STR(scause_name(14), "unknown cause", "scause 14 is reserved");
    CHECK_STR(scause_name(24), "unknown cause", "scause 24: past the table");
    CHECK_STR(scause_name(~0UL >> 1), "unknown cause", "largest exception code");
    CHECK_STR(scause_name(SCAUSE_INTERRUPT | IRQ_S_TIMER), "supervisor timer interrupt", "interrupt 5");
    CHECK_STR(scause_name(SCAUSE_INTERRUPT | IRQ_VS_EXT), "virtual supervisor external interrupt", "interrupt 10");
    CHECK_STR(scause_name(SCAUSE_INTERRUPT | IRQ_S_GEXT), "supervisor guest external interrupt", "interrupt 12");
    CHECK_STR(scause_name(SCAUSE_INTERRUPT | 0), "unknown cause", "interrupt 0 is reserved");
    CHECK_STR(scause_name(SCAUSE_INTERRUPT | 13), "unknown cause", "interrupt 13: past the table");
    CHECK_STR(scause_name(SCAUSE_INTERRUPT | ~0UL), "unknown cause", "all ones");

    CHECK_STR(sbi_impl_name(1), "OpenSBI", "impl id 1");
    CHECK_STR(sbi_impl_name(0), "Berkeley Boot Loader", "impl id 0");
    CHECK_STR(sbi_impl_name(11), "bhyve", "impl id 11");
    CHECK_STR(sbi_impl_name(12), "unknown SBI implementation", "impl id 12: past the table");
    CHECK_STR(sbi_impl_name(-1), "unknown SBI implementation", "negative impl id");

    CHECK_STR(sbi_error_name(SBI_SUCCESS), "success", "error 0");
    CHECK_STR(sbi_error_name(SBI_ERR_NOT_SUPPORTED), "not supported", "error -2");
    CHECK_STR(sbi_error_name(SBI_ERR_NO_SHMEM), "no shared memory", "error -9");
    CHECK_STR(sbi_error_name(-10), "unknown SBI error", "error -10: past the table");
    CHECK_STR(sbi_error_name(1), "unknown SBI error", "positive error");
    CHECK_STR(sbi_error_name(-0x7fffffffffffffffL - 1), "unknown SBI error", "LONG_MIN");
    return check_done();
}
