/* SPDX-License-Identifier: MIT */
/*
 * The Denso families (lib/families/denso_subaru.c, denso_mazda.c: denso-subaru, denso-mazda-nc,
 * denso-mazdaspeed6, mitsubishi-evox) against synthetic images (fixtures/csum/denso-*.bin.gz,
 * mitsubishi-evox-*.bin.gz, written by fixtures/csum/denso.py from the documented layouts, with
 * every expected value computed there in Python). The generic checks of csum_manifest.c, then:
 * disabled Subaru records, a disabled first record turning the checks off (ok, that record the
 * one block: denso-checks-off.tsv), the EE20 CVN record left alone, Subaru detection from the
 * table's structure (the CAL ID moved, in lower case, or absent; inconsistent records; every
 * table byte changed; random data under a table), the Mazda NC table end and inclusive ends,
 * its damaged records (a start or end past the ROM that is not the end mark, part words: bad,
 * never corrected) and truncated reads (the block past the end named), truncated images, 160/192 KiB Subaru ROMs named with no layout, identifications (for Subaru:
 * the CAL ID and the table) erased, random data, and the real dumps of ../shared/corpus (or
 * $ECU_CORPUS) for false claims. Containers: the ROM after a made-up "INFO" or "MEMD" header,
 * found from its table and checked at its file offsets, a damaged ROM inside bad, a cut one
 * truncated, random data after a marker unclaimed.
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
#include "ecu/id.h"
#include "ecu/image.h"

static const char *const families[] = {"denso-subaru", "denso-mazda-nc", "denso-mazdaspeed6",
                                       "mitsubishi-evox"};
#define NFAMILIES (sizeof families / sizeof families[0])

CSUM_MANIFEST_GROUP(manifest, "denso.tsv", 4, 0)

static void put32be(uint8_t *d, size_t at, uint32_t v)
{
    d[at] = (uint8_t)(v >> 24);
    d[at + 1] = (uint8_t)(v >> 16);
    d[at + 2] = (uint8_t)(v >> 8);
    d[at + 3] = (uint8_t)v;
}

static void check_no_layout(ecu_csum *cs, const char *family, const char *what)
{
    if (ecu_csum_verdict(cs) != ECU_VERDICT_NO_LAYOUT || !ecu_csum_family(cs) ||
        strcmp(ecu_csum_family(cs)->name, family) != 0)
        fail_msg("%s: %s / %s, expected %s with no layout", what,
                 ecu_csum_family(cs) ? ecu_csum_family(cs)->name : "no family",
                 ecu_verdict_name(ecu_csum_verdict(cs)), family);
    assert_int_equal(ecu_csum_block_count(cs), 0);
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_INVALID);
}

/* Verdict ok, the one block record 0 (disabled: start = end = 0, diff 0x5AA5A55A at 0xFFB88),
   and the evidence saying that every check is off. */
static void check_checks_off(ecu_csum *cs, const char *what)
{
    const ecu_block *b;
    if (ecu_csum_verdict(cs) != ECU_VERDICT_OK || !ecu_csum_family(cs) ||
        strcmp(ecu_csum_family(cs)->name, "denso-subaru") != 0)
        fail_msg("%s: %s / %s, expected denso-subaru ok", what,
                 ecu_csum_family(cs) ? ecu_csum_family(cs)->name : "no family",
                 ecu_verdict_name(ecu_csum_verdict(cs)));
    assert_int_equal(ecu_csum_block_count(cs), 1);
    b = ecu_csum_block_at(cs, 0);
    assert_int_equal(b->store_offset, 0xFFB88);
    assert_int_equal(b->stored, 0x5AA5A55A);
    assert_int_equal(b->computed, 0x5AA5A55A);
    assert_non_null(strstr(b->name, "every check off"));
    assert_non_null(strstr(ecu_csum_evidence(cs), "every check off"));
}

/* ---- the generic checks ----------------------------------------------------------------------- */

static void test_registry(void **state)
{
    size_t i, k;
    (void)state;
    for (k = 0; k < NFAMILIES; k++) {
        unsigned seen = 0;
        for (i = 0; i < ecu_family_count(); i++) {
            const ecu_family_info *f = ecu_family_at(i);
            if (strcmp(f->name, families[k]) != 0)
                continue;
            seen++;
            assert_true(f->description && *f->description && f->verifies && *f->verifies);
            assert_true(f->corrects && *f->corrects && f->sources && *f->sources);
        }
        assert_int_equal(seen, 1);
    }
}

static void test_good_images(void **state)
{
    (void)state;
    assert_int_equal(csum_check_good_images(&manifest), 10);
}

static void test_flip_each_block(void **state)
{
    (void)state;
    csum_check_flip_each_block(&manifest);
}

static void test_slot_each_block(void **state)
{
    (void)state;
    csum_for_each_good_block(&manifest, csum_check_slot_bytes);
}

static void test_bad_variants(void **state)
{
    (void)state;
    assert_int_equal(csum_check_bad_variants(&manifest), 10);
}

/* ---- Subaru: disabled records, checks off, the CVN record -------------------------------------- */

static void test_subaru_disabled(void **state)
{
    const struct csum_image *x = csum_image(&manifest, "denso-subaru-1m.bin.gz");
    ecu_csum *cs = ecu_csum_new();
    uint8_t *copy = csum_dup(x->data, x->size);
    size_t k;
    (void)state;
    /* records 1, 3 and 4 are disabled (0/0/0x5AA5A55A): 4 blocks, none of them at 0xFFB8C */
    csum_analyze(cs, copy, x->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    assert_int_equal(ecu_csum_block_count(cs), 4);
    for (k = 0; k < 4; k++)
        assert_int_not_equal(ecu_csum_block_at(cs, k)->store_offset, 0xFFB80 + 12 + 8);
    /* a disabled record whose diff is no longer 0x5AA5A55A: a block of nothing, bad, and the
       correction writes 0x5AA5A55A back */
    put32be(copy, 0xFFB80 + 12 + 8, 0x11223344);
    csum_analyze(cs, copy, x->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    assert_int_equal(ecu_csum_block_count(cs), 5);
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    csum_assert_image(cs, x->data, x->size, "disabled record corrected");
    /* the first record disabled: the ECU checks nothing; ok, with record 0 the one block and
       the evidence saying so */
    memcpy(copy, x->data, x->size);
    put32be(copy, 0xFFB80, 0);
    put32be(copy, 0xFFB84, 0);
    put32be(copy, 0xFFB88, 0x5AA5A55A);
    copy[0x100] ^= 0xFF; /* record 0's data changed: nothing notices */
    copy[0x30100] ^= 0xFF;
    csum_analyze(cs, copy, x->size);
    check_checks_off(cs, "first record disabled");
    /* its diff changed: no longer disabled, and a first record 0/0 that is not disabled is no
       table (a table of zeros would be one): named by its CAL ID, nothing verified */
    put32be(copy, 0xFFB88, 0x5AA5A55B);
    csum_analyze(cs, copy, x->size);
    check_no_layout(cs, "denso-subaru", "first record 0/0, diff changed");
    free(copy);
    ecu_csum_free(cs);
}

/* The fixture whose record 0 is disabled (denso-checks-off.tsv): ok with that one block, and a
   change of record 1's data (never checked) changes nothing (the generic good-image checks);
   a change of any byte of record 0 is never ok. */
static void test_subaru_checks_off(void **state)
{
    static struct csum_manifest m;
    const struct csum_image *x;
    ecu_csum *cs = ecu_csum_new();
    uint8_t *copy;
    size_t k;
    (void)state;
    assert_int_equal(csum_manifest_load_slots(&m, ECU_FIXTURES_DIR "/csum/denso-checks-off.tsv", 4),
                     0);
    assert_int_equal(csum_check_good_images(&m), 1);
    x = &m.images[0];
    csum_analyze(cs, x->data, x->size);
    check_checks_off(cs, x->file);
    copy = csum_dup(x->data, x->size);
    for (k = 0; k < 12; k++) {
        static const uint8_t flips[] = {0x01, 0x80, 0xFF};
        size_t j;
        for (j = 0; j < sizeof flips; j++) {
            copy[0xFFB80 + k] ^= flips[j];
            csum_analyze(cs, copy, x->size);
            if (ecu_csum_verdict(cs) == ECU_VERDICT_OK)
                fail_msg("record 0 byte %zu ^ 0x%02X: ok", k, flips[j]);
            copy[0xFFB80 + k] ^= flips[j];
        }
    }
    free(copy);
    ecu_csum_free(cs);
    csum_manifest_free(&m);
}

static void test_subaru_cvn(void **state)
{
    const struct csum_image *x = csum_image(&manifest, "denso-subaru-diesel-1m.bin.gz");
    ecu_csum *cs = ecu_csum_new();
    uint8_t *copy = csum_dup(x->data, x->size);
    size_t k;
    (void)state;
    /* record 4 (0x90000-0xBFFFF, at 0xFFBB0) holds a CVN value: no block, never written */
    csum_analyze(cs, copy, x->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    assert_non_null(strstr(ecu_csum_evidence(cs), "CVN"));
    for (k = 0; k < ecu_csum_block_count(cs); k++)
        assert_int_not_equal(ecu_csum_block_at(cs, k)->store_offset, 0xFFB80 + 4 * 12 + 8);
    copy[0x90100] ^= 0xFF; /* the CVN's data: nothing checks it */
    csum_analyze(cs, copy, x->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    copy[0x100] ^= 0xFF; /* record 0's: corrected, the CVN record untouched */
    csum_analyze(cs, copy, x->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    {
        size_t n;
        const uint8_t *fixed = ecu_csum_image(cs, &n);
        assert_memory_equal(fixed + 0xFFBB0, x->data + 0xFFBB0, 12);
    }
    /* without the DIESEL string: still diesel, the first Denso copyright lying beyond 0x4000 */
    memcpy(copy, x->data, x->size);
    memcpy(copy + 0x4000 + 11, "TURBOX", 6);
    csum_analyze(cs, copy, x->size);
    assert_int_equal(ecu_csum_block_count(cs), 5);
    assert_non_null(strstr(ecu_csum_evidence(cs), "CVN"));
    /* the same table in a petrol ROM (no diesel ID, no DIESEL string): record 4 is checked,
       and its CVN value fails */
    memcpy(copy, x->data, x->size);
    memset(copy + 0x4000, 0xFF, 0x40);
    memcpy(copy + 0x2000, "A2WC400I\0", 9);
    memcpy(copy + 0x2020, "Copr.DENSO2009 ", 15);
    csum_analyze(cs, copy, x->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    assert_int_equal(ecu_csum_block_count(cs), 6);
    for (k = 0; k < 6; k++)
        if (ecu_csum_block_at(cs, k)->store_offset == 0xFFB80 + 4 * 12 + 8)
            assert_int_equal(ecu_csum_block_at(cs, k)->status, ECU_BLOCK_BAD);
    free(copy);
    ecu_csum_free(cs);
}

/* A 160/192 KiB ROM: CAL ID at 0x200, then NUL, two letters and "CopyrightDENSO": named, no
   layout; without the copyright string, or with the ID gone, unknown. */
static void test_subaru_small(void **state)
{
    static const size_t sizes[] = {160 * 1024, 192 * 1024};
    ecu_csum *cs = ecu_csum_new();
    size_t i;
    (void)state;
    for (i = 0; i < 2; i++) {
        uint8_t *p = csum_random_buffer(sizes[i], 0xDE05A000u + (uint32_t)i);
        memcpy(p + 0x200, "A4ZQ900F\0TMCopyrightDENSO2003", 29);
        csum_analyze(cs, p, sizes[i]);
        check_no_layout(cs, "denso-subaru", "160/192 KiB ROM");
        assert_non_null(strstr(ecu_csum_evidence(cs), "A4ZQ900F"));
        memcpy(p + 0x200 + 20, "XXXXX", 5);
        csum_analyze(cs, p, sizes[i]);
        csum_assert_unknown(cs, NULL, 0, "160/192 KiB ROM without the copyright");
        memcpy(p + 0x200, "a4tf520f", 8);
        memcpy(p + 0x200 + 20, "DENSO", 5);
        csum_analyze(cs, p, sizes[i]);
        csum_assert_unknown(cs, NULL, 0, "160/192 KiB ROM without a CAL ID");
        free(p);
    }
    ecu_csum_free(cs);
}

/* ---- Subaru: detection from the table's structure ------------------------------------------- */

static unsigned analyzed_score(ecu_csum *cs, const uint8_t *d, size_t n)
{
    csum_analyze(cs, d, n);
    return ecu_csum_family(cs) ? ecu_csum_score(cs) : 0;
}

/* The evidence names @p id (8 bytes, at most; trailing blanks cut) and @p also. */
static void check_evidence(const ecu_csum *cs, const uint8_t *id, const char *also, const char *what)
{
    char want[9];
    size_t k = 8;
    memcpy(want, id, 8);
    while (k > 0 && want[k - 1] == ' ')
        k--;
    want[k] = '\0';
    if (!strstr(ecu_csum_evidence(cs), want) || (also && !strstr(ecu_csum_evidence(cs), also)))
        fail_msg("%s: evidence \"%s\", expected %s and \"%s\"", what, ecu_csum_evidence(cs), want,
                 also ? also : "");
}

/* Corrects the analysed image and analyses the result afresh: ok. */
static void fix_and_reanalyze(ecu_csum *cs, uint8_t *copy, size_t n)
{
    size_t m;
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    memcpy(copy, ecu_csum_image(cs, &m), n);
    assert_int_equal(m, n);
    csum_analyze(cs, copy, n);
    csum_assert_verdict(cs, ECU_VERDICT_OK, "corrected");
}

static void test_subaru_cal_id(void **state)
{
    const struct csum_image *moved = csum_image(&manifest, "denso-subaru-1m-moved.bin.gz"),
                            *m1 = csum_image(&manifest, "denso-subaru-1m.bin.gz");
    ecu_csum *cs = ecu_csum_new();
    uint8_t *copy;
    uint64_t at;
    (void)state;
    /* the CAL ID away from 0x2000/0x2004, found before the Denso copyright */
    at = moved->ident_at[0];
    assert_true(at != 0x2000 && at != 0x2004);
    assert_int_equal(analyzed_score(cs, moved->data, moved->size), 90);
    csum_assert_verdict(cs, ECU_VERDICT_OK, moved->file);
    check_evidence(cs, moved->data + at, "before the Denso copyright", moved->file);
    copy = csum_dup(moved->data, moved->size);
    /* a byte of the system string between the ID's NUL and the date made unprintable: that is
       no ident block, no ID (the table still claims the image; the byte lies in record 0) */
    copy[at + 12] = 0x01;
    csum_analyze(cs, copy, moved->size);
    csum_assert_verdict(cs, ECU_VERDICT_BAD, "system string changed");
    assert_non_null(strstr(ecu_csum_evidence(cs), "no CAL ID found"));
    assert_int_equal(ecu_csum_score(cs), 55);
    /* the ID erased: the table alone, bad (the ID lies in record 0), corrected: ok, 80 */
    memcpy(copy, moved->data, moved->size);
    memset(copy + at, 0xFF, 8);
    csum_analyze(cs, copy, moved->size);
    csum_assert_verdict(cs, ECU_VERDICT_BAD, "ID erased");
    assert_int_equal(ecu_csum_score(cs), 55);
    fix_and_reanalyze(cs, copy, moved->size);
    assert_int_equal(ecu_csum_score(cs), 80);
    assert_non_null(strstr(ecu_csum_evidence(cs), "no CAL ID found"));
    assert_non_null(strstr(ecu_csum_evidence(cs), "all 3 checks verify"));
    free(copy);

    /* a lower-case letter after the first, at 0x2004: the CAL ID as written (bad: record 0
       covers it; corrected: ok) */
    copy = csum_dup(m1->data, m1->size);
    at = m1->ident_at[0];
    assert_int_equal(at, 0x2004);
    assert_true(copy[at + 7] >= 'A' && copy[at + 7] <= 'Z');
    copy[at + 7] = (uint8_t)(copy[at + 7] + ('a' - 'A'));
    csum_analyze(cs, copy, m1->size);
    csum_assert_verdict(cs, ECU_VERDICT_BAD, "lower-case ID");
    check_evidence(cs, copy + at, "at 0x2004, Denso copyright", "lower-case ID");
    fix_and_reanalyze(cs, copy, m1->size);
    assert_int_equal(ecu_csum_score(cs), 90);
    check_evidence(cs, copy + at, "at 0x2004", "lower-case ID, corrected");
    /* the first character in lower case: no CAL ID; the table still claims the image */
    copy[at] = (uint8_t)(copy[at] + ('a' - 'A'));
    csum_analyze(cs, copy, m1->size);
    csum_assert_verdict(cs, ECU_VERDICT_BAD, "lower-case first character");
    assert_non_null(strstr(ecu_csum_evidence(cs), "no CAL ID found"));
    free(copy);
    ecu_csum_free(cs);
}

/* The table alone: ok with 80 when every check verifies, bad with 55 when some fail. */
static void test_subaru_structure_only(void **state)
{
    const struct csum_image *x = csum_image(&manifest, "denso-subaru-1m-noid.bin.gz"),
                            *bad = csum_image(&manifest, "denso-subaru-1m-noid-bad.bin.gz");
    ecu_csum *cs = ecu_csum_new();
    (void)state;
    assert_int_equal(analyzed_score(cs, x->data, x->size), 80);
    csum_assert_verdict(cs, ECU_VERDICT_OK, x->file);
    assert_non_null(strstr(ecu_csum_evidence(cs), "no CAL ID found"));
    assert_int_equal(analyzed_score(cs, bad->data, bad->size), 55);
    csum_assert_verdict(cs, ECU_VERDICT_BAD, bad->file);
    assert_non_null(strstr(ecu_csum_evidence(cs), "1 of 3 checks fail"));
    ecu_csum_free(cs);
}

/* Records the format does not allow: no table. With the CAL ID and the copyright the ROM is
   named with no layout; without the ID nothing claims it. */
static void test_subaru_inconsistent(void **state)
{
    static const struct {
        unsigned rec;
        uint32_t s, e, v;
        const char *what;
    } cases[] = {
        {5, 0x60000, 0xBFFFE, 0, "end not the last byte of a word"},
        {5, 0x60002, 0xBFFFF, 0, "start not 4-aligned"},
        {5, 0xC0000, 0xBFFFF, 0, "start after end"},
        {5, 0xBFFFC, 0xBFFFC, 0, "start == end"},
        {5, 0x60000, 0x100003, 0, "end beyond the image"},
        {5, 0x60000, 0xFFBFF, 0, "range over the table"},
        {5, 0x60000, 0xFFFFFFFF, 0, "end 0xFFFFFFFF"},
        {0, 0, 0, 0x12345678, "first record 0/0, not disabled"},
        {0, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, "first record erased"},
        {3, 0x800, 0, 0x5AA5A55A, "a start with no end"},
    };
    const struct csum_image *x = csum_image(&manifest, "denso-subaru-1m.bin.gz");
    ecu_csum *cs = ecu_csum_new();
    uint8_t *copy = csum_dup(x->data, x->size);
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t r = 0xFFB80 + 12 * cases[i].rec;
        memcpy(copy, x->data, x->size);
        put32be(copy, r, cases[i].s);
        put32be(copy, r + 4, cases[i].e);
        if (cases[i].v)
            put32be(copy, r + 8, cases[i].v);
        csum_analyze(cs, copy, x->size);
        check_no_layout(cs, "denso-subaru", cases[i].what);
        memset(copy + 0x2004, 0xFF, 8); /* the CAL ID erased */
        csum_analyze(cs, copy, x->size);
        csum_assert_unknown(cs, NULL, 0, cases[i].what);
    }
    /* a table of zeros, of erased flash */
    for (i = 0; i < 2; i++) {
        memcpy(copy, x->data, x->size);
        memset(copy + 0xFFB80, i ? 0xFF : 0x00, 17 * 12);
        csum_analyze(cs, copy, x->size);
        check_no_layout(cs, "denso-subaru", i ? "table erased" : "table of zeros");
        memset(copy + 0x2004, 0xFF, 8);
        csum_analyze(cs, copy, x->size);
        csum_assert_unknown(cs, NULL, 0, i ? "table erased, no ID" : "table of zeros, no ID");
    }
    free(copy);
    ecu_csum_free(cs);
}

/* Every byte of the table changed (bit 0, bit 7, all bits): never ok (the diesel ROM's record 4
   is a CVN, no check: its bytes are left alone). */
static void test_subaru_table_mutations(void **state)
{
    static const struct {
        const char *file;
        uint64_t table;
        int diesel;
    } imgs[] = {
        {"denso-subaru-512k.bin.gz", 0x7FB80, 0},      {"denso-subaru-1m.bin.gz", 0xFFB80, 0},
        {"denso-subaru-diesel-1m.bin.gz", 0xFFB80, 1}, {"denso-subaru-1m-moved.bin.gz", 0xFFB80, 0},
        {"denso-subaru-1m-noid.bin.gz", 0xFFB80, 0},
    };
    static const uint8_t flips[] = {0x01, 0x80, 0xFF};
    ecu_csum *cs = ecu_csum_new();
    size_t i, k, j, tried = 0;
    (void)state;
    for (i = 0; i < sizeof imgs / sizeof imgs[0]; i++) {
        const struct csum_image *x = csum_image(&manifest, imgs[i].file);
        uint8_t *copy = csum_dup(x->data, x->size);
        for (k = 0; k < 17 * 12; k++) {
            if (imgs[i].diesel && k / 12 == 4)
                continue;
            for (j = 0; j < sizeof flips; j++) {
                copy[imgs[i].table + k] ^= flips[j];
                csum_analyze(cs, copy, x->size);
                if (ecu_csum_verdict(cs) == ECU_VERDICT_OK)
                    fail_msg("%s: table byte %zu ^ 0x%02X: ok", x->file, k, flips[j]);
                copy[imgs[i].table + k] ^= flips[j];
                tried++;
            }
        }
        free(copy);
    }
    assert_true(tried > 2000);
    ecu_csum_free(cs);
}

/* Random data under a consistent table: claimed by the table, never ok. */
static void test_subaru_random_with_table(void **state)
{
    const struct csum_image *x = csum_image(&manifest, "denso-subaru-1m.bin.gz");
    ecu_csum *cs = ecu_csum_new();
    uint8_t *p = csum_random_buffer(x->size, 0xDE05C000u);
    (void)state;
    memcpy(p + 0xFFB80, x->data + 0xFFB80, 17 * 12);
    assert_int_equal(analyzed_score(cs, p, x->size), 55);
    csum_assert_verdict(cs, ECU_VERDICT_BAD, "random data, a table");
    assert_int_equal(ecu_csum_bad_count(cs), 4);
    /* and the ident block: 90, still bad */
    memcpy(p + 0x2000, x->data + 0x2000, 0x40);
    assert_int_equal(analyzed_score(cs, p, x->size), 90);
    csum_assert_verdict(cs, ECU_VERDICT_BAD, "random data, a table, the ident block");
    free(p);
    ecu_csum_free(cs);
}

/* ---- Mazda NC: the table end and inclusive ends ------------------------------------------------ */

static void test_mazda_nc_table(void **state)
{
    const struct csum_image *x = csum_image(&manifest, "denso-mazda-nc-1m.bin.gz");
    ecu_csum *cs = ecu_csum_new();
    uint8_t *copy = csum_dup(x->data, x->size);
    (void)state;
    /* 4 records, then the end (start 0xFFFFFFFF); the record after it (a wrong value) is not
       checked */
    csum_analyze(cs, copy, x->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    assert_int_equal(ecu_csum_block_count(cs), 4);
    /* the inclusive end: the last byte of record 0 (0x7FFFF) feeds record 0, the byte after it
       (0x80000) record 1 */
    assert_int_equal(ecu_csum_block_at(cs, 0)->ranges[0].end, 0x80000);
    copy[0x7FFFF] ^= 0x01;
    csum_analyze(cs, copy, x->size);
    assert_int_equal(ecu_csum_bad_count(cs), 1);
    assert_int_equal(ecu_csum_block_at(cs, 0)->status, ECU_BLOCK_BAD);
    copy[0x7FFFF] ^= 0x01;
    copy[0x80000] ^= 0x01;
    csum_analyze(cs, copy, x->size);
    assert_int_equal(ecu_csum_bad_count(cs), 1);
    assert_int_equal(ecu_csum_block_at(cs, 1)->status, ECU_BLOCK_BAD);
    copy[0x80000] ^= 0x01;
    /* the end record removed: the next record (0x2000-0x2FFF, value 0x12345678) is read, bad */
    put32be(copy, 0xFF650 + 4 * 12, 0x2000);
    put32be(copy, 0xFF650 + 4 * 12 + 4, 0x2FFF);
    csum_analyze(cs, copy, x->size);
    assert_true(ecu_csum_block_count(cs) >= 5);
    assert_int_equal(ecu_csum_block_at(cs, 4)->status, ECU_BLOCK_BAD);
    free(copy);
    ecu_csum_free(cs);
}

/* Record 3 of the Mazda NC fixture as a damaged record: a bad block (the table goes on to its
   end record), never corrected. */
static void check_nc_damaged(ecu_csum *cs, const uint8_t *d, size_t n, const char *what)
{
    const ecu_block *b;
    csum_analyze(cs, d, n);
    if (ecu_csum_verdict(cs) != ECU_VERDICT_BAD)
        fail_msg("%s: %s, expected bad", what, ecu_verdict_name(ecu_csum_verdict(cs)));
    assert_int_equal(ecu_csum_block_count(cs), 4);
    assert_int_equal(ecu_csum_bad_count(cs), 1);
    b = ecu_csum_block_at(cs, 3);
    assert_int_equal(b->status, ECU_BLOCK_BAD);
    assert_non_null(strstr(b->name, "record 3 at 0xFF674"));
    assert_non_null(strstr(b->algorithm, "damaged"));
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
}

/* The end of the table is its end record (start 0xFFFFFFFF, erased flash: nc-flash
   checksum.py); a start or end at or past the ROM size otherwise, or a block of part words, is
   a damaged record; a table or block past the end of a short (forced) image is truncated. */
static void test_mazda_nc_damaged(void **state)
{
    const struct csum_image *x = csum_image(&manifest, "denso-mazda-nc-1m.bin.gz");
    static const struct {
        unsigned field;   /* 0 start, 1 end */
        uint32_t value;
        const char *what;
    } damage[] = {
        {0, 0x100000, "start at the ROM size"}, {0, 0x80000000, "start far past the ROM"},
        {0, 0xFFFFFFFE, "start one bit off the end mark"}, {1, 0x100000, "end past the ROM"},
        {1, 0xFFAFE, "end not whole words"},    {0, 0xFF802, "start not whole words"},
    };
    static const size_t cuts[] = {0x80000, 0xFF650, 0xFF652, 0xFF670, 0xFF67F, 0xFFA00};
    ecu_csum *cs = ecu_csum_new();
    uint8_t *copy = csum_dup(x->data, x->size);
    const ecu_block *b;
    size_t i;
    (void)state;
    for (i = 0; i < sizeof damage / sizeof damage[0]; i++) {
        put32be(copy, 0xFF674 + 4 * damage[i].field, damage[i].value);
        check_nc_damaged(cs, copy, x->size, damage[i].what);
        memcpy(copy, x->data, x->size);
    }
    /* the end record's start damaged: no end there, record 4 a damaged one, the table read on
       (the record after it, a wrong value, is bad too) */
    copy[0xFF683] ^= 0x01;
    csum_analyze(cs, copy, x->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    assert_true(ecu_csum_block_count(cs) >= 6);
    assert_non_null(strstr(ecu_csum_block_at(cs, 4)->name, "record 4 at 0xFF680"));
    assert_int_equal(ecu_csum_block_at(cs, 4)->status, ECU_BLOCK_BAD);
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
    memcpy(copy, x->data, x->size);
    /* the end record one record earlier: a shorter table, as documented */
    put32be(copy, 0xFF674, 0xFFFFFFFF);
    csum_analyze(cs, copy, x->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    assert_int_equal(ecu_csum_block_count(cs), 3);
    memcpy(copy, x->data, x->size);
    /* truncated reads, the family named: never ok, the block past the end named so */
    assert_int_equal(ecu_csum_set_family(cs, "denso-mazda-nc"), ECU_OK);
    for (i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        size_t k, past = 0;
        csum_analyze(cs, copy, cuts[i]);
        if (ecu_csum_verdict(cs) != ECU_VERDICT_BAD)
            fail_msg("cut at 0x%zX: %s, expected bad", cuts[i],
                     ecu_verdict_name(ecu_csum_verdict(cs)));
        for (k = 0; k < ecu_csum_block_count(cs); k++) {
            b = ecu_csum_block_at(cs, k);
            if (strstr(b->name, "past the end (truncated)")) {
                assert_int_equal(b->status, ECU_BLOCK_BAD);
                past++;
            }
        }
        if (!past)
            fail_msg("cut at 0x%zX: no block past the end", cuts[i]);
        assert_int_not_equal(ecu_csum_fix(cs), ECU_OK);
    }
    assert_int_equal(ecu_csum_set_family(cs, NULL), ECU_OK);
    free(copy);
    ecu_csum_free(cs);
}

/* ---- containers: a header before the ROM --------------------------------------------------------- */

#define INFO_H 0x140 /* the header of denso-subaru-1m-info (fixtures/csum/denso.py) */
#define MEMD_H 0x2A4 /* and of denso-subaru-1m-memd */

/* ok as denso-subaru, the ROM's 4 records at their file offsets (the ROM at @p h), the
   container named in the evidence. */
static void check_container_ok(ecu_csum *cs, uint64_t h, const char *what)
{
    static const uint64_t start[] = {0x0, 0x20000, 0x60000, 0xC0000};
    static const unsigned rec[] = {0, 1, 3, 5};
    char note[96];
    size_t k;
    if (ecu_csum_verdict(cs) != ECU_VERDICT_OK || !ecu_csum_family(cs) ||
        strcmp(ecu_csum_family(cs)->name, "denso-subaru") != 0)
        fail_msg("%s: %s / %s, expected denso-subaru ok", what,
                 ecu_csum_family(cs) ? ecu_csum_family(cs)->name : "no family",
                 ecu_verdict_name(ecu_csum_verdict(cs)));
    assert_int_equal(ecu_csum_block_count(cs), 4);
    for (k = 0; k < 4; k++) {
        const ecu_block *b = ecu_csum_block_at(cs, k);
        assert_int_equal(b->nranges, 1);
        assert_int_equal(b->ranges[0].start, h + start[k]);
        assert_int_equal(b->store_offset, h + 0xFFB80 + 12 * rec[k] + 8);
    }
    snprintf(note, sizeof note, "container header of %llu bytes before the ROM at 0x%llX",
             (unsigned long long)h, (unsigned long long)h);
    if (!strstr(ecu_csum_evidence(cs), note))
        fail_msg("%s: evidence \"%s\" does not say \"%s\"", what, ecu_csum_evidence(cs), note);
    assert_int_equal(ecu_csum_expected_size(cs), h + 0x100000);
}

/* Bad and truncated, never correctable. */
static void check_truncated(ecu_csum *cs, const char *what)
{
    if (ecu_csum_verdict(cs) != ECU_VERDICT_BAD || ecu_csum_extent(cs) != ECU_EXTENT_TRUNCATED)
        fail_msg("%s: %s, extent %s, expected bad and truncated", what,
                 ecu_verdict_name(ecu_csum_verdict(cs)), ecu_extent_name(ecu_csum_extent(cs)));
    assert_int_not_equal(ecu_csum_fix(cs), ECU_OK);
}

/* The ROM after a made-up header ("INFO" or "MEMD" first: nothing else of the header is read),
   found from its table, checked at its file offsets; bytes after the ROM are past the layout. */
static void test_subaru_container(void **state)
{
    const struct csum_image *info = csum_image(&manifest, "denso-subaru-1m-info.bin.gz"),
                            *memd = csum_image(&manifest, "denso-subaru-1m-memd.bin.gz"),
                            *bad = csum_image(&manifest, "denso-subaru-1m-info-bad.bin.gz");
    ecu_csum *cs = ecu_csum_new();
    ecu_id *id = ecu_id_new();
    const ecu_id_field *f;
    uint8_t *copy;
    size_t rom = 0x100000, k;
    (void)state;
    assert_int_equal(info->size, INFO_H + rom);
    csum_analyze(cs, info->data, info->size);
    check_container_ok(cs, INFO_H, info->file);
    assert_int_equal(ecu_csum_extent(cs), ECU_EXTENT_EXACT);
    assert_int_equal(ecu_csum_score(cs), 90);
    assert_non_null(strstr(ecu_csum_evidence(cs), "at 0x2144")); /* the CAL ID's file offset */
    csum_analyze(cs, memd->data, memd->size);
    check_container_ok(cs, MEMD_H, memd->file);
    assert_int_equal(ecu_csum_extent(cs), ECU_EXTENT_OVERLONG);
    /* the CAL ID at its file offset */
    assert_int_equal(ecu_id_analyze(id, info->data, info->size), ECU_OK);
    assert_non_null(f = ecu_id_get(id, "cal_id"));
    assert_string_equal(f->value, "E9XQ601K");
    assert_int_equal(f->offset, INFO_H + 0x2004);
    assert_non_null(f = ecu_id_get(id, "family"));
    assert_string_equal(f->value, "denso-subaru");
    /* the damaged ROM inside: bad, the one record named, corrected in place */
    csum_analyze(cs, bad->data, bad->size);
    csum_assert_verdict(cs, ECU_VERDICT_BAD, bad->file);
    assert_int_equal(ecu_csum_bad_count(cs), 1);
    assert_int_equal(ecu_csum_block_at(cs, 1)->status, ECU_BLOCK_BAD);

    /* the header's content is not read: other bytes, no marker at all (a file longer than the
       ROM whose table verifies), the same ROM */
    copy = csum_dup(info->data, info->size);
    memset(copy + 4, 0x00, INFO_H - 4);
    csum_analyze(cs, copy, info->size);
    check_container_ok(cs, INFO_H, "header of zeros");
    memset(copy, 0xFF, INFO_H);
    csum_analyze(cs, copy, info->size);
    check_container_ok(cs, INFO_H, "no marker");
    /* ... but without the marker a table whose checks fail claims nothing: the damaged ROM
       is not found (never ok) */
    memcpy(copy, bad->data, bad->size);
    memset(copy, 0xFF, 4);
    csum_analyze(cs, copy, bad->size);
    assert_int_not_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    free(copy);

    /* other header lengths: 4-aligned, up to 64 KiB */
    {
        static const size_t hl[] = {4, 0x1000, 0x10000};
        for (k = 0; k < sizeof hl / sizeof hl[0]; k++) {
            uint8_t *p = malloc(hl[k] + rom);
            assert_non_null(p);
            memset(p, 0x5A, hl[k]);
            memcpy(p, "INFO", 4);
            memcpy(p + hl[k], info->data + INFO_H, rom);
            csum_analyze(cs, p, hl[k] + rom);
            check_container_ok(cs, hl[k], "header length");
            free(p);
        }
    }
    /* a header of 64 KiB + 4 bytes, and one of 0x141 bytes (not 4-aligned): not searched, the
       ROM is not found (never ok) */
    {
        static const size_t hl[] = {0x10004, INFO_H + 1};
        for (k = 0; k < sizeof hl / sizeof hl[0]; k++) {
            uint8_t *p = malloc(hl[k] + rom);
            assert_non_null(p);
            memset(p, 0x5A, hl[k]);
            memcpy(p, "INFO", 4);
            memcpy(p + hl[k], info->data + INFO_H, rom);
            csum_analyze(cs, p, hl[k] + rom);
            assert_int_not_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
            free(p);
        }
    }
    /* the header written over the ROM's start (a 1 MiB file): the ROM at 0, its record 0
       fails */
    copy = csum_dup(info->data + INFO_H, rom);
    memcpy(copy, "INFO", 4);
    csum_analyze(cs, copy, rom);
    csum_assert_verdict(cs, ECU_VERDICT_BAD, "header over the ROM's start");
    assert_int_equal(ecu_csum_bad_count(cs), 1);
    free(copy);
    ecu_id_free(id);
    ecu_csum_free(cs);
}

/* A container whose ROM is cut short: bad and truncated, never ok, never corrected. */
static void test_subaru_container_cut(void **state)
{
    const struct csum_image *info = csum_image(&manifest, "denso-subaru-1m-info.bin.gz");
    /* cuts: after the table (its records and CAL ID still there), inside the table, before
       it (0x80000 bytes of the ROM: the generator's -cut fixture), down to 192 KiB (the
       family looks at files of 160 KiB or more) */
    static const size_t keep[] = {0xFFD00, 0xFFC4C, 0xFFC00, 0xFFB84, 0xFFB80, 0x80000,
                                  0x40000, 0x30000};
    ecu_csum *cs = ecu_csum_new();
    ecu_image *img = ecu_image_new();
    size_t k;
    (void)state;
    for (k = 0; k < sizeof keep / sizeof keep[0]; k++) {
        char what[64];
        snprintf(what, sizeof what, "ROM cut to 0x%zX", keep[k]);
        csum_analyze(cs, info->data, INFO_H + keep[k]);
        check_truncated(cs, what);
        assert_string_equal(ecu_csum_family(cs)->name, "denso-subaru");
        assert_int_equal(ecu_csum_expected_size(cs), INFO_H + 0x100000);
    }
    /* cut after the table: its records checked, those past the end bad */
    csum_analyze(cs, info->data, INFO_H + 0xFFD00);
    assert_int_equal(ecu_csum_block_count(cs), 4);
    assert_int_equal(ecu_csum_block_at(cs, 0)->status, ECU_BLOCK_OK);
    assert_int_equal(ecu_csum_block_at(cs, 3)->status, ECU_BLOCK_OK);
    csum_analyze(cs, info->data, INFO_H + 0xC0000);
    check_truncated(cs, "cut inside record 5's block");
    /* before the CAL ID: nothing names the ROM (never ok) */
    csum_analyze(cs, info->data, INFO_H + 0x1000);
    assert_int_not_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    /* the generator's cut fixture */
    assert_int_equal(ecu_image_load_file(img, ECU_FIXTURES_DIR "/csum/denso-subaru-1m-info-cut.bin.gz"),
                     ECU_OK);
    assert_int_equal(ecu_image_size(img), INFO_H + 0x80000);
    csum_analyze(cs, ecu_image_data(img), ecu_image_size(img));
    check_truncated(cs, "denso-subaru-1m-info-cut.bin.gz");
    assert_int_equal(ecu_csum_block_count(cs), 1);
    assert_non_null(strstr(ecu_csum_block_at(cs, 0)->name, "past the end (truncated)"));
    assert_non_null(strstr(ecu_csum_evidence(cs), "container header of 320 bytes"));
    ecu_image_free(img);
    ecu_csum_free(cs);
}

/* Random data after a marker, a file longer than 1 MiB of random data: nothing claims them. */
static void test_subaru_container_random(void **state)
{
    static const size_t sizes[] = {0x100000 + 0x140, 0x100000, 0x180000 + 0x100};
    ecu_csum *cs = ecu_csum_new();
    size_t i;
    (void)state;
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint8_t *p = csum_random_buffer(sizes[i], 0xDE05D000u + (uint32_t)i);
        csum_analyze(cs, p, sizes[i]);
        csum_assert_unknown(cs, NULL, 0, "random bytes");
        memcpy(p, i % 2 ? "MEMD" : "INFO", 4);
        csum_analyze(cs, p, sizes[i]);
        csum_assert_unknown(cs, NULL, 0, "a marker, random bytes");
        memset(p + 4, 0xFF, sizes[i] - 4);
        csum_analyze(cs, p, sizes[i]);
        csum_assert_unknown(cs, NULL, 0, "a marker, erased");
        free(p);
    }
    ecu_csum_free(cs);
}

/* ---- truncated images, erased identifications, random data -------------------------------------- */

static void test_truncated(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i;
    (void)state;
    for (i = 0; i < manifest.nimages; i++) {
        const struct csum_image *x = &manifest.images[i];
        static const size_t cut[] = {1, 4, 13, 0x400, 0x10000};
        /* the bytes after the ROM of the -memd container (past its layout: a cut of them
           only shortens that tail) */
        size_t k, tail = strcmp(x->file, "denso-subaru-1m-memd.bin.gz") == 0 ? 0x200 : 0;
        if (!csum_is_good(x))
            continue;
        for (k = 0; k < sizeof cut / sizeof cut[0]; k++) {
            uint8_t *p = csum_dup(x->data, x->size - tail - cut[k]);
            csum_analyze(cs, p, x->size - tail - cut[k]);
            /* never ok on a cut image of a fixed size; a family may still name it, never
               with an out-of-bounds read (ASan) */
            assert_int_not_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
            free(p);
        }
        {
            /* half of it */
            uint8_t *p = csum_dup(x->data, x->size / 2);
            csum_analyze(cs, p, x->size / 2);
            assert_int_not_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
            free(p);
        }
    }
    ecu_csum_free(cs);
}

static void test_not_claimed(void **state)
{
    static const size_t sizes[] = {160 * 1024, 192 * 1024, 512 * 1024, 1024 * 1024, 1536 * 1024};
    ecu_csum *cs = ecu_csum_new();
    size_t i;
    (void)state;
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint8_t *p = csum_random_buffer(sizes[i], 0xDE05B000u + (uint32_t)i);
        csum_analyze(cs, p, sizes[i]);
        csum_assert_unknown(cs, NULL, 0, "random bytes");
        memset(p, 0xFF, sizes[i]);
        csum_analyze(cs, p, sizes[i]);
        csum_assert_unknown(cs, NULL, 0, "erased");
        memset(p, 0x00, sizes[i]);
        csum_analyze(cs, p, sizes[i]);
        csum_assert_unknown(cs, NULL, 0, "zeros");
        free(p);
    }
    for (i = 0; i < manifest.nimages; i++) {
        const struct csum_image *x = &manifest.images[i];
        uint8_t *copy;
        if (!csum_is_good(x))
            continue;
        assert_true(x->nidents > 0);
        copy = csum_without_idents(x);
        csum_analyze(cs, copy, x->size);
        csum_assert_unknown(cs, NULL, 0, x->file);
        free(copy);
    }
    ecu_csum_free(cs);
}

static void test_forced(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i;
    (void)state;
    for (i = 0; i < manifest.nimages; i++)
        csum_check_named(cs, &manifest.images[i]);
    /* Subaru by name on a Mazda NC image: no table of its own there */
    assert_int_equal(ecu_csum_set_family(cs, "denso-subaru"), ECU_OK);
    csum_analyze(cs, csum_image(&manifest, "denso-mazda-nc-1m.bin.gz")->data, 0x100000);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_NO_LAYOUT);
    assert_int_equal(ecu_csum_set_family(cs, NULL), ECU_OK);
    ecu_csum_free(cs);
}

static void test_corpus_claims(void **state)
{
    static const char *const folders[] = {"subaru_denso"};
    (void)state;
    if (!csum_check_corpus_claims(families, NFAMILIES, folders, 1))
        skip();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_good_images),
        cmocka_unit_test(test_flip_each_block),
        cmocka_unit_test(test_slot_each_block),
        cmocka_unit_test(test_bad_variants),
        cmocka_unit_test(test_subaru_disabled),
        cmocka_unit_test(test_subaru_checks_off),
        cmocka_unit_test(test_subaru_cal_id),
        cmocka_unit_test(test_subaru_structure_only),
        cmocka_unit_test(test_subaru_inconsistent),
        cmocka_unit_test(test_subaru_table_mutations),
        cmocka_unit_test(test_subaru_random_with_table),
        cmocka_unit_test(test_subaru_cvn),
        cmocka_unit_test(test_subaru_small),
        cmocka_unit_test(test_subaru_container),
        cmocka_unit_test(test_subaru_container_cut),
        cmocka_unit_test(test_subaru_container_random),
        cmocka_unit_test(test_mazda_nc_table),
        cmocka_unit_test(test_mazda_nc_damaged),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_not_claimed),
        cmocka_unit_test(test_forced),
        cmocka_unit_test(test_corpus_claims),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
