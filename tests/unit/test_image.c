/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the image loader (ecu/image.h), written from the loader specification
 * and the public header only, independently of lib/image.c.
 *
 * How the record literals were obtained: every Intel HEX and S-record line below was
 * generated with a small python3 script on the development machine, independent of the
 * library:
 *   Intel HEX: cs = (-(LL + AH + AL + TT + sum(DD))) & 0xFF   (two's complement)
 *   S-record:  cs = (~(CC + sum(address bytes) + sum(data bytes))) & 0xFF  (ones' compl.)
 * and re-checked with a second script (all bytes of a HEX record sum to 0 mod 256; for
 * an S-record CC + ... + SS == 0xFF mod 256 and CC == number of bytes after CC). The
 * records that are meant to be wrong say so next to them. Expected data, base and entry
 * values are worked out by hand in the comments; none is derived by calling the loader.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "ecu/error.h"
#include "ecu/image.h"

/* ------------------------------------------------------------------------------------ */
/* Records (see the header comment for how the checksums were computed).                 */

/* Intel HEX */
#define H_EOF         ":00000001FF"            /* type 01, end of file */
#define H_EOF_LEN1    ":0100000100FE"          /* type 01 with length 1 (SYNTAX) */
#define H_D10         ":0400100001020304E2"    /* 4 bytes 01 02 03 04 at 0x0010 */
#define H_D10_BADCS   ":0400100001020304E3"    /* same, checksum off by one (E2 is right) */
#define H_D20         ":03002000AABBCCAC"      /* AA BB CC at 0x0020 */
#define H_DFFFE       ":04FFFE001122334455"    /* 11 22 33 44 at 0xFFFE..0x10001 */
#define H_D0_DEAD     ":02000000DEAD73"        /* DE AD at 0x0000 */
#define H_D8_BEEF     ":02000800BEEF49"        /* BE EF at 0x0008 */
#define H_SEG1000     ":020000021000EC"        /* type 02, segment 0x1000 -> base 0x10000 */
#define H_SEG_LEN3    ":03000002100000EB"      /* type 02 with length 3 (SYNTAX) */
#define H_SSA         ":0400000312345678E5"    /* type 03, CS=0x1234 IP=0x5678 -> 0x179B8 */
#define H_SSA_LEN2    ":020000031234B5"        /* type 03 with length 2 (SYNTAX) */
#define H_ELA0800     ":020000040800F2"        /* type 04, 0x0800 -> base 0x08000000 */
#define H_ELA_LEN1    ":0100000408F3"          /* type 04 with length 1 (SYNTAX) */
#define H_ELAFFFF     ":02000004FFFFFC"        /* type 04, 0xFFFF -> base 0xFFFF0000 */
#define H_SLA         ":0400000508000131BD"    /* type 05, entry 0x08000131 */
#define H_SLA_LEN2    ":020000050800F1"        /* type 05 with length 2 (SYNTAX) */
#define H_TYPE06      ":0100000600F9"          /* type 06 (unknown, SYNTAX) */
#define H_GAP1        ":020100000102FA"        /* 01 02 at 0x0100 */
#define H_GAP2        ":020104000506EE"        /* 05 06 at 0x0104 */
#define H_OV1         ":0402000001020304F0"    /* 01 02 03 04 at 0x0200 */
#define H_OV_SAME     ":020202000304F3"        /* 03 04 at 0x0202 (same values) */
#define H_OV_DIFF     ":020202000305F2"        /* 03 05 at 0x0202 (0x0203 differs) */
#define H_B00         ":0100000001FE"          /* 01 at 0x0000 */
#define H_BFF00       ":01FF000002FE"          /* 02 at 0xFF00 (0xFFFFFF00 after H_ELAFFFF) */
#define H_B0F         ":01000F000FE1"          /* 0F at 0x000F */
#define H_B10         ":0100100010DF"          /* 10 at 0x0010 */
#define H_LOWER       ":0300ab00abcdefeb"      /* AB CD EF at 0x00AB, lower-case digits */
#define H_FFF0_32     ":20FFF000000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F01"
                                               /* 00..1F at 0xFFF0 (0xFFFFFFF0 after
                                                  H_ELAFFFF: runs past 0xFFFFFFFF) */
#define H_FFF0_16     ":10FFF000000102030405060708090A0B0C0D0E0F89"
                                               /* 00..0F at 0xFFF0 (0xFFFFFFF0..0xFFFFFFFF
                                                  after H_ELAFFFF) */

/* Motorola S-record */
#define S_S0          "S00600004844521B"       /* header "HDR" */
#define S_S1          "S107100001020304DE"     /* 01 02 03 04 at 0x1000 */
#define S_S1_BADCS    "S107100001020304DF"     /* same, checksum off by one (DE is right) */
#define S_S1B         "S10510100506CF"         /* 05 06 at 0x1010 */
#define S_S1_OV       "S10510020309DC"         /* 03 09 at 0x1002 (0x1003 differs from S_S1) */
#define S_S2          "S206123456AABBF8"       /* AA BB at 0x123456 */
#define S_S3          "S30908001000CAFEBABE9E" /* CA FE BA BE at 0x08001000 */
#define S_S4          "S404000000FB"           /* S4 (reserved, SYNTAX) */
#define S_S5_2        "S5030002FA"             /* count 2 */
#define S_S5_3        "S5030003F9"             /* count 3 */
#define S_S6_2        "S604000002F9"           /* count 2 (24-bit) */
#define S_S6_1        "S604000001FA"           /* count 1 (24-bit) */
#define S_S5_1        "S5030001FB"             /* count 1 */
#define S_S5_0        "S5030000FC"             /* count 0 */
#define S_S7          "S70508000131C0"         /* entry 0x08000131 */
#define S_S8          "S8041234565F"           /* entry 0x123456 */
#define S_S9          "S9031000EC"             /* entry 0x1000 */
#define S_S9_0        "S9030000FC"             /* entry 0x0000 */
#define S_S3_TOP32    "S325FFFFFFF0000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1FFD"
                                               /* 00..1F at 0xFFFFFFF0: past 0xFFFFFFFF */
#define S_S3_TOP16    "S315FFFFFFF0000102030405060708090A0B0C0D0E0F85"
                                               /* 00..0F at 0xFFFFFFF0..0xFFFFFFFF */
#define S_S1_SHORTCC  "S10200FD"               /* CC=2 < 2 address + 1 checksum (SYNTAX);
                                                  FD = ~(02+00) so bytes are consistent */

/* ------------------------------------------------------------------------------------ */
/* Helpers                                                                               */

static int setup_img(void **state)
{
    ecu_image *img = ecu_image_new();
    if (img == NULL)
        return -1;
    *state = img;
    return 0;
}

static int teardown_img(void **state)
{
    ecu_image_free((ecu_image *)*state);
    *state = NULL;
    return 0;
}

static int load_str(ecu_image *img, const char *s)
{
    return ecu_image_load_buffer(img, s, strlen(s));
}

/* Success: no error state left behind. */
#define ASSERT_OK(img, rc)                                             \
    do {                                                               \
        assert_int_equal((rc), ECU_OK);                                \
        assert_int_equal(ecu_image_error(img), ECU_OK);                \
        assert_non_null(ecu_image_error_detail(img));                  \
        assert_string_equal(ecu_image_error_detail(img), "");          \
    } while (0)

/* Failure with @code: the image is empty and the detail message is non-empty. */
#define ASSERT_FAIL(img, rc, code)                                     \
    do {                                                               \
        assert_int_equal((rc), (code));                                \
        assert_int_equal(ecu_image_error(img), (code));                \
        assert_int_equal(ecu_image_size(img), 0);                      \
        assert_null(ecu_image_data(img));                              \
        assert_non_null(ecu_image_error_detail(img));                  \
        assert_true(ecu_image_error_detail(img)[0] != '\0');           \
    } while (0)

/* The error is located at 1-based text line @n, both in the getter and the message. */
#define ASSERT_LINE(img, n)                                            \
    do {                                                               \
        assert_int_equal(ecu_image_error_line(img), (n));              \
        assert_true(detail_has_line(ecu_image_error_detail(img), (n)));\
    } while (0)

/* Does @detail contain "line N" (not followed by another digit)? */
static int detail_has_line(const char *detail, size_t n)
{
    char needle[40];
    const char *p;
    size_t len;

    if (detail == NULL)
        return 0;
    snprintf(needle, sizeof needle, "line %zu", n);
    len = strlen(needle);
    for (p = strstr(detail, needle); p != NULL; p = strstr(p + 1, needle)) {
        if (p[len] < '0' || p[len] > '9')
            return 1;
    }
    print_error("error detail \"%s\" does not contain \"%s\"\n", detail, needle);
    return 0;
}

static void assert_bytes(const ecu_image *img, const uint8_t *expect, size_t n)
{
    assert_int_equal(ecu_image_size(img), n);
    assert_non_null(ecu_image_data(img));
    assert_memory_equal(ecu_image_data(img), expect, n);
}

static void assert_entry(const ecu_image *img, uint64_t expect)
{
    uint64_t addr = 0xDEADBEEFu;
    assert_true(ecu_image_entry(img, &addr) != 0);
    assert_true(addr == expect);
}

static void assert_no_entry(const ecu_image *img)
{
    uint64_t addr = 0;
    assert_int_equal(ecu_image_entry(img, &addr), 0);
}

/* gzip-compress @n bytes (one member) with zlib; the caller frees *out. */
static size_t gzip_buf(const void *in, size_t n, unsigned char **out)
{
    z_stream zs;
    uLong bound;
    unsigned char *buf;
    size_t len;

    memset(&zs, 0, sizeof zs);
    assert_int_equal(deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8,
                                  Z_DEFAULT_STRATEGY),
                     Z_OK);
    bound = deflateBound(&zs, (uLong)n) + 64;
    buf = malloc(bound);
    assert_non_null(buf);
    zs.next_in = (Bytef *)(uintptr_t)in;
    zs.avail_in = (uInt)n;
    zs.next_out = buf;
    zs.avail_out = (uInt)bound;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    len = (size_t)zs.total_out;
    assert_int_equal(deflateEnd(&zs), Z_OK);
    /* sanity of the helper itself: gzip magic */
    assert_true(len >= 18 && buf[0] == 0x1F && buf[1] == 0x8B);
    *out = buf;
    return len;
}

/* Test-input sanity check with zlib itself: the stream must NOT inflate cleanly to @orig. */
static void zlib_must_reject(const unsigned char *gz, size_t n, const void *orig, size_t on)
{
    z_stream zs;
    unsigned char out[4096];
    int zr;

    memset(&zs, 0, sizeof zs);
    assert_int_equal(inflateInit2(&zs, 16 + MAX_WBITS), Z_OK);
    zs.next_in = (Bytef *)(uintptr_t)gz;
    zs.avail_in = (uInt)n;
    zs.next_out = out;
    zs.avail_out = sizeof out;
    zr = inflate(&zs, Z_FINISH);
    assert_true(zr != Z_STREAM_END || zs.total_out != on || memcmp(out, orig, on) != 0);
    inflateEnd(&zs);
}

static char *make_temp_file(const void *data, size_t n)
{
    char tmpl[] = "/tmp/ecu_test_image_XXXXXX";
    int fd = mkstemp(tmpl);
    char *path;

    assert_true(fd >= 0);
    assert_true(write(fd, data, n) == (ssize_t)n);
    assert_int_equal(close(fd), 0);
    path = malloc(sizeof tmpl);
    assert_non_null(path);
    memcpy(path, tmpl, sizeof tmpl);
    return path;
}

/*
 * Loads "-" with standard input temporarily replaced by @p fd (closed here); the previous
 * standard input is restored afterwards.
 */
static int load_stdin_from(ecu_image *img, int fd)
{
    int saved = dup(STDIN_FILENO);
    int rc;

    assert_true(saved >= 0);
    assert_true(dup2(fd, STDIN_FILENO) == STDIN_FILENO);
    close(fd);
    rc = ecu_image_load_file(img, "-");
    assert_true(dup2(saved, STDIN_FILENO) == STDIN_FILENO);
    close(saved);
    clearerr(stdin);
    return rc;
}

/* How the writer of the last load_from_pipe() ended (waitpid's status). */
static int pipe_writer_status;

/* Loads "-" with @p n bytes written into a pipe by a child process (a real stream). */
static int load_from_pipe(ecu_image *img, const void *data, size_t n)
{
    int fds[2], rc, status;
    pid_t pid;

    assert_int_equal(pipe(fds), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        const uint8_t *p = data;
        close(fds[0]);
        while (n) {
            ssize_t w = write(fds[1], p, n);
            if (w <= 0)
                _exit(1); /* the reader stopped early (input over the limit) */
            p += w;
            n -= (size_t)w;
        }
        _exit(0);
    }
    close(fds[1]);
    rc = load_stdin_from(img, fds[0]);
    assert_true(waitpid(pid, &status, 0) == pid);
    pipe_writer_status = status;
    return rc;
}

/* ------------------------------------------------------------------------------------ */
/* Intel HEX record types                                                                */

static void test_ihex_type00_data(void **state)
{
    ecu_image *img = *state;
    static const uint8_t expect[] = {0x01, 0x02, 0x03, 0x04};
    int rc = load_str(img, H_D10 "\n" H_EOF "\n");

    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_IHEX);
    assert_int_equal(ecu_image_compressed(img), 0);
    assert_true(ecu_image_base(img) == 0x10);
    assert_bytes(img, expect, sizeof expect);
    assert_int_equal(ecu_image_record_count(img), 1);
    assert_no_entry(img);
}

static void test_ihex_type00_no_16bit_wrap(void **state)
{
    ecu_image *img = *state;
    /* 4 bytes at 0xFFFE continue to 0x10000 and 0x10001, no wrap to 0x0000 */
    static const uint8_t expect[] = {0x11, 0x22, 0x33, 0x44};
    int rc = load_str(img, H_DFFFE "\n" H_EOF "\n");

    ASSERT_OK(img, rc);
    assert_true(ecu_image_base(img) == 0xFFFE);
    assert_bytes(img, expect, sizeof expect);
}

static void test_ihex_type01_eof_ignores_rest(void **state)
{
    ecu_image *img = *state;
    static const uint8_t expect[] = {0x01, 0x02, 0x03, 0x04};
    /* after the EOF record: text that is not a record (a signature, a DOS end-of-file mark,
       a ':' without hex digits or with other characters, an 'S' word) is ignored */
    int rc = load_str(img, H_D10 "\n" H_EOF "\nthis is not a record\n\x1A\n:\n:12 34\n"
                           ":00000001FG\nS9 end\nSigned: me\n");

    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_IHEX);
    assert_true(ecu_image_base(img) == 0x10);
    assert_bytes(img, expect, sizeof expect);
    assert_int_equal(ecu_image_record_count(img), 1);
}

/* Records after the end record: a second file appended (cat a.hex b.hex) must not be lost. */
static void test_ihex_records_after_eof(void **state)
{
    ecu_image *img = *state;
    int rc;

    /* a data record right after the EOF record: line 3 */
    rc = load_str(img, H_D10 "\n" H_EOF "\n" H_D20 "\n" H_EOF "\n");
    ASSERT_FAIL(img, rc, ECU_ERR_SYNTAX);
    ASSERT_LINE(img, 3);
    assert_non_null(strstr(ecu_image_error_detail(img),
                           "data records after the end-of-file record"));
    /* after ignored text and blank lines, a second file starting with an address record */
    rc = load_str(img, H_D10 "\n" H_EOF "\n\nsecond part:\n" H_ELA0800 "\n" H_D20 "\n" H_EOF "\n");
    ASSERT_FAIL(img, rc, ECU_ERR_SYNTAX);
    ASSERT_LINE(img, 5);
    /* a record-shaped line counts even when its checksum is wrong, or in lower case */
    rc = load_str(img, H_D10 "\n" H_EOF "\n" H_D10_BADCS "\n");
    ASSERT_FAIL(img, rc, ECU_ERR_SYNTAX);
    ASSERT_LINE(img, 3);
    rc = load_str(img, H_D10 "\n" H_EOF "\n" H_LOWER "\n");
    ASSERT_FAIL(img, rc, ECU_ERR_SYNTAX);
    ASSERT_LINE(img, 3);
    /* a second EOF record too */
    rc = load_str(img, H_D10 "\r\n" H_EOF "\r\n" H_EOF "\r\n");
    ASSERT_FAIL(img, rc, ECU_ERR_SYNTAX);
    ASSERT_LINE(img, 3);
}

static void test_ihex_type01_nonzero_length(void **state)
{
    ecu_image *img = *state;
    int rc = load_str(img, H_D10 "\n" H_EOF_LEN1 "\n");

    ASSERT_FAIL(img, rc, ECU_ERR_SYNTAX);
    ASSERT_LINE(img, 2);
}

static void test_ihex_type02_segment(void **state)
{
    ecu_image *img = *state;
    /* base 0x1000 << 4 = 0x10000; DE AD at 0x10000, BE EF at 0x10008 */
    static const uint8_t expect[] = {0xDE, 0xAD, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                     0xBE, 0xEF};
    int rc = load_str(img, H_SEG1000 "\n" H_D0_DEAD "\n" H_D8_BEEF "\n" H_EOF "\n");

    ASSERT_OK(img, rc);
    assert_true(ecu_image_base(img) == 0x10000);
    assert_bytes(img, expect, sizeof expect);
    assert_int_equal(ecu_image_record_count(img), 2);
    assert_no_entry(img);
}

static void test_ihex_type02_bad_length(void **state)
{
    ecu_image *img = *state;
    int rc = load_str(img, H_SEG_LEN3 "\n" H_D10 "\n" H_EOF "\n");

    ASSERT_FAIL(img, rc, ECU_ERR_SYNTAX);
    ASSERT_LINE(img, 1);
}

static void test_ihex_type03_start_segment(void **state)
{
    ecu_image *img = *state;
    static const uint8_t expect[] = {0x01, 0x02, 0x03, 0x04};
    int rc = load_str(img, H_D10 "\n" H_SSA "\n" H_EOF "\n");

    ASSERT_OK(img, rc);
    assert_true(ecu_image_base(img) == 0x10);
    assert_bytes(img, expect, sizeof expect);
    assert_entry(img, 0x1234u * 16u + 0x5678u); /* = 0x179B8 */
    assert_int_equal(ecu_image_record_count(img), 1);
}

static void test_ihex_type03_bad_length(void **state)
{
    ecu_image *img = *state;
    int rc = load_str(img, H_D10 "\n" H_SSA_LEN2 "\n" H_EOF "\n");

    ASSERT_FAIL(img, rc, ECU_ERR_SYNTAX);
    ASSERT_LINE(img, 2);
}

static void test_ihex_type04_linear(void **state)
{
    ecu_image *img = *state;
    static const uint8_t expect[] = {0x01, 0x02, 0x03, 0x04};
    /* base 0x0800 << 16 = 0x08000000, data at +0x10 */
    int rc = load_str(img, H_ELA0800 "\n" H_D10 "\n" H_EOF "\n");

    ASSERT_OK(img, rc);
    assert_true(ecu_image_base(img) == 0x08000010u);
    assert_bytes(img, expect, sizeof expect);
    assert_int_equal(ecu_image_record_count(img), 1);
    assert_no_entry(img);
}

static void test_ihex_type04_bad_length(void **state)
{
    ecu_image *img = *state;
    int rc = load_str(img, H_ELA_LEN1 "\n" H_D10 "\n" H_EOF "\n");

    ASSERT_FAIL(img, rc, ECU_ERR_SYNTAX);
    ASSERT_LINE(img, 1);
}

static void test_ihex_type05_start_linear(void **state)
{
    ecu_image *img = *state;
    static const uint8_t expect[] = {0x01, 0x02, 0x03, 0x04};
    int rc = load_str(img, H_D10 "\n" H_SLA "\n" H_EOF "\n");

    ASSERT_OK(img, rc);
    assert_true(ecu_image_base(img) == 0x10);
    assert_bytes(img, expect, sizeof expect);
    assert_entry(img, 0x08000131u);
}

static void test_ihex_type05_bad_length(void **state)
{
    ecu_image *img = *state;
    int rc = load_str(img, H_D10 "\n" H_SLA_LEN2 "\n" H_EOF "\n");

    ASSERT_FAIL(img, rc, ECU_ERR_SYNTAX);
    ASSERT_LINE(img, 2);
}

static void test_ihex_unknown_type(void **state)
{
    ecu_image *img = *state;
    int rc = load_str(img, H_D10 "\n" H_TYPE06 "\n" H_EOF "\n");

    ASSERT_FAIL(img, rc, ECU_ERR_SYNTAX);
    ASSERT_LINE(img, 2);
}

static void test_ihex_lowercase_digits(void **state)
{
    ecu_image *img = *state;
    static const uint8_t expect[] = {0xAB, 0xCD, 0xEF};
    int rc = load_str(img, H_LOWER "\n" H_EOF "\n");

    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_IHEX);
    assert_true(ecu_image_base(img) == 0xAB);
    assert_bytes(img, expect, sizeof expect);
}

/* ------------------------------------------------------------------------------------ */
/* Layout: gaps, base, overlaps                                                          */

static void test_ihex_gap_filled_ff(void **state)
{
    ecu_image *img = *state;
    static const uint8_t expect[] = {0x01, 0x02, 0xFF, 0xFF, 0x05, 0x06};
    int rc = load_str(img, H_GAP1 "\n" H_GAP2 "\n" H_EOF "\n");

    ASSERT_OK(img, rc);
    assert_true(ecu_image_base(img) == 0x100);
    assert_bytes(img, expect, sizeof expect);
    assert_int_equal(ecu_image_record_count(img), 2);
}

static void test_ihex_base_is_lowest_address(void **state)
{
    ecu_image *img = *state;
    /* records out of order: the base is still the lowest address (0x100) */
    static const uint8_t expect[] = {0x01, 0x02, 0xFF, 0xFF, 0x05, 0x06};
    int rc = load_str(img, H_GAP2 "\n" H_GAP1 "\n" H_EOF "\n");

    ASSERT_OK(img, rc);
    assert_true(ecu_image_base(img) == 0x100);
    assert_bytes(img, expect, sizeof expect);
}

static void test_ihex_overlap_same_data(void **state)
{
    ecu_image *img = *state;
    static const uint8_t expect[] = {0x01, 0x02, 0x03, 0x04};
    int rc = load_str(img, H_OV1 "\n" H_OV_SAME "\n" H_EOF "\n");

    ASSERT_OK(img, rc);
    assert_true(ecu_image_base(img) == 0x200);
    assert_bytes(img, expect, sizeof expect);
    assert_int_equal(ecu_image_record_count(img), 2);
}

static void test_ihex_overlap_conflict(void **state)
{
    ecu_image *img = *state;
    int rc = load_str(img, H_OV1 "\n" H_OV_DIFF "\n" H_EOF "\n");

    ASSERT_FAIL(img, rc, ECU_ERR_OVERLAP);
    ASSERT_LINE(img, 2);
}

/* ------------------------------------------------------------------------------------ */
/* Intel HEX errors                                                                      */

static void test_ihex_bad_hex_digit(void **state)
{
    ecu_image *img = *state;
    /* 'G' in the data of line 2 */
    int rc = load_str(img, H_D20 "\n:0400100001020G04E2\n" H_EOF "\n");

    ASSERT_FAIL(img, rc, ECU_ERR_HEX_DIGIT);
    ASSERT_LINE(img, 2);
}

static void test_ihex_bad_hex_digit_in_length(void **state)
{
    ecu_image *img = *state;
    int rc = load_str(img, ":0x00100001020304E2\n" H_EOF "\n");

    ASSERT_FAIL(img, rc, ECU_ERR_HEX_DIGIT);
    ASSERT_LINE(img, 1);
}

static void test_ihex_truncated_line(void **state)
{
    ecu_image *img = *state;
    /* length 4 but only 3 data bytes and no checksum */
    int rc = load_str(img, H_D20 "\n:04001000010203\n" H_EOF "\n");

    ASSERT_FAIL(img, rc, ECU_ERR_TRUNCATED);
    ASSERT_LINE(img, 2);
}

static void test_ihex_shorter_than_minimum(void **state)
{
    ecu_image *img = *state;
    /* fewer than 10 hex digits */
    int rc = load_str(img, ":000000\n" H_EOF "\n");

    ASSERT_FAIL(img, rc, ECU_ERR_TRUNCATED);
    ASSERT_LINE(img, 1);
}

static void test_ihex_too_long_line(void **state)
{
    ecu_image *img = *state;
    /* a valid record followed by two extra digits */
    int rc = load_str(img, H_D20 "\n" H_D10 "FF\n" H_EOF "\n");

    ASSERT_FAIL(img, rc, ECU_ERR_SYNTAX);
    ASSERT_LINE(img, 2);
}

static void test_ihex_missing_start_code(void **state)
{
    ecu_image *img = *state;
    int rc = load_str(img, H_D20 "\n0400100001020304E2\n" H_EOF "\n");

    ASSERT_FAIL(img, rc, ECU_ERR_SYNTAX);
    ASSERT_LINE(img, 2);
}

static void test_ihex_bad_checksum(void **state)
{
    ecu_image *img = *state;
    int rc = load_str(img, H_D20 "\n" H_D10_BADCS "\n" H_EOF "\n");

    ASSERT_FAIL(img, rc, ECU_ERR_CHECKSUM);
    ASSERT_LINE(img, 2);
}

static void test_ihex_missing_eof(void **state)
{
    ecu_image *img = *state;
    int rc = load_str(img, H_D10 "\n" H_D20 "\n");

    ASSERT_FAIL(img, rc, ECU_ERR_TRUNCATED);
}

static void test_ihex_no_data(void **state)
{
    ecu_image *img = *state;
    int rc = load_str(img, H_EOF "\n");

    ASSERT_FAIL(img, rc, ECU_ERR_EMPTY);
}

static void test_ihex_no_data_only_address_records(void **state)
{
    ecu_image *img = *state;
    int rc = load_str(img, H_ELA0800 "\n" H_SLA "\n" H_EOF "\n");

    ASSERT_FAIL(img, rc, ECU_ERR_EMPTY);
}

/* ------------------------------------------------------------------------------------ */
/* Span limit                                                                            */

static void test_span_limit_small(void **state)
{
    ecu_image *img = *state;
    int rc;

    assert_int_equal(ecu_image_set_max_span(img, 16), ECU_OK);
    /* 0x00..0x0F: span 16, accepted */
    rc = load_str(img, H_B00 "\n" H_B0F "\n" H_EOF "\n");
    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_size(img), 16);
    assert_int_equal(ecu_image_data(img)[0], 0x01);
    assert_int_equal(ecu_image_data(img)[15], 0x0F);
    /* 0x00..0x10: span 17, refused */
    rc = load_str(img, H_B00 "\n" H_B10 "\n" H_EOF "\n");
    ASSERT_FAIL(img, rc, ECU_ERR_TOO_LARGE);
}

static void test_span_limit_small_srec(void **state)
{
    ecu_image *img = *state;
    int rc;

    /* S_S1 (0x1000..0x1003) + S_S1B (0x1010..0x1011): span 0x12 = 18 */
    assert_int_equal(ecu_image_set_max_span(img, 17), ECU_OK);
    rc = load_str(img, S_S1 "\n" S_S1B "\n" S_S9 "\n");
    ASSERT_FAIL(img, rc, ECU_ERR_TOO_LARGE);
    assert_int_equal(ecu_image_set_max_span(img, 18), ECU_OK);
    rc = load_str(img, S_S1 "\n" S_S1B "\n" S_S9 "\n");
    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_size(img), 18);
}

static void test_span_limit_4gib_fast(void **state)
{
    ecu_image *img = *state;
    int rc;

    /* 1 byte at 0x00000000 and 1 byte at 0xFFFFFF00: span ~4 GiB, default limit 64 MiB.
       Refused at the record that widens the span (line 3), so before anything is assembled:
       no 4 GiB buffer is ever allocated or filled. */
    rc = load_str(img, H_B00 "\n" H_ELAFFFF "\n" H_BFF00 "\n" H_EOF "\n");
    ASSERT_FAIL(img, rc, ECU_ERR_TOO_LARGE);
    ASSERT_LINE(img, 3);
}

static void test_ihex_past_32bit_address_space(void **state)
{
    ecu_image *img = *state;
    static const uint8_t expect[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    int rc;

    /* 0xFFFF0000 + 0xFFF0 + 32 bytes: the last 16 would lie at 0x100000000 and above */
    rc = load_str(img, H_ELAFFFF "\n" H_FFF0_32 "\n" H_EOF "\n");
    ASSERT_FAIL(img, rc, ECU_ERR_SYNTAX);
    ASSERT_LINE(img, 2);
    /* 16 bytes end exactly at 0xFFFFFFFF: accepted */
    rc = load_str(img, H_ELAFFFF "\n" H_FFF0_16 "\n" H_EOF "\n");
    ASSERT_OK(img, rc);
    assert_true(ecu_image_base(img) == 0xFFFFFFF0u);
    assert_bytes(img, expect, sizeof expect);
}

static void test_srec_past_32bit_address_space(void **state)
{
    ecu_image *img = *state;
    static const uint8_t expect[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    int rc;

    rc = load_str(img, S_S0 "\n" S_S3_TOP32 "\n" S_S9_0 "\n");
    ASSERT_FAIL(img, rc, ECU_ERR_SYNTAX);
    ASSERT_LINE(img, 2);
    rc = load_str(img, S_S0 "\n" S_S3_TOP16 "\n" S_S9_0 "\n");
    ASSERT_OK(img, rc);
    assert_true(ecu_image_base(img) == 0xFFFFFFF0u);
    assert_bytes(img, expect, sizeof expect);
}

static void test_span_limit_zero_restores_default(void **state)
{
    ecu_image *img = *state;
    int rc;

    assert_int_equal(ecu_image_set_max_span(img, 4), ECU_OK);
    rc = load_str(img, H_GAP1 "\n" H_GAP2 "\n" H_EOF "\n"); /* span 6 */
    ASSERT_FAIL(img, rc, ECU_ERR_TOO_LARGE);
    assert_int_equal(ecu_image_set_max_span(img, 0), ECU_OK);
    rc = load_str(img, H_GAP1 "\n" H_GAP2 "\n" H_EOF "\n");
    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_size(img), 6);
}

static void test_raw_over_limit(void **state)
{
    ecu_image *img = *state;
    static const uint8_t raw[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    int rc;

    assert_int_equal(ecu_image_set_max_span(img, 8), ECU_OK);
    rc = ecu_image_load_buffer(img, raw, 9);
    ASSERT_FAIL(img, rc, ECU_ERR_TOO_LARGE);
    rc = ecu_image_load_buffer(img, raw, 8);
    ASSERT_OK(img, rc);
    assert_bytes(img, raw, 8);
}

/* ------------------------------------------------------------------------------------ */
/* S-record types                                                                        */

static void test_srec_s0_header(void **state)
{
    ecu_image *img = *state;
    static const uint8_t expect[] = {0x01, 0x02, 0x03, 0x04};
    int rc = load_str(img, S_S0 "\n" S_S1 "\n" S_S9 "\n");

    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_SREC);
    assert_true(ecu_image_base(img) == 0x1000);
    assert_bytes(img, expect, sizeof expect); /* "HDR" is not data */
    assert_int_equal(ecu_image_record_count(img), 1);
}

static void test_srec_s1_data(void **state)
{
    ecu_image *img = *state;
    static const uint8_t expect[] = {0x01, 0x02, 0x03, 0x04};
    int rc = load_str(img, S_S1 "\n" S_S9_0 "\n");

    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_SREC);
    assert_int_equal(ecu_image_compressed(img), 0);
    assert_true(ecu_image_base(img) == 0x1000);
    assert_bytes(img, expect, sizeof expect);
    assert_int_equal(ecu_image_record_count(img), 1);
    assert_entry(img, 0);
}

static void test_srec_s2_data(void **state)
{
    ecu_image *img = *state;
    static const uint8_t expect[] = {0xAA, 0xBB};
    int rc = load_str(img, S_S0 "\n" S_S2 "\n" S_S8 "\n");

    ASSERT_OK(img, rc);
    assert_true(ecu_image_base(img) == 0x123456);
    assert_bytes(img, expect, sizeof expect);
    assert_int_equal(ecu_image_record_count(img), 1);
}

static void test_srec_s3_data(void **state)
{
    ecu_image *img = *state;
    static const uint8_t expect[] = {0xCA, 0xFE, 0xBA, 0xBE};
    int rc = load_str(img, S_S0 "\n" S_S3 "\n" S_S7 "\n");

    ASSERT_OK(img, rc);
    assert_true(ecu_image_base(img) == 0x08001000u);
    assert_bytes(img, expect, sizeof expect);
    assert_int_equal(ecu_image_record_count(img), 1);
}

static void test_srec_s4_refused(void **state)
{
    ecu_image *img = *state;
    int rc = load_str(img, S_S1 "\n" S_S4 "\n" S_S9 "\n");

    ASSERT_FAIL(img, rc, ECU_ERR_SYNTAX);
    ASSERT_LINE(img, 2);
}

static void test_srec_s5_count_ok(void **state)
{
    ecu_image *img = *state;
    /* 0x1000..0x1003 = 01 02 03 04, 0x1004..0x100F gap, 0x1010..0x1011 = 05 06 */
    uint8_t expect[0x12];
    int rc;

    memset(expect, 0xFF, sizeof expect);
    expect[0] = 1; expect[1] = 2; expect[2] = 3; expect[3] = 4;
    expect[0x10] = 5; expect[0x11] = 6;
    rc = load_str(img, S_S0 "\n" S_S1 "\n" S_S1B "\n" S_S5_2 "\n" S_S9 "\n");
    ASSERT_OK(img, rc);
    assert_true(ecu_image_base(img) == 0x1000);
    assert_bytes(img, expect, sizeof expect);
    assert_int_equal(ecu_image_record_count(img), 2);
}

static void test_srec_s5_count_wrong(void **state)
{
    ecu_image *img = *state;
    int rc = load_str(img, S_S0 "\n" S_S1 "\n" S_S1B "\n" S_S5_3 "\n" S_S9 "\n");

    ASSERT_FAIL(img, rc, ECU_ERR_RECORD_COUNT);
    ASSERT_LINE(img, 4);
}

static void test_srec_s6_count_ok(void **state)
{
    ecu_image *img = *state;
    int rc = load_str(img, S_S1 "\n" S_S1B "\n" S_S6_2 "\n" S_S9 "\n");

    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_record_count(img), 2);
    assert_int_equal(ecu_image_size(img), 0x12);
}

static void test_srec_s6_count_wrong(void **state)
{
    ecu_image *img = *state;
    int rc = load_str(img, S_S1 "\n" S_S1B "\n" S_S6_1 "\n" S_S9 "\n");

    ASSERT_FAIL(img, rc, ECU_ERR_RECORD_COUNT);
    ASSERT_LINE(img, 3);
}

static void test_srec_s7_entry(void **state)
{
    ecu_image *img = *state;
    int rc = load_str(img, S_S3 "\n" S_S7 "\n");

    ASSERT_OK(img, rc);
    assert_entry(img, 0x08000131u);
}

static void test_srec_s8_entry(void **state)
{
    ecu_image *img = *state;
    int rc = load_str(img, S_S2 "\n" S_S8 "\n");

    ASSERT_OK(img, rc);
    assert_entry(img, 0x123456u);
}

static void test_srec_s9_entry(void **state)
{
    ecu_image *img = *state;
    int rc = load_str(img, S_S1 "\n" S_S9 "\n");

    ASSERT_OK(img, rc);
    assert_entry(img, 0x1000u);
}

static void test_srec_termination_ignores_rest(void **state)
{
    ecu_image *img = *state;
    static const uint8_t expect[] = {0x01, 0x02, 0x03, 0x04};
    int rc = load_str(img, S_S1 "\n" S_S9 "\nnot a record\nS\nS9\nS1 0203\nS1XYZ\n\x1A");

    ASSERT_OK(img, rc);
    assert_bytes(img, expect, sizeof expect);
    assert_int_equal(ecu_image_record_count(img), 1);
    assert_entry(img, 0x1000u);
}

static void test_srec_records_after_termination(void **state)
{
    ecu_image *img = *state;
    int rc;

    /* a data record after S9: line 3 */
    rc = load_str(img, S_S1 "\n" S_S9 "\n" S_S1B "\n" S_S9 "\n");
    ASSERT_FAIL(img, rc, ECU_ERR_SYNTAX);
    ASSERT_LINE(img, 3);
    assert_non_null(strstr(ecu_image_error_detail(img), "data records after the"));
    /* a second file: its S0 header after text on line 4 */
    rc = load_str(img, S_S1 "\n" S_S9 "\nnext file\n" S_S0 "\n" S_S1B "\n" S_S9 "\n");
    ASSERT_FAIL(img, rc, ECU_ERR_SYNTAX);
    ASSERT_LINE(img, 4);
    /* a bad-checksum record still looks like a record */
    rc = load_str(img, S_S1B "\n" S_S9 "\n" S_S1_BADCS "\n");
    ASSERT_FAIL(img, rc, ECU_ERR_SYNTAX);
    ASSERT_LINE(img, 3);
    /* no entry, no record count is left behind by the failed load */
    assert_no_entry(img);
    assert_int_equal(ecu_image_record_count(img), 0);
}

/* ------------------------------------------------------------------------------------ */
/* S-record errors                                                                       */

static void test_srec_count_too_small(void **state)
{
    ecu_image *img = *state;
    int rc = load_str(img, S_S1 "\n" S_S1_SHORTCC "\n" S_S9 "\n");

    ASSERT_FAIL(img, rc, ECU_ERR_SYNTAX);
    ASSERT_LINE(img, 2);
}

static void test_srec_bad_hex_digit(void **state)
{
    ecu_image *img = *state;
    int rc = load_str(img, S_S0 "\nS10710000102Z304DE\n" S_S9 "\n");

    ASSERT_FAIL(img, rc, ECU_ERR_HEX_DIGIT);
    ASSERT_LINE(img, 2);
}

static void test_srec_truncated_line(void **state)
{
    ecu_image *img = *state;
    /* CC=07 needs 14 digits after it, only 10 given */
    int rc = load_str(img, S_S0 "\nS1071000010203\n" S_S9 "\n");

    ASSERT_FAIL(img, rc, ECU_ERR_TRUNCATED);
    ASSERT_LINE(img, 2);
}

static void test_srec_too_long_line(void **state)
{
    ecu_image *img = *state;
    int rc = load_str(img, S_S0 "\n" S_S1 "00\n" S_S9 "\n");

    ASSERT_FAIL(img, rc, ECU_ERR_SYNTAX);
    ASSERT_LINE(img, 2);
}

static void test_srec_bad_checksum(void **state)
{
    ecu_image *img = *state;
    int rc = load_str(img, S_S0 "\n" S_S1_BADCS "\n" S_S9 "\n");

    ASSERT_FAIL(img, rc, ECU_ERR_CHECKSUM);
    ASSERT_LINE(img, 2);
}

static void test_srec_missing_termination(void **state)
{
    ecu_image *img = *state;
    int rc = load_str(img, S_S0 "\n" S_S1 "\n" S_S1B "\n");

    ASSERT_FAIL(img, rc, ECU_ERR_TRUNCATED);
    assert_non_null(strstr(ecu_image_error_detail(img), "truncated"));
}

/* srec(5): S5/S6 hold the number of S1/S2/S3 records. A file that ends with a count record
   matching every data record is complete without S7/S8/S9 (written without a start address); it
   just has no start address. */
static void test_srec_ends_with_count(void **state)
{
    ecu_image *img = *state;
    uint8_t expect[0x12];
    int rc;

    memset(expect, 0xFF, sizeof expect);
    expect[0] = 1; expect[1] = 2; expect[2] = 3; expect[3] = 4;
    expect[0x10] = 5; expect[0x11] = 6;
    rc = load_str(img, S_S0 "\n" S_S1 "\n" S_S1B "\n" S_S5_2 "\n");
    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_SREC);
    assert_true(ecu_image_base(img) == 0x1000);
    assert_bytes(img, expect, sizeof expect);
    assert_int_equal(ecu_image_record_count(img), 2);
    assert_no_entry(img);
    /* the 24-bit count, blank lines and CR LF after it */
    rc = load_str(img, S_S1 "\r\n" S_S1B "\r\n" S_S6_2 "\r\n\r\n  \r\n");
    ASSERT_OK(img, rc);
    assert_bytes(img, expect, sizeof expect);
    assert_no_entry(img);
}

static void test_srec_ends_with_wrong_count(void **state)
{
    ecu_image *img = *state;
    int rc;

    /* too many */
    rc = load_str(img, S_S0 "\n" S_S1 "\n" S_S1B "\n" S_S5_3 "\n");
    ASSERT_FAIL(img, rc, ECU_ERR_RECORD_COUNT);
    ASSERT_LINE(img, 4);
    assert_non_null(strstr(ecu_image_error_detail(img), "counts 3 data records, the file has 2"));
    /* too few (24-bit) */
    rc = load_str(img, S_S1 "\n" S_S1B "\n" S_S6_1 "\n");
    ASSERT_FAIL(img, rc, ECU_ERR_RECORD_COUNT);
    ASSERT_LINE(img, 3);
    assert_no_entry(img);
}

static void test_srec_count_not_at_end(void **state)
{
    ecu_image *img = *state;
    int rc;

    /* a matching count, then more data and the file ends: truncated after the count */
    rc = load_str(img, S_S1 "\n" S_S5_1 "\n" S_S1B "\n");
    ASSERT_FAIL(img, rc, ECU_ERR_TRUNCATED);
    assert_int_equal(ecu_image_size(img), 0);
    /* a count of no data record ends a file that has none: empty, not valid */
    rc = load_str(img, S_S0 "\n" S_S5_0 "\n");
    ASSERT_FAIL(img, rc, ECU_ERR_EMPTY);
    /* the count before the termination record still works as before */
    rc = load_str(img, S_S1 "\n" S_S5_1 "\n" S_S9 "\n");
    ASSERT_OK(img, rc);
    assert_entry(img, 0x1000u);
}

static void test_srec_overlap_same_data(void **state)
{
    ecu_image *img = *state;
    static const uint8_t expect[] = {0x01, 0x02, 0x03, 0x04};
    int rc = load_str(img, S_S1 "\n" S_S1 "\n" S_S9 "\n");

    ASSERT_OK(img, rc);
    assert_bytes(img, expect, sizeof expect);
    assert_int_equal(ecu_image_record_count(img), 2);
}

static void test_srec_overlap_conflict(void **state)
{
    ecu_image *img = *state;
    int rc = load_str(img, S_S1 "\n" S_S1_OV "\n" S_S9 "\n");

    ASSERT_FAIL(img, rc, ECU_ERR_OVERLAP);
    ASSERT_LINE(img, 2);
}

static void test_srec_no_data(void **state)
{
    ecu_image *img = *state;
    int rc = load_str(img, S_S0 "\n" S_S9 "\n");

    ASSERT_FAIL(img, rc, ECU_ERR_EMPTY);
}

/* ------------------------------------------------------------------------------------ */
/* Line handling                                                                         */

static void test_crlf_line_endings(void **state)
{
    ecu_image *img = *state;
    static const uint8_t expect[] = {0x01, 0x02, 0xFF, 0xFF, 0x05, 0x06};
    int rc = load_str(img, H_GAP1 "\r\n" H_GAP2 "\r\n" H_EOF "\r\n");

    ASSERT_OK(img, rc);
    assert_true(ecu_image_base(img) == 0x100);
    assert_bytes(img, expect, sizeof expect);
}

static void test_crlf_srec(void **state)
{
    ecu_image *img = *state;
    static const uint8_t expect[] = {0x01, 0x02, 0x03, 0x04};
    int rc = load_str(img, S_S0 "\r\n" S_S1 "\r\n" S_S9 "\r\n");

    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_SREC);
    assert_bytes(img, expect, sizeof expect);
}

static void test_cr_only_line_endings(void **state)
{
    ecu_image *img = *state;
    static const uint8_t expect[] = {0x01, 0x02, 0xFF, 0xFF, 0x05, 0x06};
    int rc = load_str(img, H_GAP1 "\r" H_GAP2 "\r" H_EOF "\r");

    ASSERT_OK(img, rc);
    assert_bytes(img, expect, sizeof expect);
}

static void test_no_final_newline(void **state)
{
    ecu_image *img = *state;
    static const uint8_t expect[] = {0x01, 0x02, 0x03, 0x04};
    int rc = load_str(img, H_D10 "\n" H_EOF);

    ASSERT_OK(img, rc);
    assert_bytes(img, expect, sizeof expect);
}

static void test_crlf_error_line_number(void **state)
{
    ecu_image *img = *state;
    /* CRLF counts as one line end: the bad record is on line 3 */
    int rc = load_str(img, H_GAP1 "\r\n" H_GAP2 "\r\n" H_D10_BADCS "\r\n" H_EOF "\r\n");

    ASSERT_FAIL(img, rc, ECU_ERR_CHECKSUM);
    ASSERT_LINE(img, 3);
}

static void test_cr_error_line_number(void **state)
{
    ecu_image *img = *state;
    int rc = load_str(img, S_S0 "\r" S_S1 "\r" S_S1_BADCS "\r" S_S9 "\r");

    ASSERT_FAIL(img, rc, ECU_ERR_CHECKSUM);
    ASSERT_LINE(img, 3);
}

static void test_blank_lines_and_spaces(void **state)
{
    ecu_image *img = *state;
    static const uint8_t expect[] = {0x01, 0x02, 0xFF, 0xFF, 0x05, 0x06};
    int rc = load_str(img, "\n  " H_GAP1 " \t\n\n\t" H_GAP2 "\r\n   \r\n" H_EOF "  \n\n");

    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_IHEX);
    assert_bytes(img, expect, sizeof expect);
    assert_int_equal(ecu_image_record_count(img), 2);
}

static void test_blank_lines_counted_in_error_line(void **state)
{
    ecu_image *img = *state;
    /* lines: 1 data, 2 blank, 3 blank (spaces), 4 bad checksum */
    int rc = load_str(img, H_GAP1 "\n\n  \n" H_D10_BADCS "\n" H_EOF "\n");

    ASSERT_FAIL(img, rc, ECU_ERR_CHECKSUM);
    ASSERT_LINE(img, 4);
}

/* ------------------------------------------------------------------------------------ */
/* Detection                                                                             */

static void test_empty_buffer(void **state)
{
    ecu_image *img = *state;
    static const char nothing[1] = {0};
    int rc = ecu_image_load_buffer(img, nothing, 0);

    ASSERT_FAIL(img, rc, ECU_ERR_EMPTY);
}

static void test_raw_binary(void **state)
{
    ecu_image *img = *state;
    static const uint8_t raw[] = {0x7F, 0x45, 0x4C, 0x46, 0x00, 0xFF, 0x10};
    int rc = ecu_image_load_buffer(img, raw, sizeof raw);

    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_RAW);
    assert_int_equal(ecu_image_compressed(img), 0);
    assert_true(ecu_image_base(img) == 0);
    assert_bytes(img, raw, sizeof raw);
    assert_int_equal(ecu_image_record_count(img), 0);
    assert_no_entry(img);
}

static void test_raw_colon_then_binary(void **state)
{
    ecu_image *img = *state;
    static const uint8_t raw[] = {':', 0x00, 0x01, 0x02, 0xFF, 0x80, '0', '0'};
    int rc = ecu_image_load_buffer(img, raw, sizeof raw);

    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_RAW);
    assert_true(ecu_image_base(img) == 0);
    assert_bytes(img, raw, sizeof raw);
}

static void test_raw_valid_hex_with_binary_byte(void **state)
{
    ecu_image *img = *state;
    /* a valid HEX file followed by a NUL byte (within the first 256 bytes): raw */
    static const char text[] = H_D10 "\n" H_EOF "\n";
    uint8_t buf[sizeof text];
    int rc;

    memcpy(buf, text, sizeof text); /* includes the terminating NUL */
    rc = ecu_image_load_buffer(img, buf, sizeof buf);
    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_RAW);
    assert_bytes(img, buf, sizeof buf);
}

/* A UTF-8 byte order mark before a text format is skipped. */
static void test_detect_utf8_bom(void **state)
{
    ecu_image *img = *state;
    static const uint8_t expect[] = {0x01, 0x02, 0x03, 0x04};
    static const uint8_t bin[] = {0xEF, 0xBB, 0xBF, 0x00, 0x01, 0xFE};
    int rc;

    rc = load_str(img, "\xEF\xBB\xBF" H_D10 "\r\n" H_EOF "\r\n");
    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_IHEX);
    assert_true(ecu_image_base(img) == 0x10);
    assert_bytes(img, expect, sizeof expect);
    rc = load_str(img, "\xEF\xBB\xBF" "\n  " S_S0 "\n" S_S1 "\n" S_S9 "\n");
    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_SREC);
    assert_bytes(img, expect, sizeof expect);
    /* errors are still on line 1, the offset counts the mark's three bytes */
    rc = load_str(img, "\xEF\xBB\xBF" H_D10_BADCS "\n" H_EOF "\n");
    ASSERT_FAIL(img, rc, ECU_ERR_CHECKSUM);
    ASSERT_LINE(img, 1);
    rc = load_str(img, "\xEF\xBB\xBF" ":04001000010203G4E2\n" H_EOF "\n");
    ASSERT_FAIL(img, rc, ECU_ERR_HEX_DIGIT);
    ASSERT_LINE(img, 1);
    assert_true(ecu_image_error_offset(img) == 3 + 15); /* the 'G' */
    /* the mark before binary data: raw, the mark included */
    rc = ecu_image_load_buffer(img, bin, sizeof bin);
    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_RAW);
    assert_bytes(img, bin, sizeof bin);
}

static void test_raw_s_then_binary(void **state)
{
    ecu_image *img = *state;
    static const uint8_t raw[] = {'S', '1', 0x00, 0x9A, 0x01};
    int rc = ecu_image_load_buffer(img, raw, sizeof raw);

    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_RAW);
    assert_bytes(img, raw, sizeof raw);
}

static void test_raw_s_not_followed_by_digit(void **state)
{
    ecu_image *img = *state;
    static const char text[] = "SX0000 some printable text\n";
    int rc = load_str(img, text);

    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_RAW);
    assert_bytes(img, (const uint8_t *)text, strlen(text));
}

static void test_raw_plain_text(void **state)
{
    ecu_image *img = *state;
    static const char text[] = "hello world\n:00000001FF\n";
    int rc = load_str(img, text);

    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_RAW);
    assert_bytes(img, (const uint8_t *)text, strlen(text));
}

static void test_detect_leading_whitespace(void **state)
{
    ecu_image *img = *state;
    static const uint8_t expect[] = {0x01, 0x02, 0x03, 0x04};
    int rc = load_str(img, " \t\r\n\n  " H_D10 "\n" H_EOF "\n");

    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_IHEX);
    assert_bytes(img, expect, sizeof expect);
}

/* A HEX file, then padding after the EOF record so that a non-printable byte lands at
 * offset @pos. */
static size_t hex_with_binary_at(uint8_t *buf, size_t cap, size_t pos)
{
    static const char head[] = H_D10 "\n" H_EOF "\n";
    size_t n = strlen(head);

    assert_true(pos >= n && pos + 2 <= cap);
    memcpy(buf, head, n);
    memset(buf + n, 'x', pos - n);
    buf[pos] = 0x01;
    buf[pos + 1] = '\n';
    return pos + 2;
}

static void test_detect_window_binary_at_255(void **state)
{
    ecu_image *img = *state;
    uint8_t buf[300];
    size_t n = hex_with_binary_at(buf, sizeof buf, 255);
    int rc = ecu_image_load_buffer(img, buf, n);

    /* offset 255 is inside the first 256 bytes: raw */
    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_RAW);
    assert_bytes(img, buf, n);
}

static void test_detect_window_binary_at_256(void **state)
{
    ecu_image *img = *state;
    static const uint8_t expect[] = {0x01, 0x02, 0x03, 0x04};
    uint8_t buf[300];
    size_t n = hex_with_binary_at(buf, sizeof buf, 256);
    int rc = ecu_image_load_buffer(img, buf, n);

    /* offset 256 is outside the detection window and after the EOF record: HEX */
    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_IHEX);
    assert_bytes(img, expect, sizeof expect);
}

/* ------------------------------------------------------------------------------------ */
/* gzip                                                                                  */

static void test_gzip_raw(void **state)
{
    ecu_image *img = *state;
    uint8_t raw[300];
    unsigned char *gz;
    size_t i, n;
    int rc;

    for (i = 0; i < sizeof raw; i++)
        raw[i] = (uint8_t)(i * 7u % 251u);
    n = gzip_buf(raw, sizeof raw, &gz);
    rc = ecu_image_load_buffer(img, gz, n);
    free(gz);
    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_RAW);
    assert_true(ecu_image_compressed(img) != 0);
    assert_true(ecu_image_base(img) == 0);
    assert_bytes(img, raw, sizeof raw);
}

static void test_gzip_ihex(void **state)
{
    ecu_image *img = *state;
    static const char text[] = H_ELA0800 "\n" H_GAP1 "\n" H_GAP2 "\n" H_SLA "\n" H_EOF "\n";
    static const uint8_t expect[] = {0x01, 0x02, 0xFF, 0xFF, 0x05, 0x06};
    unsigned char *gz;
    size_t n = gzip_buf(text, strlen(text), &gz);
    int rc = ecu_image_load_buffer(img, gz, n);

    free(gz);
    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_IHEX);
    assert_true(ecu_image_compressed(img) != 0);
    assert_true(ecu_image_base(img) == 0x08000100u);
    assert_bytes(img, expect, sizeof expect);
    assert_entry(img, 0x08000131u);
}

static void test_gzip_srec(void **state)
{
    ecu_image *img = *state;
    static const char text[] = S_S0 "\r\n" S_S3 "\r\n" S_S7 "\r\n";
    static const uint8_t expect[] = {0xCA, 0xFE, 0xBA, 0xBE};
    unsigned char *gz;
    size_t n = gzip_buf(text, strlen(text), &gz);
    int rc = ecu_image_load_buffer(img, gz, n);

    free(gz);
    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_SREC);
    assert_true(ecu_image_compressed(img) != 0);
    assert_true(ecu_image_base(img) == 0x08001000u);
    assert_bytes(img, expect, sizeof expect);
}

static void test_gzip_multi_member(void **state)
{
    ecu_image *img = *state;
    static const char part1[] = H_GAP1 "\n";
    static const char part2[] = H_GAP2 "\n" H_EOF "\n";
    static const uint8_t expect[] = {0x01, 0x02, 0xFF, 0xFF, 0x05, 0x06};
    unsigned char *gz1, *gz2, *both;
    size_t n1 = gzip_buf(part1, strlen(part1), &gz1);
    size_t n2 = gzip_buf(part2, strlen(part2), &gz2);
    int rc;

    both = malloc(n1 + n2);
    assert_non_null(both);
    memcpy(both, gz1, n1);
    memcpy(both + n1, gz2, n2);
    rc = ecu_image_load_buffer(img, both, n1 + n2);
    free(gz1);
    free(gz2);
    free(both);
    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_IHEX);
    assert_true(ecu_image_compressed(img) != 0);
    assert_bytes(img, expect, sizeof expect);
}

/* 1 KiB of text-like data (compresses to a real Huffman stream, not a stored block). */
static void corrupt_source(uint8_t *buf, size_t n)
{
    size_t i;
    uint32_t x = 12345;

    for (i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (uint8_t)('a' + (x >> 16) % 16u);
    }
}

static void test_gzip_corrupt_deflate(void **state)
{
    ecu_image *img = *state;
    uint8_t src[1024];
    unsigned char *gz;
    size_t n;
    int rc;

    corrupt_source(src, sizeof src);
    n = gzip_buf(src, sizeof src, &gz);
    /* gzip header is 10 bytes, trailer 8: flip a byte in the middle of the deflate data */
    gz[10 + (n - 18) / 2] ^= 0xFF;
    zlib_must_reject(gz, n, src, sizeof src);
    rc = ecu_image_load_buffer(img, gz, n);
    free(gz);
    ASSERT_FAIL(img, rc, ECU_ERR_GZIP);
    assert_int_equal(ecu_image_error_line(img), 0);
}

static void test_gzip_truncated(void **state)
{
    ecu_image *img = *state;
    uint8_t src[1024];
    unsigned char *gz;
    size_t n;
    int rc;

    corrupt_source(src, sizeof src);
    n = gzip_buf(src, sizeof src, &gz);
    n = 10 + (n - 18) / 2; /* cut in the middle of the deflate data */
    zlib_must_reject(gz, n, src, sizeof src);
    rc = ecu_image_load_buffer(img, gz, n);
    free(gz);
    ASSERT_FAIL(img, rc, ECU_ERR_GZIP);
}

static void test_gzip_truncated_trailer(void **state)
{
    ecu_image *img = *state;
    static const char text[] = H_D10 "\n" H_EOF "\n";
    unsigned char *gz;
    size_t n = gzip_buf(text, strlen(text), &gz);
    int rc;

    n -= 4; /* drop ISIZE */
    rc = ecu_image_load_buffer(img, gz, n);
    free(gz);
    ASSERT_FAIL(img, rc, ECU_ERR_GZIP);
}

static void test_gzip_bad_crc(void **state)
{
    ecu_image *img = *state;
    static const char text[] = H_D10 "\n" H_EOF "\n";
    unsigned char *gz;
    size_t n = gzip_buf(text, strlen(text), &gz);
    int rc;

    gz[n - 8] ^= 0x01; /* first byte of the CRC32 trailer */
    zlib_must_reject(gz, n, text, strlen(text));
    rc = ecu_image_load_buffer(img, gz, n);
    free(gz);
    ASSERT_FAIL(img, rc, ECU_ERR_GZIP);
}

/* 1F 8B alone is not gzip: the compression method and reserved flags must fit too. */
static void test_gzip_magic_only_is_raw(void **state)
{
    ecu_image *img = *state;
    static const uint8_t cm0[] = {0x1F, 0x8B, 0x00, 0x00, 0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC,
                                  0xDE, 0xF0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
    static const uint8_t flg[] = {0x1F, 0x8B, 0x08, 0xE0, 0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC,
                                  0xDE, 0xF0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
    static const uint8_t two[] = {0x1F, 0x8B};
    int rc;

    rc = ecu_image_load_buffer(img, cm0, sizeof cm0); /* CM 0 */
    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_RAW);
    assert_int_equal(ecu_image_compressed(img), 0);
    assert_bytes(img, cm0, sizeof cm0);
    rc = ecu_image_load_buffer(img, flg, sizeof flg); /* reserved FLG bits set */
    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_compressed(img), 0);
    assert_bytes(img, flg, sizeof flg);
    rc = ecu_image_load_buffer(img, two, sizeof two);
    ASSERT_OK(img, rc);
    assert_bytes(img, two, sizeof two);
}

/* A huge span limit must not wrap the decompression bound around to a small one. */
static void test_gzip_limit_saturates(void **state)
{
    ecu_image *img = *state;
    const size_t n = (size_t)3 << 20; /* 3 MiB of zeros: more than a wrapped bound allows */
    uint8_t *raw = calloc(n, 1);
    unsigned char *gz;
    size_t gn;
    int rc;

    assert_non_null(raw);
    gn = gzip_buf(raw, n, &gz);
    /* UINT64_MAX * 4 + 1 MiB wraps to 1 MiB - 4; 2^62 * 4 + 1 MiB wraps to 1 MiB */
    assert_int_equal(ecu_image_set_max_span(img, UINT64_MAX), ECU_OK);
    rc = ecu_image_load_buffer(img, gz, gn);
    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_size(img), n);
    assert_int_equal(ecu_image_set_max_span(img, (uint64_t)1 << 62), ECU_OK);
    rc = ecu_image_load_buffer(img, gz, gn);
    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_size(img), n);
    /* the same through a pipe (standard input is bounded the same way) */
    assert_int_equal(ecu_image_set_max_span(img, UINT64_MAX), ECU_OK);
    rc = load_from_pipe(img, raw, n);
    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_size(img), n);
    /* and a small limit still bounds it: 4 * 16 + 1 MiB < 3 MiB */
    assert_int_equal(ecu_image_set_max_span(img, 16), ECU_OK);
    rc = ecu_image_load_buffer(img, gz, gn);
    ASSERT_FAIL(img, rc, ECU_ERR_TOO_LARGE);
    free(gz);
    free(raw);
}

static void test_gzip_empty_payload(void **state)
{
    ecu_image *img = *state;
    static const char nothing[1] = {0};
    unsigned char *gz;
    size_t n = gzip_buf(nothing, 0, &gz);
    int rc = ecu_image_load_buffer(img, gz, n);

    free(gz);
    ASSERT_FAIL(img, rc, ECU_ERR_EMPTY);
}

/* ------------------------------------------------------------------------------------ */
/* State across loads                                                                    */

static void test_error_clears_previous_image(void **state)
{
    ecu_image *img = *state;
    int rc = load_str(img, H_D10 "\n" H_EOF "\n");

    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_size(img), 4);
    rc = load_str(img, H_D10_BADCS "\n" H_EOF "\n");
    ASSERT_FAIL(img, rc, ECU_ERR_CHECKSUM);
    ASSERT_LINE(img, 1);
    /* a good load afterwards clears the error */
    rc = load_str(img, S_S1 "\n" S_S9 "\n");
    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_error_line(img), 0);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_SREC);
    assert_int_equal(ecu_image_size(img), 4);
}

/* A failed load leaves nothing behind: no records, entry, format, base or gzip flag. */
static void assert_empty_after_error(const ecu_image *img)
{
    assert_int_equal(ecu_image_size(img), 0);
    assert_null(ecu_image_data(img));
    assert_int_equal(ecu_image_record_count(img), 0);
    assert_no_entry(img);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_UNKNOWN);
    assert_true(ecu_image_base(img) == 0);
    assert_int_equal(ecu_image_compressed(img), 0);
}

static void test_error_resets_everything(void **state)
{
    ecu_image *img = *state;
    static const char srec_bad_count[] = S_S0 "\n" S_S1 "\n" S_S1B "\n" S_S5_3 "\n" S_S9 "\n";
    static const char ihex_entry_then_bad[] = H_SLA "\n" H_D10 "\n" H_D10_BADCS "\n" H_EOF "\n";
    static const char ihex_overlap[] = H_SLA "\n" H_OV1 "\n" H_OV_DIFF "\n" H_EOF "\n";
    unsigned char *gz;
    size_t n;
    int rc;

    /* two data records counted before the S5 record is found wrong */
    rc = load_str(img, srec_bad_count);
    ASSERT_FAIL(img, rc, ECU_ERR_RECORD_COUNT);
    assert_empty_after_error(img);
    /* an entry address and a data record before the bad checksum */
    rc = load_str(img, ihex_entry_then_bad);
    ASSERT_FAIL(img, rc, ECU_ERR_CHECKSUM);
    assert_empty_after_error(img);
    /* every record parsed, the overlap found while placing them */
    rc = load_str(img, ihex_overlap);
    ASSERT_FAIL(img, rc, ECU_ERR_OVERLAP);
    assert_empty_after_error(img);
    /* gzip'ed: the compressed flag goes too */
    n = gzip_buf(ihex_entry_then_bad, strlen(ihex_entry_then_bad), &gz);
    rc = ecu_image_load_buffer(img, gz, n);
    free(gz);
    ASSERT_FAIL(img, rc, ECU_ERR_CHECKSUM);
    assert_empty_after_error(img);
    /* after a good gzip'ed S-record with an entry, a failing load of a file */
    n = gzip_buf(S_S1 "\n" S_S7 "\n", strlen(S_S1 "\n" S_S7 "\n"), &gz);
    rc = ecu_image_load_buffer(img, gz, n);
    free(gz);
    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_compressed(img), 1);
    rc = ecu_image_load_file(img, "/nonexistent/ecu_test/definitely_missing.hex");
    ASSERT_FAIL(img, rc, ECU_ERR_IO);
    assert_empty_after_error(img);
}

/* ------------------------------------------------------------------------------------ */
/* Files                                                                                 */

static void test_load_file_directory(void **state)
{
    ecu_image *img = *state;
    char tmpl[] = "/tmp/ecu_test_dir_XXXXXX";
    char *dir = mkdtemp(tmpl);
    int rc;

    assert_non_null(dir);
    rc = ecu_image_load_file(img, dir);
    rmdir(dir);
    ASSERT_FAIL(img, rc, ECU_ERR_ISDIR);
}

static void test_load_file_missing(void **state)
{
    ecu_image *img = *state;
    int rc = ecu_image_load_file(img, "/nonexistent/ecu_test/definitely_missing.hex");

    ASSERT_FAIL(img, rc, ECU_ERR_IO);
    assert_int_equal(ecu_image_error_errno(img), ENOENT);
}

static void test_load_file_unreadable(void **state)
{
    ecu_image *img = *state;
    static const char text[] = H_D10 "\n" H_EOF "\n";
    char *path;
    int rc;

    if (geteuid() == 0) {
        skip();
        return;
    }
    path = make_temp_file(text, strlen(text));
    assert_int_equal(chmod(path, 0), 0);
    rc = ecu_image_load_file(img, path);
    unlink(path);
    free(path);
    ASSERT_FAIL(img, rc, ECU_ERR_IO);
    assert_int_equal(ecu_image_error_errno(img), EACCES);
}

static void test_load_file_real(void **state)
{
    ecu_image *img = *state;
    static const char text[] = S_S0 "\n" S_S1 "\n" S_S1B "\n" S_S5_2 "\n" S_S9 "\n";
    char *path = make_temp_file(text, strlen(text));
    int rc = ecu_image_load_file(img, path);

    unlink(path);
    free(path);
    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_SREC);
    assert_true(ecu_image_base(img) == 0x1000);
    assert_int_equal(ecu_image_size(img), 0x12);
    assert_int_equal(ecu_image_data(img)[0x11], 0x06);
    assert_int_equal(ecu_image_error_errno(img), 0);
}

static void test_load_file_gzip(void **state)
{
    ecu_image *img = *state;
    static const char text[] = H_D10 "\n" H_EOF "\n";
    static const uint8_t expect[] = {0x01, 0x02, 0x03, 0x04};
    unsigned char *gz;
    size_t n = gzip_buf(text, strlen(text), &gz);
    char *path = make_temp_file(gz, n);
    int rc = ecu_image_load_file(img, path);

    unlink(path);
    free(path);
    free(gz);
    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_IHEX);
    assert_true(ecu_image_compressed(img) != 0);
    assert_bytes(img, expect, sizeof expect);
}

static void test_load_file_stdin(void **state)
{
    ecu_image *img = *state;
    static const char text[] = H_D10 "\n" H_EOF "\n";
    static const uint8_t expect[] = {0x01, 0x02, 0x03, 0x04};
    char *path = make_temp_file(text, strlen(text));
    int fd = open(path, O_RDONLY);
    int rc;

    assert_true(fd >= 0);
    rc = load_stdin_from(img, fd);
    unlink(path);
    free(path);
    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_IHEX);
    assert_bytes(img, expect, sizeof expect);
}

/* Standard input that is a file read up to some position: the rest is the input. */
static void test_load_file_stdin_at_offset(void **state)
{
    ecu_image *img = *state;
    /* binary bytes before the HEX text: loaded from offset 0 the file would be raw */
    static const char content[] = "\x00\x01\x02\xFF\xFE" H_D10 "\n" H_EOF "\n";
    static const uint8_t expect[] = {0x01, 0x02, 0x03, 0x04};
    char *path = make_temp_file(content, sizeof content - 1);
    int fd;
    int rc;

    fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    assert_true(lseek(fd, 5, SEEK_SET) == 5);
    rc = load_stdin_from(img, fd);
    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_IHEX);
    assert_bytes(img, expect, sizeof expect);
    /* at the end of the file: nothing left to read */
    fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    assert_true(lseek(fd, 0, SEEK_END) == (off_t)(sizeof content - 1));
    rc = load_stdin_from(img, fd);
    ASSERT_FAIL(img, rc, ECU_ERR_EMPTY);
    /* at offset 0 the whole file: raw */
    fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    rc = load_stdin_from(img, fd);
    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_RAW);
    assert_int_equal(ecu_image_size(img), sizeof content - 1);
    unlink(path);
    free(path);
}

/* A pipe: read in growing chunks, bounded by four times the span limit plus 1 MiB. */
static void test_load_file_pipe(void **state)
{
    ecu_image *img = *state;
    const size_t n = 300 * 1024 + 7; /* several buffer sizes, not a power of two */
    const size_t over = ((size_t)1 << 20) + 4 * 16 + 1; /* one byte over the bound */
    uint8_t *raw = malloc(over);
    size_t i;
    int rc;

    assert_non_null(raw);
    for (i = 0; i < over; i++)
        raw[i] = (uint8_t)(i * 131u % 251u);
    rc = load_from_pipe(img, raw, n);
    ASSERT_OK(img, rc);
    assert_int_equal(ecu_image_format(img), ECU_FORMAT_RAW);
    assert_bytes(img, raw, n);
    assert_int_equal(ecu_image_set_max_span(img, 16), ECU_OK);
    /* raw data: read up to the span limit (16 bytes, after the first 512 that show it is
       raw), not up to the bound of text (4 * 16 + 1 MiB): the writer is left unfinished */
    rc = load_from_pipe(img, raw, over);
    ASSERT_FAIL(img, rc, ECU_ERR_TOO_LARGE);
    assert_non_null(strstr(ecu_image_error_detail(img), "more than 16 bytes of raw data"));
    assert_false(WIFEXITED(pipe_writer_status) && WEXITSTATUS(pipe_writer_status) == 0);
    free(raw);
}

/* Text read from a pipe: up to 4 characters per byte of the span, plus 1 MiB. */
static void test_load_file_pipe_text_bound(void **state)
{
    ecu_image *img = *state;
    const size_t bound = ((size_t)1 << 20) + 4 * 16; /* the most that is read */
    char *text = malloc(bound + 1);
    int rc;

    assert_non_null(text);
    /* one data record, then blank lines: no termination record */
    memset(text, '\n', bound + 1);
    memcpy(text, S_S1 "\n", strlen(S_S1) + 1);
    assert_int_equal(ecu_image_set_max_span(img, 16), ECU_OK);
    rc = load_from_pipe(img, text, bound);
    ASSERT_FAIL(img, rc, ECU_ERR_TRUNCATED); /* read whole, then parsed */
    rc = load_from_pipe(img, text, bound + 1);
    ASSERT_FAIL(img, rc, ECU_ERR_TOO_LARGE);
    assert_non_null(strstr(ecu_image_error_detail(img), "larger than"));
    free(text);
}

/* Standard input that never ends (/dev/zero): refused once the span limit is passed. */
static void test_load_file_stdin_endless(void **state)
{
    ecu_image *img = *state;
    char *zeros;
    int fd = open("/dev/zero", O_RDONLY), rc;

    if (fd < 0) {
        skip();
        return;
    }
    alarm(20); /* a loader that reads on would be stopped here */
    assert_int_equal(ecu_image_set_max_span(img, (uint64_t)1 << 20), ECU_OK);
    rc = load_stdin_from(img, fd);
    alarm(0);
    ASSERT_FAIL(img, rc, ECU_ERR_TOO_LARGE);
    assert_non_null(strstr(ecu_image_error_detail(img), "more than 1048576 bytes of raw data"));
    /* a pipe of zeros: the same (4 MiB is within the bound of text, 5 MiB) */
    zeros = calloc((size_t)4 << 20, 1);
    assert_non_null(zeros);
    rc = load_from_pipe(img, zeros, (size_t)4 << 20);
    ASSERT_FAIL(img, rc, ECU_ERR_TOO_LARGE);
    assert_false(WIFEXITED(pipe_writer_status) && WEXITSTATUS(pipe_writer_status) == 0);
    free(zeros);
}

/* Named inputs that are no regular file or block device: refused at once, never opened for
   reading (a FIFO would wait for a writer, /dev/zero never ends). */
static void test_load_file_not_regular(void **state)
{
    ecu_image *img = *state;
    char dir_tmpl[] = "/tmp/ecu_test_special_XXXXXX";
    char *dir = mkdtemp(dir_tmpl), path[64];
    struct sockaddr_un sa;
    int rc, sock;

    assert_non_null(dir);
    alarm(20); /* today's loader waited for ever on the FIFO */
    snprintf(path, sizeof path, "%s/fifo", dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    rc = ecu_image_load_file(img, path);
    ASSERT_FAIL(img, rc, ECU_ERR_IO);
    assert_non_null(strstr(ecu_image_error_detail(img), "not a regular file (FIFO)"));
    unlink(path);

    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s/sock", dir);
    sock = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(sock >= 0);
    assert_int_equal(bind(sock, (struct sockaddr *)&sa, sizeof sa), 0);
    rc = ecu_image_load_file(img, sa.sun_path);
    ASSERT_FAIL(img, rc, ECU_ERR_IO);
    assert_non_null(strstr(ecu_image_error_detail(img), "not a regular file (socket)"));
    close(sock);
    unlink(sa.sun_path);
    rmdir(dir);

    rc = ecu_image_load_file(img, "/dev/zero");
    ASSERT_FAIL(img, rc, ECU_ERR_IO);
    assert_non_null(strstr(ecu_image_error_detail(img), "not a regular file (character device)"));
    rc = ecu_image_load_file(img, "/dev/null");
    ASSERT_FAIL(img, rc, ECU_ERR_IO);
    alarm(0);
}

/* ------------------------------------------------------------------------------------ */
/* Misc API                                                                              */

static void test_strerror_all_codes(void **state)
{
    int code;
    (void)state;

    for (code = 0; code <= ECU_ERROR_COUNT; code++) {
        const char *s = ecu_strerror(code);
        assert_non_null(s);
        assert_true(s[0] != '\0');
    }
    assert_non_null(ecu_strerror(-1));
    assert_non_null(ecu_strerror(9999));
    assert_non_null(ecu_strerror(ECU_ERROR_COUNT + 1));
}

static void test_format_name(void **state)
{
    (void)state;
    assert_string_equal(ecu_format_name(ECU_FORMAT_RAW), "raw");
    assert_string_equal(ecu_format_name(ECU_FORMAT_IHEX), "ihex");
    assert_string_equal(ecu_format_name(ECU_FORMAT_SREC), "srec");
    assert_string_equal(ecu_format_name(ECU_FORMAT_UNKNOWN), "unknown");
    assert_string_equal(ecu_format_name((ecu_format)42), "unknown");
}

static void test_free_null(void **state)
{
    (void)state;
    ecu_image_free(NULL);
}

static void test_new_image_is_empty(void **state)
{
    ecu_image *img = *state;
    uint64_t addr = 0;

    assert_int_equal(ecu_image_size(img), 0);
    assert_null(ecu_image_data(img));
    assert_int_equal(ecu_image_entry(img, &addr), 0);
    assert_int_equal(ecu_image_record_count(img), 0);
}

/* ------------------------------------------------------------------------------------ */

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_img, teardown_img)

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* Intel HEX record types */
        T(test_ihex_type00_data),
        T(test_ihex_type00_no_16bit_wrap),
        T(test_ihex_type01_eof_ignores_rest),
        T(test_ihex_records_after_eof),
        T(test_ihex_type01_nonzero_length),
        T(test_ihex_type02_segment),
        T(test_ihex_type02_bad_length),
        T(test_ihex_type03_start_segment),
        T(test_ihex_type03_bad_length),
        T(test_ihex_type04_linear),
        T(test_ihex_type04_bad_length),
        T(test_ihex_type05_start_linear),
        T(test_ihex_type05_bad_length),
        T(test_ihex_unknown_type),
        T(test_ihex_lowercase_digits),
        /* layout */
        T(test_ihex_gap_filled_ff),
        T(test_ihex_base_is_lowest_address),
        T(test_ihex_overlap_same_data),
        T(test_ihex_overlap_conflict),
        /* Intel HEX errors */
        T(test_ihex_bad_hex_digit),
        T(test_ihex_bad_hex_digit_in_length),
        T(test_ihex_truncated_line),
        T(test_ihex_shorter_than_minimum),
        T(test_ihex_too_long_line),
        T(test_ihex_missing_start_code),
        T(test_ihex_bad_checksum),
        T(test_ihex_missing_eof),
        T(test_ihex_no_data),
        T(test_ihex_no_data_only_address_records),
        /* span limit */
        T(test_span_limit_small),
        T(test_span_limit_small_srec),
        T(test_span_limit_4gib_fast),
        T(test_span_limit_zero_restores_default),
        T(test_ihex_past_32bit_address_space),
        T(test_srec_past_32bit_address_space),
        T(test_raw_over_limit),
        /* S-record types */
        T(test_srec_s0_header),
        T(test_srec_s1_data),
        T(test_srec_s2_data),
        T(test_srec_s3_data),
        T(test_srec_s4_refused),
        T(test_srec_s5_count_ok),
        T(test_srec_s5_count_wrong),
        T(test_srec_s6_count_ok),
        T(test_srec_s6_count_wrong),
        T(test_srec_s7_entry),
        T(test_srec_s8_entry),
        T(test_srec_s9_entry),
        T(test_srec_termination_ignores_rest),
        T(test_srec_records_after_termination),
        /* S-record errors */
        T(test_srec_count_too_small),
        T(test_srec_bad_hex_digit),
        T(test_srec_truncated_line),
        T(test_srec_too_long_line),
        T(test_srec_bad_checksum),
        T(test_srec_missing_termination),
        T(test_srec_ends_with_count),
        T(test_srec_ends_with_wrong_count),
        T(test_srec_count_not_at_end),
        T(test_srec_overlap_same_data),
        T(test_srec_overlap_conflict),
        T(test_srec_no_data),
        /* line handling */
        T(test_crlf_line_endings),
        T(test_crlf_srec),
        T(test_cr_only_line_endings),
        T(test_no_final_newline),
        T(test_crlf_error_line_number),
        T(test_cr_error_line_number),
        T(test_blank_lines_and_spaces),
        T(test_blank_lines_counted_in_error_line),
        /* detection */
        T(test_empty_buffer),
        T(test_raw_binary),
        T(test_raw_colon_then_binary),
        T(test_raw_valid_hex_with_binary_byte),
        T(test_detect_utf8_bom),
        T(test_raw_s_then_binary),
        T(test_raw_s_not_followed_by_digit),
        T(test_raw_plain_text),
        T(test_detect_leading_whitespace),
        T(test_detect_window_binary_at_255),
        T(test_detect_window_binary_at_256),
        /* gzip */
        T(test_gzip_raw),
        T(test_gzip_ihex),
        T(test_gzip_srec),
        T(test_gzip_multi_member),
        T(test_gzip_corrupt_deflate),
        T(test_gzip_truncated),
        T(test_gzip_truncated_trailer),
        T(test_gzip_bad_crc),
        T(test_gzip_empty_payload),
        T(test_gzip_magic_only_is_raw),
        T(test_gzip_limit_saturates),
        /* state */
        T(test_error_clears_previous_image),
        T(test_error_resets_everything),
        /* files */
        T(test_load_file_directory),
        T(test_load_file_missing),
        T(test_load_file_unreadable),
        T(test_load_file_real),
        T(test_load_file_gzip),
        T(test_load_file_stdin),
        T(test_load_file_stdin_at_offset),
        T(test_load_file_pipe),
        T(test_load_file_pipe_text_bound),
        T(test_load_file_stdin_endless),
        T(test_load_file_not_regular),
        /* misc */
        cmocka_unit_test(test_strerror_all_codes),
        cmocka_unit_test(test_format_name),
        cmocka_unit_test(test_free_null),
        T(test_new_image_is_empty),
    };

    return cmocka_run_group_tests_name("image", tests, NULL, NULL);
}
