/* SPDX-License-Identifier: MIT */
/*
 * The older Bosch Motronic checksum families (lib/families/bosch_motronic_old.c) against
 * synthetic images (fixtures/csum/motronic-*.bin.gz, written by fixtures/csum/motronic_old.py
 * from the documented layouts). What the library must find in each image comes from
 * fixtures/csum/motronic_old.tsv, computed by the generator independently of the C code: the
 * family, the blocks with their ranges, slots, stored and computed values, the slot bytes after
 * a correction, a data byte that only one block covers, and the identification whose erasure
 * must leave the image unclaimed. The real dumps of ../shared/corpus (or $ECU_CORPUS), when
 * present, are checked for false claims: these families may claim nothing outside the
 * motronic_old and other folders.
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

#include "ecu/csum.h"
#include "ecu/error.h"
#include "ecu/image.h"

#define MAX_IMAGES 16
#define MAX_BLOCKS 4
#define MAX_RANGES 4
#define MAX_IDENTS 4

static const char *const families[] = {"bosch-m1x-bmw", "bosch-dme-bmw", "bosch-m43-volvo",
                                       "bosch-m44-volvo", "bosch-m3x-m5x"};
#define NFAMILIES (sizeof families / sizeof families[0])

struct xblock {
    uint64_t start[MAX_RANGES], end[MAX_RANGES], slot, stored, correct, probe;
    size_t nranges;
    unsigned bytes;
    uint8_t final[2]; /* the slot once the image is corrected */
};

struct ximage {
    char file[64], family[32], good[64];
    size_t size, nblocks, nbad, nidents;
    uint64_t outside, ident_at[MAX_IDENTS], ident_len[MAX_IDENTS];
    struct xblock b[MAX_BLOCKS];
    uint8_t *data;
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

/* "0x0-0x1F00+0x2000-0x8000" */
static int parse_ranges(char *s, struct xblock *b)
{
    char *tok, *save = NULL;
    b->nranges = 0;
    for (tok = strtok_r(s, "+", &save); tok; tok = strtok_r(NULL, "+", &save)) {
        char *dash = strchr(tok, '-');
        if (!dash || b->nranges == MAX_RANGES)
            return -1;
        *dash = '\0';
        if (parse_u64(tok, &b->start[b->nranges]) || parse_u64(dash + 1, &b->end[b->nranges]))
            return -1;
        b->nranges++;
    }
    return b->nranges ? 0 : -1;
}

static int parse_hex2(const char *s, uint8_t out[2])
{
    unsigned i;
    if (strlen(s) != 4)
        return -1;
    for (i = 0; i < 2; i++) {
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
    FILE *fp = fopen(ECU_FIXTURES_DIR "/csum/motronic_old.tsv", "r");
    if (!fp) {
        print_error("cannot open %s\n", ECU_FIXTURES_DIR "/csum/motronic_old.tsv");
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
        } else if (strcmp(f[0], "block") == 0 && n == 10) {
            struct ximage *x = find_image(f[1]);
            uint64_t idx, bytes;
            struct xblock *b;
            if (!x || parse_u64(f[2], &idx) || idx >= x->nblocks)
                goto bad_line;
            b = &x->b[idx];
            if (parse_ranges(f[3], b) || parse_u64(f[4], &b->slot) || parse_u64(f[5], &bytes) ||
                bytes != 2 || parse_u64(f[6], &b->stored) || parse_u64(f[7], &b->correct) ||
                parse_hex2(f[8], b->final) || parse_u64(f[9], &b->probe))
                goto bad_line;
            b->bytes = (unsigned)bytes;
        } else if (strcmp(f[0], "ident") == 0 && n == 4) {
            struct ximage *x = find_image(f[1]);
            if (!x || x->nidents == MAX_IDENTS || parse_u64(f[2], &x->ident_at[x->nidents]) ||
                parse_u64(f[3], &x->ident_len[x->nidents]))
                goto bad_line;
            x->nidents++;
        } else {
            goto bad_line;
        }
    }
    fclose(fp);
    return nimages ? 0 : -1;
bad_line:
    print_error("motronic_old.tsv line %u: not understood\n", lineno);
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
        int len;
        if (!img)
            return -1;
        len = snprintf(path, sizeof path, "%s/csum/%s", ECU_FIXTURES_DIR, images[i].file);
        if (len < 0 || (size_t)len >= sizeof path || ecu_image_load_file(img, path) != ECU_OK ||
            ecu_image_size(img) != images[i].size || !(images[i].data = malloc(images[i].size))) {
            print_error("%s: cannot load it, or not %zu bytes\n", path, images[i].size);
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

static int in_block(const struct xblock *b, uint64_t off)
{
    size_t r;
    for (r = 0; r < b->nranges; r++)
        if (off >= b->start[r] && off < b->end[r])
            return 1;
    return 0;
}

/* Whether @p off lies in the slot of any block. */
static int in_slot(const struct ximage *x, uint64_t off)
{
    size_t i;
    for (i = 0; i < x->nblocks; i++)
        if (off >= x->b[i].slot && off < x->b[i].slot + x->b[i].bytes)
            return 1;
    return 0;
}

/* Every byte where @p a and @p b differ lies in a slot; returns how many differ. */
static size_t diff_only_in_slots(const struct ximage *x, const uint8_t *a, const uint8_t *b,
                                 const char *what)
{
    size_t i, n = 0;
    for (i = 0; i < x->size; i++) {
        if (a[i] == b[i])
            continue;
        n++;
        if (!in_slot(x, i))
            fail_msg("%s: %s: byte 0x%zX changed, outside the checksum slots", x->file, what, i);
    }
    return n;
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
    assert_non_null(img);
    for (i = 0; i < n; i++)
        if (img[i] != want[i])
            fail_msg("%s: byte 0x%zX is 0x%02X, expected 0x%02X", what, i, img[i], want[i]);
}

/* Family and block layout (ranges, slots) as in the manifest. */
static void check_layout(const ecu_csum *cs, const struct ximage *x)
{
    const ecu_family_info *f = ecu_csum_family(cs);
    size_t i, r;
    assert_non_null(f);
    assert_string_equal(f->name, x->family);
    assert_int_equal(ecu_csum_block_count(cs), x->nblocks);
    for (i = 0; i < x->nblocks; i++) {
        const ecu_block *b = ecu_csum_block_at(cs, i);
        assert_non_null(b);
        assert_non_null(b->name);
        assert_non_null(b->algorithm);
        assert_int_equal(b->nranges, x->b[i].nranges);
        for (r = 0; r < b->nranges; r++)
            if (b->ranges[r].start != x->b[i].start[r] || b->ranges[r].end != x->b[i].end[r])
                fail_msg("%s block %zu range %zu: [0x%llX, 0x%llX), expected [0x%llX, 0x%llX)",
                         x->file, i, r, (unsigned long long)b->ranges[r].start,
                         (unsigned long long)b->ranges[r].end,
                         (unsigned long long)x->b[i].start[r], (unsigned long long)x->b[i].end[r]);
        assert_int_equal(b->store_offset, x->b[i].slot);
        assert_int_equal(b->store_bytes, x->b[i].bytes);
    }
    assert_null(ecu_csum_block_at(cs, x->nblocks));
}

/* The blocks in @p bad (a bit set) are bad, the others ok. */
static void check_bad_set(const ecu_csum *cs, const struct ximage *x, unsigned bad,
                          const char *what)
{
    size_t i, n = 0;
    if (ecu_csum_verdict(cs) != ECU_VERDICT_BAD)
        fail_msg("%s: %s: verdict %s, expected bad", x->file, what,
                 ecu_verdict_name(ecu_csum_verdict(cs)));
    check_layout(cs, x);
    for (i = 0; i < x->nblocks; i++) {
        ecu_block_status want = bad >> i & 1 ? ECU_BLOCK_BAD : ECU_BLOCK_OK;
        if (ecu_csum_block_at(cs, i)->status != want)
            fail_msg("%s: %s: block %zu is %s, expected %s", x->file, what, i,
                     ecu_block_status_name(ecu_csum_block_at(cs, i)->status),
                     ecu_block_status_name(want));
        n += bad >> i & 1;
    }
    assert_int_equal(ecu_csum_bad_count(cs), n);
}

/* Corrects the analysed copy @p in whose bad blocks are @p bad: only slots change, those
 * blocks are fixed, a second correction changes nothing; returns the result (malloc'ed). */
static uint8_t *fix_checked(ecu_csum *cs, const struct ximage *x, unsigned bad, const uint8_t *in,
                            const char *what)
{
    size_t i, size;
    uint8_t *out;
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_FIXED);
    assert_int_equal(ecu_csum_bad_count(cs), 0);
    for (i = 0; i < x->nblocks; i++) {
        const ecu_block *b = ecu_csum_block_at(cs, i);
        assert_int_equal(b->status, bad >> i & 1 ? ECU_BLOCK_FIXED : ECU_BLOCK_OK);
        assert_int_equal(b->stored, b->computed);
    }
    out = dup_bytes(ecu_csum_image(cs, &size), x->size);
    assert_int_equal(size, x->size);
    assert_true(diff_only_in_slots(x, in, out, what) > 0);
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    assert_image(cs, out, x->size, what);
    analyze(cs, out, x->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    assert_image(cs, out, x->size, what);
    return out;
}

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

static void check_unknown(ecu_csum *cs, const uint8_t *d, size_t n, const char *what)
{
    if (ecu_csum_verdict(cs) != ECU_VERDICT_UNKNOWN)
        fail_msg("%s: verdict %s (%s), expected unknown", what,
                 ecu_verdict_name(ecu_csum_verdict(cs)),
                 ecu_csum_family(cs) ? ecu_csum_family(cs)->name : "no family");
    assert_null(ecu_csum_family(cs));
    assert_int_equal(ecu_csum_candidate_count(cs), 0);
    assert_int_equal(ecu_csum_block_count(cs), 0);
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_INVALID);
    assert_image(cs, d, n, what);
}

/* ---- the registry --------------------------------------------------------------------------- */

static void test_registry(void **state)
{
    size_t i, k, n = ecu_family_count();
    (void)state;
    for (k = 0; k < NFAMILIES; k++) {
        unsigned seen = 0;
        for (i = 0; i < n; i++) {
            const ecu_family_info *f = ecu_family_at(i);
            assert_non_null(f);
            if (strcmp(f->name, families[k]) != 0)
                continue;
            seen++;
            assert_string_equal(f->manufacturer, "Bosch");
            assert_true(f->description && *f->description);
            assert_true(f->verifies && *f->verifies);
            assert_true(f->corrects && *f->corrects);
            assert_true(f->sources && *f->sources);
        }
        if (seen != 1)
            fail_msg("family %s registered %u times", families[k], seen);
    }
}

/* ---- good images ---------------------------------------------------------------------------- */

static void test_good_images(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i, k, ngood = 0, fam;
    unsigned covered = 0;
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
        for (fam = 0; fam < NFAMILIES; fam++)
            if (strcmp(x->family, families[fam]) == 0)
                covered |= 1u << fam;
        assert_int_equal(x->nbad, 0);
        analyze(cs, x->data, x->size);
        if (ecu_csum_verdict(cs) != ECU_VERDICT_OK)
            fail_msg("%s: verdict %s, expected ok", x->file,
                     ecu_verdict_name(ecu_csum_verdict(cs)));
        check_layout(cs, x);
        /* one candidate only: no other family claims it too */
        assert_int_equal(ecu_csum_candidate_count(cs), 1);
        c = ecu_csum_candidate_at(cs, 0, &score);
        assert_non_null(c);
        assert_string_equal(c->name, x->family);
        assert_true(score >= 50 && score <= 100);
        assert_true(ecu_csum_evidence(cs)[0] != '\0');
        for (k = 0; k < x->nblocks; k++) {
            const ecu_block *b = ecu_csum_block_at(cs, k);
            assert_int_equal(b->stored, x->b[k].stored);
            assert_int_equal(b->computed, x->b[k].correct);
            assert_int_equal(b->status, ECU_BLOCK_OK);
            assert_memory_equal(x->data + x->b[k].slot, x->b[k].final, 2);
        }
        assert_int_equal(ecu_csum_fix(cs), ECU_OK);
        assert_image(cs, x->data, x->size, x->file);
        /* a byte that no block covers changes nothing */
        assert_false(in_slot(x, x->outside));
        copy = dup_bytes(x->data, x->size);
        copy[x->outside] ^= 0x01;
        analyze(cs, copy, x->size);
        assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
        check_layout(cs, x);
        free(copy);
    }
    assert_true(ngood >= NFAMILIES);
    assert_int_equal(covered, (1u << NFAMILIES) - 1);
    ecu_csum_free(cs);
}

/* ---- one data byte of one block ------------------------------------------------------------- */

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
            assert_true(in_block(&x->b[k], p));
            for (j = 0; j < x->nblocks; j++)
                assert_true(j == k || !in_block(&x->b[j], p));
            assert_false(in_slot(x, p));

            copy = dup_bytes(x->data, x->size);
            copy[p] ^= 0x01;
            analyze(cs, copy, x->size);
            check_bad_set(cs, x, 1u << k, what);
            fixed = fix_checked(cs, x, 1u << k, copy, what);

            /* the data byte put back: block k is bad again, and correcting it gives back the
             * good image byte for byte */
            fixed[p] = x->data[p];
            analyze(cs, fixed, x->size);
            check_bad_set(cs, x, 1u << k, what);
            assert_int_equal(ecu_csum_fix(cs), ECU_OK);
            assert_image(cs, x->data, x->size, what);
            free(fixed);
            free(copy);
        }
    }
    ecu_csum_free(cs);
}

/* ---- a wrong value in a checksum slot -------------------------------------------------------- */

/* Block k's slot changed: k is bad, and so is every block whose ranges cover that slot; the
 * correction gives back the good image byte for byte. */
static void test_slot_each_block(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i, k, j;
    unsigned byte;
    (void)state;
    assert_non_null(cs);
    for (i = 0; i < nimages; i++) {
        const struct ximage *x = &images[i];
        if (!is_good(x))
            continue;
        for (k = 0; k < x->nblocks; k++) {
            for (byte = 0; byte < x->b[k].bytes; byte++) {
                uint64_t at = x->b[k].slot + byte;
                unsigned bad = 1u << k;
                uint8_t *copy, *fixed;
                char what[96];
                for (j = 0; j < x->nblocks; j++)
                    if (in_block(&x->b[j], at))
                        bad |= 1u << j;
                snprintf(what, sizeof what, "block %zu, slot byte %u changed", k, byte);
                copy = dup_bytes(x->data, x->size);
                copy[at] ^= 0x5A;
                analyze(cs, copy, x->size);
                check_bad_set(cs, x, bad, what);
                fixed = fix_checked(cs, x, bad, copy, what);
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
        size_t ndiff = 0;
        unsigned bad = 0;
        if (is_good(x))
            continue;
        nvariants++;
        g = find_image(x->good);
        assert_non_null(g);
        assert_int_equal(g->size, x->size);
        assert_int_equal(g->nblocks, x->nblocks);
        assert_true(x->nbad > 0);
        for (k = 0; k < x->size; k++) {
            if (x->data[k] == g->data[k])
                continue;
            ndiff++;
            assert_false(in_slot(x, k));
        }
        assert_true(ndiff > 0);

        analyze(cs, x->data, x->size);
        want = dup_bytes(x->data, x->size);
        for (k = 0; k < x->nblocks; k++) {
            const ecu_block *b = ecu_csum_block_at(cs, k);
            assert_non_null(b);
            assert_int_equal(b->stored, x->b[k].stored);
            assert_int_equal(b->computed, x->b[k].correct);
            if (x->b[k].stored != x->b[k].correct)
                bad |= 1u << k;
            memcpy(want + x->b[k].slot, x->b[k].final, 2);
        }
        check_bad_set(cs, x, bad, "stale checksums");
        assert_int_equal(ecu_csum_bad_count(cs), x->nbad);

        out = fix_checked(cs, x, bad, x->data, "stale checksums");
        assert_memory_equal(out, want, x->size);

        /* the changed data bytes put back from the good image: correcting gives the good
         * image byte for byte */
        for (k = 0; k < x->size; k++)
            if (x->data[k] != g->data[k])
                out[k] = g->data[k];
        analyze(cs, out, x->size);
        assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
        assert_int_equal(ecu_csum_fix(cs), ECU_OK);
        assert_image(cs, g->data, g->size, x->file);
        free(out);
        free(want);
    }
    assert_true(nvariants >= NFAMILIES);
    ecu_csum_free(cs);
}

/* ---- nothing claimed on the size alone ------------------------------------------------------ */

static void test_not_claimed(void **state)
{
    static const size_t sizes[] = {0x8000, 0x10000, 0x20000, 0x40000};
    ecu_csum *cs = ecu_csum_new();
    size_t i, k;
    (void)state;
    assert_non_null(cs);
    /* random and erased images of every size these families take */
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint8_t *p = random_buffer(sizes[i], 0x5EED0000u + (uint32_t)i);
        analyze(cs, p, sizes[i]);
        check_unknown(cs, p, sizes[i], "random bytes");
        memset(p, 0xFF, sizes[i]);
        analyze(cs, p, sizes[i]);
        check_unknown(cs, p, sizes[i], "erased (0xFF)");
        memset(p, 0x00, sizes[i]);
        analyze(cs, p, sizes[i]);
        check_unknown(cs, p, sizes[i], "zeros");
        free(p);
    }
    /* each good image with its identification erased: unclaimed, checksums and all */
    for (i = 0; i < nimages; i++) {
        const struct ximage *x = &images[i];
        uint8_t *copy;
        char what[128];
        if (!is_good(x))
            continue;
        assert_true(x->nidents > 0);
        copy = dup_bytes(x->data, x->size);
        for (k = 0; k < x->nidents; k++)
            memset(copy + x->ident_at[k], 0xFF, (size_t)x->ident_len[k]);
        snprintf(what, sizeof what, "%.63s without its identification", x->file);
        analyze(cs, copy, x->size);
        check_unknown(cs, copy, x->size, what);
        free(copy);
    }
    ecu_csum_free(cs);
}

/* ---- the other identifications -------------------------------------------------------------- */

/* @p x with its identification erased and @p text put at @p at (outside every range and slot):
 * claimed by its family again. */
static void check_reidentified(ecu_csum *cs, const struct ximage *x, uint64_t at, const char *text,
                               size_t len)
{
    uint8_t *copy = dup_bytes(x->data, x->size);
    size_t k;
    for (k = 0; k < x->nidents; k++)
        memset(copy + x->ident_at[k], 0xFF, (size_t)x->ident_len[k]);
    analyze(cs, copy, x->size);
    check_unknown(cs, copy, x->size, x->file);
    memcpy(copy + at, text, len);
    analyze(cs, copy, x->size);
    check_layout(cs, x);
    assert_true(ecu_csum_evidence(cs)[0] != '\0');
    free(copy);
}

static void test_other_idents(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    const struct ximage *m43 = find_image("motronic-m43-volvo-64k.bin.gz");
    const struct ximage *m44 = find_image("motronic-m44-volvo-128k.bin.gz");
    const struct ximage *m1 = find_image("motronic-m1x-bmw-32k.bin.gz");
    static const char zsmfc[] = "ZSMFC                                   0261203000";
    static const char damos44[] = "44/1/M4.4/04/5033/DAMOS3E1/";
    uint8_t *copy;
    (void)state;
    assert_non_null(cs);
    assert_non_null(m43);
    assert_non_null(m44);
    assert_non_null(m1);
    /* M4.3 by motronicsuite's marker (hardware number 40 bytes on), M4.4 by its DAMOS tag */
    check_reidentified(cs, m43, 0xFF10, zsmfc, sizeof zsmfc - 1);
    check_reidentified(cs, m44, 0xFF10, damos44, sizeof damos44 - 1);
    /* an M1.x number not in the list: claimed on the code bytes at 0x1EFC, then not at all */
    copy = dup_bytes(m1->data, m1->size);
    memcpy(copy + 0x1F02, "2710021620", 10);
    analyze(cs, copy, m1->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    check_layout(cs, m1);
    assert_non_null(strstr(ecu_csum_evidence(cs), "0261200172"));
    copy[0x1EFC] ^= 0xFF;
    analyze(cs, copy, m1->size);
    check_unknown(cs, copy, m1->size, "M1.x, unlisted number and no code bytes");
    free(copy);
    ecu_csum_free(cs);
}

/* ---- families given by name ------------------------------------------------------------------ */

static void test_forced(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    const struct ximage *m43 = find_image("motronic-m43-volvo-64k.bin.gz");
    const struct ximage *m44 = find_image("motronic-m44-volvo-128k.bin.gz");
    const struct ximage *m1 = find_image("motronic-m1x-bmw-32k.bin.gz");
    uint8_t *rnd = random_buffer(0x10000, 0xD0E00001u);
    size_t i;
    (void)state;
    assert_non_null(cs);
    assert_non_null(m43);
    assert_non_null(m44);
    assert_non_null(m1);
    /* the right family by name: the same result as detection */
    for (i = 0; i < nimages; i++) {
        const struct ximage *x = &images[i];
        assert_int_equal(ecu_csum_set_family(cs, x->family), ECU_OK);
        analyze(cs, x->data, x->size);
        assert_int_equal(ecu_csum_verdict(cs), is_good(x) ? ECU_VERDICT_OK : ECU_VERDICT_BAD);
        check_layout(cs, x);
    }
    /* a fixed layout of another size: nothing to check */
    assert_int_equal(ecu_csum_set_family(cs, "bosch-m43-volvo"), ECU_OK);
    analyze(cs, m44->data, m44->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_NO_LAYOUT);
    assert_int_equal(ecu_csum_set_family(cs, "bosch-m44-volvo"), ECU_OK);
    analyze(cs, m43->data, m43->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_NO_LAYOUT);
    assert_int_equal(ecu_csum_set_family(cs, "bosch-m1x-bmw"), ECU_OK);
    analyze(cs, m43->data, m43->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_NO_LAYOUT);
    /* layouts found from the image's own structure: none in random bytes */
    assert_int_equal(ecu_csum_set_family(cs, "bosch-dme-bmw"), ECU_OK);
    analyze(cs, rnd, 0x10000);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_NO_LAYOUT);
    assert_int_equal(ecu_csum_set_family(cs, "bosch-dme-bmw"), ECU_OK);
    analyze(cs, m1->data, m1->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_NO_LAYOUT);
    assert_int_equal(ecu_csum_set_family(cs, "bosch-m3x-m5x"), ECU_OK);
    analyze(cs, m43->data, m43->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_NO_LAYOUT);
    assert_int_equal(ecu_csum_set_family(cs, NULL), ECU_OK);
    free(rnd);
    ecu_csum_free(cs);
}

/* ---- the real dumps: no false claims --------------------------------------------------------- */

static void test_corpus_claims(void **state)
{
    const char *env = getenv("ECU_CORPUS");
    char base[1024], path[2200], line[8192];
    ecu_image *img = ecu_image_new();
    ecu_csum *cs = ecu_csum_new();
    size_t claimed = 0, checked = 0;
    FILE *f;
    (void)state;
    assert_non_null(img);
    assert_non_null(cs);
    snprintf(base, sizeof base, "%s", env && *env ? env : ECU_CORPUS_DIR);
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", base);
    if (!(f = fopen(path, "r"))) {
        print_message("corpus not found at %s: skipped\n", base);
        ecu_image_free(img);
        ecu_csum_free(cs);
        skip();
        return;
    }
    while (fgets(line, sizeof line, f)) {
        char *col[6] = {0}, *p = line;
        const ecu_family_info *got;
        size_t k;
        int ours = 0;
        for (k = 0; k < 6 && p; k++) {
            col[k] = p;
            if ((p = strchr(p, '\t')))
                *p++ = '\0';
        }
        if (!col[4] || strcmp(col[0], "file") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", base, col[0]);
        if (ecu_image_load_file(img, path) != ECU_OK)
            fail_msg("%s: %s", col[0], ecu_image_error_detail(img));
        analyze(cs, ecu_image_data(img), ecu_image_size(img));
        checked++;
        if (!(got = ecu_csum_family(cs)))
            continue;
        for (k = 0; k < NFAMILIES; k++)
            ours |= strcmp(got->name, families[k]) == 0;
        if (!ours)
            continue;
        claimed++;
        if (strcmp(col[4], "motronic_old") != 0 && strcmp(col[4], "other") != 0)
            fail_msg("%s (%s): claimed by %s", col[0], col[4], got->name);
    }
    fclose(f);
    print_message("%zu dumps checked, %zu claimed by the Motronic families (motronic_old only)\n",
                  checked, claimed);
    ecu_image_free(img);
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
        cmocka_unit_test(test_not_claimed),
        cmocka_unit_test(test_other_idents),
        cmocka_unit_test(test_forced),
        cmocka_unit_test(test_corpus_claims),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
