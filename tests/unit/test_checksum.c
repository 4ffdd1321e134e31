/* SPDX-License-Identifier: MIT */
/*
 * Known answers for the checksum primitives. CRC check values are those of the public
 * "Catalogue of parametrised CRC algorithms" (reveng) for the ASCII string "123456789".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ecu/checksum.h>

static const char check[] = "123456789";

struct kat {
    const char *name;
    ecu_crc_params p;
    uint64_t value;
};

static const struct kat kats[] = {
    {"CRC-32", {32, 0x04C11DB7, 0xFFFFFFFF, 1, 1, 0xFFFFFFFF}, 0xCBF43926},
    {"CRC-32/MPEG-2", {32, 0x04C11DB7, 0xFFFFFFFF, 0, 0, 0}, 0x0376E6E7},
    {"CRC-32/BZIP2", {32, 0x04C11DB7, 0xFFFFFFFF, 0, 0, 0xFFFFFFFF}, 0xFC891918},
    {"0x04C11DB7 init 0 xorout 0", {32, 0x04C11DB7, 0, 0, 0, 0}, 0x89A1897F},
    {"CRC-32/JAMCRC", {32, 0x04C11DB7, 0xFFFFFFFF, 1, 1, 0}, 0x340BC6D9},
    {"CRC-32/ISCSI", {32, 0x1EDC6F41, 0xFFFFFFFF, 1, 1, 0xFFFFFFFF}, 0xE3069283},
    {"CRC-32/CKSUM", {32, 0x04C11DB7, 0, 0, 0, 0xFFFFFFFF}, 0x765E7680},
    {"CRC-16/ARC", {16, 0x8005, 0, 1, 1, 0}, 0xBB3D},
    {"CRC-16/XMODEM", {16, 0x1021, 0, 0, 0, 0}, 0x31C3},
    {"CRC-16/KERMIT", {16, 0x1021, 0, 1, 1, 0}, 0x2189},
    {"CRC-16/CCITT-FALSE", {16, 0x1021, 0xFFFF, 0, 0, 0}, 0x29B1},
    {"CRC-16/MODBUS", {16, 0x8005, 0xFFFF, 1, 1, 0}, 0x4B37},
    {"CRC-8/SMBUS", {8, 0x07, 0, 0, 0, 0}, 0xF4},
    {"CRC-64/XZ", {64, 0x42F0E1EBA9EA3693ULL, UINT64_MAX, 1, 1, UINT64_MAX}, 0x995DC9BBDF1939FAULL},
    {"CRC-64/ECMA-182", {64, 0x42F0E1EBA9EA3693ULL, 0, 0, 0, 0}, 0x6C40DF5F0B497347ULL},
};

static void test_crc_catalogue(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < sizeof kats / sizeof kats[0]; i++) {
        ecu_crc *c = ecu_crc_new(&kats[i].p);
        uint64_t v;
        assert_non_null(c);
        v = ecu_crc_compute(c, check, 9);
        if (v != kats[i].value)
            fail_msg("%s: 0x%llX, expected 0x%llX", kats[i].name, (unsigned long long)v,
                     (unsigned long long)kats[i].value);
        ecu_crc_free(c);
    }
}

static void test_crc_named_sets(void **state)
{
    const struct {
        const ecu_crc_params *p;
        uint64_t v;
    } sets[] = {
        {&ECU_CRC32, 0xCBF43926},        {&ECU_CRC32_MPEG2, 0x0376E6E7},
        {&ECU_CRC32_BZIP2, 0xFC891918},  {&ECU_CRC16_ARC, 0xBB3D},
        {&ECU_CRC16_XMODEM, 0x31C3},     {&ECU_CRC16_KERMIT, 0x2189},
        {&ECU_CRC16_CCITT_FALSE, 0x29B1},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        ecu_crc *c = ecu_crc_new(sets[i].p);
        assert_int_equal(ecu_crc_compute(c, check, 9), sets[i].v);
        ecu_crc_free(c);
    }
}

static uint8_t *pattern(size_t n, uint32_t seed)
{
    uint8_t *p = malloc(n + 16);
    size_t i;
    for (i = 0; i < n + 16; i++) {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        p[i] = (uint8_t)seed;
    }
    return p;
}

/* A bit-at-a-time reference CRC, independent of the table code. */
static uint64_t crc_bitwise(const ecu_crc_params *p, const uint8_t *d, size_t n)
{
    uint64_t top = (uint64_t)1 << (p->width - 1);
    uint64_t mask = p->width == 64 ? UINT64_MAX : (top << 1) - 1, reg = p->init, out = 0;
    size_t i;
    unsigned b, k;
    for (i = 0; i < n; i++) {
        uint8_t byte = d[i];
        for (b = 0; b < 8; b++) {
            unsigned bit = p->refin ? (byte >> b) & 1 : (byte >> (7 - b)) & 1;
            int fb = ((reg & top) != 0) ^ (int)bit;
            reg = (reg << 1) & mask;
            if (fb)
                reg ^= p->poly;
        }
    }
    if (p->refout) {
        for (k = 0; k < p->width; k++)
            out |= ((reg >> k) & 1) << (p->width - 1 - k);
        reg = out;
    }
    return (reg ^ p->xorout) & mask;
}

static void test_crc_streaming_unaligned_against_bitwise(void **state)
{
    size_t i, n = 4099;
    uint8_t *d = pattern(n, 0x1234567);
    (void)state;
    for (i = 0; i < sizeof kats / sizeof kats[0]; i++) {
        ecu_crc *c = ecu_crc_new(&kats[i].p);
        uint64_t want = crc_bitwise(&kats[i].p, d + 3, n), s;
        assert_int_equal(ecu_crc_compute(c, d + 3, n), want); /* unaligned start */
        s = ecu_crc_begin(c);
        s = ecu_crc_update(c, s, d + 3, 1);
        s = ecu_crc_update(c, s, d + 4, 1000);
        s = ecu_crc_update(c, s, d + 1004, 0);
        s = ecu_crc_update(c, s, d + 1004, n - 1001);
        assert_int_equal(ecu_crc_end(c, s), want);
        /* resuming from a final value continues the CRC */
        s = ecu_crc_resume(c, ecu_crc_compute(c, d + 3, 1000));
        assert_int_equal(ecu_crc_end(c, ecu_crc_update(c, s, d + 1003, n - 1000)), want);
        ecu_crc_free(c);
    }
    free(d);
}

static void test_crc_invalid(void **state)
{
    ecu_crc_params p = {7, 0x07, 0, 0, 0, 0};
    (void)state;
    assert_null(ecu_crc_new(&p));
    p.width = 65;
    assert_null(ecu_crc_new(&p));
    assert_null(ecu_crc_new(NULL));
    ecu_crc_free(NULL);
}

static void test_crc32_compensation(void **state)
{
    const ecu_crc_params *sets[] = {&ECU_CRC32, &ECU_CRC32_MPEG2, &ECU_CRC32_BZIP2, &kats[5].p};
    size_t n = 70000, positions[] = {0, 1, 4, 33333, 70000 - 4}, i, k;
    uint8_t *d = pattern(n, 42), *orig = malloc(n);
    (void)state;
    memcpy(orig, d, n);
    for (i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        ecu_crc *c = ecu_crc_new(sets[i]);
        for (k = 0; k < sizeof positions / sizeof positions[0]; k++) {
            uint64_t target = 0xCAFEAFFE ^ (i * 0x1111) ^ k;
            memcpy(d, orig, n);
            assert_int_equal(ecu_crc32_compensate(c, d, n, positions[k], target), ECU_OK);
            assert_int_equal(crc_bitwise(sets[i], d, n), target);
            /* only the 4 slot bytes changed */
            assert_memory_equal(d, orig, positions[k]);
            assert_memory_equal(d + positions[k] + 4, orig + positions[k] + 4, n - positions[k] - 4);
        }
        assert_int_equal(ecu_crc32_compensate(c, d, n, n - 3, 0), ECU_ERR_INVALID);
        ecu_crc_free(c);
    }
    {
        ecu_crc *c16 = ecu_crc_new(&ECU_CRC16_ARC);
        assert_int_equal(ecu_crc32_compensate(c16, d, n, 0, 0), ECU_ERR_INVALID);
        ecu_crc_free(c16);
    }
    free(d);
    free(orig);
}

static void test_sums(void **state)
{
    static const uint8_t d[] = {0x01, 0x02, 0x03, 0x04, 0xFF, 0xFF, 0x10, 0x80, 0x7};
    (void)state;
    /* bytes: 1+2+3+4+255+255+16+128+7 = 671 */
    assert_int_equal(ecu_sum_words(d, 9, 1, 0, 0, 32), 671);
    assert_int_equal(ecu_sum_words(d, 9, 1, 0, 0, 8), 671 & 0xFF);
    /* LE16: 0x0201 + 0x0403 + 0xFFFF + 0x8010 = 0x18613; the odd last byte is ignored */
    assert_int_equal(ecu_sum_words(d, 9, 2, 0, 0, 32), 0x18613);
    assert_int_equal(ecu_sum_words(d, 9, 2, 0, 0, 16), 0x8613);
    /* BE16: 0x0102 + 0x0304 + 0xFFFF + 0x1080 = 0x11485 */
    assert_int_equal(ecu_sum_words(d, 9, 2, 1, 0, 32), 0x11485);
    /* LE32: 0x04030201 + 0x8010FFFF = 0x84140200; BE32: 0x01020304 + 0xFFFF1080 = 0x101011384
       (sums checked with python3) */
    assert_int_equal(ecu_sum_words(d, 9, 4, 0, 0, 32), 0x84140200);
    assert_int_equal(ecu_sum_words(d, 9, 4, 1, 0, 64), 0x101011384ULL);
    assert_int_equal(ecu_sum_words(d, 9, 4, 1, 0, 32), 0x01011384);
    assert_int_equal(ecu_sum_words(d, 9, 4, 1, 0xFFFFFFFF, 32), 0x01011383);
    assert_int_equal(ecu_sum_words(d, 9, 3, 1, 5, 32), 5); /* invalid word size: init back */
}

/* Word sums of every length 0-300 at every alignment 0-15, and of 4 MiB of 0xFF (the widest
 * per-lane totals), against a byte-at-a-time reference: the fast paths (vector steps of 16
 * bytes, 64-bit lanes) and their tails must agree with it for 8/16/32-bit words, LE and BE,
 * every accumulator width and a non-zero initial value. */
static uint64_t sum_reference(const uint8_t *p, size_t n, unsigned w, int be, uint64_t init,
                              unsigned acc)
{
    uint64_t sum = init, mask = acc >= 64 ? UINT64_MAX : ((uint64_t)1 << acc) - 1;
    size_t i, k;
    for (i = 0; i + w <= n; i += w) {
        uint64_t v = 0;
        for (k = 0; k < w; k++)
            v |= (uint64_t)p[i + k] << (8 * (be ? w - 1 - k : k));
        sum += v;
    }
    return sum & mask;
}

static void test_sums_against_reference(void **state)
{
    static const unsigned words[] = {1, 2, 4}, accs[] = {8, 16, 32, 64};
    size_t big = (size_t)4 << 20, n, off, wi, ai;
    uint8_t *d = pattern(316, 11), *ff = malloc(big);
    int be;
    (void)state;
    assert_non_null(ff);
    memset(ff, 0xFF, big);
    for (wi = 0; wi < 3; wi++)
        for (be = 0; be < 2; be++) {
            for (off = 0; off < 16; off++)
                for (n = 0; n + off <= 316 && n <= 300; n++)
                    for (ai = 0; ai < 4; ai++)
                        if (ecu_sum_words(d + off, n, words[wi], be, 0x1234567, accs[ai]) !=
                            sum_reference(d + off, n, words[wi], be, 0x1234567, accs[ai]))
                            fail_msg("sum of %u-byte %s words, %zu bytes at +%zu, acc %u", words[wi],
                                     be ? "BE" : "LE", n, off, accs[ai]);
            assert_true(ecu_sum_words(ff + 1, big - 1, words[wi], be, 0, 64) ==
                        sum_reference(ff + 1, big - 1, words[wi], be, 0, 64));
        }
    free(d);
    free(ff);
}

static void test_sum32_compensation(void **state)
{
    size_t n = 4096;
    uint8_t *d = pattern(n, 7);
    int be;
    (void)state;
    for (be = 0; be < 2; be++) {
        assert_int_equal(ecu_sum32_compensate(d, n, 1000, be, 0xFADECAFE, 0xCAFEAFFE), ECU_OK);
        assert_int_equal(ecu_sum_words(d, n, 4, be, 0xFADECAFE, 32), 0xCAFEAFFE);
        assert_int_equal(ecu_sum32_compensate(d, n, n - 4, be, 0, 0xD01FE500), ECU_OK);
        assert_int_equal(ecu_sum_words(d, n, 4, be, 0, 32), 0xD01FE500);
    }
    assert_int_equal(ecu_sum32_compensate(d, n, 1001, 0, 0, 0), ECU_ERR_INVALID);
    assert_int_equal(ecu_sum32_compensate(d, n, n, 0, 0, 0), ECU_ERR_INVALID);
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc_catalogue),
        cmocka_unit_test(test_crc_named_sets),
        cmocka_unit_test(test_crc_streaming_unaligned_against_bitwise),
        cmocka_unit_test(test_crc_invalid),
        cmocka_unit_test(test_crc32_compensation),
        cmocka_unit_test(test_sums),
        cmocka_unit_test(test_sums_against_reference),
        cmocka_unit_test(test_sum32_compensation),
    };
    return cmocka_run_group_tests_name("checksum", tests, NULL, NULL);
}
