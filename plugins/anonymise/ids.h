/* ids.h — what makes a release unlinkable to the store: a seeded random generator
 * (record order, new household ids) and keyed ids (HMAC-SHA-256 of the household
 * id under a release key derived from the custodian's key, the profile and a
 * release id: the same across releases only when all three agree, so a public
 * and a licensed release cannot be joined on their ids). */
#ifndef ANONYMISE_IDS_H
#define ANONYMISE_IDS_H

#include <stddef.h>
#include <stdint.h>

typedef struct rng {
    uint64_t state;
} rng;

/* Seeds from `seed`, or from the system's random source when `seed` is NULL;
 * 0, or -1 when no random source is available. The seed used is stored in *used. */
int rng_init(rng *r, const uint64_t *seed, uint64_t *used);
uint64_t rng_next(rng *r);
/* A uniform number in [0, n). */
uint64_t rng_below(rng *r, uint64_t n);
/* Shuffles n indices in place (Fisher-Yates). */
void rng_shuffle(rng *r, uint32_t *items, size_t n);

/* The first 8 bytes of HMAC-SHA-256(key, id). */
void keyed_id(const unsigned char *key, size_t key_len, const char *id, unsigned char out[8]);

enum { RELEASE_KEY_LEN = 32 };
/* HKDF-SHA-256 (RFC 5869, no salt) of `key` with the info "hhreg anonymise
 * household ids|PROFILE|RELEASE_ID"; 0, or -1 when the library cannot. */
int release_key(const unsigned char *key, size_t key_len, const char *profile, const char *release_id,
                unsigned char out[RELEASE_KEY_LEN]);

#endif
