/* The physical page allocator: whole 4 KiB pages for G-stage tables and guest RAM. */
#ifndef LIB_PAGE_H
#define LIB_PAGE_H

#include <stddef.h>
#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)

struct page_pool {
    uintptr_t base;         /* physical address of page 0 of the pool */
    size_t npages;          /* pages managed, the bitmap's own included */
    size_t map_pages;       /* pages 0 .. map_pages-1 hold the bitmap */
    uint64_t *bitmap;       /* bit i set: page i is in use */
    size_t nfree;           /* pages free now */
};

/* Manage the whole pages inside [base, end): -EINVAL if none is left once
   the bitmap has taken its pages. */
int page_pool_init(struct page_pool *p, uintptr_t base, uintptr_t end);

/* Mark [base, end) used: clipped to the pool; a page partly covered counts. */
void page_reserve(struct page_pool *p, uintptr_t base, uintptr_t end);

/* npages contiguous zeroed pages whose address is a multiple of align_pages
   pages (a power of two >= 1); 0 when impossible or the arguments are bad. */
uintptr_t page_alloc(struct page_pool *p, size_t npages, size_t align_pages);

/* Give pages back: -EINVAL, and nothing changes, if pa is not page-aligned,
   npages is 0, the run leaves the pool or touches the bitmap, or any page of
   it is already free (a double free). */
int page_free(struct page_pool *p, uintptr_t pa, size_t npages);

size_t page_free_count(const struct page_pool *p);
void page_zero(uintptr_t pa, size_t bytes);     /* pa and bytes: whole pages */
void page_zero_with(void (*fn)(uintptr_t pa, size_t bytes));

#endif
