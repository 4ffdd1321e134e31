/* SPDX-License-Identifier: MIT */
/*
 * Identification (ecu/id.h) of the families that are not Bosch (each family's `identify` in
 * lib/families/), on the synthetic images of fixtures/csum (their generators place each ident: denso.py,
 * siemens_ms4x.py, hitachi.py, continental.py, delphi_marelli.py) and on copies of them
 * changed here: every field's value and offset, changed and missing idents, false positives,
 * truncated images, and ecu_id_compare on the new defining keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ecu/ecu.h>

/* The fixture last loaded, named in the failure messages. */
static const char *fixture = "";

/* A fixture of fixtures/csum, loaded into a buffer of ours (changeable). */
static uint8_t *load(const char *name, size_t *n)
{
    char path[1024];
    ecu_image *img = ecu_image_new();
    uint8_t *b;
    assert_non_null(img);
    fixture = name;
    snprintf(path, sizeof path, "%s/csum/%s", ECU_FIXTURES_DIR, name);
    if (ecu_image_load_file(img, path) != ECU_OK)
        fail_msg("%s: %s", path, ecu_image_error_detail(img));
    *n = ecu_image_size(img);
    b = malloc(*n);
    assert_non_null(b);
    memcpy(b, ecu_image_data(img), *n);
    ecu_image_free(img);
    return b;
}

static ecu_id *run(const uint8_t *b, size_t n)
{
    ecu_id *id = ecu_id_new();
    assert_non_null(id);
    assert_int_equal(ecu_id_analyze(id, b, n), ECU_OK);
    return id;
}

/* The best field of @p key is @p want at @p off with confidence @p conf (0: any). */
static void expect(const ecu_id *id, const char *key, const char *want, uint64_t off,
                   unsigned conf)
{
    const ecu_id_field *f = ecu_id_get(id, key);
    if (!f || strcmp(f->value, want) != 0)
        fail_msg("%s: %s is '%s', expected '%s'", fixture, key, f ? f->value : "(none)", want);
    if (f->offset != off)
        fail_msg("%s: %s %s at 0x%llX, expected 0x%llX", fixture, key, want,
                 (unsigned long long)f->offset, (unsigned long long)off);
    if (conf && f->confidence != conf)
        fail_msg("%s: %s %s confidence %u, expected %u", fixture, key, want, f->confidence, conf);
}

static void expect_none(const ecu_id *id, const char *key)
{
    const ecu_id_field *f = ecu_id_get(id, key);
    if (f)
        fail_msg("%s: %s is '%s' (%s), expected none", fixture, key, f->value, f->source);
}

static size_t count_key(const ecu_id *id, const char *key)
{
    size_t i, k = 0;
    for (i = 0; i < ecu_id_field_count(id); i++)
        k += strcmp(ecu_id_field_at(id, i)->key, key) == 0;
    return k;
}

static void family_is(const ecu_id *id, const char *fam)
{
    const ecu_id_field *f = ecu_id_get(id, "family");
    if (!f || strcmp(f->value, fam) != 0)
        fail_msg("%s: family is '%s', expected '%s'", fixture, f ? f->value : "(none)", fam);
}

/* ---- each fixture as its generator wrote it -------------------------------------------------- */

/* A field the fixture must have (value NULL: must not have), as expect() / expect_none(). */
struct want {
    const char *key, *value;
    uint64_t off;
    unsigned conf;
};

#define NONE(key) {key, NULL, 0, 0}
#define MAX_WANT 6

static const struct {
    const char *file, *family; /* family NULL: not checked */
    struct want w[MAX_WANT];   /* up to the first with key NULL */
} fixtures[] = {
    /* Siemens MS4x */
    {"ms4x-ms43-512k.bin.gz", "siemens-ms43",
     {{"hw_number", "5WK90099", 0x3F80, 90},
      {"ecu_type", "MS43", 0x3F94, 85},
      {"sw_number", "430099", 0x6FFBA, 90},
      {"descriptor", "ca430099.DAT", 0x70040, 80},
      NONE("part_number")}},
    {"ms4x-ms42-512k.bin.gz", "siemens-ms42",
     {{"hw_number", "5WK90011", 0x3F80, 90}, {"ecu_type", "MS42", 0x3F94, 85}, NONE("sw_number")}},
    {"ms4x-ms45-1m.bin.gz", "siemens-ms45",
     {{"hw_number", "5WK93099", 0x1F900, 90}, {"ecu_type", "MS45", 0x1F914, 85}}},
    /* Denso, Mitsubishi */
    {"denso-subaru-512k.bin.gz", "denso-subaru", {{"cal_id", "A2WC400I", 0x2000, 95}}},
    {"denso-subaru-1m.bin.gz", NULL, {{"cal_id", "EZ9Q123K", 0x2004, 95}}}, /* the ID at 0x2004 */
    /* the ID elsewhere: in the ident block before the Denso copyright */
    {"denso-subaru-1m-moved.bin.gz", "denso-subaru", {{"cal_id", "E9XQ501K", 0x2800, 85}}},
    {"denso-subaru-1m-noid.bin.gz", "denso-subaru", {NONE("cal_id")}}, /* the table alone */
    {"denso-subaru-diesel-1m.bin.gz", NULL,
     {{"cal_id", "JZ4A110B", 0x4018, 90},
      {"descriptor", "EURO4 EE20 DIESEL ECU   JZ4A110B", 0x4000, 80}}},
    {"denso-mazda-nc-1m.bin.gz", "denso-mazda-nc",
     {{"cal_id", "LF9VEB", 0xB8046, 90}, {"ecu_type", "NC1", 0x2030, 70}}},
    {"denso-mazdaspeed6-1m.bin.gz", "denso-mazdaspeed6", {{"cal_id", "L38K", 0x2A7C8, 90}}},
    {"mitsubishi-evox-1m.bin.gz", "mitsubishi-evox", {{"cal_id", "56890009", 0x50000, 80}}},
    /* Hitachi */
    {"hitachi-std-512k.bin.gz", "hitachi-nissan",
     {{"cal_id", "3ZZZZZ05", 0x30D4, 90}, {"ecu_type", "SH705513", 0x30F2, 90}}},
    {"hitachi-alt2-1m.bin.gz", NULL,
     {{"cal_id", "1KA6A", 0x3002, 90}, {"ecu_type", "SH705822", 0x3020, 90}}},
    /* Continental */
    {"continental-s18-1.bin.gz", "continental-simos",
     {{"sw_version", "SC800H63", 0x200023, 90},
      {"ecu_type", "Simos18.1", ECU_ID_NO_OFFSET, 70},
      NONE("part_number")}}, /* the fixture leaves the box code erased */
    {"continental-s10.bin.gz", NULL,
     {{"ecu_type", "Simos10", ECU_ID_NO_OFFSET, 70}, {"sw_version", "SA3A1000", 0x1C0023, 90}}},
    {"continental-sim2k-64k.bin.gz", "sim2k",
     {{"ecu_type", "SIM2K (TC1782)", ECU_ID_NO_OFFSET, 60}}},
    {"continental-sim2k-128k.bin.gz", NULL,
     {{"ecu_type", "SIM2K (TC1791)", ECU_ID_NO_OFFSET, 60}}},
    /* Delphi */
    {"delphi-multec-dhcr.bin.gz", "delphi-multec",
     {{"sw_number", "97239901", 0x296F0, 85},
      {"descriptor", "97239901 DGZZCR", 0x296F0, 80},
      {"cal_id", "D00987", 0x29702, 85},
      {"engine", "Y17DIT", 0x29708, 60}}},
    {"delphi-multec-dmrw.bin.gz", NULL,
     {{"sw_number", "99306599", 0x32410, 85}, {"cal_id", "D09999", 0x32422, 85}}},
    {"delphi-multec-s.bin.gz", "delphi-multec-s",
     {{"sw_number", "94072261", 0x3009, 90},
      {"part_number", "16227049", 0x3015, 90},
      {"descriptor", "MFCNHR", 0x301E, 70},
      {"cal_id", "D98003", 0x3026, 85},
      {"engine", "X16SZR", 0x302C, 60}}},
    /* Magneti Marelli; 4LV: the strings are byte-swapped in pairs, offsets are those of the
       swapped image */
    {"marelli-iaw-1av.bin.gz", "marelli-iaw-1av",
     {{"part_number", "032906030AG", 0x3D3C, 85},
      {"ecu_type", "1AV", 0x3D50, 80},
      {"sw_version", "F012", 0x3D5B, 80}}},
    {"marelli-iaw-4lv.bin.gz", "marelli-iaw-4lv",
     {{"part_number", "036906099ZZ", 0x51457, 85},
      {"ecu_type", "4LV", 0x5146C, 80},
      {"sw_version", "3335", 0x51476, 80}}},
    /* the same label unswapped, in an image no family claims: the plain label scan */
    {"marelli-iaw-4lv-plain.bin.gz", NULL,
     {NONE("family"),
      {"part_number", "036906099ZZ", 0x51457, 85},
      {"sw_version", "3335", 0x51476, 80}}},
    {"marelli-mjd-6jf.bin.gz", "marelli-mjd-6jf",
     {{"part_number", "01246JO01D", 0x600C1, 80}, {"descriptor", "6JF   MUST_C5131", 0x6E000, 60}}},
    {"marelli-iaw-1ap.bin.gz", "marelli-iaw-1ap", {{"cal_id", "50960654", 0x4814, 50}}},
};

static void test_fixtures(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++) {
        size_t n;
        uint8_t *b = load(fixtures[i].file, &n);
        ecu_id *id = run(b, n);
        const struct want *w;
        if (fixtures[i].family)
            family_is(id, fixtures[i].family);
        for (w = fixtures[i].w; w < fixtures[i].w + MAX_WANT && w->key; w++) {
            if (w->value)
                expect(id, w->key, w->value, w->off, w->conf);
            else
                expect_none(id, w->key);
        }
        ecu_id_free(id);
        free(b);
    }
}

/* ---- changed copies: Siemens MS4x ------------------------------------------------------------ */

static void test_ms43(void **state)
{
    size_t n;
    uint8_t *b = load("ms4x-ms43-512k.bin.gz", &n);
    ecu_id *id;
    (void)state;
    /* the BMW number, three times at 0x6FE80, then a second one three times */
    memcpy(b + 0x6FE80, "733333373333337333333", 21);
    memcpy(b + 0x6FE95, "722222272222227222222", 21);
    id = run(b, n);
    expect(id, "part_number", "7333333", 0x6FE80, 85);
    assert_int_equal(count_key(id, "part_number"), 2);
    ecu_id_free(id);
    /* written only twice: no BMW number */
    memcpy(b + 0x6FE80, "7333333733333373333X3", 21);
    id = run(b, n);
    expect_none(id, "part_number");
    ecu_id_free(id);

    /* the repeat at 0x70008 differs: the dataset name wins (85) over the lone number (70) */
    b[0x7000D] = '8';
    id = run(b, n);
    expect(id, "sw_number", "430099", 0x70042, 85);
    ecu_id_free(id);
    /* no dataset name either: the number at 0x6FFBA alone */
    memcpy(b + 0x70040, "xx", 2);
    id = run(b, n);
    expect(id, "sw_number", "430099", 0x6FFBA, 70);
    expect_none(id, "descriptor");
    ecu_id_free(id);
    /* not "43...": no program number */
    b[0x6FFBA] = '5';
    id = run(b, n);
    expect_none(id, "sw_number");
    ecu_id_free(id);
    free(b);
}

/* ---- changed copies: Denso ------------------------------------------------------------------- */

static void test_subaru_id_rules(void **state)
{
    size_t n;
    uint8_t *b = load("denso-subaru-512k.bin.gz", &n);
    ecu_id *id;
    (void)state;
    /* the ROM ID as written: once */
    id = run(b, n);
    assert_int_equal(count_key(id, "cal_id"), 1);
    ecu_id_free(id);
    /* six characters padded with spaces */
    memcpy(b + 0x2000, "A2QZ90  ", 8);
    id = run(b, n);
    expect(id, "cal_id", "A2QZ90", 0x2000, 95);
    ecu_id_free(id);
    /* lower-case letters after the first: as written (ScoobyRom takes letters or digits) */
    memcpy(b + 0x2000, "A2wC400i", 8);
    id = run(b, n);
    expect(id, "cal_id", "A2wC400i", 0x2000, 95);
    ecu_id_free(id);
    /* a lower-case first letter, no NUL after the eight, five characters: never a ROM ID */
    memcpy(b + 0x2000, "a2WC400I", 8);
    id = run(b, n);
    expect_none(id, "cal_id");
    ecu_id_free(id);
    memcpy(b + 0x2000, "A2WC400I", 8);
    b[0x2008] = 'X';
    id = run(b, n);
    expect_none(id, "cal_id");
    ecu_id_free(id);
    b[0x2008] = 0;
    memcpy(b + 0x2000, "A2WC4   ", 8);
    id = run(b, n);
    expect_none(id, "cal_id");
    ecu_id_free(id);
    free(b);
}

/* ---- changed copies: Continental ------------------------------------------------------------- */

static void test_simos(void **state)
{
    size_t n;
    uint8_t *b = load("continental-s18-1.bin.gz", &n);
    ecu_id *id;
    (void)state;
    /* a box code at CAL+0x60, and another project ID in ASW1 (a lower candidate) */
    memcpy(b + 0x200060, "8V0906259H  ", 12);
    memcpy(b + 0x40627, "SC800H64", 8);
    id = run(b, n);
    expect(id, "part_number", "8V0906259H", 0x200060, 85);
    expect(id, "sw_version", "SC800H63", 0x200023, 90);
    assert_int_equal(count_key(id, "sw_version"), 2);
    ecu_id_free(id);
    /* a box code that is not a VAG part number: kept, with a low confidence */
    memcpy(b + 0x200060, "ABCDEFGHIJKL", 12);
    id = run(b, n);
    expect(id, "part_number", "ABCDEFGHIJKL", 0x200060, 50);
    ecu_id_free(id);
    free(b);
}

/* ---- changed copies: Delphi ------------------------------------------------------------------ */

static void test_multec_s(void **state)
{
    size_t n;
    uint8_t *b = load("delphi-multec-s.bin.gz", &n);
    ecu_id *id;
    (void)state;
    /* the mirror differs: lower confidences */
    b[0x13026] = 'E';
    id = run(b, n);
    if (ecu_id_get(id, "family") && strcmp(ecu_id_get(id, "family")->value, "delphi-multec-s") == 0) {
        expect(id, "sw_number", "94072261", 0x3009, 80);
        expect(id, "cal_id", "D98003", 0x3026, 75);
    }
    ecu_id_free(id);
    free(b);
}

/* ---- Magneti Marelli ------------------------------------------------------------------------- */

/* Labels that look like Marelli ones but are not: no part number, a malformed one, no family
   token; and one that is, with a second part number among its tokens. */
static void test_marelli_false_positives(void **state)
{
    static const char *const bad[] = {
        "xx MARELLI 1AV        F012",          /* nothing before */
        "ABC906030AG MARELLI 1AV        F012", /* not a VAG part number */
        "032806030AG MARELLI 1AV        F012", /* no 9 in the fourth place */
        "032906030AG MARELLI         F012",    /* no family token */
        "032906030AGMARELLI 1AV        F012",  /* no space before MARELLI */
        "03290603 MARELLI 1AV        F012",    /* too short */
    };
    size_t i, n = 0x10000;
    uint8_t *b = calloc(1, n);
    ecu_id *id;
    (void)state;
    assert_non_null(b);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(b, 0, n);
        memcpy(b + 0x1000, bad[i], strlen(bad[i]));
        id = run(b, n);
        expect_none(id, "part_number");
        expect_none(id, "sw_version");
        ecu_id_free(id);
    }
    memset(b, 0, n);
    memcpy(b + 0x1000, "03Z906099Q   MARELLI 4HV       03Z906099R 9999", 46);
    id = run(b, n);
    expect(id, "part_number", "03Z906099Q", 0x1000, 85);
    expect(id, "ecu_type", "4HV", 0x1015, 80);
    expect(id, "sw_version", "9999", 0x102A, 80);
    assert_int_equal(count_key(id, "part_number"), 2);
    ecu_id_free(id);
    /* the label at the very end of the image, its version cut */
    memcpy(b + n - 33, "032906030AG MARELLI 1AV        F0", 33);
    id = run(b, n);
    ecu_id_free(id);
    free(b);
}

/* ---- truncated images and random data ----------------------------------------------------------- */

/* Each fixture cut just before the end of each of its fields: that field is not reported. */
static void test_truncated(void **state)
{
    static const char *const names[] = {
        "ms4x-ms43-512k.bin.gz",   "denso-subaru-512k.bin.gz", "denso-subaru-diesel-1m.bin.gz",
        "denso-mazda-nc-1m.bin.gz", "hitachi-std-512k.bin.gz",  "continental-s18-1.bin.gz",
        "delphi-multec-dhcr.bin.gz", "delphi-multec-s.bin.gz",  "marelli-iaw-1av.bin.gz",
        "marelli-iaw-4lv.bin.gz",   "marelli-mjd-6jf.bin.gz",   "mitsubishi-evox-1m.bin.gz",
    };
    size_t i, k;
    (void)state;
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t n;
        uint8_t *b = load(names[i], &n);
        ecu_id *full = run(b, n);
        for (k = 0; k < ecu_id_field_count(full); k++) {
            const ecu_id_field *f = ecu_id_field_at(full, k);
            size_t cut, j;
            ecu_id *id;
            uint8_t *c;
            if (f->offset == ECU_ID_NO_OFFSET || f->offset + strlen(f->value) > n)
                continue;
            cut = (size_t)f->offset + strlen(f->value) - 1;
            c = malloc(cut ? cut : 1); /* an exact-size copy: ASan sees any read past it */
            assert_non_null(c);
            memcpy(c, b, cut);
            id = run(c, cut);
            for (j = 0; j < ecu_id_field_count(id); j++) {
                const ecu_id_field *g = ecu_id_field_at(id, j);
                if (g->offset != ECU_ID_NO_OFFSET && g->offset + strlen(g->value) > cut)
                    fail_msg("%s cut at 0x%zX: %s %s at 0x%llX runs past the end", names[i],
                             cut, g->key, g->value, (unsigned long long)g->offset);
            }
            ecu_id_free(id);
            free(c);
        }
        ecu_id_free(full);
        free(b);
    }
}

static void test_random_and_blank(void **state)
{
    static const size_t sizes[] = {0x28000, 0x30000, 0x80000, 0x100000, 0x200000};
    size_t i, j;
    uint32_t x = 0x12345678;
    (void)state;
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint8_t *b = malloc(sizes[i]);
        ecu_id *id;
        assert_non_null(b);
        for (j = 0; j < sizes[i]; j++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            b[j] = (uint8_t)x;
        }
        id = run(b, sizes[i]);
        expect_none(id, "cal_id");
        expect_none(id, "part_number");
        ecu_id_free(id);
        memset(b, 0xFF, sizes[i]);
        id = run(b, sizes[i]);
        assert_int_equal(ecu_id_field_count(id), 0);
        ecu_id_free(id);
        free(b);
    }
}

/* ---- comparing -------------------------------------------------------------------------------- */

static void test_compare(void **state)
{
    size_t n1, n2, nk;
    uint8_t *a = load("denso-subaru-512k.bin.gz", &n1);
    uint8_t *b = load("denso-subaru-512k-bad.bin.gz", &n2);
    ecu_id *x = run(a, n1), *y = run(b, n2);
    const char *keys[ECU_ID_MAX_KEYS];
    (void)state;
    /* a changed map, the same ROM ID: the same ECU */
    assert_int_equal(ecu_id_compare(x, y, keys, &nk), ECU_ID_SAME);
    assert_int_equal(nk, 1);
    assert_string_equal(keys[0], "cal_id");
    ecu_id_free(y);
    free(b);
    /* another ROM ID */
    b = load("denso-subaru-1m.bin.gz", &n2);
    y = run(b, n2);
    assert_int_equal(ecu_id_compare(x, y, keys, &nk), ECU_ID_DIFFERENT);
    assert_int_equal(nk, 1);
    assert_string_equal(keys[0], "cal_id");
    ecu_id_free(y);
    free(b);
    ecu_id_free(x);
    free(a);

    /* MS43: a new program number is another ECU software */
    a = load("ms4x-ms43-512k.bin.gz", &n1);
    b = malloc(n1);
    assert_non_null(b);
    memcpy(b, a, n1);
    memcpy(b + 0x6FFBA, "430100", 6);
    memcpy(b + 0x70008, "430100", 6);
    memcpy(b + 0x70042, "430100", 6);
    x = run(a, n1);
    y = run(b, n1);
    assert_int_equal(ecu_id_compare(x, y, keys, &nk), ECU_ID_DIFFERENT);
    assert_int_equal(nk, 1);
    assert_string_equal(keys[0], "sw_number");
    ecu_id_free(x);
    ecu_id_free(y);
    free(a);
    free(b);

    /* Simos: box code and software version (project ID) */
    a = load("continental-s18-1.bin.gz", &n1);
    memcpy(a + 0x200060, "8V0906259H  ", 12);
    b = malloc(n1);
    assert_non_null(b);
    memcpy(b, a, n1);
    b[0x200100] ^= 1;
    x = run(a, n1);
    y = run(b, n1);
    assert_int_equal(ecu_id_compare(x, y, keys, &nk), ECU_ID_SAME);
    assert_int_equal(nk, 2);
    assert_string_equal(keys[0], "part_number");
    assert_string_equal(keys[1], "sw_version");
    ecu_id_free(y);
    memcpy(b + 0x200023, "SC800H99", 8);
    y = run(b, n1);
    assert_int_equal(ecu_id_compare(x, y, keys, &nk), ECU_ID_DIFFERENT);
    assert_string_equal(keys[0], "sw_version");
    ecu_id_free(x);
    ecu_id_free(y);
    free(a);
    free(b);

    /* Multec S: software and part number, and D-number */
    a = load("delphi-multec-s.bin.gz", &n1);
    x = run(a, n1);
    y = run(a, n1);
    assert_int_equal(ecu_id_compare(x, y, keys, &nk), ECU_ID_SAME);
    assert_int_equal(nk, 3);
    ecu_id_free(x);
    ecu_id_free(y);
    free(a);

    /* a family with nothing that defines it (SIM2K: only the CPU): undecided */
    a = load("continental-sim2k-64k.bin.gz", &n1);
    x = run(a, n1);
    assert_int_equal(ecu_id_compare(x, x, keys, &nk), ECU_ID_UNDECIDED);
    ecu_id_free(x);
    free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixtures),
        cmocka_unit_test(test_ms43),
        cmocka_unit_test(test_subaru_id_rules),
        cmocka_unit_test(test_simos),
        cmocka_unit_test(test_multec_s),
        cmocka_unit_test(test_marelli_false_positives),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_random_and_blank),
        cmocka_unit_test(test_compare),
    };
    return cmocka_run_group_tests_name("id_families", tests, NULL, NULL);
}
