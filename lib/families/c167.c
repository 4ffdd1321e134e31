/* SPDX-License-Identifier: MIT */
/*
 * What the Bosch C167 (C166 family, little-endian) Motronic families share: LE16 word sums
 * stored as LE32 (with or without their complement), the "program pages" sum (first and last
 * word of every 8 KiB page), and multipoint tables of 16-byte records.
 *
 * Public facts (nyetwurk/ME7Sum me7sum.c; olegm382/IronFelix Source/bosch_797/module4.cpp,
 * Source/bosch_798/module3.cpp, Source/citroen_me745/module6.cpp,
 * Source/china_bosch_797/module5.cpp; guitar24t/VolvoME7ChecksumUpdater):
 * - A multipoint record is LE32 start, LE32 inclusive end, the LE32 sum of the LE16 words of
 *   [start, end], and the complement of that sum.
 * - A value stored with its complement adds 0xFFFF + 0xFFFF to any LE16 word sum over it, so
 *   a record whose own slot lies in a range it (or another record) covers still checks.
 */
#include "family_private.h"

#include <stdio.h>
#include <string.h>

#define PAGE 0x2000u

void ecu__c167_sum16(struct blk *b, uint64_t store, int pair)
{
    b->kind = BK_SUM;
    b->word_bytes = 2;
    b->word_be = 0;
    b->acc_bits = 32;
    b->store_off = store;
    b->store_bytes = 4;
    b->store_be = 0;
    b->pair = pair;
}

uint64_t ecu__c167_page_sum(const uint8_t *img, size_t size, const struct blk *b)
{
    uint32_t sum = 0;
    size_t i;
    uint64_t a;
    for (i = 0; i < b->nranges; i++)
        for (a = b->ranges[i].start; a + PAGE <= b->ranges[i].end; a += PAGE)
            sum += (uint32_t)ecu__rd16(img, size, a, 0) + ecu__rd16(img, size, a + PAGE - 2, 0);
    return sum;
}

void ecu__c167_page_blk(struct blk *b, uint64_t store)
{
    b->kind = BK_CUSTOM;
    b->compute = ecu__c167_page_sum;
    b->store_off = store;
    b->store_bytes = 4;
    b->store_be = 0;
    snprintf(b->algo, sizeof b->algo, "sum16le of first+last word per 8 KiB page");
}

uint64_t ecu__c167_unusable(const uint8_t *img, size_t size, const struct blk *b)
{
    uint64_t v = (uint64_t)ecu__rd32(img, size, b->store_off + 4, 0) << 32 |
                 ecu__rd32(img, size, b->store_off, 0);
    return ~v;
}

uint64_t ecu__c167_find(const uint8_t *d, size_t n, uint64_t from, const void *pat, size_t m)
{
    const uint8_t *hit;
    size_t a;
    if (from >= n || n - from < m || !m)
        return UINT64_MAX;
    a = ecu__anchor(d + from, (size_t)(n - from), pat, NULL, m);
    while (from < n && n - from >= m) {
        if (!(hit = ecu__memfind_at(d + from, (size_t)(n - from), pat, m, a)))
            return UINT64_MAX;
        if (((size_t)(hit - d) & 1) == 0)
            return (uint64_t)(hit - d);
        from = (uint64_t)(hit - d) + 1;
    }
    return UINT64_MAX;
}

int ecu__c167_mp_range_ok(uint32_t s, uint32_t e, size_t n)
{
    /* sums of 16-bit words: a range starts on a word and holds whole words */
    return s < e && e < n && s % 2 == 0 && e % 2 == 1;
}

/* Record @p k at @p rec as a block: a sum over its range, or (when the range is not one in
   this image) a bad block that is never corrected. */
static int mp_record(size_t n, unsigned k, uint64_t rec, uint32_t s, uint32_t e,
                     struct blk_list *out)
{
    struct blk b;
    memset(&b, 0, sizeof b);
    ecu__c167_sum16(&b, rec + 8, 1);
    b.nranges = 1;
    if (ecu__c167_mp_range_ok(s, e, n)) {
        b.ranges[0] = (ecu_range){s, (uint64_t)e + 1};
        snprintf(b.name, sizeof b.name, "multipoint %u (0x%X-0x%X)", k, s, e);
        snprintf(b.algo, sizeof b.algo, "sum16le, stored with complement");
    } else {
        b.kind = BK_CUSTOM;
        b.compute = ecu__c167_unusable;
        b.store_bytes = 8;
        b.pair = 0;
        b.ranges[0] = (ecu_range){rec, rec + 16};
        snprintf(b.name, sizeof b.name, "multipoint %u (record at 0x%llX)", k,
                 (unsigned long long)rec);
        snprintf(b.algo, sizeof b.algo, "range not in the image");
    }
    return ecu__blk_add(out, &b);
}

int ecu__c167_mp(const uint8_t *d, size_t n, const struct c167_mp *t, struct blk_list *out)
{
    unsigned k, max = t->last ? (unsigned)((t->last - t->at) / 16 + 1) : t->max;
    for (k = 0; k < max; k++) {
        uint64_t rec = t->at + (uint64_t)k * 16;
        uint32_t s, e, delta;
        int rc;
        if (rec > n || n - rec < 16 || (t->last && rec > t->last))
            break;
        s = ecu__rd32(d, n, rec, 0);
        e = ecu__rd32(d, n, rec + 4, 0);
        if (s < t->base)
            continue; /* below the flash: the C167's own ROM, not in the dump */
        s -= t->base;
        e -= t->base;
        delta = t->shift ? t->shift(s, n) : 0;
        if (delta <= s) {
            s -= delta;
            e -= delta;
        }
        if (!t->last && !ecu__c167_mp_range_ok(s, e, n))
            break; /* a table without an end record ends at the first record that is none */
        if ((rc = mp_record(n, k, rec, s, e, out)))
            return rc;
    }
    return ECU_OK;
}
