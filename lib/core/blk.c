/* SPDX-License-Identifier: MIT */
/* The checksum block list and the block constructors (core/blk.h). */
#include "blk.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecu/error.h"

#define BLK_LIST_FIRST 128

int ecu__blk_add(struct blk_list *l, const struct blk *b)
{
    if (l->n == l->cap) {
        /* a block is over 2 KiB (its ranges): the list starts large enough for a whole ME7
           layout, in memory that is mapped (not copied from smaller lists, whose pages a
           one-file process would fault in once more); pages no block reaches stay untouched */
        size_t cap = l->cap ? l->cap * 2 : BLK_LIST_FIRST;
        void *q = realloc(l->v, cap * sizeof *l->v);
        if (!q)
            return ECU_ERR_NOMEM;
        l->v = q;
        l->cap = cap;
    }
    l->v[l->n++] = *b;
    return ECU_OK;
}

void ecu__blk_init(struct blk *b, const char *algo, const char *name_fmt, ...)
{
    va_list ap;
    memset(b, 0, sizeof *b);
    snprintf(b->algo, sizeof b->algo, "%s", algo);
    va_start(ap, name_fmt);
    vsnprintf(b->name, sizeof b->name, name_fmt, ap);
    va_end(ap);
}

void ecu__blk_algo(struct blk *b, const char *algo_fmt, ...)
{
    va_list ap;
    va_start(ap, algo_fmt);
    vsnprintf(b->algo, sizeof b->algo, algo_fmt, ap);
    va_end(ap);
}

int ecu__blk_range(struct blk *b, uint64_t start, uint64_t end)
{
    if (b->nranges >= ECU_BLK_MAX_RANGES)
        return 0;
    b->ranges[b->nranges].start = start;
    b->ranges[b->nranges].end = end;
    b->nranges++;
    return 1;
}

void ecu__blk_store(struct blk *b, uint64_t off, unsigned bytes, int be, int pair)
{
    b->store_off = off;
    b->store_bytes = bytes;
    b->store_be = be;
    b->pair = pair;
}

void ecu__blk_sum(struct blk *b, unsigned word_bytes, int word_be, unsigned acc_bits,
                  uint64_t init)
{
    b->kind = BK_SUM;
    b->word_bytes = word_bytes;
    b->word_be = word_be;
    b->acc_bits = acc_bits;
    b->init = init;
}

void ecu__blk_selfsum(struct blk *b, int word_be, uint64_t init, uint64_t target)
{
    b->kind = BK_SELFSUM;
    b->word_bytes = 4;
    b->word_be = word_be;
    b->acc_bits = 32;
    b->init = init;
    b->target = target;
}

void ecu__blk_crc(struct blk *b, const ecu_crc_params *p)
{
    b->kind = BK_CRC;
    b->crc = *p;
}

void ecu__blk_crc_target(struct blk *b, const ecu_crc_params *p, uint64_t target)
{
    b->kind = BK_CRC_TARGET;
    b->crc = *p;
    b->target = target;
}

void ecu__blk_custom(struct blk *b, blk_compute_fn f)
{
    b->kind = BK_CUSTOM;
    b->compute = f;
}

void ecu__blk_signature(struct blk *b, blk_check_fn f, uint64_t off, unsigned bytes)
{
    b->kind = BK_SIGNATURE;
    b->check = f;
    b->store_off = off;
    b->sig_bytes = bytes;
}

void ecu__blk_resign(struct blk *b, blk_resign_fn f, uint64_t key_off, unsigned key_bytes)
{
    b->resign = f;
    b->key_off = key_off;
    b->key_bytes = key_bytes;
}
