/* SPDX-License-Identifier: MIT */
/* Pattern search in image bytes (core/find.h). */
#include "find.h"

#include <stdint.h>
#include <string.h>

size_t ecu__anchor(const uint8_t *hay, size_t n, const uint8_t *pat, const uint8_t *mask, size_t m)
{
    uint32_t count[256] = {0};
    size_t k, j, a = m, piece = n < 4096 ? n / 4 : 1024;
    /* four samples spread over the haystack; 0x00 and 0xFF fill whole erased areas, so they
       anchor only a pattern with no other literal byte */
    for (j = 0; j < 4 && piece; j++) {
        size_t from = (n - piece) / 3 * j;
        for (k = 0; k < piece; k++)
            count[hay[from + k]]++;
    }
    for (k = 0; k < m; k++)
        if ((!mask || mask[k] == 0xFF) && pat[k] != 0x00 && pat[k] != 0xFF &&
            (a == m || count[pat[k]] < count[pat[a]]))
            a = k;
    for (k = 0; a == m && k < m; k++)
        if (!mask || mask[k] == 0xFF)
            a = k;
    return a;
}

const uint8_t *ecu__memfind_at(const uint8_t *hay, size_t n, const void *pat, size_t m, size_t a)
{
    const uint8_t *p = pat, *at, *end, *hit;
    if (!m || m > n)
        return m ? NULL : hay;
    end = hay + (n - m) + a + 1; /* the anchor byte of the last possible match, plus one */
    at = hay + a;
    while (at < end && (hit = memchr(at, p[a], (size_t)(end - at))) != NULL) {
        if (memcmp(hit - a, p, m) == 0)
            return hit - a;
        at = hit + 1;
    }
    return NULL;
}

const uint8_t *ecu__memfind(const uint8_t *hay, size_t n, const void *pat, size_t m)
{
    if (!m || m > n)
        return m ? NULL : hay;
    return ecu__memfind_at(hay, n, pat, m, ecu__anchor(hay, n, pat, NULL, m));
}
