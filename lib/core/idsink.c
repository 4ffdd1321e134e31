/* SPDX-License-Identifier: MIT */
/* The identification sink (core/idsink.h). */
#include "idsink.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

/* stable keys, in the order the fields are listed */
static const char *const keys[] = {
    "manufacturer", "family", "ecu_type", "hw_number", "sw_number", "part_number",
    "sw_version", "epk", "descriptor", "cal_id", "engine", "vin",
};
#define NKEYS (sizeof keys / sizeof keys[0])

static char *dup_n(const char *s, size_t n)
{
    char *r = malloc(n + 1);
    if (r) {
        memcpy(r, s, n);
        r[n] = '\0';
    }
    return r;
}

static unsigned key_rank(const char *key)
{
    unsigned i;
    for (i = 0; i < NKEYS; i++)
        if (strcmp(keys[i], key) == 0)
            return i;
    return NKEYS;
}

void ecu__id_add(struct ecu__idsink *s, const char *key, const uint8_t *val, size_t len,
                 uint64_t off, unsigned conf, const char *source)
{
    size_t i, nkey = 0;
    struct ecu__idfield *f;
    while (len && val[0] == ' ') {
        val++;
        len--;
        if (off != ECU_ID_NO_OFFSET)
            off++;
    }
    while (len && val[len - 1] == ' ')
        len--;
    if (!len || s->nomem)
        return;
    for (i = 0; i < len; i++)
        if (!id_print(val[i]))
            return;
    if (conf > 100)
        conf = 100;
    for (i = 0; i < s->n; i++) {
        f = &s->f[i];
        if (strcmp(f->pub.key, key) != 0)
            continue;
        nkey++;
        if (strlen(f->value) == len && memcmp(f->value, val, len) == 0) {
            if (conf > f->pub.confidence) {
                char *src = dup_n(source, strlen(source));
                if (!src) {
                    s->nomem = 1;
                    return;
                }
                free(f->source);
                f->source = src;
                f->pub.source = src;
                f->pub.confidence = conf;
                f->pub.offset = off;
            }
            return;
        }
    }
    if (nkey >= ECU_ID_MAX_PER_KEY)
        return;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        struct ecu__idfield *nf = realloc(s->f, cap * sizeof *nf);
        if (!nf) {
            s->nomem = 1;
            return;
        }
        s->f = nf;
        s->cap = cap;
    }
    f = &s->f[s->n];
    memset(f, 0, sizeof *f);
    f->value = dup_n((const char *)val, len);
    f->source = dup_n(source, strlen(source));
    if (!f->value || !f->source) {
        free(f->value);
        free(f->source);
        s->nomem = 1;
        return;
    }
    f->order = key_rank(key);
    f->pub.key = f->order < NKEYS ? keys[f->order] : "unknown";
    f->pub.value = f->value;
    f->pub.source = f->source;
    f->pub.offset = off;
    f->pub.confidence = conf;
    f->seq = s->n;
    s->n++;
}

void ecu__id_put(struct ecu__idsink *s, const uint8_t *d, size_t n, const char *key, size_t at,
                 size_t len, unsigned conf, const char *source)
{
    if (at <= n && n - at >= len)
        ecu__id_add(s, key, d + at, len, at, conf, source);
}

void ecu__id_text(struct ecu__idsink *s, const char *key, const char *val, uint64_t off,
                  unsigned conf, const char *source)
{
    ecu__id_add(s, key, (const uint8_t *)val, strlen(val), off, conf, source);
}

void ecu__idsink_clear(struct ecu__idsink *s)
{
    size_t i;
    for (i = 0; i < s->n; i++) {
        free(s->f[i].value);
        free(s->f[i].source);
    }
    s->n = 0;
    s->nomem = 0;
}

void ecu__idsink_free(struct ecu__idsink *s)
{
    ecu__idsink_clear(s);
    free(s->f);
    memset(s, 0, sizeof *s);
}
