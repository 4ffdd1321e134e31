/* SPDX-License-Identifier: MIT */
/*
 * The C167 multipoint tables (lib/families/kits/c167.c, bosch_me7_volvo.c, bosch_m797.c,
 * bosch_m798.c, bosch_me7_vag.c) on damaged and truncated copies of the synthetic images:
 * a damaged record is a bad block and the table goes on, a record past the end of the file is
 * bad (truncated), never a shorter layout, and a cut of a fixed-size image is never ok.
 *
 * The cases come from fixtures/csum/c167-truth.tsv, written by fixtures/csum/c167_truth.py
 * (format there): a good fixture, a length to keep, byte edits, and the layout the library
 * must report, every block's status computed by the generator in Python on the edited bytes.
 * A bad case must also refuse a correction (ecu_csum_fix: ECU_ERR_UNFIXABLE, the image left as
 * it was): a record that cannot be checked is never rewritten.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ecu/csum.h"
#include "ecu/error.h"
#include "ecu/image.h"

#define MAX_CASES 16
#define MAX_EDITS 4
#define MAX_BLOCKS 64
#define MAX_RANGES 128 /* a program-pages block: the two words of every page */

struct tblock {
    int bad;
    size_t nranges; /* 0: not checked */
    uint64_t start[MAX_RANGES], end[MAX_RANGES];
    char text[64]; /* "" when not checked */
};

struct tcase {
    char name[64], base[64], family[32];
    uint64_t cut; /* 0: the whole image */
    int bad;      /* else: not ok */
    size_t nblocks, nedits, nlisted;
    uint64_t edit_at[MAX_EDITS];
    uint8_t edit[MAX_EDITS][16];
    size_t edit_len[MAX_EDITS];
    struct tblock b[MAX_BLOCKS];
};

static struct tcase cases[MAX_CASES];
static size_t ncases;

static uint64_t num(const char *s)
{
    return strtoull(s, NULL, 0);
}

/* Splits @p s at each @p sep in place into at most @p max fields; returns their number. */
static size_t split(char *s, char sep, char **v, size_t max)
{
    size_t n = 0;
    while (n < max) {
        char *p = strchr(s, sep);
        v[n++] = s;
        if (!p)
            break;
        *p = '\0';
        s = p + 1;
    }
    return n;
}

static struct tcase *find_case(const char *name)
{
    size_t i;
    for (i = 0; i < ncases; i++)
        if (strcmp(cases[i].name, name) == 0)
            return &cases[i];
    fail_msg("c167-truth.tsv: no case %s", name);
    return NULL;
}

static void parse_ranges(struct tblock *b, char *s)
{
    char *tok[MAX_RANGES + 1];
    size_t i, n;
    if (strcmp(s, "-") == 0)
        return;
    n = split(s, '+', tok, MAX_RANGES + 1);
    assert_true(n <= MAX_RANGES);
    for (i = 0; i < n; i++) {
        char *dash = strchr(tok[i] + 2, '-');
        assert_non_null(dash);
        assert_true(b->nranges < MAX_RANGES);
        *dash = '\0';
        b->start[b->nranges] = num(tok[i]);
        b->end[b->nranges++] = num(dash + 1);
    }
}

static void load_cases(void)
{
    char path[512], line[8192];
    FILE *f;
    snprintf(path, sizeof path, "%s/csum/c167-truth.tsv", ECU_FIXTURES_DIR);
    f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s", path);
    while (fgets(line, sizeof line, f)) {
        char *v[8];
        size_t n;
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        n = split(line, '\t', v, 8);
        if (strcmp(v[0], "case") == 0 && n == 7) {
            struct tcase *c = &cases[ncases];
            assert_true(ncases < MAX_CASES);
            memset(c, 0, sizeof *c);
            snprintf(c->name, sizeof c->name, "%s", v[1]);
            snprintf(c->base, sizeof c->base, "%s", v[2]);
            c->cut = strcmp(v[3], "-") ? num(v[3]) : 0;
            c->bad = strcmp(v[4], "bad") == 0;
            assert_true(c->bad || strcmp(v[4], "not-ok") == 0);
            snprintf(c->family, sizeof c->family, "%s", v[5]);
            c->nblocks = c->bad ? (size_t)num(v[6]) : 0;
            assert_true(c->nblocks <= MAX_BLOCKS);
            ncases++;
        } else if (strcmp(v[0], "edit") == 0 && n == 4) {
            struct tcase *c = find_case(v[1]);
            size_t k, len = strlen(v[3]) / 2;
            assert_true(c->nedits < MAX_EDITS && len <= 16);
            c->edit_at[c->nedits] = num(v[2]);
            for (k = 0; k < len; k++) {
                unsigned byte;
                assert_int_equal(sscanf(v[3] + 2 * k, "%2x", &byte), 1);
                c->edit[c->nedits][k] = (uint8_t)byte;
            }
            c->edit_len[c->nedits++] = len;
        } else if (strcmp(v[0], "block") == 0 && n == 6) {
            struct tcase *c = find_case(v[1]);
            size_t k = (size_t)num(v[2]);
            assert_true(k < c->nblocks && k == c->nlisted);
            c->b[k].bad = strcmp(v[3], "bad") == 0;
            parse_ranges(&c->b[k], v[4]);
            if (strcmp(v[5], "-"))
                snprintf(c->b[k].text, sizeof c->b[k].text, "%s", v[5]);
            c->nlisted++;
        } else {
            fail_msg("c167-truth.tsv: bad line starting %s", v[0]);
        }
    }
    fclose(f);
    assert_true(ncases > 0);
}

/* The case's image: the base fixture, cut, then edited. */
static uint8_t *case_image(const struct tcase *c, size_t *size)
{
    char path[512];
    ecu_image *img = ecu_image_new();
    uint8_t *d;
    size_t n, k;
    snprintf(path, sizeof path, "%s/csum/%s", ECU_FIXTURES_DIR, c->base);
    assert_non_null(img);
    assert_int_equal(ecu_image_load_file(img, path), ECU_OK);
    n = ecu_image_size(img);
    if (c->cut) {
        assert_true(c->cut < n);
        n = (size_t)c->cut;
    }
    d = malloc(n);
    assert_non_null(d);
    memcpy(d, ecu_image_data(img), n);
    ecu_image_free(img);
    for (k = 0; k < c->nedits; k++) {
        assert_true(c->edit_at[k] + c->edit_len[k] <= n);
        memcpy(d + c->edit_at[k], c->edit[k], c->edit_len[k]);
    }
    *size = n;
    return d;
}

static void check_case(const struct tcase *c)
{
    ecu_csum *cs = ecu_csum_new();
    size_t n, k, i, size;
    uint8_t *d = case_image(c, &n);
    const uint8_t *after;
    ecu_verdict v;
    assert_non_null(cs);
    assert_int_equal(ecu_csum_analyze(cs, d, n), ECU_OK);
    v = ecu_csum_verdict(cs);
    if (!c->bad) {
        if (v == ECU_VERDICT_OK)
            fail_msg("%s: ok, expected anything but ok", c->name);
        goto done;
    }
    if (v != ECU_VERDICT_BAD)
        fail_msg("%s: %s, expected bad", c->name, ecu_verdict_name(v));
    assert_non_null(ecu_csum_family(cs));
    assert_string_equal(ecu_csum_family(cs)->name, c->family);
    assert_int_equal(c->nlisted, c->nblocks);
    if (ecu_csum_block_count(cs) != c->nblocks)
        fail_msg("%s: %zu blocks, expected %zu", c->name, ecu_csum_block_count(cs), c->nblocks);
    for (k = 0; k < c->nblocks; k++) {
        const ecu_block *b = ecu_csum_block_at(cs, k);
        const struct tblock *t = &c->b[k];
        if ((b->status != ECU_BLOCK_OK) != t->bad)
            fail_msg("%s: block %zu (%s) is %s, expected %s", c->name, k, b->name,
                     ecu_block_status_name(b->status), t->bad ? "bad" : "ok");
        if (t->text[0] && !strstr(b->name, t->text))
            fail_msg("%s: block %zu is named \"%s\", expected \"%s\" in it", c->name, k, b->name,
                     t->text);
        if (t->nranges) {
            if (b->nranges != t->nranges)
                fail_msg("%s: block %zu (%s): %zu ranges, expected %zu", c->name, k, b->name,
                         b->nranges, t->nranges);
            for (i = 0; i < t->nranges; i++)
                if (b->ranges[i].start != t->start[i] || b->ranges[i].end != t->end[i])
                    fail_msg("%s: block %zu (%s): range 0x%llX-0x%llX, expected 0x%llX-0x%llX",
                             c->name, k, b->name, (unsigned long long)b->ranges[i].start,
                             (unsigned long long)b->ranges[i].end,
                             (unsigned long long)t->start[i], (unsigned long long)t->end[i]);
        }
    }
    /* a record that cannot be checked is never rewritten: the correction is refused */
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    after = ecu_csum_image(cs, &size);
    assert_int_equal(size, n);
    assert_memory_equal(after, d, n);
done:
    ecu_csum_free(cs);
    free(d);
}

static void test_cases(void **state)
{
    size_t i, nbad = 0;
    (void)state;
    load_cases();
    for (i = 0; i < ncases; i++) {
        check_case(&cases[i]);
        nbad += cases[i].bad;
    }
    /* the classes: a cut Volvo image, damaged records of Volvo, M7.9.7, M7.9.8 and ME7, and
       cuts of the fixed-size images */
    assert_true(nbad >= 8);
    assert_true(ncases - nbad >= 4);
    printf("%zu cases, %zu bad with their layouts, %zu never ok\n", ncases, nbad, ncases - nbad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
