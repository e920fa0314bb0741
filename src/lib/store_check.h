/* store_check.h — `hhreg check`: is the store sound? SQLite's integrity and foreign-key
 * checks; tamper evidence (the file's mode, the append-only triggers, the audit chain,
 * every revision's digest and rows against its stored form, read as `show` reads it);
 * every current revision re-validated against the installed schemas and rules; and
 * counts of what the store holds. */
#ifndef HH_STORE_CHECK_H
#define HH_STORE_CHECK_H

#include "diag.h"
#include "schemaset.h"
#include "store.h"

typedef struct hh_check_report {
    long households, deleted, revisions, persons, visits, warnings, audit_entries;
    long integrity_problems, invalid_forms;
    long damaged_revisions;    /* revisions whose form or rows cannot be read */
    long alterations;          /* findings of what was changed outside hhreg (damage included) */
    long mode_problems;        /* the store file readable or writable by others */
} hh_check_report;

/* Problems go to `d`; returns 0 when the check ran (look at the report), -1 with
 * `err` when it could not run. */
int hh_store_check(hh_store *s, const hh_schemaset *set, hh_diags *d, hh_check_report *r, hh_buf *err);

#endif
