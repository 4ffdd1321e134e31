/* SPDX-License-Identifier: MIT */
/*
 * Checksum discovery (include/ecu/discover.h): stored values that equal a checksum of a range
 * of the image, and ranges whose sum reaches a constant, found with no family knowledge.
 *
 * A run has three steps.
 * 1. Candidates. Table records: every 2-aligned pair of 32-bit words (little- and big-endian)
 *    that reads as a start below an end, both inside the image once a base is taken off (the
 *    fixed bases below, and up to four inferred from the image: the most frequent windows,
 *    aligned to the image size rounded up to a power of two, that such pairs point into). The
 *    range is [start, end] and [start, end); its value is looked for right after the pair. At
 *    most MAX_RECORDS are kept: those in a table, then those with word-aligned bounds, then
 *    the others; each group has classes of its own.
 *    Aligned blocks: the boundaries at every multiple of L (the image size rounded up to a
 *    power of two, divided by 64, at least 1 KiB) and the image's end; a range runs from one
 *    boundary to a later one, its value in the last bytes before that one. Erased runs: the 16
 *    longest runs of at least 16 bytes of 0xFF or 0x00; a range starts where one ends, or ends
 *    where one starts, and runs from or to a boundary or another run.
 * 2. One pass over the image records, at every candidate start and end, the sums of the bytes
 *    at offsets 0, 1, 2 and 3 modulo 4 (any word sum of a range follows from these four, each
 *    byte weighted by its place in the word) and, for every CRC polynomial and reflection, the
 *    register after the image's prefix, fed from a zero register (the core's CRC engine). A
 *    CRC register is affine in GF(2): the register after [s, e) from init I is
 *    A(e) + x^(8(e-s)) * (A(s) + I) mod P, where A(p) is the prefix register. x^(8p) and
 *    x^(-8p) are kept per point (P has a constant term, so x is invertible mod P), so one
 *    range's register costs two multiplications mod P whatever its length.
 * 3. Every candidate is compared with its slot. The candidates of each class (one algorithm,
 *    form, slot type and constant, in one tier) are counted; a hit is reported when its class's
 *    expected count of chance matches (candidates * 2^-bits) is below the bound. Ranges and
 *    slots that are all filler (every byte 0x00 or 0xFF) are never candidates: an erased range
 *    sums to whatever its length says.
 *
 * The CRC models are those of the CRC catalogue (reveng "Catalogue of parametrised CRC
 * algorithms", as listed in madler/crcany allcrcs-abbrev.txt): every CRC-16 and CRC-32 model.
 * The constants: 0x5AA5A55A (Denso Subaru record sums, RomRaider RomChecksum.java, and Mazda NC,
 * cdufresne81/nc-flash src/ecu/checksum.py), 0x5AA55AA5 (Mazdaspeed6 and Mitsubishi Evo X:
 * LibreTuner definitions, colecrouter/vscode-ecu-explorer specs), 0xD01FE500 (Bosch EDC16 region
 * sums, LeZed97/ZedSuite edc16-checksum.ts), 0xCAFEAFFE (Bosch EDC17 checksum structures,
 * ConnorHowell/medc17-checksum-tool main.py), 0x5AA5 (Hitachi Subaru SH72543R, miikasyvanen/
 * FastECU checksum_ecu_subaru_hitachi_sh72543r.cpp), 0, 0xFFFF and 0xFFFFFFFF.
 * The bases: 0x00800000 (C167 flash, nyetwurk/ME7Sum me7sum.c), 0x80000000 and 0xA0000000
 * (TriCore cached and uncached flash, ConnorHowell/medc17-checksum-tool main.py; bri3d/VW_Flash
 * lib/modules/simos18.py), 0x00400000, 0x01000000 and 0x00080000 (MS43 bus addresses,
 * v-arapidis/openremap-core ms43.py).
 */
#include "ecu/discover.h"

#include "ecu/checksum.h"

#include "core/checksum_private.h"
#include "core/find.h"
#include "core/read.h"
#include "core/vec_private.h"
#include "discover_private.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- fixed tables ---------------------------------------------------------------------------- */

struct model {
    const char *name, *preset; /* catalogue name; ecu-layout(5) preset or NULL */
    unsigned width;
    uint64_t poly, init;
    int refin; /* refout is the same for every CRC-16 and CRC-32 of the catalogue */
    uint64_t xorout, check;
};

/* madler/crcany allcrcs-abbrev.txt (the reveng catalogue): width, poly, init, refin=refout,
   xorout, check value of "123456789" */
static const struct model models[] = {
    {"CRC-16/ARC", "crc16-arc", 16, 0x8005, 0, 1, 0, 0xBB3D},
    {"CRC-16/CDMA2000", NULL, 16, 0xC867, 0xFFFF, 0, 0, 0x4C06},
    {"CRC-16/CMS", NULL, 16, 0x8005, 0xFFFF, 0, 0, 0xAEE7},
    {"CRC-16/DDS-110", NULL, 16, 0x8005, 0x800D, 0, 0, 0x9ECF},
    {"CRC-16/DECT-R", NULL, 16, 0x0589, 0, 0, 0x0001, 0x007E},
    {"CRC-16/DECT-X", NULL, 16, 0x0589, 0, 0, 0, 0x007F},
    {"CRC-16/DNP", NULL, 16, 0x3D65, 0, 1, 0xFFFF, 0xEA82},
    {"CRC-16/EN-13757", NULL, 16, 0x3D65, 0, 0, 0xFFFF, 0xC2B7},
    {"CRC-16/GENIBUS", NULL, 16, 0x1021, 0xFFFF, 0, 0xFFFF, 0xD64E},
    {"CRC-16/GSM", NULL, 16, 0x1021, 0, 0, 0xFFFF, 0xCE3C},
    {"CRC-16/IBM-3740", "crc16-ccitt-false", 16, 0x1021, 0xFFFF, 0, 0, 0x29B1},
    {"CRC-16/IBM-SDLC", NULL, 16, 0x1021, 0xFFFF, 1, 0xFFFF, 0x906E},
    {"CRC-16/ISO-IEC-14443-3-A", NULL, 16, 0x1021, 0xC6C6, 1, 0, 0xBF05},
    {"CRC-16/KERMIT", "crc16-kermit", 16, 0x1021, 0, 1, 0, 0x2189},
    {"CRC-16/LJ1200", NULL, 16, 0x6F63, 0, 0, 0, 0xBDF4},
    {"CRC-16/MAXIM-DOW", NULL, 16, 0x8005, 0, 1, 0xFFFF, 0x44C2},
    {"CRC-16/MCRF4XX", NULL, 16, 0x1021, 0xFFFF, 1, 0, 0x6F91},
    {"CRC-16/MODBUS", NULL, 16, 0x8005, 0xFFFF, 1, 0, 0x4B37},
    {"CRC-16/NRSC-5", NULL, 16, 0x080B, 0xFFFF, 1, 0, 0xA066},
    {"CRC-16/OPENSAFETY-A", NULL, 16, 0x5935, 0, 0, 0, 0x5D38},
    {"CRC-16/OPENSAFETY-B", NULL, 16, 0x755B, 0, 0, 0, 0x20FE},
    {"CRC-16/PROFIBUS", NULL, 16, 0x1DCF, 0xFFFF, 0, 0xFFFF, 0xA819},
    {"CRC-16/RIELLO", NULL, 16, 0x1021, 0xB2AA, 1, 0, 0x63D0},
    {"CRC-16/SPI-FUJITSU", NULL, 16, 0x1021, 0x1D0F, 0, 0, 0xE5CC},
    {"CRC-16/T10-DIF", NULL, 16, 0x8BB7, 0, 0, 0, 0xD0DB},
    {"CRC-16/TELEDISK", NULL, 16, 0xA097, 0, 0, 0, 0x0FB3},
    {"CRC-16/TMS37157", NULL, 16, 0x1021, 0x89EC, 1, 0, 0x26B1},
    {"CRC-16/UMTS", NULL, 16, 0x8005, 0, 0, 0, 0xFEE8},
    {"CRC-16/USB", NULL, 16, 0x8005, 0xFFFF, 1, 0xFFFF, 0xB4C8},
    {"CRC-16/XMODEM", "crc16-xmodem", 16, 0x1021, 0, 0, 0, 0x31C3},
    {"CRC-32/AIXM", NULL, 32, 0x814141AB, 0, 0, 0, 0x3010BF7F},
    {"CRC-32/AUTOSAR", NULL, 32, 0xF4ACFB13, 0xFFFFFFFF, 1, 0xFFFFFFFF, 0x1697D06A},
    {"CRC-32/BASE91-D", NULL, 32, 0xA833982B, 0xFFFFFFFF, 1, 0xFFFFFFFF, 0x87315576},
    {"CRC-32/BZIP2", "crc32-bzip2", 32, 0x04C11DB7, 0xFFFFFFFF, 0, 0xFFFFFFFF, 0xFC891918},
    {"CRC-32/CD-ROM-EDC", NULL, 32, 0x8001801B, 0, 1, 0, 0x6EC2EDC4},
    {"CRC-32/CKSUM", NULL, 32, 0x04C11DB7, 0, 0, 0xFFFFFFFF, 0x765E7680},
    {"CRC-32/ISCSI", NULL, 32, 0x1EDC6F41, 0xFFFFFFFF, 1, 0xFFFFFFFF, 0xE3069283},
    {"CRC-32/ISO-HDLC", "crc32", 32, 0x04C11DB7, 0xFFFFFFFF, 1, 0xFFFFFFFF, 0xCBF43926},
    {"CRC-32/JAMCRC", NULL, 32, 0x04C11DB7, 0xFFFFFFFF, 1, 0, 0x340BC6D9},
    {"CRC-32/MEF", NULL, 32, 0x741B8CD7, 0xFFFFFFFF, 1, 0, 0xD2C22F51},
    {"CRC-32/MPEG-2", "crc32-mpeg2", 32, 0x04C11DB7, 0xFFFFFFFF, 0, 0, 0x0376E6E7},
    {"CRC-32/XFER", NULL, 32, 0x000000AF, 0, 0, 0, 0xBD0BE338},
};
#define NMODELS (sizeof models / sizeof models[0])

/* sum kinds: word size and order; each into 32 then 16 bits */
struct sumkind {
    const char *name;
    unsigned wb;
    int be;
};
static const struct sumkind sumkinds[] = {
    {"u8", 1, 0}, {"u16le", 2, 0}, {"u16be", 2, 1}, {"u32le", 4, 0}, {"u32be", 4, 1}};
#define NSUMKINDS 5
/* crc-target: the 32-bit words of a table record after its address pair that are tried as a
   seed and as the constant reached (the Bosch EDC17/MED17 checksum structure holds its seed
   0xFADECAFE and expected value 0xCAFEAFFE there: ConnorHowell/medc17-checksum-tool main.py) */
#define NRECW 2
/* crc-target: the reflected CRC-32 register started from a seed (0, 0xFFFFFFFF, the record's
   words), with no final xor (CRC-32/JAMCRC's) or with 0xFFFFFFFF (CRC-32/ISO-HDLC's); from
   0xFFFFFFFF these are the two catalogue models. The EDC17 structures: the seed 0xFADECAFE and
   the final xor, zlib's crc32(0x05213501, range) == 0xCAFEAFFE (lib/families/bosch_edc17.c) */
#define NRAWSEED (2 + NRECW)
#define NRAW (2 * NRAWSEED)
/* algorithm index: sums 0..9 (kind * 2 + (acc == 16)), CRC models from 10, then the
   reflected CRC-32 register from each seed of NRAW */
#define ALG_RAW (2 * NSUMKINDS + NMODELS)
#define NALG (ALG_RAW + NRAW)
#define ISOHDLC 37 /* models[]: CRC-32/ISO-HDLC, zlib's */
#define JAMCRC 38  /* models[]: CRC-32/JAMCRC, the reflected register with no final xor */

#define MAX_ADDED 16
static const uint64_t builtin16[] = {0, 0xFFFF, 0x5AA5};
static const uint64_t builtin32[] = {0, 0xFFFFFFFF, 0x5AA5A55A, 0x5AA55AA5, 0xD01FE500, 0xCAFEAFFE};
#define NB16 (sizeof builtin16 / sizeof builtin16[0])
#define NB32 (sizeof builtin32 / sizeof builtin32[0])
#define CI_RECW (NB32 + MAX_ADDED) /* crc-target: constant indices of the record's words */
#define NCONST (NB32 + MAX_ADDED + NRECW)

static const uint64_t fixed_bases[] = {0, 0x00800000, 0x80000000, 0xA0000000,
                                       0x00400000, 0x01000000, 0x00080000};
#define NFIXED_BASES (sizeof fixed_bases / sizeof fixed_bases[0])
#define MAX_INFERRED_BASES 4

#define MAX_RECORDS 16384 /* table records kept: those in tables first, then in offset order */
#define MAX_RAW_RECORDS (1u << 20) /* address pairs looked at */
#define MAX_RUNS 16      /* erased runs kept: the longest */
#define MIN_RUN 16       /* an erased run has at least this many bytes */
#define MIN_RANGE 16     /* a candidate range has at least this many bytes */
#define MAX_HITS 65536   /* matches kept before the bound is applied */
#define MAX_FINDINGS 1024

/* classes: the tiers, the table tier split by record score (in a table; word-aligned; other),
   and the two slot kinds of sums over consecutive records (a free value-complement pair; a
   value near the records, from a seed) */
#define NTIER 7
#define TIER_UNION_FREE 5
#define TIER_UNION_NEAR 6
#define MAX_UNIONS 4096   /* chains of consecutive records kept */
#define UNION_MAX 4       /* records in a chain, in one image's run */
#define NEAR_SLOT 32      /* a seeded sum's slot: up to this many bytes before or after the records */
/* the seeds of a sum over consecutive records stored near them: constants, then the words
   before and after the slot (0xA5A5A5A5: the BMW MS43 monitor sums, emdzej/nfsx
   packages/flash-data/src/ms4x-checksum.ts) */
static const uint64_t seeds32[] = {0, 0xFFFFFFFF, 0xA5A5A5A5, 0x5AA5A55A, 0x5AA55AA5};
#define NSEEDS (sizeof seeds32 / sizeof seeds32[0])
#define SEED_AFTER NSEEDS
#define SEED_BEFORE (NSEEDS + 1)
#define NFORM 5
#define NCLASS ((size_t)NTIER * NFORM * NALG * 2 * NCONST)

/* ---- the handle ------------------------------------------------------------------------------ */

struct item {
    ecu_finding f;
    char alg[160];
};

struct hit {
    uint32_t cls, cand;
    uint8_t tier, form, be, alg;
    uint8_t ci;
    uint64_t s, e, p, stored, constant, table;
    uint64_t seed; /* crc-target with a raw register: its seed */
};

struct ecu_discover {
    double bound;
    unsigned kinds;
    uint64_t budget;
    uint64_t added[2][MAX_ADDED]; /* [0] 16-bit, [1] 32-bit */
    size_t nadded[2];
    unsigned brute;
    /* results */
    struct item *items;
    size_t nitems;
    uint64_t tried, ranges;
    int truncated;
    double expected_false;
};

ecu_discover *ecu_discover_new(void)
{
    ecu_discover *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->bound = ECU_DISCOVER_DEFAULT_BOUND;
    d->kinds = ECU_DISCOVER_ALL;
    d->budget = ECU_DISCOVER_DEFAULT_BUDGET;
    return d;
}

void ecu_discover_free(ecu_discover *d)
{
    if (!d)
        return;
    free(d->items);
    free(d);
}

int ecu_discover_set_bound(ecu_discover *d, double bound)
{
    if (!d || !(bound > 0 && bound <= 1))
        return ECU_ERR_INVALID;
    d->bound = bound;
    return ECU_OK;
}

int ecu_discover_set_kinds(ecu_discover *d, unsigned kinds)
{
    if (!d || !kinds || (kinds & ~ECU_DISCOVER_ALL))
        return ECU_ERR_INVALID;
    d->kinds = kinds;
    return ECU_OK;
}

int ecu_discover_set_budget(ecu_discover *d, uint64_t max_candidates)
{
    if (!d)
        return ECU_ERR_INVALID;
    d->budget = max_candidates ? max_candidates : ECU_DISCOVER_DEFAULT_BUDGET;
    return ECU_OK;
}

int ecu_discover_add_constant(ecu_discover *d, uint64_t value, unsigned bits)
{
    int w;
    size_t i;
    if (!d || (bits != 16 && bits != 32) || (bits == 16 && value > 0xFFFF) || value > 0xFFFFFFFFu)
        return ECU_ERR_INVALID;
    w = bits == 32;
    for (i = 0; i < (w ? NB32 : NB16); i++)
        if ((w ? builtin32 : builtin16)[i] == value)
            return ECU_OK;
    for (i = 0; i < d->nadded[w]; i++)
        if (d->added[w][i] == value)
            return ECU_OK;
    if (d->nadded[w] == MAX_ADDED)
        return ECU_ERR_TOO_MANY;
    d->added[w][d->nadded[w]++] = value;
    return ECU_OK;
}

void ecu__discover_set_brute(ecu_discover *d, unsigned stride)
{
    if (d)
        d->brute = stride;
}

uint64_t ecu__discover_ranges(const ecu_discover *d) { return d ? d->ranges : 0; }

size_t ecu_discover_finding_count(const ecu_discover *d) { return d ? d->nitems : 0; }

const ecu_finding *ecu_discover_finding_at(const ecu_discover *d, size_t i)
{
    return d && i < d->nitems ? &d->items[i].f : NULL;
}

uint64_t ecu_discover_tried(const ecu_discover *d) { return d ? d->tried : 0; }

int ecu_discover_truncated(const ecu_discover *d) { return d ? d->truncated : 0; }

double ecu_discover_expected_false(const ecu_discover *d) { return d ? d->expected_false : 0; }

/* ---- GF(2) arithmetic mod P in a CRC register's orientation ----------------------------------- */

/* A polynomial and reflection: the registers of every model that shares them. */
struct combo {
    unsigned w;
    uint64_t poly, rpoly, mask, one;
    int refl;
    ecu_crc *eng;  /* init 0, no xorout: the prefix registers */
    uint64_t *A;   /* prefix register at each point */
    uint64_t *T;   /* x^(8p) mod P at each point */
    uint64_t *Ti;  /* x^(-8p) mod P at each point */
};


/* a * b mod P. Normal registers hold x^k at bit k; reflected ones at bit w-1-k. */
static uint64_t mulmod(const struct combo *c, uint64_t a, uint64_t b)
{
    uint64_t r = 0;
    unsigned i, w = c->w;
    if (c->refl) {
        for (i = 0; i < w; i++) { /* b's coefficients from x^(w-1) (bit 0) down */
            r = (r & 1) ? (r >> 1) ^ c->rpoly : r >> 1;
            if ((b >> i) & 1)
                r ^= a;
        }
    } else {
        for (i = w; i-- > 0;) {
            r = (r >> (w - 1)) & 1 ? ((r << 1) ^ c->poly) & c->mask : (r << 1) & c->mask;
            if ((b >> i) & 1)
                r ^= a;
        }
    }
    return r;
}

/* r / x mod P */
static uint64_t divx(const struct combo *c, uint64_t r)
{
    unsigned w = c->w;
    if (c->refl) /* the constant term is bit w-1 */
        return (r >> (w - 1)) & 1 ? (((r ^ c->rpoly) << 1) | 1) & c->mask : (r << 1) & c->mask;
    return (r & 1) ? ((r ^ c->poly) >> 1) | ((uint64_t)1 << (w - 1)) : r >> 1;
}

/* base^n from the squares sq[k] = base^(2^k) */
static uint64_t powmod(const struct combo *c, const uint64_t *sq, uint64_t n)
{
    uint64_t r = c->one;
    unsigned k;
    for (k = 0; n; k++, n >>= 1)
        if (n & 1)
            r = mulmod(c, r, sq[k]);
    return r;
}

/* ---- a run ----------------------------------------------------------------------------------- */

struct cand {
    uint64_t s, e;     /* TABLE: the range [s, e); ALIGNED/ERASED: the block [s, e) */
    uint64_t table;    /* TABLE: the record's offset */
    uint8_t tier, be;  /* TABLE: the record's byte order */
    uint8_t ctier;     /* the tier of its classes: TABLE's records by score are 0, 3, 4 */
    uint8_t nr;        /* ranges: [s, e), then [xs[k], xe[k]) (a chain of records) */
    uint64_t xs[UNION_MAX - 1], xe[UNION_MAX - 1];
};

struct fslot {
    uint64_t v, p; /* a value followed by its complement, at p */
};

struct run {
    ecu_discover *d;
    const uint8_t *p;
    size_t n;
    struct cand *cands;
    size_t ncands, capcands;
    uint64_t *pts;
    size_t npts, cappts;
    uint64_t (*bs)[4];
    struct combo combos[NMODELS]; /* at most one per model */
    size_t ncombos;
    int8_t model_combo[NMODELS];
    ecu_crc *model_eng[NMODELS]; /* brute force only */
    uint64_t *tries;             /* per class */
    struct hit *hits;
    size_t nhits;
    uint64_t consts[2][NCONST];
    size_t nconsts[2];
    struct fslot *fs[2]; /* value-complement pairs, LE and BE, by value */
    size_t nfs[2];
    int stop;
};

static int push_cand(struct run *r, uint64_t s, uint64_t e, uint64_t table, int tier, int be)
{
    struct cand *c = ecu__grow(r->cands, r->ncands, &r->capcands, sizeof *c, 1024);
    if (!c)
        return -1;
    r->cands = c;
    r->cands[r->ncands].s = s;
    r->cands[r->ncands].e = e;
    r->cands[r->ncands].table = table;
    r->cands[r->ncands].tier = (uint8_t)tier;
    r->cands[r->ncands].be = (uint8_t)be;
    r->cands[r->ncands].ctier = (uint8_t)tier;
    r->cands[r->ncands].nr = 1;
    r->ncands++;
    return 0;
}

static int push_pt(struct run *r, uint64_t x)
{
    uint64_t *p = ecu__grow(r->pts, r->npts, &r->cappts, sizeof *p, 4096);
    if (!p)
        return -1;
    r->pts = p;
    r->pts[r->npts++] = x;
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static size_t pt_index(const struct run *r, uint64_t x)
{
    size_t lo = 0, hi = r->npts;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->pts[mid] <= x)
            lo = mid;
        else
            hi = mid;
    }
    return lo; /* every queried offset is a point */
}

/* every byte 0x00 or 0xFF */
static int filler_bytes(const uint8_t *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (p[i] != 0 && p[i] != 0xFF)
            return 0;
    return 1;
}

/* 2^-b, without libm */
static double pow2neg(unsigned b)
{
    double v = 1;
    while (b--)
        v *= 0.5;
    return v;
}

static uint64_t pow2ceil(uint64_t n)
{
    uint64_t p = 1;
    while (p < n)
        p <<= 1;
    return p;
}

/* -- candidates -- */

/*
 * Chains of 2 to UNION_MAX consecutive address pairs (a table of ranges with
 * no value in its records: the value of their union is stored elsewhere): at a 2-aligned
 * place, pairs 8 bytes apart of one byte order and base, each range of whole 16-bit words
 * (an even start; an end that makes an even length when included or excluded), after the
 * previous one, inside the image. Each chain length and end convention is a candidate.
 */
static int union_candidates(struct run *r, const uint64_t *bases, size_t nb)
{
    const uint8_t *p = r->p;
    uint64_t n = r->n, q;
    size_t kept = 0, i;
    int be;
    for (q = 0; q + 16 <= n && kept < MAX_UNIONS; q += 2)
        for (be = 0; be < 2 && kept < MAX_UNIONS; be++) {
            uint64_t a0 = ecu__rdn(p + q, 4, be), b0 = ecu__rdn(p + q + 4, 4, be);
            if (a0 >= b0 || a0 % 2 || b0 == 0xFFFFFFFF)
                continue;
            for (i = 0; i < nb && kept < MAX_UNIONS; i++) {
                uint64_t base = bases[i], s[UNION_MAX], t[UNION_MAX];
                unsigned m = 0, incl;
                while (m < UNION_MAX && q + 8 * m + 8 <= n) {
                    uint64_t a = ecu__rdn(p + q + 8 * m, 4, be), b = ecu__rdn(p + q + 8 * m + 4, 4, be);
                    if (a >= b || a % 2 || a < base || b - base >= n || b == 0xFFFFFFFF ||
                        (m && a - base <= t[m - 1]))
                        break;
                    s[m] = a - base;
                    t[m] = b - base;
                    m++;
                }
                if (m < 2)
                    continue;
                for (incl = 0; incl < 2; incl++) {
                    unsigned len, k;
                    for (k = 0; k < m && (t[k] + incl - s[k]) % 2 == 0; k++)
                        ;
                    for (len = 2; len <= k; len++) {
                        struct cand *c;
                        uint64_t total = 0;
                        for (k = 0; k < len; k++)
                            total += t[k] + incl - s[k];
                        if (total < MIN_RANGE)
                            continue;
                        if (push_cand(r, s[0], t[0] + incl, q, ECU_DISCOVER_TABLE, be))
                            return -1;
                        c = &r->cands[r->ncands - 1];
                        c->ctier = TIER_UNION_FREE;
                        c->nr = (uint8_t)len;
                        for (k = 1; k < len; k++) {
                            c->xs[k - 1] = s[k];
                            c->xe[k - 1] = t[k] + incl;
                        }
                    }
                }
                kept++;
            }
        }
    return 0;
}

/* the value-complement pairs of the image (32-bit, 2-aligned, not all filler), by value */
static int cmp_fslot(const void *a, const void *b)
{
    const struct fslot *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return x->p < y->p ? -1 : x->p > y->p;
}

static int free_slots(struct run *r)
{
    uint64_t q;
    int be;
    size_t cap[2] = {0, 0};
    for (q = 0; q + 8 <= r->n; q += 2)
        for (be = 0; be < 2; be++) {
            uint64_t v = ecu__rdn(r->p + q, 4, be);
            struct fslot *v2;
            if (ecu__rdn(r->p + q + 4, 4, be) != (~v & 0xFFFFFFFF) || filler_bytes(r->p + q, 8))
                continue;
            if (!(v2 = ecu__grow(r->fs[be], r->nfs[be], &cap[be], sizeof *v2, 256)))
                return -1;
            r->fs[be] = v2;
            r->fs[be][r->nfs[be]].v = v;
            r->fs[be][r->nfs[be]].p = q;
            r->nfs[be]++;
        }
    for (be = 0; be < 2; be++)
        if (r->nfs[be])
            qsort(r->fs[be], r->nfs[be], sizeof *r->fs[be], cmp_fslot);
    return 0;
}

static int table_candidates(struct run *r)
{
    const uint8_t *p = r->p;
    uint64_t n = r->n, win = pow2ceil(n), bases[NFIXED_BASES + MAX_INFERRED_BASES];
    size_t nb = 0, q, i, kept = 0;
    uint64_t *pref = NULL;
    size_t npref = 0, cap = 0;
    int be;
    if (n < 16)
        return 0;
    for (i = 0; i < NFIXED_BASES; i++)
        bases[nb++] = fixed_bases[i];
    /* inferred bases: the windows that address pairs point into most often */
    for (q = 0; q + 8 <= n; q += 2)
        for (be = 0; be < 2; be++) {
            uint64_t a = ecu__rdn(p + q, 4, be), b = ecu__rdn(p + q + 4, 4, be);
            if (a < b && b - a >= MIN_RANGE && (a ^ b) < win && a != 0 && b != 0xFFFFFFFF) {
                uint64_t *np = ecu__grow(pref, npref, &cap, sizeof *np, 1024);
                if (!np) {
                    free(pref);
                    return -1;
                }
                pref = np;
                pref[npref++] = a & ~(win - 1);
            }
        }
    if (npref) {
        uint64_t best[MAX_INFERRED_BASES] = {0};
        size_t bestn[MAX_INFERRED_BASES] = {0}, k, run;
        qsort(pref, npref, sizeof *pref, cmp_u64);
        for (i = 0; i < npref; i += run) {
            for (run = 1; i + run < npref && pref[i + run] == pref[i]; run++)
                ;
            if (run < 8)
                continue;
            for (k = 0; k < MAX_INFERRED_BASES; k++)
                if (run > bestn[k]) {
                    memmove(best + k + 1, best + k, (MAX_INFERRED_BASES - 1 - k) * sizeof *best);
                    memmove(bestn + k + 1, bestn + k, (MAX_INFERRED_BASES - 1 - k) * sizeof *bestn);
                    best[k] = pref[i];
                    bestn[k] = run;
                    break;
                }
        }
        for (k = 0; k < MAX_INFERRED_BASES && bestn[k]; k++) {
            for (i = 0; i < nb && bases[i] != best[k]; i++)
                ;
            if (i == nb)
                bases[nb++] = best[k];
        }
    }
    free(pref);
    /* every record on a 2-byte boundary; kept first: those in a table (another record of the
       same byte order and base 8 to 32 bytes before or after it: tables are runs of fixed-size
       records), then those with word-aligned bounds, each in offset order */
    {
        struct rec {
            uint64_t q, s, t;
            uint8_t be, base, member;
        } *recs = NULL;
        size_t nrecs = 0, caprecs = 0, pass;
        for (q = 0; q + 12 <= n && nrecs < MAX_RAW_RECORDS; q += 2)
            for (be = 0; be < 2; be++) {
                uint64_t a = ecu__rdn(p + q, 4, be), b = ecu__rdn(p + q + 4, 4, be);
                if (a >= b || b - a < MIN_RANGE || a == 0xFFFFFFFF || b == 0xFFFFFFFF)
                    continue;
                for (i = 0; i < nb; i++) {
                    if (a < bases[i] || b - bases[i] >= n)
                        continue;
                    struct rec *nr = ecu__grow(recs, nrecs, &caprecs, sizeof *nr, 1024);
                    if (!nr) {
                        free(recs);
                        return -1;
                    }
                    recs = nr;
                    recs[nrecs].q = q;
                    recs[nrecs].s = a - bases[i];
                    recs[nrecs].t = b - bases[i];
                    recs[nrecs].be = (uint8_t)be;
                    recs[nrecs].base = (uint8_t)i;
                    recs[nrecs].member = 0;
                    nrecs++;
                }
            }
        for (i = 0; i < nrecs; i++) {
            size_t j;
            for (j = i + 1; j < nrecs && recs[j].q - recs[i].q <= 32; j++)
                if (recs[j].q - recs[i].q >= 8 && recs[j].be == recs[i].be && recs[j].base == recs[i].base)
                    recs[i].member = recs[j].member = 1;
        }
        /* score: 2 for a table member, 1 for word-aligned bounds (a start on a 4-byte boundary,
           an end on one or just before one); the highest scores first */
        for (i = 0; i < nrecs; i++)
            recs[i].member = (uint8_t)(2 * recs[i].member +
                                       (recs[i].s % 4 == 0 && (recs[i].t % 4 == 0 || recs[i].t % 4 == 3)));
        for (pass = 0; pass < 4; pass++)
            for (i = 0; i < nrecs && kept < MAX_RECORDS; i++) {
                if (recs[i].member != 3 - pass)
                    continue;
                /* [s, t] and [s, t) */
                if (push_cand(r, recs[i].s, recs[i].t + 1, recs[i].q, ECU_DISCOVER_TABLE, recs[i].be) ||
                    push_cand(r, recs[i].s, recs[i].t, recs[i].q, ECU_DISCOVER_TABLE, recs[i].be)) {
                    free(recs);
                    return -1;
                }
                /* members (score 2, 3) class apart from word-aligned (1) and other (0) records */
                r->cands[r->ncands - 1].ctier = r->cands[r->ncands - 2].ctier =
                    (uint8_t)(recs[i].member >= 2 ? 0 : recs[i].member == 1 ? 3 : 4);
                kept++;
            }
        free(recs);
    }
    return (r->d->kinds & ECU_DISCOVER_SUMS) ? union_candidates(r, bases, nb) : 0;
}

struct erun {
    uint64_t s, e;
};

static int cmp_run_len(const void *a, const void *b)
{
    const struct erun *x = a, *y = b;
    uint64_t lx = x->e - x->s, ly = y->e - y->s;
    if (lx != ly)
        return lx > ly ? -1 : 1;
    return x->s < y->s ? -1 : x->s > y->s;
}

static int block_candidates(struct run *r)
{
    uint64_t n = r->n, L = pow2ceil(n) / 64, *bd = NULL;
    size_t nbd = 0, i, j, nruns = 0;
    struct erun runs[MAX_RUNS + 1];
    size_t k;
    if (L < 1024)
        L = 1024;
    if (n < MIN_RANGE)
        return 0;
    bd = malloc((n / L + 2) * sizeof *bd);
    if (!bd)
        return -1;
    for (i = 0; (uint64_t)i * L < n; i++)
        bd[nbd++] = (uint64_t)i * L;
    bd[nbd++] = n;
    for (i = 0; i < nbd; i++)
        for (j = i + 1; j < nbd; j++)
            if (push_cand(r, bd[i], bd[j], 0, ECU_DISCOVER_ALIGNED, 0)) {
                free(bd);
                return -1;
            }
    /* the longest erased runs */
    for (k = 0; k < n;) {
        size_t e = k + 1;
        if (r->p[k] != 0x00 && r->p[k] != 0xFF) {
            k++;
            continue;
        }
        while (e < n && r->p[e] == r->p[k])
            e++;
        if (e - k >= MIN_RUN) {
            /* keep the MAX_RUNS longest: the new one in the scratch entry, then sorted */
            runs[nruns].s = k;
            runs[nruns].e = e;
            qsort(runs, nruns + 1, sizeof *runs, cmp_run_len);
            if (nruns < MAX_RUNS)
                nruns++;
        }
        k = e;
    }
    for (i = 0; i < nruns; i++) {
        uint64_t re = runs[i].e, rs = runs[i].s;
        int re_al = re % L == 0 || re == n, rs_al = rs % L == 0;
        /* from the run's end to a boundary or the start of another run */
        if (re < n && !re_al) {
            for (j = 0; j < nbd; j++)
                if (bd[j] >= re + MIN_RANGE && push_cand(r, re, bd[j], 0, ECU_DISCOVER_ERASED, 0))
                    goto nomem;
            for (j = 0; j < nruns; j++)
                if (runs[j].s >= re + MIN_RANGE && runs[j].s % L != 0 &&
                    push_cand(r, re, runs[j].s, 0, ECU_DISCOVER_ERASED, 0))
                    goto nomem;
        }
        /* from a boundary or the end of another run to the run's start */
        if (rs > 0 && !rs_al) {
            for (j = 0; j < nbd; j++)
                if (bd[j] + MIN_RANGE <= rs && push_cand(r, bd[j], rs, 0, ECU_DISCOVER_ERASED, 0))
                    goto nomem;
            /* run end to run start pairs are added from the other side */
        }
    }
    free(bd);
    return 0;
nomem:
    free(bd);
    return -1;
}

/* -- prefix sums and registers at the points -- */

static int prefixes(struct run *r)
{
    size_t i, k;
    uint64_t acc[4] = {0, 0, 0, 0}, pos = 0;
    r->bs = malloc(r->npts * sizeof *r->bs);
    if (!r->bs)
        return -1;
    for (k = 0; k < r->npts; k++) {
        uint64_t to = r->pts[k];
        for (; pos < to && pos % 4; pos++)
            acc[pos % 4] += r->p[pos];
        for (; pos + 4 <= to; pos += 4) {
            acc[0] += r->p[pos];
            acc[1] += r->p[pos + 1];
            acc[2] += r->p[pos + 2];
            acc[3] += r->p[pos + 3];
        }
        for (; pos < to; pos++)
            acc[pos % 4] += r->p[pos];
        memcpy(r->bs[k], acc, sizeof acc);
    }
    if (!(r->d->kinds & ECU_DISCOVER_CRCS))
        return 0;
    for (i = 0; i < NMODELS; i++) {
        const struct model *m = &models[i];
        size_t c;
        r->model_combo[i] = -1;
        if (!(pow2neg(m->width) < r->d->bound)) /* never reportable: not computed */
            continue;
        for (c = 0; c < r->ncombos; c++)
            if (r->combos[c].w == m->width && r->combos[c].poly == m->poly &&
                r->combos[c].refl == m->refin)
                break;
        if (c == r->ncombos) {
            struct combo *cb = &r->combos[r->ncombos++];
            ecu_crc_params prm;
            uint64_t sq[64], sqi[64], one, st;
            unsigned b;
            cb->w = m->width;
            cb->poly = m->poly;
            cb->refl = m->refin;
            cb->mask = m->width == 64 ? UINT64_MAX : ((uint64_t)1 << m->width) - 1;
            cb->rpoly = ecu__reflect(m->poly, m->width);
            cb->one = one = m->refin ? (uint64_t)1 << (m->width - 1) : 1;
            prm.width = m->width;
            prm.poly = m->poly;
            prm.init = 0;
            prm.refin = prm.refout = m->refin;
            prm.xorout = 0;
            cb->eng = ecu_crc_new(&prm);
            cb->A = malloc(r->npts * sizeof *cb->A);
            cb->T = malloc(r->npts * sizeof *cb->T);
            cb->Ti = malloc(r->npts * sizeof *cb->Ti);
            if (!cb->eng || !cb->A || !cb->T || !cb->Ti)
                return -1;
            /* x^8 and x^-8, then their squares */
            sq[0] = m->refin ? one >> 8 : one << 8;
            sqi[0] = one;
            for (b = 0; b < 8; b++)
                sqi[0] = divx(cb, sqi[0]);
            for (b = 1; b < 64; b++) {
                sq[b] = mulmod(cb, sq[b - 1], sq[b - 1]);
                sqi[b] = mulmod(cb, sqi[b - 1], sqi[b - 1]);
            }
            st = 0;
            pos = 0;
            for (k = 0; k < r->npts; k++) {
                st = ecu_crc_update(cb->eng, st, r->p + pos, r->pts[k] - pos);
                pos = r->pts[k];
                cb->A[k] = st;
                cb->T[k] = powmod(cb, sq, pos);
                cb->Ti[k] = powmod(cb, sqi, pos);
            }
        }
        r->model_combo[i] = (int8_t)c;
    }
    return 0;
}

/* -- evaluation -- */

/* sum of the words of kind @p sk over [s, e), (e - s) a multiple of the word size */
static uint64_t range_sum(const struct run *r, size_t is, size_t ie, const struct sumkind *sk)
{
    uint64_t s = r->pts[is], t = 0;
    unsigned res;
    if (r->d->brute)
        return ecu_sum_words(r->p + s, r->pts[ie] - s, sk->wb, sk->be, 0, 64);
    for (res = 0; res < 4; res++) {
        uint64_t v = r->bs[ie][res] - r->bs[is][res];
        unsigned o = (unsigned)((res + 4 - s % 4) % sk->wb); /* place in the word */
        unsigned sh = 8 * (sk->be ? sk->wb - 1 - o : o);
        t += v << sh;
    }
    return t;
}

/* CRC model @p mi of [s, e); *have: the combo whose x^(8(e-s)) is in *xcache, or -1 */
static uint64_t range_crc(const struct run *r, size_t is, size_t ie, size_t mi, uint64_t *xcache,
                          int *have)
{
    const struct model *m = &models[mi];
    const struct combo *c = &r->combos[r->model_combo[mi]];
    uint64_t init, reg;
    if (r->d->brute)
        return ecu_crc_compute(r->model_eng[mi], r->p + r->pts[is], r->pts[ie] - r->pts[is]);
    if (*have != r->model_combo[mi]) {
        *xcache = mulmod(c, c->T[ie], c->Ti[is]);
        *have = r->model_combo[mi];
    }
    init = m->refin ? ecu__reflect(m->init, m->width) : m->init;
    reg = c->A[ie] ^ mulmod(c, *xcache, c->A[is] ^ init);
    return (reg ^ m->xorout) & c->mask;
}

static size_t class_of(int tier, int form, int alg, int be, int ci)
{
    return ((((size_t)tier * NFORM + (size_t)form) * NALG + (size_t)alg) * 2 + (size_t)be) * NCONST + (size_t)ci;
}

static size_t class_tier(size_t cls) { return cls / ((size_t)NFORM * NALG * 2 * NCONST); }

/* counts a try; 0 when the budget is spent */
static int try_one(struct run *r, size_t cls)
{
    if (r->d->tried >= r->d->budget) {
        r->d->truncated = 1;
        r->stop = 1;
        return 0;
    }
    r->d->tried++;
    r->tries[cls]++;
    return 1;
}

/* counts @p k tries of one class; 0 when the budget is spent */
static int try_n(struct run *r, size_t cls, uint64_t k)
{
    if (r->d->tried + k > r->d->budget) {
        r->d->truncated = 1;
        r->stop = 1;
        return 0;
    }
    r->d->tried += k;
    r->tries[cls] += k;
    return 1;
}

static void add_hit(struct run *r, size_t cls, const struct cand *c, int form, int alg, int be, int ci,
                    uint64_t s, uint64_t e, uint64_t p, uint64_t stored, uint64_t constant)
{
    struct hit *h;
    if (r->nhits == MAX_HITS) {
        r->d->truncated = 1;
        return;
    }
    h = &r->hits[r->nhits++];
    h->cls = (uint32_t)cls;
    h->tier = c->tier;
    h->form = (uint8_t)form;
    h->alg = (uint8_t)alg;
    h->be = (uint8_t)be;
    h->ci = (uint8_t)ci;
    h->s = s;
    h->e = e;
    h->p = p;
    h->stored = stored;
    h->constant = constant;
    h->table = c->table;
    h->cand = (uint32_t)(c - r->cands);
    h->seed = 0;
}

static int range_filler(const struct run *r, size_t is, size_t ie)
{
    uint64_t t = 0, len = r->pts[ie] - r->pts[is];
    unsigned k;
    for (k = 0; k < 4; k++)
        t += r->bs[ie][k] - r->bs[is][k];
    return t == 0 || t == 255 * len;
}

/*
 * The sums and CRCs of the range [s, e) against a slot at @p p (the record's value, or the
 * block's last bytes), in the slot byte orders of @p bes (bit 0 LE, bit 1 BE); @p only: the
 * slot's width when it is fixed (a block's last bytes), else 0.
 */
static void eval_slot(struct run *r, const struct cand *c, uint64_t s, uint64_t e, uint64_t p, int form,
                      unsigned bes, unsigned only)
{
    const uint8_t *img = r->p;
    size_t is, ie, k, ci;
    int accs;
    uint64_t xc = 0;
    int have = -1;
    if (e < s + MIN_RANGE || e > r->n)
        return;
    is = pt_index(r, s);
    ie = pt_index(r, e);
    if (range_filler(r, is, ie))
        return;
    if (r->d->kinds & ECU_DISCOVER_SUMS) {
        for (k = 0; k < NSUMKINDS && !r->stop; k++) {
            const struct sumkind *sk = &sumkinds[k];
            uint64_t sum;
            if ((e - s) % sk->wb)
                continue;
            sum = range_sum(r, is, ie, sk);
            for (accs = 0; accs < 2 && !r->stop; accs++) { /* 32 bits, then 16 */
                unsigned bytes = accs ? 2 : 4, be;
                uint64_t mask = accs ? 0xFFFF : 0xFFFFFFFF, v = sum & mask;
                int alg = (int)(2 * k) + accs;
                if (only && (form == ECU_DISCOVER_COMPLEMENT ? 2 * bytes : bytes) != only)
                    continue;
                if (!(pow2neg(form == ECU_DISCOVER_COMPLEMENT ? 16 * bytes : 8 * bytes) < r->d->bound))
                    continue; /* never reportable */
                if (p + (form == ECU_DISCOVER_COMPLEMENT ? 2 * bytes : bytes) > r->n)
                    continue;
                for (be = 0; be < 2; be++) {
                    uint64_t stored;
                    if (!(bes & (1u << be)) || (sk->wb > 1 && (unsigned)sk->be != be))
                        continue;
                    if (filler_bytes(img + p, bytes))
                        continue;
                    stored = ecu__rdn(img + p, bytes, (int)be);
                    if (form == ECU_DISCOVER_BALANCE) {
                        size_t nc = r->nconsts[!accs];
                        for (ci = 0; ci < nc; ci++) {
                            uint64_t cst = r->consts[!accs][ci];
                            if (!try_one(r, class_of(c->ctier, form, alg, (int)be, (int)ci)))
                                return;
                            if (((cst - v) & mask) == stored)
                                add_hit(r, class_of(c->ctier, form, alg, (int)be, (int)ci), c, form, alg,
                                        (int)be, (int)ci, s, e, p, stored, cst);
                        }
                        continue;
                    }
                    if (!try_one(r, class_of(c->ctier, form, alg, (int)be, 0)))
                        return;
                    if (stored != v)
                        continue;
                    if (form == ECU_DISCOVER_COMPLEMENT && ecu__rdn(img + p + bytes, bytes, (int)be) != (~v & mask))
                        continue;
                    add_hit(r, class_of(c->ctier, form, alg, (int)be, 0), c, form, alg, (int)be, 0, s, e, p,
                            stored, 0);
                }
            }
        }
    }
    if ((r->d->kinds & ECU_DISCOVER_CRCS) && form == ECU_DISCOVER_PLAIN) {
        for (k = 0; k < NMODELS && !r->stop; k++) {
            const struct model *m = &models[k];
            unsigned bytes = m->width / 8, be;
            uint64_t v;
            int alg = 2 * NSUMKINDS + (int)k;
            if (r->model_combo[k] < 0)
                continue;
            if (p + bytes > r->n || filler_bytes(img + p, bytes))
                continue;
            if (only && bytes != only)
                continue;
            v = range_crc(r, is, ie, k, &xc, &have);
            for (be = 0; be < 2; be++) {
                if (!(bes & (1u << be)))
                    continue;
                if (!try_one(r, class_of(c->ctier, form, alg, (int)be, 0)))
                    return;
                if (ecu__rdn(img + p, bytes, (int)be) == v)
                    add_hit(r, class_of(c->ctier, form, alg, (int)be, 0), c, form, alg, (int)be, 0, s, e, p, v, 0);
            }
        }
    }
}

/* self-sums: the words of [s, e) reach a constant; the slot is the last word */
static void eval_selfsum(struct run *r, const struct cand *c, uint64_t s, uint64_t e)
{
    static const int kinds[] = {1, 2, 3, 4}; /* u16le, u16be into 16 bits; u32le, u32be into 32 */
    size_t is, ie, k, ci;
    if (e < s + MIN_RANGE || e > r->n)
        return;
    is = pt_index(r, s);
    ie = pt_index(r, e);
    if (range_filler(r, is, ie))
        return;
    for (k = 0; k < 4 && !r->stop; k++) {
        const struct sumkind *sk = &sumkinds[kinds[k]];
        int w32 = sk->wb == 4, alg = 2 * kinds[k] + !w32;
        uint64_t mask = w32 ? 0xFFFFFFFF : 0xFFFF, v;
        if ((e - s) % sk->wb || !(pow2neg(w32 ? 32 : 16) < r->d->bound))
            continue;
        if (c->tier == ECU_DISCOVER_TABLE && sk->be != c->be)
            continue;
        if (filler_bytes(r->p + e - sk->wb, sk->wb))
            continue;
        v = range_sum(r, is, ie, sk) & mask;
        for (ci = 0; ci < r->nconsts[w32]; ci++) {
            size_t cls = class_of(c->ctier, ECU_DISCOVER_SELFSUM, alg, sk->be, (int)ci);
            if (!try_one(r, cls))
                return;
            if (v == r->consts[w32][ci])
                add_hit(r, cls, c, ECU_DISCOVER_SELFSUM, alg, sk->be, (int)ci, s, e, e - sk->wb,
                        ecu__rdn(r->p + e - sk->wb, sk->wb, sk->be), v);
        }
    }
}

/* the reflected CRC-32 register (CRC-32/JAMCRC's polynomial, no final xor) over [s, e) from
   the register value @p seed; the cache as in range_crc */
static uint64_t raw_crc(const struct run *r, size_t is, size_t ie, uint64_t seed, uint64_t *xcache, int *have)
{
    const struct combo *c = &r->combos[r->model_combo[JAMCRC]];
    if (r->d->brute) {
        ecu_crc_params prm = {32, models[JAMCRC].poly, ecu__reflect(seed, 32), 1, 1, 0};
        ecu_crc *eng = ecu_crc_new(&prm);
        uint64_t v = eng ? ecu_crc_compute(eng, r->p + r->pts[is], r->pts[ie] - r->pts[is]) : ~seed;
        ecu_crc_free(eng);
        return v & 0xFFFFFFFF;
    }
    if (*have != r->model_combo[JAMCRC]) {
        *xcache = mulmod(c, c->T[ie], c->Ti[is]);
        *have = r->model_combo[JAMCRC];
    }
    return (c->A[ie] ^ mulmod(c, *xcache, c->A[is] ^ seed)) & c->mask;
}

/*
 * crc-target: the CRC-32 of a table record's range [s, e), its last word (the compensation
 * word) included, reaches a constant: one of the 32-bit constants or a word of the record
 * (NRECW words after the address pair). CRCs: the catalogue's CRC-32 models (ISO-HDLC and
 * JAMCRC as the register from 0xFFFFFFFF below), and the reflected CRC-32 register from each
 * seed, with no final xor and with 0xFFFFFFFF (NRAW).
 */
static void eval_crctarget(struct run *r, const struct cand *c)
{
    size_t is, ie, k, ci, nc = r->nconsts[1];
    uint64_t recw[NRECW], xc = 0, stored;
    int have = -1;
    if (c->e < c->s + MIN_RANGE || c->e > r->n || !(pow2neg(32) < r->d->bound) ||
        c->table + 8 + 4 * NRECW > r->n || r->model_combo[JAMCRC] < 0)
        return;
    is = pt_index(r, c->s);
    ie = pt_index(r, c->e);
    if (range_filler(r, is, ie))
        return;
    for (k = 0; k < NRECW; k++)
        recw[k] = ecu__rdn(r->p + c->table + 8 + 4 * k, 4, c->be);
    stored = ecu__rdn(r->p + c->e - 4, 4, c->be);
    for (k = 0; k < NMODELS + NRAW && !r->stop; k++) {
        uint64_t v, seed = 0;
        int alg;
        if (k < NMODELS) {
            if (models[k].width != 32 || k == JAMCRC || k == ISOHDLC || r->model_combo[k] < 0)
                continue; /* those two: the register from 0xFFFFFFFF below */
            v = range_crc(r, is, ie, k, &xc, &have);
            alg = 2 * NSUMKINDS + (int)k;
        } else {
            /* the final xor first: a register that ends at 0 from 0xFFFFFFFF is zlib's CRC-32
               reaching 0xFFFFFFFF, written "crc32" */
            size_t si = (k - NMODELS) / 2, x = (k - NMODELS) % 2 == 0;
            seed = si == 0 ? 0 : si == 1 ? 0xFFFFFFFF : recw[si - 2];
            v = raw_crc(r, is, ie, seed, &xc, &have) ^ (x ? 0xFFFFFFFF : 0);
            alg = ALG_RAW + (int)(k - NMODELS);
        }
        for (ci = 0; ci < nc + NRECW; ci++) {
            size_t cix = ci < nc ? ci : CI_RECW + (ci - nc);
            uint64_t t = ci < nc ? r->consts[1][ci] : recw[ci - nc];
            size_t cls = class_of(c->ctier, ECU_DISCOVER_CRC_TARGET, alg, c->be, (int)cix);
            if (!try_one(r, cls))
                return;
            if (v == t) {
                size_t before = r->nhits;
                add_hit(r, cls, c, ECU_DISCOVER_CRC_TARGET, alg, c->be, (int)cix, c->s, c->e, c->e - 4, stored, t);
                if (r->nhits > before)
                    r->hits[before].seed = seed;
            }
        }
    }
}

/*
 * A chain of records: the word sums of its ranges' union into 32 bits, against every
 * value-complement pair of the image (TIER_UNION_FREE), and against the 32-bit values up to
 * NEAR_SLOT bytes before or after the records with each seed added (TIER_UNION_NEAR).
 */
static void eval_union(struct run *r, const struct cand *c)
{
    size_t k, is[UNION_MAX], ie[UNION_MAX];
    uint64_t s[UNION_MAX], e[UNION_MAX], tend = c->table + 8 * (uint64_t)c->nr;
    unsigned m, nr = c->nr;
    int filler = 1;
    s[0] = c->s;
    e[0] = c->e;
    for (m = 1; m < nr; m++) {
        s[m] = c->xs[m - 1];
        e[m] = c->xe[m - 1];
    }
    for (m = 0; m < nr; m++) {
        if (e[m] > r->n)
            return;
        is[m] = pt_index(r, s[m]);
        ie[m] = pt_index(r, e[m]);
        filler &= range_filler(r, is[m], ie[m]);
    }
    if (filler || !(pow2neg(32) < r->d->bound))
        return;
    for (k = 0; k < NSUMKINDS && !r->stop; k++) {
        const struct sumkind *sk = &sumkinds[k];
        uint64_t v = 0, p;
        int alg = (int)(2 * k), be;
        for (m = 0; m < nr && (e[m] - s[m]) % sk->wb == 0; m++)
            v += range_sum(r, is[m], ie[m], sk);
        if (m < nr)
            continue;
        v &= 0xFFFFFFFF;
        for (be = 0; be < 2 && !r->stop; be++) {
            size_t cls, lo = 0, hi = r->nfs[be], ci;
            if (sk->wb > 1 && sk->be != be)
                continue;
            /* a free value-complement pair */
            cls = class_of(TIER_UNION_FREE, ECU_DISCOVER_COMPLEMENT, alg, be, 0);
            if (hi && !try_n(r, cls, hi))
                return;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (r->fs[be][mid].v < v)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            for (; lo < r->nfs[be] && r->fs[be][lo].v == v; lo++)
                add_hit(r, cls, c, ECU_DISCOVER_COMPLEMENT, alg, be, 0, c->s, c->e, r->fs[be][lo].p, v, 0);
            /* a value near the records, from a seed */
            for (p = c->table >= NEAR_SLOT ? c->table - NEAR_SLOT : 0; p < tend + NEAR_SLOT && !r->stop; p += 2) {
                uint64_t stored;
                if (p + 4 > c->table && p < tend)
                    continue;
                if (p + 4 > r->n)
                    break;
                if (filler_bytes(r->p + p, 4))
                    continue;
                stored = ecu__rdn(r->p + p, 4, be);
                for (ci = 0; ci < NSEEDS + 2; ci++) {
                    uint64_t seed;
                    if (ci == SEED_AFTER) {
                        if (p + 8 > r->n)
                            continue;
                        seed = ecu__rdn(r->p + p + 4, 4, be);
                    } else if (ci == SEED_BEFORE) {
                        if (p < 4)
                            continue;
                        seed = ecu__rdn(r->p + p - 4, 4, be);
                    } else {
                        seed = seeds32[ci];
                    }
                    cls = class_of(TIER_UNION_NEAR, ECU_DISCOVER_PLAIN, alg, be, (int)ci);
                    if (!try_one(r, cls))
                        return;
                    if (((v + seed) & 0xFFFFFFFF) == stored)
                        add_hit(r, cls, c, ECU_DISCOVER_PLAIN, alg, be, (int)ci, c->s, c->e, p, stored, seed);
                }
            }
        }
    }
}

static void eval_cand(struct run *r, const struct cand *c)
{
    unsigned kinds = r->d->kinds;
    if (c->nr > 1) {
        if (kinds & ECU_DISCOVER_SUMS)
            eval_union(r, c);
        return;
    }
    if (c->tier == ECU_DISCOVER_TABLE) {
        uint64_t slot = c->table + 8;
        unsigned bes = 1u << c->be;
        if (kinds & (ECU_DISCOVER_SUMS | ECU_DISCOVER_CRCS)) {
            eval_slot(r, c, c->s, c->e, slot, ECU_DISCOVER_COMPLEMENT, bes, 0);
            eval_slot(r, c, c->s, c->e, slot, ECU_DISCOVER_PLAIN, bes, 0);
            if (kinds & ECU_DISCOVER_SUMS)
                eval_slot(r, c, c->s, c->e, slot, ECU_DISCOVER_BALANCE, bes, 0);
        }
        if (kinds & ECU_DISCOVER_SELFSUMS)
            eval_selfsum(r, c, c->s, c->e);
        if (kinds & ECU_DISCOVER_CRCS)
            eval_crctarget(r, c);
        return;
    }
    if (kinds & (ECU_DISCOVER_SUMS | ECU_DISCOVER_CRCS)) {
        /* the value (and its complement) in the block's last bytes, the range before it */
        static const unsigned off[] = {8, 4, 2};
        size_t k;
        for (k = 0; k < 3 && !r->stop; k++)
            if (c->e >= off[k]) {
                uint64_t p = c->e - off[k];
                if (off[k] != 2) /* a 32-bit pair in the last 8, a 16-bit one in the last 4 */
                    eval_slot(r, c, c->s, p, p, ECU_DISCOVER_COMPLEMENT, 3, off[k]);
                if (off[k] != 8) /* a 32-bit value in the last 4, a 16-bit one in the last 2 */
                    eval_slot(r, c, c->s, p, p, ECU_DISCOVER_PLAIN, 3, off[k]);
            }
    }
    if (kinds & ECU_DISCOVER_SELFSUMS)
        eval_selfsum(r, c, c->s, c->e);
}

/* -- results -- */

/* the bits a class's value has */
static unsigned alg_width(size_t alg)
{
    if (alg >= ALG_RAW)
        return 32;
    if (alg >= 2 * NSUMKINDS)
        return models[alg - 2 * NSUMKINDS].width;
    return alg % 2 ? 16 : 32;
}

static void alg_text(const struct hit *h, char *buf, size_t n, const char **model)
{
    *model = "";
    if (h->form == ECU_DISCOVER_CRC_TARGET) { /* a catalogue model, or the raw register */
        const struct model *m = h->alg >= ALG_RAW ? &models[(h->alg - ALG_RAW) % 2 ? JAMCRC : ISOHDLC]
                                                  : &models[h->alg - 2 * NSUMKINDS];
        uint64_t init = h->alg >= ALG_RAW ? ecu__reflect(h->seed, 32) : m->init;
        *model = m->name;
        if (m->preset && init == m->init)
            snprintf(buf, n, "crc-target %s target 0x%llX", m->preset, (unsigned long long)h->constant);
        else
            snprintf(buf, n, "crc-target width %u poly 0x%llX init 0x%llX refin %s refout %s xorout 0x%llX "
                     "target 0x%llX", m->width, (unsigned long long)m->poly, (unsigned long long)init,
                     m->refin ? "yes" : "no", m->refin ? "yes" : "no", (unsigned long long)m->xorout,
                     (unsigned long long)h->constant);
        return;
    }
    if (h->alg >= 2 * NSUMKINDS) {
        const struct model *m = &models[h->alg - 2 * NSUMKINDS];
        *model = m->name;
        if (m->preset)
            snprintf(buf, n, "crc %s", m->preset);
        else
            snprintf(buf, n, "crc width %u poly 0x%llX init 0x%llX refin %s refout %s xorout 0x%llX",
                     m->width, (unsigned long long)m->poly, (unsigned long long)m->init,
                     m->refin ? "yes" : "no", m->refin ? "yes" : "no", (unsigned long long)m->xorout);
        return;
    }
    {
        const struct sumkind *sk = &sumkinds[h->alg / 2];
        unsigned acc = h->alg % 2 ? 16 : 32;
        if (h->form == ECU_DISCOVER_SELFSUM || h->form == ECU_DISCOVER_BALANCE) {
            if (sk->wb == 4 && acc == 32)
                snprintf(buf, n, "selfsum %s target 0x%llX", sk->name, (unsigned long long)h->constant);
            else
                snprintf(buf, n, "selfsum %s acc %u target 0x%llX", sk->name, acc,
                         (unsigned long long)h->constant);
        } else {
            snprintf(buf, n, "sum %s acc %u", sk->name, acc);
        }
    }
}

static int cmp_items(const void *a, const void *b)
{
    const ecu_finding *x = &((const struct item *)a)->f, *y = &((const struct item *)b)->f;
    if (x->source != y->source)
        return x->source < y->source ? -1 : 1;
    if (x->store_offset != y->store_offset)
        return x->store_offset < y->store_offset ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return strcmp(x->algorithm, y->algorithm);
}

static int collect(struct run *r)
{
    ecu_discover *d = r->d;
    size_t i, j, ncls = NCLASS;
    struct item *items;
    size_t nitems = 0;
    items = calloc(MAX_FINDINGS, sizeof *items);
    if (!items)
        return -1;
    for (i = 0; i < r->nhits; i++) {
        const struct hit *h = &r->hits[i];
        unsigned bits = alg_width(h->alg);
        double expected;
        struct item *it;
        int dup = 0;
        const struct cand *hc = &r->cands[h->cand];
        unsigned m;
        if (h->form == ECU_DISCOVER_COMPLEMENT && class_tier(h->cls) != TIER_UNION_FREE)
            bits *= 2;
        expected = (double)r->tries[h->cls] * pow2neg(bits);
        if (!(expected < d->bound))
            continue;
        /* one finding per algorithm family and slot: the first (table before aligned before
           erased; a complement before the value alone; 32 bits before 16) */
        for (j = 0; j < nitems && !dup; j++) {
            const struct item *o = &items[j];
            int same_family = h->alg >= 2 * NSUMKINDS
                                  ? o->f.kind == ECU_DISCOVER_CRCS && o->f.acc_bits == alg_width(h->alg)
                                  : o->f.kind != ECU_DISCOVER_CRCS && o->f.word_bytes == sumkinds[h->alg / 2].wb &&
                                        o->f.word_big_endian == sumkinds[h->alg / 2].be;
            dup = same_family && o->f.store_offset == h->p;
        }
        if (dup)
            continue;
        if (nitems == MAX_FINDINGS) {
            d->truncated = 1;
            break;
        }
        it = &items[nitems++];
        alg_text(h, it->alg, sizeof it->alg, &it->f.model);
        it->f.algorithm = it->alg;
        it->f.form = (ecu_discover_form)h->form;
        it->f.source = (ecu_discover_source)h->tier;
        if (h->alg >= 2 * NSUMKINDS) {
            it->f.kind = ECU_DISCOVER_CRCS;
            it->f.acc_bits = alg_width(h->alg);
            it->f.store_bytes = it->f.acc_bits / 8;
        } else {
            const struct sumkind *sk = &sumkinds[h->alg / 2];
            it->f.kind = h->form == ECU_DISCOVER_SELFSUM ? ECU_DISCOVER_SELFSUMS : ECU_DISCOVER_SUMS;
            it->f.word_bytes = sk->wb;
            it->f.word_big_endian = sk->be;
            it->f.acc_bits = h->alg % 2 ? 16 : 32;
            it->f.store_bytes = h->form == ECU_DISCOVER_SELFSUM ? sk->wb : it->f.acc_bits / 8;
        }
        it->f.start = h->s;
        it->f.end = h->e - 1;
        it->f.nranges = hc->nr;
        it->f.starts[0] = h->s;
        it->f.ends[0] = h->e - 1;
        for (m = 1; m < hc->nr; m++) {
            it->f.starts[m] = hc->xs[m - 1];
            it->f.ends[m] = hc->xe[m - 1] - 1;
        }
        it->f.free_slot = class_tier(h->cls) == TIER_UNION_FREE;
        if (class_tier(h->cls) == TIER_UNION_NEAR) {
            it->f.init = h->constant;
            it->f.constant = 0;
            if (h->constant)
                snprintf(it->alg + strlen(it->alg), sizeof it->alg - strlen(it->alg), " init 0x%llX",
                         (unsigned long long)h->constant);
        }
        it->f.store_offset = h->p;
        it->f.store_big_endian = h->be;
        it->f.stored = h->stored;
        it->f.constant = h->constant;
        if (h->form == ECU_DISCOVER_CRC_TARGET)
            it->f.init = h->alg >= ALG_RAW ? ecu__reflect(h->seed, 32) : models[h->alg - 2 * NSUMKINDS].init;
        it->f.table_offset = h->tier == ECU_DISCOVER_TABLE ? h->table : 0;
        it->f.candidates = r->tries[h->cls];
        it->f.expected = expected;
    }
    /* every class that can report: its expected chance matches */
    for (i = 0; i < ncls; i++)
        if (r->tries[i]) {
            size_t alg = i / NCONST / 2 % NALG, form = i / NCONST / 2 / NALG % NFORM;
            unsigned bits = alg_width(alg);
            double e;
            if (form == ECU_DISCOVER_COMPLEMENT && class_tier(i) != TIER_UNION_FREE)
                bits *= 2;
            e = (double)r->tries[i] * pow2neg(bits);
            if (e < d->bound)
                d->expected_false += e;
        }
    if (nitems) /* qsort must not be given a NULL array, even empty */
        qsort(items, nitems, sizeof *items, cmp_items);
    for (i = 0; i < nitems; i++) /* the strings move with the items */
        items[i].f.algorithm = items[i].alg;
    d->items = items;
    d->nitems = nitems;
    return 0;
}

static void run_free(struct run *r)
{
    size_t i;
    free(r->cands);
    free(r->pts);
    free(r->bs);
    free(r->tries);
    free(r->hits);
    free(r->fs[0]);
    free(r->fs[1]);
    for (i = 0; i < r->ncombos; i++) {
        ecu_crc_free(r->combos[i].eng);
        free(r->combos[i].A);
        free(r->combos[i].T);
        free(r->combos[i].Ti);
    }
    for (i = 0; i < NMODELS; i++)
        ecu_crc_free(r->model_eng[i]);
}

int ecu_discover_run(ecu_discover *d, const uint8_t *data, size_t size)
{
    struct run r;
    size_t i, k;
    int rc = ECU_ERR_NOMEM;
    if (!d)
        return ECU_ERR_INVALID;
    free(d->items);
    d->items = NULL;
    d->nitems = 0;
    d->tried = d->ranges = 0;
    d->truncated = 0;
    d->expected_false = 0;
    if (!data && size)
        return ECU_ERR_INVALID;
    if (!data || size < MIN_RANGE)
        return ECU_OK;
    memset(&r, 0, sizeof r);
    r.d = d;
    r.p = data;
    r.n = size;
    for (i = 0; i < NB16; i++)
        r.consts[0][r.nconsts[0]++] = builtin16[i];
    for (i = 0; i < d->nadded[0]; i++)
        r.consts[0][r.nconsts[0]++] = d->added[0][i];
    for (i = 0; i < NB32; i++)
        r.consts[1][r.nconsts[1]++] = builtin32[i];
    for (i = 0; i < d->nadded[1]; i++)
        r.consts[1][r.nconsts[1]++] = d->added[1][i];
    if (table_candidates(&r) || block_candidates(&r) || free_slots(&r))
        goto out;
    /* the points: every start and end a candidate may use */
    for (i = 0; i < r.ncands; i++) {
        const struct cand *c = &r.cands[i];
        if (push_pt(&r, c->s) || push_pt(&r, c->e))
            goto out;
        for (k = 1; k < c->nr; k++)
            if (push_pt(&r, c->xs[k - 1]) || push_pt(&r, c->xe[k - 1]))
                goto out;
        if (c->tier != ECU_DISCOVER_TABLE)
            for (k = 2; k <= 8; k *= 2)
                if (c->e >= k && push_pt(&r, c->e - k))
                    goto out;
    }
    if (r.npts)
        qsort(r.pts, r.npts, sizeof *r.pts, cmp_u64);
    for (i = k = 0; i < r.npts; i++)
        if (r.pts[i] <= size && (k == 0 || r.pts[i] != r.pts[k - 1]))
            r.pts[k++] = r.pts[i];
    r.npts = k;
    if (!r.npts || prefixes(&r))
        goto out;
    if (d->brute)
        for (i = 0; i < NMODELS; i++) {
            ecu_crc_params prm = {models[i].width, models[i].poly, models[i].init, models[i].refin,
                                  models[i].refin, models[i].xorout};
            if (!(r.model_eng[i] = ecu_crc_new(&prm)))
                goto out;
        }
    r.tries = calloc(NCLASS, sizeof *r.tries);
    r.hits = malloc(MAX_HITS * sizeof *r.hits);
    if (!r.tries || !r.hits)
        goto out;
    for (i = 0; i < r.ncands && !r.stop; i++) {
        if (d->brute && i % d->brute)
            continue;
        d->ranges++;
        eval_cand(&r, &r.cands[i]);
    }
    if (collect(&r))
        goto out;
    rc = ECU_OK;
out:
    run_free(&r);
    return rc;
}

/* ---- layout text ------------------------------------------------------------------------------ */

int ecu_discover_layout_block(const ecu_finding *f, const char *name, char *buf, size_t size)
{
    static const char *types[2][2] = {{"u16le", "u16be"}, {"u32le", "u32be"}};
    const char *st;
    int n;
    if (!f || !name || !buf || !size || (f->store_bytes != 2 && f->store_bytes != 4))
        return ECU_ERR_INVALID;
    st = types[f->store_bytes == 4][f->store_big_endian != 0];
    switch (f->form) {
    case ECU_DISCOVER_SELFSUM: /* a 32-bit word, the last of the range, makes the sum */
    case ECU_DISCOVER_CRC_TARGET: /* the compensation word ends the range */
        if ((f->form == ECU_DISCOVER_SELFSUM ? f->word_bytes : f->store_bytes) != 4 || f->acc_bits != 32)
            return ECU_ERR_INVALID;
        /* written as a plain block of one range */
        /* fall through */
    case ECU_DISCOVER_PLAIN:
    case ECU_DISCOVER_COMPLEMENT: {
        size_t at;
        unsigned k;
        n = snprintf(buf, size, "block \"%s\"\n  %s\n", name, f->algorithm);
        for (k = 0; n > 0 && (size_t)n < size && k < (f->nranges > 1 ? f->nranges : 1); k++) {
            at = (size_t)n;
            n = snprintf(buf + at, size - at, "  range 0x%llX 0x%llX\n",
                         (unsigned long long)(k ? f->starts[k] : f->start),
                         (unsigned long long)(k ? f->ends[k] : f->end));
            n = n < 0 ? n : (int)(at + (size_t)n);
        }
        if (n > 0 && (size_t)n < size) {
            at = (size_t)n;
            n = snprintf(buf + at, size - at, "  store 0x%llX %s%s\n", (unsigned long long)f->store_offset, st,
                         f->form == ECU_DISCOVER_COMPLEMENT ? " complement" : "");
            n = n < 0 ? n : (int)(at + (size_t)n);
        }
        break;
    }
    case ECU_DISCOVER_BALANCE:
        if (f->word_bytes != 4 || f->acc_bits != 32 || f->store_big_endian != f->word_big_endian)
            return ECU_ERR_INVALID;
        n = snprintf(buf, size,
                     "block \"%s\"\n  %s\n  range 0x%llX 0x%llX\n  range 0x%llX +4\n  store 0x%llX %s\n",
                     name, f->algorithm, (unsigned long long)f->start, (unsigned long long)f->end,
                     (unsigned long long)f->store_offset, (unsigned long long)f->store_offset, st);
        break;
    default:
        return ECU_ERR_INVALID;
    }
    return n > 0 && (size_t)n < size ? ECU_OK : ECU_ERR_INVALID;
}

/* ---- learning -------------------------------------------------------------------------------- */

struct limage {
    uint8_t *p;
    size_t n;
    char *label;
};

struct litem {
    ecu_learned pub;
    char alg[160];
    uint64_t maxcand; /* the largest class count among the runs that found it */
    int model;        /* CRC: index into models[], else -1 */
    int drop;
    int abe;          /* from_table: the record's byte order */
    uint8_t mark[8];  /* from_table: the record's two addresses as stored (its marker) */
    uint64_t *pos;    /* from_table: where the marker first occurs in each image */
    uint8_t dis[64];  /* from_table: the disabled record's bytes */
    size_t ndis;
    int count_word;   /* a union whose record count is the 16-bit word before its records */
};

struct ecu_learn {
    double bound, file_bound;
    int file_bound_set;
    unsigned brute;  /* the discovery runs' brute-force stride (ecu__learn_set_brute) */
    uint64_t ranges; /* candidate ranges evaluated by the last run's discovery runs */
    struct limage *imgs;
    size_t nimgs, capimgs;
    struct litem *items;
    size_t nitems, capitems;
    int truncated;
};

ecu_learn *ecu_learn_new(void)
{
    ecu_learn *l = calloc(1, sizeof *l);
    if (l)
        l->bound = ECU_DISCOVER_DEFAULT_BOUND;
    return l;
}

void ecu_learn_free(ecu_learn *l)
{
    size_t i;
    if (!l)
        return;
    for (i = 0; i < l->nimgs; i++) {
        free(l->imgs[i].p);
        free(l->imgs[i].label);
    }
    free(l->imgs);
    for (i = 0; i < l->nitems; i++)
        free(l->items[i].pos);
    free(l->items);
    free(l);
}

int ecu_learn_set_bound(ecu_learn *l, double bound)
{
    if (!l || !(bound > 0 && bound <= 1))
        return ECU_ERR_INVALID;
    l->bound = bound;
    return ECU_OK;
}

int ecu_learn_set_file_bound(ecu_learn *l, double bound)
{
    if (!l || !(bound > 0 && bound <= 1))
        return ECU_ERR_INVALID;
    l->file_bound = bound;
    l->file_bound_set = 1;
    return ECU_OK;
}

int ecu_learn_add(ecu_learn *l, const uint8_t *data, size_t size, const char *label)
{
    struct limage *im, *v;
    if (!l || (!data && size))
        return ECU_ERR_INVALID;
    if (!(v = ecu__grow(l->imgs, l->nimgs, &l->capimgs, sizeof *v, 8)))
        return ECU_ERR_NOMEM;
    l->imgs = v;
    im = &l->imgs[l->nimgs];
    im->n = size;
    im->p = malloc(size ? size : 1);
    im->label = label ? malloc(strlen(label) + 1) : NULL;
    if (!im->p || (label && !im->label)) {
        free(im->p);
        free(im->label);
        return ECU_ERR_NOMEM;
    }
    if (size)
        memcpy(im->p, data, size);
    if (label)
        memcpy(im->label, label, strlen(label) + 1);
    l->nimgs++;
    return ECU_OK;
}

void ecu__learn_set_brute(ecu_learn *l, unsigned stride)
{
    if (l)
        l->brute = stride;
}

uint64_t ecu__learn_ranges(const ecu_learn *l) { return l ? l->ranges : 0; }

size_t ecu_learn_count(const ecu_learn *l) { return l ? l->nitems : 0; }

const ecu_learned *ecu_learn_at(const ecu_learn *l, size_t i)
{
    return l && i < l->nitems ? &l->items[i].pub : NULL;
}

int ecu_learn_truncated(const ecu_learn *l) { return l ? l->truncated : 0; }

static int model_index(const char *name)
{
    size_t k;
    for (k = 0; name && name[0] && k < NMODELS; k++)
        if (strcmp(models[k].name, name) == 0)
            return (int)k;
    return -1;
}

/* the bits a finding compares in one image (a free slot's complement was a filter: not
   counted) */
static unsigned finding_bits(const ecu_finding *f)
{
    return f->form == ECU_DISCOVER_COMPLEMENT && !f->free_slot ? 2 * f->acc_bits : f->acc_bits;
}

/* a finding read from one table record (a chain of records is learnt as a fixed block) */
static int is_record(const ecu_finding *f)
{
    return f->source == ECU_DISCOVER_TABLE && f->nranges <= 1;
}

/* a self-sum or crc-target: the compensation word ends the range (in a table: store end-N) */
static int slot_ends_range(const ecu_finding *f)
{
    return f->form == ECU_DISCOVER_SELFSUM || f->form == ECU_DISCOVER_CRC_TARGET;
}

/* the slot bytes of a finding after its start */
static unsigned slot_len(const ecu_finding *f)
{
    return f->store_bytes * (f->form == ECU_DISCOVER_COMPLEMENT ? 2u : 1u);
}

/* the value of @p f over [s, e) of @p p, masked to its width */
static int finding_value(const struct litem *it, const uint8_t *p, uint64_t s, uint64_t e, uint64_t *v)
{
    const ecu_finding *f = &it->pub.f;
    if (f->kind == ECU_DISCOVER_CRCS) {
        const struct model *m = &models[it->model];
        ecu_crc_params prm = {m->width, m->poly, m->init, m->refin, m->refin, m->xorout};
        ecu_crc *c;
        if (f->form == ECU_DISCOVER_CRC_TARGET) /* its own init (a seed) */
            prm.init = f->init;
        c = ecu_crc_new(&prm);
        if (!c)
            return -1;
        *v = ecu_crc_compute(c, p + s, (size_t)(e - s));
        ecu_crc_free(c);
        return 0;
    }
    *v = ecu_sum_words(p + s, (size_t)(e - s), f->word_bytes, f->word_big_endian, 0, f->acc_bits);
    return 0;
}

/* whether the value @p v of a range checks against the slot at @p so; the stored value in
   *stored */
static int slot_checks(const struct litem *it, const uint8_t *p, uint64_t so, uint64_t v, uint64_t *stored)
{
    const ecu_finding *f = &it->pub.f;
    uint64_t mask = f->acc_bits >= 64 ? UINT64_MAX : ((uint64_t)1 << f->acc_bits) - 1;
    unsigned sb = f->store_bytes;
    *stored = ecu__rdn(p + so, sb, f->store_big_endian);
    switch (f->form) {
    case ECU_DISCOVER_PLAIN:
        return v == *stored;
    case ECU_DISCOVER_COMPLEMENT:
        return v == *stored && ecu__rdn(p + so + sb, sb, f->store_big_endian) == (~v & mask);
    case ECU_DISCOVER_BALANCE:
        return ((f->constant - v) & mask) == *stored;
    case ECU_DISCOVER_SELFSUM: /* the slot is the range's last word: added once */
    case ECU_DISCOVER_CRC_TARGET: /* the CRC of the range, the slot included */
        return v == f->constant;
    }
    return 0;
}

/*
 * Whether finding @p it holds in @p p; its stored value in *stored. A table record is read at
 * @p q (its record's offset in this image; the slot at the same place in the record); a fixed
 * block (@p q ignored) at its addresses.
 */
static int finding_holds(const struct litem *it, const uint8_t *p, size_t n, uint64_t q, uint64_t *stored)
{
    ecu_finding fr = it->pub.f;
    const ecu_finding *f = &fr;
    uint64_t v;
    int rc;
    if (it->pub.from_table) { /* the range from this image's record */
        uint64_t a, b;
        if (q > n || n - q < 8)
            return 0;
        fr.store_offset = q + (it->pub.f.store_offset - it->pub.f.table_offset);
        a = ecu__rdn(p + q, 4, it->abe);
        b = ecu__rdn(p + q + 4, 4, it->abe);
        if (a < it->pub.base || b < it->pub.base || b - it->pub.base >= n)
            return 0;
        fr.start = a - it->pub.base;
        fr.end = b - it->pub.base - (it->pub.end_included ? 0 : 1);
        if (b - it->pub.base + (uint64_t)it->pub.end_included <= fr.start + 1 || fr.end >= n)
            return 0;
        if (slot_ends_range(f)) { /* the compensation word ends the range */
            if (fr.end + 1 - fr.start < f->store_bytes ||
                (f->form == ECU_DISCOVER_SELFSUM && (fr.end + 1 - fr.start) % f->word_bytes != 0))
                return 0;
            fr.store_offset = fr.end + 1 - f->store_bytes;
        }
    }
    if (f->end >= n || f->start > f->end || f->store_offset > n || n - f->store_offset < slot_len(f))
        return 0;
    if (f->nranges > 1) { /* a sum over several ranges, from its seed */
        unsigned k;
        for (k = 0, v = f->init; k < f->nranges; k++) {
            if (f->ends[k] >= n || f->starts[k] > f->ends[k])
                return 0;
            v = ecu_sum_words(p + f->starts[k], (size_t)(f->ends[k] + 1 - f->starts[k]), f->word_bytes,
                              f->word_big_endian, v, f->acc_bits);
        }
    } else if ((rc = finding_value(it, p, f->start, f->end + 1, &v)) < 0) {
        return rc;
    }
    return slot_checks(it, p, f->store_offset, v, stored);
}

/* whether the record at @p q of @p p, read as an empty range, checks */
static int empty_checks(const struct litem *it, const uint8_t *p, size_t n, uint64_t q)
{
    const ecu_finding *f = &it->pub.f;
    uint64_t so = q + (f->store_offset - f->table_offset), v = 0, stored;
    if (so > n || n - so < slot_len(f))
        return 0;
    if (f->form == ECU_DISCOVER_SELFSUM) /* the compensation word alone reaches the target */
        return ecu__rdn(p + so, f->store_bytes, f->store_big_endian) == f->constant;
    if (f->form == ECU_DISCOVER_CRC_TARGET) /* no disabled crc-target record */
        return 0;
    if (f->kind == ECU_DISCOVER_CRCS && finding_value(it, p, 0, 0, &v) < 0)
        return -1;
    return slot_checks(it, p, so, v, &stored);
}

static int same_place(const struct litem *it, const ecu_finding *b, uint64_t base, int incl,
                      const uint8_t *mark)
{
    const ecu_finding *a = &it->pub.f;
    unsigned k;
    if (it->pub.from_table != is_record(b))
        return 0;
    if (a->nranges != b->nranges || a->init != b->init || a->free_slot != b->free_slot)
        return 0;
    for (k = 1; k < a->nranges && k < ECU_DISCOVER_MAX_RANGES; k++)
        if (a->starts[k] != b->starts[k] || a->ends[k] != b->ends[k])
            return 0;
    if (it->pub.from_table) /* the same kind of record, at the same place or the same addresses */
        return a->form == b->form &&
               (memcmp(it->mark, mark, 8) == 0 || a->table_offset == b->table_offset) && it->pub.base == base &&
               it->pub.end_included == incl &&
               (slot_ends_range(a) || /* a self-sum's or crc-target's slot ends its range */
                a->store_offset - a->table_offset == b->store_offset - b->table_offset) &&
               a->store_bytes == b->store_bytes && a->store_big_endian == b->store_big_endian &&
               a->constant == b->constant && strcmp(it->alg, b->algorithm) == 0;
    return a->form == b->form && a->start == b->start && a->end == b->end &&
           a->store_offset == b->store_offset && a->store_bytes == b->store_bytes &&
           a->store_big_endian == b->store_big_endian && a->constant == b->constant &&
           strcmp(it->alg, b->algorithm) == 0;
}

/* the slot bytes of a learnt block (a table: from its first slot to its last): [lo, hi) */
static void slot_span(const ecu_learned *b, uint64_t *lo, uint64_t *hi)
{
    *lo = b->f.store_offset;
    *hi = b->f.store_offset + slot_len(&b->f);
    if (b->from_table && b->records > 1)
        *hi += (uint64_t)(b->records - 1) * b->stride;
}

/* slots of other kept blocks that the ranges of @p i cover */
static size_t slots_inside(const ecu_learn *l, size_t i)
{
    size_t j, k = 0;
    const ecu_finding *f = &l->items[i].pub.f;
    for (j = 0; j < l->nitems; j++) {
        uint64_t lo, hi;
        unsigned m;
        if (j == i)
            continue;
        slot_span(&l->items[j].pub, &lo, &hi);
        for (m = 0; m < (f->nranges > 1 ? f->nranges : 1); m++)
            if (lo <= (m ? f->ends[m] : f->end) && hi > (m ? f->starts[m] : f->start)) {
                k++;
                break;
            }
    }
    return k;
}

static int cmp_learned(const void *a, const void *b)
{
    const struct litem *x = a, *y = b;
    /* inner first: fewer slots of others covered (drop set to that count by the caller) */
    if (x->drop != y->drop)
        return x->drop < y->drop ? -1 : 1;
    if (x->pub.f.store_offset != y->pub.f.store_offset)
        return x->pub.f.store_offset < y->pub.f.store_offset ? -1 : 1;
    return x->pub.f.start < y->pub.f.start ? -1 : x->pub.f.start > y->pub.f.start;
}

/* the table records of one table: one kind, one convention */
static int rec_same_kind(const struct litem *x, const struct litem *y)
{
    return x->pub.f.form == y->pub.f.form && x->pub.f.store_bytes == y->pub.f.store_bytes &&
           x->pub.f.store_big_endian == y->pub.f.store_big_endian && x->abe == y->abe &&
           x->pub.base == y->pub.base && x->pub.end_included == y->pub.end_included &&
           (slot_ends_range(&x->pub.f) || /* the slot ends each range: not in the record */
            x->pub.f.store_offset - x->pub.f.table_offset == y->pub.f.store_offset - y->pub.f.table_offset) &&
           x->pub.f.init == y->pub.f.init && x->pub.f.constant == y->pub.f.constant && strcmp(x->alg, y->alg) == 0;
}

#define LEARN_MAX_RECORDS 1024 /* records of one table, and places a table extension tries */

/* the records of the table from @p t at @p stride (t->pos: its first record in each image);
   the disabled record's bytes into t->dis; -1 when out of memory */
static long table_records(ecu_learn *l, struct litem *t, uint64_t stride, uint64_t *vals, int *ended)
{
    const ecu_finding *f = &t->pub.f;
    uint64_t rel = f->store_offset - f->table_offset, k;
    unsigned bits = finding_bits(f);
    /* a self-sum's compensation word ends its range: the record is its two addresses */
    unsigned minrec = slot_ends_range(f) ? 8u : (unsigned)(rel + slot_len(f));
    size_t i, m;
    long count = 1;
    t->ndis = 0;
    memset(ended, 0, l->nimgs * sizeof *ended);
    for (k = 1; k < LEARN_MAX_RECORDS; k++) {
        size_t nended = 0, nhold = 0, dist = 0;
        int fail = 0;
        for (i = 0; i < l->nimgs && !fail; i++) {
            const uint8_t *p = l->imgs[i].p;
            size_t n = l->imgs[i].n;
            uint64_t q = t->pos[i] + k * stride;
            int h;
            if (ended[i]) {
                nended++;
                continue;
            }
            if (q > n || n - q < minrec) {
                fail = 1;
                break;
            }
            if (ecu__rdn(p + q, 4, t->abe) == 0xFFFFFFFFu) { /* erased: this image's table ends */
                ended[i] = 1;
                nended++;
                continue;
            }
            h = finding_holds(t, p, n, q, &vals[nhold]);
            if (h < 0)
                return -1;
            if (h) {
                for (m = 0; m < nhold && vals[m] != vals[nhold]; m++)
                    ;
                dist += m == nhold;
                nhold++;
                continue;
            }
            if (slot_ends_range(f)) { /* no disabled self-sum or crc-target record */
                fail = 1;
                break;
            }
            /* a disabled record: one byte pattern, valid as an empty range */
            if (t->ndis) {
                fail = memcmp(p + q, t->dis, t->ndis) != 0;
                continue;
            }
            if ((h = empty_checks(t, p, n, q)) < 0)
                return -1;
            if (!h) {
                fail = 1;
                break;
            }
            t->ndis = minrec;
            memcpy(t->dis, p + q, minrec);
        }
        if (fail || nended == l->nimgs)
            break;
        /* a record whose images hold it: the chance of a place tried */
        if (nhold && !((double)LEARN_MAX_RECORDS * pow2neg(bits * (unsigned)(dist > 64 ? 64 : dist)) < l->bound))
            break;
        count = (long)k + 1;
    }
    return count;
}

/*
 * A kept sum over consecutive records (a fixed block so far) as a union table: in every image
 * the chain is where its first record's addresses (it->mark) first occur, its ranges read from
 * its records (one byte order, base and end convention), and its value checks at one slot:
 * the same distance before the end of the last range (tried first when the slot lies within
 * 4 KiB of that end), or the same place. Left a fixed block when neither holds everywhere.
 * Returns 0, or -1 when out of memory.
 */
static int promote_union(ecu_learn *l, struct litem *it)
{
    const ecu_finding *f = &it->pub.f;
    unsigned nr = f->nranges, m, mode;
    int abe;
    uint64_t lastend = f->ends[nr - 1] + 1, *pos = malloc(l->nimgs * sizeof *pos);
    size_t i;
    if (!pos)
        return -1;
    for (i = 0; i < l->nimgs; i++) { /* the chain's place in each image: its marker's first */
        const uint8_t *q = ecu__memfind(l->imgs[i].p, l->imgs[i].n, it->mark, 8);
        if (!q || (uint64_t)(q - l->imgs[i].p) + 8 * (uint64_t)nr > l->imgs[i].n) {
            free(pos);
            return 0;
        }
        pos[i] = (uint64_t)(q - l->imgs[i].p);
    }
    for (abe = 0; abe < 2; abe++) {
        uint64_t base = ecu__rdn(it->mark, 4, abe) - f->starts[0], b0 = ecu__rdn(it->mark + 4, 4, abe);
        int incl;
        if (ecu__rdn(it->mark, 4, abe) < f->starts[0] || b0 < base)
            continue;
        incl = b0 - base == f->ends[0];
        if (!incl && b0 - base != f->ends[0] + 1)
            continue;
        for (mode = 0; mode < 2; mode++) { /* 0: from the end; 1: the same place */
            uint64_t back = lastend - f->store_offset;
            if (mode == 0 && (f->store_offset > lastend || back > 4096))
                continue;
            for (i = 0; i < l->nimgs; i++) {
                const uint8_t *p = l->imgs[i].p;
                size_t n = l->imgs[i].n;
                struct litem t = *it;
                uint64_t at = pos[i], stored;
                int h;
                for (m = 0; m < nr; m++) {
                    uint64_t a = ecu__rdn(p + at + 8 * m, 4, abe), b = ecu__rdn(p + at + 8 * m + 4, 4, abe);
                    if (a < base || b < base || b - base + (uint64_t)incl <= a - base || b - base >= n)
                        break;
                    t.pub.f.starts[m] = a - base;
                    t.pub.f.ends[m] = b - base - (incl ? 0 : 1);
                }
                if (m < nr)
                    break;
                t.pub.f.start = t.pub.f.starts[0];
                t.pub.f.end = t.pub.f.ends[0];
                if (mode == 0) {
                    if (t.pub.f.ends[nr - 1] + 1 < back)
                        break;
                    t.pub.f.store_offset = t.pub.f.ends[nr - 1] + 1 - back;
                }
                if ((h = finding_holds(&t, p, n, 0, &stored)) < 0) {
                    free(pos);
                    return -1;
                }
                if (!h)
                    break;
            }
            if (i < l->nimgs)
                continue;
            it->pub.union_table = 1;
            it->pub.slot_from_end = mode == 0;
            it->pub.slot_back = mode == 0 ? back : 0;
            it->pub.base = base;
            it->pub.end_included = incl;
            it->pub.records = nr;
            it->pub.stride = 8;
            it->abe = abe;
            for (i = 1; i < l->nimgs; i++)
                it->pub.moves |= pos[i] != pos[0];
            it->pub.f.table_offset = pos[0]; /* the first image's */
            free(pos);
            return 0;
        }
    }
    free(pos);
    return 0;
}

/*
 * Extends the table whose first kept record is @p ti (its marker's place in each image in
 * pos) record by record, at the stride that gives the most records among the distances to the
 * other records of its kind found in any image and the record's own length; absorbs the kept
 * records of its kind it passes (drop = 2). Returns 0, or -1 when out of memory.
 */
static int extend_table(ecu_learn *l, size_t ti, uint64_t *vals)
{
    struct litem *t = &l->items[ti];
    const ecu_finding *f = &t->pub.f;
    uint64_t rel = f->store_offset - f->table_offset, best = 0, cand[66];
    /* a self-sum's compensation word ends its range: the record is its two addresses */
    unsigned minrec = slot_ends_range(f) ? 8u : (unsigned)(rel + slot_len(f));
    size_t j, nc = 0, c;
    long most = 0, got;
    uint8_t bestdis[64];
    size_t bestndis = 0;
    int *ended = calloc(l->nimgs, sizeof *ended);
    if (!ended)
        return -1;
    cand[nc++] = minrec;
    if (minrec % 4)
        cand[nc++] = minrec + 4 - minrec % 4;
    for (j = 0; j < l->nitems && nc < 66; j++) {
        const struct litem *o = &l->items[j];
        uint64_t step;
        if (j == ti || !o->pub.from_table || !rec_same_kind(t, o) || o->pub.f.table_offset <= f->table_offset)
            continue;
        step = o->pub.f.table_offset - f->table_offset;
        if (step < minrec || step > 4096)
            continue;
        for (c = 0; c < nc && cand[c] != step; c++)
            ;
        if (c == nc)
            cand[nc++] = step;
    }
    for (c = 0; c < nc; c++) {
        if ((got = table_records(l, t, cand[c], vals, ended)) < 0) {
            free(ended);
            return -1;
        }
        if (got > most || (got == most && cand[c] < best)) {
            most = got;
            best = cand[c];
            bestndis = t->ndis;
            memcpy(bestdis, t->dis, sizeof bestdis);
        }
    }
    free(ended);
    t->pub.records = (size_t)most;
    t->pub.stride = best;
    t->ndis = most > 1 ? bestndis : 0;
    memcpy(t->dis, bestdis, sizeof bestdis);
    t->pub.has_disabled = t->ndis > 0;
    /* the kept records it holds */
    for (j = 0; j < l->nitems; j++) {
        struct litem *o = &l->items[j];
        if (j != ti && !o->drop && o->pub.from_table && rec_same_kind(t, o) &&
            o->pub.f.table_offset > f->table_offset &&
            o->pub.f.table_offset < f->table_offset + t->pub.records * t->pub.stride &&
            (o->pub.f.table_offset - f->table_offset) % t->pub.stride == 0)
            o->drop = 2;
    }
    return 0;
}

/* ---- learning: blocks that only the images together show ------------------------------------- */

/*
 * Two kinds of block hold in one image whatever its bytes, or are too weak there to report,
 * and are proved by several images whose bytes differ:
 * - a counted CRC table: a CRC of width w stored as the w-bit word before a 16-bit count, the
 *   count's records (start and end addresses) right after it, the CRC run over their ranges
 *   as one stream from an init nobody knows (the BMW MS43 CRC slots: the stored CRC, the
 *   block count, the blocks; the register started from a word of the image, emdzej/nfsx
 *   packages/flash-data/src/ms4x-checksum.ts, v-arapidis/openremap-core ms43.py). A CRC
 *   register is affine in its init (the register after L bytes from I is A + x^(8L) * I mod
 *   P, A the register from 0), so each image's stored value gives the one init that makes it
 *   hold; the block holds when every image gives the same init. The first image fixes it: N
 *   tables and polynomials tested, d distinct stored values, chance N * 2^-(w * (d - 1)).
 * - a seeded sum over consecutive records whose value lies anywhere in the image (the MS43
 *   calibration monitor sum, far from its region table: nfsx ms4x-checksum.ts): its 32-bit
 *   value is looked for at every 2-aligned place of the first image, both byte orders, and
 *   must be at the same place in every image. N counts every chain, word kind, seed and place;
 *   chance N * 2^-(32 * d).
 * Tables are taken at the same offset in every image, with the same count.
 */
#define CROSS_MAX_PLACES 4096                /* record chains looked at in the first image */
#define CROSS_MAX_BYTES ((uint64_t)1 << 32)  /* bytes summed or CRC'd, over all images */
#define CROSS_MAX_COUNTED 32                 /* counted CRC tables (a layout table each) */

/* a chain of @p m records at @p q (byte order, base, end convention) found in every image;
   for a counted CRC table, the CRC's bytes before the count (wb) */
struct xcand {
    uint64_t q, base;
    unsigned m;
    uint8_t be, incl, wb;
};

static int push_xcand(struct xcand **v, size_t *n, size_t *cap, const struct xcand *x)
{
    struct xcand *nv = ecu__grow(*v, *n, cap, sizeof *nv, 256);
    if (!nv)
        return -1;
    *v = nv;
    (*v)[(*n)++] = *x;
    return 0;
}

/* the @p m records at @p q of one image as ranges [s, e) inside it, each after the one before
   it; 0 when one is not */
static int read_chain(const uint8_t *p, size_t n, uint64_t q, int be, uint64_t base, int incl,
                      unsigned m, uint64_t *s, uint64_t *e)
{
    unsigned k;
    if (q > n || (n - q) / 8 < m)
        return 0;
    for (k = 0; k < m; k++) {
        uint64_t a = ecu__rdn(p + q + 8 * k, 4, be), b = ecu__rdn(p + q + 8 * k + 4, 4, be);
        if (a >= b || a < base || b == 0xFFFFFFFF || b - base >= n)
            return 0;
        s[k] = a - base;
        e[k] = b - base + (incl ? 1 : 0);
        if (k && s[k] < e[k - 1])
            return 0;
    }
    return 1;
}

/* whether the @p w bytes at @p at overlap one of the @p m ranges [s, e) */
static int in_ranges(uint64_t at, unsigned w, const uint64_t *s, const uint64_t *e, unsigned m)
{
    unsigned r;
    for (r = 0; r < m && !(at < e[r] && at + w > s[r]); r++)
        ;
    return r < m;
}

/* every range all filler (a sum or CRC of it says only its length) */
static int chain_filler(const uint8_t *p, const uint64_t *s, const uint64_t *e, unsigned m)
{
    unsigned k;
    for (k = 0; k < m; k++)
        if (!filler_bytes(p + s[k], (size_t)(e[k] - s[k])))
            return 0;
    return 1;
}

static struct litem *push_item(ecu_learn *l)
{
    struct litem *it, *v = ecu__grow(l->items, l->nitems, &l->capitems, sizeof *v, 64);
    if (!v)
        return NULL;
    l->items = v;
    it = &l->items[l->nitems++];
    memset(it, 0, sizeof *it);
    it->model = -1;
    return it;
}

/* a learnt union block from a chain found in every image (the first image's ranges) */
static struct litem *cross_item(ecu_learn *l, uint64_t q, int be, uint64_t base, int incl, unsigned m,
                                const uint64_t *s, const uint64_t *e)
{
    struct litem *it = push_item(l);
    unsigned k;
    if (!it)
        return NULL;
    it->pub.f.source = ECU_DISCOVER_TABLE;
    it->pub.f.form = ECU_DISCOVER_PLAIN;
    it->pub.f.model = "";
    it->pub.f.table_offset = q;
    it->pub.f.nranges = m;
    for (k = 0; k < m; k++) {
        it->pub.f.starts[k] = s[k];
        it->pub.f.ends[k] = e[k] - 1;
    }
    it->pub.f.start = s[0];
    it->pub.f.end = e[0] - 1;
    it->pub.files = l->nimgs;
    it->pub.union_table = 1;
    it->pub.records = m;
    it->pub.stride = 8;
    it->pub.base = base;
    it->pub.end_included = incl;
    it->abe = be;
    memcpy(it->mark, l->imgs[0].p + q, 8);
    return it;
}

/* distinct values among the first @p k of @p v */
static size_t distinct_values(const uint64_t *v, size_t k)
{
    size_t i, j, d = 0;
    for (i = 0; i < k; i++) {
        for (j = 0; j < i && v[j] != v[i]; j++)
            ;
        d += j == i;
    }
    return d;
}

/* counted CRC tables: see above */
static int cross_crc_tables(ecu_learn *l, const uint64_t *bases, size_t nb, uint64_t *vals, uint64_t *budget)
{
    const uint8_t *p0 = l->imgs[0].p;
    size_t n0 = l->imgs[0].n, i, nc = 0, b;
    struct combo cb[NMODELS];
    ecu_crc *eng[NMODELS] = {0};
    uint64_t sqi[NMODELS][64];
    int rc = -1;
    struct xcand *tc = NULL;
    size_t ntc = 0, captc = 0, tried[2] = {0, 0}, ncounted = 0;
    /* the polynomials and reflections of the catalogue's models */
    for (i = 0; i < NMODELS; i++) {
        size_t c;
        for (c = 0; c < nc; c++)
            if (cb[c].w == models[i].width && cb[c].poly == models[i].poly && cb[c].refl == models[i].refin)
                break;
        if (c < nc)
            continue;
        {
            struct combo *x = &cb[nc];
            ecu_crc_params prm = {models[i].width, models[i].poly, 0, models[i].refin, models[i].refin, 0};
            unsigned k;
            memset(x, 0, sizeof *x);
            x->w = models[i].width;
            x->poly = models[i].poly;
            x->refl = models[i].refin;
            x->mask = ((uint64_t)1 << x->w) - 1;
            x->rpoly = ecu__reflect(x->poly, x->w);
            x->one = x->refl ? (uint64_t)1 << (x->w - 1) : 1;
            if (!(eng[nc] = ecu_crc_new(&prm)))
                goto out;
            sqi[nc][0] = x->one; /* x^-8, then its squares */
            for (k = 0; k < 8; k++)
                sqi[nc][0] = divx(x, sqi[nc][0]);
            for (k = 1; k < 64; k++)
                sqi[nc][k] = mulmod(x, sqi[nc][k - 1], sqi[nc][k - 1]);
            nc++;
        }
    }
    /* the tables of the first image that are tables, with the same count, in every image */
    for (uint64_t q = 8; q + 8 <= n0 && ntc < CROSS_MAX_PLACES; q += 2)
        for (int be = 0; be < 2; be++) {
            unsigned m = (unsigned)ecu__rdn(p0 + q - 2, 2, be), incl;
            uint64_t s[ECU_DISCOVER_MAX_RANGES], e[ECU_DISCOVER_MAX_RANGES];
            if (m < 1 || m > ECU_DISCOVER_MAX_RANGES)
                continue;
            for (b = 0; b < nb; b++)
                for (incl = 0; incl < 2; incl++) {
                    unsigned wb;
                    if (!read_chain(p0, n0, q, be, bases[b], (int)incl, m, s, e) || chain_filler(p0, s, e, m))
                        continue;
                    for (i = 1; i < l->nimgs; i++) {
                        uint64_t si[ECU_DISCOVER_MAX_RANGES], ei[ECU_DISCOVER_MAX_RANGES];
                        const uint8_t *pi = l->imgs[i].p;
                        if (q + 8 > l->imgs[i].n || ecu__rdn(pi + q - 2, 2, be) != m ||
                            !read_chain(pi, l->imgs[i].n, q, be, bases[b], (int)incl, m, si, ei))
                            break;
                    }
                    if (i < l->nimgs)
                        continue;
                    for (wb = 2; wb <= 4; wb += 2) {
                        if (q < 2 + wb)
                            continue;
                        tried[wb == 4]++;
                        if (push_xcand(&tc, &ntc, &captc, &(struct xcand){q, bases[b], m, (uint8_t)be,
                                                                         (uint8_t)incl, (uint8_t)wb}))
                            goto out;
                    }
                }
        }
    if (ntc >= CROSS_MAX_PLACES) /* the places after these were not looked at */
        l->truncated = 1;
    for (size_t t = 0; t < ntc; t++) {
        const struct xcand *c = &tc[t];
        unsigned w = 8u * c->wb, ncw = 0;
        size_t d;
        uint64_t slot = c->q - 2 - c->wb, N;
        double chance;
        for (i = 0; i < nc; i++)
            ncw += cb[i].w == w;
        N = (uint64_t)tried[c->wb == 4] * ncw;
        for (i = 0; i < l->nimgs; i++)
            vals[i] = ecu__rdn(l->imgs[i].p + slot, c->wb, c->be);
        d = distinct_values(vals, l->nimgs);
        if (d < 2 || filler_bytes(p0 + slot, c->wb))
            continue;
        { /* not a slot inside its own ranges (in any image) */
            for (i = 0; i < l->nimgs; i++) {
                uint64_t s[ECU_DISCOVER_MAX_RANGES], e[ECU_DISCOVER_MAX_RANGES];
                (void)read_chain(l->imgs[i].p, l->imgs[i].n, c->q, c->be, c->base, c->incl, c->m, s, e);
                if (in_ranges(slot, c->wb, s, e, c->m))
                    break;
            }
            if (i < l->nimgs)
                continue;
        }
        chance = (double)N * pow2neg(w * (unsigned)(d - 1 > 32 ? 32 : d - 1));
        if (!(chance < l->bound))
            continue;
        for (size_t k = 0; k < nc; k++) {
            uint64_t init = 0;
            if (cb[k].w != w)
                continue;
            for (i = 0; i < l->nimgs; i++) {
                const uint8_t *pi = l->imgs[i].p;
                uint64_t s[ECU_DISCOVER_MAX_RANGES], e[ECU_DISCOVER_MAX_RANGES], st = 0, len = 0, I;
                unsigned r;
                (void)read_chain(pi, l->imgs[i].n, c->q, c->be, c->base, c->incl, c->m, s, e);
                for (r = 0; r < c->m; r++) {
                    st = ecu_crc_update(eng[k], st, pi + s[r], (size_t)(e[r] - s[r]));
                    len += e[r] - s[r];
                }
                if (*budget < len) {
                    l->truncated = 1;
                    rc = 0;
                    goto out;
                }
                *budget -= len;
                /* I = x^(-8L) * (S + A) */
                I = mulmod(&cb[k], powmod(&cb[k], sqi[k], len), (vals[i] ^ st) & cb[k].mask);
                if (i == 0)
                    init = I;
                else if (I != init)
                    break;
            }
            if (i < l->nimgs)
                continue;
            {
                uint64_t s[ECU_DISCOVER_MAX_RANGES], e[ECU_DISCOVER_MAX_RANGES];
                uint64_t linit = cb[k].refl ? ecu__reflect(init, w) : init;
                struct litem *it;
                if (ncounted == CROSS_MAX_COUNTED) { /* each is a table of the layout */
                    l->truncated = 1;
                    rc = 0;
                    goto out;
                }
                ncounted++;
                (void)read_chain(p0, n0, c->q, c->be, c->base, c->incl, c->m, s, e);
                if (!(it = cross_item(l, c->q, c->be, c->base, c->incl, c->m, s, e)))
                    goto out;
                it->pub.f.kind = ECU_DISCOVER_CRCS;
                it->pub.f.acc_bits = w;
                it->pub.f.store_offset = slot;
                it->pub.f.store_bytes = c->wb;
                it->pub.f.store_big_endian = c->be;
                it->pub.f.stored = vals[0];
                it->pub.f.init = linit;
                it->pub.f.candidates = N;
                it->pub.f.expected = chance;
                it->pub.distinct = d;
                it->pub.candidates = N;
                it->pub.chance = chance;
                it->count_word = 1;
                snprintf(it->alg, sizeof it->alg,
                         "crc width %u poly 0x%llX init 0x%llX refin %s refout %s xorout 0", w,
                         (unsigned long long)cb[k].poly, (unsigned long long)linit,
                         cb[k].refl ? "yes" : "no", cb[k].refl ? "yes" : "no");
                break; /* one polynomial per table */
            }
        }
    }
    rc = 0;
out:
    for (i = 0; i < nc; i++)
        ecu_crc_free(eng[i]);
    free(tc);
    return rc;
}

/* the 2-aligned 32-bit words of an image, both byte orders, by value */
struct wplace {
    uint32_t v;
    uint32_t at; /* offset * 2 + big-endian */
};

static int cmp_wplace(const void *a, const void *b)
{
    const struct wplace *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return x->at < y->at ? -1 : x->at > y->at;
}

/* each range at least MIN_RANGE bytes and not all filler: a sum over a few bytes, or over a
   range with nothing in it, is the copy of a word, not a checksum */
static int ranges_full(const uint8_t *p, const uint64_t *s, const uint64_t *e, unsigned m)
{
    unsigned k;
    for (k = 0; k < m; k++)
        if (e[k] - s[k] < MIN_RANGE || filler_bytes(p + s[k], (size_t)(e[k] - s[k])))
            return 0;
    return 1;
}

/* the first of the @p nw words @p wp (by value) that is @p v or more, or nw */
static size_t wp_first(const struct wplace *wp, size_t nw, uint64_t v)
{
    size_t lo = 0, hi = nw;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (wp[mid].v < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* the chance that a 32-bit word of the image is @p v, from the first image's words (@p wp,
   by value): its high half as often as the image has it (at least 2^-16), its low half
   uniform. An image full of small words makes a small sum likely; 2^-32 is the least. */
static double word_chance(const struct wplace *wp, size_t nw, uint32_t v)
{
    /* the words of v's high half: from the first of it to past its last */
    size_t a = wp_first(wp, nw, v & 0xFFFF0000u), b = wp_first(wp, nw, (uint64_t)(v | 0xFFFFu) + 1);
    double f = nw ? (double)(b - a) / (double)nw : 0;
    if (v == 0 || v == 0xFFFFFFFF) /* not in the index: filler, the likeliest words */
        f = 1;
    return (f > 1.0 / 65536 ? f : 1.0 / 65536) / 65536;
}

/* whether @p v is a 2-aligned 32-bit word (either order) inside the ranges: a copy */
static int copied_in(const uint8_t *p, const uint64_t *s, const uint64_t *e, unsigned m, uint32_t v)
{
    unsigned k;
    for (k = 0; k < m; k++)
        for (uint64_t q = s[k] + (s[k] & 1); q + 4 <= e[k]; q += 2)
            if ((uint32_t)ecu__rdn(p + q, 4, 0) == v || (uint32_t)ecu__rdn(p + q, 4, 1) == v)
                return 1;
    return 0;
}

/* seeded sums over consecutive records, their value anywhere: see above */
static int cross_far_sums(ecu_learn *l, const uint64_t *bases, size_t nb, uint64_t *vals, uint64_t *budget)
{
    const uint8_t *p0 = l->imgs[0].p;
    size_t n0 = l->imgs[0].n, nw = 0, i, places = 0, nch = 0, capch = 0;
    struct wplace *wp;
    uint64_t *vi;
    struct xcand *ch = NULL;
    uint64_t N;
    int rc = -1;
    if (n0 < 16 || n0 > UINT32_MAX / 2)
        return 0;
    if (!(vi = malloc(l->nimgs * sizeof *vi)))
        return -1;
    if (!(wp = malloc((n0 / 2) * 2 * sizeof *wp))) { /* too large an image: not searched */
        free(vi);
        l->truncated = 1;
        return 0;
    }
    for (uint64_t q = 0; q + 4 <= n0; q += 2)
        for (int be = 0; be < 2; be++) {
            uint32_t v = (uint32_t)ecu__rdn(p0 + q, 4, be);
            if (v == 0 || v == 0xFFFFFFFF)
                continue;
            wp[nw].v = v;
            wp[nw].at = (uint32_t)(q * 2 + (uint64_t)be);
            nw++;
        }
    qsort(wp, nw, sizeof *wp, cmp_wplace);
    /* the chains of 2 or more records found in every image, whose bytes differ somewhere */
    for (uint64_t q = 0; q + 16 <= n0 && places < CROSS_MAX_PLACES; q += 2)
        for (int be = 0; be < 2; be++)
            for (size_t b = 0; b < nb; b++)
                for (unsigned incl = 0; incl < 2; incl++) {
                    uint64_t s[ECU_DISCOVER_MAX_RANGES], e[ECU_DISCOVER_MAX_RANGES];
                    unsigned m = 0, k, mi;
                    int differ = 0;
                    while (m < ECU_DISCOVER_MAX_RANGES &&
                           read_chain(p0, n0, q, be, bases[b], (int)incl, m + 1, s, e) &&
                           ranges_full(p0, s, e, m + 1))
                        m++;
                    if (m < 2)
                        continue;
                    places++;
                    /* the longest chain every image holds */
                    for (i = 1; i < l->nimgs && m >= 2; i++) {
                        uint64_t si[ECU_DISCOVER_MAX_RANGES], ei[ECU_DISCOVER_MAX_RANGES];
                        for (mi = 0; mi < m && read_chain(l->imgs[i].p, l->imgs[i].n, q, be, bases[b],
                                                          (int)incl, mi + 1, si, ei) &&
                                     ranges_full(l->imgs[i].p, si, ei, mi + 1); mi++)
                            ;
                        m = mi;
                        for (k = 0; k < m && !differ; k++)
                            differ = si[k] != s[k] || ei[k] != e[k] ||
                                     memcmp(l->imgs[i].p + si[k], p0 + s[k], (size_t)(e[k] - s[k])) != 0;
                    }
                    if (m < 2 || !differ)
                        continue;
                    if (push_xcand(&ch, &nch, &capch, &(struct xcand){q, bases[b], m, (uint8_t)be,
                                                                     (uint8_t)incl, 0}))
                        goto out;
                }
    if (places >= CROSS_MAX_PLACES) /* the places after these were not looked at */
        l->truncated = 1;
    /* hypotheses: every chain length of every place, word kind, seed and value place */
    N = (uint64_t)places * (ECU_DISCOVER_MAX_RANGES - 1) * NSUMKINDS * NSEEDS * (uint64_t)(n0 / 2) * 2;
    for (size_t c = 0; c < nch; c++) {
        unsigned len;
        for (len = 2; len <= ch[c].m; len++) {
            uint64_t s0[ECU_DISCOVER_MAX_RANGES], e0[ECU_DISCOVER_MAX_RANGES]; /* the first image's */
            (void)read_chain(p0, n0, ch[c].q, ch[c].be, ch[c].base, ch[c].incl, len, s0, e0);
            for (unsigned kd = 0; kd < NSUMKINDS; kd++) {
                const struct sumkind *sk = &sumkinds[kd];
                size_t d;
                double chance;
                for (i = 0; i < l->nimgs; i++) {
                    const uint8_t *pi = l->imgs[i].p;
                    uint64_t s[ECU_DISCOVER_MAX_RANGES], e[ECU_DISCOVER_MAX_RANGES], t = 0, lsum = 0;
                    unsigned r;
                    (void)read_chain(pi, l->imgs[i].n, ch[c].q, ch[c].be, ch[c].base, ch[c].incl, len, s, e);
                    for (r = 0; r < len; r++) {
                        if ((e[r] - s[r]) % sk->wb)
                            break;
                        lsum += e[r] - s[r];
                    }
                    if (r < len)
                        break;
                    if (*budget < lsum) {
                        l->truncated = 1;
                        rc = 0;
                        goto out;
                    }
                    *budget -= lsum;
                    for (r = 0; r < len; r++)
                        t += ecu_sum_words(pi + s[r], (size_t)(e[r] - s[r]), sk->wb, sk->be, 0, 64);
                    vals[i] = t;
                }
                if (i < l->nimgs)
                    continue;
                for (unsigned sd = 0; sd < NSEEDS; sd++) {
                    size_t lo;
                    uint32_t v0 = (uint32_t)(vals[0] + seeds32[sd]);
                    for (i = 0; i < l->nimgs; i++) /* the seed changes no equality */
                        vi[i] = (vals[i] + seeds32[sd]) & 0xFFFFFFFF;
                    d = distinct_values(vi, l->nimgs);
                    if (d < 2)
                        continue;
                    /* N times the chance of each distinct value being a word of the image */
                    chance = (double)N;
                    for (i = 0; i < l->nimgs; i++) {
                        size_t j;
                        for (j = 0; j < i && vi[j] != vi[i]; j++)
                            ;
                        if (j == i)
                            chance *= word_chance(wp, nw, (uint32_t)vi[i]);
                    }
                    if (!(chance < l->bound))
                        continue;
                    for (lo = wp_first(wp, nw, v0); lo < nw && wp[lo].v == v0; lo++) {
                        uint64_t at = wp[lo].at / 2;
                        int sbe = (int)(wp[lo].at & 1);
                        struct litem *it;
                        /* not in its own ranges or records */
                        if (in_ranges(at, 4, s0, e0, len) || (at < ch[c].q + 8 * (uint64_t)len && at + 4 > ch[c].q))
                            continue;
                        for (i = 1; i < l->nimgs; i++)
                            if (at + 4 > l->imgs[i].n ||
                                ecu__rdn(l->imgs[i].p + at, 4, sbe) != vi[i])
                                break;
                        if (i < l->nimgs)
                            continue;
                        { /* in no image inside its ranges; in some image not a copy of a word
                             of its ranges */
                            int copies = 1;
                            for (i = 0; i < l->nimgs; i++) {
                                uint64_t si[ECU_DISCOVER_MAX_RANGES], ei[ECU_DISCOVER_MAX_RANGES];
                                (void)read_chain(l->imgs[i].p, l->imgs[i].n, ch[c].q, ch[c].be, ch[c].base,
                                                 ch[c].incl, len, si, ei);
                                if (in_ranges(at, 4, si, ei, len))
                                    break;
                                copies &= copied_in(l->imgs[i].p, si, ei, len, (uint32_t)vi[i]);
                            }
                            if (i < l->nimgs || copies)
                                continue;
                        }
                        if (!(it = cross_item(l, ch[c].q, ch[c].be, ch[c].base, ch[c].incl, len, s0, e0)))
                            goto out;
                        it->pub.f.kind = ECU_DISCOVER_SUMS;
                        it->pub.f.word_bytes = sk->wb;
                        it->pub.f.word_big_endian = sk->be;
                        it->pub.f.acc_bits = 32;
                        it->pub.f.store_offset = at;
                        it->pub.f.store_bytes = 4;
                        it->pub.f.store_big_endian = sbe;
                        it->pub.f.stored = v0;
                        it->pub.f.init = seeds32[sd];
                        it->pub.f.candidates = N;
                        it->pub.f.expected = chance;
                        it->pub.distinct = d;
                        it->pub.candidates = N;
                        it->pub.chance = chance;
                        if (seeds32[sd])
                            snprintf(it->alg, sizeof it->alg, "sum %s acc 32 init 0x%llX", sk->name,
                                     (unsigned long long)seeds32[sd]);
                        else
                            snprintf(it->alg, sizeof it->alg, "sum %s acc 32", sk->name);
                    }
                }
            }
        }
    }
    rc = 0;
out:
    free(ch);
    free(wp);
    free(vi);
    return rc;
}

/* 2c: the blocks that only the images together show */
static int cross_images(ecu_learn *l, uint64_t *vals)
{
    uint64_t budget = CROSS_MAX_BYTES;
    size_t i;
    if (l->nimgs < 2)
        return 0;
    for (i = 1; i < l->nimgs; i++) /* one size: the same places in every image */
        if (l->imgs[i].n != l->imgs[0].n)
            return 0;
    if (cross_crc_tables(l, fixed_bases, NFIXED_BASES, vals, &budget) < 0)
        return -1;
    return cross_far_sums(l, fixed_bases, NFIXED_BASES, vals, &budget);
}

int ecu_learn_run(ecu_learn *l)
{
    ecu_discover *d;
    size_t i, j, k;
    uint64_t *vals = NULL;
    unsigned char *marked = NULL; /* step 2: which places of a table were found by its marker */
    int rc = ECU_ERR_NOMEM;
    if (!l || !l->nimgs)
        return ECU_ERR_INVALID;
    for (k = 0; k < l->nitems; k++)
        free(l->items[k].pos);
    l->nitems = 0;
    l->truncated = 0;
    l->ranges = 0;
    if (!(d = ecu_discover_new()))
        return ECU_ERR_NOMEM;
    ecu__discover_set_brute(d, l->brute);
    ecu_discover_set_bound(d, l->file_bound_set ? l->file_bound
                              : l->nimgs > 1 ? ECU_LEARN_DEFAULT_FILE_BOUND
                                             : l->bound);
    /* 1. the union of every image's findings, by place (table records: by their addresses) */
    for (i = 0; i < l->nimgs; i++) {
        if (ecu_discover_run(d, l->imgs[i].p, l->imgs[i].n) != ECU_OK)
            goto out;
        l->ranges += ecu__discover_ranges(d);
        l->truncated |= ecu_discover_truncated(d);
        for (j = 0; j < ecu_discover_finding_count(d); j++) {
            const ecu_finding *f = ecu_discover_finding_at(d, j);
            struct litem *it;
            uint64_t base = 0;
            int incl = 1;
            uint8_t mark[8] = {0};
            if (is_record(f)) { /* the record's base and end convention */
                const uint8_t *q = l->imgs[i].p + f->table_offset;
                uint64_t a = ecu__rdn(q, 4, f->store_big_endian), b = ecu__rdn(q + 4, 4, f->store_big_endian);
                base = a - f->start;
                incl = b - base == f->end;
                memcpy(mark, q, 8);
            }
            for (k = 0; k < l->nitems && !same_place(&l->items[k], f, base, incl, mark); k++)
                ;
            if (k < l->nitems) {
                if (f->candidates > l->items[k].maxcand)
                    l->items[k].maxcand = f->candidates;
                continue;
            }
            if (!(it = push_item(l)))
                goto out;
            it->pub.f = *f;
            snprintf(it->alg, sizeof it->alg, "%s", f->algorithm);
            it->model = f->kind == ECU_DISCOVER_CRCS ? model_index(f->model) : -1;
            it->pub.f.model = it->model >= 0 ? models[it->model].name : "";
            it->maxcand = f->candidates;
            it->pub.records = 1;
            if (is_record(f)) {
                it->pub.from_table = 1;
                it->pub.base = base;
                it->pub.end_included = incl;
                it->abe = f->store_big_endian;
                memcpy(it->mark, mark, 8);
                if (!(it->pos = malloc(l->nimgs * sizeof *it->pos)))
                    goto out;
            }
            if (f->nranges > 1 && f->table_offset + 8 <= l->imgs[i].n) /* a chain's first record */
                memcpy(it->mark, l->imgs[i].p + f->table_offset, 8);
            if (f->kind == ECU_DISCOVER_CRCS && it->model < 0)
                it->drop = 1;
        }
    }
    for (k = 0; k < l->nitems; k++) /* the strings move with the items */
        l->items[k].pub.f.algorithm = l->items[k].alg;
    /* 2. each checked in every image (a table record where its addresses first occur): d
       distinct stored values, N, the chance */
    if (!(vals = malloc(l->nimgs * sizeof *vals)) || !(marked = malloc(l->nimgs)))
        goto out;
    for (k = 0; k < l->nitems; k++) {
        struct litem *it = &l->items[k];
        size_t dist = 0;
        unsigned bits = finding_bits(&it->pub.f);
        double chance;
        if (it->drop)
            continue;
        for (i = 0; i < l->nimgs; i++) {
            uint64_t q = 0;
            int h;
            marked[i] = 0;
            if (it->pub.from_table) { /* where it was found, else where its marker first is */
                const uint8_t *m;
                q = it->pos[i] = it->pub.f.table_offset;
                if ((h = finding_holds(it, l->imgs[i].p, l->imgs[i].n, q, &vals[i])) < 0)
                    goto out;
                if (!h) {
                    if (!(m = ecu__memfind(l->imgs[i].p, l->imgs[i].n, it->mark, 8)))
                        break;
                    q = it->pos[i] = (uint64_t)(m - l->imgs[i].p);
                    marked[i] = 1;
                    if ((h = finding_holds(it, l->imgs[i].p, l->imgs[i].n, q, &vals[i])) < 0)
                        goto out;
                }
                it->pub.moves |= it->pos[i] != it->pos[0];
            } else if ((h = finding_holds(it, l->imgs[i].p, l->imgs[i].n, q, &vals[i])) < 0) {
                goto out;
            }
            if (!h)
                break;
            for (j = 0; j < i && vals[j] != vals[i]; j++)
                ;
            dist += j == i;
        }
        /* a table that moves is found by its marker: its first place in every image (where
           the marker was searched for, it is) */
        for (j = 0; i == l->nimgs && it->pub.moves && j < l->nimgs; j++)
            if (!marked[j] && ecu__memfind(l->imgs[j].p, l->imgs[j].n, it->mark, 8) != l->imgs[j].p + it->pos[j])
                i = 0;
        if (i < l->nimgs) {
            it->drop = 1;
            continue;
        }
        chance = (double)it->maxcand * (double)l->nimgs * pow2neg(bits * (unsigned)(dist > 64 ? 64 : dist));
        it->pub.files = l->nimgs;
        it->pub.distinct = dist;
        it->pub.candidates = it->maxcand * l->nimgs;
        it->pub.chance = chance;
        it->pub.f.stored = vals[0];
        if (it->pub.from_table) { /* the first image's place and range */
            uint64_t rel = it->pub.f.store_offset - it->pub.f.table_offset;
            const uint8_t *q = l->imgs[0].p + it->pos[0];
            uint64_t a = ecu__rdn(q, 4, it->abe), b = ecu__rdn(q + 4, 4, it->abe);
            it->pub.f.table_offset = it->pos[0];
            it->pub.f.store_offset = it->pos[0] + rel;
            it->pub.f.start = a - it->pub.base;
            it->pub.f.end = b - it->pub.base - (it->pub.end_included ? 0 : 1);
        }
        if (!(chance < l->bound))
            it->drop = 1;
    }
    /* 2b. sums over consecutive records: read from the records in each image */
    for (k = 0; k < l->nitems; k++)
        if (!l->items[k].drop && l->items[k].pub.f.nranges > 1 && promote_union(l, &l->items[k]) < 0)
            goto out;
    /* 2c. blocks that only the images together show: counted CRC tables, far seeded sums */
    if (cross_images(l, vals) < 0)
        goto out;
    /* 3. tables: from the first kept record of each kind, record by record */
    for (;;) {
        size_t first = SIZE_MAX;
        for (k = 0; k < l->nitems; k++) {
            const struct litem *it = &l->items[k];
            if (it->drop || !it->pub.from_table || it->pub.records != 1 || it->pub.stride)
                continue;
            if (first == SIZE_MAX || it->pub.f.table_offset < l->items[first].pub.f.table_offset)
                first = k;
        }
        if (first == SIZE_MAX)
            break;
        if (extend_table(l, first, vals))
            goto out;
    }
    /* 4. one block per slot byte: of blocks whose slots overlap, the least likely by chance */
    for (k = 0; k < l->nitems; k++)
        for (j = 0; j < l->nitems && !l->items[k].drop; j++) {
            uint64_t a0, a1, b0, b1;
            if (j == k || l->items[j].drop)
                continue;
            slot_span(&l->items[k].pub, &a0, &a1);
            slot_span(&l->items[j].pub, &b0, &b1);
            /* a table before fixed addresses, the longer table, then the least likely */
            if (a0 < b1 && b0 < a1 &&
                (l->items[j].pub.from_table > l->items[k].pub.from_table ||
                 (l->items[j].pub.from_table == l->items[k].pub.from_table &&
                  (l->items[j].pub.records > l->items[k].pub.records ||
                   (l->items[j].pub.records == l->items[k].pub.records &&
                    (l->items[j].pub.chance < l->items[k].pub.chance ||
                     (l->items[j].pub.chance == l->items[k].pub.chance && j < k)))))))
                l->items[k].drop = 1;
        }
    for (j = k = 0; k < l->nitems; k++) {
        if (!l->items[k].drop)
            l->items[j++] = l->items[k];
        else
            free(l->items[k].pos);
    }
    l->nitems = j;
    /* 5. inner blocks first: a block whose ranges hold other slots comes after them */
    for (k = 0; k < l->nitems; k++)
        l->items[k].drop = (int)slots_inside(l, k);
    if (l->nitems) /* qsort must not be given a NULL array, even empty */
        qsort(l->items, l->nitems, sizeof *l->items, cmp_learned);
    for (k = 0; k < l->nitems; k++) {
        l->items[k].pub.f.algorithm = l->items[k].alg;
        l->items[k].drop = 0;
    }
    rc = ECU_OK;
out:
    free(vals);
    free(marked);
    ecu_discover_free(d);
    if (rc != ECU_OK) {
        for (k = 0; k < l->nitems; k++)
            free(l->items[k].pos);
        l->nitems = 0;
    }
    return rc;
}

/* appends printf output to buf, counting what it needs */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static void app(char *buf, size_t size, size_t *at, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(buf && *at < size ? buf + *at : NULL, buf && *at < size ? size - *at : 0, fmt, ap);
    va_end(ap);
    if (n > 0)
        *at += (size_t)n;
}

static const char *const learn_form[] = {"plain", "complement", "balance", "selfsum", "crc-target"};
static const char *const learn_source[] = {"table record", "aligned block", "erased run"};

/* the @p n bytes at @p p in hex */
static void app_hex(char *buf, size_t size, size_t *at, const uint8_t *p, size_t n)
{
    size_t z;
    for (z = 0; z < n; z++)
        app(buf, size, at, "%02X", p[z]);
}

/* a learnt table's records and address lines, the address line's newline not written: where
   its records lie (at its first record's addresses when it moves), their count and stride (an
   erased record ending the table with @p stop), their byte order, end convention and base */
static void app_records(char *buf, size_t size, size_t *at, const struct litem *t, int stop)
{
    const ecu_learned *b = &t->pub;
    if (b->moves) {
        app(buf, size, at, "  records at ");
        app_hex(buf, size, at, t->mark, 8);
    } else {
        app(buf, size, at, "  records 0x%llX", (unsigned long long)b->f.table_offset);
    }
    app(buf, size, at, " count %zu stride %llu%s\n  address u32%s end %s", b->records,
        (unsigned long long)b->stride, stop ? " stop 0xFFFFFFFF" : "", t->abe ? "be" : "le",
        b->end_included ? "included" : "excluded");
    if (b->base)
        app(buf, size, at, " base 0x%llX", (unsigned long long)b->base);
}

int ecu_learn_layout(const ecu_learn *l, const char *name, char *buf, size_t size, size_t *needed)
{
    size_t at = 0, i, k, nsizes = 0, written = 0;
    uint64_t sizes[16];
    const char *s;
    if (needed)
        *needed = 0;
    if (!l || !name || !name[0] || strlen(name) > 48 || !l->nitems)
        return ECU_ERR_INVALID;
    for (s = name; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_' || *s == '.'))
            return ECU_ERR_INVALID;
    app(buf, size, &at, "# Learnt by checksum discovery (ecu_learn_run) from %zu image%s:\n",
        l->nimgs, l->nimgs == 1 ? "" : "s");
    for (i = 0; i < l->nimgs; i++) {
        const char *lab = l->imgs[i].label ? l->imgs[i].label : "(no name)";
        app(buf, size, &at, "#   ");
        for (s = lab; *s; s++) /* a comment line: no line breaks */
            app(buf, size, &at, "%c", *s == '\n' || *s == '\r' ? '?' : *s);
        app(buf, size, &at, " (0x%zX bytes)\n", l->imgs[i].n);
        for (k = 0; k < nsizes && sizes[k] != l->imgs[i].n; k++)
            ;
        if (k == nsizes && nsizes < 16)
            sizes[nsizes++] = l->imgs[i].n;
    }
    app(buf, size, &at,
        "# Each block holds in every image. Its chance: N * 2^-(w * d), N the hypotheses of its\n"
        "# class tested, w the bits compared, d the distinct stored values (ecu/discover.h).\n"
        "# Bound: %g.\n", l->bound);
    app(buf, size, &at, "layout %s\n", name);
    if (nsizes) {
        app(buf, size, &at, "size");
        for (k = 0; k < nsizes; k++)
            app(buf, size, &at, " 0x%llX", (unsigned long long)sizes[k]);
        app(buf, size, &at, "\n");
    }
    /* the tables */
    for (i = 0, k = 0; i < l->nitems; i++) {
        const struct litem *t = &l->items[i];
        const ecu_learned *b = &t->pub;
        if (!b->from_table)
            continue;
        k++;
        if ((b->f.form == ECU_DISCOVER_SELFSUM && b->f.word_bytes != 4) ||
            (b->f.form == ECU_DISCOVER_BALANCE &&
             (b->f.word_bytes != 4 || b->f.acc_bits != 32 || b->f.store_big_endian != b->f.word_big_endian))) {
            app(buf, size, &at, "\n# no ecu-layout(5) table for %zu %s record%s of %s at 0x%llX\n",
                b->records, learn_form[b->f.form], b->records == 1 ? "" : "s", b->f.algorithm,
                (unsigned long long)b->f.table_offset);
            continue;
        }
        app(buf, size, &at, "\n# a table of %zu record%s, %s%s, from its first record (%s in %zu of %zu "
            "images, %zu distinct values; N %llu, w %u: chance %.3g); each further record holds in "
            "every image%s%s\n", b->records, b->records == 1 ? "" : "s",
            b->f.model[0] ? b->f.model : b->f.algorithm,
            b->f.form == ECU_DISCOVER_COMPLEMENT ? " with complement" : "", learn_source[0], b->files,
            l->nimgs, b->distinct, (unsigned long long)b->candidates, finding_bits(&b->f), b->chance,
            b->has_disabled ? " or is the disabled record" : "",
            b->moves ? "; it lies at different offsets: found by its first record's addresses" : "");
        app(buf, size, &at, "table \"t%zu-0x%llX\"\n  %s\n", k, (unsigned long long)b->f.table_offset,
            b->f.algorithm);
        app_records(buf, size, &at, t, 1);
        if (slot_ends_range(&b->f)) /* the compensation word ends each range */
            app(buf, size, &at, "\n  store end-%u u%u%s\n", b->f.store_bytes, b->f.store_bytes * 8,
                b->f.store_big_endian ? "be" : "le");
        else
            app(buf, size, &at, "\n  store +%llu u%u%s%s\n",
                (unsigned long long)(b->f.store_offset - b->f.table_offset), b->f.store_bytes * 8,
                b->f.store_big_endian ? "be" : "le", b->f.form == ECU_DISCOVER_COMPLEMENT ? " complement" : "");
        if (t->ndis) {
            app(buf, size, &at, "  disabled ");
            app_hex(buf, size, &at, t->dis, t->ndis);
            app(buf, size, &at, "\n");
        }
        written++;
    }
    for (i = 0; i < l->nitems; i++) {
        const ecu_learned *b = &l->items[i].pub;
        char bname[32], text[512];
        if (b->from_table)
            continue;
        if (b->union_table) {
            app(buf, size, &at, "\n# %s%s over the ranges of %zu consecutive records, one value for "
                "them (%s in %zu of %zu images, %zu distinct values; N %llu, w %u: chance %.3g); "
                "%sthe slot %s%s\n", b->f.algorithm, b->f.form == ECU_DISCOVER_COMPLEMENT ? " with complement" : "",
                b->records, learn_source[0], b->files, l->nimgs, b->distinct,
                (unsigned long long)b->candidates, finding_bits(&b->f), b->chance,
                l->items[i].count_word ? "a counted CRC table, its init the one every image's value "
                                         "calls for (chance N * 2^-(w * (d - 1))); " : "",
                b->slot_from_end ? "lies the same distance before the end of the last range" : "is fixed",
                b->moves ? "; the records lie at different offsets: found by the first one's addresses" : "");
            snprintf(bname, sizeof bname, "u%zu-0x%llX", i + 1, (unsigned long long)b->f.table_offset);
            app(buf, size, &at, "table \"%s\"\n  %s\n", bname, b->f.algorithm);
            app_records(buf, size, &at, &l->items[i], 0);
            app(buf, size, &at, "\n  union\n");
            if (l->items[i].count_word) /* the image's own count must be the one learnt */
                app(buf, size, &at, "  counted 0x%llX u16%s\n", (unsigned long long)(b->f.table_offset - 2),
                    l->items[i].abe ? "be" : "le");
            if (b->slot_from_end)
                app(buf, size, &at, "  store end-0x%llX", (unsigned long long)b->slot_back);
            else
                app(buf, size, &at, "  store 0x%llX", (unsigned long long)b->f.store_offset);
            app(buf, size, &at, " u%u%s%s\n", b->f.store_bytes * 8, b->f.store_big_endian ? "be" : "le",
                b->f.form == ECU_DISCOVER_COMPLEMENT ? " complement" : "");
            written++;
            continue;
        }
        app(buf, size, &at, "\n# %s %s, %s; in %zu of %zu images, %zu distinct values; N %llu, "
            "w %u: chance %.3g\n", b->f.model[0] ? b->f.model : b->f.algorithm,
            learn_form[b->f.form], learn_source[b->f.source], b->files, l->nimgs, b->distinct,
            (unsigned long long)b->candidates, finding_bits(&b->f), b->chance);
        snprintf(bname, sizeof bname, "b%zu-0x%llX", i + 1, (unsigned long long)b->f.store_offset);
        if (ecu_discover_layout_block(&b->f, bname, text, sizeof text) == ECU_OK) {
            app(buf, size, &at, "%s", text);
            written++;
        } else {
            app(buf, size, &at, "# no ecu-layout(5) statement for it: %s over 0x%llX-0x%llX, "
                "slot 0x%llX\n", b->f.algorithm, (unsigned long long)b->f.start,
                (unsigned long long)b->f.end, (unsigned long long)b->f.store_offset);
        }
    }
    at++; /* the NUL */
    if (needed)
        *needed = at;
    if (!written || !buf || at > size)
        return ECU_ERR_INVALID;
    return ECU_OK;
}
