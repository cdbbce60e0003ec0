/* check.h: a minimal TAP producer for RVH's host unit tests. */
#ifndef CHECK_H
#define CHECK_H
#include <stdio.h>
#include <string.h>

static int check_count, check_failed;

#define CHECK(cond, ...) do {                                           \
        int check_ok_ = (cond) ? 1 : 0;   /* evaluated once */          \
        ++check_count;                                                  \
        if (check_ok_) { printf("ok %d - ", check_count); }             \
        else { printf("not ok %d - ", check_count); check_failed++; }   \
        printf(__VA_ARGS__);                                            \
        if (check_ok_) printf("\n");                                    \
        else printf("  (%s:%d: %s)\n", __FILE__, __LINE__, #cond);      \
    } while (0)

#define CHECK_STR(got, want, ...) do {                                  \
        const char *g_ = (got), *w_ = (want);                           \
        CHECK(g_ && strcmp(g_, w_) == 0, __VA_ARGS__);                  \
        if (!g_ || strcmp(g_, w_)) printf("#   got \"%s\", want \"%s\"\n", g_ ? g_ : "(null)", w_); \
    } while (0)

static inline int check_done(void)
{
    printf("1..%d\n", check_count);
    if (check_failed)
        printf("# %d of %d checks failed\n", check_failed, check_count);
    return check_failed != 0;
}
#endif
