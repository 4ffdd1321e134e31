/* SPDX-License-Identifier: MIT */
/**
 * @file ecu/csum.h
 * Checksum detection, verification and correction by ECU family.
 *
 * A family (one per ECU type: "bosch-edc16", "bosch-me7-volvo", ...) recognises its images
 * and lays out their checksum blocks. Each block is data: the algorithm, the ranges it covers
 * and where and how the value is stored. Verification walks the blocks; correction writes
 * the checksum (or compensation) bytes, repeats until nothing changes and verifies again.
 */
#ifndef ECU_CSUM_H
#define ECU_CSUM_H

#include <stddef.h>
#include <stdint.h>

#include "ecu/common.h"
#include "ecu/error.h"
#include "ecu/layout.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Outcome for one file. */
typedef enum ecu_verdict {
    ECU_VERDICT_OK = 0,        /**< family known, every checksum block verifies */
    ECU_VERDICT_BAD = 1,       /**< family known, at least one block does not verify */
    ECU_VERDICT_UNKNOWN = 2,   /**< no family recognises the image */
    ECU_VERDICT_AMBIGUOUS = 3, /**< two or more families recognise it equally well */
    ECU_VERDICT_NO_LAYOUT = 4, /**< family known but no checksum layout is known for it */
    ECU_VERDICT_FIXED = 5,     /**< after ecu_csum_fix: bad blocks were corrected */
} ecu_verdict;

/** Status of one checksum block. */
typedef enum ecu_block_status {
    ECU_BLOCK_OK = 0,        /**< stored value matches */
    ECU_BLOCK_BAD = 1,       /**< stored value does not match */
    ECU_BLOCK_FIXED = 2,     /**< was bad, corrected by ecu_csum_fix */
    ECU_BLOCK_SIGNATURE = 3, /**< a signature that verifies; it cannot be recomputed */
    ECU_BLOCK_SIGNATURE_BAD = 4, /**< a signature that does not verify; correctable only by
                                      re-signing (ecu_csum_set_resign_key) */
    ECU_BLOCK_RESIGNED = 5,  /**< was SIGNATURE_BAD, made anew by ecu_csum_fix with the key of
                                  ecu_csum_set_resign_key (its public key rewritten too) */
} ecu_block_status;

/** A byte range [start, end) of the image. */
typedef struct ecu_range {
    uint64_t start, end;
} ecu_range;

/** One checksum block as verified. Strings and arrays are owned by the handle. */
typedef struct ecu_block {
    const char *name;      /**< e.g. "region 0x0-0x3FFFF" or "multipoint 12" */
    const char *algorithm; /**< e.g. "sum32be==0xD01FE500", "sum16le pair", "crc32" */
    const ecu_range *ranges;
    size_t nranges;
    uint64_t stored;       /**< value found in the image */
    uint64_t computed;     /**< value the data calls for */
    uint64_t store_offset; /**< where the value (or compensation word) lives */
    unsigned store_bytes;  /**< its size (8 for a value stored with its complement) */
    ecu_block_status status;
} ecu_block;

/** Static description of a family, for listing. */
typedef struct ecu_family_info {
    const char *name;         /**< stable identifier, for --family */
    const char *manufacturer; /**< "Bosch", ... */
    const char *description;  /**< ECUs covered */
    const char *verifies;     /**< what is checked */
    const char *corrects;     /**< what can be corrected ("" when nothing) */
    const char *sources;      /**< public sources of the layout (owner/repo path) */
} ecu_family_info;

/** Number of families in the registry, and family @p i (NULL when out of range). */
ECU_API size_t ecu_family_count(void);
ECU_API const ecu_family_info *ecu_family_at(size_t i);

typedef struct ecu_csum ecu_csum;

ECU_API ecu_csum *ecu_csum_new(void);
ECU_API void ecu_csum_free(ecu_csum *cs);

/**
 * Uses family @p name instead of detecting (NULL: detect). ECU_ERR_INVALID if unknown. It
 * replaces a layout given by ecu_csum_set_layout().
 */
ECU_API int ecu_csum_set_family(ecu_csum *cs, const char *name);

/**
 * Uses the blocks of @p layout (parsed with ecu_layout_parse()) instead of detecting the
 * family: the handle keeps its own copy, so @p layout may be freed at once. NULL: detect
 * again. It replaces a family given by ecu_csum_set_family() (and either call forgets an
 * analysis made with the previous layout). Analyses then report the
 * family "layout:NAME" with score 100. An image that fails the layout's conditions (size,
 * expected or contained bytes) gets the verdict ECU_VERDICT_UNKNOWN, with the reason in
 * ecu_csum_evidence(); a block whose range or slot lies past the end of the image is bad and
 * is never corrected. Returns ECU_OK, ECU_ERR_INVALID (a handle that holds no parsed layout)
 * or ECU_ERR_NOMEM.
 */
ECU_API int ecu_csum_set_layout(ecu_csum *cs, const ecu_layout *layout);

/**
 * Takes the checksum layout (every block's ranges and slot) from @p data, a read of the same
 * ECU and software whose checksums all verify, instead of from the analysed image itself.
 * Some layouts are found from the data (the Hitachi Nissan sum and xor slots, say) and cannot
 * be found again once the data has changed; with the stock read as reference, a modified
 * image of the same software can still be verified and corrected. The handle keeps its own
 * copy; NULL forgets the reference. It is not used with a layout of ecu_csum_set_layout().
 * At analysis, the reference must have the image's size, be recognised as the image's family
 * (unless one was set), and verify with at least one block; otherwise the verdict is
 * ECU_VERDICT_NO_LAYOUT and ecu_csum_evidence() says why. Returns ECU_OK, ECU_ERR_INVALID or
 * ECU_ERR_NOMEM.
 */
ECU_API int ecu_csum_set_reference(ecu_csum *cs, const uint8_t *data, size_t size);

/**
 * Keeps the image, detects its family (unless one was set) and verifies every block. The
 * handle keeps a copy of the bytes, or, for the bytes of an ecu_image (ecu_image_data(), or
 * a leading part of them), a hold on them that keeps them after ecu_image_free() or the
 * image's next load, and that ecu_csum_fix() copies before it writes; either way the caller
 * may free or reuse its bytes at once. Returns ECU_OK (whatever the verdict) or
 * ECU_ERR_NOMEM / ECU_ERR_INVALID.
 */
ECU_API int ecu_csum_analyze(ecu_csum *cs, const uint8_t *data, size_t size);

ECU_API ecu_verdict ecu_csum_verdict(const ecu_csum *cs);
/** Family of the last analysis, or NULL when unknown or ambiguous. */
ECU_API const ecu_family_info *ecu_csum_family(const ecu_csum *cs);
/** Detection score (0-100) of the chosen family. */
ECU_API unsigned ecu_csum_score(const ecu_csum *cs);
/** One-line evidence of the detection, e.g. "3 region descriptors". Owned by the handle. */
ECU_API const char *ecu_csum_evidence(const ecu_csum *cs);
/**
 * Why the reference read of ecu_csum_set_reference() was not used for the last analysis
 * (another size, not recognised as the image's family, or it does not verify; the verdict is
 * then ECU_VERDICT_NO_LAYOUT), or NULL when it was used or none was set. Owned by the handle.
 */
ECU_API const char *ecu_csum_reference_refusal(const ecu_csum *cs);
/** Families that claimed the image (for AMBIGUOUS, all of the tied ones). */
ECU_API size_t ecu_csum_candidate_count(const ecu_csum *cs);
ECU_API const ecu_family_info *ecu_csum_candidate_at(const ecu_csum *cs, size_t i, unsigned *score);

ECU_API size_t ecu_csum_block_count(const ecu_csum *cs);
ECU_API const ecu_block *ecu_csum_block_at(const ecu_csum *cs, size_t i);
/** Blocks with status BAD or SIGNATURE_BAD. */
ECU_API size_t ecu_csum_bad_count(const ecu_csum *cs);
/**
 * Whether block @p i of the last analysis is a signature that ecu_csum_fix() can make anew
 * with a key of ecu_csum_set_resign_key(): one checked with a public key stored in the image
 * itself (Bosch ME7.1.1), which re-signing replaces. 0 for every other block (a signature
 * whose key is not in the image can never be made anew).
 */
ECU_API int ecu_csum_block_resignable(const ecu_csum *cs, size_t i);
/**
 * After ecu_csum_fix() returned ECU_ERR_UNFIXABLE: whether block @p i stayed bad in that
 * attempt (the copy is restored since, so its status is the analysis's again). 0 for every
 * block after a success, before any fix and after a new analysis. Tells "only the signature
 * stands in the way" from "other blocks cannot be corrected either".
 */
ECU_API int ecu_csum_block_unfixable(const ecu_csum *cs, size_t i);

/**
 * Corrects the analysed copy: writes every bad block's value, repeating until nothing
 * changes (checksums inside other checksums' ranges), then verifies again. Refuses
 * (ECU_ERR_INVALID, copy unchanged) when the family is unknown or ambiguous, and returns
 * ECU_ERR_UNFIXABLE when a block stays bad or a byte outside the checksum and compensation
 * slots would change (the copy is then restored). A bad signature stays bad unless a key was
 * given with ecu_csum_set_resign_key(); then its signature and public key bytes may change
 * too, and no others.
 */
ECU_API int ecu_csum_fix(ecu_csum *cs);

/**
 * Opt-in re-signing: gives the handle the RSA key pair @p der (@p len bytes, a PKCS#1
 * RSAPrivateKey in DER, as "openssl genrsa -traditional" writes it once base64-decoded);
 * NULL forgets it (the default: signatures are never written). With a key, ecu_csum_fix()
 * also makes anew every bad signature that ecu_csum_block_resignable() names: the key's
 * public key is written where the image keeps its own, and the signature is made with the
 * key; the block's status is then ECU_BLOCK_RESIGNED. A key of another size or public
 * exponent than the image's check uses leaves the signature bad (ECU_ERR_UNFIXABLE). The
 * library neither generates keys nor reads files: the caller does (ecu-csum --resign).
 * Returns ECU_OK, ECU_ERR_INVALID (not such a key, or its parts do not make a key pair; the
 * key held before is kept) or ECU_ERR_NOMEM.
 */
ECU_API int ecu_csum_set_resign_key(ecu_csum *cs, const uint8_t *der, size_t len);
/** How the image's size compares with the flash extent its family's layout implies. */
typedef enum ecu_extent {
    ECU_EXTENT_UNKNOWN = 0,   /**< no extent is known (no layout, or the family states none) */
    ECU_EXTENT_EXACT = 1,     /**< the image has exactly the bytes the layout covers */
    ECU_EXTENT_TRUNCATED = 2, /**< the image ends before the layout does: the verdict is bad */
    ECU_EXTENT_OVERLONG = 3,  /**< the image goes on past the layout's flash (not bad by itself) */
} ecu_extent;

/**
 * The size in bytes of the flash that the layout of the last analysis implies (its family's
 * documented structure: fixed sizes, tables, block headers, and every block the layout lists),
 * or 0 when none is known (no layout, unknown or ambiguous family, a family that states none).
 * An image shorter than it is truncated: the verdict is ECU_VERDICT_BAD, with the reason in
 * ecu_csum_evidence(), even when every block that lies in the image verifies, and
 * ecu_csum_fix() refuses it (ECU_ERR_UNFIXABLE). An image longer than it is reported
 * (ECU_EXTENT_OVERLONG) but not bad by itself.
 */
ECU_API uint64_t ecu_csum_expected_size(const ecu_csum *cs);
/** How the image's size compares with ecu_csum_expected_size(). */
ECU_API ecu_extent ecu_csum_extent(const ecu_csum *cs);
/** Stable names: "unknown", "exact", "truncated", "overlong". */
ECU_API const char *ecu_extent_name(ecu_extent e);

/** The analysed (and possibly corrected) image: the handle's copy, or the loaded bytes it holds. */
ECU_API const uint8_t *ecu_csum_image(const ecu_csum *cs, size_t *size);

/** Stable names: "ok", "bad", "unknown", "ambiguous", "no-layout", "fixed"; and for blocks. */
ECU_API const char *ecu_verdict_name(ecu_verdict v);
ECU_API const char *ecu_block_status_name(ecu_block_status s);

#ifdef __cplusplus
}
#endif
#endif
