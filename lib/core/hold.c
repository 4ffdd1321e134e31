/* SPDX-License-Identifier: MIT */
/* Shared holds on loaded image bytes (core/hold.h): a list under a spin lock; and the
   mappings whose unmapping waits (ecu_image_defer_unmap). */
#define _POSIX_C_SOURCE 200809L /* munmap */
#include "hold.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct ecu__hold {
    const uint8_t *data;
    size_t size;
    void *mem;
    size_t map_size;
    size_t holds;
    struct ecu__hold *next;
};

/* the registered bytes; the list and every count are changed under the lock (a few pointer
   moves, so a spin lock: no thread library is needed) */
static struct ecu__hold *all;
static atomic_flag lock = ATOMIC_FLAG_INIT;

static void take_lock(void)
{
    while (atomic_flag_test_and_set_explicit(&lock, memory_order_acquire))
        ;
}

static void give_lock(void) { atomic_flag_clear_explicit(&lock, memory_order_release); }

/* ---- deferred unmapping ---------------------------------------------------------------------- */

/* The mappings let go while deferral is on, oldest first, and their bytes; under the lock. */
#define LATE_MAX 256
static struct {
    void *mem;
    size_t size;
} late[LATE_MAX];
static size_t nlate, late_bytes, late_budget;

/* Unmaps the oldest deferred mappings until at most @p budget bytes and @p keep of them are
   left (munmap outside the lock). */
static void late_trim(size_t budget, size_t keep)
{
    for (;;) {
        void *mem;
        size_t size;
        take_lock();
        if (!nlate || (late_bytes <= budget && nlate <= keep)) {
            give_lock();
            return;
        }
        mem = late[0].mem;
        size = late[0].size;
        memmove(late, late + 1, --nlate * sizeof late[0]);
        late_bytes -= size;
        give_lock();
        munmap(mem, size);
    }
}

void ecu__unmap(void *mem, size_t size)
{
    int kept = 0;
    size_t budget;
    take_lock();
    budget = late_budget;
    give_lock();
    if (budget && size <= budget) {
        late_trim(budget - size, LATE_MAX - 1); /* room for this one: the oldest go first */
        take_lock();
        if (late_budget == budget && nlate < LATE_MAX) { /* (unless another thread came first) */
            late[nlate].mem = mem;
            late[nlate].size = size;
            nlate++;
            late_bytes += size;
            kept = 1;
        }
        give_lock();
        if (kept)
            late_trim(budget, LATE_MAX); /* (what other threads added meanwhile) */
    }
    if (!kept)
        munmap(mem, size);
}

void ecu__defer_unmap(size_t budget)
{
    take_lock();
    late_budget = budget;
    give_lock();
    late_trim(budget, budget ? LATE_MAX : 0);
}

struct ecu__hold *ecu__hold_new(const uint8_t *data, size_t size, void *mem, size_t map_size)
{
    struct ecu__hold *h = malloc(sizeof *h);
    if (!h)
        return NULL;
    h->data = data;
    h->size = size;
    h->mem = mem;
    h->map_size = map_size;
    h->holds = 1;
    take_lock();
    h->next = all;
    all = h;
    give_lock();
    return h;
}

struct ecu__hold *ecu__hold_take(const uint8_t *data, size_t size)
{
    struct ecu__hold *h;
    take_lock();
    for (h = all; h && !(h->data == data && size <= h->size); h = h->next)
        ;
    if (h)
        h->holds++;
    give_lock();
    return h;
}

/* Unlinks @p h from the list (the lock held). */
static void unlink_hold(struct ecu__hold *h)
{
    struct ecu__hold **p;
    for (p = &all; *p != h; p = &(*p)->next)
        ;
    *p = h->next;
}

void ecu__hold_drop(struct ecu__hold *h)
{
    int last;
    if (!h)
        return;
    take_lock();
    last = --h->holds == 0;
    if (last)
        unlink_hold(h);
    give_lock();
    if (!last)
        return;
    if (h->map_size)
        ecu__unmap(h->mem, h->map_size);
    else
        free(h->mem); /* (NULL for kept bytes: their registrant keeps them) */
    free(h);
}

int ecu__hold_reclaim(struct ecu__hold *h)
{
    int sole;
    if (!h)
        return 1;
    take_lock();
    sole = h->holds == 1;
    if (sole)
        unlink_hold(h);
    give_lock();
    if (sole)
        free(h);
    return sole;
}

void ecu__hold_give(struct ecu__hold *h, void *mem)
{
    if (!h) {
        free(mem);
        return;
    }
    take_lock(); /* the bytes are the hold's own now: the last drop frees them */
    h->mem = mem;
    h->map_size = 0;
    give_lock();
    ecu__hold_drop(h);
}
