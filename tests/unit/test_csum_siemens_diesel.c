/* SPDX-License-Identifier: MIT */
/*
 * The Siemens diesel families (lib/families/siemens_diesel.c: siemens-sid80x for SID801/801A
 * and SID803/803A, siemens-ppd1 for PPD1.x), identified only, against synthetic images
 * (fixtures/csum/siemens-*.bin.gz but siemens-gs20, written by fixtures/csum/siemens_diesel.py
 * from the documented structure). The manifest fixtures/csum/siemens_diesel.tsv says, for each
 * image, which family claims it with which score, what the evidence must quote and which
 * identification fields it has; for each documented piece of structure, whether the image with
 * it damaged is still claimed (by a weaker rule, with its score) or not at all.
 *
 * Checked here: each image is its family's only, with the verdict no-layout, no block, a fix
 * refused with the image unchanged (also with the family forced); the identification fields
 * with their values and offsets; damaged structure; the other family's markers and Bosch
 * strings exclude an image; random data, erased images and the other families' fixtures are
 * not claimed; truncated images are handled safely; the real dumps of ../shared/corpus (or
 * $ECU_CORPUS) are claimed only in the sid80x and ppd1 folders.
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

static const char *const families[] = {"siemens-sid80x", "siemens-ppd1"};
#define NFAMILIES (sizeof families / sizeof families[0])

/* image FILE FAMILY SIZE SCORE QUOTE; marker FILE RANGES FAMILY SCORE; field FILE KEY VALUE
   OFFSET (the value before the offset, unlike simos_me72.tsv); at least one line of each */
static const struct nolayout_format format = {
    .tsv = "siemens_diesel.tsv",
    .families = families,
    .nfamilies = NFAMILIES,
    .image = NOLAYOUT_IMAGE_FAMILY_SIZE_SCORE_QUOTE,
    .marker = NOLAYOUT_MARKER_FAMILY_SCORE,
    .field = NOLAYOUT_FIELD_KEY_VALUE_OFFSET,
    .min_images = 1,
    .min_markers = 1,
    .min_fields = 1,
};

NOLAYOUT_GROUP(man, format)

/* ---- the registry ---------------------------------------------------------------------------- */

static void test_registry(void **state)
{
    size_t k;
    (void)state;
    for (k = 0; k < NFAMILIES; k++)
        nolayout_check_registry(families[k], "Siemens", "no known checksum layout", "openremap");
}

/* ---- each image ------------------------------------------------------------------------------ */

static void test_images(void **state)
{
    (void)state;
    assert_true(nolayout_check_images(&man) >= 2); /* images no family may claim */
}

/* The family given by the caller: still no layout, still refused. */
static void test_forced_family(void **state)
{
    (void)state;
    nolayout_check_forced(&man);
}

/* ---- identification -------------------------------------------------------------------------- */

/* Whether the analysed @p id has a field @p key = @p value at @p offset (ECU_ID_NO_OFFSET: a
   derived value, reported with no offset: exactly, unlike nolayout_check_fields). */
static int has_field(const ecu_id *id, const char *key, const char *value, uint64_t offset)
{
    size_t i;
    for (i = 0; i < ecu_id_field_count(id); i++) {
        const ecu_id_field *f = ecu_id_field_at(id, i);
        if (strcmp(f->key, key) == 0 && strcmp(f->value, value) == 0 && f->offset == offset)
            return 1;
    }
    return 0;
}

static void test_identify(void **state)
{
    ecu_id *id = ecu_id_new();
    size_t i, k, checked = 0;
    (void)state;
    assert_non_null(id);
    for (i = 0; i < man.nimages; i++) {
        const struct nolayout_image *x = &man.images[i];
        const ecu_id_field *fam;
        assert_int_equal(ecu_id_analyze(id, x->data, x->size), ECU_OK);
        fam = ecu_id_get(id, "family");
        if (strcmp(x->family, "-") == 0) {
            if (fam)
                fail_msg("%s: identified as %s", x->file, fam->value);
            continue;
        }
        if (!fam || strcmp(fam->value, x->family) != 0)
            fail_msg("%s: family %s, expected %s", x->file, fam ? fam->value : "none", x->family);
        assert_non_null(ecu_id_get(id, "manufacturer"));
        assert_string_equal(ecu_id_get(id, "manufacturer")->value, "Siemens");
        for (k = 0; k < man.nfields; k++) {
            const struct nolayout_field *f = &man.fields[k];
            if (f->image != i)
                continue;
            if (!has_field(id, f->key, f->value, f->offset))
                fail_msg("%s: no %s '%s' at 0x%llX", x->file, f->key, f->value,
                         (unsigned long long)f->offset);
            checked++;
        }
        /* every field the family reports is printable and lies in the image */
        for (k = 0; k < ecu_id_field_count(id); k++) {
            const ecu_id_field *f = ecu_id_field_at(id, k);
            assert_true(f->offset == ECU_ID_NO_OFFSET || f->offset + strlen(f->value) <= x->size);
        }
    }
    assert_int_equal(checked, man.nfields);
    ecu_id_free(id);
}

/* ---- damaged structure ----------------------------------------------------------------------- */

/* A damaged image may keep its score (never a stronger claim); at least 5 markers lose the
   claim, at least 10 weaken it. */
static void test_damaged_markers(void **state)
{
    static const struct nolayout_damage damage = {.min_gone = 5, .min_weaker = 10,
                                                  .same_score = 1};
    (void)state;
    nolayout_check_damaged(&man, &damage);
}

/* ---- strings that exclude a family ------------------------------------------------------------ */

static void test_exclusions(void **state)
{
    static const char *const bosch[] = {"BOSCH", "MOTRONIC", "EDC17", "MED17", "ME7."};
    static const char *const not_ppd[] = {"111PO", "111PM3", "5WS4"};
    static const char *const not_sid[] = {"111SN", "PPD1."};
    ecu_csum *cs = ecu_csum_new();
    size_t i, k;
    (void)state;
    for (i = 0; i < man.nimages; i++) {
        const struct nolayout_image *x = &man.images[i];
        int ppd = strcmp(x->family, "siemens-ppd1") == 0;
        if (strcmp(x->family, "-") == 0)
            continue;
        nolayout_put_check(&man, cs, x, 0x30000, "NEUTRAL", 1);
        nolayout_put_check(&man, cs, x, x->size - 8, "NEUTRAL", 1);
        for (k = 0; k < sizeof bosch / sizeof bosch[0]; k++) {
            nolayout_put_check(&man, cs, x, 0x30000, bosch[k], 0);
            nolayout_put_check(&man, cs, x, x->size - 8, bosch[k], 0); /* anywhere in the image */
        }
        for (k = 0; k < (ppd ? 3u : 2u); k++)
            nolayout_put_check(&man, cs, x, 0x30000, ppd ? not_ppd[k] : not_sid[k], 0);
    }
    ecu_csum_free(cs);
}

/* Each family's markers moved into the other's image: the structure decides, not the size. */
static void test_structure_not_size(void **state)
{
    const struct nolayout_image *sid = nolayout_image_named(&man, "siemens-sid801.bin.gz");
    const struct nolayout_image *nohdr = nolayout_image_named(&man, "siemens-sid801-nohdr.bin.gz");
    const struct nolayout_image *big = nolayout_image_named(&man, "siemens-sid801-1m.bin.gz");
    ecu_csum *cs = ecu_csum_new();
    uint8_t *copy;
    (void)state;
    /* the documented header with no vector table behind it: not claimed */
    copy = csum_random_buffer(sid->size, 0x5ED1);
    memcpy(copy, sid->data, 4);
    csum_analyze(cs, copy, sid->size);
    csum_assert_unknown(cs, copy, sid->size, "C167 header on random data");
    /* the header and vector table on an image of another size: not claimed */
    csum_analyze(cs, big->data, big->size);
    csum_assert_unknown(cs, big->data, big->size, big->file);
    csum_analyze(cs, sid->data, sid->size - 0x1000);
    nolayout_check_not_ours(&man, cs, "the C167 image cut by 4 KiB");
    /* the vector table with another header: not claimed */
    csum_analyze(cs, nohdr->data, nohdr->size);
    csum_assert_unknown(cs, nohdr->data, nohdr->size, nohdr->file);
    free(copy);
    ecu_csum_free(cs);
}

/* ---- nothing else is claimed ----------------------------------------------------------------- */

/* Random data (k = 0) and erased images (k = 1) of the families' sizes, and: */
static void random_variant(uint8_t *d, size_t n, size_t i, size_t k)
{
    (void)i;
    if (k == 2) /* erased but for a documented C167 header */
        memset(d, 0xFF, n), memcpy(d, "\xC0\xF0\xA0\x14", 4);
    if (k == 3) /* the triple's prefixes, not repeated */
        memcpy(d + 0x20, "111SN0000000000X111SN0000000000Y111PO0000000000Z", 48);
}

static void test_random_not_claimed(void **state)
{
    static const size_t sizes[] = {0x3D000, 0x40000, 0x70000, 0x71000, 0x80000, 0x200000};
    (void)state;
    nolayout_check_random(&man, sizes, sizeof sizes / sizeof sizes[0], 4, 0x51E3, 977,
                          random_variant);
}

/* Every other fixture of fixtures/csum: never ours. */
static void test_other_fixtures_not_claimed(void **state)
{
    static const char *const ours[] = {"siemens-ppd1-", "siemens-sid80"};
    (void)state;
    nolayout_check_other_fixtures(&man, ours, 2, 50);
}

/* ---- truncated images ------------------------------------------------------------------------ */

/* ecu_id on each cut copy: never an error. */
static void identify_cut(const uint8_t *d, size_t n)
{
    ecu_id *id = ecu_id_new();
    assert_non_null(id);
    if (n)
        assert_int_equal(ecu_id_analyze(id, d, n), ECU_OK);
    ecu_id_free(id);
}

/* Each image a family claims cut at many lengths (each copy exactly that long, so ASan sees any
   read past it): never a crash, never a verdict but unknown or this family's no-layout, and
   ecu_id analyses it. The images no family claims are not cut: their structure at another size
   is what they lack. */
static void test_truncated(void **state)
{
    static const size_t fixed[] = {0,     1,      2,      3,      4,       5,       0x2F,
                                   0x30,  0x50,   0x5C,   0x61,   0x78,    0x7A,    0x88,
                                   0x1FF, 0x200,  0x3F85, 0x3F95, 0x6305,  0x6318,  0x10025,
                                   0x40025, 0x40055, 0x40078};
    static const struct nolayout_cuts cuts = {fixed, sizeof fixed / sizeof fixed[0], 1,
                                              identify_cut};
    (void)state;
    nolayout_check_truncated(&man, &cuts);
}

/* ---- the real dumps -------------------------------------------------------------------------- */

static void test_corpus_claims(void **state)
{
    static const char *const folders[] = {"sid80x", "ppd1"};
    (void)state;
    nolayout_check_corpus(&man, folders, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_images),
        cmocka_unit_test(test_forced_family),
        cmocka_unit_test(test_identify),
        cmocka_unit_test(test_damaged_markers),
        cmocka_unit_test(test_exclusions),
        cmocka_unit_test(test_structure_not_size),
        cmocka_unit_test(test_random_not_claimed),
        cmocka_unit_test(test_other_fixtures_not_claimed),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_corpus_claims),
    };
    return cmocka_run_group_tests_name("csum_siemens_diesel", tests, setup, teardown);
}
