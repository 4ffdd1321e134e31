/* SPDX-License-Identifier: MIT */
/*
 * Image loading: raw binary, Intel HEX, Motorola S-record, each optionally gzip-compressed.
 *
 * Record formats follow their public definitions: Intel's "Hexadecimal Object File Format
 * Specification" (rev. A, 1988) for record types 00-05, and the Motorola S-record format
 * as described in srec(5) of the SRecord package (S0-S3, S5-S9; S4 reserved).
 *
 * Text formats are parsed in two passes: the first validates every record, decodes its
 * data into one payload buffer and tracks the address span (refusing it as soon as it
 * passes the limit); the second allocates the image once, fills it with 0xFF and places
 * the data, checking overlaps against a coverage bitmap.
 */
#define _GNU_SOURCE /* MAP_POPULATE */
#include "hold.h"
#include "image_private.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

enum data_owner { OWN_NONE, OWN_MALLOC, OWN_MMAP, OWN_KEPT };

/* A kept read buffer (ecu_image_set_reuse); hold: its registration while it holds the data
   of a load (core/hold.h: the handle's hold; engines may take more), else NULL. */
struct kept {
    uint8_t *buf;
    size_t cap;
    struct ecu__hold *hold;
};

struct ecu_image {
    uint8_t *data;
    size_t size;
    enum data_owner owner;
    size_t map_size;
    struct ecu__hold *hold; /* the data, registered for engines to hold (core/hold.h), or NULL */
    uint64_t base;
    ecu_format format;
    int compressed;
    int has_entry;
    uint64_t entry;
    size_t records;
    uint64_t max_span;
    int reuse;
    struct kept kept[2];
    /* last error */
    int err;
    size_t err_line;
    uint64_t err_offset;
    int err_errno;
    char detail[256];
};

/* ---- handle ---------------------------------------------------------------------------- */

ecu_image *ecu_image_new(void)
{
    ecu_image *img = calloc(1, sizeof *img);
    if (img)
        img->max_span = ECU_IMAGE_DEFAULT_MAX_SPAN;
    return img;
}

static void drop_data(ecu_image *img)
{
    if (img->hold) /* (released by the last holder) */
        ecu__hold_drop(img->hold);
    else if (img->owner == OWN_MALLOC)
        free(img->data);
    else if (img->owner == OWN_MMAP)
        ecu__unmap(img->data, img->map_size);
    /* (OWN_KEPT: the buffer stays, registered, until reclaimed or given away) */
    img->data = NULL;
    img->size = 0;
    img->owner = OWN_NONE;
    img->map_size = 0;
    img->hold = NULL;
}

/* After a load: its data registered for the engines to hold instead of copying it (when
   that fails, the data stays the image's own and is copied). */
static int hold_data(ecu_image *img, int rc)
{
    if (rc == ECU_OK && img->data && (img->owner == OWN_MALLOC || img->owner == OWN_MMAP))
        img->hold = ecu__hold_new(img->data, img->size, img->data,
                                  img->owner == OWN_MMAP ? img->map_size : 0);
    return rc;
}

static void reset(ecu_image *img)
{
    drop_data(img);
    img->base = 0;
    img->format = ECU_FORMAT_UNKNOWN;
    img->compressed = 0;
    img->has_entry = 0;
    img->entry = 0;
    img->records = 0;
    img->err = ECU_OK;
    img->err_line = 0;
    img->err_offset = 0;
    img->err_errno = 0;
    img->detail[0] = '\0';
}

/* Lets go of the kept buffers: freed now, or by the last engine that holds one. */
static void drop_kept(ecu_image *img)
{
    size_t i;
    for (i = 0; i < sizeof img->kept / sizeof img->kept[0]; i++) {
        ecu__hold_give(img->kept[i].hold, img->kept[i].buf);
        img->kept[i].buf = NULL;
        img->kept[i].cap = 0;
        img->kept[i].hold = NULL;
    }
}

void ecu_image_free(ecu_image *img)
{
    if (!img)
        return;
    drop_data(img);
    drop_kept(img);
    free(img);
}

void ecu_image_defer_unmap(size_t max_bytes) { ecu__defer_unmap(max_bytes); }

int ecu_image_set_reuse(ecu_image *img, int reuse)
{
    if (!img)
        return ECU_ERR_INVALID;
    if (!reuse && img->reuse) {
        if (img->owner == OWN_KEPT) /* the data goes with the buffers */
            reset(img);
        drop_kept(img);
    }
    img->reuse = reuse != 0;
    return ECU_OK;
}

int ecu_image_set_max_span(ecu_image *img, uint64_t max_span)
{
    if (!img)
        return ECU_ERR_INVALID;
    img->max_span = max_span ? max_span : ECU_IMAGE_DEFAULT_MAX_SPAN;
    return ECU_OK;
}

const uint8_t *ecu_image_data(const ecu_image *img) { return img ? img->data : NULL; }
size_t ecu_image_size(const ecu_image *img) { return img ? img->size : 0; }
uint64_t ecu_image_base(const ecu_image *img) { return img ? img->base : 0; }
ecu_format ecu_image_format(const ecu_image *img) { return img ? img->format : ECU_FORMAT_UNKNOWN; }
int ecu_image_compressed(const ecu_image *img) { return img ? img->compressed : 0; }
size_t ecu_image_record_count(const ecu_image *img) { return img ? img->records : 0; }
int ecu_image_error(const ecu_image *img) { return img ? img->err : ECU_ERR_INVALID; }
const char *ecu_image_error_detail(const ecu_image *img) { return img ? img->detail : ""; }
size_t ecu_image_error_line(const ecu_image *img) { return img ? img->err_line : 0; }
uint64_t ecu_image_error_offset(const ecu_image *img) { return img ? img->err_offset : 0; }
int ecu_image_error_errno(const ecu_image *img) { return img ? img->err_errno : 0; }

int ecu_image_entry(const ecu_image *img, uint64_t *addr)
{
    if (!img || !img->has_entry)
        return 0;
    if (addr)
        *addr = img->entry;
    return 1;
}

const char *ecu_format_name(ecu_format fmt)
{
    switch (fmt) {
    case ECU_FORMAT_RAW: return "raw";
    case ECU_FORMAT_IHEX: return "ihex";
    case ECU_FORMAT_SREC: return "srec";
    default: return "unknown";
    }
}

#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static int fail(ecu_image *img, int code, size_t line, uint64_t offset, const char *fmt, ...)
{
    va_list ap;
    /* after an error the handle is empty: nothing a partial load set may remain */
    reset(img);
    img->err = code;
    img->err_line = line;
    img->err_offset = offset;
    va_start(ap, fmt);
    vsnprintf(img->detail, sizeof img->detail, fmt, ap);
    va_end(ap);
    return code;
}

/* ---- content detection ----------------------------------------------------------------- */

static int is_blank(uint8_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Length of a UTF-8 byte order mark at the start of [d, d+n): 3 or 0. */
static size_t bom_length(const uint8_t *d, size_t n)
{
    return n >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF ? 3 : 0;
}

ecu_format ecu__sniff_format(const uint8_t *d, size_t n)
{
    size_t i = 0, j, probe, bom = bom_length(d, n);
    /* some Windows editors save text with a UTF-8 byte order mark: look past it */
    d += bom;
    n -= bom;
    probe = n < 256 ? n : 256;
    while (i < n && is_blank(d[i]))
        i++;
    if (i >= n)
        return ECU_FORMAT_RAW;
    if (d[i] != ':' && !(d[i] == 'S' && i + 1 < n && d[i + 1] >= '0' && d[i + 1] <= '9'))
        return ECU_FORMAT_RAW;
    for (j = 0; j < probe; j++) {
        uint8_t c = d[j];
        /* printable ASCII, whitespace, and the DOS end-of-file mark some tools append */
        if (!((c >= 0x20 && c <= 0x7E) || is_blank(c) || c == 0x1A))
            return ECU_FORMAT_RAW;
    }
    return d[i] == ':' ? ECU_FORMAT_IHEX : ECU_FORMAT_SREC;
}

/* ---- text record parsing ----------------------------------------------------------------- */

static const int8_t hexval[256] = {
    ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
    ['8'] = 9, ['9'] = 10, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15,
    ['F'] = 16, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
}; /* value + 1; 0 = not a hex digit */

struct segment {
    uint64_t addr;
    size_t len;
    size_t off; /* into the payload buffer */
    size_t line;
};

struct parser {
    ecu_image *img;
    const uint8_t *in;
    size_t n;
    size_t pos;       /* next unread input byte */
    size_t line;      /* current 1-based line */
    size_t line_off;  /* offset of the current line's first byte */
    uint8_t *payload; /* decoded data bytes of all data records */
    size_t payload_len, payload_cap;
    struct segment *seg;
    size_t nseg, segcap;
    uint64_t lo, hi; /* lowest address, highest address + 1 */
    uint8_t rec[260];  /* decoded bytes of the current record */
};

/* Next non-blank line as [*s, *e) with surrounding spaces/tabs trimmed; 0 at end of input. */
static int next_line(struct parser *p, const uint8_t **s, const uint8_t **e)
{
    while (p->pos < p->n) {
        const uint8_t *a = p->in + p->pos, *end = p->in + p->n, *b = a;
        while (b < end && *b != '\n' && *b != '\r')
            b++;
        p->line++;
        p->line_off = p->pos;
        p->pos = (size_t)(b - p->in);
        if (b < end)
            p->pos += (*b == '\r' && b + 1 < end && b[1] == '\n') ? 2 : 1;
        while (a < b && (*a == ' ' || *a == '\t'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        if (a < b) {
            *s = a;
            *e = b;
            return 1;
        }
    }
    return 0;
}

static uint64_t col_offset(const struct parser *p, const uint8_t *c) { return (uint64_t)(c - p->in); }
static size_t column(const struct parser *p, const uint8_t *c) { return (size_t)(c - p->in) - p->line_off + 1; }

/*
 * Decodes the hex digits in [s, e) into p->rec. Returns the number of digits, or -1 after
 * reporting a bad digit. At most sizeof rec bytes are decoded; longer records are reported
 * by the caller from the digit count.
 */
static long decode_hex(struct parser *p, const uint8_t *s, const uint8_t *e)
{
    const uint8_t *c;
    for (c = s; c < e; c++) {
        if (!hexval[*c]) {
            char shown[8];
            if (*c >= 0x21 && *c <= 0x7E)
                snprintf(shown, sizeof shown, "'%c'", *c);
            else
                snprintf(shown, sizeof shown, "0x%02X", *c);
            fail(p->img, ECU_ERR_HEX_DIGIT, p->line, col_offset(p, c),
                 "line %zu, column %zu: %s is not a hexadecimal digit", p->line, column(p, c), shown);
            return -1;
        }
    }
    for (c = s; c + 1 < e && (size_t)(c - s) / 2 < sizeof p->rec; c += 2)
        p->rec[(c - s) / 2] = (uint8_t)(((hexval[c[0]] - 1) << 4) | (hexval[c[1]] - 1));
    return (long)(e - s);
}

static int add_data(struct parser *p, uint64_t addr, const uint8_t *bytes, size_t len)
{
    struct segment *sg;
    uint64_t lo, hi;
    if (!len)
        return ECU_OK;
    /* HEX and S-record addresses are 32-bit: data may end at 0xFFFFFFFF, never beyond */
    if (addr + len > ((uint64_t)1 << 32))
        return fail(p->img, ECU_ERR_SYNTAX, p->line, p->line_off,
                    "line %zu: %zu data bytes at 0x%llX run past the end of the 32-bit "
                    "address space (0xFFFFFFFF)", p->line, len, (unsigned long long)addr);
    lo = p->nseg ? (addr < p->lo ? addr : p->lo) : addr;
    hi = p->nseg ? (addr + len > p->hi ? addr + len : p->hi) : addr + len;
    if (hi - lo > p->img->max_span)
        return fail(p->img, ECU_ERR_TOO_LARGE, p->line, p->line_off,
                    "line %zu: data at 0x%llX makes the address span 0x%llX-0x%llX "
                    "(%llu bytes), over the limit of %llu bytes",
                    p->line, (unsigned long long)addr, (unsigned long long)lo,
                    (unsigned long long)(hi - 1), (unsigned long long)(hi - lo),
                    (unsigned long long)p->img->max_span);
    if (p->nseg == p->segcap) {
        size_t cap = p->segcap ? p->segcap * 2 : 256;
        void *q = realloc(p->seg, cap * sizeof *p->seg);
        if (!q)
            return fail(p->img, ECU_ERR_NOMEM, p->line, p->line_off, "out of memory");
        p->seg = q;
        p->segcap = cap;
    }
    if (p->payload_len + len > p->payload_cap) {
        size_t cap = p->payload_cap ? p->payload_cap : 4096;
        void *q;
        while (cap < p->payload_len + len)
            cap *= 2;
        q = realloc(p->payload, cap);
        if (!q)
            return fail(p->img, ECU_ERR_NOMEM, p->line, p->line_off, "out of memory");
        p->payload = q;
        p->payload_cap = cap;
    }
    memcpy(p->payload + p->payload_len, bytes, len);
    sg = &p->seg[p->nseg++];
    sg->addr = addr;
    sg->len = len;
    sg->off = p->payload_len;
    sg->line = p->line;
    p->payload_len += len;
    p->lo = lo;
    p->hi = hi;
    return ECU_OK;
}

/* Checks the digit count of a record: too few is truncation, too many a syntax error. */
static int check_length(struct parser *p, long ndig, size_t need, const uint8_t *s)
{
    if ((size_t)ndig < need)
        return fail(p->img, ECU_ERR_TRUNCATED, p->line, p->line_off,
                    "line %zu: record truncated: %ld hex digits where its length field needs %zu",
                    p->line, ndig, need);
    if ((size_t)ndig > need)
        return fail(p->img, ECU_ERR_SYNTAX, p->line, col_offset(p, s + need),
                    "line %zu, column %zu: %zu characters after the end of the record",
                    p->line, column(p, s + need), (size_t)ndig - need);
    return ECU_OK;
}

static int bad_checksum(struct parser *p, unsigned stored, unsigned computed)
{
    return fail(p->img, ECU_ERR_CHECKSUM, p->line, p->line_off,
                "line %zu: record checksum is 0x%02X, computed 0x%02X", p->line, stored, computed);
}

/* Is [s, e) shaped like a record: ':' and hex digits, or 'S', a digit and hex digits? */
static int looks_like_record(const uint8_t *s, const uint8_t *e)
{
    const uint8_t *c;
    if (*s == ':')
        c = s + 1;
    else if (*s == 'S' && e - s >= 2 && s[1] >= '0' && s[1] <= '9')
        c = s + 2;
    else
        return 0;
    if (c >= e)
        return 0;
    for (; c < e; c++)
        if (!hexval[*c])
            return 0;
    return 1;
}

/*
 * After the end record: text that is not a record (a signature, a DOS end-of-file mark) is
 * ignored, but a record means a second file was appended (cat a.hex b.hex), whose data
 * would silently be lost: refused.
 */
static int check_after_end(struct parser *p, const char *end_record)
{
    const uint8_t *s, *e;
    while (next_line(p, &s, &e))
        if (looks_like_record(s, e))
            return fail(p->img, ECU_ERR_SYNTAX, p->line, p->line_off,
                        "line %zu: data records after the %s record", p->line, end_record);
    return ECU_OK;
}

static int parse_ihex(struct parser *p)
{
    const uint8_t *s, *e;
    uint64_t base = 0;
    while (next_line(p, &s, &e)) {
        long ndig;
        unsigned len, type, i, sum = 0, off;
        int rc;
        if (*s != ':')
            return fail(p->img, ECU_ERR_SYNTAX, p->line, p->line_off,
                        "line %zu: record does not start with ':'", p->line);
        if ((ndig = decode_hex(p, s + 1, e)) < 0)
            return p->img->err;
        if (ndig < 10)
            return fail(p->img, ECU_ERR_TRUNCATED, p->line, p->line_off,
                        "line %zu: record truncated: %ld hex digits, a record has at least 10",
                        p->line, ndig);
        len = p->rec[0];
        if ((rc = check_length(p, ndig, 2 * ((size_t)len + 5), s + 1)))
            return rc;
        for (i = 0; i < len + 4; i++)
            sum += p->rec[i];
        if (((sum + p->rec[len + 4]) & 0xFF) != 0)
            return bad_checksum(p, p->rec[len + 4], (0x100 - (sum & 0xFF)) & 0xFF);
        off = (unsigned)p->rec[1] << 8 | p->rec[2];
        type = p->rec[3];
        static const int fixed_len[6] = {-1, 0, 2, 4, 2, 4};
        if (type > 5)
            return fail(p->img, ECU_ERR_SYNTAX, p->line, p->line_off,
                        "line %zu: unknown record type 0x%02X", p->line, type);
        if (fixed_len[type] >= 0 && (int)len != fixed_len[type])
            return fail(p->img, ECU_ERR_SYNTAX, p->line, p->line_off,
                        "line %zu: record type 0x%02X must have %d data bytes, not %u",
                        p->line, type, fixed_len[type], len);
        const uint8_t *d = p->rec + 4;
        switch (type) {
        case 0:
            if ((rc = add_data(p, base + off, d, len)))
                return rc;
            p->img->records++;
            break;
        case 1:
            return check_after_end(p, "end-of-file");
        case 2:
            base = (uint64_t)((unsigned)d[0] << 8 | d[1]) << 4;
            break;
        case 3:
            p->img->has_entry = 1;
            p->img->entry = ((uint64_t)((unsigned)d[0] << 8 | d[1]) << 4) + ((unsigned)d[2] << 8 | d[3]);
            break;
        case 4:
            base = (uint64_t)((unsigned)d[0] << 8 | d[1]) << 16;
            break;
        case 5:
            p->img->has_entry = 1;
            p->img->entry = (uint64_t)d[0] << 24 | (uint64_t)d[1] << 16 | (uint64_t)d[2] << 8 | d[3];
            break;
        }
    }
    return fail(p->img, ECU_ERR_TRUNCATED, p->line, p->n,
                "line %zu: no end-of-file record (type 01): the file is truncated", p->line);
}

static int parse_srec(struct parser *p)
{
    static const unsigned addr_len[10] = {2, 2, 3, 4, 0, 2, 3, 4, 3, 2};
    const uint8_t *s, *e;
    size_t data_records = 0;
    int counted = 0; /* the last record so far is an S5/S6 whose count matched */
    while (next_line(p, &s, &e)) {
        long ndig;
        unsigned type, cnt, alen, i, sum = 0, dlen;
        uint64_t addr = 0;
        int rc;
        if (*s != 'S')
            return fail(p->img, ECU_ERR_SYNTAX, p->line, p->line_off,
                        "line %zu: record does not start with 'S'", p->line);
        if (e - s < 2 || s[1] < '0' || s[1] > '9')
            return fail(p->img, ECU_ERR_SYNTAX, p->line, p->line_off,
                        "line %zu: no record type digit after 'S'", p->line);
        type = (unsigned)(s[1] - '0');
        if (type == 4)
            return fail(p->img, ECU_ERR_SYNTAX, p->line, p->line_off,
                        "line %zu: record type S4 is reserved", p->line);
        if ((ndig = decode_hex(p, s + 2, e)) < 0)
            return p->img->err;
        if (ndig < 2)
            return fail(p->img, ECU_ERR_TRUNCATED, p->line, p->line_off,
                        "line %zu: record truncated before its byte count", p->line);
        cnt = p->rec[0];
        if ((rc = check_length(p, ndig, 2 * ((size_t)cnt + 1), s + 2)))
            return rc;
        alen = addr_len[type];
        if (cnt < alen + 1)
            return fail(p->img, ECU_ERR_SYNTAX, p->line, p->line_off,
                        "line %zu: byte count %u is too small for an S%u record", p->line, cnt, type);
        for (i = 0; i < cnt; i++)
            sum += p->rec[i];
        if ((~sum & 0xFF) != p->rec[cnt])
            return bad_checksum(p, p->rec[cnt], ~sum & 0xFF);
        for (i = 0; i < alen; i++)
            addr = addr << 8 | p->rec[1 + i];
        dlen = cnt - alen - 1;
        counted = 0;
        switch (type) {
        case 0:
            break; /* header: free text, not image data */
        case 1: case 2: case 3:
            if ((rc = add_data(p, addr, p->rec + 1 + alen, dlen)))
                return rc;
            data_records++;
            p->img->records++;
            break;
        case 5: case 6:
            if (dlen)
                return fail(p->img, ECU_ERR_SYNTAX, p->line, p->line_off,
                            "line %zu: S%u record carries %u data bytes", p->line, type, dlen);
            if (addr != (uint64_t)data_records)
                return fail(p->img, ECU_ERR_RECORD_COUNT, p->line, p->line_off,
                            "line %zu: S%u record counts %llu data records, the file has %zu",
                            p->line, type, (unsigned long long)addr, data_records);
            counted = 1;
            break;
        default: /* 7, 8, 9: termination with the start address */
            p->img->has_entry = 1;
            p->img->entry = addr;
            return check_after_end(p, "termination");
        }
    }
    /* Without a termination record, a count record that ends the file and counts every data
       record before it vouches for the data (srec(5): the S5/S6 record holds the number of
       S1/S2/S3 records; tools that leave out the start address end files with it); the file just
       gives no start address. */
    if (counted)
        return ECU_OK;
    return fail(p->img, ECU_ERR_TRUNCATED, p->line, p->n,
                "line %zu: no termination record (S7, S8 or S9) and no record count (S5 or S6) "
                "at the end: the file is truncated", p->line);
}

/* Pass 2: one buffer over the span, 0xFF in the gaps, conflicting overlaps refused. */
static int place_segments(struct parser *p)
{
    ecu_image *img = p->img;
    uint64_t span = p->hi - p->lo;
    uint8_t *buf, *seen;
    size_t i, k;
    if (!p->nseg)
        return fail(img, ECU_ERR_EMPTY, p->line, 0, "no data records");
    buf = malloc((size_t)span);
    seen = calloc((size_t)(span / 8 + 1), 1);
    if (!buf || !seen) {
        free(buf);
        free(seen);
        return fail(img, ECU_ERR_NOMEM, 0, 0, "out of memory for a %llu-byte image",
                    (unsigned long long)span);
    }
    memset(buf, 0xFF, (size_t)span);
    for (i = 0; i < p->nseg; i++) {
        const struct segment *sg = &p->seg[i];
        size_t at = (size_t)(sg->addr - p->lo);
        const uint8_t *src = p->payload + sg->off;
        for (k = 0; k < sg->len; k++, at++) {
            uint8_t bit = (uint8_t)(1u << (at & 7));
            if ((seen[at >> 3] & bit) && buf[at] != src[k]) {
                unsigned was = buf[at];
                free(buf);
                free(seen);
                return fail(img, ECU_ERR_OVERLAP, sg->line, 0,
                            "line %zu: data 0x%02X at 0x%llX conflicts with 0x%02X from an "
                            "earlier record", sg->line, src[k],
                            (unsigned long long)(p->lo + at), was);
            }
            seen[at >> 3] |= bit;
            buf[at] = src[k];
        }
    }
    free(seen);
    img->data = buf;
    img->size = (size_t)span;
    img->owner = OWN_MALLOC;
    img->base = p->lo;
    return ECU_OK;
}

static int parse_text(ecu_image *img, const uint8_t *in, size_t n, ecu_format fmt)
{
    struct parser p;
    int rc;
    memset(&p, 0, sizeof p);
    p.img = img;
    p.in = in;
    p.n = n;
    p.pos = bom_length(in, n); /* offsets and columns still count from the input's start */
    rc = fmt == ECU_FORMAT_IHEX ? parse_ihex(&p) : parse_srec(&p);
    if (rc == ECU_OK)
        rc = place_segments(&p);
    free(p.payload);
    free(p.seg);
    if (rc == ECU_OK)
        img->format = fmt;
    return rc;
}

/* ---- gzip ------------------------------------------------------------------------------ */

/* Bound on decompressed gzip data and on standard input; never more than SIZE_MAX. */
static uint64_t decompressed_limit(const ecu_image *img)
{
    /* text formats spend 2-3 characters per data byte; allow 4 plus headroom, saturating
       (a huge --max-span must not wrap around to a small limit) */
    const uint64_t headroom = (uint64_t)1 << 20;
    uint64_t limit = img->max_span > (UINT64_MAX - headroom) / 4 ? UINT64_MAX
                                                                 : img->max_span * 4 + headroom;
    return limit > SIZE_MAX ? (uint64_t)SIZE_MAX : limit;
}

/*
 * A gzip member header (RFC 1952): ID1 ID2 = 1F 8B, CM = 8 (deflate), no reserved FLG bit
 * (0xE0) set. Two bytes alone are not enough: a raw dump may well start with 1F 8B.
 */
static int is_gzip(const uint8_t *d, size_t n)
{
    return n >= 4 && d[0] == 0x1F && d[1] == 0x8B && d[2] == 8 && (d[3] & 0xE0) == 0;
}

/* Inflates all gzip members of [in, in+n) into a new malloc'd buffer. */
static int gunzip(ecu_image *img, const uint8_t *in, size_t n, uint8_t **out, size_t *outlen)
{
    z_stream zs;
    uint64_t limit = decompressed_limit(img);
    size_t cap = n < ((size_t)1 << 20) ? ((size_t)1 << 20) : n > SIZE_MAX / 4 ? SIZE_MAX : n * 4;
    size_t len = 0;
    uint8_t *buf;
    int zr;
    if (cap > limit)
        cap = (size_t)limit;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        return fail(img, ECU_ERR_NOMEM, 0, 0, "cannot initialise zlib");
    if (!(buf = malloc(cap))) {
        inflateEnd(&zs);
        return fail(img, ECU_ERR_NOMEM, 0, 0, "out of memory");
    }
    zs.next_in = (Bytef *)(uintptr_t)in;
    for (;;) {
        size_t avail_before;
        if (len == cap) {
            size_t ncap;
            uint8_t *q;
            if (cap >= limit) {
                free(buf);
                inflateEnd(&zs);
                return fail(img, ECU_ERR_TOO_LARGE, 0, zs.total_in,
                            "gzip data decompresses to more than %llu bytes",
                            (unsigned long long)limit);
            }
            ncap = cap > limit / 2 ? (size_t)limit : cap * 2;
            if (!(q = realloc(buf, ncap))) {
                free(buf);
                inflateEnd(&zs);
                return fail(img, ECU_ERR_NOMEM, 0, 0, "out of memory");
            }
            buf = q;
            cap = ncap;
        }
        /* zlib counts in uInt: feed at most 1 GiB at a time */
        zs.avail_in = (uInt)((size_t)(in + n - zs.next_in) > (1u << 30) ? (1u << 30)
                                                                          : (size_t)(in + n - zs.next_in));
        zs.next_out = buf + len;
        zs.avail_out = (uInt)((cap - len) > (1u << 30) ? (1u << 30) : (cap - len));
        avail_before = zs.avail_out;
        zr = inflate(&zs, Z_NO_FLUSH);
        len += avail_before - zs.avail_out;
        if (zr == Z_STREAM_END) {
            size_t left = (size_t)(in + n - zs.next_in);
            if (left == 0)
                break;
            if (!is_gzip(zs.next_in, left)) {
                uint64_t at = (uint64_t)(zs.next_in - in);
                free(buf);
                inflateEnd(&zs);
                return fail(img, ECU_ERR_GZIP, 0, at,
                            "offset 0x%llX: %zu bytes of trailing data after the gzip stream",
                            (unsigned long long)at, left);
            }
            inflateReset(&zs); /* next member */
            continue;
        }
        if (zr == Z_OK)
            continue;
        if (zr == Z_BUF_ERROR && zs.avail_out != 0 && zs.next_in == in + n) {
            uint64_t at = (uint64_t)n;
            free(buf);
            inflateEnd(&zs);
            return fail(img, ECU_ERR_GZIP, 0, at,
                        "offset 0x%llX: gzip stream ends early (truncated)", (unsigned long long)at);
        }
        if (zr == Z_BUF_ERROR)
            continue; /* output full: grow */
        {
            uint64_t at = (uint64_t)(zs.next_in - in);
            char msg[128];
            snprintf(msg, sizeof msg, "%s", zs.msg ? zs.msg : "invalid data");
            free(buf);
            inflateEnd(&zs);
            return fail(img, zr == Z_MEM_ERROR ? ECU_ERR_NOMEM : ECU_ERR_GZIP, 0, at,
                        "offset 0x%llX: corrupt gzip data: %s", (unsigned long long)at, msg);
        }
    }
    inflateEnd(&zs);
    *out = buf;
    *outlen = len;
    return ECU_OK;
}

/* ---- buffer entry point -------------------------------------------------------------------- */

/*
 * Loads from [in, in+n). When @p take is set the buffer is owned by the caller with the
 * given owner kind and may become the image data itself (raw input): no copy.
 */
static int load_from(ecu_image *img, uint8_t *in, size_t n, enum data_owner take, size_t map_size)
{
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    ecu_format fmt;
    int rc;

    if (n == 0) {
        rc = fail(img, ECU_ERR_EMPTY, 0, 0, "empty input");
        goto release;
    }
    if (is_gzip(in, n)) {
        img->compressed = 1;
        if ((rc = gunzip(img, in, n, &plain, &plain_len)) != ECU_OK)
            goto release;
        if (take == OWN_MALLOC)
            free(in);
        else if (take == OWN_MMAP)
            munmap(in, map_size);
        in = plain;
        n = plain_len;
        take = OWN_MALLOC;
        map_size = 0;
        if (n == 0) {
            rc = fail(img, ECU_ERR_EMPTY, 0, 0, "gzip data decompresses to nothing");
            goto release;
        }
    }
    fmt = ecu__sniff_format(in, n);
    if (fmt == ECU_FORMAT_RAW) {
        if ((uint64_t)n > img->max_span) {
            rc = fail(img, ECU_ERR_TOO_LARGE, 0, 0, "%zu bytes of raw data, over the limit of %llu bytes",
                      n, (unsigned long long)img->max_span);
            goto release;
        }
        img->format = ECU_FORMAT_RAW;
        img->base = 0;
        if (take != OWN_NONE) {
            img->data = in;
            img->size = n;
            img->owner = take;
            img->map_size = map_size;
            if (take == OWN_MALLOC && plain) {
                /* give back the unused tail of the decompression buffer */
                uint8_t *q = realloc(in, n);
                if (q)
                    img->data = q;
            }
            return ECU_OK;
        }
        if (!(img->data = malloc(n)))
            return fail(img, ECU_ERR_NOMEM, 0, 0, "out of memory");
        memcpy(img->data, in, n);
        img->size = n;
        img->owner = OWN_MALLOC;
        return ECU_OK;
    }
    rc = parse_text(img, in, n, fmt);
release:
    if (take == OWN_MALLOC)
        free(in);
    else if (take == OWN_MMAP)
        munmap(in, map_size);
    return rc;
}

int ecu_image_load_buffer(ecu_image *img, const void *data, size_t size)
{
    if (!img)
        return ECU_ERR_INVALID;
    reset(img);
    if (!data && size)
        return fail(img, ECU_ERR_INVALID, 0, 0, "no buffer");
    return hold_data(img, load_from(img, (uint8_t *)(uintptr_t)data, size, OWN_NONE, 0));
}

/* ---- files ------------------------------------------------------------------------------ */

static int io_fail(ecu_image *img, int code, int errnum, const char *what)
{
    fail(img, code, 0, 0, "%s: %s", what, strerror(errnum));
    img->err_errno = errnum;
    return code;
}

/* How many bytes of a stream are looked at before its bound is narrowed (load_read). */
#define SNIFF_WINDOW 512

/*
 * Whether the first @p n bytes of a stream (n >= SNIFF_WINDOW) are certainly raw data: not
 * gzip, and not text that the rest of the stream could still make a HEX or S-record file
 * (ecu__sniff_format looks at the first non-blank byte, its successor and the first 256).
 */
static int surely_raw(const uint8_t *d, size_t n)
{
    size_t i = bom_length(d, n);
    while (i < n && is_blank(d[i]))
        i++;
    if (i + 1 >= n) /* blank so far, or one byte that may start a record */
        return 0;
    return !is_gzip(d, n) && ecu__sniff_format(d, n) == ECU_FORMAT_RAW;
}

/*
 * Reads @p fd from its current position to its end into a new buffer and loads that. The
 * input may hold at most decompressed_limit() bytes (a text format spends up to four
 * characters per data byte; gzip data is bounded by what it decompresses to), and once its
 * first bytes show raw data, at most the span limit: a stream that never ends (a pipe,
 * /dev/zero as standard input) is refused after that many bytes. @p hint is the expected size
 * (0 when unknown), checked against the limit before anything is allocated.
 */
static int load_read(ecu_image *img, int fd, uint64_t hint)
{
    uint64_t limit = decompressed_limit(img);
    /* one byte over the limit is read to tell "exactly the limit" from "larger" */
    size_t most = limit < SIZE_MAX ? (size_t)limit + 1 : SIZE_MAX;
    size_t cap, len = 0;
    uint8_t *buf;
    int sniffed = 0, raw = 0;
    if (hint > limit)
        return fail(img, ECU_ERR_TOO_LARGE, 0, 0, "input of %llu bytes is larger than %llu bytes",
                    (unsigned long long)hint, (unsigned long long)limit);
    cap = hint ? (size_t)hint + 1 : (size_t)1 << 16; /* + 1: the read that sees the end */
    if (cap > most)
        cap = most;
    if (cap < SNIFF_WINDOW)
        cap = SNIFF_WINDOW;
    if (!(buf = malloc(cap)))
        return fail(img, ECU_ERR_NOMEM, 0, 0, "out of memory");
    for (;;) {
        ssize_t r;
        size_t end;
        if (len >= most)
            break;
        if (len == cap) {
            uint8_t *q;
            cap = cap > most / 2 ? most : cap * 2;
            if (!(q = realloc(buf, cap))) {
                free(buf);
                return fail(img, ECU_ERR_NOMEM, 0, 0, "out of memory");
            }
            buf = q;
        }
        end = cap < most ? cap : most;
        if (!sniffed && end > SNIFF_WINDOW && len < SNIFF_WINDOW)
            end = SNIFF_WINDOW; /* stop at the window: the bound may narrow there */
        r = read(fd, buf + len, end - len);
        if (r < 0) {
            int e = errno;
            if (e == EINTR)
                continue;
            free(buf);
            return io_fail(img, ECU_ERR_IO, e, "read error");
        }
        if (r == 0)
            break; /* the end (a regular file that shrank meanwhile: what is there) */
        len += (size_t)r;
        if (!sniffed && len >= SNIFF_WINDOW) {
            sniffed = 1;
            if (surely_raw(buf, len) && img->max_span < (uint64_t)most - 1) {
                most = (size_t)img->max_span + 1;
                raw = 1;
            }
        }
    }
    if (raw && (uint64_t)len > img->max_span) {
        free(buf);
        return fail(img, ECU_ERR_TOO_LARGE, 0, img->max_span,
                    "more than %llu bytes of raw data, over the limit of %llu bytes (reading "
                    "stopped there)", (unsigned long long)img->max_span,
                    (unsigned long long)img->max_span);
    }
    if ((uint64_t)len > limit) {
        free(buf);
        return fail(img, ECU_ERR_TOO_LARGE, 0, limit, "input is larger than %llu bytes",
                    (unsigned long long)limit);
    }
    return load_from(img, buf, len, OWN_MALLOC, 0);
}

/*
 * Reads the regular file @p fd (@p size bytes by its fstat, at most the span limit) into a
 * kept buffer that no engine holds any more, and loads that (ecu_image_set_reuse). Returns 1
 * when no buffer is free or none can be grown (the caller maps the file then), else the
 * load's result in *rc.
 */
static int load_kept(ecu_image *img, int fd, size_t size, int *rc)
{
    struct kept *k = NULL;
    size_t i, len = 0;
    for (i = 0; i < sizeof img->kept / sizeof img->kept[0] && !k; i++)
        if (ecu__hold_reclaim(img->kept[i].hold)) {
            img->kept[i].hold = NULL;
            k = &img->kept[i];
        }
    if (!k)
        return 1;
    if (k->cap < size) {
        free(k->buf);
        k->cap = 0;
        if (!(k->buf = malloc(size)))
            return 1;
        k->cap = size;
    }
    while (len < size) {
        ssize_t r = read(fd, k->buf + len, size - len);
        if (r < 0) {
            int e = errno;
            if (e == EINTR)
                continue;
            *rc = io_fail(img, ECU_ERR_IO, e, "read error");
            return 0;
        }
        if (r == 0)
            break; /* a file that shrank meanwhile: what is there */
        len += (size_t)r;
    }
    *rc = load_from(img, k->buf, len, OWN_KEPT, 0);
    if (*rc == ECU_OK && img->owner == OWN_KEPT)
        k->hold = ecu__hold_new(img->data, img->size, NULL, 0); /* (NULL: engines copy) */
    return 0;
}

/* What kind of file @p mode is, for the refusal of anything but a regular file or a block
   device. */
static const char *file_kind(mode_t mode)
{
    if (S_ISFIFO(mode))
        return "FIFO";
    if (S_ISSOCK(mode))
        return "socket";
    if (S_ISCHR(mode))
        return "character device";
    return "special file";
}

/* A named input must be a regular file or a block device: opening a FIFO waits for a writer,
   a socket cannot be opened, and a character device may never end (/dev/zero) or be changed
   by reading (a tape, a terminal). Standard input ('-') may be anything but a directory. */
static int refuse_kind(ecu_image *img, mode_t mode)
{
    if (S_ISDIR(mode))
        return fail(img, ECU_ERR_ISDIR, 0, 0, "is a directory");
    return fail(img, ECU_ERR_IO, 0, 0, "not a regular file (%s); give it as standard input "
                "('-') to read it", file_kind(mode));
}

int ecu_image_load_file(ecu_image *img, const char *path)
{
    struct stat st;
    off_t pos;
    int fd, rc;
    void *map;
    if (!img)
        return ECU_ERR_INVALID;
    reset(img);
    if (!path)
        return fail(img, ECU_ERR_INVALID, 0, 0, "no path");
    if (strcmp(path, "-") == 0) {
        fd = STDIN_FILENO;
    } else {
        int flags;
        /* the kind is checked before the open (opening a FIFO waits for a writer, opening a
           device may act on it), and again on what was opened: O_NONBLOCK keeps the open of
           a FIFO put there meanwhile from waiting */
        if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
            return refuse_kind(img, st.st_mode);
        if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
            return io_fail(img, ECU_ERR_IO, errno, "cannot open");
        if (fstat(fd, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
            close(fd);
            return refuse_kind(img, st.st_mode);
        }
        if ((flags = fcntl(fd, F_GETFL)) != -1)
            (void)fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    }
    if (fstat(fd, &st) != 0) {
        int e = errno;
        if (fd != STDIN_FILENO)
            close(fd);
        return io_fail(img, ECU_ERR_IO, e, "cannot stat");
    }
    if (S_ISDIR(st.st_mode)) {
        if (fd != STDIN_FILENO)
            close(fd);
        return fail(img, ECU_ERR_ISDIR, 0, 0, "is a directory");
    }
    if (fd == STDIN_FILENO && S_ISREG(st.st_mode) && (pos = lseek(fd, 0, SEEK_CUR)) != 0) {
        /* standard input is a file someone already read from (or seeked in): the input is
           what follows the current position, not the whole file */
        rc = load_read(img, fd, pos > 0 && pos < st.st_size ? (uint64_t)(st.st_size - pos) : 0);
    } else if (!S_ISREG(st.st_mode) || st.st_size == 0) {
        /* standard input that is a pipe, a socket or a device; block devices; and files that
           report size 0 but may have content (procfs) */
        rc = load_read(img, fd, 0);
    } else if ((uint64_t)st.st_size > SIZE_MAX) {
        rc = fail(img, ECU_ERR_TOO_LARGE, 0, 0, "a file of %llu bytes cannot be loaded here",
                  (unsigned long long)st.st_size);
    } else {
        /* a file over the span limit is mapped lazily: a raw one is refused after the
           format check has touched its first page, never read whole */
        size_t size = (size_t)st.st_size;
        int populate = (uint64_t)st.st_size <= img->max_span ? MAP_POPULATE : 0;
        if (!populate || !img->reuse || load_kept(img, fd, size, &rc)) {
            map = mmap(NULL, size, PROT_READ, MAP_PRIVATE | populate, fd, 0);
            if (map == MAP_FAILED) /* a file system that cannot map: read it */
                rc = load_read(img, fd, (uint64_t)st.st_size);
            else
                rc = load_from(img, map, size, OWN_MMAP, size);
        }
    }
    if (fd != STDIN_FILENO)
        close(fd);
    return hold_data(img, rc);
}
