/* SPDX-License-Identifier: MIT */
/*
 * The older Bosch Motronic checksum families (lib/families/bosch_motronic_old.c) against
 * synthetic images (fixtures/csum/motronic-*.bin.gz, written by fixtures/csum/motronic_old.py
 * from the documented layouts). What the library must find in each image comes from
 * fixtures/csum/motronic_old.tsv, computed by the generator independently of the C code: the
 * family, the blocks with their ranges, slots, stored and computed values, the slot bytes after
 * a correction, a data byte that only one block covers, and the identification whose erasure
 * must leave the image unclaimed. The real dumps of ../shared/corpus (or $ECU_CORPUS), when
 * present, are checked for false claims: these families may claim nothing outside the
 * motronic_old and other folders. The manifest reader and the checks every family gets are in
 * csum_manifest.c.
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

static const char *const families[] = {"bosch-m1x-bmw", "bosch-dme-bmw", "bosch-m43-volvo",
                                       "bosch-m44-volvo", "bosch-m3x-m5x"};
#define NFAMILIES (sizeof families / sizeof families[0])

CSUM_MANIFEST_GROUP(manifest, "motronic_old.tsv", 2, 0)

/* ---- helpers -------------------------------------------------------------------------------- */

/* csum_assert_unknown, and neither a family nor a candidate */
static void check_unknown(ecu_csum *cs, const uint8_t *d, size_t n, const char *what)
{
    csum_assert_unknown(cs, d, n, what);
    assert_null(ecu_csum_family(cs));
    assert_int_equal(ecu_csum_candidate_count(cs), 0);
}

/* ---- the registry --------------------------------------------------------------------------- */

static void test_registry(void **state)
{
    size_t k;
    (void)state;
    for (k = 0; k < NFAMILIES; k++) {
        const ecu_family_info *f = csum_family_info(families[k]);
        assert_string_equal(f->manufacturer, "Bosch");
        assert_true(f->verifies && *f->verifies);
        assert_true(f->corrects && *f->corrects);
    }
}

/* ---- good images ---------------------------------------------------------------------------- */

static void test_good_images(void **state)
{
    (void)state;
    assert_true(csum_check_good_images(&manifest) >= NFAMILIES);
    csum_check_families_covered(&manifest, families, NFAMILIES);
}

/* ---- one data byte of one block ------------------------------------------------------------- */

static void test_flip_each_block(void **state)
{
    (void)state;
    csum_check_flip_each_block(&manifest);
}

/* ---- a wrong value in a checksum slot -------------------------------------------------------- */

/* Block k's slot changed: k is bad, and so is every block whose ranges cover that slot; the
 * correction gives back the good image byte for byte. */
static void test_slot_each_block(void **state)
{
    (void)state;
    csum_for_each_good_block(&manifest, csum_check_slot_bytes);
}

/* ---- the -bad variants ---------------------------------------------------------------------- */

static void test_bad_variants(void **state)
{
    (void)state;
    assert_true(csum_check_bad_variants(&manifest) >= NFAMILIES);
}

/* ---- nothing claimed on the size alone ------------------------------------------------------ */

static void test_not_claimed(void **state)
{
    static const size_t sizes[] = {0x8000, 0x10000, 0x20000, 0x40000};
    ecu_csum *cs = ecu_csum_new();
    size_t i;
    (void)state;
    assert_non_null(cs);
    /* random and erased images of every size these families take */
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint8_t *p = csum_random_buffer(sizes[i], 0x5EED0000u + (uint32_t)i);
        csum_analyze(cs, p, sizes[i]);
        check_unknown(cs, p, sizes[i], "random bytes");
        memset(p, 0xFF, sizes[i]);
        csum_analyze(cs, p, sizes[i]);
        check_unknown(cs, p, sizes[i], "erased (0xFF)");
        memset(p, 0x00, sizes[i]);
        csum_analyze(cs, p, sizes[i]);
        check_unknown(cs, p, sizes[i], "zeros");
        free(p);
    }
    /* each good image with its identification erased: unclaimed, checksums and all */
    for (i = 0; i < manifest.nimages; i++) {
        const struct csum_image *x = &manifest.images[i];
        uint8_t *copy;
        char what[128];
        if (!csum_is_good(x))
            continue;
        assert_true(x->nidents > 0);
        copy = csum_without_idents(x);
        snprintf(what, sizeof what, "%.63s without its identification", x->file);
        csum_analyze(cs, copy, x->size);
        check_unknown(cs, copy, x->size, what);
        free(copy);
    }
    ecu_csum_free(cs);
}

/* ---- the other identifications -------------------------------------------------------------- */

/* @p x with its identification erased and @p text put at @p at (outside every range and slot):
 * claimed by its family again. */
static void check_reidentified(ecu_csum *cs, const struct csum_image *x, uint64_t at,
                               const char *text, size_t len)
{
    uint8_t *copy = csum_without_idents(x);
    csum_analyze(cs, copy, x->size);
    check_unknown(cs, copy, x->size, x->file);
    memcpy(copy + at, text, len);
    csum_analyze(cs, copy, x->size);
    csum_check_layout(cs, x);
    assert_true(ecu_csum_evidence(cs)[0] != '\0');
    free(copy);
}

static void test_other_idents(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    const struct csum_image *m43 = csum_image(&manifest, "motronic-m43-volvo-64k.bin.gz");
    const struct csum_image *m44 = csum_image(&manifest, "motronic-m44-volvo-128k.bin.gz");
    const struct csum_image *m1 = csum_image(&manifest, "motronic-m1x-bmw-32k.bin.gz");
    static const char zsmfc[] = "ZSMFC                                   0261203000";
    static const char damos44[] = "44/1/M4.4/04/5033/DAMOS3E1/";
    uint8_t *copy;
    (void)state;
    assert_non_null(cs);
    /* M4.3 by motronicsuite's marker (hardware number 40 bytes on), M4.4 by its DAMOS tag */
    check_reidentified(cs, m43, 0xFF10, zsmfc, sizeof zsmfc - 1);
    check_reidentified(cs, m44, 0xFF10, damos44, sizeof damos44 - 1);
    /* an M1.x number not in the list: claimed on the code bytes at 0x1EFC, then not at all */
    copy = csum_dup(m1->data, m1->size);
    memcpy(copy + 0x1F02, "7777021620", 10);
    csum_analyze(cs, copy, m1->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    csum_check_layout(cs, m1);
    assert_non_null(strstr(ecu_csum_evidence(cs), "0261207777"));
    copy[0x1EFC] ^= 0xFF;
    csum_analyze(cs, copy, m1->size);
    check_unknown(cs, copy, m1->size, "M1.x, unlisted number and no code bytes");
    free(copy);
    ecu_csum_free(cs);
}

/* ---- families given by name ------------------------------------------------------------------ */

static void test_forced(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    const struct csum_image *m43 = csum_image(&manifest, "motronic-m43-volvo-64k.bin.gz");
    const struct csum_image *m44 = csum_image(&manifest, "motronic-m44-volvo-128k.bin.gz");
    const struct csum_image *m1 = csum_image(&manifest, "motronic-m1x-bmw-32k.bin.gz");
    uint8_t *rnd = csum_random_buffer(0x10000, 0xD0E00001u);
    size_t i;
    (void)state;
    assert_non_null(cs);
    /* the right family by name: the same result as detection */
    for (i = 0; i < manifest.nimages; i++)
        csum_check_named(cs, &manifest.images[i]);
    /* a fixed layout of another size: nothing to check */
    assert_int_equal(ecu_csum_set_family(cs, "bosch-m43-volvo"), ECU_OK);
    csum_analyze(cs, m44->data, m44->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_NO_LAYOUT);
    assert_int_equal(ecu_csum_set_family(cs, "bosch-m44-volvo"), ECU_OK);
    csum_analyze(cs, m43->data, m43->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_NO_LAYOUT);
    assert_int_equal(ecu_csum_set_family(cs, "bosch-m1x-bmw"), ECU_OK);
    csum_analyze(cs, m43->data, m43->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_NO_LAYOUT);
    /* layouts found from the image's own structure: none in random bytes */
    assert_int_equal(ecu_csum_set_family(cs, "bosch-dme-bmw"), ECU_OK);
    csum_analyze(cs, rnd, 0x10000);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_NO_LAYOUT);
    assert_int_equal(ecu_csum_set_family(cs, "bosch-dme-bmw"), ECU_OK);
    csum_analyze(cs, m1->data, m1->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_NO_LAYOUT);
    assert_int_equal(ecu_csum_set_family(cs, "bosch-m3x-m5x"), ECU_OK);
    csum_analyze(cs, m43->data, m43->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_NO_LAYOUT);
    assert_int_equal(ecu_csum_set_family(cs, NULL), ECU_OK);
    free(rnd);
    ecu_csum_free(cs);
}

/* ---- the real dumps: no false claims --------------------------------------------------------- */

static void test_corpus_claims(void **state)
{
    static const char *const folders[] = {"motronic_old", "other"};
    (void)state;
    if (!csum_check_corpus_claims(families, NFAMILIES, folders, 2))
        skip();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_good_images),
        cmocka_unit_test(test_flip_each_block),
        cmocka_unit_test(test_slot_each_block),
        cmocka_unit_test(test_bad_variants),
        cmocka_unit_test(test_not_claimed),
        cmocka_unit_test(test_other_idents),
        cmocka_unit_test(test_forced),
        cmocka_unit_test(test_corpus_claims),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
