/* SPDX-License-Identifier: MIT */
/*
 * Bosch EDC15 (C167, little-endian, 0xC3 fill): the VAG TDI "V4.1" rolling checksums.
 *
 * Public sources: Blackfrosch/VAGEDCSuite EDC15P_checksum.cs (tdi41_checksum_search,
 * tdi41v2_checksum_search, tdi41_checksum_calculate), EDC15VM_checksum.cs (the 256 KiB and
 * 1 MiB tables) and Tools.cs (which table a marker selects), and its ports
 * gmenounos/kw1281test EDC15/Edc15Checksum.cs and LeZed97/ZedSuite
 * src/lib/ecu/bosch/checksums/edc15p-checksum.ts for the checksum; Pinelo92/openremap
 * src/openremap/tuning/manufacturers/bosch/edc15/patterns.py (openremap-core
 * bosch/edc15/patterns.py) for the markers, and extractor.py there for the 1 MiB banks.
 *
 * Layout, chosen by the ASCII marker "V4.1" (0x50008 is looked at first):
 * - at 0x50008: boundaries 0x10000 0x14000 0x4C000 0x50000 0x50B80 0x5C000 0x60000 0x60B80
 *   0x6C000 0x70000 0x70B80 0x7C000 (11 regions);
 * - at 0x58008: boundaries 0x10000 0x14000 0x58000 0x58B80 0x64000 0x70000 0x70B80 0x7C000
 *   (7 regions);
 * - a 256 KiB image without the marker: the EDC15V table of VAGEDCSuite EDC15VM_checksum.cs
 *   (tdi41_checksum_search_256kb), boundaries 0xB80 0x8000 0x14000 0x38B80 0x40000, seeds as
 *   above. Nothing but the size selects it, so it must prove itself: all its checked regions
 *   verify, or at least two do and one of those has the fixed seeds (see accept).
 * - a 1 MiB image (EDC15VM+, V6/R5 TDI) with the marker at 0x50008: two 512 KiB banks, each
 *   laid out by the 0x50008 table (22 regions), the second one at +0x80000 and carrying the
 *   marker at 0xD0008. Sources: VAGEDCSuite Tools.cs CalculateEDC15VMChecksum takes the 1 MiB
 *   image's table from the marker at 0x50008; the upper half of EDC15VM_checksum.cs's 1 MiB
 *   table (tdi41_checksum_search_1024kb) is the 0x50008 table from 0x14000 on, shifted by
 *   0x80000 (0x94000 0xCC000 0xD0000 0xD0B80 0xDC000 0xE0000 0xE0B80 0xEC000 0xF0000 0xF0B80
 *   0xFC000), seeds 0x8631/0xEFCD as there; Pinelo92/openremap bosch/edc15/extractor.py can_handle
 *   reads a 1 MiB file as two 512 KiB banks, each with its TSW at bank + 0x8000. The bank at
 *   0x80000 gets its whole table, region [0x90000, 0x94000) (seeds 0/0) included, as the bank
 *   at 0 does. That file's lower-half table (0x4000 0x4B80 0x10000 0x14000 0x14B80 0x20000
 *   ..., two regions marked "ignore") is another layout, not used: it checks [0x10000,
 *   0x14000) with the fixed seeds where the 0x50008 table has seeds 0/0, so no bank verifies
 *   under both. No 1 MiB layout is known for the marker at 0x58008 (not recognised), nor for
 *   sizes above 1 MiB.
 *   The two-bank layout covers the whole 1 MiB that a size above 512 KiB implies: named for an
 *   image shorter than 1 MiB (ecu-csum --family; detection takes 1 MiB only), the regions past
 *   its end are listed, and bad (truncated), never left out. An image whose upper bank lacks
 *   the marker at 0xD0008 is another layout (no layout).
 * Region i is [b_i, b_i+1): its last 4 bytes hold an LE32 checksum of [b_i, b_i+1 - 4).
 * A region whose checked bytes are all 0xC3 (erased) or whose slot holds 0xC3C3C3C3 is not
 * checked (no block).
 *
 * The checksum runs two 16-bit registers A and B, seeded (0, 0) for the first region of the
 * table and (0x8631, 0xEFCD) for every other one, over the LE16 words of the range, four
 * words per round:
 *   1. A ^= word; if B & 15 is not 0, A is rotated left by B & 15 and c = bit 0 of the
 *      result (c = 0 otherwise);
 *   2. B = B - word - c (16-bit), then B ^= A; the round ends here when the range does;
 *   3. A = A - word + 0xDAAC;
 *   4. B ^= word; if A & 15 is not 0, B is rotated right by A & 15.
 * Result: low half A - 0x8631 + 0xDAAC, high half B ^ 0xDF9B.
 *
 * Not recognised, so no block at all (the engine reports "no-layout"), never a guess:
 * - a 512 KiB image without "V4.1" at 0x50008 or 0x58008 (BMW, Alfa, PSA EDC15, VAG images
 *   with the marker only at 0x60008/0x70008): the family is named by its markers only;
 * - an image on which some region fails and at most 3 regions verify. The public tools call
 *   that a wrong table (another layout, such as the "2002" variant whose seeds are derived
 *   from the image; not implemented here), not a damaged file; a table whose every checked
 *   region verifies is recognised whatever their number (for the 256 KiB table: see above).
 *
 * Detection (512 KiB or 256 KiB, at least 5 % 0xC3 bytes): "V4.1" at 0x50008/0x58008 (90),
 * "TSW" at 0x8000 (80), a "TSW Vd.dd" string elsewhere (60), or a Bosch software number
 * "1037" + 6 digits with no EDC16/EDC17/ME7 string (55, openremap's fallback). A 1 MiB image
 * (at least 5 % 0xC3 bytes) is claimed by "V4.1" at 0x50008 alone (90): the layout then needs
 * the marker at 0xD0008 too, and the checked regions decide (accept).
 */
#include "family.h"
#include "find.h"
#include "read.h"
#include "text.h"

#include <stdio.h>
#include <string.h>

#define FILL 0xC3u
#define FILL32 0xC3C3C3C3u
#define SEED_A 0x8631u
#define SEED_B 0xEFCDu
#define ADD 0xDAACu
#define XOR_B 0xDF9Bu
#define MIN_MATCHES 4 /* a failing table needs this many verified regions to be recognised */

static const uint64_t table_50008[] = {0x10000, 0x14000, 0x4C000, 0x50000, 0x50B80, 0x5C000,
                                       0x60000, 0x60B80, 0x6C000, 0x70000, 0x70B80, 0x7C000};
static const uint64_t table_58008[] = {0x10000, 0x14000, 0x58000, 0x58B80,
                                       0x64000, 0x70000, 0x70B80, 0x7C000};
static const uint64_t table_256k[] = {0xB80, 0x8000, 0x14000, 0x38B80, 0x40000};

#define BANK 0x80000u  /* a 1 MiB image: two banks of 512 KiB (openremap extractor.py) */
#define SIZE_1M 0x100000u

static int has_v41(const uint8_t *d, size_t n, uint64_t at)
{
    return id_at(d, n, at, "V4.1", 4);
}

/* What the marker selects: a boundary table, laid out in `banks` banks of BANK bytes. */
struct plan {
    const uint64_t *t;
    size_t count;
    uint64_t marker; /* 0: chosen by the size (256 KiB) */
    unsigned banks;
};

/* The table for an image of @p n bytes, or 0 (no layout). Above 512 KiB (up to 1 MiB) the
   image is two banks: the marker at 0x50008 and, unless the image ends before it (truncated:
   its regions past the end are bad), at BANK + 0x50008. */
static int select_table(const uint8_t *d, size_t n, struct plan *p)
{
    p->banks = 1;
    if (n > BANK) {
        if (n > SIZE_1M || !has_v41(d, n, 0x50008) ||
            (BANK + 0x50008 + 4 <= n && !has_v41(d, n, BANK + 0x50008)))
            return 0;
        p->t = table_50008;
        p->count = sizeof table_50008 / sizeof table_50008[0];
        p->marker = 0x50008;
        p->banks = 2;
        return 1;
    }
    if (has_v41(d, n, 0x50008)) {
        p->t = table_50008;
        p->count = sizeof table_50008 / sizeof table_50008[0];
        p->marker = 0x50008;
        return 1;
    }
    if (has_v41(d, n, 0x58008)) {
        p->t = table_58008;
        p->count = sizeof table_58008 / sizeof table_58008[0];
        p->marker = 0x58008;
        return 1;
    }
    if (n == 0x40000) {
        p->t = table_256k;
        p->count = sizeof table_256k / sizeof table_256k[0];
        p->marker = 0;
        return 1;
    }
    return 0;
}

static uint16_t rotl16(uint16_t v, unsigned r) { return (uint16_t)(v << r | v >> (16 - r)); }
static uint16_t rotr16(uint16_t v, unsigned r) { return (uint16_t)(v >> r | v << (16 - r)); }

static uint16_t word_at(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

/* The rolling checksum of [start, end) from seeds a, b (whole 4-byte steps; the tables only
 * have lengths that are multiples of 4). */
static uint32_t rolling(const uint8_t *d, uint64_t start, uint64_t end, uint16_t a, uint16_t b)
{
    uint64_t p = start;
    while (end - p >= 4) {
        unsigned r = b & 15u, c = 0;
        a ^= word_at(d + p);
        if (r) {
            a = rotl16(a, r);
            c = a & 1u;
        }
        b = (uint16_t)(b - word_at(d + p + 2) - c);
        b ^= a;
        p += 4;
        if (end - p < 4)
            break;
        a = (uint16_t)(a - word_at(d + p) + ADD);
        b ^= word_at(d + p + 2);
        r = a & 15u;
        if (r)
            b = rotr16(b, r);
        p += 4;
    }
    a = (uint16_t)(a - SEED_A + ADD);
    b ^= XOR_B;
    return (uint32_t)b << 16 | a;
}

/* BK_CUSTOM: the seeds travel in `init` (A in bits 0-15, B in bits 16-31). */
static uint64_t block_compute(const uint8_t *img, size_t size, const struct blk *b)
{
    (void)size;
    return rolling(img, b->ranges[0].start, b->ranges[0].end, (uint16_t)(b->init & 0xFFFF),
                   (uint16_t)(b->init >> 16 & 0xFFFF));
}

static unsigned fill_percent(const uint8_t *d, size_t n)
{
    /* eight bytes at a time: the bytes of x = w ^ C3C3... that are zero (exact, no borrows) */
    const uint64_t fill = 0x0101010101010101ull * FILL, low7 = 0x7F7F7F7F7F7F7F7Full;
    size_t i = 0, c = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w, x, t;
        memcpy(&w, d + i, 8);
        x = w ^ fill;
        t = ~(((x & low7) + low7) | x | low7);
        /* t holds bit 7 of each such byte only: their count is the sum of the bytes of
           t >> 7 (at most 8, no carry), one multiply (no popcount instruction in the
           baseline x86-64, whose libgcc popcount was 1 % of a batch of ME7 dumps) */
        c += (size_t)(((t >> 7) * 0x0101010101010101ull) >> 56);
    }
    for (; i < n; i++)
        c += d[i] == FILL;
    return n ? (unsigned)(c * 100 / n) : 0;
}

/* "TSW V" followed by d.dd, at @p at. */
static int tsw_at(const uint8_t *d, size_t n, size_t at)
{
    return at + 9 <= n && memcmp(d + at, "TSW V", 5) == 0 && id_digit(d[at + 5]) &&
           d[at + 6] == '.' && id_digit(d[at + 7]) && id_digit(d[at + 8]);
}

static long find_tsw(const uint8_t *d, size_t n)
{
    size_t i;
    for (i = 0; i + 9 <= n; i++)
        if (d[i] == 'T' && tsw_at(d, n, i))
            return (long)i;
    return -1;
}

/* A Bosch software number: "1037" and 6 more digits. */
static long find_swnum(const uint8_t *d, size_t n)
{
    size_t i, k;
    for (i = 0; i + 10 <= n; i++) {
        if (d[i] != '1' || memcmp(d + i, "1037", 4) != 0)
            continue;
        for (k = 4; k < 10 && id_digit(d[i + k]); k++)
            ;
        if (k == 10)
            return (long)i;
    }
    return -1;
}

static unsigned detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    static const char *const other[] = {"EDC16", "EDC17", "MEDC17", "MED17", "ME7.", "MOTRONIC"};
    unsigned pct;
    size_t i;
    struct plan p;
    long at;
    if (n != 0x80000 && n != 0x40000 && n != SIZE_1M)
        return 0;
    /* a 1 MiB image needs its lower bank's marker: checked before the fill is counted */
    if (n == SIZE_1M && !has_v41(d, n, 0x50008))
        return 0;
    pct = fill_percent(d, n);
    if (pct < 5)
        return 0;
    if (n == SIZE_1M) {
        /* two banks (see the top): claimed by the lower bank's marker alone */
        snprintf(ev, evsz, "V4.1 at 0x50008, 1 MiB: two 512 KiB banks (V4.1 at 0xD0008: %s), "
                 "%u %% 0xC3 fill", has_v41(d, n, BANK + 0x50008) ? "yes" : "no", pct);
        return 90;
    }
    if (select_table(d, n, &p) && p.marker) {
        snprintf(ev, evsz, "V4.1 at 0x%llX, %u %% 0xC3 fill", (unsigned long long)p.marker, pct);
        return 90;
    }
    if (n > 0x8003 && memcmp(d + 0x8000, "TSW", 3) == 0) {
        snprintf(ev, evsz, "TSW at 0x8000, %u %% 0xC3 fill, no V4.1 marker%s", pct,
                 n == 0x40000 ? " (EDC15V 256 KiB table)" : "");
        return 80;
    }
    if ((at = find_tsw(d, n)) >= 0) {
        snprintf(ev, evsz, "TSW string at 0x%lX, %u %% 0xC3 fill, no V4.1 marker",
                 (unsigned long)at, pct);
        return 60;
    }
    if ((at = find_swnum(d, n)) < 0)
        return 0;
    for (i = 0; i < sizeof other / sizeof other[0]; i++)
        if (id_find(d, n, 0, n, other[i], strlen(other[i])) != ID_NONE)
            return 0;
    snprintf(ev, evsz, "software number 1037... at 0x%lX, %u %% 0xC3 fill, no V4.1 marker",
             (unsigned long)at, pct);
    return 55;
}

static int layout(const uint8_t *d, size_t n, struct blk_list *out)
{
    struct plan p;
    size_t i;
    unsigned bank;
    if (!select_table(d, n, &p) || (p.banks == 1 && p.t[p.count - 1] > n))
        return ECU_OK; /* no marker, or a short 512/256 KiB image: no layout */
    for (bank = 0; bank < p.banks; bank++) {
        uint64_t base = (uint64_t)bank * BANK;
        for (i = 0; i + 1 < p.count; i++) {
            uint64_t s = base + p.t[i], e = base + p.t[i + 1];
            uint16_t a = i ? SEED_A : 0, b = i ? SEED_B : 0;
            int past = e > n; /* a truncated two-bank image: listed, and bad */
            uint32_t slot;
            struct blk k;
            /* not past: the slot [e - 4, e) lies in the image (e <= n; every boundary is >= 4) */
            if (!past && ecu__get32(d, n, e - 4, 0, &slot) &&
                (slot == FILL32 || id_fill(d, n, s, e - 4, FILL)))
                continue; /* erased region, or a slot never written */
            ecu__blk_init(&k, "", "region 0x%llX-0x%llX%s", (unsigned long long)s,
                          (unsigned long long)(e - 1), past ? ", past the end (truncated)" : "");
            ecu__blk_algo(&k, "VAG TDI V4.1 rolling, seeds %04X/%04X", a, b);
            ecu__blk_custom(&k, block_compute);
            ecu__blk_range(&k, s, e - 4);
            ecu__blk_store(&k, e - 4, 4, 0, 0);
            k.init = (uint64_t)b << 16 | a; /* the seeds, read by block_compute (no constructor
                                               sets `init` of a custom block) */
            if (ecu__blk_add(out, &k))
                return ECU_ERR_NOMEM;
        }
    }
    return ECU_OK;
}

/* The flash the marker's table implies: two 512 KiB banks (1 MiB), one 512 KiB bank, or the
   EDC15V 256 KiB image; 0 with no table. */
static uint64_t extent(const uint8_t *d, size_t n, uint64_t cover)
{
    struct plan p;
    (void)cover;
    if (!select_table(d, n, &p))
        return 0;
    return p.banks == 2 ? SIZE_1M : p.t == table_256k ? 0x40000 : BANK;
}

/* Some region fails and at most 3 verify: another layout (the "2002" variant with derived
   seeds), not a damaged file. The 256 KiB table has only 4 regions: there, two verified
   regions, one of them with the fixed seeds (which derived seeds would not give), are enough.
   Judged on the engine's own verification. */
static int accept(const uint8_t *d, size_t n, size_t nblocks, const ecu_block *verified)
{
    size_t i, good = 0, seeded = 0;
    struct plan p;
    int have = select_table(d, n, &p);
    for (i = 0; i < nblocks; i++) {
        good += verified[i].status == ECU_BLOCK_OK;
        seeded += verified[i].status == ECU_BLOCK_OK && have &&
                  verified[i].ranges[0].start != p.t[0];
    }
    if (good == nblocks)
        return 1;
    if (have && p.t == table_256k)
        return good >= 2 && seeded >= 1;
    return good >= MIN_MATCHES;
}

/* The `TSW V...` descriptor string at 0x8000, printable, at most 40 characters
   (openremap-core bosch/edc15/patterns.py); also looked for in images no family claims. */
static void identify(const uint8_t *d, size_t n, struct ecu__idsink *out)
{
    size_t e;
    if (!tsw_at(d, n, 0x8000))
        return;
    for (e = 0x8000; e < n && e - 0x8000 < 40 && id_print(d[e]); e++)
        ;
    ecu__id_put(out, d, n, "descriptor", 0x8000, e - 0x8000, 80, "EDC15 TSW string at 0x8000");
}

const struct family ecu__family_bosch_edc15 = {
    .info = {
        .name = "bosch-edc15",
        .manufacturer = "Bosch",
        .description = "EDC15 diesel (C167), VAG TDI V4.1 layouts, 512 KiB and 1 MiB (two "
                       "banks), and EDC15V, 256 KiB; others detected only",
        .verifies = "the V4.1 regions chosen by the marker at 0x50008 or 0x58008 (1 MiB: "
                    "0x50008 and 0xD0008, the table in both banks), or the EDC15V 256 KiB "
                    "table: LE32 rolling checksum in each region's last dword",
        .corrects = "each region's last dword",
        .sources = "Blackfrosch/VAGEDCSuite EDC15P_checksum.cs, EDC15VM_checksum.cs, "
                   "Tools.cs; gmenounos/kw1281test EDC15/Edc15Checksum.cs; LeZed97/ZedSuite "
                   "edc15p-checksum.ts; Pinelo92/openremap bosch/edc15/patterns.py, "
                   "extractor.py",
    },
    .min_size = 0x40000,
    .max_size = SIZE_1M,
    .detect = detect,
    .identify_unclaimed = identify,
    .identify = identify,
    .layout = layout,
    .extent = extent,
    .accept = accept,
};
