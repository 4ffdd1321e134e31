/* SPDX-License-Identifier: MIT */
/* The Denso kit (kits/denso.h). */
#include "denso.h"

#include "ecu/checksum.h"

/* diff = 0x5AA5A55A - the sum of the BE32 words of the block */
static uint64_t denso_diff(const uint8_t *img, size_t size, const struct blk *b)
{
    uint64_t s = ecu_sum_words(img + b->ranges[0].start,
                               (size_t)(b->ranges[0].end - b->ranges[0].start), 4, 1, 0, 32);
    (void)size;
    return (uint32_t)(ECU_DENSO_TOTAL - (uint32_t)s);
}

void ecu__denso_rec(struct blk *b, uint64_t start, uint64_t end, uint64_t store)
{
    ecu__blk_custom(b, denso_diff);
    ecu__blk_range(b, start, end);
    ecu__blk_store(b, store, 4, 1, 0);
}
