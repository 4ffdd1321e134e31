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
 * The image holds no count of its regions: every 0x100-aligned offset is the place of one
 * (ZedSuite: region starts 0x100-aligned, the magic at start + 0x3C). So, with the base known,
 * a descriptor at its place that describes no region holding it (start, end or length
 * damaged) is a bad block that is never corrected, and so is a place holding 6 or 7 of the
 * magic's 8 bytes (a damaged magic; no real dump of ours has 4 to 7 of them at a place), and
 * so are two descriptors whose regions overlap (regions are distinct flash areas). A
 * region that runs past the end of the file, or a descriptor the end of the file cuts, makes
 * the image truncated (a bad block named "... past the end (truncated)"). A file cut exactly
 * between two regions cannot be told from a shorter read. With no descriptor whole at its
 * place the base is unknown: a descriptor there that does not parse (an undocumented form)
 * leaves the image without a layout.
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
 *
 * Calibration area (the structure diff, lib/diff.c): kw1281test puts both EDC16U31/U34
 * checksums "in its calibration area", the block [0x180000, 0x1BFFFC] and the span up to
 * 0x1FDFFC: in a 2 MiB image, every region that parses and lies in 0x180000-0x1FFFFF is
 * calibration. No public fact names the code areas, nor the calibration of other sizes.
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
#define ALIGN 0x100     /* region starts (ZedSuite REGION_ALIGNMENT) */
#define TARGET 0xD01FE500u
#define MAX_REGIONS 32
/* A descriptor place holding at least this many of the magic's 8 bytes, not all, holds a
   damaged magic (no real dump of ours has 4 to 7 of them there) */
#define NEAR_MAGIC 6

enum rstate {
    R_OK,        /* a region that lies in the file */
    R_PAST_END,  /* its descriptor parses, the region runs past the end of the file */
    R_DAMAGED,   /* a descriptor at its documented place that does not describe its region */
    R_CUT,       /* a descriptor cut by the end of the file */
};

struct region {
    uint64_t start, end; /* file offsets, [start, end); R_PAST_END: end > file size */
    uint64_t at;         /* the descriptor (its start field) */
    enum rstate state;
    const char *why;     /* R_DAMAGED */
};

/* The start and inclusive end (BE32) of the descriptor whose magic lies at @p x (x >= 8, the
   8 bytes before it in the image). */
static void descriptor(const uint8_t *d, size_t n, uint64_t x, uint64_t *s, uint64_t *e)
{
    uint32_t v;
    ecu__get32(d, n, x - 8, 1, &v);
    *s = v;
    ecu__get32(d, n, x - 4, 1, &v);
    *e = v;
}

/* How many of the first @p len bytes at @p at are the magic's (len <= 8, in the image). Every
   0x100-aligned place of the image is read: the whole magic at once, in one 64-bit word
   (the count of its zero bytes after an XOR with the magic's). */
static unsigned magic_bytes(const uint8_t *d, uint64_t at, size_t len)
{
    unsigned k, eq = 0;
    if (len == sizeof magic) {
        uint64_t x, m;
        memcpy(&x, d + at, 8);
        memcpy(&m, magic, 8);
        x ^= m; /* a byte of x is 0 where the magic's byte is there */
        x |= x >> 4;
        x |= x >> 2;
        x |= x >> 1;
        x &= 0x0101010101010101ULL; /* bit 0 of each byte: the byte differs */
        return 8 - (unsigned)((x * 0x0101010101010101ULL) >> 56);
    }
    for (k = 0; k < len; k++)
        eq += d[at + k] == magic[k];
    return eq;
}

/* Adds @p r to @p out (@p nr held, in descriptor order); a region already held (the same
   range, reached from a second descriptor) is not added again. Returns the new count. */
static size_t add_region(struct region *out, size_t nr, const struct region *r)
{
    size_t k;
    for (k = 0; k < nr; k++)
        if (out[k].state == R_OK && r->state == R_OK && out[k].start == r->start &&
            out[k].end == r->end)
            return nr;
    if (nr == MAX_REGIONS)
        return nr;
    out[nr] = *r;
    return nr + 1;
}

/* The descriptor at the documented place of the region at file offset @p p (magic at
   p + DESC_AT, in the image) under the flash base @p base. One that describes a region
   starting before it, that holds it, is kept further inside that region. */
static struct region documented(const uint8_t *d, size_t n, uint64_t p, uint64_t base)
{
    struct region r = {p, 0, p + DESC_AT - 8, R_DAMAGED, NULL};
    uint64_t s, e, start;
    descriptor(d, n, p + DESC_AT, &s, &e);
    start = s - base;
    if (s % ALIGN || s < base || start > p)
        r.why = "start is not its region's address";
    else if (e <= s)
        r.why = "end not after start";
    else if ((e + 1 - s) % 4)
        r.why = "length not whole dwords";
    else if (e - base + 1 < p + DESC_AT + sizeof magic)
        r.why = "region ends inside its descriptor";
    else {
        r.start = start;
        r.end = e - base + 1;
        r.state = r.end > n ? R_PAST_END : R_OK;
    }
    return r;
}

/*
 * The regions of the image in descriptor order; returns how many (0 when none). Every region
 * start is 0x100-aligned and its descriptor sits at start + 0x34 (ZedSuite edc16-checksum.ts):
 * every 0x100-aligned offset is a place for one. The flash base is voted by the descriptors
 * at their places whose start is that of their own region; under it, a descriptor at its
 * place that does not describe its own region (start, end or length damaged) is a damaged
 * one, and so is a place holding NEAR_MAGIC to 7 of the magic's bytes (known base or not); a
 * region that runs past the end of the file, or a descriptor the end of the file cuts, makes
 * the image truncated. Descriptors further inside their region (any other offset) are read
 * once the base is known and checked when their region lies in the file.
 */
static size_t find_regions(const uint8_t *d, size_t n, struct region *out, uint64_t *base_out)
{
    uint64_t bases[MAX_REGIONS], base = 0, p;
    unsigned votes[MAX_REGIONS] = {0};
    size_t nb = 0, k, nr = 0, best = 0;
    const uint8_t *hit;
    size_t a;
    uint64_t h; /* the next magic not yet read (UINT64_MAX: none) */
    int near = 0; /* a whole place holds NEAR_MAGIC to 7 of the magic's bytes */
    /* the base: vote of the descriptors at their documented place */
    for (p = 0; ecu__in(n, p + DESC_AT, sizeof magic); p += ALIGN) {
        uint64_t s, e;
        unsigned eq = magic_bytes(d, p + DESC_AT, sizeof magic);
        if (eq != sizeof magic) {
            near |= eq >= NEAR_MAGIC;
            continue;
        }
        descriptor(d, n, p + DESC_AT, &s, &e);
        if (s % ALIGN || e <= s || s < p)
            continue;
        for (k = 0; k < nb && bases[k] != s - p; k++)
            ;
        if (k == nb && nb < MAX_REGIONS)
            bases[nb++] = s - p;
        if (k < nb)
            votes[k]++;
    }
    for (k = 1; k < nb; k++)
        if (votes[k] > votes[best])
            best = k;
    if (nb)
        base = bases[best];
    /* with no base, the places below record only those holding NEAR_MAGIC to 7 of the
       magic's bytes (a cut place and the descriptors further inside need the base): none
       such, no region, and neither the places nor the image are read again */
    if (!nb && !near) {
        if (base_out)
            *base_out = 0;
        return 0;
    }
    a = nb ? ecu__anchor(d, n, magic, NULL, sizeof magic) : 0;
    hit = nb ? ecu__memfind_at(d, n, magic, sizeof magic, a) : NULL;
    h = hit ? (uint64_t)(hit - d) : UINT64_MAX;
    /* every place in descriptor order, with the descriptors further inside between them */
    for (p = 0; p + DESC_AT < n; p += ALIGN) {
        uint64_t x = p + DESC_AT, next = p + ALIGN + DESC_AT;
        size_t avail = n - x < sizeof magic ? (size_t)(n - x) : sizeof magic;
        unsigned eq = magic_bytes(d, x, avail);
        struct region r = {p, 0, x - 8, R_DAMAGED, "magic damaged"};
        if (avail < sizeof magic) {
            /* the end of the file cuts the place: a descriptor when what is left is the
               magic's start and the base is known */
            if (nb && eq == avail) {
                r.state = R_CUT;
                nr = add_region(out, nr, &r);
            }
        } else if (eq == sizeof magic) {
            if (nb) {
                r = documented(d, n, p, base);
                nr = add_region(out, nr, &r);
            }
        } else if (eq >= NEAR_MAGIC)
            nr = add_region(out, nr, &r);
        /* the magic at other offsets up to the next place: descriptors further inside */
        while (nb && h < next) {
            uint64_t s, e, os, oe;
            if (h >= 8 && (h < DESC_AT || (h - DESC_AT) % ALIGN)) {
                descriptor(d, n, h, &s, &e);
                os = s - base;
                oe = e - base + 1;
                if (!(s % ALIGN) && e > s && s >= base && oe <= n && !((oe - os) % 4) &&
                    h - 8 >= os && h + 8 <= oe) {
                    r = (struct region){os, oe, h - 8, R_OK, NULL};
                    nr = add_region(out, nr, &r);
                }
            }
            hit = ecu__memfind_at(d + h + 1, (size_t)(n - h - 1), magic, sizeof magic, a);
            h = hit ? (uint64_t)(hit - d) : UINT64_MAX;
        }
    }
    /* regions are distinct flash areas: two that overlap name a damaged descriptor, and
       neither range is certain */
    for (k = 0; k < nr; k++) {
        size_t j;
        for (j = k + 1; j < nr; j++)
            if (out[k].state != R_DAMAGED && out[k].state != R_CUT &&
                out[j].state != R_DAMAGED && out[j].state != R_CUT &&
                out[k].start < out[j].end && out[j].start < out[k].end) {
                out[k].state = out[j].state = R_DAMAGED;
                out[k].why = out[j].why = "its region overlaps another";
            }
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
    for (i = 0; i < nr && r[i].state == R_DAMAGED && !strcmp(r[i].why, "magic damaged"); i++)
        ;
    if (i < nr) {
        snprintf(ev, evsz, "%zu region descriptor%s (FADECAFE CAFEAFFE), flash base 0x%llX", nr,
                 nr == 1 ? "" : "s", (unsigned long long)base);
        return 90;
    }
    if (nr) {
        /* no descriptor with its magic whole (no base): a damaged magic at its place */
        snprintf(ev, evsz, "damaged region descriptor (FADECAFE CAFEAFFE) at 0x%llX",
                 (unsigned long long)r[0].at);
        return 60;
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

/* A descriptor that cannot be checked: never matches its 4 bytes (the start field, in the
   image: the engine evaluates a block only then, csum.c block_in_bounds), so it is a bad
   block and a correction is refused. */
static uint64_t unusable(const uint8_t *img, size_t size, const struct blk *b)
{
    uint32_t v;
    (void)ecu__get32(img, size, b->store_off, 1, &v);
    return (uint32_t)~v;
}

static int layout(const uint8_t *d, size_t n, struct blk_list *out)
{
    struct region r[MAX_REGIONS];
    size_t nr = find_regions(d, n, r, NULL), i;
    for (i = 0; i < nr; i++) {
        struct blk b;
        if (r[i].state == R_DAMAGED || r[i].state == R_CUT) {
            uint64_t end = r[i].at + 16 < n ? r[i].at + 16 : n;
            ecu__blk_init(&b, "", "descriptor at 0x%llX%s", (unsigned long long)r[i].at,
                          r[i].state == R_CUT ? " past the end (truncated)" : "");
            if (r[i].state == R_DAMAGED)
                ecu__blk_algo(&b, "damaged: %s", r[i].why);
            else
                ecu__blk_algo(&b, "cut by the end of the file");
            ecu__blk_custom(&b, unusable);
            ecu__blk_range(&b, r[i].at, end);
            ecu__blk_store(&b, r[i].at, 4, 1, 0);
        } else {
            ecu__blk_init(&b, "", "region 0x%llX-0x%llX%s", (unsigned long long)r[i].start,
                          (unsigned long long)(r[i].end - 1),
                          r[i].state == R_PAST_END ? " past the end (truncated)" : "");
            ecu__blk_algo(&b, "sum32be==0x%08X", TARGET);
            ecu__blk_selfsum(&b, 1, 0, TARGET);
            ecu__blk_range(&b, r[i].start, r[i].end);
            ecu__blk_store(&b, r[i].end - 4, 4, 1, 0);
        }
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

/* The regions of the calibration area of a 2 MiB image (the header). */
#define U31_SIZE 0x200000u
#define U31_CAL 0x180000u
static size_t areas(const uint8_t *d, size_t n, struct family_area *out, size_t max)
{
    struct region r[MAX_REGIONS];
    size_t nr, i, k = 0;
    if (n != U31_SIZE)
        return 0;
    nr = find_regions(d, n, r, NULL);
    for (i = 0; i < nr && k < max; i++)
        if (r[i].state == R_OK && r[i].start >= U31_CAL && r[i].end <= n)
            out[k++] = (struct family_area){r[i].start, r[i].end, FA_CALIBRATION,
                                            "calibration region"};
    return k;
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
    .extent = ecu__extent_window, /* no flash size in the image (core/family.h) */
    .areas = areas,
};
