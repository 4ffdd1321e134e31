/* SPDX-License-Identifier: MIT */
/* ecu-id: identify ECU images (hardware/software numbers, part number, EPK, VIN...),
   tell whether two images come from the same ECU, find the original of a tuned file. */
#define _POSIX_C_SOURCE 200809L
#include <ecu/ecu.h>

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "batch.h"
#include "contract.h"
#include "tool.h"

struct opts {
    enum tool_format fmt;
    int verbose, quiet;
    uint64_t max_span;
};

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: %s [options] FILE...\n"
            "       %s [options] -r FOLDER... | --files-from LIST\n"
            "       %s --match [options] FILE1 FILE2\n"
            "       %s --find-original [options] TUNED DIR|FILE...\n"
            "\n"
            "Identify ECU images: manufacturer, family, hardware and software numbers, part\n"
            "number, EPK, software version, VIN. Raw binary, Intel HEX and S-record files are\n"
            "read, each optionally gzip'ed; '-' is standard input.\n"
            "\n"
            "Options:\n"
            "      --format FORMAT   text (default), json (one object per record, one per\n"
            "                        line) or export (KEY=value lines for the shell)\n"
            "      --json            the same as --format json\n"
            "  -v, --verbose         list every candidate of each field, with how it was found\n"
            "                        (--match: every key of both; --find-original: the files\n"
            "                        passed over, and why)\n"
            "      --match           tell whether FILE1 and FILE2 come from the same ECU\n"
            "      --find-original   rank the candidates that share TUNED's identity by their\n"
            "                        share of equal bytes (folders are read one level deep)\n"
            "      --max-span N      refuse images spanning more than N bytes (default 64M)\n"
            "  -r, --recursive       walk the folders named (bytewise order, depth first)\n"
            "      --files-from LIST also identify the files named in LIST ('-': standard\n"
            "                        input), one a line\n"
            "  -0, --null            the names in LIST end with a NUL byte (find -print0)\n"
            "  -j, --jobs N          identify N files at a time (default: one per processor);\n"
            "                        the reports keep the input order\n"
            "      --junit FILE      also write a JUnit XML report to FILE\n"
            "  -q, --quiet, --silent print nothing; the exit status tells\n"
            "  -h, --help            show this help and exit\n"
            "  -V, --version         show the version and exit\n"
            "\n"
            "Exit status: 0 identified (--match: same ECU; --find-original: found), 1 --match:\n"
            "different ECU, --find-original: none fits, 2 trouble, 3 nothing identified\n"
            "(--match, --find-original: not enough identity to decide). With several files\n"
            "the most serious wins: 2, then 1, then 3. See ecu-id(1).\n",
            tool_name(), tool_name(), tool_name(), tool_name());
}

static int analyze(FILE *err, ecu_id *id, const ecu_image *img, const char *file, char *msg,
                   size_t msgsz)
{
    int rc = ecu_id_analyze(id, ecu_image_data(img), ecu_image_size(img));
    if (rc != ECU_OK) {
        tool_error_to(err, file, "%s", ecu_strerror(rc));
        snprintf(msg, msgsz, "%s", ecu_strerror(rc));
        return -1;
    }
    return 0;
}

/* Whether field @p i is the first (best) one of its key. */
static int best_of_key(const ecu_id *id, size_t i)
{
    return i == 0 || strcmp(ecu_id_field_at(id, i - 1)->key, ecu_id_field_at(id, i)->key) != 0;
}

static void print_offset(FILE *out, const ecu_id_field *fl)
{
    if (fl->offset == ECU_ID_NO_OFFSET)
        fprintf(out, "(confidence %u", fl->confidence);
    else
        fprintf(out, "(at 0x%" PRIX64 ", confidence %u", fl->offset, fl->confidence);
}

/* A text line that starts with file name @p file: the backslash of an escaped name first. */
static void put_line_name(FILE *out, const char *file)
{
    if (tool_name_escaped(file))
        fputc('\\', out);
    tool_put_name(out, file);
}

static void report(FILE *out, const char *file, const ecu_id *id, const struct opts *o,
                   const char *status, int exit)
{
    size_t i, n = ecu_id_field_count(id);
    if (o->quiet)
        return;
    if (o->fmt == TOOL_JSON) {
        fprintf(out, "{\"file\":");
        json_string(out, file);
        fprintf(out, ",\"status\":\"%s\",\"exit\":%d,\"fields\":[", status, exit);
        for (i = 0; i < n; i++) {
            const ecu_id_field *fl = ecu_id_field_at(id, i);
            fprintf(out, "%s{\"key\":", i ? "," : "");
            json_string(out, fl->key);
            fprintf(out, ",\"value\":");
            json_string(out, fl->value);
            if (fl->offset == ECU_ID_NO_OFFSET)
                fprintf(out, ",\"offset\":null");
            else
                fprintf(out, ",\"offset\":%" PRIu64, fl->offset);
            fprintf(out, ",\"confidence\":%u,\"best\":%s,\"source\":", fl->confidence,
                    best_of_key(id, i) ? "true" : "false");
            json_string(out, fl->source);
            fprintf(out, "}");
        }
        fprintf(out, "]}\n");
        return;
    }
    if (o->fmt == TOOL_EXPORT) {
        export_str(out, "FILE", file);
        export_str(out, "STATUS", status);
        export_u64(out, "EXIT", (uint64_t)exit);
        for (i = 0; i < n; i++) {
            const ecu_id_field *fl = ecu_id_field_at(id, i);
            char num[32];
            if (!best_of_key(id, i))
                continue;
            export_field(out, NULL, fl->key, fl->value);
            if (!o->verbose)
                continue;
            /* -v: where each best value was found, and how sure it is */
            if (fl->offset != ECU_ID_NO_OFFSET) {
                snprintf(num, sizeof num, "0x%" PRIX64, fl->offset);
                export_field(out, "OFFSET_", fl->key, num);
            }
            snprintf(num, sizeof num, "%u", fl->confidence);
            export_field(out, "CONFIDENCE_", fl->key, num);
            export_field(out, "SOURCE_", fl->key, fl->source);
        }
        fputc('\n', out);
        return;
    }
    put_line_name(out, file);
    if (!n) {
        fprintf(out, ": nothing identified\n");
        return;
    }
    fprintf(out, ":\n");
    for (i = 0; i < n; i++) {
        const ecu_id_field *fl = ecu_id_field_at(id, i);
        if (!o->verbose && !best_of_key(id, i))
            continue;
        fprintf(out, "  %-12s %s ", fl->key, fl->value);
        print_offset(out, fl);
        if (o->verbose)
            fprintf(out, ": %s", fl->source);
        else if (strcmp(fl->key, "vin") == 0 && fl->confidence < 50)
            fprintf(out, ", check digit wrong");
        fprintf(out, ")\n");
    }
}

/* The record of a file that could not be read or analysed (text: the message says it). */
static void report_error(FILE *out, const char *file, const struct opts *o, const char *msg)
{
    if (o->quiet)
        return;
    tool_error_record(out, o->fmt, file, msg);
}

/* What identify_file() works with: the options and an identification handle of its own (one
   per worker thread, never shared). */
struct id_ctx {
    const struct opts *o;
    ecu_id *id;
    ecu_image *img; /* the worker's image handle, kept from file to file (several workers:
                       its read buffers reused, ecu_image_set_reuse), or NULL: one per file */
    int reuse;      /* whether to make it */
    unsigned files; /* how many files the worker has had */
};

/*
 * Identifies and reports one file: the report on @p out, the messages on @p err. Reads
 * nothing global that changes (the batch runner's per-file function).
 */
static struct tool_result identify_file(void *ctx, const char *file, FILE *out, FILE *err)
{
    struct id_ctx *x = ctx;
    ecu_image *img = x->img ? x->img : ecu_image_new();
    struct tool_result res;
    char msg[256];
    memset(&res, 0, sizeof res);
    if (!img) {
        tool_error_to(err, NULL, "out of memory");
        tool_result_set(&res, EXIT_TROUBLE, "error", "out of memory");
        report_error(out, file, x->o, res.reason);
        return res;
    }
    if (tool_load_to(err, img, file, x->o->max_span, msg, sizeof msg) ||
        analyze(err, x->id, img, file, msg, sizeof msg)) {
        tool_result_set(&res, EXIT_TROUBLE, "error", "%s", msg);
        report_error(out, file, x->o, msg);
    } else if (ecu_id_field_count(x->id)) {
        tool_result_set(&res, EXIT_YES, "identified", "%s", "");
        report(out, file, x->id, x->o, res.status, res.exit);
    } else {
        tool_result_set(&res, EXIT_UNKNOWN, "unidentified", "nothing identified");
        report(out, file, x->id, x->o, res.status, res.exit);
    }
    if (img != x->img)
        ecu_image_free(img);
    return res;
}

/* The batch runner's per-file function: identify_file() with the worker's own handle, made
   at the worker's first file. */
static struct tool_result identify_worker(void *arg, unsigned worker, const char *file, FILE *out,
                                          FILE *err)
{
    struct id_ctx *x = (struct id_ctx *)arg + worker;
    if (!x->id && !(x->id = ecu_id_new())) {
        struct tool_result res;
        memset(&res, 0, sizeof res);
        tool_error_to(err, NULL, "out of memory");
        tool_result_set(&res, EXIT_TROUBLE, "error", "out of memory");
        report_error(out, file, x->o, res.reason);
        return res;
    }
    (void)batch_worker_image(&x->img, &x->files, x->reuse); /* kept buffers (batch.h) */
    return identify_file(x, file, out, err);
}

/* Identifies the files, folders (-r) and --files-from lists of @p bo, on its workers; the
   worst exit status (2, then 1, then 3, then 0). */
static int identify(char **files, int nfiles, const struct opts *o, struct batch_opts *bo)
{
    struct id_ctx *x;
    unsigned i, n = batch_workers(bo);
    int status;
    if (!(x = calloc(n, sizeof *x))) {
        tool_error(NULL, "out of memory");
        return EXIT_TROUBLE;
    }
    for (i = 0; i < n; i++) {
        x[i].o = o;
        x[i].reuse = n > 1;
    }
    bo->quiet = o->quiet;
    bo->format = (int)o->fmt;
    bo->words[0] = "identified";
    bo->words[1] = ""; /* plain identification gives no negative answer */
    bo->words[3] = "unidentified";
    status = batch_run(bo, files, nfiles, identify_worker, x);
    for (i = 0; i < n; i++) {
        ecu_id_free(x[i].id);
        ecu_image_free(x[i].img);
    }
    free(x);
    return status;
}

static const char *value_of(const ecu_id *id, const char *key)
{
    const ecu_id_field *f = ecu_id_get(id, key);
    return f ? f->value : "";
}

/* The "files" array of a record about several inputs; @p role may be NULL. */
static void json_files(FILE *out, char *const *files, size_t n, const char *const *roles)
{
    size_t i;
    fprintf(out, "\"files\":[");
    for (i = 0; i < n; i++) {
        fprintf(out, "%s{\"file\":", i ? "," : "");
        json_string(out, files[i]);
        if (roles) {
            fprintf(out, ",\"role\":");
            json_string(out, roles[i]);
        }
        fputc('}', out);
    }
    fputc(']', out);
}

/* The record of a multi-input mode that ran into trouble: "files", status error, the message
   naming the file. */
static void multi_error(const struct opts *o, char *const *files, size_t n,
                        const char *const *roles, const char *msg)
{
    if (o->quiet)
        return;
    if (o->fmt == TOOL_JSON) {
        putchar('{');
        json_files(stdout, files, n, roles);
        printf(",\"status\":\"error\",\"exit\":2,\"error\":");
        json_string(stdout, msg);
        printf("}\n");
    } else if (o->fmt == TOOL_EXPORT) {
        size_t i;
        char key[32];
        for (i = 0; i < n; i++) {
            snprintf(key, sizeof key, "FILE%zu", i + 1);
            export_str(stdout, key, files[i]);
        }
        export_str(stdout, "STATUS", "error");
        export_u64(stdout, "EXIT", EXIT_TROUBLE);
        export_str(stdout, "ERROR", msg);
        putchar('\n');
    }
}

/* Loads and identifies @p file; 0, or -1 with the message ("FILE: why") in @p msg. */
static int load_id(ecu_image *img, ecu_id *id, const char *file, const struct opts *o, char *msg,
                   size_t msgsz)
{
    char why[256];
    if (tool_load_to(stderr, img, file, o->max_span, why, sizeof why) ||
        analyze(stderr, id, img, file, why, sizeof why)) {
        snprintf(msg, msgsz, "%s: %s", file, why);
        return -1;
    }
    return 0;
}

static int match(char **files, const struct opts *o)
{
    ecu_id *id[2] = {ecu_id_new(), ecu_id_new()};
    ecu_image *img = ecu_image_new();
    const char *keys[ECU_ID_MAX_KEYS];
    const char *word;
    size_t nk = 0, i;
    int k, status = EXIT_TROUBLE;
    char msg[600];
    ecu_id_match m;
    if (!id[0] || !id[1] || !img) {
        tool_error(NULL, "out of memory");
        multi_error(o, files, 2, NULL, "out of memory");
        goto out;
    }
    for (k = 0; k < 2; k++)
        if (load_id(img, id[k], files[k], o, msg, sizeof msg)) {
            multi_error(o, files, 2, NULL, msg);
            goto out;
        }
    m = ecu_id_compare(id[0], id[1], keys, &nk);
    status = m == ECU_ID_SAME ? EXIT_YES : m == ECU_ID_DIFFERENT ? EXIT_NO : EXIT_UNKNOWN;
    word = m == ECU_ID_SAME ? "same" : m == ECU_ID_DIFFERENT ? "different" : "undecided";
    if (o->quiet)
        goto out;
    if (o->fmt == TOOL_JSON) {
        putchar('{');
        json_files(stdout, files, 2, NULL);
        printf(",\"status\":\"%s\",\"exit\":%d,\"keys\":[", word, status);
        for (i = 0; i < nk; i++) {
            printf("%s{\"key\":", i ? "," : "");
            json_string(stdout, keys[i]);
            printf(",\"values\":[");
            json_string(stdout, value_of(id[0], keys[i]));
            putchar(',');
            json_string(stdout, value_of(id[1], keys[i]));
            printf("]}");
        }
        printf("]}\n");
    } else if (o->fmt == TOOL_EXPORT) {
        export_str(stdout, "FILE1", files[0]);
        export_str(stdout, "FILE2", files[1]);
        export_str(stdout, "STATUS", word);
        export_u64(stdout, "EXIT", (uint64_t)status);
        printf("KEYS=");
        if (nk) {
            for (i = 0; i < nk; i++)
                printf("%s%s", i ? "," : "", keys[i]);
        } else {
            printf("''");
        }
        putchar('\n');
        for (i = 0; o->verbose && i < nk; i++) {
            export_field(stdout, "VALUE1_", keys[i], value_of(id[0], keys[i]));
            export_field(stdout, "VALUE2_", keys[i], value_of(id[1], keys[i]));
        }
        putchar('\n');
    } else {
        if (m == ECU_ID_SAME) {
            printf("same ECU:");
            for (i = 0; i < nk; i++)
                printf("%s %s %s", i ? "," : "", keys[i], value_of(id[0], keys[i]));
            putchar('\n');
        } else if (m == ECU_ID_DIFFERENT) {
            printf("different ECU:");
            for (i = 0; i < nk; i++)
                printf("%s %s %s / %s", i ? "," : "", keys[i], value_of(id[0], keys[i]),
                       value_of(id[1], keys[i]));
            putchar('\n');
        } else {
            printf("undecided: not enough identity in both files (hardware and software number, "
                   "part number and software version or number, or calibration ID)\n");
        }
        if (o->verbose) /* -v: each file's identification */
            for (k = 0; k < 2; k++)
                report(stdout, files[k], id[k], o, "", 0);
    }
out:
    ecu_id_free(id[0]);
    ecu_id_free(id[1]);
    ecu_image_free(img);
    return status;
}

/* ---- --find-original -------------------------------------------------------------------------- */

struct cand {
    char *path;
    double score;
};

static int cand_cmp(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return strcmp(x->path, y->path);
}

/* Share of equal bytes, over the longer of the two images (a byte only one has differs): the
   comparison of ecu-cmp, without its diagnoses. -1 when memory runs out. */
static double equal_share(const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
    const uint8_t *d[2] = {a, b};
    size_t sz[2] = {na, nb}, longer = na > nb ? na : nb;
    ecu_cmp *c = ecu_cmp_new();
    double share = -1;
    if (c && ecu_cmp_set_diagnose(c, 0) == ECU_OK && ecu_cmp_run(c, 2, d, sz) == ECU_OK)
        share = longer ? (double)(longer - ecu_cmp_differing(c)) / (double)longer : 1.0;
    ecu_cmp_free(c);
    return share;
}

static int names_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends @p p (taken over) to the paths; -1 when memory runs out. */
static int add_path(char ***paths, size_t *n, char *p)
{
    char **v;
    if (!p || !(v = realloc(*paths, (*n + 1) * sizeof *v))) {
        free(p);
        return -1;
    }
    *paths = v;
    (*paths)[(*n)++] = p;
    return 0;
}

/*
 * Appends the candidate paths of @p arg (a file, or the regular files of a folder, joined
 * without a doubled slash). A folder or file that does not exist or cannot be read is
 * trouble: -1 after saying why (in @p msg too, "ARG: why").
 */
static int collect(const char *arg, char ***paths, size_t *n, char *msg, size_t msgsz)
{
    struct stat st;
    if (strcmp(arg, "-") == 0)
        return add_path(paths, n, strdup(arg)) ? (snprintf(msg, msgsz, "out of memory"), -1) : 0;
    if (stat(arg, &st) != 0) {
        snprintf(msg, msgsz, "%s: cannot open: %s", arg, strerror(errno));
        tool_error(arg, "cannot open: %s", strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        DIR *dir = opendir(arg);
        struct dirent *e;
        size_t first = *n;
        if (!dir) {
            snprintf(msg, msgsz, "%s: cannot read the folder: %s", arg, strerror(errno));
            tool_error(arg, "cannot read the folder: %s", strerror(errno));
            return -1;
        }
        while ((e = readdir(dir)) != NULL) {
            char *p;
            struct stat fs;
            if (e->d_name[0] == '.')
                continue;
            if (!(p = tool_join_path(arg, e->d_name))) {
                closedir(dir);
                snprintf(msg, msgsz, "out of memory");
                tool_error(NULL, "out of memory");
                return -1;
            }
            if (stat(p, &fs) != 0 || !S_ISREG(fs.st_mode)) {
                free(p);
                continue;
            }
            if (add_path(paths, n, p)) {
                closedir(dir);
                snprintf(msg, msgsz, "out of memory");
                tool_error(NULL, "out of memory");
                return -1;
            }
        }
        closedir(dir);
        qsort(*paths + first, *n - first, sizeof **paths, names_cmp);
        return 0;
    }
    if (add_path(paths, n, strdup(arg))) {
        snprintf(msg, msgsz, "out of memory");
        tool_error(NULL, "out of memory");
        return -1;
    }
    return 0;
}

/* A file passed over (-v), and why. */
struct skipped {
    const char *path;
    const char *why;
};

static void find_report(const struct opts *o, const char *tuned, const struct cand *c, size_t nc,
                        const struct skipped *sk, size_t nsk, const char *status, int exit,
                        const char *error)
{
    size_t i;
    char key[32];
    if (o->quiet)
        return;
    if (o->fmt == TOOL_JSON) {
        printf("{\"files\":[{\"file\":");
        json_string(stdout, tuned);
        printf(",\"role\":\"tuned\"}");
        for (i = 0; i < nc; i++) {
            printf(",{\"file\":");
            json_string(stdout, c[i].path);
            printf(",\"role\":\"candidate\",\"rank\":%zu,\"equal\":%.6f}", i + 1, c[i].score);
        }
        printf("],\"status\":\"%s\",\"exit\":%d", status, exit);
        if (error) {
            printf(",\"error\":");
            json_string(stdout, error);
        }
        if (o->verbose) {
            printf(",\"skipped\":[");
            for (i = 0; i < nsk; i++) {
                printf("%s{\"file\":", i ? "," : "");
                json_string(stdout, sk[i].path);
                printf(",\"why\":");
                json_string(stdout, sk[i].why);
                putchar('}');
            }
            putchar(']');
        }
        printf("}\n");
        return;
    }
    if (o->fmt == TOOL_EXPORT) {
        export_str(stdout, "TUNED", tuned);
        export_str(stdout, "STATUS", status);
        export_u64(stdout, "EXIT", (uint64_t)exit);
        if (error)
            export_str(stdout, "ERROR", error);
        export_u64(stdout, "CANDIDATES", nc);
        for (i = 0; i < nc; i++) {
            char share[32];
            snprintf(key, sizeof key, "CANDIDATE%zu", i + 1);
            export_str(stdout, key, c[i].path);
            snprintf(key, sizeof key, "EQUAL%zu", i + 1);
            snprintf(share, sizeof share, "%.6f", c[i].score);
            export_str(stdout, key, share);
        }
        for (i = 0; o->verbose && i < nsk; i++) {
            snprintf(key, sizeof key, "SKIPPED%zu", i + 1);
            export_str(stdout, key, sk[i].path);
            snprintf(key, sizeof key, "SKIPPED%zu_WHY", i + 1);
            export_str(stdout, key, sk[i].why);
        }
        putchar('\n');
        return;
    }
    for (i = 0; i < nc; i++) {
        if (tool_name_escaped(c[i].path))
            putchar('\\');
        printf("%9.5f%%  ", c[i].score * 100.0);
        tool_put_name(stdout, c[i].path);
        putchar('\n');
    }
    for (i = 0; o->verbose && i < nsk; i++) {
        if (tool_name_escaped(sk[i].path))
            putchar('\\');
        printf("skipped: ");
        tool_put_name(stdout, sk[i].path);
        printf(": %s\n", sk[i].why);
    }
    if (exit == EXIT_UNKNOWN) {
        put_line_name(stdout, tuned);
        printf(": not enough identity to find its original (hardware and software number, part "
               "number and software version or number, or calibration ID)\n");
    } else if (!nc && exit == EXIT_NO) {
        put_line_name(stdout, tuned);
        printf(": no candidate has the same identity\n");
    }
    /* trouble: the messages on standard error say it */
}

static int find_original(char **args, int nargs, const struct opts *o)
{
    ecu_id *tuned_id = ecu_id_new(), *id = ecu_id_new();
    ecu_image *tuned = ecu_image_new(), *img = ecu_image_new();
    char **paths = NULL;
    struct cand *c = NULL;
    struct skipped *sk = NULL;
    size_t np = 0, nc = 0, nsk = 0, i;
    int k, status = EXIT_TROUBLE;
    struct stat ts;
    int have_ts;
    char msg[600] = "", first_err[600] = "";
    if (!tuned_id || !id || !tuned || !img) {
        tool_error(NULL, "out of memory");
        find_report(o, args[0], NULL, 0, NULL, 0, "error", EXIT_TROUBLE, "out of memory");
        goto out;
    }
    if (load_id(tuned, tuned_id, args[0], o, msg, sizeof msg)) {
        find_report(o, args[0], NULL, 0, NULL, 0, "error", EXIT_TROUBLE, msg);
        goto out;
    }
    have_ts = strcmp(args[0], "-") != 0 && stat(args[0], &ts) == 0;
    /* every candidate argument is checked, also when the tuned file decides nothing: a
       missing folder is trouble, never "no candidate" */
    for (k = 1; k < nargs; k++)
        if (collect(args[k], &paths, &np, msg, sizeof msg) && !first_err[0])
            snprintf(first_err, sizeof first_err, "%s", msg);
    if (ecu_id_compare(tuned_id, tuned_id, NULL, NULL) != ECU_ID_SAME) {
        status = first_err[0] ? EXIT_TROUBLE : EXIT_UNKNOWN;
        find_report(o, args[0], NULL, 0, NULL, 0, first_err[0] ? "error" : "undecided", status,
                    first_err[0] ? first_err : NULL);
        goto out;
    }
    if (!(c = calloc(np ? np : 1, sizeof *c)) || !(sk = calloc(np ? np : 1, sizeof *sk))) {
        tool_error(NULL, "out of memory");
        find_report(o, args[0], NULL, 0, NULL, 0, "error", EXIT_TROUBLE, "out of memory");
        goto out;
    }
    for (i = 0; i < np; i++) {
        struct stat ps;
        if (have_ts && stat(paths[i], &ps) == 0 && ps.st_dev == ts.st_dev && ps.st_ino == ts.st_ino)
            continue; /* the tuned file itself */
        if (load_id(img, id, paths[i], o, msg, sizeof msg)) {
            if (!first_err[0])
                snprintf(first_err, sizeof first_err, "%s", msg);
            sk[nsk].path = paths[i];
            sk[nsk++].why = "cannot be read";
            continue;
        }
        if (ecu_id_compare(tuned_id, id, NULL, NULL) != ECU_ID_SAME) {
            sk[nsk].path = paths[i];
            sk[nsk++].why = ecu_id_compare(id, id, NULL, NULL) != ECU_ID_SAME
                                ? "not enough identity"
                                : "another identity";
            continue;
        }
        c[nc].path = paths[i];
        c[nc].score = equal_share(ecu_image_data(tuned), ecu_image_size(tuned),
                                  ecu_image_data(img), ecu_image_size(img));
        if (c[nc].score < 0) {
            tool_error(NULL, "out of memory");
            if (!first_err[0])
                snprintf(first_err, sizeof first_err, "out of memory");
            continue;
        }
        nc++;
    }
    qsort(c, nc, sizeof *c, cand_cmp);
    /* the worst wins: trouble (a candidate or folder not read), then none, then found */
    status = first_err[0] ? EXIT_TROUBLE : nc ? EXIT_YES : EXIT_NO;
    find_report(o, args[0], c, nc, sk, nsk, first_err[0] ? "error" : nc ? "found" : "none", status,
                first_err[0] ? first_err : NULL);
out:
    for (i = 0; i < np; i++)
        free(paths[i]);
    free(paths);
    free(c);
    free(sk);
    ecu_id_free(tuned_id);
    ecu_id_free(id);
    ecu_image_free(tuned);
    ecu_image_free(img);
    return status;
}

int main(int argc, char **argv)
{
    enum { OPT_JSON = 256, OPT_MATCH, OPT_FIND, OPT_MAXSPAN, OPT_FORMAT };
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"json", no_argument, NULL, OPT_JSON},
        {"verbose", no_argument, NULL, 'v'},
        {"match", no_argument, NULL, OPT_MATCH},
        {"find-original", no_argument, NULL, OPT_FIND},
        {"max-span", required_argument, NULL, OPT_MAXSPAN},
        {"quiet", no_argument, NULL, 'q'},
        {"silent", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        BATCH_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    static const char shortopts[] = ":o:vqhV" BATCH_SHORTOPTS;
    struct opts o;
    struct batch_opts bo;
    int ch, mode = 0, nfiles, status;

    tool_check_library(argv[0]); /* before anything else uses the library */
    memset(&o, 0, sizeof o);
    batch_opts_init(&bo);
    tool_init(argv[0]);
    opterr = 0;
    while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        int taken = batch_option(&bo, ch, optarg); /* -r -0 -j --files-from --junit */
        if (taken < 0)
            return EXIT_TROUBLE;
        if (taken)
            continue;
        switch (ch) {
        case 'o': /* an output file in the ecu tools: ecu-id writes none */
            tool_refuse_output_option(optarg);
            return EXIT_TROUBLE;
        case OPT_FORMAT:
            if (tool_parse_format(optarg, &o.fmt))
                return EXIT_TROUBLE;
            break;
        case OPT_JSON: o.fmt = TOOL_JSON; break;
        case 'v': o.verbose = 1; break;
        case 'q': o.quiet = 1; break;
        case OPT_MATCH:
        case OPT_FIND:
            if (mode && mode != ch) {
                tool_error(NULL, "--match and --find-original exclude each other");
                return EXIT_TROUBLE;
            }
            mode = ch;
            break;
        default: /* --max-span, -h, -V, a missing argument, an unknown option */
            status = tool_common_option(ch, OPT_MAXSPAN, &o.max_span, usage, argv, shortopts,
                                        longopts);
            if (status != TOOL_OPTION_TAKEN)
                return status;
            break;
        }
    }
    nfiles = argc - optind;
    if (mode && bo.given) {
        tool_usage_error("-r, --files-from, -0, -j and --junit go with the identification of "
                         "files, not with %s", mode == OPT_MATCH ? "--match" : "--find-original");
        return EXIT_TROUBLE;
    }
    if (!mode) { /* identification: the files, folders and lists of the batch runner */
        if (batch_check(&bo, argv + optind, nfiles, 1))
            return EXIT_TROUBLE;
        return tool_close_stdout(identify(argv + optind, nfiles, &o, &bo));
    }
    if (nfiles < 1) {
        tool_usage_error("no file given");
        return EXIT_TROUBLE;
    }
    if (mode == OPT_MATCH && nfiles != 2) {
        tool_error(NULL, "--match takes exactly two files");
        return EXIT_TROUBLE;
    }
    if (mode == OPT_FIND && nfiles < 2) {
        tool_error(NULL, "--find-original takes the tuned file and at least one candidate");
        return EXIT_TROUBLE;
    }
    if (tool_stdin_once(argv + optind, nfiles))
        return EXIT_TROUBLE;
    if (mode == OPT_MATCH)
        return tool_close_stdout(match(argv + optind, &o));
    return tool_close_stdout(find_original(argv + optind, nfiles, &o));
}
