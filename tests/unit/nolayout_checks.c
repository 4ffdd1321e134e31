/* SPDX-License-Identifier: MIT */
/* The manifests and the shared checks of the identification-only families' tests
 * (nolayout_checks.h). */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nolayout_checks.h"
#include "ecu/error.h"
#include "ecu/image.h"

/* ---- the manifest ---------------------------------------------------------------------------- */

static int load_image(struct nolayout_image *x)
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

/* "S-E+S-E..." */
static int parse_ranges(char *s, struct nolayout_marker *mk)
{
    char *tok, *save = NULL;
    for (tok = strtok_r(s, "+", &save); tok; tok = strtok_r(NULL, "+", &save)) {
        char *dash = strchr(tok, '-');
        if (!dash || mk->nranges == CSUM_MAX_RANGES)
            return -1;
        *dash = '\0';
        if (csum_parse_u64(tok, &mk->start[mk->nranges]) ||
            csum_parse_u64(dash + 1, &mk->end[mk->nranges]))
            return -1;
        mk->nranges++;
    }
    return mk->nranges ? 0 : -1;
}

/* A number, or '-' for 0 (a score); 0, or -1. */
static int parse_score(const char *s, unsigned *out)
{
    uint64_t v;
    *out = 0;
    if (strcmp(s, "-") == 0)
        return 0;
    if (csum_parse_u64(s, &v))
        return -1;
    *out = (unsigned)v;
    return 0;
}

static size_t image_index(const struct nolayout_manifest *m, const char *file)
{
    size_t i;
    for (i = 0; i < m->nimages && strcmp(m->images[i].file, file) != 0; i++)
        ;
    return i;
}

static int image_line(struct nolayout_manifest *m, char *const *f, size_t nf)
{
    const struct nolayout_format *fmt = m->format;
    struct nolayout_image *x = &m->images[m->nimages];
    uint64_t v;
    if (m->nimages == NOLAYOUT_MAX_IMAGES || nf < 2)
        return -1;
    memset(x, 0, sizeof *x);
    snprintf(x->file, sizeof x->file, "%s", f[1]);
    snprintf(x->family, sizeof x->family, "%s", fmt->families[0]);
    switch (fmt->image) {
    case NOLAYOUT_IMAGE_FAMILY_SIZE_SCORE_QUOTE: /* the score may be '-' */
        if (nf != 6 || csum_parse_u64(f[3], &v) || parse_score(f[4], &x->score))
            return -1;
        snprintf(x->family, sizeof x->family, "%s", f[2]);
        snprintf(x->quote, sizeof x->quote, "%s", strcmp(f[5], "-") ? f[5] : "");
        break;
    case NOLAYOUT_IMAGE_SIZE_SCORE: /* the score is a number */
        if (nf != 4 || csum_parse_u64(f[2], &v) || strcmp(f[3], "-") == 0 ||
            parse_score(f[3], &x->score))
            return -1;
        break;
    case NOLAYOUT_IMAGE_OWN:
        if (fmt->image_line(x, m->nimages, f, nf))
            return -1;
        v = x->size;
        break;
    }
    x->size = (size_t)v;
    m->nimages++;
    return 0;
}

static int marker_line(struct nolayout_manifest *m, char *const *f, size_t nf)
{
    const struct nolayout_format *fmt = m->format;
    struct nolayout_marker *mk = &m->markers[m->nmarkers];
    const char *family;
    size_t cols = fmt->marker == NOLAYOUT_MARKER_RANGE_SCORE ? 4 : 5;
    if (m->nmarkers == NOLAYOUT_MAX_MARKERS || nf != cols)
        return -1;
    memset(mk, 0, sizeof *mk);
    if ((mk->image = image_index(m, f[1])) == m->nimages || parse_ranges(f[2], mk) ||
        parse_score(f[nf - 1], &mk->score))
        return -1;
    switch (fmt->marker) {
    case NOLAYOUT_MARKER_FAMILY_SCORE:
        family = f[3];
        break;
    case NOLAYOUT_MARKER_FLAG_SCORE:
        mk->flag = strcmp(f[3], "1") == 0;
        family = mk->score ? fmt->families[0] : "-";
        break;
    case NOLAYOUT_MARKER_RANGE_SCORE: /* START-END: one range */
        if (mk->nranges != 1)
            return -1;
        family = mk->score ? fmt->families[0] : "-";
        break;
    default:
        return -1;
    }
    snprintf(mk->family, sizeof mk->family, "%s", family);
    m->nmarkers++;
    return 0;
}

static int field_line(struct nolayout_manifest *m, char *const *f, size_t nf)
{
    struct nolayout_field *x = &m->fields[m->nfields];
    const char *value, *offset;
    if (m->nfields == NOLAYOUT_MAX_FIELDS || nf != 5 ||
        (x->image = image_index(m, f[1])) == m->nimages)
        return -1;
    switch (m->format->field) {
    case NOLAYOUT_FIELD_KEY_OFFSET_VALUE:
        offset = f[3], value = f[4];
        break;
    case NOLAYOUT_FIELD_KEY_VALUE_OFFSET:
        value = f[3], offset = f[4];
        break;
    case NOLAYOUT_FIELD_KEY_VALUE_AT: /* an offset, never '-' */
        value = f[3], offset = f[4];
        if (strcmp(offset, "-") == 0)
            return -1;
        break;
    default:
        return -1;
    }
    snprintf(x->key, sizeof x->key, "%s", f[2]);
    snprintf(x->value, sizeof x->value, "%s", value);
    x->offset = ECU_ID_NO_OFFSET;
    if (strcmp(offset, "-") != 0 && csum_parse_u64(offset, &x->offset))
        return -1;
    m->nfields++;
    return 0;
}

int nolayout_load(struct nolayout_manifest *m, const struct nolayout_format *format)
{
    char path[512], line[1024], *f[16];
    unsigned lineno = 0;
    FILE *fp;
    size_t i;
    memset(m, 0, sizeof *m);
    m->format = format;
    snprintf(path, sizeof path, "%s/csum/%s", ECU_FIXTURES_DIR, format->tsv);
    if (!(fp = fopen(path, "r"))) {
        print_error("%s not found\n", path);
        return -1;
    }
    while (fgets(line, sizeof line, fp)) {
        size_t nf;
        int bad;
        lineno++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        nf = csum_split(line, f, 16);
        if (strcmp(f[0], "image") == 0)
            bad = image_line(m, f, nf);
        else if (strcmp(f[0], "marker") == 0)
            bad = marker_line(m, f, nf);
        else if (strcmp(f[0], "field") == 0 && format->field != NOLAYOUT_FIELD_NONE)
            bad = field_line(m, f, nf);
        else
            bad = -1;
        if (bad) {
            print_error("%s: bad line %u\n", format->tsv, lineno);
            fclose(fp);
            return -1;
        }
    }
    fclose(fp);
    for (i = 0; i < m->nimages; i++)
        if (load_image(&m->images[i])) {
            nolayout_free(m);
            return -1;
        }
    if (m->nimages < format->min_images || m->nmarkers < format->min_markers ||
        m->nfields < format->min_fields) {
        print_error("%s: %zu images, %zu markers, %zu fields: too few\n", format->tsv, m->nimages,
                    m->nmarkers, m->nfields);
        nolayout_free(m);
        return -1;
    }
    return 0;
}

void nolayout_free(struct nolayout_manifest *m)
{
    size_t i;
    for (i = 0; i < m->nimages; i++) {
        free(m->images[i].data);
        m->images[i].data = NULL;
    }
}

const struct nolayout_image *nolayout_image_named(const struct nolayout_manifest *m,
                                                  const char *file)
{
    size_t i = image_index(m, file);
    if (i == m->nimages)
        fail_msg("%s not in the manifest", file);
    return &m->images[i];
}

static int ours(const struct nolayout_manifest *m, const char *name)
{
    size_t k;
    for (k = 0; k < m->format->nfamilies; k++)
        if (strcmp(name, m->format->families[k]) == 0)
            return 1;
    return 0;
}

/* ---- single checks --------------------------------------------------------------------------- */

void nolayout_check_claimed(ecu_csum *cs, const uint8_t *d, size_t n, const char *family,
                            unsigned score, const char *what)
{
    const ecu_family_info *got = ecu_csum_family(cs);
    const char *ev = ecu_csum_evidence(cs);
    size_t i;
    if (!got || strcmp(got->name, family) != 0)
        fail_msg("%s: claimed by %s (%s), expected %s", what, got ? got->name : "no family",
                 ecu_verdict_name(ecu_csum_verdict(cs)), family);
    if (ecu_csum_verdict(cs) != ECU_VERDICT_NO_LAYOUT)
        fail_msg("%s: verdict %s, expected no-layout", what,
                 ecu_verdict_name(ecu_csum_verdict(cs)));
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

/* nolayout_check_claimed with a score, by detection: and the format's own check. */
static void check_detected(const struct nolayout_manifest *m, ecu_csum *cs, const uint8_t *d,
                           size_t n, const char *family, unsigned score, const char *what)
{
    nolayout_check_claimed(cs, d, n, family, score, what);
    if (m->format->detected && score)
        m->format->detected(cs, what);
}

void nolayout_check_unknown(ecu_csum *cs, const uint8_t *d, size_t n, const char *what)
{
    if (ecu_csum_family(cs) || ecu_csum_verdict(cs) != ECU_VERDICT_UNKNOWN)
        fail_msg("%s: %s (%s), expected unknown", what, ecu_verdict_name(ecu_csum_verdict(cs)),
                 ecu_csum_family(cs) ? ecu_csum_family(cs)->name : "no family");
    csum_assert_unknown(cs, d, n, what);
}

void nolayout_check_not_ours(const struct nolayout_manifest *m, ecu_csum *cs, const char *what)
{
    const ecu_family_info *got = ecu_csum_family(cs);
    size_t k;
    if (got && ours(m, got->name))
        fail_msg("%s: claimed by %s (%s)", what, got->name, ecu_csum_evidence(cs));
    for (k = 0; k < ecu_csum_candidate_count(cs); k++) {
        const ecu_family_info *c = ecu_csum_candidate_at(cs, k, NULL);
        if (c && ours(m, c->name))
            fail_msg("%s: a candidate of %s", what, c->name);
    }
}

void nolayout_put_check(const struct nolayout_manifest *m, ecu_csum *cs,
                        const struct nolayout_image *x, size_t at, const char *s, int claimed)
{
    uint8_t *copy = csum_dup(x->data, x->size);
    char what[128];
    assert_true(at + strlen(s) <= x->size);
    memcpy(copy + at, s, strlen(s));
    snprintf(what, sizeof what, "%.63s with '%s' at 0x%zX", x->file, s, at);
    csum_analyze(cs, copy, x->size);
    if (claimed)
        check_detected(m, cs, copy, x->size, x->family, x->score, what);
    else if (ecu_csum_family(cs))
        fail_msg("%s: claimed by %s", what, ecu_csum_family(cs)->name);
    free(copy);
}

/* ---- the shared checks ----------------------------------------------------------------------- */

void nolayout_check_registry(const char *family, const char *manufacturer, const char *verifies,
                             const char *source)
{
    const ecu_family_info *f = csum_family_info(family);
    assert_string_equal(f->manufacturer, manufacturer);
    assert_non_null(strstr(f->verifies, verifies));
    assert_non_null(strstr(f->description, "identification only"));
    assert_string_equal(f->corrects, "");
    assert_true(f->sources && strstr(f->sources, source));
}

size_t nolayout_check_images(const struct nolayout_manifest *m)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i, k, unclaimed = 0;
    unsigned covered = 0;
    assert_non_null(cs);
    for (i = 0; i < m->nimages; i++) {
        const struct nolayout_image *x = &m->images[i];
        csum_analyze(cs, x->data, x->size);
        if (strcmp(x->family, "-") == 0) {
            nolayout_check_unknown(cs, x->data, x->size, x->file);
            unclaimed++;
            continue;
        }
        check_detected(m, cs, x->data, x->size, x->family, x->score, x->file);
        if (!strstr(ecu_csum_evidence(cs), x->quote))
            fail_msg("%s: evidence '%s' does not quote '%s'", x->file, ecu_csum_evidence(cs),
                     x->quote);
        for (k = 0; k < m->format->nfamilies; k++)
            if (strcmp(x->family, m->format->families[k]) == 0)
                covered |= 1u << k;
    }
    assert_int_equal(covered, (1u << m->format->nfamilies) - 1);
    ecu_csum_free(cs);
    return unclaimed;
}

void nolayout_check_forced(const struct nolayout_manifest *m)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i, k;
    assert_non_null(cs);
    for (k = 0; k < m->format->nfamilies; k++) {
        assert_int_equal(ecu_csum_set_family(cs, m->format->families[k]), ECU_OK);
        for (i = 0; i < m->nimages; i++) {
            const struct nolayout_image *x = &m->images[i];
            csum_analyze(cs, x->data, x->size);
            nolayout_check_claimed(cs, x->data, x->size, m->format->families[k], 100, x->file);
        }
    }
    ecu_csum_free(cs);
}

void nolayout_check_damaged(const struct nolayout_manifest *m, const struct nolayout_damage *d)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i, r, weaker = 0, gone = 0;
    assert_non_null(cs);
    assert_true(m->nmarkers > 0);
    for (i = 0; i < m->nmarkers; i++) {
        const struct nolayout_marker *mk = &m->markers[i];
        const struct nolayout_image *x = &m->images[mk->image];
        uint8_t *copy = csum_dup(x->data, x->size);
        const char *more = "";
        char what[160];
        uint64_t at;
        for (r = 0; r < mk->nranges; r++) {
            assert_true(mk->start[r] < mk->end[r] && mk->end[r] <= x->size);
            for (at = mk->start[r]; at < mk->end[r]; at++)
                copy[at] ^= 0x5A;
        }
        if (d->after)
            more = d->after(copy, mk->image, mk);
        snprintf(what, sizeof what, "%.63s with 0x%llX-0x%llX damaged%s", x->file,
                 (unsigned long long)mk->start[0], (unsigned long long)mk->end[0], more);
        csum_analyze(cs, copy, x->size);
        if (strcmp(mk->family, "-") == 0) {
            nolayout_check_unknown(cs, copy, x->size, what);
            gone++;
        } else {
            check_detected(m, cs, copy, x->size, mk->family, mk->score, what);
            if (d->same_score) {
                assert_true(mk->score <= x->score); /* never a stronger claim */
                weaker += mk->score < x->score;
            } else {
                assert_true(mk->score < x->score); /* a weaker rule */
                weaker++;
            }
        }
        free(copy);
    }
    print_message("%zu damaged images not claimed, %zu claimed by a weaker rule\n", gone, weaker);
    assert_true(gone >= d->min_gone && weaker >= d->min_weaker);
    ecu_csum_free(cs);
}

void nolayout_check_random(const struct nolayout_manifest *m, const size_t *sizes, size_t nsizes,
                           size_t nvariants, uint32_t seed, uint32_t step,
                           void (*variant)(uint8_t *d, size_t n, size_t i, size_t k))
{
    ecu_csum *cs = ecu_csum_new();
    size_t i, k;
    assert_non_null(cs);
    for (i = 0; i < nsizes; i++)
        for (k = 0; k < nvariants; k++) {
            uint8_t *d = csum_random_buffer(sizes[i], seed + step * (uint32_t)i + (uint32_t)k);
            char what[64];
            if (k == 1) /* erased: every byte 0xFF */
                memset(d, 0xFF, sizes[i]);
            if (k >= 2)
                variant(d, sizes[i], i, k);
            snprintf(what, sizeof what, "random %zu bytes (%zu)", sizes[i], k);
            csum_analyze(cs, d, sizes[i]);
            nolayout_check_not_ours(m, cs, what);
            free(d);
        }
    ecu_csum_free(cs);
}

/* The manifest whose families nolayout_check_other_fixtures checks for (csum_for_each_fixture's
   callback takes no context). */
static const struct nolayout_manifest *other_of;

static void other_fixture(ecu_csum *cs, const char *file, const uint8_t *d, size_t n)
{
    csum_analyze(cs, d, n);
    nolayout_check_not_ours(other_of, cs, file);
}

void nolayout_check_other_fixtures(const struct nolayout_manifest *m, const char *const *ours,
                                   size_t nours, size_t min)
{
    size_t checked;
    other_of = m;
    checked = csum_for_each_fixture(ours, nours, other_fixture);
    other_of = NULL;
    print_message("%zu fixtures of other families not claimed\n", checked);
    assert_true(checked >= min);
}

void nolayout_check_truncated(const struct nolayout_manifest *m, const struct nolayout_cuts *cut)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i, c;
    assert_non_null(cs);
    for (i = 0; i < m->nimages; i++) {
        const struct nolayout_image *x = &m->images[i];
        size_t cuts[64], ncuts = 0, r;
        if (cut->skip_unclaimed && strcmp(x->family, "-") == 0)
            continue;
        for (c = 0; c < cut->nfixed && ncuts < sizeof cuts / sizeof cuts[0] - 2; c++)
            cuts[ncuts++] = cut->fixed[c];
        cuts[ncuts++] = x->size / 2;
        cuts[ncuts++] = x->size - 1;
        /* inside and right after each marker of this image */
        for (c = 0; c < m->nmarkers && ncuts + 4 <= sizeof cuts / sizeof cuts[0]; c++)
            if (m->markers[c].image == i)
                for (r = 0; r < m->markers[c].nranges && ncuts + 2 <= sizeof cuts / sizeof cuts[0];
                     r++) {
                    cuts[ncuts++] = (size_t)(m->markers[c].start[r] + m->markers[c].end[r]) / 2;
                    cuts[ncuts++] = (size_t)m->markers[c].end[r];
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
                nolayout_check_claimed(cs, copy, n, x->family, 0, what);
            }
            if (cut->each)
                cut->each(copy, n);
            free(copy);
        }
    }
    ecu_csum_free(cs);
}

void nolayout_check_corpus(const struct nolayout_manifest *m, const char *const *folders,
                           size_t nfolders)
{
    if (!csum_check_corpus_claims(m->format->families, m->format->nfamilies, folders, nfolders))
        skip();
}

size_t nolayout_check_fields(const struct nolayout_manifest *m)
{
    ecu_id *id = ecu_id_new();
    size_t i, k, checked = 0;
    assert_non_null(id);
    for (i = 0; i < m->nfields; i++) {
        const struct nolayout_field *x = &m->fields[i];
        const struct nolayout_image *im = &m->images[x->image];
        const ecu_id_field *fam;
        int found = 0;
        assert_int_equal(ecu_id_analyze(id, im->data, im->size), ECU_OK);
        for (k = 0; k < ecu_id_field_count(id); k++) {
            const ecu_id_field *f = ecu_id_field_at(id, k);
            if (strcmp(f->key, x->key) == 0 && strcmp(f->value, x->value) == 0 &&
                (x->offset == ECU_ID_NO_OFFSET || f->offset == x->offset))
                found = 1;
        }
        if (!found)
            fail_msg("%s: no field %s = '%s' at 0x%llX", im->file, x->key, x->value,
                     (unsigned long long)x->offset);
        fam = ecu_id_get(id, "family");
        if (strcmp(im->family, "-") != 0 && (!fam || strcmp(fam->value, im->family) != 0))
            fail_msg("%s: family %s, expected %s", im->file, fam ? fam->value : "none",
                     im->family);
        checked++;
    }
    print_message("%zu identification fields checked\n", checked);
    ecu_id_free(id);
    return checked;
}
