/* SPDX-License-Identifier: MIT */
/*
 * Every ME7 edit of a stock dump is corrected, re-signed where the dump is signed, and the
 * result verifies with libecu and with ME7Sum's own rules, over the real dumps of
 * ../shared/corpus (or $ECU_CORPUS); skipped when the folder is absent.
 *
 * For each vag_me7 dump that MANIFEST.tsv expects "ok": one byte of the main data (0x10000-
 * 0x1FFFF, in the signed ranges when there are some, outside every checksum slot, the
 * signature and the modulus) is changed, as a map edit does. Unsigned dumps must then be
 * corrected by ecu_csum_fix alone. Signed dumps must be refused without a key, with the
 * signature the only block left bad, and corrected with the key of
 * fixtures/csum/me7-vag-rsa-key2.der; only checksum slots, the signature and the modulus may
 * change, and the result must verify with a fresh handle.
 *
 * When $ECU_ME7SUM names an ME7Sum executable (nyetwurk/ME7Sum, built by the user: it is not a
 * Debian package), every corrected image is also given to it, and its last line must say
 * "DONE! 0 error(s)"; otherwise only its rules are run: its RSA check is written again below
 * from nyetwurk/ME7Sum
 * me7sum.c (FindRSAOffsets, FindData, FindMD5Ranges, DoRSA, rsa_block_unpad), independently
 * of lib/families/bosch_me7_vag.c: the signature and modulus addresses from the code pattern
 * that matches twice, the exponent (BE32, must be 3) from the one that matches once, the MD5
 * ranges (inclusive ends) from the range-table code; sig^e mod n (GMP) unpadded the way
 * ME7Sum does (00 01, non-zero bytes, at least 11 bytes before the 00, the 16 bytes after it)
 * and compared with the MD5 (Nettle) of the ranges.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <gmp.h>
#include <nettle/md5.h>

#include <ecu/ecu.h>

#include "corpus_util.h"

#define BASE 0x800000u
#define RSA_BYTES 128u
#define MAX_MD5 4

/*
 * Runs the ME7Sum executable @p me7sum on @p d (written to a temporary file) in its verify-only
 * form (`me7sum FILE`) and returns 1 when its output says "DONE! 0 error(s)", else 0 (its
 * output is printed).
 */
static int me7sum_run(const char *me7sum, const uint8_t *d, size_t n, const char *name)
{
    char tmp[] = "/tmp/ecu-resign-XXXXXX", cmd[4200], out[65536];
    size_t got = 0, r;
    FILE *f, *p;
    int fd = mkstemp(tmp), ok;
    assert_true(fd >= 0);
    assert_non_null(f = fdopen(fd, "wb"));
    assert_int_equal(fwrite(d, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
    assert_null(strchr(me7sum, '\''));
    snprintf(cmd, sizeof cmd, "'%s' '%s' 2>&1", me7sum, tmp);
    assert_non_null(p = popen(cmd, "r"));
    while ((r = fread(out + got, 1, sizeof out - 1 - got, p)) > 0)
        got += r;
    out[got] = '\0';
    pclose(p);
    unlink(tmp);
    ok = strstr(out, "DONE! 0 error(s)") != NULL;
    if (!ok)
        print_message("%s: ME7Sum does not accept the corrected image:\n%s\n", name, out);
    return ok;
}

/* ---- ME7Sum's rules (nyetwurk/ME7Sum me7sum.c) ---------------------------------------------- */

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

/* FindData: every even offset where the masked needle matches; the address from the words at
   word offsets @p wl and @p wh (high << 16 | low, or high << 14 when the high word is a segment
   number, any of bits 0xFE00 set); those inside the flash counted, up to @p max kept */
static int find_data(const uint8_t *d, size_t len, const uint8_t *n, const uint8_t *m, size_t nl,
                     unsigned wl, unsigned wh, uint32_t *out, int max)
{
    size_t i, k;
    int found = 0;
    for (i = 0; i + nl < len; i += 2) {
        uint16_t lo, hi;
        uint32_t addr;
        for (k = 0; k < nl && (d[i + k] & m[k]) == (n[k] & m[k]); k++)
            ;
        if (k < nl)
            continue;
        lo = le16(d + i + 2 * wl);
        hi = le16(d + i + 2 * wh);
        addr = hi & 0xFE00 ? (uint32_t)hi << 14 | lo : (uint32_t)hi << 16 | lo;
        if (addr > BASE && addr - BASE < len) {
            if (found < max)
                out[found] = addr - BASE;
            found++;
        }
    }
    return found;
}

struct me7sum_rsa {
    uint32_t s, n, e;
    uint32_t start[MAX_MD5], end[MAX_MD5]; /* file offsets, inclusive ends */
    int count;
};

/* FindRSAOffsets and FindMD5Ranges; 0 when the dump has no signature ME7Sum would check */
static int me7sum_find(const uint8_t *d, size_t len, struct me7sum_rsa *r)
{
    static const uint8_t n0[] = {0x80, 0x00, 0x88, 0x40, 0xE6, 0xF4, 0, 0, 0xE6, 0xF5, 0x80, 0x00, 0x88, 0x50};
    static const uint8_t n1[] = {0xE0, 0x44, 0x88, 0x40, 0xE6, 0xF4, 0, 0, 0xE6, 0xF5, 0x80, 0x00, 0x88, 0x50};
    static const uint8_t m01[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0xFF, 0xFF, 0xF0, 0xFF, 0xFF, 0xFF};
    static const uint8_t mn[] = {0xE1, 0x08, 0xF7, 0xF8, 0x00, 0xF0, 0xF2, 0xF4, 0, 0, 0xF2, 0xF5, 0, 0, 0xF6, 0xF4};
    static const uint8_t mm[] = {0xFF, 0xCF, 0, 0, 0, 0xF0, 0xFF, 0xFF, 0, 0, 0xFF, 0xFF, 0, 0, 0, 0xFF};
    uint32_t sn[2], e;
    size_t i, k, at = 0;
    int found = 0, j;
    uint32_t table;
    if (find_data(d, len, n0, m01, sizeof n0, 3, 5, sn, 2) != 2 ||
        find_data(d, len, n1, m01, sizeof n1, 3, 5, &e, 1) != 1)
        return 0;
    if (sn[0] + RSA_BYTES >= len || sn[1] + RSA_BYTES >= len || e + 4 + RSA_BYTES >= len)
        return 0;
    if (d[e] || d[e + 1] || d[e + 2] || d[e + 3] != 3) /* ntohl(exponent) == 3 */
        return 0;
    r->s = sn[0];
    r->n = sn[1];
    r->e = e;
    for (i = 0; i + sizeof mn + 2 < len; i += 2) {
        for (k = 0; k < sizeof mn && (d[i + k] & mm[k]) == (mn[k] & mm[k]); k++)
            ;
        if (k == sizeof mn) {
            found++;
            at = i;
        }
    }
    if (found != 1)
        return 0;
    r->count = ((d[at + 1] & 0xF0) >> 4) + 1;
    table = le16(d + at + 8) | 0x10000u;
    if (r->count > MAX_MD5)
        return 0;
    for (j = 0; j < r->count; j++) {
        uint32_t s = le32(d + table + 4 * j), en = le32(d + table + 4 * (j + 4));
        r->start[j] = s >= BASE ? s - BASE : s; /* NormalizeRange: CPU address to offset */
        r->end[j] = en >= BASE ? en - BASE : en;
    }
    return 1;
}

/* DoRSA: whether the signature verifies */
static int me7sum_verify(const uint8_t *d, const struct me7sum_rsa *r)
{
    uint8_t blk[RSA_BYTES] = {0}, md[MD5_DIGEST_SIZE];
    struct md5_ctx h;
    mpz_t n, s;
    size_t sz, i;
    int j;
    mpz_init(n);
    mpz_init(s);
    mpz_import(n, RSA_BYTES, 1, 1, 0, 0, d + r->n);
    mpz_import(s, RSA_BYTES, 1, 1, 0, 0, d + r->s);
    mpz_powm_ui(s, s, 3, n); /* block_encrypt with the exponent found (3) */
    sz = (mpz_sizeinbase(s, 2) + 7) / 8;
    if (sz <= RSA_BYTES && mpz_sgn(s))
        mpz_export(blk + RSA_BYTES - sz, NULL, 1, 1, 0, 0, s);
    mpz_clear(n);
    mpz_clear(s);
    md5_init(&h);
    for (j = 0; j < r->count; j++)
        if (r->end[j] >= r->start[j])
            md5_update(&h, r->end[j] - r->start[j] + 1, d + r->start[j]);
    md5_digest(&h, sizeof md, md);
    /* rsa_block_unpad */
    if (blk[0] != 0x00 || blk[1] != 0x01)
        return 0;
    for (i = 2; blk[i] && i < RSA_BYTES - MD5_DIGEST_SIZE; i++)
        ;
    if (i + 1 < 11 || blk[i] != 0)
        return 0;
    return memcmp(blk + i + 1, md, MD5_DIGEST_SIZE) == 0;
}

/* ---- the test -------------------------------------------------------------------------------- */

/* Whether offset @p k lies in a slot of the analysis, the signature or the modulus. */
static int protected_byte(const ecu_csum *cs, const struct me7sum_rsa *r, int sig, size_t k)
{
    size_t i;
    for (i = 0; i < ecu_csum_block_count(cs); i++) {
        const ecu_block *b = ecu_csum_block_at(cs, i);
        if (k >= b->store_offset && k < b->store_offset + b->store_bytes)
            return 1;
    }
    return sig && ((k >= r->s && k < r->s + RSA_BYTES) || (k >= r->n && k < r->n + RSA_BYTES));
}

static uint8_t *read_key(size_t *n)
{
    char path[1024];
    uint8_t *d = malloc(4096);
    FILE *f;
    snprintf(path, sizeof path, "%s/csum/me7-vag-rsa-key2.der", ECU_FIXTURES_DIR);
    assert_non_null(d);
    if (!(f = fopen(path, "rb")))
        fail_msg("%s: cannot open", path);
    *n = fread(d, 1, 4096, f);
    fclose(f);
    return d;
}

static void test_corpus_resign(void **state)
{
    char corpus[1024], line[8192], path[2200];
    FILE *mf;
    size_t keylen, nsigned = 0, nplain = 0, failed = 0, nme7sum = 0;
    const char *me7sum = getenv("ECU_ME7SUM");
    uint8_t *key = read_key(&keylen);
    ecu_image *img = ecu_image_new();
    ecu_csum *cs = ecu_csum_new(), *check = ecu_csum_new();
    (void)state;
    assert_non_null(img);
    assert_non_null(cs);
    assert_non_null(check);
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", corpus_path(corpus, sizeof corpus));
    if (!(mf = fopen(path, "r"))) {
        print_message("corpus not found at %s: skipped\n", corpus);
        free(key);
        ecu_image_free(img);
        ecu_csum_free(cs);
        ecu_csum_free(check);
        skip();
    }
    while (fgets(line, sizeof line, mf)) {
        char *col[8] = {0}, *p = line;
        size_t k, n, i, size, at;
        struct me7sum_rsa r;
        const uint8_t *out;
        uint8_t *d;
        int sig, ok = 1;
        for (k = 0; k < 8 && p; k++) {
            col[k] = p;
            if ((p = strchr(p, '\t')))
                *p++ = '\0';
        }
        if (!col[6] || strcmp(col[4], "vag_me7") != 0 || strcmp(col[6], "ok") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", corpus, col[0]);
        if (ecu_image_load_file(img, path) != ECU_OK)
            fail_msg("%s: %s", col[0], ecu_image_error_detail(img));
        n = ecu_image_size(img);
        d = malloc(n);
        assert_non_null(d);
        memcpy(d, ecu_image_data(img), n);
        memset(&r, 0, sizeof r);
        sig = me7sum_find(d, n, &r);
        if (sig && !me7sum_verify(d, &r)) {
            print_message("%s: the stock signature does not verify with ME7Sum's rules\n", col[0]);
            failed++;
            free(d);
            continue;
        }
        assert_int_equal(ecu_csum_set_resign_key(cs, NULL, 0), ECU_OK);
        assert_int_equal(ecu_csum_analyze(cs, d, n), ECU_OK);
        assert_int_equal(ecu_csum_verdict(cs), ECU_VERDICT_OK);
        /* the edit: the first free byte of the main data from 0x14800 (in the second signed
           range of a signed dump) */
        for (at = 0x14800; at < 0x20000 && protected_byte(cs, &r, sig, at); at++)
            ;
        if (sig && !(at >= r.start[1] && at <= r.end[1]))
            fail_msg("%s: edit at 0x%zX is not signed", col[0], at);
        d[at] ^= 0x5A;
        if (sig && me7sum_verify(d, &r)) /* the rules see the edit too */
            fail_msg("%s: the edited dump's signature verifies with ME7Sum's rules", col[0]);
        assert_int_equal(ecu_csum_analyze(cs, d, n), ECU_OK);
        if (ecu_csum_verdict(cs) != ECU_VERDICT_BAD)
            fail_msg("%s: the edit at 0x%zX is not seen", col[0], at);
        if (sig) {
            size_t left = 0, sigleft = 0;
            assert_int_equal(ecu_csum_fix(cs), ECU_ERR_UNFIXABLE);
            for (i = 0; i < ecu_csum_block_count(cs); i++) {
                left += ecu_csum_block_unfixable(cs, i) != 0;
                sigleft += ecu_csum_block_unfixable(cs, i) &&
                           ecu_csum_block_at(cs, i)->status == ECU_BLOCK_SIGNATURE_BAD &&
                           ecu_csum_block_resignable(cs, i);
            }
            if (left != 1 || sigleft != 1) {
                print_message("%s: without a key, %zu blocks left bad (%zu signatures)\n", col[0],
                              left, sigleft);
                ok = 0;
            }
            assert_int_equal(ecu_csum_set_resign_key(cs, key, keylen), ECU_OK);
        }
        if (ecu_csum_fix(cs) != ECU_OK) {
            print_message("%s: not corrected%s\n", col[0], sig ? " with the key" : "");
            failed++;
            free(d);
            continue;
        }
        out = ecu_csum_image(cs, &size);
        assert_int_equal(size, n);
        for (k = 0; k < n; k++)
            if (out[k] != d[k] && !protected_byte(cs, &r, sig, k)) {
                print_message("%s: byte 0x%zX changed outside the slots%s\n", col[0], k,
                              sig ? ", the signature and the modulus" : "");
                ok = 0;
                break;
            }
        assert_int_equal(ecu_csum_analyze(check, out, n), ECU_OK);
        if (ecu_csum_verdict(check) != ECU_VERDICT_OK) {
            print_message("%s: the corrected image is %s\n", col[0],
                          ecu_verdict_name(ecu_csum_verdict(check)));
            ok = 0;
        }
        if (me7sum && *me7sum) {
            ok &= me7sum_run(me7sum, out, n, col[0]);
            nme7sum++;
        }
        if (sig) {
            struct me7sum_rsa r2;
            memset(&r2, 0, sizeof r2);
            if (!me7sum_find(out, n, &r2) || r2.s != r.s || r2.n != r.n || !me7sum_verify(out, &r2) ||
                memcmp(out + r.n, d + r.n, RSA_BYTES) == 0) {
                print_message("%s: the re-signed image does not verify with ME7Sum's rules\n", col[0]);
                ok = 0;
            }
            nsigned++;
        } else {
            nplain++;
        }
        failed += !ok;
        free(d);
    }
    fclose(mf);
    print_message("vag_me7 stock dumps edited in the main data and corrected: %zu signed "
                  "(re-signed, verified with ME7Sum's rules), %zu unsigned; %zu failed; %zu "
                  "given to ME7Sum (%s)\n", nsigned, nplain, failed, nme7sum,
                  me7sum && *me7sum ? me7sum : "ECU_ME7SUM not set");
    free(key);
    ecu_image_free(img);
    ecu_csum_free(cs);
    ecu_csum_free(check);
    if (failed)
        fail_msg("%zu dumps failed (listed above)", failed);
    assert_true(nsigned > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus_resign),
    };
    return cmocka_run_group_tests_name("corpus_resign", tests, NULL, NULL);
}
