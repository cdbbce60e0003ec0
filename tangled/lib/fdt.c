/* A flattened device tree reader and writer (Devicetree Spec v0.4, chapter 5). */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include "lib/fdt.h"

uint32_t fdt_be32(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

uint64_t fdt_be64(const void *p)
{
    const uint8_t *b = p;
    return (uint64_t)fdt_be32(b) << 32 | fdt_be32(b + 4);
}

static void fdt_put32(uint8_t *b, uint32_t v)
{
    b[0] = (uint8_t)(v >> 24);
    b[1] = (uint8_t)(v >> 16);
    b[2] = (uint8_t)(v >> 8);
    b[3] = (uint8_t)v;
}

uint32_t fdt_total_size(const void *blob)
{
    return fdt_be32((const uint8_t *)blob + FDT_H_TOTALSIZE);
}
static bool fdt_block_fits(uint32_t off, uint32_t size, uint32_t total)
{
    return off >= FDT_HEADER_SIZE && off <= total && size <= total - off;
}

int fdt_open(struct fdt *f, const void *blob, size_t max_size)
{
    const uint8_t *h = blob;
    if (max_size < FDT_HEADER_SIZE || fdt_be32(h + FDT_H_MAGIC) != FDT_MAGIC)
        return -EINVAL;
    uint32_t total = fdt_be32(h + FDT_H_TOTALSIZE);
    uint32_t version = fdt_be32(h + FDT_H_VERSION);
    if (version < 16 || fdt_be32(h + FDT_H_LAST_COMP) > 17)
        return -EINVAL;
    if (total < FDT_HEADER_SIZE || total > max_size || total > INT_MAX)
        return -EINVAL;
    uint32_t off_struct = fdt_be32(h + FDT_H_OFF_STRUCT);
    uint32_t size_struct = fdt_be32(h + FDT_H_SIZE_STRUCT);
    uint32_t off_strings = fdt_be32(h + FDT_H_OFF_STRINGS);
    uint32_t size_strings = fdt_be32(h + FDT_H_SIZE_STRINGS);
    if (version == 16 && off_struct <= total)
        size_struct = total - off_struct;
    if (!fdt_block_fits(off_struct, size_struct, total) || off_struct % 4 != 0
        || !fdt_block_fits(off_strings, size_strings, total)
        || !fdt_block_fits(fdt_be32(h + FDT_H_OFF_RSVMAP), 16, total))
        return -EINVAL;
    *f = (struct fdt){ .blob = h, .size = total,
                       .off_struct = off_struct, .size_struct = size_struct,
                       .off_strings = off_strings, .size_strings = size_strings };
    return 0;
}
static const uint8_t *fdt_struct_bytes(const struct fdt *f, uint32_t off, uint32_t size)
{
    if (off > f->size_struct || size > f->size_struct - off)
        return NULL;
    return f->blob + f->off_struct + off;
}
static int fdt_token(const struct fdt *f, int off, uint32_t *next)
{
    const uint8_t *p = off >= 0 && off % 4 == 0 ? fdt_struct_bytes(f, (uint32_t)off, 4) : NULL;
    if (!p)
        return -EINVAL;
    uint32_t tag = fdt_be32(p), after = (uint32_t)off + 4;
    switch (tag) {
    case FDT_BEGIN_NODE:
        {
            const uint8_t *name = p + 4;
            const uint8_t *nul = memchr(name, 0, f->size_struct - after);
            if (!nul)
                return -EINVAL;
            after += (uint32_t)(nul - name) + 1;
        }
        break;
    case FDT_PROP:
        {
            const uint8_t *h = fdt_struct_bytes(f, after, 8);
            if (!h || !fdt_struct_bytes(f, after + 8, fdt_be32(h)))
                return -EINVAL;
            after += 8 + fdt_be32(h);
        }
        break;
    case FDT_END_NODE: case FDT_NOP: case FDT_END:
        break;
    default:
        return -EINVAL;
    }
    *next = (after + 3) & ~3U;
    return (int)tag;
}
static int fdt_skip(const struct fdt *f, int off, bool props, int *tag)
{
    for (;;) {
        uint32_t next;
        int t = fdt_token(f, off, &next);
        if (t < 0)
            return t;
        if (t != FDT_NOP && !(props && t == FDT_PROP)) {
            *tag = t;
            return off;
        }
        off = (int)next;
    }
}
static int fdt_node_body(const struct fdt *f, int node)
{
    uint32_t next;
    return fdt_token(f, node, &next) == FDT_BEGIN_NODE ? (int)next : -EINVAL;
}

const char *fdt_node_name(const struct fdt *f, int node)
{
    if (fdt_node_body(f, node) < 0)
        return NULL;
    return (const char *)f->blob + f->off_struct + node + 4;
}
int fdt_first_child(const struct fdt *f, int node)
{
    int tag, off = fdt_node_body(f, node);
    if (off >= 0)
        off = fdt_skip(f, off, true, &tag);
    if (off < 0)
        return off;
    return tag == FDT_BEGIN_NODE ? off : tag == FDT_END_NODE ? -ENOENT : -EINVAL;
}
static int fdt_node_end(const struct fdt *f, int node)
{
    int depth = 0, off = node;
    do {
        uint32_t next;
        int t = fdt_token(f, off, &next);
        if (t < 0 || t == FDT_END || (off == node && t != FDT_BEGIN_NODE))
            return -EINVAL;
        depth += t == FDT_BEGIN_NODE ? 1 : t == FDT_END_NODE ? -1 : 0;
        off = (int)next;
    } while (depth > 0);
    return off;
}
static int fdt_root(const struct fdt *f)
{
    int tag, off = fdt_skip(f, 0, false, &tag);
    return off < 0 || tag == FDT_BEGIN_NODE ? off : -EINVAL;
}

int fdt_next_sibling(const struct fdt *f, int node)
{
    int tag, off = fdt_node_end(f, node);
    if (off >= 0)
        off = fdt_skip(f, off, false, &tag);
    if (off < 0)
        return off;
    if (tag == FDT_BEGIN_NODE)
        return off;
    if (tag == FDT_END_NODE || (tag == FDT_END && node == fdt_root(f)))
        return -ENOENT;
    return -EINVAL;
}
int fdt_next_node(const struct fdt *f, int node, int *depth)
{
    int d = node < 0 ? -1 : depth ? *depth : 0;
    int off = node < 0 ? 0 : fdt_node_body(f, node);
    while (off >= 0) {
        uint32_t next;
        int t = fdt_token(f, off, &next);
        if (t < 0 || t == FDT_END)
            return t < 0 ? t : -ENOENT;
        if (t == FDT_BEGIN_NODE) {
            if (depth)
                *depth = d + 1;
            return off;
        }
        d -= t == FDT_END_NODE;
        off = (int)next;
    }
    return off;
}
static bool fdt_name_matches(const char *name, const char *comp, size_t n)
{
    size_t len = strlen(name);
    return len >= n && memcmp(name, comp, n) == 0 && (len == n || name[n] == '@');
}
static int fdt_find_child(const struct fdt *f, int parent, const char *comp, size_t n)
{
    int child = fdt_first_child(f, parent);
    while (child >= 0 && !fdt_name_matches(fdt_node_name(f, child), comp, n))
        child = fdt_next_sibling(f, child);
    return child;
}

int fdt_path_offset(const struct fdt *f, const char *path)
{
    if (path[0] != '/')
        return -EINVAL;
    int node = fdt_root(f);
    while (node >= 0) {
        while (*path == '/')
            path++;
        if (*path == '\0')
            return node;
        size_t n = 0;
        while (path[n] != '\0' && path[n] != '/')
            n++;
        node = fdt_find_child(f, node, path, n);
        path += n;
    }
    return node;
}
static const char *fdt_string(const struct fdt *f, uint32_t off)
{
    if (off >= f->size_strings)
        return NULL;
    const char *s = (const char *)f->blob + f->off_strings + off;
    return memchr(s, 0, f->size_strings - off) ? s : NULL;
}
const void *fdt_getprop(const struct fdt *f, int node, const char *name, int *len)
{
    int off = fdt_node_body(f, node);
    while (off >= 0) {
        uint32_t next;
        int tag = fdt_token(f, off, &next);
        if (tag == FDT_PROP) {
            const uint8_t *p = f->blob + f->off_struct + off + 4;
            const char *pname = fdt_string(f, fdt_be32(p + 4));
            if (!pname)
                return NULL;
            if (strcmp(pname, name) == 0) {
                if (len)
                    *len = (int)fdt_be32(p);
                return p + 8;
            }
        } else if (tag != FDT_NOP) {
            return NULL;
        }
        off = (int)next;
    }
    return NULL;
}
bool fdt_prop_u32(const struct fdt *f, int node, const char *name, uint32_t *out)
{
    int len;
    const uint8_t *v = fdt_getprop(f, node, name, &len);
    if (!v || len != 4)
        return false;
    *out = fdt_be32(v);
    return true;
}

bool fdt_prop_cells(const struct fdt *f, int node, const char *name,
                    int index, int cells, uint64_t *out)
{
    int len;
    const uint8_t *v = fdt_getprop(f, node, name, &len);
    if (!v || index < 0 || (cells != 1 && cells != 2)
        || (uint64_t)index + (uint64_t)cells > (uint64_t)len / 4)
        return false;
    v += 4 * (size_t)index;
    *out = cells == 2 ? fdt_be64(v) : fdt_be32(v);
    return true;
}
const char *fdt_prop_string(const struct fdt *f, int node, const char *name)
{
    int len;
    const char *v = fdt_getprop(f, node, name, &len);
    return v && len > 0 && memchr(v, 0, (size_t)len) ? v : NULL;
}
#define FDT_W_STRUCT_OFF    (FDT_HEADER_SIZE + 16)

void fdt_w_begin(struct fdt_writer *w, void *buf, size_t cap, uint32_t boot_cpuid)
{
    *w = (struct fdt_writer){ .buf = buf, .cap = cap < INT_MAX ? cap : INT_MAX,
                              .end = FDT_W_STRUCT_OFF, .boot_cpuid = boot_cpuid };
    if (w->cap < FDT_W_STRUCT_OFF)
        w->error = -ENOSPC;
}
static void w_fail(struct fdt_writer *w, int err)
{
    if (!w->error)
        w->error = err;
}

static bool w_ready(struct fdt_writer *w)
{
    if (w->finished)
        w_fail(w, -EINVAL);
    return !w->error;
}
static size_t w_free(const struct fdt_writer *w)
{
    return w->cap - w->end - w->strings_len;
}

static uint8_t *w_take(struct fdt_writer *w, size_t n)
{
    if (w->error)
        return NULL;
    if (n > w_free(w)) {
        w_fail(w, -ENOSPC);
        return NULL;
    }
    uint8_t *p = w->buf + w->end;
    memset(p, 0, n);
    w->end += n;
    return p;
}

static void w_token(struct fdt_writer *w, uint32_t tag)
{
    uint8_t *p = w_take(w, 4);
    if (p)
        fdt_put32(p, tag);
}
void fdt_w_node(struct fdt_writer *w, const char *name)
{
    if (!w_ready(w))
        return;
    if ((w->depth == 0) != (name[0] == '\0') || (w->depth == 0 && w->root_done)) {
        w_fail(w, -EINVAL);
        return;
    }
    size_t n = strlen(name) + 1;
    uint8_t *p = w_take(w, 4 + ((n + 3) & ~(size_t)3));
    if (!p)
        return;
    fdt_put32(p, FDT_BEGIN_NODE);
    memcpy(p + 4, name, n);
    w->depth++;
    w->props_closed = false;
}
void fdt_w_end_node(struct fdt_writer *w)
{
    if (!w_ready(w))
        return;
    if (w->depth == 0) {
        w_fail(w, -EINVAL);
        return;
    }
    w_token(w, FDT_END_NODE);
    w->depth--;
    w->props_closed = true;
    w->root_done = w->depth == 0;
}
static bool w_string_at(const struct fdt_writer *w, size_t off, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (w->buf[w->cap - 1 - off - i] != (uint8_t)s[i])
            return false;
    return true;
}

static bool w_string(struct fdt_writer *w, const char *name, uint32_t *off)
{
    size_t n = strlen(name) + 1;
    for (size_t o = 0; o + n <= w->strings_len; o++)
        if (w_string_at(w, o, name, n)) {
            *off = (uint32_t)o;
            return true;
        }
    if (n > w_free(w)) {
        w_fail(w, -ENOSPC);
        return false;
    }
    for (size_t i = 0; i < n; i++)
        w->buf[w->cap - 1 - w->strings_len - i] = (uint8_t)name[i];
    *off = (uint32_t)w->strings_len;
    w->strings_len += n;
    return true;
}
static uint8_t *w_prop(struct fdt_writer *w, const char *name, size_t len)
{
    uint32_t nameoff;
    if (!w_ready(w))
        return NULL;
    if (w->depth == 0 || w->props_closed) {
        w_fail(w, -EINVAL);
        return NULL;
    }
    if (!w_string(w, name, &nameoff))
        return NULL;
    uint8_t *p = len <= w_free(w) ? w_take(w, 12 + ((len + 3) & ~(size_t)3)) : NULL;
    if (!p) {
        w_fail(w, -ENOSPC);
        return NULL;
    }
    fdt_put32(p, FDT_PROP);
    fdt_put32(p + 4, (uint32_t)len);
    fdt_put32(p + 8, nameoff);
    return p + 12;
}
void fdt_w_prop(struct fdt_writer *w, const char *name, const void *val, size_t len)
{
    uint8_t *p = w_prop(w, name, len);
    if (p && len)
        memcpy(p, val, len);
}

void fdt_w_prop_empty(struct fdt_writer *w, const char *name)
{
    w_prop(w, name, 0);
}

void fdt_w_prop_cells(struct fdt_writer *w, const char *name, const uint32_t *cells, size_t n)
{
    if (n > INT_MAX / 4) {
        w_fail(w, -ENOSPC);
        return;
    }
    uint8_t *p = w_prop(w, name, 4 * n);
    for (size_t i = 0; p && i < n; i++)
        fdt_put32(p + 4 * i, cells[i]);
}
void fdt_w_prop_u32(struct fdt_writer *w, const char *name, uint32_t v)
{
    fdt_w_prop_cells(w, name, &v, 1);
}

void fdt_w_prop_u64(struct fdt_writer *w, const char *name, uint64_t v)
{
    uint32_t cells[2] = { (uint32_t)(v >> 32), (uint32_t)v };
    fdt_w_prop_cells(w, name, cells, 2);
}

void fdt_w_prop_str(struct fdt_writer *w, const char *name, const char *s)
{
    fdt_w_prop(w, name, s, strlen(s) + 1);
}
int fdt_w_finish(struct fdt_writer *w)
{
    if (w_ready(w) && (w->depth != 0 || !w->root_done))
        w_fail(w, -EINVAL);
    w_token(w, FDT_END);
    w->finished = true;
    if (w->error)
        return w->error;
    uint8_t *s = w->buf + w->cap - w->strings_len;
    for (size_t i = 0, j = w->strings_len; i + 1 < j; i++, j--) {
        uint8_t t = s[i];
        s[i] = s[j - 1];
        s[j - 1] = t;
    }
    memmove(w->buf + w->end, s, w->strings_len);
    uint8_t *h = w->buf;
    memset(h, 0, FDT_W_STRUCT_OFF);
    fdt_put32(h + FDT_H_MAGIC, FDT_MAGIC);
    fdt_put32(h + FDT_H_TOTALSIZE, (uint32_t)(w->end + w->strings_len));
    fdt_put32(h + FDT_H_OFF_STRUCT, FDT_W_STRUCT_OFF);
    fdt_put32(h + FDT_H_OFF_STRINGS, (uint32_t)w->end);
    fdt_put32(h + FDT_H_OFF_RSVMAP, FDT_HEADER_SIZE);
    fdt_put32(h + FDT_H_VERSION, 17);
    fdt_put32(h + FDT_H_LAST_COMP, 16);
    fdt_put32(h + FDT_H_BOOT_CPUID, w->boot_cpuid);
    fdt_put32(h + FDT_H_SIZE_STRINGS, (uint32_t)w->strings_len);
    fdt_put32(h + FDT_H_SIZE_STRUCT, (uint32_t)(w->end - FDT_W_STRUCT_OFF));
    return (int)(w->end + w->strings_len);
}
