/* SPDX-License-Identifier: MIT */
/*
 * Pattern search (lib/core/find.h) against a plain byte-by-byte search: ecu__memfind,
 * ecu__memfind_at with every anchor and ecu__find_pair give the first occurrence (and
 * ecu__memfind_even_at and ecu__find_word the first at an even offset), on
 * haystacks where the pattern's bytes are rare (memchr all the way), frequent (the search
 * goes on by pairs) and mixed, with matches at the very start and end, overlapping matches,
 * and haystacks shorter than the pattern. ecu__anchor against its definition: of the literal
 * pattern bytes (mask 0xFF) other than 0x00 and 0xFF, the first one rarest in the four samples
 * (a full byte histogram here), else the first literal byte.
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

static const uint8_t *naive_even(const uint8_t *h, size_t n, const uint8_t *p, size_t m)
{
    size_t i;
    if (!m)
        return h;
    for (i = 0; m <= n && i <= n - m; i += 2)
        if (memcmp(h + i, p, m) == 0)
            return h + i;
    return NULL;
}

static size_t naive_word(const uint8_t *h, size_t n, uint8_t a, uint8_t b)
{
    size_t i;
    for (i = 0; i + 1 < n; i += 2)
        if (h[i] == a && h[i + 1] == b)
            return i;
    return n;
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
        /* even offsets only, of the haystack and of it shifted by a byte */
        for (a = 0; a < m; a++) {
            assert_ptr_equal(ecu__memfind_even_at(h, n, p, m, a), naive_even(h, n, p, m));
            if (n)
                assert_ptr_equal(ecu__memfind_even_at(h + 1, n - 1, p, m, a),
                                 naive_even(h + 1, n - 1, p, m));
        }
        assert_int_equal(ecu__find_word(h, n, p[0], m > 1 ? p[1] : p[0]),
                         naive_word(h, n, p[0], m > 1 ? p[1] : p[0]));
        if (n)
            assert_int_equal(ecu__find_word(h + 1, n - 1, p[0], m > 1 ? p[1] : p[0]),
                             naive_word(h + 1, n - 1, p[0], m > 1 ? p[1] : p[0]));
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

/* ecu__find_pair with its one pair at every place of haystacks around the sizes where the
   256-, 128-, 64- and 16-place steps end (the vector paths, AVX-512, AVX2 and SSE2, hand over
   to one another there), and with the pair's second byte missing (no pair: the size) or its
   bytes the wrong way round. */
static void test_pair_every_place(void **state)
{
    static const size_t sizes[] = {2, 17, 63, 64, 65, 66, 127, 128, 129, 130, 191, 192, 193,
                                   255, 256, 257, 258, 300, 320, 321, 385, 448, 449, 511, 512,
                                   513, 514, 576, 577, 641, 769, 770, 833};
    uint8_t h[900];
    size_t s, n, at, checked = 0;
    (void)state;
    for (s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        n = sizes[s];
        for (at = 0; at + 1 < n; at++) {
            memset(h, 0x5A, n);
            h[at] = 0xE6;
            h[at + 1] = 0xF4;
            assert_int_equal(ecu__find_pair(h, n, 0xE6, 0xF4), at);
            assert_int_equal(ecu__find_pair(h, at + 1, 0xE6, 0xF4), at + 1); /* cut */
            assert_int_equal(ecu__find_pair(h, n, 0xF4, 0xE6), n);
            /* at even offsets: found there, passed over at odd ones */
            assert_int_equal(ecu__find_word(h, n, 0xE6, 0xF4), at % 2 ? n : at);
            assert_int_equal(ecu__find_word(h + 1, n - 1, 0xE6, 0xF4), at % 2 ? at - 1 : n - 1);
            h[at + 1] = 0xF5;
            assert_int_equal(ecu__find_pair(h, n, 0xE6, 0xF4), n);
            assert_int_equal(ecu__find_word(h, n, 0xE6, 0xF4), n);
            checked++;
        }
    }
    print_message("%zu places checked\n", checked);
}

/* ecu__anchor by its definition (lib/core/find.h), counted with a whole histogram. */
static size_t naive_anchor(const uint8_t *h, size_t n, const uint8_t *p, const uint8_t *mask,
                           size_t m)
{
    uint32_t count[256] = {0};
    size_t j, k, a = m, piece = n < 4096 ? n / 4 : 1024;
    for (j = 0; j < 4 && piece; j++)
        for (k = 0; k < piece; k++)
            count[h[(n - piece) / 3 * j + k]]++;
    for (k = 0; k < m; k++)
        if ((!mask || mask[k] == 0xFF) && p[k] != 0x00 && p[k] != 0xFF &&
            (a == m || count[p[k]] < count[p[a]]))
            a = k;
    for (k = 0; a == m && k < m; k++)
        if (!mask || mask[k] == 0xFF)
            a = k;
    return a;
}

/* Haystacks of 0 to 20,000 bytes from small and full alphabets with fill runs, patterns of 1
   to 40 bytes (more than 16 distinct values: counted in two passes) with fill bytes, repeated
   bytes and masks. */
static void test_anchor(void **state)
{
    static uint8_t h[20000];
    uint8_t p[40], mask[40];
    int round;
    (void)state;
    for (round = 0; round < 3000; round++) {
        size_t n = round < 40 ? (size_t)round : next() % sizeof h, m = 1 + next() % 40, i;
        unsigned k = next() % 3 == 0 ? 256 : 1 + next() % 40;
        int masked = next() % 2;
        for (i = 0; i < n; i++)
            h[i] = (uint8_t)(k >= 256 ? next() : 'A' + next() % k);
        for (i = 0; n && i < 4; i++) { /* runs of fill */
            size_t at = next() % n, len = next() % 600;
            memset(h + at, next() % 2 ? 0xFF : 0x00, len < n - at ? len : n - at);
        }
        for (i = 0; i < m; i++) {
            unsigned r = next() % 10;
            p[i] = (uint8_t)(r == 0 ? 0x00 : r == 1 ? 0xFF : r < 5 && i ? p[next() % i]
                             : k >= 256 ? next() : 'A' + next() % (k + 2));
            mask[i] = next() % 4 == 0 ? (uint8_t)(next() % 2 ? 0x00 : 0xF0) : 0xFF;
        }
        assert_int_equal(ecu__anchor(h, n, p, masked ? mask : NULL, m),
                         naive_anchor(h, n, p, masked ? mask : NULL, m));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_naive),
        cmocka_unit_test(test_pair_every_place),
        cmocka_unit_test(test_anchor),
    };
    return cmocka_run_group_tests_name("find", tests, NULL, NULL);
}
