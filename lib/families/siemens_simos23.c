/* SPDX-License-Identifier: MIT */
/*
 * Siemens Simos 2 / Simos 3 (VAG petrol 1.0-2.5 l, 5WP4 hardware, 1998-2006): identified only.
 * No public checksum algorithm is known for them, so the family has no layout (`layout` is
 * NULL): a claimed image gets the verdict no-layout, never ok, and ecu-csum --fix refuses it.
 *
 * Public sources (detection and identification facts only):
 * - v-arapidis/openremap-core docs/manufacturers/siemens/simos.md and the same project's
 *   siemens/simos/patterns.py and extractor.py (read in Pinelo92/openremap
 *   src/openremap/tuning/manufacturers/siemens/simos/): file sizes 128, 256 and 512 KiB; the
 *   header of every 512 KiB image starts F0 30; 256 KiB images start C0 64 or FA 00; 128 KiB
 *   images start 02 (an 8051 LJMP); most images hold no text at all. When text is there: the
 *   Siemens part number "5WP4" + 3-5 digits, the label "SIMOS" + spaces + a version of 4
 *   digits (in the OEM ident "<VAG part number> <displacement> R4/2V SIMOS <version>"), the
 *   calibration dataset "cas21" + 3 digits + ".DAT", the project code "s21" + a digit or '_',
 *   the number "6577" + 6 digits (openremap calls it the serial code and uses it as the
 *   software version); the strings of other makers (BOSCH, MOTRONIC, ME7., EDC17, MED17,
 *   5WS4, 5WK9, SID80) exclude an image. Family name by size: SIMOS (128 KiB), SIMOS2
 *   (256 KiB), SIMOS3 (512 KiB).
 * - The CPUs' vector tables (Infineon C166/C167 user's manual, "Interrupt and trap
 *   functions": one 4-byte slot per trap or interrupt from address 0, each holding a jump,
 *   JMPS = FA seg addr; Intel MCS-51 / Siemens SAB 80C51x: LJMP = 02 hi lo at 0, the interrupt
 *   vectors 8 bytes apart from 0x03).
 *
 * Detection (a claim needs the vector table of one of the documented header forms):
 * - C166 vector table: in slots 0-15 (0x00-0x3F) the first byte of 7 of the 8 even slots
 *   equals that of slot 0, and 7 of the 8 odd slots that of slot 1 (the jump opcode; the
 *   512 KiB and 256 KiB images are stored encoded, so the opcode byte is not FA there, and the
 *   256 KiB form interleaves two), with at least 4 different slots (not a fill).
 *   - F0 30 at 0 and 512 KiB, or C0 64 at 0 and 256 KiB (the documented headers): score 60.
 *   - FA at 0 (plain JMPS, any of the three sizes): every C166 ECU looks so, so a Siemens
 *     ident (5WP4 number or SIMOS label) is required: score 60.
 * - 8051 vector table: LJMP at 0 to an address past the vectors, and of the 16 vectors at
 *   0x03 + 8k at least 12 are an LJMP, erased (FF FF FF) or a stub whose first 3 bytes hold a
 *   RETI (32), with at least 3 LJMPs. Bosch Motronic of the same era are 8051 too, so a
 *   Siemens ident is required: score 60.
 * - +10 for a 5WP4 number, +10 for a SIMOS label. Any string of another maker: no claim.
 * All searches are linear and bounded; every read is bounds-checked.
 */
#include "family.h"
#include "idformat.h"
#include "text.h"

#include <stdio.h>
#include <string.h>

#define K128 0x20000u
#define K256 0x40000u
#define K512 0x80000u
#define C166_SLOTS 16u
#define I8051_VECTORS 16u

/* ---- the vector tables ----------------------------------------------------------------------- */

/* Whether the first 16 slots of 4 bytes are a C166 vector table: even slots share the first
   byte of slot 0, odd slots that of slot 1 (7 of 8 each), and they are not all alike. */
static int c166_table(const uint8_t *d, size_t n)
{
    unsigned even = 0, odd = 0, distinct = 0;
    size_t k, j;
    if (n < 4 * C166_SLOTS || d[0] == 0xFF || d[0] == 0x00)
        return 0;
    for (k = 0; k < C166_SLOTS; k++) {
        if (k & 1)
            odd += d[4 * k] == d[4];
        else
            even += d[4 * k] == d[0];
        for (j = 0; j < k && memcmp(d + 4 * j, d + 4 * k, 4) != 0; j++)
            ;
        distinct += j == k;
    }
    return even >= 7 && odd >= 7 && distinct >= 4;
}

/* Whether the image starts with an 8051 vector table: LJMP at 0 past the vectors, and of the
   16 vectors at 0x03 + 8k, 12 or more an LJMP, erased or a RETI stub, 3 or more an LJMP. */
static int i8051_table(const uint8_t *d, size_t n)
{
    unsigned ok = 0, ljmp = 0;
    size_t k, at;
    if (n < 3 + 8 * I8051_VECTORS || d[0] != 0x02)
        return 0;
    at = (size_t)d[1] << 8 | d[2];
    if (at < 3 + 8 * I8051_VECTORS || at == 0xFFFF)
        return 0;
    for (k = 0; k < I8051_VECTORS; k++) {
        const uint8_t *v = d + 3 + 8 * k;
        if (v[0] == 0x02) {
            ok++;
            ljmp++;
        } else if ((v[0] == 0xFF && v[1] == 0xFF && v[2] == 0xFF) || v[0] == 0x32 ||
                   v[1] == 0x32 || v[2] == 0x32) {
            ok++;
        }
    }
    return ok >= 12 && ljmp >= 3;
}

/* ---- the text ------------------------------------------------------------------------------- */

/* The strings of other makers' families that exclude an image (openremap-core
   siemens/simos/patterns.py EXCLUSION_SIGNATURES; its short ones, 0261, PM3 and PPD, are left
   out: they occur by chance in code and tables). */
static const char *foreign(const uint8_t *d, size_t n)
{
    static const char *const s[] = {"BOSCH", "MOTRONIC", "ME7.", "EDC17", "MED17",
                                    "5WS4",  "5WK9",     "SID80"};
    size_t i;
    for (i = 0; i < sizeof s / sizeof s[0]; i++)
        if (id_find(d, n, 0, n, s[i], strlen(s[i])) != ID_NONE)
            return s[i];
    return NULL;
}

/* The first Siemens part number "5WP4" + 3-5 digits (not followed by a digit): its offset and
   length in @p len; ID_NONE when there is none. */
static size_t find_5wp4(const uint8_t *d, size_t n, size_t *len)
{
    size_t at = 0, m, hits = 0, k;
    while (hits++ < ID_MAX_HITS && (m = id_find(d, n, at, n, "5WP4", 4)) != ID_NONE) {
        at = m + 1;
        k = id_run(d, n, m + 4, 6, id_digit);
        if (k >= 3 && k <= 5) {
            *len = 4 + k;
            return m;
        }
    }
    return ID_NONE;
}

/* A SIMOS label at @p m: "SIMOS", spaces, an optional variant token of 1-4 letters and
   digits, spaces, a version of 4 digits. The end of "SIMOS [variant]" in @p type_end and the
   version's offset in @p ver (ID_NONE when the label has none); 0 when "SIMOS" is not a
   label (a longer word). */
static int simos_label(const uint8_t *d, size_t n, size_t m, size_t *type_end, size_t *ver)
{
    size_t k = m + 5, sp, t;
    *type_end = k;
    *ver = ID_NONE;
    if (k < n && id_alnum(d[k]))
        return 0;
    sp = id_run(d, n, k, 8, id_space);
    if (!sp)
        return 1;
    k += sp;
    if (id_all(d, n, k, 4, id_digit) && !(k + 4 < n && id_alnum(d[k + 4]))) {
        *ver = k;
        return 1;
    }
    t = id_run(d, n, k, 5, id_alnum);
    if (t < 1 || t > 4)
        return 1;
    *type_end = k + t;
    sp = id_run(d, n, k + t, 8, id_space);
    if (sp && id_all(d, n, k + t + sp, 4, id_digit) && !(k + t + sp + 4 < n && id_alnum(d[k + t + sp + 4])))
        *ver = k + t + sp;
    return 1;
}

/* The first SIMOS label: offset of "SIMOS", or ID_NONE. */
static size_t find_simos(const uint8_t *d, size_t n, size_t *type_end, size_t *ver)
{
    size_t at = 0, m, hits = 0;
    while (hits++ < ID_MAX_HITS && (m = id_find(d, n, at, n, "SIMOS", 5)) != ID_NONE) {
        at = m + 1;
        if (simos_label(d, n, m, type_end, ver))
            return m;
    }
    return ID_NONE;
}

/* ---- detection ------------------------------------------------------------------------------ */

static unsigned detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    size_t wp, wplen = 0, sm, tend, ver;
    const char *form;
    int needs_ident = 1;
    unsigned score = 60;
    char part[16] = "", label[24] = "";
    if (n != K128 && n != K256 && n != K512)
        return 0;
    if (c166_table(d, n)) {
        if (n == K512 && d[0] == 0xF0 && d[1] == 0x30) {
            form = "encoded C166 vector table (F0 30, the 512 KiB Simos 3 header)";
            needs_ident = 0;
        } else if (n == K256 && d[0] == 0xC0 && d[1] == 0x64) {
            form = "encoded C166 vector table (C0 64, the 256 KiB Simos 2 header)";
            needs_ident = 0;
        } else if (d[0] == 0xFA) {
            form = "C166 vector table (JMPS)";
        } else {
            return 0;
        }
    } else if (i8051_table(d, n)) {
        form = "8051 vector table (LJMP)";
    } else {
        return 0;
    }
    if (foreign(d, n))
        return 0;
    wp = find_5wp4(d, n, &wplen);
    sm = find_simos(d, n, &tend, &ver);
    if (needs_ident && wp == ID_NONE && sm == ID_NONE)
        return 0;
    if (wp != ID_NONE) {
        score += 10;
        id_quote(d + wp, wplen, part, sizeof part);
    }
    if (sm != ID_NONE) {
        score += 10;
        id_quote(d + sm, (ver != ID_NONE ? ver + 4 : tend) - sm, label, sizeof label);
    }
    snprintf(ev, evsz, "%s, %zu KiB%s%s%s%s%s%s", form, n / 1024, part[0] ? ", '" : "", part,
             part[0] ? "'" : "", label[0] ? ", '" : "", label, label[0] ? "'" : "");
    return score;
}

/* ---- identification ------------------------------------------------------------------------- */

#define SRC "openremap-core siemens/simos/patterns.py"

static int dataset_char(uint8_t c) { return id_digit(c) || (c >= 'a' && c <= 'z') || c == '_'; }

static void identify(const uint8_t *d, size_t n, struct ecu__idsink *out)
{
    size_t at, m, len, hits, tend, ver, k;
    if ((m = find_5wp4(d, n, &len)) != ID_NONE)
        ecu__id_put(out, d, n, "hw_number", m, len, 80, "Siemens part number 5WP4 (" SRC ")");
    if ((m = find_simos(d, n, &tend, &ver)) != ID_NONE) {
        size_t p, sp;
        ecu__id_put(out, d, n, "ecu_type", m, tend - m, 80, "SIMOS label (" SRC ")");
        if (ver != ID_NONE)
            ecu__id_put(out, d, n, "sw_version", ver, 4, 70, "SIMOS label version (" SRC ")");
        /* the OEM ident before it: <VAG part number> spaces [engine spaces] SIMOS */
        for (sp = 0; sp < 8 && m > sp && id_space(d[m - sp - 1]); sp++)
            ;
        if (sp) {
            size_t e = m - sp, b = e;
            /* the part number (9-12 bytes), spaces and an engine token such as "1.6l R4/2V"
               (at most 16 bytes): printable bytes, at most 32 */
            while (b > 0 && e - b < 32 && id_print(d[b - 1]))
                b--;
            for (p = b; p < e; p++) {
                size_t pl = ecu__vag_part_at(d, n, p);
                if (pl && p + pl <= e) {
                    size_t q = p + pl;
                    ecu__id_put(out, d, n, "part_number", p, pl, 80, "SIMOS OEM ident (" SRC ")");
                    q += id_run(d, n, q, 8, id_space);
                    if (q < e && id_digit(d[q]) && q + 1 < e && d[q + 1] == '.')
                        ecu__id_put(out, d, n, "engine", q, e - q, 60, "SIMOS OEM ident (" SRC ")");
                    break;
                }
            }
        }
    }
    /* calibration dataset "cas21ddd.DAT" and project code "s21" + digit or '_' + up to 6 */
    for (at = 0, hits = 0; hits++ < ID_MAX_HITS && (m = id_find(d, n, at, n, ".DAT", 4)) != ID_NONE;) {
        size_t b = m;
        at = m + 1;
        while (b > 0 && m - b < 12 && dataset_char(d[b - 1]))
            b--;
        if (m - b >= 5 && id_at(d, n, b, "cas21", 5) && m - b == 8 && id_all(d, n, b + 5, 3, id_digit)) {
            ecu__id_put(out, d, n, "cal_id", b, m + 4 - b, 70, "Siemens calibration dataset (" SRC ")");
            break;
        }
    }
    for (at = 0, hits = 0; hits++ < ID_MAX_HITS && (m = id_find(d, n, at, n, "s21", 3)) != ID_NONE;) {
        at = m + 1;
        /* not inside a word ("cas21123.DAT" holds "s21"); a digit may precede ("111s210") */
        if (m + 3 < n && (id_digit(d[m + 3]) || d[m + 3] == '_') &&
            (m == 0 || !(id_upper(d[m - 1]) || (d[m - 1] >= 'a' && d[m - 1] <= 'z')))) {
            k = 4 + id_run(d, n, m + 4, 6, id_upnum);
            ecu__id_put(out, d, n, "descriptor", m, k, 50, "Siemens project code (" SRC ")");
            break;
        }
    }
    /* "6577" + 6 digits, used as the software version by openremap */
    for (at = 0, hits = 0; hits++ < ID_MAX_HITS && (m = id_find(d, n, at, n, "6577", 4)) != ID_NONE;) {
        at = m + 1;
        if ((m == 0 || !id_digit(d[m - 1])) && id_all(d, n, m + 4, 6, id_digit) &&
            !(m + 10 < n && id_digit(d[m + 10]))) {
            ecu__id_put(out, d, n, "sw_number", m, 10, 50, "Siemens 6577 number (" SRC ")");
            break;
        }
    }
    ecu__id_text(out, "ecu_type", n == K512 ? "SIMOS3" : n == K256 ? "SIMOS2" : "SIMOS",
                 ECU_ID_NO_OFFSET, 40, "file size (" SRC " FAMILY_BY_SIZE)");
}

const struct family ecu__family_siemens_simos23 = {
    .info = {
        .name = "siemens-simos23",
        .manufacturer = "Siemens",
        .description = "Simos 2 / Simos 3 petrol (VAG, 5WP4 hardware, C166 or 8051 code), 128, "
                       "256 or 512 KiB; identification only",
        .verifies = "nothing: no public checksum layout is known (verdict no-layout)",
        .corrects = "",
        .sources = "v-arapidis/openremap-core docs/manufacturers/siemens/simos.md, "
                   "siemens/simos/patterns.py; C166 and 8051 vector tables",
    },
    .min_size = K128,
    .max_size = K512,
    .detect = detect,
    .identify = identify,
    .layout = NULL,
};
