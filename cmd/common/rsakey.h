/* SPDX-License-Identifier: MIT */
/*
 * The key pair of ecu-csum --resign: generated (Nettle's RSA key generation, its randomness
 * from Nettle's Yarrow seeded by getrandom(2)), read from a file or written to one, always as
 * a PKCS#1 RSAPrivateKey (RFC 8017, appendix A.1.2) in DER; files hold it in PEM ("-----BEGIN
 * RSA PRIVATE KEY-----", base64 of the DER, as "openssl genrsa -traditional" writes) or as
 * the bare DER. The library takes the DER (ecu_csum_set_resign_key).
 */
#ifndef ECU_TOOL_RSAKEY_H
#define ECU_TOOL_RSAKEY_H

#include <stddef.h>
#include <stdint.h>

/* A new key pair of @p bits bits and public exponent @p e, as DER into @p *der (malloc'ed,
   @p *len bytes); 0, or -1 after saying why. */
int rsakey_generate(unsigned bits, unsigned long e, uint8_t **der, size_t *len);
/* The key pair in @p path (PEM or DER) as DER into @p *der (malloc'ed); 0, or -1 after saying
   why. */
int rsakey_read(const char *path, uint8_t **der, size_t *len);
/* @p der written to @p path in PEM, the file created with mode 0600 and never replaced; 0,
   or -1 after saying why. */
int rsakey_write_pem(const char *path, const uint8_t *der, size_t len);
/* The PEM text of @p der (malloc'ed, NUL-terminated), or NULL (out of memory). */
char *rsakey_pem(const uint8_t *der, size_t len);
/* The DER inside the PEM text @p text (@p n bytes; malloc'ed into @p *der), or the text
   itself when it is DER already (starts with a SEQUENCE); 0, or -1 with @p why set. */
int rsakey_decode(const uint8_t *text, size_t n, uint8_t **der, size_t *len, const char **why);

#endif
