/* SPDX-License-Identifier: MIT */
/*
 * Bosch ME7.0.1 as used by Volvo (C167, little-endian): the multipoint checksum table.
 *
 * Public sources: guitar24t/VolvoME7ChecksumUpdater; kForth/Volvo-ME7-BINs
 * assets/js/checksum.js; mattiasclaesson/motronicsuite ME7File.cs.
 *
 * The table starts at file offset 0x1F810. Each 16-byte record holds, little-endian: start,
 * end (inclusive, plain file offsets), the 32-bit sum of the LE16 words of [start, end],
 * and its complement (guitar24t/VolvoME7ChecksumUpdater
 * VolvoChecksumMonitor/VolvoChecksumMonitor/ME7ChecksumUpdater.cs; kForth/Volvo-ME7-BINs
 * assets/js/checksum.js). Public tools check a fixed count of records (31 or 32) and
 * document no end marker; real tables run to 31, 35, 47 or 63 records, then filler or
 * other data. Choices made here (lib/families/kits/c167.c, ecu__c167_mp):
 * - The table ends at the first entry that is no record: neither a word range in the flash
 *   of this family (start even, end odd, start below end, end below 1 MiB) nor a value
 *   stored with its complement. An entry with one of the two is a record and is checked: a
 *   damaged range, value or complement is a bad record, never the end of the table; so is
 *   an entry with neither that a whole record follows.
 * - A record whose range lies in the 1 MiB flash but past the end of the file (a 512 KiB
 *   read of a 1 MiB ECU) is bad, named "past the end (truncated)": never a shorter table.
 * Detection wants at least 8 records whose value is stored with its complement.
 */
#include "family.h"
#include "find.h"
#include "read.h"
#include "kits/c167.h"

#include <stdio.h>

#define TABLE 0x1F810u
#define MAX_RECORDS 128u
/* the largest flash of the family: 1 MiB (the image sizes public tools accept,
   guitar24t/VolvoME7ChecksumUpdater ME7ChecksumUpdater.cs) */
#define FLASH 0x100000u

static const struct c167_mp table = {.at = TABLE, .max = MAX_RECORDS, .flash = FLASH};

static unsigned detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    unsigned pairs, k = ecu__c167_mp_len(d, n, &table, &pairs);
    if (k < 8 || pairs < 8)
        return 0;
    snprintf(ev, evsz, "multipoint table at 0x%X with %u records", TABLE, k);
    return k >= 16 ? 85 : 70;
}

static int layout(const uint8_t *d, size_t n, struct blk_list *out)
{
    /* the records as in lib/families/kits/c167.c: plain file offsets, up to the table's end */
    return ecu__c167_mp(d, n, &table, out);
}

/* The family's two flash sizes: 1 MiB when a record reaches past 512 KiB, else 512 KiB. */
static uint64_t extent(const uint8_t *d, size_t n, uint64_t cover)
{
    (void)d;
    (void)n;
    return cover > 0x80000 ? FLASH : 0x80000;
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
    .extent = extent,
};
