/* SPDX-License-Identifier: MIT */
/*
 * The Bosch EDC15 family (lib/families/bosch_edc15.c) against its synthetic images
 * fixtures/csum/edc15-512k.bin.gz, edc15v-256k.bin.gz, edc15-1m.bin.gz (two 512 KiB banks) and
 * their -bad variants. What the library must find comes from fixtures/csum/edc15-expected.tsv,
 * written by fixtures/csum/edc15.py, which computes the V4.1 rolling checksum independently of
 * the C code (format as expected.tsv: image and block lines; the blocks are the checked
 * regions in table order, bank 0 before bank 1).
 *
 * Checked: the good images verify with the manifest's blocks and values; a flipped data byte
 * in any region makes exactly that block bad, and the correction gives back the good image
 * byte for byte (a second correction changes nothing); a wrong slot is corrected the same
 * way; the -bad variants are bad in the manifest's blocks and corrected to them; without the
 * V4.1 marker, or when at most 3 regions verify while some fail, the family is still named
 * but no layout is claimed; the EDC15V 256 KiB table, chosen by size alone, is taken when two
 * regions verify, one of them with the fixed seeds; a slot holding 0xC3C3C3C3 is not checked.
 * The 1 MiB image: every byte of both banks' markers changed, never ok; its cuts: the first or
 * last 512 KiB is a 512 KiB image of its own (laid out as one, nothing beyond it), a cut
 * between 512 KiB and 1 MiB with the family named is bad in the regions past its end
 * (truncated, never corrected), and is not detected; random bytes with the markers, never ok.
 * The manifest reader and the checks every family gets are in csum_manifest.c.
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

#define FAMILY "bosch-edc15"
#define MARKER 0x50008u
#define BANK 0x80000u
#define MARKER_HI (BANK + MARKER) /* the upper bank's marker in a 1 MiB image */

static struct csum_manifest manifest;
static const struct csum_image *good_img, *bad_img, *v_img, *m_img, *m_bad;

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
    if (csum_manifest_load(&manifest, ECU_FIXTURES_DIR "/csum/edc15-expected.tsv"))
        return -1;
    /* the 512 KiB V4.1 image, the EDC15V 256 KiB one, the 1 MiB one, their -bad variants;
       4-byte slots */
    for (i = 0; i < manifest.nimages; i++)
        if (strcmp(manifest.images[i].family, FAMILY) != 0)
            break;
    good_img = csum_find_image(&manifest, "edc15-512k.bin.gz");
    bad_img = csum_find_image(&manifest, "edc15-512k-bad.bin.gz");
    v_img = csum_find_image(&manifest, "edc15v-256k.bin.gz");
    m_img = csum_find_image(&manifest, "edc15-1m.bin.gz");
    m_bad = csum_find_image(&manifest, "edc15-1m-bad.bin.gz");
    if (manifest.nimages != 6 || i != 6 || !good_img || !bad_img || !v_img || !m_img ||
        !m_bad || strcmp(bad_img->good, good_img->file) != 0 ||
        bad_img->nblocks != good_img->nblocks || v_img->size != 0x40000 ||
        m_img->size != 2 * BANK || strcmp(m_bad->good, m_img->file) != 0 ||
        m_img->nblocks < 12 || m_img->b[m_img->nblocks - 1].start[0] < BANK ||
        !csum_manifest_slot_bytes(&manifest, 4)) {
        print_error("edc15-expected.tsv: not the %s images expected\n", FAMILY);
        csum_manifest_free(&manifest);
        good_img = bad_img = v_img = m_img = m_bad = NULL;
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    csum_manifest_free(&manifest);
    good_img = bad_img = v_img = m_img = m_bad = NULL;
    return 0;
}

/* ---- helpers -------------------------------------------------------------------------------- */

static void assert_family(const ecu_csum *cs)
{
    const ecu_family_info *f = ecu_csum_family(cs);
    assert_non_null(f);
    assert_string_equal(f->name, FAMILY);
}

/* ---- the good image ------------------------------------------------------------------------- */

static void test_good_image(void **state)
{
    (void)state;
    assert_string_equal(good_img->family, FAMILY);
    assert_int_equal(csum_check_good_images(&manifest), 3);
}

/* ---- one data byte of each region ------------------------------------------------------------ */

static void test_each_region(void **state)
{
    (void)state;
    csum_check_flip_each_block(&manifest);
}

/* ---- a wrong value in each slot --------------------------------------------------------------- */

static void check_slot(ecu_csum *cs, const struct csum_image *x, size_t k)
{
    csum_check_slot_byte(cs, x, k, 0);
    csum_check_slot_byte(cs, x, k, 3);
}

static void test_each_slot(void **state)
{
    (void)state;
    csum_for_each_good_block(&manifest, check_slot);
}

/* ---- the -bad variant ------------------------------------------------------------------------ */

static void test_bad_variant(void **state)
{
    (void)state;
    assert_int_equal(csum_check_bad_variants(&manifest), 3);
}

/* ---- what is not recognised -------------------------------------------------------------------- */

/* Without "V4.1" at 0x50008 (nor 0x58008) the family is named, no layout is claimed and
 * nothing can be corrected. */
static void test_no_marker(void **state)
{
    const struct csum_image *x = good_img;
    ecu_csum *cs = ecu_csum_new();
    uint8_t *copy = csum_dup(x->data, x->size);
    (void)state;
    assert_non_null(cs);
    assert_memory_equal(copy + MARKER, "V4.1", 4);
    memcpy(copy + MARKER, "V4.0", 4);
    csum_analyze(cs, copy, x->size);
    csum_assert_verdict(cs, ECU_VERDICT_NO_LAYOUT, "V4.1 marker removed");
    assert_family(cs);
    assert_int_equal(ecu_csum_block_count(cs), 0);
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_INVALID);
    csum_assert_image(cs, copy, x->size, "V4.1 marker removed");
    free(copy);
    ecu_csum_free(cs);
}

/* Some regions fail and at most 3 verify: another layout (the "2002" variant), not a damaged
 * file, so no layout. With 4 verified regions the table is recognised and the rest are bad.
 * The same for the 1 MiB image, counted over both banks. */
static void wrong_table(const struct csum_image *x)
{
    ecu_csum *cs = ecu_csum_new();
    size_t k, nflip;
    assert_non_null(cs);
    assert_true(x->nblocks >= 5);
    for (nflip = x->nblocks - 4; nflip <= x->nblocks; nflip++) {
        uint8_t *copy = csum_dup(x->data, x->size);
        char what[96];
        snprintf(what, sizeof what, "%s: %zu of %zu regions changed", x->file, nflip,
                 x->nblocks);
        for (k = 0; k < nflip; k++)
            copy[x->b[x->nblocks - 1 - k].probe] ^= 0x01; /* from the last (upper bank) */
        csum_analyze(cs, copy, x->size);
        if (x->nblocks - nflip >= 4) {
            csum_assert_verdict(cs, ECU_VERDICT_BAD, what);
            csum_check_layout(cs, x);
            assert_int_equal(ecu_csum_bad_count(cs), nflip);
            assert_int_equal(ecu_csum_fix(cs), ECU_OK);
            csum_assert_verdict(cs, ECU_VERDICT_FIXED, what);
        } else {
            csum_assert_verdict(cs, ECU_VERDICT_NO_LAYOUT, what);
            assert_family(cs);
            assert_int_equal(ecu_csum_block_count(cs), 0);
            assert_int_equal(ecu_csum_fix(cs), ECU_ERR_INVALID);
        }
        free(copy);
    }
    ecu_csum_free(cs);
}

static void test_wrong_table(void **state)
{
    (void)state;
    wrong_table(good_img);
    wrong_table(m_img);
}

/* The EDC15V 256 KiB table, chosen by the size alone, must prove itself: with regions
 * changed, the image is bad while at least two regions verify and one of them has the fixed
 * seeds (region 0 has seeds 0/0); otherwise it is another layout (no-layout). */
static void test_vm_table(void **state)
{
    static const struct {
        unsigned changed; /* bit k: region k's probe byte flipped */
        ecu_verdict want;
    } cases[] = {
        {0x1, ECU_VERDICT_BAD},       /* 3 verify */
        {0x6, ECU_VERDICT_BAD},       /* regions 0 and 3 verify: 3 is seeded */
        {0xC, ECU_VERDICT_BAD},       /* regions 0 and 1 verify: 1 is seeded */
        {0x7, ECU_VERDICT_NO_LAYOUT}, /* only region 3 verifies */
        {0xE, ECU_VERDICT_NO_LAYOUT}, /* only region 0 (seeds 0/0) verifies */
        {0xF, ECU_VERDICT_NO_LAYOUT}, /* none */
    };
    const struct csum_image *x = v_img;
    ecu_csum *cs = ecu_csum_new();
    size_t c, k;
    (void)state;
    assert_non_null(cs);
    assert_int_equal(x->nblocks, 4);
    for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        uint8_t *copy = csum_dup(x->data, x->size);
        char what[64];
        snprintf(what, sizeof what, "EDC15V, regions 0x%X changed", cases[c].changed);
        for (k = 0; k < 4; k++)
            if (cases[c].changed & (1u << k))
                copy[x->b[k].probe] ^= 0x01;
        csum_analyze(cs, copy, x->size);
        csum_assert_verdict(cs, cases[c].want, what);
        assert_family(cs);
        if (cases[c].want == ECU_VERDICT_BAD) {
            csum_check_layout(cs, x);
            assert_int_equal(ecu_csum_fix(cs), ECU_OK);
            csum_assert_verdict(cs, ECU_VERDICT_FIXED, what);
        } else {
            assert_int_equal(ecu_csum_block_count(cs), 0);
            assert_int_equal(ecu_csum_fix(cs), ECU_ERR_INVALID);
            csum_assert_image(cs, copy, x->size, what);
        }
        free(copy);
    }
    ecu_csum_free(cs);
}

/* A slot holding 0xC3C3C3C3 (never written) is not checked: that region drops out (in either
 * bank of the 1 MiB image). */
static void c3_slot(const struct csum_image *x)
{
    ecu_csum *cs = ecu_csum_new();
    size_t k, i;
    assert_non_null(cs);
    for (k = 0; k < x->nblocks; k++) {
        uint8_t *copy = csum_dup(x->data, x->size);
        memset(copy + x->b[k].slot, 0xC3, 4);
        csum_analyze(cs, copy, x->size);
        csum_assert_verdict(cs, ECU_VERDICT_OK, "slot 0xC3C3C3C3");
        assert_int_equal(ecu_csum_block_count(cs), x->nblocks - 1);
        for (i = 0; i < x->nblocks - 1; i++)
            assert_int_equal(ecu_csum_block_at(cs, i)->store_offset, x->b[i < k ? i : i + 1].slot);
        free(copy);
    }
    ecu_csum_free(cs);
}

static void test_c3_slot(void **state)
{
    (void)state;
    c3_slot(good_img);
    c3_slot(m_img);
}

/* The family forced onto an image too short for the table: no layout, no out-of-bounds read. */
static void test_forced_short(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    (void)state;
    assert_non_null(cs);
    assert_int_equal(ecu_csum_set_family(cs, FAMILY), ECU_OK);
    csum_analyze(cs, good_img->data, 0x40000);
    csum_assert_verdict(cs, ECU_VERDICT_NO_LAYOUT, "first 256 KiB, family forced");
    csum_analyze(cs, good_img->data, 0x7BFFF);
    csum_assert_verdict(cs, ECU_VERDICT_NO_LAYOUT,
                        "image ends before the last slot, family forced");
    ecu_csum_free(cs);
}

/* ---- the 1 MiB image ------------------------------------------------------------------------ */

/* Whether every block of the analysed image lies below @p end (range and slot). */
static void assert_blocks_below(const ecu_csum *cs, uint64_t end, const char *what)
{
    size_t i;
    for (i = 0; i < ecu_csum_block_count(cs); i++) {
        const ecu_block *b = ecu_csum_block_at(cs, i);
        if (b->ranges[0].end > end || b->store_offset + 4 > end)
            fail_msg("%s: block %zu (%s) reaches beyond 0x%llX", what, i, b->name,
                     (unsigned long long)end);
    }
}

/* The two-bank layout: the blocks are the manifest's, and those of the upper bank are there:
 * a layout of the lower bank alone would be a silently shorter one. */
static void test_1m_layout(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    size_t k, upper = 0;
    (void)state;
    assert_non_null(cs);
    csum_analyze(cs, m_img->data, m_img->size);
    csum_assert_verdict(cs, ECU_VERDICT_OK, "1 MiB image");
    csum_check_layout(cs, m_img);
    for (k = 0; k < m_img->nblocks; k++)
        upper += m_img->b[k].start[0] >= BANK;
    assert_true(upper >= 8);
    assert_true(m_img->nblocks - upper >= 8);
    assert_non_null(strstr(ecu_csum_evidence(cs), "1 MiB"));
    ecu_csum_free(cs);
}

/* Every byte of either bank's marker changed (to several values): never ok. Without the marker
 * at 0x50008 the 1 MiB image is not claimed at all; without the one at 0xD0008 its upper bank
 * is another layout: named, no layout, nothing to correct. Nor is the marker at 0x58008 one
 * for a 1 MiB image. The 512 KiB image's marker bytes likewise: never ok. */
static void test_marker_bytes(void **state)
{
    static const uint8_t xors[] = {0x01, 0x02, 0x10, 0x20, 0x80, 0xFF};
    static const uint64_t at[] = {MARKER, MARKER_HI};
    ecu_csum *cs = ecu_csum_new();
    size_t m, i, v;
    (void)state;
    assert_non_null(cs);
    for (m = 0; m < 2; m++)
        for (i = 0; i < 4; i++)
            for (v = 0; v < sizeof xors; v++) {
                uint8_t *copy = csum_dup(m_img->data, m_img->size);
                char what[96];
                copy[at[m] + i] ^= xors[v];
                snprintf(what, sizeof what, "1 MiB, marker byte 0x%llX ^ 0x%02X",
                         (unsigned long long)(at[m] + i), xors[v]);
                csum_analyze(cs, copy, m_img->size);
                if (m == 0) {
                    csum_assert_unknown(cs, copy, m_img->size, what);
                } else {
                    csum_assert_verdict(cs, ECU_VERDICT_NO_LAYOUT, what);
                    assert_family(cs);
                    assert_int_equal(ecu_csum_block_count(cs), 0);
                    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_INVALID);
                    csum_assert_image(cs, copy, m_img->size, what);
                }
                /* the same on the 512 KiB image (its marker only) */
                if (m == 0) {
                    uint8_t *c5 = csum_dup(good_img->data, good_img->size);
                    c5[MARKER + i] ^= xors[v];
                    csum_analyze(cs, c5, good_img->size);
                    assert_int_not_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
                    assert_int_not_equal(ecu_csum_fix(cs), ECU_OK);
                    csum_assert_image(cs, c5, good_img->size, "512 KiB, marker byte changed");
                    free(c5);
                }
                free(copy);
            }
    {
        /* the marker moved to 0x58008 (the 7-region table of 512 KiB images): no 1 MiB layout */
        uint8_t *copy = csum_dup(m_img->data, m_img->size);
        memcpy(copy + 0x58008, "V4.1", 4);
        memcpy(copy + MARKER, "V4.0", 4);
        csum_analyze(cs, copy, m_img->size);
        csum_assert_unknown(cs, copy, m_img->size, "1 MiB, V4.1 at 0x58008 only");
        assert_int_equal(ecu_csum_set_family(cs, FAMILY), ECU_OK);
        csum_analyze(cs, copy, m_img->size);
        csum_assert_verdict(cs, ECU_VERDICT_NO_LAYOUT, "1 MiB, V4.1 at 0x58008, family named");
        assert_int_equal(ecu_csum_set_family(cs, NULL), ECU_OK);
        free(copy);
    }
    ecu_csum_free(cs);
}

/* The first or the last 512 KiB of the 1 MiB image is a 512 KiB V4.1 image of its own (each
 * bank is one: same table, same marker place), so it is laid out as one, with nothing beyond
 * its 512 KiB: its verdict covers that bank alone, never the 1 MiB image (the -bad variant's
 * lower half verifies although its upper bank is bad). */
static void test_1m_half(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    size_t k, lower = 0;
    (void)state;
    assert_non_null(cs);
    for (k = 0; k < m_img->nblocks; k++)
        lower += m_img->b[k].start[0] < BANK;
    csum_analyze(cs, m_img->data, BANK);
    csum_assert_verdict(cs, ECU_VERDICT_OK, "first 512 KiB");
    assert_family(cs);
    assert_int_equal(ecu_csum_block_count(cs), lower);
    assert_blocks_below(cs, BANK, "first 512 KiB");
    assert_null(strstr(ecu_csum_evidence(cs), "1 MiB"));
    for (k = 0; k < lower; k++)
        assert_int_equal(ecu_csum_block_at(cs, k)->store_offset, m_img->b[k].slot);
    csum_analyze(cs, m_img->data + BANK, BANK);
    csum_assert_verdict(cs, ECU_VERDICT_OK, "last 512 KiB");
    assert_int_equal(ecu_csum_block_count(cs), m_img->nblocks - lower);
    for (k = lower; k < m_img->nblocks; k++)
        assert_int_equal(ecu_csum_block_at(cs, k - lower)->store_offset, m_img->b[k].slot - BANK);
    csum_analyze(cs, m_bad->data, BANK);
    csum_assert_verdict(cs, ECU_VERDICT_OK, "first 512 KiB of the -bad variant");
    csum_analyze(cs, m_bad->data + BANK, BANK);
    csum_assert_verdict(cs, ECU_VERDICT_BAD, "last 512 KiB of the -bad variant");
    ecu_csum_free(cs);
}

/* Cut between 512 KiB and 1 MiB: not detected (the size is no EDC15 read's), and with the
 * family named the two-bank layout is laid out whole: the regions in the cut are the
 * manifest's and verify, every region of the table (Blackfrosch/VAGEDCSuite
 * EDC15P_checksum.cs, at + 0x80000) that ends past the cut is listed after them, bad and named
 * so (truncated), erased or not (what is missing cannot be known erased); never corrected. A
 * cut at the end of the last region (0xFC000) leaves no region out, every region verifies, but
 * the two banks are 1 MiB of flash and 16 KiB of it are missing: bad (truncated, expected size
 * 0x100000), with no bad block, and never "fixed". */
static void test_1m_truncated(void **state)
{
    static const uint64_t ends[] = {0x14000, 0x4C000, 0x50000, 0x50B80, 0x5C000, 0x60000,
                                    0x60B80, 0x6C000, 0x70000, 0x70B80, 0x7C000};
    static const size_t cuts[] = {BANK + 4,      0x90000, 0x93FFF, 0xC0000, MARKER_HI + 2,
                                  MARKER_HI + 4, 0xDC000, 0xFBFFC, 0xFBFFF};
    ecu_csum *cs = ecu_csum_new();
    size_t c, k;
    (void)state;
    assert_non_null(cs);
    for (c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
        size_t n = cuts[c], in = 0, past = 0;
        char what[64];
        snprintf(what, sizeof what, "1 MiB image cut to 0x%zX", n);
        for (k = 0; k < m_img->nblocks; k++)
            in += m_img->b[k].slot + 4 <= n;
        for (k = 0; k < sizeof ends / sizeof ends[0]; k++)
            past += BANK + ends[k] > n;
        assert_true(past > 0);
        csum_analyze(cs, m_img->data, n);
        csum_assert_unknown(cs, m_img->data, n, what);
        assert_int_equal(ecu_csum_set_family(cs, FAMILY), ECU_OK);
        csum_analyze(cs, m_img->data, n);
        csum_assert_verdict(cs, ECU_VERDICT_BAD, what);
        assert_int_equal(ecu_csum_block_count(cs), in + past);
        assert_int_equal(ecu_csum_bad_count(cs), past);
        for (k = 0; k < in + past; k++) {
            const ecu_block *b = ecu_csum_block_at(cs, k);
            if (k < in) {
                assert_int_equal(b->store_offset, m_img->b[k].slot);
                assert_int_equal(b->status, ECU_BLOCK_OK);
                assert_null(strstr(b->name, "truncated"));
            } else {
                uint64_t end = BANK + ends[sizeof ends / sizeof ends[0] - (in + past - k)];
                assert_int_equal(b->store_offset, end - 4);
                assert_int_equal(b->status, ECU_BLOCK_BAD);
                assert_non_null(strstr(b->name, "truncated"));
            }
        }
        assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
        csum_assert_image(cs, m_img->data, n, what);
        assert_int_equal(ecu_csum_set_family(cs, NULL), ECU_OK);
    }
    assert_int_equal(ecu_csum_set_family(cs, FAMILY), ECU_OK);
    csum_analyze(cs, m_img->data, 0xFC000);
    csum_assert_verdict(cs, ECU_VERDICT_BAD, "cut at the end of the last region, family named");
    assert_int_equal(ecu_csum_block_count(cs), m_img->nblocks);
    assert_int_equal(ecu_csum_bad_count(cs), 0);
    assert_int_equal(ecu_csum_extent(cs), ECU_EXTENT_TRUNCATED);
    assert_int_equal(ecu_csum_expected_size(cs), 2 * BANK);
    assert_non_null(strstr(ecu_csum_evidence(cs), "truncated: the layout covers 0x100000 bytes, "
                                                  "the image has 0xFC000"));
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
    csum_assert_image(cs, m_img->data, 0xFC000, "cut at the end of the last region");
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    ecu_csum_free(cs);
}

/* Random 1 MiB with both markers: never ok. Random bytes have too little 0xC3 to be claimed;
 * with 0xC3 fill outside the regions they are, and no region verifies (another layout); with
 * the family named, no layout either. */
static void test_1m_random(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    uint8_t *r = csum_random_buffer(2 * BANK, 0xEDC15001u);
    (void)state;
    assert_non_null(cs);
    memcpy(r + MARKER, "V4.1", 4);
    memcpy(r + MARKER_HI, "V4.1", 4);
    csum_analyze(cs, r, 2 * BANK);
    csum_assert_unknown(cs, r, 2 * BANK, "random 1 MiB with the markers");
    assert_int_equal(ecu_csum_set_family(cs, FAMILY), ECU_OK);
    csum_analyze(cs, r, 2 * BANK);
    csum_assert_verdict(cs, ECU_VERDICT_NO_LAYOUT, "random 1 MiB, family named");
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_INVALID);
    assert_int_equal(ecu_csum_set_family(cs, NULL), ECU_OK);
    memset(r, 0xC3, 0x10000);           /* boot areas, in no region: 12 % fill */
    memset(r + 0x7C000, 0xC3, 0x14000);
    memset(r + 0xFC000, 0xC3, 0x4000);
    csum_analyze(cs, r, 2 * BANK);
    csum_assert_verdict(cs, ECU_VERDICT_NO_LAYOUT, "random 1 MiB with 0xC3 fill and the markers");
    assert_family(cs);
    assert_int_equal(ecu_csum_block_count(cs), 0);
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_INVALID);
    free(r);
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
        cmocka_unit_test(test_vm_table),
        cmocka_unit_test(test_c3_slot),
        cmocka_unit_test(test_forced_short),
        cmocka_unit_test(test_1m_layout),
        cmocka_unit_test(test_marker_bytes),
        cmocka_unit_test(test_1m_half),
        cmocka_unit_test(test_1m_truncated),
        cmocka_unit_test(test_1m_random),
    };
    return cmocka_run_group_tests_name("csum_edc15", tests, setup, teardown);
}
