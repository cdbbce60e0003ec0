/* Flat binaries and Linux Image files. */
#include <errno.h>
#include <string.h>
#include "vmm/loader.h"

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static uint64_t entry_offset(const uint8_t *image, size_t size)
{
    if (size >= 64 && memcmp(image + 48, "RISCV\0\0\0", 8) == 0 &&
        memcmp(image + 56, "RSC\x05", 4) == 0) {
        uint64_t text_offset = le64(image + 8);
        if (text_offset % 0x200000 == 0)
            return text_offset;
    }
    return GUEST_DEFAULT_ENTRY_OFFSET;
}
int image_load(const struct guest_ram *ram, const void *image, size_t size,
               uint64_t limit_gpa, uint64_t *entry_gpa)
{
    uint64_t entry = ram->gpa + entry_offset(image, size);
    if (size == 0 || entry > limit_gpa || size > limit_gpa - entry)
        return -E2BIG;
    int err = guest_mem_write(ram, entry, image, size);
    if (err)
        return err;
    *entry_gpa = entry;
    return 0;
}
