/* ids.c — see ids.h. The generator is splitmix64: statistically sound and
 * reproducible from one 64-bit seed, which is all shuffling needs; ids that must
 * not be guessable from the store come from the keyed HMAC instead. */
#include "ids.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

int rng_init(rng *r, const uint64_t *seed, uint64_t *used)
{
    uint64_t s;
    if (seed)
        s = *seed;
    else if (getrandom(&s, sizeof s, 0) != (ssize_t)sizeof s)
        return -1;
    r->state = s;
    *used = s;
    return 0;
}

uint64_t rng_next(rng *r)
{
    uint64_t z = (r->state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

uint64_t rng_below(rng *r, uint64_t n)
{
    /* rejection keeps every outcome equally likely */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do
        x = rng_next(r);
    while (x >= limit);
    return x % n;
}

void rng_shuffle(rng *r, uint32_t *items, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)rng_below(r, i);
        uint32_t t = items[i - 1];
        items[i - 1] = items[j];
        items[j] = t;
    }
}

void keyed_id(const unsigned char *key, size_t key_len, const char *id, unsigned char out[8])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    HMAC(EVP_sha256(), key, (int)key_len, (const unsigned char *)id, strlen(id), md, &md_len);
    memcpy(out, md, 8);
}

int release_key(const unsigned char *key, size_t key_len, const char *profile, const char *release_id,
                unsigned char out[RELEASE_KEY_LEN])
{
    char info[256];
    snprintf(info, sizeof info, "hhreg anonymise household ids|%s|%s", profile, release_id);
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *kctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    OSSL_PARAM settings[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)key, key_len),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, strlen(info)),
        OSSL_PARAM_construct_end(),
    };
    int rc = kctx && EVP_KDF_derive(kctx, out, RELEASE_KEY_LEN, settings) == 1 ? 0 : -1;
    EVP_KDF_CTX_free(kctx);
    EVP_KDF_free(kdf);
    return rc;
}
