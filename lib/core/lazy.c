/* SPDX-License-Identifier: MIT */
/*
 * Nettle, hogweed, GMP and libxxhash loaded at first use (built with ECU_LAZY_LOAD, the
 * default where CMake finds their sonames; see lib/CMakeLists.txt).
 *
 * Only the ME7.1.1 and MED9.5 signatures (MD5, an RSA cube) and --resign need these libraries,
 * yet a program linked with them loads all three at start-up: about 0.17 ms of every process
 * on our 2-core virtual machine (nettle's start-up asks the CPU for its features, hogweed's
 * relocations bind some 740 symbols), a tenth of a whole `ecu-csum -q` run on a 1 MiB dump
 * (bench/README.md). Here every function libecu (and ecu-csum's key handling,
 * cmd/common/rsakey.c) calls is defined as a stub of the same name and type, after the
 * libraries' own headers: its first call opens the library by the soname found at build time
 * (dlopen, RTLD_LOCAL: nothing of it joins the program's symbols) and looks the functions up
 * (dlsym); every call goes on to the library's function. The technique is that of lazy-loading
 * stub libraries (yugr/Implib.so). Opening is done once per library (pthread_once), so the
 * stubs may be called from any thread.
 *
 * libxxhash is loaded the same way: only the fingerprints (ecu_fingerprint_hex: ecu-cmp,
 * ecu-verify, the structure diff) hash, and every other process would pay for loading it, about
 * 23 us on the same machine (an empty program linked with it against one without, 0.783 against
 * 0.760 ms), more than a percent of an `ecu-csum -q` run.
 *
 * In libecu the stubs are local (lib/libecu.map exports only ecu_*), so they replace nothing
 * outside the library; in ecu-csum nothing exports them either. A library that cannot be
 * opened when it is first needed ends the process with the message and status the dynamic
 * loader gives when a library is missing at start-up (127): as before, the program does not go
 * on without it, only now a program that never needs it runs.
 */
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gmp.h>
#include <nettle/base64.h>
#include <nettle/md5.h>
#include <nettle/rsa.h>
#include <nettle/yarrow.h>
#include <xxhash.h>

#if !defined(ECU_SONAME_NETTLE) || !defined(ECU_SONAME_HOGWEED) || !defined(ECU_SONAME_GMP) || \
    !defined(ECU_SONAME_XXHASH)
#error "lazy.c needs ECU_SONAME_NETTLE, ECU_SONAME_HOGWEED, ECU_SONAME_GMP and ECU_SONAME_XXHASH (CMakeLists.txt)"
#endif

_Static_assert(sizeof(void *) == sizeof(void (*)(void)), "dlsym's pointers hold functions");

enum lib { L_NETTLE, L_HOGWEED, L_GMP, L_XXHASH, NLIBS };

static const char *const soname[NLIBS] = {ECU_SONAME_NETTLE, ECU_SONAME_HOGWEED, ECU_SONAME_GMP,
                                          ECU_SONAME_XXHASH};

/* The functions, by library: the real ones once the library is open. */
static struct {
    __typeof__(&md5_init) md5_init;
    __typeof__(&md5_update) md5_update;
    __typeof__(&md5_digest) md5_digest;
    __typeof__(&base64_encode_raw) base64_encode_raw;
    __typeof__(&base64_decode_init) base64_decode_init;
    __typeof__(&base64_decode_update) base64_decode_update;
    __typeof__(&base64_decode_final) base64_decode_final;
    __typeof__(&yarrow256_init) yarrow256_init;
    __typeof__(&yarrow256_seed) yarrow256_seed;
    __typeof__(&yarrow256_random) yarrow256_random;
} nettle;

static struct {
    __typeof__(&rsa_public_key_init) rsa_public_key_init;
    __typeof__(&rsa_public_key_clear) rsa_public_key_clear;
    __typeof__(&rsa_private_key_init) rsa_private_key_init;
    __typeof__(&rsa_private_key_clear) rsa_private_key_clear;
    __typeof__(&rsa_keypair_from_der) rsa_keypair_from_der;
    __typeof__(&rsa_compute_root) rsa_compute_root;
    __typeof__(&rsa_generate_keypair) rsa_generate_keypair;
} hogweed;

static struct {
    __typeof__(&mpz_init) init;
    __typeof__(&mpz_clear) clear;
    __typeof__(&mpz_cmp) cmp;
    __typeof__(&_mpz_cmp_ui) cmp_ui;
    __typeof__(&mpz_export) export_;
    __typeof__(&mpz_import) import_;
    __typeof__(&mpz_mod) mod;
    __typeof__(&mpz_mul) mul;
    __typeof__(&mpz_powm) powm;
    __typeof__(&mpz_powm_ui) powm_ui;
    __typeof__(&mpz_set_ui) set_ui;
    __typeof__(&mpz_sizeinbase) sizeinbase;
    __typeof__(&mpz_sub_ui) sub_ui;
} gmp;

static struct {
    __typeof__(&XXH3_128bits) xxh3_128;
    __typeof__(&XXH128_canonicalFromHash) canonical128;
} xxh;

/* The library @p l opened and the function @p name (its symbol) looked up in it; on failure,
   the loader's message and status. */
static void *need(enum lib l, void **handle, const char *name)
{
    void *f = NULL;
    const char *why = NULL;
    if (!*handle)
        *handle = dlopen(soname[l], RTLD_NOW | RTLD_LOCAL);
    if (*handle)
        f = dlsym(*handle, name);
    if (!f) {
        why = dlerror();
        fprintf(stderr, "error while loading shared libraries: %s: %s\n", soname[l],
                why ? why : "cannot open shared object file");
        fflush(stderr);
        _exit(127);
    }
    return f;
}

/* (the object pointer dlsym returns copied into the function pointer, as POSIX has it: ISO C
   has no conversion between the two) */
#define GET(lib, tab, field, sym)                                                              \
    do {                                                                                       \
        void *f_ = need(lib, &h, sym);                                                         \
        memcpy(&tab.field, &f_, sizeof f_);                                                    \
    } while (0)

static void open_nettle(void)
{
    void *h = NULL;
    GET(L_NETTLE, nettle, md5_init, "nettle_md5_init");
    GET(L_NETTLE, nettle, md5_update, "nettle_md5_update");
    GET(L_NETTLE, nettle, md5_digest, "nettle_md5_digest");
    GET(L_NETTLE, nettle, base64_encode_raw, "nettle_base64_encode_raw");
    GET(L_NETTLE, nettle, base64_decode_init, "nettle_base64_decode_init");
    GET(L_NETTLE, nettle, base64_decode_update, "nettle_base64_decode_update");
    GET(L_NETTLE, nettle, base64_decode_final, "nettle_base64_decode_final");
    GET(L_NETTLE, nettle, yarrow256_init, "nettle_yarrow256_init");
    GET(L_NETTLE, nettle, yarrow256_seed, "nettle_yarrow256_seed");
    GET(L_NETTLE, nettle, yarrow256_random, "nettle_yarrow256_random");
}

static void open_hogweed(void)
{
    void *h = NULL;
    GET(L_HOGWEED, hogweed, rsa_public_key_init, "nettle_rsa_public_key_init");
    GET(L_HOGWEED, hogweed, rsa_public_key_clear, "nettle_rsa_public_key_clear");
    GET(L_HOGWEED, hogweed, rsa_private_key_init, "nettle_rsa_private_key_init");
    GET(L_HOGWEED, hogweed, rsa_private_key_clear, "nettle_rsa_private_key_clear");
    GET(L_HOGWEED, hogweed, rsa_keypair_from_der, "nettle_rsa_keypair_from_der");
    GET(L_HOGWEED, hogweed, rsa_compute_root, "nettle_rsa_compute_root");
    GET(L_HOGWEED, hogweed, rsa_generate_keypair, "nettle_rsa_generate_keypair");
}

static void open_gmp(void)
{
    void *h = NULL;
    GET(L_GMP, gmp, init, "__gmpz_init");
    GET(L_GMP, gmp, clear, "__gmpz_clear");
    GET(L_GMP, gmp, cmp, "__gmpz_cmp");
    GET(L_GMP, gmp, cmp_ui, "__gmpz_cmp_ui");
    GET(L_GMP, gmp, export_, "__gmpz_export");
    GET(L_GMP, gmp, import_, "__gmpz_import");
    GET(L_GMP, gmp, mod, "__gmpz_mod");
    GET(L_GMP, gmp, mul, "__gmpz_mul");
    GET(L_GMP, gmp, powm, "__gmpz_powm");
    GET(L_GMP, gmp, powm_ui, "__gmpz_powm_ui");
    GET(L_GMP, gmp, set_ui, "__gmpz_set_ui");
    GET(L_GMP, gmp, sizeinbase, "__gmpz_sizeinbase");
    GET(L_GMP, gmp, sub_ui, "__gmpz_sub_ui");
}

static void open_xxhash(void)
{
    void *h = NULL;
    GET(L_XXHASH, xxh, xxh3_128, "XXH3_128bits");
    GET(L_XXHASH, xxh, canonical128, "XXH128_canonicalFromHash");
}

static pthread_once_t nettle_once = PTHREAD_ONCE_INIT, hogweed_once = PTHREAD_ONCE_INIT,
                      gmp_once = PTHREAD_ONCE_INIT, xxhash_once = PTHREAD_ONCE_INIT;

#define NETTLE (pthread_once(&nettle_once, open_nettle), &nettle)
#define HOGWEED (pthread_once(&hogweed_once, open_hogweed), &hogweed)
#define GMP (pthread_once(&gmp_once, open_gmp), &gmp)
#define XXH (pthread_once(&xxhash_once, open_xxhash), &xxh)

/* ---- the stubs (the names are the headers' macros for nettle_* and __gmpz_*; libxxhash's are
   its own) ---------------------------------------------------------------------------------- */

void md5_init(struct md5_ctx *ctx) { NETTLE->md5_init(ctx); }

void md5_update(struct md5_ctx *ctx, size_t length, const uint8_t *data)
{
    NETTLE->md5_update(ctx, length, data);
}

void md5_digest(struct md5_ctx *ctx, size_t length, uint8_t *digest)
{
    NETTLE->md5_digest(ctx, length, digest);
}

void base64_encode_raw(char *dst, size_t length, const uint8_t *src)
{
    NETTLE->base64_encode_raw(dst, length, src);
}

void base64_decode_init(struct base64_decode_ctx *ctx) { NETTLE->base64_decode_init(ctx); }

int base64_decode_update(struct base64_decode_ctx *ctx, size_t *dst_length, uint8_t *dst,
                         size_t src_length, const char *src)
{
    return NETTLE->base64_decode_update(ctx, dst_length, dst, src_length, src);
}

int base64_decode_final(struct base64_decode_ctx *ctx) { return NETTLE->base64_decode_final(ctx); }

void yarrow256_init(struct yarrow256_ctx *ctx, unsigned nsources, struct yarrow_source *sources)
{
    NETTLE->yarrow256_init(ctx, nsources, sources);
}

void yarrow256_seed(struct yarrow256_ctx *ctx, size_t length, const uint8_t *seed_file)
{
    NETTLE->yarrow256_seed(ctx, length, seed_file);
}

void yarrow256_random(struct yarrow256_ctx *ctx, size_t length, uint8_t *dst)
{
    NETTLE->yarrow256_random(ctx, length, dst);
}

void rsa_public_key_init(struct rsa_public_key *key) { HOGWEED->rsa_public_key_init(key); }

void rsa_public_key_clear(struct rsa_public_key *key) { HOGWEED->rsa_public_key_clear(key); }

void rsa_private_key_init(struct rsa_private_key *key) { HOGWEED->rsa_private_key_init(key); }

void rsa_private_key_clear(struct rsa_private_key *key) { HOGWEED->rsa_private_key_clear(key); }

int rsa_keypair_from_der(struct rsa_public_key *pub, struct rsa_private_key *priv, unsigned limit,
                         size_t length, const uint8_t *data)
{
    return HOGWEED->rsa_keypair_from_der(pub, priv, limit, length, data);
}

void rsa_compute_root(const struct rsa_private_key *key, mpz_t x, const mpz_t m)
{
    HOGWEED->rsa_compute_root(key, x, m);
}

int rsa_generate_keypair(struct rsa_public_key *pub, struct rsa_private_key *key, void *random_ctx,
                         nettle_random_func *random, void *progress_ctx,
                         nettle_progress_func *progress, unsigned n_size, unsigned e_size)
{
    return HOGWEED->rsa_generate_keypair(pub, key, random_ctx, random, progress_ctx, progress,
                                         n_size, e_size);
}

void mpz_init(mpz_ptr x) { GMP->init(x); }

void mpz_clear(mpz_ptr x) { GMP->clear(x); }

int mpz_cmp(mpz_srcptr a, mpz_srcptr b) { return GMP->cmp(a, b); }

int _mpz_cmp_ui(mpz_srcptr a, unsigned long b) { return GMP->cmp_ui(a, b); }

void *mpz_export(void *rop, size_t *countp, int order, size_t size, int endian, size_t nails,
                 mpz_srcptr op)
{
    return GMP->export_(rop, countp, order, size, endian, nails, op);
}

void mpz_import(mpz_ptr rop, size_t count, int order, size_t size, int endian, size_t nails,
                const void *op)
{
    GMP->import_(rop, count, order, size, endian, nails, op);
}

void mpz_mod(mpz_ptr r, mpz_srcptr n, mpz_srcptr d) { GMP->mod(r, n, d); }

void mpz_mul(mpz_ptr r, mpz_srcptr a, mpz_srcptr b) { GMP->mul(r, a, b); }

void mpz_powm(mpz_ptr r, mpz_srcptr b, mpz_srcptr e, mpz_srcptr m) { GMP->powm(r, b, e, m); }

void mpz_powm_ui(mpz_ptr r, mpz_srcptr b, unsigned long e, mpz_srcptr m) { GMP->powm_ui(r, b, e, m); }

void mpz_set_ui(mpz_ptr r, unsigned long v) { GMP->set_ui(r, v); }

size_t mpz_sizeinbase(mpz_srcptr x, int base) { return GMP->sizeinbase(x, base); }

void mpz_sub_ui(mpz_ptr r, mpz_srcptr a, unsigned long b) { GMP->sub_ui(r, a, b); }

XXH128_hash_t XXH3_128bits(const void *data, size_t len) { return XXH->xxh3_128(data, len); }

void XXH128_canonicalFromHash(XXH128_canonical_t *dst, XXH128_hash_t hash)
{
    XXH->canonical128(dst, hash);
}
