/* SPDX-License-Identifier: MIT */
/*
 * The flash extent a family's layout implies (ecu_csum_expected_size, ecu_csum_extent): an
 * image shorter than it is truncated, bad and never corrected; a longer one is reported.
 *
 * Over every good synthetic image of the manifests below (written by the generators in
 * fixtures/csum/NAME.py, as test_csum_mutation.c reads them; the Bosch ME7 VAG images by name):
 *   - the image itself: ok, with a known expected size (none for the families of
 *     no_extent[]), exact unless listed in overlong[] below (an image the generator made
 *     longer than its layout), never truncated;
 *   - cut in the middle of the layout (at half the expected size), in the middle of the range
 *     that ends last, and just before the last byte the manifest's blocks cover (its last
 *     slot or range byte gone), each analysed with
 *     detection and with its family named: never ok; a bad verdict of its own family is
 *     truncated, with an expected size past the cut, and ecu_csum_fix refuses it, leaving the
 *     copy as it was (the cuts listed in limits[] below, a shorter whole layout of a family
 *     whose images state no flash size, are ok, and must stay so);
 *   - the image followed by 64 KiB of 0xFF: never truncated; when its family still claims it
 *     as ok (families detected at fixed sizes do not; a family whose sums run to the end of
 *     the image, or whose variant the size selects, calls it bad), overlong by 0x10000
 *     against the same expected size, the evidence saying so.
 * Then the API on its own: a NULL handle, the names, no layout, a caller's layout with a block
 * past the end of the image, and a new analysis resetting the extent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "csum_manifest.h"
#include "ecu/csum.h"
#include "ecu/error.h"
#include "ecu/image.h"
#include "ecu/layout.h"

#define EXTRA 0x10000u /* the bytes an overlong copy gets */
#ifdef EXTENT_SURVEY
#define FAIL(...) (printf(__VA_ARGS__), printf("\n"))
#else
#define FAIL fail_msg
#endif

static const struct source {
    const char *manifest;
    int forced;
} sources[] = {
    {"expected.tsv", 0},   {"edc15-expected.tsv", 0},   {"edc17.tsv", 0},
    {"c167.tsv", 0},       {"continental.tsv", 0},      {"denso.tsv", 0},
    {"denso-checks-off.tsv", 0}, {"hitachi.tsv", 0},   {"motronic_old.tsv", 0},
    {"siemens_ms4x.tsv", 0}, {"forced_only.tsv", 1},
};
#define NSOURCES (sizeof sources / sizeof sources[0])

/* Images whose manifest (another format) the reader does not take: loaded by name. */
static const struct named {
    const char *file, *family;
    size_t size;
} named[] = {
    {"me7-vag-512k.bin.gz", "bosch-me7-vag", 0x80000},
    {"me7-vag-rsa-512k.bin.gz", "bosch-me7-vag", 0x80000},
};

/* Good images longer than their layout's flash, as their generator made them. */
static const struct overlong {
    const char *file;
    uint64_t expected;
    const char *why;
} overlong[] = {
    /* fixtures/csum/generate.py: three regions, the last ending at 0x1F0000 of a 2 MiB image;
       EDC16 states no flash size (its extent is the end of its last region, up to 64 KiB) */
    /* fixtures/csum/edc17.py: one block in the first 32 KiB of a 64 KiB image; EDC17 states
       no flash size (the end of its blocks, up to a power of two) */
    {"edc17-crc32-64k.bin.gz", 0x8000, "EDC17 block below 0x8000"},
    {"edc17-add32-64k.bin.gz", 0x8000, "EDC17 block below 0x8000"},
    {"edc17-add16-64k.bin.gz", 0x8000, "EDC17 block below 0x8000"},
    /* fixtures/csum/denso.py: a 1 MiB Subaru ROM after a 0x2A4-byte container header, 0x200
       bytes of fill after it */
    {"denso-subaru-1m-memd.bin.gz", 0x2A4 + 0x100000, "Subaru container, bytes after the ROM"},
    {NULL, 0, NULL},
};

/* Cuts that leave a whole, shorter layout of a family whose images state no flash size: ok is
   the documented outcome (lib/families/bosch_edc16.c: "a file cut exactly between two regions
   cannot be told from a shorter read"). Each must still give ok (else take it off the list). */
static const struct limit {
    const char *file;
    uint64_t cut;
} limits[] = {
    {"edc16-512k.bin.gz", 0x40000}, /* between region 0 (0x0-0x3FFFF) and region 1 */
    /* lib/families/bosch_edc15.c: the lower bank of a two-bank 1 MiB image is a whole 512 KiB
       image with the marker at 0x50008 ("a 512 KiB half on its own is a 512 KiB image and is
       checked as one"): nothing in it names the upper bank */
    {"edc15-1m.bin.gz", 0x80000},
    {"edc16-2m.bin.gz", 0x100000}, /* between region 1 (0x40000-0xFFFFF) and region 2 */
    /* lib/families/bosch_edc17.c, "whole images and partial reads": a read that ends before a
       block's header is a partial read whose blocks are all there */
    {"edc17-256k.bin.gz", 0x20000}, /* blocks end at 0x18000, the next header is at 0x20000 */
    {"edc17-crcsub-64k.bin.gz", 0x8000}, /* its blocks end at 0x6000 */
    /* lib/families/bosch_motronic_old.c: the header at 0xBF00 is the same in 128 and 256 KiB
       images, "nothing in it tells the two apart: the size does" */
    {"motronic-m3x-m5x-256k.bin.gz", 0x20000},
};

/* Families whose images state no size and whose cut copies are bad through their own
   blocks, with no extent (lib/families/continental_simos.c: a SIM2K CBOOT image's CRC
   header ranges that leave the file make unusable blocks). */
static const char *const no_extent[] = {"sim2k"};

static int has_no_extent(const char *family)
{
    size_t i;
    for (i = 0; i < sizeof no_extent / sizeof no_extent[0]; i++)
        if (strcmp(no_extent[i], family) == 0)
            return 1;
    return 0;
}
static size_t limit_seen[sizeof limits / sizeof limits[0]];

static int is_limit(const char *file, uint64_t cut)
{
    size_t i;
    for (i = 0; i < sizeof limits / sizeof limits[0]; i++)
        if (strcmp(limits[i].file, file) == 0 && limits[i].cut == cut) {
            limit_seen[i]++;
            return 1;
        }
    return 0;
}

static const struct overlong *overlong_of(const char *file)
{
    size_t i;
    for (i = 0; overlong[i].file; i++)
        if (strcmp(overlong[i].file, file) == 0)
            return &overlong[i];
    return NULL;
}

/* The end of the bytes the manifest's blocks of @p x cover (ranges and slots), and in @p mid
   the middle of the range that ends last (0 when no block has a range). */
static uint64_t cover_of(const struct csum_image *x, uint64_t *mid)
{
    uint64_t e = 0, last = 0;
    size_t k, r;
    *mid = 0;
    for (k = 0; k < x->nblocks; k++) {
        const struct csum_block *b = &x->b[k];
        if (b->slot + b->bytes > e)
            e = b->slot + b->bytes;
        for (r = 0; r < b->nranges; r++) {
            if (b->end[r] > e)
                e = b->end[r];
            if (b->end[r] > last) {
                last = b->end[r];
                *mid = b->start[r] + (b->end[r] - b->start[r]) / 2;
            }
        }
    }
    return e;
}

static size_t ncut, ncut_bad, ncut_unknown, nlong, nlong_claimed;

/* A cut copy (@p n of the image's bytes) of family @p family: never ok; bad of its own family
   only as truncated, never corrected. @p name: analyse with the family named. */
static void check_cut(ecu_csum *cs, const uint8_t *d, size_t n, const char *family, int name,
                      const char *file)
{
    char what[160];
    uint8_t *copy = csum_dup(d, n);
    ecu_verdict v;
    const ecu_family_info *f;
    snprintf(what, sizeof what, "%s cut to 0x%zX%s", file, n, name ? ", family named" : "");
    assert_int_equal(ecu_csum_set_family(cs, name ? family : NULL), ECU_OK);
    csum_analyze(cs, copy, n);
    v = ecu_csum_verdict(cs);
    f = ecu_csum_family(cs);
    ncut++;
    if (is_limit(file, n)) {
        csum_assert_verdict(cs, ECU_VERDICT_OK, what);
        assert_int_equal(ecu_csum_extent(cs), ECU_EXTENT_EXACT);
        assert_int_equal(ecu_csum_set_family(cs, NULL), ECU_OK);
        free(copy);
        return;
    }
    if (v == ECU_VERDICT_OK)
        FAIL("%s: ok (%s), a truncated image must never be ok", what, f ? f->name : "?");
    if (v == ECU_VERDICT_BAD && f && strcmp(f->name, family) == 0 && has_no_extent(family)) {
        ncut_bad++;
        assert_int_equal(ecu_csum_extent(cs), ECU_EXTENT_UNKNOWN);
        assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
        csum_assert_image(cs, copy, n, what);
    } else if (v == ECU_VERDICT_BAD && f && strcmp(f->name, family) == 0) {
        ncut_bad++;
        if (ecu_csum_extent(cs) != ECU_EXTENT_TRUNCATED || ecu_csum_expected_size(cs) <= n)
            FAIL("%s: bad but extent %s, expected size 0x%llX", what,
                     ecu_extent_name(ecu_csum_extent(cs)),
                     (unsigned long long)ecu_csum_expected_size(cs));
        if (!strstr(ecu_csum_evidence(cs), "truncated: the layout covers 0x"))
            FAIL("%s: the evidence does not say truncated: %s", what, ecu_csum_evidence(cs));
        if (ecu_csum_fix(cs) != ECU_ERR_UNFIXABLE)
            FAIL("%s: a truncated image was corrected", what);
        csum_assert_image(cs, copy, n, what);
    } else if (v != ECU_VERDICT_BAD && v != ECU_VERDICT_OK) {
        ncut_unknown++; /* unknown, no-layout, ambiguous: nothing was said to be right */
        assert_int_not_equal(ecu_csum_fix(cs), ECU_OK);
    }
    assert_int_equal(ecu_csum_set_family(cs, NULL), ECU_OK);
    free(copy);
}

/* One good image: its extent, its cuts and its overlong copy. */
static void check_image(ecu_csum *cs, const uint8_t *d, size_t n, const char *family,
                        uint64_t cover, uint64_t mid, int forced, const char *file)
{
    const struct overlong *o = overlong_of(file);
    uint64_t want = o ? o->expected : has_no_extent(family) ? 0 : n, cuts[3];
    uint8_t *longer;
    char what[160];
    size_t c;
    assert_int_equal(ecu_csum_set_family(cs, forced ? family : NULL), ECU_OK);
    csum_analyze(cs, d, n);
    csum_assert_verdict(cs, ECU_VERDICT_OK, file);
    if (ecu_csum_expected_size(cs) != want)
        FAIL("%s: expected size 0x%llX, want 0x%llX", file,
                 (unsigned long long)ecu_csum_expected_size(cs), (unsigned long long)want);
    if (ecu_csum_extent(cs) != (o ? ECU_EXTENT_OVERLONG : want ? ECU_EXTENT_EXACT : ECU_EXTENT_UNKNOWN))
        FAIL("%s: extent %s", file, ecu_extent_name(ecu_csum_extent(cs)));
    /* cut in the middle of the layout, in the middle of the range that ends last, and just
       before the last covered byte */
    if (!want)
        want = n; /* no extent: cut the image itself */
    cuts[0] = want / 2;
    cuts[1] = mid ? mid : want / 2;
    cuts[2] = (cover ? cover : want) - 1;
    for (c = 0; c < 3; c++) {
        if (!forced)
            check_cut(cs, d, (size_t)cuts[c], family, 0, file);
        check_cut(cs, d, (size_t)cuts[c], family, 1, file);
    }
    /* overlong: 64 KiB of erased flash after it */
    longer = malloc(n + EXTRA);
    assert_non_null(longer);
    memcpy(longer, d, n);
    memset(longer + n, 0xFF, EXTRA);
    snprintf(what, sizeof what, "%s followed by 64 KiB of 0xFF", file);
    assert_int_equal(ecu_csum_set_family(cs, forced ? family : NULL), ECU_OK);
    csum_analyze(cs, longer, n + EXTRA);
    nlong++;
    assert_int_not_equal(ecu_csum_extent(cs), ECU_EXTENT_TRUNCATED);
    /* ok as its own family: overlong against the same extent (bad: a family that reads the
       longer image as another variant, or sums over the whole image, says why in its blocks) */
    if (ecu_csum_family(cs) && strcmp(ecu_csum_family(cs)->name, family) == 0 &&
        ecu_csum_verdict(cs) == ECU_VERDICT_OK && !has_no_extent(family)) {
        char says[64];
        nlong_claimed++;
        if (ecu_csum_extent(cs) != ECU_EXTENT_OVERLONG || ecu_csum_expected_size(cs) != want)
            FAIL("%s: extent %s, expected size 0x%llX (want overlong, 0x%llX)", what,
                     ecu_extent_name(ecu_csum_extent(cs)),
                     (unsigned long long)ecu_csum_expected_size(cs), (unsigned long long)want);
        snprintf(says, sizeof says, "0x%llX bytes past the layout's 0x%llX",
                 (unsigned long long)(n + EXTRA - want), (unsigned long long)want);
        if (!strstr(ecu_csum_evidence(cs), says))
            FAIL("%s: the evidence does not say \"%s\": %s", what, says, ecu_csum_evidence(cs));
    }
    assert_int_equal(ecu_csum_set_family(cs, NULL), ECU_OK);
    free(longer);
}

static void test_fixtures(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    size_t s, i, images = 0;
    (void)state;
    assert_non_null(cs);
    for (s = 0; s < NSOURCES; s++) {
        struct csum_manifest m;
        char path[512];
        snprintf(path, sizeof path, "%s/csum/%s", ECU_FIXTURES_DIR, sources[s].manifest);
        assert_int_equal(csum_manifest_load(&m, path), 0);
        for (i = 0; i < m.nimages; i++) {
            const struct csum_image *x = &m.images[i];
            if (!csum_is_good(x))
                continue;
            uint64_t mid, cover = cover_of(x, &mid);
            check_image(cs, x->data, x->size, x->family, cover, mid, sources[s].forced, x->file);
            images++;
        }
        csum_manifest_free(&m);
    }
    for (i = 0; i < sizeof named / sizeof named[0]; i++) {
        ecu_image *img = ecu_image_new();
        char path[512];
        assert_non_null(img);
        snprintf(path, sizeof path, "%s/csum/%s", ECU_FIXTURES_DIR, named[i].file);
        assert_int_equal(ecu_image_load_file(img, path), ECU_OK);
        assert_int_equal(ecu_image_size(img), named[i].size);
        check_image(cs, ecu_image_data(img), ecu_image_size(img), named[i].family, 0, 0, 0,
                    named[i].file);
        ecu_image_free(img);
        images++;
    }
    printf("%zu good images: %zu cut copies (%zu bad as truncated, %zu not claimed or no "
           "layout, none ok); %zu overlong copies, %zu of them claimed and reported overlong\n",
           images, ncut, ncut_bad, ncut_unknown, nlong, nlong_claimed);
    for (i = 0; i < sizeof limits / sizeof limits[0]; i++)
        if (!limit_seen[i])
            FAIL("limits[]: %s cut to 0x%llX was not met", limits[i].file,
                     (unsigned long long)limits[i].cut);
    assert_true(images >= 40);
    assert_true(ncut_bad > 0 && nlong_claimed > 0);
    ecu_csum_free(cs);
}

static void test_api(void **state)
{
    static const char text[] = "layout past-end\n"
                               "block main\n"
                               "  sum u8 acc 16\n"
                               "  range 0x0 0xFFF\n"
                               "  store 0x1000 u16be\n";
    ecu_csum *cs = ecu_csum_new();
    ecu_layout *l = ecu_layout_new();
    uint8_t img[0x800];
    (void)state;
    assert_non_null(cs);
    assert_non_null(l);
    /* NULL and names */
    assert_int_equal(ecu_csum_expected_size(NULL), 0);
    assert_int_equal(ecu_csum_extent(NULL), ECU_EXTENT_UNKNOWN);
    assert_string_equal(ecu_extent_name(ECU_EXTENT_UNKNOWN), "unknown");
    assert_string_equal(ecu_extent_name(ECU_EXTENT_EXACT), "exact");
    assert_string_equal(ecu_extent_name(ECU_EXTENT_TRUNCATED), "truncated");
    assert_string_equal(ecu_extent_name(ECU_EXTENT_OVERLONG), "overlong");
    assert_string_equal(ecu_extent_name((ecu_extent)99), "unknown");
    /* a fresh handle, and an image no family claims: nothing known */
    assert_int_equal(ecu_csum_expected_size(cs), 0);
    assert_int_equal(ecu_csum_extent(cs), ECU_EXTENT_UNKNOWN);
    memset(img, 0x5A, sizeof img);
    csum_analyze(cs, img, sizeof img);
    csum_assert_verdict(cs, ECU_VERDICT_UNKNOWN, "0x5A bytes");
    assert_int_equal(ecu_csum_expected_size(cs), 0);
    assert_int_equal(ecu_csum_extent(cs), ECU_EXTENT_UNKNOWN);
    /* a caller's layout whose block runs past the end: truncated by as much as the block says
       (range end 0x1000, slot 0x1000-0x1001) */
    if (ecu_layout_parse(l, text, sizeof text - 1) != ECU_OK)
        FAIL("layout: %s", ecu_layout_error(l));
    assert_int_equal(ecu_csum_set_layout(cs, l), ECU_OK);
    csum_analyze(cs, img, sizeof img);
    csum_assert_verdict(cs, ECU_VERDICT_BAD, "layout past the end");
    assert_int_equal(ecu_csum_extent(cs), ECU_EXTENT_TRUNCATED);
    assert_int_equal(ecu_csum_expected_size(cs), 0x1002);
    assert_non_null(strstr(ecu_csum_evidence(cs),
                           "truncated: the layout covers 0x1002 bytes, the image has 0x800"));
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
    /* the same layout on an image that holds it: a caller's layout states no extent */
    {
        uint8_t *big = calloc(1, 0x2000);
        assert_non_null(big);
        csum_analyze(cs, big, 0x2000);
        assert_int_equal(ecu_csum_expected_size(cs), 0);
        assert_int_equal(ecu_csum_extent(cs), ECU_EXTENT_UNKNOWN);
        free(big);
    }
    /* a new analysis forgets the extent */
    assert_int_equal(ecu_csum_set_layout(cs, NULL), ECU_OK);
    csum_analyze(cs, img, sizeof img);
    assert_int_equal(ecu_csum_expected_size(cs), 0);
    assert_int_equal(ecu_csum_extent(cs), ECU_EXTENT_UNKNOWN);
    ecu_layout_free(l);
    ecu_csum_free(cs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_api),
        cmocka_unit_test(test_fixtures),
    };
    return cmocka_run_group_tests_name("csum_extent", tests, NULL, NULL);
}
