/* SPDX-License-Identifier: MIT */
/*
 * Between lib/id.c (fields, sorting, comparing) and lib/id_others.c (the identification of
 * the families other than Bosch: Siemens MS4x, Denso, Mitsubishi, Hitachi, Continental,
 * Delphi, Marelli).
 */
#ifndef ECU_ID_PRIVATE_H
#define ECU_ID_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "ecu/csum.h"
#include "ecu/id.h"

/* Adds a field to @p id (value trimmed of spaces; empty or unprintable values are dropped; the
   same key and value found again keeps the higher confidence, with its offset and source). */
void ecu__id_add(ecu_id *id, const char *key, const uint8_t *val, size_t len, uint64_t off,
                 unsigned conf, const char *source);

/* A VAG part number at @p p (@p n bytes readable): three characters (a digit first, e.g. 022,
   4B0, 03L), three digits (906, 907, 909, 910...), three digits, up to three capital letters,
   not followed by a letter or digit. Its length (9 to 12), 0 when @p p does not start with one. */
size_t ecu__id_vag_part(const uint8_t *p, size_t n);

/*
 * The identification fields of the family that @p cs detected in the image (@p d, @p n), for
 * every family that is not Bosch, and the Marelli ident labels of any image. Bounded, linear
 * scans; every read bounds-checked.
 */
void ecu__id_others(ecu_id *id, const ecu_csum *cs, const uint8_t *d, size_t n);

#endif
