/* SPDX-License-Identifier: MIT */
/*
 * The Bosch ME7 (VAG) family against the synthetic images of fixtures/csum/ (written by
 * fixtures/csum/me7_vag.py from the layout documented in lib/families/bosch_me7_vag.c). What
 * the library must find comes from fixtures/csum/me7-vag.tsv, computed by the generator
 * independently of the C code: the blocks with their slots and values, and data bytes with
 * the blocks each one feeds. Checksums overlap here (the main program and multipoint sums
 * cover ROMSYS slots), so a changed byte makes several blocks bad and a correction may
 * rewrite a slot whose block was fine before.
 *
 * The RSA-signed images (fixtures/csum/me7_vag_rsa.py, manifest me7-vag-rsa.tsv) add the
 * ME7.1.1 signature block: a 1024-bit modulus with e = 3 and an MD5 over ranges named by a table,
 * all made by the generator with Python integers and hashlib. The signature is verified, never
 * written: when it is bad, a correction is refused and the image left as it was.
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
#define MAX_IMAGES 2
#define MAX_SIG_RANGES 4
#define SIG_BYTES 128

struct xblock {
    uint64_t slot, stored, correct;
    unsigned bytes;
    uint8_t raw[MAX_SLOT];
};

struct xprobe {
    uint64_t at;
    unsigned char feeds[MAX_BLOCKS];
};

/* The signature block of a signed image: its block index, the signature's and the modulus's
   offsets, the MD5 ranges [start, end), and the digest prefixes ecu_block reports. */
struct xsig {
    size_t index, nranges;
    uint64_t at, modulus, stored, correct;
    uint64_t start[MAX_SIG_RANGES], end[MAX_SIG_RANGES];
    unsigned bytes;
};

struct ximage {
    char file[64], good[64];
    size_t size, nblocks, nprobes;
    struct xblock b[MAX_BLOCKS];
    struct xprobe p[MAX_PROBES];
    int has_sig;
    struct xsig sig;
    uint8_t *data;
};

/* The images of one manifest: a good one and its -bad variant. */
struct xset {
    const char *manifest;
    struct ximage im[MAX_IMAGES];
    size_t n;
};

static struct xset plain = {.manifest = "me7-vag.tsv"}, rsa = {.manifest = "me7-vag-rsa.tsv"};

/* ---- the manifest and the images ------------------------------------------------------------ */

static struct ximage *find_image(struct xset *set, const char *file)
{
    size_t i;
    for (i = 0; i < set->n; i++)
        if (strcmp(set->im[i].file, file) == 0)
            return &set->im[i];
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

/* "S-E+S-E..." into the signature's ranges */
static int parse_ranges(char *s, struct xsig *sig)
{
    char *tok, *save = NULL;
    sig->nranges = 0;
    for (tok = strtok_r(s, "+", &save); tok; tok = strtok_r(NULL, "+", &save)) {
        char *dash = strchr(tok, '-');
        if (!dash || sig->nranges == MAX_SIG_RANGES)
            return -1;
        *dash = '\0';
        if (csum_parse_u64(tok, &sig->start[sig->nranges]) ||
            csum_parse_u64(dash + 1, &sig->end[sig->nranges]))
            return -1;
        sig->nranges++;
    }
    return sig->nranges ? 0 : -1;
}

/* signature FILE INDEX STORE_OFFSET STORE_BYTES MODULUS RANGES STORED CORRECT */
static int signature_line(struct xset *set, char **f)
{
    struct ximage *x = find_image(set, f[1]);
    uint64_t idx, bytes;
    struct xsig *sig;
    if (!x || csum_parse_u64(f[2], &idx) || idx >= x->nblocks)
        return -1;
    sig = &x->sig;
    if (csum_parse_u64(f[3], &sig->at) || csum_parse_u64(f[4], &bytes) || bytes != SIG_BYTES ||
        csum_parse_u64(f[5], &sig->modulus) || parse_ranges(f[6], sig) ||
        csum_parse_u64(f[7], &sig->stored) || csum_parse_u64(f[8], &sig->correct))
        return -1;
    sig->index = (size_t)idx;
    sig->bytes = (unsigned)bytes;
    x->has_sig = 1;
    /* its place as a block's: where it is stored and its size */
    x->b[idx].slot = sig->at;
    x->b[idx].bytes = sig->bytes;
    return 0;
}

static int read_manifest(struct xset *set)
{
    char line[512], path[512], *f[12];
    unsigned lineno = 0;
    FILE *fp;
    snprintf(path, sizeof path, "%s/csum/%s", ECU_FIXTURES_DIR, set->manifest);
    if (!(fp = fopen(path, "r"))) {
        print_error("cannot open %s\n", path);
        return -1;
    }
    while (fgets(line, sizeof line, fp)) {
        size_t n;
        lineno++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        n = csum_split(line, f, 12);
        if (strcmp(f[0], "image") == 0 && n == 5 && set->n < MAX_IMAGES) {
            struct ximage *x = &set->im[set->n++];
            uint64_t size, nb;
            snprintf(x->file, sizeof x->file, "%s", f[1]);
            snprintf(x->good, sizeof x->good, "%s", f[4]);
            if (csum_parse_u64(f[2], &size) || csum_parse_u64(f[3], &nb) || nb > MAX_BLOCKS)
                goto bad_line;
            x->size = (size_t)size;
            x->nblocks = (size_t)nb;
        } else if (strcmp(f[0], "block") == 0 && n == 8) {
            struct ximage *x = find_image(set, f[1]);
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
        } else if (strcmp(f[0], "signature") == 0 && n == 9) {
            if (signature_line(set, f))
                goto bad_line;
        } else if (strcmp(f[0], "struct") == 0 && n == 5) {
            continue; /* bytes the layout is found by: tests/unit/test_csum_mutation.c */
        } else if (strcmp(f[0], "probe") == 0 && n == 4) {
            struct ximage *x = find_image(set, f[1]);
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
    return set->n == MAX_IMAGES ? 0 : -1;
bad_line:
    print_error("%s line %u: not understood\n", set->manifest, lineno);
    fclose(fp);
    return -1;
}

static int load_set(struct xset *set)
{
    size_t i;
    if (read_manifest(set))
        return -1;
    for (i = 0; i < set->n; i++) {
        char path[512];
        ecu_image *img = ecu_image_new();
        if (!img)
            return -1;
        snprintf(path, sizeof path, "%s/csum/%.200s", ECU_FIXTURES_DIR, set->im[i].file);
        if (ecu_image_load_file(img, path) != ECU_OK || ecu_image_size(img) != set->im[i].size) {
            print_error("%s: not loaded, or not of %zu bytes\n", path, set->im[i].size);
            ecu_image_free(img);
            return -1;
        }
        if (!(set->im[i].data = malloc(set->im[i].size))) {
            ecu_image_free(img);
            return -1;
        }
        memcpy(set->im[i].data, ecu_image_data(img), set->im[i].size);
        ecu_image_free(img);
    }
    return 0;
}

static void free_set(struct xset *set)
{
    size_t i;
    for (i = 0; i < set->n; i++) {
        free(set->im[i].data);
        set->im[i].data = NULL;
    }
    set->n = 0;
}

static int teardown(void **state)
{
    (void)state;
    free_set(&plain);
    free_set(&rsa);
    return 0;
}

static int setup(void **state)
{
    size_t i;
    if (load_set(&plain) || load_set(&rsa)) {
        teardown(state);
        return -1;
    }
    for (i = 0; i < MAX_IMAGES; i++)
        if (plain.im[i].has_sig || !rsa.im[i].has_sig) {
            print_error("%s: a signature line for every image, and only there\n", rsa.manifest);
            teardown(state);
            return -1;
        }
    return 0;
}

/* ---- helpers -------------------------------------------------------------------------------- */

static const struct ximage *good_image(const struct xset *set)
{
    size_t i;
    for (i = 0; i < set->n; i++)
        if (strcmp(set->im[i].good, "-") == 0)
            return &set->im[i];
    fail_msg("no good image in %s", set->manifest);
    return NULL;
}

/* The -bad variant of @p set, made from its good image. */
static const struct ximage *bad_image(const struct xset *set)
{
    const struct ximage *g = good_image(set);
    size_t i;
    for (i = 0; i < set->n; i++)
        if (&set->im[i] != g) {
            assert_string_equal(set->im[i].good, g->file);
            return &set->im[i];
        }
    fail_msg("no -bad image in %s", set->manifest);
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
    const struct ximage *x = good_image(&plain);
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
    const struct ximage *x = good_image(&plain);
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
    const struct ximage *g = good_image(&plain), *x = bad_image(&plain);
    ecu_csum *cs = ecu_csum_new();
    size_t k, nbad = 0, size;
    uint8_t *want, *out;
    (void)state;
    assert_non_null(cs);
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
    const struct ximage *x = good_image(&plain);
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
    const struct ximage *x = good_image(&plain);
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

/* ---- the program-pages sum: its ranges are the words it adds -------------------------------- */

/* The index of the block of @p cs whose name starts with @p prefix (fails when none). */
static size_t block_named(const ecu_csum *cs, const char *prefix)
{
    size_t k;
    for (k = 0; k < ecu_csum_block_count(cs); k++)
        if (strncmp(ecu_csum_block_at(cs, k)->name, prefix, strlen(prefix)) == 0)
            return k;
    fail_msg("no block named %s...", prefix);
    return 0;
}

/* The ROMSYS program-pages block of the analysed image of @p len bytes (at @p shift in the
 * file) reports as its ranges the first and last word of every 8 KiB page of 0x0-0xFFFF and
 * 0x20000-end (the last word of a page and the first of the next one as one range). */
static void check_page_ranges(const ecu_block *b, uint64_t len, uint64_t shift)
{
    static const uint64_t parts[2][2] = {{0, 0x10000}, {0x20000, 0}};
    size_t r = 0, j;
    for (j = 0; j < 2; j++) {
        uint64_t p, end = parts[j][1] ? parts[j][1] : len;
        for (p = parts[j][0]; p < end; p += 0x2000) {
            if (p == parts[j][0]) {
                assert_true(r < b->nranges);
                assert_int_equal(b->ranges[r].start, p + shift);
            }
            assert_int_equal(b->ranges[r].end, p + 2 + shift);
            r++;
            assert_true(r < b->nranges);
            assert_int_equal(b->ranges[r].start, p + 0x2000 - 2 + shift);
            if (p + 0x2000 == end) {
                assert_int_equal(b->ranges[r].end, end + shift);
                r++;
            }
        }
    }
    assert_int_equal(r, b->nranges);
}

/* A change at a byte the program-pages block reports makes it bad, one just outside leaves it
 * ok (the words between the first and the last of a page, 0xFC00-0xFFFD among them, are not
 * its bytes); the value is the first and last word of each page, as the generator computed. */
static void test_program_pages_ranges(void **state)
{
    const struct ximage *x = good_image(&plain);
    ecu_csum *cs = ecu_csum_new();
    uint8_t *big = malloc(2 * x->size);
    size_t k;
    (void)state;
    assert_non_null(cs);
    assert_non_null(big);
    analyze(cs, x->data, x->size);
    k = block_named(cs, "ROMSYS program pages");
    assert_int_equal(ecu_csum_block_at(cs, k)->computed, x->b[k].correct);
    check_page_ranges(ecu_csum_block_at(cs, k), x->size, 0);
    /* 8 + 48 pages, two words each */
    assert_int_equal(csum_check_coverage(cs, x->data, x->size, k, x->file), 56 * 4);
    /* the second copy of a 1 MiB file: its own block, over its own words */
    memcpy(big, x->data, x->size);
    memcpy(big + x->size, x->data, x->size);
    analyze(cs, big, 2 * x->size);
    check_page_ranges(ecu_csum_block_at(cs, x->nblocks + k), x->size, x->size);
    assert_int_equal(csum_check_coverage(cs, big, 2 * x->size, x->nblocks + k, "copy 2"), 56 * 4);
    free(big);
    ecu_csum_free(cs);
}

/* ---- ME7 variants whose checksum layout is not public (ME7.3.1, ME7.2, ...) ------------------ */

/* fixtures/csum/me7_vag.py: multipoint table 2 at MP2 = 0x1FC00; its record 16 covers
 * 0x838000-0x83BFFF, record 17 0x83C000-0x83FFFF */
#define MP2 0x1FC00u
#define MP_REC(k) (MP2 + 16u * (k))

static void put_le32(uint8_t *d, size_t at, uint32_t v)
{
    d[at] = (uint8_t)v;
    d[at + 1] = (uint8_t)(v >> 8);
    d[at + 2] = (uint8_t)(v >> 16);
    d[at + 3] = (uint8_t)(v >> 24);
}

static uint32_t get_le32(const uint8_t *d, size_t at)
{
    return (uint32_t)d[at] | (uint32_t)d[at + 1] << 8 | (uint32_t)d[at + 2] << 16 | (uint32_t)d[at + 3] << 24;
}

/* Record @p k of table 2 made a one-word range (start = end, its first CPU address) storing
 * @p v and @p c. */
static void one_word_record(uint8_t *d, unsigned k, uint32_t v, uint32_t c)
{
    uint32_t s = get_le32(d, MP_REC(k));
    put_le32(d, MP_REC(k) + 4, s);
    put_le32(d, MP_REC(k) + 8, v);
    put_le32(d, MP_REC(k) + 12, c);
}

/* The EPK's variant field ("ME7.5" in "42/1/ME7.5/5/...") replaced by @p variant, the rest of
 * the string moved along. */
static void set_variant(uint8_t *d, size_t n, const char *variant)
{
    static const char old[] = "/1/ME7.5/";
    char tail[64];
    size_t at, len = strlen(old), k;
    for (at = 0x10000; at + len < n && memcmp(d + at, old, len) != 0; at++)
        ;
    assert_true(at + len < n);
    memcpy(tail, d + at + len - 1, sizeof tail - 1); /* from the '/' after the variant */
    tail[sizeof tail - 1] = '\0';
    memcpy(d + at + 3, variant, strlen(variant));
    k = at + 3 + strlen(variant);
    memcpy(d + k, tail, 32);
}

/* @p d (@p n bytes) is claimed by the family with the verdict no-layout: no block, nothing to
 * correct (the image is left as it is), and the evidence says why (each of @p why in it). */
static void assert_no_layout(ecu_csum *cs, const uint8_t *d, size_t n, const char *const *why,
                             const char *what)
{
    const char *ev;
    size_t i;
    analyze(cs, d, n);
    assert_non_null(ecu_csum_family(cs));
    assert_string_equal(ecu_csum_family(cs)->name, FAMILY);
    if (ecu_csum_verdict(cs) != ECU_VERDICT_NO_LAYOUT)
        fail_msg("%s: verdict %s, expected no-layout", what, ecu_verdict_name(ecu_csum_verdict(cs)));
    assert_int_equal(ecu_csum_block_count(cs), 0);
    assert_int_equal(ecu_csum_bad_count(cs), 0);
    ev = ecu_csum_evidence(cs);
    assert_non_null(strstr(ev, "no public checksum layout"));
    for (i = 0; why[i]; i++)
        if (!strstr(ev, why[i]))
            fail_msg("%s: \"%s\" not in the evidence \"%s\"", what, why[i], ev);
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_INVALID);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_NO_LAYOUT);
    assert_image(cs, d, n, what);
    /* named, the family lays out nothing either */
    assert_int_equal(ecu_csum_set_family(cs, FAMILY), ECU_OK);
    analyze(cs, d, n);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_NO_LAYOUT);
    assert_int_equal(ecu_csum_block_count(cs), 0);
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_INVALID);
    assert_int_equal(ecu_csum_set_family(cs, NULL), ECU_OK);
}

/* @p d is laid out as the documented layout (every block of the manifest), whatever its
 * verdict. */
static void assert_laid_out(ecu_csum *cs, const struct ximage *x, const uint8_t *d, const char *what)
{
    analyze(cs, d, x->size);
    if (ecu_csum_verdict(cs) == ECU_VERDICT_NO_LAYOUT)
        fail_msg("%s: no-layout (%s)", what, ecu_csum_evidence(cs));
    check_layout(cs, x, 1);
}

/* An ME7.3.1-style image (Alfa Romeo and Fiat): the EPK names ME7.3.1 and two multipoint
 * records cover one word and store 0 (the shape reported for ME7.3.1 reads, on which ME7Sum
 * aborts too). No public source gives that layout: the verdict is no-layout with the reason,
 * never bad, and nothing is corrected; either marker alone does the same. */
static void test_unknown_variant(void **state)
{
    const struct ximage *x = good_image(&plain);
    ecu_csum *cs = ecu_csum_new();
    uint8_t *d = dup_bytes(x->data, x->size), *big;
    static const char *const both[] = {"EPK names ME7.3.1", "2 one-word multipoint records stored 0", NULL};
    static const char *const epk731[] = {"EPK names ME7.3.1", NULL};
    static const char *const epk72[] = {"EPK names ME7.2", NULL};
    static const char *const recs[] = {"2 one-word multipoint records stored 0", NULL};
    static const char *const rec1[] = {"1 one-word multipoint record stored 0", NULL};
    (void)state;
    assert_non_null(cs);
    assert_int_equal(get_le32(d, MP_REC(16)), 0x838000);
    assert_int_equal(get_le32(d, MP_REC(16) + 4), 0x83BFFF);
    assert_int_equal(get_le32(d, MP_REC(17)), 0x83C000);

    /* both markers: without them, records 16 and 17 (and the record over the table) are bad */
    set_variant(d, x->size, "ME7.3.1");
    one_word_record(d, 16, 0, 0xFFFFFFFFu);
    one_word_record(d, 17, 0, 0xFFFFFFFFu);
    assert_no_layout(cs, d, x->size, both, "ME7.3.1 with one-word records");

    /* the records alone (the EPK names ME7.5) */
    memcpy(d, x->data, x->size);
    one_word_record(d, 16, 0, 0xFFFFFFFFu);
    one_word_record(d, 17, 0, 0xFFFFFFFFu);
    assert_no_layout(cs, d, x->size, recs, "one-word records");
    one_word_record(d, 17, 0x1234, ~0x1234u); /* one is enough */
    assert_no_layout(cs, d, x->size, rec1, "one one-word record");

    /* the EPK alone, ME7.3.1 or ME7.2 */
    memcpy(d, x->data, x->size);
    set_variant(d, x->size, "ME7.3.1");
    assert_no_layout(cs, d, x->size, epk731, "EPK ME7.3.1");
    memcpy(d, x->data, x->size);
    set_variant(d, x->size, "ME7.2");
    assert_no_layout(cs, d, x->size, epk72, "EPK ME7.2");

    /* the second copy of a 1 MiB file holds them: no layout for the file */
    big = malloc(2 * x->size);
    assert_non_null(big);
    memcpy(big, x->data, x->size);
    memcpy(big + x->size, x->data, x->size);
    set_variant(big + x->size, x->size, "ME7.3.1");
    assert_no_layout(cs, big, 2 * x->size, epk731, "1 MiB, copy 2 ME7.3.1");
    free(big);

    /* not the markers: the documented layout, every block */
    memcpy(d, x->data, x->size);
    set_variant(d, x->size, "ME71"); /* ME7.1 without dots */
    assert_laid_out(cs, x, d, "EPK ME71");
    memcpy(d, x->data, x->size);
    set_variant(d, x->size, "ME7.1.1");
    assert_laid_out(cs, x, d, "EPK ME7.1.1");
    memcpy(d, x->data, x->size);
    set_variant(d, x->size, "ME7.3.1\x01"); /* not a variant field: no '/' after printable text */
    assert_laid_out(cs, x, d, "EPK without a variant field");
    memcpy(d, x->data, x->size);
    one_word_record(d, 16, 0x1234, ~0x1234u); /* a one-word record storing a sum */
    assert_laid_out(cs, x, d, "one-word record storing a sum");
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    memcpy(d, x->data, x->size);
    one_word_record(d, 16, 0, 0); /* 0 without its complement */
    assert_laid_out(cs, x, d, "one-word record storing 0 without its complement");
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    memcpy(d, x->data, x->size);
    put_le32(d, MP_REC(16) + 4, 0x838002); /* two words stored 0 */
    put_le32(d, MP_REC(16) + 8, 0);
    put_le32(d, MP_REC(16) + 12, 0xFFFFFFFFu);
    assert_laid_out(cs, x, d, "two-word record storing 0");
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    free(d);
    ecu_csum_free(cs);
}

/* ---- the RSA signature ------------------------------------------------------------------------ */

/* A byte of an ordinary block's slot (the signature is not one: it is never written). */
static int in_ordinary_slot(const struct ximage *x, uint64_t at)
{
    size_t k;
    for (k = 0; k < x->nblocks; k++)
        if (!(x->has_sig && k == x->sig.index) && at >= x->b[k].slot && at < x->b[k].slot + x->b[k].bytes)
            return 1;
    return 0;
}

/* The signature block @p b as in the manifest (@p shift: the copy's offset in the file), with the
 * status @p want. */
static void check_sig_block(const ecu_block *b, const struct ximage *x, uint64_t shift,
                            ecu_block_status want, const char *what)
{
    const struct xsig *sig = &x->sig;
    size_t r;
    assert_non_null(b);
    if (b->status != want)
        fail_msg("%s: signature block (%s) is %s, expected %s", what, b->name,
                 ecu_block_status_name(b->status), ecu_block_status_name(want));
    assert_int_equal(b->store_offset, sig->at + shift);
    assert_int_equal(b->store_bytes, SIG_BYTES);
    assert_int_equal(b->nranges, sig->nranges);
    for (r = 0; r < sig->nranges; r++) {
        if (b->ranges[r].start != sig->start[r] + shift || b->ranges[r].end != sig->end[r] + shift)
            fail_msg("%s: MD5 range %zu is 0x%llX-0x%llX, expected 0x%llX-0x%llX", what, r,
                     (unsigned long long)b->ranges[r].start, (unsigned long long)b->ranges[r].end,
                     (unsigned long long)(sig->start[r] + shift), (unsigned long long)(sig->end[r] + shift));
    }
}

/* Every block of the analysed @p x (first copy) as the manifest says: the ordinary ones ok with
 * the manifest's values, the signature with status @p sig_status and the manifest's digest
 * prefixes; exactly one block is a signature. */
static void check_signed(const ecu_csum *cs, const struct ximage *x, ecu_block_status sig_status,
                         const char *what)
{
    size_t k, nsig = 0;
    assert_true(x->has_sig);
    check_layout(cs, x, 1);
    for (k = 0; k < x->nblocks; k++) {
        const ecu_block *b = ecu_csum_block_at(cs, k);
        nsig += b->status == ECU_BLOCK_SIGNATURE || b->status == ECU_BLOCK_SIGNATURE_BAD;
        if (k == x->sig.index) {
            check_sig_block(b, x, 0, sig_status, what);
            assert_int_equal(b->stored, x->sig.stored);
            assert_int_equal(b->computed, x->sig.correct);
            continue;
        }
        if (b->status != ECU_BLOCK_OK)
            fail_msg("%s: block %zu (%s) is %s", what, k, b->name, ecu_block_status_name(b->status));
        assert_int_equal(b->stored, x->b[k].stored);
        assert_int_equal(b->computed, x->b[k].correct);
        assert_memory_equal(x->data + x->b[k].slot, x->b[k].raw, x->b[k].bytes);
    }
    assert_int_equal(nsig, 1);
}

/* The signed image verifies: every ordinary block ok, exactly one signature block, where the
 * generator put the signature, over its MD5 ranges; a correction changes nothing. */
static void test_rsa_signed_image(void **state)
{
    const struct ximage *x = good_image(&rsa);
    ecu_csum *cs = ecu_csum_new();
    (void)state;
    assert_non_null(cs);
    analyze(cs, x->data, x->size);
    if (ecu_csum_verdict(cs) != ECU_VERDICT_OK)
        fail_msg("%s: verdict %s, expected ok", x->file, ecu_verdict_name(ecu_csum_verdict(cs)));
    assert_int_equal(ecu_csum_candidate_count(cs), 1);
    check_signed(cs, x, ECU_BLOCK_SIGNATURE, x->file);
    assert_int_equal(x->sig.stored, x->sig.correct);
    assert_int_equal(ecu_csum_bad_count(cs), 0);
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    assert_image(cs, x->data, x->size, x->file);
    /* the image without its signature block is the plain one's layout: one block fewer */
    assert_int_equal(x->nblocks, good_image(&plain)->nblocks + 1);
    ecu_csum_free(cs);
}

/* A signed byte changed and every ordinary checksum recomputed: only the signature is bad, and
 * the correction is refused with the image left byte for byte as it was. */
static void test_rsa_bad_signature(void **state)
{
    const struct ximage *g = good_image(&rsa), *x = bad_image(&rsa);
    ecu_csum *cs = ecu_csum_new();
    uint8_t *back;
    size_t k, r, changed = 0;
    (void)state;
    assert_non_null(cs);
    analyze(cs, x->data, x->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    check_signed(cs, x, ECU_BLOCK_SIGNATURE_BAD, x->file);
    assert_true(x->sig.stored != x->sig.correct);
    assert_int_equal(x->sig.stored, g->sig.stored); /* the signature itself is the good one's */
    assert_int_equal(ecu_csum_bad_count(cs), 1);
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    assert_image(cs, x->data, x->size, "bad signature after a refused correction");
    check_signed(cs, x, ECU_BLOCK_SIGNATURE_BAD, "bad signature after a refused correction");
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE); /* and again */
    assert_image(cs, x->data, x->size, "bad signature after a second refused correction");

    /* the one data byte that differs (in an MD5 range, outside every slot) put back: the
       signature verifies again, the ordinary sums over that byte are bad, and the correction
       gives the signed image byte for byte */
    back = dup_bytes(x->data, x->size);
    for (k = 0; k < x->size; k++) {
        int signed_byte = 0;
        if (x->data[k] == g->data[k] || in_ordinary_slot(x, k))
            continue;
        for (r = 0; r < x->sig.nranges; r++)
            signed_byte |= k >= x->sig.start[r] && k < x->sig.end[r];
        if (!signed_byte)
            fail_msg("%s: byte 0x%zX differs from %s outside the MD5 ranges and the slots", x->file,
                     k, g->file);
        back[k] = g->data[k];
        changed++;
    }
    assert_int_equal(changed, 1);
    analyze(cs, back, x->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    check_sig_block(ecu_csum_block_at(cs, x->sig.index), g, 0, ECU_BLOCK_SIGNATURE, "byte put back");
    assert_true(ecu_csum_bad_count(cs) > 0);
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_FIXED);
    assert_int_equal(ecu_csum_bad_count(cs), 0);
    check_sig_block(ecu_csum_block_at(cs, x->sig.index), g, 0, ECU_BLOCK_SIGNATURE,
                    "byte put back, corrected");
    assert_image(cs, g->data, g->size, "byte put back, corrected");
    free(back);
    ecu_csum_free(cs);
}

/* Each probe byte of the signed image flipped: exactly the blocks it feeds are bad (the
 * signature "signature-bad" when it is one of them). With a bad signature the correction is
 * refused and the image left as it was; without, it corrects the ordinary sums, the signature
 * still verifies, and with the byte put back it gives the signed image. A byte no block feeds
 * changes nothing. */
static void test_rsa_probes(void **state)
{
    const struct ximage *x = good_image(&rsa);
    ecu_csum *cs = ecu_csum_new();
    size_t i, k, with_sig = 0, without_sig = 0, none = 0;
    (void)state;
    assert_non_null(cs);
    for (i = 0; i < x->nprobes; i++) {
        const struct xprobe *p = &x->p[i];
        uint8_t *copy = dup_bytes(x->data, x->size), *fixed;
        size_t nfeeds = 0, size;
        char what[160];
        snprintf(what, sizeof what, "%s, byte 0x%llX flipped", x->file, (unsigned long long)p->at);
        copy[p->at] ^= 0x01;
        analyze(cs, copy, x->size);
        check_layout(cs, x, 1);
        for (k = 0; k < x->nblocks; k++) {
            const ecu_block *b = ecu_csum_block_at(cs, k);
            ecu_block_status want = k == x->sig.index
                                        ? (p->feeds[k] ? ECU_BLOCK_SIGNATURE_BAD : ECU_BLOCK_SIGNATURE)
                                        : (p->feeds[k] ? ECU_BLOCK_BAD : ECU_BLOCK_OK);
            nfeeds += p->feeds[k];
            if (b->status != want)
                fail_msg("%s: block %zu (%s) is %s, expected %s", what, k, b->name,
                         ecu_block_status_name(b->status), ecu_block_status_name(want));
        }
        check_sig_block(ecu_csum_block_at(cs, x->sig.index), x, 0,
                        p->feeds[x->sig.index] ? ECU_BLOCK_SIGNATURE_BAD : ECU_BLOCK_SIGNATURE, what);
        assert_int_equal(ecu_csum_bad_count(cs), nfeeds);
        if (!nfeeds) {
            none++;
            assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
            assert_int_equal(ecu_csum_fix(cs), ECU_OK);
            assert_image(cs, copy, x->size, what);
            free(copy);
            continue;
        }
        assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
        if (p->feeds[x->sig.index]) {
            with_sig++;
            assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
            assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
            assert_int_equal(ecu_csum_bad_count(cs), nfeeds);
            assert_int_equal(ecu_csum_block_at(cs, x->sig.index)->status, ECU_BLOCK_SIGNATURE_BAD);
            assert_image(cs, copy, x->size, what);
            free(copy);
            continue;
        }
        without_sig++;
        assert_int_equal(ecu_csum_fix(cs), ECU_OK);
        assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_FIXED);
        assert_int_equal(ecu_csum_bad_count(cs), 0);
        for (k = 0; k < x->nblocks; k++)
            assert_int_equal(ecu_csum_block_at(cs, k)->status,
                             k == x->sig.index ? ECU_BLOCK_SIGNATURE
                             : p->feeds[k]     ? ECU_BLOCK_FIXED
                                               : ECU_BLOCK_OK);
        fixed = dup_bytes(ecu_csum_image(cs, &size), x->size);
        for (k = 0; k < x->size; k++)
            if (fixed[k] != copy[k] && !in_ordinary_slot(x, k))
                fail_msg("%s: byte 0x%zX changed by the correction, outside the slots", what, k);
        fixed[p->at] = x->data[p->at];
        analyze(cs, fixed, x->size);
        assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
        assert_int_equal(ecu_csum_fix(cs), ECU_OK);
        assert_image(cs, x->data, x->size, what);
        free(fixed);
        free(copy);
    }
    /* the manifest has each kind: signed bytes, unsigned covered bytes, nobody's */
    assert_true(with_sig > 0);
    assert_true(without_sig > 0);
    assert_true(none > 0);
    ecu_csum_free(cs);
}

/* Every byte of the signature itself flipped in turn: the signature is bad (and the ordinary
 * sums over it), and the correction is refused; so is it with the modulus's first or last byte
 * changed. */
static void test_rsa_signature_bytes(void **state)
{
    const struct ximage *x = good_image(&rsa);
    ecu_csum *cs = ecu_csum_new();
    uint8_t *copy = dup_bytes(x->data, x->size);
    unsigned i;
    (void)state;
    assert_non_null(cs);
    for (i = 0; i < x->sig.bytes; i++) {
        char what[160];
        uint8_t was = copy[x->sig.at + i];
        snprintf(what, sizeof what, "%s, signature byte %u flipped", x->file, i);
        copy[x->sig.at + i] ^= (uint8_t)(1u << (i % 8));
        analyze(cs, copy, x->size);
        assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
        check_layout(cs, x, 1);
        check_sig_block(ecu_csum_block_at(cs, x->sig.index), x, 0, ECU_BLOCK_SIGNATURE_BAD, what);
        if (i % 32 == 0) {
            assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
            assert_image(cs, copy, x->size, what);
        }
        copy[x->sig.at + i] = was;
    }
    for (i = 0; i < 2; i++) {
        uint64_t at = x->sig.modulus + (i ? x->sig.bytes - 1 : 0);
        copy[at] ^= 0x10;
        analyze(cs, copy, x->size);
        assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
        check_layout(cs, x, 1);
        check_sig_block(ecu_csum_block_at(cs, x->sig.index), x, 0, ECU_BLOCK_SIGNATURE_BAD,
                        i ? "modulus's last byte changed" : "modulus's first byte changed");
        assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
        assert_image(cs, copy, x->size, "modulus changed, after a refused correction");
        copy[at] ^= 0x10;
    }
    analyze(cs, copy, x->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    free(copy);
    ecu_csum_free(cs);
}

/* The signed image twice in 1 MiB: both copies' signatures verify, each over its own copy; a
 * signed byte of the upper copy changed makes only the upper signature bad. Above the unsigned
 * image, the signed copy's signature is checked with its own modulus. */
static void test_rsa_1m(void **state)
{
    const struct ximage *x = good_image(&rsa), *u = good_image(&plain);
    ecu_csum *cs = ecu_csum_new();
    uint8_t *big = malloc(2 * x->size);
    const struct xprobe *p = NULL;
    size_t i, k;
    (void)state;
    assert_non_null(cs);
    assert_non_null(big);
    memcpy(big, x->data, x->size);
    memcpy(big + x->size, x->data, x->size);
    analyze(cs, big, 2 * x->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    check_layout(cs, x, 2);
    check_sig_block(ecu_csum_block_at(cs, x->sig.index), x, 0, ECU_BLOCK_SIGNATURE, "lower copy");
    check_sig_block(ecu_csum_block_at(cs, x->nblocks + x->sig.index), x, x->size, ECU_BLOCK_SIGNATURE,
                    "upper copy");
    for (i = 0; i < x->nprobes && !p; i++)
        if (x->p[i].feeds[x->sig.index])
            p = &x->p[i];
    assert_non_null(p);
    big[x->size + p->at] ^= 0x01;
    analyze(cs, big, 2 * x->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    check_layout(cs, x, 2);
    for (k = 0; k < 2 * x->nblocks; k++) {
        size_t j = k % x->nblocks;
        int bad = k >= x->nblocks && p->feeds[j];
        ecu_block_status want = j == x->sig.index ? (bad ? ECU_BLOCK_SIGNATURE_BAD : ECU_BLOCK_SIGNATURE)
                                                  : (bad ? ECU_BLOCK_BAD : ECU_BLOCK_OK);
        if (ecu_csum_block_at(cs, k)->status != want)
            fail_msg("1 MiB, upper byte 0x%llX flipped: block %zu (%s) is %s", (unsigned long long)p->at, k,
                     ecu_csum_block_at(cs, k)->name, ecu_block_status_name(ecu_csum_block_at(cs, k)->status));
    }
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
    assert_image(cs, big, 2 * x->size, "1 MiB after a refused correction");

    /* the unsigned image below, the signed one above: only the upper copy has a signature, and
       it verifies with the upper copy's modulus (the lower copy has none there) */
    memcpy(big, u->data, u->size);
    memcpy(big + x->size, x->data, x->size);
    analyze(cs, big, 2 * x->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    assert_int_equal(ecu_csum_block_count(cs), u->nblocks + x->nblocks);
    for (k = 0; k < u->nblocks + x->nblocks; k++) {
        ecu_block_status st = ecu_csum_block_at(cs, k)->status;
        assert_int_equal(st, k == u->nblocks + x->sig.index ? ECU_BLOCK_SIGNATURE : ECU_BLOCK_OK);
    }
    check_sig_block(ecu_csum_block_at(cs, u->nblocks + x->sig.index), x, x->size, ECU_BLOCK_SIGNATURE,
                    "upper copy above an unsigned one");
    free(big);
    ecu_csum_free(cs);
}

/* ---- re-signing (ecu_csum_set_resign_key; fixtures/csum/me7_vag_rsa.py) --------------------- */

/* A fixture file's bytes (loaded with ecu_image: gzip'ed images too), malloc'ed. */
static uint8_t *fixture(const char *name, size_t *n)
{
    char path[512];
    ecu_image *img = ecu_image_new();
    uint8_t *d = NULL;
    assert_non_null(img);
    snprintf(path, sizeof path, "%s/csum/%s", ECU_FIXTURES_DIR, name);
    if (ecu_image_load_file(img, path) != ECU_OK)
        fail_msg("%s: not loaded", path);
    *n = ecu_image_size(img);
    d = dup_bytes(ecu_image_data(img), *n);
    ecu_image_free(img);
    return d;
}

/* The bytes of a file as they are (a key in DER is not an image). */
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

/* The index of the one signature block of the analysis. */
static size_t sig_index(const ecu_csum *cs)
{
    size_t i, at = SIZE_MAX, n = 0;
    for (i = 0; i < ecu_csum_block_count(cs); i++) {
        ecu_block_status st = ecu_csum_block_at(cs, i)->status;
        if (st == ECU_BLOCK_SIGNATURE || st == ECU_BLOCK_SIGNATURE_BAD || st == ECU_BLOCK_RESIGNED) {
            at = i;
            n++;
        }
    }
    assert_int_equal(n, 1);
    return at;
}

/* The edited image (one signed byte changed, nothing recomputed) re-signed with the second
 * key pair gives the generator's re-signed image byte for byte; without the key the correction
 * is refused with only the signature left bad, and the image stays as it was. */
static void test_rsa_resign(void **state)
{
    size_t n, rn, kn, i, sig;
    uint8_t *edited = fixture("me7-vag-rsa-512k-edited.bin.gz", &n);
    uint8_t *want = fixture("me7-vag-rsa-512k-resigned.bin.gz", &rn);
    uint8_t *key = raw_file("me7-vag-rsa-key2.der", &kn);
    ecu_csum *cs = ecu_csum_new();
    (void)state;
    assert_non_null(cs);
    assert_int_equal(n, rn);
    analyze(cs, edited, n);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    sig = sig_index(cs);
    assert_int_equal(ecu_csum_block_at(cs, sig)->status, ECU_BLOCK_SIGNATURE_BAD);
    assert_true(ecu_csum_bad_count(cs) > 1); /* the signature and ordinary sums */
    for (i = 0; i < ecu_csum_block_count(cs); i++)
        assert_int_equal(ecu_csum_block_resignable(cs, i) != 0, i == sig);
    assert_false(ecu_csum_block_resignable(cs, ecu_csum_block_count(cs)));
    assert_false(ecu_csum_block_unfixable(cs, sig)); /* no fix yet */

    /* no key: refused, the signature alone stayed bad */
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
    assert_image(cs, edited, n, "refused without a key");
    for (i = 0; i < ecu_csum_block_count(cs); i++)
        assert_int_equal(ecu_csum_block_unfixable(cs, i) != 0, i == sig);

    /* the key: the generator's image */
    assert_int_equal(ecu_csum_set_resign_key(cs, key, kn), ECU_OK);
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_FIXED);
    assert_int_equal(ecu_csum_block_at(cs, sig)->status, ECU_BLOCK_RESIGNED);
    assert_string_equal(ecu_block_status_name(ECU_BLOCK_RESIGNED), "resigned");
    assert_false(ecu_csum_block_unfixable(cs, sig));
    assert_image(cs, want, n, "re-signed with the second key");

    /* the result verifies as it is, and a second correction changes nothing */
    analyze(cs, want, n);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    assert_int_equal(ecu_csum_block_at(cs, sig)->status, ECU_BLOCK_SIGNATURE);
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    assert_image(cs, want, n, "re-signed, corrected again");

    /* the key forgotten: refused again */
    assert_int_equal(ecu_csum_set_resign_key(cs, NULL, 0), ECU_OK);
    analyze(cs, edited, n);
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
    assert_image(cs, edited, n, "key forgotten");
    free(edited);
    free(want);
    free(key);
    ecu_csum_free(cs);
}

/* The -badsig image (only the signature bad) re-signed: it verifies, and only the signature,
 * the modulus and checksum slots changed (the slots over the signature and the modulus). */
static void test_rsa_resign_badsig(void **state)
{
    const struct ximage *x = bad_image(&rsa);
    size_t kn, k, nchanged = 0;
    uint8_t *key = raw_file("me7-vag-rsa-key2.der", &kn), *out;
    const uint8_t *img;
    size_t size;
    ecu_csum *cs = ecu_csum_new();
    (void)state;
    assert_non_null(cs);
    assert_int_equal(ecu_csum_set_resign_key(cs, key, kn), ECU_OK);
    analyze(cs, x->data, x->size);
    assert_int_equal(ecu_csum_bad_count(cs), 1);
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    img = ecu_csum_image(cs, &size);
    out = dup_bytes(img, size);
    for (k = 0; k < x->size; k++) {
        if (out[k] == x->data[k])
            continue;
        nchanged++;
        if (!in_ordinary_slot(x, k) && !(k >= x->sig.at && k < x->sig.at + SIG_BYTES) &&
            !(k >= x->sig.modulus && k < x->sig.modulus + SIG_BYTES))
            fail_msg("byte 0x%zX changed outside the slots, the signature and the modulus", k);
    }
    assert_true(nchanged > SIG_BYTES);
    analyze(cs, out, size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    free(out);
    free(key);
    ecu_csum_free(cs);
}

/* Keys that do not fit: another exponent leaves the signature bad (refused, image unchanged);
 * a damaged or truncated key is refused by ecu_csum_set_resign_key, which keeps the key it
 * held. */
static void test_rsa_resign_keys(void **state)
{
    size_t n, kn, en, cut, i, sig;
    uint8_t *edited = fixture("me7-vag-rsa-512k-edited.bin.gz", &n);
    uint8_t *key = raw_file("me7-vag-rsa-key2.der", &kn);
    uint8_t *e65537 = raw_file("me7-vag-rsa-key-e65537.der", &en), *bad;
    uint8_t junk[64];
    ecu_csum *cs = ecu_csum_new();
    (void)state;
    assert_non_null(cs);
    assert_int_equal(ecu_csum_set_resign_key(NULL, key, kn), ECU_ERR_INVALID);
    assert_int_equal(ecu_csum_set_resign_key(cs, NULL, 5), ECU_ERR_INVALID);
    /* a valid key pair of exponent 65537: accepted, but it does not fit the image */
    assert_int_equal(ecu_csum_set_resign_key(cs, e65537, en), ECU_OK);
    analyze(cs, edited, n);
    sig = sig_index(cs);
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
    assert_image(cs, edited, n, "a key of exponent 65537");
    assert_true(ecu_csum_block_unfixable(cs, sig));
    /* every truncation, and junk, is refused; the e=65537 key stays */
    for (cut = 0; cut < kn; cut += cut < 16 ? 1 : 37)
        if (ecu_csum_set_resign_key(cs, key, cut) != ECU_ERR_INVALID)
            fail_msg("the key cut to %zu bytes is accepted", cut);
    memset(junk, 0x30, sizeof junk);
    assert_int_equal(ecu_csum_set_resign_key(cs, junk, sizeof junk), ECU_ERR_INVALID);
    /* a flipped byte in each part used to sign (n, p, q, d mod p-1, d mod q-1, q^-1 mod p, not
       the unused d): every byte of the key tried, the results counted */
    bad = dup_bytes(key, kn);
    for (i = 8; i < kn; i++) {
        int rc;
        bad[i] ^= 0x01;
        rc = ecu_csum_set_resign_key(cs, bad, kn);
        bad[i] ^= 0x01;
        if (rc == ECU_OK) {
            /* a flip nettle accepts must still sign right: only d, which the CRT roots do not
               use, may take one; the signature then verifies */
            analyze(cs, edited, n);
            if (ecu_csum_fix(cs) != ECU_OK)
                fail_msg("key byte %zu flipped: accepted, but it does not sign", i);
        }
    }
    assert_int_equal(ecu_csum_set_resign_key(cs, key, kn), ECU_OK);
    analyze(cs, edited, n);
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    free(bad);
    free(edited);
    free(key);
    free(e65537);
    ecu_csum_free(cs);
}

/* Re-signing corrects the signature, not the rest: with a boot ROM record damaged (never
 * corrected) the correction is refused with the key too, the image unchanged, and the record
 * is the block that stayed bad. */
static void test_rsa_resign_other_bad(void **state)
{
    size_t n, kn, i, sig, left = 0;
    uint8_t *edited = fixture("me7-vag-rsa-512k-edited.bin.gz", &n);
    uint8_t *key = raw_file("me7-vag-rsa-key2.der", &kn);
    const struct ximage *g = good_image(&rsa);
    ecu_csum *cs = ecu_csum_new();
    (void)state;
    assert_non_null(cs);
    edited[g->b[6].slot] ^= 0x10; /* the boot ROM record's sum (me7_vag.py, block 6) */
    assert_int_equal(ecu_csum_set_resign_key(cs, key, kn), ECU_OK);
    analyze(cs, edited, n);
    sig = sig_index(cs);
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
    assert_image(cs, edited, n, "boot ROM record damaged, with a key");
    for (i = 0; i < ecu_csum_block_count(cs); i++)
        left += ecu_csum_block_unfixable(cs, i) != 0;
    assert_int_equal(left, 1);
    assert_true(ecu_csum_block_unfixable(cs, 6));
    assert_false(ecu_csum_block_unfixable(cs, sig));
    free(edited);
    free(key);
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
        cmocka_unit_test(test_program_pages_ranges),
        cmocka_unit_test(test_unknown_variant),
        cmocka_unit_test(test_rsa_signed_image),
        cmocka_unit_test(test_rsa_bad_signature),
        cmocka_unit_test(test_rsa_probes),
        cmocka_unit_test(test_rsa_signature_bytes),
        cmocka_unit_test(test_rsa_1m),
        cmocka_unit_test(test_rsa_resign),
        cmocka_unit_test(test_rsa_resign_badsig),
        cmocka_unit_test(test_rsa_resign_keys),
        cmocka_unit_test(test_rsa_resign_other_bad),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
