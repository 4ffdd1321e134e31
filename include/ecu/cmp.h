/* SPDX-License-Identifier: MIT */
/**
 * @file ecu/cmp.h
 * Comparing two or more reads of the same ECU: differing ranges, a per-byte majority vote
 * for three or more reads, and diagnoses of typical read faults (missing prefix, truncated
 * tail, shifted data, byte-swapped words, stuck data bits, blank runs).
 *
 * Offsets are 0-based positions in the image buffers (not CPU addresses). A byte that one
 * read has and another lacks (different sizes) counts as differing.
 */
#ifndef ECU_CMP_H
#define ECU_CMP_H

#include <stddef.h>
#include <stdint.h>

#include "ecu/common.h"
#include "ecu/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The most reads one comparison takes (a read set is a 64-bit mask). */
#define ECU_CMP_MAX_READS 64
/** Default gap: differing bytes at most this many equal bytes apart share one range. */
#define ECU_CMP_DEFAULT_GAP 16
/** Index meaning "the majority of the reads" in ecu_cmp_diag.ref. */
#define ECU_CMP_MAJORITY 0xFFFFFFFFu

/** Opaque comparison handle: options in, results out. */
typedef struct ecu_cmp ecu_cmp;

/** One range of differences. */
typedef struct ecu_cmp_range {
    uint64_t start;      /**< offset of the first differing byte */
    uint64_t length;     /**< from start to the last differing byte, inclusive */
    uint64_t differing;  /**< bytes inside the range where the reads differ */
    uint64_t unresolved; /**< bytes without a strict majority (three or more reads) */
    uint64_t reads;      /**< bit i: read i differs (two reads: both bits; more: from the majority) */
} ecu_cmp_range;

typedef enum ecu_cmp_diag_kind {
    ECU_DIAG_MISSING_PREFIX = 1, /**< read = reference without its first `length` bytes */
    ECU_DIAG_TRUNCATED = 2,      /**< read = reference without its last `length` bytes */
    ECU_DIAG_SHIFTED = 3,        /**< from `offset` on, read[i] = reference[i + shift] */
    ECU_DIAG_SWAP16 = 4,         /**< bytes swapped within 16-bit words */
    ECU_DIAG_SWAP32 = 5,         /**< bytes reversed within 32-bit words */
    ECU_DIAG_STUCK_BIT = 6,      /**< data bit `bit` always `value` in the byte lanes `lanes` */
    ECU_DIAG_BLANK = 7,          /**< read holds only `fill` over [offset, offset+length) */
    ECU_DIAG_EXTRA_TAIL = 8,     /**< read = reference plus `length` more bytes at its end */
} ecu_cmp_diag_kind;

/** One diagnosis: what is wrong with read `read` compared with `ref`. */
typedef struct ecu_cmp_diag {
    ecu_cmp_diag_kind kind;
    unsigned read;      /**< index of the read the diagnosis is about */
    unsigned ref;       /**< index of the reference read, or ECU_CMP_MAJORITY */
    uint64_t offset;    /**< where it starts (SHIFTED, BLANK, TRUNCATED: first missing offset) */
    uint64_t length;    /**< bytes missing (MISSING_PREFIX, TRUNCATED) or blank (BLANK) */
    int64_t shift;      /**< SHIFTED: read[i] = ref[i + shift] */
    unsigned bit;       /**< STUCK_BIT: bit number 0-7 */
    unsigned value;     /**< STUCK_BIT: 0 or 1 */
    unsigned lanes;     /**< STUCK_BIT: bit l set = bytes at offsets 4n+l (0xF every byte, 0x5 even, 0xA odd) */
    unsigned fill;      /**< BLANK: 0xFF or 0x00 */
    uint64_t bytes;     /**< bytes that differ because of this fault */
    uint64_t residual;  /**< bytes that still differ once the fault is accounted for */
    double match;       /**< share of compared bytes that agree once the fault is accounted for */
} ecu_cmp_diag;

/** A new comparison with the default options; NULL when out of memory. */
ECU_API ecu_cmp *ecu_cmp_new(void);
/** Frees the handle and its results. ecu_cmp_free(NULL) does nothing. */
ECU_API void ecu_cmp_free(ecu_cmp *cmp);

/** Skips offsets [start, end) in every read (volatile areas such as EEPROM emulation). */
ECU_API int ecu_cmp_add_ignore(ecu_cmp *cmp, uint64_t start, uint64_t end);
/** Sets the merge gap (ECU_CMP_DEFAULT_GAP by default; 0 = only adjacent bytes merge). */
ECU_API int ecu_cmp_set_gap(ecu_cmp *cmp, uint64_t gap);
/** Turns diagnoses on (default) or off. */
ECU_API int ecu_cmp_set_diagnose(ecu_cmp *cmp, int on);

/**
 * Receives ranges during ecu_cmp_run(): @p count of them (1 or more), in offset order,
 * each range complete. @p ranges is valid only during the call. Return 0 to go on; any
 * other value stops the run. It must not run, change or free the handle.
 */
typedef int (*ecu_cmp_range_fn)(void *ctx, const ecu_cmp_range *ranges, size_t count);
/**
 * Streams the ranges: with @p fn set, ecu_cmp_run() hands every range to @p fn instead of
 * keeping it, in offset order, in batches of a few hundred while the comparison goes on
 * (the last batch at its end). ecu_cmp_range_count() still counts them, but
 * ecu_cmp_range_at() returns NULL. With the diagnoses off, listing the ranges of noisy
 * reads then needs no memory per range; with them on, the diagnoses of two reads compare
 * the pair once more and keep its ranges for themselves. Ranges once handed over stand,
 * even when the run fails later. A NULL @p fn keeps the ranges again (the default).
 */
ECU_API int ecu_cmp_set_range_sink(ecu_cmp *cmp, ecu_cmp_range_fn fn, void *ctx);

/**
 * Compares @p n reads (2 to ECU_CMP_MAX_READS). The buffers are only read during the call.
 * Returns ECU_OK, ECU_ERR_INVALID or ECU_ERR_TOO_MANY, ECU_ERR_NOMEM, or ECU_ERR_STOPPED when
 * the range sink asked to stop (the ranges handed to it so far stand; the handle holds no
 * results). Results of an earlier run are replaced.
 */
ECU_API int ecu_cmp_run(ecu_cmp *cmp, size_t n, const uint8_t *const data[], const size_t size[]);

/** Non-zero when every compared byte agrees and the sizes are equal. */
ECU_API int ecu_cmp_identical(const ecu_cmp *cmp);
/** Bytes (offsets) where the reads differ, ignored areas excluded. */
ECU_API uint64_t ecu_cmp_differing(const ecu_cmp *cmp);
/** Offsets compared (the largest size minus ignored offsets). */
ECU_API uint64_t ecu_cmp_compared(const ecu_cmp *cmp);
/** Bytes where read @p i differs from the other read (two reads) or from the majority
    (three or more; bytes without a strict majority are counted by ecu_cmp_unresolved only). */
ECU_API uint64_t ecu_cmp_read_differing(const ecu_cmp *cmp, size_t i);

ECU_API size_t ecu_cmp_range_count(const ecu_cmp *cmp);
/** Range @p i (0-based, by offset), or NULL. Owned by the handle. */
ECU_API const ecu_cmp_range *ecu_cmp_range_at(const ecu_cmp *cmp, size_t i);

ECU_API size_t ecu_cmp_diag_count(const ecu_cmp *cmp);
/** Diagnosis @p i, or NULL. Owned by the handle. */
ECU_API const ecu_cmp_diag *ecu_cmp_diag_at(const ecu_cmp *cmp, size_t i);
/** Stable identifier of a kind ("missing-prefix", "stuck-bit", "extra-tail", ...); never NULL. */
ECU_API const char *ecu_cmp_diag_kind_name(ecu_cmp_diag_kind kind);
/**
 * Writes an English description of @p d (without read names) into @p buf, like
 * "data bit 3 stuck at 0 in odd bytes (1234 bytes differ)". Returns the length snprintf
 * would have written.
 */
ECU_API int ecu_cmp_diag_describe(const ecu_cmp_diag *d, char *buf, size_t bufsize);

/**
 * Three or more reads: the majority image and its size. Its size is the one a strict
 * majority of the reads reaches (bytes only a minority has are not part of it). Returns NULL
 * with ECU_ERR_NO_MAJORITY in @p err (if not NULL) when some compared byte lacks a strict
 * majority (ignored areas take the majority where there is one, else the first byte a read
 * has there), and ECU_ERR_INVALID for fewer than three reads. Owned by the handle.
 */
ECU_API const uint8_t *ecu_cmp_consensus(const ecu_cmp *cmp, size_t *size, int *err);
/** Three or more reads: bytes without a strict majority. */
ECU_API uint64_t ecu_cmp_unresolved(const ecu_cmp *cmp);

/** XXH3-128 of @p data as 32 lowercase hex digits (canonical, big-endian) plus NUL. */
ECU_API void ecu_fingerprint_hex(const void *data, size_t size, char out[33]);

#ifdef __cplusplus
}
#endif
#endif
