/* SPDX-License-Identifier: MIT */
/* Internal interface of the checksum primitives. */
#ifndef ECU_CHECKSUM_PRIVATE_H
#define ECU_CHECKSUM_PRIVATE_H

#include "ecu/checksum.h"

/*
 * The 4 bytes that, at @p data[@p pos], make the 32-bit CRC of the buffer equal @p target,
 * into @p out, without writing the buffer (its slot bytes are not read either).
 * ECU_OK or ECU_ERR_INVALID as ecu_crc32_compensate.
 */
int ecu__crc32_solve(const ecu_crc *crc, const uint8_t *data, size_t size, size_t pos, uint64_t target,
                     uint8_t out[4]);

/* The low @p bits of @p v in reverse order (a reflected CRC's view of a value). */
uint64_t ecu__reflect(uint64_t v, unsigned bits);

#endif
