/* reboot: SRST cold reboot restarts the VM from its image, with cleared RAM.
 *
 * First life: write a marker into RAM, ask for a cold reboot (SBI spec v2.0
 * §10.1). Second life: the RVH hypercall BOOTS says 2, and the marker is gone,
 * because the monitor clears guest RAM before it boots the VM again.
 */
#include <stdint.h>
#include <stdio.h>
#include "guest.h"

#define MARKER_ADDR 0x80400000UL
#define MARKER      0x5245424f4f54UL        /* "REBOOT" */

int main(unsigned long hartid, unsigned long dtb)
{
    volatile uint64_t *marker = (volatile uint64_t *)MARKER_ADDR;
    struct sbiret boots = rvh_hypercall(RVH_FID_BOOTS, 0, 0, 0, 0, 0, 0);
    (void)dtb;
    if (boots.error == SBI_SUCCESS && boots.value == 1) {
        printf("reboot: first boot, hart %lu; asking for a cold reboot\n", hartid);
        *marker = MARKER;
        struct sbiret r = sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, 1 /* cold reboot */,
                                   SBI_SRST_REASON_NONE, 0, 0, 0, 0);
        printf("not ok - the reboot returned (error %ld)\n", r.error);
        return 1;
    }
    printf("reboot: boot number %ld\n", boots.value);
    ok(boots.error == SBI_SUCCESS && boots.value == 2, "this is the second boot (BOOTS = %ld)",
       boots.value);
    ok(*marker == 0, "the first life's marker is gone: RAM was cleared (0x%llx)",
       (unsigned long long)*marker);
    ok(hartid == 0, "a0 is the hart id again (%lu)", hartid);
    return tap_done();
}
