/* A checksum of the hypervisor's code and read-only data, at boot and at each VM's end. */
#include <stdint.h>
#include <stdio.h>
#include "lib/panic.h"
#include "vmm/vm.h"

extern const char __image_start[], __rodata_end[];

static uint64_t image_seal;

static uint64_t image_checksum(void)
{
    uint64_t h = 0xcbf29ce484222325ULL;             /* FNV-1a offset basis */
    for (const volatile char *p = __image_start; p < __rodata_end; p++)
        h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
    return h;
}
void vmm_seal_image(void)
{
    image_seal = image_checksum();
}

void vmm_check_image(unsigned vm_id)
{
    uint64_t now = image_checksum();
    if (now != image_seal)
        panic("vm%u: the hypervisor's code or read-only data CHANGED: FNV-1a 0x%llx,"
              " sealed 0x%llx", vm_id, (unsigned long long)now,
              (unsigned long long)image_seal);
    printf("vmm: vm%u: hypervisor code and read-only data unchanged (FNV-1a %016llx)\n",
           vm_id, (unsigned long long)now);
}
