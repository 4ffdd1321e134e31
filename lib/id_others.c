/* SPDX-License-Identifier: MIT */
/*
 * Identification fields of the families that are not Bosch (the code is our own; the places
 * come from these public sources and from the detection code of lib/families/):
 * - Siemens MS4x: the ident record "5WK9nnnn--<10-digit serial>MS4n" (Siemens part number,
 *   family); MS43: the program number "43nnnn" at 0x6FFBA repeated at 0x70008 and in the
 *   calibration dataset name "ca<program number>.DAT" near 0x70040; the 7-digit BMW number
 *   at 0x6FE80 written three times (v-arapidis/openremap-core
 *   openremap/core/manufacturers/siemens/ms43/patterns.py).
 * - Denso Subaru: the 8-character ROM ID (CAL ID) at 0x2000 or 0x2004 in 32-bit ROMs, at 0x200
 *   in 160/192 KiB ROMs, compared at that exact address (RomRaider/RomRaider
 *   src/main/java/com/romraider/maps/RomID.java); the 32-character diesel ROM ID at 0x4000,
 *   its last 8 characters the CAL ID (aalesv/ScoobyRom LibScoobyRom/Rom.cs).
 * - Mazda NC: the cal ID (LF9VEB) of the calibration header at 0xB8000 (+0x46) or 0xC0046
 *   (cdufresne81/nc-flash src/ecu/constants.py, rom_utils.py); Mazdaspeed6: "L38K" at 0x2A7C8
 *   (LibreTuner definitions mazdaspeed6/l38k.xml); Mitsubishi Evo X: the EcuFlash internal ID,
 *   4 bytes at 0x50000 read as 8 hexadecimal digits (colecrouter/vscode-ecu-explorer
 *   specs/ROM_MATCHING.md).
 * - Hitachi Nissan: the firmware-ID (FID) structure, its name 2 bytes in, "DATABASE" 19 bytes
 *   in and the CPU code 32 bytes in (fenugrec/nissutils nissan_romdefs.h).
 * - Continental Simos: the project ID inside each block (CBOOT+0x437, ASW1+0x627,
 *   ASW2/3+0x203, CAL+0x23; the software version) and the box code (VAG part number) at
 *   CAL+0x60-0x6B (bri3d/VW_Flash lib/modules/simosshared.py software_version_location_simos,
 *   box_code_location_simos). SIM2K CBOOT images: only the CPU of the DevMode code.
 * - Delphi Multec: the ident record "97231405 DGDHCR\0" (software number, broadcast code and
 *   variant) followed by the D-number calibration reference "D00021" and the engine code;
 *   Multec S: the ident block at 0x3000 mirrored at 0x13000, software number +0x09, GM part
 *   number +0x15, broadcast code and variant +0x1E, D-number +0x26, engine +0x2C
 *   (openremap-core delphi/multec/patterns.py, delphi/multec_s/patterns.py, docs).
 * - Magneti Marelli: the VAG ident label "<part number> MARELLI <family> <version>"
 *   ("032906030AG MARELLI 1AV        F012"), in IAW 4LV images with the bytes of each 16-bit
 *   word swapped; MJD 6JF: "MAG  01246JO01D" in the identity block at 0x60000 and the tag
 *   "6JF   MUST_C5131"; IAW 1AP: the 4 bytes after AA 55 CC 33 at 0x4810 (openremap-core
 *   marelli/iaw_1av, iaw_4lv, mjd6jf, iaw_1ap patterns.py and docs).
 * Every scan is bounded to a region and linear (ecu__memfind / memchr); every read checked.
 */
#include "id_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "families/ident_util.h"

#define KiB 1024u
#define MAX_HITS 16 /* occurrences of a search string examined per region */

struct ctx {
    ecu_id *id;
    const uint8_t *d; /* the bytes searched (the image, or its pair-swapped copy) */
    size_t n;
};

/* A field read from [at, at + len) of the searched bytes. */
static void put(const struct ctx *c, const char *key, size_t at, size_t len, unsigned conf,
                const char *src)
{
    if (at <= c->n && c->n - at >= len)
        ecu__id_add(c->id, key, c->d + at, len, at, conf, src);
}

/* A field whose value is not the bytes at its offset (formatted, or derived). */
static void put_text(const struct ctx *c, const char *key, const char *val, uint64_t at,
                     unsigned conf, const char *src)
{
    ecu__id_add(c->id, key, (const uint8_t *)val, strlen(val), at, conf, src);
}

/* A VAG part number at @p at (ecu__id_vag_part): its length (9 to 12) or 0. */
static size_t vag_part_at(const uint8_t *d, size_t n, size_t at)
{
    return at < n ? ecu__id_vag_part(d + at, n - at) : 0;
}

/* ---- Siemens MS4x ---------------------------------------------------------------------------- */

/* The ident records "5WK9" 4-6 digits "--" 10 digits "MS4<digit>" in [from, to). */
static void ms4x_records(const struct ctx *c, size_t from, size_t to)
{
    size_t at = from, hits = 0;
    const uint8_t *d = c->d;
    while (hits < MAX_HITS && (at = id_find(d, c->n, at, to, "5WK9", 4)) != ID_NONE) {
        size_t len = ecu__ms4x_record(d, c->n, at);
        hits++;
        if (len) {
            put(c, "hw_number", at, len, 90, "Siemens ident record (5WK9 part number)");
            put(c, "ecu_type", at + len + 12, 4, 85, "Siemens ident record (family)");
        }
        at++;
    }
}

/* The 7-digit BMW number written three times from @p at; 1 when it is. */
static int bmw_number(const struct ctx *c, size_t at)
{
    return id_all(c->d, c->n, at, 21, id_digit) && memcmp(c->d + at, c->d + at + 7, 7) == 0 &&
           memcmp(c->d + at, c->d + at + 14, 7) == 0;
}

static void ms43(const struct ctx *c)
{
    const uint8_t *d = c->d;
    size_t n = c->n, at;
    /* the program number at 0x6FFBA, repeated at 0x70008 */
    if (id_all(d, n, 0x6FFBA, 6, id_digit) && d[0x6FFBA] == '4' && d[0x6FFBB] == '3') {
        int rep = id_at(d, n, 0x70008, d + 0x6FFBA, 6);
        put(c, "sw_number", 0x6FFBA, 6, rep ? 90 : 70,
            rep ? "MS43 program number at 0x6FFBA, repeated at 0x70008"
                : "MS43 program number at 0x6FFBA");
    }
    /* the calibration dataset name ca<program number>.DAT */
    at = id_find(d, n, 0x70000, 0x70100, "ca43", 4);
    if (at != ID_NONE) {
        size_t digits = id_run(d, n, at + 2, 16, id_digit);
        if (digits >= 6 && digits <= 14 && id_at(d, n, at + 2 + digits, ".DAT", 4)) {
            put(c, "sw_number", at + 2, digits, 85, "MS43 calibration dataset name ca*.DAT");
            put(c, "descriptor", at, digits + 6, 80, "MS43 calibration dataset name");
        }
    }
    /* BMW numbers: two, each written three times, from 0x6FE80 */
    if (bmw_number(c, 0x6FE80)) {
        put(c, "part_number", 0x6FE80, 7, 85, "MS43 BMW number at 0x6FE80 (written three times)");
        if (bmw_number(c, 0x6FE95) && memcmp(d + 0x6FE80, d + 0x6FE95, 7) != 0)
            put(c, "part_number", 0x6FE95, 7, 60, "MS43 second BMW number at 0x6FE95");
    }
}

/* ---- Denso Subaru ----------------------------------------------------------------------------- */

/* The CAL ID where detection finds it (RomRaider compares the ID at its address). */
static void subaru(const struct ctx *c)
{
    uint64_t at;
    size_t len;
    switch (ecu__subaru_cal_id(c->d, c->n, &at, &len)) {
    case 2:
        put(c, "cal_id", at, len, 95, "Subaru ROM ID at 0x200 (16-bit ROM)");
        break;
    case 1:
        put(c, "cal_id", at, len, 95,
            at == 0x2000 ? "Subaru ROM ID at 0x2000" : "Subaru ROM ID at 0x2004");
        break;
    case 3: /* diesel: 32 printable characters at 0x4000, the CAL ID their last 8 non-blank ones */
        put(c, "cal_id", at, len, 90, "Subaru diesel ROM ID at 0x4000 (last 8)");
        put(c, "descriptor", 0x4000, at + len - 0x4000, 80, "Subaru diesel ROM ID at 0x4000");
        break;
    }
}

/* ---- Denso Mazda, Mitsubishi ------------------------------------------------------------------ */

/* A Mazda cal ID at @p at: 'L' and five capital letters or digits, not followed by another. */
static int mazda_id_at(const uint8_t *d, size_t n, size_t at)
{
    return id_at(d, n, at, "L", 1) && id_all(d, n, at + 1, 5, id_upnum) &&
           (at + 6 >= n || !id_upnum(d[at + 6]));
}

static void mazda_nc(const struct ctx *c)
{
    static const struct {
        size_t at;
        const char *src;
    } places[] = {{0xB8046, "Mazda NC cal ID in the calibration header at 0xB8000"},
                  {0xB8000, "Mazda NC cal ID at 0xB8000"},
                  {0xC0046, "Mazda NC cal ID at 0xC0046"}};
    size_t i;
    for (i = 0; i < sizeof places / sizeof places[0]; i++)
        if (mazda_id_at(c->d, c->n, places[i].at))
            put(c, "cal_id", places[i].at, 6, i == 0 ? 90 : 85, places[i].src);
    if (c->n > 0x2030) {
        uint8_t g = c->d[0x2030];
        if (g == 0x35)
            put_text(c, "ecu_type", "NC1", 0x2030, 70, "Mazda NC generation byte at 0x2030");
        else if (g == 0x36 || g == 0x37)
            put_text(c, "ecu_type", "NC2", 0x2030, 70, "Mazda NC generation byte at 0x2030");
    }
}

static void mazdaspeed6(const struct ctx *c)
{
    if (id_at(c->d, c->n, 0x2A7C8, "L38K", 4))
        put(c, "cal_id", 0x2A7C8, 4, 90, "Mazdaspeed6 calibration at 0x2A7C8");
}

static void evox(const struct ctx *c)
{
    char v[9];
    size_t k;
    if (c->n < 0x50004)
        return;
    for (k = 0; k < 4; k++)
        if ((c->d[0x50000 + k] >> 4) > 9 || (c->d[0x50000 + k] & 0xF) > 9)
            return;
    snprintf(v, sizeof v, "%02X%02X%02X%02X", c->d[0x50000], c->d[0x50001], c->d[0x50002],
             c->d[0x50003]);
    put_text(c, "cal_id", v, 0x50000, 80, "Evo X EcuFlash internal ID at 0x50000 (4 bytes hex)");
}

/* ---- Hitachi Nissan --------------------------------------------------------------------------- */

static int fid_char(uint8_t v) { return id_alnum(v) || v == '-' || v == '_'; }

static void hitachi(const struct ctx *c)
{
    const uint8_t *d = c->d;
    size_t n = c->n, from = 0, at, hits = 0;
    while (hits < 8 && (at = id_find(d, n, from, n, "DATABASE\0", 9)) != ID_NONE) {
        size_t fid, len;
        hits++;
        from = at + 1;
        if (at < 19)
            continue;
        fid = at - 19;
        if (at >= 17 && memcmp(d + at - 17, "LOADER", 6) == 0)
            continue; /* the LOADER structure: DATABASE 17 bytes in */
        if (!(id_at(d, n, fid + 32, "SH70", 4) || id_at(d, n, fid + 32, "S725", 4)) ||
            !id_all(d, n, fid + 36, 4, id_digit))
            continue;
        put(c, "ecu_type", fid + 32, 8, 90, "Nissan FID structure (CPU code)");
        len = id_run(d, n, fid + 2, 17, fid_char);
        if (len >= 4 && fid + 2 + len < n && d[fid + 2 + len] == 0)
            put(c, "cal_id", fid + 2, len, 90, "Nissan FID structure (firmware ID)");
        return;
    }
}

/* ---- Continental ------------------------------------------------------------------------------ */

static void simos(const struct ctx *c)
{
    struct ecu__simos_ids best;
    size_t k;
    if (!ecu__simos_ids(c->d, c->n, &best))
        return;
    put_text(c, "ecu_type", best.name, ECU_ID_NO_OFFSET, 70, "Simos project-ID prefix");
    for (k = 0; k < best.nb; k++) {
        int cal = strcmp(best.block[k], "CAL") == 0;
        char src[64];
        if (!id_all(c->d, c->n, best.id_at[k], best.id_len[k], id_alnum))
            continue;
        snprintf(src, sizeof src, "Simos project ID of the %s block", best.block[k]);
        put(c, "sw_version", best.id_at[k], best.id_len[k], cal ? 90 : 70, src);
    }
    /* the box code: 12 bytes at CAL+0x60 (a VAG part number, padded with spaces) */
    if (id_all(c->d, c->n, best.cal + 0x60, 12, id_print)) {
        size_t len = vag_part_at(c->d, c->n, best.cal + 0x60);
        if (len)
            put(c, "part_number", best.cal + 0x60, len, 85, "Simos box code at CAL+0x60");
        else
            put(c, "part_number", best.cal + 0x60, 12, 50,
                "Simos box code at CAL+0x60 (not a VAG part number)");
    }
}

static void sim2k(const struct ctx *c, const char *evidence)
{
    if (evidence && strstr(evidence, "TC1791"))
        put_text(c, "ecu_type", "SIM2K (TC1791)", ECU_ID_NO_OFFSET, 60, "SIM2K DevMode code");
    else if (evidence && strstr(evidence, "TC1782"))
        put_text(c, "ecu_type", "SIM2K (TC1782)", ECU_ID_NO_OFFSET, 60, "SIM2K DevMode code");
}

/* ---- Delphi ----------------------------------------------------------------------------------- */

/* The Multec ident record "dddddddd AAAAAA\0" in the last 40 % of the image, then the D-number
   within 8 bytes and the engine code after it. */
static void multec(const struct ctx *c)
{
    const uint8_t *d = c->d;
    size_t n = c->n, at = n - n * 4 / 10, hits = 0;
    while (hits < 4 && at < n) {
        const uint8_t *sp = memchr(d + at, ' ', n - at);
        size_t s, k;
        if (!sp)
            return;
        s = (size_t)(sp - d);
        at = s + 1;
        if (s < 8 || !id_all(d, n, s - 8, 8, id_digit) || (s > 8 && id_digit(d[s - 9])) ||
            !id_all(d, n, s + 1, 6, id_upper) || s + 7 >= n || d[s + 7] != 0)
            continue;
        hits++;
        put(c, "sw_number", s - 8, 8, 85, "Delphi Multec ident record (software number)");
        put(c, "descriptor", s - 8, 15, 80, "Delphi Multec ident record");
        for (k = s + 8; k < s + 16 && k + 6 <= n; k++)
            if (d[k] == 'D' && id_all(d, n, k + 1, 5, id_digit)) {
                put(c, "cal_id", k, 6, 85, "Delphi Multec D-number after the ident record");
                if (id_run(d, n, k + 6, 6, id_alnum) >= 5)
                    put(c, "engine", k + 6, id_run(d, n, k + 6, 6, id_alnum), 60,
                        "Delphi Multec engine code after the D-number");
                break;
            }
        return;
    }
}

static void multec_s(const struct ctx *c)
{
    const uint8_t *d = c->d;
    size_t n = c->n, b = 0x3000;
    int mirror = n >= 0x13040 && memcmp(d + 0x3000, d + 0x13000, 0x40) == 0;
    char src[128];
    if (n < 0x3040)
        return;
#define SRC(what) (snprintf(src, sizeof src, "Delphi Multec S ident block at 0x3000%s (%s)", \
                            mirror ? ", mirrored at 0x13000" : "", what), src)
    if (id_all(d, n, b + 0x09, 8, id_digit))
        put(c, "sw_number", b + 0x09, 8, mirror ? 90 : 80, SRC("software number"));
    if (id_all(d, n, b + 0x15, 8, id_digit))
        put(c, "part_number", b + 0x15, 8, mirror ? 90 : 80, SRC("GM part number"));
    if (id_all(d, n, b + 0x1E, 6, id_upper))
        put(c, "descriptor", b + 0x1E, 6, 70, SRC("broadcast code and variant"));
    if (d[b + 0x26] == 'D' && id_all(d, n, b + 0x27, 5, id_digit))
        put(c, "cal_id", b + 0x26, 6, mirror ? 85 : 75, SRC("D-number"));
    if (id_all(d, n, b + 0x2C, 4, id_alnum))
        put(c, "engine", b + 0x2C, 4 + id_run(d, n, b + 0x30, 2, id_alnum), 60, SRC("engine"));
#undef SRC
}

/* ---- Magneti Marelli -------------------------------------------------------------------------- */

/*
 * The labels "<VAG part number> MARELLI <family> <tokens>" of the searched bytes: part
 * number, family (ecu_type) and the last token of 4 characters (software version); a VAG
 * part number among the tokens is a second part number candidate. @p how names the bytes.
 */
static void marelli_labels(const struct ctx *c, const char *how)
{
    const uint8_t *d = c->d;
    size_t n = c->n, at = 0, hits = 0;
    char src[96];
    while (hits < MAX_HITS && (at = id_find(d, n, at, n, "MARELLI ", 8)) != ID_NONE) {
        size_t m = at, p, k, sp, fam, e, last = 0, lastlen = 0;
        size_t plen = 0;
        hits++;
        at = m + 1;
        /* back over 1-4 spaces, then a part number of 9-12 characters */
        for (sp = 0; sp < 4 && m > sp && d[m - sp - 1] == ' '; sp++)
            ;
        if (!sp)
            continue;
        /* the part number ends at the spaces: the longest of 12 to 9 characters that is one
           (what precedes the label may be any byte) */
        for (k = 12; k >= 9; k--) {
            if (m - sp < k)
                continue;
            p = m - sp - k;
            if ((plen = vag_part_at(d, n, p)) == k)
                break;
        }
        if (k < 9)
            continue;
        fam = m + 8;
        k = id_run(d, n, fam, 4, id_alnum);
        if (k < 2 || (fam + k < n && d[fam + k] != ' '))
            continue;
        snprintf(src, sizeof src, "Marelli ident label%s", how);
        put(c, "part_number", p, plen, 85, src);
        put(c, "ecu_type", fam, k, 80, src);
        /* the tokens after the family, up to a byte that is not part of the label */
        for (e = fam + k; e < n && e - m < 64;) {
            size_t t;
            if (d[e] == ' ') {
                e++;
                continue;
            }
            t = id_run(d, n, e, 16, id_alnum);
            if (!t || (e + t < n && id_alnum(d[e + t])))
                break;
            if (vag_part_at(d, n, e) == t)
                put(c, "part_number", e, t, 60, src);
            last = e;
            lastlen = t;
            e += t;
        }
        if (lastlen == 4)
            put(c, "sw_version", last, 4, 80, src);
    }
}

static void marelli_4lv(const struct ctx *c)
{
    uint8_t *s;
    size_t i, n = c->n & ~(size_t)1;
    struct ctx sw = *c;
    if (n < 2 || n > 8 * 1024 * KiB || !(s = malloc(n)))
        return;
    for (i = 0; i < n; i += 2) {
        s[i] = c->d[i + 1];
        s[i + 1] = c->d[i];
    }
    sw.d = s;
    sw.n = n;
    marelli_labels(&sw, " (16-bit words byte-swapped; offset in the swapped image)");
    free(s);
}

static void mjd_6jf(const struct ctx *c)
{
    const uint8_t *d = c->d;
    size_t n = c->n, at = 0x60000, hits = 0, k;
    while (hits < MAX_HITS && (at = id_find(d, n, at, 0x61000, "MAG", 3)) != ID_NONE) {
        size_t m = at, sp = id_run(d, n, m + 3, 4, id_space), len;
        hits++;
        at = m + 1;
        if (sp < 1 || sp > 3)
            continue;
        len = id_run(d, n, m + 3 + sp, 21, id_alnum);
        if (len < 8 || len > 20)
            continue;
        put(c, "part_number", m + 3 + sp, len, 80, "Marelli MJD part number (MAG ...)");
        break;
    }
    at = id_find(d, n, 0x60000, 0x71000, "6JF", 3);
    if (at != ID_NONE && (k = id_run(d, n, at, 32, id_print)) >= 6)
        put(c, "descriptor", at, k, 60, "Marelli MJD family tag 6JF");
}

static void iaw_1ap(const struct ctx *c)
{
    static const uint8_t sync[4] = {0xAA, 0x55, 0xCC, 0x33};
    char v[9];
    if (!id_at(c->d, c->n, 0x4810, sync, 4) || c->n < 0x4818)
        return;
    snprintf(v, sizeof v, "%02X%02X%02X%02X", c->d[0x4814], c->d[0x4815], c->d[0x4816],
             c->d[0x4817]);
    put_text(c, "cal_id", v, 0x4814, 50,
             "IAW 1AP calibration fingerprint after AA 55 CC 33 at 0x4810 (hex)");
}

/* ---- dispatch --------------------------------------------------------------------------------- */

void ecu__id_others(ecu_id *id, const ecu_csum *cs, const uint8_t *d, size_t n)
{
    const ecu_family_info *fam = cs ? ecu_csum_family(cs) : NULL;
    const char *f = fam ? fam->name : "";
    struct ctx c;
    c.id = id;
    c.d = d;
    c.n = n;
    if (!d || !n)
        return;
    if (strcmp(f, "siemens-ms43") == 0) {
        ms4x_records(&c, 0x3000, 0x5000);
        ms43(&c);
    } else if (strcmp(f, "siemens-ms42") == 0) {
        ms4x_records(&c, 0, 0x10000);
    } else if (strcmp(f, "siemens-ms45") == 0) {
        ms4x_records(&c, 0, 0x40000);
    } else if (strcmp(f, "denso-subaru") == 0) {
        subaru(&c);
    } else if (strcmp(f, "denso-mazda-nc") == 0) {
        mazda_nc(&c);
    } else if (strcmp(f, "denso-mazdaspeed6") == 0) {
        mazdaspeed6(&c);
    } else if (strcmp(f, "mitsubishi-evox") == 0) {
        evox(&c);
    } else if (strcmp(f, "hitachi-nissan") == 0) {
        hitachi(&c);
    } else if (strcmp(f, "continental-simos") == 0) {
        simos(&c);
    } else if (strcmp(f, "sim2k") == 0) {
        sim2k(&c, ecu_csum_evidence(cs));
    } else if (strcmp(f, "delphi-multec") == 0) {
        multec(&c);
    } else if (strcmp(f, "delphi-multec-s") == 0) {
        multec_s(&c);
    } else if (strcmp(f, "marelli-iaw-4lv") == 0) {
        marelli_4lv(&c);
    } else if (strcmp(f, "marelli-mjd-6jf") == 0) {
        mjd_6jf(&c);
    } else if (strcmp(f, "marelli-iaw-1ap") == 0) {
        iaw_1ap(&c);
    }
    /* plain Marelli labels: IAW 1AV, and the Marelli ECUs without a family (4HV, 4MV...) */
    if (!fam || strncmp(f, "marelli-", 8) == 0)
        marelli_labels(&c, "");
}
