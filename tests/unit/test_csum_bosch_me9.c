/* SPDX-License-Identifier: MIT */
/*
 * bosch-me9 (lib/families/bosch_me9.c: Bosch ME9 / MED9, identification; the MED9.5.10
 * checksums: tests/unit/test_csum_bosch_me9_med9510.c) against the
 * synthetic images of fixtures/csum/bosch_me9.py (written from the documented structure, with
 * invented ID values). The manifest fixtures/csum/bosch_me9.tsv says, for each image, its
 * size and score; for each documented piece of structure, the score once it is damaged (a
 * weaker rule) or that the image is no longer claimed; and the fields ecu_id must report.
 *
 * Checked here: each image is bosch-me9's alone, no-layout, no block, a fix refused with the
 * image unchanged (also with the family forced); damaged structure; the identified fields
 * (values and offsets); random and erased data of the family's sizes, the RAM-loader ident
 * alone in random data, and every other fixture are not claimed; truncated images are handled
 * safely; the real dumps of ../shared/corpus are claimed only in the me9_med9 folder.
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

#define FAMILY "bosch-me9"

static const char *const families[] = {FAMILY};

/* Detected, not forced: the evidence quotes the RAM-loader ident. */
static void quotes_ramloader(ecu_csum *cs, const char *what)
{
    if (!strstr(ecu_csum_evidence(cs), "Bosch.Common.RamLoader.Me9"))
        fail_msg("%s: evidence '%s' does not quote the RAM-loader ident", what,
                 ecu_csum_evidence(cs));
}

/* image FILE SIZE SCORE; marker FILE START-END SCORE (one range; no score: not claimed); field
   FILE KEY VALUE OFFSET (an offset, never '-'); at least one line of each */
static const struct nolayout_format format = {
    .tsv = "bosch_me9.tsv",
    .families = families,
    .nfamilies = 1,
    .image = NOLAYOUT_IMAGE_SIZE_SCORE,
    .marker = NOLAYOUT_MARKER_RANGE_SCORE,
    .field = NOLAYOUT_FIELD_KEY_VALUE_AT,
    .detected = quotes_ramloader,
    .min_images = 1,
    .min_markers = 1,
    .min_fields = 1,
};

NOLAYOUT_GROUP(man, format)

/* The registry's entry: the variants other than MED9.5.10 identified only (their checksums in
   tests/unit/test_csum_bosch_me9_med9510.c). */
static void test_registry(void **state)
{
    const ecu_family_info *f = csum_family_info(FAMILY);
    (void)state;
    assert_string_equal(f->manufacturer, "Bosch");
    assert_non_null(strstr(f->verifies, "no known checksum layout"));
    assert_non_null(strstr(f->verifies, "MED9.5.10"));
    assert_non_null(strstr(f->description, "identification only"));
    assert_non_null(strstr(f->corrects, "MED9.5.10 multipoint sums"));
    assert_true(f->sources && strstr(f->sources, "openremap") &&
                strstr(f->sources, "olegm382/IronFelix"));
}

/* Each image bosch-me9's alone with its score, the evidence quoting the RAM-loader ident; forced:
   still no layout, still refused. */
static void test_images(void **state)
{
    (void)state;
    nolayout_check_images(&man);
    nolayout_check_forced(&man);
}

/* Damaged structure: at least 3 markers lose the claim, at least 3 weaken it. */
static void test_damaged_structure(void **state)
{
    static const struct nolayout_damage damage = {.min_gone = 3, .min_weaker = 3};
    (void)state;
    nolayout_check_damaged(&man, &damage);
}

/* Each byte of the 32 exception table entries' opcodes and of the RAM-loader version's NUL:
   a `b` (AA = 0) or `bla` (LK = 1) instead of `ba`, or a zero target, drops the table. */
static void test_exception_table_entries(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    const struct nolayout_image *x = &man.images[0];
    size_t k, v;
    (void)state;
    for (k = 0; k < 32; k++)
        for (v = 0; v < 3; v++) {
            uint8_t *copy = csum_dup(x->data, x->size);
            char what[96];
            if (v == 0)
                copy[8 * k + 3] &= 0xFC; /* b: AA = 0 */
            else if (v == 1)
                copy[8 * k + 3] |= 0x01; /* bla: LK = 1 */
            else
                copy[8 * k + 1] = copy[8 * k + 2] = 0, copy[8 * k + 3] = 0x02; /* ba 0 */
            snprintf(what, sizeof what, "%s, exception entry %zu variant %zu", x->file, k, v);
            csum_analyze(cs, copy, x->size);
            nolayout_check_claimed(cs, copy, x->size, FAMILY, x->score - 15, what);
            quotes_ramloader(cs, what);
            free(copy);
        }
    ecu_csum_free(cs);
}

/* Each field line reported by ecu_id at its offset, the image identified as bosch-me9; a MED9
   image is not called ME9. */
static void test_fields(void **state)
{
    ecu_id *id = ecu_id_new();
    size_t i;
    (void)state;
    nolayout_check_fields(&man);
    assert_int_equal(ecu_id_analyze(id, man.images[0].data, man.images[0].size), ECU_OK);
    for (i = 0; i < ecu_id_field_count(id); i++) {
        const ecu_id_field *g = ecu_id_field_at(id, i);
        if (strcmp(g->key, "ecu_type") == 0)
            assert_string_not_equal(g->value, "ME9");
    }
    ecu_id_free(id);
}

/* Random data (k = 0) and erased images (k = 1) of the family's sizes, and: */
static void random_variant(uint8_t *d, size_t n, size_t i, size_t k)
{
    static const char anchor[] = "Bosch.Common.RamLoader.Me9.0042";
    size_t e;
    (void)n, (void)i;
    /* k >= 2: the RAM-loader ident (NUL-terminated) with no PowerPC code */
    memcpy(d + 0x1000, anchor, sizeof anchor);
    if (k == 3) /* and the exception table: still no code */
        for (e = 0; e < 32; e++)
            d[8 * e] = 0x48, d[8 * e + 1] = 0, d[8 * e + 2] = 0x40, d[8 * e + 3] = 0x02;
}

static void test_random_not_claimed(void **state)
{
    static const size_t sizes[] = {0x8000, 0x20000, 0x80000, 0x100000, 0x200000};
    (void)state;
    nolayout_check_random(&man, sizes, sizeof sizes / sizeof sizes[0], 4, 0x3E9, 131,
                          random_variant);
}

static void test_other_fixtures_not_claimed(void **state)
{
    static const char *const ours[] = {"bosch-me9-"};
    (void)state;
    nolayout_check_other_fixtures(&man, ours, 1, 10);
}

static void test_truncated(void **state)
{
    static const size_t fixed[] = {0,      1,       4,       8,       0xFF,    0x100,
                                   0x3000, 0x3100,  0x7FFF,  0x8000,  0x15006, 0x15020,
                                   0x15024, 0x15025, 0x15026, 0x20000};
    static const struct nolayout_cuts cuts = {fixed, sizeof fixed / sizeof fixed[0], 0, NULL};
    (void)state;
    nolayout_check_truncated(&man, &cuts);
}

static void test_corpus_claims(void **state)
{
    static const char *const folders[] = {"me9_med9"};
    (void)state;
    nolayout_check_corpus(&man, folders, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_images),
        cmocka_unit_test(test_damaged_structure),
        cmocka_unit_test(test_exception_table_entries),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_random_not_claimed),
        cmocka_unit_test(test_other_fixtures_not_claimed),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_corpus_claims),
    };
    return cmocka_run_group_tests_name("csum_bosch_me9", tests, setup, teardown);
}
