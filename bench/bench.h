/* SPDX-License-Identifier: MIT */
/* What the in-process benchmarks (csum_bench, id_bench, discover_bench, learn_bench) share:
   the clock, median timing and the total. */
#ifndef ECU_BENCH_H
#define ECU_BENCH_H

#include <ecu/ecu.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double bench_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Runs @p fn on the image @p repeat times (t[] holds as many) and returns the median time. */
static inline double bench_median(void (*fn)(void *ctx, const uint8_t *data, size_t size), void *ctx,
                                  const ecu_image *img, double *t, int repeat)
{
    int k;
    for (k = 0; k < repeat; k++) {
        double t0 = bench_now();
        fn(ctx, ecu_image_data(img), ecu_image_size(img));
        t[k] = bench_now() - t0;
    }
    qsort(t, (size_t)repeat, sizeof *t, bench_cmp_double);
    return t[repeat / 2];
}

/* The last line: bytes and summed medians of all images. */
static inline void bench_total(double bytes, double time)
{
    if (time > 0)
        printf("total: %.1f MiB in %.3f ms (medians), %.1f MiB/s on one core\n", bytes / (1 << 20),
               time * 1e3, bytes / (1 << 20) / time);
}

#endif
