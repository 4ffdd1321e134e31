/* SPDX-License-Identifier: MIT */
/*
 * The batch runner of the tools that take many files (ecu-csum, ecu-id, ecu-verify FILE mode):
 * the inputs (command-line names, folders walked with -r, --files-from lists), N worker
 * threads, the reports printed in input order, the JUnit file, the summary and the progress
 * line (issue 13, item 2). doc/batch-options.md is the user's side of it.
 *
 * The tool's per-file function analyses one file, writes its report to the FILE *out and its
 * messages to the FILE *err it is given (never to stdout/stderr: they are captured per file
 * with open_memstream(3) and printed in input order by the calling thread) and returns a
 * struct tool_result. It may run in several threads at once, each with its own worker index
 * (0 .. batch_workers() - 1): a libecu handle (ecu_csum, ...) belongs to one worker, never to
 * two (the library keeps no global state that changes; a handle is not to be shared).
 */
#ifndef ECU_BATCH_H
#define ECU_BATCH_H

#include <stdio.h>

#include "contract.h" /* struct tool_result, enum tool_format */

/* The formats of the contract (enum tool_format), under the runner's names. */
enum batch_format { BATCH_TEXT = TOOL_TEXT, BATCH_JSON = TOOL_JSON, BATCH_EXPORT = TOOL_EXPORT };

struct batch_opts {
    int jobs;               /* -j N: workers; 0 = the number of online processors */
    int recursive;          /* -r: walk folders */
    int null_sep;           /* -0: the --files-from list is NUL-separated */
    int quiet;              /* -q: nothing on stdout, no summary, no progress */
    int format;             /* enum batch_format: how the runner writes its own error records */
    FILE *records;          /* where the records go; NULL: stdout (ecu-csum -o - writes the
                               image to stdout and its reports to stderr) */
    const char *files_from; /* --files-from FILE, "-" for standard input; NULL: none */
    const char *junit;      /* --junit FILE; NULL: none */
    /* The summary's word for exit 0, 1, 2, 3 (e.g. ecu-verify: pass, fail, errors, undecided);
       a NULL entry takes the default: ok, bad, errors, undecided; an empty word ("") leaves
       that count out of the summary (an outcome the tool never gives). */
    const char *words[4];
    /* -1 (the default set by batch_opts_init): a summary unless -q, when more than one file was
       named or -r / --files-from was given; 0: never; 1: always (unless -q). */
    int summary;
    /* -1 (default): the progress line when stderr is a terminal and not -q; 0: never;
       1: always, even when stderr is no terminal (tests) */
    int progress;
    const char *tool; /* the JUnit classname and testsuite name; NULL: tool_name() */
    int given;        /* set by batch_option(): one of the shared options was given */
    int jobs_given;   /* set by batch_option(): -j was given */
};

/* Sets @p o to the defaults: one worker per processor, text, summary and progress automatic. */
void batch_opts_init(struct batch_opts *o);

/*
 * The per-file function. @p ctx is batch_run's; @p worker (0 .. batch_workers() - 1) names the
 * thread that runs it (per-worker handles: ctx can hold an array of them). @p file is the name
 * as given, or a folder's path joined with an entry's name (one '/' between them); "-" only when
 * standard input was named on the command line.
 */
typedef struct tool_result (*batch_fn)(void *ctx, unsigned worker, const char *file, FILE *out,
                                       FILE *err);

/*
 * Files in flight per worker with several workers: files a worker may take while the file to
 * be printed next is still running. With 2 a worker, a slow file at the head of the window
 * left the other worker idle (bench/README.md). The memory of each is its report (the image is
 * loaded by the worker and let go when it is done).
 */
#define BATCH_WINDOW_PER_WORKER 16
/* ... but at most this many in all (at least 2 a worker): -j goes to 1024 */
#define BATCH_WINDOW_MAX 4096

/*
 * Reports the calling thread prints at a time with several workers: it waits until the next
 * BATCH_PRINT files are done (or a worker is out of work), not for each file. Woken for
 * every file, it took a core from a worker each time (88 context switches over 32 dumps at
 * -j 2, 25 now; bench/README.md). Reports still come in input order, BATCH_PRINT at a time.
 */
#define BATCH_PRINT 16

/*
 * Bytes of mapped files whose unmapping waits until the workers have ended
 * (ecu_image_defer_unmap), with several workers. An unmapping in a process of several threads
 * interrupts the other cores (a TLB shootdown) and waits for the memory map: deferred, the 32
 * ME7 dumps of bench/me7sum.sh take about 6 % less time with -j 2. Bounded, so that a library
 * of large files keeps its resident memory (bench/library.sh: at most 64 MiB); past the bound
 * the oldest mappings go at once, as before.
 */
#define BATCH_DEFER_UNMAP ((size_t)32 << 20)

/*
 * How many files a worker of several maps (ecu_image_load_file's default) before its image
 * handle keeps read buffers (ecu_image_set_reuse) for the rest. Keeping them saves, per file,
 * the unmapping that interrupts the other cores (TLB shootdown) in a process of several
 * threads, but costs a copy per file and, once, the fresh pages of two buffers as large as
 * the files (about 1.2 ms of CPU for two workers on 1 MiB dumps): on few files the mapping is
 * the cheaper. bench/README.md ("ecu-csum against ME7Sum") has the measurements.
 */
#define BATCH_MAP_FIRST 32

/*
 * A worker's image handle under that rule, counting its files in *@p files: NULL (each file
 * loaded by a handle of its own, mapped) until a worker of @p several has had BATCH_MAP_FIRST
 * files, then one handle that keeps read buffers, made once into *@p img (NULL again when out
 * of memory: the files are then mapped as before).
 */
ecu_image *batch_worker_image(ecu_image **img, unsigned *files, int several);

/* The number of workers batch_run will use for @p o: -j, or the online processors (>= 1). */
unsigned batch_workers(const struct batch_opts *o);

/*
 * Runs @p fn over the @p n command-line names, then over the names in o->files_from, in that
 * order (folders walked with o->recursive), on batch_workers(o) workers (1: in the calling
 * thread, no thread is made), and prints each file's out and err to stdout and stderr in input
 * order (to o->records). In BATCH_EXPORT each group of KEY=value lines ends with an empty
 * line (the function writes it after its group, as the runner does after its own records,
 * the contract's "an empty line after each group"). An input the runner cannot hand to @p fn
 * (a folder without -r, a folder that cannot be read, an empty name in the list) gets the
 * runner's own error record (exit 2) in o->format. Then the JUnit file, the summary.
 * Returns the worst exit status, with the precedence 2 > 1 > 3 > 0 (2 as well when the list
 * or the JUnit file cannot be read or written; the run goes on over the other inputs).
 */
int batch_run(const struct batch_opts *o, char *const names[], int n, batch_fn fn, void *ctx);

/* The worse of two exit statuses: 2 > 1 > 3 > 0. */
int batch_worse(int a, int b);

/*
 * The shared options, for the tools' getopt_long() tables: BATCH_SHORTOPTS appended to the
 * short options, BATCH_LONGOPTS inserted in the long options; each option character getopt
 * returns goes to batch_option() first.
 *   -r, --recursive     -0, --null     -j N, --jobs N     --files-from FILE     --junit FILE
 */
#define BATCH_SHORTOPTS "r0j:"
enum { BATCH_OPT_FILES_FROM = 0x4201, BATCH_OPT_JUNIT };
#define BATCH_LONGOPTS                                                                         \
    {"recursive", no_argument, NULL, 'r'}, {"null", no_argument, NULL, '0'},                   \
        {"jobs", required_argument, NULL, 'j'},                                                \
        {"files-from", required_argument, NULL, BATCH_OPT_FILES_FROM},                         \
        {"junit", required_argument, NULL, BATCH_OPT_JUNIT}

/*
 * Takes option @p ch with argument @p arg (getopt's optarg) into @p o. Returns 1 when it was
 * one of the shared options (and sets o->given, and o->jobs_given for -j), 0 when it is not
 * (the tool's own), -1 after a usage error message (tool_usage_error: exit 2).
 */
int batch_option(struct batch_opts *o, int ch, const char *arg);

/*
 * Checks the shared options together, after getopt, with the @p n command-line names: -0
 * without --files-from, standard input both named and read as the list ("-" and
 * --files-from -), no input at all (when @p need_input). Returns 0, or -1 after a usage error
 * message.
 */
int batch_check(const struct batch_opts *o, char *const names[], int n, int need_input);

#endif
