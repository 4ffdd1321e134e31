/* SPDX-License-Identifier: MIT */
/*
 * Bosch EDC17 / MED17 / ME17 (TriCore, little-endian): checksum blocks.
 *
 * Public source: ConnorHowell/medc17-checksum-tool main.py (verifies a public EDC17C84 dump);
 * block type names after its table. Facts used here:
 * - A block starts with a 0x34-byte header: +0x00 identifier (low byte = block type 0x10,
 *   0x20 ... 0xF1; bytes +0x01 and +0x03 zero), +0x04 size in bytes, +0x0C the CPU address
 *   of its last dword (byte +0x0F is 0x80 or 0xA0: cached or uncached flash view), +0x1A a
 *   10-character software number, +0x2C the number of checksum structures, +0x30 an adjust
 *   word; 32-byte checksum structures follow at +0x34. The block ends with DEADBEEF.
 *   The block's first CPU address is end + 4 - size.
 * - A structure: +0x04 start, +0x08 inclusive end (CPU addresses), +0x0C seed (0xFADECAFE),
 *   +0x10 expected value (0xCAFEAFFE), +0x1C algorithm in the low byte: 0x00 CRC-32,
 *   0x01 ADD32, 0x10 ADD16. The first structure's seed/expected pair sits at block + 0x40.
 * - CRC-32: the reflected CRC (poly 0xEDB88320) with its register starting at the seed and
 *   no final xor runs over [start, end] and must end at ~expected (0x35015001). Its
 *   compensation word is the dword just before DEADBEEF (after a 128-byte signature, which
 *   cannot be recomputed and is never touched here).
 * - ADD32: the seed plus the LE32 dwords of [start, end] equals expected; the range's last
 *   dword compensates.
 * - ADD16 (0x10): the full 32-bit seed plus the LE16 words of [start, end - 3], plus the
 *   range's last dword as one LE32 value (its high word counts << 16), equals the full 32-bit
 *   expected value; the last dword compensates. Sources: the later main.py (checked there
 *   against factory file 07P906027A), ubbg/VolvoSplitter CHANGELOG.md v1.1.1 (59 structures
 *   of 5 EDC17 images; its BoschChecksum.cs still holds an older flat sum), and the Bosch
 *   header sbinfo_prot_conf.h naming index 16 SB_ADD16_ALGO_E. Index 2 (SB_CRC32IFX_ALGO_E)
 *   has no public description: such structures are not judged.
 * - Addresses map to file offsets relative to the block itself (0x8... and 0xA... are the
 *   same flash), so partial reads with whole blocks can be checked.
 * - A block whose stored checksum and adjust words are both blank fill (FFFFFFFF or
 *   AFAFAFAF) was never finalised and has nothing to check.
 */
#include "family.h"
#include "find.h"
#include "read.h"

#include <stdio.h>
#include <string.h>

#define MAGIC_AT 0x40
#define STRUCT_AT 0x34
#define STRUCT_SIZE 32
#define MAX_STRUCTS 100
#define MAX_BLOCKS 32

static const uint8_t magic[8] = {0xFE, 0xCA, 0xDE, 0xFA, 0xFE, 0xAF, 0xFE, 0xCA};

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

struct tblock {
    uint64_t at;       /* file offset of the header */
    uint32_t size;     /* bytes */
    uint32_t start;    /* canonical CPU address of the first byte */
    uint32_t nstructs;
    int blank;         /* never finalised */
};

/* Blocks of the image, found from the seed/expected pair of their first structure. */
static size_t find_blocks(const uint8_t *d, size_t n, struct tblock *out)
{
    const uint8_t *p = d, *hit;
    size_t nb = 0;
    size_t a = ecu__anchor(d, n, magic, NULL, sizeof magic);
    while (nb < MAX_BLOCKS && (hit = ecu__memfind_at(p, (size_t)(d + n - p), magic, sizeof magic, a))) {
        uint64_t at = (uint64_t)(hit - d);
        uint32_t size, end, ns, cs;
        p = hit + 1;
        if (at < MAGIC_AT)
            continue;
        at -= MAGIC_AT;
        if (!known_type(d[at]) || d[at + 1] || d[at + 3] || (d[at + 15] != 0x80 && d[at + 15] != 0xA0))
            continue;
        size = ecu__rd32(d, n, at + 4, 0);
        end = ecu__rd32(d, n, at + 0x0C, 0);
        ns = ecu__rd32(d, n, at + 0x2C, 0);
        if (size < STRUCT_AT + STRUCT_SIZE || size > n || at + size > n || ns == 0 || ns > MAX_STRUCTS ||
            STRUCT_AT + (uint64_t)ns * STRUCT_SIZE + 8 > size)
            continue;
        if (ecu__rd32(d, n, at + size - 4, 0) != 0xDEADBEEFu || !flash_addr(end) ||
            (uint64_t)end + 4 < size)
            continue;
        out[nb].at = at;
        out[nb].size = size;
        out[nb].start = canon(end + 4 - size);
        out[nb].nstructs = ns;
        cs = ecu__rd32(d, n, at + STRUCT_AT + (uint64_t)ns * STRUCT_SIZE, 0);
        {
            uint32_t adj = ecu__rd32(d, n, at + 0x30, 0);
            out[nb].blank = (cs == 0xFFFFFFFFu || cs == 0xAFAFAFAFu) && (adj == 0xFFFFFFFFu || adj == 0xAFAFAFAFu);
        }
        nb++;
    }
    return nb;
}

static unsigned detect(const uint8_t *d, size_t n, char *ev, size_t evsz)
{
    struct tblock b[MAX_BLOCKS];
    size_t nb = find_blocks(d, n, b);
    char sw[11] = {0};
    size_t i;
    if (!nb)
        return 0;
    memcpy(sw, d + b[0].at + 0x1A, 10);
    for (i = 0; i < 10; i++)
        if (sw[i] < 0x20 || sw[i] > 0x7E)
            sw[i] = '?';
    snprintf(ev, evsz, "%zu TriCore checksum block%s (FADECAFE/CAFEAFFE, DEADBEEF), software %s", nb,
             nb == 1 ? "" : "s", sw);
    return 90;
}

/* File offset of CPU address @p a in block @p b; -1 when outside the file. */
static int64_t to_file(const struct tblock *b, uint32_t a, size_t n)
{
    int64_t off = (int64_t)canon(a) - (int64_t)b->start + (int64_t)b->at;
    return off >= 0 && (uint64_t)off <= n ? off : -1;
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

static int layout(const uint8_t *d, size_t n, struct blk_list *out)
{
    struct tblock tb[MAX_BLOCKS];
    size_t nb = find_blocks(d, n, tb), i;
    uint32_t k;
    for (i = 0; i < nb; i++) {
        if (tb[i].blank)
            continue;
        for (k = 0; k < tb[i].nstructs; k++) {
            uint64_t so = tb[i].at + STRUCT_AT + (uint64_t)k * STRUCT_SIZE;
            uint32_t s = ecu__rd32(d, n, so + 4, 0), e = ecu__rd32(d, n, so + 8, 0);
            uint32_t seed = ecu__rd32(d, n, so + 12, 0), want = ecu__rd32(d, n, so + 16, 0);
            unsigned algo = d[so + 28];
            int64_t fs = to_file(&tb[i], s, n), fe = to_file(&tb[i], e, n);
            struct blk b;
            if (!flash_addr(s) || !flash_addr(e) || e <= s || fs < 0 || fe < 0 || (uint64_t)fe + 1 > n)
                continue; /* outside this read: not judged */
            memset(&b, 0, sizeof b);
            b.ranges[0].start = (uint64_t)fs;
            b.ranges[0].end = (uint64_t)fe + 1;
            b.nranges = 1;
            b.init = seed;
            b.target = want;
            snprintf(b.name, sizeof b.name, "block 0x%llX (type 0x%02X) structure %u",
                     (unsigned long long)tb[i].at, d[tb[i].at], k);
            switch (algo) {
            case 0x00:
                b.kind = BK_CRC_TARGET;
                b.crc = crc_params(seed);
                b.store_off = tb[i].at + tb[i].size - 8; /* adjust word before DEADBEEF */
                b.store_bytes = 4;
                snprintf(b.algo, sizeof b.algo, "crc32 seed 0x%08X == 0x%08X", seed, want);
                break;
            case 0x01:
                b.kind = BK_SELFSUM;
                b.word_bytes = 4;
                b.acc_bits = 32;
                b.store_off = b.ranges[0].end - 4;
                b.store_bytes = 4;
                snprintf(b.algo, sizeof b.algo, "add32 seed 0x%08X == 0x%08X", seed, want);
                break;
            case 0x10:
                if ((b.ranges[0].end - b.ranges[0].start) % 2 || b.ranges[0].end - b.ranges[0].start < 4)
                    continue;
                b.kind = BK_CUSTOM;
                b.compute = add16_slot;
                b.store_off = b.ranges[0].end - 4;
                b.store_bytes = 4;
                snprintf(b.algo, sizeof b.algo, "add16 seed 0x%08X == 0x%08X", seed, want);
                break;
            default:
                continue; /* no public description (CRC32IFX, 0x02) or unknown: not judged */
            }
            if (ecu__blk_add(out, &b))
                return ECU_ERR_NOMEM;
        }
    }
    return ECU_OK;
}

const struct family ecu__family_bosch_edc17 = {
    .info = {
        .name = "bosch-edc17",
        .manufacturer = "Bosch",
        .description = "EDC17 / MED17 / ME17 (TriCore), whole images and partial reads",
        .verifies = "every checksum structure of every block (CRC-32, ADD32 and ADD16 against "
                    "0xFADECAFE/0xCAFEAFFE) whose range lies in the read",
        .corrects = "CRC-32: the block's adjust word before DEADBEEF; ADD32 and ADD16: the "
                    "range's last dword; the RSA signature is never touched",
        .sources = "ConnorHowell/medc17-checksum-tool main.py; ubbg/VolvoSplitter CHANGELOG.md",
    },
    .min_size = 0x100,
    .max_size = (size_t)64 << 20,
    .detect = detect,
    .layout = layout,
};
