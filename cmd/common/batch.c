/* SPDX-License-Identifier: MIT */
/*
 * The batch runner (batch.h): inputs streamed from the command line, folder walks and
 * --files-from lists; a bounded window of files in flight over N workers; the reports printed
 * in input order; JUnit XML, summary and progress line.
 *
 * Memory stays bounded whatever the number of files: the list is read one name at a time, a
 * walk holds the remaining entries of each folder on its path (one folder's names are read,
 * sorted and the folder closed before its entries are visited, so no descriptor stays open
 * per level), at most 2 x workers files are in flight with their captured output, and the
 * JUnit test cases go to an anonymous temporary file until the end.
 */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT, vasprintf */
#include "batch.h"

#include "tool.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_JOBS 1024

/* ------------------------------------------------------------------------------------------ */
/* small helpers */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int batch_worse(int a, int b) { return tool_exit_worse(a, b); }

__attribute__((format(printf, 1, 2)))
static char *xprintf(const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;
    int n;
    va_start(ap, fmt);
    n = vasprintf(&s, fmt, ap);
    va_end(ap);
    return n < 0 ? NULL : s;
}

/* @p dir and @p name with one '/' between them ("a/" + "b" is "a/b", not "a//b"). */
static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir);
    return xprintf("%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name);
}

/* ------------------------------------------------------------------------------------------ */
/* options */

void batch_opts_init(struct batch_opts *o)
{
    memset(o, 0, sizeof *o);
    o->summary = -1;
    o->progress = -1;
}

/* several workers are threads of one process: each file mapped and unmapped costs a TLB
   shootdown on the other cores (and contends for the memory map), so a worker reads its files
   into buffers it keeps once it has mapped BATCH_MAP_FIRST of them (on one worker, and for
   fewer files, mapping is the cheaper) */
ecu_image *batch_worker_image(ecu_image **img, unsigned *files, int several)
{
    if (several && !*img && (*files)++ >= BATCH_MAP_FIRST && (*img = ecu_image_new()) != NULL)
        ecu_image_set_reuse(*img, 1);
    return *img;
}

unsigned batch_workers(const struct batch_opts *o)
{
    long n;
    if (o->jobs > 0)
        return (unsigned)o->jobs;
#ifdef CPU_COUNT
    {
        /* the processors this process may run on (a container's or taskset's share), as
           nproc(1) counts them */
        cpu_set_t set;
        if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
            return CPU_COUNT(&set) > MAX_JOBS ? MAX_JOBS : (unsigned)CPU_COUNT(&set);
    }
#endif
    n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > MAX_JOBS ? MAX_JOBS : (unsigned)n;
}

static int shared_option(struct batch_opts *o, int ch, const char *arg);

int batch_option(struct batch_opts *o, int ch, const char *arg)
{
    int taken = shared_option(o, ch, arg);
    if (taken > 0) {
        o->given = 1;
        o->jobs_given |= ch == 'j';
    }
    return taken;
}

static int shared_option(struct batch_opts *o, int ch, const char *arg)
{
    switch (ch) {
    case 'r':
        o->recursive = 1;
        return 1;
    case '0':
        o->null_sep = 1;
        return 1;
    case 'j': {
        unsigned long v = 0;
        const char *p = arg && *arg ? arg : "x";
        for (; *p >= '0' && *p <= '9' && v <= MAX_JOBS; p++)
            v = v * 10 + (unsigned long)(*p - '0');
        if (*p || v > MAX_JOBS) {
            tool_usage_error("invalid number of jobs '%s' (-j N: 1 to %d workers, 0 for one per "
                             "processor)", arg ? arg : "", MAX_JOBS);
            return -1;
        }
        o->jobs = (int)v;
        return 1;
    }
    case BATCH_OPT_FILES_FROM:
        if (o->files_from) {
            tool_usage_error("--files-from is given twice");
            return -1;
        }
        if (!arg || !*arg) {
            tool_usage_error("--files-from needs a file name ('-' for standard input)");
            return -1;
        }
        o->files_from = arg;
        return 1;
    case BATCH_OPT_JUNIT:
        if (!arg || !*arg || strcmp(arg, "-") == 0) {
            tool_usage_error("--junit needs a file name (the XML does not go to standard "
                             "output, where the reports go)");
            return -1;
        }
        o->junit = arg;
        return 1;
    default:
        return 0;
    }
}

int batch_check(const struct batch_opts *o, char *const names[], int n, int need_input)
{
    int i;
    if (o->null_sep && !o->files_from) {
        tool_usage_error("-0 (--null) applies to the --files-from list, and none is given");
        return -1;
    }
    if (o->files_from && strcmp(o->files_from, "-") == 0)
        for (i = 0; i < n; i++)
            if (strcmp(names[i], "-") == 0) {
                tool_usage_error("standard input cannot be both a file ('-') and the "
                                 "--files-from list");
                return -1;
            }
    if (tool_stdin_once(names, n) != 0)
        return -1;
    if (need_input && n == 0 && !o->files_from) {
        tool_usage_error("no input file");
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* inputs: command-line names, folder walks, the --files-from list */

enum { ITEM_FILE, ITEM_ERROR };

struct item {
    char *name;     /* as given, or joined; NULL only when memory ran out */
    int kind;       /* ITEM_FILE: for the callback; ITEM_ERROR: the runner's error record */
    char *error;    /* ITEM_ERROR: the message */
    uint64_t bytes; /* a regular file's size when known (the summary's MiB/s) */
};

struct level { /* a folder being walked: its entries sorted, the next at i */
    char *path;
    char **names;
    size_t n, i;
    dev_t dev;
    ino_t ino;
};

struct input {
    const struct batch_opts *o;
    char *const *argv;
    int argc, argi;
    FILE *list;
    int list_state; /* 0: not opened yet, 1: reading, 2: done */
    char *line;
    size_t line_cap;
    struct level *stack;
    size_t depth, cap;
    size_t skipped_links, skipped_other;
};

static int file_item(struct item *it, char *name, const struct stat *st)
{
    it->name = name;
    it->kind = ITEM_FILE;
    it->error = NULL;
    it->bytes = st && S_ISREG(st->st_mode) ? (uint64_t)st->st_size : 0;
    return 1;
}

__attribute__((format(printf, 3, 4)))
static int error_item(struct item *it, char *name, const char *fmt, ...)
{
    va_list ap;
    it->name = name;
    it->kind = ITEM_ERROR;
    it->bytes = 0;
    va_start(ap, fmt);
    if (vasprintf(&it->error, fmt, ap) < 0)
        it->error = NULL;
    va_end(ap);
    return 1;
}

static int cmp_names(const void *a, const void *b)
{
    /* bytewise (strcmp compares as unsigned char), never the locale's collation */
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_level(struct level *lv)
{
    while (lv->i < lv->n)
        free(lv->names[lv->i++]);
    free(lv->names);
    free(lv->path);
}

/* Enters folder @p path (owned): its entries read and sorted. Returns 1 with an error record in
   @p it when it cannot be walked, else 0. */
static int push_folder(struct input *in, char *path, const struct stat *st, struct item *it)
{
    DIR *d;
    struct dirent *e;
    struct level lv;
    size_t i, cap = 0;
    int err = 0;
    for (i = 0; i < in->depth; i++) /* a bind mount of a folder inside itself */
        if (in->stack[i].dev == st->st_dev && in->stack[i].ino == st->st_ino)
            return error_item(it, path, "folder loop: it is %s again", in->stack[i].path);
    if (!(d = opendir(path)))
        return error_item(it, path, "cannot read the folder: %s", strerror(errno));
    memset(&lv, 0, sizeof lv);
    lv.dev = st->st_dev;
    lv.ino = st->st_ino;
    for (;;) {
        char *copy;
        errno = 0;
        if (!(e = readdir(d))) {
            err = errno;
            break;
        }
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (lv.n == cap) {
            char **v = realloc(lv.names, (cap ? 2 * cap : 64) * sizeof *v);
            if (!v) {
                err = ENOMEM;
                break;
            }
            cap = cap ? 2 * cap : 64;
            lv.names = v;
        }
        if (!(copy = strdup(e->d_name))) {
            err = ENOMEM;
            break;
        }
        lv.names[lv.n++] = copy;
    }
    closedir(d);
    if (!err && in->depth == in->cap) {
        struct level *s = realloc(in->stack, (in->cap ? 2 * in->cap : 8) * sizeof *s);
        if (s) {
            in->stack = s;
            in->cap = in->cap ? 2 * in->cap : 8;
        } else {
            err = ENOMEM;
        }
    }
    if (err) {
        free_level(&lv);
        return error_item(it, path, "cannot read the folder: %s", strerror(err));
    }
    if (lv.n)
        qsort(lv.names, lv.n, sizeof *lv.names, cmp_names);
    lv.path = path;
    in->stack[in->depth++] = lv;
    return 0;
}

/* A name from the command line or the list (owned). Returns 1 with an item, 0 when it was a
   folder entered with -r. */
static int top_entry(struct input *in, char *name, int from_list, struct item *it)
{
    struct stat st;
    if (!*name)
        return error_item(it, name, "%s", from_list ? "empty file name in the list"
                                                    : "empty file name");
    if (strcmp(name, "-") == 0) {
        if (from_list)
            return error_item(it, name, "standard input cannot be named in the list (a file "
                                        "named '-' is ./-)");
        return file_item(it, name, NULL);
    }
    if (stat(name, &st) != 0)
        return file_item(it, name, NULL); /* the tool's loader says why it cannot be opened */
    if (S_ISDIR(st.st_mode)) {
        if (!in->o->recursive)
            return error_item(it, name, "is a folder (use -r)");
        return push_folder(in, name, &st, it);
    }
    return file_item(it, name, &st);
}

/* An entry found in a walk (@p path owned). Symbolic links to files are followed; those to
   folders are not (counted as skipped); only regular files and block devices are processed,
   other entries (fifos, sockets, character devices) are skipped and counted. */
static int walk_entry(struct input *in, char *path, struct item *it)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return file_item(it, path, NULL); /* gone meanwhile: the loader says so */
    if (S_ISLNK(st.st_mode)) {
        if (stat(path, &st) != 0)
            return file_item(it, path, NULL); /* a dangling link: "cannot open" */
        if (S_ISDIR(st.st_mode)) {
            in->skipped_links++;
            free(path);
            return 0;
        }
    } else if (S_ISDIR(st.st_mode)) {
        return push_folder(in, path, &st, it);
    }
    if (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))
        return file_item(it, path, &st);
    in->skipped_other++;
    free(path);
    return 0;
}

/* The next name of the list; 0 at its end. */
static int list_entry(struct input *in, struct item *it)
{
    const char *ff = in->o->files_from;
    int sep = in->o->null_sep ? '\0' : '\n';
    ssize_t len;
    char *name;
    if (in->list_state == 0) {
        in->list_state = 1;
        if (strcmp(ff, "-") == 0) {
            in->list = stdin;
        } else if (!(in->list = fopen(ff, "r"))) {
            in->list_state = 2;
            return error_item(it, strdup(ff), "cannot open the --files-from list: %s",
                              strerror(errno));
        }
    }
    if (in->list_state != 1)
        return 0;
    errno = 0;
    len = getdelim(&in->line, &in->line_cap, sep, in->list);
    if (len < 0) {
        int err = ferror(in->list) ? (errno ? errno : EIO) : 0;
        in->list_state = 2;
        if (in->list != stdin)
            fclose(in->list);
        in->list = NULL;
        if (err)
            return error_item(it, strdup(ff), "cannot read the --files-from list: %s",
                              strerror(err));
        return 0;
    }
    /* the separator ends a name (a final one makes no empty name after it) */
    if (len > 0 && in->line[len - 1] == (char)sep)
        in->line[--len] = '\0';
    if (!(name = strdup(in->line)))
        return error_item(it, NULL, "out of memory");
    if ((size_t)len != strlen(in->line))
        return error_item(it, name, "a name in the list holds a NUL byte (a NUL-separated list "
                                    "needs -0)");
    return top_entry(in, name, 1, it);
}

/* The next input in order; 0 at the end. */
static int next_item(struct input *in, struct item *it)
{
    for (;;) {
        if (in->depth) {
            struct level *lv = &in->stack[in->depth - 1];
            char *name, *path;
            if (lv->i == lv->n) {
                free_level(lv);
                in->depth--;
                continue;
            }
            name = lv->names[lv->i++];
            path = join(lv->path, name);
            free(name);
            if (!path)
                return error_item(it, NULL, "out of memory");
            if (walk_entry(in, path, it))
                return 1;
            continue;
        }
        if (in->argi < in->argc) {
            char *name = strdup(in->argv[in->argi++]);
            if (!name)
                return error_item(it, NULL, "out of memory");
            if (top_entry(in, name, 0, it))
                return 1;
            continue;
        }
        if (in->o->files_from && in->list_state != 2) {
            if (list_entry(in, it))
                return 1;
            continue;
        }
        return 0;
    }
}

static void input_free(struct input *in)
{
    while (in->depth)
        free_level(&in->stack[--in->depth]);
    free(in->stack);
    free(in->line);
    if (in->list && in->list != stdin)
        fclose(in->list);
}

/* ------------------------------------------------------------------------------------------ */
/* output escaping */

/* Length of the well-formed UTF-8 sequence at @p p that XML 1.0 allows (RFC 3629: no overlong
   form, no surrogate, nothing above U+10FFFF; and not U+FFFE or U+FFFF), or 0. */
static size_t utf8_xml(const unsigned char *p)
{
    size_t len = tool_utf8_sequence(p);
    if (len == 3 && p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF))
        return 0;
    return len;
}

/* @p s as XML character data or attribute value: markup characters as entities, tab/newline/CR
   as character references, and every byte XML 1.0 cannot hold (other control characters,
   bytes that are not well-formed UTF-8) as the four characters \xNN. */
static void xml_escape(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    for (; *p; p++) {
        size_t len;
        switch (*p) {
        case '&': fputs("&amp;", f); continue;
        case '<': fputs("&lt;", f); continue;
        case '>': fputs("&gt;", f); continue;
        case '"': fputs("&quot;", f); continue;
        case '\'': fputs("&apos;", f); continue;
        case '\t': fputs("&#9;", f); continue;
        case '\n': fputs("&#10;", f); continue;
        case '\r': fputs("&#13;", f); continue;
        default: break;
        }
        if (*p < 0x20) {
            fprintf(f, "\\x%02X", *p);
        } else if (*p < 0x80) {
            fputc(*p, f);
        } else if ((len = utf8_xml(p)) != 0) {
            fwrite(p, 1, len, f);
            p += len - 1;
        } else {
            fprintf(f, "\\x%02X", *p);
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* the run */

enum { S_FREE, S_QUEUED, S_RUNNING, S_DONE };

struct slot {
    struct item it;
    int state;
    struct tool_result r;
    char *out, *err;
    size_t out_len, err_len;
    double secs;
};

struct run {
    const struct batch_opts *o;
    const char *tool;
    batch_fn fn;
    void *ctx;
    struct slot *slots; /* the window: file number k in slots[k % W] */
    size_t W;
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    size_t tail, dispatch; /* under mu: files handed in, files taken by a worker */
    /* under mu: what the calling thread waits for (want SIZE_MAX: it does not wait): the file
       it prints next (first) done, and either the file @p want done or a worker out of work
       (hungry) */
    size_t first, want;
    int hungry;
    int finished;          /* under mu */
    /* the calling thread's alone */
    size_t head; /* the next file to print */
    size_t files, count[4];
    uint64_t bytes;
    int worst;
    FILE *out;   /* where the records go: o->records, or stdout */
    FILE *junit; /* the test cases, until the end */
    double t0;
    int progress;
    size_t progress_len;
    double progress_at;
};

struct worker_arg {
    struct run *run;
    unsigned index;
};

static void run_one(struct run *R, struct slot *s, unsigned worker)
{
    FILE *out = open_memstream(&s->out, &s->out_len);
    FILE *err = open_memstream(&s->err, &s->err_len);
    double t = now_s();
    memset(&s->r, 0, sizeof s->r);
    if (!out || !err) {
        s->r.exit = 2;
        s->r.status = "error";
        snprintf(s->r.reason, sizeof s->r.reason, "out of memory");
    } else {
        s->r = R->fn(R->ctx, worker, s->it.name, out, err);
    }
    if (out) {
        fclose(out);
    } else {
        s->out = NULL;
        s->out_len = 0;
    }
    if (err) {
        fclose(err);
    } else {
        s->err = NULL;
        s->err_len = 0;
    }
    if (s->r.exit < 0 || s->r.exit > 3)
        s->r.exit = 2;
    s->secs = now_s() - t;
}

/* Under mu: whether the calling thread, waiting, may go on (batch_run). */
static int printer_may_go(const struct run *R)
{
    return R->want != SIZE_MAX && R->slots[R->first % R->W].state == S_DONE &&
           (R->slots[R->want % R->W].state == S_DONE || R->hungry);
}

static void *worker_main(void *arg)
{
    struct run *R = ((struct worker_arg *)arg)->run;
    unsigned index = ((struct worker_arg *)arg)->index;
    pthread_mutex_lock(&R->mu);
    for (;;) {
        struct slot *s;
        size_t k;
        while (R->dispatch == R->tail && !R->finished) {
            R->hungry = 1; /* (the calling thread hands in more, if there are more) */
            if (printer_may_go(R))
                pthread_cond_signal(&R->done);
            pthread_cond_wait(&R->work, &R->mu);
        }
        if (R->dispatch == R->tail)
            break;
        k = R->dispatch++;
        s = &R->slots[k % R->W];
        if (s->state != S_QUEUED) /* the runner's own record: nothing to run */
            continue;
        s->state = S_RUNNING;
        pthread_mutex_unlock(&R->mu);
        run_one(R, s, index);
        pthread_mutex_lock(&R->mu);
        s->state = S_DONE;
        /* the calling thread is woken when it has files to print and either a batch of them
           or room to hand in more: woken for every file, it took a core from a worker once a
           file (bench/README.md) */
        if ((k == R->first || k == R->want) && printer_may_go(R))
            pthread_cond_signal(&R->done);
    }
    pthread_mutex_unlock(&R->mu);
    return NULL;
}

static size_t term_cols(void)
{
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        return ws.ws_col;
    return 80;
}

static void progress_clear(struct run *R)
{
    if (R->progress_len) {
        fputs("\r\033[K", stderr);
        R->progress_len = 0;
    }
}

/* "tool: 1234 files, 567.8 MiB, 12.3 s: last/name", one terminal line, at most 10 a second. */
static void progress_show(struct run *R, const char *last)
{
    char line[512];
    size_t n, cols = term_cols(), i;
    double t = now_s();
    int k;
    if (!R->progress || t - R->progress_at < 0.1)
        return;
    R->progress_at = t;
    k = snprintf(line, sizeof line, "%s: %zu file%s, %.1f MiB, %.1f s: ", R->tool, R->files,
                 R->files == 1 ? "" : "s", (double)R->bytes / 1048576.0, t - R->t0);
    n = k < 0 ? 0 : (size_t)k >= sizeof line ? sizeof line - 1 : (size_t)k;
    for (i = 0; last[i] && n < sizeof line - 1; i++) /* no control character on the terminal */
        line[n++] = (unsigned char)last[i] < 0x20 || last[i] == 0x7F ? '?' : last[i];
    line[n] = '\0';
    if (n > cols - 1)
        n = cols - 1;
    fprintf(stderr, "\r%.*s\033[K", (int)n, line);
    R->progress_len = n ? n : 1;
}

/* The runner's own record for an input it could not hand to the callback. */
static void runner_record(struct run *R, struct slot *s)
{
    const char *msg = s->it.error ? s->it.error : "out of memory";
    const char *name = s->it.name ? s->it.name : "?";
    fflush(R->out);
    tool_error_to(stderr, name, "%s", msg);
    s->r.exit = 2;
    s->r.status = "error";
    snprintf(s->r.reason, sizeof s->r.reason, "%s", msg);
    if (R->o->quiet)
        return;
    tool_error_record(R->out, R->o->format, name, msg);
}

/* One test case: passed (exit 0), <failure> (1), <error> (2), <skipped> (3: undecided). The
   message is the reason, else the first line of the file's messages, else the status word. */
static void junit_case(struct run *R, const struct slot *s)
{
    static const char *const kind[4] = {"", "failure", "error", "skipped"};
    char first[256];
    const char *why = s->r.reason;
    if (!R->junit)
        return;
    if (!*why && s->err_len) {
        size_t n = strcspn(s->err, "\n");
        snprintf(first, sizeof first, "%.*s", (int)n, s->err);
        why = first;
    }
    if (!*why)
        why = s->r.status ? s->r.status : "";
    fputs("    <testcase name=\"", R->junit);
    xml_escape(R->junit, s->it.name ? s->it.name : "?");
    fputs("\" classname=\"", R->junit);
    xml_escape(R->junit, R->tool);
    fprintf(R->junit, "\" time=\"%.6f\"", s->secs);
    if (s->r.exit == 0) {
        fputs("/>\n", R->junit);
        return;
    }
    fprintf(R->junit, ">\n      <%s message=\"", kind[s->r.exit]);
    xml_escape(R->junit, why);
    if (s->r.exit == 3) {
        fputs("\"/>\n", R->junit);
    } else {
        fputs("\" type=\"", R->junit);
        xml_escape(R->junit, s->r.status ? s->r.status : "");
        fputs("\">", R->junit);
        xml_escape(R->junit, why);
        fprintf(R->junit, "</%s>\n", kind[s->r.exit]);
    }
    fputs("    </testcase>\n", R->junit);
}

static void emit(struct run *R, struct slot *s)
{
    progress_clear(R);
    if (s->it.kind == ITEM_ERROR || !s->it.name) {
        runner_record(R, s);
    } else {
        if (s->err_len) {
            fflush(R->out); /* the message after the records before it */
            fwrite(s->err, 1, s->err_len, stderr);
        }
        if (s->out_len && !R->o->quiet)
            fwrite(s->out, 1, s->out_len, R->out);
    }
    R->files++;
    R->count[s->r.exit]++;
    R->bytes += s->it.bytes;
    R->worst = batch_worse(R->worst, s->r.exit);
    junit_case(R, s);
    progress_show(R, s->it.name ? s->it.name : "");
}

static void slot_clear(struct slot *s)
{
    free(s->it.name);
    free(s->it.error);
    free(s->out);
    free(s->err);
    memset(s, 0, sizeof *s);
}

/* Writes the JUnit file: the counts, then the test cases kept in R->junit, into a temporary
   file next to @p path, flushed, fsync'ed and renamed over it. Returns 0 or -1 (said). */
static int junit_write(struct run *R, const char *path, double secs)
{
    char *tmp = xprintf("%s.tmp-XXXXXX", path), stamp[32], buf[65536];
    struct tm tm;
    time_t t = time(NULL);
    FILE *f = NULL;
    int fd = -1, ok;
    size_t n;
    if (!tmp || (fd = mkstemp(tmp)) < 0 || !(f = fdopen(fd, "w"))) {
        tool_error(path, "cannot write the JUnit file: %s", strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        free(tmp);
        return -1;
    }
    gmtime_r(&t, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"", f);
    xml_escape(f, R->tool);
    fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n",
            R->files, R->count[1], R->count[2], R->count[3], secs);
    fputs("  <testsuite name=\"", f);
    xml_escape(f, R->tool);
    fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\" "
               "timestamp=\"%s\">\n",
            R->files, R->count[1], R->count[2], R->count[3], secs, stamp);
    errno = 0;
    ok = fflush(R->junit) == 0 && !ferror(R->junit);
    rewind(R->junit);
    while (ok && (n = fread(buf, 1, sizeof buf, R->junit)) > 0)
        fwrite(buf, 1, n, f);
    ok = ok && !ferror(R->junit);
    fputs("  </testsuite>\n</testsuites>\n", f);
    if (!ok || fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0) {
        tool_error(path, "cannot write the JUnit file: %s", strerror(errno ? errno : EIO));
        fclose(f);
        unlink(tmp);
        free(tmp);
        return -1;
    }
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        tool_error(path, "cannot write the JUnit file: %s", strerror(errno));
        unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    if (tool_sync_parent(path) != 0) {
        tool_error(path, "JUnit file written, but its folder could not be synced: %s",
                   strerror(errno));
        return -1;
    }
    return 0;
}

/* Can a file be made next to @p path? Says why not. */
static int junit_probe(const char *path)
{
    char *tmp = xprintf("%s.tmp-XXXXXX", path);
    int fd;
    if (!tmp || (fd = mkstemp(tmp)) < 0) {
        tool_error(path, "cannot write the JUnit file: %s", strerror(tmp ? errno : ENOMEM));
        free(tmp);
        return -1;
    }
    close(fd);
    unlink(tmp);
    free(tmp);
    return 0;
}

static void summary(const struct run *R, const struct input *in, double secs)
{
    static const char *const dflt[4] = {"ok", "bad", "errors", "undecided"};
    const char *w[4];
    int i;
    for (i = 0; i < 4; i++)
        w[i] = R->o->words[i] ? R->o->words[i] : dflt[i];
    static const int order[4] = {0, 1, 3, 2}; /* ok, bad, undecided, errors */
    int first = 1;
    fflush(R->out);
    fprintf(stderr, "%s: %zu file%s:", R->tool, R->files, R->files == 1 ? "" : "s");
    for (i = 0; i < 4; i++) {
        int k = order[i];
        if (!*w[k] && !R->count[k]) /* an outcome this tool never gives */
            continue;
        if (k == 2 && R->count[k] == 1 && w[k] == dflt[2])
            fprintf(stderr, "%s 1 error", first ? "" : ","); /* not "1 errors" */
        else
            fprintf(stderr, "%s %zu %s", first ? "" : ",", R->count[k], *w[k] ? w[k] : dflt[k]);
        first = 0;
    }
    fprintf(stderr, " in %.2f s", secs);
    if (R->bytes && secs > 0)
        fprintf(stderr, " (%.1f MiB, %.1f MiB/s)", (double)R->bytes / 1048576.0,
                (double)R->bytes / 1048576.0 / secs);
    if (in->skipped_links || in->skipped_other) {
        fputs("; skipped", stderr);
        if (in->skipped_links)
            fprintf(stderr, " %zu link%s to folders", in->skipped_links,
                    in->skipped_links == 1 ? "" : "s");
        if (in->skipped_links && in->skipped_other)
            fputc(',', stderr);
        if (in->skipped_other)
            fprintf(stderr, " %zu entr%s neither a regular file nor a block device",
                    in->skipped_other, in->skipped_other == 1 ? "y" : "ies");
    }
    fputc('\n', stderr);
}

int batch_run(const struct batch_opts *o, char *const names[], int n, batch_fn fn, void *ctx)
{
    struct run R;
    struct input in;
    unsigned nthreads = batch_workers(o), started = 0, i;
    pthread_t *th = NULL;
    struct worker_arg *args = NULL;
    int input_done = 0;
    double secs;

    memset(&R, 0, sizeof R);
    memset(&in, 0, sizeof in);
    R.o = o;
    R.tool = o->tool ? o->tool : tool_name();
    R.out = o->records ? o->records : stdout;
    R.fn = fn;
    R.ctx = ctx;
    R.t0 = now_s();
    R.progress_at = R.t0 - 1;
    in.o = o;
    in.argv = names;
    in.argc = n;
    /* no more workers than command-line files when there is nothing else (one: no thread) */
    if (!o->recursive && !o->files_from && (unsigned)n < nthreads)
        nthreads = n > 1 ? (unsigned)n : 1;
    /* files in flight: enough that a slow file at the head of the window leaves the workers
       files to go on with (with 2 per worker, a worker waited whenever the file to be printed
       next was the slow one) */
    R.W = nthreads > 1 ? BATCH_WINDOW_PER_WORKER * (size_t)nthreads : 1;
    if (R.W > BATCH_WINDOW_MAX)
        R.W = BATCH_WINDOW_MAX > 2 * (size_t)nthreads ? BATCH_WINDOW_MAX : 2 * (size_t)nthreads;
    R.want = SIZE_MAX;
    R.first = 0;
    R.progress = o->quiet ? 0 : o->progress >= 0 ? o->progress : isatty(STDERR_FILENO);

    if (o->junit) {
        if (junit_probe(o->junit) != 0)
            return EXIT_TROUBLE;
        if (!(R.junit = tmpfile())) {
            tool_error(o->junit, "cannot write the JUnit file: no temporary file: %s",
                       strerror(errno));
            return EXIT_TROUBLE;
        }
    }
    if (!(R.slots = calloc(R.W, sizeof *R.slots))) {
        tool_error(NULL, "out of memory");
        if (R.junit)
            fclose(R.junit);
        return EXIT_TROUBLE;
    }
    pthread_mutex_init(&R.mu, NULL);
    pthread_cond_init(&R.work, NULL);
    pthread_cond_init(&R.done, NULL);
    if (nthreads > 1) {
        th = calloc(nthreads, sizeof *th);
        args = calloc(nthreads, sizeof *args);
        for (i = 0; th && args && i < nthreads; i++) {
            args[i].run = &R;
            args[i].index = i;
            if (pthread_create(&th[i], NULL, worker_main, &args[i]) != 0)
                break;
            started++;
        }
        if (!started) { /* no thread could be made: the calling thread does the work */
            free(th);
            th = NULL;
        } else {
            /* the workers' mappings are unmapped once they have ended (BATCH_DEFER_UNMAP) */
            ecu_image_defer_unmap(BATCH_DEFER_UNMAP);
        }
    }

    for (;;) {
        struct slot *s;
        /* fill the window */
        while (R.tail - R.head < R.W && !input_done) {
            s = &R.slots[R.tail % R.W];
            if (!next_item(&in, &s->it)) {
                input_done = 1;
                break;
            }
            s->state = s->it.kind == ITEM_FILE && s->it.name ? S_QUEUED : S_DONE;
            pthread_mutex_lock(&R.mu);
            R.tail++;
            pthread_cond_signal(&R.work);
            pthread_mutex_unlock(&R.mu);
        }
        if (R.head == R.tail)
            break;
        /* print the oldest when it is done */
        s = &R.slots[R.head % R.W];
        if (!th) {
            if (s->state == S_QUEUED) {
                run_one(&R, s, 0);
                s->state = S_DONE;
            }
        } else {
            pthread_mutex_lock(&R.mu);
            if (s->state != S_DONE) {
                /* wait for this file and the next BATCH_PRINT - 1 (at most half the window),
                   or a worker out of work */
                size_t batch = R.W / 2 < BATCH_PRINT ? R.W / 2 : BATCH_PRINT;
                if (R.tail - R.head < batch)
                    batch = R.tail - R.head;
                R.first = R.head;
                R.want = R.head + (batch ? batch - 1 : 0);
                R.hungry = 0;
                while (!printer_may_go(&R))
                    pthread_cond_wait(&R.done, &R.mu);
                R.want = SIZE_MAX;
            }
            /* the runner's own records are printed without a worker taking them: the workers
               look no more at a slot the window is about to reuse */
            if (R.dispatch <= R.head)
                R.dispatch = R.head + 1;
            pthread_mutex_unlock(&R.mu);
        }
        emit(&R, s);
        slot_clear(s);
        R.head++;
    }
    if (th) {
        pthread_mutex_lock(&R.mu);
        R.finished = 1;
        pthread_cond_broadcast(&R.work);
        pthread_mutex_unlock(&R.mu);
        for (i = 0; i < started; i++)
            pthread_join(th[i], NULL);
        ecu_image_defer_unmap(0); /* (one thread left: no other core to interrupt) */
    }
    secs = now_s() - R.t0;
    progress_clear(&R);
    fflush(R.out);
    if (R.junit) {
        if (junit_write(&R, o->junit, secs) != 0)
            R.worst = batch_worse(R.worst, EXIT_TROUBLE);
        fclose(R.junit);
    }
    if (!o->quiet &&
        (o->summary > 0 || (o->summary < 0 && (n != 1 || o->recursive || o->files_from))))
        summary(&R, &in, secs);
    input_free(&in);
    free(R.slots);
    free(th);
    free(args);
    pthread_mutex_destroy(&R.mu);
    pthread_cond_destroy(&R.work);
    pthread_cond_destroy(&R.done);
    return R.worst;
}
