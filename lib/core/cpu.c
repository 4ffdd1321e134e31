/* SPDX-License-Identifier: MIT */
/* Run-time choice of x86-64-v3 code (core/cpu.h). Built without target_clones or
   __builtin_cpu_supports, either of which links libgcc's CPU model constructor (CPUID at every
   program start: about 60 us a process on a virtual machine, where CPUID traps); with glibc,
   its own record of the CPU's features is read instead of asking the CPU again. */
#include "cpu.h"

#if ECU_HAVE_V3 && defined(__has_include)
#if __has_include(<sys/platform/x86.h>)
#include <stdatomic.h>
#include <sys/platform/x86.h> /* glibc 2.33 */
#define ECU_GLIBC_CPU 1
#endif
#endif

#if ECU_HAVE_V3 && defined(ECU_GLIBC_CPU)
/* Whether the CPU runs x86-64-v3 code (the features GCC's -march=x86-64-v3 may use, after
   the x86-64 psABI's level table: v2's CMPXCHG16B, LAHF-SAHF, POPCNT, SSE3, SSE4.1, SSE4.2,
   SSSE3; v3's AVX, AVX2, BMI1, BMI2, F16C, FMA, LZCNT, MOVBE, OSXSAVE), as the C library found
   them at start-up (active: the CPU has them and the OS saves their state). No CPUID here: on
   a virtual machine every CPUID traps, and three of them cost tens of microseconds. */
int ecu__cpu_v3(void)
{
    static atomic_int known; /* 0: not asked yet, 1: no, 2: yes */
    int k = atomic_load_explicit(&known, memory_order_relaxed);
    if (!k) {
        k = CPU_FEATURE_ACTIVE(CMPXCHG16B) && CPU_FEATURE_ACTIVE(LAHF64_SAHF64) &&
                    CPU_FEATURE_ACTIVE(POPCNT) && CPU_FEATURE_ACTIVE(SSE3) &&
                    CPU_FEATURE_ACTIVE(SSE4_1) && CPU_FEATURE_ACTIVE(SSE4_2) &&
                    CPU_FEATURE_ACTIVE(SSSE3) && CPU_FEATURE_ACTIVE(AVX) &&
                    CPU_FEATURE_ACTIVE(AVX2) && CPU_FEATURE_ACTIVE(BMI1) &&
                    CPU_FEATURE_ACTIVE(BMI2) && CPU_FEATURE_ACTIVE(F16C) &&
                    CPU_FEATURE_ACTIVE(FMA) && CPU_FEATURE_ACTIVE(LZCNT) &&
                    CPU_FEATURE_ACTIVE(MOVBE) && CPU_FEATURE_ACTIVE(OSXSAVE)
                ? 2
                : 1;
        atomic_store_explicit(&known, k, memory_order_relaxed);
    }
    return k == 2;
}

/* Whether the CPU runs x86-64-v4 code: v3's features and AVX-512 F, BW, CD, DQ and VL (the
   psABI's level table), active (the OS saves the AVX-512 state), as glibc found them. */
int ecu__cpu_v4(void)
{
    static atomic_int known; /* 0: not asked yet, 1: no, 2: yes */
    int k = atomic_load_explicit(&known, memory_order_relaxed);
    if (!k) {
        k = ecu__cpu_v3() && CPU_FEATURE_ACTIVE(AVX512F) && CPU_FEATURE_ACTIVE(AVX512BW) &&
                    CPU_FEATURE_ACTIVE(AVX512CD) && CPU_FEATURE_ACTIVE(AVX512DQ) &&
                    CPU_FEATURE_ACTIVE(AVX512VL)
                ? 2
                : 1;
        atomic_store_explicit(&known, k, memory_order_relaxed);
    }
    return k == 2;
}
#elif ECU_HAVE_V3 /* (another C library: CPUID, once) */
#include <cpuid.h>
#include <stdatomic.h>

/* Whether the CPU runs x86-64-v3 code (the features GCC's -march=x86-64-v3 may use, after
   the x86-64 psABI's level table: v2's CMPXCHG16B, LAHF-SAHF, POPCNT, SSE3, SSE4.1, SSE4.2,
   SSSE3; v3's AVX, AVX2, BMI1, BMI2, F16C, FMA, LZCNT, MOVBE, OSXSAVE with the SSE and AVX
   states enabled), asked once. */
int ecu__cpu_v3(void)
{
    static atomic_int known; /* 0: not asked yet, 1: no, 2: yes */
    int k = atomic_load_explicit(&known, memory_order_relaxed);
    if (!k) {
        unsigned a, b, c, d, c1, d1 = 0, b7 = 0, ce = 0, lo, hi;
        int ok = __get_cpuid(1, &a, &b, &c1, &d1) != 0;
        ok = ok && __get_cpuid_count(7, 0, &a, &b7, &c, &d);
        ok = ok && __get_cpuid(0x80000001u, &a, &b, &ce, &d);
        /* leaf 1 ECX: SSE3 0, SSSE3 9, FMA 12, CX16 13, SSE4.1 19, SSE4.2 20, MOVBE 22,
           POPCNT 23, OSXSAVE 27, AVX 28, F16C 29 */
        ok = ok && (c1 & 0x38D83201u) == 0x38D83201u;
        ok = ok && (b7 & 0x128u) == 0x128u; /* leaf 7 EBX: BMI1 3, AVX2 5, BMI2 8 */
        ok = ok && (ce & 0x21u) == 0x21u;   /* 0x80000001 ECX: LAHF-SAHF 0, LZCNT 5 */
        if (ok) { /* XCR0: the OS saves the SSE (bit 1) and AVX (bit 2) states */
            __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
            ok = (lo & 6u) == 6u;
        }
        k = ok ? 2 : 1;
        atomic_store_explicit(&known, k, memory_order_relaxed);
    }
    return k == 2;
}

/* Whether the CPU runs x86-64-v4 code: v3 and AVX-512 F, BW, CD, DQ, VL with their state saved
   by the OS, asked once. */
int ecu__cpu_v4(void)
{
    static atomic_int known; /* 0: not asked yet, 1: no, 2: yes */
    int k = atomic_load_explicit(&known, memory_order_relaxed);
    if (!k) {
        unsigned a, b7 = 0, c, d, lo, hi;
        int ok = ecu__cpu_v3() && __get_cpuid_count(7, 0, &a, &b7, &c, &d);
        /* leaf 7 EBX: AVX512F 16, AVX512DQ 17, AVX512CD 28, AVX512BW 30, AVX512VL 31 */
        ok = ok && (b7 & 0xD0030000u) == 0xD0030000u;
        if (ok) { /* XCR0: SSE, AVX, opmask, ZMM_Hi256 and Hi16_ZMM states (bits 1, 2, 5-7) */
            __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
            ok = (lo & 0xE6u) == 0xE6u;
        }
        k = ok ? 2 : 1;
        atomic_store_explicit(&known, k, memory_order_relaxed);
    }
    return k == 2;
}
#else
typedef int ecu__no_v3; /* (an empty unit is not ISO C) */
#endif
