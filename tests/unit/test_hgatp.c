/* hgatp fields (Priv. spec section 8.2.10): packing and the VMIDLEN rule. */
// sources:
#include "check.h"
#include "arch/hext.h"

int main(void)
{
    unsigned long v = hgatp_make(HGATP_MODE_SV39X4, 5, 0x80123);
    CHECK(v == (8UL << 60 | 5UL << 44 | 0x80123), "Sv39x4, VMID 5, PPN 0x80123 packs to %#lx", v);
    CHECK(hgatp_mode(v) == HGATP_MODE_SV39X4, "mode reads back as Sv39x4");
    CHECK(hgatp_mode(hgatp_make(HGATP_MODE_SV57X4, 0, 0)) == 10, "Sv57x4 is mode 10");
    CHECK(hgatp_make(HGATP_MODE_BARE, 0, 0) == 0, "Bare with VMID 0 is zero");

    v = hgatp_make(HGATP_MODE_SV48X4, 0xffff, ~0UL);
    CHECK((v >> 44 & 0x3fff) == 0x3fff, "an over-wide VMID is cut to 14 bits");
    CHECK((v & ((1UL << 44) - 1)) == (1UL << 44) - 1, "an over-wide PPN is cut to 44 bits");
    CHECK(hgatp_mode(v) == HGATP_MODE_SV48X4, "over-wide fields do not spill into MODE");

    CHECK(hgatp_vmid_bits(hgatp_make(8, 0x3fff, 0)) == 14, "all 14 VMID bits stick: VMIDLEN 14");
    CHECK(hgatp_vmid_bits(hgatp_make(8, 0x7f, 0)) == 7, "VMID 0x7f: VMIDLEN 7");
    CHECK(hgatp_vmid_bits(hgatp_make(8, 0x1, 0x123)) == 1, "VMID 1: VMIDLEN 1");
    CHECK(hgatp_vmid_bits(hgatp_make(8, 0, ~0UL)) == 0, "no VMID bit sticks: VMIDLEN 0, PPN ignored");
    CHECK(hgatp_vmid_bits(~0UL) == 14, "all-ones read-back: 14, not more");
    return check_done();
}
