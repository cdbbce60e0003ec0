/* Loading a guest image into guest RAM. */
#ifndef VMM_LOADER_H
#define VMM_LOADER_H

#include <stddef.h>
#include <stdint.h>
#include "vmm/guest_mem.h"

#define GUEST_DEFAULT_ENTRY_OFFSET  0x200000UL  /* 0x80200000 in a RAM at 0x80000000 */

int image_load(const struct guest_ram *ram, const void *image, size_t size,
               uint64_t limit_gpa, uint64_t *entry_gpa);

#endif
