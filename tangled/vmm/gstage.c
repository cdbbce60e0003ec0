/* G-stage page tables: build, change, look up and tear down a guest's memory map. */
#include <errno.h>
#include <stdbool.h>
#include "arch/csr.h"
#include "arch/hext.h"
#include "arch/hfence.h"
#include "vmm/gstage.h"

#define GSTAGE_ROOT_PAGES   4           /* 16 KiB root (Priv. spec 8.5.1) */
#define PTES_PER_TABLE      512
#define HPA_LIMIT           ((uint64_t)1 << 56)   /* 44-bit PPN, 4 KiB pages */

static unsigned level_shift(unsigned level)
{
    return PAGE_SHIFT + 9 * level;
}

static uint64_t level_size(unsigned level)
{
    return (uint64_t)1 << level_shift(level);
}

static uint64_t gpa_limit(const struct gstage *g)
{
    return (uint64_t)1 << (level_shift(g->levels) + 2);
}

static size_t pte_index(const struct gstage *g, uint64_t gpa, unsigned level)
{
    uint64_t mask = level == g->levels - 1 ? 4 * PTES_PER_TABLE - 1 : PTES_PER_TABLE - 1;
    return gpa >> level_shift(level) & mask;
}
#define PTE_PPN_SHIFT   10
#define PTE_PPN_MASK    (((uint64_t)1 << 44) - 1)
#define PTE_LEAF_FLAGS  (PTE_V | PTE_U | PTE_A | PTE_D)
#define PTE_RWX         (PTE_R | PTE_W | PTE_X)

static uint64_t pte_make(uint64_t pa, uint64_t flags)
{
    return (pa >> PAGE_SHIFT) << PTE_PPN_SHIFT | flags;
}

static uint64_t pte_pa(uint64_t pte)
{
    return (pte >> PTE_PPN_SHIFT & PTE_PPN_MASK) << PAGE_SHIFT;
}

static uint64_t *pte_table(uint64_t pte)
{
    return (uint64_t *)(uintptr_t)pte_pa(pte);
}

static bool pte_is_leaf(uint64_t pte)
{
    return (pte & PTE_RWX) != 0;
}
static void pte_set(uint64_t *slot, uint64_t pte)
{
    *(volatile uint64_t *)slot = pte;
}
int gstage_init(struct gstage *g, struct page_pool *pool, unsigned long mode,
                unsigned long vmid)
{
    if (mode < HGATP_MODE_SV39X4 || mode > HGATP_MODE_SV57X4 || vmid > HGATP_VMID_MASK)
        return -EINVAL;
    uintptr_t root = page_alloc(pool, GSTAGE_ROOT_PAGES, GSTAGE_ROOT_PAGES);
    if (root == 0)
        return -ENOMEM;
    *g = (struct gstage){ .pool = pool, .root = root, .mode = mode, .vmid = vmid,
                          .levels = (unsigned)(mode - HGATP_MODE_SV39X4) + 3 };
    return 0;
}

unsigned long gstage_hgatp(const struct gstage *g)
{
    return hgatp_make(g->mode, g->vmid, g->root >> PAGE_SHIFT);
}
static uint64_t *leaf_slot(const struct gstage *g, uint64_t gpa, unsigned *level)
{
    uint64_t *table = (uint64_t *)g->root;
    for (unsigned l = g->levels - 1; ; l--) {
        uint64_t *slot = &table[pte_index(g, gpa, l)];
        if ((*slot & PTE_V) == 0)
            return NULL;
        if (pte_is_leaf(*slot)) {
            *level = l;
            return slot;
        }
        if (l == 0)
            return NULL;
        table = pte_table(*slot);
    }
}
static int walk_create(struct gstage *g, uint64_t gpa, unsigned level, uint64_t **slotp)
{
    uint64_t *table = (uint64_t *)g->root;
    for (unsigned l = g->levels - 1; l > level; l--) {
        uint64_t *slot = &table[pte_index(g, gpa, l)];
        if ((*slot & PTE_V) == 0) {
            uintptr_t t = page_alloc(g->pool, 1, 1);
            if (t == 0)
                return -ENOMEM;
            pte_set(slot, pte_make(t, PTE_V));
        } else if (pte_is_leaf(*slot)) {
            return -EEXIST;
        }
        table = pte_table(*slot);
    }
    *slotp = &table[pte_index(g, gpa, level)];
    return 0;
}
static int check_range(const struct gstage *g, uint64_t gpa, uint64_t size)
{
    uint64_t limit = gpa_limit(g);
    if (((gpa | size) & (PAGE_SIZE - 1)) != 0 || size == 0 || gpa >= limit
        || size > limit - gpa)
        return -EINVAL;
    return 0;
}

static int check_map(const struct gstage *g, uint64_t gpa, uint64_t hpa, uint64_t size,
                     unsigned long perm)
{
    if (perm == 0 || (perm & ~PTE_RWX) != 0 || (perm & (PTE_R | PTE_W)) == PTE_W)
        return -EINVAL;
    if ((hpa & (PAGE_SIZE - 1)) != 0 || hpa >= HPA_LIMIT || size > HPA_LIMIT - hpa)
        return -EINVAL;
    return check_range(g, gpa, size);
}
static unsigned leaf_level(uint64_t gpa, uint64_t hpa, uint64_t left)
{
    uint64_t huge = level_size(1);
    return ((gpa | hpa) & (huge - 1)) == 0 && left >= huge ? 1 : 0;
}
static void unmap_quietly(struct gstage *g, uint64_t gpa, uint64_t end);

int gstage_map(struct gstage *g, uint64_t gpa, uint64_t hpa, uint64_t size,
               unsigned long perm)
{
    int err = check_map(g, gpa, hpa, size, perm);
    for (uint64_t done = 0; err == 0 && done < size; ) {
        unsigned level = leaf_level(gpa + done, hpa + done, size - done);
        uint64_t *slot;
        err = walk_create(g, gpa + done, level, &slot);
        if (err == 0 && (*slot & PTE_V) != 0)
            err = -EEXIST;
        if (err != 0) {
            unmap_quietly(g, gpa, gpa + done + (err == -ENOMEM ? PAGE_SIZE : 0));
            return err;
        }
        pte_set(slot, pte_make(hpa + done, PTE_LEAF_FLAGS | perm));
        done += level_size(level);
    }
    return err;
}
struct unmap_state {
    uintptr_t freed;                        /* tables waiting for the fence */
    bool tables_changed;                    /* a non-leaf PTE changed */
    size_t nleaves;                         /* leaves cleared */
    uint64_t leaf[GSTAGE_FENCE_LEAVES];     /* the first ones' GPAs */
};

static void release_table(struct unmap_state *st, uint64_t *table)
{
    table[0] = st->freed;
    st->freed = (uintptr_t)table;
    st->tables_changed = true;
}

static void note_leaf(struct unmap_state *st, uint64_t gpa)
{
    if (st->nleaves < GSTAGE_FENCE_LEAVES)
        st->leaf[st->nleaves] = gpa;
    st->nleaves++;
}
static void finish_unmap(struct gstage *g, struct unmap_state *st)
{
    if (st->tables_changed || st->nleaves > GSTAGE_FENCE_LEAVES)
        hfence_gvma_vmid(g->vmid);
    else
        for (size_t i = 0; i < st->nleaves; i++)
            hfence_gvma_gpa(st->leaf[i], g->vmid);
    while (st->freed != 0) {
        uintptr_t next = *(uint64_t *)st->freed;
        (void)page_free(g->pool, st->freed, 1);
        st->freed = next;
    }
}
static bool table_empty(const uint64_t *table)
{
    for (size_t i = 0; i < PTES_PER_TABLE; i++)
        if ((table[i] & PTE_V) != 0)
            return false;
    return true;
}
static void clear_range(struct unmap_state *st, uint64_t *table, unsigned level,
                        uint64_t base, uint64_t gpa, uint64_t end)
{
    uint64_t size = level_size(level);
    size_t first = (gpa - base) >> level_shift(level);
    size_t last = (end - 1 - base) >> level_shift(level);
    for (size_t i = first; i <= last; i++) {
        uint64_t pte = table[i], lo = base + i * size;
        if ((pte & PTE_V) == 0)
            continue;
        if (pte_is_leaf(pte)) {
            pte_set(&table[i], 0);
            note_leaf(st, lo);
            continue;
        }
        uint64_t *child = pte_table(pte);
        clear_range(st, child, level - 1, lo, gpa > lo ? gpa : lo,
                    end - lo < size ? end : lo + size);
        if (table_empty(child)) {
            pte_set(&table[i], 0);
            release_table(st, child);
        }
    }
}
static void unmap_quietly(struct gstage *g, uint64_t gpa, uint64_t end)
{
    struct unmap_state st = { 0 };
    if (gpa < end) {
        clear_range(&st, (uint64_t *)g->root, g->levels - 1, 0, gpa, end);
        finish_unmap(g, &st);
    }
}
static uint64_t *cut_leaf(const struct gstage *g, uint64_t addr, uint64_t gpa, uint64_t end)
{
    unsigned level;
    uint64_t *slot = leaf_slot(g, addr, &level);
    if (slot == NULL || level != 1)
        return NULL;
    uint64_t lo = addr & ~(level_size(1) - 1);
    return lo < gpa || end - lo < level_size(1) ? slot : NULL;
}

static void split_leaf(uint64_t *slot, uintptr_t table_pa)
{
    uint64_t *table = (uint64_t *)table_pa;
    uint64_t pa = pte_pa(*slot), flags = *slot & ((1UL << PTE_PPN_SHIFT) - 1);
    for (size_t i = 0; i < PTES_PER_TABLE; i++)
        table[i] = pte_make(pa + i * PAGE_SIZE, flags);
    pte_set(slot, pte_make(table_pa, PTE_V));
}
static int prepare_splits(struct gstage *g, uint64_t gpa, uint64_t end,
                          uint64_t *cut[2], uintptr_t page[2])
{
    cut[0] = cut_leaf(g, gpa, gpa, end);
    cut[1] = cut_leaf(g, end - 1, gpa, end);
    if (cut[1] == cut[0])
        cut[1] = NULL;
    page[0] = page[1] = 0;
    for (int i = 0; i < 2; i++)
        if (cut[i] != NULL && (page[i] = page_alloc(g->pool, 1, 1)) == 0) {
            if (page[0] != 0)
                (void)page_free(g->pool, page[0], 1);
            return -ENOMEM;
        }
    return 0;
}
int gstage_unmap(struct gstage *g, uint64_t gpa, uint64_t size)
{
    int err = check_range(g, gpa, size);
    if (err != 0)
        return err;
    uint64_t end = gpa + size, *cut[2];
    uintptr_t page[2];
    if (prepare_splits(g, gpa, end, cut, page) != 0)
        return -ENOMEM;
    struct unmap_state st = { 0 };
    for (int i = 0; i < 2; i++)
        if (cut[i] != NULL) {
            split_leaf(cut[i], page[i]);
            st.tables_changed = true;
        }
    clear_range(&st, (uint64_t *)g->root, g->levels - 1, 0, gpa, end);
    finish_unmap(g, &st);
    return 0;
}
int gstage_translate(const struct gstage *g, uint64_t gpa, uint64_t *hpa,
                     unsigned long *perm)
{
    unsigned level;
    uint64_t *slot = gpa < gpa_limit(g) ? leaf_slot(g, gpa, &level) : NULL;
    if (slot == NULL)
        return -ENOENT;
    if (hpa != NULL)
        *hpa = pte_pa(*slot) + (gpa & (level_size(level) - 1));
    if (perm != NULL)
        *perm = *slot & PTE_RWX;
    return 0;
}
static void free_tables(struct page_pool *pool, uint64_t *table, size_t entries)
{
    for (size_t i = 0; i < entries; i++)
        if ((table[i] & PTE_V) != 0 && !pte_is_leaf(table[i])) {
            uint64_t *child = pte_table(table[i]);
            free_tables(pool, child, PTES_PER_TABLE);
            (void)page_free(pool, (uintptr_t)child, 1);
        }
}

void gstage_destroy(struct gstage *g)
{
    if (g->root == 0)
        return;
    hfence_gvma_vmid(g->vmid);
    free_tables(g->pool, (uint64_t *)g->root, 4 * PTES_PER_TABLE);
    (void)page_free(g->pool, g->root, GSTAGE_ROOT_PAGES);
    g->root = 0;
}
