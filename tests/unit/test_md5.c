/* SPDX-License-Identifier: MIT */
/* MD5 known answers: the test suite of RFC 1321 (appendix A.5), and streaming in uneven pieces
   against a digest computed with python3's hashlib: hashlib.md5(bytes((i * 7 + 3) & 0xff
   for i in range(100000))). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "md5_private.h"

static void hex(const uint8_t d[16], char out[33])
{
    int i;
    for (i = 0; i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void digest(const void *p, size_t n, char out[33])
{
    struct ecu_md5 s;
    uint8_t d[16];
    ecu__md5_init(&s);
    ecu__md5_update(&s, p, n);
    ecu__md5_final(&s, d);
    hex(d, out);
}

static void test_rfc1321_suite(void **state)
{
    static const char *const in[] = {
        "", "a", "abc", "message digest", "abcdefghijklmnopqrstuvwxyz",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
    };
    static const char *const want[] = {
        "d41d8cd98f00b204e9800998ecf8427e", "0cc175b9c0f1b6a831c399e269772661",
        "900150983cd24fb0d6963f7d28e17f72", "f96b697d7cb7938d525a2f31aaf161d0",
        "c3fcd3d76192e4007dfb496cca67e13b", "d174ab98d277d9f5a5611c2c9f419d9f",
        "57edf4a22be3c955ac49da2e2107b67a",
    };
    size_t i;
    char out[33];
    (void)state;
    for (i = 0; i < sizeof in / sizeof in[0]; i++) {
        digest(in[i], strlen(in[i]), out);
        assert_string_equal(out, want[i]);
    }
}

static void test_streaming_pieces(void **state)
{
    size_t n = 100000, i, at = 0, step = 1;
    uint8_t *p = malloc(n), d[16];
    struct ecu_md5 s;
    char out[33];
    (void)state;
    for (i = 0; i < n; i++)
        p[i] = (uint8_t)(i * 7 + 3);
    ecu__md5_init(&s);
    while (at < n) { /* pieces of 1, 2, 3 ... bytes cross every block boundary */
        size_t len = step < n - at ? step : n - at;
        ecu__md5_update(&s, p + at, len);
        at += len;
        step = step % 97 + 1;
    }
    ecu__md5_final(&s, d);
    hex(d, out);
    assert_string_equal(out, "59f08777fcd1aa2b8e0c8f892cfaae09");
    digest(p, n, out);
    assert_string_equal(out, "59f08777fcd1aa2b8e0c8f892cfaae09");
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc1321_suite),
        cmocka_unit_test(test_streaming_pieces),
    };
    return cmocka_run_group_tests_name("md5", tests, NULL, NULL);
}
