/* SPDX-License-Identifier: MIT */
/*
 * The family descriptor (core): everything one ECU family knows, in one file of
 * lib/families/ (after libblkid's probers: one file both recognises and identifies). The
 * ordered table of families is lib/registry.c; the engines (lib/csum.c, lib/id.c) use a
 * family only through this descriptor.
 *
 * A family:
 * - is tried for images of min_size..max_size bytes whose cheap magics (if it declares any)
 *   are present: at least one of them must match before its `detect` is called;
 * - `detect` scores the image 0-100 (ECU_DETECT_MIN or more claims it) with evidence;
 * - `layout` lists the image's checksum blocks (core/blk.h), NULL when no layout is known;
 * - `accept`, optional, says after verification whether the blocks fit this layout at all;
 * - `extent`, optional, says how many bytes of flash the image's layout implies (see below);
 * - `identify`, optional, adds the identification fields of an image it claimed
 *   (core/idsink.h); the generic scanners of lib/id.c run after it;
 * - `identify_unclaimed`, optional, adds the fields of the family's own structures that may
 *   be found in an image that no family claims (a variant whose layout is not known): the
 *   identification engine runs it, once per distinct function, when no family claims the
 *   image or several families tie;
 * - `areas`, optional, lists the image's code and calibration areas where public facts give
 *   them (the structure diff, lib/diff.c, classifies changed bytes with them).
 */
#ifndef ECU_CORE_FAMILY_H
#define ECU_CORE_FAMILY_H

#include <stddef.h>
#include <stdint.h>

#include "ecu/csum.h"
#include "blk.h"
#include "idsink.h"

#define ECU_DETECT_MIN 50
#define ECU_FAMILY_MAX_MAGICS 4

/* Cheap signature (libblkid's idinfo magics): @p len bytes @p bytes at offset @p off. */
struct family_magic {
    uint64_t off;
    const char *bytes;
    size_t len;
};

typedef void (*family_identify_fn)(const uint8_t *d, size_t n, struct ecu__idsink *out);

/* What an area of an image holds (the `areas` callback). */
enum family_area_kind {
    FA_CODE = 1,        /* program code (boot, ROMSYS, application software) */
    FA_CALIBRATION = 2, /* calibration data: maps, curves, constants */
};

/* One area of an image: the bytes [start, end), what they hold, a static name for reports
   ("program", "calibration data segment"). */
struct family_area {
    uint64_t start, end;
    enum family_area_kind kind;
    const char *name;
};

/* The most areas one image reports. */
#define ECU_FAMILY_MAX_AREAS 32

struct family {
    ecu_family_info info;
    size_t min_size, max_size;
    /* Cheap signatures checked by the engine before `detect` (none: `detect` always runs);
       the list ends at the first entry with len 0. */
    struct family_magic magics[ECU_FAMILY_MAX_MAGICS];
    /* Score 0-100 that the image belongs here (>= ECU_DETECT_MIN claims it), with evidence. */
    unsigned (*detect)(const uint8_t *d, size_t n, char *evidence, size_t evsz);
    /* The checksum blocks of the image, or NULL when the family has no known layout. */
    int (*layout)(const uint8_t *d, size_t n, struct blk_list *out);
    /* Optional: after verification, whether the verified blocks of the image fit this layout
       at all (0: they are another layout, reported as no-layout rather than as a damaged
       file). */
    int (*accept)(const uint8_t *d, size_t n, size_t nblocks, const ecu_block *verified);
    /* Optional: the size in bytes of the flash that the documented layout implies for this
       image (a fixed size, the end a table or header names, the size of the variant its
       structure selects), 0 when not known; @p cover is the end of the bytes the layout's
       blocks cover (ranges and slots, in the image or past its end). The engine takes the
       larger of the two (lib/csum.c extent_check): an image shorter than that is truncated
       (verdict bad, never a shorter layout), a longer one is reported. It must not depend on
       the image's size alone where the structure says otherwise: a 1 MiB layout cut to
       512 KiB must still say 1 MiB. */
    uint64_t (*extent)(const uint8_t *d, size_t n, uint64_t cover);
    /* Optional: the identification fields of an image this family claimed. */
    family_identify_fn identify;
    /* Optional: the fields of this family's structures in an image no family claims. */
    family_identify_fn identify_unclaimed;
    /* Non-zero: a FORCED-ONLY family, for layouts with a public algorithm but no public
       signature by which their files could be recognised (detection would rest on the file
       size alone, and claim random files). Detection skips it (the engine never calls its
       `detect`, which returns 0 for any code that walks the registry), so it never claims an
       image; it is used only when the caller names it
       (ecu_csum_set_family, `ecu-csum --family`). Named, an image outside min_size..max_size
       gets the verdict no-layout with the size in the evidence (its `layout` must add no
       block for such an image either), so a wrong-size file is never corrected. Its
       description says that it is never detected. */
    int forced_only;
    /* Optional: the code and calibration areas of an image this family claimed, where public
       facts give them (the family file names the fact); writes at most @p max of them to
       @p out (any order, not overlapping) and returns how many. Bytes in no area
       are of unknown use. */
    size_t (*areas)(const uint8_t *d, size_t n, struct family_area *out, size_t max);
};

/* An `extent` for a family whose layouts all cover one fixed flash size. */
#define ECU_EXTENT_FIXED(fn, size)                                                             \
    static uint64_t fn(const uint8_t *d, size_t n, uint64_t cover)                             \
    {                                                                                          \
        (void)d;                                                                               \
        (void)n;                                                                               \
        (void)cover;                                                                           \
        return (size);                                                                         \
    }

/* An `extent` for a family whose images state no flash size (windows onto the flash, partial
   reads): the layout's blocks end at @p cover, taken up to the next power of two (flash chips,
   and whole reads of them, come in powers of two) but never past the image's end: an image cut
   after its last block is not called truncated (it may be a partial read), one whose blocks
   run past its end is; an image longer than that power of two is overlong. */
uint64_t ecu__extent_window(const uint8_t *d, size_t n, uint64_t cover);

/* The `detect` of a forced-only family: never a claim (no public signature). */
unsigned ecu__detect_never(const uint8_t *d, size_t n, char *evidence, size_t evsz);

/* Whether the image meets @p f's magics (a family without magics always does). */
int ecu__magics_ok(const struct family *f, const uint8_t *d, size_t n);

/*
 * The checksum analysis under way on this thread (ecu_csum_analyze, from detection to
 * verification): an id no other analysis had, 0 outside one. During one analysis the bytes
 * the families see do not change, so a family may keep what its `detect` found in an image
 * for its `layout` of the same image (same bytes at the same place) in that analysis, keyed
 * by this id; outside an analysis (0) it keeps nothing. The engine begins and ends it.
 */
uint64_t ecu__analysis_id(void);
void ecu__analysis_begin(void);
void ecu__analysis_end(void);

#endif
