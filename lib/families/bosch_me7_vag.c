/* SPDX-License-Identifier: MIT */
/*
 * Bosch ME7.x as used by VAG (ME7.1, ME7.1.1, ME7.5; C167, little-endian): ROMSYS sums,
 * the CRC-32 table, the main data CRCs and byte sum, the main program sum and the
 * multipoint tables.
 *
 * Public source: nyetwurk/ME7Sum me7sum.c (facts only; the function named for each below).
 * Facts used here:
 * - Size 512 KiB or 1 MiB; a 1 MiB file whose halves are equal, or whose top half is all
 *   0xFF, holds a 512 KiB image (main). Flash sits at CPU address 0x800000; a C166 address
 *   loaded as two words is (high << 16) | low, or (high << 14) | low when the high word is a
 *   segment number (any of its bits 0xFE00 set) (FindData).
 * - ROMSYS at 0x8000, LE32 words (FindROMSYS, struct ROMSYSDescriptor): +0x10 the CPU address
 *   of the all-param sum, +0x14 the last CPU address of the flash (0x87FFFF or 0x8FFFFF),
 *   +0x30/+0x34 CPU addresses of the first and last word of the param page, +0x38 the
 *   startup sum, +0x3C the program-pages sum. All three sums are LE16 words added into
 *   32 bits and stored as LE32 (DoROMSYS_Startup: word 0x8000 + word 0xFFFE;
 *   DoROMSYS_ParamPage: first + last word of the param page; DoROMSYS_ProgramPages: the
 *   first and last word of every 8 KiB page in 0x0-0xFFFF and 0x20000-end; the block reports
 *   those words as its ranges, lib/families/kits/c167.c).
 * - The standard reflected CRC-32 table (LE32 entries) is found through the code that loads
 *   its address (FindCRCTab: two patterns, one or two hits whose first entry is 0) and must
 *   be intact (DoCRCTab).
 * - Main data CRCs (FindMainCRCPreBlk, FindMainCRCBlks, FindMainCRCOffsets, DoMainCRCs):
 *   block bounds and LE32 store addresses come from code patterns (exactly 3 store
 *   addresses); the 512 KiB fallback blocks are 0x10000-0x13FFF, 0x14300-0x17F67,
 *   0x18191-0x1FBFF. A short pre-block (CRC 0) makes each CRC continue from the previous
 *   one (here: one CRC-32 over the blocks so far); a fourth block takes the third store
 *   address. Without a pre-block each CRC covers its own block.
 * - Main data byte sum (FindMainCSMOffsets, DoMainCSMs): bytes of the CRC blocks 1-4 added
 *   into 32 bits, stored as an LE32 value and its complement.
 * - Main program sum (FindMainProgramOffset, FindMainProgramFinal, DoMainProgramCSM): a
 *   two-range table {0x800000, 0x80FBFF, 0x820000, 0x87FFFF or 0x8FFFFF}; the LE16 words of
 *   both ranges added into 32 bits, stored with its complement at the image length - 0x20.
 * - Multipoint tables (FindChecksumBlks, DoChecksumBlk, check_whitelist): 16-byte records of
 *   LE32 start, inclusive end (CPU addresses), the LE16 word sum of the range and its
 *   complement. Table 2 is the one holding the record {0, 0x3FFF} (searched from 0x10000;
 *   among several, the one whose first two records have valid complements); table 1 (ME7.1) holds a record starting
 *   at 0x824000 (not ending at 0x827FFF). At most 66 records, a start of 0xFFFFFFFF ends a
 *   table. The first two records of table 2 cover the C167 boot ROM {0-0x3FFF, 0x4000-0x7FFF},
 *   which is not in the dump: their sums are one of the known pairs (0x0FA0F5CF, 0x0F4716B3)
 *   or (0x0E59D5C8, 0x1077FB35), else they equal records 2 and 3 (the same words at
 *   0x800000) and are the sums of the file's first 32 KiB.
 * - A record whose own slot lies in its range still checks: a value and its complement add
 *   a fixed amount to a word sum (and to a byte sum).
 * Choices made here, beyond ME7Sum:
 * - Boot-ROM records that hold neither a known pair nor the sums of records 2 and 3 are bad
 *   and never corrected (ME7Sum would write the sums of the file's first 32 KiB into them);
 *   so is a record whose range is not in the image. The correction of such an image is
 *   refused as a whole.
 * - An intact CRC-32 table is one block; a damaged one is one block per damaged 8 bytes (a
 *   slot holds at most 8), each corrected from the standard table.
 * - The main program sum is checked at length - 0x20 even when its complement is damaged.
 * - A 1 MiB file of two different 512 KiB images has both checked.
 * - RSA (ME7.1.1, late ME7.5; FindRSAOffsets, FindMD5Ranges, DoRSA): the signature and
 *   modulus addresses come from a code pattern that must match exactly twice, the exponent
 *   (BE32, must be 3) from a second one, up to 4 MD5 ranges (a table of starts, then ends)
 *   from a third. sig^3 mod n must be 00 01 FF.. 00 || MD5(ranges), big-endian. It is a
 *   signature block, verified; the ECU checks it with the modulus stored in the flash, so
 *   ME7Sum (RSASign) makes it anew by re-keying: a new key pair (e = 3), its modulus written
 *   over the image's, the MD5 taken after that, the signature made with the new key. This
 *   family does the same, only with a key pair the caller gives (ecu_csum_set_resign_key;
 *   ecu-csum --resign), never on its own.
 * Not checked: the 1 MiB files with an erased top half but for their last 32 bytes (ME7Sum's
 * fallback main data blocks for them).
 *
 * Variants whose layout is not known. ME7Sum is written for VAG ME7.1 and "is known not to work
 * on non VAG Motronic bins" (nyetwurk/ME7Sum README.md; its bins/ are ME7.1, ME7.1.1 and
 * ME7.5 reads); ME7.3.1 of Fiat, Alfa Romeo and Lancia has a checksum module of its own, apart
 * from the VAG ME7 ones (ctabuyo/romHEX14-ECU-Tuning src/checksummanager.cpp, "BOSCH HYBRID
 * ME7.3.1 - FAL"). No public source gives the layout of those variants, yet their images have
 * the ROMSYS block and the ZZ marker. Such an image is claimed (it is an ME7) with no block,
 * so the verdict is no-layout, the reason in the evidence, never bad, when
 * - its EPK string (at 0x10000-0x2FFFF, "NN/1/ME7.x/...") names in its third field a variant
 *   other than ME7.1, ME7.1.1 or ME7.5 (also spelled without dots, "ME71"): ME7.3.1, ME7.2...;
 * - or a multipoint table holds a record whose range is one word (start and end in the same
 *   word) and which stores 0 with its complement: no record of this layout is one (each
 *   covers a part of the flash and stores its sum; ME7Sum would call it bad and rewrite it),
 *   and ME7.3.1 reads hold such records.
 * An image without an EPK string, or whose EPK names a known variant, is laid out as above.
 *
 * Code and calibration areas (the structure diff, lib/diff.c), from the same ME7Sum facts:
 * the program pages are 0x0-0xFFFF (boot and ROMSYS, which lies at 0x8000) and 0x20000-end
 * (DoROMSYS_ProgramPages; the main program sum covers 0x800000-0x80FBFF and 0x820000-end,
 * FindMainProgramOffset); between them, 0x10000-0x1FFFF is the data segment the main data CRCs
 * cover (DoMainCRCs, fallback blocks 0x10000-0x1FBFF): the calibration. Each 512 KiB image of
 * a file that holds two has its own areas.
 */
#include "cpu.h"
#include "family.h"
#include "find.h"
#include "read.h"
#include "text.h"
#include "kits/c167.h"
#include "rsa_private.h"

#include <nettle/md5.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if ECU_HAVE_V3
#include <immintrin.h>
#endif

#define BASE ECU_C167_FLASH
#define ROMSYS 0x8000u
#define K512 0x80000u
#define M1 0x100000u
#define MP_RECORD 16u
#define MP_MAX 66u
#define CRC_TABLE_BYTES 1024u
#define MAX_CRC_BLOCKS 4

/* ---- image geometry and code patterns -------------------------------------------------------- */

/* An ME7 image of @p len bytes at @p d: ROMSYS names this flash end and a param page in
   it, and the ZZ marker sits at 0x10000. */
static int me7_at(const uint8_t *d, size_t len)
{
    uint32_t first, last, end;
    /* inside: len is 512 KiB or 1 MiB (image_len) */
    (void)ecu__get32(d, len, ROMSYS + 0x30, 0, &first);
    (void)ecu__get32(d, len, ROMSYS + 0x34, 0, &last);
    (void)ecu__get32(d, len, ROMSYS + 0x14, 0, &end);
    return len > 0x10002 && end == BASE + len - 1 && first >= BASE && first <= last &&
           last - BASE + 2 <= len && d[0x10000] == 'Z' && d[0x10001] == 'Z';
}

/* The length of the ME7 image held in @p d (0 when there is none) and how many copies of it
   the file holds: a 1 MiB file whose halves are equal, or whose top half is erased, holds a
   512 KiB image; halves that differ but both are 512 KiB images are two copies. */
static size_t image_len(const uint8_t *d, size_t n, unsigned *copies)
{
    *copies = 1;
    if (n == K512)
        return me7_at(d, K512) ? K512 : 0;
    if (n != M1)
        return 0;
    if (me7_at(d, M1))
        return M1;
    if (!me7_at(d, K512))
        return 0;
    if (id_fill(d, n, K512, M1, 0xFF))
        return K512;
    if (memcmp(d, d + K512, K512) == 0 || me7_at(d + K512, K512)) {
        *copies = 2;
        return K512;
    }
    return 0;
}

/* Whether the masked bytes at @p at equal the needle. */
static int masked_eq(const uint8_t *d, size_t at, const uint8_t *needle, const uint8_t *mask,
                     size_t len)
{
    size_t k;
    for (k = 0; k < len; k++)
        if ((d[at + k] & mask[k]) != (needle[k] & mask[k]))
            return 0;
    return 1;
}

/*
 * The first even offset at or after @p from where the masked pattern matches, or SIZE_MAX.
 * It jumps between the places where one literal byte of the pattern matches (the one rarest
 * in samples of the image, see ecu__anchor) together with a literal neighbour, as the 16-bit
 * word they make at the one parity a match allows (ecu__find_word; memchr on the byte alone
 * when it has none), so a scan runs at memory speed and compares the
 * whole pattern only there. (A byte of code alone stopped memchr about 1,000 times in a 1 MiB
 * image.)
 */
static size_t masked_find(const uint8_t *d, size_t len, size_t from, const uint8_t *needle,
                          const uint8_t *mask, size_t nlen)
{
    uint8_t paired[32];
    size_t i, anchor = nlen, k = nlen;
    /* the anchor: the rarest (in samples, ecu__anchor) of the literal bytes that have a literal
       neighbour and are not fill (0x00, 0xFF), when the pattern (up to 32 bytes) has such;
       else the rarest literal byte */
    if (nlen <= sizeof paired) {
        for (i = 0; i < nlen; i++)
            paired[i] = mask[i] == 0xFF && needle[i] != 0x00 && needle[i] != 0xFF &&
                                ((i > 0 && mask[i - 1] == 0xFF) ||
                                 (i + 1 < nlen && mask[i + 1] == 0xFF))
                            ? 0xFF
                            : 0;
        anchor = ecu__anchor(d, len, needle, paired, nlen);
    }
    if (anchor < nlen && paired[anchor] == 0xFF) {
        /* the anchor and a literal neighbour: a pair of bytes, far rarer in code than one,
           found 32 word places a compare (ecu__find_word) */
        k = anchor + 1 < nlen && mask[anchor + 1] == 0xFF ? anchor : anchor - 1;
    } else {
        anchor = ecu__anchor(d, len, needle, mask, nlen);
    }
    i = from + (from & 1);
    while (k < nlen && i + nlen < len) {
        /* pair places i + k .. len - nlen - 1 + k: the first pair at or after i + k that
           starts an even place (i is even, so ecu__find_word's even offsets from d + i + k) */
        i += ecu__find_word(d + i + k, len - nlen - i + 1, needle[k], needle[k + 1]);
        if (i + nlen >= len)
            return SIZE_MAX;
        if (masked_eq(d, i, needle, mask, nlen))
            return i;
        i += 2;
    }
    if (k < nlen)
        return SIZE_MAX;
    for (i = from + (from & 1); i + nlen < len; i += 2) {
        if (anchor < nlen) {
            const uint8_t *hit = memchr(d + i + anchor, needle[anchor], len - nlen - i);
            if (!hit)
                return SIZE_MAX;
            i = (size_t)(hit - d) - anchor;
            if (i & 1) { /* code is word-aligned: go on from the next even offset */
                i -= 1;
                continue;
            }
        }
        if (masked_eq(d, i, needle, mask, nlen))
            return i;
    }
    return SIZE_MAX;
}

/*
 * Code that loads a flash address as two words: every even offset where the pattern matches,
 * its address read from the words @p wlo and @p whi (word indices into the match), mapped to
 * a file offset. Returns the number of matches that map into the image; the first @p max
 * offsets go to @p out, the offset of the last match to @p where.
 */
/*
 * Every code pattern that loads a flash address holds the instruction that loads its segment
 * word, MOV Rn, #0x008x (E6 Fn 8x 00), which is far rarer than MOV itself: its word-aligned
 * places are indexed once per image, and a pattern is tested only there.
 */
struct seg_loads {
    uint32_t *at;
    size_t n;
};

static int is_seg_load(const uint8_t *p)
{
    return p[0] == 0xE6 && (p[1] & 0xF0) == 0xF0 && (p[2] & 0xF0) == 0x80 && p[3] == 0x00;
}

static int seg_add(struct seg_loads *L, size_t *cap, size_t at)
{
    if (L->n == *cap) {
        uint32_t *q = realloc(L->at, (*cap = *cap ? *cap * 2 : 256) * sizeof *q);
        if (!q) {
            free(L->at);
            L->at = NULL;
            return ECU_ERR_NOMEM;
        }
        L->at = q;
    }
    L->at[L->n++] = (uint32_t)at;
    return ECU_OK;
}

#if ECU_HAVE_V3
/* index_seg_loads' steps from the even offset @p i with AVX2: sixteen words at a time;
   returns where it stopped, or SIZE_MAX when out of memory */
ECU_V3
static size_t index_seg_loads_v3(const uint8_t *d, size_t len, struct seg_loads *L, size_t *cap,
                                 size_t i)
{
    const __m256i m0 = _mm256_set1_epi16((short)0xF0FF), v0 = _mm256_set1_epi16((short)0xF0E6);
    const __m256i m1 = _mm256_set1_epi16((short)0xFFF0), v1 = _mm256_set1_epi16((short)0x0080);
    for (; i + 34 <= len; i += 32) {
        __m256i a = _mm256_loadu_si256((const __m256i *)(const void *)(d + i));
        __m256i b = _mm256_loadu_si256((const __m256i *)(const void *)(d + i + 2));
        __m256i hit = _mm256_and_si256(_mm256_cmpeq_epi16(_mm256_and_si256(a, m0), v0),
                                       _mm256_cmpeq_epi16(_mm256_and_si256(b, m1), v1));
        unsigned bits = (unsigned)_mm256_movemask_epi8(hit);
        while (bits) {
            unsigned k = (unsigned)__builtin_ctz(bits);
            if (seg_add(L, cap, i + k))
                return SIZE_MAX;
            bits &= bits - 1;
            bits &= bits - 1; /* each word sets two bits */
        }
    }
    return i;
}

/* index_seg_loads' first steps with AVX-512: thirty-two words at a time, one mask bit a word */
ECU_V4
static size_t index_seg_loads_v4(const uint8_t *d, size_t len, struct seg_loads *L, size_t *cap)
{
    const __m512i m0 = _mm512_set1_epi16((short)0xF0FF), v0 = _mm512_set1_epi16((short)0xF0E6);
    const __m512i m1 = _mm512_set1_epi16((short)0xFFF0), v1 = _mm512_set1_epi16((short)0x0080);
    size_t i = 0;
    for (; i + 66 <= len; i += 64) {
        __m512i a = _mm512_loadu_si512(d + i), b = _mm512_loadu_si512(d + i + 2);
        uint32_t bits = _mm512_cmpeq_epi16_mask(_mm512_and_si512(a, m0), v0) &
                        _mm512_cmpeq_epi16_mask(_mm512_and_si512(b, m1), v1);
        while (bits) {
            if (seg_add(L, cap, i + 2 * (unsigned)__builtin_ctz(bits)))
                return SIZE_MAX;
            bits &= bits - 1;
        }
    }
    return i;
}
#endif

static int index_seg_loads(const uint8_t *d, size_t len, struct seg_loads *L)
{
    size_t i = 0, cap = 0;
    L->at = NULL;
    L->n = 0;
#if ECU_HAVE_V3
    if (ecu__cpu_v4()) {
        if ((i = index_seg_loads_v4(d, len, L, &cap)) == SIZE_MAX)
            return ECU_ERR_NOMEM;
        /* (then the AVX2 steps over what is left: i is even, their words stay aligned) */
    }
    if (ecu__cpu_v3() && (i = index_seg_loads_v3(d, len, L, &cap, i)) == SIZE_MAX)
        return ECU_ERR_NOMEM;
#endif
#ifdef __SSE2__
    /* eight words at a time: word k is E6 Fn and word k + 1 is 8x 00 */
    {
        const __m128i m0 = _mm_set1_epi16((short)0xF0FF), v0 = _mm_set1_epi16((short)0xF0E6);
        const __m128i m1 = _mm_set1_epi16((short)0xFFF0), v1 = _mm_set1_epi16((short)0x0080);
        for (; i + 18 <= len; i += 16) {
            __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(d + i));
            __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(d + i + 2));
            __m128i hit = _mm_and_si128(_mm_cmpeq_epi16(_mm_and_si128(a, m0), v0),
                                        _mm_cmpeq_epi16(_mm_and_si128(b, m1), v1));
            unsigned bits = (unsigned)_mm_movemask_epi8(hit);
            while (bits) {
                unsigned k = (unsigned)__builtin_ctz(bits);
                if (seg_add(L, &cap, i + k))
                    return ECU_ERR_NOMEM;
                bits &= bits - 1;
                bits &= bits - 1; /* each word sets two bits */
            }
        }
    }
#endif
    for (; i + 4 <= len; i += 2)
        if (is_seg_load(d + i) && seg_add(L, &cap, i))
            return ECU_ERR_NOMEM;
    return ECU_OK;
}

/* The index in @p needle of its segment-load instruction, or @p nlen when it has none. */
static size_t seg_load_in(const uint8_t *needle, const uint8_t *mask, size_t nlen)
{
    size_t k;
    for (k = 0; k + 4 <= nlen; k += 2)
        if (mask[k] == 0xFF && mask[k + 1] == 0xFF && mask[k + 3] == 0xFF && (mask[k + 2] & 0xF0) == 0xF0 &&
            is_seg_load(needle + k))
            return k;
    return nlen;
}

static unsigned find_addr(const uint8_t *d, size_t len, const struct seg_loads *L,
                          const uint8_t *needle, const uint8_t *mask, size_t nlen, unsigned wlo,
                          unsigned whi, uint32_t *out, unsigned max, size_t *where)
{
    size_t i, k = seg_load_in(needle, mask, nlen), next = 0;
    unsigned found = 0;
    for (;;) {
        uint64_t off;
        uint16_t hi, lo;
        if (k < nlen && L) { /* the indexed places, in ascending order */
            i = SIZE_MAX;
            while (next < L->n) {
                size_t at = L->at[next++];
                if (at >= k && at - k + nlen < len && masked_eq(d, at - k, needle, mask, nlen)) {
                    i = at - k;
                    break;
                }
            }
        } else {
            i = masked_find(d, len, next, needle, mask, nlen);
            next = i + 2;
        }
        if (i == SIZE_MAX)
            break;
        /* inside: the words lie in the match (2 * whi + 2 <= nlen for every pattern here),
           which lies in the image (i + nlen < len) */
        (void)ecu__get16(d, len, i + 2 * whi, 0, &hi);
        (void)ecu__get16(d, len, i + 2 * wlo, 0, &lo);
        if (!ecu__c167_flash_off(ecu__c167_addr(hi, lo), len, &off))
            continue;
        if (found < max)
            out[found] = (uint32_t)off;
        if (where)
            *where = i;
        found++;
    }
    return found;
}

/* A range of CPU addresses (inclusive end) as file offsets; 0 when it is not in the image. */
static int flash_range(uint32_t s, uint32_t e, size_t len, ecu_range *r)
{
    if (s < BASE || e < BASE || s > e || s - BASE >= len || e - BASE >= len)
        return 0;
    r->start = s - BASE;
    r->end = (uint64_t)(e - BASE) + 1;
    return 1;
}

/* ---- blocks --------------------------------------------------------------------------------- */

/* The standard CRC-32 table as stored (LE32 entries). */
static void crc_table(uint8_t *t)
{
    uint32_t i, k, c;
    for (i = 0; i < 256; i++) {
        for (c = i, k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ c >> 1 : c >> 1;
        t[4 * i] = (uint8_t)c;
        t[4 * i + 1] = (uint8_t)(c >> 8);
        t[4 * i + 2] = (uint8_t)(c >> 16);
        t[4 * i + 3] = (uint8_t)(c >> 24);
    }
}

/* A part of the CRC-32 table: the 8 standard bytes at its slot (b->init: the table's start). */
static uint64_t crc_table_part(const uint8_t *img, size_t size, const struct blk *b)
{
    uint8_t t[CRC_TABLE_BYTES];
    uint64_t v = 0, at = b->store_off - b->init;
    unsigned k;
    (void)img;
    (void)size;
    crc_table(t);
    for (k = 0; k < 8 && at + k < CRC_TABLE_BYTES; k++)
        v |= (uint64_t)t[at + k] << (8 * k);
    return v;
}

static const uint32_t boot_pairs[2][2] = {{0x0FA0F5CFu, 0x0F4716B3u}, {0x0E59D5C8u, 0x1077FB35u}};

/* Whether the two records at @p at (inside the image) have the boot ROM's ranges, {0, 0x3FFF}
   and {0x4000, 0x7FFF} (nyetwurk/ME7Sum me7sum.c, check_whitelist). */
static int boot_ranges(const uint8_t *img, size_t size, uint64_t at)
{
    uint32_t s0, e0, s1, e1;
    (void)ecu__get32(img, size, at, 0, &s0);
    (void)ecu__get32(img, size, at + 4, 0, &e0);
    (void)ecu__get32(img, size, at + MP_RECORD, 0, &s1);
    (void)ecu__get32(img, size, at + MP_RECORD + 4, 0, &e1);
    return s0 == 0 && e0 == 0x3FFF && s1 == 0x4000 && e1 == 0x7FFF;
}

/* Whether the two boot-ROM records at @p at hold a known pair, with complements. Both
   records lie in the image: mp_find keeps a table 2 only when they do, and the engine
   evaluates boot_rom only when its range (the two records) does (csum.c, block_in_bounds). */
static int boot_known(const uint8_t *img, size_t size, uint64_t at)
{
    uint32_t v0, c0, v1, c1;
    unsigned k;
    if (!boot_ranges(img, size, at))
        return 0; /* not the boot ROM's records: ME7Sum check_whitelist does not whitelist */
    (void)ecu__get32(img, size, at + 8, 0, &v0);
    (void)ecu__get32(img, size, at + 12, 0, &c0);
    (void)ecu__get32(img, size, at + MP_RECORD + 8, 0, &v1);
    (void)ecu__get32(img, size, at + MP_RECORD + 12, 0, &c1);
    for (k = 0; k < 2; k++)
        if (v0 == boot_pairs[k][0] && v1 == boot_pairs[k][1] && c0 == ~v0 && c1 == ~v1)
            return 1;
    return 0;
}

/* Boot-ROM records (b->init: the first record): the stored value when they hold a known
   pair; otherwise a value the slot does not hold, so they are bad and never corrected (the
   slot only flips between two wrong values until the engine gives up and restores it). */
static uint64_t boot_rom(const uint8_t *img, size_t size, const struct blk *b)
{
    uint32_t lo, hi;
    uint64_t stored;
    /* inside: the slot lies in the image, as the engine evaluates a block only then (csum.c,
       block_in_bounds), and b->init + 8 is the slot */
    (void)ecu__get32(img, size, b->init + 8, 0, &lo);
    (void)ecu__get32(img, size, b->init + 12, 0, &hi);
    stored = (uint64_t)hi << 32 | lo;
    return boot_known(img, size, b->init) ? stored : ~stored;
}

/* ---- the parts of the layout ------------------------------------------------------------------ */

static int romsys(const uint8_t *d, size_t len, struct blk_list *out)
{
    struct blk b;
    uint32_t p, pf, pl;
    ecu_range first, last;
    int rc;
    /* inside: ROMSYS lies in every image (512 KiB at least, image_len) */
    (void)ecu__get32(d, len, ROMSYS + 0x10, 0, &p);
    (void)ecu__get32(d, len, ROMSYS + 0x30, 0, &pf);
    (void)ecu__get32(d, len, ROMSYS + 0x34, 0, &pl);
    ecu__blk_init(&b, "sum16le of 2 words, 32-bit", "ROMSYS startup (words 0x%X, 0x%X)", ROMSYS,
                  0xFFFEu);
    ecu__c167_sum16(&b, ROMSYS + 0x38, 0);
    ecu__blk_range(&b, ROMSYS, ROMSYS + 2);
    ecu__blk_range(&b, 0xFFFE, 0x10000);
    if ((rc = ecu__blk_add(out, &b)))
        return rc;

    if (p > BASE && p - BASE + 4 <= len && flash_range(pf, pf + 1, len, &first) &&
        flash_range(pl, pl + 1, len, &last)) {
        ecu__blk_init(&b, "sum16le of 2 words, 32-bit", "ROMSYS all-param (words 0x%llX, 0x%llX)",
                      (unsigned long long)first.start, (unsigned long long)last.start);
        ecu__c167_sum16(&b, p - BASE, 0);
        ecu__blk_range(&b, first.start, first.end);
        ecu__blk_range(&b, last.start, last.end);
        return ecu__blk_add(out, &b);
    }
    return ECU_OK;
}

static int program_pages_blk(size_t len, struct blk_list *out)
{
    const ecu_range pages[2] = {{0, 0x10000}, {0x20000, len}};
    struct blk b;
    /* at most 8 + 112 pages (1 MiB): 9 + 113 ranges, within a block's */
    _Static_assert(0x10000 / 0x2000 + 1 + (M1 - 0x20000) / 0x2000 + 1 <= ECU_BLK_MAX_RANGES,
                   "the program pages of a 1 MiB image fit a block");
    ecu__blk_init(&b, "", "ROMSYS program pages (0x0-0x%llX)", (unsigned long long)len - 1);
    (void)ecu__c167_page_blk(&b, ROMSYS + 0x3C, pages, 2); /* its algorithm text too */
    return ecu__blk_add(out, &b);
}

/* The CRC-32 table at @p table, bytes [@p k, @p k + @p bytes), as a block restored from the
   standard table: the whole table (@p bytes CRC_TABLE_BYTES) or 8 damaged bytes. */
static int crc_table_blk(struct blk_list *out, uint32_t table, unsigned k, unsigned bytes)
{
    struct blk b;
    uint64_t at = (uint64_t)table + k;
    if (bytes == CRC_TABLE_BYTES)
        ecu__blk_init(&b, "standard crc32 table", "CRC32 table at 0x%X (%u bytes)", table,
                      CRC_TABLE_BYTES);
    else
        ecu__blk_init(&b, "standard crc32 table bytes", "CRC32 table at 0x%X, bytes +0x%X", table,
                      k);
    ecu__blk_custom(&b, crc_table_part);
    ecu__blk_range(&b, at, at + bytes);
    ecu__blk_store(&b, at, 8, 0, 0);
    b.init = table; /* the table's start, read by crc_table_part (no constructor sets `init`
                       of a custom block) */
    return ecu__blk_add(out, &b);
}

static int crc_tables(const uint8_t *d, size_t len, const struct seg_loads *L, struct blk_list *out)
{
    static const uint8_t n0[] = {0xE6, 0xF4, 0, 0, 0xE6, 0xF5, 0x80, 0x00, 0xA9, 0x60, 0xC0, 0x62, 0x5C, 0x22};
    static const uint8_t m0[] = {0xFF, 0xFF, 0x01, 0, 0xFF, 0xFF, 0xFC, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    static const uint8_t n1[] = {0xE6, 0xF4, 0, 0, 0xE6, 0xF5, 0x80, 0x00, 0xC0, 0xC2, 0x5C, 0x22};
    static const uint8_t m1[] = {0xFF, 0xFF, 0x01, 0, 0xFF, 0xFF, 0xFC, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    uint8_t std[CRC_TABLE_BYTES];
    uint32_t off[2];
    unsigned found = find_addr(d, len, L, n0, m0, sizeof n0, 1, 3, off, 2, NULL), i, k;
    if (found < 1 || found > 2)
        found = find_addr(d, len, L, n1, m1, sizeof n1, 1, 3, off, 2, NULL);
    if (found < 1 || found > 2)
        return ECU_OK;
    crc_table(std);
    for (i = 0; i < found; i++) {
        unsigned parts = 0;
        uint32_t first;
        int rc;
        if (off[i] + (uint64_t)CRC_TABLE_BYTES > len)
            continue; /* not a table (nor one whose first entry lies in the image) */
        (void)ecu__get32(d, len, off[i], 0, &first); /* inside: checked just above */
        if (first != 0)
            continue; /* not a table */
        /* a damaged table: one block per damaged 8 bytes, each restored from the standard */
        for (k = 0; k < CRC_TABLE_BYTES; k += 8) {
            if (memcmp(d + off[i] + k, std + k, 8) == 0)
                continue;
            if ((rc = crc_table_blk(out, off[i], k, 8)))
                return rc;
            parts++;
        }
        if (!parts && (rc = crc_table_blk(out, off[i], 0, CRC_TABLE_BYTES)))
            return rc;
    }
    return ECU_OK;
}

static int main_data(const uint8_t *d, size_t len, const struct seg_loads *L, struct blk_list *out)
{
    static const uint8_t pre_n[] = {0xE6, 0xFC, 0, 0, 0xE6, 0xFD, 0x80, 0x00, 0xE0, 0x0E, 0xDA, 0, 0, 0, 0xF6, 0xF4};
    static const uint8_t pre_m[] = {0xFF, 0xFF, 0, 0, 0xFF, 0xFF, 0xF0, 0xFF, 0xFF, 0x0F, 0xFF, 0, 0, 0, 0xFF, 0xFF};
    static const uint8_t s_n[] = {0xE6, 0xF8, 0, 0, 0xE6, 0xF9, 0x80, 0x00, 0xF2, 0xF4};
    static const uint8_t s_m[] = {0xFF, 0xFF, 0, 0, 0xFF, 0xFF, 0xF0, 0xFF, 0xFF, 0xFF};
    static const uint8_t e_n[] = {0x10, 0x9B, 0xE6, 0xF4, 0, 0, 0xE6, 0xF5, 0x80, 0x00};
    static const uint8_t e_m[] = {0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0xFF, 0xFF, 0xF0, 0xFF};
    static const uint8_t o_n[] = {0xF6, 0xF5, 0, 0, 0xE6, 0xF4, 0, 0, 0xE6, 0xF5, 0x80, 0x00, 0xDA, 0x00};
    static const uint8_t o_m[] = {0xFF, 0xFF, 0, 0, 0xFF, 0xFF, 0x01, 0, 0xFF, 0xFF, 0xF0, 0xFF, 0xFF, 0xFF};
    static const uint8_t c_n0[] = {0xE1, 0x0C, 0xE6, 0xF4, 0, 0, 0xE6, 0xF5, 0x80, 0x00, 0xDA, 0x00};
    static const uint8_t c_n1[] = {0x04, 0x00, 0xE6, 0xF4, 0, 0, 0xE6, 0xF5, 0x80, 0x00, 0xDA, 0x00};
    static const uint8_t c_m[] = {0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0, 0xFF, 0xFF, 0xF0, 0xFF, 0xFF, 0xFF};
    static const ecu_range fallback[3] = {{0x10000, 0x14000}, {0x14300, 0x17F68}, {0x18191, 0x1FC00}};
    ecu_range pre = {0, 0}, blk[MAX_CRC_BLOCKS];
    uint32_t starts[MAX_CRC_BLOCKS], ends[MAX_CRC_BLOCKS], offs[MAX_CRC_BLOCKS], store[MAX_CRC_BLOCKS] = {0};
    uint32_t addr, csm = 0;
    size_t where = 0;
    unsigned ns, ne, nb = 0, no, nc, i, k;
    int chained = 0, rc;
    struct blk b;

    if (find_addr(d, len, L, pre_n, pre_m, sizeof pre_n, 1, 3, &addr, 1, &where) == 1) {
        /* its length is the high nibble of an instruction byte (0: chained, nothing added) */
        chained = 1;
        pre.start = addr;
        pre.end = (uint64_t)addr + (d[where + 9] >> 4);
    }
    ns = find_addr(d, len, L, s_n, s_m, sizeof s_n, 1, 3, starts, MAX_CRC_BLOCKS, NULL);
    ne = find_addr(d, len, L, e_n, e_m, sizeof e_n, 2, 4, ends, MAX_CRC_BLOCKS, NULL);
    if (ns >= 1 && ns <= MAX_CRC_BLOCKS && ne >= 1 && ne <= MAX_CRC_BLOCKS) {
        for (i = 0; i < ns && i < ne; i++) {
            if (starts[i] > ends[i])
                return ECU_OK;
            blk[nb++] = (ecu_range){starts[i], (uint64_t)ends[i] + 1};
        }
    } else if (len == K512) {
        for (i = 0; i < 3; i++)
            blk[nb++] = fallback[i];
    }
    if (!nb)
        return ECU_OK;

    no = find_addr(d, len, L, o_n, o_m, sizeof o_n, 3, 5, offs, MAX_CRC_BLOCKS, NULL);
    if (no == 3) {
        for (i = 0; i < 3; i++)
            store[i] = offs[i];
        if (nb == 4) { /* blocks 3 and 4: the third store address, after block 4 */
            store[3] = store[2];
            store[2] = 0;
        }
    }
    nc = find_addr(d, len, L, c_n0, c_m, sizeof c_n0, 2, 4, &csm, 1, NULL);
    if (nc == 0)
        nc = find_addr(d, len, L, c_n1, c_m, sizeof c_n1, 2, 4, &csm, 1, NULL);
    if (nc != 1)
        csm = 0;

    /* the byte sum first: a CRC block may hold its slot (a pair adds a fixed amount to a
       byte sum, not to a CRC) */
    if (csm && (uint64_t)csm + 8 <= len) {
        ecu__blk_init(&b, "sum8, 32-bit, stored with complement",
                      "main data byte sum (0x%llX-0x%llX)", (unsigned long long)blk[0].start,
                      (unsigned long long)blk[nb - 1].end - 1);
        ecu__blk_sum(&b, 1, 0, 32, 0);
        for (i = 0; i < nb; i++)
            ecu__blk_range(&b, blk[i].start, blk[i].end);
        ecu__blk_store(&b, csm, 4, 0, 1);
        if ((rc = ecu__blk_add(out, &b)))
            return rc;
    }
    for (i = 0; i < nb; i++) {
        if (!store[i] || (uint64_t)store[i] + 4 > len)
            continue;
        ecu__blk_init(&b, chained ? "crc32 (zlib), chained from the pre-block" : "crc32 (zlib)",
                      "main data CRC (0x%llX-0x%llX)", (unsigned long long)blk[i].start,
                      (unsigned long long)blk[i].end - 1);
        ecu__blk_crc(&b, &ECU_CRC32);
        ecu__blk_store(&b, store[i], 4, 0, 0);
        if (chained) { /* chained: one CRC over the pre-block and the blocks up to this one */
            ecu__blk_range(&b, pre.start, pre.end);
            for (k = 0; k <= i; k++)
                ecu__blk_range(&b, blk[k].start, blk[k].end);
        } else {
            ecu__blk_range(&b, blk[i].start, blk[i].end);
        }
        if ((rc = ecu__blk_add(out, &b)))
            return rc;
    }
    return ECU_OK;
}

static int main_program(const uint8_t *d, size_t len, struct blk_list *out)
{
    static const uint8_t needle[16] = {0x00, 0x00, 0x80, 0x00, 0xFF, 0xFB, 0x80, 0x00,
                                       0x00, 0x00, 0x82, 0x00, 0xFF, 0x00, 0x8F, 0x00};
    static const uint8_t mask[16] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                     0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0xF7, 0xFF};
    size_t i, at = 0;
    unsigned found = 0, k;
    uint32_t w[4];
    ecu_range r[2];
    struct blk b;
    for (i = 0; (i = masked_find(d, len, i, needle, mask, sizeof needle)) != SIZE_MAX; i += 2) {
        at = i;
        found++;
    }
    if (found != 1)
        return ECU_OK;
    /* inside: the 16 matched bytes (at + 16 < len, masked_find) */
    for (k = 0; k < 4; k++)
        (void)ecu__get32(d, len, at + 4 * k, 0, &w[k]);
    if (!flash_range(w[0], w[1], len, &r[0]) || !flash_range(w[2], w[3], len, &r[1]))
        return ECU_OK;
    ecu__blk_init(&b, "sum16le, stored with complement", "main program (table 0x%llX, slot 0x%llX)",
                  (unsigned long long)at, (unsigned long long)len - 0x20);
    ecu__c167_sum16(&b, len - 0x20, 1);
    for (k = 0; k < 2; k++)
        ecu__blk_range(&b, r[k].start, r[k].end);
    return ecu__blk_add(out, &b);
}

/* Whether the multipoint record at @p rec stores the same value and complement as the one at
   @p mirror (a boot-ROM record and the record of the same words at 0x800000). Record @p rec
   lies in the image; @p mirror may not (records 2 and 3 of a table that ends with the image):
   a word of it past the end counts as 0, the rule this family has always applied (so only a
   boot-ROM record storing 0 there matches it); what a cut-off table means is left to the
   handling of truncated images. */
static int mp_same_sums(const uint8_t *d, size_t len, uint64_t rec, uint64_t mirror)
{
    uint32_t v, c, mv, mc;
    (void)ecu__get32(d, len, rec + 8, 0, &v);
    (void)ecu__get32(d, len, rec + 12, 0, &c);
    (void)ecu__get32(d, len, mirror + 8, 0, &mv); /* 0 past the end */
    (void)ecu__get32(d, len, mirror + 12, 0, &mc);
    return v == mv && c == mc;
}

/* The records of the multipoint table at @p at; @p boot: its first two cover the boot ROM. */
static int mp_table(const uint8_t *d, size_t len, uint64_t at, unsigned table, int boot,
                    struct blk_list *out)
{
    unsigned k;
    for (k = 0; k < MP_MAX && at + (uint64_t)(k + 1) * MP_RECORD <= len; k++) {
        uint64_t rec = at + (uint64_t)k * MP_RECORD;
        uint32_t s, e;
        ecu_range r;
        struct blk b;
        int rc;
        (void)ecu__get32(d, len, rec, 0, &s); /* inside: the record lies in the image */
        (void)ecu__get32(d, len, rec + 4, 0, &e);
        if (s == 0xFFFFFFFFu)
            break;
        if (boot && k < 2) {
            /* boot ROM: a known pair, or else the same words as records 2 and 3 */
            if (!boot_known(d, len, at) && mp_same_sums(d, len, rec, rec + 2 * MP_RECORD)) {
                ecu__blk_init(&b, "sum16le, stored with complement",
                              "multipoint %u record %u (boot ROM as in flash)", table, k);
                ecu__c167_sum16(&b, rec + 8, 1);
                ecu__blk_range(&b, s, (uint64_t)e + 1);
            } else if (k == 0) {
                ecu__blk_init(&b, "known boot ROM sums", "multipoint %u records 0-1 (boot ROM)",
                              table);
                ecu__blk_custom(&b, boot_rom);
                ecu__blk_range(&b, rec, rec + 2 * MP_RECORD);
                ecu__blk_store(&b, rec + 8, 8, 0, 0);
                b.init = rec; /* the first record, read by boot_rom (no constructor sets `init`
                                 of a custom block) */
            } else {
                continue; /* checked with record 0 */
            }
        } else if (flash_range(s & ~1u, e | 1u, len, &r)) {
            ecu__blk_init(&b, "sum16le, stored with complement", "multipoint %u record %u", table,
                          k);
            ecu__c167_sum16(&b, rec + 8, 1);
            ecu__blk_range(&b, r.start, r.end);
        } else {
            ecu__blk_init(&b, "range not in the image", "multipoint %u record %u", table, k);
            ecu__c167_bad(&b, rec, rec + MP_RECORD, rec + 8);
        }
        if ((rc = ecu__blk_add(out, &b)))
            return rc;
    }
    return ECU_OK;
}

/* Whether the multipoint record at @p at (inside the image: mp_find's bound) stores a value
   with its complement. */
static int mp_pair(const uint8_t *d, size_t len, uint64_t at)
{
    uint32_t v, c;
    (void)ecu__get32(d, len, at + 8, 0, &v);
    (void)ecu__get32(d, len, at + 12, 0, &c);
    return c == ~v;
}

/* Where the multipoint tables start: table 1 (ME7.1) and table 2, as ME7Sum finds them. */
struct mp_tables {
    uint64_t t1, t2;
    int has1, has2;
};

/* Table 2 candidates: the even offsets from 0x10000 where @p rec (8 bytes) lies @p back bytes
   into a table whose first two records lie in the image. *@p n counts them, *@p nok those whose
   first two records store their sums with complements; *@p last and *@p last_ok are the last
   of each. */
static void mp2_search(const uint8_t *d, size_t len, const uint8_t *rec, uint64_t back,
                       unsigned *n, uint64_t *last, unsigned *nok, uint64_t *last_ok)
{
    const uint8_t *hit;
    size_t a = ecu__anchor(d + 0x10000, len - 0x10000, rec, NULL, 8);
    uint64_t i, at;
    *n = *nok = 0;
    /* (i is even: 0x10000 + back, and each hit + 2 after an even hit) */
    for (i = 0x10000 + back; i + 2 * MP_RECORD <= len; i = (uint64_t)(hit - d) + 2) {
        if (!(hit = ecu__memfind_even_at(d + i, (size_t)(len - MP_RECORD - i), rec, 8, a)))
            break;
        at = (uint64_t)(hit - d) - back;
        if (at + 2 * MP_RECORD > len)
            continue;
        *last = at;
        ++*n;
        if (mp_pair(d, len, at) && mp_pair(d, len, at + MP_RECORD)) {
            *last_ok = at;
            ++*nok;
        }
    }
}

static void mp_find(const uint8_t *d, size_t len, struct mp_tables *t)
{
    uint64_t i, t2ok = 0;
    uint32_t e;
    unsigned n1 = 0, n2 = 0, n2ok = 0;
    /* the records are exact byte strings: find them with memmem (at even offsets only) */
    static const uint8_t boot0[8] = {0x00, 0x00, 0x00, 0x00, 0xFF, 0x3F, 0x00, 0x00};
    static const uint8_t boot1[8] = {0x00, 0x40, 0x00, 0x00, 0xFF, 0x7F, 0x00, 0x00};
    static const uint8_t rec1[4] = {0x00, 0x40, 0x82, 0x00}; /* start BASE + 0x24000, LE */
    const uint8_t *hit;
    size_t a1;
    memset(t, 0, sizeof *t);
    if (len < 0x10000 + 2 * MP_RECORD)
        return;
    a1 = ecu__anchor(d + 0x10000, len - 0x10000, rec1, NULL, sizeof rec1);
    /* table 2 by its first record {0, 0x3FFF} (ME7Sum FindChecksumBlks); without one, by its
       second {0x4000, 0x7FFF}, so that a damaged first record does not hide the table (its
       boot-ROM records are then no boot ROM's: bad, mp_table) */
    mp2_search(d, len, boot0, 0, &n2, &t->t2, &n2ok, &t2ok);
    if (n2 == 0)
        mp2_search(d, len, boot1, MP_RECORD, &n2, &t->t2, &n2ok, &t2ok);
    for (i = 0x10000; i + 2 * MP_RECORD <= len; i = (uint64_t)(hit - d) + 2) { /* (even) */
        if (!(hit = ecu__memfind_even_at(d + i, (size_t)(len - MP_RECORD - i), rec1, sizeof rec1,
                                         a1)))
            break;
        if ((uint64_t)(hit - d) + 2 * MP_RECORD > len)
            continue;
        (void)ecu__get32(d, len, (uint64_t)(hit - d) + 4, 0, &e); /* inside: checked above */
        if (e == BASE + 0x27FFF)
            continue;
        t->t1 = (uint64_t)(hit - d);
        n1++;
    }
    t->has1 = n1 == 1;
    /* table 2: the one found, or the one among several that stores its sums with complements
       (a damaged sum does not hide the table) */
    if (n2 != 1 && n2ok == 1)
        t->t2 = t2ok;
    t->has2 = n2 == 1 || n2ok == 1;
}

/* The records of the tables @p t (mp_find) as blocks. */
static int multipoint(const uint8_t *d, size_t len, const struct mp_tables *t, struct blk_list *out)
{
    int rc;
    if (t->has1 && (rc = mp_table(d, len, t->t1, 1, 0, out)))
        return rc;
    if (!t->has2)
        return ECU_OK;
    /* its first two records cover the boot ROM only with its exact ranges (ME7Sum
       check_whitelist); else they are records like the others (and bad: below the flash).
       Inside: mp_find keeps a table 2 only when its first two records lie in the image */
    return mp_table(d, len, t->t2, 2, boot_ranges(d, len, t->t2), out);
}

/* ---- RSA (ME7.1.1, late ME7.5) ------------------------------------------------------------------ */

#define RSA_BYTES 128u
#define RSA_E 3u
#define MD5_MAX_RANGES 4

/* The MD5 of the block's ranges (inclusive ends in ME7Sum's table, [start, end) here),
   concatenated, into @p md (Nettle's md5). */
static void rsa_md5(const uint8_t *img, const struct blk *b, uint8_t md[MD5_DIGEST_SIZE])
{
    struct md5_ctx h;
    size_t i;
    md5_init(&h);
    for (i = 0; i < b->nranges; i++)
        md5_update(&h, (size_t)(b->ranges[i].end - b->ranges[i].start), img + b->ranges[i].start);
    md5_digest(&h, MD5_DIGEST_SIZE, md);
}

/* The message signed (RSASign, rsa_block_pad): 00 01 FF.. 00 followed by the digest; with a
   128-byte block and a 16-byte digest, exactly 109 bytes of FF. */
static void rsa_message(uint8_t msg[RSA_BYTES], const uint8_t md[MD5_DIGEST_SIZE])
{
    msg[0] = 0x00;
    msg[1] = 0x01;
    memset(msg + 2, 0xFF, RSA_BYTES - 3 - MD5_DIGEST_SIZE);
    msg[RSA_BYTES - 1 - MD5_DIGEST_SIZE] = 0x00;
    memcpy(msg + RSA_BYTES - MD5_DIGEST_SIZE, md, MD5_DIGEST_SIZE);
}

/* The signature block (b->init: the modulus; e = 3): sig^3 mod n (GMP) must be the message
   of rsa_message over the MD5 of the ranges. */
static int rsa_check(const uint8_t *img, size_t size, const struct blk *b, uint64_t *stored,
                     uint64_t *computed)
{
    uint8_t msg[RSA_BYTES], want[RSA_BYTES], md[MD5_DIGEST_SIZE];
    size_t k;
    if (b->init + RSA_BYTES > size || b->store_off + RSA_BYTES > size ||
        !ecu__rsa_public(img + b->init, img + b->store_off, RSA_BYTES, RSA_E, msg))
        return 0;
    rsa_md5(img, b, md);
    *stored = *computed = 0;
    for (k = 0; k < 8; k++) {
        *stored = *stored << 8 | msg[RSA_BYTES - MD5_DIGEST_SIZE + k];
        *computed = *computed << 8 | md[k];
    }
    rsa_message(want, md);
    return memcmp(msg, want, RSA_BYTES) == 0;
}

/* The signature made anew, as ME7Sum's RSASign does (ME7.1.1 checks it with the modulus stored
   in the flash): the key's modulus written over the image's (b->init), the MD5 of the ranges
   taken after that (the modulus may lie in them), the message's root with the key written
   as the signature. The key must be of the image's size (1024 bits) and exponent (3); the
   signature must lie outside the ranges it signs. */
static int rsa_resign(uint8_t *img, size_t size, const struct blk *b, const struct ecu__rsa_key *key)
{
    uint8_t n[RSA_BYTES], msg[RSA_BYTES], sig[RSA_BYTES], md[MD5_DIGEST_SIZE];
    size_t i;
    if (ecu__rsa_key_bytes(key) != RSA_BYTES || !ecu__rsa_key_exponent_is(key, RSA_E) ||
        b->init + RSA_BYTES > size || b->store_off + RSA_BYTES > size)
        return ECU_ERR_UNFIXABLE;
    for (i = 0; i < b->nranges; i++)
        if (b->ranges[i].start < b->store_off + RSA_BYTES && b->store_off < b->ranges[i].end)
            return ECU_ERR_UNFIXABLE;
    memcpy(n, img + b->init, RSA_BYTES);
    ecu__rsa_key_modulus(key, img + b->init);
    rsa_md5(img, b, md);
    rsa_message(msg, md);
    if (!ecu__rsa_key_root(key, msg, sig)) {
        memcpy(img + b->init, n, RSA_BYTES);
        return ECU_ERR_UNFIXABLE;
    }
    memcpy(img + b->store_off, sig, RSA_BYTES);
    return ECU_OK;
}

static int rsa(const uint8_t *d, size_t len, const struct seg_loads *L, struct blk_list *out)
{
    static const uint8_t sn[] = {0x80, 0x00, 0x88, 0x40, 0xE6, 0xF4, 0, 0, 0xE6, 0xF5, 0x80, 0x00, 0x88, 0x50};
    static const uint8_t en[] = {0xE0, 0x44, 0x88, 0x40, 0xE6, 0xF4, 0, 0, 0xE6, 0xF5, 0x80, 0x00, 0x88, 0x50};
    static const uint8_t km[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0xFF, 0xFF, 0xF0, 0xFF, 0xFF, 0xFF};
    static const uint8_t mn[] = {0xE1, 0x08, 0xF7, 0xF8, 0x00, 0xF0, 0xF2, 0xF4, 0, 0, 0xF2, 0xF5, 0, 0, 0xF6, 0xF4};
    static const uint8_t mm[] = {0xFF, 0xCF, 0, 0, 0, 0xF0, 0xFF, 0xFF, 0, 0, 0xFF, 0xFF, 0, 0, 0, 0xFF};
    uint32_t sm[2], e, pub, s_k, e_k;
    uint16_t lo;
    size_t i, at = 0;
    unsigned found = 0, count, k;
    uint64_t table;
    ecu_range r[MD5_MAX_RANGES];
    struct blk b;
    if (find_addr(d, len, L, sn, km, sizeof sn, 3, 5, sm, 2, NULL) != 2 ||
        find_addr(d, len, L, en, km, sizeof en, 3, 5, &e, 1, NULL) != 1 ||
        (uint64_t)sm[0] + RSA_BYTES > len || (uint64_t)sm[1] + RSA_BYTES > len ||
        !ecu__get32(d, len, e, 1, &pub) || pub != RSA_E)
        return ECU_OK;
    for (i = 0; (i = masked_find(d, len, i, mn, mm, sizeof mn)) != SIZE_MAX && i + sizeof mn + 2 < len;
         i += 2) {
        at = i;
        found++;
    }
    if (found != 1)
        return ECU_OK;
    count = (d[at + 1] >> 4) + 1u;
    (void)ecu__get16(d, len, at + 8, 0, &lo); /* inside: the matched bytes (at + 18 < len) */
    table = (uint64_t)lo | 0x10000u;
    if (count > MD5_MAX_RANGES)
        return ECU_OK;
    for (k = 0; k < count; k++) {
        /* inside: the table's 32 bytes lie below 0x20020, the image has 512 KiB at least */
        (void)ecu__get32(d, len, table + 4 * k, 0, &s_k);
        (void)ecu__get32(d, len, table + 4 * (k + MD5_MAX_RANGES), 0, &e_k);
        if (!flash_range(s_k, e_k, len, &r[k]))
            return ECU_OK;
    }
    ecu__blk_init(&b, "RSA-1024 e=3 over MD5, PKCS#1 v1.5 type 1", "RSA signature (modulus at 0x%X)",
                  sm[1]);
    ecu__blk_signature(&b, rsa_check, sm[0], RSA_BYTES);
    ecu__blk_resign(&b, rsa_resign, sm[1], RSA_BYTES);
    for (k = 0; k < count; k++)
        ecu__blk_range(&b, r[k].start, r[k].end);
    b.init = sm[1]; /* the modulus, read by rsa_check (no constructor sets `init` of a
                       signature block) */
    return ecu__blk_add(out, &b);
}

/* ---- variants whose checksum layout is not known ---------------------------------------------- */

/* The offset of the EPK's "/1/ME7" in 0x10000-0x2FFFF (the EPK string, "40/1/ME7.1/5/...",
   starts 2 bytes before it), or SIZE_MAX. */
static size_t epk_at(const uint8_t *d, size_t len)
{
    if (len <= 0x10000)
        return SIZE_MAX;
    /* ID_NONE is SIZE_MAX; the search ends 2 bytes before 0x30000 (or the end) */
    return id_find(d, len, 0x10000, (len < 0x30000 ? len : 0x30000) - 2, "/1/ME7", 6);
}

/* The variant the EPK names, its third field ("ME7.5" in "40/1/ME7.5/5/..."): up to 15
   printable characters ended by '/'; "" when there is none. */
static void epk_variant(const uint8_t *d, size_t len, char *v, size_t vsz)
{
    size_t at = epk_at(d, len), k;
    v[0] = '\0';
    if (at == SIZE_MAX)
        return;
    at += 3;
    for (k = 0; k + 1 < vsz && at + k < len && d[at + k] != '/'; k++) {
        if (d[at + k] <= 0x20 || d[at + k] >= 0x7F)
            break;
        v[k] = (char)d[at + k];
    }
    v[at + k < len && d[at + k] == '/' ? k : 0] = '\0';
}

/* Whether the variant @p v has the layout documented above: ME7.1, ME7.1.1 or ME7.5, the VAG
   variants nyetwurk/ME7Sum is written for (README.md: "Bosch ME7.1 firmware dumps ... known
   not to work on non VAG Motronic bins"; the test binaries of its bins/ folder), with or
   without dots ("ME71"). */
static int known_variant(const char *v)
{
    static const char *const known[] = {"ME71", "ME711", "ME75"};
    char t[16];
    size_t i, k = 0;
    for (i = 0; v[i] && k + 1 < sizeof t; i++)
        if (v[i] != '.')
            t[k++] = v[i];
    t[k] = '\0';
    for (i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(t, known[i]) == 0)
            return 1;
    return 0;
}

/* The multipoint records whose range is one word and which store 0 (with its complement),
   in both tables @p t (mp_find). No record of the documented layout is one: each covers a part of the flash
   and stores its sum (ME7Sum would report such a record bad and rewrite it); ME7.3.1 images
   hold them. */
static unsigned mp_one_word_zero(const uint8_t *d, size_t len, const struct mp_tables *t)
{
    unsigned n = 0, j, k;
    for (j = 0; j < 2; j++) {
        uint64_t at = j ? t->t2 : t->t1;
        if (!(j ? t->has2 : t->has1))
            continue;
        for (k = 0; k < MP_MAX && at + (uint64_t)(k + 1) * MP_RECORD <= len; k++) {
            uint64_t rec = at + (uint64_t)k * MP_RECORD;
            uint32_t s, e, v, c;
            /* inside: the record lies in the image (the loop's bound) */
            (void)ecu__get32(d, len, rec, 0, &s);
            (void)ecu__get32(d, len, rec + 4, 0, &e);
            (void)ecu__get32(d, len, rec + 8, 0, &v);
            (void)ecu__get32(d, len, rec + 12, 0, &c);
            if (s == 0xFFFFFFFFu)
                break;
            n += s >= BASE && s <= e && (s | 1u) == (e | 1u) && v == 0 && c == 0xFFFFFFFFu;
        }
    }
    return n;
}

/* Whether the image of @p len bytes at @p d is an ME7 whose checksum layout is not the one
   documented above (no public source gives it): its EPK names another variant (ME7.3.1 of
   Alfa Romeo and Fiat, ME7.2, ...), or its multipoint tables @p t hold records of one word
   stored 0. Then @p why says which. */
static int unknown_layout(const uint8_t *d, size_t len, const struct mp_tables *t, char *why,
                          size_t whysz)
{
    char v[16], recs[48] = "";
    unsigned z = mp_one_word_zero(d, len, t);
    int named;
    epk_variant(d, len, v, sizeof v);
    named = v[0] && !known_variant(v);
    if (!named && !z)
        return 0;
    if (z)
        snprintf(recs, sizeof recs, "%u one-word multipoint record%s stored 0", z, z == 1 ? "" : "s");
    snprintf(why, whysz, "%s%s%s%s", named ? "EPK names " : "", named ? v : "", named && z ? ", " : "",
             recs);
    return 1;
}

/* unknown_layout for each image of the file (two copies: either), their multipoint tables
   found into @p t (one per copy). */
static int unknown_layouts(const uint8_t *d, size_t len, unsigned copies, struct mp_tables t[2],
                           char *why, size_t whysz)
{
    unsigned c;
    for (c = 0; c < copies && c < 2; c++) {
        mp_find(d + c * len, len, &t[c]);
        if (unknown_layout(d + c * len, len, &t[c], why, whysz))
            return 1;
    }
    return 0;
}

/* unknown_layouts as detect found it, for the layout of the same image in the same analysis
   (core/family.h, ecu__analysis_id): the multipoint search is the costliest part of both */
static _Thread_local struct {
    uint64_t analysis; /* 0: nothing kept */
    const uint8_t *d;
    size_t len;
    unsigned copies;
    int unknown;
    struct mp_tables t[2];
    char why[96];
} kept;

static int unknown_layouts_kept(const uint8_t *d, size_t len, unsigned copies,
                                struct mp_tables t[2], char *why, size_t whysz)
{
    uint64_t id = ecu__analysis_id();
    if (id && kept.analysis == id && kept.d == d && kept.len == len && kept.copies == copies) {
        memcpy(t, kept.t, sizeof kept.t);
        if (kept.unknown)
            snprintf(why, whysz, "%s", kept.why);
        return kept.unknown;
    }
    memset(t, 0, 2 * sizeof *t);
    kept.analysis = 0;
    kept.unknown = unknown_layouts(d, len, copies, t, kept.why, sizeof kept.why);
    if (kept.unknown)
        snprintf(why, whysz, "%s", kept.why);
    if (id) {
        kept.analysis = id;
        kept.d = d;
        kept.len = len;
        kept.copies = copies;
        memcpy(kept.t, t, sizeof kept.t);
    }
    return kept.unknown;
}

/* ---- the family ----------------------------------------------------------------------------- */

static unsigned detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    unsigned copies;
    size_t len = image_len(d, n, &copies), i, k;
    char epk[48] = "", why[96];
    struct mp_tables t[2];
    if (!len)
        return 0;
    if (unknown_layouts_kept(d, len, copies, t, why, sizeof why)) {
        /* claimed (it is an ME7), with nothing to check: the verdict is no-layout */
        snprintf(ev, evsz, "ROMSYS at 0x8000, ZZ at 0x10000; no public checksum layout: %s "
                 "(known: VAG ME7.1/7.1.1/7.5)", why);
        return 90;
    }
    /* the EPK string ("40/1/ME7.1/5/..."), for the evidence */
    if ((i = epk_at(d, len)) != SIZE_MAX) {
        k = id_run(d, len, i - 2, sizeof epk - 1, id_print);
        memcpy(epk, d + i - 2, k);
        epk[k] = '\0';
    }
    snprintf(ev, evsz, "ROMSYS at 0x8000 (flash end 0x%X), ZZ at 0x10000%s%s%s", BASE + (unsigned)len - 1,
             copies > 1 ? ", two 512 KiB copies" : len < n ? ", 512 KiB padded with 0xFF" : "",
             epk[0] ? ", EPK " : "", epk);
    return 90;
}

/* The blocks of the image of @p len bytes at @p d, whose multipoint tables are @p t. */
static int layout_parts(const uint8_t *d, size_t len, const struct seg_loads *L,
                        const struct mp_tables *t, struct blk_list *out);

static int layout_image(const uint8_t *d, size_t len, const struct mp_tables *t, struct blk_list *out)
{
    struct seg_loads L;
    int rc;
    if ((rc = index_seg_loads(d, len, &L)))
        return rc;
    rc = layout_parts(d, len, &L, t, out);
    free(L.at);
    return rc;
}

static int layout_parts(const uint8_t *d, size_t len, const struct seg_loads *L,
                        const struct mp_tables *t, struct blk_list *out)
{
    int rc;
    if ((rc = romsys(d, len, out)) || (rc = crc_tables(d, len, L, out)) || (rc = main_data(d, len, L, out)) ||
        (rc = program_pages_blk(len, out)) || (rc = main_program(d, len, out)) ||
        (rc = multipoint(d, len, t, out)) || (rc = rsa(d, len, L, out)))
        return rc;
    return ECU_OK;
}

static int layout(const uint8_t *d, size_t n, struct blk_list *out)
{
    unsigned copies;
    int rc;
    size_t len = image_len(d, n, &copies), first, i, k;
    char why[96];
    struct mp_tables t[2];
    if (!len || unknown_layouts_kept(d, len, copies, t, why, sizeof why))
        return ECU_OK; /* no layout to check (detect says why) */
    if ((rc = layout_image(d, len, &t[0], out)) || copies < 2)
        return rc;
    /* two copies: the upper one checked the same way */
    first = out->n;
    if ((rc = layout_image(d + len, len, &t[1], out)))
        return rc;
    for (i = first; i < out->n; i++) {
        struct blk *b = &out->v[i];
        char name[sizeof b->name];
        for (k = 0; k < b->nranges; k++) {
            b->ranges[k].start += len;
            b->ranges[k].end += len;
        }
        b->store_off += len;
        b->key_off += b->resign ? len : 0;
        if ((b->kind == BK_CUSTOM && b->compute != ecu__c167_page_sum && b->compute != ecu__c167_unusable) ||
            b->kind == BK_SIGNATURE)
            b->init += len;
        snprintf(name, sizeof name, "%s", b->name);
        snprintf(b->name, sizeof b->name, "copy 2, +0x80000: %.45s", name);
    }
    return ECU_OK;
}

/* The flash ROMSYS names (its last CPU address at +0x14, checked by image_len), once per copy:
   a 512 KiB image padded with 0xFF to 1 MiB covers 512 KiB. */
static uint64_t extent(const uint8_t *d, size_t n, uint64_t cover)
{
    unsigned copies;
    size_t len = image_len(d, n, &copies);
    (void)cover;
    return (uint64_t)len * copies;
}

/* The program pages and the data segment of each image the file holds (the header). */
static size_t areas(const uint8_t *d, size_t n, struct family_area *out, size_t max)
{
    unsigned copies, c;
    size_t len = image_len(d, n, &copies), k = 0;
    if (!len)
        return 0;
    for (c = 0; c < copies && k + 3 <= max; c++) {
        uint64_t o = (uint64_t)c * len;
        out[k++] = (struct family_area){o, o + 0x10000, FA_CODE, "boot and ROMSYS"};
        out[k++] = (struct family_area){o + 0x10000, o + 0x20000, FA_CALIBRATION,
                                        "calibration data segment"};
        out[k++] = (struct family_area){o + 0x20000, o + len, FA_CODE, "program"};
    }
    return k;
}

const struct family ecu__family_bosch_me7_vag = {
    .info = {
        .name = "bosch-me7-vag",
        .manufacturer = "Bosch",
        .description = "ME7.1 / ME7.1.1 / ME7.5 (VAG), 512 KiB and 1 MiB",
        .verifies = "ROMSYS startup, all-param and program-pages sums; the CRC-32 table; main "
                    "data CRCs and byte sum; the main program sum; every multipoint record "
                    "(boot ROM records against the known sums); the RSA signature",
        .corrects = "every sum and CRC, the CRC-32 table from the standard one; the RSA "
                    "signature only when asked to re-sign (a new key pair written into the "
                    "image); never the boot ROM records",
        .sources = "nyetwurk/ME7Sum me7sum.c",
    },
    .min_size = K512,
    .max_size = M1,
    .detect = detect,
    .identify_unclaimed = ecu__c167_ecuid,
    .identify = ecu__c167_ecuid,
    .layout = layout,
    .extent = extent,
    .areas = areas,
};
