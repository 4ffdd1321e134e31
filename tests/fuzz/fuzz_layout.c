/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the layout parser (ecu-layout(5)), then, when the text parses, the analysis
 * and correction of small images with it. A parse either succeeds or names a line and column
 * inside the text; an analysis never reads outside the image (the images are heap buffers of
 * their exact size); a correction either verifies afterwards with only slot bytes changed, or
 * leaves the copy as it was.
 */
#include <ecu/csum.h>
#include <ecu/layout.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_image(ecu_csum *cs, size_t n, const uint8_t *seed, size_t seedn)
{
    uint8_t *img = malloc(n ? n : 1), *before = malloc(n ? n : 1);
    size_t i, got;
    if (!img || !before) {
        free(img);
        free(before);
        return;
    }
    for (i = 0; i < n; i++)
        img[i] = (uint8_t)(i * 37 + 11) ^ (seedn ? seed[i % seedn] : 0);
    if (ecu_csum_analyze(cs, img, n) == ECU_OK) {
        ecu_verdict v = ecu_csum_verdict(cs);
        for (i = 0; i < ecu_csum_block_count(cs); i++) {
            const ecu_block *b = ecu_csum_block_at(cs, i);
            if (!b->name || !b->algorithm)
                abort();
        }
        if (v == ECU_VERDICT_BAD) {
            memcpy(before, ecu_csum_image(cs, &got), n);
            if (ecu_csum_fix(cs) == ECU_OK) {
                const uint8_t *out = ecu_csum_image(cs, &got);
                if (ecu_csum_verdict(cs) != ECU_VERDICT_FIXED || ecu_csum_bad_count(cs))
                    abort();
                for (i = 0; i < n; i++) {
                    size_t k;
                    int slot = 0;
                    if (out[i] == before[i])
                        continue;
                    for (k = 0; k < ecu_csum_block_count(cs); k++) {
                        const ecu_block *b = ecu_csum_block_at(cs, k);
                        slot |= i >= b->store_offset && i - b->store_offset < b->store_bytes;
                    }
                    if (!slot)
                        abort(); /* only checksum slots may change */
                }
            } else if (memcmp(before, ecu_csum_image(cs, &got), n) != 0) {
                abort(); /* a refused fix must leave the copy as it was */
            }
        } else if (v == ECU_VERDICT_UNKNOWN && ecu_csum_fix(cs) != ECU_ERR_INVALID) {
            abort(); /* a layout that does not apply corrects nothing */
        }
    }
    free(img);
    free(before);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t sizes[] = {0, 1, 7, 64, 256, 1024};
    ecu_layout *l = ecu_layout_new();
    ecu_csum *cs = ecu_csum_new();
    size_t i;
    int rc;
    if (!l || !cs)
        goto out;
    rc = ecu_layout_parse(l, (const char *)data, size);
    if (rc == ECU_ERR_SYNTAX) {
        if (!ecu_layout_error_line(l) || !ecu_layout_error_column(l) || !ecu_layout_error(l)[0] ||
            ecu_layout_name(l))
            abort();
        goto out;
    }
    if (rc != ECU_OK)
        goto out;
    if (!ecu_layout_name(l) || !ecu_layout_block_count(l) || ecu_csum_set_layout(cs, l) != ECU_OK)
        abort();
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        check_image(cs, sizes[i], data, size);
out:
    ecu_layout_free(l);
    ecu_csum_free(cs);
    return 0;
}
