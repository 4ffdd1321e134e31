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
#include "family_private.h"

#include <stdio.h>
#include <string.h>

#define TABLE 0x1F810u
#define RECORD 16u
#define MAX_RECORDS 128u

/* Whether the record at @p at has the range of a multipoint record of an @p n byte image. */
static int record_range_ok(const uint8_t *d, size_t n, uint64_t at)
{
    uint32_t s = ecu__rd32(d, n, at, 0), e = ecu__rd32(d, n, at + 4, 0);
    if (at + RECORD > n)
        return 0;
    /* sums of 16-bit words: a range starts on a word and holds whole words */
    return s < e && e < n && s % 2 == 0 && (e - s + 1) % 2 == 0;
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
        pairs += ecu__rd32(d, n, at + 12, 0) == (uint32_t)~ecu__rd32(d, n, at + 8, 0);
    }
    if (k < 8 || pairs < 8)
        return 0;
    snprintf(ev, evsz, "multipoint table at 0x%X with %u records", TABLE, k);
    return k >= 16 ? 85 : 70;
}

static int layout(const uint8_t *d, size_t n, struct blk_list *out)
{
    unsigned k, nrec = count_records(d, n);
    for (k = 0; k < nrec; k++) {
        uint64_t at = TABLE + (uint64_t)k * RECORD;
        struct blk b;
        memset(&b, 0, sizeof b);
        b.kind = BK_SUM;
        b.ranges[0].start = ecu__rd32(d, n, at, 0);
        b.ranges[0].end = (uint64_t)ecu__rd32(d, n, at + 4, 0) + 1;
        b.nranges = 1;
        snprintf(b.name, sizeof b.name, "multipoint %u (0x%llX-0x%llX)", k,
                 (unsigned long long)b.ranges[0].start, (unsigned long long)(b.ranges[0].end - 1));
        snprintf(b.algo, sizeof b.algo, "sum16le, stored with complement");
        b.word_bytes = 2;
        b.word_be = 0;
        b.acc_bits = 32;
        b.store_off = at + 8;
        b.store_bytes = 4;
        b.store_be = 0;
        b.pair = 1;
        if (ecu__blk_add(out, &b))
            return ECU_ERR_NOMEM;
    }
    return ECU_OK;
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
    .layout = layout,
};
