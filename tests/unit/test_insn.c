/* The MMIO instruction decoder: every accepted encoding, every refused class,
 * htinst (Priv. spec section 8.6.3) and instruction lengths. */
// sources: tangled/vcpu/insn.c
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "check.h"
#include "vcpu/insn.h"

/* Encoders written from the Unprivileged spec's formats (sections 2.2, 16.2),
 * independently of the decoder; checked below against the GNU assembler. */
static uint32_t load(unsigned funct3, unsigned rd, unsigned rs1, int imm)
{
    return (uint32_t)(imm & 0xfff) << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | 0x03;
}
static uint32_t store(unsigned funct3, unsigned rs2, unsigned rs1, int imm)
{
    uint32_t i = (uint32_t)imm & 0xfff;
    return (i >> 5) << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 | (i & 31) << 7 | 0x23;
}
static unsigned bit(unsigned v, unsigned n) { return v >> n & 1; }
/* CL/CS: funct3 | uimm[5:3] | rs1' | two offset bits | rd'/rs2' | 00 */
static uint16_t c_lsw(unsigned funct3, unsigned r, unsigned base, unsigned uimm)
{
    return (uint16_t)(funct3 << 13 | (uimm >> 3 & 7) << 10 | (base - 8) << 7 |
                      bit(uimm, 2) << 6 | bit(uimm, 6) << 5 | (r - 8) << 2);
}
static uint16_t c_lsd(unsigned funct3, unsigned r, unsigned base, unsigned uimm)
{
    return (uint16_t)(funct3 << 13 | (uimm >> 3 & 7) << 10 | (base - 8) << 7 |
                      (uimm >> 6 & 3) << 5 | (r - 8) << 2);
}
static uint16_t c_lwsp(unsigned rd, unsigned uimm)
{
    return (uint16_t)(2u << 13 | bit(uimm, 5) << 12 | rd << 7 | (uimm >> 2 & 7) << 4 |
                      (uimm >> 6 & 3) << 2 | 2);
}
static uint16_t c_ldsp(unsigned rd, unsigned uimm)
{
    return (uint16_t)(3u << 13 | bit(uimm, 5) << 12 | rd << 7 | (uimm >> 3 & 3) << 5 |
                      (uimm >> 6 & 7) << 2 | 2);
}
static uint16_t c_swsp(unsigned rs2, unsigned uimm)
{
    return (uint16_t)(6u << 13 | (uimm >> 2 & 15) << 9 | (uimm >> 6 & 3) << 7 | rs2 << 2 | 2);
}
static uint16_t c_sdsp(unsigned rs2, unsigned uimm)
{
    return (uint16_t)(7u << 13 | (uimm >> 3 & 7) << 10 | (uimm >> 6 & 7) << 7 | rs2 << 2 | 2);
}

static void accepted(uint32_t insn, unsigned length, bool st, unsigned width, bool sign,
                     unsigned reg, const char *what)
{
    struct insn_mmio m;
    memset(&m, 0x5a, sizeof m);
    m.store = !st; m.sign_extend = !sign;       /* wrong on purpose, and valid bools */
    int err = insn_decode_mmio(insn, length, &m);
    CHECK(err == 0 && m.store == st && m.width == width && m.sign_extend == sign &&
          m.reg == reg && m.length == length,
          "%s %#010x/%u: %s %u bytes%s x%u (got %d: %s %u%s x%u len %u)", what,
          (unsigned)insn, length, st ? "store" : "load", width, sign ? " signed" : "", reg,
          err, m.store ? "store" : "load", m.width, m.sign_extend ? " signed" : "", m.reg,
          m.length);
}

static void refused(uint32_t insn, unsigned length, int want, const char *what)
{
    struct insn_mmio m;
    memset(&m, 0x5a, sizeof m);
    m.store = true; m.sign_extend = true;
    int err = insn_decode_mmio(insn, length, &m);
    CHECK(err == want && !m.store && m.width == 0 && !m.sign_extend && m.reg == 0 &&
          m.length == 0, "%s %#010x/%u refused with %d (got %d), out cleared", what,
          (unsigned)insn, length, want, err);
}

static const unsigned regs[] = { 0, 1, 2, 5, 8, 10, 15, 16, 30, 31 };
static const int imms[] = { 0, 1, -1, 8, 2047, -2048 };
#define N(a) (sizeof (a) / sizeof (a)[0])

static void standard_loads_and_stores(void)
{
    static const struct { const char *name; unsigned width; bool sign; } ld[7] = {
        { "lb", 1, true }, { "lh", 2, true }, { "lw", 4, true }, { "ld", 8, false },
        { "lbu", 1, false }, { "lhu", 2, false }, { "lwu", 4, false },
    };
    for (unsigned f = 0; f < 7; f++)
        for (unsigned i = 0; i < N(regs); i++)
            accepted(load(f, regs[i], regs[N(regs) - 1 - i], imms[i % N(imms)]), 4, false,
                     ld[f].width, ld[f].sign, regs[i], ld[f].name);
    static const char *st[4] = { "sb", "sh", "sw", "sd" };
    for (unsigned f = 0; f < 4; f++)
        for (unsigned i = 0; i < N(regs); i++)
            accepted(store(f, regs[i], regs[(i + 3) % N(regs)], imms[i % N(imms)]), 4, true,
                     1u << f, false, regs[i], st[f]);
}

static void compressed_loads_and_stores(void)
{
    for (unsigned r = 8; r < 16; r++) {
        unsigned base = 23 - r, off4 = (r - 8) * 4 * 4 + 4, off8 = (r - 8) * 8 * 4;
        accepted(c_lsw(2, r, base, off4 & 0x7c), 2, false, 4, true, r, "c.lw");
        accepted(c_lsd(3, r, base, off8 & 0xf8), 2, false, 8, false, r, "c.ld");
        accepted(c_lsw(6, r, base, off4 & 0x7c), 2, true, 4, false, r, "c.sw");
        accepted(c_lsd(7, r, base, off8 & 0xf8), 2, true, 8, false, r, "c.sd");
    }
    for (unsigned r = 0; r < 32; r++) {
        unsigned off4 = (r * 36) & 0xfc, off8 = (r * 72) & 0x1f8;
        if (r != 0) {
            accepted(c_lwsp(r, off4), 2, false, 4, true, r, "c.lwsp");
            accepted(c_ldsp(r, off8), 2, false, 8, false, r, "c.ldsp");
        }
        accepted(c_swsp(r, off4), 2, true, 4, false, r, "c.swsp");
        accepted(c_sdsp(r, off8), 2, true, 8, false, r, "c.sdsp");
    }
}

/* Encodings printed by riscv64-unknown-elf-as/objdump 2.40 (-M no-aliases,numeric). */
static void assembler_anchors(void)
{
    CHECK(load(0, 0, 31, -1) == 0xffff8003, "encoder: lb x0,-1(x31)");
    CHECK(load(1, 31, 1, 2047) == 0x7ff09f83, "encoder: lh x31,2047(x1)");
    CHECK(store(0, 0, 2, -1) == 0xfe010fa3, "encoder: sb x0,-1(x2)");
    CHECK(store(2, 31, 31, -2048) == 0x81ffa023, "encoder: sw x31,-2048(x31)");
    CHECK(c_lsw(2, 10, 15, 124) == 0x5fe8, "encoder: c.lw x10,124(x15)");
    CHECK(c_lsd(3, 8, 11, 248) == 0x7de0, "encoder: c.ld x8,248(x11)");
    CHECK(c_lsw(6, 15, 9, 64) == 0xc0bc, "encoder: c.sw x15,64(x9)");
    CHECK(c_lsd(7, 9, 14, 8) == 0xe704, "encoder: c.sd x9,8(x14)");
    CHECK(c_lwsp(1, 252) == 0x50fe, "encoder: c.lwsp x1,252(x2)");
    CHECK(c_ldsp(31, 504) == 0x7ffe, "encoder: c.ldsp x31,504(x2)");
    CHECK(c_swsp(0, 4) == 0xc202, "encoder: c.swsp x0,4(x2)");
    CHECK(c_sdsp(27, 0) == 0xe06e, "encoder: c.sdsp x27,0(x2)");

    accepted(0xffff8003, 4, false, 1, true, 0, "lb x0,-1(x31)");
    accepted(0x80012503, 4, false, 4, true, 10, "lw x10,-2048(x2)");
    accepted(0x0002b303, 4, false, 8, false, 6, "ld x6,0(x5)");
    accepted(0x0057cd83, 4, false, 1, false, 27, "lbu x27,5(x15)");
    accepted(0x00605083, 4, false, 2, false, 1, "lhu x1,6(x0)");
    accepted(0xff846f83, 4, false, 4, false, 31, "lwu x31,-8(x8)");
    accepted(0x3f151423, 4, true, 2, false, 17, "sh x17,1000(x10)");
    accepted(0x00113423, 4, true, 8, false, 1, "sd x1,8(x2)");
    accepted(0x5fe8, 2, false, 4, true, 10, "c.lw x10,124(x15)");
    accepted(0x7de0, 2, false, 8, false, 8, "c.ld x8,248(x11)");
    accepted(0xc0bc, 2, true, 4, false, 15, "c.sw x15,64(x9)");
    accepted(0xe704, 2, true, 8, false, 9, "c.sd x9,8(x14)");
    accepted(0x50fe, 2, false, 4, true, 1, "c.lwsp x1,252(x2)");
    accepted(0x7ffe, 2, false, 8, false, 31, "c.ldsp x31,504(x2)");
    accepted(0xc202, 2, true, 4, false, 0, "c.swsp x0,4(x2)");
    accepted(0xe06e, 2, true, 8, false, 27, "c.sdsp x27,0(x2)");
}

static void refused_standard(void)
{
    const int NS = -EOPNOTSUPP;
    for (unsigned i = 0; i < N(regs); i++) {
        refused(load(7, regs[i], 2, imms[i % N(imms)]), 4, NS, "LOAD funct3 111 (reserved)");
        for (unsigned f = 4; f < 8; f++)
            refused(store(f, regs[i], 2, imms[i % N(imms)]), 4, NS, "STORE funct3 >= 100");
    }
    static const struct { uint32_t insn; const char *what; } w[] = {
        { 0x00452087, "flw f1,4(x10)" }, { 0x00853107, "fld f2,8(x10)" },
        { 0x01054187, "flq f3,16(x10)" }, { 0x00251207, "flh f4,2(x10)" },
        { 0x00152227, "fsw f1,4(x10)" }, { 0x00253427, "fsd f2,8(x10)" },
        { 0x00354827, "fsq f3,16(x10)" }, { 0x00451127, "fsh f4,2(x10)" },
        { 0x1005a52f, "lr.w x10,(x11)" }, { 0x18c5b52f, "sc.d x10,x12,(x11)" },
        { 0x00c5a52f, "amoadd.w x10,x12,(x11)" }, { 0x0ec5b52f, "amoswap.d.aqrl" },
        { 0x02050087, "vle8.v v1,(x10)" }, { 0x0205e127, "vse32.v v2,(x11)" },
        { 0x0ab57187, "vlse64.v v3,(x10),x11" },
        { 0x6c05c573, "hlv.d x10,(x11)" }, { 0x6435c573, "hlvx.hu x10,(x11)" },
        { 0x6ac5c073, "hsv.w x12,(x11)" },
        { 0x00002013, "slti x0,x0,0 (funct3 010, opcode OP-IMM)" },
        { 0x0000306f, "jal (a load's funct3, another opcode)" },
        { 0x0000100f, "fence.i" }, { 0x00000073, "ecall" },
        { 0x0000701f, "48-bit prefix, bits 4:0 = 11111" },
        { 0x0000303f, "64-bit prefix, bits 5:0 = 111111" },
        { 0x0000307f, "a longer prefix, bits 6:0 = 1111111" },
        { 0xffffffff, "all ones" },
    };
    for (unsigned i = 0; i < N(w); i++)
        refused(w[i].insn, 4, NS, w[i].what);
    accepted(0x00000003, 4, false, 1, true, 0, "lb x0,0(x0): the smallest load");
    refused(0xffff, 2, NS, "0xffff with length 2");
    refused(0x3307, 4, NS, "0x3307: fld f6,0(x0), one bit away from ld x6");
}

static void refused_compressed(void)
{
    const int NS = -EOPNOTSUPP;
    static const struct { uint16_t c; const char *what; } h[] = {
        { 0x0000, "the defined illegal instruction" },
        { 0x2500, "c.fld f8,8(x10)" }, { 0xa984, "c.fsd f9,16(x11)" },
        { 0x20a2, "c.fldsp f1,8(x2)" }, { 0xa80a, "c.fsdsp f2,16(x2)" },
        { 0x0808, "c.addi4spn x10,x2,16" }, { 0x050e, "c.slli x10,3" },
        { 0x8082, "c.jr x1" }, { 0x852e, "c.mv x10,x11" }, { 0x952e, "c.add x10,x11" },
        { 0x9002, "c.ebreak" }, { 0x0505, "c.addi x10,1" }, { 0x4515, "c.li x10,5" },
        { 0xa001, "c.j" }, { 0x0001, "c.nop" },
        { 0x8398, "quadrant 0 funct3 100 (reserved; Zcb's c.lbu)" },
        { 0x9c1c, "quadrant 0 funct3 100, another (Zcb's c.sb)" },
        { 0x4398 | 1, "c.lw's bits in quadrant 1 (c.li)" },
        { 0x4002, "c.lwsp x0 (reserved)" }, { 0x6002, "c.ldsp x0 (reserved)" },
        { 0x50fe & ~(31u << 7), "c.lwsp x0,252(x2) (reserved)" },
        { 0x7ffe & ~(31u << 7), "c.ldsp x0,504(x2) (reserved)" },
    };
    for (unsigned i = 0; i < N(h); i++)
        refused(h[i].c, 2, NS, h[i].what);
    for (unsigned off = 0; off < 256; off += 4)
        refused(c_lwsp(0, off), 2, NS, "c.lwsp x0 at every offset");
}

static void bad_lengths(void)
{
    refused(0x0002b303, 0, -EINVAL, "length 0");
    refused(0x0002b303, 3, -EINVAL, "length 3");
    refused(0x0002b303, 8, -EINVAL, "length 8");
    refused(0x5fe8, 4, -EINVAL, "a compressed word with length 4");
    refused(0x00005fe8, 4, -EINVAL, "quadrant 0 with length 4");
    refused(0x00015fe8, 2, -EINVAL, "a compressed word with bits above 15");
    refused(0xffff0002, 2, -EINVAL, "quadrant 2 with the upper half set");
}

static void htinst_forms(void)
{
    uint32_t insn;
    unsigned len;

    insn = 0xdeadbeef; len = 99;
    CHECK(insn_from_htinst(0, &insn, &len) == -ENOENT && insn == 0xdeadbeef && len == 99,
          "htinst 0: -ENOENT, read memory; outputs untouched");
    CHECK(insn_from_htinst(0x3303, &insn, &len) == 0 && insn == 0x3303 && len == 4,
          "htinst 0x3303 (QEMU, ld t1,0(t0)): 32-bit, insn %#x len %u", insn, len);
    accepted(insn, len, false, 8, false, 6, "ld t1 from htinst");
    /* Transformed stores have rs1 = address offset, imm = 0 (figure "transformed store"). */
    CHECK(insn_from_htinst(0x0051b023, &insn, &len) == 0 && insn == 0x0051b023 && len == 4,
          "transformed sd x5 with address offset 3 in bits 19:15");
    accepted(insn, len, true, 8, false, 5, "sd x5 from htinst, offset field ignored");
    /* c.lw x14 expands to lw x14; transformed with bit 1 cleared: bits 1:0 = 01. */
    CHECK(insn_from_htinst(0x00002701, &insn, &len) == 0 && insn == 0x2703 && len == 2,
          "htinst 0x2701: a transformed c.lw, insn %#x len %u", insn, len);
    accepted(insn, len, false, 4, true, 14, "c.lw x14 via htinst");
    CHECK(insn_from_htinst(0x00103021, &insn, &len) == 0 && insn == 0x00103023 && len == 2,
          "htinst 0x00103021: a transformed c.sdsp x1");
    accepted(insn, len, true, 8, false, 1, "c.sdsp x1 via htinst");
    CHECK(insn_from_htinst(0x00002003 | 2u << 15, &insn, &len) == 0 && insn == 0x00012003,
          "transformed lw x0 with offset 2: accepted by htinst");
    accepted(insn, len, false, 4, true, 0, "lw x0 via htinst");
    CHECK(insn_from_htinst(0x00003007, &insn, &len) == 0 && insn == 0x3007 && len == 4,
          "htinst transformed fld: delivered");
    refused(insn, len, -EOPNOTSUPP, "fld from htinst");
    CHECK(insn_from_htinst(0x0000202d, &insn, &len) == 0 && len == 2,
          "htinst 0x202d, an AMO word with bits 1:0 = 01: delivered, length 2");
    refused(insn, len, -EOPNOTSUPP, "an AMO from htinst");
    accepted(0x00072703, 2, false, 4, true, 14, "expanded c.lw, rs1 = 14 ignored");

    static const unsigned long pseudo[] = { 0x00002000, 0x00002020, 0x00003000, 0x00003020 };
    for (unsigned i = 0; i < N(pseudo); i++) {
        insn = 1; len = 1;
        CHECK(insn_from_htinst(pseudo[i], &insn, &len) == -EINVAL && insn == 1 && len == 1,
              "pseudoinstruction %#lx: -EINVAL, not an explicit access", pseudo[i]);
    }
    static const unsigned long unknown[] = {
        0x3302, 0x3300, 0x00000004, 0x00003010, 0x00002100,
        0x100003303UL, 0x8000000000002003UL, ~0UL, ~0UL - 1,
    };
    for (unsigned i = 0; i < N(unknown); i++) {
        insn = 1; len = 1;
        CHECK(insn_from_htinst(unknown[i], &insn, &len) == -ENOENT && insn == 1 && len == 1,
              "unrecognised htinst %#lx: treated as zero (-ENOENT)", unknown[i]);
    }
}

static void lengths(void)
{
    static const struct { uint16_t h; unsigned len; } t[] = {
        { 0x0000, 2 }, { 0x0001, 2 }, { 0x0002, 2 }, { 0x0003, 4 }, { 0x4398, 2 },
        { 0x8082, 2 }, { 0x3303, 4 }, { 0xfffc, 2 }, { 0xfffd, 2 }, { 0xfffe, 2 },
        { 0xffff, 4 }, { 0x701f, 4 }, { 0x003f, 4 }, { 0x007f, 4 }, { 0x0013, 4 },
    };
    for (unsigned i = 0; i < N(t); i++)
        CHECK(insn_length(t[i].h) == t[i].len, "insn_length(%#06x) == %u", t[i].h, t[i].len);
    unsigned two = 0, four = 0;
    for (unsigned h = 0; h <= 0xffff; h++)
        ++*(insn_length((uint16_t)h) == 4 ? &four : &two);
    CHECK(two == 3 * 16384 && four == 16384, "all halfwords: %u of length 2, %u of length 4",
          two, four);
}

int main(void)
{
    assembler_anchors();
    standard_loads_and_stores();
    compressed_loads_and_stores();
    refused_standard();
    refused_compressed();
    bad_lengths();
    htinst_forms();
    lengths();
    return check_done();
}
