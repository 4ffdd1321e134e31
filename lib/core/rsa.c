/* SPDX-License-Identifier: MIT */
/* Raw RSA over Nettle's hogweed and GMP (core/rsa_private.h). */
#include "rsa_private.h"

#include <stdlib.h>
#include <string.h>

#include <gmp.h>
#include <nettle/rsa.h>

#include "ecu/error.h"

/* the largest key read: far above any signature block's (ME7.1.1: 1024 bits) */
#define RSA_MAX_BITS 4096

struct ecu__rsa_key {
    struct rsa_public_key pub;
    struct rsa_private_key priv;
};

/* @p x as @p bytes big-endian bytes at @p out (x < 256^bytes) */
static void export_be(uint8_t *out, size_t bytes, const mpz_t x)
{
    size_t n = (mpz_sizeinbase(x, 2) + 7) / 8;
    memset(out, 0, bytes);
    if (mpz_sgn(x) != 0)
        mpz_export(out + bytes - n, NULL, 1, 1, 0, 0, x);
}

int ecu__rsa_public(const uint8_t *n, const uint8_t *x, size_t bytes, unsigned long e, uint8_t *out)
{
    mpz_t mn, mx;
    int ok;
    mpz_init(mn);
    mpz_init(mx);
    mpz_import(mn, bytes, 1, 1, 0, 0, n);
    mpz_import(mx, bytes, 1, 1, 0, 0, x);
    if ((ok = mpz_sgn(mn) != 0)) {
        mpz_powm_ui(mx, mx, e, mn);
        export_be(out, bytes, mx);
    }
    mpz_clear(mn);
    mpz_clear(mx);
    return ok;
}

void ecu__rsa_key_free(struct ecu__rsa_key *k)
{
    if (!k)
        return;
    rsa_public_key_clear(&k->pub);
    rsa_private_key_clear(&k->priv);
    free(k);
}

/* whether t mod m is 1 (m > 1; t is reduced) */
static int one_mod(mpz_t t, const mpz_t m)
{
    mpz_mod(t, t, m);
    return mpz_cmp_ui(t, 1) == 0;
}

/* The parts the roots are made with are consistent (Nettle asserts on some that are not):
   n = p * q with p, q > 2; a = d mod (p-1), b = d mod (q-1) and c = q^-1 mod p reduced, with
   e * a = 1 (mod p-1), e * b = 1 (mod q-1) and c * q = 1 (mod p). */
static int parts_ok(const struct ecu__rsa_key *k)
{
    const struct rsa_private_key *v = &k->priv;
    mpz_t t, m;
    int ok;
    if (mpz_cmp_ui(v->p, 2) <= 0 || mpz_cmp_ui(v->q, 2) <= 0 || mpz_sgn(v->a) <= 0 ||
        mpz_sgn(v->b) <= 0 || mpz_sgn(v->c) <= 0 || mpz_cmp(v->c, v->p) >= 0)
        return 0;
    mpz_init(t);
    mpz_init(m);
    mpz_mul(t, v->p, v->q);
    ok = mpz_cmp(t, k->pub.n) == 0;
    mpz_sub_ui(m, v->p, 1);
    ok = ok && mpz_cmp(v->a, m) < 0;
    mpz_mul(t, k->pub.e, v->a);
    ok = ok && one_mod(t, m);
    mpz_sub_ui(m, v->q, 1);
    ok = ok && mpz_cmp(v->b, m) < 0;
    mpz_mul(t, k->pub.e, v->b);
    ok = ok && one_mod(t, m);
    mpz_mul(t, v->c, v->q);
    ok = ok && one_mod(t, v->p);
    mpz_clear(t);
    mpz_clear(m);
    return ok;
}

int ecu__rsa_key_parse(struct ecu__rsa_key **out, const uint8_t *der, size_t len)
{
    struct ecu__rsa_key *k;
    uint8_t *msg, *sig;
    size_t bytes;
    int ok;
    *out = NULL;
    if (!der || !len)
        return ECU_ERR_INVALID;
    if (!(k = malloc(sizeof *k)))
        return ECU_ERR_NOMEM;
    rsa_public_key_init(&k->pub);
    rsa_private_key_init(&k->priv);
    /* rsa_keypair_from_der reads one SEQUENCE and prepares both keys (their sizes); at most
       RSA_MAX_BITS bits */
    if (!rsa_keypair_from_der(&k->pub, &k->priv, RSA_MAX_BITS, len, der) ||
        k->pub.size != k->priv.size || !parts_ok(k)) {
        ecu__rsa_key_free(k);
        return ECU_ERR_INVALID;
    }
    /* the parts must make a key pair: a root of a fixed message below n, checked with the
       public key */
    bytes = k->pub.size;
    if (!(msg = calloc(2, bytes))) {
        ecu__rsa_key_free(k);
        return ECU_ERR_NOMEM;
    }
    sig = msg + bytes;
    memset(msg + 1, 0x5A, bytes - 1);
    ok = ecu__rsa_key_root(k, msg, sig);
    free(msg);
    if (!ok) {
        ecu__rsa_key_free(k);
        return ECU_ERR_INVALID;
    }
    *out = k;
    return ECU_OK;
}

size_t ecu__rsa_key_bytes(const struct ecu__rsa_key *k) { return k->pub.size; }

int ecu__rsa_key_exponent_is(const struct ecu__rsa_key *k, unsigned long e)
{
    return mpz_cmp_ui(k->pub.e, e) == 0;
}

void ecu__rsa_key_modulus(const struct ecu__rsa_key *k, uint8_t *out)
{
    export_be(out, k->pub.size, k->pub.n);
}

int ecu__rsa_key_root(const struct ecu__rsa_key *k, const uint8_t *msg, uint8_t *sig)
{
    mpz_t m, x, c;
    int ok = 0;
    mpz_init(m);
    mpz_init(x);
    mpz_init(c);
    mpz_import(m, k->pub.size, 1, 1, 0, 0, msg);
    if (mpz_cmp(m, k->pub.n) < 0) {
        rsa_compute_root(&k->priv, x, m);
        mpz_powm(c, x, k->pub.e, k->pub.n);
        if ((ok = mpz_cmp(c, m) == 0))
            export_be(sig, k->pub.size, x);
    }
    mpz_clear(m);
    mpz_clear(x);
    mpz_clear(c);
    return ok;
}
