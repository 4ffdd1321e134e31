/* SPDX-License-Identifier: MIT */
/*
 * What the unit tests of the identification-only families share (the families with no checksum
 * layout: they claim an image with a score and evidence, verdict no-layout, and refuse every
 * fix): tests/unit/test_csum_delphi_marelli.c, test_csum_simos_me72.c,
 * test_csum_siemens_diesel.c, test_csum_keihin.c and test_csum_bosch_me9.c. It reads their
 * manifests (fixtures/csum/NAME.tsv, written by the generator beside them) and runs the checks
 * they have in common; what is a family's own stays in its test.
 *
 * The manifests: tab-separated, '#' comment lines, numbers in 0x hex or decimal, three kinds of
 * lines whose columns after the kind and FILE differ from manifest to manifest, as the
 * manifest's struct nolayout_format says:
 *   image   FILE  FAMILY SIZE SCORE QUOTE      NOLAYOUT_IMAGE_FAMILY_SIZE_SCORE_QUOTE
 *           FILE  SIZE SCORE                   NOLAYOUT_IMAGE_SIZE_SCORE (one family)
 *           FILE  ...                          NOLAYOUT_IMAGE_OWN (the test's image_line)
 *   marker  FILE  RANGES FAMILY SCORE          NOLAYOUT_MARKER_FAMILY_SCORE
 *           FILE  RANGES FLAG SCORE            NOLAYOUT_MARKER_FLAG_SCORE (one family)
 *           FILE  START-END SCORE              NOLAYOUT_MARKER_RANGE_SCORE (one family)
 *   field   FILE  KEY OFFSET VALUE             NOLAYOUT_FIELD_KEY_OFFSET_VALUE
 *           FILE  KEY VALUE OFFSET             NOLAYOUT_FIELD_KEY_VALUE_OFFSET
 *           FILE  KEY VALUE AT                 NOLAYOUT_FIELD_KEY_VALUE_AT (an offset, never '-')
 * FAMILY '-': no family may claim the image (an image line), the image with the marker damaged
 * is claimed by no family (a marker line); SCORE '-': none (0); QUOTE a string the evidence
 * must hold ('-': none); RANGES "S-E+S-E..." (END exclusive), bytes a family's rules read, the
 * image with every one of them changed claimed with SCORE by FAMILY or, '-', by no family; a
 * marker of a one-family manifest is claimed by that family when it has a score, else by none;
 * FLAG 1 or 0, a family's own meaning (keihin: the sum is balanced again after the damage);
 * OFFSET '-': a derived value (ECU_ID_NO_OFFSET).
 *
 * The checks run under cmocka and fail the running test.
 */
#ifndef NOLAYOUT_CHECKS_H
#define NOLAYOUT_CHECKS_H

#include <stddef.h>
#include <stdint.h>

#include "csum_manifest.h"
#include "ecu/csum.h"
#include "ecu/id.h"

#define NOLAYOUT_MAX_IMAGES 16
#define NOLAYOUT_MAX_MARKERS 64
#define NOLAYOUT_MAX_FIELDS 64

struct nolayout_image {
    char file[64], family[32], quote[64]; /* family "-": no family may claim it */
    size_t size;
    unsigned score; /* 0 when no family may claim it */
    uint8_t *data;
};

struct nolayout_marker {
    size_t image; /* index into images[] */
    uint64_t start[CSUM_MAX_RANGES], end[CSUM_MAX_RANGES];
    size_t nranges;
    char family[32]; /* "-": not claimed */
    unsigned score;  /* 0: none given */
    int flag;        /* NOLAYOUT_MARKER_FLAG_SCORE: the FLAG column is 1 */
};

struct nolayout_field {
    size_t image;
    char key[32], value[64];
    uint64_t offset; /* ECU_ID_NO_OFFSET: a derived value */
};

enum nolayout_image_cols {
    NOLAYOUT_IMAGE_FAMILY_SIZE_SCORE_QUOTE,
    NOLAYOUT_IMAGE_SIZE_SCORE,
    NOLAYOUT_IMAGE_OWN,
};
enum nolayout_marker_cols {
    NOLAYOUT_MARKER_FAMILY_SCORE,
    NOLAYOUT_MARKER_FLAG_SCORE,
    NOLAYOUT_MARKER_RANGE_SCORE,
};
enum nolayout_field_cols {
    NOLAYOUT_FIELD_NONE, /* no field lines */
    NOLAYOUT_FIELD_KEY_OFFSET_VALUE,
    NOLAYOUT_FIELD_KEY_VALUE_OFFSET,
    NOLAYOUT_FIELD_KEY_VALUE_AT,
};

struct nolayout_manifest;

/* A test's manifest and families. */
struct nolayout_format {
    const char *tsv;               /* fixtures/csum/TSV */
    const char *const *families;   /* the families under test ("ours"); the first is the family
                                      of a one-family manifest's images and markers */
    size_t nfamilies;
    enum nolayout_image_cols image;
    enum nolayout_marker_cols marker;
    enum nolayout_field_cols field;
    /* NOLAYOUT_IMAGE_OWN: reads image line @p f (@p nf columns, f[0] "image", f[1] FILE) into
       image @p i (file, family families[0] and quote "" are set): its size and score, and what
       the test keeps of it; 0, or -1 when the line is not understood. */
    int (*image_line)(struct nolayout_image *x, size_t i, char *const *f, size_t nf);
    /* After nolayout_check_claimed, wherever a check here expects an image claimed by detection
       with a score (each image, a damaged one still claimed, a string written in: not forced,
       not cut): the family's own checks of the analysed image (NULL: none). */
    void (*detected)(ecu_csum *cs, const char *what);
    /* setup fails with fewer lines of a kind than these */
    size_t min_images, min_markers, min_fields;
};

struct nolayout_manifest {
    const struct nolayout_format *format;
    struct nolayout_image images[NOLAYOUT_MAX_IMAGES];
    size_t nimages;
    struct nolayout_marker markers[NOLAYOUT_MAX_MARKERS];
    size_t nmarkers;
    struct nolayout_field fields[NOLAYOUT_MAX_FIELDS];
    size_t nfields;
};

/* ---- the manifest and the images (for setup and teardown: these report, never fail) ---------- */

/* Reads fixtures/csum/FORMAT->tsv and loads every image it names; 0, or -1 after saying why. */
int nolayout_load(struct nolayout_manifest *m, const struct nolayout_format *format);
void nolayout_free(struct nolayout_manifest *m);

/* Defines `static struct nolayout_manifest VAR` and the cmocka group setup and teardown `setup`
 * and `teardown` that load it with FORMAT (a struct nolayout_format) and free it. */
#define NOLAYOUT_GROUP(var, format)                                                                \
    static struct nolayout_manifest var;                                                           \
    static int setup(void **state)                                                                 \
    {                                                                                              \
        (void)state;                                                                               \
        return nolayout_load(&var, &(format));                                                     \
    }                                                                                              \
    static int teardown(void **state)                                                              \
    {                                                                                              \
        (void)state;                                                                               \
        nolayout_free(&var);                                                                       \
        return 0;                                                                                  \
    }

/* The image called @p file; fails the test when there is none. */
const struct nolayout_image *nolayout_image_named(const struct nolayout_manifest *m,
                                                  const char *file);

/* ---- single checks of an analysed image ------------------------------------------------------ */

/* The analysed image is @p family's, alone (one candidate), with @p score (0: any): verdict
 * no-layout, no block, no bad block, evidence printable and not empty, a fix refused, and the
 * handle's image still @p d (@p n bytes). */
void nolayout_check_claimed(ecu_csum *cs, const uint8_t *d, size_t n, const char *family,
                            unsigned score, const char *what);
/* The analysed image is claimed by no family: no family, verdict unknown, and csum_assert_unknown
 * (no block, a fix refused, the image still @p d). */
void nolayout_check_unknown(ecu_csum *cs, const uint8_t *d, size_t n, const char *what);
/* No family of @p m's claims the analysed image nor is a candidate for it. */
void nolayout_check_not_ours(const struct nolayout_manifest *m, ecu_csum *cs, const char *what);
/* @p s written at @p at of a copy of image @p x: claimed as @p x is (@p claimed: family, score,
 * the format's detected check), or by no family at all. */
void nolayout_put_check(const struct nolayout_manifest *m, ecu_csum *cs,
                        const struct nolayout_image *x, size_t at, const char *s, int claimed);

/* ---- the checks the families share ----------------------------------------------------------- */

/* The registry's entry of @p family (csum_family_info): manufacturer @p manufacturer, verifies
 * quoting @p verifies, a description saying "identification only", corrects nothing, sources
 * quoting @p source. */
void nolayout_check_registry(const char *family, const char *manufacturer, const char *verifies,
                             const char *source);
/* Each image analysed: one of family '-' claimed by none (nolayout_check_unknown), every other
 * claimed by its family with its score, the evidence quoting its QUOTE; every family of @p m has
 * an image. Returns how many images no family claims. */
size_t nolayout_check_images(const struct nolayout_manifest *m);
/* Each family of @p m named with ecu_csum_set_family: every image is that family's, score 100,
 * still no layout, the fix still refused. */
void nolayout_check_forced(const struct nolayout_manifest *m);

struct nolayout_damage {
    size_t min_gone, min_weaker; /* at least so many markers not claimed / claimed weaker */
    int same_score;              /* a claimed damaged image may keep the image's score (else it
                                    must be lower) */
    /* NULL, or called on each damaged copy of image @p image before it is analysed; returns what
       the failure messages add ("" for nothing). */
    const char *(*after)(uint8_t *copy, size_t image, const struct nolayout_marker *mk);
};
/* Each marker's ranges changed (every byte XOR 0x5A) in a copy of its image: claimed by its
 * family with its score (and a lower score than the image's, @p d->same_score aside), or by no
 * family (nolayout_check_unknown). Prints and checks the counts. */
void nolayout_check_damaged(const struct nolayout_manifest *m, const struct nolayout_damage *d);

/* For each of the @p nsizes sizes @p sizes (index i) and each variant k < @p nvariants, a buffer
 * of csum_random_buffer(size, @p seed + @p step * i + k), all 0xFF for k = 1, and for k >= 2 as
 * @p variant makes it: claimed by no family of @p m's (nolayout_check_not_ours). */
void nolayout_check_random(const struct nolayout_manifest *m, const size_t *sizes, size_t nsizes,
                           size_t nvariants, uint32_t seed, uint32_t step,
                           void (*variant)(uint8_t *d, size_t n, size_t i, size_t k));
/* Every fixture image of fixtures/csum whose name starts with none of the @p nours prefixes
 * @p ours: claimed by no family of @p m's, nor a candidate; at least @p min of them. */
void nolayout_check_other_fixtures(const struct nolayout_manifest *m, const char *const *ours,
                                   size_t nours, size_t min);

struct nolayout_cuts {
    const size_t *fixed; /* lengths to cut each image to */
    size_t nfixed;
    int skip_unclaimed;  /* images of family '-' are not cut */
    void (*each)(const uint8_t *d, size_t n); /* NULL, or called on each cut copy */
};
/* Each image cut (each copy exactly that long, so ASan sees any read past it) to the lengths
 * @p c->fixed, half its size, its size less one and the middle and end of each range of its
 * markers (at most 64 lengths, those shorter than the image): unknown, or claimed by the image's
 * family alone with no layout (nolayout_check_claimed, any score). */
void nolayout_check_truncated(const struct nolayout_manifest *m, const struct nolayout_cuts *c);

/* csum_check_corpus_claims: over the real dumps of ../shared/corpus (or $ECU_CORPUS), the families
 * of @p m claim nothing outside the corpus folders @p folders; skips the running test when the
 * corpus is absent. */
void nolayout_check_corpus(const struct nolayout_manifest *m, const char *const *folders,
                           size_t nfolders);

/* For each field line: the field reported by ecu_id on its image (its offset, unless a derived
 * value: any offset), and the image identified as its family when it has one. Prints and returns
 * how many. */
size_t nolayout_check_fields(const struct nolayout_manifest *m);

#endif
