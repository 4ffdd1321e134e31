/* SPDX-License-Identifier: MIT */
/*
 * LD_PRELOAD shim for tests/cli/lazy.sh: dlopen refuses nettle, hogweed, GMP and libxxhash
 * (any name holding libnettle, libhogweed, libgmp or libxxhash), as on a system where they are
 * missing; any other name goes to the C library's dlopen.
 */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <dlfcn.h>
#include <string.h>

__attribute__((visibility("default"))) void *dlopen(const char *file, int mode)
{
    void *(*real)(const char *, int);
    if (file && (strstr(file, "libnettle") || strstr(file, "libhogweed") || strstr(file, "libgmp") ||
                 strstr(file, "libxxhash")))
        return NULL;
    *(void **)(&real) = dlsym(RTLD_NEXT, "dlopen");
    return real ? real(file, mode) : NULL;
}
