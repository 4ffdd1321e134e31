/* SPDX-License-Identifier: MIT */
/**
 * @file ecu/common.h
 * Export macro, version macros and the runtime version query of libecu.
 */
#ifndef ECU_COMMON_H
#define ECU_COMMON_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(ECU_STATIC_DEFINE)
#  define ECU_API
#elif defined(_WIN32)
#  ifdef ECU_BUILDING_LIBRARY
#    define ECU_API __declspec(dllexport)
#  else
#    define ECU_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define ECU_API __attribute__((visibility("default")))
#else
#  define ECU_API
#endif

#define ECU_VERSION_MAJOR 0
#define ECU_VERSION_MINOR 2
#define ECU_VERSION_PATCH 0
/** MAJOR*10000 + MINOR*100 + PATCH, comparable with ecu_version_number(). */
#define ECU_VERSION_NUMBER \
    (ECU_VERSION_MAJOR * 10000 + ECU_VERSION_MINOR * 100 + ECU_VERSION_PATCH)
#define ECU_STR_(x) #x
#define ECU_STR(x) ECU_STR_(x)
#define ECU_VERSION_STRING \
    ECU_STR(ECU_VERSION_MAJOR) "." ECU_STR(ECU_VERSION_MINOR) "." ECU_STR(ECU_VERSION_PATCH)

/** Version of the library actually loaded at run time (ECU_VERSION_NUMBER form). */
ECU_API unsigned ecu_version_number(void);
/** Version string of the library loaded at run time, e.g. "0.1.0"; never NULL. */
ECU_API const char *ecu_version_string(void);

#ifdef __cplusplus
}
#endif
#endif
