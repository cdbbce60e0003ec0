/*
 * guest.h: what every RVH test guest can use.
 *
 * A test guest is a small bare-metal program in VS-mode.  It talks to the
 * hypervisor only through ecall (the SBI calling convention), prints with
 * picolibc's printf (on the SBI debug console), and reports its checks as
 * TAP lines ("ok 3 - ...", "not ok 4 - ..."), ending with the plan "1..N"
 * and a summary "# guest NAME: N passed, N failed".  Each guest defines
 * main(); when main returns, the guest asks for a shutdown, with the reason
 * "system failure" if main returned nonzero.
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdnoreturn.h>

/* Guest-physical memory as the hypervisor sets it up by default. */
#define GUEST_RAM_BASE      0x80000000UL
#define GUEST_RAM_SIZE      (128UL << 20)
#define GUEST_LOAD_ADDR     0x80200000UL    /* where _start is */

/* SBI error codes (SBI spec v2.0 §3.2). */
#define SBI_SUCCESS             0
#define SBI_ERR_NOT_SUPPORTED   (-2)
#define SBI_ERR_INVALID_PARAM   (-3)

/* The SBI extensions the guests use (SBI spec v2.0 §5.2, §10, §12). */
#define SBI_EXT_LEGACY_PUTCHAR  0x01
#define SBI_EXT_SRST            0x53525354
#define SBI_SRST_SYSTEM_RESET   0
#define SBI_SRST_TYPE_SHUTDOWN  0
#define SBI_SRST_REASON_NONE    0
#define SBI_SRST_REASON_FAILURE 1
#define SBI_EXT_DBCN            0x4442434E
#define SBI_DBCN_WRITE_BYTE     2

/* The RVH hypercall extension, in the firmware-specific EID space. */
#define RVH_EXT                 0x0A525648
#define RVH_FID_VERSION         0           /* value: RVH_VERSION */
#define RVH_FID_ECHO            1           /* a0 = sequence number, a1..a5 anything;
                                               value: a0 ^ a1 ^ ... ^ a5 */
#define RVH_FID_BOOTS           2           /* value: how often the VM has booted */
#define RVH_VERSION             0x00010000

struct sbiret {
    long error;                 /* SBI_SUCCESS or a negative SBI_ERR_* */
    long value;
};

/* One ecall: a7 = eid, a6 = fid, a0..a5 = arguments. */
struct sbiret sbi_call(unsigned long eid, unsigned long fid,
                       unsigned long a0, unsigned long a1, unsigned long a2,
                       unsigned long a3, unsigned long a4, unsigned long a5);

/* An ecall with all eight argument registers in and out: r[0..5] = a0..a5,
   r[6] = a6 (fid), r[7] = a7 (eid); afterwards r holds what the call left
   in them.  For the guests that check what a call did to the registers it
   must keep (sbi, hostile-sbi's sweep); inline, so that the others do not
   carry it. */
static inline void ecall_regs(unsigned long r[8])
{
    register unsigned long a0 __asm__("a0") = r[0];
    register unsigned long a1 __asm__("a1") = r[1];
    register unsigned long a2 __asm__("a2") = r[2];
    register unsigned long a3 __asm__("a3") = r[3];
    register unsigned long a4 __asm__("a4") = r[4];
    register unsigned long a5 __asm__("a5") = r[5];
    register unsigned long a6 __asm__("a6") = r[6];
    register unsigned long a7 __asm__("a7") = r[7];
    __asm__ volatile("ecall"
                     : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3),
                       "+r"(a4), "+r"(a5), "+r"(a6), "+r"(a7)
                     :
                     : "memory");
    r[0] = a0; r[1] = a1; r[2] = a2; r[3] = a3;
    r[4] = a4; r[5] = a5; r[6] = a6; r[7] = a7;
}

/* sbi_call with eid = RVH_EXT. */
struct sbiret rvh_hypercall(unsigned long fid,
                            unsigned long a0, unsigned long a1, unsigned long a2,
                            unsigned long a3, unsigned long a4, unsigned long a5);
/* SRST shutdown, reason "none" or "system failure"; does not return. */
noreturn void sbi_shutdown(bool failure);

/* TAP: ok() prints "ok N - what" or "not ok N - what" and returns cond. */
bool ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Optional: print the plan "1..n" first (for a guest that may not finish). */
void tap_plan(unsigned n);
/* Print the plan (unless tap_plan did) and the summary; nonzero if any check
   failed or the plan was not met: a value for main to return. */
int tap_done(void);

/* The device tree (DT spec v0.4 §5): header fields, tokens, and helpers. */
#define FDT_MAGIC       0xd00dfeedU
#define FDT_HEADER_SIZE 40
#define FDT_MAX_SIZE    (2UL << 20)
#define FDT_BEGIN_NODE  1
#define FDT_END_NODE    2
#define FDT_PROP        3
#define FDT_NOP         4
#define FDT_END         9
uint32_t be32_at(uintptr_t addr);                       /* big-endian, byte by byte */
unsigned long dtb_size(unsigned long dtb);              /* 0 unless a plausible blob in RAM */
bool dtb_contains(unsigned long dtb, unsigned long size, const char *s);
/* Whether the string at addr, ending before end, is s (a node or property name). */
bool dtb_str_at(uintptr_t addr, uintptr_t end, const char *s);

/* CSRs by name: csr_read(sstatus), csr_write(stvec, v), csr_set and csr_clear
   (a mask of bits).  In VS-mode the s* names reach the vs* CSRs (Priv. spec
   20211203 §8.2). */
#define csr_read(csr) ({ unsigned long v_; __asm__ volatile("csrr %0, " #csr : "=r"(v_)); v_; })
#define csr_write(csr, v) __asm__ volatile("csrw " #csr ", %0" :: "r"(v) : "memory")
#define csr_set(csr, bits) __asm__ volatile("csrs " #csr ", %0" :: "r"(bits) : "memory")
#define csr_clear(csr, bits) __asm__ volatile("csrc " #csr ", %0" :: "r"(bits) : "memory")

/* Interrupts: guest_interrupt_vector (interrupt.S) calls guest_interrupt(scause);
   a guest that installs the vector in stvec defines guest_interrupt. */
void guest_interrupt_vector(void);
void guest_interrupt(unsigned long scause);

/* Each guest's entry point, called by guest.c with _start's a0 and a1. */
int main(unsigned long hartid, unsigned long dtb);

#endif
