/* SPDX-License-Identifier: MIT */
/*
 * Denso Subaru (SH7055/SH7058/SH7059/SH72531, big-endian): the checksum table.
 *
 * Public sources: RomRaider/RomRaider src/main/java/com/romraider/maps/RomChecksum.java (the
 * table walk, the 0x5AA5A55A total, a disabled first record turning every check off);
 * aalesv/ScoobyRom LibScoobyRom/RomChecksumming.cs, RomChecksumRecord.cs, RomType.cs and Rom.cs
 * (the table locations per ROM type, record counts, `end` as the last byte of the block, the
 * CVN of diesel ROMs taken from records 3 and 4, diesel ROMs told apart by their long ROM ID
 * at 0x4000 and the Denso copyright string beyond 0x4000, the ROM date before the copyright,
 * the CAL ID's characters); Merp/SubaruDefs RomRaider/ecu/ and ECUFlash/ definitions (the CAL
 * ID's internalidaddress: 2000, and 2004 for later SH7058 ROMs, those of 2011-2012 among them).
 *
 * The table: 17 records of 12 bytes (start, end, diff; BE32) at
 *   0x7FB80   512 KiB, SH7055
 *   0xFFB80   1 MiB, SH7058
 *   0x17FB80  1.5 MiB, SH7059
 *   0x13F500  1.25 MiB, SH72531 (and 2 more records at 0x13F5E8)
 *   0x1FF800  2 MiB, SH72543R (ScoobyRom marks this one "TODO check this": unconfirmed)
 * A record holds when (sum of the BE32 words at start, start + 4, ... while the address is
 * below end) + diff == 0x5AA5A55A (mod 2^32); `end` is the last byte of the block (== 3 mod 4),
 * so the words are those of [start, end + 1). A record 0/0 sums no word: with the diff
 * 0x5AA5A55A it is disabled; when the first record is disabled, the ECU checks nothing at all
 * (RomRaider). The correction writes diff.
 *
 * A consistent table (what the record format allows): every record is a range (start
 * 4-aligned, end == 3 mod 4, start < end < the image size, clear of the table itself, whose
 * diffs it would otherwise sum) or 0/0; the first record a range or disabled (a later 0/0
 * with another diff is a check of nothing that fails). A table of zeros or of erased flash is
 * not one.
 *
 * The table location follows the ROM size as the sources give it. For another size (a whole
 * number of 64 KiB flash blocks; anything else is a cut or padded file: no layout), every
 * documented location that lies in the file is tried and the first whose records are
 * consistent is used; with none, the family is named with no layout when the CAL ID and the
 * Denso copyright name the ROM, and not at all otherwise.
 *
 * The first record disabled: one block, record 0 itself (its start and end words, summing to
 * the 0 of an empty block, plus its diff make 0x5AA5A55A): the verdict is ok and the evidence
 * says that the table turns every check off. Changed, the record no longer disables anything.
 *
 * Diesel (EE20) ROMs: record 4 is not a checksum but one half of the CVN (ScoobyRom: "Actual
 * sum needed, record.Checksum is different!"); it is neither checked nor written. A ROM is
 * taken as diesel as in ScoobyRom's FindMetadata: its first Denso copyright string lies beyond
 * 0x4000 (diesel ROMs keep a 32-character ROM ID at 0x4000, the CAL ID its last 8
 * characters, and the copyright after it), or it carries the "DIESEL" system string of Euro 5
 * diesel ROMs.
 *
 * Detection. The checksum table is self-describing: a consistent table claims the image by
 * itself, with 80 when every check verifies (or the table turns them off) and 55 when some
 * fail (a modified file with stale checksums is bad, not unknown). The CAL ID is further
 * evidence: 8 letters or digits (6 padded with spaces occur; the first a capital letter, the
 * others of either case: ScoobyRom takes letters or digits) then a NUL,
 *   - at 0x2000 or 0x2004 in 32-bit ROMs (RomRaider definitions: internalidaddress 2000, and
 *     2004 for the later SH7058 ROMs), at 0x200 in the 160/192 KiB ROMs of the older 16-bit
 *     ECUs, or the diesel ROM ID at 0x4000;
 *   - else, in a ROM with a consistent table, in the ident block before the Denso copyright
 *     (ScoobyRom FindMetadata: the first "DENSO" of the image is the copyright "Copr.DENSO",
 *     the ROM date in the 3 bytes before it; before the date, the printable system string and,
 *     before its NUL, the CAL ID).
 * A CAL ID with the Denso copyright after it and a consistent table: 90; a CAL ID alone with
 * the table: 70 (80 when the table verifies); the CAL ID and copyright without a table: named
 * with no layout (60). The 160/192 KiB ROMs have no table: the ID and the copyright name them
 * (80), with no layout.
 *
 * Container files. Dumps are reported that begin with an "INFO" or "MEMD" header before a
 * 1 MiB (SH7058) ROM whose table verifies. No public description of that header was found
 * (searched: RomRaider, ScoobyRom, EcuFlash/Tactrix, Cobb, EcuTek material), so nothing in it is
 * read but those 4 bytes: the ROM is found inside the file from its own structure. When a file
 * is not claimed as a ROM at offset 0 (above) and either starts with "INFO" or "MEMD" (the
 * container marker) or is longer than 1 MiB, the ROM's start H is searched for: 4-aligned,
 * at most 64 KiB into the file, where the 1 MiB table at H + 0xFFB80 is consistent for a ROM
 * of 1 MiB (every range inside it) and, without the marker, every enabled record verifies (at
 * least one enabled, record 0 not disabled; with the marker, a consistent table whose checks
 * fail is taken when no H verifies: a bad ROM, not an unknown file). The ROM is then checked
 * and identified relative to H: the records' ranges, slots, the CAL ID and the table are
 * reported at their file offsets, the evidence names the header ("container header of N
 * bytes before the ROM at 0xH"), and the extent is H + 1 MiB: bytes after the ROM are reported
 * as past the layout, a ROM cut short makes the file truncated (bad). A marked file whose
 * table is not in it but whose CAL ID (at H + 0x2000 or H + 0x2004, the Denso copyright after
 * it) names the ROM, with the file ending before H + 1 MiB: the ROM is cut short; its record 0
 * past the end is the one (bad) block. Only the 1 MiB table is searched for: the reports name
 * 1 MiB ROMs.
 */
#include "family.h"
#include "read.h"
#include "kits/denso.h"

#include <stdio.h>
#include <string.h>

#include "ecu/checksum.h"
#include "text.h"

#define TOTAL ECU_DENSO_TOTAL
#define NREC 17
#define REC 12 /* bytes per record */
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

/* An 8-byte CAL ID at @p at: 6 to 8 letters or digits, the first a capital letter, padded with
   spaces to 8, then a NUL. Letters of either case: ScoobyRom (Rom.cs) takes the CAL ID as
   letters or digits (char.IsLetterOrDigit), and lower-case ones occur. Its length, or 0. */
static size_t cal_id_at(const uint8_t *d, size_t n, uint64_t at)
{
    size_t k, len = 0;
    if (!ecu__in(n, at, 9) || !id_upper(d[at]))
        return 0;
    while (len < 8 && id_alnum(d[at + len]))
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

/* The CAL ID at its documented places: 1 (0x2000 or 0x2004), 2 (0x200 of a 160/192 KiB ROM),
   3 (the diesel ROM ID at 0x4000), or 0. */
static int documented_id(const uint8_t *d, size_t n, uint64_t *at, size_t *len)
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

/* The CAL ID from the ident block that ends in the Denso copyright (ScoobyRom Rom.cs
   FindMetadata: the image's first "DENSO" string is the copyright, "Copr.DENSO", with the ROM
   date in the 3 bytes before it; in petrol ROMs the CAL ID and its NUL come before that, then
   the printable system string up to the date). The NUL nearest before the date, at most 0x40
   bytes before it, with only printable characters between: the CAL ID ends there. 4, or 0. */
static int searched_id(const uint8_t *d, size_t n, uint64_t *at, size_t *len)
{
    size_t c = id_find(d, n, 0, n, "DENSO", 5), o, stop;
    if (c == ID_NONE)
        return 0;
    if (c >= 5 && id_at(d, n, c - 5, "Copr.", 5))
        c -= 5;
    if (c < 3 + 1 + 8)
        return 0;
    stop = c - 3 > 0x40 + 9 ? c - 3 - 0x40 : 9;
    for (o = c - 4; o >= stop; o--) { /* o: the ID's NUL */
        if (d[o] == 0x00) {
            if ((*len = cal_id_at(d, n, o - 8)) == 0)
                return 0;
            *at = o - 8;
            return 4;
        }
        if (!id_print(d[o]))
            return 0;
    }
    return 0;
}

static int rec_disabled(uint32_t s, uint32_t e, uint32_t v) { return s == 0 && e == 0 && v == TOTAL; }

static uint64_t rec_at(const struct table_loc *t, unsigned i)
{
    return i < NREC ? t->at + (uint64_t)REC * i : t->at2 + (uint64_t)REC * (i - NREC);
}

/* Record @p i of table @p t: start, end and diff. Its words lie inside the image: table_ok
   checks that the whole table does before it reads one, and every other caller reads a table
   that find_table returned (one that table_ok accepted). */
static void rec_read(const uint8_t *d, size_t n, const struct table_loc *t, unsigned i,
                     uint32_t *s, uint32_t *e, uint32_t *v)
{
    uint64_t r = rec_at(t, i);
    (void)ecu__get32(d, n, r, 1, s);
    (void)ecu__get32(d, n, r + 4, 1, e);
    (void)ecu__get32(d, n, r + 8, 1, v);
}

/* Whether [s, e] (inclusive) meets the table's records. */
static int covers_table(const struct table_loc *t, uint32_t s, uint32_t e)
{
    if ((uint64_t)e >= t->at && s < t->at + (uint64_t)REC * NREC)
        return 1;
    return t->n2 && (uint64_t)e >= t->at2 && s < t->at2 + (uint64_t)REC * t->n2;
}

/* A record as the format allows it (RomChecksumRecord.cs: start 4-aligned, end the block's
   last byte, start = end = 0 an empty block):
   - empty (0/0): disabled with the diff 0x5AA5A55A; after the first record, with another diff,
     a check of nothing that fails (RomRaider and ScoobyRom sum no word for it). The first
     record is a range or disabled: a table of zeros is no table;
   - a range: start 4-aligned, end == 3 mod 4, start < end < the ROM size @p rom, and clear of
     the table (a block that summed its own diff could not be corrected). */
static int rec_consistent(const struct table_loc *t, uint64_t rom, uint32_t s, uint32_t e,
                          uint32_t v, int first)
{
    if (s == 0 && e == 0)
        return !first || v == TOTAL;
    return s % 4 == 0 && e % 4 == 3 && s < e && e < rom && !covers_table(t, s, e);
}

/* Whether the table @p t lies in the @p n bytes at @p d and is consistent for a ROM of
   @p rom bytes. */
static int table_ok(const uint8_t *d, size_t n, const struct table_loc *t, uint64_t rom)
{
    unsigned i;
    if (!ecu__in(n, t->at, NREC * REC) || (t->at2 && !ecu__in(n, t->at2, t->n2 * REC)))
        return 0;
    for (i = 0; i < NREC + t->n2; i++) {
        uint32_t s, e, v;
        rec_read(d, n, t, i, &s, &e, &v);
        if (!rec_consistent(t, rom, s, e, v, i == 0))
            return 0;
    }
    return 1;
}

/* The table of an image that is a ROM from its first byte, or NULL. */
static const struct table_loc *find_table(const uint8_t *d, size_t n)
{
    size_t i;
    for (i = 0; i < NLOCS; i++)
        if (locs[i].size == n)
            return table_ok(d, n, &locs[i], n) ? &locs[i] : NULL;
    if (n % 0x10000) /* not a whole number of flash blocks: a cut or padded file */
        return NULL;
    for (i = 0; i < NLOCS; i++)
        if (table_ok(d, n, &locs[i], n))
            return &locs[i];
    return NULL;
}

/* The ECU's first record disabled: every check off (RomRaider). */
static int checks_off(const uint8_t *d, size_t n, const struct table_loc *t)
{
    uint32_t s, e, v;
    rec_read(d, n, t, 0, &s, &e, &v);
    return rec_disabled(s, e, v);
}

/* ScoobyRom's rule: the first Denso copyright string of the image lies beyond 0x4000 (where
   diesel ROMs keep their ROM ID), or the image carries the DIESEL system string. */
static int is_diesel(const uint8_t *d, size_t n)
{
    size_t first = id_find(d, n, 0, n, "DENSO", 5);
    if (first != ID_NONE && first > 0x4000)
        return 1;
    return id_find(d, n, 0, n, "DIESEL", 6) != ID_NONE;
}

/* The checks of the table that fail (the record itself verified as the ECU does), out of
   @p *checks; none when the first record turns every check off. @p n: the bytes of the ROM at
   hand (a record past them, in a ROM cut short, fails). */
static unsigned table_failures(const uint8_t *d, size_t n, const struct table_loc *t,
                               unsigned *checks)
{
    unsigned i, bad = 0;
    int diesel;
    *checks = 0;
    if (checks_off(d, n, t))
        return 0;
    diesel = is_diesel(d, n);
    for (i = 0; i < NREC + t->n2; i++) {
        uint32_t s, e, v, sum = 0;
        rec_read(d, n, t, i, &s, &e, &v);
        if (rec_disabled(s, e, v) || (diesel && i == 4))
            continue;
        (*checks)++;
        if (e >= n) { /* past the bytes at hand */
            bad++;
            continue;
        }
        if (e > s) /* consistent: 4-aligned, inside the ROM */
            sum = (uint32_t)ecu_sum_words(d + s, (size_t)e + 1 - s, 4, 1, 0, 32);
        bad += (uint32_t)(sum + v) != TOTAL;
    }
    return bad;
}

/* ---- the ROM in the file: at offset 0, or after a container header ---------------------------- */

#define MiB (1024u * KiB)
#define HEADER_MAX 0x10000u                /* the container header searched: up to 64 KiB */
static const struct table_loc *const loc1m = &locs[1]; /* the 1 MiB (SH7058) table */

/* Where the ROM lies in the file. */
struct rom {
    uint64_t h;                  /* its first byte's file offset */
    size_t n;                    /* its bytes in the file (fewer than its size when cut short) */
    const struct table_loc *t;   /* its table, NULL when none was found */
    int marker;                  /* the file starts with "INFO" or "MEMD" */
    int cut;                     /* marked, named by its CAL ID, cut before its table */
};

/* The container marker: the first 4 bytes "INFO" or "MEMD" (the reports; nothing else of the
   header is known). */
static int has_marker(const uint8_t *d, size_t n)
{
    return n >= 4 && (memcmp(d, "INFO", 4) == 0 || memcmp(d, "MEMD", 4) == 0);
}

/* The bytes of a 1 MiB ROM at @p h that the file holds. */
static size_t rom_bytes(size_t n, uint64_t h)
{
    return n - h < MiB ? (size_t)(n - h) : MiB;
}

/* Whether a CAL ID at @p at of the ROM at @p d has the Denso copyright after it. */
static int id_and_copyright(const uint8_t *d, size_t n, uint64_t at)
{
    return cal_id_at(d, n, at) && id_find(d, n, at + 8, at + 8 + 0x40, "DENSO", 5) != ID_NONE;
}

/* The ROM of the file (see the header comment). */
static void find_rom(const uint8_t *d, size_t n, struct rom *r)
{
    uint64_t h, found = UINT64_MAX, consistent = UINT64_MAX;
    memset(r, 0, sizeof *r);
    r->n = n;
    r->marker = has_marker(d, n);
    if (n == 160 * KiB || n == 192 * KiB) /* the 16-bit ROMs: no table */
        return;
    if ((r->t = find_table(d, n)) != NULL)
        return;
    if (!r->marker && n <= MiB)
        return;
    /* the 1 MiB table at h + 0xFFB80: the whole ROM in the file unless the file is marked (a
       marked ROM cut after its table is still found, and is truncated) */
    for (h = 0; h <= HEADER_MAX && h + loc1m->at + NREC * REC <= n; h += 4) {
        size_t rn = rom_bytes(n, h);
        unsigned checks;
        if (!r->marker && rn < MiB)
            break;
        if (!table_ok(d + h, rn, loc1m, MiB))
            continue;
        if (!checks_off(d + h, rn, loc1m) && table_failures(d + h, rn, loc1m, &checks) == 0 &&
            checks) {
            found = h; /* every enabled record verifies */
            break;
        }
        if (r->marker && consistent == UINT64_MAX)
            consistent = h;
    }
    if (found == UINT64_MAX)
        found = consistent; /* (only in a marked file) */
    if (found != UINT64_MAX) {
        r->h = found;
        r->n = rom_bytes(n, found);
        r->t = loc1m;
        return;
    }
    if (!r->marker)
        return;
    /* no table: a marked file cut short before it, its ROM named by the CAL ID */
    for (h = 0; h <= HEADER_MAX && h + 0x2004 + 9 <= n; h += 4) {
        if (id_and_copyright(d + h, n - h, 0x2000) || id_and_copyright(d + h, n - h, 0x2004)) {
            r->h = h;
            r->n = rom_bytes(n, h);
            r->cut = h + loc1m->at + NREC * REC > n;
            return;
        }
    }
}

/* The CAL ID of the ROM @p d (its @p n bytes at hand) with table @p t (NULL: none), as
   detection finds it: 1 (32-bit ROM, at 0x2000 or 0x2004; 6 to 8 characters), 2 (160/192 KiB
   ROM, at 0x200), 3 (the diesel ROM ID at 0x4000, the CAL ID its last 8 non-blank characters),
   4 (elsewhere: in the ident block that ends in the Denso copyright, in a ROM with a
   consistent checksum table), 0 when there is none; @p at and @p len: where it lies in the
   ROM. */
static int subaru_cal_id(const struct rom *r, const uint8_t *d, size_t n, uint64_t *at,
                         size_t *len)
{
    int kind = documented_id(d, n, at, len);
    if (kind == 2 && r->h) /* (a 160/192 KiB ROM is a whole file) */
        kind = 0;
    if (!kind && r->t)
        kind = searched_id(d, n, at, len);
    if (!kind && r->cut) { /* found by its CAL ID, in fewer than 512 KiB of the ROM */
        kind = 1;
        *at = cal_id_at(d, n, 0x2000) ? 0x2000 : 0x2004;
        *len = cal_id_at(d, n, *at);
    }
    return kind;
}

/* What the evidence says of the ROM's place: nothing for a ROM at offset 0. */
static void container_note(const struct rom *r, char *s, size_t sz)
{
    s[0] = '\0';
    if (r->h)
        snprintf(s, sz, "; container header of %llu bytes before the ROM at 0x%llX",
                 (unsigned long long)r->h, (unsigned long long)r->h);
    if (r->cut)
        snprintf(s + strlen(s), sz - strlen(s), "; ROM cut before its table");
}

static unsigned detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    struct rom r;
    const uint8_t *v; /* the ROM */
    size_t vn, len;
    uint64_t at = 0;
    int kind, denso;
    const struct table_loc *t;
    unsigned score, checks = 0, bad = 0;
    char id[9], how[96], where[160];
    find_rom(d, n, &r);
    v = d + r.h;
    vn = r.n;
    t = r.t;
    kind = subaru_cal_id(&r, v, vn, &at, &len);
    container_note(&r, where, sizeof where);
    if (kind == 2) {
        memcpy(id, v + at, 8);
        id[8] = '\0';
        /* no table in these ROMs: the ID and the copyright string name them */
        if (id_find(v, vn, at + 8, at + 8 + 0x40, "DENSO", 5) == ID_NONE)
            return 0;
        snprintf(ev, evsz, "CAL ID %s at 0x%llX, Denso copyright; %zu KiB ROM: no checksum table",
                 id, (unsigned long long)at, n / KiB);
        return 80;
    }
    /* (an ID found before the copyright has it after it) */
    denso = kind == 4 || (kind && id_find(v, vn, at + 8, at + 8 + 0x40, "DENSO", 5) != ID_NONE);
    if (!t) {
        if (!kind || !denso)
            return 0;
        memcpy(id, v + at, 8);
        id[8] = '\0';
        snprintf(ev, evsz, "CAL ID %s at 0x%llX, Denso copyright; no checksum table found%s", id,
                 (unsigned long long)(r.h + at), where);
        return 60;
    }
    /* the structure alone claims the image when it verifies, and with a lower score when it
       does not (a modified file with stale checksums); the CAL ID and the Denso copyright add
       to it */
    if (!kind || !denso)
        bad = table_failures(v, vn, t, &checks);
    score = bad ? 55 : 80;
    if (checks_off(v, vn, t))
        snprintf(how, sizeof how, "; record 0 disabled: every check off");
    else if (kind && denso)
        how[0] = '\0';
    else if (bad)
        snprintf(how, sizeof how, " (%u of %u checks fail)", bad, checks);
    else
        snprintf(how, sizeof how, " (all %u checks verify)", checks);
    if (!checks_off(v, vn, t) && is_diesel(v, vn))
        snprintf(how + strlen(how), sizeof how - strlen(how),
                 "; diesel: record 4 is the CVN, not checked");
    if (!kind) {
        snprintf(ev, evsz, "checksum table at 0x%llX%s; no CAL ID found%s",
                 (unsigned long long)(r.h + t->at), how, where);
        return score;
    }
    memcpy(id, v + at, 8);
    id[8] = '\0';
    snprintf(ev, evsz, "CAL ID %s at 0x%llX%s%s; checksum table at 0x%llX%s%s", id,
             (unsigned long long)(r.h + at), kind == 4 ? " (before the Denso copyright)" : "",
             denso ? ", Denso copyright" : "", (unsigned long long)(r.h + t->at), how, where);
    return denso ? 90 : (score > 70 ? score : 70);
}

/* A check of nothing (a 0/0 record at file offset @p r): the diff must be 0x5AA5A55A. Shown
   over the record's start and end words, whose sum is the 0 the check adds (the Denso record
   over them). */
static void empty_rec(struct blk *b, unsigned i, uint64_t r, const char *what)
{
    ecu__blk_init(b, "start=end=0, diff==0x5AA5A55A", "record %u 0x0-0x0 %s", i, what);
    ecu__denso_rec(b, r, r + 8, r + 8);
}

/* The blocks at their file offsets: the ROM's offsets plus its start h. */
static int layout(const uint8_t *d, size_t n, struct blk_list *out)
{
    struct rom r;
    const struct table_loc *t;
    const uint8_t *v;
    size_t vn;
    uint64_t h;
    unsigned i;
    int diesel;
    struct blk b;
    find_rom(d, n, &r);
    h = r.h;
    if (r.cut) {
        /* the ROM cut short before its table: record 0, past the end, the one (bad) block */
        uint64_t rec0 = h + loc1m->at;
        ecu__blk_init(&b, "sum32be+diff==0x5AA5A55A", "record 0 at 0x%llX past the end (truncated)",
                      (unsigned long long)rec0);
        ecu__denso_rec(&b, rec0, rec0 + REC, rec0 + 8);
        return ecu__blk_add(out, &b);
    }
    if (!(t = r.t))
        return ECU_OK; /* no table */
    v = d + h;
    vn = r.n;
    if (checks_off(v, vn, t)) {
        /* the table turns every check off: what holds is that record 0 says so */
        empty_rec(&b, 0, h + t->at, "disabled: every check off");
        return ecu__blk_add(out, &b);
    }
    diesel = is_diesel(v, vn);
    for (i = 0; i < NREC + t->n2; i++) {
        uint64_t rf = h + rec_at(t, i);
        uint32_t s, e, val;
        rec_read(v, vn, t, i, &s, &e, &val);
        if (rec_disabled(s, e, val) || (diesel && i == 4))
            continue;
        if (s == 0 && e == 0) {
            empty_rec(&b, i, rf, "empty");
        } else {
            if (h)
                ecu__blk_init(&b, "sum32be+diff==0x5AA5A55A", "record %u 0x%X-0x%X (file 0x%llX-0x%llX)%s",
                              i, s, e, (unsigned long long)(h + s), (unsigned long long)(h + e),
                              e >= vn ? " past the end (truncated)" : "");
            else
                ecu__blk_init(&b, "sum32be+diff==0x5AA5A55A", "record %u 0x%X-0x%X", i, s, e);
            /* the words of [start, end] (start < end, inside the ROM: consistent; past the
               file's end in a ROM cut short: bad) */
            ecu__denso_rec(&b, h + s, h + (uint64_t)e + 1, rf + 8);
        }
        if (ecu__blk_add(out, &b))
            return ECU_ERR_NOMEM;
    }
    return ECU_OK;
}

/* The ROM size the table's location is documented for (the table above), from the ROM's start
   in the file. */
static uint64_t extent(const uint8_t *d, size_t n, uint64_t cover)
{
    struct rom r;
    (void)cover;
    find_rom(d, n, &r);
    if (r.cut)
        return r.h + loc1m->size;
    return r.t ? r.h + r.t->size : 0;
}

/* The CAL ID where detection finds it (RomRaider compares the ID at its address), at its file
   offset. */
static void identify(const uint8_t *d, size_t n, struct ecu__idsink *out)
{
    struct rom r;
    uint64_t at, h;
    size_t len;
    find_rom(d, n, &r);
    h = r.h;
    switch (subaru_cal_id(&r, d + h, r.n, &at, &len)) {
    case 2:
        ecu__id_put(out, d, n, "cal_id", at, len, 95, "Subaru ROM ID at 0x200 (16-bit ROM)");
        break;
    case 1:
        ecu__id_put(out, d, n, "cal_id", h + at, len, 95,
            at == 0x2000 ? "Subaru ROM ID at 0x2000" : "Subaru ROM ID at 0x2004");
        break;
    case 3: /* diesel: 32 printable characters at 0x4000, the CAL ID their last 8 non-blank ones */
        ecu__id_put(out, d, n, "cal_id", h + at, len, 90, "Subaru diesel ROM ID at 0x4000 (last 8)");
        ecu__id_put(out, d, n, "descriptor", h + 0x4000, at + len - 0x4000, 80, "Subaru diesel ROM ID at 0x4000");
        break;
    case 4: /* elsewhere, in the ident block before the Denso copyright (a checksum table) */
        ecu__id_put(out, d, n, "cal_id", h + at, len, 85, "Subaru ROM ID before the Denso copyright");
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
    .extent = extent,
};
