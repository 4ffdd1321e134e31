/* SPDX-License-Identifier: MIT */
/*
 * The family registry: one descriptor per ECU family (lib/families/NAME.c), in one ordered
 * table (lib/families/registry.c). A family detects its images with a score and lays out
 * their checksum blocks as data; lib/csum.c verifies and corrects any layout.
 */
#ifndef ECU_FAMILY_PRIVATE_H
#define ECU_FAMILY_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "ecu/checksum.h"
#include "ecu/csum.h"

#define ECU_BLK_MAX_RANGES 16 /* Continental Simos security headers: up to 16 */

enum blk_kind {
    BK_SUM,     /* sum of words over the ranges, stored (optionally with its complement) */
    BK_SELFSUM, /* the 32-bit word sum of the ranges, slot included, equals `target` */
    BK_CRC,     /* CRC over the ranges, stored */
    BK_CRC_TARGET, /* CRC over one range, slot included, equals `target`; the slot compensates */
    BK_CUSTOM,  /* family-specific computation, stored */
    BK_SIGNATURE, /* a signature: verified by `check`, never recomputed or written */
};

struct blk;
typedef uint64_t (*blk_compute_fn)(const uint8_t *img, size_t size, const struct blk *b);
/* A signature check: non-zero when it verifies; may report a digest prefix in the values. */
typedef int (*blk_check_fn)(const uint8_t *img, size_t size, const struct blk *b,
                            uint64_t *stored, uint64_t *computed);

struct blk {
    char name[64];
    char algo[48];
    enum blk_kind kind;
    ecu_range ranges[ECU_BLK_MAX_RANGES];
    size_t nranges;
    /* BK_SUM and BK_SELFSUM: word size 1/2/4, endianness, accumulator bits, initial value */
    unsigned word_bytes, acc_bits;
    int word_be;
    uint64_t init;
    /* where the value lives: offset, 1/2/4 bytes, endianness; `pair`: its complement follows */
    uint64_t store_off;
    unsigned store_bytes;
    int store_be, pair;
    /* BK_SELFSUM, BK_CRC_TARGET: the constant; the slot at store_off is the compensation word */
    uint64_t target;
    /* BK_CRC, BK_CRC_TARGET: the parameters, held by value */
    ecu_crc_params crc;
    /* BK_CUSTOM */
    blk_compute_fn compute;
    /* BK_SIGNATURE: the check, and where the signature lies (store_off, sig_bytes) */
    blk_check_fn check;
    unsigned sig_bytes;
};

struct blk_list {
    struct blk *v;
    size_t n, cap;
};

/* Appends a block; returns ECU_OK or ECU_ERR_NOMEM. */
int ecu__blk_add(struct blk_list *l, const struct blk *b);

/*
 * The first occurrence of @p pat (@p m bytes) in @p hay (@p n bytes), or NULL: memchr on the
 * pattern's byte (not 0x00 or 0xFF, when it has another) that is rarest in four samples of
 * the haystack, then a compare. Several
 * times faster than glibc's memmem on megabytes of code and fill.
 */
const uint8_t *ecu__memfind(const uint8_t *hay, size_t n, const void *pat, size_t m);
/* The index of the byte of @p pat to search for: a literal byte (mask 0xFF, or any with
   @p mask NULL) that is rarest in samples of @p hay, not 0x00 or 0xFF when there is another;
   @p m when the pattern has no literal byte. */
size_t ecu__anchor(const uint8_t *hay, size_t n, const uint8_t *pat, const uint8_t *mask, size_t m);
/* ecu__memfind with the anchor index @p a (< @p m) chosen by the caller: for loops that search
   the same pattern again and again, the samples are taken once. */
const uint8_t *ecu__memfind_at(const uint8_t *hay, size_t n, const void *pat, size_t m, size_t a);

/* Bounds-checked little/big-endian reads of the image (0 beyond the end). */
uint32_t ecu__rd32(const uint8_t *d, size_t n, uint64_t off, int be);
uint16_t ecu__rd16(const uint8_t *d, size_t n, uint64_t off, int be);

/* ---- the Bosch C167 families (lib/families/c167.c) ---------------------------------------- */

/* @p b as LE16 words of its ranges added into 32 bits, stored LE32 at @p store (@p pair: with
   its complement after it). */
void ecu__c167_sum16(struct blk *b, uint64_t store, int pair);
/* @p b as the program-pages sum: the first and last LE16 word of every 8 KiB page that lies
   wholly in its ranges, added into 32 bits, stored LE32 at @p store (a BK_CUSTOM block). */
void ecu__c167_page_blk(struct blk *b, uint64_t store);
uint64_t ecu__c167_page_sum(const uint8_t *img, size_t size, const struct blk *b);
/* A BK_CUSTOM computation that never matches the 8 bytes at store_off: a record that cannot
   be checked is bad and is never corrected. */
uint64_t ecu__c167_unusable(const uint8_t *img, size_t size, const struct blk *b);
/* The first occurrence of @p pat at an even offset at or after @p from, or UINT64_MAX. */
uint64_t ecu__c167_find(const uint8_t *d, size_t n, uint64_t from, const void *pat, size_t m);
/* Whether [s, e] (inclusive) is a word-sum range of an @p n byte image. */
int ecu__c167_mp_range_ok(uint32_t s, uint32_t e, size_t n);

/* A multipoint table: records from `at`, at most `max`. With `last` (the offset of its end
   record, not before `at`; `max` is then unused) every record up to that one is checked, a record whose range is none being a bad
   block; without, the table ends at the first record whose range is none. Addresses below
   `base` are skipped (the C167's own ROM), the others have `base` subtracted, then
   `shift(start)` when given (file layouts that leave out part of the address space). */
struct c167_mp {
    uint64_t at, last;
    unsigned max;
    uint32_t base;
    uint32_t (*shift)(uint32_t start, size_t n);
};
int ecu__c167_mp(const uint8_t *d, size_t n, const struct c167_mp *t, struct blk_list *out);

/* ---- Siemens MS4x (lib/families/siemens_ms4x.c) ----------------------------------------- */

/* The ident record "5WK9" 4-6 digits "--" 10 digits "MS4<digit>" at @p at: the length of its
   part number ("5WK9" and the digits; the family name "MS4<digit>" lies 12 bytes after it),
   0 when there is none. */
size_t ecu__ms4x_record(const uint8_t *d, size_t n, size_t at);

/* ---- Denso (lib/families/denso_subaru.c) ------------------------------------------------- */

/* The CAL ID of a Denso Subaru ROM, as detection finds it: 1 (32-bit ROM, at 0x2000 or 0x2004;
   6 to 8 characters), 2 (160/192 KiB ROM, at 0x200), 3 (the diesel ROM ID at 0x4000, the CAL
   ID its last 8 non-blank characters), 0 when there is none; @p at and @p len: where it lies. */
int ecu__subaru_cal_id(const uint8_t *d, size_t n, uint64_t *at, size_t *len);

/* @p b as a Denso checksum record (denso-subaru, denso-mazda-nc): the BE32 at @p store is
   0x5AA5A55A minus the sum of the BE32 words of [start, end) (a BK_CUSTOM block). */
void ecu__denso_rec(struct blk *b, uint64_t start, uint64_t end, uint64_t store);

/* ---- Continental Simos (lib/families/continental_simos.c), for identification ------------- */

/* The project-ID places of a Simos generation, in block order (the CAL block last). */
struct ecu__simos_ids {
    const char *name;          /* the generation ("Simos18.1") */
    size_t nb;
    const char *block[5];      /* block names ("CBOOT", ..., "CAL") */
    uint64_t id_at[5];         /* file offsets of the project IDs */
    size_t id_len[5];
    uint64_t cal;              /* file offset of the CAL block */
};
/* The generation of the image's size whose project-ID prefix the most blocks carry (the first
   such in the family's table): 1 with @p out filled, 0 when no block carries one. */
int ecu__simos_ids(const uint8_t *d, size_t n, struct ecu__simos_ids *out);

struct family {
    ecu_family_info info;
    size_t min_size, max_size;
    /* Score 0-100 that the image belongs here (>= ECU_DETECT_MIN claims it), with evidence. */
    unsigned (*detect)(const uint8_t *d, size_t n, char *evidence, size_t evsz);
    /* The checksum blocks of the image, or NULL when the family has no known layout. */
    int (*layout)(const uint8_t *d, size_t n, struct blk_list *out);
    /* Optional: after verification, whether the verified blocks of the image fit this layout
       at all (0: they are another layout, reported as no-layout rather than as a damaged
       file). */
    int (*accept)(const uint8_t *d, size_t n, size_t nblocks, const ecu_block *verified);
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
};

#define ECU_DETECT_MIN 50

/* The `detect` of a forced-only family: never a claim (no public signature). */
unsigned ecu__detect_never(const uint8_t *d, size_t n, char *evidence, size_t evsz);

/* Detection alone, for the other parts of the library (identification): the family,
   score, evidence and candidates of ecu_csum_analyze, without copying the image, laying out
   or verifying anything; the handle then holds no image (nothing to verify or correct).
   ECU_OK or ECU_ERR_INVALID. */
int ecu__csum_detect(ecu_csum *cs, const uint8_t *data, size_t size);

extern const struct family *const ecu__families[];
extern const size_t ecu__nfamilies;

/* The families, each in lib/families/NAME.c */
extern const struct family ecu__family_bosch_edc15;
extern const struct family ecu__family_bosch_edc16;
extern const struct family ecu__family_bosch_edc17;
extern const struct family ecu__family_bosch_me7_vag;
extern const struct family ecu__family_bosch_me7_volvo;
extern const struct family ecu__family_bosch_m1x_bmw;
extern const struct family ecu__family_bosch_dme_bmw;
extern const struct family ecu__family_bosch_m43_volvo;
extern const struct family ecu__family_bosch_m44_volvo;
extern const struct family ecu__family_bosch_m3x_m5x;
extern const struct family ecu__family_bosch_m797;
extern const struct family ecu__family_bosch_m797_china;
extern const struct family ecu__family_bosch_m798;
extern const struct family ecu__family_bosch_me745;
extern const struct family ecu__family_siemens_ms42;
extern const struct family ecu__family_siemens_ms43;
extern const struct family ecu__family_siemens_ms45;
extern const struct family ecu__family_denso_subaru;
extern const struct family ecu__family_denso_mazda_nc;
extern const struct family ecu__family_denso_mazdaspeed6;
extern const struct family ecu__family_mitsubishi_evox;
extern const struct family ecu__family_delphi_multec;
extern const struct family ecu__family_delphi_multec_s;
extern const struct family ecu__family_marelli_iaw_1ap;
extern const struct family ecu__family_marelli_iaw_1av;
extern const struct family ecu__family_marelli_iaw_4lv;
extern const struct family ecu__family_marelli_mjd_6jf;
extern const struct family ecu__family_hitachi_nissan;
extern const struct family ecu__family_continental_simos;
extern const struct family ecu__family_sim2k;
/* forced-only (never detected): lib/families/siemens_gs20.c, hitachi_subaru.c */
extern const struct family ecu__family_siemens_gs20;
extern const struct family ecu__family_hitachi_subaru_sh72543r;

#endif
