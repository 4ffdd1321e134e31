/* SPDX-License-Identifier: MIT */
/* ecu-csum: detect the ECU family of images, verify their checksums, correct them. */
#define _POSIX_C_SOURCE 200809L
#include <ecu/ecu.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rsakey.h"
#include "tool.h"

/* where reports go: stdout, or stderr when the corrected image itself goes to stdout */
static FILE *rep;

/* --resign: the key pair given to the checksum handle (read from --key at the start, or
   generated at the first image that needs it, then used for every image of the run) */
static int key_set;

/* The size and public exponent of the keys --resign generates: those of the only signature
   checked with a key in the image, Bosch ME7.1.1's (RSA_MODULUS_SIZE 1024, exponent 3:
   nyetwurk/ME7Sum me7sum.c); the library refuses a key that does not fit an image. */
#define RESIGN_BITS 1024u
#define RESIGN_E 3ul

struct opts {
    int verbose, quiet, json, fix, in_place, no_backup, resign;
    const char *output, *family, *layout, *reference, *key, *save_key;
    uint64_t max_span;
};

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: %s [options] FILE...\n"
            "\n"
            "Detect the ECU family of each image, verify its checksums and, when asked, correct\n"
            "them. Raw binary, Intel HEX and S-record files are read, each optionally gzip'ed.\n"
            "\n"
            "Options:\n"
            "  -v, --verbose         list every checksum block with its ranges and values\n"
            "      --family NAME     use family NAME instead of detecting it\n"
            "      --layout FILE     use the checksum layout written in FILE (ecu-layout(5))\n"
            "      --reference REF   take the checksum layout from REF, a read of the same ECU\n"
            "                        and software whose checksums verify (the stock file)\n"
            "      --list-families   list the families with what they verify and correct\n"
            "      --fix             correct bad checksums (with -o or --in-place)\n"
            "  -o, --output OUT      write the corrected image to OUT (raw binary; one FILE)\n"
            "      --in-place        replace FILE (raw binary only), keeping FILE.orig\n"
            "      --no-backup       with --in-place: do not keep FILE.orig\n"
            "      --resign          with --fix: make a bad RSA signature anew where the image\n"
            "                        holds its own public key (ME7.1.1): a new key pair is\n"
            "                        written into the image and the signature made with it\n"
            "      --key FILE        with --resign: sign with the key pair in FILE (PKCS#1,\n"
            "                        PEM or DER) instead of a new one\n"
            "      --save-key FILE   with --resign: write the new key pair to FILE (PEM)\n"
            "      --json            print one JSON object per file, one per line\n"
            "      --max-span N      refuse images spanning more than N bytes (default 64M)\n"
            "  -q, --quiet           print nothing; the exit status tells\n"
            "  -h, --help            show this help and exit\n"
            "  -V, --version         show the version and exit\n"
            "\n"
            "Exit status: 0 every file valid (or corrected and written), 1 bad checksums found\n"
            "or not correctable, 2 trouble, 3 family unknown, ambiguous or without a checksum\n"
            "layout. With several files the most serious wins: 2, then 1, then 3.\n"
            "See ecu-csum(1).\n",
            tool_name());
}

static void list_families(int json)
{
    size_t i;
    for (i = 0; i < ecu_family_count(); i++) {
        const ecu_family_info *f = ecu_family_at(i);
        if (json) {
            printf("{\"family\":");
            json_string(stdout, f->name);
            printf(",\"manufacturer\":");
            json_string(stdout, f->manufacturer);
            printf(",\"description\":");
            json_string(stdout, f->description);
            printf(",\"verifies\":");
            json_string(stdout, f->verifies);
            printf(",\"corrects\":");
            json_string(stdout, f->corrects);
            printf(",\"sources\":");
            json_string(stdout, f->sources);
            printf("}\n");
        } else {
            printf("%s\n  %s %s\n  verifies: %s\n  corrects: %s\n  sources: %s\n", f->name,
                   f->manufacturer, f->description, f->verifies,
                   f->corrects[0] ? f->corrects : "nothing", f->sources);
        }
    }
}

static int exit_for(ecu_verdict v)
{
    switch (v) {
    case ECU_VERDICT_OK:
    case ECU_VERDICT_FIXED:
        return EXIT_YES;
    case ECU_VERDICT_BAD:
        return EXIT_NO;
    default:
        return EXIT_UNKNOWN;
    }
}

/* Folds the status of one file into the overall one: 2, then 1, then 3, then 0. */
static int worse(int a, int b)
{
    static const int rank[4] = {0, 2, 3, 1}; /* by exit status: 0, 1, 2, 3 */
    return rank[b] > rank[a] ? b : a;
}

/* Why the image has no layout, in @p buf: the reference's refusal when --reference was given
   and refused, else @p otherwise. */
static const char *no_layout_reason(const ecu_csum *cs, const char *otherwise, char *buf,
                                    size_t bufsz)
{
    const char *r = ecu_csum_reference_refusal(cs);
    if (!r)
        return otherwise;
    snprintf(buf, bufsz, "reference not used: %s", r);
    return buf;
}

static void print_ranges(FILE *f, const ecu_block *b, int json)
{
    size_t i;
    for (i = 0; i < b->nranges; i++) {
        if (json)
            fprintf(f, "%s[%" PRIu64 ",%" PRIu64 "]", i ? "," : "", b->ranges[i].start,
                    b->ranges[i].end);
        else
            fprintf(f, "%s0x%" PRIX64 "-0x%" PRIX64, i ? "," : "", b->ranges[i].start,
                    b->ranges[i].end - 1);
    }
}

/* The size of the analysed image. */
static size_t size_of(const ecu_csum *cs)
{
    size_t n = 0;
    (void)ecu_csum_image(cs, &n);
    return n;
}

static void report_text(const char *file, const ecu_csum *cs, const struct opts *o,
                        size_t fixed, const char *written)
{
    const ecu_family_info *f = ecu_csum_family(cs);
    ecu_verdict v = ecu_csum_verdict(cs);
    size_t nb = ecu_csum_block_count(cs), i;
    char why[192];
    fprintf(rep, "%s: %s", file, ecu_verdict_name(v));
    switch (v) {
    case ECU_VERDICT_OK:
        fprintf(rep, " (%s, %zu checksum block%s)", f->name, nb, nb == 1 ? "" : "s");
        break;
    case ECU_VERDICT_BAD:
        fprintf(rep, " (%s, %zu of %zu checksum blocks bad", f->name, ecu_csum_bad_count(cs), nb);
        if (ecu_csum_extent(cs) == ECU_EXTENT_TRUNCATED)
            fprintf(rep, "; truncated: expected 0x%" PRIX64 " bytes, read 0x%zX",
                    ecu_csum_expected_size(cs), size_of(cs));
        fputc(')', rep);
        break;
    case ECU_VERDICT_FIXED:
        fprintf(rep, " (%s, %zu of %zu checksum blocks corrected)", f->name, fixed, nb);
        break;
    case ECU_VERDICT_NO_LAYOUT:
        fprintf(rep, " (%s: %s)", f->name,
                no_layout_reason(cs, "no known checksum layout for this image", why,
                                 sizeof why));
        break;
    case ECU_VERDICT_AMBIGUOUS:
        fprintf(rep, ":");
        for (i = 0; i < ecu_csum_candidate_count(cs); i++)
            fprintf(rep, "%s %s", i ? "," : "", ecu_csum_candidate_at(cs, i, NULL)->name);
        break;
    case ECU_VERDICT_UNKNOWN:
        if (o->layout)
            fprintf(rep, " (%s)", ecu_csum_evidence(cs));
        else
            fprintf(rep, " (no family recognises this image)");
        break;
    }
    if (written)
        fprintf(rep, " -> %s", written);
    fputc('\n', rep);
    if (!o->verbose)
        return;
    if (f || v == ECU_VERDICT_AMBIGUOUS)
        fprintf(rep, "  %s%s\n", o->layout ? "" : "detected: ", ecu_csum_evidence(cs));
    for (i = 0; i < nb; i++) {
        const ecu_block *b = ecu_csum_block_at(cs, i);
        fprintf(rep, "  %-6s %s: %s over ", ecu_block_status_name(b->status), b->name, b->algorithm);
        print_ranges(rep, b, 0);
        fprintf(rep, ", stored 0x%" PRIX64 " at 0x%" PRIX64 ", computed 0x%" PRIX64 "\n", b->stored,
               b->store_offset, b->computed);
    }
}

static void report_json(const char *file, const ecu_csum *cs, const char *written)
{
    const ecu_family_info *f = ecu_csum_family(cs);
    size_t nb = ecu_csum_block_count(cs), i;
    fprintf(rep, "{\"file\":");
    json_string(rep, file);
    fprintf(rep, ",\"verdict\":\"%s\",\"family\":", ecu_verdict_name(ecu_csum_verdict(cs)));
    if (f)
        json_string(rep, f->name);
    else
        fprintf(rep, "null");
    fprintf(rep, ",\"score\":%u,\"evidence\":", ecu_csum_score(cs));
    json_string(rep, ecu_csum_evidence(cs));
    fprintf(rep, ",\"candidates\":[");
    for (i = 0; i < ecu_csum_candidate_count(cs); i++) {
        unsigned score;
        const ecu_family_info *c = ecu_csum_candidate_at(cs, i, &score);
        fprintf(rep, "%s{\"family\":", i ? "," : "");
        json_string(rep, c->name);
        fprintf(rep, ",\"score\":%u}", score);
    }
    fprintf(rep, "],\"expected_size\":");
    if (ecu_csum_expected_size(cs))
        fprintf(rep, "%" PRIu64, ecu_csum_expected_size(cs));
    else
        fprintf(rep, "null");
    fprintf(rep, ",\"extent\":\"%s\"", ecu_extent_name(ecu_csum_extent(cs)));
    fprintf(rep, ",\"bad\":%zu,\"blocks\":[", ecu_csum_bad_count(cs));
    for (i = 0; i < nb; i++) {
        const ecu_block *b = ecu_csum_block_at(cs, i);
        fprintf(rep, "%s{\"name\":", i ? "," : "");
        json_string(rep, b->name);
        fprintf(rep, ",\"algorithm\":");
        json_string(rep, b->algorithm);
        fprintf(rep, ",\"ranges\":[");
        print_ranges(rep, b, 1);
        fprintf(rep, "],\"offset\":%" PRIu64 ",\"bytes\":%u,\"stored\":%" PRIu64 ",\"computed\":%" PRIu64
               ",\"status\":\"%s\"}",
               b->store_offset, b->store_bytes, b->stored, b->computed,
               ecu_block_status_name(b->status));
    }
    fprintf(rep, "]");
    if (written) {
        fprintf(rep, ",\"written\":");
        json_string(rep, written);
    }
    fprintf(rep, "}\n");
}

/* Whether FILE can be replaced in place: a raw, uncompressed regular file. */
static int in_place_ok(const char *file, const ecu_image *img)
{
    struct stat st;
    if (strcmp(file, "-") == 0) {
        tool_error(file, "standard input cannot be corrected in place; use -o");
        return 0;
    }
    if (ecu_image_format(img) != ECU_FORMAT_RAW || ecu_image_compressed(img)) {
        tool_error(file, "only raw binary files are corrected in place (this is %s%s); use -o",
                   ecu_format_name(ecu_image_format(img)), ecu_image_compressed(img) ? ", gzip'ed" : "");
        return 0;
    }
    if (stat(file, &st) != 0 || !S_ISREG(st.st_mode)) {
        tool_error(file, "not a regular file");
        return 0;
    }
    return 1;
}

/* Whether the analysis holds a bad signature that re-signing can make anew. */
static int needs_key(const ecu_csum *cs)
{
    size_t i;
    for (i = 0; i < ecu_csum_block_count(cs); i++)
        if (ecu_csum_block_at(cs, i)->status == ECU_BLOCK_SIGNATURE_BAD &&
            ecu_csum_block_resignable(cs, i))
            return 1;
    return 0;
}

/* A new key pair for --resign, given to @p cs (and written to --save-key's file); 0, or -1
   after saying why. */
static int new_key(ecu_csum *cs, const struct opts *o)
{
    uint8_t *der = NULL;
    size_t len = 0;
    int rc = -1;
    if (rsakey_generate(RESIGN_BITS, RESIGN_E, &der, &len))
        return -1;
    if (o->save_key && rsakey_write_pem(o->save_key, der, len))
        goto out;
    if (ecu_csum_set_resign_key(cs, der, len) != ECU_OK) {
        tool_error(NULL, "the new key pair is not accepted by the library");
        goto out;
    }
    key_set = 1;
    rc = 0;
out:
    free(der);
    return rc;
}

/* Why ecu_csum_fix refused @p file: a signature only --resign can make, one that cannot be
   re-signed at all or not with the key, or blocks that stay bad. */
static void refusal(const char *file, const ecu_csum *cs, const struct opts *o)
{
    size_t i, sig = 0, resignable = 0, other = 0, bad = ecu_csum_bad_count(cs);
    for (i = 0; i < ecu_csum_block_count(cs); i++) {
        if (!ecu_csum_block_unfixable(cs, i))
            continue;
        if (ecu_csum_block_at(cs, i)->status == ECU_BLOCK_SIGNATURE_BAD) {
            sig++;
            resignable += ecu_csum_block_resignable(cs, i) != 0;
        } else {
            other++;
        }
    }
    if (ecu_csum_extent(cs) == ECU_EXTENT_TRUNCATED)
        tool_error(file, "not written: the image is truncated (expected 0x%" PRIX64 " bytes, "
                   "read 0x%zX): correction cannot make the missing bytes", ecu_csum_expected_size(cs),
                   size_of(cs));
    else if (other || !sig)
        tool_error(file, "not written: %zu checksum block%s cannot be corrected", bad,
                   bad == 1 ? "" : "s");
    else if (resignable < sig)
        tool_error(file, "not written: the signature does not verify and cannot be made anew: "
                   "its public key is not in the image");
    else if (o->resign)
        tool_error(file, "not written: the signature could not be made with the key (its size "
                   "or public exponent is not the one the image checks with)");
    else if (bad > sig)
        tool_error(file, "not written: the RSA signature does not verify, and only --resign "
                   "makes it anew (a new key pair written into the image; see ecu-csum(1)); "
                   "the %zu other bad block%s can be corrected", bad - sig, bad - sig == 1 ? "" : "s");
    else
        tool_error(file, "not written: the RSA signature does not verify, and only --resign "
                   "makes it anew (a new key pair written into the image; see ecu-csum(1))");
}

/* Checks, corrects (when asked) and reports one file; returns its exit status. */
static int one_file(const char *file, ecu_csum *cs, const struct opts *o)
{
    ecu_image *img = ecu_image_new();
    int status = EXIT_TROUBLE, rc;
    size_t fixed = 0, i, size;
    char why[192];
    const char *written = NULL;
    char *orig_path = NULL;
    if (!img) {
        tool_error(NULL, "out of memory");
        return EXIT_TROUBLE;
    }
    if (tool_load(img, file, o->max_span))
        goto out;
    if ((rc = ecu_csum_analyze(cs, ecu_image_data(img), ecu_image_size(img))) != ECU_OK) {
        tool_error(file, "%s", ecu_strerror(rc));
        goto out;
    }
    status = exit_for(ecu_csum_verdict(cs));
    if (o->fix && (o->output || o->in_place)) {
        ecu_verdict v = ecu_csum_verdict(cs);
        if (v == ECU_VERDICT_UNKNOWN || v == ECU_VERDICT_AMBIGUOUS || v == ECU_VERDICT_NO_LAYOUT) {
            tool_error(file, "not written: %s", v == ECU_VERDICT_NO_LAYOUT
                                                     ? no_layout_reason(cs,
                                                                        "no known checksum layout for its family",
                                                                        why, sizeof why)
                                                 : v == ECU_VERDICT_AMBIGUOUS
                                                     ? "the family is ambiguous (use --family)"
                                                 : o->layout ? "the layout does not apply to it"
                                                             : "unknown family (use --family)");
        } else if (o->in_place && !in_place_ok(file, img)) {
            status = EXIT_TROUBLE;
        } else {
            int was_bad = v == ECU_VERDICT_BAD;
            if (o->resign && !key_set && needs_key(cs) && new_key(cs, o)) {
                status = EXIT_TROUBLE;
                goto out;
            }
            rc = ecu_csum_fix(cs);
            if (rc == ECU_ERR_UNFIXABLE) {
                refusal(file, cs, o);
                status = EXIT_NO;
            } else if (rc != ECU_OK) {
                tool_error(file, "%s", ecu_strerror(rc));
                status = EXIT_TROUBLE;
            } else {
                const uint8_t *out = ecu_csum_image(cs, &size);
                for (i = 0; i < ecu_csum_block_count(cs); i++)
                    fixed += ecu_csum_block_at(cs, i)->status == ECU_BLOCK_FIXED ||
                             ecu_csum_block_at(cs, i)->status == ECU_BLOCK_RESIGNED;
                if (o->output) {
                    if (tool_write_file(o->output, out, size) == 0) {
                        written = o->output;
                        status = EXIT_YES;
                    } else {
                        status = EXIT_TROUBLE;
                    }
                } else if (!was_bad) {
                    status = EXIT_YES; /* valid already: the file is left alone */
                } else {
                    size_t len = strlen(file) + 6;
                    struct stat st;
                    if (!(orig_path = malloc(len))) {
                        tool_error(NULL, "out of memory");
                        goto out;
                    }
                    snprintf(orig_path, len, "%s.orig", file);
                    if (!o->no_backup && lstat(orig_path, &st) == 0) {
                        tool_error(file, "not written: %s exists; move it away or use --no-backup",
                                   orig_path);
                        status = EXIT_TROUBLE;
                    } else if (!o->no_backup &&
                               tool_write_file(orig_path, ecu_image_data(img), ecu_image_size(img))) {
                        status = EXIT_TROUBLE;
                    } else if (tool_write_file(file, out, size) != 0) {
                        status = EXIT_TROUBLE;
                    } else {
                        written = file;
                        status = EXIT_YES;
                    }
                }
            }
        }
    }
    /* corrected in memory but not written: report the file as it still is */
    if (!written && ecu_csum_verdict(cs) == ECU_VERDICT_FIXED &&
        ecu_csum_analyze(cs, ecu_image_data(img), ecu_image_size(img)) != ECU_OK)
        status = EXIT_TROUBLE;
    if (!o->quiet) {
        if (o->json)
            report_json(file, cs, written);
        else
            report_text(file, cs, o, fixed, written);
    }
out:
    free(orig_path);
    ecu_image_free(img);
    return status;
}

/* Reads and parses the layout file @p path into @p cs; EXIT_YES, or EXIT_TROUBLE after saying
   why (a parse error as FILE:LINE:COL: message). */
static int load_layout(ecu_csum *cs, const char *path)
{
    enum { MAX_LAYOUT = 1 << 20 };
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    size_t n = 0;
    ecu_layout *l = NULL;
    int rc, status = EXIT_TROUBLE;
    if (!f) {
        tool_error(path, "%s", strerror(errno));
        return EXIT_TROUBLE;
    }
    if (!(text = malloc(MAX_LAYOUT + 1)) || !(l = ecu_layout_new())) {
        tool_error(NULL, "out of memory");
        goto out;
    }
    n = fread(text, 1, MAX_LAYOUT + 1, f);
    if (ferror(f)) {
        tool_error(path, "%s", strerror(errno));
        goto out;
    }
    if (n > MAX_LAYOUT) {
        tool_error(path, "a layout file has at most %d bytes", MAX_LAYOUT);
        goto out;
    }
    if ((rc = ecu_layout_parse(l, text, n)) == ECU_ERR_SYNTAX) {
        tool_error(NULL, "%s:%zu:%zu: %s", path, ecu_layout_error_line(l),
                   ecu_layout_error_column(l), ecu_layout_error(l));
        goto out;
    }
    if (rc == ECU_OK)
        rc = ecu_csum_set_layout(cs, l);
    if (rc != ECU_OK) {
        tool_error(path, "%s", ecu_strerror(rc));
        goto out;
    }
    status = EXIT_YES;
out:
    ecu_layout_free(l);
    free(text);
    fclose(f);
    return status;
}

/* Loads the reference read of --reference, checks that its checksums verify (with --family's
   family, when given), and hands it to @p cs; EXIT_YES, or EXIT_TROUBLE after saying why. */
static int load_reference(ecu_csum *cs, const struct opts *o)
{
    ecu_image *img = ecu_image_new();
    ecu_csum *check = ecu_csum_new();
    int status = EXIT_TROUBLE, rc;
    if (!img || !check) {
        tool_error(NULL, "out of memory");
        goto out;
    }
    if (tool_load(img, o->reference, o->max_span))
        goto out;
    if (o->family)
        ecu_csum_set_family(check, o->family);
    if ((rc = ecu_csum_analyze(check, ecu_image_data(img), ecu_image_size(img))) != ECU_OK) {
        tool_error(o->reference, "%s", ecu_strerror(rc));
        goto out;
    }
    if (ecu_csum_verdict(check) != ECU_VERDICT_OK) {
        ecu_verdict v = ecu_csum_verdict(check);
        if (v == ECU_VERDICT_BAD)
            tool_error(o->reference, "not a reference: %zu of %zu checksum blocks are bad (%s)",
                       ecu_csum_bad_count(check), ecu_csum_block_count(check),
                       ecu_csum_family(check)->name);
        else
            tool_error(o->reference, "not a reference: its checksums are not verified (%s)",
                       ecu_verdict_name(v));
        goto out;
    }
    if ((rc = ecu_csum_set_reference(cs, ecu_image_data(img), ecu_image_size(img))) != ECU_OK) {
        tool_error(o->reference, "%s", ecu_strerror(rc));
        goto out;
    }
    status = EXIT_YES;
out:
    ecu_csum_free(check);
    ecu_image_free(img);
    return status;
}

int main(int argc, char **argv)
{
    enum { OPT_FAMILY = 256, OPT_LAYOUT, OPT_LIST, OPT_FIX, OPT_INPLACE, OPT_NOBACKUP, OPT_JSON, OPT_MAXSPAN,
           OPT_REFERENCE, OPT_RESIGN, OPT_KEY, OPT_SAVEKEY };
    static const struct option longopts[] = {
        {"verbose", no_argument, NULL, 'v'},
        {"family", required_argument, NULL, OPT_FAMILY},
        {"layout", required_argument, NULL, OPT_LAYOUT},
        {"reference", required_argument, NULL, OPT_REFERENCE},
        {"list-families", no_argument, NULL, OPT_LIST},
        {"fix", no_argument, NULL, OPT_FIX},
        {"output", required_argument, NULL, 'o'},
        {"in-place", no_argument, NULL, OPT_INPLACE},
        {"no-backup", no_argument, NULL, OPT_NOBACKUP},
        {"resign", no_argument, NULL, OPT_RESIGN},
        {"key", required_argument, NULL, OPT_KEY},
        {"save-key", required_argument, NULL, OPT_SAVEKEY},
        {"json", no_argument, NULL, OPT_JSON},
        {"max-span", required_argument, NULL, OPT_MAXSPAN},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    struct opts o;
    ecu_csum *cs = NULL;
    int ch, status = EXIT_TROUBLE, list = 0, i;

    tool_check_library(argv[0]); /* before anything else uses the library */
    memset(&o, 0, sizeof o);
    tool_init(argv[0]);
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":vo:qhV", longopts, NULL)) != -1) {
        switch (ch) {
        case 'v': o.verbose = 1; break;
        case 'q': o.quiet = 1; break;
        case 'o': o.output = optarg; break;
        case OPT_FAMILY: o.family = optarg; break;
        case OPT_LAYOUT: o.layout = optarg; break;
        case OPT_REFERENCE: o.reference = optarg; break;
        case OPT_LIST: list = 1; break;
        case OPT_FIX: o.fix = 1; break;
        case OPT_INPLACE: o.in_place = 1; break;
        case OPT_NOBACKUP: o.no_backup = 1; break;
        case OPT_RESIGN: o.resign = 1; break;
        case OPT_KEY: o.key = optarg; break;
        case OPT_SAVEKEY: o.save_key = optarg; break;
        case OPT_JSON: o.json = 1; break;
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
            tool_bad_option(argv, optind, optopt, ":vo:qhV", longopts); /* as above */
            return EXIT_TROUBLE;
        }
    }
    rep = o.output && strcmp(o.output, "-") == 0 ? stderr : stdout;
    if (list) {
        list_families(o.json);
        return tool_close_stdout(EXIT_YES);
    }
    if (optind >= argc) {
        tool_usage_error("no file given");
        return EXIT_TROUBLE;
    }
    if ((o.output || o.in_place) && !o.fix) {
        tool_error(NULL, "-o and --in-place go with --fix");
        return EXIT_TROUBLE;
    }
    if (o.fix && !o.output && !o.in_place) {
        tool_error(NULL, "--fix needs -o OUT or --in-place: nothing is changed otherwise");
        return EXIT_TROUBLE;
    }
    if (o.output && o.in_place) {
        tool_error(NULL, "-o and --in-place exclude each other");
        return EXIT_TROUBLE;
    }
    if (o.no_backup && !o.in_place) {
        tool_error(NULL, "--no-backup goes with --in-place");
        return EXIT_TROUBLE;
    }
    if (o.resign && !o.fix) {
        tool_error(NULL, "--resign goes with --fix");
        return EXIT_TROUBLE;
    }
    if ((o.key || o.save_key) && !o.resign) {
        tool_error(NULL, "%s goes with --resign", o.key ? "--key" : "--save-key");
        return EXIT_TROUBLE;
    }
    if (o.key && o.save_key) {
        tool_error(NULL, "--key and --save-key exclude each other (the key of --key is in its file)");
        return EXIT_TROUBLE;
    }
    if (o.family && o.layout) {
        tool_error(NULL, "--family and --layout exclude each other");
        return EXIT_TROUBLE;
    }
    if (o.reference && o.layout) {
        tool_error(NULL, "--reference and --layout exclude each other");
        return EXIT_TROUBLE;
    }
    if (o.output && argc - optind != 1) {
        tool_error(NULL, "-o takes exactly one FILE");
        return EXIT_TROUBLE;
    }
    if (tool_stdin_once(argv + optind, argc - optind))
        return EXIT_TROUBLE;
    if (o.output && strcmp(o.output, "-") != 0 && strcmp(argv[optind], "-") != 0) {
        struct stat so, si;
        if (stat(o.output, &so) == 0 && stat(argv[optind], &si) == 0 && so.st_dev == si.st_dev &&
            so.st_ino == si.st_ino) {
            tool_error(o.output, "is the input; use --in-place to replace it");
            return EXIT_TROUBLE;
        }
    }
    if (!(cs = ecu_csum_new())) {
        tool_error(NULL, "out of memory");
        return EXIT_TROUBLE;
    }
    if (o.family && ecu_csum_set_family(cs, o.family) != ECU_OK) {
        tool_error(NULL, "unknown family '%s' (see --list-families)", o.family);
        ecu_csum_free(cs);
        return EXIT_TROUBLE;
    }
    if (o.layout && load_layout(cs, o.layout) != EXIT_YES) {
        ecu_csum_free(cs);
        return EXIT_TROUBLE;
    }
    if (o.reference && load_reference(cs, &o) != EXIT_YES) {
        ecu_csum_free(cs);
        return EXIT_TROUBLE;
    }
    if (o.key) {
        uint8_t *der = NULL;
        size_t len = 0;
        int rc = rsakey_read(o.key, &der, &len) ? ECU_ERR_INVALID : ECU_OK;
        if (rc == ECU_OK && (rc = ecu_csum_set_resign_key(cs, der, len)) != ECU_OK)
            tool_error(o.key, "not a PKCS#1 RSA key pair, or its parts do not make one (%s; "
                       "a PKCS#8 key converts with openssl rsa -traditional)", ecu_strerror(rc));
        free(der);
        if (rc != ECU_OK) {
            ecu_csum_free(cs);
            return EXIT_TROUBLE;
        }
        key_set = 1;
    }
    status = EXIT_YES;
    for (i = optind; i < argc; i++)
        status = worse(status, one_file(argv[i], cs, &o));
    ecu_csum_free(cs);
    return tool_close_stdout(status);
}
