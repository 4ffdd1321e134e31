/* SPDX-License-Identifier: MIT */
/**
 * @file ecu/id.h
 * Identification of ECU images: manufacturer, family, hardware and software numbers, part
 * number, EPK/descriptor string, software version, VIN.
 *
 * Every finding is a field: a stable key, a printable value, the offset where the value was
 * found and a confidence (0-100). A key can appear more than once with different values
 * (several candidates); the fields are ordered by key, then by falling confidence, so the
 * first field of a key is the best one (ecu_id_get). Scans are linear and bounded; nothing
 * is rejected for being unusual, it only gets a lower confidence.
 */
#ifndef ECU_ID_H
#define ECU_ID_H

#include <stddef.h>
#include <stdint.h>

#include "ecu/common.h"
#include "ecu/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Offset of a field that is not read from one place (manufacturer, family). */
#define ECU_ID_NO_OFFSET UINT64_MAX

/** One identification finding. Strings are owned by the handle. */
typedef struct ecu_id_field {
    const char *key;     /**< "manufacturer", "family", "hw_number", "sw_number", "part_number",
                              "sw_version", "epk", "ecu_type", "engine", "descriptor", "cal_id",
                              "vin" */
    const char *value;   /**< printable ASCII, leading and trailing spaces removed */
    uint64_t offset;     /**< where the value starts in the image, or ECU_ID_NO_OFFSET */
    unsigned confidence; /**< 0-100 */
    const char *source;  /**< how it was found, e.g. "ME7 ECUID table entry 2" */
} ecu_id_field;

typedef struct ecu_id ecu_id;

ECU_API ecu_id *ecu_id_new(void);
ECU_API void ecu_id_free(ecu_id *id);

/**
 * Identifies the image (the family through the checksum-family detection of ecu/csum.h,
 * then the identification strings). Earlier results are dropped. Returns ECU_OK (whether or
 * not anything was found), ECU_ERR_NOMEM or ECU_ERR_INVALID.
 */
ECU_API int ecu_id_analyze(ecu_id *id, const uint8_t *data, size_t size);

ECU_API size_t ecu_id_field_count(const ecu_id *id);
/** Field @p i, or NULL when out of range. */
ECU_API const ecu_id_field *ecu_id_field_at(const ecu_id *id, size_t i);
/** The best (most confident) field with key @p key, or NULL. */
ECU_API const ecu_id_field *ecu_id_get(const ecu_id *id, const char *key);

/**
 * The ISO 3779 check digit of a 17-character VIN ('0'-'9' or 'X'), or 0 when @p vin is not
 * 17 VIN characters (digits and capital letters other than I, O and Q).
 */
ECU_API char ecu_vin_check_digit(const char *vin);

/** Outcome of ecu_id_compare. */
typedef enum ecu_id_match {
    ECU_ID_SAME = 0,      /**< the defining fields agree */
    ECU_ID_DIFFERENT = 1, /**< at least one defining field differs */
    ECU_ID_UNDECIDED = 3, /**< not enough identity in both images to decide */
} ecu_id_match;

/** Most keys ecu_id_compare reports. */
#define ECU_ID_MAX_KEYS 8

/**
 * Whether two analysed images come from the same ECU (same hardware and software): the
 * defining fields (hardware number and software number, else part number and software
 * version) present in both are compared. @p keys (room for ECU_ID_MAX_KEYS, may be NULL)
 * receives the keys compared (SAME) or those that differ (DIFFERENT); @p nkeys their number.
 */
ECU_API ecu_id_match ecu_id_compare(const ecu_id *a, const ecu_id *b, const char **keys,
                                    size_t *nkeys);

#ifdef __cplusplus
}
#endif
#endif
