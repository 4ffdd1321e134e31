/* SPDX-License-Identifier: MIT */
/*
 * Mutation test of every checksum family with a layout: a wrong "ok" bricks an ECU, so no
 * single-bit change of a good image may verify.
 *
 * The images are the good (verdict ok) synthetic fixtures of fixtures/csum/ that the manifests
 * below name, written by their generators (fixtures/csum/NAME.py). Each generator writes, beside
 * the blocks, struct lines (tests/unit/csum_manifest.h): exactly the byte ranges of the image
 * whose every bit the family's detection or layout depends on (record tables, block headers,
 * descriptors, markers, pointer and range tables, the code that leads to addresses, the bytes
 * that select a layout variant), from where the generator itself placed them; and evidence
 * lines: bytes the family reads whose value the layout does not depend on (identification
 * that only raises the detection score, the entry read to end a table, a field checked for its
 * form only). For every good image:
 *
 *   (1) struct flips: every bit of every byte of every struct and evidence range, one bit at a
 *       time, is flipped and the copy analysed (with detection, as ecu-csum does; the
 *       forced-only families with their family named, as the existing tests do). Bad,
 *       no-layout, unknown and ambiguous are accepted. Any ok of a struct byte's flip fails
 *       the test: ok as the image's own family with ANOTHER layout (blocks lost, ranges or
 *       slots moved: the change was parsed and part of the image went unchecked), ok with the
 *       SAME layout as the good image (the layout was not found from that byte: the struct
 *       line is wider than what the family parses, or the family does not check a field it
 *       reads) and ok as another family (the image's own checksums went unchecked). An
 *       evidence byte's flip may give ok with the same layout (counted as "ok (evidence)"),
 *       nothing else. A range longer than STRUCT_CAP bytes is flipped at STRUCT_CAP bytes
 *       spread evenly over it, its first and last byte included (every bit of each), to keep
 *       the run time down; the counts below say how many were flipped.
 *   (2) random flips: at least RANDOM_FLIPS bits per family, shared evenly by its good images
 *       (xorshift32, fixed seed: the same bits on every run), each in a byte drawn evenly from
 *       the ranges and slots of the blocks the analysis of the good image reports
 *       (ecu_csum_block_at()->ranges, store_offset and store_bytes); any ok of the image's own
 *       family fails the test.
 *
 * Each copy is analysed with its family named first, and again as above only when that gives
 * ok (see flip_once): the same verdicts, four times faster.
 *
 * A case that gives ok with another layout and is not fixed yet is listed in xfails[] below
 * with the reason: it is counted as an expected failure (and fails the test once it no longer
 * gives ok, so the list stays true). Per family the test prints the struct and evidence bytes,
 * flips and verdict counts, the random flips and the time taken.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "csum_manifest.h"
#include "ecu/csum.h"
#include "ecu/error.h"
#include "ecu/image.h"

/* A struct range longer than this is flipped at this many bytes spread evenly over it. */
#define STRUCT_CAP 256
/* Random single-bit flips per family, inside the blocks' ranges and slots, shared evenly by its
   good images (each gets the quotient rounded up). */
#define RANDOM_FLIPS 1000
#define RANDOM_SEED 0x6D757461u
/* The ok cases printed one by one (the counts hold them all). */
#define MAX_PRINTED 400

/* The manifests: standard ones hold image lines (csum_manifest_load), the others
   (me7-vag*.tsv, bosch_me9_med9510.tsv) are read for their struct lines only; forced: the
   family is named. */
static const struct source {
    const char *manifest;
    int standard, forced;
} sources[] = {
    {"expected.tsv", 1, 0},      {"edc15-expected.tsv", 1, 0},   {"edc17.tsv", 1, 0},
    {"c167.tsv", 1, 0},          {"continental.tsv", 1, 0},      {"denso.tsv", 1, 0},
    {"denso-checks-off.tsv", 1, 0}, {"hitachi.tsv", 1, 0},      {"motronic_old.tsv", 1, 0},
    {"siemens_ms4x.tsv", 1, 0},  {"forced_only.tsv", 1, 1},      {"me7-vag.tsv", 0, 0},
    {"me7-vag-rsa.tsv", 0, 0},   {"bosch_me9_med9510.tsv", 0, 0},
};
#define NSOURCES (sizeof sources / sizeof sources[0])

/* Flips known to give ok with another layout, not fixed yet (reported to the lead): image,
   byte range [start, end), why. Each entry must still give ok (else take it off the list). */
static const struct xfail {
    const char *file;
    uint64_t start, end;
    const char *reason;
} xfails[] = {
    /* lib/families/continental_simos.c: the CAL CRC's first range starts on zero bytes (the
       ECM3 header) and the CRC-32 starts at 0, so moving the start past them gives the same
       CRC: the ECU, reading the same header, computes the same value (no parser defect) */
    {"continental-s18-10.bin.gz", 0x22030C, 0x220310, "continental-simos: CRC-32 init 0 over leading zero bytes"},
    /* lib/families/denso_mazda.c: record 2 of the fixture starts on the zero words of the
       calibration header at 0xB8000, so moving its start (bits 2-6) past them gives the same
       sum: the ECU, summing from the moved start, gets the same value (no parser defect) */
    {"denso-mazda-nc-1m.bin.gz", 0xFF66B, 0xFF66C, "denso-mazda-nc: sum over leading zero words"},
    {NULL, 0, 0, NULL},
};

/* ---- the outcome of a flip ------------------------------------------------------------------ */

/* O_OK: ok with the good image's layout; O_OK_MOVED: ok with another layout (blocks lost or
   moved); O_OTHER_OK: ok as another family */
enum outcome { O_OK, O_OK_MOVED, O_OTHER_OK, O_OK_EVIDENCE, O_BAD, O_NO_LAYOUT, O_UNKNOWN,
               O_AMBIGUOUS, O_XFAIL, O_N };
static const char *const outcome_names[O_N] = {
    "ok(same layout)", "ok(other layout)", "ok(other family)", "ok(evidence)", "bad",
    "no-layout", "unknown", "ambiguous", "xfail(other layout)"};

#define MAX_FAMILIES 48
static struct family_stats {
    char name[32];
    size_t targets, struct_bytes, evidence_bytes, flipped_bytes, struct_flips, random_flips;
    size_t s[O_N], r[O_N];
    double seconds;
} stats[MAX_FAMILIES];
static size_t nstats, printed, failures, xfail_seen[sizeof xfails / sizeof xfails[0]];
static char last_ok[160]; /* the last flip that gave ok */
static int kind_random;   /* the flips are random ones (2): any ok of the own family fails */
static int kind_evidence; /* the flips are of an evidence line: ok with the same layout holds */

static struct family_stats *stats_of(const char *family)
{
    size_t i;
    for (i = 0; i < nstats; i++)
        if (strcmp(stats[i].name, family) == 0)
            return &stats[i];
    assert_true(nstats < MAX_FAMILIES);
    snprintf(stats[nstats].name, sizeof stats[nstats].name, "%s", family);
    return &stats[nstats++];
}

static double now(void)
{
    struct timespec t;
    timespec_get(&t, TIME_UTC);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The listed expected failure covering byte @p off of @p file, or -1. */
static long xfail_index(const char *file, uint64_t off)
{
    size_t i;
    for (i = 0; xfails[i].file; i++)
        if (strcmp(xfails[i].file, file) == 0 && off >= xfails[i].start && off < xfails[i].end)
            return (long)i;
    return -1;
}

/* ---- one good image ------------------------------------------------------------------------- */

struct target {
    const char *file, *manifest;
    const char *named; /* the family named, NULL: detected */
    uint8_t *data;
    size_t size;
    const struct csum_struct *structs;
    size_t nstructs;
    uint64_t layout; /* layout_of the good image */
};

/* A fingerprint of the analysed layout: the blocks' ranges and slots. */
static uint64_t layout_of(const ecu_csum *cs)
{
    uint64_t h = 1469598103934665603u;
    size_t k, r;
#define MIX(v) (h = (h ^ (uint64_t)(v)) * 1099511628211u)
    MIX(ecu_csum_block_count(cs));
    for (k = 0; k < ecu_csum_block_count(cs); k++) {
        const ecu_block *b = ecu_csum_block_at(cs, k);
        MIX(b->store_offset);
        MIX(b->store_bytes);
        for (r = 0; r < b->nranges; r++) {
            MIX(b->ranges[r].start);
            MIX(b->ranges[r].end);
        }
    }
#undef MIX
    return h;
}

/* Analyses @p t's working copy @p w with bit @p bit of byte @p off flipped and classifies the
 * verdict. Speed: the copy is analysed with @p family named first; only when that gives ok is
 * it analysed again as the test says (detected, or named for a forced-only family), and that
 * verdict counts. Any other verdict stands for the detected one too: detection runs the same
 * layout code once it picks the family, so a copy that does not verify with its family named
 * cannot verify as that family detected (another family claiming it, or none, is no ok of
 * its own either). */
static enum outcome flip_once(ecu_csum *cs, const struct target *t, const char *family, uint8_t *w,
                              uint64_t off, unsigned bit)
{
    enum outcome o = O_UNKNOWN;
    long xf;
    w[off] ^= (uint8_t)(1u << bit);
    assert_int_equal(ecu_csum_set_family(cs, family), ECU_OK);
    csum_analyze(cs, w, t->size);
    if (ecu_csum_verdict(cs) == ECU_VERDICT_OK) {
        assert_int_equal(ecu_csum_set_family(cs, t->named), ECU_OK);
        csum_analyze(cs, w, t->size);
    }
    w[off] ^= (uint8_t)(1u << bit);
    switch (ecu_csum_verdict(cs)) {
    case ECU_VERDICT_OK:
        o = ecu_csum_family(cs) && strcmp(ecu_csum_family(cs)->name, family) == 0 ? O_OK
                                                                                 : O_OTHER_OK;
        break;
    case ECU_VERDICT_BAD:
        o = O_BAD;
        break;
    case ECU_VERDICT_NO_LAYOUT:
        o = O_NO_LAYOUT;
        break;
    case ECU_VERDICT_AMBIGUOUS:
        o = O_AMBIGUOUS;
        break;
    case ECU_VERDICT_UNKNOWN:
        o = O_UNKNOWN;
        break;
    default:
        fail_msg("%s: verdict %s after analysis", t->file, ecu_verdict_name(ecu_csum_verdict(cs)));
    }
    if (o == O_OK || o == O_OTHER_OK) {
        int same = layout_of(cs) == t->layout;
        snprintf(last_ok, sizeof last_ok, "byte 0x%llX bit %u: ok (%s, %zu blocks, %s layout)",
                 (unsigned long long)off, bit, ecu_csum_family(cs)->name,
                 ecu_csum_block_count(cs), same ? "the same" : "another");
        if (o == O_OK && !same)
            o = O_OK_MOVED;
    }
    if (o == O_OK_MOVED && (xf = xfail_index(t->file, off)) >= 0) {
        xfail_seen[xf]++;
        return O_XFAIL;
    }
    if (o == O_OK && kind_evidence)
        return O_OK_EVIDENCE;
    /* a struct flip fails on any ok; a random flip on an ok of the image's own family */
    if (o == O_OK_MOVED || o == O_OK || (o == O_OTHER_OK && !kind_random))
        failures++;
    return o;
}

/* The sampled offsets of struct range [s, e): all of it, or STRUCT_CAP bytes evenly spread. */
static uint64_t sample_at(uint64_t s, uint64_t e, size_t i, size_t *n)
{
    uint64_t len = e - s;
    *n = len <= STRUCT_CAP ? (size_t)len : STRUCT_CAP;
    return len <= STRUCT_CAP ? s + i : s + (uint64_t)i * (len - 1) / (STRUCT_CAP - 1);
}

/* (1): every bit of every (sampled) byte of every struct range. */
static void struct_flips(ecu_csum *cs, const struct target *t, const char *family, uint8_t *w,
                         struct family_stats *st)
{
    uint8_t *done = calloc(t->size, 1); /* a byte of two struct ranges is flipped once */
    size_t k, i, n;
    assert_non_null(done);
    for (k = 0; k < t->nstructs; k++) {
        const struct csum_struct *s = &t->structs[k];
        assert_true(s->end <= t->size);
        size_t count[O_N] = {0}, first_ok = 0; /* first_ok: the oks that fail */
        char first[160] = "";
        if (s->evidence)
            st->evidence_bytes += (size_t)(s->end - s->start);
        else
            st->struct_bytes += (size_t)(s->end - s->start);
        kind_evidence = s->evidence;
        for (i = 0, n = 1; i < n; i++) {
            uint64_t off = sample_at(s->start, s->end, i, &n);
            unsigned bit;
            if (done[off])
                continue;
            done[off] = 1;
            st->flipped_bytes++;
            for (bit = 0; bit < 8; bit++) {
                enum outcome o = flip_once(cs, t, family, w, off, bit);
                /* the first ok that fails the test (listed ones and evidence ones aside) */
                if ((o == O_OK || o == O_OK_MOVED || o == O_OTHER_OK) && !first_ok++)
                    snprintf(first, sizeof first, "%s", last_ok);
                count[o]++;
                st->s[o]++;
                st->struct_flips++;
            }
        }
        /* the listed cases and the evidence lines are counted in the family's table only */
        if (first_ok && printed++ < MAX_PRINTED) {
            print_message("  FAIL %s: struct %s [0x%llX, 0x%llX): ok %zu (same layout), %zu "
                          "(another layout), %zu (another family), %zu (listed); first: %s\n",
                          t->file, s->name, (unsigned long long)s->start,
                          (unsigned long long)s->end, count[O_OK], count[O_OK_MOVED],
                          count[O_OTHER_OK], count[O_XFAIL], first);
        }
    }
    kind_evidence = 0;
    free(done);
}

static uint32_t xorshift32(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* (2): RANDOM_FLIPS bits in the blocks' ranges and slots of the good image's analysis. */
static void random_flips(ecu_csum *cs, const struct target *t, const char *family, uint8_t *w,
                         struct family_stats *st, uint32_t *seed)
{
    size_t nb = ecu_csum_block_count(cs), k, r, n = 0, i;
    ecu_range *at;
    uint64_t total = 0;
    assert_true(nb > 0);
    for (k = 0; k < nb; k++)
        n += ecu_csum_block_at(cs, k)->nranges + 1;
    at = calloc(n, sizeof *at); /* the handle's ranges do not outlive the next analysis */
    assert_non_null(at);
    for (k = 0, n = 0; k < nb; k++) {
        const ecu_block *b = ecu_csum_block_at(cs, k);
        for (r = 0; r < b->nranges; r++)
            at[n++] = b->ranges[r];
        if (b->store_bytes) {
            at[n].start = b->store_offset;
            at[n++].end = b->store_offset + b->store_bytes;
        }
    }
    for (k = 0; k < n; k++) {
        assert_true(at[k].start < at[k].end && at[k].end <= t->size);
        total += at[k].end - at[k].start;
    }
    kind_random = 1;
    for (i = 0; i < (RANDOM_FLIPS + st->targets - 1) / st->targets; i++) {
        enum outcome o;
        uint64_t pick = (((uint64_t)xorshift32(seed) << 32) | xorshift32(seed)) % total;
        unsigned bit = xorshift32(seed) & 7;
        for (k = 0; pick >= at[k].end - at[k].start; k++)
            pick -= at[k].end - at[k].start;
        o = flip_once(cs, t, family, w, at[k].start + pick, bit);
        if ((o == O_OK || o == O_OK_MOVED || o == O_OTHER_OK) && printed++ < MAX_PRINTED)
            print_message("  %s %s: random flip, %s\n", o == O_OTHER_OK ? "note" : "FAIL",
                          t->file, last_ok);
        st->r[o]++;
        st->random_flips++;
    }
    free(at);
    kind_random = 0;
}

enum pass { COUNT, STRUCTS, RANDOM };

static void mutate(ecu_csum *cs, struct target *t, enum pass pass, uint32_t *seed)
{
    struct family_stats *st;
    char family[32];
    uint8_t *w;
    double t0 = now();
    assert_int_equal(ecu_csum_set_family(cs, t->named), ECU_OK);
    csum_analyze(cs, t->data, t->size);
    csum_assert_verdict(cs, ECU_VERDICT_OK, t->file);
    snprintf(family, sizeof family, "%s", ecu_csum_family(cs)->name);
    t->layout = layout_of(cs);
    st = stats_of(family);
    w = csum_dup(t->data, t->size);
    if (pass == COUNT)
        st->targets++;
    else if (pass == STRUCTS)
        struct_flips(cs, t, family, w, st);
    else
        random_flips(cs, t, family, w, st, seed);
    free(w);
    st->seconds += now() - t0;
}

/* @p pass over every good image of every manifest, with its struct lines. */
static void for_each_target(enum pass pass)
{
    static struct csum_struct structs[512];
    ecu_csum *cs = ecu_csum_new();
    ecu_image *img = ecu_image_new();
    uint32_t seed = RANDOM_SEED;
    size_t i, j, k, ntargets = 0;
    assert_non_null(cs);
    assert_non_null(img);
    for (i = 0; i < NSOURCES; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/csum/%s", ECU_FIXTURES_DIR, sources[i].manifest);
        if (sources[i].standard) {
            struct csum_manifest *m = calloc(1, sizeof *m);
            assert_non_null(m);
            assert_int_equal(csum_manifest_load(m, path), 0);
            for (j = 0; j < m->nimages; j++) {
                const struct csum_image *x = &m->images[j];
                struct target t = {x->file, sources[i].manifest, sources[i].forced ? x->family : NULL,
                                   x->data, x->size, x->structs, x->nstructs, 0};
                if (!csum_is_good(x))
                    continue;
                mutate(cs, &t, pass, &seed);
                ntargets++;
            }
            csum_manifest_free(m);
            free(m);
        } else {
            /* read for their struct lines: each image named there is a good one */
            long n = csum_read_structs(path, structs, sizeof structs / sizeof structs[0]);
            assert_true(n > 0);
            for (j = 0; j < (size_t)n; j++) {
                char file[600];
                struct target t = {structs[j].file, sources[i].manifest, NULL, NULL, 0,
                                   &structs[j], 0, 0};
                for (k = 0; k < j && strcmp(structs[k].file, structs[j].file) != 0; k++)
                    ;
                if (k < j)
                    continue; /* done with its first line */
                for (k = j; k < (size_t)n && strcmp(structs[k].file, structs[j].file) == 0; k++)
                    t.nstructs++;
                snprintf(file, sizeof file, "%s/csum/%.63s", ECU_FIXTURES_DIR, t.file);
                if (ecu_image_load_file(img, file) != ECU_OK)
                    fail_msg("%s: %s", file, ecu_image_error_detail(img));
                t.data = csum_dup(ecu_image_data(img), ecu_image_size(img));
                t.size = ecu_image_size(img);
                mutate(cs, &t, pass, &seed);
                free(t.data);
                ntargets++;
            }
        }
    }
    print_message("%zu good images\n", ntargets);
    ecu_image_free(img);
    ecu_csum_free(cs);
}

static void print_counts(const size_t *c)
{
    size_t o;
    for (o = 0; o < O_N; o++)
        if (c[o])
            print_message(" %s %zu", outcome_names[o], c[o]);
}

/* ---- the tests ------------------------------------------------------------------------------ */

/* The good images of each family, counted (and each checked to verify) before the flips. */
static int setup(void **state)
{
    (void)state;
    for_each_target(COUNT);
    return 0;
}

static void test_struct_flips(void **state)
{
    size_t i, f;
    (void)state;
    failures = printed = 0;
    for_each_target(STRUCTS);
    print_message("%-26s %6s %8s %9s %9s %8s  verdicts\n", "family", "images", "structB",
                  "evidenceB", "flippedB", "flips");
    for (f = 0; f < nstats; f++) {
        struct family_stats *st = &stats[f];
        print_message("%-26s %6zu %8zu %9zu %9zu %8zu ", st->name, st->targets, st->struct_bytes,
                      st->evidence_bytes, st->flipped_bytes, st->struct_flips);
        print_counts(st->s);
        print_message("  (%.2f s)\n", st->seconds);
        st->seconds = 0;
    }
    for (i = 0; xfails[i].file; i++)
        if (!xfail_seen[i])
            fail_msg("expected failure %s 0x%llX-0x%llX no longer gives ok: take it off the list",
                     xfails[i].file, (unsigned long long)xfails[i].start,
                     (unsigned long long)xfails[i].end);
    if (failures)
        fail_msg("%zu struct flips verified ok", failures);
}

static void test_random_flips(void **state)
{
    size_t f, total = 0;
    (void)state;
    failures = printed = 0;
    for_each_target(RANDOM);
    print_message("%-26s %8s  verdicts\n", "family", "flips");
    for (f = 0; f < nstats; f++) {
        struct family_stats *st = &stats[f];
        print_message("%-26s %8zu ", st->name, st->random_flips);
        print_counts(st->r);
        print_message("  (%.2f s)\n", st->seconds);
        total += st->random_flips;
        assert_true(st->random_flips >= 1000);
    }
    print_message("%zu random flips\n", total);
    if (failures)
        fail_msg("%zu random flips verified ok", failures);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_struct_flips),
        cmocka_unit_test(test_random_flips),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
