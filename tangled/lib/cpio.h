/* Reading a cpio archive in the "newc" format, as the Linux initramfs. */
#ifndef LIB_CPIO_H
#define LIB_CPIO_H

#include <stdbool.h>
#include <stddef.h>

struct cpio_file {
    const char *name;           /* NUL-terminated, inside the archive */
    const void *data;
    size_t size;
};

bool cpio_is_archive(const void *archive, size_t size);
int  cpio_next(const void *archive, size_t size, size_t *offset, struct cpio_file *f);
int  cpio_find(const void *archive, size_t size, const char *name, struct cpio_file *f);

#endif
