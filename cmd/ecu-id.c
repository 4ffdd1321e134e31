/* SPDX-License-Identifier: MIT */
/* ecu-id: identify ECU images (hardware/software numbers, part number, EPK, VIN...),
   tell whether two images come from the same ECU, find the original of a tuned file. */
#define _POSIX_C_SOURCE 200809L
#include <ecu/ecu.h>

#include <dirent.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tool.h"

enum { OUT_TEXT, OUT_EXPORT, OUT_JSON };

struct opts {
    int out, verbose, quiet;
    uint64_t max_span;
};

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: %s [options] FILE...\n"
            "       %s --match [options] FILE1 FILE2\n"
            "       %s --find-original [options] TUNED DIR|FILE...\n"
            "\n"
            "Identify ECU images: manufacturer, family, hardware and software numbers, part\n"
            "number, EPK, software version, VIN. Raw binary, Intel HEX and S-record files are\n"
            "read, each optionally gzip'ed; '-' is standard input.\n"
            "\n"
            "Options:\n"
            "  -o, --output FORMAT   text (default) or export (KEY=value lines for the shell)\n"
            "      --json            print one JSON object per file, one per line\n"
            "  -v, --verbose         list every candidate of each field, with how it was found\n"
            "      --match           tell whether FILE1 and FILE2 come from the same ECU\n"
            "      --find-original   rank the candidates that share TUNED's identity by their\n"
            "                        share of equal bytes (folders are read one level deep)\n"
            "      --max-span N      refuse images spanning more than N bytes (default 64M)\n"
            "  -q, --quiet           print nothing; the exit status tells\n"
            "  -h, --help            show this help and exit\n"
            "  -V, --version         show the version and exit\n"
            "\n"
            "Exit status: 0 identified (--match: same ECU; --find-original: found), 1 --match:\n"
            "different ECU, --find-original: none fits, 2 trouble, 3 nothing identified\n"
            "(--match, --find-original: not enough identity to decide). See ecu-id(1).\n",
            tool_name(), tool_name(), tool_name());
}

static int analyze(ecu_id *id, const ecu_image *img, const char *file)
{
    int rc = ecu_id_analyze(id, ecu_image_data(img), ecu_image_size(img));
    if (rc != ECU_OK) {
        tool_error(file, "%s", ecu_strerror(rc));
        return -1;
    }
    return 0;
}

/* Whether field @p i is the first (best) one of its key. */
static int best_of_key(const ecu_id *id, size_t i)
{
    return i == 0 || strcmp(ecu_id_field_at(id, i - 1)->key, ecu_id_field_at(id, i)->key) != 0;
}

/* A word the shell reads back unchanged: bare when safe, else single-quoted. */
static void shell_word(FILE *f, const char *s)
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

static void print_offset(const ecu_id_field *fl)
{
    if (fl->offset == ECU_ID_NO_OFFSET)
        printf("(confidence %u", fl->confidence);
    else
        printf("(at 0x%" PRIX64 ", confidence %u", fl->offset, fl->confidence);
}

static void report(const char *file, const ecu_id *id, const struct opts *o)
{
    size_t i, n = ecu_id_field_count(id);
    if (o->quiet)
        return;
    if (o->out == OUT_JSON) {
        printf("{\"file\":");
        json_string(stdout, file);
        printf(",\"identified\":%s,\"fields\":[", n ? "true" : "false");
        for (i = 0; i < n; i++) {
            const ecu_id_field *fl = ecu_id_field_at(id, i);
            printf("%s{\"key\":", i ? "," : "");
            json_string(stdout, fl->key);
            printf(",\"value\":");
            json_string(stdout, fl->value);
            if (fl->offset == ECU_ID_NO_OFFSET)
                printf(",\"offset\":null");
            else
                printf(",\"offset\":%" PRIu64, fl->offset);
            printf(",\"confidence\":%u,\"best\":%s,\"source\":", fl->confidence,
                   best_of_key(id, i) ? "true" : "false");
            json_string(stdout, fl->source);
            printf("}");
        }
        printf("]}\n");
        return;
    }
    if (o->out == OUT_EXPORT) {
        printf("FILE=");
        shell_word(stdout, file);
        putchar('\n');
        for (i = 0; i < n; i++) {
            const ecu_id_field *fl = ecu_id_field_at(id, i);
            const char *k;
            if (!best_of_key(id, i))
                continue;
            for (k = fl->key; *k; k++)
                putchar(*k >= 'a' && *k <= 'z' ? *k - 'a' + 'A' : *k);
            putchar('=');
            shell_word(stdout, fl->value);
            putchar('\n');
        }
        putchar('\n');
        return;
    }
    if (!n) {
        printf("%s: nothing identified\n", file);
        return;
    }
    printf("%s:\n", file);
    for (i = 0; i < n; i++) {
        const ecu_id_field *fl = ecu_id_field_at(id, i);
        if (!o->verbose && !best_of_key(id, i))
            continue;
        printf("  %-12s %s ", fl->key, fl->value);
        print_offset(fl);
        if (o->verbose)
            printf(": %s", fl->source);
        else if (strcmp(fl->key, "vin") == 0 && fl->confidence < 50)
            printf(", check digit wrong");
        printf(")\n");
    }
}

static int identify(char **files, int nfiles, const struct opts *o)
{
    ecu_id *id = ecu_id_new();
    ecu_image *img = ecu_image_new();
    int i, status = -1;
    if (!id || !img) {
        tool_error(NULL, "out of memory");
        ecu_id_free(id);
        ecu_image_free(img);
        return EXIT_TROUBLE;
    }
    for (i = 0; i < nfiles; i++) {
        int st;
        if (tool_load(img, files[i], o->max_span) || analyze(id, img, files[i])) {
            st = EXIT_TROUBLE;
        } else {
            st = ecu_id_field_count(id) ? EXIT_YES : EXIT_UNKNOWN;
            report(files[i], id, o);
        }
        /* several files: 2 wins, then 3, then 0 */
        if (status < 0 || st == EXIT_TROUBLE || (st == EXIT_UNKNOWN && status == EXIT_YES))
            status = st;
    }
    ecu_id_free(id);
    ecu_image_free(img);
    return status < 0 ? EXIT_TROUBLE : status;
}

static const char *value_of(const ecu_id *id, const char *key)
{
    const ecu_id_field *f = ecu_id_get(id, key);
    return f ? f->value : "";
}

static int match(char **files, const struct opts *o)
{
    ecu_id *id[2] = {ecu_id_new(), ecu_id_new()};
    ecu_image *img = ecu_image_new();
    const char *keys[ECU_ID_MAX_KEYS];
    size_t nk = 0, i;
    int k, status = EXIT_TROUBLE;
    ecu_id_match m;
    if (!id[0] || !id[1] || !img) {
        tool_error(NULL, "out of memory");
        goto out;
    }
    for (k = 0; k < 2; k++)
        if (tool_load(img, files[k], o->max_span) || analyze(id[k], img, files[k]))
            goto out;
    m = ecu_id_compare(id[0], id[1], keys, &nk);
    status = m == ECU_ID_SAME ? EXIT_YES : m == ECU_ID_DIFFERENT ? EXIT_NO : EXIT_UNKNOWN;
    if (o->quiet)
        goto out;
    if (o->out == OUT_JSON) {
        printf("{\"files\":[");
        json_string(stdout, files[0]);
        putchar(',');
        json_string(stdout, files[1]);
        printf("],\"match\":\"%s\",\"keys\":[",
               m == ECU_ID_SAME ? "same" : m == ECU_ID_DIFFERENT ? "different" : "undecided");
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
    } else if (o->out == OUT_EXPORT) {
        printf("MATCH=%s\n", m == ECU_ID_SAME ? "same" : m == ECU_ID_DIFFERENT ? "different" : "undecided");
        printf("KEYS=");
        if (nk) {
            for (i = 0; i < nk; i++)
                printf("%s%s", i ? "," : "", keys[i]);
        } else {
            printf("''");
        }
        putchar('\n');
    } else if (m == ECU_ID_SAME) {
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

/* Appends the candidate paths of @p arg (a file, or the regular files of a folder). */
static int collect(const char *arg, char ***paths, size_t *n)
{
    struct stat st;
    char **v;
    if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) {
        DIR *dir = opendir(arg);
        struct dirent *e;
        size_t first = *n;
        if (!dir) {
            tool_error(arg, "cannot read the folder");
            return -1;
        }
        while ((e = readdir(dir)) != NULL) {
            char *p;
            struct stat fs;
            size_t len = strlen(arg) + strlen(e->d_name) + 2;
            if (e->d_name[0] == '.')
                continue;
            if (!(p = malloc(len)))
                break;
            snprintf(p, len, "%s/%s", arg, e->d_name);
            if (stat(p, &fs) != 0 || !S_ISREG(fs.st_mode) ||
                !(v = realloc(*paths, (*n + 1) * sizeof *v))) {
                free(p);
                continue;
            }
            *paths = v;
            (*paths)[(*n)++] = p;
        }
        closedir(dir);
        qsort(*paths + first, *n - first, sizeof **paths, names_cmp);
        return 0;
    }
    if (!(v = realloc(*paths, (*n + 1) * sizeof *v)))
        return -1;
    *paths = v;
    if (!((*paths)[*n] = strdup(arg)))
        return -1;
    (*n)++;
    return 0;
}

static int find_original(char **args, int nargs, const struct opts *o)
{
    ecu_id *tuned_id = ecu_id_new(), *id = ecu_id_new();
    ecu_image *tuned = ecu_image_new(), *img = ecu_image_new();
    char **paths = NULL;
    struct cand *c = NULL;
    size_t np = 0, nc = 0, i;
    int k, status = EXIT_TROUBLE, trouble = 0;
    struct stat ts;
    int have_ts;
    if (!tuned_id || !id || !tuned || !img) {
        tool_error(NULL, "out of memory");
        goto out;
    }
    if (tool_load(tuned, args[0], o->max_span) || analyze(tuned_id, tuned, args[0]))
        goto out;
    if (ecu_id_compare(tuned_id, tuned_id, NULL, NULL) != ECU_ID_SAME) {
        status = EXIT_UNKNOWN;
        if (!o->quiet && o->out == OUT_TEXT)
            printf("%s: not enough identity to find its original (hardware and software "
                   "number, part number and software version or number, or calibration ID)\n",
                   args[0]);
        goto out;
    }
    have_ts = strcmp(args[0], "-") != 0 && stat(args[0], &ts) == 0;
    for (k = 1; k < nargs; k++)
        if (collect(args[k], &paths, &np)) {
            trouble = 1;
        }
    if (!(c = calloc(np ? np : 1, sizeof *c))) {
        tool_error(NULL, "out of memory");
        goto out;
    }
    for (i = 0; i < np; i++) {
        struct stat ps;
        if (have_ts && stat(paths[i], &ps) == 0 && ps.st_dev == ts.st_dev && ps.st_ino == ts.st_ino)
            continue; /* the tuned file itself */
        if (tool_load(img, paths[i], o->max_span) || analyze(id, img, paths[i])) {
            trouble = 1;
            continue;
        }
        if (ecu_id_compare(tuned_id, id, NULL, NULL) != ECU_ID_SAME)
            continue;
        c[nc].path = paths[i];
        c[nc].score = equal_share(ecu_image_data(tuned), ecu_image_size(tuned),
                                  ecu_image_data(img), ecu_image_size(img));
        if (c[nc].score < 0) {
            tool_error(NULL, "out of memory");
            trouble = 1;
            continue;
        }
        nc++;
    }
    qsort(c, nc, sizeof *c, cand_cmp);
    status = nc ? EXIT_YES : trouble ? EXIT_TROUBLE : EXIT_NO;
    if (o->quiet)
        goto out;
    for (i = 0; i < nc; i++) {
        if (o->out == OUT_JSON) {
            printf("{\"tuned\":");
            json_string(stdout, args[0]);
            printf(",\"candidate\":");
            json_string(stdout, c[i].path);
            printf(",\"rank\":%zu,\"equal\":%.6f}\n", i + 1, c[i].score);
        } else {
            printf("%9.5f%%  %s\n", c[i].score * 100.0, c[i].path);
        }
    }
    if (!nc && o->out == OUT_TEXT)
        printf("%s: no candidate has the same identity\n", args[0]);
out:
    for (i = 0; i < np; i++)
        free(paths[i]);
    free(paths);
    free(c);
    ecu_id_free(tuned_id);
    ecu_id_free(id);
    ecu_image_free(tuned);
    ecu_image_free(img);
    return status;
}

int main(int argc, char **argv)
{
    enum { OPT_JSON = 256, OPT_MATCH, OPT_FIND, OPT_MAXSPAN };
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"json", no_argument, NULL, OPT_JSON},
        {"verbose", no_argument, NULL, 'v'},
        {"match", no_argument, NULL, OPT_MATCH},
        {"find-original", no_argument, NULL, OPT_FIND},
        {"max-span", required_argument, NULL, OPT_MAXSPAN},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    struct opts o;
    int ch, mode = 0, nfiles;

    tool_check_library(argv[0]); /* before anything else uses the library */
    memset(&o, 0, sizeof o);
    tool_init(argv[0]);
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":o:vqhV", longopts, NULL)) != -1) {
        switch (ch) {
        case 'o':
            if (strcmp(optarg, "export") == 0)
                o.out = OUT_EXPORT;
            else if (strcmp(optarg, "text") == 0)
                o.out = OUT_TEXT;
            else if (strcmp(optarg, "json") == 0)
                o.out = OUT_JSON;
            else {
                tool_error(NULL, "-o: unknown format '%s' (text, export or json)", optarg);
                return EXIT_TROUBLE;
            }
            break;
        case OPT_JSON: o.out = OUT_JSON; break;
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
        case OPT_MAXSPAN:
            if (tool_parse_u64(optarg, &o.max_span) || o.max_span == 0) {
                tool_error(NULL, "--max-span: not a positive number: '%s'", optarg);
                return EXIT_TROUBLE;
            }
            break;
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
            tool_bad_option(argv, optind, optopt, ":o:vqhV", longopts);
            return EXIT_TROUBLE;
        }
    }
    nfiles = argc - optind;
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
    if (mode == OPT_FIND)
        return tool_close_stdout(find_original(argv + optind, nfiles, &o));
    return tool_close_stdout(identify(argv + optind, nfiles, &o));
}
