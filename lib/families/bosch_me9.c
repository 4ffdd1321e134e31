/* SPDX-License-Identifier: MIT */
/*
 * Bosch ME9 / MED9 (BMW ME9.2 with Valvetronic, VAG ME9 and MED9.1 / MED9.5 / MED9.5.10;
 * Motorola MPC5xx PowerPC): identified; the checksums of MED9.5.10 images are laid out (below),
 * those of every other variant are not known, so such an image gets the verdict no-layout ("no
 * known checksum layout"), never ok, and ecu-csum --fix refuses it.
 *
 * Public facts used:
 * - The RAM-loader ident "Bosch.Common.RamLoader.Me9" is in every ME9 and MED9 image, ME9 and
 *   MED9 share it, and MED9 images also hold a "MED9" descriptor ("MED9510/...", "MED91/...");
 *   the variant token after "RamLoader." is "Me9.0001" (Pinelo92/openremap
 *   src/openremap/tuning/manufacturers/bosch/me9/extractor.py; v-arapidis/openremap-core
 *   openremap/core/manufacturers/bosch/edc17/extractor.py, guard 3; docs/manufacturers/bosch/
 *   me9.md, med9.md: ME9 2 MB, MED9 512 KB - 2 MB). Bosch names its RAM loaders the same way
 *   for other platforms ("Bosch.common.RamLoader.EDC16...."), so the anchor names the platform.
 * - The ME9 ident record: the program software, a 0x22 sentinel before it, and after "//" the
 *   calibration software, both Bosch software numbers 1037 + 6 digits; the Bosch hardware
 *   number 0261 + 6 digits in the first 32 KiB (openremap me9/extractor.py: _PAT_OS_SW,
 *   _PAT_CAL_SW, _PAT_HW, _REGION_HW, _REGION_IDENT = the first 640 KiB).
 * - The VAG descriptor "NN/N/MED9xxx/..." (openremap-core bosch/edc17 patterns: the MED9
 *   family string in the slash-delimited variant descriptor).
 * - MPC5xx code is big-endian PowerPC: `blr` is 0x4E800020 and `mflr r0` 0x7C0802A6 (PowerPC
 *   ISA encodings), on 4-byte boundaries.
 * - MPC5xx exception table relocation (Freescale MPC561/MPC563 Reference Manual, 4.3 "ETR
 *   Operation"; AN2109 "MPC555 Interrupts", 2.4): with BBCMCR[ETRE] set, the exception
 *   vectors 0x100, 0x200, ... 0x1F00 become entries 8 bytes apart at the start of internal
 *   flash, each holding a `ba` (branch absolute: opcode 18, AA = 1, LK = 0) to its handler.
 *   A full flash read therefore starts with 32 such entries.
 *
 * Detection (score out of 100, ECU_DETECT_MIN = 50 claims):
 *   required  the RAM-loader ident, "." and a 1-8 character version, NUL-terminated, anywhere
 *             in the image; and PowerPC code: at least 16 aligned `blr` and 8 `mflr r0`
 *             words. Both: 60 (a partial read, a program or data segment alone).
 *   +15       the relocated exception table at 0: 32 entries of `ba` to a non-zero target
 *             (a full read of the internal flash);
 *   +10       a MED9 descriptor "NN/N/MED9" or the ME9 calibration software after "//";
 *   +5        a Bosch hardware number in the first 32 KiB;
 *   +5        a documented size (512 KiB, 1 MiB, 2 MiB).
 * All searches are bounded to their region and linear; every read is bounds-checked.
 *
 * MED9.5.10 checksums (olegm382/IronFelix Source/vag_med95/module9.cpp, "VAG Bosch MED9.5.10":
 * RecogniseECU, FindFixCRC, SummInt16Mot; the facts only, the code is this file's own):
 * - The image is 2 MiB (ECUFILESIZE 0x200000); file offset = address, and an address of the
 *   0x400000 window (the small-data area) is the file offset + 0x400000.
 * - Recognition: two code sequences (32 and 16 bytes, HexBytes1 and HexBytes2) in the image.
 * - The small-data base r2 is 0x5C9FF0 (r2_base); the source takes it as a constant, this file
 *   requires the image's code to load it (lis r2,0x5D; addi r2,r2,-0x6010).
 * - Multipoint records: 16 bytes, BE32 start, BE32 end (inclusive), BE32 sum of the BE16 words
 *   of [start, end], BE32 complement of the sum. The tables are found through the record check
 *   sequence (EcuBlockSig1: lwz r10,0(r3); lwz r9,4(r3); cmplw r10,r9; bgt), which follows the
 *   instructions loading the table base (lis/addi at -0x14/-0x10, the high half at -0x12, the
 *   low half, signed, at -0x0E). Its 1st occurrence: 1 record at the base; 2nd: 4 records at
 *   base + 0x10; 3rd (base r2 + d, "addis rX,r2,0; addi rX,rX,d", 0x400000 window, the record
 *   addresses too): 6 records at base + 0x40; 6th (3 further on): 55 records at base + 0x90.
 *   66 records. The code is the ECU's dispatch on a record index (IBM/Freescale PowerPC
 *   encodings: the 4th and 5th occurrences load the 3rd's base again); the ECU itself rejects
 *   a record whose start is above its end or whose sum and complement do not add to
 *   0xFFFFFFFF (its check, after the sequence: add, cmpwi -1).
 * - RSA: a code sequence (MD5Sig1) then, at +0x40/+0x44 and +0x48/+0x4C, lis + lwz of the
 *   words holding the MD5 range's end and start (inclusive); a second one (MD5Sig2) with the
 *   signature's address before it (lis/addi at -0x10/-0x0C) and the modulus and exponent
 *   after it (addi rX,r2,d at +0x94 and +0x134: r2 + d in the 0x400000 window). Signature and
 *   modulus 128 bytes, exponent BE32; sig ^ e mod n = 00 01 FF..FF 00 || MD5 of the range (the
 *   block the source writes). The source re-signs with a key pair of its own, its modulus and
 *   exponent written over the image's: here only with a key pair the caller gives
 *   (ecu_csum_set_resign_key, ecu-csum --resign), of the image's exponent.
 * A layout is claimed only when all of it is consistent: the image at most 2 MiB, each code
 *   sequence found as many times as the source uses it (the record check exactly 6 times,
 *   each less than 0x100 bytes after the previous one: one dispatch), the loading instructions
 *   of their documented form, every record inside the 2 MiB (or 0x400000 window) with its
 *   start even, its end odd, start <= end and sum and complement adding up, the MD5 range
 *   inside the 2 MiB with the signature outside it, a modulus (odd, its top byte not 0) and an
 *   odd exponent >= 3, no table overlapping another or the RSA data. Else the verdict stays
 *   no-layout, and the detection evidence says why. The records overlap one another and cover
 *   their own tables (a value stored with its complement adds 0xFFFF + 0xFFFF to a BE16 word
 *   sum over it, whatever the value), so no order is required. A table or range in the 2 MiB
 *   but past the end of a shorter image makes it truncated (bad), never a shorter layout.
 */
#include "family.h"
#include "find.h"
#include "idformat.h"
#include "read.h"
#include "rsa_private.h"
#include "text.h"

#include <nettle/md5.h>
#include <stdio.h>
#include <string.h>

#define RAMLOADER "Bosch.Common.RamLoader.Me9"
#define RAMLOADER_LEN (sizeof RAMLOADER - 1)
#define VERSION_MAX 8

#define ETR_ENTRIES 32 /* vectors 0x000-0x1F00, 8 bytes each */
#define BLR 0x4E800020u
#define MFLR_R0 0x7C0802A6u
#define MIN_BLR 16
#define MIN_MFLR 8

#define HW_REGION 0x8000u     /* the hardware number: the first 32 KiB */
#define IDENT_REGION 0xA0000u /* the ident record: the first 640 KiB */

#define SCORE_BASE 60
#define SCORE_ETR 15
#define SCORE_DESCRIPTOR 10
#define SCORE_HW 5
#define SCORE_SIZE 5

/* The RAM-loader ident: the offset of its first byte and its length (version included, NUL
   excluded) in *len; ID_NONE when there is none. At most ID_MAX_HITS anchors are examined. */
static size_t ramloader(const uint8_t *d, size_t n, size_t *len)
{
    size_t at = 0, hit, hits = 0;
    while (hits++ < ID_MAX_HITS && (hit = id_find(d, n, at, n, RAMLOADER, RAMLOADER_LEN)) != ID_NONE) {
        size_t v = hit + RAMLOADER_LEN, k;
        at = hit + 1;
        if (v >= n || d[v] != '.')
            continue;
        k = id_run(d, n, v + 1, VERSION_MAX + 1, id_alnum);
        if (k < 1 || k > VERSION_MAX || v + 1 + k >= n || d[v + 1 + k] != 0)
            continue;
        *len = RAMLOADER_LEN + 1 + k;
        return hit;
    }
    return ID_NONE;
}

/* Aligned `blr` and `mflr r0` words, counted until both minimums are met. */
static int powerpc_code(const uint8_t *d, size_t n)
{
    size_t i, blr = 0, mflr = 0;
    for (i = 0; i + 4 <= n && (blr < MIN_BLR || mflr < MIN_MFLR); i += 4) {
        uint32_t w = (uint32_t)d[i] << 24 | (uint32_t)d[i + 1] << 16 | (uint32_t)d[i + 2] << 8 | d[i + 3];
        blr += w == BLR;
        mflr += w == MFLR_R0;
    }
    return blr >= MIN_BLR && mflr >= MIN_MFLR;
}

/* Whether the 32 entries of the relocated exception table at 0 each start with a `ba` to a
   non-zero target. */
static int etr_table(const uint8_t *d, size_t n)
{
    size_t k;
    for (k = 0; k < ETR_ENTRIES; k++) {
        uint32_t w;
        if (!ecu__get32(d, n, 8 * k, 1, &w) || (w & 0xFC000003u) != 0x48000002u ||
            (w & 0x03FFFFFCu) == 0)
            return 0;
    }
    return 1;
}

/* The first MED9 descriptor "NN/N/MED9": the offset of "MED9", or ID_NONE. */
static size_t med9_descriptor(const uint8_t *d, size_t n)
{
    size_t at = 0, hit, hits = 0;
    while (hits++ < ID_MAX_HITS && (hit = id_find(d, n, at, n, "/MED9", 5)) != ID_NONE) {
        at = hit + 1;
        /* a digit, "/" and a digit before it */
        if (hit >= 3 && id_digit(d[hit - 1]) && d[hit - 2] == '/' && id_digit(d[hit - 3]))
            return hit + 1;
    }
    return ID_NONE;
}

/* A Bosch software number (1037 + 6 digits, no digit after it) preceded by @p pre (@p plen
   bytes) in the ident region: the offset of the number, or ID_NONE. */
static size_t sw_after(const uint8_t *d, size_t n, const char *pre, size_t plen)
{
    size_t at = 0, hit, hits = 0, to = n < IDENT_REGION ? n : IDENT_REGION;
    while (hits++ < ID_MAX_HITS && (hit = id_find(d, n, at, to, pre, plen)) != ID_NONE) {
        size_t s = hit + plen;
        at = hit + 1;
        if (s + 10 <= n && id_at(d, n, s, "1037", 4) && ecu__bosch_sw(d + s) &&
            (s + 10 == n || !id_digit(d[s + 10])))
            return s;
    }
    return ID_NONE;
}

/* A Bosch hardware number 0261 + 6 digits in the first 32 KiB, no digit after it (any byte
   may precede it: the number sits inside longer records): its offset, or ID_NONE. */
static size_t hw_number(const uint8_t *d, size_t n)
{
    size_t at = 0, hit, hits = 0, to = n < HW_REGION ? n : HW_REGION;
    while (hits++ < ID_MAX_HITS && (hit = id_find(d, n, at, to, "0261", 4)) != ID_NONE) {
        at = hit + 1;
        if (hit + 10 <= to && ecu__bosch_hw(d + hit) && (hit + 10 == n || !id_digit(d[hit + 10])))
            return hit;
    }
    return ID_NONE;
}

static int documented_size(size_t n) { return n == 0x80000 || n == 0x100000 || n == 0x200000; }

/* ---- MED9.5.10 checksums (olegm382/IronFelix Source/vag_med95/module9.cpp) ------------------ */

#define M95_SIZE 0x200000u   /* ECUFILESIZE */
#define M95_WINDOW 0x400000u /* the small-data window: an address there less 0x400000 */
#define M95_R2 0x5C9FF0u     /* r2_base: the small-data base */
#define M95_RECORDS 66u
#define M95_RSA 128u          /* signature and modulus bytes */
#define M95_DISPATCH 0x100u   /* one record check sequence to the next, at most */
#define M95_MAX_CHECKS 6u

/* HexBytes1, HexBytes2 (RecogniseECU) */
static const uint8_t m95_recog1[32] = {0xA1, 0x86, 0x00, 0x00, 0x7C, 0xA5, 0x62, 0x14,
                                       0xA1, 0x66, 0x00, 0x02, 0x7C, 0xA5, 0x5A, 0x14,
                                       0x38, 0xC6, 0x00, 0x04, 0x7C, 0x06, 0x20, 0x40,
                                       0x41, 0x80, 0xFF, 0xE8, 0x7C, 0xA3, 0x2B, 0x78};
static const uint8_t m95_recog2[16] = {0x7D, 0x84, 0x28, 0xAE, 0x7D, 0x63, 0x28, 0xAE,
                                       0x7C, 0x0C, 0x58, 0x00, 0x41, 0x82, 0x00, 0x18};
/* EcuBlockSig1: lwz r10,0(r3); lwz r9,4(r3); cmplw r10,r9; bgt +0x18 */
static const uint8_t m95_check[16] = {0x81, 0x43, 0x00, 0x00, 0x81, 0x23, 0x00, 0x04,
                                      0x7C, 0x0A, 0x48, 0x40, 0x41, 0x81, 0x00, 0x18};
/* MD5Sig1 (the MD5 range) and MD5Sig2 (signature, modulus, exponent) */
static const uint8_t m95_md5[16] = {0x7D, 0x4A, 0x5B, 0x78, 0x7D, 0x9D, 0xF8, 0xAE,
                                    0x7D, 0x4A, 0x63, 0x78, 0x7D, 0x5E, 0xF9, 0x2E};
static const uint8_t m95_rsa[16] = {0x39, 0x00, 0x00, 0x00, 0x3B, 0xE0, 0x00, 0x7F,
                                    0x2C, 0x1F, 0x00, 0x00, 0x41, 0x80, 0x00, 0x64};
/* lis r2,0x5D; addi r2,r2,-0x6010: r2 = M95_R2 (PowerPC encodings) */
static const uint8_t m95_r2[8] = {0x3C, 0x40, 0x00, 0x5D, 0x38, 0x42, 0x9F, 0xF0};

/* The tables: the record check occurrence that loads the base, the records before the first
   one used (the source's "+0x10", "+0x40", "+0x90"), how many, whether in the r2 window. */
static const struct {
    unsigned occ, skip, count;
    int window;
} m95_tables[4] = {{0, 0, 1, 0}, {1, 1, 4, 0}, {2, 4, 6, 1}, {5, 9, 55, 0}};

struct m95 {
    uint64_t past;             /* a structure past the end of a shorter image (0: none) */
    uint64_t sig, mod, exp;    /* file offsets */
    uint64_t md5_s, md5_e;     /* the MD5 range, inclusive end */
    uint64_t table[4];
    uint64_t rec[M95_RECORDS]; /* each record's file offset */
    uint32_t s[M95_RECORDS], e[M95_RECORDS]; /* its range, file offsets, inclusive end */
};

/* The file offset of @p addr, direct or in the r2 window; 0 when outside the 2 MiB. */
static int m95_off(uint64_t addr, int window, uint64_t *off)
{
    if (window) {
        if (addr < M95_WINDOW || addr - M95_WINDOW >= M95_SIZE)
            return 0;
        addr -= M95_WINDOW;
    } else if (addr >= M95_SIZE) {
        return 0;
    }
    *off = addr;
    return 1;
}

/* The address two instructions at @p at make: `addis rX,rA,hi` (rA = @p ra; 0: lis) then
   `addi rX,rX,lo` (@p op2 14) or `lwz rX,lo(rX)` (@p op2 32): hi << 16 plus lo (signed), plus
   r2 when @p ra is 2; 0 when they are not of that form or not in the image. */
static int m95_hilo(const uint8_t *d, size_t n, uint64_t at, unsigned ra, unsigned op2,
                    uint64_t *addr)
{
    uint32_t w1, w2, rd;
    int32_t lo;
    if (!ecu__get32(d, n, at, 1, &w1) || !ecu__get32(d, n, at + 4, 1, &w2) || w1 >> 26 != 15 ||
        (w1 >> 16 & 31) != ra || w2 >> 26 != op2)
        return 0;
    rd = w1 >> 21 & 31;
    if ((w2 >> 16 & 31) != rd || (w2 >> 21 & 31) != rd)
        return 0;
    lo = (int32_t)(w2 & 0xFFFF) - (w2 & 0x8000 ? 0x10000 : 0);
    *addr = (uint32_t)((w1 & 0xFFFF) << 16) + (uint32_t)lo + (ra == 2 ? M95_R2 : 0u);
    *addr &= 0xFFFFFFFFu;
    return 1;
}

/* `addi rX,r2,d` at @p at: the file offset of r2 + d (in the window); 0 when not. */
static int m95_r2_addi(const uint8_t *d, size_t n, uint64_t at, uint64_t *off)
{
    uint32_t w;
    int32_t v;
    if (!ecu__get32(d, n, at, 1, &w) || w >> 26 != 14 || (w >> 16 & 31) != 2)
        return 0;
    v = (int32_t)(w & 0xFFFF) - (w & 0x8000 ? 0x10000 : 0);
    return m95_off((uint64_t)M95_R2 + (uint64_t)(int64_t)v, 1, off);
}

/* The offsets of up to @p max occurrences of @p pat in the image; how many there are (up to
   @p max + 1: more than @p max). */
static size_t m95_find(const uint8_t *d, size_t n, const uint8_t *pat, size_t m, uint64_t *pos,
                       size_t max)
{
    size_t k = 0, from = 0;
    const uint8_t *hit;
    while (k <= max && from < n && (hit = ecu__memfind(d + from, n - from, pat, m))) {
        if (k < max)
            pos[k] = (uint64_t)(hit - d);
        k++;
        from = (size_t)(hit - d) + 1;
    }
    return k;
}

/* Whether [a, a + la) and [b, b + lb) overlap. */
static int m95_overlap(uint64_t a, uint64_t la, uint64_t b, uint64_t lb)
{
    return a < b + lb && b < a + la;
}

/* Notes a structure of @p len bytes at @p off in the 2 MiB: 1 when it lies in the image, 0
   when past its end (the first such is kept in m->past). */
static int m95_here(size_t n, uint64_t off, uint64_t len, struct m95 *m)
{
    if (ecu__in(n, off, len))
        return 1;
    if (!m->past)
        m->past = off < n ? n : off;
    return 0;
}

#define M95_WHY(...) (snprintf(why, wsz, __VA_ARGS__), -1)

/* The MED9.5.10 layout of the image: 1 (in @p m), 2 when a table or the RSA data lies past the
   end of a shorter image (m->past), 0 when the image is not one the source recognises, -1 with
   the reason in @p why when its structure is not consistent. */
static int m95_locate(const uint8_t *d, size_t n, struct m95 *m, char *why, size_t wsz)
{
    uint64_t pos[M95_MAX_CHECKS], c, a, sp, ep, spans[9][2];
    uint32_t v, w, e;
    size_t k, t, i, j, ns = 0;
    memset(m, 0, sizeof *m);
    if (!ecu__memfind(d, n, m95_recog1, sizeof m95_recog1) ||
        !ecu__memfind(d, n, m95_recog2, sizeof m95_recog2))
        return 0;
    if (n > M95_SIZE)
        return M95_WHY("larger than the 2 MiB of MED9.5.10");
    if (!ecu__memfind(d, n, m95_r2, sizeof m95_r2))
        return M95_WHY("no code sets the small-data base r2 = 0x%X", M95_R2);
    /* the MD5 range: the words holding its end and start */
    if (m95_find(d, n, m95_md5, sizeof m95_md5, pos, 1) != 1)
        return M95_WHY("the MD5 range code is not there once");
    c = pos[0];
    if (!m95_hilo(d, n, c + 0x40, 0, 32, &ep) || !m95_hilo(d, n, c + 0x48, 0, 32, &sp) ||
        !m95_off(ep, 0, &ep) || !m95_off(sp, 0, &sp) || ep + 4 > M95_SIZE || sp + 4 > M95_SIZE ||
        m95_overlap(sp, 4, ep, 4))
        return M95_WHY("the MD5 range code at 0x%llX loads no range", (unsigned long long)c);
    spans[ns][0] = sp, spans[ns++][1] = 4;
    spans[ns][0] = ep, spans[ns++][1] = 4;
    if (m95_here(n, sp, 4, m) && m95_here(n, ep, 4, m)) {
        (void)ecu__get32(d, n, sp, 1, &v); /* inside: m95_here */
        (void)ecu__get32(d, n, ep, 1, &w);
        if (v > w || w >= M95_SIZE)
            return M95_WHY("the MD5 range 0x%X-0x%X is not one in the 2 MiB", v, w);
        m->md5_s = v;
        m->md5_e = w;
    }
    /* the signature, the modulus and the exponent */
    if (m95_find(d, n, m95_rsa, sizeof m95_rsa, pos, 1) != 1)
        return M95_WHY("the RSA code is not there once");
    c = pos[0];
    if (c < 0x10 || !m95_hilo(d, n, c - 0x10, 0, 14, &a) || !m95_off(a, 0, &m->sig) ||
        m->sig + M95_RSA > M95_SIZE || !m95_r2_addi(d, n, c + 0x94, &m->mod) ||
        m->mod + M95_RSA > M95_SIZE || !m95_r2_addi(d, n, c + 0x134, &m->exp) ||
        m->exp + 4 > M95_SIZE)
        return M95_WHY("the RSA code at 0x%llX loads no signature and key", (unsigned long long)c);
    spans[ns][0] = m->sig, spans[ns++][1] = M95_RSA;
    spans[ns][0] = m->mod, spans[ns++][1] = M95_RSA;
    spans[ns][0] = m->exp, spans[ns++][1] = 4;
    if (!m->past && (m->sig + M95_RSA <= m->md5_s || m->sig > m->md5_e) == 0)
        return M95_WHY("the signature at 0x%llX lies in the range it signs",
                       (unsigned long long)m->sig);
    if (m95_here(n, m->mod, M95_RSA, m) && m95_here(n, m->exp, 4, m)) {
        (void)ecu__get32(d, n, m->exp, 1, &e); /* inside: m95_here */
        if (d[m->mod] == 0 || (d[m->mod + M95_RSA - 1] & 1) == 0 || e < 3 || (e & 1) == 0)
            return M95_WHY("no RSA public key at 0x%llX (modulus) and 0x%llX (exponent)",
                           (unsigned long long)m->mod, (unsigned long long)m->exp);
    }
    (void)m95_here(n, m->sig, M95_RSA, m);
    /* the multipoint tables: the record check sequences of one dispatch */
    if (m95_find(d, n, m95_check, sizeof m95_check, pos, M95_MAX_CHECKS) != M95_MAX_CHECKS)
        return M95_WHY("the record check sequence is not there %u times", M95_MAX_CHECKS);
    for (k = 1; k < M95_MAX_CHECKS; k++)
        if (pos[k] - pos[k - 1] > M95_DISPATCH)
            return M95_WHY("the record check sequences at 0x%llX and 0x%llX are not one dispatch",
                           (unsigned long long)pos[k - 1], (unsigned long long)pos[k]);
    for (k = 0; k < M95_MAX_CHECKS; k++) {
        int win = k >= 2 && k <= 4; /* the 3rd to 5th: the r2-relative table */
        uint64_t base;
        if (pos[k] < 0x14 || !m95_hilo(d, n, pos[k] - 0x14, win ? 2 : 0, 14, &base))
            return M95_WHY("no table base loaded before the record check at 0x%llX",
                           (unsigned long long)pos[k]);
        if (k == 2)
            c = base;
        else if (win && base != c)
            return M95_WHY("the record check at 0x%llX loads another base",
                           (unsigned long long)pos[k]);
        for (t = 0; t < 4; t++) {
            if (m95_tables[t].occ != k)
                continue;
            if (!m95_off(base, m95_tables[t].window, &a) ||
                a + 16u * (m95_tables[t].skip + m95_tables[t].count) > M95_SIZE)
                return M95_WHY("table %zu (base 0x%llX) is not in the 2 MiB", t,
                               (unsigned long long)base);
            m->table[t] = a + 16u * m95_tables[t].skip;
        }
    }
    /* the records */
    for (t = 0, i = 0; t < 4; t++) {
        uint64_t len = 16u * m95_tables[t].count;
        for (j = 0; j < ns; j++)
            if (m95_overlap(m->table[t], len, spans[j][0], spans[j][1]))
                return M95_WHY("table %zu at 0x%llX overlaps the RSA data or another table", t,
                               (unsigned long long)m->table[t]);
        spans[ns][0] = m->table[t], spans[ns++][1] = len;
        if (!m95_here(n, m->table[t], len, m)) {
            i += m95_tables[t].count;
            continue;
        }
        for (k = 0; k < m95_tables[t].count; k++, i++) {
            uint32_t s, en, sum, cpl;
            uint64_t so, eo, r = m->table[t] + 16u * k;
            (void)ecu__get32(d, n, r, 1, &s); /* inside: m95_here */
            (void)ecu__get32(d, n, r + 4, 1, &en);
            (void)ecu__get32(d, n, r + 8, 1, &sum);
            (void)ecu__get32(d, n, r + 12, 1, &cpl);
            if (!m95_off(s, m95_tables[t].window, &so) || !m95_off(en, m95_tables[t].window, &eo) ||
                so > eo || so % 2 || eo % 2 == 0 || sum != (uint32_t)~cpl)
                return M95_WHY("record %zu at 0x%llX is not a record (0x%X-0x%X, 0x%X/0x%X)", i,
                               (unsigned long long)r, s, en, sum, cpl);
            m->rec[i] = r;
            m->s[i] = (uint32_t)so;
            m->e[i] = (uint32_t)eo;
        }
    }
    return m->past ? 2 : 1;
}

/* The MD5 of the signature block's range into @p md (Nettle's md5). */
static void m95_md5_of(const uint8_t *img, const struct blk *b, uint8_t md[MD5_DIGEST_SIZE])
{
    struct md5_ctx h;
    md5_init(&h);
    md5_update(&h, (size_t)(b->ranges[0].end - b->ranges[0].start), img + b->ranges[0].start);
    md5_digest(&h, MD5_DIGEST_SIZE, md);
}

/* The block the source signs: 00 01 FF..FF 00 followed by the MD5. */
static void m95_message(uint8_t msg[M95_RSA], const uint8_t md[MD5_DIGEST_SIZE])
{
    msg[0] = 0x00;
    msg[1] = 0x01;
    memset(msg + 2, 0xFF, M95_RSA - 3 - MD5_DIGEST_SIZE);
    msg[M95_RSA - 1 - MD5_DIGEST_SIZE] = 0x00;
    memcpy(msg + M95_RSA - MD5_DIGEST_SIZE, md, MD5_DIGEST_SIZE);
}

/* The signature block (key_off: the modulus; init: the BE32 exponent): sig ^ e mod n must be
   m95_message of the MD5 of the range. The values: the first 8 bytes of the digests. */
static int m95_sig_check(const uint8_t *img, size_t size, const struct blk *b, uint64_t *stored,
                         uint64_t *computed)
{
    uint8_t msg[M95_RSA], want[M95_RSA], md[MD5_DIGEST_SIZE];
    uint32_t e;
    unsigned k;
    if (!ecu__get32(img, size, b->init, 1, &e) || !ecu__in(size, b->key_off, M95_RSA) ||
        !ecu__rsa_public(img + b->key_off, img + b->store_off, M95_RSA, e, msg))
        return 0;
    m95_md5_of(img, b, md);
    for (k = 0; k < 8; k++) {
        *stored = *stored << 8 | msg[M95_RSA - MD5_DIGEST_SIZE + k];
        *computed = *computed << 8 | md[k];
    }
    m95_message(want, md);
    return memcmp(msg, want, M95_RSA) == 0;
}

/* The signature made anew as the source does, with the caller's key pair (of 1024 bits and
   the image's exponent): its modulus written over the image's, the MD5 taken after that, the
   signature made with it (it lies outside the range it signs: m95_locate). */
static int m95_resign(uint8_t *img, size_t size, const struct blk *b, const struct ecu__rsa_key *key)
{
    uint8_t was[M95_RSA], msg[M95_RSA], sig[M95_RSA], md[MD5_DIGEST_SIZE];
    uint32_t e;
    if (ecu__rsa_key_bytes(key) != M95_RSA || !ecu__get32(img, size, b->init, 1, &e) ||
        !ecu__rsa_key_exponent_is(key, e) || !ecu__in(size, b->key_off, M95_RSA) ||
        !ecu__in(size, b->store_off, M95_RSA))
        return ECU_ERR_UNFIXABLE;
    memcpy(was, img + b->key_off, M95_RSA);
    ecu__rsa_key_modulus(key, img + b->key_off);
    m95_md5_of(img, b, md);
    m95_message(msg, md);
    if (!ecu__rsa_key_root(key, msg, sig)) {
        memcpy(img + b->key_off, was, M95_RSA);
        return ECU_ERR_UNFIXABLE;
    }
    memcpy(img + b->store_off, sig, M95_RSA);
    return ECU_OK;
}

/* A structure past the end of the image: never evaluated (csum.c, block_in_bounds). */
static uint64_t m95_none(const uint8_t *img, size_t size, const struct blk *b)
{
    (void)img, (void)size, (void)b;
    return 0;
}

static int layout(const uint8_t *d, size_t n, struct blk_list *out)
{
    struct m95 m;
    struct blk b;
    char why[160];
    unsigned k;
    int rc, found = m95_locate(d, n, &m, why, sizeof why);
    if (found <= 0)
        return ECU_OK; /* no layout: the detection evidence says why */
    if (found == 2) {
        /* a table or the RSA data past the end: the image is truncated, its blocks unknown */
        ecu__blk_init(&b, "structure past the end", "MED9.5.10 tables at 0x%llX, past the end "
                      "(truncated)", (unsigned long long)m.past);
        ecu__blk_custom(&b, m95_none);
        ecu__blk_range(&b, m.past, m.past + 16);
        ecu__blk_store(&b, m.past, 4, 1, 0);
        return ecu__blk_add(out, &b);
    }
    for (k = 0; k < M95_RECORDS; k++) {
        ecu__blk_init(&b, "sum16be, BE32 with complement", "multipoint %u (0x%X-0x%X)%s", k,
                      m.s[k], m.e[k], (uint64_t)m.e[k] >= n ? ", past the end (truncated)" : "");
        ecu__blk_sum(&b, 2, 1, 32, 0);
        ecu__blk_range(&b, m.s[k], (uint64_t)m.e[k] + 1);
        ecu__blk_store(&b, m.rec[k] + 8, 4, 1, 1);
        if ((rc = ecu__blk_add(out, &b)) != ECU_OK)
            return rc;
    }
    ecu__blk_init(&b, "RSA-1024 over MD5, PKCS#1 v1.5 type 1", "RSA signature (modulus at 0x%llX)",
                  (unsigned long long)m.mod);
    ecu__blk_signature(&b, m95_sig_check, m.sig, M95_RSA);
    ecu__blk_resign(&b, m95_resign, m.mod, M95_RSA);
    ecu__blk_range(&b, m.md5_s, m.md5_e + 1);
    b.init = m.exp; /* the exponent, read by m95_sig_check (no constructor sets `init` of a
                       signature block) */
    return ecu__blk_add(out, &b);
}

/* The layout covers the 2 MiB the source requires (only MED9.5.10 images have blocks). */
ECU_EXTENT_FIXED(extent, M95_SIZE)

static unsigned detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    size_t rl, rlen, med9, cal, hw;
    char quote[48], extra[96] = "";
    unsigned score = SCORE_BASE;
    int etr;
    if ((rl = ramloader(d, n, &rlen)) == ID_NONE || !powerpc_code(d, n))
        return 0;
    if ((etr = etr_table(d, n)))
        score += SCORE_ETR;
    med9 = med9_descriptor(d, n);
    cal = med9 == ID_NONE ? sw_after(d, n, "//", 2) : ID_NONE;
    if (med9 != ID_NONE) {
        score += SCORE_DESCRIPTOR;
        snprintf(extra, sizeof extra, ", MED9 descriptor at 0x%zX", med9);
    } else if (cal != ID_NONE) {
        score += SCORE_DESCRIPTOR;
        snprintf(extra, sizeof extra, ", ME9 calibration software at 0x%zX", cal);
    }
    if ((hw = hw_number(d, n)) != ID_NONE) {
        score += SCORE_HW;
        snprintf(extra + strlen(extra), sizeof extra - strlen(extra), ", HW number at 0x%zX", hw);
    }
    if (documented_size(n))
        score += SCORE_SIZE;
    id_quote(d + rl, rlen, quote, sizeof quote);
    snprintf(ev, evsz, "'%s' at 0x%zX, PowerPC code%s%s, %zu KiB", quote, rl,
             etr ? ", MPC5xx exception table at 0" : ", no exception table at 0 (partial read)",
             extra, n / 1024);
    {
        /* the MED9.5.10 code the source recognises, its tables not consistent: why no layout
           (in place of the details, for room) */
        struct m95 m;
        char why[160];
        if (m95_locate(d, n, &m, why, sizeof why) < 0)
            snprintf(ev, evsz, "'%s' at 0x%zX; MED9.5.10 code, no layout: %s", quote, rl, why);
    }
    return score;
}

static void identify(const uint8_t *d, size_t n, struct ecu__idsink *out)
{
    size_t rl, rlen, at;
    if ((rl = ramloader(d, n, &rlen)) != ID_NONE)
        ecu__id_put(out, d, n, "descriptor", rl, rlen, 70, "Bosch ME9 RAM-loader ident");
    if ((at = sw_after(d, n, "//", 2)) != ID_NONE)
        ecu__id_put(out, d, n, "sw_number", at, 10, 85,
                    "ME9 ident record (calibration software after //)");
    if ((at = sw_after(d, n, "\"", 1)) != ID_NONE)
        ecu__id_put(out, d, n, "cal_id", at, 10, 75,
                    "ME9 ident record (program software after the 0x22 sentinel)");
    if ((at = hw_number(d, n)) != ID_NONE)
        ecu__id_put(out, d, n, "hw_number", at, 10, 75, "Bosch HW number in the first 32 KiB (ME9)");
    if (med9_descriptor(d, n) == ID_NONE && rl != ID_NONE)
        ecu__id_text(out, "ecu_type", "ME9", rl, 60, "RAM-loader ident names ME9, no MED9 descriptor");
}

const struct family ecu__family_bosch_me9 = {
    .info = {
        .name = "bosch-me9",
        .manufacturer = "Bosch",
        .description = "ME9 / MED9 (BMW ME9.2, VAG ME9, MED9.1, MED9.5, MED9.5.10; MPC5xx "
                       "PowerPC), full and partial reads; checksums of MED9.5.10 (2 MiB) only, "
                       "the other variants identification only",
        .verifies = "MED9.5.10: 66 multipoint sums (BE16 words, BE32 with complement; tables "
                    "found through the dispatch code) and the RSA-1024 signature over MD5 of one "
                    "range; other variants nothing: no known checksum layout (verdict no-layout)",
        .corrects = "the MED9.5.10 multipoint sums; its RSA signature only re-signed with a "
                    "key pair the caller gives (modulus rewritten)",
        .sources = "Pinelo92/openremap bosch/me9/extractor.py; v-arapidis/openremap-core "
                   "bosch/edc17/extractor.py, docs/manufacturers/bosch/me9.md, med9.md; "
                   "MPC561/MPC563 Reference Manual 4.3 (exception table relocation); "
                   "olegm382/IronFelix Source/vag_med95/module9.cpp (MED9.5.10)",
    },
    .min_size = 0x8000,
    .max_size = 0x400000,
    .detect = detect,
    .identify = identify,
    .layout = layout,
    .extent = extent,
};
