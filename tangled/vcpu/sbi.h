/* The SBI implementation that guests call: one handler per extension. */
#ifndef VCPU_SBI_H
#define VCPU_SBI_H

#include "arch/csr.h"
#include "arch/sbi.h"
#include "arch/timer.h"
#include "vcpu/vcpu.h"

enum sbi_action {
    SBI_RETURN,         /* answered in ret; the ecall returns */
    SBI_TO_MONITOR,     /* exit filled; the monitor answers, the ecall returns */
    SBI_NO_RETURN,      /* exit filled; the ecall does not return */
    SBI_REDIRECTED,     /* the handler set the guest's pc and registers itself */
};

typedef enum sbi_action sbi_handler(struct vcpu *vcpu, unsigned long eid, unsigned long fid,
                                    struct sbiret *ret, struct vcpu_exit *exit);

struct vcpu_sbi_ext {
    unsigned long eid_first, eid_last;
    sbi_handler *handler;
};

bool vcpu_sbi_call(struct vcpu *vcpu, struct vcpu_exit *exit);
const struct vcpu_sbi_ext *sbi_find(unsigned long eid);
sbi_handler sbi_legacy_call, sbi_dbcn_call, sbi_srst_call, sbi_rvh_call;
sbi_handler sbi_base_call, sbi_time_call, sbi_ipi_call, sbi_rfence_call, sbi_hsm_call;
void vcpu_set_timer(struct vcpu *vcpu, uint64_t deadline);
bool rfence_range(unsigned long start, unsigned long size,
                  unsigned long *first, unsigned long *pages);
uint64_t host_deadline(const struct vcpu *vcpu);
bool vcpu_timer_expired(struct vcpu *vcpu);
sbi_handler sbi_sta_call;
void sta_publish(struct vcpu *vcpu);

#endif
