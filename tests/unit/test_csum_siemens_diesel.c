/* SPDX-License-Identifier: MIT */
/*
 * The Siemens diesel families (lib/families/siemens_diesel.c: siemens-sid80x for SID801/801A
 * and SID803/803A, siemens-ppd1 for PPD1.x), identified only, against synthetic images
 * (fixtures/csum/siemens-*.bin.gz but siemens-gs20, written by fixtures/csum/siemens_diesel.py
 * from the documented structure). The manifest fixtures/csum/siemens_diesel.tsv says, for each
 * image, which family claims it with which score, what the evidence must quote and which
 * identification fields it has; for each documented piece of structure, whether the image with
 * it damaged is still claimed (by a weaker rule, with its score) or not at all.
 *
 * Checked here: each image is its family's only, with the verdict no-layout, no block, a fix
 * refused with the image unchanged (also with the family forced); the identification fields
 * with their values and offsets; damaged structure; the other family's markers and Bosch
 * strings exclude an image; random data, erased images and the other families' fixtures are
 * not claimed; truncated images are handled safely; the real dumps of ../shared/corpus (or
 * $ECU_CORPUS) are claimed only in the sid80x and ppd1 folders.
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

static const char *const families[] = {"siemens-sid80x", "siemens-ppd1"};
#define NFAMILIES (sizeof families / sizeof families[0])

#define MAX_IMAGES 16
#define MAX_MARKERS 64
#define MAX_FIELDS 64

struct image {
    char file[64], family[32], quote[64];
    size_t size;
    unsigned score; /* 0 when no family may claim it */
    uint8_t *data;
};

struct marker {
    size_t image;
    uint64_t start[CSUM_MAX_RANGES], end[CSUM_MAX_RANGES];
    size_t nranges;
    char family[32]; /* "-": not claimed */
    unsigned score;
};

struct field {
    size_t image;
    char key[24], value[64];
    uint64_t offset; /* ECU_ID_NO_OFFSET: derived */
};

static struct image images[MAX_IMAGES];
static size_t nimages;
static struct marker markers[MAX_MARKERS];
static size_t nmarkers;
static struct field fields[MAX_FIELDS];
static size_t nfields;
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

static size_t image_index(const char *file)
{
    size_t i;
    for (i = 0; i < nimages && strcmp(images[i].file, file) != 0; i++)
        ;
    return i;
}

static int setup(void **state)
{
    char line[1024], *f[8];
    FILE *fp = fopen(ECU_FIXTURES_DIR "/csum/siemens_diesel.tsv", "r");
    size_t i;
    (void)state;
    if (!fp) {
        print_error("siemens_diesel.tsv not found\n");
        return -1;
    }
    while (fgets(line, sizeof line, fp)) {
        size_t nf;
        uint64_t v;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        nf = csum_split(line, f, 8);
        if (strcmp(f[0], "image") == 0 && nf == 6 && nimages < MAX_IMAGES) {
            struct image *x = &images[nimages++];
            snprintf(x->file, sizeof x->file, "%s", f[1]);
            snprintf(x->family, sizeof x->family, "%s", f[2]);
            if (csum_parse_u64(f[3], &v))
                goto bad;
            x->size = (size_t)v;
            x->score = 0;
            if (strcmp(f[4], "-") != 0) {
                if (csum_parse_u64(f[4], &v))
                    goto bad;
                x->score = (unsigned)v;
            }
            snprintf(x->quote, sizeof x->quote, "%s", strcmp(f[5], "-") ? f[5] : "");
        } else if (strcmp(f[0], "marker") == 0 && nf == 5 && nmarkers < MAX_MARKERS && nimages) {
            struct marker *m = &markers[nmarkers++];
            memset(m, 0, sizeof *m);
            if ((i = image_index(f[1])) == nimages || parse_ranges(f[2], m))
                goto bad;
            m->image = i;
            snprintf(m->family, sizeof m->family, "%s", f[3]);
            if (strcmp(f[4], "-") != 0) {
                if (csum_parse_u64(f[4], &v))
                    goto bad;
                m->score = (unsigned)v;
            }
        } else if (strcmp(f[0], "field") == 0 && nf == 5 && nfields < MAX_FIELDS && nimages) {
            struct field *x = &fields[nfields++];
            if ((x->image = image_index(f[1])) == nimages)
                goto bad;
            snprintf(x->key, sizeof x->key, "%s", f[2]);
            snprintf(x->value, sizeof x->value, "%s", f[3]);
            x->offset = ECU_ID_NO_OFFSET;
            if (strcmp(f[4], "-") != 0 && csum_parse_u64(f[4], &x->offset))
                goto bad;
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
    print_error("siemens_diesel.tsv: bad line\n");
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

static int ours(const char *name)
{
    size_t k;
    for (k = 0; k < NFAMILIES; k++)
        if (strcmp(name, families[k]) == 0)
            return 1;
    return 0;
}

/* The analysed image is @p family's, alone, with @p score: no-layout, no block, a fix refused
   and nothing changed. */
static void check_claimed(ecu_csum *cs, const uint8_t *d, size_t n, const char *family,
                          unsigned score, const char *what)
{
    const ecu_family_info *got = ecu_csum_family(cs);
    const char *ev = ecu_csum_evidence(cs);
    size_t i;
    if (!got || strcmp(got->name, family) != 0)
        fail_msg("%s: claimed by %s (%s), expected %s", what, got ? got->name : "no family",
                 ecu_verdict_name(ecu_csum_verdict(cs)), family);
    if (ecu_csum_verdict(cs) != ECU_VERDICT_NO_LAYOUT)
        fail_msg("%s: verdict %s, expected no-layout", what, ecu_verdict_name(ecu_csum_verdict(cs)));
    if (ecu_csum_candidate_count(cs) != 1)
        fail_msg("%s: %zu families claim it", what, ecu_csum_candidate_count(cs));
    if (score && ecu_csum_score(cs) != score)
        fail_msg("%s: score %u, expected %u", what, ecu_csum_score(cs), score);
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

/* No family of ours claims the analysed image. */
static void check_not_ours(ecu_csum *cs, const char *what)
{
    const ecu_family_info *got = ecu_csum_family(cs);
    size_t k;
    if (got && ours(got->name))
        fail_msg("%s: claimed by %s (%s)", what, got->name, ecu_csum_evidence(cs));
    for (k = 0; k < ecu_csum_candidate_count(cs); k++) {
        const ecu_family_info *c = ecu_csum_candidate_at(cs, k, NULL);
        if (c && ours(c->name))
            fail_msg("%s: a candidate of %s", what, c->name);
    }
}

/* ---- the registry ---------------------------------------------------------------------------- */

static void test_registry(void **state)
{
    size_t k;
    (void)state;
    for (k = 0; k < NFAMILIES; k++) {
        const ecu_family_info *f = csum_family_info(families[k]);
        assert_string_equal(f->manufacturer, "Siemens");
        assert_non_null(strstr(f->verifies, "no known checksum layout"));
        assert_non_null(strstr(f->description, "identification only"));
        assert_string_equal(f->corrects, "");
        assert_true(f->sources && strstr(f->sources, "openremap"));
    }
}

/* ---- each image ------------------------------------------------------------------------------ */

static void test_images(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i, k;
    unsigned covered = 0, unclaimed = 0;
    (void)state;
    for (i = 0; i < nimages; i++) {
        const struct image *x = &images[i];
        csum_analyze(cs, x->data, x->size);
        if (strcmp(x->family, "-") == 0) {
            csum_assert_unknown(cs, x->data, x->size, x->file);
            unclaimed++;
            continue;
        }
        check_claimed(cs, x->data, x->size, x->family, x->score, x->file);
        if (!strstr(ecu_csum_evidence(cs), x->quote))
            fail_msg("%s: evidence '%s' does not quote '%s'", x->file, ecu_csum_evidence(cs),
                     x->quote);
        for (k = 0; k < NFAMILIES; k++)
            if (strcmp(x->family, families[k]) == 0)
                covered |= 1u << k;
    }
    assert_int_equal(covered, (1u << NFAMILIES) - 1);
    assert_true(unclaimed >= 2);
    ecu_csum_free(cs);
}

/* The family given by the caller: still no layout, still refused. */
static void test_forced_family(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i, k;
    (void)state;
    for (k = 0; k < NFAMILIES; k++) {
        assert_int_equal(ecu_csum_set_family(cs, families[k]), ECU_OK);
        for (i = 0; i < nimages; i++) {
            csum_analyze(cs, images[i].data, images[i].size);
            check_claimed(cs, images[i].data, images[i].size, families[k], 100, images[i].file);
        }
    }
    ecu_csum_free(cs);
}

/* ---- identification -------------------------------------------------------------------------- */

/* Whether the analysed @p id has a field @p key = @p value at @p offset. */
static int has_field(const ecu_id *id, const char *key, const char *value, uint64_t offset)
{
    size_t i;
    for (i = 0; i < ecu_id_field_count(id); i++) {
        const ecu_id_field *f = ecu_id_field_at(id, i);
        if (strcmp(f->key, key) == 0 && strcmp(f->value, value) == 0 && f->offset == offset)
            return 1;
    }
    return 0;
}

static void test_identify(void **state)
{
    ecu_id *id = ecu_id_new();
    size_t i, k, checked = 0;
    (void)state;
    assert_non_null(id);
    for (i = 0; i < nimages; i++) {
        const struct image *x = &images[i];
        const ecu_id_field *fam;
        assert_int_equal(ecu_id_analyze(id, x->data, x->size), ECU_OK);
        fam = ecu_id_get(id, "family");
        if (strcmp(x->family, "-") == 0) {
            if (fam)
                fail_msg("%s: identified as %s", x->file, fam->value);
            continue;
        }
        if (!fam || strcmp(fam->value, x->family) != 0)
            fail_msg("%s: family %s, expected %s", x->file, fam ? fam->value : "none", x->family);
        assert_non_null(ecu_id_get(id, "manufacturer"));
        assert_string_equal(ecu_id_get(id, "manufacturer")->value, "Siemens");
        for (k = 0; k < nfields; k++) {
            if (fields[k].image != i)
                continue;
            if (!has_field(id, fields[k].key, fields[k].value, fields[k].offset))
                fail_msg("%s: no %s '%s' at 0x%llX", x->file, fields[k].key, fields[k].value,
                         (unsigned long long)fields[k].offset);
            checked++;
        }
        /* every field the family reports is printable and lies in the image */
        for (k = 0; k < ecu_id_field_count(id); k++) {
            const ecu_id_field *f = ecu_id_field_at(id, k);
            assert_true(f->offset == ECU_ID_NO_OFFSET || f->offset + strlen(f->value) <= x->size);
        }
    }
    assert_int_equal(checked, nfields);
    ecu_id_free(id);
}

/* ---- damaged structure ----------------------------------------------------------------------- */

static void test_damaged_markers(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i, r, weaker = 0, gone = 0;
    (void)state;
    assert_true(nmarkers > 0);
    for (i = 0; i < nmarkers; i++) {
        const struct marker *m = &markers[i];
        const struct image *x = &images[m->image];
        uint8_t *copy = csum_dup(x->data, x->size);
        char what[128];
        uint64_t at;
        for (r = 0; r < m->nranges; r++) {
            assert_true(m->start[r] < m->end[r] && m->end[r] <= x->size);
            for (at = m->start[r]; at < m->end[r]; at++)
                copy[at] ^= 0x5A;
        }
        snprintf(what, sizeof what, "%.63s with 0x%llX-0x%llX damaged", x->file,
                 (unsigned long long)m->start[0], (unsigned long long)m->end[0]);
        csum_analyze(cs, copy, x->size);
        if (strcmp(m->family, "-") == 0) {
            csum_assert_unknown(cs, copy, x->size, what);
            gone++;
        } else {
            check_claimed(cs, copy, x->size, m->family, m->score, what);
            assert_true(m->score <= x->score); /* never a stronger claim */
            weaker += m->score < x->score;
        }
        free(copy);
    }
    print_message("%zu damaged images not claimed, %zu claimed by a weaker rule\n", gone, weaker);
    assert_true(gone >= 5 && weaker >= 10);
    ecu_csum_free(cs);
}

static const struct image *image_named(const char *file)
{
    size_t i = image_index(file);
    if (i == nimages)
        fail_msg("%s not in the manifest", file);
    return &images[i];
}

/* ---- strings that exclude a family ------------------------------------------------------------ */

/* @p s written at @p at of a copy of @p x: claimed as before (@p claimed), or by no family. */
static void put_check(ecu_csum *cs, const struct image *x, size_t at, const char *s, int claimed)
{
    uint8_t *copy = csum_dup(x->data, x->size);
    char what[128];
    assert_true(at + strlen(s) <= x->size);
    memcpy(copy + at, s, strlen(s));
    snprintf(what, sizeof what, "%.63s with '%s' at 0x%zX", x->file, s, at);
    csum_analyze(cs, copy, x->size);
    if (claimed)
        check_claimed(cs, copy, x->size, x->family, x->score, what);
    else if (ecu_csum_family(cs))
        fail_msg("%s: claimed by %s", what, ecu_csum_family(cs)->name);
    free(copy);
}

static void test_exclusions(void **state)
{
    static const char *const bosch[] = {"BOSCH", "MOTRONIC", "EDC17", "MED17", "ME7."};
    static const char *const not_ppd[] = {"111PO", "111PM3", "5WS4"};
    static const char *const not_sid[] = {"111SN", "PPD1."};
    ecu_csum *cs = ecu_csum_new();
    size_t i, k;
    (void)state;
    for (i = 0; i < nimages; i++) {
        const struct image *x = &images[i];
        int ppd = strcmp(x->family, "siemens-ppd1") == 0;
        if (strcmp(x->family, "-") == 0)
            continue;
        put_check(cs, x, 0x30000, "NEUTRAL", 1);
        put_check(cs, x, x->size - 8, "NEUTRAL", 1);
        for (k = 0; k < sizeof bosch / sizeof bosch[0]; k++) {
            put_check(cs, x, 0x30000, bosch[k], 0);
            put_check(cs, x, x->size - 8, bosch[k], 0); /* anywhere in the image */
        }
        for (k = 0; k < (ppd ? 3u : 2u); k++)
            put_check(cs, x, 0x30000, ppd ? not_ppd[k] : not_sid[k], 0);
    }
    ecu_csum_free(cs);
}

/* Each family's markers moved into the other's image: the structure decides, not the size. */
static void test_structure_not_size(void **state)
{
    const struct image *sid = image_named("siemens-sid801.bin.gz");
    const struct image *nohdr = image_named("siemens-sid801-nohdr.bin.gz");
    const struct image *big = image_named("siemens-sid801-1m.bin.gz");
    ecu_csum *cs = ecu_csum_new();
    uint8_t *copy;
    (void)state;
    /* the documented header with no vector table behind it: not claimed */
    copy = csum_random_buffer(sid->size, 0x5ED1);
    memcpy(copy, sid->data, 4);
    csum_analyze(cs, copy, sid->size);
    csum_assert_unknown(cs, copy, sid->size, "C167 header on random data");
    /* the header and vector table on an image of another size: not claimed */
    csum_analyze(cs, big->data, big->size);
    csum_assert_unknown(cs, big->data, big->size, big->file);
    csum_analyze(cs, sid->data, sid->size - 0x1000);
    check_not_ours(cs, "the C167 image cut by 4 KiB");
    /* the vector table with another header: not claimed */
    csum_analyze(cs, nohdr->data, nohdr->size);
    csum_assert_unknown(cs, nohdr->data, nohdr->size, nohdr->file);
    free(copy);
    ecu_csum_free(cs);
}

/* ---- nothing else is claimed ----------------------------------------------------------------- */

static void test_random_not_claimed(void **state)
{
    static const size_t sizes[] = {0x3D000, 0x40000, 0x70000, 0x71000, 0x80000, 0x200000};
    ecu_csum *cs = ecu_csum_new();
    size_t i, k;
    (void)state;
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        for (k = 0; k < 4; k++) {
            uint8_t *d = csum_random_buffer(sizes[i], (uint32_t)(0x51E3 + 977 * i + k));
            char what[64];
            if (k == 1) /* erased: every byte 0xFF */
                memset(d, 0xFF, sizes[i]);
            if (k == 2) /* erased but for a documented C167 header */
                memset(d, 0xFF, sizes[i]), memcpy(d, "\xC0\xF0\xA0\x14", 4);
            if (k == 3) /* the triple's prefixes, not repeated */
                memcpy(d + 0x20, "111SN0000000000X111SN0000000000Y111PO0000000000Z", 48);
            snprintf(what, sizeof what, "random %zu bytes (%zu)", sizes[i], k);
            csum_analyze(cs, d, sizes[i]);
            check_not_ours(cs, what);
            free(d);
        }
    ecu_csum_free(cs);
}

/* Every other fixture of fixtures/csum: never ours. */
static void other_fixture(ecu_csum *cs, const char *file, const uint8_t *d, size_t n)
{
    csum_analyze(cs, d, n);
    check_not_ours(cs, file);
}

static void test_other_fixtures_not_claimed(void **state)
{
    static const char *const ours[] = {"siemens-ppd1-", "siemens-sid80"};
    size_t checked;
    (void)state;
    checked = csum_for_each_fixture(ours, 2, other_fixture);
    print_message("%zu fixtures of other families not claimed\n", checked);
    assert_true(checked >= 50);
}

/* ---- truncated images ------------------------------------------------------------------------ */

/* Each image cut at many lengths (each copy exactly that long, so ASan sees any read past it):
   never a crash, never a verdict but unknown or this family's no-layout. */
static void test_truncated(void **state)
{
    ecu_csum *cs = ecu_csum_new();
    ecu_id *id = ecu_id_new();
    size_t i, c;
    (void)state;
    for (i = 0; i < nimages; i++) {
        const struct image *x = &images[i];
        size_t cuts[64], ncuts = 0, r;
        size_t fixed[] = {0, 1, 2, 3, 4, 5, 0x2F, 0x30, 0x50, 0x5C, 0x61, 0x78, 0x7A, 0x88,
                          0x1FF, 0x200, 0x3F85, 0x3F95, 0x6305, 0x6318, 0x10025, 0x40025,
                          0x40055, 0x40078};
        if (strcmp(x->family, "-") == 0)
            continue;
        for (c = 0; c < sizeof fixed / sizeof fixed[0]; c++)
            cuts[ncuts++] = fixed[c];
        cuts[ncuts++] = x->size / 2;
        cuts[ncuts++] = x->size - 1;
        for (c = 0; c < nmarkers && ncuts + 4 <= sizeof cuts / sizeof cuts[0]; c++)
            if (markers[c].image == i)
                for (r = 0; r < markers[c].nranges && ncuts + 2 <= sizeof cuts / sizeof cuts[0]; r++) {
                    cuts[ncuts++] = (size_t)(markers[c].start[r] + markers[c].end[r]) / 2;
                    cuts[ncuts++] = (size_t)markers[c].end[r];
                }
        for (c = 0; c < ncuts; c++) {
            size_t n = cuts[c];
            uint8_t *copy;
            ecu_verdict v;
            if (n >= x->size)
                continue;
            copy = csum_dup(x->data, n ? n : 1);
            csum_analyze(cs, copy, n);
            v = ecu_csum_verdict(cs);
            if (v != ECU_VERDICT_UNKNOWN) {
                char what[96];
                snprintf(what, sizeof what, "%.63s cut to 0x%zX bytes", x->file, n);
                if (v != ECU_VERDICT_NO_LAYOUT || !ecu_csum_family(cs) ||
                    strcmp(ecu_csum_family(cs)->name, x->family) != 0)
                    fail_msg("%s: %s (%s)", what, ecu_verdict_name(v),
                             ecu_csum_family(cs) ? ecu_csum_family(cs)->name : "none");
                check_claimed(cs, copy, n, x->family, 0, what);
            }
            if (n)
                assert_int_equal(ecu_id_analyze(id, copy, n), ECU_OK);
            free(copy);
        }
    }
    ecu_id_free(id);
    ecu_csum_free(cs);
}

/* ---- the real dumps -------------------------------------------------------------------------- */

static void test_corpus_claims(void **state)
{
    static const char *const folders[] = {"sid80x", "ppd1"};
    (void)state;
    if (!csum_check_corpus_claims(families, NFAMILIES, folders, 2))
        skip();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_images),
        cmocka_unit_test(test_forced_family),
        cmocka_unit_test(test_identify),
        cmocka_unit_test(test_damaged_markers),
        cmocka_unit_test(test_exclusions),
        cmocka_unit_test(test_structure_not_size),
        cmocka_unit_test(test_random_not_claimed),
        cmocka_unit_test(test_other_fixtures_not_claimed),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_corpus_claims),
    };
    return cmocka_run_group_tests_name("csum_siemens_diesel", tests, setup, teardown);
}
