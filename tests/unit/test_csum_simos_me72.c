/* SPDX-License-Identifier: MIT */
/*
 * The identification-only families siemens-simos23 (lib/families/siemens_simos23.c: Siemens
 * Simos 2 / Simos 3) and bosch-me72 (lib/families/bosch_me72.c: the Bosch ME7.2 64 KiB data
 * image) against synthetic images (fixtures/csum/siemens-simos*.bin.gz, bosch-me72*.bin.gz,
 * written by fixtures/csum/simos_me72.py from the documented structure). These families have
 * no checksum layout; the manifest fixtures/csum/simos_me72.tsv says, for each image, which
 * family claims it with which score and what the evidence must quote, for each documented
 * piece of structure whether the image with it damaged is still claimed (by a weaker rule,
 * with its score) or not at all, and which identification fields ecu_id must report.
 *
 * Checked here: each image is its family's only, with the verdict no-layout, no block, a fix
 * refused with the image unchanged (also with the family forced); the identified fields with
 * their values and offsets; damaged structure; other makers' strings and foreign EPKs exclude
 * an image; random data and erased images of the families' sizes, and the other families'
 * fixtures, are not claimed; truncated images are handled safely; the real dumps of
 * ../shared/corpus (or $ECU_CORPUS) are claimed only in the simos_2_3 and me7_other folders.
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
#include "ecu/id.h"
#include "ecu/image.h"

static const char *const families[] = {"siemens-simos23", "bosch-me72"};
#define NFAMILIES (sizeof families / sizeof families[0])

/* image FILE FAMILY SIZE SCORE QUOTE; marker FILE RANGES FAMILY SCORE; field FILE KEY OFFSET
   VALUE (the offset before the value, unlike siemens_diesel.tsv) */
static const struct nolayout_format format = {
    .tsv = "simos_me72.tsv",
    .families = families,
    .nfamilies = NFAMILIES,
    .image = NOLAYOUT_IMAGE_FAMILY_SIZE_SCORE_QUOTE,
    .marker = NOLAYOUT_MARKER_FAMILY_SCORE,
    .field = NOLAYOUT_FIELD_KEY_OFFSET_VALUE,
    .min_images = 1,
};

NOLAYOUT_GROUP(man, format)

/* ---- the registry ---------------------------------------------------------------------------- */

static void test_registry(void **state)
{
    size_t k;
    (void)state;
    for (k = 0; k < NFAMILIES; k++)
        nolayout_check_registry(families[k], k == 0 ? "Siemens" : "Bosch",
                                "no public checksum layout", k == 0 ? "openremap" : "E650_000.a2l");
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

static void test_exclusions(void **state)
{
    static const char *const simos_foreign[] = {"BOSCH", "MOTRONIC", "ME7.", "EDC17",
                                                "MED17", "5WS4",     "5WK9", "SID80"};
    static const char *const me72_foreign[] = {"SIMOS", "5WK9", "40/1/ME7.1/5/",
                                               "44/1/ME7.5/20/"};
    ecu_csum *cs = ecu_csum_new();
    size_t i, k;
    (void)state;
    for (i = 0; i < man.nimages; i++) {
        const struct nolayout_image *x = &man.images[i];
        int simos = strcmp(x->family, "siemens-simos23") == 0;
        if (strcmp(x->family, "-") == 0)
            continue;
        nolayout_put_check(&man, cs, x, simos ? 0x5000 : 0x1000, "NEUTRAL", 1);
        if (simos)
            for (k = 0; k < sizeof simos_foreign / sizeof simos_foreign[0]; k++)
                nolayout_put_check(&man, cs, x, 0x5000, simos_foreign[k], 0);
        else /* before the EPK at 0x2C38 */
            for (k = 0; k < sizeof me72_foreign / sizeof me72_foreign[0]; k++)
                nolayout_put_check(&man, cs, x, 0x1000, me72_foreign[k], 0);
    }
    ecu_csum_free(cs);
}

/* The JMPS table without a Siemens ident is any C166 ECU's: not claimed; with one of the two
   idents it is (score 70). */
static void test_c166_needs_ident(void **state)
{
    static const char wp[] = "\0005WP4321", wp1[] = "\0005WP43\000", label[] = "\000SIMOS 9X   4321";
    const struct nolayout_image *noid =
        nolayout_image_named(&man, "siemens-simos-noid-128k.bin.gz");
    ecu_csum *cs = ecu_csum_new();
    uint8_t *copy;
    (void)state;
    csum_analyze(cs, noid->data, noid->size);
    assert_null(ecu_csum_family(cs));
    copy = csum_dup(noid->data, noid->size);
    memcpy(copy + 0x9000, wp, sizeof wp);
    csum_analyze(cs, copy, noid->size);
    nolayout_check_claimed(cs, copy, noid->size, "siemens-simos23", 70,
                           "JMPS table and a 5WP4 number");
    memcpy(copy + 0x9000, wp1, sizeof wp1); /* 1 digit: not a part number */
    csum_analyze(cs, copy, noid->size);
    assert_null(ecu_csum_family(cs));
    memcpy(copy + 0x9000, label, sizeof label);
    csum_analyze(cs, copy, noid->size);
    nolayout_check_claimed(cs, copy, noid->size, "siemens-simos23", 70,
                           "JMPS table and a SIMOS label");
    /* the same table in a file of another size: not this family's */
    csum_analyze(cs, copy, 0x18000);
    nolayout_check_not_ours(&man, cs, "JMPS table and SIMOS label, 96 KiB");
    free(copy);
    ecu_csum_free(cs);
}

/* ---- identification -------------------------------------------------------------------------- */

/* Each field line: ecu_id reports it (a derived value '-': at any offset). */
static void test_fields(void **state)
{
    (void)state;
    assert_true(nolayout_check_fields(&man) >= 20);
}

/* ---- nothing else is claimed ----------------------------------------------------------------- */

/* Random data (k = 0) and erased images (k = 1) of the families' sizes (index i), and: */
static void random_variant(uint8_t *d, size_t n, size_t i, size_t k)
{
    if (k == 2) /* the documented headers, but random data behind them */
        d[0] = i == 0 ? 'Z' : i == 2 ? 0xC0 : 0xF0, d[1] = i == 0 ? 'Z' : i == 2 ? 0x64 : 0x30;
    if (k == 3) /* ZZ and an erased display-table area (FF, not zero), nothing else */
        d[0] = 'Z', d[1] = 'Z', memset(d + 0x7F68, 0xFF, 0x88);
    if (k == 4) /* every byte 0xF0: a "table" of one slot repeated */
        memset(d, 0xF0, n);
}

static void test_random_not_claimed(void **state)
{
    static const size_t sizes[] = {0x10000, 0x20000, 0x40000, 0x80000};
    (void)state;
    nolayout_check_random(&man, sizes, sizeof sizes / sizeof sizes[0], 5, 0xD31F, 977,
                          random_variant);
}

/* Every other fixture of fixtures/csum: never ours. */
static void test_other_fixtures_not_claimed(void **state)
{
    static const char *const ours[] = {"siemens-simos", "bosch-me72"};
    (void)state;
    nolayout_check_other_fixtures(&man, ours, 2, 10);
}

/* ---- truncated images ------------------------------------------------------------------------ */

/* Each image cut at many lengths (each copy exactly that long, so ASan sees any read past it):
   never a crash, never a verdict but unknown or this family's no-layout. */
static void test_truncated(void **state)
{
    static const size_t fixed[] = {0,       1,       2,       3,       4,      5,
                                   8,       0x3F,    0x40,    0x83,    0x84,   0x2C40,
                                   0x7F70,  0x7FF0,  0xFCD4,  0xFFFF,  0x10000, 0x18004,
                                   0x18060, 0x1FFFF, 0x20000, 0x3FFFF, 0x40000};
    static const struct nolayout_cuts cuts = {fixed, sizeof fixed / sizeof fixed[0], 0, NULL};
    (void)state;
    nolayout_check_truncated(&man, &cuts);
}

/* ---- the real dumps -------------------------------------------------------------------------- */

static void test_corpus_claims(void **state)
{
    static const char *const folders[] = {"simos_2_3", "me7_other"};
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
        cmocka_unit_test(test_c166_needs_ident),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_random_not_claimed),
        cmocka_unit_test(test_other_fixtures_not_claimed),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_corpus_claims),
    };
    return cmocka_run_group_tests_name("csum_simos_me72", tests, setup, teardown);
}
