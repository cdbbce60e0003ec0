/* fuzz.h: what every libFuzzer harness in tests/fuzz shares.
 *
 * A harness is one file, tests/fuzz/fuzz_NAME.c, whose line "// sources: ..."
 * names the tangled files it links (as for tests/unit).  It defines
 * LLVMFuzzerTestOneInput, reads its input with the take_* functions below and
 * states what must hold with MUST: a violated invariant prints the condition
 * and traps, so that libFuzzer keeps the input as a crash.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MUST(cond) do {                                                       \
        if (!(cond)) {                                                        \
            fprintf(stderr, "%s:%d: invariant violated: %s\n",                \
                    __FILE__, __LINE__, #cond);                               \
            __builtin_trap();                                                 \
        }                                                                     \
    } while (0)

/* A check for a bug that is known, reported (tests/fuzz/known/README) and not
 * yet fixed in the chapters.  By default it only counts, so that the fuzzer
 * goes on looking for new bugs; with FUZZ_STRICT=1 in the environment it
 * traps like MUST, which is how `make fuzz-known` shows whether the bug is
 * still there.  When the chapter is fixed, the KNOWN becomes a MUST.
 */
#include <stdlib.h>
static inline int fuzz_strict(void)
{
    static int strict = -1;
    if (strict < 0) {
        const char *s = getenv("FUZZ_STRICT");
        strict = s && s[0] == '1';
    }
    return strict;
}
#define KNOWN(name, cond) do {                                                \
        if (!(cond) && fuzz_strict()) {                                       \
            fprintf(stderr, "%s:%d: known bug %s: %s\n",                      \
                    __FILE__, __LINE__, name, #cond);                         \
            __builtin_trap();                                                 \
        }                                                                     \
    } while (0)

/* The fuzzer's input, consumed from the front; past its end every read is 0. */
struct input {
    const uint8_t *p;
    size_t n;
};

static inline uint8_t take_u8(struct input *in)
{
    if (in->n == 0)
        return 0;
    in->n--;
    return *in->p++;
}

static inline uint64_t take_u64(struct input *in, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++)
        v |= (uint64_t)take_u8(in) << (8 * i);
    return v;
}

static inline int take_left(const struct input *in)
{
    return in->n > 0;
}

#endif
