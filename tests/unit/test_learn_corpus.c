/* SPDX-License-Identifier: MIT */
/*
 * Learning (ecu/discover.h, ecu_learn_*) on the real dumps of ../shared/corpus (issue 14, item
 * 3), with no family given: for each family with a public layout and each image size, the
 * dumps whose MANIFEST verdict is ok are split in two halves (alternating, in MANIFEST order);
 * a layout is learnt from the first half, written as ecu-layout(5) text, parsed back, and must
 * verify every dump of the second half (no false alarm); in one dump of the second half a byte
 * flipped in each covered range must make the verdict bad. Printed per family and size: the
 * share of the built-in family's blocks whose slot the learnt layout holds (the documented
 * checksums found), and the share of the image the learnt ranges cover. Skips cleanly without
 * the corpus. Nothing of the dumps is kept in the project: the test reads them at run time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ecu/csum.h>
#include <ecu/discover.h>
#include <ecu/image.h>
#include <ecu/layout.h>

#define MAX_FILES 64

struct file {
    char path[1024];
    uint8_t *p;
    size_t n;
};

/* the MANIFEST-ok dumps of @p folder, in MANIFEST order; -1 without the corpus */
static int read_manifest(const char *folder, struct file *files, size_t *nfiles)
{
    char line[8192];
    FILE *m = fopen(ECU_CORPUS_DIR "/MANIFEST.tsv", "r");
    *nfiles = 0;
    if (!m)
        return -1;
    while (fgets(line, sizeof line, m) && *nfiles < MAX_FILES) {
        char *col[9] = {0}, *s = line;
        size_t k;
        for (k = 0; k < 9 && s; k++) {
            col[k] = s;
            s = strchr(s, '\t');
            if (s)
                *s++ = '\0';
        }
        if (k < 7 || strcmp(col[4], folder) != 0 || strcmp(col[6], "ok") != 0)
            continue;
        snprintf(files[*nfiles].path, sizeof files[*nfiles].path, "%s/%s", ECU_CORPUS_DIR, col[0]);
        (*nfiles)++;
    }
    fclose(m);
    return 0;
}

static int load(struct file *f)
{
    ecu_image *img = ecu_image_new();
    int ok = img && ecu_image_load_file(img, f->path) == ECU_OK && ecu_image_size(img) > 0;
    if (ok) {
        f->n = ecu_image_size(img);
        f->p = malloc(f->n);
        ok = f->p != NULL;
        if (ok)
            memcpy(f->p, ecu_image_data(img), f->n);
    }
    ecu_image_free(img);
    return ok;
}

/* one family and size: learn from half a, check half b */
static void family_size(const char *folder, struct file **g, size_t ng)
{
    ecu_learn *l = ecu_learn_new();
    ecu_layout *lay = ecu_layout_new();
    ecu_csum *cs = ecu_csum_new(), *ref = ecu_csum_new();
    size_t i, k, na = 0, nb, ndoc = 0, found = 0, covered = 0, flips = 0, nblocks = 0;
    char *text = NULL;
    size_t need = 0;
    uint8_t *cov, *mut;
    const struct file *b0 = NULL;
    char missed[1024] = "";
    size_t missed_at = 0;
    assert_non_null(l);
    assert_non_null(lay);
    assert_non_null(cs);
    assert_non_null(ref);
    for (i = 0; i < ng; i += 2, na++)
        assert_int_equal(ecu_learn_add(l, g[i]->p, g[i]->n, g[i]->path), ECU_OK);
    nb = ng - na;
    assert_int_equal(ecu_learn_run(l), ECU_OK);
    b0 = g[1];
    /* the documented blocks: the built-in family's, on the first dump of the second half */
    assert_int_equal(ecu_csum_analyze(ref, b0->p, b0->n), ECU_OK);
    ndoc = ecu_csum_block_count(ref);
    if (!ecu_learn_count(l) ||
        ecu_learn_layout(l, "learnt", NULL, 0, &need) != ECU_ERR_INVALID || !need) {
        printf("  %-13s 0x%06zX: %zu+%zu dumps: nothing learnt; documented blocks found 0/%zu\n",
               folder, g[0]->n, na, nb, ndoc);
        goto out;
    }
    text = malloc(need);
    assert_non_null(text);
    if (ecu_learn_layout(l, "learnt", text, need, NULL) != ECU_OK) {
        printf("  %-13s 0x%06zX: %zu+%zu dumps: %zu blocks learnt, none with an ecu-layout(5) "
               "statement; documented blocks found 0/%zu\n", folder, g[0]->n, na, nb,
               ecu_learn_count(l), ndoc);
        goto out;
    }
    if (getenv("ECU_LEARN_DUMP")) { /* the learnt layout, for a look */
        char path[256];
        FILE *f;
        snprintf(path, sizeof path, "%s/%s-0x%zX.layout", getenv("ECU_LEARN_DUMP"), folder, g[0]->n);
        if ((f = fopen(path, "w")) != NULL) {
            fputs(text, f);
            fclose(f);
        }
    }
    if (ecu_layout_parse(lay, text, strlen(text)) != ECU_OK)
        fail_msg("%s: the learnt layout does not parse: %zu:%zu %s\n%s", folder,
                 ecu_layout_error_line(lay), ecu_layout_error_column(lay), ecu_layout_error(lay), text);
    assert_int_equal(ecu_csum_set_layout(cs, lay), ECU_OK);
    /* no false alarm on the second half */
    for (i = 1; i < ng; i += 2) {
        assert_int_equal(ecu_csum_analyze(cs, g[i]->p, g[i]->n), ECU_OK);
        if (ecu_csum_verdict(cs) != ECU_VERDICT_OK)
            fail_msg("%s: %s: %s with the layout learnt from the other half (%s)", folder,
                     g[i]->path, ecu_verdict_name(ecu_csum_verdict(cs)), ecu_csum_evidence(cs));
    }
    /* coverage and the documented slots found, on b0 */
    assert_int_equal(ecu_csum_analyze(cs, b0->p, b0->n), ECU_OK);
    cov = calloc(b0->n, 1);
    assert_non_null(cov);
    for (k = 0; k < ecu_csum_block_count(cs); k++) {
        const ecu_block *b = ecu_csum_block_at(cs, k);
        size_t r;
        uint64_t x;
        for (r = 0; r < b->nranges; r++)
            for (x = b->ranges[r].start; x < b->ranges[r].end && x < b0->n; x++)
                cov[x] = 1;
    }
    for (i = 0; i < b0->n; i++)
        covered += cov[i];
    free(cov);
    for (i = 0; i < ndoc; i++) {
        const ecu_block *d = ecu_csum_block_at(ref, i);
        for (k = 0; k < ecu_csum_block_count(cs); k++)
            if (ecu_csum_block_at(cs, k)->store_offset == d->store_offset)
                break;
        found += k < ecu_csum_block_count(cs);
        if (k == ecu_csum_block_count(cs) && missed_at < sizeof missed - 1) /* the family's names */
            missed_at += (size_t)snprintf(missed + missed_at, sizeof missed - missed_at, "%s%s",
                                          missed_at ? ", " : "", d->name);
    }
    /* a byte flipped in each covered range is flagged */
    mut = malloc(b0->n);
    assert_non_null(mut);
    assert_int_equal(ecu_csum_analyze(cs, b0->p, b0->n), ECU_OK);
    nblocks = ecu_csum_block_count(cs); /* tables with a stop or a marker: per image */
    for (k = 0; k < nblocks; k++) {
        const ecu_block *b;
        uint64_t at;
        assert_int_equal(ecu_csum_analyze(cs, b0->p, b0->n), ECU_OK);
        b = ecu_csum_block_at(cs, k);
        assert_non_null(b);
        if (!b->nranges)
            continue; /* a disabled table record: its value is checked, no range */
        at = b->ranges[0].start + (b->ranges[0].end - b->ranges[0].start) / 2;
        if (at >= b->store_offset && at < b->store_offset + b->store_bytes)
            at = b->ranges[0].start; /* not the slot */
        memcpy(mut, b0->p, b0->n);
        mut[at] ^= 0x01;
        assert_int_equal(ecu_csum_analyze(cs, mut, b0->n), ECU_OK);
        if (ecu_csum_verdict(cs) != ECU_VERDICT_BAD)
            fail_msg("%s: a byte flipped at 0x%llX (block %zu) is not flagged", folder,
                     (unsigned long long)at, k);
        flips++;
    }
    free(mut);
    printf("  %-13s 0x%06zX: %zu+%zu dumps: %zu blocks learnt; documented blocks found %zu/%zu "
           "(%.0f%%); image covered %.1f%%; %zu flips flagged\n", folder, g[0]->n, na, nb,
           nblocks, found, ndoc, ndoc ? 100.0 * (double)found / (double)ndoc : 0.0,
           100.0 * (double)covered / (double)b0->n, flips);
    if (missed_at)
        printf("  %-13s 0x%06zX: not found: %s\n", folder, g[0]->n, missed);
out:
    free(text);
    ecu_csum_free(cs);
    ecu_csum_free(ref);
    ecu_layout_free(lay);
    ecu_learn_free(l);
}

static void family(const char *folder)
{
    static struct file files[MAX_FILES];
    struct file *g[MAX_FILES];
    size_t n, i, j, ng;
    int done[MAX_FILES] = {0};
    if (read_manifest(folder, files, &n) != 0) {
        printf("  skipped: no corpus at %s\n", ECU_CORPUS_DIR);
        skip();
    }
    for (i = 0; i < n; i++)
        if (!load(&files[i]))
            fail_msg("%s: cannot load", files[i].path);
    /* one image size at a time */
    for (i = 0; i < n; i++) {
        if (done[i])
            continue;
        for (ng = 0, j = i; j < n; j++)
            if (!done[j] && files[j].n == files[i].n) {
                g[ng++] = &files[j];
                done[j] = 1;
            }
        if (ng < 3) { /* a half of one dump is discovery, not learning */
            printf("  %-13s 0x%06zX: %zu dump%s, too few to split\n", folder, files[i].n, ng,
                   ng == 1 ? "" : "s");
            continue;
        }
        family_size(folder, g, ng);
    }
    for (i = 0; i < n; i++) {
        free(files[i].p);
        files[i].p = NULL;
    }
}

static void test_subaru(void **state) { (void)state; family("subaru_denso"); }
static void test_ms43(void **state) { (void)state; family("bmw_ms43"); }
static void test_edc16(void **state) { (void)state; family("edc16"); }
static void test_edc17(void **state) { (void)state; family("edc17"); }
static void test_volvo_me7(void **state) { (void)state; family("volvo_me7"); }
static void test_vag_me7(void **state) { (void)state; family("vag_me7"); }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_subaru),    cmocka_unit_test(test_ms43),
        cmocka_unit_test(test_edc16),     cmocka_unit_test(test_edc17),
        cmocka_unit_test(test_volvo_me7), cmocka_unit_test(test_vag_me7),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
