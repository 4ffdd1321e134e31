/* SPDX-License-Identifier: MIT */
/*
 * Checksum discovery (ecu/discover.h) over images: the driver until ecu-csum has --discover,
 * and its benchmark. For each image: the findings, the median time of REPEAT runs, the
 * candidates tried and the expected chance findings of the report. With -B STRIDE, the same
 * candidates are then computed by brute force (every range summed and CRC'ed over its bytes)
 * for every STRIDE-th candidate range; the time per range, times the number of ranges, is the
 * brute-force time of the whole search, and the ratio to the fast time is printed.
 *   discover_bench [-r REPEAT] [-b BOUND] [-B STRIDE] [-l] [-q] (FILE | -R SEED:BYTES)...
 * -R makes a random image (xorshift64*, SEED) of BYTES bytes instead of reading a file; -l
 * prints each finding as an ecu-layout(5) block; -q prints no findings. Never used as a test.
 */
#define _POSIX_C_SOURCE 200809L
#include <ecu/ecu.h>

#include "discover_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static const char *form_name[] = {"plain", "complement", "balance", "selfsum"};
static const char *source_name[] = {"table", "aligned", "erased"};

static void run(void *ctx, const uint8_t *data, size_t size)
{
    ecu_discover_run(ctx, data, size);
}

static void print_findings(const ecu_discover *d, int layout)
{
    size_t i;
    for (i = 0; i < ecu_discover_finding_count(d); i++) {
        const ecu_finding *f = ecu_discover_finding_at(d, i);
        printf("  %-8s %-10s 0x%06llX-0x%06llX slot 0x%06llX %u%s = 0x%llX  %s%s%s",
               source_name[f->source], form_name[f->form], (unsigned long long)f->start,
               (unsigned long long)f->end, (unsigned long long)f->store_offset, f->store_bytes,
               f->store_big_endian ? "be" : "le", (unsigned long long)f->stored, f->algorithm,
               f->model[0] ? " " : "", f->model);
        if (f->source == ECU_DISCOVER_TABLE)
            printf("  [table 0x%llX]", (unsigned long long)f->table_offset);
        printf("  (%llu tried, %.2g expected)\n", (unsigned long long)f->candidates, f->expected);
        if (layout) {
            char buf[512], name[32];
            snprintf(name, sizeof name, "found %zu", i);
            if (ecu_discover_layout_block(f, name, buf, sizeof buf) == ECU_OK)
                printf("%s", buf);
        }
    }
}

int main(int argc, char **argv)
{
    int i, repeat = 3, layout = 0, quiet = 0;
    unsigned stride = 0;
    double bound = ECU_DISCOVER_DEFAULT_BOUND, *t, total_bytes = 0, total_time = 0;
    ecu_image *img = ecu_image_new();
    ecu_discover *d = ecu_discover_new();
    if (!img || !d)
        return 2;
    for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != 'R'; i++) {
        if (strcmp(argv[i], "-l") == 0)
            layout = 1;
        else if (strcmp(argv[i], "-q") == 0)
            quiet = 1;
        else if (i + 1 < argc && strcmp(argv[i], "-r") == 0)
            repeat = atoi(argv[++i]);
        else if (i + 1 < argc && strcmp(argv[i], "-b") == 0)
            bound = atof(argv[++i]);
        else if (i + 1 < argc && strcmp(argv[i], "-B") == 0)
            stride = (unsigned)atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: discover_bench [-r N] [-b BOUND] [-B STRIDE] [-l] [-q] FILE...\n");
            return 2;
        }
    }
    if (repeat < 1 || ecu_discover_set_bound(d, bound) != ECU_OK ||
        !(t = malloc((size_t)repeat * sizeof *t)))
        return 2;
    for (; i < argc; i++) {
        double fast, brute = 0, per;
        uint64_t ranges;
        if (strcmp(argv[i], "-R") == 0 && i + 1 < argc) {
            unsigned long long seed = 0, bytes = 0, x;
            uint8_t *buf;
            size_t k;
            if (sscanf(argv[++i], "%llu:%llu", &seed, &bytes) != 2 || !bytes || !(buf = malloc(bytes)))
                return 2;
            x = seed * 0x9E3779B97F4A7C15ULL + 1;
            for (k = 0; k < bytes; k++) {
                x ^= x >> 12;
                x ^= x << 25;
                x ^= x >> 27;
                buf[k] = (uint8_t)((x * 0x2545F4914F6CDD1DULL) >> 56);
            }
            if (ecu_image_load_buffer(img, buf, bytes) != ECU_OK)
                return 2;
            free(buf);
        } else if (ecu_image_load_file(img, argv[i]) != ECU_OK) {
            fprintf(stderr, "%s: %s\n", argv[i], ecu_image_error_detail(img));
            continue;
        }
        ecu__discover_set_brute(d, 0);
        fast = bench_median(run, d, img, t, repeat);
        ranges = ecu__discover_ranges(d);
        total_bytes += (double)ecu_image_size(img);
        total_time += fast;
        printf("%s: %zu bytes, %.1f ms (%.1f ms/MiB), %llu ranges, %llu candidates%s, %zu findings, "
               "%.2g expected by chance\n",
               argv[i], ecu_image_size(img), fast * 1e3, fast * 1e3 * (1 << 20) / (double)ecu_image_size(img),
               (unsigned long long)ranges, (unsigned long long)ecu_discover_tried(d),
               ecu_discover_truncated(d) ? " (truncated)" : "", ecu_discover_finding_count(d),
               ecu_discover_expected_false(d));
        if (!quiet)
            print_findings(d, layout);
        if (stride) {
            double t0 = bench_now();
            ecu__discover_set_brute(d, stride);
            ecu_discover_run(d, ecu_image_data(img), ecu_image_size(img));
            brute = bench_now() - t0;
            per = ecu__discover_ranges(d) ? brute / (double)ecu__discover_ranges(d) : 0;
            printf("  brute force: %llu of %llu ranges in %.1f ms, %.3f ms a range; whole search %.1f s; "
                   "fast/brute ratio 1:%.0f\n",
                   (unsigned long long)ecu__discover_ranges(d), (unsigned long long)ranges, brute * 1e3,
                   per * 1e3, per * (double)ranges, fast > 0 ? per * (double)ranges / fast : 0);
        }
    }
    bench_total(total_bytes, total_time);
    free(t);
    ecu_discover_free(d);
    ecu_image_free(img);
    return 0;
}
