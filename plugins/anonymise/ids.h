/* ids.h — what makes a release unlinkable to the store: a seeded random generator
 * (record order, new household ids) and keyed ids (HMAC-SHA-256 of the household
 * id under a custodian's key, the same across releases made with that key). */
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

#endif
