/* SPDX-License-Identifier: MIT */
/* What the checksum engine (lib/csum.c) tells the other engines beyond its public API. */
#ifndef ECU_CSUM_PRIVATE_H
#define ECU_CSUM_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "ecu/csum.h"

/* Whether block @p i of the last analysis is a signature checked with a public key that lies
   in the image (Bosch ME7.1.1), and then where that key lies: @p bytes at @p off. */
int ecu__csum_block_key(const ecu_csum *cs, size_t i, uint64_t *off, unsigned *bytes);

#endif
