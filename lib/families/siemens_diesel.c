/* SPDX-License-Identifier: MIT */
/*
 * Siemens/Continental diesel ECUs: SID801/SID801A/SID803/SID803A (PSA HDi, Ford, JLR) and
 * PPD1.1/PPD1.2/PPD1.5 (VAG 2.0 TDI Pumpe-Duese): identified only. No public checksum
 * algorithm is known for them, so they have no layout (`layout` is NULL): a claimed image gets
 * the verdict no-layout ("no known checksum layout"), never ok, and ecu-csum --fix refuses it.
 *
 * Public sources (detection and identification facts only): v-arapidis/openremap-core
 * docs/manufacturers/siemens/internals.md (sections "PPD1.x", "SID 801 / SID 801A",
 * "SID 803 / SID 803A", "Cross-family disambiguation"), sid801.md, sid803.md, ppd.md and
 * openremap/core/manufacturers/siemens/ppd/extractor.py; the patterns of the same project read
 * in Pinelo92/openremap src/openremap/tuning/manufacturers/siemens/ppd/patterns.py,
 * sid801/patterns.py and sid803/patterns.py; the C167 trap/interrupt vector table (Infineon
 * C167CR User's Manual, "Interrupt and Trap Functions": trap number N, 00h-7Fh, has its vector
 * at N * 4, a 4-byte slot holding a jump to the handler, so 0x000-0x1FF); the PowerPC branch
 * instruction (primary opcode 18: b/ba/bl/bla; PowerPC Architecture Book I).
 *
 * The Siemens project block (documented for all three: "111SN" blocks "repeated 3x" in the PPD
 * ident record, "111PO" block markers in SID803, "111PM3" block markers in SID801): the
 * characters "111", the project code (SN + 11 characters, PO + 11, PM3 + 10: the documented
 * "111SN" example is 16 bytes), repeated three times back to back. Here a record is 16 bytes, "111" and 13
 * capital letters or digits, and a TRIPLE is three identical records in a row.
 *
 * siemens-ppd1 (PPD1.x; 244 KiB calibration reads, 256 KiB, 2 MiB full reads): the ident
 * record documented as
 *   <serial 6576 + 6 digits>--    <111SN triple>CASN<dataset>.DAT    <VAG part 03G906...>
 *   R4 <d.d>l PPD1.<d>
 * followed by the version string <4 digits>657628.<2 digits>.<2 digits>; in the first
 * 0x50000 bytes (the ident area of the 2 MiB reads is 0x40000). Claimed on an SN triple
 * (score 60): +10 for the calibration dataset "CASN<digit><3-4 capitals/digits>.DAT" right
 * after it, +5 for the serial right before it (16 bytes before the triple, "6576" + 6
 * digits), +15 for the full ident "03G906<3 digits><0-2 letters> R4 <d.d>l PPD1.<d>" after the
 * dataset (spaces between its fields), +5 for the version string within 0x40 bytes after the
 * ident. The triple that scores best is taken (a 2 MiB read has others, in the program
 * blocks). Without a triple, the full ident record alone claims with 55. No file-size gate
 * (openremap-core applies none).
 *
 * siemens-sid80x (SID801/801A: C167, 512 KiB; SID803/803A: PowerPC MPC55x, 448 KiB-2 MiB):
 * three kinds of structure, each of which claims:
 * - the C167 image (SID801): 512 KiB exactly, one of the two documented headers at 0
 *   (C0 F0 A0 14, "type A", the dark reads; FA 00 46 04, "type B"), and a vector table: the
 *   first 16-bit words of the 128 4-byte slots at 0x000-0x1FF are at most two values in 124 of
 *   them or more, neither FFFF (erased) nor 0000 (each slot a jump instruction). Score 60.
 * - a project triple of "111PM3" (SID801) or "111PO" (SID803) records. Score 60.
 * - the hardware ident record: "5WS4" + 4-5 digits + an optional capital + "-T", spaces, then
 *   9 digits (SID801) or 14-17 digits (SID803A), in the first 64 KiB. Score 55.
 * The best of them scores, +10 for each other one found; +5 for a calibration dataset
 * ("CAPM3" + 3-4 digits + ".DAT", "CAPO" + 4 digits), +5 for an S-record reference (S118,
 * S120, S122 or S220 + 6 or more digits), +5 for a PowerPC branch as the first word of an
 * image with a PO triple; at most 100.
 *
 * What tells them apart (internals.md, "Cross-family disambiguation"): PPD has SN blocks,
 * SID801 PM3, SID803 PO. Neither family claims an image with the other's markers (siemens-ppd1:
 * "111PO", "111PM3", "5WS4"; siemens-sid80x: "111SN", "PPD1."), nor one with Bosch strings
 * (EDC17, MED17, ME7., BOSCH, MOTRONIC; the exclusions of openremap-core's extractors).
 *
 * All searches are bounded to their region and linear, at most MAX_HITS occurrences of a
 * string are examined; every read is bounds-checked.
 */
#include "family.h"
#include "idformat.h"
#include "text.h"

#include <stdio.h>
#include <string.h>

#define MAX_HITS 64
#define REC 16 /* one project record: "111" and 13 capitals or digits */

#define NO_LAYOUT_VERIFIES "nothing: no known checksum layout (verdict no-layout)"

/* ---- shared structure ------------------------------------------------------------------------ */

/* Whether a triple of project records starting "111" + @p pfx lies at @p at. */
static int triple_at(const uint8_t *d, size_t n, size_t at, const char *pfx)
{
    size_t pl = strlen(pfx);
    if (!id_at(d, n, at, "111", 3) || !id_at(d, n, at + 3, pfx, pl) ||
        !id_all(d, n, at + 3, REC - 3, id_upnum) || at + 3 * REC > n)
        return 0;
    return memcmp(d + at, d + at + REC, REC) == 0 && memcmp(d + at, d + at + 2 * REC, REC) == 0;
}

/* The first triples of "111" + each of the @p nk prefixes @p pfx[] in the image, into @p out[]
   (ID_NONE where there is none): of each key's first MAX_HITS places, the first that holds a
   triple. The keys share their first @p common bytes ("111" and more), whose places are found
   once for all of them. */
static void find_triples(const uint8_t *d, size_t n, const char *const *pfx, size_t nk,
                         size_t common, size_t *out)
{
    char key[4][8];
    size_t at = 0, h, k, hits[4] = {0, 0, 0, 0}, open = nk;
    for (k = 0; k < nk; k++) {
        snprintf(key[k], sizeof key[k], "111%s", pfx[k]);
        out[k] = ID_NONE;
    }
    while (open && (h = id_find(d, n, at, n, key[0], common)) != ID_NONE) {
        at = h + 1;
        for (k = 0; k < nk; k++) {
            if (out[k] != ID_NONE || hits[k] == MAX_HITS ||
                !id_at(d, n, h, key[k], strlen(key[k])))
                continue;
            if (triple_at(d, n, h, pfx[k]))
                out[k] = h;
            if (out[k] != ID_NONE || ++hits[k] == MAX_HITS)
                open--;
        }
    }
}

/* The first of the NULL-terminated @p s found anywhere in the image, or NULL. */
static const char *any_of(const uint8_t *d, size_t n, const char *const *s)
{
    for (; *s; s++)
        if (id_find(d, n, 0, n, *s, strlen(*s)) != ID_NONE)
            return *s;
    return NULL;
}

/* Bosch strings (openremap-core: the exclusions of the PPD, SID801 and SID803 extractors) */
static const char *const bosch[] = {"EDC17", "MED17", "ME7.", "BOSCH", "MOTRONIC", NULL};

static int not_alnum_at(const uint8_t *d, size_t n, size_t at)
{
    return at >= n || !id_alnum(d[at]);
}

/* ---- siemens-ppd1 ------------------------------------------------------------------------------ */

#define PPD_AREA 0x50000 /* the ident area (openremap ppd/patterns.py SEARCH_REGIONS) */

struct ppd {
    size_t triple;             /* the SN triple, or ID_NONE */
    size_t serial;             /* "6576" + 6 digits, or ID_NONE */
    size_t dataset, dslen;     /* "CASN....DAT", or ID_NONE */
    size_t part, partlen;      /* the VAG part number of the full ident, or ID_NONE */
    size_t engine, englen;     /* "R4 2.0l" */
    size_t fam;                /* "PPD1.<d>" (6 bytes) */
    size_t version;            /* "<4 digits>657628.<2>.<2>" (16 bytes), or ID_NONE */
    unsigned score;
};

/* "CASN" + a digit + 3-4 capitals/digits + ".DAT" at @p at: its length, else 0. */
static size_t casn_at(const uint8_t *d, size_t n, size_t at)
{
    size_t k;
    if (!id_at(d, n, at, "CASN", 4) || !id_all(d, n, at + 4, 1, id_digit))
        return 0;
    k = id_run(d, n, at + 5, 4, id_upnum);
    if (k < 3 || !id_at(d, n, at + 5 + k, ".DAT", 4))
        return 0;
    return 9 + k;
}

/* The full ident "03G906<3 digits><0-2 capitals> R4 <d.d>l PPD1.<d>" with its part number at
   @p at: 1 with its fields in @p r. */
static int full_ident_at(const uint8_t *d, size_t n, size_t at, struct ppd *r)
{
    size_t len = ecu__vag_part_at(d, n, at), k, sp;
    if (len < 9 || len > 11 || !id_at(d, n, at, "03G906", 6))
        return 0;
    k = at + len;
    if ((sp = id_run(d, n, k, 8, id_blank)) == 0 || !id_at(d, n, k + sp, "R4", 2))
        return 0;
    r->engine = k + sp;
    k += sp + 2;
    if ((sp = id_run(d, n, k, 4, id_blank)) == 0)
        return 0;
    k += sp;
    /* d.dl */
    if (!id_all(d, n, k, 1, id_digit) || !id_at(d, n, k + 1, ".", 1) ||
        !id_all(d, n, k + 2, 1, id_digit) || !id_at(d, n, k + 3, "l", 1))
        return 0;
    r->englen = k + 4 - r->engine;
    k += 4;
    if ((sp = id_run(d, n, k, 8, id_blank)) == 0 || !id_at(d, n, k + sp, "PPD1.", 5) ||
        !id_all(d, n, k + sp + 5, 1, id_digit) || !not_alnum_at(d, n, k + sp + 6))
        return 0;
    r->part = at;
    r->partlen = len;
    r->fam = k + sp;
    return 1;
}

/* "<4 digits>657628.<2 digits>.<2 digits>" in [from, to): its offset, or ID_NONE. */
static size_t version_in(const uint8_t *d, size_t n, size_t from, size_t to)
{
    size_t at = from, h, hits = 0;
    while (hits++ < 4 && (h = id_find(d, n, at, to, "657628.", 7)) != ID_NONE) {
        at = h + 1;
        if (h >= from + 4 && id_all(d, n, h - 4, 4, id_digit) && id_all(d, n, h + 7, 2, id_digit) &&
            id_at(d, n, h + 9, ".", 1) && id_all(d, n, h + 10, 2, id_digit) &&
            not_alnum_at(d, n, h + 12))
            return h - 4;
    }
    return ID_NONE;
}

/* The ident record around the SN triple at @p t. */
static void ppd_parse(const uint8_t *d, size_t n, size_t t, struct ppd *r)
{
    size_t k, sp;
    memset(r, 0, sizeof *r);
    r->triple = t;
    r->serial = r->dataset = r->part = r->version = ID_NONE;
    r->score = 60;
    if (t >= REC && id_at(d, n, t - REC, "6576", 4) && id_all(d, n, t - REC + 4, 6, id_digit) &&
        id_at(d, n, t - REC + 10, "--", 2)) {
        r->serial = t - REC;
        r->score += 5;
    }
    k = t + 3 * REC;
    if ((r->dslen = casn_at(d, n, k)) == 0)
        return;
    r->dataset = k;
    r->score += 10;
    k += r->dslen;
    sp = id_run(d, n, k, 16, id_blank);
    if (!full_ident_at(d, n, k + sp, r))
        return;
    r->score += 15;
    k = r->fam + 6;
    if ((r->version = version_in(d, n, k, k + 0x40)) != ID_NONE)
        r->score += 5;
}

/* The best ident of the image: 1 with it in @p best, 0 when there is none. */
static int ppd_find(const uint8_t *d, size_t n, struct ppd *best)
{
    size_t at = 0, h, hits = 0, end = n < PPD_AREA ? n : PPD_AREA;
    int found = 0;
    while (hits++ < MAX_HITS && (h = id_find(d, n, at, end, "111SN", 5)) != ID_NONE) {
        struct ppd r;
        at = h + 1;
        if (!triple_at(d, n, h, "SN"))
            continue;
        ppd_parse(d, n, h, &r);
        if (!found || r.score > best->score)
            *best = r;
        found = 1;
        at = h + 3 * REC;
    }
    if (found)
        return 1;
    /* no triple: the full ident record alone */
    at = 0;
    hits = 0;
    while (hits++ < MAX_HITS && (h = id_find(d, n, at, end, "03G906", 6)) != ID_NONE) {
        struct ppd r;
        at = h + 1;
        memset(&r, 0, sizeof r);
        r.triple = r.serial = r.dataset = r.version = ID_NONE;
        if (full_ident_at(d, n, h, &r)) {
            r.score = 55;
            *best = r;
            return 1;
        }
    }
    return 0;
}

static const char *const ppd_foreign[] = {"111PO", "111PM3", "5WS4", NULL};

static unsigned ppd1_detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    struct ppd r;
    char rec[24] = "", ds[24] = "", ident[48] = "";
    if (!ppd_find(d, n, &r) || any_of(d, n, bosch) || any_of(d, n, ppd_foreign))
        return 0;
    if (r.part != ID_NONE)
        id_quote(d + r.part, r.fam + 6 - r.part, ident, sizeof ident);
    if (r.triple == ID_NONE) {
        snprintf(ev, evsz, "PPD ident '%s' at 0x%zX (no 111SN blocks), %zu KiB", ident, r.part,
                 n / 1024);
        return r.score;
    }
    id_quote(d + r.triple, REC, rec, sizeof rec);
    if (r.dataset != ID_NONE)
        id_quote(d + r.dataset, r.dslen, ds, sizeof ds);
    snprintf(ev, evsz, "3x '%s' at 0x%zX%s%s%s%s%s%s%s%s, %zu KiB", rec, r.triple,
             r.serial != ID_NONE ? ", serial before it" : "", ds[0] ? ", dataset '" : "", ds,
             ds[0] ? "'" : "", ident[0] ? ", ident '" : "", ident, ident[0] ? "'" : "",
             r.version != ID_NONE ? ", version" : "", n / 1024);
    return r.score;
}

static void ppd1_identify(const uint8_t *d, size_t n, struct ecu__idsink *out)
{
    struct ppd r;
    size_t at = 0, h, hits = 0, end = n < PPD_AREA ? n : PPD_AREA;
    if (!ppd_find(d, n, &r))
        return;
    if (r.part != ID_NONE) {
        ecu__id_put(out, d, n, "ecu_type", r.fam, 6, 90, "PPD ident record (PPD1.x)");
        ecu__id_put(out, d, n, "part_number", r.part, r.partlen, 85,
                    "PPD ident record (VAG part number)");
        ecu__id_put(out, d, n, "engine", r.engine, r.englen, 70,
                    "PPD ident record (cylinders, displacement)");
    }
    if (r.serial != ID_NONE)
        ecu__id_put(out, d, n, "sw_number", r.serial, 10, 70,
                    "PPD serial code before the 111SN blocks");
    if (r.dataset != ID_NONE)
        ecu__id_put(out, d, n, "cal_id", r.dataset, r.dslen, 80,
                    "PPD calibration dataset after the 111SN blocks");
    if (r.version != ID_NONE)
        ecu__id_put(out, d, n, "sw_version", r.version, 16, 60,
                    "PPD HW/SW version string after the ident record");
    if (r.triple != ID_NONE)
        ecu__id_put(out, d, n, "descriptor", r.triple + 3, REC - 3, 70,
                    "PPD project code (111SN block of the ident record)");
    /* the project codes of the other SN triples (the program blocks of a full read) */
    while (hits++ < MAX_HITS && (h = id_find(d, n, at, end, "111SN", 5)) != ID_NONE) {
        at = h + 1;
        if (h != r.triple && triple_at(d, n, h, "SN")) {
            ecu__id_put(out, d, n, "descriptor", h + 3, REC - 3, 50, "PPD project code (111SN block)");
            at = h + 3 * REC;
        }
    }
}

const struct family ecu__family_siemens_ppd1 = {
    .info = {
        .name = "siemens-ppd1",
        .manufacturer = "Siemens",
        .description = "PPD1.1/PPD1.2/PPD1.5 diesel (VAG 2.0 TDI PD), 244 KiB-2 MiB; "
                       "identification only",
        .verifies = NO_LAYOUT_VERIFIES,
        .corrects = "",
        .sources = "v-arapidis/openremap-core docs/manufacturers/siemens/internals.md, ppd.md, "
                   "siemens/ppd/extractor.py; Pinelo92/openremap siemens/ppd/patterns.py",
    },
    .min_size = 3 * REC,
    .max_size = 0x400000,
    .detect = ppd1_detect,
    .identify = ppd1_identify,
    .layout = NULL,
};

/* ---- siemens-sid80x ---------------------------------------------------------------------------- */

#define SID801_SIZE 0x80000u
#define SID_IDENT_AREA 0x10000u /* the 5WS4 ident record (openremap sid801/sid803 patterns.py) */

struct sid {
    int c167;                 /* the C167 image: header and vector table */
    size_t pm3, po;           /* triples of 111PM3 / 111PO records, or ID_NONE */
    size_t hw, hwlen;         /* "5WS4....-T", or ID_NONE */
    size_t serial, serlen;    /* the digits after it */
    size_t dataset, dslen;    /* "CAPM3...DAT" / "CAPO....", or ID_NONE */
    size_t srec, srlen;       /* S118/S120/S122/S220 reference, or ID_NONE */
    int ppc;                  /* a PowerPC branch at 0 */
    unsigned score;
};

static const uint8_t hdr_a[4] = {0xC0, 0xF0, 0xA0, 0x14};
static const uint8_t hdr_b[4] = {0xFA, 0x00, 0x46, 0x04};

/* The C167 vector table: the first words of the 128 slots at 0x000-0x1FF are at most two
   values in 124 slots or more, neither of them FFFF (erased) or 0000. */
static int vector_table(const uint8_t *d, size_t n)
{
    unsigned w[128], best1 = 0, best2 = 0;
    size_t i, j;
    if (n < 0x200)
        return 0;
    for (i = 0; i < 128; i++)
        w[i] = (unsigned)d[4 * i] << 8 | d[4 * i + 1];
    for (i = 0; i < 128; i++) {
        unsigned c = 0;
        int seen = 0;
        for (j = 0; j < i && !seen; j++)
            seen = w[j] == w[i];
        if (seen || w[i] == 0xFFFF || w[i] == 0x0000) /* erased or zeroed: not a jump */
            continue;
        for (j = i; j < 128; j++)
            c += w[j] == w[i];
        if (c > best1) {
            best2 = best1;
            best1 = c;
        } else if (c > best2) {
            best2 = c;
        }
    }
    return best1 + best2 >= 124;
}

/* The hardware ident record at @p at ("5WS4" ...): 1 with its fields. */
static int hw_ident_at(const uint8_t *d, size_t n, size_t at, struct sid *r)
{
    size_t k = at + 4, dg = id_run(d, n, at + 4, 6, id_digit), sp, run;
    if (!id_at(d, n, at, "5WS4", 4) || dg < 4 || dg > 5)
        return 0;
    k += dg;
    if (k < n && id_upper(d[k]))
        k++;
    if (!id_at(d, n, k, "-T", 2))
        return 0;
    k += 2;
    if ((sp = id_run(d, n, k, 16, id_blank)) == 0)
        return 0;
    run = id_run(d, n, k + sp, 18, id_digit);
    if (!(run == 9 || (run >= 14 && run <= 17)) || !not_alnum_at(d, n, k + sp + run))
        return 0;
    r->hw = at;
    r->hwlen = k - at;
    r->serial = k + sp;
    r->serlen = run;
    return 1;
}

/* A dataset "CAPM3" + 3-4 digits + ".DAT" or "CAPO" + 4 digits at @p at: its length, else 0. */
static size_t capx_at(const uint8_t *d, size_t n, size_t at)
{
    size_t k;
    if (id_at(d, n, at, "CAPM3", 5)) {
        k = id_run(d, n, at + 5, 5, id_digit);
        return (k == 3 || k == 4) && id_at(d, n, at + 5 + k, ".DAT", 4) ? 9 + k : 0;
    }
    if (id_at(d, n, at, "CAPO", 4) && id_all(d, n, at + 4, 4, id_digit))
        return 8;
    return 0;
}

/* An S-record reference (S118, S120, S122, S220 + 6 or more digits, then up to 2 capitals or
   digits) at @p at: its length, else 0. */
static size_t srec_at(const uint8_t *d, size_t n, size_t at)
{
    size_t k;
    if (!(id_at(d, n, at, "S118", 4) || id_at(d, n, at, "S120", 4) || id_at(d, n, at, "S122", 4) ||
          id_at(d, n, at, "S220", 4)))
        return 0;
    k = id_run(d, n, at + 4, 10, id_digit);
    if (k < 6)
        return 0;
    k += 4;
    k += id_run(d, n, at + k, 2, id_upnum);
    return not_alnum_at(d, n, at + k) ? k : 0;
}

/* The first of @p key in [from, to) at which @p parse finds something: its offset and length. */
static size_t first_parsed(const uint8_t *d, size_t n, size_t from, size_t to, const char *key,
                           size_t (*parse)(const uint8_t *, size_t, size_t), size_t *len)
{
    size_t at = from, h, hits = 0;
    while (hits++ < MAX_HITS && (h = id_find(d, n, at, to, key, strlen(key))) != ID_NONE) {
        if ((*len = parse(d, n, h)) != 0)
            return h;
        at = h + 1;
    }
    return ID_NONE;
}

static void sid_find(const uint8_t *d, size_t n, struct sid *r)
{
    static const char *const srecs[] = {"S118", "S120", "S122", "S220"};
    size_t at = 0, h, hits = 0, i, l = 0, paths;
    unsigned base;
    memset(r, 0, sizeof *r);
    r->hw = r->dataset = r->srec = ID_NONE;
    r->c167 = n == SID801_SIZE && (id_at(d, n, 0, hdr_a, 4) || id_at(d, n, 0, hdr_b, 4)) &&
              vector_table(d, n);
    {
        static const char *const pfx[2] = {"PM3", "PO"};
        size_t t[2];
        find_triples(d, n, pfx, 2, 4, t); /* both keys start "111P" */
        r->pm3 = t[0];
        r->po = t[1];
    }
    while (hits++ < MAX_HITS && (h = id_find(d, n, at, SID_IDENT_AREA, "5WS4", 4)) != ID_NONE) {
        if (hw_ident_at(d, n, h, r))
            break;
        at = h + 1;
    }
    paths = (size_t)(r->c167 != 0) + (r->pm3 != ID_NONE || r->po != ID_NONE) + (r->hw != ID_NONE);
    if (!paths)
        return;
    base = r->c167 || r->pm3 != ID_NONE || r->po != ID_NONE ? 60 : 55;
    r->score = base + 10 * (unsigned)(paths - 1);
    if ((r->dataset = first_parsed(d, n, 0, n, "CAPM3", capx_at, &r->dslen)) == ID_NONE)
        r->dataset = first_parsed(d, n, 0, n, "CAPO", capx_at, &r->dslen);
    if (r->dataset != ID_NONE)
        r->score += 5;
    for (i = 0; i < 4 && r->srec == ID_NONE; i++)
        if ((r->srec = first_parsed(d, n, 0, n, srecs[i], srec_at, &l)) != ID_NONE)
            r->srlen = l;
    if (r->srec != ID_NONE)
        r->score += 5;
    /* primary opcode 18 (b, ba, bl, bla) in the first big-endian word */
    r->ppc = n >= 4 && (d[0] >> 2) == 18;
    if (r->ppc && r->po != ID_NONE)
        r->score += 5;
    if (r->score > 100)
        r->score = 100;
}

static const char *const sid_foreign[] = {"111SN", "PPD1.", NULL};

static unsigned sid80x_detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    struct sid r;
    char q[24], hw[24] = "";
    size_t len = 0;
    sid_find(d, n, &r);
    if (!r.score || any_of(d, n, bosch) || any_of(d, n, sid_foreign))
        return 0;
    if (r.hw != ID_NONE)
        id_quote(d + r.hw, r.hwlen, hw, sizeof hw);
    if (r.c167)
        len += (size_t)snprintf(ev + len, evsz - len, "C167 header %02X%02X%02X%02X and vector "
                                "table", d[0], d[1], d[2], d[3]);
    if (len < evsz && (r.pm3 != ID_NONE || r.po != ID_NONE)) {
        size_t t = r.pm3 != ID_NONE ? r.pm3 : r.po;
        id_quote(d + t, REC, q, sizeof q);
        len += (size_t)snprintf(ev + len, evsz - len, "%s3x '%s' at 0x%zX", len ? ", " : "", q, t);
    }
    if (len < evsz && r.hw != ID_NONE)
        len += (size_t)snprintf(ev + len, evsz - len, "%sident '%s' at 0x%zX", len ? ", " : "", hw,
                                r.hw);
    if (len < evsz)
        snprintf(ev + len, evsz - len, "%s%s, %zu KiB", r.ppc && r.po != ID_NONE ?
                 ", PowerPC branch at 0" : "", r.dataset != ID_NONE ? ", dataset" : "", n / 1024);
    return r.score;
}

static void sid80x_identify(const uint8_t *d, size_t n, struct ecu__idsink *out)
{
    static const char *const fams[] = {"SID803A", "SID801A", "SID803", "SID801"};
    struct sid r;
    size_t i, at, h;
    int named = 0;
    sid_find(d, n, &r);
    if (!r.score)
        return;
    if (r.hw != ID_NONE) {
        ecu__id_put(out, d, n, "hw_number", r.hw, r.hwlen, 85, "SID ident record (5WS4 number)");
        ecu__id_put(out, d, n, "sw_number", r.serial, r.serlen, 60,
                    "SID ident record (serial after the 5WS4 number)");
    }
    if (r.pm3 != ID_NONE)
        ecu__id_put(out, d, n, "descriptor", r.pm3 + 3, REC - 3, 70, "SID801 project code (111PM3 block)");
    if (r.po != ID_NONE)
        ecu__id_put(out, d, n, "descriptor", r.po + 3, REC - 3, 70, "SID803 project code (111PO block)");
    if (r.dataset != ID_NONE)
        ecu__id_put(out, d, n, "cal_id", r.dataset, r.dslen, 70, "SID calibration dataset");
    if (r.srec != ID_NONE)
        ecu__id_put(out, d, n, "sw_version", r.srec, r.srlen, 50, "SID S-record reference");
    /* FOIX reference: "FOIXS" + 10-14 digits (+ up to 4 capitals or digits) */
    if ((h = id_find(d, n, 0, n < SID_IDENT_AREA ? n : SID_IDENT_AREA, "FOIXS", 5)) != ID_NONE) {
        size_t k = id_run(d, n, h + 5, 14, id_digit);
        if (k >= 10) {
            k += 5 + id_run(d, n, h + 5 + k, 4, id_upnum);
            ecu__id_put(out, d, n, "descriptor", h, k, 50, "SID803 FOIX reference");
        }
    }
    /* the family: named in the image, else from the structure */
    for (i = 0; i < 4 && !named; i++) {
        size_t l = strlen(fams[i]), hits = 0;
        at = 0;
        while (!named && hits++ < MAX_HITS && (h = id_find(d, n, at, n, fams[i], l)) != ID_NONE) {
            at = h + 1;
            if (not_alnum_at(d, n, h + l)) {
                ecu__id_put(out, d, n, "ecu_type", h, l, 80, "SID family string");
                named = 1;
            }
        }
    }
    if (!named) {
        if (r.c167 || r.pm3 != ID_NONE)
            ecu__id_text(out, "ecu_type", "SID801", ECU_ID_NO_OFFSET, 50,
                         r.c167 ? "SID801 C167 image (header and vector table)"
                                : "SID801 project (111PM3 blocks)");
        else if (r.po != ID_NONE)
            ecu__id_text(out, "ecu_type", n == 0x200000 ? "SID803A" : "SID803", ECU_ID_NO_OFFSET,
                         50, n == 0x200000 ? "SID803 project (111PO blocks), 2 MiB: SID803A"
                                           : "SID803 project (111PO blocks)");
    }
}

const struct family ecu__family_siemens_sid80x = {
    .info = {
        .name = "siemens-sid80x",
        .manufacturer = "Siemens",
        .description = "SID801/SID801A (C167, 512 KiB) and SID803/SID803A (PowerPC, 448 KiB-2 MiB) "
                       "diesel (PSA HDi, Ford); identification only",
        .verifies = NO_LAYOUT_VERIFIES,
        .corrects = "",
        .sources = "v-arapidis/openremap-core docs/manufacturers/siemens/internals.md, sid801.md, "
                   "sid803.md; Pinelo92/openremap siemens/sid801/patterns.py, "
                   "siemens/sid803/patterns.py; Infineon C167CR User's Manual (vector table)",
    },
    .min_size = 3 * REC,
    .max_size = 0x400000,
    .detect = sid80x_detect,
    .identify = sid80x_identify,
    .layout = NULL,
};
