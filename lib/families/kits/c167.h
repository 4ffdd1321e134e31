/* SPDX-License-Identifier: MIT */
/*
 * The Bosch C167 kit (lib/families/kits/c167.c): what the C167 (C166 family, little-endian)
 * Motronic families share: LE16 word sums stored as LE32, the program-pages sum,
 * multipoint tables, C166 addresses and the ME7 ECUID table. Used by bosch_me7_vag.c, bosch_me7_volvo.c, bosch_m797.c, bosch_m798.c,
 * bosch_me745.c.
 */
#ifndef ECU_KIT_C167_H
#define ECU_KIT_C167_H

#include <stddef.h>
#include <stdint.h>

#include "blk.h"
#include "idsink.h"

/* Where the flash lies in the C167's address space. */
#define ECU_C167_FLASH 0x800000u

/* The address of segment @p seg, pointer @p ptr: seg << 14 | ptr. */
uint64_t ecu__c167_seg_addr(uint16_t seg, uint16_t ptr);
/* A C166 address loaded as two words: a segment and a pointer when the high word is a
   segment number (any of its bits 0xFE00 set), else (hi << 16) | lo (ME7Sum FindData). */
uint64_t ecu__c167_addr(uint16_t hi, uint16_t lo);
/* The file offset of flash address @p addr in an image of @p n bytes: 1 with *@p off set, 0
   when the address is not in the image (at or below the flash base, or past the end). */
int ecu__c167_flash_off(uint64_t addr, size_t n, uint64_t *off);
/* The hardware and software numbers, part number, software version and engine of the ME7
   ECUID table, found through the code that loads its address (ME7Sum FindECUID). */
void ecu__c167_ecuid(const uint8_t *d, size_t n, struct ecu__idsink *out);


/* @p b as LE16 words of its ranges added into 32 bits, stored LE32 at @p store (@p pair: with
   its complement after it). */
void ecu__c167_sum16(struct blk *b, uint64_t store, int pair);
/* @p b (fresh from ecu__blk_init: no range yet) as the program-pages sum: the first and last
   LE16 word of every 8 KiB page that lies wholly in one of the @p n @p regions, added into 32
   bits, stored LE32 at @p store (a BK_CUSTOM block), its algorithm text set. Its ranges are
   exactly those words (the last word of a page and the first of the next one joined into one
   range), so they are the bytes it covers. Returns 0, or -1 (with no range) when the words
   need more than ECU_BLK_MAX_RANGES ranges. */
int ecu__c167_page_blk(struct blk *b, uint64_t store, const ecu_range *regions, size_t n);
/* The LE16 words of @p b's ranges added into 32 bits (the program-pages sum). */
uint64_t ecu__c167_page_sum(const uint8_t *img, size_t size, const struct blk *b);
/* A BK_CUSTOM computation that never matches the 8 bytes at store_off: a record that cannot
   be checked is bad and is never corrected. */
uint64_t ecu__c167_unusable(const uint8_t *img, size_t size, const struct blk *b);
/* @p b as such a record (a BK_CUSTOM block of ecu__c167_unusable): its range [@p start,
   @p end) the bytes that say what it is, its slot the 8 bytes at @p store, which never match
   (bad, never corrected). */
void ecu__c167_bad(struct blk *b, uint64_t start, uint64_t end, uint64_t store);
/* The first occurrence of @p pat at an even offset at or after @p from, or UINT64_MAX. */
uint64_t ecu__c167_find(const uint8_t *d, size_t n, uint64_t from, const void *pat, size_t m);
/* Whether [s, e] (inclusive) is a word-sum range of an @p n byte image. */
int ecu__c167_mp_range_ok(uint32_t s, uint32_t e, size_t n);

/* A multipoint table: records from `at`. With `last` (the offset of its end record, not
   before `at`; `max` is then unused) every record up to that one is a record of the table.
   Without, the table holds at most `max` records and ends at the first entry that is none:
   an entry is a record when its range is a word range in the flash (below `flash`) or when it
   stores a value with its complement; an entry that is neither but is followed by a record
   with both is a damaged record, not the end, unless it is filler (16 equal bytes).
   Addresses below `base` are the C167's own boot ROM (not in the dump): a record lying wholly
   in it ([0, 0x8000), as a word range) is skipped, any other record starting below `base` is
   damaged. The others have `base` subtracted, then `shift(start)` when given (file layouts
   that leave out part of the address space).
   Each record is a block: a sum over its range when that lies in the image; when it lies in
   the flash but past the end of the image, a sum over that range named "past the end
   (truncated)" (bad: the engine evaluates no block outside the image); otherwise a bad block
   over the record's 16 bytes, never corrected. `flash`: the flash extent (file bytes) the
   family's layout allows, 0 for the image's size. */
struct c167_mp {
    uint64_t at, last;
    unsigned max;
    uint32_t base;
    uint32_t (*shift)(uint32_t start, size_t n);
    uint64_t flash;
};
int ecu__c167_mp(const uint8_t *d, size_t n, const struct c167_mp *t, struct blk_list *out);
/* How many entries the table @p t holds as ecu__c167_mp reads it (records, damaged or past the
   end included; skipped boot-ROM records too), and in @p pairs (may be NULL) how many of them
   store a value with its complement. */
unsigned ecu__c167_mp_len(const uint8_t *d, size_t n, const struct c167_mp *t, unsigned *pairs);

#endif
