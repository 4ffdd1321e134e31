/* SPDX-License-Identifier: MIT */
/*
 * Magneti Marelli IAW 1AP, IAW 1AV, IAW 4LV and MJD 6JF: identified only. No public checksum
 * algorithm is known for them, so they have no layout (`layout` is NULL): a claimed image gets
 * the verdict no-layout ("no known checksum layout"), never ok, and ecu-csum --fix refuses it.
 *
 * Public sources (detection facts only): v-arapidis/openremap-core
 * docs/manufacturers/marelli/iaw_1ap.md, iaw_1av.md, iaw_4lv.md, mjd6jf.md; the same
 * project's marelli/iaw_1ap/patterns.py, marelli/iaw_1av/patterns.py,
 * marelli/iaw_4lv/patterns.py and marelli/mjd6jf/patterns.py (read in Pinelo92/openremap
 * src/openremap/tuning/manufacturers/marelli/).
 *
 * marelli-iaw-1ap (PSA single point, ST6; 64 KiB): the first 16 bytes erased (0xFF); the only
 * text is the family tag "1ap" at 0x5F8D (searched in 0x5F80-0x5F9F); the sync marker
 * AA 55 CC 33 at 0x4810, the 4 bytes after it a calibration fingerprint; no "MARELLI" and no
 * "iaw1av" string (that is what tells it from IAW 1AV). Claimed on the tag, the erased start
 * and the marker (score 80 at 0x4810, 70 elsewhere), +5 for 64 KiB.
 *
 * marelli-iaw-1av (VAG single point; 64 KiB): the ident record in 0x3D00-0x3DFF, a VAG part
 * number (9 digits and 1-2 letters), "MARELLI", "1AV" and a version, separated by spaces
 * ("032906030AG MARELLI 1AV        F012"); the lowercase tag "iaw1av" (documented near
 * 0x4431); AA 55 CC 33 at 0xFFA0. Claimed on "MARELLI" + "1AV" in the ident window (score
 * 70; the same record elsewhere in the image: 60, a weaker rule), +10 with the part number,
 * +5 each for "iaw1av", the marker at 0xFFA0 and 64 KiB.
 *
 * marelli-iaw-4lv (VAG multipoint, 68332/68336; 512 KiB): starts 0E 00 E6 83; its strings are
 * stored with the bytes of each 16-bit word swapped ("AMERLL I" is "MARELLI "): the boot
 * ident "MARELLI Boot4LV r1" near 0x3F6A and the main ident "036906099ZZ  MARELLI 4LV ... 3335"
 * (documented near 0x51458; found elsewhere in real dumps, so the whole image is searched for
 * the swapped form); 55 AA 33 CC markers in the last 256 bytes. Claimed on the header and a
 * swapped ident that names 4LV (score 75); +5 each for both idents, the part number, the
 * footer marker and 512 KiB. The same container naming another family (4MV) is not claimed.
 *
 * marelli-mjd-6jf (GM/Opel 1.3 CDTI, PowerPC; 0x70000 or 0x71000 bytes): the identity block
 * at 0x60000-0x60FFF between AA 55 CC 33 markers, with the Marelli part number
 * "MAG" + 1-3 spaces + 8-20 characters ("MAG  01246JO01D"), and the family tag "6JF" in
 * 0x60000-0x70FFF; no "IAW"/"iaw" there. Claimed on the marker, the MAG number and the tag
 * (score 80); +5 for a second marker in the block and +5 for a documented size.
 *
 * Images holding Bosch or Siemens strings (BOSCH, MOTRONIC, SIMOS, 5WK9) are not claimed. All
 * searches are bounded to their region and linear; every read is bounds-checked.
 */
#include "idformat.h"
#include "family.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t sync_aa55[4] = {0xAA, 0x55, 0xCC, 0x33};
static const uint8_t sync_55aa[4] = {0x55, 0xAA, 0x33, 0xCC};

#define MAX_HITS 64 /* occurrences of a search string examined per image */

/* ---- an ident record "<part number> MARELLI <family> <version>" ------------------------------- */

struct ident {
    size_t start, end; /* of the record, in the text */
    int pn;            /* a VAG part number with 1-3 letters (ecu__vag_part) precedes "MARELLI" */
};

/*
 * In the text @p t (@p n bytes), "MARELLI" at @p m: whether spaces and @p fam (3 bytes) follow
 * it; then the record's extent, with the part number before it and the version after it when
 * they are there.
 */
static int parse_ident(const uint8_t *t, size_t n, size_t m, const char *fam, struct ident *r)
{
    size_t k = m + 7, j, letters, end;
    if (!id_at(t, n, m, "MARELLI", 7) || k >= n || !id_space(t[k]))
        return 0;
    for (j = 0; k < n && id_space(t[k]) && j < 16; k++, j++)
        ;
    if (!id_at(t, n, k, fam, 3))
        return 0;
    end = k + 3;
    /* the version: after spaces, 3 to 8 letters and digits */
    for (k = end, j = 0; k < n && id_space(t[k]) && j < 16; k++, j++)
        ;
    if (k > end) {
        size_t v = k;
        while (k < n && k - v < 8 && id_alnum(t[k]))
            k++;
        if (k - v >= 3)
            end = k;
    }
    r->start = m;
    r->end = end;
    r->pn = 0;
    /* the part number: spaces, then a VAG part number that ends in 1-3 capital letters */
    for (k = m, j = 0; k > 0 && id_space(t[k - 1]) && j < 4; k--, j++)
        ;
    if (k == m)
        return 1;
    for (letters = 0; k > 0 && letters < 3 && id_upper(t[k - 1]); k--, letters++)
        ;
    if (letters && k >= 9 && ecu__vag_part_at(t, n, k - 9) == 9 + letters) {
        r->start = k - 9;
        r->pn = 1;
    }
    return 1;
}

/* ---- marelli-iaw-1ap ------------------------------------------------------------------------- */

static unsigned iaw1ap_detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    size_t tag, sync;
    unsigned score;
    if ((tag = id_find(d, n, 0x5F80, 0x5FA0, "1ap", 3)) == ID_NONE || !id_fill(d, n, 0, 16, 0xFF))
        return 0;
    if (id_at(d, n, 0x4810, sync_aa55, 4)) {
        sync = 0x4810;
        score = 80;
    } else if ((sync = id_find(d, n, 0, n, sync_aa55, 4)) != ID_NONE) {
        score = 70;
    } else {
        return 0;
    }
    if (id_find(d, n, 0, n, "MARELLI", 7) != ID_NONE || id_find(d, n, 0, n, "iaw1av", 6) != ID_NONE ||
        id_foreign(d, n))
        return 0;
    if (n == 0x10000)
        score += 5;
    if (sync + 8 <= n)
        snprintf(ev, evsz, "family tag '1ap' at 0x%zX, AA55CC33 at 0x%zX (cal %02X%02X%02X%02X), "
                 "erased start, no MARELLI string, %zu KiB", tag, sync, d[sync + 4], d[sync + 5],
                 d[sync + 6], d[sync + 7], n / 1024);
    else
        snprintf(ev, evsz, "family tag '1ap' at 0x%zX, AA55CC33 at 0x%zX, erased start, "
                 "no MARELLI string, %zu KiB", tag, sync, n / 1024);
    return score;
}

/* ---- marelli-iaw-1av ------------------------------------------------------------------------- */

/* The first "MARELLI ... 1AV" record with its "MARELLI" in [from, to); 0 when none. */
static int find_1av(const uint8_t *d, size_t n, size_t from, size_t to, struct ident *r)
{
    size_t at = from, m, hits = 0;
    while (hits++ < MAX_HITS && (m = id_find(d, n, at, to + 7, "MARELLI", 7)) != ID_NONE) {
        if (m >= to)
            break;
        if (parse_ident(d, n, m, "1AV", r))
            return 1;
        at = m + 1;
    }
    return 0;
}

static unsigned iaw1av_detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    struct ident r;
    char quote[52], extra[64] = "";
    size_t tag;
    unsigned score;
    if (find_1av(d, n, 0x3D00, 0x3E00, &r))
        score = 70;
    else if (find_1av(d, n, 0, n, &r))
        score = 60; /* the record outside its documented window */
    else
        return 0;
    if (id_foreign(d, n))
        return 0;
    if (r.pn)
        score += 10;
    if ((tag = id_find(d, n, 0, n, "iaw1av", 6)) != ID_NONE) {
        score += 5;
        snprintf(extra, sizeof extra, ", iaw1av at 0x%zX", tag);
    }
    if (id_at(d, n, 0xFFA0, sync_aa55, 4)) {
        score += 5;
        snprintf(extra + strlen(extra), sizeof extra - strlen(extra), ", AA55CC33 at 0xFFA0");
    }
    if (n == 0x10000)
        score += 5;
    id_quote(d + r.start, r.end - r.start, quote, sizeof quote);
    snprintf(ev, evsz, "ident '%s' at 0x%zX%s, %zu KiB", quote, r.start, extra, n / 1024);
    return score;
}

/* ---- marelli-iaw-4lv ------------------------------------------------------------------------- */

#define SW_BEFORE 16 /* bytes unswapped before "MARELLI" (the part number) */
#define SW_LEN 64

/* The swapped text around @p h (where "AMERLL I" lies) with the bytes of each word put back:
   u[SW_BEFORE] is the 'M' of "MARELLI"; returns how many bytes of u are valid. */
static size_t unswap(const uint8_t *d, size_t n, size_t h, uint8_t u[SW_LEN], size_t *mpos)
{
    size_t base = h >= SW_BEFORE ? h - SW_BEFORE : (h & 1), i, len = 0;
    for (i = 0; i < SW_LEN; i++) {
        size_t src = base + (i ^ 1);
        if (src >= n)
            break;
        u[i] = d[src];
        len = i + 1;
    }
    /* an odd tail: the last byte's partner lies beyond the image */
    *mpos = h - base;
    return len;
}

static unsigned iaw4lv_detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    static const uint8_t head[4] = {0x0E, 0x00, 0xE6, 0x83};
    size_t at = 0, h, hits = 0, main_at = ID_NONE, boot_at = ID_NONE;
    char main_q[52] = "", boot_q[24] = "";
    int pn = 0, footer;
    unsigned score = 75;
    if (!id_at(d, n, 0, head, 4))
        return 0;
    while (hits++ < MAX_HITS && (main_at == ID_NONE || boot_at == ID_NONE) &&
           (h = id_find(d, n, at, n, "AMERLL I", 8)) != ID_NONE) {
        uint8_t u[SW_LEN];
        size_t m, len = unswap(d, n, h, u, &m);
        struct ident r;
        at = h + 1;
        if (boot_at == ID_NONE && id_at(u, len, m + 8, "Boot4LV", 7)) {
            size_t e = m + 15;
            /* " r1": the revision, one digit */
            if (e + 2 < len && id_space(u[e]) && u[e + 1] == 'r' && id_digit(u[e + 2]))
                e += 3;
            boot_at = h;
            id_quote(u + m, e - m, boot_q, sizeof boot_q);
        } else if (main_at == ID_NONE && parse_ident(u, len, m, "4LV", &r)) {
            main_at = h - m + (r.start & ~(size_t)1); /* the word holding its first byte */
            pn = r.pn;
            id_quote(u + r.start, r.end - r.start, main_q, sizeof main_q);
        }
    }
    if (main_at == ID_NONE && boot_at == ID_NONE)
        return 0;
    if (id_foreign(d, n))
        return 0;
    footer = id_find(d, n, n > 256 ? n - 256 : 0, n, sync_55aa, 4) != ID_NONE;
    score += 5 * (unsigned)(main_at != ID_NONE && boot_at != ID_NONE) + 5 * (unsigned)pn +
             5 * (unsigned)footer + 5 * (unsigned)(n == 0x80000);
    if (main_at != ID_NONE)
        snprintf(ev, evsz, "0E00E683, byte-swapped ident '%s' at 0x%zX%s%s%s%s, %zu KiB", main_q,
                 main_at, boot_at != ID_NONE ? ", '" : "", boot_q, boot_at != ID_NONE ? "'" : "",
                 footer ? ", 55AA33CC footer" : "", n / 1024);
    else
        snprintf(ev, evsz, "0E00E683, byte-swapped boot ident '%s' at 0x%zX, no main ident%s, "
                 "%zu KiB", boot_q, boot_at, footer ? ", 55AA33CC footer" : "", n / 1024);
    return score;
}

/* ---- marelli-mjd-6jf ------------------------------------------------------------------------- */

#define MJD_ID 0x60000u
#define MJD_ID_END 0x61000u
#define MJD_CAL_END 0x71000u

static int mag_char(uint8_t c) { return id_alnum(c) || c == '_'; }

/*
 * The MJD part number in the identity block (0x60000-0x60FFF): "MAG", 1-3 spaces, then 8 to 20
 * letters, digits or '_' (the first 20 of a longer run); the first of at most MAX_HITS "MAG"
 * that is one. 1 with the offsets of "MAG" (@p mag), of the number (@p v) and of its end
 * (@p end); 0 when there is none (openremap-core marelli/mjd6jf/patterns.py).
 */
static int mag_number(const uint8_t *d, size_t n, size_t *mag, size_t *v, size_t *end)
{
    size_t at = MJD_ID, m, hits = 0, sp, len;
    while (hits++ < MAX_HITS && (m = id_find(d, n, at, MJD_ID_END, "MAG", 3)) != ID_NONE) {
        at = m + 1;
        sp = id_run(d, n, m + 3, 3, id_blank);
        if (!sp)
            continue;
        len = id_run(d, n, m + 3 + sp, 20, mag_char);
        if (len >= 8) {
            *mag = m;
            *v = m + 3 + sp;
            *end = *v + len;
            return 1;
        }
    }
    return 0;
}

static unsigned mjd6jf_detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    size_t sync, mag, v, magend, fam;
    char quote[32];
    unsigned score = 80;
    if ((sync = id_find(d, n, MJD_ID, MJD_ID_END, sync_aa55, 4)) == ID_NONE)
        return 0;
    if (!mag_number(d, n, &mag, &v, &magend))
        return 0;
    if ((fam = id_find(d, n, MJD_ID, MJD_CAL_END, "6JF", 3)) == ID_NONE)
        return 0;
    if (id_find(d, n, MJD_ID, MJD_CAL_END, "IAW", 3) != ID_NONE ||
        id_find(d, n, MJD_ID, MJD_CAL_END, "iaw", 3) != ID_NONE || id_foreign(d, n))
        return 0;
    if (id_find(d, n, sync + 4, MJD_ID_END, sync_aa55, 4) != ID_NONE)
        score += 5;
    if (n == 0x70000 || n == 0x71000)
        score += 5;
    id_quote(d + mag, magend - mag, quote, sizeof quote);
    snprintf(ev, evsz, "AA55CC33 at 0x%zX, '%s' at 0x%zX, '6JF' at 0x%zX, %zu KiB", sync, quote,
             mag, fam, n / 1024);
    return score;
}

/* ---- the descriptors ------------------------------------------------------------------------- */

#define NO_LAYOUT_VERIFIES "nothing: no known checksum layout (verdict no-layout)"

/* ---- identification ------------------------------------------------------------------------ */

/*
 * The labels "<VAG part number> MARELLI <family> <tokens>" of the searched bytes: part
 * number, family (ecu_type) and the last token of 4 characters (software version); a VAG
 * part number among the tokens is a second part number candidate. @p how names the bytes.
 */
static void marelli_labels(const uint8_t *d, size_t n, struct ecu__idsink *out, const char *how)
{
    size_t at = 0, hits = 0;
    char src[96];
    while (hits < ID_MAX_HITS && (at = id_find(d, n, at, n, "MARELLI ", 8)) != ID_NONE) {
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
            if ((plen = ecu__vag_part_at(d, n, p)) == k)
                break;
        }
        if (k < 9)
            continue;
        fam = m + 8;
        k = id_run(d, n, fam, 4, id_alnum);
        if (k < 2 || (fam + k < n && d[fam + k] != ' '))
            continue;
        snprintf(src, sizeof src, "Marelli ident label%s", how);
        ecu__id_put(out, d, n, "part_number", p, plen, 85, src);
        ecu__id_put(out, d, n, "ecu_type", fam, k, 80, src);
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
            if (ecu__vag_part_at(d, n, e) == t)
                ecu__id_put(out, d, n, "part_number", e, t, 60, src);
            last = e;
            lastlen = t;
            e += t;
        }
        if (lastlen == 4)
            ecu__id_put(out, d, n, "sw_version", last, 4, 80, src);
    }
}

/* The plain Marelli ident labels: IAW 1AV, and the Marelli ECUs without a family (4HV, 4MV...)
   that no family claims. */
static void labels_identify(const uint8_t *d, size_t n, struct ecu__idsink *out)
{
    marelli_labels(d, n, out, "");
}

static void iaw1ap_identify(const uint8_t *d, size_t n, struct ecu__idsink *out)
{
    char v[9];
    if (!id_at(d, n, 0x4810, sync_aa55, 4) || n < 0x4818)
        return;
    snprintf(v, sizeof v, "%02X%02X%02X%02X", d[0x4814], d[0x4815], d[0x4816],
             d[0x4817]);
    ecu__id_text(out, "cal_id", v, 0x4814, 50,
             "IAW 1AP calibration fingerprint after AA 55 CC 33 at 0x4810 (hex)");
    labels_identify(d, n, out);
}

const struct family ecu__family_marelli_iaw_1ap = {
    .info = {
        .name = "marelli-iaw-1ap",
        .manufacturer = "Magneti Marelli",
        .description = "IAW 1AP single point petrol (PSA, ST6), 64 KiB; identification only",
        .verifies = NO_LAYOUT_VERIFIES,
        .corrects = "",
        .sources = "v-arapidis/openremap-core docs/manufacturers/marelli/iaw_1ap.md, "
                   "marelli/iaw_1ap/patterns.py",
    },
    .min_size = 0x5FA0,
    .max_size = 0x40000,
    .detect = iaw1ap_detect,
    .magics = {{0, "\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF", 16}},
    .identify_unclaimed = labels_identify,
    .identify = iaw1ap_identify,
    .layout = NULL,
};

const struct family ecu__family_marelli_iaw_1av = {
    .info = {
        .name = "marelli-iaw-1av",
        .manufacturer = "Magneti Marelli",
        .description = "IAW 1AV single point petrol (VAG), 64 KiB; identification only",
        .verifies = NO_LAYOUT_VERIFIES,
        .corrects = "",
        .sources = "v-arapidis/openremap-core docs/manufacturers/marelli/iaw_1av.md, "
                   "marelli/iaw_1av/patterns.py",
    },
    .min_size = 0x100,
    .max_size = 0x40000,
    .detect = iaw1av_detect,
    .identify_unclaimed = labels_identify,
    .identify = labels_identify,
    .layout = NULL,
};

/* The labels of the image with the bytes of each 16-bit word swapped (IAW 4LV stores its
   strings so), then the plain ones. */
static void iaw4lv_identify(const uint8_t *d, size_t n, struct ecu__idsink *out)
{
    uint8_t *s;
    size_t i, m = n & ~(size_t)1;
    if (m >= 2 && m <= (size_t)8 * 1024 * 1024 && (s = malloc(m)) != NULL) {
        for (i = 0; i < m; i += 2) {
            s[i] = d[i + 1];
            s[i + 1] = d[i];
        }
        marelli_labels(s, m, out, " (16-bit words byte-swapped; offset in the swapped image)");
        free(s);
    }
    labels_identify(d, n, out);
}

const struct family ecu__family_marelli_iaw_4lv = {
    .info = {
        .name = "marelli-iaw-4lv",
        .manufacturer = "Magneti Marelli",
        .description = "IAW 4LV multipoint petrol (VAG, 68332/68336, byte-swapped strings), "
                       "512 KiB; identification only",
        .verifies = NO_LAYOUT_VERIFIES,
        .corrects = "",
        .sources = "v-arapidis/openremap-core docs/manufacturers/marelli/iaw_4lv.md, "
                   "marelli/iaw_4lv/patterns.py",
    },
    .min_size = 0x100,
    .max_size = 0x200000,
    .detect = iaw4lv_detect,
    .magics = {{0, "\x0E\x00\xE6\x83", 4}},
    .identify_unclaimed = labels_identify,
    .identify = iaw4lv_identify,
    .layout = NULL,
};

static void mjd6jf_identify(const uint8_t *d, size_t n, struct ecu__idsink *out)
{
    size_t mag, v, end, at, k;
    if (mag_number(d, n, &mag, &v, &end))
        ecu__id_put(out, d, n, "part_number", v, end - v, 80, "Marelli MJD part number (MAG ...)");
    at = id_find(d, n, MJD_ID, MJD_CAL_END, "6JF", 3);
    if (at != ID_NONE && (k = id_run(d, n, at, 32, id_print)) >= 6)
        ecu__id_put(out, d, n, "descriptor", at, k, 60, "Marelli MJD family tag 6JF");
    labels_identify(d, n, out);
}

const struct family ecu__family_marelli_mjd_6jf = {
    .info = {
        .name = "marelli-mjd-6jf",
        .manufacturer = "Magneti Marelli",
        .description = "MJD 6JF diesel (GM/Opel 1.3 CDTI, PowerPC), 0x70000/0x71000 bytes; "
                       "identification only",
        .verifies = NO_LAYOUT_VERIFIES,
        .corrects = "",
        .sources = "v-arapidis/openremap-core docs/manufacturers/marelli/mjd6jf.md, "
                   "marelli/mjd6jf/patterns.py",
    },
    .min_size = MJD_ID_END,
    .max_size = 0x200000,
    .detect = mjd6jf_detect,
    .identify_unclaimed = labels_identify,
    .identify = mjd6jf_identify,
    .layout = NULL,
};
