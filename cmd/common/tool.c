/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* F_GETPIPE_SZ, F_SETPIPE_SZ */
#include "tool.h"

#include <ecu/common.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *progname = "ecu";

/* The temporary file tool_write_file is writing, removed if a signal ends the tool first. */
static char *volatile pending_tmp;
/* The backup --in-place made, removed too while the file it saves is not yet replaced. */
static char *volatile pending_backup;

static void remove_pending(void)
{
    char *t = pending_tmp, *b = pending_backup;
    if (t)
        unlink(t); /* async-signal-safe */
    if (b)
        unlink(b);
}

/* SIGINT, SIGTERM, SIGHUP: remove a half-written output, then die of the signal as usual. */
static void on_terminate(int sig)
{
    remove_pending();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Inputs are memory-mapped: a file truncated by another process while we read it raises
   SIGBUS. Say so instead of dying silently. */
static void on_sigbus(int sig)
{
    static const char tail[] = ": an input file was truncated or changed while being read\n";
    (void)sig;
    remove_pending();
    if (write(STDERR_FILENO, progname, strlen(progname)) < 0 ||
        write(STDERR_FILENO, tail, sizeof tail - 1) < 0) {
        /* nothing more can be done */
    }
    _exit(EXIT_TROUBLE);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

void tool_check_library(const char *argv0)
{
    unsigned v = ecu_version_number();
    const char *s;
    char num[32];
    if (v / 10000 == ECU_VERSION_MAJOR && v / 100 % 100 == ECU_VERSION_MINOR)
        return;
    s = ecu_version_string();
    if (!s || !*s) {
        snprintf(num, sizeof num, "%u.%u.%u", v / 10000, v / 100 % 100, v % 100);
        s = num;
    }
    argv0 = argv0 && *argv0 ? base_name(argv0) : progname;
    fflush(stdout);
    fprintf(stderr,
            "%s: libecu %s is loaded, but %s was built with libecu %s (major.minor must match); "
            "install matching versions of libecu and the ecu tools\n",
            argv0, s, argv0, ECU_VERSION_STRING);
    exit(EXIT_TROUBLE);
}

void tool_init(const char *name)
{
    struct sigaction sa;
    progname = base_name(name);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigbus;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, NULL);
    sa.sa_handler = on_terminate;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

const char *tool_name(void) { return progname; }

__attribute__((format(printf, 2, 0)))
static void verror(const char *file, const char *fmt, va_list ap)
{
    fflush(stdout);
    fprintf(stderr, "%s: ", progname);
    if (file)
        fprintf(stderr, "%s: ", file);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void tool_error(const char *file, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verror(file, fmt, ap);
    va_end(ap);
}

static void try_help(void)
{
    fprintf(stderr, "Try '%s --help' for more information.\n", progname);
}

void tool_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verror(NULL, fmt, ap);
    va_end(ap);
    try_help();
}

int tool_stdin_once(char *const files[], int n)
{
    int i, uses = 0;
    for (i = 0; i < n; i++)
        if (strcmp(files[i], "-") == 0 && ++uses > 1) {
            tool_error(NULL, "standard input ('-') can be read only once");
            return -1;
        }
    return 0;
}

int tool_load(ecu_image *img, const char *file, uint64_t max_span)
{
    if (max_span)
        ecu_image_set_max_span(img, max_span);
    if (ecu_image_load_file(img, file) != ECU_OK) {
        tool_error(file, "%s", ecu_image_error_detail(img));
        return -1;
    }
    return 0;
}

void tool_version(void)
{
    printf("%s (libecu) %s\n", progname, ECU_VERSION_STRING);
    if (ecu_version_number() != ECU_VERSION_NUMBER)
        printf("library at run time: %s\n", ecu_version_string());
}

int tool_parse_u64(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;
    unsigned shift = 0;
    /* strtoull would skip leading white space and take a sign ("-1" is UINT64_MAX): only a
       digit may come first */
    if (!s || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    v = strtoull(s, &end, (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 16 : 10);
    if (errno || end == s)
        return -1;
    if (*end) {
        switch (*end) {
        case 'k': case 'K': shift = 10; break;
        case 'm': case 'M': shift = 20; break;
        case 'g': case 'G': shift = 30; break;
        default: return -1;
        }
        if (end[1] && strcmp(end + 1, "iB") != 0 && strcmp(end + 1, "B") != 0)
            return -1;
        if (v > (UINT64_MAX >> shift))
            return -1;
    }
    *out = (uint64_t)v << shift;
    return 0;
}

void tool_bad_option(char *const argv[], int optind_now, int optopt_now, const char *shortopts,
                     const struct option *longopts)
{
    /* optopt is a short option's letter, a long option's value (which may be 256 and up, or
       a letter it shares with a short option), or 0 for an unknown or ambiguous long one */
    int known_letter = optopt_now > 0 && optopt_now < 256 && optopt_now != ':' &&
                       strchr(shortopts, optopt_now) != NULL;
    if (optopt_now != 0 && optopt_now < 256 && !known_letter) {
        /* an unknown short option; getopt stores its byte as a (maybe negative) char */
        unsigned char c = (unsigned char)optopt_now;
        if (c > 0x20 && c < 0x7F)
            tool_error(NULL, "unknown option '-%c'", c);
        else
            tool_error(NULL, "unknown option character 0x%02X", c);
    } else {
        const char *word = optind_now > 0 ? argv[optind_now - 1] : "?";
        const char *name = strncmp(word, "--", 2) == 0 ? word + 2 : word;
        size_t len = strcspn(name, "=");
        const struct option *lo;
        int matches = 0;
        for (lo = longopts; lo && lo->name; lo++)
            if (strncmp(lo->name, name, len) == 0)
                matches++;
        if (optopt_now != 0 && name[len] == '=') /* a known long option, given "=value" */
            tool_error(NULL, "option '%.*s' takes no argument (given '%s')",
                       (int)(name + len - word), word, word);
        else if (optopt_now == 0 && matches > 1 && name != word)
            tool_error(NULL, "ambiguous option '%.*s' (an abbreviation of %d options)",
                       (int)(name + len - word), word, matches);
        else
            tool_error(NULL, "unknown option '%s'", word);
    }
    try_help();
}

/*
 * Length of the well-formed UTF-8 sequence at @p p (RFC 3629: no overlong form, no
 * surrogate, nothing above U+10FFFF), or 0 when the byte there does not start one.
 */
size_t tool_utf8_sequence(const unsigned char *p)
{
    size_t len, i;
    if (p[0] >= 0xC2 && p[0] <= 0xDF)
        len = 2;
    else if (p[0] >= 0xE0 && p[0] <= 0xEF)
        len = 3;
    else if (p[0] >= 0xF0 && p[0] <= 0xF4)
        len = 4;
    else
        return 0; /* ASCII is handled by the caller; 80-C1 and F5-FF never start one */
    if ((p[0] == 0xE0 && p[1] < 0xA0) || /* overlong 3-byte form */
        (p[0] == 0xED && p[1] > 0x9F) || /* UTF-16 surrogates D800-DFFF */
        (p[0] == 0xF0 && p[1] < 0x90) || /* overlong 4-byte form */
        (p[0] == 0xF4 && p[1] > 0x8F))   /* above U+10FFFF */
        return 0;
    for (i = 1; i < len; i++) /* stops at the terminating NUL, which is no continuation */
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    return len;
}

void json_string(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    fputc('"', f);
    for (; *p; p++) {
        if (*p >= 0x80) {
            /* file names are bytes: valid UTF-8 passes through, any other byte becomes
               U+FFFD so that the output stays valid JSON */
            size_t len = tool_utf8_sequence(p);
            if (len) {
                fwrite(p, 1, len, f);
                p += len - 1;
            } else {
                fputs("\\ufffd", f);
            }
            continue;
        }
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20 || *p == 0x7F)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

static int write_all(int fd, const void *data, size_t n)
{
    const unsigned char *p = data;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int tool_sync_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir;
    int fd, rc = 0, e = 0;
    if (!slash)
        dir = strdup(".");
    else if (slash == path)
        dir = strdup("/");
    else if ((dir = malloc((size_t)(slash - path) + 1)) != NULL) {
        memcpy(dir, path, (size_t)(slash - path));
        dir[slash - path] = '\0';
    }
    if (!dir)
        return -1;
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (fd < 0)
        return 0;
    if (fsync(fd) != 0 && errno != EINVAL && errno != EROFS) {
        e = errno;
        rc = -1;
    }
    close(fd);
    errno = e;
    return rc;
}

/* The folder part of @p path with its trailing slash ("" when it has none), malloc'd. */
static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) + 1 : 0;
    char *dir = malloc(n + 1);
    if (dir) {
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    return dir;
}

/*
 * The path that @p path names once its symbolic links are followed (malloc'd), with lstat()
 * of it in @p st and in @p exists whether it exists (a dangling link names the path of the
 * file it would create). NULL with errno set when a link cannot be read or there are more
 * than 40 of them (the kernel's own limit, ELOOP).
 */
static char *follow_links(const char *path, struct stat *st, int *exists)
{
    char *p = strdup(path);
    int hops;
    for (hops = 0; p; hops++) {
        char *target, *dir, *joined;
        ssize_t got = -1;
        size_t size;
        if (lstat(p, st) != 0) {
            if (errno != ENOENT && errno != ENOTDIR) {
                free(p);
                return NULL;
            }
            *exists = 0;
            return p;
        }
        if (!S_ISLNK(st->st_mode)) {
            *exists = 1;
            return p;
        }
        if (hops == 40) {
            free(p);
            errno = ELOOP;
            return NULL;
        }
        size = st->st_size > 0 ? (size_t)st->st_size + 1 : PATH_MAX;
        errno = ENOMEM;
        if (!(target = malloc(size)) || (got = readlink(p, target, size)) < 0 ||
            (size_t)got >= size) {
            int e = target && got >= 0 ? ENAMETOOLONG : errno; /* the link grew meanwhile */
            free(target);
            free(p);
            errno = e;
            return NULL;
        }
        target[got] = '\0';
        /* a relative target is relative to the link's folder ("" for the current one) */
        if (target[0] == '/') {
            free(p);
            p = target;
            continue;
        }
        dir = folder_of(p);
        joined = dir ? malloc(strlen(dir) + (size_t)got + 1) : NULL;
        if (joined) {
            strcpy(joined, dir);
            strcat(joined, target);
        }
        free(dir);
        free(target);
        free(p);
        p = joined;
    }
    errno = ENOMEM;
    return NULL;
}

/* Where the write path's messages go: a stream (stderr, or the batch runner's per-file
   one), and optionally a buffer that collects them for the record's "error". */
struct wout {
    FILE *err;
    char *why;
    size_t whysz;
};

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void say(const struct wout *w, const char *file, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    FILE *err = w && w->err ? w->err : stderr;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (err == stderr)
        fflush(stdout);
    fprintf(err, "%s: ", progname);
    if (file)
        fprintf(err, "%s: ", file);
    fprintf(err, "%s\n", msg);
    if (w && w->why && w->whysz) {
        size_t used = strlen(w->why);
        if (used + 2 < w->whysz)
            snprintf(w->why + used, w->whysz - used, "%s%s", used ? "; " : "", msg);
    }
}

/* Says why an existing output @p path (lstat in @p st, links followed) cannot be written:
   -1, or 0 when it can. @p force: 1 with -f, 0 without, -1 for a file never replaced. */
static int refuse_existing(const struct wout *w, const char *path, const struct stat *st,
                           int force)
{
    if (S_ISDIR(st->st_mode)) {
        say(w, path, "is a directory; not replaced");
        return -1;
    }
    if (S_ISLNK(st->st_mode)) {
        say(w, path, "is a symbolic link to a file that does not exist; not written "
                   "there%s", force < 0 ? "" : " (-f writes it)");
        return -1;
    }
    if (!S_ISREG(st->st_mode)) {
        say(w, path, "not a regular file; not replaced");
        return -1;
    }
    if (force < 0) {
        say(w, path, "exists; a key file is never replaced, not even with -f");
        return -1;
    }
    if (!force) {
        say(w, path, "exists; not replaced (-f replaces it)");
        return -1;
    }
    if (st->st_nlink > 1) {
        /* the new file is renamed over the old: the other names would keep the old content */
        say(w, path, "has %lu hard links; not replaced, since the other names would keep "
                   "the old content (remove it first, or write elsewhere)",
                   (unsigned long)st->st_nlink);
        return -1;
    }
    return 0;
}

int tool_output_check(const char *path, int force)
{
    const struct wout *w = NULL; /* stderr */
    struct stat st;
    int exists, rc = 0;
    char *real;
    if (strcmp(path, "-") == 0)
        return 0;
    if (!(real = follow_links(path, &st, &exists))) {
        say(w, path, "%s", strerror(errno));
        return -1;
    }
    if (exists)
        rc = refuse_existing(w, path, &st, force);
    else if (!force && lstat(path, &st) == 0) /* a dangling link: it exists itself */
        rc = refuse_existing(w, path, &st, 0);
    free(real);
    return rc;
}

int tool_output_is_input(const char *out, char *const inputs[], size_t n)
{
    struct stat so, si;
    size_t i;
    if (strcmp(out, "-") == 0 || stat(out, &so) != 0)
        return 0;
    for (i = 0; i < n; i++) {
        int got = strcmp(inputs[i], "-") == 0 ? fstat(STDIN_FILENO, &si) : stat(inputs[i], &si);
        if (got == 0 && si.st_dev == so.st_dev && si.st_ino == so.st_ino)
            return 1;
    }
    return 0;
}

/* Moves @p tmp to @p path unless @p path exists (atomically where the system can). */
static int rename_new(const char *tmp, const char *path)
{
    struct stat st;
#if defined(RENAME_NOREPLACE)
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
        return -1;
#endif
    /* a file system without RENAME_NOREPLACE: a second name cannot replace either */
    if (link(tmp, path) == 0) {
        unlink(tmp);
        return 0;
    }
    if (errno == EEXIST || (errno != EPERM && errno != ENOTSUP && errno != ENOSYS))
        return -1;
    /* nor hard links (FAT): look, then rename */
    if (lstat(path, &st) == 0) {
        errno = EEXIST;
        return -1;
    }
    return rename(tmp, path);
}

/*
 * Gives the new file @p fd the owner and group of @p like (when permitted: root may give any,
 * an owner may give a group they belong to) and then its permission bits; the set-user-ID,
 * set-group-ID and sticky bits only when owner and group were both kept.
 */
static int take_attributes(int fd, const struct stat *like)
{
    int kept = 1;
    if (like->st_uid != geteuid() || like->st_gid != getegid()) {
        if (fchown(fd, like->st_uid, like->st_gid) != 0) {
            kept = 0;
            if (like->st_gid != getegid())
                (void)fchown(fd, (uid_t)-1, like->st_gid); /* the group, where allowed */
        }
    }
    return fchmod(fd, like->st_mode & (kept ? 07777 : 0777));
}

static int write_file_as(const struct wout *w, const char *path, const void *data, size_t n,
                         unsigned flags, const struct stat *like)
{
    char *real = NULL, *dir = NULL, *tmp = NULL;
    int fd = -1, e, exists, force, renamed, rc = -1;
    sigset_t block, was;
    struct stat st;
    mode_t um = umask(0), mode;
    umask(um);
    if (strcmp(path, "-") == 0) {
        if (isatty(STDOUT_FILENO)) {
            say(w, NULL, "refusing to write binary data to a terminal");
            return -1;
        }
        fflush(stdout);
        if (write_all(STDOUT_FILENO, data, n) != 0) {
            say(w, "-", "write error: %s", strerror(errno));
            return -1;
        }
        return 0;
    }
    /* a symbolic link stays: the file it names is written, beside that file */
    if (!(real = follow_links(path, &st, &exists))) {
        say(w, path, "%s", strerror(errno));
        return -1;
    }
    force = (flags & TOOL_WRITE_REPLACE) ? 1 : (flags & TOOL_WRITE_PRIVATE) ? -1 : 0;
    if (exists && refuse_existing(w, path, &st, force))
        goto out;
    if (!exists && force <= 0 && lstat(path, &st) == 0) {
        refuse_existing(w, path, &st, force); /* a dangling link without -f */
        goto out;
    }
    if (!like && exists)
        like = &st; /* a replaced file keeps its mode, owner and group */
    mode = (flags & TOOL_WRITE_PRIVATE) ? 0600 : 0666 & ~um; /* a new file: the umask's */
    /* a short name of its own in the same folder: the output's name may already be as long
       as a name can be (NAME_MAX), and the rename must not cross file systems */
    if (!(dir = folder_of(real)) || !(tmp = malloc(strlen(dir) + sizeof ".ecuXXXXXX"))) {
        say(w, path, "out of memory");
        goto out;
    }
    strcpy(tmp, dir);
    strcat(tmp, ".ecuXXXXXX");
    if ((fd = mkstemp(tmp)) < 0) {
        say(w, path, "cannot create a temporary file in %s: %s", dir[0] ? dir : "./",
                   strerror(errno));
        goto out;
    }
    pending_tmp = tmp;
    if (write_all(fd, data, n) != 0 ||
        (like ? take_attributes(fd, like) : fchmod(fd, mode)) != 0 || fsync(fd) != 0) {
        e = errno;
        say(w, path, "write error: %s", strerror(e));
        goto out;
    }
    e = close(fd);
    fd = -1;
    if (e != 0) {
        say(w, path, "write error: %s", strerror(errno));
        goto out;
    }
    /* the rename and forgetting what a signal would remove are one step: a signal between
       them would remove the backup of a file already replaced */
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigprocmask(SIG_BLOCK, &block, &was);
    renamed = (flags & TOOL_WRITE_REPLACE) ? rename(tmp, real) == 0 : rename_new(tmp, real) == 0;
    e = errno;
    if (renamed) {
        pending_tmp = NULL; /* renamed: nothing left to remove */
        pending_backup = NULL; /* the file it saved is replaced: the backup stays */
    }
    sigprocmask(SIG_SETMASK, &was, NULL);
    if (!renamed) {
        if (e == EEXIST && lstat(real, &st) == 0) /* it came meanwhile */
            refuse_existing(w, path, &st, force < 0 ? -1 : 0);
        else
            say(w, path, "cannot write: %s", strerror(e));
        goto out;
    }
    /* the new name is only durable once the folder is synced too */
    if (tool_sync_parent(real) != 0) {
        say(w, path, "written, but its folder could not be synced: %s", strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    if (pending_tmp) {
        unlink(tmp);
        pending_tmp = NULL;
    }
    free(tmp);
    free(dir);
    free(real);
    return rc;
}

int tool_write_file(const char *path, const void *data, size_t n, unsigned flags)
{
    return write_file_as(NULL, path, data, n, flags, NULL);
}

int tool_write_file_to(FILE *err, char *why, size_t whysz, const char *path, const void *data,
                       size_t n, unsigned flags)
{
    struct wout w;
    w.err = err;
    w.why = why;
    w.whysz = whysz;
    return write_file_as(&w, path, data, n, flags, NULL);
}

int tool_replace_in_place(FILE *err, char *why, size_t whysz, const char *file, const void *orig,
                          size_t orig_n, const void *data, size_t n, int backup, int force)
{
    struct wout wo, *w = &wo;
    struct stat st;
    int exists, rc = -1;
    char *real, *orig_path = NULL;
    wo.err = err;
    wo.why = why;
    wo.whysz = whysz;
    if (!(real = follow_links(file, &st, &exists))) {
        say(w, file, "%s", strerror(errno));
        return -1;
    }
    if (!exists || !S_ISREG(st.st_mode)) {
        say(w, file, exists ? "not a regular file" : "no longer exists");
        goto out;
    }
    if (st.st_nlink > 1) {
        say(w, file, "not written: it has %lu hard links, and replacing it would leave the "
                   "other names on the old content; use -o to write the corrected image "
                   "elsewhere", (unsigned long)st.st_nlink);
        goto out;
    }
    if (backup) {
        size_t len = strlen(real) + sizeof ".orig";
        struct stat ost;
        if (!(orig_path = malloc(len))) {
            say(w, NULL, "out of memory");
            goto out;
        }
        snprintf(orig_path, len, "%s.orig", real);
        if (strlen(base_name(orig_path)) > NAME_MAX) {
            say(w, file, "not written: the name of its backup, FILE.orig, would be longer "
                       "than a file name can be (%d bytes); use --no-backup, or -o", NAME_MAX);
            goto out;
        }
        if (!force && lstat(orig_path, &ost) == 0) {
            say(w, file, "not written: %s exists; move it away, or use -f to replace it "
                       "or --no-backup", orig_path);
            goto out;
        }
        /* the backup is the original as it was read, with its mode, owner and group */
        if (write_file_as(w, orig_path, orig, orig_n,
                               force ? TOOL_WRITE_REPLACE : 0, &st) != 0) {
            say(w, file, "not written: its backup could not be made");
            goto out;
        }
        pending_backup = orig_path; /* a signal before FILE is replaced removes it */
    }
    if (write_file_as(w, real, data, n, TOOL_WRITE_REPLACE, &st) != 0) {
        /* replaced, but its folder not synced (said already): the backup stays */
        if (orig_path && !pending_backup)
            goto out;
        pending_backup = NULL;
        if (orig_path) {
            /* FILE is as it was: its backup would only stop the next run */
            if (unlink(orig_path) == 0)
                say(w, file, "not corrected; the backup %s made for it was removed",
                           orig_path);
            else
                say(w, file, "not corrected; the backup %s made for it could not be "
                           "removed: %s", orig_path, strerror(errno));
        }
        goto out;
    }
    rc = 0;
out:
    free(orig_path);
    free(real);
    return rc;
}

int tool_close_stdout(int status)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        tool_error(NULL, "write error on standard output: %s", strerror(errno));
        return EXIT_TROUBLE;
    }
    return status;
}

void tool_grow_pipe(int fd, size_t want)
{
#if defined(F_GETPIPE_SZ) && defined(F_SETPIPE_SZ)
    struct stat st;
    int have;
    if (fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode) || (have = fcntl(fd, F_GETPIPE_SZ)) < 0)
        return;
    /* over the system's limit for users (fs.pipe-max-size) the call fails: try smaller */
    for (; want > (size_t)have && want >= 65536; want /= 2)
        if (fcntl(fd, F_SETPIPE_SZ, (int)want) >= 0)
            return;
#else
    (void)fd;
    (void)want;
#endif
}
