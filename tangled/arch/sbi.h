/* Calls from HS-mode down to the SBI firmware (OpenSBI). */
#ifndef ARCH_SBI_H
#define ARCH_SBI_H

#include <stdbool.h>
#include <stdnoreturn.h>

#define SBI_SUCCESS                 0
#define SBI_ERR_FAILED              (-1)
#define SBI_ERR_NOT_SUPPORTED       (-2)
#define SBI_ERR_INVALID_PARAM       (-3)
#define SBI_ERR_DENIED              (-4)
#define SBI_ERR_INVALID_ADDRESS     (-5)
#define SBI_ERR_ALREADY_AVAILABLE   (-6)
#define SBI_ERR_ALREADY_STARTED     (-7)
#define SBI_ERR_ALREADY_STOPPED     (-8)
#define SBI_ERR_NO_SHMEM            (-9)
#define SBI_EXT_LEGACY_PUTCHAR      0x01
#define SBI_EXT_BASE                0x10
#define SBI_BASE_GET_SPEC_VERSION   0
#define SBI_BASE_GET_IMPL_ID        1
#define SBI_BASE_GET_IMPL_VERSION   2
#define SBI_BASE_PROBE_EXT          3
#define SBI_EXT_HSM                 0x48534D
#define SBI_HSM_HART_GET_STATUS     2
#define SBI_EXT_SRST                0x53525354
#define SBI_SRST_SYSTEM_RESET       0
#define SBI_SRST_TYPE_SHUTDOWN      0
#define SBI_SRST_REASON_NONE        0
#define SBI_SRST_REASON_FAILURE     1
#define SBI_EXT_DBCN                0x4442434E
#define SBI_DBCN_WRITE_BYTE         2
#define SBI_EXT_LEGACY_SHUTDOWN     0x08
#define SBI_SRST_TYPE_COLD_REBOOT   1
#define SBI_SRST_TYPE_WARM_REBOOT   2
#define SBI_EXT_RVH                 0x0A525648
#define SBI_BASE_GET_MVENDORID      4
#define SBI_BASE_GET_MARCHID        5
#define SBI_BASE_GET_MIMPID         6
#define RVH_SBI_SPEC_VERSION        (2L << 24)     /* SBI v2.0 */
#define RVH_SBI_IMPL_ID             0x52564842L     /* "RVHB": not a registered id */
#define RVH_SBI_IMPL_VERSION        0x00010000L     /* 1.0 */
#define SBI_EXT_TIME                0x54494D45
#define SBI_EXT_IPI                 0x735049
#define SBI_EXT_RFENCE              0x52464E43
#define RFENCE_FENCE_I              0
#define RFENCE_SFENCE_VMA           1
#define RFENCE_SFENCE_VMA_ASID      2
#define SBI_HSM_HART_START          0
#define SBI_HSM_HART_STOP           1
#define SBI_HSM_HART_SUSPEND        3
#define SBI_HSM_STATE_STARTED       0
#define SBI_HSM_STATE_STOPPED       1
#define SBI_HSM_SUSPEND_RETENTIVE       0x00000000UL
#define SBI_HSM_SUSPEND_NON_RETENTIVE   0x80000000UL
#define SBI_DBCN_WRITE              0
#define SBI_DBCN_READ               1
#define SBI_EXT_LEGACY_SET_TIMER    0x00
#define SBI_EXT_LEGACY_GETCHAR      0x02
#define SBI_EXT_LEGACY_CLEAR_IPI    0x03
#define SBI_EXT_LEGACY_SEND_IPI     0x04
#define SBI_EXT_LEGACY_FENCE_I      0x05
#define SBI_EXT_LEGACY_SFENCE_VMA   0x06
#define SBI_EXT_LEGACY_SFENCE_VMA_ASID 0x07
#define SBI_EXT_STA                 0x535441
#define SBI_HSM_STATE_START_PENDING 2
#define SBI_HSM_STATE_STOP_PENDING  3
#define SBI_HSM_STATE_SUSPENDED     4

struct sbiret {
    long error;         /* SBI_SUCCESS or a negative SBI_ERR_* */
    long value;
};

struct sbiret sbi_ecall(unsigned long eid, unsigned long fid,
                        unsigned long a0, unsigned long a1, unsigned long a2,
                        unsigned long a3, unsigned long a4, unsigned long a5);
bool sbi_probe(unsigned long eid);
long sbi_get_base(unsigned long fid);
int sbi_console_getchar(bool dbcn);
long sbi_hart_status(unsigned long hartid);
void sbi_console_putchar(int c, bool dbcn);
noreturn void sbi_shutdown(bool failure);

#endif
