/* SPDX-License-Identifier: MIT */
/* What the checksum engine (lib/csum.c) needs of a user-defined layout (lib/layout.c). */
#ifndef ECU_LAYOUT_PRIVATE_H
#define ECU_LAYOUT_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "ecu/layout.h"
#include "family.h"
#include "find.h"

/* A deep copy of a parsed layout, or NULL (memory, or nothing parsed). */
ecu_layout *ecu__layout_dup(const ecu_layout *l);
/* The pseudo-family the layout is reported as ("layout:NAME"); no detect, no layout function. */
const struct family *ecu__layout_family(const ecu_layout *l);
/* The layout's blocks, in the order they are listed. */
const struct blk_list *ecu__layout_blocks(const ecu_layout *l);
/* 1 when the image meets the layout's conditions (size, expect), with the conditions met
   described in @p why; else 0, with the first condition it fails described there. */
int ecu__layout_applies(const ecu_layout *l, const uint8_t *d, size_t n, char *why, size_t whysz);

#endif
