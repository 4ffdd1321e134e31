/* SPDX-License-Identifier: MIT */
/*
 * User-defined checksum layouts (include/ecu/layout.h, lib/layout.c, ecu-layout(5)):
 * - the parser: every keyword, comments, CRLF, hex and decimal, the limits, and every error
 *   with its line and column;
 * - the engine with a layout: verification and correction of each algorithm kind against
 *   values computed here independently (zlib's crc32, plain loops), conditions that refuse
 *   an image, ranges past the end, a correction that cannot succeed;
 * - built-in families that are pure data, written as layout files by hand
 *   (fixtures/layouts/NAME.layout) from their documented layouts: each of their synthetic
 *   fixtures gives the same verdict, blocks, values and corrected bytes through the layout
 *   as through the family.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "ecu/csum.h"
#include "ecu/error.h"
#include "ecu/image.h"
#include "ecu/layout.h"
#include "blk.h" /* ECU_LAYOUT_MAX_RANGES: the ranges a block of a layout file holds */

/* ---- helpers --------------------------------------------------------------------------------- */

static ecu_layout *parse_ok(const char *text)
{
    ecu_layout *l = ecu_layout_new();
    int rc;
    assert_non_null(l);
    rc = ecu_layout_parse(l, text, strlen(text));
    if (rc != ECU_OK)
        fail_msg("parse failed (%d) at %zu:%zu: %s\n---\n%s", rc, ecu_layout_error_line(l),
                 ecu_layout_error_column(l), ecu_layout_error(l), text);
    assert_string_equal(ecu_layout_error(l), "");
    assert_int_equal(ecu_layout_error_line(l), 0);
    return l;
}

static uint64_t rd(const uint8_t *d, size_t off, unsigned bytes, int be)
{
    uint64_t v = 0;
    unsigned i;
    for (i = 0; i < bytes; i++)
        v = v << 8 | d[off + (be ? i : bytes - 1 - i)];
    return v;
}

static uint64_t word_sum(const uint8_t *d, size_t from, size_t to, unsigned w, int be, uint64_t v)
{
    size_t i;
    for (i = from; i + w <= to; i += w)
        v += rd(d, i, w, be);
    return v;
}

static uint16_t xmodem(const uint8_t *d, size_t n)
{
    uint16_t c = 0;
    size_t i;
    int k;
    for (i = 0; i < n; i++) {
        c ^= (uint16_t)(d[i] << 8);
        for (k = 0; k < 8; k++)
            c = (uint16_t)(c & 0x8000 ? c << 1 ^ 0x1021 : c << 1);
    }
    return c;
}

static uint8_t *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = malloc(1 << 16);
    assert_non_null(f);
    assert_non_null(buf);
    *n = fread(buf, 1, 1 << 16, f);
    fclose(f);
    return buf;
}

/* ---- the parser: every keyword, and what it builds ---------------------------------------- */

#define IMG 0x400

static const char all_kinds[] =
    "# every keyword, with CRLF line ends, tabs and comments\r\n"
    "layout all-kinds.v1_x\r\n"
    "size 0x100 0x400   # two sizes on a line\r\n"
    "size 2048\r\n"
    "expect 0x10 \"AB\\\"D\"\r\n"
    "expect 20 45 46 # decimal offset, hex bytes\r\n"
    "contains \"GH\" 49      # anywhere in the image\r\n"
    "\r\n"
    "block \"sum \\\"one\\\" \\\\ two\"\r\n"
    "\tsum u16be acc 32 init 0x10\r\n"
    "\trange 0x40 0x7F\t\t# inclusive end\r\n"
    "\trange 128 +0x40\r\n"
    "\tstore 0x20 u32be complement\r\n"
    "block sum8\r\n"
    "  sum u8\r\n"
    "  range 0x100 0x1FF\r\n"
    "  store 0x28 u8\r\n"
    "block self\r\n"
    "  selfsum u32le target 0x12345678 init 5\r\n"
    "  range 0x200 0x27F\r\n"
    "  store 0x240 u32le\r\n"
    "block crc32\r\n"
    "  crc crc32\r\n"
    "  range 0x280 0x2FF\r\n"
    "  store 0x2C u32le\r\n"
    "block crc16\r\n"
    "  crc width 16 poly 0x1021 init 0 refin no refout false xorout 0\r\n"
    "  range 0x300 0x33F\r\n"
    "  store 0x30 u16be\r\n"
    "block comp\r\n"
    "  crc-target crc32 target 0x12345678\r\n"
    "  range 0x340 0x3FF\r\n"
    "  store 0x3F0 u32le\r\n"
    "block wide\r\n"
    "  sum u32le acc 64\r\n"
    "  range 0 15\r\n"
    "  store 0x38 u64be\r\n"
    "block crc16-preset\r\n"
    "  crc crc16-kermit refin yes\r\n"
    "  range 0x340 0x34F\r\n"
    "  store 0x34 u16le";

static uint8_t *all_kinds_image(void)
{
    uint8_t *d = malloc(IMG);
    size_t i;
    assert_non_null(d);
    for (i = 0; i < IMG; i++)
        d[i] = (uint8_t)(i * 7 + 3 + (i >> 8));
    memcpy(d + 0x10, "AB\"DEF", 6);
    memcpy(d + 0x3F8, "GHI", 3);
    memset(d + 0x20, 0, 0x20); /* every slot (0x20-0x3F) */
    memset(d + 0x240, 0, 4);
    memset(d + 0x3F0, 0, 4);
    return d;
}

static int in_slot(size_t i)
{
    return (i >= 0x20 && i < 0x40) || (i >= 0x240 && i < 0x244) || (i >= 0x3F0 && i < 0x3F4);
}

static void test_parse_all_keywords(void **state)
{
    ecu_layout *l;
    (void)state;
    l = parse_ok(all_kinds);
    assert_string_equal(ecu_layout_name(l), "all-kinds.v1_x");
    assert_int_equal(ecu_layout_block_count(l), 8);
    ecu_layout_free(l);
}

static void test_engine_all_kinds(void **state)
{
    ecu_layout *l = parse_ok(all_kinds);
    ecu_csum *cs = ecu_csum_new();
    uint8_t *d = all_kinds_image(), *fixed;
    const uint8_t *img;
    const ecu_block *b;
    size_t n, i;
    uint64_t s;
    (void)state;
    assert_non_null(cs);
    assert_int_equal(ecu_csum_set_layout(cs, l), ECU_OK);
    ecu_layout_free(l); /* the handle keeps its own copy */
    assert_int_equal(ecu_csum_analyze(cs, d, IMG), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    assert_string_equal(ecu_csum_family(cs)->name, "layout:all-kinds.v1_x");
    assert_int_equal(ecu_csum_score(cs), 100);
    assert_int_equal(ecu_csum_block_count(cs), 8);
    /* the blocks in the order listed, with their ranges (ends exclusive here) and slots */
    b = ecu_csum_block_at(cs, 0);
    assert_string_equal(b->name, "sum \"one\" \\ two");
    assert_int_equal(b->nranges, 2);
    assert_int_equal(b->ranges[0].start, 0x40);
    assert_int_equal(b->ranges[0].end, 0x80);
    assert_int_equal(b->ranges[1].start, 0x80);
    assert_int_equal(b->ranges[1].end, 0xC0);
    assert_int_equal(b->store_offset, 0x20);
    assert_int_equal(b->store_bytes, 8);
    assert_int_equal(b->computed, (word_sum(d, 0x40, 0xC0, 2, 1, 0x10)) & 0xFFFFFFFF);
    assert_string_equal(ecu_csum_block_at(cs, 1)->name, "sum8");
    assert_int_equal(ecu_csum_block_at(cs, 1)->computed, word_sum(d, 0x100, 0x200, 1, 0, 0) & 0xFF);
    assert_int_equal(ecu_csum_block_at(cs, 3)->computed, crc32(0, d + 0x280, 0x80));
    assert_int_equal(ecu_csum_block_at(cs, 4)->computed, xmodem(d + 0x300, 0x40));
    assert_int_equal(ecu_csum_block_at(cs, 6)->store_bytes, 8);
    for (i = 0; i < 7; i++)
        assert_int_equal(ecu_csum_block_at(cs, i)->status, ECU_BLOCK_BAD);

    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_FIXED);
    assert_int_equal(ecu_csum_bad_count(cs), 0);
    img = ecu_csum_image(cs, &n);
    assert_int_equal(n, IMG);
    fixed = malloc(n);
    assert_non_null(fixed);
    memcpy(fixed, img, n);
    for (i = 0; i < IMG; i++)
        if (!in_slot(i) && fixed[i] != d[i])
            fail_msg("byte 0x%zX outside every slot changed", i);
    /* each value as computed here */
    s = word_sum(fixed, 0x40, 0xC0, 2, 1, 0x10) & 0xFFFFFFFF;
    assert_int_equal(rd(fixed, 0x20, 4, 1), s);
    assert_int_equal(rd(fixed, 0x24, 4, 1), ~s & 0xFFFFFFFF);
    assert_int_equal(fixed[0x28], word_sum(fixed, 0x100, 0x200, 1, 0, 0) & 0xFF);
    assert_int_equal(word_sum(fixed, 0x200, 0x280, 4, 0, 5) & 0xFFFFFFFF, 0x12345678);
    assert_int_equal(rd(fixed, 0x2C, 4, 0), crc32(0, fixed + 0x280, 0x80));
    assert_int_equal(rd(fixed, 0x30, 2, 1), xmodem(fixed + 0x300, 0x40));
    assert_int_equal(crc32(0, fixed + 0x340, 0xC0), 0x12345678);
    assert_int_equal(rd(fixed, 0x38, 8, 1), word_sum(fixed, 0, 16, 4, 0, 0));
    /* corrected once, it verifies and a second correction changes nothing */
    assert_int_equal(ecu_csum_analyze(cs, fixed, n), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    assert_memory_equal(ecu_csum_image(cs, &n), fixed, IMG);
    free(fixed);
    free(d);
    ecu_csum_free(cs);
}

/* The conditions: a file of another size, or without the expected bytes, is refused. */
static void test_conditions(void **state)
{
    ecu_layout *l = parse_ok(all_kinds);
    ecu_csum *cs = ecu_csum_new();
    uint8_t *d = all_kinds_image(), big[2048];
    size_t n;
    (void)state;
    assert_int_equal(ecu_csum_set_layout(cs, l), ECU_OK);
    /* 0x200 bytes: not a size of the layout */
    assert_int_equal(ecu_csum_analyze(cs, d, 0x200), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_UNKNOWN);
    assert_null(ecu_csum_family(cs));
    assert_int_equal(ecu_csum_block_count(cs), 0);
    assert_non_null(strstr(ecu_csum_evidence(cs), "layout all-kinds.v1_x does not apply"));
    assert_non_null(strstr(ecu_csum_evidence(cs), "0x200 bytes"));
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_INVALID);
    /* an expected byte differs */
    d[0x15] ^= 1;
    assert_int_equal(ecu_csum_analyze(cs, d, IMG), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_UNKNOWN);
    assert_non_null(strstr(ecu_csum_evidence(cs), "expect line 6"));
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_INVALID);
    assert_memory_equal(ecu_csum_image(cs, &n), d, IMG);
    d[0x15] ^= 1;
    /* the bytes of the contains line nowhere */
    memcpy(big, d, IMG);
    for (n = 0; n + 3 <= IMG; n++)
        if (memcmp(big + n, "GHI", 3) == 0)
            big[n] = 'X';
    assert_int_equal(ecu_csum_analyze(cs, big, IMG), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_UNKNOWN);
    assert_non_null(strstr(ecu_csum_evidence(cs), "does not contain the bytes of the contains line 7"));
    /* the third size: it applies */
    memset(big, 0, sizeof big);
    memcpy(big, d, IMG);
    assert_int_equal(ecu_csum_analyze(cs, big, sizeof big), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    /* expected bytes past the end of the image */
    ecu_layout_free(l);
    l = parse_ok("layout e\nexpect 0xFE 01 02 03\nblock a\nsum u8\nrange 0 1\nstore 2 u8\n");
    assert_int_equal(ecu_csum_set_layout(cs, l), ECU_OK);
    assert_int_equal(ecu_csum_analyze(cs, d, 0x100), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_UNKNOWN);
    assert_non_null(strstr(ecu_csum_evidence(cs), "ends before the bytes expected at 0xFE"));
    ecu_layout_free(l);
    free(d);
    ecu_csum_free(cs);
}

/* A range or a slot past the end of the image: a bad block, never corrected, never read. */
static void test_past_the_end(void **state)
{
    static const char *const texts[] = {
        "layout p\nblock in\nsum u8\nrange 0 0x0F\nstore 0x10 u8\n"
        "block out\nsum u16le acc 32\nrange 0x20 0x1FFF\nstore 0x11 u32le\n",
        "layout p\nblock in\nsum u8\nrange 0 0x0F\nstore 0x10 u8\n"
        "block out\ncrc crc32\nrange 0x20 0x3F\nstore 0xFE u32le\n",
        "layout p\nblock in\nsum u8\nrange 0 0x0F\nstore 0x10 u8\n"
        "block out\ncrc-target crc32 target 0\nrange 0xF0 0x1FF\nstore 0xF0 u32le\n",
        "layout p\nblock in\nsum u8\nrange 0 0x0F\nstore 0x10 u8\n"
        "block out\nselfsum u32be target 0\nrange 0x80 0xFFFFFFFFFFFFFFFE\nstore 0x80 u32be\n",
    };
    uint8_t d[0x100];
    size_t k, i, n;
    (void)state;
    for (i = 0; i < sizeof d; i++)
        d[i] = (uint8_t)(i * 13);
    for (k = 0; k < sizeof texts / sizeof texts[0]; k++) {
        ecu_layout *l = parse_ok(texts[k]);
        ecu_csum *cs = ecu_csum_new();
        const ecu_block *b;
        assert_int_equal(ecu_csum_set_layout(cs, l), ECU_OK);
        assert_int_equal(ecu_csum_analyze(cs, d, sizeof d), ECU_OK);
        assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
        assert_int_equal(ecu_csum_bad_count(cs), 2); /* "in" holds a wrong value too */
        b = ecu_csum_block_at(cs, 1);
        assert_int_equal(b->status, ECU_BLOCK_BAD);
        assert_int_equal(b->stored, 0);
        assert_int_equal(b->computed, 0);
        assert_non_null(strstr(ecu_csum_evidence(cs), "past the end of the 0x100-byte image"));
        assert_non_null(strstr(ecu_csum_evidence(cs), "(first: out)"));
        assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
        assert_memory_equal(ecu_csum_image(cs, &n), d, sizeof d);
        assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
        ecu_layout_free(l);
        ecu_csum_free(cs);
    }
}

/* Two blocks that share a slot cannot both verify: the correction is refused, nothing changes. */
static void test_refused_fix(void **state)
{
    ecu_layout *l = parse_ok("layout twice\n"
                             "block a\n  sum u8\n  range 0x10 0x1F\n  store 0 u16be\n"
                             "block b\n  crc crc16-arc\n  range 0x20 0x2F\n  store 0 u16be\n");
    ecu_csum *cs = ecu_csum_new();
    uint8_t d[0x40];
    size_t i, n;
    (void)state;
    for (i = 0; i < sizeof d; i++)
        d[i] = (uint8_t)(i * 31 + 1);
    assert_int_equal(ecu_csum_set_layout(cs, l), ECU_OK);
    assert_int_equal(ecu_csum_analyze(cs, d, sizeof d), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
    assert_memory_equal(ecu_csum_image(cs, &n), d, sizeof d);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    ecu_layout_free(l);
    ecu_csum_free(cs);
}

/* A checksum inside another's range: corrected to a fixed point in the listed order. */
static void test_nested(void **state)
{
    ecu_layout *l = parse_ok("layout nested\n"
                             "block outer\n  sum u8 acc 16\n  range 0 0x3F\n  store 0x40 u16be\n"
                             "block inner\n  sum u8\n  range 0x10 0x1F\n  store 0x20 u8\n");
    ecu_csum *cs = ecu_csum_new();
    uint8_t d[0x42];
    const uint8_t *img;
    size_t i, n;
    (void)state;
    for (i = 0; i < sizeof d; i++)
        d[i] = (uint8_t)(i * 5 + 7);
    assert_int_equal(ecu_csum_set_layout(cs, l), ECU_OK);
    assert_int_equal(ecu_csum_analyze(cs, d, sizeof d), ECU_OK);
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    img = ecu_csum_image(cs, &n);
    assert_int_equal(img[0x20], word_sum(img, 0x10, 0x20, 1, 0, 0) & 0xFF);
    assert_int_equal(rd(img, 0x40, 2, 1), word_sum(img, 0, 0x40, 1, 0, 0) & 0xFFFF);
    for (i = 0; i < sizeof d; i++)
        if (i != 0x20 && i != 0x40 && i != 0x41)
            assert_int_equal(img[i], d[i]);
    ecu_layout_free(l);
    ecu_csum_free(cs);
}

/* ---- the parser: API and limits ------------------------------------------------------------ */

static void test_api(void **state)
{
    static const char one[] = "layout one\nblock a\nsum u8\nrange 0 1\nstore 2 u8\n";
    ecu_layout *l = ecu_layout_new();
    ecu_csum *cs = ecu_csum_new();
    (void)state;
    ecu_layout_free(NULL);
    assert_int_equal(ecu_layout_parse(NULL, one, sizeof one - 1), ECU_ERR_INVALID);
    assert_int_equal(ecu_layout_parse(l, NULL, 5), ECU_ERR_INVALID);
    assert_string_equal(ecu_layout_error(NULL), "");
    assert_int_equal(ecu_layout_error_line(NULL), 0);
    assert_int_equal(ecu_layout_error_column(NULL), 0);
    assert_null(ecu_layout_name(NULL));
    assert_int_equal(ecu_layout_block_count(NULL), 0);
    /* nothing parsed yet: not usable */
    assert_null(ecu_layout_name(l));
    assert_int_equal(ecu_csum_set_layout(cs, l), ECU_ERR_INVALID);
    assert_int_equal(ecu_csum_set_layout(NULL, l), ECU_ERR_INVALID);
    /* not NUL-terminated: only len bytes are read */
    assert_int_equal(ecu_layout_parse(l, "layout one\nblock a\nsum u8\nrange 0 1\nstore 2 u8\nXX",
                                      sizeof one - 1), ECU_OK);
    assert_string_equal(ecu_layout_name(l), "one");
    /* a failed parse leaves no layout, only the error */
    assert_int_equal(ecu_layout_parse(l, "layout two\nbogus\n", 17), ECU_ERR_SYNTAX);
    assert_null(ecu_layout_name(l));
    assert_int_equal(ecu_layout_block_count(l), 0);
    assert_int_equal(ecu_layout_error_line(l), 2);
    assert_int_equal(ecu_csum_set_layout(cs, l), ECU_ERR_INVALID);
    /* and a good parse clears the error */
    assert_int_equal(ecu_layout_parse(l, one, sizeof one - 1), ECU_OK);
    assert_string_equal(ecu_layout_error(l), "");
    assert_int_equal(ecu_layout_error_column(l), 0);
    /* a layout, then a family, then detection again */
    assert_int_equal(ecu_csum_set_layout(cs, l), ECU_OK);
    assert_int_equal(ecu_csum_analyze(cs, (const uint8_t *)"\1\2\3", 3), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    assert_string_equal(ecu_csum_family(cs)->name, "layout:one");
    /* a new layout forgets the analysis made with the old one (whose family it held) */
    assert_int_equal(ecu_csum_set_layout(cs, l), ECU_OK);
    assert_null(ecu_csum_family(cs));
    assert_int_equal(ecu_csum_block_count(cs), 0);
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_INVALID);
    assert_int_equal(ecu_csum_analyze(cs, (const uint8_t *)"\1\2\3", 3), ECU_OK);
    assert_string_equal(ecu_csum_family(cs)->name, "layout:one");
    assert_int_equal(ecu_csum_set_family(cs, "bosch-m43-volvo"), ECU_OK);
    assert_null(ecu_csum_family(cs));
    assert_int_equal(ecu_csum_analyze(cs, (const uint8_t *)"\1\2\3", 3), ECU_OK);
    assert_string_equal(ecu_csum_family(cs)->name, "bosch-m43-volvo");
    assert_int_equal(ecu_csum_set_layout(cs, l), ECU_OK);
    assert_int_equal(ecu_csum_set_layout(cs, NULL), ECU_OK);
    assert_int_equal(ecu_csum_analyze(cs, (const uint8_t *)"\1\2\3", 3), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_UNKNOWN);
    ecu_layout_free(l);
    ecu_csum_free(cs);
}

/* Appends to a growing text buffer. */
static void cat(char **buf, size_t *len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void cat(char **buf, size_t *len, const char *fmt, ...)
{
    va_list ap;
    int k;
    char piece[5000];
    va_start(ap, fmt);
    k = vsnprintf(piece, sizeof piece, fmt, ap);
    va_end(ap);
    assert_true(k >= 0 && (size_t)k < sizeof piece);
    *buf = realloc(*buf, *len + (size_t)k + 1);
    assert_non_null(*buf);
    memcpy(*buf + *len, piece, (size_t)k + 1);
    *len += (size_t)k;
}

static int try_parse(const char *text, size_t *line, size_t *col, char *msg, size_t msgsz)
{
    ecu_layout *l = ecu_layout_new();
    int rc = ecu_layout_parse(l, text, strlen(text));
    *line = ecu_layout_error_line(l);
    *col = ecu_layout_error_column(l);
    snprintf(msg, msgsz, "%s", ecu_layout_error(l));
    ecu_layout_free(l);
    return rc;
}

static void expect_error(const char *text, size_t line, size_t col, const char *part)
{
    size_t el, ec;
    char msg[256];
    int rc = try_parse(text, &el, &ec, msg, sizeof msg);
    if (rc != ECU_ERR_SYNTAX || el != line || ec != col || !strstr(msg, part))
        fail_msg("got %d at %zu:%zu '%s', expected %zu:%zu '%s'", rc, el, ec, msg, line, col,
                 part);
}

/* expect_error() on the text built in @p *t, then an empty text for the next one. */
static void expect_error_reset(char **t, size_t *n, size_t line, size_t col, const char *part)
{
    expect_error(*t, line, col, part);
    free(*t);
    *t = NULL;
    *n = 0;
}

static void test_limits(void **state)
{
    char *t = NULL, name[80];
    size_t n = 0, i, el, ec;
    char msg[256];
    (void)state;
    /* ECU_LAYOUT_MAX_RANGES ranges in a block, 16 sizes, 64 expected bytes, a 48-byte name, a 63-byte block name,
       a 4096-byte line, 1024 blocks */
    memset(name, 'n', 48);
    name[48] = '\0';
    cat(&t, &n, "layout %s\nsize", name);
    for (i = 0; i < 16; i++)
        cat(&t, &n, " %zu", 0x100 + i);
    cat(&t, &n, "\nexpect 0 ");
    for (i = 0; i < 64; i++)
        cat(&t, &n, "%02zX", i);
    memset(name, 'b', 63);
    name[63] = '\0';
    cat(&t, &n, "\nblock %s\nsum u8\nstore 0 u8\n", name);
    for (i = 0; i < ECU_LAYOUT_MAX_RANGES; i++)
        cat(&t, &n, "range %zu %zu\n", 16 * i + 1, 16 * i + 8);
    cat(&t, &n, "#%4095s\n", "");
    for (i = 1; i < 1024; i++)
        cat(&t, &n, "block b%zu\nsum u8\nrange 1 2\nstore 0 u8\n", i);
    {
        ecu_layout *l = parse_ok(t);
        assert_int_equal(ecu_layout_block_count(l), 1024);
        ecu_layout_free(l);
    }
    /* one more block */
    cat(&t, &n, "block over\nsum u8\nrange 1 2\nstore 0 u8\n");
    assert_int_equal(try_parse(t, &el, &ec, msg, sizeof msg), ECU_ERR_SYNTAX);
    assert_non_null(strstr(msg, "more than 1024 blocks"));
    assert_int_equal(el, 6 + ECU_LAYOUT_MAX_RANGES + 1 + 4 * 1023 + 1);
    assert_int_equal(ec, 1);
    free(t);
    t = NULL;
    n = 0;
    /* one more of each */
    memset(name, 'n', 49);
    name[49] = '\0';
    cat(&t, &n, "layout %s\n", name);
    expect_error_reset(&t, &n, 1, 8, "the name is 1 to 48");
    cat(&t, &n, "layout x\nsize");
    for (i = 0; i < 17; i++)
        cat(&t, &n, " %zu", 0x100 + i);
    expect_error_reset(&t, &n, 2, 5 + 4 * 16 + 1, "more than 16 sizes");
    cat(&t, &n, "layout x\nexpect 0 ");
    for (i = 0; i < 65; i++)
        cat(&t, &n, "%02zX", i);
    expect_error_reset(&t, &n, 2, 10 + 128, "more than 64 bytes");
    memset(name, 'b', 64);
    name[64] = '\0';
    cat(&t, &n, "layout x\nblock %s\n", name);
    expect_error_reset(&t, &n, 2, 7, "the name is 1 to 63 bytes");
    cat(&t, &n, "layout x\nblock a\nsum u8\nstore 0 u8\n");
    for (i = 0; i <= ECU_LAYOUT_MAX_RANGES; i++)
        cat(&t, &n, "  range %zu %zu\n", i, i);
    snprintf(msg, sizeof msg, "more than %d ranges in block 'a'", ECU_LAYOUT_MAX_RANGES);
    expect_error_reset(&t, &n, 5 + ECU_LAYOUT_MAX_RANGES, 3, msg);
    cat(&t, &n, "layout x\n#%4096s\n", "");
    expect_error_reset(&t, &n, 2, 4097, "longer than 4096 bytes");
    cat(&t, &n, "layout x\nexpect 0");
    for (i = 0; i < 79; i++)
        cat(&t, &n, " 00");
    expect_error_reset(&t, &n, 2, 9 + 3 * 78 + 1, "more than 80 words");
}

/* The same layout written in hex and decimal, with and without comments and CRLF. */
static void test_hex_decimal(void **state)
{
    ecu_layout *a = parse_ok("layout n\nsize 0x40\nblock a\nsum u16le acc 0x10 init 0xFF\n"
                             "range 0x0 0x1F\nstore 0x20 u16le complement\n");
    ecu_layout *b = parse_ok("  # comment first\r\n\r\nlayout n # the name\r\nsize 64\r\n"
                             "block \"a\"\r\nsum u16le acc 16 init 255\r\nrange 0 +32\r\n"
                             "store 32 u16le complement # and a comment\r\n# last");
    ecu_csum *ca = ecu_csum_new(), *cb = ecu_csum_new();
    uint8_t d[0x40];
    size_t i;
    (void)state;
    for (i = 0; i < sizeof d; i++)
        d[i] = (uint8_t)(i * 3);
    assert_int_equal(ecu_csum_set_layout(ca, a), ECU_OK);
    assert_int_equal(ecu_csum_set_layout(cb, b), ECU_OK);
    assert_int_equal(ecu_csum_analyze(ca, d, sizeof d), ECU_OK);
    assert_int_equal(ecu_csum_analyze(cb, d, sizeof d), ECU_OK);
    assert_int_equal(ecu_csum_block_at(ca, 0)->computed, ecu_csum_block_at(cb, 0)->computed);
    assert_int_equal(ecu_csum_block_at(ca, 0)->computed,
                     word_sum(d, 0, 0x20, 2, 0, 0xFF) & 0xFFFF);
    assert_int_equal(ecu_csum_block_at(cb, 0)->ranges[0].end, 0x20);
    assert_int_equal(ecu_csum_block_at(cb, 0)->store_bytes, 4);
    assert_int_equal(ecu_csum_fix(ca), ECU_OK);
    assert_int_equal(ecu_csum_fix(cb), ECU_OK);
    assert_memory_equal(ecu_csum_image(ca, NULL), ecu_csum_image(cb, NULL), sizeof d);
    ecu_layout_free(a);
    ecu_layout_free(b);
    ecu_csum_free(ca);
    ecu_csum_free(cb);
}

/* ---- the parser: every error, with its line and column ------------------------------------- */

#define B "layout x\nblock a\n"

struct err_case {
    const char *text;
    size_t line, col;
    const char *msg;
};

static const struct err_case errors[] = {
    {"", 1, 1, "no 'layout NAME' line"},
    {"# only a comment\n\n", 2, 1, "no 'layout NAME' line"},
    {"size 0x10\n", 1, 1, "the first line must be 'layout NAME' (found 'size')"},
    {"\"layout\" x\n", 1, 1, "a line starts with a keyword"},
    {"layout\n", 1, 7, "layout: the name is missing"},
    {"layout bad/name\n", 1, 8, "the name is 1 to 48 letters"},
    {"layout a b\n", 1, 10, "unexpected 'b'"},
    {"layout x\nlayout y\n", 2, 1, "a second 'layout' line (the first is line 1)"},
    {"layout x\n", 1, 1, "the layout has no block"},
    {"layout x\nsum u8\n", 2, 1, "'sum' outside a block"},
    {"layout x\n  range 0 1\n", 2, 3, "'range' outside a block"},
    {"layout x\nstore 0 u8\n", 2, 1, "'store' outside a block"},
    {"layout x\ncrc crc32\n", 2, 1, "'crc' outside a block"},
    {B "  sun u8\n", 3, 3, "unknown keyword 'sun'"},
    {"layout x\r\nblock a\r\n  sun u8\r\n", 3, 3, "unknown keyword 'sun'"},
    {"layout x\nbl\"ock a\n", 2, 3, "a quote inside a word"},
    {"layout x\nblock \"a\n", 2, 7, "unterminated quoted string"},
    {"layout x\nblock \"a\"b\n", 2, 10, "a blank must follow a quoted string"},
    {"layout x\nblock\n", 2, 6, "block: the name is missing"},
    {"layout x\nblock \"\"\n", 2, 7, "block: the name is 1 to 63 bytes"},
    {"layout x\nblock a b\n", 2, 9, "unexpected 'b'"},
    {B "sum u8\nrange 0 1\nstore 2 u8\nblock a\n", 6, 7, "a second block named 'a'"},
    {"layout x\nsize\n", 2, 5, "size: a number is missing"},
    {"layout x\nsize 0\n", 2, 6, "size: 0 bytes"},
    {"layout x\nsize 12k\n", 2, 6, "size: '12k' is not a number"},
    {"layout x\nsize 0x\n", 2, 6, "size: '0x' is not a number"},
    {B "sum u8\nrange 0 1\nstore 2 u8\nsize 4\n", 6, 1, "'size' belongs before the first block"},
    {B "expect 0 00\n", 3, 1, "'expect' belongs before the first block"},
    {"layout x\nexpect\n", 2, 7, "expect offset: a number is missing"},
    {"layout x\nexpect 0\n", 2, 9, "expect: the bytes are missing"},
    {"layout x\nexpect 0 ABC\n", 2, 10, "'ABC' has an odd number of hex digits"},
    {"layout x\nexpect 0 AZ\n", 2, 11, "'Z' is not a hex digit"},
    {"layout x\nexpect 0 G0\n", 2, 10, "'G' is not a hex digit"},
    {"layout x\nexpect 0 \"\"\n", 2, 10, "expect: an empty string"},
    {"layout x\ncontains\n", 2, 9, "contains: the bytes are missing"},
    {"layout x\ncontains 0 1\n", 2, 10, "contains: '0' has an odd number of hex digits"},
    {"layout x\ncontains \"a\" x0\n", 2, 14, "contains: 'x' is not a hex digit"},
    {B "contains 00\n", 3, 1, "'contains' belongs before the first block"},
    {B "sum\n", 3, 4, "sum: a type is missing"},
    {B "  sum u12\n", 3, 7, "sum: unknown type 'u12'"},
    {B "  sum u64le\n", 3, 7, "sum: unknown type 'u64le'"},
    {B "  sum u8 acc 12\n", 3, 14, "acc: 12 is not 8, 16, 32 or 64"},
    {B "  sum u8 init\n", 3, 14, "init: a number is missing"},
    {B "  sum u8 bogus 1\n", 3, 10, "unknown sum option 'bogus' (acc, init)"},
    {B "sum u8\nsum u8\n", 4, 1, "block 'a' has an algorithm already (line 3)"},
    {B "sum u8\ncrc crc32\n", 4, 1, "block 'a' has an algorithm already"},
    {B "selfsum u16le target 0\n", 3, 9, "selfsum: words are u32le or u32be"},
    {B "selfsum u32le\n", 3, 14, "selfsum: 'target N' is missing"},
    {B "selfsum u32le target 0x100000000\n", 3, 22, "target: 0x100000000 does not fit in 32 bits"},
    {B "selfsum u32le target 0 init 0x1FFFFFFFF\n", 3, 29, "init: 0x1FFFFFFFF does not fit in 32"},
    {B "selfsum u32le target 0 acc 16\n", 3, 24, "unknown selfsum option 'acc'"},
    {B "selfsum u32le target 0\nrange 0 15\nstore 4 u32be\n", 5, 1,
     "the compensation word has the words' byte order (u32le)"},
    {B "selfsum u32le target 0\nrange 0 15\nstore 2 u32le\n", 5, 1,
     "must lie in a range, a whole number of words from its start"},
    {B "selfsum u32le target 0\nrange 0 15\nstore 14 u32le\n", 5, 1, "must lie in a range"},
    {B "selfsum u32be target 0\nrange 0 15\nstore 4 u16be\n", 5, 1,
     "the compensation word is u32le or u32be"},
    {B "crc crc99\n", 3, 5, "crc: unknown CRC 'crc99'"},
    {B "crc\n", 3, 4, "crc: 'width N' (or a CRC name such as crc32) is missing"},
    {B "crc width 16\n", 3, 13, "crc: 'poly N' is missing"},
    {B "crc width 7 poly 1\n", 3, 11, "width: 7 is not from 8 to 64"},
    {B "crc width 16 poly 0x11021\n", 3, 11, "must fit in the width (16 bits)"},
    {B "crc crc16-arc init 0x10000\n", 3, 1, "must fit in the width (16 bits)"},
    {B "crc width 16 poly 0x1020\n", 3, 1, "crc: the polynomial 0x1020 is even"},
    {B "crc crc32 refin maybe\n", 3, 17, "refin: 'maybe' is not yes or no"},
    {B "crc crc32 refout\n", 3, 17, "refout: yes or no is missing"},
    {B "crc crc32 target 1\n", 3, 11, "unknown crc option 'target'"},
    {B "crc crc32\nrange 0 15\nstore 16 u16le\n", 5, 1, "a 32-bit CRC does not fit in 2 bytes"},
    {B "crc crc32\nrange 0 15\nstore 16 u32le complement\n", 5, 1,
     "only a sum is stored with its complement"},
    {B "crc-target crc16-arc target 0\n", 3, 1, "crc-target: only 32-bit CRCs can be compensated"},
    {B "crc-target crc32\n", 3, 17, "crc-target: 'target N' is missing"},
    {B "crc-target crc32 target 0x100000000\n", 3, 1, "the target does not fit in 32 bits"},
    {B "crc-target crc32 target 0\nrange 0 15\nrange 16 31\nstore 0 u32le\n", 3, 1,
     "crc-target covers exactly one range"},
    {B "crc-target crc32 target 0\nrange 0 15\nstore 14 u32le\n", 5, 1,
     "the compensation word must lie in the range"},
    {B "range\n", 3, 6, "range start: a number is missing"},
    {B "range 0\n", 3, 8, "range end: a number is missing"},
    {B "  range 0x10 0x0F\n", 3, 14, "range: the end 0xF is before the start 0x10"},
    {B "  range 0x1G 2\n", 3, 9, "range start: '0x1G' is not a number"},
    {B "  range 0 0x10000000000000000\n", 3, 11, "range end: 0x10000000000000000 does not fit"},
    {B "  range 0 18446744073709551616\n", 3, 11, "does not fit in 64 bits"},
    {B "  range 0 0xFFFFFFFFFFFFFFFF\n", 3, 11, "range: the end does not fit in 64 bits"},
    {B "  range 0 +0\n", 3, 11, "range length: an empty range"},
    {B "  range 0 +x\n", 3, 12, "range length: 'x' is not a number"},
    {B "  range 2 +0xFFFFFFFFFFFFFFFF\n", 3, 11, "start plus length does not fit in 64 bits"},
    {B "  range 0 1 2\n", 3, 13, "unexpected '2'"},
    {B "store\n", 3, 6, "store offset: a number is missing"},
    {B "store 0\n", 3, 8, "store: a type is missing"},
    {B "store 0 u24le\n", 3, 9, "store: unknown type 'u24le'"},
    {B "store 0 u8 extra\n", 3, 12, "unexpected 'extra'"},
    {B "store 0 u8 complement x\n", 3, 23, "unexpected 'x'"},
    {B "store 0xFFFFFFFFFFFFFFF8 u8\n", 3, 7, "store offset: too large"},
    {B "store 0 u8\nstore 2 u8\n", 4, 1, "block 'a' has a store line already (line 3)"},
    {B "sum u8\nrange 0 15\nstore 16 u64le complement\n", 5, 1,
     "a value stored with its complement has 1, 2 or 4 bytes"},
    {B "  range 0 1\n  store 4 u8\n", 2, 1, "block 'a' has no algorithm"},
    {B "  sum u8\n  store 4 u8\n", 2, 1, "block 'a' has no range"},
    {B "  sum u8\n  range 0 3\nblock b\n", 2, 1, "block 'a' has no store line"},
    {"layout x\nblock a\nsum u8\nrange 0 1\nstore 2 u8\nblock b\nsum u8\n", 6, 1,
     "block 'b' has no range"},
};

static void test_errors(void **state)
{
    size_t k;
    (void)state;
    for (k = 0; k < sizeof errors / sizeof errors[0]; k++)
        expect_error(errors[k].text, errors[k].line, errors[k].col, errors[k].msg);
    /* a NUL byte: the text is not a layout */
    {
        static const char nul[] = "layout x\nbl\0ock a\n";
        ecu_layout *l = ecu_layout_new();
        assert_int_equal(ecu_layout_parse(l, nul, sizeof nul - 1), ECU_ERR_SYNTAX);
        assert_int_equal(ecu_layout_error_line(l), 2);
        assert_int_equal(ecu_layout_error_column(l), 3);
        assert_non_null(strstr(ecu_layout_error(l), "NUL byte"));
        ecu_layout_free(l);
    }
}

/* ---- built-in families written as layout files ----------------------------------------------- */

struct equiv {
    const char *layout, *family, *good, *bad;
};

static const struct equiv equivs[] = {
    {"bosch-m43-volvo", "bosch-m43-volvo", "motronic-m43-volvo-64k", "motronic-m43-volvo-64k-bad"},
    {"bosch-m44-volvo", "bosch-m44-volvo", "motronic-m44-volvo-128k", "motronic-m44-volvo-128k-bad"},
    {"bosch-m1x-bmw", "bosch-m1x-bmw", "motronic-m1x-bmw-32k", "motronic-m1x-bmw-32k-bad"},
    {"bosch-dme-bmw-402-098", "bosch-dme-bmw", "motronic-dme-bmw-402-32k",
     "motronic-dme-bmw-402-32k-bad"},
    {"bosch-dme-bmw-413-623", "bosch-dme-bmw", "motronic-dme-bmw-413-64k",
     "motronic-dme-bmw-413-64k-bad"},
};

static ecu_layout *load_layout(const char *name)
{
    char path[512];
    size_t n;
    uint8_t *text;
    ecu_layout *l = ecu_layout_new();
    snprintf(path, sizeof path, "%s/layouts/%s.layout", ECU_FIXTURES_DIR, name);
    text = read_file(path, &n);
    if (ecu_layout_parse(l, (const char *)text, n) != ECU_OK)
        fail_msg("%s:%zu:%zu: %s", path, ecu_layout_error_line(l), ecu_layout_error_column(l),
                 ecu_layout_error(l));
    free(text);
    return l;
}

static ecu_image *load_image(const char *name)
{
    char path[512];
    ecu_image *img = ecu_image_new();
    snprintf(path, sizeof path, "%s/csum/%s.bin.gz", ECU_FIXTURES_DIR, name);
    if (ecu_image_load_file(img, path) != ECU_OK)
        fail_msg("%s: %s", path, ecu_image_error_detail(img));
    return img;
}

/* The family (detected) and the layout give the same analysis and the same correction. */
static void compare(const struct equiv *e, const char *file, ecu_verdict want)
{
    ecu_layout *l = load_layout(e->layout);
    ecu_image *img = load_image(file);
    ecu_csum *fam = ecu_csum_new(), *lay = ecu_csum_new();
    size_t i, k, nf, nl;
    char name[80];
    int rf, rl;
    assert_int_equal(ecu_csum_set_layout(lay, l), ECU_OK);
    assert_int_equal(ecu_csum_analyze(fam, ecu_image_data(img), ecu_image_size(img)), ECU_OK);
    assert_int_equal(ecu_csum_analyze(lay, ecu_image_data(img), ecu_image_size(img)), ECU_OK);
    if (!ecu_csum_family(fam) || strcmp(ecu_csum_family(fam)->name, e->family) != 0)
        fail_msg("%s: not detected as %s", file, e->family);
    snprintf(name, sizeof name, "layout:%s", ecu_layout_name(l));
    assert_string_equal(ecu_csum_family(lay)->name, name);
    if (ecu_csum_verdict(fam) != want || ecu_csum_verdict(lay) != want)
        fail_msg("%s: verdicts %s (family), %s (layout), expected %s", file,
                 ecu_verdict_name(ecu_csum_verdict(fam)), ecu_verdict_name(ecu_csum_verdict(lay)),
                 ecu_verdict_name(want));
    assert_int_equal(ecu_csum_block_count(fam), ecu_csum_block_count(lay));
    assert_int_equal(ecu_csum_bad_count(fam), ecu_csum_bad_count(lay));
    for (i = 0; i < ecu_csum_block_count(fam); i++) {
        const ecu_block *a = ecu_csum_block_at(fam, i), *b = ecu_csum_block_at(lay, i);
        assert_int_equal(a->nranges, b->nranges);
        for (k = 0; k < a->nranges; k++) {
            assert_int_equal(a->ranges[k].start, b->ranges[k].start);
            assert_int_equal(a->ranges[k].end, b->ranges[k].end);
        }
        assert_int_equal(a->stored, b->stored);
        assert_int_equal(a->computed, b->computed);
        assert_int_equal(a->store_offset, b->store_offset);
        assert_int_equal(a->store_bytes, b->store_bytes);
        assert_int_equal(a->status, b->status);
    }
    rf = ecu_csum_fix(fam);
    rl = ecu_csum_fix(lay);
    assert_int_equal(rf, ECU_OK);
    assert_int_equal(rl, ECU_OK);
    assert_int_equal(ecu_csum_verdict(fam), ecu_csum_verdict(lay));
    assert_memory_equal(ecu_csum_image(fam, &nf), ecu_csum_image(lay, &nl), ecu_image_size(img));
    assert_int_equal(nf, nl);
    if (want == ECU_VERDICT_BAD)
        assert_memory_not_equal(ecu_csum_image(lay, &nl), ecu_image_data(img), ecu_image_size(img));
    ecu_csum_free(fam);
    ecu_csum_free(lay);
    ecu_image_free(img);
    ecu_layout_free(l);
}

static void test_builtin_equivalent(void **state)
{
    size_t k;
    (void)state;
    for (k = 0; k < sizeof equivs / sizeof equivs[0]; k++) {
        compare(&equivs[k], equivs[k].good, ECU_VERDICT_OK);
        compare(&equivs[k], equivs[k].bad, ECU_VERDICT_BAD);
    }
}

/* The corrected -bad variant is the good image, through the layout alone. */
static void test_builtin_fix_gives_good(void **state)
{
    size_t k, n;
    (void)state;
    for (k = 0; k < sizeof equivs / sizeof equivs[0]; k++) {
        ecu_layout *l = load_layout(equivs[k].layout);
        ecu_image *good = load_image(equivs[k].good), *bad = load_image(equivs[k].bad);
        ecu_csum *cs = ecu_csum_new();
        const uint8_t *out, *g = ecu_image_data(good), *in = ecu_image_data(bad);
        size_t i, j;
        assert_int_equal(ecu_csum_set_layout(cs, l), ECU_OK);
        assert_int_equal(ecu_csum_analyze(cs, in, ecu_image_size(bad)), ECU_OK);
        assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
        assert_int_equal(ecu_csum_fix(cs), ECU_OK);
        out = ecu_csum_image(cs, &n);
        assert_int_equal(n, ecu_image_size(good));
        for (i = 0; i < ecu_csum_block_count(cs); i++)
            assert_int_equal(ecu_csum_block_at(cs, i)->status, ECU_BLOCK_FIXED);
        /* only the slots changed; the result differs from the good image only where the
           -bad variant changed its data, and in the slots */
        for (i = 0; i < n; i++) {
            int slot = 0;
            for (j = 0; j < ecu_csum_block_count(cs); j++) {
                const ecu_block *b = ecu_csum_block_at(cs, j);
                slot |= i >= b->store_offset && i < b->store_offset + b->store_bytes;
            }
            if (out[i] != in[i] && !slot)
                fail_msg("%s: byte 0x%zX outside the slots changed", equivs[k].bad, i);
            if (out[i] != g[i] && in[i] == g[i] && !slot)
                fail_msg("%s: byte 0x%zX differs from the good image", equivs[k].bad, i);
        }
        /* a layout with conditions refuses the other layouts' images */
        for (j = 0; j < sizeof equivs / sizeof equivs[0]; j++) {
            ecu_image *other;
            if (j == k)
                continue;
            other = load_image(equivs[j].good);
            assert_int_equal(ecu_csum_analyze(cs, ecu_image_data(other), ecu_image_size(other)),
                             ECU_OK);
            if (ecu_csum_verdict(cs) != ECU_VERDICT_UNKNOWN)
                fail_msg("layout %s applied to %s", equivs[k].layout, equivs[j].good);
            ecu_image_free(other);
        }
        ecu_csum_free(cs);
        ecu_image_free(good);
        ecu_image_free(bad);
        ecu_layout_free(l);
    }
}

/* Every example of ecu-layout(5) (each .nf/.fi block that holds a "layout" line) parses. */

/* ---- tables: records read from the image ---------------------------------------------------- */

static void wr(uint8_t *d, size_t off, uint64_t v, unsigned bytes, int be)
{
    unsigned i;
    for (i = 0; i < bytes; i++)
        d[off + (be ? bytes - 1 - i : i)] = (uint8_t)(v >> (8 * i));
}

/* a 64 KiB image with a table of 3 records of 16 bytes at 0xF000: start, end (included, BE,
   base 0x80000), a 16-bit BE word sum into 32 bits with its complement; each computed here */
static uint8_t *table_image(void)
{
    static const uint32_t rs[3][2] = {{0x0000, 0x0FFF}, {0x1000, 0x4FFF}, {0x6000, 0x6FFF}};
    uint8_t *d = malloc(0x10000);
    size_t i, r;
    assert_non_null(d);
    for (i = 0; i < 0x10000; i++)
        d[i] = (uint8_t)(i * 7 + (i >> 8) * 13 + 1);
    for (r = 0; r < 3; r++) {
        size_t q = 0xF000 + 16 * r;
        uint32_t v = (uint32_t)word_sum(d, rs[r][0], rs[r][1] + 1, 2, 1, 0);
        wr(d, q, 0x80000 + rs[r][0], 4, 1);
        wr(d, q + 4, 0x80000 + rs[r][1], 4, 1);
        wr(d, q + 8, v, 4, 1);
        wr(d, q + 12, ~v & 0xFFFFFFFFu, 4, 1);
    }
    return d;
}

static const char table_text[] = "layout tab\n"
                                 "table t\n"
                                 "  sum u16be acc 32\n"
                                 "  records 0xF000 count 3 stride 16\n"
                                 "  address u32be base 0x80000 end included\n"
                                 "  store +8 u32be complement\n";

static ecu_verdict verdict_of(const ecu_layout *l, const uint8_t *d, size_t n)
{
    ecu_csum *cs = ecu_csum_new();
    ecu_verdict v;
    assert_non_null(cs);
    assert_int_equal(ecu_csum_set_layout(cs, l), ECU_OK);
    assert_int_equal(ecu_csum_analyze(cs, d, n), ECU_OK);
    v = ecu_csum_verdict(cs);
    ecu_csum_free(cs);
    return v;
}

static void test_tables(void **state)
{
    uint8_t *d = table_image(), *m = malloc(0x10000);
    ecu_layout *l = parse_ok(table_text);
    ecu_csum *cs = ecu_csum_new();
    (void)state;
    assert_non_null(m);
    assert_int_equal(ecu_layout_block_count(l), 3);
    assert_int_equal(verdict_of(l, d, 0x10000), ECU_VERDICT_OK);
    /* a byte of each record's range flipped: bad, and fixed back */
    {
        static const size_t at[] = {0x0800, 0x3000, 0x6800};
        size_t k;
        for (k = 0; k < 3; k++) {
            memcpy(m, d, 0x10000);
            m[at[k]] ^= 1;
            assert_int_equal(verdict_of(l, m, 0x10000), ECU_VERDICT_BAD);
        }
        assert_non_null(cs);
        assert_int_equal(ecu_csum_set_layout(cs, l), ECU_OK);
        assert_int_equal(ecu_csum_analyze(cs, m, 0x10000), ECU_OK);
        assert_int_equal(ecu_csum_fix(cs), ECU_OK);
        assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_FIXED);
    }
    /* a byte outside the ranges (0x5000-0x5FFF) changes nothing */
    memcpy(m, d, 0x10000);
    m[0x5800] ^= 1;
    assert_int_equal(verdict_of(l, m, 0x10000), ECU_VERDICT_OK);
    /* a record that does not read as a range is bad, never skipped: end before start, below
       the base, past the image */
    memcpy(m, d, 0x10000);
    wr(m, 0xF014, 0x80000, 4, 1); /* record 1's end before its start */
    assert_int_equal(verdict_of(l, m, 0x10000), ECU_VERDICT_BAD);
    memcpy(m, d, 0x10000);
    wr(m, 0xF020, 0x1000, 4, 1); /* record 2's start below the base */
    assert_int_equal(verdict_of(l, m, 0x10000), ECU_VERDICT_BAD);
    memcpy(m, d, 0x10000);
    wr(m, 0xF024, 0x80000 + 0x20000, 4, 1); /* past the image */
    assert_int_equal(verdict_of(l, m, 0x10000), ECU_VERDICT_BAD);
    /* the table itself past the image's end */
    assert_int_equal(verdict_of(l, d, 0xF010), ECU_VERDICT_BAD);
    ecu_layout_free(l);
    /* end excluded: the same records read one byte shorter no longer verify */
    {
        char t[512];
        snprintf(t, sizeof t, "%s", table_text);
        memcpy(strstr(t, "included"), "excluded", 8);
        l = parse_ok(t);
        assert_int_equal(verdict_of(l, d, 0x10000), ECU_VERDICT_BAD);
        ecu_layout_free(l);
    }
    /* a self-sum table: the words of the range and the record's compensation word reach the
       target */
    {
        static const char st[] = "layout st\n"
                                 "table s\n"
                                 "  selfsum u32be target 0x5AA5A55A\n"
                                 "  records 0xF000 count 1 stride 12\n"
                                 "  address u32be\n"
                                 "  store +8 u32be\n";
        memcpy(m, d, 0x10000);
        wr(m, 0xF000, 0x100, 4, 1);
        wr(m, 0xF004, 0x4FF, 4, 1);
        wr(m, 0xF008, (0x5AA5A55Au - (uint32_t)word_sum(m, 0x100, 0x500, 4, 1, 0)) & 0xFFFFFFFFu, 4, 1);
        l = parse_ok(st);
        assert_int_equal(verdict_of(l, m, 0x10000), ECU_VERDICT_OK);
        m[0x200] ^= 0x10;
        assert_int_equal(verdict_of(l, m, 0x10000), ECU_VERDICT_BAD);
        ecu_layout_free(l);
    }
    /* errors */
    expect_error("layout x\ntable t\n  sum u8\n  range 0 1\n", 4, 3, "come from its records");
    expect_error("layout x\ntable t\n  sum u8\n  address u32le\n  store +8 u16le\n", 2, 1,
                 "no records line");
    expect_error("layout x\ntable t\n  sum u8\n  records 0 count 2 stride 16\n  store +8 u16le\n", 2,
                 1, "no address line");
    expect_error("layout x\ntable t\n  sum u8\n  records 0 count 2 stride 16\n  address u32le\n"
                 "  store 8 u16le\n", 6, 9, "written +N");
    expect_error("layout x\ntable t\n  sum u8\n  records 0 count 2 stride 16\n  address u32le\n"
                 "  store +4 u16le\n", 6, 3, "after its two addresses");
    expect_error("layout x\ntable t\n  sum u8\n  records 0 count 2 stride 10\n  address u32le\n"
                 "  store +8 u32le\n", 6, 3, "after its two addresses");
    expect_error("layout x\ntable t\n  sum u8\n  records 0 count 0 stride 16\n", 4, 19, "count");
    expect_error("layout x\ntable t\n  sum u8\n  records 0 count 2\n", 4, 20, "stride");
    expect_error("layout x\ntable t\n  sum u8\n  address u8\n", 4, 11, "not u8");
    expect_error("layout x\ntable t\n  sum u8\n  address u32le end both\n", 4, 21, "included or excluded");
    expect_error("layout x\nblock b\n  records 0 count 1 stride 16\n", 3, 3, "belongs in a table");
    expect_error("layout x\ntable t\n  crc-target crc32 target 0\n  records 0 count 1 stride 16\n"
                 "  address u32le\n  store +8 u32le\n", 6, 9, "store end-N");
    expect_error("layout x\nblock t\n  sum u8\n  range 0 1\n  store 2 u8\ntable t\n", 6, 7,
                 "a second block named");
    ecu_csum_free(cs);
    free(m);
    free(d);
}

static void test_man_examples(void **state)
{
    size_t n, found = 0;
    uint8_t *page = read_file(ECU_FIXTURES_DIR "/../man/ecu-layout.5", &n);
    char *text, *p, *end;
    (void)state;
    text = realloc(page, n + 1);
    assert_non_null(text);
    text[n] = '\0';
    for (p = text; (p = strstr(p, "\n.nf\n")) != NULL; p = end) {
        char *q, *o;
        p += 5;
        end = strstr(p, "\n.fi");
        assert_non_null(end);
        *end++ = '\0';
        if (strncmp(p, "layout ", 7) != 0 && !strstr(p, "\nlayout "))
            continue;
        /* undo the roff escapes: \e is a backslash, \- a hyphen */
        for (q = o = p; *q; q++) {
            if (q[0] == '\\' && (q[1] == 'e' || q[1] == '-')) {
                *o++ = q[1] == 'e' ? '\\' : '-';
                q++;
            } else {
                *o++ = *q;
            }
        }
        *o = '\0';
        ecu_layout_free(parse_ok(p));
        found++;
    }
    assert_true(found >= 7);
    free(text);
}

/* records at MARKER, stop, disabled: on the image of test_tables (3 records at 0xF000) */
/* a union table: the ranges of its records make one block; the slot at end-N, an offset or +N */
static uint8_t union_verdict(const char *store, const uint8_t *img, size_t n)
{
    char text[512];
    ecu_layout *l = ecu_layout_new();
    ecu_csum *cs = ecu_csum_new();
    uint8_t v;
    assert_non_null(l);
    assert_non_null(cs);
    snprintf(text, sizeof text, "layout u\ntable t\n  sum u16le acc 32\n  records at 00100000 count 2 "
             "stride 8\n  address u32le end excluded\n  union\n  store %s u32le complement\n", store);
    if (ecu_layout_parse(l, text, strlen(text)) != ECU_OK)
        fail_msg("%s: %s", store, ecu_layout_error(l));
    assert_int_equal(ecu_csum_set_layout(cs, l), ECU_OK);
    assert_int_equal(ecu_csum_analyze(cs, img, n), ECU_OK);
    assert_int_equal(ecu_csum_block_count(cs), 1);
    v = (uint8_t)ecu_csum_verdict(cs);
    ecu_csum_free(cs);
    ecu_layout_free(l);
    return v;
}

static void test_table_union(void **state)
{
    enum { N = 0x4000 };
    static uint8_t img[N];
    uint32_t v = 0;
    size_t i;
    (void)state;
    for (i = 0; i < N; i++)
        img[i] = (uint8_t)(i * 7 + (i >> 8));
    /* records at 0x200: [0x1000, 0x1800), [0x2000, 0x2100); the value at 0x2100 - 0x20 */
    memcpy(img + 0x1F0, "\xFF\xFF\xFF\xFF", 4);
    memcpy(img + 0x200, "\x00\x10\x00\x00\x00\x18\x00\x00\x00\x20\x00\x00\x00\x21\x00\x00", 16);
    memset(img + 0x20E0, 0, 4);
    memset(img + 0x20E4, 0xFF, 4);
    for (i = 0x1000; i < 0x1800; i += 2)
        v += (uint32_t)(img[i] | img[i + 1] << 8);
    for (i = 0x2000; i < 0x2100; i += 2)
        v += (uint32_t)(img[i] | img[i + 1] << 8);
    for (i = 0; i < 4; i++) {
        img[0x20E0 + i] = (uint8_t)(v >> (8 * i));
        img[0x20E4 + i] = (uint8_t)(~v >> (8 * i));
    }
    assert_int_equal(union_verdict("end-0x20", img, N), ECU_VERDICT_OK);
    assert_int_equal(union_verdict("0x20E0", img, N), ECU_VERDICT_OK);
    assert_int_equal(union_verdict("+0x1EE0", img, N), ECU_VERDICT_OK);
    assert_int_equal(union_verdict("end-0x24", img, N), ECU_VERDICT_BAD);
    assert_int_equal(union_verdict("0x20E4", img, N), ECU_VERDICT_BAD);
    img[0x2010] ^= 1; /* in the second range */
    assert_int_equal(union_verdict("end-0x20", img, N), ECU_VERDICT_BAD);
    img[0x2010] ^= 1;
    img[0x1900] ^= 1; /* between the ranges */
    assert_int_equal(union_verdict("end-0x20", img, N), ECU_VERDICT_OK);
    img[0x1900] ^= 1;
    img[0x20C] = 0x18; /* the second record no range (end before start): bad, never skipped */
    assert_int_equal(union_verdict("end-0x20", img, N), ECU_VERDICT_BAD);
    img[0x20C] = 0x21;
    /* errors */
    expect_error("layout x\ntable t\n  selfsum u32le target 0\n  records 0 count 2 stride 8\n"
                 "  address u32le\n  union\n  store end-4 u32le\n", 3, 3, "a union's value is stored");
    expect_error("layout x\ntable t\n  sum u8\n  records 0 count 2 stride 8\n  address u32le\n"
                 "  union\n  disabled 00\n  store end-4 u32le\n", 2, 1, "no disabled records");
    expect_error("layout x\ntable t\n  sum u8\n  records 0 count 17 stride 8\n  address u32le\n"
                 "  union\n  store end-4 u32le\n", 2, 1, "a union of 1 to 16 records");
    expect_error("layout x\ntable t\n  sum u8\n  records 0 count 2 stride 16\n  address u32le\n"
                 "  store end-4 u16le\n", 6, 9, "for a union table");
    expect_error("layout x\ntable t\n  sum u8\n  records 0 count 2 stride 16\n  address u32le\n"
                 "  union\n  union\n  store end-4 u16le\n", 7, 3, "a union line already");
    expect_error("layout x\nblock b\n  sum u8\n  union\n", 4, 3, "belongs in a table");
}

/* a table whose records' self-sums (and crc-targets) keep the compensation word at the end of
   each record's range (store end-N; the EDC16 region descriptors, LeZed97/ZedSuite
   edc16-checksum.ts; the EDC17 structures, ConnorHowell/medc17-checksum-tool main.py) */
static ecu_csum *end_slot_csum(const char *alg, const char *store, const uint8_t *img, size_t n)
{
    char text[512];
    ecu_layout *l = ecu_layout_new();
    ecu_csum *cs = ecu_csum_new();
    assert_non_null(l);
    assert_non_null(cs);
    snprintf(text, sizeof text, "layout e\ntable t\n  %s\n  records 0x34 count 2 stride 0x1000\n"
             "  address u32be base 0x180000\n  store %s u32be\n", alg, store);
    if (ecu_layout_parse(l, text, strlen(text)) != ECU_OK)
        fail_msg("%s: %s", store, ecu_layout_error(l));
    assert_int_equal(ecu_csum_set_layout(cs, l), ECU_OK);
    ecu_layout_free(l);
    assert_int_equal(ecu_csum_analyze(cs, img, n), ECU_OK);
    return cs;
}

static uint8_t end_slot_verdict(const char *alg, const char *store, const uint8_t *img, size_t n)
{
    ecu_csum *cs = end_slot_csum(alg, store, img, n);
    uint8_t v = (uint8_t)ecu_csum_verdict(cs);
    ecu_csum_free(cs);
    return v;
}

static void put_be32(uint8_t *d, uint32_t v)
{
    d[0] = (uint8_t)(v >> 24);
    d[1] = (uint8_t)(v >> 16);
    d[2] = (uint8_t)(v >> 8);
    d[3] = (uint8_t)v;
}

static void test_table_end_slot(void **state)
{
    enum { N = 0x4000 };
    static uint8_t img[N];
    const char *ss = "selfsum u32be target 0xD01FE500";
    const char *ct = "crc-target width 32 poly 0x04C11DB7 init 0x7F537B5F refin yes refout yes xorout 0 "
                     "target 0xCAFEAFFE";
    ecu_csum *cs;
    const uint8_t *fixed;
    size_t i, n;
    (void)state;
    srand(14);
    for (i = 0; i < N; i++)
        img[i] = (uint8_t)rand();
    /* records at 0x34 and 0x1034: [0x0, 0x1000) and [0x1000, 0x2E00) (ends included) */
    put_be32(img + 0x34, 0x180000);
    put_be32(img + 0x38, 0x180FFF);
    put_be32(img + 0x1034, 0x181000);
    put_be32(img + 0x1038, 0x182DFF);
    /* the compensation words, as computed here: each region's words add up to the target */
    put_be32(img + 0xFFC, 0);
    put_be32(img + 0x2DFC, 0);
    put_be32(img + 0xFFC, (uint32_t)(0xD01FE500u - (uint32_t)word_sum(img, 0, 0x1000, 4, 1, 0)));
    put_be32(img + 0x2DFC, (uint32_t)(0xD01FE500u - (uint32_t)word_sum(img, 0x1000, 0x2E00, 4, 1, 0)));
    assert_int_equal(word_sum(img, 0, 0x1000, 4, 1, 0) & 0xFFFFFFFF, 0xD01FE500);
    assert_int_equal(end_slot_verdict(ss, "end-4", img, N), ECU_VERDICT_OK);
    cs = end_slot_csum(ss, "end-8", img, N); /* the same sum; the slot moves */
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    assert_int_equal(ecu_csum_block_at(cs, 1)->store_offset, 0x2DF8);
    ecu_csum_free(cs);
    cs = end_slot_csum(ss, "end-4", img, N);
    assert_int_equal(ecu_csum_block_count(cs), 2);
    assert_int_equal(ecu_csum_block_at(cs, 0)->store_offset, 0xFFC);
    assert_int_equal(ecu_csum_block_at(cs, 1)->store_offset, 0x2DFC);
    ecu_csum_free(cs);
    img[0x2000] ^= 1; /* in the second range */
    assert_int_equal(end_slot_verdict(ss, "end-4", img, N), ECU_VERDICT_BAD);
    img[0x2000] ^= 1;
    img[0x3000] ^= 1; /* outside both */
    assert_int_equal(end_slot_verdict(ss, "end-4", img, N), ECU_VERDICT_OK);
    img[0x3000] ^= 1;
    put_be32(img + 0x1038, 0x182DFD); /* a range of 0x1DFE bytes: the slot is no whole word */
    assert_int_equal(end_slot_verdict(ss, "end-4", img, N), ECU_VERDICT_BAD);
    put_be32(img + 0x1038, 0x181002); /* a range of 3 bytes: shorter than its slot */
    assert_int_equal(end_slot_verdict(ss, "end-4", img, N), ECU_VERDICT_BAD);
    put_be32(img + 0x1038, 0x182DFF);
    /* correction writes each end slot; the result checked here */
    put_be32(img + 0xFFC, 0x12345678);
    cs = end_slot_csum(ss, "end-4", img, N);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    fixed = ecu_csum_image(cs, &n);
    assert_int_equal(word_sum(fixed, 0, 0x1000, 4, 1, 0) & 0xFFFFFFFF, 0xD01FE500);
    for (i = 0; i < N; i++)
        if ((i < 0xFFC || i >= 0x1000) && fixed[i] != img[i])
            fail_msg("byte 0x%zX outside the slot changed", i);
    ecu_csum_free(cs);
    /* crc-target: reflected CRC-32 from the register 0xFADECAFE (init 0x7F537B5F unreflected), no final xor, reaches 0xCAFEAFFE over each
       range; checked here with zlib, which inverts the register before and after:
       crc32(~0xFADECAFE, range) == ~0xCAFEAFFE */
    assert_int_equal(end_slot_verdict(ct, "end-4", img, N), ECU_VERDICT_BAD);
    cs = end_slot_csum(ct, "end-4", img, N);
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    fixed = ecu_csum_image(cs, &n);
    assert_int_equal(crc32(0x05213501, fixed, 0x1000), 0x35015001);
    assert_int_equal(crc32(0x05213501, fixed + 0x1000, 0x1E00), 0x35015001);
    memcpy(img, fixed, N);
    ecu_csum_free(cs);
    assert_int_equal(end_slot_verdict(ct, "end-4", img, N), ECU_VERDICT_OK);
    img[0x1800] ^= 0x80;
    assert_int_equal(end_slot_verdict(ct, "end-4", img, N), ECU_VERDICT_BAD);
    /* errors */
    expect_error("layout x\ntable t\n  crc-target crc32 target 0\n  records 0 count 2 stride 16\n"
                 "  address u32le\n  store +8 u32le\n", 6, 9, "store end-N");
    expect_error("layout x\ntable t\n  selfsum u32le target 0\n  records 0 count 2 stride 16\n"
                 "  address u32le\n  disabled 00\n  store end-4 u32le\n", 2, 1, "disabled records");
    expect_error("layout x\ntable t\n  selfsum u32le target 0\n  records 0 count 2 stride 16\n"
                 "  address u32le\n  store end-2 u32le\n", 6, 9, "at least its size");
    expect_error("layout x\ntable t\n  sum u16le\n  records 0 count 2 stride 16\n"
                 "  address u32le\n  store end-4 u32le\n", 6, 9, "for a union table");
}

/* counted OFFSET TYPE: the image's own count of the records */
static void test_table_counted(void **state)
{
    uint8_t *d = table_image();
    ecu_layout *l;
    ecu_csum *cs = ecu_csum_new();
    (void)state;
    assert_non_null(cs);
    wr(d, 0xEFFE, 3, 2, 1); /* the image counts 3 records (u16be), right before them */
    l = parse_ok("layout cn\ntable t\n  sum u16be acc 32\n  records 0xF000 count 3 stride 16\n"
                 "  counted 0xEFFE u16be\n  address u32be base 0x80000 end included\n"
                 "  store +8 u32be complement\n");
    assert_int_equal(verdict_of(l, d, 0x10000), ECU_VERDICT_OK);
    assert_int_equal(ecu_csum_set_layout(cs, l), ECU_OK);
    /* another count (or the word read the other way round): one bad block, no record read */
    wr(d, 0xEFFE, 2, 2, 1);
    assert_int_equal(ecu_csum_analyze(cs, d, 0x10000), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    assert_int_equal(ecu_csum_block_count(cs), 1);
    assert_non_null(strstr(ecu_csum_block_at(cs, 0)->name, "t[count]"));
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
    wr(d, 0xEFFE, 3, 2, 0);
    assert_int_equal(ecu_csum_analyze(cs, d, 0x10000), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    wr(d, 0xEFFE, 3, 2, 1);
    assert_int_equal(ecu_csum_analyze(cs, d, 0x10000), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    assert_int_equal(ecu_csum_block_count(cs), 3);
    ecu_layout_free(l);
    /* a word past the image's end: bad, never skipped */
    l = parse_ok("layout cn\ntable t\n  sum u16be acc 32\n  records 0xF000 count 3 stride 16\n"
                 "  counted 0xFFFF u16be\n  address u32be base 0x80000 end included\n"
                 "  store +8 u32be complement\n");
    assert_int_equal(verdict_of(l, d, 0x10000), ECU_VERDICT_BAD);
    ecu_layout_free(l);
    expect_error("layout x\ntable t\n  sum u16le\n  counted 0x10\n", 4, 15, "type is missing");
    expect_error("layout x\ntable t\n  sum u16le\n  counted 0x10 u24le\n", 4, 16, "unknown type");
    expect_error("layout x\ntable t\n  sum u16le\n  counted 0x10 u16le\n  counted 0x10 u16le\n", 5, 3,
                 "counted line already");
    expect_error("layout x\ntable t\n  sum u16le\n  counted 0x10 u16le 3\n", 4, 22, "");
    expect_error("layout x\nblock b\n  sum u16le\n  counted 0x10 u16le\n", 4, 3, "");
    ecu_csum_free(cs);
    free(d);
}

static void test_table_marker_stop_disabled(void **state)
{
    uint8_t *d = table_image(), *m = malloc(0x10000);
    ecu_layout *l;
    ecu_csum *cs = ecu_csum_new();
    char t[1024];
    (void)state;
    assert_non_null(m);
    assert_non_null(cs);
    /* the marker: record 0's start and end as stored (BE, base 0x80000) */
    snprintf(t, sizeof t, "layout at\ntable t\n  sum u16be acc 32\n"
             "  records at %02X%02X%02X%02X%02X%02X%02X%02X count 3 stride 16\n"
             "  address u32be base 0x80000 end included\n  store +8 u32be complement\n",
             d[0xF000], d[0xF001], d[0xF002], d[0xF003], d[0xF004], d[0xF005], d[0xF006], d[0xF007]);
    l = parse_ok(t);
    assert_int_equal(verdict_of(l, d, 0x10000), ECU_VERDICT_OK);
    /* the table moved to 0xE800 (nothing of it left at 0xF000): still found, ok */
    memcpy(m, d, 0x10000);
    memcpy(m + 0xE800, d + 0xF000, 48);
    memset(m + 0xF000, 0x5A, 48);
    assert_int_equal(verdict_of(l, m, 0x10000), ECU_VERDICT_OK);
    m[0x3000] ^= 1; /* record 1's range */
    assert_int_equal(verdict_of(l, m, 0x10000), ECU_VERDICT_BAD);
    /* no marker: one bad block, never a skipped table */
    memcpy(m, d, 0x10000);
    m[0xF003] ^= 1;
    assert_int_equal(ecu_csum_set_layout(cs, l), ECU_OK);
    assert_int_equal(ecu_csum_analyze(cs, m, 0x10000), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
    assert_int_equal(ecu_csum_block_count(cs), 1);
    assert_non_null(strstr(ecu_csum_block_at(cs, 0)->name, "[marker]"));
    ecu_layout_free(l);
    /* stop: count 5, the fourth record erased: 3 blocks, ok; the fourth neither a range nor
       erased: bad */
    l = parse_ok("layout st\ntable t\n  sum u16be acc 32\n  records 0xF000 count 5 stride 16 stop 0xFFFFFFFF\n"
                 "  address u32be base 0x80000 end included\n  store +8 u32be complement\n");
    memcpy(m, d, 0x10000);
    memset(m + 0xF030, 0xFF, 16);
    assert_int_equal(ecu_csum_set_layout(cs, l), ECU_OK);
    assert_int_equal(ecu_csum_analyze(cs, m, 0x10000), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    assert_int_equal(ecu_csum_block_count(cs), 3);
    m[0xF030] = 0x00; /* start 0x00FFFFFF: no range (end below the start), not the stop */
    assert_int_equal(verdict_of(l, m, 0x10000), ECU_VERDICT_BAD);
    m[0xF030] = 0xFF;
    m[0xF001] ^= 0x01; /* record 0's start: bad, never the end */
    assert_int_equal(verdict_of(l, m, 0x10000), ECU_VERDICT_BAD);
    /* without stop, the erased record is bad */
    ecu_layout_free(l);
    l = parse_ok("layout st\ntable t\n  sum u16be acc 32\n  records 0xF000 count 4 stride 16\n"
                 "  address u32be base 0x80000 end included\n  store +8 u32be complement\n");
    memcpy(m, d, 0x10000);
    memset(m + 0xF030, 0xFF, 16);
    assert_int_equal(verdict_of(l, m, 0x10000), ECU_VERDICT_BAD);
    ecu_layout_free(l);
    /* disabled: record 1 made 0, 0, the empty sum 0 and its complement */
    l = parse_ok("layout dis\ntable t\n  sum u16be acc 32\n  records 0xF000 count 3 stride 16\n"
                 "  address u32be base 0x80000 end included\n  store +8 u32be complement\n"
                 "  disabled 000000000000000000000000FFFFFFFF\n");
    memcpy(m, d, 0x10000);
    memset(m + 0xF010, 0, 12);
    memset(m + 0xF01C, 0xFF, 4);
    assert_int_equal(ecu_csum_set_layout(cs, l), ECU_OK);
    assert_int_equal(ecu_csum_analyze(cs, m, 0x10000), ECU_OK);
    assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
    assert_int_equal(ecu_csum_block_count(cs), 3);
    assert_int_equal(ecu_csum_block_at(cs, 1)->nranges, 0);
    assert_int_equal(verdict_of(l, d, 0x10000), ECU_VERDICT_OK); /* all three active */
    m[0x3000] ^= 1; /* record 1's old range: no longer checked */
    assert_int_equal(verdict_of(l, m, 0x10000), ECU_VERDICT_OK);
    m[0x3000] ^= 1;
    m[0xF01B] = 1; /* the disabled record's value: no longer the pattern, read as a record: bad */
    assert_int_equal(verdict_of(l, m, 0x10000), ECU_VERDICT_BAD);
    ecu_layout_free(l);
    /* a selfsum table's disabled record: the compensation word alone reaches the target */
    l = parse_ok("layout sd\ntable s\n  selfsum u32be target 0x5AA5A55A\n  records 0xF000 count 2 stride 12\n"
                 "  address u32be\n  store +8 u32be\n  disabled 00000000000000005AA5A55A\n");
    memcpy(m, d, 0x10000);
    wr(m, 0xF000, 0x100, 4, 1);
    wr(m, 0xF004, 0x4FF, 4, 1);
    wr(m, 0xF008, (0x5AA5A55Au - (uint32_t)word_sum(m, 0x100, 0x500, 4, 1, 0)) & 0xFFFFFFFFu, 4, 1);
    wr(m, 0xF00C, 0, 4, 1);
    wr(m, 0xF010, 0, 4, 1);
    wr(m, 0xF014, 0x5AA5A55A, 4, 1);
    assert_int_equal(verdict_of(l, m, 0x10000), ECU_VERDICT_OK);
    m[0xF017] ^= 1;
    assert_int_equal(verdict_of(l, m, 0x10000), ECU_VERDICT_BAD);
    ecu_layout_free(l);
    /* errors */
    expect_error("layout x\ntable t\n  sum u8\n  records at 0011 count 1 stride 16\n", 4, 14, "4 to 64");
    expect_error("layout x\ntable t\n  sum u8\n  records at 001 count 1 stride 16\n", 4, 14, "hex digits");
    expect_error("layout x\ntable t\n  sum u8\n  records at 0011223G count 1 stride 16\n", 4, 21,
                 "not a hex digit");
    expect_error("layout x\ntable t\n  sum u8\n  records at\n", 4, 13, "missing");
    expect_error("layout x\ntable t\n  sum u8\n  records 0 count 1 stride 16 stop\n", 4, 35, "");
    expect_error("layout x\ntable t\n  sum u8\n  records 0 count 1 stride 16\n  address u32le\n"
                 "  store +8 u32le\n  disabled 0000\n", 2, 1, "disabled record");
    expect_error("layout x\ntable t\n  sum u8\n  records 0 count 1 stride 16\n  address u32le\n"
                 "  store +8 u32le\n  disabled 000000000000000000000000\n  disabled 00\n", 8, 3,
                 "disabled line already");
    expect_error("layout x\nblock b\n  disabled 00\n", 3, 3, "belongs in a table");
    ecu_csum_free(cs);
    free(m);
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_all_keywords),
        cmocka_unit_test(test_engine_all_kinds),
        cmocka_unit_test(test_conditions),
        cmocka_unit_test(test_past_the_end),
        cmocka_unit_test(test_refused_fix),
        cmocka_unit_test(test_nested),
        cmocka_unit_test(test_api),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_hex_decimal),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_builtin_equivalent),
        cmocka_unit_test(test_builtin_fix_gives_good),
        cmocka_unit_test(test_man_examples),
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_table_marker_stop_disabled),
        cmocka_unit_test(test_table_counted),
        cmocka_unit_test(test_table_union),
        cmocka_unit_test(test_table_end_slot),
    };
    return cmocka_run_group_tests_name("layout", tests, NULL, NULL);
}
