/* SPDX-License-Identifier: MIT */
/*
 * Identification over the real dumps of ../shared/corpus (or $ECU_CORPUS); skipped when the
 * folder is absent.
 * - IDS-vag_me7.tsv lists, for every vag_me7 dump, the EPK, part number, SW version, hardware
 *   and software numbers that ME7Sum's ECUID reader found: every one must be the best field
 *   of its key (values compared without leading/trailing spaces; an empty or all-space cell
 *   means the field must be absent).
 * - Every dump of every folder is identified without error, and no software number is the
 *   TC1793 constant 1037555072; the number of dumps per folder with an identifier beyond
 *   manufacturer and family is printed.
 * - subaru_denso: every dump claimed as denso-subaru has the ROM ID of its file name (the first
 *   token after the market and model parts, as test_corpus_csum.c reads it) as its cal_id, at
 *   0x200 in 160/192 KiB ROMs, at 0x2000 (or 0x2004) in the others.
 * - bmw_ms43: the identifiers that the file names carry: the program number after "MS43"
 *   (MS43nnnn: sw_number 43nnnn), the BMW number after "ms43_" and the Siemens part number
 *   5WK9... (hw_number).
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include <ecu/ecu.h>

#include "corpus_util.h"

static char corpus[1024];

static void skip_without_corpus(void)
{
    print_message("corpus not found at %s: skipped\n", corpus);
    skip();
}

/* @p s without leading and trailing spaces, into @p out */
static void trim(const char *s, char *out, size_t n)
{
    size_t len;
    while (*s == ' ')
        s++;
    len = strlen(s);
    while (len && s[len - 1] == ' ')
        len--;
    if (len >= n)
        len = n - 1;
    memcpy(out, s, len);
    out[len] = '\0';
}

static void test_vag_me7_ids(void **state)
{
    static const char *const keys[5] = {"epk", "part_number", "sw_version", "hw_number",
                                        "sw_number"};
    char path[2048], line[1024];
    FILE *f;
    ecu_image *img;
    ecu_id *id;
    size_t files = 0, right = 0, total = 0;
    (void)state;
    snprintf(path, sizeof path, "%s/IDS-vag_me7.tsv", corpus_path(corpus, sizeof corpus));
    if (!(f = fopen(path, "r")))
        skip_without_corpus();
    img = ecu_image_new();
    id = ecu_id_new();
    while (fgets(line, sizeof line, f)) {
        char *col[6] = {0}, *p = line;
        size_t k;
        line[strcspn(line, "\r\n")] = '\0';
        for (k = 0; k < 6 && p; k++) {
            col[k] = p;
            p = strchr(p, '\t');
            if (p)
                *p++ = '\0';
        }
        if (!col[5] || strcmp(col[0], "file") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", corpus, col[0]);
        if (ecu_image_load_file(img, path) != ECU_OK)
            fail_msg("%s: %s", col[0], ecu_image_error_detail(img));
        assert_int_equal(ecu_id_analyze(id, ecu_image_data(img), ecu_image_size(img)), ECU_OK);
        files++;
        for (k = 0; k < 5; k++) {
            char want[512];
            const ecu_id_field *fl = ecu_id_get(id, keys[k]);
            trim(col[k + 1], want, sizeof want);
            total++;
            if (want[0] ? fl && strcmp(fl->value, want) == 0 : fl == NULL)
                right++;
            else
                print_message("%s: %s is '%s', expected '%s'\n", col[0], keys[k],
                              fl ? fl->value : "(none)", want);
        }
    }
    fclose(f);
    print_message("vag_me7: %zu of %zu identification fields right in %zu files\n", right, total,
                  files);
    assert_true(files > 0);
    assert_int_equal(right, total);
    ecu_image_free(img);
    ecu_id_free(id);
}

/* The rows of MANIFEST.tsv in folder @p folder (NULL: in every folder): their file names,
   NULL-terminated (free_list); NULL when there is no corpus. */
static char **folder_files(const char *folder)
{
    char path[2048], line[4096];
    char **list = NULL;
    size_t n = 0, flen = folder ? strlen(folder) : 0;
    FILE *f;
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", corpus_path(corpus, sizeof corpus));
    if (!(f = fopen(path, "r")))
        return NULL;
    while (fgets(line, sizeof line, f)) {
        char *tab = strchr(line, '\t'), **nl;
        if (!tab || (folder ? strncmp(line, folder, flen) != 0 || line[flen] != '/'
                            : strncmp(line, "file\t", 5) == 0))
            continue;
        *tab = '\0';
        nl = realloc(list, (n + 2) * sizeof *list);
        assert_non_null(nl);
        list = nl;
        list[n] = strdup(line);
        assert_non_null(list[n]);
        list[++n] = NULL;
    }
    fclose(f);
    return list;
}

static void free_list(char **list)
{
    size_t i;
    for (i = 0; list && list[i]; i++)
        free(list[i]);
    free(list);
}

static const char *family_of(const ecu_id *id)
{
    const ecu_id_field *f = ecu_id_get(id, "family");
    return f ? f->value : "";
}

static void test_subaru_rom_ids(void **state)
{
    char **files = folder_files("subaru_denso"), path[2048];
    ecu_image *img;
    ecu_id *id;
    size_t i, right = 0, claimed = 0, total = 0;
    (void)state;
    if (!files)
        skip_without_corpus();
    img = ecu_image_new();
    id = ecu_id_new();
    for (i = 0; files[i]; i++) {
        const ecu_id_field *f;
        char want[16];
        size_t size;
        total++;
        if (!corpus_subaru_rom_id(files[i], want))
            continue;
        snprintf(path, sizeof path, "%s/%s", corpus, files[i]);
        if (ecu_image_load_file(img, path) != ECU_OK)
            fail_msg("%s: %s", files[i], ecu_image_error_detail(img));
        size = ecu_image_size(img);
        assert_int_equal(ecu_id_analyze(id, ecu_image_data(img), size), ECU_OK);
        if (strcmp(family_of(id), "denso-subaru") != 0) {
            print_message("%s: not claimed as denso-subaru, no ROM ID checked\n", files[i]);
            continue;
        }
        claimed++;
        f = ecu_id_get(id, "cal_id");
        if (!f || strcmp(f->value, want) != 0)
            fail_msg("%s: cal_id '%s', expected '%s'", files[i], f ? f->value : "(none)", want);
        if (size == 160 * 1024 || size == 192 * 1024 ? f->offset != 0x200
                                                     : f->offset != 0x2000 && f->offset != 0x2004)
            fail_msg("%s: ROM ID at 0x%llX", files[i], (unsigned long long)f->offset);
        right++;
    }
    print_message("subaru_denso: %zu of %zu claimed dumps (%zu in the folder) carry the ROM ID "
                  "of their file name\n", right, claimed, total);
    assert_true(claimed > 0);
    assert_int_equal(right, claimed);
    free_list(files);
    ecu_image_free(img);
    ecu_id_free(id);
}

/* The digits that follow @p tag in @p s (case-insensitive), at most @p max, into @p out. */
static int digits_after(const char *s, const char *tag, char *out, size_t max)
{
    size_t tl = strlen(tag), k;
    for (; *s; s++) {
        if (strncasecmp(s, tag, tl) != 0)
            continue;
        for (k = 0; k < max && s[tl + k] >= '0' && s[tl + k] <= '9'; k++)
            out[k] = s[tl + k];
        out[k] = '\0';
        if (k)
            return 1;
    }
    return 0;
}

static void check_value(const ecu_id *id, const char *file, const char *key, const char *want)
{
    const ecu_id_field *f = ecu_id_get(id, key);
    if (!f || strcasecmp(f->value, want) != 0)
        fail_msg("%s: %s '%s', expected '%s'", file, key, f ? f->value : "(none)", want);
}

static void test_ms43_ids(void **state)
{
    char **files = folder_files("bmw_ms43"), path[2048];
    ecu_image *img;
    ecu_id *id;
    size_t i, dumps = 0, checked = 0;
    (void)state;
    if (!files)
        skip_without_corpus();
    img = ecu_image_new();
    id = ecu_id_new();
    for (i = 0; files[i]; i++) {
        const char *base = strrchr(files[i], '/');
        char num[32], want[40];
        base = base ? base + 1 : files[i];
        snprintf(path, sizeof path, "%s/%s", corpus, files[i]);
        if (ecu_image_load_file(img, path) != ECU_OK)
            fail_msg("%s: %s", files[i], ecu_image_error_detail(img));
        assert_int_equal(ecu_id_analyze(id, ecu_image_data(img), ecu_image_size(img)), ECU_OK);
        dumps++;
        if (strcmp(family_of(id), "siemens-ms43") != 0)
            fail_msg("%s: family '%s'", files[i], family_of(id));
        check_value(id, files[i], "ecu_type", "MS43");
        if (digits_after(base, "_MS43", num, 12) && strlen(num) >= 4) {
            snprintf(want, sizeof want, "43%s", num); /* MS43nnnn: program number 43nnnn */
            check_value(id, files[i], "sw_number", want);
            checked++;
        }
        if (digits_after(base, "ms43_", num, 7) && strlen(num) == 7) {
            check_value(id, files[i], "part_number", num);
            checked++;
        }
        if (digits_after(base, "5wk9", num, 6)) {
            snprintf(want, sizeof want, "5WK9%s", num);
            check_value(id, files[i], "hw_number", want);
            checked++;
        }
    }
    print_message("bmw_ms43: %zu identifiers from the file names found in %zu dumps\n", checked,
                  dumps);
    assert_true(checked >= dumps);
    free_list(files);
    ecu_image_free(img);
    ecu_id_free(id);
}

static void test_all_dumps(void **state)
{
    char **list = folder_files(NULL), path[2048];
    ecu_image *img;
    ecu_id *id;
    size_t files = 0, identified = 0, nfold = 0, k, d;
    struct {
        char name[64];
        size_t dumps, with_id;
    } fold[48];
    (void)state;
    if (!list)
        skip_without_corpus();
    img = ecu_image_new();
    id = ecu_id_new();
    for (d = 0; list[d]; d++) {
        const char *file = list[d];
        size_t i;
        snprintf(path, sizeof path, "%s/%s", corpus, file);
        if (ecu_image_load_file(img, path) != ECU_OK)
            continue;
        assert_int_equal(ecu_id_analyze(id, ecu_image_data(img), ecu_image_size(img)), ECU_OK);
        files++;
        identified += ecu_id_field_count(id) > 0;
        {
            /* the folder's count of dumps with an identifier beyond manufacturer and family */
            size_t fl = strcspn(file, "/"), beyond = 0;
            for (k = 0; k < nfold; k++)
                if (strlen(fold[k].name) == fl && strncmp(fold[k].name, file, fl) == 0)
                    break;
            if (k == nfold && nfold < sizeof fold / sizeof fold[0]) {
                snprintf(fold[k].name, sizeof fold[k].name, "%.*s", (int)fl, file);
                fold[k].dumps = fold[k].with_id = 0;
                nfold++;
            }
            for (i = 0; i < ecu_id_field_count(id); i++)
                beyond += strcmp(ecu_id_field_at(id, i)->key, "manufacturer") != 0 &&
                          strcmp(ecu_id_field_at(id, i)->key, "family") != 0;
            if (k < nfold) {
                fold[k].dumps++;
                fold[k].with_id += beyond > 0;
            }
        }
        for (i = 0; i < ecu_id_field_count(id); i++) {
            const ecu_id_field *fl = ecu_id_field_at(id, i);
            assert_true(fl->confidence <= 100);
            if (strcmp(fl->key, "sw_number") == 0)
                assert_string_not_equal(fl->value, "1037555072");
        }
    }
    free_list(list);
    print_message("%zu of %zu dumps identified\n", identified, files);
    for (k = 0; k < nfold; k++)
        print_message("  %-14s %2zu of %2zu dumps with an identifier beyond manufacturer and "
                      "family\n", fold[k].name, fold[k].with_id, fold[k].dumps);
    ecu_image_free(img);
    ecu_id_free(id);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vag_me7_ids),
        cmocka_unit_test(test_subaru_rom_ids),
        cmocka_unit_test(test_ms43_ids),
        cmocka_unit_test(test_all_dumps),
    };
    return cmocka_run_group_tests_name("corpus_id", tests, NULL, NULL);
}
