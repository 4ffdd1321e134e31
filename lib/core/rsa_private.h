/* SPDX-License-Identifier: MIT */
/*
 * Raw RSA for signature blocks (core), over Nettle's hogweed and GMP: the public operation
 * x^e mod n on big-endian numbers stored in an image, and a key pair given by the caller
 * (PKCS#1 RSAPrivateKey, DER) to make raw roots with when a signature is made anew. No
 * randomness and no I/O here: the caller generates or reads the key.
 */
#ifndef ECU_RSA_PRIVATE_H
#define ECU_RSA_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

/* @p out (@p bytes, big-endian) = @p x ^ @p e mod @p n, @p x and @p n big-endian numbers of
   @p bytes bytes; 0 (and @p out untouched) when n is 0, else 1. */
int ecu__rsa_public(const uint8_t *n, const uint8_t *x, size_t bytes, unsigned long e, uint8_t *out);

struct ecu__rsa_key;

/* Parses the PKCS#1 RSAPrivateKey @p der (@p len bytes) into a new key in @p *out: ECU_OK,
   ECU_ERR_INVALID (not such a key, trailing bytes, or its parts do not make a key pair: the
   test root of a fixed message is checked with the public key) or ECU_ERR_NOMEM. */
int ecu__rsa_key_parse(struct ecu__rsa_key **out, const uint8_t *der, size_t len);
void ecu__rsa_key_free(struct ecu__rsa_key *k);
/* The modulus's size in bytes (128 for a 1024-bit key). */
size_t ecu__rsa_key_bytes(const struct ecu__rsa_key *k);
/* Whether the public exponent is @p e. */
int ecu__rsa_key_exponent_is(const struct ecu__rsa_key *k, unsigned long e);
/* The modulus, big-endian, in ecu__rsa_key_bytes(k) bytes at @p out. */
void ecu__rsa_key_modulus(const struct ecu__rsa_key *k, uint8_t *out);
/* @p sig = @p msg ^ d mod n (both ecu__rsa_key_bytes(k) bytes, big-endian), checked with the
   public key (sig ^ e mod n == msg); 0 when @p msg is not below n or the check fails. */
int ecu__rsa_key_root(const struct ecu__rsa_key *k, const uint8_t *msg, uint8_t *sig);

#endif
