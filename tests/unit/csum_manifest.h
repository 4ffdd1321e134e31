/* SPDX-License-Identifier: MIT */
/*
 * What the checksum-family unit tests (tests/unit/test_csum_*.c) share: reading a manifest of
 * synthetic images (fixtures/csum/expected.tsv, edc15-expected.tsv, motronic_old.tsv, written
 * by the generators beside them), loading the images it names, and the checks every family
 * gets from it.
 *
 * The manifest: tab-separated, '#' comment lines, numbers in 0x hex or decimal.
 *   image  FILE  FAMILY  SIZE  BLOCKS  BAD  GOOD  OUTSIDE
 *   block  FILE  INDEX  START  END  STORE_OFFSET  STORE_BYTES  STORED  CORRECT  SLOT  PROBE
 *   block  FILE  INDEX  RANGES  STORE_OFFSET  STORE_BYTES  STORED  CORRECT  SLOT  PROBE
 *   ident  FILE  OFFSET  LENGTH
 *   probe  FILE  OFFSET  BLOCKS
 *   struct FILE  START  END  NAME
 *   evidence FILE  START  END  NAME
 * GOOD is the good image a -bad variant was made from ('-' for a good image); OUTSIDE a byte
 * in no block's range or slot ('-' when every byte is covered); RANGES "S-E+S-E..." (END
 * exclusive); SLOT the hex bytes the slot holds once the image is corrected; PROBE a data byte
 * of this block's ranges only (no other range, no slot; '-' when there is none: the block's
 * data bytes all feed other blocks too); ident lines name the identification of the image;
 * probe lines a data byte and the blocks whose checksum it feeds (comma-separated indices),
 * for layouts whose blocks overlap; struct lines a byte range [START, END) of a good image that
 * the family parses to find its layout (record tables, block headers, descriptors, markers,
 * pointer tables, range tables, the code patterns that lead to addresses, the version or marker
 * bytes that select a layout variant), as the generator placed it, NAME saying what it is (no
 * tab), exactly the bytes whose every bit the family's detection or layout depends on: every
 * bit of it flipped, the image must not verify (tests/unit/test_csum_mutation.c); evidence
 * lines the same for bytes the family reads whose value the layout does not depend on
 * (identification that only raises the detection score or of which one copy of two is
 * enough, the entry read to end a table, a field checked for its form only: a block type any
 * known type passes, digits any digit passes, an address bit whose two values name the same
 * byte): every bit flipped, the image may still verify with the same layout, never with
 * another.
 * Manifests of other formats (me7-vag.tsv, me7-vag-rsa.tsv) carry struct (and evidence) lines
 * too: see csum_read_structs.
 *
 * The checks run under cmocka and fail the running test.
 */
#ifndef CSUM_MANIFEST_H
#define CSUM_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "ecu/csum.h"

#define CSUM_MAX_IMAGES 24
#define CSUM_MAX_BLOCKS 64 /* a set of blocks is a uint64_t, bit k for block k */
#define CSUM_MAX_RANGES 128 /* a program-pages block: the two words of every page */
#define CSUM_MAX_SLOT 8
#define CSUM_MAX_IDENTS 4
#define CSUM_MAX_PROBES 64
#define CSUM_MAX_STRUCTS 128
#define CSUM_NONE UINT64_MAX /* '-' for OUTSIDE or PROBE */

/* A struct (or evidence) line: bytes [start, end) of image @c file that the family parses. */
struct csum_struct {
    char file[64], name[48];
    uint64_t start, end;
    int evidence; /* an evidence line: the layout does not depend on these bytes' value */
};

struct csum_block {
    uint64_t start[CSUM_MAX_RANGES], end[CSUM_MAX_RANGES]; /* [start, end) */
    size_t nranges;
    uint64_t slot, stored, correct, probe;
    unsigned bytes;               /* of the slot */
    uint8_t fixed[CSUM_MAX_SLOT]; /* the slot once the image is corrected */
};

struct csum_image {
    char file[64], family[32], good[64];
    size_t size, nblocks, nbad, nidents;
    uint64_t outside, ident_at[CSUM_MAX_IDENTS], ident_len[CSUM_MAX_IDENTS];
    size_t nprobes;
    uint64_t probe_at[CSUM_MAX_PROBES], probe_feeds[CSUM_MAX_PROBES];
    struct csum_block b[CSUM_MAX_BLOCKS];
    size_t nstructs;
    struct csum_struct structs[CSUM_MAX_STRUCTS];
    uint8_t *data; /* loaded with ecu_image_load_file */
};

struct csum_manifest {
    struct csum_image images[CSUM_MAX_IMAGES];
    size_t nimages;
    /* 0 after loading: the checks below analyse with detection. Set by the test of
       forced-only families (never detected, lib/core/family.h): the checks then name each
       image's family with ecu_csum_set_family before analysing it, as ecu-csum --family does
       (candidate: that family alone, score 100). */
    int forced;
};

/* ---- the manifest and the images (for setup and teardown: these report, never fail) -------- */

/* Reads the manifest at @p path and loads every image it names from the manifest's folder;
 * 0, or -1 after saying why (and with nothing left to free). */
int csum_manifest_load(struct csum_manifest *m, const char *path);
void csum_manifest_free(struct csum_manifest *m);
/* Whether every block of every image has a slot of @p bytes bytes. */
int csum_manifest_slot_bytes(const struct csum_manifest *m, unsigned bytes);
/* csum_manifest_load, then every slot must be @p bytes bytes (0: any size); 0, or -1 after
 * saying why (and with nothing left to free). */
int csum_manifest_load_slots(struct csum_manifest *m, const char *path, unsigned bytes);

/* For a test file whose group fixture is its manifest: defines `static struct csum_manifest
 * VAR` and the cmocka group setup and teardown `setup` and `teardown`. setup loads
 * fixtures/csum/FILE (a string literal) with csum_manifest_load_slots(.., SLOT_BYTES) and sets
 * VAR.forced to FORCED; teardown frees it. */
#define CSUM_MANIFEST_GROUP(var, file, slot_bytes, forced_)                                       \
    static struct csum_manifest var;                                                              \
    static int setup(void **state)                                                                \
    {                                                                                             \
        (void)state;                                                                              \
        if (csum_manifest_load_slots(&var, ECU_FIXTURES_DIR "/csum/" file, slot_bytes))           \
            return -1;                                                                            \
        var.forced = forced_;                                                                     \
        return 0;                                                                                 \
    }                                                                                             \
    static int teardown(void **state)                                                             \
    {                                                                                             \
        (void)state;                                                                              \
        csum_manifest_free(&var);                                                                 \
        return 0;                                                                                 \
    }

const struct csum_image *csum_find_image(const struct csum_manifest *m, const char *file);
/* csum_find_image for a test: fails the test when @p m has no image called @p file. */
const struct csum_image *csum_image(const struct csum_manifest *m, const char *file);
int csum_is_good(const struct csum_image *x);

/* ---- helpers --------------------------------------------------------------------------------- */

uint8_t *csum_dup(const uint8_t *p, size_t n);
/* @p n bytes of xorshift32 from @p seed. */
uint8_t *csum_random_buffer(size_t n, uint32_t seed);
/* A copy of @p x's bytes (malloc'ed) with its identification (the ident lines) erased to 0xFF. */
uint8_t *csum_without_idents(const struct csum_image *x);
/* Whether @p f is one of the @p n families named @p names (a NULL @p f is not). */
int csum_is_one_of(const ecu_family_info *f, const char *const *names, size_t n);
int csum_in_block(const struct csum_block *b, uint64_t off);
/* Whether @p off lies in the slot of any block of @p x. */
int csum_in_slot(const struct csum_image *x, uint64_t off);

void csum_analyze(ecu_csum *cs, const uint8_t *d, size_t n);
void csum_assert_verdict(const ecu_csum *cs, ecu_verdict want, const char *what);
/* The analysed image is claimed by no family: verdict unknown, no block, a correction refused;
 * with @p d, the handle's image is still @p d (@p n bytes). */
void csum_assert_unknown(ecu_csum *cs, const uint8_t *d, size_t n, const char *what);
/* The handle's image is exactly @p want. */
void csum_assert_image(const ecu_csum *cs, const uint8_t *want, size_t n, const char *what);
/* The ranges block @p k of the analysed image @p d (@p n bytes, good) reports are exactly the
 * bytes it covers: a byte changed at the start or at the last byte of each range makes block
 * @p k bad, one changed just before or just after a range (in none of its ranges, not its
 * slot, not a byte the layout is found by: the nearest such within 16 bytes) leaves it ok;
 * the other blocks are not looked at. The changed copies are analysed with the detected
 * family named, which is unnamed again at the end. Returns the number of bytes the ranges
 * hold. */
uint64_t csum_check_coverage(ecu_csum *cs, const uint8_t *d, size_t n, size_t k, const char *what);
/* Family and block layout (ranges, slots) as in the manifest. */
void csum_check_layout(const ecu_csum *cs, const struct csum_image *x);
/* @p x analysed with its family named: ok when it is a good image, else bad, with the
 * manifest's layout (the family stays named on the handle). */
void csum_check_named(ecu_csum *cs, const struct csum_image *x);
/* The analysed copy of @p x is bad in the blocks of @p bad, the others verify with the
 * manifest's values (a block covering a bad block's slot: with any value). */
void csum_check_bad_set(const ecu_csum *cs, const struct csum_image *x, uint64_t bad,
                        const char *what);
/* Corrects the analysed copy @p in of @p x whose bad blocks are @p bad: those blocks are fixed,
 * only their slots change (and the slots of blocks covering those), the result verifies, a
 * second correction changes nothing; returns the corrected image (malloc'ed). */
uint8_t *csum_fix_checked(ecu_csum *cs, const struct csum_image *x, uint64_t bad,
                          const uint8_t *in, const char *what);
/* @p copy is the good image @p x with block @p k's slot changed: k is bad, and so is every block
 * whose ranges cover a changed byte; the correction gives back @p x byte for byte. */
void csum_check_wrong_slot(ecu_csum *cs, const struct csum_image *x, size_t k,
                           const uint8_t *copy, const char *what);
/* csum_check_wrong_slot with byte @p byte of block @p k's slot changed. */
void csum_check_slot_byte(ecu_csum *cs, const struct csum_image *x, size_t k, unsigned byte);
/* csum_check_slot_byte for every byte of block @p k's slot (a callback for
 * csum_for_each_good_block). */
void csum_check_slot_bytes(ecu_csum *cs, const struct csum_image *x, size_t k);
/* The registry's entry of family @p name; fails the test unless it is registered exactly once
 * with a manufacturer, a description and sources. */
const ecu_family_info *csum_family_info(const char *name);
/* @p fn(cs, file, data, size) for every fixture image fixtures/csum/NAME.bin.gz whose name starts
 * with none of the @p nskip prefixes @p skip, loaded with one image handle and given one
 * checksum handle; returns how many. */
size_t csum_for_each_fixture(const char *const *skip, size_t nskip,
                             void (*fn)(ecu_csum *cs, const char *file, const uint8_t *d,
                                        size_t n));

/* @p check(cs, x, k) for each block k of each good image x, with one handle for all. */
void csum_for_each_good_block(const struct csum_manifest *m,
                              void (*check)(ecu_csum *cs, const struct csum_image *x, size_t k));

/* ---- the checks every family gets ------------------------------------------------------------ */

/* Each good image verifies with the manifest's blocks and values, is one family's only, a
 * correction changes nothing, nor does a byte outside every block; returns how many. */
size_t csum_check_good_images(const struct csum_manifest *m);
/* Each of the @p n families @p names has a good image in @p m. */
void csum_check_families_covered(const struct csum_manifest *m, const char *const *names,
                                 size_t n);
/* In each good image, each block's probe byte flipped: exactly that block is bad, and the
 * correction verifies; the byte put back, the correction is the good image. */
void csum_check_flip_each_block(const struct csum_manifest *m);
/* In each good image, each probe line's byte flipped: exactly the blocks it feeds are bad, and
 * the correction verifies; the byte put back, the correction is the good image; returns how
 * many probes. */
size_t csum_check_probes(const struct csum_manifest *m);
/* Each -bad variant is bad in the manifest's blocks and corrected to its slot bytes; with the
 * changed data bytes put back, the correction is the good image; returns how many. */
size_t csum_check_bad_variants(const struct csum_manifest *m);

/* The columns of a line of the corpus's MANIFEST.tsv (file bytes sha256 manufacturer family
 * source expected oracle notes). */
#define CSUM_CORPUS_COLS 9

/* For each real dump that ../shared/corpus/MANIFEST.tsv (or $ECU_CORPUS's) lists, in its
 * order: unless @p want (when given) says no to the line's columns, the dump is loaded and
 * @p fn(ctx, col, d, n) called. col[] holds the first CSUM_CORPUS_COLS tab-separated columns
 * (NULL past the line's end); the header line, and lines of fewer than 5 columns, are passed
 * over. 0 when the corpus is absent (the caller skips), else 1. */
int csum_for_each_corpus_dump(int (*want)(void *ctx, char *const *col),
                              void (*fn)(void *ctx, char *const *col, const uint8_t *d, size_t n),
                              void *ctx);

/* Over the real dumps of ../shared/corpus (or $ECU_CORPUS): the families @p families claim
 * nothing outside the corpus folders @p folders. 0 when the corpus is absent (the caller
 * skips), else 1. */
int csum_check_corpus_claims(const char *const *families, size_t nfamilies,
                             const char *const *folders, size_t nfolders);

/* The struct and evidence lines of the manifest at @p path, whatever its other lines (any
 * format of fixtures/csum/: the lines of other kinds are passed over), in their order, into
 * @p out (at most @p max); the number read, or -1 after saying why (a struct or evidence line
 * not understood, more than @p max, no such file). */
long csum_read_structs(const char *path, struct csum_struct *out, size_t max);

/* Manifest field parsers, shared with tests that read their own manifest formats:
   a number (decimal or 0x hex), @p n bytes written as 2n hex digits, a line split at tabs. */
int csum_parse_u64(const char *s, uint64_t *v);
int csum_parse_hex(const char *s, uint8_t *out, unsigned n);
size_t csum_split(char *line, char **f, size_t max);

#endif
