/* SPDX-License-Identifier: MIT */
/*
 * Bounds-checked little/big-endian reads of image bytes (core). A read says whether it lay
 * inside the image apart from the value it read: 0 is a valid value, so a read past the end
 * must never be mistaken for one.
 */
#ifndef ECU_CORE_READ_H
#define ECU_CORE_READ_H

#include <stddef.h>
#include <stdint.h>

/* Whether the @p len bytes at @p off lie inside an image of @p n bytes. */
static inline int ecu__in(size_t n, uint64_t off, uint64_t len)
{
    return off <= n && n - off >= len;
}

/* The BE or LE value of the @p bytes (1 to 8) at @p p, which the caller has bounded. */
static inline uint64_t ecu__rdn(const uint8_t *p, unsigned bytes, int be)
{
    uint64_t v = 0;
    unsigned i;
    for (i = 0; i < bytes; i++)
        v |= (uint64_t)p[be ? i : bytes - 1 - i] << (8 * (bytes - 1 - i));
    return v;
}

/* 1 and the BE or LE 32-bit word at @p off in *@p v when its 4 bytes lie inside the @p n
   bytes at @p d; 0 and *@p v = 0 when any of them lies past the end. */
static inline int ecu__get32(const uint8_t *d, size_t n, uint64_t off, int be, uint32_t *v)
{
    if (!ecu__in(n, off, 4)) {
        *v = 0;
        return 0;
    }
    d += off;
    *v = be ? (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3]
            : (uint32_t)d[3] << 24 | (uint32_t)d[2] << 16 | (uint32_t)d[1] << 8 | d[0];
    return 1;
}

/* As ecu__get32, for a 16-bit word. */
static inline int ecu__get16(const uint8_t *d, size_t n, uint64_t off, int be, uint16_t *v)
{
    if (!ecu__in(n, off, 2)) {
        *v = 0;
        return 0;
    }
    d += off;
    *v = (uint16_t)(be ? d[0] << 8 | d[1] : d[1] << 8 | d[0]);
    return 1;
}

#endif
