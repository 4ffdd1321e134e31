/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the read comparer (ecu/cmp.h), written from the header's documentation and
 * the comparer specification, independently of lib/cmp.c.
 *
 * Diagnosis tests use flash-like images: xorshift32 pseudo-random content with a few
 * 0xFF-filled (erased) areas and one small 0x00 area, never constant buffers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ecu/cmp.h"
#include "ecu/error.h"

/* ------------------------------------------------------------------------------------------ */
/* helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

#define KIB ((size_t)1024)

static uint32_t xorshift32(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

/* Top byte of each xorshift32 step; the seed must not be 0. */
static void fill_random(uint8_t *buf, size_t n, uint32_t seed)
{
    uint32_t s = seed;
    for (size_t i = 0; i < n; i++)
        buf[i] = (uint8_t)(xorshift32(&s) >> 24);
}

static uint8_t *xmalloc(size_t n)
{
    uint8_t *p = malloc(n ? n : 1);
    assert_non_null(p);
    return p;
}

static uint8_t *dup_buf(const uint8_t *src, size_t n)
{
    uint8_t *p = xmalloc(n);
    if (n)
        memcpy(p, src, n);
    return p;
}

/* Random content with erased (0xFF) areas and a small 0x00 area, like a real flash dump. */
static uint8_t *make_flash(size_t size, uint32_t seed)
{
    uint8_t *p = xmalloc(size);
    fill_random(p, size, seed);
    memset(p + size / 8, 0xFF, 0x1000);
    memset(p + size / 2 + 0x800, 0xFF, 0x2000);
    memset(p + 3 * size / 4, 0x00, 0x200);
    return p;
}

static ecu_cmp *new_cmp(void)
{
    ecu_cmp *cmp = ecu_cmp_new();
    assert_non_null(cmp);
    return cmp;
}

static ecu_cmp *run2(const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
    ecu_cmp *cmp = new_cmp();
    const uint8_t *const data[2] = {a, b};
    const size_t size[2] = {na, nb};
    assert_int_equal(ecu_cmp_run(cmp, 2, data, size), ECU_OK);
    return cmp;
}

static ecu_cmp *run3(const uint8_t *a, const uint8_t *b, const uint8_t *c, size_t n)
{
    ecu_cmp *cmp = new_cmp();
    const uint8_t *const data[3] = {a, b, c};
    const size_t size[3] = {n, n, n};
    assert_int_equal(ecu_cmp_run(cmp, 3, data, size), ECU_OK);
    return cmp;
}

static void check_range(const ecu_cmp *cmp, size_t i, uint64_t start, uint64_t length,
                        uint64_t differing, uint64_t unresolved, uint64_t reads)
{
    const ecu_cmp_range *r = ecu_cmp_range_at(cmp, i);
    assert_non_null(r);
    assert_int_equal(r->start, start);
    assert_int_equal(r->length, length);
    assert_int_equal(r->differing, differing);
    assert_int_equal(r->unresolved, unresolved);
    assert_int_equal(r->reads, reads);
}

/* Bit k set when some diagnosis of kind k was reported. */
static unsigned kinds_mask(const ecu_cmp *cmp)
{
    unsigned m = 0;
    for (size_t i = 0; i < ecu_cmp_diag_count(cmp); i++) {
        const ecu_cmp_diag *d = ecu_cmp_diag_at(cmp, i);
        assert_non_null(d);
        assert_true((int)d->kind >= 1 && (int)d->kind <= 31);
        m |= 1u << (unsigned)d->kind;
    }
    return m;
}

#define KIND(k) (1u << (unsigned)(k))

static void print_diags(const ecu_cmp *cmp)
{
    char buf[256];
    for (size_t i = 0; i < ecu_cmp_diag_count(cmp); i++) {
        const ecu_cmp_diag *d = ecu_cmp_diag_at(cmp, i);
        ecu_cmp_diag_describe(d, buf, sizeof buf);
        print_message("  diag %zu: %s read=%u ref=%u offset=%llu length=%llu shift=%lld: %s\n", i,
                      ecu_cmp_diag_kind_name(d->kind), d->read, d->ref,
                      (unsigned long long)d->offset, (unsigned long long)d->length,
                      (long long)d->shift, buf);
    }
}

/* The run reported exactly one diagnosis, of kind k; returns it. Describes and names it. */
static const ecu_cmp_diag *expect_single_diag(const ecu_cmp *cmp, ecu_cmp_diag_kind k)
{
    if (ecu_cmp_diag_count(cmp) != 1 || kinds_mask(cmp) != KIND(k)) {
        print_message("expected exactly one %s diagnosis, got %zu:\n", ecu_cmp_diag_kind_name(k),
                      ecu_cmp_diag_count(cmp));
        print_diags(cmp);
    }
    assert_int_equal(kinds_mask(cmp), KIND(k));
    assert_int_equal(ecu_cmp_diag_count(cmp), 1);
    const ecu_cmp_diag *d = ecu_cmp_diag_at(cmp, 0);
    assert_non_null(d);
    assert_int_equal(d->kind, k);
    assert_null(ecu_cmp_diag_at(cmp, 1));

    char buf[256];
    buf[0] = '\0';
    int len = ecu_cmp_diag_describe(d, buf, sizeof buf);
    assert_true(len > 0);
    assert_true(strlen(buf) > 0);
    assert_non_null(ecu_cmp_diag_kind_name(d->kind));
    assert_true(d->match > 0.5 && d->match <= 1.0);
    return d;
}

/* A clean pair (identical reads) of @p img gives no diagnosis; so does a clean triple. */
static void check_clean(const uint8_t *img, size_t size)
{
    uint8_t *copy = dup_buf(img, size);
    ecu_cmp *cmp = run2(img, size, copy, size);
    assert_true(ecu_cmp_identical(cmp));
    if (ecu_cmp_diag_count(cmp) != 0)
        print_diags(cmp);
    assert_int_equal(ecu_cmp_diag_count(cmp), 0);
    ecu_cmp_free(cmp);

    cmp = run3(img, copy, img, size);
    assert_true(ecu_cmp_identical(cmp));
    assert_int_equal(ecu_cmp_diag_count(cmp), 0);
    ecu_cmp_free(cmp);
    free(copy);
}

/* First offset where a and b differ (a missing byte counts as differing). */
static size_t first_diff(const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
    size_t n = na < nb ? na : nb;
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return i;
    return n;
}

static uint64_t count_diff(const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
    size_t n = na < nb ? na : nb;
    uint64_t c = (uint64_t)(na > nb ? na - nb : nb - na);
    for (size_t i = 0; i < n; i++)
        c += a[i] != b[i];
    return c;
}

/*
 * Checks a SHIFTED diagnosis against the data: from d->offset on, read[i] == ref[i + shift]
 * wherever both offsets exist (for shift < 0, the -shift inserted bytes right at the offset
 * are skipped). Requires the relation to cover at least half of the read.
 */
static void check_shift_relation(const ecu_cmp_diag *d, const uint8_t *const data[],
                                 const size_t size[])
{
    const uint8_t *r = data[d->read];
    const uint8_t *f = data[d->ref];
    uint64_t checked = 0, bad = 0;
    uint64_t from = d->offset + (d->shift < 0 ? (uint64_t)(-d->shift) : 0u);
    for (uint64_t i = from; i < size[d->read]; i++) {
        int64_t j = (int64_t)i + d->shift;
        if (j < 0 || (uint64_t)j >= size[d->ref])
            continue;
        checked++;
        bad += r[i] != f[j];
    }
    assert_int_equal(bad, 0);
    assert_true(checked >= size[d->read] / 2);
}

/* ------------------------------------------------------------------------------------------ */
/* handle, arguments                                                                          */
/* ------------------------------------------------------------------------------------------ */

static void test_free_null(void **state)
{
    (void)state;
    ecu_cmp_free(NULL);
    ecu_cmp *cmp = new_cmp();
    ecu_cmp_free(cmp);
}

static void test_options_ok_and_null_handle(void **state)
{
    (void)state;
    ecu_cmp *cmp = new_cmp();
    assert_int_equal(ecu_cmp_set_gap(cmp, 0), ECU_OK);
    assert_int_equal(ecu_cmp_set_gap(cmp, 100), ECU_OK);
    assert_int_equal(ecu_cmp_set_diagnose(cmp, 0), ECU_OK);
    assert_int_equal(ecu_cmp_set_diagnose(cmp, 1), ECU_OK);
    assert_int_equal(ecu_cmp_add_ignore(cmp, 10, 20), ECU_OK);
    /* a bad range (end before start) is an invalid argument */
    assert_int_equal(ecu_cmp_add_ignore(cmp, 20, 10), ECU_ERR_INVALID);
    ecu_cmp_free(cmp);

    assert_int_equal(ecu_cmp_set_gap(NULL, 4), ECU_ERR_INVALID);
    assert_int_equal(ecu_cmp_set_diagnose(NULL, 1), ECU_ERR_INVALID);
    assert_int_equal(ecu_cmp_add_ignore(NULL, 0, 10), ECU_ERR_INVALID);
}

static void test_run_invalid_args(void **state)
{
    (void)state;
    uint8_t a[64], b[64];
    fill_random(a, sizeof a, 0x1234u);
    memcpy(b, a, sizeof b);
    const uint8_t *const data[2] = {a, b};
    const size_t size[2] = {sizeof a, sizeof b};
    const uint8_t *const data_null1[2] = {a, NULL};

    ecu_cmp *cmp = new_cmp();
    assert_int_equal(ecu_cmp_run(cmp, 0, data, size), ECU_ERR_INVALID);
    assert_int_equal(ecu_cmp_run(cmp, 1, data, size), ECU_ERR_INVALID);
    assert_int_equal(ecu_cmp_run(cmp, 2, NULL, size), ECU_ERR_INVALID);
    assert_int_equal(ecu_cmp_run(cmp, 2, data, NULL), ECU_ERR_INVALID);
    assert_int_equal(ecu_cmp_run(cmp, 2, data_null1, size), ECU_ERR_INVALID);
    assert_int_equal(ecu_cmp_run(NULL, 2, data, size), ECU_ERR_INVALID);
    /* the handle still works after rejected calls */
    assert_int_equal(ecu_cmp_run(cmp, 2, data, size), ECU_OK);
    assert_true(ecu_cmp_identical(cmp));
    ecu_cmp_free(cmp);
}

static void test_run_too_many_and_max(void **state)
{
    (void)state;
    uint8_t buf[256];
    fill_random(buf, sizeof buf, 0xBEEFu);
    const uint8_t *data[ECU_CMP_MAX_READS + 1];
    size_t size[ECU_CMP_MAX_READS + 1];
    for (size_t i = 0; i < ECU_CMP_MAX_READS + 1; i++) {
        data[i] = buf;
        size[i] = sizeof buf;
    }
    ecu_cmp *cmp = new_cmp();
    assert_int_equal(ecu_cmp_run(cmp, ECU_CMP_MAX_READS + 1, data, size), ECU_ERR_TOO_MANY);
    assert_int_equal(ecu_cmp_run(cmp, ECU_CMP_MAX_READS, data, size), ECU_OK);
    assert_true(ecu_cmp_identical(cmp));
    assert_int_equal(ecu_cmp_differing(cmp), 0);
    assert_int_equal(ecu_cmp_range_count(cmp), 0);

    /* read 63 differs at one byte: reads bit 63 */
    uint8_t other[256];
    memcpy(other, buf, sizeof other);
    other[7] ^= 0x10;
    data[63] = other;
    assert_int_equal(ecu_cmp_run(cmp, ECU_CMP_MAX_READS, data, size), ECU_OK);
    assert_false(ecu_cmp_identical(cmp));
    assert_int_equal(ecu_cmp_range_count(cmp), 1);
    check_range(cmp, 0, 7, 1, 1, 0, (uint64_t)1 << 63);
    assert_int_equal(ecu_cmp_read_differing(cmp, 63), 1);
    assert_int_equal(ecu_cmp_read_differing(cmp, 0), 0);
    ecu_cmp_free(cmp);
}

/* ------------------------------------------------------------------------------------------ */
/* identical reads, ranges, gap, ignore, sizes                                                */
/* ------------------------------------------------------------------------------------------ */

static void test_identical_two(void **state)
{
    (void)state;
    const size_t n = 128 * KIB;
    uint8_t *a = make_flash(n, 0x11111111u);
    uint8_t *b = dup_buf(a, n);
    ecu_cmp *cmp = run2(a, n, b, n);
    assert_true(ecu_cmp_identical(cmp));
    assert_int_equal(ecu_cmp_differing(cmp), 0);
    assert_int_equal(ecu_cmp_compared(cmp), n);
    assert_int_equal(ecu_cmp_read_differing(cmp, 0), 0);
    assert_int_equal(ecu_cmp_read_differing(cmp, 1), 0);
    assert_int_equal(ecu_cmp_range_count(cmp), 0);
    assert_null(ecu_cmp_range_at(cmp, 0));
    assert_int_equal(ecu_cmp_diag_count(cmp), 0);
    assert_null(ecu_cmp_diag_at(cmp, 0));
    assert_int_equal(ecu_cmp_unresolved(cmp), 0);

    /* consensus needs three or more reads */
    size_t csize = 12345;
    int err = ECU_OK;
    assert_null(ecu_cmp_consensus(cmp, &csize, &err));
    assert_int_equal(err, ECU_ERR_INVALID);
    ecu_cmp_free(cmp);
    free(a);
    free(b);
}

static void test_identical_three(void **state)
{
    (void)state;
    const size_t n = 128 * KIB;
    uint8_t *a = make_flash(n, 0x22222222u);
    uint8_t *b = dup_buf(a, n);
    uint8_t *c = dup_buf(a, n);
    ecu_cmp *cmp = run3(a, b, c, n);
    assert_true(ecu_cmp_identical(cmp));
    assert_int_equal(ecu_cmp_differing(cmp), 0);
    assert_int_equal(ecu_cmp_compared(cmp), n);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(ecu_cmp_read_differing(cmp, i), 0);
    assert_int_equal(ecu_cmp_range_count(cmp), 0);
    assert_int_equal(ecu_cmp_diag_count(cmp), 0);
    assert_int_equal(ecu_cmp_unresolved(cmp), 0);

    size_t csize = 0;
    int err = -1;
    const uint8_t *cons = ecu_cmp_consensus(cmp, &csize, &err);
    assert_non_null(cons);
    assert_true(err == -1 || err == ECU_OK);
    assert_int_equal(csize, n);
    assert_memory_equal(cons, a, n);
    /* NULL err is allowed */
    assert_non_null(ecu_cmp_consensus(cmp, &csize, NULL));
    ecu_cmp_free(cmp);
    free(a);
    free(b);
    free(c);
}

static void test_range_fields_two_reads(void **state)
{
    (void)state;
    const size_t n = 4096;
    uint8_t *a = xmalloc(n);
    fill_random(a, n, 0x5151u);
    uint8_t *b = dup_buf(a, n);
    /* 100..109 differ except 105 */
    for (size_t i = 100; i < 110; i++)
        if (i != 105)
            b[i] ^= 0x5A;
    /* a lone differing byte far away */
    b[3000] ^= 0x01;

    ecu_cmp *cmp = run2(a, n, b, n);
    assert_false(ecu_cmp_identical(cmp));
    assert_int_equal(ecu_cmp_differing(cmp), 10);
    assert_int_equal(ecu_cmp_compared(cmp), n);
    assert_int_equal(ecu_cmp_read_differing(cmp, 0), 10);
    assert_int_equal(ecu_cmp_read_differing(cmp, 1), 10);
    assert_int_equal(ecu_cmp_range_count(cmp), 2);
    check_range(cmp, 0, 100, 10, 9, 0, 0x3);
    check_range(cmp, 1, 3000, 1, 1, 0, 0x3);
    assert_null(ecu_cmp_range_at(cmp, 2));
    ecu_cmp_free(cmp);
    free(a);
    free(b);
}

static void test_gap_default(void **state)
{
    (void)state;
    const size_t n = 4096;
    uint8_t *a = xmalloc(n);
    fill_random(a, n, 0xA5A5u);
    uint8_t *b = dup_buf(a, n);

    /* 16 equal bytes (101..116) between 100 and 117: one range */
    b[100] ^= 0xFF;
    b[117] ^= 0xFF;
    ecu_cmp *cmp = run2(a, n, b, n);
    assert_int_equal(ecu_cmp_range_count(cmp), 1);
    check_range(cmp, 0, 100, 18, 2, 0, 0x3);
    assert_int_equal(ecu_cmp_differing(cmp), 2);
    ecu_cmp_free(cmp);

    /* 17 equal bytes (101..117) between 100 and 118: two ranges */
    memcpy(b, a, n);
    b[100] ^= 0xFF;
    b[118] ^= 0xFF;
    cmp = run2(a, n, b, n);
    assert_int_equal(ecu_cmp_range_count(cmp), 2);
    check_range(cmp, 0, 100, 1, 1, 0, 0x3);
    check_range(cmp, 1, 118, 1, 1, 0, 0x3);
    ecu_cmp_free(cmp);

    /* chain: 200, 217, 234 merge (16 equal bytes between each); 252 has 17 before it */
    memcpy(b, a, n);
    b[200] ^= 1;
    b[217] ^= 1;
    b[234] ^= 1;
    b[252] ^= 1;
    cmp = run2(a, n, b, n);
    assert_int_equal(ecu_cmp_range_count(cmp), 2);
    check_range(cmp, 0, 200, 35, 3, 0, 0x3);
    check_range(cmp, 1, 252, 1, 1, 0, 0x3);
    ecu_cmp_free(cmp);

    /* explicit default gap gives the same result */
    memcpy(b, a, n);
    b[100] ^= 0xFF;
    b[117] ^= 0xFF;
    cmp = new_cmp();
    assert_int_equal(ecu_cmp_set_gap(cmp, ECU_CMP_DEFAULT_GAP), ECU_OK);
    {
        const uint8_t *const data[2] = {a, b};
        const size_t size[2] = {n, n};
        assert_int_equal(ecu_cmp_run(cmp, 2, data, size), ECU_OK);
    }
    assert_int_equal(ecu_cmp_range_count(cmp), 1);
    check_range(cmp, 0, 100, 18, 2, 0, 0x3);
    ecu_cmp_free(cmp);
    free(a);
    free(b);
}

static void run2_opts(ecu_cmp *cmp, const uint8_t *a, const uint8_t *b, size_t n)
{
    const uint8_t *const data[2] = {a, b};
    const size_t size[2] = {n, n};
    assert_int_equal(ecu_cmp_run(cmp, 2, data, size), ECU_OK);
}

static void test_gap_zero_and_custom(void **state)
{
    (void)state;
    const size_t n = 2048;
    uint8_t *a = xmalloc(n);
    fill_random(a, n, 0x7777u);
    uint8_t *b = dup_buf(a, n);
    b[10] ^= 1;
    b[11] ^= 1;  /* adjacent to 10: merge */
    b[13] ^= 1;  /* one equal byte (12) between: separate with gap 0 */
    b[500] ^= 2;

    ecu_cmp *cmp = new_cmp();
    assert_int_equal(ecu_cmp_set_gap(cmp, 0), ECU_OK);
    run2_opts(cmp, a, b, n);
    assert_int_equal(ecu_cmp_range_count(cmp), 3);
    check_range(cmp, 0, 10, 2, 2, 0, 0x3);
    check_range(cmp, 1, 13, 1, 1, 0, 0x3);
    check_range(cmp, 2, 500, 1, 1, 0, 0x3);
    assert_int_equal(ecu_cmp_differing(cmp), 4);
    ecu_cmp_free(cmp);

    /* gap 4: 4 equal bytes between merge, 5 do not */
    memcpy(b, a, n);
    b[100] ^= 1;
    b[105] ^= 1; /* 101..104: 4 equal bytes */
    b[111] ^= 1; /* 106..110: 5 equal bytes */
    cmp = new_cmp();
    assert_int_equal(ecu_cmp_set_gap(cmp, 4), ECU_OK);
    run2_opts(cmp, a, b, n);
    assert_int_equal(ecu_cmp_range_count(cmp), 2);
    check_range(cmp, 0, 100, 6, 2, 0, 0x3);
    check_range(cmp, 1, 111, 1, 1, 0, 0x3);
    ecu_cmp_free(cmp);
    free(a);
    free(b);
}

static void test_ignore_ranges(void **state)
{
    (void)state;
    const size_t n = 1000;
    uint8_t *a = xmalloc(n);
    fill_random(a, n, 0x3131u);
    uint8_t *b = dup_buf(a, n);
    b[199] ^= 1; /* just before the ignored area: counted */
    b[200] ^= 1; /* first ignored offset */
    b[250] ^= 1;
    b[299] ^= 1; /* last ignored offset */
    b[300] ^= 1; /* end is exclusive: counted */

    ecu_cmp *cmp = new_cmp();
    assert_int_equal(ecu_cmp_add_ignore(cmp, 200, 300), ECU_OK);
    run2_opts(cmp, a, b, n);
    assert_false(ecu_cmp_identical(cmp));
    assert_int_equal(ecu_cmp_compared(cmp), n - 100);
    assert_int_equal(ecu_cmp_differing(cmp), 2);
    assert_int_equal(ecu_cmp_read_differing(cmp, 0), 2);
    assert_int_equal(ecu_cmp_read_differing(cmp, 1), 2);
    assert_int_equal(ecu_cmp_range_count(cmp), 2);
    check_range(cmp, 0, 199, 1, 1, 0, 0x3);
    check_range(cmp, 1, 300, 1, 1, 0, 0x3);
    ecu_cmp_free(cmp);

    /* every difference inside ignored areas: identical; two areas; one past the end */
    memcpy(b, a, n);
    b[5] ^= 0x80;
    b[600] ^= 0x80;
    b[950] ^= 0x80;
    cmp = new_cmp();
    assert_int_equal(ecu_cmp_add_ignore(cmp, 0, 10), ECU_OK);
    assert_int_equal(ecu_cmp_add_ignore(cmp, 600, 601), ECU_OK);
    assert_int_equal(ecu_cmp_add_ignore(cmp, 900, 5000), ECU_OK);
    run2_opts(cmp, a, b, n);
    assert_true(ecu_cmp_identical(cmp));
    assert_int_equal(ecu_cmp_differing(cmp), 0);
    assert_int_equal(ecu_cmp_compared(cmp), n - 10 - 1 - 100);
    assert_int_equal(ecu_cmp_range_count(cmp), 0);
    ecu_cmp_free(cmp);
    free(a);
    free(b);
}

static void test_sizes_differ(void **state)
{
    (void)state;
    const size_t n = 1100;
    uint8_t *a = xmalloc(n);
    fill_random(a, n, 0x4242u);
    uint8_t *b = dup_buf(a, n);

    /* read 0 is 1000 bytes, read 1 has 100 more */
    ecu_cmp *cmp = run2(a, 1000, b, n);
    assert_false(ecu_cmp_identical(cmp));
    assert_int_equal(ecu_cmp_compared(cmp), n);
    assert_int_equal(ecu_cmp_differing(cmp), 100);
    assert_int_equal(ecu_cmp_read_differing(cmp, 0), 100);
    assert_int_equal(ecu_cmp_read_differing(cmp, 1), 100);
    assert_int_equal(ecu_cmp_range_count(cmp), 1);
    check_range(cmp, 0, 1000, 100, 100, 0, 0x3);
    ecu_cmp_free(cmp);

    /* a difference 16 equal bytes before the missing tail merges with it */
    b[983] ^= 0x40;
    cmp = run2(b, 1000, a, n);
    assert_int_equal(ecu_cmp_differing(cmp), 101);
    assert_int_equal(ecu_cmp_range_count(cmp), 1);
    check_range(cmp, 0, 983, 117, 101, 0, 0x3);
    ecu_cmp_free(cmp);

    /* an empty read against a non-empty one */
    cmp = run2(a, 0, b, 50);
    assert_false(ecu_cmp_identical(cmp));
    assert_int_equal(ecu_cmp_compared(cmp), 50);
    assert_int_equal(ecu_cmp_differing(cmp), 50);
    assert_int_equal(ecu_cmp_range_count(cmp), 1);
    check_range(cmp, 0, 0, 50, 50, 0, 0x3);
    ecu_cmp_free(cmp);

    /* the extra offsets are ignored, so no differing byte is left, but identical also
     * requires equal sizes */
    cmp = new_cmp();
    assert_int_equal(ecu_cmp_add_ignore(cmp, 1000, 1100), ECU_OK);
    {
        const uint8_t *const data[2] = {a, a};
        const size_t size[2] = {1000, 1100};
        assert_int_equal(ecu_cmp_run(cmp, 2, data, size), ECU_OK);
    }
    assert_int_equal(ecu_cmp_differing(cmp), 0);
    assert_int_equal(ecu_cmp_compared(cmp), 1000);
    assert_false(ecu_cmp_identical(cmp));
    ecu_cmp_free(cmp);
    free(a);
    free(b);
}

static void test_second_run_replaces(void **state)
{
    (void)state;
    const size_t n = 128 * KIB;
    uint8_t *a = make_flash(n, 0x600DF00Du);
    uint8_t *b = dup_buf(a, n);
    for (size_t i = 0; i < n; i++) /* stuck bit: produces ranges and a diagnosis */
        b[i] &= (uint8_t)~0x08u;
    ecu_cmp *cmp = run2(a, n, b, n);
    assert_false(ecu_cmp_identical(cmp));
    assert_true(ecu_cmp_range_count(cmp) > 0);
    assert_true(ecu_cmp_diag_count(cmp) > 0);

    const uint8_t *const data[2] = {a, a};
    const size_t size[2] = {n, n};
    assert_int_equal(ecu_cmp_run(cmp, 2, data, size), ECU_OK);
    assert_true(ecu_cmp_identical(cmp));
    assert_int_equal(ecu_cmp_differing(cmp), 0);
    assert_int_equal(ecu_cmp_range_count(cmp), 0);
    assert_int_equal(ecu_cmp_diag_count(cmp), 0);
    assert_int_equal(ecu_cmp_read_differing(cmp, 1), 0);

    /* and a 3-read run after a 2-read run */
    uint8_t *c = dup_buf(a, n);
    c[77] ^= 1;
    const uint8_t *const data3[3] = {a, c, a};
    const size_t size3[3] = {n, n, n};
    assert_int_equal(ecu_cmp_run(cmp, 3, data3, size3), ECU_OK);
    assert_int_equal(ecu_cmp_differing(cmp), 1);
    assert_int_equal(ecu_cmp_range_count(cmp), 1);
    check_range(cmp, 0, 77, 1, 1, 0, 0x2);
    ecu_cmp_free(cmp);
    free(a);
    free(b);
    free(c);
}

/* ------------------------------------------------------------------------------------------ */
/* majority vote                                                                              */
/* ------------------------------------------------------------------------------------------ */

static void test_vote_three_one_bad(void **state)
{
    (void)state;
    const size_t n = 128 * KIB;
    uint8_t *good = make_flash(n, 0xC0FFEE01u);
    uint8_t *r0 = dup_buf(good, n);
    uint8_t *r1 = dup_buf(good, n);
    uint8_t *r2 = dup_buf(good, n);
    /* read 1 is bad at 3 separate places, 5 bytes in all */
    r1[1000] ^= 0x01;
    r1[50000] ^= 0xFF;
    r1[50001] ^= 0x10;
    r1[50002] ^= 0x20;
    r1[n - 1] ^= 0x80;

    ecu_cmp *cmp = run3(r0, r1, r2, n);
    assert_false(ecu_cmp_identical(cmp));
    assert_int_equal(ecu_cmp_differing(cmp), 5);
    assert_int_equal(ecu_cmp_compared(cmp), n);
    assert_int_equal(ecu_cmp_read_differing(cmp, 0), 0);
    assert_int_equal(ecu_cmp_read_differing(cmp, 1), 5);
    assert_int_equal(ecu_cmp_read_differing(cmp, 2), 0);
    assert_int_equal(ecu_cmp_unresolved(cmp), 0);
    assert_int_equal(ecu_cmp_range_count(cmp), 3);
    check_range(cmp, 0, 1000, 1, 1, 0, 0x2);
    check_range(cmp, 1, 50000, 3, 3, 0, 0x2);
    check_range(cmp, 2, n - 1, 1, 1, 0, 0x2);

    size_t csize = 0;
    int err = -1;
    const uint8_t *cons = ecu_cmp_consensus(cmp, &csize, &err);
    assert_non_null(cons);
    assert_true(err == -1 || err == ECU_OK);
    assert_int_equal(csize, n);
    assert_memory_equal(cons, good, n);

    /* the bad read in another position */
    ecu_cmp_free(cmp);
    cmp = run3(r1, r0, r2, n);
    assert_int_equal(ecu_cmp_read_differing(cmp, 0), 5);
    assert_int_equal(ecu_cmp_read_differing(cmp, 1), 0);
    check_range(cmp, 0, 1000, 1, 1, 0, 0x1);
    cons = ecu_cmp_consensus(cmp, &csize, &err);
    assert_non_null(cons);
    assert_int_equal(csize, n);
    assert_memory_equal(cons, good, n);
    ecu_cmp_free(cmp);
    free(good);
    free(r0);
    free(r1);
    free(r2);
}

static void test_vote_three_all_different(void **state)
{
    (void)state;
    const size_t n = 4096;
    uint8_t *r0 = xmalloc(n);
    fill_random(r0, n, 0x9999u);
    uint8_t *r1 = dup_buf(r0, n);
    uint8_t *r2 = dup_buf(r0, n);
    r0[123] = 0x11;
    r1[123] = 0x22;
    r2[123] = 0x33;

    ecu_cmp *cmp = run3(r0, r1, r2, n);
    assert_false(ecu_cmp_identical(cmp));
    assert_int_equal(ecu_cmp_differing(cmp), 1);
    assert_int_equal(ecu_cmp_unresolved(cmp), 1);
    /* no majority: counted as unresolved, not against any single read */
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(ecu_cmp_read_differing(cmp, i), 0);
    assert_int_equal(ecu_cmp_range_count(cmp), 1);
    check_range(cmp, 0, 123, 1, 1, 1, 0x7);

    size_t csize = 0;
    int err = ECU_OK;
    assert_null(ecu_cmp_consensus(cmp, &csize, &err));
    assert_int_equal(err, ECU_ERR_NO_MAJORITY);
    assert_null(ecu_cmp_consensus(cmp, &csize, NULL));
    ecu_cmp_free(cmp);

    /* the same byte ignored: consensus exists and takes the first read's byte there;
     * an ignored byte where reads 1 and 2 agree takes their (majority) value */
    r1[700] = (uint8_t)(r0[700] ^ 0x0F);
    r2[700] = r1[700];
    cmp = new_cmp();
    assert_int_equal(ecu_cmp_add_ignore(cmp, 123, 124), ECU_OK);
    assert_int_equal(ecu_cmp_add_ignore(cmp, 700, 701), ECU_OK);
    {
        const uint8_t *const data[3] = {r0, r1, r2};
        const size_t size[3] = {n, n, n};
        assert_int_equal(ecu_cmp_run(cmp, 3, data, size), ECU_OK);
    }
    assert_true(ecu_cmp_identical(cmp));
    assert_int_equal(ecu_cmp_unresolved(cmp), 0);
    assert_int_equal(ecu_cmp_compared(cmp), n - 2);
    err = -1;
    const uint8_t *cons = ecu_cmp_consensus(cmp, &csize, &err);
    assert_non_null(cons);
    assert_int_equal(csize, n);
    assert_int_equal(cons[123], 0x11);
    assert_int_equal(cons[700], r1[700]);
    assert_memory_equal(cons, r0, 123);
    assert_memory_equal(cons + 124, r0 + 124, 700 - 124);
    assert_memory_equal(cons + 701, r0 + 701, n - 701);
    ecu_cmp_free(cmp);
    free(r0);
    free(r1);
    free(r2);
}

static void test_vote_five(void **state)
{
    (void)state;
    const size_t n = 2048;
    uint8_t *base = xmalloc(n);
    fill_random(base, n, 0x5555AAAAu);
    uint8_t *r[5];
    for (size_t i = 0; i < 5; i++)
        r[i] = dup_buf(base, n);
    /* offset 10: reads 1 and 3 differ with different values; 3 of 5 still agree */
    r[1][10] ^= 0x01;
    r[3][10] ^= 0x02;
    /* offset 500: read 4 alone differs */
    r[4][500] ^= 0x04;
    /* offset 800: A A B B C: no strict majority */
    r[2][800] = (uint8_t)(base[800] ^ 0x10);
    r[3][800] = (uint8_t)(base[800] ^ 0x10);
    r[4][800] = (uint8_t)(base[800] ^ 0x20);
    /* offset 900: A A A B B: majority 3 of 5 */
    r[3][900] ^= 0x40;
    r[4][900] ^= 0x40;

    ecu_cmp *cmp = new_cmp();
    const uint8_t *const data[5] = {r[0], r[1], r[2], r[3], r[4]};
    const size_t size[5] = {n, n, n, n, n};
    assert_int_equal(ecu_cmp_run(cmp, 5, data, size), ECU_OK);
    assert_false(ecu_cmp_identical(cmp));
    assert_int_equal(ecu_cmp_differing(cmp), 4);
    assert_int_equal(ecu_cmp_unresolved(cmp), 1);
    assert_int_equal(ecu_cmp_range_count(cmp), 4);
    check_range(cmp, 0, 10, 1, 1, 0, 0x0A);
    check_range(cmp, 1, 500, 1, 1, 0, 0x10);
    check_range(cmp, 2, 800, 1, 1, 1, 0x1F);
    check_range(cmp, 3, 900, 1, 1, 0, 0x18);
    /* offset 800 has no majority: it counts as unresolved, not against the reads */
    assert_int_equal(ecu_cmp_read_differing(cmp, 0), 0);
    assert_int_equal(ecu_cmp_read_differing(cmp, 1), 1);
    assert_int_equal(ecu_cmp_read_differing(cmp, 2), 0);
    assert_int_equal(ecu_cmp_read_differing(cmp, 3), 2);
    assert_int_equal(ecu_cmp_read_differing(cmp, 4), 2);
    size_t csize = 0;
    int err = ECU_OK;
    assert_null(ecu_cmp_consensus(cmp, &csize, &err));
    assert_int_equal(err, ECU_ERR_NO_MAJORITY);

    /* repair offset 800 in read 4 (now A A B B A: majority A); consensus = base */
    r[4][800] = base[800];
    assert_int_equal(ecu_cmp_run(cmp, 5, data, size), ECU_OK);
    assert_int_equal(ecu_cmp_unresolved(cmp), 0);
    check_range(cmp, 2, 800, 1, 1, 0, 0x0C);
    err = -1;
    const uint8_t *cons = ecu_cmp_consensus(cmp, &csize, &err);
    assert_non_null(cons);
    assert_int_equal(csize, n);
    assert_memory_equal(cons, base, n);
    ecu_cmp_free(cmp);
    for (size_t i = 0; i < 5; i++)
        free(r[i]);
    free(base);
}

static void test_vote_sizes_differ(void **state)
{
    (void)state;
    const size_t n = 1010;
    uint8_t *a = xmalloc(n);
    fill_random(a, n, 0x1357u);

    /* read 0 lacks the last 10 bytes, reads 1 and 2 agree on them: majority exists */
    ecu_cmp *cmp = new_cmp();
    {
        const uint8_t *const data[3] = {a, a, a};
        const size_t size[3] = {1000, n, n};
        assert_int_equal(ecu_cmp_run(cmp, 3, data, size), ECU_OK);
    }
    assert_false(ecu_cmp_identical(cmp));
    assert_int_equal(ecu_cmp_compared(cmp), n);
    assert_int_equal(ecu_cmp_differing(cmp), 10);
    assert_int_equal(ecu_cmp_unresolved(cmp), 0);
    assert_int_equal(ecu_cmp_read_differing(cmp, 0), 10);
    assert_int_equal(ecu_cmp_read_differing(cmp, 1), 0);
    assert_int_equal(ecu_cmp_read_differing(cmp, 2), 0);
    assert_int_equal(ecu_cmp_range_count(cmp), 1);
    check_range(cmp, 0, 1000, 10, 10, 0, 0x1);
    size_t csize = 0;
    int err = -1;
    const uint8_t *cons = ecu_cmp_consensus(cmp, &csize, &err);
    assert_non_null(cons);
    assert_int_equal(csize, n);
    assert_memory_equal(cons, a, n);

    /* only read 2 has the last 10 bytes: a strict majority of the reads ends at 1000, so the
     * majority image is 1000 bytes and read 2 differs by its 10 extra bytes (extra tail) */
    {
        const uint8_t *const data[3] = {a, a, a};
        const size_t size[3] = {1000, 1000, n};
        assert_int_equal(ecu_cmp_run(cmp, 3, data, size), ECU_OK);
    }
    assert_false(ecu_cmp_identical(cmp));
    assert_int_equal(ecu_cmp_differing(cmp), 10);
    assert_int_equal(ecu_cmp_unresolved(cmp), 0);
    assert_int_equal(ecu_cmp_range_count(cmp), 1);
    check_range(cmp, 0, 1000, 10, 10, 0, 0x4);
    assert_int_equal(ecu_cmp_read_differing(cmp, 0), 0);
    assert_int_equal(ecu_cmp_read_differing(cmp, 1), 0);
    assert_int_equal(ecu_cmp_read_differing(cmp, 2), 10);
    cons = ecu_cmp_consensus(cmp, &csize, &err);
    assert_non_null(cons);
    assert_int_equal(csize, 1000);
    assert_memory_equal(cons, a, 1000);
    assert_int_equal(ecu_cmp_diag_count(cmp), 1);
    assert_int_equal(ecu_cmp_diag_at(cmp, 0)->kind, ECU_DIAG_EXTRA_TAIL);
    assert_int_equal(ecu_cmp_diag_at(cmp, 0)->read, 2);
    assert_int_equal(ecu_cmp_diag_at(cmp, 0)->length, 10);
    assert_int_equal(ecu_cmp_diag_at(cmp, 0)->residual, 0);
    ecu_cmp_free(cmp);
    free(a);
}

/* ------------------------------------------------------------------------------------------ */
/* diagnoses                                                                                  */
/* ------------------------------------------------------------------------------------------ */

static void test_diag_missing_prefix(void **state)
{
    (void)state;
    const size_t n = 256 * KIB, cut = 64 * KIB;
    uint8_t *full = make_flash(n, 0xB007B007u);
    check_clean(full, n);
    uint8_t *part = dup_buf(full + cut, n - cut);

    ecu_cmp *cmp = run2(full, n, part, n - cut);
    const ecu_cmp_diag *d = expect_single_diag(cmp, ECU_DIAG_MISSING_PREFIX);
    assert_int_equal(d->read, 1);
    assert_int_equal(d->ref, 0);
    assert_int_equal(d->length, cut);
    ecu_cmp_free(cmp);

    /* the shorter read first */
    cmp = run2(part, n - cut, full, n);
    d = expect_single_diag(cmp, ECU_DIAG_MISSING_PREFIX);
    assert_int_equal(d->read, 0);
    assert_int_equal(d->ref, 1);
    assert_int_equal(d->length, cut);
    ecu_cmp_free(cmp);
    free(full);
    free(part);
}

static void test_diag_truncated(void **state)
{
    (void)state;
    const size_t n = 128 * KIB, lost = 20000;
    uint8_t *full = make_flash(n, 0x7A11u);
    check_clean(full, n);

    ecu_cmp *cmp = run2(full, n, full, n - lost);
    const ecu_cmp_diag *d = expect_single_diag(cmp, ECU_DIAG_TRUNCATED);
    assert_int_equal(d->read, 1);
    assert_int_equal(d->ref, 0);
    assert_int_equal(d->offset, n - lost);
    assert_int_equal(d->length, lost);
    assert_int_equal(d->bytes, lost);
    assert_int_equal(ecu_cmp_differing(cmp), lost);
    assert_int_equal(ecu_cmp_range_count(cmp), 1);
    check_range(cmp, 0, n - lost, lost, lost, 0, 0x3);
    ecu_cmp_free(cmp);

    cmp = run2(full, n - lost, full, n);
    d = expect_single_diag(cmp, ECU_DIAG_TRUNCATED);
    assert_int_equal(d->read, 0);
    assert_int_equal(d->ref, 1);
    assert_int_equal(d->offset, n - lost);
    assert_int_equal(d->length, lost);
    ecu_cmp_free(cmp);

    /* three reads, read 0 truncated: the reference is the majority */
    cmp = new_cmp();
    {
        const uint8_t *const data[3] = {full, full, full};
        const size_t size[3] = {n - lost, n, n};
        assert_int_equal(ecu_cmp_run(cmp, 3, data, size), ECU_OK);
    }
    d = expect_single_diag(cmp, ECU_DIAG_TRUNCATED);
    assert_int_equal(d->read, 0);
    assert_int_equal(d->ref, ECU_CMP_MAJORITY);
    assert_int_equal(d->offset, n - lost);
    assert_int_equal(d->length, lost);
    ecu_cmp_free(cmp);
    free(full);
}

static void test_diag_shifted_whole(void **state)
{
    (void)state;
    const size_t n = 128 * KIB;
    uint8_t *ref = make_flash(n, 0x5EED0001u);
    check_clean(ref, n);

    /* equal sizes, the whole content moved 3 bytes down (3 bytes lost at the start), the
     * end padded with 0xFF */
    uint8_t *rd = xmalloc(n);
    memcpy(rd, ref + 3, n - 3);
    memset(rd + n - 3, 0xFF, 3);
    const uint8_t *const data[2] = {ref, rd};
    const size_t size[2] = {n, n};
    ecu_cmp *cmp = run2(ref, n, rd, n);
    const ecu_cmp_diag *d = expect_single_diag(cmp, ECU_DIAG_SHIFTED);
    /* the two reads are symmetric here: read 1 = read 0 moved by +3, or read 0 = read 1
     * moved by -3; either is fine as long as it matches the data */
    assert_true((d->read == 1 && d->ref == 0 && d->shift == 3) ||
                (d->read == 0 && d->ref == 1 && d->shift == -3));
    assert_int_equal(d->offset, first_diff(ref, n, rd, n));
    check_shift_relation(d, data, size);
    ecu_cmp_free(cmp);
    free(rd);
    free(ref);
}

static void test_diag_shifted_inserted(void **state)
{
    (void)state;
    const size_t n = 128 * KIB;
    uint8_t *ref = make_flash(n, 0x5EED0002u);
    check_clean(ref, n);

    /* equal sizes, two bytes repeated at k (the reader re-sent them): from k on
     * rd[i] = ref[i - 2]; the last two bytes fall off */
    size_t k = 0x9000;
    while (ref[k - 2] == ref[k] || ref[k - 1] == ref[k + 1])
        k++;
    uint8_t *rd = xmalloc(n);
    memcpy(rd, ref, k);
    memcpy(rd + k, ref + k - 2, n - k);
    assert_int_equal(first_diff(ref, n, rd, n), k);
    const uint8_t *const data[2] = {ref, rd};
    const size_t size[2] = {n, n};

    ecu_cmp *cmp = run2(ref, n, rd, n);
    const ecu_cmp_diag *d = expect_single_diag(cmp, ECU_DIAG_SHIFTED);
    assert_true((d->read == 1 && d->ref == 0 && d->shift == -2) ||
                (d->read == 0 && d->ref == 1 && d->shift == 2));
    assert_int_equal(d->offset, k);
    check_shift_relation(d, data, size);
    ecu_cmp_free(cmp);
    free(rd);
    free(ref);
}

static void test_diag_shifted_dropped_byte(void **state)
{
    (void)state;
    const size_t n = 128 * KIB;
    uint8_t *ref = make_flash(n, 0x5EED0003u);
    check_clean(ref, n);

    /* one byte dropped at k: rd is one byte shorter, rd[i] = ref[i + 1] from k on */
    size_t k = 0xA123;
    while (ref[k] == ref[k + 1])
        k++;
    uint8_t *rd = xmalloc(n - 1);
    memcpy(rd, ref, k);
    memcpy(rd + k, ref + k + 1, n - k - 1);
    assert_int_equal(first_diff(ref, n, rd, n - 1), k);

    ecu_cmp *cmp = run2(ref, n, rd, n - 1);
    const ecu_cmp_diag *d = expect_single_diag(cmp, ECU_DIAG_SHIFTED);
    assert_int_equal(d->read, 1);
    assert_int_equal(d->ref, 0);
    assert_int_equal(d->shift, 1);
    assert_int_equal(d->offset, k);
    {
        const uint8_t *const data[2] = {ref, rd};
        const size_t size[2] = {n, n - 1};
        check_shift_relation(d, data, size);
    }
    ecu_cmp_free(cmp);
    free(rd);
    free(ref);
}

/*
 * The same dropped byte with the short read given first: the diagnosis must not depend on
 * the order of the reads; it names the read that lost the byte (like MISSING_PREFIX and
 * TRUNCATED name the shorter read), with shift +1 (bytes lost).
 */
static void test_diag_shifted_dropped_byte_short_first(void **state)
{
    (void)state;
    const size_t n = 128 * KIB;
    uint8_t *ref = make_flash(n, 0x5EED0003u);
    size_t k = 0xA123;
    while (ref[k] == ref[k + 1])
        k++;
    uint8_t *rd = xmalloc(n - 1);
    memcpy(rd, ref, k);
    memcpy(rd + k, ref + k + 1, n - k - 1);

    ecu_cmp *cmp = run2(rd, n - 1, ref, n);
    const ecu_cmp_diag *d = expect_single_diag(cmp, ECU_DIAG_SHIFTED);
    if (d->read != 0 || d->shift != 1)
        print_diags(cmp);
    assert_int_equal(d->read, 0);
    assert_int_equal(d->ref, 1);
    assert_int_equal(d->shift, 1);
    assert_int_equal(d->offset, k);
    {
        const uint8_t *const data[2] = {rd, ref};
        const size_t size[2] = {n - 1, n};
        check_shift_relation(d, data, size);
    }
    ecu_cmp_free(cmp);
    free(rd);
    free(ref);
}

static void test_diag_swap16(void **state)
{
    (void)state;
    const size_t n = 128 * KIB;
    uint8_t *ref = make_flash(n, 0x5A5A1616u);
    check_clean(ref, n);
    uint8_t *rd = xmalloc(n);
    for (size_t i = 0; i < n; i += 2) {
        rd[i] = ref[i + 1];
        rd[i + 1] = ref[i];
    }
    ecu_cmp *cmp = run2(ref, n, rd, n);
    const ecu_cmp_diag *d = expect_single_diag(cmp, ECU_DIAG_SWAP16);
    /* swapping is symmetric: either read may be named, against the other */
    assert_true((d->read == 1 && d->ref == 0) || (d->read == 0 && d->ref == 1));
    assert_int_equal(d->bytes, count_diff(ref, n, rd, n));
    ecu_cmp_free(cmp);
    free(rd);
    free(ref);
}

static void test_diag_swap32(void **state)
{
    (void)state;
    const size_t n = 128 * KIB;
    uint8_t *ref = make_flash(n, 0x5A5A3232u);
    check_clean(ref, n);
    uint8_t *rd = xmalloc(n);
    for (size_t i = 0; i < n; i += 4) {
        rd[i] = ref[i + 3];
        rd[i + 1] = ref[i + 2];
        rd[i + 2] = ref[i + 1];
        rd[i + 3] = ref[i];
    }
    ecu_cmp *cmp = run2(ref, n, rd, n);
    const ecu_cmp_diag *d = expect_single_diag(cmp, ECU_DIAG_SWAP32);
    assert_true((d->read == 1 && d->ref == 0) || (d->read == 0 && d->ref == 1));
    assert_int_equal(d->bytes, count_diff(ref, n, rd, n));
    ecu_cmp_free(cmp);
    free(rd);
    free(ref);
}

/* rd = ref with data bit @p bit forced to @p value in the byte lanes @p lanes. */
static uint8_t *make_stuck(const uint8_t *ref, size_t n, unsigned bit, unsigned value,
                           unsigned lanes, uint64_t *affected)
{
    uint8_t *rd = dup_buf(ref, n);
    uint64_t c = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(lanes & (1u << (i % 4))))
            continue;
        uint8_t v = value ? (uint8_t)(rd[i] | (1u << bit)) : (uint8_t)(rd[i] & ~(1u << bit));
        c += v != rd[i];
        rd[i] = v;
    }
    *affected = c;
    return rd;
}

static void check_stuck(const ecu_cmp_diag *d, unsigned read, unsigned ref, unsigned bit,
                        unsigned value, unsigned lanes, uint64_t bytes)
{
    assert_int_equal(d->read, read);
    assert_int_equal(d->ref, ref);
    assert_int_equal(d->bit, bit);
    assert_int_equal(d->value, value);
    assert_int_equal(d->lanes, lanes);
    assert_int_equal(d->bytes, bytes);
}

static void test_diag_stuck_bit_all_bytes(void **state)
{
    (void)state;
    const size_t n = 128 * KIB;
    uint8_t *ref = make_flash(n, 0x57C0B175u);
    check_clean(ref, n);
    uint64_t bytes = 0;
    uint8_t *rd = make_stuck(ref, n, 3, 0, 0xF, &bytes);
    assert_true(bytes > 1000);

    ecu_cmp *cmp = run2(ref, n, rd, n);
    assert_int_equal(ecu_cmp_differing(cmp), bytes);
    const ecu_cmp_diag *d = expect_single_diag(cmp, ECU_DIAG_STUCK_BIT);
    check_stuck(d, 1, 0, 3, 0, 0xF, bytes);
    ecu_cmp_free(cmp);

    /* the stuck read first */
    cmp = run2(rd, n, ref, n);
    d = expect_single_diag(cmp, ECU_DIAG_STUCK_BIT);
    check_stuck(d, 0, 1, 3, 0, 0xF, bytes);
    ecu_cmp_free(cmp);
    free(rd);

    /* stuck at 1 */
    rd = make_stuck(ref, n, 6, 1, 0xF, &bytes);
    cmp = run2(ref, n, rd, n);
    d = expect_single_diag(cmp, ECU_DIAG_STUCK_BIT);
    check_stuck(d, 1, 0, 6, 1, 0xF, bytes);
    ecu_cmp_free(cmp);
    free(rd);
    free(ref);
}

static void test_diag_stuck_bit_even_odd(void **state)
{
    (void)state;
    const size_t n = 128 * KIB;
    uint8_t *ref = make_flash(n, 0x16B17B05u);
    check_clean(ref, n);
    uint64_t bytes = 0;

    /* 16-bit bus, bit 6 of even bytes stuck at 1 */
    uint8_t *rd = make_stuck(ref, n, 6, 1, 0x5, &bytes);
    assert_true(bytes > 1000);
    ecu_cmp *cmp = run2(ref, n, rd, n);
    const ecu_cmp_diag *d = expect_single_diag(cmp, ECU_DIAG_STUCK_BIT);
    check_stuck(d, 1, 0, 6, 1, 0x5, bytes);
    ecu_cmp_free(cmp);
    free(rd);

    /* bit 0 of odd bytes stuck at 0, in read 0 */
    rd = make_stuck(ref, n, 0, 0, 0xA, &bytes);
    assert_true(bytes > 1000);
    cmp = run2(rd, n, ref, n);
    d = expect_single_diag(cmp, ECU_DIAG_STUCK_BIT);
    check_stuck(d, 0, 1, 0, 0, 0xA, bytes);
    ecu_cmp_free(cmp);
    free(rd);
    free(ref);
}

static void test_diag_stuck_bit_three_reads(void **state)
{
    (void)state;
    const size_t n = 128 * KIB;
    uint8_t *ref = make_flash(n, 0x3EAD5u);
    check_clean(ref, n);
    uint64_t bytes = 0;
    uint8_t *rd = make_stuck(ref, n, 5, 0, 0xF, &bytes);
    uint8_t *ref2 = dup_buf(ref, n);

    ecu_cmp *cmp = run3(ref, ref2, rd, n);
    assert_int_equal(ecu_cmp_read_differing(cmp, 2), bytes);
    assert_int_equal(ecu_cmp_read_differing(cmp, 0), 0);
    assert_int_equal(ecu_cmp_unresolved(cmp), 0);
    const ecu_cmp_diag *d = expect_single_diag(cmp, ECU_DIAG_STUCK_BIT);
    check_stuck(d, 2, ECU_CMP_MAJORITY, 5, 0, 0xF, bytes);
    size_t csize = 0;
    const uint8_t *cons = ecu_cmp_consensus(cmp, &csize, NULL);
    assert_non_null(cons);
    assert_int_equal(csize, n);
    assert_memory_equal(cons, ref, n);
    ecu_cmp_free(cmp);
    free(rd);
    free(ref2);
    free(ref);
}

static void test_diag_off(void **state)
{
    (void)state;
    const size_t n = 128 * KIB;
    uint8_t *ref = make_flash(n, 0x0FF0FF0u);
    uint64_t bytes = 0;
    uint8_t *rd = make_stuck(ref, n, 2, 0, 0xF, &bytes);
    ecu_cmp *cmp = new_cmp();
    assert_int_equal(ecu_cmp_set_diagnose(cmp, 0), ECU_OK);
    run2_opts(cmp, ref, rd, n);
    assert_int_equal(ecu_cmp_differing(cmp), bytes);
    assert_int_equal(ecu_cmp_diag_count(cmp), 0);
    assert_null(ecu_cmp_diag_at(cmp, 0));
    /* turned back on */
    assert_int_equal(ecu_cmp_set_diagnose(cmp, 1), ECU_OK);
    run2_opts(cmp, ref, rd, n);
    assert_int_equal(kinds_mask(cmp), KIND(ECU_DIAG_STUCK_BIT));
    ecu_cmp_free(cmp);
    free(rd);
    free(ref);
}

/* Makes sure the bytes around and at the edges of [start, end) are not fill values. */
static void prepare_blank_edges(uint8_t *ref, size_t start, size_t end)
{
    const size_t pos[4] = {start - 1, start, end - 1, end};
    for (size_t i = 0; i < 4; i++)
        if (ref[pos[i]] == 0x00 || ref[pos[i]] == 0xFF)
            ref[pos[i]] = 0xA5;
}

static void test_diag_blank(void **state)
{
    (void)state;
    const size_t n = 128 * KIB;
    uint8_t *ref = make_flash(n, 0xB1A4Bu);
    const size_t s1 = 0x6000, e1 = 0x6000 + 1024;     /* 0xFF run */
    const size_t s2 = 0x14000, e2 = 0x14000 + 0x300;  /* 0x00 run */
    prepare_blank_edges(ref, s1, e1);
    prepare_blank_edges(ref, s2, e2);
    check_clean(ref, n);

    uint8_t *rd = dup_buf(ref, n);
    memset(rd + s1, 0xFF, e1 - s1);
    ecu_cmp *cmp = run2(ref, n, rd, n);
    const ecu_cmp_diag *d = expect_single_diag(cmp, ECU_DIAG_BLANK);
    assert_int_equal(d->read, 1);
    assert_int_equal(d->ref, 0);
    assert_int_equal(d->fill, 0xFF);
    assert_int_equal(d->offset, s1);
    assert_int_equal(d->length, e1 - s1);
    assert_int_equal(d->bytes, count_diff(ref, n, rd, n));
    ecu_cmp_free(cmp);

    /* 0x00 fill, the blank read first */
    memcpy(rd, ref, n);
    memset(rd + s2, 0x00, e2 - s2);
    cmp = run2(rd, n, ref, n);
    d = expect_single_diag(cmp, ECU_DIAG_BLANK);
    assert_int_equal(d->read, 0);
    assert_int_equal(d->ref, 1);
    assert_int_equal(d->fill, 0x00);
    assert_int_equal(d->offset, s2);
    assert_int_equal(d->length, e2 - s2);
    assert_int_equal(d->bytes, count_diff(ref, n, rd, n));
    ecu_cmp_free(cmp);

    /* three reads, read 1 blank: the reference is the majority */
    memcpy(rd, ref, n);
    memset(rd + s1, 0xFF, e1 - s1);
    uint8_t *ref2 = dup_buf(ref, n);
    cmp = run3(ref, rd, ref2, n);
    d = expect_single_diag(cmp, ECU_DIAG_BLANK);
    assert_int_equal(d->read, 1);
    assert_int_equal(d->ref, ECU_CMP_MAJORITY);
    assert_int_equal(d->fill, 0xFF);
    assert_int_equal(d->offset, s1);
    assert_int_equal(d->length, e1 - s1);
    ecu_cmp_free(cmp);
    free(ref2);
    free(rd);
    free(ref);
}

static void test_diag_none_for_scattered_diffs(void **state)
{
    (void)state;
    const size_t n = 128 * KIB;
    uint8_t *ref = make_flash(n, 0xD1FF5u);
    uint8_t *rd = dup_buf(ref, n);
    uint32_t s = 0xABCDEFu;
    for (int i = 0; i < 12; i++) {
        size_t at = xorshift32(&s) % n;
        rd[at] ^= (uint8_t)(1u + (xorshift32(&s) % 255u));
    }
    ecu_cmp *cmp = run2(ref, n, rd, n);
    assert_false(ecu_cmp_identical(cmp));
    if (ecu_cmp_diag_count(cmp) != 0)
        print_diags(cmp);
    assert_int_equal(ecu_cmp_diag_count(cmp), 0);
    ecu_cmp_free(cmp);
    free(rd);
    free(ref);
}

/* ------------------------------------------------------------------------------------------ */
/* names, descriptions, fingerprint                                                           */
/* ------------------------------------------------------------------------------------------ */

/* ---- streamed ranges (ecu_cmp_set_range_sink) ------------------------------------------------ */

struct sink_log {
    ecu_cmp_range *r;
    size_t n, cap, calls;
    size_t stop_after; /* ranges to take before asking to stop; 0: never stop */
    int stopped;       /* it asked to stop */
    int bad_batch;     /* a call with no range, ranges out of order, or a call after stop */
};

static int log_sink(void *ctx, const ecu_cmp_range *g, size_t count)
{
    struct sink_log *l = ctx;
    l->calls++;
    if (count == 0 || l->stopped)
        l->bad_batch = 1;
    for (size_t i = 0; i < count; i++) {
        if (l->n == l->cap) {
            l->cap = l->cap ? l->cap * 2 : 64;
            l->r = realloc(l->r, l->cap * sizeof *l->r);
            assert_non_null(l->r);
        }
        if (l->n && g[i].start <= l->r[l->n - 1].start + l->r[l->n - 1].length - 1)
            l->bad_batch = 1;
        l->r[l->n++] = g[i];
    }
    l->stopped = l->stop_after && l->n >= l->stop_after;
    return l->stopped;
}

/*
 * The ranges of two reads computed the plain way, offset by offset, as ecu-cmp(1) defines
 * them: an offset differs where the bytes differ or only one read has it, ignored offsets
 * are not compared, and differences at most `gap` offsets apart share a range.
 */
static size_t ref_ranges(const uint8_t *a, size_t na, const uint8_t *b, size_t nb, uint64_t gap,
                         const uint64_t (*ign)[2], size_t nign, ecu_cmp_range *out)
{
    size_t total = na > nb ? na : nb, n = 0;
    for (size_t i = 0; i < total; i++) {
        int skip = 0;
        for (size_t k = 0; k < nign; k++)
            skip |= i >= ign[k][0] && i < ign[k][1];
        if (skip || (i < na && i < nb && a[i] == b[i]))
            continue;
        if (n && i - (out[n - 1].start + out[n - 1].length - 1) - 1 <= gap) {
            out[n - 1].length = i - out[n - 1].start + 1;
            out[n - 1].differing++;
        } else {
            out[n++] = (ecu_cmp_range){i, 1, 1, 0, 0x3};
        }
    }
    return n;
}

static void assert_ranges_equal(const ecu_cmp_range *x, const ecu_cmp_range *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (memcmp(&x[i], &y[i], sizeof x[i]) != 0)
            fail_msg("range %zu: %llu+%llu (%llu) against %llu+%llu (%llu)", i,
                     (unsigned long long)x[i].start, (unsigned long long)x[i].length,
                     (unsigned long long)x[i].differing, (unsigned long long)y[i].start,
                     (unsigned long long)y[i].length, (unsigned long long)y[i].differing);
    }
}

/* Two reads with noise of several densities, several gaps (the default one, which the
   comparison unrolls, and the extremes), unequal sizes and ignored areas: the streamed
   ranges, the kept ranges and the plain computation agree. */
static void test_sink_matches_kept_and_reference(void **state)
{
    (void)state;
    static const uint64_t gaps[] = {0, 1, 5, 15, 16, 17, 62, 63, 64, 65, 1000, UINT64_MAX};
    static const unsigned density[] = {0, 1, 30, 256, 2048, 4096}; /* of 4096 bytes */
    static const uint64_t ign[2][2] = {{1000, 1100}, {20000, 20017}};
    const size_t n = 50000; /* not a multiple of 64 nor of 4096: every tail path */
    uint8_t *a = xmalloc(n + 300);
    ecu_cmp_range *ref = malloc((n + 300) * sizeof *ref);
    uint32_t rs = 0xC0FFEEu;
    assert_non_null(ref);
    fill_random(a, n + 300, 0x51u);
    for (size_t di = 0; di < sizeof density / sizeof density[0]; di++) {
        uint8_t *b = dup_buf(a, n + 300);
        for (size_t i = 0; i < n + 300; i++)
            if ((xorshift32(&rs) & 4095) < density[di])
                b[i] ^= (uint8_t)(1 + xorshift32(&rs) % 255);
        for (size_t gi = 0; gi < sizeof gaps / sizeof gaps[0]; gi++) {
            /* shapes: equal sizes; b longer by 300; b shorter by 7; with ignored areas */
            for (int shape = 0; shape < 4; shape++) {
                size_t na = n, nb = shape == 1 ? n + 300 : shape == 2 ? n - 7 : n;
                size_t nign = shape == 3 ? 2 : 0;
                const uint8_t *const data[2] = {a, b};
                const size_t size[2] = {na, nb};
                struct sink_log log = {0};
                ecu_cmp *kept = new_cmp(), *streamed = new_cmp();
                for (size_t k = 0; k < nign; k++) {
                    assert_int_equal(ecu_cmp_add_ignore(kept, ign[k][0], ign[k][1]), ECU_OK);
                    assert_int_equal(ecu_cmp_add_ignore(streamed, ign[k][0], ign[k][1]), ECU_OK);
                }
                ecu_cmp_set_gap(kept, gaps[gi]);
                ecu_cmp_set_gap(streamed, gaps[gi]);
                assert_int_equal(ecu_cmp_set_range_sink(streamed, log_sink, &log), ECU_OK);
                assert_int_equal(ecu_cmp_run(kept, 2, data, size), ECU_OK);
                assert_int_equal(ecu_cmp_run(streamed, 2, data, size), ECU_OK);

                size_t nref = ref_ranges(a, na, b, nb, gaps[gi], ign, nign, ref);
                size_t nk = ecu_cmp_range_count(kept);
                assert_int_equal(nk, nref);
                for (size_t i = 0; i < nk; i++)
                    assert_ranges_equal(ecu_cmp_range_at(kept, i), &ref[i], 1);
                assert_int_equal(log.n, nref);
                assert_int_equal(ecu_cmp_range_count(streamed), nref);
                assert_ranges_equal(log.r, ref, nref);
                assert_false(log.bad_batch);
                if (!nref)
                    assert_int_equal(log.calls, 0); /* never called with nothing */
                assert_null(ecu_cmp_range_at(streamed, 0)); /* handed over, not kept */
                assert_int_equal(ecu_cmp_differing(streamed), ecu_cmp_differing(kept));
                assert_int_equal(ecu_cmp_identical(streamed), ecu_cmp_identical(kept));
                free(log.r);
                ecu_cmp_free(kept);
                ecu_cmp_free(streamed);
            }
        }
        free(b);
    }
    free(ref);
    free(a);
}

/* Three and five reads (the vote): the streamed ranges are the kept ones, reads and
   unresolved counts included. */
static void test_sink_vote(void **state)
{
    (void)state;
    const size_t n = 40000;
    for (size_t nreads = 3; nreads <= 5; nreads += 2) {
        uint8_t *buf[5];
        const uint8_t *data[5];
        size_t size[5];
        uint32_t rs = 0xBEEFu + (uint32_t)nreads;
        buf[0] = xmalloc(n);
        fill_random(buf[0], n, 0x99u);
        for (size_t k = 0; k < nreads; k++) {
            if (k)
                buf[k] = dup_buf(buf[0], n);
            for (size_t i = 0; i < n; i++)
                if ((xorshift32(&rs) & 63) == 0)
                    buf[k][i] ^= (uint8_t)(1 + xorshift32(&rs) % 3);
            data[k] = buf[k];
            size[k] = n - 5 * k; /* unequal sizes: bytes only some reads have */
        }
        struct sink_log log = {0};
        ecu_cmp *kept = new_cmp(), *streamed = new_cmp();
        ecu_cmp_set_diagnose(kept, 0);
        ecu_cmp_set_diagnose(streamed, 0);
        ecu_cmp_set_gap(kept, 0); /* a range per differing offset or run: several batches */
        ecu_cmp_set_gap(streamed, 0);
        assert_int_equal(ecu_cmp_set_range_sink(streamed, log_sink, &log), ECU_OK);
        assert_int_equal(ecu_cmp_run(kept, nreads, data, size), ECU_OK);
        assert_int_equal(ecu_cmp_run(streamed, nreads, data, size), ECU_OK);
        size_t nk = ecu_cmp_range_count(kept);
        assert_true(nk > 1000); /* several batches */
        assert_int_equal(log.n, nk);
        assert_int_equal(ecu_cmp_range_count(streamed), nk);
        for (size_t i = 0; i < nk; i++)
            assert_ranges_equal(&log.r[i], ecu_cmp_range_at(kept, i), 1);
        assert_false(log.bad_batch);
        assert_true(log.calls > 1);
        assert_int_equal(ecu_cmp_unresolved(streamed), ecu_cmp_unresolved(kept));
        for (size_t k = 0; k < nreads; k++)
            assert_int_equal(ecu_cmp_read_differing(streamed, k), ecu_cmp_read_differing(kept, k));
        size_t cs, ck;
        int es, ek;
        const uint8_t *c1 = ecu_cmp_consensus(streamed, &cs, &es), *c2 = ecu_cmp_consensus(kept, &ck, &ek);
        assert_int_equal(es, ek);
        assert_int_equal(cs, ck);
        if (c1 && c2)
            assert_memory_equal(c1, c2, cs);
        free(log.r);
        ecu_cmp_free(kept);
        ecu_cmp_free(streamed);
        for (size_t k = 0; k < nreads; k++)
            free(buf[k]);
    }
}

/* Compares a with b (two reads) or a with b twice (three reads: b is the majority). */
static int run_ab(ecu_cmp *cmp, int nreads, const uint8_t *a, const uint8_t *b, size_t n)
{
    const uint8_t *const data[3] = {a, b, b};
    const size_t size[3] = {n, n, n};
    return ecu_cmp_run(cmp, (size_t)nreads, data, size);
}

/* A sink that asks to stop ends the run with ECU_ERR_STOPPED and no results; the ranges
   handed over before stand. A NULL sink keeps the ranges again. */
static void test_sink_stop_and_unset(void **state)
{
    (void)state;
    const size_t n = 64 * KIB;
    uint8_t *a = xmalloc(n);
    fill_random(a, n, 0x1234u);
    uint8_t *b = dup_buf(a, n);
    for (size_t i = 0; i < n; i += 20) /* 3277 ranges of one byte */
        b[i] ^= 0x10;
    for (int nreads = 2; nreads <= 3; nreads++) {
        /* stopped in the middle (700), then by the last batch, handed over at the end (3277) */
        for (size_t stop = 700; stop; stop = stop == 700 ? 3277 : 0) {
            struct sink_log log = {0};
            ecu_cmp *cmp = new_cmp();
            log.stop_after = stop;
            assert_int_equal(ecu_cmp_set_range_sink(cmp, log_sink, &log), ECU_OK);
            assert_int_equal(run_ab(cmp, nreads, a, b, n), ECU_ERR_STOPPED);
            assert_true(log.stopped);
            assert_false(log.bad_batch); /* not called again once it asked to stop */
            assert_true(log.n >= stop && log.n <= 3277);
            for (size_t i = 0; i < log.n; i++)
                assert_int_equal(log.r[i].start, 20 * i);
            assert_int_equal(ecu_cmp_range_count(cmp), 0);
            assert_int_equal(ecu_cmp_differing(cmp), 0);
            assert_int_equal(ecu_cmp_identical(cmp), 0);
            free(log.r);

            /* unset: kept again */
            assert_int_equal(ecu_cmp_set_range_sink(cmp, NULL, &log), ECU_OK);
            assert_int_equal(run_ab(cmp, nreads, a, b, n), ECU_OK);
            assert_int_equal(ecu_cmp_range_count(cmp), 3277);
            assert_non_null(ecu_cmp_range_at(cmp, 3276));
            assert_int_equal(ecu_cmp_range_at(cmp, 3276)->start, 20 * 3276);
            ecu_cmp_free(cmp);
        }
    }
    assert_int_equal(ecu_cmp_set_range_sink(NULL, log_sink, NULL), ECU_ERR_INVALID);
    assert_string_equal(ecu_strerror(ECU_ERR_STOPPED), "stopped by the caller");
    free(a);
    free(b);
}

/* The diagnoses do not depend on whether the ranges are streamed. */
static void test_sink_keeps_diagnoses(void **state)
{
    (void)state;
    const size_t n = 256 * KIB;
    uint8_t *a = make_flash(n, 0x600Du);
    uint8_t *b = xmalloc(n);
    /* b lost 3 bytes at 0x9000: shifted from there on */
    memcpy(b, a, 0x9000);
    memcpy(b + 0x9000, a + 0x9003, n - 0x9003);
    memset(b + n - 3, 0xFF, 3);
    const uint8_t *const data[2] = {a, b};
    const size_t size[2] = {n, n};
    struct sink_log log = {0};
    ecu_cmp *kept = new_cmp(), *streamed = new_cmp();
    ecu_cmp_set_range_sink(streamed, log_sink, &log);
    assert_int_equal(ecu_cmp_run(kept, 2, data, size), ECU_OK);
    assert_int_equal(ecu_cmp_run(streamed, 2, data, size), ECU_OK);
    assert_true(ecu_cmp_diag_count(kept) >= 1);
    assert_int_equal(ecu_cmp_diag_count(streamed), ecu_cmp_diag_count(kept));
    for (size_t i = 0; i < ecu_cmp_diag_count(kept); i++)
        assert_memory_equal(ecu_cmp_diag_at(streamed, i), ecu_cmp_diag_at(kept, i), sizeof(ecu_cmp_diag));
    assert_int_equal(ecu_cmp_diag_at(kept, 0)->kind, ECU_DIAG_SHIFTED);
    assert_int_equal(log.n, ecu_cmp_range_count(kept));
    free(log.r);
    ecu_cmp_free(kept);
    ecu_cmp_free(streamed);
    free(a);
    free(b);
}

static void test_kind_names(void **state)
{
    (void)state;
    assert_string_equal(ecu_cmp_diag_kind_name(ECU_DIAG_MISSING_PREFIX), "missing-prefix");
    assert_string_equal(ecu_cmp_diag_kind_name(ECU_DIAG_TRUNCATED), "truncated");
    assert_string_equal(ecu_cmp_diag_kind_name(ECU_DIAG_SHIFTED), "shifted");
    assert_string_equal(ecu_cmp_diag_kind_name(ECU_DIAG_SWAP16), "swap16");
    assert_string_equal(ecu_cmp_diag_kind_name(ECU_DIAG_SWAP32), "swap32");
    assert_string_equal(ecu_cmp_diag_kind_name(ECU_DIAG_STUCK_BIT), "stuck-bit");
    assert_string_equal(ecu_cmp_diag_kind_name(ECU_DIAG_BLANK), "blank");
    assert_non_null(ecu_cmp_diag_kind_name((ecu_cmp_diag_kind)0));
    assert_non_null(ecu_cmp_diag_kind_name((ecu_cmp_diag_kind)99));
}

static void test_describe(void **state)
{
    (void)state;
    static const ecu_cmp_diag_kind kinds[] = {
        ECU_DIAG_MISSING_PREFIX, ECU_DIAG_TRUNCATED, ECU_DIAG_SHIFTED, ECU_DIAG_SWAP16,
        ECU_DIAG_SWAP32,         ECU_DIAG_STUCK_BIT, ECU_DIAG_BLANK,
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        ecu_cmp_diag d;
        memset(&d, 0, sizeof d);
        d.kind = kinds[i];
        d.read = 1;
        d.ref = 0;
        d.offset = 0x10000;
        d.length = 0x10000;
        d.shift = 2;
        d.bit = 3;
        d.value = 0;
        d.lanes = 0xA;
        d.fill = 0xFF;
        d.bytes = 1234;
        d.match = 0.99;
        char buf[256];
        memset(buf, 0, sizeof buf);
        int len = ecu_cmp_diag_describe(&d, buf, sizeof buf);
        assert_true(len > 0);
        assert_int_equal(strlen(buf), (size_t)len < sizeof buf ? (size_t)len : sizeof buf - 1);

        /* snprintf-like: truncated output is NUL-terminated, the full length is returned */
        char small[8];
        memset(small, 'x', sizeof small);
        assert_int_equal(ecu_cmp_diag_describe(&d, small, sizeof small), len);
        assert_int_equal(strlen(small), (size_t)len < sizeof small ? (size_t)len : sizeof small - 1);
        assert_memory_equal(small, buf, strlen(small));
        char untouched = 'z';
        assert_int_equal(ecu_cmp_diag_describe(&d, &untouched, 0), len);
        assert_int_equal(untouched, 'z');
    }
}

static void test_fingerprint(void **state)
{
    (void)state;
    char out[33];

    /*
     * Known answers computed independently with the xxhsum CLI (Debian package xxhash
     * 0.8.1): `xxhsum -H2 FILE`, which prints the canonical (big-endian) XXH128.
     *   empty file                                -> 99aa06d3014798d86001c324468d497f
     *   "123456789" (printf, no newline)          -> 33119477ede5dcd5e9716427681d5860
     *   1000 bytes of fill_random(seed 0x12345678) -> 4cd93bad5d0f837289f7b4d39b3ebbda
     */
    memset(out, 'x', sizeof out);
    ecu_fingerprint_hex("", 0, out);
    assert_string_equal(out, "99aa06d3014798d86001c324468d497f");

    memset(out, 'x', sizeof out);
    ecu_fingerprint_hex("123456789", 9, out);
    assert_string_equal(out, "33119477ede5dcd5e9716427681d5860");

    uint8_t buf[1000];
    fill_random(buf, sizeof buf, 0x12345678u);
    assert_int_equal(buf[0], 0x87); /* the generator matches the one used with xxhsum */
    assert_int_equal(buf[1], 0x15);
    memset(out, 'x', sizeof out);
    ecu_fingerprint_hex(buf, sizeof buf, out);
    assert_string_equal(out, "4cd93bad5d0f837289f7b4d39b3ebbda");

    /* format: 32 lowercase hex digits */
    assert_int_equal(strlen(out), 32);
    for (size_t i = 0; i < 32; i++)
        assert_true((out[i] >= '0' && out[i] <= '9') || (out[i] >= 'a' && out[i] <= 'f'));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_free_null),
        cmocka_unit_test(test_options_ok_and_null_handle),
        cmocka_unit_test(test_run_invalid_args),
        cmocka_unit_test(test_run_too_many_and_max),
        cmocka_unit_test(test_identical_two),
        cmocka_unit_test(test_identical_three),
        cmocka_unit_test(test_range_fields_two_reads),
        cmocka_unit_test(test_gap_default),
        cmocka_unit_test(test_gap_zero_and_custom),
        cmocka_unit_test(test_ignore_ranges),
        cmocka_unit_test(test_sizes_differ),
        cmocka_unit_test(test_second_run_replaces),
        cmocka_unit_test(test_vote_three_one_bad),
        cmocka_unit_test(test_vote_three_all_different),
        cmocka_unit_test(test_vote_five),
        cmocka_unit_test(test_vote_sizes_differ),
        cmocka_unit_test(test_diag_missing_prefix),
        cmocka_unit_test(test_diag_truncated),
        cmocka_unit_test(test_diag_shifted_whole),
        cmocka_unit_test(test_diag_shifted_inserted),
        cmocka_unit_test(test_diag_shifted_dropped_byte),
        cmocka_unit_test(test_diag_shifted_dropped_byte_short_first),
        cmocka_unit_test(test_diag_swap16),
        cmocka_unit_test(test_diag_swap32),
        cmocka_unit_test(test_diag_stuck_bit_all_bytes),
        cmocka_unit_test(test_diag_stuck_bit_even_odd),
        cmocka_unit_test(test_diag_stuck_bit_three_reads),
        cmocka_unit_test(test_diag_off),
        cmocka_unit_test(test_diag_blank),
        cmocka_unit_test(test_diag_none_for_scattered_diffs),
        cmocka_unit_test(test_sink_matches_kept_and_reference),
        cmocka_unit_test(test_sink_vote),
        cmocka_unit_test(test_sink_stop_and_unset),
        cmocka_unit_test(test_sink_keeps_diagnoses),
        cmocka_unit_test(test_kind_names),
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_fingerprint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
