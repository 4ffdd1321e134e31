/* SPDX-License-Identifier: MIT */
/*
 * The forced-only checksum families (lib/families/siemens_gs20.c, hitachi_subaru.c): layouts
 * with a public algorithm but no public signature, never detected and used only when named
 * (ecu_csum_set_family, ecu-csum --family). Against synthetic images
 * (fixtures/csum/siemens-gs20*.bin.gz, hitachi-subaru-sh72543r*.bin.gz, written by
 * fixtures/csum/forced_only.py from the documented layouts, with the expected values in
 * fixtures/csum/forced_only.tsv computed there independently of the C code):
 *   - the generic checks of csum_manifest.c with the family named (manifest.forced): good
 *     images verify, each probe byte flipped fails exactly its block, wrong slot bytes are
 *     corrected back, fixing twice changes nothing, the -bad variants;
 *   - detection never claims anything for them: random, erased and zero images of their sizes,
 *     their own fixtures, every other fixture of fixtures/csum, the real dumps of
 *     ../shared/corpus (or $ECU_CORPUS) when present;
 *   - named for an image of another size (or a truncated one): no-layout with the size in the
 *     evidence, no block, and nothing is corrected.
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

static const char *const families[] = {"siemens-gs20", "hitachi-subaru-sh72543r"};
#define NFAMILIES (sizeof families / sizeof families[0])

/* forced: never detected, the checks name each image's family */
CSUM_MANIFEST_GROUP(manifest, "forced_only.tsv", 2, 1)

/* ---- helpers -------------------------------------------------------------------------------- */

/* The analysis (with detection) gave none of our families, as the family or a candidate. */
static void check_not_ours(const ecu_csum *cs, const char *what)
{
    size_t i;
    if (csum_is_one_of(ecu_csum_family(cs), families, NFAMILIES))
        fail_msg("%s: claimed by %s", what, ecu_csum_family(cs)->name);
    for (i = 0; i < ecu_csum_candidate_count(cs); i++)
        if (csum_is_one_of(ecu_csum_candidate_at(cs, i, NULL), families, NFAMILIES))
            fail_msg("%s: %s is a candidate", what, ecu_csum_candidate_at(cs, i, NULL)->name);
}

/* Family @p fam named for @p d (@p n bytes, not its size): no-layout, the size in the
   evidence, no block, and the correction refused with the image unchanged. */
static void check_wrong_size(ecu_csum *cs, size_t fam, const uint8_t *d, size_t n, const char *what)
{
    char want[32];
    assert_int_equal(ecu_csum_set_family(cs, families[fam]), ECU_OK);
    csum_analyze(cs, d, n);
    csum_assert_verdict(cs, ECU_VERDICT_NO_LAYOUT, what);
    assert_non_null(ecu_csum_family(cs));
    assert_string_equal(ecu_csum_family(cs)->name, families[fam]);
    assert_int_equal(ecu_csum_block_count(cs), 0);
    assert_int_equal(ecu_csum_bad_count(cs), 0);
    snprintf(want, sizeof want, "0x%zX bytes", n);
    if (!strstr(ecu_csum_evidence(cs), want) || !strstr(ecu_csum_evidence(cs), "does not apply"))
        fail_msg("%s: evidence \"%s\" does not give the size", what, ecu_csum_evidence(cs));
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_INVALID);
    csum_assert_image(cs, d, n, what);
    assert_int_equal(ecu_csum_set_family(cs, NULL), ECU_OK);
}

/* ---- the registry --------------------------------------------------------------------------- */

static void test_registry(void **state)
{
    size_t k;
    (void)state;
    for (k = 0; k < NFAMILIES; k++) {
        const ecu_family_info *f = csum_family_info(families[k]);
        /* the listing says that it is never detected, and how to use it */
        assert_non_null(strstr(f->description, "never detected"));
        assert_non_null(strstr(f->description, "--family"));
        assert_true(f->verifies && *f->verifies);
        assert_true(f->corrects && *f->corrects);
    }
}

/* The CRC the GS20 layout uses: the catalogue's check value of CRC-16/ARC. */
static void test_crc16_arc(void **state)
{
    ecu_crc *c = ecu_crc_new(&ECU_CRC16_ARC);
    (void)state;
    assert_non_null(c);
    assert_int_equal(ecu_crc_compute(c, "123456789", 9), 0xBB3D);
    ecu_crc_free(c);
}

/* ---- the generic checks, with the family named ---------------------------------------------- */

static void test_good_images(void **state)
{
    size_t i;
    ecu_csum *cs = ecu_csum_new();
    (void)state;
    assert_true(csum_check_good_images(&manifest) >= NFAMILIES);
    csum_check_families_covered(&manifest, families, NFAMILIES);
    /* the evidence says who chose the family */
    assert_non_null(cs);
    for (i = 0; i < manifest.nimages; i++) {
        assert_int_equal(ecu_csum_set_family(cs, manifest.images[i].family), ECU_OK);
        csum_analyze(cs, manifest.images[i].data, manifest.images[i].size);
        assert_string_equal(ecu_csum_evidence(cs), "family given by the caller");
        assert_int_equal(ecu_csum_score(cs), 100);
    }
    ecu_csum_free(cs);
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
    assert_true(csum_check_bad_variants(&manifest) >= NFAMILIES);
}

/* The GS20 slot lies outside its range: a wrong slot leaves the data alone and the correction
   writes the two bytes at 0x0D, little-endian. The SH72543R balance word lies inside its
   range: the correction writes it so that the whole sum is 0x5AA5 again. */
static void test_slot_values(void **state)
{
    const struct csum_image *g = csum_image(&manifest, "siemens-gs20.bin.gz");
    const struct csum_image *h = csum_image(&manifest, "hitachi-subaru-sh72543r.bin.gz");
    ecu_csum *cs = ecu_csum_new();
    const uint8_t *img;
    size_t size = 0;
    uint8_t *copy;
    (void)state;
    assert_non_null(cs);
    assert_int_equal(g->b[0].slot, 0x0D);
    assert_int_equal(g->b[0].fixed[0], g->b[0].correct & 0xFF); /* LE16 */
    assert_int_equal(h->b[0].slot, 0x1FFFFE);
    assert_int_equal(h->b[0].fixed[0], h->b[0].correct >> 8); /* BE16 */
    copy = csum_dup(h->data, h->size);
    copy[0x1FFFFE] = 0;
    copy[0x1FFFFF] = 0;
    assert_int_equal(ecu_csum_set_family(cs, families[1]), ECU_OK);
    csum_analyze(cs, copy, h->size);
    csum_assert_verdict(cs, ECU_VERDICT_BAD, "balance word zeroed");
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    img = ecu_csum_image(cs, &size);
    assert_int_equal(size, h->size);
    assert_int_equal((uint16_t)ecu_sum_words(img + 0x6000, 0x200000 - 0x6000, 2, 1, 0, 16), 0x5AA5);
    csum_assert_image(cs, h->data, h->size, "balance word corrected");
    free(copy);
    ecu_csum_free(cs);
}

/* ---- never claimed by detection ------------------------------------------------------------- */

static void test_not_detected(void **state)
{
    static const size_t sizes[] = {0x8000, 0x10000, 0x40000, 0x80000, 0x100000, 0x200000};
    ecu_csum *cs = ecu_csum_new();
    size_t i;
    (void)state;
    assert_non_null(cs);
    /* random, erased and zero images of their sizes and others */
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint8_t *p = csum_random_buffer(sizes[i], 0xF0CE0000u + (uint32_t)i);
        char what[64];
        snprintf(what, sizeof what, "random 0x%zX bytes", sizes[i]);
        csum_analyze(cs, p, sizes[i]);
        check_not_ours(cs, what);
        memset(p, 0xFF, sizes[i]);
        csum_analyze(cs, p, sizes[i]);
        check_not_ours(cs, "erased (0xFF)");
        memset(p, 0x00, sizes[i]);
        csum_analyze(cs, p, sizes[i]);
        check_not_ours(cs, "zeros");
        free(p);
    }
    /* their own fixtures, good and bad: valid checksums are no signature */
    for (i = 0; i < manifest.nimages; i++) {
        const struct csum_image *x = &manifest.images[i];
        csum_analyze(cs, x->data, x->size);
        check_not_ours(cs, x->file);
        csum_assert_verdict(cs, ECU_VERDICT_UNKNOWN, x->file);
        assert_int_equal(ecu_csum_fix(cs), ECU_ERR_INVALID);
        csum_assert_image(cs, x->data, x->size, x->file);
    }
    ecu_csum_free(cs);
}

/* Every other fixture of fixtures/csum: never ours by detection. */
static void other_fixture(ecu_csum *cs, const char *file, const uint8_t *d, size_t n)
{
    csum_analyze(cs, d, n);
    check_not_ours(cs, file);
}

static void test_other_fixtures_not_claimed(void **state)
{
    size_t checked;
    (void)state;
    checked = csum_for_each_fixture(NULL, 0, other_fixture);
    print_message("%zu fixtures not claimed by the forced-only families\n", checked);
    assert_true(checked >= 20);
}

/* ---- named for a file of another size ------------------------------------------------------- */

static void test_wrong_sizes(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i, fam, c;
    (void)state;
    assert_non_null(cs);
    for (i = 0; i < manifest.nimages; i++) {
        const struct csum_image *x = &manifest.images[i];
        for (fam = 0; fam < NFAMILIES; fam++) {
            size_t lens[] = {x->size - 1, x->size + 1, x->size + 2, 2 * x->size};
            if (strcmp(x->family, families[fam]) != 0) {
                /* the other family's image: another size */
                check_wrong_size(cs, fam, x->data, x->size, x->file);
                continue;
            }
            for (c = 0; c < sizeof lens / sizeof lens[0]; c++) {
                /* longer: the image, then the fill of its last byte */
                uint8_t *copy = malloc(lens[c]);
                char what[96];
                assert_non_null(copy);
                memcpy(copy, x->data, lens[c] < x->size ? lens[c] : x->size);
                if (lens[c] > x->size)
                    memset(copy + x->size, 0xFF, lens[c] - x->size);
                snprintf(what, sizeof what, "%.63s as 0x%zX bytes", x->file, lens[c]);
                check_wrong_size(cs, fam, copy, lens[c], what);
                free(copy);
            }
        }
    }
    ecu_csum_free(cs);
}

/* Each image cut at many lengths (each copy exactly that long, so ASan sees any read past it):
   by detection not ours, named no-layout with the size in the evidence. */
static void test_truncated(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i, c, fam;
    (void)state;
    assert_non_null(cs);
    for (i = 0; i < manifest.nimages; i++) {
        const struct csum_image *x = &manifest.images[i];
        size_t cuts[] = {0, 1, 2, 0x0D, 0x0E, 0x0F, 0x2A, 0x2B, 0x6000, 0x6001, 0xFFC7, 0xFFC8,
                         0xFFFF, x->size / 2, x->size - 3, x->size - 2, x->size - 1};
        for (fam = 0; fam < NFAMILIES && strcmp(x->family, families[fam]) != 0; fam++)
            ;
        assert_true(fam < NFAMILIES);
        for (c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
            size_t n = cuts[c];
            uint8_t *copy = malloc(n ? n : 1);
            char what[96];
            assert_non_null(copy);
            if (n)
                memcpy(copy, x->data, n);
            snprintf(what, sizeof what, "%.63s cut to 0x%zX bytes", x->file, n);
            csum_analyze(cs, copy, n);
            check_not_ours(cs, what);
            check_wrong_size(cs, fam, copy, n, what);
            free(copy);
        }
    }
    ecu_csum_free(cs);
}

/* ---- the real dumps: no claims at all --------------------------------------------------------- */

static void test_corpus_claims(void **state)
{
    (void)state;
    if (!csum_check_corpus_claims(families, NFAMILIES, NULL, 0))
        skip();
}

static const size_t size_of[NFAMILIES] = {0x10000, 0x200000};

struct forced {
    ecu_csum *cs;
    size_t nok[NFAMILIES], nbad[NFAMILIES];
};

/* Each family named for every real dump of its size: the analysis runs (ASan sees every read),
   the verdict is ok or bad on its one block, and nothing is written. A dump that verifies as
   hitachi-subaru-sh72543r must also carry the boot words the public notes name (0x05 at 0x6C,
   0x5555 at 0x6000, 0x0504 at 0x6010, 0xAAAA at 0x1FFFF2): a sum that holds by chance in a
   file of another ECU would not. */
static void check_forced(void *ctx, char *const *col, const uint8_t *d, size_t n)
{
    struct forced *c = ctx;
    size_t fam;
    for (fam = 0; fam < NFAMILIES; fam++) {
        if (n != size_of[fam])
            continue;
        assert_int_equal(ecu_csum_set_family(c->cs, families[fam]), ECU_OK);
        csum_analyze(c->cs, d, n);
        assert_int_equal(ecu_csum_block_count(c->cs), 1);
        if (ecu_csum_verdict(c->cs) == ECU_VERDICT_BAD) {
            c->nbad[fam]++;
            continue;
        }
        csum_assert_verdict(c->cs, ECU_VERDICT_OK, col[0]);
        c->nok[fam]++;
        print_message("%s verifies as %s\n", col[0], families[fam]);
        if (fam == 1 && (d[0x6C] != 0x05 || d[0x6000] != 0x55 || d[0x6001] != 0x55 ||
                         d[0x6010] != 0x05 || d[0x6011] != 0x04 || d[0x1FFFF2] != 0xAA ||
                         d[0x1FFFF3] != 0xAA))
            fail_msg("%s: verifies as %s without its boot words", col[0], families[fam]);
    }
}

static void test_corpus_forced(void **state)
{
    struct forced c = {ecu_csum_new(), {0}, {0}};
    size_t fam;
    int found;
    (void)state;
    assert_non_null(c.cs);
    found = csum_for_each_corpus_dump(NULL, check_forced, &c);
    if (!found) {
        ecu_csum_free(c.cs);
        skip();
        return;
    }
    assert_int_equal(ecu_csum_set_family(c.cs, NULL), ECU_OK);
    for (fam = 0; fam < NFAMILIES; fam++)
        print_message("%s named for the dumps of its size: %zu ok, %zu bad\n", families[fam],
                      c.nok[fam], c.nbad[fam]);
    ecu_csum_free(c.cs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_crc16_arc),
        cmocka_unit_test(test_good_images),
        cmocka_unit_test(test_flip_each_block),
        cmocka_unit_test(test_slot_each_block),
        cmocka_unit_test(test_bad_variants),
        cmocka_unit_test(test_slot_values),
        cmocka_unit_test(test_not_detected),
        cmocka_unit_test(test_other_fixtures_not_claimed),
        cmocka_unit_test(test_wrong_sizes),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_corpus_claims),
        cmocka_unit_test(test_corpus_forced),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
