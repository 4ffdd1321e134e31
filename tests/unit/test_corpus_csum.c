/* SPDX-License-Identifier: MIT */
/*
 * Checksum families over the real dumps of ../shared/corpus (or $ECU_CORPUS); skipped when
 * the folder is absent. MANIFEST.tsv gives each dump's corpus family and the verdict that
 * independent checkers found:
 * - in a folder whose family is implemented, every dump with expected "ok" must verify with
 *   no bad block and the right family; every "bad" one must be reported bad, and its
 *   corrected copy must verify with only checksum bytes changed; every "none" one (a format
 *   with no checksum table) must be claimed by the folder's family with the verdict
 *   no-layout, never ok; "unknown" rows assert no verdict (the layout is not the one the
 *   checkers know);
 * - Subaru Denso dumps (whose ROM ID is the first token of the file name after the market and
 *   model folders) must name that ID in their detection evidence;
 * - in a detection-only folder (families with no known checksum layout; me7_other: Bosch ME7
 *   variants whose layout is not public, which bosch-me7-vag may recognise), a dump that a
 *   family claims must be its folder's family with the verdict no-layout, no block, and a fix
 *   that is refused and changes nothing (in me9_med9, a dump bosch-me9 lays out, MED9.5.10,
 *   must verify ok instead); which family claims each dump, or none, is printed;
 * - no dump of any other folder may be claimed by a family (no false detection).
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

/* corpus folder -> family that must claim its dumps ("a|b": any of these may claim them) */
static const struct {
    const char *folder, *family;
} implemented[] = {
    {"edc15", "bosch-edc15"},
    {"edc16", "bosch-edc16"},
    {"edc17", "bosch-edc17"},
    {"bmw_ms43", "siemens-ms43"},
    {"bmw_siemens", "siemens-ms43|siemens-ms42|siemens-ms45"},
    {"hitachi_nissan", "hitachi-nissan"},
    {"motronic_old", "bosch-m1x-bmw|bosch-dme-bmw|bosch-m43-volvo|bosch-m44-volvo|bosch-m3x-m5x"},
    {"subaru_denso", "denso-subaru"},
    {"vag_me7", "bosch-me7-vag"},
    {"volvo_me7", "bosch-me7-volvo"},
    {"delco_multec", "delphi-multec|delphi-multec-s"},
    {"marelli", "marelli-iaw-1ap|marelli-iaw-1av|marelli-iaw-4lv|marelli-mjd-6jf"},
    /* Bosch ME7 reads of other makers and variants (ME7.3.1 of Alfa Romeo and Fiat, BMW
       ME7.2, ...): an ME7 that bosch-me7-vag recognises, but of a variant whose checksum layout
       no public source gives, may be claimed only as no-layout (never bad: a false alarm on a
       stock read); its BMW ME7.2 data images are bosch-me72's (check_me7_other) */
    {"me7_other", "bosch-me7-vag|bosch-me72"},
    {"me9_med9", "bosch-me9"},
    {"keihin_honda", "keihin-honda"},
    {"simos_2_3", "siemens-simos23"},
    {"sid80x", "siemens-sid80x"},
    {"ppd1", "siemens-ppd1"},
};

/* folders whose families are identified only: no checksum layout is known for them (for
   me7_other: for the variants of its dumps) */
static const char *const detection_only[] = {"delco_multec", "marelli", "me7_other", "me9_med9",
                                             "keihin_honda", "simos_2_3", "sid80x", "ppd1", NULL};

/* detection-only folders whose family lays out one variant (bosch-me9: MED9.5.10, from
   olegm382/IronFelix vag_med95/module9.cpp): a dump it lays out (blocks found) must verify ok
   (the corpus holds stock reads), the signature included; every other stays no-layout */
static const char *const partly_laid_out[] = {"me9_med9", NULL};

/* folders whose "unknown" dumps (no independent oracle) must still be claimed by their family */
static const char *const claimed_unknown[] = {"hitachi_nissan", "me9_med9", "keihin_honda",
                                              "simos_2_3", "sid80x", "ppd1", NULL};

/* Whether @p folder is in the NULL-terminated @p list. */
static int listed(const char *const *list, const char *folder)
{
    for (; *list; list++)
        if (strcmp(*list, folder) == 0)
            return 1;
    return 0;
}

struct row {
    char file[1100];
    char folder[64];
    char expected[256];
};

static struct row *rows;
static size_t nrows;
static char corpus[1024];

static int load_manifest(void **state)
{
    char line[8192], path[1100];
    FILE *f;
    (void)state;
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", corpus_path(corpus, sizeof corpus));
    if (!(f = fopen(path, "r")))
        return 0;
    while (fgets(line, sizeof line, f)) {
        char *col[8] = {0}, *p = line;
        size_t k;
        struct row *r;
        for (k = 0; k < 8 && p; k++) {
            col[k] = p;
            p = strchr(p, '\t');
            if (p)
                *p++ = '\0';
        }
        if (!col[6] || strcmp(col[0], "file") == 0)
            continue;
        if (!(r = realloc(rows, (nrows + 1) * sizeof *rows)))
            break;
        rows = r;
        r = &rows[nrows++];
        snprintf(r->file, sizeof r->file, "%s", col[0]);
        snprintf(r->folder, sizeof r->folder, "%s", col[4]);
        snprintf(r->expected, sizeof r->expected, "%s", col[6]);
    }
    fclose(f);
    return 0;
}

static int free_manifest(void **state)
{
    (void)state;
    free(rows);
    return 0;
}

static const char *family_of_folder(const char *folder)
{
    size_t i;
    for (i = 0; i < sizeof implemented / sizeof implemented[0]; i++)
        if (strcmp(implemented[i].folder, folder) == 0)
            return implemented[i].family;
    return NULL;
}

/* Whether @p name is one of the families in the "a|b|c" list @p allowed. */
static int allowed_family(const char *allowed, const char *name)
{
    size_t n = strlen(name);
    const char *p = allowed;
    while ((p = strstr(p, name)) != NULL) {
        if ((p == allowed || p[-1] == '|') && (p[n] == '\0' || p[n] == '|'))
            return 1;
        p += n;
    }
    return 0;
}

/* Reports one dump's failure (every failing dump is listed before the test fails); returns 1. */
static int row_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int row_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "ERROR: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    return 1;
}

/* A Subaru Denso dump names the ROM ID of its file name in the detection evidence. */
static int check_subaru_id(const ecu_csum *cs, const char *file)
{
    char id[16];
    if (corpus_subaru_rom_id(file, id) && !strstr(ecu_csum_evidence(cs), id))
        return row_fail("%s: ROM ID %s not in the evidence \"%s\"", file, id,
                        ecu_csum_evidence(cs));
    return 0;
}

/* A fix of @p cs returns @p want (else fails with @p what) and leaves the image as it was. */
static int fix_refused(ecu_csum *cs, int want, const char *file, const char *what)
{
    size_t n;
    const uint8_t *before = ecu_csum_image(cs, &n);
    uint8_t *copy = malloc(n ? n : 1);
    int changed;
    assert_non_null(copy);
    memcpy(copy, before, n);
    if (ecu_csum_fix(cs) != want) {
        free(copy);
        return row_fail("%s: %s", file, what);
    }
    changed = memcmp(ecu_csum_image(cs, &n), copy, n) != 0;
    free(copy);
    return changed ? row_fail("%s: a refused fix changed the image", file) : 0;
}

struct tally {
    size_t ok, bad, none, other, nolayout, unclaimed;
};

/* ---- me7_other: the BMW ME7.2 data images (bosch-me72) -------------------------------------- */

/*
 * A dump of me7_other: the BMW ME7.2 64 KiB data images (their file names say ME7.2) must be
 * claimed by bosch-me72; the other dumps may be claimed only by bosch-me7-vag. A claim is
 * no-layout, with no block, and a fix is refused: 0, or 1 with the failure printed.
 */
static int check_me7_other(const struct row *r, ecu_csum *cs)
{
    const ecu_family_info *got = ecu_csum_family(cs);
    int me72 = strstr(r->file, "ME7.2") != NULL;
    print_message("%s: %s (%s)\n", r->file, got ? got->name : "unclaimed",
                  got ? ecu_csum_evidence(cs) : ecu_verdict_name(ecu_csum_verdict(cs)));
    if (me72 && (!got || strcmp(got->name, "bosch-me72") != 0))
        return row_fail("%s: %s, expected bosch-me72", r->file, got ? got->name : "not claimed");
    if (!me72 && got && strcmp(got->name, "bosch-me7-vag") != 0)
        return row_fail("%s: claimed by %s, expected bosch-me7-vag or nobody", r->file, got->name);
    if (!got)
        return 0;
    if (ecu_csum_verdict(cs) != ECU_VERDICT_NO_LAYOUT || ecu_csum_block_count(cs) != 0)
        return row_fail("%s: %s / %s, expected no-layout", r->file, got->name,
                        ecu_verdict_name(ecu_csum_verdict(cs)));
    return fix_refused(cs, ECU_ERR_INVALID, r->file, "a fix of a no-layout image was not refused");
}

/* Checks one dump (analysed in @p cs; @p img holds its bytes): 0, or 1 with the failure
   printed. */
static int check_row(const struct row *r, const ecu_image *img, ecu_csum *cs, struct tally *t)
{
    const char *want = family_of_folder(r->folder);
    const ecu_family_info *got = ecu_csum_family(cs);
    if (strcmp(r->folder, "me7_other") == 0)
        return check_me7_other(r, cs);
    if (!want) {
        /* not an implemented family: nobody may claim it */
        if (got)
            return row_fail("%s (%s): claimed by %s", r->file, r->folder, got->name);
        t->other++;
        return 0;
    }
    if (got && !allowed_family(want, got->name))
        return row_fail("%s (%s): claimed by %s, expected %s", r->file, r->folder, got->name,
                        want);
    if (listed(detection_only, r->folder)) {
        /* identified at most: never valid, never bad, never corrected */
        print_message("%s: %s (%s)\n", r->file, got ? got->name : "unclaimed",
                      got ? ecu_csum_evidence(cs) : ecu_verdict_name(ecu_csum_verdict(cs)));
        if (strcmp(r->expected, "unknown") != 0)
            return row_fail("%s: expected %s in a detection-only folder", r->file, r->expected);
        if (!got) {
            if (listed(claimed_unknown, r->folder))
                return row_fail("%s: not claimed, expected %s", r->file, want);
            if (ecu_csum_verdict(cs) != ECU_VERDICT_UNKNOWN)
                return row_fail("%s: verdict %s with no family", r->file,
                                ecu_verdict_name(ecu_csum_verdict(cs)));
            t->unclaimed++;
            return 0;
        }
        if (listed(partly_laid_out, r->folder) && ecu_csum_block_count(cs) != 0) {
            /* the variant whose layout is known: a stock read verifies, never bad */
            size_t kb, sig = 0;
            if (ecu_csum_verdict(cs) != ECU_VERDICT_OK || ecu_csum_bad_count(cs) != 0)
                return row_fail("%s: %s / %s, expected ok (a laid-out variant)", r->file,
                                got->name, ecu_verdict_name(ecu_csum_verdict(cs)));
            for (kb = 0; kb < ecu_csum_block_count(cs); kb++)
                sig += ecu_csum_block_at(cs, kb)->status == ECU_BLOCK_SIGNATURE;
            if (!sig)
                return row_fail("%s: laid out with no verified signature", r->file);
            t->ok++;
            return 0;
        }
        if (ecu_csum_verdict(cs) != ECU_VERDICT_NO_LAYOUT)
            return row_fail("%s: %s / %s, expected no-layout", r->file, got->name,
                            ecu_verdict_name(ecu_csum_verdict(cs)));
        if (ecu_csum_block_count(cs) != 0 || ecu_csum_bad_count(cs) != 0)
            return row_fail("%s: no-layout with blocks", r->file);
        if (fix_refused(cs, ECU_ERR_INVALID, r->file, "a fix of a no-layout image was not refused"))
            return 1;
        if (ecu_csum_verdict(cs) != ECU_VERDICT_NO_LAYOUT)
            return row_fail("%s: the verdict changed after a refused fix", r->file);
        t->nolayout++;
        return 0;
    }
    if (strcmp(r->expected, "ok") == 0) {
        if (!got)
            return row_fail("%s: no family, expected %s", r->file, want);
        if (ecu_csum_verdict(cs) != ECU_VERDICT_OK)
            return row_fail("%s: verdict %s, expected ok (%zu bad blocks)", r->file,
                            ecu_verdict_name(ecu_csum_verdict(cs)), ecu_csum_bad_count(cs));
        t->ok++;
    } else if (strncmp(r->expected, "bad", 3) == 0) {
        const uint8_t *fixed;
        size_t n, k, changed = 0, slot_bytes = 0;
        if (!got || ecu_csum_verdict(cs) != ECU_VERDICT_BAD)
            return row_fail("%s: %s / %s, expected bad", r->file, got ? got->name : "none",
                            ecu_verdict_name(ecu_csum_verdict(cs)));
        if (strstr(r->expected, "rsa")) {
            /* the oracle found the signature broken: reported, and never "corrected" (a
               signature cannot be recomputed), so the fix refuses and changes nothing */
            size_t kb, sigbad = 0;
            for (kb = 0; kb < ecu_csum_block_count(cs); kb++)
                sigbad += ecu_csum_block_at(cs, kb)->status == ECU_BLOCK_SIGNATURE_BAD;
            if (!sigbad)
                return row_fail("%s: the oracle found the RSA signature bad, no signature-bad "
                                "block", r->file);
            if (fix_refused(cs, ECU_ERR_UNFIXABLE, r->file,
                            "a fix with a bad signature was not refused"))
                return 1;
            t->bad++;
            return 0;
        }
        if (ecu_csum_fix(cs) != ECU_OK)
            return row_fail("%s: not corrected", r->file);
        fixed = ecu_csum_image(cs, &n);
        if (n != ecu_image_size(img))
            return row_fail("%s: the corrected copy has another size", r->file);
        for (k = 0; k < n; k++)
            changed += fixed[k] != ecu_image_data(img)[k];
        for (k = 0; k < ecu_csum_block_count(cs); k++)
            slot_bytes += ecu_csum_block_at(cs, k)->store_bytes;
        if (!(changed > 0 && changed <= slot_bytes))
            return row_fail("%s: the fix changed %zu bytes (slots: %zu bytes)", r->file,
                            changed, slot_bytes);
        /* the corrected copy verifies when analysed afresh */
        {
            uint8_t *copy = malloc(n);
            assert_non_null(copy);
            memcpy(copy, fixed, n);
            assert_int_equal(ecu_csum_analyze(cs, copy, n), ECU_OK);
            free(copy);
        }
        if (ecu_csum_verdict(cs) != ECU_VERDICT_OK)
            return row_fail("%s: corrected copy does not verify", r->file);
        t->bad++;
    } else if (listed(claimed_unknown, r->folder) && !got) {
        /* expected "unknown": no oracle, no verdict asserted, but claimed by the family */
        return row_fail("%s: not claimed, expected %s", r->file, want);
    }
    if (strcmp(r->expected, "none") == 0) {
        if (!got || ecu_csum_verdict(cs) != ECU_VERDICT_NO_LAYOUT)
            return row_fail("%s: %s / %s, expected %s with no layout", r->file,
                            got ? got->name : "none", ecu_verdict_name(ecu_csum_verdict(cs)),
                            want);
        if (ecu_csum_block_count(cs) != 0 || ecu_csum_fix(cs) != ECU_ERR_INVALID)
            return row_fail("%s: no-layout dump with blocks, or corrected", r->file);
        t->none++;
    }
    if (got && strcmp(r->folder, "subaru_denso") == 0)
        return check_subaru_id(cs, r->file);
    /* expected "unknown": no oracle, no verdict asserted */
    return 0;
}

static void test_corpus_bosch_verdicts(void **state)
{
    ecu_image *img = ecu_image_new();
    ecu_csum *cs = ecu_csum_new();
    struct tally t = {0, 0, 0, 0, 0, 0};
    size_t i, failed = 0;
    (void)state;
    if (!nrows) {
        print_message("corpus not found at %s: skipped\n", corpus);
        ecu_image_free(img);
        ecu_csum_free(cs);
        skip();
    }
    for (i = 0; i < nrows; i++) {
        const struct row *r = &rows[i];
        char path[2200];
        snprintf(path, sizeof path, "%s/%s", corpus, r->file);
        if (ecu_image_load_file(img, path) != ECU_OK)
            fail_msg("%s: %s", r->file, ecu_image_error_detail(img));
        assert_int_equal(ecu_csum_analyze(cs, ecu_image_data(img), ecu_image_size(img)), ECU_OK);
        failed += (size_t)check_row(r, img, cs, &t);
    }
    print_message("%zu ok, %zu bad and %zu no-layout dumps of implemented families checked, %zu "
                  "others not claimed; detection-only folders: %zu no-layout, %zu unclaimed; "
                  "%zu failed\n", t.ok, t.bad, t.none, t.other, t.nolayout, t.unclaimed, failed);
    ecu_image_free(img);
    ecu_csum_free(cs);
    if (failed)
        fail_msg("%zu of %zu dumps failed (listed above)", failed, nrows);
    assert_true(t.ok > 0 && t.bad > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus_bosch_verdicts),
    };
    return cmocka_run_group_tests_name("corpus_csum", tests, load_manifest, free_manifest);
}
