/* SPDX-License-Identifier: MIT */
/* The checksum block list and the block constructors (core/blk.h). */
#include "blk.h"

#include <stdlib.h>

#include "ecu/error.h"

int ecu__blk_add(struct blk_list *l, const struct blk *b)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        void *q = realloc(l->v, cap * sizeof *l->v);
        if (!q)
            return ECU_ERR_NOMEM;
        l->v = q;
        l->cap = cap;
    }
    l->v[l->n++] = *b;
    return ECU_OK;
}
