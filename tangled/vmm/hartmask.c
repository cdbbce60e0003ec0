/* Hart masks to vCPU sets, refusing harts the VM does not have. */
#include <errno.h>
#include "vmm/hartmask.h"

int hartmask_targets(unsigned long mask, unsigned long base, unsigned nr_harts,
                     uint64_t *targets)
{
    *targets = 0;
    if (nr_harts == 0 || nr_harts > 64)
        return -EINVAL;
    if (base == ~0UL) {
        *targets = nr_harts == 64 ? ~0ULL : (1ULL << nr_harts) - 1;
        return 0;
    }
    for (unsigned i = 0; i < 64; i++) {
        if (!(mask & 1UL << i))
            continue;
        if (base >= nr_harts || i >= nr_harts - base)
            return -EINVAL;
        *targets |= 1ULL << (base + i);
    }
    return 0;
}
