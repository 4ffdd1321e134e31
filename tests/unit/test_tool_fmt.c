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

/* Formats v both ways; the bytes past the returned end + SPARE must be untouched. */
static void check(uint64_t v)
{
    char want[64], buf[64 + SPARE];
    char *end;
    int n;

    memset(buf, 0x5A, sizeof buf);
    buf[0] = '#'; /* appends: what was before stays */
    end = tool_put_dec(buf + 1, v);
    n = snprintf(want, sizeof want, "#%" PRIu64, v);
    if ((int)(end - buf) != n || memcmp(buf, want, (size_t)n) != 0)
        fail_msg("dec %" PRIu64 ": '%.*s', want '%s'", v, (int)(end - buf), buf, want);
    for (size_t i = (size_t)n + SPARE; i < sizeof buf; i++)
        if (buf[i] != 0x5A)
            fail_msg("dec %" PRIu64 ": byte %zu past the end was written", v, i - (size_t)n);

    memset(buf, 0x5A, sizeof buf);
    buf[0] = '#';
    end = tool_put_hex(buf + 1, v);
    n = snprintf(want, sizeof want, "#0x%" PRIX64, v);
    if ((int)(end - buf) != n || memcmp(buf, want, (size_t)n) != 0)
        fail_msg("hex %" PRIu64 ": '%.*s', want '%s'", v, (int)(end - buf), buf, want);
    for (size_t i = (size_t)n + SPARE; i < sizeof buf; i++)
        if (buf[i] != 0x5A)
            fail_msg("hex %" PRIu64 ": byte %zu past the end was written", v, i - (size_t)n);
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
