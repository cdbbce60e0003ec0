/* The SBI implementation that guests call: one handler per extension. */
#ifndef VCPU_SBI_H
#define VCPU_SBI_H

#include "arch/sbi.h"
#include "vcpu/vcpu.h"

typedef bool sbi_handler(struct vcpu *vcpu, unsigned long eid, unsigned long fid,
                         struct sbiret *ret, struct vcpu_exit *exit);

struct vcpu_sbi_ext {
    unsigned long eid_first, eid_last;
    sbi_handler *handler;
};

bool vcpu_sbi_call(struct vcpu *vcpu, struct vcpu_exit *exit);
sbi_handler sbi_legacy_call, sbi_dbcn_call, sbi_srst_call, sbi_rvh_call;

#endif
