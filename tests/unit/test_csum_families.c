/* SPDX-License-Identifier: MIT */
/*
 * The checksum families against synthetic images (fixtures/csum/, written by
 * fixtures/csum/generate.py from the layouts documented in lib/families/). What the library
 * must find in each image comes from fixtures/csum/expected.tsv, computed by the generator
 * independently of the C code: the family, the blocks with their ranges, slots and correct
 * values, the bytes a correction writes, and for every block a data byte that only that
 * block covers. The manifest reader and the checks every family gets are in csum_manifest.c.
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

CSUM_MANIFEST_GROUP(manifest, "expected.tsv", 0, 0)

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
    (void)state;
    assert_int_equal(csum_check_good_images(&manifest), 5);
}

/* ---- one data byte of one block ------------------------------------------------------------- */

static void test_flip_each_block(void **state)
{
    (void)state;
    csum_check_flip_each_block(&manifest);
}

/* ---- a wrong value in a checksum slot -------------------------------------------------------- */

/* Block k's slot gets a wrong value, then the correction must give back the good image byte
 * for byte. Two kinds of wrong value: the slot bytes of another block (for a sum stored with
 * its complement, a well-formed pair, as a stale checksum looks), and for a plain 4-byte slot
 * its first or last byte changed. (A pair whose complement no longer matches is not tried: by
 * the documented ME7 layout the table ends at such a record, so the record and every one after
 * it drop out of the layout instead of turning bad; that gap is reported, not tested here.) */
static void check_slot(ecu_csum *cs, const struct csum_image *x, size_t k)
{
    const struct csum_block *other = &x->b[(k + 1) % x->nblocks];
    uint8_t *copy;
    char what[96];
    assert_true(x->nblocks >= 2);
    assert_int_equal(other->bytes, x->b[k].bytes);
    assert_true(memcmp(other->fixed, x->b[k].fixed, x->b[k].bytes) != 0);
    copy = csum_dup(x->data, x->size);
    memcpy(copy + x->b[k].slot, other->fixed, x->b[k].bytes);
    snprintf(what, sizeof what, "block %zu, slot holding another block's value", k);
    csum_check_wrong_slot(cs, x, k, copy, what);
    free(copy);
    if (x->b[k].bytes == 4) {
        csum_check_slot_byte(cs, x, k, 0);
        csum_check_slot_byte(cs, x, k, x->b[k].bytes - 1);
    }
}

static void test_slot_each_block(void **state)
{
    (void)state;
    csum_for_each_good_block(&manifest, check_slot);
}

/* ---- the -bad variants ---------------------------------------------------------------------- */

static void test_bad_variants(void **state)
{
    (void)state;
    assert_int_equal(csum_check_bad_variants(&manifest), 5);
}

/* ---- nothing to check ----------------------------------------------------------------------- */

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
    csum_assert_image(cs, d, n, "unknown image after a refused correction");
}

/* Forced family @p name on @p d: recognised by name, but nothing to check. */
static void check_no_layout(ecu_csum *cs, const char *name, const uint8_t *d, size_t n)
{
    const ecu_family_info *f;
    assert_int_equal(ecu_csum_set_family(cs, name), ECU_OK);
    csum_analyze(cs, d, n);
    if (ecu_csum_verdict(cs) != ECU_VERDICT_NO_LAYOUT)
        fail_msg("%s forced on %zu bytes: verdict %s, expected no-layout", name, n,
                 ecu_verdict_name(ecu_csum_verdict(cs)));
    f = ecu_csum_family(cs);
    assert_non_null(f);
    assert_string_equal(f->name, name);
    assert_int_equal(ecu_csum_block_count(cs), 0);
    assert_int_equal(ecu_csum_bad_count(cs), 0);
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_INVALID);
    csum_assert_image(cs, d, n, "no-layout image after a refused correction");
}

static void test_forced_wrong_family(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    const struct csum_image *edc16 = csum_image(&manifest, "edc16-512k.bin.gz");
    const struct csum_image *edc2m = csum_image(&manifest, "edc16-2m.bin.gz");
    const struct csum_image *me7 = csum_image(&manifest, "volvo-me7-1m.bin.gz");
    const size_t n = 0x100000;
    uint8_t *rnd = csum_random_buffer(n, 0xC5C5C5C5u);
    (void)state;
    assert_non_null(cs);

    /* detection on random bytes: nobody claims them */
    csum_analyze(cs, rnd, n);
    check_unknown(cs, rnd, n);
    /* a family given by name that does not fit */
    check_no_layout(cs, "bosch-edc16", rnd, n);
    check_no_layout(cs, "bosch-me7-volvo", rnd, n);
    check_no_layout(cs, "bosch-me7-volvo", edc16->data, edc16->size);
    check_no_layout(cs, "bosch-me7-volvo", edc2m->data, edc2m->size); /* over its max size */
    check_no_layout(cs, "bosch-edc16", me7->data, me7->size);
    /* the right family by name: the same result as detection */
    assert_int_equal(ecu_csum_set_family(cs, "bosch-me7-volvo"), ECU_OK);
    csum_analyze(cs, me7->data, me7->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    csum_check_layout(cs, me7);
    /* an unknown name is refused */
    assert_int_equal(ecu_csum_set_family(cs, "bosch-nonesuch"), ECU_ERR_INVALID);
    assert_int_equal(ecu_csum_set_family(cs, ""), ECU_ERR_INVALID);
    assert_int_equal(ecu_csum_set_family(NULL, "bosch-edc16"), ECU_ERR_INVALID);
    /* NULL: detect again */
    assert_int_equal(ecu_csum_set_family(cs, NULL), ECU_OK);
    csum_analyze(cs, rnd, n);
    check_unknown(cs, rnd, n);
    csum_analyze(cs, edc16->data, edc16->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    csum_check_layout(cs, edc16);
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
    csum_analyze(cs, NULL, 0);
    check_unknown(cs, NULL, 0);
    csum_analyze(cs, &one, 0);
    check_unknown(cs, NULL, 0);
    csum_analyze(cs, &one, 1);
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
        csum_analyze(cs, p, sizes[i]);
        check_unknown(cs, p, sizes[i]);
        memset(p, 0x00, sizes[i]);
        csum_analyze(cs, p, sizes[i]);
        check_unknown(cs, p, sizes[i]);
        free(p);
    }
    ecu_csum_free(cs);
}

/* ---- one handle for many images ------------------------------------------------------------- */

/* The handle keeps its copy's memory between analyses: a larger image after a smaller one, a
 * smaller after a larger, and the handle's own corrected image analysed again in place all
 * give the verdicts of fresh handles. */
static void test_handle_reuse(void **state)
{
    const struct csum_image *bad = csum_image(&manifest, "edc16-512k-bad.bin.gz");
    const struct csum_image *big = csum_image(&manifest, "edc16-2m.bin.gz");
    ecu_csum *cs = ecu_csum_new();
    const uint8_t *own;
    uint8_t *fixed;
    size_t n;
    (void)state;
    csum_analyze(cs, bad->data, bad->size);
    csum_assert_verdict(cs, ECU_VERDICT_BAD, "512 KiB bad image");
    csum_analyze(cs, big->data, big->size);
    csum_assert_verdict(cs, ECU_VERDICT_OK, "2 MiB image after a 512 KiB one");
    csum_analyze(cs, bad->data, bad->size);
    csum_assert_verdict(cs, ECU_VERDICT_BAD, "512 KiB image after a 2 MiB one");
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    own = ecu_csum_image(cs, &n);
    assert_int_equal(n, bad->size);
    fixed = csum_dup(own, n);
    assert_int_equal(ecu_csum_analyze(cs, own, n), ECU_OK);
    csum_assert_verdict(cs, ECU_VERDICT_OK, "the handle's own corrected image");
    csum_assert_image(cs, fixed, n, "corrected image analysed in place");
    free(fixed);
    ecu_csum_free(cs);
}

/* ---- EDC16: damaged descriptors, truncated reads ------------------------------------------ */

/* @p cs bad, with a bad block whose name holds @p name, and no correction: never ok. */
static void check_bad_named(ecu_csum *cs, const uint8_t *d, size_t n, const char *name,
                            const char *what)
{
    size_t k;
    csum_analyze(cs, d, n);
    if (ecu_csum_verdict(cs) != ECU_VERDICT_BAD)
        fail_msg("%s: %s, expected bad", what, ecu_verdict_name(ecu_csum_verdict(cs)));
    for (k = 0; k < ecu_csum_block_count(cs); k++) {
        const ecu_block *b = ecu_csum_block_at(cs, k);
        if (strstr(b->name, name) && b->status == ECU_BLOCK_BAD)
            break;
    }
    if (k == ecu_csum_block_count(cs))
        fail_msg("%s: no bad block named \"%s\"", what, name);
    assert_int_not_equal(ecu_csum_fix(cs), ECU_OK);
}

static void put32(uint8_t *d, size_t at, uint32_t v)
{
    d[at] = (uint8_t)(v >> 24);
    d[at + 1] = (uint8_t)(v >> 16);
    d[at + 2] = (uint8_t)(v >> 8);
    d[at + 3] = (uint8_t)v;
}

/* Every 0x100-aligned offset is the place of a region's descriptor (start + 0x34: start, end,
   magic): with the flash base known, one there that describes no region holding it, or a
   damaged magic, is a bad block; a region or descriptor the end of the file cuts makes the
   image truncated. The 1 MiB image (base 0x800000): descriptors at 0x34, 0x60034, 0xC0034. */
static void test_edc16_damaged(void **state)
{
    const struct csum_image *x = csum_image(&manifest, "edc16-1m.bin.gz");
    static const uint32_t desc[] = {0x34, 0x60034, 0xC0034};
    static const uint32_t start[] = {0x800000, 0x860000, 0x8C0000};
    static const uint32_t end[] = {0x85FFFF, 0x8BFFFF, 0x8FDFFF};
    ecu_csum *cs = ecu_csum_new();
    uint8_t *copy = csum_dup(x->data, x->size);
    char name[64], what[96];
    size_t i;
    (void)state;
    for (i = 0; i < 3; i++) {
        const struct {
            unsigned at;    /* offset in the descriptor */
            uint32_t value; /* what is written there (BE32) */
            const char *block, *what;
        } dmg[] = {
            {0, start[i] ^ 0x100, "descriptor at", "start moved by 0x100"},
            /* moved down, it names a region holding it that overlaps the one before; moved
               up, a region not holding it */
            {0, start[i] ^ 0x40000, "descriptor at", "start moved by 0x40000"},
            {0, start[i] ^ 0x1, "descriptor at", "start not 0x100-aligned"},
            {4, end[i] ^ 0x1, "descriptor at", "length not whole dwords"},
            {4, start[i] + 0x3F, "descriptor at", "region ends inside its descriptor"},
            {4, start[i] - 1, "descriptor at", "end before start"},
            /* past the end of the file: the last region truncated; the others then overlap
               the regions after them (two damaged descriptors) */
            {4, end[i] ^ 0x80000000u, i == 2 ? "past the end (truncated)" : "descriptor at",
             "end far past the file"},
            {4, 0x8FFFFF + 0x100, i == 2 ? "past the end (truncated)" : "descriptor at",
             "end past the file"},
            {4, end[i] + 0x10000, i == 2 ? "past the end (truncated)" : "descriptor at",
             "end moved up by 0x10000"},
            {8, 0xFADECAFE ^ 0x00010000, "descriptor at", "magic: one bit"},
            {12, 0xCAFEAFFF ^ 0x00FF0001, "descriptor at", "magic: two bytes"},
        };
        size_t k;
        for (k = 0; k < sizeof dmg / sizeof dmg[0]; k++) {
            put32(copy, desc[i] + dmg[k].at, dmg[k].value);
            snprintf(name, sizeof name, "%s", dmg[k].block);
            if (strcmp(dmg[k].block, "descriptor at") == 0)
                snprintf(name, sizeof name, "descriptor at 0x%X", desc[i]);
            snprintf(what, sizeof what, "descriptor %zu: %s", i, dmg[k].what);
            check_bad_named(cs, copy, x->size, name, what);
            memcpy(copy, x->data, x->size);
        }
    }
    /* truncated reads: the region across the cut, or the descriptor it cuts, named so */
    check_bad_named(cs, copy, 0x80000, "region 0x60000-0xBFFFF past the end (truncated)",
                    "512 KiB of the 1 MiB image");
    check_bad_named(cs, copy, 0x60040, "descriptor at 0x60034 past the end (truncated)",
                    "cut inside the magic of descriptor 1");
    check_bad_named(cs, copy, 0xC0000 + 0x1000, "region 0xC0000-0xFDFFF past the end",
                    "cut inside region 2");
    /* the 2 MiB image cut in half: its second region crosses 1 MiB */
    x = csum_image(&manifest, "edc16-2m.bin.gz");
    check_bad_named(cs, x->data, 0x80000, "region 0x40000-0xFFFFF past the end (truncated)",
                    "512 KiB of the 2 MiB image");
    free(copy);
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
        cmocka_unit_test(test_handle_reuse),
        cmocka_unit_test(test_edc16_damaged),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
