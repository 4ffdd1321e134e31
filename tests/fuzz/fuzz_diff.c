/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the structure diff. The input is a 4-byte header and an image. Header byte 0
 * chooses the gap; byte 1 the mode: even, the original is the image and the modified image
 * is a copy with pseudo-random edits (their number byte 2, their places from bytes 2-3),
 * grown or shrunk by a few bytes when bit 1 or 2 is set; odd, the image is cut in two and
 * the halves are compared. Every region must be in offset order, apart from the others, start
 * and end on a differing byte and hold as many differing bytes as it says; the regions must
 * hold every differing byte; the class counts must add up; a map only in calibration, holding
 * the region's first byte and lying in the original.
 */
#include <ecu/diff.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int differs(const uint8_t *a, size_t na, const uint8_t *b, size_t nb, uint64_t i)
{
    return i >= na || i >= nb || a[i] != b[i];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint64_t gaps[8] = {0, 1, 2, 7, 16, 17, 255, UINT64_MAX};
    const uint8_t *o;
    uint8_t *m = NULL;
    size_t no, nm, i, total = 0, nclass = 0;
    uint64_t last_end = 0, bytes_sum = 0, counted = 0;
    ecu_diff *df;
    if (size < 4)
        return 0;
    o = data + 4;
    no = size - 4;
    if (data[1] & 1) {
        nm = no / 2 + (data[1] >> 4);
        if (nm > no)
            nm = no;
        m = malloc(nm ? nm : 1);
        if (!m)
            return 0;
        memcpy(m, o + no - nm, nm);
        no -= nm;
    } else {
        uint32_t x = (uint32_t)data[2] << 8 | data[3] | 1;
        unsigned k, edits = data[2];
        nm = no + ((data[1] & 2) ? 5 : 0) - ((data[1] & 4) && no >= 3 ? 3 : 0);
        m = calloc(nm ? nm : 1, 1);
        if (!m)
            return 0;
        memcpy(m, o, no < nm ? no : nm);
        for (k = 0; k < edits && nm; k++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            m[x % nm] ^= (uint8_t)(x >> 24 | 1);
        }
    }
    if (!(df = ecu_diff_new())) {
        free(m);
        return 0;
    }
    ecu_diff_set_gap(df, gaps[data[0] & 7]);
    if (ecu_diff_run(df, o, no, m, nm) == ECU_OK) {
        for (i = 0; i < (no > nm ? no : nm); i++)
            total += (size_t)differs(o, no, m, nm, i);
        if (strlen(ecu_diff_fingerprint(df, 0)) != 32 || strlen(ecu_diff_fingerprint(df, 1)) != 32 ||
            ecu_diff_size(df, 0) != no || ecu_diff_size(df, 1) != nm ||
            ecu_diff_identical(df) != (total == 0 && no == nm))
            abort();
        for (i = 0; i < ecu_diff_region_count(df); i++) {
            const ecu_diff_region *r = ecu_diff_region_at(df, i);
            uint64_t k, d = 0;
            if (!r || !r->what || !r->length || (unsigned)r->cls >= ECU_REGION_CLASS_COUNT ||
                (i && r->start < last_end) || !differs(o, no, m, nm, r->start) ||
                !differs(o, no, m, nm, r->start + r->length - 1))
                abort();
            for (k = r->start; k < r->start + r->length; k++)
                d += (uint64_t)differs(o, no, m, nm, k);
            if (d != r->differing)
                abort();
            if (r->has_map &&
                (r->cls != ECU_REGION_CALIBRATION || r->map.start > r->start ||
                 r->map.end <= r->start || r->map.end > no || r->map.table < r->map.start ||
                 r->map.table >= r->map.end || (r->map.cell_bytes != 1 && r->map.cell_bytes != 2)))
                abort();
            last_end = r->start + r->length;
            counted += d;
        }
        if (counted != total)
            abort();
        for (i = 0; i < ECU_REGION_CLASS_COUNT; i++) {
            uint64_t b;
            nclass += ecu_diff_class_count(df, (ecu_region_class)i, &b);
            bytes_sum += b;
        }
        if (nclass != ecu_diff_region_count(df) || bytes_sum != total || !ecu_diff_region_at(df, 0) != !total)
            abort();
    }
    ecu_diff_free(df);
    free(m);
    return 0;
}
