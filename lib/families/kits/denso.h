/* SPDX-License-Identifier: MIT */
/*
 * The Denso kit (lib/families/kits/denso.c): the checksum record that the Denso families
 * share (denso-subaru, denso-mazda-nc): the BE32 stored at a slot is 0x5AA5A55A minus the
 * sum of the BE32 words of a block (RomRaider/RomRaider maps/RomChecksum.java;
 * cdufresne81/nc-flash src/ecu/checksum.py).
 */
#ifndef ECU_KIT_DENSO_H
#define ECU_KIT_DENSO_H

#include <stdint.h>

#include "blk.h"

/* The total that a block's BE32 word sum and its record's value add up to. */
#define ECU_DENSO_TOTAL 0x5AA5A55Au

/* @p b (made by ecu__blk_init, with no range yet) as a Denso checksum record: the BE32 at
   @p store is 0x5AA5A55A minus the sum of the BE32 words of [start, end) (a BK_CUSTOM
   block). */
void ecu__denso_rec(struct blk *b, uint64_t start, uint64_t end, uint64_t store);

#endif
