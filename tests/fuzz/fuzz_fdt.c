/* The device-tree reader and writer (lib/fdt.c, chapter 3's boot
 * configuration and chapter 10's guest device trees).  The first byte chooses.
 *
 * Reader: the rest of the input is a path and a blob, which the harness opens
 * and then walks with every reader function.  The blob is what a boot loader
 * hands the hypervisor, so nothing in it may be trusted.  It checks:
 *   - fdt_open accepts only blobs whose blocks lie inside totalsize (Devicetree
 *     Spec v0.4 section 5.2) and totalsize inside the buffer;
 *   - the depth-first walk ends, gives 4-aligned offsets inside the structure
 *     block in increasing order, names that end inside the blob, and depths
 *     that grow by at most one per step;
 *   - first_child is the next node of the walk, one level down; next_sibling is
 *     a later node of the walk at the same depth;
 *   - every property value found, and every string taken from it, lies inside
 *     the structure block; fdt_prop_u32 and fdt_prop_cells read only inside
 *     the value;
 *   - a path lookup returns a node of the walk whose name matches the last
 *     component (the "name@unit" rule of section 2.2.1).
 * Writer: the rest of the input is a list of writer calls.  The harness keeps
 * its own account of which calls are allowed (one root, properties before
 * children) and checks that fdt_w_finish gives -EINVAL exactly for a wrong
 * sequence, -ENOSPC exactly when the buffer is smaller than the blob, and
 * otherwise a blob that the reader opens and reads back node for node,
 * property for property.
 */
// sources: tangled/lib/fdt.c
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include "lib/fdt.h"
#include "fuzz.h"

#define MAX_NODES 512

/* ---- the reader ---------------------------------------------------------- */

static int walk_off[MAX_NODES], walk_depth[MAX_NODES], walk_n;

static int walk_index(int off)
{
    for (int i = 0; i < walk_n; i++)
        if (walk_off[i] == off)
            return i;
    return -1;
}

static bool inside(const struct fdt *f, const void *p, size_t len)
{
    const uint8_t *b = p, *s = f->blob + f->off_struct;
    return b >= s && b <= s + f->size_struct && len <= (size_t)(s + f->size_struct - b);
}

static void check_props(const struct fdt *f, int node, const char *extra)
{
    static const char *names[] = { "reg", "compatible", "#address-cells", "#size-cells",
                                   "device_type", "bootargs", "", "cells" };
    for (unsigned k = 0; k <= sizeof names / sizeof names[0]; k++) {
        const char *name = k < sizeof names / sizeof names[0] ? names[k] : extra;
        int len = -1;
        const uint8_t *v = fdt_getprop(f, node, name, &len);
        MUST(fdt_getprop(f, node, name, NULL) == (const void *)v);
        if (v) {
            MUST(len >= 0 && inside(f, v, (size_t)len));
        }
        uint32_t u = 0;
        if (fdt_prop_u32(f, node, name, &u))
            MUST(v && len == 4 && u == fdt_be32(v));
        for (int index = -1; index < 4; index++)
            for (int cells = 0; cells <= 3; cells++) {
                uint64_t x = 0;
                if (fdt_prop_cells(f, node, name, index, cells, &x)) {
                    MUST(v && index >= 0 && (cells == 1 || cells == 2));
                    MUST(4 * (index + cells) <= len);
                    MUST(x == (cells == 2 ? fdt_be64(v + 4 * index) : fdt_be32(v + 4 * index)));
                }
            }
        const char *s = fdt_prop_string(f, node, name);
        if (s)
            MUST(s == (const char *)v && memchr(s, 0, (size_t)len) != NULL);
    }
}

/* A path's last component matches a node name as section 2.2.1 says. */
static bool name_matches(const char *name, const char *comp)
{
    size_t n = strlen(comp);
    return strncmp(name, comp, n) == 0 && (name[n] == '\0' || name[n] == '@');
}

static void check_path(const struct fdt *f, const char *path)
{
    int off = fdt_path_offset(f, path);
    if (path[0] != '/')
        MUST(off == -EINVAL);
    if (off < 0) {
        MUST(off == -EINVAL || off == -ENOENT);
        return;
    }
    MUST(walk_n == MAX_NODES || walk_index(off) >= 0);
    /* The last non-empty component; none: the root. */
    size_t end = strlen(path);
    while (end > 0 && path[end - 1] == '/')
        end--;
    size_t start = end;
    while (start > 0 && path[start - 1] != '/')
        start--;
    char comp[64];
    if (end == 0 || end - start >= sizeof comp)
        return;
    memcpy(comp, path + start, end - start);
    comp[end - start] = '\0';
    MUST(name_matches(fdt_node_name(f, off), comp));
}

static void reader(const uint8_t *data, size_t size)
{
    char path[64] = "/", extra[32];
    size_t plen = size ? data[0] % 48 : 0;
    if (plen + 1 > size)
        return;
    for (size_t i = 0; i < plen; i++)
        path[1 + i] = data[1 + i] ? (char)data[1 + i] : '/';
    path[1 + plen] = '\0';
    data += 1 + plen;
    size -= 1 + plen;
    /* The blob in a buffer of its own size, so that ASan sees any overrun. */
    uint8_t *blob = malloc(size ? size : 1);
    memcpy(blob, data, size);

    struct fdt f;
    int err = fdt_open(&f, blob, size);
    MUST(err == 0 || err == -EINVAL);
    if (err == 0 && size > 0)
        MUST(fdt_open(&f, blob, fdt_total_size(blob) - 1) == -EINVAL);
    if (err == 0 && fdt_open(&f, blob, size) == 0) {
        MUST(f.size >= FDT_HEADER_SIZE && f.size <= size && f.off_struct % 4 == 0);
        MUST(f.off_struct >= FDT_HEADER_SIZE && f.size_struct <= f.size - f.off_struct);
        MUST(f.off_strings >= FDT_HEADER_SIZE && f.size_strings <= f.size - f.off_strings);
        /* A name for the property look-ups: the strings block's first string. */
        size_t elen = f.size_strings < sizeof extra - 1 ? f.size_strings : sizeof extra - 1;
        memcpy(extra, blob + f.off_strings, elen);
        extra[elen] = '\0';

        walk_n = 0;
        int depth = 0, prev = -1, prev_depth = -1;
        for (int node = fdt_next_node(&f, -1, &depth); node >= 0 && walk_n < MAX_NODES;
             node = fdt_next_node(&f, node, &depth)) {
            MUST(node % 4 == 0 && node > prev && (uint32_t)node < f.size_struct);
            MUST(depth <= prev_depth + 1);
            const char *name = fdt_node_name(&f, node);
            MUST(name && inside(&f, name, strlen(name) + 1));
            walk_off[walk_n] = node;
            walk_depth[walk_n++] = depth;
            prev = node;
            prev_depth = depth;
        }
        for (int i = 0; i < walk_n; i++) {
            int node = walk_off[i];
            int child = fdt_first_child(&f, node);
            MUST(child >= 0 || child == -ENOENT || child == -EINVAL);
            if (child >= 0)
                MUST(i + 1 < walk_n ? walk_off[i + 1] == child &&
                                      walk_depth[i + 1] == walk_depth[i] + 1
                                    : walk_n == MAX_NODES);
            int sib = fdt_next_sibling(&f, node);
            MUST(sib >= 0 || sib == -ENOENT || sib == -EINVAL);
            if (sib >= 0 && walk_n < MAX_NODES) {
                int j = walk_index(sib);
                MUST(j > i && walk_depth[j] == walk_depth[i]);
            }
            if (i < 64)
                check_props(&f, node, extra);
        }
        MUST(fdt_node_name(&f, -4) == NULL && fdt_node_name(&f, 2) == NULL);
        MUST(fdt_node_name(&f, (int)f.size_struct) == NULL);
        static const char *paths[] = { "/", "/chosen", "/memory", "/cpus/cpu@0", "/cpus",
                                       "/soc/serial", "//chosen//", "chosen", "" };
        for (unsigned k = 0; k < sizeof paths / sizeof paths[0]; k++)
            check_path(&f, paths[k]);
        check_path(&f, path);
    }
    free(blob);
}

/* ---- the writer ---------------------------------------------------------- */

struct wprop { int node; const char *name; uint8_t val[12]; size_t len; };
struct wnode { char name[8]; int depth; };

static struct wnode wnodes[64];
static struct wprop wprops[128];
static int wn, wp;

static const char *prop_names[] = { "reg", "#size-cells", "cells", "compatible", "x", "" };

/* One run of the calls, into a buffer of cap bytes: fdt_w_finish's answer. */
static int write_calls(const uint8_t *ops, size_t n, uint8_t *buf, size_t cap, bool *valid)
{
    struct fdt_writer w;
    int depth = 0;
    bool closed = false, root_done = false;
    *valid = true;
    wn = wp = 0;
    fdt_w_begin(&w, buf, cap, 7);
    for (size_t i = 0; i + 2 < n && wn < 64 && wp < 128; i += 3) {
        uint8_t op = ops[i], a = ops[i + 1], b = ops[i + 2];
        switch (op % 4) {
        case 0: {                                           /* begin a node */
            struct wnode *nd = &wnodes[wn];
            unsigned len = a % 7;
            for (unsigned k = 0; k < len; k++)
                nd->name[k] = "ab@0,-x"[(b + 3 * k) % 7];
            nd->name[len] = '\0';
            if ((depth == 0) != (len == 0) || (depth == 0 && root_done))
                *valid = false;
            nd->depth = depth;
            fdt_w_node(&w, nd->name);
            wn++;
            depth++;
            closed = false;
            break;
        }
        case 1:                                             /* end it */
            if (depth == 0)
                *valid = false;
            fdt_w_end_node(&w);
            depth = depth ? depth - 1 : 0;
            closed = true;
            root_done = depth == 0;
            break;
        default: {                                          /* a property */
            struct wprop *pr = &wprops[wp++];
            pr->node = wn - 1;
            pr->name = prop_names[a % 6];
            pr->len = b % 13;
            for (size_t k = 0; k < pr->len; k++)
                pr->val[k] = (uint8_t)(b * 31 + k);
            if (depth == 0 || closed)
                *valid = false;
            if (op % 4 == 3 && pr->len == 4) {
                fdt_w_prop_u32(&w, pr->name, fdt_be32(pr->val));
            } else if (op % 4 == 3 && pr->len == 8) {
                fdt_w_prop_u64(&w, pr->name, fdt_be64(pr->val));
            } else if (op % 4 == 3 && pr->len == 0) {
                fdt_w_prop_empty(&w, pr->name);
            } else {
                fdt_w_prop(&w, pr->name, pr->val, pr->len);
            }
        }
        }
    }
    if (depth != 0 || !root_done)
        *valid = false;
    return fdt_w_finish(&w);
}

static void writer(const uint8_t *data, size_t size)
{
    static uint8_t big[1 << 16];
    if (size < 2)
        return;
    size_t cap = (size_t)data[0] << 8 | data[1];
    bool valid;
    int need = write_calls(data + 2, size - 2, big, sizeof big, &valid);
    MUST(valid ? need > 0 : need == -EINVAL);
    if (!valid)
        return;
    uint8_t *buf = malloc(cap ? cap : 1);
    int got = write_calls(data + 2, size - 2, buf, cap, &valid);
    MUST(got == ((size_t)need <= cap ? need : -ENOSPC));
    if (got > 0) {
        MUST(memcmp(buf, big, (size_t)got) == 0);
        struct fdt f;
        MUST(fdt_open(&f, buf, (size_t)got) == 0 && f.size == (uint32_t)got);
        MUST(fdt_be32(buf + FDT_H_BOOT_CPUID) == 7);
        int depth = 0, node = fdt_next_node(&f, -1, &depth);
        for (int i = 0; i < wn; i++) {
            MUST(node >= 0 && depth == wnodes[i].depth);
            MUST(strcmp(fdt_node_name(&f, node), wnodes[i].name) == 0);
            int child = fdt_first_child(&f, node);
            MUST(i + 1 < wn && wnodes[i + 1].depth == depth + 1 ? child >= 0 : child == -ENOENT);
            for (int k = 0; k < wp; k++) {
                if (wprops[k].node != i)
                    continue;
                int first = k;                              /* getprop finds the first */
                for (int j = 0; j < k; j++)
                    if (wprops[j].node == i && strcmp(wprops[j].name, wprops[k].name) == 0) {
                        first = j;
                        break;
                    }
                int len = -1;
                const uint8_t *v = fdt_getprop(&f, node, wprops[k].name, &len);
                MUST(v && len == (int)wprops[first].len);
                MUST(memcmp(v, wprops[first].val, wprops[first].len) == 0);
            }
            node = fdt_next_node(&f, node, &depth);
        }
        MUST(node == -ENOENT);
    }
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    if (data[0] & 1)
        writer(data + 1, size - 1);
    else
        reader(data + 1, size - 1);
    return 0;
}
