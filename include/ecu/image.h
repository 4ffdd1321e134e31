/* SPDX-License-Identifier: MIT */
/**
 * @file ecu/image.h
 * Loading ECU flash images: raw binary, Intel HEX, Motorola S-record, each optionally
 * gzip-compressed. The format is detected from the content, never from a file name.
 *
 * The result is one contiguous buffer covering the lowest to the highest address that
 * carries data; gaps between records are filled with 0xFF. The lowest address is kept
 * as the base address (0 for raw input). Addresses are 32-bit; a UTF-8 byte order mark
 * before HEX or S-record text is skipped; after the end record only text that is not a
 * record may follow (see libecu(3)).
 */
#ifndef ECU_IMAGE_H
#define ECU_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "ecu/common.h"
#include "ecu/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Default limit on the address span of a loaded image: 64 MiB. */
#define ECU_IMAGE_DEFAULT_MAX_SPAN ((uint64_t)64 * 1024 * 1024)

typedef enum ecu_format {
    ECU_FORMAT_UNKNOWN = 0,
    ECU_FORMAT_RAW = 1,   /**< plain binary */
    ECU_FORMAT_IHEX = 2,  /**< Intel HEX (record types 00-05) */
    ECU_FORMAT_SREC = 3,  /**< Motorola S-record (S0-S3, S5-S9) */
} ecu_format;

/** Opaque image handle. */
typedef struct ecu_image ecu_image;

/** A new, empty image handle with the default span limit; NULL when out of memory. */
ECU_API ecu_image *ecu_image_new(void);
/** Frees the handle and everything it owns. ecu_image_free(NULL) does nothing. */
ECU_API void ecu_image_free(ecu_image *img);

/**
 * Sets the largest address span (highest minus lowest address plus one) that a load
 * accepts; 0 restores the default. A larger image is refused with ECU_ERR_TOO_LARGE
 * before its buffer is allocated. The limit applies to raw input as its size, and the
 * decompressed size of gzip input is bounded by a multiple of it.
 */
ECU_API int ecu_image_set_max_span(ecu_image *img, uint64_t max_span);

/**
 * With @p reuse not 0, ecu_image_load_file reads a regular file of at most the span limit
 * with read() into a buffer that the handle keeps from one load to the next (two buffers,
 * each as large as the largest file read into it), instead of mapping it: for a handle that
 * loads file after file in one thread of a program with several (a batch worker), where
 * unmapping each file costs a TLB shootdown on the other cores and contends for the memory
 * map. A buffer that an engine still holds (ecu_csum_analyze) is not written until the engine
 * lets go; with both held, the file is mapped as without reuse. 0 (the default) ends reuse
 * and frees the buffers (one still held is freed by its last holder). The loaded image is the
 * same either way.
 */
ECU_API int ecu_image_set_reuse(ecu_image *img, int reuse);

/**
 * Defers the unmapping of mapped files (process-wide, any thread). ecu_image_load_file maps
 * a regular file, and the mapping goes when its bytes are let go (the handle's next load or
 * ecu_image_free, and the last engine holding them). With @p max_bytes not 0, such mappings
 * stay mapped, oldest first, until they pass @p max_bytes together or number 256; then the
 * oldest are unmapped. 0 unmaps every deferred mapping now and ends the deferral. For a
 * program whose threads load file after file: in a process of several threads, each unmapping
 * interrupts the other cores (a TLB shootdown) and waits for the memory map, and a batch that
 * defers it to its end, when one thread is left, is about 6 % faster on 1 MiB dumps with two
 * workers. The deferred mappings count in the process's resident memory.
 */
ECU_API void ecu_image_defer_unmap(size_t max_bytes);

/**
 * Loads @p path ("-" reads standard input from its current position). Any previous
 * content is dropped. Returns ECU_OK or an ecu_error; on error the image is empty (no data,
 * base 0, format ECU_FORMAT_UNKNOWN, no entry, no records, not compressed) and
 * ecu_image_error_detail() says where (line, record or offset) and what.
 */
ECU_API int ecu_image_load_file(ecu_image *img, const char *path);

/**
 * Loads an image from memory (the same detection and parsing as ecu_image_load_file).
 * @p data is copied or decoded; the caller keeps ownership.
 */
ECU_API int ecu_image_load_buffer(ecu_image *img, const void *data, size_t size);

/** The image bytes (owned by the handle, valid until the next load or free); NULL if empty. */
ECU_API const uint8_t *ecu_image_data(const ecu_image *img);
/** Number of bytes in the image. */
ECU_API size_t ecu_image_size(const ecu_image *img);
/** Address of the first byte (lowest data address of a HEX/S-record file; 0 for raw). */
ECU_API uint64_t ecu_image_base(const ecu_image *img);
/** Container format detected by the last load. */
ECU_API ecu_format ecu_image_format(const ecu_image *img);
/** Non-zero when the last input was gzip-compressed. */
ECU_API int ecu_image_compressed(const ecu_image *img);
/**
 * Start (entry) address given by an Intel HEX type 03/05 record or an S7/S8/S9 record.
 * Returns non-zero and stores it in @p addr when the file had one.
 */
ECU_API int ecu_image_entry(const ecu_image *img, uint64_t *addr);
/** Number of data records read (0 for raw input). */
ECU_API size_t ecu_image_record_count(const ecu_image *img);

/** The error code of the last load (ECU_OK after success). */
ECU_API int ecu_image_error(const ecu_image *img);
/**
 * A one-line description of the last load error that says where, for example
 * "line 12: record checksum is 0x3C, computed 0x3D"; "" after success. Owned by the handle.
 */
ECU_API const char *ecu_image_error_detail(const ecu_image *img);
/** 1-based line of the last error in a text format, 0 when not applicable. */
ECU_API size_t ecu_image_error_line(const ecu_image *img);
/** Byte offset of the last error in the (decompressed) input. */
ECU_API uint64_t ecu_image_error_offset(const ecu_image *img);
/** errno of the last ECU_ERR_IO error, 0 otherwise. */
ECU_API int ecu_image_error_errno(const ecu_image *img);

/** Name of a format: "raw", "ihex", "srec" or "unknown"; never NULL. */
ECU_API const char *ecu_format_name(ecu_format fmt);

#ifdef __cplusplus
}
#endif
#endif
