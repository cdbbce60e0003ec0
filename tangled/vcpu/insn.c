/* Which load or store trapped: htinst, instruction lengths, decoding. */
#include <errno.h>
#include "vcpu/insn.h"

unsigned insn_length(uint16_t first_halfword)
{
    return (first_halfword & 3) == 3 ? 4 : 2;
}

int insn_from_htinst(unsigned long htinst, uint32_t *insn, unsigned *length)
{
    uint64_t v = htinst;
    switch (htinst) {
    case 0x00002000: case 0x00002020:       /* VS-stage walk of an RV32 guest */
    case 0x00003000: case 0x00003020:       /* VS-stage walk of an RV64 guest */
        return -EINVAL;
    }
    if ((v & 1) == 0 || v >> 32 != 0)
        return -ENOENT;                     /* zero, or nothing we recognise */
    *insn = (uint32_t)v | 3;
    *length = (v & 2) ? 4 : 2;
    return 0;
}

static unsigned field(uint32_t insn, unsigned hi, unsigned lo)
{
    return (insn >> lo) & ((1u << (hi - lo + 1)) - 1);
}

static int accept(struct insn_mmio *out, bool store, unsigned width, bool sign,
                  unsigned reg)
{
    out->store = store;
    out->width = width;
    out->sign_extend = sign;
    out->reg = reg;
    return 0;
}

#define OPCODE_LOAD     0x03        /* 0000011 */
#define OPCODE_STORE    0x23        /* 0100011 */

static int decode_standard(uint32_t insn, struct insn_mmio *out)
{
    unsigned opcode = field(insn, 6, 0), funct3 = field(insn, 14, 12);
    if (opcode == OPCODE_LOAD && funct3 != 7)
        return accept(out, false, 1u << (funct3 & 3), funct3 < 3, field(insn, 11, 7));
    if (opcode == OPCODE_STORE && funct3 < 4)
        return accept(out, true, 1u << funct3, false, field(insn, 24, 20));
    return -EOPNOTSUPP;
}

static int compressed_access(uint16_t c, bool *store, unsigned *width)
{
    unsigned funct3 = field(c, 15, 13);
    if ((funct3 & 2) == 0)
        return -EOPNOTSUPP;
    *store = funct3 & 4;
    *width = funct3 & 1 ? 8 : 4;
    return 0;
}

static int decode_c0(uint16_t c, struct insn_mmio *out)
{
    bool store;
    unsigned width;
    if (compressed_access(c, &store, &width) < 0)
        return -EOPNOTSUPP;
    return accept(out, store, width, !store && width == 4, 8 + field(c, 4, 2));
}

static int decode_c2(uint16_t c, struct insn_mmio *out)
{
    bool store;
    unsigned width;
    if (compressed_access(c, &store, &width) < 0)
        return -EOPNOTSUPP;
    unsigned reg = store ? field(c, 6, 2) : field(c, 11, 7);
    if (!store && reg == 0)
        return -EOPNOTSUPP;                 /* c.lwsp, c.ldsp with rd = x0: reserved */
    return accept(out, store, width, !store && width == 4, reg);
}

int insn_decode_mmio(uint32_t insn, unsigned length, struct insn_mmio *out)
{
    int err;
    *out = (struct insn_mmio){ 0 };
    if (length != 2 && length != 4)
        return -EINVAL;
    if ((insn & 3) == 3)
        err = decode_standard(insn, out);
    else if (length == 4 || insn > 0xffff)
        return -EINVAL;                     /* the length does not fit the bits */
    else
        err = (insn & 3) == 0 ? decode_c0((uint16_t)insn, out)
            : (insn & 3) == 2 ? decode_c2((uint16_t)insn, out) : -EOPNOTSUPP;
    if (err == 0)
        out->length = length;
    return err;
}
