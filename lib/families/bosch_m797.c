/* SPDX-License-Identifier: MIT */
/*
 * Bosch M7.9.7 (C167, little-endian): the Hyundai/Kia 512 KiB layout and the 1 MiB layout of
 * the Chinese-market M7.9.7.
 *
 * Single public source for each (untested there, and no dump of either is in our corpus; the
 * tests use synthetic images built to this description): olegm382/IronFelix
 * Source/bosch_797/module4.cpp (512 KiB) and Source/china_bosch_797/module5.cpp (1 MiB).
 * Facts used here:
 * - Flash at CPU address 0x800000. Multipoint records as in lib/families/kits/c167.c; the source
 *   skips records that start below 0x800000 (the C167's boot ROM, not in the dump).
 * - 512 KiB: a table of five LE32 {start, end} CPU address pairs beginning
 *   {0x800000, 0x805EFD or 0x805FFF, 0x808000, 0x80FBFF} (found anywhere). The LE16 words of
 *   the five inclusive ranges, added into 32 bits, are stored at 0x7FFE0 with their
 *   complement at 0x7FFE4. The multipoint table starts at the record {0, 0x3FFF} and ends with
 *   the record {0x87C000, 0x87FFFF} (searched from 0x1E0 bytes after the start).
 * - 1 MiB: the range table {0x800000, 0x80FFFF, 0x810000, 0x8FFFFF} marks the layout. The LE16
 *   words of the whole file, its own slot included, added into 32 bits, are stored at
 *   0xFFFE8 with their complement at 0xFFFEC (the pair adds a constant to the sum). The
 *   multipoint table runs from the record {0, 0x3FFF} to the record {0x8FC000, 0x8FFFFF}.
 * Choices made here: the source aborts when the multipoint table is missing; so does this
 * family (no layout). A record of the table whose range is not in the image is a bad block,
 * never corrected. Only a record lying wholly in the boot ROM ([0, 0x8000), the range of the
 * two boot-ROM records {0, 0x3FFF} and {0x4000, 0x7FFF}, nyetwurk/ME7Sum me7sum.c
 * check_whitelist) is skipped: any other record starting below the flash is damaged (bad),
 * never passed over.
 */
#include "family.h"
#include "find.h"
#include "read.h"
#include "kits/c167.h"

#include <stdio.h>
#include <string.h>

#define BASE 0x800000u

struct variant {
    size_t size;
    const uint8_t (*marks)[16];
    unsigned nmarks;
    uint8_t end_record[8];
};

static const uint8_t hyundai_marks[2][16] = {
    {0x00, 0x00, 0x80, 0x00, 0xFD, 0x5E, 0x80, 0x00, 0x00, 0x80, 0x80, 0x00, 0xFF, 0xFB, 0x80, 0x00},
    {0x00, 0x00, 0x80, 0x00, 0xFF, 0x5F, 0x80, 0x00, 0x00, 0x80, 0x80, 0x00, 0xFF, 0xFB, 0x80, 0x00},
};
static const uint8_t china_marks[1][16] = {
    {0x00, 0x00, 0x80, 0x00, 0xFF, 0xFF, 0x80, 0x00, 0x00, 0x00, 0x81, 0x00, 0xFF, 0xFF, 0x8F, 0x00},
};

static const struct variant hyundai = {0x80000, hyundai_marks, 2,
                                       {0x00, 0xC0, 0x87, 0x00, 0xFF, 0xFF, 0x87, 0x00}};
static const struct variant china = {0x100000, china_marks, 1,
                                     {0x00, 0xC0, 0x8F, 0x00, 0xFF, 0xFF, 0x8F, 0x00}};

static const uint8_t first_record[8] = {0x00, 0x00, 0x00, 0x00, 0xFF, 0x3F, 0x00, 0x00};

/* The range table: the marks of a variant share their last 8 bytes, so one scan for those
   finds any of them (the image is scanned once, not once per mark). */
static uint64_t find_table(const uint8_t *d, size_t n, const struct variant *v)
{
    uint64_t from = 8, at;
    unsigned i;
    while ((at = ecu__c167_find(d, n, from, v->marks[0] + 8, 8)) != UINT64_MAX) {
        for (i = 0; i < v->nmarks; i++)
            if (memcmp(d + at - 8, v->marks[i], 8) == 0)
                return at - 8;
        from = at + 2;
    }
    return UINT64_MAX;
}

/* Where the range table and the multipoint table's first and end records are; 0 when the
   image is not of @p v. */
static int locate(const uint8_t *d, size_t n, const struct variant *v, uint64_t *table,
                  uint64_t *mp, uint64_t *mp_end)
{
    if (n != v->size || (*table = find_table(d, n, v)) == UINT64_MAX)
        return 0;
    *mp = ecu__c167_find(d, n, 0, first_record, sizeof first_record);
    *mp_end = *mp == UINT64_MAX ? UINT64_MAX
                                : ecu__c167_find(d, n, *mp + 0x1E0, v->end_record, sizeof v->end_record);
    return 1;
}

static unsigned detect_variant(const uint8_t *d, size_t n, const struct variant *v, char *ev,
                               size_t evsz)
{
    uint64_t table, mp, mp_end;
    if (!locate(d, n, v, &table, &mp, &mp_end))
        return 0;
    if (mp_end == UINT64_MAX) {
        snprintf(ev, evsz, "range table at 0x%llX, but no multipoint table",
                 (unsigned long long)table);
        return 30;
    }
    snprintf(ev, evsz, "range table at 0x%llX, multipoint table 0x%llX-0x%llX",
             (unsigned long long)table, (unsigned long long)mp, (unsigned long long)mp_end + 15);
    return 85;
}

static int layout_variant(const uint8_t *d, size_t n, const struct variant *v,
                          struct blk_list *out)
{
    uint64_t table, mp, mp_end;
    struct blk b;
    unsigned k;
    int rc;
    if (!locate(d, n, v, &table, &mp, &mp_end) || mp_end == UINT64_MAX)
        return ECU_OK;
    if (v == &hyundai) {
        ecu__blk_init(&b, "sum16le, stored with complement", "main (5 ranges, table 0x%llX)",
                      (unsigned long long)table);
        ecu__c167_sum16(&b, 0x7FFE0, 1);
        for (k = 0; k < 5; k++) {
            uint32_t s, e;
            /* the table's 40 bytes may run past the end (only its first 16 were matched): a
               pair not wholly in the image is no range (s or e read as 0 was below BASE or not
               ending in the image) */
            if (!ecu__get32(d, n, table + 8 * k, 0, &s) ||
                !ecu__get32(d, n, table + 8 * k + 4, 0, &e) || s < BASE ||
                !ecu__c167_mp_range_ok(s - BASE, e - BASE, n)) {
                /* the table as a bad block, never corrected (BK_CUSTOM reads no word size) */
                ecu__blk_init(&b, "range not in the image", "main (5 ranges, table 0x%llX)",
                              (unsigned long long)table);
                ecu__c167_bad(&b, table, table + 40, 0x7FFE0);
                break;
            }
            ecu__blk_range(&b, s - BASE, (uint64_t)(e - BASE) + 1);
        }
    } else {
        ecu__blk_init(&b, "sum16le, stored with complement", "main (whole file)");
        ecu__c167_sum16(&b, 0xFFFE8, 1);
        ecu__blk_range(&b, 0, n);
    }
    if ((rc = ecu__blk_add(out, &b)))
        return rc;
    return ecu__c167_mp(d, n, &(struct c167_mp){.at = mp, .last = mp_end, .base = BASE}, out);
}

static unsigned detect_hyundai(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    return detect_variant(d, n, &hyundai, ev, evsz);
}

static int layout_hyundai(const uint8_t *d, size_t n, struct blk_list *out)
{
    return layout_variant(d, n, &hyundai, out);
}

static unsigned detect_china(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    return detect_variant(d, n, &china, ev, evsz);
}

static int layout_china(const uint8_t *d, size_t n, struct blk_list *out)
{
    return layout_variant(d, n, &china, out);
}

/* The flash of each variant: its one image size (the variant table above). */
ECU_EXTENT_FIXED(extent_hyundai, 0x80000)
ECU_EXTENT_FIXED(extent_china, 0x100000)

const struct family ecu__family_bosch_m797 = {
    .info = {
        .name = "bosch-m797",
        .manufacturer = "Bosch",
        .description = "M7.9.7 (Hyundai/Kia), 512 KiB; single public source, untested there",
        .verifies = "the main sum over the five ranges of the range table (at 0x7FFE0, with "
                    "complement); every multipoint record from {0, 0x3FFF} to "
                    "{0x87C000, 0x87FFFF}",
        .corrects = "the main sum and each record's sum, with their complements",
        .sources = "olegm382/IronFelix Source/bosch_797/module4.cpp",
    },
    .min_size = 0x80000,
    .max_size = 0x80000,
    .detect = detect_hyundai,
    .identify = ecu__c167_ecuid,
    .layout = layout_hyundai,
    .extent = extent_hyundai,
};

const struct family ecu__family_bosch_m797_china = {
    .info = {
        .name = "bosch-m797-china",
        .manufacturer = "Bosch",
        .description = "M7.9.7 (China market), 1 MiB; single public source, untested there",
        .verifies = "the whole-file word sum (at 0xFFFE8, with complement); every multipoint "
                    "record from {0, 0x3FFF} to {0x8FC000, 0x8FFFFF}",
        .corrects = "the main sum and each record's sum, with their complements",
        .sources = "olegm382/IronFelix Source/china_bosch_797/module5.cpp",
    },
    .min_size = 0x100000,
    .max_size = 0x100000,
    .detect = detect_china,
    .identify = ecu__c167_ecuid,
    .layout = layout_china,
    .extent = extent_china,
};
