/* SPDX-License-Identifier: MIT */
/*
 * The formats of identification values (core), one parser each, used by the families'
 * identification and detection and by the generic scanners (lib/id.c):
 * - Bosch hardware numbers 0261/0281 + 6 digits; software numbers 1037/1039 (1267/1277 in
 *   older Motronic) + 6 digits; 1037555072 is a TC1793 constant in every PSA EDC17, not a
 *   software number (v-arapidis/openremap-core bosch/edc17/patterns.py, bosch/me7/patterns.py).
 * - VAG part numbers: three characters (a digit first: 022, 4B0, 03L), 9, five digits, up to
 *   three capital letters (the ident labels of openremap-core marelli/ and bosch/ patterns).
 */
#ifndef ECU_CORE_IDFORMAT_H
#define ECU_CORE_IDFORMAT_H

#include <stddef.h>
#include <stdint.h>

/* Whether the 10 bytes at @p p are a Bosch hardware number. */
int ecu__bosch_hw(const uint8_t *p);
/* Whether the 10 bytes at @p p are a Bosch software number. */
int ecu__bosch_sw(const uint8_t *p);
/* A VAG part number at @p p (@p n bytes readable): three characters (a digit first, e.g. 022,
   4B0, 03L), three digits (906, 907, 909, 910...), three digits, up to three capital letters,
   not followed by a letter or digit. Its length (9 to 12), 0 when @p p does not start with one. */
size_t ecu__vag_part(const uint8_t *p, size_t n);

/* ecu__vag_part of the bytes at @p at of an image of @p n bytes (0 when @p at lies past it). */
size_t ecu__vag_part_at(const uint8_t *d, size_t n, size_t at);

struct ecu__idsink;
/*
 * The Bosch numbers inside a run of @p len digits (@p v; reversed when @p rev, the run then
 * ends at @p s + @p len in the image) into @p sink: a run of exactly ten is one number, a
 * hardware number followed by a software number is a pair (also when more digits surround
 * them: M3.8.x `D06` + HW + SW + `56/1/...`, EDC17 SW + more digits); other numbers inside a
 * longer run get a lower confidence.
 */
void ecu__bosch_numbers_in_run(struct ecu__idsink *sink, const uint8_t *v, size_t len, size_t s,
                               int rev);

#endif
