/* SPDX-License-Identifier: MIT */
/*
 * The identification engine: the family's own identification (its `identify`, or for an
 * image no family claims the families' `identify_unclaimed`), then the generic scanners that
 * depend on no family: EPK/DAMOS strings, Bosch hardware and software numbers, VAG ident
 * labels, VIN. The fields are sorted and published here.
 *
 * Public facts used by the generic scanners (the code is our own):
 * - EPK/DAMOS descriptor strings `40/1/ME7.1/5/...`, `36/1/EDC17_CP04/5/...`; Bosch hardware
 *   numbers 0261/0281 + 6 digits (also spaced `0 281 xxx xxx`), software numbers 1037/1039 +
 *   6 digits, back to back in ME7 (possibly separated by NUL or space); 1037555072 is a
 *   TC1793 constant in every PSA EDC17, not a software number (v-arapidis/openremap-core
 *   bosch/edc17/patterns.py, bosch/me7/patterns.py).
 * - VAG ident marker `EDC  `: part number 20 bytes before it, the Bosch number 23 bytes after
 *   it (Blackfrosch/VAGEDCSuite EDC17FileParser.cs).
 * - VIN: ISO 3779 / 49 CFR 565: 17 characters without I, O, Q; check digit at position 9
 *   from the transliterated values and weights 8,7,6,5,4,3,2,10,0,9,8,7,6,5,4,3,2, mod 11,
 *   10 written X; the last four characters are numeric.
 * Every scan is a linear pass, bounded to the image or a region of it; the places the scans
 * check come from one pass over the image with byte-class bit masks (find_candidates).
 */
#include "ecu/id.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecu/csum.h"
#include "idformat.h"
#include "idsink.h"
#include "registry.h"
#include "text.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* kinds of candidate places (find_candidates) */
enum { C_NUMBER, C_ALNUM17, C_EPK, C_EDC, C_MOTRONIC, C_KINDS };

struct ecu_id {
    struct ecu__idsink sink; /* the fields found */
    int nomem;               /* a candidate list could not grow */
    size_t *cand[C_KINDS], ncand[C_KINDS], capcand[C_KINDS]; /* see find_candidates */
};

#define MAX_PER_KEY ECU_ID_MAX_PER_KEY


static int all_digits(const uint8_t *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!id_digit(p[i]))
            return 0;
    return 1;
}

static void adds(ecu_id *id, const char *key, const char *val, unsigned conf, const char *source)
{
    ecu__id_text(&id->sink, key, val, ECU_ID_NO_OFFSET, conf, source);
}

ecu_id *ecu_id_new(void)
{
    return calloc(1, sizeof(ecu_id));
}

void ecu_id_free(ecu_id *id)
{
    int k;
    if (!id)
        return;
    ecu__idsink_free(&id->sink);
    for (k = 0; k < C_KINDS; k++)
        free(id->cand[k]);
    free(id);
}

/* ---- candidate search, 64 bytes a step ------------------------------------------------------
 * The scans look at runs of digits, of letters and digits, at `NN/N/` and at a few markers.
 * One pass over the image (SSE2, 64 bytes a step; a byte loop without SSE2 and for the last
 * 128 bytes at most) builds bit masks of digits, of letters and digits, and of the places of a
 * few byte pairs, and lists in order the places where such a run or marker may start, so the
 * byte-by-byte checks run only there (each list holds every place the scan acts on):
 *   C_NUMBER   a maximal run of ten digits or more, or a lone '0' followed by a space
 *   C_ALNUM17  a maximal run of exactly 17 letters and digits
 *   C_EPK      a slash with two digits before it, and a digit and a slash after it
 *   C_EDC, C_MOTRONIC   the pairs `DC` and `OT` (byte 1 of the markers `EDC  ` and
 *              `MOTRONIC`)
 */

/* bits k + s of the 128 bits hi:lo (0 < s < 64) */
static inline uint64_t shr128(uint64_t lo, uint64_t hi, unsigned s)
{
    return lo >> s | hi << (64 - s);
}

/* runs of `have` set bits at k and at k + s (s <= have) make a run of have + s at k */
static inline void grow(uint64_t *lo, uint64_t *hi, unsigned s)
{
    *lo &= shr128(*lo, *hi, s);
    *hi &= *hi >> s;
}

/* A maximal run of digits that scan_numbers acts on starts at @p s: ten digits or more, or a
   lone '0' followed by a space. */
static int number_at(const uint8_t *d, size_t n, size_t s)
{
    size_t e;
    if (!id_digit(d[s]) || (s > 0 && id_digit(d[s - 1])))
        return 0;
    for (e = s; e < n && id_digit(d[e]); e++)
        ;
    return e - s >= 10 || (d[s] == '0' && e < n && d[e] == ' ');
}

/* A run of exactly 17 letters and digits starts at @p s (the bytes before and after it, when
   there are any, are neither). */
static int alnum17_at(const uint8_t *d, size_t n, size_t s)
{
    size_t e;
    if (n - s < 17 || !id_alnum(d[s]) || (s > 0 && id_alnum(d[s - 1])))
        return 0;
    for (e = s; e < n && id_alnum(d[e]); e++)
        ;
    return e - s == 17;
}

/* `NN/N/` with its first slash at @p at, and room for the check of scan_epk. */
static int epk_at(const uint8_t *d, size_t n, size_t at)
{
    return d[at] == '/' && at >= 2 && n - at >= 8 && id_digit(d[at - 1]) && id_digit(d[at - 2]) &&
           id_digit(d[at + 1]) && d[at + 2] == '/';
}

static void add_cand(ecu_id *id, int kind, size_t at)
{
    if (id->ncand[kind] == id->capcand[kind]) {
        size_t cap = id->capcand[kind] ? id->capcand[kind] * 2 : 256;
        size_t *c = realloc(id->cand[kind], cap * sizeof *c);
        if (!c) {
            id->nomem = 1;
            return;
        }
        id->cand[kind] = c;
        id->capcand[kind] = cap;
    }
    id->cand[kind][id->ncand[kind]++] = at;
}

/* the pairs at @p k (k + 1 < n) */
static void add_pairs_at(ecu_id *id, const uint8_t *d, size_t k)
{
    if (d[k] == 'D' && d[k + 1] == 'C')
        add_cand(id, C_EDC, k);
    else if (d[k] == 'O' && d[k + 1] == 'T')
        add_cand(id, C_MOTRONIC, k);
}

#ifdef __SSE2__
/* bytes lo .. lo + span (span < 128): x + 0x80 - lo, as a signed byte, below -128 + span + 1 */
static inline __m128i in_range16(__m128i x, int lo, int span)
{
    __m128i t = _mm_add_epi8(x, _mm_set1_epi8((char)(0x80 - lo)));
    return _mm_cmplt_epi8(t, _mm_set1_epi8((char)(-128 + span + 1)));
}

/* x[k] == a and y[k] == b */
static inline __m128i pair16(__m128i x, __m128i y, char a, char b)
{
    return _mm_and_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(a)), _mm_cmpeq_epi8(y, _mm_set1_epi8(b)));
}

static inline uint64_t mask16(__m128i x)
{
    return (uint64_t)(unsigned)_mm_movemask_epi8(x);
}

/* classes of the 64 bytes at p (p[64] is read too): bit k for p[k] */
struct cls {
    uint64_t digit, alnum, pair; /* pair: `0 `, `DC`, `OT`, E2 F6 at k */
};

/* inlined: one call per 64 bytes */
#if defined(__GNUC__)
#define ID_INLINE inline __attribute__((always_inline))
#else
#define ID_INLINE inline
#endif

/* the classes of the 16 bytes at p (p[16] is read too), as bits 16 * k .. 16 * k + 15 */
static ID_INLINE void classify16(const uint8_t *p, struct cls *c, unsigned k)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(p + 1));
    __m128i dg = in_range16(x, '0', 9);
    /* x | 0x20 is a lower-case letter exactly when x is a letter */
    __m128i lt = in_range16(_mm_or_si128(x, _mm_set1_epi8(0x20)), 'a', 25);
    __m128i pr = _mm_or_si128(_mm_or_si128(pair16(x, y, '0', ' '), pair16(x, y, 'D', 'C')),
                              pair16(x, y, 'O', 'T'));
    c->digit |= mask16(dg) << (16 * k);
    c->alnum |= mask16(_mm_or_si128(dg, lt)) << (16 * k);
    c->pair |= mask16(pr) << (16 * k);
}

static ID_INLINE void classify64(const uint8_t *p, struct cls *c)
{
    const __m128i *v = (const __m128i *)(const void *)p;
    __m128i x0 = _mm_loadu_si128(v), x1 = _mm_loadu_si128(v + 1), x2 = _mm_loadu_si128(v + 2),
            x3 = _mm_loadu_si128(v + 3);
    __m128i both = _mm_and_si128(_mm_and_si128(x0, x1), _mm_and_si128(x2, x3)),
            any = _mm_or_si128(_mm_or_si128(x0, x1), _mm_or_si128(x2, x3));
    c->digit = c->alnum = c->pair = 0;
    /* erased (0xFF) or zeroed: no class, and no pair ends at p[64] (no pair starts with 0xFF
       or 0x00) */
    if (_mm_movemask_epi8(_mm_cmpeq_epi8(both, _mm_set1_epi8(-1))) == 0xFFFF ||
        _mm_movemask_epi8(_mm_cmpeq_epi8(any, _mm_setzero_si128())) == 0xFFFF)
        return;
    classify16(p, c, 0);
    classify16(p + 16, c, 1);
    classify16(p + 32, c, 2);
    classify16(p + 48, c, 3);
}

/* bit k: bits k .. k + len - 1 of hi:lo all set (len 10 or 17) */
static ID_INLINE uint64_t ones_from(uint64_t lo, uint64_t hi, unsigned len)
{
    grow(&lo, &hi, 1);
    grow(&lo, &hi, 2);
    if (!lo) /* not four in a row: most 64 bytes of code (lo only loses bits) */
        return 0;
    grow(&lo, &hi, 4);
    if (len == 10) {
        grow(&lo, &hi, 2);
        return lo;
    }
    grow(&lo, &hi, 8);
    grow(&lo, &hi, 1);
    return lo;
}
#endif

static void find_candidates(ecu_id *id, const uint8_t *d, size_t n)
{
    size_t i = 0;
    int k;
    for (k = 0; k < C_KINDS; k++)
        id->ncand[k] = 0;
#ifdef __SSE2__
    if (n > 128) {
        struct cls pv = {0, 0, 0}, c, nx;
        classify64(d, &c);
        for (; n - i > 128; i += 64) {
            uint64_t dprev1, zsp = 0, bits;
            classify64(d + i + 64, &nx);
            dprev1 = c.digit << 1 | pv.digit >> 63; /* bit k: digit at k - 1 */
            for (bits = c.pair; bits; bits &= bits - 1) {
                size_t at = i + (size_t)__builtin_ctzll(bits);
                if (d[at] == '0')
                    zsp |= bits & -bits;
                else
                    add_pairs_at(id, d, at);
            }
            /* digits: ten in a row, or `0 ` */
            for (bits = c.digit & ~dprev1 & (ones_from(c.digit, nx.digit, 10) | zsp); bits;
                 bits &= bits - 1)
                add_cand(id, C_NUMBER, i + (size_t)__builtin_ctzll(bits));
            /* letters and digits: seventeen in a row, not eighteen */
            for (bits = c.alnum & ~(c.alnum << 1 | pv.alnum >> 63) &
                        ones_from(c.alnum, nx.alnum, 17) & ~shr128(c.alnum, nx.alnum, 17);
                 bits; bits &= bits - 1)
                add_cand(id, C_ALNUM17, i + (size_t)__builtin_ctzll(bits));
            /* `NN/N/`: digit, digit, not a digit, digit */
            for (bits = ~c.digit & dprev1 & (c.digit << 2 | pv.digit >> 62) &
                        shr128(c.digit, nx.digit, 1);
                 bits; bits &= bits - 1) {
                size_t at = i + (size_t)__builtin_ctzll(bits);
                if (epk_at(d, n, at))
                    add_cand(id, C_EPK, at);
            }
            pv = c;
            c = nx;
        }
    }
#endif
    for (; i < n; i++) {
        if (number_at(d, n, i))
            add_cand(id, C_NUMBER, i);
        if (alnum17_at(d, n, i))
            add_cand(id, C_ALNUM17, i);
        if (epk_at(d, n, i))
            add_cand(id, C_EPK, i);
        if (i + 1 < n)
            add_pairs_at(id, d, i);
    }
}

/* The first candidate of @p kind at or after @p at (*@p k walks the list); @p n when none. */
static size_t next_cand(const ecu_id *id, int kind, size_t *k, size_t at, size_t n)
{
    while (*k < id->ncand[kind] && id->cand[kind][*k] < at)
        ++*k;
    return *k < id->ncand[kind] ? id->cand[kind][*k] : n;
}

/*
 * The first place at or after @p from where the @p m bytes of @p pat are, found from the
 * candidates of @p kind (places of pat[a], pat[a + 1]); @p n when there is none.
 */
static size_t next_marker(const ecu_id *id, int kind, size_t *k, const uint8_t *d, size_t n,
                          size_t from, const char *pat, size_t m, size_t a)
{
    size_t at;
    while ((at = next_cand(id, kind, k, from + a, n)) < n) {
        ++*k;
        if (m <= n && at - a <= n - m && memcmp(d + at - a, pat, m) == 0)
            return at - a;
    }
    return n;
}

/* ---- VIN ---------------------------------------------------------------------------------- */

static int vin_char(uint8_t c)
{
    return id_digit(c) || (id_upper(c) && c != 'I' && c != 'O' && c != 'Q');
}

static int vin_value(uint8_t c)
{
    /* ISO 3779 transliteration: A-H 1-8, J-R 1-9 without O and Q, S-Z 2-9 */
    static const char map[] = "12345678-12345-7-923456789";
    if (id_digit(c))
        return c - '0';
    return map[c - 'A'] - '0';
}

static char vin_check(const uint8_t *v)
{
    static const int w[17] = {8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2};
    int i, sum = 0;
    for (i = 0; i < 17; i++) {
        if (!vin_char(v[i]))
            return 0;
        sum += vin_value(v[i]) * w[i];
    }
    sum %= 11;
    return sum == 10 ? 'X' : (char)('0' + sum);
}

char ecu_vin_check_digit(const char *vin)
{
    if (!vin || strlen(vin) != 17)
        return 0;
    return vin_check((const uint8_t *)vin);
}

/* VINs: runs of exactly 17 VIN characters, with letters in the maker code and four digits at
   the end, bounded by bytes that are not letters or digits. */
static void scan_vin(ecu_id *id, const uint8_t *d, size_t n)
{
    size_t i = 0, found = 0, c = 0;
    /* a run of 17 VIN characters bounded by bytes that are not letters or digits is a run of
       exactly 17 letters and digits */
    while (found < MAX_PER_KEY && (i = next_cand(id, C_ALNUM17, &c, i, n)) < n) {
        size_t s = i, e;
        for (e = s; e < s + 17 && vin_char(d[e]); e++)
            ;
        i = s + 18;
        if (e - s != 17)
            continue;
        if (!all_digits(d + s + 13, 4) ||
            !(id_upper(d[s]) || id_upper(d[s + 1]) || id_upper(d[s + 2])))
            continue;
        {
            char chk = vin_check(d + s), src[80];
            unsigned conf;
            if (chk == (char)d[s + 8]) {
                snprintf(src, sizeof src, "VIN, ISO 3779 check digit correct");
                conf = 90;
            } else {
                snprintf(src, sizeof src, "VIN, ISO 3779 check digit %c stored, %c computed",
                         (char)d[s + 8], chk);
                conf = 40;
            }
            ecu__id_add(&id->sink, "vin", d + s, 17, s, conf, src);
            found++;
        }
    }
}

/* ---- EPK / DAMOS descriptor strings --------------------------------------------------------- */

/* `NN/N/TYPE/...` followed by printable characters: the EPK and the ECU type (third token). */
static void scan_epk(ecu_id *id, const uint8_t *d, size_t n)
{
    const uint8_t *p = d, *end = d + n;
    size_t found = 0, c = 0;
    /* the slashes that do not start `NN/N/` are passed over */
    while (found < MAX_PER_KEY && p < end &&
           (p = d + next_cand(id, C_EPK, &c, (size_t)(p - d), n)) < end) {
        size_t at = (size_t)(p - d), s, t, e;
        p++;
        s = at - 2;
        t = at + 3;
        for (e = t; e < n && e - t < 24 && (id_alnum(d[e]) || d[e] == '.' || d[e] == '_'); e++)
            ;
        if (e - t < 2 || e >= n || d[e] != '/')
            continue;
        {
            size_t tlen = e - t, z;
            for (z = e; z < n && z - s < 128 && id_print(d[z]); z++)
                ;
            if (z - s < 12)
                continue;
            {
                /* padding after the last slash (a run of one repeated character) is not part
                   of it: `.../240303150814/DDDDDDDD...` */
                size_t r = z;
                while (r > s && d[r - 1] == d[z - 1])
                    r--;
                if (d[z - 1] != '/' && z - r >= 8 && r > s && d[r - 1] == '/')
                    z = r;
            }
            ecu__id_add(&id->sink, "epk", d + s, z - s, s, 85, "EPK/DAMOS descriptor string");
            ecu__id_add(&id->sink, "ecu_type", d + t, tlen, t, 80, "third part of the EPK");
            found++;
            p = d + z;
        }
    }
}

/* ---- Bosch hardware and software numbers ---------------------------------------------------- */

/*
 * Runs of digits, and the pair of a hardware and a software number separated by one NUL or
 * space; the spaced form `0 281 xxx xxx` (EDC17).
 */
static void scan_numbers(ecu_id *id, const uint8_t *d, size_t n)
{
    size_t i = 0, c = 0;
    /* the runs of two to nine digits, and lone digits other than `0 `, add nothing */
    while ((i = next_cand(id, C_NUMBER, &c, i, n)) < n) {
        size_t s, e;
        s = i;
        for (e = s; e < n && id_digit(d[e]); e++)
            ;
        i = e;
        if (e - s >= 10 && n - e > 11 && (d[e] == 0 || d[e] == ' ') && ecu__bosch_hw(d + e - 10) &&
            ecu__bosch_sw(d + e + 1) && !id_digit(d[e + 11])) {
            /* a hardware number ending the run, a NUL or space, a software number */
            unsigned conf = e - s == 10 ? 90 : 85;
            if (e - s > 10)
                ecu__bosch_numbers_in_run(&id->sink, d + s, e - s - 10, s, 0);
            ecu__id_add(&id->sink, "hw_number", d + e - 10, 10, e - 10, conf,
                "Bosch HW and SW numbers back to back");
            ecu__id_add(&id->sink, "sw_number", d + e + 1, 10, e + 1, conf,
                "Bosch HW and SW numbers back to back");
            i = e + 11;
        } else if (e - s >= 10) {
            ecu__bosch_numbers_in_run(&id->sink, d + s, e - s, s, 0);
        } else if (e - s == 1 && d[s] == '0' && n - s >= 13 && d[s + 1] == ' ' &&
                   d[s + 5] == ' ' && d[s + 9] == ' ' && all_digits(d + s + 2, 3) &&
                   all_digits(d + s + 6, 3) && all_digits(d + s + 10, 3) &&
                   (n - s == 13 || !id_digit(d[s + 13]))) {
            /* spaced form `0 281 xxx xxx` (EDC17) */
            uint8_t v[10];
            v[0] = '0';
            memcpy(v + 1, d + s + 2, 3);
            memcpy(v + 4, d + s + 6, 3);
            memcpy(v + 7, d + s + 10, 3);
            if (ecu__bosch_hw(v))
                ecu__id_add(&id->sink, "hw_number", v, 10, s, 75, "Bosch hardware number, spaced");
        }
    }
}

/* The VAG ident label around the `EDC  ` marker (EDC15, EDC17). */
static void scan_edc(ecu_id *id, const uint8_t *d, size_t n)
{
    const uint8_t *p = d, *end = d + n;
    size_t found = 0, c = 0;
    while (found < MAX_PER_KEY &&
           (p = d + next_marker(id, C_EDC, &c, d, n, (size_t)(p - d), "EDC  ", 5, 1)) < end) {
        size_t m = (size_t)(p - d), k;
        p += 5;
        if (m >= 20 && (k = ecu__vag_part(d + m - 20, 12)) != 0) {
            ecu__id_add(&id->sink, "part_number", d + m - 20, k, m - 20, 85, "VAG ident label before `EDC  `");
            found++;
        }
        /* `EDC  SG  1541 ...`: the VAG software version; a Bosch software number right
           after the marker (EDC17 labels) */
        if (n - m >= 14 && d[m + 8] == ' ' && id_alnum(d[m + 9]) && id_alnum(d[m + 10]) &&
            id_alnum(d[m + 11]) && id_alnum(d[m + 12]) && d[m + 13] == ' ')
            ecu__id_add(&id->sink, "sw_version", d + m + 9, 4, m + 9, 75, "VAG ident label after `EDC  `");
        if (n - m >= 16 && ecu__bosch_sw(d + m + 5) && !id_digit(d[m + 15]))
            ecu__id_add(&id->sink, "sw_number", d + m + 5, 10, m + 5, 85, "VAG ident label after `EDC  `");
        if (n - m >= 34 && ecu__bosch_hw(d + m + 23) && !id_digit(d[m + 33]))
            ecu__id_add(&id->sink, "hw_number", d + m + 23, 10, m + 23, 85, "VAG ident label after `EDC  `");
    }
}

/*
 * VAG ident label of Motronic images: part number (12), description (20) with `MOTRONIC`
 * first, software version (4), e.g. `022906032CS MOTRONIC ME7.1.1    0006`.
 */
static void scan_motronic_label(ecu_id *id, const uint8_t *d, size_t n)
{
    const uint8_t *p = d, *end = d + n;
    size_t found = 0, c = 0;
    while (found < MAX_PER_KEY &&
           (p = d + next_marker(id, C_MOTRONIC, &c, d, n, (size_t)(p - d), "MOTRONIC", 8, 1)) <
               end) {
        size_t m = (size_t)(p - d), k, j;
        p += 8;
        if (m < 12 || (k = ecu__vag_part(d + m - 12, 12)) == 0 || n - m < 25)
            continue;
        for (j = m - 12 + k; j < m; j++)
            if (d[j] != ' ')
                break;
        if (j != m)
            continue;
        found++;
        ecu__id_add(&id->sink, "part_number", d + m - 12, k, m - 12, 80, "VAG ident label (MOTRONIC)");
        for (j = 0; j < 4 && id_alnum(d[m + 20 + j]); j++)
            ;
        if (j == 4 && !id_alnum(d[m + 24]))
            ecu__id_add(&id->sink, "sw_version", d + m + 20, 4, m + 20, 80, "VAG ident label (MOTRONIC)");
    }
}

/* ---- the whole analysis --------------------------------------------------------------------- */

static int cmp_field(const void *a, const void *b)
{
    const struct ecu__idfield *x = a, *y = b;
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    if (x->pub.confidence != y->pub.confidence)
        return x->pub.confidence > y->pub.confidence ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The identification of the families: the claiming family's own, or for an image no family
   claims (none, or several tied) the identify_unclaimed of every family that has one (each
   function once). */
static void family_fields(ecu_id *id, const struct ecu__probe *p, const uint8_t *d, size_t n)
{
    size_t i, k;
    if (p->family) {
        if (p->family->identify)
            p->family->identify(d, n, &id->sink);
        return;
    }
    /* no family, or several tied: no family claims it outright */
    for (i = 0; i < ecu__nfamilies; i++) {
        family_identify_fn f = ecu__families[i]->identify_unclaimed;
        if (!f)
            continue;
        for (k = 0; k < i && ecu__families[k]->identify_unclaimed != f; k++)
            ;
        if (k == i)
            f(d, n, &id->sink);
    }
}

int ecu_id_analyze(ecu_id *id, const uint8_t *data, size_t size)
{
    struct ecu__probe p;
    const ecu_family_info *fam = NULL;
    if (!id || (!data && size))
        return ECU_ERR_INVALID;
    ecu__idsink_clear(&id->sink);
    id->nomem = 0;
    if (size) {
        ecu__probe(data, size, &p); /* the family only: no verification */
        fam = p.family ? &p.family->info : NULL;
    }
    if (fam) {
        adds(id, "manufacturer", fam->manufacturer, p.score, "checksum family detection");
        adds(id, "family", fam->name, p.score, "checksum family detection");
    } else if (size && p.ambiguous) {
        /* tied families: each is a candidate, none is sure */
        size_t i;
        for (i = 0; i < p.ncand; i++)
            adds(id, "family", p.cand[i].f->info.name, p.cand[i].score / 2,
                 "checksum family detection (ambiguous)");
    }
    if (size) {
        family_fields(id, &p, data, size);
        find_candidates(id, data, size);
        scan_edc(id, data, size);
        scan_motronic_label(id, data, size);
        scan_epk(id, data, size);
        scan_numbers(id, data, size);
        scan_vin(id, data, size);
    }
    if (!fam && (ecu_id_get(id, "hw_number") || ecu_id_get(id, "sw_number")))
        adds(id, "manufacturer", "Bosch", 60, "Bosch hardware/software number format");
    if (id->nomem || id->sink.nomem) {
        ecu__idsink_clear(&id->sink);
        return ECU_ERR_NOMEM;
    }
    if (id->sink.n > 1)
        qsort(id->sink.f, id->sink.n, sizeof *id->sink.f, cmp_field);
    return ECU_OK;
}

size_t ecu_id_field_count(const ecu_id *id)
{
    return id ? id->sink.n : 0;
}

const ecu_id_field *ecu_id_field_at(const ecu_id *id, size_t i)
{
    return id && i < id->sink.n ? &id->sink.f[i].pub : NULL;
}

const ecu_id_field *ecu_id_get(const ecu_id *id, const char *key)
{
    size_t i;
    const ecu_id_field *best = NULL;
    if (!id || !key)
        return NULL;
    for (i = 0; i < id->sink.n; i++)
        if (strcmp(id->sink.f[i].pub.key, key) == 0 &&
            (!best || id->sink.f[i].pub.confidence > best->confidence))
            best = &id->sink.f[i].pub;
    return best;
}

/* ---- comparing two identities --------------------------------------------------------------- */

ecu_id_match ecu_id_compare(const ecu_id *a, const ecu_id *b, const char **out, size_t *nout)
{
    /* the defining pairs, in order of preference */
    static const char *const rules[][2] = {{"hw_number", "sw_number"},
                                           {"part_number", "sw_version"},
                                           {"part_number", "sw_number"},
                                           {"cal_id", "cal_id"}};
    static const char *const defining[] = {"hw_number", "sw_number", "part_number",
                                           "sw_version", "cal_id"};
    size_t r, k, nk = 0, ndiff = 0, ncmp = 0;
    const char *diff[ECU_ID_MAX_KEYS], *cmp[ECU_ID_MAX_KEYS];
    int decided = 0;
    if (nout)
        *nout = 0;
    if (!a || !b)
        return ECU_ID_UNDECIDED;
    for (r = 0; r < sizeof rules / sizeof rules[0]; r++)
        if (ecu_id_get(a, rules[r][0]) && ecu_id_get(a, rules[r][1]) &&
            ecu_id_get(b, rules[r][0]) && ecu_id_get(b, rules[r][1]))
            decided = 1;
    if (!decided)
        return ECU_ID_UNDECIDED;
    for (k = 0; k < sizeof defining / sizeof defining[0]; k++) {
        const ecu_id_field *x = ecu_id_get(a, defining[k]), *y = ecu_id_get(b, defining[k]);
        if (!x || !y)
            continue;
        cmp[ncmp++] = defining[k];
        if (strcmp(x->value, y->value) != 0)
            diff[ndiff++] = defining[k];
    }
    if (ndiff) {
        nk = ndiff;
        if (out)
            memcpy(out, diff, nk * sizeof *out);
    } else {
        nk = ncmp;
        if (out)
            memcpy(out, cmp, nk * sizeof *out);
    }
    if (nout)
        *nout = nk;
    return ndiff ? ECU_ID_DIFFERENT : ECU_ID_SAME;
}
