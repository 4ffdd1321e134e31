/* SPDX-License-Identifier: MIT */
/* What the engines and the families share of the family descriptor (core/family.h). */
#include "family.h"

#include <string.h>

unsigned ecu__detect_never(const uint8_t *d, size_t n, char *evidence, size_t evsz)
{
    (void)d;
    (void)n;
    (void)evidence;
    (void)evsz;
    return 0;
}

int ecu__magics_ok(const struct family *f, const uint8_t *d, size_t n)
{
    size_t i;
    if (!f->magics[0].len)
        return 1;
    for (i = 0; i < ECU_FAMILY_MAX_MAGICS && f->magics[i].len; i++) {
        const struct family_magic *m = &f->magics[i];
        if (m->off <= n && n - m->off >= m->len && memcmp(d + m->off, m->bytes, m->len) == 0)
            return 1;
    }
    return 0;
}
