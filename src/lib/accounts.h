/* accounts.h — who may use a store through `hhreg serve`: accounts with a role and
 * the grids they work in, their passwords (argon2id hashes from libsodium, never
 * the password), and the random tokens of their sessions. The rows live in the
 * store (store_accounts.c); this file holds what is decided without it: names,
 * roles, grid codes, hashing and tokens.
 *
 * A grid code is a community code and a grid number, "510105016003-03", the first
 * part of the ids of the grid's households; a community code alone
 * ("510105016003") stands for all of its grids (a supervisor's); a building code is
 * a grid code, '/' and a building as the forms' address gives it
 * ("510105016003-03/543"): the households of that building of the grid (an
 * enumerator's who shares a grid with others). */
#ifndef HH_ACCOUNTS_H
#define HH_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* The roles, each with what it may see (the server decides every request by it). */
#define HH_ROLES(X)                                                              \
    X(ENUMERATOR, "enumerator", "the households of their grids: read, enter, visit") \
    X(SUPERVISOR, "supervisor", "their community's grids: as an enumerator, plus review and assignments") \
    X(STATISTICIAN, "statistician", "only the outputs of allowed summary and anonymise runs") \
    X(ADMIN, "admin", "accounts, assignments and exports; no form editing")

typedef enum {
#define HH_ROLE_ENUM(id, name, what) HH_ROLE_##id,
    HH_ROLES(HH_ROLE_ENUM)
#undef HH_ROLE_ENUM
    HH_ROLE_COUNT
} hh_role;

/* The role's name ("enumerator"), and the role of a name (-1 when none). */
const char *hh_role_name(hh_role role);
const char *hh_role_description(hh_role role);
int hh_role_parse(const char *name);

/* An account name: 1 to 32 characters of a-z, 0-9, '.', '_' and '-', starting with a
 * letter (it appears in the audit log and in file names of drafts, so nothing else). */
bool hh_account_name_valid(const char *name);
/* A grid code ("510105016003-03"), a community code ("510105016003") or a building
 * code ("510105016003-03/543": a building of 1 to 100 bytes of UTF-8 without
 * control characters or spaces at either end, as the schema's PlaceName). */
bool hh_grid_code_valid(const char *code);
/* Whether `code` is a building code. */
bool hh_building_code(const char *code);
/* The length of the area a code's households are found under, by id: the grid
 * code of a building code, else the whole code. */
size_t hh_grid_code_area_len(const char *code);
/* Why an account of `role` may not be given `code` (a valid code), in plain words;
 * NULL when it may: an enumerator works in grids or buildings, a supervisor in grids
 * or whole communities, a statistician or admin in none. */
const char *hh_role_grid_refusal(hh_role role, const char *code);
/* Whether codes `a` and `b` overlap: the same, or one a community or grid the
 * other lies in. */
bool hh_grid_codes_overlap(const char *a, const char *b);
/* Whether household `id` (or a grid or building code) lies in grid or community
 * `code`; never for a building code, which needs the household's building. */
bool hh_grid_holds(const char *code, const char *household_id);
/* Whether household `id` in building `building` (NULL: not known) is one of `code`'s:
 * in its grid or community, or, for a building code, in its grid and that building. */
bool hh_assignment_holds(const char *code, const char *household_id, const char *building);

/* Passwords: at least HH_PASSWORD_MIN characters (bytes of UTF-8), at most
 * HH_PASSWORD_MAX. */
#define HH_PASSWORD_MIN 10
#define HH_PASSWORD_MAX 1024
/* NULL when `password` may be used, else why not (plain words, never the password). */
const char *hh_password_weakness(const char *password);
/* The argon2id hash of `password` (libsodium's crypto_pwhash_str, interactive limits),
 * malloc'd; NULL with `err` when it cannot be made (no memory for the hash). */
char *hh_password_hash(const char *password, hh_buf *err);
/* Whether `password` matches `hash` (constant time in the password). */
bool hh_password_verify(const char *hash, const char *password);
/* Takes the time one verification takes, for a name with no account (so an unknown
 * name and a wrong password cannot be told apart by the time they take). */
void hh_password_verify_nobody(const char *password);

/* A new random token of 256 bits as 64 hex digits, and the SHA-256 (hex) under which
 * the store keeps it: the token itself is never stored. */
#define HH_TOKEN_HEX 65
void hh_token_new(char token[HH_TOKEN_HEX]);
void hh_token_hash(const char *token, char hash[HH_TOKEN_HEX]);
/* Constant-time equality of two strings of the same length (false when lengths differ). */
bool hh_token_equal(const char *a, const char *b);

#endif
