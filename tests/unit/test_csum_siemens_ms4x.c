/* SPDX-License-Identifier: MIT */
/*
 * The BMW Siemens MS4x checksum families (lib/families/siemens_ms4x.c) against synthetic
 * images (fixtures/csum/ms4x-*.bin.gz, written by fixtures/csum/siemens_ms4x.py from the
 * documented layouts, every value computed there in Python): the generic checks of
 * csum_manifest.h, then what is particular to these layouts: the CRC-16 chained across a
 * slot's blocks in table order, the calibration monitor sum settled before the calibration CRC
 * that covers it, tables that point out of the image or are absurd (reported bad, never
 * corrected), truncated images, and no claim on random data or other families' fixtures.
 * Over the real dumps of ../shared/corpus (or $ECU_CORPUS), when present: no claim outside the
 * bmw_ms43 and bmw_siemens folders, and every value of the MS43 dumps equal to what the
 * independent checker of MANIFEST.tsv found.
 */
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

static const char *const families[] = {"siemens-ms43", "siemens-ms42", "siemens-ms45"};
#define NFAMILIES (sizeof families / sizeof families[0])

#define MS43 "ms4x-ms43-512k.bin.gz"
#define MS43_BAD "ms4x-ms43-512k-bad.bin.gz"
#define MS42 "ms4x-ms42-512k.bin.gz"
#define MS45 "ms4x-ms45-1m.bin.gz"

/* MS43 block indices: the monitor sums come before the CRCs */
enum { PMON, CMON, BOOT, PROG, CAL };

CSUM_MANIFEST_GROUP(manifest, "siemens_ms4x.tsv", 0, 0)

/* ---- helpers -------------------------------------------------------------------------------- */

static void put16(uint8_t *d, size_t at, unsigned v)
{
    d[at] = (uint8_t)v;
    d[at + 1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *d, size_t at, uint32_t v)
{
    put16(d, at, v & 0xFFFF);
    put16(d, at + 2, v >> 16);
}

/* @p copy (an MS43 image with a damaged table): still claimed, block @p k bad and "not usable",
   the other blocks as in the good image, and a correction refused with nothing changed. */
static void check_unusable(ecu_csum *cs, const uint8_t *copy, size_t n, size_t k, const char *what)
{
    const struct csum_image *x = csum_image(&manifest, MS43);
    size_t i;
    csum_analyze(cs, copy, n);
    if (ecu_csum_verdict(cs) != ECU_VERDICT_BAD)
        fail_msg("%s: verdict %s, expected bad", what, ecu_verdict_name(ecu_csum_verdict(cs)));
    assert_string_equal(ecu_csum_family(cs)->name, "siemens-ms43");
    assert_int_equal(ecu_csum_block_count(cs), x->nblocks);
    for (i = 0; i < x->nblocks; i++) {
        const ecu_block *b = ecu_csum_block_at(cs, i);
        if (i == k) {
            assert_int_equal(b->status, ECU_BLOCK_BAD);
            assert_non_null(strstr(b->algorithm, "not usable"));
            assert_int_equal(b->nranges, 0);
        } else if (b->status != ECU_BLOCK_OK) {
            fail_msg("%s: block %zu is %s", what, i, ecu_block_status_name(b->status));
        }
    }
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
    csum_assert_image(cs, copy, n, what);
}

/* ---- the registry --------------------------------------------------------------------------- */

static void test_registry(void **state)
{
    size_t k;
    (void)state;
    for (k = 0; k < NFAMILIES; k++) {
        const ecu_family_info *f = csum_family_info(families[k]);
        assert_string_equal(f->manufacturer, "Siemens");
        assert_true(f->verifies && *f->verifies);
        assert_true(f->corrects && *f->corrects);
    }
}

/* ---- the generic checks ----------------------------------------------------------------------- */

static void test_good_images(void **state)
{
    (void)state;
    assert_int_equal(csum_check_good_images(&manifest), NFAMILIES);
}

static void test_flip_each_block(void **state)
{
    (void)state;
    csum_check_flip_each_block(&manifest);
}

static void test_probes(void **state)
{
    (void)state;
    assert_true(csum_check_probes(&manifest) >= 9);
}

static void test_slot_each_block(void **state)
{
    (void)state;
    csum_for_each_good_block(&manifest, csum_check_slot_bytes);
}

static void test_bad_variants(void **state)
{
    (void)state;
    assert_int_equal(csum_check_bad_variants(&manifest), NFAMILIES);
}

/* ---- MS43: monitor sums before CRCs ---------------------------------------------------------- */

/* The calibration monitor slot lies inside the calibration CRC, and the -bad image changed a
 * calibration monitor byte: before the correction the CRC over the stale monitor slot
 * disagrees with the CRC the corrected file holds; the correction writes the monitor sum and
 * then the CRC over it, exactly the slot bytes the generator settled in that order (the
 * engine's second pass changes nothing and every block verifies at the end). */
static void test_ms43_monitor_before_crc(void **state)
{
    const struct csum_image *g = csum_image(&manifest, MS43), *x = csum_image(&manifest, MS43_BAD);
    ecu_csum *cs = ecu_csum_new();
    const uint8_t *out;
    uint8_t *copy;
    size_t n, i, changed = 0;
    (void)state;
    assert_non_null(cs);
    /* the documented dependency, as the image's tables give it */
    assert_true(csum_in_block(&g->b[CAL], g->b[CMON].slot));
    assert_true(csum_in_block(&g->b[CAL], g->b[CMON].slot + 3));
    /* only a calibration monitor byte changed (and one boot byte) */
    copy = csum_dup(g->data, g->size);
    for (i = 0; i < g->size; i++)
        if (x->data[i] != g->data[i] && csum_in_block(&g->b[CMON], i))
            copy[i] = x->data[i], changed++;
    assert_int_equal(changed, 1);
    csum_analyze(cs, copy, g->size);
    csum_check_bad_set(cs, g, (1u << CMON) | (1u << CAL), "calibration monitor byte");
    /* the CRC the data asks for now is not the one the corrected file holds */
    assert_int_not_equal(ecu_csum_block_at(cs, CAL)->computed,
                         (uint64_t)x->b[CAL].fixed[0] | (uint64_t)x->b[CAL].fixed[1] << 8);
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    out = ecu_csum_image(cs, &n);
    assert_int_equal(n, g->size);
    /* both slots rewritten, to the generator's values; nothing else */
    assert_memory_equal(out + x->b[CMON].slot, x->b[CMON].fixed, 4);
    assert_memory_equal(out + x->b[CAL].slot, x->b[CAL].fixed, 2);
    for (i = 0, changed = 0; i < n; i++)
        if (out[i] != copy[i]) {
            changed++;
            assert_true(csum_in_slot(g, i));
            assert_true((i >= g->b[CMON].slot && i < g->b[CMON].slot + 4) ||
                        (i >= g->b[CAL].slot && i < g->b[CAL].slot + 2));
        }
    assert_true(changed >= 2);
    for (i = 0; i < ecu_csum_block_count(cs); i++)
        assert_int_not_equal(ecu_csum_block_at(cs, i)->status, ECU_BLOCK_BAD);
    /* analysed afresh: valid, and a second correction changes nothing */
    free(copy);
    copy = csum_dup(out, n);
    csum_analyze(cs, copy, n);
    csum_assert_verdict(cs, ECU_VERDICT_OK, "corrected");
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    csum_assert_image(cs, copy, n, "corrected twice");
    free(copy);
    ecu_csum_free(cs);
}

/* ---- chained CRCs ----------------------------------------------------------------------------- */

/* The program CRC runs on across its blocks in table order: the same blocks listed in another
 * order give another CRC (the block is bad, the others unchanged), and the correction writes
 * the CRC of the new order, which verifies. */
static void test_chained_order(void **state)
{
    const struct csum_image *g = csum_image(&manifest, MS43);
    ecu_csum *cs = ecu_csum_new();
    uint8_t *copy = csum_dup(g->data, g->size), entry[8];
    const ecu_block *b;
    size_t i;
    (void)state;
    assert_non_null(cs);
    /* swap the first two entries of the program slot table */
    memcpy(entry, copy + 0x6FDE4, 8);
    memmove(copy + 0x6FDE4, copy + 0x6FDEC, 8);
    memcpy(copy + 0x6FDEC, entry, 8);
    csum_analyze(cs, copy, g->size);
    csum_assert_verdict(cs, ECU_VERDICT_BAD, "program table reordered");
    b = ecu_csum_block_at(cs, PROG);
    assert_int_equal(b->status, ECU_BLOCK_BAD);
    assert_int_equal(b->nranges, g->b[PROG].nranges);
    assert_int_equal(b->ranges[0].start, g->b[PROG].start[1]);
    assert_int_equal(b->ranges[1].start, g->b[PROG].start[0]);
    assert_int_equal(b->stored, g->b[PROG].stored);
    assert_int_not_equal(b->computed, g->b[PROG].correct);
    for (i = 0; i < g->nblocks; i++)
        if (i != PROG)
            assert_int_equal(ecu_csum_block_at(cs, i)->status, ECU_BLOCK_OK);
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    free(copy);
    copy = csum_dup(ecu_csum_image(cs, NULL), g->size);
    csum_analyze(cs, copy, g->size);
    csum_assert_verdict(cs, ECU_VERDICT_OK, "reordered and corrected");
    /* one block split in two at any point: the same chained CRC, still valid */
    memcpy(copy, g->data, g->size);
    put16(copy, 0x73FE2, 3);
    put32(copy, 0x73FE4 + 16, 0x75000);
    put32(copy, 0x73FE4 + 20, 0x757FF);
    put32(copy, 0x73FE4 + 12, 0x74FFF);
    csum_analyze(cs, copy, g->size);
    csum_assert_verdict(cs, ECU_VERDICT_OK, "calibration block split in two");
    assert_int_equal(ecu_csum_block_at(cs, CAL)->nranges, 3);
    assert_int_equal(ecu_csum_block_at(cs, CAL)->computed, g->b[CAL].correct);
    free(copy);
    ecu_csum_free(cs);
}

/* ---- absurd tables ---------------------------------------------------------------------------- */

static void test_tables_rejected(void **state)
{
    const struct csum_image *g = csum_image(&manifest, MS43), *m42 = csum_image(&manifest, MS42),
                            *m45 = csum_image(&manifest, MS45);
    ecu_csum *cs = ecu_csum_new();
    uint8_t *copy = csum_dup(g->data, g->size);
    (void)state;
    assert_non_null(cs);
    /* program slot: no block, too many, an end past the image, end before start, an address
       in the calibration window, an end of 0xFFFFFFFF */
    put16(copy, 0x6FDE2, 0);
    check_unusable(cs, copy, g->size, PROG, "program count 0");
    put16(copy, 0x6FDE2, 9);
    check_unusable(cs, copy, g->size, PROG, "program count 9");
    put16(copy, 0x6FDE2, 0xFFFF);
    check_unusable(cs, copy, g->size, PROG, "program count 0xFFFF");
    memcpy(copy, g->data, g->size);
    put32(copy, 0x6FDE8, 0x100000);
    check_unusable(cs, copy, g->size, PROG, "program end past the image");
    put32(copy, 0x6FDE8, 0xFFFFFFFF);
    check_unusable(cs, copy, g->size, PROG, "program end 0xFFFFFFFF");
    put32(copy, 0x6FDE8, 0x8FFFF);
    check_unusable(cs, copy, g->size, PROG, "program end before start");
    memcpy(copy, g->data, g->size);
    put32(copy, 0x6FDE4, 0x70000);
    check_unusable(cs, copy, g->size, PROG, "program start in the calibration window");
    /* calibration slot pointing into the program area, boot slot past 0x10000 */
    memcpy(copy, g->data, g->size);
    put32(copy, 0x73FE4, 0x6FFFF);
    check_unusable(cs, copy, g->size, CAL, "calibration start below 0x70000");
    memcpy(copy, g->data, g->size);
    put32(copy, 0x3C2C, 0x10000);
    check_unusable(cs, copy, g->size, BOOT, "boot end past 0xFFFF");
    /* monitor tables: an address out of the image, a region over its own slot, odd length */
    memcpy(copy, g->data, g->size);
    put32(copy, 0x6FDBE + 4, 0x00FF0000);
    check_unusable(cs, copy, g->size, PMON, "program monitor end out of the image");
    memcpy(copy, g->data, g->size);
    put32(copy, 0x6FDCE + 8, 0x72FF0);
    put32(copy, 0x6FDCE + 12, 0x73000);
    check_unusable(cs, copy, g->size, CMON, "calibration monitor over its slot");
    memcpy(copy, g->data, g->size);
    put32(copy, 0x6FDCE + 4, 0x71051);
    check_unusable(cs, copy, g->size, CMON, "calibration monitor of an odd length");
    memcpy(copy, g->data, g->size);
    put32(copy, 0x6FDCE, 0x50000);
    check_unusable(cs, copy, g->size, CMON, "calibration monitor in the program area");
    /* every slot table gone: no layout when forced, unclaimed otherwise */
    memcpy(copy, g->data, g->size);
    put16(copy, 0x3C26, 0);
    put16(copy, 0x6FDE2, 0);
    put16(copy, 0x73FE2, 0);
    csum_analyze(cs, copy, g->size);
    csum_assert_unknown(cs, copy, g->size, "MS43 without slot tables");
    assert_int_equal(ecu_csum_set_family(cs, "siemens-ms43"), ECU_OK);
    csum_analyze(cs, copy, g->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_NO_LAYOUT);
    assert_int_equal(ecu_csum_set_family(cs, NULL), ECU_OK);
    free(copy);

    /* MS42: pointers past the image are not claimed; forced, the slot is a bad block */
    copy = csum_dup(m42->data, m42->size);
    copy[0x502F4] = 0xFF;
    csum_analyze(cs, copy, m42->size);
    csum_assert_unknown(cs, copy, m42->size, "MS42 calibration pointer past the image");
    assert_int_equal(ecu_csum_set_family(cs, "siemens-ms42"), ECU_OK);
    csum_analyze(cs, copy, m42->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    assert_int_equal(ecu_csum_block_at(cs, 2)->status, ECU_BLOCK_BAD);
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
    csum_assert_image(cs, copy, m42->size, "MS42 forced, pointer past the image");
    memcpy(copy, m42->data, m42->size);
    put16(copy, 0x502F8, 0x7FFF); /* the seed address far past the image */
    csum_analyze(cs, copy, m42->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    assert_non_null(strstr(ecu_csum_block_at(cs, 2)->algorithm, "not usable"));
    assert_int_equal(ecu_csum_set_family(cs, NULL), ECU_OK);
    free(copy);

    /* MS45: a segment past the parameter blob, or two segments (the init would be one) */
    copy = csum_dup(m45->data, m45->size);
    copy[0x4010C] = 0xFF;
    copy[0x4010D] = 0xE6;
    csum_analyze(cs, copy, m45->size);
    csum_assert_unknown(cs, copy, m45->size, "MS45 segment past the blob");
    memcpy(copy, m45->data, m45->size);
    copy[0x40107] = 2;
    csum_analyze(cs, copy, m45->size);
    csum_assert_unknown(cs, copy, m45->size, "MS45 two segments");
    assert_int_equal(ecu_csum_set_family(cs, "siemens-ms45"), ECU_OK);
    csum_analyze(cs, copy, m45->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_NO_LAYOUT);
    assert_int_equal(ecu_csum_set_family(cs, NULL), ECU_OK);
    free(copy);
    ecu_csum_free(cs);
}

/* ---- truncated images ------------------------------------------------------------------------- */

static void test_truncated(void **state)
{
    static const size_t cuts[] = {0, 1, 0x3C25, 0x3C30, 0x3FE7, 0x40000, 0x40104, 0x4FEE1,
                                  0x502D0, 0x6FDE3, 0x6FFC0, 0x70009, 0x73FE4, 0x7FFFF,
                                  0xFFFFF};
    ecu_csum *cs = ecu_csum_new();
    size_t i, c, f;
    (void)state;
    assert_non_null(cs);
    for (i = 0; i < manifest.nimages; i++) {
        const struct csum_image *x = &manifest.images[i];
        for (c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
            size_t n = cuts[c];
            uint8_t *p;
            if (n >= x->size)
                continue;
            /* an exact copy of the prefix in its own buffer: ASan sees any read past it */
            p = malloc(n ? n : 1);
            assert_non_null(p);
            memcpy(p, x->data, n);
            csum_analyze(cs, p, n);
            if (csum_is_one_of(ecu_csum_family(cs), families, NFAMILIES))
                fail_msg("%s cut to 0x%zX bytes: claimed by %s", x->file, n,
                         ecu_csum_family(cs)->name);
            /* given by name: never valid, never out of bounds */
            for (f = 0; f < NFAMILIES; f++) {
                assert_int_equal(ecu_csum_set_family(cs, families[f]), ECU_OK);
                csum_analyze(cs, p, n);
                assert_int_not_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
                if (ecu_csum_verdict(cs) == ECU_VERDICT_BAD) {
                    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
                    csum_assert_image(cs, p, n, "truncated, forced");
                }
            }
            assert_int_equal(ecu_csum_set_family(cs, NULL), ECU_OK);
            free(p);
        }
    }
    ecu_csum_free(cs);
}

/* ---- nothing claimed without the identification ----------------------------------------------- */

static void test_not_claimed(void **state)
{
    static const size_t sizes[] = {0x80000, 0x100000};
    static const char *const others[] = {"expected.tsv", "motronic_old.tsv", "c167.tsv",
                                         "edc17.tsv", "edc15-expected.tsv"};
    ecu_csum *cs = ecu_csum_new();
    size_t i, k;
    (void)state;
    assert_non_null(cs);
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint8_t *p = csum_random_buffer(sizes[i], 0x5EED4D53u + (uint32_t)i);
        csum_analyze(cs, p, sizes[i]);
        assert_false(csum_is_one_of(ecu_csum_family(cs), families, NFAMILIES));
        memset(p, 0xFF, sizes[i]);
        csum_analyze(cs, p, sizes[i]);
        csum_assert_unknown(cs, p, sizes[i], "erased (0xFF)");
        memset(p, 0x00, sizes[i]);
        csum_analyze(cs, p, sizes[i]);
        csum_assert_unknown(cs, p, sizes[i], "zeros");
        /* forced on random bytes: no layout, or bad and never corrected */
        for (k = 0; k < NFAMILIES; k++) {
            uint8_t *r = csum_random_buffer(sizes[i], 0x5EED0000u + (uint32_t)k);
            assert_int_equal(ecu_csum_set_family(cs, families[k]), ECU_OK);
            csum_analyze(cs, r, sizes[i]);
            assert_int_not_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
            free(r);
        }
        assert_int_equal(ecu_csum_set_family(cs, NULL), ECU_OK);
        free(p);
    }
    /* each good image with its identification erased: unclaimed */
    for (i = 0; i < manifest.nimages; i++) {
        const struct csum_image *x = &manifest.images[i];
        uint8_t *copy;
        char what[128];
        if (!csum_is_good(x))
            continue;
        assert_true(x->nidents > 0);
        copy = csum_without_idents(x);
        snprintf(what, sizeof what, "%.63s without its identification", x->file);
        csum_analyze(cs, copy, x->size);
        csum_assert_unknown(cs, copy, x->size, what);
        free(copy);
    }
    /* MS43 and MS42 told apart by their markers: the MS43 image with an MS42 record is not
       claimed by MS42 (its calibration slot at 0x4FEE0 is erased) */
    {
        const struct csum_image *g = csum_image(&manifest, MS43);
        uint8_t *copy = csum_dup(g->data, g->size);
        copy[0x3F80 + 23] = '2';
        csum_analyze(cs, copy, g->size);
        /* still MS43 by its program number, never MS42 */
        assert_string_equal(ecu_csum_family(cs)->name, "siemens-ms43");
        put16(copy, 0x4FEE0, 0x1234);
        csum_analyze(cs, copy, g->size);
        assert_false(csum_is_one_of(ecu_csum_family(cs), families, NFAMILIES));
        free(copy);
    }
    /* the other families' fixtures */
    for (k = 0; k < sizeof others / sizeof others[0]; k++) {
        struct csum_manifest *m = calloc(1, sizeof *m);
        char path[512];
        assert_non_null(m);
        snprintf(path, sizeof path, "%s/csum/%s", ECU_FIXTURES_DIR, others[k]);
        assert_int_equal(csum_manifest_load(m, path), 0);
        for (i = 0; i < m->nimages; i++) {
            csum_analyze(cs, m->images[i].data, m->images[i].size);
            if (csum_is_one_of(ecu_csum_family(cs), families, NFAMILIES))
                fail_msg("%s: claimed by %s", m->images[i].file, ecu_csum_family(cs)->name);
        }
        csum_manifest_free(m);
        free(m);
    }
    ecu_csum_free(cs);
}

/* ---- the real dumps --------------------------------------------------------------------------- */

static void test_corpus_claims(void **state)
{
    static const char *const folders[] = {"bmw_ms43", "bmw_siemens"};
    (void)state;
    if (!csum_check_corpus_claims(families, NFAMILIES, folders, 2))
        skip();
}

/* "NAME ok|BAD (... stored XXXX calc YYYY)" in the oracle text: 1 and the two values when
   found. */
static int oracle_value(const char *oracle, const char *name, uint64_t *stored, uint64_t *calc)
{
    char key[32];
    const char *p, *s;
    unsigned long long a, b;
    snprintf(key, sizeof key, "; %s ", name);
    if (strncmp(oracle, "ms43: ", 6) == 0 && strncmp(oracle + 6, name, strlen(name)) == 0 &&
        oracle[6 + strlen(name)] == ' ')
        p = oracle + 6;
    else if (!(p = strstr(oracle, key)))
        return 0;
    if (!(s = strstr(p, "stored ")) || sscanf(s, "stored %llx calc %llx", &a, &b) != 2)
        return 0;
    *stored = a;
    *calc = b;
    return 1;
}

struct oracle {
    ecu_csum *cs;
    size_t files, values;
};

/* The MS43 dumps with the oracle's values. */
static int ms43_oracle(void *ctx, char *const *col)
{
    (void)ctx;
    return col[7] && strcmp(col[4], "bmw_ms43") == 0 && strncmp(col[7], "ms43: ", 6) == 0;
}

static void check_oracle(void *ctx, char *const *col, const uint8_t *d, size_t n)
{
    static const char *const names[] = {"prog-mon", "cal-mon", "boot", "prog", "cal"};
    struct oracle *o = ctx;
    size_t k;
    csum_analyze(o->cs, d, n);
    if (!ecu_csum_family(o->cs) || strcmp(ecu_csum_family(o->cs)->name, "siemens-ms43") != 0)
        fail_msg("%s: not siemens-ms43", col[0]);
    assert_int_equal(ecu_csum_block_count(o->cs), 5);
    for (k = 0; k < 5; k++) {
        uint64_t st, calc;
        const ecu_block *b = ecu_csum_block_at(o->cs, k);
        if (!oracle_value(col[7], names[k], &st, &calc))
            fail_msg("%s: no %s value in the oracle", col[0], names[k]);
        if (b->stored != st || b->computed != calc)
            fail_msg("%s: %s stored 0x%llX computed 0x%llX, the oracle 0x%llX 0x%llX", col[0],
                     names[k], (unsigned long long)b->stored, (unsigned long long)b->computed,
                     (unsigned long long)st, (unsigned long long)calc);
        o->values++;
    }
    o->files++;
}

static void test_corpus_oracle(void **state)
{
    struct oracle o = {ecu_csum_new(), 0, 0};
    int found;
    (void)state;
    assert_non_null(o.cs);
    found = csum_for_each_corpus_dump(ms43_oracle, check_oracle, &o);
    ecu_csum_free(o.cs);
    if (!found) {
        skip();
        return;
    }
    print_message("%zu MS43 dumps, %zu values equal to the oracle's\n", o.files, o.values);
    assert_true(o.files > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_good_images),
        cmocka_unit_test(test_flip_each_block),
        cmocka_unit_test(test_probes),
        cmocka_unit_test(test_slot_each_block),
        cmocka_unit_test(test_bad_variants),
        cmocka_unit_test(test_ms43_monitor_before_crc),
        cmocka_unit_test(test_chained_order),
        cmocka_unit_test(test_tables_rejected),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_not_claimed),
        cmocka_unit_test(test_corpus_claims),
        cmocka_unit_test(test_corpus_oracle),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
