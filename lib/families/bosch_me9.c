/* SPDX-License-Identifier: MIT */
/*
 * Bosch ME9 / MED9 (BMW ME9.2 with Valvetronic, VAG ME9 and MED9.1 / MED9.5 / MED9.5.10;
 * Motorola MPC5xx PowerPC): identified only. No checksum layout is implemented, so a claimed
 * image gets the verdict no-layout ("no known checksum layout"), never ok, and ecu-csum --fix
 * refuses it. (olegm382/IronFelix Source/vag_med95/module9.cpp has a MED9.5.10 module; it
 * finds its tables through instruction patterns, a fixed small-data base and entry offsets
 * that are not documented, and its RSA part replaces the unit's public key: not taken here.)
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
 */
#include "family.h"
#include "idformat.h"
#include "read.h"
#include "text.h"

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
                       "PowerPC), full and partial reads; identification only",
        .verifies = "nothing: no known checksum layout (verdict no-layout)",
        .corrects = "",
        .sources = "Pinelo92/openremap bosch/me9/extractor.py; v-arapidis/openremap-core "
                   "bosch/edc17/extractor.py, docs/manufacturers/bosch/me9.md, med9.md; "
                   "MPC561/MPC563 Reference Manual 4.3 (exception table relocation)",
    },
    .min_size = 0x8000,
    .max_size = 0x400000,
    .detect = detect,
    .identify = identify,
    .layout = NULL,
};
