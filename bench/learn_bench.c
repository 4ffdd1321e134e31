/* SPDX-License-Identifier: MIT */
/*
 * Learning (ecu_learn_run, what ecu-csum --learn runs) against brute force over the same
 * search, in one run. A group of images is learnt REPEAT times with the fast method (median).
 * Then the same learning runs with every discovery run in brute force (each candidate range
 * summed and CRC'ed over its bytes, ecu__learn_set_brute) at strides S and 2S: the two runs
 * give the time per range and the rest (the learning's own checks, the candidate scan), and
 * the brute-force time of the whole search is the rest plus the time per range times the
 * ranges of the fast run (a linear fit through two points, not a full run: that takes
 * minutes per group).
 *   learn_bench [-r REPEAT] [-B STRIDE] (-R SEED:BYTES:K | -G FILE... --)...
 * -R makes K images of BYTES random bytes (xorshift64*, SEED, SEED+1, ...), each with a table
 * of 8 records (start and end address, u32le, end included; the u16le word sum of the range
 * into 32 bits, u32le) at 0x100, the same ranges in every image, and a CRC-32 of the image
 * but its last 4 bytes in those bytes: what a family of dumps shares. -G learns the files up
 * to "--" as one group. Prints, per group: bytes, fast time and time per MiB, blocks learnt,
 * ranges; the brute-force estimate and the ratio. Never used as a test.
 */
#define _POSIX_C_SOURCE 200809L
#include <ecu/ecu.h>

#include "discover_private.h"

#include "bench.h"

#include <string.h>

static void put32le(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* K synthetic images of one "family" added to @p l; 0 on success */
static int add_synthetic(ecu_learn *l, unsigned long long seed, size_t bytes, unsigned k)
{
    uint8_t *buf = malloc(bytes);
    ecu_crc *crc = ecu_crc_new(&ECU_CRC32);
    unsigned i, j;
    if (!buf || !crc || bytes < 0x10000) {
        free(buf);
        ecu_crc_free(crc);
        return -1;
    }
    for (i = 0; i < k; i++) {
        unsigned long long x = (seed + i) * 0x9E3779B97F4A7C15ULL + 1;
        size_t q, span = (bytes - 0x1000) / 8;
        for (q = 0; q < bytes; q++) {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            buf[q] = (uint8_t)((x * 0x2545F4914F6CDD1DULL) >> 56);
        }
        for (j = 0; j < 8; j++) { /* record j: [0x1000 + j*span, 0x1000 + (j+1)*span - 0x100] */
            uint32_t s = (uint32_t)(0x1000 + j * span) & ~1u, e = (uint32_t)(s + span - 0x100) | 1u;
            put32le(buf + 0x100 + 12 * j, s);
            put32le(buf + 0x104 + 12 * j, e);
        }
        for (j = 0; j < 8; j++) {
            uint32_t s = (uint32_t)(0x1000 + j * span) & ~1u, e = (uint32_t)(s + span - 0x100) | 1u;
            put32le(buf + 0x108 + 12 * j, (uint32_t)ecu_sum_words(buf + s, e + 1 - s, 2, 0, 0, 32));
        }
        put32le(buf + bytes - 4, (uint32_t)ecu_crc_compute(crc, buf, bytes - 4));
        if (ecu_learn_add(l, buf, bytes, NULL) != ECU_OK) {
            free(buf);
            ecu_crc_free(crc);
            return -1;
        }
    }
    free(buf);
    ecu_crc_free(crc);
    return 0;
}

static double timed_learn(ecu_learn *l, unsigned stride)
{
    double t0 = bench_now();
    ecu__learn_set_brute(l, stride);
    ecu_learn_run(l);
    return bench_now() - t0;
}

static void group(ecu_learn *l, const char *name, double bytes, int repeat, unsigned stride)
{
    double *t = malloc((size_t)repeat * sizeof *t), fast, t1, t2, per, rest, brute;
    uint64_t ranges, r1, r2;
    size_t blocks;
    int k;
    if (!t)
        return;
    for (k = 0; k < repeat; k++)
        t[k] = timed_learn(l, 0);
    qsort(t, (size_t)repeat, sizeof *t, bench_cmp_double);
    fast = t[repeat / 2];
    ranges = ecu__learn_ranges(l);
    blocks = ecu_learn_count(l);
    printf("%s: %.1f MiB, learnt in %.1f ms (%.1f ms/MiB), %zu blocks, %llu ranges\n", name,
           bytes / (1 << 20), fast * 1e3, fast * 1e3 * (1 << 20) / bytes, blocks,
           (unsigned long long)ranges);
    if (stride) {
        t1 = timed_learn(l, stride);
        r1 = ecu__learn_ranges(l);
        t2 = timed_learn(l, 2 * stride);
        r2 = ecu__learn_ranges(l);
        per = r1 > r2 ? (t1 - t2) / (double)(r1 - r2) : 0;
        if (per <= 0) /* too few ranges to fit: all of it per range */
            per = r1 ? t1 / (double)r1 : 0, rest = 0;
        else
            rest = t1 - per * (double)r1 > 0 ? t1 - per * (double)r1 : 0;
        brute = rest + per * (double)ranges;
        printf("  brute force: stride %u: %llu ranges in %.1f ms; stride %u: %llu ranges in %.1f ms; "
               "%.3f ms a range; whole search %.1f s (%.0f ms/MiB); fast/brute ratio 1:%.0f\n",
               stride, (unsigned long long)r1, t1 * 1e3, 2 * stride, (unsigned long long)r2, t2 * 1e3,
               per * 1e3, brute, brute * 1e3 * (1 << 20) / bytes, fast > 0 ? brute / fast : 0);
    }
    free(t);
}

int main(int argc, char **argv)
{
    int i, repeat = 3;
    unsigned stride = 0;
    for (i = 1; i < argc; i++) {
        if (i + 1 < argc && strcmp(argv[i], "-r") == 0) {
            repeat = atoi(argv[++i]);
        } else if (i + 1 < argc && strcmp(argv[i], "-B") == 0) {
            stride = (unsigned)atoi(argv[++i]);
        } else if (i + 1 < argc && strcmp(argv[i], "-R") == 0) {
            unsigned long long seed, bytes;
            unsigned k;
            ecu_learn *l = ecu_learn_new();
            char name[64];
            if (!l || sscanf(argv[++i], "%llu:%llu:%u", &seed, &bytes, &k) != 3 || !k ||
                add_synthetic(l, seed, (size_t)bytes, k))
                return 2;
            snprintf(name, sizeof name, "synthetic seed %llu, %u x %llu bytes", seed, k, bytes);
            group(l, name, (double)bytes * k, repeat < 1 ? 1 : repeat, stride);
            ecu_learn_free(l);
        } else if (strcmp(argv[i], "-G") == 0) {
            ecu_learn *l = ecu_learn_new();
            ecu_image *img = ecu_image_new();
            double bytes = 0;
            int n = 0;
            char name[64];
            if (!l || !img)
                return 2;
            for (i++; i < argc && strcmp(argv[i], "--") != 0; i++) {
                if (ecu_image_load_file(img, argv[i]) != ECU_OK ||
                    ecu_learn_add(l, ecu_image_data(img), ecu_image_size(img), argv[i]) != ECU_OK) {
                    fprintf(stderr, "%s: cannot load\n", argv[i]);
                    continue;
                }
                bytes += (double)ecu_image_size(img);
                n++;
            }
            snprintf(name, sizeof name, "group of %d files", n);
            if (n)
                group(l, name, bytes, repeat < 1 ? 1 : repeat, stride);
            ecu_image_free(img);
            ecu_learn_free(l);
        } else {
            fprintf(stderr, "usage: learn_bench [-r N] [-B STRIDE] (-R SEED:BYTES:K | -G FILE... --)...\n");
            return 2;
        }
    }
    return 0;
}
