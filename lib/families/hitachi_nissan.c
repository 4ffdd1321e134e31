/* SPDX-License-Identifier: MIT */
/*
 * Hitachi SH705x/SH7058/SH725xx engine ECUs of Nissan and Infiniti (350Z, G35, ...): 32-bit
 * sum and xor checksums ("std", "alt") and the "alt2" layout with two 16-bit sums.
 *
 * Public sources:
 * - RomRaider/RomRaider src/main/java/com/romraider/maps/checksum/NissanChecksum.java,
 *   ChecksumSTD.java, ChecksumALT.java, CalculateSTD.java, ChecksumALT2.java, CalculateALT2.java
 *   (the computations; start, end and slots come from per-ROM definitions there);
 * - fenugrec/nissutils cli_utils/nisrom.c, nislib.c (checksum_std, checksum_alt2), nissan_romdefs.h,
 *   nissan_romdefs.c (the LOADER and FID structures, the CPU codes, the RAMF structure with the
 *   alt block pointers, where the second vector table lies, and the algebra that locates the
 *   sum and xor slots without a definition);
 * - ababook/NisROM-Tuning-Suite FixChecksums as described in a public clean-room port: whole
 *   ROM, or from 0x8204 skipping 0x20000 in 1 and 1.5 MiB ROMs with a vector table at 0x20004.
 *
 * Identification: the reset vectors at 0 (power-on and manual reset PC and SP equal, SP in
 * on-chip RAM 0xFFFFxxxx), and Nissan's firmware-ID structure: "DATABASE\0" 19 bytes into it,
 * the CPU code ("SH705513", "SH705822", "S7253331"...) 32 bytes into it (a LOADERxx structure
 * holds a second "DATABASE" and is skipped). Subaru's Denso SH705x ROMs have the same vectors
 * but no such structure.
 *
 * Checksums (all BE32 words at 4-aligned offsets, added modulo 2^32 or xored, stored BE32):
 * - std: every word of the image except the two slots; sum at one slot, xor at the other.
 *   The slots are located by algebra (nissutils): with T and X the sum and xor of ALL words,
 *   the sum slot holds X and the xor slot holds T - 2X (a 64-bit condition). Each value is
 *   looked for once over the image; when several words qualify, the pair with the xor slot 8
 *   bytes before the sum slot is preferred (as in the published definitions), else the first.
 * - alt: the same sums over [s, e] where s and e are the RAMF structure's altcks_start and
 *   altcks_end (after the FID structure, at an offset that depends on the CPU code:
 *   nissan_romdefs.c), the last word being the one holding e; sum at s - 8, xor at s - 4 (the
 *   words right after the 0x400-byte vector table, as nisrom observes; a pair found elsewhere
 *   is used instead when those do not hold it). The alt slots lie in the std range: alt is
 *   corrected first.
 * - alt2 (SH705519/705822/705828/7059/725xx): the second vector table at 0x10004, 0x20004 or
 *   0x70004 (nissan_romdefs.c), skiploc the word before it; a start word S. 32-bit sum and
 *   xor over [S + 4, end of image) leaving out the words at skiploc and at the two slots
 *   (located by the algebra as above); a 16-bit BE sum of [S + 2, skiploc) at S; a 16-bit BE
 *   sum of [skiploc + 2, end) at skiploc. S is 0x8200 when the 32-bit algebra holds there (the
 *   NisROM suite's 0x8204); otherwise the first 4-aligned S below skiploc where both the
 *   16-bit sum at S and the 32-bit algebra hold.
 *
 * Without a definition the std slots and the alt2 start can only be located in an image whose
 * checksums hold. A Nissan ROM of a CPU type that has std checksums (nissan_romdefs.c) in which
 * they are not found is reported with a block "slots not found" that is bad and cannot be
 * corrected: the file was modified or damaged, and where to write is unknown. The same for
 * alt2 without its start (the 16-bit code sum at skiploc is still checked). With the stock
 * read of the same software as reference (ecu_csum_set_reference, ecu-csum --reference) the
 * layout is found there and the modified image is verified and corrected.
 */
#include "family.h"
#include "find.h"
#include "read.h"
#include "text.h"

#include <stdio.h>
#include <string.h>

#define FID_DATABASE 19 /* "DATABASE" in the FID structure */
#define FID_CPU 32      /* the CPU code */
#define FID_SIZE 0x52   /* struct fid_base1_t; RAMF follows */
#define RAMF_HEADER 0xFFFF8000u
#define RAMF_MAXDIST 0x300
#define ALT2_START 0x8200
#define MAX_ALT2_TRIES 64

/* CPU codes with std checksums, where altcks_start lies in RAMF (0: no alt block), and the ROM
   size (fidtypes[].ROMsize of fenugrec/nissutils cli_utils/nissan_romdefs.c; 0 where that file
   marks the values "tentative": SH705927 and the SH725xx) */
#define KiB 1024u
static const struct {
    const char cpu[9];
    unsigned alt_at;
    int std;
    uint32_t rom;
} cpus[] = {
    {"SH705101", 0, 1, 256 * KiB},    {"SH705415", 0x3C, 1, 384 * KiB},
    {"SH705507", 0x3C, 1, 512 * KiB}, {"SH705513", 0x3C, 1, 512 * KiB},
    {"SH705520", 0x44, 1, 512 * KiB}, {"SH705821", 0x4C, 1, 1024 * KiB},
    {"SH705823", 0x4C, 1, 1024 * KiB}, {"SH705822", 0x54, 0, 1024 * KiB},
    {"SH705519", 0, 0, 512 * KiB},    {"SH705828", 0, 0, 1024 * KiB},
    {"SH705927", 0, 0, 0},            {"S7253331", 0, 0, 0},
    {"S7253332", 0, 0, 0},            {"S7254332", 0, 0, 0},
};
#define NCPUS (sizeof cpus / sizeof cpus[0])

static const uint32_t ivt2_at[] = {0x10004, 0x20004, 0x70004};

struct nis {
    uint64_t fid;
    char cpu[9];
    int cpu_idx; /* in cpus[], or -1 */
    /* alt block: [alt_s, alt_e), slots alt_sum, alt_xor; alt_s == 0: none */
    uint64_t alt_s, alt_e, alt_sum, alt_xor;
    /* std slots (found), or std_found 0 */
    int std_found;
    uint64_t std_sum, std_xor;
    /* alt2: skiploc (0: no second vector table), start, slots */
    uint64_t skip, a2_start, a2_sum, a2_xor;
    int a2_found;
};

/* The BE32 and BE16 words at @p o, which the callers have checked to lie inside the image
   (each place says how). */
static uint32_t in32(const uint8_t *d, size_t n, uint64_t o)
{
    uint32_t v;
    (void)ecu__get32(d, n, o, 1, &v);
    return v;
}
static uint16_t in16(const uint8_t *d, size_t n, uint64_t o)
{
    uint16_t v;
    (void)ecu__get16(d, n, o, 1, &v);
    return v;
}

/* A SuperH vector table at @p off: power-on and manual reset PC and SP equal, PC even in the
   low 16 MiB, SP word-aligned in on-chip RAM. */
static int sh_vectors(const uint8_t *d, size_t n, uint64_t off)
{
    uint32_t pc, sp;
    if (!ecu__in(n, off, 16))
        return 0;
    pc = in32(d, n, off);
    sp = in32(d, n, off + 4);
    return pc && !(pc & 1) && pc < 0x01000000u && (sp & 0xFFFF0000u) == 0xFFFF0000u && !(sp & 3) &&
           in32(d, n, off + 8) == pc && in32(d, n, off + 12) == sp;
}

static int is_cpu_code(const uint8_t *p)
{
    int k;
    if (memcmp(p, "SH70", 4) != 0 && memcmp(p, "S725", 4) != 0)
        return 0;
    for (k = 4; k < 8; k++)
        if (!id_digit(p[k]))
            return 0;
    return 1;
}

/* The FID structure: "DATABASE\0" with a CPU code after it, not the LOADER's. */
static int find_fid(const uint8_t *d, size_t n, struct nis *s)
{
    static const char pat[9] = "DATABASE";
    size_t from = 0;
    unsigned tries;
    for (tries = 0; tries < 8 && from < n; tries++) {
        size_t hit = id_find(d, n, from, n, pat, sizeof pat);
        uint64_t at, fid;
        if (hit == ID_NONE)
            return 0;
        at = hit;
        from = (size_t)at + 1;
        if (at < FID_DATABASE)
            continue;
        fid = at - FID_DATABASE;
        if (fid + FID_SIZE > n || !is_cpu_code(d + fid + FID_CPU))
            continue;
        if (at >= 17 && memcmp(d + at - 17, "LOADER", 6) == 0)
            continue; /* the LOADER structure: DATABASE 17 bytes in */
        s->fid = fid;
        memcpy(s->cpu, d + fid + FID_CPU, 8);
        s->cpu[8] = '\0';
        return 1;
    }
    return 0;
}

/* ---- sums ---------------------------------------------------------------------------------- */

/* Sum (or xor) of the BE32 words of [a, e), 4-aligned from a. */
static void fold(const uint8_t *d, size_t n, uint64_t a, uint64_t e, uint32_t *sum, uint32_t *x)
{
    uint64_t o;
    if (e > n)
        e = n;
    for (o = a; o + 4 <= e; o += 4) {
        uint32_t v = in32(d, n, o); /* e <= n */
        *sum += v;
        *x ^= v;
    }
}

/* BK_CUSTOM: the words of the ranges but those at store_off and at `target` (the other slot),
   added (init 0) or xored (init 1). */
static uint64_t sumxor(const uint8_t *d, size_t n, const struct blk *b)
{
    uint32_t sum = 0, x = 0;
    size_t r;
    for (r = 0; r < b->nranges; r++) {
        uint64_t o;
        for (o = b->ranges[r].start; o + 4 <= b->ranges[r].end && o + 4 <= n; o += 4) {
            uint32_t v;
            if (o == b->store_off || o == b->target)
                continue;
            v = in32(d, n, o); /* o + 4 <= n */
            sum += v;
            x ^= v;
        }
    }
    return b->init ? x : sum;
}

/* A block that cannot be checked: never matches the 4 bytes at store_off, so it is bad and a
   correction is refused. */
static uint64_t unlocatable(const uint8_t *d, size_t n, const struct blk *b)
{
    /* the engine evaluates a block only when its slot lies inside the image (csum.c,
       block_in_bounds) */
    return ~(uint64_t)in32(d, n, b->store_off);
}

/* The two slots of a sum+xor over @p nr ranges: the sum slot holds the xor of all words, the
   xor slot their sum minus twice that. */
static int locate(const uint8_t *d, size_t n, const ecu_range *r, size_t nr, uint64_t *ps,
                  uint64_t *px)
{
    uint32_t sum = 0, x = 0, want_s, want_x;
    uint64_t first_s = UINT64_MAX, first_x = UINT64_MAX, o;
    size_t k;
    for (k = 0; k < nr; k++)
        fold(d, n, r[k].start, r[k].end, &sum, &x);
    want_s = x;
    want_x = sum - 2 * x;
    for (k = 0; k < nr; k++)
        for (o = r[k].start; o + 4 <= r[k].end && o + 4 <= n; o += 4) {
            uint32_t v = in32(d, n, o); /* o + 4 <= n, and so o - 8 + 4 below */
            if (v == want_s) {
                if (first_s == UINT64_MAX)
                    first_s = o;
                /* the usual pair: xor slot 8 bytes before the sum slot */
                if (o >= 8 && in32(d, n, o - 8) == want_x && o - 8 >= r[k].start) {
                    *ps = o;
                    *px = o - 8;
                    return 1;
                }
            }
            if (v == want_x && first_x == UINT64_MAX && o != first_s)
                first_x = o;
        }
    if (first_s == UINT64_MAX || first_x == UINT64_MAX || first_s == first_x)
        return 0;
    *ps = first_s;
    *px = first_x;
    return 1;
}

/* ---- the structures ----------------------------------------------------------------------- */

static void find_alt(const uint8_t *d, size_t n, struct nis *s)
{
    uint64_t ramf = s->fid + FID_SIZE, at;
    uint32_t a, e, sum = 0, x = 0;
    long adj;
    int found = 0;
    if (s->cpu_idx < 0 || !cpus[s->cpu_idx].alt_at)
        return;
    /* RAMF starts with FFFF8000, at FID + 0x52 or a little off */
    for (adj = 0; adj <= RAMF_MAXDIST && !found; adj += 4) {
        long sign;
        for (sign = 1; sign >= -1 && !found; sign -= 2) {
            uint64_t p;
            if (sign < 0 && (adj == 0 || (uint64_t)adj > ramf))
                continue;
            p = sign > 0 ? ramf + (uint64_t)adj : ramf - (uint64_t)adj;
            uint32_t v;
            /* a header word past the end of the image is no header */
            if (ecu__get32(d, n, p, 1, &v) && v == RAMF_HEADER) {
                ramf = p;
                found = 1;
            }
        }
    }
    if (!found)
        return;
    at = ramf + cpus[s->cpu_idx].alt_at;
    if (!ecu__in(n, at, 8))
        return;
    a = in32(d, n, at);
    e = in32(d, n, at + 4);
    if (a % 4 || a < 8 || e <= a || (uint64_t)(e & ~3u) + 4 > n)
        return;
    s->alt_s = a;
    s->alt_e = (uint64_t)(e & ~3u) + 4;
    s->alt_sum = a - 8;
    s->alt_xor = a - 4;
    fold(d, n, s->alt_s, s->alt_e, &sum, &x);
    /* a - 4 + 4 <= n: a is 4-aligned and below e, so a + 4 <= (e & ~3) + 4 <= n */
    if (in32(d, n, a - 8) != sum || in32(d, n, a - 4) != x) {
        /* the pair elsewhere (nisrom looks the values up anywhere) */
        uint8_t pat[8] = {(uint8_t)(sum >> 24), (uint8_t)(sum >> 16), (uint8_t)(sum >> 8),
                          (uint8_t)sum,         (uint8_t)(x >> 24),   (uint8_t)(x >> 16),
                          (uint8_t)(x >> 8),    (uint8_t)x};
        size_t from = 0, hit;
        while (from < n && (hit = id_find(d, n, from, n, pat, 8)) != ID_NONE) {
            uint64_t o = hit;
            from = (size_t)o + 1;
            if (o % 4 == 0 && (o + 8 <= s->alt_s || o >= s->alt_e)) {
                s->alt_sum = o;
                s->alt_xor = o + 4;
                break;
            }
        }
    }
}

/* alt2: the start S below skiploc, by the 32-bit algebra and the 16-bit sum at S */
static void find_alt2(const uint8_t *d, size_t n, struct nis *s)
{
    uint64_t skip = s->skip, c;
    ecu_range r[2];
    uint16_t tot16 = 0, pre16;
    unsigned tries = 0;
    if (!skip || n % 4 || skip + 4 > n)
        return;
    /* the NisROM suite's fixed start */
    if (ALT2_START + 4 <= skip) {
        r[0] = (ecu_range){ALT2_START + 4, skip};
        r[1] = (ecu_range){skip + 4, n};
        if (locate(d, n, r, 2, &s->a2_sum, &s->a2_xor)) {
            s->a2_start = ALT2_START;
            s->a2_found = 1;
            return;
        }
    }
    /* a scan: the 16-bit sum at c of [c + 2, skip) first (cheap), then the algebra; every word
       read lies below skip + 4 <= n (skip is even: a vector table's offset minus 4) */
    for (c = 0; c < skip; c += 2)
        tot16 = (uint16_t)(tot16 + in16(d, n, c));
    pre16 = in16(d, n, 0); /* the 16-bit sum of [0, c + 2) */
    for (c = 0; c + 4 <= skip; c += 4) {
        uint16_t cal = (uint16_t)(tot16 - pre16);
        uint32_t w = in32(d, n, c), w2 = in32(d, n, c + 4);
        if (in16(d, n, c) == cal && !(w == w2 && (w == 0 || w == 0xFFFFFFFFu))) {
            uint64_t ps, px;
            r[0] = (ecu_range){c + 4, skip};
            r[1] = (ecu_range){skip + 4, n};
            if (locate(d, n, r, 2, &ps, &px)) {
                s->a2_start = c;
                s->a2_sum = ps;
                s->a2_xor = px;
                s->a2_found = 1;
                return;
            }
            if (++tries >= MAX_ALT2_TRIES)
                return;
        }
        pre16 = (uint16_t)(pre16 + in16(d, n, c + 2) + in16(d, n, c + 4));
    }
}

static int analyse(const uint8_t *d, size_t n, struct nis *s)
{
    size_t k;
    ecu_range whole;
    memset(s, 0, sizeof *s);
    s->cpu_idx = -1;
    if (n < 0x10000 || n % 4 || !sh_vectors(d, n, 0) || !find_fid(d, n, s))
        return 0;
    for (k = 0; k < NCPUS; k++)
        if (memcmp(cpus[k].cpu, s->cpu, 8) == 0)
            s->cpu_idx = (int)k;
    find_alt(d, n, s);
    whole = (ecu_range){0, n};
    if (locate(d, n, &whole, 1, &s->std_sum, &s->std_xor)) {
        s->std_found = 1;
        return 1;
    }
    for (k = 0; k < sizeof ivt2_at / sizeof ivt2_at[0]; k++)
        if (ivt2_at[k] + 16 <= n && sh_vectors(d, n, ivt2_at[k])) {
            s->skip = ivt2_at[k] - 4;
            break;
        }
    find_alt2(d, n, s);
    return 1;
}

static unsigned detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    struct nis s;
    if (!analyse(d, n, &s))
        return 0;
    if (s.std_found)
        snprintf(ev, evsz, "Nissan FID %s at 0x%llX, SH vectors; std sum/xor at 0x%llX/0x%llX",
                 s.cpu, (unsigned long long)s.fid, (unsigned long long)s.std_sum,
                 (unsigned long long)s.std_xor);
    else if (s.a2_found)
        snprintf(ev, evsz, "Nissan FID %s at 0x%llX, SH vectors; alt2 from 0x%llX, skip 0x%llX",
                 s.cpu, (unsigned long long)s.fid, (unsigned long long)s.a2_start,
                 (unsigned long long)s.skip);
    else
        snprintf(ev, evsz, "Nissan FID %s at 0x%llX, SH vectors; checksum slots not found (a "
                 "modified image: its stock read as reference gives them)",
                 s.cpu, (unsigned long long)s.fid);
    return s.std_found || s.a2_found ? 90 : 70;
}

static int add_sumxor(struct blk_list *out, const char *name, const ecu_range *r, size_t nr,
                      uint64_t slot, uint64_t other, int x)
{
    struct blk b;
    size_t k;
    ecu__blk_init(&b, x ? "xor32be" : "sum32be", "%s %s", name, x ? "xor" : "sum");
    ecu__blk_custom(&b, sumxor);
    for (k = 0; k < nr; k++)
        if (!ecu__blk_range(&b, r[k].start, r[k].end))
            break; /* (ECU_BLK_MAX_RANGES at most) */
    ecu__blk_store(&b, slot, 4, 1, 0);
    /* sumxor's parameters: xor (1) or sum (0), and the other slot, left out too */
    b.init = (uint64_t)x;
    b.target = other;
    return ecu__blk_add(out, &b);
}

static int add_sum16(struct blk_list *out, const char *name, uint64_t a, uint64_t e, uint64_t slot)
{
    struct blk b;
    ecu__blk_init(&b, "sum16be", "%s", name);
    ecu__blk_sum(&b, 2, 1, 16, 0);
    ecu__blk_range(&b, a, e);
    ecu__blk_store(&b, slot, 2, 1, 0);
    return ecu__blk_add(out, &b);
}

static int add_unlocatable(struct blk_list *out, const char *name, uint64_t n)
{
    struct blk b;
    /* (the algorithm field has 48 bytes: the remedy is said in the evidence and the man page) */
    ecu__blk_init(&b, "slots not found: data changed, give a reference", "%s", name);
    ecu__blk_custom(&b, unlocatable);
    ecu__blk_range(&b, 0, n);
    ecu__blk_store(&b, 0, 4, 1, 0);
    return ecu__blk_add(out, &b);
}

static int layout(const uint8_t *d, size_t n, struct blk_list *out)
{
    struct nis s;
    int rc = ECU_OK;
    if (!analyse(d, n, &s))
        return ECU_OK;
    if (s.alt_s) {
        ecu_range r = {s.alt_s, s.alt_e};
        if ((rc = add_sumxor(out, "alt", &r, 1, s.alt_sum, s.alt_xor, 0)) ||
            (rc = add_sumxor(out, "alt", &r, 1, s.alt_xor, s.alt_sum, 1)))
            return rc;
    }
    if (s.std_found) {
        ecu_range r = {0, n};
        if ((rc = add_sumxor(out, "std", &r, 1, s.std_sum, s.std_xor, 0)) ||
            (rc = add_sumxor(out, "std", &r, 1, s.std_xor, s.std_sum, 1)))
            return rc;
        return ECU_OK;
    }
    if (s.a2_found) {
        ecu_range r[2] = {{s.a2_start + 4, s.skip}, {s.skip + 4, n}};
        if ((rc = add_sumxor(out, "alt2", r, 2, s.a2_sum, s.a2_xor, 0)) ||
            (rc = add_sumxor(out, "alt2", r, 2, s.a2_xor, s.a2_sum, 1)) ||
            (rc = add_sum16(out, "alt2 calibration sum16", s.a2_start + 2, s.skip, s.a2_start)) ||
            (rc = add_sum16(out, "alt2 code sum16", s.skip + 2, n, s.skip)))
            return rc;
        return ECU_OK;
    }
    if (s.skip) {
        /* an alt2 ROM whose start was not found: its code sum is still at skiploc */
        if ((rc = add_sum16(out, "alt2 code sum16", s.skip + 2, n, s.skip)) ||
            (rc = add_unlocatable(out, "alt2 sum/xor and calibration sum16", n)))
            return rc;
        return ECU_OK;
    }
    if (s.cpu_idx >= 0 && cpus[s.cpu_idx].std)
        return add_unlocatable(out, "std sum/xor", n);
    /* an unknown CPU type without located checksums: no layout (the alt block alone would
       say nothing of the rest of the image) */
    out->n = 0;
    return ECU_OK;
}

/* The ROM size of the CPU the FID structure names (cpus[] above), 0 when not known. */
static uint64_t extent(const uint8_t *d, size_t n, uint64_t cover)
{
    struct nis s;
    size_t k;
    (void)cover;
    memset(&s, 0, sizeof s);
    if (n < 0x10000 || n % 4 || !sh_vectors(d, n, 0) || !find_fid(d, n, &s))
        return 0;
    for (k = 0; k < NCPUS; k++)
        if (memcmp(cpus[k].cpu, s.cpu, 8) == 0)
            return cpus[k].rom;
    return 0;
}

static int fid_char(uint8_t v) { return id_alnum(v) || v == '-' || v == '_'; }

static void identify(const uint8_t *d, size_t n, struct ecu__idsink *out)
{
    size_t from = 0, at, hits = 0;
    while (hits < 8 && (at = id_find(d, n, from, n, "DATABASE\0", 9)) != ID_NONE) {
        size_t fid, len;
        hits++;
        from = at + 1;
        if (at < 19)
            continue;
        fid = at - 19;
        if (at >= 17 && memcmp(d + at - 17, "LOADER", 6) == 0)
            continue; /* the LOADER structure: DATABASE 17 bytes in */
        if (!(id_at(d, n, fid + 32, "SH70", 4) || id_at(d, n, fid + 32, "S725", 4)) ||
            !id_all(d, n, fid + 36, 4, id_digit))
            continue;
        ecu__id_put(out, d, n, "ecu_type", fid + 32, 8, 90, "Nissan FID structure (CPU code)");
        len = id_run(d, n, fid + 2, 17, fid_char);
        if (len >= 4 && fid + 2 + len < n && d[fid + 2 + len] == 0)
            ecu__id_put(out, d, n, "cal_id", fid + 2, len, 90, "Nissan FID structure (firmware ID)");
        return;
    }
}

const struct family ecu__family_hitachi_nissan = {
    .info = {
        .name = "hitachi-nissan",
        .manufacturer = "Hitachi",
        .description = "Nissan/Infiniti SH7055/SH7058/SH725xx ROMs (350Z, G35 ...), 256 KiB to 2 MiB",
        .verifies = "std: BE32 sum and xor of the image without their slots (slots located by "
                    "algebra); alt: sum and xor of the RAMF altcks block; alt2: sum and xor from "
                    "start+4 without skiploc, 16-bit sums at start and skiploc",
        .corrects = "the sum and xor words and the 16-bit sums",
        .sources = "RomRaider/RomRaider maps/checksum/NissanChecksum.java, CalculateSTD.java, "
                   "ChecksumALT2.java, CalculateALT2.java; fenugrec/nissutils cli_utils/nisrom.c, "
                   "nislib.c, nissan_romdefs.h, nissan_romdefs.c; ababook/NisROM-Tuning-Suite "
                   "FixChecksums",
    },
    .min_size = 0x10000,
    .max_size = 0x400000,
    .detect = detect,
    .identify = identify,
    .layout = layout,
    .extent = extent,
};
