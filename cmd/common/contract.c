/* SPDX-License-Identifier: MIT */
#include "contract.h"

#include "tool.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int tool_parse_format(const char *word, enum tool_format *out)
{
    if (strcmp(word, "text") == 0)
        *out = TOOL_TEXT;
    else if (strcmp(word, "json") == 0)
        *out = TOOL_JSON;
    else if (strcmp(word, "export") == 0)
        *out = TOOL_EXPORT;
    else {
        tool_usage_error("--format: unknown format '%s' (text, json or export)", word);
        return -1;
    }
    return 0;
}

void tool_refuse_output_option(const char *word)
{
    if (strcmp(word, "text") == 0 || strcmp(word, "json") == 0 || strcmp(word, "export") == 0)
        tool_usage_error("-o names an output file in the ecu tools, and %s writes none; "
                         "use --format %s", tool_name(), word);
    else
        tool_usage_error("-o names an output file in the ecu tools, and %s writes none "
                         "(the output format is --format text|json|export)", tool_name());
}

int tool_exit_worse(int a, int b)
{
    /* rank by exit status 0, 1, 2, 3: 2 first, then 1, then 3, then 0 */
    static const int rank[4] = {0, 2, 3, 1};
    if (a < 0 || a > 3)
        a = 2;
    if (b < 0 || b > 3)
        b = 2;
    return rank[b] > rank[a] ? b : a;
}

void tool_result_set(struct tool_result *r, int exit, const char *status, const char *fmt, ...)
{
    va_list ap;
    r->exit = exit;
    r->status = status;
    va_start(ap, fmt);
    vsnprintf(r->reason, sizeof r->reason, fmt, ap);
    va_end(ap);
}

void tool_error_to(FILE *err, const char *file, const char *fmt, ...)
{
    va_list ap;
    if (err == stderr)
        fflush(stdout);
    fprintf(err, "%s: ", tool_name());
    if (file)
        fprintf(err, "%s: ", file);
    va_start(ap, fmt);
    vfprintf(err, fmt, ap);
    va_end(ap);
    fputc('\n', err);
}

int tool_load_to(FILE *err, ecu_image *img, const char *file, uint64_t max_span, char *msg,
                 size_t msgsz)
{
    if (max_span)
        ecu_image_set_max_span(img, max_span);
    if (ecu_image_load_file(img, file) != ECU_OK) {
        const char *detail = ecu_image_error_detail(img);
        tool_error_to(err, file, "%s", detail);
        if (msgsz)
            snprintf(msg, msgsz, "%s", detail);
        return -1;
    }
    return 0;
}

/* ---- JSON ---------------------------------------------------------------------------------- */

void json_hex(FILE *f, uint64_t v, unsigned digits)
{
    fprintf(f, "\"0x%0*llX\"", (int)digits, (unsigned long long)v);
}

/* The width in bits an algorithm's name states ("sum16le", "crc32-bzip2", "sum64 of..."),
   or 0: the first number after its leading letters. */
static unsigned named_bits(const char *algorithm)
{
    const char *p = algorithm;
    while (*p >= 'a' && *p <= 'z')
        p++;
    if (strncmp(p, "64", 2) == 0)
        return 64;
    if (strncmp(p, "32", 2) == 0)
        return 32;
    if (strncmp(p, "16", 2) == 0 || strncmp(p, "-16", 3) == 0)
        return 16;
    if (*p == '8')
        return 8;
    return 0;
}

unsigned tool_value_digits(const char *algorithm, unsigned store_bytes, uint64_t a, uint64_t b)
{
    uint64_t v = a | b;
    unsigned bits = algorithm ? named_bits(algorithm) : 0;
    if (!bits) {
        if (store_bytes == 8 && v <= 0xFFFFFFFFu)
            bits = 32; /* a 32-bit value stored with its complement */
        else if (store_bytes >= 1 && store_bytes <= 8)
            bits = 8 * store_bytes;
        else
            bits = 32;
    }
    while (bits < 64 && (v >> bits))
        bits *= 2;
    return bits / 4;
}

void json_fingerprint(FILE *f, const char *hex)
{
    fprintf(f, "\"0x%s\"", hex);
}

void json_error_record(FILE *f, const char *file, const char *msg)
{
    fputs("{\"file\":", f);
    json_string(f, file);
    fputs(",\"status\":\"error\",\"exit\":2,\"error\":", f);
    json_string(f, msg);
    fputs("}\n", f);
}

void tool_error_record(FILE *f, int fmt, const char *file, const char *msg)
{
    if (fmt == TOOL_JSON) {
        json_error_record(f, file, msg);
    } else if (fmt == TOOL_EXPORT) {
        export_str(f, "FILE", file);
        export_str(f, "STATUS", "error");
        export_u64(f, "EXIT", EXIT_TROUBLE);
        export_str(f, "ERROR", msg);
        fputc('\n', f);
    }
}

int tool_common_option(int ch, int opt_max_span, uint64_t *max_span, void (*usage)(FILE *),
                       char *const argv[], const char *shortopts, const struct option *longopts)
{
    if (ch == opt_max_span) {
        if (tool_parse_u64(optarg, max_span) || *max_span == 0) {
            tool_error(NULL, "--max-span: not a positive number: '%s'", optarg);
            return EXIT_TROUBLE;
        }
        return TOOL_OPTION_TAKEN;
    }
    switch (ch) {
    case 'h':
        usage(stdout);
        return tool_close_stdout(EXIT_YES);
    case 'V':
        tool_version();
        return tool_close_stdout(EXIT_YES);
    case ':':
        tool_usage_error("option '%s' needs an argument", argv[optind - 1]);
        return EXIT_TROUBLE;
    default:
        tool_bad_option(argv, optind, optopt, shortopts, longopts);
        return EXIT_TROUBLE;
    }
}

/* ---- export -------------------------------------------------------------------------------- */

void shell_word(FILE *f, const char *s)
{
    const char *p;
    int safe = *s != '\0';
    for (p = s; *p && safe; p++)
        safe = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/+,:@%-",
                      *p) != NULL;
    if (safe) {
        fputs(s, f);
        return;
    }
    fputc('\'', f);
    for (p = s; *p; p++) {
        if (*p == '\'')
            fputs("'\\''", f);
        else
            fputc(*p, f);
    }
    fputc('\'', f);
}

void export_str(FILE *f, const char *key, const char *value)
{
    fprintf(f, "%s=", key);
    shell_word(f, value ? value : "");
    fputc('\n', f);
}

void export_u64(FILE *f, const char *key, uint64_t v)
{
    fprintf(f, "%s=%llu\n", key, (unsigned long long)v);
}

void export_hex(FILE *f, const char *key, uint64_t v, unsigned digits)
{
    fprintf(f, "%s=0x%0*llX\n", key, (int)digits, (unsigned long long)v);
}

void export_field(FILE *f, const char *prefix, const char *key, const char *value)
{
    const char *k;
    if (prefix)
        fputs(prefix, f);
    for (k = key; *k; k++) {
        char c = *k;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        else if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            c = '_'; /* a shell variable name holds letters, digits and '_' only */
        fputc(c, f);
    }
    fputc('=', f);
    shell_word(f, value ? value : "");
    fputc('\n', f);
}

/* ---- text ---------------------------------------------------------------------------------- */

int tool_name_escaped(const char *name)
{
    return strpbrk(name, "\n\\") != NULL;
}

void tool_put_name(FILE *f, const char *name)
{
    const char *p;
    if (!tool_name_escaped(name)) {
        fputs(name, f);
        return;
    }
    for (p = name; *p; p++) {
        if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\\')
            fputs("\\\\", f);
        else
            fputc(*p, f);
    }
}

char *tool_join_path(const char *folder, const char *name)
{
    size_t lf = strlen(folder), ln = strlen(name);
    int slash = lf > 0 && folder[lf - 1] != '/';
    char *p = malloc(lf + (size_t)slash + ln + 1);
    if (!p)
        return NULL;
    memcpy(p, folder, lf);
    if (slash)
        p[lf] = '/';
    memcpy(p + lf + (size_t)slash, name, ln + 1);
    return p;
}
