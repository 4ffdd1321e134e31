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

static void md5_block(uint32_t *h, const uint8_t *p)
{
    uint32_t m[16], a = h[0], b = h[1], c = h[2], d = h[3], f, t;
    unsigned i, g;
    for (i = 0; i < 16; i++)
        m[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16 |
               (uint32_t)p[4 * i + 3] << 24;
    for (i = 0; i < 64; i++) {
        switch (i / 16) {
        case 0: f = (b & c) | (~b & d); g = i; break;
        case 1: f = (d & b) | (~d & c); g = (5 * i + 1) % 16; break;
        case 2: f = b ^ c ^ d; g = (3 * i + 5) % 16; break;
        default: f = c ^ (b | ~d); g = (7 * i) % 16; break;
        }
        t = a + f + md5_k[i] + m[g];
        a = d;
        d = c;
        c = b;
        b += t << md5_r[i / 16][i % 4] | t >> (32 - md5_r[i / 16][i % 4]);
    }
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
