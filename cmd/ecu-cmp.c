/* SPDX-License-Identifier: MIT */
/* ecu-cmp: compare two or more reads of an ECU, say whether they agree and why not. */
#define _POSIX_C_SOURCE 200809L
#include <ecu/ecu.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "contract.h"
#include "fmt.h"
#include "tool.h"

struct read {
    const char *name;
    ecu_image *img;
    char fp[33];
};

/* the reads a normal build leaves to the exit (see the end of main) */
static struct read *volatile reads_left_to_exit;

struct opts {
    int list, quiet, verbose;
    enum tool_format fmt;
    size_t nignore; /* --ignore areas */
    int max_set;
    uint64_t max;
    uint64_t gap;
    uint64_t max_span;
    const char *output;
    int force; /* -f: -o may replace an existing file */
    int diagnose;
};

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: %s [options] READ1 READ2 [READ3...]\n"
            "\n"
            "Compare two or more reads of the same ECU. Raw binary, Intel HEX and S-record\n"
            "files are accepted, each optionally gzip-compressed; '-' reads standard input.\n"
            "\n"
            "Options:\n"
            "  -l, --list            list the differing ranges: START LENGTH DIFFERING\n"
            "      --max N           list at most N ranges (with -l, -v or --format json)\n"
            "      --gap N           merge differences at most N equal bytes apart (default %d)\n"
            "      --ignore S:E      do not compare offsets S up to E (exclusive); repeatable\n"
            "  -v, --verbose         list every differing range after the summary\n"
            "  -o, --output FILE     three or more reads: write the majority image to FILE\n"
            "  -f, --force           replace FILE when it exists\n"
            "      --format FORMAT   text (default), json (one JSON object) or export\n"
            "                        (KEY=value lines for the shell)\n"
            "      --json            the same as --format json\n"
            "      --no-diagnose     skip the read fault diagnoses\n"
            "      --max-span N      refuse images spanning more than N bytes (default 64M)\n"
            "  -q, --quiet, --silent print nothing; the exit status tells\n"
            "  -h, --help            show this help and exit\n"
            "  -V, --version         show the version and exit\n"
            "\n"
            "Numbers are decimal or 0x-prefixed hex, with an optional K, M or G suffix.\n"
            "Exit status: 0 identical, 1 different (or no majority for -o), 2 trouble.\n"
            "See ecu-cmp(1).\n",
            tool_name(), ECU_CMP_DEFAULT_GAP);
}

static int parse_ignore(const char *arg, uint64_t *s, uint64_t *e)
{
    const char *colon = strchr(arg, ':');
    char buf[64];
    size_t n;
    if (!colon || (n = (size_t)(colon - arg)) >= sizeof buf)
        return -1;
    memcpy(buf, arg, n);
    buf[n] = '\0';
    if (tool_parse_u64(buf, s) || tool_parse_u64(colon + 1, e) || *e <= *s)
        return -1;
    return 0;
}

/* Longest put_reads() output: 64 read numbers and their commas (9 + 55 * 2 + 63). */
#define READS_TEXT_MAX 182
/* what tool_put_dec() may store past the end of its digits */
#define FMT_SPARE 16

/* Appends the 1-based numbers of the reads set in @p mask, comma-separated ("" if none);
   like tool_put_dec(), it may store FMT_SPARE bytes past the returned end. */
static char *put_reads(char *p, uint64_t mask, size_t n)
{
    size_t k;
    int first = 1;
    for (k = 0; k < n; k++) {
        if (!((mask >> k) & 1))
            continue;
        if (!first)
            *p++ = ',';
        p = tool_put_dec(p, k + 1);
        first = 0;
    }
    return p;
}

/* The reads of a mask as a JSON array of 1-based numbers. */
static void print_reads_json(FILE *f, uint64_t mask, size_t n)
{
    char buf[READS_TEXT_MAX + 3 + FMT_SPARE], *p = buf;
    *p++ = '[';
    p = put_reads(p, mask, n);
    *p++ = ']';
    fwrite(buf, 1, (size_t)(p - buf), f);
}

static const char *ref_name(const struct read *r, unsigned ref)
{
    return ref == ECU_CMP_MAJORITY ? "the majority" : r[ref].name;
}

/* Does a read carry addresses? A raw binary does not (its base is 0 for want of one). */
static int has_base(const struct read *r)
{
    return ecu_image_format(r->img) != ECU_FORMAT_RAW;
}

/* Do HEX/S-record reads start at different addresses? Raw reads have no say: a raw dump
   and the HEX file of the same flash agree. */
static int bases_differ(const struct read *r, size_t n)
{
    size_t i, first = n;
    for (i = 0; i < n; i++) {
        if (!has_base(&r[i]))
            continue;
        if (first == n)
            first = i;
        else if (ecu_image_base(r[i].img) != ecu_image_base(r[first].img))
            return 1;
    }
    return 0;
}

/* Identical: every compared byte and the sizes agree (ecu_cmp_identical), and so do the
   base addresses, which the comparison of the bytes does not see. */
static int reads_identical(const ecu_cmp *c, const struct read *r, size_t n)
{
    return ecu_cmp_identical(c) && !bases_differ(r, n);
}

/*
 * The -l listing, printed while the comparison runs: the library hands over the ranges in
 * batches as it finds them (ecu_cmp_set_range_sink), so noisy reads with a hundred thousand
 * ranges never hold them all, and the lines reach the pipe while the rest is compared.
 */
struct lister {
    FILE *f;
    size_t n;        /* reads */
    uint64_t limit;  /* ranges to print (--max) */
    uint64_t listed; /* ranges printed so far */
    int stop;        /* a write error stops the comparison (not with -o: the image is due) */
    int failed;      /* a write failed: nothing more is formatted */
    int err;         /* its errno, for the message at the end */
    size_t used;
    char buf[1 << 16];
};

/* The listing's output gets a larger pipe buffer (tool_grow_pipe) when a read is this large
   and --max leaves at least LIST_PIPE_RANGES lines. */
#define LIST_PIPE_MIN ((size_t)1 << 20)
#define LIST_PIPE_RANGES 4096
#define LIST_PIPE_SIZE ((size_t)1 << 20)

/* Writes out the buffer; -1 when the listing failed (now or before). */
static int list_flush(struct lister *l)
{
    if (!l->failed && l->used && fwrite(l->buf, 1, l->used, l->f) != l->used) {
        l->failed = 1; /* a closed pipe or a full disk */
        l->err = errno;
    }
    l->used = 0;
    return l->failed ? -1 : 0;
}

/* After the run: the rest of the listing, and what --max left out. -1 when it failed. */
static int list_finish(struct lister *l, const ecu_cmp *c)
{
    size_t nr = ecu_cmp_range_count(c);
    if (list_flush(l))
        return -1;
    if (l->listed < nr)
        fprintf(l->f, "... %" PRIu64 " more range%s not listed\n", (uint64_t)nr - l->listed,
                nr - l->listed == 1 ? "" : "s");
    if ((fflush(l->f) != 0 || ferror(l->f)) && !l->failed) {
        l->failed = 1;
        l->err = errno;
    }
    return l->failed ? -1 : 0;
}

/* One range's line of the -l listing at @p p (START LENGTH DIFFERING [READS UNRESOLVED], the
   line end included) for @p n reads; returns the end */
static char *put_range(char *p, const ecu_cmp_range *g, size_t n)
{
    p = tool_put_hex(p, g->start);
    *p++ = ' ';
    p = tool_put_dec(p, g->length);
    *p++ = ' ';
    p = tool_put_dec(p, g->differing);
    if (n > 2) {
        char *list;
        *p++ = ' ';
        list = p;
        p = put_reads(p, g->reads, n);
        if (p == list) /* no read differs from the majority: only unresolved bytes */
            *p++ = '-';
        *p++ = ' ';
        p = tool_put_dec(p, g->unresolved);
    }
    *p++ = '\n';
    return p;
}

static int list_ranges(void *ctx, const ecu_cmp_range *g, size_t count)
{
    struct lister *l = ctx;
    /* in locals: the character stores could alias the lister's fields, which the compiler
       would then reload for every line */
    const size_t n = l->n;
    char *p = l->buf + l->used;
    /* room for the longest line (64 read numbers and five numbers: 292 bytes) and the
       bytes the number formatting stores past it */
    char *const full = l->buf + sizeof l->buf - 512;
    size_t i;
    if (l->failed) /* the comparison goes on only for -o's image */
        return l->stop ? -1 : 0;
    if (l->listed >= l->limit) /* past --max: counted by the library, not printed */
        return 0;
    if (count > l->limit - l->listed)
        count = (size_t)(l->limit - l->listed);
    for (i = 0; i < count; i++, g++) {
        if (p > full) {
            l->used = (size_t)(p - l->buf);
            if (list_flush(l))
                return l->stop ? -1 : 0;
            p = l->buf;
        }
        p = put_range(p, g, n);
    }
    l->used = (size_t)(p - l->buf);
    l->listed += count;
    return 0;
}

/* One range as the -l listing prints it (START LENGTH DIFFERING [READS UNRESOLVED]). */
static void print_range(FILE *f, const ecu_cmp_range *g, size_t n)
{
    char buf[READS_TEXT_MAX + 128 + FMT_SPARE];
    fwrite(buf, 1, (size_t)(put_range(buf, g, n) - buf), f);
}

/* A line that names read @p name after @p head: the backslash of an escaped name first. */
static void name_line(FILE *f, const char *head, const char *name)
{
    if (tool_name_escaped(name))
        fputc('\\', f);
    fputs(head, f);
    tool_put_name(f, name);
}

static void print_text(FILE *f, const ecu_cmp *c, const struct read *r, size_t n, const struct opts *o)
{
    size_t nr = ecu_cmp_range_count(c), i, nd = ecu_cmp_diag_count(c);
    if (o->list) /* listed during the run (list_ranges, list_finish) */
        return;
    if (reads_identical(c, r, n)) {
        fprintf(f, "identical: %zu reads of %zu bytes", n, ecu_image_size(r[0].img));
        if (o->nignore) /* the fingerprints below are those of the whole files */
            fprintf(f, " outside the --ignore area%s (the fingerprints cover the ignored bytes too)",
                    o->nignore == 1 ? "" : "s");
        fputc('\n', f);
    } else {
        const ecu_cmp_range *g = ecu_cmp_range_at(c, 0);
        if (g)
            fprintf(f, "differ: %" PRIu64 " of %" PRIu64 " bytes in %zu range%s, first at 0x%" PRIX64,
                   ecu_cmp_differing(c), ecu_cmp_compared(c), nr, nr == 1 ? "" : "s", g->start);
        else /* only the sizes (the extra bytes all ignored) or the base addresses differ */
            fprintf(f, "differ: the %" PRIu64 " compared bytes agree", ecu_cmp_compared(c));
        for (i = 1; i < n; i++)
            if (ecu_image_size(r[i].img) != ecu_image_size(r[0].img))
                break;
        if (i < n) {
            fprintf(f, "; sizes");
            for (i = 0; i < n; i++)
                fprintf(f, "%s%zu", i ? ", " : " ", ecu_image_size(r[i].img));
        }
        if (bases_differ(r, n)) {
            fprintf(f, "; base addresses");
            for (i = 0; i < n; i++) {
                fputs(i ? ", " : " ", f);
                if (has_base(&r[i]))
                    fprintf(f, "0x%" PRIX64, ecu_image_base(r[i].img));
                else
                    fputc('-', f); /* raw: no address */
            }
        }
        if (n > 2 && ecu_cmp_unresolved(c))
            fprintf(f, "; no majority at %" PRIu64 " byte%s", ecu_cmp_unresolved(c),
                   ecu_cmp_unresolved(c) == 1 ? "" : "s");
        fputc('\n', f);
    }
    for (i = 0; i < n; i++) {
        if (tool_name_escaped(r[i].name))
            fputc('\\', f);
        fprintf(f, "%s  ", r[i].fp);
        tool_put_name(f, r[i].name);
        fputc('\n', f);
    }
    if (o->verbose) { /* -v: every range (--max: the first N) */
        uint64_t shown = o->max_set && o->max < nr ? o->max : nr;
        for (i = 0; i < shown; i++)
            print_range(f, ecu_cmp_range_at(c, i), n);
        if (shown < nr)
            fprintf(f, "... %" PRIu64 " more range%s not listed\n", (uint64_t)nr - shown,
                    nr - shown == 1 ? "" : "s");
    }
    if (n > 2)
        for (i = 0; i < n; i++)
            if (ecu_cmp_read_differing(c, i)) {
                name_line(f, "disagrees: ", r[i].name);
                fprintf(f, ": %" PRIu64 " byte%s from the majority\n", ecu_cmp_read_differing(c, i),
                        ecu_cmp_read_differing(c, i) == 1 ? " differs" : "s differ");
            }
    for (i = 0; i < nd; i++) {
        const ecu_cmp_diag *d = ecu_cmp_diag_at(c, i);
        const char *ref = ref_name(r, d->ref);
        char text[256];
        ecu_cmp_diag_describe(d, text, sizeof text);
        if (tool_name_escaped(r[d->read].name) || tool_name_escaped(ref))
            fputc('\\', f);
        fputs("diagnosis: ", f);
        tool_put_name(f, r[d->read].name);
        fprintf(f, ": %s (against ", text);
        tool_put_name(f, ref);
        fputs(")\n", f);
    }
}

static void print_export(FILE *f, const ecu_cmp *c, const struct read *r, size_t n,
                         const struct opts *o, int status, int consensus_written, size_t consensus_size)
{
    size_t nr = ecu_cmp_range_count(c), i;
    char key[32], val[160];
    for (i = 0; i < n; i++) {
        snprintf(key, sizeof key, "FILE%zu", i + 1);
        export_str(f, key, r[i].name);
        snprintf(key, sizeof key, "SIZE%zu", i + 1);
        export_u64(f, key, ecu_image_size(r[i].img));
        snprintf(key, sizeof key, "XXH3_128_%zu", i + 1);
        snprintf(val, sizeof val, "0x%s", r[i].fp);
        export_str(f, key, val);
    }
    export_str(f, "STATUS", reads_identical(c, r, n) ? "identical" : "different");
    export_u64(f, "EXIT", (uint64_t)status);
    export_u64(f, "COMPARED", ecu_cmp_compared(c));
    export_u64(f, "DIFFERING", ecu_cmp_differing(c));
    export_u64(f, "UNRESOLVED", ecu_cmp_unresolved(c));
    export_u64(f, "RANGES", nr);
    if (nr)
        export_hex(f, "FIRST", ecu_cmp_range_at(c, 0)->start, 1);
    if (o->nignore)
        export_str(f, "FINGERPRINTS", "whole-files"); /* the --ignore areas included */
    if (o->output) {
        export_str(f, "CONSENSUS", o->output);
        export_u64(f, "CONSENSUS_WRITTEN", consensus_written ? 1 : 0);
        export_u64(f, "CONSENSUS_SIZE", consensus_written ? consensus_size : 0);
    }
    if (o->verbose || o->list) {
        uint64_t shown = o->max_set && o->max < nr ? o->max : nr;
        for (i = 0; i < shown; i++) {
            const ecu_cmp_range *g = ecu_cmp_range_at(c, i);
            snprintf(key, sizeof key, "RANGE%zu", i + 1);
            snprintf(val, sizeof val, "0x%" PRIX64 " %" PRIu64 " %" PRIu64, g->start, g->length,
                     g->differing);
            export_str(f, key, val);
        }
    }
    fputc('\n', f);
}

static void print_json(FILE *f, const ecu_cmp *c, const struct read *r, size_t n, const struct opts *o,
                       int status, int consensus_written, size_t consensus_size)
{
    size_t nr = ecu_cmp_range_count(c), i, nd = ecu_cmp_diag_count(c);
    uint64_t shown = o->max_set && o->max < nr ? o->max : nr;
    fprintf(f, "{\"files\":[");
    for (i = 0; i < n; i++) {
        uint64_t entry;
        fprintf(f, "%s{\"file\":", i ? "," : "");
        json_string(f, r[i].name);
        fprintf(f, ",\"size\":%zu,\"base\":%" PRIu64 ",\"format\":\"%s\",\"compressed\":%s,"
               "\"xxh3_128\":\"0x%s\",\"differing\":%" PRIu64,
               ecu_image_size(r[i].img), ecu_image_base(r[i].img),
               ecu_format_name(ecu_image_format(r[i].img)),
               ecu_image_compressed(r[i].img) ? "true" : "false", r[i].fp,
               ecu_cmp_read_differing(c, i));
        if (ecu_image_entry(r[i].img, &entry))
            fprintf(f, ",\"entry\":%" PRIu64, entry);
        fputc('}', f);
    }
    fprintf(f, "],\"status\":\"%s\",\"exit\":%d", reads_identical(c, r, n) ? "identical" : "different",
            status);
    if (o->nignore) /* the fingerprints are those of the whole files, ignored areas included */
        fprintf(f, ",\"fingerprints_cover_ignored\":true");
    fprintf(f, ",\"bases_differ\":%s", bases_differ(r, n) ? "true" : "false");
    fprintf(f, ",\"compared\":%" PRIu64 ",\"differing\":%" PRIu64 ",\"unresolved\":%" PRIu64
           ",\"ranges_total\":%zu,\"ranges\":[",
           ecu_cmp_compared(c), ecu_cmp_differing(c), ecu_cmp_unresolved(c), nr);
    for (i = 0; i < shown; i++) {
        const ecu_cmp_range *g = ecu_cmp_range_at(c, i);
        fprintf(f, "%s{\"start\":%" PRIu64 ",\"length\":%" PRIu64 ",\"differing\":%" PRIu64
               ",\"unresolved\":%" PRIu64 ",\"reads\":",
               i ? "," : "", g->start, g->length, g->differing, g->unresolved);
        print_reads_json(f, g->reads, n);
        fputc('}', f);
    }
    fprintf(f, "],\"diagnoses\":[");
    for (i = 0; i < nd; i++) {
        const ecu_cmp_diag *d = ecu_cmp_diag_at(c, i);
        char text[256];
        ecu_cmp_diag_describe(d, text, sizeof text);
        fprintf(f, "%s{\"kind\":\"%s\",\"read\":%u,\"ref\":", i ? "," : "",
               ecu_cmp_diag_kind_name(d->kind), d->read + 1);
        if (d->ref == ECU_CMP_MAJORITY)
            fprintf(f, "\"majority\"");
        else
            fprintf(f, "%u", d->ref + 1);
        fprintf(f, ",\"offset\":%" PRIu64 ",\"length\":%" PRIu64 ",\"bytes\":%" PRIu64
               ",\"residual\":%" PRIu64 ",\"match\":%.6f",
               d->offset, d->length, d->bytes, d->residual, d->match);
        if (d->kind == ECU_DIAG_SHIFTED)
            fprintf(f, ",\"shift\":%" PRId64, d->shift);
        if (d->kind == ECU_DIAG_STUCK_BIT)
            fprintf(f, ",\"bit\":%u,\"value\":%u,\"lanes\":%u", d->bit, d->value, d->lanes);
        if (d->kind == ECU_DIAG_BLANK)
            fprintf(f, ",\"fill\":%u", d->fill);
        fprintf(f, ",\"text\":");
        json_string(f, text);
        fputc('}', f);
    }
    fputc(']', f);
    if (o->output) {
        fprintf(f, ",\"consensus\":{\"file\":");
        json_string(f, o->output);
        fprintf(f, ",\"written\":%s,\"size\":%zu}", consensus_written ? "true" : "false",
               consensus_written ? consensus_size : (size_t)0);
    }
    fprintf(f, "}\n");
}

/* The record of a comparison that could not be made: read @p file could not be loaded. */
static void load_error(const struct opts *o, const struct read *r, size_t n, const char *file,
                       const char *why)
{
    FILE *f = o->output && strcmp(o->output, "-") == 0 ? stderr : stdout;
    size_t i, len = strlen(file) + strlen(why) + 3;
    char key[32], *m;
    if (o->quiet || o->fmt == TOOL_TEXT)
        return; /* text: the message on standard error says it */
    if (!(m = malloc(len)))
        return;
    snprintf(m, len, "%s: %s", file, why); /* the error names the file */
    if (o->fmt == TOOL_JSON) {
        fprintf(f, "{\"files\":[");
        for (i = 0; i < n; i++) {
            fprintf(f, "%s{\"file\":", i ? "," : "");
            json_string(f, r[i].name);
            fputc('}', f);
        }
        fprintf(f, "],\"status\":\"error\",\"exit\":2,\"error\":");
        json_string(f, m);
        fprintf(f, "}\n");
    } else {
        for (i = 0; i < n; i++) {
            snprintf(key, sizeof key, "FILE%zu", i + 1);
            export_str(f, key, r[i].name);
        }
        export_str(f, "STATUS", "error");
        export_u64(f, "EXIT", EXIT_TROUBLE);
        export_str(f, "ERROR", m);
        fputc('\n', f);
    }
    free(m);
}

int main(int argc, char **argv)
{
    enum { OPT_MAX = 256, OPT_GAP, OPT_IGNORE, OPT_JSON, OPT_NODIAG, OPT_MAXSPAN, OPT_FORMAT };
    static const struct option longopts[] = {
        {"list", no_argument, NULL, 'l'},
        {"max", required_argument, NULL, OPT_MAX},
        {"gap", required_argument, NULL, OPT_GAP},
        {"ignore", required_argument, NULL, OPT_IGNORE},
        {"verbose", no_argument, NULL, 'v'},
        {"output", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"force", no_argument, NULL, 'f'},
        {"json", no_argument, NULL, OPT_JSON},
        {"no-diagnose", no_argument, NULL, OPT_NODIAG},
        {"max-span", required_argument, NULL, OPT_MAXSPAN},
        {"quiet", no_argument, NULL, 'q'},
        {"silent", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    static const char shortopts[] = ":lvo:fqhV";
    struct opts o = {0};
    struct read *r = NULL;
    /* the --ignore arguments as given, and their starts, for the warning after loading */
    const char **ign_arg = NULL;
    uint64_t *ign_start = NULL;
    size_t nign = 0, largest = 0;
    const uint8_t **data = NULL;
    size_t *size = NULL, n, i, cons_size = 0;
    ecu_cmp *c = NULL;
    struct lister *lister = NULL;
    FILE *rep = stdout;
    int ch, status = EXIT_TROUBLE, rc, written = 0;
    char msg[512];

    tool_check_library(argv[0]); /* before anything else uses the library */
    tool_init(argv[0]);
    opterr = 0; /* messages below, with the short program name */
    o.gap = ECU_CMP_DEFAULT_GAP;
    o.diagnose = 1;
    if (!(c = ecu_cmp_new()) || !(ign_arg = calloc((size_t)argc, sizeof *ign_arg)) ||
        !(ign_start = calloc((size_t)argc, sizeof *ign_start))) {
        tool_error(NULL, "out of memory");
        goto out;
    }
    while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        uint64_t s, e;
        switch (ch) {
        case 'l': o.list = 1; break;
        case 'q': o.quiet = 1; break;
        case 'o': o.output = optarg; break;
        case 'f': o.force = 1; break;
        case 'v': o.verbose = 1; break;
        case OPT_JSON: o.fmt = TOOL_JSON; break;
        case OPT_FORMAT:
            if (tool_parse_format(optarg, &o.fmt))
                goto out;
            break;
        case OPT_NODIAG: o.diagnose = 0; break;
        case OPT_MAX:
            if (tool_parse_u64(optarg, &o.max)) {
                tool_error(NULL, "--max: not a number: '%s'", optarg);
                goto out;
            }
            o.max_set = 1;
            break;
        case OPT_GAP:
            if (tool_parse_u64(optarg, &o.gap)) {
                tool_error(NULL, "--gap: not a number: '%s'", optarg);
                goto out;
            }
            break;
        case OPT_IGNORE:
            if (parse_ignore(optarg, &s, &e)) {
                tool_error(NULL, "--ignore: expected START:END with START < END, got '%s'", optarg);
                goto out;
            }
            if (ecu_cmp_add_ignore(c, s, e) != ECU_OK) {
                tool_error(NULL, "out of memory");
                goto out;
            }
            ign_arg[nign] = optarg; /* at most one per argument word: argc entries suffice */
            ign_start[nign++] = s;
            o.nignore = nign;
            break;
        default: /* --max-span, -h, -V, a missing argument, an unknown option */
            status = tool_common_option(ch, OPT_MAXSPAN, &o.max_span, usage, argv, shortopts,
                                        longopts);
            if (status != TOOL_OPTION_TAKEN)
                goto out;
            status = EXIT_TROUBLE;
            break;
        }
    }
    n = (size_t)(argc - optind);
    if (o.max_set && !o.list && !o.verbose && o.fmt != TOOL_JSON) {
        /* it limits a listing: without one it would be silently ignored */
        tool_usage_error("--max goes with -l, -v or --format json (it limits the ranges listed)");
        goto out;
    }
    if (n < 2) {
        tool_usage_error("two or more reads are needed");
        goto out;
    }
    if (n > ECU_CMP_MAX_READS) {
        tool_error(NULL, "at most %d reads can be compared", ECU_CMP_MAX_READS);
        goto out;
    }
    if (o.output && n < 3) {
        tool_error(NULL, "-o needs three or more reads: a majority of two decides nothing");
        goto out;
    }
    if (o.force && !o.output) {
        tool_error(NULL, "-f goes with -o");
        goto out;
    }
    r = calloc(n, sizeof *r);
    data = calloc(n, sizeof *data);
    size = calloc(n, sizeof *size);
    if (!r || !data || !size) {
        tool_error(NULL, "out of memory");
        goto out;
    }
    if (tool_stdin_once(argv + optind, (int)n))
        goto out;
    for (i = 0; i < n; i++)
        r[i].name = argv[optind + (int)i];
    /* an output that names one of the reads would destroy it (a read from standard input
       counts as the file standard input is: ecu-cmp -o f - < f) */
    if (o.output && tool_output_is_input(o.output, argv + optind, n)) {
        tool_error(o.output, "is one of the reads; refusing to overwrite it");
        goto out;
    }
    if (o.output && tool_output_check(o.output, o.force))
        goto out; /* before anything is read: nothing is done */
    for (i = 0; i < n; i++) {
        if (!(r[i].img = ecu_image_new())) {
            tool_error(NULL, "out of memory");
            goto out;
        }
        if (tool_load_to(stderr, r[i].img, r[i].name, o.max_span, msg, sizeof msg)) {
            load_error(&o, r, n, r[i].name, msg);
            goto out;
        }
        data[i] = ecu_image_data(r[i].img);
        size[i] = ecu_image_size(r[i].img);
        if (!o.quiet && (o.fmt != TOOL_TEXT || !o.list)) /* -l lists ranges only */
            ecu_fingerprint_hex(data[i], size[i], r[i].fp);
        if (size[i] > largest)
            largest = size[i];
    }
    /* an area past the end of every read is most likely a typo (0x4000 for 0x40000) */
    for (i = 0; i < nign; i++)
        if (ign_start[i] >= largest)
            tool_error(NULL, "warning: --ignore %s lies beyond every read", ign_arg[i]);
    ecu_cmp_set_gap(c, o.gap);
    ecu_cmp_set_diagnose(c, o.diagnose && !o.quiet && (o.fmt != TOOL_TEXT || !o.list));
    /* with -o - the image owns stdout: the report goes to stderr */
    if (o.output && strcmp(o.output, "-") == 0)
        rep = stderr;
    if (o.list && o.fmt == TOOL_TEXT && !o.quiet) {
        if (!(lister = calloc(1, sizeof *lister))) {
            tool_error(NULL, "out of memory");
            goto out;
        }
        lister->f = rep;
        lister->n = n;
        lister->limit = o.max_set ? o.max : UINT64_MAX;
        lister->stop = !o.output;
        ecu_cmp_set_range_sink(c, list_ranges, lister);
        /* noisy reads of a few MiB list megabytes: fewer waits for the reader of a pipe */
        if (rep == stdout && largest >= LIST_PIPE_MIN && (!o.max_set || o.max >= LIST_PIPE_RANGES))
            tool_grow_pipe(STDOUT_FILENO, LIST_PIPE_SIZE);
    }
    if ((rc = ecu_cmp_run(c, n, data, size)) != ECU_OK) {
        if (rc == ECU_ERR_STOPPED) { /* the listing could not be written */
            errno = lister->err;
            status = tool_close_stdout(EXIT_TROUBLE);
        } else {
            tool_error(NULL, "comparison failed: %s", ecu_strerror(rc));
        }
        goto out;
    }
    /* the listing is complete before anything is said about -o */
    if (lister && list_finish(lister, c) && rep != stdout) /* said below for stdout */
        tool_error(NULL, "write error on standard error: %s", strerror(lister->err));
    status = reads_identical(c, r, n) ? EXIT_YES : EXIT_NO;
    if (o.output && bases_differ(r, n)) {
        /* offset by offset, bytes of different addresses would be voted on */
        tool_error(o.output, "not written: the reads have different base addresses");
        status = EXIT_NO;
    } else if (o.output) {
        int err;
        const uint8_t *cons = ecu_cmp_consensus(c, &cons_size, &err);
        if (!cons) {
            tool_error(o.output, "not written: no strict majority at %" PRIu64 " byte%s",
                       ecu_cmp_unresolved(c), ecu_cmp_unresolved(c) == 1 ? "" : "s");
            status = EXIT_NO;
        } else if (tool_write_file(o.output, cons, cons_size,
                                   o.force ? TOOL_WRITE_REPLACE : 0) != 0) {
            status = EXIT_TROUBLE;
        } else {
            written = 1;
            status = EXIT_YES; /* a trustworthy image was made, whatever single reads said */
        }
    }
    if (!o.quiet) {
        if (o.fmt == TOOL_JSON)
            print_json(rep, c, r, n, &o, status, written, cons_size);
        else if (o.fmt == TOOL_EXPORT)
            print_export(rep, c, r, n, &o, status, written, cons_size);
        else
            print_text(rep, c, r, n, &o);
    }
    if (lister && lister->failed) { /* -o's image was still written */
        status = EXIT_TROUBLE;
        errno = lister->err; /* for tool_close_stdout's message */
    }
    status = tool_close_stdout(status);
out:
    /* The reads are mapped files of megabytes: unmapping two 8 MiB reads before the exit took
       about 1.3 ms on a busy machine, and the exit alone takes them back for less. Left to
       the exit, they stay reachable from a static, so leak checkers do not count them lost. */
    if (r && !TOOL_FREE_AT_EXIT) {
        reads_left_to_exit = r;
        r = NULL;
    }
    if (r)
        for (i = 0; i < n; i++)
            ecu_image_free(r[i].img);
    free(r);
    free(data);
    free(size);
    free(ign_arg);
    free(ign_start);
    free(lister);
    ecu_cmp_free(c);
    return status;
}
