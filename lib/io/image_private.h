/* SPDX-License-Identifier: MIT */
/* Internal interface of the image loader. */
#ifndef ECU_IMAGE_PRIVATE_H
#define ECU_IMAGE_PRIVATE_H

#include "ecu/image.h"

/* Detects the container format of (decompressed) input from its first bytes. */
ecu_format ecu__sniff_format(const uint8_t *d, size_t n);

#endif
