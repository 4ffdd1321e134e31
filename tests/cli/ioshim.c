/* SPDX-License-Identifier: MIT */
/*
 * LD_PRELOAD shim for cli/io.sh: makes the writes of the ecu tools fail the way a full file
 * system or a folder without permission would, or stops a write half-way so that the test can
 * kill the tool there. It acts only on the tools' temporary files (".ecu" + 6 characters, in
 * the folder of the output), never on anything else. Set by environment variables:
 *   ECU_SHIM_ENOSPC=N   after N bytes written to temporary files in all, writes fail with
 *                       ENOSPC (a disk that fills up)
 *   ECU_SHIM_RENAME=N   the N-th rename(2) of a temporary file fails with EACCES (1-based)
 *   ECU_SHIM_STALL=PATH the first write to a temporary file writes half its bytes, creates
 *                       PATH and waits for ever (for kill -9, or a signal the tool handles)
 *   ECU_SHIM_STALL_SKIP=N  with ECU_SHIM_STALL: the first N bytes written to temporary files
 *                       pass (a backup of N bytes), the write after them stalls
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static int is_temp_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    return strncmp(base, ".ecu", 4) == 0 && strlen(base) == 10;
}

static int is_temp_fd(int fd)
{
    char link[64], path[PATH_MAX];
    ssize_t n;
    if (fd <= 2)
        return 0;
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    if ((n = readlink(link, path, sizeof path - 1)) < 0)
        return 0;
    path[n] = '\0';
    return is_temp_name(path);
}

__attribute__((visibility("default"))) ssize_t write(int fd, const void *buf, size_t n)
{
    static ssize_t (*real_write)(int, const void *, size_t);
    static unsigned long long written;
    const char *budget = getenv("ECU_SHIM_ENOSPC"), *stall = getenv("ECU_SHIM_STALL");
    if (!real_write)
        real_write = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    if ((budget || stall) && is_temp_fd(fd)) {
        const char *skip = getenv("ECU_SHIM_STALL_SKIP");
        if (stall && skip && written < strtoull(skip, NULL, 10)) {
            ssize_t w = real_write(fd, buf, n);
            if (w > 0)
                written += (unsigned long long)w;
            return w;
        }
        if (stall) {
            int mark;
            ssize_t w = real_write(fd, buf, n / 2);
            (void)w;
            if ((mark = open(stall, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) >= 0)
                close(mark);
            for (;;)
                pause();
        }
        {
            unsigned long long most = strtoull(budget, NULL, 10);
            ssize_t w;
            if (written >= most) {
                errno = ENOSPC;
                return -1;
            }
            if (n > most - written)
                n = (size_t)(most - written);
            w = real_write(fd, buf, n);
            if (w > 0)
                written += (unsigned long long)w;
            return w;
        }
    }
    return real_write(fd, buf, n);
}

__attribute__((visibility("default"))) int rename(const char *from, const char *to)
{
    static int (*real_rename)(const char *, const char *);
    static int count;
    const char *nth = getenv("ECU_SHIM_RENAME");
    if (!real_rename)
        real_rename = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
    if (nth && is_temp_name(from) && ++count == atoi(nth)) {
        errno = EACCES;
        return -1;
    }
    return real_rename(from, to);
}
