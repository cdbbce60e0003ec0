/*
 * hostile.h: what the hostile test guests share (hostile-mem, hostile-insn,
 * hostile-reboot; the other two reach this file through a symbolic link).
 *
 * A hostile guest does what a guest should not: it touches addresses where it
 * has nothing, runs instructions the hypervisor does not emulate, and makes
 * SBI calls with arguments no kernel would pass.  What it checks is that each
 * of those comes back to it as the right exception in its own trap handler
 * (or as an SBI error), and that the hypervisor is still there afterwards.
 *
 * The trap handler is the one in guests/common/fault.S, which mmio uses too
 * (fault.h: FAULT_AT, fault_was, fetch_faults, ...): it records scause, sepc
 * and stval, and resumes past the faulting instruction, or at a recovery
 * address for a fetch fault, where there is no instruction to step over.
 */
#ifndef HOSTILE_H
#define HOSTILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "fault.h"
#include "guest.h"

/* The guest's view of the machine (guests/mmio/main.c, vm.c's defaults). */
#define PLIC_BASE       0x0c000000UL
#define UART_BASE       0x10000000UL
#define TESTDEV_BASE    0x10001000UL
#define GUEST_RAM_END   (GUEST_RAM_BASE + GUEST_RAM_SIZE)

#define SSTATUS_SIE         (1UL << 1)
#define SSTATUS_FS_INITIAL  (1UL << 13)     /* FS = 1 (Priv. spec §4.1.1.5) */
#define SSTATUS_FS          (3UL << 13)
#define SIE_STIE            (1UL << 5)

/* SBI error codes (SBI spec v2.0 §3.2): 0 and -1 (FAILED) .. -10 (NO_SHMEM). */
#define SBI_ERR_FAILED          (-1)
#define SBI_ERR_INVALID_ADDRESS (-5)
#define SBI_ERR_LAST            (-10)

/* The hypervisor still answers: the RVH hypercall VERSION (guest.h). */
static inline bool hypervisor_answers(void)
{
    struct sbiret r = rvh_hypercall(RVH_FID_VERSION, 0, 0, 0, 0, 0, 0);
    return r.error == SBI_SUCCESS && r.value == RVH_VERSION;
}

#endif
