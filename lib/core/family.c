/* SPDX-License-Identifier: MIT */
/* What the engines and the families share of the family descriptor (core/family.h). */
#include "family.h"

#include <stdatomic.h>
#include <string.h>

static _Thread_local uint64_t analysis; /* the id of the analysis under way here, or 0 */
static atomic_uint_fast64_t analyses;   /* the last id given */

uint64_t ecu__analysis_id(void) { return analysis; }

void ecu__analysis_begin(void)
{
    analysis = atomic_fetch_add_explicit(&analyses, 1, memory_order_relaxed) + 1;
}

void ecu__analysis_end(void) { analysis = 0; }

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

uint64_t ecu__extent_window(const uint8_t *d, size_t n, uint64_t cover)
{
    uint64_t up = 1;
    (void)d;
    if (cover > n)
        return cover; /* a block past the end: truncated, by as much as the blocks say */
    while (up < cover)
        up <<= 1;
    return up < n ? up : n;
}
