/* SPDX-License-Identifier: MIT */
/*
 * Bosch EDC17 / MED17 / ME17 (TriCore, little-endian): checksum blocks.
 *
 * Public source: ConnorHowell/medc17-checksum-tool main.py (verifies a public EDC17C84 dump);
 * block type names after its table. Facts used here:
 * - A block starts with a 0x34-byte header: +0x00 identifier (low byte = block type 0x10,
 *   0x20 ... 0xF0 or 0xF1; bytes +0x01 and +0x03 zero), +0x04 size in bytes (at least 0x40),
 *   +0x0C the CPU address of its last dword (byte +0x0F is 0x80 or 0xA0: cached or uncached
 *   flash view), +0x1A a 10-character software number, +0x2C the number of checksum
 *   structures (1 to 100: main.py refuses a header with more), +0x30 an adjust word; 32-byte checksum
 *   structures follow at +0x34, then the block's checksum word. The block ends with DEADBEEF.
 *   The block's first CPU address is end + 4 - size, itself a flash address.
 * - Blocks are found by the seed/expected pair FADECAFE/CAFEAFFE of their first structure at
 *   block + 0x40; later structures carry the same pair 32 bytes further on each.
 * - A structure: +0x04 start, +0x08 inclusive end (CPU addresses), +0x0C seed (0xFADECAFE),
 *   +0x10 expected value (0xCAFEAFFE), +0x1C algorithm in the low byte: 0x00 CRC-32, 0x01
 *   ADD32, 0x10 ADD16. A range that does not lie in the binary, or is empty (start >= end), is
 *   invalid; an algorithm without a computation is not judged ("Unsupported algorithm").
 * - CRC-32 and ADD32 run over the whole dwords of [start, end] ("while pos + 3 <= end").
 * - CRC-32: the reflected CRC (poly 0xEDB88320) with its register starting at the seed and
 *   no final xor must end at ~expected (0x35015001). Correction solves the adjust word just
 *   before DEADBEEF (after a 128-byte signature, which cannot be recomputed and is never
 *   touched here) when the range holds it. A CRC structure whose range does not hold it (real
 *   customer and startup blocks have such a second structure, over a few hundred bytes inside
 *   or just after the block) is compensated in the range's last dword, as every other
 *   compensation of these layouts is (ADD32, ADD16, the variant monitoring region: "the last
 *   dword of its range is the compensation slot").
 * - ADD32: the seed plus the LE32 dwords equals expected; the range's last dword compensates.
 * - ADD16 (0x10): the full 32-bit seed plus the LE16 words of [start, end - 3], plus the
 *   range's last dword as one LE32 value (its high word counts << 16), equals the full 32-bit
 *   expected value; the last dword compensates. Sources: the later main.py (checked there
 *   against factory file 07P906027A), ubbg/VolvoSplitter CHANGELOG.md v1.1.1 (59 structures
 *   of 5 EDC17 images; its BoschChecksum.cs still holds an older flat sum), and the Bosch
 *   header sbinfo_prot_conf.h, whose SB_IntInfo_t numbers the checksum algorithms 0
 *   (SB_CRC32_ALGO_E), 1 (SB_ADD32_ALGO_E), 2 (SB_CRC32IFX_ALGO_E, "CRC32, specific for IFX",
 *   no public description) and 16 (SB_ADD16_ALGO_E); its other entries are no checksum.
 * - Addresses map to file offsets relative to the block itself (0x8... and 0xA... are the
 *   same flash), so partial reads with whole blocks can be checked.
 * - A block whose stored checksum and adjust words are both blank fill (FFFFFFFF or
 *   AFAFAFAF) is reserved (never finalised): its structures are not checked.
 *
 * What this family makes of them ("ok" means the whole layout was checked):
 * - A header is there when the pair sits at its + 0x40 (or one of the two words does: the
 *   other may be damaged), the pair is not a later structure's (32 bytes after another), and at
 *   least three of its four fields are consistent: identifier, size (with DEADBEEF at its end,
 *   or past the end of the read), end address (byte +0x0F), structure count. A header that is
 *   there and fails any rule is a bad block (never a missing one); so is a block that runs
 *   past the end of the read, and one whose table is followed by a further structure (the
 *   pair 32 bytes after its last structure's: the checksum word, not a structure, ends it). Fewer than three consistent fields: the pair is data.
 * - A structure whose range is not flash, lies outside the read or holds no whole dword, or
 *   whose algorithm is no checksum of the table above, is a bad block. A structure of
 *   algorithm 2 cannot be evaluated: the evidence names it and, unless a block is bad, the
 *   image gets no layout (no ok for a layout not wholly checked). Reserved blocks are named in
 *   the evidence and are no block.
 *
 * Code and calibration areas (the structure diff, lib/diff.c): a parsed block, finalised or
 * reserved, spans [header, header + size) and its type names what it holds (main.py
 * BLOCK_IDENTIFIERS): 0x10 "Startup Block" and 0x40, 0x50, 0xA0, 0xB0 "Application software
 * #0-#3" are code; 0x60, 0x70 "Dataset #0/#1" and 0x80 "Variant dataset" are calibration. The
 * other types (tuning protection, customer blocks, constants, ramloader...) are left unknown.
 */
#include "family.h"
#include "find.h"
#include "read.h"

#include <stdio.h>
#include <string.h>

#define MAGIC_AT 0x40
#define STRUCT_AT 0x34
#define STRUCT_SIZE 32
#define MIN_SIZE 0x40
#define MAX_STRUCTS 100
#define MAX_BLOCKS 64
#define SEED 0xFADECAFEu
#define WANT 0xCAFEAFFEu
#define DEADBEEF 0xDEADBEEFu
#define SEGMENT 0x10000000u /* one flash segment: no block is larger */
#define ALGO_CRC32 0x00
#define ALGO_ADD32 0x01
#define ALGO_CRC32IFX 0x02
#define ALGO_ADD16 0x10


static int known_type(uint8_t t)
{
    return (t >= 0x10 && t <= 0xF0 && (t & 0x0F) == 0) || t == 0xF1;
}

static int flash_addr(uint32_t a)
{
    return (a >> 28) == 0x8 || (a >> 28) == 0xA;
}

static uint32_t canon(uint32_t a)
{
    return (a & 0x0FFFFFFFu) | 0x80000000u;
}

enum bstate {
    B_OK,        /* parsed, finalised: its structures are checked */
    B_RESERVED,  /* parsed, never finalised: nothing to check */
    B_DAMAGED,   /* there, but a field fails its rule: a bad block */
    B_TRUNCATED, /* consistent, but runs past the end of the read: a bad block */
};

struct tblock {
    uint64_t at;       /* file offset of the header */
    uint32_t size;     /* bytes */
    uint32_t start;    /* canonical CPU address of the first byte */
    uint32_t nstructs;
    enum bstate state;
    const char *why;   /* B_DAMAGED: the rule that fails */
    uint64_t why_at;   /* B_DAMAGED, B_TRUNCATED: the offending field */
};

/* The LE32 word at @p o, which the caller has checked to lie inside the image (each place
   says how). */
static uint32_t in32(const uint8_t *d, size_t n, uint64_t o)
{
    uint32_t v;
    (void)ecu__get32(d, n, o, 0, &v);
    return v;
}

/* Whether either word of the seed/expected pair sits at @p q: the seed at q or the expected
   value at q + 4. A word past the end of the image is neither. */
static int pair_at(const uint8_t *d, size_t n, uint64_t q)
{
    uint32_t v;
    return (ecu__get32(d, n, q, 0, &v) && v == SEED) || (ecu__get32(d, n, q + 4, 0, &v) && v == WANT);
}

/* Whether the seed/expected pair at @p p (either word of it) is a later structure's: the
   structure 32 bytes before carries the pair too. */
static int later_structure(const uint8_t *d, size_t n, uint64_t p)
{
    return p >= STRUCT_SIZE && pair_at(d, n, p - STRUCT_SIZE);
}

/* The header whose first structure's pair is at @p p: 0 when the pair is data, else 1 with
   @p b filled (its state says whether it parses). */
static int header_at(const uint8_t *d, size_t n, uint64_t p, struct tblock *b)
{
    uint64_t h = p - MAGIC_AT; /* p >= MAGIC_AT: find_blocks searches from there */
    uint32_t size, end, ns;
    int f_id, f_size, f_end, f_ns;
    if (!ecu__in(n, h, MAGIC_AT + 8))
        return 0;
    /* the header's words lie below h + MAGIC_AT + 8 <= n */
    size = in32(d, n, h + 4);
    end = in32(d, n, h + 0x0C);
    ns = in32(d, n, h + 0x2C);
    f_id = known_type(d[h]) && !d[h + 1] && !d[h + 3];
    /* h + size <= n and size >= MIN_SIZE: the last dword lies inside the image */
    f_size = size >= MIN_SIZE && size <= SEGMENT &&
             (!ecu__in(n, h, size) || in32(d, n, h + size - 4) == DEADBEEF);
    f_end = d[h + 0x0F] == 0x80 || d[h + 0x0F] == 0xA0;
    f_ns = ns >= 1 && ns <= MAX_STRUCTS;
    if (f_id + f_size + f_end + f_ns < 3)
        return 0;
    memset(b, 0, sizeof *b);
    b->at = h;
    b->size = size;
    b->nstructs = ns;
    b->state = B_DAMAGED;
    if (!f_id) {
        b->why = "identifier";
        b->why_at = h;
    } else if (!f_size) {
        b->why = size < MIN_SIZE || size > SEGMENT ? "size" : "no DEADBEEF at its end";
        b->why_at = h + 4;
    } else if (!f_end) {
        b->why = "end address";
        b->why_at = h + 0x0C;
    } else if (!f_ns) {
        b->why = "structure count";
        b->why_at = h + 0x2C;
    } else if ((uint64_t)end + 4 < size || !flash_addr(end + 4 - size)) {
        b->why = "start address (end + 4 - size)";
        b->why_at = h + 0x0C;
    } else if (STRUCT_AT + (uint64_t)ns * STRUCT_SIZE + 8 > size) {
        b->why = "structures past the block";
        b->why_at = h + 0x2C;
    } else if (pair_at(d, n, p + (uint64_t)ns * STRUCT_SIZE)) { /* (may lie past the read) */
        b->why = "structure count (one more follows)";
        b->why_at = h + 0x2C;
    } else if (!ecu__in(n, h, size)) {
        b->state = B_TRUNCATED;
        b->why_at = h + 4;
    } else {
        /* the checksum word ends 8 bytes before the block's end or earlier (checked above), and
           the block lies inside the image; the adjust word lies in the header */
        uint32_t cs = in32(d, n, h + STRUCT_AT + (uint64_t)ns * STRUCT_SIZE);
        uint32_t adj = in32(d, n, h + 0x30);
        b->start = canon(end + 4 - size);
        b->state = (cs == 0xFFFFFFFFu || cs == 0xAFAFAFAFu) && (adj == 0xFFFFFFFFu || adj == 0xAFAFAFAFu)
                       ? B_RESERVED
                       : B_OK;
    }
    return 1;
}

/* Whether @p p lies in the structure table of a block already found. */
static int in_table(const struct tblock *tb, size_t nb, uint64_t p)
{
    size_t i;
    for (i = 0; i < nb; i++)
        if (tb[i].state != B_DAMAGED && p >= tb[i].at + STRUCT_AT &&
            p < tb[i].at + STRUCT_AT + (uint64_t)tb[i].nstructs * STRUCT_SIZE)
            return 1;
    return 0;
}

/* The places a block's first structure may start: where the seed sits, or where the
   expected value sits 4 bytes on (the other word may be damaged), at MAGIC_AT or later, in
   increasing order. Both words hold the bytes FE CA (the seed at its start, the expected
   value 2 bytes in), so one search for that pair finds the places of both: one pass over the
   image, not one per word. */
struct places {
    const uint8_t *d;
    size_t n, a;      /* the image; the anchor of the pair's search */
    uint64_t from;    /* where the search for the pair goes on (UINT64_MAX: done) */
    uint64_t pend[8]; /* places found, not yet given, in increasing order (places_next) */
    size_t npend;
};

static const uint8_t fe_ca[2] = {0xFE, 0xCA};

static void places_init(struct places *pl, const uint8_t *d, size_t n)
{
    pl->d = d;
    pl->n = n;
    pl->a = ecu__anchor(d, n, fe_ca, NULL, sizeof fe_ca);
    pl->from = MAGIC_AT;
    pl->npend = 0;
}

static void places_add(struct places *pl, uint64_t p)
{
    size_t i = pl->npend, k;
    for (k = 0; k < pl->npend; k++)
        if (pl->pend[k] == p)
            return;
    while (i && pl->pend[i - 1] > p) {
        pl->pend[i] = pl->pend[i - 1];
        i--;
    }
    pl->pend[i] = p;
    pl->npend++;
}

static int word_at(const uint8_t *d, size_t n, uint64_t o, uint32_t v)
{
    uint32_t w;
    return ecu__get32(d, n, o, 0, &w) && w == v;
}

/* The next place, or UINT64_MAX. A pair found at q gives the places q (the seed there) and
   q - 6 (the expected value at q - 2); a later pair gives none below its own place - 6, so a
   place more than 6 bytes below where the search goes on is final. The places that wait lie
   within 6 bytes of the last pair (pairs lie at least 2 bytes apart: at most 3 each of seeds
   and expected values) plus the 2 of a new pair: at most 8. */
static uint64_t places_next(struct places *pl)
{
    while (pl->from != UINT64_MAX && (!pl->npend || pl->pend[0] + 6 >= pl->from)) {
        const uint8_t *hit = pl->from < pl->n ? ecu__memfind_at(pl->d + pl->from, (size_t)(pl->n - pl->from),
                                                                fe_ca, sizeof fe_ca, pl->a)
                                              : NULL;
        uint64_t q;
        if (!hit) {
            pl->from = UINT64_MAX;
            break;
        }
        q = (uint64_t)(hit - pl->d);
        pl->from = q + 1;
        if (word_at(pl->d, pl->n, q, SEED))
            places_add(pl, q);
        if (q >= MAGIC_AT + 6 && word_at(pl->d, pl->n, q - 2, WANT))
            places_add(pl, q - 6);
    }
    if (!pl->npend)
        return UINT64_MAX;
    {
        uint64_t p = pl->pend[0];
        memmove(pl->pend, pl->pend + 1, --pl->npend * sizeof pl->pend[0]);
        return p;
    }
}

/* The block headers of the image, in file order. */
static size_t find_blocks(const uint8_t *d, size_t n, struct tblock *out)
{
    struct places pl;
    uint64_t p;
    size_t nb = 0;
    places_init(&pl, d, n);
    while (nb < MAX_BLOCKS && (p = places_next(&pl)) != UINT64_MAX) {
        if (later_structure(d, n, p) || in_table(out, nb, p))
            continue;
        if (header_at(d, n, p, &out[nb]))
            nb++;
    }
    return nb;
}

/* File offset of CPU address @p a in block @p b (may lie outside the file). */
static int64_t to_file(const struct tblock *b, uint32_t a)
{
    return (int64_t)canon(a) - (int64_t)b->start + (int64_t)b->at;
}

/* What a structure is. */
enum skind { S_CHECK, S_NOT_JUDGED, S_BAD };

struct tstruct {
    enum skind kind;
    unsigned algo;
    uint32_t s, e, seed, want;
    uint64_t fs, len; /* S_CHECK: the bytes [fs, fs + len) */
    const char *why;  /* S_BAD: the rule that fails */
    uint64_t why_at;
};

static void read_struct(const uint8_t *d, size_t n, const struct tblock *b, uint32_t k, struct tstruct *t)
{
    uint64_t so = b->at + STRUCT_AT + (uint64_t)k * STRUCT_SIZE;
    int64_t fs, fe;
    memset(t, 0, sizeof *t);
    /* b is a parsed block (B_OK) lying inside the image, its structures before its end */
    t->s = in32(d, n, so + 4);
    t->e = in32(d, n, so + 8);
    t->seed = in32(d, n, so + 12);
    t->want = in32(d, n, so + 16);
    t->algo = d[so + 28];
    t->kind = S_BAD;
    t->why_at = so + 4;
    fs = to_file(b, t->s);
    fe = to_file(b, t->e);
    if (!flash_addr(t->s) || !flash_addr(t->e)) {
        t->why = "range not flash addresses";
    } else if (fs < 0 || fe < 0 || (uint64_t)fe >= n) {
        t->why = "range not in the read";
    } else if (fe <= fs) {
        t->why = "empty range";
    } else if (t->algo != ALGO_CRC32 && t->algo != ALGO_ADD32 && t->algo != ALGO_CRC32IFX &&
               t->algo != ALGO_ADD16) {
        t->why = "algorithm is no checksum";
        t->why_at = so + 28;
    } else if (t->algo == ALGO_CRC32IFX) {
        t->kind = S_NOT_JUDGED;
    } else {
        uint64_t len = (uint64_t)(fe - fs) + 1;
        t->fs = (uint64_t)fs;
        t->len = t->algo == ALGO_ADD16 ? len : len & ~(uint64_t)3; /* whole dwords */
        if (t->len < 4)
            t->why = "range shorter than a dword";
        else if (t->algo == ALGO_ADD16 && t->len % 2)
            t->why = "range of an odd length";
        else
            t->kind = S_CHECK;
    }
}

/* Counts of the image's headers: all of them, reserved blocks, structures not judged. */
struct tcount {
    size_t nb, reserved, not_judged;
    struct tblock tb[MAX_BLOCKS];
};

static void count(const uint8_t *d, size_t n, struct tcount *c)
{
    size_t i;
    uint32_t k;
    c->nb = find_blocks(d, n, c->tb);
    c->reserved = c->not_judged = 0;
    for (i = 0; i < c->nb; i++) {
        c->reserved += c->tb[i].state == B_RESERVED;
        if (c->tb[i].state == B_OK)
            for (k = 0; k < c->tb[i].nstructs; k++) {
                struct tstruct t;
                read_struct(d, n, &c->tb[i], k, &t);
                c->not_judged += t.kind == S_NOT_JUDGED;
            }
    }
}

static unsigned detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    struct tcount c;
    char sw[11] = {0};
    size_t i, at;
    count(d, n, &c);
    if (!c.nb)
        return 0;
    memcpy(sw, d + c.tb[0].at + 0x1A, 10);
    for (i = 0; i < 10; i++)
        if (sw[i] < 0x20 || sw[i] > 0x7E)
            sw[i] = '?';
    snprintf(ev, evsz, "%zu TriCore checksum block%s (FADECAFE/CAFEAFFE, DEADBEEF), software %s", c.nb,
             c.nb == 1 ? "" : "s", sw);
    at = strlen(ev);
    if (c.reserved && at < evsz)
        at += (size_t)snprintf(ev + at, evsz - at, "; %zu never finalised, not checked", c.reserved);
    if (c.not_judged && at < evsz)
        snprintf(ev + at, evsz - at, "; %zu structure%s of algorithm 2 (CRC32IFX) not judged",
                 c.not_judged, c.not_judged == 1 ? "" : "s");
    return 90;
}

/* The CRC of a structure: the register starts at the seed itself, so in the model's terms
   init is the seed reflected; the final xor turns ~expected into expected. */
static ecu_crc_params crc_params(uint32_t seed)
{
    uint32_t r = 0;
    unsigned k;
    for (k = 0; k < 32; k++)
        r |= ((seed >> k) & 1u) << (31 - k);
    return (ecu_crc_params){32, 0x04C11DB7, r, 1, 1, 0xFFFFFFFF};
}

/* ADD16: the value of the range's last dword that makes the sum reach the target. */
static uint64_t add16_slot(const uint8_t *img, size_t size, const struct blk *b)
{
    uint64_t slot = b->ranges[0].end - 4;
    uint32_t sum = (uint32_t)ecu_sum_words(img + b->ranges[0].start,
                                           (size_t)(slot - b->ranges[0].start), 2, 0, b->init, 32);
    (void)size;
    return (uint32_t)((uint32_t)b->target - sum);
}

/* A record that cannot be checked: never matches its 4 bytes, so it is a bad block and a
   correction is refused. */
static uint64_t unusable(const uint8_t *img, size_t size, const struct blk *b)
{
    /* the engine evaluates a block only when its slot lies inside the image (csum.c,
       block_in_bounds) */
    return (uint32_t)~in32(img, size, b->store_off);
}

/* @p b (made by ecu__blk_init, the reason as its algorithm text) as a record that cannot be
   checked, at the 4 bytes at @p at. */
static void set_unusable(struct blk *b, uint64_t at)
{
    ecu__blk_custom(b, unusable);
    ecu__blk_store(b, at, 4, 0, 0);
}

static int layout(const uint8_t *d, size_t n, struct blk_list *out)
{
    struct tblock tb[MAX_BLOCKS];
    size_t nb = find_blocks(d, n, tb), i;
    uint32_t k;
    for (i = 0; i < nb; i++) {
        struct blk b;
        if (tb[i].state == B_RESERVED)
            continue;
        if (tb[i].state == B_DAMAGED || tb[i].state == B_TRUNCATED) {
            ecu__blk_init(&b, "block runs past the end of the read", "block 0x%llX header",
                          (unsigned long long)tb[i].at);
            if (tb[i].state == B_DAMAGED)
                ecu__blk_algo(&b, "damaged: %s", tb[i].why);
            set_unusable(&b, tb[i].why_at);
            if (ecu__blk_add(out, &b))
                return ECU_ERR_NOMEM;
            continue;
        }
        for (k = 0; k < tb[i].nstructs; k++) {
            struct tstruct t;
            read_struct(d, n, &tb[i], k, &t);
            if (t.kind == S_NOT_JUDGED)
                continue; /* named in the evidence; the image then gets no layout (accept) */
            ecu__blk_init(&b, "", "block 0x%llX (type 0x%02X) structure %u",
                          (unsigned long long)tb[i].at, d[tb[i].at], k);
            if (t.kind == S_BAD) {
                if (t.why_at == tb[i].at + STRUCT_AT + (uint64_t)k * STRUCT_SIZE + 28)
                    ecu__blk_algo(&b, "algorithm 0x%02X is no checksum", t.algo);
                else
                    ecu__blk_algo(&b, "%s: 0x%08X-0x%08X", t.why, t.s, t.e);
                set_unusable(&b, t.why_at);
                if (ecu__blk_add(out, &b))
                    return ECU_ERR_NOMEM;
                continue;
            }
            ecu__blk_range(&b, t.fs, t.fs + t.len);
            ecu__blk_store(&b, t.fs + t.len - 4, 4, 0, 0); /* the range's last dword */
            switch (t.algo) {
            case ALGO_CRC32: {
                uint64_t adj = tb[i].at + tb[i].size - 8; /* adjust word before DEADBEEF */
                ecu_crc_params p = crc_params(t.seed);
                ecu__blk_crc_target(&b, &p, t.want);
                if (adj >= t.fs && adj + 4 <= t.fs + t.len)
                    ecu__blk_store(&b, adj, 4, 0, 0);
                ecu__blk_algo(&b, "crc32 seed 0x%08X == 0x%08X", t.seed, t.want);
                break;
            }
            case ALGO_ADD32:
                ecu__blk_selfsum(&b, 0, t.seed, t.want);
                ecu__blk_algo(&b, "add32 seed 0x%08X == 0x%08X", t.seed, t.want);
                break;
            default: /* ALGO_ADD16 */
                ecu__blk_custom(&b, add16_slot);
                b.init = t.seed; /* add16_slot's parameters: the seed and the expected value */
                b.target = t.want;
                ecu__blk_algo(&b, "add16 seed 0x%08X == 0x%08X", t.seed, t.want);
                break;
            }
            if (ecu__blk_add(out, &b))
                return ECU_ERR_NOMEM;
        }
    }
    return ECU_OK;
}

/* Whole images and partial reads alike: no flash size in the image. The layout covers every
   block whose header parses (reserved ones and ones that run past the end of the read
   included: at + size) and the range of every structure of a finalised block (one past the
   end of the read included: its flash addresses say where it ends), taken as
   ecu__extent_window takes the blocks' end. */
static uint64_t extent(const uint8_t *d, size_t n, uint64_t cover)
{
    struct tblock tb[MAX_BLOCKS];
    size_t nb = find_blocks(d, n, tb), i;
    uint32_t k;
    for (i = 0; i < nb; i++) {
        if (tb[i].state == B_DAMAGED)
            continue;
        if (tb[i].at + tb[i].size > cover)
            cover = tb[i].at + tb[i].size;
        for (k = 0; tb[i].state == B_OK && k < tb[i].nstructs; k++) {
            uint64_t so = tb[i].at + STRUCT_AT + (uint64_t)k * STRUCT_SIZE;
            uint32_t s = in32(d, n, so + 4), e = in32(d, n, so + 8);
            int64_t fs = to_file(&tb[i], s), fe = to_file(&tb[i], e);
            /* a range that parses (flash, in order, within one segment); else it is bad */
            if (flash_addr(s) && flash_addr(e) && fs >= 0 && fe > fs && fe - fs < SEGMENT &&
                (uint64_t)fe + 1 > cover)
                cover = (uint64_t)fe + 1;
        }
    }
    return ecu__extent_window(d, n, cover);
}

/* A structure not judged (algorithm 2) leaves the layout not wholly checked: unless a block is
   bad, the image gets no layout rather than an ok. */
static int accept(const uint8_t *d, size_t n, size_t nblocks, const ecu_block *verified)
{
    struct tcount c;
    size_t i;
    for (i = 0; i < nblocks; i++)
        if (verified[i].status == ECU_BLOCK_BAD)
            return 1;
    count(d, n, &c);
    return c.not_judged == 0;
}

/* The blocks whose type names code or calibration (the header). */
static size_t areas(const uint8_t *d, size_t n, struct family_area *out, size_t max)
{
    struct tblock tb[MAX_BLOCKS];
    size_t nb = find_blocks(d, n, tb), i, k = 0;
    for (i = 0; i < nb && k < max; i++) {
        uint8_t t;
        if ((tb[i].state != B_OK && tb[i].state != B_RESERVED) || !ecu__in(n, tb[i].at, tb[i].size))
            continue;
        t = d[tb[i].at];
        if (t == 0x10)
            out[k++] = (struct family_area){tb[i].at, tb[i].at + tb[i].size, FA_CODE, "startup block"};
        else if (t == 0x40 || t == 0x50 || t == 0xA0 || t == 0xB0)
            out[k++] = (struct family_area){tb[i].at, tb[i].at + tb[i].size, FA_CODE,
                                            "application software"};
        else if (t == 0x60 || t == 0x70)
            out[k++] = (struct family_area){tb[i].at, tb[i].at + tb[i].size, FA_CALIBRATION,
                                            "dataset"};
        else if (t == 0x80)
            out[k++] = (struct family_area){tb[i].at, tb[i].at + tb[i].size, FA_CALIBRATION,
                                            "variant dataset"};
    }
    return k;
}

const struct family ecu__family_bosch_edc17 = {
    .info = {
        .name = "bosch-edc17",
        .manufacturer = "Bosch",
        .description = "EDC17 / MED17 / ME17 (TriCore), whole images and partial reads",
        .verifies = "every checksum structure of every finalised block (CRC-32, ADD32 and ADD16 "
                    "against 0xFADECAFE/0xCAFEAFFE); a damaged header, a block or range past the "
                    "read and a structure that is no checksum are bad blocks",
        .corrects = "CRC-32: the block's adjust word before DEADBEEF when the range holds it, else "
                    "the range's last dword; ADD32 and ADD16: the range's last dword; the RSA "
                    "signature is never touched",
        .sources = "ConnorHowell/medc17-checksum-tool main.py; ubbg/VolvoSplitter CHANGELOG.md; "
                   "Bosch sbinfo_prot_conf.h",
    },
    .min_size = 0x100,
    .max_size = (size_t)64 << 20,
    .detect = detect,
    .layout = layout,
    .extent = extent,
    .accept = accept,
    .areas = areas,
};
