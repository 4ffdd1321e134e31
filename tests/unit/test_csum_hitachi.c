/* SPDX-License-Identifier: MIT */
/*
 * The hitachi-nissan checksum family (lib/families/hitachi_nissan.c) against synthetic images
 * (fixtures/csum/hitachi-*.bin.gz, written by fixtures/csum/hitachi.py from the documented
 * layouts; the expected values in fixtures/csum/hitachi.tsv are computed there, independently
 * of the C code).
 *
 * The std and alt2 sum/xor slots are located by algebra, which holds only while the checksums
 * do: a changed data byte leaves them unlocatable, so the generic flip, wrong-slot and
 * bad-variant checks do not apply to this family. Instead: good images (generic), the
 * alt-stale variant (std holds, alt is corrected), the 16-bit slots of alt2 (fixed places,
 * corrected), data or 32-bit slots changed (bad, a correction refused, nothing written),
 * truncated and hostile images, other families' fixtures and non-Nissan SH images unclaimed,
 * and the real dumps of ../shared/corpus (or $ECU_CORPUS) when present: claimed in
 * hitachi_nissan only.
 */
#define _POSIX_C_SOURCE 200809L
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

#define FAMILY "hitachi-nissan"

CSUM_MANIFEST_GROUP(manifest, "hitachi.tsv", 0, 0)

static void check_unknown(ecu_csum *cs, const uint8_t *d, size_t n, const char *what)
{
    const ecu_family_info *f = ecu_csum_family(cs);
    if (f && strcmp(f->name, FAMILY) == 0)
        fail_msg("%s: claimed by %s (%s)", what, FAMILY, ecu_csum_evidence(cs));
    (void)d;
    (void)n;
}

static int claimed(const ecu_csum *cs)
{
    const ecu_family_info *f = ecu_csum_family(cs);
    return f && strcmp(f->name, FAMILY) == 0;
}

/* The analysed image is claimed, bad, and a correction is refused with nothing changed. */
static void check_refused(ecu_csum *cs, const uint8_t *d, size_t n, const char *what)
{
    if (!claimed(cs))
        fail_msg("%s: not claimed", what);
    csum_assert_verdict(cs, ECU_VERDICT_BAD, what);
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
    csum_assert_image(cs, d, n, what);
    csum_assert_verdict(cs, ECU_VERDICT_BAD, what);
}

/* ---- the registry --------------------------------------------------------------------------- */

static void test_registry(void **state)
{
    size_t i, seen = 0;
    (void)state;
    for (i = 0; i < ecu_family_count(); i++) {
        const ecu_family_info *f = ecu_family_at(i);
        if (strcmp(f->name, FAMILY) != 0)
            continue;
        seen++;
        assert_string_equal(f->manufacturer, "Hitachi");
        assert_true(f->description && *f->description);
        assert_true(f->verifies && *f->verifies);
        assert_true(f->corrects && *f->corrects);
        assert_non_null(strstr(f->sources, "RomRaider"));
        assert_non_null(strstr(f->sources, "nissutils"));
    }
    assert_int_equal(seen, 1);
}

/* ---- good images: std+alt, alt2 at 0x8200, alt2 found by the scan ---------------------------- */

static void test_good_images(void **state)
{
    (void)state;
    assert_int_equal(csum_check_good_images(&manifest), 3);
}

/* ---- alt stale, std recomputed over it: alt corrected, std follows ------------------------- */

static void test_alt_stale(void **state)
{
    const struct csum_image *x = csum_image(&manifest, "hitachi-std-512k-altstale.bin.gz");
    ecu_csum *cs = ecu_csum_new();
    uint8_t *want, *out;
    size_t k;
    (void)state;
    assert_non_null(cs);
    csum_analyze(cs, x->data, x->size);
    csum_assert_verdict(cs, ECU_VERDICT_BAD, x->file);
    csum_check_layout(cs, x);
    assert_int_equal(ecu_csum_bad_count(cs), 2);
    for (k = 0; k < x->nblocks; k++) {
        const ecu_block *b = ecu_csum_block_at(cs, k);
        assert_int_equal(b->stored, x->b[k].stored);
        assert_int_equal(b->computed, x->b[k].correct);
    }
    assert_string_equal(ecu_csum_block_at(cs, 0)->name, "alt sum");
    assert_string_equal(ecu_csum_block_at(cs, 1)->name, "alt xor");
    csum_check_bad_set(cs, x, 0x3, "alt stale");
    want = csum_dup(x->data, x->size);
    for (k = 0; k < x->nblocks; k++)
        memcpy(want + x->b[k].slot, x->b[k].fixed, x->b[k].bytes);
    out = csum_fix_checked(cs, x, 0x3, x->data, "alt stale");
    assert_memory_equal(out, want, x->size);
    free(out);
    free(want);
    ecu_csum_free(cs);
}

/* ---- alt2: the 16-bit sums sit at fixed places ---------------------------------------------- */

static void test_alt2_sum16_slots(void **state)
{
    const struct csum_image *a = csum_image(&manifest, "hitachi-alt2-1m.bin.gz");
    const struct csum_image *b = csum_image(&manifest, "hitachi-alt2-512k.bin.gz");
    ecu_csum *cs = ecu_csum_new();
    uint8_t *copy;
    unsigned byte;
    (void)state;
    assert_non_null(cs);
    /* the code sum at skiploc: outside every other block, corrected back */
    for (byte = 0; byte < 2; byte++) {
        csum_check_slot_byte(cs, a, 3, byte);
        csum_check_slot_byte(cs, b, 3, byte);
        /* the calibration sum at the start 0x8200 (the 32-bit sums still locate it) */
        csum_check_slot_byte(cs, a, 2, byte);
    }
    /* a start found only by the scan: its own sum wrong, it cannot be located any more */
    copy = csum_dup(b->data, b->size);
    copy[b->b[2].slot] ^= 0x01;
    csum_analyze(cs, copy, b->size);
    check_refused(cs, copy, b->size, "alt2 scan start, sum16 changed");
    assert_int_equal(ecu_csum_block_count(cs), 2);
    assert_string_equal(ecu_csum_block_at(cs, 0)->name, "alt2 code sum16");
    assert_int_equal(ecu_csum_block_at(cs, 0)->status, ECU_BLOCK_OK);
    free(copy);
    ecu_csum_free(cs);
}

/* ---- data or 32-bit slots changed: bad, and where to write is unknown ----------------------- */

static void test_changed_unfixable(void **state)
{
    static const struct {
        const char *file;
        uint64_t at;
        size_t blocks; /* after the change */
    } cases[] = {
        {"hitachi-std-512k.bin.gz", 0x1500, 3},   /* alt block data: alt bad, std lost */
        {"hitachi-std-512k.bin.gz", 0x5100, 3},   /* std only data */
        {"hitachi-std-512k.bin.gz", 0x67EC, 3},   /* the std sum slot */
        {"hitachi-std-512k.bin.gz", 0x1401, 3},   /* an alt slot (inside std) */
        {"hitachi-alt2-1m.bin.gz", 0x20300, 2},   /* code data */
        {"hitachi-alt2-1m.bin.gz", 0x8400, 2},    /* calibration data */
        {"hitachi-alt2-1m.bin.gz", 0x9009, 2},    /* the alt2 sum slot */
        {"hitachi-alt2-512k.bin.gz", 0x10300, 2}, /* code data */
    };
    ecu_csum *cs = ecu_csum_new();
    size_t i, k;
    (void)state;
    assert_non_null(cs);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct csum_image *x = csum_image(&manifest, cases[i].file);
        uint8_t *copy = csum_dup(x->data, x->size);
        size_t unlocated = 0;
        char what[128];
        snprintf(what, sizeof what, "%s, byte 0x%llX changed", x->file,
                 (unsigned long long)cases[i].at);
        copy[cases[i].at] ^= 0x5A;
        csum_analyze(cs, copy, x->size);
        check_refused(cs, copy, x->size, what);
        if (ecu_csum_block_count(cs) != cases[i].blocks)
            fail_msg("%s: %zu blocks, expected %zu", what, ecu_csum_block_count(cs), cases[i].blocks);
        for (k = 0; k < ecu_csum_block_count(cs); k++) {
            const ecu_block *b = ecu_csum_block_at(cs, k);
            if (strstr(b->algorithm, "not found")) {
                unlocated++;
                assert_int_equal(b->status, ECU_BLOCK_BAD);
            }
        }
        assert_int_equal(unlocated, 1);
        /* put back, it verifies again */
        copy[cases[i].at] ^= 0x5A;
        csum_analyze(cs, copy, x->size);
        csum_assert_verdict(cs, ECU_VERDICT_OK, what);
        csum_check_layout(cs, x);
        free(copy);
    }
    ecu_csum_free(cs);
}

/* ---- a CPU code not in nissutils' list ------------------------------------------------------ */

static void test_unknown_cpu(void **state)
{
    const struct csum_image *x = csum_image(&manifest, "hitachi-std-512k.bin.gz");
    ecu_csum *cs = ecu_csum_new();
    uint8_t *copy = csum_dup(x->data, x->size);
    (void)state;
    assert_non_null(cs);
    /* the CPU code 32 bytes into the FID: 13 bytes after "DATABASE" */
    assert_memory_equal(copy + x->ident_at[0] + 13, "SH705513", 8);
    memcpy(copy + x->ident_at[0] + 13, "SH709999", 8);
    /* the code bytes lie in the std range, so std no longer holds and is not located; for a
       CPU type without known checksums that is no layout (not "bad") */
    csum_analyze(cs, copy, x->size);
    assert_true(claimed(cs));
    csum_assert_verdict(cs, ECU_VERDICT_NO_LAYOUT, "unknown CPU code");
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_INVALID);
    /* its std sum and xor rewritten (computed here, at the manifest's slots): std located
       again, the alt block unknown for this CPU type, so std alone */
    {
        uint64_t ps = x->b[2].slot, px = x->b[3].slot, o;
        uint32_t sum = 0, xr = 0;
        for (o = 0; o + 4 <= x->size; o += 4) {
            uint32_t v = (uint32_t)copy[o] << 24 | (uint32_t)copy[o + 1] << 16 |
                         (uint32_t)copy[o + 2] << 8 | copy[o + 3];
            if (o == ps || o == px)
                continue;
            sum += v;
            xr ^= v;
        }
        for (o = 0; o < 4; o++) {
            copy[ps + o] = (uint8_t)(sum >> (24 - 8 * o));
            copy[px + o] = (uint8_t)(xr >> (24 - 8 * o));
        }
        csum_analyze(cs, copy, x->size);
        assert_true(claimed(cs));
        csum_assert_verdict(cs, ECU_VERDICT_OK, "unknown CPU code, std rewritten");
        assert_int_equal(ecu_csum_block_count(cs), 2);
        assert_string_equal(ecu_csum_block_at(cs, 0)->name, "std sum");
        assert_int_equal(ecu_csum_block_at(cs, 0)->store_offset, ps);
        assert_int_equal(ecu_csum_block_at(cs, 1)->store_offset, px);
    }
    /* a code that is not SH: not claimed */
    memcpy(copy + x->ident_at[0] + 13, "SHX05513", 8);
    csum_analyze(cs, copy, x->size);
    check_unknown(cs, copy, x->size, "not an SH CPU code");
    free(copy);
    ecu_csum_free(cs);
}

/* ---- not claimed ----------------------------------------------------------------------------- */

static void test_not_claimed(void **state)
{
    static const size_t sizes[] = {0x40000, 0x80000, 0x100000, 0x200000};
    ecu_csum *cs = ecu_csum_new();
    size_t i;
    (void)state;
    assert_non_null(cs);
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint8_t *p = csum_random_buffer(sizes[i], 0x4E150000u + (uint32_t)i);
        csum_analyze(cs, p, sizes[i]);
        check_unknown(cs, p, sizes[i], "random bytes");
        /* SH reset vectors (Subaru Denso style), no Nissan FID: not claimed */
        memcpy(p, "\x00\x00\x08\xdc\xff\xff\xdf\xa0\x00\x00\x08\xdc\xff\xff\xdf\xa0", 16);
        csum_analyze(cs, p, sizes[i]);
        check_unknown(cs, p, sizes[i], "SH vectors without a Nissan FID");
        memset(p, 0xFF, sizes[i]);
        csum_analyze(cs, p, sizes[i]);
        check_unknown(cs, p, sizes[i], "erased");
        memset(p, 0x00, sizes[i]);
        csum_analyze(cs, p, sizes[i]);
        check_unknown(cs, p, sizes[i], "zeros");
        free(p);
    }
    for (i = 0; i < manifest.nimages; i++) {
        const struct csum_image *x = &manifest.images[i];
        uint8_t *copy;
        if (!csum_is_good(x))
            continue;
        /* the FID's DATABASE erased (the LOADER's alone is not an FID) */
        copy = csum_without_idents(x);
        csum_analyze(cs, copy, x->size);
        check_unknown(cs, copy, x->size, "FID erased");
        free(copy);
        /* no reset vectors at 0 */
        copy = csum_dup(x->data, x->size);
        memset(copy, 0xFF, 16);
        csum_analyze(cs, copy, x->size);
        check_unknown(cs, copy, x->size, "no vectors");
        free(copy);
    }
    ecu_csum_free(cs);
}

/* Truncated and odd-sized copies: never read out of bounds, never valid. */
static void test_truncated(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i, k;
    (void)state;
    assert_non_null(cs);
    for (i = 0; i < manifest.nimages; i++) {
        const struct csum_image *x = &manifest.images[i];
        const size_t cut[] = {x->size / 2, x->size - 1, x->size - 2, x->size - 4, 0x20004,
                              0x10000, 0x3100, 64, 1};
        if (!csum_is_good(x))
            continue;
        for (k = 0; k < sizeof cut / sizeof cut[0]; k++) {
            uint8_t *copy = csum_dup(x->data, cut[k]);
            ecu_verdict v;
            csum_analyze(cs, copy, cut[k]);
            v = ecu_csum_verdict(cs);
            if (claimed(cs) && (v == ECU_VERDICT_OK || ecu_csum_fix(cs) == ECU_OK))
                fail_msg("%s cut to 0x%zX: %s", x->file, cut[k], ecu_verdict_name(v));
            if (cut[k] % 4)
                check_unknown(cs, copy, cut[k], "odd size");
            free(copy);
        }
    }
    ecu_csum_free(cs);
}

/* Every other family's fixture: not claimed. */
static void other_fixture(ecu_csum *cs, const char *file, const uint8_t *d, size_t n)
{
    csum_analyze(cs, d, n);
    check_unknown(cs, d, n, file);
}

static void test_other_fixtures(void **state)
{
    static const char *const ours[] = {"hitachi-std-", "hitachi-alt2-"};
    (void)state;
    assert_true(csum_for_each_fixture(ours, 2, other_fixture) >= 10);
}

static void test_corpus_claims(void **state)
{
    static const char *const families[] = {FAMILY};
    static const char *const folders[] = {"hitachi_nissan"};
    (void)state;
    if (!csum_check_corpus_claims(families, 1, folders, 1))
        skip();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_good_images),
        cmocka_unit_test(test_alt_stale),
        cmocka_unit_test(test_alt2_sum16_slots),
        cmocka_unit_test(test_changed_unfixable),
        cmocka_unit_test(test_unknown_cpu),
        cmocka_unit_test(test_not_claimed),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_other_fixtures),
        cmocka_unit_test(test_corpus_claims),
    };
    return cmocka_run_group_tests_name("csum_hitachi", tests, setup, teardown);
}
