/* The MMIO decoder against the GNU disassembler: pseudo-random instruction
 * words, disassembled by riscv64-unknown-elf-objdump; the decoder must accept
 * exactly the words objdump names as one of the nineteen integer loads and
 * stores, with the same width, sign and register, and refuse all others. */
// sources: tangled/vcpu/insn.c
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "vcpu/insn.h"

#define N_WORDS 20000
#define N_HALVES 20000
#define OBJDUMP "riscv64-unknown-elf-objdump -D -b binary -m riscv:rv64 -M no-aliases,numeric"

static uint64_t rng = 0x5256482d696e736eULL;       /* "RVH-insn": a fixed seed */
static uint64_t next(void)                          /* xorshift64* */
{
    rng ^= rng >> 12; rng ^= rng << 25; rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dULL;
}

/* What the mnemonic means, and the 32-bit form a transformed htinst would hold. */
struct kind { const char *name; bool store; unsigned width; bool sign; unsigned opcode, funct3; };
static const struct kind kinds[] = {
    { "lb", 0, 1, 1, 0x03, 0 }, { "lh", 0, 2, 1, 0x03, 1 }, { "lw", 0, 4, 1, 0x03, 2 },
    { "ld", 0, 8, 0, 0x03, 3 }, { "lbu", 0, 1, 0, 0x03, 4 }, { "lhu", 0, 2, 0, 0x03, 5 },
    { "lwu", 0, 4, 0, 0x03, 6 }, { "sb", 1, 1, 0, 0x23, 0 }, { "sh", 1, 2, 0, 0x23, 1 },
    { "sw", 1, 4, 0, 0x23, 2 }, { "sd", 1, 8, 0, 0x23, 3 },
    { "c.lw", 0, 4, 1, 0x03, 2 }, { "c.ld", 0, 8, 0, 0x03, 3 }, { "c.sw", 1, 4, 0, 0x23, 2 },
    { "c.sd", 1, 8, 0, 0x23, 3 }, { "c.lwsp", 0, 4, 1, 0x03, 2 }, { "c.ldsp", 0, 8, 0, 0x03, 3 },
    { "c.swsp", 1, 4, 0, 0x23, 2 }, { "c.sdsp", 1, 8, 0, 0x23, 3 },
};
#define N_KINDS (sizeof kinds / sizeof kinds[0])
static unsigned seen[N_KINDS];

static const struct kind *kind_of(const char *mnemonic)
{
    for (unsigned i = 0; i < N_KINDS; i++)
        if (strcmp(kinds[i].name, mnemonic) == 0)
            return &kinds[i];
    return NULL;
}

/* Half the words are LOAD or STORE with random fields, some FP/AMO/SYSTEM,
 * some LR/SC (rs2 = 0 for LR), the rest anything 32-bit; never bits 4:0 = 11111, which objdump would read
 * as the start of a longer instruction. */
static uint32_t random_word(void)
{
    static const unsigned near[] = { 0x07, 0x27, 0x2f, 0x73 };
    uint64_t r = next();
    uint32_t w = (uint32_t)(r >> 32);
    unsigned pick = (unsigned)(r % 100);
    if (pick < 50)
        return (w & ~0x7fu) | (r & 0x100 ? 0x23 : 0x03);
    if (pick < 65)
        return (w & ~0x7fu) | near[(r >> 8) % 4];
    if (pick < 70) {                                /* lr.w/d or sc.w/d, any aq/rl */
        bool lr = r & 0x100;
        w &= ~(0x1fu << 27 | 7u << 12 | 0x7fu | (lr ? 0x1fu << 20 : 0));
        return w | (lr ? 2u : 3u) << 27 | (r & 0x200 ? 3u : 2u) << 12 | 0x2f;
    }
    w |= 3;
    return (w & 0x1f) == 0x1f ? w & ~4u : w;
}

/* Quadrants 0 and 2, where the loads and stores are, and some of quadrant 1. */
static uint16_t random_half(void)
{
    uint64_t r = next();
    unsigned pick = (unsigned)(r % 100);
    uint16_t h = (uint16_t)(r >> 32) & ~3u;
    return h | (pick < 45 ? 0 : pick < 90 ? 2 : 1);
}

static int write_file(const char *path, const uint8_t *bytes, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t done = fwrite(bytes, 1, n, f);
    return fclose(f) == 0 && done == n ? 0 : -1;
}

struct line { char mnemonic[32]; char operands[96]; bool present; };

/* Run objdump on a file of entries of `size` bytes; fill lines[addr / size]. */
static unsigned disassemble(const char *path, unsigned size, struct line *lines, unsigned n)
{
    char cmd[1024], buf[512];
    unsigned count = 0;
    snprintf(cmd, sizeof cmd, OBJDUMP " '%s'", path);
    FILE *p = popen(cmd, "r");
    if (!p)
        return 0;
    while (fgets(buf, sizeof buf, p)) {
        unsigned long addr;
        int at = -1;
        if (sscanf(buf, " %lx:%n", &addr, &at) != 1 || at < 0 || buf[at] != '\t')
            continue;
        char *hex = strtok(buf + at, "\t"), *mn = strtok(NULL, "\t\n"), *ops = strtok(NULL, "\t\n");
        if (!hex || !mn || addr % size != 0 || addr / size >= n || lines[addr / size].present)
            continue;
        struct line *l = &lines[addr / size];
        snprintf(l->mnemonic, sizeof l->mnemonic, "%s", mn);
        snprintf(l->operands, sizeof l->operands, "%s", ops ? ops : "");
        l->present = true;
        count++;
    }
    pclose(p);
    return count;
}

/* Compare one word; return true if the decoder agrees with objdump. */
static unsigned transformed_bad;
static bool agree(uint32_t insn, unsigned length, const struct line *l)
{
    struct insn_mmio m;
    int err = insn_decode_mmio(insn, length, &m);
    const struct kind *k = kind_of(l->mnemonic);
    if (!k)
        return err == -EOPNOTSUPP;
    unsigned reg;
    if (sscanf(l->operands, "x%u,", &reg) != 1 || reg > 31)
        return false;
    seen[k - kinds]++;
    if (err != 0 || m.store != k->store || m.width != k->width || m.sign_extend != k->sign ||
        m.reg != reg || m.length != length)
        return false;
    /* The htinst form, built from objdump's answer: rs1 = an offset, imm = 0. */
    uint32_t t = k->opcode | k->funct3 << 12 | (k->store ? reg << 20 : reg << 7) |
                 (uint32_t)(next() % 8) << 15, got;
    unsigned len;
    if (length == 2)
        t &= ~2u;
    if (insn_from_htinst(t, &got, &len) != 0 || len != length ||
        insn_decode_mmio(got, len, &m) != 0 || m.store != k->store || m.width != k->width ||
        m.sign_extend != k->sign || m.reg != reg || m.length != length)
        transformed_bad++;
    return true;
}

static unsigned compare(const char *what, const uint32_t *insn, unsigned length,
                        const struct line *lines, unsigned n, unsigned *accepted)
{
    unsigned bad = 0;
    for (unsigned i = 0; i < n; i++) {
        if (!lines[i].present || !agree(insn[i], length, &lines[i])) {
            if (++bad <= 20)
                printf("# %s %#010x: objdump says \"%s %s\", the decoder disagrees\n", what,
                       (unsigned)insn[i], lines[i].mnemonic, lines[i].operands);
        } else if (kind_of(lines[i].mnemonic)) {
            ++*accepted;
        }
    }
    return bad;
}

static uint32_t words[N_WORDS], halves[N_HALVES];
static struct line word_lines[N_WORDS], half_lines[N_HALVES];

/* How many lines have this mnemonic; "amo*" counts every one beginning "amo". */
static unsigned count_mnemonic(const struct line *lines, unsigned n, const char *name)
{
    size_t len = strlen(name);
    bool prefix = len > 0 && name[len - 1] == '*';
    unsigned c = 0;
    for (unsigned i = 0; i < n; i++)
        c += prefix ? strncmp(lines[i].mnemonic, name, len - 1) == 0
                    : strcmp(lines[i].mnemonic, name) == 0;
    return c;
}

/* A word objdump could not decode is printed as data, with an assembler
   directive in place of a mnemonic: ".4byte 0x7003" and ".2byte 0x8000" by
   binutils 2.40 (Debian 12), ".insn 4, 0x7003" and ".insn 2, 0x8000" by
   binutils 2.44 (Debian 13).  A directive begins with a dot, an
   instruction's mnemonic never does: that is the test, whatever the
   spelling. */
static bool undecoded(const struct line *l)
{
    return l->present && l->mnemonic[0] == '.';
}

static unsigned count_undecoded(const struct line *lines, unsigned n)
{
    unsigned c = 0;
    for (unsigned i = 0; i < n; i++)
        c += undecoded(&lines[i]);
    return c;
}

/* How objdump spelt the first of them, for the test's output. */
static const char *first_undecoded(const struct line *lines, unsigned n)
{
    static char buf[2][160];
    static unsigned which;
    char *b = buf[which++ % 2];
    snprintf(b, sizeof buf[0], "none");
    for (unsigned i = 0; i < n; i++)
        if (undecoded(&lines[i])) {
            snprintf(b, sizeof buf[0], "%s %s", lines[i].mnemonic, lines[i].operands);
            break;
        }
    return b;
}

int main(int argc, char **argv)
{
    static uint8_t bytes[4 * N_WORDS];
    char dir[512] = ".", path32[600], path16[600];
    const char *slash = argc > 0 ? strrchr(argv[0], '/') : NULL;
    if (slash && (size_t)(slash - argv[0]) < sizeof dir)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - argv[0]), argv[0]);
    snprintf(path32, sizeof path32, "%s/insn-32.bin", dir);
    snprintf(path16, sizeof path16, "%s/insn-16.bin", dir);

    for (unsigned i = 0; i < N_WORDS; i++) {
        words[i] = random_word();
        for (unsigned b = 0; b < 4; b++)
            bytes[4 * i + b] = (uint8_t)(words[i] >> (8 * b));
    }
    CHECK(write_file(path32, bytes, 4 * N_WORDS) == 0, "wrote %u words to %s", N_WORDS, path32);
    for (unsigned i = 0; i < N_HALVES; i++) {
        halves[i] = random_half();
        bytes[2 * i] = (uint8_t)halves[i];
        bytes[2 * i + 1] = (uint8_t)(halves[i] >> 8);
    }
    CHECK(write_file(path16, bytes, 2 * N_HALVES) == 0, "wrote %u halfwords to %s", N_HALVES,
          path16);

    unsigned n32 = disassemble(path32, 4, word_lines, N_WORDS);
    unsigned n16 = disassemble(path16, 2, half_lines, N_HALVES);
    CHECK(n32 == N_WORDS, "objdump disassembled %u of %u words, one line each", n32, N_WORDS);
    CHECK(n16 == N_HALVES, "objdump disassembled %u of %u halfwords, one line each", n16, N_HALVES);

    unsigned acc32 = 0, acc16 = 0;
    unsigned bad32 = compare("word", words, 4, word_lines, N_WORDS, &acc32);
    unsigned bad16 = compare("half", halves, 2, half_lines, N_HALVES, &acc16);
    CHECK(bad32 == 0, "32-bit: the decoder agrees with objdump on all %u words (%u accepted, "
          "%u refused; %u disagree)", N_WORDS, acc32, N_WORDS - acc32 - bad32, bad32);
    CHECK(bad16 == 0, "16-bit: the decoder agrees with objdump on all %u halfwords (%u accepted, "
          "%u refused; %u disagree)", N_HALVES, acc16, N_HALVES - acc16 - bad16, bad16);
    CHECK(transformed_bad == 0, "the htinst form of all %u accepted words decodes the same "
          "(%u differ)", acc32 + acc16, transformed_bad);

    for (unsigned i = 0; i < N_KINDS; i++)
        CHECK(seen[i] >= 100, "%s met %u times", kinds[i].name, seen[i]);
    /* The refused classes must have been met too, or the test proves little:
       words objdump could not decode, of each length, and instructions near
       the loads and stores. */
    unsigned undec32 = count_undecoded(word_lines, N_WORDS);
    unsigned undec16 = count_undecoded(half_lines, N_HALVES);
    CHECK(undec32 >= 10, "refused class: 32-bit words objdump cannot decode, met %u times "
          "(the first as \"%s\")", undec32, first_undecoded(word_lines, N_WORDS));
    CHECK(undec16 >= 10, "refused class: 16-bit halfwords objdump cannot decode, met %u times "
          "(the first as \"%s\")", undec16, first_undecoded(half_lines, N_HALVES));
    static const char *const refused[] = { "flw", "fld", "fsw", "fsd",
                                           "amo*", "lr.*", "sc.*", "c.fld", "c.fsd", "c.fldsp",
                                           "c.fsdsp", "c.addi4spn", "c.slli" };
    for (unsigned i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        unsigned c = count_mnemonic(word_lines, N_WORDS, refused[i]) +
                     count_mnemonic(half_lines, N_HALVES, refused[i]);
        CHECK(c >= 10, "refused class %s met %u times", refused[i], c);
    }
    unsigned lwsp0 = 0;
    for (unsigned i = 0; i < N_HALVES; i++)
        lwsp0 += (halves[i] & 0x6f83) == 0x4002;     /* c.lwsp or c.ldsp with rd = x0 */
    CHECK(lwsp0 >= 10, "reserved c.lwsp/c.ldsp x0 met %u times", lwsp0);
    return check_done();
}
