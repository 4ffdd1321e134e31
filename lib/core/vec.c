/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* mremap, MADV_HUGEPAGE */
#include "vec_private.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef __linux__
#include <sys/mman.h>
#endif

#define BIG ((size_t)64 << 10)
#define HUGE_PAGE ((size_t)2 << 20)

#ifdef __linux__
/* An anonymous mapping of @p len bytes starting on a huge-page boundary (transparent huge
   pages back only aligned 2 MiB pieces), or NULL. */
static void *map_aligned(size_t len)
{
    size_t over = len + HUGE_PAGE;
    uintptr_t p, a;
    void *m = mmap(NULL, over, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    p = (uintptr_t)m;
    a = (p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
    if (a > p)
        munmap(m, a - p);
    if (p + over > a + len)
        munmap((void *)(a + len), p + over - (a + len));
    /* before anything touches it, or the first pages come as small ones; a hint only */
    madvise((void *)a, len, MADV_HUGEPAGE);
    return (void *)a;
}
#endif

int ecu__vec_reserve(struct ecu_vec *v, size_t need)
{
    size_t cap;
    void *q;
    if (need <= v->bytes)
        return 0;
    cap = v->bytes ? v->bytes : 1024;
    while (cap < need) {
        if (cap > (size_t)-1 / 2)
            return -1;
        cap *= 2;
    }
#ifdef __linux__
    if (cap >= BIG) {
        cap = (cap + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
        if (!(q = map_aligned(cap)))
            return -1;
        if (v->mapped) {
            /* move the pages onto the new aligned region: no copy */
            if (mremap(v->p, v->bytes, cap, MREMAP_MAYMOVE | MREMAP_FIXED, q) == MAP_FAILED) {
                munmap(q, cap);
                return -1;
            }
        } else {
            if (v->bytes)
                memcpy(q, v->p, v->bytes);
            free(v->p);
        }
        v->p = q;
        v->bytes = cap;
        v->mapped = 1;
        return 0;
    }
#endif
    if (!(q = realloc(v->p, cap)))
        return -1;
    v->p = q;
    v->bytes = cap;
    return 0;
}

void ecu__vec_free(struct ecu_vec *v)
{
#ifdef __linux__
    if (v->mapped)
        munmap(v->p, v->bytes);
    else
#endif
        free(v->p);
    v->p = NULL;
    v->bytes = 0;
    v->mapped = 0;
}

void *ecu__grow(void *p, size_t n, size_t *cap, size_t size, size_t first)
{
    size_t c;
    void *q;
    if (n < *cap)
        return p;
    c = *cap ? 2 * *cap : first;
    if (c <= *cap || c > SIZE_MAX / size || !(q = realloc(p, c * size)))
        return NULL;
    *cap = c;
    return q;
}
