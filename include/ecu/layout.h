/* SPDX-License-Identifier: MIT */
/**
 * @file ecu/layout.h
 * User-defined checksum layouts: the checksum blocks of a family written as text (the format
 * of ecu-layout(5)), parsed into a handle that ecu_csum_set_layout() uses instead of the
 * family registry.
 *
 * A layout names itself ("layout NAME"), may state what files it applies to (their sizes,
 * bytes expected at given offsets or anywhere) and lists its blocks: the algorithm (sum of
 * words, self-sum to a target, CRC, CRC compensated to a target), the ranges it covers and
 * where and how its value is stored.
 */
#ifndef ECU_LAYOUT_H
#define ECU_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "ecu/common.h"
#include "ecu/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ecu_layout ecu_layout;

/** A new, empty layout handle; NULL when memory is short. */
ECU_API ecu_layout *ecu_layout_new(void);
/** Frees the handle; NULL is a no-op. */
ECU_API void ecu_layout_free(ecu_layout *l);

/**
 * Parses @p len bytes of layout text (ecu-layout(5); need not be NUL-terminated), replacing
 * what the handle held. Returns ECU_OK, ECU_ERR_SYNTAX (the error's line, column and message
 * are then kept by the handle, which holds no layout), ECU_ERR_NOMEM or ECU_ERR_INVALID
 * (NULL handle, or NULL text with a non-zero length).
 */
ECU_API int ecu_layout_parse(ecu_layout *l, const char *text, size_t len);

/** The message of the last parse error, e.g. "unknown keyword 'sun'"; "" after success. */
ECU_API const char *ecu_layout_error(const ecu_layout *l);
/** 1-based line of the last parse error; 0 after success. */
ECU_API size_t ecu_layout_error_line(const ecu_layout *l);
/** 1-based column (in bytes) of the last parse error; 0 after success. */
ECU_API size_t ecu_layout_error_column(const ecu_layout *l);

/** The name given by the "layout" line; NULL when nothing was parsed. Owned by the handle. */
ECU_API const char *ecu_layout_name(const ecu_layout *l);
/** Number of checksum blocks of the parsed layout (0 when nothing was parsed). */
ECU_API size_t ecu_layout_block_count(const ecu_layout *l);

#ifdef __cplusplus
}
#endif
#endif
