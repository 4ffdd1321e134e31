/* SPDX-License-Identifier: MIT */
/*
 * Growable arrays for results that can reach megabytes (one range per difference of two
 * noisy reads). Below 64 KiB they live in malloc; above, on Linux, in an anonymous mapping
 * that asks for transparent huge pages, so filling 8 MiB of results costs a handful of
 * page faults instead of thousands, and growing is an mremap, not a copy.
 */
#ifndef ECU_VEC_PRIVATE_H
#define ECU_VEC_PRIVATE_H

#include <stddef.h>

struct ecu_vec {
    void *p;
    size_t bytes;  /* capacity in bytes */
    int mapped;    /* 1: p is an mmap'ed region */
};

/* Makes room for at least @p need bytes; returns 0, or -1 when out of memory (v unchanged). */
int ecu__vec_reserve(struct ecu_vec *v, size_t need);
/* Releases the array; safe on a zeroed one. */
void ecu__vec_free(struct ecu_vec *v);

/* Room for one more after the @p n elements of @p size bytes at @p p, of which *@p cap fit (the
   capacity doubled, or @p first elements when it is 0): the array, moved or not, or NULL when
   out of memory (@p p and *@p cap unchanged). For the small typed arrays that grow an element
   at a time. */
void *ecu__grow(void *p, size_t n, size_t *cap, size_t size, size_t first);

#endif
