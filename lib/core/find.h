/* SPDX-License-Identifier: MIT */
/* Pattern search in image bytes (core). */
#ifndef ECU_CORE_FIND_H
#define ECU_CORE_FIND_H

#include <stddef.h>
#include <stdint.h>

/*
 * The first occurrence of @p pat (@p m bytes) in @p hay (@p n bytes), or NULL: memchr on the
 * pattern's byte (not 0x00 or 0xFF, when it has another) that is rarest in four samples of
 * the haystack, then a compare. Several
 * times faster than glibc's memmem on megabytes of code and fill.
 */
const uint8_t *ecu__memfind(const uint8_t *hay, size_t n, const void *pat, size_t m);
/* The index of the byte of @p pat to search for: a literal byte (mask 0xFF, or any with
   @p mask NULL) that is rarest in samples of @p hay, not 0x00 or 0xFF when there is another;
   @p m when the pattern has no literal byte. */
size_t ecu__anchor(const uint8_t *hay, size_t n, const uint8_t *pat, const uint8_t *mask, size_t m);
/* ecu__memfind with the anchor index @p a (< @p m) chosen by the caller: for loops that search
   the same pattern again and again, the samples are taken once. */
const uint8_t *ecu__memfind_at(const uint8_t *hay, size_t n, const void *pat, size_t m, size_t a);

/* The first place at or after the start of @p hay (@p n bytes) where the bytes @p a, @p b
   stand one after the other: its offset, or @p n when there is none. Sixteen places a step
   (SSE2), for pairs whose bytes alone are frequent (code patterns in code). */
size_t ecu__find_pair(const uint8_t *hay, size_t n, uint8_t a, uint8_t b);

/* ecu__find_pair at even offsets of @p hay only (the 16-bit word a | b << 8 as stored
   little-endian at an even offset): the first even offset i with i + 1 < @p n, or @p n when
   there is none. Thirty-two places a compare (AVX-512), for code and records that are
   word-aligned (C167): half the work of ecu__find_pair and none of its odd matches. */
size_t ecu__find_word(const uint8_t *hay, size_t n, uint8_t a, uint8_t b);

/* ecu__memfind_at for occurrences at even offsets of @p hay only: the first, or NULL. A
   frequent anchor byte goes on by ecu__find_word on the anchor and its neighbour. */
const uint8_t *ecu__memfind_even_at(const uint8_t *hay, size_t n, const void *pat, size_t m,
                                    size_t a);

#endif
