/* Stage 4: decoding VM exits and the first SBI calls, with made-up traps. */
// sources: tangled/vcpu/vcpu.c tangled/vcpu/exit.c tangled/vcpu/sbi.c tangled/vcpu/sbi_console.c tangled/vcpu/sbi_legacy.c tangled/vcpu/sbi_srst.c tangled/vcpu/sbi_rvh.c
#include <errno.h>
#include "check.h"
#include "arch/csr.h"
#include "arch/hext.h"
#include "vcpu/sbi.h"
#include "vcpu/vcpu.h"

static char console[64];
static unsigned console_len;
void console_putc(int c)            /* the host console, recorded */
{
    if (console_len < sizeof console - 1)
        console[console_len++] = (char)c;
}

static struct vcpu v;
static struct vcpu_exit ex;

/* A guest ecall: a7 = eid, a6 = fid, a0.. = args; sepc = 0x80200100. */
static bool ecall(unsigned long eid, unsigned long fid, unsigned long a0, unsigned long a1)
{
    memset(&ex, 0, sizeof ex);
    v.regs.trap.scause = EXC_ECALL_VS;
    v.regs.guest.sepc = 0x80200100;
    v.regs.guest_x[REG_A7] = eid;
    v.regs.guest_x[REG_A6] = fid;
    v.regs.guest_x[REG_A0] = a0;
    v.regs.guest_x[REG_A1] = a1;
    for (int i = 2; i < 6; i++)
        v.regs.guest_x[REG_A0 + i] = 0x100 + (unsigned long)i;
    return vcpu_handle_exit(&v, &ex);
}

static long a0(void) { return (long)v.regs.guest_x[REG_A0]; }
static long a1(void) { return (long)v.regs.guest_x[REG_A1]; }

int main(void)
{
    struct vcpu_config cfg = { 0, 0, 0, 0x87e00000 };
    vcpu_new(&v, &cfg);

    CHECK(!ecall(SBI_EXT_DBCN, SBI_DBCN_WRITE_BYTE, 'h', 77), "DBCN write_byte stays inside");
    CHECK(a0() == 0 && a1() == 0, "and returns SBI_SUCCESS, value 0");
    CHECK(v.regs.guest.sepc == 0x80200104, "sepc moves past the ecall");
    CHECK(!ecall(SBI_EXT_LEGACY_PUTCHAR, 0, 'i', 55), "legacy putchar stays inside");
    CHECK(a0() == 0 && a1() == 55, "legacy: a0 = 0, a1 untouched");
    CHECK(!ecall(SBI_EXT_DBCN, SBI_DBCN_WRITE_BYTE, 0x100 | '!', 0), "write_byte takes the low byte");
    CHECK_STR(console, "hi!", "the bytes reach the console");

    CHECK(!ecall(0x12345678, 0, 1, 2), "an unknown extension stays inside");
    CHECK(a0() == SBI_ERR_NOT_SUPPORTED && a1() == 0, "and is NOT_SUPPORTED");
    CHECK(!ecall(SBI_EXT_DBCN, 99, 0, 0) && a0() == SBI_ERR_NOT_SUPPORTED,
          "an unknown DBCN function is NOT_SUPPORTED");

    CHECK(ecall(SBI_EXT_RVH, 1, 41, 42), "an RVH hypercall goes to the monitor");
    CHECK(ex.reason == VCPU_EXIT_HYPERCALL && ex.hypercall.nr == 1, "as HYPERCALL nr 1");
    CHECK(ex.hypercall.args[0] == 41 && ex.hypercall.args[1] == 42 &&
          ex.hypercall.args[2] == 0x102 && ex.hypercall.args[5] == 0x105, "with all six arguments");
    CHECK(v.regs.guest.sepc == 0x80200104, "sepc already past the ecall");
    CHECK(a0() == 41, "a0 is left for the monitor");
    vcpu_set_sbi_result(&v, -3, 0x77);
    CHECK(a0() == -3 && a1() == 0x77, "vcpu_set_sbi_result writes a0 and a1");

    CHECK(ecall(SBI_EXT_SRST, 0, SBI_SRST_TYPE_SHUTDOWN, SBI_SRST_REASON_NONE) &&
          ex.reason == VCPU_EXIT_SYSTEM_DOWN && ex.system.reason == 0, "SRST shutdown");
    CHECK(ecall(SBI_EXT_SRST, 0, SBI_SRST_TYPE_SHUTDOWN, SBI_SRST_REASON_FAILURE) &&
          ex.system.reason == 1, "SRST shutdown, system failure");
    CHECK(ecall(SBI_EXT_SRST, 0, SBI_SRST_TYPE_COLD_REBOOT, 0) &&
          ex.reason == VCPU_EXIT_SYSTEM_RESET && ex.system.type == 1, "SRST cold reboot");
    CHECK(ecall(SBI_EXT_SRST, 0, SBI_SRST_TYPE_WARM_REBOOT, 0xf0000001) &&
          ex.reason == VCPU_EXIT_SYSTEM_RESET, "warm reboot with a vendor reason");
    CHECK(!ecall(SBI_EXT_SRST, 0, 3, 0) && a0() == SBI_ERR_INVALID_PARAM, "reserved type 3");
    CHECK(!ecall(SBI_EXT_SRST, 0, 0, 2) && a0() == SBI_ERR_INVALID_PARAM, "reserved reason 2");
    CHECK(!ecall(SBI_EXT_SRST, 0, 1UL << 32, 0) && a0() == SBI_ERR_INVALID_PARAM,
          "a type beyond 32 bits");
    CHECK(!ecall(SBI_EXT_SRST, 0, 0, ~0UL) && a0() == SBI_ERR_INVALID_PARAM,
          "a reason beyond 32 bits");
    CHECK(!ecall(SBI_EXT_SRST, 0, 0xf0000000, 0) && a0() == SBI_ERR_NOT_SUPPORTED,
          "a vendor reset type is valid but not supported");
    CHECK(!ecall(SBI_EXT_SRST, 1, 0, 0) && a0() == SBI_ERR_NOT_SUPPORTED, "SRST fid 1");
    CHECK(ecall(SBI_EXT_LEGACY_SHUTDOWN, 0, 0, 0) && ex.reason == VCPU_EXIT_SYSTEM_DOWN,
          "legacy shutdown");

    memset(&ex, 0, sizeof ex);
    v.regs.trap = (struct vcpu_trap_csrs){ EXC_LOAD_GUEST_PAGE_FAULT, 0xffffffc000000123UL,
                                           0x40000000UL >> 2, 0x3303 };
    v.regs.guest.sepc = 0x80200abc;
    CHECK(vcpu_handle_exit(&v, &ex) && ex.reason == VCPU_EXIT_GUEST_PAGE_FAULT,
          "load guest-page fault goes to the monitor");
    CHECK(ex.page_fault.gpa == 0x40000003UL, "gpa = htval << 2 | stval & 3 (%#lx)",
          (unsigned long)ex.page_fault.gpa);
    CHECK(ex.page_fault.pc == 0x80200abc && ex.page_fault.access == VCPU_ACCESS_LOAD, "pc, load");
    CHECK(v.regs.guest.sepc == 0x80200abc, "sepc is not advanced for a fault");
    v.regs.trap.scause = EXC_STORE_GUEST_PAGE_FAULT;
    CHECK(vcpu_handle_exit(&v, &ex) && ex.page_fault.access == VCPU_ACCESS_STORE, "store");
    v.regs.trap.scause = EXC_INST_GUEST_PAGE_FAULT;
    v.regs.trap.htval = 0x3fffffffffUL;
    v.regs.trap.stval = 0x2;
    CHECK(vcpu_handle_exit(&v, &ex) && ex.page_fault.access == VCPU_ACCESS_FETCH &&
          ex.page_fault.gpa == 0xfffffffffeUL, "fetch, with a 40-bit gpa");

    v.regs.trap = (struct vcpu_trap_csrs){ EXC_VIRTUAL_INST, 0x10500073, 0, 0 };
    CHECK(vcpu_handle_exit(&v, &ex) && ex.reason == VCPU_EXIT_FAIL, "virtual instruction: FAIL");
    CHECK(ex.fail.scause == EXC_VIRTUAL_INST && ex.fail.stval == 0x10500073 &&
          ex.fail.pc == 0x80200abc && ex.fail.why != NULL, "FAIL carries the trap");
    v.regs.trap.scause = EXC_LOAD_ACCESS;
    CHECK(vcpu_handle_exit(&v, &ex) && ex.reason == VCPU_EXIT_FAIL, "access fault: FAIL");
    v.regs.trap.scause = SCAUSE_INTERRUPT | IRQ_S_EXT;
    CHECK(vcpu_handle_exit(&v, &ex) && ex.reason == VCPU_EXIT_EXTERNAL_INTERRUPT,
          "supervisor external interrupt");
    v.regs.trap.scause = SCAUSE_INTERRUPT | 13;
    CHECK(vcpu_handle_exit(&v, &ex) && ex.reason == VCPU_EXIT_FAIL,
          "an interrupt nobody enabled: FAIL");
    return check_done();
}
