/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the comparer and its diagnoses. The input is split into 2-5 reads: the first
 * byte gives the count and options, the rest is cut into equal parts whose sizes the second
 * byte varies, so sizes differ as they do in real reads.
 */
#include <ecu/cmp.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *reads[5];
    size_t sizes[5], n, i, part, at = 2;
    ecu_cmp *c;
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
    if (!(c = ecu_cmp_new()))
        return 0;
    ecu_cmp_set_gap(c, data[0] >> 4);
    if (data[0] & 8)
        ecu_cmp_add_ignore(c, part / 4, part / 2 + 1);
    if (ecu_cmp_run(c, n, reads, sizes) == ECU_OK) {
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
