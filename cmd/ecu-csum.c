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
#include <unistd.h>

#include "batch.h"
#include "contract.h"
#include "csum_learn.h"
#include "rsakey.h"
#include "tool.h"

/* The size and public exponent of the keys --resign generates: those of the only signature
   checked with a key in the image, Bosch ME7.1.1's (RSA_MODULUS_SIZE 1024, exponent 3:
   nyetwurk/ME7Sum me7sum.c); the library refuses a key that does not fit an image. */
#define RESIGN_BITS 1024u
#define RESIGN_E 3ul

struct opts {
    int verbose, quiet, fix, in_place, no_backup, resign, force;
    enum tool_format fmt;
    const char *output, *family, *layout, *reference, *key, *save_key;
    uint64_t max_span;
};

/* What every checksum handle is set up with, read once in main() and then only read: the
   layout of --layout, the reference read of --reference, the key pair of --key. */
struct csum_setup {
    const struct opts *o;
    ecu_layout *layout;
    ecu_image *reference;
    uint8_t *key_der;
    size_t key_len;
};

/* What one_file() works with: the options, and a checksum handle of its own (one per worker
   thread, never shared). --resign's key pair is given to the handle (read from --key at the
   start, or generated at the first image that needs it, then used for every image the handle
   checks; --resign runs on one worker). */
struct csum_ctx {
    const struct opts *o;
    ecu_csum *cs;
    int key_set;
    ecu_image *img; /* the worker's image handle, kept from file to file (several workers:
                       its read buffers reused, ecu_image_set_reuse), or NULL: one per file */
    unsigned files;  /* how many files the worker has had */
};

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: %s [options] FILE...\n"
            "       %s [options] -r FOLDER... | --files-from LIST\n"
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
            "  -f, --force           replace an existing OUT (or FILE.orig with --in-place;\n"
            "                        with --learn, an existing LAYOUT)\n"
            "      --resign          with --fix: make a bad RSA signature anew where the image\n"
            "                        holds its own public key (ME7.1.1): a new key pair is\n"
            "                        written into the image and the signature made with it\n"
            "      --key FILE        with --resign: sign with the key pair in FILE (PKCS#1,\n"
            "                        PEM or DER) instead of a new one\n"
            "      --save-key FILE   with --resign: write the new key pair to FILE (PEM)\n"
            "      --format FORMAT   text (default), json (one object per file, one per line)\n"
            "                        or export (KEY=value lines for the shell)\n"
            "      --json            the same as --format json\n"
            "      --max-span N      refuse images spanning more than N bytes (default 64M)\n"
            "  -r, --recursive       walk the folders named (bytewise order, depth first)\n"
            "      --files-from LIST also check the files named in LIST ('-': standard input),\n"
            "                        one a line\n"
            "  -0, --null            the names in LIST end with a NUL byte (find -print0)\n"
            "  -j, --jobs N          check N files at a time (default: one per processor;\n"
            "                        --fix: one); the reports keep the input order\n"
            "      --junit FILE      also write a JUnit XML report to FILE\n"
            "      --discover        search each FILE for stored checksums of its ranges, with\n"
            "                        no family knowledge (exit 0 found, 3 nothing found)\n"
            "      --learn           with -o LAYOUT: write the checksum blocks that hold in\n"
            "                        every FILE (dumps of one family) as an ecu-layout(5) file\n"
            "      --bound P         --discover, --learn: the bound on chance findings (1e-6)\n"
            "  -q, --quiet, --silent print nothing; the exit status tells\n"
            "  -h, --help            show this help and exit\n"
            "  -V, --version         show the version and exit\n"
            "\n"
            "Exit status: 0 every file valid (or corrected and written), 1 bad checksums found\n"
            "or not correctable, 2 trouble, 3 family unknown, ambiguous or without a checksum\n"
            "layout. With several files the most serious wins: 2, then 1, then 3.\n"
            "See ecu-csum(1).\n",
            tool_name(), tool_name());
}

static void list_families(enum tool_format fmt)
{
    size_t i;
    for (i = 0; i < ecu_family_count(); i++) {
        const ecu_family_info *f = ecu_family_at(i);
        if (fmt == TOOL_JSON) {
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
        } else if (fmt == TOOL_EXPORT) {
            export_str(stdout, "FAMILY", f->name);
            export_str(stdout, "MANUFACTURER", f->manufacturer);
            export_str(stdout, "DESCRIPTION", f->description);
            export_str(stdout, "VERIFIES", f->verifies);
            export_str(stdout, "CORRECTS", f->corrects);
            export_str(stdout, "SOURCES", f->sources);
            putchar('\n');
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

/*
 * What one file's report needs beyond the analysis: the blocks a correction changed (any
 * block whose stored bytes differ afterwards, also one rewritten as the knock-on effect of
 * another's correction), the file written, and the exit status and status word.
 */
struct report {
    const unsigned char *changed; /* per block, or NULL */
    size_t fixed;                 /* blocks changed by the correction */
    const char *written;
    int exit;
    const char *status;
    const char *error; /* exit 2 after the analysis: why, or NULL */
};

/* A block's status word: "fixed" for one the correction changed though it verified before. */
static const char *block_status(const ecu_block *b, const struct report *rp, size_t i)
{
    if (rp->changed && rp->changed[i] && b->status == ECU_BLOCK_OK)
        return "fixed";
    if (rp->changed && rp->changed[i] && b->status == ECU_BLOCK_SIGNATURE)
        return "resigned";
    return ecu_block_status_name(b->status);
}

static void report_text(FILE *out, const char *file, const ecu_csum *cs, const struct opts *o,
                        const struct report *rp)
{
    const ecu_family_info *f = ecu_csum_family(cs);
    ecu_verdict v = ecu_csum_verdict(cs);
    size_t nb = ecu_csum_block_count(cs), i;
    char why[192];
    if (tool_name_escaped(file) || (rp->written && tool_name_escaped(rp->written)))
        fputc('\\', out);
    tool_put_name(out, file);
    fprintf(out, ": %s", ecu_verdict_name(v));
    switch (v) {
    case ECU_VERDICT_OK:
        fprintf(out, " (%s, %zu checksum block%s)", f->name, nb, nb == 1 ? "" : "s");
        break;
    case ECU_VERDICT_BAD:
        fprintf(out, " (%s, %zu of %zu checksum blocks bad", f->name, ecu_csum_bad_count(cs), nb);
        if (ecu_csum_extent(cs) == ECU_EXTENT_TRUNCATED)
            fprintf(out, "; truncated: expected 0x%" PRIX64 " bytes, read 0x%zX",
                    ecu_csum_expected_size(cs), size_of(cs));
        fputc(')', out);
        break;
    case ECU_VERDICT_FIXED:
        fprintf(out, " (%s, %zu of %zu checksum blocks corrected)", f->name, rp->fixed, nb);
        break;
    case ECU_VERDICT_NO_LAYOUT:
        fprintf(out, " (%s: %s)", f->name,
                no_layout_reason(cs, "no known checksum layout for this image", why,
                                 sizeof why));
        break;
    case ECU_VERDICT_AMBIGUOUS:
        fprintf(out, ":");
        for (i = 0; i < ecu_csum_candidate_count(cs); i++)
            fprintf(out, "%s %s", i ? "," : "", ecu_csum_candidate_at(cs, i, NULL)->name);
        break;
    case ECU_VERDICT_UNKNOWN:
        if (o->layout)
            fprintf(out, " (%s)", ecu_csum_evidence(cs));
        else
            fprintf(out, " (no family recognises this image)");
        break;
    }
    if (rp->written) {
        fputs(" -> ", out);
        tool_put_name(out, rp->written);
    }
    fputc('\n', out);
    if (!o->verbose)
        return;
    if (f || v == ECU_VERDICT_AMBIGUOUS)
        fprintf(out, "  %s%s\n", o->layout ? "" : "detected: ", ecu_csum_evidence(cs));
    for (i = 0; i < nb; i++) {
        const ecu_block *b = ecu_csum_block_at(cs, i);
        fprintf(out, "  %-6s %s: %s over ", block_status(b, rp, i), b->name, b->algorithm);
        print_ranges(out, b, 0);
        fprintf(out, ", stored 0x%" PRIX64 " at 0x%" PRIX64 ", computed 0x%" PRIX64 "\n", b->stored,
                b->store_offset, b->computed);
    }
}

static unsigned block_digits(const ecu_block *b)
{
    return tool_value_digits(b->algorithm, b->store_bytes, b->stored, b->computed);
}

static void report_json(FILE *out, const char *file, const ecu_csum *cs, const struct report *rp)
{
    const ecu_family_info *f = ecu_csum_family(cs);
    size_t nb = ecu_csum_block_count(cs), i;
    fprintf(out, "{\"file\":");
    json_string(out, file);
    fprintf(out, ",\"status\":\"%s\",\"exit\":%d", rp->status, rp->exit);
    if (rp->error) {
        fprintf(out, ",\"error\":");
        json_string(out, rp->error);
    }
    fprintf(out, ",\"family\":");
    if (f)
        json_string(out, f->name);
    else
        fprintf(out, "null");
    fprintf(out, ",\"score\":%u,\"evidence\":", ecu_csum_score(cs));
    json_string(out, ecu_csum_evidence(cs));
    fprintf(out, ",\"candidates\":[");
    for (i = 0; i < ecu_csum_candidate_count(cs); i++) {
        unsigned score;
        const ecu_family_info *c = ecu_csum_candidate_at(cs, i, &score);
        fprintf(out, "%s{\"family\":", i ? "," : "");
        json_string(out, c->name);
        fprintf(out, ",\"score\":%u}", score);
    }
    fprintf(out, "],\"expected_size\":");
    if (ecu_csum_expected_size(cs))
        fprintf(out, "%" PRIu64, ecu_csum_expected_size(cs));
    else
        fprintf(out, "null");
    fprintf(out, ",\"extent\":\"%s\"", ecu_extent_name(ecu_csum_extent(cs)));
    fprintf(out, ",\"bad\":%zu", ecu_csum_bad_count(cs));
    if (ecu_csum_verdict(cs) == ECU_VERDICT_FIXED)
        fprintf(out, ",\"fixed\":%zu", rp->fixed);
    fprintf(out, ",\"blocks\":[");
    for (i = 0; i < nb; i++) {
        const ecu_block *b = ecu_csum_block_at(cs, i);
        unsigned digits = block_digits(b);
        fprintf(out, "%s{\"name\":", i ? "," : "");
        json_string(out, b->name);
        fprintf(out, ",\"algorithm\":");
        json_string(out, b->algorithm);
        fprintf(out, ",\"ranges\":[");
        print_ranges(out, b, 1);
        fprintf(out, "],\"offset\":%" PRIu64 ",\"bytes\":%u,\"stored\":", b->store_offset,
                b->store_bytes);
        json_hex(out, b->stored, digits);
        fprintf(out, ",\"computed\":");
        json_hex(out, b->computed, digits);
        fprintf(out, ",\"status\":\"%s\"}", block_status(b, rp, i));
    }
    fprintf(out, "]");
    if (rp->written) {
        fprintf(out, ",\"written\":");
        json_string(out, rp->written);
    }
    fprintf(out, "}\n");
}

static void report_export(FILE *out, const char *file, const ecu_csum *cs, const struct opts *o,
                          const struct report *rp)
{
    const ecu_family_info *f = ecu_csum_family(cs);
    size_t nb = ecu_csum_block_count(cs), i;
    char key[48];
    export_str(out, "FILE", file);
    export_str(out, "STATUS", rp->status);
    export_u64(out, "EXIT", (uint64_t)rp->exit);
    if (rp->error)
        export_str(out, "ERROR", rp->error);
    if (f)
        export_str(out, "FAMILY", f->name);
    export_u64(out, "BLOCKS", nb);
    export_u64(out, "BAD", ecu_csum_bad_count(cs));
    if (ecu_csum_verdict(cs) == ECU_VERDICT_FIXED)
        export_u64(out, "FIXED", rp->fixed);
    if (rp->written)
        export_str(out, "WRITTEN", rp->written);
    for (i = 0; o->verbose && i < nb; i++) {
        const ecu_block *b = ecu_csum_block_at(cs, i);
        unsigned digits = block_digits(b);
        snprintf(key, sizeof key, "BLOCK_%zu_NAME", i + 1);
        export_str(out, key, b->name);
        snprintf(key, sizeof key, "BLOCK_%zu_STATUS", i + 1);
        export_str(out, key, block_status(b, rp, i));
        snprintf(key, sizeof key, "BLOCK_%zu_STORED", i + 1);
        export_hex(out, key, b->stored, digits);
        snprintf(key, sizeof key, "BLOCK_%zu_COMPUTED", i + 1);
        export_hex(out, key, b->computed, digits);
    }
    fputc('\n', out);
}

/* The record of an input that could not be read or analysed. */
static void report_error(FILE *out, const char *file, const struct opts *o, const char *msg)
{
    if (o->quiet)
        return;
    tool_error_record(out, o->fmt, file, msg);
}

/* Whether FILE can be replaced in place: a raw, uncompressed regular file; else says why
   on @p err and in @p why. */
static int in_place_ok(FILE *err, const char *file, const ecu_image *img, char *why, size_t whysz)
{
    struct stat st;
    if (strcmp(file, "-") == 0)
        snprintf(why, whysz, "standard input cannot be corrected in place; use -o");
    else if (ecu_image_format(img) != ECU_FORMAT_RAW || ecu_image_compressed(img))
        snprintf(why, whysz, "only raw binary files are corrected in place (this is %s%s); use -o",
                 ecu_format_name(ecu_image_format(img)), ecu_image_compressed(img) ? ", gzip'ed" : "");
    else if (stat(file, &st) != 0 || !S_ISREG(st.st_mode))
        snprintf(why, whysz, "not a regular file");
    else
        return 1;
    tool_error_to(err, file, "%s", why);
    return 0;
}

/* Whether @p file is named as --in-place names its backups (FILE.orig). */
static int is_backup(const char *file)
{
    size_t n = strlen(file);
    return n > 5 && strcmp(file + n - 5, ".orig") == 0;
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

/* A new key pair for --resign, given to the context's handle (and written to --save-key's
   file); 0, or -1 after saying why. */
static int new_key(struct csum_ctx *x, FILE *err)
{
    uint8_t *der = NULL;
    size_t len = 0;
    int rc = -1;
    if (rsakey_generate(RESIGN_BITS, RESIGN_E, &der, &len))
        return -1;
    if (x->o->save_key && rsakey_write_pem(x->o->save_key, der, len))
        goto out;
    if (ecu_csum_set_resign_key(x->cs, der, len) != ECU_OK) {
        tool_error_to(err, NULL, "the new key pair is not accepted by the library");
        goto out;
    }
    x->key_set = 1;
    rc = 0;
out:
    free(der);
    return rc;
}

static int is_signature(const ecu_block *b)
{
    return b->status == ECU_BLOCK_SIGNATURE || b->status == ECU_BLOCK_SIGNATURE_BAD ||
           b->status == ECU_BLOCK_RESIGNED;
}

/* What stood in the way of ecu_csum_fix: the blocks that stayed bad, split into signatures
   (resignable or not; verifying before the attempt or not) and ordinary checksums. */
struct left {
    size_t sig, sig_resignable, sig_was_ok, other;
    size_t other_idx[3]; /* the first ordinary ones, to name them */
};

static void count_left(const ecu_csum *cs, struct left *l)
{
    size_t i;
    memset(l, 0, sizeof *l);
    for (i = 0; i < ecu_csum_block_count(cs); i++) {
        const ecu_block *b = ecu_csum_block_at(cs, i);
        if (!ecu_csum_block_unfixable(cs, i))
            continue;
        if (is_signature(b)) {
            l->sig++;
            l->sig_resignable += ecu_csum_block_resignable(cs, i) != 0;
            l->sig_was_ok += b->status == ECU_BLOCK_SIGNATURE;
        } else {
            if (l->other < sizeof l->other_idx / sizeof *l->other_idx)
                l->other_idx[l->other] = i;
            l->other++;
        }
    }
}

/* Bad blocks of the analysis that are ordinary checksums (no signature). */
static size_t bad_checksums(const ecu_csum *cs)
{
    size_t i, n = 0;
    for (i = 0; i < ecu_csum_block_count(cs); i++)
        n += ecu_csum_block_at(cs, i)->status == ECU_BLOCK_BAD;
    return n;
}

/* Why ecu_csum_fix refused @p file, on @p err and in @p why: the blocks that cannot be
   corrected, named and counted; a signature only --resign can make (bad already, or made bad
   by correcting checksums inside the bytes it covers), one that cannot be re-signed at all
   or not with the key. */
static void refusal(FILE *err, const char *file, const struct csum_ctx *x, char *why, size_t whysz)
{
    const ecu_csum *cs = x->cs;
    struct left l;
    size_t n = 0, i, ok_ones = bad_checksums(cs);
    count_left(cs, &l);
    if (ecu_csum_extent(cs) == ECU_EXTENT_TRUNCATED) {
        snprintf(why, whysz, "not written: the image is truncated (expected 0x%" PRIX64 " bytes, "
                 "read 0x%zX): correction cannot make the missing bytes",
                 ecu_csum_expected_size(cs), size_of(cs));
    } else if (l.other) {
        n = (size_t)snprintf(why, whysz, "not written: %zu checksum block%s cannot be corrected (",
                             l.other, l.other == 1 ? "" : "s");
        for (i = 0; i < l.other && i < 3 && n < whysz; i++)
            n += (size_t)snprintf(why + n, whysz - n, "%s%s", i ? "; " : "",
                                  ecu_csum_block_at(cs, l.other_idx[i])->name);
        if (n < whysz)
            n += (size_t)snprintf(why + n, whysz - n, "%s)%s", l.other > 3 ? "; ..." : "",
                                  l.sig ? "; nor can the RSA signature" : "");
    } else if (!l.sig) {
        size_t bad = ecu_csum_bad_count(cs);
        snprintf(why, whysz, "not written: %zu checksum block%s cannot be corrected", bad,
                 bad == 1 ? "" : "s");
    } else if (l.sig_resignable < l.sig) {
        snprintf(why, whysz, "not written: the RSA signature is the only block that cannot be "
                 "corrected: it %s and cannot be made anew: its public key is not in the image",
                 l.sig_was_ok ? "covers bytes the correction changes" : "does not verify");
    } else if (x->o->resign && x->key_set) {
        snprintf(why, whysz, "not written: the signature could not be made with the key (its "
                 "size or public exponent is not the one the image checks with)");
    } else if (l.sig_was_ok) {
        snprintf(why, whysz, "not written: the RSA signature is the only block that cannot be "
                 "corrected: it verifies, but correcting the %zu bad checksum block%s changes "
                 "bytes it covers, and only --resign makes it anew (a new key pair written into "
                 "the image; see ecu-csum(1))", ok_ones, ok_ones == 1 ? "" : "s");
    } else if (ok_ones) {
        snprintf(why, whysz, "not written: the RSA signature does not verify, and only --resign "
                 "makes it anew (a new key pair written into the image; see ecu-csum(1)); "
                 "the %zu other bad block%s can be corrected", ok_ones, ok_ones == 1 ? "" : "s");
    } else {
        snprintf(why, whysz, "not written: the RSA signature does not verify, and only --resign "
                 "makes it anew (a new key pair written into the image; see ecu-csum(1))");
    }
    tool_error_to(err, file, "%s", why);
}

/* Marks in @p changed the blocks whose stored bytes differ between @p before and @p after
   (the image before and after the correction); returns how many blocks the correction
   changed (those, and any re-signed or reported fixed). */
static size_t mark_changed(const ecu_csum *cs, const uint8_t *before, const uint8_t *after,
                           size_t size, unsigned char *changed)
{
    size_t i, n = 0;
    for (i = 0; i < ecu_csum_block_count(cs); i++) {
        const ecu_block *b = ecu_csum_block_at(cs, i);
        changed[i] = b->status == ECU_BLOCK_FIXED || b->status == ECU_BLOCK_RESIGNED;
        if (!changed[i] && b->store_offset < size && b->store_bytes <= size - b->store_offset)
            changed[i] = memcmp(before + b->store_offset, after + b->store_offset,
                                b->store_bytes) != 0;
        n += changed[i];
    }
    return n;
}

/* The reason of a result that is not 0, from the analysis. */
static void set_reason(struct tool_result *res, const ecu_csum *cs)
{
    char why[192];
    const ecu_family_info *f = ecu_csum_family(cs);
    switch (ecu_csum_verdict(cs)) {
    case ECU_VERDICT_BAD:
        snprintf(res->reason, sizeof res->reason, "%s: %zu of %zu checksum blocks bad", f->name,
                 ecu_csum_bad_count(cs), ecu_csum_block_count(cs));
        break;
    case ECU_VERDICT_NO_LAYOUT:
        snprintf(res->reason, sizeof res->reason, "%s: %s", f->name,
                 no_layout_reason(cs, "no known checksum layout for this image", why, sizeof why));
        break;
    case ECU_VERDICT_AMBIGUOUS:
        snprintf(res->reason, sizeof res->reason, "the family is ambiguous");
        break;
    case ECU_VERDICT_UNKNOWN:
        snprintf(res->reason, sizeof res->reason, "no family recognises this image");
        break;
    default:
        res->reason[0] = '\0';
    }
}

/*
 * Checks, corrects (when asked) and reports one file: the report (text, json or export) on
 * @p out, the messages on @p err. Reads nothing global that changes (the batch runner's
 * per-file function).
 */
static struct tool_result one_file(void *ctx, const char *file, FILE *out, FILE *err)
{
    struct csum_ctx *x = ctx;
    const struct opts *o = x->o;
    ecu_csum *cs = x->cs;
    ecu_image *img = x->img ? x->img : ecu_image_new();
    struct tool_result res;
    struct report rp;
    int rc;
    size_t size;
    char why[512] = "";
    unsigned char *changed = NULL;
    memset(&res, 0, sizeof res);
    memset(&rp, 0, sizeof rp);
    tool_result_set(&res, EXIT_TROUBLE, "error", "out of memory");
    if (!img) {
        tool_error_to(err, NULL, "out of memory");
        report_error(out, file, o, "out of memory");
        return res;
    }
    if (tool_load_to(err, img, file, o->max_span, why, sizeof why)) {
        tool_result_set(&res, EXIT_TROUBLE, "error", "%s", why);
        report_error(out, file, o, why);
        goto out;
    }
    if ((rc = ecu_csum_analyze(cs, ecu_image_data(img), ecu_image_size(img))) != ECU_OK) {
        tool_error_to(err, file, "%s", ecu_strerror(rc));
        tool_result_set(&res, EXIT_TROUBLE, "error", "%s", ecu_strerror(rc));
        report_error(out, file, o, ecu_strerror(rc));
        goto out;
    }
    rp.exit = exit_for(ecu_csum_verdict(cs));
    if (o->fix && (o->output || o->in_place)) {
        ecu_verdict v = ecu_csum_verdict(cs);
        char nl[192];
        if (v == ECU_VERDICT_UNKNOWN || v == ECU_VERDICT_AMBIGUOUS || v == ECU_VERDICT_NO_LAYOUT) {
            tool_error_to(err, file, "not written: %s",
                          v == ECU_VERDICT_NO_LAYOUT
                              ? no_layout_reason(cs, "no known checksum layout for its family", nl,
                                                 sizeof nl)
                          : v == ECU_VERDICT_AMBIGUOUS ? "the family is ambiguous (use --family)"
                          : o->layout                  ? "the layout does not apply to it"
                                                       : "unknown family (use --family)");
        } else if (o->in_place && v == ECU_VERDICT_BAD && is_backup(file)) {
            /* a walk with -r meets the backups of an earlier --in-place run: a backup is
               never corrected (its original would be lost but for a .orig.orig) */
            snprintf(why, sizeof why, "not written: a backup kept by --in-place (its name ends "
                     "in .orig) is never corrected in place; use -o");
            tool_error_to(err, file, "%s", why);
            rp.exit = EXIT_NO;
        } else if (o->in_place && !in_place_ok(err, file, img, why, sizeof why)) {
            rp.exit = EXIT_TROUBLE;
            rp.error = why;
        } else {
            int was_bad = v == ECU_VERDICT_BAD;
            if (o->resign && !x->key_set && needs_key(cs) && new_key(x, err)) {
                rp.exit = EXIT_TROUBLE;
                rp.error = "no key pair for --resign";
                goto report;
            }
            rc = ecu_csum_fix(cs);
            if (rc == ECU_ERR_UNFIXABLE && o->resign && !x->key_set) {
                /* a signature that verified, made bad by correcting checksums inside the
                   bytes it covers: with --resign it is made anew too */
                struct left l;
                count_left(cs, &l);
                if (!l.other && l.sig && l.sig == l.sig_resignable) {
                    if (new_key(x, err)) {
                        rp.exit = EXIT_TROUBLE;
                        rp.error = "no key pair for --resign";
                        goto report;
                    }
                    rc = ecu_csum_fix(cs);
                }
            }
            if (rc == ECU_ERR_UNFIXABLE) {
                refusal(err, file, x, why, sizeof why);
                rp.exit = EXIT_NO;
            } else if (rc != ECU_OK) {
                tool_error_to(err, file, "%s", ecu_strerror(rc));
                snprintf(why, sizeof why, "%s", ecu_strerror(rc));
                rp.exit = EXIT_TROUBLE;
                rp.error = why;
            } else {
                const uint8_t *fixed_img = ecu_csum_image(cs, &size);
                if (!(changed = calloc(ecu_csum_block_count(cs) + 1, 1))) {
                    tool_error_to(err, NULL, "out of memory");
                    rp.exit = EXIT_TROUBLE;
                    rp.error = "out of memory";
                    goto report;
                }
                if (size == ecu_image_size(img))
                    rp.fixed = mark_changed(cs, ecu_image_data(img), fixed_img, size, changed);
                rp.changed = changed;
                if (o->output) {
                    why[0] = '\0';
                    if (tool_write_file_to(err, why, sizeof why, o->output, fixed_img, size,
                                           o->force ? TOOL_WRITE_REPLACE : 0) == 0) {
                        rp.written = o->output;
                        rp.exit = EXIT_YES;
                    } else {
                        rp.exit = EXIT_TROUBLE;
                        rp.error = why;
                    }
                } else if (!was_bad) {
                    rp.exit = EXIT_YES; /* valid already: the file is left alone */
                } else {
                    why[0] = '\0';
                    if (tool_replace_in_place(err, why, sizeof why, file, ecu_image_data(img),
                                              ecu_image_size(img), fixed_img, size,
                                              !o->no_backup, o->force) != 0) {
                        rp.exit = EXIT_TROUBLE;
                        rp.error = why;
                    } else {
                        rp.written = file;
                        rp.exit = EXIT_YES;
                    }
                }
            }
        }
    }
report:
    /* corrected in memory but not written: report the file as it still is */
    if (!rp.written && ecu_csum_verdict(cs) == ECU_VERDICT_FIXED) {
        rp.changed = NULL;
        rp.fixed = 0;
        if (ecu_csum_analyze(cs, ecu_image_data(img), ecu_image_size(img)) != ECU_OK) {
            rp.exit = EXIT_TROUBLE;
            if (!rp.error)
                rp.error = "out of memory";
        }
    }
    rp.status = rp.exit == EXIT_TROUBLE ? "error" : ecu_verdict_name(ecu_csum_verdict(cs));
    if (rp.exit == EXIT_TROUBLE)
        tool_result_set(&res, rp.exit, rp.status, "%s", rp.error ? rp.error : "trouble");
    else if (rp.exit == EXIT_NO && why[0])
        tool_result_set(&res, rp.exit, rp.status, "%s", why);
    else {
        tool_result_set(&res, rp.exit, rp.status, "%s", "");
        if (rp.exit != EXIT_YES)
            set_reason(&res, cs);
    }
    if (!o->quiet) {
        if (o->fmt == TOOL_JSON)
            report_json(out, file, cs, &rp);
        else if (o->fmt == TOOL_EXPORT)
            report_export(out, file, cs, o, &rp);
        else
            report_text(out, file, cs, o, &rp);
    }
out:
    free(changed);
    if (img != x->img)
        ecu_image_free(img);
    return res;
}

/* Reads and parses the layout file @p path into @p cs (and keeps it in @p setup for the other
   workers' handles); EXIT_YES, or EXIT_TROUBLE after saying why (a parse error as
   FILE:LINE:COL: message). */
static int load_layout(ecu_csum *cs, const char *path, struct csum_setup *setup)
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
    setup->layout = l;
    l = NULL;
out:
    ecu_layout_free(l);
    free(text);
    fclose(f);
    return status;
}

/* Loads the reference read of --reference, checks that its checksums verify (with --family's
   family, when given), and hands it to @p cs (and keeps it in @p setup for the other workers'
   handles); EXIT_YES, or EXIT_TROUBLE after saying why. */
static int load_reference(ecu_csum *cs, const struct opts *o, struct csum_setup *setup)
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
    setup->reference = img;
    img = NULL;
out:
    ecu_csum_free(check);
    ecu_image_free(img);
    return status;
}

/* A checksum handle set up as main() set up the first one (worker 0's), for another worker:
   the same family, layout, reference and key pair. NULL when memory runs out. */
static ecu_csum *worker_handle(const struct csum_setup *setup)
{
    const struct opts *o = setup->o;
    ecu_csum *cs = ecu_csum_new();
    if (!cs)
        return NULL;
    if ((o->family && ecu_csum_set_family(cs, o->family) != ECU_OK) ||
        (setup->layout && ecu_csum_set_layout(cs, setup->layout) != ECU_OK) ||
        (setup->reference &&
         ecu_csum_set_reference(cs, ecu_image_data(setup->reference),
                                ecu_image_size(setup->reference)) != ECU_OK) ||
        (setup->key_der && ecu_csum_set_resign_key(cs, setup->key_der, setup->key_len) != ECU_OK)) {
        ecu_csum_free(cs);
        return NULL;
    }
    return cs;
}

/* The workers' contexts: worker 0's made by main(), the others' at their first file (each
   worker makes its own: a handle is never shared between threads). */
struct csum_workers {
    const struct csum_setup *setup;
    struct csum_ctx *ctx;
    unsigned n; /* how many */
};

/* The batch runner's per-file function: one_file() with the worker's own handle. */
static struct tool_result csum_file(void *arg, unsigned worker, const char *file, FILE *out,
                                    FILE *err)
{
    struct csum_workers *w = arg;
    struct csum_ctx *x = &w->ctx[worker];
    if (!x->cs) {
        x->o = w->setup->o;
        x->key_set = w->setup->key_der != NULL;
        if (!(x->cs = worker_handle(w->setup))) {
            struct tool_result res;
            memset(&res, 0, sizeof res);
            tool_error_to(err, NULL, "out of memory");
            tool_result_set(&res, EXIT_TROUBLE, "error", "out of memory");
            report_error(out, file, x->o, res.reason);
            return res;
        }
    }
    (void)batch_worker_image(&x->img, &x->files, w->n > 1); /* kept buffers (batch.h) */
    return one_file(x, file, out, err);
}

/* --discover and --learn (cmd/csum_learn.c): the options they take, then the mode. */
static int learn_modes(const struct opts *o, int discover, int learn, int force, double bound,
                       char *const files[], int n)
{
    struct csum_learn_opts lo;
    const char *mode = learn ? "--learn" : "--discover";
    if (discover && learn) {
        tool_usage_error("--discover and --learn exclude each other");
        return EXIT_TROUBLE;
    }
    if (!discover && !learn) {
        tool_usage_error("--bound goes with --discover or --learn");
        return EXIT_TROUBLE;
    }
    if (force && !learn) {
        tool_usage_error("-f goes with --learn (or --fix -o)");
        return EXIT_TROUBLE;
    }
    if (o->fix || o->in_place || o->no_backup || o->resign || o->key || o->save_key || o->family ||
        o->layout || o->reference) {
        tool_usage_error("%s takes none of --fix, --in-place, --no-backup, --resign, --key, "
                         "--save-key, --family, --layout, --reference", mode);
        return EXIT_TROUBLE;
    }
    if (discover && o->output) {
        tool_usage_error("--discover writes no file (-o goes with --learn or --fix)");
        return EXIT_TROUBLE;
    }
    if (learn && !o->output) {
        tool_usage_error("--learn needs -o LAYOUT: the layout file to write");
        return EXIT_TROUBLE;
    }
    if (tool_stdin_once(files, n))
        return EXIT_TROUBLE;
    memset(&lo, 0, sizeof lo);
    lo.fmt = o->fmt;
    lo.quiet = o->quiet;
    lo.verbose = o->verbose;
    lo.force = force;
    lo.bound = bound > 0 ? bound : ECU_DISCOVER_DEFAULT_BOUND;
    lo.output = o->output;
    lo.max_span = o->max_span;
    return learn ? csum_learn(&lo, files, n) : csum_discover(&lo, files, n);
}

int main(int argc, char **argv)
{
    enum { OPT_FAMILY = 256, OPT_LAYOUT, OPT_LIST, OPT_FIX, OPT_INPLACE, OPT_NOBACKUP, OPT_JSON, OPT_MAXSPAN,
           OPT_REFERENCE, OPT_RESIGN, OPT_KEY, OPT_SAVEKEY, OPT_FORMAT, OPT_DISCOVER, OPT_LEARN,
           OPT_BOUND };
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
        {"force", no_argument, NULL, 'f'},
        {"resign", no_argument, NULL, OPT_RESIGN},
        {"key", required_argument, NULL, OPT_KEY},
        {"save-key", required_argument, NULL, OPT_SAVEKEY},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"json", no_argument, NULL, OPT_JSON},
        {"max-span", required_argument, NULL, OPT_MAXSPAN},
        {"discover", no_argument, NULL, OPT_DISCOVER},
        {"learn", no_argument, NULL, OPT_LEARN},
        {"bound", required_argument, NULL, OPT_BOUND},
        {"quiet", no_argument, NULL, 'q'},
        {"silent", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        BATCH_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    static const char shortopts[] = ":vo:qhVf" BATCH_SHORTOPTS;
    struct opts o;
    struct csum_setup setup;
    struct csum_workers w;
    struct batch_opts bo;
    ecu_csum *cs = NULL;
    FILE *rep;
    int ch, status = EXIT_TROUBLE, list = 0, nfiles;
    int discover = 0, learn = 0;
    unsigned i, nworkers;
    double bound = 0;

    tool_check_library(argv[0]); /* before anything else uses the library */
    memset(&o, 0, sizeof o);
    memset(&setup, 0, sizeof setup);
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
        case 'v': o.verbose = 1; break;
        case 'q': o.quiet = 1; break;
        case 'o': o.output = optarg; break;
        case 'f': o.force = 1; break;
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
        case OPT_JSON: o.fmt = TOOL_JSON; break;
        case OPT_DISCOVER: discover = 1; break;
        case OPT_LEARN: learn = 1; break;
        case OPT_BOUND:
            if (csum_parse_bound(optarg, &bound))
                return EXIT_TROUBLE;
            break;
        case OPT_FORMAT:
            if (tool_parse_format(optarg, &o.fmt))
                return EXIT_TROUBLE;
            break;
        default: /* --max-span, -h, -V, a missing argument, an unknown option */
            status = tool_common_option(ch, OPT_MAXSPAN, &o.max_span, usage, argv, shortopts,
                                        longopts);
            if (status != TOOL_OPTION_TAKEN)
                return status;
            break;
        }
    }
    /* where reports go: stdout, or stderr when the corrected image itself goes to stdout */
    rep = o.output && strcmp(o.output, "-") == 0 ? stderr : stdout;
    nfiles = argc - optind;
    if (list) {
        if (bo.given) {
            tool_usage_error("-r, --files-from, -0, -j and --junit do not go with "
                             "--list-families");
            return EXIT_TROUBLE;
        }
        list_families(o.fmt);
        return tool_close_stdout(EXIT_YES);
    }
    if (discover || learn || bound > 0) {
        if (bo.given) {
            tool_usage_error("-r, --files-from, -0, -j and --junit do not go with --discover "
                             "or --learn");
            return EXIT_TROUBLE;
        }
        if (nfiles == 0) {
            tool_usage_error("no file given");
            return EXIT_TROUBLE;
        }
        return learn_modes(&o, discover, learn, o.force, bound, argv + optind, nfiles);
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
    if (o.output && (nfiles != 1 || bo.recursive || bo.files_from)) {
        tool_error(NULL, "-o takes exactly one FILE (-r and --files-from go with --in-place)");
        return EXIT_TROUBLE;
    }
    /* the modes that write files run on one worker, in input order: -j N is refused */
    if (o.fix && bo.jobs_given && bo.jobs != 1) {
        tool_usage_error("--fix writes files one at a time: -j %d does not apply (leave -j out, "
                         "or -j 1)", bo.jobs);
        return EXIT_TROUBLE;
    }
    if (o.fix)
        bo.jobs = 1;
    if (batch_check(&bo, argv + optind, nfiles, 1))
        return EXIT_TROUBLE;
    if (o.force && !o.output && (!o.in_place || o.no_backup)) {
        tool_error(NULL, "-f goes with -o or --in-place (where it replaces FILE.orig; with "
                   "--no-backup there is none)");
        return EXIT_TROUBLE;
    }
    if (o.output && tool_output_is_input(o.output, argv + optind, 1)) {
        tool_error(o.output, "is the input; use --in-place to replace it");
        return EXIT_TROUBLE;
    }
    /* before anything is read: nothing is done */
    if (o.output && tool_output_check(o.output, o.force))
        return EXIT_TROUBLE;
    if (o.save_key && access(o.save_key, F_OK) == 0) {
        tool_error(o.save_key, "exists; a key file is never replaced, not even with -f");
        return EXIT_TROUBLE;
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
    setup.o = &o;
    if (o.layout && load_layout(cs, o.layout, &setup) != EXIT_YES)
        goto out;
    if (o.reference && load_reference(cs, &o, &setup) != EXIT_YES)
        goto out;
    if (o.key) {
        int rc = rsakey_read(o.key, &setup.key_der, &setup.key_len) ? ECU_ERR_INVALID : ECU_OK;
        if (rc == ECU_OK &&
            (rc = ecu_csum_set_resign_key(cs, setup.key_der, setup.key_len)) != ECU_OK)
            tool_error(o.key, "not a PKCS#1 RSA key pair, or its parts do not make one (%s; "
                       "a PKCS#8 key converts with openssl rsa -traditional)", ecu_strerror(rc));
        if (rc != ECU_OK)
            goto out;
    }
    /* worker 0's context holds the handle set up here; the others make theirs alike */
    nworkers = batch_workers(&bo);
    w.setup = &setup;
    if (!(w.ctx = calloc(nworkers, sizeof *w.ctx))) {
        tool_error(NULL, "out of memory");
        goto out;
    }
    w.ctx[0].o = &o;
    w.ctx[0].cs = cs;
    w.ctx[0].key_set = setup.key_der != NULL;
    w.n = nworkers;
    bo.quiet = o.quiet;
    bo.format = (int)o.fmt;
    bo.records = rep;
    status = batch_run(&bo, argv + optind, nfiles, csum_file, &w);
    for (i = 0; i < nworkers; i++) {
        if (i > 0)
            ecu_csum_free(w.ctx[i].cs);
        ecu_image_free(w.ctx[i].img);
    }
    free(w.ctx);
out:
    ecu_csum_free(cs);
    ecu_layout_free(setup.layout);
    ecu_image_free(setup.reference);
    free(setup.key_der);
    return tool_close_stdout(status);
}
