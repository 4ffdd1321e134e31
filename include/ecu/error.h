/* SPDX-License-Identifier: MIT */
/**
 * @file ecu/error.h
 * The single error enumeration of libecu. Values are pinned: they never change between
 * releases, new codes are only appended.
 */
#ifndef ECU_ERROR_H
#define ECU_ERROR_H

#include "ecu/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ecu_error {
    ECU_OK = 0,                /**< success */
    ECU_ERR_NOMEM = 1,         /**< out of memory */
    ECU_ERR_INVALID = 2,       /**< invalid argument (NULL handle, bad range, ...) */
    ECU_ERR_IO = 3,            /**< the file cannot be opened or read (errno kept) */
    ECU_ERR_ISDIR = 4,         /**< the path is a directory */
    ECU_ERR_EMPTY = 5,         /**< empty input, or a HEX/S-record file without data */
    ECU_ERR_TOO_LARGE = 6,     /**< address span or size over the configured limit */
    ECU_ERR_HEX_DIGIT = 7,     /**< a character that is not a hexadecimal digit */
    ECU_ERR_TRUNCATED = 8,     /**< record shorter than its length field, or no end record */
    ECU_ERR_CHECKSUM = 9,      /**< record checksum does not match */
    ECU_ERR_OVERLAP = 10,      /**< two records give different data for the same address */
    ECU_ERR_SYNTAX = 11,       /**< malformed record: missing start code, bad type or length */
    ECU_ERR_RECORD_COUNT = 12, /**< S5/S6 count differs from the number of data records */
    ECU_ERR_GZIP = 13,         /**< corrupt or truncated gzip stream */
    ECU_ERR_TOO_MANY = 14,     /**< more inputs than an operation accepts */
    ECU_ERR_NO_MAJORITY = 15,  /**< no strict majority for some bytes (consensus) */
    ECU_ERR_UNFIXABLE = 16,    /**< a checksum cannot be corrected, or only by changing data */
    ECU_ERR_STOPPED = 17,      /**< a callback of the caller asked to stop */
} ecu_error;

/** Number of error codes, for iterating in tests. */
#define ECU_ERROR_COUNT 18

/** A short English description of @p code; never NULL (unknown codes give a generic text). */
ECU_API const char *ecu_strerror(int code);

#ifdef __cplusplus
}
#endif
#endif
