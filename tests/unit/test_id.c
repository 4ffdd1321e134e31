/* SPDX-License-Identifier: MIT */
/*
 * Identification (ecu/id.h) on synthetic buffers built here: VIN check digits (known answers
 * worked out by hand from ISO 3779), each Bosch identification pattern, false positives that
 * must not be taken, truncated buffers, comparison of two identities.
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

#define SZ 0x20000

static uint8_t *blank(uint8_t fill)
{
    uint8_t *b = malloc(SZ);
    assert_non_null(b);
    memset(b, fill, SZ);
    return b;
}

static void put(uint8_t *b, size_t at, const void *s, size_t n)
{
    memcpy(b + at, s, n);
}

static void puts_at(uint8_t *b, size_t at, const char *s)
{
    put(b, at, s, strlen(s));
}

static ecu_id *run(const uint8_t *b, size_t n)
{
    ecu_id *id = ecu_id_new();
    assert_non_null(id);
    assert_int_equal(ecu_id_analyze(id, b, n), ECU_OK);
    return id;
}

static const char *val(const ecu_id *id, const char *key)
{
    const ecu_id_field *f = ecu_id_get(id, key);
    return f ? f->value : NULL;
}

static void assert_val(const ecu_id *id, const char *key, const char *want)
{
    const char *v = val(id, key);
    if (!v || strcmp(v, want) != 0)
        fail_msg("%s is '%s', expected '%s'", key, v ? v : "(none)", want);
}

/* ---- VIN ---------------------------------------------------------------------------------- */

static void test_vin_check_digit(void **state)
{
    (void)state;
    /*
     * 1M8GDM9AXKP042788: values 1 4 8 7 4 4 9 1 (X) 2 7 0 4 2 7 8 8, weights
     * 8 7 6 5 4 3 2 10 0 9 8 7 6 5 4 3 2: 8+28+48+35+16+12+18+10+0+18+56+0+24+10+28+24+16
     * = 351 = 31*11 + 10 -> X.
     */
    assert_int_equal(ecu_vin_check_digit("1M8GDM9AXKP042788"), 'X');
    /* 11111111111111111: sum of the weights 89 = 8*11 + 1 -> 1 (the check digit is right) */
    assert_int_equal(ecu_vin_check_digit("11111111111111111"), '1');
    /* WVWZZZ1JZ3W386752: W6 V5 W6 Z9 Z9 Z9 1 J1 (Z) 3 W6 3 8 6 7 5 2:
       48+35+36+45+36+27+2+10+0+27+48+21+48+30+28+15+4 = 460 = 41*11 + 9 -> 9 */
    assert_int_equal(ecu_vin_check_digit("WVWZZZ1JZ3W386752"), '9');
    /* not VINs: I, O, Q, lower case, wrong length, NULL */
    assert_int_equal(ecu_vin_check_digit("1M8GDM9AXKP04278I"), 0);
    assert_int_equal(ecu_vin_check_digit("1M8GDM9AXKP04278O"), 0);
    assert_int_equal(ecu_vin_check_digit("1M8GDM9AXKP04278Q"), 0);
    assert_int_equal(ecu_vin_check_digit("1m8gdm9axkp042788"), 0);
    assert_int_equal(ecu_vin_check_digit("1M8GDM9AXKP04278"), 0);
    assert_int_equal(ecu_vin_check_digit("1M8GDM9AXKP0427888"), 0);
    assert_int_equal(ecu_vin_check_digit(NULL), 0);
}

static void test_vin_in_image(void **state)
{
    uint8_t *b = blank(0xFF);
    ecu_id *id;
    const ecu_id_field *f;
    (void)state;
    puts_at(b, 0x3000, "1M8GDM9AXKP042788");
    puts_at(b, 0x5000, "WVWZZZ1JZ3W386752"); /* check digit wrong: kept, lower confidence */
    id = run(b, SZ);
    assert_val(id, "vin", "1M8GDM9AXKP042788");
    f = ecu_id_field_at(id, 0);
    assert_string_equal(f->key, "vin");
    assert_int_equal(f->offset, 0x3000);
    assert_true(f->confidence >= 80);
    f = ecu_id_field_at(id, 1);
    assert_non_null(f);
    assert_string_equal(f->value, "WVWZZZ1JZ3W386752");
    assert_true(f->confidence < ecu_id_field_at(id, 0)->confidence);
    assert_non_null(strstr(f->source, "9 computed"));
    ecu_id_free(id);

    /* not VINs: 18 characters, an I inside, letters at the end, glued to other letters */
    memset(b, 0xFF, SZ);
    puts_at(b, 0x100, "1M8GDM9AXKP0427888");
    puts_at(b, 0x200, "1M8GDM9IXKP042788");
    puts_at(b, 0x300, "1M8GDM9AXKP04ABCD");
    puts_at(b, 0x400, "a1M8GDM9AXKP042788");
    puts_at(b, 0x500, "12345678901234567"); /* no letter in the maker code */
    id = run(b, SZ);
    assert_null(ecu_id_get(id, "vin"));
    ecu_id_free(id);
    free(b);
}

/* ---- ME7 ---------------------------------------------------------------------------------- */

/* An ME7 ECUID table at @p table, its strings at @p strings, and the loading code at 0x4000. */
static void me7_table(uint8_t *b, uint32_t table, uint32_t strings, const char *hw, const char *sw)
{
    const char *s[20] = {0};
    uint32_t a = 0x800000u + table, at = strings;
    uint8_t code[16] = {0xE6, 0xF4, (uint8_t)(a & 0x3FFF), (uint8_t)((a & 0x3FFF) >> 8),
                        0xE6, 0xF5, (uint8_t)(a >> 14), (uint8_t)(a >> 22),
                        0xF6, 0xF4, 0x42, 0xE2, 0xF6, 0xF5, 0x44, 0xE2};
    unsigned k;
    put(b, 0x4000, code, sizeof code);
    s[2] = hw;
    s[4] = sw;
    s[10] = "8Z0907551Q  ";
    s[11] = "0005";
    s[19] = "3.1l V8/4VX     ";
    memset(b + table, 0, 6 * 20);
    for (k = 0; k < 20; k++) {
        uint32_t sa;
        if (!s[k])
            continue;
        sa = 0x800000u + at;
        puts_at(b, at, s[k]);
        b[table + 6 * k] = 6;
        b[table + 6 * k + 1] = (uint8_t)strlen(s[k]);
        b[table + 6 * k + 2] = (uint8_t)(sa & 0x3FFF);
        b[table + 6 * k + 3] = (uint8_t)((sa & 0x3FFF) >> 8);
        b[table + 6 * k + 4] = (uint8_t)(sa >> 14);
        b[table + 6 * k + 5] = (uint8_t)(sa >> 22);
        at += (uint32_t)strlen(s[k]) + 1;
    }
}

static void test_me7_ecuid(void **state)
{
    uint8_t *b = blank(0xFF);
    ecu_id *id;
    const ecu_id_field *f;
    (void)state;
    me7_table(b, 0x1A6DA, 0x1C000, "0261209999", "1037359999");
    puts_at(b, 0x14255, "42/1/ME7.1/5/9999.09//Z99zz/Dstz9z/010101/");
    id = run(b, SZ);
    assert_val(id, "hw_number", "0261209999");
    assert_val(id, "sw_number", "1037359999");
    assert_val(id, "part_number", "8Z0907551Q"); /* trailing spaces trimmed */
    assert_val(id, "sw_version", "0005");
    assert_val(id, "engine", "3.1l V8/4VX");
    assert_val(id, "epk", "42/1/ME7.1/5/9999.09//Z99zz/Dstz9z/010101/");
    assert_val(id, "ecu_type", "ME7.1");
    assert_val(id, "manufacturer", "Bosch");
    f = ecu_id_get(id, "hw_number");
    assert_int_equal(f->offset, 0x1C000);
    assert_true(f->confidence >= 90);
    ecu_id_free(id);

    /* a table entry that is not a Bosch number is reported as stored, with less confidence */
    memset(b, 0xFF, SZ);
    me7_table(b, 0x1A6DA, 0x1C000, "??????????", "1037359999");
    id = run(b, SZ);
    f = ecu_id_get(id, "hw_number");
    assert_non_null(f);
    assert_string_equal(f->value, "??????????");
    assert_true(f->confidence < 90);
    ecu_id_free(id);

    /* the code pattern at an odd offset is not code: no table */
    memset(b, 0xFF, SZ);
    me7_table(b, 0x1A6DA, 0x1C000, "0261209999", "1037359999");
    memmove(b + 0x4001, b + 0x4000, 16);
    b[0x4000] = 0xFF;
    memset(b + 0x1C000, 0xAA, 0x80); /* and the strings are no longer there to be scanned */
    id = run(b, SZ);
    assert_null(ecu_id_get(id, "hw_number"));
    assert_null(ecu_id_get(id, "part_number"));
    ecu_id_free(id);

    /* the table address points past the end of a truncated image: nothing read, no crash */
    memset(b, 0xFF, SZ);
    me7_table(b, 0x1A6DA, 0x1C000, "0261209999", "1037359999");
    id = run(b, 0x10000);
    assert_null(ecu_id_get(id, "hw_number"));
    ecu_id_free(id);
    free(b);
}

static void test_me7_pair_and_label(void **state)
{
    uint8_t *b = blank(0xFF);
    ecu_id *id;
    (void)state;
    /* back to back, separated by a NUL */
    put(b, 0x183CB, "0261207437\0" "1037366536", 21);
    puts_at(b, 0x11000, "022906032CS MOTRONIC ME7.1.1    0006");
    id = run(b, SZ);
    assert_val(id, "hw_number", "0261207437");
    assert_val(id, "sw_number", "1037366536");
    assert_int_equal(ecu_id_get(id, "sw_number")->offset, 0x183CB + 11);
    assert_val(id, "part_number", "022906032CS");
    assert_val(id, "sw_version", "0006");
    ecu_id_free(id);

    /* inside a longer run (M3.8.x: `D06` HW SW `56/1/...`), and a HW ending a run, then a
       space and the SW (MED17) */
    memset(b, 0xFF, SZ);
    puts_at(b, 0x1000, "HS D060261209876103735987656/1/M3.8.3/03/");
    puts_at(b, 0x2000, "A010100261208765 1037398765 06J906099");
    id = run(b, SZ);
    {
        size_t i, hw = 0, sw = 0;
        for (i = 0; i < ecu_id_field_count(id); i++) {
            const ecu_id_field *f = ecu_id_field_at(id, i);
            if (strcmp(f->key, "hw_number") == 0 && f->confidence >= 80)
                hw += strcmp(f->value, "0261209876") == 0 || strcmp(f->value, "0261208765") == 0;
            if (strcmp(f->key, "sw_number") == 0 && f->confidence >= 80)
                sw += strcmp(f->value, "1037359876") == 0 || strcmp(f->value, "1037398765") == 0;
        }
        assert_int_equal(hw, 2);
        assert_int_equal(sw, 2);
    }
    ecu_id_free(id);
    /* directly back to back (20 digits), and separated by a space */
    memset(b, 0xFF, SZ);
    puts_at(b, 0x18000, "02612043211037354321");
    id = run(b, SZ);
    assert_val(id, "hw_number", "0261204321");
    assert_val(id, "sw_number", "1037354321");
    assert_true(ecu_id_get(id, "sw_number")->confidence >= 90);
    ecu_id_free(id);
    memset(b, 0xFF, SZ);
    puts_at(b, 0x18000, "0261204321 1037354321");
    id = run(b, SZ);
    assert_val(id, "sw_number", "1037354321");
    ecu_id_free(id);
    free(b);
}

/* ---- EDC15 / EDC16 / EDC17 --------------------------------------------------------------- */

static void test_edc15(void **state)
{
    uint8_t *b = blank(0xC3);
    ecu_id *id;
    (void)state;
    puts_at(b, 0x8000, "TSW V9.99 010203 4321 Z9/XYZ/Q99");
    puts_at(b, 0x7000, "_G038906099ZZ 1,9l R4 EDC  SG  1541 39S09999 0281014321 ABCDEF");
    puts_at(b, 0x1BFB0, "1037361111");
    id = run(b, SZ);
    assert_val(id, "descriptor", "TSW V9.99 010203 4321 Z9/XYZ/Q99");
    assert_val(id, "part_number", "038906099ZZ");
    assert_val(id, "sw_version", "1541");
    assert_val(id, "hw_number", "0281014321");
    assert_int_equal(ecu_id_get(id, "hw_number")->offset, 0x7000 + 2 + 20 + 23);
    assert_val(id, "sw_number", "1037361111");
    ecu_id_free(id);
    /* other label layouts: no software version taken from `G  D32  ` or `SG D01   ` */
    memset(b, 0xC3, SZ);
    puts_at(b, 0x100, "V4Z0907401Q  3,1l/4VT EDC  G  D99  0281009999 ZZ9ZZZ99ZZZ");
    puts_at(b, 0x200, "4Z2907401   3.1l/4VTEDC  SG D99   28SA9999 0281019999 ZZZZZZ");
    id = run(b, SZ);
    assert_null(ecu_id_get(id, "sw_version"));
    assert_val(id, "part_number", "4Z2907401");
    ecu_id_free(id);
    /* `TSW V` followed by code is not a TSW string */
    memset(b, 0xC3, SZ);
    put(b, 0x8000, "TSW V\xc3\xe0" "1\xda\t", 10);
    id = run(b, SZ);
    assert_null(ecu_id_get(id, "descriptor"));
    ecu_id_free(id);
    free(b);
}

static void test_epk_padding(void **state)
{
    uint8_t *b = blank(0xFF);
    ecu_id *id;
    (void)state;
    /* Volvo ME7.0.1: the EPK field is padded with a repeated character after its last slash */
    puts_at(b, 0x10000, "47/1/ME701/99///99999Z99/99999Z99/010101010101/DDDDDDDDDDDDDDDDDDDD");
    id = run(b, SZ);
    assert_val(id, "epk", "47/1/ME701/99///99999Z99/99999Z99/010101010101/");
    assert_val(id, "ecu_type", "ME701");
    ecu_id_free(id);
    /* a short run is text, kept */
    memset(b, 0xFF, SZ);
    puts_at(b, 0x10000, "47/1/ME701/99///99999Z99/DDD");
    id = run(b, SZ);
    assert_val(id, "epk", "47/1/ME701/99///99999Z99/DDD");
    ecu_id_free(id);
    free(b);
}

static void test_edc16(void **state)
{
    uint8_t *b = blank(0xFF);
    ecu_id *id;
    (void)state;
    puts_at(b, 0x10, "1037388888");
    put(b, 0x3D, "\xDE\xCA\xFE", 3);
    b[0x1A] = 0x00; /* the number is followed by binary data */
    id = run(b, SZ);
    assert_val(id, "sw_number", "1037388888");
    assert_int_equal(ecu_id_get(id, "sw_number")->offset, 0x10);
    assert_int_equal(ecu_id_get(id, "sw_number")->confidence, 95);
    ecu_id_free(id);
    free(b);
}

static void test_edc17(void **state)
{
    uint8_t *b = blank(0xFF);
    ecu_id *id;
    (void)state;
    puts_at(b, 0x1A, "1037555072"); /* TC1793 constant: never a software number */
    b[0x24] = 0;
    puts_at(b, 0x1000, "0 281 015 029");
    b[0x100D] = 0;
    puts_at(b, 0x2000, "1037541778");
    b[0x200A] = 0;
    puts_at(b, 0x3000, "47/1/EDC17C66/1/P1262//CV182500///");
    b[0x3000 + 34] = 0;
    id = run(b, SZ);
    assert_val(id, "hw_number", "0281015029");
    assert_val(id, "sw_number", "1037541778");
    assert_val(id, "epk", "47/1/EDC17C66/1/P1262//CV182500///");
    assert_val(id, "ecu_type", "EDC17C66");
    {
        size_t i;
        for (i = 0; i < ecu_id_field_count(id); i++)
            assert_string_not_equal(ecu_id_field_at(id, i)->value, "1037555072");
    }
    ecu_id_free(id);
    free(b);
}

static void test_motronic_reversed(void **state)
{
    uint8_t *b = blank(0xFF);
    ecu_id *id;
    (void)state;
    /* M1.x: 0261205555 and 1267355555 stored with their digits reversed near the end */
    puts_at(b, 0x7F02, "55550216205555537621");
    id = run(b, 0x8000);
    assert_val(id, "hw_number", "0261205555");
    assert_val(id, "sw_number", "1267355555");
    ecu_id_free(id);
    /* M1.x at 0x1F02 of 32 KiB, more digits after the pair (reversed HW, SW, then others) */
    memset(b, 0xFF, SZ);
    puts_at(b, 0x1F02, "777702162077775376216622999900845.03");
    id = run(b, 0x8000);
    assert_val(id, "hw_number", "0261207777");
    assert_val(id, "sw_number", "1267357777");
    assert_int_equal(ecu_id_get(id, "hw_number")->offset, 0x1F02);
    ecu_id_free(id);
    memset(b, 0xFF, SZ);
    puts_at(b, 0x7F02, "55550216205555537621");
    /* far from the end of a larger image it is not taken */
    id = run(b, 0x10000 + 0x8000);
    assert_null(ecu_id_get(id, "hw_number"));
    ecu_id_free(id);
    free(b);
}

/* ---- false positives, truncation, handle --------------------------------------------------- */

static void test_false_positives(void **state)
{
    uint8_t *b = blank(0xFF);
    ecu_id *id;
    uint32_t x = 2463534242u;
    size_t i;
    (void)state;
    puts_at(b, 0x100, "026120801");       /* nine digits */
    puts_at(b, 0x300, "1038367570");      /* not a Bosch software prefix */
    puts_at(b, 0x400, "0361208010");      /* not a Bosch hardware prefix */
    puts_at(b, 0x500, "4/1/ME7.1/5");     /* one digit before the first slash */
    puts_at(b, 0x600, "40/1//ME7.1/5/6"); /* no type */
    puts_at(b, 0x700, "40/1/X/");         /* one-character type, too short */
    puts_at(b, 0x800, "EDC  ");           /* a marker with nothing around it */
    puts_at(b, 0x900, "MOTRONIC");
    id = run(b, SZ);
    assert_int_equal(ecu_id_field_count(id), 0);
    ecu_id_free(id);
    /* a number at the start of a longer run of digits is taken, with a low confidence */
    puts_at(b, 0x200, "02612043211");
    id = run(b, SZ);
    assert_int_equal(ecu_id_field_count(id), 2); /* with the manufacturer */
    assert_true(ecu_id_get(id, "hw_number")->confidence < 60);
    ecu_id_free(id);
    /* random bytes: nothing */
    for (i = 0; i < SZ; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        b[i] = (uint8_t)x;
    }
    id = run(b, SZ);
    assert_int_equal(ecu_id_field_count(id), 0);
    ecu_id_free(id);
    free(b);
}

static void test_truncated(void **state)
{
    uint8_t *b = blank(0xFF);
    size_t n;
    (void)state;
    me7_table(b, 0x1A6DA, 0x1C000, "0261209999", "1037359999");
    puts_at(b, 0x14255, "42/1/ME7.1/5/9999.09//Z99zz/Dstz9z/010101/");
    puts_at(b, 0x1FFEF, "1M8GDM9AXKP042788"); /* ends at the very end */
    puts_at(b, 0x8000, "TSW V9.99 280700");
    /* every truncation copies into a buffer of exactly that size (ASan sees overreads) */
    for (n = 0; n <= SZ; n += n < 64 ? 1 : 0x1FF1) {
        uint8_t *c = malloc(n ? n : 1);
        ecu_id *id;
        assert_non_null(c);
        memcpy(c, b, n);
        id = run(c, n);
        ecu_id_free(id);
        free(c);
    }
    {
        ecu_id *id = run(b, SZ);
        assert_val(id, "vin", "1M8GDM9AXKP042788");
        ecu_id_free(id);
    }
    free(b);
}

static void test_handle(void **state)
{
    ecu_id *id = ecu_id_new();
    uint8_t one = 0;
    (void)state;
    ecu_id_free(NULL);
    assert_int_equal(ecu_id_analyze(NULL, &one, 1), ECU_ERR_INVALID);
    assert_int_equal(ecu_id_analyze(id, NULL, 1), ECU_ERR_INVALID);
    assert_int_equal(ecu_id_analyze(id, NULL, 0), ECU_OK);
    assert_int_equal(ecu_id_field_count(id), 0);
    assert_null(ecu_id_field_at(id, 0));
    assert_null(ecu_id_get(id, "vin"));
    assert_null(ecu_id_get(NULL, "vin"));
    assert_int_equal(ecu_id_field_count(NULL), 0);
    ecu_id_free(id);
}

/* ---- comparing ---------------------------------------------------------------------------- */

static void test_compare(void **state)
{
    uint8_t *b = blank(0xFF);
    ecu_id *a, *c, *d, *v;
    const char *keys[ECU_ID_MAX_KEYS];
    size_t nk;
    (void)state;
    puts_at(b, 0x18000, "02612043211037354321");
    a = run(b, SZ);
    b[0x12000] ^= 0x55; /* a tuned copy */
    c = run(b, SZ);
    puts_at(b, 0x18000, "02612043211037999999");
    d = run(b, SZ);
    memset(b, 0xFF, SZ);
    puts_at(b, 0x100, "1M8GDM9AXKP042788");
    v = run(b, SZ);
    assert_int_equal(ecu_id_compare(a, c, keys, &nk), ECU_ID_SAME);
    assert_int_equal(nk, 2);
    assert_string_equal(keys[0], "hw_number");
    assert_string_equal(keys[1], "sw_number");
    assert_int_equal(ecu_id_compare(a, d, keys, &nk), ECU_ID_DIFFERENT);
    assert_int_equal(nk, 1);
    assert_string_equal(keys[0], "sw_number");
    assert_int_equal(ecu_id_compare(a, v, keys, &nk), ECU_ID_UNDECIDED);
    assert_int_equal(nk, 0);
    assert_int_equal(ecu_id_compare(a, NULL, NULL, NULL), ECU_ID_UNDECIDED);
    assert_int_equal(ecu_id_compare(a, c, NULL, NULL), ECU_ID_SAME);
    ecu_id_free(a);
    ecu_id_free(c);
    ecu_id_free(d);
    ecu_id_free(v);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vin_check_digit), cmocka_unit_test(test_vin_in_image),
        cmocka_unit_test(test_me7_ecuid),       cmocka_unit_test(test_me7_pair_and_label),
        cmocka_unit_test(test_edc15),           cmocka_unit_test(test_epk_padding),
        cmocka_unit_test(test_edc16),
        cmocka_unit_test(test_edc17),           cmocka_unit_test(test_motronic_reversed),
        cmocka_unit_test(test_false_positives), cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_handle),          cmocka_unit_test(test_compare),
    };
    return cmocka_run_group_tests_name("id", tests, NULL, NULL);
}
