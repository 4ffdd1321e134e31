/* SPDX-License-Identifier: MIT */
/**
 * @file ecu/discover.h
 * Checksum discovery: searches one image, with no family knowledge, for stored values that
 * equal a checksum of a range of the image, and for ranges whose sum reaches a constant.
 *
 * Algorithms: sums of 8-, 16- and 32-bit words (little- and big-endian) into 16 or 32 bits;
 * the CRC-16 and CRC-32 models of the CRC catalogue. Forms: a value stored alone, a value
 * followed by its one's complement, a balance word outside the range (the range's sum plus the
 * word reaches a constant), and a self-sum (the range's words, its compensation word included,
 * add up to a constant). Constants: 0, 0xFFFF and 0x5AA5 (16 bits); 0, 0xFFFFFFFF, 0x5AA5A55A,
 * 0x5AA55AA5, 0xD01FE500 and 0xCAFEAFFE (32 bits); and those the caller adds.
 *
 * Candidate ranges come from three sources (tiers): pairs of 32-bit words of the image that
 * read as a start and an end address inside it (a table record; the value is looked for right
 * after the pair; records in tables first, then those with word-aligned bounds, each group
 * counted apart); ranges between aligned block boundaries; ranges that start after or end
 * before an erased run (0xFF or 0x00). Each candidate is computed in constant time after one
 * pass over the image (prefix sums; CRCs combined in GF(2)). And chains of 2 to 4 consecutive
 * address pairs (8 bytes apart, one byte order and base, ranges of whole 16-bit words, each
 * after the previous one): the word sums of their ranges' union into 32 bits, compared with
 * every value-complement pair of the image (a free slot: its class counts each pair as a
 * candidate, and only the value's 32 bits as evidence), and, plus a seed (0, 0xFFFFFFFF,
 * 0xA5A5A5A5, 0x5AA5A55A, 0x5AA55AA5, or the 32-bit word stored after or before the slot),
 * with the 32-bit values up to 32 bytes before or after the pairs.
 *
 * CRCs reaching a constant (form ECU_DISCOVER_CRC_TARGET, table records only): the CRC-32 of
 * a record's range, its last word (the compensation word) included, equals a constant: the
 * 32-bit constants above or one of the two 32-bit words that follow the record's address pair
 * (an expected value stored in the record). CRCs: the CRC-32 models of the catalogue, and the
 * reflected CRC-32 register (poly 0x04C11DB7 reflected) started from a seed: 0, 0xFFFFFFFF, or
 * one of those two words of the record, with no final xor or with 0xFFFFFFFF (the Bosch
 * EDC17/MED17 checksum structure: start, end, seed 0xFADECAFE, expected value 0xCAFEAFFE; the
 * register starts at the seed and the final xor applies: zlib's crc32(0x05213501, range) is
 * 0xCAFEAFFE). Each is one class per CRC, seed and constant; constant time per candidate (the
 * CRC combination).
 *
 * Chance matches: a w-bit checksum of a random range equals a given stored value with
 * probability 2^-w (2^-2w for a value and its complement). Every finding carries the number of
 * candidates tried in its class (one algorithm, form, slot type and constant, in one tier) and
 * the expected number of chance matches in that class (candidates * 2^-w); only findings whose
 * expected count is below the bound are reported. With the default bound (1e-6) a 16-bit value
 * stored alone is never reported (2^-16 > 1e-6); a 16-bit value with its complement is
 * reported only from a class of at most 4294 candidates.
 */
#ifndef ECU_DISCOVER_H
#define ECU_DISCOVER_H

#include <stddef.h>
#include <stdint.h>

#include "ecu/common.h"
#include "ecu/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Algorithm kinds to try (a mask). */
#define ECU_DISCOVER_SUMS 1u     /**< stored sums: alone, with complement, balance words */
#define ECU_DISCOVER_SELFSUMS 2u /**< ranges whose words add up to a constant */
#define ECU_DISCOVER_CRCS 4u     /**< CRC-16 and CRC-32 models */
#define ECU_DISCOVER_ALL 7u

/** The most ranges of one finding or learnt block (a sum or CRC over consecutive table
    records; one image's discovery run chains at most 4). */
#define ECU_DISCOVER_MAX_RANGES 16

/** Default bound on the expected number of chance matches of a finding's class. */
#define ECU_DISCOVER_DEFAULT_BOUND 1e-6
/** Default budget of candidates (range, slot, algorithm) tested in one run. */
#define ECU_DISCOVER_DEFAULT_BUDGET ((uint64_t)1 << 28)

/** How a finding's value is stored. Values are pinned. */
typedef enum ecu_discover_form {
    ECU_DISCOVER_PLAIN = 0,      /**< the checksum alone */
    ECU_DISCOVER_COMPLEMENT = 1, /**< the checksum, then its one's complement */
    ECU_DISCOVER_BALANCE = 2,    /**< a word outside the range: sum + word = constant */
    ECU_DISCOVER_SELFSUM = 3,    /**< the range, its last word included, sums to a constant */
    ECU_DISCOVER_CRC_TARGET = 4, /**< a table record's range, its last 32-bit word (the
                                      compensation word) included, has a CRC-32 equal to a
                                      constant (ecu-layout(5) crc-target, store end-4) */
} ecu_discover_form;

/** Where a finding's range came from. Values are pinned. */
typedef enum ecu_discover_source {
    ECU_DISCOVER_TABLE = 0,   /**< a start/end address pair stored in the image */
    ECU_DISCOVER_ALIGNED = 1, /**< aligned block boundaries */
    ECU_DISCOVER_ERASED = 2,  /**< after or before an erased run */
} ecu_discover_source;

/** One finding. Strings are owned by the handle. */
typedef struct ecu_finding {
    const char *algorithm;  /**< the algorithm statement of ecu-layout(5): "sum u16le acc 32",
                                 "selfsum u32be target 0xD01FE500", "crc crc32", "crc width 16
                                 poly 0x8005 init 0xFFFF refin yes refout yes xorout 0"; for
                                 forms ecu-layout(5) cannot express, the same words
                                 ("selfsum u16be acc 16 target 0x5AA5") */
    const char *model;      /**< the CRC catalogue name ("CRC-32/ISO-HDLC"), "" for sums */
    unsigned kind;          /**< ECU_DISCOVER_SUMS, _SELFSUMS or _CRCS */
    ecu_discover_form form;
    ecu_discover_source source;
    unsigned word_bytes;    /**< sums: 1, 2 or 4 */
    int word_big_endian;    /**< sums: words are big-endian */
    unsigned acc_bits;      /**< sums: 16 or 32; CRCs: the width */
    uint64_t start, end;    /**< the range, end included (as ecu-layout(5) writes it) */
    uint64_t store_offset;  /**< the slot (self-sum: the range's last word) */
    unsigned store_bytes;   /**< 2 or 4 (the complement, when there is one, follows) */
    int store_big_endian;
    uint64_t stored;        /**< the value in the slot */
    uint64_t constant;      /**< balance and self-sum: the constant reached */
    uint64_t table_offset;  /**< TABLE: where the address pair is */
    uint64_t candidates;    /**< candidates tried in the finding's class */
    double expected;        /**< expected chance matches in that class */
    /* a sum over the union of consecutive table records (ECU_DISCOVER_TABLE, nranges > 1) */
    unsigned nranges;       /**< its ranges: 1 (start, end), or 2 to ECU_DISCOVER_MAX_RANGES */
    uint64_t starts[ECU_DISCOVER_MAX_RANGES], ends[ECU_DISCOVER_MAX_RANGES]; /**< the ranges,
                                 ends included; [0] is start, end */
    int free_slot;          /**< the value (with its complement) was matched against every
                                 value-complement pair of the image, not a slot of the record's:
                                 its class counts each pair as a candidate and w is the value's
                                 width alone */
    uint64_t init;          /**< sums: the value the sum starts from (0 but for seeded sums);
                                 ECU_DISCOVER_CRC_TARGET: the CRC's init parameter as
                                 ecu-layout(5) writes it (unreflected: the register 0xFADECAFE
                                 of a reflected CRC is init 0x7F537B5F) */
} ecu_finding;

/** Opaque discovery handle: options in, findings out. */
typedef struct ecu_discover ecu_discover;

/** A new handle with the default bound, budget and all kinds; NULL when out of memory. */
ECU_API ecu_discover *ecu_discover_new(void);
/** Frees the handle and its findings. ecu_discover_free(NULL) does nothing. */
ECU_API void ecu_discover_free(ecu_discover *d);
/** Sets the bound (0 < bound <= 1; ECU_DISCOVER_DEFAULT_BOUND by default). */
ECU_API int ecu_discover_set_bound(ecu_discover *d, double bound);
/** Sets the kinds to try (a non-zero mask of ECU_DISCOVER_*; all by default). */
ECU_API int ecu_discover_set_kinds(ecu_discover *d, unsigned kinds);
/**
 * Sets the budget of candidates tested (0 restores ECU_DISCOVER_DEFAULT_BUDGET). A run that
 * reaches it stops searching and says so through ecu_discover_truncated().
 */
ECU_API int ecu_discover_set_budget(ecu_discover *d, uint64_t max_candidates);
/**
 * Adds a constant that balance words and self-sums may reach, for sums kept to @p bits (16 or
 * 32), besides the built-in ones (at most 16 added; the hook for constants learnt from several
 * images). Returns ECU_OK, ECU_ERR_INVALID or ECU_ERR_TOO_MANY.
 */
ECU_API int ecu_discover_add_constant(ecu_discover *d, uint64_t value, unsigned bits);
/**
 * Searches @p data. Earlier findings are dropped. Returns ECU_OK (whatever was found),
 * ECU_ERR_INVALID (no handle, NULL data with a size) or ECU_ERR_NOMEM.
 */
ECU_API int ecu_discover_run(ecu_discover *d, const uint8_t *data, size_t size);
/** Number of findings of the last run, by tier (table, aligned, erased), then by offset. */
ECU_API size_t ecu_discover_finding_count(const ecu_discover *d);
/** Finding @p i, or NULL when out of range. */
ECU_API const ecu_finding *ecu_discover_finding_at(const ecu_discover *d, size_t i);
/** Candidates tested by the last run, in all classes. */
ECU_API uint64_t ecu_discover_tried(const ecu_discover *d);
/** Non-zero when the last run stopped at the budget (some candidates were not tried). */
ECU_API int ecu_discover_truncated(const ecu_discover *d);
/**
 * Expected number of chance findings in the last run's report: the sum of the expected counts
 * of every class whose count is below the bound.
 */
ECU_API double ecu_discover_expected_false(const ecu_discover *d);
/**
 * Writes @p f as a block of ecu-layout(5) named @p name into @p buf (NUL-terminated). Returns
 * ECU_OK; ECU_ERR_INVALID when the form has no ecu-layout(5) statement (a balance word or
 * self-sum of other than 32-bit words) or @p buf is too small.
 */
ECU_API int ecu_discover_layout_block(const ecu_finding *f, const char *name, char *buf,
                                      size_t size);

/* ---- learning: the blocks that hold in several images of one family ---------------------- */

/**
 * Learning runs discovery on each of k images of one family with a relaxed per-file bound,
 * checks every finding of any image in all the others, and keeps those that hold in all k:
 * the same algorithm, form, range and slot (fixed addresses), or, for a range found through
 * a table record, the same record place, address base and end convention, the range read
 * from the record in each image (written as an ecu-layout(5) table).
 *
 * The rule for the chance of a kept block: under the hypothesis that a block's value is not a
 * checksum, its computed value equals the stored one in an image with probability 2^-w (w the
 * bits compared: the width, twice that with a complement). Images whose slot holds the same
 * value may hold the same bytes, and then repeat a chance match; images whose stored values
 * differ hold different bytes, and each is a new trial. With d distinct stored values among
 * the k images and N the hypotheses tested (k times the largest candidate count of the
 * block's class among the runs that found it), the expected number of chance blocks of the class is
 * N * 2^-(w * d). With the per-file count p = N_i * 2^-w this is at most p^d: the evidence of
 * d differing images multiplies. A block is kept when N * 2^-(w * d) is below the bound; d = 1
 * (every image the same there) is the evidence of one image.
 *
 * Tables. A table record is matched among the images by its two addresses (the first place
 * they occur in each image), so a table that lies at different offsets in different images is
 * still learnt (and written with "records at MARKER"). From its first kept record a table is
 * extended record by record, at the stride of its kept records, while in every image the next
 * record holds, or the image's table has ended (a start address of 0xFFFFFFFF, erased flash),
 * or it is a disabled record: the same bytes in every image that holds one there, valid as the
 * checksum of an empty range (the Denso record 0/0/0x5AA5A55A). A record is taken only when
 * 1024 * 2^-(w * d) is below the bound (d: the distinct values of the images that hold it).
 *
 * Blocks only several images show (images of one size, the address pairs at the same offset
 * in each). A counted CRC table: a CRC of 16 or 32 bits stored right before a 16-bit record
 * count, the count's address pairs (1 to ECU_DISCOVER_MAX_RANGES) after it, the CRC over
 * their ranges as one stream from an unknown init (the BMW MS43 CRC slots). A CRC register is
 * affine in its init, so each image's value calls for exactly one init; the table is kept
 * when every image calls for the same one, with chance N * 2^-(w * (d - 1)) (the first image
 * fixes the init; N: tables times polynomials and reflections; at most 32 such tables). A
 * seeded sum over 2 or more consecutive address pairs (each range at least 16 bytes, not all
 * filler) whose 32-bit value lies at any place of the image, the same in every image, inside
 * no image's ranges, and in some image not a copy of a word of its ranges: N counts every
 * place, and each distinct value's chance of being a word of the image is taken from the
 * image's own words (its high half as often as the first image's words have it, at least
 * 2^-16, times 2^-16), so that small sums among small words are not taken for checksums;
 * chance N times the product over the d distinct values. Both are union blocks (records =
 * the pairs); a counted table's layout checks the image's count word ("counted").
 */
typedef struct ecu_learn ecu_learn;

/** A block learnt from the images. */
typedef struct ecu_learned {
    ecu_finding f;       /**< as found in the first image that found it (stored: its value) */
    size_t files;        /**< images it holds in (all of them) */
    size_t distinct;     /**< distinct stored values among them (d) */
    uint64_t candidates; /**< the hypotheses of its class tested (N) */
    double chance;       /**< N * 2^-(w * d): expected chance blocks like it */
    int from_table;      /**< a table record: the range is read from the record at
                              f.table_offset in each image (f's range: the first image's) */
    uint64_t base;       /**< from_table: subtracted from the record's addresses */
    int end_included;    /**< from_table: the record's end address is the range's last byte */
    size_t records;      /**< from_table: the table's records (f: the first one's) */
    uint64_t stride;     /**< from_table: bytes from one record to the next */
    int moves;           /**< from_table: the table lies at different offsets in the images; it
                              is found by its first record's addresses (a marker) */
    int has_disabled;    /**< from_table: some images hold a disabled record (one byte pattern,
                              valid as an empty range) in place of a checksum record */
    int union_table;     /**< a sum over consecutive records (f.nranges of them, stride 8): the
                              ranges are read from the records in each image (found by the first
                              one's addresses when it moves), one value for them all (written as
                              an ecu-layout(5) table with "union") */
    int slot_from_end;   /**< union_table: the slot lies slot_back bytes before the end of the
                              last range, in each image (else at f.store_offset) */
    uint64_t slot_back;  /**< union_table with slot_from_end */
} ecu_learned;

/** A new learning handle (bound ECU_DISCOVER_DEFAULT_BOUND); NULL when out of memory. */
ECU_API ecu_learn *ecu_learn_new(void);
/** Frees the handle, its images and its blocks. ecu_learn_free(NULL) does nothing. */
ECU_API void ecu_learn_free(ecu_learn *l);
/** Sets the bound on a kept block's chance (0 < bound <= 1). */
ECU_API int ecu_learn_set_bound(ecu_learn *l, double bound);
/**
 * Sets the bound of each image's discovery run (0 < bound <= 1). Default: the bound itself
 * with one image, ECU_LEARN_DEFAULT_FILE_BOUND with more.
 */
ECU_API int ecu_learn_set_file_bound(ecu_learn *l, double bound);
/** Default per-image bound with two images or more: 2^-4. */
#define ECU_LEARN_DEFAULT_FILE_BOUND 0.0625
/**
 * Adds an image (copied) and its label (the file name written in the layout's comments; may
 * be NULL). Returns ECU_OK, ECU_ERR_INVALID or ECU_ERR_NOMEM.
 */
ECU_API int ecu_learn_add(ecu_learn *l, const uint8_t *data, size_t size, const char *label);
/** Learns from the images added. Returns ECU_OK (whatever was kept), ECU_ERR_INVALID (no
    image) or ECU_ERR_NOMEM. */
ECU_API int ecu_learn_run(ecu_learn *l);
/** Number of blocks kept by the last run, in the order of the layout (inner slots first). */
ECU_API size_t ecu_learn_count(const ecu_learn *l);
/** Block @p i, or NULL when out of range. */
ECU_API const ecu_learned *ecu_learn_at(const ecu_learn *l, size_t i);
/** Non-zero when a discovery run of the last learning stopped at its budget or cap. */
ECU_API int ecu_learn_truncated(const ecu_learn *l);
/**
 * Writes the kept blocks as an ecu-layout(5) file named @p name into @p buf (NUL-terminated):
 * a size condition (the images' sizes), each block with its evidence in comments (the images,
 * d, N and the chance), blocks without an ecu-layout(5) statement as comments. *@p needed
 * (when not NULL) gets the bytes needed, NUL included. Returns ECU_OK, ECU_ERR_INVALID (bad
 * name, nothing learnt, or @p buf too small: call again with *needed bytes).
 */
ECU_API int ecu_learn_layout(const ecu_learn *l, const char *name, char *buf, size_t size,
                             size_t *needed);

#ifdef __cplusplus
}
#endif
#endif
