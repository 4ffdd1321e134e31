/* SPDX-License-Identifier: MIT */
/* MD5 (RFC 1321), for signatures that hash with it (ME7 RSA). */
#ifndef ECU_MD5_PRIVATE_H
#define ECU_MD5_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

struct ecu_md5 {
    uint32_t h[4];
    uint8_t buf[64];
    uint64_t len;
};

void ecu__md5_init(struct ecu_md5 *s);
void ecu__md5_update(struct ecu_md5 *s, const uint8_t *p, size_t n);
void ecu__md5_final(struct ecu_md5 *s, uint8_t out[16]);

#endif
