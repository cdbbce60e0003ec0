/* SBI calls from the hypervisor to the firmware. */
#include "arch/sbi.h"

struct sbiret sbi_ecall(unsigned long eid, unsigned long fid,
                        unsigned long a0, unsigned long a1, unsigned long a2,
                        unsigned long a3, unsigned long a4, unsigned long a5)
{
    register unsigned long r0 __asm__("a0") = a0;
    register unsigned long r1 __asm__("a1") = a1;
    register unsigned long r2 __asm__("a2") = a2;
    register unsigned long r3 __asm__("a3") = a3;
    register unsigned long r4 __asm__("a4") = a4;
    register unsigned long r5 __asm__("a5") = a5;
    register unsigned long r6 __asm__("a6") = fid;
    register unsigned long r7 __asm__("a7") = eid;
    __asm__ volatile("ecall"
                     : "+r"(r0), "+r"(r1)
                     : "r"(r2), "r"(r3), "r"(r4), "r"(r5), "r"(r6), "r"(r7)
                     : "memory");
    return (struct sbiret){ .error = (long)r0, .value = (long)r1 };
}

bool sbi_probe(unsigned long eid)
{
    struct sbiret r = sbi_ecall(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, eid, 0, 0, 0, 0, 0);
    return r.error == SBI_SUCCESS && r.value != 0;
}

long sbi_get_base(unsigned long fid)
{
    return sbi_ecall(SBI_EXT_BASE, fid, 0, 0, 0, 0, 0, 0).value;
}

long sbi_hart_status(unsigned long hartid)
{
    struct sbiret r = sbi_ecall(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, hartid, 0, 0, 0, 0, 0);
    return r.error ? r.error : r.value;
}
void sbi_console_putchar(int c, bool dbcn)
{
    if (dbcn)
        sbi_ecall(SBI_EXT_DBCN, SBI_DBCN_WRITE_BYTE, (unsigned char)c, 0, 0, 0, 0, 0);
    else
        sbi_ecall(SBI_EXT_LEGACY_PUTCHAR, 0, (unsigned char)c, 0, 0, 0, 0, 0);
}
noreturn void sbi_shutdown(bool failure)
{
    sbi_ecall(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SBI_SRST_TYPE_SHUTDOWN,
              failure ? SBI_SRST_REASON_FAILURE : SBI_SRST_REASON_NONE, 0, 0, 0, 0);
    for (;;)
        __asm__ volatile("wfi");
}
int sbi_console_getchar(bool dbcn)
{
    static unsigned char byte;
    if (!dbcn)
        return (int)sbi_ecall(SBI_EXT_LEGACY_GETCHAR, 0, 0, 0, 0, 0, 0, 0).error;
    struct sbiret r = sbi_ecall(SBI_EXT_DBCN, SBI_DBCN_READ, 1, (unsigned long)&byte,
                                0, 0, 0, 0);
    return r.error == SBI_SUCCESS && r.value == 1 ? byte : -1;
}
