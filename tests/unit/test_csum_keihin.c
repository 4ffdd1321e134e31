/* SPDX-License-Identifier: MIT */
/*
 * keihin-honda (lib/families/keihin_honda.c: Keihin ECUs of Honda motorcycles, identified
 * only) against synthetic images (fixtures/csum/keihin-*.bin.gz, written by
 * fixtures/csum/keihin.py from the documented structure). The family has no checksum layout;
 * the manifest fixtures/csum/keihin.tsv gives, for each image, the score, the Keihin ID and
 * its offset, the CPU, the byte that balances the 8-bit sum and the ECM ID, and for each
 * documented piece of structure the score the image gets with it damaged (or that it is not
 * claimed at all).
 *
 * Checked here: each image is keihin-honda's only, with the manifest's score, the verdict
 * no-layout, no block, printable evidence quoting the ID and naming the CPU, a fix refused and
 * nothing changed (also with the family forced); the identification fields (family, cal_id,
 * descriptor, ecu_type) with their values and offsets; damaged structure; other makers'
 * strings; random data of the family's sizes (also with a right sum, a CPU structure or an ID
 * alone), truncated and extended images and the other families' fixtures not claimed; the real
 * dumps of ../shared/corpus (or $ECU_CORPUS) claimed only in the keihin_honda folder.
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
#include "nolayout_checks.h"
#include "ecu/csum.h"
#include "ecu/error.h"
#include "ecu/id.h"
#include "ecu/image.h"

#define FAMILY "keihin-honda"

static const char *const families[] = {FAMILY};

/* What keihin.tsv says of an image besides its file, size and score (index as in man.images). */
static struct keihin {
    char id[16], cpu[16], ecm[24];
    size_t id_at, slot, ecm_at;
} kh[NOLAYOUT_MAX_IMAGES];

static int parse_size(const char *s, size_t *out)
{
    uint64_t v;
    if (csum_parse_u64(s, &v))
        return -1;
    *out = (size_t)v;
    return 0;
}

/* image FILE SIZE SCORE ID_AT ID CPU SUMSLOT ECM_AT ECM */
static int image_line(struct nolayout_image *x, size_t i, char *const *f, size_t nf)
{
    struct keihin *k = &kh[i];
    size_t sc;
    if (nf != 10)
        return -1;
    snprintf(k->id, sizeof k->id, "%s", f[5]);
    snprintf(k->cpu, sizeof k->cpu, "%s", f[6]);
    snprintf(k->ecm, sizeof k->ecm, "%s", f[9]);
    k->ecm_at = 0;
    if (parse_size(f[2], &x->size) || parse_size(f[3], &sc) || parse_size(f[4], &k->id_at) ||
        parse_size(f[7], &k->slot) || (strcmp(f[8], "-") && parse_size(f[8], &k->ecm_at)))
        return -1;
    x->score = (unsigned)sc;
    return 0;
}

/* image: its own columns (above); marker FILE RANGES REBALANCE SCORE, no score: not claimed */
static const struct nolayout_format format = {
    .tsv = "keihin.tsv",
    .families = families,
    .nfamilies = 1,
    .image = NOLAYOUT_IMAGE_OWN,
    .marker = NOLAYOUT_MARKER_FLAG_SCORE,
    .field = NOLAYOUT_FIELD_NONE,
    .image_line = image_line,
    .min_images = 6,
};

NOLAYOUT_GROUP(man, format)

/* ---- checks ---------------------------------------------------------------------------------- */

/* The byte at @p slot set so that the 8-bit sum of the image is 0 (the test's own sum). */
static void rebalance(uint8_t *d, size_t n, size_t slot)
{
    unsigned s = 0;
    size_t i;
    d[slot] = 0;
    for (i = 0; i < n; i++)
        s += d[i];
    d[slot] = (uint8_t)(0x100 - (s & 0xFF));
}

/* The analysed image is keihin-honda's, alone, with @p score: no-layout, no block, a fix
   refused and nothing changed. */
static void check_claimed(ecu_csum *cs, const uint8_t *d, size_t n, unsigned score,
                          const char *what)
{
    nolayout_check_claimed(cs, d, n, FAMILY, score, what);
}

/* keihin-honda neither claims the analysed image nor is a candidate. */
static void check_not_ours(ecu_csum *cs, const char *what)
{
    nolayout_check_not_ours(&man, cs, what);
}

/* ---- the registry ---------------------------------------------------------------------------- */

static void test_registry(void **state)
{
    (void)state;
    nolayout_check_registry(FAMILY, "Keihin", "no known checksum layout", "uPSKK13/HondaEcu");
}

/* ---- each image ------------------------------------------------------------------------------ */

static void test_images(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i, cpus = 0, plain = 0;
    (void)state;
    for (i = 0; i < man.nimages; i++) {
        const struct nolayout_image *x = &man.images[i];
        const struct keihin *k = &kh[i];
        const char *ev;
        csum_analyze(cs, x->data, x->size);
        check_claimed(cs, x->data, x->size, x->score, x->file);
        ev = ecu_csum_evidence(cs);
        if (!strstr(ev, k->id))
            fail_msg("%s: evidence '%s' does not quote '%s'", x->file, ev, k->id);
        if (strcmp(k->cpu, "-") != 0) {
            if (!strstr(ev, k->cpu))
                fail_msg("%s: evidence '%s' does not name %s", x->file, ev, k->cpu);
            assert_int_equal(x->score, 90);
            cpus++;
        } else {
            assert_non_null(strstr(ev, "no CPU reset structure"));
            assert_int_equal(x->score, 70);
            plain++;
        }
    }
    assert_true(cpus >= 4 && plain >= 1);
    ecu_csum_free(cs);
}

/* The family given by the caller: still no layout, still refused. */
static void test_forced_family(void **state)
{
    (void)state;
    nolayout_check_forced(&man);
}

/* ---- identification -------------------------------------------------------------------------- */

static const ecu_id_field *field_value(const ecu_id *id, const char *key, const char *value)
{
    size_t k;
    for (k = 0; k < ecu_id_field_count(id); k++) {
        const ecu_id_field *f = ecu_id_field_at(id, k);
        if (strcmp(f->key, key) == 0 && (!value || strcmp(f->value, value) == 0))
            return f;
    }
    return NULL;
}

static void test_identify(void **state)
{
    ecu_id *id = ecu_id_new();
    size_t i;
    (void)state;
    assert_non_null(id);
    for (i = 0; i < man.nimages; i++) {
        const struct nolayout_image *x = &man.images[i];
        const struct keihin *k = &kh[i];
        const ecu_id_field *f;
        assert_int_equal(ecu_id_analyze(id, x->data, x->size), ECU_OK);
        f = ecu_id_get(id, "family");
        if (!f || strcmp(f->value, FAMILY) != 0)
            fail_msg("%s: family %s", x->file, f ? f->value : "none");
        if (!(f = field_value(id, "cal_id", k->id)) || f->offset != k->id_at)
            fail_msg("%s: no cal_id %s at 0x%zX", x->file, k->id, k->id_at);
        assert_true(f->confidence >= 80);
        f = field_value(id, "descriptor", NULL);
        if (strcmp(k->ecm, "-") == 0) {
            if (f)
                fail_msg("%s: an ECM ID %s at 0x%llX, none expected", x->file, f->value,
                         (unsigned long long)f->offset);
        } else if (!(f = field_value(id, "descriptor", k->ecm)) || f->offset != k->ecm_at) {
            fail_msg("%s: no ECM ID %s at 0x%zX", x->file, k->ecm, k->ecm_at);
        }
        f = ecu_id_get(id, "ecu_type");
        if (strcmp(k->cpu, "-") == 0) {
            if (f)
                fail_msg("%s: ecu_type %s, none expected", x->file, f->value);
        } else if (!f || !strstr(f->value, k->cpu)) {
            fail_msg("%s: ecu_type %s, expected %s", x->file, f ? f->value : "none", k->cpu);
        }
    }
    /* the ECM ID form: a first byte other than 01 is not an ECM ID */
    for (i = 0; i < man.nimages; i++) {
        const struct nolayout_image *x = &man.images[i];
        const struct keihin *k = &kh[i];
        uint8_t *copy;
        if (strcmp(k->ecm, "-") == 0)
            continue;
        copy = csum_dup(x->data, x->size);
        copy[k->ecm_at] = 0x02;
        rebalance(copy, x->size, k->slot);
        assert_int_equal(ecu_id_analyze(id, copy, x->size), ECU_OK);
        if (field_value(id, "descriptor", NULL))
            fail_msg("%s: ECM ID reported with its first byte 02", x->file);
        free(copy);
    }
    ecu_id_free(id);
}

/* ---- damaged structure ----------------------------------------------------------------------- */

/* A marker with REBALANCE 1: the sum balanced again after the damage. */
static const char *rebalance_damaged(uint8_t *copy, size_t image, const struct nolayout_marker *mk)
{
    if (!mk->flag)
        return "";
    rebalance(copy, man.images[image].size, kh[image].slot);
    return " (sum rebalanced)";
}

static void test_damaged(void **state)
{
    static const struct nolayout_damage damage = {.min_gone = 1, .min_weaker = 1,
                                                  .after = rebalance_damaged};
    (void)state;
    nolayout_check_damaged(&man, &damage);
}

/* Another maker's string in the filler (sum rebalanced): not claimed; a neutral one: claimed. */
static void test_exclusions(void **state)
{
    static const char *const foreign[] = {"BOSCH", "MOTRONIC", "SIMOS", "5WK9"};
    ecu_csum *cs = ecu_csum_new();
    size_t i, k;
    (void)state;
    for (i = 0; i < man.nimages; i++) {
        const struct nolayout_image *x = &man.images[i];
        for (k = 0; k <= sizeof foreign / sizeof foreign[0]; k++) {
            const char *s = k < 4 ? foreign[k] : "NEUTRAL";
            uint8_t *copy = csum_dup(x->data, x->size);
            char what[128];
            memcpy(copy + 0x4800, s, strlen(s));
            rebalance(copy, x->size, kh[i].slot);
            snprintf(what, sizeof what, "%.63s with '%s'", x->file, s);
            csum_analyze(cs, copy, x->size);
            if (k < 4)
                check_not_ours(cs, what);
            else
                check_claimed(cs, copy, x->size, x->score, what);
            free(copy);
        }
    }
    ecu_csum_free(cs);
}

/* ---- nothing else is claimed ----------------------------------------------------------------- */

/* Random data (k = 0) and erased images (k = 1) of the family's sizes, and: */
static void random_variant(uint8_t *d, size_t n, size_t i, size_t k)
{
    (void)i;
    if (k == 2) /* a right 8-bit sum */
        rebalance(d, n, n - 8);
    if (k == 3) /* a right sum and an M32R EIT table */
        memcpy(d, man.images[0].data, 0x80), rebalance(d, n, n - 8);
}

static void test_random_not_claimed(void **state)
{
    static const size_t sizes[] = {0xC000, 0xE000, 0x10000, 0x17000, 0x40000, 0x80000, 0x100000};
    ecu_csum *cs = ecu_csum_new();
    size_t i;
    (void)state;
    nolayout_check_random(&man, sizes, sizeof sizes / sizeof sizes[0], 4, 0x4E1A, 131,
                          random_variant);
    /* an ID at its place alone (random sum, no CPU structure): 40, not claimed */
    for (i = 0; i < man.nimages; i++) {
        const struct nolayout_image *x = &man.images[i];
        uint8_t *d = csum_random_buffer(x->size, (uint32_t)(0x77 + i));
        unsigned s = 0;
        size_t j;
        memcpy(d + kh[i].id_at, x->data + kh[i].id_at, 8); /* the ID at its place */
        d[0] = 0x01; /* no CPU structure: not 0xFF (M32R), an odd H8 vector, an SH PC past n */
        d[1] = 0x01;
        for (j = 0; j < x->size; j++)
            s += d[j];
        if ((s & 0xFF) == 0)
            d[kh[i].slot] ^= 1;
        csum_analyze(cs, d, x->size);
        check_not_ours(cs, "an ID alone in random data");
        free(d);
    }
    ecu_csum_free(cs);
}

static void test_other_fixtures_not_claimed(void **state)
{
    static const char *const ours[] = {"keihin-"};
    (void)state;
    nolayout_check_other_fixtures(&man, ours, 1, 10);
}

/* Each image cut (each copy exactly that long, so ASan sees any read past it) or extended by
   a byte: the ID is at a place of a model of the image's size only, so never claimed (unlike
   nolayout_check_truncated, where a cut image may still be its family's). */
static void test_truncated(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i, c;
    (void)state;
    for (i = 0; i < man.nimages; i++) {
        const struct nolayout_image *x = &man.images[i];
        const struct keihin *k = &kh[i];
        size_t cuts[] = {0, 1, 2, 7, 8, 15, 16, 31, 32, 0x80, k->id_at, k->id_at + 4,
                         k->id_at + 7, k->id_at + 8, k->slot, x->size / 2, x->size - 8,
                         x->size - 1, x->size + 1};
        for (c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
            size_t n = cuts[c];
            uint8_t *copy = malloc(n ? n : 1);
            char what[96];
            assert_non_null(copy);
            memcpy(copy, x->data, n < x->size ? n : x->size);
            if (n > x->size)
                copy[x->size] = 0;
            snprintf(what, sizeof what, "%.63s cut to 0x%zX bytes", x->file, n);
            csum_analyze(cs, copy, n);
            check_not_ours(cs, what);
            free(copy);
        }
    }
    ecu_csum_free(cs);
}

/* ---- the real dumps -------------------------------------------------------------------------- */

static void test_corpus_claims(void **state)
{
    static const char *const folders[] = {"keihin_honda"};
    (void)state;
    nolayout_check_corpus(&man, folders, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_images),
        cmocka_unit_test(test_forced_family),
        cmocka_unit_test(test_identify),
        cmocka_unit_test(test_damaged),
        cmocka_unit_test(test_exclusions),
        cmocka_unit_test(test_random_not_claimed),
        cmocka_unit_test(test_other_fixtures_not_claimed),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_corpus_claims),
    };
    return cmocka_run_group_tests_name("csum_keihin", tests, setup, teardown);
}
