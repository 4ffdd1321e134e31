/* SPDX-License-Identifier: MIT */
/*
 * The checksum families against synthetic images (fixtures/csum/, written by
 * fixtures/csum/generate.py from the layouts documented in lib/families/). What the library
 * must find in each image comes from fixtures/csum/expected.tsv, computed by the generator
 * independently of the C code: the family, the blocks with their ranges, slots and correct
 * values, the bytes a correction writes, and for every block a data byte that only that
 * block covers.
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

#define MAX_IMAGES 16
#define MAX_BLOCKS 64
#define MAX_SLOT 8

struct xblock {
    uint64_t start, end, slot, stored, correct, probe;
    unsigned bytes;
    uint8_t raw[MAX_SLOT]; /* what belongs in the slot */
};

struct ximage {
    char file[64], family[32], good[64];
    size_t size, nblocks, nbad;
    uint64_t outside;
    struct xblock b[MAX_BLOCKS];
    uint8_t *data; /* loaded with ecu_image_load_file */
};

static struct ximage images[MAX_IMAGES];
static size_t nimages;

/* ---- the manifest and the images ------------------------------------------------------------ */

static int parse_u64(const char *s, uint64_t *v)
{
    char *end;
    if (!s || !*s)
        return -1;
    *v = strtoull(s, &end, 0);
    return *end ? -1 : 0;
}

static int parse_hex_bytes(const char *s, uint8_t *out, unsigned n)
{
    unsigned i;
    if (strlen(s) != 2 * n)
        return -1;
    for (i = 0; i < n; i++) {
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

/* Splits a line at tabs; returns the number of fields. */
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
    FILE *fp = fopen(ECU_FIXTURES_DIR "/csum/expected.tsv", "r");
    if (!fp) {
        print_error("cannot open %s\n", ECU_FIXTURES_DIR "/csum/expected.tsv");
        return -1;
    }
    while (fgets(line, sizeof line, fp)) {
        size_t n;
        lineno++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        n = split(line, f, 16);
        if (strcmp(f[0], "image") == 0 && n == 8 && nimages < MAX_IMAGES) {
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
                parse_u64(f[5], &b->slot) || parse_u64(f[6], &bytes) || bytes > MAX_SLOT ||
                parse_u64(f[7], &b->stored) || parse_u64(f[8], &b->correct) ||
                parse_hex_bytes(f[9], b->raw, (unsigned)bytes) || parse_u64(f[10], &b->probe))
                goto bad_line;
            b->bytes = (unsigned)bytes;
        } else {
            goto bad_line;
        }
    }
    fclose(fp);
    return nimages ? 0 : -1;
bad_line:
    print_error("expected.tsv line %u: not understood\n", lineno);
    fclose(fp);
    return -1;
}

static int setup(void **state)
{
    size_t i;
    (void)state;
    if (read_manifest())
        return -1;
    for (i = 0; i < nimages; i++) {
        char path[512];
        ecu_image *img = ecu_image_new();
        int rc, len;
        if (!img)
            return -1;
        len = snprintf(path, sizeof path, "%s/csum/%s", ECU_FIXTURES_DIR, images[i].file);
        if (len < 0 || (size_t)len >= sizeof path) {
            ecu_image_free(img);
            return -1;
        }
        if ((rc = ecu_image_load_file(img, path)) != ECU_OK) {
            print_error("%s: %s\n", path, ecu_image_error_detail(img));
            ecu_image_free(img);
            return -1;
        }
        if (ecu_image_size(img) != images[i].size) {
            print_error("%s: %zu bytes, expected.tsv says %zu\n", path, ecu_image_size(img),
                        images[i].size);
            ecu_image_free(img);
            return -1;
        }
        images[i].data = malloc(images[i].size);
        if (!images[i].data) {
            ecu_image_free(img);
            return -1;
        }
        memcpy(images[i].data, ecu_image_data(img), images[i].size);
        ecu_image_free(img);
    }
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
    return 0;
}

/* ---- helpers -------------------------------------------------------------------------------- */

static int is_good(const struct ximage *x) { return strcmp(x->good, "-") == 0; }

static uint8_t *dup_bytes(const uint8_t *p, size_t n)
{
    uint8_t *q = malloc(n ? n : 1);
    assert_non_null(q);
    if (n)
        memcpy(q, p, n);
    return q;
}

/* Whether @p off lies in the slot of block @p k (any block when k is SIZE_MAX). */
static int in_slot(const struct ximage *x, size_t k, uint64_t off)
{
    size_t i;
    for (i = 0; i < x->nblocks; i++)
        if ((k == SIZE_MAX || k == i) && off >= x->b[i].slot && off < x->b[i].slot + x->b[i].bytes)
            return 1;
    return 0;
}

/* Every byte where @p a and @p b differ lies in a slot of block @p k (any block: SIZE_MAX);
 * returns how many differ. */
static size_t diff_only_in_slots(const struct ximage *x, size_t k, const uint8_t *a,
                                 const uint8_t *b, const char *what)
{
    size_t i, n = 0;
    for (i = 0; i < x->size; i++) {
        if (a[i] == b[i])
            continue;
        n++;
        if (!in_slot(x, k, i))
            fail_msg("%s: %s: byte 0x%zX changed, outside the checksum slots", x->file, what, i);
    }
    return n;
}

static void analyze(ecu_csum *cs, const uint8_t *d, size_t n)
{
    assert_int_equal(ecu_csum_analyze(cs, d, n), ECU_OK);
}

/* The image of the handle is exactly @p want. */
static void assert_image(const ecu_csum *cs, const uint8_t *want, size_t n, const char *what)
{
    size_t size = 0, i;
    const uint8_t *img = ecu_csum_image(cs, &size);
    assert_int_equal(size, n);
    if (n == 0)
        return;
    assert_non_null(img);
    for (i = 0; i < n; i++)
        if (img[i] != want[i])
            fail_msg("%s: byte 0x%zX is 0x%02X, expected 0x%02X", what, i, img[i], want[i]);
}

/* Family and block layout (ranges, slots) as in the manifest; values are checked by callers. */
static void check_layout(const ecu_csum *cs, const struct ximage *x)
{
    const ecu_family_info *f = ecu_csum_family(cs);
    size_t i;
    assert_non_null(f);
    assert_string_equal(f->name, x->family);
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
        assert_int_equal(b->store_bytes, x->b[i].bytes);
    }
    assert_null(ecu_csum_block_at(cs, x->nblocks));
}

/* ---- the registry --------------------------------------------------------------------------- */

static void test_registry(void **state)
{
    size_t i, n = ecu_family_count();
    int edc16 = 0, me7 = 0;
    (void)state;
    assert_true(n >= 2);
    for (i = 0; i < n; i++) {
        const ecu_family_info *f = ecu_family_at(i);
        assert_non_null(f);
        edc16 += strcmp(f->name, "bosch-edc16") == 0;
        me7 += strcmp(f->name, "bosch-me7-volvo") == 0;
    }
    assert_int_equal(edc16, 1);
    assert_int_equal(me7, 1);
    assert_null(ecu_family_at(n));
}

/* ---- good images ---------------------------------------------------------------------------- */

static void test_good_images(void **state)
{
    ecu_csum *cs = ecu_csum_new(); /* one handle for all: each analysis starts afresh */
    size_t i, k, ngood = 0;
    (void)state;
    assert_non_null(cs);
    for (i = 0; i < nimages; i++) {
        const struct ximage *x = &images[i];
        const ecu_family_info *c;
        unsigned score = 0;
        uint8_t *copy;
        if (!is_good(x))
            continue;
        ngood++;
        assert_int_equal(x->nbad, 0);
        analyze(cs, x->data, x->size);
        if (ecu_csum_verdict(cs) != ECU_VERDICT_OK)
            fail_msg("%s: verdict %s, expected ok", x->file, ecu_verdict_name(ecu_csum_verdict(cs)));
        check_layout(cs, x);
        assert_int_equal(ecu_csum_bad_count(cs), 0);
        assert_int_equal(ecu_csum_candidate_count(cs), 1);
        c = ecu_csum_candidate_at(cs, 0, &score);
        assert_non_null(c);
        assert_string_equal(c->name, x->family);
        assert_int_equal(score, ecu_csum_score(cs));
        assert_true(score >= 50 && score <= 100);
        assert_true(ecu_csum_evidence(cs)[0] != '\0');
        for (k = 0; k < x->nblocks; k++) {
            const ecu_block *b = ecu_csum_block_at(cs, k);
            assert_int_equal(x->b[k].stored, x->b[k].correct);
            assert_int_equal(b->stored, x->b[k].stored);
            assert_int_equal(b->computed, x->b[k].correct);
            assert_int_equal(b->status, ECU_BLOCK_OK);
            /* the slot holds exactly what a correction would write */
            assert_memory_equal(x->data + x->b[k].slot, x->b[k].raw, x->b[k].bytes);
        }
        /* correcting a valid image changes nothing */
        assert_int_equal(ecu_csum_fix(cs), ECU_OK);
        assert_image(cs, x->data, x->size, x->file);
        assert_int_equal(ecu_csum_bad_count(cs), 0);
        /* a byte that no block covers (nor any slot or descriptor) changes nothing */
        assert_false(in_slot(x, SIZE_MAX, x->outside));
        copy = dup_bytes(x->data, x->size);
        copy[x->outside] ^= 0x01;
        analyze(cs, copy, x->size);
        assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
        check_layout(cs, x);
        free(copy);
    }
    assert_int_equal(ngood, 4);
    ecu_csum_free(cs);
}

/* ---- one data byte of one block ------------------------------------------------------------- */

/* Exactly block @p k is bad, the others as in the manifest. */
static void check_only_bad(const ecu_csum *cs, const struct ximage *x, size_t k, const char *what)
{
    size_t i;
    if (ecu_csum_verdict(cs) != ECU_VERDICT_BAD)
        fail_msg("%s: %s: verdict %s, expected bad", x->file, what,
                 ecu_verdict_name(ecu_csum_verdict(cs)));
    check_layout(cs, x);
    assert_int_equal(ecu_csum_bad_count(cs), 1);
    for (i = 0; i < x->nblocks; i++) {
        const ecu_block *b = ecu_csum_block_at(cs, i);
        if (i == k) {
            if (b->status != ECU_BLOCK_BAD)
                fail_msg("%s: %s: block %zu is %s, expected bad", x->file, what, i,
                         ecu_block_status_name(b->status));
        } else {
            if (b->status != ECU_BLOCK_OK)
                fail_msg("%s: %s: block %zu is %s, expected ok", x->file, what, i,
                         ecu_block_status_name(b->status));
            assert_int_equal(b->stored, x->b[i].stored);
            assert_int_equal(b->computed, x->b[i].correct);
        }
    }
}

/* Corrects the analysed copy @p in (block @p k bad): only k's slot changes, the result
 * verifies, a second correction changes nothing; returns the corrected image (malloc'ed). */
static uint8_t *fix_one(ecu_csum *cs, const struct ximage *x, size_t k, const uint8_t *in,
                        const char *what)
{
    size_t i, size;
    uint8_t *out;
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_FIXED);
    assert_int_equal(ecu_csum_bad_count(cs), 0);
    for (i = 0; i < x->nblocks; i++)
        assert_int_equal(ecu_csum_block_at(cs, i)->status, i == k ? ECU_BLOCK_FIXED : ECU_BLOCK_OK);
    assert_int_equal(ecu_csum_block_at(cs, k)->stored, ecu_csum_block_at(cs, k)->computed);
    out = dup_bytes(ecu_csum_image(cs, &size), x->size);
    assert_int_equal(size, x->size);
    assert_true(diff_only_in_slots(x, k, in, out, what) > 0);
    /* fixing twice changes nothing: on the same handle, and after a new analysis */
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    assert_image(cs, out, x->size, what);
    analyze(cs, out, x->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    assert_image(cs, out, x->size, what);
    return out;
}

static void test_flip_each_block(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i, k, j;
    (void)state;
    assert_non_null(cs);
    for (i = 0; i < nimages; i++) {
        const struct ximage *x = &images[i];
        if (!is_good(x))
            continue;
        for (k = 0; k < x->nblocks; k++) {
            uint64_t p = x->b[k].probe;
            uint8_t *copy, *fixed;
            char what[96];
            snprintf(what, sizeof what, "block %zu, data byte 0x%llX flipped", k,
                     (unsigned long long)p);
            /* the probe lies in block k's range only and in no slot */
            assert_true(p >= x->b[k].start && p < x->b[k].end);
            for (j = 0; j < x->nblocks; j++)
                assert_true(j == k || p < x->b[j].start || p >= x->b[j].end);
            assert_false(in_slot(x, SIZE_MAX, p));

            copy = dup_bytes(x->data, x->size);
            copy[p] ^= 0x01;
            analyze(cs, copy, x->size);
            check_only_bad(cs, x, k, what);
            fixed = fix_one(cs, x, k, copy, what);

            /* put the data byte back: block k is bad again, and correcting it gives back the
             * good image byte for byte */
            fixed[p] = x->data[p];
            analyze(cs, fixed, x->size);
            check_only_bad(cs, x, k, what);
            assert_int_equal(ecu_csum_fix(cs), ECU_OK);
            assert_image(cs, x->data, x->size, what);
            free(fixed);
            free(copy);
        }
    }
    ecu_csum_free(cs);
}

/* ---- a wrong value in a checksum slot -------------------------------------------------------- */

/* Block k's slot gets a wrong value, then the correction must give back the good image byte
 * for byte. Two kinds of wrong value: the slot bytes of another block (for a sum stored with
 * its complement, a well-formed pair, as a stale checksum looks), and for a plain 4-byte slot
 * its first or last byte changed. (A pair whose complement no longer matches is not tried: by
 * the documented ME7 layout the table ends at such a record, so the record and every one after
 * it drop out of the layout instead of turning bad; that gap is reported, not tested here.) */
static void test_slot_each_block(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i, k;
    unsigned j, kind;
    (void)state;
    assert_non_null(cs);
    for (i = 0; i < nimages; i++) {
        const struct ximage *x = &images[i];
        if (!is_good(x))
            continue;
        assert_true(x->nblocks >= 2);
        for (k = 0; k < x->nblocks; k++) {
            const struct xblock *other = &x->b[(k + 1) % x->nblocks];
            assert_int_equal(other->bytes, x->b[k].bytes);
            assert_true(memcmp(other->raw, x->b[k].raw, x->b[k].bytes) != 0);
            for (kind = 0; kind < 3; kind++) {
                uint8_t *copy, *fixed;
                char what[96];
                if (kind > 0 && x->b[k].bytes != 4)
                    continue;
                copy = dup_bytes(x->data, x->size);
                if (kind == 0) {
                    memcpy(copy + x->b[k].slot, other->raw, x->b[k].bytes);
                    snprintf(what, sizeof what, "block %zu, slot holding another block's value", k);
                } else {
                    j = kind == 1 ? 0 : x->b[k].bytes - 1;
                    copy[x->b[k].slot + j] ^= 0x5A;
                    snprintf(what, sizeof what, "block %zu, slot byte %u changed", k, j);
                }
                analyze(cs, copy, x->size);
                check_only_bad(cs, x, k, what);
                fixed = fix_one(cs, x, k, copy, what);
                if (memcmp(fixed, x->data, x->size) != 0)
                    fail_msg("%s: %s: the correction is not the good image", x->file, what);
                free(fixed);
                free(copy);
            }
        }
    }
    ecu_csum_free(cs);
}

/* ---- the -bad variants ---------------------------------------------------------------------- */

static void test_bad_variants(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i, k, nvariants = 0;
    (void)state;
    assert_non_null(cs);
    for (i = 0; i < nimages; i++) {
        const struct ximage *x = &images[i], *g;
        uint8_t *want, *out;
        size_t ndiff = 0, nbad = 0, size;
        if (is_good(x))
            continue;
        nvariants++;
        g = find_image(x->good);
        assert_non_null(g);
        assert_int_equal(g->size, x->size);
        assert_int_equal(g->nblocks, x->nblocks);
        assert_true(x->nbad > 0);
        /* data bytes changed, checksums left stale: the slots are the good image's */
        for (k = 0; k < x->size; k++) {
            if (x->data[k] == g->data[k])
                continue;
            ndiff++;
            assert_false(in_slot(x, SIZE_MAX, k));
        }
        assert_true(ndiff > 0);

        analyze(cs, x->data, x->size);
        if (ecu_csum_verdict(cs) != ECU_VERDICT_BAD)
            fail_msg("%s: verdict %s, expected bad", x->file, ecu_verdict_name(ecu_csum_verdict(cs)));
        check_layout(cs, x);
        assert_int_equal(ecu_csum_bad_count(cs), x->nbad);
        /* the expected correction: the bad image with the manifest's slot bytes */
        want = dup_bytes(x->data, x->size);
        for (k = 0; k < x->nblocks; k++) {
            const ecu_block *b = ecu_csum_block_at(cs, k);
            int bad = x->b[k].stored != x->b[k].correct;
            nbad += (size_t)bad;
            assert_int_equal(b->stored, x->b[k].stored);
            assert_int_equal(b->computed, x->b[k].correct);
            assert_int_equal(b->status, bad ? ECU_BLOCK_BAD : ECU_BLOCK_OK);
            memcpy(want + x->b[k].slot, x->b[k].raw, x->b[k].bytes);
        }
        assert_int_equal(nbad, x->nbad);

        assert_int_equal(ecu_csum_fix(cs), ECU_OK);
        assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_FIXED);
        assert_int_equal(ecu_csum_bad_count(cs), 0);
        for (k = 0; k < x->nblocks; k++)
            assert_int_equal(ecu_csum_block_at(cs, k)->status,
                             x->b[k].stored != x->b[k].correct ? ECU_BLOCK_FIXED : ECU_BLOCK_OK);
        assert_image(cs, want, x->size, x->file);
        out = dup_bytes(ecu_csum_image(cs, &size), x->size);
        assert_true(diff_only_in_slots(x, SIZE_MAX, x->data, out, x->file) > 0);
        /* twice: nothing changes */
        assert_int_equal(ecu_csum_fix(cs), ECU_OK);
        assert_image(cs, want, x->size, x->file);
        analyze(cs, out, x->size);
        assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);

        /* the changed data bytes put back from the good image: correcting gives the good
         * image byte for byte */
        for (k = 0; k < x->size; k++)
            if (x->data[k] != g->data[k])
                out[k] = g->data[k];
        analyze(cs, out, x->size);
        assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
        assert_int_equal(ecu_csum_bad_count(cs), x->nbad);
        assert_int_equal(ecu_csum_fix(cs), ECU_OK);
        assert_image(cs, g->data, g->size, x->file);
        free(out);
        free(want);
    }
    assert_int_equal(nvariants, 4);
    ecu_csum_free(cs);
}

/* ---- nothing to check ----------------------------------------------------------------------- */

static uint8_t *random_buffer(size_t n, uint32_t seed)
{
    uint8_t *p = malloc(n);
    uint32_t s = seed ? seed : 1;
    size_t i;
    assert_non_null(p);
    for (i = 0; i < n; i++) {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        p[i] = (uint8_t)(s >> 24);
    }
    return p;
}

/* The handle has analysed @p d without recognising it; a correction is refused and leaves the
 * copy as it was. */
static void check_unknown(ecu_csum *cs, const uint8_t *d, size_t n)
{
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_UNKNOWN);
    assert_null(ecu_csum_family(cs));
    assert_int_equal(ecu_csum_candidate_count(cs), 0);
    assert_null(ecu_csum_candidate_at(cs, 0, NULL));
    assert_int_equal(ecu_csum_block_count(cs), 0);
    assert_null(ecu_csum_block_at(cs, 0));
    assert_int_equal(ecu_csum_bad_count(cs), 0);
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_INVALID);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_UNKNOWN);
    assert_image(cs, d, n, "unknown image after a refused correction");
}

/* Forced family @p name on @p d: recognised by name, but nothing to check. */
static void check_no_layout(ecu_csum *cs, const char *name, const uint8_t *d, size_t n)
{
    const ecu_family_info *f;
    assert_int_equal(ecu_csum_set_family(cs, name), ECU_OK);
    analyze(cs, d, n);
    if (ecu_csum_verdict(cs) != ECU_VERDICT_NO_LAYOUT)
        fail_msg("%s forced on %zu bytes: verdict %s, expected no-layout", name, n,
                 ecu_verdict_name(ecu_csum_verdict(cs)));
    f = ecu_csum_family(cs);
    assert_non_null(f);
    assert_string_equal(f->name, name);
    assert_int_equal(ecu_csum_block_count(cs), 0);
    assert_int_equal(ecu_csum_bad_count(cs), 0);
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_INVALID);
    assert_image(cs, d, n, "no-layout image after a refused correction");
}

static void test_forced_wrong_family(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    const struct ximage *edc16 = find_image("edc16-512k.bin.gz"), *edc2m = find_image("edc16-2m.bin.gz");
    const struct ximage *me7 = find_image("volvo-me7-1m.bin.gz");
    const size_t n = 0x100000;
    uint8_t *rnd = random_buffer(n, 0xC5C5C5C5u);
    (void)state;
    assert_non_null(cs);
    assert_non_null(edc16);
    assert_non_null(edc2m);
    assert_non_null(me7);

    /* detection on random bytes: nobody claims them */
    analyze(cs, rnd, n);
    check_unknown(cs, rnd, n);
    /* a family given by name that does not fit */
    check_no_layout(cs, "bosch-edc16", rnd, n);
    check_no_layout(cs, "bosch-me7-volvo", rnd, n);
    check_no_layout(cs, "bosch-me7-volvo", edc16->data, edc16->size);
    check_no_layout(cs, "bosch-me7-volvo", edc2m->data, edc2m->size); /* over its max size */
    check_no_layout(cs, "bosch-edc16", me7->data, me7->size);
    /* the right family by name: the same result as detection */
    assert_int_equal(ecu_csum_set_family(cs, "bosch-me7-volvo"), ECU_OK);
    analyze(cs, me7->data, me7->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    check_layout(cs, me7);
    /* an unknown name is refused */
    assert_int_equal(ecu_csum_set_family(cs, "bosch-nonesuch"), ECU_ERR_INVALID);
    assert_int_equal(ecu_csum_set_family(cs, ""), ECU_ERR_INVALID);
    assert_int_equal(ecu_csum_set_family(NULL, "bosch-edc16"), ECU_ERR_INVALID);
    /* NULL: detect again */
    assert_int_equal(ecu_csum_set_family(cs, NULL), ECU_OK);
    analyze(cs, rnd, n);
    check_unknown(cs, rnd, n);
    analyze(cs, edc16->data, edc16->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    check_layout(cs, edc16);
    free(rnd);
    ecu_csum_free(cs);
}

static void test_empty(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    uint8_t one = 0xFF;
    (void)state;
    assert_non_null(cs);
    /* a fresh handle has nothing to correct */
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_INVALID);
    assert_int_equal(ecu_csum_fix(NULL), ECU_ERR_INVALID);
    assert_int_equal(ecu_csum_block_count(cs), 0);
    analyze(cs, NULL, 0);
    check_unknown(cs, NULL, 0);
    analyze(cs, &one, 0);
    check_unknown(cs, NULL, 0);
    analyze(cs, &one, 1);
    check_unknown(cs, &one, 1);
    assert_int_equal(ecu_csum_analyze(cs, NULL, 1), ECU_ERR_INVALID);
    assert_int_equal(ecu_csum_analyze(NULL, &one, 1), ECU_ERR_INVALID);
    /* forced families on nothing */
    check_no_layout(cs, "bosch-edc16", NULL, 0);
    check_no_layout(cs, "bosch-me7-volvo", NULL, 0);
    check_no_layout(cs, "bosch-me7-volvo", &one, 1);
    ecu_csum_free(cs);
    ecu_csum_free(NULL);
}

static void test_erased(void **state)
{
    static const size_t sizes[] = {0x10000, 0x40000, 0x80000, 0x100000, 0x200000};
    ecu_csum *cs = ecu_csum_new();
    size_t i;
    (void)state;
    assert_non_null(cs);
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint8_t *p = malloc(sizes[i]);
        assert_non_null(p);
        memset(p, 0xFF, sizes[i]);
        analyze(cs, p, sizes[i]);
        check_unknown(cs, p, sizes[i]);
        memset(p, 0x00, sizes[i]);
        analyze(cs, p, sizes[i]);
        check_unknown(cs, p, sizes[i]);
        free(p);
    }
    ecu_csum_free(cs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_good_images),
        cmocka_unit_test(test_flip_each_block),
        cmocka_unit_test(test_slot_each_block),
        cmocka_unit_test(test_bad_variants),
        cmocka_unit_test(test_forced_wrong_family),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_erased),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
