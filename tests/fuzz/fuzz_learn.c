/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: learning (ecu/discover.h, ecu_learn_*). The first byte picks the number of
 * images (1 to 4) and the bound; the rest is cut into that many images of one size (each a
 * heap buffer of its exact size, so a read past it is caught). Every kept block holds in all
 * the images with a chance below the bound, and a layout written from them parses and
 * verifies every image it was learnt from.
 */
#include <ecu/csum.h>
#include <ecu/discover.h>
#include <ecu/layout.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const double bounds[] = {1e-6, 1e-3, 0.5, 1.0};
    ecu_learn *l;
    uint8_t *img[4] = {NULL, NULL, NULL, NULL};
    size_t k, n, i, need = 0;
    double bound;
    char *text = NULL;
    if (size < 2)
        return 0;
    k = 1 + (data[0] & 3);
    bound = bounds[(data[0] >> 2) & 3];
    n = (size - 1) / k;
    if (!n || !(l = ecu_learn_new()))
        return 0;
    if (ecu_learn_set_bound(l, bound) != ECU_OK)
        abort();
    for (i = 0; i < k; i++) {
        if (!(img[i] = malloc(n)))
            goto out;
        memcpy(img[i], data + 1 + i * n, n);
        if (ecu_learn_add(l, img[i], n, "fuzz") != ECU_OK)
            goto out;
    }
    if (ecu_learn_run(l) != ECU_OK)
        abort();
    for (i = 0; i < ecu_learn_count(l); i++) {
        const ecu_learned *b = ecu_learn_at(l, i);
        if (b->files != k || !(b->chance < bound) || !b->records ||
            (b->from_table && (b->records > 1024 || !b->stride)))
            abort();
    }
    if (ecu_learn_count(l) && ecu_learn_layout(l, "fz", NULL, 0, &need) == ECU_ERR_INVALID && need &&
        (text = malloc(need)) != NULL && ecu_learn_layout(l, "fz", text, need, NULL) == ECU_OK) {
        ecu_layout *lay = ecu_layout_new();
        ecu_csum *cs = ecu_csum_new();
        if (!lay || !cs || ecu_layout_parse(lay, text, strlen(text)) != ECU_OK ||
            ecu_csum_set_layout(cs, lay) != ECU_OK)
            abort(); /* a learnt layout parses */
        for (i = 0; i < k; i++)
            if (ecu_csum_analyze(cs, img[i], n) != ECU_OK || ecu_csum_verdict(cs) != ECU_VERDICT_OK)
                abort(); /* and verifies every image it was learnt from */
        ecu_layout_free(lay);
        ecu_csum_free(cs);
    }
out:
    free(text);
    for (i = 0; i < 4; i++)
        free(img[i]);
    ecu_learn_free(l);
    return 0;
}
