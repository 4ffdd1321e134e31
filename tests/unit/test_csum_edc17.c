/* SPDX-License-Identifier: MIT */
/*
 * Bosch EDC17/MED17 (lib/families/bosch_edc17.c) against synthetic images
 * (fixtures/csum/edc17-*.bin.gz, written by fixtures/csum/edc17.py from the documented layout):
 * CRC-32, ADD32 and ADD16 structures, uncached addresses, a structure of an undocumented
 * algorithm, a block never finalised, and a partial read holding one block. What the library
 * must find comes from fixtures/csum/edc17.tsv, computed by the generator independently of
 * the C code. The real dumps are checked in test_corpus_csum.c.
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

CSUM_MANIFEST_GROUP(manifest, "edc17.tsv", 0, 0)

static void test_good_images(void **state)
{
    (void)state;
    assert_int_equal(csum_check_good_images(&manifest), 2);
}

static void test_probes(void **state)
{
    (void)state;
    assert_true(csum_check_probes(&manifest) >= 6);
}

static void test_slot_each_block(void **state)
{
    (void)state;
    csum_for_each_good_block(&manifest, csum_check_slot_bytes);
}

static void test_bad_variants(void **state)
{
    (void)state;
    assert_int_equal(csum_check_bad_variants(&manifest), 2);
}

/* Without the seed/expected pair of its first structure a block is not found; without any,
 * the image is not claimed. */
static void test_not_claimed(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i;
    (void)state;
    assert_non_null(cs);
    for (i = 0; i < manifest.nimages; i++) {
        const struct csum_image *x = &manifest.images[i];
        uint8_t *copy;
        if (!csum_is_good(x))
            continue;
        copy = csum_without_idents(x);
        csum_analyze(cs, copy, x->size);
        assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_UNKNOWN);
        assert_int_equal(ecu_csum_block_count(cs), 0);
        free(copy);
    }
    ecu_csum_free(cs);
}

/* The 0x60 block read alone checks as it does in the whole image. */
static void test_partial_read(void **state)
{
    const struct csum_image *w = csum_image(&manifest, "edc17-256k.bin.gz");
    const struct csum_image *p = csum_image(&manifest, "edc17-block60-32k.bin.gz");
    (void)state;
    assert_int_equal(p->nblocks, 2);
    assert_memory_equal(p->data, w->data + 0x20000, p->size);
    assert_int_equal(p->b[0].correct, w->b[4].correct);
    assert_int_equal(p->b[1].correct, w->b[5].correct);
    assert_int_equal(p->b[0].slot + 0x20000, w->b[4].slot);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_images),
        cmocka_unit_test(test_probes),
        cmocka_unit_test(test_slot_each_block),
        cmocka_unit_test(test_bad_variants),
        cmocka_unit_test(test_not_claimed),
        cmocka_unit_test(test_partial_read),
    };
    return cmocka_run_group_tests_name("csum_edc17", tests, setup, teardown);
}
