/* The MMIO bus: which emulated device answers a guest-physical address. */
#ifndef VMM_MMIO_H
#define VMM_MMIO_H

#include <stdint.h>

struct mmio_device {
    const char *name;
    uint64_t base, size;
    int (*read)(void *ctx, uint64_t offset, unsigned width, uint64_t *value);
    int (*write)(void *ctx, uint64_t offset, unsigned width, uint64_t value);
    void *ctx;
};

#define MMIO_MAX_DEVICES 8
struct mmio_bus {
    struct mmio_device dev[MMIO_MAX_DEVICES];
    unsigned count;
};

int mmio_register(struct mmio_bus *bus, const struct mmio_device *dev);
int mmio_read(struct mmio_bus *bus, uint64_t addr, unsigned width, uint64_t *value);
int mmio_write(struct mmio_bus *bus, uint64_t addr, unsigned width, uint64_t value);

#endif
