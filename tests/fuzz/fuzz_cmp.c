/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the comparer and its diagnoses. The input is split into 2-5 reads: the first
 * byte gives the count and options, the rest is cut into equal parts whose sizes the second
 * byte varies, so sizes differ as they do in real reads. Each input is compared twice, once
 * keeping the ranges and once streaming them to a sink: both must give the same ranges.
 */
#include <ecu/cmp.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct streamed {
    ecu_cmp_range *r;
    size_t n, cap;
};

static int keep(void *ctx, const ecu_cmp_range *g, size_t count)
{
    struct streamed *s = ctx;
    if (!count)
        abort(); /* a batch is never empty */
    if (s->n + count > s->cap) {
        size_t cap = (s->n + count) * 2;
        ecu_cmp_range *q = realloc(s->r, cap * sizeof *q);
        if (!q)
            return 1;
        s->r = q;
        s->cap = cap;
    }
    memcpy(s->r + s->n, g, count * sizeof *g);
    s->n += count;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* small gaps, the default (unrolled in the comparison), the word-size edges, huge ones */
    static const uint64_t gaps[16] = {0, 1, 2, 3, 5, 8, 15, 16, 16, 17, 31, 62, 63, 64, 1000, UINT64_MAX};
    const uint8_t *reads[5];
    size_t sizes[5], n, i, part, at = 2;
    ecu_cmp *c, *sc;
    struct streamed st = {NULL, 0, 0};
    int rc;
    char text[256];
    if (size < 2)
        return 0;
    n = 2 + data[0] % 4;
    part = (size - 2) / n;
    for (i = 0; i < n; i++) {
        size_t cut = (data[1] >> i) & 1 ? part / 2 : 0;
        reads[i] = data + at;
        sizes[i] = part - cut;
        at += part;
    }
    c = ecu_cmp_new();
    sc = ecu_cmp_new();
    if (!c || !sc) {
        ecu_cmp_free(c);
        ecu_cmp_free(sc);
        return 0;
    }
    ecu_cmp_set_gap(c, gaps[data[0] >> 4]);
    ecu_cmp_set_gap(sc, gaps[data[0] >> 4]);
    if (data[0] & 8) {
        ecu_cmp_add_ignore(c, part / 4, part / 2 + 1);
        ecu_cmp_add_ignore(sc, part / 4, part / 2 + 1);
    }
    ecu_cmp_set_diagnose(sc, 0);
    ecu_cmp_set_range_sink(sc, keep, &st);
    rc = ecu_cmp_run(c, n, reads, sizes);
    if (ecu_cmp_run(sc, n, reads, sizes) == ECU_OK && rc == ECU_OK) {
        if (st.n != ecu_cmp_range_count(c) || ecu_cmp_range_count(sc) != st.n ||
            ecu_cmp_range_at(sc, 0) != NULL)
            abort();
        for (i = 0; i < st.n; i++)
            if (memcmp(&st.r[i], ecu_cmp_range_at(c, i), sizeof st.r[i]) != 0)
                abort();
    }
    free(st.r);
    ecu_cmp_free(sc);
    if (rc == ECU_OK) {
        size_t cs;
        int err;
        const uint8_t *cons = ecu_cmp_consensus(c, &cs, &err);
        for (i = 0; i < ecu_cmp_range_count(c); i++) {
            const ecu_cmp_range *r = ecu_cmp_range_at(c, i);
            if (!r->length || r->differing > r->length)
                abort();
        }
        for (i = 0; i < ecu_cmp_diag_count(c); i++)
            ecu_cmp_diag_describe(ecu_cmp_diag_at(c, i), text, sizeof text);
        if (ecu_cmp_identical(c) && ecu_cmp_differing(c))
            abort();
        if (cons && cs)
            text[0] = (char)cons[cs - 1];
    }
    ecu_cmp_free(c);
    return 0;
}
