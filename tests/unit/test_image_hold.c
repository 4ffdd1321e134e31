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
#define _DEFAULT_SOURCE         /* mincore */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

/* ---- kept read buffers (ecu_image_set_reuse) ------------------------------------------- */

/* Writes @p n bytes to a new temporary file named in @p tmp (32 bytes). */
static void write_tmp(const uint8_t *d, size_t n, char *tmp)
{
    int fd;
    FILE *f;
    strcpy(tmp, "/tmp/ecu-keep-XXXXXX");
    assert_true((fd = mkstemp(tmp)) >= 0);
    assert_non_null(f = fdopen(fd, "wb"));
    assert_int_equal(fwrite(d, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

/* The good and bad images' bytes (from the gzip'ed fixtures) as raw temporary files. */
static void raw_pair(uint8_t **good, size_t *n, char *tgood, uint8_t **bad, size_t *nb, char *tbad)
{
    char none[32];
    ecu_image *a = load(GOOD, 0, good, n, none), *b = load(BAD, 0, bad, nb, none);
    ecu_image_free(a);
    ecu_image_free(b);
    write_tmp(*good, *n, tgood);
    write_tmp(*bad, *nb, tbad);
}

/* A handle that reuses its buffers: a buffer the checksum handle holds is never written; the
   other one is used, and the first again once the checksum handle lets go of it (the same
   address); freeing the image leaves the held bytes to the checksum handle. */
static void test_reuse_held_buffer_kept(void **state)
{
    char tg[32], tb[32];
    uint8_t *good, *bad;
    const uint8_t *first, *second;
    size_t n, nb, m;
    ecu_csum *cs = ecu_csum_new();
    ecu_image *img = ecu_image_new();
    (void)state;
    assert_non_null(cs);
    assert_non_null(img);
    raw_pair(&good, &n, tg, &bad, &nb, tb);
    assert_int_equal(ecu_image_set_reuse(img, 1), ECU_OK);
    assert_int_equal(ecu_image_load_file(img, tg), ECU_OK);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_RAW);
    assert_int_equal(ecu_image_size(img), n);
    assert_memory_equal(ecu_image_data(img), good, n);
    first = ecu_image_data(img);
    assert_int_equal(ecu_csum_analyze(cs, first, n), ECU_OK);
    assert_ptr_equal(ecu_csum_image(cs, NULL), first); /* held, not copied */
    /* the next file goes to the other buffer: the held one keeps the good image */
    assert_int_equal(ecu_image_load_file(img, tb), ECU_OK);
    second = ecu_image_data(img);
    assert_ptr_not_equal(second, first);
    assert_memory_equal(second, bad, nb);
    assert_memory_equal(ecu_csum_image(cs, &m), good, n);
    assert_int_equal(m, n);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    /* the handle goes on to the bad image: the first buffer is free again and reused */
    assert_int_equal(ecu_csum_analyze(cs, second, nb), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    assert_int_equal(ecu_image_load_file(img, tg), ECU_OK);
    assert_ptr_equal(ecu_image_data(img), first);
    assert_memory_equal(ecu_image_data(img), good, n);
    assert_memory_equal(ecu_csum_image(cs, &m), bad, nb);
    /* the image freed: the held bytes stay the checksum handle's, and a fix copies them */
    ecu_image_free(img);
    assert_memory_equal(ecu_csum_image(cs, &m), bad, nb);
    assert_int_equal(m, nb);
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    assert_int_equal(ecu_csum_analyze(cs, ecu_csum_image(cs, NULL), nb), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    ecu_csum_free(cs);
    unlink(tg);
    unlink(tb);
    free(good);
    free(bad);
}

/* Both buffers held (two checksum handles): the next file is loaded all the same (mapped),
   and neither held image changes; reuse turned off frees what no one holds. */
static void test_reuse_both_held(void **state)
{
    char tg[32], tb[32];
    uint8_t *good, *bad;
    size_t n, nb, m;
    ecu_csum *a = ecu_csum_new(), *b = ecu_csum_new();
    ecu_image *img = ecu_image_new();
    (void)state;
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(img);
    raw_pair(&good, &n, tg, &bad, &nb, tb);
    assert_int_equal(ecu_image_set_reuse(img, 1), ECU_OK);
    assert_int_equal(ecu_image_load_file(img, tg), ECU_OK);
    assert_int_equal(ecu_csum_analyze(a, ecu_image_data(img), n), ECU_OK);
    assert_int_equal(ecu_image_load_file(img, tb), ECU_OK);
    assert_int_equal(ecu_csum_analyze(b, ecu_image_data(img), nb), ECU_OK);
    assert_int_equal(ecu_image_load_file(img, tg), ECU_OK);
    assert_ptr_not_equal(ecu_image_data(img), ecu_csum_image(a, NULL));
    assert_ptr_not_equal(ecu_image_data(img), ecu_csum_image(b, NULL));
    assert_memory_equal(ecu_image_data(img), good, n);
    assert_memory_equal(ecu_csum_image(a, &m), good, n);
    assert_memory_equal(ecu_csum_image(b, &m), bad, nb);
    assert_int_equal(ecu_image_load_file(img, tb), ECU_OK); /* (the mapping goes) */
    assert_memory_equal(ecu_image_data(img), bad, nb);
    assert_int_equal(ecu_image_set_reuse(img, 0), ECU_OK);
    assert_memory_equal(ecu_image_data(img), bad, nb); /* (not a kept buffer: stays) */
    assert_memory_equal(ecu_csum_image(a, &m), good, n);
    assert_memory_equal(ecu_csum_image(b, &m), bad, nb);
    ecu_csum_free(a); /* the last holder of a given-away buffer frees it (ASan: no leak) */
    assert_int_equal(ecu_image_load_file(img, tg), ECU_OK);
    assert_memory_equal(ecu_image_data(img), good, n);
    ecu_image_free(img);
    assert_memory_equal(ecu_csum_image(b, &m), bad, nb);
    ecu_csum_free(b);
    unlink(tg);
    unlink(tb);
    free(good);
    free(bad);
}

/* Reuse on a file that is a kept buffer's data, turned off: the image is emptied (its bytes
   went with the buffer); on a null handle: refused. */
static void test_reuse_off_empties(void **state)
{
    char tg[32], tb[32];
    uint8_t *good, *bad;
    size_t n, nb;
    ecu_image *img = ecu_image_new();
    (void)state;
    assert_non_null(img);
    assert_int_equal(ecu_image_set_reuse(NULL, 1), ECU_ERR_INVALID);
    raw_pair(&good, &n, tg, &bad, &nb, tb);
    assert_int_equal(ecu_image_set_reuse(img, 1), ECU_OK);
    assert_int_equal(ecu_image_load_file(img, tg), ECU_OK);
    assert_int_equal(ecu_image_set_reuse(img, 1), ECU_OK); /* (again: nothing changes) */
    assert_memory_equal(ecu_image_data(img), good, n);
    assert_int_equal(ecu_image_set_reuse(img, 0), ECU_OK);
    assert_null(ecu_image_data(img));
    assert_int_equal(ecu_image_size(img), 0);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_UNKNOWN);
    assert_int_equal(ecu_image_load_file(img, tb), ECU_OK);
    assert_memory_equal(ecu_image_data(img), bad, nb);
    ecu_image_free(img);
    unlink(tg);
    unlink(tb);
    free(good);
    free(bad);
}

/* With and without reuse, every load gives the same image or the same error: raw, gzip'ed
   (the kept buffer holds the compressed bytes), Intel HEX, damaged HEX, empty, over the span
   limit, a truncated gzip stream. */
static void test_reuse_same_result(void **state)
{
    static const char hex_ok[] = ":0400000001020304F2\n:00000001FF\n";
    static const char hex_bad[] = ":0400000001020304F3\n:00000001FF\n"; /* checksum off */
    char t[7][32];
    uint8_t *good, *bad, *gz;
    size_t n, nb, gzn, i;
    long len;
    FILE *f;
    (void)state;
    raw_pair(&good, &n, t[0], &bad, &nb, t[1]);
    /* the gzip'ed fixture's bytes, whole and cut short */
    assert_non_null(f = fopen(GOOD, "rb"));
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    assert_true((len = ftell(f)) > 64);
    rewind(f);
    gzn = (size_t)len;
    assert_non_null(gz = malloc(gzn));
    assert_int_equal(fread(gz, 1, gzn, f), gzn);
    fclose(f);
    write_tmp(gz, gzn, t[2]);
    write_tmp(gz, gzn / 2, t[3]);
    write_tmp((const uint8_t *)hex_ok, sizeof hex_ok - 1, t[4]);
    write_tmp((const uint8_t *)hex_bad, sizeof hex_bad - 1, t[5]);
    write_tmp(good, 0, t[6]);
    for (i = 0; i < 7; i++) {
        ecu_image *plain = ecu_image_new(), *kept = ecu_image_new();
        int r1, r2, pass;
        assert_non_null(plain);
        assert_non_null(kept);
        assert_int_equal(ecu_image_set_reuse(kept, 1), ECU_OK);
        for (pass = 0; pass < 3; pass++) { /* (fresh buffers, then reused ones) */
            if (pass == 2) { /* and over the span limit */
                ecu_image_set_max_span(plain, 3);
                ecu_image_set_max_span(kept, 3);
            }
            r1 = ecu_image_load_file(plain, t[i]);
            r2 = ecu_image_load_file(kept, t[i]);
            assert_int_equal(r1, r2);
            assert_string_equal(ecu_image_error_detail(plain), ecu_image_error_detail(kept));
            assert_int_equal(ecu_image_size(plain), ecu_image_size(kept));
            assert_int_equal(ecu_image_format(plain), ecu_image_format(kept));
            assert_int_equal(ecu_image_compressed(plain), ecu_image_compressed(kept));
            assert_int_equal(ecu_image_base(plain), ecu_image_base(kept));
            if (ecu_image_size(plain))
                assert_memory_equal(ecu_image_data(plain), ecu_image_data(kept), ecu_image_size(plain));
        }
        /* the expected outcomes, so that the comparison cannot pass on two equal failures */
        if (i == 0 || i == 2)
            assert_int_equal(r1, ECU_ERR_TOO_LARGE);
        ecu_image_free(plain);
        ecu_image_free(kept);
    }
    {
        ecu_image *kept = ecu_image_new();
        const int want[7] = {ECU_OK, ECU_OK, ECU_OK, -1, ECU_OK, -1, ECU_ERR_EMPTY};
        assert_non_null(kept);
        ecu_image_set_reuse(kept, 1);
        for (i = 0; i < 7; i++) {
            int r = ecu_image_load_file(kept, t[i]);
            if (want[i] == -1)
                assert_int_not_equal(r, ECU_OK);
            else
                assert_int_equal(r, want[i]);
        }
        assert_int_equal(ecu_image_load_file(kept, t[2]), ECU_OK);
        assert_int_equal(ecu_image_size(kept), n);
        assert_memory_equal(ecu_image_data(kept), good, n);
        assert_int_equal(ecu_image_load_file(kept, t[4]), ECU_OK);
        assert_int_equal(ecu_image_size(kept), 4);
        assert_memory_equal(ecu_image_data(kept), "\x01\x02\x03\x04", 4);
        ecu_image_free(kept);
    }
    for (i = 0; i < 7; i++)
        unlink(t[i]);
    free(gz);
    free(good);
    free(bad);
}

/* ---- deferred unmapping (ecu_image_defer_unmap) ---------------------------------------- */

/* Whether the page holding @p p is mapped (mincore fails with ENOMEM where nothing is). */
static int mapped(const void *p)
{
    unsigned char v;
    uintptr_t page = (uintptr_t)p & ~((uintptr_t)sysconf(_SC_PAGESIZE) - 1);
    return mincore((void *)page, 1, &v) == 0;
}

/* The bytes of the raw file @p path as a new handle loaded them (mapped), the handle freed;
   their first byte is checked against @p first. */
static const uint8_t *load_free(const char *path, uint8_t first)
{
    ecu_image *img = ecu_image_new();
    const uint8_t *d;
    assert_non_null(img);
    assert_int_equal(ecu_image_load_file(img, path), ECU_OK);
    d = ecu_image_data(img);
    assert_int_equal(d[0], first);
    ecu_image_free(img);
    return d;
}

/* Mappings let go are unmapped at once by default; with deferral they stay (and stay
   readable) within the byte budget and the count of 256, the oldest going first; a mapping
   over the budget goes at once; a lower budget unmaps what passes it, 0 everything. */
static void test_defer_unmap(void **state)
{
    enum { SZ = 64 * 1024 };
    static uint8_t buf[SZ];
    char t[3][32];
    const uint8_t *a, *b, *c, *first, *last = NULL;
    int i;
    (void)state;
    for (i = 0; i < 3; i++) {
        memset(buf, 0x10 + i, sizeof buf);
        write_tmp(buf, sizeof buf, t[i]);
    }
    a = load_free(t[0], 0x10);
    assert_false(mapped(a));

    ecu_image_defer_unmap(3 * SZ / 2); /* room for one mapping, not two */
    a = load_free(t[0], 0x10);
    assert_true(mapped(a));
    assert_int_equal(a[SZ - 1], 0x10); /* (still the file's bytes) */
    b = load_free(t[1], 0x11);
    assert_true(mapped(b));
    assert_false(mapped(a));
    ecu_image_defer_unmap(SZ / 2); /* b passes the lower budget */
    assert_false(mapped(b));
    c = load_free(t[2], 0x12); /* larger than the budget: at once */
    assert_false(mapped(c));

    ecu_image_defer_unmap((size_t)1 << 30);
    first = load_free(t[0], 0x10);
    for (i = 1; i < 256; i++)
        last = load_free(t[i % 3], (uint8_t)(0x10 + i % 3));
    assert_true(mapped(first)); /* 256 kept */
    assert_true(mapped(last));
    c = load_free(t[1], 0x11); /* the 257th: the oldest goes */
    assert_false(mapped(first));
    assert_true(mapped(last));
    assert_true(mapped(c));
    ecu_image_defer_unmap(0);
    assert_false(mapped(last));
    assert_false(mapped(c));
    a = load_free(t[0], 0x10); /* off again */
    assert_false(mapped(a));
    for (i = 0; i < 3; i++)
        unlink(t[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defer_unmap),
        cmocka_unit_test(test_freed_after_analysis_gz),
        cmocka_unit_test(test_freed_after_analysis_mapped),
        cmocka_unit_test(test_fix_gz),
        cmocka_unit_test(test_fix_mapped),
        cmocka_unit_test(test_fix_after_free_gz),
        cmocka_unit_test(test_fix_after_free_mapped),
        cmocka_unit_test(test_caller_buffer_copied),
        cmocka_unit_test(test_two_handles),
        cmocka_unit_test(test_reuse_held_buffer_kept),
        cmocka_unit_test(test_reuse_both_held),
        cmocka_unit_test(test_reuse_off_empties),
        cmocka_unit_test(test_reuse_same_result),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
