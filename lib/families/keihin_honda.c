/* SPDX-License-Identifier: MIT */
/*
 * Keihin engine control units of Honda motorcycles (CBR1000RR, CB1000R, CBR600RR, CBR500R,
 * CBR250R/RR, CBR150R, MSX125, ...): identified only. No checksum is verified: the public
 * tools give an 8-bit sum per model (below), but its slot differs between models and no
 * published layout says where it lies in an image that no table names, so the family has no
 * layout (`layout` is NULL): a claimed image gets the verdict no-layout, never ok, and
 * ecu-csum --fix refuses it.
 *
 * Public sources (structure only):
 * - uPSKK13/HondaEcu README.md ("Checksums" table: ROM sizes 48, 56, 64, 92, 256, 512 and
 *   1024 KiB, checksum addresses, CPUs M16C, M32R and PPC), ecu.py (checksum8bitHonda,
 *   validate_checksum: the checksum byte makes the 8-bit sum of ALL the bytes of the image
 *   zero), checksumHonda.cpp (the same over 256 KiB), src/ecmids.py (per model: "keihinaddr",
 *   the address of the 7-character Keihin ID that HondaECU shows as "Map ID", and
 *   "ecmidaddr", the address of the 5-byte ECM ID, whose first byte is 0x01 in every entry);
 * - Roxxas21/HondaTestNew src/ecmids.py (a HondaECU fork: further keihinaddr/ecmidaddr entries,
 *   0xDFF0 after the 56 KiB image's checksum byte at 0xDFEF, 0x37B98; 0x7FF5C for the 1 MiB
 *   VFR1200F, also in MCU-Innovations/HondaECU issue #26);
 * - the CPUs' documented reset structures:
 *   - Renesas M32R (CBR1000RR, CBR600RR): the EIT vector table at 0 holds instructions, the
 *     entries at 0x00 (reset), 0x10 (SBI), 0x20 (RIE) and 0x30 (AE) each a "BRA pcdisp24"
 *     (top byte 0xFF, a signed 24-bit word displacement from the entry): linux
 *     arch/m32r/kernel/traps.c (BRA_INSN, set_eit_vector_entries; removed in Linux 4.17);
 *   - PowerPC MPC55xx/56xx (CB500/CBR500R): the BAM boot header, the reset configuration
 *     half word with the boot identifier 0x5A in its second byte at 0, the reset vector (BE32,
 *     word-aligned) at 4: nxp-archive/autobsps32_freertos .../hw_flashrchw.c (0x005A0000);
 *   - Renesas SuperH (SH-2/SH-2A): BE32 power-on reset PC and SP at 0 and 4, manual reset PC
 *     and SP at 8 and 12; the PCs even and inside the image, both SPs equal, word-aligned, in
 *     the on-chip RAM at the top of the address space (0xFFF80000-0xFFFFFFFF);
 *   - Renesas H8/300H Tiny (normal mode): BE16 vectors from 0, the reset vector first; the
 *     first 16 vectors even, nonzero, past them and inside the image.
 *
 * Detection (claimed at 50 or more):
 * - the Keihin ID at one of the documented keihinaddr addresses of a model whose ROM size
 *   is the image's (required, 40): 0x7601 in 48 KiB, 0xDFF0 in 56 KiB, 0x1 in 64 KiB,
 *   0x32D80, 0x37B98, 0x3FA70 or 0x3FFDE in 256 KiB, 0x7FF5C in 1 MiB images; 7 characters
 *   '0'-'9'/'A'-'Z' holding a letter and a digit, the field not continued by an eighth
 *   letter or digit;
 * - the 8-bit sum of the whole image is 0 (30): a read whose checksum byte is right;
 * - one of the CPU reset structures above at 0 (20).
 * So an ID with a right sum, or with a CPU structure, claims the image (60, 70 or 90); the ID
 * alone does not. Images holding another maker's strings (Bosch, Siemens) are not claimed.
 *
 * Identification: the Keihin ID (cal_id), the ECM ID at the documented ecmidaddr addresses of
 * the image's size when it has the form of the published ones (descriptor, as hex: 01, 00-03,
 * any byte, two bytes 01-1F), the CPU (ecu_type).
 */
#include "family.h"
#include "read.h"
#include "text.h"

#include <stdio.h>
#include <string.h>

#define KEIHIN_ID_LEN 7 /* HondaEcu reads 7 ASCII bytes at keihinaddr */
#define ECM_ID_LEN 5

/* Where the documented models keep their IDs, with the size of their images (the ROM size
   of the uPSKK13/HondaEcu README table for the model). keihinaddr: uPSKK13/HondaEcu
   src/ecmids.py (MSX125 0x7601 and 0x1, CBR500R 0x32D80 and 0x3FA70, CBR1000RR 0x3FFDE),
   Roxxas21/HondaTestNew src/ecmids.py (CBR250R 0xDFF0, CB650F 0x37B98, CB1000R and CBR600RR
   0x3FFDE, VFR1200F 0x7FF5C); ecmidaddr: the same two files. */
struct place {
    size_t size, at;
};

static const struct place id_places[] = {
    {0xC000, 0x7601},   {0xE000, 0xDFF0},   {0x10000, 0x1},     {0x40000, 0x32D80},
    {0x40000, 0x37B98}, {0x40000, 0x3FA70}, {0x40000, 0x3FFDE}, {0x100000, 0x7FF5C},
};

static const struct place ecm_places[] = {
    {0xC000, 0x97CD},   {0xE000, 0xC3EE},   {0x10000, 0x23B8},  {0x10000, 0x260C},
    {0x40000, 0x15F72}, {0x40000, 0x17FC7}, {0x40000, 0x18BB7}, {0x40000, 0x21C92},
    {0x40000, 0x2290F}, {0x40000, 0x23381}, {0x40000, 0x25439}, {0x40000, 0x280B5},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Whether the Keihin ID field is at @p at: 7 of '0'-'9'/'A'-'Z' with a letter and a digit,
   and no eighth letter or digit after them. */
static int keihin_id_at(const uint8_t *d, size_t n, size_t at)
{
    size_t k, letters = 0, digits = 0;
    if (!id_all(d, n, at, KEIHIN_ID_LEN, id_upnum))
        return 0;
    for (k = 0; k < KEIHIN_ID_LEN; k++) {
        letters += id_upper(d[at + k]);
        digits += id_digit(d[at + k]);
    }
    if (!letters || !digits)
        return 0;
    return at + KEIHIN_ID_LEN >= n || !id_alnum(d[at + KEIHIN_ID_LEN]);
}

/* The first documented place of an image of @p n bytes holding the Keihin ID, or ID_NONE. */
static size_t find_keihin_id(const uint8_t *d, size_t n)
{
    size_t k;
    for (k = 0; k < NELEM(id_places); k++)
        if (id_places[k].size == n && keihin_id_at(d, n, id_places[k].at))
            return id_places[k].at;
    return ID_NONE;
}

/* Whether the 5 bytes at @p at have the form of the published ECM IDs (uPSKK13/HondaEcu
   src/ecmids.py, Roxxas21/HondaTestNew src/ecmids.py: 01, then 00-03, any byte, and two
   bytes 01-1F). */
static int ecm_id_at(const uint8_t *d, size_t n, size_t at)
{
    return ecu__in(n, at, ECM_ID_LEN) && d[at] == 0x01 && d[at + 1] <= 0x03 && d[at + 3] &&
           d[at + 3] < 0x20 && d[at + 4] && d[at + 4] < 0x20;
}

static unsigned sum8(const uint8_t *d, size_t n)
{
    unsigned s = 0;
    size_t i;
    for (i = 0; i < n; i++)
        s += d[i];
    return s & 0xFF;
}

/* M32R: "BRA pcdisp24" (0xFF, signed 24-bit word displacement) at 0x00, 0x10, 0x20, 0x30, each
   to an address past the EI entry at 0x80 (the end of the EIT vector table), inside the image. */
static int m32r_eit(const uint8_t *d, size_t n)
{
    uint64_t e;
    for (e = 0; e < 0x40; e += 0x10) {
        uint32_t w;
        int64_t disp, to;
        if (!ecu__get32(d, n, e, 1, &w) || (w >> 24) != 0xFF)
            return 0;
        disp = (int64_t)(w & 0x00FFFFFFu);
        if (disp & 0x800000)
            disp -= 0x1000000;
        to = (int64_t)e + disp * 4;
        if (to < 0x84 || (uint64_t)to >= n)
            return 0;
    }
    return 1;
}

/* MPC55xx/56xx BAM: boot identifier 0x5A in the second byte, a word-aligned reset vector
   inside the image and past the boot header at 4. */
static int ppc_rchw(const uint8_t *d, size_t n)
{
    uint32_t rv;
    if (n < 8 || d[1] != 0x5A || !ecu__get32(d, n, 4, 1, &rv))
        return 0;
    return rv >= 8 && !(rv & 3) && rv < n;
}

/* SuperH: power-on and manual reset PCs even, past the 16 bytes and inside the image; the two
   SPs equal, word-aligned, in the on-chip RAM at the top of the address space. */
static int sh_vectors(const uint8_t *d, size_t n)
{
    uint32_t pc0, sp0, pc1, sp1;
    if (!ecu__get32(d, n, 0, 1, &pc0) || !ecu__get32(d, n, 4, 1, &sp0) ||
        !ecu__get32(d, n, 8, 1, &pc1) || !ecu__get32(d, n, 12, 1, &sp1))
        return 0;
    return pc0 >= 0x10 && !(pc0 & 1) && pc0 < n && pc1 >= 0x10 && !(pc1 & 1) && pc1 < n &&
           sp0 == sp1 && !(sp0 & 3) && sp0 >= 0xFFF80000u;
}

/* H8/300H normal mode: the first 16 BE16 vectors even, past them (0x20) and inside the image. */
static int h8_vectors(const uint8_t *d, size_t n)
{
    uint64_t k;
    for (k = 0; k < 32; k += 2) {
        uint16_t v;
        if (!ecu__get16(d, n, k, 1, &v) || (v & 1) || v < 0x20 || v >= n)
            return 0;
    }
    return 1;
}

/* The CPU whose reset structure is at 0, or NULL. */
static const char *cpu_of(const uint8_t *d, size_t n)
{
    if (m32r_eit(d, n))
        return "Renesas M32R (EIT vectors)";
    if (ppc_rchw(d, n))
        return "PowerPC MPC55xx/56xx (BAM boot header)";
    if (sh_vectors(d, n))
        return "Renesas SuperH (reset vectors)";
    if (h8_vectors(d, n))
        return "Renesas H8/300H (reset vectors)";
    return NULL;
}

static unsigned keihin_detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    char id[KEIHIN_ID_LEN + 1];
    const char *cpu;
    size_t at;
    unsigned score = 40;
    int sum0;
    if ((at = find_keihin_id(d, n)) == ID_NONE)
        return 0;
    sum0 = sum8(d, n) == 0;
    cpu = cpu_of(d, n);
    if (sum0)
        score += 30;
    if (cpu)
        score += 20;
    if (score < ECU_DETECT_MIN || id_foreign(d, n))
        return 0;
    id_quote(d + at, KEIHIN_ID_LEN, id, sizeof id);
    snprintf(ev, evsz, "Keihin ID '%s' at 0x%zX, %s, %s, %zu KiB", id, at,
             sum0 ? "8-bit sum of the image 0" : "8-bit sum not 0",
             cpu ? cpu : "no CPU reset structure at 0", n / 1024);
    return score;
}

static void keihin_identify(const uint8_t *d, size_t n, struct ecu__idsink *out)
{
    const char *cpu = cpu_of(d, n);
    size_t at = find_keihin_id(d, n), k;
    if (at != ID_NONE)
        ecu__id_put(out, d, n, "cal_id", at, KEIHIN_ID_LEN, 85,
                    "Keihin ID (HondaECU map ID) at a documented keihinaddr");
    for (k = 0; k < NELEM(ecm_places); k++) {
        size_t a = ecm_places[k].at;
        char hex[3 * ECM_ID_LEN + 1];
        if (ecm_places[k].size != n || !ecm_id_at(d, n, a))
            continue;
        snprintf(hex, sizeof hex, "%02X %02X %02X %02X %02X", d[a], d[a + 1], d[a + 2], d[a + 3],
                 d[a + 4]);
        ecu__id_text(out, "descriptor", hex, a, 50, "Honda ECM ID at a documented ecmidaddr");
    }
    if (cpu)
        ecu__id_text(out, "ecu_type", cpu, 0, 60, "the CPU's reset structure at 0");
}

const struct family ecu__family_keihin_honda = {
    .info = {
        .name = "keihin-honda",
        .manufacturer = "Keihin",
        .description = "Keihin engine control units of Honda motorcycles (M32R, MPC55xx, SH, H8, "
                       "M16C), 48, 56, 64, 256 KiB or 1 MiB; identification only",
        .verifies = "nothing: no known checksum layout (verdict no-layout)",
        .corrects = "",
        .sources = "uPSKK13/HondaEcu README.md, ecu.py, src/ecmids.py; Roxxas21/HondaTestNew "
                   "src/ecmids.py",
    },
    .min_size = 0xC000,
    .max_size = 0x100000,
    .detect = keihin_detect,
    .identify = keihin_identify,
    .layout = NULL,
};
