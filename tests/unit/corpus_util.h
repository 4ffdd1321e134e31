/* SPDX-License-Identifier: MIT */
/*
 * What the real-dump tests (test_corpus_*.c) read the same way: where the corpus is, and the
 * ROM ID a Subaru Denso file name carries.
 */
#ifndef ECU_TESTS_CORPUS_UTIL_H
#define ECU_TESTS_CORPUS_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The corpus folder ($ECU_CORPUS, else ECU_CORPUS_DIR) into @p buf; returns @p buf. */
static inline const char *corpus_path(char *buf, size_t n)
{
    const char *env = getenv("ECU_CORPUS");
    snprintf(buf, n, "%s", env && *env ? env : ECU_CORPUS_DIR);
    return buf;
}

/* A Subaru Denso dump "<market>__<model>__<ROM ID>-...": its ROM ID (the first 6 to 8
   characters of the token, the CAL ID in the file) into @p id (at least 9 bytes); 0 when the
   name carries none. */
static inline int corpus_subaru_rom_id(const char *file, char *id)
{
    const char *base = strrchr(file, '/'), *p;
    size_t n;
    base = base ? base + 1 : file;
    p = strstr(base, "__");
    p = p ? strstr(p + 2, "__") : NULL;
    if (!p)
        return 0;
    p += 2;
    n = strcspn(p, "-_.");
    if (n < 6 || n > 8)
        return 0;
    memcpy(id, p, n);
    id[n] = '\0';
    return 1;
}

#endif
