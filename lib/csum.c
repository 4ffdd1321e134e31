/* SPDX-License-Identifier: MIT */
/*
 * The checksum engine: detection over the family registry, verification of a block list,
 * and correction to a fixed point with a check that only checksum bytes changed.
 */
#define _GNU_SOURCE /* MAP_ANONYMOUS, MADV_POPULATE_WRITE */
#include "checksum_private.h"
#include "csum_private.h"
#include "hold.h"
#include "layout_private.h"
#include "registry.h"
#include "rsa_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#define MAX_FIX_PASSES 16

struct ecu_csum {
    const struct family *forced;
    ecu_layout *layout; /* the caller's layout (a copy), used instead of the registry */
    uint8_t *ref;       /* the caller's reference read (a copy): the layout comes from it */
    size_t ref_size;
    /* the reference's blocks for one family, worked out (and verified) once, not per image:
       valid while ref_for is that family and ref_forced says whether it was given */
    const struct family *ref_for;
    int ref_forced;
    struct blk_list ref_blocks;
    char ref_why[128]; /* why the reference cannot lend its layout ("" when it can) */
    /* the copy's memory, kept from one analysis to the next (CI jobs analyse thousands of
       files with one handle: no allocation and no fresh pages per file) */
    uint8_t *buf;
    size_t cap;
    int buf_mapped; /* buf is an anonymous mapping of cap bytes (else malloc'd) */
    /* last analysis */
    uint8_t *img; /* buf, or the loaded bytes held, while an analysis is held, else NULL */
    struct ecu__hold *hold; /* the hold on a loaded image's bytes when img is they (not buf):
                               read only, copied to buf before ecu_csum_fix writes */
    size_t size;
    ecu_verdict verdict;
    const struct family *family;
    unsigned score;
    char evidence[384];
    uint64_t expected;   /* the flash extent the layout implies (0: not known) */
    ecu_extent extent;   /* how the image's size compares with it */
    char ref_refusal[128]; /* why the reference was not used ("" when it was, or none) */
    struct ecu__candidate cand[ECU_PROBE_MAX];
    size_t ncand;
    struct blk_list blocks;
    ecu_block *info; /* public view of blocks */
    struct ecu__rsa_key *key; /* the caller's key pair for re-signing, or NULL */
    unsigned char *left; /* per block: left bad by the last failed fix (NULL: none failed) */
};

static uint64_t rd_n(const uint8_t *d, uint64_t off, unsigned bytes, int be)
{
    uint64_t v = 0;
    unsigned i;
    for (i = 0; i < bytes; i++)
        v |= (uint64_t)d[off + (be ? i : bytes - 1 - i)] << (8 * (bytes - 1 - i));
    return v;
}

static void wr_n(uint8_t *d, uint64_t off, unsigned bytes, int be, uint64_t v)
{
    unsigned i;
    for (i = 0; i < bytes; i++)
        d[off + (be ? i : bytes - 1 - i)] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
}

static uint64_t mask_bits(unsigned bits)
{
    return bits >= 64 ? UINT64_MAX : (((uint64_t)1 << bits) - 1);
}

/* ---- handle -------------------------------------------------------------------------------- */

/* From this size on the copy's memory is mapped and its pages made at once (Linux): a tool
   that checks one file per process otherwise takes a page fault for every 4 KiB of the
   copy, which cost more than the copy itself (bench/me7sum.sh). */
#define BUF_MAP_MIN ((size_t)256 << 10)

static void buf_release(ecu_csum *cs)
{
#if defined(__linux__) && defined(MAP_ANONYMOUS)
    if (cs->buf_mapped) {
        munmap(cs->buf, cs->cap);
        cs->buf = NULL;
    }
#endif
    free(cs->buf);
    cs->buf = NULL;
    cs->cap = 0;
    cs->buf_mapped = 0;
}

/* The handle's memory for a copy of @p size bytes: whether it is there. */
static int buf_reserve(ecu_csum *cs, size_t size)
{
    if (cs->buf && size <= cs->cap)
        return 1;
    buf_release(cs);
#if defined(__linux__) && defined(MAP_ANONYMOUS)
    if (size >= BUF_MAP_MIN) {
        void *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m != MAP_FAILED) {
#ifdef MADV_POPULATE_WRITE
            (void)madvise(m, size, MADV_POPULATE_WRITE); /* (older kernels: faults instead) */
#endif
            cs->buf = m;
            cs->cap = size;
            cs->buf_mapped = 1;
            return 1;
        }
    }
#endif
    if (!(cs->buf = malloc(size ? size : 1)))
        return 0;
    cs->cap = size;
    return 1;
}

ecu_csum *ecu_csum_new(void) { return calloc(1, sizeof(ecu_csum)); }

static void clear(ecu_csum *cs)
{
    free(cs->blocks.v);
    free(cs->info);
    ecu__hold_drop(cs->hold);
    cs->hold = NULL;
    cs->img = NULL;
    cs->size = 0;
    memset(&cs->blocks, 0, sizeof cs->blocks);
    cs->info = NULL;
    cs->verdict = ECU_VERDICT_UNKNOWN;
    cs->family = NULL;
    cs->score = 0;
    cs->evidence[0] = '\0';
    cs->expected = 0;
    cs->extent = ECU_EXTENT_UNKNOWN;
    cs->ref_refusal[0] = '\0';
    cs->ncand = 0;
    free(cs->left);
    cs->left = NULL;
}

void ecu_csum_free(ecu_csum *cs)
{
    if (!cs)
        return;
    clear(cs);
    buf_release(cs);
    free(cs->ref);
    free(cs->ref_blocks.v);
    ecu_layout_free(cs->layout);
    ecu__rsa_key_free(cs->key);
    free(cs);
}

/* Frees the handle's layout; an analysis made with it (whose family and candidates point into
   it) is forgotten too. */
static void drop_layout(ecu_csum *cs)
{
    if (!cs->layout)
        return;
    if (cs->family == ecu__layout_family(cs->layout))
        clear(cs);
    ecu_layout_free(cs->layout);
    cs->layout = NULL;
}

int ecu_csum_set_family(ecu_csum *cs, const char *name)
{
    const struct family *f = NULL;
    if (!cs)
        return ECU_ERR_INVALID;
    if (name && !(f = ecu__find_family(name)))
        return ECU_ERR_INVALID;
    cs->forced = f;
    drop_layout(cs);
    return ECU_OK;
}

int ecu_csum_set_layout(ecu_csum *cs, const ecu_layout *layout)
{
    ecu_layout *copy = NULL;
    if (!cs || (layout && !ecu_layout_name(layout)))
        return ECU_ERR_INVALID;
    if (layout && !(copy = ecu__layout_dup(layout)))
        return ECU_ERR_NOMEM;
    drop_layout(cs);
    cs->layout = copy;
    cs->forced = NULL;
    return ECU_OK;
}

int ecu_csum_set_reference(ecu_csum *cs, const uint8_t *data, size_t size)
{
    uint8_t *copy = NULL;
    if (!cs || (!data && size))
        return ECU_ERR_INVALID;
    if (data && !(copy = malloc(size ? size : 1)))
        return ECU_ERR_NOMEM;
    if (size)
        memcpy(copy, data, size);
    free(cs->ref);
    cs->ref = copy;
    cs->ref_size = data ? size : 0;
    free(cs->ref_blocks.v);
    memset(&cs->ref_blocks, 0, sizeof cs->ref_blocks);
    cs->ref_for = NULL;
    return ECU_OK;
}

int ecu_csum_set_resign_key(ecu_csum *cs, const uint8_t *der, size_t len)
{
    struct ecu__rsa_key *k = NULL;
    int rc;
    if (!cs || (!der && len))
        return ECU_ERR_INVALID;
    if (der && (rc = ecu__rsa_key_parse(&k, der, len)) != ECU_OK)
        return rc;
    ecu__rsa_key_free(cs->key);
    cs->key = k;
    return ECU_OK;
}

/* ---- verification -------------------------------------------------------------------------- */

/* The bytes the block's value (or compensation word, or signature) takes at store_off. */
static unsigned slot_bytes(const struct blk *b)
{
    return b->kind == BK_SELFSUM || b->kind == BK_CRC_TARGET ? 4
           : b->kind == BK_SIGNATURE                         ? b->sig_bytes
                                                             : b->store_bytes * (b->pair ? 2 : 1);
}

static int block_in_bounds(const struct blk *b, size_t size)
{
    size_t i;
    unsigned slot = slot_bytes(b);
    for (i = 0; i < b->nranges; i++)
        if (b->ranges[i].start > b->ranges[i].end || b->ranges[i].end > size)
            return 0;
    return b->store_off <= size && size - b->store_off >= slot;
}

/* Computes what the block's stored value should be; returns 0 when it is out of bounds. */
static int block_eval(const uint8_t *d, size_t size, const struct blk *b, uint64_t *stored,
                      uint64_t *computed, int *ok)
{
    size_t i;
    uint64_t v = 0, mask;
    if (!block_in_bounds(b, size)) {
        *stored = *computed = 0;
        *ok = 0;
        return 0;
    }
    switch (b->kind) {
    case BK_SUM:
        mask = mask_bits(b->acc_bits);
        v = b->init;
        for (i = 0; i < b->nranges; i++)
            v = ecu_sum_words(d + b->ranges[i].start, (size_t)(b->ranges[i].end - b->ranges[i].start),
                              b->word_bytes, b->word_be, v, b->acc_bits);
        v &= mask & mask_bits(8 * b->store_bytes);
        *computed = v;
        *stored = rd_n(d, b->store_off, b->store_bytes, b->store_be);
        *ok = *stored == v;
        if (b->pair) {
            uint64_t comp = rd_n(d, b->store_off + b->store_bytes, b->store_bytes, b->store_be);
            *ok = *ok && comp == (~v & mask_bits(8 * b->store_bytes));
        }
        return 1;
    case BK_SELFSUM: {
        uint32_t slot = (uint32_t)rd_n(d, b->store_off, 4, b->word_be), total = (uint32_t)b->init;
        for (i = 0; i < b->nranges; i++)
            total = (uint32_t)ecu_sum_words(d + b->ranges[i].start,
                                            (size_t)(b->ranges[i].end - b->ranges[i].start), 4,
                                            b->word_be, total, 32);
        *stored = slot;
        *computed = (uint32_t)((uint32_t)b->target - (total - slot));
        *ok = total == (uint32_t)b->target;
        return 1;
    }
    case BK_CRC: {
        ecu_crc *c = ecu_crc_new(&b->crc);
        uint64_t st;
        if (!c) {
            *stored = *computed = 0;
            *ok = 0;
            return 0;
        }
        st = ecu_crc_begin(c);
        for (i = 0; i < b->nranges; i++)
            st = ecu_crc_update(c, st, d + b->ranges[i].start,
                                (size_t)(b->ranges[i].end - b->ranges[i].start));
        *computed = ecu_crc_end(c, st) & mask_bits(8 * b->store_bytes);
        ecu_crc_free(c);
        *stored = rd_n(d, b->store_off, b->store_bytes, b->store_be);
        *ok = *stored == *computed;
        return 1;
    }
    case BK_CRC_TARGET: {
        /* the slot value that makes the CRC of the range reach the target (the slot must lie
           inside the range) */
        ecu_crc *c = ecu_crc_new(&b->crc);
        size_t len = (size_t)(b->ranges[0].end - b->ranges[0].start);
        uint8_t slot[4];
        if (!c || b->nranges != 1 || b->store_off < b->ranges[0].start ||
            b->store_off + 4 > b->ranges[0].end ||
            ecu__crc32_solve(c, d + b->ranges[0].start, len,
                             (size_t)(b->store_off - b->ranges[0].start), b->target, slot) != ECU_OK) {
            ecu_crc_free(c);
            *stored = *computed = 0;
            *ok = 0;
            return 0;
        }
        *ok = ecu_crc_compute(c, d + b->ranges[0].start, len) == b->target;
        *computed = rd_n(slot, 0, 4, b->store_be);
        *stored = rd_n(d, b->store_off, 4, b->store_be);
        ecu_crc_free(c);
        return 1;
    }
    case BK_SIGNATURE:
        *stored = *computed = 0;
        *ok = b->check(d, size, b, stored, computed);
        return 1;
    case BK_CUSTOM:
        *computed = b->compute(d, size, b) & mask_bits(8 * b->store_bytes);
        *stored = rd_n(d, b->store_off, b->store_bytes, b->store_be);
        *ok = *stored == *computed;
        return 1;
    }
    return 0;
}

/* Verifies every block into cs->info; returns the number of bad blocks, or -1 (memory). */
static long verify_all(ecu_csum *cs, const ecu_block_status *before)
{
    size_t i;
    long bad = 0;
    if (!cs->info && cs->blocks.n) {
        if (!(cs->info = calloc(cs->blocks.n, sizeof *cs->info)))
            return -1;
    }
    for (i = 0; i < cs->blocks.n; i++) {
        const struct blk *b = &cs->blocks.v[i];
        ecu_block *o = &cs->info[i];
        int ok;
        block_eval(cs->img, cs->size, b, &o->stored, &o->computed, &ok);
        o->name = b->name;
        o->algorithm = b->algo;
        o->ranges = b->ranges;
        o->nranges = b->nranges;
        o->store_offset = b->store_off;
        o->store_bytes = slot_bytes(b);
        if (b->kind == BK_SIGNATURE)
            o->status = !ok                                              ? ECU_BLOCK_SIGNATURE_BAD
                        : before && before[i] == ECU_BLOCK_SIGNATURE_BAD ? ECU_BLOCK_RESIGNED
                                                                         : ECU_BLOCK_SIGNATURE;
        else if (ok)
            o->status = before && before[i] == ECU_BLOCK_BAD ? ECU_BLOCK_FIXED : ECU_BLOCK_OK;
        else
            o->status = ECU_BLOCK_BAD;
        bad += !ok;
    }
    return bad;
}

/* ---- detection ------------------------------------------------------------------------------ */

/* A forced-only family named for an image of @p n bytes, not of its size (core/family.h). */
static int forced_wrong_size(const ecu_csum *cs, size_t n)
{
    return cs->forced && cs->forced->forced_only &&
           (n < cs->forced->min_size || n > cs->forced->max_size);
}

/* The family of the @p n bytes at @p d (the handle's copy, or the caller's bytes for
   ecu__csum_detect): candidates, evidence, family and score, or the verdict ambiguous. */
static void detect(ecu_csum *cs, const uint8_t *d, size_t n)
{
    cs->ncand = 0;
    if (cs->forced) {
        cs->cand[0].f = cs->forced;
        cs->cand[0].score = 100;
        cs->ncand = 1;
        snprintf(cs->evidence, sizeof cs->evidence, "family given by the caller");
        if (forced_wrong_size(cs, n)) {
            /* no signature to go by: the size is all there is, and it is not this layout's */
            if (cs->forced->min_size == cs->forced->max_size)
                snprintf(cs->evidence, sizeof cs->evidence,
                         "family given by the caller, but the image is 0x%zX bytes, not 0x%zX: "
                         "its layout does not apply", n, cs->forced->min_size);
            else
                snprintf(cs->evidence, sizeof cs->evidence,
                         "family given by the caller, but the image is 0x%zX bytes, not "
                         "0x%zX-0x%zX: its layout does not apply", n,
                         cs->forced->min_size, cs->forced->max_size);
        }
        cs->family = cs->forced;
        cs->score = 100;
        return;
    }
    {
        struct ecu__probe p;
        ecu__probe(d, n, &p);
        memcpy(cs->cand, p.cand, p.ncand * sizeof *p.cand);
        cs->ncand = p.ncand;
        snprintf(cs->evidence, sizeof cs->evidence, "%s", p.evidence);
        if (p.ambiguous) {
            cs->verdict = ECU_VERDICT_AMBIGUOUS;
            return;
        }
        cs->family = p.family;
        cs->score = p.score;
    }
}

/* The end of the bytes block @p b covers: its ranges and its slot (and a signature's key). */
static uint64_t block_end(const struct blk *b)
{
    uint64_t end = b->store_off + slot_bytes(b);
    size_t i;
    for (i = 0; i < b->nranges; i++)
        if (b->ranges[i].end > end)
            end = b->ranges[i].end;
    if (b->kind == BK_SIGNATURE && b->key_bytes && b->key_off + b->key_bytes > end)
        end = b->key_off + b->key_bytes;
    return end;
}

/* After verification: the flash extent the layout implies (the family's own statement, and
   the end of every block, in the image or not) against the image's size. A truncated image is
   bad, whatever its blocks say: an ok verdict means the whole layout was checked. A longer
   image is reported only. */
static void extent_check(ecu_csum *cs, const struct family *f)
{
    uint64_t ext, cover = 0;
    size_t i, at;
    int past = 0;
    for (i = 0; i < cs->blocks.n; i++) {
        uint64_t e = block_end(&cs->blocks.v[i]);
        past |= !block_in_bounds(&cs->blocks.v[i], cs->size);
        if (e > cover)
            cover = e;
    }
    ext = f && f->extent ? f->extent(cs->img, cs->size, cover) : 0;
    /* the blocks' end counts where the family states an extent or a block lies past the end
       (a block past the family's extent would be a family's mistake: the larger one wins) */
    if ((ext || past) && cover > ext)
        ext = cover;
    cs->expected = ext;
    if (!ext)
        return;
    at = strlen(cs->evidence);
    if (ext > cs->size) {
        cs->extent = ECU_EXTENT_TRUNCATED;
        if (cs->verdict == ECU_VERDICT_OK)
            cs->verdict = ECU_VERDICT_BAD;
        snprintf(cs->evidence + at, sizeof cs->evidence - at,
                 "%struncated: the layout covers 0x%llX bytes, the image has 0x%zX",
                 at ? "; " : "", (unsigned long long)ext, cs->size);
    } else if (ext < cs->size) {
        cs->extent = ECU_EXTENT_OVERLONG;
        snprintf(cs->evidence + at, sizeof cs->evidence - at,
                 "%s0x%llX bytes past the layout's 0x%llX (not checked)", at ? "; " : "",
                 (unsigned long long)(cs->size - ext), (unsigned long long)ext);
    } else {
        cs->extent = ECU_EXTENT_EXACT;
    }
}

/* The analysis with the caller's layout: its conditions, then its blocks as listed. */
static int analyze_layout(ecu_csum *cs)
{
    const struct family *f = ecu__layout_family(cs->layout);
    char why[120];
    size_t i, oob = 0, first = 0;
    long bad;
    if (!ecu__layout_applies(cs->layout, cs->img, cs->size, why, sizeof why)) {
        /* not this layout's file: nothing is verified, nothing can be corrected */
        snprintf(cs->evidence, sizeof cs->evidence, "layout %s does not apply: %s",
                 ecu_layout_name(cs->layout), why);
        return ECU_OK;
    }
    if (ecu__layout_expand(cs->layout, cs->img, cs->size, &cs->blocks) != ECU_OK) {
        clear(cs);
        return ECU_ERR_NOMEM;
    }
    for (i = 0; i < cs->blocks.n; i++)
        if (!block_in_bounds(&cs->blocks.v[i], cs->size) && !oob++)
            first = i;
    cs->family = f;
    cs->score = 100;
    cs->cand[0].f = f;
    cs->cand[0].score = 100;
    cs->ncand = 1;
    if (oob)
        snprintf(cs->evidence, sizeof cs->evidence,
                 "layout %s given by the caller; %zu block%s past the end of the "
                 "0x%zX-byte image (first: %s)", ecu_layout_name(cs->layout), oob,
                 oob == 1 ? " lies" : "s lie", cs->size, cs->blocks.v[first].name);
    else
        snprintf(cs->evidence, sizeof cs->evidence, "layout %s given by the caller (%s)",
                 ecu_layout_name(cs->layout), why);
    if ((bad = verify_all(cs, NULL)) < 0) {
        clear(cs);
        return ECU_ERR_NOMEM;
    }
    cs->verdict = bad ? ECU_VERDICT_BAD : ECU_VERDICT_OK;
    extent_check(cs, NULL);
    return ECU_OK;
}

/* The reference's blocks for family @p f (cs->ref_blocks), and in cs->ref_why why it cannot
   lend them: laid out and verified once per family, then reused for every image. */
static int reference_layout(ecu_csum *cs, const struct family *f)
{
    char ev[160];
    size_t i, nbad = 0;
    if (cs->ref_for == f && cs->ref_forced == (cs->forced != NULL))
        return ECU_OK;
    free(cs->ref_blocks.v);
    memset(&cs->ref_blocks, 0, sizeof cs->ref_blocks);
    cs->ref_for = NULL;
    cs->ref_why[0] = '\0';
    if (!cs->forced && (cs->ref_size < f->min_size || cs->ref_size > f->max_size ||
                        !ecu__magics_ok(f, cs->ref, cs->ref_size) ||
                        f->detect(cs->ref, cs->ref_size, ev, sizeof ev) < ECU_DETECT_MIN)) {
        snprintf(cs->ref_why, sizeof cs->ref_why, "the reference is not recognised as %s",
                 f->info.name);
    } else {
        if (f->layout(cs->ref, cs->ref_size, &cs->ref_blocks) != ECU_OK) {
            free(cs->ref_blocks.v);
            memset(&cs->ref_blocks, 0, sizeof cs->ref_blocks);
            return ECU_ERR_NOMEM;
        }
        for (i = 0; i < cs->ref_blocks.n; i++) {
            uint64_t stored, computed;
            int ok;
            block_eval(cs->ref, cs->ref_size, &cs->ref_blocks.v[i], &stored, &computed, &ok);
            nbad += !ok;
        }
        if (!cs->ref_blocks.n)
            snprintf(cs->ref_why, sizeof cs->ref_why, "no checksum block is found in the reference");
        else if (nbad)
            snprintf(cs->ref_why, sizeof cs->ref_why,
                     "the reference does not verify (%zu of %zu blocks bad)", nbad,
                     cs->ref_blocks.n);
    }
    cs->ref_for = f;
    cs->ref_forced = cs->forced != NULL;
    return ECU_OK;
}

/* The analysis of the detected (or given) family with the blocks laid out on the caller's
   reference read, when that read is of the same size and family and verifies. */
static int analyze_reference(ecu_csum *cs)
{
    const char *why;
    size_t i, at;
    long bad;
    char size_why[128];
    if (cs->ref_size != cs->size) {
        snprintf(size_why, sizeof size_why, "the reference has 0x%zX bytes, the image 0x%zX",
                 cs->ref_size, cs->size);
        why = size_why;
    } else {
        if (reference_layout(cs, cs->family) != ECU_OK) {
            clear(cs);
            return ECU_ERR_NOMEM;
        }
        why = cs->ref_why;
    }
    at = strlen(cs->evidence);
    if (why[0]) { /* nothing to lay out with: nothing is verified, nothing corrected */
        snprintf(cs->evidence + at, sizeof cs->evidence - at, "; reference not used: %s", why);
        snprintf(cs->ref_refusal, sizeof cs->ref_refusal, "%s", why);
        cs->verdict = ECU_VERDICT_NO_LAYOUT;
        return ECU_OK;
    }
    for (i = 0; i < cs->ref_blocks.n; i++)
        if (ecu__blk_add(&cs->blocks, &cs->ref_blocks.v[i]) != ECU_OK) {
            clear(cs);
            return ECU_ERR_NOMEM;
        }
    if ((bad = verify_all(cs, NULL)) < 0) {
        clear(cs);
        return ECU_ERR_NOMEM;
    }
    snprintf(cs->evidence + at, sizeof cs->evidence - at, "; layout from the reference (%zu "
             "block%s)", cs->blocks.n, cs->blocks.n == 1 ? "" : "s");
    cs->verdict = bad ? ECU_VERDICT_BAD : ECU_VERDICT_OK;
    extent_check(cs, cs->family);
    return ECU_OK;
}

static int analyze(ecu_csum *cs, const uint8_t *data, size_t size)
{
    struct ecu__hold *h;
    long bad;
    if (!cs || (!data && size))
        return ECU_ERR_INVALID;
    /* the bytes of a loaded image (lib/io/image.c) are held, not copied: they never change,
       and stay as long as the hold (taken before clear drops the last analysis's own hold,
       which may be on the same bytes) */
    h = size ? ecu__hold_take(data, size) : NULL;
    clear(cs);
    if (h) {
        cs->hold = h;
        cs->img = (uint8_t *)(uintptr_t)data; /* (never written through: see own_copy) */
    } else {
        if (!buf_reserve(cs, size))
            return ECU_ERR_NOMEM;
        cs->img = cs->buf;
        if (size && data != cs->img) /* (re-analysing the handle's own image needs no copy) */
            memmove(cs->img, data, size);
    }
    cs->size = size;
    if (cs->layout)
        return analyze_layout(cs);
    detect(cs, cs->img, cs->size);
    if (cs->verdict == ECU_VERDICT_AMBIGUOUS || !cs->family)
        return ECU_OK;
    if (!cs->family->layout || forced_wrong_size(cs, cs->size)) {
        cs->verdict = ECU_VERDICT_NO_LAYOUT;
        return ECU_OK;
    }
    if (cs->ref)
        return analyze_reference(cs);
    if (cs->family->layout(cs->img, cs->size, &cs->blocks) != ECU_OK) {
        clear(cs);
        return ECU_ERR_NOMEM;
    }
    if (!cs->blocks.n) {
        cs->verdict = ECU_VERDICT_NO_LAYOUT;
        return ECU_OK;
    }
    if ((bad = verify_all(cs, NULL)) < 0) {
        clear(cs);
        return ECU_ERR_NOMEM;
    }
    if (cs->family->accept && !cs->family->accept(cs->img, cs->size, cs->blocks.n, cs->info)) {
        free(cs->info); /* not this layout: nothing was verified */
        cs->info = NULL;
        cs->blocks.n = 0;
        cs->verdict = ECU_VERDICT_NO_LAYOUT;
        return ECU_OK;
    }
    cs->verdict = bad ? ECU_VERDICT_BAD : ECU_VERDICT_OK;
    extent_check(cs, cs->family);
    return ECU_OK;
}

int ecu_csum_analyze(ecu_csum *cs, const uint8_t *data, size_t size)
{
    int rc;
    ecu__analysis_begin(); /* (families may keep what detection found for the layout) */
    rc = analyze(cs, data, size);
    ecu__analysis_end();
    return rc;
}

/* ---- correction ----------------------------------------------------------------------------- */

static void write_block(uint8_t *d, const struct blk *b, uint64_t computed)
{
    if (b->kind == BK_SELFSUM) {
        wr_n(d, b->store_off, 4, b->word_be, computed);
        return;
    }
    if (b->kind == BK_CRC_TARGET) {
        wr_n(d, b->store_off, 4, b->store_be, computed);
        return;
    }
    wr_n(d, b->store_off, b->store_bytes, b->store_be, computed);
    if (b->pair)
        wr_n(d, b->store_off + b->store_bytes, b->store_bytes, b->store_be,
             ~computed & mask_bits(8 * b->store_bytes));
}

/* Whether ecu_csum_fix makes the signature block @p b anew: a key was given and the block's
   public key lies in the image. */
static int resigns(const ecu_csum *cs, const struct blk *b)
{
    return cs->key && b->kind == BK_SIGNATURE && b->resign && block_in_bounds(b, cs->size) &&
           b->key_off <= cs->size && cs->size - b->key_off >= b->key_bytes;
}

/* Signs @p b anew with the caller's key; whether a byte changed. */
static int resign(ecu_csum *cs, const struct blk *b)
{
    uint8_t was[2 * 512];
    int changed;
    if (b->sig_bytes > 512 || b->key_bytes > 512)
        return 0;
    memcpy(was, cs->img + b->store_off, b->sig_bytes);
    memcpy(was + 512, cs->img + b->key_off, b->key_bytes);
    if (b->resign(cs->img, cs->size, b, cs->key) != ECU_OK)
        return 0;
    changed = memcmp(was, cs->img + b->store_off, b->sig_bytes) != 0 ||
              memcmp(was + 512, cs->img + b->key_off, b->key_bytes) != 0;
    return changed;
}

/* Before the image is written: held bytes (of a loaded image) copied to the handle's own. */
static int own_copy(ecu_csum *cs)
{
    if (!cs->hold)
        return ECU_OK;
    if (!buf_reserve(cs, cs->size))
        return ECU_ERR_NOMEM;
    memcpy(cs->buf, cs->img, cs->size);
    cs->img = cs->buf;
    ecu__hold_drop(cs->hold);
    cs->hold = NULL;
    return ECU_OK;
}

int ecu_csum_fix(ecu_csum *cs)
{
    uint8_t *orig, *allowed;
    ecu_block_status *before;
    size_t i, pass;
    long bad = 0;
    int changed;
    if (!cs || !cs->img || !cs->family || cs->verdict == ECU_VERDICT_AMBIGUOUS ||
        cs->verdict == ECU_VERDICT_NO_LAYOUT || cs->verdict == ECU_VERDICT_UNKNOWN)
        return ECU_ERR_INVALID;
    free(cs->left);
    cs->left = NULL;
    if (cs->verdict == ECU_VERDICT_OK)
        return ECU_OK;
    if (own_copy(cs) != ECU_OK)
        return ECU_ERR_NOMEM;
    orig = malloc(cs->size);
    allowed = calloc(cs->size, 1);
    before = malloc(cs->blocks.n * sizeof *before);
    if (!orig || !allowed || !before) {
        free(orig);
        free(allowed);
        free(before);
        return ECU_ERR_NOMEM;
    }
    memcpy(orig, cs->img, cs->size);
    for (i = 0; i < cs->blocks.n; i++) {
        const struct blk *b = &cs->blocks.v[i];
        before[i] = cs->info[i].status;
        if (b->kind != BK_SIGNATURE && block_in_bounds(b, cs->size))
            memset(allowed + b->store_off, 1, cs->info[i].store_bytes);
        else if (resigns(cs, b)) { /* the signature and the public key, only when re-signing */
            memset(allowed + b->store_off, 1, b->sig_bytes);
            memset(allowed + b->key_off, 1, b->key_bytes);
        }
    }
    /* correct in table order until nothing changes: a checksum may cover another's slot */
    for (pass = 0; pass < MAX_FIX_PASSES; pass++) {
        changed = 0;
        for (i = 0; i < cs->blocks.n; i++) {
            const struct blk *b = &cs->blocks.v[i];
            uint64_t stored, computed;
            int ok;
            if (!block_eval(cs->img, cs->size, b, &stored, &computed, &ok) || ok)
                continue;
            if (b->kind == BK_SIGNATURE) { /* made anew with the caller's key, or left bad */
                changed |= resigns(cs, b) && resign(cs, b);
                continue;
            }
            write_block(cs->img, b, computed);
            changed = 1;
        }
        if (!changed)
            break;
    }
    bad = verify_all(cs, before);
    for (i = 0; i < cs->size && bad == 0; i++)
        if (cs->img[i] != orig[i] && !allowed[i])
            bad = -2;
    if (bad == 0 && cs->extent == ECU_EXTENT_TRUNCATED)
        bad = -3; /* the bytes past the end cannot be made: never "fixed" */
    if (bad != 0 && bad != -1 && (cs->left = calloc(cs->blocks.n, 1)) != NULL) {
        /* after a change outside the slots, or of a truncated image: every bad one */
        for (i = 0; i < cs->blocks.n; i++)
            cs->left[i] = bad <= -2 ? before[i] == ECU_BLOCK_BAD || before[i] == ECU_BLOCK_SIGNATURE_BAD
                                    : cs->info[i].status == ECU_BLOCK_BAD ||
                                          cs->info[i].status == ECU_BLOCK_SIGNATURE_BAD;
    }
    if (bad != 0) {
        memcpy(cs->img, orig, cs->size);
        verify_all(cs, NULL);
        free(orig);
        free(allowed);
        free(before);
        return bad == -1 ? ECU_ERR_NOMEM : ECU_ERR_UNFIXABLE;
    }
    cs->verdict = ECU_VERDICT_FIXED;
    free(orig);
    free(allowed);
    free(before);
    return ECU_OK;
}

/* ---- results -------------------------------------------------------------------------------- */

ecu_verdict ecu_csum_verdict(const ecu_csum *cs) { return cs ? cs->verdict : ECU_VERDICT_UNKNOWN; }
const ecu_family_info *ecu_csum_family(const ecu_csum *cs)
{
    return cs && cs->family && cs->verdict != ECU_VERDICT_AMBIGUOUS ? &cs->family->info : NULL;
}
unsigned ecu_csum_score(const ecu_csum *cs) { return cs ? cs->score : 0; }
const char *ecu_csum_evidence(const ecu_csum *cs) { return cs ? cs->evidence : ""; }
uint64_t ecu_csum_expected_size(const ecu_csum *cs) { return cs ? cs->expected : 0; }
ecu_extent ecu_csum_extent(const ecu_csum *cs) { return cs ? cs->extent : ECU_EXTENT_UNKNOWN; }

const char *ecu_extent_name(ecu_extent e)
{
    switch (e) {
    case ECU_EXTENT_UNKNOWN: return "unknown";
    case ECU_EXTENT_EXACT: return "exact";
    case ECU_EXTENT_TRUNCATED: return "truncated";
    case ECU_EXTENT_OVERLONG: return "overlong";
    }
    return "unknown";
}

const char *ecu_csum_reference_refusal(const ecu_csum *cs)
{
    return cs && cs->ref_refusal[0] ? cs->ref_refusal : NULL;
}
size_t ecu_csum_candidate_count(const ecu_csum *cs) { return cs ? cs->ncand : 0; }

const ecu_family_info *ecu_csum_candidate_at(const ecu_csum *cs, size_t i, unsigned *score)
{
    if (!cs || i >= cs->ncand)
        return NULL;
    if (score)
        *score = cs->cand[i].score;
    return &cs->cand[i].f->info;
}

size_t ecu_csum_block_count(const ecu_csum *cs) { return cs && cs->info ? cs->blocks.n : 0; }

const ecu_block *ecu_csum_block_at(const ecu_csum *cs, size_t i)
{
    return cs && cs->info && i < cs->blocks.n ? &cs->info[i] : NULL;
}

int ecu_csum_block_resignable(const ecu_csum *cs, size_t i)
{
    return cs && cs->info && i < cs->blocks.n && cs->blocks.v[i].kind == BK_SIGNATURE &&
           cs->blocks.v[i].resign != NULL;
}

int ecu__csum_block_key(const ecu_csum *cs, size_t i, uint64_t *off, unsigned *bytes)
{
    const struct blk *b;
    if (!cs || !cs->info || i >= cs->blocks.n)
        return 0;
    b = &cs->blocks.v[i];
    if (b->kind != BK_SIGNATURE || !b->key_bytes)
        return 0;
    *off = b->key_off;
    *bytes = b->key_bytes;
    return 1;
}

int ecu_csum_block_unfixable(const ecu_csum *cs, size_t i)
{
    return cs && cs->left && i < cs->blocks.n && cs->left[i];
}

size_t ecu_csum_bad_count(const ecu_csum *cs)
{
    size_t i, n = 0;
    for (i = 0; i < ecu_csum_block_count(cs); i++)
        n += cs->info[i].status == ECU_BLOCK_BAD || cs->info[i].status == ECU_BLOCK_SIGNATURE_BAD;
    return n;
}

const uint8_t *ecu_csum_image(const ecu_csum *cs, size_t *size)
{
    if (size)
        *size = cs ? cs->size : 0;
    return cs ? cs->img : NULL;
}

const char *ecu_verdict_name(ecu_verdict v)
{
    switch (v) {
    case ECU_VERDICT_OK: return "ok";
    case ECU_VERDICT_BAD: return "bad";
    case ECU_VERDICT_UNKNOWN: return "unknown";
    case ECU_VERDICT_AMBIGUOUS: return "ambiguous";
    case ECU_VERDICT_NO_LAYOUT: return "no-layout";
    case ECU_VERDICT_FIXED: return "fixed";
    }
    return "unknown";
}

const char *ecu_block_status_name(ecu_block_status s)
{
    switch (s) {
    case ECU_BLOCK_OK: return "ok";
    case ECU_BLOCK_BAD: return "bad";
    case ECU_BLOCK_FIXED: return "fixed";
    case ECU_BLOCK_SIGNATURE: return "signature";
    case ECU_BLOCK_SIGNATURE_BAD: return "signature-bad";
    case ECU_BLOCK_RESIGNED: return "resigned";
    }
    return "unknown";
}
