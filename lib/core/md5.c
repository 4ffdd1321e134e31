/* SPDX-License-Identifier: MIT */
/*
 * MD5 as specified in RFC 1321 (the constants are those of the RFC), written for the ME7 RSA
 * check: none of the project's dependencies (zlib, libxxhash) provides MD5.
 */
#include "md5_private.h"

#include <string.h>

static const uint32_t md5_k[64] = {
    0xD76AA478u, 0xE8C7B756u, 0x242070DBu, 0xC1BDCEEEu, 0xF57C0FAFu, 0x4787C62Au, 0xA8304613u, 0xFD469501u,
    0x698098D8u, 0x8B44F7AFu, 0xFFFF5BB1u, 0x895CD7BEu, 0x6B901122u, 0xFD987193u, 0xA679438Eu, 0x49B40821u,
    0xF61E2562u, 0xC040B340u, 0x265E5A51u, 0xE9B6C7AAu, 0xD62F105Du, 0x02441453u, 0xD8A1E681u, 0xE7D3FBC8u,
    0x21E1CDE6u, 0xC33707D6u, 0xF4D50D87u, 0x455A14EDu, 0xA9E3E905u, 0xFCEFA3F8u, 0x676F02D9u, 0x8D2A4C8Au,
    0xFFFA3942u, 0x8771F681u, 0x6D9D6122u, 0xFDE5380Cu, 0xA4BEEA44u, 0x4BDECFA9u, 0xF6BB4B60u, 0xBEBFBC70u,
    0x289B7EC6u, 0xEAA127FAu, 0xD4EF3085u, 0x04881D05u, 0xD9D4D039u, 0xE6DB99E5u, 0x1FA27CF8u, 0xC4AC5665u,
    0xF4292244u, 0x432AFF97u, 0xAB9423A7u, 0xFC93A039u, 0x655B59C3u, 0x8F0CCC92u, 0xFFEFF47Du, 0x85845DD1u,
    0x6FA87E4Fu, 0xFE2CE6E0u, 0xA3014314u, 0x4E0811A1u, 0xF7537E82u, 0xBD3AF235u, 0x2AD7D2BBu, 0xEB86D391u,
};
static const uint8_t md5_r[4][4] = {{7, 12, 17, 22}, {5, 9, 14, 20}, {4, 11, 16, 23}, {6, 10, 15, 21}};

/* The four round functions (F and G in the forms with one operation fewer) and one step;
   everything unrolled, so the message index, constant and shift are compile-time values. */
#define MD5_F(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define MD5_G(x, y, z) ((y) ^ ((z) & ((x) ^ (y))))
#define MD5_H(x, y, z) ((x) ^ (y) ^ (z))
#define MD5_I(x, y, z) ((y) ^ ((x) | ~(z)))
#define MD5_STEP(fn, a, b, c, d, i, g, r)                                                       \
    do {                                                                                       \
        (a) += fn((b), (c), (d)) + m[g] + md5_k[i];                                            \
        (a) = ((a) << md5_r[(i) / 16][r] | (a) >> (32 - md5_r[(i) / 16][r])) + (b);             \
    } while (0)
#define MD5_ROUND4(fn, i, g0, g1, g2, g3)                                                       \
    do {                                                                                       \
        MD5_STEP(fn, a, b, c, d, (i), (g0), 0);                                                \
        MD5_STEP(fn, d, a, b, c, (i) + 1, (g1), 1);                                            \
        MD5_STEP(fn, c, d, a, b, (i) + 2, (g2), 2);                                            \
        MD5_STEP(fn, b, c, d, a, (i) + 3, (g3), 3);                                            \
    } while (0)

static void md5_block(uint32_t *h, const uint8_t *p)
{
    uint32_t m[16], a = h[0], b = h[1], c = h[2], d = h[3];
    unsigned i;
    for (i = 0; i < 16; i++)
        m[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16 |
               (uint32_t)p[4 * i + 3] << 24;
    /* message word of step i: i, (5i + 1), (3i + 5), 7i, each mod 16, by round */
    MD5_ROUND4(MD5_F, 0, 0, 1, 2, 3);
    MD5_ROUND4(MD5_F, 4, 4, 5, 6, 7);
    MD5_ROUND4(MD5_F, 8, 8, 9, 10, 11);
    MD5_ROUND4(MD5_F, 12, 12, 13, 14, 15);
    MD5_ROUND4(MD5_G, 16, 1, 6, 11, 0);
    MD5_ROUND4(MD5_G, 20, 5, 10, 15, 4);
    MD5_ROUND4(MD5_G, 24, 9, 14, 3, 8);
    MD5_ROUND4(MD5_G, 28, 13, 2, 7, 12);
    MD5_ROUND4(MD5_H, 32, 5, 8, 11, 14);
    MD5_ROUND4(MD5_H, 36, 1, 4, 7, 10);
    MD5_ROUND4(MD5_H, 40, 13, 0, 3, 6);
    MD5_ROUND4(MD5_H, 44, 9, 12, 15, 2);
    MD5_ROUND4(MD5_I, 48, 0, 7, 14, 5);
    MD5_ROUND4(MD5_I, 52, 12, 3, 10, 1);
    MD5_ROUND4(MD5_I, 56, 8, 15, 6, 13);
    MD5_ROUND4(MD5_I, 60, 4, 11, 2, 9);
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
}

void ecu__md5_init(struct ecu_md5 *s)
{
    s->h[0] = 0x67452301u;
    s->h[1] = 0xEFCDAB89u;
    s->h[2] = 0x98BADCFEu;
    s->h[3] = 0x10325476u;
    s->len = 0;
}

void ecu__md5_update(struct ecu_md5 *s, const uint8_t *p, size_t n)
{
    size_t have = (size_t)(s->len % 64);
    s->len += n;
    while (n) {
        if (have == 0 && n >= 64) { /* whole blocks straight from the input */
            md5_block(s->h, p);
            p += 64;
            n -= 64;
            continue;
        }
        size_t take = 64 - have < n ? 64 - have : n;
        memcpy(s->buf + have, p, take);
        have += take;
        p += take;
        n -= take;
        if (have == 64) {
            md5_block(s->h, s->buf);
            have = 0;
        }
    }
}

void ecu__md5_final(struct ecu_md5 *s, uint8_t out[16])
{
    uint64_t bits = s->len * 8;
    uint8_t pad[72] = {0x80};
    size_t n = (size_t)(s->len % 64), k;
    size_t padn = n < 56 ? 56 - n : 120 - n;
    for (k = 0; k < 8; k++)
        pad[padn + k] = (uint8_t)(bits >> (8 * k));
    ecu__md5_update(s, pad, padn + 8);
    for (k = 0; k < 16; k++)
        out[k] = (uint8_t)(s->h[k / 4] >> (8 * (k % 4)));
}
