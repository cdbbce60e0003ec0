/* The monitor's side of RVH's hypercalls. */
#include "arch/sbi.h"
#include "vmm/vm.h"

#define RVH_HC_VERSION          0
#define RVH_HC_ECHO             1
#define RVH_HC_BOOTS            2
#define RVH_HC_INTERFACE        0x00010000L     /* version 1.0 */

void vm_hypercall(struct vm *vm, struct vcpu *vcpu, const struct vcpu_exit *exit)
{
    const unsigned long *a = exit->hypercall.args;
    switch (exit->hypercall.nr) {
    case RVH_HC_VERSION:
        vcpu_set_sbi_result(vcpu, SBI_SUCCESS, RVH_HC_INTERFACE);
        break;
    case RVH_HC_BOOTS:
        vcpu_set_sbi_result(vcpu, SBI_SUCCESS, (long)vm->boots);
        break;
    case RVH_HC_ECHO:
        if (a[0] != vm->echo_calls) {
            vm->echo_mismatches++;
            vcpu_set_sbi_result(vcpu, SBI_ERR_INVALID_PARAM, 0);
            break;
        }
        vm->echo_calls++;
        vcpu_set_sbi_result(vcpu, SBI_SUCCESS,
                            (long)(a[0] ^ a[1] ^ a[2] ^ a[3] ^ a[4] ^ a[5]));
        break;
    default:
        vcpu_set_sbi_result(vcpu, SBI_ERR_NOT_SUPPORTED, 0);
    }
}
