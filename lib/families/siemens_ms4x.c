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
    const uint8_t *hit;
    if (to > n)
        to = n;
    for (i = from; i + 4 <= to; i++) {
        /* the next "5WK9" that lies within [i, to) (a memchr-driven search, not a byte loop) */
        if (!(hit = ecu__memfind(d + i, to - i, "5WK9", 4)))
            return 0;
        i = (size_t)(hit - d);
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

/* Reads the slot at @p slot into @p b's ranges; 1 when the table is usable. */
static int read_slot(const uint8_t *d, size_t n, uint64_t slot, const struct window *w,
                     struct blk *b)
{
    unsigned count, i;
    if (slot > n || n - slot < 4)
        return 0;
    count = ecu__rd16(d, n, slot + 2, 0);
    if (count == 0 || count > MAX_BLOCKS || n - slot < 4 + 8 * (uint64_t)count)
        return 0;
    for (i = 0; i < count; i++) {
        uint32_t s = ecu__rd32(d, n, slot + 4 + 8 * i, 0), e = ecu__rd32(d, n, slot + 8 + 8 * i, 0);
        if (s < w->lo || e >= w->hi || s > e || (uint64_t)e - w->sub >= n)
            return 0;
        b->ranges[i].start = s - w->sub;
        b->ranges[i].end = (uint64_t)(e - w->sub) + 1;
    }
    b->nranges = count;
    return 1;
}

/* A block that cannot be checked: never matches its 2-byte slot, so it is bad and a correction
   is refused. */
static uint64_t unusable16(const uint8_t *img, size_t size, const struct blk *b)
{
    return (uint64_t)(uint16_t)~ecu__rd16(img, size, b->store_off, 0);
}

/* Adds the CRC-16 block of the slot at @p slot, its register read from @p seed_at (BE16 or
   LE16); an unusable slot becomes a bad block. */
static int add_crc16(const uint8_t *d, size_t n, const char *name, uint64_t slot,
                     const struct window *w, uint64_t seed_at, int seed_be, struct blk_list *out)
{
    struct blk b;
    memset(&b, 0, sizeof b);
    b.store_off = slot;
    b.store_bytes = 2;
    b.store_be = 0;
    if (seed_at <= n && n - seed_at >= 2 && read_slot(d, n, slot, w, &b)) {
        uint16_t seed = ecu__rd16(d, n, seed_at, seed_be);
        snprintf(b.name, sizeof b.name, "%s CRC (slot 0x%llX)", name, (unsigned long long)slot);
        snprintf(b.algo, sizeof b.algo, "crc16/arc init 0x%04X chained", seed);
        b.kind = BK_CRC;
        b.crc = ECU_CRC16_ARC;
        /* the register starts at the seed; the Rocksoft init is given unreflected */
        b.crc.init = reflect16(seed);
    } else {
        snprintf(b.name, sizeof b.name, "%s CRC (slot 0x%llX)", name, (unsigned long long)slot);
        snprintf(b.algo, sizeof b.algo, "slot table not usable");
        b.kind = BK_CUSTOM;
        b.compute = unusable16;
        b.nranges = 0;
        memset(b.ranges, 0, sizeof b.ranges);
    }
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
    return (uint32_t)~ecu__rd32(img, size, b->store_off, 0);
}

static int ms43_monitor(const uint8_t *d, size_t n, const char *name, uint64_t slot,
                        uint64_t acc_at, uint64_t table, uint64_t lo, uint64_t hi,
                        struct blk_list *out)
{
    struct blk b;
    unsigned i, ok = 1;
    memset(&b, 0, sizeof b);
    snprintf(b.name, sizeof b.name, "%s monitor sum (slot 0x%llX)", name, (unsigned long long)slot);
    b.store_off = slot;
    b.store_bytes = 4;
    b.store_be = 0;
    for (i = 0; i < 2; i++) {
        uint64_t s = ms43_mon_addr(ecu__rd32(d, n, table + 8 * i, 0));
        uint64_t e = ms43_mon_addr(ecu__rd32(d, n, table + 8 * i + 4, 0));
        /* a region of the program or calibration area, of whole words, not over the slot */
        if (s == UINT64_MAX || e == UINT64_MAX || s > e || s < lo || e > hi || (e - s) % 2 ||
            (s < slot + 4 && slot < e) || e > n)
            ok = 0;
        else
            b.ranges[i] = (ecu_range){s, e};
    }
    if (ok && table + 16 <= n && acc_at + 4 <= n) {
        b.kind = BK_SUM;
        b.nranges = 2;
        b.word_bytes = 2;
        b.word_be = 0;
        b.acc_bits = 32;
        b.init = ecu__rd32(d, n, acc_at, 0);
        snprintf(b.algo, sizeof b.algo, "add32 of le16 words from 0x%08llX",
                 (unsigned long long)b.init);
    } else {
        memset(b.ranges, 0, sizeof b.ranges);
        b.kind = BK_CUSTOM;
        b.compute = ms43_mon_unusable;
        snprintf(b.algo, sizeof b.algo, "region table not usable");
    }
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

static unsigned ms43_detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    struct blk b;
    size_t at = 0;
    int rec, prog, boot, pn;
    if (n != MS4X_SIZE)
        return 0;
    /* nfsx's markers: the MS43 program CRC slot in use, the MS42 calibration slot erased */
    if (ecu__rd16(d, n, MS43_PROG_SLOT, 0) == 0xFFFF || ecu__rd16(d, n, 0x4FEE0, 0) != 0xFFFF)
        return 0;
    rec = ident_record(d, n, 0x3000, 0x5000, &at) == '3';
    pn = ms43_program_number(d, n);
    if (!rec && !pn)
        return 0;
    memset(&b, 0, sizeof b);
    boot = read_slot(d, n, MS43_BOOT_SLOT, &ms43_boot, &b);
    prog = read_slot(d, n, MS43_PROG_SLOT, &ms43_prog, &b);
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
    struct blk b;
    memset(&b, 0, sizeof b);
    if (n != MS4X_SIZE) /* a family given by name on an image of another size */
        return ECU_OK;
    /* no usable CRC slot at all: not this layout (a family given by name on another image) */
    if (!read_slot(d, n, MS43_BOOT_SLOT, &ms43_boot, &b) &&
        !read_slot(d, n, MS43_PROG_SLOT, &ms43_prog, &b) &&
        !read_slot(d, n, MS43_CAL_SLOT, &ms43_cal, &b))
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
    .identify = ms43_identify,
    .layout = ms43_layout,
};

/* ---- MS42 ----------------------------------------------------------------------------------- */

static const struct window ms42_any = {0x0, MS4X_SIZE, 0};

/* The slot address named by the 24-bit pointer at @p ptr, UINT64_MAX when out of the image. */
static uint64_t ms42_ptr24(const uint8_t *d, size_t n, uint64_t ptr)
{
    uint64_t a;
    if (ptr + 3 > n)
        return UINT64_MAX;
    a = (uint64_t)ecu__rd16(d, n, ptr, 0) | (uint64_t)d[ptr + 2] << 16;
    return a + 4 <= n ? a : UINT64_MAX;
}

static uint64_t ms42_seed_at(const uint8_t *d, size_t n, uint64_t lo_at)
{
    uint64_t a = (uint64_t)ecu__rd16(d, n, lo_at, 0) | (uint64_t)ecu__rd16(d, n, lo_at + 2, 0) << 16;
    return lo_at + 4 <= n && a + 2 <= n ? a : UINT64_MAX;
}

static unsigned ms42_detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    struct blk b;
    size_t at = 0;
    uint64_t prog, cal;
    if (n != MS4X_SIZE)
        return 0;
    if (ecu__rd16(d, n, 0x4FEE0, 0) == 0xFFFF || ecu__rd16(d, n, MS43_PROG_SLOT, 0) != 0xFFFF)
        return 0;
    if (ident_record(d, n, 0x0, 0x10000, &at) != '2')
        return 0;
    prog = ms42_ptr24(d, n, 0x502CE);
    cal = ms42_ptr24(d, n, 0x502F2);
    memset(&b, 0, sizeof b);
    if (prog == UINT64_MAX || cal == UINT64_MAX || !read_slot(d, n, prog, &ms42_any, &b) ||
        !read_slot(d, n, cal, &ms42_any, &b) || ms42_seed_at(d, n, 0x502D2) == UINT64_MAX ||
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
    struct blk b;
    memset(&b, 0, sizeof b);
    if (n != MS4X_SIZE)
        return ECU_OK;
    if (!read_slot(d, n, MS43_BOOT_SLOT, &ms43_boot, &b) &&
        (prog == UINT64_MAX || !read_slot(d, n, prog, &ms42_any, &b)) &&
        (cal == UINT64_MAX || !read_slot(d, n, cal, &ms42_any, &b)))
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
};

/* ---- MS45 ----------------------------------------------------------------------------------- */

#define MS45_SIZE 0x100000u
#define MS45_PARAM 0x40000u      /* the parameter blob in the external flash */
#define MS45_PARAM_LEN 0x1D000u  /* its length */
#define MS45_PARAM_BASE 0xFFE40000u

/* The parameter header's segments as file ranges; 1 when usable. */
static int ms45_param(const uint8_t *d, size_t n, struct blk *b)
{
    uint64_t h = MS45_PARAM + 0x100;
    uint32_t count, i;
    if (n < MS45_PARAM + MS45_PARAM_LEN)
        return 0;
    count = ecu__rd32(d, n, h + 4, 1);
    /* the header holds one segment before the init at +0x110 (stock files: 1) */
    if (count != 1)
        return 0;
    for (i = 0; i < count; i++) {
        uint32_t s = ecu__rd32(d, n, h + 8 + 8 * i, 1), e = ecu__rd32(d, n, h + 12 + 8 * i, 1);
        if (s < MS45_PARAM_BASE || e < s || e - MS45_PARAM_BASE >= MS45_PARAM_LEN)
            return 0;
        s -= MS45_PARAM_BASE;
        e -= MS45_PARAM_BASE;
        /* the segment must not cover its own header */
        if (s <= 0x113 && e >= 0x100)
            return 0;
        b->ranges[i] = (ecu_range){MS45_PARAM + (uint64_t)s, MS45_PARAM + (uint64_t)e + 1};
    }
    b->nranges = count;
    return 1;
}

static unsigned ms45_detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    struct blk b;
    size_t at = 0;
    if (n != MS45_SIZE)
        return 0;
    if (ident_record(d, n, 0x0, MS45_PARAM, &at) != '5')
        return 0;
    memset(&b, 0, sizeof b);
    if (!ms45_param(d, n, &b))
        return 0;
    snprintf(ev, evsz, "MS45 ident record at 0x%zX; parameter CRC header at 0x40100", at);
    return 85;
}

static int ms45_layout(const uint8_t *d, size_t n, struct blk_list *out)
{
    struct blk b;
    memset(&b, 0, sizeof b);
    if (n != MS45_SIZE || !ms45_param(d, n, &b))
        return ECU_OK;
    snprintf(b.name, sizeof b.name, "parameter CRC (slot 0x40100)");
    b.kind = BK_CRC;
    b.crc = ECU_CRC32_MPEG2;
    b.crc.init = ecu__rd32(d, n, MS45_PARAM + 0x110, 1);
    snprintf(b.algo, sizeof b.algo, "crc32/mpeg2 init 0x%08llX", (unsigned long long)b.crc.init);
    b.store_off = MS45_PARAM + 0x100;
    b.store_bytes = 4;
    b.store_be = 1;
    return ecu__blk_add(out, &b);
}

static void ms45_identify(const uint8_t *d, size_t n, struct ecu__idsink *out)
{
    ms4x_records(d, n, out, 0, 0x40000);
}

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
};
