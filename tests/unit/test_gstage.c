/* G-stage tables (vmm/gstage.c): leaves and their bits, levels chosen,
 * rollback, splitting, freeing of tables, fences, modes and bounds. The
 * expected PTEs are written from the spec's bit numbers (Priv. spec 4.3.1),
 * not from gstage.h's macros, and the tables are walked by the test itself. */
// sources: tangled/lib/page.c tangled/vmm/gstage.c
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "arch/hfence.h"        /* tests/unit/fake/arch/hfence.h: counts the fences */
#include "lib/page.h"
#include "vmm/gstage.h"


struct hfence_log hfence_log;

#define NPAGES      256
#define BUF_ALIGN   (1UL << 20)
#define K4          0x1000UL
#define M2          0x200000UL
/* leaf flag bytes: V=1 R=2 W=4 X=8 U=0x10 A=0x40 D=0x80 */
#define LEAF_R      0xd3UL
#define LEAF_RW     0xd7UL
#define LEAF_X      0xd9UL
#define LEAF_RWX    0xdfUL

static struct page_pool pool;

/* The test's own walk: the slot of the leaf that maps gpa and its level. */
static uint64_t *walk(const struct gstage *g, uint64_t gpa, int *level)
{
    const uint64_t *t = (const uint64_t *)g->root;
    for (int l = (int)g->levels - 1; l >= 0; l--) {
        uint64_t idx = gpa >> (12 + 9 * l) & (l == (int)g->levels - 1 ? 2047 : 511);
        uint64_t pte = t[idx];
        if ((pte & 1) == 0)
            return NULL;
        if ((pte & 0xe) != 0) {
            *level = l;
            return (uint64_t *)&t[idx];
        }
        if ((pte & 0x3ff) != 1)         /* a pointer is PPN and V, nothing else */
            return NULL;
        t = (const uint64_t *)(uintptr_t)(pte >> 10 << 12);
    }
    return NULL;
}

static int leaf_level(const struct gstage *g, uint64_t gpa)
{
    int level = -1;
    return walk(g, gpa, &level) ? level : -1;
}

static uint64_t leaf_pte(const struct gstage *g, uint64_t gpa)
{
    int level;
    uint64_t *slot = walk(g, gpa, &level);
    return slot ? *slot : 0;
}

static uint64_t want_pte(uint64_t hpa, uint64_t flags)
{
    return hpa >> 12 << 10 | flags;
}

static int maps(const struct gstage *g, uint64_t gpa, uint64_t want_hpa, unsigned long want_perm)
{
    uint64_t hpa = 0;
    unsigned long perm = 0;
    return gstage_translate(g, gpa, &hpa, &perm) == 0 && hpa == want_hpa && perm == want_perm;
}

static int unmapped(const struct gstage *g, uint64_t gpa)
{
    uint64_t hpa = 0xdead;
    return gstage_translate(g, gpa, &hpa, NULL) == -ENOENT && hpa == 0xdead;
}

static size_t nfree(void)
{
    return page_free_count(&pool);
}

static struct gstage g;                 /* Sv39x4, VMID 5: most tests build on it */
static size_t free_before_init, free_after_init;

static void test_init(void)
{
    struct gstage x;
    free_before_init = nfree();
    CHECK(gstage_init(&x, &pool, 0, 1) == -EINVAL, "mode Bare: -EINVAL");
    CHECK(gstage_init(&x, &pool, 7, 1) == -EINVAL, "mode 7 (reserved): -EINVAL");
    CHECK(gstage_init(&x, &pool, 11, 1) == -EINVAL, "mode 11 (reserved): -EINVAL");
    CHECK(gstage_init(&x, &pool, 8, 0x4000) == -EINVAL, "VMID 0x4000, wider than 14 bits: -EINVAL");
    CHECK(nfree() == free_before_init, "refusals take no pages");

    CHECK(gstage_init(&g, &pool, HGATP_MODE_SV39X4, 5) == 0, "Sv39x4, VMID 5");
    free_after_init = nfree();
    CHECK(free_after_init == free_before_init - 4, "the root takes 4 pages");
    CHECK(g.levels == 3 && g.mode == 8 && g.vmid == 5 && g.pool == &pool, "3 levels, mode 8, VMID 5");
    CHECK(g.root % 16384 == 0, "the root is 16 KiB-aligned (%#lx)", (unsigned long)g.root);
    int zero = 1;
    for (int i = 0; i < 2048; i++)
        zero &= ((uint64_t *)g.root)[i] == 0;
    CHECK(zero, "all 2048 root entries are zero (the pool's memory was 0xa5)");
    unsigned long want = 8UL << 60 | 5UL << 44 | (unsigned long)g.root >> 12;
    CHECK(gstage_hgatp(&g) == want, "hgatp = MODE 8 | VMID 5 | root PPN: %#lx", gstage_hgatp(&g));
    CHECK((gstage_hgatp(&g) & 3) == 0, "the PPN's low two bits are zero");
}

static void test_small_and_huge_leaves(void)
{
    CHECK(gstage_map(&g, 0x80000000, 0x88000000, K4, PTE_R | PTE_W) == 0, "map 4 KiB RW");
    CHECK(nfree() == free_after_init - 2, "two tables below the root (levels 1 and 0)");
    uint64_t root2 = ((uint64_t *)g.root)[2];
    CHECK((root2 & 0x3ff) == 1, "root entry 2 points to a table: V only, D A G U X W R clear");
    CHECK(leaf_level(&g, 0x80000000) == 0, "the leaf is at level 0");
    CHECK(leaf_pte(&g, 0x80000000) == want_pte(0x88000000, LEAF_RW),
          "leaf PTE = PPN | D A U W R V, G clear: %#llx", (unsigned long long)leaf_pte(&g, 0x80000000));
    CHECK(maps(&g, 0x80000123, 0x88000123, PTE_R | PTE_W), "translate keeps the page offset");
    CHECK(unmapped(&g, 0x80001000), "the next page is not mapped");
    CHECK(unmapped(&g, 0x7ffff000), "nor the one before");
    CHECK(gstage_translate(&g, 0x80000000, NULL, NULL) == 0, "translate accepts NULL outputs");

    CHECK(gstage_map(&g, 0x80200000, 0x90200000, M2, PTE_R | PTE_W | PTE_X) == 0, "map 2 MiB RWX");
    CHECK(nfree() == free_after_init - 2, "a 2 MiB leaf in the existing level-1 table: no new page");
    CHECK(leaf_level(&g, 0x80201234) == 1, "one level-1 leaf");
    CHECK(leaf_pte(&g, 0x80200000) == want_pte(0x90200000, LEAF_RWX), "its PTE: PPN | D A U X W R V");
    CHECK(maps(&g, 0x803fffff, 0x903fffff, 0xe), "its last byte");
    CHECK(unmapped(&g, 0x80400000), "the byte after it is unmapped");

    /* Two pages below a 2 MiB boundary, then 2 MiB, then one page. */
    CHECK(gstage_map(&g, 0xa01fe000, 0xb01fe000, M2 + 3 * K4, PTE_R) == 0,
          "map 2 MiB + 12 KiB starting 8 KiB below a 2 MiB boundary");
    CHECK(leaf_level(&g, 0xa01fe000) == 0 && leaf_level(&g, 0xa01ff000) == 0,
          "4 KiB leaves up to the boundary");
    CHECK(leaf_level(&g, 0xa0200000) == 1 && leaf_level(&g, 0xa03ff000) == 1, "then a 2 MiB leaf");
    CHECK(leaf_level(&g, 0xa0400000) == 0, "then a 4 KiB leaf for the rest");
    CHECK(leaf_pte(&g, 0xa0200000) == want_pte(0xb0200000, LEAF_R), "read-only: PPN | D A U R V");
    CHECK(maps(&g, 0xa01ff008, 0xb01ff008, PTE_R) && maps(&g, 0xa0300010, 0xb0300010, PTE_R)
          && maps(&g, 0xa0400ff0, 0xb0400ff0, PTE_R), "each part translates");
    CHECK(unmapped(&g, 0xa01fd000) && unmapped(&g, 0xa0401000), "nothing beyond either end");
    CHECK(nfree() == free_after_init - 4, "two more level-0 tables");

    /* GPA 2 MiB-aligned, HPA not: 4 KiB leaves throughout. */
    CHECK(gstage_map(&g, 0xc0000000, 0xd0001000, M2, PTE_X) == 0, "map 2 MiB onto a misaligned HPA");
    CHECK(leaf_level(&g, 0xc0000000) == 0 && leaf_level(&g, 0xc01ff000) == 0, "512 4 KiB leaves");
    CHECK(leaf_pte(&g, 0xc0000000) == want_pte(0xd0001000, LEAF_X), "execute-only: PPN | D A U X V");
    CHECK(maps(&g, 0xc01ff000, 0xd0200000, PTE_X), "the last page");
    CHECK(nfree() == free_after_init - 6, "a level-1 and a level-0 table for root entry 3");
}

static void test_exist_rolls_back(void)
{
    size_t before = nfree();
    struct hfence_log f = hfence_log;
    CHECK(gstage_map(&g, 0x9fe00000, 0x70000000, 2 * M2, PTE_R | PTE_W) == -EEXIST,
          "4 MiB whose second 2 MiB holds the 4 KiB leaves at 0xa01fe000: -EEXIST");
    CHECK(unmapped(&g, 0x9fe00000) && unmapped(&g, 0x9ffff000),
          "the first 2 MiB, mapped before the conflict, was rolled back");
    CHECK(maps(&g, 0xa01fe000, 0xb01fe000, PTE_R), "the existing mapping is untouched");
    CHECK(nfree() == before, "no page lost");
    CHECK(hfence_log.gpa_calls == f.gpa_calls + 1 && hfence_log.last_gpa == 0x9fe00000
          && hfence_log.last_vmid == 5 && hfence_log.vmid_calls == f.vmid_calls,
          "the rolled-back leaf was fenced by address");

    f = hfence_log;
    CHECK(gstage_map(&g, 0xa01f0000, 0x60000000, 16 * K4, PTE_R | PTE_W) == -EEXIST,
          "16 pages whose 15th is mapped: -EEXIST");
    int none = 1;
    for (uint64_t a = 0xa01f0000; a < 0xa01fe000; a += K4)
        none &= unmapped(&g, a);
    CHECK(none, "none of the 14 pages mapped before the conflict stays mapped");
    CHECK(maps(&g, 0xa01fe000, 0xb01fe000, PTE_R) && maps(&g, 0xa01ff000, 0xb01ff000, PTE_R),
          "the conflicting pages keep their old mapping");
    CHECK(hfence_log.gpa_calls == f.gpa_calls + 14 && hfence_log.last_gpa == 0xa01fd000,
          "14 leaves rolled back, 14 fences, the last at 0xa01fd000");
    CHECK(nfree() == before, "no page lost");

    f = hfence_log;
    CHECK(gstage_map(&g, 0x80201000, 0x1000, K4, PTE_R) == -EEXIST, "a 4 KiB page inside a 2 MiB leaf");
    CHECK(gstage_map(&g, 0x80000000, 0x88000000, K4, PTE_R | PTE_W) == -EEXIST, "the same page twice");
    CHECK(gstage_map(&g, 0x80000000, 0x40000000, M2, PTE_R) == -EEXIST,
          "a 2 MiB leaf over a table that maps a page");
    CHECK(leaf_level(&g, 0x80200000) == 1 && maps(&g, 0x80000000, 0x88000000, PTE_R | PTE_W),
          "all three left the old mappings alone");
    CHECK(hfence_log.gpa_calls == f.gpa_calls && hfence_log.vmid_calls == f.vmid_calls,
          "a conflict at the first page fences nothing");
    CHECK(nfree() == before, "and takes no page");
}

static void test_nomem_rolls_back(void)
{
    unsigned char *small = aligned_alloc(8 * K4, 8 * K4);    /* 32 KiB-aligned */
    struct page_pool sp;
    struct gstage y, z;
    page_pool_init(&sp, (uintptr_t)small, (uintptr_t)small + 8 * K4);
    CHECK(gstage_init(&y, &sp, HGATP_MODE_SV39X4, 2) == 0 && page_free_count(&sp) == 3,
          "an 8-page pool: bitmap, root, 3 pages left");
    struct hfence_log f = hfence_log;
    CHECK(gstage_map(&y, 0x3ffff000, 0x1000, 2 * K4, PTE_R | PTE_W) == -ENOMEM,
          "two pages under two root entries need 4 tables: -ENOMEM");
    CHECK(page_free_count(&sp) == 3, "every table made on the way is back in the pool");
    CHECK(((uint64_t *)y.root)[0] == 0 && ((uint64_t *)y.root)[1] == 0, "root entries 0 and 1 are clear");
    CHECK(unmapped(&y, 0x3ffff000), "the first page is not mapped");
    CHECK(hfence_log.vmid_calls == f.vmid_calls + 1 && hfence_log.last_vmid == 2,
          "tables were unlinked: one VMID fence");
    CHECK(gstage_map(&y, 0x3ffff000, 0x1000, K4, PTE_R | PTE_W) == 0 && page_free_count(&sp) == 1,
          "one page fits: 2 tables, 1 page left");
    CHECK(gstage_init(&z, &sp, HGATP_MODE_SV39X4, 3) == -ENOMEM, "no room for a second root: -ENOMEM");
    gstage_destroy(&y);
    CHECK(page_free_count(&sp) == 7, "destroy gives all 6 pages back");
    free(small);
}

static uintptr_t hoard[NPAGES];

static size_t exhaust(void)
{
    size_t n = 0;
    while ((hoard[n] = page_alloc(&pool, 1, 1)) != 0)
        n++;
    return n;
}

static void test_split(void)
{
    size_t before = nfree();
    struct hfence_log f = hfence_log;
    CHECK(gstage_unmap(&g, 0x80300000, K4) == 0, "unmap one page in the middle of a 2 MiB leaf");
    CHECK(unmapped(&g, 0x80300000), "that page is gone");
    CHECK(maps(&g, 0x80200000, 0x90200000, 0xe) && maps(&g, 0x802ff008, 0x902ff008, 0xe)
          && maps(&g, 0x80301000, 0x90301000, 0xe) && maps(&g, 0x803ff000, 0x903ff000, 0xe),
          "the other 511 pages translate as before, RWX");
    CHECK(leaf_level(&g, 0x80200000) == 0 && leaf_pte(&g, 0x80301000) == want_pte(0x90301000, LEAF_RWX),
          "as 4 KiB leaves with the old flags");
    CHECK(nfree() == before - 1, "the split took one table page");
    CHECK(hfence_log.vmid_calls == f.vmid_calls + 1 && hfence_log.gpa_calls == f.gpa_calls
          && hfence_log.last_vmid == 5, "a leaf became a table: one VMID fence, no address fence");

    CHECK(gstage_map(&g, 0xe0000000, 0x40000000, 2 * M2, PTE_R | PTE_W) == 0, "two adjacent 2 MiB leaves");
    size_t n = exhaust();
    f = hfence_log;
    CHECK(gstage_unmap(&g, 0xa0300000, K4) == -ENOMEM, "a split with the pool empty: -ENOMEM");
    CHECK(leaf_level(&g, 0xa0300000) == 1 && maps(&g, 0xa0300000, 0xb0300000, PTE_R),
          "the 2 MiB leaf is intact");
    CHECK(gstage_unmap(&g, 0xe0001000, M2) == -ENOMEM, "a range cutting both leaves, no page: -ENOMEM");
    page_free(&pool, hoard[--n], 1);
    CHECK(gstage_unmap(&g, 0xe0001000, M2) == -ENOMEM && nfree() == 1,
          "one page is not enough for two splits, and it is not kept");
    CHECK(leaf_level(&g, 0xe0000000) == 1 && leaf_level(&g, 0xe0200000) == 1
          && maps(&g, 0xe0001000, 0x40001000, PTE_R | PTE_W), "both leaves intact");
    CHECK(hfence_log.vmid_calls == f.vmid_calls && hfence_log.gpa_calls == f.gpa_calls,
          "refused unmaps fence nothing");
    page_free(&pool, hoard[--n], 1);
    CHECK(gstage_unmap(&g, 0xe0001000, M2) == 0 && nfree() == 0, "with two pages it works");
    CHECK(maps(&g, 0xe0000000, 0x40000000, PTE_R | PTE_W) && unmapped(&g, 0xe0001000)
          && unmapped(&g, 0xe0200000) && maps(&g, 0xe0201000, 0x40201000, PTE_R | PTE_W),
          "the first and last pages of the 4 MiB remain, with their HPAs");
    while (n > 0)
        page_free(&pool, hoard[--n], 1);
}

static void test_fences(void)
{
    const uint64_t base = 0x100000000;  /* root entry 4: fresh tables */
    size_t before = nfree();
    CHECK(gstage_map(&g, base, 0x20000000, 40 * K4, PTE_R | PTE_W) == 0
          && gstage_map(&g, base + 0x100000, 0x20100000, K4, PTE_R) == 0
          && gstage_map(&g, base + M2, 0x20200000, M2, PTE_R | PTE_W) == 0,
          "40 pages, one more page, a 2 MiB leaf, under one level-1 table");
    CHECK(nfree() == before - 2, "two tables");

    struct hfence_log f = hfence_log;
    CHECK(gstage_unmap(&g, base, 4 * K4) == 0, "unmap 4 pages");
    CHECK(hfence_log.gpa_calls == f.gpa_calls + 4 && hfence_log.vmid_calls == f.vmid_calls
          && hfence_log.last_gpa == base + 3 * K4 && hfence_log.last_vmid == 5,
          "4 address fences, the last for the 4th page, VMID 5");
    f = hfence_log;
    CHECK(gstage_unmap(&g, base + 4 * K4, GSTAGE_FENCE_LEAVES * K4) == 0, "unmap 32 more pages");
    CHECK(GSTAGE_FENCE_LEAVES == 32 && hfence_log.gpa_calls == f.gpa_calls + 32
          && hfence_log.vmid_calls == f.vmid_calls && hfence_log.last_gpa == base + 35 * K4,
          "32 leaves, the threshold: still one fence each");
    CHECK(gstage_map(&g, base, 0x20000000, 36 * K4, PTE_R | PTE_W) == 0, "map the 36 pages again");
    f = hfence_log;
    CHECK(gstage_unmap(&g, base, 33 * K4) == 0, "unmap 33 pages");
    CHECK(hfence_log.vmid_calls == f.vmid_calls + 1 && hfence_log.gpa_calls == f.gpa_calls,
          "33 leaves, past the threshold: one VMID fence instead");
    CHECK(maps(&g, base + 33 * K4, 0x20021000, PTE_R | PTE_W), "page 33 is still mapped");
    f = hfence_log;
    CHECK(gstage_unmap(&g, base + M2, M2) == 0, "unmap the 2 MiB leaf");
    CHECK(hfence_log.gpa_calls == f.gpa_calls + 1 && hfence_log.last_gpa == base + M2
          && hfence_log.vmid_calls == f.vmid_calls, "one address fence for the whole 2 MiB");
    f = hfence_log;
    CHECK(gstage_unmap(&g, base, 33 * K4) == 0, "unmap a range with nothing mapped");
    CHECK(hfence_log.gpa_calls == f.gpa_calls && hfence_log.vmid_calls == f.vmid_calls,
          "nothing removed, nothing fenced");
    f = hfence_log;
    CHECK(gstage_unmap(&g, base, M2) == 0, "unmap the rest: 7 pages and the lone page");
    CHECK(hfence_log.vmid_calls == f.vmid_calls + 1 && hfence_log.gpa_calls == f.gpa_calls,
          "the tables emptied and were freed: one VMID fence");
    CHECK(nfree() == before && ((uint64_t *)g.root)[4] == 0, "both tables are back in the pool");
}

static void test_bounds(void)
{
    const uint64_t top = 1UL << 41;
    size_t before = nfree();
    CHECK(gstage_map(&g, top - K4, 0x5000, K4, PTE_R) == 0, "the last page of Sv39x4's 2^41 bytes");
    CHECK(maps(&g, top - 1, 0x5fff, PTE_R), "translates");
    CHECK((((uint64_t *)g.root)[2047] & 1) == 1, "through root entry 2047, the 11-bit index's last");
    CHECK(nfree() == before - 2, "two tables");
    before = nfree();
    CHECK(gstage_map(&g, top, 0x5000, K4, PTE_R) == -EINVAL, "GPA 2^41: -EINVAL");
    CHECK(gstage_map(&g, top - K4, 0x5000, 2 * K4, PTE_R) == -EINVAL, "a range that ends past 2^41");
    CHECK(gstage_map(&g, 0x1000, 0x1000, 0 - K4, PTE_R) == -EINVAL, "a size that wraps gpa + size");
    CHECK(gstage_map(&g, 0xfffffffffffff000, 0x1000, K4, PTE_R) == -EINVAL, "the top page of 2^64");
    CHECK(gstage_translate(&g, top, NULL, NULL) == -ENOENT
          && gstage_translate(&g, ~0UL, NULL, NULL) == -ENOENT, "translate past 2^41: -ENOENT");
    CHECK(gstage_unmap(&g, top, K4) == -EINVAL && gstage_unmap(&g, 0x1000, 0 - K4) == -EINVAL
          && gstage_unmap(&g, 0x1000, 0) == -EINVAL && gstage_unmap(&g, 0x800, K4) == -EINVAL
          && gstage_unmap(&g, 0x1000, 0x800) == -EINVAL, "unmap checks its range the same way");

    CHECK(gstage_map(&g, 0x1000, 0x1000, K4, 0) == -EINVAL, "no permission at all");
    CHECK(gstage_map(&g, 0x1000, 0x1000, K4, PTE_W) == -EINVAL, "W without R (reserved)");
    CHECK(gstage_map(&g, 0x1000, 0x1000, K4, PTE_W | PTE_X) == -EINVAL, "W and X without R (reserved)");
    CHECK(gstage_map(&g, 0x1000, 0x1000, K4, PTE_R | PTE_U) == -EINVAL, "U is not the caller's to give");
    CHECK(gstage_map(&g, 0x1000, 0x1000, K4, 0x100) == -EINVAL, "a bit outside R W X");
    CHECK(gstage_map(&g, 0x1800, 0x1000, K4, PTE_R) == -EINVAL, "an unaligned GPA");
    CHECK(gstage_map(&g, 0x1000, 0x1800, K4, PTE_R) == -EINVAL, "an unaligned HPA");
    CHECK(gstage_map(&g, 0x1000, 0x1000, 0x1800, PTE_R) == -EINVAL, "an unaligned size");
    CHECK(gstage_map(&g, 0x1000, 0x1000, 0, PTE_R) == -EINVAL, "size 0");
    CHECK(gstage_map(&g, 0x1000, 1UL << 56, K4, PTE_R) == -EINVAL, "HPA 2^56: past a 44-bit PPN");
    CHECK(gstage_map(&g, 0x1000, (1UL << 56) - K4, 2 * K4, PTE_R) == -EINVAL, "a host range past 2^56");
    CHECK(gstage_map(&g, 0x1000, 0xfffffffffffff000, K4, PTE_R) == -EINVAL, "an HPA near 2^64");
    CHECK(nfree() == before, "refusals take no pages");
    CHECK(gstage_map(&g, 0x1000, (1UL << 56) - K4, K4, PTE_R) == 0, "the last host page is fine");
    CHECK(leaf_pte(&g, 0x1000) == (0x003ffffffffffc00UL | LEAF_R), "its PPN field is all ones");
    CHECK(maps(&g, 0x1010, (1UL << 56) - K4 + 0x10, PTE_R), "and translates");
}

static void test_unmap_everything(void)
{
    struct hfence_log f = hfence_log;
    CHECK(gstage_unmap(&g, 0, 1UL << 41) == 0, "unmap the whole Sv39x4 space");
    CHECK(nfree() == free_after_init, "every table below the root is back: %zu free, %zu after init",
          nfree(), free_after_init);
    int zero = 1;
    for (int i = 0; i < 2048; i++)
        zero &= ((uint64_t *)g.root)[i] == 0;
    CHECK(zero, "all 2048 root entries are clear");
    CHECK(hfence_log.vmid_calls == f.vmid_calls + 1 && hfence_log.gpa_calls == f.gpa_calls,
          "one VMID fence");
    CHECK(unmapped(&g, 0x80000000) && unmapped(&g, (1UL << 41) - K4), "nothing translates");
}

static void test_destroy(void)
{
    CHECK(gstage_map(&g, 0x80000000, 0x80000000, 4 * M2 + 5 * K4, PTE_R | PTE_W | PTE_X) == 0
          && gstage_map(&g, 0x1ff000000, 0x1000, K4, PTE_R) == 0, "map again, under two root entries");
    struct hfence_log f = hfence_log;
    gstage_destroy(&g);
    CHECK(nfree() == free_before_init, "destroy returns the root and every table: %zu free", nfree());
    CHECK(hfence_log.vmid_calls == f.vmid_calls + 1 && hfence_log.last_vmid == 5, "and fences VMID 5");
    CHECK(g.root == 0, "the G-stage has no root any more");
    f = hfence_log;
    gstage_destroy(&g);
    CHECK(nfree() == free_before_init && hfence_log.vmid_calls == f.vmid_calls,
          "destroying twice does nothing");
}

static void test_sv48x4(void)
{
    struct gstage h;
    size_t before = nfree();
    CHECK(gstage_init(&h, &pool, HGATP_MODE_SV48X4, 0x3fff) == 0 && h.levels == 4, "Sv48x4: 4 levels");
    CHECK(gstage_hgatp(&h) == (9UL << 60 | 0x3fffUL << 44 | (unsigned long)h.root >> 12),
          "hgatp = MODE 9 | VMID 0x3fff | root PPN");
    size_t after_init = nfree();
    CHECK(gstage_map(&h, 1UL << 49, 0x88000000, K4, PTE_R | PTE_W) == 0, "map a page at 2^49");
    CHECK(nfree() == after_init - 3, "three tables below the root");
    CHECK((((uint64_t *)h.root)[1024] & 0x3ff) == 1, "through root entry 1024: bit 48 of the GPA");
    CHECK(leaf_level(&h, 1UL << 49) == 0 && leaf_pte(&h, 1UL << 49) == want_pte(0x88000000, LEAF_RW),
          "a level-0 leaf with the usual bits");
    CHECK(gstage_map(&h, 0x200000, 0x40000000, M2, PTE_R) == 0 && leaf_level(&h, 0x200000) == 1
          && nfree() == after_init - 5, "a 2 MiB leaf at level 1, two more tables");
    CHECK(gstage_map(&h, (1UL << 50) - K4, 0x1000, K4, PTE_R) == 0
          && maps(&h, (1UL << 50) - 1, 0x1fff, PTE_R), "the last page below 2^50");
    CHECK(gstage_map(&h, 1UL << 50, 0x1000, K4, PTE_R) == -EINVAL
          && gstage_map(&h, (1UL << 50) - K4, 0x1000, 2 * K4, PTE_R) == -EINVAL,
          "2^50 and past it: -EINVAL");
    CHECK(gstage_translate(&h, 1UL << 50, NULL, NULL) == -ENOENT, "translate 2^50: -ENOENT");
    struct hfence_log f = hfence_log;
    CHECK(gstage_unmap(&h, 1UL << 49, K4) == 0 && unmapped(&h, 1UL << 49), "unmap the page at 2^49");
    CHECK(hfence_log.vmid_calls == f.vmid_calls + 1 && hfence_log.last_vmid == 0x3fff,
          "its three tables were freed: a fence for VMID 0x3fff");
    CHECK(nfree() == after_init - 5, "the other two mappings keep their 2 + 3 tables");
    gstage_destroy(&h);
    CHECK(nfree() == before, "destroy gives everything back");

    CHECK(gstage_init(&h, &pool, HGATP_MODE_SV57X4, 1) == 0 && h.levels == 5, "Sv57x4: 5 levels");
    CHECK(gstage_map(&h, 1UL << 58, 0x1000, K4, PTE_R) == 0 && leaf_level(&h, 1UL << 58) == 0
          && (((uint64_t *)h.root)[1024] & 1) == 1, "a page at 2^58, through root entry 1024");
    CHECK(gstage_map(&h, (1UL << 59) - K4, 0x1000, K4, PTE_R) == 0
          && gstage_map(&h, 1UL << 59, 0x1000, K4, PTE_R) == -EINVAL, "Sv57x4 ends at 2^59");
    gstage_destroy(&h);
    CHECK(nfree() == before, "destroy gives everything back");
}

int main(void)
{
    unsigned char *buf = aligned_alloc(BUF_ALIGN, NPAGES * K4);
    memset(buf, 0xa5, NPAGES * K4);     /* old data that allocation must wipe */
    page_pool_init(&pool, (uintptr_t)buf, (uintptr_t)buf + NPAGES * K4);
    test_init();
    test_small_and_huge_leaves();
    test_exist_rolls_back();
    test_nomem_rolls_back();
    test_split();
    test_fences();
    test_bounds();
    test_unmap_everything();
    test_destroy();
    test_sv48x4();
    free(buf);
    return check_done();
}
