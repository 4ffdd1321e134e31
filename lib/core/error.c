/* SPDX-License-Identifier: MIT */
#include "ecu/error.h"

static const char *const messages[ECU_ERROR_COUNT] = {
    [ECU_OK] = "success",
    [ECU_ERR_NOMEM] = "out of memory",
    [ECU_ERR_INVALID] = "invalid argument",
    [ECU_ERR_IO] = "cannot read file",
    [ECU_ERR_ISDIR] = "is a directory",
    [ECU_ERR_EMPTY] = "no data",
    [ECU_ERR_TOO_LARGE] = "too large",
    [ECU_ERR_HEX_DIGIT] = "bad hexadecimal digit",
    [ECU_ERR_TRUNCATED] = "truncated record or file",
    [ECU_ERR_CHECKSUM] = "record checksum mismatch",
    [ECU_ERR_OVERLAP] = "overlapping records with different data",
    [ECU_ERR_SYNTAX] = "malformed record",
    [ECU_ERR_RECORD_COUNT] = "record count mismatch",
    [ECU_ERR_GZIP] = "corrupt gzip data",
    [ECU_ERR_TOO_MANY] = "too many inputs",
    [ECU_ERR_NO_MAJORITY] = "no strict majority",
    [ECU_ERR_UNFIXABLE] = "checksum cannot be corrected",
    [ECU_ERR_STOPPED] = "stopped by the caller",
};

const char *ecu_strerror(int code)
{
    if (code >= 0 && code < ECU_ERROR_COUNT && messages[code])
        return messages[code];
    return "unknown error";
}
