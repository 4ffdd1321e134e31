/* SPDX-License-Identifier: MIT */
/*
 * ecu-csum --discover: checksum discovery (ecu/discover.h) on each file, one line per finding
 * (text), one record per file (json, export). ecu-csum --learn: the blocks that hold in every
 * file of a family (ecu_learn_run), written as an ecu-layout(5) file for ecu-csum --layout.
 */
#define _POSIX_C_SOURCE 200809L
#include <ecu/ecu.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csum_learn.h"
#include "tool.h"

static const char *const form_name[] = {"plain", "complement", "balance", "selfsum", "crc-target"};
static const char *const source_name[] = {"table", "aligned", "erased"};

int csum_parse_bound(const char *s, double *out)
{
    char *end;
    double v;
    errno = 0;
    v = strtod(s, &end);
    if (!*s || *end || errno || !(v > 0 && v <= 1)) {
        tool_usage_error("--bound: not a number above 0 and at most 1: '%s'", s);
        return -1;
    }
    *out = v;
    return 0;
}

static unsigned digits_of(const ecu_finding *f) { return f->acc_bits <= 16 ? 4 : f->acc_bits <= 32 ? 8 : 16; }

/* the ranges after the first (a sum over consecutive table records): ",0xS-0xE" each */
static void more_ranges(FILE *out, const ecu_finding *f)
{
    unsigned k;
    for (k = 1; k < f->nranges && k < ECU_DISCOVER_MAX_RANGES; k++)
        fprintf(out, ",0x%" PRIX64 "-0x%" PRIX64, f->starts[k], f->ends[k]);
}

static void text_finding(FILE *out, const char *file, const ecu_finding *f, int verbose)
{
    if (tool_name_escaped(file))
        fputc('\\', out);
    tool_put_name(out, file);
    fprintf(out, ": %s%s%s over 0x%" PRIX64 "-0x%" PRIX64, f->algorithm, f->model[0] ? " " : "", f->model,
            f->start, f->end);
    more_ranges(out, f);
    fprintf(out, ", slot 0x%" PRIX64 " %s%u%s%s = 0x%0*" PRIX64 ", %s, chance %.3g (%" PRIu64 " tried)",
            f->store_offset,
            "u", f->store_bytes * 8, f->store_bytes == 1 ? "" : f->store_big_endian ? "be" : "le",
            f->form == ECU_DISCOVER_COMPLEMENT ? " complement" : "", (int)digits_of(f), f->stored,
            source_name[f->source], f->expected, f->candidates);
    if (f->form == ECU_DISCOVER_BALANCE || f->form == ECU_DISCOVER_SELFSUM || f->form == ECU_DISCOVER_CRC_TARGET)
        fprintf(out, ", %s to 0x%0*" PRIX64, form_name[f->form], (int)digits_of(f), f->constant);
    if (f->source == ECU_DISCOVER_TABLE)
        fprintf(out, ", record%s at 0x%" PRIX64, f->nranges > 1 ? "s" : "", f->table_offset);
    if (f->free_slot)
        fprintf(out, ", any value-complement pair");
    fputc('\n', out);
    if (verbose) {
        char buf[512];
        if (ecu_discover_layout_block(f, "found", buf, sizeof buf) == ECU_OK) {
            char *line = buf, *nl;
            for (; *line; line = nl + 1) { /* indented */
                nl = strchr(line, '\n');
                fprintf(out, "    %.*s\n", (int)(nl ? nl - line : (long)strlen(line)), line);
                if (!nl)
                    break;
            }
        } else {
            fprintf(out, "    (no ecu-layout(5) statement for this form)\n");
        }
    }
}

/* a finding (@p b NULL) or a learnt block: N, d and the joint chance instead of the run's */
static void json_finding(FILE *out, const ecu_finding *f, const ecu_learned *b)
{
    fprintf(out, "{\"algorithm\":");
    json_string(out, f->algorithm);
    fprintf(out, ",\"model\":");
    json_string(out, f->model);
    fprintf(out, ",\"form\":\"%s\",\"source\":\"%s\",\"start\":%" PRIu64 ",\"end\":%" PRIu64
            ",\"offset\":%" PRIu64 ",\"bytes\":%u,\"order\":\"%s\",\"stored\":",
            form_name[f->form], source_name[f->source], f->start, f->end, f->store_offset,
            f->store_bytes, f->store_big_endian ? "be" : "le");
    json_hex(out, f->stored, digits_of(f));
    if (f->form == ECU_DISCOVER_BALANCE || f->form == ECU_DISCOVER_SELFSUM || f->form == ECU_DISCOVER_CRC_TARGET) {
        fprintf(out, ",\"constant\":");
        json_hex(out, f->constant, digits_of(f));
    }
    if (f->source == ECU_DISCOVER_TABLE)
        fprintf(out, ",\"record\":%" PRIu64, f->table_offset);
    if (f->nranges > 1) {
        unsigned k;
        fprintf(out, ",\"ranges\":[");
        for (k = 0; k < f->nranges && k < ECU_DISCOVER_MAX_RANGES; k++)
            fprintf(out, "%s[%" PRIu64 ",%" PRIu64 "]", k ? "," : "", f->starts[k], f->ends[k]);
        fputc(']', out);
    }
    if (f->free_slot)
        fprintf(out, ",\"free_slot\":true");
    if (b)
        fprintf(out, ",\"files\":%zu,\"distinct\":%zu,\"candidates\":%" PRIu64 ",\"chance\":%.6g}",
                b->files, b->distinct, b->candidates, b->chance);
    else
        fprintf(out, ",\"candidates\":%" PRIu64 ",\"chance\":%.6g}", f->candidates, f->expected);
}

static int discover_one(const struct csum_learn_opts *o, ecu_discover *d, const char *file)
{
    ecu_image *img = ecu_image_new();
    char msg[256] = "";
    size_t i, n;
    int rc, ex;
    const char *status;
    if (!img) {
        tool_error(NULL, "out of memory");
        return EXIT_TROUBLE;
    }
    if (tool_load_to(stderr, img, file, o->max_span, msg, sizeof msg)) {
        if (!o->quiet)
            tool_error_record(stdout, o->fmt, file, msg);
        ecu_image_free(img);
        return EXIT_TROUBLE;
    }
    rc = ecu_discover_run(d, ecu_image_data(img), ecu_image_size(img));
    ecu_image_free(img);
    if (rc != ECU_OK) {
        tool_error(file, "%s", ecu_strerror(rc));
        if (!o->quiet && o->fmt == TOOL_JSON)
            json_error_record(stdout, file, ecu_strerror(rc));
        return EXIT_TROUBLE;
    }
    n = ecu_discover_finding_count(d);
    ex = n ? EXIT_YES : EXIT_UNKNOWN;
    status = n ? "found" : "none";
    if (o->quiet)
        return ex;
    if (o->fmt == TOOL_JSON) {
        printf("{\"file\":");
        json_string(stdout, file);
        printf(",\"status\":\"%s\",\"exit\":%d,\"bound\":%.6g,\"tried\":%" PRIu64
               ",\"truncated\":%s,\"expected_false\":%.6g,\"findings\":[",
               status, ex, o->bound, ecu_discover_tried(d), ecu_discover_truncated(d) ? "true" : "false",
               ecu_discover_expected_false(d));
        for (i = 0; i < n; i++) {
            if (i)
                putchar(',');
            json_finding(stdout, ecu_discover_finding_at(d, i), NULL);
        }
        printf("]}\n");
    } else if (o->fmt == TOOL_EXPORT) {
        char key[48];
        export_str(stdout, "FILE", file);
        export_str(stdout, "STATUS", status);
        export_u64(stdout, "EXIT", (uint64_t)ex);
        export_u64(stdout, "FINDINGS", n);
        for (i = 0; i < n; i++) {
            const ecu_finding *f = ecu_discover_finding_at(d, i);
            snprintf(key, sizeof key, "FINDING_%zu_ALGORITHM", i + 1);
            export_str(stdout, key, f->algorithm);
            snprintf(key, sizeof key, "FINDING_%zu_START", i + 1);
            export_u64(stdout, key, f->start);
            snprintf(key, sizeof key, "FINDING_%zu_END", i + 1);
            export_u64(stdout, key, f->end);
            snprintf(key, sizeof key, "FINDING_%zu_OFFSET", i + 1);
            export_u64(stdout, key, f->store_offset);
            snprintf(key, sizeof key, "FINDING_%zu_STORED", i + 1);
            export_hex(stdout, key, f->stored, digits_of(f));
        }
        putchar('\n');
    } else {
        for (i = 0; i < n; i++)
            text_finding(stdout, file, ecu_discover_finding_at(d, i), o->verbose);
        if (!n) {
            if (tool_name_escaped(file))
                putchar('\\');
            tool_put_name(stdout, file);
            printf(": nothing found (%" PRIu64 " candidates tried, bound %g)\n", ecu_discover_tried(d),
                   o->bound);
        } else if (o->verbose) {
            if (tool_name_escaped(file))
                putchar('\\');
            tool_put_name(stdout, file);
            printf(": %zu finding%s, %" PRIu64 " candidates tried, %.3g expected by chance%s\n", n,
                   n == 1 ? "" : "s", ecu_discover_tried(d), ecu_discover_expected_false(d),
                   ecu_discover_truncated(d) ? " (search cut at its budget)" : "");
        }
    }
    return ex;
}

int csum_discover(const struct csum_learn_opts *o, char *const files[], int n)
{
    ecu_discover *d = ecu_discover_new();
    int i, status = EXIT_YES;
    if (!d || ecu_discover_set_bound(d, o->bound) != ECU_OK) {
        tool_error(NULL, "out of memory");
        ecu_discover_free(d);
        return EXIT_TROUBLE;
    }
    for (i = 0; i < n; i++)
        status = tool_exit_worse(status, discover_one(o, d, files[i]));
    ecu_discover_free(d);
    return tool_close_stdout(status);
}

int csum_learn(const struct csum_learn_opts *o, char *const files[], int n)
{
    ecu_learn *l = ecu_learn_new();
    ecu_image *img = ecu_image_new();
    char *text = NULL, name[49];
    size_t need = 0, i, nb;
    int k, rc, status = EXIT_TROUBLE;
    const char *base, *s;
    if (!l || !img) {
        tool_error(NULL, "out of memory");
        goto out;
    }
    if (tool_output_check(o->output, o->force))
        goto out;
    ecu_learn_set_bound(l, o->bound);
    for (k = 0; k < n; k++) {
        if (tool_load(img, files[k], o->max_span))
            goto out;
        if ((rc = ecu_learn_add(l, ecu_image_data(img), ecu_image_size(img), files[k])) != ECU_OK) {
            tool_error(files[k], "%s", ecu_strerror(rc));
            goto out;
        }
    }
    if ((rc = ecu_learn_run(l)) != ECU_OK) {
        tool_error(NULL, "%s", ecu_strerror(rc));
        goto out;
    }
    nb = ecu_learn_count(l);
    /* the layout's name: the output file's base name, cut to the allowed characters
       ("learnt" for standard output) */
    base = strcmp(o->output, "-") == 0 ? "learnt"
           : strrchr(o->output, '/') ? strrchr(o->output, '/') + 1 : o->output;
    for (i = 0, s = base; *s && *s != '.' && i < sizeof name - 1; s++)
        if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
            *s == '-' || *s == '_')
            name[i++] = *s;
    name[i] = '\0';
    if (!i)
        snprintf(name, sizeof name, "learnt");
    if (nb) {
        ecu_learn_layout(l, name, NULL, 0, &need);
        if (!need || !(text = malloc(need))) {
            tool_error(NULL, "out of memory");
            goto out;
        }
        if (ecu_learn_layout(l, name, text, need, NULL) != ECU_OK) {
            nb = 0; /* no block has an ecu-layout(5) statement */
        } else if (tool_write_file(o->output, text, strlen(text),
                                   o->force ? TOOL_WRITE_REPLACE : 0) != 0) {
            goto out;
        }
    }
    status = nb ? EXIT_YES : EXIT_UNKNOWN;
    if (!o->quiet) {
        FILE *rep = strcmp(o->output, "-") == 0 ? stderr : stdout;
        if (o->fmt == TOOL_JSON) {
            fprintf(rep, "{\"files\":[");
            for (k = 0; k < n; k++) {
                fprintf(rep, "%s{\"file\":", k ? "," : "");
                json_string(rep, files[k]);
                fputc('}', rep);
            }
            fprintf(rep, "],\"status\":\"%s\",\"exit\":%d,\"bound\":%.6g,\"layout\":",
                    nb ? "learnt" : "none", status, o->bound);
            if (nb)
                json_string(rep, o->output);
            else
                fprintf(rep, "null");
            fprintf(rep, ",\"truncated\":%s,\"blocks\":[", ecu_learn_truncated(l) ? "true" : "false");
            for (i = 0; i < nb; i++) {
                const ecu_learned *b = ecu_learn_at(l, i);
                if (i)
                    fputc(',', rep);
                json_finding(rep, &b->f, b);
            }
            fprintf(rep, "]}\n");
        } else if (o->fmt == TOOL_EXPORT) {
            export_str(rep, "LAYOUT", nb ? o->output : "");
            export_str(rep, "STATUS", nb ? "learnt" : "none");
            export_u64(rep, "EXIT", (uint64_t)status);
            export_u64(rep, "FILES", (uint64_t)n);
            export_u64(rep, "BLOCKS", nb);
            fputc('\n', rep);
        } else {
            if (nb) {
                tool_put_name(rep, o->output);
                fprintf(rep, ": %zu block%s learnt from %d file%s (bound %g)\n", nb, nb == 1 ? "" : "s",
                        n, n == 1 ? "" : "s", o->bound);
            } else {
                fprintf(rep, "%s: no block holds in all %d file%s (bound %g); nothing written\n",
                        tool_name(), n, n == 1 ? "" : "s", o->bound);
            }
            for (i = 0; o->verbose && i < nb; i++) {
                const ecu_learned *b = ecu_learn_at(l, i);
                fprintf(rep, "  %s over 0x%" PRIX64 "-0x%" PRIX64, b->f.algorithm, b->f.start, b->f.end);
                more_ranges(rep, &b->f);
                fprintf(rep, ", slot 0x%" PRIX64 ": %zu distinct values, chance %.3g\n", b->f.store_offset,
                        b->distinct, b->chance);
            }
        }
    }
    status = tool_close_stdout(status);
out:
    free(text);
    ecu_image_free(img);
    ecu_learn_free(l);
    return status;
}
