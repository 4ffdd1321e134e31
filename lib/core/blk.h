/* SPDX-License-Identifier: MIT */
/*
 * Checksum blocks as data (core): what a family lays out and the checksum engine (lib/csum.c)
 * verifies and corrects, the growable block list, and the constructors that fill a block of
 * each kind. Families and kits build blocks only through these constructors.
 */
#ifndef ECU_CORE_BLK_H
#define ECU_CORE_BLK_H

#include <stddef.h>
#include <stdint.h>

#include "ecu/checksum.h"
#include "ecu/csum.h"

/* The ranges a block holds: the C167 program-pages sums report the two words of every 8 KiB
   page they add (a 1 MiB Bosch ME7 image: 122 ranges, lib/families/kits/c167.c). */
#define ECU_BLK_MAX_RANGES 128
/* The ranges a block of a layout file holds (ecu-layout(5); Continental Simos security
   headers: up to 16). */
#define ECU_LAYOUT_MAX_RANGES 16

enum blk_kind {
    BK_SUM,     /* sum of words over the ranges, stored (optionally with its complement) */
    BK_SELFSUM, /* the 32-bit word sum of the ranges, slot included, equals `target` */
    BK_CRC,     /* CRC over the ranges, stored */
    BK_CRC_TARGET, /* CRC over one range, slot included, equals `target`; the slot compensates */
    BK_CUSTOM,  /* family-specific computation, stored */
    BK_SIGNATURE, /* a signature: verified by `check`, never recomputed or written */
};

struct blk;
typedef uint64_t (*blk_compute_fn)(const uint8_t *img, size_t size, const struct blk *b);
/* A signature check: non-zero when it verifies; may report a digest prefix in the values. */
typedef int (*blk_check_fn)(const uint8_t *img, size_t size, const struct blk *b,
                            uint64_t *stored, uint64_t *computed);

struct blk {
    char name[64];
    char algo[48];
    enum blk_kind kind;
    ecu_range ranges[ECU_BLK_MAX_RANGES];
    size_t nranges;
    /* BK_SUM and BK_SELFSUM: word size 1/2/4, endianness, accumulator bits, initial value */
    unsigned word_bytes, acc_bits;
    int word_be;
    uint64_t init;
    /* where the value lives: offset, 1/2/4 bytes, endianness; `pair`: its complement follows */
    uint64_t store_off;
    unsigned store_bytes;
    int store_be, pair;
    /* BK_SELFSUM, BK_CRC_TARGET: the constant; the slot at store_off is the compensation word */
    uint64_t target;
    /* BK_CRC, BK_CRC_TARGET: the parameters, held by value */
    ecu_crc_params crc;
    /* BK_CUSTOM */
    blk_compute_fn compute;
    /* BK_SIGNATURE: the check, and where the signature lies (store_off, sig_bytes) */
    blk_check_fn check;
    unsigned sig_bytes;
};

struct blk_list {
    struct blk *v;
    size_t n, cap;
};

/* Appends a block; returns ECU_OK or ECU_ERR_NOMEM. */
int ecu__blk_add(struct blk_list *l, const struct blk *b);

#endif
