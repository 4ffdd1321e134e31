/* SPDX-License-Identifier: MIT */
/*
 * Bosch M7.9.8 (Hyundai/Kia; C167, little-endian), 0xD0000 and 0xC0000 byte files.
 *
 * Single public source (untested there, and no dump is in our corpus; the tests use synthetic
 * images built to this description): olegm382/IronFelix Source/bosch_798/module3.cpp.
 * Facts used here:
 * - Detection: the file size and the code bytes
 *   F0 EA F0 FB E6 FC F5 FF E0 9D 0D 13 DC 09.
 * - Addresses are file offsets of the 0xD0000 layout. A 0xC0000 file leaves out
 *   0x8000-0x17FFF: there an address in [0x18000, 0xA0000) lies 0x10000 lower and one in
 *   [0xC0000, 0xD0000) lies 0x30000 lower (a range moves with its start).
 * - Three LE16 word sums added into 32 bits and stored with their complement:
 *   [0x18000, 0x9FFF5] at 0x9FFF6, [0xA0000, 0xBFFF5] at 0xBFFF6, [0xC0000, 0xCFFF5] at
 *   0xCFFF6.
 * - A multipoint table at 0xBBBDE (at most 48 records, as in lib/families/kits/c167.c with file
 *   offsets); the source ends it at the first record whose range is not in the file.
 * - A program-pages sum (the first and last LE16 word of every 8 KiB page from a start while
 *   below an end, added into 32 bits, stored LE32 without complement) over two ranges whose
 *   bounds are operands of the code around the two occurrences of
 *   DC 0D A8 8C E0 09 00 E8 10 F9 F0 8C F0 1D 06 F8 (at P): start = LE16 at P-8 | LE16 at
 *   P-4 << 16, end = LE16 at P+0x26 | LE16 at P+0x2A << 16; the second occurrence also gives
 *   the slot, (LE16 at P+0x38 << 14) + LE16 at P+0x3C.
 * Choices made here: the source maps the second range's start through the first range's
 * variables when it lies in [0x18000, 0xA0000) of a 0xC0000 file (a slip); each address is
 * mapped the same way here. Without both code occurrences the program-pages sum is not
 * checked (as in the source); a range or slot outside the file, or ranges that overlap so
 * much that their words do not fit a block, make it a bad block. Its reported ranges are the
 * words it adds (lib/families/kits/c167.c). The multipoint table ends at the first entry that
 * is no record (lib/families/kits/c167.c, ecu__c167_mp: neither a word range in the file nor a
 * value stored with its complement, as erased flash): a record whose range is damaged but
 * whose value is stored with its complement is a bad record, not the end of the table.
 */
#include "family.h"
#include "find.h"
#include "read.h"
#include "kits/c167.h"

#include <stdio.h>
#include <string.h>

#define PAGE 0x2000u
#define MP_TABLE 0xBBBDEu
#define MP_MAX 48u

static const uint8_t mark[14] = {0xF0, 0xEA, 0xF0, 0xFB, 0xE6, 0xFC, 0xF5, 0xFF,
                                 0xE0, 0x9D, 0x0D, 0x13, 0xDC, 0x09};
static const uint8_t pages_code[16] = {0xDC, 0x0D, 0xA8, 0x8C, 0xE0, 0x09, 0x00, 0xE8,
                                       0x10, 0xF9, 0xF0, 0x8C, 0xF0, 0x1D, 0x06, 0xF8};

/* How far below its 0xD0000-layout offset an address starting at @p a lies in an @p n byte file. */
static uint32_t shift(uint32_t a, size_t n)
{
    if (n != 0xC0000)
        return 0;
    if (a >= 0x18000 && a < 0xA0000)
        return 0x10000;
    if (a >= 0xC0000 && a < 0xD0000)
        return 0x30000;
    return 0;
}

static const uint8_t *find_mark(const uint8_t *d, size_t n)
{
    if (n != 0xC0000 && n != 0xD0000)
        return NULL;
    return ecu__memfind(d, n, mark, sizeof mark);
}

static unsigned detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    const uint8_t *hit = find_mark(d, n);
    if (!hit)
        return 0;
    snprintf(ev, evsz, "M7.9.8 code at 0x%zX, %s layout", (size_t)(hit - d),
             n == 0xC0000 ? "0xC0000" : "0xD0000");
    return 80;
}

/* The LE16 code operand at @p off. The operands after an occurrence (up to P+0x3E) may lie
   past the end of the image (only its 16 bytes were matched): such a word counts as 0, and the
   range and slot checks of program_pages judge what it gives. Those before it (P-8, P-4) lie
   in the image (P >= 8). */
static uint32_t op16(const uint8_t *d, size_t n, uint64_t off)
{
    uint16_t v;
    ecu__get16(d, n, off, 0, &v); /* 0 past the end */
    return v;
}

static uint32_t operand(const uint8_t *d, size_t n, uint64_t lo, uint64_t hi)
{
    return op16(d, n, lo) | op16(d, n, hi) << 16;
}

static int program_pages(const uint8_t *d, size_t n, struct blk_list *out)
{
    uint64_t p1 = ecu__c167_find(d, n, 0, pages_code, sizeof pages_code), p2;
    uint32_t s[2], e[2], slot;
    ecu_range r[2];
    struct blk b;
    unsigned k;
    int ok = 1;
    if (p1 == UINT64_MAX || p1 < 8 ||
        (p2 = ecu__c167_find(d, n, p1 + 16, pages_code, sizeof pages_code)) == UINT64_MAX)
        return ECU_OK;
    s[0] = operand(d, n, p1 - 8, p1 - 4);
    e[0] = operand(d, n, p1 + 0x26, p1 + 0x2A);
    s[1] = operand(d, n, p2 - 8, p2 - 4);
    e[1] = operand(d, n, p2 + 0x26, p2 + 0x2A);
    slot = (op16(d, n, p2 + 0x38) << 14) + op16(d, n, p2 + 0x3C);
    slot -= shift(slot, n);
    for (k = 0; k < 2; k++) {
        uint32_t d0 = shift(s[k], n); /* the end moves with its start */
        ok = ok && e[k] > s[k];
        if (ok) {
            /* the pages starting below the end, as a range of whole pages */
            uint64_t count = ((uint64_t)e[k] - s[k] + PAGE - 1) / PAGE;
            r[k] = (ecu_range){s[k] - d0, s[k] - d0 + count * PAGE};
            ok = r[k].end <= n;
        }
    }
    ok = ok && slot <= n && n - slot >= 4;
    ecu__blk_init(&b, "", "program pages (code at 0x%llX, 0x%llX)", (unsigned long long)p1,
                  (unsigned long long)p2);
    /* the block's ranges are the words it adds: two ranges of pages in the file take at most
       2 * 0xD0000 / PAGE + 2 ranges, more than a block holds only when they overlap */
    if (!ok || ecu__c167_page_blk(&b, slot, r, 2)) {
        /* the code occurrences as a bad block, never corrected */
        ecu__blk_init(&b, ok ? "more pages than a block holds" : "range not in the image",
                      "program pages (code at 0x%llX, 0x%llX)", (unsigned long long)p1,
                      (unsigned long long)p2);
        ecu__c167_bad(&b, p1, p2 + 16, p2);
    }
    return ecu__blk_add(out, &b);
}

static int layout(const uint8_t *d, size_t n, struct blk_list *out)
{
    static const uint32_t sums[3][2] = {{0x18000, 0x9FFF6}, {0xA0000, 0xBFFF6}, {0xC0000, 0xCFFF6}};
    unsigned k;
    int rc;
    if (!find_mark(d, n))
        return ECU_OK;
    if ((rc = program_pages(d, n, out)))
        return rc;
    for (k = 0; k < 3; k++) {
        struct blk b;
        uint32_t dk = shift(sums[k][0], n);
        ecu__blk_init(&b, "sum16le, stored with complement", "main %u (0x%X-0x%X)", k + 1,
                      sums[k][0] - dk, sums[k][1] - dk - 1);
        ecu__c167_sum16(&b, sums[k][1] - dk, 1);
        ecu__blk_range(&b, sums[k][0] - dk, sums[k][1] - dk);
        if ((rc = ecu__blk_add(out, &b)))
            return rc;
    }
    return ecu__c167_mp(d, n, &(struct c167_mp){.at = MP_TABLE, .max = MP_MAX, .shift = shift}, out);
}

/* The 0xD0000 layout, or the 0xC0000 file that leaves out 0x8000-0x17FFF (see the top). */
static uint64_t extent(const uint8_t *d, size_t n, uint64_t cover)
{
    (void)d;
    (void)cover;
    return n == 0xC0000 ? 0xC0000 : 0xD0000;
}

const struct family ecu__family_bosch_m798 = {
    .info = {
        .name = "bosch-m798",
        .manufacturer = "Bosch",
        .description = "M7.9.8 (Hyundai/Kia), 0xC0000 and 0xD0000 bytes; single public source, "
                       "untested there",
        .verifies = "the program-pages sum found through its code; the three main sums (with "
                    "complements) at 0x9FFF6, 0xBFFF6, 0xCFFF6; every multipoint record at "
                    "0xBBBDE (offsets moved for 0xC0000 files)",
        .corrects = "every sum, with its complement where it has one",
        .sources = "olegm382/IronFelix Source/bosch_798/module3.cpp",
    },
    .min_size = 0xC0000,
    .max_size = 0xD0000,
    .detect = detect,
    .identify = ecu__c167_ecuid,
    .layout = layout,
    .extent = extent,
};
