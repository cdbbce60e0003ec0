/* Registering devices and dispatching accesses to them. */
#include <errno.h>
#include "vmm/mmio.h"

int mmio_register(struct mmio_bus *bus, const struct mmio_device *dev)
{
    if (dev->size == 0 || dev->base + dev->size < dev->base)
        return -EINVAL;
    if (bus->count == MMIO_MAX_DEVICES)
        return -ENOSPC;
    for (unsigned i = 0; i < bus->count; i++) {
        const struct mmio_device *d = &bus->dev[i];
        if (dev->base < d->base + d->size && d->base < dev->base + dev->size)
            return -EEXIST;
    }
    bus->dev[bus->count++] = *dev;
    return 0;
}
static struct mmio_device *mmio_find(struct mmio_bus *bus, uint64_t addr, unsigned width)
{
    for (unsigned i = 0; i < bus->count; i++) {
        struct mmio_device *d = &bus->dev[i];
        if (addr >= d->base && addr - d->base < d->size && width <= d->size - (addr - d->base))
            return d;
    }
    return 0;
}

int mmio_read(struct mmio_bus *bus, uint64_t addr, unsigned width, uint64_t *value)
{
    struct mmio_device *d = mmio_find(bus, addr, width);
    return d ? d->read(d->ctx, addr - d->base, width, value) : -ENODEV;
}

int mmio_write(struct mmio_bus *bus, uint64_t addr, unsigned width, uint64_t value)
{
    struct mmio_device *d = mmio_find(bus, addr, width);
    return d ? d->write(d->ctx, addr - d->base, width, value) : -ENODEV;
}
