/* SPDX-License-Identifier: MIT */
/*
 * bosch-me9's MED9.5.10 checksums (lib/families/bosch_me9.c, from olegm382/IronFelix
 * Source/vag_med95/module9.cpp) against the synthetic image of fixtures/csum/bosch_me9.py
 * (med9510(): tables, sums and an RSA signature placed and computed there, in Python) and its
 * manifest fixtures/csum/bosch_me9_med9510.tsv:
 *   image FILE SIZE BLOCKS BAD; record FILE INDEX RECORD START END SLOT; signature FILE SIG
 *   MODULUS EXPONENT MD5_START MD5_END; edit FILE OFFSET (struct/evidence lines: the mutation
 *   test).
 * Checked: the good image verifies with exactly the manifest's blocks; a byte edited in each
 * record's range makes exactly the records over it bad, corrected when outside the signed
 * range, refused (image unchanged) inside it; the -bad variant; damaged records (a consistent
 * wrong sum: bad and corrected; a broken complement, start above end, a range out of the
 * 2 MiB, odd start: no-layout with the reason); damaged code and tables: never ok; truncated
 * images: bad (truncated) or no-layout, never ok, never corrected; re-signing with a key pair
 * of the caller's (the ME7 RSA tests' key files); the real MED9.5.10 dumps of the corpus
 * verify (others of the folder stay no-layout: tests/unit/test_corpus_csum.c).
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "csum_manifest.h"
#include "ecu/csum.h"
#include "ecu/error.h"
#include "ecu/image.h"

#define FAMILY "bosch-me9"
#define GOOD "bosch-me9-med9510-2m.bin.gz"
#define BAD "bosch-me9-med9510-2m-bad.bin.gz"
#define NREC 66
#define SIZE 0x200000u

static struct {
    uint64_t rec[NREC], s[NREC], e[NREC], slot[NREC];
    uint64_t sig, mod, exp, md5_s, md5_e, edit;
    size_t nrec, blocks;
    uint8_t *good, *bad;
} M;

static uint8_t *load(const char *name, size_t *n)
{
    char path[512];
    ecu_image *img = ecu_image_new();
    uint8_t *d;
    snprintf(path, sizeof path, "%s/csum/%s", ECU_FIXTURES_DIR, name);
    assert_non_null(img);
    if (ecu_image_load_file(img, path) != ECU_OK)
        fail_msg("%s: %s", path, ecu_image_error_detail(img));
    *n = ecu_image_size(img);
    d = csum_dup(ecu_image_data(img), *n);
    ecu_image_free(img);
    return d;
}

static int setup(void **state)
{
    char path[512], line[512], *f[8];
    FILE *fp;
    size_t n;
    (void)state;
    snprintf(path, sizeof path, "%s/csum/bosch_me9_med9510.tsv", ECU_FIXTURES_DIR);
    if (!(fp = fopen(path, "r")))
        return -1;
    while (fgets(line, sizeof line, fp)) {
        size_t k = csum_split(line, f, 8);
        uint64_t v[6] = {0};
        size_t i;
        if (line[0] == '#' || k < 3)
            continue;
        for (i = 2; i < k && i < 8; i++)
            (void)csum_parse_u64(f[i], &v[i - 2]);
        if (strcmp(f[0], "record") == 0 && k == 7 && M.nrec < NREC) {
            M.rec[M.nrec] = v[1], M.s[M.nrec] = v[2], M.e[M.nrec] = v[3], M.slot[M.nrec] = v[4];
            M.nrec++;
        } else if (strcmp(f[0], "signature") == 0 && k == 7) {
            M.sig = v[0], M.mod = v[1], M.exp = v[2], M.md5_s = v[3], M.md5_e = v[4];
        } else if (strcmp(f[0], "image") == 0 && strcmp(f[1], GOOD) == 0) {
            M.blocks = (size_t)v[1];
        } else if (strcmp(f[0], "edit") == 0) {
            M.edit = v[0];
        }
    }
    fclose(fp);
    M.good = load(GOOD, &n);
    if (n != SIZE)
        return -1;
    M.bad = load(BAD, &n);
    return n == SIZE && M.nrec == NREC && M.blocks == NREC + 1 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(M.good);
    free(M.bad);
    return 0;
}

static void analyze(ecu_csum *cs, const uint8_t *d, size_t n)
{
    assert_int_equal(ecu_csum_set_family(cs, NULL), ECU_OK);
    csum_analyze(cs, d, n);
}

static const char *family_of(const ecu_csum *cs)
{
    return ecu_csum_family(cs) ? ecu_csum_family(cs)->name : "none";
}

/* Never ok, never corrected (a refused fix leaves the image as it was). */
static void not_ok(ecu_csum *cs, const uint8_t *d, size_t n, const char *what)
{
    ecu_verdict v = ecu_csum_verdict(cs);
    if (v == ECU_VERDICT_OK)
        fail_msg("%s: ok (%s)", what, family_of(cs));
    if (v == ECU_VERDICT_BAD) {
        assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
        csum_assert_image(cs, d, n, what);
    }
}

/* No layout, with the reason in the evidence. */
static void no_layout(ecu_csum *cs, const char *reason, const char *what)
{
    if (ecu_csum_verdict(cs) != ECU_VERDICT_NO_LAYOUT || strcmp(family_of(cs), FAMILY) != 0)
        fail_msg("%s: %s / %s, expected %s no-layout", what, family_of(cs),
                 ecu_verdict_name(ecu_csum_verdict(cs)), FAMILY);
    assert_int_equal(ecu_csum_block_count(cs), 0);
    if (!strstr(ecu_csum_evidence(cs), "MED9.5.10") || !strstr(ecu_csum_evidence(cs), reason))
        fail_msg("%s: evidence '%s' does not say '%s'", what, ecu_csum_evidence(cs), reason);
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_INVALID);
}

/* The good image: ok, the manifest's 66 records and the signature, exactly. */
static void test_good(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    size_t k;
    (void)state;
    analyze(cs, M.good, SIZE);
    csum_assert_verdict(cs, ECU_VERDICT_OK, GOOD);
    assert_string_equal(family_of(cs), FAMILY);
    assert_int_equal(ecu_csum_block_count(cs), NREC + 1);
    assert_int_equal(ecu_csum_extent(cs), ECU_EXTENT_EXACT);
    for (k = 0; k < NREC; k++) {
        const ecu_block *b = ecu_csum_block_at(cs, k);
        assert_int_equal(b->status, ECU_BLOCK_OK);
        assert_int_equal(b->nranges, 1);
        assert_int_equal(b->ranges[0].start, M.s[k]);
        assert_int_equal(b->ranges[0].end, M.e[k]);
        assert_int_equal(b->store_offset, M.slot[k]);
        assert_int_equal(b->store_bytes, 8);
    }
    {
        const ecu_block *b = ecu_csum_block_at(cs, NREC);
        assert_int_equal(b->status, ECU_BLOCK_SIGNATURE);
        assert_int_equal(b->nranges, 1);
        assert_int_equal(b->ranges[0].start, M.md5_s);
        assert_int_equal(b->ranges[0].end, M.md5_e);
        assert_int_equal(b->store_offset, M.sig);
        assert_int_equal(b->store_bytes, 128);
    }
    assert_int_equal(ecu_csum_fix(cs), ECU_OK); /* nothing to do */
    csum_assert_image(cs, M.good, SIZE, "good, fixed");
    ecu_csum_free(cs);
}

/* A byte edited in the middle of each record's range: the records over it bad; corrected when
   the byte lies outside the signed range (only the slots changed, then ok), refused inside it
   (the signature bad, the image unchanged). */
static void test_edit_each_range(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    uint8_t *w = csum_dup(M.good, SIZE);
    size_t k, j, fixed = 0, refused = 0;
    (void)state;
    for (k = 0; k < NREC; k++) {
        uint64_t at = M.s[k] + (M.e[k] - M.s[k]) / 2;
        int signed_ = at >= M.md5_s && at < M.md5_e;
        char what[64];
        const uint8_t *out;
        size_t n, changed = 0;
        snprintf(what, sizeof what, "record %zu, byte 0x%llX", k, (unsigned long long)at);
        w[at] ^= 0x21;
        analyze(cs, w, SIZE);
        csum_assert_verdict(cs, ECU_VERDICT_BAD, what);
        for (j = 0; j < NREC; j++) {
            int over = at >= M.s[j] && at < M.e[j];
            int slot = at >= M.slot[j] && at < M.slot[j] + 8;
            if (!slot && (ecu_csum_block_at(cs, j)->status == ECU_BLOCK_BAD) != over)
                fail_msg("%s: record %zu %s", what, j, over ? "not bad" : "bad");
        }
        assert_int_equal(ecu_csum_block_at(cs, NREC)->status,
                         signed_ ? ECU_BLOCK_SIGNATURE_BAD : ECU_BLOCK_SIGNATURE);
        if (signed_) {
            assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
            csum_assert_image(cs, w, SIZE, what);
            refused++;
        } else {
            assert_int_equal(ecu_csum_fix(cs), ECU_OK);
            out = ecu_csum_image(cs, &n);
            for (j = 0; j < SIZE; j++)
                if (out[j] != w[j]) {
                    size_t r;
                    for (r = 0; r < NREC && !(j >= M.slot[r] && j < M.slot[r] + 8); r++)
                        ;
                    if (r == NREC)
                        fail_msg("%s: the fix changed 0x%zX, no slot", what, j);
                    changed++;
                }
            assert_true(changed > 0);
            {
                uint8_t *again = csum_dup(out, n);
                analyze(cs, again, n);
                csum_assert_verdict(cs, ECU_VERDICT_OK, what);
                free(again);
            }
            fixed++;
        }
        w[at] ^= 0x21;
    }
    print_message("%zu records' edits corrected, %zu refused (signed range)\n", fixed, refused);
    assert_true(fixed > 0 && refused > 0);
    free(w);
    ecu_csum_free(cs);
}

/* The -bad variant: the record over the edited byte bad, corrected, ok afresh. */
static void test_bad_variant(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    const uint8_t *out;
    size_t n, k, nbad = 0;
    (void)state;
    analyze(cs, M.bad, SIZE);
    csum_assert_verdict(cs, ECU_VERDICT_BAD, BAD);
    for (k = 0; k < NREC; k++)
        if (ecu_csum_block_at(cs, k)->status == ECU_BLOCK_BAD) {
            assert_true(M.edit >= M.s[k] && M.edit < M.e[k]);
            nbad++;
        }
    assert_true(nbad >= 1);
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    out = ecu_csum_image(cs, &n);
    assert_int_equal(n, SIZE);
    assert_int_equal(out[M.edit], M.bad[M.edit]);
    {
        uint8_t *again = csum_dup(out, n);
        analyze(cs, again, n);
        csum_assert_verdict(cs, ECU_VERDICT_OK, "bad, corrected");
        free(again);
    }
    ecu_csum_free(cs);
}

static void put32(uint8_t *d, uint64_t at, uint32_t v)
{
    d[at] = (uint8_t)(v >> 24), d[at + 1] = (uint8_t)(v >> 16), d[at + 2] = (uint8_t)(v >> 8),
    d[at + 3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *d, uint64_t at)
{
    return (uint32_t)d[at] << 24 | (uint32_t)d[at + 1] << 16 | (uint32_t)d[at + 2] << 8 | d[at + 3];
}

/* Damaged records: a wrong sum stored with its complement is bad (and corrected); a record
   that is no record (broken complement, start above end, odd start, even end, a range out of
   the 2 MiB) makes the layout uncertain: no-layout with the reason. */
static void test_damaged_records(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    size_t k;
    (void)state;
    for (k = 0; k < NREC; k++) {
        uint8_t *w = csum_dup(M.good, SIZE);
        uint64_t r = M.rec[k];
        uint32_t s = get32(w, r), e = get32(w, r + 4), v = get32(w, r + 8);
        char what[64];
        snprintf(what, sizeof what, "record %zu at 0x%llX", k, (unsigned long long)r);
        /* a consistent wrong sum */
        put32(w, r + 8, v + 0x100), put32(w, r + 12, ~(v + 0x100));
        analyze(cs, w, SIZE);
        csum_assert_verdict(cs, ECU_VERDICT_BAD, what);
        assert_int_equal(ecu_csum_block_at(cs, k)->status, ECU_BLOCK_BAD);
        assert_int_equal(ecu_csum_fix(cs), ECU_OK); /* back to the good image (the MD5 too) */
        csum_assert_image(cs, M.good, SIZE, what);
        /* the complement broken */
        put32(w, r + 8, v), put32(w, r + 12, v);
        analyze(cs, w, SIZE);
        no_layout(cs, "is not a record", what);
        put32(w, r + 12, ~v);
        /* start above end, odd start, even end, out of the 2 MiB */
        put32(w, r, e + 1);
        analyze(cs, w, SIZE);
        no_layout(cs, "is not a record", what);
        put32(w, r, s + 1);
        analyze(cs, w, SIZE);
        no_layout(cs, "is not a record", what);
        put32(w, r, s), put32(w, r + 4, e - 1);
        analyze(cs, w, SIZE);
        no_layout(cs, "is not a record", what);
        put32(w, r + 4, e + 0x200000);
        analyze(cs, w, SIZE);
        no_layout(cs, "is not a record", what);
        put32(w, r + 4, e);
        analyze(cs, w, SIZE);
        csum_assert_verdict(cs, ECU_VERDICT_OK, what);
        free(w);
    }
    ecu_csum_free(cs);
}

/* The code that leads to the tables damaged: no-layout, the evidence saying why; the
   recognition code gone: no-layout, with no MED9.5.10 word (not such an image). */
static void test_no_tables(void **state)
{
    static const uint8_t check[16] = {0x81, 0x43, 0x00, 0x00, 0x81, 0x23, 0x00, 0x04,
                                      0x7C, 0x0A, 0x48, 0x40, 0x41, 0x81, 0x00, 0x18};
    static const uint8_t recog2[4] = {0x7D, 0x84, 0x28, 0xAE};
    ecu_csum *cs = ecu_csum_new();
    uint8_t *w = csum_dup(M.good, SIZE);
    size_t at, hits = 0;
    (void)state;
    /* every record check sequence gone, one at a time */
    for (at = 0; at + 16 <= SIZE; at++)
        if (memcmp(w + at, check, 16) == 0) {
            w[at + 9] ^= 0x01;
            analyze(cs, w, SIZE);
            no_layout(cs, "record check sequence", "a record check gone");
            w[at + 9] ^= 0x01;
            hits++;
        }
    assert_int_equal(hits, 6);
    /* a 7th record check */
    memcpy(w + 0x1F000, check, 16);
    analyze(cs, w, SIZE);
    no_layout(cs, "record check sequence", "a 7th record check");
    memcpy(w, M.good, SIZE);
    /* the recognition code gone: not a MED9.5.10 for the source */
    for (at = 0; at + 4 <= SIZE && memcmp(w + at, recog2, 4) != 0; at++)
        ;
    assert_true(at + 4 <= SIZE);
    w[at] ^= 0x80;
    analyze(cs, w, SIZE);
    csum_assert_verdict(cs, ECU_VERDICT_NO_LAYOUT, "recognition gone");
    assert_int_equal(ecu_csum_block_count(cs), 0);
    assert_null(strstr(ecu_csum_evidence(cs), "MED9.5.10"));
    free(w);
    ecu_csum_free(cs);
}

/* Truncated images: never ok, never corrected; once all the code and tables are in the image,
   bad and truncated. */
static void test_truncated(void **state)
{
    static const size_t cuts[] = {0x1FFFFF, 0x1FFFFE, 0x1F8000, 0x1E0000, 0x1CA280, 0x1CA230,
                                  0x1C9C72, 0x1C9BF0, 0x1C0000, 0x180000, 0x121000, 0x120300,
                                  0x120100, 0x100000, 0xC0200, 0xA9010, 0xA8104, 0x80000,
                                  0x51000, 0x40000, 0x8000};
    ecu_csum *cs = ecu_csum_new();
    size_t i, truncated = 0;
    (void)state;
    for (i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        uint8_t *w = csum_dup(M.good, cuts[i]);
        char what[48];
        snprintf(what, sizeof what, "cut to 0x%zX", cuts[i]);
        analyze(cs, w, cuts[i]);
        not_ok(cs, w, cuts[i], what);
        if (ecu_csum_verdict(cs) == ECU_VERDICT_BAD) {
            assert_int_equal(ecu_csum_extent(cs), ECU_EXTENT_TRUNCATED);
            assert_int_equal(ecu_csum_expected_size(cs), SIZE);
            truncated++;
        }
        if (cuts[i] >= 0x121000)
            csum_assert_verdict(cs, ECU_VERDICT_BAD, what);
        free(w);
    }
    print_message("%zu of %zu cuts bad (truncated)\n", truncated, sizeof cuts / sizeof cuts[0]);
    /* longer than 2 MiB: not this layout */
    {
        uint8_t *w = calloc(SIZE + 0x1000, 1);
        assert_non_null(w);
        memcpy(w, M.good, SIZE);
        analyze(cs, w, SIZE + 0x1000);
        no_layout(cs, "larger than the 2 MiB", "2 MiB + 4 KiB");
        free(w);
    }
    ecu_csum_free(cs);
}

static uint8_t *raw_file(const char *name, size_t *n)
{
    char path[512];
    FILE *f;
    uint8_t *d = malloc(4096);
    snprintf(path, sizeof path, "%s/csum/%s", ECU_FIXTURES_DIR, name);
    assert_non_null(d);
    if (!(f = fopen(path, "rb")))
        fail_msg("%s: cannot open", path);
    *n = fread(d, 1, 4096, f);
    fclose(f);
    assert_true(*n > 0 && *n < 4096);
    return d;
}

/* A byte edited in the signed range: refused without a key; with a key pair of the caller's
   (1024 bits, e = 3: the ME7 RSA tests' key file), re-signed: the modulus, the signature and
   the sums over them rewritten, ok afresh; a key of another exponent refused. */
static void test_resign(void **state)
{
    size_t kn, en, n, j;
    uint8_t *key = raw_file("me7-vag-rsa-key2.der", &kn);
    uint8_t *e65537 = raw_file("me7-vag-rsa-key-e65537.der", &en);
    uint8_t *w = csum_dup(M.good, SIZE);
    const uint8_t *out;
    ecu_csum *cs = ecu_csum_new();
    (void)state;
    w[M.md5_s + 0x1234] ^= 0x10;
    analyze(cs, w, SIZE);
    assert_int_equal(ecu_csum_block_at(cs, NREC)->status, ECU_BLOCK_SIGNATURE_BAD);
    assert_true(ecu_csum_block_resignable(cs, NREC));
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
    assert_true(ecu_csum_block_unfixable(cs, NREC));
    csum_assert_image(cs, w, SIZE, "no key");
    assert_int_equal(ecu_csum_set_resign_key(cs, e65537, en), ECU_OK);
    analyze(cs, w, SIZE);
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
    csum_assert_image(cs, w, SIZE, "key of another exponent");
    assert_int_equal(ecu_csum_set_resign_key(cs, key, kn), ECU_OK);
    analyze(cs, w, SIZE);
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    assert_int_equal(ecu_csum_block_at(cs, NREC)->status, ECU_BLOCK_RESIGNED);
    out = ecu_csum_image(cs, &n);
    for (j = 0; j < SIZE; j++) {
        size_t r;
        if (out[j] == w[j] || (j >= M.sig && j < M.sig + 128) || (j >= M.mod && j < M.mod + 128))
            continue;
        for (r = 0; r < NREC && !(j >= M.slot[r] && j < M.slot[r] + 8); r++)
            ;
        if (r == NREC)
            fail_msg("re-signed: 0x%zX changed", j);
    }
    assert_memory_not_equal(out + M.mod, M.good + M.mod, 128);
    {
        uint8_t *again = csum_dup(out, n);
        assert_int_equal(ecu_csum_set_resign_key(cs, NULL, 0), ECU_OK);
        analyze(cs, again, n);
        csum_assert_verdict(cs, ECU_VERDICT_OK, "re-signed, afresh");
        free(again);
    }
    free(w);
    free(key);
    free(e65537);
    ecu_csum_free(cs);
}

/* The real dumps of the me9_med9 folder: the ones laid out verify (stock reads), with all 67
   blocks; printed. Skipped without the corpus. */
static int corpus_want(void *ctx, char *const *col)
{
    (void)ctx;
    return strcmp(col[4], "me9_med9") == 0;
}

static void corpus_seen(void *ctx, char *const *col, const uint8_t *d, size_t n)
{
    ecu_csum *cs = ecu_csum_new();
    size_t *laid = ctx;
    const char *file = col[0];
    analyze(cs, d, n);
    if (ecu_csum_block_count(cs)) {
        print_message("%s: %s (%zu blocks)\n", file, ecu_verdict_name(ecu_csum_verdict(cs)),
                      ecu_csum_block_count(cs));
        csum_assert_verdict(cs, ECU_VERDICT_OK, file);
        assert_int_equal(ecu_csum_block_count(cs), NREC + 1);
        assert_int_equal(n, SIZE);
        (*laid)++;
    }
    ecu_csum_free(cs);
}

static void test_corpus(void **state)
{
    size_t laid = 0;
    (void)state;
    if (!csum_for_each_corpus_dump(corpus_want, corpus_seen, &laid))
        skip();
    print_message("%zu MED9.5.10 dumps laid out\n", laid);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_edit_each_range),
        cmocka_unit_test(test_bad_variant),
        cmocka_unit_test(test_damaged_records),
        cmocka_unit_test(test_no_tables),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_resign),
        cmocka_unit_test(test_corpus),
    };
    return cmocka_run_group_tests_name("csum_bosch_me9_med9510", tests, setup, teardown);
}
