/* SPDX-License-Identifier: MIT */
/*
 * Code built twice, for x86-64-v3 (a few hot loops a third time, for x86-64-v4: AVX-512) and
 * for the baseline, picked at run time (core). GCC on x86-64 Linux only, and not in sanitizer
 * builds (one version there). Not with target_clones:
 * its resolver links libgcc's CPU model constructor into the library, whose CPUID queries
 * every program that loads libecu would pay at start-up, whether it runs the code or not.
 */
#ifndef ECU_CORE_CPU_H
#define ECU_CORE_CPU_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__) && \
    !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_UNDEFINED__) &&                       \
    !defined(__SANITIZE_THREAD__)
#define ECU_HAVE_V3 1
/* a function built for x86-64-v3 (AVX2, BMI1/2, LZCNT, MOVBE, FMA, F16C): run it only when
   ecu__cpu_v3() says so */
#define ECU_V3 __attribute__((target("arch=x86-64-v3")))
/* Whether the CPU runs x86-64-v3 code: CPUID asked at the first call only. */
int ecu__cpu_v3(void);
/* a function built for x86-64-v4 (v3 and AVX-512 F, BW, CD, DQ, VL): run it only when
   ecu__cpu_v4() says so */
#define ECU_V4 __attribute__((target("arch=x86-64-v4")))
/* Whether the CPU runs x86-64-v4 code (and so v3 code): asked as ecu__cpu_v3. */
int ecu__cpu_v4(void);
#else
#define ECU_HAVE_V3 0
#endif

#endif
