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

/* Writes @p s as a JSON string (quotes included). */
void json_string(FILE *f, const char *s);

/*
 * fsync()s the folder that holds @p path, so that a rename into it (or a new file's name)
 * survives a crash. File systems that cannot sync a folder (EINVAL) or are read-only (EROFS)
 * are let be; a folder that cannot be opened for reading (search and write permission only)
 * too. Returns 0, or -1 with errno set.
 */
int tool_sync_parent(const char *path);

/*
 * Writes @p n bytes to @p path atomically: a temporary file in the same folder, flushed
 * and fsync'ed, then renamed over, and the folder fsync'ed. "-" writes to stdout, refused
 * when it is a terminal. Returns 0, or -1 after printing a message.
 */
int tool_write_file(const char *path, const void *data, size_t n);

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
