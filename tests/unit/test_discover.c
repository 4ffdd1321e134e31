/* SPDX-License-Identifier: MIT */
/*
 * Checksum discovery (ecu/discover.h) on synthetic images: random data with a planted
 * checksum of every kind the engine knows, each planted value computed here with a plain loop
 * (sums, a bitwise CRC) or zlib's crc32, never with the library. Each must be found at its
 * slot with its range; a wrong value, a damaged complement or an erased range must not be;
 * random images give nothing; brute force and the fast method agree; a finding written as an
 * ecu-layout(5) block verifies with the checksum engine, and fails once a byte of its range
 * changes. CRC parameters and check values: the reveng CRC catalogue (madler/crcany
 * allcrcs-abbrev.txt), transcribed here apart from the library's table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include <ecu/csum.h>
#include <ecu/discover.h>
#include <ecu/layout.h>

#include "discover_private.h"

/* ---- independent reference computations ------------------------------------------------------ */

static uint8_t *random_image(size_t n, uint64_t seed)
{
    uint8_t *p = malloc(n);
    uint64_t x = seed * 0x9E3779B97F4A7C15ULL + 7;
    size_t i;
    assert_non_null(p);
    for (i = 0; i < n; i++) {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        p[i] = (uint8_t)((x * 0x2545F4914F6CDD1DULL) >> 56);
    }
    return p;
}

/* words of @p wb bytes over [s, e), a plain loop */
static uint64_t ref_sum(const uint8_t *p, size_t s, size_t e, unsigned wb, int be)
{
    uint64_t t = 0;
    size_t i;
    unsigned k;
    for (i = s; i + wb <= e; i += wb)
        for (k = 0; k < wb; k++)
            t += (uint64_t)p[i + k] << (8 * (be ? wb - 1 - k : k));
    return t;
}

static void put(uint8_t *p, size_t at, uint64_t v, unsigned bytes, int be)
{
    unsigned k;
    for (k = 0; k < bytes; k++)
        p[at + k] = (uint8_t)(v >> (8 * (be ? bytes - 1 - k : k)));
}

struct model {
    const char *name;
    unsigned width;
    uint64_t poly, init;
    int refl;
    uint64_t xorout, check;
};

/* every CRC-16 and CRC-32 of the catalogue */
static const struct model models[] = {
    {"CRC-16/ARC", 16, 0x8005, 0x0000, 1, 0x0000, 0xBB3D},
    {"CRC-16/CDMA2000", 16, 0xC867, 0xFFFF, 0, 0x0000, 0x4C06},
    {"CRC-16/CMS", 16, 0x8005, 0xFFFF, 0, 0x0000, 0xAEE7},
    {"CRC-16/DDS-110", 16, 0x8005, 0x800D, 0, 0x0000, 0x9ECF},
    {"CRC-16/DECT-R", 16, 0x0589, 0x0000, 0, 0x0001, 0x007E},
    {"CRC-16/DECT-X", 16, 0x0589, 0x0000, 0, 0x0000, 0x007F},
    {"CRC-16/DNP", 16, 0x3D65, 0x0000, 1, 0xFFFF, 0xEA82},
    {"CRC-16/EN-13757", 16, 0x3D65, 0x0000, 0, 0xFFFF, 0xC2B7},
    {"CRC-16/GENIBUS", 16, 0x1021, 0xFFFF, 0, 0xFFFF, 0xD64E},
    {"CRC-16/GSM", 16, 0x1021, 0x0000, 0, 0xFFFF, 0xCE3C},
    {"CRC-16/IBM-3740", 16, 0x1021, 0xFFFF, 0, 0x0000, 0x29B1},
    {"CRC-16/IBM-SDLC", 16, 0x1021, 0xFFFF, 1, 0xFFFF, 0x906E},
    {"CRC-16/ISO-IEC-14443-3-A", 16, 0x1021, 0xC6C6, 1, 0x0000, 0xBF05},
    {"CRC-16/KERMIT", 16, 0x1021, 0x0000, 1, 0x0000, 0x2189},
    {"CRC-16/LJ1200", 16, 0x6F63, 0x0000, 0, 0x0000, 0xBDF4},
    {"CRC-16/MAXIM-DOW", 16, 0x8005, 0x0000, 1, 0xFFFF, 0x44C2},
    {"CRC-16/MCRF4XX", 16, 0x1021, 0xFFFF, 1, 0x0000, 0x6F91},
    {"CRC-16/MODBUS", 16, 0x8005, 0xFFFF, 1, 0x0000, 0x4B37},
    {"CRC-16/NRSC-5", 16, 0x080B, 0xFFFF, 1, 0x0000, 0xA066},
    {"CRC-16/OPENSAFETY-A", 16, 0x5935, 0x0000, 0, 0x0000, 0x5D38},
    {"CRC-16/OPENSAFETY-B", 16, 0x755B, 0x0000, 0, 0x0000, 0x20FE},
    {"CRC-16/PROFIBUS", 16, 0x1DCF, 0xFFFF, 0, 0xFFFF, 0xA819},
    {"CRC-16/RIELLO", 16, 0x1021, 0xB2AA, 1, 0x0000, 0x63D0},
    {"CRC-16/SPI-FUJITSU", 16, 0x1021, 0x1D0F, 0, 0x0000, 0xE5CC},
    {"CRC-16/T10-DIF", 16, 0x8BB7, 0x0000, 0, 0x0000, 0xD0DB},
    {"CRC-16/TELEDISK", 16, 0xA097, 0x0000, 0, 0x0000, 0x0FB3},
    {"CRC-16/TMS37157", 16, 0x1021, 0x89EC, 1, 0x0000, 0x26B1},
    {"CRC-16/UMTS", 16, 0x8005, 0x0000, 0, 0x0000, 0xFEE8},
    {"CRC-16/USB", 16, 0x8005, 0xFFFF, 1, 0xFFFF, 0xB4C8},
    {"CRC-16/XMODEM", 16, 0x1021, 0x0000, 0, 0x0000, 0x31C3},
    {"CRC-32/AIXM", 32, 0x814141AB, 0x00000000, 0, 0x00000000, 0x3010BF7F},
    {"CRC-32/AUTOSAR", 32, 0xF4ACFB13, 0xFFFFFFFF, 1, 0xFFFFFFFF, 0x1697D06A},
    {"CRC-32/BASE91-D", 32, 0xA833982B, 0xFFFFFFFF, 1, 0xFFFFFFFF, 0x87315576},
    {"CRC-32/BZIP2", 32, 0x04C11DB7, 0xFFFFFFFF, 0, 0xFFFFFFFF, 0xFC891918},
    {"CRC-32/CD-ROM-EDC", 32, 0x8001801B, 0x00000000, 1, 0x00000000, 0x6EC2EDC4},
    {"CRC-32/CKSUM", 32, 0x04C11DB7, 0x00000000, 0, 0xFFFFFFFF, 0x765E7680},
    {"CRC-32/ISCSI", 32, 0x1EDC6F41, 0xFFFFFFFF, 1, 0xFFFFFFFF, 0xE3069283},
    {"CRC-32/ISO-HDLC", 32, 0x04C11DB7, 0xFFFFFFFF, 1, 0xFFFFFFFF, 0xCBF43926},
    {"CRC-32/JAMCRC", 32, 0x04C11DB7, 0xFFFFFFFF, 1, 0x00000000, 0x340BC6D9},
    {"CRC-32/MEF", 32, 0x741B8CD7, 0xFFFFFFFF, 1, 0x00000000, 0xD2C22F51},
    {"CRC-32/MPEG-2", 32, 0x04C11DB7, 0xFFFFFFFF, 0, 0x00000000, 0x0376E6E7},
    {"CRC-32/XFER", 32, 0x000000AF, 0x00000000, 0, 0x00000000, 0xBD0BE338},
};
#define NMODELS (sizeof models / sizeof models[0])

/* bit by bit, the textbook way: bytes enter at the top of a w-bit register, or reflected */
static uint64_t ref_crc(const struct model *m, const uint8_t *p, size_t n)
{
    uint64_t mask = ((uint64_t)1 << m->width) - 1, top = (uint64_t)1 << (m->width - 1), r = m->init;
    size_t i;
    unsigned b;
    for (i = 0; i < n; i++) {
        uint8_t byte = p[i];
        for (b = 0; b < 8; b++) {
            unsigned bit = m->refl ? (byte >> b) & 1 : (byte >> (7 - b)) & 1;
            unsigned fb = ((r & top) != 0) ^ bit;
            r = (r << 1) & mask;
            if (fb)
                r ^= m->poly;
        }
    }
    if (m->refl) { /* reflect the register */
        uint64_t v = 0;
        for (b = 0; b < m->width; b++)
            v |= ((r >> b) & 1) << (m->width - 1 - b);
        r = v;
    }
    return (r ^ m->xorout) & mask;
}

/* ---- helpers --------------------------------------------------------------------------------- */

static ecu_discover *run(const uint8_t *p, size_t n, double bound)
{
    ecu_discover *d = ecu_discover_new();
    assert_non_null(d);
    assert_int_equal(ecu_discover_set_bound(d, bound), ECU_OK);
    assert_int_equal(ecu_discover_run(d, p, n), ECU_OK);
    return d;
}

/* the learnt layout @p text parsed into @p lay and set on @p cs */
static void set_learnt(ecu_csum *cs, ecu_layout *lay, const char *text)
{
    if (ecu_layout_parse(lay, text, strlen(text)) != ECU_OK)
        fail_msg("%s\n%s", ecu_layout_error(lay), text);
    assert_int_equal(ecu_csum_set_layout(cs, lay), ECU_OK);
}

/* the verdict of @p cs on @p p */
static ecu_verdict verdict_on(ecu_csum *cs, const uint8_t *p, size_t n)
{
    assert_int_equal(ecu_csum_analyze(cs, p, n), ECU_OK);
    return ecu_csum_verdict(cs);
}

/* the verdict of @p cs on @p p with its byte at @p at xor @p bit (then put back) */
static ecu_verdict verdict_flipped(ecu_csum *cs, uint8_t *p, size_t n, size_t at, uint8_t bit)
{
    ecu_verdict v;
    p[at] ^= bit;
    v = verdict_on(cs, p, n);
    p[at] ^= bit;
    return v;
}

/* @p cs, with the learnt layout @p text, verifies @p p; else the test fails with the evidence
   and the layout */
static void assert_verifies(ecu_csum *cs, const uint8_t *p, size_t n, const char *text)
{
    if (verdict_on(cs, p, n) != ECU_VERDICT_OK)
        fail_msg("%s\n%s", ecu_csum_evidence(cs), text);
}

/* the finding with this algorithm (prefix) and slot, or NULL */
static const ecu_finding *find(const ecu_discover *d, const char *alg, uint64_t slot)
{
    size_t i;
    for (i = 0; i < ecu_discover_finding_count(d); i++) {
        const ecu_finding *f = ecu_discover_finding_at(d, i);
        if (f->store_offset == slot && strncmp(f->algorithm, alg, strlen(alg)) == 0)
            return f;
    }
    return NULL;
}

static void dump(const ecu_discover *d)
{
    size_t i;
    for (i = 0; i < ecu_discover_finding_count(d); i++) {
        const ecu_finding *f = ecu_discover_finding_at(d, i);
        print_message("  %s 0x%llX-0x%llX slot 0x%llX form %d source %d expected %.2g\n", f->algorithm,
                      (unsigned long long)f->start, (unsigned long long)f->end,
                      (unsigned long long)f->store_offset, f->form, f->source, f->expected);
    }
}

/* the finding as an ecu-layout(5) block verifies with the checksum engine; one byte changed in
   its range, it does not */
static void layout_verifies(const ecu_finding *f, uint8_t *p, size_t n)
{
    char text[1024];
    size_t off;
    int len;
    ecu_layout *l = ecu_layout_new();
    ecu_csum *cs = ecu_csum_new();
    assert_non_null(l);
    assert_non_null(cs);
    len = snprintf(text, sizeof text, "layout found\n");
    assert_int_equal(ecu_discover_layout_block(f, "found", text + len, sizeof text - (size_t)len), ECU_OK);
    if (ecu_layout_parse(l, text, strlen(text)) != ECU_OK)
        fail_msg("layout refused: %s\n%s", ecu_layout_error(l), text);
    assert_int_equal(ecu_csum_set_layout(cs, l), ECU_OK);
    if (verdict_on(cs, p, n) != ECU_VERDICT_OK)
        fail_msg("layout does not verify:\n%s", text);
    off = (size_t)f->start + 5 == f->store_offset ? (size_t)f->start + 6 : (size_t)f->start + 5;
    p[off] ^= 0x40;
    assert_int_equal(verdict_on(cs, p, n), ECU_VERDICT_BAD);
    p[off] ^= 0x40;
    ecu_csum_free(cs);
    ecu_layout_free(l);
}

#define N256K ((size_t)256 * 1024)

/* ---- tests ------------------------------------------------------------------------------------ */

static void test_reference_crcs(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < NMODELS; i++)
        if (ref_crc(&models[i], (const uint8_t *)"123456789", 9) != models[i].check)
            fail_msg("%s: the test's own CRC is wrong", models[i].name);
    /* and zlib agrees with ISO-HDLC */
    assert_int_equal(crc32(0, (const Bytef *)"123456789", 9), 0xCBF43926);
}

/* a sum of each word kind into 32 bits, stored alone in the block's last 4 bytes */
static void test_plain_sums(void **state)
{
    static const struct {
        const char *alg;
        unsigned wb;
        int be, store_be;
    } k[] = {{"sum u8 acc 32", 1, 0, 1}, {"sum u8 acc 32", 1, 0, 0}, {"sum u16le acc 32", 2, 0, 0},
             {"sum u16be acc 32", 2, 1, 1}, {"sum u32le acc 32", 4, 0, 0}, {"sum u32be acc 32", 4, 1, 1}};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof k / sizeof k[0]; i++) {
        uint8_t *p = random_image(N256K, 10 + i);
        size_t s = 0x10000, slot = 0x1FFFC;
        uint32_t v = (uint32_t)ref_sum(p, s, slot, k[i].wb, k[i].be);
        ecu_discover *d;
        const ecu_finding *f;
        put(p, slot, v, 4, k[i].store_be);
        d = run(p, N256K, ECU_DISCOVER_DEFAULT_BOUND);
        f = find(d, k[i].alg, slot);
        if (!f) {
            dump(d);
            fail_msg("%s not found", k[i].alg);
        }
        assert_int_equal(f->start, s);
        assert_int_equal(f->end, slot - 1);
        assert_int_equal(f->form, ECU_DISCOVER_PLAIN);
        assert_int_equal(f->source, ECU_DISCOVER_ALIGNED);
        assert_int_equal(f->stored, v);
        assert_int_equal(f->store_big_endian, k[i].store_be);
        assert_true(f->expected < 1e-6 && f->candidates > 0);
        assert_true(f->expected == (double)f->candidates / 4294967296.0);
        layout_verifies(f, p, N256K);
        /* one off: nothing of the kind at that slot */
        put(p, slot, v + 1, 4, k[i].store_be);
        ecu_discover_free(d);
        d = run(p, N256K, ECU_DISCOVER_DEFAULT_BOUND);
        assert_null(find(d, k[i].alg, slot));
        ecu_discover_free(d);
        free(p);
    }
}

/* 16-bit sums: alone they are never reported at the default bound; with their complement they
   are (2^-32 a candidate); the C167 form (16-bit words into 32 bits, value and complement) too */
static void test_complement_sums(void **state)
{
    uint8_t *p = random_image(N256K, 21);
    size_t s = 0x8000, slot16 = 0xFFFC, slot32 = 0x2FFF8;
    uint16_t v16 = (uint16_t)ref_sum(p, s, slot16, 1, 0);
    uint32_t v32 = (uint32_t)ref_sum(p, 0x20000, slot32, 2, 0);
    ecu_discover *d;
    const ecu_finding *f;
    (void)state;
    put(p, slot16, v16, 2, 1);
    put(p, slot16 + 2, (uint16_t)~v16, 2, 1);
    put(p, slot32, v32, 4, 0);
    put(p, slot32 + 4, ~v32, 4, 0);
    d = run(p, N256K, ECU_DISCOVER_DEFAULT_BOUND);
    f = find(d, "sum u8 acc 16", slot16);
    assert_non_null(f);
    assert_int_equal(f->form, ECU_DISCOVER_COMPLEMENT);
    assert_int_equal(f->start, s);
    assert_int_equal(f->end, slot16 - 1);
    assert_true(f->store_big_endian);
    layout_verifies(f, p, N256K);
    f = find(d, "sum u16le acc 32", slot32);
    assert_non_null(f);
    assert_int_equal(f->form, ECU_DISCOVER_COMPLEMENT);
    assert_int_equal(f->start, 0x20000);
    layout_verifies(f, p, N256K);
    ecu_discover_free(d);
    /* a damaged complement: no complement finding, and the 16-bit value alone is not reported */
    p[slot16 + 3] ^= 1;
    p[slot32 + 7] ^= 1;
    d = run(p, N256K, ECU_DISCOVER_DEFAULT_BOUND);
    assert_null(find(d, "sum u8 acc 16", slot16));
    assert_null(find(d, "sum u16le acc 32", slot32));
    ecu_discover_free(d);
    /* a 16-bit value alone in a block's last 2 bytes: reported only with the bound raised */
    put(p, 0x17FFE, (uint16_t)ref_sum(p, 0x10000, 0x17FFE, 1, 0), 2, 1);
    d = run(p, N256K, ECU_DISCOVER_DEFAULT_BOUND);
    assert_null(find(d, "sum u8 acc 16", 0x17FFE));
    ecu_discover_free(d);
    d = run(p, N256K, 1.0);
    f = find(d, "sum u8 acc 16", 0x17FFE);
    assert_non_null(f);
    assert_int_equal(f->form, ECU_DISCOVER_PLAIN);
    assert_int_equal(f->start, 0x10000);
    assert_true(f->expected >= 1e-6);
    ecu_discover_free(d);
    free(p);
}

/* a region whose 32-bit words, its last one included, reach each listed constant */
static void test_selfsums(void **state)
{
    static const uint32_t consts[] = {0, 0xFFFFFFFF, 0x5AA5A55A, 0x5AA55AA5, 0xD01FE500, 0xCAFEAFFE};
    size_t i;
    int be;
    char alg[64];
    (void)state;
    for (i = 0; i < sizeof consts / sizeof consts[0]; i++)
        for (be = 0; be < 2; be++) {
            uint8_t *p = random_image(N256K, 30 + 2 * i + (size_t)be);
            size_t s = 0x4000, e = 0x30000;
            uint32_t rest = (uint32_t)ref_sum(p, s, e - 4, 4, be);
            ecu_discover *d;
            const ecu_finding *f;
            put(p, e - 4, (uint32_t)(consts[i] - rest), 4, be);
            d = run(p, N256K, ECU_DISCOVER_DEFAULT_BOUND);
            snprintf(alg, sizeof alg, "selfsum %s target 0x%X", be ? "u32be" : "u32le", consts[i]);
            f = find(d, alg, e - 4);
            if (!f) {
                dump(d);
                fail_msg("%s not found", alg);
            }
            assert_int_equal(f->form, ECU_DISCOVER_SELFSUM);
            assert_int_equal(f->start, s);
            assert_int_equal(f->end, e - 1);
            assert_int_equal(f->constant, consts[i]);
            layout_verifies(f, p, N256K);
            ecu_discover_free(d);
            free(p);
        }
}

/* 16-bit self-sums (0, 0xFFFF, 0x5AA5) exist only above the default bound */
static void test_selfsums16(void **state)
{
    static const uint16_t consts[] = {0, 0xFFFF, 0x5AA5};
    size_t i;
    char alg[64];
    (void)state;
    for (i = 0; i < 3; i++) {
        uint8_t *p = random_image(N256K, 50 + i);
        size_t s = 0x6000, e = 0x40000;
        uint16_t rest = (uint16_t)ref_sum(p, s, e - 2, 2, 1);
        ecu_discover *d;
        const ecu_finding *f;
        put(p, e - 2, (uint16_t)(consts[i] - rest), 2, 1);
        snprintf(alg, sizeof alg, "selfsum u16be acc 16 target 0x%X", consts[i]);
        d = run(p, N256K, ECU_DISCOVER_DEFAULT_BOUND);
        assert_null(find(d, alg, e - 2));
        ecu_discover_free(d);
        d = run(p, N256K, 0.5);
        f = find(d, alg, e - 2);
        assert_non_null(f);
        assert_int_equal(f->start, s);
        assert_int_equal(f->end, e - 1);
        assert_int_equal(ecu_discover_layout_block(f, "x", alg, sizeof alg), ECU_ERR_INVALID);
        ecu_discover_free(d);
        free(p);
    }
}

/* every CRC-32 model at the default bound, every CRC-16 model above it; both byte orders */
static void test_crcs(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < NMODELS; i++) {
        const struct model *m = &models[i];
        int be = (int)(i % 2);
        unsigned bytes = m->width / 8;
        uint8_t *p = random_image(N256K, 100 + i);
        size_t s = 0x4000, slot = 0xC000 - bytes;
        uint64_t v = ref_crc(m, p + s, slot - s);
        ecu_discover *d;
        size_t k;
        const ecu_finding *f = NULL;
        if (strcmp(m->name, "CRC-32/ISO-HDLC") == 0) /* zlib, the second reference */
            assert_int_equal(v, crc32(0, p + s, (uInt)(slot - s)));
        put(p, slot, v, bytes, be);
        d = run(p, N256K, m->width == 16 ? 1.0 : ECU_DISCOVER_DEFAULT_BOUND);
        for (k = 0; k < ecu_discover_finding_count(d); k++) {
            const ecu_finding *g = ecu_discover_finding_at(d, k);
            if (g->store_offset == slot && strcmp(g->model, m->name) == 0)
                f = g;
        }
        if (!f) {
            dump(d);
            fail_msg("%s not found", m->name);
        }
        assert_int_equal(f->kind, ECU_DISCOVER_CRCS);
        assert_int_equal(f->start, s);
        assert_int_equal(f->end, slot - 1);
        assert_int_equal(f->stored, v);
        assert_int_equal(f->store_big_endian, be);
        if (m->width == 32) {
            assert_true(f->expected < 1e-6);
            layout_verifies(f, p, N256K);
        }
        ecu_discover_free(d);
        free(p);
    }
}

/* table records: ME7 multipoint style (LE start, end, 16-bit-word sum into 32 bits, complement;
   CPU base 0x800000), Denso Subaru style (BE start, end, balance word to 0x5AA5A55A), and
   records with a base the engine has to infer */
static void test_table_records(void **state)
{
    uint8_t *p = random_image(N256K, 200);
    size_t q = 0x1F810, s = 0x12346, t = 0x1B001; /* [s, t], end included */
    uint32_t v = (uint32_t)ref_sum(p, s, t + 1, 2, 0), sub;
    ecu_discover *d;
    const ecu_finding *f;
    size_t k, qb = 0x3F000, sb = 0x20404, tb = 0x2A3FF;
    (void)state;
    put(p, q, 0x800000 + s, 4, 0);
    put(p, q + 4, 0x800000 + t, 4, 0);
    put(p, q + 8, v, 4, 0);
    put(p, q + 12, ~v, 4, 0);
    sub = (uint32_t)ref_sum(p, sb, tb + 1, 4, 1);
    put(p, qb, sb, 4, 1);
    put(p, qb + 4, tb, 4, 1);
    put(p, qb + 8, (uint32_t)(0x5AA5A55Au - sub), 4, 1);
    /* ten records of CRC-32 (zlib) values with the base 0x3C000000 */
    for (k = 0; k < 10; k++) {
        size_t r = 0x38000 + 16 * k, rs = 0x30000 + 0x400 * k + 2 * k, rt = rs + 0x300 + 3;
        put(p, r, 0x3C000000 + rs, 4, 0);
        put(p, r + 4, 0x3C000000 + rt, 4, 0);
        put(p, r + 8, crc32(0, p + rs, (uInt)(rt + 1 - rs)), 4, 0);
    }
    d = run(p, N256K, ECU_DISCOVER_DEFAULT_BOUND);
    f = find(d, "sum u16le acc 32", q + 8);
    if (!f) {
        dump(d);
        fail_msg("multipoint record not found");
    }
    assert_int_equal(f->source, ECU_DISCOVER_TABLE);
    assert_int_equal(f->form, ECU_DISCOVER_COMPLEMENT);
    assert_int_equal(f->table_offset, q);
    assert_int_equal(f->start, s);
    assert_int_equal(f->end, t);
    layout_verifies(f, p, N256K);
    f = find(d, "selfsum u32be target 0x5AA5A55A", qb + 8);
    assert_non_null(f);
    assert_int_equal(f->form, ECU_DISCOVER_BALANCE);
    assert_int_equal(f->start, sb);
    assert_int_equal(f->end, tb);
    layout_verifies(f, p, N256K);
    for (k = 0; k < 10; k++) {
        size_t r = 0x38000 + 16 * k, rs = 0x30000 + 0x400 * k + 2 * k;
        f = find(d, "crc crc32", r + 8);
        assert_non_null(f);
        assert_int_equal(f->start, rs);
        assert_int_equal(f->end, rs + 0x303);
        assert_int_equal(f->table_offset, r);
    }
    ecu_discover_free(d);
    free(p);
}

/* a range that starts where an erased run ends, its sum before the block end */
static void test_after_erased_run(void **state)
{
    uint8_t *p = random_image(N256K, 300);
    size_t s = 0x5322, slot = 0x1FFFC;
    uint32_t v;
    ecu_discover *d;
    const ecu_finding *f;
    (void)state;
    memset(p + 0x3000, 0xFF, s - 0x3000);
    v = (uint32_t)ref_sum(p, s, slot, 2, 1);
    put(p, slot, v, 4, 1);
    d = run(p, N256K, ECU_DISCOVER_DEFAULT_BOUND);
    f = find(d, "sum u16be acc 32", slot);
    if (!f) {
        dump(d);
        fail_msg("not found");
    }
    assert_int_equal(f->source, ECU_DISCOVER_ERASED);
    assert_int_equal(f->start, s);
    layout_verifies(f, p, N256K);
    ecu_discover_free(d);
    free(p);
}

/* erased ranges and slots are no findings, even with a "matching" value */
static void test_filler(void **state)
{
    uint8_t *p = random_image(N256K, 400);
    ecu_discover *d;
    size_t i;
    (void)state;
    memset(p + 0x10000, 0xFF, 0x10000);
    put(p, 0x1FFFC, (uint32_t)(0xFFu * 0xFFFCu), 4, 1); /* the byte sum of the erased range */
    d = run(p, N256K, 1.0);
    for (i = 0; i < ecu_discover_finding_count(d); i++)
        assert_true(ecu_discover_finding_at(d, i)->store_offset != 0x1FFFC);
    ecu_discover_free(d);
    memset(p, 0xFF, N256K);
    d = run(p, N256K, 1.0);
    assert_int_equal(ecu_discover_finding_count(d), 0);
    ecu_discover_free(d);
    memset(p, 0x00, N256K);
    d = run(p, N256K, 1.0);
    assert_int_equal(ecu_discover_finding_count(d), 0);
    ecu_discover_free(d);
    free(p);
}

/* random 1 MiB images: nothing at the default bound, and the report's chance total is small */
static void test_random_images(void **state)
{
    uint64_t seed;
    (void)state;
    for (seed = 1; seed <= 4; seed++) {
        uint8_t *p = random_image((size_t)1 << 20, 1000 + seed);
        ecu_discover *d = run(p, (size_t)1 << 20, ECU_DISCOVER_DEFAULT_BOUND);
        if (ecu_discover_finding_count(d)) {
            dump(d);
            fail_msg("seed %llu: a finding in random data", (unsigned long long)seed);
        }
        assert_true(ecu_discover_tried(d) > 10000);
        assert_true(ecu_discover_expected_false(d) > 0 && ecu_discover_expected_false(d) < 1e-3);
        assert_false(ecu_discover_truncated(d));
        ecu_discover_free(d);
        free(p);
    }
}

static int same_findings(const ecu_discover *a, const ecu_discover *b)
{
    size_t i;
    if (ecu_discover_finding_count(a) != ecu_discover_finding_count(b) ||
        ecu_discover_tried(a) != ecu_discover_tried(b))
        return 0;
    for (i = 0; i < ecu_discover_finding_count(a); i++) {
        const ecu_finding *x = ecu_discover_finding_at(a, i), *y = ecu_discover_finding_at(b, i);
        if (strcmp(x->algorithm, y->algorithm) || x->start != y->start || x->end != y->end ||
            x->store_offset != y->store_offset || x->stored != y->stored || x->candidates != y->candidates)
            return 0;
    }
    return 1;
}

/* the fast method and brute force (each range summed and CRC'ed over its bytes) agree, hit for
   hit and candidate for candidate, with everything reportable */
static void test_brute_force_agrees(void **state)
{
    size_t n = 0x10000, i;
    uint8_t *p = random_image(n, 500);
    ecu_discover *fast = ecu_discover_new(), *brute = ecu_discover_new();
    (void)state;
    put(p, 0x7FFC, (uint32_t)ref_sum(p, 0x1000, 0x7FFC, 1, 0), 4, 1);
    put(p, 0xBFFC, crc32(0, p + 0x8000, 0x3FFC), 4, 0);
    memset(p + 0xD000, 0xFF, 0x123);
    assert_int_equal(ecu_discover_set_bound(fast, 1.0), ECU_OK);
    assert_int_equal(ecu_discover_set_bound(brute, 1.0), ECU_OK);
    ecu__discover_set_brute(brute, 1);
    assert_int_equal(ecu_discover_run(fast, p, n), ECU_OK);
    assert_int_equal(ecu_discover_run(brute, p, n), ECU_OK);
    assert_true(ecu_discover_finding_count(fast) >= 2);
    assert_true(same_findings(fast, brute));
    for (i = 0; i < ecu_discover_finding_count(fast); i++)
        assert_true(ecu_discover_finding_at(fast, i)->expected < 1.0);
    ecu_discover_free(fast);
    ecu_discover_free(brute);
    free(p);
}

static void test_api(void **state)
{
    ecu_discover *d = ecu_discover_new();
    uint8_t *p = random_image(N256K, 600);
    size_t e = 0x20000;
    char buf[16];
    (void)state;
    assert_non_null(d);
    assert_int_equal(ecu_discover_set_bound(d, 0), ECU_ERR_INVALID);
    assert_int_equal(ecu_discover_set_bound(d, 1.5), ECU_ERR_INVALID);
    assert_int_equal(ecu_discover_set_bound(NULL, 0.1), ECU_ERR_INVALID);
    assert_int_equal(ecu_discover_set_kinds(d, 0), ECU_ERR_INVALID);
    assert_int_equal(ecu_discover_set_kinds(d, 8), ECU_ERR_INVALID);
    assert_int_equal(ecu_discover_add_constant(d, 0x10000, 16), ECU_ERR_INVALID);
    assert_int_equal(ecu_discover_add_constant(d, 1, 8), ECU_ERR_INVALID);
    assert_int_equal(ecu_discover_run(NULL, p, 1), ECU_ERR_INVALID);
    assert_int_equal(ecu_discover_run(d, NULL, 1), ECU_ERR_INVALID);
    assert_int_equal(ecu_discover_run(d, NULL, 0), ECU_OK);
    assert_int_equal(ecu_discover_finding_count(d), 0);
    assert_null(ecu_discover_finding_at(d, 0));
    assert_int_equal(ecu_discover_layout_block(NULL, "x", buf, sizeof buf), ECU_ERR_INVALID);
    /* a constant of the caller's: found only once added */
    put(p, e - 4, (uint32_t)(0x12345678u - (uint32_t)ref_sum(p, 0x8000, e - 4, 4, 1)), 4, 1);
    assert_int_equal(ecu_discover_run(d, p, N256K), ECU_OK);
    assert_null(find(d, "selfsum u32be target 0x12345678", e - 4));
    assert_int_equal(ecu_discover_add_constant(d, 0x12345678, 32), ECU_OK);
    assert_int_equal(ecu_discover_add_constant(d, 0x12345678, 32), ECU_OK); /* once */
    assert_int_equal(ecu_discover_run(d, p, N256K), ECU_OK);
    assert_non_null(find(d, "selfsum u32be target 0x12345678", e - 4));
    /* only the kinds asked for */
    assert_int_equal(ecu_discover_set_kinds(d, ECU_DISCOVER_CRCS), ECU_OK);
    assert_int_equal(ecu_discover_run(d, p, N256K), ECU_OK);
    assert_null(find(d, "selfsum", e - 4));
    assert_int_equal(ecu_discover_set_kinds(d, ECU_DISCOVER_ALL), ECU_OK);
    /* the budget stops the search, and says so */
    assert_int_equal(ecu_discover_set_budget(d, 100), ECU_OK);
    assert_int_equal(ecu_discover_run(d, p, N256K), ECU_OK);
    assert_true(ecu_discover_truncated(d));
    assert_int_equal(ecu_discover_tried(d), 100);
    assert_int_equal(ecu_discover_set_budget(d, 0), ECU_OK);
    assert_int_equal(ecu_discover_run(d, p, N256K), ECU_OK);
    assert_false(ecu_discover_truncated(d));
    ecu_discover_free(d);
    ecu_discover_free(NULL);
    free(p);
}


/* ---- learning from several images -------------------------------------------------------------- */

/* a 64 KiB image of seed @p seed: a 16-bit LE word sum into 32 bits with its complement at the
   end of the block 0x0000-0x3FFF (fixed addresses), and a table of two records at 0x8000 (LE
   start and end included, base 0, the sum u16le/32 and its complement), whose second range
   depends on the seed; with @p plant 0, the fixed block's value is left random */
static uint8_t *learn_image(uint64_t seed, int plant)
{
    uint8_t *p = random_image(0x10000, seed);
    uint64_t v;
    size_t e2 = 0x6000 + 0x100 * (size_t)(seed % 8);
    if (plant) {
        v = ref_sum(p, 0, 0x3FF8, 2, 0) & 0xFFFFFFFF;
        put(p, 0x3FF8, v, 4, 0);
        put(p, 0x3FFC, ~v & 0xFFFFFFFF, 4, 0);
    }
    put(p, 0x8000, 0x4000, 4, 0);
    put(p, 0x8004, 0x4FFF, 4, 0);
    put(p, 0x8010, 0x5000, 4, 0);
    put(p, 0x8014, e2 - 1, 4, 0);
    v = ref_sum(p, 0x4000, 0x5000, 2, 0) & 0xFFFFFFFF;
    put(p, 0x8008, v, 4, 0);
    put(p, 0x800C, ~v & 0xFFFFFFFF, 4, 0);
    v = ref_sum(p, 0x5000, e2, 2, 0) & 0xFFFFFFFF;
    put(p, 0x8018, v, 4, 0);
    put(p, 0x801C, ~v & 0xFFFFFFFF, 4, 0);
    return p;
}

static void test_learn(void **state)
{
    ecu_learn *l = ecu_learn_new();
    ecu_layout *lay = ecu_layout_new();
    ecu_csum *cs = ecu_csum_new();
    uint8_t *img[4];
    size_t i, need = 0, fixed = 0, table = 0;
    char *text;
    (void)state;
    assert_non_null(l);
    assert_int_equal(ecu_learn_run(l), ECU_ERR_INVALID); /* no image */
    for (i = 0; i < 4; i++)
        img[i] = learn_image(100 + i, 1);
    for (i = 0; i < 3; i++)
        assert_int_equal(ecu_learn_add(l, img[i], 0x10000, "synthetic"), ECU_OK);
    assert_int_equal(ecu_learn_run(l), ECU_OK);
    for (i = 0; i < ecu_learn_count(l); i++) {
        const ecu_learned *b = ecu_learn_at(l, i);
        assert_int_equal(b->files, 3);
        assert_true(b->chance < ECU_DISCOVER_DEFAULT_BOUND);
        if (b->from_table) {
            assert_int_equal(b->f.table_offset, b->f.store_offset - 8);
            assert_int_equal(b->end_included, 1);
            assert_int_equal(b->base, 0);
            assert_int_equal(b->records, 2);
            assert_int_equal(b->stride, 16);
            assert_false(b->moves);
            table++;
        } else if (b->f.store_offset == 0x3FF8 && b->f.start == 0 && b->f.end == 0x3FF7) {
            assert_int_equal(b->distinct, 3);
            fixed++;
        }
    }
    assert_int_equal(fixed, 1);
    assert_int_equal(table, 1);
    assert_null(ecu_learn_at(l, ecu_learn_count(l)));
    assert_int_equal(ecu_learn_layout(l, "bad name", NULL, 0, &need), ECU_ERR_INVALID);
    assert_int_equal(ecu_learn_layout(l, "syn", NULL, 0, &need), ECU_ERR_INVALID);
    assert_true(need > 0);
    text = malloc(need);
    assert_non_null(text);
    assert_int_equal(ecu_learn_layout(l, "syn", text, need - 1, NULL), ECU_ERR_INVALID);
    assert_int_equal(ecu_learn_layout(l, "syn", text, need, NULL), ECU_OK);
    assert_non_null(strstr(text, "table "));
    assert_non_null(strstr(text, "records 0x8000 count 2 stride 16 stop 0xFFFFFFFF"));
    set_learnt(cs, lay, text);
    /* the fourth image, not learnt from, verifies (its second record's range differs) */
    assert_int_equal(verdict_on(cs, img[3], 0x10000), ECU_VERDICT_OK);
    assert_int_equal(verdict_flipped(cs, img[3], 0x10000, 0x100, 1), ECU_VERDICT_BAD);
    assert_int_equal(verdict_flipped(cs, img[3], 0x10000, 0x5800, 1), ECU_VERDICT_BAD);
    free(text);
    /* a block planted in only two of three images is not kept */
    ecu_learn_free(l);
    l = ecu_learn_new();
    free(img[2]);
    img[2] = learn_image(102, 0);
    for (i = 0; i < 3; i++)
        assert_int_equal(ecu_learn_add(l, img[i], 0x10000, NULL), ECU_OK);
    assert_int_equal(ecu_learn_run(l), ECU_OK);
    for (i = 0; i < ecu_learn_count(l); i++)
        assert_int_not_equal(ecu_learn_at(l, i)->f.store_offset, 0x3FF8);
    /* the same image three times: d = 1, the evidence of one image (a 16-bit value alone is
       then never kept) */
    ecu_learn_free(l);
    l = ecu_learn_new();
    for (i = 0; i < 3; i++)
        assert_int_equal(ecu_learn_add(l, img[0], 0x10000, NULL), ECU_OK);
    assert_int_equal(ecu_learn_run(l), ECU_OK);
    for (i = 0; i < ecu_learn_count(l); i++)
        assert_int_equal(ecu_learn_at(l, i)->distinct, 1);
    assert_int_equal(ecu_learn_set_bound(l, 0), ECU_ERR_INVALID);
    assert_int_equal(ecu_learn_set_file_bound(l, 2), ECU_ERR_INVALID);
    assert_int_equal(ecu_learn_add(NULL, img[0], 1, NULL), ECU_ERR_INVALID);
    for (i = 0; i < 4; i++)
        free(img[i]);
    ecu_csum_free(cs);
    ecu_layout_free(lay);
    ecu_learn_free(l);
    ecu_learn_free(NULL);
}

/*
 * A multipoint-like table (LE start, end included, base 0x800000, a u16le sum into 32 bits and
 * its complement, 16-byte records) of @p nrec records at @p at in a 256 KiB image of seed
 * @p seed; the range of record k is [0x1000 * (k + 1), + 0x1000 - 0x10 * (seed % 4)), so the
 * record addresses differ among images except the first record's; an erased record follows.
 */
static uint8_t *moving_image(uint64_t seed, size_t at, size_t nrec)
{
    uint8_t *p = random_image(N256K, seed);
    size_t k;
    for (k = 0; k < nrec; k++) {
        size_t s = 0x1000 * (k + 1), e = s + 0x1000 - (k ? 0x10 * (size_t)(seed % 4) : 0);
        uint64_t v = ref_sum(p, s, e, 2, 0) & 0xFFFFFFFF;
        put(p, at + 16 * k, 0x800000 + s, 4, 0);
        put(p, at + 16 * k + 4, 0x800000 + e - 1, 4, 0);
        put(p, at + 16 * k + 8, v, 4, 0);
        put(p, at + 16 * k + 12, ~v & 0xFFFFFFFF, 4, 0);
    }
    memset(p + at + 16 * nrec, 0xFF, 16);
    return p;
}

static char *learnt_layout(ecu_learn *l)
{
    size_t need = 0;
    char *text;
    assert_int_equal(ecu_learn_layout(l, "syn", NULL, 0, &need), ECU_ERR_INVALID);
    text = malloc(need);
    assert_non_null(text);
    assert_int_equal(ecu_learn_layout(l, "syn", text, need, NULL), ECU_OK);
    return text;
}

static void test_learn_moving_table(void **state)
{
    static const size_t at[] = {0x30000, 0x30040, 0x31230, 0x30010, 0x30800};
    ecu_learn *l = ecu_learn_new();
    ecu_layout *lay = ecu_layout_new();
    ecu_csum *cs = ecu_csum_new();
    uint8_t *img[5];
    size_t i, tables = 0;
    char *text, marker[17];
    (void)state;
    for (i = 0; i < 5; i++)
        img[i] = moving_image(200 + i, at[i], i == 4 ? 5 : 12);
    for (i = 0; i < 3; i++)
        assert_int_equal(ecu_learn_add(l, img[i], N256K, NULL), ECU_OK);
    assert_int_equal(ecu_learn_run(l), ECU_OK);
    for (i = 0; i < ecu_learn_count(l); i++) {
        const ecu_learned *b = ecu_learn_at(l, i);
        if (!b->from_table)
            continue;
        tables++;
        assert_true(b->moves);
        assert_int_equal(b->records, 12);
        assert_int_equal(b->stride, 16);
        assert_int_equal(b->base, 0x800000);
        assert_int_equal(b->f.table_offset, at[0]);
    }
    assert_int_equal(tables, 1);
    text = learnt_layout(l);
    /* the marker: the first record's two addresses as stored, LE */
    snprintf(marker, sizeof marker, "%02X%02X%02X%02X%02X%02X%02X%02X", 0x00, 0x10, 0x80, 0x00, 0xFF,
             0x1F, 0x80, 0x00);
    assert_non_null(strstr(text, marker));
    assert_non_null(strstr(text, "records at "));
    assert_non_null(strstr(text, " count 12 stride 16 stop 0xFFFFFFFF"));
    set_learnt(cs, lay, text);
    /* the fourth image: elsewhere again, all 12 records */
    assert_int_equal(verdict_on(cs, img[3], N256K), ECU_VERDICT_OK);
    assert_int_equal(ecu_csum_block_count(cs), 12);
    /* the fifth: a table of 5 records, then an erased record: ok, 5 blocks */
    assert_int_equal(verdict_on(cs, img[4], N256K), ECU_VERDICT_OK);
    assert_int_equal(ecu_csum_block_count(cs), 5);
    /* a record neither valid nor erased is bad, never the table's end */
    img[4][at[4] + 16 * 5] = 0x00;
    assert_int_equal(verdict_on(cs, img[4], N256K), ECU_VERDICT_BAD);
    img[4][at[4] + 16 * 5] = 0xFF;
    /* a byte of a range flipped, a record's address flipped */
    assert_int_equal(verdict_flipped(cs, img[3], N256K, 0x3000, 1), ECU_VERDICT_BAD);
    assert_int_equal(verdict_flipped(cs, img[3], N256K, at[3] + 16 * 7 + 1, 0x40), ECU_VERDICT_BAD);
    /* the marker gone: the table is not found, bad */
    assert_int_equal(verdict_flipped(cs, img[3], N256K, at[3] + 1, 0x01), ECU_VERDICT_BAD);
    free(text);
    for (i = 0; i < 5; i++)
        free(img[i]);
    ecu_csum_free(cs);
    ecu_layout_free(lay);
    ecu_learn_free(l);
}

/*
 * A Denso-like table at 0x3FB80 of a 256 KiB image: 8 records of 12 bytes (BE start, end
 * included, a balance word: the BE32 word sum of the range plus it is 0x5AA5A55A); the records
 * in @p off (a bit mask) are disabled: 0, 0, 0x5AA5A55A.
 */
static uint8_t *denso_image(uint64_t seed, unsigned off)
{
    uint8_t *p = random_image(N256K, seed);
    size_t k;
    for (k = 0; k < 8; k++) {
        size_t q = 0x3FB80 + 12 * k, s = 0x4000 * (k + 1), e = s + 0x2000 + 0x100 * (size_t)(seed % 8);
        if (off >> k & 1) {
            put(p, q, 0, 4, 1);
            put(p, q + 4, 0, 4, 1);
            put(p, q + 8, 0x5AA5A55A, 4, 1);
            continue;
        }
        put(p, q, s, 4, 1);
        put(p, q + 4, e - 1, 4, 1);
        put(p, q + 8, (0x5AA5A55A - ref_sum(p, s, e, 4, 1)) & 0xFFFFFFFF, 4, 1);
    }
    memset(p + 0x3FB80 + 12 * 8, 0xFF, 12);
    return p;
}

static void test_learn_disabled_records(void **state)
{
    static const unsigned off[] = {0x00, 0xF0, 0x0E, 0x60, 0xFE};
    ecu_learn *l = ecu_learn_new();
    ecu_layout *lay = ecu_layout_new();
    ecu_csum *cs = ecu_csum_new();
    uint8_t *img[5];
    size_t i, tables = 0;
    char *text;
    (void)state;
    for (i = 0; i < 5; i++)
        img[i] = denso_image(300 + i, off[i]);
    for (i = 0; i < 3; i++)
        assert_int_equal(ecu_learn_add(l, img[i], N256K, NULL), ECU_OK);
    assert_int_equal(ecu_learn_run(l), ECU_OK);
    for (i = 0; i < ecu_learn_count(l); i++) {
        const ecu_learned *b = ecu_learn_at(l, i);
        if (!b->from_table)
            continue;
        tables++;
        assert_false(b->moves);
        assert_true(b->has_disabled);
        assert_int_equal(b->records, 8);
        assert_int_equal(b->stride, 12);
        assert_int_equal(b->f.table_offset, 0x3FB80);
    }
    assert_int_equal(tables, 1);
    text = learnt_layout(l);
    assert_non_null(strstr(text, "records 0x3FB80 count 8 stride 12 stop 0xFFFFFFFF"));
    assert_non_null(strstr(text, "disabled 00000000000000005AA5A55A"));
    set_learnt(cs, lay, text);
    for (i = 3; i < 5; i++) {
        assert_int_equal(verdict_on(cs, img[i], N256K), ECU_VERDICT_OK);
        assert_int_equal(ecu_csum_block_count(cs), 8);
    }
    /* a disabled record's value changed; a disabled record's address changed; an active range */
    assert_int_equal(verdict_flipped(cs, img[4], N256K, 0x3FB80 + 12 * 3 + 11, 1), ECU_VERDICT_BAD);
    assert_int_equal(verdict_flipped(cs, img[4], N256K, 0x3FB80 + 12 * 3 + 2, 1), ECU_VERDICT_BAD);
    assert_int_equal(verdict_flipped(cs, img[4], N256K, 0x4000 + 0x10, 1), ECU_VERDICT_BAD);
    free(text);
    for (i = 0; i < 5; i++)
        free(img[i]);
    ecu_csum_free(cs);
    ecu_layout_free(lay);
    ecu_learn_free(l);
}

/* ---- sums over consecutive table records ---------------------------------------------------------- */

/*
 * A chain of two address pairs at @p q (LE, base 0x800000, ends included): [0x4000, 0x7FFF]
 * and [0x20000, @p end2]; their u16le sum into 32 bits and its complement at @p slot, which
 * lies inside the second range (as the ME7 main program sum): the pair v, ~v adds 0x1FFFE to
 * a u16le sum whatever v is, so v is the sum with the slot holding 0, ~0, plus nothing more.
 */
static void plant_union(uint8_t *p, size_t q, size_t end2, size_t slot)
{
    uint64_t v;
    put(p, q, 0x804000, 4, 0);
    put(p, q + 4, 0x807FFF, 4, 0);
    put(p, q + 8, 0x820000, 4, 0);
    put(p, q + 12, 0x800000 + end2, 4, 0);
    put(p, slot, 0, 4, 0);
    put(p, slot + 4, 0xFFFFFFFF, 4, 0);
    v = (ref_sum(p, 0x4000, 0x8000, 2, 0) + ref_sum(p, 0x20000, end2 + 1, 2, 0)) & 0xFFFFFFFF;
    put(p, slot, v, 4, 0);
    put(p, slot + 4, ~v & 0xFFFFFFFF, 4, 0);
    /* the fixed point: the sum with the value in place is the value */
    assert_int_equal((ref_sum(p, 0x4000, 0x8000, 2, 0) + ref_sum(p, 0x20000, end2 + 1, 2, 0)) & 0xFFFFFFFF, v);
}

static void test_union_free_slot(void **state)
{
    uint8_t *p = random_image(N256K, 500);
    size_t q = 0x12346, slot = 0x3FFE0;
    ecu_discover *d;
    const ecu_finding *f;
    (void)state;
    plant_union(p, q, 0x3FFFF, slot);
    d = run(p, N256K, ECU_DISCOVER_DEFAULT_BOUND);
    f = find(d, "sum u16le acc 32", slot);
    if (!f) {
        dump(d);
        fail_msg("the sum over two records' ranges is not found");
    }
    assert_int_equal(f->source, ECU_DISCOVER_TABLE);
    assert_int_equal(f->form, ECU_DISCOVER_COMPLEMENT);
    assert_true(f->free_slot);
    assert_int_equal(f->table_offset, q);
    assert_int_equal(f->nranges, 2);
    assert_int_equal(f->starts[0], 0x4000);
    assert_int_equal(f->ends[0], 0x7FFF);
    assert_int_equal(f->starts[1], 0x20000);
    assert_int_equal(f->ends[1], 0x3FFFF);
    assert_int_equal(f->start, 0x4000);
    assert_int_equal(f->end, 0x7FFF);
    layout_verifies(f, p, N256K);
    /* w is the value's width: the complement only chose the pairs */
    assert_true(f->expected > (double)f->candidates * 2.3e-10 && f->expected < (double)f->candidates * 2.4e-10);
    ecu_discover_free(d);
    /* a byte of the second range changed, or the complement damaged: nothing there */
    p[0x30001] ^= 0x10;
    d = run(p, N256K, ECU_DISCOVER_DEFAULT_BOUND);
    assert_null(find(d, "sum u16le", slot));
    ecu_discover_free(d);
    p[0x30001] ^= 0x10;
    p[slot + 5] ^= 0x01;
    d = run(p, N256K, ECU_DISCOVER_DEFAULT_BOUND);
    assert_null(find(d, "sum u16le", slot));
    ecu_discover_free(d);
    p[slot + 5] ^= 0x01;
    /* ranges that overlap are no chain */
    put(p, q + 8, 0x807000, 4, 0);
    d = run(p, N256K, ECU_DISCOVER_DEFAULT_BOUND);
    assert_null(find(d, "sum u16le", slot));
    ecu_discover_free(d);
    free(p);
}

/* a u32be sum of two records' ranges (BE, no base, ends excluded) from a seed, stored alone
   near the records: a constant seed, then the word after the slot */
static void test_union_seeded(void **state)
{
    uint8_t *p = random_image(N256K, 600);
    size_t q = 0x21000, slot = q - 16;
    uint64_t sum;
    ecu_discover *d;
    const ecu_finding *f;
    (void)state;
    put(p, q, 0x8000, 4, 1);
    put(p, q + 4, 0x9000, 4, 1);
    put(p, q + 8, 0x30000, 4, 1);
    put(p, q + 12, 0x30004, 4, 1); /* one word */
    sum = ref_sum(p, 0x8000, 0x9000, 4, 1) + ref_sum(p, 0x30000, 0x30004, 4, 1);
    put(p, slot, (sum + 0xA5A5A5A5u) & 0xFFFFFFFF, 4, 1);
    d = run(p, N256K, ECU_DISCOVER_DEFAULT_BOUND);
    f = find(d, "sum u32be acc 32 init 0xA5A5A5A5", slot);
    if (!f) {
        dump(d);
        fail_msg("the seeded sum is not found");
    }
    assert_int_equal(f->form, ECU_DISCOVER_PLAIN);
    assert_false(f->free_slot);
    assert_int_equal(f->init, 0xA5A5A5A5);
    assert_int_equal(f->nranges, 2);
    assert_int_equal(f->ends[0], 0x8FFF);
    assert_int_equal(f->starts[1], 0x30000);
    assert_int_equal(f->ends[1], 0x30003);
    layout_verifies(f, p, N256K);
    ecu_discover_free(d);
    /* another seed: not found; the seed stored after the slot: found with it */
    put(p, slot, (sum + 0x12345678u) & 0xFFFFFFFF, 4, 1);
    d = run(p, N256K, ECU_DISCOVER_DEFAULT_BOUND);
    assert_null(find(d, "sum u32be", slot));
    ecu_discover_free(d);
    put(p, slot + 4, 0x12345678u, 4, 1);
    d = run(p, N256K, ECU_DISCOVER_DEFAULT_BOUND);
    f = find(d, "sum u32be acc 32 init 0x12345678", slot);
    assert_non_null(f);
    assert_int_equal(f->init, 0x12345678);
    ecu_discover_free(d);
    free(p);
}

/* learnt from three images whose chain lies at different offsets (the same ranges), the
   union table finds the chain by its first record and the slot from the last range's end: a
   fourth image whose second range ends earlier (its slot with it) verifies */
static void test_learn_union(void **state)
{
    static const size_t q[] = {0x12346, 0x12400, 0x11F00, 0x10002};
    ecu_learn *l = ecu_learn_new();
    ecu_layout *lay = ecu_layout_new();
    ecu_csum *cs = ecu_csum_new();
    uint8_t *img[4];
    size_t i, unions = 0;
    char *text;
    (void)state;
    for (i = 0; i < 4; i++) {
        img[i] = random_image(N256K, 700 + i);
        if (i < 3)
            plant_union(img[i], q[i], 0x3FFFF, 0x3FFE0);
        else
            plant_union(img[i], q[i], 0x2FFFF, 0x2FFE0);
    }
    for (i = 0; i < 3; i++)
        assert_int_equal(ecu_learn_add(l, img[i], N256K, NULL), ECU_OK);
    assert_int_equal(ecu_learn_run(l), ECU_OK);
    for (i = 0; i < ecu_learn_count(l); i++) {
        const ecu_learned *b = ecu_learn_at(l, i);
        if (!b->union_table)
            continue;
        unions++;
        assert_int_equal(b->records, 2);
        assert_true(b->slot_from_end);
        assert_int_equal(b->slot_back, 0x20);
        assert_int_equal(b->base, 0x800000);
        assert_true(b->end_included);
        assert_true(b->moves);
        assert_int_equal(b->distinct, 3);
    }
    assert_int_equal(unions, 1);
    text = learnt_layout(l);
    assert_non_null(strstr(text, "records at 00408000FF7F8000 count 2 stride 8"));
    assert_non_null(strstr(text, "  union\n  store end-0x20 u32le complement"));
    set_learnt(cs, lay, text);
    assert_verifies(cs, img[3], N256K, text);
    assert_int_equal(verdict_flipped(cs, img[3], N256K, 0x25000, 1), ECU_VERDICT_BAD);
    /* past the fourth image's ranges: not covered */
    assert_int_equal(verdict_flipped(cs, img[3], N256K, 0x3FFE0, 1), ECU_VERDICT_OK);
    free(text);
    for (i = 0; i < 4; i++)
        free(img[i]);
    ecu_csum_free(cs);
    ecu_layout_free(lay);
    ecu_learn_free(l);
}

/* ---- CRCs reaching a constant (crc-target) ------------------------------------------------- */

/* the reflected CRC-32 register (poly 0xEDB88320 reflected, no final xor) from @p reg over
   [s, e), bit by bit */
static uint32_t ref_reg32(uint32_t reg, const uint8_t *p, size_t s, size_t e)
{
    size_t i;
    unsigned b;
    for (i = s; i < e; i++) {
        reg ^= p[i];
        for (b = 0; b < 8; b++)
            reg = (reg & 1) ? (reg >> 1) ^ 0xEDB88320u : reg >> 1;
    }
    return reg;
}

/* the compensation word at e - 4 (LE bytes) that makes the register from @p seed over [s, e)
   end at @p target: the 32 register steps of the last word run backwards */
static void plant_crc_target(uint8_t *p, size_t s, size_t e, uint32_t seed, uint32_t target)
{
    uint32_t r = ref_reg32(seed, p, s, e - 4), t = target;
    unsigned b;
    for (b = 0; b < 32; b++)
        t = (t & 0x80000000u) ? ((t ^ 0xEDB88320u) << 1) | 1u : t << 1;
    put(p, e - 4, r ^ t, 4, 0);
    assert_int_equal(ref_reg32(seed, p, s, e), target);
}

/*
 * A table record (two addresses, then two 32-bit words) whose range, its last word included,
 * has a CRC equal to a constant: the EDC17 checksum structure (seed 0xFADECAFE and expected
 * value 0xCAFEAFFE in the record, ConnorHowell/medc17-checksum-tool main.py; the register
 * starts at the seed, the final xor applies, as lib/families/bosch_edc17.c verifies), the
 * register with no final xor from a seed and to an expected value of no list (both read from
 * the record), and zlib's CRC-32 reaching 0xFFFFFFFF.
 */
static void test_crc_targets(void **state)
{
    uint8_t *p = random_image(N256K, 700);
    size_t q1 = 0x3E000, s1 = 0x10000, e1 = 0x18000;      /* EDC17: LE, base 0x80000000 */
    size_t q2 = 0x3E100, s2 = 0x20010, e2 = 0x23F00;      /* seed and target in the record */
    size_t q3 = 0x3E200, s3 = 0x28000, e3 = 0x2A004;      /* CRC-32/ISO-HDLC to 0xFFFFFFFF */
    const uint32_t seed2 = 0x1234ABCDu, target2 = 0x9E3779B9u;
    ecu_discover *d;
    const ecu_finding *f;
    char alg[200];
    (void)state;
    put(p, q1, 0x80000000u + s1, 4, 0);
    put(p, q1 + 4, 0x80000000u + e1 - 1, 4, 0);
    put(p, q1 + 8, 0xFADECAFEu, 4, 0);
    put(p, q1 + 12, 0xCAFEAFFEu, 4, 0);
    plant_crc_target(p, s1, e1, 0xFADECAFEu, ~0xCAFEAFFEu); /* the final xor gives 0xCAFEAFFE */
    /* in zlib's terms (its initial value is the register inverted, and its final xor) */
    assert_int_equal(crc32(0x05213501u, p + s1, (uInt)(e1 - s1)), 0xCAFEAFFEu);
    put(p, q2, 0x80000000u + s2, 4, 0);
    put(p, q2 + 4, 0x80000000u + e2 - 1, 4, 0);
    put(p, q2 + 8, seed2, 4, 0);
    put(p, q2 + 12, target2, 4, 0);
    plant_crc_target(p, s2, e2, seed2, target2);
    put(p, q3, s3, 4, 0);
    put(p, q3 + 4, e3, 4, 0); /* end excluded */
    plant_crc_target(p, s3, e3, 0xFFFFFFFFu, 0); /* zlib: ~register */
    assert_int_equal(crc32(0, p + s3, (uInt)(e3 - s3)), 0xFFFFFFFFu);
    d = run(p, N256K, ECU_DISCOVER_DEFAULT_BOUND);
    /* 1 */
    f = find(d, "crc-target width 32 poly 0x4C11DB7 init 0x7F537B5F refin yes refout yes xorout 0xFFFFFFFF "
                "target 0xCAFEAFFE", e1 - 4);
    if (!f) {
        dump(d);
        fail_msg("EDC17 structure not found");
    }
    assert_int_equal(f->form, ECU_DISCOVER_CRC_TARGET);
    assert_int_equal(f->kind, ECU_DISCOVER_CRCS);
    assert_int_equal(f->source, ECU_DISCOVER_TABLE);
    assert_int_equal(f->table_offset, q1);
    assert_int_equal(f->start, s1);
    assert_int_equal(f->end, e1 - 1);
    assert_int_equal(f->init, 0x7F537B5F);
    assert_int_equal(f->constant, 0xCAFEAFFE);
    assert_int_equal(f->store_bytes, 4);
    assert_false(f->store_big_endian);
    assert_true(f->expected < ECU_DISCOVER_DEFAULT_BOUND);
    layout_verifies(f, p, N256K);
    /* 2 */
    snprintf(alg, sizeof alg, "crc-target width 32 poly 0x4C11DB7 init 0x%X refin yes refout yes xorout 0x0 "
             "target 0x%X", 0xB3D52C48u, target2); /* 0xB3D52C48: 0x1234ABCD reflected */
    f = find(d, alg, e2 - 4);
    if (!f) {
        dump(d);
        fail_msg("%s not found", alg);
    }
    assert_int_equal(f->start, s2);
    assert_int_equal(f->end, e2 - 1);
    layout_verifies(f, p, N256K);
    /* 3 */
    f = find(d, "crc-target crc32 target 0xFFFFFFFF", e3 - 4);
    if (!f) {
        dump(d);
        fail_msg("crc32 target not found");
    }
    assert_string_equal(f->model, "CRC-32/ISO-HDLC");
    assert_int_equal(f->start, s3);
    assert_int_equal(f->end, e3 - 1);
    layout_verifies(f, p, N256K);
    assert_int_equal(ecu_discover_finding_count(d), 3);
    ecu_discover_free(d);
    /* the negative space: a compensation word off by one bit, a record's target or seed
       changed, a range cut short: nothing */
    p[e1 - 4] ^= 1;
    put(p, q2 + 12, target2 ^ 0x100, 4, 0);
    put(p, q3 + 4, e3 - 2, 4, 0);
    d = run(p, N256K, ECU_DISCOVER_DEFAULT_BOUND);
    if (ecu_discover_finding_count(d)) {
        dump(d);
        fail_msg("a damaged crc-target was found");
    }
    ecu_discover_free(d);
    put(p, q2 + 12, target2, 4, 0);
    put(p, q2 + 8, seed2 + 1, 4, 0);
    d = run(p, N256K, ECU_DISCOVER_DEFAULT_BOUND);
    assert_int_equal(ecu_discover_finding_count(d), 0);
    ecu_discover_free(d);
    /* without ECU_DISCOVER_CRCS, nothing either */
    put(p, q2 + 8, seed2, 4, 0);
    d = ecu_discover_new();
    assert_int_equal(ecu_discover_set_kinds(d, ECU_DISCOVER_SUMS | ECU_DISCOVER_SELFSUMS), ECU_OK);
    assert_int_equal(ecu_discover_run(d, p, N256K), ECU_OK);
    assert_int_equal(ecu_discover_finding_count(d), 0);
    ecu_discover_free(d);
    /* and the fast method agrees with brute force (record 2 intact again) */
    {
        ecu_discover *fast = ecu_discover_new(), *brute = ecu_discover_new();
        ecu__discover_set_brute(brute, 1);
        assert_int_equal(ecu_discover_run(fast, p, N256K), ECU_OK);
        assert_int_equal(ecu_discover_run(brute, p, N256K), ECU_OK);
        assert_int_equal(ecu_discover_finding_count(fast), 1);
        assert_true(same_findings(fast, brute));
        ecu_discover_free(fast);
        ecu_discover_free(brute);
    }
    free(p);
}

/* an image of 0x10000 bytes with @p nrec EDC17-like structures (32 bytes each, the address pair
   at +4, seed and expected value at +12 and +16) at 0xE000, base 0x80000000, end included; the
   ranges' lengths depend on the seed; an erased structure follows */
static uint8_t *crc_target_image(uint64_t seed, size_t nrec)
{
    uint8_t *p = random_image(0x10000, seed);
    size_t k;
    for (k = 0; k < nrec; k++) {
        size_t q = 0xE000 + 32 * k, s = 0x1000 + 0x3000 * k, e = s + 0x2000 + 0x40 * (size_t)(seed % 8);
        put(p, q, 0x10 * (k + 1), 4, 0);
        put(p, q + 4, 0x80000000u + s, 4, 0);
        put(p, q + 8, 0x80000000u + e - 1, 4, 0);
        put(p, q + 12, 0xFADECAFEu, 4, 0);
        put(p, q + 16, 0xCAFEAFFEu, 4, 0);
        plant_crc_target(p, s, e, 0xFADECAFEu, ~0xCAFEAFFEu);
        assert_int_equal(crc32(0x05213501u, p + s, (uInt)(e - s)), 0xCAFEAFFEu);
    }
    memset(p + 0xE000 + 32 * nrec, 0xFF, 32);
    return p;
}

/* learning a crc-target table: written with store end-4, it verifies an image it was not
   learnt from, and flags a flipped byte */
static void test_learn_crc_target(void **state)
{
    ecu_learn *l = ecu_learn_new();
    ecu_layout *lay = ecu_layout_new();
    ecu_csum *cs = ecu_csum_new();
    uint8_t *img[4];
    size_t i, tables = 0;
    char *text;
    (void)state;
    for (i = 0; i < 4; i++)
        img[i] = crc_target_image(800 + i, 3);
    for (i = 0; i < 3; i++)
        assert_int_equal(ecu_learn_add(l, img[i], 0x10000, NULL), ECU_OK);
    assert_int_equal(ecu_learn_run(l), ECU_OK);
    for (i = 0; i < ecu_learn_count(l); i++) {
        const ecu_learned *b = ecu_learn_at(l, i);
        if (b->from_table && b->f.form == ECU_DISCOVER_CRC_TARGET) {
            assert_int_equal(b->records, 3);
            assert_int_equal(b->stride, 32);
            assert_int_equal(b->f.table_offset, 0xE004);
            assert_int_equal(b->base, 0x80000000u);
            assert_int_equal(b->end_included, 1);
            assert_int_equal(b->distinct, 3);
            tables++;
        }
    }
    assert_int_equal(tables, 1);
    text = learnt_layout(l);
    assert_non_null(strstr(text, "crc-target width 32 poly 0x4C11DB7 init 0x7F537B5F refin yes refout yes "
                                 "xorout 0xFFFFFFFF target 0xCAFEAFFE"));
    assert_non_null(strstr(text, "store end-4 u32le"));
    set_learnt(cs, lay, text);
    assert_verifies(cs, img[3], 0x10000, text); /* the held-out image */
    /* in the third record's range */
    assert_int_equal(verdict_flipped(cs, img[3], 0x10000, 0x7123, 0x08), ECU_VERDICT_BAD);
    free(text);
    for (i = 0; i < 4; i++)
        free(img[i]);
    ecu_csum_free(cs);
    ecu_layout_free(lay);
    ecu_learn_free(l);
}

/* a self-sum table learnt and written with store end-4: each range's last u32be word makes
   its words add up to 0x5AA5A55A */
static void test_learn_selfsum_table(void **state)
{
    ecu_learn *l = ecu_learn_new();
    ecu_layout *lay = ecu_layout_new();
    ecu_csum *cs = ecu_csum_new();
    uint8_t *img[4];
    size_t i, k, tables = 0;
    char *text;
    (void)state;
    for (i = 0; i < 4; i++) {
        uint8_t *p = img[i] = random_image(0x10000, 900 + i);
        for (k = 0; k < 3; k++) {
            size_t q = 0xF000 + 8 * k, s = 0x1000 + 0x4000 * k, e = s + 0x1000 + 0x100 * (i + k);
            put(p, q, s, 4, 1);
            put(p, q + 4, e - 1, 4, 1);
            put(p, e - 4, (uint32_t)(0x5AA5A55Au - (uint32_t)ref_sum(p, s, e - 4, 4, 1)), 4, 1);
        }
        memset(p + 0xF000 + 24, 0xFF, 8);
    }
    for (i = 0; i < 3; i++)
        assert_int_equal(ecu_learn_add(l, img[i], 0x10000, NULL), ECU_OK);
    assert_int_equal(ecu_learn_run(l), ECU_OK);
    for (i = 0; i < ecu_learn_count(l); i++) {
        const ecu_learned *b = ecu_learn_at(l, i);
        if (b->from_table && b->f.form == ECU_DISCOVER_SELFSUM) {
            assert_int_equal(b->records, 3);
            assert_int_equal(b->stride, 8);
            assert_int_equal(b->f.table_offset, 0xF000);
            tables++;
        }
    }
    assert_int_equal(tables, 1);
    text = learnt_layout(l);
    assert_non_null(strstr(text, "selfsum u32be target 0x5AA5A55A"));
    assert_non_null(strstr(text, "store end-4 u32be"));
    set_learnt(cs, lay, text);
    assert_verifies(cs, img[3], 0x10000, text); /* the held-out image */
    /* in the third record's range */
    assert_int_equal(verdict_flipped(cs, img[3], 0x10000, 0x9100, 0x10), ECU_VERDICT_BAD);
    free(text);
    for (i = 0; i < 4; i++)
        free(img[i]);
    ecu_csum_free(cs);
    ecu_layout_free(lay);
    ecu_learn_free(l);
}

/* ---- what only several images show: counted CRC tables, far seeded sums ------------------------ */

/*
 * A counted CRC table (the BMW MS43 CRC slot: nfsx ms4x-checksum.ts): the CRC (@p wb bytes,
 * little-endian) at @p slot, the record count (u16le) after it, then @p m records (u32le
 * start, u32le inclusive end, plus @p base); the CRC of model @p md (its init the table's
 * secret) over the records' ranges as one stream, by the bit-by-bit reference.
 */
static void plant_counted(uint8_t *p, size_t slot, unsigned wb, const struct model *md, uint64_t base,
                          const size_t *s, const size_t *e, unsigned m)
{
    uint8_t *cat;
    size_t len = 0, k;
    put(p, slot + wb, m, 2, 0);
    for (k = 0; k < m; k++) {
        put(p, slot + wb + 2 + 8 * k, base + s[k], 4, 0);
        put(p, slot + wb + 6 + 8 * k, base + e[k], 4, 0);
        len += e[k] + 1 - s[k];
    }
    cat = malloc(len);
    assert_non_null(cat);
    for (len = 0, k = 0; k < m; k++) {
        memcpy(cat + len, p + s[k], e[k] + 1 - s[k]);
        len += e[k] + 1 - s[k];
    }
    put(p, slot, ref_crc(md, cat, len), wb, 0);
    free(cat);
}

/* CRC-16/ARC's engine from a secret init (the MS43 kind), CRC-32/MPEG-2's without final xor */
static const struct model secret16 = {"ARC engine, init 0x4B1D", 16, 0x8005, 0x4B1D, 1, 0, 0};
static const struct model secret32 = {"MPEG-2 engine, init 0x1234567", 32, 0x04C11DB7, 0x1234567, 0, 0, 0};
static const size_t cs16[] = {0x1000, 0x8000, 0x30000}, ce16[] = {0x4FFF, 0xBFFF, 0x3A122};
static const size_t cs32[] = {0x20000}, ce32[] = {0x2F000};

static uint8_t *counted_image(uint64_t seed)
{
    uint8_t *p = random_image(N256K, seed);
    plant_counted(p, 0x12000, 2, &secret16, 0x80000, cs16, ce16, 3);
    plant_counted(p, 0x3F000, 4, &secret32, 0, cs32, ce32, 1);
    return p;
}

static ecu_learn *learn_from(uint8_t **img, size_t k)
{
    ecu_learn *l = ecu_learn_new();
    size_t i;
    assert_non_null(l);
    for (i = 0; i < k; i++)
        assert_int_equal(ecu_learn_add(l, img[i], N256K, NULL), ECU_OK);
    assert_int_equal(ecu_learn_run(l), ECU_OK);
    return l;
}

static const ecu_learned *learnt_at(const ecu_learn *l, uint64_t slot)
{
    size_t i;
    for (i = 0; i < ecu_learn_count(l); i++)
        if (ecu_learn_at(l, i)->f.store_offset == slot)
            return ecu_learn_at(l, i);
    return NULL;
}

static void test_learn_counted_crc(void **state)
{
    uint8_t *img[5];
    ecu_learn *l;
    ecu_layout *lay = ecu_layout_new();
    ecu_csum *cs = ecu_csum_new();
    const ecu_learned *b;
    char *text;
    size_t i;
    (void)state;
    for (i = 0; i < 5; i++)
        img[i] = counted_image(900 + i);
    l = learn_from(img, 4);
    /* the 16-bit table: three records, base 0x80000, the init every image calls for */
    b = learnt_at(l, 0x12000);
    if (!b)
        fail_msg("the counted CRC-16 table is not learnt");
    assert_true(b->union_table);
    assert_int_equal(b->records, 3);
    assert_int_equal(b->base, 0x80000);
    assert_true(b->end_included);
    assert_int_equal(b->distinct, 4);
    assert_int_equal(b->f.table_offset, 0x12004);
    assert_int_equal(b->f.nranges, 3);
    assert_int_equal(b->f.starts[2], 0x30000);
    assert_int_equal(b->f.ends[2], 0x3A122);
    assert_string_equal(b->f.algorithm, "crc width 16 poly 0x8005 init 0x4B1D refin yes refout yes xorout 0");
    assert_true(b->chance < ECU_DISCOVER_DEFAULT_BOUND);
    /* the 32-bit table of one record */
    b = learnt_at(l, 0x3F000);
    if (!b)
        fail_msg("the counted CRC-32 table is not learnt");
    assert_int_equal(b->records, 1);
    assert_string_equal(b->f.algorithm, "crc width 32 poly 0x4C11DB7 init 0x1234567 refin no refout no xorout 0");
    text = learnt_layout(l);
    assert_non_null(strstr(text, "  records 0x12004 count 3 stride 8\n  address u32le end included base 0x80000\n"
                                 "  union\n  counted 0x12002 u16le\n  store 0x12000 u16le\n"));
    assert_non_null(strstr(text, "  union\n  counted 0x3F004 u16le\n  store 0x3F000 u32le\n"));
    set_learnt(cs, lay, text);
    /* a fifth image verifies; a byte of each table's last range flipped is bad */
    assert_verifies(cs, img[4], N256K, text);
    assert_int_equal(verdict_flipped(cs, img[4], N256K, 0x39000, 0x80), ECU_VERDICT_BAD);
    assert_int_equal(verdict_flipped(cs, img[4], N256K, 0x2E000, 0x01), ECU_VERDICT_BAD);
    /* another count: that table is one bad block (its records would be read wrong), the
       other still verified */
    put(img[4], 0x12002, 2, 2, 0);
    assert_int_equal(verdict_on(cs, img[4], N256K), ECU_VERDICT_BAD);
    assert_int_equal(ecu_csum_block_count(cs), 2);
    assert_non_null(strstr(ecu_csum_block_at(cs, 0)->name, "[count]"));
    assert_int_equal(ecu_csum_block_at(cs, 0)->status, ECU_BLOCK_BAD);
    assert_int_equal(ecu_csum_block_at(cs, 1)->status, ECU_BLOCK_OK);
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
    free(text);
    ecu_learn_free(l);
    /* two images: a free 16-bit init and two values are no proof (N * 2^-16) */
    l = learn_from(img, 2);
    assert_null(learnt_at(l, 0x12000));
    assert_non_null(learnt_at(l, 0x3F000)); /* N * 2^-32: one 32-bit value beyond the first */
    ecu_learn_free(l);
    /* one image whose table was made with another init: the 16-bit table is not learnt */
    {
        struct model other = secret16;
        other.init = 0x6C9D;
        plant_counted(img[3], 0x12000, 2, &other, 0x80000, cs16, ce16, 3);
        l = learn_from(img, 4);
        assert_null(learnt_at(l, 0x12000));
        assert_non_null(learnt_at(l, 0x3F000));
        ecu_learn_free(l);
    }
    /* random images: nothing of the kind */
    for (i = 0; i < 4; i++) {
        free(img[i]);
        img[i] = random_image(N256K, 950 + i);
    }
    l = learn_from(img, 4);
    for (i = 0; i < ecu_learn_count(l); i++)
        assert_false(ecu_learn_at(l, i)->union_table);
    ecu_learn_free(l);
    for (i = 0; i < 5; i++)
        free(img[i]);
    ecu_csum_free(cs);
    ecu_layout_free(lay);
}

/* a sum (u16le words into 32 bits, from 0xA5A5A5A5) over two records' ranges (u32le, base 0,
   ends excluded) at @p q, stored u32le at @p slot far from them (the MS43 calibration monitor
   sum: nfsx ms4x-checksum.ts) */
static void plant_far_sum(uint8_t *p, size_t q, size_t slot)
{
    put(p, q, 0x21000, 4, 0);
    put(p, q + 4, 0x21400, 4, 0);
    put(p, q + 8, 0x37A00, 4, 0);
    put(p, q + 12, 0x38000, 4, 0);
    put(p, slot, (0xA5A5A5A5 + ref_sum(p, 0x21000, 0x21400, 2, 0) + ref_sum(p, 0x37A00, 0x38000, 2, 0)) & 0xFFFFFFFF,
        4, 0);
}

static void test_learn_far_sum(void **state)
{
    uint8_t *img[4];
    ecu_learn *l;
    ecu_layout *lay = ecu_layout_new();
    ecu_csum *cs = ecu_csum_new();
    const ecu_learned *b;
    char *text;
    size_t i;
    (void)state;
    for (i = 0; i < 4; i++) {
        img[i] = random_image(N256K, 960 + i);
        plant_far_sum(img[i], 0x8100, 0x3C010);
    }
    l = learn_from(img, 3);
    b = learnt_at(l, 0x3C010);
    if (!b)
        fail_msg("the far seeded sum is not learnt");
    assert_true(b->union_table);
    assert_int_equal(b->records, 2);
    assert_false(b->end_included);
    assert_int_equal(b->base, 0);
    assert_int_equal(b->distinct, 3);
    assert_int_equal(b->f.table_offset, 0x8100);
    assert_string_equal(b->f.algorithm, "sum u16le acc 32 init 0xA5A5A5A5");
    text = learnt_layout(l);
    assert_non_null(strstr(text, "  records 0x8100 count 2 stride 8\n  address u32le end excluded\n"
                                 "  union\n  store 0x3C010 u32le\n"));
    set_learnt(cs, lay, text);
    assert_verifies(cs, img[3], N256K, text);
    assert_int_equal(verdict_flipped(cs, img[3], N256K, 0x37FFF, 0x04), ECU_VERDICT_BAD);
    /* past the end (excluded): not covered */
    assert_int_equal(verdict_flipped(cs, img[3], N256K, 0x38000, 0x04), ECU_VERDICT_OK);
    free(text);
    ecu_learn_free(l);
    /* one image with its value elsewhere: not learnt */
    put(img[2], 0x3C010, 0x12345678, 4, 0);
    plant_far_sum(img[2], 0x8100, 0x3C020);
    l = learn_from(img, 3);
    assert_null(learnt_at(l, 0x3C010));
    assert_null(learnt_at(l, 0x3C020));
    ecu_learn_free(l);
    /* the same covered bytes in every image (one distinct value): the evidence of one image,
       N * 2^-32 with N counting every place of the image, is not enough */
    for (i = 1; i < 3; i++) {
        memcpy(img[i] + 0x21000, img[0] + 0x21000, 0x400);
        memcpy(img[i] + 0x37A00, img[0] + 0x37A00, 0x600);
        plant_far_sum(img[i], 0x8100, 0x3C010);
    }
    l = learn_from(img, 3);
    assert_null(learnt_at(l, 0x3C010));
    ecu_learn_free(l);
    for (i = 0; i < 4; i++)
        free(img[i]);
    ecu_csum_free(cs);
    ecu_layout_free(lay);
}


/* the other two orientations: a reflected CRC-32 and a normal CRC-16, each from a secret init */
static void test_learn_counted_crc_orientations(void **state)
{
    static const struct model rv32 = {"ISO-HDLC engine, init 0x89ABCDEF", 32, 0x04C11DB7, 0x89ABCDEF, 1, 0, 0};
    static const struct model nv16 = {"XMODEM engine, init 0x1D0F", 16, 0x1021, 0x1D0F, 0, 0, 0};
    uint8_t *img[4];
    ecu_learn *l;
    const ecu_learned *b;
    size_t i;
    (void)state;
    for (i = 0; i < 4; i++) {
        img[i] = random_image(N256K, 970 + i);
        plant_counted(img[i], 0x12000, 4, &rv32, 0x80000, cs16, ce16, 3);
        plant_counted(img[i], 0x3F000, 2, &nv16, 0, cs32, ce32, 1);
    }
    l = learn_from(img, 4);
    b = learnt_at(l, 0x12000);
    assert_non_null(b);
    assert_string_equal(b->f.algorithm, "crc width 32 poly 0x4C11DB7 init 0x89ABCDEF refin yes refout yes xorout 0");
    b = learnt_at(l, 0x3F000);
    assert_non_null(b);
    assert_string_equal(b->f.algorithm, "crc width 16 poly 0x1021 init 0x1D0F refin no refout no xorout 0");
    ecu_learn_free(l);
    for (i = 0; i < 4; i++)
        free(img[i]);
}

/* what is no sum stored anywhere: the copy of a word of the ranges, and small sums (bytes
   from 0) in an image with many small words */
static void test_learn_far_sum_negatives(void **state)
{
    static const uint8_t zero_sum[16] = {1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF}; /* u32le: 0 */
    uint8_t *img[4];
    ecu_learn *l;
    size_t i, k;
    (void)state;
    for (i = 0; i < 4; i++) {
        img[i] = random_image(N256K, 980 + i);
        /* a range of 4 bytes and an empty one: no checksummed ranges */
        put(img[i], 0x8100, 0x21000, 4, 0);
        put(img[i], 0x8104, 0x21004, 4, 0);
        put(img[i], 0x8108, 0x30000, 4, 0);
        put(img[i], 0x810C, 0x30400, 4, 0);
        memset(img[i] + 0x30000, 0, 0x400);
        memcpy(img[i] + 0x3C010, img[i] + 0x21000, 4);
        /* 16 bytes holding one word, and 16 whose u32le words add up to 0: their u32le sum
           is that word, and its copy is stored */
        put(img[i], 0x9100, 0x22000, 4, 0);
        put(img[i], 0x9104, 0x22010, 4, 0);
        put(img[i], 0x9108, 0x31000, 4, 0);
        put(img[i], 0x910C, 0x31010, 4, 0);
        memset(img[i] + 0x22000, 0, 16);
        memcpy(img[i] + 0x22004, img[i] + 0x21000, 4);
        memcpy(img[i] + 0x31000, zero_sum, 16);
        memcpy(img[i] + 0x3C020, img[i] + 0x21000, 4);
    }
    l = learn_from(img, 4);
    for (i = 0; i < ecu_learn_count(l); i++)
        if (ecu_learn_at(l, i)->union_table)
            fail_msg("learnt a copy as a sum: slot 0x%llX, %s",
                     (unsigned long long)ecu_learn_at(l, i)->f.store_offset, ecu_learn_at(l, i)->f.algorithm);
    ecu_learn_free(l);
    /* the upper three quarters of the images: 32-bit words below 0x10000; a byte sum over two
       short ranges there, stored with each image's value, is a small word like thousands of
       others (their high half is 0 in a fifth of the image's words: 2^-18 a word, not 2^-32) */
    for (i = 0; i < 4; i++) {
        for (k = 0x10000; k + 4 <= N256K; k += 4)
            put(img[i], k, img[i][k] | (uint32_t)img[i][k + 1] << 8, 4, 0);
        put(img[i], 0x8100, 0x21000, 4, 0);
        put(img[i], 0x8104, 0x21020, 4, 0);
        put(img[i], 0x8108, 0x32000, 4, 0);
        put(img[i], 0x810C, 0x32020, 4, 0);
        put(img[i], 0x3C010, ref_sum(img[i], 0x21000, 0x21020, 1, 0) + ref_sum(img[i], 0x32000, 0x32020, 1, 0), 4, 0);
    }
    l = learn_from(img, 2);
    assert_null(learnt_at(l, 0x3C010));
    ecu_learn_free(l);
    for (i = 0; i < 4; i++)
        free(img[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_crcs),   cmocka_unit_test(test_plain_sums),
        cmocka_unit_test(test_complement_sums),  cmocka_unit_test(test_selfsums),
        cmocka_unit_test(test_selfsums16),       cmocka_unit_test(test_crcs),
        cmocka_unit_test(test_table_records),    cmocka_unit_test(test_after_erased_run),
        cmocka_unit_test(test_filler),           cmocka_unit_test(test_random_images),
        cmocka_unit_test(test_brute_force_agrees), cmocka_unit_test(test_api),
        cmocka_unit_test(test_learn),            cmocka_unit_test(test_learn_moving_table),
        cmocka_unit_test(test_learn_disabled_records),
        cmocka_unit_test(test_union_free_slot),  cmocka_unit_test(test_union_seeded),
        cmocka_unit_test(test_learn_union),
        cmocka_unit_test(test_crc_targets),      cmocka_unit_test(test_learn_crc_target),
        cmocka_unit_test(test_learn_selfsum_table),
        cmocka_unit_test(test_learn_counted_crc), cmocka_unit_test(test_learn_far_sum),
        cmocka_unit_test(test_learn_counted_crc_orientations),
        cmocka_unit_test(test_learn_far_sum_negatives),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
