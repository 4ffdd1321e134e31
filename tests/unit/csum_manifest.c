/* SPDX-License-Identifier: MIT */
/* The manifest of synthetic checksum images and the checks every family gets from it
 * (csum_manifest.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>

#include <cmocka.h>

#include "csum_manifest.h"
#include "ecu/error.h"
#include "ecu/image.h"

#define BIT(k) ((uint64_t)1 << (k))

/* ---- the manifest and the images ------------------------------------------------------------ */

int csum_parse_u64(const char *s, uint64_t *v)
{
    char *end;
    if (!s || !*s)
        return -1;
    *v = strtoull(s, &end, 0);
    return *end ? -1 : 0;
}

int csum_parse_hex(const char *s, uint8_t *out, unsigned n)
{
    unsigned i;
    if (strlen(s) != 2 * n)
        return -1;
    for (i = 0; i < n; i++) {
        char two[3] = {s[2 * i], s[2 * i + 1], '\0'};
        char *end;
        out[i] = (uint8_t)strtoul(two, &end, 16);
        if (*end)
            return -1;
    }
    return 0;
}

/* "0x0-0x1F00+0x2000-0x8000" */
static int parse_ranges(char *s, struct csum_block *b)
{
    b->nranges = 0;
    while (s) {
        char *next = strchr(s, '+'), *dash;
        if (next)
            *next++ = '\0';
        dash = strchr(s, '-');
        if (!dash || b->nranges == CSUM_MAX_RANGES)
            return -1;
        *dash = '\0';
        if (csum_parse_u64(s, &b->start[b->nranges]) || csum_parse_u64(dash + 1, &b->end[b->nranges]))
            return -1;
        b->nranges++;
        s = next;
    }
    return 0;
}

/* Index of the image called @p file, m->nimages when there is none. */
static size_t image_index(const struct csum_manifest *m, const char *file)
{
    size_t i;
    for (i = 0; i < m->nimages; i++)
        if (strcmp(m->images[i].file, file) == 0)
            break;
    return i;
}

const struct csum_image *csum_find_image(const struct csum_manifest *m, const char *file)
{
    size_t i = image_index(m, file);
    return i < m->nimages ? &m->images[i] : NULL;
}

/* Splits a line at tabs; returns the number of fields. */
size_t csum_split(char *line, char **f, size_t max)
{
    size_t n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    while (n < max) {
        f[n++] = line;
        if (!(line = strchr(line, '\t')))
            break;
        *line++ = '\0';
    }
    return n;
}

/* A number, or '-' for none (CSUM_NONE). */
static int parse_opt(const char *s, uint64_t *v)
{
    if (strcmp(s, "-") == 0) {
        *v = CSUM_NONE;
        return 0;
    }
    return csum_parse_u64(s, v);
}

/* An image line: FILE FAMILY SIZE BLOCKS BAD GOOD OUTSIDE. */
static int image_line(struct csum_manifest *m, char **f)
{
    struct csum_image *x = &m->images[m->nimages++];
    uint64_t size, nb, bad;
    snprintf(x->file, sizeof x->file, "%s", f[1]);
    snprintf(x->family, sizeof x->family, "%s", f[2]);
    snprintf(x->good, sizeof x->good, "%s", f[6]);
    if (csum_parse_u64(f[3], &size) || csum_parse_u64(f[4], &nb) || csum_parse_u64(f[5], &bad) ||
        parse_opt(f[7], &x->outside) || nb > CSUM_MAX_BLOCKS)
        return -1;
    x->size = (size_t)size;
    x->nblocks = (size_t)nb;
    x->nbad = (size_t)bad;
    return 0;
}

/* A block line of @p n fields: FILE INDEX, START END (11) or RANGES (10), then STORE_OFFSET
 * STORE_BYTES STORED CORRECT SLOT PROBE. */
static int block_line(struct csum_manifest *m, char **f, size_t n)
{
    size_t i = image_index(m, f[1]);
    struct csum_image *x = i < m->nimages ? &m->images[i] : NULL;
    char **v = f + n - 6;
    uint64_t idx, bytes;
    struct csum_block *b;
    if (!x || csum_parse_u64(f[2], &idx) || idx >= x->nblocks)
        return -1;
    b = &x->b[idx];
    if (n == 11) {
        b->nranges = 1;
        if (csum_parse_u64(f[3], &b->start[0]) || csum_parse_u64(f[4], &b->end[0]))
            return -1;
    } else if (parse_ranges(f[3], b)) {
        return -1;
    }
    if (csum_parse_u64(v[0], &b->slot) || csum_parse_u64(v[1], &bytes) || bytes == 0 ||
        bytes > CSUM_MAX_SLOT || csum_parse_u64(v[2], &b->stored) || csum_parse_u64(v[3], &b->correct) ||
        csum_parse_hex(v[4], b->fixed, (unsigned)bytes) || parse_opt(v[5], &b->probe))
        return -1;
    b->bytes = (unsigned)bytes;
    return 0;
}

/* An ident line: FILE OFFSET LENGTH. */
static int ident_line(struct csum_manifest *m, char **f)
{
    size_t i = image_index(m, f[1]);
    struct csum_image *x = i < m->nimages ? &m->images[i] : NULL;
    if (!x || x->nidents == CSUM_MAX_IDENTS || csum_parse_u64(f[2], &x->ident_at[x->nidents]) ||
        csum_parse_u64(f[3], &x->ident_len[x->nidents]))
        return -1;
    x->nidents++;
    return 0;
}

/* A probe line: FILE OFFSET BLOCKS (comma-separated indices, '-' for none). */
static int probe_line(struct csum_manifest *m, char **f)
{
    size_t i = image_index(m, f[1]);
    struct csum_image *x = i < m->nimages ? &m->images[i] : NULL;
    uint64_t feeds = 0, k;
    char *tok = f[3], *comma;
    if (!x || x->nprobes == CSUM_MAX_PROBES || csum_parse_u64(f[2], &x->probe_at[x->nprobes]))
        return -1;
    while (strcmp(f[3], "-") != 0 && tok) {
        if ((comma = strchr(tok, ',')))
            *comma = '\0';
        if (csum_parse_u64(tok, &k) || k >= x->nblocks)
            return -1;
        feeds |= BIT(k);
        tok = comma ? comma + 1 : NULL;
    }
    x->probe_feeds[x->nprobes++] = feeds;
    return 0;
}

/* A struct or evidence line's fields FILE START END NAME into @p st. */
static int parse_struct(char **f, struct csum_struct *st)
{
    st->evidence = strcmp(f[0], "evidence") == 0;
    if (strlen(f[1]) >= sizeof st->file || strlen(f[4]) >= sizeof st->name || !*f[4] ||
        csum_parse_u64(f[2], &st->start) || csum_parse_u64(f[3], &st->end) ||
        st->start >= st->end)
        return -1;
    snprintf(st->file, sizeof st->file, "%s", f[1]);
    snprintf(st->name, sizeof st->name, "%s", f[4]);
    return 0;
}

/* A struct or evidence line: FILE START END NAME, of an image of the manifest and inside it. */
static int struct_line(struct csum_manifest *m, char **f)
{
    size_t i = image_index(m, f[1]);
    struct csum_image *x = i < m->nimages ? &m->images[i] : NULL;
    struct csum_struct *st;
    if (!x || x->nstructs == CSUM_MAX_STRUCTS)
        return -1;
    st = &x->structs[x->nstructs];
    if (parse_struct(f, st) || st->end > x->size)
        return -1;
    x->nstructs++;
    return 0;
}

long csum_read_structs(const char *path, struct csum_struct *out, size_t max)
{
    char line[4096], *f[16];
    unsigned lineno = 0;
    size_t n = 0;
    FILE *fp = fopen(path, "r");
    if (!fp) {
        print_error("cannot open %s\n", path);
        return -1;
    }
    while (fgets(line, sizeof line, fp)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(fp)) {
            print_error("%s line %u: longer than %zu bytes\n", path, lineno, sizeof line - 2);
            break;
        }
        if (strncmp(line, "struct\t", 7) != 0 && strncmp(line, "evidence\t", 9) != 0)
            continue;
        if (csum_split(line, f, 16) != 5 || n == max || parse_struct(f, &out[n])) {
            print_error("%s line %u: not understood\n", path, lineno);
            break;
        }
        n++;
    }
    if (!feof(fp)) {
        fclose(fp);
        return -1;
    }
    fclose(fp);
    return (long)n;
}

static int read_manifest(struct csum_manifest *m, const char *path)
{
    char line[4096], *f[16];
    unsigned lineno = 0;
    FILE *fp = fopen(path, "r");
    if (!fp) {
        print_error("cannot open %s\n", path);
        return -1;
    }
    while (fgets(line, sizeof line, fp)) {
        size_t n;
        int rc;
        lineno++;
        if (!strchr(line, '\n') && !feof(fp)) {
            print_error("%s line %u: longer than %zu bytes\n", path, lineno, sizeof line - 2);
            fclose(fp);
            return -1;
        }
        if (line[0] == '#' || line[0] == '\n')
            continue;
        n = csum_split(line, f, 16);
        if (strcmp(f[0], "image") == 0 && n == 8 && m->nimages < CSUM_MAX_IMAGES)
            rc = image_line(m, f);
        else if (strcmp(f[0], "block") == 0 && (n == 10 || n == 11))
            rc = block_line(m, f, n);
        else if (strcmp(f[0], "ident") == 0 && n == 4)
            rc = ident_line(m, f);
        else if (strcmp(f[0], "probe") == 0 && n == 4)
            rc = probe_line(m, f);
        else if ((strcmp(f[0], "struct") == 0 || strcmp(f[0], "evidence") == 0) && n == 5)
            rc = struct_line(m, f);
        else
            rc = -1;
        if (rc) {
            print_error("%s line %u: not understood\n", path, lineno);
            fclose(fp);
            return -1;
        }
    }
    fclose(fp);
    return m->nimages ? 0 : -1;
}

/* Loads image @p x from the folder of the manifest @p path. */
static int load_image(struct csum_image *x, const char *path)
{
    const char *slash = strrchr(path, '/');
    int dirlen = slash ? (int)(slash - path) : 1, len, rc;
    char file[512];
    ecu_image *img = ecu_image_new();
    if (!img)
        return -1;
    len = snprintf(file, sizeof file, "%.*s/%s", dirlen, slash ? path : ".", x->file);
    if (len < 0 || (size_t)len >= sizeof file) {
        ecu_image_free(img);
        return -1;
    }
    if ((rc = ecu_image_load_file(img, file)) != ECU_OK) {
        print_error("%s: %s\n", file, ecu_image_error_detail(img));
        ecu_image_free(img);
        return -1;
    }
    if (ecu_image_size(img) != x->size) {
        print_error("%s: %zu bytes, the manifest says %zu\n", file, ecu_image_size(img), x->size);
        ecu_image_free(img);
        return -1;
    }
    x->data = malloc(x->size);
    if (!x->data) {
        ecu_image_free(img);
        return -1;
    }
    memcpy(x->data, ecu_image_data(img), x->size);
    ecu_image_free(img);
    return 0;
}

int csum_manifest_load(struct csum_manifest *m, const char *path)
{
    size_t i;
    memset(m, 0, sizeof *m);
    if (read_manifest(m, path))
        return -1;
    for (i = 0; i < m->nimages; i++)
        if (load_image(&m->images[i], path)) {
            csum_manifest_free(m);
            return -1;
        }
    return 0;
}

void csum_manifest_free(struct csum_manifest *m)
{
    size_t i;
    for (i = 0; i < m->nimages; i++) {
        free(m->images[i].data);
        m->images[i].data = NULL;
    }
    m->nimages = 0;
}

int csum_manifest_slot_bytes(const struct csum_manifest *m, unsigned bytes)
{
    size_t i, k;
    for (i = 0; i < m->nimages; i++)
        for (k = 0; k < m->images[i].nblocks; k++)
            if (m->images[i].b[k].bytes != bytes)
                return 0;
    return 1;
}

int csum_manifest_load_slots(struct csum_manifest *m, const char *path, unsigned bytes)
{
    if (csum_manifest_load(m, path))
        return -1;
    if (bytes && !csum_manifest_slot_bytes(m, bytes)) {
        print_error("%s: a slot that is not %u bytes\n", path, bytes);
        csum_manifest_free(m);
        return -1;
    }
    return 0;
}

const struct csum_image *csum_image(const struct csum_manifest *m, const char *file)
{
    const struct csum_image *x = csum_find_image(m, file);
    if (!x)
        fail_msg("%s not in the manifest", file);
    return x;
}

int csum_is_good(const struct csum_image *x) { return strcmp(x->good, "-") == 0; }

/* ---- helpers -------------------------------------------------------------------------------- */

uint8_t *csum_dup(const uint8_t *p, size_t n)
{
    uint8_t *q = malloc(n ? n : 1);
    assert_non_null(q);
    if (n)
        memcpy(q, p, n);
    return q;
}

uint8_t *csum_random_buffer(size_t n, uint32_t seed)
{
    uint8_t *p = malloc(n);
    uint32_t s = seed ? seed : 1;
    size_t i;
    assert_non_null(p);
    for (i = 0; i < n; i++) {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        p[i] = (uint8_t)(s >> 24);
    }
    return p;
}

uint8_t *csum_without_idents(const struct csum_image *x)
{
    uint8_t *copy = csum_dup(x->data, x->size);
    size_t k;
    for (k = 0; k < x->nidents; k++)
        memset(copy + x->ident_at[k], 0xFF, (size_t)x->ident_len[k]);
    return copy;
}

int csum_is_one_of(const ecu_family_info *f, const char *const *names, size_t n)
{
    size_t k;
    for (k = 0; f && k < n; k++)
        if (strcmp(f->name, names[k]) == 0)
            return 1;
    return 0;
}

int csum_in_block(const struct csum_block *b, uint64_t off)
{
    size_t r;
    for (r = 0; r < b->nranges; r++)
        if (off >= b->start[r] && off < b->end[r])
            return 1;
    return 0;
}

/* Whether @p off lies in the slot of a block of the set @p set. */
static int in_slots(const struct csum_image *x, uint64_t set, uint64_t off)
{
    size_t i;
    for (i = 0; i < x->nblocks; i++)
        if ((set & BIT(i)) && off >= x->b[i].slot && off < x->b[i].slot + x->b[i].bytes)
            return 1;
    return 0;
}

int csum_in_slot(const struct csum_image *x, uint64_t off)
{
    return in_slots(x, ~(uint64_t)0, off);
}

/* The blocks of @p set, and every block whose ranges cover a slot of one of those (and so on):
 * whose slots a correction of @p set may write. */
static uint64_t with_covering(const struct csum_image *x, uint64_t set)
{
    uint64_t grown = set;
    do {
        size_t i, j;
        unsigned byte;
        set = grown;
        for (i = 0; i < x->nblocks; i++)
            for (j = 0; (set & BIT(i)) && j < x->nblocks; j++)
                for (byte = 0; byte < x->b[i].bytes; byte++)
                    if (csum_in_block(&x->b[j], x->b[i].slot + byte))
                        grown |= BIT(j);
    } while (grown != set);
    return set;
}

void csum_analyze(ecu_csum *cs, const uint8_t *d, size_t n)
{
    assert_int_equal(ecu_csum_analyze(cs, d, n), ECU_OK);
}

void csum_assert_verdict(const ecu_csum *cs, ecu_verdict want, const char *what)
{
    if (ecu_csum_verdict(cs) != want)
        fail_msg("%s: verdict %s, expected %s", what, ecu_verdict_name(ecu_csum_verdict(cs)),
                 ecu_verdict_name(want));
}

void csum_assert_unknown(ecu_csum *cs, const uint8_t *d, size_t n, const char *what)
{
    if (ecu_csum_verdict(cs) != ECU_VERDICT_UNKNOWN)
        fail_msg("%s: verdict %s (%s), expected unknown", what,
                 ecu_verdict_name(ecu_csum_verdict(cs)),
                 ecu_csum_family(cs) ? ecu_csum_family(cs)->name : "no family");
    assert_int_equal(ecu_csum_block_count(cs), 0);
    assert_int_equal(ecu_csum_fix(cs), ECU_ERR_INVALID);
    if (d)
        csum_assert_image(cs, d, n, what);
}

void csum_assert_image(const ecu_csum *cs, const uint8_t *want, size_t n, const char *what)
{
    size_t size = 0, i;
    const uint8_t *img = ecu_csum_image(cs, &size);
    assert_int_equal(size, n);
    if (n == 0)
        return;
    assert_non_null(img);
    for (i = 0; i < n; i++)
        if (img[i] != want[i])
            fail_msg("%s: byte 0x%zX is 0x%02X, expected 0x%02X", what, i, img[i], want[i]);
}

/* Whether @p off lies in one of the @p nr ranges @p r. */
static int in_ranges(const ecu_range *r, size_t nr, uint64_t off)
{
    size_t i;
    for (i = 0; i < nr; i++)
        if (off >= r[i].start && off < r[i].end)
            return 1;
    return 0;
}

/* Block @p k's status after the byte at @p off of @p d is flipped; -1 when the image then has
   no block @p k called @p name (the byte is part of what the layout is found by). */
static int status_flipped(ecu_csum *cs, const uint8_t *d, size_t n, size_t k, const char *name,
                          uint64_t off)
{
    uint8_t *copy = csum_dup(d, n);
    const ecu_block *b;
    int st = -1;
    copy[off] ^= 0x01;
    csum_analyze(cs, copy, n);
    b = ecu_csum_block_at(cs, k);
    if (b && strcmp(b->name, name) == 0)
        st = (int)b->status;
    free(copy);
    return st;
}

uint64_t csum_check_coverage(ecu_csum *cs, const uint8_t *d, size_t n, size_t k, const char *what)
{
    const ecu_block *b;
    ecu_range *r;
    uint64_t slot, slot_end, covered = 0;
    size_t nr, i, j;
    char name[128];
    csum_analyze(cs, d, n);
    b = ecu_csum_block_at(cs, k);
    assert_non_null(b);
    assert_int_equal(b->status, ECU_BLOCK_OK);
    nr = b->nranges;
    assert_true(nr > 0);
    r = malloc(nr * sizeof *r); /* the handle's ranges do not outlive the next analysis */
    assert_non_null(r);
    memcpy(r, b->ranges, nr * sizeof *r);
    slot = b->store_offset;
    slot_end = slot + b->store_bytes;
    snprintf(name, sizeof name, "%s", b->name);
    /* the changed copies analysed with the family named (as ecu-csum --family): the same
       layout, without detecting every family again */
    assert_non_null(ecu_csum_family(cs));
    assert_int_equal(ecu_csum_set_family(cs, ecu_csum_family(cs)->name), ECU_OK);
    for (i = 0; i < nr; i++) {
        uint64_t inside[2] = {r[i].start, r[i].end - 1};
        assert_true(r[i].start < r[i].end && r[i].end <= n);
        covered += r[i].end - r[i].start;
        for (j = 0; j < 2; j++)
            if (status_flipped(cs, d, n, k, name, inside[j]) != (int)ECU_BLOCK_BAD)
                fail_msg("%s: %s: byte 0x%llX of range %zu changed, the block is not bad", what,
                         name, (unsigned long long)inside[j], i);
        /* just before and just after the range: the nearest byte (within 16) that is in none
           of its ranges, not its slot, and whose change leaves the layout as it is (not a
           byte the family finds the image by) */
        for (j = 0; j < 2; j++) {
            uint64_t at, step;
            int st = -1;
            for (step = 0; step < 16 && st < 0; step++) {
                if (j == 0 ? r[i].start < step + 1 : r[i].end + step >= n)
                    break;
                at = j == 0 ? r[i].start - 1 - step : r[i].end + step;
                if (in_ranges(r, nr, at))
                    break;
                if (at >= slot && at < slot_end)
                    continue;
                if ((st = status_flipped(cs, d, n, k, name, at)) >= 0 && st != (int)ECU_BLOCK_OK)
                    fail_msg("%s: %s: byte 0x%llX outside its ranges changed, the block is %s",
                             what, name, (unsigned long long)at,
                             ecu_block_status_name((ecu_block_status)st));
            }
        }
    }
    free(r);
    assert_int_equal(ecu_csum_set_family(cs, NULL), ECU_OK);
    return covered;
}

void csum_check_layout(const ecu_csum *cs, const struct csum_image *x)
{
    const ecu_family_info *f = ecu_csum_family(cs);
    size_t i, r;
    assert_non_null(f);
    assert_string_equal(f->name, x->family);
    assert_int_equal(ecu_csum_block_count(cs), x->nblocks);
    for (i = 0; i < x->nblocks; i++) {
        const ecu_block *b = ecu_csum_block_at(cs, i);
        assert_non_null(b);
        assert_non_null(b->name);
        assert_non_null(b->algorithm);
        assert_int_equal(b->nranges, x->b[i].nranges);
        for (r = 0; r < b->nranges; r++)
            if (b->ranges[r].start != x->b[i].start[r] || b->ranges[r].end != x->b[i].end[r])
                fail_msg("%s block %zu range %zu: [0x%llX, 0x%llX), expected [0x%llX, 0x%llX)",
                         x->file, i, r, (unsigned long long)b->ranges[r].start,
                         (unsigned long long)b->ranges[r].end,
                         (unsigned long long)x->b[i].start[r], (unsigned long long)x->b[i].end[r]);
        assert_int_equal(b->store_offset, x->b[i].slot);
        assert_int_equal(b->store_bytes, x->b[i].bytes);
    }
    assert_null(ecu_csum_block_at(cs, x->nblocks));
}

void csum_check_named(ecu_csum *cs, const struct csum_image *x)
{
    assert_int_equal(ecu_csum_set_family(cs, x->family), ECU_OK);
    csum_analyze(cs, x->data, x->size);
    assert_int_equal(ecu_csum_verdict(cs), csum_is_good(x) ? ECU_VERDICT_OK : ECU_VERDICT_BAD);
    csum_check_layout(cs, x);
}

void csum_check_bad_set(const ecu_csum *cs, const struct csum_image *x, uint64_t bad,
                        const char *what)
{
    /* a block covering a bad block's slot: an earlier correction may have rewritten its slot */
    uint64_t rewritten = with_covering(x, bad) & ~bad;
    size_t i, n = 0;
    if (ecu_csum_verdict(cs) != ECU_VERDICT_BAD)
        fail_msg("%s: %s: verdict %s, expected bad", x->file, what,
                 ecu_verdict_name(ecu_csum_verdict(cs)));
    csum_check_layout(cs, x);
    for (i = 0; i < x->nblocks; i++) {
        const ecu_block *b = ecu_csum_block_at(cs, i);
        ecu_block_status want = (bad & BIT(i)) ? ECU_BLOCK_BAD : ECU_BLOCK_OK;
        if (b->status != want)
            fail_msg("%s: %s: block %zu is %s, expected %s", x->file, what, i,
                     ecu_block_status_name(b->status), ecu_block_status_name(want));
        if (want == ECU_BLOCK_OK && !(rewritten & BIT(i))) {
            assert_int_equal(b->stored, x->b[i].stored);
            assert_int_equal(b->computed, x->b[i].correct);
        }
        n += want == ECU_BLOCK_BAD;
    }
    assert_int_equal(ecu_csum_bad_count(cs), n);
}

uint8_t *csum_fix_checked(ecu_csum *cs, const struct csum_image *x, uint64_t bad,
                          const uint8_t *in, const char *what)
{
    uint64_t may = with_covering(x, bad);
    size_t i, size = 0, n = 0;
    const uint8_t *img;
    uint8_t *out;
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    csum_assert_verdict(cs, ECU_VERDICT_FIXED, what);
    assert_int_equal(ecu_csum_bad_count(cs), 0);
    for (i = 0; i < x->nblocks; i++) {
        const ecu_block *b = ecu_csum_block_at(cs, i);
        assert_int_equal(b->status, (bad & BIT(i)) ? ECU_BLOCK_FIXED : ECU_BLOCK_OK);
        assert_int_equal(b->stored, b->computed);
    }
    img = ecu_csum_image(cs, &size);
    assert_int_equal(size, x->size);
    out = csum_dup(img, size);
    for (i = 0; i < x->size; i++) {
        if (out[i] == in[i])
            continue;
        n++;
        if (!in_slots(x, may, i))
            fail_msg("%s: %s: byte 0x%zX changed, outside the slots of the bad blocks", x->file,
                     what, i);
    }
    assert_true(n > 0);
    /* fixing twice changes nothing: on the same handle, and after a new analysis */
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    csum_assert_image(cs, out, x->size, what);
    csum_analyze(cs, out, x->size);
    csum_assert_verdict(cs, ECU_VERDICT_OK, what);
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    csum_assert_image(cs, out, x->size, what);
    return out;
}

void csum_check_wrong_slot(ecu_csum *cs, const struct csum_image *x, size_t k,
                           const uint8_t *copy, const char *what)
{
    uint64_t bad = BIT(k);
    uint8_t *fixed;
    unsigned byte;
    size_t j;
    for (byte = 0; byte < x->b[k].bytes; byte++) {
        uint64_t at = x->b[k].slot + byte;
        if (copy[at] != x->data[at])
            for (j = 0; j < x->nblocks; j++)
                if (csum_in_block(&x->b[j], at))
                    bad |= BIT(j);
    }
    csum_analyze(cs, copy, x->size);
    csum_check_bad_set(cs, x, bad, what);
    fixed = csum_fix_checked(cs, x, bad, copy, what);
    if (memcmp(fixed, x->data, x->size) != 0)
        fail_msg("%s: %s: the correction is not the good image", x->file, what);
    free(fixed);
}

void csum_check_slot_byte(ecu_csum *cs, const struct csum_image *x, size_t k, unsigned byte)
{
    uint8_t *copy = csum_dup(x->data, x->size);
    char what[96];
    snprintf(what, sizeof what, "block %zu, slot byte %u changed", k, byte);
    copy[x->b[k].slot + byte] ^= 0x5A;
    csum_check_wrong_slot(cs, x, k, copy, what);
    free(copy);
}

void csum_check_slot_bytes(ecu_csum *cs, const struct csum_image *x, size_t k)
{
    unsigned byte;
    for (byte = 0; byte < x->b[k].bytes; byte++)
        csum_check_slot_byte(cs, x, k, byte);
}

const ecu_family_info *csum_family_info(const char *name)
{
    const ecu_family_info *found = NULL;
    size_t i, seen = 0;
    for (i = 0; i < ecu_family_count(); i++) {
        const ecu_family_info *f = ecu_family_at(i);
        assert_non_null(f);
        if (strcmp(f->name, name) == 0)
            found = f, seen++;
    }
    if (seen != 1)
        fail_msg("family %s registered %zu times", name, seen);
    assert_true(found->manufacturer && *found->manufacturer);
    assert_true(found->description && *found->description);
    assert_true(found->verifies && found->corrects);
    assert_true(found->sources && *found->sources);
    return found;
}

size_t csum_for_each_fixture(const char *const *skip, size_t nskip,
                             void (*fn)(ecu_csum *cs, const char *file, const uint8_t *d,
                                        size_t n))
{
    DIR *dir = opendir(ECU_FIXTURES_DIR "/csum");
    struct dirent *e;
    ecu_image *img = ecu_image_new();
    ecu_csum *cs = ecu_csum_new();
    size_t count = 0, k;
    assert_non_null(dir);
    assert_non_null(img);
    assert_non_null(cs);
    while ((e = readdir(dir)) != NULL) {
        size_t len = strlen(e->d_name);
        char path[1024];
        if (len < 7 || strcmp(e->d_name + len - 7, ".bin.gz") != 0)
            continue;
        for (k = 0; k < nskip && strncmp(e->d_name, skip[k], strlen(skip[k])) != 0; k++)
            ;
        if (k < nskip)
            continue;
        snprintf(path, sizeof path, "%s/csum/%s", ECU_FIXTURES_DIR, e->d_name);
        if (ecu_image_load_file(img, path) != ECU_OK)
            fail_msg("%s: %s", path, ecu_image_error_detail(img));
        fn(cs, e->d_name, ecu_image_data(img), ecu_image_size(img));
        count++;
    }
    closedir(dir);
    ecu_image_free(img);
    ecu_csum_free(cs);
    return count;
}


/* For a manifest of forced-only families: the handle uses the image's family (csum_manifest.h). */
static void use_family(ecu_csum *cs, const struct csum_manifest *m, const struct csum_image *x)
{
    if (m->forced)
        assert_int_equal(ecu_csum_set_family(cs, x->family), ECU_OK);
}

/* ---- the checks every family gets ------------------------------------------------------------ */

void csum_for_each_good_block(const struct csum_manifest *m,
                              void (*check)(ecu_csum *cs, const struct csum_image *x, size_t k))
{
    ecu_csum *cs = ecu_csum_new();
    size_t i, k;
    assert_non_null(cs);
    for (i = 0; i < m->nimages; i++)
        for (k = 0; csum_is_good(&m->images[i]) && k < m->images[i].nblocks; k++) {
            use_family(cs, m, &m->images[i]);
            check(cs, &m->images[i], k);
        }
    ecu_csum_free(cs);
}

size_t csum_check_good_images(const struct csum_manifest *m)
{
    ecu_csum *cs = ecu_csum_new(); /* one handle for all: each analysis starts afresh */
    size_t i, k, ngood = 0;
    assert_non_null(cs);
    for (i = 0; i < m->nimages; i++) {
        const struct csum_image *x = &m->images[i];
        const ecu_family_info *c;
        unsigned score = 0;
        uint8_t *copy;
        if (!csum_is_good(x))
            continue;
        ngood++;
        assert_int_equal(x->nbad, 0);
        use_family(cs, m, x);
        csum_analyze(cs, x->data, x->size);
        csum_assert_verdict(cs, ECU_VERDICT_OK, x->file);
        csum_check_layout(cs, x);
        assert_int_equal(ecu_csum_bad_count(cs), 0);
        /* one candidate only: no other family claims it too */
        assert_int_equal(ecu_csum_candidate_count(cs), 1);
        c = ecu_csum_candidate_at(cs, 0, &score);
        assert_non_null(c);
        assert_string_equal(c->name, x->family);
        assert_int_equal(score, ecu_csum_score(cs));
        assert_true(score >= 50 && score <= 100);
        assert_true(ecu_csum_evidence(cs)[0] != '\0');
        for (k = 0; k < x->nblocks; k++) {
            const ecu_block *b = ecu_csum_block_at(cs, k);
            assert_int_equal(x->b[k].stored, x->b[k].correct);
            assert_int_equal(b->stored, x->b[k].stored);
            assert_int_equal(b->computed, x->b[k].correct);
            assert_int_equal(b->status, ECU_BLOCK_OK);
            /* the slot holds exactly what a correction would write */
            assert_memory_equal(x->data + x->b[k].slot, x->b[k].fixed, x->b[k].bytes);
        }
        /* correcting a valid image changes nothing */
        assert_int_equal(ecu_csum_fix(cs), ECU_OK);
        csum_assert_image(cs, x->data, x->size, x->file);
        assert_int_equal(ecu_csum_bad_count(cs), 0);
        /* a byte that no block covers, in no slot, changes nothing */
        if (x->outside == CSUM_NONE)
            continue;
        for (k = 0; k < x->nblocks; k++)
            assert_false(csum_in_block(&x->b[k], x->outside));
        assert_false(csum_in_slot(x, x->outside));
        copy = csum_dup(x->data, x->size);
        copy[x->outside] ^= 0x01;
        csum_analyze(cs, copy, x->size);
        csum_assert_verdict(cs, ECU_VERDICT_OK, "outside byte flipped");
        csum_check_layout(cs, x);
        free(copy);
    }
    ecu_csum_free(cs);
    return ngood;
}

void csum_check_families_covered(const struct csum_manifest *m, const char *const *names,
                                 size_t n)
{
    size_t i, fam;
    uint64_t covered = 0;
    assert_true(n < 64);
    for (i = 0; i < m->nimages; i++)
        for (fam = 0; fam < n; fam++)
            if (csum_is_good(&m->images[i]) && strcmp(m->images[i].family, names[fam]) == 0)
                covered |= BIT(fam);
    assert_int_equal(covered, BIT(n) - 1);
}

/* Data byte @p p of the good image @p x flipped: exactly the blocks of @p feeds are bad, the
 * correction verifies; the byte put back, they are bad again and the correction (twice) is the
 * good image byte for byte. */
static void check_flip(ecu_csum *cs, const struct csum_image *x, uint64_t p, uint64_t feeds,
                       const char *what)
{
    uint8_t *copy, *fixed;
    assert_false(csum_in_slot(x, p));
    copy = csum_dup(x->data, x->size);
    copy[p] ^= 0x01;
    csum_analyze(cs, copy, x->size);
    csum_check_bad_set(cs, x, feeds, what);
    fixed = csum_fix_checked(cs, x, feeds, copy, what);
    fixed[p] = x->data[p];
    csum_analyze(cs, fixed, x->size);
    csum_check_bad_set(cs, x, feeds, what);
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    csum_assert_image(cs, x->data, x->size, what);
    assert_int_equal(ecu_csum_fix(cs), ECU_OK);
    csum_assert_image(cs, x->data, x->size, what);
    free(fixed);
    free(copy);
}

void csum_check_flip_each_block(const struct csum_manifest *m)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i, k, j;
    assert_non_null(cs);
    for (i = 0; i < m->nimages; i++) {
        const struct csum_image *x = &m->images[i];
        if (!csum_is_good(x))
            continue;
        use_family(cs, m, x);
        for (k = 0; k < x->nblocks; k++) {
            uint64_t p = x->b[k].probe;
            char what[96];
            if (p == CSUM_NONE)
                continue; /* no byte of its own: see the probe lines */
            snprintf(what, sizeof what, "block %zu, data byte 0x%llX flipped", k,
                     (unsigned long long)p);
            /* the probe lies in block k's ranges only */
            assert_true(csum_in_block(&x->b[k], p));
            for (j = 0; j < x->nblocks; j++)
                assert_true(j == k || !csum_in_block(&x->b[j], p));
            check_flip(cs, x, p, BIT(k), what);
        }
    }
    ecu_csum_free(cs);
}

size_t csum_check_probes(const struct csum_manifest *m)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i, k, n = 0;
    assert_non_null(cs);
    for (i = 0; i < m->nimages; i++) {
        const struct csum_image *x = &m->images[i];
        use_family(cs, m, x);
        for (k = 0; csum_is_good(x) && k < x->nprobes; k++) {
            char what[96];
            snprintf(what, sizeof what, "data byte 0x%llX flipped", (unsigned long long)x->probe_at[k]);
            if (x->probe_feeds[k] == 0) {
                /* feeds nothing: the image stays valid */
                uint8_t *copy = csum_dup(x->data, x->size);
                copy[x->probe_at[k]] ^= 0x01;
                csum_analyze(cs, copy, x->size);
                csum_assert_verdict(cs, ECU_VERDICT_OK, what);
                free(copy);
            } else {
                check_flip(cs, x, x->probe_at[k], x->probe_feeds[k], what);
            }
            n++;
        }
    }
    ecu_csum_free(cs);
    return n;
}

size_t csum_check_bad_variants(const struct csum_manifest *m)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i, k, nvariants = 0;
    assert_non_null(cs);
    for (i = 0; i < m->nimages; i++) {
        const struct csum_image *x = &m->images[i], *g;
        uint8_t *want, *out;
        size_t ndiff = 0, nbad = 0;
        uint64_t bad = 0;
        if (csum_is_good(x))
            continue;
        nvariants++;
        g = csum_find_image(m, x->good);
        assert_non_null(g);
        assert_int_equal(g->size, x->size);
        assert_int_equal(g->nblocks, x->nblocks);
        assert_true(x->nbad > 0);
        /* data bytes changed, checksums left stale: the slots are the good image's */
        for (k = 0; k < x->size; k++) {
            if (x->data[k] == g->data[k])
                continue;
            ndiff++;
            assert_false(csum_in_slot(x, k));
        }
        assert_true(ndiff > 0);

        use_family(cs, m, x);
        csum_analyze(cs, x->data, x->size);
        csum_assert_verdict(cs, ECU_VERDICT_BAD, x->file);
        csum_check_layout(cs, x);
        assert_int_equal(ecu_csum_bad_count(cs), x->nbad);
        /* the expected correction: the bad image with the manifest's slot bytes */
        want = csum_dup(x->data, x->size);
        for (k = 0; k < x->nblocks; k++) {
            const ecu_block *b = ecu_csum_block_at(cs, k);
            assert_non_null(b);
            assert_int_equal(b->stored, x->b[k].stored);
            assert_int_equal(b->computed, x->b[k].correct);
            if (x->b[k].stored != x->b[k].correct) {
                bad |= BIT(k);
                nbad++;
            }
            memcpy(want + x->b[k].slot, x->b[k].fixed, x->b[k].bytes);
        }
        assert_int_equal(nbad, x->nbad);
        csum_check_bad_set(cs, x, bad, "stale checksums");
        out = csum_fix_checked(cs, x, bad, x->data, "stale checksums");
        assert_memory_equal(out, want, x->size);

        /* the changed data bytes put back from the good image: correcting gives the good
         * image byte for byte */
        for (k = 0; k < x->size; k++)
            if (x->data[k] != g->data[k])
                out[k] = g->data[k];
        csum_analyze(cs, out, x->size);
        assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_BAD);
        assert_int_equal(ecu_csum_bad_count(cs), x->nbad);
        assert_int_equal(ecu_csum_fix(cs), ECU_OK);
        csum_assert_image(cs, g->data, g->size, x->file);
        free(out);
        free(want);
    }
    ecu_csum_free(cs);
    return nvariants;
}

int csum_for_each_corpus_dump(int (*want)(void *ctx, char *const *col),
                              void (*fn)(void *ctx, char *const *col, const uint8_t *d, size_t n),
                              void *ctx)
{
    const char *env = getenv("ECU_CORPUS");
    char base[1024], path[2200], line[8192];
    ecu_image *img;
    FILE *f;
    snprintf(base, sizeof base, "%s", env && *env ? env : ECU_CORPUS_DIR);
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", base);
    if (!(f = fopen(path, "r"))) {
        print_message("corpus not found at %s: skipped\n", base);
        return 0;
    }
    img = ecu_image_new();
    assert_non_null(img);
    while (fgets(line, sizeof line, f)) {
        char *col[CSUM_CORPUS_COLS] = {0}, *p = line;
        size_t k;
        for (k = 0; k < CSUM_CORPUS_COLS && p; k++) {
            col[k] = p;
            if ((p = strchr(p, '\t')))
                *p++ = '\0';
        }
        if (!col[4] || strcmp(col[0], "file") == 0 || (want && !want(ctx, col)))
            continue;
        snprintf(path, sizeof path, "%s/%s", base, col[0]);
        if (ecu_image_load_file(img, path) != ECU_OK)
            fail_msg("%s: %s", col[0], ecu_image_error_detail(img));
        fn(ctx, col, ecu_image_data(img), ecu_image_size(img));
    }
    fclose(f);
    ecu_image_free(img);
    return 1;
}

struct claims {
    const char *const *families, *const *folders;
    size_t nfamilies, nfolders, claimed, checked;
    ecu_csum *cs;
};

/* One dump for csum_check_corpus_claims. */
static void check_claim(void *ctx, char *const *col, const uint8_t *d, size_t n)
{
    struct claims *c = ctx;
    const ecu_family_info *got;
    size_t k;
    int allowed = 0;
    csum_analyze(c->cs, d, n);
    c->checked++;
    if (!(got = ecu_csum_family(c->cs)) || !csum_is_one_of(got, c->families, c->nfamilies))
        return;
    c->claimed++;
    for (k = 0; k < c->nfolders; k++)
        allowed |= strcmp(col[4], c->folders[k]) == 0;
    if (!allowed)
        fail_msg("%s (%s): claimed by %s", col[0], col[4], got->name);
}

int csum_check_corpus_claims(const char *const *families, size_t nfamilies,
                             const char *const *folders, size_t nfolders)
{
    struct claims c = {families, folders, nfamilies, nfolders, 0, 0, ecu_csum_new()};
    int found;
    assert_non_null(c.cs);
    found = csum_for_each_corpus_dump(NULL, check_claim, &c);
    if (found)
        print_message("%zu dumps checked, %zu claimed by these families (in their folders only)\n",
                      c.checked, c.claimed);
    ecu_csum_free(c.cs);
    return found;
}
