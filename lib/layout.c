/* SPDX-License-Identifier: MIT */
/*
 * User-defined checksum layouts (ecu-layout(5)): a line-based text that lists checksum blocks
 * with the vocabulary of the built-in families (lib/core/blk.h, struct blk), parsed into
 * the same blocks. Every error names its line and column.
 */
#include "layout_private.h"

#include "core/read.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE 4096    /* bytes of one line, end of line excluded */
#define MAX_TOKENS 80    /* words on one line */
#define MAX_NAME 48      /* bytes of the layout's name */
#define MAX_BLOCKS 1024
#define MAX_SIZES 16
#define MAX_EXPECTS 32
#define MAX_EXPECT_BYTES 64
#define MAX_TABLES 64

#define MAX_MARKER 64 /* bytes of a table's marker and of its disabled record */

/* A table of checksum records: COUNT records of STRIDE bytes from OFFSET (or from the first
   place the MARKER bytes occur), each a start and an end address (minus BASE; the end included
   or not) followed somewhere by the value. With STOP, a record whose start address reads STOP
   ends the table; a record whose first bytes are DISABLED has an empty range. A UNION table
   is one block: the ranges of its records together, the value at one slot (SLOT_REC: +N from
   the first record; SLOT_ABS: offset N; SLOT_END: N bytes before the end of the last range). */
enum { SLOT_REC, SLOT_ABS, SLOT_END };
struct ltable {
    struct blk proto; /* its name, algorithm and store type; store_off: the value's place in a
                         record */
    uint64_t off, count, stride, base, stop;
    unsigned abytes;
    int abe, incl, has_stop;
    uint8_t marker[MAX_MARKER], disabled[MAX_MARKER];
    size_t nmarker, ndisabled;
    int is_union, slot_mode;
    int has_counted; /* COUNTED: the image's own count of records, a word at counted_off */
    uint64_t counted_off;
    unsigned counted_bytes;
    int counted_be;
};

/* the blocks and tables in the order they are listed */
struct lentry {
    uint8_t is_table;
    uint32_t idx;
};

struct expect {
    int anywhere; /* a "contains" line: the bytes anywhere in the image */
    uint64_t off;
    uint8_t bytes[MAX_EXPECT_BYTES];
    size_t n, line;
};

struct ecu_layout {
    int parsed;
    char name[MAX_NAME + 1];
    char family_name[MAX_NAME + 8];
    char description[MAX_NAME + 32];
    char verifies[64];
    struct family fam;
    uint64_t sizes[MAX_SIZES];
    size_t nsizes;
    struct expect expects[MAX_EXPECTS];
    size_t nexpects;
    struct blk_list blocks;
    struct ltable tables[MAX_TABLES];
    size_t ntables;
    uint64_t table_records; /* the records of all tables */
    struct lentry entries[MAX_BLOCKS + MAX_TABLES];
    size_t nentries;
    /* the last parse error */
    size_t err_line, err_col;
    char err[192];
};

/* ---- the handle -------------------------------------------------------------------------- */

ecu_layout *ecu_layout_new(void) { return calloc(1, sizeof(ecu_layout)); }

static void reset(ecu_layout *l)
{
    free(l->blocks.v);
    memset(l, 0, sizeof *l);
}

void ecu_layout_free(ecu_layout *l)
{
    if (!l)
        return;
    reset(l);
    free(l);
}

const char *ecu_layout_error(const ecu_layout *l) { return l ? l->err : ""; }
size_t ecu_layout_error_line(const ecu_layout *l) { return l ? l->err_line : 0; }
size_t ecu_layout_error_column(const ecu_layout *l) { return l ? l->err_col : 0; }
const char *ecu_layout_name(const ecu_layout *l) { return l && l->parsed ? l->name : NULL; }
size_t ecu_layout_block_count(const ecu_layout *l)
{
    return l && l->parsed ? l->blocks.n + (size_t)l->table_records : 0;
}

/* Points the pseudo-family's strings at the handle's own buffers. */
static void set_info(ecu_layout *l)
{
    snprintf(l->family_name, sizeof l->family_name, "layout:%s", l->name);
    snprintf(l->description, sizeof l->description, "user-defined layout %s", l->name);
    snprintf(l->verifies, sizeof l->verifies, "the %zu block%s of the layout",
             ecu_layout_block_count(l), ecu_layout_block_count(l) == 1 ? "" : "s");
    memset(&l->fam, 0, sizeof l->fam);
    l->fam.info.name = l->family_name;
    l->fam.info.manufacturer = "user";
    l->fam.info.description = l->description;
    l->fam.info.verifies = l->verifies;
    l->fam.info.corrects = "every stored value and compensation word of the layout";
    l->fam.info.sources = "a layout file given by the user";
    l->fam.max_size = SIZE_MAX;
}

ecu_layout *ecu__layout_dup(const ecu_layout *l)
{
    ecu_layout *c;
    if (!l || !l->parsed || !(c = malloc(sizeof *c)))
        return NULL;
    *c = *l;
    c->blocks.v = NULL;
    c->blocks.cap = 0;
    if (l->blocks.n) {
        if (!(c->blocks.v = malloc(l->blocks.n * sizeof *l->blocks.v))) {
            free(c);
            return NULL;
        }
        memcpy(c->blocks.v, l->blocks.v, l->blocks.n * sizeof *l->blocks.v);
        c->blocks.cap = l->blocks.n;
    }
    set_info(c);
    return c;
}

const struct family *ecu__layout_family(const ecu_layout *l) { return &l->fam; }

/* @p b's range made one that ends before it starts: the block is reported bad (out of
   bounds), never skipped */
static void no_range(struct blk *b)
{
    b->ranges[0].start = UINT64_MAX;
    b->ranges[0].end = 0;
    b->nranges = 1;
}

/* What the record of a table at an offset is (read_record). */
enum { REC_OK, REC_STOP, REC_BAD };

/* The record of table @p t at @p q: REC_OK with its range [*s, *e) (the base taken off, the
   end convention applied); REC_STOP when @p may_stop and its start address is the table's stop
   value; REC_BAD when it does not read as a range (it lies past the end of the image, or its
   end is not after its start). */
static int read_record(const struct ltable *t, const uint8_t *d, size_t n, uint64_t q, int may_stop,
                       uint64_t *s, uint64_t *e)
{
    uint64_t a, b;
    if (q > n || n - q < 2 * (uint64_t)t->abytes)
        return REC_BAD;
    a = ecu__rdn(d + q, t->abytes, t->abe);
    b = ecu__rdn(d + q + t->abytes, t->abytes, t->abe);
    if (may_stop && t->has_stop && a == t->stop)
        return REC_STOP;
    if (!(a >= t->base && b >= t->base && b - t->base + (uint64_t)t->incl > a - t->base &&
          b - t->base < UINT64_MAX - 1))
        return REC_BAD;
    *s = a - t->base;
    *e = b - t->base + (uint64_t)t->incl;
    return REC_OK;
}

/* table @p t as one bad block NAME[@p why], none of its records read (its marker missing,
   its count word another) */
static int table_bad(const struct ltable *t, const char *why, struct blk_list *out)
{
    struct blk b = t->proto;
    no_range(&b);
    b.store_off = UINT64_MAX;
    snprintf(b.name, sizeof b.name, "%.48s[%s]", t->proto.name, why);
    return ecu__blk_add(out, &b);
}

int ecu__layout_expand(const ecu_layout *l, const uint8_t *d, size_t n, struct blk_list *out)
{
    size_t i;
    uint64_t r;
    for (i = 0; i < l->nentries; i++) {
        const struct ltable *t;
        if (!l->entries[i].is_table) {
            if (ecu__blk_add(out, &l->blocks.v[l->entries[i].idx]) != ECU_OK)
                return ECU_ERR_NOMEM;
            continue;
        }
        t = &l->tables[l->entries[i].idx];
        {
            uint64_t off = t->off;
            if (t->nmarker) { /* the table starts where its marker first occurs */
                const uint8_t *m = ecu__memfind(d, n, t->marker, t->nmarker);
                if (!m) { /* not found: one bad block, never a skipped table */
                    if (table_bad(t, "marker", out) != ECU_OK)
                        return ECU_ERR_NOMEM;
                    continue;
                }
                off = (uint64_t)(m - d);
            }
            if (t->has_counted && /* the image counts other records: one bad block, never the
                                     records read with another count */
                (!ecu__in(n, t->counted_off, t->counted_bytes) ||
                 ecu__rdn(d + t->counted_off, t->counted_bytes, t->counted_be) != t->count)) {
                if (table_bad(t, "count", out) != ECU_OK)
                    return ECU_ERR_NOMEM;
                continue;
            }
            if (t->is_union) { /* one block: the records' ranges, its slot */
                struct blk b = t->proto;
                int ok = 1;
                b.nranges = 0;
                for (r = 0; r < t->count && ok; r++) {
                    uint64_t s, e;
                    int k = read_record(t, d, n, off + r * t->stride, r > 0, &s, &e);
                    if (k == REC_STOP)
                        break; /* the table ends here */
                    ok = k == REC_OK;
                    if (ok) {
                        b.ranges[b.nranges].start = s;
                        b.ranges[b.nranges].end = e;
                        b.nranges++;
                    }
                }
                /* a record that does not read as a range: one range that ends before it starts,
                   so the block is reported bad (out of bounds), never skipped */
                if (!ok)
                    no_range(&b);
                b.store_off = t->slot_mode == SLOT_ABS ? t->proto.store_off
                              : t->slot_mode == SLOT_REC ? off + t->proto.store_off
                              : ok && b.ranges[b.nranges - 1].end >= t->proto.store_off
                                  ? b.ranges[b.nranges - 1].end - t->proto.store_off
                                  : UINT64_MAX;
                if (ecu__blk_add(out, &b) != ECU_OK)
                    return ECU_ERR_NOMEM;
                continue;
            }
            for (r = 0; r < t->count; r++) {
                struct blk b = t->proto;
                uint64_t q = off + r * t->stride, s = 0, e = 0;
                int k = read_record(t, d, n, q, 1, &s, &e), ok = k == REC_OK, empty;
                if (k == REC_STOP)
                    break; /* the table ends here */
                empty = t->ndisabled && q <= n && n - q >= t->ndisabled &&
                        memcmp(d + q, t->disabled, t->ndisabled) == 0;
                /* a record that does not read as a range: a range that ends before it starts, so
                   the block is reported bad (out of bounds), never skipped; a disabled record: an
                   empty range, its value that of no bytes */
                b.ranges[0].start = ok ? s : UINT64_MAX;
                b.ranges[0].end = ok ? e : 0;
                b.nranges = empty ? 0 : 1;
                if (t->slot_mode == SLOT_END) {
                    /* end-N (a self-sum or crc-target): the compensation word N bytes before
                       the end of the record's range, inside it; else the block is bad */
                    uint64_t len = b.ranges[0].end - b.ranges[0].start;
                    if (!ok || len < t->proto.store_off || t->proto.store_off < b.store_bytes ||
                        (b.kind == BK_SELFSUM && (len - t->proto.store_off) % 4 != 0)) {
                        b.ranges[0].start = UINT64_MAX;
                        b.ranges[0].end = 0;
                        b.store_off = UINT64_MAX;
                    } else {
                        b.store_off = b.ranges[0].end - t->proto.store_off;
                    }
                    snprintf(b.name, sizeof b.name, "%.48s[%u]", t->proto.name, (unsigned)(r % 10000));
                    if (ecu__blk_add(out, &b) != ECU_OK)
                        return ECU_ERR_NOMEM;
                    continue;
                }
                b.store_off = q + t->proto.store_off;
                if (b.kind == BK_SELFSUM) { /* the compensation word in the record, added */
                    b.ranges[b.nranges].start = b.store_off;
                    b.ranges[b.nranges].end = b.store_off + 4;
                    b.nranges++;
                }
                snprintf(b.name, sizeof b.name, "%.48s[%u]", t->proto.name, (unsigned)(r % 10000));
                if (ecu__blk_add(out, &b) != ECU_OK)
                    return ECU_ERR_NOMEM;
            }
        }
    }
    return ECU_OK;
}

int ecu__layout_applies(const ecu_layout *l, const uint8_t *d, size_t n, char *why, size_t whysz)
{
    size_t i;
    if (l->nsizes) {
        int ok = 0;
        for (i = 0; i < l->nsizes; i++)
            ok |= l->sizes[i] == (uint64_t)n;
        if (!ok) {
            int k = snprintf(why, whysz, "the image has 0x%zX bytes, the layout wants ", n);
            for (i = 0; i < l->nsizes && k >= 0 && (size_t)k < whysz; i++)
                k += snprintf(why + k, whysz - (size_t)k, "%s0x%llX", i ? " or " : "",
                              (unsigned long long)l->sizes[i]);
            return 0;
        }
    }
    for (i = 0; i < l->nexpects; i++) {
        const struct expect *e = &l->expects[i];
        if (e->anywhere) {
            if (!ecu__memfind(d, n, e->bytes, e->n)) {
                snprintf(why, whysz, "the image does not contain the bytes of the contains "
                         "line %zu", e->line);
                return 0;
            }
            continue;
        }
        if (e->off > n || n - e->off < e->n) {
            snprintf(why, whysz, "the image ends before the bytes expected at 0x%llX (line %zu)",
                     (unsigned long long)e->off, e->line);
            return 0;
        }
        if (memcmp(d + e->off, e->bytes, e->n) != 0) {
            snprintf(why, whysz, "the bytes at 0x%llX are not those of the expect line %zu",
                     (unsigned long long)e->off, e->line);
            return 0;
        }
    }
    if (!l->nsizes && !l->nexpects)
        snprintf(why, whysz, "no size or expect condition");
    else if (!l->nexpects)
        snprintf(why, whysz, "conditions met: size");
    else
        snprintf(why, whysz, "conditions met: %s%zu expect or contains line%s",
                 l->nsizes ? "size, " : "", l->nexpects, l->nexpects == 1 ? "" : "s");
    return 1;
}

/* ---- the parser -------------------------------------------------------------------------- */

struct tok {
    const char *s; /* NUL-terminated, unquoted */
    size_t col, len;
    int quoted;
};

/* A block being read, with where each of its lines was, for the checks at its end. */
struct pblock {
    struct blk b;
    size_t line, col, algo_line, algo_col, store_line, store_col, store_off_col;
    int have_algo, have_store, acc_given;
    char crc_label[24];
    /* a table: its records and address statements */
    int is_table, have_records, have_address;
    struct ltable tab;
};

struct parser {
    ecu_layout *l;
    size_t line;
    size_t line_len;
    struct tok t[MAX_TOKENS];
    size_t nt;
    char buf[MAX_LINE + MAX_TOKENS + 1];
    int have_name;
    size_t name_line;
    struct pblock *blk; /* the open block, or NULL */
};

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int fail_at(struct parser *p, size_t line, size_t col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->l->err, sizeof p->l->err, fmt, ap);
    va_end(ap);
    p->l->err_line = line;
    p->l->err_col = col;
    return ECU_ERR_SYNTAX;
}

#define FAIL(p, col, ...) fail_at((p), (p)->line, (col), __VA_ARGS__)

/* Splits a line into words: blanks separate, '#' outside quotes starts a comment, "..." is
   one word (\" and \\ inside). */
static int tokenize(struct parser *p, const char *s, size_t n)
{
    size_t i = 0, o = 0;
    p->nt = 0;
    while (i < n) {
        struct tok *t;
        size_t start;
        if (s[i] == ' ' || s[i] == '\t') {
            i++;
            continue;
        }
        if (s[i] == '#')
            break;
        if (p->nt == MAX_TOKENS)
            return FAIL(p, i + 1, "more than %d words on one line", MAX_TOKENS);
        t = &p->t[p->nt++];
        t->col = i + 1;
        t->s = p->buf + o;
        start = o;
        t->quoted = s[i] == '"';
        if (t->quoted) {
            size_t q = i++;
            for (;;) {
                if (i >= n)
                    return FAIL(p, q + 1, "unterminated quoted string");
                if (s[i] == '"') {
                    i++;
                    break;
                }
                if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '"' || s[i + 1] == '\\'))
                    i++;
                p->buf[o++] = s[i++];
            }
            if (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '#')
                return FAIL(p, i + 1, "a blank must follow a quoted string");
        } else {
            while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '#') {
                if (s[i] == '"')
                    return FAIL(p, i + 1, "a quote inside a word");
                p->buf[o++] = s[i++];
            }
        }
        t->len = o - start;
        p->buf[o++] = '\0';
    }
    return ECU_OK;
}

static int is_word(const struct tok *t, const char *w) { return !t->quoted && strcmp(t->s, w) == 0; }

/* A number: decimal, or hexadecimal with 0x; the whole word. */
static int num(struct parser *p, size_t i, const char *what, uint64_t *v)
{
    const struct tok *t;
    const char *s;
    unsigned base = 10;
    uint64_t x = 0;
    if (i >= p->nt)
        return FAIL(p, p->line_len + 1, "%s: a number is missing", what);
    t = &p->t[i];
    s = t->s;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!*s || t->quoted)
        return FAIL(p, t->col, "%s: '%s' is not a number", what, t->s);
    for (; *s; s++) {
        unsigned dgt;
        if (*s >= '0' && *s <= '9')
            dgt = (unsigned)(*s - '0');
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            dgt = (unsigned)(*s - 'a' + 10);
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            dgt = (unsigned)(*s - 'A' + 10);
        else
            return FAIL(p, t->col, "%s: '%s' is not a number (decimal, or hexadecimal with 0x)",
                        what, t->s);
        if (x > (UINT64_MAX - dgt) / base)
            return FAIL(p, t->col, "%s: %s does not fit in 64 bits", what, t->s);
        x = x * base + dgt;
    }
    *v = x;
    return ECU_OK;
}

/* A number that fits in @p bits bits. */
static int num_bits(struct parser *p, size_t i, const char *what, unsigned bits, uint64_t *v)
{
    int rc = num(p, i, what, v);
    if (rc == ECU_OK && bits < 64 && *v >> bits)
        return FAIL(p, p->t[i].col, "%s: %s does not fit in %u bits", what, p->t[i].s, bits);
    return rc;
}

static int boolean(struct parser *p, size_t i, const char *what, int *v)
{
    const struct tok *t;
    if (i >= p->nt)
        return FAIL(p, p->line_len + 1, "%s: yes or no is missing", what);
    t = &p->t[i];
    if (is_word(t, "yes") || is_word(t, "true") || is_word(t, "1"))
        *v = 1;
    else if (is_word(t, "no") || is_word(t, "false") || is_word(t, "0"))
        *v = 0;
    else
        return FAIL(p, t->col, "%s: '%s' is not yes or no", what, t->s);
    return ECU_OK;
}

/* A word or value type: u8, u16le, u16be, u32le, u32be (and u64le, u64be when @p max is 8). */
static int wtype(struct parser *p, size_t i, const char *what, unsigned max, unsigned *bytes,
                 int *be)
{
    static const struct {
        const char *name;
        unsigned bytes;
        int be;
    } types[] = {{"u8", 1, 0},    {"u16le", 2, 0}, {"u16be", 2, 1}, {"u32le", 4, 0},
                 {"u32be", 4, 1}, {"u64le", 8, 0}, {"u64be", 8, 1}};
    size_t k;
    if (i >= p->nt)
        return FAIL(p, p->line_len + 1, "%s: a type is missing (u8, u16le, u16be, u32le, u32be%s)",
                    what, max == 8 ? ", u64le, u64be" : "");
    for (k = 0; k < sizeof types / sizeof types[0]; k++)
        if (is_word(&p->t[i], types[k].name) && types[k].bytes <= max) {
            *bytes = types[k].bytes;
            *be = types[k].be;
            return ECU_OK;
        }
    return FAIL(p, p->t[i].col, "%s: unknown type '%s' (u8, u16le, u16be, u32le, u32be%s)", what,
                p->t[i].s, max == 8 ? ", u64le, u64be" : "");
}

static int need_block(struct parser *p)
{
    if (!p->blk)
        return FAIL(p, p->t[0].col, "'%s' outside a block (start one with 'block NAME')",
                    p->t[0].s);
    return ECU_OK;
}

static int no_more(struct parser *p, size_t i)
{
    if (i < p->nt)
        return FAIL(p, p->t[i].col, "unexpected '%s'", p->t[i].s);
    return ECU_OK;
}

static int algo_line(struct parser *p)
{
    struct pblock *pb = p->blk;
    int rc;
    if ((rc = need_block(p)))
        return rc;
    if (pb->have_algo)
        return FAIL(p, p->t[0].col, "block '%s' has an algorithm already (line %zu)", pb->b.name,
                    pb->algo_line);
    pb->have_algo = 1;
    pb->algo_line = p->line;
    pb->algo_col = p->t[0].col;
    return ECU_OK;
}

/* sum TYPE [acc BITS] [init N] */
static int do_sum(struct parser *p)
{
    struct blk *b;
    size_t i = 2;
    int rc;
    if ((rc = algo_line(p)))
        return rc;
    b = &p->blk->b;
    if ((rc = wtype(p, 1, "sum", 4, &b->word_bytes, &b->word_be)))
        return rc;
    b->kind = BK_SUM;
    while (i < p->nt) {
        const struct tok *t = &p->t[i];
        uint64_t v;
        if (is_word(t, "acc")) {
            if ((rc = num(p, i + 1, "acc", &v)))
                return rc;
            if (v != 8 && v != 16 && v != 32 && v != 64)
                return FAIL(p, p->t[i + 1].col, "acc: %s is not 8, 16, 32 or 64", p->t[i + 1].s);
            b->acc_bits = (unsigned)v;
            p->blk->acc_given = 1;
        } else if (is_word(t, "init")) {
            if ((rc = num(p, i + 1, "init", &b->init)))
                return rc;
        } else {
            return FAIL(p, t->col, "unknown sum option '%s' (acc, init)", t->s);
        }
        i += 2;
    }
    return ECU_OK;
}

/* selfsum u32le|u32be target N [init N] */
static int do_selfsum(struct parser *p)
{
    struct blk *b;
    size_t i = 2;
    int rc, have_target = 0;
    if ((rc = algo_line(p)))
        return rc;
    b = &p->blk->b;
    if ((rc = wtype(p, 1, "selfsum", 4, &b->word_bytes, &b->word_be)))
        return rc;
    if (b->word_bytes != 4)
        return FAIL(p, p->t[1].col, "selfsum: words are u32le or u32be, not %s", p->t[1].s);
    b->kind = BK_SELFSUM;
    b->acc_bits = 32;
    while (i < p->nt) {
        const struct tok *t = &p->t[i];
        if (is_word(t, "target")) {
            if ((rc = num_bits(p, i + 1, "target", 32, &b->target)))
                return rc;
            have_target = 1;
        } else if (is_word(t, "init")) {
            if ((rc = num_bits(p, i + 1, "init", 32, &b->init)))
                return rc;
        } else {
            return FAIL(p, t->col, "unknown selfsum option '%s' (target, init)", t->s);
        }
        i += 2;
    }
    if (!have_target)
        return FAIL(p, p->line_len + 1, "selfsum: 'target N' is missing");
    return ECU_OK;
}

static const struct {
    const char *name;
    const ecu_crc_params *p;
} presets[] = {
    {"crc32", &ECU_CRC32},           {"crc32-mpeg2", &ECU_CRC32_MPEG2},
    {"crc32-bzip2", &ECU_CRC32_BZIP2}, {"crc16-arc", &ECU_CRC16_ARC},
    {"crc16-xmodem", &ECU_CRC16_XMODEM}, {"crc16-kermit", &ECU_CRC16_KERMIT},
    {"crc16-ccitt-false", &ECU_CRC16_CCITT_FALSE},
};

/* crc [PRESET] [width N] [poly N] [init N] [refin B] [refout B] [xorout N] (and, for
   crc-target, target N) */
static int do_crc(struct parser *p, int target)
{
    struct pblock *pb = p->blk;
    struct blk *b;
    const char *what = target ? "crc-target" : "crc";
    size_t i = 1, k, width_col = 0;
    int rc, have_width = 0, have_poly = 0, have_target = 0, overridden = 0;
    uint64_t init = 0, xorout = 0;
    int have_init = 0, have_xorout = 0;
    ecu_crc *c;
    if ((rc = algo_line(p)))
        return rc;
    b = &pb->b;
    b->kind = target ? BK_CRC_TARGET : BK_CRC;
    memset(&b->crc, 0, sizeof b->crc);
    pb->crc_label[0] = '\0';
    if (i < p->nt && !p->t[i].quoted && strncmp(p->t[i].s, "crc", 3) == 0) {
        for (k = 0; k < sizeof presets / sizeof presets[0]; k++)
            if (is_word(&p->t[i], presets[k].name))
                break;
        if (k == sizeof presets / sizeof presets[0])
            return FAIL(p, p->t[i].col,
                        "%s: unknown CRC '%s' (crc32, crc32-mpeg2, crc32-bzip2, crc16-arc, "
                        "crc16-xmodem, crc16-kermit, crc16-ccitt-false)",
                        what, p->t[i].s);
        b->crc = *presets[k].p;
        snprintf(pb->crc_label, sizeof pb->crc_label, "%s", presets[k].name);
        have_width = have_poly = 1;
        i++;
    }
    while (i < p->nt) {
        const struct tok *t = &p->t[i];
        uint64_t v;
        int f;
        if (is_word(t, "width")) {
            if ((rc = num(p, i + 1, "width", &v)))
                return rc;
            if (v < 8 || v > 64)
                return FAIL(p, p->t[i + 1].col, "width: %s is not from 8 to 64", p->t[i + 1].s);
            b->crc.width = (unsigned)v;
            width_col = p->t[i + 1].col;
            have_width = 1;
        } else if (is_word(t, "poly")) {
            if ((rc = num(p, i + 1, "poly", &b->crc.poly)))
                return rc;
            have_poly = 1;
        } else if (is_word(t, "init")) {
            if ((rc = num(p, i + 1, "init", &init)))
                return rc;
            have_init = 1;
        } else if (is_word(t, "xorout")) {
            if ((rc = num(p, i + 1, "xorout", &xorout)))
                return rc;
            have_xorout = 1;
        } else if (is_word(t, "refin")) {
            if ((rc = boolean(p, i + 1, "refin", &f)))
                return rc;
            b->crc.refin = f;
        } else if (is_word(t, "refout")) {
            if ((rc = boolean(p, i + 1, "refout", &f)))
                return rc;
            b->crc.refout = f;
        } else if (target && is_word(t, "target")) {
            if ((rc = num(p, i + 1, "target", &b->target)))
                return rc;
            have_target = 1;
        } else {
            return FAIL(p, t->col, "unknown %s option '%s' (width, poly, init, refin, refout, "
                        "xorout%s)", what, t->s, target ? ", target" : "");
        }
        if (!is_word(t, "target"))
            overridden = 1;
        i += 2;
    }
    if (have_init)
        b->crc.init = init;
    if (have_xorout)
        b->crc.xorout = xorout;
    if (!have_width)
        return FAIL(p, p->line_len + 1, "%s: 'width N' (or a CRC name such as crc32) is missing",
                    what);
    if (!have_poly)
        return FAIL(p, p->line_len + 1, "%s: 'poly N' is missing", what);
    if (b->crc.width < 64 && (b->crc.poly >> b->crc.width || b->crc.init >> b->crc.width ||
                              b->crc.xorout >> b->crc.width))
        return FAIL(p, width_col ? width_col : p->t[0].col,
                    "%s: poly, init and xorout must fit in the width (%u bits)", what,
                    b->crc.width);
    if (!(b->crc.poly & 1))
        return FAIL(p, p->t[0].col, "%s: the polynomial 0x%llX is even", what,
                    (unsigned long long)b->crc.poly);
    if (!(c = ecu_crc_new(&b->crc)))
        return FAIL(p, p->t[0].col, "%s: these CRC parameters are refused", what);
    ecu_crc_free(c);
    if (target) {
        if (b->crc.width != 32)
            return FAIL(p, p->t[0].col, "crc-target: only 32-bit CRCs can be compensated");
        if (!have_target)
            return FAIL(p, p->line_len + 1, "crc-target: 'target N' is missing");
        if (b->target >> 32)
            return FAIL(p, p->t[0].col, "crc-target: the target does not fit in 32 bits");
    }
    if (overridden || !pb->crc_label[0])
        snprintf(pb->crc_label, sizeof pb->crc_label, "crc%u poly 0x%llX", b->crc.width,
                 (unsigned long long)b->crc.poly);
    return ECU_OK;
}

/* range START END (END inclusive) | range START +LENGTH */
static int do_range(struct parser *p)
{
    struct blk *b;
    uint64_t s, e;
    int rc;
    if ((rc = need_block(p)))
        return rc;
    if (p->blk->is_table)
        return FAIL(p, p->t[0].col, "a table's ranges come from its records (no range line)");
    b = &p->blk->b;
    if (b->nranges == ECU_LAYOUT_MAX_RANGES)
        return FAIL(p, p->t[0].col, "more than %d ranges in block '%s'", ECU_LAYOUT_MAX_RANGES,
                    b->name);
    if ((rc = num(p, 1, "range start", &s)))
        return rc;
    if (p->nt > 2 && p->t[2].s[0] == '+' && !p->t[2].quoted) {
        /* a length: parse the digits after '+' */
        struct tok save = p->t[2];
        p->t[2].s++;
        p->t[2].col++;
        rc = num(p, 2, "range length", &e);
        p->t[2] = save;
        if (rc)
            return rc;
        if (e == 0)
            return FAIL(p, p->t[2].col, "range length: an empty range");
        if (e > UINT64_MAX - s)
            return FAIL(p, p->t[2].col, "range: start plus length does not fit in 64 bits");
        e = s + e; /* exclusive */
    } else {
        if ((rc = num(p, 2, "range end", &e)))
            return rc;
        if (e < s)
            return FAIL(p, p->t[2].col, "range: the end 0x%llX is before the start 0x%llX",
                        (unsigned long long)e, (unsigned long long)s);
        if (e == UINT64_MAX)
            return FAIL(p, p->t[2].col, "range: the end does not fit in 64 bits");
        e++; /* the end is inclusive */
    }
    if ((rc = no_more(p, 3)))
        return rc;
    b->ranges[b->nranges].start = s;
    b->ranges[b->nranges].end = e;
    b->nranges++;
    return ECU_OK;
}

/* store OFFSET TYPE [complement] */
static int do_store(struct parser *p)
{
    struct pblock *pb;
    struct blk *b;
    int rc;
    if ((rc = need_block(p)))
        return rc;
    pb = p->blk;
    b = &pb->b;
    if (pb->have_store)
        return FAIL(p, p->t[0].col, "block '%s' has a store line already (line %zu)", b->name,
                    pb->store_line);
    if (pb->is_table && p->nt >= 2 && !p->t[1].quoted && strncmp(p->t[1].s, "end-", 4) == 0) {
        /* end-N (a union table): N bytes before the end of its last range */
        struct tok save = p->t[1];
        p->t[1].s += 4;
        p->t[1].col += 4;
        rc = num(p, 1, "store offset", &b->store_off);
        p->t[1] = save;
        if (rc)
            return rc;
        pb->tab.slot_mode = SLOT_END;
    } else if (pb->is_table && p->nt >= 2 && !p->t[1].quoted && p->t[1].s[0] != '+') {
        /* OFFSET (a union table): a fixed slot */
        if ((rc = num(p, 1, "store offset", &b->store_off)))
            return rc;
        pb->tab.slot_mode = SLOT_ABS;
    } else if (pb->is_table) {
        /* +N: the value's place in each record */
        struct tok save;
        if (p->nt < 2 || p->t[1].quoted || p->t[1].s[0] != '+')
            return FAIL(p, p->nt < 2 ? p->line_len + 1 : p->t[1].col,
                        "store: in a table the value's place in the record is written +N");
        save = p->t[1];
        p->t[1].s++;
        p->t[1].col++;
        rc = num(p, 1, "store offset", &b->store_off);
        p->t[1] = save;
        if (rc)
            return rc;
        pb->tab.slot_mode = SLOT_REC;
    } else if ((rc = num(p, 1, "store offset", &b->store_off))) {
        return rc;
    }
    if ((rc = wtype(p, 2, "store", 8, &b->store_bytes, &b->store_be)))
        return rc;
    if (b->store_off > UINT64_MAX - 16)
        return FAIL(p, p->t[1].col, "store offset: too large");
    if (p->nt > 3 && is_word(&p->t[3], "complement")) {
        b->pair = 1;
        if ((rc = no_more(p, 4)))
            return rc;
    } else if ((rc = no_more(p, 3))) {
        return rc;
    }
    pb->have_store = 1;
    pb->store_line = p->line;
    pb->store_col = p->t[0].col;
    pb->store_off_col = p->t[1].col;
    return ECU_OK;
}

static int need_table(struct parser *p)
{
    int rc;
    if ((rc = need_block(p)))
        return rc;
    if (!p->blk->is_table)
        return FAIL(p, p->t[0].col, "'%s' belongs in a table (start one with 'table NAME')",
                    p->t[0].s);
    return ECU_OK;
}

static int hex_token(struct parser *p, size_t i, const char *what, uint8_t *buf, size_t max,
                     size_t *n);

/* records (OFFSET | at MARKER) count N stride S [stop V] */
static int do_records(struct parser *p)
{
    struct ltable *t;
    uint64_t v;
    size_t i = 2;
    int rc, have_count = 0, have_stride = 0;
    if ((rc = need_table(p)))
        return rc;
    if (p->blk->have_records)
        return FAIL(p, p->t[0].col, "table '%s' has a records line already", p->blk->b.name);
    t = &p->blk->tab;
    if (p->nt > 1 && is_word(&p->t[1], "at")) {
        if ((rc = hex_token(p, 2, "records at", t->marker, MAX_MARKER, &t->nmarker)))
            return rc;
        if (t->nmarker < 4)
            return FAIL(p, p->t[2].col, "records at: a marker of 4 to %d bytes", MAX_MARKER);
        i = 3;
    } else if ((rc = num(p, 1, "records offset", &t->off))) {
        return rc;
    }
    while (i < p->nt) {
        const struct tok *k = &p->t[i];
        if ((rc = num(p, i + 1, k->s, &v)))
            return rc;
        if (is_word(k, "count")) {
            if (v == 0 || v > MAX_BLOCKS)
                return FAIL(p, p->t[i + 1].col, "count: 1 to %d records", MAX_BLOCKS);
            t->count = v;
            have_count = 1;
        } else if (is_word(k, "stride")) {
            if (v == 0 || v > 4096)
                return FAIL(p, p->t[i + 1].col, "stride: 1 to 4096 bytes");
            t->stride = v;
            have_stride = 1;
        } else if (is_word(k, "stop")) {
            t->stop = v;
            t->has_stop = 1;
        } else {
            return FAIL(p, k->col, "unknown records option '%s' (count, stride, stop)", k->s);
        }
        i += 2;
    }
    if (!have_count || !have_stride)
        return FAIL(p, p->line_len + 1, "records: 'count N' and 'stride S' are needed");
    if (t->off > UINT64_MAX - t->count * t->stride)
        return FAIL(p, p->t[1].col, "records: the table does not fit in 64 bits");
    p->blk->have_records = 1;
    return ECU_OK;
}

/* union: the records' ranges make one block */
static int do_union(struct parser *p)
{
    int rc;
    if ((rc = need_table(p)))
        return rc;
    if (p->blk->tab.is_union)
        return FAIL(p, p->t[0].col, "table '%s' has a union line already", p->blk->b.name);
    p->blk->tab.is_union = 1;
    return no_more(p, 1);
}

/* counted OFFSET TYPE: the image's own count of the records, which must be the records
   line's count */
static int do_counted(struct parser *p)
{
    struct ltable *t;
    int rc;
    if ((rc = need_table(p)))
        return rc;
    t = &p->blk->tab;
    if (t->has_counted)
        return FAIL(p, p->t[0].col, "table '%s' has a counted line already", p->blk->b.name);
    if ((rc = num(p, 1, "counted offset", &t->counted_off)) ||
        (rc = wtype(p, 2, "counted", 4, &t->counted_bytes, &t->counted_be)))
        return rc;
    t->has_counted = 1;
    return no_more(p, 3);
}

/* disabled BYTES: a record that starts with these bytes has an empty range */
static int do_disabled(struct parser *p)
{
    int rc;
    if ((rc = need_table(p)))
        return rc;
    if (p->blk->tab.ndisabled)
        return FAIL(p, p->t[0].col, "table '%s' has a disabled line already", p->blk->b.name);
    if ((rc = hex_token(p, 1, "disabled", p->blk->tab.disabled, MAX_MARKER, &p->blk->tab.ndisabled)))
        return rc;
    return no_more(p, 2);
}

/* address TYPE [base N] [end included|excluded] */
static int do_address(struct parser *p)
{
    struct ltable *t;
    size_t i = 2;
    int rc;
    if ((rc = need_table(p)))
        return rc;
    if (p->blk->have_address)
        return FAIL(p, p->t[0].col, "table '%s' has an address line already", p->blk->b.name);
    t = &p->blk->tab;
    if ((rc = wtype(p, 1, "address", 4, &t->abytes, &t->abe)))
        return rc;
    if (t->abytes < 2)
        return FAIL(p, p->t[1].col, "address: u16le, u16be, u32le or u32be, not %s", p->t[1].s);
    t->incl = 1;
    while (i < p->nt) {
        const struct tok *k = &p->t[i];
        if (is_word(k, "base")) {
            if ((rc = num(p, i + 1, "base", &t->base)))
                return rc;
        } else if (is_word(k, "end")) {
            if (i + 1 >= p->nt)
                return FAIL(p, p->line_len + 1, "end: included or excluded is missing");
            if (is_word(&p->t[i + 1], "included"))
                t->incl = 1;
            else if (is_word(&p->t[i + 1], "excluded"))
                t->incl = 0;
            else
                return FAIL(p, p->t[i + 1].col, "end: '%s' is not included or excluded",
                            p->t[i + 1].s);
        } else {
            return FAIL(p, k->col, "unknown address option '%s' (base, end)", k->s);
        }
        i += 2;
    }
    p->blk->have_address = 1;
    return ECU_OK;
}

/* The checks a block gets once all its lines are read; then it joins the layout. */
static int end_block(struct parser *p)
{
    struct pblock *pb = p->blk;
    struct blk *b;
    size_t i;
    int in = 0;
    if (!pb)
        return ECU_OK;
    b = &pb->b;
    if (!pb->have_algo)
        return fail_at(p, pb->line, pb->col,
                       "block '%s' has no algorithm (sum, selfsum, crc or crc-target)", b->name);
    if (!b->nranges && !pb->is_table)
        return fail_at(p, pb->line, pb->col, "block '%s' has no range", b->name);
    if (pb->is_table && b->kind != BK_SUM && b->kind != BK_CRC && b->kind != BK_SELFSUM &&
        b->kind != BK_CRC_TARGET)
        return fail_at(p, pb->algo_line, pb->algo_col,
                       "table '%s': a table's algorithm is sum, selfsum, crc or crc-target", b->name);
    if (!pb->have_store)
        return fail_at(p, pb->line, pb->col, "block '%s' has no store line", b->name);
    if (b->pair && b->kind != BK_SUM)
        return fail_at(p, pb->store_line, pb->store_col,
                       "block '%s': only a sum is stored with its complement", b->name);
    switch (b->kind) {
    case BK_SUM:
        if (b->store_bytes > 4 && b->pair)
            return fail_at(p, pb->store_line, pb->store_col,
                           "block '%s': a value stored with its complement has 1, 2 or 4 bytes",
                           b->name);
        if (!pb->acc_given)
            b->acc_bits = b->store_bytes * 8;
        snprintf(b->algo, sizeof b->algo, "sum u%u%s, %u bits%s", b->word_bytes * 8,
                 b->word_bytes == 1 ? "" : b->word_be ? "be" : "le", b->acc_bits,
                 b->pair ? ", with complement" : "");
        if (b->init) {
            size_t k = strlen(b->algo);
            snprintf(b->algo + k, sizeof b->algo - k, ", init 0x%llX", (unsigned long long)b->init);
        }
        break;
    case BK_SELFSUM:
    case BK_CRC_TARGET:
        if (b->store_bytes != 4)
            return fail_at(p, pb->store_line, pb->store_col,
                           "block '%s': the compensation word is u32le or u32be", b->name);
        if (b->kind == BK_SELFSUM && b->store_be != b->word_be)
            return fail_at(p, pb->store_line, pb->store_col,
                           "block '%s': the compensation word has the words' byte order (%s)",
                           b->name, b->word_be ? "u32be" : "u32le");
        if (b->kind == BK_CRC_TARGET && b->nranges != 1 && !pb->is_table)
            return fail_at(p, pb->algo_line, pb->algo_col,
                           "block '%s': crc-target covers exactly one range", b->name);
        for (i = 0; i < b->nranges; i++) /* a table's selfsum: the slot is a range of its own */
            if (b->store_off >= b->ranges[i].start && b->ranges[i].end > b->store_off &&
                b->ranges[i].end - b->store_off >= 4 &&
                (b->kind == BK_CRC_TARGET || (b->store_off - b->ranges[i].start) % 4 == 0))
                in = 1;
        if (!in && !pb->is_table)
            return fail_at(p, pb->store_line, pb->store_col,
                           b->kind == BK_SELFSUM
                               ? "block '%s': the compensation word must lie in a range, a whole "
                                 "number of words from its start"
                               : "block '%s': the compensation word must lie in the range",
                           b->name);
        if (b->kind == BK_SELFSUM)
            snprintf(b->algo, sizeof b->algo, "selfsum u32%s == 0x%08llX", b->word_be ? "be" : "le",
                     (unsigned long long)b->target);
        else
            snprintf(b->algo, sizeof b->algo, "%s == 0x%08llX", pb->crc_label,
                     (unsigned long long)b->target);
        break;
    case BK_CRC:
        if (b->store_bytes * 8 < b->crc.width)
            return fail_at(p, pb->store_line, pb->store_col,
                           "block '%s': a %u-bit CRC does not fit in %u byte%s", b->name,
                           b->crc.width, b->store_bytes, b->store_bytes == 1 ? "" : "s");
        snprintf(b->algo, sizeof b->algo, "%s", pb->crc_label);
        break;
    default:
        break;
    }
    if (pb->is_table) {
        struct ltable *t = &p->l->tables[p->l->ntables];
        unsigned slot = b->store_bytes * (b->pair ? 2u : 1u);
        if (!pb->have_records)
            return fail_at(p, pb->line, pb->col, "table '%s' has no records line", b->name);
        if (!pb->have_address)
            return fail_at(p, pb->line, pb->col, "table '%s' has no address line", b->name);
        *t = pb->tab;
        if (t->is_union) {
            if (b->kind == BK_SELFSUM || b->kind == BK_CRC_TARGET)
                return fail_at(p, pb->algo_line, pb->algo_col,
                               "table '%s': a union's value is stored (sum or crc)", b->name);
            if (t->ndisabled)
                return fail_at(p, pb->line, pb->col, "table '%s': a union has no disabled records",
                               b->name);
            if (t->count > ECU_LAYOUT_MAX_RANGES)
                return fail_at(p, pb->line, pb->col, "table '%s': a union of 1 to %d records",
                               b->name, ECU_LAYOUT_MAX_RANGES);
            if (p->l->blocks.n + p->l->table_records >= MAX_BLOCKS)
                return fail_at(p, pb->line, pb->col, "more than %d blocks", MAX_BLOCKS);
            (void)slot;
            t->proto = *b;
            p->l->entries[p->l->nentries].is_table = 1;
            p->l->entries[p->l->nentries++].idx = (uint32_t)p->l->ntables++;
            p->l->table_records += 1;
            free(pb);
            p->blk = NULL;
            return ECU_OK;
        }
        if (t->slot_mode == SLOT_END && (b->kind == BK_SELFSUM || b->kind == BK_CRC_TARGET)) {
            /* the compensation word at the end of each record's range */
            if (b->store_off < b->store_bytes || b->pair)
                return fail_at(p, pb->store_line, pb->store_off_col,
                               "table '%s': end-N places the compensation word in the range: N is at "
                               "least its size, with no complement", b->name);
            if (t->ndisabled)
                return fail_at(p, pb->line, pb->col,
                               "table '%s': disabled records need the value in the record (store +N)",
                               b->name);
        } else if (b->kind == BK_CRC_TARGET) {
            return fail_at(p, pb->store_line, pb->store_off_col,
                           "table '%s': a crc-target's compensation word lies in the range: store "
                           "end-N", b->name);
        } else if (t->slot_mode != SLOT_REC)
            return fail_at(p, pb->store_line, pb->store_off_col,
                           "store: in a table the value's place in the record is written +N (end-N and "
                           "an offset are for a union table, end-N also for a selfsum or crc-target "
                           "table)");
        if (t->slot_mode == SLOT_REC && (b->store_off < 2 * (uint64_t)t->abytes || b->store_off > t->stride ||
            t->stride - b->store_off < slot))
            return fail_at(p, pb->store_line, pb->store_col,
                           "table '%s': the value lies in the record, after its two addresses",
                           b->name);
        if (t->ndisabled && (t->ndisabled < b->store_off + slot || t->ndisabled > t->stride))
            return fail_at(p, pb->line, pb->col,
                           "table '%s': a disabled record's bytes run from the addresses to the "
                           "value's end, within the record", b->name);
        if (t->count > MAX_BLOCKS - p->l->blocks.n - p->l->table_records)
            return fail_at(p, pb->line, pb->col, "more than %d blocks", MAX_BLOCKS);
        t->proto = *b;
        p->l->entries[p->l->nentries].is_table = 1;
        p->l->entries[p->l->nentries++].idx = (uint32_t)p->l->ntables++;
        p->l->table_records += t->count;
        free(pb);
        p->blk = NULL;
        return ECU_OK;
    }
    if (p->l->blocks.n + p->l->table_records >= MAX_BLOCKS)
        return fail_at(p, pb->line, pb->col, "more than %d blocks", MAX_BLOCKS);
    if (ecu__blk_add(&p->l->blocks, b) != ECU_OK)
        return ECU_ERR_NOMEM;
    p->l->entries[p->l->nentries].is_table = 0;
    p->l->entries[p->l->nentries++].idx = (uint32_t)(p->l->blocks.n - 1);
    free(pb);
    p->blk = NULL;
    return ECU_OK;
}

static int valid_name(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_' || *s == '.'))
            return 0;
    return 1;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* one token of hex digit pairs into @p buf (1 to @p max bytes) */
static int hex_token(struct parser *p, size_t i, const char *what, uint8_t *buf, size_t max,
                     size_t *n)
{
    const struct tok *t;
    size_t k;
    *n = 0;
    if (i >= p->nt)
        return FAIL(p, p->line_len + 1, "%s: the bytes are missing (hex digits)", what);
    t = &p->t[i];
    if (t->quoted || !t->len || t->len % 2)
        return FAIL(p, t->col, "%s: '%s' is not an even number of hex digits", what, t->s);
    for (k = 0; k < t->len; k += 2) {
        int hi = hexval(t->s[k]), lo = hexval(t->s[k + 1]);
        if (hi < 0 || lo < 0)
            return FAIL(p, t->col + k + (hi < 0 ? 0 : 1), "%s: '%c' is not a hex digit", what,
                        hi < 0 ? t->s[k] : t->s[k + 1]);
        if (*n == max)
            return FAIL(p, t->col + k, "%s: more than %zu bytes", what, max);
        buf[(*n)++] = (uint8_t)(hi << 4 | lo);
    }
    return ECU_OK;
}

/* expect OFFSET BYTES... | contains BYTES..., the bytes hex digit pairs or "text" */
static int do_expect(struct parser *p, int anywhere)
{
    ecu_layout *l = p->l;
    const char *what = anywhere ? "contains" : "expect";
    struct expect *e;
    size_t i, k, first = anywhere ? 1 : 2;
    int rc;
    if (l->nexpects == MAX_EXPECTS)
        return FAIL(p, p->t[0].col, "more than %d expect and contains lines", MAX_EXPECTS);
    e = &l->expects[l->nexpects];
    memset(e, 0, sizeof *e);
    e->anywhere = anywhere;
    if (!anywhere && (rc = num(p, 1, "expect offset", &e->off)))
        return rc;
    if (p->nt <= first)
        return FAIL(p, p->line_len + 1, "%s: the bytes are missing (hex digits or \"text\")",
                    what);
    for (i = first; i < p->nt; i++) {
        const struct tok *t = &p->t[i];
        if (t->quoted) {
            if (!t->len)
                return FAIL(p, t->col, "%s: an empty string", what);
            if (t->len > MAX_EXPECT_BYTES - e->n)
                return FAIL(p, t->col, "%s: more than %d bytes", what, MAX_EXPECT_BYTES);
            memcpy(e->bytes + e->n, t->s, t->len);
            e->n += t->len;
            continue;
        }
        if (t->len % 2)
            return FAIL(p, t->col, "%s: '%s' has an odd number of hex digits", what, t->s);
        for (k = 0; k < t->len; k += 2) {
            int hi = hexval(t->s[k]), lo = hexval(t->s[k + 1]);
            if (hi < 0 || lo < 0)
                return FAIL(p, t->col + k + (hi < 0 ? 0 : 1),
                            "%s: '%c' is not a hex digit", what, hi < 0 ? t->s[k] : t->s[k + 1]);
            if (e->n == MAX_EXPECT_BYTES)
                return FAIL(p, t->col + k, "%s: more than %d bytes", what, MAX_EXPECT_BYTES);
            e->bytes[e->n++] = (uint8_t)(hi << 4 | lo);
        }
    }
    e->line = p->line;
    l->nexpects++;
    return ECU_OK;
}

static int do_line(struct parser *p)
{
    ecu_layout *l = p->l;
    const struct tok *k = &p->t[0];
    size_t i;
    int rc;
    if (k->quoted)
        return FAIL(p, k->col, "a line starts with a keyword, not a quoted string");
    if (!p->have_name && !is_word(k, "layout"))
        return FAIL(p, k->col, "the first line must be 'layout NAME' (found '%s')", k->s);
    if (is_word(k, "layout")) {
        if (p->have_name)
            return FAIL(p, k->col, "a second 'layout' line (the first is line %zu)", p->name_line);
        if (p->nt < 2)
            return FAIL(p, p->line_len + 1, "layout: the name is missing");
        if (p->t[1].len == 0 || p->t[1].len > MAX_NAME || !valid_name(p->t[1].s))
            return FAIL(p, p->t[1].col,
                        "layout: the name is 1 to %d letters, digits, '-', '_' or '.'", MAX_NAME);
        if ((rc = no_more(p, 2)))
            return rc;
        memcpy(l->name, p->t[1].s, p->t[1].len + 1);
        p->have_name = 1;
        p->name_line = p->line;
        return ECU_OK;
    }
    if (is_word(k, "size") || is_word(k, "expect") || is_word(k, "contains")) {
        if (p->blk || l->blocks.n)
            return FAIL(p, k->col, "'%s' belongs before the first block", k->s);
        if (!is_word(k, "size"))
            return do_expect(p, is_word(k, "contains"));
        if (p->nt < 2)
            return FAIL(p, p->line_len + 1, "size: a number is missing");
        for (i = 1; i < p->nt; i++) {
            if (l->nsizes == MAX_SIZES)
                return FAIL(p, p->t[i].col, "more than %d sizes", MAX_SIZES);
            if ((rc = num(p, i, "size", &l->sizes[l->nsizes])))
                return rc;
            if (!l->sizes[l->nsizes])
                return FAIL(p, p->t[i].col, "size: 0 bytes");
            l->nsizes++;
        }
        return ECU_OK;
    }
    if (is_word(k, "block") || is_word(k, "table")) {
        struct pblock *pb;
        int table = is_word(k, "table");
        if ((rc = end_block(p)))
            return rc;
        if (p->nt < 2)
            return FAIL(p, p->line_len + 1, "block: the name is missing");
        if (p->t[1].len == 0 || p->t[1].len >= (table ? 49 : sizeof pb->b.name))
            return FAIL(p, p->t[1].col, "%s: the name is 1 to %zu bytes", k->s,
                        table ? (size_t)48 : sizeof pb->b.name - 1);
        if ((rc = no_more(p, 2)))
            return rc;
        for (i = 0; i < l->blocks.n; i++)
            if (strcmp(l->blocks.v[i].name, p->t[1].s) == 0)
                return FAIL(p, p->t[1].col, "%s: a second block named '%s'", k->s, p->t[1].s);
        for (i = 0; i < l->ntables; i++)
            if (strcmp(l->tables[i].proto.name, p->t[1].s) == 0)
                return FAIL(p, p->t[1].col, "%s: a second table named '%s'", k->s, p->t[1].s);
        if (table && l->ntables == MAX_TABLES)
            return FAIL(p, k->col, "more than %d tables", MAX_TABLES);
        pb = calloc(1, sizeof *pb);
        if (!pb)
            return ECU_ERR_NOMEM;
        pb->is_table = table;
        memcpy(pb->b.name, p->t[1].s, p->t[1].len + 1);
        pb->line = p->line;
        pb->col = k->col;
        p->blk = pb;
        return ECU_OK;
    }
    if (is_word(k, "sum"))
        return do_sum(p);
    if (is_word(k, "selfsum"))
        return do_selfsum(p);
    if (is_word(k, "crc"))
        return do_crc(p, 0);
    if (is_word(k, "crc-target"))
        return do_crc(p, 1);
    if (is_word(k, "range"))
        return do_range(p);
    if (is_word(k, "store"))
        return do_store(p);
    if (is_word(k, "records"))
        return do_records(p);
    if (is_word(k, "address"))
        return do_address(p);
    if (is_word(k, "disabled"))
        return do_disabled(p);
    if (is_word(k, "union"))
        return do_union(p);
    if (is_word(k, "counted"))
        return do_counted(p);
    return FAIL(p, k->col, "unknown keyword '%s'", k->s);
}

int ecu_layout_parse(ecu_layout *l, const char *text, size_t len)
{
    struct parser *p;
    size_t pos = 0;
    int rc = ECU_OK;
    if (!l || (!text && len))
        return ECU_ERR_INVALID;
    reset(l);
    if (!(p = calloc(1, sizeof *p)))
        return ECU_ERR_NOMEM;
    p->l = l;
    while (pos < len && rc == ECU_OK) {
        const char *s = text + pos, *nl = memchr(s, '\n', len - pos), *z;
        size_t n = nl ? (size_t)(nl - s) : len - pos;
        pos += n + (nl ? 1 : 0);
        p->line++;
        if (n && s[n - 1] == '\r')
            n--;
        if ((z = memchr(s, '\0', n)) != NULL) {
            rc = FAIL(p, (size_t)(z - s) + 1, "a NUL byte (this is not a text file)");
            break;
        }
        if (n > MAX_LINE) {
            rc = FAIL(p, MAX_LINE + 1, "a line longer than %d bytes", MAX_LINE);
            break;
        }
        p->line_len = n;
        if ((rc = tokenize(p, s, n)) != ECU_OK || !p->nt)
            continue;
        rc = do_line(p);
    }
    if (rc == ECU_OK)
        rc = end_block(p);
    if (rc == ECU_OK && !p->have_name)
        rc = fail_at(p, p->line ? p->line : 1, 1, "no 'layout NAME' line");
    if (rc == ECU_OK && !l->blocks.n && !l->ntables)
        rc = fail_at(p, p->name_line, 1, "the layout has no block");
    free(p->blk);
    free(p);
    if (rc != ECU_OK) {
        /* keep the error, drop the rest */
        size_t line = l->err_line, col = l->err_col;
        char err[sizeof l->err];
        memcpy(err, l->err, sizeof err);
        reset(l);
        if (rc == ECU_ERR_SYNTAX) {
            l->err_line = line;
            l->err_col = col;
            memcpy(l->err, err, sizeof err);
        }
        return rc;
    }
    l->parsed = 1;
    set_info(l);
    return ECU_OK;
}
