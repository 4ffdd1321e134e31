/* SPDX-License-Identifier: MIT */
/*
 * The checksum handle holds a loaded image's bytes instead of copying them (lib/core/hold.c):
 * the contract of ecu_csum_analyze (the caller may free its image at once, the handle's image
 * stays as analysed, ecu_csum_fix never writes the caller's bytes) must hold whichever way the
 * handle keeps the image. Over the synthetic ME7 fixtures (fixtures/csum/me7_vag.py): a good
 * 512 KiB image and its -bad variant (checksums wrong, correctable), loaded from the gzip'ed
 * fixture (malloc'd bytes) and from a raw temporary file (a read-only mapping, where a write
 * through the hold would crash). Under ASan every use after a release shows.
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp, fdopen */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ecu/csum.h"
#include "ecu/error.h"
#include "ecu/image.h"

#define GOOD ECU_FIXTURES_DIR "/csum/me7-vag-512k.bin.gz"
#define BAD ECU_FIXTURES_DIR "/csum/me7-vag-512k-bad.bin.gz"

/* The image of @p path (gzip'ed: malloc'd bytes) or, with @p raw, of a raw temporary copy
   of it (mapped); its bytes in *copy (malloc'd, the caller frees). */
static ecu_image *load(const char *path, int raw, uint8_t **copy, size_t *n, char *tmp)
{
    ecu_image *img = ecu_image_new();
    assert_non_null(img);
    assert_int_equal(ecu_image_load_file(img, path), ECU_OK);
    *n = ecu_image_size(img);
    assert_true(*n > 0);
    *copy = malloc(*n);
    assert_non_null(*copy);
    memcpy(*copy, ecu_image_data(img), *n);
    tmp[0] = '\0';
    if (raw) {
        int fd;
        FILE *f;
        strcpy(tmp, "/tmp/ecu-hold-XXXXXX");
        assert_true((fd = mkstemp(tmp)) >= 0);
        assert_non_null(f = fdopen(fd, "wb"));
        assert_int_equal(fwrite(*copy, 1, *n, f), *n);
        assert_int_equal(fclose(f), 0);
        assert_int_equal(ecu_image_load_file(img, tmp), ECU_OK);
        assert_int_equal(ecu_image_size(img), *n);
        assert_memory_equal(ecu_image_data(img), *copy, *n);
    }
    return img;
}

static void unload(ecu_image *img, uint8_t *copy, const char *tmp)
{
    ecu_image_free(img);
    free(copy);
    if (tmp[0])
        unlink(tmp);
}

/* The image freed right after the analysis: the handle's image is still the analysed bytes,
   and analysing it again (the handle's own image as input) gives the same verdict. */
static void freed_after_analysis(int raw)
{
    char tmp[32];
    uint8_t *copy;
    size_t n, m;
    ecu_csum *cs = ecu_csum_new();
    ecu_image *img = load(GOOD, raw, &copy, &n, tmp);
    const uint8_t *held;
    assert_non_null(cs);
    assert_int_equal(ecu_csum_analyze(cs, ecu_image_data(img), n), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    assert_ptr_equal(ecu_csum_image(cs, NULL), ecu_image_data(img)); /* held, not copied */
    ecu_image_free(img);
    img = NULL;
    held = ecu_csum_image(cs, &m);
    assert_int_equal(m, n);
    assert_memory_equal(held, copy, n);
    assert_int_equal(ecu_csum_analyze(cs, held, m), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    held = ecu_csum_image(cs, &m);
    assert_int_equal(m, n);
    assert_memory_equal(held, copy, n);
    ecu_csum_free(cs);
    free(copy);
    if (tmp[0])
        unlink(tmp);
}

static void test_freed_after_analysis_gz(void **state)
{
    (void)state;
    freed_after_analysis(0);
}

static void test_freed_after_analysis_mapped(void **state)
{
    (void)state;
    freed_after_analysis(1);
}

/* A correction writes the handle's own copy, never the loaded bytes (a read-only mapping for
   the raw file: a write there would crash), before and after the image is freed. */
static void fix_leaves_image(int raw, int free_first)
{
    char tmp[32];
    uint8_t *copy;
    size_t n, m;
    ecu_csum *cs = ecu_csum_new();
    ecu_image *img = load(BAD, raw, &copy, &n, tmp);
    const uint8_t *fixed;
    assert_non_null(cs);
    assert_int_equal(ecu_csum_analyze(cs, ecu_image_data(img), n), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    if (free_first) {
        ecu_image_free(img);
        img = NULL;
    }
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_FIXED);
    fixed = ecu_csum_image(cs, &m);
    assert_int_equal(m, n);
    assert_true(memcmp(fixed, copy, n) != 0); /* corrected... */
    if (img) {
        assert_ptr_not_equal(fixed, ecu_image_data(img));
        assert_memory_equal(ecu_image_data(img), copy, n); /* ...but not the loaded bytes */
    }
    /* the corrected image analysed again verifies */
    assert_int_equal(ecu_csum_analyze(cs, fixed, m), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    ecu_csum_free(cs);
    unload(img, copy, tmp);
}

static void test_fix_gz(void **state)
{
    (void)state;
    fix_leaves_image(0, 0);
}

static void test_fix_mapped(void **state)
{
    (void)state;
    fix_leaves_image(1, 0);
}

static void test_fix_after_free_gz(void **state)
{
    (void)state;
    fix_leaves_image(0, 1);
}

static void test_fix_after_free_mapped(void **state)
{
    (void)state;
    fix_leaves_image(1, 1);
}

/* Bytes that are not a loaded image's are copied: the caller may change them at once. */
static void test_caller_buffer_copied(void **state)
{
    char tmp[32];
    uint8_t *copy, *mine;
    size_t n, m;
    ecu_csum *cs = ecu_csum_new();
    ecu_image *img = load(BAD, 0, &copy, &n, tmp);
    (void)state;
    assert_non_null(cs);
    assert_non_null(mine = malloc(n));
    memcpy(mine, copy, n);
    assert_int_equal(ecu_csum_analyze(cs, mine, n), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    memset(mine, 0xA5, n);
    free(mine);
    assert_memory_equal(ecu_csum_image(cs, &m), copy, n);
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    ecu_csum_free(cs);
    unload(img, copy, tmp);
}

/* Two handles on one image, the image reloaded and freed in between; a prefix of the image is
   held too. Each handle keeps what it analysed. */
static void test_two_handles(void **state)
{
    char tmp[32];
    uint8_t *good, *bad;
    size_t n, nb, m;
    ecu_csum *a = ecu_csum_new(), *b = ecu_csum_new();
    ecu_image *img = load(GOOD, 0, &good, &n, tmp), *other = load(BAD, 0, &bad, &nb, tmp);
    (void)state;
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(ecu_csum_analyze(a, ecu_image_data(img), n), ECU_OK);
    assert_int_equal(ecu_csum_analyze(b, ecu_image_data(img), n / 2), ECU_OK);
    /* the image loads another file: both handles keep the first one's bytes */
    assert_int_equal(ecu_image_load_file(img, BAD), ECU_OK);
    assert_memory_equal(ecu_csum_image(a, &m), good, n);
    assert_int_equal(m, n);
    assert_memory_equal(ecu_csum_image(b, &m), good, n / 2);
    assert_int_equal(m, n / 2);
    /* a goes on to another image; b still has the first */
    assert_int_equal(ecu_csum_analyze(a, ecu_image_data(other), nb), ECU_OK);
    assert_int_equal(ecu_csum_verdict(a), ECU_VERDICT_BAD);
    ecu_image_free(img);
    ecu_image_free(other);
    assert_memory_equal(ecu_csum_image(b, &m), good, n / 2);
    assert_memory_equal(ecu_csum_image(a, &m), bad, nb);
    assert_int_equal(ecu_csum_fix(a), ECU_OK);
    assert_memory_equal(ecu_csum_image(b, &m), good, n / 2);
    ecu_csum_free(a);
    ecu_csum_free(b);
    free(good);
    free(bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_freed_after_analysis_gz),
        cmocka_unit_test(test_freed_after_analysis_mapped),
        cmocka_unit_test(test_fix_gz),
        cmocka_unit_test(test_fix_mapped),
        cmocka_unit_test(test_fix_after_free_gz),
        cmocka_unit_test(test_fix_after_free_mapped),
        cmocka_unit_test(test_caller_buffer_copied),
        cmocka_unit_test(test_two_handles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
