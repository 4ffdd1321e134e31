/* SPDX-License-Identifier: MIT */
/*
 * The identification-only families (lib/families/delphi.c, lib/families/marelli.c: Delphi
 * Multec and Multec S, Magneti Marelli IAW 1AP, IAW 1AV, IAW 4LV and MJD 6JF) against synthetic
 * images (fixtures/csum/delphi-*.bin.gz, marelli-*.bin.gz, written by
 * fixtures/csum/delphi_marelli.py from the documented marker layouts). These families have no
 * checksum layout, so the generic block checks of csum_manifest do not apply; the manifest
 * fixtures/csum/delphi_marelli.tsv says, for each image, which family claims it with which
 * score and what the evidence must quote, and for each documented marker whether the image
 * with that marker damaged is still claimed (by a weaker rule, with its score) or not at all.
 *
 * Checked here: each image is its family's only, with the verdict no-layout, no block, no bad
 * block, printable evidence quoting the ident, a fix refused with the image unchanged (also
 * with the family forced); damaged markers; the byte-swapped 4LV strings (the unswapped image
 * and the same container naming another family are not claimed); random data and the other
 * families' fixtures are not claimed; truncated images are handled safely; the real dumps of
 * ../shared/corpus (or $ECU_CORPUS) are claimed only in the delco_multec and marelli folders.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "csum_manifest.h"
#include "nolayout_checks.h"
#include "ecu/csum.h"
#include "ecu/error.h"
#include "ecu/image.h"

static const char *const families[] = {"delphi-multec",   "delphi-multec-s", "marelli-iaw-1ap",
                                       "marelli-iaw-1av", "marelli-iaw-4lv", "marelli-mjd-6jf"};
#define NFAMILIES (sizeof families / sizeof families[0])

/* image FILE FAMILY SIZE SCORE QUOTE; marker FILE RANGES FAMILY SCORE */
static const struct nolayout_format format = {
    .tsv = "delphi_marelli.tsv",
    .families = families,
    .nfamilies = NFAMILIES,
    .image = NOLAYOUT_IMAGE_FAMILY_SIZE_SCORE_QUOTE,
    .marker = NOLAYOUT_MARKER_FAMILY_SCORE,
    .field = NOLAYOUT_FIELD_NONE,
    .min_images = 1,
};

NOLAYOUT_GROUP(man, format)

/* ---- the registry ---------------------------------------------------------------------------- */

static void test_registry(void **state)
{
    size_t k;
    (void)state;
    for (k = 0; k < NFAMILIES; k++)
        nolayout_check_registry(families[k], k < 2 ? "Delphi" : "Magneti Marelli",
                                "no known checksum layout", "openremap");
}

/* ---- each image ------------------------------------------------------------------------------ */

static void test_images(void **state)
{
    (void)state;
    nolayout_check_images(&man);
}

/* The family given by the caller: still no layout, still refused. */
static void test_forced_family(void **state)
{
    (void)state;
    nolayout_check_forced(&man);
}

/* ---- damaged markers ------------------------------------------------------------------------- */

static void test_damaged_markers(void **state)
{
    static const struct nolayout_damage damage = {.min_gone = 1, .min_weaker = 1};
    (void)state;
    nolayout_check_damaged(&man, &damage);
}

/* ---- strings that exclude a family ------------------------------------------------------------ */

/* Another maker's string written into the filler of each image: not claimed; a neutral string
   at the same place (the control): claimed as before. The documented discriminators too: IAW
   1AP has no "MARELLI" and no "iaw1av", MJD 6JF no "IAW" in its calibration area. */
static void put_check(ecu_csum *cs, const struct nolayout_image *x, size_t at, const char *s,
                      int claimed)
{
    nolayout_put_check(&man, cs, x, at, s, claimed);
}

static void test_exclusions(void **state)
{
    static const char *const foreign[] = {"BOSCH", "MOTRONIC", "SIMOS", "5WK9"};
    const struct nolayout_image *iaw1ap = nolayout_image_named(&man, "marelli-iaw-1ap.bin.gz");
    const struct nolayout_image *mjd = nolayout_image_named(&man, "marelli-mjd-6jf.bin.gz");
    ecu_csum *cs = ecu_csum_new();
    size_t i, k;
    (void)state;
    for (i = 0; i < man.nimages; i++) {
        const struct nolayout_image *x = &man.images[i];
        if (strcmp(x->family, "-") == 0)
            continue;
        put_check(cs, x, 0x5000, "NEUTRAL", 1);
        for (k = 0; k < sizeof foreign / sizeof foreign[0]; k++)
            put_check(cs, x, 0x5000, foreign[k], 0);
        if (strncmp(x->family, "delphi-", 7) == 0)
            put_check(cs, x, 0x5000, "MARELLI", 0);
    }
    put_check(cs, iaw1ap, 0x5000, "MARELLI", 0);
    put_check(cs, iaw1ap, 0x5000, "iaw1av", 0);
    put_check(cs, mjd, 0x65000, "IAW", 0);
    put_check(cs, mjd, 0x65000, "iaw", 0);
    put_check(cs, mjd, 0x5000, "IAW", 1); /* outside: allowed */
    ecu_csum_free(cs);
}

/* ---- the byte-swapped 4LV strings ------------------------------------------------------------- */

static int holds(const struct nolayout_image *x, const char *s)
{
    size_t n = strlen(s), i;
    for (i = 0; i + n <= x->size; i++)
        if (memcmp(x->data + i, s, n) == 0)
            return 1;
    return 0;
}

static void test_4lv_swapped(void **state)
{
    const struct nolayout_image *lv = nolayout_image_named(&man, "marelli-iaw-4lv.bin.gz");
    const struct nolayout_image *plain = nolayout_image_named(&man, "marelli-iaw-4lv-plain.bin.gz");
    const struct nolayout_image *other =
        nolayout_image_named(&man, "marelli-iaw-4lv-other-tag.bin.gz");
    ecu_csum *cs = ecu_csum_new();
    uint8_t *copy;
    size_t i;
    (void)state;
    /* the image holds the strings swapped only: the family reads them back */
    assert_true(holds(lv, "AMERLL I") && holds(lv, "L4 V"));
    assert_false(holds(lv, "MARELLI"));
    csum_analyze(cs, lv->data, lv->size);
    nolayout_check_claimed(cs, lv->data, lv->size, "marelli-iaw-4lv", lv->score, lv->file);
    assert_non_null(strstr(ecu_csum_evidence(cs), "MARELLI Boot4LV r1"));
    /* the same strings not swapped are not this family's */
    assert_true(holds(plain, "MARELLI 4LV") && !holds(plain, "AMERLL"));
    csum_analyze(cs, plain->data, plain->size);
    assert_null(ecu_csum_family(cs));
    /* the container naming another family (4MV) is not claimed as 4LV */
    assert_true(holds(other, "AMERLL I") && holds(other, "M4 V"));
    csum_analyze(cs, other->data, other->size);
    assert_null(ecu_csum_family(cs));
    /* every word of the 4LV image swapped back: strings readable, not the family's form */
    copy = csum_dup(lv->data, lv->size);
    for (i = 0; i + 1 < lv->size; i += 2) {
        uint8_t t = copy[i];
        copy[i] = copy[i + 1];
        copy[i + 1] = t;
    }
    csum_analyze(cs, copy, lv->size);
    nolayout_check_not_ours(&man, cs, "4LV image with its words swapped back");
    free(copy);
    ecu_csum_free(cs);
}

/* ---- nothing else is claimed ----------------------------------------------------------------- */

/* Random data (k = 0) and erased images (k = 1) of the families' sizes, and: */
static void random_variant(uint8_t *d, size_t n, size_t i, size_t k)
{
    (void)n, (void)i, (void)k;
    /* k = 2: erased start and 00 00 7E, as Multec S, but no ident */
    memset(d, 0xFF, 0x2000), d[0x2000] = 0, d[0x2001] = 0, d[0x2002] = 0x7E;
}

static void test_random_not_claimed(void **state)
{
    static const size_t sizes[] = {0x8000, 0x10000, 0x20000, 0x34000, 0x40000, 0x70000,
                                   0x71000, 0x80000, 0xE0000};
    (void)state;
    nolayout_check_random(&man, sizes, sizeof sizes / sizeof sizes[0], 3, 0xD31F, 977,
                          random_variant);
}

/* Every other fixture of fixtures/csum: never ours. */
static void test_other_fixtures_not_claimed(void **state)
{
    static const char *const ours[] = {"delphi-", "marelli-"};
    (void)state;
    nolayout_check_other_fixtures(&man, ours, 2, 10);
}

/* ---- truncated images ------------------------------------------------------------------------ */

/* Each image cut at many lengths (each copy exactly that long, so ASan sees any read past it):
   never a crash, never a verdict but unknown or this family's no-layout. */
static void test_truncated(void **state)
{
    static const size_t fixed[] = {0,      1,      2,      3,      4,      5,      6,
                                   7,      8,      15,     16,     17,     0x100,  0x1FFF,
                                   0x2000, 0x2002, 0x3000, 0x3010, 0x302B, 0x302C, 0x4812,
                                   0x5F8E, 0x5F90, 0x5FA0, 0x6000};
    static const struct nolayout_cuts cuts = {fixed, sizeof fixed / sizeof fixed[0], 0, NULL};
    (void)state;
    nolayout_check_truncated(&man, &cuts);
}

/* ---- the real dumps -------------------------------------------------------------------------- */

static void test_corpus_claims(void **state)
{
    static const char *const folders[] = {"delco_multec", "marelli"};
    (void)state;
    nolayout_check_corpus(&man, folders, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_images),
        cmocka_unit_test(test_forced_family),
        cmocka_unit_test(test_damaged_markers),
        cmocka_unit_test(test_exclusions),
        cmocka_unit_test(test_4lv_swapped),
        cmocka_unit_test(test_random_not_claimed),
        cmocka_unit_test(test_other_fixtures_not_claimed),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_corpus_claims),
    };
    return cmocka_run_group_tests_name("csum_delphi_marelli", tests, setup, teardown);
}
