/* store_find.c — finding a household from what a grid worker knows of it: its id,
 * its building-unit-room ("543-1-101"), the last digits of its id, a phone number
 * or part of a name (see hh_store_find in store.h). One query, so `find`, `show`,
 * `history`, `edit` and `visit` all resolve a reference the same way; and whether
 * an --area names any household (hh_store_area_known), and the names of a
 * community's district, street and community (hh_store_area_names). */
#include "store_internal.h"

#include <stdlib.h>
#include <string.h>

/* The kinds of reference, tried in this order: the first kind that matches any
 * household is the answer (an exact id hides a room that reads the same, and so
 * on). ?1 the text as typed; ?2 the text when all digits (the id's last digits);
 * ?3 its digits when it reads as a phone number (digits, spaces, dashes, a plus;
 * 4 digits or more). Only the exact id finds a deleted household. */
static const char find_sql[] =
    "WITH cur AS (SELECT h.id, h.deleted_at IS NOT NULL AS deleted, r.revision, r.estate, r.building, r.unit,"
    "  r.room, r.phone FROM household h JOIN revision r ON r.household_id = h.id AND r.revision = h.current_revision),"
    " m AS ("
    "  SELECT id, 0 AS kind FROM cur WHERE id = ?1"
    "  UNION ALL SELECT id, 1 FROM cur WHERE NOT deleted AND building || '-' || unit || '-' || room = ?1"
    "  UNION ALL SELECT id, 2 FROM cur WHERE NOT deleted AND ?2 IS NOT NULL AND substr(id, -length(?2)) = ?2"
    "  UNION ALL SELECT id, 3 FROM cur WHERE NOT deleted AND ?3 IS NOT NULL"
    "   AND (instr(replace(replace(replace(phone, '-', ''), ' ', ''), '+', ''), ?3)"
    "    OR EXISTS (SELECT 1 FROM person p WHERE p.household_id = cur.id AND p.revision = cur.revision"
    "     AND instr(replace(replace(replace(p.phone, '-', ''), ' ', ''), '+', ''), ?3)))"
    "  UNION ALL SELECT id, 4 FROM cur WHERE NOT deleted AND EXISTS (SELECT 1 FROM person p"
    "   WHERE p.household_id = cur.id AND p.revision = cur.revision AND instr(lower(p.name), lower(?1))))"
    " SELECT DISTINCT cur.id, cur.estate, cur.building, cur.unit, cur.room, m.kind, cur.deleted,"
    "  (SELECT p.name FROM person p WHERE p.household_id = cur.id AND p.revision = cur.revision"
    "   ORDER BY p.relationship <> 'head', p.line LIMIT 1)"
    " FROM m JOIN cur ON cur.id = m.id WHERE m.kind = (SELECT min(kind) FROM m) ORDER BY cur.id";

/* `text` when it is all digits (at least one), else NULL. */
static const char *all_digits(const char *text)
{
    if (!*text)
        return NULL;
    for (const char *p = text; *p; p++)
        if (*p < '0' || *p > '9')
            return NULL;
    return text;
}

/* The digits of `text` in `out` when it reads as a phone number, else false. */
static bool phone_digits(const char *text, char *out, size_t size)
{
    size_t n = 0;
    for (const char *p = text; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            if (n + 1 >= size)
                return false;
            out[n++] = *p;
        } else if (*p != ' ' && *p != '-' && *p != '+') {
            return false;
        }
    }
    out[n] = '\0';
    return n >= 4;
}

/* Two or three groups of digits with blanks between them ("543 1 102", as a room is
 * read out at the door) joined by hyphens, as a building-unit-room is written. */
static void digit_groups_joined(char *text)
{
    int groups = 0;
    for (const char *p = text; *p; p++) {
        if (*p != ' ' && *p != '\t' && (*p < '0' || *p > '9'))
            return;
        groups += *p >= '0' && *p <= '9' && (p == text || p[-1] == ' ' || p[-1] == '\t');
    }
    if (groups < 2 || groups > 3)
        return;
    char *o = text;
    for (const char *p = text; *p; p++)
        if (*p >= '0' && *p <= '9')
            *o++ = *p;
        else if (o[-1] != '-')
            *o++ = '-';
    *o = '\0';
}

/* `text` as a reference is meant (malloc'd): without the blanks around it (ASCII or
 * the ideographic space a Chinese input method types), with the full-width digits,
 * letters, hyphen and plus of such an input method as their ASCII selves (util.h:
 * hh_ascii_forms; "５４３－１－１０２" is 543-1-102), and digit groups apart as a
 * building-unit-room. */
static char *as_meant(const char *text)
{
    char *out = hh_xstrdup(text), *o = out + hh_ascii_forms(out, "-+");
    size_t blanks = strspn(out, " \t");
    memmove(out, out + blanks, (size_t)(o - out) - blanks + 1);
    o -= blanks;
    while (o > out && (o[-1] == ' ' || o[-1] == '\t'))
        o--;
    *o = '\0';
    digit_groups_joined(out);
    return out;
}

long hh_store_find(hh_store *s, const char *typed, void (*fn)(const hh_household_match *m, void *arg), void *arg,
                   hh_buf *err)
{
    sqlite3_stmt *st;
    if (!typed)
        return 0;
    char *text = as_meant(typed);
    if (!*text) {
        free(text);
        return 0;
    }
    if (sqlite3_prepare_v2(s->db, find_sql, -1, &st, NULL) != SQLITE_OK) {
        hh_buf_printf(err, "%s: %s", s->path, hh_store_errmsg(s));
        free(text);
        return -1;
    }
    char phone[64];
    hh_store_bind_text(st, 1, text);
    hh_store_bind_text(st, 2, all_digits(text));
    hh_store_bind_text(st, 3, phone_digits(text, phone, sizeof phone) ? phone : NULL);
    long found = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *c[8];
        for (int i = 0; i < 8; i++)
            c[i] = (const char *)sqlite3_column_text(st, i);
        hh_household_match m = { c[0], c[1], c[2], c[3], c[4], c[7], (hh_match_kind)sqlite3_column_int(st, 5),
                                 sqlite3_column_int(st, 6) != 0 };
        fn(&m, arg);
        found++;
    }
    sqlite3_finalize(st);
    free(text);
    if (rc != SQLITE_DONE) {
        hh_buf_printf(err, "%s: %s", s->path, sqlite3_errstr(rc));
        return -1;
    }
    return found;
}

int hh_store_area_known(hh_store *s, const char *area, hh_buf *err)
{
    /* ids are digits and dashes, all below '~': a range of the primary key, not a scan */
    sqlite3_stmt *st = hh_store_prepare(s,
                                        "SELECT EXISTS (SELECT 1 FROM household WHERE id >= ?1 AND id < ?1 || '~'"
                                        " AND deleted_at IS NULL)",
                                        "look for the area", err);
    if (!st)
        return -1;
    hh_store_bind_text(st, 1, area);
    int rc = sqlite3_step(st), known = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    if (known < 0)
        hh_buf_printf(err, "%s: %s", s->path, sqlite3_errstr(rc));
    sqlite3_finalize(st);
    return known;
}

int hh_store_area_names(hh_store *s, const char *community_code, char *names[3], hh_buf *err)
{
    names[0] = names[1] = names[2] = NULL;
    /* the newest revision of the community's households: the names as last written */
    sqlite3_stmt *st = hh_store_prepare(s,
                                        "SELECT r.district, r.street, r.community FROM household h JOIN revision r"
                                        " ON r.household_id = h.id AND r.revision = h.current_revision"
                                        " WHERE h.id >= ?1 || '-' AND h.id < ?1 || '~' AND h.deleted_at IS NULL"
                                        " ORDER BY r.stored_at DESC LIMIT 1",
                                        "look for the area's names", err);
    if (!st)
        return -1;
    hh_store_bind_text(st, 1, community_code);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        for (int i = 0; i < 3; i++)
            names[i] = sqlite3_column_text(st, i) ? hh_xstrdup((const char *)sqlite3_column_text(st, i)) : NULL;
    else if (rc != SQLITE_DONE)
        hh_buf_printf(err, "%s: %s", s->path, sqlite3_errstr(rc));
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}
