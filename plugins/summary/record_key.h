/* record_key.h — the record keys of the cell-key method (perturb.h): each
 * household and each person gets a fixed pseudo-random 64-bit key, the first
 * eight bytes of HMAC-SHA-256 of its identity ("household|ID", "person|ID|LINE")
 * under the office's secret key file. The same unit has the same key in every
 * release made with that file, so the same cell gets the same noise, and nobody
 * without the file can compute a key and take the noise off. */
#ifndef SUMMARY_RECORD_KEY_H
#define SUMMARY_RECORD_KEY_H

#include <stddef.h>
#include <stdint.h>

typedef struct record_keys {
    unsigned char secret[64];
    size_t len;
} record_keys;

/* 0, or -1 with `why` (naming the file, never its content). The file holds 16 to
 * 64 bytes. */
int record_keys_read(record_keys *k, const char *path, char *why, size_t why_len);
uint64_t record_key_household(const record_keys *k, const char *household_id);
uint64_t record_key_person(const record_keys *k, const char *household_id, int line);

#endif
