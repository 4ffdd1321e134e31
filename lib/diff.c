/* SPDX-License-Identifier: MIT */
/*
 * The structure diff (include/ecu/diff.h): the changed regions of a modified image against
 * its original, each classified by what the original's family knows.
 *
 * The regions are the comparison engine's (ecu/cmp.h, two reads, no diagnoses): differing
 * bytes merged across gaps. The fingerprints are its ecu_fingerprint_hex. What the bytes of
 * the original are comes from three engines: the checksum engine's blocks (slots, signatures
 * and the public key a signature is checked with), the identification engine's fields, and
 * the family's code and calibration areas (core/family.h `areas`, through the registry). They
 * are laid out once per run as intervals with a priority (slot or signature 3, field 2, area
 * 1), cut into elementary segments at every border, each with the winning interval; a region
 * is then cut where the segments change and each piece trimmed to its differing bytes.
 */
#include "ecu/diff.h"

#include "ecu/cmp.h"
#include "ecu/csum.h"
#include "ecu/id.h"

#include "csum_private.h"
#include "registry.h"
#include "vec_private.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PAST_END "past the end of the original"

/* what a byte of the original is: an interval of the original with its class */
struct ivl {
    uint64_t s, e; /* [s, e) */
    int prio;      /* 3 slot or signature, 2 identification field, 1 area, 0 nothing */
    ecu_region_class cls;
    const char *what;
    size_t ord; /* the order it was listed in */
};

struct ecu_diff {
    uint64_t gap;
    /* the engines whose results classify (kept: the names point into them) */
    ecu_cmp *cmp;
    ecu_csum *cs;
    ecu_id *id;
    /* the caller's analyses of the original (ecu_diff_use_analyses), or NULL */
    const ecu_csum *ucs;
    const ecu_id *uid;
    /* the analyses that classify this run: the caller's, else the handle's own */
    const ecu_csum *acs;
    const ecu_id *aid;
    /* results */
    int ran, identical;
    uint64_t size[2];
    char fp[2][33];
    const char *family;
    struct ecu_vec regions; /* ecu_diff_region[nregions] */
    size_t nregions;
    size_t count[ECU_REGION_CLASS_COUNT];
    uint64_t bytes[ECU_REGION_CLASS_COUNT];
    /* the intervals and the segments they make */
    struct ivl *iv, *seg;
    size_t niv, ivcap, nseg;
};

ecu_diff *ecu_diff_new(void)
{
    ecu_diff *df = calloc(1, sizeof *df);
    if (!df)
        return NULL;
    df->gap = ECU_DIFF_DEFAULT_GAP;
    df->cmp = ecu_cmp_new();
    df->cs = ecu_csum_new();
    df->id = ecu_id_new();
    if (!df->cmp || !df->cs || !df->id || ecu_cmp_set_diagnose(df->cmp, 0) != ECU_OK) {
        ecu_diff_free(df);
        return NULL;
    }
    return df;
}

static void clear(ecu_diff *df)
{
    ecu__vec_free(&df->regions);
    free(df->iv);
    free(df->seg);
    df->iv = df->seg = NULL;
    df->niv = df->ivcap = df->nseg = df->nregions = 0;
    df->ran = df->identical = 0;
    df->size[0] = df->size[1] = 0;
    df->fp[0][0] = df->fp[1][0] = '\0';
    df->family = NULL;
    memset(df->count, 0, sizeof df->count);
    memset(df->bytes, 0, sizeof df->bytes);
}

void ecu_diff_free(ecu_diff *df)
{
    if (!df)
        return;
    clear(df);
    ecu_cmp_free(df->cmp);
    ecu_csum_free(df->cs);
    ecu_id_free(df->id);
    free(df);
}

int ecu_diff_set_gap(ecu_diff *df, uint64_t gap)
{
    if (!df)
        return ECU_ERR_INVALID;
    df->gap = gap;
    return ECU_OK;
}

/* ---- what the original's bytes are ----------------------------------------------------- */

/* Adds [s, e) clipped to the original's @p n bytes (nothing when empty). */
static int add_ivl(ecu_diff *df, uint64_t s, uint64_t e, int prio, ecu_region_class cls,
                   const char *what, uint64_t n)
{
    if (e > n)
        e = n;
    if (s >= e)
        return ECU_OK;
    if (df->niv == df->ivcap) {
        size_t cap = df->ivcap ? df->ivcap * 2 : 64;
        struct ivl *q = realloc(df->iv, cap * sizeof *q);
        if (!q)
            return ECU_ERR_NOMEM;
        df->iv = q;
        df->ivcap = cap;
    }
    df->iv[df->niv] = (struct ivl){s, e, prio, cls, what ? what : "", df->niv};
    df->niv++;
    return ECU_OK;
}

static int add_slots(ecu_diff *df, uint64_t n)
{
    size_t i;
    int rc = ECU_OK;
    for (i = 0; i < ecu_csum_block_count(df->acs) && rc == ECU_OK; i++) {
        const ecu_block *b = ecu_csum_block_at(df->acs, i);
        int sig = b->status == ECU_BLOCK_SIGNATURE || b->status == ECU_BLOCK_SIGNATURE_BAD ||
                  b->status == ECU_BLOCK_RESIGNED;
        uint64_t koff;
        unsigned kbytes;
        if (b->store_offset <= n)
            rc = add_ivl(df, b->store_offset, b->store_offset + b->store_bytes, 3,
                         sig ? ECU_REGION_SIGNATURE : ECU_REGION_CHECKSUM, b->name, n);
        if (rc == ECU_OK && ecu__csum_block_key(df->acs, i, &koff, &kbytes) && koff <= n)
            rc = add_ivl(df, koff, koff + kbytes, 3, ECU_REGION_SIGNATURE, b->name, n);
    }
    return rc;
}

static int add_fields(ecu_diff *df, uint64_t n)
{
    size_t i;
    int rc = ECU_OK;
    for (i = 0; i < ecu_id_field_count(df->aid) && rc == ECU_OK; i++) {
        const ecu_id_field *f = ecu_id_field_at(df->aid, i);
        size_t len = strlen(f->value);
        if (f->offset != ECU_ID_NO_OFFSET && f->offset <= n && len)
            rc = add_ivl(df, f->offset, f->offset + len, 2, ECU_REGION_IDENT, f->key, n);
    }
    return rc;
}

static int add_areas(ecu_diff *df, const uint8_t *d, size_t n)
{
    struct family_area a[ECU_FAMILY_MAX_AREAS];
    const struct family *f;
    size_t k, na;
    int rc = ECU_OK;
    if (!df->family || !(f = ecu__find_family(df->family)) || !f->areas)
        return ECU_OK;
    na = f->areas(d, n, a, ECU_FAMILY_MAX_AREAS);
    for (k = 0; k < na && k < ECU_FAMILY_MAX_AREAS && rc == ECU_OK; k++)
        if (a[k].kind == FA_CODE || a[k].kind == FA_CALIBRATION)
            rc = add_ivl(df, a[k].start, a[k].end, 1,
                         a[k].kind == FA_CODE ? ECU_REGION_CODE : ECU_REGION_CALIBRATION,
                         a[k].name, n);
    return rc;
}

static int u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* By start, then by the order listed (slots, fields, areas; each engine's own order). */
static int ivl_start_cmp(const void *a, const void *b)
{
    const struct ivl *x = a, *y = b;
    if (x->s != y->s)
        return x->s < y->s ? -1 : 1;
    return x->ord < y->ord ? -1 : x->ord > y->ord;
}

/* Cuts [0, n) at every interval border into segments, each with the interval that wins there
   (highest priority, then the first listed of equal priority), adjacent segments that end up
   the same joined, and one last segment past the end. */
static int build_segments(ecu_diff *df, uint64_t n)
{
    uint64_t *b;
    size_t nb = 0, i, k;
    if (!(b = malloc((2 * df->niv + 2) * sizeof *b)))
        return ECU_ERR_NOMEM;
    if (!(df->seg = malloc((2 * df->niv + 3) * sizeof *df->seg))) {
        free(b);
        return ECU_ERR_NOMEM;
    }
    if (df->niv)
        qsort(df->iv, df->niv, sizeof *df->iv, ivl_start_cmp);
    b[nb++] = 0;
    b[nb++] = n;
    for (i = 0; i < df->niv; i++) {
        b[nb++] = df->iv[i].s;
        b[nb++] = df->iv[i].e;
    }
    qsort(b, nb, sizeof *b, u64_cmp);
    df->nseg = 0;
    for (i = 0; i + 1 < nb; i++) {
        struct ivl w = {b[i], b[i + 1], 0, ECU_REGION_UNKNOWN, "", 0};
        const struct ivl *win = NULL;
        if (b[i] == b[i + 1] || b[i] >= n)
            continue;
        /* sorted by start: the intervals that may hold b[i] start at or before it */
        for (k = 0; k < df->niv && df->iv[k].s <= b[i]; k++)
            if (df->iv[k].e > b[i] &&
                (!win || df->iv[k].prio > win->prio ||
                 (df->iv[k].prio == win->prio && df->iv[k].ord < win->ord)))
                win = &df->iv[k];
        if (win) {
            w.cls = win->cls;
            w.what = win->what;
        }
        if (df->nseg && df->seg[df->nseg - 1].e == w.s && df->seg[df->nseg - 1].cls == w.cls &&
            df->seg[df->nseg - 1].what == w.what)
            df->seg[df->nseg - 1].e = w.e;
        else
            df->seg[df->nseg++] = w;
    }
    df->seg[df->nseg++] = (struct ivl){n, UINT64_MAX, 0, ECU_REGION_UNKNOWN, PAST_END, 0};
    free(b);
    return ECU_OK;
}

/* The segment holding @p off (the segments cover [0, UINT64_MAX)). */
static size_t seg_at(const ecu_diff *df, uint64_t off)
{
    size_t lo = 0, hi = df->nseg;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (df->seg[mid].s <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* ---- maps ------------------------------------------------------------------------------ */

#define AXIS_MIN 4
#define AXIS_MAX 32
/* the longest form: two 16-bit counts, two axes of AXIS_MAX and their table */
#define MAP_SPAN ((2 + 2 * AXIS_MAX + AXIS_MAX * AXIS_MAX) * 2)

struct enc {
    unsigned w; /* 1 or 2 */
    int be;
};

static uint32_t val(const uint8_t *d, uint64_t at, struct enc e)
{
    if (e.w == 1)
        return d[at];
    return e.be ? (uint32_t)d[at] << 8 | d[at + 1] : (uint32_t)d[at + 1] << 8 | d[at];
}

static int32_t sval(uint32_t v, struct enc e)
{
    return e.w == 1 ? (int8_t)v : (int16_t)v;
}

/* Whether a then b (consecutive axis values) keep direction @p dir (+1 rising, -1 falling)
   as unsigned (@p sgn 0) or signed values. */
static int step_ok(uint32_t a, uint32_t b, int dir, int sgn, struct enc e)
{
    int64_t x = sgn ? sval(a, e) : (int64_t)a, y = sgn ? sval(b, e) : (int64_t)b;
    return dir > 0 ? y > x : y < x;
}

/* Whether the @p cnt values at @p at (inside [lo, hi)) are strictly monotonic in one of the
   four readings (rising or falling, unsigned or signed). */
static int monotonic(const uint8_t *d, uint64_t at, unsigned cnt, struct enc e)
{
    static const int dirs[4][2] = {{1, 0}, {-1, 0}, {1, 1}, {-1, 1}};
    unsigned r, k;
    for (r = 0; r < 4; r++) {
        for (k = 1; k < cnt; k++)
            if (!step_ok(val(d, at + (uint64_t)(k - 1) * e.w, e), val(d, at + (uint64_t)k * e.w, e),
                         dirs[r][0], dirs[r][1], e))
                break;
        if (k == cnt)
            return 1;
    }
    return 0;
}

/* The length of the maximal strictly monotonic run starting at @p at within [at, hi), in the
   reading that the first two values set (rising or falling; unsigned, else signed), and
   whether the value before @p at (at or after @p lo) would continue it; 0 when shorter than
   two values. */
static unsigned run_at(const uint8_t *d, uint64_t lo, uint64_t hi, uint64_t at, struct enc e,
                       int *continued)
{
    uint32_t a, b;
    int dir, sgn;
    unsigned k;
    *continued = 0;
    if (at + 2 * (uint64_t)e.w > hi)
        return 0;
    a = val(d, at, e);
    b = val(d, at + e.w, e);
    if (a == b)
        return 0;
    dir = b > a ? 1 : -1;
    sgn = 0;
    for (k = 2; k <= AXIS_MAX && at + (uint64_t)(k + 1) * e.w <= hi; k++)
        if (!step_ok(val(d, at + (uint64_t)(k - 1) * e.w, e), val(d, at + (uint64_t)k * e.w, e),
                     dir, sgn, e))
            break;
    if (at >= lo + e.w && step_ok(val(d, at - e.w, e), a, dir, sgn, e))
        *continued = 1;
    return k;
}

enum form { F_NONE, F_BARE, F_CURVE, F_MAP }; /* rank: higher first */

/* The form at @p s in encoding @p e whose bytes lie in [lo, hi), into @p m. */
static enum form map_at(const uint8_t *d, uint64_t lo, uint64_t hi, uint64_t s, struct enc e,
                        ecu_diff_map *m)
{
    uint64_t w = e.w;
    uint32_t nx, ny;
    int cont;
    unsigned rx, ry;
    memset(m, 0, sizeof *m);
    m->cell_bytes = e.w;
    m->big_endian = e.w == 2 && e.be;
    m->start = s;
    if (s + 2 * w <= hi) {
        nx = val(d, s, e);
        ny = val(d, s + w, e);
        /* counts first: NX NY X Y TABLE */
        if (nx >= AXIS_MIN && nx <= AXIS_MAX && ny >= AXIS_MIN && ny <= AXIS_MAX &&
            s + (2 + nx + ny + (uint64_t)nx * ny) * w <= hi && monotonic(d, s + 2 * w, nx, e) &&
            monotonic(d, s + (2 + nx) * w, ny, e)) {
            m->table = s + (2 + nx + ny) * w;
            m->cols = nx;
            m->rows = ny;
            m->counted = 1;
            m->end = m->table + (uint64_t)nx * ny * w;
            return F_MAP;
        }
        /* each count before its axis: NX X NY Y TABLE */
        if (nx >= AXIS_MIN && nx <= AXIS_MAX && s + (2 + nx) * w <= hi &&
            (ny = val(d, s + (1 + nx) * w, e)) >= AXIS_MIN && ny <= AXIS_MAX &&
            s + (2 + nx + ny + (uint64_t)nx * ny) * w <= hi && monotonic(d, s + w, nx, e) &&
            monotonic(d, s + (2 + nx) * w, ny, e)) {
            m->table = s + (2 + nx + ny) * w;
            m->cols = nx;
            m->rows = ny;
            m->counted = 1;
            m->end = m->table + (uint64_t)nx * ny * w;
            return F_MAP;
        }
        /* curve: N X TABLE */
        if (nx >= AXIS_MIN && nx <= AXIS_MAX && s + (1 + 2 * (uint64_t)nx) * w <= hi &&
            monotonic(d, s + w, nx, e)) {
            m->table = s + (1 + nx) * w;
            m->cols = nx;
            m->rows = 1;
            m->counted = 1;
            m->end = m->table + (uint64_t)nx * w;
            return F_CURVE;
        }
    }
    /* no counts: two maximal runs, then the table */
    rx = run_at(d, lo, hi, s, e, &cont);
    if (cont || rx < AXIS_MIN || rx > AXIS_MAX)
        return F_NONE;
    ry = run_at(d, lo, hi, s + rx * w, e, &cont);
    if (!cont && ry >= AXIS_MIN && ry <= AXIS_MAX &&
        s + (rx + ry + (uint64_t)rx * ry) * w <= hi) {
        m->table = s + (rx + ry) * w;
        m->cols = rx;
        m->rows = ry;
        m->end = m->table + (uint64_t)rx * ry * w;
        return F_BARE;
    }
    return F_NONE;
}

/* Candidates kept per search (the strongest, when there are more) */
#define MAX_CAND 256

struct cand {
    ecu_diff_map m;
    enum form f;
    unsigned values; /* axis values */
};

/* Whether @p a is stronger than @p b: a map with counts before a curve before a map without;
   then the most axis values (the fewer, the likelier a run by chance); then the later start. */
static int stronger(const struct cand *a, const struct cand *b)
{
    if (a->f != b->f)
        return a->f > b->f;
    if (a->values != b->values)
        return a->values > b->values;
    return a->m.start > b->m.start;
}

/* The map of the original @p d that holds @p pos, inside [lo, hi) (the calibration area):
   every form that starts in the span before @p pos is a candidate; maps do not overlap, so a
   candidate that overlaps a stronger one is none; the strongest left that holds @p pos. */
static int find_map(const uint8_t *d, uint64_t lo, uint64_t hi, uint64_t pos, ecu_diff_map *out)
{
    static const struct enc encs[3] = {{1, 0}, {2, 0}, {2, 1}};
    struct cand *c = malloc(MAX_CAND * sizeof *c);
    size_t nc = 0, i, j, best = SIZE_MAX;
    uint64_t s, from = pos - lo > MAP_SPAN ? pos - MAP_SPAN : lo;
    unsigned k;
    if (!c)
        return 0; /* (no map named: the region stands without one) */
    for (s = pos + 1; s-- > from;) {
        for (k = 0; k < 3; k++) {
            struct cand x;
            if (encs[k].w == 2 && (s & 1))
                continue; /* 16-bit data is word-aligned */
            x.f = map_at(d, lo, hi, s, encs[k], &x.m);
            if (x.f == F_NONE)
                continue;
            x.values = x.m.cols + (x.m.rows > 1 ? x.m.rows : 0);
            if (nc < MAX_CAND) {
                c[nc++] = x;
            } else { /* full: the weakest makes room */
                size_t w = 0;
                for (i = 1; i < nc; i++)
                    if (stronger(&c[w], &c[i]))
                        w = i;
                if (stronger(&x, &c[w]))
                    c[w] = x;
            }
        }
    }
    for (i = 0; i < nc; i++) {
        if (pos >= c[i].m.end || (best != SIZE_MAX && !stronger(&c[i], &c[best])))
            continue;
        for (j = 0; j < nc; j++)
            if (j != i && stronger(&c[j], &c[i]) && c[j].m.start < c[i].m.end &&
                c[i].m.start < c[j].m.end)
                break;
        if (j == nc)
            best = i;
    }
    if (best != SIZE_MAX)
        *out = c[best].m;
    free(c);
    return best != SIZE_MAX;
}

/* ---- the run ---------------------------------------------------------------------------- */

static int at_differs(const uint8_t *a, size_t na, const uint8_t *b, size_t nb, uint64_t i)
{
    return i >= na || i >= nb || a[i] != b[i];
}

/* Adds the piece [s, e] of a changed range that lies in segment @p g, trimmed to its
   differing bytes (nothing when none differs). */
static int add_piece(ecu_diff *df, const uint8_t *a, size_t na, const uint8_t *b, size_t nb,
                     uint64_t s, uint64_t e, const struct ivl *g)
{
    ecu_diff_region r;
    uint64_t i, cnt = 0;
    while (s <= e && !at_differs(a, na, b, nb, s))
        s++;
    if (s > e)
        return ECU_OK;
    while (!at_differs(a, na, b, nb, e))
        e--;
    for (i = s; i <= e; i++)
        cnt += at_differs(a, na, b, nb, i);
    memset(&r, 0, sizeof r);
    r.start = s;
    r.length = e - s + 1;
    r.differing = cnt;
    r.cls = g->cls;
    r.what = g->what;
    if (g->cls == ECU_REGION_CALIBRATION) {
        /* the calibration area the segment belongs to: the widest interval of its name */
        uint64_t lo = g->s, hi = g->e;
        size_t k;
        for (k = 0; k < df->niv; k++)
            if (df->iv[k].cls == ECU_REGION_CALIBRATION && df->iv[k].s <= s && df->iv[k].e > s) {
                lo = df->iv[k].s;
                hi = df->iv[k].e;
                break;
            }
        r.has_map = find_map(a, lo, hi, s, &r.map);
    }
    if (ecu__vec_reserve(&df->regions, (df->nregions + 1) * sizeof r))
        return ECU_ERR_NOMEM;
    ((ecu_diff_region *)df->regions.p)[df->nregions++] = r;
    df->count[r.cls]++;
    df->bytes[r.cls] += cnt;
    return ECU_OK;
}

int ecu_diff_use_analyses(ecu_diff *df, const ecu_csum *cs, const ecu_id *id)
{
    if (!df)
        return ECU_ERR_INVALID;
    df->ucs = cs;
    df->uid = id;
    return ECU_OK;
}

int ecu_diff_run(ecu_diff *df, const uint8_t *orig, size_t orig_size, const uint8_t *mod,
                 size_t mod_size)
{
    const uint8_t *data[2];
    size_t size[2], i;
    const ecu_family_info *fi;
    int rc;
    if (!df)
        return ECU_ERR_INVALID;
    clear(df);
    if ((!orig && orig_size) || (!mod && mod_size))
        return ECU_ERR_INVALID;
    data[0] = orig;
    data[1] = mod;
    size[0] = orig_size;
    size[1] = mod_size;
    df->size[0] = orig_size;
    df->size[1] = mod_size;
    ecu_fingerprint_hex(orig, orig_size, df->fp[0]);
    ecu_fingerprint_hex(mod, mod_size, df->fp[1]);
    if ((rc = ecu_cmp_set_gap(df->cmp, df->gap)) != ECU_OK ||
        (rc = ecu_cmp_run(df->cmp, 2, data, size)) != ECU_OK)
        goto fail;
    df->identical = ecu_cmp_identical(df->cmp);
    /* what the original's bytes are: the caller's analyses, when given, else our own */
    if (df->ucs) {
        size_t n;
        const uint8_t *img = ecu_csum_image(df->ucs, &n);
        if (n != orig_size || (n && (!img || memcmp(img, orig, n) != 0))) {
            rc = ECU_ERR_INVALID; /* an analysis of another image */
            goto fail;
        }
        df->acs = df->ucs;
    } else {
        if ((rc = ecu_csum_analyze(df->cs, orig, orig_size)) != ECU_OK)
            goto fail;
        df->acs = df->cs;
    }
    fi = ecu_csum_family(df->acs);
    df->family = fi ? fi->name : NULL;
    if (ecu_cmp_range_count(df->cmp)) {
        if (df->uid)
            df->aid = df->uid;
        else if ((rc = ecu_id_analyze(df->id, orig, orig_size)) != ECU_OK)
            goto fail;
        else
            df->aid = df->id;
        if ((rc = add_slots(df, orig_size)) != ECU_OK || (rc = add_fields(df, orig_size)) != ECU_OK ||
            (rc = add_areas(df, orig, orig_size)) != ECU_OK)
            goto fail;
    }
    if ((rc = build_segments(df, orig_size)) != ECU_OK)
        goto fail;
    /* each changed range cut at the segments' borders */
    for (i = 0; i < ecu_cmp_range_count(df->cmp); i++) {
        const ecu_cmp_range *r = ecu_cmp_range_at(df->cmp, i);
        uint64_t s = r->start, e = r->start + r->length - 1;
        size_t g = seg_at(df, s);
        while (s <= e) {
            uint64_t pe = df->seg[g].e - 1 < e ? df->seg[g].e - 1 : e;
            if ((rc = add_piece(df, orig, orig_size, mod, mod_size, s, pe, &df->seg[g])) != ECU_OK)
                goto fail;
            if (pe == e)
                break;
            s = pe + 1;
            g++;
        }
    }
    df->ran = 1;
    return ECU_OK;
fail:
    clear(df);
    return rc;
}

/* ---- results ---------------------------------------------------------------------------- */

const char *ecu_diff_family(const ecu_diff *df) { return df && df->ran ? df->family : NULL; }

uint64_t ecu_diff_size(const ecu_diff *df, int which)
{
    return df && (which == 0 || which == 1) ? df->size[which] : 0;
}

const char *ecu_diff_fingerprint(const ecu_diff *df, int which)
{
    return df && (which == 0 || which == 1) ? df->fp[which] : "";
}

int ecu_diff_identical(const ecu_diff *df) { return df && df->ran && df->identical; }

size_t ecu_diff_region_count(const ecu_diff *df) { return df ? df->nregions : 0; }

const ecu_diff_region *ecu_diff_region_at(const ecu_diff *df, size_t i)
{
    return df && i < df->nregions ? &((const ecu_diff_region *)df->regions.p)[i] : NULL;
}

size_t ecu_diff_class_count(const ecu_diff *df, ecu_region_class cls, uint64_t *bytes)
{
    int ok = df && (unsigned)cls < ECU_REGION_CLASS_COUNT;
    if (bytes)
        *bytes = ok ? df->bytes[cls] : 0;
    return ok ? df->count[cls] : 0;
}

const char *ecu_region_class_name(ecu_region_class cls)
{
    static const char *const names[ECU_REGION_CLASS_COUNT] = {
        "unknown", "checksum", "signature", "ident", "code", "calibration"};
    return (unsigned)cls < ECU_REGION_CLASS_COUNT ? names[cls] : "invalid";
}
