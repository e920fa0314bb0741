/* record_key.c — see record_key.h. */
#include "record_key.h"

#include <errno.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>

int record_keys_read(record_keys *k, const char *path, char *why, size_t why_len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, why_len, "key-file %s: %s", path, strerror(errno));
        return -1;
    }
    k->len = fread(k->secret, 1, sizeof k->secret, f);
    int longer = fgetc(f) != EOF;
    fclose(f);
    if (k->len < 16 || longer) {
        snprintf(why, why_len, "key-file %s: a key is 16 to %zu bytes (this one is %s)", path, sizeof k->secret,
                 longer ? "longer" : "shorter");
        return -1;
    }
    return 0;
}

static uint64_t keyed(const record_keys *k, const char *identity)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned md_len = 0;
    HMAC(EVP_sha256(), k->secret, (int)k->len, (const unsigned char *)identity, strlen(identity), md, &md_len);
    uint64_t key = 0;
    for (int i = 0; i < 8; i++)
        key = key << 8 | md[i];
    return key;
}

uint64_t record_key_household(const record_keys *k, const char *household_id)
{
    char identity[256];
    snprintf(identity, sizeof identity, "household|%s", household_id);
    return keyed(k, identity);
}

uint64_t record_key_person(const record_keys *k, const char *household_id, int line)
{
    char identity[256];
    snprintf(identity, sizeof identity, "person|%s|%d", household_id, line);
    return keyed(k, identity);
}
