/* SPDX-License-Identifier: MIT */
/*
 * The Bosch C167 families M7.9.7 (Hyundai/Kia, China), M7.9.8 and ME7.4.5
 * (lib/families/bosch_m797.c, bosch_m798.c, bosch_me745.c) against synthetic images
 * (fixtures/csum/c167-*.bin.gz, written by fixtures/csum/c167.py from the documented layouts).
 * Each family has a single public source and no dump of ours: these images are what they are
 * tested on. What the library must find comes from fixtures/csum/c167.tsv, computed by the
 * generator independently of the C code: the blocks with their ranges, slots and values, the
 * slot bytes after a correction, and for data bytes the blocks they feed (the layouts overlap:
 * multipoint records lie inside the main sums). The real dumps of ../shared/corpus (or
 * $ECU_CORPUS), when present, are checked for false claims.
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

static const char *const families[] = {"bosch-m797", "bosch-m797-china", "bosch-m798",
                                       "bosch-me745"};
#define NFAMILIES (sizeof families / sizeof families[0])

CSUM_MANIFEST_GROUP(manifest, "c167.tsv", 0, 0)

/* ---- the registry --------------------------------------------------------------------------- */

static void test_registry(void **state)
{
    size_t k;
    (void)state;
    for (k = 0; k < NFAMILIES; k++) {
        const ecu_family_info *f = csum_family_info(families[k]);
        assert_string_equal(f->manufacturer, "Bosch");
        /* a single public source: the listing says so */
        assert_non_null(strstr(f->description, "single public source"));
        assert_non_null(strstr(f->sources, "olegm382/IronFelix"));
        assert_true(f->verifies[0] && f->corrects[0]);
    }
}

/* ---- the manifest's checks ------------------------------------------------------------------- */

static void test_good_images(void **state)
{
    (void)state;
    assert_int_equal(csum_check_good_images(&manifest), 6);
    csum_check_families_covered(&manifest, families, NFAMILIES);
}

static void test_probes(void **state)
{
    (void)state;
    assert_true(csum_check_probes(&manifest) >= 6 * 20);
}

static void test_slot_each_block(void **state)
{
    (void)state;
    csum_for_each_good_block(&manifest, csum_check_slot_bytes);
}

static void test_bad_variants(void **state)
{
    (void)state;
    assert_int_equal(csum_check_bad_variants(&manifest), 6);
}

/* ---- nothing claimed without the family's marks ------------------------------------------- */

static void test_not_claimed(void **state)
{
    static const size_t sizes[] = {0x80000, 0xC0000, 0xD0000, 0x100000};
    ecu_csum *cs = ecu_csum_new();
    size_t i;
    (void)state;
    assert_non_null(cs);
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint8_t *p = csum_random_buffer(sizes[i], 0xC1670000u + (uint32_t)i);
        csum_analyze(cs, p, sizes[i]);
        csum_assert_unknown(cs, p, sizes[i], "random bytes");
        memset(p, 0xFF, sizes[i]);
        csum_analyze(cs, p, sizes[i]);
        csum_assert_unknown(cs, p, sizes[i], "erased (0xFF)");
        free(p);
    }
    /* each good image without its mark (range table or code): unclaimed */
    for (i = 0; i < manifest.nimages; i++) {
        const struct csum_image *x = &manifest.images[i];
        uint8_t *copy;
        if (!csum_is_good(x))
            continue;
        assert_true(x->nidents > 0);
        copy = csum_without_idents(x);
        csum_analyze(cs, copy, x->size);
        csum_assert_unknown(cs, copy, x->size, x->file);
        free(copy);
    }
    ecu_csum_free(cs);
}

/* ---- the multipoint table missing ------------------------------------------------------------ */

/* @p x with the bytes at @p at changed: not claimed (the mark alone scores below a claim), and
 * with the family forced, no layout (the source gives up without its table). */
static void check_without_table(ecu_csum *cs, const struct csum_image *x, uint64_t at, size_t n)
{
    uint8_t *copy = csum_dup(x->data, x->size);
    memset(copy + at, 0xEE, n);
    csum_analyze(cs, copy, x->size);
    csum_assert_unknown(cs, copy, x->size, x->file);
    assert_int_equal(ecu_csum_set_family(cs, x->family), ECU_OK);
    csum_analyze(cs, copy, x->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_NO_LAYOUT);
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_INVALID);
    csum_assert_image(cs, copy, x->size, x->file);
    assert_int_equal(ecu_csum_set_family(cs, NULL), ECU_OK);
    free(copy);
}

static void test_without_table(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    const struct csum_image *m797 = csum_image(&manifest, "c167-m797-512k.bin.gz");
    const struct csum_image *china = csum_image(&manifest, "c167-m797-china-1m.bin.gz");
    const struct csum_image *me745 = csum_image(&manifest, "c167-me745.bin.gz");
    (void)state;
    assert_non_null(cs);
    /* the first record {0, 0x3FFF}, then the end record (the last block's record) */
    check_without_table(cs, m797, 0x1E000, 8);
    check_without_table(cs, m797, m797->b[m797->nblocks - 1].slot - 8, 8);
    check_without_table(cs, china, china->b[china->nblocks - 1].slot - 8, 8);
    check_without_table(cs, me745, 0xC8000, 8);
    check_without_table(cs, me745, me745->b[me745->nblocks - 4].slot - 8, 8);
    ecu_csum_free(cs);
}

/* ---- records and tables that are not ranges ------------------------------------------------- */

/* @p x with the LE32 at @p at set to @p v: block @p k is bad (its range is not in the image),
 * so is every block covering the changed bytes, the rest verifies, and the correction is
 * refused with the image unchanged. */
static void check_unusable(ecu_csum *cs, const struct csum_image *x, uint64_t at, uint32_t v,
                           size_t k)
{
    uint8_t *copy = csum_dup(x->data, x->size);
    size_t i;
    copy[at] = (uint8_t)v;
    copy[at + 1] = (uint8_t)(v >> 8);
    copy[at + 2] = (uint8_t)(v >> 16);
    copy[at + 3] = (uint8_t)(v >> 24);
    csum_analyze(cs, copy, x->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    assert_int_equal(ecu_csum_block_count(cs), x->nblocks);
    for (i = 0; i < x->nblocks; i++) {
        const ecu_block *b = ecu_csum_block_at(cs, i);
        int covers = 0;
        unsigned j;
        for (j = 0; j < 4; j++)
            covers |= csum_in_block(&x->b[i], at + j);
        if (i == k)
            assert_string_equal(b->algorithm, "range not in the image");
        if (b->status != (i == k || covers ? ECU_BLOCK_BAD : ECU_BLOCK_OK))
            fail_msg("%s: block %zu is %s", x->file, i, ecu_block_status_name(b->status));
    }
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
    csum_assert_image(cs, copy, x->size, x->file);
    free(copy);
}

static void test_unusable(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    const struct csum_image *m797 = csum_image(&manifest, "c167-m797-512k.bin.gz");
    const struct csum_image *me745 = csum_image(&manifest, "c167-me745.bin.gz");
    (void)state;
    assert_non_null(cs);
    /* M7.9.7: a main range (past the 16-byte mark) ending past the flash; a record in the middle of the table ending
       past the image (with an end record, every record up to it is checked) */
    check_unusable(cs, m797, 0x1C100 + 0x1C, 0x880001, 0);
    check_unusable(cs, m797, m797->b[5].slot - 4, 0x880001, 5);
    /* ME7.4.5: a record whose end is even (not whole words) */
    check_unusable(cs, me745, me745->b[3].slot - 4, (uint32_t)me745->b[3].end[0] - 2, 3);
    ecu_csum_free(cs);
}

/* ---- the program-pages sums: their ranges are the words they add ----------------------------- */

#define PAGES_ALGO "sum16le of first+last word per 8 KiB page"

/* M7.9.8 and ME7.4.5: in each good image, a byte changed at the start or the end of any range
 * the program-pages block reports makes it bad, one just outside leaves it ok; the ranges hold
 * the first and last word of each page (4 bytes a page), as in the manifest. */
static void test_program_pages_coverage(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i, k, r, checked = 0;
    (void)state;
    assert_non_null(cs);
    for (i = 0; i < manifest.nimages; i++) {
        const struct csum_image *x = &manifest.images[i];
        if (!csum_is_good(x))
            continue;
        csum_analyze(cs, x->data, x->size);
        for (k = 0; k < x->nblocks; k++) {
            uint64_t want = 0;
            if (strcmp(ecu_csum_block_at(cs, k)->algorithm, PAGES_ALGO) != 0)
                continue;
            for (r = 0; r < x->b[k].nranges; r++)
                want += x->b[k].end[r] - x->b[k].start[r];
            assert_true(want > 0 && want % 4 == 0);
            assert_int_equal(csum_check_coverage(cs, x->data, x->size, k, x->file), want);
            checked++;
            csum_analyze(cs, x->data, x->size);
        }
    }
    assert_int_equal(checked, 4); /* two M7.9.8 and two ME7.4.5 images */
    ecu_csum_free(cs);
}

/* M7.9.8: code operands that give two page ranges of the whole file each (pages that overlap):
 * their words do not fit a block, so the sum is a bad block that is never corrected. */
static void test_m798_pages_overflow(void **state)
{
    const struct csum_image *x = csum_image(&manifest, "c167-m798-d0000.bin.gz");
    static const uint64_t code[2] = {0x21000, 0x21100}; /* fixtures/csum/c167.py: p1, p2 */
    ecu_csum *cs = ecu_csum_new();
    uint8_t *copy = csum_dup(x->data, x->size);
    const ecu_block *b;
    size_t k;
    (void)state;
    assert_non_null(cs);
    for (k = 0; k < 2; k++) {
        /* start 0 (LE16 words at P-8, P-4), end 0xCFFFF (at P+0x26, P+0x2A) */
        copy[code[k] - 8] = copy[code[k] - 7] = copy[code[k] - 4] = copy[code[k] - 3] = 0;
        copy[code[k] + 0x26] = 0xFF;
        copy[code[k] + 0x27] = 0xFF;
        copy[code[k] + 0x2A] = 0x0C;
        copy[code[k] + 0x2B] = 0x00;
    }
    csum_analyze(cs, copy, x->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    b = ecu_csum_block_at(cs, 0);
    assert_non_null(b);
    assert_string_equal(b->algorithm, "more pages than a block holds");
    assert_int_equal(b->status, ECU_BLOCK_BAD);
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
    csum_assert_image(cs, copy, x->size, x->file);
    /* one range of the whole file and the other as it was: 104 + 8 pages, checked */
    memcpy(copy, x->data, x->size);
    for (k = 0; k < 4; k++)
        copy[code[0] - 8 + (k < 2 ? k : k + 2)] = 0;
    copy[code[0] + 0x26] = 0xFF;
    copy[code[0] + 0x27] = 0xFF;
    copy[code[0] + 0x2A] = 0x0C;
    copy[code[0] + 0x2B] = 0x00;
    csum_analyze(cs, copy, x->size);
    b = ecu_csum_block_at(cs, 0);
    assert_non_null(b);
    assert_string_equal(b->algorithm, PAGES_ALGO);
    assert_int_equal(b->nranges, 105 + 9);
    free(copy);
    ecu_csum_free(cs);
}

/* ---- families given by name ------------------------------------------------------------------ */

static void test_forced(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i, k;
    (void)state;
    assert_non_null(cs);
    for (i = 0; i < manifest.nimages; i++) {
        const struct csum_image *x = &manifest.images[i];
        /* the right family by name: the same result as detection */
        csum_check_named(cs, x);
        /* the other C167 families find nothing to check */
        for (k = 0; k < NFAMILIES; k++) {
            if (strcmp(families[k], x->family) == 0)
                continue;
            assert_int_equal(ecu_csum_set_family(cs, families[k]), ECU_OK);
            csum_analyze(cs, x->data, x->size);
            assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_NO_LAYOUT);
        }
    }
    assert_int_equal(ecu_csum_set_family(cs, NULL), ECU_OK);
    ecu_csum_free(cs);
}

/* ---- M7.9.8: the 0xC0000 file is the 0xD0000 one without 0x8000-0x17FFF -------------------- */

static void test_m798_layouts(void **state)
{
    const struct csum_image *big = csum_image(&manifest, "c167-m798-d0000.bin.gz");
    const struct csum_image *small = csum_image(&manifest, "c167-m798-c0000.bin.gz");
    size_t k;
    (void)state;
    assert_int_equal(big->size - small->size, 0x10000);
    assert_int_equal(big->nblocks, small->nblocks);
    /* the same values, the same logical content */
    for (k = 0; k < big->nblocks; k++)
        assert_int_equal(big->b[k].correct, small->b[k].correct);
    assert_memory_equal(big->data, small->data, 0x8000);
    assert_memory_equal(big->data + 0x18000, small->data + 0x8000, 0x88000);
    assert_memory_equal(big->data + 0xC0000, small->data + 0x90000, 0x10000);
    assert_memory_equal(big->data + 0xA0000, small->data + 0xA0000, 0x20000);
}

static void test_corpus_claims(void **state)
{
    (void)state;
    if (!csum_check_corpus_claims(families, NFAMILIES, NULL, 0))
        skip();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_good_images),
        cmocka_unit_test(test_probes),
        cmocka_unit_test(test_slot_each_block),
        cmocka_unit_test(test_bad_variants),
        cmocka_unit_test(test_not_claimed),
        cmocka_unit_test(test_without_table),
        cmocka_unit_test(test_unusable),
        cmocka_unit_test(test_forced),
        cmocka_unit_test(test_m798_layouts),
        cmocka_unit_test(test_program_pages_coverage),
        cmocka_unit_test(test_m798_pages_overflow),
        cmocka_unit_test(test_corpus_claims),
    };
    return cmocka_run_group_tests_name("csum_c167", tests, setup, teardown);
}
