/* SPDX-License-Identifier: MIT */
/*
 * Delphi (Delco) Multec and Multec S: identified only. No public checksum algorithm is known
 * for them, so they have no layout (`layout` is NULL): a claimed image gets the verdict
 * no-layout ("no known checksum layout"), never ok, and ecu-csum --fix refuses it.
 *
 * Public sources (detection facts only): v-arapidis/openremap-core
 * docs/manufacturers/delphi/multec.md, multec_s.md; the same project's
 * delphi/multec/patterns.py and delphi/multec_s/patterns.py (read in Pinelo92/openremap
 * src/openremap/tuning/manufacturers/delphi/).
 *
 * delphi-multec (Opel/Vauxhall 1.7 DTI diesel, Motorola 68k CPU32; 0x34000 or 0x40000 bytes):
 * - header: byte 0x11 then "DEL" (Delco), followed by 1-3 spaces and a 10-digit Delco serial
 *   in the 0x40000 variant; or 6 ASCII digits at 0 (e.g. "363020") in the 0x34000 variant;
 * - ident record in the last 40 % of the file: 8 digits (software number), a space, 2
 *   uppercase letters (broadcast code), 4 uppercase letters (variant), NUL
 *   ("97239901 DGZZCR\0", "99306599 ZZZZZZ\0"), followed by flags and a D-number calibration
 *   reference ("D00987") and a version ("Y17DIT").
 * Claimed on a header AND an ident record (score 80); the D-number within the 8 bytes after
 * the record adds 5, a documented size 5. Images with Bosch/Siemens strings are not claimed.
 *
 * delphi-multec-s (Opel/Vauxhall petrol, HC12; 128 KiB, two mirrored 64 KiB banks):
 * - 0x0000-0x1FFF erased (0xFF); 00 00 7E (HC12 pointer table) at 0x2000;
 * - ident block at 0x3000, mirrored at 0x13000: +0x09 software number (8 digits), +0x11
 *   broadcast code (2 uppercase), +0x15 GM part number (8 digits), +0x1D space, +0x1E 2+4
 *   uppercase (broadcast prefix, variant), +0x24 NUL, +0x26 D-number ("D98003").
 * Claimed on the erased boot block, 00 00 7E, the software number with its broadcast code and
 * the GM part number (score 75); the variant text with its NUL, the D-number, an identical
 * mirror at 0x13000 and the 128 KiB size add to it.
 *
 * All searches are bounded (the ident region, the header) and linear; every read is
 * bounds-checked.
 */
#include "family.h"
#include "text.h"

#include <stdio.h>
#include <string.h>

/* ---- delphi-multec --------------------------------------------------------------------------- */

/* The first ident record "DDDDDDDD BBVVVV\0" in [from, to): the offset of its first digit, or
   ID_NONE. memchr on the space, then fixed-width checks around it. */
static size_t multec_ident(const uint8_t *d, size_t n, size_t from, size_t to)
{
    size_t at = from;
    if (to > n)
        to = n;
    while (at < to) {
        const uint8_t *sp = memchr(d + at, ' ', to - at);
        size_t s;
        if (!sp)
            break;
        s = (size_t)(sp - d);
        at = s + 1;
        if (s < from + 8 || s - 8 < from || to - s < 8)
            continue;
        if (id_all(d, n, s - 8, 8, id_digit) && id_all(d, n, s + 1, 6, id_upper) && d[s + 7] == 0)
            return s - 8;
    }
    return ID_NONE;
}

/* A D-number "D" + 5 digits in [from, to): its offset, or ID_NONE. */
static size_t dnumber(const uint8_t *d, size_t n, size_t from, size_t to)
{
    size_t i;
    if (to > n)
        to = n;
    for (i = from; i + 6 <= to; i++)
        if (d[i] == 'D' && id_all(d, n, i + 1, 5, id_digit))
            return i;
    return ID_NONE;
}

static unsigned multec_detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    char head[24] = "", ident[24], cal[8] = "";
    size_t id, dn, from, k;
    unsigned score = 80;
    if (n >= 4 && d[0] == 0x11 && id_at(d, n, 1, "DEL", 3)) {
        /* the Delco serial, when there: 1-3 spaces and 10 digits */
        for (k = 4; k < 7 && k < n && d[k] == ' '; k++)
            ;
        if (k > 4 && id_all(d, n, k, 10, id_digit)) {
            memcpy(head, "DEL ", 4);
            id_quote(d + k, 10, head + 4, sizeof head - 4);
        } else {
            snprintf(head, sizeof head, "11 DEL");
        }
    } else if (id_all(d, n, 0, 6, id_digit)) {
        id_quote(d, 6, head, sizeof head);
    } else {
        return 0;
    }
    from = n / 5 * 3; /* the last 40 % */
    if ((id = multec_ident(d, n, from, n)) == ID_NONE)
        return 0;
    if (id_foreign(d, n) || id_find(d, n, 0, n, "MARELLI", 7) != ID_NONE)
        return 0;
    id_quote(d + id, 15, ident, sizeof ident);
    if ((dn = dnumber(d, n, id + 16, id + 24)) != ID_NONE) {
        id_quote(d + dn, 6, cal, sizeof cal);
        score += 5;
    }
    if (n == 0x34000 || n == 0x40000)
        score += 5;
    snprintf(ev, evsz, "header '%s', ident '%s' at 0x%zX%s%s, %zu KiB", head, ident, id,
             *cal ? ", cal " : ", no D-number", cal, n / 1024);
    return score;
}

/* ---- delphi-multec-s ------------------------------------------------------------------------- */

#define MS_IDENT 0x3000u
#define MS_MIRROR 0x13000u
#define MS_IDENT_LEN 0x2Cu /* through the D-number */

static unsigned multec_s_detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    static const uint8_t hc12[3] = {0x00, 0x00, 0x7E};
    const size_t b = MS_IDENT;
    char sw[12], gm[10], var[8] = "", cal[8] = "";
    unsigned score = 75;
    int mirror;
    if (!id_at(d, n, 0x2000, hc12, 3) || !id_fill(d, n, 0, 0x2000, 0xFF))
        return 0;
    if (!id_all(d, n, b + 0x09, 8, id_digit) || !id_all(d, n, b + 0x11, 2, id_upper) ||
        !id_all(d, n, b + 0x15, 8, id_digit))
        return 0;
    if (id_foreign(d, n) || id_find(d, n, 0, n, "MARELLI", 7) != ID_NONE)
        return 0;
    id_quote(d + b + 0x09, 10, sw, sizeof sw);
    id_quote(d + b + 0x15, 8, gm, sizeof gm);
    if (id_at(d, n, b + 0x1D, " ", 1) && id_all(d, n, b + 0x1E, 6, id_upper) &&
        id_at(d, n, b + 0x24, "", 1)) {
        id_quote(d + b + 0x1E, 6, var, sizeof var);
        score += 3;
    }
    if (id_at(d, n, b + 0x26, "D", 1) && id_all(d, n, b + 0x27, 5, id_digit)) {
        id_quote(d + b + 0x26, 6, cal, sizeof cal);
        score += 2;
    }
    mirror = n >= MS_MIRROR + MS_IDENT_LEN &&
             memcmp(d + MS_MIRROR, d + MS_IDENT, MS_IDENT_LEN) == 0;
    if (mirror)
        score += 5;
    if (n == 0x20000)
        score += 5;
    snprintf(ev, evsz, "erased boot block, 00 00 7E at 0x2000, ident at 0x3000 '%s %s%s%s%s%s'%s, "
             "%zu KiB", sw, gm, *var ? " " : "", var, *cal ? " " : "", cal,
             mirror ? ", mirrored at 0x13000" : "", n / 1024);
    return score;
}

/* The ident record and the D-number that detection found (multec_ident, dnumber), and the
   engine code after the D-number. */
static void multec_identify(const uint8_t *d, size_t n, struct ecu__idsink *out)
{
    size_t id = multec_ident(d, n, n / 5 * 3, n), dn, k;
    if (id == ID_NONE)
        return;
    ecu__id_put(out, d, n, "sw_number", id, 8, 85, "Delphi Multec ident record (software number)");
    ecu__id_put(out, d, n, "descriptor", id, 15, 80, "Delphi Multec ident record");
    if ((dn = dnumber(d, n, id + 16, id + 24)) == ID_NONE)
        return;
    ecu__id_put(out, d, n, "cal_id", dn, 6, 85, "Delphi Multec D-number after the ident record");
    if ((k = id_run(d, n, dn + 6, 6, id_alnum)) >= 5)
        ecu__id_put(out, d, n, "engine", dn + 6, k, 60, "Delphi Multec engine code after the D-number");
}

const struct family ecu__family_delphi_multec = {
    .info = {
        .name = "delphi-multec",
        .manufacturer = "Delphi",
        .description = "Delco/Delphi Multec diesel (Opel 1.7 DTI, 68k CPU32), 0x34000/0x40000 bytes; "
                       "identification only",
        .verifies = "nothing: no known checksum layout (verdict no-layout)",
        .corrects = "",
        .sources = "v-arapidis/openremap-core docs/manufacturers/delphi/multec.md, "
                   "delphi/multec/patterns.py",
    },
    .min_size = 0x1000,
    .max_size = 0x100000,
    .detect = multec_detect,
    .identify = multec_identify,
    .layout = NULL,
};

static void multec_s_identify(const uint8_t *d, size_t n, struct ecu__idsink *out)
{
    size_t b = 0x3000;
    int mirror = n >= 0x13040 && memcmp(d + 0x3000, d + 0x13000, 0x40) == 0;
    char src[128];
    if (n < 0x3040)
        return;
#define SRC(what) (snprintf(src, sizeof src, "Delphi Multec S ident block at 0x3000%s (%s)", \
                            mirror ? ", mirrored at 0x13000" : "", what), src)
    if (id_all(d, n, b + 0x09, 8, id_digit))
        ecu__id_put(out, d, n, "sw_number", b + 0x09, 8, mirror ? 90 : 80, SRC("software number"));
    if (id_all(d, n, b + 0x15, 8, id_digit))
        ecu__id_put(out, d, n, "part_number", b + 0x15, 8, mirror ? 90 : 80, SRC("GM part number"));
    if (id_all(d, n, b + 0x1E, 6, id_upper))
        ecu__id_put(out, d, n, "descriptor", b + 0x1E, 6, 70, SRC("broadcast code and variant"));
    if (d[b + 0x26] == 'D' && id_all(d, n, b + 0x27, 5, id_digit))
        ecu__id_put(out, d, n, "cal_id", b + 0x26, 6, mirror ? 85 : 75, SRC("D-number"));
    if (id_all(d, n, b + 0x2C, 4, id_alnum))
        ecu__id_put(out, d, n, "engine", b + 0x2C, 4 + id_run(d, n, b + 0x30, 2, id_alnum), 60, SRC("engine"));
#undef SRC
}

const struct family ecu__family_delphi_multec_s = {
    .info = {
        .name = "delphi-multec-s",
        .manufacturer = "Delphi",
        .description = "Delco/Delphi Multec S petrol (Opel, HC12), 128 KiB; identification only",
        .verifies = "nothing: no known checksum layout (verdict no-layout)",
        .corrects = "",
        .sources = "v-arapidis/openremap-core docs/manufacturers/delphi/multec_s.md, "
                   "delphi/multec_s/patterns.py",
    },
    .min_size = MS_IDENT + MS_IDENT_LEN,
    .max_size = 0x40000,
    .detect = multec_s_detect,
    .magics = {{0x2000, "\x00\x00\x7E", 3}},
    .identify = multec_s_identify,
    .layout = NULL,
};
