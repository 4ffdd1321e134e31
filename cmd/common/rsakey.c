/* SPDX-License-Identifier: MIT */
/* The key pair of ecu-csum --resign (rsakey.h). */
#define _GNU_SOURCE /* getrandom */
#include "rsakey.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <gmp.h>
#include <nettle/base64.h>
#include <nettle/rsa.h>
#include <nettle/yarrow.h>

#include "tool.h"

#define PEM_BEGIN "-----BEGIN RSA PRIVATE KEY-----"
#define PEM_END "-----END RSA PRIVATE KEY-----"

/* ---- DER (X.690): a SEQUENCE of non-negative INTEGERs --------------------------------------- */

struct buf {
    uint8_t *p;
    size_t n, cap;
};

static int put(struct buf *b, const void *p, size_t n)
{
    if (b->n + n > b->cap) {
        size_t cap = (b->n + n) * 2;
        uint8_t *q = realloc(b->p, cap);
        if (!q)
            return -1;
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
    return 0;
}

/* a tag and a definite length (short form below 128, else 0x81 / 0x82 and the length) */
static int put_head(struct buf *b, uint8_t tag, size_t len)
{
    uint8_t h[4] = {tag};
    size_t n = 2;
    if (len < 0x80) {
        h[1] = (uint8_t)len;
    } else if (len < 0x100) {
        h[1] = 0x81;
        h[2] = (uint8_t)len;
        n = 3;
    } else {
        h[1] = 0x82;
        h[2] = (uint8_t)(len >> 8);
        h[3] = (uint8_t)len;
        n = 4;
    }
    return put(b, h, n);
}

/* INTEGER: big-endian, shortest form, a 00 in front when the top bit is set */
static int put_int(struct buf *b, const mpz_t x)
{
    size_t n = mpz_sgn(x) ? (mpz_sizeinbase(x, 2) + 7) / 8 : 0, lead;
    uint8_t *v = calloc(n + 1, 1);
    int rc;
    if (!v)
        return -1;
    if (n)
        mpz_export(v + 1, NULL, 1, 1, 0, 0, x);
    lead = n == 0 || (v[1] & 0x80) ? 1 : 0; /* 0 is one byte 00 */
    rc = put_head(b, 0x02, n + lead) || put(b, v + 1 - lead, n + lead);
    free(v);
    return rc ? -1 : 0;
}

/* RSAPrivateKey ::= SEQUENCE { version 0, n, e, d, p, q, d mod (p-1), d mod (q-1),
   q^-1 mod p } (RFC 8017 A.1.2; Nettle's a, b and c are the last three) */
static int der_encode(const struct rsa_public_key *pub, const struct rsa_private_key *k,
                      uint8_t **der, size_t *len)
{
    struct buf body = {0}, all = {0};
    mpz_t zero;
    int rc;
    mpz_init(zero);
    rc = put_int(&body, zero) || put_int(&body, pub->n) || put_int(&body, pub->e) ||
         put_int(&body, k->d) || put_int(&body, k->p) || put_int(&body, k->q) ||
         put_int(&body, k->a) || put_int(&body, k->b) || put_int(&body, k->c) ||
         put_head(&all, 0x30, body.n) || put(&all, body.p, body.n);
    mpz_clear(zero);
    free(body.p);
    if (rc) {
        free(all.p);
        return -1;
    }
    *der = all.p;
    *len = all.n;
    return 0;
}

/* ---- generation ---------------------------------------------------------------------------- */

int rsakey_generate(unsigned bits, unsigned long e, uint8_t **der, size_t *len)
{
    struct yarrow256_ctx y;
    struct rsa_public_key pub;
    struct rsa_private_key key;
    uint8_t seed[YARROW256_SEED_FILE_SIZE];
    size_t got = 0;
    int rc = -1;
    /* the seed from the kernel's generator (getrandom: blocks only until it is seeded) */
    while (got < sizeof seed) {
        ssize_t r = getrandom(seed + got, sizeof seed - got, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            tool_error(NULL, "no random seed for the new key pair: %s", strerror(errno));
            return -1;
        }
        got += (size_t)r;
    }
    yarrow256_init(&y, 0, NULL);
    yarrow256_seed(&y, sizeof seed, seed);
    memset(seed, 0, sizeof seed);
    rsa_public_key_init(&pub);
    rsa_private_key_init(&key);
    mpz_set_ui(pub.e, e);
    if (!rsa_generate_keypair(&pub, &key, &y, (nettle_random_func *)yarrow256_random, NULL, NULL,
                              bits, 0))
        tool_error(NULL, "the new %u-bit key pair could not be generated", bits);
    else if (der_encode(&pub, &key, der, len))
        tool_error(NULL, "out of memory");
    else
        rc = 0;
    rsa_public_key_clear(&pub);
    rsa_private_key_clear(&key);
    return rc;
}

/* ---- PEM ----------------------------------------------------------------------------------- */

char *rsakey_pem(const uint8_t *der, size_t len)
{
    size_t b64 = BASE64_ENCODE_RAW_LENGTH(len), lines = (b64 + 63) / 64, at, o;
    char *enc = malloc(b64 + 1), *out = malloc(sizeof PEM_BEGIN + sizeof PEM_END + b64 + lines + 2);
    if (!enc || !out) {
        free(enc);
        free(out);
        return NULL;
    }
    base64_encode_raw(enc, len, der);
    o = (size_t)sprintf(out, "%s\n", PEM_BEGIN);
    for (at = 0; at < b64; at += 64) {
        size_t n = b64 - at < 64 ? b64 - at : 64;
        memcpy(out + o, enc + at, n);
        o += n;
        out[o++] = '\n';
    }
    sprintf(out + o, "%s\n", PEM_END);
    free(enc);
    return out;
}

static const uint8_t *find(const uint8_t *h, size_t n, const char *needle)
{
    size_t k = strlen(needle), i;
    for (i = 0; i + k <= n; i++)
        if (memcmp(h + i, needle, k) == 0)
            return h + i;
    return NULL;
}

int rsakey_decode(const uint8_t *text, size_t n, uint8_t **der, size_t *len, const char **why)
{
    const uint8_t *b, *e;
    struct base64_decode_ctx ctx;
    size_t out;
    *der = NULL;
    if (n && text[0] == 0x30) { /* DER already */
        if (!(*der = malloc(n))) {
            *why = "out of memory";
            return -1;
        }
        memcpy(*der, text, n);
        *len = n;
        return 0;
    }
    if (!(b = find(text, n, PEM_BEGIN))) {
        *why = find(text, n, "-----BEGIN PRIVATE KEY-----")
                   ? "a PKCS#8 key; give the PKCS#1 form (openssl rsa -traditional)"
                   : "no \"" PEM_BEGIN "\" line and not DER";
        return -1;
    }
    b += strlen(PEM_BEGIN);
    if (!(e = find(b, n - (size_t)(b - text), PEM_END))) {
        *why = "no \"" PEM_END "\" line";
        return -1;
    }
    if (!(*der = malloc(BASE64_DECODE_LENGTH((size_t)(e - b)) + 1))) {
        *why = "out of memory";
        return -1;
    }
    /* Nettle's decoder skips white space; headers (Proc-Type: an encrypted key) are not
       base64 and fail */
    base64_decode_init(&ctx);
    out = BASE64_DECODE_LENGTH((size_t)(e - b)) + 1;
    if (!base64_decode_update(&ctx, &out, *der, (size_t)(e - b), (const char *)b) ||
        !base64_decode_final(&ctx) || out == 0) {
        free(*der);
        *der = NULL;
        *why = "the PEM body is not base64 (an encrypted key is not read)";
        return -1;
    }
    *len = out;
    return 0;
}

/* ---- files --------------------------------------------------------------------------------- */

int rsakey_read(const char *path, uint8_t **der, size_t *len)
{
    enum { MAX_KEY = 64 * 1024 };
    FILE *f = fopen(path, "rb");
    uint8_t *text;
    size_t n;
    const char *why = NULL;
    int rc = -1;
    if (!f) {
        tool_error(path, "%s", strerror(errno));
        return -1;
    }
    if (!(text = malloc(MAX_KEY + 1))) {
        fclose(f);
        tool_error(NULL, "out of memory");
        return -1;
    }
    n = fread(text, 1, MAX_KEY + 1, f);
    if (ferror(f))
        tool_error(path, "%s", strerror(errno));
    else if (n > MAX_KEY)
        tool_error(path, "not a key file: over %d bytes", MAX_KEY);
    else if (rsakey_decode(text, n, der, len, &why))
        tool_error(path, "not an RSA key pair: %s", why);
    else
        rc = 0;
    free(text);
    fclose(f);
    return rc;
}

int rsakey_write_pem(const char *path, const uint8_t *der, size_t len)
{
    char *pem = rsakey_pem(der, len);
    size_t n;
    int rc;
    if (!pem) {
        tool_error(NULL, "out of memory");
        return -1;
    }
    n = strlen(pem);
    /* written whole or not at all (a temporary file renamed to the name), mode 0600, and
       never over an existing file, not even with -f: a key that signed images already
       flashed cannot be made again */
    rc = tool_write_file(path, pem, n, TOOL_WRITE_PRIVATE);
    free(pem);
    return rc;
}
