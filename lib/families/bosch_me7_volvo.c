/* SPDX-License-Identifier: MIT */
/*
 * Bosch ME7.0.1 as used by Volvo (C167, little-endian): the multipoint checksum table.
 *
 * Public sources: guitar24t/VolvoME7ChecksumUpdater; kForth/Volvo-ME7-BINs
 * assets/js/checksum.js; mattiasclaesson/motronicsuite ME7File.cs.
 *
 * The table starts at file offset 0x1F810. Each 16-byte record holds, little-endian: start,
 * end (inclusive, plain file offsets), the 32-bit sum of the LE16 words of [start, end],
 * and its complement. Public tools check the first 32 records; real tables run to 35, 47 or
 * 63 records and end at the first record whose range is not one (filler or erased bytes:
 * start not below end, an odd start, a range past the image or of an odd length). Every
 * record up to there is checked; a damaged value or complement is a bad record, not the
 * end of the table.
 * Detection wants at least 8 records whose value is stored with its complement.
 */
#include "family.h"
#include "find.h"
#include "read.h"
#include "kits/c167.h"

#include <stdio.h>

#define TABLE 0x1F810u
#define RECORD 16u
#define MAX_RECORDS 128u

/* Whether the record at @p at has the range of a multipoint record of an @p n byte image. */
static int record_range_ok(const uint8_t *d, size_t n, uint64_t at)
{
    uint32_t s, e;
    return ecu__in(n, at, RECORD) && ecu__get32(d, n, at, 0, &s) &&
           ecu__get32(d, n, at + 4, 0, &e) && ecu__c167_mp_range_ok(s, e, n);
}

static unsigned count_records(const uint8_t *d, size_t n)
{
    unsigned k = 0;
    while (k < MAX_RECORDS && record_range_ok(d, n, TABLE + (uint64_t)k * RECORD))
        k++;
    return k;
}

static unsigned detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    unsigned k = count_records(d, n), i, pairs = 0;
    for (i = 0; i < k; i++) {
        uint64_t at = TABLE + (uint64_t)i * RECORD;
        uint32_t v, c;
        /* record i < k lies in the image (record_range_ok) */
        ecu__get32(d, n, at + 8, 0, &v);
        ecu__get32(d, n, at + 12, 0, &c);
        pairs += c == (uint32_t)~v;
    }
    if (k < 8 || pairs < 8)
        return 0;
    snprintf(ev, evsz, "multipoint table at 0x%X with %u records", TABLE, k);
    return k >= 16 ? 85 : 70;
}

static int layout(const uint8_t *d, size_t n, struct blk_list *out)
{
    /* the records as in lib/families/kits/c167.c: plain file offsets, up to the first non-record */
    return ecu__c167_mp(d, n, &(struct c167_mp){.at = TABLE, .max = MAX_RECORDS}, out);
}

const struct family ecu__family_bosch_me7_volvo = {
    .info = {
        .name = "bosch-me7-volvo",
        .manufacturer = "Bosch",
        .description = "ME7.0.1 (Volvo), 512 KiB and 1 MiB",
        .verifies = "every record of the multipoint table at 0x1F810 (LE16 word sums with complement)",
        .corrects = "each record's sum and complement",
        .sources = "guitar24t/VolvoME7ChecksumUpdater; kForth/Volvo-ME7-BINs assets/js/checksum.js; "
                   "mattiasclaesson/motronicsuite ME7File.cs",
    },
    .min_size = 0x80000,
    .max_size = 0x100000,
    .detect = detect,
    .identify = ecu__c167_ecuid,
    .layout = layout,
};
