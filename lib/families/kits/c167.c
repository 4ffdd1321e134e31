/* SPDX-License-Identifier: MIT */
/*
 * What the Bosch C167 (C166 family, little-endian) Motronic families share: LE16 word sums
 * stored as LE32 (with or without their complement), the "program pages" sum (first and last
 * word of every 8 KiB page; the block's ranges are exactly those words), and multipoint tables
 * of 16-byte records.
 *
 * - ME7 ECUID table: a C166 code pattern loads the table address (E6 F4 LL LL E6 F5 HH HH
 *   F6 F4 4x E2 F6 F5 4x E2, HH a segment 0x020x); the table holds 6-byte string descriptors
 *   (type 6, length, LE16 pointer, LE16 segment, address = segment << 14 | pointer, flash at
 *   0x800000); entries 2, 4, 10, 11, 19 are hardware number, software number, part number,
 *   software version and engine (nyetwurk/ME7Sum me7sum.c, FindECUID).
 *
 * Public facts (nyetwurk/ME7Sum me7sum.c; olegm382/IronFelix Source/bosch_797/module4.cpp,
 * Source/bosch_798/module3.cpp, Source/citroen_me745/module6.cpp,
 * Source/china_bosch_797/module5.cpp; guitar24t/VolvoME7ChecksumUpdater):
 * - A multipoint record is LE32 start, LE32 inclusive end, the LE32 sum of the LE16 words of
 *   [start, end], and the complement of that sum.
 * - A value stored with its complement adds 0xFFFF + 0xFFFF to any LE16 word sum over it, so
 *   a record whose own slot lies in a range it (or another record) covers still checks.
 */
#include "c167.h"

#include "find.h"
#include "idformat.h"
#include "read.h"

#include <stdio.h>

#define PAGE 0x2000u

void ecu__c167_sum16(struct blk *b, uint64_t store, int pair)
{
    ecu__blk_sum(b, 2, 0, 32, 0);
    ecu__blk_store(b, store, 4, 0, pair);
}

uint64_t ecu__c167_page_sum(const uint8_t *img, size_t size, const struct blk *b)
{
    uint32_t sum = 0;
    size_t i;
    uint64_t a;
    /* the ranges are the summed words themselves (ecu__c167_page_blk); they lie inside the
       image, as the engine evaluates a block only then (csum.c, block_in_bounds) */
    for (i = 0; i < b->nranges; i++)
        for (a = b->ranges[i].start; a + 2 <= b->ranges[i].end; a += 2) {
            uint16_t w;
            (void)ecu__get16(img, size, a, 0, &w);
            sum += w;
        }
    return sum;
}

int ecu__c167_page_blk(struct blk *b, uint64_t store, const ecu_range *regions, size_t n)
{
    ecu_range w[ECU_BLK_MAX_RANGES];
    size_t i, k, nw = 0;
    uint64_t a;
    ecu__blk_custom(b, ecu__c167_page_sum);
    ecu__blk_store(b, store, 4, 0, 0);
    ecu__blk_algo(b, "sum16le of first+last word per 8 KiB page");
    /* the first and the last word of every whole page: the last word of a page and the first
       of the next one make one range of 4 bytes */
    for (i = 0; i < n; i++)
        for (a = regions[i].start; a + PAGE <= regions[i].end; a += PAGE) {
            if (nw && w[nw - 1].end == a)
                w[nw - 1].end = a + 2;
            else if (nw < ECU_BLK_MAX_RANGES)
                w[nw++] = (ecu_range){a, a + 2};
            else
                return -1;
            if (nw == ECU_BLK_MAX_RANGES)
                return -1;
            w[nw++] = (ecu_range){a + PAGE - 2, a + PAGE};
        }
    for (k = 0; k < nw; k++)
        (void)ecu__blk_range(b, w[k].start, w[k].end); /* nw <= ECU_BLK_MAX_RANGES */
    return 0;
}

uint64_t ecu__c167_unusable(const uint8_t *img, size_t size, const struct blk *b)
{
    uint32_t lo, hi;
    /* the 8-byte slot lies inside the image: the engine evaluates a block only then (csum.c,
       block_in_bounds) */
    (void)ecu__get32(img, size, b->store_off, 0, &lo);
    (void)ecu__get32(img, size, b->store_off + 4, 0, &hi);
    return ~((uint64_t)hi << 32 | lo);
}

void ecu__c167_bad(struct blk *b, uint64_t start, uint64_t end, uint64_t store)
{
    ecu__blk_custom(b, ecu__c167_unusable);
    ecu__blk_range(b, start, end);
    ecu__blk_store(b, store, 8, 0, 0);
}

uint64_t ecu__c167_find(const uint8_t *d, size_t n, uint64_t from, const void *pat, size_t m)
{
    const uint8_t *hit;
    size_t a;
    if (!m || !ecu__in(n, from, m))
        return UINT64_MAX;
    a = ecu__anchor(d + from, (size_t)(n - from), pat, NULL, m);
    from += from & 1; /* (an even offset of the image is an even offset from d + from) */
    if (!ecu__in(n, from, m))
        return UINT64_MAX;
    hit = ecu__memfind_even_at(d + from, (size_t)(n - from), pat, m, a);
    return hit ? (uint64_t)(hit - d) : UINT64_MAX;
}

int ecu__c167_mp_range_ok(uint32_t s, uint32_t e, size_t n)
{
    /* sums of 16-bit words: a range starts on a word and holds whole words */
    return s < e && e < n && s % 2 == 0 && e % 2 == 1;
}

/* The C167's own boot ROM, [0, 0x8000): the first two records of an ME7 multipoint table,
   {0, 0x3FFF} and {0x4000, 0x7FFF}, cover it (nyetwurk/ME7Sum me7sum.c, check_whitelist). */
#define BOOT_ROM_END 0x8000u

/* What an entry of a multipoint table is. */
enum mp_kind {
    MP_SUM,     /* a record whose range lies in the image */
    MP_PAST,    /* a record whose range lies in the flash, past the end of the image */
    MP_BOOT,    /* a record of the boot ROM: skipped */
    MP_DAMAGED, /* a record whose range is none */
};

struct mp_entry {
    uint64_t rec;
    uint32_t s, e; /* file offsets, inclusive end (MP_SUM, MP_PAST) */
    int word;      /* the range is a word range in the flash */
    int pair;      /* the value is stored with its complement */
    enum mp_kind kind;
};

static uint64_t mp_flash(const struct c167_mp *t, size_t n)
{
    return t->flash > n ? t->flash : n;
}

/* Entry @p k of table @p t; 0 when it does not lie wholly in the image. */
static int mp_read(const uint8_t *d, size_t n, const struct c167_mp *t, unsigned k,
                   struct mp_entry *m)
{
    uint32_t s, e, v, c, delta;
    m->rec = t->at + (uint64_t)k * 16;
    if (!ecu__in(n, m->rec, 16))
        return 0;
    (void)ecu__get32(d, n, m->rec, 0, &s); /* inside: the record lies in the image */
    (void)ecu__get32(d, n, m->rec + 4, 0, &e);
    (void)ecu__get32(d, n, m->rec + 8, 0, &v);
    (void)ecu__get32(d, n, m->rec + 12, 0, &c);
    m->pair = c == (uint32_t)~v;
    m->word = 0;
    if (s < t->base) {
        /* below the flash: the C167's own ROM, not in the dump, or a damaged start */
        m->kind = s < e && e < BOOT_ROM_END && s % 2 == 0 && e % 2 == 1 ? MP_BOOT : MP_DAMAGED;
        return 1;
    }
    s -= t->base;
    e -= t->base; /* an end below the base wraps: no range */
    delta = t->shift ? t->shift(s, n) : 0;
    if (delta <= s) {
        s -= delta;
        e -= delta;
    }
    m->s = s;
    m->e = e;
    m->word = s < e && e < mp_flash(t, n) && s % 2 == 0 && e % 2 == 1;
    m->kind = !m->word ? MP_DAMAGED : ecu__c167_mp_range_ok(s, e, n) ? MP_SUM : MP_PAST;
    return 1;
}

/* Whether entry @p k of a table without an end record belongs to it: a record (its range a
   word range in the flash, or its value stored with its complement, or a boot-ROM record),
   or a damaged one that the next entry, a whole record (both), follows. Filler (16 equal
   bytes: erased flash, padding) always ends the table. */
static int mp_member(const uint8_t *d, size_t n, const struct c167_mp *t, unsigned k,
                     const struct mp_entry *m)
{
    struct mp_entry x;
    unsigned i;
    if (m->word || m->pair || m->kind == MP_BOOT)
        return 1;
    for (i = 1; i < 16 && d[m->rec + i] == d[m->rec]; i++) /* inside: mp_read */
        ;
    return i < 16 && k + 1 < t->max && mp_read(d, n, t, k + 1, &x) && x.word && x.pair;
}

/* The number of entries of table @p t (ecu__c167_mp_len without the pair count). */
static unsigned mp_len(const uint8_t *d, size_t n, const struct c167_mp *t, unsigned *pairs)
{
    unsigned k, max = t->last ? (unsigned)((t->last - t->at) / 16 + 1) : t->max, np = 0;
    struct mp_entry m;
    for (k = 0; k < max && mp_read(d, n, t, k, &m); k++) {
        if (!t->last && !mp_member(d, n, t, k, &m))
            break;
        np += m.pair;
    }
    if (pairs)
        *pairs = np;
    return k;
}

unsigned ecu__c167_mp_len(const uint8_t *d, size_t n, const struct c167_mp *t, unsigned *pairs)
{
    return mp_len(d, n, t, pairs);
}

/* Entry @p k (@p m) as a block. */
static int mp_record(unsigned k, const struct mp_entry *m, struct blk_list *out)
{
    struct blk b;
    switch (m->kind) {
    case MP_BOOT:
        return ECU_OK; /* the boot ROM is not in the dump */
    case MP_SUM:
    case MP_PAST:
        /* past the end: the range lies outside the image, so the engine evaluates the block
           as bad and never corrects it (csum.c, block_in_bounds) */
        ecu__blk_init(&b, "sum16le, stored with complement", "multipoint %u (0x%X-0x%X)%s", k,
                      m->s, m->e, m->kind == MP_PAST ? ", past the end (truncated)" : "");
        ecu__c167_sum16(&b, m->rec + 8, 1);
        ecu__blk_range(&b, m->s, (uint64_t)m->e + 1);
        break;
    default:
        ecu__blk_init(&b, "range not in the image", "multipoint %u (record at 0x%llX)", k,
                      (unsigned long long)m->rec);
        ecu__c167_bad(&b, m->rec, m->rec + 16, m->rec + 8);
        break;
    }
    return ecu__blk_add(out, &b);
}

int ecu__c167_mp(const uint8_t *d, size_t n, const struct c167_mp *t, struct blk_list *out)
{
    unsigned k, len = mp_len(d, n, t, NULL);
    int rc;
    for (k = 0; k < len; k++) {
        struct mp_entry m;
        (void)mp_read(d, n, t, k, &m); /* k < len: the entry lies in the image */
        if ((rc = mp_record(k, &m, out)))
            return rc;
    }
    return ECU_OK;
}

/* ---- addresses ------------------------------------------------------------------------------ */

uint64_t ecu__c167_seg_addr(uint16_t seg, uint16_t ptr)
{
    return (uint64_t)seg << 14 | ptr;
}

uint64_t ecu__c167_addr(uint16_t hi, uint16_t lo)
{
    return hi & 0xFE00u ? ecu__c167_seg_addr(hi, lo) : (uint64_t)hi << 16 | lo;
}

int ecu__c167_flash_off(uint64_t addr, size_t n, uint64_t *off)
{
    if (addr <= ECU_C167_FLASH || addr - ECU_C167_FLASH >= n)
        return 0;
    *off = addr - ECU_C167_FLASH;
    return 1;
}

/* ---- the ME7 ECUID table -------------------------------------------------------------------- */

/* The string of descriptor @p k of the table at @p t (file offset); 0 when unusable. */
static int me7_desc(const uint8_t *d, size_t n, uint64_t t, unsigned k, uint64_t *off, size_t *len)
{
    uint64_t o = t + 6u * k, a;
    uint16_t seg, ptr;
    size_t l, i;
    if (!ecu__in(n, o, 6) || d[o] != 6)
        return 0;
    l = d[o + 1];
    (void)ecu__get16(d, n, o + 4, 0, &seg); /* inside: the 6-byte descriptor lies in the image */
    (void)ecu__get16(d, n, o + 2, 0, &ptr);
    if (!l || !ecu__c167_flash_off(ecu__c167_seg_addr(seg, ptr), n, &a) || !ecu__in(n, a, l))
        return 0;
    for (i = 0; i < l && d[a + i]; i++) /* strings end at their length or a NUL */
        ;
    *off = a;
    *len = i;
    return 1;
}

void ecu__c167_ecuid(const uint8_t *d, size_t n, struct ecu__idsink *out)
{
    static const uint8_t pat[16] = {0xE6, 0xF4, 0, 0, 0xE6, 0xF5, 0x00, 0x02,
                                    0xF6, 0xF4, 0x40, 0xE2, 0xF6, 0xF5, 0x40, 0xE2};
    static const uint8_t msk[16] = {0xFF, 0xFF, 0, 0, 0xFF, 0xFF, 0xF0, 0xFF,
                                    0xFF, 0xFF, 0xF0, 0xFF, 0xFF, 0xFF, 0xF0, 0xFF};
    static const struct {
        unsigned k;
        const char *key;
    } ent[] = {{2, "hw_number"}, {4, "sw_number"}, {10, "part_number"}, {11, "sw_version"},
               {19, "engine"}};
    uint64_t tables[4];
    size_t nt = 0, i, j, from = 12, f;
    /* the pattern holds F6 F5 at byte 12: a pair rare in code, though each byte is not */
    while (from < n && (f = from + ecu__find_pair(d + from, n - from, 0xF6, 0xF5)) < n) {
        size_t at = f - 12;
        const uint8_t *p = d + at;
        int ok = (at & 1) == 0 && ecu__in(n, at, 16);
        uint16_t seg, ptr;
        from = f + 1;
        for (j = 0; ok && j < 16; j++)
            ok = (p[j] & msk[j]) == pat[j];
        if (!ok || nt == 4)
            continue;
        (void)ecu__get16(d, n, at + 6, 0, &seg); /* inside: the 16 matched bytes */
        (void)ecu__get16(d, n, at + 2, 0, &ptr);
        if (ecu__c167_flash_off(ecu__c167_seg_addr(seg, ptr), n, &tables[nt]))
            nt++;
    }
    for (i = 0; i < nt; i++) {
        uint64_t off;
        size_t len;
        if (!me7_desc(d, n, tables[i], 2, &off, &len))
            continue; /* the other table (the first entries are not strings) */
        for (j = 0; j < sizeof ent / sizeof ent[0]; j++) {
            char src[64];
            unsigned conf = 95;
            const uint8_t *v;
            if (!me7_desc(d, n, tables[i], ent[j].k, &off, &len))
                continue;
            v = d + off;
            snprintf(src, sizeof src, "ME7 ECUID table entry %u", ent[j].k);
            if (ent[j].k == 2 && !(len == 10 && ecu__bosch_hw(v)))
                conf = 50;
            else if (ent[j].k == 4 && !(len == 10 && ecu__bosch_sw(v)))
                conf = 50;
            else if (ent[j].k == 10 && !ecu__vag_part(v, len))
                conf = 60;
            ecu__id_add(out, ent[j].key, v, len, off, conf, src);
        }
        break;
    }
}

