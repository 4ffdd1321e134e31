/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
#include "tool.h"

#include <ecu/common.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *progname = "ecu";

/* Inputs are memory-mapped: a file truncated by another process while we read it raises
   SIGBUS. Say so instead of dying silently. */
static void on_sigbus(int sig)
{
    static const char tail[] = ": an input file was truncated or changed while being read\n";
    (void)sig;
    if (write(STDERR_FILENO, progname, strlen(progname)) < 0 ||
        write(STDERR_FILENO, tail, sizeof tail - 1) < 0) {
        /* nothing more can be done */
    }
    _exit(EXIT_TROUBLE);
}

void tool_init(const char *name)
{
    struct sigaction sa;
    const char *slash = strrchr(name, '/');
    progname = slash ? slash + 1 : name;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigbus;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, NULL);
}

const char *tool_name(void) { return progname; }

void tool_error(const char *file, const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "%s: ", progname);
    if (file)
        fprintf(stderr, "%s: ", file);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
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
    if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
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

void json_string(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    fputc('"', f);
    for (; *p; p++) {
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
                fputc(*p, f); /* UTF-8 passes through; file names are bytes */
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

int tool_write_file(const char *path, const void *data, size_t n)
{
    char *tmp;
    size_t len;
    int fd, e;
    struct stat st;
    mode_t um = umask(0), mode;
    umask(um);
    mode = 0666 & ~um; /* a new file gets what the user's umask allows */
    if (strcmp(path, "-") == 0) {
        if (isatty(STDOUT_FILENO)) {
            tool_error(NULL, "refusing to write binary data to a terminal");
            return -1;
        }
        fflush(stdout);
        if (write_all(STDOUT_FILENO, data, n) != 0) {
            tool_error("-", "write error: %s", strerror(errno));
            return -1;
        }
        return 0;
    }
    if (stat(path, &st) == 0) {
        if (!S_ISREG(st.st_mode)) {
            tool_error(path, "not a regular file; not replaced");
            return -1;
        }
        mode = st.st_mode & 07777;
    }
    len = strlen(path);
    if (!(tmp = malloc(len + 16))) {
        tool_error(path, "out of memory");
        return -1;
    }
    snprintf(tmp, len + 16, "%s.tmp-XXXXXX", path);
    if ((fd = mkstemp(tmp)) < 0) {
        tool_error(path, "cannot create a temporary file beside it: %s", strerror(errno));
        free(tmp);
        return -1;
    }
    if (write_all(fd, data, n) != 0 || fchmod(fd, mode) != 0 || fsync(fd) != 0) {
        e = errno;
        close(fd);
        unlink(tmp);
        tool_error(path, "write error: %s", strerror(e));
        free(tmp);
        return -1;
    }
    if (close(fd) != 0 || rename(tmp, path) != 0) {
        e = errno;
        unlink(tmp);
        tool_error(path, "cannot write: %s", strerror(e));
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}

int tool_close_stdout(int status)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        tool_error(NULL, "write error on standard output: %s", strerror(errno));
        return EXIT_TROUBLE;
    }
    return status;
}
