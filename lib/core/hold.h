/* SPDX-License-Identifier: MIT */
/*
 * Shared holds on a loaded image's bytes (internal). The loader (lib/io/image.c) registers
 * the bytes of every image it loads; they are never written after the load. An engine given
 * those bytes (ecu_csum_analyze) takes a hold instead of copying them, and the bytes stay
 * until the last holder lets go: the image's own ecu_image_free or next load, or the
 * engine's next analysis. Any thread may take and drop holds.
 */
#ifndef ECU_HOLD_H
#define ECU_HOLD_H

#include <stddef.h>
#include <stdint.h>

struct ecu__hold;

/*
 * Registers @p size bytes at @p data, which the hold then owns: released with free(@p mem)
 * or, when @p map_size is not 0, munmap(@p mem, @p map_size) once the last hold is dropped.
 * Returns the first hold, or NULL when out of memory (the caller keeps the bytes then).
 */
struct ecu__hold *ecu__hold_new(const uint8_t *data, size_t size, void *mem, size_t map_size);
/* A new hold on the registered bytes that start at @p data and are at least @p size long,
   or NULL when no such bytes are registered. */
struct ecu__hold *ecu__hold_take(const uint8_t *data, size_t size);
/* Drops a hold (NULL: nothing); the bytes are released with the last one. */
void ecu__hold_drop(struct ecu__hold *h);

/*
 * Bytes the registrant keeps and reuses (an image's kept read buffer, ecu_image_set_reuse):
 * registered with ecu__hold_new(data, size, NULL, 0), the first hold being the registrant's.
 * ecu__hold_reclaim() ends the registration when no one else holds the bytes (returns 1:
 * the registrant may write them again; 0: someone still holds them, nothing changed).
 * ecu__hold_give() drops the registrant's hold and hands it @p mem: freed (free()) with the
 * last hold, at once when there is no other.
 */
int ecu__hold_reclaim(struct ecu__hold *h);
void ecu__hold_give(struct ecu__hold *h, void *mem);

/* munmap(@p mem, @p size) of a loaded file's mapping, now or, while deferral is on
   (ecu__defer_unmap, public as ecu_image_defer_unmap), once later mappings push it out. */
void ecu__unmap(void *mem, size_t size);
/* Deferral on with a budget of @p budget bytes (at most 256 mappings), or off with 0: the
   mappings over the budget (all of them with 0) are unmapped now. */
void ecu__defer_unmap(size_t budget);

#endif
