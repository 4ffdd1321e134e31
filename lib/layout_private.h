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
/* Appends the layout's blocks for image @p d (@p n bytes) to @p out, in the order they are
   listed: the fixed blocks as they are, each table as one block per record, its range read
   from the record (a record that does not read as a range gives a block past the image's
   end, reported bad). ECU_OK or ECU_ERR_NOMEM. */
int ecu__layout_expand(const ecu_layout *l, const uint8_t *d, size_t n, struct blk_list *out);
/* 1 when the image meets the layout's conditions (size, expect), with the conditions met
   described in @p why; else 0, with the first condition it fails described there. */
int ecu__layout_applies(const ecu_layout *l, const uint8_t *d, size_t n, char *why, size_t whysz);

#endif
