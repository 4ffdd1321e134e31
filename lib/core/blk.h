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
    BK_SIGNATURE, /* a signature: verified by `check`; written only by `resign`, with a key the
                     caller gave (the public key then rewritten in the image too) */
};

struct blk;
typedef uint64_t (*blk_compute_fn)(const uint8_t *img, size_t size, const struct blk *b);
/* A signature check: non-zero when it verifies; may report a digest prefix in the values. */
typedef int (*blk_check_fn)(const uint8_t *img, size_t size, const struct blk *b,
                            uint64_t *stored, uint64_t *computed);
struct ecu__rsa_key;
/* A signature made anew: @p key's public key written at key_off (key_bytes), and the
   signature of the image made with it at store_off; ECU_OK, or ECU_ERR_UNFIXABLE (and the
   image unchanged) when the key does not fit the image's check (another size or exponent). */
typedef int (*blk_resign_fn)(uint8_t *img, size_t size, const struct blk *b,
                             const struct ecu__rsa_key *key);

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
    /* BK_SIGNATURE whose public key lies in the image: how to sign anew, and where the key
       lies (only with a key given to the checksum handle: ecu_csum_set_resign_key) */
    blk_resign_fn resign;
    uint64_t key_off;
    unsigned key_bytes;
};

struct blk_list {
    struct blk *v;
    size_t n, cap;
};

/* Appends a block; returns ECU_OK or ECU_ERR_NOMEM. */
int ecu__blk_add(struct blk_list *l, const struct blk *b);

/*
 * The block constructors: a family builds every block with them, never by hand:
 *
 *     struct blk b;
 *     ecu__blk_init(&b, "sum8, 16 bits, BE16", "region 0x%X-0x%X", s, e - 1);
 *     ecu__blk_sum(&b, 1, 0, 16, 0);
 *     ecu__blk_range(&b, s, e);
 *     ecu__blk_store(&b, e, 2, 1, 0);
 *     if ((err = ecu__blk_add(out, &b)) != ECU_OK)
 *         return err;
 */

/* A block with no kind, range or slot yet: its algorithm text @p algo and its name from the
   printf format @p name_fmt (both cut to their fields' sizes). */
void ecu__blk_init(struct blk *b, const char *algo, const char *name_fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The algorithm text, replaced (printf format). */
void ecu__blk_algo(struct blk *b, const char *algo_fmt, ...) __attribute__((format(printf, 2, 3)));
/* Adds the range [@p start, @p end); 0 (and nothing added) when the block holds
   ECU_BLK_MAX_RANGES already, else 1. */
int ecu__blk_range(struct blk *b, uint64_t start, uint64_t end);
/* Where the value lives: @p bytes (1, 2, 4 or 8) at @p off, big-endian when @p be; with
   @p pair its complement follows it. */
void ecu__blk_store(struct blk *b, uint64_t off, unsigned bytes, int be, int pair);

/* BK_SUM: the @p word_bytes-wide words (1, 2, 4; big-endian when @p word_be) of the ranges
   added to @p init in @p acc_bits bits. */
void ecu__blk_sum(struct blk *b, unsigned word_bytes, int word_be, unsigned acc_bits,
                  uint64_t init);
/* BK_SELFSUM: @p init plus the 32-bit words (big-endian when @p word_be) of the ranges, slot
   included, equals @p target; the slot (store_off) is the compensation word. */
void ecu__blk_selfsum(struct blk *b, int word_be, uint64_t init, uint64_t target);
/* BK_CRC: the CRC @p p of the ranges, stored. */
void ecu__blk_crc(struct blk *b, const ecu_crc_params *p);
/* BK_CRC_TARGET: the CRC @p p of the one range, slot included, equals @p target. */
void ecu__blk_crc_target(struct blk *b, const ecu_crc_params *p, uint64_t target);
/* BK_CUSTOM: the value is @p f's computation. */
void ecu__blk_custom(struct blk *b, blk_compute_fn f);
/* BK_SIGNATURE: @p bytes at @p off verified by @p f, never written. */
void ecu__blk_signature(struct blk *b, blk_check_fn f, uint64_t off, unsigned bytes);
/* A BK_SIGNATURE checked with a public key that lies in the image (@p key_bytes at
   @p key_off): @p f makes it anew with a key pair of the caller's (a new public key written
   there, the signature made with it). */
void ecu__blk_resign(struct blk *b, blk_resign_fn f, uint64_t key_off, unsigned key_bytes);

#endif
