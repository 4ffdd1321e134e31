/* SPDX-License-Identifier: MIT */
/*
 * ecu_csum_set_reference: the checksum layout taken from a verified read of the same ECU and
 * software. The case it exists for: the Hitachi Nissan "std" sum and xor slots are found from
 * the data (lib/families/hitachi_nissan.c), so once a tuned file's data has changed they are
 * not found again, and the file can be neither verified nor corrected on its own; with the
 * stock read as reference it can.
 *
 * Images: fixtures/csum/hitachi-std-512k.bin.gz (manifest fixtures/csum/hitachi.tsv: std sum
 * slot 0x67EC, std xor slot 0x67E4, both over the whole image but the two slots; the alt
 * block 0x1408-0x30D4 with its sum and xor at 0x1400/0x1404), and an EDC16 fixture for a
 * reference of another family. The corrected values are computed here, word by word, not
 * taken from the library.
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

#define STD_SUM_SLOT 0x67ECu
#define STD_XOR_SLOT 0x67E4u
#define CHANGED_AT 0x40001u /* a data byte of the std range only (not alt, not a slot) */

static struct csum_manifest manifest;
static const struct csum_image *stock;

static int setup(void **state)
{
    (void)state;
    if (csum_manifest_load(&manifest, ECU_FIXTURES_DIR "/csum/hitachi.tsv"))
        return -1;
    stock = csum_find_image(&manifest, "hitachi-std-512k.bin.gz");
    return stock ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    csum_manifest_free(&manifest);
    return 0;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The std sum and xor of @p d: every BE32 word but the two slots. */
static void std_values(const uint8_t *d, size_t n, uint32_t *sum, uint32_t *x)
{
    size_t i;
    *sum = 0;
    *x = 0;
    for (i = 0; i + 4 <= n; i += 4) {
        if (i == STD_SUM_SLOT || i == STD_XOR_SLOT)
            continue;
        *sum += be32(d + i);
        *x ^= be32(d + i);
    }
}

static uint8_t *tuned_copy(void)
{
    uint8_t *t = csum_dup(stock->data, stock->size);
    t[CHANGED_AT] ^= 0x21;
    return t;
}

/* The tuned file alone: its std slots are not found, so it is bad and cannot be corrected. */
static void test_without_reference(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    uint8_t *t = tuned_copy();
    (void)state;
    csum_analyze(cs, t, stock->size);
    csum_assert_verdict(cs, ECU_VERDICT_BAD, "tuned file alone");
    assert_null(ecu_csum_reference_refusal(cs)); /* none set */
    assert_null(ecu_csum_reference_refusal(NULL));
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
    csum_assert_image(cs, t, stock->size, "tuned file after a refused correction");
    free(t);
    ecu_csum_free(cs);
}

/* With the stock read as reference: the std blocks are bad, the correction writes exactly
   the sum and xor computed here, and the result verifies on its own. */
static void test_with_reference(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    uint8_t *t = tuned_copy(), *want;
    const uint8_t *got;
    uint32_t sum, x;
    size_t n, i, bad = 0;
    (void)state;
    assert_int_equal(ecu_csum_set_reference(cs, stock->data, stock->size), ECU_OK);
    csum_analyze(cs, t, stock->size);
    csum_assert_verdict(cs, ECU_VERDICT_BAD, "tuned file with its stock reference");
    assert_non_null(strstr(ecu_csum_evidence(cs), "layout from the reference"));
    assert_null(ecu_csum_reference_refusal(cs)); /* used */
    for (i = 0; i < ecu_csum_block_count(cs); i++) {
        const ecu_block *b = ecu_csum_block_at(cs, i);
        if (b->status == ECU_BLOCK_BAD) {
            bad++;
            assert_true(b->store_offset == STD_SUM_SLOT || b->store_offset == STD_XOR_SLOT);
        }
    }
    assert_int_equal(bad, 2);
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    csum_assert_verdict(cs, ECU_VERDICT_FIXED, "after the correction");
    got = ecu_csum_image(cs, &n);
    assert_int_equal(n, stock->size);
    /* the expected result: the tuned data with the std values of that data */
    want = csum_dup(t, n);
    std_values(want, n, &sum, &x);
    want[STD_SUM_SLOT] = (uint8_t)(sum >> 24), want[STD_SUM_SLOT + 1] = (uint8_t)(sum >> 16);
    want[STD_SUM_SLOT + 2] = (uint8_t)(sum >> 8), want[STD_SUM_SLOT + 3] = (uint8_t)sum;
    want[STD_XOR_SLOT] = (uint8_t)(x >> 24), want[STD_XOR_SLOT + 1] = (uint8_t)(x >> 16);
    want[STD_XOR_SLOT + 2] = (uint8_t)(x >> 8), want[STD_XOR_SLOT + 3] = (uint8_t)x;
    assert_memory_equal(got, want, n);
    /* the corrected file verifies without any reference: its slots are found again */
    {
        ecu_csum *alone = ecu_csum_new();
        csum_analyze(alone, want, n);
        csum_assert_verdict(alone, ECU_VERDICT_OK, "corrected file alone");
        ecu_csum_free(alone);
    }
    /* forgetting the reference: the tuned file is on its own again */
    assert_int_equal(ecu_csum_set_reference(cs, NULL, 0), ECU_OK);
    csum_analyze(cs, t, n);
    csum_assert_verdict(cs, ECU_VERDICT_BAD, "reference forgotten");
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
    free(want);
    free(t);
    ecu_csum_free(cs);
}

/* A reference that cannot lend its layout: the verdict is no-layout, the evidence says why,
   and nothing is corrected. */
static void check_refused(const uint8_t *ref, size_t nref, const char *why)
{
    ecu_csum *cs = ecu_csum_new();
    uint8_t *t = tuned_copy();
    assert_int_equal(ecu_csum_set_reference(cs, ref, nref), ECU_OK);
    csum_analyze(cs, t, stock->size);
    csum_assert_verdict(cs, ECU_VERDICT_NO_LAYOUT, why);
    if (!strstr(ecu_csum_evidence(cs), why))
        fail_msg("evidence \"%s\" does not say \"%s\"", ecu_csum_evidence(cs), why);
    /* the reason, as a result of its own: exactly what the evidence quotes */
    assert_non_null(ecu_csum_reference_refusal(cs));
    if (!strstr(ecu_csum_reference_refusal(cs), why))
        fail_msg("refusal \"%s\" does not say \"%s\"", ecu_csum_reference_refusal(cs), why);
    assert_non_null(strstr(ecu_csum_evidence(cs), ecu_csum_reference_refusal(cs)));
    assert_int_equal(ecu_csum_block_count(cs), 0);
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_INVALID);
    csum_assert_image(cs, t, stock->size, why);
    free(t);
    ecu_csum_free(cs);
}

static void test_unusable_references(void **state)
{
    uint8_t *r;
    ecu_image *img = ecu_image_new();
    (void)state;
    /* another size */
    check_refused(stock->data, stock->size - 4, "the reference has 0x7FFFC bytes");
    /* the reference itself modified: it does not verify */
    r = tuned_copy();
    check_refused(r, stock->size, "the reference does not verify");
    free(r);
    /* another family's file of the same size */
    assert_int_equal(ecu_image_load_file(img, ECU_FIXTURES_DIR "/csum/edc16-512k.bin.gz"), ECU_OK);
    assert_int_equal(ecu_image_size(img), stock->size);
    check_refused(ecu_image_data(img), ecu_image_size(img),
                  "the reference is not recognised as hitachi-nissan");
    ecu_image_free(img);
}

static void test_invalid_arguments(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    (void)state;
    assert_int_equal(ecu_csum_set_reference(NULL, stock->data, stock->size), ECU_ERR_INVALID);
    assert_int_equal(ecu_csum_set_reference(cs, NULL, 5), ECU_ERR_INVALID);
    assert_int_equal(ecu_csum_set_reference(cs, NULL, 0), ECU_OK);
    ecu_csum_free(cs);
}

/* A family whose layout does not depend on the data (EDC16) gives the same verdicts with a
   reference as without: the good image with itself as reference, the -bad one with the good
   one. */
static void test_same_as_without(void **state)
{
    ecu_image *good = ecu_image_new(), *badimg = ecu_image_new();
    ecu_csum *a = ecu_csum_new(), *b = ecu_csum_new();
    size_t i;
    (void)state;
    assert_int_equal(ecu_image_load_file(good, ECU_FIXTURES_DIR "/csum/edc16-512k.bin.gz"), ECU_OK);
    assert_int_equal(ecu_image_load_file(badimg, ECU_FIXTURES_DIR "/csum/edc16-512k-bad.bin.gz"),
                     ECU_OK);
    assert_int_equal(ecu_csum_set_reference(b, ecu_image_data(good), ecu_image_size(good)), ECU_OK);
    csum_analyze(a, ecu_image_data(badimg), ecu_image_size(badimg));
    csum_analyze(b, ecu_image_data(badimg), ecu_image_size(badimg));
    csum_assert_verdict(a, ECU_VERDICT_BAD, "EDC16 -bad alone");
    csum_assert_verdict(b, ECU_VERDICT_BAD, "EDC16 -bad with the good one as reference");
    assert_int_equal(ecu_csum_block_count(a), ecu_csum_block_count(b));
    for (i = 0; i < ecu_csum_block_count(a); i++)
        assert_memory_equal(&ecu_csum_block_at(a, i)->stored, &ecu_csum_block_at(b, i)->stored,
                            sizeof(uint64_t) * 2);
    assert_int_equal(ecu_csum_fix(a), ECU_OK);
    assert_int_equal(ecu_csum_fix(b), ECU_OK);
    {
        size_t na, nb;
        const uint8_t *pa = ecu_csum_image(a, &na), *pb = ecu_csum_image(b, &nb);
        assert_int_equal(na, nb);
        assert_memory_equal(pa, pb, na);
    }
    ecu_csum_free(a);
    ecu_csum_free(b);
    ecu_image_free(good);
    ecu_image_free(badimg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_without_reference),
        cmocka_unit_test(test_with_reference),
        cmocka_unit_test(test_unusable_references),
        cmocka_unit_test(test_invalid_arguments),
        cmocka_unit_test(test_same_as_without),
    };
    return cmocka_run_group_tests_name("csum_reference", tests, setup, teardown);
}
