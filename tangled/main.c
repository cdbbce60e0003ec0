/* hyp_main: the boot sequence of the RVH hypervisor. */
#include <picolibc.h>     /* defines PICOLIBC_TLS, which picotls.h needs */
#include <picotls.h>
#include <stdio.h>
#include <stdnoreturn.h>
#include "config.h"
#include "arch/csr.h"
#include "arch/hext.h"
#include "arch/names.h"
#include "arch/sbi.h"
#include "lib/console.h"
#include "lib/panic.h"
#include "vmm/vmm.h"

static char hart_tls[RVH_MAX_HARTS][RVH_TLS_SIZE] __attribute__((aligned(64)));

static void hart_tls_init(unsigned long hartid)
{
    if (_tls_size() > RVH_TLS_SIZE)
        panic("picolibc's TLS needs %zu bytes, RVH_TLS_SIZE is %d",
              _tls_size(), RVH_TLS_SIZE);
    _init_tls(hart_tls[hartid]);
    _set_tls(hart_tls[hartid]);
}
static void print_banner(unsigned long hartid, unsigned long dtb)
{
    long spec = sbi_get_base(SBI_BASE_GET_SPEC_VERSION);
    long impl = sbi_get_base(SBI_BASE_GET_IMPL_ID);
    long ver = sbi_get_base(SBI_BASE_GET_IMPL_VERSION);
    printf("\nRVH Book hypervisor, stage 1: boot\n");
    printf("rvh: boot hart %lu, device tree at 0x%lx\n", hartid, dtb);
    printf("rvh: SBI %ld.%ld, %s %ld.%ld, console: SBI %s\n",
           spec >> 24 & 0x7f, spec & 0xffffff, sbi_impl_name(impl),
           ver >> 16, ver & 0xffff, console_uses_dbcn() ? "DBCN" : "legacy putchar");
}
static void list_harts(unsigned long boot_hart)
{
    printf("rvh: harts:");
    for (unsigned long id = 0; id < RVH_MAX_HARTS; id++) {
        long status = sbi_hart_status(id);
        if (id == boot_hart)
            printf(" %lu (boot)", id);
        else if (status >= 0)
            printf(" %lu (%s)", id, status == 1 ? "stopped" : "started");
    }
    printf("\n");
}
static noreturn void refuse_without_h(unsigned long hartid)
{
    printf("rvh: hart %lu has no hypervisor extension (H): cannot host guests; "
           "run QEMU with -cpu rv64 (H is on by default) or use a core with RVH\n",
           hartid);
    power_off(true);
}
static noreturn void refuse_without_sv39x4(unsigned long hartid)
{
    printf("rvh: hart %lu has H but no Sv39x4 G-stage translation: "
           "cannot host guests\n", hartid);
    power_off(true);
}
static void report_hext(void)
{
    printf("rvh: H extension: present\n");
    printf("rvh: G-stage modes:%s%s%s, VMID bits: %u, Sstc: %s\n",
           hext.sv39x4 ? " Sv39x4" : "", hext.sv48x4 ? " Sv48x4" : "",
           hext.sv57x4 ? " Sv57x4" : "", hext.vmid_bits, hext.sstc ? "yes" : "no");
    printf("rvh: hedeleg=0x%lx hideleg=0x%lx hcounteren=0x%lx henvcfg=0x%lx hvip=0x%lx\n",
           csr_read(hedeleg), csr_read(hideleg), csr_read(hcounteren),
           csr_read(henvcfg), csr_read(hvip));
}

noreturn void hyp_main(unsigned long hartid, unsigned long dtb)
{
    hart_tls_init(hartid);
    console_init();
    print_banner(hartid, dtb);
    list_harts(hartid);
    if (!has_hardware_support())
        refuse_without_h(hartid);
    hext_probe(&hext);
    if (!hext.sv39x4)
        refuse_without_sv39x4(hartid);
    hext_enable_hart();
    report_hext();
    printf("rvh: this hart can host guests\n");
    vmm_main(hartid, dtb);
}
noreturn void hyp_secondary(unsigned long hartid)
{
    hart_tls_init(hartid);
    hext_enable_hart();
    vmm_secondary(hartid);
}
