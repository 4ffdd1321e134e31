/* SPDX-License-Identifier: MIT */
/* Pattern search in image bytes (core/find.h). */
#include "find.h"

#include <stdint.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Counts of the bytes of four samples spread over the haystack (at most 4 KiB). */
static void sample(const uint8_t *hay, size_t n, uint32_t count[256])
{
    size_t k, j, piece = n < 4096 ? n / 4 : 1024;
    memset(count, 0, 256 * sizeof *count);
    for (j = 0; j < 4 && piece; j++) {
        size_t from = (n - piece) / 3 * j;
        for (k = 0; k < piece; k++)
            count[hay[from + k]]++;
    }
}

static size_t anchor_of(const uint32_t count[256], const uint8_t *pat, const uint8_t *mask,
                        size_t m)
{
    size_t k, a = m;
    /* 0x00 and 0xFF fill whole erased areas, so they anchor only a pattern with no other
       literal byte */
    for (k = 0; k < m; k++)
        if ((!mask || mask[k] == 0xFF) && pat[k] != 0x00 && pat[k] != 0xFF &&
            (a == m || count[pat[k]] < count[pat[a]]))
            a = k;
    for (k = 0; a == m && k < m; k++)
        if (!mask || mask[k] == 0xFF)
            a = k;
    return a;
}

size_t ecu__anchor(const uint8_t *hay, size_t n, const uint8_t *pat, const uint8_t *mask, size_t m)
{
    uint32_t count[256];
    sample(hay, n, count);
    return anchor_of(count, pat, mask, m);
}

/* The first @p m bytes of @p p in @p hay, found through the pair of pattern bytes at @p a,
   a + 1 (ecu__find_pair). */
static const uint8_t *memfind_pair(const uint8_t *hay, size_t n, const uint8_t *p, size_t m,
                                   size_t a)
{
    size_t from = a, last, f;
    if (m > n)
        return NULL;
    last = n - m + a; /* the pair of the last possible match starts there */
    while (from <= last && (f = from + ecu__find_pair(hay + from, last + 2 - from, p[a],
                                                       p[a + 1])) <= last) {
        if (memcmp(hay + f - a, p, m) == 0)
            return hay + f - a;
        from = f + 1;
    }
    return NULL;
}

/* memchr hits that may fail in a row, within 512 bytes each on average, before the search
   goes on two bytes at a time */
#define MISSES 16

const uint8_t *ecu__memfind_at(const uint8_t *hay, size_t n, const void *pat, size_t m, size_t a)
{
    const uint8_t *p = pat, *at, *end, *hit, *first;
    size_t misses = 0;
    if (!m || m > n)
        return m ? NULL : hay;
    end = hay + (n - m) + a + 1; /* the anchor byte of the last possible match, plus one */
    at = first = hay + a;
    while (at < end && (hit = memchr(at, p[a], (size_t)(end - at))) != NULL) {
        if (memcmp(hit - a, p, m) == 0)
            return hit - a;
        at = hit + 1;
        /* a frequent anchor byte (code, text, random data) stops memchr too often: every
           match starting before at - a has been looked at, go on from there by pairs */
        if (m >= 2 && ++misses == MISSES && (size_t)(at - first) < MISSES * 512) {
            const uint8_t *s = at - a;
            return memfind_pair(s, (size_t)(hay + n - s), p, m, a + 1 < m ? a : a - 1);
        }
    }
    return NULL;
}

const uint8_t *ecu__memfind(const uint8_t *hay, size_t n, const void *pat, size_t m)
{
    if (!m || m > n)
        return m ? NULL : hay;
    return ecu__memfind_at(hay, n, pat, m, ecu__anchor(hay, n, pat, NULL, m));
}

size_t ecu__find_pair(const uint8_t *hay, size_t n, uint8_t a, uint8_t b)
{
    size_t i = 0;
    if (n < 2)
        return n;
#ifdef __SSE2__
    {
        const __m128i va = _mm_set1_epi8((char)a), vb = _mm_set1_epi8((char)b);
        /* 64 places a step while no pair is there */
        for (; n - i >= 65; i += 64) {
            const __m128i *v = (const __m128i *)(const void *)(hay + i);
            const __m128i *w = (const __m128i *)(const void *)(hay + i + 1);
            __m128i m0 = _mm_and_si128(_mm_cmpeq_epi8(_mm_loadu_si128(v), va),
                                       _mm_cmpeq_epi8(_mm_loadu_si128(w), vb));
            __m128i m1 = _mm_and_si128(_mm_cmpeq_epi8(_mm_loadu_si128(v + 1), va),
                                       _mm_cmpeq_epi8(_mm_loadu_si128(w + 1), vb));
            __m128i m2 = _mm_and_si128(_mm_cmpeq_epi8(_mm_loadu_si128(v + 2), va),
                                       _mm_cmpeq_epi8(_mm_loadu_si128(w + 2), vb));
            __m128i m3 = _mm_and_si128(_mm_cmpeq_epi8(_mm_loadu_si128(v + 3), va),
                                       _mm_cmpeq_epi8(_mm_loadu_si128(w + 3), vb));
            if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(m0, m1), _mm_or_si128(m2, m3))))
                break; /* the 16-byte loop below finds it */
        }
        for (; n - i >= 17; i += 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(hay + i));
            __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(hay + i + 1));
            unsigned m = (unsigned)_mm_movemask_epi8(
                _mm_and_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(y, vb)));
            if (m)
                return i + (size_t)__builtin_ctz(m);
        }
    }
#endif
    for (; i + 1 < n; i++)
        if (hay[i] == a && hay[i + 1] == b)
            return i;
    return n;
}
