/* SPDX-License-Identifier: MIT */
/*
 * Identification over the real dumps of ../shared/corpus (or $ECU_CORPUS); skipped when the
 * folder is absent.
 * - IDS-vag_me7.tsv lists, for every vag_me7 dump, the EPK, part number, SW version, hardware
 *   and software numbers that ME7Sum's ECUID reader found: every one must be the best field
 *   of its key (values compared without leading/trailing spaces; an empty or all-space cell
 *   means the field must be absent).
 * - Every dump of every folder is identified without error, and no software number is the
 *   TC1793 constant 1037555072.
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

#include <ecu/ecu.h>

static char corpus[1024];

static const char *corpus_dir(void)
{
    const char *env = getenv("ECU_CORPUS");
    snprintf(corpus, sizeof corpus, "%s", env && *env ? env : ECU_CORPUS_DIR);
    return corpus;
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
    ecu_image *img = ecu_image_new();
    ecu_id *id = ecu_id_new();
    size_t files = 0, right = 0, total = 0;
    (void)state;
    snprintf(path, sizeof path, "%s/IDS-vag_me7.tsv", corpus_dir());
    if (!(f = fopen(path, "r"))) {
        print_message("corpus not found at %s: skipped\n", corpus);
        ecu_image_free(img);
        ecu_id_free(id);
        skip();
        return;
    }
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

static void test_all_dumps(void **state)
{
    char path[2048], line[1024];
    FILE *f;
    ecu_image *img = ecu_image_new();
    ecu_id *id = ecu_id_new();
    size_t files = 0, identified = 0;
    (void)state;
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", corpus_dir());
    if (!(f = fopen(path, "r"))) {
        print_message("corpus not found at %s: skipped\n", corpus);
        ecu_image_free(img);
        ecu_id_free(id);
        skip();
        return;
    }
    while (fgets(line, sizeof line, f)) {
        char *tab = strchr(line, '\t');
        size_t i;
        if (!tab || strncmp(line, "file\t", 5) == 0)
            continue;
        *tab = '\0';
        snprintf(path, sizeof path, "%s/%s", corpus, line);
        if (ecu_image_load_file(img, path) != ECU_OK)
            continue;
        assert_int_equal(ecu_id_analyze(id, ecu_image_data(img), ecu_image_size(img)), ECU_OK);
        files++;
        identified += ecu_id_field_count(id) > 0;
        for (i = 0; i < ecu_id_field_count(id); i++) {
            const ecu_id_field *fl = ecu_id_field_at(id, i);
            assert_true(fl->confidence <= 100);
            if (strcmp(fl->key, "sw_number") == 0)
                assert_string_not_equal(fl->value, "1037555072");
        }
    }
    fclose(f);
    print_message("%zu of %zu dumps identified\n", identified, files);
    ecu_image_free(img);
    ecu_id_free(id);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vag_me7_ids),
        cmocka_unit_test(test_all_dumps),
    };
    return cmocka_run_group_tests_name("corpus_id", tests, NULL, NULL);
}
