/* SPDX-License-Identifier: MIT */
/*
 * The family registry: one descriptor per ECU family (lib/families/NAME.c), in one ordered
 * table (lib/families/registry.c). A family detects its images with a score and lays out
 * their checksum blocks as data; lib/csum.c verifies and corrects any layout.
 */
#ifndef ECU_FAMILY_PRIVATE_H
#define ECU_FAMILY_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "ecu/checksum.h"
#include "ecu/csum.h"

#define ECU_BLK_MAX_RANGES 8

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

/*
 * The first occurrence of @p pat (@p m bytes) in @p hay (@p n bytes), or NULL: memchr on the
 * pattern's byte (not 0x00 or 0xFF, when it has another) that is rarest in four samples of
 * the haystack, then a compare. Several
 * times faster than glibc's memmem on megabytes of code and fill.
 */
const uint8_t *ecu__memfind(const uint8_t *hay, size_t n, const void *pat, size_t m);
/* The index of the byte of @p pat to search for: a literal byte (mask 0xFF, or any with
   @p mask NULL) that is rarest in samples of @p hay, not 0x00 or 0xFF when there is another;
   @p m when the pattern has no literal byte. */
size_t ecu__anchor(const uint8_t *hay, size_t n, const uint8_t *pat, const uint8_t *mask, size_t m);

/* Bounds-checked little/big-endian reads of the image (0 beyond the end). */
uint32_t ecu__rd32(const uint8_t *d, size_t n, uint64_t off, int be);
uint16_t ecu__rd16(const uint8_t *d, size_t n, uint64_t off, int be);

struct family {
    ecu_family_info info;
    size_t min_size, max_size;
    /* Score 0-100 that the image belongs here (>= ECU_DETECT_MIN claims it), with evidence. */
    unsigned (*detect)(const uint8_t *d, size_t n, char *evidence, size_t evsz);
    /* The checksum blocks of the image, or NULL when the family has no known layout. */
    int (*layout)(const uint8_t *d, size_t n, struct blk_list *out);
    /* Optional: after verification, whether the verified blocks fit this layout at all (0:
       they are another layout, reported as no-layout rather than as a damaged file). */
    int (*accept)(size_t nblocks, const ecu_block *verified);
};

#define ECU_DETECT_MIN 50

extern const struct family *const ecu__families[];
extern const size_t ecu__nfamilies;

/* The families, each in lib/families/NAME.c */
extern const struct family ecu__family_bosch_edc15;
extern const struct family ecu__family_bosch_edc16;
extern const struct family ecu__family_bosch_edc17;
extern const struct family ecu__family_bosch_me7_vag;
extern const struct family ecu__family_bosch_me7_volvo;
extern const struct family ecu__family_bosch_m1x_bmw;
extern const struct family ecu__family_bosch_dme_bmw;
extern const struct family ecu__family_bosch_m43_volvo;
extern const struct family ecu__family_bosch_m44_volvo;
extern const struct family ecu__family_bosch_m3x_m5x;

#endif
