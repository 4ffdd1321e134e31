/* SPDX-License-Identifier: MIT */
/*
 * Regression tests for diagnoses that were wrong on plausible data (review of 2026-11-25):
 * each builds the situation a workshop can meet and checks the exact set of diagnoses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ecu/cmp.h>

static uint32_t rng = 0x2545F491;

static uint8_t next_byte(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return (uint8_t)rng;
}

static uint8_t *random_buf(size_t n)
{
    uint8_t *p = malloc(n);
    size_t i;
    assert_non_null(p);
    for (i = 0; i < n; i++)
        p[i] = next_byte();
    return p;
}

static uint8_t *filled(size_t n, uint8_t v)
{
    uint8_t *p = malloc(n);
    assert_non_null(p);
    memset(p, v, n);
    return p;
}

/* Runs the comparison; returns the kinds reported as a bit set. */
static unsigned kinds_of(ecu_cmp *c, size_t n, const uint8_t *const d[], const size_t s[])
{
    unsigned k = 0;
    size_t i;
    assert_int_equal(ecu_cmp_run(c, n, d, s), ECU_OK);
    for (i = 0; i < ecu_cmp_diag_count(c); i++)
        k |= 1u << ecu_cmp_diag_at(c, i)->kind;
    return k;
}

/* A read of the wrong chip size (twice the flash) among two good reads: the long read has
   extra bytes, the good reads are not blamed, the majority image is the good one. */
static void test_three_reads_one_too_long(void **state)
{
    size_t n = 512 * 1024, order, cs;
    uint8_t *g = random_buf(n), *m = malloc(2 * n);
    ecu_cmp *c = ecu_cmp_new();
    int err;
    (void)state;
    memcpy(m, g, n);
    memcpy(m + n, g, n);
    for (order = 0; order < 3; order++) {
        const uint8_t *d[3] = {g, g, g};
        size_t s[3] = {n, n, n}, i;
        const ecu_cmp_diag *dg;
        d[order] = m;
        s[order] = 2 * n;
        assert_int_equal(kinds_of(c, 3, d, s), 1u << ECU_DIAG_EXTRA_TAIL);
        dg = ecu_cmp_diag_at(c, 0);
        assert_int_equal(dg->read, order);
        assert_int_equal(dg->ref, ECU_CMP_MAJORITY);
        assert_int_equal(dg->length, n);
        assert_int_equal(dg->residual, 0);
        for (i = 0; i < 3; i++)
            assert_int_equal(ecu_cmp_read_differing(c, i), i == order ? n : 0);
        assert_int_equal(ecu_cmp_unresolved(c), 0);
        assert_non_null(ecu_cmp_consensus(c, &cs, &err));
        assert_int_equal(cs, n);
        assert_memory_equal(ecu_cmp_consensus(c, &cs, &err), g, n);
    }
    ecu_cmp_free(c);
    free(g);
    free(m);
}

/* "the rest matches" only when it does: a truncated read that also differs elsewhere */
static void test_truncated_with_other_differences(void **state)
{
    size_t n = 1 << 20, k = 64 * 1024, i;
    uint8_t *a = random_buf(n), *b = malloc(n - k);
    ecu_cmp *c = ecu_cmp_new();
    const uint8_t *d[2];
    size_t s[2] = {n, n - k};
    char text[256];
    (void)state;
    memcpy(b, a, n - k);
    for (i = 0; i < 5000; i++)
        b[0x20000 + i] ^= 0x5A;
    d[0] = a;
    d[1] = b;
    assert_int_equal(kinds_of(c, 2, d, s), 1u << ECU_DIAG_TRUNCATED);
    assert_int_equal(ecu_cmp_diag_at(c, 0)->residual, 5000);
    ecu_cmp_diag_describe(ecu_cmp_diag_at(c, 0), text, sizeof text);
    assert_null(strstr(text, "the rest matches"));
    assert_non_null(strstr(text, "5000 other bytes differ"));
    /* without the extra differences the text says the rest matches */
    memcpy(b, a, n - k);
    assert_int_equal(kinds_of(c, 2, d, s), 1u << ECU_DIAG_TRUNCATED);
    ecu_cmp_diag_describe(ecu_cmp_diag_at(c, 0), text, sizeof text);
    assert_non_null(strstr(text, "the rest matches"));
    ecu_cmp_free(c);
    free(a);
    free(b);
}

/* a mostly blank image without its first 64 KiB is a missing prefix, not a truncation */
static void test_missing_prefix_on_blank_image(void **state)
{
    size_t n = 1 << 20, k = 0x10000, i;
    uint8_t *a = filled(n, 0xFF);
    ecu_cmp *c = ecu_cmp_new();
    const uint8_t *d[2];
    size_t s[2] = {n, n - k};
    (void)state;
    for (i = 0; i < 3000; i++)
        a[0x10000 + i] = next_byte();
    for (i = 0; i < 1500; i++)
        a[0x80000 + i] = next_byte();
    d[0] = a;
    d[1] = a + k;
    assert_int_equal(kinds_of(c, 2, d, s), 1u << ECU_DIAG_MISSING_PREFIX);
    assert_int_equal(ecu_cmp_diag_at(c, 0)->residual, 0);
    assert_int_equal(ecu_cmp_diag_at(c, 0)->length, k);
    ecu_cmp_free(c);
    free(a);
}

/* two reads of an erased EEPROM with different data in one spot: no byte swap */
static void test_no_swap_on_blank_images(void **state)
{
    size_t sizes[] = {4096, 1 << 20}, t, i;
    (void)state;
    for (t = 0; t < 2; t++) {
        size_t n = sizes[t], spot = t ? 8192 : 32;
        uint8_t *a = filled(n, 0xFF), *b = filled(n, 0xFF);
        ecu_cmp *c = ecu_cmp_new();
        const uint8_t *d[2] = {a, b};
        size_t s[2] = {n, n};
        for (i = 0; i < spot; i++) {
            a[0x100 + i] = next_byte();
            b[0x100 + i] = next_byte();
        }
        assert_int_equal(kinds_of(c, 2, d, s) & (1u << ECU_DIAG_SWAP16 | 1u << ECU_DIAG_SWAP32), 0);
        ecu_cmp_free(c);
        free(a);
        free(b);
    }
}

/* a few bytes of data inside an erased sector of one read: the erased read is not blamed */
static void test_no_blank_blame_inside_erased_area(void **state)
{
    size_t n = 0x20000, i;
    uint8_t *a = random_buf(n), *b;
    ecu_cmp *c = ecu_cmp_new();
    const uint8_t *d[2];
    size_t s[2] = {n, n};
    (void)state;
    memset(a + 0x8000, 0xFF, 0x1000);
    b = malloc(n);
    memcpy(b, a, n);
    for (i = 0; i < 64; i++)
        b[0x8100 + i] = (uint8_t)(next_byte() | 1); /* never 0xFF-only */
    d[0] = a;
    d[1] = b;
    assert_int_equal(kinds_of(c, 2, d, s) & (1u << ECU_DIAG_BLANK), 0);
    /* while a whole data sector read back blank is still found */
    memcpy(b, a, n);
    memset(b + 0x4000, 0xFF, 0x1000);
    assert_int_equal(kinds_of(c, 2, d, s), 1u << ECU_DIAG_BLANK);
    assert_int_equal(ecu_cmp_diag_at(c, 0)->read, 1);
    ecu_cmp_free(c);
    free(a);
    free(b);
}

/* unrelated data is not explained by stuck bits */
static void test_no_stuck_bit_for_unrelated_data(void **state)
{
    size_t n = 65536, i;
    uint8_t *a = random_buf(n), *p = malloc(n);
    ecu_cmp *c = ecu_cmp_new();
    const uint8_t *d[2] = {a, p};
    size_t s[2] = {n, n};
    (void)state;
    for (i = 0; i < n; i++)
        p[i] = (uint8_t)(i & 7); /* bits 3-7 always 0 in every lane */
    assert_int_equal(kinds_of(c, 2, d, s) & (1u << ECU_DIAG_STUCK_BIT), 0);
    ecu_cmp_free(c);
    free(a);
    free(p);
}

/* an ignored tail that only one of three reads has is not part of the majority image */
static void test_majority_image_size_with_ignore(void **state)
{
    size_t n = 8192, cs;
    uint8_t *v = random_buf(n);
    ecu_cmp *c = ecu_cmp_new();
    const uint8_t *d[3] = {v, v, v};
    size_t s[3] = {n, 4096, 4096};
    int err;
    (void)state;
    assert_int_equal(ecu_cmp_add_ignore(c, 4096, 8192), ECU_OK);
    assert_int_equal(ecu_cmp_run(c, 3, d, s), ECU_OK);
    assert_non_null(ecu_cmp_consensus(c, &cs, &err));
    assert_int_equal(cs, 4096);
    ecu_cmp_free(c);
    free(v);
}

/* a failed run leaves no results of an earlier one */
static void test_failed_run_clears(void **state)
{
    size_t n = 256;
    uint8_t *a = random_buf(n), *b = random_buf(n);
    ecu_cmp *c = ecu_cmp_new();
    const uint8_t *d[2] = {a, b};
    size_t s[2] = {n, n};
    (void)state;
    assert_int_equal(ecu_cmp_run(c, 2, d, s), ECU_OK);
    assert_true(ecu_cmp_differing(c) > 0);
    assert_int_equal(ecu_cmp_run(c, 1, d, s), ECU_ERR_INVALID);
    assert_int_equal(ecu_cmp_differing(c), 0);
    assert_int_equal(ecu_cmp_range_count(c), 0);
    assert_int_equal(ecu_cmp_diag_count(c), 0);
    ecu_cmp_free(c);
    free(a);
    free(b);
}

/* a blank read against a full one: one blank diagnosis (and the shift search stays bounded) */
static void test_blank_read(void **state)
{
    size_t n = 8 << 20;
    uint8_t *a = random_buf(n), *b = filled(n, 0xFF);
    ecu_cmp *c = ecu_cmp_new();
    const uint8_t *d[2] = {a, b};
    size_t s[2] = {n, n};
    (void)state;
    assert_int_equal(kinds_of(c, 2, d, s), 1u << ECU_DIAG_BLANK);
    assert_int_equal(ecu_cmp_diag_at(c, 0)->read, 1);
    ecu_cmp_free(c);
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_three_reads_one_too_long),
        cmocka_unit_test(test_truncated_with_other_differences),
        cmocka_unit_test(test_missing_prefix_on_blank_image),
        cmocka_unit_test(test_no_swap_on_blank_images),
        cmocka_unit_test(test_no_blank_blame_inside_erased_area),
        cmocka_unit_test(test_no_stuck_bit_for_unrelated_data),
        cmocka_unit_test(test_majority_image_size_with_ignore),
        cmocka_unit_test(test_failed_run_clears),
        cmocka_unit_test(test_blank_read),
    };
    return cmocka_run_group_tests_name("cmp_faults", tests, NULL, NULL);
}
