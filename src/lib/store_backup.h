/* store_backup.h — a consistent, checked copy of a live store in a new file. */
#ifndef HH_STORE_BACKUP_H
#define HH_STORE_BACKUP_H

#include "schemaset.h"
#include "store.h"

/* Writes a copy of the store to `target`, which must not exist. VACUUM INTO reads one
 * snapshot, so an import may run meanwhile. The copy is written 0600 under a
 * temporary name beside `target`, then checked — an hhreg store of the same schema
 * version, SQLite's integrity and foreign-key checks, and hhreg's own check
 * (hh_store_check: digests, audit chain, rows, every current form re-validated
 * against `set`) — synced, and only then put in place: nothing half-written or
 * unchecked is ever left under `target`, and nothing is replaced (renamed with
 * RENAME_NOREPLACE, or linked where the file system lacks it). A copy that fails
 * SQLite's checks is not put in place; one whose store has problems by hhreg's
 * check is (a faithful copy of a store with problems), the findings in `problems`.
 * 0 when the copy is in place (`err` then holds a note when its directory could not
 * be synced), or -1 with `err`; a path through a symbolic link is refused by name. */
int hh_store_backup(hh_store *s, const char *target, const hh_schemaset *set, hh_diags *problems, hh_buf *err);

#endif
