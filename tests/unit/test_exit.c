/* Stage 4: decoding VM exits and the first SBI calls, with made-up traps. */
// sources: tangled/vcpu/vcpu.c tangled/vcpu/exit.c tangled/vcpu/sbi.c tangled/vcpu/sbi_sta.c tangled/vcpu/sbi_console.c tangled/vcpu/sbi_legacy.c tangled/vcpu/sbi_srst.c tangled/vcpu/sbi_rvh.c tangled/vcpu/sbi_base.c tangled/vcpu/sbi_time.c tangled/vcpu/sbi_ipi.c tangled/vcpu/sbi_rfence.c tangled/vcpu/sbi_hsm.c tangled/vcpu/timer.c tangled/vcpu/insn.c tests/unit/fake_hart.c
#include <errno.h>
#include "check.h"
#include "arch/csr.h"
#include "arch/hext.h"
#include "vcpu/sbi.h"
#include "vcpu/vcpu.h"

#include "fake_hart.h"

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

static bool ecall6(unsigned long eid, unsigned long fid, const unsigned long a[6])
{
    bool r = ecall(eid, fid, a[0], a[1]);       /* sets a0, a1, a2..a5 = 0x102.. */
    memset(&ex, 0, sizeof ex);
    for (int i = 0; i < 6; i++)
        v.regs.guest_x[REG_A0 + i] = a[i];
    v.regs.guest.sepc = 0x80200100;
    (void)r;
    return vcpu_handle_exit(&v, &ex);
}

static void test_sbi_stage5(void)
{
    /* Base (SBI spec 4) */
    CHECK(!ecall(SBI_EXT_BASE, 0, 0, 0) && a0() == 0 && a1() == 0x02000000, "spec version 2.0");
    CHECK(!ecall(SBI_EXT_BASE, 1, 0, 0) && a1() == 0x52564842, "impl id RVHB");
    CHECK(!ecall(SBI_EXT_BASE, 4, 0, 0) && a0() == 0 && a1() == 0x1004, "mvendorid from the firmware");
    static const unsigned long present[] = { 0x10, 0, 1, 8, SBI_EXT_TIME, SBI_EXT_IPI,
        SBI_EXT_RFENCE, SBI_EXT_HSM, SBI_EXT_SRST, SBI_EXT_DBCN, SBI_EXT_RVH };
    static const unsigned long absent[] = { 9, 0xf, 0x504D55, 0x53555350, 0x11, ~0UL };
    int good = 1;
    for (unsigned i = 0; i < sizeof present / sizeof *present; i++)
        good &= !ecall(SBI_EXT_BASE, 3, present[i], 0) && a0() == 0 && a1() == 1;
    for (unsigned i = 0; i < sizeof absent / sizeof *absent; i++)
        good &= !ecall(SBI_EXT_BASE, 3, absent[i], 0) && a0() == 0 && a1() == 0;
    CHECK(good, "probe_extension is 1 exactly for what the table handles");
    CHECK(!ecall(SBI_EXT_BASE, 7, 0, 0) && a0() == SBI_ERR_NOT_SUPPORTED, "base fid 7");

    /* TIME and legacy set_timer (6, 5) */
    v.regs.vs.hvip = 1UL << IRQ_VS_TIMER;
    CHECK(!ecall(SBI_EXT_TIME, 0, 12345, 0) && a0() == 0 && v.timer_deadline == 12345,
          "set_timer records the deadline");
    CHECK(!(v.regs.vs.hvip & (1UL << IRQ_VS_TIMER)), "and clears a pending VSTIP");
    CHECK(!ecall(0x00, 0, 777, 0xbeef) && a0() == 0 && a1() == 0xbeef && v.timer_deadline == 777,
          "legacy set_timer: a1 untouched");
    CHECK(!ecall(SBI_EXT_TIME, 1, 0, 0) && a0() == SBI_ERR_NOT_SUPPORTED, "TIME fid 1");

    /* IPI (7) and legacy IPIs through a guest-virtual mask pointer (5) */
    CHECK(ecall(SBI_EXT_IPI, 0, 5, 2) && ex.reason == VCPU_EXIT_SEND_IPI &&
          ex.ipi.mask == 5 && ex.ipi.base == 2, "send_ipi goes to the monitor with its mask");
    uint64_t m = 1;
    memcpy(fake_ram + 0x100, &m, 8);
    CHECK(ecall(SBI_EXT_LEGACY_SEND_IPI, 0, FAKE_RAM_GPA + 0x100, 0) &&
          ex.reason == VCPU_EXIT_SEND_IPI && ex.ipi.mask == 1 && ex.ipi.base == 0,
          "legacy send_ipi reads the mask through guest memory");
    CHECK(ecall(SBI_EXT_LEGACY_SEND_IPI, 0, 0, 0) && ex.ipi.base == ~0UL,
          "a NULL legacy mask means every hart");
    CHECK(!ecall(SBI_EXT_LEGACY_SEND_IPI, 0, 0x10, 0) && a0() == SBI_ERR_INVALID_ADDRESS,
          "an unreadable legacy mask is INVALID_ADDRESS");
    fake_virtual_ok = 0;
    CHECK(!ecall(SBI_EXT_LEGACY_FENCE_I, 0, FAKE_RAM_GPA + 0x100, 0) &&
          a0() == SBI_ERR_INVALID_ADDRESS, "the legacy mask is read as a virtual address");
    fake_virtual_ok = 1;
    v.regs.vs.hvip = 1UL << IRQ_VS_SOFT;
    CHECK(!ecall(SBI_EXT_LEGACY_CLEAR_IPI, 0, 0, 0) && a0() == 1 && v.regs.vs.hvip == 0,
          "legacy clear_ipi clears VSSIP, and says 1: it was pending");
    CHECK(!ecall(SBI_EXT_LEGACY_CLEAR_IPI, 0, 0, 0) && a0() == 0 && v.regs.vs.hvip == 0,
          "legacy clear_ipi with nothing pending says 0");

    /* RFENCE (8) */
    unsigned long r[6] = { 1, 0, 0x80200000, 8192, 7, 0 };
    CHECK(ecall6(SBI_EXT_RFENCE, 2, r) && ex.reason == VCPU_EXIT_RFENCE && ex.rfence.kind == 2 &&
          ex.rfence.start == 0x80200000 && ex.rfence.size == 8192 && ex.rfence.asid == 7,
          "remote_sfence_vma_asid goes to the monitor with its range and ASID");
    unsigned long wrap[6] = { 1, 0, ~0UL - 4095, 8192, 0, 0 };
    CHECK(!ecall6(SBI_EXT_RFENCE, 1, wrap) && a0() == SBI_ERR_INVALID_ADDRESS, "a wrapping range");
    unsigned long all[6] = { 1, 0, 5, ~0UL, 0, 0 };
    CHECK(ecall6(SBI_EXT_RFENCE, 1, all), "size -1 is the whole space, not a wrap");
    CHECK(!ecall(SBI_EXT_RFENCE, 3, 1, 0) && a0() == SBI_ERR_NOT_SUPPORTED, "hfence: no H for guests");
    unsigned long lg[6] = { FAKE_RAM_GPA + 0x100, 0x1000, 0x2000, 9, 0, 0 };
    CHECK(ecall6(SBI_EXT_LEGACY_SFENCE_VMA_ASID, 0, lg) && ex.rfence.kind == 2 &&
          ex.rfence.mask == 1 && ex.rfence.start == 0x1000 && ex.rfence.size == 0x2000 &&
          ex.rfence.asid == 9, "legacy sfence_vma_asid becomes RFENCE fid 2");

    /* HSM (9) */
    CHECK(ecall6(SBI_EXT_HSM, 0, (unsigned long[6]){ 1, 0x80200000, 42 }) &&
          ex.reason == VCPU_EXIT_CPU_UP && ex.cpu_up.target == 1 && ex.cpu_up.opaque == 42,
          "hart_start goes to the monitor");
    CHECK(ecall(SBI_EXT_HSM, 1, 0, 0) && ex.reason == VCPU_EXIT_CPU_DOWN &&
          v.regs.guest.sepc == 0x80200100, "hart_stop: to the monitor, sepc not advanced");
    CHECK(ecall(SBI_EXT_HSM, 2, 3, 0) && ex.reason == VCPU_EXIT_HART_STATUS &&
          ex.hart_status.target == 3, "hart_get_status goes to the monitor");
    CHECK(ecall(SBI_EXT_HSM, 3, 0, 0) && ex.reason == VCPU_EXIT_IDLE && ex.idle.suspend &&
          a0() == 0 && v.regs.guest.sepc == 0x80200104,
          "retentive suspend: answered 0, sepc advanced, the monitor waits (IDLE)");
    CHECK(ecall(SBI_EXT_HSM, 3, 1UL << 32, 0) && ex.reason == VCPU_EXIT_IDLE && a0() == 0,
          "suspend_type is 32-bit: 2^32 is a retentive suspend");
    CHECK(!ecall(SBI_EXT_HSM, 3, 1, 0) && a0() == SBI_ERR_INVALID_PARAM, "reserved type 1");
    CHECK(!ecall(SBI_EXT_HSM, 3, 0x10000000, 0) && a0() == SBI_ERR_INVALID_PARAM,
          "a platform type RVH lacks is INVALID_PARAM");
    CHECK(!ecall(SBI_EXT_HSM, 3, 0xffffffff, 0) && a0() == SBI_ERR_INVALID_PARAM,
          "platform type 0xffffffff");
    CHECK(!ecall(SBI_EXT_HSM, 3, 0x80000001, 0) && a0() == SBI_ERR_INVALID_PARAM, "reserved 0x80000001");
    CHECK(!ecall(SBI_EXT_HSM, 3, 1UL << 32 | 1, 0) && a0() == SBI_ERR_INVALID_PARAM,
          "reserved type 1 with bit 32 set");
    CHECK(!ecall(SBI_EXT_HSM, 3, 0x80000000, 0x1000) && a0() == SBI_ERR_INVALID_ADDRESS,
          "non-retentive with a bad resume address");
    CHECK(!ecall(SBI_EXT_HSM, 3, 0xffffffff80000000UL, 0x1000) && a0() == SBI_ERR_INVALID_ADDRESS,
          "non-retentive, sign-extended, with a bad resume address");
    v.regs.vs.vsatp = 0x8000000000012345UL;
    v.regs.vs.vsstatus = SSTATUS_SIE;
    CHECK(ecall6(SBI_EXT_HSM, 3, (unsigned long[6]){ 0x80000000, FAKE_RAM_GPA + 0x40, 0x1234 }) &&
          ex.reason == VCPU_EXIT_IDLE && ex.idle.suspend &&
          v.regs.guest.sepc == FAKE_RAM_GPA + 0x40 && a0() == 0 && a1() == 0x1234,
          "non-retentive suspend resumes at resume_addr, a0 = hart id, a1 = opaque");
    CHECK(v.regs.vs.vsatp == 0 && v.regs.vs.vsstatus == 0, "with paging and interrupts off");

    /* DBCN (12): buffers must lie wholly in the RAM the monitor gave. */
    CHECK(vcpu_set_guest_ram(&v, FAKE_RAM_GPA, FAKE_RAM_SIZE) == 0, "the guest's RAM");
    CHECK(vcpu_set_guest_ram(&v, ~0UL - 10, 20) == -EINVAL, "a RAM range that wraps is refused");
    CHECK(vcpu_guest_ram_holds(&v, FAKE_RAM_GPA, FAKE_RAM_SIZE) &&
          vcpu_guest_ram_holds(&v, FAKE_RAM_GPA + FAKE_RAM_SIZE - 1, 1) &&
          vcpu_guest_ram_holds(&v, 0x1000, 0) &&
          !vcpu_guest_ram_holds(&v, FAKE_RAM_GPA - 1, 2) &&
          !vcpu_guest_ram_holds(&v, FAKE_RAM_GPA + FAKE_RAM_SIZE, 1) &&
          !vcpu_guest_ram_holds(&v, FAKE_RAM_GPA + 0x10, FAKE_RAM_SIZE) &&
          !vcpu_guest_ram_holds(&v, FAKE_RAM_GPA + 0x10, ~0UL) &&
          !vcpu_guest_ram_holds(&v, FAKE_RAM_GPA + 0x10, 0 - (FAKE_RAM_GPA + 0x10) + 8),
          "vcpu_guest_ram_holds: all of RAM, its last byte, nothing anywhere; not across "
          "either end, nor 2^64-1 bytes, nor a range that wraps");
    console_len = 0;
    memset(console, 0, sizeof console);
    memcpy(fake_ram + 0x200, "hello, world", 12);
    CHECK(!ecall6(SBI_EXT_DBCN, 0, (unsigned long[6]){ 12, FAKE_RAM_GPA + 0x200, 0 }) &&
          a0() == 0 && a1() == 12, "console_write of 12 bytes");
    CHECK_STR(console, "hello, world", "they are printed");
    CHECK(!ecall6(SBI_EXT_DBCN, 0, (unsigned long[6]){ 1000, FAKE_RAM_GPA, 0 }) &&
          a0() == 0 && a1() == 256, "a long write moves one chunk");
    console_len = 0;
    memset(console, 0, sizeof console);
    CHECK(!ecall6(SBI_EXT_DBCN, 0, (unsigned long[6]){ 16, FAKE_RAM_GPA + FAKE_RAM_SIZE - 8, 0 }) &&
          a0() == SBI_ERR_INVALID_PARAM && console_len == 0,
          "a buffer across the end of RAM: INVALID_PARAM, nothing printed");
    CHECK(!ecall6(SBI_EXT_DBCN, 0, (unsigned long[6]){ 4, FAKE_RAM_GPA, 1 }) &&
          a0() == SBI_ERR_INVALID_PARAM, "base_addr_hi must be zero on RV64");
    CHECK(!ecall6(SBI_EXT_DBCN, 0, (unsigned long[6]){ ~0UL, FAKE_RAM_GPA + 0x200, 0 }) &&
          a0() == SBI_ERR_INVALID_PARAM && console_len == 0,
          "2^64-1 bytes from a buffer in RAM: INVALID_PARAM, nothing printed");
    CHECK(!ecall6(SBI_EXT_DBCN, 0, (unsigned long[6]){ FAKE_RAM_SIZE, FAKE_RAM_GPA, 0 }) &&
          a0() == 0 && a1() == 256, "all of RAM: one chunk written");
    console_len = 0;
    memset(console, 0, sizeof console);
    console_input = "abc";
    memset(fake_ram + 0x300, 0x55, 16);
    CHECK(!ecall6(SBI_EXT_DBCN, 1, (unsigned long[6]){ 2, FAKE_RAM_GPA + 0x300, 0 }) &&
          a0() == 0 && a1() == 2 && memcmp(fake_ram + 0x300, "ab", 2) == 0 && fake_ram[0x302] == 0x55,
          "console_read delivers what there is, up to num_bytes");
    CHECK(!ecall6(SBI_EXT_DBCN, 1, (unsigned long[6]){ 8, 0x1000, 0 }) &&
          a0() == SBI_ERR_INVALID_PARAM && *console_input == 'c',
          "a bad read buffer fails without consuming input");
    CHECK(!ecall6(SBI_EXT_DBCN, 1, (unsigned long[6]){ 1UL << 63, FAKE_RAM_GPA + 0x300, 0 }) &&
          a0() == SBI_ERR_INVALID_PARAM && *console_input == 'c',
          "a read of 2^63 bytes into RAM fails without consuming input");
    CHECK(!ecall6(SBI_EXT_DBCN, 1, (unsigned long[6]){ 8, FAKE_RAM_GPA + 0x300, 0 }) &&
          a1() == 1 && fake_ram[0x300] == 'c', "the next read gets the rest");
    CHECK(!ecall6(SBI_EXT_DBCN, 1, (unsigned long[6]){ 8, FAKE_RAM_GPA + 0x300, 0 }) &&
          a0() == 0 && a1() == 0, "no input: success, 0 bytes");
    CHECK(!ecall(SBI_EXT_LEGACY_GETCHAR, 0, 0, 0x77) && a0() == -1 && a1() == 0x77,
          "legacy getchar: -1 when there is no input");
}

static void test_timer(void)
{
    struct vcpu t;
    struct vcpu_config c = { 0, 0, 0, 0 };
    vcpu_new(&t, &c);
    CHECK(vcpu_setup_timer(&t, false, (uint64_t)-1000) == 0 && t.timer_deadline == ~0UL,
          "emulated timer, guest clock = host - 1000, no deadline");
    t.loaded = true;
    v = t;
    CHECK(!ecall(SBI_EXT_TIME, 0, 5000, 0) && v.timer_deadline == 5000 && fake_guest_timer == 6000,
          "set_timer(5000) programs the host timer for 6000");
    fake_time = 5999;
    vcpu_timer_expired(&v);
    CHECK(!(v.regs.vs.hvip & (1UL << IRQ_VS_TIMER)) && fake_guest_timer == 6000,
          "one tick early: nothing, the host timer stays");
    fake_time = 6000;
    vcpu_timer_expired(&v);
    CHECK((v.regs.vs.hvip & (1UL << IRQ_VS_TIMER)) && v.timer_deadline == ~0UL &&
          fake_guest_timer == UINT64_MAX, "at the deadline: VSTIP, deadline used up, host timer off");
    vcpu_timer_expired(&v);
    CHECK(v.timer_deadline == ~0UL && fake_guest_timer == UINT64_MAX, "a second expiry changes nothing");
    CHECK(!ecall(SBI_EXT_TIME, 0, 0, 0) && !(v.regs.vs.hvip & (1UL << IRQ_VS_TIMER)) &&
          fake_guest_timer == 1000, "a deadline in the past clears VSTIP and fires at once");
    CHECK(!ecall(SBI_EXT_TIME, 0, ~0UL - 10, 0) && fake_guest_timer == UINT64_MAX,
          "a deadline that would wrap in host time is never");
    CHECK(!ecall(SBI_EXT_TIME, 0, ~0UL, 0) && fake_guest_timer == UINT64_MAX, "all ones cancels");
    CHECK(vcpu_setup_timer(&v, true, 0) == 0 && v.sstc, "Sstc path");
    fake_guest_timer = 42;
    CHECK(!ecall(SBI_EXT_TIME, 0, 777, 0) && v.regs.vs.vstimecmp == 777 && fake_guest_timer == UINT64_MAX,
          "Sstc: set_timer writes vstimecmp, the host timer is not used");
    v.state = VCPU_RUNNING;
    CHECK(vcpu_setup_timer(&v, false, 0) == -EPERM, "a running vCPU's timer set-up is refused");
    v.state = VCPU_READY;
}

/* STA (SBI 16): the rules of sbi_steal_time_set_shmem, in the spec's order. */
static void test_sta(void)
{
    unsigned long a[6] = { FAKE_RAM_GPA + 0x40, 0, 0, 0, 0, 0 };
    CHECK(!ecall(SBI_EXT_BASE, 3, SBI_EXT_STA, 0) && a0() == 0 && a1() == 1, "STA is offered");
    a[2] = 1;
    CHECK(!ecall6(SBI_EXT_STA, 0, a) && a0() == SBI_ERR_INVALID_PARAM, "flags 1: INVALID_PARAM");
    a[2] = 0;
    a[0] = FAKE_RAM_GPA + 0x48;
    CHECK(!ecall6(SBI_EXT_STA, 0, a) && a0() == SBI_ERR_INVALID_PARAM,
          "not 64-byte aligned: INVALID_PARAM");
    a[0] = FAKE_RAM_GPA + 0x40;
    a[1] = 1;
    CHECK(!ecall6(SBI_EXT_STA, 0, a) && a0() == SBI_ERR_INVALID_ADDRESS,
          "an upper half: INVALID_ADDRESS");
    a[0] = 0x1000;
    a[1] = 0;
    CHECK(!ecall6(SBI_EXT_STA, 0, a) && a0() == SBI_ERR_INVALID_ADDRESS && !v.sta.on,
          "outside guest RAM: INVALID_ADDRESS");
    memset(fake_ram + 0x40, 0xff, 64);
    a[0] = FAKE_RAM_GPA + 0x40;
    int zero = 1;
    CHECK(!ecall6(SBI_EXT_STA, 0, a) && a0() == SBI_SUCCESS && a1() == 0 && v.sta.on &&
          v.sta.shmem == FAKE_RAM_GPA + 0x40, "a good record: SUCCESS");
    for (int i = 0; i < 64; i++)
        zero &= fake_ram[0x40 + i] == 0;
    CHECK(zero, "and its 64 bytes are zeroed before the call returns");
    a[0] = a[1] = ~0UL;
    a[2] = 0;
    CHECK(!ecall6(SBI_EXT_STA, 0, a) && a0() == SBI_SUCCESS && !v.sta.on, "all ones: off");
    a[2] = 2;
    CHECK(!ecall6(SBI_EXT_STA, 0, a) && a0() == SBI_ERR_INVALID_PARAM, "off with flags: refused");
    CHECK(!ecall(SBI_EXT_STA, 1, 0, 0) && a0() == SBI_ERR_NOT_SUPPORTED, "STA fid 1");
}

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

    test_sta();
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
    CHECK(v.regs.guest.sepc == 0x80200100, "a call that does not return leaves sepc alone");
    CHECK(ecall(SBI_EXT_SRST, 0, SBI_SRST_TYPE_SHUTDOWN, SBI_SRST_REASON_FAILURE) &&
          ex.system.reason == 1, "SRST shutdown, system failure");
    CHECK(ecall(SBI_EXT_SRST, 0, SBI_SRST_TYPE_COLD_REBOOT, 0) &&
          ex.reason == VCPU_EXIT_SYSTEM_RESET && ex.system.type == 1, "SRST cold reboot");
    CHECK(ecall(SBI_EXT_SRST, 0, SBI_SRST_TYPE_WARM_REBOOT, 0xe0000001) &&
          ex.reason == VCPU_EXIT_SYSTEM_RESET && ex.system.reason == 0xe0000001,
          "warm reboot with an SBI-implementation-specific reason");
    CHECK(ecall(SBI_EXT_SRST, 0, 1UL << 32 | SBI_SRST_TYPE_COLD_REBOOT, 1UL << 63) &&
          ex.reason == VCPU_EXIT_SYSTEM_RESET && ex.system.type == 1 && ex.system.reason == 0,
          "type and reason are 32-bit: the upper bits are ignored");
    CHECK(!ecall(SBI_EXT_SRST, 0, 3, 0) && a0() == SBI_ERR_INVALID_PARAM, "reserved type 3");
    CHECK(!ecall(SBI_EXT_SRST, 0, 0, 2) && a0() == SBI_ERR_INVALID_PARAM, "reserved reason 2");
    CHECK(!ecall(SBI_EXT_SRST, 0, 1UL << 32 | 3, 0) && a0() == SBI_ERR_INVALID_PARAM,
          "reserved type 3 with bit 32 set");
    CHECK(!ecall(SBI_EXT_SRST, 0, 0, ~0UL) && a0() == SBI_ERR_INVALID_PARAM,
          "a vendor reason (0xffffffff) RVH lacks");
    CHECK(!ecall(SBI_EXT_SRST, 0, 0, 0xdfffffff) && a0() == SBI_ERR_INVALID_PARAM,
          "reserved reason 0xdfffffff");
    CHECK(!ecall(SBI_EXT_SRST, 0, 0xf0000000, 0) && a0() == SBI_ERR_INVALID_PARAM,
          "a vendor reset type RVH lacks is INVALID_PARAM");
    CHECK(!ecall(SBI_EXT_SRST, 1, 0, 0) && a0() == SBI_ERR_NOT_SUPPORTED, "SRST fid 1");
    CHECK(ecall(SBI_EXT_LEGACY_SHUTDOWN, 0, 0, 0) && ex.reason == VCPU_EXIT_SYSTEM_DOWN,
          "legacy shutdown");

    test_sbi_stage5();
    test_timer();
    vcpu_new(&v, &cfg);

    memset(&ex, 0, sizeof ex);
    v.regs.trap = (struct vcpu_trap_csrs){ EXC_LOAD_GUEST_PAGE_FAULT, 0xffffffc000000120UL,
                                           0x10000000UL >> 2, 0x3303 };   /* ld t1 */
    v.regs.guest.sepc = 0x80200abc;
    CHECK(vcpu_handle_exit(&v, &ex) && ex.reason == VCPU_EXIT_MMIO_READ,
          "a load guest-page fault with htinst = ld t1 is an MMIO read");
    CHECK(ex.mmio_read.addr == 0x10000000UL && ex.mmio_read.width == 8 && ex.mmio_read.reg == 6 &&
          !ex.mmio_read.sign_ext, "of 8 bytes into t1 at gpa = htval << 2 | stval & 3");
    CHECK(v.regs.guest.sepc == 0x80200abc, "sepc waits for the completion");
    CHECK(vcpu_mmio_complete(&v, 0x1122334455667788ULL) == 0 && v.regs.guest_x[6] == 0x1122334455667788UL &&
          v.regs.guest.sepc == 0x80200ac0, "completion writes t1 and retires 4 bytes");
    CHECK(vcpu_mmio_complete(&v, 0) == -EPERM, "a second completion is refused");

    v.regs.trap.htinst = (2u << 12) | (9u << 7) | 0x01;  /* transformed c.lw s1: bits 1:0 = 01 */
    CHECK(vcpu_handle_exit(&v, &ex) && ex.reason == VCPU_EXIT_MMIO_READ && ex.mmio_read.width == 4 &&
          ex.mmio_read.sign_ext && ex.mmio_read.reg == 9, "a transformed compressed lw");
    CHECK(vcpu_mmio_complete(&v, 0x80000000ULL) == 0 && v.regs.guest_x[9] == 0xffffffff80000000UL &&
          v.regs.guest.sepc == 0x80200ac2, "sign-extends, retires 2 bytes");

    fake_code[0] = 0x2023;                      /* sw s0, 0(s0): from memory */
    fake_code[1] = 0x0084;
    v.regs.trap = (struct vcpu_trap_csrs){ EXC_STORE_GUEST_PAGE_FAULT, 0x10000004UL,
                                           0x10000004UL >> 2, 0 };
    v.regs.guest.sepc = FAKE_RAM_GPA;
    v.regs.guest_x[8] = 0xdeadbeefcafef00dUL;
    CHECK(vcpu_handle_exit(&v, &ex) && ex.reason == VCPU_EXIT_MMIO_WRITE &&
          ex.mmio_write.width == 4 && ex.mmio_write.data == 0xcafef00dUL &&
          ex.mmio_write.addr == 0x10000004UL, "htinst 0: the store is read from guest memory");
    fake_injected = 0;
    v.regs.trap.stval = v.regs.trap.htval << 2 | 2;     /* misaligned */
    CHECK(!vcpu_handle_exit(&v, &ex) && fake_injected == EXC_STORE_ACCESS &&
          fake_injected_tval == v.regs.trap.stval, "misaligned MMIO: a store access fault");
    v.regs.trap.stval = 0x10000004UL;
    v.regs.trap.scause = EXC_LOAD_GUEST_PAGE_FAULT;
    fake_injected = 0;
    CHECK(!vcpu_handle_exit(&v, &ex) && fake_injected == EXC_LOAD_ACCESS,
          "a load fault on a store instruction: a load access fault");
    fake_code[0] = 0x2007;                      /* flw f0, 0(s0) */
    fake_code[1] = 0x0004;
    fake_injected = 0;
    CHECK(!vcpu_handle_exit(&v, &ex) && fake_injected == EXC_LOAD_ACCESS, "FP load: access fault");
    v.regs.guest.sepc = 0x1000;                 /* the fetch of the instruction faults */
    fake_injected = 0;
    CHECK(!vcpu_handle_exit(&v, &ex) && v.regs.guest.sepc == 0x1000 &&
          fake_injected == EXC_INST_PAGE_FAULT && fake_injected_tval == 0x1000,
          "an unreadable instruction: the guest takes an instruction page fault");
    fake_fetch_fault = EXC_LOAD_ACCESS;
    CHECK(!vcpu_handle_exit(&v, &ex) && fake_injected == EXC_INST_ACCESS,
          "a read refused by an access fault: an instruction access fault");
    fake_fetch_fault = EXC_LOAD_GUEST_PAGE_FAULT;
    CHECK(vcpu_handle_exit(&v, &ex) && ex.reason == VCPU_EXIT_FAIL,
          "an instruction the G-stage does not map: FAIL, never a retry");
    fake_fetch_fault = EXC_LOAD_PAGE_FAULT;
    v.regs.guest.sepc = FAKE_RAM_GPA + 14;      /* a 32-bit load whose second half faults */
    fake_code[7] = 0x2003;
    fake_injected = 0;
    CHECK(!vcpu_handle_exit(&v, &ex) && fake_injected == EXC_INST_PAGE_FAULT &&
          fake_injected_tval == FAKE_RAM_GPA + 16, "the fault is at the second halfword");
    fake_code[7] = 0;

    v.regs.trap.scause = EXC_INST_GUEST_PAGE_FAULT;
    v.regs.trap.htval = 0x3fffffffffUL;
    v.regs.trap.stval = 0x2;
    CHECK(vcpu_handle_exit(&v, &ex) && ex.page_fault.access == VCPU_ACCESS_FETCH &&
          ex.page_fault.gpa == 0xfffffffffeUL, "fetch, with a 40-bit gpa");

    v.regs.guest.sepc = 0x80200abc;
    v.regs.trap = (struct vcpu_trap_csrs){ EXC_VIRTUAL_INST, 0x10500073, 0, 0 };
    CHECK(vcpu_handle_exit(&v, &ex) && ex.reason == VCPU_EXIT_IDLE && !ex.idle.suspend &&
          v.regs.guest.sepc == 0x80200ac0, "virtual instruction wfi: IDLE, sepc past the wfi");
    v.regs.guest.sepc = 0x80200abc;
    v.regs.trap = (struct vcpu_trap_csrs){ EXC_VIRTUAL_INST, 0x60002573, 0, 0 };   /* csrr a0, hstatus */
    fake_injected = 0;
    CHECK(!vcpu_handle_exit(&v, &ex) && fake_injected == EXC_ILLEGAL_INST &&
          fake_injected_tval == 0x60002573,
          "another virtual instruction: the guest gets an illegal-instruction exception");
    v.regs.guest.sepc = 0x80200abc;
    v.regs.trap = (struct vcpu_trap_csrs){ EXC_VIRTUAL_INST, INSN_WRS_STO, 0, 0 };
    CHECK(vcpu_handle_exit(&v, &ex) && ex.reason == VCPU_EXIT_YIELD &&
          v.regs.guest.sepc == 0x80200ac0, "wrs.sto: YIELD, sepc past it");
    v.regs.guest.sepc = FAKE_RAM_GPA;           /* no Sstvala: stval 0, read the instruction */
    v.regs.trap = (struct vcpu_trap_csrs){ EXC_VIRTUAL_INST, 0, 0, 0 };
    fake_code[0] = 0x0073;                      /* wrs.nto */
    fake_code[1] = 0x00d0;
    CHECK(vcpu_handle_exit(&v, &ex) && ex.reason == VCPU_EXIT_YIELD &&
          v.regs.guest.sepc == FAKE_RAM_GPA + 4, "wrs.nto with stval 0: read, YIELD");
    v.regs.guest.sepc = FAKE_RAM_GPA;
    fake_code[1] = 0x1050;                      /* wfi */
    CHECK(vcpu_handle_exit(&v, &ex) && ex.reason == VCPU_EXIT_IDLE &&
          v.regs.guest.sepc == FAKE_RAM_GPA + 4, "wfi with stval 0: read, IDLE");
    v.regs.guest.sepc = 0x1000;
    fake_injected = 0;
    CHECK(!vcpu_handle_exit(&v, &ex) && fake_injected == EXC_INST_PAGE_FAULT &&
          v.regs.guest.sepc == 0x1000, "stval 0 and an unreadable instruction: a page fault");
    v.regs.trap = (struct vcpu_trap_csrs){ EXC_LOAD_ACCESS, 0x80201000, 0, 0 };
    fake_injected = 0;
    CHECK(!vcpu_handle_exit(&v, &ex) && fake_injected == EXC_LOAD_ACCESS &&
          fake_injected_tval == 0x80201000, "a load access fault goes to the guest");
    v.regs.trap.scause = EXC_INST_ACCESS;
    CHECK(!vcpu_handle_exit(&v, &ex) && fake_injected == EXC_INST_ACCESS, "so does a fetch's");
    v.regs.trap.scause = SCAUSE_INTERRUPT | IRQ_S_EXT;
    CHECK(vcpu_handle_exit(&v, &ex) && ex.reason == VCPU_EXIT_EXTERNAL_INTERRUPT,
          "supervisor external interrupt");
    v.regs.trap.scause = SCAUSE_INTERRUPT | 13;
    CHECK(vcpu_handle_exit(&v, &ex) && ex.reason == VCPU_EXIT_FAIL,
          "an interrupt nobody enabled: FAIL");
    return check_done();
}
