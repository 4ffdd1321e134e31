/* SPDX-License-Identifier: MIT */
/*
 * Bosch EDC16 (MPC5xx, big-endian, 0xFF fill): regions that check themselves.
 *
 * Public sources: LeZed97/ZedSuite src/lib/ecu/bosch/checksums/edc16-checksum.ts and
 * gmenounos/kw1281test EDC16/Edc16Checksum.cs (PR #199) for the checksum; v-arapidis/
 * openremap-core bosch/edc16/patterns.py for the markers.
 *
 * Each region carries a descriptor: its start and inclusive end (CPU addresses, BE32)
 * followed by FA DE CA FE CA FE AF FE; the magic sits at region start + 0x3C, region
 * starts are 0x100-aligned. The BE32 sum of every dword of the region, its last dword (the
 * checksum slot) included, equals 0xD01FE500.
 *
 * A dump is a window onto the flash: its base address comes from the descriptors that sit at
 * region start + 0x34 (magic at + 0x3C) of their own region (the documented place); every descriptor whose
 * region then lies in the file and contains the descriptor is checked. (Some images keep a
 * region's descriptor further inside it; the base makes those checkable too.)
 *
 * EDC16U31/U34 (VAG PD/CR): kw1281test's "block checksum" at 0x1BFFFC over [0x180000,
 * 0x1BFFFC) is the region [0x180000, 0x1BFFFF] here. Its "span checksum" (the last dword that
 * is not FFFFFFFF, usually 0x1FDFFC, over [0x18002C, slot)) and ZedSuite's second region
 * [0x1C0000, 0x1FDFFF] are the same check on real dumps: the 0x2C header dwords at 0x180000
 * themselves sum to 0xD01FE500 (so seen on the seven U31/U34 reads of our corpus); the region
 * form is used. The 128 bytes before each slot are, in stock files, an RSA signature (e=3,
 * over MD5) whose modulus is not in the documented layout: the cube of the trailer is not the
 * padded digest, so kw1281test's 33-byte "digest" (the integer cube root of the padded MD5, a
 * signature forgery for ECUs that accept it) is neither verified nor written here.
 */
#include "family.h"
#include "find.h"
#include "read.h"
#include "text.h"
#include "idformat.h"
#include "idsink.h"

#include <stdio.h>
#include <string.h>

static const uint8_t magic[8] = {0xFA, 0xDE, 0xCA, 0xFE, 0xCA, 0xFE, 0xAF, 0xFE};
#define DESC_AT 0x3C    /* offset of the magic in its region */
#define TARGET 0xD01FE500u
#define MAX_REGIONS 32

struct region {
    uint64_t start, end; /* file offsets, [start, end) */
};

/* The start and inclusive end (BE32) of the descriptor whose magic lies at @p x, a hit of the
   magic (so in the image) with x >= 8: the 8 bytes before it lie in the image too. */
static void descriptor(const uint8_t *d, size_t n, uint64_t x, uint64_t *s, uint64_t *e)
{
    uint32_t v;
    ecu__get32(d, n, x - 8, 1, &v);
    *s = v;
    ecu__get32(d, n, x - 4, 1, &v);
    *e = v;
}

/* Region descriptors mapped into the file; returns how many (0 when none fit). */
static size_t find_regions(const uint8_t *d, size_t n, struct region *out, uint64_t *base_out)
{
    uint64_t bases[MAX_REGIONS], base = 0;
    unsigned votes[MAX_REGIONS] = {0};
    size_t nb = 0, i, k, nr = 0, best = 0;
    const uint8_t *p = d, *end = d + n, *hit;
    uint64_t at[64];
    size_t nat = 0;
    size_t a = ecu__anchor(d, n, magic, NULL, sizeof magic);
    while (nat < 64 && (hit = ecu__memfind_at(p, (size_t)(end - p), magic, sizeof magic, a))) {
        at[nat++] = (uint64_t)(hit - d);
        p = hit + 1;
    }
    /* the base address: vote of the descriptors at their documented place */
    for (i = 0; i < nat; i++) {
        uint64_t x = at[i], s, e;
        if (x < DESC_AT)
            continue;
        descriptor(d, n, x, &s, &e);
        if (s % 0x100 || e <= s || (x - DESC_AT) % 0x100 || s < x - DESC_AT)
            continue;
        for (k = 0; k < nb && bases[k] != s - (x - DESC_AT); k++)
            ;
        if (k == nb && nb < MAX_REGIONS)
            bases[nb++] = s - (x - DESC_AT);
        if (k < nb)
            votes[k]++;
    }
    if (!nb)
        return 0;
    for (k = 1; k < nb; k++)
        if (votes[k] > votes[best])
            best = k;
    base = bases[best];
    for (i = 0; i < nat && nr < MAX_REGIONS; i++) {
        uint64_t x = at[i], s, e, os, oe;
        if (x < 8)
            continue;
        descriptor(d, n, x, &s, &e);
        if (s % 0x100 || e <= s || s < base)
            continue;
        os = s - base;
        oe = e - base + 1;
        if (oe > n || (oe - os) % 4 || x - 8 < os || x + 8 > oe)
            continue;
        for (k = 0; k < nr && !(out[k].start == os && out[k].end == oe); k++)
            ;
        if (k == nr)
            out[nr++] = (struct region){os, oe};
    }
    if (base_out)
        *base_out = base;
    return nr;
}

/* The starts of the active area whose `DE CA FE` at +0x3D marks an EDC16 image
   (openremap-core bosch/edc16/patterns.py). Identification reads them in this order;
   detection names the first marked one above 0, and the one at 0 only when no other is. */
static const uint64_t active[] = {0, 0x40000, 0xC0000, 0xD0000, 0xE0000, 0x1C0000};
#define NACTIVE (sizeof active / sizeof active[0])

/* Whether `DE CA FE` lies at active area start @p a + 0x3D. */
static int decafe_at(const uint8_t *d, size_t n, uint64_t a)
{
    return id_at(d, n, a + 0x3D, "\xDE\xCA\xFE", 3);
}

static unsigned detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    struct region r[MAX_REGIONS];
    uint64_t base = 0;
    size_t nr = find_regions(d, n, r, &base), i;
    if (nr) {
        snprintf(ev, evsz, "%zu region descriptor%s (FADECAFE CAFEAFFE), flash base 0x%llX", nr,
                 nr == 1 ? "" : "s", (unsigned long long)base);
        return 90;
    }
    /* no usable descriptor: the EDC16 marker alone names the family */
    for (i = 1; i <= NACTIVE; i++) {
        if (decafe_at(d, n, active[i % NACTIVE])) {
            snprintf(ev, evsz, "DE CA FE at 0x%llX, no region descriptor",
                     (unsigned long long)(active[i % NACTIVE] + 0x3D));
            return 60;
        }
    }
    return 0;
}

static int layout(const uint8_t *d, size_t n, struct blk_list *out)
{
    struct region r[MAX_REGIONS];
    size_t nr = find_regions(d, n, r, NULL), i;
    for (i = 0; i < nr; i++) {
        struct blk b;
        ecu__blk_init(&b, "", "region 0x%llX-0x%llX", (unsigned long long)r[i].start,
                      (unsigned long long)(r[i].end - 1));
        ecu__blk_algo(&b, "sum32be==0x%08X", TARGET);
        ecu__blk_selfsum(&b, 1, 0, TARGET);
        ecu__blk_range(&b, r[i].start, r[i].end);
        ecu__blk_store(&b, r[i].end - 4, 4, 1, 0);
        if (ecu__blk_add(out, &b))
            return ECU_ERR_NOMEM;
    }
    return ECU_OK;
}

/* The software number at active area start + 0x10 of every area marked `DE CA FE`
   (openremap-core bosch/edc16/patterns.py). */
static void identify(const uint8_t *d, size_t n, struct ecu__idsink *out)
{
    size_t i;
    for (i = 0; i < NACTIVE; i++)
        if (decafe_at(d, n, active[i]) && ecu__bosch_sw(d + active[i] + 0x10))
            ecu__id_put(out, d, n, "sw_number", active[i] + 0x10, 10, 95,
                        "EDC16 software number at active start + 0x10");
}

const struct family ecu__family_bosch_edc16 = {
    .info = {
        .name = "bosch-edc16",
        .manufacturer = "Bosch",
        .description = "EDC16 diesel (EDC16C/U/CP, MPC5xx), 256 KiB to 2 MiB",
        .verifies = "every region named by a FADECAFE CAFEAFFE descriptor: BE32 sum == 0xD01FE500",
        .corrects = "the region's last dword",
        .sources = "LeZed97/ZedSuite edc16-checksum.ts; gmenounos/kw1281test EDC16/Edc16Checksum.cs; "
                   "v-arapidis/openremap-core bosch/edc16/patterns.py",
    },
    .min_size = 0x10000,
    .max_size = 0x400000,
    .detect = detect,
    .identify = identify,
    .layout = layout,
};
