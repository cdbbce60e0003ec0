/* Reading and writing flattened device trees (DTB): Devicetree Spec v0.4, chapter 5. */
#ifndef LIB_FDT_H
#define LIB_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FDT_MAGIC           0xd00dfeedU
#define FDT_HEADER_SIZE     40          /* ten 32-bit fields */

#define FDT_H_MAGIC         0           /* offsets of the header fields */
#define FDT_H_TOTALSIZE     4
#define FDT_H_OFF_STRUCT    8
#define FDT_H_OFF_STRINGS   12
#define FDT_H_OFF_RSVMAP    16
#define FDT_H_VERSION       20
#define FDT_H_LAST_COMP     24
#define FDT_H_BOOT_CPUID    28
#define FDT_H_SIZE_STRINGS  32
#define FDT_H_SIZE_STRUCT   36

#define FDT_BEGIN_NODE      1           /* structure block tokens */
#define FDT_END_NODE        2
#define FDT_PROP            3
#define FDT_NOP             4
#define FDT_END             9
struct fdt {
    const uint8_t *blob;
    uint32_t size;                          /* totalsize, checked */
    uint32_t off_struct, size_struct;       /* the structure block */
    uint32_t off_strings, size_strings;     /* the strings block */
};

uint32_t fdt_be32(const void *p);           /* big-endian loads, byte by byte */
uint64_t fdt_be64(const void *p);
uint32_t fdt_total_size(const void *blob);  /* the header's totalsize, unchecked */

/* 0, or -EINVAL: bad magic, version < 16 or last_comp_version > 17,
   totalsize < 40 or > max_size, a block outside totalsize, a misaligned
   structure block. */
int fdt_open(struct fdt *f, const void *blob, size_t max_size);
/* "/", "/chosen", "/cpus/cpu@0"; a component without '@' also matches
   "name@anything": "/memory" finds "memory@80000000" (the first such node). */
int fdt_path_offset(const struct fdt *f, const char *path);
int fdt_first_child(const struct fdt *f, int node);     /* offset, or -ENOENT */
int fdt_next_sibling(const struct fdt *f, int node);    /* offset, or -ENOENT */
/* Depth-first walk: node < 0 gives the root (depth 0); otherwise the node
   after node in the block, *depth (may be NULL) counting +1 for each node
   entered and -1 for each left; -ENOENT after the last. */
int fdt_next_node(const struct fdt *f, int node, int *depth);
const char *fdt_node_name(const struct fdt *f, int node);   /* "cpu@0" */

/* The value of a property and its length in *len (len may be NULL). */
const void *fdt_getprop(const struct fdt *f, int node, const char *name, int *len);
bool fdt_prop_u32(const struct fdt *f, int node, const char *name, uint32_t *out);
/* The number of cells (1 or 2) 32-bit cells starting at cell index. */
bool fdt_prop_cells(const struct fdt *f, int node, const char *name,
                    int index, int cells, uint64_t *out);
/* NULL unless the value holds a NUL inside its length (a string list: its first). */
const char *fdt_prop_string(const struct fdt *f, int node, const char *name);
struct fdt_writer {
    uint8_t *buf;
    size_t cap;             /* bytes in buf (at most INT_MAX are used) */
    size_t end;             /* the structure block so far ends here */
    size_t strings_len;     /* the strings block, stored reversed at the end of buf */
    uint32_t boot_cpuid;
    int depth;              /* nodes begun and not yet ended */
    bool props_closed;      /* the open node has children: no more properties */
    bool root_done;
    bool finished;
    int error;              /* the first error, or 0 */
};
void fdt_w_begin(struct fdt_writer *w, void *buf, size_t cap, uint32_t boot_cpuid);
void fdt_w_node(struct fdt_writer *w, const char *name);  /* "" for the root */
void fdt_w_end_node(struct fdt_writer *w);
void fdt_w_prop(struct fdt_writer *w, const char *name, const void *val, size_t len);
void fdt_w_prop_empty(struct fdt_writer *w, const char *name);
void fdt_w_prop_u32(struct fdt_writer *w, const char *name, uint32_t v);
void fdt_w_prop_u64(struct fdt_writer *w, const char *name, uint64_t v);  /* two cells */
void fdt_w_prop_cells(struct fdt_writer *w, const char *name, const uint32_t *cells, size_t n);
void fdt_w_prop_str(struct fdt_writer *w, const char *name, const char *s);
int fdt_w_finish(struct fdt_writer *w);   /* the blob's size, or -ENOSPC or -EINVAL */

#endif
