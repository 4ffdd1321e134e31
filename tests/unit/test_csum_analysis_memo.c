/* SPDX-License-Identifier: MIT */
/*
 * A family may keep what its detection found for the layout of the same analysis
 * (core/family.h, ecu__analysis_id; bosch-me7-vag keeps its multipoint tables). What it kept
 * must never reach another analysis: a handle analysing the same buffer again after the
 * bytes changed must report what a fresh handle reports (checked first against the verdict
 * the change must give, before any other handle runs). The buffer is the caller's (copied
 * into the handle's own memory, at the same place each time) and the change is to a
 * multipoint record of the synthetic ME7 image (fixtures/csum/me7_vag.py): made one word
 * stored 0, which makes the layout unknown (lib/families/bosch_me7_vag.c, mp_one_word_zero).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ecu/csum.h"
#include "ecu/error.h"
#include "ecu/image.h"

#define IMAGE ECU_FIXTURES_DIR "/csum/me7-vag-512k.bin.gz"

static void put32le(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* verdict and blocks of @p cs against those of a fresh handle on the same bytes */
static void same_as_fresh(const ecu_csum *cs, const uint8_t *d, size_t n)
{
    ecu_csum *fresh = ecu_csum_new();
    size_t i;
    assert_non_null(fresh);
    assert_int_equal(ecu_csum_analyze(fresh, d, n), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ecu_csum_verdict(fresh));
    assert_string_equal(ecu_csum_evidence(cs), ecu_csum_evidence(fresh));
    assert_int_equal(ecu_csum_block_count(cs), ecu_csum_block_count(fresh));
    for (i = 0; i < ecu_csum_block_count(cs); i++) {
        assert_string_equal(ecu_csum_block_at(cs, i)->name, ecu_csum_block_at(fresh, i)->name);
        assert_int_equal(ecu_csum_block_at(cs, i)->status, ecu_csum_block_at(fresh, i)->status);
    }
    ecu_csum_free(fresh);
}

static void test_changed_bytes_same_place(void **state)
{
    ecu_image *img = ecu_image_new();
    ecu_csum *cs = ecu_csum_new();
    uint8_t *buf;
    size_t n, i, rec = 0;
    (void)state;
    assert_non_null(img);
    assert_non_null(cs);
    assert_int_equal(ecu_image_load_file(img, IMAGE), ECU_OK);
    n = ecu_image_size(img);
    assert_non_null(buf = malloc(n));
    memcpy(buf, ecu_image_data(img), n);
    assert_int_equal(ecu_csum_analyze(cs, buf, n), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    /* the last multipoint record of table 1 (the first one is how the table is found):
       start, end, sum, complement; its sum is the slot */
    for (i = 0; i < ecu_csum_block_count(cs); i++)
        if (strncmp(ecu_csum_block_at(cs, i)->name, "multipoint 1 record", 19) == 0)
            rec = (size_t)ecu_csum_block_at(cs, i)->store_offset - 8;
    assert_true(rec > 0 && rec + 16 <= n);
    /* one word, stored 0: the layout is no longer the documented one */
    put32le(buf + rec, 0x810000);
    put32le(buf + rec + 4, 0x810001);
    put32le(buf + rec + 8, 0);
    put32le(buf + rec + 12, 0xFFFFFFFF);
    assert_int_equal(ecu_csum_analyze(cs, buf, n), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_NO_LAYOUT);
    same_as_fresh(cs, buf, n);
    /* and back: the same handle, the same place, the original bytes (twice: the fresh
       handle above analysed other memory in between) */
    memcpy(buf, ecu_image_data(img), n);
    assert_int_equal(ecu_csum_analyze(cs, buf, n), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    put32le(buf + rec, 0x810000);
    put32le(buf + rec + 4, 0x810001);
    put32le(buf + rec + 8, 0);
    put32le(buf + rec + 12, 0xFFFFFFFF);
    assert_int_equal(ecu_csum_analyze(cs, buf, n), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_NO_LAYOUT);
    memcpy(buf, ecu_image_data(img), n);
    assert_int_equal(ecu_csum_analyze(cs, buf, n), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    same_as_fresh(cs, buf, n);
    free(buf);
    ecu_csum_free(cs);
    ecu_image_free(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_changed_bytes_same_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
