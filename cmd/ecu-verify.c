/* SPDX-License-Identifier: MIT */
/*
 * ecu-verify: the workshop's gates. The read gate before upload (--read: the reads agree, the
 * family is known, the stock checksums verify, the identity is extracted), the pre-flash gate
 * (ORIGINAL MODIFIED: same ECU, same size, valid checksums, and with --readback the read-back
 * identical to what was flashed), one file alone (the CI use), and the audit record of each
 * run (--audit LOG, read back with --audit-check LOG).
 *
 * Every check is one entry of a list (name, status, detail), filled by one function; the
 * report, the JSON object and the audit line are written from that list alone. The checks
 * that take the two images of the pre-flash gate are functions of preflash_plugins[] (the
 * structure diff of ecu/diff.h: check_diff()).
 */
#define _POSIX_C_SOURCE 200809L
#include <ecu/ecu.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "contract.h"
#include "tool.h"

/* ---- checks ------------------------------------------------------------------------------- */

/* What a check says. The verdict is the worst of them: FAIL, then UNDECIDED, then OK; a
   skipped check (nothing to compare with) changes nothing, and says so. */
enum { ST_OK, ST_FAIL, ST_UNDECIDED, ST_SKIP };
static const char *const status_text[] = {"ok", "FAIL", "undecided", "skip"};
static const char *const status_json[] = {"ok", "fail", "undecided", "skip"};
/* The record's status (the verdict), as JSON and export give it: ecu-verify's vocabulary. */
static const char *const verdict_word[] = {"pass", "fail", "undecided", "skip"};

/* One changed region, for the listing a check may carry (the structure diff's). */
struct region {
    uint64_t start, length, differing;
    const char *cls;  /* its class: "checksum", "ident", "calibration"... */
    char what[96];    /* the block, field or map it lies in, "" when none */
};

#define DETAIL_MAX 1536
struct check {
    const char *name;
    int status;
    char detail[DETAIL_MAX];
    struct region *regions; /* a listing, or NULL */
    size_t nregions;
};

#define MAX_CHECKS 12

/* One input file and its fingerprint. */
struct input {
    const char *role; /* "file", "read", "original", "modified", "readback" */
    const char *name;
    ecu_image *img;
    const uint8_t *data;
    size_t size;
    char fp[33];
};

struct run {
    const char *mode; /* "file", "read", "pre-flash" */
    struct input *in;
    size_t nin;
    int majority;     /* read gate: the checks ran on the majority image of 3+ reads */
    size_t maj_size;
    char maj_fp[33];
    const char *family; /* the family the checks found, or NULL */
    ecu_id *id;         /* the identity reported (ORIGINAL's in the pre-flash gate) */
    struct check ck[MAX_CHECKS];
    size_t nck;
    FILE *err;       /* where the messages go */
    int verbose;     /* -v: every check's detail (each bad block) */
    char error[600]; /* the trouble that stopped the run ("FILE: why"), "" when none */
};

struct opts {
    int read_gate, quiet, allow_code, verbose;
    enum tool_format fmt;
    uint64_t gap; /* the diff's gap (ECU_DIFF_DEFAULT_GAP unless --gap) */
    const char *readback, *audit, *audit_check;
    const char *technician, *vehicle, *vin;
    uint64_t max_span;
};

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: %s [options] FILE\n"
            "       %s [options] -r FOLDER... | --files-from LIST\n"
            "       %s --read [options] READ1 READ2 [READ3...]\n"
            "       %s [options] ORIGINAL MODIFIED [--readback READ]\n"
            "       %s --audit-check LOG\n"
            "\n"
            "The workshop's gates. FILE alone: family, size, checksums and identity. --read:\n"
            "the read gate before upload (the reads agree, or a majority of three or more\n"
            "does; family known; stock checksums verify; identity extracted). ORIGINAL\n"
            "MODIFIED: the pre-flash gate (same ECU, same size, MODIFIED's checksums valid;\n"
            "with --readback, READ identical to MODIFIED). Raw binary, Intel HEX and\n"
            "S-record files are read, each optionally gzip'ed; '-' is standard input.\n"
            "\n"
            "Options:\n"
            "      --read            the read gate: two or more reads of the stock ECU\n"
            "      --readback READ   the pre-flash gate: READ, read back after flashing, must be\n"
            "                        identical to MODIFIED\n"
            "      --allow-code      the pre-flash gate: a change in a code area is not a failure\n"
            "      --gap N           the diff: changes at most N equal bytes apart share a\n"
            "                        region (default 16)\n"
            "      --audit LOG       append the run's record to LOG, one JSON line\n"
            "      --technician NAME who ran it (default: $USER)\n"
            "      --vehicle TEXT    the vehicle (registration, model...)\n"
            "      --vin VIN         its VIN, 17 characters with a valid ISO 3779 check digit\n"
            "      --audit-check LOG read LOG back and report malformed lines\n"
            "  -r, --recursive       FILE mode over the files of the folders named (bytewise\n"
            "                        order, depth first), each file checked alone\n"
            "      --files-from LIST FILE mode over the files named in LIST ('-': standard\n"
            "                        input), one a line, each checked alone\n"
            "  -0, --null            the names in LIST end with a NUL byte (find -print0)\n"
            "  -j, --jobs N          check N files at a time (default: one per processor;\n"
            "                        --audit: one); the reports keep the input order\n"
            "      --junit FILE      also write a JUnit XML report to FILE\n"
            "  -v, --verbose         every check's detail (each bad checksum block)\n"
            "      --format FORMAT   text (default), json (one JSON object with every check)\n"
            "                        or export (KEY=value lines for the shell)\n"
            "      --json            the same as --format json\n"
            "      --max-span N      refuse images spanning more than N bytes (default 64M)\n"
            "  -q, --quiet, --silent print nothing; the exit status tells\n"
            "  -h, --help            show this help and exit\n"
            "  -V, --version         show the version and exit\n"
            "\n"
            "Exit status: 0 every check passes, 1 a check fails, 2 trouble, 3 cannot decide\n"
            "(unknown family, no checksum layout, not enough identity). --audit-check: 0 every\n"
            "line well-formed, 1 malformed lines, 2 trouble. See ecu-verify(1).\n",
            tool_name(), tool_name(), tool_name(), tool_name(), tool_name());
}

__attribute__((format(printf, 4, 5)))
static struct check *add_check(struct run *r, const char *name, int status, const char *fmt, ...)
{
    struct check *c = &r->ck[r->nck++];
    va_list ap;
    c->name = name;
    c->status = status;
    va_start(ap, fmt);
    vsnprintf(c->detail, sizeof c->detail, fmt, ap);
    va_end(ap);
    return c;
}

/* Appends to a check's detail (cut at DETAIL_MAX). */
__attribute__((format(printf, 2, 3)))
static void detail_add(struct check *c, const char *fmt, ...)
{
    size_t n = strlen(c->detail);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->detail + n, sizeof c->detail - n, fmt, ap);
    va_end(ap);
}

static int verdict_of(const struct run *r)
{
    size_t i;
    int v = ST_OK;
    for (i = 0; i < r->nck; i++) {
        if (r->ck[i].status == ST_FAIL)
            return ST_FAIL;
        if (r->ck[i].status == ST_UNDECIDED)
            v = ST_UNDECIDED;
    }
    return v;
}

static int exit_for(int verdict)
{
    return verdict == ST_OK ? EXIT_YES : verdict == ST_FAIL ? EXIT_NO : EXIT_UNKNOWN;
}

static const char *plural(uint64_t n) { return n == 1 ? "" : "s"; }

/* ---- plug-ins ----------------------------------------------------------------------------- */

/* The size the family expects of its images (the flash extent of its layout,
   ecu_csum_expected_size()), or 0 when it is not known. */
static uint64_t expected_size(const ecu_csum *cs)
{
    return ecu_csum_expected_size(cs);
}

/*
 * A check of the pre-flash gate that takes the two images (and ORIGINAL's checksum analysis
 * @p cso and identification @p ido, made by the gate): it fills @p c (its name, status,
 * detail and listing of changed regions, c->regions malloc'ed and freed by run_free()) and
 * returns 0, or -1 on trouble after saying why. The gate runs every function of
 * preflash_plugins[] after its own checks.
 */
typedef int (*pair_check_fn)(const struct input *orig, const struct input *mod,
                             const struct opts *o, const ecu_csum *cso, const ecu_id *ido,
                             struct check *c);

/*
 * The structure diff (ecu/diff.h): every changed region of MODIFIED against ORIGINAL with what
 * it lies in. FAIL when a region changes an identification field, or code without
 * --allow-code; a listing of every region either way.
 */
static int check_diff(const struct input *orig, const struct input *mod, const struct opts *o,
                      const ecu_csum *cso, const ecu_id *ido, struct check *c)
{
    ecu_diff *df = ecu_diff_new();
    size_t i, n, k;
    uint64_t bytes;
    int rc;
    c->name = "diff";
    if (!df) {
        tool_error(NULL, "out of memory");
        return -1;
    }
    /* ORIGINAL's analyses are the gate's: the diff need not make them again */
    if ((rc = ecu_diff_set_gap(df, o->gap)) != ECU_OK ||
        (rc = ecu_diff_use_analyses(df, cso, ido)) != ECU_OK ||
        (rc = ecu_diff_run(df, orig->data, orig->size, mod->data, mod->size)) != ECU_OK) {
        tool_error(mod->name, "%s", ecu_strerror(rc));
        ecu_diff_free(df);
        return -1;
    }
    n = ecu_diff_region_count(df);
    if (n && !(c->regions = calloc(n, sizeof *c->regions))) {
        tool_error(NULL, "out of memory");
        ecu_diff_free(df);
        return -1;
    }
    c->nregions = n;
    for (i = 0; i < n; i++) {
        const ecu_diff_region *g = ecu_diff_region_at(df, i);
        struct region *out = &c->regions[i];
        out->start = g->start;
        out->length = g->length;
        out->differing = g->differing;
        out->cls = ecu_region_class_name(g->cls);
        if (g->has_map)
            snprintf(out->what, sizeof out->what, "%s%smap at 0x%" PRIX64 " (%ux%u)", g->what,
                     g->what[0] ? ", " : "", g->map.start, g->map.cols, g->map.rows);
        else
            snprintf(out->what, sizeof out->what, "%s", g->what);
    }
    if (!n) {
        c->status = ST_OK;
        snprintf(c->detail, sizeof c->detail, "no byte changed");
    } else {
        size_t ident = ecu_diff_class_count(df, ECU_REGION_IDENT, NULL);
        size_t code = ecu_diff_class_count(df, ECU_REGION_CODE, NULL);
        c->status = ident || (code && !o->allow_code) ? ST_FAIL : ST_OK;
        snprintf(c->detail, sizeof c->detail, "%zu changed region%s:", n, n == 1 ? "" : "s");
        for (k = 0; k < ECU_REGION_CLASS_COUNT; k++) {
            size_t m = ecu_diff_class_count(df, (ecu_region_class)k, &bytes);
            if (m)
                detail_add(c, " %s %zu (%" PRIu64 " byte%s)", ecu_region_class_name((ecu_region_class)k),
                           m, bytes, plural(bytes));
        }
        if (ident)
            detail_add(c, "; an identification field changed");
        if (code && !o->allow_code)
            detail_add(c, "; code changed (--allow-code accepts it)");
    }
    ecu_diff_free(df);
    return 0;
}

static const pair_check_fn preflash_plugins[] = {check_diff};

/* ---- the checks --------------------------------------------------------------------------- */

/* Analyses @p data with @p cs; 0, or -1 after saying why (on r->err, and in r->error). */
static int csum_analyze(struct run *r, ecu_csum *cs, const char *file, const uint8_t *data, size_t size)
{
    int rc = ecu_csum_analyze(cs, data, size);
    if (rc != ECU_OK) {
        tool_error_to(r->err, file, "%s", ecu_strerror(rc));
        snprintf(r->error, sizeof r->error, "%s: %s", file, ecu_strerror(rc));
        return -1;
    }
    return 0;
}

static int id_analyze(struct run *r, ecu_id *id, const char *file, const uint8_t *data, size_t size)
{
    int rc = ecu_id_analyze(id, data, size);
    if (rc != ECU_OK) {
        tool_error_to(r->err, file, "%s", ecu_strerror(rc));
        snprintf(r->error, sizeof r->error, "%s: %s", file, ecu_strerror(rc));
        return -1;
    }
    return 0;
}

/* The families an ambiguous detection tied between, into @p c's detail. */
static void add_candidates(struct check *c, const ecu_csum *cs)
{
    size_t i;
    for (i = 0; i < ecu_csum_candidate_count(cs); i++)
        detail_add(c, "%s%s", i ? ", " : "", ecu_csum_candidate_at(cs, i, NULL)->name);
}

/* The family check of one image: ok when a family recognises it, undecided otherwise. */
static void check_family(struct run *r, const ecu_csum *cs)
{
    const ecu_family_info *f = ecu_csum_family(cs);
    struct check *c;
    if (f) {
        add_check(r, "family", ST_OK, "%s", f->name);
        r->family = f->name;
    } else if (ecu_csum_verdict(cs) == ECU_VERDICT_AMBIGUOUS) {
        c = add_check(r, "family", ST_UNDECIDED, "ambiguous: ");
        add_candidates(c, cs);
    } else {
        add_check(r, "family", ST_UNDECIDED, "no family recognises the image");
    }
}

/* "2 checksum blocks verify", "1 of 2 checksum blocks bad"... of one analysis, in @p buf;
   the status it means in @p status. */
static void csum_summary(const ecu_csum *cs, char *buf, size_t bufsz, int *status)
{
    size_t nb = ecu_csum_block_count(cs), bad = ecu_csum_bad_count(cs);
    const ecu_family_info *f = ecu_csum_family(cs);
    switch (ecu_csum_verdict(cs)) {
    case ECU_VERDICT_OK:
    case ECU_VERDICT_FIXED:
        snprintf(buf, bufsz, "%zu checksum block%s verif%s", nb, plural(nb), nb == 1 ? "ies" : "y");
        *status = ST_OK;
        break;
    case ECU_VERDICT_BAD:
        snprintf(buf, bufsz, "%zu of %zu checksum block%s bad", bad, nb, plural(nb));
        *status = ST_FAIL;
        break;
    case ECU_VERDICT_NO_LAYOUT:
        snprintf(buf, bufsz, "no known checksum layout for %s", f ? f->name : "the family");
        *status = ST_UNDECIDED;
        break;
    default:
        snprintf(buf, bufsz, "not checked: the family is unknown");
        *status = ST_UNDECIDED;
        break;
    }
}

/* -v: each bad block of an analysis, its values and where it is stored, into @p c's detail. */
static void add_bad_blocks(struct check *c, const ecu_csum *cs)
{
    size_t i, k = 0;
    for (i = 0; i < ecu_csum_block_count(cs); i++) {
        const ecu_block *b = ecu_csum_block_at(cs, i);
        if (b->status != ECU_BLOCK_BAD && b->status != ECU_BLOCK_SIGNATURE_BAD)
            continue;
        detail_add(c, "%s%s (%s, stored 0x%" PRIX64 " at 0x%" PRIX64 ", computed 0x%" PRIX64 ")",
                   k++ ? "; " : "; bad: ", b->name, b->algorithm, b->stored, b->store_offset,
                   b->computed);
    }
}

/* The checksum check of one image (a file, or the stock read of the read gate). */
static void check_checksums(struct run *r, const ecu_csum *cs, int stock_read)
{
    char text[256];
    int st;
    struct check *c;
    csum_summary(cs, text, sizeof text, &st);
    c = add_check(r, "checksums", st, "%s", text);
    if (st == ST_FAIL && stock_read)
        detail_add(c, ": a stock read with a bad checksum is a bad read; read the ECU again");
    if (r->verbose)
        add_bad_blocks(c, cs);
}

/* The size check of one image: against the family's expected size when it is known. */
static void check_size_one(struct run *r, const ecu_csum *cs, size_t size)
{
    uint64_t want = expected_size(cs);
    const ecu_family_info *f = ecu_csum_family(cs);
    if (!want || !f)
        add_check(r, "size", ST_SKIP, "%zu bytes (no expected size known for %s)", size,
                  f ? f->name : "an unknown family");
    else if (want == size)
        add_check(r, "size", ST_OK, "%zu bytes, as %s expects", size, f->name);
    else if (size < want)
        add_check(r, "size", ST_FAIL, "%zu bytes, %s expects %" PRIu64 ": %" PRIu64
                  " bytes short (a truncated image)", size, f->name, want, want - size);
    else
        add_check(r, "size", ST_FAIL, "%zu bytes, %s expects %" PRIu64 ": %" PRIu64
                  " bytes too many (an overlong image)", size, f->name, want, size - want);
}

/* The identity of one image: enough of it for the "same ECU" rule of ecu-id --match. */
static void check_identity_one(struct run *r, const ecu_id *id)
{
    const char *keys[ECU_ID_MAX_KEYS];
    size_t nk = 0, i;
    struct check *c;
    if (ecu_id_compare(id, id, keys, &nk) != ECU_ID_SAME) {
        add_check(r, "identity", ST_UNDECIDED,
                  "not enough identity (hardware and software number, part number and software "
                  "version or number, or calibration ID)");
        return;
    }
    c = add_check(r, "identity", ST_OK, "%s", "");
    for (i = 0; i < nk; i++)
        detail_add(c, "%s%s %s", i ? ", " : "", keys[i], ecu_id_get(id, keys[i])->value);
}

static const char *ref_name(const struct input *in, unsigned ref)
{
    return ref == ECU_CMP_MAJORITY ? "the majority" : in[ref].name;
}

/* Appends a comparison's diagnoses ("; diagnosis: FILE: text (against REF)") to @p c. */
static void add_diagnoses(struct check *c, const ecu_cmp *cmp, const struct input *in)
{
    size_t i;
    for (i = 0; i < ecu_cmp_diag_count(cmp); i++) {
        const ecu_cmp_diag *d = ecu_cmp_diag_at(cmp, i);
        char text[256];
        ecu_cmp_diag_describe(d, text, sizeof text);
        detail_add(c, "; diagnosis: %s: %s (against %s)", in[d->read].name, text,
                   ref_name(in, d->ref));
    }
}

/* Whether HEX/S-record inputs start at different addresses (raw ones carry none). */
static int bases_differ(const struct input *in, size_t n)
{
    size_t i, first = n;
    for (i = 0; i < n; i++) {
        if (ecu_image_format(in[i].img) == ECU_FORMAT_RAW)
            continue;
        if (first == n)
            first = i;
        else if (ecu_image_base(in[i].img) != ecu_image_base(in[first].img))
            return 1;
    }
    return 0;
}

/* "differ: D of C bytes in R ranges, first at 0x..; sizes a, b" of a comparison. */
static void describe_difference(struct check *c, const ecu_cmp *cmp, const struct input *in,
                                size_t n)
{
    const ecu_cmp_range *g = ecu_cmp_range_at(cmp, 0);
    size_t nr = ecu_cmp_range_count(cmp), i;
    if (g)
        detail_add(c, "%" PRIu64 " of %" PRIu64 " bytes in %zu range%s, first at 0x%" PRIX64,
                   ecu_cmp_differing(cmp), ecu_cmp_compared(cmp), nr, plural(nr), g->start);
    else
        detail_add(c, "the %" PRIu64 " compared bytes agree", ecu_cmp_compared(cmp));
    for (i = 1; i < n && in[i].size == in[0].size; i++)
        ;
    if (i < n) {
        detail_add(c, "; sizes");
        for (i = 0; i < n; i++)
            detail_add(c, "%s%zu", i ? ", " : " ", in[i].size);
    }
    if (bases_differ(in, n))
        detail_add(c, "; the base addresses differ");
}

/* Runs a comparison of @p n inputs (with diagnoses); NULL after saying why. */
static ecu_cmp *compare(const struct input *in, size_t n)
{
    const uint8_t *data[ECU_CMP_MAX_READS];
    size_t size[ECU_CMP_MAX_READS], i;
    ecu_cmp *cmp = ecu_cmp_new();
    int rc;
    if (!cmp) {
        tool_error(NULL, "out of memory");
        return NULL;
    }
    for (i = 0; i < n; i++) {
        data[i] = in[i].data;
        size[i] = in[i].size;
    }
    if ((rc = ecu_cmp_run(cmp, n, data, size)) != ECU_OK) {
        tool_error(NULL, "comparison failed: %s", ecu_strerror(rc));
        ecu_cmp_free(cmp);
        return NULL;
    }
    return cmp;
}

/* The read gate's first check: the reads agree, or a strict majority of 3+ does. Points
   @p data and @p size at the image the other checks run on. 0, or -1 on trouble. */
static int check_reads(struct run *r, const uint8_t **data, size_t *size)
{
    ecu_cmp *cmp = compare(r->in, r->nin);
    struct check *c;
    size_t i;
    if (!cmp)
        return -1;
    *data = r->in[0].data;
    *size = r->in[0].size;
    if (ecu_cmp_identical(cmp) && !bases_differ(r->in, r->nin)) {
        add_check(r, "reads", ST_OK, "identical: %zu reads of %zu bytes", r->nin, r->in[0].size);
    } else {
        const uint8_t *cons = NULL;
        uint8_t *copy;
        size_t cons_size = 0;
        if (r->nin > 2 && !bases_differ(r->in, r->nin))
            cons = ecu_cmp_consensus(cmp, &cons_size, NULL);
        if (cons) {
            /* a strict majority at every byte: the majority image is the read */
            c = add_check(r, "reads", ST_OK, "majority image of %zu reads, %zu bytes", r->nin,
                          cons_size);
            for (i = 0; i < r->nin; i++)
                if (ecu_cmp_read_differing(cmp, i))
                    detail_add(c, "; %s: %" PRIu64 " byte%s from the majority", r->in[i].name,
                               ecu_cmp_read_differing(cmp, i),
                               ecu_cmp_read_differing(cmp, i) == 1 ? " differs" : "s differ");
            /* the handle owns the image: keep a copy for the other checks */
            r->majority = 1;
            r->maj_size = cons_size;
            ecu_fingerprint_hex(cons, cons_size, r->maj_fp);
            if (!(copy = malloc(cons_size ? cons_size : 1))) {
                tool_error(NULL, "out of memory");
                ecu_cmp_free(cmp);
                return -1;
            }
            memcpy(copy, cons, cons_size);
            *data = copy;
            *size = cons_size;
        } else {
            c = add_check(r, "reads", ST_FAIL, "differ: ");
            describe_difference(c, cmp, r->in, r->nin);
            if (r->nin > 2 && ecu_cmp_unresolved(cmp))
                detail_add(c, "; no majority at %" PRIu64 " byte%s", ecu_cmp_unresolved(cmp),
                           plural(ecu_cmp_unresolved(cmp)));
            add_diagnoses(c, cmp, r->in);
            detail_add(c, "; the other checks ran on %s", r->in[0].name);
        }
    }
    ecu_cmp_free(cmp);
    return 0;
}

/* FILE alone, or the agreed image of the read gate: family, size, checksums, identity. */
static int check_one_image(struct run *r, const char *file, const uint8_t *data, size_t size,
                           int stock_read)
{
    ecu_csum *cs = ecu_csum_new();
    int rc = -1;
    if (!cs || !(r->id = ecu_id_new())) {
        tool_error_to(r->err, NULL, "out of memory");
        goto out;
    }
    if (csum_analyze(r, cs, file, data, size) || id_analyze(r, r->id, file, data, size))
        goto out;
    check_family(r, cs);
    check_size_one(r, cs, size);
    check_checksums(r, cs, stock_read);
    check_identity_one(r, r->id);
    rc = 0;
out:
    ecu_csum_free(cs);
    return rc;
}

/* The pre-flash gate: ORIGINAL (in[0]) against MODIFIED (in[1]), READ (in[2]) when given. */
static int check_preflash(struct run *r, const struct opts *o)
{
    const struct input *orig = &r->in[0], *mod = &r->in[1];
    ecu_csum *cso = ecu_csum_new(), *csm = ecu_csum_new();
    ecu_id *idm = ecu_id_new();
    const ecu_family_info *fo, *fm;
    const char *keys[ECU_ID_MAX_KEYS];
    size_t nk = 0, i;
    char text[256], otext[256];
    int rc = -1, st, ost;
    ecu_id_match m;
    struct check *c;

    if (!cso || !csm || !idm || !(r->id = ecu_id_new())) {
        tool_error(NULL, "out of memory");
        goto out;
    }
    if (csum_analyze(r, cso, orig->name, orig->data, orig->size) ||
        id_analyze(r, r->id, orig->name, orig->data, orig->size) ||
        id_analyze(r, idm, mod->name, mod->data, mod->size))
        goto out;
    /* MODIFIED's checksums with ORIGINAL's layout when ORIGINAL verifies: layouts found from
       the data (ecu_csum_set_reference) are then those of the stock software */
    fo = ecu_csum_family(cso);
    if (ecu_csum_verdict(cso) == ECU_VERDICT_OK && mod->size == orig->size &&
        ecu_csum_set_reference(csm, orig->data, orig->size) != ECU_OK) {
        tool_error(NULL, "out of memory");
        goto out;
    }
    if (csum_analyze(r, csm, mod->name, mod->data, mod->size))
        goto out;
    fm = ecu_csum_family(csm);

    /* family: ORIGINAL's is known, and MODIFIED is recognised as the same */
    if (!fo) {
        check_family(r, cso);
        detail_add(&r->ck[r->nck - 1], " (ORIGINAL)");
    } else if (!fm || strcmp(fm->name, fo->name) != 0) {
        add_check(r, "family", ST_FAIL, "ORIGINAL is %s, MODIFIED %s", fo->name,
                  fm ? fm->name : "is not recognised as any family");
        r->family = fo->name;
    } else {
        add_check(r, "family", ST_OK, "%s", fo->name);
        r->family = fo->name;
    }

    /* identity: the rule of ecu-id --match */
    m = ecu_id_compare(r->id, idm, keys, &nk);
    if (m == ECU_ID_SAME) {
        c = add_check(r, "identity", ST_OK, "same ECU: ");
        for (i = 0; i < nk; i++)
            detail_add(c, "%s%s %s", i ? ", " : "", keys[i], ecu_id_get(r->id, keys[i])->value);
    } else if (m == ECU_ID_DIFFERENT) {
        c = add_check(r, "identity", ST_FAIL, "different ECU: ");
        for (i = 0; i < nk; i++) {
            const ecu_id_field *a = ecu_id_get(r->id, keys[i]), *b = ecu_id_get(idm, keys[i]);
            detail_add(c, "%s%s %s / %s", i ? ", " : "", keys[i], a ? a->value : "",
                       b ? b->value : "");
        }
    } else {
        add_check(r, "identity", ST_UNDECIDED,
                  "undecided: not enough identity in both files (hardware and software number, "
                  "part number and software version or number, or calibration ID)");
    }

    /* size: the two files agree (and the family's expected size, when known) */
    if (mod->size == orig->size) {
        uint64_t want = fo ? expected_size(cso) : 0;
        if (want && want != mod->size)
            add_check(r, "size", ST_FAIL, "both %zu bytes, but %s expects %" PRIu64, mod->size,
                      fo->name, want);
        else
            add_check(r, "size", ST_OK, "both %zu bytes", mod->size);
    } else if (mod->size < orig->size) {
        add_check(r, "size", ST_FAIL, "MODIFIED has %zu bytes, ORIGINAL %zu: %zu bytes short "
                  "(a truncated image)", mod->size, orig->size, orig->size - mod->size);
    } else {
        add_check(r, "size", ST_FAIL, "MODIFIED has %zu bytes, ORIGINAL %zu: %zu bytes too many "
                  "(an overlong image)", mod->size, orig->size, mod->size - orig->size);
    }

    /* checksums: MODIFIED's decide, ORIGINAL's are reported; MODIFIED checked with ORIGINAL's
       family when its own detection fails or differs */
    if (fo && (!fm || strcmp(fm->name, fo->name) != 0)) {
        if (ecu_csum_set_family(csm, fo->name) != ECU_OK)
            goto out;
        if (csum_analyze(r, csm, mod->name, mod->data, mod->size))
            goto out;
    }
    csum_summary(csm, text, sizeof text, &st);
    csum_summary(cso, otext, sizeof otext, &ost);
    c = add_check(r, "checksums", st, "MODIFIED: %s", text);
    if (st == ST_FAIL)
        detail_add(c, " (correct them with ecu-csum --fix)");
    if (r->verbose)
        add_bad_blocks(c, csm);
    detail_add(c, "; ORIGINAL: %s", otext);

    /* what the library adds (the structure diff) */
    for (i = 0; i < sizeof preflash_plugins / sizeof *preflash_plugins; i++) {
        if (!preflash_plugins[i])
            continue;
        c = &r->ck[r->nck++];
        memset(c, 0, sizeof *c);
        if (preflash_plugins[i](orig, mod, o, cso, r->id, c))
            goto out;
    }

    /* read-back: identical to MODIFIED */
    if (r->nin > 2) {
        struct input pair[2];
        ecu_cmp *cmp;
        pair[0] = *mod;
        pair[1] = r->in[2];
        if (!(cmp = compare(pair, 2)))
            goto out;
        if (ecu_cmp_identical(cmp) && !bases_differ(pair, 2)) {
            add_check(r, "readback", ST_OK, "identical to MODIFIED (%zu bytes)", mod->size);
        } else {
            c = add_check(r, "readback", ST_FAIL, "differs from MODIFIED: ");
            describe_difference(c, cmp, pair, 2);
            add_diagnoses(c, cmp, pair);
        }
        ecu_cmp_free(cmp);
    }
    rc = 0;
out:
    ecu_csum_free(cso);
    ecu_csum_free(csm);
    ecu_id_free(idm);
    return rc;
}

/* ---- output ------------------------------------------------------------------------------- */

static void print_text(FILE *f, const struct run *r)
{
    size_t i;
    int v = verdict_of(r);
    for (i = 0; i < r->nin; i++) {
        if (tool_name_escaped(r->in[i].name))
            fputc('\\', f);
        fprintf(f, "%s  ", r->in[i].fp);
        tool_put_name(f, r->in[i].name);
        fputc('\n', f);
    }
    if (r->majority)
        fprintf(f, "%s  (the majority image)\n", r->maj_fp);
    for (i = 0; i < r->nck; i++) {
        const struct check *c = &r->ck[i];
        size_t k;
        if (tool_name_escaped(c->detail)) /* a file name in it holds a newline or a backslash */
            fputc('\\', f);
        fprintf(f, "%-9s %-9s ", status_text[c->status], c->name);
        tool_put_name(f, c->detail);
        fputc('\n', f);
        for (k = 0; k < c->nregions; k++) {
            const struct region *g = &c->regions[k];
            fprintf(f, "          0x%" PRIX64 " %" PRIu64 " %" PRIu64 " %s%s%s\n", g->start,
                    g->length, g->differing, g->cls, g->what[0] ? " " : "", g->what);
        }
    }
    fprintf(f, "verdict: %s\n", status_text[v]);
}

/* The run as one JSON object (no line end); with @p audit, the audit line's own fields first. */
static void print_json(FILE *f, const struct run *r, const struct opts *o, const char *time_utc)
{
    int v = verdict_of(r);
    size_t i, n = r->id ? ecu_id_field_count(r->id) : 0;
    int first = 1;
    fputc('{', f);
    if (time_utc) {
        const char *tech = o->technician;
        fprintf(f, "\"time\":\"%s\",\"tool\":", time_utc);
        json_string(f, "ecu-verify " ECU_VERSION_STRING);
        fprintf(f, ",\"technician\":");
        if (tech && *tech)
            json_string(f, tech);
        else
            fputs("null", f);
        fputc(',', f);
    }
    if (o->vehicle) {
        fprintf(f, "\"vehicle\":");
        json_string(f, o->vehicle);
        fputc(',', f);
    }
    if (o->vin) {
        fprintf(f, "\"vin\":");
        json_string(f, o->vin);
        fputc(',', f);
    }
    fprintf(f, "\"mode\":\"%s\",", r->mode);
    if (strcmp(r->mode, "file") == 0) { /* a record about one file: its name under "file" */
        fprintf(f, "\"file\":");
        json_string(f, r->in[0].name);
        fputc(',', f);
    }
    fprintf(f, "\"status\":\"%s\",\"exit\":%d,\"family\":", verdict_word[v], exit_for(v));
    if (r->family)
        json_string(f, r->family);
    else
        fputs("null", f);
    /* the identity: the best value of each key (the keys of ecu-id) */
    fprintf(f, ",\"identity\":{");
    for (i = 0; i < n; i++) {
        const ecu_id_field *fl = ecu_id_field_at(r->id, i);
        if (i && strcmp(ecu_id_field_at(r->id, i - 1)->key, fl->key) == 0)
            continue;
        if (!first)
            fputc(',', f);
        first = 0;
        json_string(f, fl->key);
        fputc(':', f);
        json_string(f, fl->value);
    }
    fprintf(f, "},\"files\":[");
    for (i = 0; i < r->nin; i++) {
        fprintf(f, "%s{\"role\":\"%s\",\"file\":", i ? "," : "", r->in[i].role);
        json_string(f, r->in[i].name);
        fprintf(f, ",\"size\":%zu,\"xxh3_128\":\"0x%s\"}", r->in[i].size, r->in[i].fp);
    }
    if (r->majority)
        fprintf(f, ",{\"role\":\"majority\",\"file\":null,\"size\":%zu,\"xxh3_128\":\"0x%s\"}",
                r->maj_size, r->maj_fp);
    fprintf(f, "],\"checks\":[");
    for (i = 0; i < r->nck; i++) {
        const struct check *c = &r->ck[i];
        size_t k;
        fprintf(f, "%s{\"name\":\"%s\",\"status\":\"%s\",\"detail\":", i ? "," : "", c->name,
                status_json[c->status]);
        json_string(f, c->detail);
        if (c->regions) {
            fprintf(f, ",\"regions\":[");
            for (k = 0; k < c->nregions; k++) {
                const struct region *g = &c->regions[k];
                fprintf(f, "%s{\"start\":%" PRIu64 ",\"length\":%" PRIu64 ",\"differing\":%" PRIu64
                        ",\"class\":", k ? "," : "", g->start, g->length, g->differing);
                json_string(f, g->cls);
                fprintf(f, ",\"what\":");
                json_string(f, g->what);
                fputc('}', f);
            }
            fputc(']', f);
        }
        fputc('}', f);
    }
    fprintf(f, "]}");
}

/* The run as KEY=value lines, and an empty line. */
static void print_export(FILE *f, const struct run *r)
{
    size_t i, n = r->id ? ecu_id_field_count(r->id) : 0;
    int v = verdict_of(r);
    char key[64], val[64];
    export_str(f, "MODE", r->mode);
    if (strcmp(r->mode, "file") == 0)
        export_str(f, "FILE", r->in[0].name);
    else
        for (i = 0; i < r->nin; i++) {
            snprintf(key, sizeof key, "FILE%zu", i + 1);
            export_str(f, key, r->in[i].name);
            snprintf(key, sizeof key, "ROLE%zu", i + 1);
            export_str(f, key, r->in[i].role);
        }
    export_str(f, "STATUS", verdict_word[v]);
    export_u64(f, "EXIT", (uint64_t)exit_for(v));
    if (r->family)
        export_str(f, "FAMILY", r->family);
    for (i = 0; i < r->nin; i++) {
        snprintf(key, sizeof key, "XXH3_128_%zu", i + 1);
        snprintf(val, sizeof val, "0x%s", r->in[i].fp);
        export_str(f, key, val);
    }
    for (i = 0; i < n; i++) { /* the identity: the best value of each key */
        const ecu_id_field *fl = ecu_id_field_at(r->id, i);
        if (i && strcmp(ecu_id_field_at(r->id, i - 1)->key, fl->key) == 0)
            continue;
        export_field(f, "ID_", fl->key, fl->value);
    }
    for (i = 0; i < r->nck; i++) {
        export_field(f, "CHECK_", r->ck[i].name, status_json[r->ck[i].status]);
        export_field(f, "DETAIL_", r->ck[i].name, r->ck[i].detail);
    }
    fputc('\n', f);
}

/* The error of the record: in FILE mode without the file's name (the record names it), else
   "FILE: why". */
static const char *file_error(const struct run *r)
{
    size_t len = strlen(r->in[0].name);
    if (strcmp(r->mode, "file") == 0 && strncmp(r->error, r->in[0].name, len) == 0 &&
        r->error[len] == ':' && r->error[len + 1] == ' ')
        return r->error + len + 2;
    return r->error;
}

/* The record of a run stopped by trouble (an input not read or analysed): r->error names the
   file. Text: the message on standard error says it. */
static void print_error(FILE *f, const struct run *r, const struct opts *o)
{
    size_t i;
    char key[32];
    if (o->quiet || o->fmt == TOOL_TEXT)
        return;
    if (o->fmt == TOOL_JSON) {
        fprintf(f, "{\"mode\":\"%s\",", r->mode);
        if (strcmp(r->mode, "file") == 0) {
            fprintf(f, "\"file\":");
            json_string(f, r->in[0].name);
            fputc(',', f);
        }
        fprintf(f, "\"files\":[");
        for (i = 0; i < r->nin; i++) {
            fprintf(f, "%s{\"role\":\"%s\",\"file\":", i ? "," : "", r->in[i].role);
            json_string(f, r->in[i].name);
            fputc('}', f);
        }
        fprintf(f, "],\"status\":\"error\",\"exit\":2,\"error\":");
        json_string(f, file_error(r));
        fprintf(f, "}\n");
    } else {
        export_str(f, "MODE", r->mode);
        if (strcmp(r->mode, "file") == 0)
            export_str(f, "FILE", r->in[0].name);
        else
            for (i = 0; i < r->nin; i++) {
                snprintf(key, sizeof key, "FILE%zu", i + 1);
                export_str(f, key, r->in[i].name);
            }
        export_str(f, "STATUS", "error");
        export_u64(f, "EXIT", EXIT_TROUBLE);
        export_str(f, "ERROR", file_error(r));
        fputc('\n', f);
    }
}

/* ---- the audit log ------------------------------------------------------------------------ */

/*
 * Appends @p line (@p n bytes, ending in a line end) to @p path with one write() on an
 * O_APPEND descriptor, then fsync()s it: concurrent runs never interleave within a line, and
 * earlier lines are never rewritten. Under a POSIX write lock (where the file system offers
 * one), a last line left without its line end (a run killed mid-write, or a full disk) gets
 * one first, so that the new record stands on a line of its own. 0, or -1 after saying why.
 */
static int audit_append(FILE *err, const char *path, const char *line, size_t n)
{
    struct stat st;
    struct flock lk;
    int fd, readable = 1, created;
    ssize_t w;
    char last = '\n';
    char *buf = NULL;
    const char *out = line;
    size_t len = n;
    created = stat(path, &st) != 0;
    fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0 && errno == EACCES) { /* a log we may append to but not read */
        readable = 0;
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
    }
    if (fd < 0) {
        tool_error_to(err, path, "cannot open the audit log: %s", strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        tool_error_to(err, path, "the audit log is not a regular file");
        close(fd);
        return -1;
    }
    memset(&lk, 0, sizeof lk);
    lk.l_type = F_WRLCK;
    lk.l_whence = SEEK_SET;
    while (fcntl(fd, F_SETLKW, &lk) != 0 && errno == EINTR)
        ; /* without a lock (ENOLCK...), the one write still keeps lines whole */
    if (readable && fstat(fd, &st) == 0 && st.st_size > 0 &&
        pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n') {
        if (!(buf = malloc(n + 1))) {
            tool_error_to(err, NULL, "out of memory");
            close(fd);
            return -1;
        }
        buf[0] = '\n';
        memcpy(buf + 1, line, n);
        out = buf;
        len = n + 1;
    }
    do
        w = write(fd, out, len);
    while (w < 0 && errno == EINTR);
    free(buf);
    if (w < 0 || (size_t)w != len) {
        if (w < 0)
            tool_error_to(err, path, "audit record not written: %s", strerror(errno));
        else
            tool_error_to(err, path, "audit record cut short: %zd of %zu bytes written", w, len);
        close(fd);
        return -1;
    }
    if (fsync(fd) != 0) {
        tool_error_to(err, path, "audit record written, but not flushed to disk: %s", strerror(errno));
        close(fd);
        return -1;
    }
    if (close(fd) != 0) {
        tool_error_to(err, path, "audit record not written: %s", strerror(errno));
        return -1;
    }
    if (created && tool_sync_parent(path) != 0) {
        tool_error_to(err, path, "audit log created, but its folder could not be synced: %s",
                   strerror(errno));
        return -1;
    }
    return 0;
}

/* Writes the run's audit line to o->audit; 0, or -1 after saying why (on r->err). */
static int write_audit(const struct run *r, const struct opts *o)
{
    char when[32], *line = NULL;
    size_t len = 0;
    time_t now = time(NULL);
    struct tm tm;
    FILE *mem;
    int rc;
    if (!gmtime_r(&now, &tm) || !strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
        tool_error_to(r->err, NULL, "cannot read the clock");
        return -1;
    }
    if (!(mem = open_memstream(&line, &len))) {
        tool_error_to(r->err, NULL, "out of memory");
        return -1;
    }
    print_json(mem, r, o, when);
    fputc('\n', mem);
    if (fclose(mem) != 0 || !line) {
        tool_error_to(r->err, NULL, "out of memory");
        free(line);
        return -1;
    }
    rc = audit_append(r->err, o->audit, line, len);
    free(line);
    return rc;
}

/* ---- --audit-check: a JSON reader just large enough to check the records ---------------- */

enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jnode {
    int type;
    const char *s; /* J_STR: the raw text between the quotes; object members: their key */
    size_t len;
    const char *key;
    size_t keylen;
    size_t first, next; /* first child, next sibling (0: none; node 0 is never a child) */
};

struct jparse {
    const char *p, *end;
    struct jnode *n;
    size_t count, cap;
    const char *err;
    int depth;
};

static size_t jnew(struct jparse *j, int type)
{
    if (j->count == j->cap) {
        size_t cap = j->cap ? 2 * j->cap : 64;
        struct jnode *n = realloc(j->n, cap * sizeof *n);
        if (!n) {
            j->err = "out of memory";
            return 0;
        }
        j->n = n;
        j->cap = cap;
    }
    memset(&j->n[j->count], 0, sizeof *j->n);
    j->n[j->count].type = type;
    return j->count++;
}

static void jspace(struct jparse *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\r' || *j->p == '\n'))
        j->p++;
}

/* A string at j->p (the opening quote); its raw text in *s, *len. */
static int jstring(struct jparse *j, const char **s, size_t *len)
{
    const char *q = ++j->p;
    while (j->p < j->end && *j->p != '"') {
        unsigned char ch = (unsigned char)*j->p;
        if (ch < 0x20) {
            j->err = "a control character inside a string";
            return -1;
        }
        if (ch == '\\') {
            j->p++;
            if (j->p >= j->end)
                break;
            if (*j->p == 'u') {
                int k;
                for (k = 1; k <= 4; k++)
                    if (j->p + k >= j->end || !strchr("0123456789abcdefABCDEF", j->p[k]) ||
                        !j->p[k]) {
                        j->err = "a bad \\u escape";
                        return -1;
                    }
                j->p += 4;
            } else if (!strchr("\"\\/bfnrt", *j->p) || !*j->p) {
                j->err = "a bad escape";
                return -1;
            }
        }
        j->p++;
    }
    if (j->p >= j->end) {
        j->err = "a string without its closing quote";
        return -1;
    }
    *s = q;
    *len = (size_t)(j->p - q);
    j->p++;
    return 0;
}

static size_t jvalue(struct jparse *j);

/* Parses a value; returns its node index + 1 (0 on error, with j->err set). */
static size_t jvalue(struct jparse *j)
{
    size_t me, prev = 0;
    jspace(j);
    if (j->p >= j->end) {
        j->err = "a value is missing";
        return 0;
    }
    if (++j->depth > 32) {
        j->err = "nested too deep";
        return 0;
    }
    switch (*j->p) {
    case '{':
    case '[': {
        int obj = *j->p == '{';
        char close = obj ? '}' : ']';
        me = jnew(j, obj ? J_OBJ : J_ARR);
        if (j->err)
            return 0;
        j->p++;
        jspace(j);
        if (j->p < j->end && *j->p == close) {
            j->p++;
            break;
        }
        for (;;) {
            const char *k = NULL;
            size_t klen = 0, child;
            jspace(j);
            if (obj) {
                size_t c;
                if (j->p >= j->end || *j->p != '"') {
                    j->err = "an object member without a key";
                    return 0;
                }
                if (jstring(j, &k, &klen))
                    return 0;
                for (c = j->n[me].first; c; c = j->n[c].next)
                    if (j->n[c].keylen == klen && memcmp(j->n[c].key, k, klen) == 0) {
                        j->err = "a key given twice";
                        return 0;
                    }
                jspace(j);
                if (j->p >= j->end || *j->p != ':') {
                    j->err = "':' missing after a key";
                    return 0;
                }
                j->p++;
            }
            if (!(child = jvalue(j)))
                return 0;
            child--;
            j->n[child].key = k;
            j->n[child].keylen = klen;
            if (prev)
                j->n[prev].next = child;
            else
                j->n[me].first = child;
            prev = child;
            jspace(j);
            if (j->p < j->end && *j->p == ',') {
                j->p++;
                continue;
            }
            if (j->p < j->end && *j->p == close) {
                j->p++;
                break;
            }
            j->err = obj ? "',' or '}' missing" : "',' or ']' missing";
            return 0;
        }
        break;
    }
    case '"': {
        const char *s;
        size_t len;
        me = jnew(j, J_STR);
        if (j->err || jstring(j, &s, &len))
            return 0;
        j->n[me].s = s;
        j->n[me].len = len;
        break;
    }
    default:
        if ((size_t)(j->end - j->p) >= 4 && memcmp(j->p, "null", 4) == 0) {
            me = jnew(j, J_NULL);
            j->p += 4;
        } else if ((size_t)(j->end - j->p) >= 4 && memcmp(j->p, "true", 4) == 0) {
            me = jnew(j, J_BOOL);
            j->p += 4;
        } else if ((size_t)(j->end - j->p) >= 5 && memcmp(j->p, "false", 5) == 0) {
            me = jnew(j, J_BOOL);
            j->p += 5;
        } else if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9')) {
            /* RFC 8259: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
            const char *q = j->p;
            if (*q == '-')
                q++;
            if (q < j->end && *q == '0')
                q++;
            else if (q < j->end && *q >= '1' && *q <= '9')
                while (q < j->end && *q >= '0' && *q <= '9')
                    q++;
            else {
                j->err = "a bad number";
                return 0;
            }
            if (q < j->end && *q == '.') {
                if (++q >= j->end || *q < '0' || *q > '9') {
                    j->err = "a bad number";
                    return 0;
                }
                while (q < j->end && *q >= '0' && *q <= '9')
                    q++;
            }
            if (q < j->end && (*q == 'e' || *q == 'E')) {
                q++;
                if (q < j->end && (*q == '+' || *q == '-'))
                    q++;
                if (q >= j->end || *q < '0' || *q > '9') {
                    j->err = "a bad number";
                    return 0;
                }
                while (q < j->end && *q >= '0' && *q <= '9')
                    q++;
            }
            me = jnew(j, J_NUM);
            if (!j->err) { /* its text, for num_is() */
                j->n[me].s = j->p;
                j->n[me].len = (size_t)(q - j->p);
            }
            j->p = q;
        } else {
            j->err = "not a JSON value";
            return 0;
        }
        if (j->err)
            return 0;
        break;
    }
    j->depth--;
    return me + 1;
}

/* Member @p key of object node @p obj, or 0. */
static size_t jget(const struct jparse *j, size_t obj, const char *key)
{
    size_t c, len = strlen(key);
    for (c = j->n[obj].first; c; c = j->n[c].next)
        if (j->n[c].keylen == len && memcmp(j->n[c].key, key, len) == 0)
            return c;
    return 0;
}

static int jis(const struct jparse *j, size_t node, const char *text)
{
    return node && j->n[node].type == J_STR && j->n[node].len == strlen(text) &&
           memcmp(j->n[node].s, text, j->n[node].len) == 0;
}

/* Whether a string node holds exactly @p len characters of @p set. */
static int jchars(const struct jparse *j, size_t node, size_t len, const char *set)
{
    size_t i;
    if (!node || j->n[node].type != J_STR || j->n[node].len != len)
        return 0;
    for (i = 0; i < len; i++)
        if (!strchr(set, j->n[node].s[i]) || !j->n[node].s[i])
            return 0;
    return 1;
}

/* Whether a fingerprint node is 32 lower-case hex digits, "0x"-prefixed (the records since
   issue 13) or bare (older records). */
static int fingerprint_ok(const struct jparse *j, size_t node)
{
    static const char hex[] = "0123456789abcdef";
    struct jnode n;
    size_t i;
    if (!node || j->n[node].type != J_STR)
        return 0;
    n = j->n[node];
    if (n.len == 34 && n.s[0] == '0' && n.s[1] == 'x') {
        n.s += 2;
        n.len -= 2;
    }
    if (n.len != 32)
        return 0;
    for (i = 0; i < 32; i++)
        if (!strchr(hex, n.s[i]) || !n.s[i])
            return 0;
    return 1;
}

/* Whether number node @p node is written exactly @p text. */
static int num_is(const struct jparse *j, size_t node, const char *text)
{
    return j->n[node].type == J_NUM && j->n[node].s && j->n[node].len == strlen(text) &&
           memcmp(j->n[node].s, text, j->n[node].len) == 0;
}

/* Why line @p s (@p len bytes, no line end) is not an audit record, or NULL when it is one. */
static const char *bad_record(const char *s, size_t len, char *why, size_t whysz)
{
    struct jparse j;
    size_t root, node, c;
    const char *err = NULL;
    int worst = ST_OK, nchecks = 0;
    static const char digits[] = "0123456789";
    memset(&j, 0, sizeof j);
    if (len == 0)
        return "an empty line";
    if (memchr(s, '\0', len))
        return "a NUL byte inside the line";
    j.p = s;
    j.end = s + len;
    if (!jnew(&j, J_NULL) && j.err) /* node 0: a placeholder, never a child */
        return j.err;
    root = jvalue(&j);
    if (root) {
        jspace(&j);
        if (j.p != j.end)
            j.err = "more after the JSON object";
    }
    if (j.err) {
        snprintf(why, whysz, "not JSON: %s at column %zu", j.err, (size_t)(j.p - s) + 1);
        free(j.n);
        return why;
    }
    root--;
    if (j.n[root].type != J_OBJ) {
        err = "not a JSON object";
        goto out;
    }
    node = jget(&j, root, "time");
    if (!node || j.n[node].type != J_STR || j.n[node].len != 20 ||
        !jchars(&j, node, 20, "0123456789-T:Z") || j.n[node].s[4] != '-' ||
        j.n[node].s[10] != 'T' || j.n[node].s[19] != 'Z' ||
        strspn(j.n[node].s + 11, digits) != 2) {
        err = "\"time\" missing or not UTC (YYYY-MM-DDTHH:MM:SSZ)";
        goto out;
    }
    if (!(node = jget(&j, root, "tool")) || j.n[node].type != J_STR) {
        err = "\"tool\" missing";
        goto out;
    }
    if (!(node = jget(&j, root, "technician")) ||
        (j.n[node].type != J_STR && j.n[node].type != J_NULL)) {
        err = "\"technician\" missing";
        goto out;
    }
    node = jget(&j, root, "mode");
    if (!jis(&j, node, "file") && !jis(&j, node, "read") && !jis(&j, node, "pre-flash")) {
        err = "\"mode\" missing or not file, read or pre-flash";
        goto out;
    }
    if ((node = jget(&j, root, "vin")) && !jchars(&j, node, 17, "0123456789ABCDEFGHJKLMNPRSTUVWXYZ")) {
        err = "\"vin\" is not 17 VIN characters";
        goto out;
    }
    node = jget(&j, root, "files");
    if (!node || j.n[node].type != J_ARR || !j.n[node].first) {
        err = "\"files\" missing or empty";
        goto out;
    }
    for (c = j.n[node].first; c; c = j.n[c].next) {
        size_t fl;
        if (j.n[c].type != J_OBJ || !(fl = jget(&j, c, "file")) ||
            (j.n[fl].type != J_STR && j.n[fl].type != J_NULL) ||
            !(fl = jget(&j, c, "size")) || j.n[fl].type != J_NUM ||
            !fingerprint_ok(&j, jget(&j, c, "xxh3_128"))) {
            err = "a file without its name, size or xxh3_128 fingerprint";
            goto out;
        }
    }
    node = jget(&j, root, "checks");
    if (!node || j.n[node].type != J_ARR || !j.n[node].first) {
        err = "\"checks\" missing or empty";
        goto out;
    }
    for (c = j.n[node].first; c; c = j.n[c].next) {
        size_t st, nm, dt;
        int k, found = -1;
        if (j.n[c].type != J_OBJ || !(nm = jget(&j, c, "name")) || j.n[nm].type != J_STR ||
            !(dt = jget(&j, c, "detail")) || j.n[dt].type != J_STR) {
            err = "a check without its name or detail";
            goto out;
        }
        st = jget(&j, c, "status");
        for (k = 0; k < 4; k++)
            if (jis(&j, st, status_json[k]))
                found = k;
        if (found < 0) {
            err = "a check whose status is not ok, fail, undecided or skip";
            goto out;
        }
        if (found == ST_FAIL)
            worst = ST_FAIL;
        else if (found == ST_UNDECIDED && worst != ST_FAIL)
            worst = ST_UNDECIDED;
        nchecks++;
    }
    /* the outcome: "status" (pass, fail, undecided) and "exit" since the command-line contract
       of issue 13; "verdict" (ok, fail, undecided) in the records written before it */
    if ((node = jget(&j, root, "status")) != 0) {
        size_t ex = jget(&j, root, "exit");
        static const char *const exits[] = {"0", "1", "3"};
        if (!jis(&j, node, "pass") && !jis(&j, node, "fail") && !jis(&j, node, "undecided")) {
            err = "\"status\" not pass, fail or undecided";
            goto out;
        }
        if (!jis(&j, node, verdict_word[worst])) {
            snprintf(why, whysz, "the status is not the one its checks make (%s)",
                     verdict_word[worst]);
            err = why;
            goto out;
        }
        if (!ex || !num_is(&j, ex, exits[worst])) {
            snprintf(why, whysz, "\"exit\" missing or not the status's (%s)", exits[worst]);
            err = why;
            goto out;
        }
    } else {
        node = jget(&j, root, "verdict");
        if (!jis(&j, node, "ok") && !jis(&j, node, "fail") && !jis(&j, node, "undecided")) {
            err = "\"status\" (or an older record's \"verdict\") missing";
            goto out;
        }
        if (!jis(&j, node, status_json[worst])) {
            snprintf(why, whysz, "the verdict is not the one its checks make (%s)",
                     status_json[worst]);
            err = why;
            goto out;
        }
    }
out:
    free(j.n);
    return err;
}

/* --audit-check LOG: 0 every line is a record, 1 some are not, 2 trouble. */
static int audit_check(const char *path, int quiet)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    char *line = NULL, why[160];
    size_t cap = 0, lineno = 0, bad = 0;
    ssize_t got;
    const char *err;
    if (!f) {
        tool_error(path, "%s", strerror(errno));
        return EXIT_TROUBLE;
    }
    while ((got = getline(&line, &cap, f)) > 0) {
        size_t len = (size_t)got;
        int ended = line[len - 1] == '\n';
        lineno++;
        if (ended)
            len--;
        err = bad_record(line, len, why, sizeof why);
        if (!err && !ended)
            err = "no line end: a record cut short";
        if (err) {
            bad++;
            if (!quiet)
                printf("%s:%zu: %s\n", path, lineno, err);
        }
    }
    if (ferror(f)) {
        tool_error(path, "%s", strerror(errno));
        free(line);
        if (f != stdin)
            fclose(f);
        return EXIT_TROUBLE;
    }
    free(line);
    if (f != stdin)
        fclose(f);
    if (!quiet)
        printf("%s: %zu line%s, %zu malformed\n", path, lineno, plural(lineno), bad);
    return bad ? EXIT_NO : EXIT_YES;
}

/* ---- main --------------------------------------------------------------------------------- */

/* Checks --vin: 17 VIN characters whose ninth is the ISO 3779 check digit. 0, or -1 after
   a usage error. */
static int vin_ok(const char *vin)
{
    char want = ecu_vin_check_digit(vin);
    if (!want) {
        tool_usage_error("--vin: '%s' is not a VIN (17 characters: digits and capital letters "
                         "other than I, O and Q)", vin);
        return -1;
    }
    if (vin[8] != want) {
        tool_usage_error("--vin: '%s': the check digit (9th character) is '%c', the VIN calls "
                         "for '%c' (ISO 3779)", vin, vin[8], want);
        return -1;
    }
    return 0;
}

static void run_free(struct run *r)
{
    size_t i;
    for (i = 0; i < r->nck; i++)
        free(r->ck[i].regions);
    for (i = 0; i < r->nin; i++)
        ecu_image_free(r->in[i].img);
    free(r->in);
    ecu_id_free(r->id);
}

/*
 * Runs the gate of @p files (FILE, READ..., or ORIGINAL MODIFIED with o->readback): loads,
 * checks, reports on @p out (text, json or export), writes the audit record; messages on
 * @p err. Reads nothing global that changes: in FILE mode, the batch runner's per-file
 * function (verify_file()).
 */
static struct tool_result run_gate(const struct opts *o, char *const *files, size_t nfiles,
                                   FILE *out, FILE *err)
{
    struct run r;
    struct tool_result res;
    const uint8_t *data = NULL, *majority = NULL;
    size_t size = 0, i;
    int v;
    char why[512];
    memset(&r, 0, sizeof r);
    memset(&res, 0, sizeof res);
    tool_result_set(&res, EXIT_TROUBLE, "error", "out of memory");
    r.err = err;
    r.verbose = o->verbose;
    /* the inputs, in order: FILE | READ... | ORIGINAL MODIFIED [READ] */
    r.nin = nfiles + (o->readback ? 1 : 0);
    r.mode = o->read_gate ? "read" : nfiles == 2 ? "pre-flash" : "file";
    if (!(r.in = calloc(r.nin, sizeof *r.in))) {
        tool_error_to(err, NULL, "out of memory");
        return res;
    }
    for (i = 0; i < r.nin; i++) {
        r.in[i].name = i < nfiles ? files[i] : o->readback;
        r.in[i].role = o->read_gate ? "read" : nfiles == 1 ? "file"
                       : i == 0 ? "original" : i == 1 ? "modified" : "readback";
    }
    snprintf(r.error, sizeof r.error, "out of memory");
    for (i = 0; i < r.nin; i++) {
        if (!(r.in[i].img = ecu_image_new())) {
            tool_error_to(err, NULL, "out of memory");
            goto trouble;
        }
        if (tool_load_to(err, r.in[i].img, r.in[i].name, o->max_span, why, sizeof why)) {
            snprintf(r.error, sizeof r.error, "%s: %s", r.in[i].name, why);
            goto trouble;
        }
        r.in[i].data = ecu_image_data(r.in[i].img);
        r.in[i].size = ecu_image_size(r.in[i].img);
        ecu_fingerprint_hex(r.in[i].data, r.in[i].size, r.in[i].fp);
    }
    r.error[0] = '\0';
    if (o->read_gate) {
        if (check_reads(&r, &data, &size))
            goto trouble;
        if (r.majority)
            majority = data;
        if (check_one_image(&r, r.majority ? "the majority image" : r.in[0].name, data, size, 1))
            goto trouble;
    } else if (nfiles == 1) {
        if (check_one_image(&r, r.in[0].name, r.in[0].data, r.in[0].size, 0))
            goto trouble;
    } else if (check_preflash(&r, o)) {
        goto trouble;
    }

    v = verdict_of(&r);
    tool_result_set(&res, exit_for(v), verdict_word[v], "%s", "");
    for (i = 0; v != ST_OK && i < r.nck; i++) /* the reason: the first check that decides */
        if (r.ck[i].status == v) {
            tool_result_set(&res, res.exit, res.status, "%s: %s", r.ck[i].name, r.ck[i].detail);
            break;
        }
    if (!o->quiet) {
        if (o->fmt == TOOL_JSON) {
            print_json(out, &r, o, NULL);
            fputc('\n', out);
        } else if (o->fmt == TOOL_EXPORT) {
            print_export(out, &r);
        } else {
            print_text(out, &r);
        }
    }
    if (o->audit && write_audit(&r, o))
        tool_result_set(&res, EXIT_TROUBLE, "error", "the audit record was not written");
    goto out;
trouble:
    if (!r.error[0])
        snprintf(r.error, sizeof r.error, "the checks could not run");
    tool_result_set(&res, EXIT_TROUBLE, "error", "%s", file_error(&r));
    print_error(out, &r, o);
out:
    free((void *)majority);
    run_free(&r);
    return res;
}

/* FILE mode, one file: the batch runner's per-file function (@p ctx: the options). Every
   file gets handles of its own (check_one_image()): nothing is shared between workers. */
static struct tool_result verify_file(void *ctx, unsigned worker, const char *file, FILE *out,
                                      FILE *err)
{
    char *files[1];
    (void)worker;
    files[0] = (char *)file;
    return run_gate(ctx, files, 1, out, err);
}

int main(int argc, char **argv)
{
    enum { OPT_READ = 256, OPT_READBACK, OPT_AUDIT, OPT_TECH, OPT_VEHICLE, OPT_VIN,
           OPT_AUDITCHECK, OPT_JSON, OPT_MAXSPAN, OPT_ALLOWCODE, OPT_GAP, OPT_FORMAT };
    static const struct option longopts[] = {
        {"read", no_argument, NULL, OPT_READ},
        {"readback", required_argument, NULL, OPT_READBACK},
        {"audit", required_argument, NULL, OPT_AUDIT},
        {"technician", required_argument, NULL, OPT_TECH},
        {"vehicle", required_argument, NULL, OPT_VEHICLE},
        {"vin", required_argument, NULL, OPT_VIN},
        {"audit-check", required_argument, NULL, OPT_AUDITCHECK},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"json", no_argument, NULL, OPT_JSON},
        {"verbose", no_argument, NULL, 'v'},
        {"output", required_argument, NULL, 'o'},
        {"max-span", required_argument, NULL, OPT_MAXSPAN},
        {"allow-code", no_argument, NULL, OPT_ALLOWCODE},
        {"gap", required_argument, NULL, OPT_GAP},
        {"quiet", no_argument, NULL, 'q'},
        {"silent", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        BATCH_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    static const char shortopts[] = ":vo:qhV" BATCH_SHORTOPTS;
    struct opts o;
    struct batch_opts bo;
    size_t i, nfiles;
    int ch, library, status;
    char **files;

    tool_check_library(argv[0]); /* before anything else uses the library */
    tool_init(argv[0]);
    memset(&o, 0, sizeof o);
    batch_opts_init(&bo);
    o.gap = ECU_DIFF_DEFAULT_GAP;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        int taken = batch_option(&bo, ch, optarg); /* -r -0 -j --files-from --junit */
        if (taken < 0)
            return EXIT_TROUBLE;
        if (taken)
            continue;
        switch (ch) {
        case OPT_READ: o.read_gate = 1; break;
        case OPT_READBACK: o.readback = optarg; break;
        case OPT_AUDIT: o.audit = optarg; break;
        case OPT_TECH: o.technician = optarg; break;
        case OPT_VEHICLE: o.vehicle = optarg; break;
        case OPT_VIN: o.vin = optarg; break;
        case OPT_AUDITCHECK: o.audit_check = optarg; break;
        case OPT_JSON: o.fmt = TOOL_JSON; break;
        case OPT_FORMAT:
            if (tool_parse_format(optarg, &o.fmt))
                return EXIT_TROUBLE;
            break;
        case 'v': o.verbose = 1; break;
        case 'o': /* an output file in the ecu tools: ecu-verify writes none */
            tool_refuse_output_option(optarg);
            return EXIT_TROUBLE;
        case 'q': o.quiet = 1; break;
        case OPT_ALLOWCODE: o.allow_code = 1; break;
        case OPT_GAP:
            if (tool_parse_u64(optarg, &o.gap)) {
                tool_error(NULL, "--gap: not a number: '%s'", optarg);
                return EXIT_TROUBLE;
            }
            break;
        default: /* --max-span, -h, -V, a missing argument, an unknown option */
            status = tool_common_option(ch, OPT_MAXSPAN, &o.max_span, usage, argv, shortopts,
                                        longopts);
            if (status != TOOL_OPTION_TAKEN)
                return status;
            break;
        }
    }
    files = argv + optind;
    nfiles = (size_t)(argc - optind);
    /* a library: every FILE checked alone (FILE mode), entered only with -r or --files-from,
       never by the number of files (two files are the pre-flash gate) */
    library = bo.recursive || bo.files_from;
    if (o.audit_check) {
        if (nfiles || o.read_gate || o.readback || o.audit || o.fmt != TOOL_TEXT || o.technician ||
            o.vehicle || o.vin || o.verbose || bo.given) {
            tool_usage_error("--audit-check takes the log alone");
            return EXIT_TROUBLE;
        }
        return tool_close_stdout(audit_check(o.audit_check, o.quiet));
    }
    if (library && (o.read_gate || o.readback)) {
        tool_usage_error("-r and --files-from check each file alone (FILE mode), not with %s",
                         o.read_gate ? "--read" : "--readback");
        return EXIT_TROUBLE;
    }
    if (!library && bo.given && (o.read_gate || nfiles != 1)) {
        tool_usage_error("-0, -j and --junit go with FILE mode (one FILE, -r or --files-from), "
                         "not with %s", o.read_gate ? "--read" : "ORIGINAL MODIFIED");
        return EXIT_TROUBLE;
    }
    if (nfiles < 1 && !library) {
        tool_usage_error("no file given");
        return EXIT_TROUBLE;
    }
    if (o.read_gate && nfiles < 2) {
        tool_usage_error("--read needs two or more reads of the ECU");
        return EXIT_TROUBLE;
    }
    if (o.read_gate && nfiles > ECU_CMP_MAX_READS) {
        tool_error(NULL, "at most %d reads can be compared", ECU_CMP_MAX_READS);
        return EXIT_TROUBLE;
    }
    if (o.read_gate && o.readback) {
        tool_usage_error("--readback goes with ORIGINAL MODIFIED, not with --read");
        return EXIT_TROUBLE;
    }
    if (!o.read_gate && !library && nfiles > 2) {
        tool_usage_error("too many files: FILE, or ORIGINAL MODIFIED (several reads go with "
                         "--read; many files, each alone, with -r or --files-from)");
        return EXIT_TROUBLE;
    }
    if (o.readback && nfiles != 2) {
        tool_usage_error("--readback goes with ORIGINAL MODIFIED");
        return EXIT_TROUBLE;
    }
    if ((o.technician || o.vehicle || o.vin) && !o.audit && o.fmt != TOOL_JSON) {
        tool_usage_error("--technician, --vehicle and --vin are recorded with --audit or --json");
        return EXIT_TROUBLE;
    }
    if (o.vin && vin_ok(o.vin))
        return EXIT_TROUBLE;
    if (o.audit && !o.technician)
        o.technician = getenv("USER");
    /* the audit log is written one record at a time, in input order: -j N is refused */
    if (o.audit && bo.jobs_given && bo.jobs != 1) {
        tool_usage_error("--audit writes its records one at a time: -j %d does not apply "
                         "(leave -j out, or -j 1)", bo.jobs);
        return EXIT_TROUBLE;
    }
    if (o.audit)
        bo.jobs = 1;
    if (library || (!o.read_gate && nfiles == 1)) {
        /* FILE mode: each file through the per-file function, on the batch runner's workers */
        if (batch_check(&bo, files, (int)nfiles, 0))
            return EXIT_TROUBLE;
        bo.quiet = o.quiet;
        bo.format = (int)o.fmt;
        bo.words[0] = "pass";
        bo.words[1] = "fail";
        return tool_close_stdout(batch_run(&bo, files, (int)nfiles, verify_file, &o));
    }

    {
        char *names[ECU_CMP_MAX_READS + 1];
        size_t n = 0;
        for (i = 0; i < nfiles; i++)
            names[n++] = files[i];
        if (o.readback)
            names[n++] = (char *)o.readback;
        if (tool_stdin_once(names, (int)n))
            return EXIT_TROUBLE;
    }
    return tool_close_stdout(run_gate(&o, files, nfiles, stdout, stderr).exit);
}
