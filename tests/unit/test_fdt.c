/* The device tree reader and writer (Devicetree Spec v0.4, chapter 5): a blob
   from dtc, forged and truncated blobs, and the writer's output read back. */
// sources: tangled/lib/fdt.c
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "lib/fdt.h"

/* Paths relative to the top of the repository, where `make unit` runs. */
#define TEST_DTB    "build/unit/fdt-test.dtb"        /* dtc -I dts -O dtb tests/unit/fdt-test.dts */
#define WRITTEN_DTB "build/unit/fdt-written.dtb"     /* read back by dtc -I dtb -O dts */

/* ---- helpers ----------------------------------------------------------- */

static uint8_t *load(const char *path, size_t *size)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    uint8_t *b = n > 0 ? malloc((size_t)n) : NULL;
    if (b && fread(b, 1, (size_t)n, fp) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(fp);
    *size = b ? (size_t)n : 0;
    return b;
}

/* A copy in a buffer of exactly n bytes, so that ASan catches a read past it. */
static uint8_t *copy(const uint8_t *src, size_t n)
{
    uint8_t *b = malloc(n ? n : 1);
    if (n)
        memcpy(b, src, n);
    return b;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* fdt_open on a copy of blob with one header field replaced. */
static int open_patched(const uint8_t *blob, size_t size, int field, uint32_t value)
{
    uint8_t *b = copy(blob, size);
    struct fdt f;
    put32(b + field, value);
    int r = fdt_open(&f, b, size);
    free(b);
    return r;
}

/* "depth:name," for every node of a depth-first walk, then "=END" or "=ERR". */
static void walk_string(const struct fdt *f, char *out, size_t cap)
{
    int depth = 0, node;
    size_t n = 0;
    out[0] = '\0';
    for (node = fdt_next_node(f, -1, &depth); node >= 0; node = fdt_next_node(f, node, &depth))
        n += (size_t)snprintf(out + n, cap - n, "%d:%s,", depth, fdt_node_name(f, node));
    snprintf(out + n, cap - n, "=%s", node == -ENOENT ? "END" : "ERR");
}

/* The same, from fdt_first_child and fdt_next_sibling. */
static void tree_string(const struct fdt *f, int node, int depth, char *out, size_t cap)
{
    size_t n = strlen(out);
    snprintf(out + n, cap - n, "%d:%s,", depth, fdt_node_name(f, node));
    for (int c = fdt_first_child(f, node); c >= 0; c = fdt_next_sibling(f, c))
        tree_string(f, c, depth + 1, out, cap);
}

/* ---- running every reader function on whatever it can reach -------------- */

static const char *const some_paths[] = {
    "/", "/chosen", "/memory", "/memory@100000000", "/cpus", "/cpus/cpu@0",
    "/cpus/cpu@1/interrupt-controller", "/soc/serial@10000000", "/nothing",
};
static const char *const some_props[] = {
    "reg", "bootargs", "compatible", "#address-cells", "linux,initrd-start",
    "interrupt-controller", "riscv,isa", "timebase-frequency", "rvh,bytes",
};

static bool inside(const struct fdt *f, const void *p, size_t len)
{
    const uint8_t *b = p;
    return b >= f->blob && b <= f->blob + f->size && len <= (size_t)(f->blob + f->size - b);
}

/* Every answer for node must be an error or data inside the blob: returns the number of bad answers. */
static int visit(const struct fdt *f, int node)
{
    int bad = 0;
    const char *name = fdt_node_name(f, node);
    if (!name || !inside(f, name, strlen(name) + 1))
        bad++;
    int c = fdt_first_child(f, node), s = fdt_next_sibling(f, node);
    bad += !(c > node || c == -ENOENT || c == -EINVAL);
    bad += !(s > node || s == -ENOENT || s == -EINVAL);
    for (size_t i = 0; i < sizeof some_props / sizeof some_props[0]; i++) {
        int len = -1;
        uint32_t u;
        uint64_t v;
        const void *p = fdt_getprop(f, node, some_props[i], &len);
        if (p && (len < 0 || !inside(f, p, (size_t)len)))
            bad++;
        fdt_prop_u32(f, node, some_props[i], &u);
        for (int idx = 0; idx < 4; idx++)
            for (int cells = 1; cells <= 2; cells++)
                fdt_prop_cells(f, node, some_props[i], idx, cells, &v);
        const char *str = fdt_prop_string(f, node, some_props[i]);
        if (str && !inside(f, str, strlen(str) + 1))
            bad++;
    }
    return bad;
}

/* Runs the whole reader over f; *nodes is how many nodes the walk met, *end how it ended. */
static int exercise(const struct fdt *f, int *nodes, int *end)
{
    int bad = 0, depth = 0, node;
    for (size_t i = 0; i < sizeof some_paths / sizeof some_paths[0]; i++) {
        int r = fdt_path_offset(f, some_paths[i]);
        if (r >= 0)
            bad += visit(f, r);
        else if (r != -ENOENT && r != -EINVAL)
            bad++;
    }
    *nodes = 0;
    for (node = fdt_next_node(f, -1, &depth); node >= 0; node = fdt_next_node(f, node, &depth)) {
        ++*nodes;
        bad += visit(f, node);
    }
    *end = node;
    bad += node != -ENOENT && node != -EINVAL;
    bad += fdt_node_name(f, -4) != NULL || fdt_node_name(f, 2) != NULL;
    return bad;
}

/* ---- the blob dtc made ------------------------------------------------- */

static void test_be(void)
{
    static const uint8_t b[9] = { 0x80, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0xff, 0x11 };
    CHECK(fdt_be32(b) == 0x80010203u, "be32 with the top bit set: %#x", fdt_be32(b));
    CHECK(fdt_be32(b + 1) == 0x01020304u, "be32 at an odd address");
    CHECK(fdt_be64(b) == 0x80010203040506ffull, "be64: %#llx", (unsigned long long)fdt_be64(b));
    CHECK(fdt_be64(b + 1) == 0x010203040506ff11ull, "be64 at an odd address");
}

static void test_dtc_header(const uint8_t *blob, size_t size, struct fdt *f)
{
    CHECK(fdt_total_size(blob) == size, "totalsize is the file's size, %zu", size);
    CHECK(fdt_open(f, blob, size) == 0, "fdt_open accepts dtc's blob");
    CHECK(f->blob == blob && f->size == size, "blob and size recorded");
    CHECK(f->off_struct == 40 + 2 * 16, "structure block after the header and two reservation entries");
    CHECK(f->size_struct == fdt_be32(blob + FDT_H_SIZE_STRUCT), "size_dt_struct recorded");
    CHECK(f->off_strings == f->off_struct + f->size_struct, "strings block follows: %u", f->off_strings);
    CHECK(f->off_strings + f->size_strings == size, "strings block ends the blob");
    CHECK(fdt_open(f, blob, size + 100) == 0, "a larger bound is fine");
}

static void test_dtc_nodes(const struct fdt *f)
{
    int root = fdt_path_offset(f, "/");
    CHECK(root == 0, "the root is the first token: %d", root);
    CHECK_STR(fdt_node_name(f, root), "", "the root's name is empty");
    int chosen = fdt_path_offset(f, "/chosen");
    CHECK(chosen > 0 && fdt_first_child(f, root) == chosen, "/chosen is the root's first child");
    CHECK_STR(fdt_node_name(f, chosen), "chosen", "its name");
    CHECK(fdt_first_child(f, chosen) == -ENOENT, "/chosen has no children");
    CHECK(fdt_next_sibling(f, root) == -ENOENT, "the root has no sibling");

    int mem = fdt_path_offset(f, "/memory");
    CHECK_STR(fdt_node_name(f, mem), "memory@80000000", "/memory finds the first memory@ node");
    CHECK(fdt_next_sibling(f, chosen) == mem, "and it follows /chosen");
    CHECK(fdt_path_offset(f, "/memory@80000000") == mem, "the full name finds it too");
    int mem2 = fdt_path_offset(f, "/memory@100000000");
    CHECK(mem2 > mem && fdt_next_sibling(f, mem) == mem2, "/memory@100000000 is the next sibling");
    CHECK(fdt_path_offset(f, "/memory@90000000") == -ENOENT, "a wrong unit address: -ENOENT");
    CHECK(fdt_path_offset(f, "/memory@") == -ENOENT, "an empty unit address: -ENOENT");
    CHECK(fdt_path_offset(f, "/mem") == -ENOENT, "a prefix of a name is not the name");
    CHECK(fdt_path_offset(f, "/nothing") == -ENOENT, "an absent node: -ENOENT");
    CHECK(fdt_path_offset(f, "/chosen/bootargs") == -ENOENT, "a property is not a node");
    CHECK(fdt_path_offset(f, "chosen") == -EINVAL, "a relative path: -EINVAL");
    CHECK(fdt_path_offset(f, "") == -EINVAL, "an empty path: -EINVAL");

    int cpus = fdt_path_offset(f, "/cpus");
    int cpu0 = fdt_path_offset(f, "/cpus/cpu@0"), cpu1 = fdt_path_offset(f, "/cpus/cpu@1");
    CHECK(cpu0 > cpus && fdt_first_child(f, cpus) == cpu0, "cpu@0 is the first child of /cpus");
    CHECK(fdt_next_sibling(f, cpu0) == cpu1, "cpu@1 follows it, past cpu@0's interrupt controller");
    CHECK(fdt_next_sibling(f, cpu1) == -ENOENT, "and is the last");
    CHECK(fdt_path_offset(f, "/cpus/cpu") == cpu0, "/cpus/cpu: the first match wins");
    CHECK(fdt_path_offset(f, "//cpus//cpu@1/") == cpu1, "empty path components are skipped");
    int intc = fdt_path_offset(f, "/cpus/cpu@1/interrupt-controller");
    CHECK(intc > cpu1 && fdt_first_child(f, cpu1) == intc, "cpu@1's interrupt controller");
    CHECK(fdt_next_sibling(f, intc) == -ENOENT, "it is cpu@1's only child");
    CHECK(fdt_path_offset(f, "/soc/serial") == fdt_path_offset(f, "/soc/serial@10000000")
          && fdt_path_offset(f, "/soc/serial") > intc, "/soc/serial");

    CHECK(fdt_node_name(f, 4) == NULL, "offset 4 is inside the root, not a node");
    CHECK(fdt_node_name(f, 2) == NULL, "a misaligned offset is not a node");
    CHECK(fdt_node_name(f, -1) == NULL, "nor is a negative one");
    CHECK(fdt_node_name(f, (int)f->size_struct) == NULL, "nor the end of the block");
    CHECK(fdt_first_child(f, 4) == -EINVAL && fdt_next_sibling(f, 4) == -EINVAL,
          "children and siblings of a non-node: -EINVAL");
}

static void test_dtc_walk(const struct fdt *f)
{
    static const char want[] =
        "0:,1:chosen,1:memory@80000000,1:memory@100000000,1:cpus,2:cpu@0,"
        "3:interrupt-controller,2:cpu@1,3:interrupt-controller,1:soc,2:serial@10000000,";
    char got[512], tree[512] = "";
    walk_string(f, got, sizeof got);
    char want_walk[sizeof want + 8];
    snprintf(want_walk, sizeof want_walk, "%s=END", want);
    CHECK_STR(got, want_walk, "fdt_next_node visits every node with its depth");
    tree_string(f, fdt_path_offset(f, "/"), 0, tree, sizeof tree);
    CHECK_STR(tree, want, "first_child/next_sibling give the same tree");

    int n = 0, node;
    for (node = fdt_next_node(f, -1, NULL); node >= 0; node = fdt_next_node(f, node, NULL))
        n++;
    CHECK(n == 11 && node == -ENOENT, "the walk works without a depth: %d nodes", n);
    int depth = 7;
    node = fdt_next_node(f, fdt_path_offset(f, "/cpus/cpu@1"), &depth);
    CHECK(node == fdt_path_offset(f, "/cpus/cpu@1/interrupt-controller") && depth == 8,
          "a walk from cpu@1 enters its child, depth counted from the caller's: %d", depth);
    node = fdt_next_node(f, node, &depth);
    CHECK(node == fdt_path_offset(f, "/soc") && depth == 6, "then leaves two levels for /soc: %d", depth);
}

static void test_dtc_props(const struct fdt *f)
{
    int root = fdt_path_offset(f, "/"), chosen = fdt_path_offset(f, "/chosen");
    uint32_t u = 0;
    uint64_t v = 0;
    int len = -1;
    CHECK(fdt_prop_u32(f, root, "#address-cells", &u) && u == 2, "#address-cells = 2");
    CHECK(fdt_prop_u32(f, root, "#size-cells", &u) && u == 2, "#size-cells = 2");
    CHECK_STR(fdt_prop_string(f, root, "compatible"), "riscv-virtio", "root compatible");
    CHECK_STR(fdt_prop_string(f, root, "model"), "riscv-virtio,qemu", "root model");
    const char *b = fdt_getprop(f, root, "rvh,bytes", &len);
    CHECK(b && len == 3 && memcmp(b, "rvh", 3) == 0, "a 3-byte value: len %d", len);
    CHECK(fdt_prop_string(f, root, "rvh,bytes") == NULL, "without a NUL it is not a string");
    CHECK(fdt_getprop(f, root, "bootargs", &len) == NULL, "/chosen's property is not the root's");

    const char *args = fdt_getprop(f, chosen, "bootargs", &len);
    CHECK(args && len == 30 && strcmp(args, "console=ttyS0 rvh.guest=hello") == 0,
          "bootargs, 30 bytes with the NUL: %d", len);
    CHECK_STR(fdt_prop_string(f, chosen, "bootargs"), "console=ttyS0 rvh.guest=hello", "bootargs as a string");
    CHECK(fdt_getprop(f, chosen, "bootargs", NULL) == args, "len may be NULL");
    CHECK(fdt_prop_cells(f, chosen, "linux,initrd-start", 0, 2, &v) && v == 0x88200000,
          "initrd start, 64 bits: %#llx", (unsigned long long)v);
    CHECK(fdt_prop_cells(f, chosen, "linux,initrd-end", 0, 2, &v) && v == 0x88201234, "initrd end");
    CHECK(fdt_prop_cells(f, chosen, "linux,initrd-start", 1, 1, &v) && v == 0x88200000, "its low cell");
    CHECK(fdt_prop_cells(f, chosen, "linux,initrd-start", 0, 1, &v) && v == 0, "its high cell");
    v = 42;
    CHECK(!fdt_prop_cells(f, chosen, "linux,initrd-start", 1, 2, &v) && v == 42,
          "two cells from cell 1 of two: out of bounds, *out untouched");
    CHECK(!fdt_prop_cells(f, chosen, "linux,initrd-start", 2, 1, &v), "cell 2 of two");
    CHECK(!fdt_prop_cells(f, chosen, "linux,initrd-start", -1, 1, &v), "a negative index");
    CHECK(!fdt_prop_cells(f, chosen, "linux,initrd-start", 0, 3, &v), "three cells");
    CHECK(!fdt_prop_cells(f, chosen, "linux,initrd-start", 0, 0, &v), "zero cells");
    CHECK(!fdt_prop_cells(f, chosen, "linux,initrd-start", 0x7fffffff, 2, &v), "INT_MAX index");
    CHECK(!fdt_prop_u32(f, chosen, "linux,initrd-start", &u), "an 8-byte value is not a u32");
    CHECK_STR(fdt_prop_string(f, chosen, "stdout-path"), "/soc/serial@10000000", "stdout-path");

    int mem = fdt_path_offset(f, "/memory"), mem2 = fdt_path_offset(f, "/memory@100000000");
    CHECK(fdt_prop_cells(f, mem, "reg", 0, 2, &v) && v == 0x80000000, "RAM base %#llx", (unsigned long long)v);
    CHECK(fdt_prop_cells(f, mem, "reg", 2, 2, &v) && v == 0x10000000, "RAM size %#llx", (unsigned long long)v);
    CHECK(!fdt_prop_cells(f, mem, "reg", 3, 2, &v), "reg has four cells, not five");
    CHECK(fdt_prop_cells(f, mem2, "reg", 0, 2, &v) && v == 0x100000000ull, "second bank base: high cell 1");
    CHECK(fdt_prop_cells(f, mem2, "reg", 2, 2, &v) && v == 0x40000000, "second bank size");
    CHECK_STR(fdt_prop_string(f, mem, "device_type"), "memory", "device_type");

    int cpus = fdt_path_offset(f, "/cpus"), cpu0 = fdt_path_offset(f, "/cpus/cpu@0");
    int cpu1 = fdt_path_offset(f, "/cpus/cpu@1");
    CHECK(fdt_prop_u32(f, cpus, "timebase-frequency", &u) && u == 10000000, "timebase 10 MHz: %u", u);
    CHECK(fdt_prop_u32(f, cpus, "#address-cells", &u) && u == 1, "/cpus #address-cells = 1");
    CHECK(fdt_prop_u32(f, cpu0, "reg", &u) && u == 0, "cpu@0 reg = 0");
    CHECK(fdt_prop_u32(f, cpu1, "reg", &u) && u == 1, "cpu@1 reg = 1");
    CHECK_STR(fdt_prop_string(f, cpu0, "riscv,isa"), "rv64imafdch_zicsr_zifencei_sstc", "cpu@0 ISA");
    CHECK_STR(fdt_prop_string(f, cpu1, "riscv,isa"), "rv64imafdch_zicsr_zifencei", "cpu@1 ISA");
    CHECK_STR(fdt_prop_string(f, cpu1, "mmu-type"), "riscv,sv48", "cpu@1 mmu-type");
    CHECK(fdt_getprop(f, cpus, "riscv,isa", NULL) == NULL, "a child's property is not its parent's");

    int intc = fdt_path_offset(f, "/cpus/cpu@0/interrupt-controller");
    len = -1;
    const void *e = fdt_getprop(f, intc, "interrupt-controller", &len);
    CHECK(e != NULL && len == 0, "an empty property is present with length 0");
    CHECK(fdt_prop_string(f, intc, "interrupt-controller") == NULL, "an empty value is not a string");
    CHECK(!fdt_prop_u32(f, intc, "interrupt-controller", &u), "nor a u32");
    CHECK(fdt_prop_u32(f, intc, "#interrupt-cells", &u) && u == 1, "#interrupt-cells = 1");
    CHECK_STR(fdt_prop_string(f, intc, "compatible"), "riscv,cpu-intc", "the last property of a node");
    CHECK(fdt_getprop(f, 4, "reg", NULL) == NULL && !fdt_prop_u32(f, -8, "reg", &u),
          "properties of a non-node: NULL, false");
}

/* Version 16 has no size_dt_struct: the structure block runs to the end. */
static void test_versions(const uint8_t *blob, size_t size)
{
    uint8_t *b = copy(blob, size);
    struct fdt f;
    put32(b + FDT_H_VERSION, 16);
    put32(b + FDT_H_SIZE_STRUCT, 0xffffffff);
    CHECK(fdt_open(&f, b, size) == 0, "version 16 is accepted");
    CHECK(f.size_struct == size - f.off_struct, "its structure block runs to the end: %u", f.size_struct);
    CHECK_STR(fdt_node_name(&f, fdt_path_offset(&f, "/cpus/cpu@1/interrupt-controller")),
              "interrupt-controller", "and is read as usual");
    free(b);
    CHECK(open_patched(blob, size, FDT_H_VERSION, 15) == -EINVAL, "version 15: -EINVAL");
    CHECK(open_patched(blob, size, FDT_H_VERSION, 18) == 0, "version 18, compatible with 16: accepted");
    CHECK(open_patched(blob, size, FDT_H_LAST_COMP, 17) == 0, "last_comp_version 17: accepted");
    CHECK(open_patched(blob, size, FDT_H_LAST_COMP, 18) == -EINVAL, "last_comp_version 18: -EINVAL");
}

static void test_bad_headers(const uint8_t *blob, size_t size)
{
    uint32_t s = (uint32_t)size, os = fdt_be32(blob + FDT_H_OFF_STRUCT);
    uint32_t ss = fdt_be32(blob + FDT_H_SIZE_STRUCT), ostr = fdt_be32(blob + FDT_H_OFF_STRINGS);
    struct fdt f = { 0 };
    CHECK(open_patched(blob, size, FDT_H_MAGIC, 0xedfe0dd0) == -EINVAL, "a byte-swapped magic: -EINVAL");
    CHECK(open_patched(blob, size, FDT_H_TOTALSIZE, s + 1) == -EINVAL, "totalsize one past the buffer");
    CHECK(open_patched(blob, size, FDT_H_TOTALSIZE, 0xffffffff) == -EINVAL, "totalsize 4 GiB");
    CHECK(open_patched(blob, size, FDT_H_TOTALSIZE, 39) == -EINVAL, "totalsize smaller than a header");
    CHECK(open_patched(blob, size, FDT_H_TOTALSIZE, s - 1) == -EINVAL, "totalsize cuts the strings block");
    CHECK(open_patched(blob, size, FDT_H_OFF_STRUCT, s) == -EINVAL, "structure block starts at the end");
    CHECK(open_patched(blob, size, FDT_H_OFF_STRUCT, 0xfffffffc) == -EINVAL, "offset + size wraps around");
    CHECK(open_patched(blob, size, FDT_H_OFF_STRUCT, os + 2) == -EINVAL, "a misaligned structure block");
    CHECK(open_patched(blob, size, FDT_H_OFF_STRUCT, 0) == -EINVAL, "a structure block over the header");
    CHECK(open_patched(blob, size, FDT_H_SIZE_STRUCT, s - os + 1) == -EINVAL, "structure block past the end");
    CHECK(open_patched(blob, size, FDT_H_SIZE_STRUCT, 0xfffffff0) == -EINVAL, "a huge structure block");
    CHECK(open_patched(blob, size, FDT_H_SIZE_STRUCT, ss - 4) == 0, "a shorter one is inside: accepted");
    CHECK(open_patched(blob, size, FDT_H_OFF_STRINGS, s - 1) == -EINVAL, "strings block past the end");
    CHECK(open_patched(blob, size, FDT_H_SIZE_STRINGS, s - ostr + 1) == -EINVAL, "strings one byte too long");
    CHECK(open_patched(blob, size, FDT_H_OFF_RSVMAP, s - 8) == -EINVAL, "reservation block past the end");
    CHECK(open_patched(blob, size, FDT_H_OFF_RSVMAP, 8) == -EINVAL, "reservation block over the header");
    CHECK(fdt_open(&f, blob, 39) == -EINVAL, "a bound below 40 bytes");
    CHECK(fdt_open(&f, blob, size - 1) == -EINVAL, "a bound one byte short");
    CHECK(f.blob == NULL, "a failed open leaves *f alone");
}

/* The blob cut at every length: in a buffer of that length, then with the
   header made to agree so that the cut lands inside the structure or strings block. */
static void test_truncated(const uint8_t *blob, size_t size)
{
    uint32_t os = fdt_be32(blob + FDT_H_OFF_STRUCT), ss = fdt_be32(blob + FDT_H_SIZE_STRUCT);
    uint32_t ostr = fdt_be32(blob + FDT_H_OFF_STRINGS), sstr = fdt_be32(blob + FDT_H_SIZE_STRINGS);
    int wrong = 0, bad = 0, nodes, end, last_nodes = 0, bad_end = 0, not_monotonic = 0;
    for (size_t n = 0; n <= size; n++) {
        uint8_t *b = copy(blob, n);
        struct fdt f;
        int r = fdt_open(&f, b, n);
        wrong += n < size ? r != -EINVAL : r != 0;
        if (r == 0)
            bad += exercise(&f, &nodes, &end);
        free(b);
    }
    CHECK(wrong == 0 && bad == 0, "cut at 0..%zu bytes: -EINVAL, whole: accepted (%d wrong, %d bad)",
          size, wrong, bad);

    /* The structure block cut at every length, in a blob laid out as header,
       reservations, strings, structure, whose header says so. */
    uint32_t so = (os + sstr + 3) & ~3u;
    wrong = bad = 0;
    for (uint32_t k = 0; k <= ss; k++) {
        uint8_t *b = calloc(1, so + k);
        struct fdt f;
        memcpy(b, blob, os);
        memcpy(b + os, blob + ostr, sstr);
        memcpy(b + so, blob + os, k);
        put32(b + FDT_H_TOTALSIZE, so + k);
        put32(b + FDT_H_OFF_STRINGS, os);
        put32(b + FDT_H_OFF_STRUCT, so);
        put32(b + FDT_H_SIZE_STRUCT, k);
        if (fdt_open(&f, b, so + k) != 0) {
            wrong++;
        } else {
            bad += exercise(&f, &nodes, &end);
            bad_end += k < ss ? end != -EINVAL : end != -ENOENT;
            not_monotonic += nodes < last_nodes;
            last_nodes = nodes;
        }
        free(b);
    }
    CHECK(wrong == 0 && bad == 0, "structure block cut at 0..%u bytes: no bad answer (%d, %d)", ss, wrong, bad);
    CHECK(bad_end == 0, "every cut walk ends in -EINVAL, the whole one in -ENOENT (%d wrong)", bad_end);
    CHECK(not_monotonic == 0 && last_nodes == 11, "a longer cut never shows fewer nodes; all 11 at the end");

    /* The strings block cut at every length, where dtc put it: last. */
    wrong = bad = 0;
    int named = 0;
    uint32_t at = 0;            /* where "bootargs" is in the strings block */
    while (at + 9 <= sstr && memcmp(blob + ostr + at, "bootargs", 9) != 0)
        at++;
    for (uint32_t k = 0; k <= sstr; k++) {
        uint8_t *b = copy(blob, ostr + k);
        struct fdt f;
        put32(b + FDT_H_TOTALSIZE, ostr + k);
        put32(b + FDT_H_SIZE_STRINGS, k);
        if (fdt_open(&f, b, ostr + k) != 0) {
            wrong++;
        } else {
            bad += exercise(&f, &nodes, &end);
            named += fdt_prop_string(&f, fdt_path_offset(&f, "/chosen"), "bootargs") != NULL;
        }
        free(b);
    }
    CHECK(wrong == 0 && bad == 0, "strings block cut at 0..%u bytes: no bad answer (%d, %d)", sstr, wrong, bad);
    CHECK(at + 9 <= sstr && named == (int)(sstr + 1 - (at + 9)),
          "bootargs is found exactly when its name is whole: %d cuts of %u", named, sstr + 1);
}

/* Every byte of the blob changed three ways: errors are fine, bad reads are not. */
static void test_mutated(const uint8_t *blob, size_t size)
{
    static const uint8_t flips[] = { 0x01, 0x80, 0xff };
    int bad = 0, opened = 0, nodes, end;
    uint8_t *b = copy(blob, size);
    for (size_t i = 0; i < size; i++)
        for (size_t j = 0; j < sizeof flips; j++) {
            struct fdt f;
            b[i] ^= flips[j];
            if (fdt_open(&f, b, size) == 0) {
                opened++;
                bad += exercise(&f, &nodes, &end);
            }
            b[i] ^= flips[j];
        }
    free(b);
    CHECK(bad == 0 && opened > 0, "%zu mutated blobs, %d opened: no bad answer", 3 * size, opened);
}

/* ---- blobs built by hand, token by token --------------------------------- */

struct hand {
    uint8_t st[256];            /* the structure block */
    size_t ns;
    char str[64];               /* the strings block */
    size_t nstr;
};

static void h_tok(struct hand *h, uint32_t v)
{
    put32(h->st + h->ns, v);
    h->ns += 4;
}

static void h_node(struct hand *h, const char *name)
{
    h_tok(h, FDT_BEGIN_NODE);
    size_t n = strlen(name) + 1;
    memcpy(h->st + h->ns, name, n);
    h->ns += (n + 3) & ~(size_t)3;
}

static void h_prop(struct hand *h, uint32_t len, uint32_t nameoff, const void *val, size_t vlen)
{
    h_tok(h, FDT_PROP);
    h_tok(h, len);
    h_tok(h, nameoff);
    memcpy(h->st + h->ns, val, vlen);
    h->ns += (vlen + 3) & ~(size_t)3;
}

/* Header, one empty reservation entry, structure block, strings block: in a buffer of exactly its size. */
static uint8_t *h_blob(const struct hand *h, struct fdt *f, int *r)
{
    size_t total = 56 + h->ns + h->nstr;
    uint8_t *b = calloc(1, total);
    put32(b + FDT_H_MAGIC, FDT_MAGIC);
    put32(b + FDT_H_TOTALSIZE, (uint32_t)total);
    put32(b + FDT_H_OFF_STRUCT, 56);
    put32(b + FDT_H_OFF_STRINGS, (uint32_t)(56 + h->ns));
    put32(b + FDT_H_OFF_RSVMAP, 40);
    put32(b + FDT_H_VERSION, 17);
    put32(b + FDT_H_LAST_COMP, 16);
    put32(b + FDT_H_SIZE_STRINGS, (uint32_t)h->nstr);
    put32(b + FDT_H_SIZE_STRUCT, (uint32_t)h->ns);
    memcpy(b + 56, h->st, h->ns);
    memcpy(b + 56 + h->ns, h->str, h->nstr);
    *r = fdt_open(f, b, total);
    return b;
}

static void test_nops(void)
{
    struct hand h = { .str = "#address-cells\0bootargs", .nstr = 24 };
    static const uint8_t two[4] = { 0, 0, 0, 2 };
    h_tok(&h, FDT_NOP);
    h_node(&h, "");
    h_tok(&h, FDT_NOP);
    h_prop(&h, 4, 0, two, 4);
    h_tok(&h, FDT_NOP);
    h_node(&h, "chosen");
    h_tok(&h, FDT_NOP);
    h_prop(&h, 2, 15, "x", 2);
    h_tok(&h, FDT_NOP);
    h_tok(&h, FDT_END_NODE);
    h_tok(&h, FDT_NOP);
    h_node(&h, "cpus");
    h_tok(&h, FDT_NOP);
    h_node(&h, "cpu@0");
    h_tok(&h, FDT_END_NODE);
    h_tok(&h, FDT_NOP);
    h_tok(&h, FDT_END_NODE);
    h_tok(&h, FDT_NOP);
    h_tok(&h, FDT_END_NODE);
    h_tok(&h, FDT_NOP);
    h_tok(&h, FDT_END);
    struct fdt f;
    int r;
    uint32_t u = 0;
    uint8_t *b = h_blob(&h, &f, &r);
    char got[256];
    CHECK(r == 0, "a tree full of FDT_NOPs opens");
    CHECK(fdt_path_offset(&f, "/") == 4, "the root is found after a leading FDT_NOP");
    CHECK(fdt_prop_u32(&f, 4, "#address-cells", &u) && u == 2, "a property after an FDT_NOP");
    CHECK_STR(fdt_prop_string(&f, fdt_path_offset(&f, "/chosen"), "bootargs"), "x", "/chosen/bootargs");
    CHECK(fdt_next_sibling(&f, fdt_path_offset(&f, "/chosen")) == fdt_path_offset(&f, "/cpus"),
          "a sibling after an FDT_NOP");
    CHECK_STR(fdt_node_name(&f, fdt_path_offset(&f, "/cpus/cpu")), "cpu@0", "/cpus/cpu");
    CHECK(fdt_first_child(&f, fdt_path_offset(&f, "/cpus/cpu@0")) == -ENOENT, "cpu@0 has no children");
    walk_string(&f, got, sizeof got);
    CHECK_STR(got, "0:,1:chosen,1:cpus,2:cpu@0,=END", "the walk skips every FDT_NOP");
    free(b);
}

static void test_hostile_structure(void)
{
    struct fdt f;
    int r;
    uint8_t *b;
    static const uint8_t val[4] = { 1, 2, 3, 4 };

    struct hand h1 = { .str = "reg", .nstr = 4 };          /* a property longer than the block */
    h_node(&h1, "");
    h_prop(&h1, 0x1000, 0, val, 4);
    h_tok(&h1, FDT_END_NODE);
    h_tok(&h1, FDT_END);
    b = h_blob(&h1, &f, &r);
    CHECK(r == 0 && fdt_path_offset(&f, "/") == 0, "property length 0x1000: the header is fine");
    CHECK(fdt_getprop(&f, 0, "reg", NULL) == NULL, "the property is not returned");
    CHECK(fdt_first_child(&f, 0) == -EINVAL && fdt_next_sibling(&f, 0) == -EINVAL,
          "walking past it: -EINVAL");
    CHECK(fdt_path_offset(&f, "/chosen") == -EINVAL, "a path lookup through it: -EINVAL");
    CHECK(fdt_next_node(&f, 0, NULL) == -EINVAL, "the depth-first walk: -EINVAL");
    put32(b + 56 + 12, 0xffffffff);
    CHECK(fdt_getprop(&f, 0, "reg", NULL) == NULL && fdt_first_child(&f, 0) == -EINVAL,
          "property length 0xffffffff: refused, not wrapped");
    put32(b + 56 + 12, 0xfffffffc);
    CHECK(fdt_next_node(&f, 0, NULL) == -EINVAL, "property length 0xfffffffc: refused");
    free(b);

    struct hand h2 = { .nstr = 0 };                          /* a node name without a NUL */
    h_node(&h2, "");
    h_tok(&h2, FDT_BEGIN_NODE);
    memcpy(h2.st + h2.ns, "abcd", 4);
    h2.ns += 4;
    b = h_blob(&h2, &f, &r);
    CHECK(r == 0, "an unterminated name at the end of the block: opens");
    CHECK(fdt_node_name(&f, 8) == NULL, "its name is not returned");
    CHECK(fdt_path_offset(&f, "/abcd") == -EINVAL, "a lookup meets it: -EINVAL");
    CHECK(fdt_first_child(&f, 0) == -EINVAL, "as the first child: -EINVAL");
    free(b);

    struct hand h3 = { .str = "reg", .nstr = 3 };          /* a property name without a NUL */
    h_node(&h3, "");
    h_prop(&h3, 4, 0, val, 4);
    h_prop(&h3, 4, 99, val, 4);
    h_tok(&h3, FDT_END_NODE);
    h_tok(&h3, FDT_END);
    b = h_blob(&h3, &f, &r);
    CHECK(r == 0 && fdt_getprop(&f, 0, "reg", NULL) == NULL, "an unterminated property name: NULL");
    memcpy(b + 56 + h3.ns, "re\0", 3);
    CHECK(fdt_getprop(&f, 0, "re", NULL) != NULL, "terminated, the same property is found");
    CHECK(fdt_getprop(&f, 0, "x", NULL) == NULL, "a name offset past the strings block: NULL");
    CHECK(fdt_first_child(&f, 0) == -ENOENT, "names are not read to skip a property");
    free(b);

    struct hand h4 = { .nstr = 0 };                          /* an unknown token */
    h_node(&h4, "");
    h_tok(&h4, 5);
    h_tok(&h4, FDT_END_NODE);
    h_tok(&h4, FDT_END);
    b = h_blob(&h4, &f, &r);
    CHECK(r == 0 && fdt_first_child(&f, 0) == -EINVAL && fdt_getprop(&f, 0, "reg", NULL) == NULL,
          "token 5: -EINVAL");
    free(b);

    struct hand h5 = { .str = "reg", .nstr = 4 };          /* FDT_END inside a node */
    h_node(&h5, "");
    h_node(&h5, "a");
    h_tok(&h5, FDT_END_NODE);
    h_tok(&h5, FDT_END);
    b = h_blob(&h5, &f, &r);
    CHECK(r == 0 && fdt_path_offset(&f, "/a") == 8, "an unclosed root: its child is found");
    CHECK(fdt_next_sibling(&f, 8) == -EINVAL, "but the child's sibling meets FDT_END: -EINVAL");
    CHECK(fdt_next_sibling(&f, 0) == -EINVAL, "and the root never ends: -EINVAL");
    free(b);

    struct hand h6 = { .str = "reg", .nstr = 4 };          /* a property after a child */
    h_node(&h6, "");
    h_node(&h6, "a");
    h_tok(&h6, FDT_END_NODE);
    h_prop(&h6, 4, 0, val, 4);
    h_tok(&h6, FDT_END_NODE);
    h_tok(&h6, FDT_END);
    b = h_blob(&h6, &f, &r);
    CHECK(r == 0 && fdt_next_sibling(&f, 8) == -EINVAL, "a property after a child: -EINVAL");
    CHECK(fdt_getprop(&f, 0, "reg", NULL) == NULL, "and it is not the root's property");
    free(b);

    struct hand h8 = { .nstr = 0 };                          /* FDT_END right inside the root */
    h_node(&h8, "");
    h_tok(&h8, FDT_END);
    b = h_blob(&h8, &f, &r);
    CHECK(r == 0 && fdt_first_child(&f, 0) == -EINVAL && fdt_next_sibling(&f, 0) == -EINVAL,
          "FDT_END inside the root: no child, no sibling, -EINVAL");
    CHECK(fdt_path_offset(&f, "/a") == -EINVAL && fdt_next_node(&f, 0, NULL) == -ENOENT,
          "a lookup: -EINVAL; the walk simply ends");
    free(b);

    struct hand h7 = { .nstr = 0 };                          /* an empty structure block */
    b = h_blob(&h7, &f, &r);
    CHECK(r == 0 && fdt_path_offset(&f, "/") == -EINVAL && fdt_next_node(&f, -1, NULL) == -EINVAL,
          "an empty structure block: no root, -EINVAL");
    free(b);
}

/* ---- the writer ---------------------------------------------------------- */

/* A tree like one the monitor gives a guest: 128 MiB, one hart, a command line and an initrd. */
static int write_guest(void *buf, size_t cap)
{
    static const uint32_t reg[4] = { 0, 0x80000000, 0, 0x08000000 };
    struct fdt_writer w;
    fdt_w_begin(&w, buf, cap, 0);
    fdt_w_node(&w, "");
    fdt_w_prop_u32(&w, "#address-cells", 2);
    fdt_w_prop_u32(&w, "#size-cells", 2);
    fdt_w_prop_str(&w, "compatible", "rvh,guest");
    fdt_w_prop_str(&w, "model", "RVH guest");
    fdt_w_node(&w, "chosen");
    fdt_w_prop_str(&w, "bootargs", "console=ttyS0 earlycon");
    fdt_w_prop_u64(&w, "linux,initrd-start", 0x84000000);
    fdt_w_prop_u64(&w, "linux,initrd-end", 0x84123456);
    fdt_w_end_node(&w);
    fdt_w_node(&w, "memory@80000000");
    fdt_w_prop_str(&w, "device_type", "memory");
    fdt_w_prop_cells(&w, "reg", reg, 4);
    fdt_w_end_node(&w);
    fdt_w_node(&w, "cpus");
    fdt_w_prop_u32(&w, "#address-cells", 1);
    fdt_w_prop_u32(&w, "#size-cells", 0);
    fdt_w_prop_u32(&w, "timebase-frequency", 10000000);
    fdt_w_node(&w, "cpu@0");
    fdt_w_prop_str(&w, "device_type", "cpu");
    fdt_w_prop_u32(&w, "reg", 0);
    fdt_w_prop_str(&w, "status", "okay");
    fdt_w_prop_str(&w, "compatible", "riscv");
    fdt_w_prop_str(&w, "riscv,isa", "rv64imac_zicsr_zifencei");
    fdt_w_prop_str(&w, "mmu-type", "riscv,sv39");
    fdt_w_node(&w, "interrupt-controller");
    fdt_w_prop_u32(&w, "#address-cells", 0);
    fdt_w_prop_u32(&w, "#interrupt-cells", 1);
    fdt_w_prop_empty(&w, "interrupt-controller");
    fdt_w_prop_str(&w, "compatible", "riscv,cpu-intc");
    fdt_w_prop_u32(&w, "phandle", 1);
    fdt_w_end_node(&w);
    fdt_w_end_node(&w);
    fdt_w_end_node(&w);
    fdt_w_end_node(&w);
    return fdt_w_finish(&w);
}

/* Every property name once, in order of first use: "reg", "compatible" and the others used twice are stored once. */
static const char guest_strings[] =
    "#address-cells\0#size-cells\0compatible\0model\0bootargs\0linux,initrd-start\0"
    "linux,initrd-end\0device_type\0reg\0timebase-frequency\0status\0riscv,isa\0"
    "mmu-type\0#interrupt-cells\0interrupt-controller\0phandle";

static void test_writer_header(const uint8_t *b, int n)
{
    CHECK(fdt_be32(b + FDT_H_MAGIC) == FDT_MAGIC, "magic");
    CHECK(fdt_be32(b + FDT_H_TOTALSIZE) == (uint32_t)n, "totalsize is the size returned, %d", n);
    CHECK(fdt_be32(b + FDT_H_VERSION) == 17 && fdt_be32(b + FDT_H_LAST_COMP) == 16,
          "version 17, compatible back to 16");
    CHECK(fdt_be32(b + FDT_H_BOOT_CPUID) == 0, "boot_cpuid_phys 0");
    CHECK(fdt_be32(b + FDT_H_OFF_RSVMAP) == 40, "the reservation block follows the header");
    static const uint8_t zero[16];
    CHECK(memcmp(b + 40, zero, 16) == 0, "and is only the terminating entry");
    uint32_t os = fdt_be32(b + FDT_H_OFF_STRUCT), ss = fdt_be32(b + FDT_H_SIZE_STRUCT);
    uint32_t ostr = fdt_be32(b + FDT_H_OFF_STRINGS), sstr = fdt_be32(b + FDT_H_SIZE_STRINGS);
    CHECK(os == 56 && ostr == os + ss && ostr + sstr == (uint32_t)n, "blocks back to back: 56, %u, %u", ostr, sstr);
    CHECK(fdt_be32(b + os + ss - 4) == FDT_END, "the structure block ends with FDT_END");
    CHECK(sstr == sizeof guest_strings && memcmp(b + ostr, guest_strings, sstr) == 0,
          "the strings block holds each name once, in order: %u bytes", sstr);
}

static void test_writer_readback(const uint8_t *b, int n)
{
    struct fdt f;
    uint32_t u = 0;
    uint64_t v = 0;
    int len = -1;
    char got[256];
    CHECK(fdt_open(&f, b, (size_t)n) == 0, "the reader accepts the writer's blob");
    walk_string(&f, got, sizeof got);
    CHECK_STR(got, "0:,1:chosen,1:memory@80000000,1:cpus,2:cpu@0,3:interrupt-controller,=END",
              "its tree, node by node");
    CHECK(fdt_prop_u32(&f, 0, "#address-cells", &u) && u == 2, "root #address-cells 2");
    CHECK(fdt_prop_u32(&f, 0, "#size-cells", &u) && u == 2, "root #size-cells 2");
    CHECK_STR(fdt_prop_string(&f, 0, "compatible"), "rvh,guest", "root compatible");
    CHECK_STR(fdt_prop_string(&f, 0, "model"), "RVH guest", "root model");
    int chosen = fdt_path_offset(&f, "/chosen");
    CHECK_STR(fdt_prop_string(&f, chosen, "bootargs"), "console=ttyS0 earlycon", "bootargs");
    CHECK(fdt_getprop(&f, chosen, "bootargs", &len) && len == 23, "bootargs has its NUL: %d", len);
    CHECK(fdt_getprop(&f, chosen, "linux,initrd-start", &len) && len == 8, "a u64 is 8 bytes");
    CHECK(fdt_prop_cells(&f, chosen, "linux,initrd-start", 0, 2, &v) && v == 0x84000000, "initrd start");
    CHECK(fdt_prop_cells(&f, chosen, "linux,initrd-end", 0, 2, &v) && v == 0x84123456, "initrd end");
    int mem = fdt_path_offset(&f, "/memory");
    CHECK_STR(fdt_node_name(&f, mem), "memory@80000000", "/memory");
    CHECK_STR(fdt_prop_string(&f, mem, "device_type"), "memory", "memory device_type");
    CHECK(fdt_getprop(&f, mem, "reg", &len) && len == 16, "reg is 4 cells");
    CHECK(fdt_prop_cells(&f, mem, "reg", 0, 2, &v) && v == 0x80000000, "RAM base");
    CHECK(fdt_prop_cells(&f, mem, "reg", 2, 2, &v) && v == 0x08000000, "RAM size");
    int cpus = fdt_path_offset(&f, "/cpus"), cpu0 = fdt_path_offset(&f, "/cpus/cpu@0");
    CHECK(fdt_prop_u32(&f, cpus, "#address-cells", &u) && u == 1, "/cpus #address-cells 1");
    CHECK(fdt_prop_u32(&f, cpus, "#size-cells", &u) && u == 0, "/cpus #size-cells 0");
    CHECK(fdt_prop_u32(&f, cpus, "timebase-frequency", &u) && u == 10000000, "timebase");
    CHECK_STR(fdt_prop_string(&f, cpu0, "device_type"), "cpu", "cpu device_type");
    CHECK(fdt_prop_u32(&f, cpu0, "reg", &u) && u == 0, "cpu reg 0");
    CHECK_STR(fdt_prop_string(&f, cpu0, "status"), "okay", "status");
    CHECK_STR(fdt_prop_string(&f, cpu0, "compatible"), "riscv", "cpu compatible");
    CHECK_STR(fdt_prop_string(&f, cpu0, "riscv,isa"), "rv64imac_zicsr_zifencei", "riscv,isa");
    CHECK_STR(fdt_prop_string(&f, cpu0, "mmu-type"), "riscv,sv39", "mmu-type");
    int intc = fdt_path_offset(&f, "/cpus/cpu@0/interrupt-controller");
    CHECK(fdt_getprop(&f, intc, "interrupt-controller", &len) && len == 0, "the empty property");
    CHECK(fdt_prop_u32(&f, intc, "#interrupt-cells", &u) && u == 1, "#interrupt-cells 1");
    CHECK(fdt_prop_u32(&f, intc, "phandle", &u) && u == 1, "phandle 1");
    CHECK_STR(fdt_prop_string(&f, intc, "compatible"), "riscv,cpu-intc", "intc compatible");
}

static void test_writer(void)
{
    uint8_t big[1024], again[1024];
    memset(big, 0xaa, sizeof big);
    int n = write_guest(big, sizeof big);
    CHECK(n > 0, "the guest tree is written: %d bytes", n);
    if (n <= 0)
        return;
    test_writer_header(big, n);
    test_writer_readback(big, n);
    memset(again, 0x55, sizeof again);
    CHECK(write_guest(again, sizeof again) == n && memcmp(big, again, (size_t)n) == 0,
          "the same blob whatever the buffer held: padding is zeroed");

    FILE *fp = fopen(WRITTEN_DTB, "wb");
    size_t put = fp ? fwrite(big, 1, (size_t)n, fp) : 0;
    int closed = fp ? fclose(fp) : EOF;
    CHECK(put == (size_t)n && closed == 0, "written to %s for dtc", WRITTEN_DTB);

    int wrong = 0;
    for (size_t cap = 0; cap < (size_t)n; cap++) {
        uint8_t *b = malloc(cap ? cap : 1);
        wrong += write_guest(b, cap) != -ENOSPC;
        free(b);
    }
    CHECK(wrong == 0, "every buffer of 0..%d bytes: -ENOSPC (%d wrong)", n - 1, wrong);
    uint8_t *exact = malloc((size_t)n);
    CHECK(write_guest(exact, (size_t)n) == n && memcmp(exact, big, (size_t)n) == 0,
          "a buffer of exactly %d bytes: the same blob (the strings' old and new places overlap)", n);
    free(exact);
}

static void test_writer_strings(void)
{
    uint8_t b[256];
    struct fdt_writer w;
    struct fdt f;
    uint32_t u = 0;
    fdt_w_begin(&w, b, sizeof b, 5);
    fdt_w_node(&w, "");
    fdt_w_prop_u32(&w, "#address-cells", 2);
    fdt_w_prop_u32(&w, "address-cells", 3);
    fdt_w_node(&w, "a");
    fdt_w_prop_u32(&w, "reg", 7);
    fdt_w_end_node(&w);
    fdt_w_node(&w, "b");
    fdt_w_prop_u32(&w, "reg", 8);
    fdt_w_prop(&w, "empty", NULL, 0);
    fdt_w_prop(&w, "byte", "\x7f", 1);
    fdt_w_end_node(&w);
    fdt_w_end_node(&w);
    int n = fdt_w_finish(&w);
    CHECK(n > 0 && fdt_open(&f, b, (size_t)n) == 0, "a small tree: %d bytes", n);
    CHECK(fdt_be32(b + FDT_H_BOOT_CPUID) == 5, "boot_cpuid_phys is written");
    CHECK(f.size_strings == 30 && memcmp(b + f.off_strings, "#address-cells\0reg\0empty\0byte", 30) == 0,
          "reg used twice is stored once; address-cells shares #address-cells' tail");
    CHECK(fdt_be32(b + 56 + 8 + 16 + 8) == 1, "address-cells points at offset 1");
    CHECK(fdt_prop_u32(&f, 0, "address-cells", &u) && u == 3, "and reads back as 3");
    CHECK(fdt_prop_u32(&f, fdt_path_offset(&f, "/b"), "reg", &u) && u == 8, "/b reg 8");
    CHECK(fdt_prop_u32(&f, fdt_path_offset(&f, "/a"), "reg", &u) && u == 7, "/a reg 7");
    int len = -1;
    const uint8_t *v = fdt_getprop(&f, fdt_path_offset(&f, "/b"), "empty", &len);
    CHECK(v && len == 0, "an empty value given as NULL, 0");
    v = fdt_getprop(&f, fdt_path_offset(&f, "/b"), "byte", &len);
    CHECK(v && len == 1 && v[0] == 0x7f && v[1] == 0 && v[2] == 0 && v[3] == 0,
          "a one-byte value, padded with zeros");
}

static int finish_of(void (*build)(struct fdt_writer *))
{
    uint8_t b[256];
    struct fdt_writer w;
    fdt_w_begin(&w, b, sizeof b, 0);
    build(&w);
    return fdt_w_finish(&w);
}

static void unclosed(struct fdt_writer *w) { fdt_w_node(w, ""); fdt_w_node(w, "a"); fdt_w_end_node(w); }
static void extra_end(struct fdt_writer *w) { fdt_w_node(w, ""); fdt_w_end_node(w); fdt_w_end_node(w); }
static void no_root(struct fdt_writer *w) { (void)w; }
static void two_roots(struct fdt_writer *w)
{
    fdt_w_node(w, "");
    fdt_w_end_node(w);
    fdt_w_node(w, "");
    fdt_w_end_node(w);
}
static void named_root(struct fdt_writer *w) { fdt_w_node(w, "root"); fdt_w_end_node(w); }
static void empty_child(struct fdt_writer *w)
{
    fdt_w_node(w, "");
    fdt_w_node(w, "");
    fdt_w_end_node(w);
    fdt_w_end_node(w);
}
static void prop_outside(struct fdt_writer *w) { fdt_w_prop_u32(w, "x", 1); fdt_w_node(w, ""); fdt_w_end_node(w); }
static void prop_after_child(struct fdt_writer *w)
{
    fdt_w_node(w, "");
    fdt_w_node(w, "a");
    fdt_w_end_node(w);
    fdt_w_prop_u32(w, "x", 1);
    fdt_w_end_node(w);
}
static void nospace_then_unbalanced(struct fdt_writer *w)
{
    static uint8_t big[300];
    fdt_w_node(w, "");
    fdt_w_prop(w, "big", big, sizeof big);
}

static void test_writer_errors(void)
{
    CHECK(finish_of(unclosed) == -EINVAL, "a node left open: -EINVAL");
    CHECK(finish_of(extra_end) == -EINVAL, "one end too many: -EINVAL");
    CHECK(finish_of(no_root) == -EINVAL, "no root at all: -EINVAL");
    CHECK(finish_of(two_roots) == -EINVAL, "two roots: -EINVAL");
    CHECK(finish_of(named_root) == -EINVAL, "a root with a name: -EINVAL");
    CHECK(finish_of(empty_child) == -EINVAL, "a child with an empty name: -EINVAL");
    CHECK(finish_of(prop_outside) == -EINVAL, "a property outside any node: -EINVAL");
    CHECK(finish_of(prop_after_child) == -EINVAL, "a property after a child: -EINVAL");
    CHECK(finish_of(nospace_then_unbalanced) == -ENOSPC, "the first error wins: -ENOSPC");

    uint8_t b[256], saved[256];
    struct fdt_writer w;
    fdt_w_begin(&w, b, sizeof b, 0);
    fdt_w_node(&w, "");
    fdt_w_end_node(&w);
    int n = fdt_w_finish(&w);
    CHECK(n == 56 + 8 + 4 + 4, "an empty root: 72 bytes: %d", n);
    memcpy(saved, b, sizeof b);
    fdt_w_node(&w, "late");
    fdt_w_prop_u32(&w, "late", 1);
    fdt_w_end_node(&w);
    CHECK(memcmp(saved, b, sizeof b) == 0, "calls after finish leave the buffer alone");
    CHECK(fdt_w_finish(&w) == -EINVAL, "and make the next finish -EINVAL");
    fdt_w_begin(&w, b, sizeof b, 0);
    fdt_w_node(&w, "");
    fdt_w_end_node(&w);
    n = fdt_w_finish(&w);
    CHECK(n == 72 && fdt_w_finish(&w) == -EINVAL, "finishing twice: -EINVAL the second time");
}

int main(void)
{
    size_t size = 0;
    uint8_t *blob = load(TEST_DTB, &size);
    struct fdt f;
    test_be();
    CHECK(blob != NULL, "%s loaded (%zu bytes); make unit compiles it with dtc", TEST_DTB, size);
    if (blob) {
        test_dtc_header(blob, size, &f);
        test_dtc_nodes(&f);
        test_dtc_walk(&f);
        test_dtc_props(&f);
        test_versions(blob, size);
        test_bad_headers(blob, size);
        test_truncated(blob, size);
        test_mutated(blob, size);
        free(blob);
    }
    test_nops();
    test_hostile_structure();
    test_writer();
    test_writer_strings();
    test_writer_errors();
    return check_done();
}
