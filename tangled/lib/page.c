/* A bitmap allocator of physical pages. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include "lib/page.h"

static bool page_used(const struct page_pool *p, size_t i)
{
    return (p->bitmap[i / 64] >> (i % 64) & 1) != 0;
}

static void page_mark(struct page_pool *p, size_t i, bool used)
{
    uint64_t bit = (uint64_t)1 << (i % 64);
    if (used)
        p->bitmap[i / 64] |= bit;
    else
        p->bitmap[i / 64] &= ~bit;
}
int page_pool_init(struct page_pool *p, uintptr_t base, uintptr_t end)
{
    if (base > UINTPTR_MAX - (PAGE_SIZE - 1))
        return -EINVAL;
    base = (base + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    end &= ~(PAGE_SIZE - 1);
    if (end <= base)
        return -EINVAL;
    size_t npages = (end - base) >> PAGE_SHIFT;
    size_t words = (npages + 63) / 64;
    size_t map_pages = (words * sizeof(uint64_t) + PAGE_SIZE - 1) >> PAGE_SHIFT;
    if (map_pages >= npages)
        return -EINVAL;
    *p = (struct page_pool){ .base = base, .npages = npages, .map_pages = map_pages,
                             .bitmap = (uint64_t *)base, .nfree = npages - map_pages };
    memset(p->bitmap, 0, words * sizeof(uint64_t));
    for (size_t i = 0; i < map_pages; i++)
        page_mark(p, i, true);
    return 0;
}
void page_reserve(struct page_pool *p, uintptr_t base, uintptr_t end)
{
    uintptr_t pool_end = p->base + (p->npages << PAGE_SHIFT);
    if (base < p->base)
        base = p->base;
    if (end > pool_end)
        end = pool_end;
    if (base >= end)
        return;
    size_t first = (base - p->base) >> PAGE_SHIFT;
    size_t last = (end - p->base + PAGE_SIZE - 1) >> PAGE_SHIFT;    /* exclusive */
    for (size_t i = first; i < last; i++)
        if (!page_used(p, i)) {
            page_mark(p, i, true);
            p->nfree--;
        }
}
static size_t align_index(const struct page_pool *p, size_t i, size_t align)
{
    size_t pfn = (p->base >> PAGE_SHIFT) + i;
    size_t rem = pfn & (align - 1);
    return rem ? i + (align - rem) : i;
}

static size_t first_used(const struct page_pool *p, size_t i, size_t n)
{
    for (size_t k = i; k < i + n; k++)
        if (page_used(p, k))
            return k;
    return SIZE_MAX;
}
uintptr_t page_alloc(struct page_pool *p, size_t n, size_t align)
{
    if (n == 0 || align == 0 || (align & (align - 1)) != 0 || n > p->nfree)
        return 0;
    for (size_t i = align_index(p, 0, align); i <= p->npages - n; ) {
        size_t used = first_used(p, i, n);
        if (used == SIZE_MAX) {
            for (size_t k = i; k < i + n; k++)
                page_mark(p, k, true);
            p->nfree -= n;
            uintptr_t pa = p->base + (i << PAGE_SHIFT);
            page_zero(pa, n << PAGE_SHIFT);
            return pa;
        }
        i = align_index(p, used + 1, align);
    }
    return 0;
}
int page_free(struct page_pool *p, uintptr_t pa, size_t n)
{
    if ((pa & (PAGE_SIZE - 1)) != 0 || pa < p->base || n == 0)
        return -EINVAL;
    size_t i = (pa - p->base) >> PAGE_SHIFT;
    if (i < p->map_pages || i >= p->npages || n > p->npages - i)
        return -EINVAL;
    for (size_t k = i; k < i + n; k++)
        if (!page_used(p, k))
            return -EINVAL;
    for (size_t k = i; k < i + n; k++)
        page_mark(p, k, false);
    p->nfree += n;
    return 0;
}

size_t page_free_count(const struct page_pool *p)
{
    return p->nfree;
}
static void (*zero_fast)(uintptr_t pa, size_t bytes);

void page_zero(uintptr_t pa, size_t bytes)
{
    if (zero_fast) {
        zero_fast(pa, bytes);
        return;
    }
    uint64_t *p = (uint64_t *)pa, *end = (uint64_t *)(pa + bytes);
    for (; p < end; p += 8) {
        p[0] = 0; p[1] = 0; p[2] = 0; p[3] = 0;
        p[4] = 0; p[5] = 0; p[6] = 0; p[7] = 0;
    }
}

void page_zero_with(void (*fn)(uintptr_t pa, size_t bytes))
{
    zero_fast = fn;
}
