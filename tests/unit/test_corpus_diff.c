/* SPDX-License-Identifier: MIT */
/*
 * The structure diff on real dumps of ../shared/corpus (or $ECU_CORPUS); skipped when the
 * folder is absent.
 *
 * For every vag_me7 dump that MANIFEST.tsv expects "ok" and that is not signed (a signed dump
 * cannot be corrected without re-signing, tests/unit/test_corpus_resign.c): a map of its
 * calibration data segment (0x10000-0x1FFFF, ME7Sum's main data) is found here, with a rule of
 * this test's own: the Bosch record layout NX NY X[NX] Y[NY] TABLE of 16-bit little-endian
 * values (the C167 is little-endian), counts 8 to 32 (16 or more rising words are no chance;
 * shorter runs are, in real data: shared axes and curves end in values that read as counts),
 * both axes strictly rising, the table in the segment, and the map no piece of a longer rising
 * run (the word before its counts is not below NX, Y[0] <= X[NX-1]). Two cells of its table
 * are changed, as a tune does, the checksums are corrected
 * by ecu_csum_fix (as ecu-csum --fix does), and the diff of the stock dump against the result
 * must hold one calibration region (the edit, inside that map, named by the diff) and, for
 * every other region, a checksum slot. A second, deliberate edit in the program (code) must
 * then show up as code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ecu/ecu.h>

#include "corpus_util.h"

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static int rising(const uint8_t *p, unsigned n)
{
    unsigned k;
    for (k = 1; k < n; k++)
        if (le16(p + 2 * k) <= le16(p + 2 * (k - 1)))
            return 0;
    return 1;
}

/* The first counted LE16 map of the segment whose table lies in it, away from @p avoid (the
   slots: a table that holds one is skipped). Returns its table offset, its end in @p end. */
static uint64_t find_map(const uint8_t *d, uint64_t lo, uint64_t hi, const ecu_csum *cs,
                         uint64_t *start, uint64_t *end)
{
    uint64_t s;
    for (s = lo; s + 4 <= hi; s += 2) {
        unsigned nx = le16(d + s), ny = le16(d + s + 2);
        uint64_t t, e;
        size_t i;
        int clash = 0;
        if (nx < 8 || nx > 32 || ny < 8 || ny > 32)
            continue;
        t = s + 4 + 2 * (uint64_t)(nx + ny);
        e = t + 2 * (uint64_t)nx * ny;
        if (e > hi || !rising(d + s + 4, nx) || !rising(d + s + 4 + 2 * nx, ny))
            continue;
        /* not a piece of a longer rising run (a linearisation table): the run breaks at the
           counts, and again between the axes */
        if ((s >= lo + 2 && le16(d + s - 2) < nx) ||
            le16(d + s + 4 + 2 * nx) > le16(d + s + 4 + 2 * (nx - 1)))
            continue;
        for (i = 0; i < ecu_csum_block_count(cs); i++) {
            const ecu_block *b = ecu_csum_block_at(cs, i);
            if (b->store_offset < e && b->store_offset + b->store_bytes > s)
                clash = 1;
        }
        if (clash)
            continue;
        *start = s;
        *end = e;
        return t;
    }
    return 0;
}

static uint8_t *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    uint8_t *b;
    long len;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) || (len = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET)) {
        fclose(f);
        return NULL;
    }
    b = malloc((size_t)len);
    if (b && fread(b, 1, (size_t)len, f) != (size_t)len) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *n = (size_t)len;
    return b;
}

/* One dump: 1 when it was checked, 0 when it is signed, -1 when no map was found. */
static int check_dump(const char *dir, const char *file)
{
    char path[1024];
    size_t n = 0, mn, i, ncal = 0;
    uint8_t *o, *m;
    const uint8_t *fixed;
    ecu_csum *cs = ecu_csum_new();
    ecu_diff *df = ecu_diff_new();
    uint64_t table, mstart, mend, edit, bytes;
    int applies = 0;
    assert_non_null(cs);
    assert_non_null(df);
    snprintf(path, sizeof path, "%s/%s", dir, file);
    o = read_file(path, &n);
    assert_non_null(o);
    assert_int_equal(ecu_csum_analyze(cs, o, n), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    for (i = 0; i < ecu_csum_block_count(cs); i++)
        if (ecu_csum_block_at(cs, i)->status == ECU_BLOCK_SIGNATURE)
            goto out; /* signed: its correction needs a key (test_corpus_resign.c) */
    applies = -1;
    if (!(table = find_map(o, 0x10000, 0x20000, cs, &mstart, &mend)))
        goto out;
    /* two cells of the table's middle row changed */
    m = malloc(n);
    assert_non_null(m);
    memcpy(m, o, n);
    edit = table + ((mend - table) / 4) * 2;
    m[edit] ^= 0x04;
    m[edit + 2] ^= 0x01;
    assert_int_equal(ecu_csum_analyze(cs, m, n), ECU_OK);
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    fixed = ecu_csum_image(cs, &mn);
    assert_int_equal(mn, n);
    assert_int_equal(ecu_diff_run(df, o, n, fixed, mn), ECU_OK);
    assert_non_null(ecu_diff_family(df));
    assert_string_equal(ecu_diff_family(df), "bosch-me7-vag");
    assert_true(ecu_diff_region_count(df) >= 2); /* the edit and at least one slot */
    for (i = 0; i < ecu_diff_region_count(df); i++) {
        const ecu_diff_region *r = ecu_diff_region_at(df, i);
        if (r->start <= edit + 2 && r->start + r->length > edit) {
            ncal++;
            if (r->cls != ECU_REGION_CALIBRATION || r->start != edit || r->length != 3 ||
                r->differing != 2)
                fail_msg("%s: the edit at 0x%llX: %s region 0x%llX+%llu", file,
                         (unsigned long long)edit, ecu_region_class_name(r->cls),
                         (unsigned long long)r->start, (unsigned long long)r->length);
            if (!r->has_map || r->map.start != mstart || r->map.end != mend || r->map.cols != le16(o + mstart) ||
                r->map.cell_bytes != 2 || r->map.big_endian)
                fail_msg("%s: the map at 0x%llX-0x%llX is not named (has_map %d, 0x%llX-0x%llX)",
                         file, (unsigned long long)mstart, (unsigned long long)mend, r->has_map,
                         (unsigned long long)r->map.start, (unsigned long long)r->map.end);
        } else if (r->cls != ECU_REGION_CHECKSUM) {
            fail_msg("%s: region 0x%llX+%llu (%s) is %s, not a checksum slot", file,
                     (unsigned long long)r->start, (unsigned long long)r->length, r->what,
                     ecu_region_class_name(r->cls));
        }
    }
    assert_int_equal(ncal, 1);
    assert_int_equal(ecu_diff_class_count(df, ECU_REGION_CALIBRATION, &bytes), 1);
    assert_int_equal(bytes, 2);
    assert_int_equal(ecu_diff_class_count(df, ECU_REGION_CHECKSUM, NULL) + 1,
                     ecu_diff_region_count(df));
    /* a byte of the program changed too: code (the diff is of the original's structure) */
    memcpy(m, fixed, n);
    m[0x30001] ^= 0x20; /* (ME7Sum: 0x20000-end, program pages) */
    assert_int_equal(ecu_diff_run(df, o, n, m, n), ECU_OK);
    assert_int_equal(ecu_diff_class_count(df, ECU_REGION_CODE, &bytes), 1);
    assert_int_equal(bytes, 1);
    free(m);
    applies = 1;
out:
    free(o);
    ecu_csum_free(cs);
    ecu_diff_free(df);
    return applies;
}

static void test_me7_map_edit(void **state)
{
    char dir[512], path[1024], line[2048];
    FILE *mf;
    unsigned checked = 0, seen = 0, signed_ = 0, nomap = 0;
    (void)state;
    corpus_path(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", dir);
    if (!(mf = fopen(path, "r"))) {
        printf("skipped: no corpus at %s\n", dir);
        skip();
    }
    while (fgets(line, sizeof line, mf)) {
        char *file = strtok(line, "\t"), *col;
        int k;
        if (!file || strncmp(file, "vag_me7/", 8) != 0)
            continue;
        for (k = 0, col = NULL; k < 6; k++) /* bytes sha256 manufacturer family source expected */
            col = strtok(NULL, "\t");
        if (!col || strcmp(col, "ok") != 0)
            continue;
        seen++;
        switch (check_dump(dir, file)) {
        case 1: checked++; break;
        case 0: signed_++; break;
        default: nomap++; break;
        }
    }
    fclose(mf);
    printf("%u of %u stock ME7 dumps edited, corrected and diffed (%u signed, %u without a map "
           "of this test's rule)\n", checked, seen, signed_, nomap);
    if (!seen)
        skip();
    assert_true(checked > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_me7_map_edit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
