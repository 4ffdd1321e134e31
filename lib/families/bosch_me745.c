/* SPDX-License-Identifier: MIT */
/*
 * Bosch ME7.4.5 (PSA: Citroen/Peugeot; C167, little-endian), 0xD0000 byte files.
 *
 * Single public source (untested there, and no dump is in our corpus; the tests use synthetic
 * images built to this description): olegm382/IronFelix Source/citroen_me745/module6.cpp.
 * Facts used here:
 * - Detection: the file size and one of the code byte strings
 *   88 E0 88 D0 E6 FC 00 20 E0 9D E6 FE FF FF E0 AF or 88 50 88 40 E6 FC 00 20 E0 9D E6 FE FF FF
 *   E0 AF.
 * - The multipoint table (records as in lib/families/kits/c167.c, addresses are file offsets)
 *   starts at the record {0, 0x3FFF} and ends with the record {0xCC000, 0xCFFD3} (searched
 *   from 0x1E0 bytes after the start). When it starts below 0xC0000 the file uses the
 *   "shifted" layout: every address from 0x18000 on lies 0x10000 lower (the records store
 *   the unshifted addresses).
 * - Program pages (the first and last LE16 word of every 8 KiB page, added into 32 bits,
 *   stored LE32 without complement) of [0x2000, 0x8000), [0x20000, 0x90000) and
 *   [0x92000, 0xB0000), at 0xB7FFA.
 * - Three standard CRC-32s (zlib's), stored LE32: over [0, 0x8000), [0x20000, 0x90000) and
 *   [0x92000, 0xB0000) as one stream, at 0xCFFD8; over [0x18000, 0x1F9D0) at 0x1FFFC; over
 *   [0xB0000, 0xCFFD4) at 0xCFFD4.
 * - In the shifted layout the ranges and slots from 0x18000 on lie 0x10000 lower.
 * Choices made here: the source aborts when the multipoint table is missing; so does this
 * family (no layout). A record whose range is not in the file is a bad block, never corrected.
 */
#include "family.h"
#include "find.h"
#include "read.h"
#include "kits/c167.h"

#include <stdio.h>
#include <string.h>

#define SIZE 0xD0000u
#define SHIFT 0x10000u

static const uint8_t marks[2][16] = {
    {0x88, 0xE0, 0x88, 0xD0, 0xE6, 0xFC, 0x00, 0x20, 0xE0, 0x9D, 0xE6, 0xFE, 0xFF, 0xFF, 0xE0, 0xAF},
    {0x88, 0x50, 0x88, 0x40, 0xE6, 0xFC, 0x00, 0x20, 0xE0, 0x9D, 0xE6, 0xFE, 0xFF, 0xFF, 0xE0, 0xAF},
};
static const uint8_t first_record[8] = {0x00, 0x00, 0x00, 0x00, 0xFF, 0x3F, 0x00, 0x00};
static const uint8_t end_record[8] = {0x00, 0xC0, 0x0C, 0x00, 0xD3, 0xFF, 0x0C, 0x00};

static uint32_t shifted(uint32_t a, size_t n)
{
    (void)n;
    return a >= 0x18000 ? SHIFT : 0;
}

static uint64_t find_mark(const uint8_t *d, size_t n)
{
    unsigned i;
    const uint8_t *hit = NULL;
    if (n != SIZE)
        return UINT64_MAX;
    for (i = 0; i < 2 && !hit; i++)
        hit = ecu__memfind(d, n, marks[i], sizeof marks[i]);
    return hit ? (uint64_t)(hit - d) : UINT64_MAX;
}

/* The multipoint table's first and end records; 0 when there is none. */
static int find_table(const uint8_t *d, size_t n, uint64_t *mp, uint64_t *mp_end)
{
    *mp = ecu__c167_find(d, n, 0, first_record, sizeof first_record);
    if (*mp == UINT64_MAX)
        return 0;
    *mp_end = ecu__c167_find(d, n, *mp + 0x1E0, end_record, sizeof end_record);
    return *mp_end != UINT64_MAX;
}

static unsigned detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    uint64_t at = find_mark(d, n), mp, mp_end;
    if (at == UINT64_MAX)
        return 0;
    if (!find_table(d, n, &mp, &mp_end)) {
        snprintf(ev, evsz, "ME7.4.5 code at 0x%llX, but no multipoint table", (unsigned long long)at);
        return 30;
    }
    snprintf(ev, evsz, "ME7.4.5 code at 0x%llX, multipoint table 0x%llX-0x%llX, %s layout",
             (unsigned long long)at, (unsigned long long)mp, (unsigned long long)mp_end + 15,
             mp < 0xC0000 ? "shifted" : "standard");
    return 85;
}

static int add_crc(struct blk_list *out, const ecu_range *r, size_t nr, uint64_t slot, uint32_t d)
{
    uint64_t off = slot - shifted((uint32_t)slot, SIZE) * d;
    struct blk b;
    size_t i;
    ecu__blk_init(&b, "crc32 (zlib)", "CRC at 0x%llX", (unsigned long long)off);
    ecu__blk_crc(&b, &ECU_CRC32);
    for (i = 0; i < nr; i++)
        ecu__blk_range(&b, r[i].start - shifted((uint32_t)r[i].start, SIZE) * d,
                       r[i].end - shifted((uint32_t)r[i].start, SIZE) * d);
    ecu__blk_store(&b, off, 4, 0, 0);
    return ecu__blk_add(out, &b);
}

static int layout(const uint8_t *d, size_t n, struct blk_list *out)
{
    static const ecu_range pages[3] = {{0x2000, 0x8000}, {0x20000, 0x90000}, {0x92000, 0xB0000}};
    static const ecu_range crc1[3] = {{0, 0x8000}, {0x20000, 0x90000}, {0x92000, 0xB0000}};
    static const ecu_range crc2[1] = {{0x18000, 0x1F9D0}};
    static const ecu_range crc3[1] = {{0xB0000, 0xCFFD4}};
    uint64_t mp, mp_end;
    uint32_t sh;
    ecu_range reg[3];
    struct blk b;
    size_t i;
    int rc;
    if (find_mark(d, n) == UINT64_MAX || !find_table(d, n, &mp, &mp_end))
        return ECU_OK;
    sh = mp < 0xC0000; /* 1: the shifted layout */
    for (i = 0; i < 3; i++)
        reg[i] = (ecu_range){pages[i].start - shifted((uint32_t)pages[i].start, n) * sh,
                             pages[i].end - shifted((uint32_t)pages[i].start, n) * sh};
    /* 3 + 56 + 15 pages: 77 ranges, within a block's */
    _Static_assert(0x6000 / 0x2000 + 1 + 0x70000 / 0x2000 + 1 + 0x1E000 / 0x2000 + 1 <=
                       ECU_BLK_MAX_RANGES,
                   "the program pages fit a block");
    ecu__blk_init(&b, "", "program pages");
    (void)ecu__c167_page_blk(&b, 0xB7FFA - SHIFT * sh, reg, 3);
    if ((rc = ecu__blk_add(out, &b)))
        return rc;
    if ((rc = ecu__c167_mp(d, n, &(struct c167_mp){.at = mp, .last = mp_end, .shift = sh ? shifted : NULL},
                           out)) || (rc = add_crc(out, crc1, 3, 0xCFFD8, sh)) ||
        (rc = add_crc(out, crc2, 1, 0x1FFFC, sh)) || (rc = add_crc(out, crc3, 1, 0xCFFD4, sh)))
        return rc;
    return ECU_OK;
}

ECU_EXTENT_FIXED(extent, SIZE)

const struct family ecu__family_bosch_me745 = {
    .info = {
        .name = "bosch-me745",
        .manufacturer = "Bosch",
        .description = "ME7.4.5 (PSA), 0xD0000 bytes, standard and shifted layouts; single "
                       "public source, untested there",
        .verifies = "the program-pages sum; every multipoint record from {0, 0x3FFF} to "
                    "{0xCC000, 0xCFFD3}; three CRC-32s at 0xCFFD8, 0x1FFFC and 0xCFFD4 (moved "
                    "for the shifted layout)",
        .corrects = "every sum (with its complement) and CRC",
        .sources = "olegm382/IronFelix Source/citroen_me745/module6.cpp",
    },
    .min_size = SIZE,
    .max_size = SIZE,
    .detect = detect,
    .identify = ecu__c167_ecuid,
    .layout = layout,
    .extent = extent,
};
