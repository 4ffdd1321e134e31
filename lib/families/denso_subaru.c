/* SPDX-License-Identifier: MIT */
/*
 * Denso Subaru (SH7055/SH7058/SH7059/SH72531, big-endian): the checksum table.
 *
 * Public sources: RomRaider/RomRaider src/main/java/com/romraider/maps/RomChecksum.java (the
 * table walk, the 0x5AA5A55A total, a disabled first record turning every check off);
 * aalesv/ScoobyRom LibScoobyRom/RomChecksumming.cs, RomChecksumRecord.cs, RomType.cs and Rom.cs
 * (the table locations per ROM type, record counts, `end` as the last byte of the block, the
 * CVN of diesel ROMs taken from records 3 and 4, diesel ROMs told apart by their long ROM ID
 * at 0x4000 and the Denso copyright string beyond 0x4000).
 *
 * The table: 17 records of 12 bytes (start, end, diff; BE32) at
 *   0x7FB80   512 KiB, SH7055
 *   0xFFB80   1 MiB, SH7058
 *   0x17FB80  1.5 MiB, SH7059
 *   0x13F500  1.25 MiB, SH72531 (and 2 more records at 0x13F5E8)
 *   0x1FF800  2 MiB, SH72543R (ScoobyRom marks this one "TODO check this": unconfirmed)
 * A record holds when (sum of the BE32 words at start, start + 4, ... while the address is
 * below end) + diff == 0x5AA5A55A (mod 2^32); `end` is the last byte of the block (== 3 mod 4),
 * so the words are those of [start, end + 1). A record 0/0/0x5AA5A55A is disabled; when the
 * first record is disabled, no check is made at all (the family is named, the verdict is
 * no-layout). The correction writes diff.
 *
 * The table location follows the ROM size as the sources give it. For another size (a whole
 * number of 64 KiB flash blocks; anything else is a cut or padded file: no layout), every
 * documented location that lies in the file is tried and the first whose 17 records are all
 * well formed is used (a record: start 4-aligned, end == 3 mod 4, start < end < 4 MiB, or 0/0:
 * disabled, or failing; the first record a range or disabled); with none, the family is named
 * with no layout.
 *
 * Diesel (EE20) ROMs: record 4 is not a checksum but one half of the CVN (ScoobyRom: "Actual
 * sum needed, record.Checksum is different!"); it is neither checked nor written. A ROM is
 * taken as diesel as in ScoobyRom's FindMetadata: its first Denso copyright string lies beyond
 * 0x4000 (diesel ROMs keep a 32-character ROM ID at 0x4000, the CAL ID its last 8
 * characters, and the copyright after it), or it carries the "DIESEL" system string of Euro 5
 * diesel ROMs.
 *
 * Detection: the CAL ID (8 characters such as A2WC400I; 6 characters padded with spaces occur)
 * followed by a NUL at 0x2000 or 0x2004 in 32-bit ROMs (512 KiB and more), at 0x200 in the
 * 160/192 KiB ROMs of the older 16-bit ECUs, or the diesel ROM ID at 0x4000; the Denso
 * copyright ("DENSO") just after it; for 32-bit ROMs, the checksum table's structure. The
 * 160/192 KiB ROMs have no table: the family is named and the verdict is no-layout.
 */
#include "family.h"
#include "find.h"
#include "read.h"
#include "kits/denso.h"

#include <stdio.h>
#include <string.h>

#include "text.h"

#define TOTAL ECU_DENSO_TOTAL
#define NREC 17
#define KiB 1024u

struct table_loc {
    uint64_t at, at2; /* at2: the second part (0 when none) */
    unsigned n2;
    size_t size;      /* the ROM size it is documented for */
};

static const struct table_loc locs[] = {
    {0x7FB80, 0, 0, 512 * KiB},
    {0xFFB80, 0, 0, 1024 * KiB},
    {0x17FB80, 0, 0, 1536 * KiB},
    {0x13F500, 0x13F5E8, 2, 1280 * KiB},
    {0x1FF800, 0, 0, 2048 * KiB},
};
#define NLOCS (sizeof locs / sizeof locs[0])

/* An 8-byte CAL ID at @p at: 6 to 8 upper-case letters or digits (the first a letter), padded
   with spaces to 8, then a NUL. Its length, or 0. */
static size_t cal_id_at(const uint8_t *d, size_t n, uint64_t at)
{
    size_t k, len = 0;
    if (at > n || n - at < 9 || !id_upper(d[at]))
        return 0;
    while (len < 8 && id_upnum(d[at + len]))
        len++;
    if (len < 6)
        return 0;
    for (k = len; k < 8; k++)
        if (d[at + k] != ' ')
            return 0;
    return d[at + 8] == 0x00 ? len : 0;
}

/* The diesel ROM ID at 0x4000: 32 printable characters (trailing blanks allowed) whose last 8
   non-blank ones are a CAL ID; returns the CAL ID's offset, or 0. */
static uint64_t diesel_id(const uint8_t *d, size_t n)
{
    const uint64_t at = 0x4000;
    unsigned end = 32;
    if (!id_all(d, n, at, 32, id_print))
        return 0;
    while (end > 0 && d[at + end - 1] == ' ')
        end--;
    if (end < 8 || !id_all(d, n, at + end - 8, 8, id_upnum) || !id_upper(d[at + end - 8]))
        return 0;
    return at + end - 8;
}

static int subaru_cal_id(const uint8_t *d, size_t n, uint64_t *at, size_t *len)
{
    if (n == 160 * KiB || n == 192 * KiB) {
        *at = 0x200;
        return (*len = cal_id_at(d, n, 0x200)) != 0 ? 2 : 0;
    }
    if (n < 512 * KiB)
        return 0;
    if ((*len = cal_id_at(d, n, 0x2000)) != 0) {
        *at = 0x2000;
        return 1;
    }
    if ((*len = cal_id_at(d, n, 0x2004)) != 0) {
        *at = 0x2004;
        return 1;
    }
    *len = 8;
    if ((*at = diesel_id(d, n)) != 0)
        return 3;
    return 0;
}

static int rec_disabled(uint32_t s, uint32_t e, uint32_t v) { return s == 0 && e == 0 && v == TOTAL; }

/* A record as a table of this layout may hold it. */
static int rec_well_formed(uint32_t s, uint32_t e, uint32_t v, int first)
{
    if (s == 0 && e == 0) /* disabled, or (not the first) a record the sources report failing */
        return !first || v == TOTAL;
    return s % 4 == 0 && e % 4 == 3 && s < e && e < 0x400000u;
}

static int table_ok(const uint8_t *d, size_t n, const struct table_loc *t)
{
    unsigned i;
    if (t->at + NREC * 12 > n || (t->at2 && t->at2 + t->n2 * 12 > n))
        return 0;
    for (i = 0; i < NREC + t->n2; i++) {
        uint64_t r = i < NREC ? t->at + 12 * i : t->at2 + 12 * (i - NREC);
        if (!rec_well_formed(ecu__rd32(d, n, r, 1), ecu__rd32(d, n, r + 4, 1),
                             ecu__rd32(d, n, r + 8, 1), i == 0))
            return 0;
    }
    return 1;
}

/* The table of the image, or NULL. */
static const struct table_loc *find_table(const uint8_t *d, size_t n)
{
    size_t i;
    for (i = 0; i < NLOCS; i++)
        if (locs[i].size == n)
            return table_ok(d, n, &locs[i]) ? &locs[i] : NULL;
    if (n % 0x10000) /* not a whole number of flash blocks: a cut or padded file */
        return NULL;
    for (i = 0; i < NLOCS; i++)
        if (table_ok(d, n, &locs[i]))
            return &locs[i];
    return NULL;
}

/* ScoobyRom's rule: the first Denso copyright string of the image lies beyond 0x4000 (where
   diesel ROMs keep their ROM ID), or the image carries the DIESEL system string. */
static int is_diesel(const uint8_t *d, size_t n)
{
    const uint8_t *first = ecu__memfind(d, n, "DENSO", 5);
    if (first && (size_t)(first - d) > 0x4000)
        return 1;
    return ecu__memfind(d, n, "DIESEL", 6) != NULL;
}

static unsigned detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    uint64_t at = 0;
    size_t len;
    int kind = subaru_cal_id(d, n, &at, &len), denso;
    const struct table_loc *t;
    char id[9];
    if (!kind)
        return 0;
    memcpy(id, d + at, 8);
    id[8] = '\0';
    denso = id_find(d, n, at + 8, at + 8 + 0x40, "DENSO", 5) != ID_NONE;
    if (kind == 2) {
        /* no table in these ROMs: the ID and the copyright string name them */
        if (!denso)
            return 0;
        snprintf(ev, evsz, "CAL ID %s at 0x%llX, Denso copyright; %zu KiB ROM: no checksum table",
                 id, (unsigned long long)at, n / KiB);
        return 80;
    }
    t = find_table(d, n);
    if (!t && !denso)
        return 0;
    if (!t) {
        snprintf(ev, evsz, "CAL ID %s at 0x%llX, Denso copyright; no checksum table found", id,
                 (unsigned long long)at);
        return 60;
    }
    snprintf(ev, evsz, "CAL ID %s at 0x%llX%s; checksum table at 0x%llX%s", id,
             (unsigned long long)at, denso ? ", Denso copyright" : "", (unsigned long long)t->at,
             is_diesel(d, n) ? "; diesel: record 4 is the CVN, not checked" : "");
    return denso ? 90 : 70;
}

static int layout(const uint8_t *d, size_t n, struct blk_list *out)
{
    uint64_t at = 0;
    size_t len;
    int kind = subaru_cal_id(d, n, &at, &len), diesel;
    const struct table_loc *t;
    unsigned i;
    if (kind == 2 || !(t = find_table(d, n)))
        return ECU_OK;
    if (rec_disabled(ecu__rd32(d, n, t->at, 1), ecu__rd32(d, n, t->at + 4, 1),
                     ecu__rd32(d, n, t->at + 8, 1)))
        return ECU_OK; /* checks off */
    diesel = is_diesel(d, n);
    for (i = 0; i < NREC + t->n2; i++) {
        uint64_t r = i < NREC ? t->at + 12 * i : t->at2 + 12 * (i - NREC);
        uint32_t s = ecu__rd32(d, n, r, 1), e = ecu__rd32(d, n, r + 4, 1),
                 v = ecu__rd32(d, n, r + 8, 1);
        struct blk b;
        if (rec_disabled(s, e, v) || (diesel && i == 4))
            continue;
        memset(&b, 0, sizeof b);
        snprintf(b.name, sizeof b.name, "record %u 0x%X-0x%X", i, s, e);
        snprintf(b.algo, sizeof b.algo, "sum32be+diff==0x%08X", TOTAL);
        /* the words at start, start + 4, ... below end */
        ecu__denso_rec(&b, s, e > s ? s + ((uint64_t)e - s + 3) / 4 * 4 : s, r + 8);
        if (ecu__blk_add(out, &b))
            return ECU_ERR_NOMEM;
    }
    return ECU_OK;
}

/* The CAL ID where detection finds it (RomRaider compares the ID at its address). */
static void identify(const uint8_t *d, size_t n, struct ecu__idsink *out)
{
    uint64_t at;
    size_t len;
    switch (subaru_cal_id(d, n, &at, &len)) {
    case 2:
        ecu__id_put(out, d, n, "cal_id", at, len, 95, "Subaru ROM ID at 0x200 (16-bit ROM)");
        break;
    case 1:
        ecu__id_put(out, d, n, "cal_id", at, len, 95,
            at == 0x2000 ? "Subaru ROM ID at 0x2000" : "Subaru ROM ID at 0x2004");
        break;
    case 3: /* diesel: 32 printable characters at 0x4000, the CAL ID their last 8 non-blank ones */
        ecu__id_put(out, d, n, "cal_id", at, len, 90, "Subaru diesel ROM ID at 0x4000 (last 8)");
        ecu__id_put(out, d, n, "descriptor", 0x4000, at + len - 0x4000, 80, "Subaru diesel ROM ID at 0x4000");
        break;
    }
}

const struct family ecu__family_denso_subaru = {
    .info = {
        .name = "denso-subaru",
        .manufacturer = "Denso",
        .description = "Subaru SH7055/SH7058/SH7059/SH72531 (512 KiB to 2 MiB); 160/192 KiB "
                       "16-bit ROMs named only",
        .verifies = "every enabled record of the 17-record table: sum32be of [start, end] + "
                    "diff == 0x5AA5A55A",
        .corrects = "each record's diff",
        .sources = "RomRaider/RomRaider src/main/java/com/romraider/maps/RomChecksum.java; "
                   "aalesv/ScoobyRom LibScoobyRom/RomChecksumming.cs, RomType.cs, Rom.cs",
    },
    .min_size = 160 * KiB,
    .max_size = 4096 * KiB,
    .detect = detect,
    .identify = identify,
    .layout = layout,
};
