/* SPDX-License-Identifier: MIT */
/*
 * The identification sink (core): the fields that identification finds in an image, added by
 * the families' `identify` (lib/families/) and by the generic scanners (lib/id.c), read by
 * the identification engine (lib/id.c), which sorts and publishes them.
 */
#ifndef ECU_CORE_IDSINK_H
#define ECU_CORE_IDSINK_H

#include <stddef.h>
#include <stdint.h>

#include "ecu/id.h"

/* fields of one key that are kept at most (the first found, or the more confident) */
#define ECU_ID_MAX_PER_KEY 16

struct ecu__idfield {
    ecu_id_field pub;
    char *value, *source;
    unsigned order; /* key rank, for sorting */
    size_t seq;     /* insertion order, to keep sorting stable */
};

struct ecu__idsink {
    struct ecu__idfield *f;
    size_t n, cap;
    int nomem; /* a field could not be stored: the engine reports ECU_ERR_NOMEM */
};

/*
 * Adds a field: @p key one of the stable keys of ecu/id.h, the value @p val (@p len bytes,
 * trimmed of spaces; an empty or unprintable value is dropped), found at @p off (or
 * ECU_ID_NO_OFFSET) with confidence @p conf (at most 100) by @p source. The same key and value
 * found again keeps the higher confidence, with its offset and source.
 */
void ecu__id_add(struct ecu__idsink *s, const char *key, const uint8_t *val, size_t len,
                 uint64_t off, unsigned conf, const char *source);
/* ecu__id_add of the @p len bytes at @p at of an image of @p n bytes, when they lie in it. */
void ecu__id_put(struct ecu__idsink *s, const uint8_t *d, size_t n, const char *key, size_t at,
                 size_t len, unsigned conf, const char *source);
/* ecu__id_add of a value that is not the bytes at its offset (formatted, or derived). */
void ecu__id_text(struct ecu__idsink *s, const char *key, const char *val, uint64_t off,
                  unsigned conf, const char *source);
/* Drops every field (the memory of the list is kept). */
void ecu__idsink_clear(struct ecu__idsink *s);
/* Frees everything; the sink is empty and zeroed after. */
void ecu__idsink_free(struct ecu__idsink *s);

#endif
