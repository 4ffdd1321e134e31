/* SPDX-License-Identifier: MIT */
/*
 * Subaru Hitachi SH72543R engine control unit, 2 MiB: a FORCED-ONLY family.
 *
 * Public source: miikasyvanen/FastECU modules/checksum/checksum_ecu_subaru_hitachi_sh72543r.cpp.
 * The file has had several versions. Earlier ones are reverse-engineering notes: they
 * compute a CRC-16 (0x1021) over 0x6014-0x1FFF1 and rotate-and-add sums over 0x10000-0x51070 /
 * 0x51070-0x1FFFE0 (later 0x10000-0x63930 / 0x63930-0x1FFFE0), note the words at 0x6C/0x6010,
 * 0x6000 (0x5555) and 0x1FFFF2 (0xAAAA), but compare nothing and write nothing. The current
 * file (the one its checksum module uses) defines one check and its correction, implemented
 * here: the 16-bit sum of the big-endian words of 0x6000-0x1FFFFF, the last word included,
 * equals 0x5AA5; the balance word is the BE16 at 0x1FFFFE, inside the range, and a correction
 * rewrites only that word. BuffJesus/SubuwuTuner (docs, "brick protection": the u16 BE sum of
 * [0x6000, 0x200000) must equal 0x5AA5, balance cell at 0x1FFFFE) states the same, without
 * code. Confirmed on one real dump: a 2 MiB 2015 Impreza WRX S4 (FA20DIT) ROM of our corpus
 * verifies when the family is named, and carries the boot words those notes name (0x05 at
 * 0x6C, 0x5555 at 0x6000, 0x0504 at 0x6010, 0xAAAA at 0x1FFFF2). The code version is the one
 * at commit 2f6d717 of FastECU.
 *
 * No public source describes a signature that identifies these files (the boot words above
 * are named as integrity words of one ECU generation, not as an identification), so the family
 * is never detected (a 2 MiB size alone would claim other ECUs' reads): it is used only when the caller names it
 * (ecu-csum --family hitachi-subaru-sh72543r). A file that is not 2 MiB gets no layout, and is
 * never corrected.
 */
#include "family.h"
#include "find.h"
#include "read.h"


#define SH_SIZE 0x200000
#define SH_START 0x6000
#define SH_SLOT 0x1FFFFE
#define SH_TARGET 0x5AA5u

/* The balance word that makes the 16-bit BE word sum of the range, slot included, reach the
   target: target - (sum of the other words), modulo 2^16. */
static uint64_t balance(const uint8_t *img, size_t size, const struct blk *b)
{
    uint16_t total = 0, slot;
    size_t i;
    for (i = 0; i < b->nranges; i++)
        total = (uint16_t)ecu_sum_words(img + b->ranges[i].start,
                                        (size_t)(b->ranges[i].end - b->ranges[i].start), 2, 1,
                                        total, 16);
    /* the engine evaluates a block only when its slot lies inside the image (csum.c,
       block_in_bounds) */
    (void)ecu__get16(img, size, b->store_off, 1, &slot);
    total = (uint16_t)(total - slot);
    return (uint16_t)(SH_TARGET - total);
}

static int layout(const uint8_t *d, size_t n, struct blk_list *out)
{
    struct blk b;
    (void)d;
    if (n != SH_SIZE)
        return ECU_OK;
    ecu__blk_init(&b, "BE16 word sum == 0x5AA5 (balance word)", "0x006000-0x1FFFFF");
    ecu__blk_custom(&b, balance);
    ecu__blk_range(&b, SH_START, SH_SIZE);
    ecu__blk_store(&b, SH_SLOT, 2, 1, 0);
    return ecu__blk_add(out, &b);
}

ECU_EXTENT_FIXED(extent, SH_SIZE)

const struct family ecu__family_hitachi_subaru_sh72543r = {
    .info = {
        .name = "hitachi-subaru-sh72543r",
        .manufacturer = "Hitachi",
        .description = "Subaru SH72543R engine control unit, 2 MiB; never detected (no public "
                       "signature): name it with --family",
        .verifies = "16-bit sum of the BE16 words of 0x006000-0x1FFFFF, balance word included, "
                    "== 0x5AA5",
        .corrects = "the balance word, BE16 at 0x1FFFFE",
        .sources = "miikasyvanen/FastECU modules/checksum/checksum_ecu_subaru_hitachi_sh72543r.cpp; "
                   "BuffJesus/SubuwuTuner docs (brick protection)",
    },
    .min_size = SH_SIZE,
    .max_size = SH_SIZE,
    .detect = ecu__detect_never,
    .layout = layout,
    .extent = extent,
    .forced_only = 1,
};
