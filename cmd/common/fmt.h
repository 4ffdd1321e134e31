/* SPDX-License-Identifier: MIT */
/*
 * Number formatting for listings of a hundred thousand lines (ecu-cmp -l on noisy reads),
 * where printf would take most of the run time. Both functions append to a buffer and
 * return the new end; both store up to 16 bytes past the returned end (the digits are
 * built in a register and stored whole), so the caller keeps that much room spare.
 */
#ifndef ECU_TOOL_FMT_H
#define ECU_TOOL_FMT_H

#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define TOOL_FMT_SWAR 1
#else
#define TOOL_FMT_SWAR 0
#endif

/* Appends "0x" and the hexadecimal digits of @p v: upper case, no leading zeros ("0x0"). */
static inline char *tool_put_hex(char *p, uint64_t v)
{
    *p++ = '0';
    *p++ = 'x';
#if TOOL_FMT_SWAR && defined(__SSE2__) && defined(__x86_64__)
    {
        /* the digits moved to the top of the word, its bytes in memory order, split into
           nibbles, and each nibble turned into '0'-'9' or 'A'-'F' at once */
        unsigned digits = v ? (unsigned)(67 - __builtin_clzll(v)) / 4 : 1;
        uint64_t w = __builtin_bswap64(v << (4 * (16 - digits)));
        __m128i x = _mm_cvtsi64_si128((long long)w), m = _mm_set1_epi8(0x0F);
        __m128i nib = _mm_unpacklo_epi8(_mm_and_si128(_mm_srli_epi16(x, 4), m), _mm_and_si128(x, m));
        __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(nib, _mm_set1_epi8(9)), _mm_set1_epi8('A' - '0' - 10));
        _mm_storeu_si128((__m128i *)(void *)p, _mm_add_epi8(_mm_add_epi8(nib, _mm_set1_epi8('0')), letter));
        return p + digits;
    }
#else
    {
        int digits = 1;
        while (digits < 16 && (v >> (4 * digits)))
            digits++;
        while (digits--)
            *p++ = "0123456789ABCDEF"[(v >> (4 * digits)) & 15];
        return p;
    }
#endif
}

/* Appends the decimal digits of @p v. */
static inline char *tool_put_dec(char *p, uint64_t v)
{
    char tmp[20];
    int n = 20;
    if (v < 100) { /* most lengths and counts of a listing: one or two digits, no branch */
        unsigned t = (unsigned)v / 10, two = v >= 10;
        p[0] = (char)('0' + (two ? t : (unsigned)v));
        p[1] = (char)('0' + (unsigned)v - 10 * t);
        return p + 1 + two;
    }
#if TOOL_FMT_SWAR
    if (v < 100000000) {
        /*
         * Eight digits at once, without a branch per digit: the two halves of four digits
         * sit in the two 32-bit lanes (the upper half first in memory), each lane is split
         * into two digit pairs (x / 100 as x * 5243 >> 19, exact below 43699), each pair
         * into tens and ones (x / 10 as x * 103 >> 10, exact below 179); no lane overflows
         * into its neighbour. The leading zero bytes are then shifted out.
         */
        uint64_t x = v / 10000 | (v % 10000) << 32;
        uint64_t q = ((x * 5243) >> 19) & 0x0000007F0000007FULL;
        uint64_t y = q | (x - q * 100) << 16;
        uint64_t t = ((y * 103) >> 10) & 0x000F000F000F000FULL;
        uint64_t z = t | (y - t * 10) << 8;
        unsigned lead = z ? (unsigned)__builtin_ctzll(z) / 8 : 7;
        z = (z >> (8 * lead)) + 0x3030303030303030ULL;
        memcpy(p, &z, 8);
        return p + 8 - lead;
    }
#endif
    do {
        tmp[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    memcpy(p, tmp + n, (size_t)(20 - n));
    return p + (20 - n);
}

#endif
