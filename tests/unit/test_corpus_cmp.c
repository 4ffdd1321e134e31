/* SPDX-License-Identifier: MIT */
/*
 * Loader and comparer over the real dumps of ../shared/corpus (or $ECU_CORPUS). Skipped
 * when the folder is absent. Every dump listed in MANIFEST.tsv must load as raw data of
 * the listed size and compare identical with itself; then each read fault is injected into
 * a copy, and the comparison must name exactly that fault (and nothing else) for that read.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include <ecu/ecu.h>

#include "corpus_util.h"

struct dump {
    char path[2200];
    char name[1100];
    size_t bytes;
};

static struct dump *dumps;
static size_t ndumps;
static char corpus[1024];

static int load_manifest(void **state)
{
    char line[1024], path[1100];
    FILE *f;
    struct stat st;
    (void)state;
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", corpus_path(corpus, sizeof corpus));
    if (stat(corpus, &st) != 0 || !(f = fopen(path, "r")))
        return 0; /* no corpus: the tests skip */
    while (fgets(line, sizeof line, f)) {
        char *file = strtok(line, "\t"), *bytes = strtok(NULL, "\t");
        struct dump *d;
        if (!file || !bytes || strcmp(file, "file") == 0)
            continue;
        d = realloc(dumps, (ndumps + 1) * sizeof *dumps);
        if (!d)
            break;
        dumps = d;
        d = &dumps[ndumps++];
        snprintf(d->path, sizeof d->path, "%s/%s", corpus, file);
        snprintf(d->name, sizeof d->name, "%s", file);
        d->bytes = (size_t)strtoull(bytes, NULL, 10);
    }
    fclose(f);
    return 0;
}

static int free_manifest(void **state)
{
    (void)state;
    free(dumps);
    return 0;
}

#define SKIP_WITHOUT_CORPUS()                                                        \
    do {                                                                             \
        if (!ndumps) {                                                               \
            print_message("corpus not found at %s: skipped\n", corpus);             \
            skip();                                                                  \
        }                                                                            \
    } while (0)

static ecu_cmp *cmp_handle;

/* Compares ref and read; returns the kinds reported as a bit set, the first in *first. */
static unsigned diagnose(const uint8_t *a, size_t na, const uint8_t *b, size_t nb,
                         const ecu_cmp_diag **first)
{
    const uint8_t *data[2] = {a, b};
    size_t size[2] = {na, nb}, i;
    unsigned kinds = 0;
    assert_int_equal(ecu_cmp_run(cmp_handle, 2, data, size), ECU_OK);
    assert_false(ecu_cmp_identical(cmp_handle));
    for (i = 0; i < ecu_cmp_diag_count(cmp_handle); i++) {
        const ecu_cmp_diag *d = ecu_cmp_diag_at(cmp_handle, i);
        kinds |= 1u << d->kind;
        if (i == 0 && first)
            *first = d;
    }
    return kinds;
}

/* Offset of an informative 4 KiB block (many distinct byte values, little fill) at or after
   @p from, or SIZE_MAX. A shift inside constant filler is invisible, so tests need data. */
static size_t data_block(const uint8_t *p, size_t n, size_t from)
{
    size_t at, i;
    for (at = from & ~(size_t)0xFFF; at + 0x1000 <= n; at += 0x1000) {
        size_t blank = 0, distinct = 0;
        uint8_t seen[256] = {0};
        for (i = 0; i < 0x1000; i++) {
            blank += p[at + i] == 0xFF || p[at + i] == 0x00;
            distinct += !seen[p[at + i]];
            seen[p[at + i]] = 1;
        }
        if (blank < 0x400 && distinct >= 64)
            return at;
    }
    return SIZE_MAX;
}

static void each_dump(void (*check)(const struct dump *, const uint8_t *, size_t))
{
    size_t i;
    ecu_image *img = ecu_image_new();
    assert_non_null(img);
    cmp_handle = ecu_cmp_new();
    assert_non_null(cmp_handle);
    for (i = 0; i < ndumps; i++) {
        int rc = ecu_image_load_file(img, dumps[i].path);
        if (rc != ECU_OK)
            fail_msg("%s: %s", dumps[i].name, ecu_image_error_detail(img));
        if (ecu_image_size(img) != dumps[i].bytes)
            fail_msg("%s: loaded %zu bytes, manifest says %zu", dumps[i].name,
                     ecu_image_size(img), dumps[i].bytes);
        /* raw ECU dumps, never mistaken for a text format */
        if (ecu_image_format(img) != ECU_FORMAT_RAW)
            fail_msg("%s: detected as %s", dumps[i].name, ecu_format_name(ecu_image_format(img)));
        check(&dumps[i], ecu_image_data(img), ecu_image_size(img));
    }
    ecu_cmp_free(cmp_handle);
    cmp_handle = NULL;
    ecu_image_free(img);
}

static void check_self(const struct dump *d, const uint8_t *p, size_t n)
{
    const uint8_t *data[3] = {p, p, p};
    size_t size[3] = {n, n, n}, cs;
    int err;
    assert_int_equal(ecu_cmp_run(cmp_handle, 2, data, size), ECU_OK);
    if (!ecu_cmp_identical(cmp_handle) || ecu_cmp_diag_count(cmp_handle))
        fail_msg("%s: not identical with itself", d->name);
    assert_int_equal(ecu_cmp_run(cmp_handle, 3, data, size), ECU_OK);
    assert_non_null(ecu_cmp_consensus(cmp_handle, &cs, &err));
    assert_int_equal(cs, n);
}

static void expect_only(const struct dump *d, const char *what, unsigned kinds, ecu_cmp_diag_kind want)
{
    if (kinds != 1u << want)
        fail_msg("%s: %s: diagnosed kinds 0x%X, expected only %s", d->name, what, kinds,
                 ecu_cmp_diag_kind_name(want));
}

static void check_faults(const struct dump *d, const uint8_t *p, size_t n)
{
    uint8_t *q = malloc(n + 16);
    const ecu_cmp_diag *first = NULL;
    size_t i, at, cut = n >= 0x40000 ? 0x10000 : n / 8;
    unsigned kinds;
    assert_non_null(q);

    /* boot sector missing from the read */
    kinds = diagnose(p, n, p + cut, n - cut, &first);
    expect_only(d, "missing prefix", kinds, ECU_DIAG_MISSING_PREFIX);
    assert_int_equal(first->length, cut);
    assert_int_equal(first->read, 1);

    /* read stopped early */
    kinds = diagnose(p, n, p, n - cut, &first);
    expect_only(d, "truncated", kinds, ECU_DIAG_TRUNCATED);
    assert_int_equal(first->offset, n - cut);

    /* EPROM reader swapped bytes in 16-bit words */
    for (i = 0; i + 1 < n; i += 2) {
        q[i] = p[i + 1];
        q[i + 1] = p[i];
    }
    kinds = diagnose(p, n, q, n, NULL);
    expect_only(d, "swap16", kinds, ECU_DIAG_SWAP16);

    /* data line stuck low: bit 5 always 0 in odd bytes */
    for (i = 0; i < n; i++)
        q[i] = (i & 1) ? (uint8_t)(p[i] & ~0x20) : p[i];
    kinds = diagnose(p, n, q, n, &first);
    expect_only(d, "stuck bit", kinds, ECU_DIAG_STUCK_BIT);
    assert_int_equal(first->bit, 5);
    assert_int_equal(first->value, 0);
    assert_int_equal(first->lanes, 0xA);
    assert_int_equal(first->read, 1);

    /* one byte lost in the middle of a data area; the read is padded with 0xFF */
    at = data_block(p, n, n / 2);
    if (at == SIZE_MAX)
        at = data_block(p, n, 0);
    if (at != SIZE_MAX) {
        at += 0x800;
        memcpy(q, p, at);
        memcpy(q + at, p + at + 1, n - at - 1);
        q[n - 1] = 0xFF;
        kinds = diagnose(p, n, q, n, &first);
        expect_only(d, "shifted", kinds, ECU_DIAG_SHIFTED);
        if (first->shift != 1)
            fail_msg("%s: shift %lld found, byte dropped at 0x%zX", d->name,
                     (long long)first->shift, at);
        /* the first differing offset is `at`, or later when the lost byte repeats there:
           every byte in between equals its successor */
        for (i = at; i < first->offset && i + 1 < n && p[i] == p[i + 1]; i++)
            ;
        if (first->offset < at || i != first->offset)
            fail_msg("%s: shift found at 0x%llX, byte dropped at 0x%zX", d->name,
                     (unsigned long long)first->offset, at);

        /* a 4 KiB data block read back blank */
        at -= 0x800;
        memcpy(q, p, n);
        memset(q + at, 0xFF, 0x1000);
        kinds = diagnose(p, n, q, n, &first);
        expect_only(d, "blank", kinds, ECU_DIAG_BLANK);
        assert_true(first->offset >= at && first->offset + first->length <= at + 0x1000);
        assert_true(first->length > 0x800);
    }
    free(q);
}

static void test_corpus_loads_and_self_compares(void **state)
{
    (void)state;
    SKIP_WITHOUT_CORPUS();
    each_dump(check_self);
    print_message("%zu dumps loaded and compared with themselves\n", ndumps);
}

static void test_corpus_fault_diagnoses(void **state)
{
    (void)state;
    SKIP_WITHOUT_CORPUS();
    each_dump(check_faults);
    print_message("%zu dumps: missing prefix, truncation, swap16, stuck bit, shift, blank\n", ndumps);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus_loads_and_self_compares),
        cmocka_unit_test(test_corpus_fault_diagnoses),
    };
    return cmocka_run_group_tests_name("corpus_cmp", tests, load_manifest, free_manifest);
}
