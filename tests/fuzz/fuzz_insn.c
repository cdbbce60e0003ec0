/* The MMIO instruction decoder (vcpu/insn.c, chapter 7) against arbitrary
 * instruction words and htinst values.  Each input is a list of 13-byte
 * records: an htinst value (8 bytes), an instruction word (4) and an address
 * offset for the transformed form (1).  For each record the harness checks
 *   - insn_length agrees with bits 1:0 (ISA spec section 1.5);
 *   - insn_from_htinst returns 0, -ENOENT or -EINVAL, and on 0 the form the
 *     Priv. spec (section 8.6.3) prescribes: bits 1:0 = 11, length 2 or 4 from bit 1;
 *   - insn_decode_mmio, for every length 0..5, gives exactly what an
 *     independent table of the nineteen loads and stores gives, and zeroes
 *     its output on error;
 *   - a decoded access, rebuilt as the transformed instruction the hart would
 *     write to htinst (imm = 0, rs1 = address offset, bit 1 = 0 when
 *     compressed), decodes through insn_from_htinst to the same access.
 */
// sources: tangled/vcpu/insn.c
#include <errno.h>
#include <stdbool.h>
#include "vcpu/insn.h"
#include "fuzz.h"

static unsigned bits(uint32_t w, unsigned hi, unsigned lo)
{
    return (w >> lo) & ((1u << (hi - lo + 1)) - 1);
}

/* The reference: RV64 loads and stores by their encodings (ISA spec, the
   RV32I/RV64I base opcode map and the RVC quadrant 0 and 2 tables). */
static int reference(uint32_t w, unsigned length, struct insn_mmio *m)
{
    static const unsigned load_width[7] = { 1, 2, 4, 8, 1, 2, 4 };
    *m = (struct insn_mmio){ 0 };
    if (length != 2 && length != 4)
        return -EINVAL;
    if ((w & 3) == 3) {                     /* a 32-bit or a transformed instruction */
        unsigned f3 = bits(w, 14, 12);
        if (bits(w, 6, 0) == 0x03 && f3 < 7)
            *m = (struct insn_mmio){ false, load_width[f3], f3 < 3, bits(w, 11, 7), length };
        else if (bits(w, 6, 0) == 0x23 && f3 < 4)
            *m = (struct insn_mmio){ true, 1u << f3, false, bits(w, 24, 20), length };
        else
            return -EOPNOTSUPP;
        return 0;
    }
    if (length != 2 || w > 0xffff)
        return -EINVAL;
    unsigned q = w & 3, f3 = bits(w, 15, 13);
    bool store = f3 >= 6;
    unsigned width = (f3 & 1) ? 8 : 4;
    if (q == 0 && (f3 == 2 || f3 == 3 || f3 == 6 || f3 == 7))        /* c.lw c.ld c.sw c.sd */
        *m = (struct insn_mmio){ store, width, !store && width == 4, 8 + bits(w, 4, 2), 2 };
    else if (q == 2 && (f3 == 6 || f3 == 7))                        /* c.swsp c.sdsp */
        *m = (struct insn_mmio){ true, width, false, bits(w, 6, 2), 2 };
    else if (q == 2 && (f3 == 2 || f3 == 3) && bits(w, 11, 7) != 0) /* c.lwsp c.ldsp */
        *m = (struct insn_mmio){ false, width, width == 4, bits(w, 11, 7), 2 };
    else
        return -EOPNOTSUPP;
    return 0;
}

static bool same(const struct insn_mmio *a, const struct insn_mmio *b)
{
    return a->store == b->store && a->width == b->width && a->sign_extend == b->sign_extend &&
           a->reg == b->reg && a->length == b->length;
}

static const struct insn_mmio zero;

static void check_decode(uint32_t w, unsigned length)
{
    struct insn_mmio got, want;
    memset(&got, 0xa5, sizeof got);
    int err = insn_decode_mmio(w, length, &got), ref = reference(w, length, &want);
    MUST(err == 0 || err == -EOPNOTSUPP || err == -EINVAL);
    MUST(err == ref);
    if (err != 0) {
        MUST(same(&got, &zero));            /* "Errors zero *out." */
        return;
    }
    MUST(got.width == 1 || got.width == 2 || got.width == 4 || got.width == 8);
    MUST(got.reg < 32);
    MUST(got.length == length);
    MUST(!(got.store && got.sign_extend));
    MUST(!got.sign_extend || got.width < 8);
    MUST(same(&got, &want));
}

/* The transformed instruction of a decoded access (Priv. spec section 8.6.3). */
static uint32_t transformed(const struct insn_mmio *m, unsigned offset)
{
    unsigned f3;
    uint32_t w;
    if (m->store) {
        f3 = m->width == 8 ? 3 : m->width == 4 ? 2 : m->width == 2 ? 1 : 0;
        w = 0x23 | f3 << 12 | (uint32_t)m->reg << 20;
    } else {
        f3 = m->width == 8 ? 3 : m->width == 4 ? 2 : m->width == 2 ? 1 : 0;
        if (!m->sign_extend && m->width < 8)
            f3 |= 4;
        w = 0x03 | f3 << 12 | (uint32_t)m->reg << 7;
    }
    w |= (uint32_t)(offset & 31) << 15;
    return m->length == 2 ? w & ~2u : w;
}

static void check_htinst(uint64_t h)
{
    uint32_t insn = 0x5a5a5a5a;
    unsigned length = 77;
    int err = insn_from_htinst((unsigned long)h, &insn, &length);
    bool pseudo = h == 0x2000 || h == 0x2020 || h == 0x3000 || h == 0x3020;
    MUST(err == 0 || err == -ENOENT || err == -EINVAL);
    MUST((err == -EINVAL) == pseudo);
    if (err == -ENOENT)
        MUST((h & 1) == 0 || h >> 32 != 0);
    if (err == 0) {
        MUST((h & 1) == 1 && h >> 32 == 0);
        MUST((insn & 3) == 3 && insn == ((uint32_t)h | 3));
        MUST(length == ((h & 2) ? 4u : 2u));
        check_decode(insn, length);
    } else {
        MUST(insn == 0x5a5a5a5a && length == 77);   /* outputs untouched */
    }
}

static void check_round_trip(uint32_t w, unsigned offset)
{
    unsigned length = insn_length((uint16_t)w);
    MUST(length == ((w & 3) == 3 ? 4u : 2u));
    if (length == 2)
        w &= 0xffff;
    struct insn_mmio m, again;
    if (insn_decode_mmio(w, length, &m) != 0)
        return;
    uint32_t t = transformed(&m, offset), insn;
    unsigned tlen;
    MUST(insn_from_htinst(t, &insn, &tlen) == 0);
    MUST(tlen == length);
    MUST(insn_decode_mmio(insn, tlen, &again) == 0);
    MUST(same(&m, &again));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = { data, size };
    do {
        uint64_t h = take_u64(&in, 8);
        uint32_t w = (uint32_t)take_u64(&in, 4);
        unsigned offset = take_u8(&in);
        check_htinst(h);
        check_htinst(h & 0xffffffffu);
        for (unsigned length = 0; length <= 5; length++) {
            check_decode(w, length);
            check_decode(w & 0xffff, length);
        }
        check_round_trip(w, offset);
        check_round_trip(w >> 16, offset);
    } while (take_left(&in));
    return 0;
}
