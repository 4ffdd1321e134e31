/* SPDX-License-Identifier: MIT */
/*
 * Text in images (core): character classes, bounded searches and evidence quoting, for the
 * families that are recognised or identified by text and markers and for the generic
 * identification scanners (lib/id.c). Every read is bounds-checked against the image size;
 * every search is one linear pass (ecu__memfind) over a region clamped to the image.
 */
#ifndef ECU_CORE_TEXT_H
#define ECU_CORE_TEXT_H

#include "find.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ID_NONE ((size_t)-1)
/* occurrences of a search string examined per region, at most */
#define ID_MAX_HITS 16

static inline int id_digit(uint8_t c) { return c >= '0' && c <= '9'; }
static inline int id_upper(uint8_t c) { return c >= 'A' && c <= 'Z'; }
static inline int id_alnum(uint8_t c)
{
    return id_digit(c) || id_upper(c) || (c >= 'a' && c <= 'z');
}
static inline int id_upnum(uint8_t c) { return id_upper(c) || id_digit(c); }
static inline int id_space(uint8_t c) { return c == ' ' || c == '\t'; }
static inline int id_blank(uint8_t c) { return c == ' '; }
static inline int id_print(uint8_t c) { return c >= 0x20 && c < 0x7F; }

/* Whether [at, at + len) lies in the image and every byte of it passes @p cls. */
static inline int id_all(const uint8_t *d, size_t n, size_t at, size_t len, int (*cls)(uint8_t))
{
    size_t i;
    if (at > n || n - at < len)
        return 0;
    for (i = 0; i < len; i++)
        if (!cls(d[at + i]))
            return 0;
    return 1;
}

/* Length of the run of bytes passing @p cls from @p at, at most @p max. */
static inline size_t id_run(const uint8_t *d, size_t n, size_t at, size_t max, int (*cls)(uint8_t))
{
    size_t k = 0;
    while (at + k < n && k < max && cls(d[at + k]))
        k++;
    return k;
}

/* Whether the @p len bytes of @p s lie at @p at. */
static inline int id_at(const uint8_t *d, size_t n, size_t at, const void *s, size_t len)
{
    return at <= n && n - at >= len && memcmp(d + at, s, len) == 0;
}

/* Offset of the first @p s (@p len bytes) wholly inside [from, to) of the image, or ID_NONE. */
static inline size_t id_find(const uint8_t *d, size_t n, size_t from, size_t to, const void *s,
                             size_t len)
{
    const uint8_t *hit;
    if (to > n)
        to = n;
    if (from >= to || to - from < len)
        return ID_NONE;
    hit = ecu__memfind(d + from, to - from, s, len);
    return hit ? (size_t)(hit - d) : ID_NONE;
}

/* Whether [from, to) of the image is all @p v. */
static inline int id_fill(const uint8_t *d, size_t n, size_t from, size_t to, uint8_t v)
{
    if (to > n || from > to)
        return 0;
    /* every byte is v when the first is and each equals the next: one memcmp of the range
       against itself shifted by one byte, which libc compares many bytes a step (a byte loop
       over the 512 erased KiB of a 1 MiB ME7 file took about 0.1 ms) */
    return from == to || (d[from] == v && memcmp(d + from, d + from + 1, to - from - 1) == 0);
}

/* Copies @p len bytes of @p src into @p out as printable ASCII ('.' for anything else),
   NUL-terminated, at most @p outsz - 1 characters. */
static inline void id_quote(const uint8_t *src, size_t len, char *out, size_t outsz)
{
    size_t i;
    if (!outsz)
        return;
    for (i = 0; i < len && i + 1 < outsz; i++)
        out[i] = id_print(src[i]) ? (char)src[i] : '.';
    out[i] = '\0';
}

/* The name of an ECU maker's own strings that, found anywhere in the image, say it belongs to
   another maker's family (Bosch, Siemens/Continental): NULL when none is there. Only long,
   specific strings: short ones occur by chance in code and tables. */
static inline const char *id_foreign(const uint8_t *d, size_t n)
{
    static const char *const s[] = {"BOSCH", "MOTRONIC", "SIMOS", "5WK9"};
    size_t i;
    for (i = 0; i < sizeof s / sizeof s[0]; i++)
        if (id_find(d, n, 0, n, s[i], strlen(s[i])) != ID_NONE)
            return s[i];
    return NULL;
}

#endif
