/* store_accounts.h — the accounts and sessions of `hhreg serve` as the store keeps
 * them (accounts.h says what an account is). Every change to an account is written
 * to the audit log in the same transaction: who did it, to which account, never a
 * password or a token.
 *
 * Errors: 0 on success, 1 when the account named does not exist (or, for add,
 * already exists), -1 with a plain message in `err`. */
#ifndef HH_STORE_ACCOUNTS_H
#define HH_STORE_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>

#include "accounts.h"
#include "store.h"

typedef struct hh_account {
    char *name;
    hh_role role;
    char *password_hash;
    char *created_at;
    bool disabled;
    char **grids;               /* grid or community codes */
    size_t n_grids;
    long long locked_until;     /* Unix seconds; 0: not locked */
} hh_account;

void hh_account_clear(hh_account *a);
/* The area (a grid or community code, into `area`) to walk for code `i` of the
 * account's grids, or NULL when another code's walk covers it (a grid of a community
 * it also holds, a building of a grid it holds, or the same area again: a building's
 * grid is walked once for all its buildings). Each household met is then asked
 * about by the access rule, which knows its building. Accounts given both before
 * overlapping codes were refused (hh_grid_codes_overlap) may still hold them. */
const char *hh_account_area(const hh_account *a, size_t i, char area[static 16]);
/* Whether any of the account's codes is a building code: its access to a household
 * then depends on the household's building, not only its id. */
bool hh_account_has_buildings(const hh_account *a);

/* Adds an account with its grids (a supervisor's may be communities). 1 when the
 * name is taken (also by a disabled account: a name is never given twice). */
int hh_store_account_add(hh_store *s, const char *name, hh_role role, const char *password_hash,
                         const char *const *grids, size_t n_grids, const char *actor, hh_buf *err);
/* The account `name` into *a (hh_account_clear it). 1 when there is none. */
int hh_store_account_get(hh_store *s, const char *name, hh_account *a, hh_buf *err);
/* Sets a new password hash and ends the account's sessions; clears a lock-out. */
int hh_store_account_set_password(hh_store *s, const char *name, const char *password_hash, const char *actor,
                                  hh_buf *err);
/* Disables the account and ends its sessions (its rows stay, for the audit log). */
int hh_store_account_disable(hh_store *s, const char *name, const char *actor, hh_buf *err);
/* Gives account `name` grid (or community) `code` (`assign`), or takes it away;
 * audited with the account and the code. Its sessions stay: the next request
 * already sees the change. 1 when there is no such account. */
int hh_store_account_assign(hh_store *s, const char *name, const char *code, bool assign, const char *actor,
                            hh_buf *err);
/* Calls `fn` for every account, by name. */
int hh_store_account_list(hh_store *s, void (*fn)(const hh_account *a, void *arg), void *arg, hh_buf *err);

/* --- logins and sessions (times in Unix seconds) -------------------------------- */

typedef struct hh_login_policy {
    int max_failures;           /* failed logins within `window` that lock the account */
    int window;                 /* seconds */
    int lock;                   /* seconds the account stays locked */
} hh_login_policy;

/* Counts a failed login of account `name` (none: nothing to count) at `now`, locking
 * it by `policy` when the failures reach the limit; audited ("login refused", or
 * "account locked"), never with the password typed. */
int hh_store_login_failed(hh_store *s, const char *name, long long now, const hh_login_policy *policy,
                          const char *from, hh_buf *err);
/* A session of `name` kept under `token_hash` (the token is never stored), with its
 * CSRF token; the account's failed logins are forgotten; audited ("login"). */
int hh_store_session_start(hh_store *s, const char *name, const char *token_hash, const char *csrf, long long now,
                           const char *from, hh_buf *err);
/* The account of the session kept under `token_hash` into *a, and its CSRF token:
 * 0, or 1 when there is no such session, it has been idle longer than `idle` or
 * lasted longer than `absolute` seconds, or its account is disabled. It only reads
 * (a server reads sessions on a read-only connection of their own, which its
 * writer's commits do not hold up), and sets *upkeep when a write is due: the
 * session's last use, written when the one kept is a thirtieth of `idle` old (a
 * session may end up to that much early), or an expired session to be ended.
 * hh_store_session_upkeep makes that write, on a writable store. */
int hh_store_session_find(hh_store *s, const char *token_hash, long long now, int idle, int absolute, hh_account *a,
                          char csrf[HH_TOKEN_HEX], bool *upkeep, hh_buf *err);
int hh_store_session_upkeep(hh_store *s, const char *token_hash, long long now, int idle, int absolute, hh_buf *err);
/* Ends the session kept under `token_hash`; audited ("logout") as `actor`. */
int hh_store_session_end(hh_store *s, const char *token_hash, const char *actor, hh_buf *err);

#endif
