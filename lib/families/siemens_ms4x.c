/* SPDX-License-Identifier: MIT */
/*
 * BMW Siemens MS4x engine ECUs (Infineon C167 for MS42/MS43, MPC5xx for MS45).
 *
 * Public sources:
 * - v-arapidis/openremap-core openremap/core/services/checksums/ms43.py (MS43 CRC slots, the
 *   inits read BE16 from the image, program addresses minus 0x80000) and
 *   openremap/core/manufacturers/siemens/ms43/patterns.py (the MS43 ident record and strings);
 * - emdzej/nfsx packages/flash-data/src/ms4x-checksum.ts (MS42 and MS43: the slot format, the
 *   boot slot, the MS42 pointers at 0x502CE / 0x502F2, the MS43 add-32 monitor sums with their
 *   accumulators and region tables, the markers at 0x4FEE0 / 0x6FDE0, the order: monitor sums
 *   before CRCs) and docs/ms45-flashing.md (MS45: CRC-32/MPEG-2 with the init from the blob
 *   header, the parameter blob at 0x40000 of the external flash).
 *
 * The CRC-16 of all three: poly 0x8005 reflected (the CRC-16/ARC engine, right-shifting with
 * 0xA001), no final xor, the register starting at a 16-bit value read from the image, and run
 * on across the blocks of a slot in table order (chained). A CRC slot is: u16 LE CRC, u16 LE
 * block count, then per block u32 LE start and u32 LE inclusive end.
 *
 * siemens-ms43 (512 KiB). Boot slot 0x3C24 (file offsets, register from BE16 at 0x3FE6),
 * program slot 0x6FDE0 (bus addresses 0x90000-0xEFFFF, file offset = address - 0x80000;
 * register from BE16 at 0x3C34), calibration slot 0x73FE0 (file offsets 0x70000-0x7FFFF;
 * register from BE16 at 0x6FFBF). Two add-32 monitor sums, each the u32 LE accumulator (0xA5A5A5A5
 * in stock files) plus the LE16 words of two regions, stored u32 LE: program at 0x6FDAE
 * (accumulator 0x6FDB2, region table 0x6FDBE), calibration at 0x72FFC (accumulator 0x6FDB8,
 * table 0x6FDCE). A region entry is u32 LE start and u32 LE end, bus addresses whose high word
 * 9-14 maps to file 0x10000-0x6FFFF (minus 0x80000, as the CRC tables) and stays as it is
 * otherwise; the end is exclusive (nfsx: the word count is (end - start) / 2; on the public
 * dumps the word at the end is 0, so they cannot tell). The calibration monitor slot 0x72FFC
 * lies inside the calibration CRC's first block: the monitor sums come first in the block
 * list, so the engine's table-order passes settle them before the CRC that covers them, and
 * its second pass (nothing changes) and the final verification of every block confirm the
 * fixed point. Every table is read from the image and bounds-checked: counts 1-8, each block
 * inside its slot's window, start <= end; monitor regions of whole words in the program
 * (0x10000-0x6FFFF) or calibration (0x70000-0x7FFFF) area, not over their own slot. A slot or
 * table that fails is reported as a bad block that is never corrected (when no CRC slot at all
 * is usable, the image has no layout here).
 * Claimed on: size 0x80000, u16 at 0x6FDE0 not 0xFFFF and at 0x4FEE0 0xFFFF (nfsx), and the
 * MS43 ident record "5WK9nnnn--nnnnnnnnnnMS43" near 0x3F80 or the program number "43nnnn" at
 * 0x6FFBA repeated at 0x70008 (openremap-core), and a usable boot or program slot.
 *
 * siemens-ms42 (512 KiB; nfsx only, no public dump confirms it). Boot slot 0x3C24 as MS43, its
 * register LE16 at 0x3FE6; program and calibration slots at the 24-bit address (u16 LE, then
 * a byte) at 0x502CE / 0x502F2, their registers LE16 at the address (u16 LE low, u16 LE high)
 * at 0x502D2 / 0x502F6; all addresses are file offsets. Claimed on the ident record with
 * "MS42", u16 at 0x4FEE0 not 0xFFFF, at 0x6FDE0 0xFFFF, and usable program and calibration
 * slots.
 *
 * siemens-ms45 (1 MiB external flash, MS45.0/MS45.1). The parameter blob at 0x40000: CRC-32
 * poly 0x04C11DB7 not reflected, no final xor (CRC-32/MPEG-2 with another init), stored BE32
 * at +0x100, segment count BE32 at +0x104, segments (BE32 start, BE32 inclusive end, addresses
 * based at 0xFFE40000 = blob offset 0) from +0x108, the init BE32 at +0x110. The program blob's
 * two CRCs cover the internal MPC flash too (a separate 448 KiB file) and are not checked; the
 * RSA-512 signatures are not checked. Claimed on the ident record with "MS45" and a usable
 * parameter header.
 */
#include "family.h"
#include "find.h"
#include "read.h"

#include <stdio.h>
#include <string.h>

#include "text.h"

#define MS4X_SIZE 0x80000u
#define MAX_BLOCKS 8 /* per slot: what a struct blk holds (openremap-core allows 16) */

static uint16_t reflect16(uint16_t v)
{
    uint16_t r = 0;
    unsigned i;
    for (i = 0; i < 16; i++, v >>= 1)
        r = (uint16_t)(r << 1 | (v & 1));
    return r;
}

static size_t ms4x_record(const uint8_t *d, size_t n, size_t at)
{
    size_t digits, k;
    if (!id_at(d, n, at, "5WK9", 4))
        return 0;
    digits = id_run(d, n, at + 4, 7, id_digit);
    k = at + 4 + digits;
    if (digits < 4 || digits > 6 || !id_at(d, n, k, "--", 2) ||
        !id_all(d, n, k + 2, 10, id_digit) || !id_at(d, n, k + 12, "MS4", 3) ||
        !id_all(d, n, k + 15, 1, id_digit))
        return 0;
    return 4 + digits;
}

/* The first ident record (ms4x_record) starting in [from, to): its family digit ('2',
   '3', '5'), or 0 when there is none. *at gets its offset. */
static int ident_record(const uint8_t *d, size_t n, size_t from, size_t to, size_t *at)
{
    size_t i, len;
    if (to > n)
        to = n;
    for (i = from; i + 4 <= to; i++) {
        /* the next "5WK9" that lies within [i, to) (a memchr-driven search, not a byte loop) */
        if ((i = id_find(d, n, i, to, "5WK9", 4)) == ID_NONE)
            return 0;
        if (!(len = ms4x_record(d, n, i)))
            continue;
        if (at)
            *at = i;
        return d[i + len + 15];
    }
    return 0;
}

/* ---- CRC-16 slots --------------------------------------------------------------------------- */

/* Where a slot's addresses may point: [lo, hi) as addresses, file offset = address - sub. */
struct window {
    uint32_t lo, hi, sub;
};

/* Reads the slot at @p slot into @p r (file ranges, in table order); returns their number
   when the table is usable, else 0. */
static unsigned read_slot(const uint8_t *d, size_t n, uint64_t slot, const struct window *w,
                          ecu_range r[MAX_BLOCKS])
{
    unsigned i;
    uint16_t count;
    if (!ecu__in(n, slot, 4))
        return 0;
    (void)ecu__get16(d, n, slot + 2, 0, &count);
    if (count == 0 || count > MAX_BLOCKS || n - slot < 4 + 8 * (uint64_t)count)
        return 0;
    for (i = 0; i < count; i++) {
        uint32_t s, e;
        /* inside: the table's 4 + 8 * count bytes lie in the image (checked above) */
        (void)ecu__get32(d, n, slot + 4 + 8 * i, 0, &s);
        (void)ecu__get32(d, n, slot + 8 + 8 * i, 0, &e);
        if (s < w->lo || e >= w->hi || s > e || (uint64_t)e - w->sub >= n)
            return 0;
        r[i].start = s - w->sub;
        r[i].end = (uint64_t)(e - w->sub) + 1;
    }
    return count;
}

/* A block that cannot be checked: never matches its 2-byte slot, so it is bad and a correction
   is refused. */
static uint64_t unusable16(const uint8_t *img, size_t size, const struct blk *b)
{
    uint16_t v;
    /* the engine evaluates a block only when its slot lies inside the image (csum.c,
       block_in_bounds) */
    (void)ecu__get16(img, size, b->store_off, 0, &v);
    return (uint64_t)(uint16_t)~v;
}

/* Adds the CRC-16 block of the slot at @p slot, its register read from @p seed_at (BE16 or
   LE16); an unusable slot becomes a bad block. */
static int add_crc16(const uint8_t *d, size_t n, const char *name, uint64_t slot,
                     const struct window *w, uint64_t seed_at, int seed_be, struct blk_list *out)
{
    struct blk b;
    ecu_range r[MAX_BLOCKS];
    unsigned count = 0, i;
    ecu__blk_init(&b, "", "%s CRC (slot 0x%llX)", name, (unsigned long long)slot);
    if (ecu__in(n, seed_at, 2) && (count = read_slot(d, n, slot, w, r)) != 0) {
        ecu_crc_params p = ECU_CRC16_ARC;
        uint16_t seed;
        (void)ecu__get16(d, n, seed_at, seed_be, &seed); /* inside: checked above */
        ecu__blk_algo(&b, "crc16/arc init 0x%04X chained", seed);
        /* the register starts at the seed; the Rocksoft init is given unreflected */
        p.init = reflect16(seed);
        ecu__blk_crc(&b, &p);
        for (i = 0; i < count; i++)
            ecu__blk_range(&b, r[i].start, r[i].end);
    } else {
        ecu__blk_algo(&b, "slot table not usable");
        ecu__blk_custom(&b, unusable16);
    }
    ecu__blk_store(&b, slot, 2, 0, 0);
    return ecu__blk_add(out, &b);
}

/* ---- MS43 ----------------------------------------------------------------------------------- */

#define MS43_BOOT_SLOT 0x3C24u
#define MS43_PROG_SLOT 0x6FDE0u
#define MS43_CAL_SLOT 0x73FE0u

static const struct window ms43_boot = {0x0, 0x10000, 0};
static const struct window ms43_prog = {0x90000, 0xF0000, 0x80000};
static const struct window ms43_cal = {0x70000, 0x80000, 0};

/* A monitor-table address as a file offset (high word 9-14: minus 0x80000); UINT64_MAX when it
   is outside the 512 KiB image. */
static uint64_t ms43_mon_addr(uint32_t a)
{
    uint32_t hi = a >> 16;
    if (hi >= 9 && hi <= 14)
        return a - 0x80000u;
    return a < MS4X_SIZE ? a : UINT64_MAX;
}

static uint64_t ms43_mon_unusable(const uint8_t *img, size_t size, const struct blk *b)
{
    uint32_t v;
    /* the engine evaluates a block only when its slot lies inside the image (csum.c,
       block_in_bounds) */
    (void)ecu__get32(img, size, b->store_off, 0, &v);
    return (uint32_t)~v;
}

static int ms43_monitor(const uint8_t *d, size_t n, const char *name, uint64_t slot,
                        uint64_t acc_at, uint64_t table, uint64_t lo, uint64_t hi,
                        struct blk_list *out)
{
    struct blk b;
    ecu_range r[2] = {{0, 0}, {0, 0}};
    unsigned i, ok = 1;
    uint32_t acc;
    ecu__blk_init(&b, "", "%s monitor sum (slot 0x%llX)", name, (unsigned long long)slot);
    for (i = 0; i < 2; i++) {
        uint32_t sa, ea;
        uint64_t s, e;
        /* inside the caller's 512 KiB image; past the end (a shorter one) an entry would read
           as 0, outside [lo, hi): the table unusable, as the check of table + 16 below says */
        (void)ecu__get32(d, n, table + 8 * i, 0, &sa);
        (void)ecu__get32(d, n, table + 8 * i + 4, 0, &ea);
        s = ms43_mon_addr(sa);
        e = ms43_mon_addr(ea);
        /* a region of the program or calibration area, of whole words, not over the slot */
        if (s == UINT64_MAX || e == UINT64_MAX || s > e || s < lo || e > hi || (e - s) % 2 ||
            (s < slot + 4 && slot < e) || e > n)
            ok = 0;
        else
            r[i] = (ecu_range){s, e};
    }
    if (ok && table + 16 <= n && ecu__get32(d, n, acc_at, 0, &acc)) {
        ecu__blk_sum(&b, 2, 0, 32, acc);
        ecu__blk_range(&b, r[0].start, r[0].end);
        ecu__blk_range(&b, r[1].start, r[1].end);
        ecu__blk_algo(&b, "add32 of le16 words from 0x%08llX", (unsigned long long)acc);
    } else {
        ecu__blk_custom(&b, ms43_mon_unusable);
        ecu__blk_algo(&b, "region table not usable");
    }
    ecu__blk_store(&b, slot, 4, 0, 0);
    return ecu__blk_add(out, &b);
}

static int ms43_program_number(const uint8_t *d, size_t n)
{
    size_t i;
    if (n < 0x70010)
        return 0;
    if (d[0x6FFBA] != '4' || d[0x6FFBB] != '3')
        return 0;
    for (i = 0; i < 6; i++)
        if (!id_digit(d[0x6FFBA + i]) || d[0x6FFBA + i] != d[0x70008 + i])
            return 0;
    return 1;
}

/* The LE16 at @p off of a 512 KiB image (@p off below 0x7FFFF: inside it). */
static uint16_t le16_in(const uint8_t *d, size_t n, uint64_t off)
{
    uint16_t v;
    (void)ecu__get16(d, n, off, 0, &v);
    return v;
}

static unsigned ms43_detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    ecu_range r[MAX_BLOCKS];
    size_t at = 0;
    int rec, prog, boot, pn;
    if (n != MS4X_SIZE)
        return 0;
    /* nfsx's markers: the MS43 program CRC slot in use, the MS42 calibration slot erased */
    if (le16_in(d, n, MS43_PROG_SLOT) == 0xFFFF || le16_in(d, n, 0x4FEE0) != 0xFFFF)
        return 0;
    rec = ident_record(d, n, 0x3000, 0x5000, &at) == '3';
    pn = ms43_program_number(d, n);
    if (!rec && !pn)
        return 0;
    boot = read_slot(d, n, MS43_BOOT_SLOT, &ms43_boot, r) != 0;
    prog = read_slot(d, n, MS43_PROG_SLOT, &ms43_prog, r) != 0;
    if (!boot && !prog)
        return 0;
    if (rec)
        snprintf(ev, evsz, "MS43 ident record at 0x%zX%s; %s%s%s slot table%s", at,
                 pn ? ", program number 43xxxx at 0x6FFBA and 0x70008" : "", boot ? "boot" : "",
                 boot && prog ? " and " : "", prog ? "program" : "", boot && prog ? "s" : "");
    else
        snprintf(ev, evsz, "program number 43xxxx at 0x6FFBA and 0x70008; %s%s%s slot table%s",
                 boot ? "boot" : "", boot && prog ? " and " : "", prog ? "program" : "",
                 boot && prog ? "s" : "");
    return (unsigned)(40 + (rec ? 20 : 0) + (pn ? 10 : 0) + (boot ? 15 : 0) + (prog ? 15 : 0));
}

static int ms43_layout(const uint8_t *d, size_t n, struct blk_list *out)
{
    ecu_range r[MAX_BLOCKS];
    if (n != MS4X_SIZE) /* a family given by name on an image of another size */
        return ECU_OK;
    /* no usable CRC slot at all: not this layout (a family given by name on another image) */
    if (!read_slot(d, n, MS43_BOOT_SLOT, &ms43_boot, r) &&
        !read_slot(d, n, MS43_PROG_SLOT, &ms43_prog, r) &&
        !read_slot(d, n, MS43_CAL_SLOT, &ms43_cal, r))
        return ECU_OK;
    /* the monitor sums first: the calibration one lies inside the calibration CRC */
    if (ms43_monitor(d, n, "program", 0x6FDAE, 0x6FDB2, 0x6FDBE, 0x10000, 0x70000, out) ||
        ms43_monitor(d, n, "calibration", 0x72FFC, 0x6FDB8, 0x6FDCE, 0x70000, 0x80000, out) ||
        add_crc16(d, n, "boot", MS43_BOOT_SLOT, &ms43_boot, 0x3FE6, 1, out) ||
        add_crc16(d, n, "program", MS43_PROG_SLOT, &ms43_prog, 0x3C34, 1, out) ||
        add_crc16(d, n, "calibration", MS43_CAL_SLOT, &ms43_cal, 0x6FFBF, 1, out))
        return ECU_ERR_NOMEM;
    return ECU_OK;
}

/* ---- identification ------------------------------------------------------------------------ */

/* The ident records "5WK9" 4-6 digits "--" 10 digits "MS4<digit>" in [from, to). */
static void ms4x_records(const uint8_t *d, size_t n, struct ecu__idsink *out, size_t from, size_t to)
{
    size_t at = from, hits = 0;
    while (hits < ID_MAX_HITS && (at = id_find(d, n, at, to, "5WK9", 4)) != ID_NONE) {
        size_t len = ms4x_record(d, n, at);
        hits++;
        if (len) {
            ecu__id_put(out, d, n, "hw_number", at, len, 90, "Siemens ident record (5WK9 part number)");
            ecu__id_put(out, d, n, "ecu_type", at + len + 12, 4, 85, "Siemens ident record (family)");
        }
        at++;
    }
}

/* The 7-digit BMW number written three times from @p at; 1 when it is. */
static int bmw_number(const uint8_t *d, size_t n, size_t at)
{
    return id_all(d, n, at, 21, id_digit) && memcmp(d + at, d + at + 7, 7) == 0 &&
           memcmp(d + at, d + at + 14, 7) == 0;
}

static void ms43_numbers(const uint8_t *d, size_t n, struct ecu__idsink *out)
{
    size_t at;
    /* the program number at 0x6FFBA, repeated at 0x70008 */
    if (id_all(d, n, 0x6FFBA, 6, id_digit) && d[0x6FFBA] == '4' && d[0x6FFBB] == '3') {
        int rep = id_at(d, n, 0x70008, d + 0x6FFBA, 6);
        ecu__id_put(out, d, n, "sw_number", 0x6FFBA, 6, rep ? 90 : 70,
            rep ? "MS43 program number at 0x6FFBA, repeated at 0x70008"
                : "MS43 program number at 0x6FFBA");
    }
    /* the calibration dataset name ca<program number>.DAT */
    at = id_find(d, n, 0x70000, 0x70100, "ca43", 4);
    if (at != ID_NONE) {
        size_t digits = id_run(d, n, at + 2, 16, id_digit);
        if (digits >= 6 && digits <= 14 && id_at(d, n, at + 2 + digits, ".DAT", 4)) {
            ecu__id_put(out, d, n, "sw_number", at + 2, digits, 85, "MS43 calibration dataset name ca*.DAT");
            ecu__id_put(out, d, n, "descriptor", at, digits + 6, 80, "MS43 calibration dataset name");
        }
    }
    /* BMW numbers: two, each written three times, from 0x6FE80 */
    if (bmw_number(d, n, 0x6FE80)) {
        ecu__id_put(out, d, n, "part_number", 0x6FE80, 7, 85, "MS43 BMW number at 0x6FE80 (written three times)");
        if (bmw_number(d, n, 0x6FE95) && memcmp(d + 0x6FE80, d + 0x6FE95, 7) != 0)
            ecu__id_put(out, d, n, "part_number", 0x6FE95, 7, 60, "MS43 second BMW number at 0x6FE95");
    }
}

static void ms43_identify(const uint8_t *d, size_t n, struct ecu__idsink *out)
{
    ms4x_records(d, n, out, 0x3000, 0x5000);
    ms43_numbers(d, n, out);
}

ECU_EXTENT_FIXED(extent_512k, MS4X_SIZE)

/* The program (boot included) and the calibration of a 512 KiB MS43 image: the ranges its
   monitor sums cover, program 0x10000-0x6FFFF and calibration 0x70000-0x7FFFF
   (v-arapidis/openremap-core services/checksums/ms43.py), the boot sector before them. */
static size_t ms43_areas(const uint8_t *d, size_t n, struct family_area *out, size_t max)
{
    (void)d;
    if (n != MS4X_SIZE || max < 2)
        return 0;
    out[0] = (struct family_area){0, 0x70000, FA_CODE, "boot and program"};
    out[1] = (struct family_area){0x70000, 0x80000, FA_CALIBRATION, "calibration"};
    return 2;
}

const struct family ecu__family_siemens_ms43 = {
    .info = {
        .name = "siemens-ms43",
        .manufacturer = "Siemens",
        .description = "BMW MS43 (M54/M52TU, C167), 512 KiB",
        .verifies = "boot, program and calibration CRC-16 (chained over the slot tables, init "
                    "from the image); program and calibration add-32 monitor sums",
        .corrects = "the five slots, monitor sums before the CRCs",
        .sources = "v-arapidis/openremap-core openremap/core/services/checksums/ms43.py, "
                   "manufacturers/siemens/ms43/patterns.py; emdzej/nfsx "
                   "packages/flash-data/src/ms4x-checksum.ts",
    },
    .min_size = MS4X_SIZE,
    .max_size = MS4X_SIZE,
    .detect = ms43_detect,
    .areas = ms43_areas,
    .identify = ms43_identify,
    .layout = ms43_layout,
    .extent = extent_512k,
};

/* ---- MS42 ----------------------------------------------------------------------------------- */

static const struct window ms42_any = {0x0, MS4X_SIZE, 0};

/* The slot address named by the 24-bit pointer at @p ptr, UINT64_MAX when out of the image. */
static uint64_t ms42_ptr24(const uint8_t *d, size_t n, uint64_t ptr)
{
    uint16_t lo;
    uint64_t a;
    if (ptr + 3 > n)
        return UINT64_MAX;
    (void)ecu__get16(d, n, ptr, 0, &lo); /* inside: checked above */
    a = (uint64_t)lo | (uint64_t)d[ptr + 2] << 16;
    return a + 4 <= n ? a : UINT64_MAX;
}

static uint64_t ms42_seed_at(const uint8_t *d, size_t n, uint64_t lo_at)
{
    uint16_t lo, hi;
    uint64_t a;
    if (!ecu__in(n, lo_at, 4))
        return UINT64_MAX;
    (void)ecu__get16(d, n, lo_at, 0, &lo);
    (void)ecu__get16(d, n, lo_at + 2, 0, &hi);
    a = (uint64_t)lo | (uint64_t)hi << 16;
    return a + 2 <= n ? a : UINT64_MAX;
}

static unsigned ms42_detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    ecu_range r[MAX_BLOCKS];
    size_t at = 0;
    uint64_t prog, cal;
    if (n != MS4X_SIZE)
        return 0;
    if (le16_in(d, n, 0x4FEE0) == 0xFFFF || le16_in(d, n, MS43_PROG_SLOT) != 0xFFFF)
        return 0;
    if (ident_record(d, n, 0x0, 0x10000, &at) != '2')
        return 0;
    prog = ms42_ptr24(d, n, 0x502CE);
    cal = ms42_ptr24(d, n, 0x502F2);
    if (prog == UINT64_MAX || cal == UINT64_MAX || !read_slot(d, n, prog, &ms42_any, r) ||
        !read_slot(d, n, cal, &ms42_any, r) || ms42_seed_at(d, n, 0x502D2) == UINT64_MAX ||
        ms42_seed_at(d, n, 0x502F6) == UINT64_MAX)
        return 0;
    snprintf(ev, evsz, "MS42 ident record at 0x%zX; program slot 0x%llX and calibration slot "
             "0x%llX from the pointers at 0x502CE/0x502F2", at, (unsigned long long)prog,
             (unsigned long long)cal);
    return 85;
}

static int ms42_layout(const uint8_t *d, size_t n, struct blk_list *out)
{
    uint64_t prog = ms42_ptr24(d, n, 0x502CE), cal = ms42_ptr24(d, n, 0x502F2);
    uint64_t ps = ms42_seed_at(d, n, 0x502D2), cs = ms42_seed_at(d, n, 0x502F6);
    ecu_range r[MAX_BLOCKS];
    if (n != MS4X_SIZE)
        return ECU_OK;
    if (!read_slot(d, n, MS43_BOOT_SLOT, &ms43_boot, r) &&
        (prog == UINT64_MAX || !read_slot(d, n, prog, &ms42_any, r)) &&
        (cal == UINT64_MAX || !read_slot(d, n, cal, &ms42_any, r)))
        return ECU_OK;
    if (add_crc16(d, n, "boot", MS43_BOOT_SLOT, &ms43_boot, 0x3FE6, 0, out) ||
        add_crc16(d, n, "program", prog == UINT64_MAX ? n : prog, &ms42_any,
                  ps == UINT64_MAX ? n : ps, 0, out) ||
        add_crc16(d, n, "calibration", cal == UINT64_MAX ? n : cal, &ms42_any,
                  cs == UINT64_MAX ? n : cs, 0, out))
        return ECU_ERR_NOMEM;
    return ECU_OK;
}

static void ms42_identify(const uint8_t *d, size_t n, struct ecu__idsink *out)
{
    ms4x_records(d, n, out, 0, 0x10000);
}

const struct family ecu__family_siemens_ms42 = {
    .info = {
        .name = "siemens-ms42",
        .manufacturer = "Siemens",
        .description = "BMW MS42 (C167), 512 KiB; single public source, no public dump to confirm it",
        .verifies = "boot, program and calibration CRC-16 (chained over the slot tables, init "
                    "from the image)",
        .corrects = "the three CRC slots",
        .sources = "emdzej/nfsx packages/flash-data/src/ms4x-checksum.ts",
    },
    .min_size = MS4X_SIZE,
    .max_size = MS4X_SIZE,
    .detect = ms42_detect,
    .identify = ms42_identify,
    .layout = ms42_layout,
    .extent = extent_512k,
};

/* ---- MS45 ----------------------------------------------------------------------------------- */

#define MS45_SIZE 0x100000u
#define MS45_PARAM 0x40000u      /* the parameter blob in the external flash */
#define MS45_PARAM_LEN 0x1D000u  /* its length */
#define MS45_PARAM_BASE 0xFFE40000u

/* The parameter header's segment as a file range in @p seg; 1 when usable. */
static int ms45_param(const uint8_t *d, size_t n, ecu_range *seg)
{
    uint64_t h = MS45_PARAM + 0x100;
    uint32_t count, i;
    if (n < MS45_PARAM + MS45_PARAM_LEN)
        return 0;
    /* the header lies inside the blob, inside the image (checked above) */
    (void)ecu__get32(d, n, h + 4, 1, &count);
    /* the header holds one segment before the init at +0x110 (stock files: 1) */
    if (count != 1)
        return 0;
    for (i = 0; i < count; i++) {
        uint32_t s, e;
        (void)ecu__get32(d, n, h + 8 + 8 * i, 1, &s);
        (void)ecu__get32(d, n, h + 12 + 8 * i, 1, &e);
        if (s < MS45_PARAM_BASE || e < s || e - MS45_PARAM_BASE >= MS45_PARAM_LEN)
            return 0;
        s -= MS45_PARAM_BASE;
        e -= MS45_PARAM_BASE;
        /* the segment must not cover its own header */
        if (s <= 0x113 && e >= 0x100)
            return 0;
        seg[i] = (ecu_range){MS45_PARAM + (uint64_t)s, MS45_PARAM + (uint64_t)e + 1};
    }
    return 1;
}

static unsigned ms45_detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    ecu_range seg;
    size_t at = 0;
    if (n != MS45_SIZE)
        return 0;
    if (ident_record(d, n, 0x0, MS45_PARAM, &at) != '5')
        return 0;
    if (!ms45_param(d, n, &seg))
        return 0;
    snprintf(ev, evsz, "MS45 ident record at 0x%zX; parameter CRC header at 0x40100", at);
    return 85;
}

static int ms45_layout(const uint8_t *d, size_t n, struct blk_list *out)
{
    struct blk b;
    ecu_range seg;
    ecu_crc_params p = ECU_CRC32_MPEG2;
    uint32_t init;
    if (n != MS45_SIZE || !ms45_param(d, n, &seg))
        return ECU_OK;
    (void)ecu__get32(d, n, MS45_PARAM + 0x110, 1, &init); /* inside the 1 MiB */
    p.init = init;
    ecu__blk_init(&b, "", "parameter CRC (slot 0x40100)");
    ecu__blk_algo(&b, "crc32/mpeg2 init 0x%08llX", (unsigned long long)p.init);
    ecu__blk_crc(&b, &p);
    ecu__blk_range(&b, seg.start, seg.end);
    ecu__blk_store(&b, MS45_PARAM + 0x100, 4, 1, 0);
    return ecu__blk_add(out, &b);
}

static void ms45_identify(const uint8_t *d, size_t n, struct ecu__idsink *out)
{
    ms4x_records(d, n, out, 0, 0x40000);
}

ECU_EXTENT_FIXED(extent_1m, MS45_SIZE)

const struct family ecu__family_siemens_ms45 = {
    .info = {
        .name = "siemens-ms45",
        .manufacturer = "Siemens",
        .description = "BMW MS45.0/MS45.1 (MPC5xx), 1 MiB external flash; single public source",
        .verifies = "the parameter blob's CRC-32 (poly 0x04C11DB7, init from its header); not the "
                    "program CRCs (they cover the separate MPC flash) nor the RSA signatures",
        .corrects = "the parameter CRC at 0x40100",
        .sources = "emdzej/nfsx docs/ms45-flashing.md",
    },
    .min_size = MS45_SIZE,
    .max_size = MS45_SIZE,
    .detect = ms45_detect,
    .identify = ms45_identify,
    .layout = ms45_layout,
    .extent = extent_1m,
};
