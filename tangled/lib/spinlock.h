/* A spinlock for the monitor's per-VM state. */
#ifndef LIB_SPINLOCK_H
#define LIB_SPINLOCK_H

struct spinlock { int taken; };

static inline void spin_lock(struct spinlock *l)
{
    while (__atomic_exchange_n(&l->taken, 1, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(&l->taken, __ATOMIC_RELAXED))
            ;
}

static inline void spin_unlock(struct spinlock *l)
{
    __atomic_store_n(&l->taken, 0, __ATOMIC_RELEASE);
}

#endif
