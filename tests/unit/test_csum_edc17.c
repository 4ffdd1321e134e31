/* SPDX-License-Identifier: MIT */
/*
 * Bosch EDC17/MED17 (lib/families/bosch_edc17.c) against synthetic images
 * (fixtures/csum/edc17-*.bin.gz, written by fixtures/csum/edc17.py from the documented layout):
 * one image per structure type (CRC-32, ADD32, ADD16), CRC structures whose range does not
 * hold their block's adjust word, uncached addresses, a 2 MiB read with blocks only at
 * 0x180000 and 0x1F8000, a partial read holding one block, and (edc17-extra.tsv) a block never
 * finalised and a structure of algorithm 2 (not judged: no layout). Every bit of every block
 * header and structure of edc17-256k inverted never gives an ok. What the library must find
 * comes from fixtures/csum/edc17.tsv and edc17-extra.tsv, computed by the generator
 * independently of the C code. The real dumps are checked in test_corpus_csum.c.
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

CSUM_MANIFEST_GROUP(manifest, "edc17.tsv", 0, 0)

static void test_good_images(void **state)
{
    (void)state;
    assert_int_equal(csum_check_good_images(&manifest), 10);
}

static void test_probes(void **state)
{
    (void)state;
    assert_true(csum_check_probes(&manifest) >= 14);
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

/* Without the seed/expected pair of its first structure a block is not found; without any,
 * the image is not claimed. */
static void test_not_claimed(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i;
    (void)state;
    assert_non_null(cs);
    for (i = 0; i < manifest.nimages; i++) {
        const struct csum_image *x = &manifest.images[i];
        uint8_t *copy;
        if (!csum_is_good(x))
            continue;
        copy = csum_without_idents(x);
        csum_analyze(cs, copy, x->size);
        assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_UNKNOWN);
        assert_int_equal(ecu_csum_block_count(cs), 0);
        free(copy);
    }
    ecu_csum_free(cs);
}

/* The 0x60 block read alone checks as it does in the whole image. */
static void test_partial_read(void **state)
{
    const struct csum_image *w = csum_image(&manifest, "edc17-256k.bin.gz");
    const struct csum_image *p = csum_image(&manifest, "edc17-block60-32k.bin.gz");
    (void)state;
    assert_int_equal(p->nblocks, 2);
    assert_memory_equal(p->data, w->data + 0x20000, p->size);
    assert_int_equal(p->b[0].correct, w->b[4].correct);
    assert_int_equal(p->b[1].correct, w->b[5].correct);
    assert_int_equal(p->b[0].slot + 0x20000, w->b[4].slot);
}

/* Every bit of every block header, structure table, checksum word and DEADBEEF of edc17-256k
 * (blocks found from the manifest's ident lines: the seed/expected pair at header + 0x40)
 * inverted: never an ok (bad, no layout, or not ours), and no bad block without a value that
 * differs from the stored one. */
static void test_header_flips(void **state)
{
    const struct csum_image *x = csum_image(&manifest, "edc17-256k.bin.gz");
    ecu_csum *cs = ecu_csum_new();
    uint8_t *copy = csum_dup(x->data, x->size);
    size_t i, nflips = 0, nbad = 0, nother = 0;
    (void)state;
    assert_non_null(cs);
    assert_int_equal(x->nidents, 3);
    for (i = 0; i < x->nidents; i++) {
        uint64_t h = x->ident_at[i] - 0x40, at;
        uint32_t size = (uint32_t)copy[h + 4] | (uint32_t)copy[h + 5] << 8 |
                        (uint32_t)copy[h + 6] << 16 | (uint32_t)copy[h + 7] << 24;
        uint32_t ns = copy[h + 0x2C];
        uint64_t parsed = 0x34 + 32 * (uint64_t)ns + 4;
        for (at = h; at < h + size; at++) {
            unsigned bit;
            if (at == h + parsed)
                at = h + size - 4; /* DEADBEEF */
            for (bit = 0; bit < 8; bit++) {
                size_t k;
                copy[at] ^= (uint8_t)(1u << bit);
                csum_analyze(cs, copy, x->size);
                if (ecu_csum_verdict(cs) == ECU_VERDICT_OK)
                    fail_msg("bit %u of 0x%llX inverted: ok", bit, (unsigned long long)at);
                for (k = 0; k < ecu_csum_block_count(cs); k++) {
                    const ecu_block *b = ecu_csum_block_at(cs, k);
                    if (b->status == ECU_BLOCK_BAD && b->stored == b->computed)
                        fail_msg("bit %u of 0x%llX: %s bad with stored == computed", bit,
                                 (unsigned long long)at, b->name);
                }
                nbad += ecu_csum_verdict(cs) == ECU_VERDICT_BAD;
                nother += ecu_csum_verdict(cs) != ECU_VERDICT_BAD;
                nflips++;
                copy[at] ^= (uint8_t)(1u << bit);
            }
        }
    }
    print_message("%zu header and structure bits inverted: %zu bad, %zu no layout or not ours\n",
                  nflips, nbad, nother);
    assert_int_equal(nflips, 8 * (88 + 120 + 152 + 12));
    free(copy);
    ecu_csum_free(cs);
}

/* A block cut by the end of the read is a bad block, not a missing one; a read that stops
 * between blocks checks the blocks it holds. */
static void test_truncated(void **state)
{
    const struct csum_image *x = csum_image(&manifest, "edc17-256k.bin.gz");
    ecu_csum *cs = ecu_csum_new();
    (void)state;
    assert_non_null(cs);
    csum_analyze(cs, x->data, 0x10000); /* the 0x8000 block runs to 0x18000 */
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    assert_int_equal(ecu_csum_block_count(cs), 2);
    assert_int_equal(ecu_csum_bad_count(cs), 1);
    csum_analyze(cs, x->data, 0x20000); /* the blocks at 0x0 and 0x8000, whole */
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    assert_int_equal(ecu_csum_block_count(cs), 4);
    ecu_csum_free(cs);
}

/* A structure whose algorithm is no checksum (index 3 of the Bosch table), or whose range
 * leaves the read, is a bad block; correction refuses it. */
static void test_bad_structures(void **state)
{
    const struct csum_image *x = csum_image(&manifest, "edc17-add32-64k.bin.gz");
    ecu_csum *cs = ecu_csum_new();
    uint8_t *copy = csum_dup(x->data, x->size);
    uint64_t so = x->ident_at[0] - 0x40 + 0x34; /* the block's only structure */
    const ecu_block *b;
    (void)state;
    assert_non_null(cs);
    copy[so + 28] = 0x03;
    csum_analyze(cs, copy, x->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    assert_int_equal(ecu_csum_block_count(cs), 1);
    b = ecu_csum_block_at(cs, 0);
    assert_true(b->stored != b->computed);
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
    memcpy(copy, x->data, x->size);
    copy[so + 11] = 0x81; /* end address 0x81xxxxxx: past the 64 KiB read */
    csum_analyze(cs, copy, x->size);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    assert_int_equal(ecu_csum_bad_count(cs), 1);
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
    free(copy);
    ecu_csum_free(cs);
}

static ecu_verdict verdict_named(const char *s)
{
    if (strcmp(s, "ok") == 0)
        return ECU_VERDICT_OK;
    if (strcmp(s, "bad") == 0)
        return ECU_VERDICT_BAD;
    if (strcmp(s, "no-layout") == 0)
        return ECU_VERDICT_NO_LAYOUT;
    fail_msg("verdict %s", s);
    return ECU_VERDICT_UNKNOWN;
}

/* edc17-extra.tsv: a reserved block (not checked, named in the evidence) and a structure of
 * algorithm 2 (not judged: no layout unless a block is bad), with bytes inverted. */
static void test_extra_images(void **state)
{
    FILE *fp = fopen(ECU_FIXTURES_DIR "/csum/edc17-extra.tsv", "r");
    ecu_csum *cs = ecu_csum_new();
    ecu_image *img = ecu_image_new();
    char line[512], *f[8];
    size_t nextra = 0, nflip = 0;
    (void)state;
    assert_non_null(fp);
    assert_non_null(cs);
    assert_non_null(img);
    while (fgets(line, sizeof line, fp)) {
        char path[512];
        size_t n;
        uint64_t v;
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' || !line[0])
            continue;
        n = csum_split(line, f, 8);
        assert_true(n >= 4);
        snprintf(path, sizeof path, ECU_FIXTURES_DIR "/csum/%s", f[1]);
        assert_int_equal(ecu_image_load_file(img, path), ECU_OK);
        if (strcmp(f[0], "extra") == 0) {
            assert_int_equal(n, 5);
            csum_analyze(cs, ecu_image_data(img), ecu_image_size(img));
            assert_string_equal(ecu_csum_family(cs)->name, "bosch-edc17");
            assert_int_equal(ecu_csum_verdict(cs), verdict_named(f[2]));
            assert_int_equal(csum_parse_u64(f[3], &v), 0);
            assert_int_equal(ecu_csum_block_count(cs), v);
            assert_int_equal(csum_parse_u64(f[4], &v), 0);
            assert_int_equal(ecu_csum_bad_count(cs), v);
            assert_true(strstr(ecu_csum_evidence(cs), "not checked") ||
                        strstr(ecu_csum_evidence(cs), "not judged"));
            nextra++;
        } else {
            uint8_t *copy = csum_dup(ecu_image_data(img), ecu_image_size(img));
            assert_int_equal(csum_parse_u64(f[2], &v), 0);
            assert_true(v < ecu_image_size(img));
            copy[v] ^= 0xFF;
            csum_analyze(cs, copy, ecu_image_size(img));
            if (ecu_csum_verdict(cs) != verdict_named(f[3]))
                fail_msg("%s: 0x%llX inverted: %s, expected %s", f[1], (unsigned long long)v,
                         ecu_verdict_name(ecu_csum_verdict(cs)), f[3]);
            free(copy);
            nflip++;
        }
    }
    fclose(fp);
    assert_int_equal(nextra, 2);
    assert_true(nflip >= 8);
    ecu_image_free(img);
    ecu_csum_free(cs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_images),
        cmocka_unit_test(test_probes),
        cmocka_unit_test(test_slot_each_block),
        cmocka_unit_test(test_bad_variants),
        cmocka_unit_test(test_not_claimed),
        cmocka_unit_test(test_partial_read),
        cmocka_unit_test(test_header_flips),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_bad_structures),
        cmocka_unit_test(test_extra_images),
    };
    return cmocka_run_group_tests_name("csum_edc17", tests, setup, teardown);
}
