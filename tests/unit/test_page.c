/* The physical page allocator (lib/page.c): exact free counts, first fit,
 * alignment, zeroing, exhaustion, and refusals that change nothing. */
// sources: tangled/lib/page.c
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "lib/page.h"


#define NPAGES  64
#define BUF_ALIGN (NPAGES * PAGE_SIZE) /* 256 KiB: page frame numbers are multiples of 64 */
#define P       PAGE_SIZE

static int is_zero(uintptr_t pa, size_t bytes)
{
    const unsigned char *q = (const unsigned char *)pa;
    for (size_t i = 0; i < bytes; i++)
        if (q[i] != 0)
            return 0;
    return 1;
}

static void test_init(uintptr_t b)
{
    struct page_pool p;
    CHECK(page_pool_init(&p, b, b + P) == -EINVAL, "one page: the bitmap would take all of it");
    CHECK(page_pool_init(&p, b + 1, b + P) == -EINVAL, "no whole page once rounded inward");
    CHECK(page_pool_init(&p, b, b) == -EINVAL, "an empty range");
    CHECK(page_pool_init(&p, b + 2 * P, b) == -EINVAL, "end below base");
    CHECK(page_pool_init(&p, UINTPTR_MAX - 10, UINTPTR_MAX) == -EINVAL,
          "a base whose rounding up would wrap");

    CHECK(page_pool_init(&p, b + 1, b + NPAGES * P - 1) == 0, "unaligned ends are accepted");
    CHECK(p.base == b + P && p.npages == NPAGES - 2, "and rounded inward: base+4096, 62 pages");
    CHECK(page_free_count(&p) == NPAGES - 3, "62 pages less one of bitmap: 61 free (got %zu)",
          page_free_count(&p));
    CHECK(page_pool_init(&p, b, b + 2 * P) == 0 && page_free_count(&p) == 1,
          "two pages: one bitmap, one free");
    CHECK(page_alloc(&p, 1, 1) == b + P, "and that one is page 1");

    CHECK(page_pool_init(&p, b, b + NPAGES * P) == 0, "the whole buffer");
    CHECK(page_free_count(&p) == NPAGES - 1, "63 free after init");
    CHECK((uintptr_t)p.bitmap == b && p.bitmap[0] == 1, "the bitmap sits in page 0 and marks it");
}

static void test_reserve(uintptr_t b)
{
    struct page_pool p;
    page_pool_init(&p, b, b + NPAGES * P);
    page_reserve(&p, b + P + 1, b + 3 * P + 1);
    CHECK(page_free_count(&p) == 60, "reserving parts of pages 1 and 3 takes pages 1-3: 60 free");
    page_reserve(&p, b + 2 * P, b + 4 * P);
    CHECK(page_free_count(&p) == 60, "reserving pages 2-3 again counts nothing twice");
    page_reserve(&p, b - 10 * P, b + P);
    CHECK(page_free_count(&p) == 60, "a range below the pool, up to the bitmap: clipped, no change");
    page_reserve(&p, b + NPAGES * P, b + 100 * P);
    CHECK(page_free_count(&p) == 60, "a range above the pool: no change");
    page_reserve(&p, b + 6 * P, b + 4 * P);
    page_reserve(&p, b + 5 * P, b + 5 * P);
    CHECK(page_free_count(&p) == 60, "reversed and empty ranges: no change");
    page_reserve(&p, b + 63 * P, b + 200 * P);
    CHECK(page_free_count(&p) == 59, "a range across the pool's end takes its last page: 59");
    CHECK(page_alloc(&p, 1, 1) == b + 4 * P, "first fit skips the reserved pages 1-3");
    CHECK(page_free(&p, b + 63 * P, 1) == 0 && page_free_count(&p) == 59,
          "a reserved page can be freed like an allocated one");
}

static void test_alloc(uintptr_t b)
{
    struct page_pool p;
    memset((void *)b, 0xa5, NPAGES * P);
    page_pool_init(&p, b, b + NPAGES * P);
    page_reserve(&p, b + P, b + 4 * P);                    /* pages 1-3 */
    uintptr_t a = page_alloc(&p, 1, 1);
    CHECK(a == b + 4 * P && page_free_count(&p) == 59, "1 page: page 4, 59 free");
    CHECK(is_zero(a, P), "the page is zeroed (the buffer was 0xa5)");
    CHECK(page_alloc(&p, 1, 8) == b + 8 * P, "1 page aligned to 8: page 8");
    CHECK(page_alloc(&p, 2, 4) == b + 12 * P, "2 pages aligned to 4: 4 and 8 are used, so 12");
    uintptr_t c = page_alloc(&p, 3, 1);
    CHECK(c == b + 5 * P, "3 pages, no alignment: the hole 5-7");
    CHECK(is_zero(c, 3 * P), "all three zeroed");
    CHECK(page_free_count(&p) == 53, "53 free");
    CHECK(page_alloc(&p, 4, 16) == b + 16 * P, "4 pages aligned to 16 (64 KiB): page 16");
    CHECK(page_alloc(&p, 16, 16) == b + 32 * P, "16 pages aligned to 16: page 32");
    CHECK(page_free_count(&p) == 33, "33 free");

    CHECK(page_alloc(&p, 0, 1) == 0, "0 pages: refused");
    CHECK(page_alloc(&p, 1, 0) == 0, "alignment 0: refused");
    CHECK(page_alloc(&p, 1, 3) == 0, "alignment 3, not a power of two: refused");
    CHECK(page_alloc(&p, 1, 6) == 0, "alignment 6: refused");
    CHECK(page_alloc(&p, 1, 1UL << 62) == 0, "alignment 2^62: no such page, no overflow");
    CHECK(page_alloc(&p, SIZE_MAX, 1) == 0, "SIZE_MAX pages: refused");
    CHECK(page_alloc(&p, 1, 64) == 0, "alignment 64: only page 0 qualifies, and it is the bitmap");
    CHECK(page_free_count(&p) == 33, "refused requests change nothing");
}

static void test_fragmentation(uintptr_t b)
{
    struct page_pool p;
    page_pool_init(&p, b, b + NPAGES * P);
    uintptr_t A = page_alloc(&p, 2, 1), B = page_alloc(&p, 2, 1), C = page_alloc(&p, 2, 1);
    CHECK(A == b + P && B == b + 3 * P && C == b + 5 * P, "A, B, C: pages 1, 3, 5");
    CHECK(page_free(&p, B, 2) == 0 && page_free_count(&p) == 59, "free B: 59 free");
    uintptr_t D = page_alloc(&p, 3, 1);
    CHECK(D == b + 7 * P, "3 pages do not fit B's hole of 2: page 7, after C");
    CHECK(page_alloc(&p, 2, 1) == B, "2 pages fill the hole: B's address again");
    CHECK(page_free_count(&p) == 54, "54 free");
}

static void test_free(uintptr_t b)
{
    struct page_pool p;
    page_pool_init(&p, b, b + NPAGES * P);
    uintptr_t A = page_alloc(&p, 2, 1);
    CHECK(A == b + P && page_free_count(&p) == 61, "A: 2 pages at page 1, 61 free");
    CHECK(page_free(&p, A + 1, 1) == -EINVAL, "an unaligned address");
    CHECK(page_free(&p, b, 1) == -EINVAL, "the bitmap's page");
    CHECK(page_free(&p, b - P, 1) == -EINVAL, "a page below the pool");
    CHECK(page_free(&p, b + NPAGES * P, 1) == -EINVAL, "the page after the pool");
    CHECK(page_free(&p, A, 0) == -EINVAL, "zero pages");
    CHECK(page_free(&p, A, SIZE_MAX) == -EINVAL, "SIZE_MAX pages: no wrap-around");
    CHECK(page_free(&p, b + 62 * P, 3) == -EINVAL, "a run past the pool's end");
    CHECK(page_free(&p, A, 3) == -EINVAL, "a run whose third page is free");
    CHECK(page_free_count(&p) == 61, "every refusal left the count at 61");
    CHECK(page_alloc(&p, 1, 1) == b + 3 * P, "and A's pages still in use: the next page is 3");
    CHECK(page_free(&p, b + 3 * P, 1) == 0, "give page 3 back");
    CHECK(page_free(&p, A + P, 1) == 0 && page_free_count(&p) == 62, "free A's second page");
    CHECK(page_free(&p, A, 2) == -EINVAL, "then A whole: half of it is free, refused");
    CHECK(page_free_count(&p) == 62, "nothing changed: 62 free");
    CHECK(page_free(&p, A, 1) == 0 && page_free_count(&p) == 63, "A's first page: 63 free");
    CHECK(page_free(&p, A, 1) == -EINVAL && page_free_count(&p) == 63, "double free refused");
}

static void test_exhaustion(uintptr_t b)
{
    struct page_pool p;
    page_pool_init(&p, b, b + NPAGES * P);
    CHECK(page_alloc(&p, 64, 1) == 0, "64 pages from 63 free: 0");
    CHECK(page_alloc(&p, 63, 1) == b + P, "63 pages: all of them, from page 1");
    CHECK(page_free_count(&p) == 0 && page_alloc(&p, 1, 1) == 0, "then nothing is left");
    page_free(&p, b + P, 63);

    size_t n = 0;
    int in_order = 1;
    for (uintptr_t a; (a = page_alloc(&p, 1, 1)) != 0; n++)
        in_order &= a == b + (n + 1) * P;
    CHECK(n == 63 && in_order, "one page at a time: 63 allocations, pages 1..63 in order");
    CHECK(page_free(&p, b + 10 * P, 1) == 0 && page_alloc(&p, 1, 1) == b + 10 * P,
          "a page freed in a full pool is the next one handed out");
    page_free(&p, b + 20 * P, 1);
    page_free(&p, b + 21 * P, 1);
    CHECK(page_alloc(&p, 2, 2) == b + 20 * P, "two freed pages at an even index serve an aligned pair");
}

static void test_big_bitmap(void)
{
    size_t n = 32770;                       /* 32770 bits: 4097 bytes of bitmap, 2 pages */
    unsigned char *big = aligned_alloc(BUF_ALIGN, 513 * BUF_ALIGN);  /* 32832 pages */
    uintptr_t b = (uintptr_t)big;
    struct page_pool p;
    CHECK(page_pool_init(&p, b, b + 32768 * P) == 0 && p.map_pages == 1
          && page_free_count(&p) == 32767, "32768 pages: a one-page bitmap, 32767 free");
    CHECK(page_pool_init(&p, b, b + 32769 * P) == 0 && p.map_pages == 2
          && page_free_count(&p) == 32767, "32769 pages: the bitmap needs a second page");
    CHECK(page_pool_init(&p, b, b + n * P) == 0 && page_free_count(&p) == 32768,
          "32770 pages: 32768 free");
    CHECK(page_alloc(&p, 1, 1) == b + 2 * P, "the first free page is page 2");
    CHECK(page_free(&p, b + P, 1) == -EINVAL, "the bitmap's second page cannot be freed");
    page_reserve(&p, b + 3 * P, b + 32768 * P);
    CHECK(page_free_count(&p) == 2, "reserve pages 3..32767: 2 free");
    uintptr_t last = page_alloc(&p, 1, 1);
    CHECK(last == b + 32768 * P, "the next page is 32768, counted in the bitmap's second page");
    CHECK(page_free(&p, last, 1) == 0 && page_free_count(&p) == 2, "and back: 2 free");
    free(big);
}

int main(void)
{
    unsigned char *buf = aligned_alloc(BUF_ALIGN, NPAGES * P);
    uintptr_t b = (uintptr_t)buf;
    test_init(b);
    test_reserve(b);
    test_alloc(b);
    test_fragmentation(b);
    test_free(b);
    test_exhaustion(b);
    test_big_bitmap();
    free(buf);
    return check_done();
}
