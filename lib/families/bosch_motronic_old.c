/* SPDX-License-Identifier: MIT */
/*
 * Older Bosch Motronic (8051-family CPUs, 32 to 256 KiB): byte sums kept to 16 bits and stored
 * big-endian. One descriptor per layout; each is claimed only on identification that does not
 * depend on its checksum (a Bosch number, a DAMOS tag, code bytes), never on the size alone.
 *
 * Public sources:
 * - matiss/motronic-checksum bmw_checksum.go, bmw_validate.go, util.go (BMW DME 173 and the
 *   per-version ranges of DME 402/403/404/405/413/484, with the bytes that identify each);
 * - dimecho/E30-BMW-Motronics-ECU-Checksum E30_M20_DME173_CRC.cs,
 *   Motronic_Checksum_Calculator.cs (M1.3, DME 173: the same sum);
 * - mattiasclaesson/motronicsuite MotronicSuite/M43File.cs, MotronicSuite/M44File.cs (Volvo
 *   M4.3 and M4.4: sums, slots, identification);
 * - nyetwurk/IronFelix source/me3x_dll/module2.cpp (M3.x-M5.x: the header at 0xBF00).
 *
 * Layouts (all sums: bytes added, kept to 16 bits, stored BE16; "[a, b]" is inclusive):
 * - bosch-m1x-bmw, 32 KiB (BMW M1.x: DME 0261200157/173/950/990, 0261203590): 0xB51F plus the
 *   bytes of [0x0000, 0x1EFF] and [0x2000, 0x7FFF], at 0x1F00. The page 0x1F00-0x1FFF holds
 *   the slot and then the hardware and software numbers with their digits reversed (at 0x1F02:
 *   "7777021620" is 0261207777). Claimed when that reversed 0261 number is there and either it
 *   is one of the numbers above or the code bytes 03 9F 23 01 sit at 0x1EFC (both DME 173 and
 *   DME 590 images have them in matiss's identification).
 * - bosch-dme-bmw, 32/64 KiB (BMW DME 402, 403, 404, 405, 413 and 0261203484): one sum over a
 *   range that depends on the software version, stored right after the range. A version is
 *   known by the size, the three bytes at the range start and the four before the slot (as
 *   matiss identifies them); it is claimed only when the image also holds its hardware number
 *   with the digits reversed, as these ECUs store their idents.
 * - bosch-m43-volvo, 64 KiB: [0x0000, 0xFEFF] at 0xFF00. Identified by its DAMOS tag
 *   ("44/1/M4.3/...") or by motronicsuite's ident marker "ZSMFC" with a 0261 hardware number
 *   40 bytes further.
 * - bosch-m44-volvo, 128 KiB: [0x0000, 0xFEFF] at 0xFF00 and [0x10000, 0x1FEFF] at 0x1FF00.
 *   Identified by its DAMOS tag ("/1/M4.4/") or by motronicsuite's ident marker
 *   12 13 14 15 16 17 18 0A 08 09 with a 0261 hardware number right after it.
 * - bosch-m3x-m5x, 128/256 KiB (VAG M3.8.x / M5.9): a header at 0xBF00 of three BE16 words,
 *   the ident text following at 0xBF06. 0xBF04: the sum of [S, 0xBEFF], where S is the first
 *   0x80-aligned offset from 0x4000 whose LE16 value equals the offset itself; 0xBF00: the
 *   16-bit sum of the words at 0xBF02 and 0xBF04 (what IronFelix writes there). IronFelix's
 *   variant with the header at 0xDF00 reads its words inconsistently and is not implemented.
 *   Claimed on a DAMOS tag "NN/1/M3." or "NN/1/M5." (or "MOTRONIC M") in the ident at
 *   0xBF06-0xBF7F, with S found.
 */
#include "family.h"
#include "find.h"
#include "read.h"
#include "text.h"
#include "idformat.h"
#include "idsink.h"

#include <stdio.h>
#include <string.h>

/* ---- shared helpers ------------------------------------------------------------------------ */

/* A DAMOS tag "NN/1/<prefix>" in [from, to): the offset of its first digit, or -1. */
static long find_damos(const uint8_t *d, size_t n, size_t from, size_t to, const char *prefix)
{
    char pat[16];
    size_t len = (size_t)snprintf(pat, sizeof pat, "/1/%s", prefix), p = from, at;
    while ((at = id_find(d, n, p, to, pat, len)) != ID_NONE) {
        if (at >= from + 2 && id_digit(d[at - 2]) && id_digit(d[at - 1]))
            return (long)at - 2;
        p = at + 1;
    }
    return -1;
}

/* Up to @p max printable characters of the image from @p at, for the evidence. */
static void text_at(const uint8_t *d, size_t n, size_t at, size_t max, char *out, size_t outsz)
{
    size_t k = 0;
    while (at + k < n && k < max && k + 1 < outsz && d[at + k] >= 0x20 && d[at + k] < 0x7F) {
        out[k] = (char)d[at + k];
        k++;
    }
    out[k] = '\0';
}

/* The Bosch hardware number stored with its ten digits reversed at @p at ("7777021620" for
 * 0261207777), written the right way round into @p hw; returns 1 when there is one. */
static int reversed_hw_at(const uint8_t *d, size_t n, size_t at, char hw[11])
{
    size_t i;
    if (!ecu__in(n, at, 10))
        return 0;
    for (i = 0; i < 10; i++) {
        if (!id_digit(d[at + i]))
            return 0;
        hw[i] = (char)d[at + 9 - i];
    }
    hw[10] = '\0';
    return memcmp(hw, "0261", 4) == 0;
}

/*
 * Older Motronic (M1.x, M3.x): numbers stored with their digits reversed, in the last 2 KiB
 * of images up to 256 KiB, anywhere in images up to 64 KiB (M1.x keeps them at 0x1F02 of
 * 32 KiB). The identification of every family of this file, and of the images no family
 * claims.
 */
static void reversed_numbers(const uint8_t *d, size_t n, struct ecu__idsink *out)
{
    size_t i = n > 0x10000 ? n - 2048 : 0;
    if (n > 0x40000)
        return;
    while (i < n) {
        size_t s, e, k;
        uint8_t v[2048];
        if (!id_digit(d[i])) {
            i++;
            continue;
        }
        s = i;
        for (e = s; e < n && id_digit(d[e]); e++)
            ;
        i = e;
        if (e - s < 10 || e - s > sizeof v)
            continue;
        for (k = 0; k < e - s; k++)
            v[k] = d[e - 1 - k];
        ecu__bosch_numbers_in_run(out, v, e - s, s, 1);
    }
}


/* Where the image holds @p hw (ten digits) with its digits reversed, or -1. */
static long find_reversed(const uint8_t *d, size_t n, const char *hw)
{
    char rev[10];
    size_t i, at;
    for (i = 0; i < 10; i++)
        rev[i] = hw[9 - i];
    at = id_find(d, n, 0, n, rev, sizeof rev);
    return at == ID_NONE ? -1 : (long)at;
}

/* Appends a byte sum kept to 16 bits, stored BE16 at @p store. */
static int add_sum8(struct blk_list *out, const char *name, const ecu_range *r, size_t nr,
                    uint64_t init, uint64_t store)
{
    struct blk b;
    size_t i;
    ecu__blk_init(&b, "sum8, 16 bits, BE16", "%s", name);
    if (init)
        ecu__blk_algo(&b, "sum8 + 0x%04llX, 16 bits, BE16", (unsigned long long)init);
    ecu__blk_sum(&b, 1, 0, 16, init);
    for (i = 0; i < nr && ecu__blk_range(&b, r[i].start, r[i].end); i++)
        ;
    ecu__blk_store(&b, store, 2, 1, 0);
    return ecu__blk_add(out, &b);
}

/* ---- BMW M1.x, 32 KiB: DME 173 and its kin --------------------------------------------------- */

#define M1_SIZE 0x8000u
#define M1_SLOT 0x1F00u
#define M1_INIT 0xB51Fu

static const char *const m1_known[] = {"0261200157", "0261200173", "0261200950", "0261200990",
                                       "0261203590"};
static const uint8_t m1_code[4] = {0x03, 0x9F, 0x23, 0x01}; /* at 0x1EFC */

static unsigned m1_detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    char hw[11];
    size_t i;
    int known = 0, code;
    if (n != M1_SIZE || !reversed_hw_at(d, n, M1_SLOT + 2, hw))
        return 0;
    for (i = 0; i < sizeof m1_known / sizeof m1_known[0]; i++)
        known |= strcmp(hw, m1_known[i]) == 0;
    code = memcmp(d + 0x1EFC, m1_code, sizeof m1_code) == 0;
    if (!known && !code)
        return 0;
    snprintf(ev, evsz, "hardware number %s stored reversed at 0x1F02%s%s", hw,
             known ? " (a BMW M1.x DME)" : "", code ? ", code bytes 03 9F 23 01 at 0x1EFC" : "");
    return known && code ? 90 : known ? 80 : 75;
}

static int m1_layout(const uint8_t *d, size_t n, struct blk_list *out)
{
    static const ecu_range r[2] = {{0x0000, M1_SLOT}, {0x2000, M1_SIZE}};
    (void)d;
    if (n != M1_SIZE)
        return ECU_OK;
    return add_sum8(out, "0x0000-0x1EFF + 0x2000-0x7FFF", r, 2, M1_INIT, M1_SLOT);
}

ECU_EXTENT_FIXED(m1_extent, M1_SIZE)

const struct family ecu__family_bosch_m1x_bmw = {
    .info = {
        .name = "bosch-m1x-bmw",
        .manufacturer = "Bosch",
        .description = "Motronic M1.x (BMW DME 0261200157/173/950/990, 0261203590), 32 KiB",
        .verifies = "0xB51F + bytes of 0x0000-0x1EFF and 0x2000-0x7FFF, 16 bits, BE16 at 0x1F00",
        .corrects = "the BE16 at 0x1F00",
        .sources = "matiss/motronic-checksum bmw_checksum.go, bmw_validate.go; "
                   "dimecho/E30-BMW-Motronics-ECU-Checksum E30_M20_DME173_CRC.cs",
    },
    .min_size = M1_SIZE,
    .max_size = M1_SIZE,
    .detect = m1_detect,
    .identify_unclaimed = reversed_numbers,
    .identify = reversed_numbers,
    .layout = m1_layout,
    .extent = m1_extent,
};

/* ---- BMW DME 402/403/404/405/413/484: one range per software version ------------------------ */

struct dme_version {
    const char *hw, *sw; /* hardware number; last three digits of the software number */
    size_t size;
    uint32_t start, end; /* [start, end]; the sum is stored BE16 at end + 1 */
    uint8_t head[3], tail[4]; /* the bytes at start, and at end - 3 .. end */
};

static const struct dme_version dme_versions[] = {
    {"0261200402", "098", 0x8000, 0x6AFE, 0x7B15, {0, 0, 0}, {0x40, 0x22, 0x13, 0x4F}},
    {"0261200402", "599", 0x8000, 0x6AFE, 0x7B31, {0, 0, 0}, {0xFF, 0xFF, 0xFF, 0x44}},
    {"0261200403", "547", 0x8000, 0x69FE, 0x797F, {0, 0, 0}, {0x40, 0x22, 0x13, 0x4F}},
    {"0261200403", "950", 0x8000, 0x69FE, 0x799B, {0, 0, 0}, {0x40, 0x22, 0x13, 0x4F}},
    {"0261200404", "689", 0x10000, 0xBFFE, 0xD147, {0, 0, 0}, {0xFF, 0xFF, 0xFF, 0x44}},
    {"0261200405", "951", 0x10000, 0x69FE, 0x799B, {0, 0, 0}, {0x45, 0xA1, 0x53, 0x48}},
    {"0261200413", "609", 0x10000, 0xE000, 0xF7A5, {0, 0, 2}, {0xFF, 0xFF, 0xFF, 0x44}},
    {"0261200413", "623", 0x10000, 0xD000, 0xE7AF, {0, 0, 2}, {0xFF, 0xFF, 0xFF, 0x44}},
    {"0261200413", "715", 0x10000, 0xD000, 0xE7C1, {0, 0, 2}, {0xFF, 0xFF, 0xFF, 0x44}},
    {"0261203484", "582", 0x10000, 0xDBFE, 0xED5F, {0, 0, 0}, {0x37, 0xEC, 0x49, 0xEC}},
};

#define DME_NVERSIONS (sizeof dme_versions / sizeof dme_versions[0])

/* The version of the image, or NULL; *hw_at: where its reversed hardware number is. */
static const struct dme_version *dme_find(const uint8_t *d, size_t n, long *hw_at)
{
    size_t i;
    for (i = 0; i < DME_NVERSIONS; i++) {
        const struct dme_version *v = &dme_versions[i];
        long at;
        if (n != v->size || memcmp(d + v->start, v->head, sizeof v->head) != 0 ||
            memcmp(d + v->end - 3, v->tail, sizeof v->tail) != 0)
            continue;
        if ((at = find_reversed(d, n, v->hw)) < 0)
            continue;
        *hw_at = at;
        return v;
    }
    return NULL;
}

static unsigned dme_detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    long at = -1;
    const struct dme_version *v = dme_find(d, n, &at);
    int sw;
    if (!v)
        return 0;
    /* the software number follows, reversed too: its last three digits come first */
    sw = ecu__in(n, (size_t)at, 13) && d[at + 10] == (uint8_t)v->sw[2] &&
         d[at + 11] == (uint8_t)v->sw[1] && d[at + 12] == (uint8_t)v->sw[0];
    snprintf(ev, evsz, "DME %s range bytes at 0x%X and 0x%X, hardware number stored reversed "
             "at 0x%lX%s%s",
             v->hw + 7, (unsigned)v->start, (unsigned)(v->end - 3), at,
             sw ? ", software number ending " : "", sw ? v->sw : "");
    return sw ? 90 : 80;
}

static int dme_layout(const uint8_t *d, size_t n, struct blk_list *out)
{
    long at = -1;
    const struct dme_version *v = dme_find(d, n, &at);
    ecu_range r;
    char name[64];
    if (!v)
        return ECU_OK;
    r.start = v->start;
    r.end = (uint64_t)v->end + 1;
    snprintf(name, sizeof name, "DME %s/%s 0x%04X-0x%04X", v->hw + 7, v->sw, (unsigned)v->start,
             (unsigned)v->end);
    return add_sum8(out, name, &r, 1, 0, r.end);
}

/* The size of the software version found (its table above). */
static uint64_t dme_extent(const uint8_t *d, size_t n, uint64_t cover)
{
    long at = -1;
    const struct dme_version *v = dme_find(d, n, &at);
    (void)cover;
    return v ? v->size : 0;
}

const struct family ecu__family_bosch_dme_bmw = {
    .info = {
        .name = "bosch-dme-bmw",
        .manufacturer = "Bosch",
        .description = "BMW DME 0261200402/403/404/405/413, 0261203484 (known software "
                       "versions), 32/64 KiB",
        .verifies = "bytes of the version's range, 16 bits, BE16 right after the range",
        .corrects = "the BE16 after the range",
        .sources = "matiss/motronic-checksum bmw_checksum.go, bmw_validate.go",
    },
    .min_size = 0x8000,
    .max_size = 0x10000,
    .detect = dme_detect,
    .identify_unclaimed = reversed_numbers,
    .identify = reversed_numbers,
    .layout = dme_layout,
    .extent = dme_extent,
};

/* ---- Volvo M4.3 (64 KiB) and M4.4 (128 KiB) ------------------------------------------------- */

/* An ident marker followed, @p gap bytes after its start, by a 0261 hardware number. */
static long marker_with_hw(const uint8_t *d, size_t n, const void *m, size_t len, size_t gap)
{
    size_t p = 0, at;
    while ((at = id_find(d, n, p, n, m, len)) != ID_NONE) {
        size_t h = at + gap, i;
        int ok = ecu__in(n, h, 10) && memcmp(d + h, "0261", 4) == 0;
        for (i = 4; ok && i < 10; i++)
            ok = id_digit(d[h + i]);
        if (ok)
            return (long)at;
        p = at + 1;
    }
    return -1;
}

static unsigned volvo_detect(const uint8_t *d, size_t n, const char *ver, const void *marker,
                             size_t mlen, size_t gap, const char *mname, char *ev, size_t evsz)
{
    char tag[40];
    long at = find_damos(d, n, 0, n, ver);
    if (at >= 0) {
        text_at(d, n, (size_t)at, 32, tag, sizeof tag);
        snprintf(ev, evsz, "DAMOS tag %s at 0x%lX", tag, at);
        return 85;
    }
    if ((at = marker_with_hw(d, n, marker, mlen, gap)) >= 0) {
        text_at(d, n, (size_t)at + gap, 10, tag, sizeof tag);
        snprintf(ev, evsz, "ident marker %s at 0x%lX, hardware number %s", mname, at, tag);
        return 70;
    }
    return 0;
}

static const uint8_t m44_marker[10] = {0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x0A, 0x08, 0x09};

static unsigned m43_detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    if (n != 0x10000)
        return 0;
    return volvo_detect(d, n, "M4.3/", "ZSMFC", 5, 40, "ZSMFC", ev, evsz);
}

static unsigned m44_detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    if (n != 0x20000)
        return 0;
    return volvo_detect(d, n, "M4.4/", m44_marker, sizeof m44_marker, 10,
                        "12 13 14 15 16 17 18 0A 08 09", ev, evsz);
}

static int m43_layout(const uint8_t *d, size_t n, struct blk_list *out)
{
    static const ecu_range r = {0x0000, 0xFF00};
    (void)d;
    if (n != 0x10000)
        return ECU_OK;
    return add_sum8(out, "0x0000-0xFEFF", &r, 1, 0, 0xFF00);
}

static int m44_layout(const uint8_t *d, size_t n, struct blk_list *out)
{
    static const ecu_range r0 = {0x00000, 0x0FF00}, r1 = {0x10000, 0x1FF00};
    int rc;
    (void)d;
    if (n != 0x20000)
        return ECU_OK;
    if ((rc = add_sum8(out, "0x00000-0x0FEFF", &r0, 1, 0, 0x0FF00)) != ECU_OK)
        return rc;
    return add_sum8(out, "0x10000-0x1FEFF", &r1, 1, 0, 0x1FF00);
}

ECU_EXTENT_FIXED(m43_extent, 0x10000)
ECU_EXTENT_FIXED(m44_extent, 0x20000)

const struct family ecu__family_bosch_m43_volvo = {
    .info = {
        .name = "bosch-m43-volvo",
        .manufacturer = "Bosch",
        .description = "Motronic M4.3 (Volvo), 64 KiB",
        .verifies = "bytes of 0x0000-0xFEFF, 16 bits, BE16 at 0xFF00",
        .corrects = "the BE16 at 0xFF00",
        .sources = "mattiasclaesson/motronicsuite MotronicSuite/M43File.cs",
    },
    .min_size = 0x10000,
    .max_size = 0x10000,
    .detect = m43_detect,
    .identify_unclaimed = reversed_numbers,
    .identify = reversed_numbers,
    .layout = m43_layout,
    .extent = m43_extent,
};

const struct family ecu__family_bosch_m44_volvo = {
    .info = {
        .name = "bosch-m44-volvo",
        .manufacturer = "Bosch",
        .description = "Motronic M4.4 (Volvo), 128 KiB",
        .verifies = "bytes of 0x00000-0x0FEFF and of 0x10000-0x1FEFF, 16 bits each, BE16 at "
                    "0x0FF00 and 0x1FF00",
        .corrects = "the BE16 at 0x0FF00 and 0x1FF00",
        .sources = "mattiasclaesson/motronicsuite MotronicSuite/M44File.cs",
    },
    .min_size = 0x20000,
    .max_size = 0x20000,
    .detect = m44_detect,
    .identify_unclaimed = reversed_numbers,
    .identify = reversed_numbers,
    .layout = m44_layout,
    .extent = m44_extent,
};

/* ---- M3.x-M5.x (VAG M3.8.x / M5.9), 128/256 KiB: the header at 0xBF00 ------------------------ */

#define M35_HDR 0xBF00u
#define M35_IDENT_END 0xBF80u

/* The first 0x80-aligned offset from 0x4000 whose LE16 value is the offset itself, or 0. */
static uint32_t m35_start(const uint8_t *d, size_t n)
{
    uint32_t s;
    uint16_t v;
    /* the callers take 128/256 KiB images only; a word past the end would be no start (the 0
       it read never equalled s >= 0x4000) */
    for (s = 0x4000; s < M35_HDR; s += 0x80)
        if (ecu__get16(d, n, s, 0, &v) && v == s)
            return s;
    return 0;
}

static unsigned m35_detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    char tag[40];
    uint32_t s;
    long at;
    size_t m;
    unsigned score = 85;
    if ((n != 0x20000 && n != 0x40000) || !(s = m35_start(d, n)))
        return 0;
    if ((at = find_damos(d, n, M35_HDR + 6, M35_IDENT_END, "M3.")) < 0 &&
        (at = find_damos(d, n, M35_HDR + 6, M35_IDENT_END, "M5.")) < 0) {
        if ((m = id_find(d, n, M35_HDR + 6, M35_IDENT_END, "MOTRONIC M", 10)) == ID_NONE)
            return 0;
        at = (long)m;
        score = 75;
    }
    text_at(d, n, (size_t)at, 32, tag, sizeof tag);
    snprintf(ev, evsz, "ident %s at 0x%lX after the header at 0xBF00, data from 0x%X", tag, at,
             (unsigned)s);
    return score;
}

static int m35_layout(const uint8_t *d, size_t n, struct blk_list *out)
{
    uint32_t s = (n == 0x20000 || n == 0x40000) ? m35_start(d, n) : 0;
    ecu_range r;
    struct blk b;
    char name[64];
    int rc;
    if (!s)
        return ECU_OK;
    r.start = s;
    r.end = M35_HDR;
    snprintf(name, sizeof name, "data 0x%04X-0x%04X", (unsigned)s, M35_HDR - 1);
    if ((rc = add_sum8(out, name, &r, 1, 0, M35_HDR + 4)) != ECU_OK)
        return rc;
    /* the header's first word: the 16-bit sum of the two words after it */
    ecu__blk_init(&b, "sum16be, 16 bits, BE16", "header 0xBF02 + 0xBF04");
    ecu__blk_sum(&b, 2, 1, 16, 0);
    ecu__blk_range(&b, M35_HDR + 2, M35_HDR + 6);
    ecu__blk_store(&b, M35_HDR, 2, 1, 0);
    return ecu__blk_add(out, &b);
}

/* The 128 or 256 KiB image the header at 0xBF00 is documented for (nothing in it tells the two
   apart: the size does). */
static uint64_t m35_extent(const uint8_t *d, size_t n, uint64_t cover)
{
    (void)d;
    (void)cover;
    return n == 0x20000 || n == 0x40000 ? n : 0;
}

const struct family ecu__family_bosch_m3x_m5x = {
    .info = {
        .name = "bosch-m3x-m5x",
        .manufacturer = "Bosch",
        .description = "Motronic M3.8.x / M5.9 (VAG) with the header at 0xBF00, 128/256 KiB",
        .verifies = "bytes from the first self-addressed 0x80 line >= 0x4000 to 0xBEFF, 16 bits, "
                    "BE16 at 0xBF04; BE16 at 0xBF00 = 0xBF02 + 0xBF04",
        .corrects = "the BE16 at 0xBF04, then the one at 0xBF00",
        .sources = "nyetwurk/IronFelix source/me3x_dll/module2.cpp",
    },
    .min_size = 0x20000,
    .max_size = 0x40000,
    .detect = m35_detect,
    .identify_unclaimed = reversed_numbers,
    .identify = reversed_numbers,
    .layout = m35_layout,
    .extent = m35_extent,
};
