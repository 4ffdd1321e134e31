/* SPDX-License-Identifier: MIT */
/*
 * Denso Mazda (MX-5 NC, Mazdaspeed6) and Mitsubishi Evo X: big-endian 32-bit word sums.
 *
 * denso-mazda-nc (cdufresne81/nc-flash src/ecu/checksum.py, src/ecu/constants.py,
 * src/ecu/rom_utils.py; PR #31 fixed the table offset and the inclusive end): 1 MiB. A table
 * of 12-byte BE records (start, end, value) from 0xFF650, read while the record's offset is
 * below 0xFF7FC; it ends early at its end record, start 0xFFFFFFFF (nc-flash: "0xFFFFFFFF or
 * beyond ROM"; erased flash). `end` is the LAST byte of the block (inclusive): value ==
 * 0x5AA5A55A - the sum of the BE32 words of [start, end + 1) (an empty block, end < start:
 * 0x5AA5A55A). Any other start at or beyond the ROM size (1 MiB), an end past it, or a block of
 * part words is a damaged record: a bad block, never corrected, and the table goes on. A table
 * or block past the end of a short (forced) image makes it truncated ("... past the end
 * (truncated)"). Identification: the 6-character cal ID
 * starting with 'L' (e.g. LF9VEB) at 0xC0046 or 0xB8046 (the calibration header at 0xB8000),
 * and the generation byte at 0x2030 (0x35 NC1, 0x36/0x37 NC2).
 *
 * denso-mazdaspeed6 (LibreTuner/LibreTuner src/resources/definitions/mazdaspeed6/main.xml and
 * l38k.xml): 1 MiB; checksum mode "basic" over offset 0x48000, size 0xB8000, target
 * 0x5AA55AA5, the word at 0x48000 modified: the BE32 words of [0x48000, 0x100000) sum to
 * 0x5AA55AA5. Identification: the text "L38K" at 0x2A7C8 (the one identifier the
 * definitions give; other calibrations are not known).
 *
 * mitsubishi-evox (colecrouter/vscode-ecu-explorer specs/mitsucan-checksum-implementation.md,
 * specs/ROM_MATCHING.md): 1 MiB; the BE32 words of the whole ROM sum to 0x5AA55AA5, the
 * fix-up word at 0x0BFFF0. Identification: the EcuFlash internal ID, 4 bytes at 0x50000 read
 * as 8 hexadecimal digits (56890009, 56890313 in the spec): here 8 decimal digits, the first 5,
 * not all alike. That marker is weak, so the score is low (55; 65 when the sum holds too):
 * any family with a stronger signature wins. An edited file (stale sum) must still be
 * claimed, or it could not be corrected. No real dump of ours has those digits at 0x50000.
 */
#include "family.h"
#include "find.h"
#include "read.h"
#include "kits/denso.h"

#include <stdio.h>
#include <string.h>

#include "text.h"

#define MIB 0x100000u

/* ---- Mazda NC ----------------------------------------------------------------------------- */

#define NC_TOTAL ECU_DENSO_TOTAL
#define NC_TABLE 0xFF650u
#define NC_TABLE_END 0xFF7FCu
#define NC_TOTAL_ROM 0x100000u /* ROM_SIZE (cdufresne81/nc-flash src/ecu/constants.py) */

static int nc_cal_id(const uint8_t *d, size_t n, uint64_t at)
{
    return id_at(d, n, at, "L", 1) && id_all(d, n, at + 1, 5, id_upnum);
}

/* The start that ends the table: erased flash (nc-flash checksum.py ends the table at
   "0xFFFFFFFF or beyond ROM"). Any other start at or beyond the ROM size (ROM_SIZE, 1 MiB,
   constants.py) is a damaged record, not the end. */
#define NC_END_MARK 0xFFFFFFFFu

/* Whether the record at @p off ends the table: it lies in the image, its start erased. */
static int nc_table_end(const uint8_t *d, size_t n, uint64_t off)
{
    uint32_t s;
    return ecu__get32(d, n, off, 1, &s) && s == NC_END_MARK;
}

/* Number of records of the table before its end (the records up to NC_TABLE_END when it has
   none; a record past the end of a short image counts, and is reported truncated). */
static unsigned nc_records(const uint8_t *d, size_t n)
{
    unsigned k = 0;
    uint64_t off;
    for (off = NC_TABLE; off < NC_TABLE_END; off += 12, k++)
        if (nc_table_end(d, n, off))
            break;
    return k;
}

static unsigned nc_detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    uint64_t at = nc_cal_id(d, n, 0xC0046) ? 0xC0046 : nc_cal_id(d, n, 0xB8046) ? 0xB8046 : 0;
    uint8_t gen;
    uint32_t s, e;
    unsigned nrec;
    if (n != MIB || !at)
        return 0;
    gen = d[0x2030];
    if (gen != 0x35 && gen != 0x36 && gen != 0x37)
        return 0;
    /* the table: a first record that is a block of the ROM, 4-aligned (inside the 1 MiB) */
    (void)ecu__get32(d, n, NC_TABLE, 1, &s);
    (void)ecu__get32(d, n, NC_TABLE + 4, 1, &e);
    nrec = nc_records(d, n);
    if (!nrec || s % 4 || e < s || e >= n)
        return 0;
    snprintf(ev, evsz, "cal ID %.6s at 0x%llX, generation %s; %u checksum records at 0x%X",
             (const char *)d + at, (unsigned long long)at, gen == 0x35 ? "NC1" : "NC2", nrec,
             NC_TABLE);
    return 85;
}

/* A record that cannot be checked: never matches its value (the BE32 at the slot, in the
   image: the engine evaluates a block only then, csum.c block_in_bounds), so it is a bad
   block and a correction is refused. */
static uint64_t nc_unusable(const uint8_t *img, size_t size, const struct blk *b)
{
    uint32_t v;
    (void)ecu__get32(img, size, b->store_off, 1, &v);
    return (uint32_t)~v;
}

static int nc_layout(const uint8_t *d, size_t n, struct blk_list *out)
{
    unsigned k, nrec = nc_records(d, n);
    for (k = 0; k < nrec; k++) {
        uint64_t r = NC_TABLE + 12 * (uint64_t)k;
        uint32_t s32, e32;
        uint64_t s, e;
        struct blk b;
        if (!ecu__in(n, r, 12)) {
            /* the table runs past the end of a short (forced) image: one bad block, the
               records after it cannot be read */
            ecu__blk_init(&b, "", "record %u at 0x%llX past the end (truncated)", k,
                          (unsigned long long)r);
            ecu__blk_algo(&b, "0x%08X-sum32be", NC_TOTAL);
            ecu__denso_rec(&b, r, r + 12, r + 8);
            return ecu__blk_add(out, &b);
        }
        (void)ecu__get32(d, n, r, 1, &s32);
        (void)ecu__get32(d, n, r + 4, 1, &e32);
        s = s32;
        e = e32;
        if (s >= NC_TOTAL_ROM || (e >= s && (e >= NC_TOTAL_ROM || s % 4 || (e + 1 - s) % 4))) {
            /* a start or end beyond the ROM that is not the end mark, or a block of part
               words (a ROM block is whole BE32 words): a damaged record, its block unknown;
               the table goes on */
            ecu__blk_init(&b, "", "record %u at 0x%llX", k, (unsigned long long)r);
            if (s >= NC_TOTAL_ROM || e >= NC_TOTAL_ROM)
                ecu__blk_algo(&b, "damaged: %s 0x%08X past the ROM",
                              s >= NC_TOTAL_ROM ? "start" : "end", s >= NC_TOTAL_ROM ? s32 : e32);
            else
                ecu__blk_algo(&b, "damaged: 0x%08X-0x%08X not whole words", s32, e32);
            ecu__blk_custom(&b, nc_unusable);
            ecu__blk_range(&b, r, r + 12);
            ecu__blk_store(&b, r + 8, 4, 1, 0);
        } else {
            ecu__blk_init(&b, "", "record %u 0x%llX-0x%llX%s", k, (unsigned long long)s,
                          (unsigned long long)e, e >= s && e + 1 > n ? " past the end (truncated)" : "");
            ecu__blk_algo(&b, "0x%08X-sum32be", NC_TOTAL);
            /* [start, end] inclusive; empty when end < start (nc-flash: the value is then
               0x5AA5A55A); a block past the end of a short (forced) image is bad (out of
               bounds) */
            ecu__denso_rec(&b, s, e >= s ? e + 1 : s, r + 8);
        }
        if (ecu__blk_add(out, &b))
            return ECU_ERR_NOMEM;
    }
    return ECU_OK;
}

/* A Mazda cal ID at @p at that ends there (nc_cal_id, not followed by a capital or digit). */
static int mazda_id_at(const uint8_t *d, size_t n, size_t at)
{
    return nc_cal_id(d, n, at) && (at + 6 >= n || !id_upnum(d[at + 6]));
}

static void nc_identify(const uint8_t *d, size_t n, struct ecu__idsink *out)
{
    static const struct {
        size_t at;
        const char *src;
    } places[] = {{0xB8046, "Mazda NC cal ID in the calibration header at 0xB8000"},
                  {0xB8000, "Mazda NC cal ID at 0xB8000"},
                  {0xC0046, "Mazda NC cal ID at 0xC0046"}};
    size_t i;
    for (i = 0; i < sizeof places / sizeof places[0]; i++)
        if (mazda_id_at(d, n, places[i].at))
            ecu__id_put(out, d, n, "cal_id", places[i].at, 6, i == 0 ? 90 : 85, places[i].src);
    if (n > 0x2030) {
        uint8_t g = d[0x2030];
        if (g == 0x35)
            ecu__id_text(out, "ecu_type", "NC1", 0x2030, 70, "Mazda NC generation byte at 0x2030");
        else if (g == 0x36 || g == 0x37)
            ecu__id_text(out, "ecu_type", "NC2", 0x2030, 70, "Mazda NC generation byte at 0x2030");
    }
}

/* Every layout here is of a 1 MiB ROM. */
ECU_EXTENT_FIXED(extent_1m, MIB)

const struct family ecu__family_denso_mazda_nc = {
    .info = {
        .name = "denso-mazda-nc",
        .manufacturer = "Denso",
        .description = "Mazda MX-5 NC (NC1/NC2), 1 MiB",
        .verifies = "every record of the table at 0xFF650: value == 0x5AA5A55A - sum32be of "
                    "[start, end] (end inclusive)",
        .corrects = "each record's value",
        .sources = "cdufresne81/nc-flash src/ecu/checksum.py, src/ecu/constants.py, "
                   "src/ecu/rom_utils.py (PR #31)",
    },
    .min_size = MIB,
    .max_size = MIB,
    .detect = nc_detect,
    .identify = nc_identify,
    .layout = nc_layout,
    .extent = extent_1m,
};

/* ---- a whole-range BE32 sum with a compensation word --------------------------------------- */

static int selfsum(struct blk_list *out, const char *name, uint64_t start, uint64_t end,
                   uint64_t slot, uint32_t target)
{
    struct blk b;
    ecu__blk_init(&b, "", "%s", name);
    ecu__blk_algo(&b, "sum32be==0x%08X", target);
    ecu__blk_selfsum(&b, 1, 0, target);
    ecu__blk_range(&b, start, end);
    ecu__blk_store(&b, slot, 4, 1, 0);
    return ecu__blk_add(out, &b);
}

/* ---- Mazdaspeed6 ------------------------------------------------------------------------- */

#define MS6_ID 0x2A7C8u
#define MS6_START 0x48000u
#define MS6_TARGET 0x5AA55AA5u

static unsigned ms6_detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    if (n != MIB || memcmp(d + MS6_ID, "L38K", 4) != 0)
        return 0;
    snprintf(ev, evsz, "calibration L38K at 0x%X (LibreTuner identifier)", MS6_ID);
    return 80;
}

static int ms6_layout(const uint8_t *d, size_t n, struct blk_list *out)
{
    (void)d;
    if (n != MIB)
        return ECU_OK;
    return selfsum(out, "calibration 0x48000-0xFFFFF", MS6_START, MIB, MS6_START, MS6_TARGET);
}

static void ms6_identify(const uint8_t *d, size_t n, struct ecu__idsink *out)
{
    if (id_at(d, n, 0x2A7C8, "L38K", 4))
        ecu__id_put(out, d, n, "cal_id", 0x2A7C8, 4, 90, "Mazdaspeed6 calibration at 0x2A7C8");
}

const struct family ecu__family_denso_mazdaspeed6 = {
    .info = {
        .name = "denso-mazdaspeed6",
        .manufacturer = "Denso",
        .description = "Mazdaspeed6 / Mazda 6 MPS L38K, 1 MiB",
        .verifies = "sum32be of [0x48000, 0x100000) == 0x5AA55AA5",
        .corrects = "the word at 0x48000",
        .sources = "LibreTuner/LibreTuner src/resources/definitions/mazdaspeed6/main.xml, "
                   "l38k.xml",
    },
    .min_size = MIB,
    .max_size = MIB,
    .detect = ms6_detect,
    .magics = {{MS6_ID, "L38K", 4}},
    .identify = ms6_identify,
    .layout = ms6_layout,
    .extent = extent_1m,
};

/* ---- Mitsubishi Evo X --------------------------------------------------------------------- */

#define EVOX_ID 0x50000u
#define EVOX_FIX 0x0BFFF0u
#define EVOX_TARGET 0x5AA55AA5u

static unsigned evox_detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    unsigned k;
    uint32_t sum;
    if (n != MIB)
        return 0;
    for (k = 0; k < 4; k++)
        if ((d[EVOX_ID + k] >> 4) > 9 || (d[EVOX_ID + k] & 0xF) > 9)
            return 0;
    if ((d[EVOX_ID] >> 4) != 5 ||
        (d[EVOX_ID] == d[EVOX_ID + 1] && d[EVOX_ID] == d[EVOX_ID + 2] && d[EVOX_ID] == d[EVOX_ID + 3]))
        return 0;
    sum = (uint32_t)ecu_sum_words(d, n, 4, 1, 0, 32);
    snprintf(ev, evsz, "internal ID %02X%02X%02X%02X at 0x%X%s", d[EVOX_ID], d[EVOX_ID + 1],
             d[EVOX_ID + 2], d[EVOX_ID + 3], EVOX_ID,
             sum == EVOX_TARGET ? ", whole-ROM sum32be 0x5AA55AA5" : "");
    return sum == EVOX_TARGET ? 65 : 55;
}

static int evox_layout(const uint8_t *d, size_t n, struct blk_list *out)
{
    (void)d;
    if (n != MIB)
        return ECU_OK;
    return selfsum(out, "whole ROM", 0, MIB, EVOX_FIX, EVOX_TARGET);
}

static void evox_identify(const uint8_t *d, size_t n, struct ecu__idsink *out)
{
    char v[9];
    size_t k;
    if (n < 0x50004)
        return;
    for (k = 0; k < 4; k++)
        if ((d[0x50000 + k] >> 4) > 9 || (d[0x50000 + k] & 0xF) > 9)
            return;
    snprintf(v, sizeof v, "%02X%02X%02X%02X", d[0x50000], d[0x50001], d[0x50002],
             d[0x50003]);
    ecu__id_text(out, "cal_id", v, 0x50000, 80, "Evo X EcuFlash internal ID at 0x50000 (4 bytes hex)");
}

const struct family ecu__family_mitsubishi_evox = {
    .info = {
        .name = "mitsubishi-evox",
        .manufacturer = "Mitsubishi",
        .description = "Lancer Evolution X 4B11T (Renesas M32186), 1 MiB",
        .verifies = "sum32be of the whole ROM == 0x5AA55AA5",
        .corrects = "the word at 0x0BFFF0",
        .sources = "colecrouter/vscode-ecu-explorer specs/mitsucan-checksum-implementation.md, "
                   "specs/ROM_MATCHING.md",
    },
    .min_size = MIB,
    .max_size = MIB,
    .detect = evox_detect,
    .identify = evox_identify,
    .layout = evox_layout,
    .extent = extent_1m,
};
