/* SPDX-License-Identifier: MIT */
/**
 * @file ecu/checksum.h
 * Checksum primitives: sums of words, CRCs described by their parameters (the Rocksoft
 * model: width, polynomial, init, input/output reflection, final xor), and compensation
 * solvers that find the 4 bytes making a CRC-32 or a 32-bit sum reach a target.
 */
#ifndef ECU_CHECKSUM_H
#define ECU_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

#include "ecu/common.h"
#include "ecu/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Sum of the @p word_bytes-wide words (1, 2 or 4) of @p data, little- or big-endian, added to
 * @p init and kept to @p acc_bits bits (8, 16, 32 or 64). A trailing partial word is ignored.
 */
ECU_API uint64_t ecu_sum_words(const void *data, size_t size, unsigned word_bytes, int big_endian,
                               uint64_t init, unsigned acc_bits);

/** CRC parameters in the Rocksoft model (as in the CRC catalogue). */
typedef struct ecu_crc_params {
    unsigned width;  /**< 8 to 64 bits */
    uint64_t poly;   /**< normal (unreflected) form, without the top bit */
    uint64_t init;   /**< register before the first byte (unreflected form) */
    int refin;       /**< bytes enter least significant bit first */
    int refout;      /**< register reflected before the final xor */
    uint64_t xorout; /**< xor applied to the final value */
} ecu_crc_params;

/** Well-known parameter sets. */
ECU_API extern const ecu_crc_params ECU_CRC32;        /**< CRC-32 (zlib, ISO-HDLC) */
ECU_API extern const ecu_crc_params ECU_CRC32_MPEG2;  /**< CRC-32/MPEG-2 */
ECU_API extern const ecu_crc_params ECU_CRC32_BZIP2;  /**< CRC-32/BZIP2 */
ECU_API extern const ecu_crc_params ECU_CRC16_ARC;    /**< CRC-16/ARC */
ECU_API extern const ecu_crc_params ECU_CRC16_XMODEM; /**< CRC-16/XMODEM */
ECU_API extern const ecu_crc_params ECU_CRC16_KERMIT; /**< CRC-16/KERMIT */
ECU_API extern const ecu_crc_params ECU_CRC16_CCITT_FALSE; /**< CRC-16/CCITT-FALSE (IBM-3740) */

/** A CRC engine: parameters plus tables. */
typedef struct ecu_crc ecu_crc;

/** A new engine for @p p; NULL when the parameters are invalid or memory is short. */
ECU_API ecu_crc *ecu_crc_new(const ecu_crc_params *p);
ECU_API void ecu_crc_free(ecu_crc *crc);

/**
 * Streaming use: state = ecu_crc_begin(); state = ecu_crc_update(crc, state, data, n) any
 * number of times; value = ecu_crc_end(crc, state). The state is the internal register, so
 * a CRC can be continued from another's state (chained checksums).
 */
ECU_API uint64_t ecu_crc_begin(const ecu_crc *crc);
ECU_API uint64_t ecu_crc_update(const ecu_crc *crc, uint64_t state, const void *data, size_t size);
ECU_API uint64_t ecu_crc_end(const ecu_crc *crc, uint64_t state);
/**
 * The state that continues a CRC whose final value was @p value (the inverse of
 * ecu_crc_end), for checksums that chain: CRC 2 starts where CRC 1 ended.
 */
ECU_API uint64_t ecu_crc_resume(const ecu_crc *crc, uint64_t value);
/** One-shot CRC of a buffer. */
ECU_API uint64_t ecu_crc_compute(const ecu_crc *crc, const void *data, size_t size);

/**
 * Finds the 4 bytes to write at @p data[@p pos .. pos+3] so that the CRC (a 32-bit one) of
 * the whole buffer equals @p target, and stores them there. Returns ECU_OK, or
 * ECU_ERR_INVALID (width not 32, pos out of range).
 */
ECU_API int ecu_crc32_compensate(const ecu_crc *crc, uint8_t *data, size_t size, size_t pos,
                                 uint64_t target);

/**
 * Finds the 32-bit word at @p data[@p pos] (little- or big-endian, 4-aligned relative to
 * @p data) so that @p init plus the sum of all 32-bit words of the buffer equals
 * @p target modulo 2^32, and stores it. Returns ECU_OK or ECU_ERR_INVALID.
 */
ECU_API int ecu_sum32_compensate(uint8_t *data, size_t size, size_t pos, int big_endian,
                                 uint32_t init, uint32_t target);

#ifdef __cplusplus
}
#endif
#endif
