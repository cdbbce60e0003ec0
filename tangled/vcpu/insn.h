/* Decoding a trapped guest load or store, for MMIO emulation (no CSR access). */
#ifndef VCPU_INSN_H
#define VCPU_INSN_H

#include <stdbool.h>
#include <stdint.h>

struct insn_mmio {
    bool store;                 /* false: a load */
    unsigned width;             /* 1, 2, 4 or 8 bytes */
    bool sign_extend;           /* a load of 1, 2 or 4 bytes that sign-extends */
    unsigned reg;               /* a load's rd, a store's rs2: 0..31 */
    unsigned length;            /* 2 or 4: bytes of the guest's instruction */
};

/* 2 or 4, from bits 1:0; longer encodings count as 4 and are refused later. */
unsigned insn_length(uint16_t first_halfword);
/* 0: *insn = the transformed instruction with bits 1:0 = 11, *length = 2 or 4;
   -ENOENT: no usable information, read the instruction at sepc;
   -EINVAL: a pseudoinstruction, no explicit access to emulate. */
int insn_from_htinst(unsigned long htinst, uint32_t *insn, unsigned *length);
/* 0: one of the nineteen loads and stores, in *out; -EOPNOTSUPP: any other
   instruction; -EINVAL: length not 2 or 4, or wrong for insn.  Errors zero *out. */
int insn_decode_mmio(uint32_t insn, unsigned length, struct insn_mmio *out);

#endif
