/* SPDX-License-Identifier: MIT */
/*
 * Siemens GS20 (BMW transmission control unit), the 64 KiB data image: a FORCED-ONLY family.
 *
 * Public source: v-arapidis/openremap-core openremap/core/services/checksums/ironfelix.py
 * (its "gs20" profile, a port of the MS4X community "Siemens TCU GS20 SMGII Checksum
 * Corrector"): CRC-16/ARC (poly 0x8005 reflected, init 0, no final xor) over the bytes
 * 0x2A-0xFFC7 inclusive, stored LE16 at 0x0D (outside the range). The same source lists a
 * 256 KiB program image (another range and slot) and the SMG II 32 KiB data image (init 0x7878);
 * neither is implemented here. Untested upstream: the profile comes without a test on a real
 * file, and no GS20 dump is in our corpus, so the layout is unconfirmed.
 *
 * No public signature identifies these files (openremap-core recognises them by their size
 * alone, which claims any 64 KiB file), so the family is never detected: it is used only when
 * the caller names it (ecu-csum --family siemens-gs20). A file that is not 64 KiB gets no
 * layout, and is never corrected.
 */
#include "family.h"

#define GS20_SIZE 0x10000
#define GS20_START 0x2A
#define GS20_END 0xFFC8 /* exclusive: 0xFFC7 is the last byte */
#define GS20_SLOT 0x0D

static int layout(const uint8_t *d, size_t n, struct blk_list *out)
{
    struct blk b;
    (void)d;
    if (n != GS20_SIZE)
        return ECU_OK;
    ecu__blk_init(&b, "crc-16/arc", "data 0x002A-0xFFC7");
    ecu__blk_crc(&b, &ECU_CRC16_ARC);
    ecu__blk_range(&b, GS20_START, GS20_END);
    ecu__blk_store(&b, GS20_SLOT, 2, 0, 0);
    return ecu__blk_add(out, &b);
}

ECU_EXTENT_FIXED(extent, GS20_SIZE)

const struct family ecu__family_siemens_gs20 = {
    .info = {
        .name = "siemens-gs20",
        .manufacturer = "Siemens",
        .description = "GS20 transmission control unit (BMW), 64 KiB data image; never detected "
                       "(no public signature): name it with --family",
        .verifies = "CRC-16/ARC of 0x002A-0xFFC7, LE16 at 0x0D",
        .corrects = "the LE16 at 0x0D",
        .sources = "v-arapidis/openremap-core openremap/core/services/checksums/ironfelix.py "
                   "(gs20 profile; untested upstream)",
    },
    .min_size = GS20_SIZE,
    .max_size = GS20_SIZE,
    .detect = ecu__detect_never,
    .layout = layout,
    .extent = extent,
    .forced_only = 1,
};
