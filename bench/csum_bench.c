/* SPDX-License-Identifier: MIT */
/*
 * In-process timing of checksum detection and verification (ecu_csum_analyze) per image:
 * each file is loaded once, then analysed REPEAT times; the median time per analysis and
 * the throughput are printed, one line per file, then a total. Never used as a test.
 *   csum_bench [-r REPEAT] [-f FAMILY] FILE...   (-f: the family is given, not detected)
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
    ecu_csum_analyze(ctx, data, size);
}

int main(int argc, char **argv)
{
    int i = 1, repeat = 21;
    double total_bytes = 0, total_time = 0, med, *t;
    ecu_image *img = ecu_image_new();
    ecu_csum *cs = ecu_csum_new();
    if (!img || !cs)
        return 2;
    while (i + 1 < argc && argv[i][0] == '-') {
        if (strcmp(argv[i], "-r") == 0)
            repeat = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "-f") == 0 && ecu_csum_set_family(cs, argv[i + 1]) != ECU_OK) {
            fprintf(stderr, "unknown family %s\n", argv[i + 1]);
            return 2;
        }
        i += 2;
    }
    if (repeat < 1 || !img || !cs || !(t = malloc((size_t)repeat * sizeof *t)))
        return 2;
    for (; i < argc; i++) {
        const ecu_family_info *f;
        if (ecu_image_load_file(img, argv[i]) != ECU_OK) {
            fprintf(stderr, "%s: %s\n", argv[i], ecu_image_error_detail(img));
            continue;
        }
        med = bench_median(analyze, cs, img, t, repeat);
        f = ecu_csum_family(cs);
        printf("%8.3f ms  %7.1f MiB/s  %-9s %-16s %s\n", med * 1e3,
               (double)ecu_image_size(img) / (1 << 20) / med,
               ecu_verdict_name(ecu_csum_verdict(cs)), f ? f->name : "-", argv[i]);
        total_bytes += (double)ecu_image_size(img);
        total_time += med;
    }
    bench_total(total_bytes, total_time);
    free(t);
    ecu_csum_free(cs);
    ecu_image_free(img);
    return 0;
}
