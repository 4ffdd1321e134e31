/* SPDX-License-Identifier: MIT */
/*
 * Continental (Siemens VDO) Simos 8/10/12/16/18 full flash dumps and Hyundai/Kia SIM2K CBOOT
 * images (Infineon TriCore, little-endian).
 *
 * Public sources:
 * - bri3d/VW_Flash lib/checksum.py (the security header and its CRC, the ECM3 monitor sum),
 *   lib/fastcrc.py (the CRC: poly 0x04C11DB7, not reflected, xorout 0),
 *   lib/modules/simosshared.py (header places, project-ID places, ECM3 table places and the
 *   0x20000000 cached/uncached shift), lib/modules/simos8.py, simos10.py, simos12.py,
 *   simos122.py, simos16.py, simos18.py, simos1810.py, simos184.py (block base addresses,
 *   lengths, offsets in a full dump, project names), docs/rsa.md (the RSA block signatures);
 * - naamons/sim2k-patch-generator clams_level2.py (SIM2K: CRC headers at 0x300/0x340, CRC1
 *   absolute, CRC2 relative to its first range, header init used, CBOOT base addresses
 *   0x80010000/0x80020000, the DevMode hook code used here as the CBOOT's signature).
 *
 * continental-simos. A full dump holds its blocks at fixed offsets per generation:
 *
 *   variant          size   CBOOT             ASW1              ASW2              ASW3              CAL
 *   S18.1 (SC8)      4 MiB  0x1C000 8001C000  0x40000 80040000  0x140000 80140000 0x280000 80880000 0x200000 A0800000
 *   S16 (SG1)        4 MiB  0x20000 80020000  as S18.1 ...
 *   S18.10/41 (SCG/SCB) 4 MiB 0x200000 80800000 0x20000 80020000 0x100000 80100000 0x2C0000 808C0000 0x220000 A0820000
 *   S12/S12.2 (SC1/SC2) 4 MiB 0x20000 80020000 0xC0000 800C0000 0x180000 80180000 0x240000 80240000 0x40000 A0040000
 *   S8 (S85)         2 MiB  BOOT 0x20000 80020000, SW 0x80000 80080000, CAL 0x40000 A0040000
 *   S10 (SA..)       2 MiB  BOOT 0xC000 8000C000, SW 0x20000 80020000, CAL 0x1C0000 A01C0000
 *
 * (block lengths as VW_Flash gives them; S16's CBOOT is taken as 0x1FE00, the room before
 * ASW1, VW_Flash reusing S18.1's 0x23E00 there). The project ID (8 ASCII bytes) lies at
 * CBOOT+0x437, ASW1+0x627, ASW2/3+0x203 and CAL+0x23 (S10's BOOT: 5 bytes at 0x41F); its first
 * letters name the generation. A dump is claimed when it has the size of its generation, at least two of its
 * blocks carry the project-ID prefix and at least one security header parses.
 *
 * Security header ("block CRC"): at block+0x300 (CBOOT, ASW1, CAL; S8/S10 all three blocks),
 * block+0x0 (ASW2/ASW3) and a second one at CBOOT+0x340 whose addresses are those of the CBOOT
 * copied to its temporary place (VW_Flash's CBOOT_temp base: 0x80840000 on S16/S18.1,
 * 0x80880000 on S18.10/41, 0x80080000 on S12, the CAL base on S8/S10).
 * LE32 words: +0 initial value, +4 stored CRC, +8 range count, +12 count x (start, end) with
 * inclusive end, absolute addresses; a range maps to (address - block base) within the block.
 * CRC-32 poly 0x04C11DB7, not reflected, xorout 0, continued across the ranges from the initial
 * value (VW_Flash has only seen 0 there and starts from 0; SIM2K uses it). A header whose count
 * is 0 or above 16, or whose ranges leave the block or the file, is a bad block that cannot be
 * corrected (the layout is not guessed).
 *
 * ECM3 monitor sum (S16/S18 only): header at CAL+0x400: +0/+4 stored 64-bit value (high LE32,
 * low LE32), +8/+12 initial value (same form), +16 area count (LE32), +24 the address pairs if
 * that word is non-zero, else the pairs in ASW1 at +0x520, or +0x540 on early ECUs (taken when
 * the first start at +0x520 does not map into CAL). An address maps to address - CAL base, plus
 * 0x20000000 if that is negative (cached addresses). The value is the initial value plus the
 * LE32 words of each [start, end), kept to 64 bits; it is stored at CAL+0x438 instead when the
 * byte there is non-zero. A count of 0 means no ECM3 block.
 *
 * Signatures: Simos18 (and Simos12.1) blocks also carry RSA PKCS#1 v1.5 / SHA-256 signatures
 * (docs/rsa.md): the public keys live in the OTP area (a full read may or may not hold it), and
 * the signed data is the block salted with its addresses and scrambled by an unpublished
 * algorithm. They can be neither verified nor recomputed from the file, so no block stands for them (a block whose status could only be
 * "unknown" would make every stock file bad); the evidence and the manual say so. A corrected
 * file flashes only on an ECU that accepts it (unlocked / patched boot).
 *
 * sim2k. A SIM2K-250/260/305 CBOOT image (the boot read of the whole flash does not contain
 * it), its file offset 0 at 0x80010000 (early SIM2K-250 bootloaders, CBOOT 0xFE00 bytes) or
 * 0x80020000. CRC1 at 0x300: the header above, absolute addresses; CRC2 at 0x340: the same
 * header, its ranges relative to the start of its first range. Claimed on the DevMode hook code
 * (TC1782 or TC1791) together with a CRC1 header that fits one of the two bases.
 */
#include "family.h"
#include "find.h"
#include "read.h"
#include "idformat.h"

#include <stdio.h>
#include <string.h>

#include "text.h"

#define MAX_RANGES 16
#define CRC_POLY 0x04C11DB7u

/* ---- the security header ------------------------------------------------------------------- */

/* A block that never verifies and is never corrected: a header that cannot be used. */
static uint64_t unusable(const uint8_t *img, size_t size, const struct blk *b)
{
    uint32_t v;
    /* the engine evaluates a block only when its slot lies inside the image (csum.c,
       block_in_bounds) */
    (void)ecu__get32(img, size, b->store_off, 0, &v);
    return ~(uint64_t)v;
}

/* Makes @p b (initialised, no range yet) the unusable block of the LE32 slot @p slot. */
static void set_unusable(struct blk *b, uint64_t slot, const char *why)
{
    ecu__blk_custom(b, unusable);
    ecu__blk_store(b, slot, 4, 0, 0);
    ecu__blk_algo(b, "%s", why);
}

/* A parsed security header: its ranges as file ranges and its initial value, or why it cannot
   be used. */
struct hdr {
    ecu_range r[MAX_RANGES];
    uint32_t count, init;
    const char *why;
};

/*
 * The CRC header at file offset @p h: its ranges are addresses; an address a maps to file
 * offset boff + (a - base) and must lie in [boff, boff + blen) and in the file. With
 * @p relative the base is the start of the first range. Returns 1 with @p o filled when the
 * header is usable, else 0 with o->why.
 */
static int parse_header(const uint8_t *d, size_t n, uint64_t h, uint32_t base, uint64_t boff,
                        uint64_t blen, int relative, struct hdr *o)
{
    uint32_t i;
    uint64_t lim = boff + blen < n ? boff + blen : n;
    o->why = NULL;
    if (!ecu__in(n, h, 12)) {
        o->why = "header not in the image";
        return 0;
    }
    /* every read below lies in the 12 + 8 * count bytes from h, checked to be in the image */
    (void)ecu__get32(d, n, h + 8, 0, &o->count);
    if (o->count == 0 || o->count > MAX_RANGES || n - h < 12 + 8 * (uint64_t)o->count) {
        o->why = "header range count unusable";
        return 0;
    }
    if (relative)
        (void)ecu__get32(d, n, h + 12, 0, &base);
    for (i = 0; i < o->count; i++) {
        uint32_t s, e;
        uint64_t fs, fe;
        (void)ecu__get32(d, n, h + 12 + 8 * (uint64_t)i, 0, &s);
        (void)ecu__get32(d, n, h + 16 + 8 * (uint64_t)i, 0, &e);
        if (s < base || e < s) {
            o->why = "header range not in its block";
            return 0;
        }
        fs = boff + (s - base);
        fe = boff + ((uint64_t)e - base) + 1;
        if (fe > lim) {
            o->why = "header range not in its block";
            return 0;
        }
        o->r[i] = (ecu_range){fs, fe};
    }
    (void)ecu__get32(d, n, h, 0, &o->init);
    return 1;
}

/* The block of the CRC header at @p h (parse_header) in @p b, initialised with its name: a
   BK_CRC block, or an unusable one; returns 1 when the header is usable. */
static int crc_header(const uint8_t *d, size_t n, uint64_t h, uint32_t base, uint64_t boff,
                      uint64_t blen, int relative, struct blk *b)
{
    struct hdr p;
    ecu_crc_params c = {32, CRC_POLY, 0, 0, 0, 0};
    uint32_t i;
    if (!parse_header(d, n, h, base, boff, blen, relative, &p)) {
        set_unusable(b, h + 4, p.why);
        return 0;
    }
    c.init = p.init;
    ecu__blk_crc(b, &c);
    for (i = 0; i < p.count; i++)
        ecu__blk_range(b, p.r[i].start, p.r[i].end);
    ecu__blk_store(b, h + 4, 4, 0, 0);
    ecu__blk_algo(b, "crc32 poly 0x04C11DB7 init 0x%08X", (unsigned)p.init);
    return 1;
}

/* ---- continental-simos --------------------------------------------------------------------- */

enum { CBOOT, ASW1, ASW2, ASW3, CAL, NBLK };

struct sblock {
    const char *name;
    uint32_t off, base, len;
    uint16_t id_at, hdr;
    uint32_t temp_base; /* base of the second header at +0x340 (CBOOT), 0: none */
    uint8_t id_len;     /* length of the project ID at id_at */
};

struct variant {
    const char *name, *prefix;
    size_t size;
    int ecm3;
    const char *sig;
    struct sblock b[NBLK];
    size_t nb;
};

static const struct variant variants[] = {
    {"Simos18.1", "SC8", 0x400000, 1, "RSA block signatures not checkable",
     {{"CBOOT", 0x1C000, 0x8001C000, 0x23E00, 0x437, 0x300, 0x80840000, 8},
      {"ASW1", 0x40000, 0x80040000, 0xFFC00, 0x627, 0x300, 0, 8},
      {"ASW2", 0x140000, 0x80140000, 0xBFC00, 0x203, 0x0, 0, 8},
      {"ASW3", 0x280000, 0x80880000, 0x7FC00, 0x203, 0x0, 0, 8},
      {"CAL", 0x200000, 0xA0800000, 0x7FC00, 0x23, 0x300, 0, 8}},
     5},
    {"Simos16", "SG1", 0x400000, 1, NULL,
     {{"CBOOT", 0x20000, 0x80020000, 0x1FE00, 0x437, 0x300, 0x80840000, 8},
      {"ASW1", 0x40000, 0x80040000, 0xFFC00, 0x627, 0x300, 0, 8},
      {"ASW2", 0x140000, 0x80140000, 0xBFC00, 0x203, 0x0, 0, 8},
      {"ASW3", 0x280000, 0x80880000, 0x7FC00, 0x203, 0x0, 0, 8},
      {"CAL", 0x200000, 0xA0800000, 0x7FC00, 0x23, 0x300, 0, 8}},
     5},
    {"Simos18.10", "SCG", 0x400000, 1, "RSA block signatures not checkable",
     {{"CBOOT", 0x200000, 0x80800000, 0x1FE00, 0x437, 0x300, 0x80880000, 8},
      {"ASW1", 0x20000, 0x80020000, 0xDFC00, 0x627, 0x300, 0, 8},
      {"ASW2", 0x100000, 0x80100000, 0xFFC00, 0x203, 0x0, 0, 8},
      {"ASW3", 0x2C0000, 0x808C0000, 0x13FC00, 0x203, 0x0, 0, 8},
      {"CAL", 0x220000, 0xA0820000, 0x9FC00, 0x23, 0x300, 0, 8}},
     5},
    {"Simos18.41", "SCB", 0x400000, 1, "RSA block signatures not checkable",
     {{"CBOOT", 0x200000, 0x80800000, 0x1FE00, 0x437, 0x300, 0x80880000, 8},
      {"ASW1", 0x20000, 0x80020000, 0xDFC00, 0x627, 0x300, 0, 8},
      {"ASW2", 0x100000, 0x80100000, 0xFFC00, 0x203, 0x0, 0, 8},
      {"ASW3", 0x2C0000, 0x808C0000, 0x13FC00, 0x203, 0x0, 0, 8},
      {"CAL", 0x220000, 0xA0820000, 0x9FC00, 0x23, 0x300, 0, 8}},
     5},
    {"Simos12", "SC1", 0x400000, 0, "Simos12.1 RSA block signatures not checkable",
     {{"CBOOT", 0x20000, 0x80020000, 0x1FE00, 0x437, 0x300, 0x80080000, 8},
      {"ASW1", 0xC0000, 0x800C0000, 0xBFC00, 0x627, 0x300, 0, 8},
      {"ASW2", 0x180000, 0x80180000, 0xBFC00, 0x203, 0x0, 0, 8},
      {"ASW3", 0x240000, 0x80240000, 0xBFC00, 0x203, 0x0, 0, 8},
      {"CAL", 0x40000, 0xA0040000, 0x6FC00, 0x23, 0x300, 0, 8}},
     5},
    {"Simos12.2", "SC2", 0x400000, 0, NULL,
     {{"CBOOT", 0x20000, 0x80020000, 0x1FE00, 0x437, 0x300, 0x80080000, 8},
      {"ASW1", 0xC0000, 0x800C0000, 0xBFC00, 0x627, 0x300, 0, 8},
      {"ASW2", 0x180000, 0x80180000, 0xBFC00, 0x203, 0x0, 0, 8},
      {"ASW3", 0x240000, 0x80240000, 0xBFC00, 0x203, 0x0, 0, 8},
      {"CAL", 0x40000, 0xA0040000, 0x6FC00, 0x23, 0x300, 0, 8}},
     5},
    {"Simos8", "S85", 0x200000, 0, NULL,
     {{"BOOT", 0x20000, 0x80020000, 0x13E00, 0x437, 0x300, 0xA0040000, 8},
      {"SW", 0x80000, 0x80080000, 0x17FE00, 0x627, 0x300, 0, 8},
      {"CAL", 0x40000, 0xA0040000, 0x3C000, 0x23, 0x300, 0, 8}},
     3},
    {"Simos10", "SA", 0x200000, 0, NULL,
     {{"BOOT", 0xC000, 0x8000C000, 0x13E00, 0x41F, 0x300, 0xA01C0000, 5},
      {"SW", 0x20000, 0x80020000, 0x19FA00, 0x627, 0x300, 0, 8},
      {"CAL", 0x1C0000, 0xA01C0000, 0x3C000, 0x23, 0x300, 0, 8}},
     3},
};
#define NVARIANTS (sizeof variants / sizeof variants[0])

#define ID_LEN(s) ((size_t)(s)->id_len)

/* How many blocks of @p v carry its project-ID prefix; @p first: the first such block. */
static unsigned id_count(const uint8_t *d, size_t n, const struct variant *v, size_t *first)
{
    size_t i, pl = strlen(v->prefix);
    unsigned m = 0;
    for (i = 0; i < v->nb; i++) {
        uint64_t at = (uint64_t)v->b[i].off + v->b[i].id_at;
        if (id_all(d, n, at, ID_LEN(&v->b[i]), id_print) && !memcmp(d + at, v->prefix, pl)) {
            if (!m && first)
                *first = i;
            m++;
        }
    }
    return m;
}

/* The generation whose project-ID prefix the most blocks carry (NULL when none does); with
   @p sized, only the generations of the image's size are looked at. */
static const struct variant *find_variant(const uint8_t *d, size_t n, int sized, unsigned *ids,
                                          size_t *first)
{
    const struct variant *best = NULL;
    unsigned bm = 0;
    size_t i, f = 0, bf = 0;
    for (i = 0; i < NVARIANTS; i++) {
        unsigned m;
        if (sized && variants[i].size != n)
            continue;
        m = id_count(d, n, &variants[i], &f);
        if (m > bm) {
            bm = m;
            best = &variants[i];
            bf = f;
        }
    }
    if (ids)
        *ids = bm;
    if (first)
        *first = bf;
    return best;
}

/* The security-header blocks of block @p k of @p v; returns how many parse. */
static unsigned block_headers(const uint8_t *d, size_t n, const struct sblock *s,
                              struct blk_list *out, int *err)
{
    unsigned ok = 0, j;
    for (j = 0; j < 2; j++) {
        struct blk b;
        uint64_t h = (uint64_t)s->off + (j ? 0x340 : s->hdr);
        uint32_t base = j ? s->temp_base : s->base;
        if (j && !s->temp_base)
            break;
        ecu__blk_init(&b, "", "%s%s CRC (header 0x%llX)", s->name, j ? " temp" : "",
                      (unsigned long long)h);
        ok += (unsigned)crc_header(d, n, h, base, s->off, s->len, 0, &b);
        if (out && ecu__blk_add(out, &b))
            *err = ECU_ERR_NOMEM;
    }
    return ok;
}

#define ECM3_AT 0x400

static uint64_t ecm3_sum(const uint8_t *img, size_t size, const struct blk *b)
{
    uint64_t v = b->init;
    size_t i;
    for (i = 0; i < b->nranges; i++)
        v = ecu_sum_words(img + b->ranges[i].start, (size_t)(b->ranges[i].end - b->ranges[i].start),
                          4, 0, v, 64);
    (void)size;
    /* the slot holds the high word first, each word LE: read as one LE64, the halves swap */
    return v >> 32 | v << 32;
}

/* Address @p a to an offset in CAL (negative: not in CAL). */
static int64_t ecm3_map(uint32_t a, uint32_t cal_base)
{
    int64_t o = (int64_t)a - (int64_t)cal_base;
    if (o < 0)
        o = (int64_t)a + 0x20000000 - (int64_t)cal_base;
    return o;
}

/* The ECM3 block of @p v, if its header has areas; returns 0 or ECU_ERR_NOMEM. */
static int ecm3_block(const uint8_t *d, size_t n, const struct variant *v, struct blk_list *out)
{
    const struct sblock *cal = &v->b[CAL], *asw1 = &v->b[ASW1];
    uint64_t h = (uint64_t)cal->off + ECM3_AT, tab, slot = h;
    uint32_t count, i, w, hi, lo;
    ecu_range r[MAX_RANGES];
    struct blk b;
    ecu__blk_init(&b, "", "ECM3 sum (header 0x%llX)", (unsigned long long)h);
    if (!ecu__in(n, h, 0x40)) {
        set_unusable(&b, h, "ECM3 header not in the image");
        return ecu__blk_add(out, &b);
    }
    /* the header's reads lie in its 0x40 bytes; the first word of the ASW1 table lies before
       the header (ASW1 lies before CAL in every generation with ECM3), so inside too */
    (void)ecu__get32(d, n, h + 16, 0, &count);
    if (count == 0)
        return ECU_OK;
    if (d[h + 0x38])
        slot = h + 0x38;
    if (count > MAX_RANGES) {
        set_unusable(&b, slot, "ECM3 area count unusable");
        return ecu__blk_add(out, &b);
    }
    (void)ecu__get32(d, n, h + 24, 0, &w);
    if (w)
        tab = h + 24;
    else {
        tab = (uint64_t)asw1->off + 0x520;
        (void)ecu__get32(d, n, tab, 0, &w);
        if (ecm3_map(w, cal->base) < 0)
            tab = (uint64_t)asw1->off + 0x540;
    }
    for (i = 0; i < count; i++) {
        uint64_t at = tab + 8 * (uint64_t)i;
        uint32_t sa, ea;
        int64_t s, e;
        if (!ecu__in(n, at, 8)) {
            set_unusable(&b, slot, "ECM3 table not in the image");
            return ecu__blk_add(out, &b);
        }
        (void)ecu__get32(d, n, at, 0, &sa);
        (void)ecu__get32(d, n, at + 4, 0, &ea);
        s = ecm3_map(sa, cal->base);
        e = ecm3_map(ea, cal->base);
        if (s < 0 || e < s || (uint64_t)e > cal->len || (e - s) % 4 ||
            (uint64_t)cal->off + (uint64_t)e > n) {
            set_unusable(&b, slot, "ECM3 area not in CAL");
            return ecu__blk_add(out, &b);
        }
        r[i] = (ecu_range){(uint64_t)cal->off + (uint64_t)s, (uint64_t)cal->off + (uint64_t)e};
    }
    ecu__blk_custom(&b, ecm3_sum);
    for (i = 0; i < count; i++)
        ecu__blk_range(&b, r[i].start, r[i].end);
    ecu__blk_store(&b, slot, 8, 0, 0);
    ecu__blk_algo(&b, "sum64 of LE32 words (hi,lo slot shown as LE64)");
    (void)ecu__get32(d, n, h + 8, 0, &hi);
    (void)ecu__get32(d, n, h + 12, 0, &lo);
    b.init = (uint64_t)hi << 32 | lo; /* ecm3_sum's initial value */
    return ecu__blk_add(out, &b);
}

static unsigned simos_detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    unsigned ids = 0, hdrs = 0;
    size_t i, first = 0;
    const struct variant *v = find_variant(d, n, 0, &ids, &first);
    uint64_t at;
    if (!v || n != v->size || ids < 2)
        return 0;
    for (i = 0; i < v->nb; i++)
        hdrs += block_headers(d, n, &v->b[i], NULL, NULL);
    if (!hdrs)
        return 0;
    at = (uint64_t)v->b[first].off + v->b[first].id_at;
    snprintf(ev, evsz, "%s, project ID %.*s at 0x%llX, in %u of %zu blocks; %u security header%s%s%s",
             v->name, (int)ID_LEN(&v->b[first]), (const char *)d + at, (unsigned long long)at, ids, v->nb, hdrs,
             hdrs == 1 ? "" : "s", v->sig ? "; " : "", v->sig ? v->sig : "");
    return 90;
}

static int simos_layout(const uint8_t *d, size_t n, struct blk_list *out)
{
    const struct variant *v = find_variant(d, n, 0, NULL, NULL);
    size_t i;
    int err = ECU_OK;
    if (!v)
        return ECU_OK;
    for (i = 0; i < v->nb && err == ECU_OK; i++) {
        if (v->ecm3 && i == CAL && (err = ecm3_block(d, n, v, out)) != ECU_OK)
            break;
        block_headers(d, n, &v->b[i], out, &err);
    }
    return err;
}

/* The project-ID places of a Simos generation, in block order (the CAL block last). */
struct simos_ids {
    const char *name;          /* the generation ("Simos18.1") */
    size_t nb;
    const char *block[5];      /* block names ("CBOOT", ..., "CAL") */
    uint64_t id_at[5];         /* file offsets of the project IDs */
    size_t id_len[5];
    uint64_t cal;              /* file offset of the CAL block */
};

/* The generation of the image's size whose project-ID prefix the most blocks carry (the first
   such in the family's table): 1 with @p out filled, 0 when no block carries one. */
static int simos_ids(const uint8_t *d, size_t n, struct simos_ids *out)
{
    const struct variant *v = find_variant(d, n, 1, NULL, NULL);
    size_t i;
    if (!v)
        return 0;
    out->name = v->name;
    out->nb = v->nb;
    for (i = 0; i < v->nb; i++) {
        out->block[i] = v->b[i].name;
        out->id_at[i] = (uint64_t)v->b[i].off + v->b[i].id_at;
        out->id_len[i] = ID_LEN(&v->b[i]);
    }
    out->cal = v->b[v->nb - 1].off;
    return 1;
}

static void simos_identify(const uint8_t *d, size_t n, struct ecu__idsink *out)
{
    struct simos_ids best;
    size_t k;
    if (!simos_ids(d, n, &best))
        return;
    ecu__id_text(out, "ecu_type", best.name, ECU_ID_NO_OFFSET, 70, "Simos project-ID prefix");
    for (k = 0; k < best.nb; k++) {
        int cal = strcmp(best.block[k], "CAL") == 0;
        char src[64];
        if (!id_all(d, n, best.id_at[k], best.id_len[k], id_alnum))
            continue;
        snprintf(src, sizeof src, "Simos project ID of the %s block", best.block[k]);
        ecu__id_put(out, d, n, "sw_version", best.id_at[k], best.id_len[k], cal ? 90 : 70, src);
    }
    /* the box code: 12 bytes at CAL+0x60 (a VAG part number, padded with spaces) */
    if (id_all(d, n, best.cal + 0x60, 12, id_print)) {
        size_t len = ecu__vag_part_at(d, n, best.cal + 0x60);
        if (len)
            ecu__id_put(out, d, n, "part_number", best.cal + 0x60, len, 85, "Simos box code at CAL+0x60");
        else
            ecu__id_put(out, d, n, "part_number", best.cal + 0x60, 12, 50,
                "Simos box code at CAL+0x60 (not a VAG part number)");
    }
}

/* The size of the generation whose project IDs the blocks carry (the table above). */
static uint64_t simos_extent(const uint8_t *d, size_t n, uint64_t cover)
{
    const struct variant *v = find_variant(d, n, 0, NULL, NULL);
    (void)cover;
    return v ? v->size : 0;
}

/* The blocks of the image's generation as areas: CBOOT and the ASW blocks hold code, CAL
   the calibration (bri3d/VW_Flash lib/modules/simos*.py: the block names and places). */
static size_t simos_areas(const uint8_t *d, size_t n, struct family_area *out, size_t max)
{
    const struct variant *v = find_variant(d, n, 0, NULL, NULL);
    size_t i, k = 0;
    if (!v)
        return 0;
    for (i = 0; i < v->nb && k < max; i++) {
        const struct sblock *b = &v->b[i];
        if (!ecu__in(n, b->off, b->len))
            continue;
        out[k++] = (struct family_area){b->off, (uint64_t)b->off + b->len,
                                        strcmp(b->name, "CAL") == 0 ? FA_CALIBRATION : FA_CODE,
                                        b->name};
    }
    return k;
}

const struct family ecu__family_continental_simos = {
    .info = {
        .name = "continental-simos",
        .manufacturer = "Continental",
        .description = "Simos 8/10 (2 MiB), 12/12.2/16/18.1/18.10/18.41 (4 MiB) full flash dumps "
                       "(VAG, TriCore)",
        .verifies = "each block's security header (CRC-32 0x04C11DB7 over its ranges), the "
                    "CBOOT temp header, the ECM3 64-bit monitor sum of CAL (S16/S18); the RSA "
                    "block signatures of S18/S12.1 cannot be checked (OTP keys, unpublished "
                    "signed-data scheme)",
        .corrects = "the stored CRCs and the ECM3 sum; a corrected file needs an ECU that "
                    "accepts unsigned blocks",
        .sources = "bri3d/VW_Flash lib/checksum.py, lib/fastcrc.py, lib/modules/simos*.py, "
                   "lib/modules/simosshared.py, docs/rsa.md",
    },
    .min_size = 0x200000,
    .max_size = 0x400000,
    .detect = simos_detect,
    .areas = simos_areas,
    .identify = simos_identify,
    .layout = simos_layout,
    .extent = simos_extent,
};

/* ---- sim2k ---------------------------------------------------------------------------------- */

/* The DevMode hook code that clams_level2.py patches, common to its TC1782 and TC1791 forms. */
static const uint8_t devmode[18] = {0xBB, 0x50, 0x05, 0x20, 0x91, 0x00, 0x00, 0xF8, 0x02,
                                    0x2F, 0xD9, 0xFF, 0x00, 0x01, 0x82, 0x00, 0x3C, 0x05};
static const uint32_t sim2k_bases[] = {0x80010000, 0x80020000};

/* The CPU of the DevMode code found at @p hit: the two words after it are swapped in the
   TC1791 form; NULL when they are neither form. */
static const char *sim2k_cpu(const uint8_t *d, size_t n, const uint8_t *hit)
{
    if ((size_t)(hit - d) + 22 > n)
        return NULL;
    return !memcmp(hit + 18, "\xC2\x10\x04\xF1", 4)   ? "TC1782"
           : !memcmp(hit + 18, "\x04\xF1\xC2\x10", 4) ? "TC1791"
                                                    : NULL;
}

/* The CBOOT base whose CRC1 header fits the image, or 0. */
static uint32_t sim2k_base(const uint8_t *d, size_t n)
{
    size_t i;
    for (i = 0; i < sizeof sim2k_bases / sizeof sim2k_bases[0]; i++) {
        struct hdr p;
        if (sim2k_bases[i] == 0x80010000 && n > 0x10000) /* its CBOOT is 0xFE00 bytes */
            continue;
        if (parse_header(d, n, 0x300, sim2k_bases[i], 0, n, 0, &p))
            return sim2k_bases[i];
    }
    return 0;
}

static unsigned sim2k_detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    const uint8_t *hit = ecu__memfind(d, n, devmode, sizeof devmode);
    uint32_t base;
    const char *cpu;
    char cpu_ev[16] = "";
    struct hdr p;
    int crc2;
    if (!hit || !(base = sim2k_base(d, n)))
        return 0;
    if ((cpu = sim2k_cpu(d, n, hit)) != NULL)
        snprintf(cpu_ev, sizeof cpu_ev, " (%s)", cpu);
    crc2 = parse_header(d, n, 0x340, 0, 0, n, 1, &p);
    snprintf(ev, evsz, "SIM2K CBOOT: DevMode code at 0x%llX%s, base 0x%08X, CRC1 header at 0x300%s",
             (unsigned long long)(hit - d), cpu_ev, (unsigned)base,
             crc2 ? ", CRC2 at 0x340" : "");
    return 85;
}

static int sim2k_layout(const uint8_t *d, size_t n, struct blk_list *out)
{
    uint32_t base = sim2k_base(d, n);
    struct blk b;
    int err;
    ecu__blk_init(&b, "", "CRC1 (header 0x300, base 0x%08X)",
                  (unsigned)(base ? base : sim2k_bases[1]));
    crc_header(d, n, 0x300, base ? base : sim2k_bases[1], 0, n, 0, &b);
    if ((err = ecu__blk_add(out, &b)) != ECU_OK)
        return err;
    ecu__blk_init(&b, "", "CRC2 (header 0x340, relative)");
    crc_header(d, n, 0x340, 0, 0, n, 1, &b);
    return ecu__blk_add(out, &b);
}

/* The CPU that the DevMode code is written for (the detection found the code). */
static void sim2k_identify(const uint8_t *d, size_t n, struct ecu__idsink *out)
{
    const uint8_t *hit = ecu__memfind(d, n, devmode, sizeof devmode);
    const char *cpu = hit ? sim2k_cpu(d, n, hit) : NULL;
    char v[24];
    if (!cpu)
        return;
    snprintf(v, sizeof v, "SIM2K (%s)", cpu);
    ecu__id_text(out, "ecu_type", v, ECU_ID_NO_OFFSET, 60, "SIM2K DevMode code");
}

const struct family ecu__family_sim2k = {
    .info = {
        .name = "sim2k",
        .manufacturer = "Continental",
        .description = "Hyundai/Kia SIM2K-250/260/305 CBOOT image (TC1782/TC1791), up to 128 KiB",
        .verifies = "CRC1 (header 0x300, absolute ranges) and CRC2 (header 0x340, ranges "
                    "relative to its first): CRC-32 0x04C11DB7, not reflected, init from the header",
        .corrects = "both stored CRCs",
        .sources = "naamons/sim2k-patch-generator clams_level2.py, sim2k_patch_generator.py",
    },
    .min_size = 0x400,
    .max_size = 0x20000,
    .detect = sim2k_detect,
    .identify = sim2k_identify,
    .layout = sim2k_layout,
};
