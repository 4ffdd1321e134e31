/* SPDX-License-Identifier: MIT */
/*
 * Bosch ME7.2 (BMW V8 M62TU, E39 540i / E53 X5 4.4, C166): the 64 KiB data (calibration)
 * flash image, identified only. No public checksum layout is known for it, so the family has
 * no layout (`layout` is NULL): a claimed image gets the verdict no-layout, never ok, and
 * ecu-csum --fix refuses it.
 *
 * Public sources (detection and identification facts only):
 * - zarboz/BMW-XDFs "BMW ME7.2 X5 4.4 V8/E650_000.a2l" (the ASAP2 description of an ME7.2
 *   X5 4.4 software), MOD_PAR: CPU_TYPE S80166; MEMORY_SEGMENT Dst810000 DATA EPROM EXTERN
 *   0x810000 size 0x10000 (this image: image offset = address - 0x810000), the code in
 *   0x800000-0x80FFFF and 0x820000-0x87FFFF (not in this image); ADDR_EPK 0x812C38 (image
 *   offset 0x2C38) holding the EPK "37/1/BMW/11/195//E6500/Dst_00/250101/" (at most
 *   EPK_MAX_LEN 50 bytes); IF_DATA ETK TP_BLOB RESERVED_DISTAB_MEMORY 0x817F68 and the three
 *   display tables (QP_BLOB distab 0x817F68, 0x817F7E, 0x817FB4; maxnum 0xA, 0x1A, 0x1E
 *   words), reserved for the calibration system's display tables and zero in a production
 *   image: image offsets 0x7F68 to 0x7FF0.
 * - zarboz/BMW-XDFs "BMW ME7.2 X5 4.4 V8/Map locations.txt": the maps the A2L declares at
 *   0x81xxxx lie at 0x1xxxx of a dump that starts at 0x800000, i.e. the data segment.
 * - v-arapidis/openremap-core bosch/me7/patterns.py (read in Pinelo92/openremap
 *   src/openremap/tuning/manufacturers/bosch/me7/patterns.py): the ME7 data segment (CPU
 *   0x810000, 0x10000 of a full image) starts with "ZZ"; the two bytes after it vary by
 *   variant. A VAG ME7 data segment has "ZZ" FF FF and its EPK "nn/1/ME7.x/..." right after.
 *
 * Detection: exactly 64 KiB and "ZZ" at 0 are required (score 40); +15 for the zeroed display
 * tables at 0x7F68-0x7FEF, +20 for a BMW EPK ("nn/1/BMW/", the A2L's format) anywhere (+5 more
 * at 0x2C38), +10 for a Bosch hardware number (0261 + 6 digits). 50 or more claims the image.
 * An EPK of another ECU ("nn/1/ME7.1/...": a VAG ME7 data segment cut out of its image) or a
 * Siemens string (SIMOS, 5WK9) excludes it. All searches are bounded; every read is
 * bounds-checked.
 */
#include "family.h"
#include "idformat.h"
#include "text.h"

#include <stdio.h>
#include <string.h>

#define ME72_SIZE 0x10000u
#define ME72_EPK 0x2C38u     /* A2L ADDR_EPK 0x812C38 */
#define ME72_EPK_MAX 50u     /* A2L SYSTEM_CONSTANT EPK_MAX_LEN */
#define ME72_DISTAB 0x7F68u  /* A2L RESERVED_DISTAB_MEMORY / first QP_BLOB distab 0x817F68 */
#define ME72_DISTAB_END 0x7FF0u /* the third table 0x817FB4 + 0x1E words */

static int epk_char(uint8_t c) { return id_print(c); }

/* An EPK at @p at: 1-3 digits, "/1/", then printable bytes; its length (at most EPK_MAX_LEN)
   or 0. */
static size_t epk_at(const uint8_t *d, size_t n, size_t at)
{
    size_t k = id_run(d, n, at, 3, id_digit);
    if (!k || !id_at(d, n, at + k, "/1/", 3))
        return 0;
    return id_run(d, n, at, ME72_EPK_MAX, epk_char);
}

/*
 * The first EPK of the image ("nn/1/<name>/"): its offset and length, and whether it is a BMW
 * one; ID_NONE when there is none. The search goes through "/1/" and steps back to the digits.
 */
static size_t find_epk(const uint8_t *d, size_t n, size_t *len, int *bmw)
{
    size_t at = 0, m, hits = 0, b;
    while (hits++ < ID_MAX_HITS && (m = id_find(d, n, at, n, "/1/", 3)) != ID_NONE) {
        at = m + 1;
        for (b = m; b > 0 && m - b < 3 && id_digit(d[b - 1]); b--)
            ;
        if (b == m || (b > 0 && id_alnum(d[b - 1])))
            continue;
        if ((*len = epk_at(d, n, b)) < 10)
            continue;
        *bmw = id_at(d, n, m + 3, "BMW/", 4) || id_at(d, n, m + 3, "ME7.2/", 6);
        return b;
    }
    return ID_NONE;
}

/* The first Bosch hardware number in the image; ID_NONE when there is none. */
static size_t find_bosch_hw(const uint8_t *d, size_t n)
{
    size_t at = 0, m, hits = 0;
    while (hits++ < ID_MAX_HITS && (m = id_find(d, n, at, n, "0261", 4)) != ID_NONE) {
        at = m + 1;
        if (m + 10 <= n && ecu__bosch_hw(d + m) && (m == 0 || !id_digit(d[m - 1])))
            return m;
    }
    return ID_NONE;
}

static unsigned detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    size_t epk, epklen = 0, hw;
    int bmw = 0, distab;
    unsigned score = 40;
    char q[ME72_EPK_MAX + 1] = "";
    if (n != ME72_SIZE || !id_at(d, n, 0, "ZZ", 2))
        return 0;
    if (id_find(d, n, 0, n, "SIMOS", 5) != ID_NONE || id_find(d, n, 0, n, "5WK9", 4) != ID_NONE)
        return 0;
    epk = find_epk(d, n, &epklen, &bmw);
    if (epk != ID_NONE && !bmw)
        return 0; /* the EPK of another ECU */
    distab = id_fill(d, n, ME72_DISTAB, ME72_DISTAB_END, 0x00);
    hw = find_bosch_hw(d, n);
    score += 15 * (unsigned)distab + 10 * (unsigned)(hw != ID_NONE);
    if (epk != ID_NONE) {
        score += 20 + 5 * (unsigned)(epk == ME72_EPK);
        id_quote(d + epk, epklen, q, sizeof q);
    }
    snprintf(ev, evsz, "ZZ at 0 (data segment 0x810000), 64 KiB%s%s%s%s%s",
             distab ? ", zeroed display tables at 0x7F68" : "",
             hw != ID_NONE ? ", Bosch hardware number" : "", q[0] ? ", EPK '" : "", q,
             q[0] ? "'" : "");
    return score;
}

static void identify(const uint8_t *d, size_t n, struct ecu__idsink *out)
{
    size_t epk, len = 0;
    int bmw = 0;
    if ((epk = find_epk(d, n, &len, &bmw)) != ID_NONE && bmw)
        ecu__id_put(out, d, n, "epk", epk, len, epk == ME72_EPK ? 90 : 75,
                    "ME7.2 EPK (A2L ADDR_EPK 0x812C38)");
    /* above the generic EPK scanner's third field, which in this EPK names the customer */
    ecu__id_text(out, "ecu_type", "ME7.2", ECU_ID_NO_OFFSET, 85,
                 "64 KiB data segment 0x810000 with ZZ (ME7.2 A2L)");
}

const struct family ecu__family_bosch_me72 = {
    .info = {
        .name = "bosch-me72",
        .manufacturer = "Bosch",
        .description = "ME7.2 petrol (BMW V8 M62TU, C166), the 64 KiB data flash image; "
                       "identification only",
        .verifies = "nothing: no public checksum layout is known (verdict no-layout)",
        .corrects = "",
        .sources = "zarboz/BMW-XDFs BMW ME7.2 X5 4.4 V8/E650_000.a2l (MOD_PAR, ETK TP_BLOB); "
                   "v-arapidis/openremap-core bosch/me7/patterns.py (ZZ)",
    },
    .min_size = ME72_SIZE,
    .max_size = ME72_SIZE,
    .magics = {{0, "ZZ", 2}},
    .detect = detect,
    .identify = identify,
    .layout = NULL,
};
