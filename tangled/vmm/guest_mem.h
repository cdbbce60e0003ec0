/* Guest RAM: one block of host memory at one range of guest-physical addresses. */
#ifndef VMM_GUEST_MEM_H
#define VMM_GUEST_MEM_H

#include <stddef.h>
#include <stdint.h>

struct guest_ram {
    uint64_t gpa;           /* first guest-physical address */
    uint64_t size;          /* bytes */
    uintptr_t hpa;          /* where it is in host memory */
};

void *guest_ram_ptr(const struct guest_ram *ram, uint64_t gpa, uint64_t len);
int guest_mem_read(const struct guest_ram *ram, uint64_t gpa, void *dst, size_t len);
int guest_mem_write(const struct guest_ram *ram, uint64_t gpa, const void *src, size_t len);

#endif
