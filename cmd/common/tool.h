/* SPDX-License-Identifier: MIT */
/* What the ecu tools share: exit codes, messages, number parsing, loading, JSON and safe writing. */
#ifndef ECU_TOOL_H
#define ECU_TOOL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <ecu/image.h>

/* Exit status of every tool (documented under EXIT STATUS in each man page). */
enum {
    EXIT_YES = 0,     /* identical / valid / match */
    EXIT_NO = 1,      /* a negative answer: differs, bad checksum, mismatch */
    EXIT_TROUBLE = 2, /* unreadable or malformed input, usage error, write error */
    EXIT_UNKNOWN = 3, /* unknown or ambiguous family, where that matters */
};

/*
 * Exits with EXIT_TROUBLE, after saying so on stderr, when the libecu loaded at run time
 * (ecu_version_number()) has another major or minor version than the headers this tool was
 * built with (ECU_VERSION_MAJOR, ECU_VERSION_MINOR): the tools rely on the behaviour of the
 * release they were built with, so only the patch level may differ. The habit of
 * facebook/zstd programs/zstdcli.c (checkLibVersion), which demands the same version string.
 * @p argv0 names the tool in the message. Called first thing in each tool's main().
 */
void tool_check_library(const char *argv0);

/* Sets the program name used in messages; installs the SIGBUS guard for mapped inputs. */
void tool_init(const char *name);
const char *tool_name(void);

/* "tool: file: message" (file may be NULL) on stderr. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void tool_error(const char *file, const char *fmt, ...);

/* tool_error(NULL, ...) followed by the "Try 'tool --help'" hint: a usage error. */
#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
void tool_usage_error(const char *fmt, ...);

/* Prints "tool (libecu) X.Y.Z" with the build and run-time library versions. */
void tool_version(void);

/*
 * Parses a size or offset: decimal, 0x-prefixed hex, with an optional K/M/G suffix
 * (KiB/MiB/GiB). Returns 0 on success.
 */
int tool_parse_u64(const char *s, uint64_t *out);

/*
 * Reports the option getopt_long() refused with '?' (opterr = 0), with the --help hint: an
 * unknown short option by its letter, anything else (an unknown or ambiguous long option,
 * a long option given an argument it does not take) by the command-line word,
 * argv[optind - 1]. @p shortopts and @p longopts are those given to getopt_long().
 */
struct option;
void tool_bad_option(char *const argv[], int optind_now, int optopt_now, const char *shortopts,
                     const struct option *longopts);

/*
 * Whether standard input ('-') is named at most once among the @p n files; says so and
 * returns -1 when it is named twice, else returns 0.
 */
int tool_stdin_once(char *const files[], int n);

/*
 * Loads @p file into @p img, refusing images that span more than @p max_span bytes when it
 * is not 0. Returns 0, or -1 after printing the loader's message.
 */
int tool_load(ecu_image *img, const char *file, uint64_t max_span);

/* Length of the well-formed UTF-8 sequence at @p p (RFC 3629: no overlong form, no
   surrogate, nothing above U+10FFFF; not ASCII), or 0 when the byte there does not start one. */
size_t tool_utf8_sequence(const unsigned char *p);

/* Writes @p s as a JSON string (quotes included). */
void json_string(FILE *f, const char *s);

/*
 * fsync()s the folder that holds @p path, so that a rename into it (or a new file's name)
 * survives a crash. File systems that cannot sync a folder (EINVAL) or are read-only (EROFS)
 * are let be; a folder that cannot be opened for reading (search and write permission only)
 * too. Returns 0, or -1 with errno set.
 */
int tool_sync_parent(const char *path);

/* How tool_write_file treats a file that exists at the path. */
enum {
    /* replace it (-f, and --in-place): a regular file with one name, not a folder, a device
       or a file with other hard links; through a symbolic link, the file it names */
    TOOL_WRITE_REPLACE = 1,
    /* a new file gets mode 0600 instead of the umask's (a private key) */
    TOOL_WRITE_PRIVATE = 2,
};

/*
 * Checks, before anything is read or computed, that @p path can be written: without
 * @p force an existing file (or symbolic link) is refused, with it only one that
 * tool_write_file would refuse to replace. "-" (stdout) passes. Returns 0, or -1 after
 * printing why.
 */
int tool_output_check(const char *path, int force);

/*
 * Whether the output @p out is the same file (device and inode) as one of the @p n inputs;
 * an input "-" counts as the file standard input is (tool -o f - < f). "-" as output and an
 * output that does not exist are never an input.
 */
int tool_output_is_input(const char *out, char *const inputs[], size_t n);

/*
 * Writes @p n bytes to @p path atomically: a temporary file with a short name of its own
 * (".ecuXXXXXX") in the same folder, flushed and fsync'ed, then renamed to the path, and the
 * folder fsync'ed. Without TOOL_WRITE_REPLACE in @p flags an existing path is refused (the
 * rename itself refuses it: RENAME_NOREPLACE, or link(2)); with it, a symbolic link is
 * followed and the file it names replaced, the link kept; the replaced file's mode, owner and
 * group are kept where permitted. "-" writes to stdout, refused when it is a terminal.
 * Returns 0, or -1 after printing a message; nothing is left behind on failure (a SIGKILL
 * can leave the temporary file, never a partial output).
 */
int tool_write_file(const char *path, const void *data, size_t n, unsigned flags);

/* The same with the messages on @p err (NULL: stderr), also collected in @p why (@p whysz
   bytes, "; " between them; NULL: not collected) for the record's "error". */
int tool_write_file_to(FILE *err, char *why, size_t whysz, const char *path, const void *data,
                       size_t n, unsigned flags);

/*
 * --in-place: replaces the regular file @p file (through symbolic links: the file they name,
 * the links kept) by @p n bytes at @p data, keeping its mode, owner and group. With @p backup,
 * first writes @p orig (the file as it was read) to FILE.orig beside the file replaced, with
 * the same mode, owner and group; an existing FILE.orig is refused unless @p force. A file
 * with more than one hard link is refused (the rename would leave the other names on the old
 * content). When FILE cannot be replaced after the backup was made, the backup is removed
 * again. Returns 0, or -1 after printing why on @p err (NULL: stderr), also collected in
 * @p why as tool_write_file_to does.
 */
int tool_replace_in_place(FILE *err, char *why, size_t whysz, const char *file, const void *orig,
                          size_t orig_n, const void *data, size_t n, int backup, int force);

/* Flushes stdout and reports a write error; returns the exit status to use. */
int tool_close_stdout(int status);

/*
 * When @p fd is a pipe, asks the kernel for a buffer of up to @p want bytes (Linux; the
 * default is 64 KiB). A tool that writes megabytes into a pipe then waits far less often for
 * the reader: on a busy machine each wait costs a wake-up of the reader and of the writer.
 * Failing, or elsewhere, it changes nothing.
 */
void tool_grow_pipe(int fd, size_t want);

/*
 * TOOL_FREE_AT_EXIT is 1 when a tool should release large inputs itself before it exits:
 * in sanitizer builds, so that their leak checks stay meaningful. Otherwise it is 0: the
 * kernel takes a whole process's mappings back at exit faster than munmap(2) takes them one
 * by one (clang's -disable-free makes the same choice for its memory).
 */
#if defined(__SANITIZE_ADDRESS__)
#define TOOL_FREE_AT_EXIT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(leak_sanitizer)
#define TOOL_FREE_AT_EXIT 1
#endif
#endif
#ifndef TOOL_FREE_AT_EXIT
#define TOOL_FREE_AT_EXIT 0
#endif

#endif
