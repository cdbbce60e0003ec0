/* A virtual PLIC: 31 level-triggered sources, one S-mode context per vCPU. */
#ifndef VMM_VPLIC_H
#define VMM_VPLIC_H

#include <stdbool.h>
#include <stdint.h>

#define VPLIC_SOURCES      32          /* source ids 1..31; 0 means "none" */
#define VPLIC_MAX_CONTEXTS 8           /* one per vCPU: its S-mode (VS) external interrupt */
#define VPLIC_PRIORITY_MAX 7           /* priorities are 3 bits (WARL) */
#define VPLIC_SIZE         0x4000000UL /* the register window */

struct vplic {
    uint8_t priority[VPLIC_SOURCES];        /* per source; [0] stays 0 */
    uint32_t pending;                       /* IP: bit n is source n */
    uint32_t level;                         /* each device's line, as last set */
    uint32_t in_service;                    /* claimed, not yet completed */
    uint32_t enable[VPLIC_MAX_CONTEXTS];    /* per context; bit 0 stays 0 */
    uint8_t threshold[VPLIC_MAX_CONTEXTS];  /* per context */
    bool notified[VPLIC_MAX_CONTEXTS];      /* the EIP last passed to notify */
    unsigned nr_contexts;
    /* the monitor's callback: context's EIP may have changed (to eip) */
    void (*notify)(void *ctx, unsigned context, bool eip);
    void *ctx;
};

/* Reset: every register 0, every line low, no EIP.  nr_contexts above
 * VPLIC_MAX_CONTEXTS is taken as VPLIC_MAX_CONTEXTS; notify may be 0. */
void vplic_init(struct vplic *p, unsigned nr_contexts, void (*notify)(void *, unsigned, bool),
                void *ctx);
/* A guest access at an offset from the base.  -EINVAL unless width is 4 and
 * offset a multiple of 4.  A word that is no register, including any at or
 * beyond VPLIC_SIZE, reads 0 and ignores writes.  Reading a claim/complete
 * register claims; writing one completes. */
int vplic_read(struct vplic *p, uint64_t offset, unsigned width, uint64_t *value);
int vplic_write(struct vplic *p, uint64_t offset, unsigned width, uint64_t value);
/* A device's level-triggered line; sources other than 1..31 are ignored. */
void vplic_set_level(struct vplic *p, unsigned source, bool level);
/* Whether the context's external interrupt is pending (false: no such context). */
bool vplic_eip(const struct vplic *p, unsigned context);

#endif
