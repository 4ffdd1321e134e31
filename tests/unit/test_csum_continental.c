/* SPDX-License-Identifier: MIT */
/*
 * The Continental families (lib/families/continental_simos.c: continental-simos, sim2k)
 * against synthetic images (fixtures/csum/continental-*.bin.gz, written by
 * fixtures/csum/continental.py from the documented layouts; no public Simos or SIM2K dump is
 * known). What the library must find in each image comes from fixtures/csum/continental.tsv,
 * computed by the generator independently of the C code. Beyond the checks every family gets:
 * each generation named with its project ID, the ECM3 table in CAL, in ASW1 and in ASW1's early
 * place, the +0x38 slot, headers whose ranges leave their block or the file, more than 8
 * ranges, truncated images, and no claim on random data, other families' fixtures or the
 * real dumps of ../shared/corpus (none of which is a Continental Simos 8+ or SIM2K image).
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
#include "ecu/checksum.h"
#include "ecu/csum.h"
#include "ecu/error.h"
#include "ecu/image.h"

static const char *const families[] = {"continental-simos", "sim2k"};
#define NFAMILIES (sizeof families / sizeof families[0])

CSUM_MANIFEST_GROUP(manifest, "continental.tsv", 0, 0)

/* ---- helpers -------------------------------------------------------------------------------- */

static void check_unclaimed(ecu_csum *cs, const uint8_t *d, size_t n, const char *what)
{
    size_t i;
    csum_analyze(cs, d, n);
    for (i = 0; i < ecu_csum_candidate_count(cs); i++)
        if (csum_is_one_of(ecu_csum_candidate_at(cs, i, NULL), families, NFAMILIES))
            fail_msg("%s: claimed by %s", what, ecu_csum_candidate_at(cs, i, NULL)->name);
    assert_false(csum_is_one_of(ecu_csum_family(cs), families, NFAMILIES));
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The block whose slot is at @p slot, or NULL. */
static const ecu_block *block_at(const ecu_csum *cs, uint64_t slot)
{
    size_t i;
    for (i = 0; i < ecu_csum_block_count(cs); i++)
        if (ecu_csum_block_at(cs, i)->store_offset == slot)
            return ecu_csum_block_at(cs, i);
    return NULL;
}

/* @p copy of @p x: claimed by its family, the block with slot @p slot bad (and unusable, so the
   correction refuses and leaves the copy as it was), @p nbad blocks bad in all (the others
   cover the changed header). */
static void check_unusable(ecu_csum *cs, const struct csum_image *x, const uint8_t *copy,
                           uint64_t slot, size_t nbad, const char *what)
{
    const ecu_block *b;
    csum_analyze(cs, copy, x->size);
    assert_non_null(ecu_csum_family(cs));
    assert_string_equal(ecu_csum_family(cs)->name, x->family);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    b = block_at(cs, slot);
    if (!b)
        fail_msg("%s: no block with its slot at 0x%llX", what, (unsigned long long)slot);
    assert_int_equal(b->status, ECU_BLOCK_BAD);
    assert_int_equal(b->nranges, 0);
    assert_int_equal(ecu_csum_bad_count(cs), nbad);
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
    csum_assert_image(cs, copy, x->size, what);
}

/* ---- the CRC ------------------------------------------------------------------------------- */

static void test_crc_check_value(void **state)
{
    static const ecu_crc_params simos = {32, 0x04C11DB7, 0, 0, 0, 0};
    ecu_crc *c = ecu_crc_new(&simos);
    (void)state;
    assert_non_null(c);
    assert_int_equal(ecu_crc_compute(c, "123456789", 9), 0x89A1897F);
    ecu_crc_free(c);
}

/* ---- the registry --------------------------------------------------------------------------- */

static void test_registry(void **state)
{
    size_t k;
    (void)state;
    for (k = 0; k < NFAMILIES; k++) {
        const ecu_family_info *f = csum_family_info(families[k]);
        assert_string_equal(f->manufacturer, "Continental");
        assert_true(f->verifies && *f->verifies);
        assert_true(f->corrects && *f->corrects);
    }
    /* the signatures are said to be unchecked, never verified */
    assert_non_null(strstr(csum_family_info("continental-simos")->verifies, "cannot be checked"));
    assert_non_null(strstr(csum_family_info("continental-simos")->corrects, "accepts"));
}

/* ---- the checks every family gets ------------------------------------------------------------ */

static void test_good_images(void **state)
{
    (void)state;
    assert_int_equal(csum_check_good_images(&manifest), 10);
}

static void test_flip_each_block(void **state)
{
    (void)state;
    csum_check_flip_each_block(&manifest);
    assert_true(csum_check_probes(&manifest) > 0);
}

static void test_slot_each_block(void **state)
{
    (void)state;
    csum_for_each_good_block(&manifest, csum_check_slot_bytes);
}

static void test_bad_variants(void **state)
{
    (void)state;
    assert_int_equal(csum_check_bad_variants(&manifest), 4);
}

/* ---- each generation, named with its project ID ---------------------------------------------- */

static void test_variants(void **state)
{
    static const struct {
        const char *file, *variant, *id, *sig;
    } v[] = {
        {"continental-s18-1.bin.gz", "Simos18.1,", "SC800H63", "RSA"},
        {"continental-s16.bin.gz", "Simos16,", "SG100G11", NULL},
        {"continental-s18-10.bin.gz", "Simos18.10,", "SCG0Q005", "RSA"},
        {"continental-s18-41.bin.gz", "Simos18.41,", "SCB00X41", "RSA"},
        {"continental-s12.bin.gz", "Simos12,", "SC1A1200", "Simos12.1 RSA"},
        {"continental-s12-2.bin.gz", "Simos12.2,", "SC2A1220", NULL},
        {"continental-s8.bin.gz", "Simos8,", "S85A0800", NULL},
        {"continental-s10.bin.gz", "Simos10,", "ID SA3A1 at 0xC41F", NULL},
        {"continental-sim2k-64k.bin.gz", "SIM2K CBOOT", "(TC1782), base 0x80010000", NULL},
        {"continental-sim2k-128k.bin.gz", "SIM2K CBOOT", "(TC1791), base 0x80020000", NULL},
    };
    ecu_csum *cs = ecu_csum_new();
    size_t i;
    (void)state;
    assert_non_null(cs);
    for (i = 0; i < sizeof v / sizeof v[0]; i++) {
        const struct csum_image *x = csum_image(&manifest, v[i].file);
        const char *ev;
        csum_analyze(cs, x->data, x->size);
        assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
        ev = ecu_csum_evidence(cs);
        if (strncmp(ev, v[i].variant, strlen(v[i].variant)) != 0 || !strstr(ev, v[i].id))
            fail_msg("%s: evidence \"%s\"", v[i].file, ev);
        if (v[i].sig ? !strstr(ev, v[i].sig) || !strstr(ev, "not checkable") : !!strstr(ev, "RSA"))
            fail_msg("%s: evidence \"%s\" (signatures)", v[i].file, ev);
    }
    ecu_csum_free(cs);
}

/* ---- ECM3 ------------------------------------------------------------------------------------ */

static void test_ecm3(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    const struct csum_image *s181 = csum_image(&manifest, "continental-s18-1.bin.gz");
    const struct csum_image *s1810 = csum_image(&manifest, "continental-s18-10.bin.gz");
    const struct csum_image *s1841 = csum_image(&manifest, "continental-s18-41.bin.gz");
    const struct csum_image *s12 = csum_image(&manifest, "continental-s12.bin.gz");
    const ecu_block *b;
    uint8_t *copy;
    (void)state;
    assert_non_null(cs);
    /* the table in ASW1 at 0x520 (cached addresses): the areas CAL+0x1000 and CAL+0x5000 */
    csum_analyze(cs, s181->data, s181->size);
    assert_non_null(b = block_at(cs, 0x200400));
    assert_int_equal(b->nranges, 2);
    assert_int_equal(b->ranges[0].start, 0x201000);
    assert_int_equal(b->ranges[1].end, 0x205200);
    /* the early place 0x540 */
    csum_analyze(cs, s1841->data, s1841->size);
    assert_non_null(b = block_at(cs, 0x220400));
    assert_int_equal(b->ranges[0].start, 0x221000);
    /* the table in CAL, the value in the +0x38 slot */
    csum_analyze(cs, s1810->data, s1810->size);
    assert_null(block_at(cs, 0x220400));
    assert_non_null(b = block_at(cs, 0x220438));
    assert_int_equal(b->store_bytes, 8);
    assert_int_equal(b->ranges[0].start, 0x221000);
    /* with the byte at +0x38 cleared, the value is looked for at +0x0 */
    copy = csum_dup(s1810->data, s1810->size);
    copy[0x220438] = 0;
    csum_analyze(cs, copy, s1810->size);
    assert_null(block_at(cs, 0x220438));
    assert_non_null(b = block_at(cs, 0x220400));
    assert_int_equal(b->status, ECU_BLOCK_BAD);
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    free(copy);
    /* no area: no ECM3 block; an absurd count: a bad block that is not corrected */
    copy = csum_dup(s181->data, s181->size);
    put32(copy + 0x200410, 0);
    csum_analyze(cs, copy, s181->size);
    assert_null(block_at(cs, 0x200400));
    assert_int_equal(ecu_csum_block_count(cs), 6);
    put32(copy + 0x200410, 1000);
    check_unusable(cs, s181, copy, 0x200400, 2, "ECM3 count 1000");
    /* an area outside CAL, an area ending before it starts */
    memcpy(copy, s181->data, s181->size);
    put32(copy + 0x40520 + 12, 0x80900000);
    check_unusable(cs, s181, copy, 0x200400, 2, "ECM3 area beyond CAL");
    memcpy(copy, s181->data, s181->size);
    put32(copy + 0x40520 + 4, 0x80800F00);
    check_unusable(cs, s181, copy, 0x200400, 2, "ECM3 area reversed");
    free(copy);
    /* Simos12: no ECM3 */
    csum_analyze(cs, s12->data, s12->size);
    assert_null(block_at(cs, 0x40400));
    assert_int_equal(ecu_csum_block_count(cs), 6);
    ecu_csum_free(cs);
}

/* ---- headers that cannot be used ------------------------------------------------------------- */

static void test_bad_headers(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    const struct csum_image *x = csum_image(&manifest, "continental-s18-1.bin.gz");
    const struct csum_image *k = csum_image(&manifest, "continental-sim2k-64k.bin.gz");
    uint8_t *copy = csum_dup(x->data, x->size), *c2 = csum_dup(k->data, k->size);
    (void)state;
    assert_non_null(cs);
    /* ASW2 (header at 0x140000): an end beyond the file, beyond the block, before the start, a
       start below the block, a count of 0 and of 17 */
    put32(copy + 0x140010, 0xFFFFFFF0);
    check_unusable(cs, x, copy, 0x140004, 1, "range end beyond the file");
    memcpy(copy, x->data, x->size);
    put32(copy + 0x140010, 0x80140000 + 0xBFC00);
    check_unusable(cs, x, copy, 0x140004, 1, "range end beyond the block");
    memcpy(copy, x->data, x->size);
    put32(copy + 0x140010, 0x80140100);
    check_unusable(cs, x, copy, 0x140004, 1, "range end before its start");
    memcpy(copy, x->data, x->size);
    put32(copy + 0x14000C, 0x8013FF00);
    check_unusable(cs, x, copy, 0x140004, 1, "range start below the block");
    memcpy(copy, x->data, x->size);
    put32(copy + 0x140008, 0);
    check_unusable(cs, x, copy, 0x140004, 1, "no range");
    memcpy(copy, x->data, x->size);
    put32(copy + 0x140008, 17);
    check_unusable(cs, x, copy, 0x140004, 1, "17 ranges");
    /* the CBOOT temp header, relative to its own base: an address of the real CBOOT is not in
       the temporary copy */
    memcpy(copy, x->data, x->size);
    put32(copy + 0x1C34C, 0x8001E000);
    check_unusable(cs, x, copy, 0x1C344, 1, "temp header with a CBOOT address");
    /* SIM2K: a CRC2 range past the end of the image */
    put32(c2 + 0x350, get32(c2 + 0x34C) + 0x10000);
    check_unusable(cs, k, c2, 0x344, 1, "CRC2 beyond the file");
    free(copy);
    free(c2);
    ecu_csum_free(cs);
}

/* ---- more ranges than eight ------------------------------------------------------------------ */

static void test_many_ranges(void **state)
{
    static const ecu_crc_params simos = {32, 0x04C11DB7, 0, 0, 0, 0};
    ecu_csum *cs = ecu_csum_new();
    ecu_crc *c = ecu_crc_new(&simos);
    const struct csum_image *x = csum_image(&manifest, "continental-s18-1.bin.gz");
    uint8_t *copy = csum_dup(x->data, x->size);
    const ecu_block *b;
    uint64_t st;
    size_t i;
    (void)state;
    assert_non_null(cs);
    assert_non_null(c);
    /* ASW3 (header at 0x280000, base 0x80880000): 12 ranges of 0x100 bytes every 0x200 */
    put32(copy + 0x280008, 12);
    for (i = 0; i < 12; i++) {
        put32(copy + 0x28000C + 8 * i, (uint32_t)(0x80880200 + 0x200 * i));
        put32(copy + 0x280010 + 8 * i, (uint32_t)(0x808802FF + 0x200 * i));
    }
    csum_analyze(cs, copy, x->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    assert_non_null(b = block_at(cs, 0x280004));
    assert_int_equal(b->nranges, 12);
    st = ecu_crc_begin(c);
    for (i = 0; i < 12; i++)
        st = ecu_crc_update(c, st, copy + 0x280200 + 0x200 * i, 0x100);
    assert_int_equal(b->computed, ecu_crc_end(c, st));
    assert_int_equal(ecu_csum_bad_count(cs), 1);
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_FIXED);
    free(copy);
    ecu_crc_free(c);
    ecu_csum_free(cs);
}

/* ---- truncated images ------------------------------------------------------------------------ */

static void test_truncated(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i, j;
    (void)state;
    assert_non_null(cs);
    for (i = 0; i < manifest.nimages; i++) {
        const struct csum_image *x = &manifest.images[i];
        const size_t cut[] = {x->size - 1, x->size / 2, x->size / 4 + 3, 0x1000, 0x345, 0x30C, 0x10};
        if (!csum_is_good(x))
            continue;
        for (j = 0; j < sizeof cut / sizeof cut[0]; j++) {
            uint8_t *p = csum_dup(x->data, cut[j]);
            char what[128];
            snprintf(what, sizeof what, "%.63s cut to 0x%zX", x->file, cut[j]);
            /* a Simos dump of the wrong size is not claimed; a SIM2K CBOOT whose ranges are
               gone neither */
            if (strcmp(x->family, "continental-simos") == 0 || cut[j] <= x->size / 4 + 3)
                check_unclaimed(cs, p, cut[j], what);
            /* given by name: whatever is missing is bad, never read */
            assert_int_equal(ecu_csum_set_family(cs, x->family), ECU_OK);
            csum_analyze(cs, p, cut[j]);
            if (cut[j] < x->size / 2 && ecu_csum_verdict(cs) != ECU_VERDICT_BAD &&
                ecu_csum_verdict(cs) != ECU_VERDICT_NO_LAYOUT)
                fail_msg("%s: verdict %s", what, ecu_verdict_name(ecu_csum_verdict(cs)));
            if (ecu_csum_verdict(cs) == ECU_VERDICT_BAD) {
                int rc = ecu_csum_fix(cs);
                assert_true(rc == ECU_OK || rc == ECU_ERR_UNFIXABLE);
            }
            assert_int_equal(ecu_csum_set_family(cs, NULL), ECU_OK);
            free(p);
        }
    }
    ecu_csum_free(cs);
}

/* ---- no claims ------------------------------------------------------------------------------ */

static void test_not_claimed(void **state)
{
    static const size_t sizes[] = {0x10000, 0x20000, 0x200000, 0x400000};
    ecu_csum *cs = ecu_csum_new();
    size_t i, k;
    (void)state;
    assert_non_null(cs);
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint8_t *p = csum_random_buffer(sizes[i], 0xC0E70000u + (uint32_t)i);
        check_unclaimed(cs, p, sizes[i], "random bytes");
        memset(p, 0xFF, sizes[i]);
        check_unclaimed(cs, p, sizes[i], "erased (0xFF)");
        memset(p, 0x00, sizes[i]);
        check_unclaimed(cs, p, sizes[i], "zeros");
        free(p);
    }
    /* each good image with its identification erased (all but one project ID; the SIM2K
       DevMode code): unclaimed */
    for (i = 0; i < manifest.nimages; i++) {
        const struct csum_image *x = &manifest.images[i];
        uint8_t *copy;
        char what[128];
        if (!csum_is_good(x))
            continue;
        assert_true(x->nidents > 0);
        copy = csum_without_idents(x);
        snprintf(what, sizeof what, "%.63s without its identification", x->file);
        check_unclaimed(cs, copy, x->size, what);
        free(copy);
    }
    /* a Simos dump with the project IDs but no header that parses */
    {
        const struct csum_image *x = csum_image(&manifest, "continental-s8.bin.gz");
        uint8_t *copy = csum_dup(x->data, x->size);
        static const uint32_t hdr[] = {0x20308, 0x20348, 0x80308, 0x40308};
        for (k = 0; k < 4; k++)
            put32(copy + hdr[k], 0xFFFFFFFF);
        check_unclaimed(cs, copy, x->size, "Simos8 without a usable header");
        free(copy);
    }
    ecu_csum_free(cs);
}

/* Every other fixture image of fixtures/csum (other families' layouts) stays theirs. */
static void other_fixture(ecu_csum *cs, const char *file, const uint8_t *d, size_t n)
{
    check_unclaimed(cs, d, n, file);
}

static void test_other_fixtures(void **state)
{
    static const char *const ours[] = {"continental-"};
    (void)state;
    assert_true(csum_for_each_fixture(ours, 1, other_fixture) >= 20);
}

/* ---- families given by name ------------------------------------------------------------------ */

static void test_forced(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    const struct csum_image *s8 = csum_image(&manifest, "continental-s8.bin.gz");
    const struct csum_image *k = csum_image(&manifest, "continental-sim2k-64k.bin.gz");
    uint8_t *rnd = csum_random_buffer(0x10000, 0xC0E7F00Du);
    size_t i;
    (void)state;
    assert_non_null(cs);
    for (i = 0; i < manifest.nimages; i++)
        csum_check_named(cs, &manifest.images[i]);
    /* no project ID: nothing to check */
    assert_int_equal(ecu_csum_set_family(cs, "continental-simos"), ECU_OK);
    csum_analyze(cs, k->data, k->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_NO_LAYOUT);
    csum_analyze(cs, rnd, 0x10000);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_NO_LAYOUT);
    /* SIM2K on what is not one: both headers unusable, bad, never corrected */
    assert_int_equal(ecu_csum_set_family(cs, "sim2k"), ECU_OK);
    csum_analyze(cs, rnd, 0x10000);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    assert_int_equal(ecu_csum_bad_count(cs), 2);
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
    csum_analyze(cs, s8->data, 0x20000);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    assert_int_equal(ecu_csum_set_family(cs, NULL), ECU_OK);
    free(rnd);
    ecu_csum_free(cs);
}

/* ---- the real dumps: no false claims --------------------------------------------------------- */

static void test_corpus_claims(void **state)
{
    (void)state;
    /* no corpus folder holds a Continental Simos 8+ or SIM2K image (simos_2_3 and ppd1 are the
       older Siemens Simos 2/3 and PPD1) */
    if (!csum_check_corpus_claims(families, NFAMILIES, NULL, 0))
        skip();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc_check_value),
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_good_images),
        cmocka_unit_test(test_flip_each_block),
        cmocka_unit_test(test_slot_each_block),
        cmocka_unit_test(test_bad_variants),
        cmocka_unit_test(test_variants),
        cmocka_unit_test(test_ecm3),
        cmocka_unit_test(test_bad_headers),
        cmocka_unit_test(test_many_ranges),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_not_claimed),
        cmocka_unit_test(test_other_fixtures),
        cmocka_unit_test(test_forced),
        cmocka_unit_test(test_corpus_claims),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
