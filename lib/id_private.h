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

/* lib/id.c's add(): one field (value trimmed of spaces; empty or unprintable values dropped;
   the same key and value again keeps the higher confidence). */
typedef void (*ecu__id_add_fn)(ecu_id *id, const char *key, const uint8_t *val, size_t len,
                               uint64_t off, unsigned conf, const char *source);

/*
 * The identification fields of the family that @p cs detected in the image (@p d, @p n), for
 * every family that is not Bosch, and the Marelli ident labels of any image. Bounded, linear
 * scans; every read bounds-checked.
 */
void ecu__id_others(ecu_id *id, ecu__id_add_fn add, const ecu_csum *cs, const uint8_t *d,
                    size_t n);

#endif
