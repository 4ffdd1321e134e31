/* SPDX-License-Identifier: MIT */
/*
 * Read comparison: differing ranges, majority vote, and diagnoses of read faults.
 *
 * Two reads are compared offset by offset with memcmp on blocks (the common case, equal
 * data, costs one pass of memcmp) and a byte loop only inside blocks that differ. Three or
 * more reads are voted on per byte, again with an all-equal fast path per block.
 *
 * Diagnoses compare a suspect read with a reference (the other read, or the majority
 * image) and try, in this order: a size relation (truncated tail, missing prefix), bytes
 * swapped in words, shifted data, then blank runs and stuck data bits. Each structural
 * hypothesis is verified by counting agreeing bytes under it, never assumed.
 */
#define _GNU_SOURCE /* memmem */
#include "ecu/cmp.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "cpu.h"
#include "vec_private.h"

#define BLOCK 4096
/* a structural explanation must make at least this share of bytes agree */
#define MATCH_STRUCT 0.99
#define MATCH_SHIFT 0.98
/* fewest bytes for a stuck-bit or blank diagnosis */
#define MIN_FAULT_BYTES 16
#define SHIFT_WINDOW 32
#define SHIFT_SAMPLES 16
#define SHIFT_MIN_RADIUS ((uint64_t)64 * 1024)
#define SHIFT_SCAN ((uint64_t)64 * 1024)
/* bytes on each side of a blank run where the other read must show data */
#define BLANK_CONTEXT 256

struct span {
    uint64_t s, e;
};

struct ecu_cmp {
    /* options */
    struct span *ign;
    size_t nign, igncap;
    uint64_t gap;
    int diagnose;
    /* results */
    size_t n;
    int identical;
    uint64_t differing, compared, unresolved;
    uint64_t read_diff[ECU_CMP_MAX_READS];
    ecu_cmp_range_fn sink; /* set: ranges go to it instead of range_mem */
    void *sink_ctx;
    struct ecu_vec range_mem; /* ecu_cmp_range[nkept] */
    size_t nranges, nkept;
    ecu_cmp_diag *diags;
    size_t ndiags, dcap;
    uint8_t *cons;
    size_t cons_size;
    int cons_ok;
};

ecu_cmp *ecu_cmp_new(void)
{
    ecu_cmp *c = calloc(1, sizeof *c);
    if (c) {
        c->gap = ECU_CMP_DEFAULT_GAP;
        c->diagnose = 1;
    }
    return c;
}

static void clear_results(ecu_cmp *c)
{
    ecu__vec_free(&c->range_mem);
    free(c->diags);
    free(c->cons);
    c->diags = NULL;
    c->cons = NULL;
    c->nranges = c->nkept = c->ndiags = c->dcap = 0;
    c->cons_size = 0;
    c->cons_ok = 0;
    c->n = 0;
    c->identical = 0;
    c->differing = c->compared = c->unresolved = 0;
    memset(c->read_diff, 0, sizeof c->read_diff);
}

void ecu_cmp_free(ecu_cmp *c)
{
    if (!c)
        return;
    clear_results(c);
    free(c->ign);
    free(c);
}

int ecu_cmp_add_ignore(ecu_cmp *c, uint64_t start, uint64_t end)
{
    if (!c || end <= start)
        return ECU_ERR_INVALID;
    if (c->nign == c->igncap) {
        size_t cap = c->igncap ? c->igncap * 2 : 8;
        void *q = realloc(c->ign, cap * sizeof *c->ign);
        if (!q)
            return ECU_ERR_NOMEM;
        c->ign = q;
        c->igncap = cap;
    }
    c->ign[c->nign].s = start;
    c->ign[c->nign].e = end;
    c->nign++;
    return ECU_OK;
}

int ecu_cmp_set_gap(ecu_cmp *c, uint64_t gap)
{
    if (!c)
        return ECU_ERR_INVALID;
    c->gap = gap;
    return ECU_OK;
}

int ecu_cmp_set_diagnose(ecu_cmp *c, int on)
{
    if (!c)
        return ECU_ERR_INVALID;
    c->diagnose = on != 0;
    return ECU_OK;
}

int ecu_cmp_set_range_sink(ecu_cmp *c, ecu_cmp_range_fn fn, void *ctx)
{
    if (!c)
        return ECU_ERR_INVALID;
    c->sink = fn;
    c->sink_ctx = fn ? ctx : NULL;
    return ECU_OK;
}

/* ---- the compared offsets: [0, total) minus the ignored spans, as sorted segments --------- */

static int span_cmp(const void *a, const void *b)
{
    const struct span *x = a, *y = b;
    return x->s < y->s ? -1 : x->s > y->s;
}

/* Writes the segments to compare into *out (malloc'd); returns their count or -1. */
static long active_segments(ecu_cmp *c, uint64_t total, struct span **out)
{
    struct span *seg = malloc((c->nign + 1) * sizeof *seg);
    uint64_t at = 0;
    size_t i;
    long n = 0;
    if (!seg)
        return -1;
    if (c->nign)
        qsort(c->ign, c->nign, sizeof *c->ign, span_cmp);
    for (i = 0; i < c->nign && at < total; i++) {
        if (c->ign[i].s > at)
            seg[n++] = (struct span){at, c->ign[i].s < total ? c->ign[i].s : total};
        if (c->ign[i].e > at)
            at = c->ign[i].e;
    }
    if (at < total)
        seg[n++] = (struct span){at, total};
    *out = seg;
    return n;
}

/* ---- range building ------------------------------------------------------------------- */

#define RV(r) ((ecu_cmp_range *)(r)->mem.p)

/* Ranges handed to a sink at a time: small enough to stay in the first-level caches while
   the caller formats them, large enough that the call costs nothing per range. */
#define SINK_BATCH 512

struct ranger {
    struct ecu_vec mem; /* ecu_cmp_range[n]; with a sink, a batch of SINK_BATCH */
    size_t n;
    int open;
    uint64_t last; /* last differing offset of the open range */
    uint64_t gap;
    ecu_cmp_range_fn sink; /* set: full batches go there (ranges before the last are closed) */
    void *sink_ctx;
    size_t handed; /* ranges given to the sink so far */
    int err;       /* why the last push failed: ECU_ERR_NOMEM or ECU_ERR_STOPPED */
};

/* Gives the ranges held to the sink and empties the batch. */
static int ranger_flush(struct ranger *r)
{
    size_t n = r->n;
    r->n = 0;
    r->handed += n;
    if (n && r->sink(r->sink_ctx, (const ecu_cmp_range *)r->mem.p, n) != 0)
        return r->err = ECU_ERR_STOPPED;
    return ECU_OK;
}

/* Makes room for one more range. A full batch is handed to the sink first: every range in
   it is closed, because a new one is only pushed when the last one has ended. */
static inline int ranger_push(struct ranger *r)
{
    size_t need = (r->n + 1) * sizeof(ecu_cmp_range);
    if (need > r->mem.bytes) {
        if (r->sink && r->n) {
            if (ranger_flush(r))
                return r->err;
        } else if (ecu__vec_reserve(&r->mem, need)) {
            return r->err = ECU_ERR_NOMEM;
        }
    }
    r->n++;
    return ECU_OK;
}

/* Adds @p count differing offsets starting at @p off (consecutive). */
static int ranger_add(struct ranger *r, uint64_t off, uint64_t count, uint64_t mask, uint64_t unres)
{
    ecu_cmp_range *cur;
    if (r->open && off - r->last - 1 <= r->gap) {
        cur = &RV(r)[r->n - 1];
    } else {
        if (ranger_push(r))
            return r->err;
        cur = &RV(r)[r->n - 1];
        memset(cur, 0, sizeof *cur);
        cur->start = off;
        r->open = 1;
    }
    r->last = off + count - 1;
    cur->length = r->last - cur->start + 1;
    cur->differing += count;
    cur->unresolved += unres;
    cur->reads |= mask;
    return ECU_OK;
}

/* Number of bytes whose high bit is set in a mask with no other bits (portable popcount
   without a libgcc call on CPUs that lack the instruction). */
static inline uint64_t bytes_set(uint64_t mask)
{
    return ((mask >> 7) * 0x0101010101010101ULL) >> 56;
}

/* Closes the range open in the locals of diff_pair into @p r. */
static inline int ranger_put(struct ranger *r, uint64_t start, uint64_t last, uint64_t differing,
                      uint64_t mask)
{
    ecu_cmp_range *g;
    if (ranger_push(r))
        return r->err;
    g = &RV(r)[r->n - 1];
    g->start = start;
    g->length = last - start + 1;
    g->differing = differing;
    g->unresolved = 0;
    g->reads = mask;
    return ECU_OK;
}

/*
 * The pair diff is built twice on x86-64 with GCC: for x86-64-v3 (hardware popcnt, tzcnt,
 * lzcnt, AVX2 encodings; most CPUs since 2013) and for the baseline, picked by the CPUID
 * bits at the first diff (core/cpu.h). Sanitizer builds keep one version.
 */
/* what the cloned diff calls must be compiled into each clone, or it runs the baseline code */
#if defined(__GNUC__)
#define ECU_ALWAYS_INLINE __attribute__((always_inline))
#else
#define ECU_ALWAYS_INLINE
#endif
#define ECU_HAVE_CLONES ECU_HAVE_V3

ECU_ALWAYS_INLINE
static inline unsigned popcount64(uint64_t x)
{
#if ECU_HAVE_CLONES
    return (unsigned)__builtin_popcountll(x); /* one instruction in the v3 version */
#else
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return (unsigned)((x * 0x0101010101010101ULL) >> 56);
#endif
}

/* Bit j set: a[j] != b[j], for the 64 bytes at a and b. */
static inline uint64_t diff_mask64(const uint8_t *a, const uint8_t *b)
{
#if defined(__SSE2__)
    uint64_t eq = 0;
    int j;
    for (j = 0; j < 4; j++) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(a + 16 * j));
        __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(b + 16 * j));
        eq |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, y)) << (16 * j);
    }
    return ~eq;
#else
    uint64_t m = 0;
    int j;
    for (j = 0; j < 64; j++)
        m |= (uint64_t)(a[j] != b[j]) << j;
    return m;
#endif
}

/* Bits of m's positions shifted up by 1 to g1 places: the offsets that a differing byte of
   this block reaches without a gap longer than g1 - 1. */
ECU_ALWAYS_INLINE
static inline uint64_t follow_mask(uint64_t m, uint64_t g1)
{
    uint64_t f, span = 1;
    if (g1 >= 64) {
        uint64_t low = m & (0 - m);
        return m ? ~(low | (low - 1)) : 0;
    }
    if (g1 == ECU_CMP_DEFAULT_GAP + 1) /* the default, unrolled: shifts 1..17 */
        return f = m << 1, f |= f << 1, f |= f << 2, f |= f << 4, f |= f << 8, f | f << 1;
    f = m << 1;
    while (span < g1) {
        uint64_t add = span < g1 - span ? span : g1 - span;
        f |= f << add;
        span += add;
    }
    return f;
}

/* Open range of diff_pair, flushed into a ranger when a gap ends it. */
struct open_range {
    int open;
    uint64_t start, last, count;
};

/* Closes the open range (if any) into @p r and opens a new one at @p pos. */
static inline int range_restart(struct ranger *r, struct open_range *o, uint64_t pos, uint64_t mask)
{
    if (o->open && ranger_put(r, o->start, o->last, o->count, mask))
        return r->err;
    o->open = 1;
    o->start = pos;
    o->count = 0;
    return ECU_OK;
}

/* Makes the open range reach @p pos: it goes on when at most @p gap equal bytes lie between,
   else a new range starts at @p pos. */
static inline int range_reach(struct ranger *r, struct open_range *o, uint64_t pos, uint64_t gap,
                              uint64_t mask)
{
    if (o->open && pos - o->last - 1 <= gap)
        return ECU_OK;
    return range_restart(r, o, pos, mask);
}

/* Adds the differing bytes of mask m (bit j = offset base + j) to the open range and r.
   The state is copied into locals so that stores into the range array, which the compiler
   must assume may alias it, do not force it back to memory on every bit. */
ECU_ALWAYS_INLINE
static inline int merge_mask(struct ranger *r, struct open_range *or_, uint64_t base, uint64_t m,
                             uint64_t mask, uint64_t gap)
{
    struct open_range o = *or_;
    /* the first differing byte of a block is always a start; the other starts are bytes
       more than `gap` equal bytes after the previous difference: each opens a new range */
    uint64_t starts = m & ~follow_mask(m, gap + 1), rest, part;
    /* the first one may continue the last range */
    if (range_reach(r, &o, base + (unsigned)__builtin_ctzll(m), gap, mask))
        return r->err;
    starts &= starts - 1;
    for (;;) {
        /* the current range takes the bits below the next start */
        rest = starts ? (starts & (0 - starts)) - 1 : ~(uint64_t)0;
        part = m & rest;
        o.count += popcount64(part);
        o.last = base + (unsigned)(63 - __builtin_clzll(part));
        if (!starts)
            break;
        m &= ~rest;
        if (range_restart(r, &o, base + (unsigned)__builtin_ctzll(starts), mask))
            return r->err;
        starts &= starts - 1;
    }
    *or_ = o;
    return ECU_OK;
}

/*
 * Differing offsets of two buffers over the segments, gathered into ranges in @p r (which
 * must be empty); returns the count of differing offsets, or UINT64_MAX when a range could not
 * be stored or the sink stopped the run (the reason is in r->err).
 * Equal data costs one memcmp per block; differing blocks are turned into 64-bit masks of
 * differing bytes, and ranges are cut where a run of equal bytes exceeds the gap.
 */
ECU_ALWAYS_INLINE
static inline uint64_t diff_pair_body(const uint8_t *a, size_t na, const uint8_t *b, size_t nb,
                                      const struct span *seg, long nseg, uint64_t mask,
                                      struct ranger *r)
{
    /* offsets are below 2^62: a larger gap merges as much, and gap + 1 cannot wrap to 0 */
    uint64_t total = 0, gap = r->gap < ((uint64_t)1 << 62) ? r->gap : (uint64_t)1 << 62;
    size_t common = na < nb ? na : nb;
    struct open_range o = {0, 0, 0, 0};
    long si;

    for (si = 0; si < nseg; si++) {
        uint64_t s = seg[si].s, e = seg[si].e, ce = e < common ? e : common, i = s, k;
        while (i < ce) {
            uint64_t blk = ce - i < BLOCK ? ce - i : BLOCK, end = i + blk;
            if (memcmp(a + i, b + i, (size_t)blk) == 0) {
                i = end;
                continue;
            }
            for (k = i; k + 64 <= end; k += 64) {
                uint64_t m = diff_mask64(a + k, b + k);
                if (m) {
                    total += popcount64(m);
                    if (merge_mask(r, &o, k, m, mask, gap))
                        return UINT64_MAX;
                }
            }
            if (k < end) {
                uint64_t m = 0, j;
                for (j = 0; k + j < end; j++)
                    m |= (uint64_t)(a[k + j] != b[k + j]) << j;
                total += popcount64(m);
                if (m && merge_mask(r, &o, k, m, mask, gap))
                    return UINT64_MAX;
            }
            i = end;
        }
        /* offsets that only the longer read has: one consecutive run */
        k = ce > s ? ce : s;
        if (k < e) {
            if (range_reach(r, &o, k, gap, mask))
                return UINT64_MAX;
            o.count += e - k;
            o.last = e - 1;
            total += e - k;
        }
    }
    if (o.open && ranger_put(r, o.start, o.last, o.count, mask))
        return UINT64_MAX;
    return total;
}

#if ECU_HAVE_CLONES
ECU_V3
static uint64_t diff_pair_v3(const uint8_t *a, size_t na, const uint8_t *b, size_t nb,
                             const struct span *seg, long nseg, uint64_t mask, struct ranger *r)
{
    return diff_pair_body(a, na, b, nb, seg, nseg, mask, r);
}

#endif

static uint64_t diff_pair(const uint8_t *a, size_t na, const uint8_t *b, size_t nb,
                          const struct span *seg, long nseg, uint64_t mask, struct ranger *r)
{
#if ECU_HAVE_CLONES
    if (ecu__cpu_v3())
        return diff_pair_v3(a, na, b, nb, seg, nseg, mask, r);
#endif
    return diff_pair_body(a, na, b, nb, seg, nseg, mask, r);
}

/* ---- diagnoses ---------------------------------------------------------------------------- */

static int add_diag(ecu_cmp *c, const ecu_cmp_diag *d)
{
    if (c->ndiags == c->dcap) {
        size_t cap = c->dcap ? c->dcap * 2 : 8;
        void *q = realloc(c->diags, cap * sizeof *c->diags);
        if (!q)
            return ECU_ERR_NOMEM;
        c->diags = q;
        c->dcap = cap;
    }
    c->diags[c->ndiags++] = *d;
    return ECU_OK;
}

/* One side of a pairwise diagnosis. */
struct side {
    const uint8_t *d;
    size_t n;
    unsigned idx; /* read index, or ECU_CMP_MAJORITY */
};

/* Counts i in [from, to) with b[i] == a[i + d], where both exist. */
static uint64_t count_shifted_matches(const struct side *a, const struct side *b, uint64_t from,
                                      uint64_t to, int64_t d, uint64_t *compared)
{
    uint64_t i, m = 0, cnt = 0;
    for (i = from; i < to && i < b->n; i++) {
        int64_t j = (int64_t)i + d;
        if (j < 0)
            continue;
        if ((uint64_t)j >= a->n)
            break;
        cnt++;
        m += a->d[j] == b->d[i];
    }
    *compared = cnt;
    return m;
}

/*
 * Swap test over the whole 8-byte words of [0, n), x = 1 (16-bit swap) or 3 (32-bit
 * reversal): *all gets the count of i with b[i] == a[i ^ x]; the return value counts those
 * among the informative positions, where a[i] != a[i ^ x] (0xFF FF or 00 00 words look the
 * same swapped and prove nothing), whose number goes to *informative.
 */
static uint64_t count_swapped_matches(const uint8_t *a, const uint8_t *b, size_t n, unsigned x,
                                      uint64_t *all, uint64_t *informative)
{
    const uint64_t lo7 = 0x7F7F7F7F7F7F7F7FULL, hi = 0x8080808080808080ULL;
    uint64_t m = 0, m_all = 0, inf = 0, wa, wb, sa, d, e, nz_e, zero_d;
    size_t i, end = n & ~(size_t)7;
    for (i = 0; i < end; i += 8) {
        memcpy(&wa, a + i, 8);
        memcpy(&wb, b + i, 8);
        sa = ((wa & 0x00FF00FF00FF00FFULL) << 8) | ((wa >> 8) & 0x00FF00FF00FF00FFULL);
        if (x == 3) /* reverse bytes within each 32-bit lane */
            sa = ((sa & 0x0000FFFF0000FFFFULL) << 16) | ((sa >> 16) & 0x0000FFFF0000FFFFULL);
        d = sa ^ wb;                              /* zero bytes: b agrees with swapped a */
        e = sa ^ wa;                              /* non-zero bytes: informative */
        zero_d = ~(((d & lo7) + lo7) | d | lo7);  /* high bit set in the zero bytes of d */
        nz_e = (((e & lo7) + lo7) | e) & hi;      /* high bit set in the non-zero bytes of e */
        m_all += bytes_set(zero_d);
        inf += bytes_set(nz_e);
        m += bytes_set(zero_d & nz_e);
    }
    *all = m_all;
    *informative = inf;
    return m;
}

static int low_information(const uint8_t *w, size_t n)
{
    uint8_t seen[256] = {0};
    unsigned distinct = 0;
    size_t i;
    for (i = 0; i < n; i++)
        if (!seen[w[i]]++)
            distinct++;
    return distinct < 12;
}

/*
 * Finds a shift d with b[i] == a[i + d] by locating sample windows of b inside a. The
 * samples are spread over the differing ranges @p rg (where a shift shows; equal fill after
 * it does not). Returns 1 with *shift set when most located samples agree on one d != 0.
 */
static int find_shift(const struct side *a, const struct side *b, const ecu_cmp_range *rg,
                      size_t nrg, int64_t *shift)
{
    int64_t votes_d[SHIFT_SAMPLES];
    unsigned nv = 0, i, j, best = 0, k;
    uint64_t radius, diff = a->n > b->n ? a->n - b->n : b->n - a->n, total = 0;
    size_t r = 0;
    uint64_t before = 0; /* range lengths before range r */
    radius = diff > SHIFT_MIN_RADIUS ? diff + SHIFT_MIN_RADIUS : SHIFT_MIN_RADIUS;
    for (i = 0; i < nrg; i++)
        total += rg[i].length;
    for (k = 0; k < SHIFT_SAMPLES && total; k++) {
        uint64_t target = total * k / SHIFT_SAMPLES, q, end, lo, hi;
        const uint8_t *hit;
        while (r < nrg && before + rg[r].length <= target)
            before += rg[r++].length;
        if (r >= nrg)
            break;
        q = rg[r].start + (target - before);
        end = rg[r].start + rg[r].length;
        if (end > b->n)
            end = b->n;
        /* the first informative window from q on inside this range, looked for within 64 KiB
           (a blank read would otherwise be scanned whole for every sample) */
        if (end > q + SHIFT_SCAN)
            end = q + SHIFT_SCAN;
        while (q + SHIFT_WINDOW <= end && low_information(b->d + q, SHIFT_WINDOW))
            q += SHIFT_WINDOW / 4;
        if (q + SHIFT_WINDOW > end)
            continue;
        /* nearest match first: images often repeat (mirrored 64 KiB banks), and the copy
           that explains a lost byte is the one next to where the window used to be */
        hit = NULL;
        for (j = 0; j < 3 && !hit; j++) {
            uint64_t rad = j == 0 ? 256 : j == 1 ? 4096 : radius;
            lo = q > rad ? q - rad : 0;
            hi = q + rad + SHIFT_WINDOW < a->n ? q + rad + SHIFT_WINDOW : a->n;
            if (hi > lo && hi - lo >= SHIFT_WINDOW)
                hit = memmem(a->d + lo, (size_t)(hi - lo), b->d + q, SHIFT_WINDOW);
            if (rad >= radius)
                break;
        }
        if (hit)
            votes_d[nv++] = (int64_t)(hit - a->d) - (int64_t)q;
    }
    if (nv < 2)
        return 0;
    for (i = 0; i < nv; i++) {
        unsigned cnt = 0;
        for (j = 0; j < nv; j++)
            cnt += votes_d[j] == votes_d[i];
        if (cnt > best && votes_d[i] != 0) {
            best = cnt;
            *shift = votes_d[i];
        }
    }
    return best >= 2 && best * 2 >= nv;
}

/* Blank runs: diff ranges over which one side holds only 0xFF or only 0x00. */
static int diagnose_blank(ecu_cmp *c, size_t first, const struct side *sd[2], int symmetric,
                          const struct ranger *r, struct span **blank, size_t *nblank)
{
    size_t i, k;
    struct span *q;
    for (i = 0; i < r->n; i++) {
        const ecu_cmp_range *rg = &RV(r)[i];
        for (k = symmetric ? 0 : 1; k < 2; k++) {
            const struct side *s = sd[k], *o = sd[1 - k];
            uint64_t e = rg->start + rg->length, j;
            uint8_t fill;
            int other_data = 0;
            if (e > s->n || e > o->n)
                continue;
            fill = s->d[rg->start];
            if (fill != 0xFF && fill != 0x00)
                continue;
            for (j = rg->start; j < e && s->d[j] == fill; j++)
                other_data |= o->d[j] != fill;
            if (j < e || !other_data)
                continue;
            /* a read that lost data leaves a hole in data; a few bytes of data inside an
               erased area of both reads say nothing about which read is wrong */
            {
                uint64_t lo = rg->start > BLANK_CONTEXT ? rg->start - BLANK_CONTEXT : 0;
                uint64_t hi = e + BLANK_CONTEXT < o->n ? e + BLANK_CONTEXT : o->n, x;
                int around = 0;
                for (x = lo; x < rg->start && !around; x++)
                    around = o->d[x] != fill;
                for (x = e; x < hi && !around; x++)
                    around = o->d[x] != fill;
                /* with no bytes around at all (the whole read is blank), the data inside
                   the run is the evidence */
                if (!around && (lo < rg->start || hi > e))
                    continue;
            }
            /* extend a blank diagnosis of the same read when b's fill run connects them */
            if (c->ndiags) {
                ecu_cmp_diag *last = &c->diags[c->ndiags - 1];
                uint64_t le = last->offset + last->length, x;
                if (last->kind == ECU_DIAG_BLANK && last->read == s->idx && last->fill == fill &&
                    le <= rg->start) {
                    for (x = le; x < rg->start && s->d[x] == fill; x++)
                        ;
                    if (x == rg->start) {
                        last->length = e - last->offset;
                        last->bytes += rg->differing;
                        continue;
                    }
                }
            }
            {
                ecu_cmp_diag d;
                memset(&d, 0, sizeof d);
                d.kind = ECU_DIAG_BLANK;
                d.read = s->idx;
                d.ref = o->idx;
                d.offset = rg->start;
                d.length = rg->length;
                d.fill = fill;
                d.bytes = rg->differing;
                if (add_diag(c, &d))
                    return ECU_ERR_NOMEM;
            }
        }
    }
    /* drop blank runs too short to be called a run; keep the others' spans, sorted, so the
       stuck-bit statistics can skip them */
    for (i = k = first; i < c->ndiags; i++) {
        ecu_cmp_diag *d = &c->diags[i];
        if (d->kind == ECU_DIAG_BLANK && d->bytes < MIN_FAULT_BYTES)
            continue;
        c->diags[k++] = *d;
    }
    c->ndiags = k;
    if (k == first)
        return ECU_OK;
    if (!(q = malloc((k - first) * sizeof *q)))
        return ECU_ERR_NOMEM;
    for (i = first; i < k; i++)
        q[i - first] = (struct span){c->diags[i].offset, c->diags[i].offset + c->diags[i].length};
    qsort(q, k - first, sizeof *q, span_cmp);
    *blank = q;
    *nblank = k - first;
    return ECU_OK;
}

/* OR and AND of the bytes of p over [s, e), per byte lane (offset mod 4). */
static void lane_or_and(const uint8_t *p, uint64_t s, uint64_t e, uint8_t or_[4], uint8_t and_[4])
{
    uint8_t o[8] = {0}, a[8] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    uint64_t i = s;
    unsigned k;
    for (; i < e && (i & 7); i++) {
        or_[i & 3] |= p[i];
        and_[i & 3] &= p[i];
    }
    for (; i + 8 <= e; i += 8) /* vectorises: eight independent accumulators */
        for (k = 0; k < 8; k++) {
            o[k] |= p[i + k];
            a[k] &= p[i + k];
        }
    for (; i < e; i++) {
        or_[i & 3] |= p[i];
        and_[i & 3] &= p[i];
    }
    for (k = 0; k < 8; k++) {
        or_[k & 3] |= o[k];
        and_[k & 3] &= a[k];
    }
}

/*
 * Stuck data bits: every difference in bit j of byte lane l (offset mod 4) has the same value
 * in one read, and that read holds that value in bit j of every byte of the lane while its
 * other bits vary. Blank runs (sorted spans) are left out of the statistics.
 */
static int diagnose_stuck(ecu_cmp *c, const struct side *sd[2], int symmetric,
                          const struct span *seg, long nseg, const struct span *blank, size_t nblank)
{
    uint64_t cnt[4][8][2]; /* [lane][bit][value in b] */
    uint8_t or_[2][4], and_[2][4];
    size_t common = sd[0]->n < sd[1]->n ? sd[0]->n : sd[1]->n, nin = 0, bi = 0, t;
    struct span *in = NULL;
    unsigned l, j, k, v;
    int candidates = 0;
    long si;

    /* the compared offsets minus the blank runs */
    for (si = 0; si < nseg; si++) {
        uint64_t s0 = seg[si].s, e0 = seg[si].e < common ? seg[si].e : common;
        while (s0 < e0) {
            uint64_t e1 = e0;
            struct span *q;
            while (bi < nblank && blank[bi].e <= s0)
                bi++;
            if (bi < nblank && blank[bi].s <= s0) {
                s0 = blank[bi].e;
                continue;
            }
            if (bi < nblank && blank[bi].s < e1)
                e1 = blank[bi].s;
            if (!(q = realloc(in, (nin + 1) * sizeof *in))) {
                free(in);
                return ECU_ERR_NOMEM;
            }
            in = q;
            in[nin++] = (struct span){s0, e1};
            s0 = e1;
        }
    }
    memset(or_, 0, sizeof or_);
    memset(and_, 0xFF, sizeof and_);
    for (t = 0; t < nin; t++)
        for (k = 0; k < 2; k++)
            lane_or_and(sd[k]->d, in[t].s, in[t].e, or_[k], and_[k]);
    /* cheap rule-out: a stuck bit is constant in its lane while other bits there vary */
    for (k = symmetric ? 0 : 1; k < 2; k++)
        for (l = 0; l < 4; l++) {
            uint8_t constant = (uint8_t)~(or_[k][l] ^ and_[k][l]);
            if (constant && constant != 0xFF)
                candidates = 1;
        }
    if (!candidates) {
        free(in);
        return ECU_OK;
    }
    memset(cnt, 0, sizeof cnt);
    for (t = 0; t < nin; t++) {
        uint64_t i;
        for (i = in[t].s; i < in[t].e; i++) {
            uint8_t x = sd[0]->d[i] ^ sd[1]->d[i], bv = sd[1]->d[i];
            l = (unsigned)(i & 3);
            while (x) {
                j = (unsigned)__builtin_ctz(x);
                cnt[l][j][(bv >> j) & 1]++;
                x &= (uint8_t)(x - 1);
            }
        }
    }
    free(in);
    /* for each (faulty side, bit, value): the lanes it explains and the bytes affected */
    for (k = symmetric ? 0 : 1; k < 2; k++) {
        for (j = 0; j < 8; j++) {
            for (v = 0; v < 2; v++) {
                unsigned lanes = 0;
                uint64_t bytes = 0;
                for (l = 0; l < 4; l++) {
                    /* side k holds v where the reads differ: side 1 value is v (k=1) or !v (k=0) */
                    unsigned bval = k == 1 ? v : !v;
                    uint8_t bit = (uint8_t)(1u << j), varying = (uint8_t)(or_[k][l] ^ and_[k][l]);
                    int constant = v ? (and_[k][l] & bit) != 0 : (or_[k][l] & bit) == 0;
                    if (!cnt[l][j][bval] || cnt[l][j][!bval])
                        continue;
                    if (!constant || !(varying & (uint8_t)~bit))
                        continue;
                    lanes |= 1u << l;
                    bytes += cnt[l][j][bval];
                }
                if (lanes && bytes >= MIN_FAULT_BYTES) {
                    ecu_cmp_diag d;
                    memset(&d, 0, sizeof d);
                    d.kind = ECU_DIAG_STUCK_BIT;
                    d.read = sd[k]->idx;
                    d.ref = sd[1 - k]->idx;
                    d.bit = j;
                    d.value = v;
                    d.lanes = lanes;
                    d.bytes = bytes;
                    if (add_diag(c, &d))
                        return ECU_ERR_NOMEM;
                }
            }
        }
    }
    return ECU_OK;
}

/* Non-zero when every difference of the pair over [s, e) is a stuck bit found for it. */
static int explained_by_stuck(const ecu_cmp *c, size_t first, const struct side *sd[2],
                              uint64_t s, uint64_t e)
{
    uint64_t i;
    size_t k;
    for (i = s; i < e; i++) {
        uint8_t x = sd[0]->d[i] ^ sd[1]->d[i], lane = (uint8_t)(1u << (i & 3));
        for (k = first; x && k < c->ndiags; k++) {
            const ecu_cmp_diag *d = &c->diags[k];
            uint8_t bit = (uint8_t)(1u << d->bit);
            const uint8_t *stuck = (d->read == sd[0]->idx ? sd[0] : sd[1])->d;
            if (d->kind == ECU_DIAG_STUCK_BIT && (d->lanes & lane) && (x & bit) &&
                !!(stuck[i] & bit) == d->value)
                x &= (uint8_t)~bit;
        }
        if (x)
            return 0;
    }
    return 1;
}

/* Drops blank runs that the stuck bits found afterwards explain: 0x20 0x00 with bit 5 stuck
   low reads as 0x00 0x00, and 0xFF 0xFF as 0xFF 0xDF; that is a stuck bit, not a blank area. */
static void drop_explained_blanks(ecu_cmp *c, size_t first, const struct side *sd[2])
{
    size_t i, k;
    for (i = k = first; i < c->ndiags; i++) {
        const ecu_cmp_diag *d = &c->diags[i];
        if (d->kind == ECU_DIAG_BLANK &&
            explained_by_stuck(c, first, sd, d->offset, d->offset + d->length))
            continue;
        c->diags[k++] = *d;
    }
    c->ndiags = k;
}

/*
 * Stuck bits must explain the differences: the stuck-bit diagnoses from @p first on are kept
 * only when at most 1% of the differing bytes outside blank runs remain unexplained by them
 * (unrelated data can show a bit that happens to stay constant in one read).
 */
static void keep_stuck_if_explaining(ecu_cmp *c, size_t first, const struct side *sd[2],
                                     const struct span *seg, long nseg, const struct span *blank,
                                     size_t nblank)
{
    size_t common = sd[0]->n < sd[1]->n ? sd[0]->n : sd[1]->n, bi = 0, k;
    uint64_t diff = 0, unexplained = 0;
    long si;
    for (si = 0; si < nseg; si++) {
        uint64_t i, e = seg[si].e < common ? seg[si].e : common;
        for (i = seg[si].s; i < e; i++) {
            if (sd[0]->d[i] == sd[1]->d[i])
                continue;
            while (bi < nblank && blank[bi].e <= i)
                bi++;
            if (bi < nblank && blank[bi].s <= i)
                continue;
            diff++;
            unexplained += !explained_by_stuck(c, first, sd, i, i + 1);
        }
    }
    if (diff && (double)unexplained > 0.01 * (double)diff) {
        c->ndiags = first; /* the stuck-bit diagnoses were appended last */
        return;
    }
    for (k = first; k < c->ndiags; k++)
        c->diags[k].residual = unexplained;
}

/* Fills in `match` of the diagnoses added since @p first: agreeing share once explained. */
static void set_match(ecu_cmp *c, size_t first, uint64_t compared, uint64_t differing)
{
    size_t i;
    for (i = first; i < c->ndiags; i++) {
        uint64_t left = differing > c->diags[i].bytes ? differing - c->diags[i].bytes : 0;
        if (c->diags[i].kind == ECU_DIAG_BLANK)
            c->diags[i].residual = left;
        if (!c->diags[i].match)
            c->diags[i].match = compared ? 1.0 - (double)left / (double)compared : 1.0;
    }
}

/*
 * Diagnoses read b against reference a. With @p symmetric (two reads) the fault may also be
 * attributed to a. @p differing is the number of differing offsets of the pair.
 */
static int diagnose_pair(ecu_cmp *c, const struct side *a, const struct side *b, int symmetric,
                         const struct span *seg, long nseg, uint64_t compared,
                         const struct ranger *known)
{
    const struct side *sd[2] = {a, b};
    struct ranger r;
    struct span *blank = NULL;
    size_t nblank = 0, first = c->ndiags;
    uint64_t differing, from = 0;
    int rc = ECU_OK;
    ecu_cmp_diag d;

    memset(&r, 0, sizeof r);
    r.gap = c->gap;
    if (known) { /* two reads: the ranges of the comparison itself */
        r = *known; /* borrowed: not freed here */
        differing = c->differing;
    } else {
        differing = diff_pair(a->d, a->n, b->d, b->n, seg, nseg, 0x3, &r);
        if (differing == UINT64_MAX) {
            ecu__vec_free(&r.mem);
            return ECU_ERR_NOMEM;
        }
    }
    if (!differing)
        goto done;
    memset(&d, 0, sizeof d);

    /* 1. size relations: the shorter read is the longer one cut at the end, or without its
          start; both hypotheses are counted and the better one is kept (on a mostly blank
          image both agree nearly everywhere, and only the data decides) */
    if (a->n != b->n) {
        const struct side *s = a->n < b->n ? a : b, *l = a->n < b->n ? b : a;
        uint64_t k = l->n - s->n, ct, cp, mt, mp, m, cmpd;
        int trunc;
        mt = count_shifted_matches(l, s, 0, s->n, 0, &ct);
        mp = count_shifted_matches(l, s, 0, s->n, (int64_t)k, &cp);
        trunc = mt >= mp;
        m = trunc ? mt : mp;
        cmpd = trunc ? ct : cp;
        if (cmpd && (double)m / (double)cmpd >= MATCH_STRUCT) {
            if (symmetric || s == b) {
                d.kind = trunc ? ECU_DIAG_TRUNCATED : ECU_DIAG_MISSING_PREFIX;
                d.read = s->idx;
                d.ref = l->idx;
                d.offset = trunc ? s->n : 0;
            } else if (trunc) { /* a read longer than the majority: bytes read past the end */
                d.kind = ECU_DIAG_EXTRA_TAIL;
                d.read = l->idx;
                d.ref = s->idx;
                d.offset = s->n;
            }
            if (d.kind) {
                d.length = k;
                d.bytes = differing; /* offset by offset, the pair differs because of it */
                d.residual = cmpd - m;
                d.match = (double)m / (double)cmpd;
                rc = add_diag(c, &d);
                goto done;
            }
        }
    }

    /* 2. bytes swapped within words (equal sizes), judged on the bytes a swap changes */
    if (a->n == b->n && a->n >= 8) {
        unsigned x;
        size_t sample = a->n < 65536 ? a->n : 65536;
        for (x = 1; x <= 3; x += 2) {
            uint64_t all, inf, m;
            /* a first window that disagrees rules the hypothesis out cheaply */
            m = count_swapped_matches(a->d, b->d, sample, x, &all, &inf);
            if (inf >= 64 && (double)m < 0.9 * (double)inf)
                continue;
            m = count_swapped_matches(a->d, b->d, a->n, x, &all, &inf);
            if (inf >= 64 && (double)m >= MATCH_STRUCT * (double)inf) {
                uint64_t whole = a->n & ~(size_t)7;
                d.kind = x == 1 ? ECU_DIAG_SWAP16 : ECU_DIAG_SWAP32;
                d.read = b->idx;
                d.ref = a->idx;
                d.bytes = differing;
                d.residual = whole - all;
                d.match = (double)all / (double)whole;
                rc = add_diag(c, &d);
                goto done;
            }
        }
    }

    /* 3. shifted data from the first difference on; between two reads the shorter one is
          the suspect (it lost bytes), whatever the argument order */
    from = r.n ? RV(&r)[0].start : 0;
    if (symmetric && a->n < b->n) {
        const struct side *t = a;
        a = b;
        b = t;
    }
    {
        int64_t shift = 0;
        if (find_shift(a, b, RV(&r), r.n, &shift)) {
            uint64_t cmpd, m = count_shifted_matches(a, b, from, b->n, shift, &cmpd), m0, c0;
            m0 = count_shifted_matches(a, b, from, b->n, 0, &c0);
            if (cmpd >= SHIFT_WINDOW && (double)m / (double)cmpd >= MATCH_SHIFT &&
                (double)m / (double)cmpd > (c0 ? (double)m0 / (double)c0 : 0.0)) {
                d.kind = ECU_DIAG_SHIFTED;
                d.read = b->idx;
                d.ref = a->idx;
                d.offset = from;
                d.shift = shift;
                d.bytes = differing;
                d.residual = cmpd - m;
                d.match = (double)m / (double)cmpd;
                rc = add_diag(c, &d);
                goto done;
            }
        }
    }

    /* 4. blank runs, then stuck data bits outside them */
    if ((rc = diagnose_blank(c, first, sd, symmetric, &r, &blank, &nblank)))
        goto done;
    {
        size_t first_stuck = c->ndiags;
        if ((rc = diagnose_stuck(c, sd, symmetric, seg, nseg, blank, nblank)))
            goto done;
        if (c->ndiags > first_stuck)
            keep_stuck_if_explaining(c, first_stuck, sd, seg, nseg, blank, nblank);
    }
    drop_explained_blanks(c, first, sd);
    set_match(c, first, compared, differing);
done:
    free(blank);
    if (!known)
        ecu__vec_free(&r.mem);
    return rc;
}

/* ---- the comparison ---------------------------------------------------------------------- */

#define ABSENT 256

/*
 * Majority vote at one offset: the value held by more than half of all reads, ABSENT when
 * more than half of the reads end before it (the majority image is shorter), or -1 when
 * there is no strict majority.
 */
static int vote(size_t n, const uint8_t *const data[], const size_t size[], uint64_t off)
{
    int cand = -1;
    size_t i, count = 0;
    for (i = 0; i < n; i++) { /* Boyer-Moore majority candidate */
        int v = off < size[i] ? data[i][off] : ABSENT;
        if (count == 0) {
            cand = v;
            count = 1;
        } else {
            count += v == cand ? 1 : (size_t)-1;
        }
    }
    for (i = 0, count = 0; i < n; i++)
        count += (off < size[i] ? data[i][off] : ABSENT) == cand;
    return count * 2 > n ? cand : -1;
}

/* The size a strict majority of the reads reaches: the (n/2 + 1)-th largest size. */
static size_t majority_size(size_t n, const size_t size[])
{
    size_t i, j, best = 0;
    for (i = 0; i < n; i++) {
        size_t longer_or_equal = 0;
        for (j = 0; j < n; j++)
            longer_or_equal += size[j] >= size[i];
        if (longer_or_equal * 2 > n && size[i] > best)
            best = size[i];
    }
    return best;
}

static int run_vote(ecu_cmp *c, size_t n, const uint8_t *const data[], const size_t size[],
                    uint64_t total, const struct span *seg, long nseg, struct ranger *r)
{
    uint64_t off, cons_end = majority_size(n, size);
    long si = 0;
    size_t i;
    uint64_t all = n >= 64 ? UINT64_MAX : (((uint64_t)1 << n) - 1);
    if (!(c->cons = malloc(total ? (size_t)total : 1)))
        return ECU_ERR_NOMEM;
    for (off = 0; off < total;) {
        int active;
        uint64_t blk, end;
        while (si < nseg && seg[si].e <= off)
            si++;
        active = si < nseg && seg[si].s <= off;
        end = active ? seg[si].e : (si < nseg ? seg[si].s : total);
        blk = end - off < BLOCK ? end - off : BLOCK;
        /* fast path: every read has the block and all agree */
        for (i = 0; i < n; i++)
            if (size[i] < off + blk || (i && memcmp(data[0] + off, data[i] + off, (size_t)blk)))
                break;
        if (i == n) {
            memcpy(c->cons + off, data[0] + off, (size_t)blk);
            off += blk;
            continue;
        }
        for (end = off + blk; off < end; off++) {
            int v = vote(n, data, size, off);
            uint64_t mask = 0;
            if (v >= 0) { /* a value, or ABSENT: the reads that hold something else differ */
                for (i = 0; i < n; i++)
                    if ((off < size[i] ? data[i][off] : ABSENT) != v)
                        mask |= (uint64_t)1 << i;
                c->cons[off] = v == ABSENT ? 0xFF : (uint8_t)v;
            } else { /* no majority: the first byte a read has, for ignored areas */
                for (i = 0; i < n && off >= size[i]; i++)
                    ;
                c->cons[off] = i < n ? data[i][off] : 0xFF;
            }
            if (!active)
                continue;
            if (v < 0) { /* in doubt for every read, but counted apart, not as a difference */
                c->unresolved++;
                c->differing++;
                if (ranger_add(r, off, 1, all, 1))
                    return r->err;
            } else if (mask) {
                c->differing++;
                for (i = 0; i < n; i++)
                    c->read_diff[i] += (mask >> i) & 1;
                if (ranger_add(r, off, 1, mask, 0))
                    return r->err;
            }
        }
    }
    c->cons_size = (size_t)cons_end;
    c->cons_ok = c->unresolved == 0 && (cons_end > 0 || total == 0);
    return ECU_OK;
}

int ecu_cmp_run(ecu_cmp *c, size_t n, const uint8_t *const data[], const size_t size[])
{
    struct span *seg = NULL;
    struct ranger r;
    uint64_t total = 0;
    long nseg, si;
    size_t i;
    int rc = ECU_OK;

    if (!c)
        return ECU_ERR_INVALID;
    clear_results(c); /* a failed run leaves no stale results behind */
    if (!data || !size || n < 2)
        return ECU_ERR_INVALID;
    if (n > ECU_CMP_MAX_READS)
        return ECU_ERR_TOO_MANY;
    for (i = 0; i < n; i++) {
        if (!data[i] && size[i])
            return ECU_ERR_INVALID;
        if (size[i] > total)
            total = size[i];
    }
    c->n = n;
    if ((nseg = active_segments(c, total, &seg)) < 0)
        return ECU_ERR_NOMEM;
    for (si = 0; si < nseg; si++)
        c->compared += seg[si].e - seg[si].s;
    memset(&r, 0, sizeof r);
    r.gap = c->gap;
    if (c->sink) {
        r.sink = c->sink;
        r.sink_ctx = c->sink_ctx;
        /* exactly one batch: the vector would round it up */
        if (!(r.mem.p = malloc(SINK_BATCH * sizeof(ecu_cmp_range)))) {
            rc = ECU_ERR_NOMEM;
            goto out;
        }
        r.mem.bytes = SINK_BATCH * sizeof(ecu_cmp_range);
    }

    if (n == 2) {
        uint64_t d = diff_pair(data[0], size[0], data[1], size[1], seg, nseg, 0x3, &r);
        if (d == UINT64_MAX) {
            rc = r.err;
            goto out;
        }
        c->differing = c->read_diff[0] = c->read_diff[1] = d;
    } else if ((rc = run_vote(c, n, data, size, total, seg, nseg, &r))) {
        goto out;
    }
    if (r.sink && (rc = ranger_flush(&r))) /* the last batch */
        goto out;

    if (n == 2) {
        if (c->differing && c->diagnose) {
            struct side a = {data[0], size[0], 0}, b = {data[1], size[1], 1};
            /* handed to a sink, the ranges are gone: the diagnoses find their own */
            rc = diagnose_pair(c, &a, &b, 1, seg, nseg, c->compared, r.sink ? NULL : &r);
        }
    } else {
        if (c->diagnose && c->differing) {
            struct side a = {c->cons, c->cons_size, ECU_CMP_MAJORITY};
            for (i = 0; i < n && rc == ECU_OK; i++) {
                struct side b = {data[i], size[i], (unsigned)i};
                if (c->read_diff[i])
                    rc = diagnose_pair(c, &a, &b, 0, seg, nseg, c->compared, NULL);
            }
        }
    }
    c->identical = c->differing == 0;
    for (i = 1; i < n; i++)
        if (size[i] != size[0])
            c->identical = 0;
out:
    if (r.sink) {
        ecu__vec_free(&r.mem);
    } else {
        c->range_mem = r.mem;
        c->nkept = r.n;
    }
    c->nranges = r.handed + r.n;
    free(seg);
    if (rc != ECU_OK) {
        clear_results(c);
        c->n = 0;
    }
    return rc;
}

/* ---- results ------------------------------------------------------------------------------ */

int ecu_cmp_identical(const ecu_cmp *c) { return c ? c->identical : 0; }
uint64_t ecu_cmp_differing(const ecu_cmp *c) { return c ? c->differing : 0; }
uint64_t ecu_cmp_compared(const ecu_cmp *c) { return c ? c->compared : 0; }
uint64_t ecu_cmp_unresolved(const ecu_cmp *c) { return c ? c->unresolved : 0; }
size_t ecu_cmp_range_count(const ecu_cmp *c) { return c ? c->nranges : 0; }
size_t ecu_cmp_diag_count(const ecu_cmp *c) { return c ? c->ndiags : 0; }

uint64_t ecu_cmp_read_differing(const ecu_cmp *c, size_t i)
{
    return c && i < c->n ? c->read_diff[i] : 0;
}

const ecu_cmp_range *ecu_cmp_range_at(const ecu_cmp *c, size_t i)
{
    return c && i < c->nkept ? &((const ecu_cmp_range *)c->range_mem.p)[i] : NULL;
}

const ecu_cmp_diag *ecu_cmp_diag_at(const ecu_cmp *c, size_t i)
{
    return c && i < c->ndiags ? &c->diags[i] : NULL;
}

const uint8_t *ecu_cmp_consensus(const ecu_cmp *c, size_t *size, int *err)
{
    int e = ECU_OK;
    const uint8_t *p = NULL;
    if (!c || c->n < 3 || !c->cons)
        e = ECU_ERR_INVALID;
    else if (!c->cons_ok)
        e = ECU_ERR_NO_MAJORITY;
    else
        p = c->cons;
    if (size)
        *size = p ? c->cons_size : 0;
    if (err)
        *err = e;
    return p;
}

const char *ecu_cmp_diag_kind_name(ecu_cmp_diag_kind kind)
{
    switch (kind) {
    case ECU_DIAG_MISSING_PREFIX: return "missing-prefix";
    case ECU_DIAG_TRUNCATED: return "truncated";
    case ECU_DIAG_SHIFTED: return "shifted";
    case ECU_DIAG_SWAP16: return "swap16";
    case ECU_DIAG_SWAP32: return "swap32";
    case ECU_DIAG_STUCK_BIT: return "stuck-bit";
    case ECU_DIAG_BLANK: return "blank";
    case ECU_DIAG_EXTRA_TAIL: return "extra-tail";
    }
    return "unknown";
}

static const char *plural(uint64_t n) { return n == 1 ? "" : "s"; }

static const char *size_hint(uint64_t n, char *buf, size_t sz)
{
    if (n >= 1024 && n % 1024 == 0)
        snprintf(buf, sz, ", %" PRIu64 " KiB", n / 1024);
    else
        buf[0] = '\0';
    return buf;
}

static const char *lanes_text(unsigned lanes, char *buf, size_t sz)
{
    unsigned l, first = 1;
    size_t at;
    switch (lanes) {
    case 0xF: return "every byte";
    case 0x5: return "even bytes";
    case 0xA: return "odd bytes";
    }
    at = (size_t)snprintf(buf, sz, "bytes at offsets 4n+");
    for (l = 0; l < 4 && at < sz; l++)
        if (lanes & (1u << l)) {
            at += (size_t)snprintf(buf + at, sz - at, "%s%u", first ? "" : ",", l);
            first = 0;
        }
    return buf;
}

/* "the rest matches", or how many other bytes differ */
static const char *rest_text(uint64_t residual, char *buf, size_t sz)
{
    if (!residual)
        return "the rest matches";
    snprintf(buf, sz, "%" PRIu64 " other byte%s differ%s", residual, plural(residual),
             residual == 1 ? "s" : "");
    return buf;
}

int ecu_cmp_diag_describe(const ecu_cmp_diag *d, char *buf, size_t sz)
{
    char h[32], r[48];
    if (!d)
        return snprintf(buf, sz, "no diagnosis");
    switch (d->kind) {
    case ECU_DIAG_MISSING_PREFIX:
        return snprintf(buf, sz, "lacks the first %" PRIu64 " byte%s (0x%" PRIX64 "%s) of the "
                        "reference; %s", d->length, plural(d->length), d->length,
                        size_hint(d->length, h, sizeof h), rest_text(d->residual, r, sizeof r));
    case ECU_DIAG_TRUNCATED:
        return snprintf(buf, sz, "truncated: the last %" PRIu64 " byte%s (0x%" PRIX64 "%s) from "
                        "0x%" PRIX64 " %s missing; %s", d->length, plural(d->length),
                        d->length, size_hint(d->length, h, sizeof h), d->offset,
                        d->length == 1 ? "is" : "are", rest_text(d->residual, r, sizeof r));
    case ECU_DIAG_EXTRA_TAIL:
        return snprintf(buf, sz, "has %" PRIu64 " byte%s (0x%" PRIX64 "%s) beyond the end of the "
                        "reference, from 0x%" PRIX64 "; %s", d->length, plural(d->length),
                        d->length, size_hint(d->length, h, sizeof h), d->offset,
                        rest_text(d->residual, r, sizeof r));
    case ECU_DIAG_SHIFTED:
    {
        uint64_t k = (uint64_t)(d->shift > 0 ? d->shift : -d->shift);
        return snprintf(buf, sz, "data shifted from 0x%" PRIX64 " on: %" PRIu64 " byte%s %s there%s%s",
                        d->offset, k, plural(k), d->shift > 0 ? "missing" : "inserted",
                        d->residual ? "; " : "", d->residual ? rest_text(d->residual, r, sizeof r) : "");
    }
    case ECU_DIAG_SWAP16:
    case ECU_DIAG_SWAP32:
        return snprintf(buf, sz, "bytes %s%s%s", d->kind == ECU_DIAG_SWAP16
                        ? "swapped within 16-bit words" : "reversed within 32-bit words",
                        d->residual ? "; " : "", d->residual ? rest_text(d->residual, r, sizeof r) : "");
    case ECU_DIAG_STUCK_BIT: {
        char lt[48];
        return snprintf(buf, sz, "data bit %u stuck at %u in %s (%" PRIu64 " byte%s differ%s)",
                        d->bit, d->value, lanes_text(d->lanes, lt, sizeof lt), d->bytes,
                        plural(d->bytes), d->bytes == 1 ? "s" : "");
    }
    case ECU_DIAG_BLANK:
        return snprintf(buf, sz, "blank (all 0x%02X) over 0x%" PRIX64 "-0x%" PRIX64 " (%" PRIu64
                        " byte%s) where the reference has data", d->fill, d->offset,
                        d->offset + d->length - 1, d->length, plural(d->length));
    }
    return snprintf(buf, sz, "unknown diagnosis");
}

void ecu_fingerprint_hex(const void *data, size_t size, char out[33])
{
    static const char hex[] = "0123456789abcdef";
    XXH128_canonical_t canon;
    size_t i;
    XXH128_canonicalFromHash(&canon, XXH3_128bits(data, size));
    for (i = 0; i < 16; i++) {
        out[2 * i] = hex[canon.digest[i] >> 4];
        out[2 * i + 1] = hex[canon.digest[i] & 15];
    }
    out[32] = '\0';
}
