/* SPDX-License-Identifier: MIT */
/* Internal interface of checksum discovery, for its tests and its benchmark. */
#ifndef ECU_DISCOVER_PRIVATE_H
#define ECU_DISCOVER_PRIVATE_H

#include "ecu/discover.h"

/*
 * Brute force, the baseline of the fast method: with @p stride > 0 the next runs compute each
 * candidate range's sums and CRCs directly over its bytes (ecu_sum_words, ecu_crc_compute)
 * instead of from the prefix sums and the CRC combination, and evaluate only every
 * @p stride-th candidate range (the others are skipped and not counted). 0: the fast method.
 */
void ecu__discover_set_brute(ecu_discover *d, unsigned stride);
/* Candidate ranges evaluated by the last run (each with all its slots and algorithms). */
uint64_t ecu__discover_ranges(const ecu_discover *d);
/*
 * The same for learning: the discovery run of each image (ecu_learn_run) uses @p stride as
 * above; ecu__learn_ranges() is the candidate ranges those runs evaluated, summed.
 */
void ecu__learn_set_brute(ecu_learn *l, unsigned stride);
uint64_t ecu__learn_ranges(const ecu_learn *l);

#endif
