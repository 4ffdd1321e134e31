/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: family detection, layout, verification and correction. Any image must be
 * analysed without reading outside it; a fix must either succeed with an image that then
 * verifies, or leave the copy unchanged.
 */
#include <ecu/csum.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ecu_csum *cs = ecu_csum_new();
    size_t i, n;
    if (!cs)
        return 0;
    if (ecu_csum_analyze(cs, data, size) == ECU_OK) {
        ecu_verdict v = ecu_csum_verdict(cs);
        for (i = 0; i < ecu_csum_block_count(cs); i++) {
            const ecu_block *b = ecu_csum_block_at(cs, i);
            if (!b->name || !b->algorithm)
                abort();
        }
        if (v == ECU_VERDICT_BAD) {
            uint8_t *before = malloc(size ? size : 1);
            const uint8_t *img = ecu_csum_image(cs, &n);
            memcpy(before, img, size);
            if (ecu_csum_fix(cs) == ECU_OK) {
                if (ecu_csum_verdict(cs) != ECU_VERDICT_FIXED || ecu_csum_bad_count(cs))
                    abort();
            } else if (memcmp(before, ecu_csum_image(cs, &n), size) != 0) {
                abort(); /* a refused fix must leave the copy as it was */
            }
            free(before);
        }
    }
    ecu_csum_free(cs);
    return 0;
}
