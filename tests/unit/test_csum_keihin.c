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
#include "ecu/csum.h"
#include "ecu/error.h"
#include "ecu/id.h"
#include "ecu/image.h"

#define FAMILY "keihin-honda"
#define MAX_IMAGES 8
#define MAX_MARKERS 48

struct image {
    char file[64], id[16], cpu[16], ecm[24];
    size_t size, id_at, slot, ecm_at;
    unsigned score;
    uint8_t *data;
};

struct marker {
    size_t image;
    uint64_t start[CSUM_MAX_RANGES], end[CSUM_MAX_RANGES];
    size_t nranges;
    int rebalance;
    unsigned score; /* 0: not claimed */
};

static struct image images[MAX_IMAGES];
static size_t nimages;
static struct marker markers[MAX_MARKERS];
static size_t nmarkers;

/* ---- the manifest ---------------------------------------------------------------------------- */

static int load_image(struct image *x)
{
    char path[512];
    ecu_image *img = ecu_image_new();
    if (!img)
        return -1;
    snprintf(path, sizeof path, "%s/csum/%.63s", ECU_FIXTURES_DIR, x->file);
    if (ecu_image_load_file(img, path) != ECU_OK || ecu_image_size(img) != x->size ||
        !(x->data = malloc(x->size))) {
        print_error("%s: %s\n", path, ecu_image_error_detail(img));
        ecu_image_free(img);
        return -1;
    }
    memcpy(x->data, ecu_image_data(img), x->size);
    ecu_image_free(img);
    return 0;
}

static int parse_ranges(char *s, struct marker *m)
{
    char *tok, *save = NULL;
    for (tok = strtok_r(s, "+", &save); tok; tok = strtok_r(NULL, "+", &save)) {
        char *dash = strchr(tok, '-');
        if (!dash || m->nranges == CSUM_MAX_RANGES)
            return -1;
        *dash = '\0';
        if (csum_parse_u64(tok, &m->start[m->nranges]) || csum_parse_u64(dash + 1, &m->end[m->nranges]))
            return -1;
        m->nranges++;
    }
    return m->nranges ? 0 : -1;
}

static int parse_size(const char *s, size_t *out)
{
    uint64_t v;
    if (csum_parse_u64(s, &v))
        return -1;
    *out = (size_t)v;
    return 0;
}

static int setup(void **state)
{
    char line[1024], *f[12];
    FILE *fp = fopen(ECU_FIXTURES_DIR "/csum/keihin.tsv", "r");
    size_t i;
    (void)state;
    if (!fp) {
        print_error("keihin.tsv not found\n");
        return -1;
    }
    while (fgets(line, sizeof line, fp)) {
        size_t nf, sc;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        nf = csum_split(line, f, 12);
        if (strcmp(f[0], "image") == 0 && nf == 10 && nimages < MAX_IMAGES) {
            struct image *x = &images[nimages++];
            snprintf(x->file, sizeof x->file, "%s", f[1]);
            snprintf(x->id, sizeof x->id, "%s", f[5]);
            snprintf(x->cpu, sizeof x->cpu, "%s", f[6]);
            snprintf(x->ecm, sizeof x->ecm, "%s", f[9]);
            x->ecm_at = 0;
            if (parse_size(f[2], &x->size) || parse_size(f[3], &sc) || parse_size(f[4], &x->id_at) ||
                parse_size(f[7], &x->slot) || (strcmp(f[8], "-") && parse_size(f[8], &x->ecm_at)))
                goto bad;
            x->score = (unsigned)sc;
        } else if (strcmp(f[0], "marker") == 0 && nf == 5 && nmarkers < MAX_MARKERS && nimages) {
            struct marker *m = &markers[nmarkers++];
            memset(m, 0, sizeof *m);
            for (i = 0; i < nimages && strcmp(images[i].file, f[1]) != 0; i++)
                ;
            if (i == nimages || parse_ranges(f[2], m))
                goto bad;
            m->image = i;
            m->rebalance = strcmp(f[3], "1") == 0;
            if (strcmp(f[4], "-") != 0) {
                if (parse_size(f[4], &sc))
                    goto bad;
                m->score = (unsigned)sc;
            }
        } else {
            goto bad;
        }
    }
    fclose(fp);
    for (i = 0; i < nimages; i++)
        if (load_image(&images[i]))
            return -1;
    return nimages >= 6 ? 0 : -1;
bad:
    print_error("keihin.tsv: bad line\n");
    fclose(fp);
    return -1;
}

static int teardown(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < nimages; i++)
        free(images[i].data);
    return 0;
}

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
static void check_claimed(ecu_csum *cs, const uint8_t *d, size_t n, unsigned score, const char *what)
{
    const ecu_family_info *got = ecu_csum_family(cs);
    const char *ev = ecu_csum_evidence(cs);
    size_t i;
    if (!got || strcmp(got->name, FAMILY) != 0)
        fail_msg("%s: claimed by %s (%s)", what, got ? got->name : "no family",
                 ecu_verdict_name(ecu_csum_verdict(cs)));
    if (ecu_csum_verdict(cs) != ECU_VERDICT_NO_LAYOUT)
        fail_msg("%s: verdict %s, expected no-layout", what, ecu_verdict_name(ecu_csum_verdict(cs)));
    if (ecu_csum_candidate_count(cs) != 1)
        fail_msg("%s: %zu families claim it", what, ecu_csum_candidate_count(cs));
    if (score && ecu_csum_score(cs) != score)
        fail_msg("%s: score %u, expected %u (%s)", what, ecu_csum_score(cs), score, ev);
    assert_int_equal(ecu_csum_block_count(cs), 0);
    assert_int_equal(ecu_csum_bad_count(cs), 0);
    assert_null(ecu_csum_block_at(cs, 0));
    for (i = 0; ev[i]; i++)
        if (ev[i] < 0x20 || ev[i] > 0x7E)
            fail_msg("%s: evidence byte 0x%02X is not printable", what, (unsigned char)ev[i]);
    assert_true(i > 0);
    if (ecu_csum_fix(cs) != ECU_ERR_INVALID)
        fail_msg("%s: a fix was not refused", what);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_NO_LAYOUT);
    csum_assert_image(cs, d, n, what);
}

/* keihin-honda neither claims the analysed image nor is a candidate. */
static void check_not_ours(ecu_csum *cs, const char *what)
{
    const ecu_family_info *got = ecu_csum_family(cs);
    size_t k;
    if (got && strcmp(got->name, FAMILY) == 0)
        fail_msg("%s: claimed by %s (%s)", what, got->name, ecu_csum_evidence(cs));
    for (k = 0; k < ecu_csum_candidate_count(cs); k++) {
        const ecu_family_info *c = ecu_csum_candidate_at(cs, k, NULL);
        if (c && strcmp(c->name, FAMILY) == 0)
            fail_msg("%s: a candidate of %s", what, c->name);
    }
}

/* ---- the registry ---------------------------------------------------------------------------- */

static void test_registry(void **state)
{
    const ecu_family_info *f = csum_family_info(FAMILY);
    (void)state;
    assert_string_equal(f->manufacturer, "Keihin");
    assert_non_null(strstr(f->verifies, "no known checksum layout"));
    assert_non_null(strstr(f->description, "identification only"));
    assert_string_equal(f->corrects, "");
    assert_true(f->sources && strstr(f->sources, "uPSKK13/HondaEcu"));
}

/* ---- each image ------------------------------------------------------------------------------ */

static void test_images(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i, cpus = 0, plain = 0;
    (void)state;
    for (i = 0; i < nimages; i++) {
        const struct image *x = &images[i];
        const char *ev;
        csum_analyze(cs, x->data, x->size);
        check_claimed(cs, x->data, x->size, x->score, x->file);
        ev = ecu_csum_evidence(cs);
        if (!strstr(ev, x->id))
            fail_msg("%s: evidence '%s' does not quote '%s'", x->file, ev, x->id);
        if (strcmp(x->cpu, "-") != 0) {
            if (!strstr(ev, x->cpu))
                fail_msg("%s: evidence '%s' does not name %s", x->file, ev, x->cpu);
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
    ecu_csum *cs = ecu_csum_new();
    size_t i;
    (void)state;
    assert_int_equal(ecu_csum_set_family(cs, FAMILY), ECU_OK);
    for (i = 0; i < nimages; i++) {
        csum_analyze(cs, images[i].data, images[i].size);
        check_claimed(cs, images[i].data, images[i].size, 100, images[i].file);
    }
    ecu_csum_free(cs);
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
    for (i = 0; i < nimages; i++) {
        const struct image *x = &images[i];
        const ecu_id_field *f;
        assert_int_equal(ecu_id_analyze(id, x->data, x->size), ECU_OK);
        f = ecu_id_get(id, "family");
        if (!f || strcmp(f->value, FAMILY) != 0)
            fail_msg("%s: family %s", x->file, f ? f->value : "none");
        if (!(f = field_value(id, "cal_id", x->id)) || f->offset != x->id_at)
            fail_msg("%s: no cal_id %s at 0x%zX", x->file, x->id, x->id_at);
        assert_true(f->confidence >= 80);
        f = field_value(id, "descriptor", NULL);
        if (strcmp(x->ecm, "-") == 0) {
            if (f)
                fail_msg("%s: an ECM ID %s at 0x%llX, none expected", x->file, f->value,
                         (unsigned long long)f->offset);
        } else if (!(f = field_value(id, "descriptor", x->ecm)) || f->offset != x->ecm_at) {
            fail_msg("%s: no ECM ID %s at 0x%zX", x->file, x->ecm, x->ecm_at);
        }
        f = ecu_id_get(id, "ecu_type");
        if (strcmp(x->cpu, "-") == 0) {
            if (f)
                fail_msg("%s: ecu_type %s, none expected", x->file, f->value);
        } else if (!f || !strstr(f->value, x->cpu)) {
            fail_msg("%s: ecu_type %s, expected %s", x->file, f ? f->value : "none", x->cpu);
        }
    }
    /* the ECM ID form: a first byte other than 01 is not an ECM ID */
    for (i = 0; i < nimages; i++) {
        const struct image *x = &images[i];
        uint8_t *copy;
        if (strcmp(x->ecm, "-") == 0)
            continue;
        copy = csum_dup(x->data, x->size);
        copy[x->ecm_at] = 0x02;
        rebalance(copy, x->size, x->slot);
        assert_int_equal(ecu_id_analyze(id, copy, x->size), ECU_OK);
        if (field_value(id, "descriptor", NULL))
            fail_msg("%s: ECM ID reported with its first byte 02", x->file);
        free(copy);
    }
    ecu_id_free(id);
}

/* ---- damaged structure ----------------------------------------------------------------------- */

static void test_damaged(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i, r, weaker = 0, gone = 0;
    (void)state;
    assert_true(nmarkers > 0);
    for (i = 0; i < nmarkers; i++) {
        const struct marker *m = &markers[i];
        const struct image *x = &images[m->image];
        uint8_t *copy = csum_dup(x->data, x->size);
        char what[160];
        uint64_t at;
        for (r = 0; r < m->nranges; r++) {
            assert_true(m->start[r] < m->end[r] && m->end[r] <= x->size);
            for (at = m->start[r]; at < m->end[r]; at++)
                copy[at] ^= 0x5A;
        }
        if (m->rebalance)
            rebalance(copy, x->size, x->slot);
        snprintf(what, sizeof what, "%.63s with 0x%llX-0x%llX damaged%s", x->file,
                 (unsigned long long)m->start[0], (unsigned long long)m->end[0],
                 m->rebalance ? " (sum rebalanced)" : "");
        csum_analyze(cs, copy, x->size);
        if (!m->score) {
            if (ecu_csum_family(cs) || ecu_csum_verdict(cs) != ECU_VERDICT_UNKNOWN)
                fail_msg("%s: %s (%s), expected unknown", what,
                         ecu_verdict_name(ecu_csum_verdict(cs)),
                         ecu_csum_family(cs) ? ecu_csum_family(cs)->name : "no family");
            gone++;
        } else {
            check_claimed(cs, copy, x->size, m->score, what);
            assert_true(m->score < x->score);
            weaker++;
        }
        free(copy);
    }
    print_message("%zu damaged images not claimed, %zu claimed by a weaker rule\n", gone, weaker);
    assert_true(gone > 0 && weaker > 0);
    ecu_csum_free(cs);
}

/* Another maker's string in the filler (sum rebalanced): not claimed; a neutral one: claimed. */
static void test_exclusions(void **state)
{
    static const char *const foreign[] = {"BOSCH", "MOTRONIC", "SIMOS", "5WK9"};
    ecu_csum *cs = ecu_csum_new();
    size_t i, k;
    (void)state;
    for (i = 0; i < nimages; i++) {
        const struct image *x = &images[i];
        for (k = 0; k <= sizeof foreign / sizeof foreign[0]; k++) {
            const char *s = k < 4 ? foreign[k] : "NEUTRAL";
            uint8_t *copy = csum_dup(x->data, x->size);
            char what[128];
            memcpy(copy + 0x4800, s, strlen(s));
            rebalance(copy, x->size, x->slot);
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

/* The ID of @p x copied into random data of its size at its place. */
static void put_id(uint8_t *d, const struct image *x)
{
    memcpy(d + x->id_at, x->data + x->id_at, 8);
}

static void test_random_not_claimed(void **state)
{
    static const size_t sizes[] = {0xC000, 0xE000, 0x10000, 0x17000, 0x40000, 0x80000, 0x100000};
    ecu_csum *cs = ecu_csum_new();
    size_t i, k;
    (void)state;
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        for (k = 0; k < 4; k++) {
            uint8_t *d = csum_random_buffer(sizes[i], (uint32_t)(0x4E1A + 131 * i + k));
            char what[64];
            if (k == 1)
                memset(d, 0xFF, sizes[i]);
            if (k == 2) /* a right 8-bit sum */
                rebalance(d, sizes[i], sizes[i] - 8);
            if (k == 3) /* a right sum and an M32R EIT table */
                memcpy(d, images[0].data, 0x80), rebalance(d, sizes[i], sizes[i] - 8);
            snprintf(what, sizeof what, "random %zu bytes (%zu)", sizes[i], k);
            csum_analyze(cs, d, sizes[i]);
            check_not_ours(cs, what);
            free(d);
        }
    /* an ID at its place alone (random sum, no CPU structure): 40, not claimed */
    for (i = 0; i < nimages; i++) {
        const struct image *x = &images[i];
        uint8_t *d = csum_random_buffer(x->size, (uint32_t)(0x77 + i));
        unsigned s = 0;
        size_t j;
        put_id(d, x);
        d[0] = 0x01; /* no CPU structure: not 0xFF (M32R), an odd H8 vector, an SH PC past n */
        d[1] = 0x01;
        for (j = 0; j < x->size; j++)
            s += d[j];
        if ((s & 0xFF) == 0)
            d[x->slot] ^= 1;
        csum_analyze(cs, d, x->size);
        check_not_ours(cs, "an ID alone in random data");
        free(d);
    }
    ecu_csum_free(cs);
}

static void other_fixture(ecu_csum *cs, const char *file, const uint8_t *d, size_t n)
{
    csum_analyze(cs, d, n);
    check_not_ours(cs, file);
}

static void test_other_fixtures_not_claimed(void **state)
{
    static const char *const ours[] = {"keihin-"};
    size_t checked;
    (void)state;
    checked = csum_for_each_fixture(ours, 1, other_fixture);
    print_message("%zu fixtures of other families not claimed\n", checked);
    assert_true(checked >= 10);
}

/* Each image cut (each copy exactly that long, so ASan sees any read past it) or extended by
   a byte: the ID is at a place of a model of the image's size only, so never claimed. */
static void test_truncated(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i, c;
    (void)state;
    for (i = 0; i < nimages; i++) {
        const struct image *x = &images[i];
        size_t cuts[] = {0, 1, 2, 7, 8, 15, 16, 31, 32, 0x80, x->id_at, x->id_at + 4,
                         x->id_at + 7, x->id_at + 8, x->slot, x->size / 2, x->size - 8,
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
    static const char *const families[] = {FAMILY};
    static const char *const folders[] = {"keihin_honda"};
    (void)state;
    if (!csum_check_corpus_claims(families, 1, folders, 1))
        skip();
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
