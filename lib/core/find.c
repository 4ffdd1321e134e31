/* SPDX-License-Identifier: MIT */
/* Pattern search in image bytes (core/find.h). */
#include "cpu.h"
#include "find.h"

#include <stdint.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if ECU_HAVE_V3
#include <immintrin.h>
#endif

/* Whether anchor_of may choose pattern byte k: a literal byte that is not fill. */
static int rare_candidate(const uint8_t *pat, const uint8_t *mask, size_t k)
{
    return (!mask || mask[k] == 0xFF) && pat[k] != 0x00 && pat[k] != 0xFF;
}

/* How often each of the @p nv bytes @p v occurs in [p, p + len), added to @p count[]: one
   load of the samples per sixteen bytes of them, compared with every value. */
static void count_values(const uint8_t *p, size_t len, const uint8_t *v, size_t nv,
                         uint32_t count[256])
{
    size_t i = 0, k;
#ifdef __SSE2__
    /* 16 per-lane tallies per value, at most 255 steps of 16 bytes before they are summed */
    while (len - i >= 16) {
        __m128i acc[16], zero = _mm_setzero_si128();
        size_t steps = (len - i) / 16 < 255 ? (len - i) / 16 : 255;
        for (k = 0; k < nv; k++)
            acc[k] = zero;
        for (; steps; steps--, i += 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
            for (k = 0; k < nv; k++) /* (a lane equal to the value is -1: subtracted, +1) */
                acc[k] = _mm_sub_epi8(acc[k], _mm_cmpeq_epi8(x, _mm_set1_epi8((char)v[k])));
        }
        for (k = 0; k < nv; k++) {
            __m128i s = _mm_sad_epu8(acc[k], zero);
            count[v[k]] += (uint32_t)(_mm_cvtsi128_si32(s) + _mm_extract_epi16(s, 4));
        }
    }
#endif
    for (; i < len; i++)
        for (k = 0; k < nv; k++)
            count[v[k]] += p[i] == v[k];
}

/* The counts, in four samples spread over the haystack (at most 4 KiB), of the bytes of the
   pattern that anchor_of reads (the others are left as they are). */
static void sample(const uint8_t *hay, size_t n, const uint8_t *pat, const uint8_t *mask,
                   size_t m, uint32_t count[256])
{
    uint8_t v[16];
    uint64_t seen[4] = {0, 0, 0, 0};
    size_t k = 0, j, nv, piece = n < 4096 ? n / 4 : 1024;
    while (k < m) {
        /* the next (up to) sixteen distinct values, counted in one pass over the samples */
        for (nv = 0; k < m && nv < 16; k++)
            if (rare_candidate(pat, mask, k) && !(seen[pat[k] >> 6] >> (pat[k] & 63) & 1)) {
                seen[pat[k] >> 6] |= (uint64_t)1 << (pat[k] & 63);
                count[pat[k]] = 0;
                v[nv++] = pat[k];
            }
        for (j = 0; j < 4 && piece && nv; j++)
            count_values(hay + (n - piece) / 3 * j, piece, v, nv, count);
    }
}

static size_t anchor_of(const uint32_t count[256], const uint8_t *pat, const uint8_t *mask,
                        size_t m)
{
    size_t k, a = m;
    /* 0x00 and 0xFF fill whole erased areas, so they anchor only a pattern with no other
       literal byte */
    for (k = 0; k < m; k++)
        if (rare_candidate(pat, mask, k) && (a == m || count[pat[k]] < count[pat[a]]))
            a = k;
    for (k = 0; a == m && k < m; k++)
        if (!mask || mask[k] == 0xFF)
            a = k;
    return a;
}

size_t ecu__anchor(const uint8_t *hay, size_t n, const uint8_t *pat, const uint8_t *mask, size_t m)
{
    uint32_t count[256]; /* (only the pattern's candidate bytes are counted and read) */
    sample(hay, n, pat, mask, m, count);
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

/* When memchr on the anchor gives way to a search by pairs (or words): checked every MISSES
   failed hits, once they came more often than one per MISS_GAP bytes on average. A memchr
   call costs about 25 ns more than the bytes it scans (9 us a MiB on the machine of
   bench/README.md); a pair search, 15 us a MiB with AVX-512 and 22 with AVX2, pays for
   itself from about one failed hit in 2 KiB. (Until 2026-12-06 the switch came only after 16
   misses in the first 8 KiB: the families' text searches in 1 MiB ME7 dumps stopped memchr
   600 to 800 times a file, one hit in 1.5 KiB, and never switched.) */
#define MISSES 16
#define MISS_GAP 2048

/* The first @p m bytes of @p p at an even offset of @p hay from the even offset @p from on,
   found through the pair at @p k, k + 1 of the pattern as a 16-bit word (ecu__find_word: at
   o + k for an even place o, so at even offsets from hay + k). */
static const uint8_t *memfind_word(const uint8_t *hay, size_t n, const uint8_t *p, size_t m,
                                   size_t k, size_t from)
{
    size_t len = n - m + 2, t; /* the places o lie in [0, n - m]: the word at o, o + 1 < len */
    for (t = from; t + 1 < len; t += 2) {
        t += ecu__find_word(hay + k + t, len - t, p[k], p[k + 1]);
        if (t + 1 >= len)
            return NULL;
        if (memcmp(hay + t, p, m) == 0)
            return hay + t;
    }
    return NULL;
}

/* ecu__memfind_at, or with @p even ecu__memfind_even_at. */
static const uint8_t *memfind_from(const uint8_t *hay, size_t n, const void *pat, size_t m,
                                   size_t a, int even)
{
    const uint8_t *p = pat, *at, *end, *hit, *first;
    size_t misses = 0, b;
    if (!m || m > n)
        return m ? NULL : hay;
    end = hay + (n - m) + a + 1; /* the anchor byte of the last possible match, plus one */
    at = first = hay + a;
    /* a second byte of the pattern, next to the anchor, is compared before the whole: most
       anchor hits fail there, without a call */
    b = m < 2 ? a : a + 1 < m ? a + 1 : a - 1;
    while (at < end && (hit = memchr(at, p[a], (size_t)(end - at))) != NULL) {
        size_t o = (size_t)(hit - hay) - a; /* the place of the match it would be */
        if (!(even && (o & 1)) && (hit - a)[b] == p[b] && memcmp(hit - a, p, m) == 0)
            return hit - a;
        at = hit + 1;
        /* a frequent anchor byte (code, text, random data) stops memchr too often: every
           match starting at o or before has been looked at, go on after it by pairs (by words
           at the even places) */
        if (m >= 2 && ++misses % MISSES == 0 && (size_t)(at - first) < misses * MISS_GAP) {
            size_t k = a + 1 < m ? a : a - 1;
            if (even)
                return memfind_word(hay, n, p, m, k, o + 1 + ((o + 1) & 1));
            return memfind_pair(hay + o + 1, n - o - 1, p, m, k);
        }
    }
    return NULL;
}

const uint8_t *ecu__memfind_at(const uint8_t *hay, size_t n, const void *pat, size_t m, size_t a)
{
    return memfind_from(hay, n, pat, m, a, 0);
}

const uint8_t *ecu__memfind(const uint8_t *hay, size_t n, const void *pat, size_t m)
{
    if (!m || m > n)
        return m ? NULL : hay;
    return ecu__memfind_at(hay, n, pat, m, ecu__anchor(hay, n, pat, NULL, m));
}

#if ECU_HAVE_V3
/* the places among the 32 at @p p where byte a is followed by byte b (a mask of bytes) */
ECU_V3
static inline __m256i pair_at(const uint8_t *p, __m256i va, __m256i vb)
{
    return _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(const void *)p), va),
                            _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(const void *)(p + 1)), vb));
}

/* ecu__find_pair with AVX2: 64 places a step in two 32-byte compares */
ECU_V3
static size_t find_pair_v3(const uint8_t *hay, size_t n, uint8_t a, uint8_t b)
{
    const __m256i va = _mm256_set1_epi8((char)a), vb = _mm256_set1_epi8((char)b);
    size_t i = 0;
    /* 128 places a step while no pair is there (one test of the four masks together) */
    for (; n - i >= 129; i += 128) {
        const uint8_t *p = hay + i;
        __m256i m0 = pair_at(p, va, vb);
        __m256i m1 = pair_at(p + 32, va, vb);
        __m256i m2 = pair_at(p + 64, va, vb);
        __m256i m3 = pair_at(p + 96, va, vb);
        __m256i any = _mm256_or_si256(_mm256_or_si256(m0, m1), _mm256_or_si256(m2, m3));
        if (!_mm256_testz_si256(any, any))
            break; /* the 64-place loop below finds it */
    }
    for (; n - i >= 65; i += 64) {
        const uint8_t *p = hay + i;
        __m256i m0 = pair_at(p, va, vb);
        __m256i m1 = pair_at(p + 32, va, vb);
        uint64_t m = (uint32_t)_mm256_movemask_epi8(m0) |
                     (uint64_t)(uint32_t)_mm256_movemask_epi8(m1) << 32;
        if (m)
            return i + (size_t)__builtin_ctzll(m);
    }
    for (; i + 1 < n; i++)
        if (hay[i] == a && hay[i + 1] == b)
            return i;
    return n;
}

/* the places among the 64 at @p p where byte a is followed by byte b (a mask of bytes; two
   independent compares: a masked second compare, waiting on the first, was slower) */
ECU_V4
static inline __mmask64 pair_at64(const uint8_t *p, __m512i va, __m512i vb)
{
    return _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(p), va) &
           _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(p + 1), vb);
}

/* ecu__find_pair with AVX-512: 64 places a compare, twice the AVX2 step (on the 2-core Xeon of
   bench/README.md a 1 MiB scan without the pair takes 15.3 us against 22.5 with AVX2) */
ECU_V4
static size_t find_pair_v4(const uint8_t *hay, size_t n, uint8_t a, uint8_t b)
{
    const __m512i va = _mm512_set1_epi8((char)a), vb = _mm512_set1_epi8((char)b);
    size_t i = 0, r;
    /* 256 places a step while no pair is there (one test of the four masks together) */
    for (; n - i >= 257; i += 256) {
        const uint8_t *p = hay + i;
        if (pair_at64(p, va, vb) | pair_at64(p + 64, va, vb) | pair_at64(p + 128, va, vb) |
            pair_at64(p + 192, va, vb))
            break; /* the 64-place loop below finds it */
    }
    for (; n - i >= 65; i += 64) {
        __mmask64 m = pair_at64(hay + i, va, vb);
        if (m)
            return i + (size_t)__builtin_ctzll(m);
    }
    /* the last 64 places or fewer */
    r = n - i < 2 ? n - i : find_pair_v3(hay + i, n - i, a, b);
    return i + r;
}
#endif

size_t ecu__find_pair(const uint8_t *hay, size_t n, uint8_t a, uint8_t b)
{
    size_t i = 0;
    if (n < 2)
        return n;
#if ECU_HAVE_V3
    if (ecu__cpu_v4())
        return find_pair_v4(hay, n, a, b);
    if (ecu__cpu_v3())
        return find_pair_v3(hay, n, a, b);
#endif
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

/* ecu__find_word with SSE2 (where the compiler has it) and then byte by byte: 8 words a
   compare (each matching word sets two mask bits) */
static size_t find_word_sse2(const uint8_t *hay, size_t n, uint8_t a, uint8_t b)
{
    size_t i = 0;
#ifdef __SSE2__
    const __m128i vw = _mm_set1_epi16((short)(a | b << 8));
    for (; n - i >= 16; i += 16) {
        unsigned m = (unsigned)_mm_movemask_epi8(
            _mm_cmpeq_epi16(_mm_loadu_si128((const __m128i *)(const void *)(hay + i)), vw));
        if (m)
            return i + (size_t)__builtin_ctz(m);
    }
#endif
    for (; n - i >= 2; i += 2)
        if (hay[i] == a && hay[i + 1] == b)
            return i;
    return n;
}

#if ECU_HAVE_V3
/* ecu__find_word with AVX2: 16 words a compare, the rest as find_word_sse2 */
ECU_V3
static size_t find_word_v3(const uint8_t *hay, size_t n, uint8_t a, uint8_t b)
{
    const __m256i vw = _mm256_set1_epi16((short)(a | b << 8));
    size_t i = 0;
    for (; n - i >= 32; i += 32) {
        unsigned m = (unsigned)_mm256_movemask_epi8(
            _mm256_cmpeq_epi16(_mm256_loadu_si256((const __m256i *)(const void *)(hay + i)), vw));
        if (m)
            return i + (size_t)__builtin_ctz(m);
    }
    return i + find_word_sse2(hay + i, n - i, a, b);
}

/* ecu__find_word with AVX-512: 32 words a compare, 128 a step while there is none, the rest
   as find_word_v3 */
ECU_V4
static size_t find_word_v4(const uint8_t *hay, size_t n, uint8_t a, uint8_t b)
{
    const __m512i vw = _mm512_set1_epi16((short)(a | b << 8));
    size_t i = 0;
    for (; n - i >= 256; i += 256) {
        const uint8_t *p = hay + i;
        if (_mm512_cmpeq_epi16_mask(_mm512_loadu_si512(p), vw) |
            _mm512_cmpeq_epi16_mask(_mm512_loadu_si512(p + 64), vw) |
            _mm512_cmpeq_epi16_mask(_mm512_loadu_si512(p + 128), vw) |
            _mm512_cmpeq_epi16_mask(_mm512_loadu_si512(p + 192), vw))
            break; /* the 64-byte loop below finds it */
    }
    for (; n - i >= 64; i += 64) {
        __mmask32 m = _mm512_cmpeq_epi16_mask(_mm512_loadu_si512(hay + i), vw);
        if (m)
            return i + 2 * (size_t)__builtin_ctz(m);
    }
    return i + find_word_v3(hay + i, n - i, a, b);
}
#endif

size_t ecu__find_word(const uint8_t *hay, size_t n, uint8_t a, uint8_t b)
{
#if ECU_HAVE_V3
    if (ecu__cpu_v4())
        return find_word_v4(hay, n, a, b);
    if (ecu__cpu_v3())
        return find_word_v3(hay, n, a, b);
#endif
    return find_word_sse2(hay, n, a, b);
}

const uint8_t *ecu__memfind_even_at(const uint8_t *hay, size_t n, const void *pat, size_t m,
                                    size_t a)
{
    return memfind_from(hay, n, pat, m, a, 1);
}
