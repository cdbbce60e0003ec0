/* Chapter 11: the cpio "newc" reader, on archives built here, and broken. */
// sources: tangled/lib/cpio.c
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include "check.h"
#include "lib/cpio.h"

static unsigned char arc[4096];
static size_t arc_len;

/* Append a member as `cpio -o -H newc` writes it; filesize/namesize as given
   (so that tests can lie), name and data as given. */
static void member_raw(const char *name, size_t namesize, const void *data, size_t len,
                       size_t filesize)
{
    char head[111];
    snprintf(head, sizeof head, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
             1u, 0100644u, 0u, 0u, 1u, 0u, filesize, 0u, 0u, 0u, 0u, namesize, 0u);
    memcpy(arc + arc_len, head, 110);
    arc_len += 110;
    memcpy(arc + arc_len, name, strlen(name) + 1);
    arc_len += namesize;
    while (arc_len % 4)
        arc[arc_len++] = 0;
    memcpy(arc + arc_len, data, len);
    arc_len += len;
    while (arc_len % 4)
        arc[arc_len++] = 0;
}

static void member(const char *name, const char *data)
{
    member_raw(name, strlen(name) + 1, data, strlen(data), strlen(data));
}

static void build(void)
{
    memset(arc, 0, sizeof arc);
    arc_len = 0;
    member("vms", "a.bin mem=64M\nb.bin\n");
    member("a.bin", "AAAA-image");
    member("b.bin", "B");
    member("empty", "");
    member("TRAILER!!!", "");
}

static void test_good(void)
{
    struct cpio_file f;
    size_t off = 0;
    build();
    CHECK(cpio_is_archive(arc, arc_len), "an archive is recognised");
    CHECK(!cpio_is_archive("\x7f" "ELF", 4) && !cpio_is_archive(arc, 109),
          "an ELF file, or 109 bytes, is not");
    CHECK(cpio_next(arc, arc_len, &off, &f) == 1 && strcmp(f.name, "vms") == 0 &&
          f.size == 20 && memcmp(f.data, "a.bin mem=64M\nb.bin\n", 20) == 0,
          "first member: vms, 20 bytes");
    CHECK(off % 4 == 0 && cpio_next(arc, arc_len, &off, &f) == 1 &&
          strcmp(f.name, "a.bin") == 0 && f.size == 10 && memcmp(f.data, "AAAA-image", 10) == 0,
          "second member, aligned to 4");
    CHECK(cpio_next(arc, arc_len, &off, &f) == 1 && f.size == 1 && *(const char *)f.data == 'B',
          "a one-byte member");
    CHECK(cpio_next(arc, arc_len, &off, &f) == 1 && f.size == 0 && strcmp(f.name, "empty") == 0,
          "an empty member");
    CHECK(cpio_next(arc, arc_len, &off, &f) == 0 && off == arc_len, "the trailer ends it");
    CHECK(cpio_find(arc, arc_len, "b.bin", &f) == 0 && f.size == 1, "find b.bin");
    CHECK(cpio_find(arc, arc_len, "c.bin", &f) == -ENOENT, "no c.bin: -ENOENT");
    CHECK(cpio_find(arc, arc_len, "TRAILER!!!", &f) == -ENOENT, "the trailer is not a member");
}

static void test_bad_fields(void)
{
    struct cpio_file f;
    size_t off;
    build();
    for (size_t i = 6; i < 110; i++) {          /* every digit of the first header */
        unsigned char saved = arc[i];
        arc[i] = 'g';
        off = 0;
        int r = cpio_next(arc, arc_len, &off, &f);
        arc[i] = saved;
        if (r != -EINVAL) {
            CHECK(0, "a non-hex digit at header byte %zu: -EINVAL (got %d)", i, r);
            return;
        }
    }
    CHECK(1, "a non-hex digit anywhere in a header: -EINVAL (104 places)");
    arc[0] = '1';
    off = 0;
    CHECK(cpio_next(arc, arc_len, &off, &f) == -EINVAL, "a bad magic: -EINVAL");
    CHECK(cpio_find(arc, arc_len, "vms", &f) == -EINVAL, "find in a broken archive: -EINVAL");
}

static void test_lies(void)
{
    struct cpio_file f;
    size_t off = 0;
    memset(arc, 0, sizeof arc);
    arc_len = 0;
    member_raw("x", 2, "12345678", 8, 9);       /* says 9 bytes, 8 follow */
    off = 0;
    CHECK(cpio_next(arc, arc_len, &off, &f) == -EINVAL, "data one byte past the end: -EINVAL");
    arc_len = 0;
    member_raw("x", 2, "", 0, SIZE_MAX - 3);
    off = 0;
    CHECK(cpio_next(arc, arc_len, &off, &f) == -EINVAL, "filesize near 2^64: -EINVAL");
    arc_len = 0;
    member_raw("name", 3, "", 0, 0);            /* namesize cuts the name: no NUL */
    off = 0;
    CHECK(cpio_next(arc, arc_len, &off, &f) == -EINVAL, "a name without its NUL: -EINVAL");
    arc_len = 0;
    member_raw("", 1, "d", 1, 1);
    memcpy(arc + 6 + 11 * 8, "FFFFFFFF", 8);     /* namesize 2^32 - 1 */
    off = 0;
    CHECK(cpio_next(arc, arc_len, &off, &f) == -EINVAL, "a huge namesize: -EINVAL");
    off = arc_len + 1;
    CHECK(cpio_next(arc, arc_len, &off, &f) == -EINVAL, "an offset past the end: -EINVAL");
}

/* An archive cut at every length: each prefix reads as members, then the
   end or -EINVAL, never more than it has (ASan watches the copy). */
static void test_cut(void)
{
    build();
    size_t full = arc_len, bad = 0;
    for (size_t n = 0; n <= full; n++) {
        unsigned char *copy = malloc(n ? n : 1);
        memcpy(copy, arc, n);
        struct cpio_file f;
        size_t off = 0;
        int r, members = 0;
        while ((r = cpio_next(copy, n, &off, &f)) == 1)
            members++;
        if (n < full && r == 0)
            bad++;                              /* a cut archive cannot reach its trailer */
        if (n == full && (r != 0 || members != 4))
            bad++;
        free(copy);
    }
    CHECK(bad == 0, "cut at each of %zu lengths: never the trailer before the end (%zu wrong)",
          full + 1, bad);
}

int main(void)
{
    test_good();
    test_bad_fields();
    test_lies();
    test_cut();
    return check_done();
}
