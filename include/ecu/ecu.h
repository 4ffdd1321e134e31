/* SPDX-License-Identifier: MIT */
/** @file ecu/ecu.h  Umbrella header of libecu. */
#ifndef ECU_ECU_H
#define ECU_ECU_H
#include "ecu/common.h"
#include "ecu/error.h"
#include "ecu/image.h"
#include "ecu/cmp.h"
#include "ecu/checksum.h"
#include "ecu/layout.h"
#include "ecu/csum.h"
#include "ecu/id.h"
#include "ecu/diff.h"
#include "ecu/discover.h"
#endif
