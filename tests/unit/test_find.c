/* SPDX-License-Identifier: MIT */
/*
 * Pattern search (lib/core/find.h) against a plain byte-by-byte search: ecu__memfind,
 * ecu__memfind_at with every anchor and ecu__find_pair give the first occurrence, on
 * haystacks where the pattern's bytes are rare (memchr all the way), frequent (the search
 * goes on by pairs) and mixed, with matches at the very start and end, overlapping matches,
 * and haystacks shorter than the pattern.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "find.h"

static uint32_t rng = 0x12345678u;
static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static const uint8_t *naive(const uint8_t *h, size_t n, const uint8_t *p, size_t m)
{
    size_t i;
    if (!m)
        return h;
    for (i = 0; m <= n && i <= n - m; i++)
        if (memcmp(h + i, p, m) == 0)
            return h + i;
    return NULL;
}

static size_t naive_pair(const uint8_t *h, size_t n, uint8_t a, uint8_t b)
{
    size_t i;
    for (i = 0; i + 1 < n; i++)
        if (h[i] == a && h[i + 1] == b)
            return i;
    return n;
}

/* A haystack of @p n bytes drawn from an alphabet of @p k bytes (small k: every byte frequent),
   with copies of @p p planted at random places (0 to 3 of them). */
static void fill(uint8_t *h, size_t n, unsigned k, const uint8_t *p, size_t m)
{
    size_t i, c = next() % 4;
    for (i = 0; i < n; i++)
        h[i] = (uint8_t)(k >= 256 ? next() : 'A' + next() % k);
    while (c-- && m <= n) {
        size_t at = next() % (n - m + 1);
        memcpy(h + at, p, m);
    }
}

static void test_against_naive(void **state)
{
    static uint8_t h[70000];
    static const unsigned alphabets[] = {2, 3, 8, 26, 256};
    size_t trial, checked = 0;
    (void)state;
    for (trial = 0; trial < 3000; trial++) {
        uint8_t p[12];
        size_t m = 1 + next() % sizeof p, n = next() % 3 == 0 ? next() % 40 : next() % sizeof h, a;
        unsigned k = alphabets[next() % (sizeof alphabets / sizeof alphabets[0])], i;
        for (i = 0; i < m; i++)
            p[i] = (uint8_t)(k >= 256 ? next() : 'A' + next() % k);
        fill(h, n, k, p, m);
        if (trial % 7 == 0 && m <= n)
            memcpy(h + n - m, p, m); /* at the very end */
        if (trial % 11 == 0 && m <= n)
            memcpy(h, p, m); /* at the start */
        assert_ptr_equal(ecu__memfind(h, n, p, m), naive(h, n, p, m));
        for (a = 0; a < m; a++)
            assert_ptr_equal(ecu__memfind_at(h, n, p, m, a), naive(h, n, p, m));
        assert_int_equal(ecu__find_pair(h, n, p[0], m > 1 ? p[1] : p[0]),
                         naive_pair(h, n, p[0], m > 1 ? p[1] : p[0]));
        checked++;
    }
    /* a pattern made of one frequent byte: overlapping candidates everywhere */
    memset(h, 'A', sizeof h);
    h[sizeof h - 1] = 'B';
    assert_ptr_equal(ecu__memfind(h, sizeof h, "AAAAB", 5), h + sizeof h - 5);
    assert_ptr_equal(ecu__memfind(h, sizeof h, "AB", 2), h + sizeof h - 2);
    assert_null(ecu__memfind(h, sizeof h, "BA", 2));
    assert_null(ecu__memfind(h, 3, "AAAA", 4));
    assert_int_equal(ecu__find_pair(h, sizeof h, 'A', 'B'), sizeof h - 2);
    assert_int_equal(ecu__find_pair(h, 1, 'A', 'A'), 1);
    print_message("%zu searches checked\n", checked);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_naive),
    };
    return cmocka_run_group_tests_name("find", tests, NULL, NULL);
}
