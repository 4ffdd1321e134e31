/* SPDX-License-Identifier: MIT */
/*
 * The identification scans find their candidate places 64 bytes a step (byte-class bit masks)
 * and byte by byte in the last 128 bytes at most. Each identification pattern is put at every
 * offset 0..200 of buffers of several sizes and backgrounds, across the 64-byte steps and into
 * the tail, and must be found there with its value and offset; with one byte of the pattern
 * changed it must not be.
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

struct pattern {
    const char *text; /* put into the buffer */
    const char *key;  /* field expected */
    const char *value;
    size_t value_at; /* offset of the value in text */
    size_t spoil;    /* a byte of text that, changed to '#', loses the field */
};

static const struct pattern patterns[] = {
    {"0281017944\0001037512345", "sw_number", "1037512345", 11, 12},
    {"0281017944", "hw_number", "0281017944", 0, 9},
    {"0 281 017 944", "hw_number", "0281017944", 0, 1},
    {"WVWZZZ1KZ8W123456", "vin", "WVWZZZ1KZ8W123456", 0, 16},
    {"36/1/EDC17_C46/5/P_1037/A/240303150814/", "ecu_type", "EDC17_C46", 5, 3},
    {"03L906018DH         EDC  ", "part_number", "03L906018DH", 0, 21},
    {"022906032CS MOTRONIC ME7.1.1    0006 ", "part_number", "022906032CS", 0, 13},
};

/* background bytes that are never part of an identification: no letters, digits, spaces,
   slashes, and not E2 F6 */
static uint8_t background(unsigned kind, size_t i)
{
    static const uint8_t mix[] = {0x00, 0xFF, 0x11, 0x80, 0xC3, 0x7F, 0x2E, 0x01};
    return kind == 0 ? 0xFF : kind == 1 ? 0x00 : mix[(i * 7 + i / 3) % sizeof mix];
}

static void test_every_place(void **state)
{
    static const size_t tails[] = {0, 1, 3, 63, 64, 65, 130, 300};
    ecu_id *id = ecu_id_new();
    size_t p, off, t;
    unsigned kind;
    (void)state;
    assert_non_null(id);
    for (p = 0; p < sizeof patterns / sizeof patterns[0]; p++) {
        const struct pattern *pt = &patterns[p];
        size_t len = strlen(pt->text);
        if (pt->key[0] == 's') /* the HW+SW pair holds a NUL */
            len = 21;
        for (kind = 0; kind < 3; kind++)
            for (t = 0; t < sizeof tails / sizeof tails[0]; t++)
                for (off = 0; off <= 200; off++) {
                    size_t n = off + len + tails[t], i;
                    uint8_t *b = malloc(n);
                    const ecu_id_field *f;
                    int spoil;
                    assert_non_null(b);
                    for (spoil = 0; spoil < 2; spoil++) {
                        for (i = 0; i < n; i++)
                            b[i] = background(kind, i);
                        memcpy(b + off, pt->text, len);
                        if (spoil)
                            b[off + pt->spoil] = '#';
                        assert_int_equal(ecu_id_analyze(id, b, n), ECU_OK);
                        f = ecu_id_get(id, pt->key);
                        if (spoil) {
                            if (f && strcmp(f->value, pt->value) == 0)
                                fail_msg("%s found at %zu of %zu with byte %zu spoilt", pt->value,
                                         off, n, pt->spoil);
                            continue;
                        }
                        if (!f || strcmp(f->value, pt->value) != 0 ||
                            f->offset != off + pt->value_at)
                            fail_msg("%s %s not found at %zu of %zu (background %u)", pt->key,
                                     pt->value, off + pt->value_at, n, kind);
                    }
                    free(b);
                }
    }
    ecu_id_free(id);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_every_place)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
