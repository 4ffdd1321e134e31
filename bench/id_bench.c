/* SPDX-License-Identifier: MIT */
/*
 * In-process timing of identification (ecu_id_analyze: family detection, then every
 * identification scan) per image: each file is loaded once, then analysed REPEAT times; the
 * median time per analysis and the throughput are printed, one line per file, with the number
 * of fields and the best hardware and software numbers, then a total. Never used as a test.
 *   id_bench [-r REPEAT] FILE...
 */
#define _POSIX_C_SOURCE 200809L
#include <ecu/ecu.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static const char *value(const ecu_id *id, const char *key)
{
    const ecu_id_field *f = ecu_id_get(id, key);
    return f ? f->value : "-";
}

int main(int argc, char **argv)
{
    int i = 1, repeat = 21, k;
    double total_bytes = 0, total_time = 0, *t;
    ecu_image *img = ecu_image_new();
    ecu_id *id = ecu_id_new();
    if (!img || !id)
        return 2;
    while (i + 1 < argc && strcmp(argv[i], "-r") == 0) {
        repeat = atoi(argv[i + 1]);
        i += 2;
    }
    if (repeat < 1 || !(t = malloc((size_t)repeat * sizeof *t)))
        return 2;
    for (; i < argc; i++) {
        if (ecu_image_load_file(img, argv[i]) != ECU_OK) {
            fprintf(stderr, "%s: %s\n", argv[i], ecu_image_error_detail(img));
            continue;
        }
        for (k = 0; k < repeat; k++) {
            double t0 = now();
            ecu_id_analyze(id, ecu_image_data(img), ecu_image_size(img));
            t[k] = now() - t0;
        }
        qsort(t, (size_t)repeat, sizeof *t, cmp_double);
        printf("%8.3f ms  %7.1f MiB/s  %3zu fields  hw %-10s sw %-10s %s\n", t[repeat / 2] * 1e3,
               (double)ecu_image_size(img) / (1 << 20) / t[repeat / 2], ecu_id_field_count(id),
               value(id, "hw_number"), value(id, "sw_number"), argv[i]);
        total_bytes += (double)ecu_image_size(img);
        total_time += t[repeat / 2];
    }
    if (total_time > 0)
        printf("total: %.1f MiB in %.3f ms (medians), %.1f MiB/s on one core\n",
               total_bytes / (1 << 20), total_time * 1e3, total_bytes / (1 << 20) / total_time);
    free(t);
    ecu_id_free(id);
    ecu_image_free(img);
    return 0;
}
