/* SPDX-License-Identifier: MIT */
/*
 * The Bosch EDC15 family (lib/families/bosch_edc15.c) against its synthetic images
 * fixtures/csum/edc15-512k.bin.gz, edc15v-256k.bin.gz and their -bad variants. What the library must find comes
 * from fixtures/csum/edc15-expected.tsv, written by fixtures/csum/edc15.py, which computes the
 * V4.1 rolling checksum independently of the C code (format as expected.tsv: image and block
 * lines; the blocks are the checked regions in table order).
 *
 * Checked: the good image verifies with the manifest's blocks and values; a flipped data byte
 * in any region makes exactly that block bad, and the correction gives back the good image
 * byte for byte (a second correction changes nothing); a wrong slot is corrected the same
 * way; the -bad variant is bad in the manifest's blocks and corrected to them; without the
 * V4.1 marker, or when at most 3 regions verify while some fail, the family is still named
 * but no layout is claimed; the EDC15V 256 KiB table, chosen by size alone, is taken when two
 * regions verify, one of them with the fixed seeds; a slot holding 0xC3C3C3C3 is not checked. The manifest reader and
 * the checks every family gets are in csum_manifest.c.
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

#define FAMILY "bosch-edc15"
#define MARKER 0x50008u

static struct csum_manifest manifest;
static const struct csum_image *good_img, *bad_img, *v_img;

static int setup(void **state)
{
    size_t i, k;
    (void)state;
    for (k = 0; k < ecu_family_count() && strcmp(ecu_family_at(k)->name, FAMILY) != 0; k++)
        ;
    if (k == ecu_family_count()) {
        print_error("family %s is not registered (lib/families/registry.c)\n", FAMILY);
        return -1;
    }
    if (csum_manifest_load(&manifest, ECU_FIXTURES_DIR "/csum/edc15-expected.tsv"))
        return -1;
    /* the 512 KiB V4.1 image and its -bad variant, the EDC15V 256 KiB one; 4-byte slots */
    for (i = 0; i < manifest.nimages; i++)
        if (strcmp(manifest.images[i].family, FAMILY) != 0)
            break;
    good_img = csum_find_image(&manifest, "edc15-512k.bin.gz");
    bad_img = csum_find_image(&manifest, "edc15-512k-bad.bin.gz");
    v_img = csum_find_image(&manifest, "edc15v-256k.bin.gz");
    if (manifest.nimages != 4 || i != 4 || !good_img || !bad_img || !v_img ||
        strcmp(bad_img->good, good_img->file) != 0 || bad_img->nblocks != good_img->nblocks ||
        v_img->size != 0x40000 || !csum_manifest_slot_bytes(&manifest, 4)) {
        print_error("edc15-expected.tsv: not the %s images expected\n", FAMILY);
        csum_manifest_free(&manifest);
        good_img = bad_img = v_img = NULL;
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    csum_manifest_free(&manifest);
    good_img = bad_img = v_img = NULL;
    return 0;
}

/* ---- helpers -------------------------------------------------------------------------------- */

static void assert_family(const ecu_csum *cs)
{
    const ecu_family_info *f = ecu_csum_family(cs);
    assert_non_null(f);
    assert_string_equal(f->name, FAMILY);
}

/* ---- the good image ------------------------------------------------------------------------- */

static void test_good_image(void **state)
{
    (void)state;
    assert_string_equal(good_img->family, FAMILY);
    assert_int_equal(csum_check_good_images(&manifest), 2);
}

/* ---- one data byte of each region ------------------------------------------------------------ */

static void test_each_region(void **state)
{
    (void)state;
    csum_check_flip_each_block(&manifest);
}

/* ---- a wrong value in each slot --------------------------------------------------------------- */

static void check_slot(ecu_csum *cs, const struct csum_image *x, size_t k)
{
    csum_check_slot_byte(cs, x, k, 0);
    csum_check_slot_byte(cs, x, k, 3);
}

static void test_each_slot(void **state)
{
    (void)state;
    csum_for_each_good_block(&manifest, check_slot);
}

/* ---- the -bad variant ------------------------------------------------------------------------ */

static void test_bad_variant(void **state)
{
    (void)state;
    assert_int_equal(csum_check_bad_variants(&manifest), 2);
}

/* ---- what is not recognised -------------------------------------------------------------------- */

/* Without "V4.1" at 0x50008 (nor 0x58008) the family is named, no layout is claimed and
 * nothing can be corrected. */
static void test_no_marker(void **state)
{
    const struct csum_image *x = good_img;
    ecu_csum *cs = ecu_csum_new();
    uint8_t *copy = csum_dup(x->data, x->size);
    (void)state;
    assert_non_null(cs);
    assert_memory_equal(copy + MARKER, "V4.1", 4);
    memcpy(copy + MARKER, "V4.0", 4);
    csum_analyze(cs, copy, x->size);
    csum_assert_verdict(cs, ECU_VERDICT_NO_LAYOUT, "V4.1 marker removed");
    assert_family(cs);
    assert_int_equal(ecu_csum_block_count(cs), 0);
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_INVALID);
    csum_assert_image(cs, copy, x->size, "V4.1 marker removed");
    free(copy);
    ecu_csum_free(cs);
}

/* Some regions fail and at most 3 verify: another layout (the "2002" variant), not a damaged
 * file, so no layout. With 4 verified regions the table is recognised and the rest are bad. */
static void test_wrong_table(void **state)
{
    const struct csum_image *x = good_img;
    ecu_csum *cs = ecu_csum_new();
    size_t k, nflip;
    (void)state;
    assert_non_null(cs);
    assert_true(x->nblocks >= 5);
    for (nflip = x->nblocks - 4; nflip <= x->nblocks; nflip++) {
        uint8_t *copy = csum_dup(x->data, x->size);
        char what[64];
        snprintf(what, sizeof what, "%zu of %zu regions changed", nflip, x->nblocks);
        for (k = 0; k < nflip; k++)
            copy[x->b[k].probe] ^= 0x01;
        csum_analyze(cs, copy, x->size);
        if (x->nblocks - nflip >= 4) {
            csum_assert_verdict(cs, ECU_VERDICT_BAD, what);
            csum_check_layout(cs, x);
            assert_int_equal(ecu_csum_bad_count(cs), nflip);
            assert_int_equal(ecu_csum_fix(cs), ECU_OK);
            csum_assert_verdict(cs, ECU_VERDICT_FIXED, what);
        } else {
            csum_assert_verdict(cs, ECU_VERDICT_NO_LAYOUT, what);
            assert_family(cs);
            assert_int_equal(ecu_csum_block_count(cs), 0);
            assert_int_equal(ecu_csum_fix(cs), ECU_ERR_INVALID);
        }
        free(copy);
    }
    ecu_csum_free(cs);
}

/* The EDC15V 256 KiB table, chosen by the size alone, must prove itself: with regions
 * changed, the image is bad while at least two regions verify and one of them has the fixed
 * seeds (region 0 has seeds 0/0); otherwise it is another layout (no-layout). */
static void test_vm_table(void **state)
{
    static const struct {
        unsigned changed; /* bit k: region k's probe byte flipped */
        ecu_verdict want;
    } cases[] = {
        {0x1, ECU_VERDICT_BAD},       /* 3 verify */
        {0x6, ECU_VERDICT_BAD},       /* regions 0 and 3 verify: 3 is seeded */
        {0xC, ECU_VERDICT_BAD},       /* regions 0 and 1 verify: 1 is seeded */
        {0x7, ECU_VERDICT_NO_LAYOUT}, /* only region 3 verifies */
        {0xE, ECU_VERDICT_NO_LAYOUT}, /* only region 0 (seeds 0/0) verifies */
        {0xF, ECU_VERDICT_NO_LAYOUT}, /* none */
    };
    const struct csum_image *x = v_img;
    ecu_csum *cs = ecu_csum_new();
    size_t c, k;
    (void)state;
    assert_non_null(cs);
    assert_int_equal(x->nblocks, 4);
    for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        uint8_t *copy = csum_dup(x->data, x->size);
        char what[64];
        snprintf(what, sizeof what, "EDC15V, regions 0x%X changed", cases[c].changed);
        for (k = 0; k < 4; k++)
            if (cases[c].changed & (1u << k))
                copy[x->b[k].probe] ^= 0x01;
        csum_analyze(cs, copy, x->size);
        csum_assert_verdict(cs, cases[c].want, what);
        assert_family(cs);
        if (cases[c].want == ECU_VERDICT_BAD) {
            csum_check_layout(cs, x);
            assert_int_equal(ecu_csum_fix(cs), ECU_OK);
            csum_assert_verdict(cs, ECU_VERDICT_FIXED, what);
        } else {
            assert_int_equal(ecu_csum_block_count(cs), 0);
            assert_int_equal(ecu_csum_fix(cs), ECU_ERR_INVALID);
            csum_assert_image(cs, copy, x->size, what);
        }
        free(copy);
    }
    ecu_csum_free(cs);
}

/* A slot holding 0xC3C3C3C3 (never written) is not checked: that region drops out. */
static void test_c3_slot(void **state)
{
    const struct csum_image *x = good_img;
    ecu_csum *cs = ecu_csum_new();
    size_t k, i;
    (void)state;
    assert_non_null(cs);
    for (k = 0; k < x->nblocks; k++) {
        uint8_t *copy = csum_dup(x->data, x->size);
        memset(copy + x->b[k].slot, 0xC3, 4);
        csum_analyze(cs, copy, x->size);
        csum_assert_verdict(cs, ECU_VERDICT_OK, "slot 0xC3C3C3C3");
        assert_int_equal(ecu_csum_block_count(cs), x->nblocks - 1);
        for (i = 0; i < x->nblocks - 1; i++)
            assert_int_equal(ecu_csum_block_at(cs, i)->store_offset, x->b[i < k ? i : i + 1].slot);
        free(copy);
    }
    ecu_csum_free(cs);
}

/* The family forced onto an image too short for the table: no layout, no out-of-bounds read. */
static void test_forced_short(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    (void)state;
    assert_non_null(cs);
    assert_int_equal(ecu_csum_set_family(cs, FAMILY), ECU_OK);
    csum_analyze(cs, good_img->data, 0x40000);
    csum_assert_verdict(cs, ECU_VERDICT_NO_LAYOUT, "first 256 KiB, family forced");
    csum_analyze(cs, good_img->data, 0x7BFFF);
    csum_assert_verdict(cs, ECU_VERDICT_NO_LAYOUT,
                        "image ends before the last slot, family forced");
    ecu_csum_free(cs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_image),
        cmocka_unit_test(test_each_region),
        cmocka_unit_test(test_each_slot),
        cmocka_unit_test(test_bad_variant),
        cmocka_unit_test(test_no_marker),
        cmocka_unit_test(test_wrong_table),
        cmocka_unit_test(test_vm_table),
        cmocka_unit_test(test_c3_slot),
        cmocka_unit_test(test_forced_short),
    };
    return cmocka_run_group_tests_name("csum_edc15", tests, setup, teardown);
}
