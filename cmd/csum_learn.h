/* SPDX-License-Identifier: MIT */
/* ecu-csum --discover and --learn (ecu/discover.h): the two modes, apart from the checking ones. */
#ifndef ECU_CSUM_LEARN_H
#define ECU_CSUM_LEARN_H

#include <stdint.h>

#include "contract.h"

struct csum_learn_opts {
    enum tool_format fmt;
    int quiet, verbose, force;
    double bound;      /* --bound, or 0 for the default */
    const char *output; /* --learn: the layout file written */
    uint64_t max_span;
};

/* ecu-csum --discover FILE...: the findings of each file; the exit status of all. */
int csum_discover(const struct csum_learn_opts *o, char *const files[], int n);
/* ecu-csum --learn FILE... -o LAYOUT: the blocks that hold in all, written to LAYOUT. */
int csum_learn(const struct csum_learn_opts *o, char *const files[], int n);
/* --bound's word: a number 0 < P <= 1; 0, or -1 after a usage error. */
int csum_parse_bound(const char *s, double *out);

#endif
