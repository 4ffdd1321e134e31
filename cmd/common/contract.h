/* SPDX-License-Identifier: MIT */
/*
 * The command-line contract the four ecu tools share (issue 13; documented under CONVENTIONS
 * in each tool's man page): the output formats, the exit precedence over many records, the
 * record's status and exit keys, the 64-bit values of JSON as "0x..." strings, the export
 * lines, the escaping of file names in text, and the per-file result the batch runner
 * collects.
 */
#ifndef ECU_TOOL_CONTRACT_H
#define ECU_TOOL_CONTRACT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <ecu/image.h>

/* --format (--json is --format json). */
enum tool_format { TOOL_TEXT = 0, TOOL_JSON = 1, TOOL_EXPORT = 2 };

/*
 * Parses --format's word into @p out. 0, or -1 after a usage error (exit status 2) that
 * names the three formats.
 */
int tool_parse_format(const char *word, enum tool_format *out);

/*
 * The usage error of -o in a tool that writes no file (ecu-id, ecu-verify): -o names an
 * output file in the ecu tools; when @p word is a format's name, the message says to use
 * --format WORD. The caller exits with EXIT_TROUBLE.
 */
void tool_refuse_output_option(const char *word);

/*
 * The worse of two exit statuses over many files or records: 2, then 1, then 3, then 0
 * (trouble, then a negative answer, then undecided, then yes). Any other value counts as 2.
 */
int tool_exit_worse(int a, int b);

/* What one file gave, for the batch runner (cmd/common/batch.h) and main()'s loops. */
struct tool_result {
    int exit;           /* 0..3 for this file */
    const char *status; /* the record's status word (a static string) */
    char reason[256];   /* one line: why not 0 (the JUnit failure message); "" when exit is 0 */
};

/*
 * One file processed by a tool: reads nothing global that changes, writes its report to
 * @p out and its messages to @p err, and returns its result. @p ctx is the tool's own
 * (options and a library handle per thread).
 */
typedef struct tool_result (*tool_file_fn)(void *ctx, const char *file, FILE *out, FILE *err);

/* Sets @p r to @p exit and @p status, and its reason (printf-style, cut at 255 bytes). */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
void tool_result_set(struct tool_result *r, int exit, const char *status, const char *fmt, ...);

/* "tool: file: message" (file may be NULL) on @p err: tool_error() on a given stream. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
void tool_error_to(FILE *err, const char *file, const char *fmt, ...);

/*
 * tool_load() reporting on @p err; the loader's message (without "tool: file: ") is also
 * copied into @p msg (@p msgsz bytes, may be 0) for the error record. 0, or -1.
 */
int tool_load_to(FILE *err, ecu_image *img, const char *file, uint64_t max_span, char *msg,
                 size_t msgsz);

/* ---- JSON ---------------------------------------------------------------------------------- */

/* "0x" and @p v in upper-case hex, zero-padded to @p digits digits (more when it needs them). */
void json_hex(FILE *f, uint64_t v, unsigned digits);

/*
 * The hex digits of a checksum value of algorithm @p algorithm stored in @p store_bytes bytes
 * whose values are @p a and @p b: 16 for a 64-bit algorithm, 8 for a 32-bit one, 4 for a
 * 16-bit one, 2 for an 8-bit one (named in the algorithm, else the slot's size, a value with
 * its complement counting half), widened to fit both values.
 */
unsigned tool_value_digits(const char *algorithm, unsigned store_bytes, uint64_t a, uint64_t b);

/* A fingerprint's hex digits (as xxhsum prints them) as the JSON string "0x...". */
void json_fingerprint(FILE *f, const char *hex);

/*
 * The error record of an input that cannot be read: {"file":FILE,"status":"error","exit":2,
 * "error":MSG} and a line end.
 */
void json_error_record(FILE *f, const char *file, const char *msg);

/*
 * The record of an input that cannot be read, in format @p fmt: json_error_record's line, or
 * the export group FILE, STATUS=error, EXIT=2, ERROR and an empty line; nothing in text (the
 * message on standard error says it).
 */
void tool_error_record(FILE *f, int fmt, const char *file, const char *msg);

/* ---- options every tool reads the same way -------------------------------------------------- */

struct option;
#define TOOL_OPTION_TAKEN (-1)
/*
 * The end of each tool's getopt_long() switch: --max-span N (the tool's option value
 * @p opt_max_span, parsed into @p max_span), -h (@p usage on stdout), -V, an option missing its
 * argument (':') and any other (an unknown option, reported by tool_bad_option with
 * @p shortopts and @p longopts). Returns TOOL_OPTION_TAKEN when the tool goes on reading
 * options, else the exit status to end with (after the message or the output).
 */
int tool_common_option(int ch, int opt_max_span, uint64_t *max_span, void (*usage)(FILE *),
                       char *const argv[], const char *shortopts, const struct option *longopts);

/* ---- export (KEY=value lines, as blkid -o export prints them) ------------------------------ */

/* @p s as one shell word: bare when it holds only safe characters, else single-quoted. */
void shell_word(FILE *f, const char *s);

/* KEY=value and a line end; the value shell-quoted when needed. */
void export_str(FILE *f, const char *key, const char *value);
/* KEY=number */
void export_u64(FILE *f, const char *key, uint64_t v);
/* KEY=0x... (zero-padded to @p digits) */
void export_hex(FILE *f, const char *key, uint64_t v, unsigned digits);
/* The key @p key in upper case, '-' and ' ' as '_', then '=' and @p value: a field's line. */
void export_field(FILE *f, const char *prefix, const char *key, const char *value);

/* ---- text ---------------------------------------------------------------------------------- */

/* Whether @p name holds a newline or a backslash: its line then starts with a backslash. */
int tool_name_escaped(const char *name);
/* @p name with a newline as \n and a backslash as \\ (sha256sum's escaping). */
void tool_put_name(FILE *f, const char *name);

/*
 * @p folder and @p name joined with one slash (none added when @p folder ends with one), in a
 * malloc'ed string; NULL when memory runs out.
 */
char *tool_join_path(const char *folder, const char *name);

#endif
