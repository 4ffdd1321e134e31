/* SPDX-License-Identifier: MIT */
/* The tools' number formatting (cmd/common/fmt.h) against snprintf. */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fmt.h"

#define SPARE 16

/* @p put must append exactly @p want (after a mark it keeps) and write nothing beyond the
   SPARE bytes past its end. */
static void check_one(const char *what, char *(*put)(char *, uint64_t), uint64_t v, const char *want)
{
    char buf[64 + SPARE];
    size_t n = strlen(want), i;
    char *end;
    memset(buf, 0x5A, sizeof buf);
    buf[0] = '#'; /* appends: what was before stays */
    end = put(buf + 1, v);
    if ((size_t)(end - buf) != n + 1 || buf[0] != '#' || memcmp(buf + 1, want, n) != 0)
        fail_msg("%s %" PRIu64 ": '%.*s', want '%s'", what, v, (int)(end - buf - 1), buf + 1, want);
    for (i = n + 1 + SPARE; i < sizeof buf; i++)
        if (buf[i] != 0x5A)
            fail_msg("%s %" PRIu64 ": byte %zu past the end was written", what, v, i - n - 1);
}

/* Formats v both ways, against snprintf. */
static void check(uint64_t v)
{
    char want[32];
    snprintf(want, sizeof want, "%" PRIu64, v);
    check_one("dec", tool_put_dec, v, want);
    snprintf(want, sizeof want, "0x%" PRIX64, v);
    check_one("hex", tool_put_hex, v, want);
}

static void test_small_values(void **state)
{
    (void)state;
    for (uint64_t v = 0; v <= 200000; v++)
        check(v);
}

/* Every digit count: powers of 10 and 16 and their neighbours, the 10^8 switch-over of the
   decimal code, and the largest value. */
static void test_edges(void **state)
{
    (void)state;
    uint64_t p = 1;
    for (int k = 0; k < 20; k++, p *= 10) {
        check(p - 1);
        check(p);
        check(p + 1);
        check(p * 9 + (p - 1)); /* 99...9 */
    }
    for (int k = 0; k < 64; k++) {
        uint64_t b = (uint64_t)1 << k;
        check(b - 1);
        check(b);
        check(b + 1);
    }
    check(99999999);
    check(100000000);
    check(UINT64_MAX);
    check(UINT64_MAX - 1);
    check(0x8000000000000000ULL);
    check(0xFEDCBA9876543210ULL);
    check(0x0123456789ABCDEFULL);
}

static void test_random_values(void **state)
{
    (void)state;
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    for (int i = 0; i < 300000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        check(x);
        check(x >> (x & 63)); /* every length, not only 20-digit values */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_values),
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_random_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
