/* SPDX-License-Identifier: MIT */
/*
 * The Bosch EDC15 family (lib/families/bosch_edc15.c) against its synthetic images
 * fixtures/csum/edc15-512k.bin.gz and edc15-512k-bad.bin.gz. What the library must find comes
 * from fixtures/csum/edc15-expected.tsv, written by fixtures/csum/edc15.py, which computes the
 * V4.1 rolling checksum independently of the C code (format as expected.tsv: image and block
 * lines; the blocks are the checked regions in table order).
 *
 * Checked: the good image verifies with the manifest's blocks and values; a flipped data byte
 * in any region makes exactly that block bad, and the correction gives back the good image
 * byte for byte (a second correction changes nothing); a wrong slot is corrected the same
 * way; the -bad variant is bad in the manifest's blocks and corrected to them; without the
 * V4.1 marker, or when at most 3 regions verify while some fail, the family is still named
 * but no layout is claimed; a slot holding 0xC3C3C3C3 is not checked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ecu/csum.h"
#include "ecu/error.h"
#include "ecu/image.h"

#define FAMILY "bosch-edc15"
#define MAX_BLOCKS 16
#define MARKER 0x50008u

struct xblock {
    uint64_t start, end, slot, stored, correct, probe;
    unsigned bytes;
    uint8_t raw[4];
};

struct ximage {
    char file[64], family[32], good[64];
    size_t size, nblocks, nbad;
    uint64_t outside;
    struct xblock b[MAX_BLOCKS];
    uint8_t *data;
};

static struct ximage images[2];
static size_t nimages;
static struct ximage *good_img, *bad_img;

/* ---- the manifest and the images ------------------------------------------------------------ */

static int parse_u64(const char *s, uint64_t *v)
{
    char *end;
    if (!s || !*s)
        return -1;
    *v = strtoull(s, &end, 0);
    return *end ? -1 : 0;
}

static int parse_hex4(const char *s, uint8_t *out)
{
    unsigned i;
    if (strlen(s) != 8)
        return -1;
    for (i = 0; i < 4; i++) {
        char two[3] = {s[2 * i], s[2 * i + 1], '\0'};
        char *end;
        out[i] = (uint8_t)strtoul(two, &end, 16);
        if (*end)
            return -1;
    }
    return 0;
}

static struct ximage *find_image(const char *file)
{
    size_t i;
    for (i = 0; i < nimages; i++)
        if (strcmp(images[i].file, file) == 0)
            return &images[i];
    return NULL;
}

static size_t split(char *line, char **f, size_t max)
{
    size_t n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    while (n < max) {
        f[n++] = line;
        if (!(line = strchr(line, '\t')))
            break;
        *line++ = '\0';
    }
    return n;
}

static int read_manifest(void)
{
    char line[512], *f[16];
    unsigned lineno = 0;
    FILE *fp = fopen(ECU_FIXTURES_DIR "/csum/edc15-expected.tsv", "r");
    if (!fp) {
        print_error("cannot open %s\n", ECU_FIXTURES_DIR "/csum/edc15-expected.tsv");
        return -1;
    }
    while (fgets(line, sizeof line, fp)) {
        size_t n;
        lineno++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        n = split(line, f, 16);
        if (strcmp(f[0], "image") == 0 && n == 8 && nimages < 2) {
            struct ximage *x = &images[nimages++];
            uint64_t size, nb, bad;
            snprintf(x->file, sizeof x->file, "%s", f[1]);
            snprintf(x->family, sizeof x->family, "%s", f[2]);
            snprintf(x->good, sizeof x->good, "%s", f[6]);
            if (parse_u64(f[3], &size) || parse_u64(f[4], &nb) || parse_u64(f[5], &bad) ||
                parse_u64(f[7], &x->outside) || nb > MAX_BLOCKS)
                goto bad_line;
            x->size = (size_t)size;
            x->nblocks = (size_t)nb;
            x->nbad = (size_t)bad;
        } else if (strcmp(f[0], "block") == 0 && n == 11) {
            struct ximage *x = find_image(f[1]);
            uint64_t idx, bytes;
            struct xblock *b;
            if (!x || parse_u64(f[2], &idx) || idx >= x->nblocks)
                goto bad_line;
            b = &x->b[idx];
            if (parse_u64(f[3], &b->start) || parse_u64(f[4], &b->end) ||
                parse_u64(f[5], &b->slot) || parse_u64(f[6], &bytes) || bytes != 4 ||
                parse_u64(f[7], &b->stored) || parse_u64(f[8], &b->correct) ||
                parse_hex4(f[9], b->raw) || parse_u64(f[10], &b->probe))
                goto bad_line;
            b->bytes = 4;
        } else {
            goto bad_line;
        }
    }
    fclose(fp);
    return nimages == 2 ? 0 : -1;
bad_line:
    print_error("edc15-expected.tsv line %u: not understood\n", lineno);
    fclose(fp);
    return -1;
}

static int setup(void **state)
{
    size_t i, k;
    (void)state;
    for (k = 0; k < ecu_family_count() && strcmp(ecu_family_at(k)->name, FAMILY) != 0; k++)
        ;
    if (k == ecu_family_count()) {
        print_error("family %s is not registered (lib/families/registry.c)\n", FAMILY);
        return -1;
    }
    if (read_manifest())
        return -1;
    for (i = 0; i < nimages; i++) {
        char path[512];
        ecu_image *img = ecu_image_new();
        int len;
        if (!img)
            return -1;
        len = snprintf(path, sizeof path, "%s/csum/%s", ECU_FIXTURES_DIR, images[i].file);
        if (len < 0 || (size_t)len >= sizeof path || ecu_image_load_file(img, path) != ECU_OK ||
            ecu_image_size(img) != images[i].size || !(images[i].data = malloc(images[i].size))) {
            print_error("%s: cannot load (%s)\n", path, ecu_image_error_detail(img));
            ecu_image_free(img);
            return -1;
        }
        memcpy(images[i].data, ecu_image_data(img), images[i].size);
        ecu_image_free(img);
        if (strcmp(images[i].good, "-") == 0)
            good_img = &images[i];
        else
            bad_img = &images[i];
    }
    if (!good_img || !bad_img || strcmp(bad_img->good, good_img->file) != 0 ||
        bad_img->nblocks != good_img->nblocks)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < nimages; i++) {
        free(images[i].data);
        images[i].data = NULL;
    }
    nimages = 0;
    good_img = bad_img = NULL;
    return 0;
}

/* ---- helpers -------------------------------------------------------------------------------- */

static uint8_t *dup_bytes(const uint8_t *p, size_t n)
{
    uint8_t *q = malloc(n);
    assert_non_null(q);
    memcpy(q, p, n);
    return q;
}

static void analyze(ecu_csum *cs, const uint8_t *d, size_t n)
{
    assert_int_equal(ecu_csum_analyze(cs, d, n), ECU_OK);
}

static void assert_verdict(const ecu_csum *cs, ecu_verdict want, const char *what)
{
    if (ecu_csum_verdict(cs) != want)
        fail_msg("%s: verdict %s, expected %s", what, ecu_verdict_name(ecu_csum_verdict(cs)),
                 ecu_verdict_name(want));
}

static void assert_family(const ecu_csum *cs)
{
    const ecu_family_info *f = ecu_csum_family(cs);
    assert_non_null(f);
    assert_string_equal(f->name, FAMILY);
}

/* The handle's image is exactly @p want. */
static void assert_image(const ecu_csum *cs, const uint8_t *want, size_t n, const char *what)
{
    size_t size = 0, i;
    const uint8_t *img = ecu_csum_image(cs, &size);
    assert_int_equal(size, n);
    assert_non_null(img);
    for (i = 0; i < n; i++)
        if (img[i] != want[i])
            fail_msg("%s: byte 0x%zX is 0x%02X, expected 0x%02X", what, i, img[i], want[i]);
}

/* Blocks (ranges, slots) as in the manifest. */
static void check_layout(const ecu_csum *cs, const struct ximage *x)
{
    size_t i;
    assert_family(cs);
    assert_int_equal(ecu_csum_block_count(cs), x->nblocks);
    for (i = 0; i < x->nblocks; i++) {
        const ecu_block *b = ecu_csum_block_at(cs, i);
        assert_non_null(b);
        assert_non_null(b->name);
        assert_non_null(b->algorithm);
        assert_int_equal(b->nranges, 1);
        if (b->ranges[0].start != x->b[i].start || b->ranges[0].end != x->b[i].end)
            fail_msg("%s block %zu: range [0x%llX, 0x%llX), expected [0x%llX, 0x%llX)", x->file, i,
                     (unsigned long long)b->ranges[0].start, (unsigned long long)b->ranges[0].end,
                     (unsigned long long)x->b[i].start, (unsigned long long)x->b[i].end);
        assert_int_equal(b->store_offset, x->b[i].slot);
        assert_int_equal(b->store_bytes, 4);
    }
    assert_null(ecu_csum_block_at(cs, x->nblocks));
}

/* Exactly block @p k is bad; the others verify with the good image's values. */
static void check_only_bad(const ecu_csum *cs, size_t k, const char *what)
{
    const struct ximage *x = good_img;
    size_t i;
    assert_verdict(cs, ECU_VERDICT_BAD, what);
    check_layout(cs, x);
    assert_int_equal(ecu_csum_bad_count(cs), 1);
    for (i = 0; i < x->nblocks; i++) {
        const ecu_block *b = ecu_csum_block_at(cs, i);
        if (b->status != (i == k ? ECU_BLOCK_BAD : ECU_BLOCK_OK))
            fail_msg("%s: block %zu is %s", what, i, ecu_block_status_name(b->status));
        if (i != k) {
            assert_int_equal(b->stored, x->b[i].stored);
            assert_int_equal(b->computed, x->b[i].correct);
        }
    }
}

/* Corrects the analysed image (block k bad): only k's slot changes, the result verifies when
 * analysed afresh, and a second correction changes nothing; returns the corrected image. */
static uint8_t *fix_one(ecu_csum *cs, size_t k, const uint8_t *in, const char *what)
{
    const struct ximage *x = good_img;
    size_t i, size;
    uint8_t *out;
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    assert_verdict(cs, ECU_VERDICT_FIXED, what);
    assert_int_equal(ecu_csum_bad_count(cs), 0);
    for (i = 0; i < x->nblocks; i++)
        assert_int_equal(ecu_csum_block_at(cs, i)->status, i == k ? ECU_BLOCK_FIXED : ECU_BLOCK_OK);
    out = dup_bytes(ecu_csum_image(cs, &size), x->size);
    for (i = 0; i < x->size; i++)
        if (out[i] != in[i] && (i < x->b[k].slot || i >= x->b[k].slot + 4))
            fail_msg("%s: byte 0x%zX changed, outside block %zu's slot", what, i, k);
    assert_memory_not_equal(out + x->b[k].slot, in + x->b[k].slot, 4);
    /* twice: nothing changes */
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    assert_image(cs, out, x->size, what);
    analyze(cs, out, x->size);
    assert_verdict(cs, ECU_VERDICT_OK, what);
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    assert_image(cs, out, x->size, what);
    return out;
}

/* ---- the good image ------------------------------------------------------------------------- */

static void test_good_image(void **state)
{
    const struct ximage *x = good_img;
    ecu_csum *cs = ecu_csum_new();
    unsigned score = 0;
    uint8_t *copy;
    size_t k;
    (void)state;
    assert_non_null(cs);
    assert_string_equal(x->family, FAMILY);
    assert_int_equal(x->nbad, 0);
    analyze(cs, x->data, x->size);
    assert_verdict(cs, ECU_VERDICT_OK, x->file);
    check_layout(cs, x);
    assert_int_equal(ecu_csum_bad_count(cs), 0);
    assert_int_equal(ecu_csum_candidate_count(cs), 1);
    assert_non_null(ecu_csum_candidate_at(cs, 0, &score));
    assert_int_equal(score, ecu_csum_score(cs));
    assert_true(score >= 50 && score <= 100);
    assert_true(ecu_csum_evidence(cs)[0] != '\0');
    for (k = 0; k < x->nblocks; k++) {
        const ecu_block *b = ecu_csum_block_at(cs, k);
        assert_int_equal(x->b[k].stored, x->b[k].correct);
        assert_int_equal(b->stored, x->b[k].stored);
        assert_int_equal(b->computed, x->b[k].correct);
        assert_int_equal(b->status, ECU_BLOCK_OK);
        assert_memory_equal(x->data + x->b[k].slot, x->b[k].raw, 4);
    }
    /* correcting a valid image changes nothing */
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    assert_image(cs, x->data, x->size, x->file);
    /* a byte in no region changes nothing */
    for (k = 0; k < x->nblocks; k++)
        assert_true(x->outside < x->b[k].start || x->outside >= x->b[k].slot + 4);
    copy = dup_bytes(x->data, x->size);
    copy[x->outside] ^= 0x01;
    analyze(cs, copy, x->size);
    assert_verdict(cs, ECU_VERDICT_OK, "outside byte flipped");
    check_layout(cs, x);
    free(copy);
    ecu_csum_free(cs);
}

/* ---- one data byte of each region ------------------------------------------------------------ */

static void test_each_region(void **state)
{
    const struct ximage *x = good_img;
    ecu_csum *cs = ecu_csum_new();
    size_t k, j;
    (void)state;
    assert_non_null(cs);
    for (k = 0; k < x->nblocks; k++) {
        uint64_t p = x->b[k].probe;
        uint8_t *copy, *fixed;
        char what[96];
        snprintf(what, sizeof what, "block %zu, data byte 0x%llX flipped", k, (unsigned long long)p);
        assert_true(p >= x->b[k].start && p < x->b[k].end);
        for (j = 0; j < x->nblocks; j++)
            assert_true(j == k || p < x->b[j].start || p >= x->b[j].slot + 4);

        copy = dup_bytes(x->data, x->size);
        copy[p] ^= 0x01;
        analyze(cs, copy, x->size);
        check_only_bad(cs, k, what);
        fixed = fix_one(cs, k, copy, what);

        /* the byte put back: block k is bad again, and its correction is the good image */
        fixed[p] = x->data[p];
        analyze(cs, fixed, x->size);
        check_only_bad(cs, k, what);
        assert_int_equal(ecu_csum_fix(cs), ECU_OK);
        assert_image(cs, x->data, x->size, what);
        assert_int_equal(ecu_csum_fix(cs), ECU_OK);
        assert_image(cs, x->data, x->size, what);
        free(fixed);
        free(copy);
    }
    ecu_csum_free(cs);
}

/* ---- a wrong value in each slot --------------------------------------------------------------- */

static void test_each_slot(void **state)
{
    const struct ximage *x = good_img;
    ecu_csum *cs = ecu_csum_new();
    size_t k;
    unsigned j;
    (void)state;
    assert_non_null(cs);
    for (k = 0; k < x->nblocks; k++) {
        for (j = 0; j < 4; j += 3) {
            uint8_t *copy = dup_bytes(x->data, x->size), *fixed;
            char what[96];
            snprintf(what, sizeof what, "block %zu, slot byte %u changed", k, j);
            copy[x->b[k].slot + j] ^= 0x5A;
            analyze(cs, copy, x->size);
            check_only_bad(cs, k, what);
            fixed = fix_one(cs, k, copy, what);
            if (memcmp(fixed, x->data, x->size) != 0)
                fail_msg("%s: the correction is not the good image", what);
            free(fixed);
            free(copy);
        }
    }
    ecu_csum_free(cs);
}

/* ---- the -bad variant ------------------------------------------------------------------------ */

static void test_bad_variant(void **state)
{
    const struct ximage *x = bad_img, *g = good_img;
    ecu_csum *cs = ecu_csum_new();
    uint8_t *want, *out;
    size_t k, nbad = 0, ndiff = 0, size;
    (void)state;
    assert_non_null(cs);
    assert_true(x->nbad > 0);
    for (k = 0; k < x->size; k++)
        ndiff += x->data[k] != g->data[k];
    assert_true(ndiff > 0);

    analyze(cs, x->data, x->size);
    assert_verdict(cs, ECU_VERDICT_BAD, x->file);
    check_layout(cs, x);
    assert_int_equal(ecu_csum_bad_count(cs), x->nbad);
    want = dup_bytes(x->data, x->size);
    for (k = 0; k < x->nblocks; k++) {
        const ecu_block *b = ecu_csum_block_at(cs, k);
        int bad = x->b[k].stored != x->b[k].correct;
        nbad += (size_t)bad;
        assert_int_equal(b->stored, x->b[k].stored);
        assert_int_equal(b->computed, x->b[k].correct);
        assert_int_equal(b->status, bad ? ECU_BLOCK_BAD : ECU_BLOCK_OK);
        memcpy(want + x->b[k].slot, x->b[k].raw, 4);
    }
    assert_int_equal(nbad, x->nbad);

    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    assert_verdict(cs, ECU_VERDICT_FIXED, x->file);
    assert_int_equal(ecu_csum_bad_count(cs), 0);
    for (k = 0; k < x->nblocks; k++)
        assert_int_equal(ecu_csum_block_at(cs, k)->status,
                         x->b[k].stored != x->b[k].correct ? ECU_BLOCK_FIXED : ECU_BLOCK_OK);
    assert_image(cs, want, x->size, x->file);
    out = dup_bytes(ecu_csum_image(cs, &size), x->size);
    /* twice: nothing changes */
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    assert_image(cs, want, x->size, x->file);
    analyze(cs, out, x->size);
    assert_verdict(cs, ECU_VERDICT_OK, "corrected -bad variant");
    free(out);
    free(want);
    ecu_csum_free(cs);
}

/* ---- what is not recognised -------------------------------------------------------------------- */

/* Without "V4.1" at 0x50008 (nor 0x58008) the family is named, no layout is claimed and
 * nothing can be corrected. */
static void test_no_marker(void **state)
{
    const struct ximage *x = good_img;
    ecu_csum *cs = ecu_csum_new();
    uint8_t *copy = dup_bytes(x->data, x->size);
    (void)state;
    assert_non_null(cs);
    assert_memory_equal(copy + MARKER, "V4.1", 4);
    memcpy(copy + MARKER, "V4.0", 4);
    analyze(cs, copy, x->size);
    assert_verdict(cs, ECU_VERDICT_NO_LAYOUT, "V4.1 marker removed");
    assert_family(cs);
    assert_int_equal(ecu_csum_block_count(cs), 0);
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_INVALID);
    assert_image(cs, copy, x->size, "V4.1 marker removed");
    free(copy);
    ecu_csum_free(cs);
}

/* Some regions fail and at most 3 verify: another layout (the "2002" variant), not a damaged
 * file, so no layout. With 4 verified regions the table is recognised and the rest are bad. */
static void test_wrong_table(void **state)
{
    const struct ximage *x = good_img;
    ecu_csum *cs = ecu_csum_new();
    size_t k, nflip;
    (void)state;
    assert_non_null(cs);
    assert_true(x->nblocks >= 5);
    for (nflip = x->nblocks - 4; nflip <= x->nblocks; nflip++) {
        uint8_t *copy = dup_bytes(x->data, x->size);
        char what[64];
        snprintf(what, sizeof what, "%zu of %zu regions changed", nflip, x->nblocks);
        for (k = 0; k < nflip; k++)
            copy[x->b[k].probe] ^= 0x01;
        analyze(cs, copy, x->size);
        if (x->nblocks - nflip >= 4) {
            assert_verdict(cs, ECU_VERDICT_BAD, what);
            check_layout(cs, x);
            assert_int_equal(ecu_csum_bad_count(cs), nflip);
            assert_int_equal(ecu_csum_fix(cs), ECU_OK);
            assert_verdict(cs, ECU_VERDICT_FIXED, what);
        } else {
            assert_verdict(cs, ECU_VERDICT_NO_LAYOUT, what);
            assert_family(cs);
            assert_int_equal(ecu_csum_block_count(cs), 0);
            assert_int_equal(ecu_csum_fix(cs), ECU_ERR_INVALID);
        }
        free(copy);
    }
    ecu_csum_free(cs);
}

/* A slot holding 0xC3C3C3C3 (never written) is not checked: that region drops out. */
static void test_c3_slot(void **state)
{
    const struct ximage *x = good_img;
    ecu_csum *cs = ecu_csum_new();
    size_t k, i;
    (void)state;
    assert_non_null(cs);
    for (k = 0; k < x->nblocks; k++) {
        uint8_t *copy = dup_bytes(x->data, x->size);
        memset(copy + x->b[k].slot, 0xC3, 4);
        analyze(cs, copy, x->size);
        assert_verdict(cs, ECU_VERDICT_OK, "slot 0xC3C3C3C3");
        assert_int_equal(ecu_csum_block_count(cs), x->nblocks - 1);
        for (i = 0; i < x->nblocks - 1; i++)
            assert_int_equal(ecu_csum_block_at(cs, i)->store_offset, x->b[i < k ? i : i + 1].slot);
        free(copy);
    }
    ecu_csum_free(cs);
}

/* The family forced onto an image too short for the table: no layout, no out-of-bounds read. */
static void test_forced_short(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    (void)state;
    assert_non_null(cs);
    assert_int_equal(ecu_csum_set_family(cs, FAMILY), ECU_OK);
    analyze(cs, good_img->data, 0x40000);
    assert_verdict(cs, ECU_VERDICT_NO_LAYOUT, "first 256 KiB, family forced");
    analyze(cs, good_img->data, 0x7BFFF);
    assert_verdict(cs, ECU_VERDICT_NO_LAYOUT, "image ends before the last slot, family forced");
    ecu_csum_free(cs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_image),
        cmocka_unit_test(test_each_region),
        cmocka_unit_test(test_each_slot),
        cmocka_unit_test(test_bad_variant),
        cmocka_unit_test(test_no_marker),
        cmocka_unit_test(test_wrong_table),
        cmocka_unit_test(test_c3_slot),
        cmocka_unit_test(test_forced_short),
    };
    return cmocka_run_group_tests_name("csum_edc15", tests, setup, teardown);
}
