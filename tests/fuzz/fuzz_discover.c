/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: checksum discovery (ecu/discover.h). The first byte picks the bound and the
 * kinds; the rest is the image (a heap buffer of its exact size, so a read past it is caught).
 * Every finding lies inside the image, holds the value its slot holds, is below the bound, and
 * either writes an ecu-layout(5) block that parses and verifies, or is refused as a form the
 * layout cannot express.
 */
#include <ecu/csum.h>
#include <ecu/discover.h>
#include <ecu/layout.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t rd(const uint8_t *p, unsigned n, int be)
{
    uint64_t v = 0;
    unsigned i;
    for (i = 0; i < n; i++)
        v |= (uint64_t)p[be ? i : n - 1 - i] << (8 * (n - 1 - i));
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const double bounds[] = {1e-6, 1e-3, 0.5, 1.0};
    ecu_discover *d = ecu_discover_new();
    uint8_t *img;
    size_t n, i;
    if (!d || !size) {
        ecu_discover_free(d);
        return 0;
    }
    n = size - 1;
    img = malloc(n ? n : 1);
    if (!img) {
        ecu_discover_free(d);
        return 0;
    }
    memcpy(img, data + 1, n);
    if (ecu_discover_set_bound(d, bounds[data[0] & 3]) != ECU_OK ||
        ecu_discover_set_kinds(d, ((data[0] >> 2) & 7) ? (data[0] >> 2) & 7 : ECU_DISCOVER_ALL) != ECU_OK)
        abort();
    if (data[0] & 0x20)
        ecu_discover_add_constant(d, rd(data, size >= 4 ? 4 : (unsigned)size, 1), 32);
    if (ecu_discover_run(d, img, n) != ECU_OK)
        abort();
    for (i = 0; i < ecu_discover_finding_count(d); i++) {
        const ecu_finding *f = ecu_discover_finding_at(d, i);
        char text[1024];
        int len;
        if (f->start > f->end || f->end >= n || f->store_offset + f->store_bytes > n ||
            !(f->expected < bounds[data[0] & 3]) || !f->candidates || !f->algorithm[0])
            abort();
        if (rd(img + f->store_offset, f->store_bytes, f->store_big_endian) != f->stored)
            abort();
        len = snprintf(text, sizeof text, "layout fuzz\n");
        if (ecu_discover_layout_block(f, "f", text + len, sizeof text - (size_t)len) == ECU_OK) {
            ecu_layout *l = ecu_layout_new();
            ecu_csum *cs = ecu_csum_new();
            if (!l || !cs || ecu_layout_parse(l, text, strlen(text)) != ECU_OK ||
                ecu_csum_set_layout(cs, l) != ECU_OK || ecu_csum_analyze(cs, img, n) != ECU_OK ||
                ecu_csum_verdict(cs) != ECU_VERDICT_OK)
                abort(); /* a finding is a layout that verifies */
            ecu_layout_free(l);
            ecu_csum_free(cs);
        } else if (f->form != ECU_DISCOVER_SELFSUM && f->form != ECU_DISCOVER_BALANCE) {
            abort();
        }
    }
    ecu_discover_free(d);
    free(img);
    return 0;
}
