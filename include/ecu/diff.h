/* SPDX-License-Identifier: MIT */
/**
 * @file ecu/diff.h
 * The structure diff of an original image and a modified one (a tuned file against the read
 * it was made from): sizes and XXH3-128 fingerprints, the changed regions (differing bytes at
 * most `gap` equal bytes apart share a region, as in ecu/cmp.h), and for each region what it
 * lies in, from what the image's family knows: a checksum or compensation slot, a signature,
 * an identification field, code, calibration, or unknown; inside calibration, the map it lies
 * in when one can be recognised.
 *
 * Everything is taken from the ORIGINAL image. Its family and checksum layout come from the
 * detection of ecu/csum.h: each block's slot (store_offset, store_bytes; the compensation word
 * of a self-sum is a slot) is a checksum slot, a signature block's bytes and the public key it
 * is checked with (when the image holds it) are a signature. The identification fields of
 * ecu/id.h (each value where it was found, for its length) are identification fields. The code
 * and calibration areas are the family's, where public facts give them (bosch-me7-vag,
 * bosch-edc16 2 MiB, bosch-edc17, continental-simos, siemens-ms43; see libecu(3)). Everything else is unknown. Where these
 * overlap, a slot or signature comes first, then an identification field, then code or
 * calibration. A region that touches several classes, or several blocks, fields or areas, is
 * split at their borders (each piece trimmed to its differing bytes), so every region has one
 * class and one `what`. Bytes past the end of the original (a longer modified image) are
 * unknown, `what` "past the end of the original".
 *
 * Map recognition, inside a calibration area only, on the original, for the region's first
 * differing byte. An axis is 4 to 32 values of 8 bits, or of 16 bits little- or big-endian
 * (a 16-bit form starts at an even offset: the CPUs of these ECUs keep words aligned),
 * strictly monotonic (increasing or decreasing, as unsigned or as signed values). A count is
 * one value of the axes' width and byte order equal to the axis length. Recognised forms, the
 * table's cells taken to have the axes' width:
 *  - map, counts first (Bosch record layouts): NX NY X[NX] Y[NY] TABLE[NX*NY];
 *  - map, each count before its axis: NX X[NX] NY Y[NY] TABLE[NX*NY];
 *  - curve: N X[N] TABLE[N];
 *  - map without counts: X then Y, each a maximal strictly monotonic run of unsigned values
 *    (the value before X and the value after each axis do not continue it), then
 *    TABLE[NX*NY].
 * A curve without a count is not recognised (nothing tells its axis from a rising table).
 * Every form that starts up to 2180 bytes (the largest map) before the region's first
 * differing byte and lies in the calibration area is a candidate. Maps do not overlap, so a
 * candidate that overlaps a stronger one is dropped: a map with counts is stronger than a
 * curve, a curve than a map without counts; then the one with more axis values (a short run
 * is the likelier to be chance); then the one that starts later; then 8-bit before 16-bit
 * little-endian before big-endian (values can read as monotonic in both byte orders). The map named is the
 * strongest candidate left that holds the byte. A monotonic run shorter than 4 values is
 * no axis. This is a heuristic: it names where an edit lies, never whether it is allowed.
 */
#ifndef ECU_DIFF_H
#define ECU_DIFF_H

#include <stddef.h>
#include <stdint.h>

#include "ecu/common.h"
#include "ecu/error.h"
#include "ecu/csum.h"
#include "ecu/id.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Default gap: differing bytes at most this many equal bytes apart share one region. */
#define ECU_DIFF_DEFAULT_GAP 16

/** What a changed region lies in. Values are pinned. */
typedef enum ecu_region_class {
    ECU_REGION_UNKNOWN = 0,     /**< nothing the family knows covers it */
    ECU_REGION_CHECKSUM = 1,    /**< a checksum or compensation slot of the layout */
    ECU_REGION_SIGNATURE = 2,   /**< a signature, or the public key it is checked with */
    ECU_REGION_IDENT = 3,       /**< an identification field (ecu/id.h) */
    ECU_REGION_CODE = 4,        /**< program code */
    ECU_REGION_CALIBRATION = 5, /**< calibration data (maps, constants) */
} ecu_region_class;
/** Number of region classes, for iterating. */
#define ECU_REGION_CLASS_COUNT 6

/** A map recognised around a changed region: axes and table, as offsets in the image. */
typedef struct ecu_diff_map {
    uint64_t start, end; /**< the map's bytes [start, end): counts, axes and table */
    uint64_t table;      /**< where its table starts */
    unsigned cols, rows; /**< table size: X axis length, Y axis length (1 for a curve) */
    unsigned cell_bytes; /**< 1 or 2: the width of axis values and cells */
    int big_endian;      /**< 16-bit values are big-endian (0 for 8-bit) */
    int counted;         /**< the axis lengths are stored before the axes */
} ecu_diff_map;

/** One changed region of the diff. Strings are owned by the handle. */
typedef struct ecu_diff_region {
    uint64_t start;       /**< offset of the first differing byte */
    uint64_t length;      /**< up to the last differing byte, inclusive */
    uint64_t differing;   /**< bytes that differ inside it */
    ecu_region_class cls; /**< what it lies in */
    const char *what;     /**< the block, field or area it lies in ("multipoint 12", "hw_number",
                               "calibration data segment"), "" when none */
    int has_map;          /**< a map was recognised (calibration only) */
    ecu_diff_map map;     /**< that map, when has_map */
} ecu_diff_region;

/** Opaque diff handle: options in, results out. */
typedef struct ecu_diff ecu_diff;

/** A new diff with the default gap; NULL when out of memory. */
ECU_API ecu_diff *ecu_diff_new(void);
/** Frees the handle and its results. ecu_diff_free(NULL) does nothing. */
ECU_API void ecu_diff_free(ecu_diff *df);
/** Sets the merge gap (ECU_DIFF_DEFAULT_GAP by default; 0: only adjacent bytes merge). */
ECU_API int ecu_diff_set_gap(ecu_diff *df, uint64_t gap);
/**
 * Makes the next runs take the checksum analysis @p cs and the identification @p id of the
 * original from the caller (ecu_csum_analyze and ecu_id_analyze of the very bytes later given
 * to ecu_diff_run as its original) instead of analysing the original again: a caller that has
 * them already (a pre-flash gate) saves both analyses. Either may be NULL: the diff then
 * analyses that part itself. The handles are not copied: they must stay valid and unchanged
 * until the diff's results are no longer used. A run whose original differs from the image
 * @p cs analysed returns ECU_ERR_INVALID. Returns ECU_OK or ECU_ERR_INVALID (no handle).
 */
ECU_API int ecu_diff_use_analyses(ecu_diff *df, const ecu_csum *cs, const ecu_id *id);
/**
 * Compares @p orig with @p mod: fingerprints, regions and their classes. The family is
 * detected on @p orig. The buffers are only read during the call. Earlier results are
 * dropped. Returns ECU_OK (whatever the result), ECU_ERR_NOMEM or ECU_ERR_INVALID (no handle,
 * or a NULL buffer of non-zero size).
 */
ECU_API int ecu_diff_run(ecu_diff *df, const uint8_t *orig, size_t orig_size, const uint8_t *mod,
                         size_t mod_size);
/** The family detected on the original (NULL when unknown or ambiguous). */
ECU_API const char *ecu_diff_family(const ecu_diff *df);
/** Size of the original (@p which 0) or of the modified image (1). */
ECU_API uint64_t ecu_diff_size(const ecu_diff *df, int which);
/** XXH3-128 of the original (0) or the modified image (1): 32 lowercase hex digits ("" before a
    run). Owned by the handle. */
ECU_API const char *ecu_diff_fingerprint(const ecu_diff *df, int which);
/** Non-zero when the two images are equal (same size, same bytes). */
ECU_API int ecu_diff_identical(const ecu_diff *df);
ECU_API size_t ecu_diff_region_count(const ecu_diff *df);
/** Region @p i in offset order, or NULL. Owned by the handle. */
ECU_API const ecu_diff_region *ecu_diff_region_at(const ecu_diff *df, size_t i);
/** The number of regions of class @p cls; the differing bytes they hold go to @p bytes (may be
    NULL). */
ECU_API size_t ecu_diff_class_count(const ecu_diff *df, ecu_region_class cls, uint64_t *bytes);
/** Stable names: "unknown", "checksum", "signature", "ident", "code", "calibration"; "invalid"
    for a value out of range (never NULL). */
ECU_API const char *ecu_region_class_name(ecu_region_class cls);

#ifdef __cplusplus
}
#endif
#endif
