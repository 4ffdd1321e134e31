/* SPDX-License-Identifier: MIT */
/*
 * The version functions of a libecu that reports another version (STUB_MAJOR.STUB_MINOR.
 * STUB_PATCH, set by tests/CMakeLists.txt). Linked with every other object of the real
 * library into a whole libecu.so.0 of its own, which tests/cli/version.sh puts in front of the
 * tools with LD_LIBRARY_PATH: what a user gets when a libecu of another release is installed.
 */
#include <ecu/common.h>

unsigned ecu_version_number(void) { return STUB_MAJOR * 10000 + STUB_MINOR * 100 + STUB_PATCH; }
const char *ecu_version_string(void) { return ECU_STR(STUB_MAJOR) "." ECU_STR(STUB_MINOR) "." ECU_STR(STUB_PATCH); }
