/* SPDX-License-Identifier: MIT */
/*
 * The Bosch ME7 (VAG) family against the synthetic images of fixtures/csum/ (written by
 * fixtures/csum/me7_vag.py from the layout documented in lib/families/bosch_me7_vag.c). What
 * the library must find comes from fixtures/csum/me7-vag.tsv, computed by the generator
 * independently of the C code: the blocks with their slots and values, and data bytes with
 * the blocks each one feeds. Checksums overlap here (the main program and multipoint sums
 * cover ROMSYS slots), so a changed byte makes several blocks bad and a correction may
 * rewrite a slot whose block was fine before.
 */
#define _POSIX_C_SOURCE 200809L /* strtok_r */
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

#define FAMILY "bosch-me7-vag"
#define MAX_BLOCKS 64
#define MAX_PROBES 64
#define MAX_SLOT 8

struct xblock {
    uint64_t slot, stored, correct;
    unsigned bytes;
    uint8_t raw[MAX_SLOT];
};

struct xprobe {
    uint64_t at;
    unsigned char feeds[MAX_BLOCKS];
};

struct ximage {
    char file[64], good[64];
    size_t size, nblocks, nprobes;
    struct xblock b[MAX_BLOCKS];
    struct xprobe p[MAX_PROBES];
    uint8_t *data;
};

static struct ximage images[2];
static size_t nimages;

/* ---- the manifest and the images ------------------------------------------------------------ */

static struct ximage *find_image(const char *file)
{
    size_t i;
    for (i = 0; i < nimages; i++)
        if (strcmp(images[i].file, file) == 0)
            return &images[i];
    return NULL;
}

/* "3,7,12" or "-" into a membership array */
static int parse_feeds(char *s, unsigned char *feeds, size_t nblocks)
{
    char *tok, *save = NULL;
    memset(feeds, 0, MAX_BLOCKS);
    if (strcmp(s, "-") == 0)
        return 0;
    for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        uint64_t k;
        if (csum_parse_u64(tok, &k) || k >= nblocks)
            return -1;
        feeds[k] = 1;
    }
    return 0;
}

static int read_manifest(void)
{
    char line[512], *f[12];
    unsigned lineno = 0;
    FILE *fp = fopen(ECU_FIXTURES_DIR "/csum/me7-vag.tsv", "r");
    if (!fp) {
        print_error("cannot open %s\n", ECU_FIXTURES_DIR "/csum/me7-vag.tsv");
        return -1;
    }
    while (fgets(line, sizeof line, fp)) {
        size_t n;
        lineno++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        n = csum_split(line, f, 12);
        if (strcmp(f[0], "image") == 0 && n == 5 && nimages < 2) {
            struct ximage *x = &images[nimages++];
            uint64_t size, nb;
            snprintf(x->file, sizeof x->file, "%s", f[1]);
            snprintf(x->good, sizeof x->good, "%s", f[4]);
            if (csum_parse_u64(f[2], &size) || csum_parse_u64(f[3], &nb) || nb > MAX_BLOCKS)
                goto bad_line;
            x->size = (size_t)size;
            x->nblocks = (size_t)nb;
        } else if (strcmp(f[0], "block") == 0 && n == 8) {
            struct ximage *x = find_image(f[1]);
            uint64_t idx, bytes;
            struct xblock *b;
            if (!x || csum_parse_u64(f[2], &idx) || idx >= x->nblocks)
                goto bad_line;
            b = &x->b[idx];
            if (csum_parse_u64(f[3], &b->slot) || csum_parse_u64(f[4], &bytes) || bytes > MAX_SLOT ||
                csum_parse_u64(f[5], &b->stored) || csum_parse_u64(f[6], &b->correct) ||
                csum_parse_hex(f[7], b->raw, (unsigned)bytes))
                goto bad_line;
            b->bytes = (unsigned)bytes;
        } else if (strcmp(f[0], "probe") == 0 && n == 4) {
            struct ximage *x = find_image(f[1]);
            struct xprobe *p;
            if (!x || x->nprobes == MAX_PROBES)
                goto bad_line;
            p = &x->p[x->nprobes++];
            if (csum_parse_u64(f[2], &p->at) || parse_feeds(f[3], p->feeds, x->nblocks))
                goto bad_line;
        } else {
            goto bad_line;
        }
    }
    fclose(fp);
    return nimages == 2 ? 0 : -1;
bad_line:
    print_error("me7-vag.tsv line %u: not understood\n", lineno);
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
        if (!img)
            return -1;
        snprintf(path, sizeof path, "%s/csum/%.200s", ECU_FIXTURES_DIR, images[i].file);
        if (ecu_image_load_file(img, path) != ECU_OK || ecu_image_size(img) != images[i].size) {
            print_error("%s: not loaded, or not of %zu bytes\n", path, images[i].size);
            ecu_image_free(img);
            return -1;
        }
        if (!(images[i].data = malloc(images[i].size))) {
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

static const struct ximage *good_image(void)
{
    size_t i;
    for (i = 0; i < nimages; i++)
        if (strcmp(images[i].good, "-") == 0)
            return &images[i];
    fail_msg("no good image in the manifest");
    return NULL;
}

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

static void assert_image(const ecu_csum *cs, const uint8_t *want, size_t n, const char *what)
{
    size_t size = 0, i;
    const uint8_t *img = ecu_csum_image(cs, &size);
    assert_int_equal(size, n);
    for (i = 0; i < n; i++)
        if (img[i] != want[i])
            fail_msg("%s: byte 0x%zX is 0x%02X, expected 0x%02X", what, i, img[i], want[i]);
}

/* Every byte where @p a and @p b differ lies in a block's slot; returns how many differ. */
static size_t diff_in_slots(const struct ximage *x, const uint8_t *a, const uint8_t *b,
                            const char *what)
{
    size_t i, k, n = 0;
    for (i = 0; i < x->size; i++) {
        int slot = 0;
        if (a[i] == b[i])
            continue;
        n++;
        for (k = 0; k < x->nblocks; k++)
            slot |= i >= x->b[k].slot && i < x->b[k].slot + x->b[k].bytes;
        if (!slot)
            fail_msg("%s: byte 0x%zX changed, outside the checksum slots", what, i);
    }
    return n;
}

/* The family and the slots of the manifest. */
static void check_layout(const ecu_csum *cs, const struct ximage *x, size_t copies)
{
    const ecu_family_info *f = ecu_csum_family(cs);
    size_t i;
    assert_non_null(f);
    assert_string_equal(f->name, FAMILY);
    assert_int_equal(ecu_csum_block_count(cs), copies * x->nblocks);
    for (i = 0; i < copies * x->nblocks; i++) {
        const ecu_block *b = ecu_csum_block_at(cs, i);
        const struct xblock *w = &x->b[i % x->nblocks];
        uint64_t shift = i < x->nblocks ? 0 : x->size;
        assert_non_null(b);
        assert_true(b->nranges >= 1);
        if (b->store_offset != w->slot + shift || b->store_bytes != w->bytes)
            fail_msg("%s block %zu (%s): slot 0x%llX/%u, expected 0x%llX/%u", x->file, i, b->name,
                     (unsigned long long)b->store_offset, b->store_bytes,
                     (unsigned long long)(w->slot + shift), w->bytes);
        if (shift)
            assert_true(strncmp(b->name, "copy 2", 6) == 0);
    }
    assert_null(ecu_csum_block_at(cs, copies * x->nblocks));
}

/* ---- tests ---------------------------------------------------------------------------------- */

static void test_registered(void **state)
{
    size_t i, n = ecu_family_count(), found = 0;
    (void)state;
    for (i = 0; i < n; i++)
        found += strcmp(ecu_family_at(i)->name, FAMILY) == 0;
    assert_int_equal(found, 1);
}

static void test_good_image(void **state)
{
    const struct ximage *x = good_image();
    ecu_csum *cs = ecu_csum_new();
    size_t k;
    (void)state;
    assert_non_null(cs);
    analyze(cs, x->data, x->size);
    if (ecu_csum_verdict(cs) != ECU_VERDICT_OK)
        fail_msg("%s: verdict %s, expected ok", x->file, ecu_verdict_name(ecu_csum_verdict(cs)));
    check_layout(cs, x, 1);
    assert_int_equal(ecu_csum_candidate_count(cs), 1);
    assert_true(ecu_csum_score(cs) > 85); /* above the Volvo ME7.0.1 family */
    for (k = 0; k < x->nblocks; k++) {
        const ecu_block *b = ecu_csum_block_at(cs, k);
        assert_int_equal(b->status, ECU_BLOCK_OK);
        assert_int_equal(b->stored, x->b[k].stored);
        assert_int_equal(b->computed, x->b[k].correct);
        assert_memory_equal(x->data + x->b[k].slot, x->b[k].raw, x->b[k].bytes);
    }
    /* correcting a valid image changes nothing */
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    assert_image(cs, x->data, x->size, x->file);
    ecu_csum_free(cs);
}

/* Each probe byte flipped: exactly the blocks it feeds are bad; the correction touches only
 * slots and verifies; a second one changes nothing; with the byte put back, correcting again
 * gives the good image byte for byte. */
static void test_probes(void **state)
{
    const struct ximage *x = good_image();
    ecu_csum *cs = ecu_csum_new();
    size_t i, k;
    (void)state;
    assert_non_null(cs);
    assert_true(x->nprobes > 2);
    for (i = 0; i < x->nprobes; i++) {
        const struct xprobe *p = &x->p[i];
        uint8_t *copy = dup_bytes(x->data, x->size), *fixed;
        size_t nfeeds = 0, size;
        char what[96];
        snprintf(what, sizeof what, "%s, byte 0x%llX flipped", x->file, (unsigned long long)p->at);
        copy[p->at] ^= 0x01;
        analyze(cs, copy, x->size);
        check_layout(cs, x, 1);
        for (k = 0; k < x->nblocks; k++) {
            ecu_block_status st = ecu_csum_block_at(cs, k)->status;
            nfeeds += p->feeds[k];
            if (st != (p->feeds[k] ? ECU_BLOCK_BAD : ECU_BLOCK_OK))
                fail_msg("%s: block %zu (%s) is %s", what, k, ecu_csum_block_at(cs, k)->name,
                         ecu_block_status_name(st));
        }
        assert_int_equal(ecu_csum_bad_count(cs), nfeeds);
        if (!nfeeds) {
            assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
            free(copy);
            continue;
        }
        assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
        assert_int_equal(ecu_csum_fix(cs), ECU_OK);
        assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_FIXED);
        assert_int_equal(ecu_csum_bad_count(cs), 0);
        for (k = 0; k < x->nblocks; k++)
            assert_int_equal(ecu_csum_block_at(cs, k)->status,
                             p->feeds[k] ? ECU_BLOCK_FIXED : ECU_BLOCK_OK);
        fixed = dup_bytes(ecu_csum_image(cs, &size), x->size);
        assert_true(diff_in_slots(x, copy, fixed, what) > 0);
        /* twice: nothing changes, on the handle and after a new analysis */
        assert_int_equal(ecu_csum_fix(cs), ECU_OK);
        assert_image(cs, fixed, x->size, what);
        analyze(cs, fixed, x->size);
        assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
        assert_int_equal(ecu_csum_fix(cs), ECU_OK);
        assert_image(cs, fixed, x->size, what);
        /* the byte put back: the same blocks are bad, and the correction is the good image */
        fixed[p->at] = x->data[p->at];
        analyze(cs, fixed, x->size);
        assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
        assert_int_equal(ecu_csum_bad_count(cs), nfeeds);
        assert_int_equal(ecu_csum_fix(cs), ECU_OK);
        assert_image(cs, x->data, x->size, what);
        free(fixed);
        free(copy);
    }
    ecu_csum_free(cs);
}

static void test_bad_variant(void **state)
{
    const struct ximage *g = good_image(), *x = NULL;
    ecu_csum *cs = ecu_csum_new();
    size_t i, k, nbad = 0, size;
    uint8_t *want, *out;
    (void)state;
    assert_non_null(cs);
    for (i = 0; i < nimages; i++)
        if (&images[i] != g)
            x = &images[i];
    assert_non_null(x);
    assert_string_equal(x->good, g->file);
    analyze(cs, x->data, x->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    check_layout(cs, x, 1);
    want = dup_bytes(x->data, x->size);
    for (k = 0; k < x->nblocks; k++) {
        const ecu_block *b = ecu_csum_block_at(cs, k);
        int bad = x->b[k].stored != x->b[k].correct;
        nbad += (size_t)bad;
        assert_int_equal(b->stored, x->b[k].stored);
        if (b->status != (bad ? ECU_BLOCK_BAD : ECU_BLOCK_OK))
            fail_msg("%s: block %zu (%s) is %s", x->file, k, b->name, ecu_block_status_name(b->status));
        memcpy(want + x->b[k].slot, x->b[k].raw, x->b[k].bytes);
    }
    assert_true(nbad > 0);
    assert_int_equal(ecu_csum_bad_count(cs), nbad);
    /* corrected: the bad image with the manifest's slots, byte for byte */
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_FIXED);
    assert_image(cs, want, x->size, x->file);
    for (k = 0; k < x->nblocks; k++)
        assert_int_equal(ecu_csum_block_at(cs, k)->computed, x->b[k].correct);
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    assert_image(cs, want, x->size, x->file);
    /* the changed data bytes put back from the good image: correcting gives the good image */
    out = dup_bytes(ecu_csum_image(cs, &size), x->size);
    for (k = 0; k < x->size; k++)
        if (x->data[k] != g->data[k])
            out[k] = g->data[k];
    analyze(cs, out, x->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    assert_image(cs, g->data, g->size, x->file);
    free(out);
    free(want);
    ecu_csum_free(cs);
}

/* The boot-ROM records hold sums of memory that is not in the dump: a changed one is bad and
 * never "corrected"; the correction is refused and the image left as it was. */
static void test_boot_rom_not_corrected(void **state)
{
    const struct ximage *x = good_image();
    ecu_csum *cs = ecu_csum_new();
    size_t k, boot = SIZE_MAX, kind;
    (void)state;
    assert_non_null(cs);
    for (k = 0; k < x->nblocks; k++)
        if (x->b[k].bytes == 8 && x->b[k].stored > 0xFFFFFFFFu)
            boot = k; /* the 8-byte LE64 block: sum and complement */
    assert_true(boot != SIZE_MAX);
    for (kind = 0; kind < 2; kind++) {
        uint8_t *copy = dup_bytes(x->data, x->size);
        uint64_t s = x->b[boot].slot;
        copy[s] ^= 0x01; /* the first record's sum */
        if (kind)
            copy[s + 4] ^= 0x01; /* with its complement: still a well-formed pair */
        analyze(cs, copy, x->size);
        assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
        check_layout(cs, x, 1);
        assert_int_equal(ecu_csum_block_at(cs, boot)->status, ECU_BLOCK_BAD);
        if (kind)
            assert_int_equal(ecu_csum_bad_count(cs), 1);
        assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
        assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
        assert_image(cs, copy, x->size, "boot ROM record after a refused correction");
        free(copy);
    }
    ecu_csum_free(cs);
}

/* 1 MiB files: the image twice (checked twice), or padded with 0xFF (checked once); two
 * different halves of which only one is an image are nobody's. */
static void test_1m_files(void **state)
{
    const struct ximage *x = good_image();
    ecu_csum *cs = ecu_csum_new();
    uint8_t *big = malloc(2 * x->size), *fixed;
    size_t size, k;
    (void)state;
    assert_non_null(cs);
    assert_non_null(big);
    memcpy(big, x->data, x->size);
    memcpy(big + x->size, x->data, x->size);
    analyze(cs, big, 2 * x->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    check_layout(cs, x, 2);
    /* a byte of the upper copy changed: only blocks of that copy are bad, and the correction
       changes only their slots */
    big[x->size + x->p[0].at] ^= 0x01;
    analyze(cs, big, 2 * x->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    check_layout(cs, x, 2);
    for (k = 0; k < 2 * x->nblocks; k++)
        assert_int_equal(ecu_csum_block_at(cs, k)->status,
                         k >= x->nblocks && x->p[0].feeds[k - x->nblocks] ? ECU_BLOCK_BAD : ECU_BLOCK_OK);
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    fixed = dup_bytes(ecu_csum_image(cs, &size), 2 * x->size);
    assert_memory_equal(fixed, x->data, x->size);
    assert_true(diff_in_slots(x, big + x->size, fixed + x->size, "upper copy") > 0);
    analyze(cs, fixed, 2 * x->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    free(fixed);

    memset(big + x->size, 0xFF, x->size);
    analyze(cs, big, 2 * x->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    check_layout(cs, x, 1);

    memset(big + x->size, 0x5A, x->size);
    analyze(cs, big, 2 * x->size);
    assert_null(ecu_csum_family(cs));
    /* nor a 512 KiB image cut from a 1 MiB one (its ROMSYS names another flash end) */
    memcpy(big, x->data, x->size);
    big[0x8016] = 0x8F;
    analyze(cs, big, x->size);
    assert_null(ecu_csum_family(cs));
    free(big);
    ecu_csum_free(cs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registered),
        cmocka_unit_test(test_good_image),
        cmocka_unit_test(test_probes),
        cmocka_unit_test(test_bad_variant),
        cmocka_unit_test(test_boot_rom_not_corrected),
        cmocka_unit_test(test_1m_files),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
