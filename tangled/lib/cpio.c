/* A cpio "newc" reader: every field checked, nothing trusted. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "lib/cpio.h"

#define CPIO_HEADER     110
#define CPIO_MAGIC      "070701"

static bool hex_field(const char *h, unsigned index, size_t *value)
{
    size_t v = 0;
    for (const char *p = h + 6 + 8 * index; p < h + 6 + 8 * (index + 1); p++) {
        unsigned d = *p >= '0' && *p <= '9' ? (unsigned)(*p - '0')
                   : *p >= 'a' && *p <= 'f' ? (unsigned)(*p - 'a' + 10)
                   : *p >= 'A' && *p <= 'F' ? (unsigned)(*p - 'A' + 10) : 16;
        if (d == 16)
            return false;
        v = v * 16 + d;
    }
    *value = v;
    return true;
}

bool cpio_is_archive(const void *archive, size_t size)
{
    return size >= CPIO_HEADER && memcmp(archive, CPIO_MAGIC, 6) == 0;
}
static size_t pad4(size_t n)
{
    return (4 - n % 4) % 4;
}

int cpio_next(const void *archive, size_t size, size_t *offset, struct cpio_file *f)
{
    const char *a = archive, *h = a + *offset;
    size_t off = *offset, field[13];
    if (off > size || size - off < CPIO_HEADER || memcmp(h, CPIO_MAGIC, 6) != 0)
        return -EINVAL;
    for (unsigned i = 0; i < 13; i++)
        if (!hex_field(h, i, &field[i]))
            return -EINVAL;
    size_t filesize = field[6], namesize = field[11];
    if (namesize == 0)
        return -EINVAL;
    off += CPIO_HEADER;
    if (size - off < namesize || h[CPIO_HEADER + namesize - 1] != '\0')
        return -EINVAL;
    f->name = h + CPIO_HEADER;
    off += namesize;
    off += pad4(off);
    if (off > size || size - off < filesize)
        return -EINVAL;
    f->data = a + off;
    f->size = filesize;
    off += filesize;
    *offset = off + pad4(off) < size ? off + pad4(off) : size;
    return strcmp(f->name, "TRAILER!!!") == 0 ? 0 : 1;
}
int cpio_find(const void *archive, size_t size, const char *name, struct cpio_file *f)
{
    size_t offset = 0;
    int r;
    while ((r = cpio_next(archive, size, &offset, f)) == 1)
        if (strcmp(f->name, name) == 0)
            return 0;
    return r == 0 ? -ENOENT : r;
}
