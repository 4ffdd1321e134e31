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

#include "bench.h"

/* the timed call */
static void analyze(void *ctx, const uint8_t *data, size_t size)
{
    ecu_id_analyze(ctx, data, size);
}

static const char *value(const ecu_id *id, const char *key)
{
    const ecu_id_field *f = ecu_id_get(id, key);
    return f ? f->value : "-";
}

int main(int argc, char **argv)
{
    int i = 1, repeat = 21;
    double total_bytes = 0, total_time = 0, med, *t;
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
        med = bench_median(analyze, id, img, t, repeat);
        printf("%8.3f ms  %7.1f MiB/s  %3zu fields  hw %-10s sw %-10s %s\n", med * 1e3,
               (double)ecu_image_size(img) / (1 << 20) / med, ecu_id_field_count(id),
               value(id, "hw_number"), value(id, "sw_number"), argv[i]);
        total_bytes += (double)ecu_image_size(img);
        total_time += med;
    }
    bench_total(total_bytes, total_time);
    free(t);
    ecu_id_free(id);
    ecu_image_free(img);
    return 0;
}
