/* Hart masks (SBI spec section 3.1): which vCPUs of a VM a call names. */
#ifndef VMM_HARTMASK_H
#define VMM_HARTMASK_H

#include <stdint.h>

int hartmask_targets(unsigned long mask, unsigned long base, unsigned nr_harts,
                     uint64_t *targets);

#endif
