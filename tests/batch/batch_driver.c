/* SPDX-License-Identifier: MIT */
/*
 * A small tool over the batch runner (cmd/common/batch.c), for tests/batch/test_batch.py, the
 * ThreadSanitizer run and bench/batch.sh. Its per-file function is one of:
 *   --mode content (default): reads the whole file, hashes it (work in proportion to its size)
 *       and takes its exit status from a first line "exit=N sleep=MS" (sleeping MS ms first);
 *       a file without that line is ok;
 *   --mode trivial: touches no file, reports the name (the runner's own cost);
 *   --mode csum: real libecu work, ecu_image_load_file, ecu_csum_analyze and ecu_id_analyze
 *       with one handle of each per worker (ok 0, bad 1, otherwise undecided 3).
 */
#define _GNU_SOURCE
#include "batch.h"
#include "tool.h"

#include <ecu/csum.h>
#include <ecu/error.h>
#include <ecu/id.h>
#include <ecu/image.h>

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { MODE_CONTENT, MODE_TRIVIAL, MODE_CSUM };

struct ctx {
    int mode;
    int format;
    unsigned workers;
    ecu_csum **cs; /* per worker, made on first use by that worker */
    ecu_id **id;
};

static const char *const words[4] = {"ok", "bad", "error", "unknown"};

static struct tool_result result(int exit_status, const char *reason)
{
    struct tool_result r;
    memset(&r, 0, sizeof r);
    r.exit = exit_status;
    r.status = words[exit_status];
    if (exit_status && reason)
        snprintf(r.reason, sizeof r.reason, "%s", reason);
    return r;
}

static void record(const struct ctx *c, FILE *out, const char *file, int exit_status,
                   const char *detail)
{
    if (c->format == BATCH_JSON) {
        fputs("{\"file\":", out);
        json_string(out, file);
        fprintf(out, ",\"status\":\"%s\",\"exit\":%d,\"detail\":", words[exit_status],
                exit_status);
        json_string(out, detail);
        fputs("}\n", out);
    } else if (c->format == BATCH_EXPORT) {
        fprintf(out, "FILE=%s\nSTATUS=%s\nEXIT=%d\n\n", file, words[exit_status], exit_status);
    } else {
        fprintf(out, "%s: %s %s\n", file, words[exit_status], detail);
    }
}

static struct tool_result error_result(const struct ctx *c, FILE *out, FILE *err,
                                       const char *file, const char *msg)
{
    fprintf(err, "%s: %s: %s\n", tool_name(), file, msg);
    if (c->format == BATCH_JSON) {
        fputs("{\"file\":", out);
        json_string(out, file);
        fputs(",\"status\":\"error\",\"exit\":2,\"error\":", out);
        json_string(out, msg);
        fputs("}\n", out);
    }
    return result(2, msg);
}

static struct tool_result content(const struct ctx *c, const char *file, FILE *out, FILE *err)
{
    FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "rb");
    unsigned char buf[65536];
    char head[64], msg[300], detail[64];
    uint64_t h = 14695981039346656037u, size = 0;
    size_t n, i;
    int st = 0, ms = 0;
    if (!f) {
        snprintf(msg, sizeof msg, "cannot open: %s", strerror(errno));
        return error_result(c, out, err, file, msg);
    }
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (!size) {
            size_t k = n < sizeof head - 1 ? n : sizeof head - 1;
            memcpy(head, buf, k);
            head[k] = '\0';
            if (sscanf(head, "exit=%d sleep=%d", &st, &ms) < 1 || st < 0 || st > 3)
                st = 0;
        }
        for (i = 0; i < n; i++) /* FNV-1a: the work grows with the size */
            h = (h ^ buf[i]) * 1099511628211u;
        size += n;
    }
    if (ferror(f)) {
        snprintf(msg, sizeof msg, "read error: %s", strerror(errno));
        if (f != stdin)
            fclose(f);
        return error_result(c, out, err, file, msg);
    }
    if (f != stdin)
        fclose(f);
    if (ms > 0) {
        struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    if (st == 2)
        return error_result(c, out, err, file, "declared an error");
    snprintf(detail, sizeof detail, "%016llx %llu", (unsigned long long)h,
             (unsigned long long)size);
    record(c, out, file, st, detail);
    snprintf(msg, sizeof msg, "declared %s", words[st]);
    return result(st, msg);
}

static struct tool_result csum(struct ctx *c, unsigned worker, const char *file, FILE *out,
                               FILE *err)
{
    ecu_image *img;
    char detail[256], msg[300];
    const ecu_family_info *fam;
    int rc, st;
    ecu_verdict v;
    if (!c->cs[worker] && !(c->cs[worker] = ecu_csum_new()))
        return error_result(c, out, err, file, "out of memory");
    if (!c->id[worker] && !(c->id[worker] = ecu_id_new()))
        return error_result(c, out, err, file, "out of memory");
    if (!(img = ecu_image_new()))
        return error_result(c, out, err, file, "out of memory");
    if (ecu_image_load_file(img, file) != ECU_OK) {
        snprintf(msg, sizeof msg, "%s", ecu_image_error_detail(img));
        ecu_image_free(img);
        return error_result(c, out, err, file, msg);
    }
    if ((rc = ecu_csum_analyze(c->cs[worker], ecu_image_data(img), ecu_image_size(img))) != ECU_OK ||
        (rc = ecu_id_analyze(c->id[worker], ecu_image_data(img), ecu_image_size(img))) != ECU_OK) {
        ecu_image_free(img);
        return error_result(c, out, err, file, ecu_strerror(rc));
    }
    v = ecu_csum_verdict(c->cs[worker]);
    st = v == ECU_VERDICT_OK ? 0 : v == ECU_VERDICT_BAD ? 1 : 3;
    fam = ecu_csum_family(c->cs[worker]);
    snprintf(detail, sizeof detail, "%s blocks=%zu bad=%zu fields=%zu",
             fam ? fam->name : "-", ecu_csum_block_count(c->cs[worker]),
             ecu_csum_bad_count(c->cs[worker]), ecu_id_field_count(c->id[worker]));
    ecu_image_free(img);
    record(c, out, file, st, detail);
    return result(st, ecu_csum_evidence(c->cs[worker]));
}

static struct tool_result one(void *ctx, unsigned worker, const char *file, FILE *out, FILE *err)
{
    struct ctx *c = ctx;
    switch (c->mode) {
    case MODE_TRIVIAL:
        record(c, out, file, 0, "-");
        return result(0, NULL);
    case MODE_CSUM:
        return csum(c, worker, file, out, err);
    default:
        return content(c, file, out, err);
    }
}

int main(int argc, char **argv)
{
    enum { OPT_FORMAT = 256, OPT_JSON, OPT_MODE, OPT_PROGRESS, OPT_SUMMARY };
    static const struct option longopts[] = {
        BATCH_LONGOPTS,
        {"quiet", no_argument, NULL, 'q'},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"json", no_argument, NULL, OPT_JSON},
        {"mode", required_argument, NULL, OPT_MODE},
        {"progress", no_argument, NULL, OPT_PROGRESS},
        {"summary", required_argument, NULL, OPT_SUMMARY},
        {NULL, 0, NULL, 0},
    };
    struct batch_opts o;
    struct ctx c;
    int ch, status;
    unsigned i;
    tool_init(argv[0]);
    batch_opts_init(&o);
    memset(&c, 0, sizeof c);
    opterr = 0;
    while ((ch = getopt_long(argc, argv, BATCH_SHORTOPTS "q", longopts, NULL)) != -1) {
        int taken = batch_option(&o, ch, optarg);
        if (taken < 0)
            return EXIT_TROUBLE;
        if (taken)
            continue;
        switch (ch) {
        case 'q': o.quiet = 1; break;
        case OPT_JSON: o.format = BATCH_JSON; break;
        case OPT_FORMAT:
            if (strcmp(optarg, "text") == 0)
                o.format = BATCH_TEXT;
            else if (strcmp(optarg, "json") == 0)
                o.format = BATCH_JSON;
            else if (strcmp(optarg, "export") == 0)
                o.format = BATCH_EXPORT;
            else {
                tool_usage_error("unknown format '%s'", optarg);
                return EXIT_TROUBLE;
            }
            break;
        case OPT_MODE:
            c.mode = strcmp(optarg, "trivial") == 0 ? MODE_TRIVIAL
                   : strcmp(optarg, "csum") == 0    ? MODE_CSUM
                                                    : MODE_CONTENT;
            break;
        case OPT_PROGRESS: o.progress = 1; break;
        case OPT_SUMMARY: o.summary = strcmp(optarg, "always") == 0 ? 1 : 0; break;
        default:
            tool_bad_option(argv, optind, optopt, BATCH_SHORTOPTS "q", longopts);
            return EXIT_TROUBLE;
        }
    }
    if (batch_check(&o, argv + optind, argc - optind, 1) != 0)
        return EXIT_TROUBLE;
    c.format = o.format;
    c.workers = batch_workers(&o);
    c.cs = calloc(c.workers, sizeof *c.cs);
    c.id = calloc(c.workers, sizeof *c.id);
    if (!c.cs || !c.id) {
        tool_error(NULL, "out of memory");
        return EXIT_TROUBLE;
    }
    status = batch_run(&o, argv + optind, argc - optind, one, &c);
    for (i = 0; i < c.workers; i++) {
        ecu_csum_free(c.cs[i]);
        ecu_id_free(c.id[i]);
    }
    free(c.cs);
    free(c.id);
    return tool_close_stdout(status);
}
