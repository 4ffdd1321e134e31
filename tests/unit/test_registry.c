/* SPDX-License-Identifier: MIT */
/*
 * The family registry (lib/registry.c) and the family descriptors (lib/core/family.h): every
 * descriptor is whole, the magics a family declares are checked before its detection, and a
 * family claims no image whose magics are missing. The images are every synthetic fixture of
 * fixtures/csum/ (written by the generators there from the documented layouts).
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ecu/ecu.h>

#include "registry.h"

/* Every descriptor: a unique name, its texts, sizes in order, a detection, magics listed
   without gaps, and a forced-only family that no detection can reach. */
static void test_descriptors(void **state)
{
    size_t i, k, nmagic = 0;
    (void)state;
    assert_true(ecu__nfamilies == ecu_family_count());
    for (i = 0; i < ecu__nfamilies; i++) {
        const struct family *f = ecu__families[i];
        assert_non_null(f->info.name);
        assert_non_null(f->info.manufacturer);
        assert_non_null(f->info.description);
        assert_non_null(f->info.verifies);
        assert_non_null(f->info.corrects);
        assert_non_null(f->info.sources);
        assert_true(f->info.sources[0] != '\0');
        assert_true(f->min_size <= f->max_size);
        assert_non_null(f->detect);
        assert_ptr_equal(ecu__find_family(f->info.name), f);
        assert_ptr_equal(ecu_family_at(i), &f->info);
        for (k = 0; k < i; k++)
            assert_string_not_equal(ecu__families[k]->info.name, f->info.name);
        for (k = 0; k < ECU_FAMILY_MAX_MAGICS && f->magics[k].len; k++) {
            assert_non_null(f->magics[k].bytes);
            assert_true(f->magics[k].off + f->magics[k].len <= f->max_size);
            nmagic++;
        }
        for (; k < ECU_FAMILY_MAX_MAGICS; k++)
            assert_int_equal(f->magics[k].len, 0);
        if (f->forced_only)
            assert_ptr_equal(f->detect, ecu__detect_never);
    }
    assert_null(ecu__find_family("no-such-family"));
    assert_null(ecu_family_at(ecu__nfamilies));
    assert_true(nmagic > 0);
}

/* ecu__magics_ok: any one magic suffices, each must lie wholly in the image. */
static void test_magics_ok(void **state)
{
    struct family f;
    uint8_t img[16] = {0};
    (void)state;
    memset(&f, 0, sizeof f);
    assert_true(ecu__magics_ok(&f, img, sizeof img)); /* none declared */
    f.magics[0] = (struct family_magic){12, "ABCD", 4};
    f.magics[1] = (struct family_magic){2, "xy", 2};
    assert_false(ecu__magics_ok(&f, img, sizeof img));
    memcpy(img + 12, "ABCD", 4);
    assert_true(ecu__magics_ok(&f, img, sizeof img));
    assert_false(ecu__magics_ok(&f, img, 15)); /* the magic runs past the end */
    assert_false(ecu__magics_ok(&f, img, 0));
    memcpy(img + 2, "xy", 2);
    assert_true(ecu__magics_ok(&f, img, 15)); /* the second one */
    img[3] = 'z';
    assert_false(ecu__magics_ok(&f, img, 15));
}

/* Whether @p f is among the probe's candidates. */
static int candidate(const struct ecu__probe *p, const struct family *f)
{
    size_t i;
    for (i = 0; i < p->ncand; i++)
        if (p->cand[i].f == f)
            return 1;
    return 0;
}

/* Every fixture a family with magics claims meets them; with each magic's first byte changed,
   the family no longer claims it. */
static void test_magics_gate_detection(void **state)
{
    char dir[1024], path[2048];
    DIR *dp;
    struct dirent *e;
    ecu_image *img = ecu_image_new();
    size_t claimed = 0, images = 0;
    (void)state;
    snprintf(dir, sizeof dir, "%s/csum", ECU_FIXTURES_DIR);
    assert_non_null(img);
    assert_non_null(dp = opendir(dir));
    while ((e = readdir(dp)) != NULL) {
        struct ecu__probe p;
        const struct family *f;
        uint8_t *copy;
        size_t n, k;
        if (!strstr(e->d_name, ".bin"))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        assert_int_equal(ecu_image_load_file(img, path), ECU_OK);
        images++;
        n = ecu_image_size(img);
        ecu__probe(ecu_image_data(img), n, &p);
        if (!(f = p.family) || !f->magics[0].len)
            continue;
        claimed++;
        assert_true(ecu__magics_ok(f, ecu_image_data(img), n));
        assert_non_null(copy = malloc(n));
        for (k = 0; k < ECU_FAMILY_MAX_MAGICS && f->magics[k].len; k++) {
            memcpy(copy, ecu_image_data(img), n);
            copy[f->magics[k].off] ^= 0x01;
            if (ecu__magics_ok(f, copy, n))
                continue; /* another magic still holds */
            ecu__probe(copy, n, &p);
            if (candidate(&p, f))
                fail_msg("%s: %s claims it without its magic at 0x%llX", e->d_name,
                         f->info.name, (unsigned long long)f->magics[k].off);
        }
        free(copy);
    }
    closedir(dp);
    ecu_image_free(img);
    print_message("%zu fixtures, %zu claimed by a family with magics\n", images, claimed);
    assert_true(images > 0 && claimed > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_descriptors),
        cmocka_unit_test(test_magics_ok),
        cmocka_unit_test(test_magics_gate_detection),
    };
    return cmocka_run_group_tests_name("registry", tests, NULL, NULL);
}
