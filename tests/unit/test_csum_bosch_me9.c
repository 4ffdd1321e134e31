/* SPDX-License-Identifier: MIT */
/*
 * bosch-me9 (lib/families/bosch_me9.c: Bosch ME9 / MED9, identification only) against the
 * synthetic images of fixtures/csum/bosch_me9.py (written from the documented structure, with
 * invented ID values). The manifest fixtures/csum/bosch_me9.tsv says, for each image, its
 * size and score; for each documented piece of structure, the score once it is damaged (a
 * weaker rule) or that the image is no longer claimed; and the fields ecu_id must report.
 *
 * Checked here: each image is bosch-me9's alone, no-layout, no block, a fix refused with the
 * image unchanged (also with the family forced); damaged structure; the identified fields
 * (values and offsets); random and erased data of the family's sizes, the RAM-loader ident
 * alone in random data, and every other fixture are not claimed; truncated images are handled
 * safely; the real dumps of ../shared/corpus are claimed only in the me9_med9 folder.
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

#define FAMILY "bosch-me9"
#define MAX_IMAGES 8
#define MAX_MARKERS 32
#define MAX_FIELDS 32

struct image {
    char file[64];
    size_t size;
    unsigned score;
    uint8_t *data;
};
struct marker {
    size_t image;
    uint64_t start, end;
    unsigned score; /* 0: not claimed */
};
struct field {
    size_t image;
    char key[32], value[64];
    uint64_t off;
};

static struct image images[MAX_IMAGES];
static size_t nimages;
static struct marker markers[MAX_MARKERS];
static size_t nmarkers;
static struct field fields[MAX_FIELDS];
static size_t nfields;

static size_t image_index(const char *file)
{
    size_t i;
    for (i = 0; i < nimages && strcmp(images[i].file, file) != 0; i++)
        ;
    return i;
}

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

static int setup(void **state)
{
    char line[1024], *f[8];
    FILE *fp = fopen(ECU_FIXTURES_DIR "/csum/bosch_me9.tsv", "r");
    size_t i;
    (void)state;
    if (!fp)
        return -1;
    while (fgets(line, sizeof line, fp)) {
        size_t nf;
        uint64_t v;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        nf = csum_split(line, f, 8);
        if (strcmp(f[0], "image") == 0 && nf == 4 && nimages < MAX_IMAGES) {
            struct image *x = &images[nimages];
            snprintf(x->file, sizeof x->file, "%s", f[1]);
            if (csum_parse_u64(f[2], &v))
                goto bad;
            x->size = (size_t)v;
            if (csum_parse_u64(f[3], &v))
                goto bad;
            x->score = (unsigned)v;
            nimages++;
        } else if (strcmp(f[0], "marker") == 0 && nf == 4 && nmarkers < MAX_MARKERS) {
            struct marker *m = &markers[nmarkers];
            char *dash = strchr(f[2], '-');
            if ((m->image = image_index(f[1])) == nimages || !dash)
                goto bad;
            *dash = '\0';
            if (csum_parse_u64(f[2], &m->start) || csum_parse_u64(dash + 1, &m->end))
                goto bad;
            m->score = 0;
            if (strcmp(f[3], "-") != 0) {
                if (csum_parse_u64(f[3], &v))
                    goto bad;
                m->score = (unsigned)v;
            }
            nmarkers++;
        } else if (strcmp(f[0], "field") == 0 && nf == 5 && nfields < MAX_FIELDS) {
            struct field *x = &fields[nfields];
            if ((x->image = image_index(f[1])) == nimages || csum_parse_u64(f[4], &x->off))
                goto bad;
            snprintf(x->key, sizeof x->key, "%s", f[2]);
            snprintf(x->value, sizeof x->value, "%s", f[3]);
            nfields++;
        } else {
            goto bad;
        }
    }
    fclose(fp);
    for (i = 0; i < nimages; i++)
        if (load_image(&images[i]))
            return -1;
    return nimages && nmarkers && nfields ? 0 : -1;
bad:
    print_error("bosch_me9.tsv: bad line\n");
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

/* The analysed image is bosch-me9's alone (with @p score unless 0): no-layout, no block, a fix
   refused and nothing changed. */
static void check_claimed(ecu_csum *cs, const uint8_t *d, size_t n, unsigned score, const char *what)
{
    const ecu_family_info *got = ecu_csum_family(cs);
    const char *ev = ecu_csum_evidence(cs);
    size_t i;
    if (!got || strcmp(got->name, FAMILY) != 0)
        fail_msg("%s: claimed by %s, expected " FAMILY, what, got ? got->name : "no family");
    if (ecu_csum_verdict(cs) != ECU_VERDICT_NO_LAYOUT)
        fail_msg("%s: verdict %s, expected no-layout", what, ecu_verdict_name(ecu_csum_verdict(cs)));
    if (ecu_csum_candidate_count(cs) != 1)
        fail_msg("%s: %zu families claim it", what, ecu_csum_candidate_count(cs));
    if (score && ecu_csum_score(cs) != score)
        fail_msg("%s: score %u, expected %u (%s)", what, ecu_csum_score(cs), score, ev);
    assert_int_equal(ecu_csum_block_count(cs), 0);
    assert_int_equal(ecu_csum_bad_count(cs), 0);
    for (i = 0; ev[i]; i++)
        if (ev[i] < 0x20 || ev[i] > 0x7E)
            fail_msg("%s: evidence byte 0x%02X is not printable", what, (unsigned char)ev[i]);
    if (score) /* detected, not forced: the evidence quotes the RAM-loader ident */
        assert_non_null(strstr(ev, "Bosch.Common.RamLoader.Me9"));
    if (ecu_csum_fix(cs) != ECU_ERR_INVALID)
        fail_msg("%s: a fix was not refused", what);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_NO_LAYOUT);
    csum_assert_image(cs, d, n, what);
}

static void check_not_ours(ecu_csum *cs, const char *what)
{
    const ecu_family_info *got = ecu_csum_family(cs);
    size_t k;
    if (got && strcmp(got->name, FAMILY) == 0)
        fail_msg("%s: claimed by " FAMILY " (%s)", what, ecu_csum_evidence(cs));
    for (k = 0; k < ecu_csum_candidate_count(cs); k++) {
        const ecu_family_info *c = ecu_csum_candidate_at(cs, k, NULL);
        if (c && strcmp(c->name, FAMILY) == 0)
            fail_msg("%s: a candidate of " FAMILY, what);
    }
}

static void test_registry(void **state)
{
    const ecu_family_info *f = csum_family_info(FAMILY);
    (void)state;
    assert_string_equal(f->manufacturer, "Bosch");
    assert_non_null(strstr(f->verifies, "no known checksum layout"));
    assert_non_null(strstr(f->description, "identification only"));
    assert_string_equal(f->corrects, "");
    assert_non_null(strstr(f->sources, "openremap"));
}

static void test_images(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i;
    (void)state;
    for (i = 0; i < nimages; i++) {
        csum_analyze(cs, images[i].data, images[i].size);
        check_claimed(cs, images[i].data, images[i].size, images[i].score, images[i].file);
    }
    /* forced: still no layout, still refused */
    assert_int_equal(ecu_csum_set_family(cs, FAMILY), ECU_OK);
    for (i = 0; i < nimages; i++) {
        csum_analyze(cs, images[i].data, images[i].size);
        check_claimed(cs, images[i].data, images[i].size, 0, images[i].file);
    }
    ecu_csum_free(cs);
}

static void test_damaged_structure(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i, gone = 0, weaker = 0;
    (void)state;
    for (i = 0; i < nmarkers; i++) {
        const struct marker *m = &markers[i];
        const struct image *x = &images[m->image];
        uint8_t *copy = csum_dup(x->data, x->size);
        char what[128];
        uint64_t at;
        assert_true(m->start < m->end && m->end <= x->size);
        for (at = m->start; at < m->end; at++)
            copy[at] ^= 0x5A;
        snprintf(what, sizeof what, "%.63s with 0x%llX-0x%llX damaged", x->file,
                 (unsigned long long)m->start, (unsigned long long)m->end);
        csum_analyze(cs, copy, x->size);
        if (!m->score) {
            if (ecu_csum_family(cs) || ecu_csum_verdict(cs) != ECU_VERDICT_UNKNOWN)
                fail_msg("%s: %s, expected unknown", what, ecu_verdict_name(ecu_csum_verdict(cs)));
            gone++;
        } else {
            check_claimed(cs, copy, x->size, m->score, what);
            assert_true(m->score < x->score);
            weaker++;
        }
        free(copy);
    }
    print_message("%zu damaged images not claimed, %zu claimed by a weaker rule\n", gone, weaker);
    assert_true(gone >= 3 && weaker >= 3);
    ecu_csum_free(cs);
}

/* Each byte of the 32 exception table entries' opcodes and of the RAM-loader version's NUL:
   a `b` (AA = 0) or `bla` (LK = 1) instead of `ba`, or a zero target, drops the table. */
static void test_exception_table_entries(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    const struct image *x = &images[0];
    size_t k, v;
    (void)state;
    for (k = 0; k < 32; k++)
        for (v = 0; v < 3; v++) {
            uint8_t *copy = csum_dup(x->data, x->size);
            char what[96];
            if (v == 0)
                copy[8 * k + 3] &= 0xFC; /* b: AA = 0 */
            else if (v == 1)
                copy[8 * k + 3] |= 0x01; /* bla: LK = 1 */
            else
                copy[8 * k + 1] = copy[8 * k + 2] = 0, copy[8 * k + 3] = 0x02; /* ba 0 */
            snprintf(what, sizeof what, "%s, exception entry %zu variant %zu", x->file, k, v);
            csum_analyze(cs, copy, x->size);
            check_claimed(cs, copy, x->size, x->score - 15, what);
            free(copy);
        }
    ecu_csum_free(cs);
}

static void test_fields(void **state)
{
    ecu_id *id = ecu_id_new();
    size_t i;
    (void)state;
    for (i = 0; i < nfields; i++) {
        const struct field *f = &fields[i];
        const struct image *x = &images[f->image];
        size_t k, found = 0;
        assert_int_equal(ecu_id_analyze(id, x->data, x->size), ECU_OK);
        for (k = 0; k < ecu_id_field_count(id); k++) {
            const ecu_id_field *g = ecu_id_field_at(id, k);
            if (strcmp(g->key, f->key) == 0 && strcmp(g->value, f->value) == 0 &&
                g->offset == f->off)
                found = 1;
        }
        if (!found)
            fail_msg("%s: no %s '%s' at 0x%llX", x->file, f->key, f->value,
                     (unsigned long long)f->off);
        assert_string_equal(ecu_id_get(id, "family")->value, FAMILY);
    }
    /* a MED9 image is not called ME9 */
    assert_int_equal(ecu_id_analyze(id, images[0].data, images[0].size), ECU_OK);
    for (i = 0; i < ecu_id_field_count(id); i++) {
        const ecu_id_field *g = ecu_id_field_at(id, i);
        if (strcmp(g->key, "ecu_type") == 0)
            assert_string_not_equal(g->value, "ME9");
    }
    ecu_id_free(id);
}

static void test_random_not_claimed(void **state)
{
    static const size_t sizes[] = {0x8000, 0x20000, 0x80000, 0x100000, 0x200000};
    static const char anchor[] = "Bosch.Common.RamLoader.Me9.0042";
    ecu_csum *cs = ecu_csum_new();
    size_t i, k;
    (void)state;
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        for (k = 0; k < 4; k++) {
            uint8_t *d = csum_random_buffer(sizes[i], (uint32_t)(0x3E9 + 131 * i + k));
            char what[64];
            if (k == 1)
                memset(d, 0xFF, sizes[i]);
            if (k >= 2) /* the RAM-loader ident (NUL-terminated) with no PowerPC code */
                memcpy(d + 0x1000, anchor, sizeof anchor);
            if (k == 3) /* and the exception table: still no code */
                for (size_t e = 0; e < 32; e++)
                    d[8 * e] = 0x48, d[8 * e + 1] = 0, d[8 * e + 2] = 0x40, d[8 * e + 3] = 0x02;
            snprintf(what, sizeof what, "random %zu bytes (%zu)", sizes[i], k);
            csum_analyze(cs, d, sizes[i]);
            check_not_ours(cs, what);
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
    static const char *const ours[] = {"bosch-me9-"};
    size_t checked;
    (void)state;
    checked = csum_for_each_fixture(ours, 1, other_fixture);
    print_message("%zu fixtures of other families not claimed\n", checked);
    assert_true(checked >= 10);
}

static void test_truncated(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i, c;
    (void)state;
    for (i = 0; i < nimages; i++) {
        const struct image *x = &images[i];
        size_t cuts[48], ncuts = 0;
        static const size_t fixed[] = {0, 1, 4, 8, 0xFF, 0x100, 0x3000, 0x3100, 0x7FFF, 0x8000,
                                       0x15006, 0x15020, 0x15024, 0x15025, 0x15026, 0x20000};
        for (c = 0; c < sizeof fixed / sizeof fixed[0]; c++)
            cuts[ncuts++] = fixed[c];
        cuts[ncuts++] = x->size / 2;
        cuts[ncuts++] = x->size - 1;
        for (c = 0; c < nmarkers && ncuts + 2 <= sizeof cuts / sizeof cuts[0]; c++)
            if (markers[c].image == i) {
                cuts[ncuts++] = (size_t)(markers[c].start + markers[c].end) / 2;
                cuts[ncuts++] = (size_t)markers[c].end;
            }
        for (c = 0; c < ncuts; c++) {
            size_t n = cuts[c];
            uint8_t *copy;
            if (n >= x->size)
                continue;
            copy = csum_dup(x->data, n ? n : 1);
            csum_analyze(cs, copy, n);
            if (ecu_csum_verdict(cs) != ECU_VERDICT_UNKNOWN) {
                char what[96];
                snprintf(what, sizeof what, "%.63s cut to 0x%zX bytes", x->file, n);
                check_claimed(cs, copy, n, 0, what);
            }
            free(copy);
        }
    }
    ecu_csum_free(cs);
}

static void test_corpus_claims(void **state)
{
    static const char *const families[] = {FAMILY};
    static const char *const folders[] = {"me9_med9"};
    (void)state;
    if (!csum_check_corpus_claims(families, 1, folders, 1))
        skip();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_images),
        cmocka_unit_test(test_damaged_structure),
        cmocka_unit_test(test_exception_table_entries),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_random_not_claimed),
        cmocka_unit_test(test_other_fixtures_not_claimed),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_corpus_claims),
    };
    return cmocka_run_group_tests_name("csum_bosch_me9", tests, setup, teardown);
}
