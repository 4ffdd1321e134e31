/* SPDX-License-Identifier: MIT */
#include "ecu/common.h"

unsigned ecu_version_number(void) { return ECU_VERSION_NUMBER; }
const char *ecu_version_string(void) { return ECU_VERSION_STRING; }
