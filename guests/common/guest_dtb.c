/* guest_dtb.c: the little of the device tree that test guests read.
 *
 * Devicetree Specification v0.4 §5.2 (header) and §5.4 (structure block).
 * Fields are big-endian and read a byte at a time; nothing outside the blob
 * (or outside guest RAM) is touched.
 */
#include "guest.h"

uint32_t be32_at(uintptr_t addr)
{
    const volatile unsigned char *p = (const volatile unsigned char *)addr;
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The blob's size if dtb points at a plausible device tree in guest RAM, else 0. */
unsigned long dtb_size(unsigned long dtb)
{
    if (dtb % 8 != 0 || dtb < GUEST_RAM_BASE ||
        dtb - GUEST_RAM_BASE >= GUEST_RAM_SIZE - FDT_HEADER_SIZE || be32_at(dtb) != FDT_MAGIC)
        return 0;
    unsigned long size = be32_at(dtb + 4);
    if (size < FDT_HEADER_SIZE || size > FDT_MAX_SIZE || size > GUEST_RAM_BASE + GUEST_RAM_SIZE - dtb)
        return 0;
    return size;
}

/* Whether the blob's bytes hold s anywhere: the hypervisor writes "..._sstc..."
   into riscv,isa only on the Sstc timer path. */
bool dtb_contains(unsigned long dtb, unsigned long size, const char *s)
{
    unsigned long n = 0;
    while (s[n])
        n++;
    const volatile char *p = (const volatile char *)dtb;
    for (unsigned long i = 0; i + n <= size; i++) {
        unsigned long j = 0;
        while (j < n && p[i + j] == s[j])
            j++;
        if (j == n)
            return true;
    }
    return false;
}

/* Whether the string at addr is s, its terminating NUL included, with every
   byte read below end: a node's name, or a name in the strings block. */
bool dtb_str_at(uintptr_t addr, uintptr_t end, const char *s)
{
    const volatile char *p = (const volatile char *)addr;
    for (unsigned long i = 0; addr + i < end; i++) {
        if (p[i] != s[i])
            return false;
        if (s[i] == 0)
            return true;
    }
    return false;
}
