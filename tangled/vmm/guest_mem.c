/* Bounded access to guest RAM: an address outside it is an error, not a trap. */
#include <errno.h>
#include <string.h>
#include "vmm/guest_mem.h"

static void copy(void *dst, const void *src, size_t len)
{
    if (((uintptr_t)dst | (uintptr_t)src) % 8 == 0) {
        uint64_t *d = dst;
        const uint64_t *s = src;
        for (; len >= 8; len -= 8)
            *d++ = *s++;
        dst = d, src = s;
    }
    memcpy(dst, src, len);
}

void *guest_ram_ptr(const struct guest_ram *ram, uint64_t gpa, uint64_t len)
{
    if (gpa < ram->gpa)
        return NULL;
    uint64_t off = gpa - ram->gpa;
    if (off > ram->size || len > ram->size - off)
        return NULL;
    return (void *)(ram->hpa + (uintptr_t)off);
}

int guest_mem_read(const struct guest_ram *ram, uint64_t gpa, void *dst, size_t len)
{
    const void *src = guest_ram_ptr(ram, gpa, len);
    if (!src)
        return -EFAULT;
    copy(dst, src, len);
    return 0;
}

int guest_mem_write(const struct guest_ram *ram, uint64_t gpa, const void *src, size_t len)
{
    void *dst = guest_ram_ptr(ram, gpa, len);
    if (!dst)
        return -EFAULT;
    copy(dst, src, len);
    return 0;
}
