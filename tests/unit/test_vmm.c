/* Stage 3: boot arguments, bounded guest memory, image loading, the guest's device tree. */
// sources: tangled/vmm/bootcfg.c tangled/vmm/guest_mem.c tangled/vmm/loader.c tangled/vmm/guest_dtb.c tangled/lib/fdt.c tangled/vmm/hartmask.c
#include <errno.h>
#include <stdlib.h>
#include "check.h"
#include "lib/fdt.h"
#include "vmm/bootcfg.h"
#include "vmm/guest_dtb.h"

#define GUEST_DTB "build/unit/guest.dtb"     /* checked by dtc in make unit */
#include "vmm/guest_mem.h"
#include "vmm/hartmask.h"
#include "vmm/loader.h"

static void test_bootargs(void)
{
    uint64_t v = 0;
    CHECK(bootargs_size("mem=64M", "mem=", &v) == 0 && v == 64UL << 20, "mem=64M");
    CHECK(bootargs_size("a=1 mem=2G b", "mem=", &v) == 0 && v == 2UL << 30, "mem=2G in the middle");
    CHECK(bootargs_size("mem=4096", "mem=", &v) == 0 && v == 4096, "no suffix: bytes");
    CHECK(bootargs_size("mem=8K", "mem=", &v) == 0 && v == 8192, "K");
    CHECK(bootargs_size("guest_mem=1M", "mem=", &v) == -ENOENT, "a key must start a word");
    CHECK(bootargs_size("guest_mem=1M mem=3M", "mem=", &v) == 0 && v == 3UL << 20,
          "the word-starting one is found after a false match");
    CHECK(bootargs_size("", "mem=", &v) == -ENOENT && bootargs_size(NULL, "mem=", &v) == -ENOENT,
          "absent");
    CHECK(bootargs_size("mem=", "mem=", &v) == -EINVAL, "empty value");
    CHECK(bootargs_size("mem=M", "mem=", &v) == -EINVAL, "suffix only");
    CHECK(bootargs_size("mem=12X", "mem=", &v) == -EINVAL, "bad suffix");
    CHECK(bootargs_size("mem=1MB", "mem=", &v) == -EINVAL, "trailing garbage");
    CHECK(bootargs_size("mem=-1", "mem=", &v) == -EINVAL, "negative");
    CHECK(bootargs_size("mem=18446744073709551615", "mem=", &v) == 0 && v == UINT64_MAX,
          "2^64-1 bytes parses");
    CHECK(bootargs_size("mem=18446744073709551616", "mem=", &v) == -EINVAL, "2^64 overflows");
    CHECK(bootargs_size("mem=17179869184G", "mem=", &v) == -EINVAL, "2^34 G overflows");
    CHECK(bootargs_size("mem=17179869183G", "mem=", &v) == 0 && v == 17179869183ULL << 30,
          "2^34-1 G fits");
}

static void test_guest_mem(void)
{
    static uint8_t backing[8192];
    struct guest_ram r = { 0x80000000, sizeof backing, (uintptr_t)backing };
    uint8_t buf[16] = "0123456789abcdef";
    CHECK(guest_ram_ptr(&r, 0x80000000, 8192) == backing, "the whole RAM");
    CHECK(guest_ram_ptr(&r, 0x80001fff, 1) == backing + 8191, "the last byte");
    CHECK(guest_ram_ptr(&r, 0x80002000, 0) == backing + 8192, "an empty range at the end");
    CHECK(guest_ram_ptr(&r, 0x80001fff, 2) == NULL, "one byte past the end");
    CHECK(guest_ram_ptr(&r, 0x7fffffff, 1) == NULL, "one byte before");
    CHECK(guest_ram_ptr(&r, 0x80000010, UINT64_MAX) == NULL, "a length that wraps");
    CHECK(guest_ram_ptr(&r, UINT64_MAX, 2) == NULL, "an address that wraps");
    CHECK(guest_ram_ptr(&r, 0x80002001, 0) == NULL, "an empty range beyond the end");
    CHECK(guest_mem_write(&r, 0x80000100, buf, 16) == 0 && memcmp(backing + 0x100, buf, 16) == 0,
          "write");
    memset(buf, 0, sizeof buf);
    CHECK(guest_mem_read(&r, 0x80000100, buf, 16) == 0 && memcmp(buf, "0123456789abcdef", 16) == 0,
          "read back");
    CHECK(guest_mem_read(&r, 0x80001ff8, buf, 16) == -EFAULT, "a read across the end is refused");
    CHECK(guest_mem_write(&r, 0x10000000, buf, 1) == -EFAULT, "a write outside is refused");
}

static void test_loader(void)
{
    size_t ram_size = 8UL << 20;
    uint8_t *backing = calloc(1, ram_size);
    struct guest_ram r = { 0x80000000, ram_size, (uintptr_t)backing };
    uint64_t limit = r.gpa + ram_size - (2UL << 20), entry = 0;
    uint8_t flat[100];
    for (int i = 0; i < 100; i++)
        flat[i] = (uint8_t)i;
    CHECK(image_load(&r, flat, sizeof flat, limit, &entry) == 0 && entry == 0x80200000,
          "a flat binary goes to 0x80200000");
    CHECK(memcmp(backing + 0x200000, flat, sizeof flat) == 0, "byte for byte");

    uint8_t img[128] = { 0 };
    img[8 + 2] = 0x40;                          /* text_offset = 0x400000, little-endian */
    memcpy(img + 48, "RISCV\0\0\0", 8);
    memcpy(img + 56, "RSC\x05", 4);
    CHECK(image_load(&r, img, sizeof img, limit, &entry) == 0 && entry == 0x80400000,
          "a Linux Image goes to its text_offset");
    img[8 + 1] = 0x10;                          /* 0x401000: not 2 MiB aligned */
    CHECK(image_load(&r, img, sizeof img, limit, &entry) == 0 && entry == 0x80200000,
          "a misaligned text_offset is ignored");
    img[8 + 1] = 0;
    img[56] = 'X';
    CHECK(image_load(&r, img, sizeof img, limit, &entry) == 0 && entry == 0x80200000,
          "a wrong second magic: a flat binary");

    entry = 1;
    CHECK(image_load(&r, flat, (4UL << 20) + 1, limit, &entry) == -E2BIG && entry == 1,
          "one byte too large for the space below the device tree");
    CHECK(image_load(&r, flat, 0, limit, &entry) == -E2BIG, "an empty image");
    img[56] = 'R';
    img[8 + 3] = 0x40;                          /* text_offset 0x40400000: outside RAM */
    CHECK(image_load(&r, img, sizeof img, limit, &entry) == -E2BIG, "a text_offset beyond RAM");
    free(backing);
}

static void test_isa(void)
{
    char out[256];
    const char *host = "rv64imafdch_zic64b_zicbom_zicboz_zicntr_zicsr_zifencei_zihintntl"
                       "_zihintpause_zihpm_zawrs_zfa_zca_zcd_zba_zbb_zbc_zbs_smaia_ssaia_sstc_svadu_svpbmt";
    int n = guest_isa(host, false, out, sizeof out);
    CHECK_STR(out, "rv64imafdc_zicntr_zicsr_zifencei_zihintntl_zihintpause_zawrs_zfa"
                   "_zca_zcd_zba_zbb_zbc_zbs",
              "QEMU's ISA without H, CMO, AIA, Sstc, Svadu, Svpbmt, Zihpm");
    CHECK(n == (int)strlen(out), "the length is returned");
    guest_isa(host, true, out, sizeof out);
    CHECK(strstr(out, "_sstc") != NULL, "Sstc when offered");
    CHECK(guest_isa("rv64imac", false, out, sizeof out) == 8 && strcmp(out, "rv64imac") == 0,
          "a plain string");
    CHECK(guest_isa("rv64iH_zba", false, out, sizeof out) > 0 && strcmp(out, "rv64i_zba") == 0,
          "an upper-case H goes too");
    CHECK(guest_isa("rv32imac", false, out, sizeof out) == -EINVAL, "not RV64");
    CHECK(guest_isa("rv64imafdch_zba", false, out, 11) == -ENOSPC, "no room for _zba");
    CHECK(guest_isa("rv64imafdch_zba", false, out, 15) == 14, "exactly enough room");
    CHECK(guest_isa("rv64i__zba_", false, out, sizeof out) > 0 && strcmp(out, "rv64i_zba") == 0,
          "empty extensions are dropped");
    CHECK(guest_isa("rv64imafdcbvh_zve64d_zvl128b_zba", false, out, sizeof out) > 0 &&
          strcmp(out, "rv64imafdc_zba") == 0, "no B, V, Zve or Zvl: %s", out);
    CHECK(guest_isa("rv64IMAFDCV", false, out, sizeof out) > 0 && strcmp(out, "rv64imafdc") == 0,
          "upper-case letters, lower-cased: %s", out);
    CHECK(guest_isa("rv64imafdqcsu", false, out, sizeof out) > 0 && strcmp(out, "rv64imafdc") == 0,
          "letters not on the list go: %s", out);
}

static void test_guest_dtb(void)
{
    static uint8_t buf[8192];
    struct guest_dtb_info info = { .ram_gpa = 0x80000000, .ram_size = 128UL << 20,
                                   .nr_harts = 2, .timebase = 10000000,
                                   .host_isa = "rv64imafdch_zicbom_zba", .bootargs = "console=hvc0" };
    int size = guest_dtb_build(buf, sizeof buf, &info);
    struct fdt f;
    uint64_t v = 0;
    uint32_t u = 0;
    CHECK(size > 0 && fdt_open(&f, buf, (size_t)size) == 0, "the guest DTB is valid (%d bytes)", size);
    int mem = fdt_path_offset(&f, "/memory");
    CHECK(mem >= 0 && fdt_prop_cells(&f, mem, "reg", 0, 2, &v) && v == 0x80000000, "memory base");
    CHECK(fdt_prop_cells(&f, mem, "reg", 2, 2, &v) && v == 128UL << 20, "memory size");
    CHECK_STR(fdt_node_name(&f, mem), "memory@80000000", "memory node name");
    CHECK_STR(fdt_prop_string(&f, fdt_path_offset(&f, "/chosen"), "bootargs"), "console=hvc0",
              "bootargs");
    int cpus = fdt_path_offset(&f, "/cpus");
    CHECK(fdt_prop_u32(&f, cpus, "timebase-frequency", &u) && u == 10000000, "timebase");
    int cpu1 = fdt_path_offset(&f, "/cpus/cpu@1");
    CHECK(cpu1 >= 0 && fdt_prop_u32(&f, cpu1, "reg", &u) && u == 1, "cpu@1 with reg 1");
    CHECK_STR(fdt_prop_string(&f, cpu1, "riscv,isa"), "rv64imafdc_zba", "its filtered ISA");
    CHECK_STR(fdt_prop_string(&f, cpu1, "riscv,isa-base"), "rv64i", "riscv,isa-base");
    int list_len = 0;
    const void *list = fdt_getprop(&f, cpu1, "riscv,isa-extensions", &list_len);
    static const char want[] = "i\0m\0a\0f\0d\0c\0zba";
    CHECK(list && list_len == (int)sizeof want && memcmp(list, want, sizeof want) == 0,
          "riscv,isa-extensions lists i m a f d c zba (%d bytes)", list_len);
    int intc = fdt_path_offset(&f, "/cpus/cpu@1/interrupt-controller");
    CHECK(intc >= 0 && fdt_prop_u32(&f, intc, "phandle", &u) && u == 2, "intc phandle 2");
    CHECK(fdt_path_offset(&f, "/cpus/cpu@2") == -ENOENT, "no third hart");
    /* A whole guest's tree, devices included, for dtc to check (make unit). */
    info.uart_base = 0x10000000;
    info.plic_base = 0xc000000;
    info.uart_irq = 10;
    info.offer = GUEST_OFFER_SSTC | GUEST_OFFER_ZICBOM;
    info.cbom_block = 64;
    info.host_isa = "rv64imafdcbvh_zicbom_zicntr_zicsr_zifencei_zihpm_zawrs_zba_sstc_svadu";
    size = guest_dtb_build(buf, sizeof buf, &info);
    FILE *out = fopen(GUEST_DTB, "wb");
    CHECK(size > 0 && out && fwrite(buf, 1, (size_t)size, out) == (size_t)size &&
          fclose(out) == 0, "the tree written to " GUEST_DTB);
    CHECK(guest_dtb_build(buf, 200, &info) == -ENOSPC, "a buffer too small is -ENOSPC");
    info.host_isa = "rv32i";
    CHECK(guest_dtb_build(buf, sizeof buf, &info) == -EINVAL, "a bad host ISA is -EINVAL");
}

static void test_hartmask(void)
{
    uint64_t t = 99;
    CHECK(hartmask_targets(1, 0, 1, &t) == 0 && t == 1, "hart 0 of 1");
    CHECK(hartmask_targets(0, 0, 1, &t) == 0 && t == 0, "an empty mask names nobody");
    CHECK(hartmask_targets(0, ~0UL, 4, &t) == 0 && t == 0xf, "base -1: all four");
    CHECK(hartmask_targets(123, ~0UL, 64, &t) == 0 && t == ~0ULL, "base -1 with 64 harts");
    CHECK(hartmask_targets(2, 0, 1, &t) == -EINVAL, "hart 1 of 1");
    CHECK(hartmask_targets(1, 1, 1, &t) == -EINVAL, "base 1 of 1");
    CHECK(hartmask_targets(0x5, 2, 8, &t) == 0 && t == 0x14, "mask 0b101 at base 2: harts 2, 4");
    CHECK(hartmask_targets(1UL << 63, 0, 8, &t) == -EINVAL, "bit 63 names hart 63");
    CHECK(hartmask_targets(1, 1UL << 63, 8, &t) == -EINVAL, "a huge base");
    CHECK(hartmask_targets(1UL << 63, ~0UL - 1, 64, &t) == -EINVAL, "base + i would wrap");
    CHECK(hartmask_targets(1, 0, 0, &t) == -EINVAL && hartmask_targets(1, 0, 65, &t) == -EINVAL,
          "a VM of 0 or 65 harts is refused");
}

int main(void)
{
    test_hartmask();
    test_bootargs();
    test_guest_mem();
    test_loader();
    test_isa();
    test_guest_dtb();
    return check_done();
}
