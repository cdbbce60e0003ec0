/* The virtual PLIC: each rule cites the PLIC specification v1.0.0. */
#include <errno.h>
#include <string.h>
#include "vmm/vplic.h"

#define BIT(id)         (1u << (id))
#define SOURCE_BITS     0xfffffffeu     /* sources 1..31: bit 0 is no source (§5, §6) */
#define PRIORITY_BASE   0x000000u       /* + 4 * source (§4) */
#define PENDING_BASE    0x001000u       /* one word: sources 0..31 (§5) */
#define ENABLE_BASE     0x002000u       /* + ENABLE_STRIDE * context (§6) */
#define ENABLE_STRIDE   0x80u
#define CONTEXT_BASE    0x200000u       /* + CONTEXT_STRIDE * context: threshold (§7) */
#define CONTEXT_STRIDE  0x1000u
#define CLAIM_OFFSET    4u              /*   and claim/complete after it (§8, §9) */
void vplic_init(struct vplic *p, unsigned nr_contexts, void (*notify)(void *, unsigned, bool),
                void *ctx)
{
    memset(p, 0, sizeof *p);
    p->nr_contexts = nr_contexts < VPLIC_MAX_CONTEXTS ? nr_contexts : VPLIC_MAX_CONTEXTS;
    p->notify = notify;
    p->ctx = ctx;
}
static void gateway_forward(struct vplic *p, unsigned id)
{
    if ((p->level & BIT(id)) && !((p->pending | p->in_service) & BIT(id)))
        p->pending |= BIT(id);
}
static bool context_eip(const struct vplic *p, unsigned context)
{
    uint32_t candidates = p->pending & p->enable[context];
    for (unsigned id = 1; id < VPLIC_SOURCES && candidates >> id; id++)
        if ((candidates & BIT(id)) && p->priority[id] > p->threshold[context])
            return true;
    return false;
}

bool vplic_eip(const struct vplic *p, unsigned context)
{
    return context < p->nr_contexts && context_eip(p, context);
}
static void notify_changes(struct vplic *p)
{
    for (unsigned c = 0; c < p->nr_contexts; c++) {
        bool eip = context_eip(p, c);
        if (eip == p->notified[c])
            continue;
        p->notified[c] = eip;
        if (p->notify)
            p->notify(p->ctx, c, eip);
    }
}
static unsigned claim_source(struct vplic *p, unsigned context)
{
    uint32_t candidates = p->pending & p->enable[context];
    unsigned best = 0;
    for (unsigned id = 1; id < VPLIC_SOURCES; id++)
        if ((candidates & BIT(id)) && p->priority[id] > p->priority[best])
            best = id;
    if (best) {
        p->pending &= ~BIT(best);
        p->in_service |= BIT(best);
    }
    return best;
}
static void complete_source(struct vplic *p, unsigned context, uint32_t id)
{
    if (id == 0 || id >= VPLIC_SOURCES || !(p->enable[context] & BIT(id)))
        return;
    p->in_service &= ~BIT(id);
    gateway_forward(p, id);
}
void vplic_set_level(struct vplic *p, unsigned source, bool level)
{
    if (source == 0 || source >= VPLIC_SOURCES)
        return;
    if (level)
        p->level |= BIT(source);
    else
        p->level &= ~BIT(source);
    gateway_forward(p, source);
    notify_changes(p);
}
enum vplic_reg { REG_NONE, REG_PRIORITY, REG_PENDING, REG_ENABLE, REG_THRESHOLD, REG_CLAIM };

static enum vplic_reg find_register(const struct vplic *p, uint64_t off, unsigned *index)
{
    if (off < PENDING_BASE) {
        *index = (unsigned)(off / 4);                       /* a source */
        return *index >= 1 && *index < VPLIC_SOURCES ? REG_PRIORITY : REG_NONE;
    }
    if (off < ENABLE_BASE)
        return off == PENDING_BASE ? REG_PENDING : REG_NONE;
    if (off < CONTEXT_BASE) {
        uint64_t c = (off - ENABLE_BASE) / ENABLE_STRIDE;
        *index = (unsigned)c;
        return c < p->nr_contexts && off % ENABLE_STRIDE == 0 ? REG_ENABLE : REG_NONE;
    }
    if (off >= VPLIC_SIZE || (off - CONTEXT_BASE) / CONTEXT_STRIDE >= p->nr_contexts)
        return REG_NONE;
    *index = (unsigned)((off - CONTEXT_BASE) / CONTEXT_STRIDE);
    if (off % CONTEXT_STRIDE == 0)
        return REG_THRESHOLD;
    return off % CONTEXT_STRIDE == CLAIM_OFFSET ? REG_CLAIM : REG_NONE;
}
int vplic_read(struct vplic *p, uint64_t offset, unsigned width, uint64_t *value)
{
    if (width != 4 || offset % 4 != 0)
        return -EINVAL;
    unsigned i = 0;
    switch (find_register(p, offset, &i)) {
    case REG_PRIORITY:  *value = p->priority[i]; break;
    case REG_PENDING:   *value = p->pending; break;
    case REG_ENABLE:    *value = p->enable[i]; break;
    case REG_THRESHOLD: *value = p->threshold[i]; break;
    case REG_CLAIM:     *value = claim_source(p, i); notify_changes(p); break;
    default:            *value = 0; break;
    }
    return 0;
}
int vplic_write(struct vplic *p, uint64_t offset, unsigned width, uint64_t value)
{
    if (width != 4 || offset % 4 != 0)
        return -EINVAL;
    unsigned i = 0;
    uint32_t v = (uint32_t)value;
    switch (find_register(p, offset, &i)) {
    case REG_PRIORITY:  p->priority[i] = v & VPLIC_PRIORITY_MAX; break;
    case REG_ENABLE:    p->enable[i] = v & SOURCE_BITS; break;
    case REG_THRESHOLD: p->threshold[i] = v & VPLIC_PRIORITY_MAX; break;
    case REG_CLAIM:     complete_source(p, i, v); break;
    default:            break;      /* pending, or no register */
    }
    notify_changes(p);
    return 0;
}
