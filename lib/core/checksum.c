/* SPDX-License-Identifier: MIT */
/*
 * Checksum primitives: word sums, CRCs in the Rocksoft parameter model, compensation.
 *
 * The reflected CRC-32 of zlib (poly 0x04C11DB7) goes through zlib's crc32_z whatever its
 * init and final xor: zlib's running value is our register xor 0xFFFFFFFF. Other 32-bit CRCs
 * use slice-by-8 tables, other widths a byte table. Parameter sets and check values are
 * those of the public CRC catalogue (reveng "Catalogue of parametrised CRC algorithms").
 *
 * CRC compensation uses two facts about a CRC register update, which is a bijection for each
 * input byte: (1) it can be run backwards, because the table entries differ in their top byte
 * (reflected: bottom byte); (2) feeding 4 bytes x from register s leaves the same register as
 * feeding 4 zero bytes from s xor x (x read little-endian for reflected CRCs, big-endian for
 * the others). So the bytes are the forward state at the slot xor the state obtained by
 * running backwards from the target over the rest of the data and then 4 zero bytes.
 */
#include "ecu/checksum.h"
#include "checksum_private.h"

#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <zlib.h>

#include "cpu.h"
#if ECU_HAVE_V3
#include <immintrin.h>

/* The sums of the bytes at even and at odd offsets (@p odd NULL: of all bytes, into @p even)
   of the first 32-byte steps of [p, p + n), AVX2; *@p done: how many bytes were summed. */
ECU_V3
static void sum_bytes_v3(const uint8_t *p, size_t n, uint64_t *even, uint64_t *odd, size_t *done)
{
    __m256i lo = _mm256_setzero_si256(), hi = _mm256_setzero_si256();
    const __m256i zero = _mm256_setzero_si256(), low8 = _mm256_set1_epi16(0x00FF);
    uint64_t l[4], h[4];
    size_t i = 0;
    if (odd)
        for (; n - i >= 32; i += 32) {
            __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(p + i));
            lo = _mm256_add_epi64(lo, _mm256_sad_epu8(_mm256_and_si256(x, low8), zero));
            hi = _mm256_add_epi64(hi, _mm256_sad_epu8(_mm256_srli_epi16(x, 8), zero));
        }
    else
        for (; n - i >= 32; i += 32)
            lo = _mm256_add_epi64(
                lo, _mm256_sad_epu8(_mm256_loadu_si256((const __m256i *)(const void *)(p + i)), zero));
    _mm256_storeu_si256((__m256i *)(void *)l, lo);
    _mm256_storeu_si256((__m256i *)(void *)h, hi);
    *even = l[0] + l[1] + l[2] + l[3];
    if (odd)
        *odd = h[0] + h[1] + h[2] + h[3];
    *done = i;
}

/* sum_bytes_v3 with AVX-512: 64 bytes a step (on the 2-core Xeon of bench/README.md, 1 MiB
   of 16-bit words in 17.5 us against 23.5 with AVX2, of bytes 8.4 against 10.1) */
ECU_V4
static void sum_bytes_v4(const uint8_t *p, size_t n, uint64_t *even, uint64_t *odd, size_t *done)
{
    __m512i lo = _mm512_setzero_si512(), hi = _mm512_setzero_si512();
    const __m512i zero = _mm512_setzero_si512(), low8 = _mm512_set1_epi16(0x00FF);
    size_t i = 0;
    if (odd)
        for (; n - i >= 64; i += 64) {
            __m512i x = _mm512_loadu_si512(p + i);
            lo = _mm512_add_epi64(lo, _mm512_sad_epu8(_mm512_and_si512(x, low8), zero));
            hi = _mm512_add_epi64(hi, _mm512_sad_epu8(_mm512_srli_epi16(x, 8), zero));
        }
    else
        for (; n - i >= 64; i += 64)
            lo = _mm512_add_epi64(lo, _mm512_sad_epu8(_mm512_loadu_si512(p + i), zero));
    *even = (uint64_t)_mm512_reduce_add_epi64(lo);
    if (odd)
        *odd = (uint64_t)_mm512_reduce_add_epi64(hi);
    *done = i;
}

/* The byte sums of [p, p + n) as sum_bytes_v3 gives them, with the widest vectors the CPU
   runs; 0 when it runs neither (nothing summed). */
static int sum_bytes_wide(const uint8_t *p, size_t n, uint64_t *even, uint64_t *odd, size_t *done)
{
    if (ecu__cpu_v4()) {
        size_t k, rest;
        uint64_t e2 = 0, o2 = 0;
        sum_bytes_v4(p, n, even, odd, &k);
        /* the last 32-63 bytes too, 32 at a time (k is even: the parity of the rest is kept) */
        sum_bytes_v3(p + k, n - k, &e2, odd ? &o2 : NULL, &rest);
        *even += e2;
        if (odd)
            *odd += o2;
        *done = k + rest;
        return 1;
    }
    if (ecu__cpu_v3()) {
        sum_bytes_v3(p, n, even, odd, done);
        return 1;
    }
    return 0;
}
#endif

const ecu_crc_params ECU_CRC32 = {32, 0x04C11DB7, 0xFFFFFFFF, 1, 1, 0xFFFFFFFF};
const ecu_crc_params ECU_CRC32_MPEG2 = {32, 0x04C11DB7, 0xFFFFFFFF, 0, 0, 0};
const ecu_crc_params ECU_CRC32_BZIP2 = {32, 0x04C11DB7, 0xFFFFFFFF, 0, 0, 0xFFFFFFFF};
const ecu_crc_params ECU_CRC16_ARC = {16, 0x8005, 0, 1, 1, 0};
const ecu_crc_params ECU_CRC16_XMODEM = {16, 0x1021, 0, 0, 0, 0};
const ecu_crc_params ECU_CRC16_KERMIT = {16, 0x1021, 0, 1, 1, 0};
const ecu_crc_params ECU_CRC16_CCITT_FALSE = {16, 0x1021, 0xFFFF, 0, 0, 0};

uint64_t ecu_sum_words(const void *data, size_t size, unsigned word_bytes, int big_endian,
                       uint64_t init, unsigned acc_bits)
{
    const uint8_t *p = data;
    uint64_t sum = init, mask = acc_bits >= 64 ? UINT64_MAX : (((uint64_t)1 << acc_bits) - 1);
    size_t i, n;
    if (!p || (word_bytes != 1 && word_bytes != 2 && word_bytes != 4))
        return init & mask;
    n = size - size % word_bytes;
    switch (word_bytes) {
    case 1:
        i = 0;
#if ECU_HAVE_V3
        {
            uint64_t all;
            if (sum_bytes_wide(p, n, &all, NULL, &i))
                sum += all;
        }
#endif
#ifdef __SSE2__
        /* sixteen bytes a step: psadbw adds each half into a 64-bit lane */
        {
            __m128i acc = _mm_setzero_si128(), zero = _mm_setzero_si128();
            uint64_t lanes[2];
            for (; n - i >= 16; i += 16)
                acc = _mm_add_epi64(acc, _mm_sad_epu8(_mm_loadu_si128((const __m128i *)(const void *)(p + i)), zero));
            _mm_storeu_si128((__m128i *)(void *)lanes, acc);
            sum += lanes[0] + lanes[1];
        }
#endif
        /* eight bytes per 64-bit load, added in four 16-bit lanes (2 * 0xFF a step: folded
           every 128 steps) */
        while (n - i >= 8) {
            uint64_t acc = 0, x;
            size_t stop = n - i >= 8 * 128 ? i + 8 * 128 : i + ((n - i) & ~(size_t)7);
            for (; i < stop; i += 8) {
                memcpy(&x, p + i, 8);
                acc += (x & 0x00FF00FF00FF00FFULL) + ((x >> 8) & 0x00FF00FF00FF00FFULL);
            }
            sum += (acc & 0xFFFF) + ((acc >> 16) & 0xFFFF) + ((acc >> 32) & 0xFFFF) + (acc >> 48);
        }
        for (; i < n; i++)
            sum += p[i];
        break;
    case 2:
        i = 0;
#if ECU_HAVE_V3
        {
            uint64_t ev, od;
            /* little-endian words: the first byte is the low one; big-endian: the high one */
            if (sum_bytes_wide(p, n, &ev, &od, &i))
                sum += big_endian ? (ev << 8) + od : ev + (od << 8);
        }
#endif
#ifdef __SSE2__
        /* eight words a step: the sum of the words is the sum of their low bytes plus 256
           times the sum of their high bytes, each added by psadbw into 64-bit lanes */
        {
            __m128i lo = _mm_setzero_si128(), hi = _mm_setzero_si128(), zero = _mm_setzero_si128();
            const __m128i low8 = _mm_set1_epi16(0x00FF);
            uint64_t l[2], h[2];
            for (; n - i >= 16; i += 16) {
                __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
                lo = _mm_add_epi64(lo, _mm_sad_epu8(_mm_and_si128(x, low8), zero));
                hi = _mm_add_epi64(hi, _mm_sad_epu8(_mm_srli_epi16(x, 8), zero));
            }
            _mm_storeu_si128((__m128i *)(void *)l, lo);
            _mm_storeu_si128((__m128i *)(void *)h, hi);
            /* little-endian words: the first byte is the low one; big-endian: the high one */
            if (big_endian)
                sum += ((l[0] + l[1]) << 8) + h[0] + h[1];
            else
                sum += l[0] + l[1] + ((h[0] + h[1]) << 8);
        }
#endif
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        /* four words per 64-bit load, added in two 32-bit lanes; a lane takes 2 * 0xFFFF a
           step, so it is folded into the total every 16384 steps, long before it overflows */
        while (n - i >= 8) {
            uint64_t acc = 0, x;
            size_t stop = n - i >= 8 * 16384 ? i + 8 * 16384 : i + ((n - i) & ~(size_t)7);
            for (; i < stop; i += 8) {
                memcpy(&x, p + i, 8);
                if (big_endian)
                    x = ((x & 0x00FF00FF00FF00FFULL) << 8) | ((x >> 8) & 0x00FF00FF00FF00FFULL);
                acc += (x & 0x0000FFFF0000FFFFULL) + ((x >> 16) & 0x0000FFFF0000FFFFULL);
            }
            sum += (acc & 0xFFFFFFFFu) + (acc >> 32);
        }
#endif
        if (big_endian)
            for (; i < n; i += 2)
                sum += (uint32_t)p[i] << 8 | p[i + 1];
        else
            for (; i < n; i += 2)
                sum += (uint32_t)p[i + 1] << 8 | p[i];
        break;
    default:
        if (big_endian)
            for (i = 0; i < n; i += 4)
                sum += (uint32_t)p[i] << 24 | (uint32_t)p[i + 1] << 16 | (uint32_t)p[i + 2] << 8 | p[i + 3];
        else
            for (i = 0; i < n; i += 4)
                sum += (uint32_t)p[i + 3] << 24 | (uint32_t)p[i + 2] << 16 | (uint32_t)p[i + 1] << 8 | p[i];
    }
    return sum & mask;
}

/* ---- CRC engine ---------------------------------------------------------------------------- */

enum crc_kind { CRC_ZLIB, CRC_SLICE8, CRC_BYTE };

struct ecu_crc {
    ecu_crc_params p;
    enum crc_kind kind;
    uint64_t mask;
    uint64_t table[256];   /* byte table, in the register's orientation */
    uint32_t slice[8][256]; /* slice-by-8 (32-bit CRCs other than zlib's) */
    uint8_t back[256];     /* table index from the distinguishing byte of an entry */
};

uint64_t ecu__reflect(uint64_t v, unsigned bits)
{
    uint64_t r = 0;
    unsigned i;
    for (i = 0; i < bits; i++, v >>= 1)
        r = (r << 1) | (v & 1);
    return r;
}

ecu_crc *ecu_crc_new(const ecu_crc_params *p)
{
    ecu_crc *c;
    unsigned i, k, w;
    uint64_t rpoly;
    if (!p || p->width < 8 || p->width > 64)
        return NULL;
    if (!(c = calloc(1, sizeof *c)))
        return NULL;
    c->p = *p;
    w = p->width;
    c->mask = w == 64 ? UINT64_MAX : (((uint64_t)1 << w) - 1);
    c->p.poly &= c->mask;
    c->p.init &= c->mask;
    c->p.xorout &= c->mask;
    rpoly = p->refin ? ecu__reflect(c->p.poly, w) : 0; /* (once, not once per entry) */
    for (i = 0; i < 256; i++) {
        uint64_t r;
        if (p->refin) {
            r = i;
            for (k = 0; k < 8; k++)
                r = (r & 1) ? (r >> 1) ^ rpoly : r >> 1;
        } else {
            uint64_t top = (uint64_t)1 << (w - 1);
            r = (uint64_t)i << (w - 8);
            for (k = 0; k < 8; k++)
                r = (r & top) ? ((r << 1) ^ c->p.poly) & c->mask : (r << 1) & c->mask;
        }
        c->table[i] = r;
    }
    /* the byte that tells table entries apart: the top one (reflected) or the bottom one */
    for (i = 0; i < 256; i++) {
        uint64_t e = c->table[i];
        c->back[p->refin ? (e >> (w - 8)) & 0xFF : e & 0xFF] = (uint8_t)i;
    }
    if (w == 32 && p->refin && p->refout == p->refin && c->p.poly == 0x04C11DB7)
        c->kind = CRC_ZLIB;
    else if (w == 32) {
        c->kind = CRC_SLICE8;
        for (i = 0; i < 256; i++)
            c->slice[0][i] = (uint32_t)c->table[i];
        for (k = 1; k < 8; k++)
            for (i = 0; i < 256; i++) {
                uint32_t prev = c->slice[k - 1][i];
                c->slice[k][i] = p->refin ? (prev >> 8) ^ c->slice[0][prev & 0xFF]
                                          : (prev << 8) ^ c->slice[0][prev >> 24];
            }
    } else {
        c->kind = CRC_BYTE;
    }
    return c;
}

void ecu_crc_free(ecu_crc *c) { free(c); }

uint64_t ecu_crc_begin(const ecu_crc *c)
{
    return c->p.refin ? ecu__reflect(c->p.init, c->p.width) : c->p.init;
}

uint64_t ecu_crc_end(const ecu_crc *c, uint64_t state)
{
    uint64_t v = c->p.refin != c->p.refout ? ecu__reflect(state, c->p.width) : state;
    return (v ^ c->p.xorout) & c->mask;
}

uint64_t ecu_crc_resume(const ecu_crc *c, uint64_t value)
{
    uint64_t v = (value ^ c->p.xorout) & c->mask;
    return c->p.refin != c->p.refout ? ecu__reflect(v, c->p.width) : v;
}

static uint32_t slice8_refl(const ecu_crc *c, uint32_t crc, const uint8_t *p, size_t n)
{
    while (n >= 8) {
        uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
        crc = c->slice[7][lo & 0xFF] ^ c->slice[6][(lo >> 8) & 0xFF] ^ c->slice[5][(lo >> 16) & 0xFF] ^
              c->slice[4][lo >> 24] ^ c->slice[3][p[4]] ^ c->slice[2][p[5]] ^ c->slice[1][p[6]] ^
              c->slice[0][p[7]];
        p += 8;
        n -= 8;
    }
    while (n--)
        crc = (crc >> 8) ^ c->slice[0][(crc ^ *p++) & 0xFF];
    return crc;
}

static uint32_t slice8_norm(const ecu_crc *c, uint32_t crc, const uint8_t *p, size_t n)
{
    while (n >= 8) {
        uint32_t hi = crc ^ ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]);
        crc = c->slice[7][hi >> 24] ^ c->slice[6][(hi >> 16) & 0xFF] ^ c->slice[5][(hi >> 8) & 0xFF] ^
              c->slice[4][hi & 0xFF] ^ c->slice[3][p[4]] ^ c->slice[2][p[5]] ^ c->slice[1][p[6]] ^
              c->slice[0][p[7]];
        p += 8;
        n -= 8;
    }
    while (n--)
        crc = (crc << 8) ^ c->slice[0][(crc >> 24) ^ *p++];
    return crc;
}

uint64_t ecu_crc_update(const ecu_crc *c, uint64_t state, const void *data, size_t size)
{
    const uint8_t *p = data;
    unsigned w = c->p.width;
    if (!size)
        return state;
    switch (c->kind) {
    case CRC_ZLIB:
        return crc32_z((uLong)(state ^ 0xFFFFFFFFu), p, size) ^ 0xFFFFFFFFu;
    case CRC_SLICE8:
        return c->p.refin ? slice8_refl(c, (uint32_t)state, p, size) : slice8_norm(c, (uint32_t)state, p, size);
    case CRC_BYTE:
        break;
    }
    if (c->p.refin) {
        while (size--)
            state = (state >> 8) ^ c->table[(state ^ *p++) & 0xFF];
    } else {
        while (size--)
            state = ((state << 8) ^ c->table[((state >> (w - 8)) ^ *p++) & 0xFF]) & c->mask;
    }
    return state;
}

uint64_t ecu_crc_compute(const ecu_crc *c, const void *data, size_t size)
{
    return ecu_crc_end(c, ecu_crc_update(c, ecu_crc_begin(c), data, size));
}

/* One register step backwards: the register before byte b, given the one after it. */
static uint64_t crc_back_step(const ecu_crc *c, uint64_t after, uint8_t b)
{
    unsigned w = c->p.width;
    if (c->p.refin) {
        uint8_t idx = c->back[(after >> (w - 8)) & 0xFF];
        uint64_t high = (after ^ c->table[idx]) << 8;
        return (high | (uint8_t)(idx ^ b)) & c->mask;
    } else {
        uint8_t idx = c->back[after & 0xFF];
        uint64_t low = (after ^ c->table[idx]) >> 8;
        return low | ((uint64_t)(uint8_t)(idx ^ b) << (w - 8));
    }
}

int ecu__crc32_solve(const ecu_crc *c, const uint8_t *data, size_t size, size_t pos, uint64_t target,
                     uint8_t out[4])
{
    uint64_t s, t;
    size_t i;
    uint32_t x;
    if (!c || !data || c->p.width != 32 || pos > size || size - pos < 4)
        return ECU_ERR_INVALID;
    /* the slot's own bytes are never read: forward to it, backward from the target */
    s = ecu_crc_update(c, ecu_crc_begin(c), data, pos);
    t = ecu_crc_resume(c, target);
    for (i = size; i > pos + 4; i--)
        t = crc_back_step(c, t, data[i - 1]);
    for (i = 0; i < 4; i++)
        t = crc_back_step(c, t, 0);
    x = (uint32_t)(s ^ t);
    for (i = 0; i < 4; i++) /* least significant byte first for reflected CRCs */
        out[i] = (uint8_t)(c->p.refin ? x >> (8 * i) : x >> (8 * (3 - i)));
    return ECU_OK;
}

int ecu_crc32_compensate(const ecu_crc *c, uint8_t *data, size_t size, size_t pos, uint64_t target)
{
    uint8_t slot[4];
    int rc = ecu__crc32_solve(c, data, size, pos, target, slot);
    if (rc == ECU_OK)
        memcpy(data + pos, slot, 4);
    return rc;
}

int ecu_sum32_compensate(uint8_t *data, size_t size, size_t pos, int big_endian, uint32_t init,
                         uint32_t target)
{
    uint32_t s, w;
    if (!data || pos % 4 || pos > size || size - pos < 4)
        return ECU_ERR_INVALID;
    memset(data + pos, 0, 4);
    s = (uint32_t)ecu_sum_words(data, size, 4, big_endian, init, 32);
    w = target - s;
    if (big_endian) {
        data[pos] = (uint8_t)(w >> 24);
        data[pos + 1] = (uint8_t)(w >> 16);
        data[pos + 2] = (uint8_t)(w >> 8);
        data[pos + 3] = (uint8_t)w;
    } else {
        data[pos] = (uint8_t)w;
        data[pos + 1] = (uint8_t)(w >> 8);
        data[pos + 2] = (uint8_t)(w >> 16);
        data[pos + 3] = (uint8_t)(w >> 24);
    }
    return ECU_OK;
}
