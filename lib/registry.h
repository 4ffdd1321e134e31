/* SPDX-License-Identifier: MIT */
/* The family registry (lib/registry.c): the ordered family table and the probe loop. */
#ifndef ECU_REGISTRY_H
#define ECU_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "family.h"

#define ECU_PROBE_MAX 8 /* candidates kept at most */

struct ecu__candidate {
    const struct family *f;
    unsigned score;
};

/* What the probe loop found: the candidates that claimed the image (all of the tied ones when
   ambiguous), the family with the highest score and its evidence (the family NULL when no
   family or several tied families claim it). */
struct ecu__probe {
    struct ecu__candidate cand[ECU_PROBE_MAX];
    size_t ncand;
    const struct family *family;
    unsigned score;
    int ambiguous;
    char evidence[256];
};

extern const struct family *const ecu__families[];
extern const size_t ecu__nfamilies;

/* The family named @p name, or NULL. */
const struct family *ecu__find_family(const char *name);

/* Probes the @p n bytes at @p d with every family that is not forced-only, in table order:
   sizes, then magics, then `detect`. */
void ecu__probe(const uint8_t *d, size_t n, struct ecu__probe *p);

#endif
