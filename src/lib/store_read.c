/* store_read.c — queries for browsing the store: the list of current households, a
 * revision's XML, a household's history and kept warnings, and a walk over every
 * current revision (see store.h). */
#include "store_internal.h"

#include "deflate.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static int prepare(hh_store *s, const char *sql, sqlite3_stmt **st, hh_buf *err)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK) {
        hh_buf_printf(err, "%s: %s", s->path, hh_store_errmsg(s));
        return -1;
    }
    return 0;
}

static int finish(hh_store *s, sqlite3_stmt *st, int rc, hh_buf *err)
{
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        hh_buf_printf(err, "%s: %s", s->path, sqlite3_errstr(rc));
        return -1;
    }
    return 0;
}

static const char *col(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

/* The form's XML from a row's xml and xml_size columns, decompressed when it was
 * kept compressed; -1 when the data is damaged. */
static int column_xml(hh_store *s, sqlite3_stmt *st, int xml_col, int size_col, hh_buf *out, hh_buf *err)
{
    const void *data = sqlite3_column_blob(st, xml_col);
    size_t len = (size_t)sqlite3_column_bytes(st, xml_col);
    if (sqlite3_column_type(st, size_col) == SQLITE_NULL) {
        hh_buf_reset(out);
        hh_buf_append(out, data ? data : "", len);
        return 0;
    }
    if (hh_inflate(data, len, (size_t)sqlite3_column_int64(st, size_col), out) != 0) {
        hh_buf_printf(err, "%s: the stored XML of household %s cannot be decompressed (damaged store?)", s->path,
                      col(st, 0));
        return -1;
    }
    return 0;
}

int hh_store_list(hh_store *s, const char *area, bool include_deleted,
                  void (*fn)(const hh_list_row *row, void *arg), void *arg, hh_buf *err)
{
    sqlite3_stmt *st;
    if (prepare(s,
                "SELECT h.id, r.estate, r.building, r.unit, r.room, r.community_code, r.enumeration_date,"
                " h.current_revision, r.size, r.elderly60, r.disabled, r.living_alone, r.empty_nest,"
                " r.low_income, h.deleted_at IS NOT NULL"
                " FROM household h JOIN revision r ON r.household_id = h.id AND r.revision = h.current_revision"
                " WHERE (?1 IS NULL OR substr(h.id, 1, length(?1)) = ?1 OR substr(r.community_code, 1, length(?1)) = ?1)"
                " AND (?2 OR h.deleted_at IS NULL) ORDER BY h.id",
                &st, err))
        return -1;
    hh_bind_text(st, 1, area && *area ? area : NULL);
    sqlite3_bind_int(st, 2, include_deleted);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        hh_list_row row = {
            col(st, 0), col(st, 1), col(st, 2), col(st, 3), col(st, 4), col(st, 5), col(st, 6),
            sqlite3_column_int(st, 7), sqlite3_column_int(st, 8), sqlite3_column_int(st, 9),
            sqlite3_column_int(st, 10), sqlite3_column_int(st, 11), sqlite3_column_int(st, 12),
            sqlite3_column_int(st, 13), sqlite3_column_int(st, 14),
        };
        fn(&row, arg);
    }
    return finish(s, st, rc, err);
}

int hh_store_get_xml(hh_store *s, const char *id, int revision, char **xml, size_t *len,
                     int *revision_out, hh_buf *err)
{
    sqlite3_stmt *st;
    if (prepare(s,
                "SELECT h.id, r.revision, r.xml, r.xml_size FROM household h JOIN revision r ON r.household_id = h.id"
                " AND r.revision = CASE WHEN ?2 > 0 THEN ?2 ELSE h.current_revision END WHERE h.id = ?1",
                &st, err))
        return -1;
    hh_bind_text(st, 1, id);
    sqlite3_bind_int(st, 2, revision);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        hh_buf out;
        hh_buf_init(&out);
        int bad = column_xml(s, st, 2, 3, &out, err);
        *revision_out = sqlite3_column_int(st, 1);
        sqlite3_finalize(st);
        *len = out.len;
        *xml = hh_buf_detach(&out);
        return bad ? -1 : 0;
    }
    return finish(s, st, rc, err) ? -1 : 1;
}

int hh_store_history(hh_store *s, const char *id, void (*fn)(const hh_revision_info *r, void *arg),
                     void *arg, hh_buf *err)
{
    sqlite3_stmt *st;
    if (prepare(s,
                "SELECT r.household_id, r.revision, h.current_revision, r.stored_at, r.stored_by, r.source,"
                " r.form_sha256, h.deleted_at, h.delete_reason,"
                " (SELECT count(*) FROM form_warning w WHERE w.household_id = r.household_id AND w.revision = r.revision)"
                " FROM revision r JOIN household h ON h.id = r.household_id WHERE r.household_id = ?1"
                " ORDER BY r.revision",
                &st, err))
        return -1;
    hh_bind_text(st, 1, id);
    int rc, rows = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        hh_revision_info r = { col(st, 0), sqlite3_column_int(st, 1), sqlite3_column_int(st, 2),
                               col(st, 3), col(st, 4), col(st, 5), col(st, 6), col(st, 7), col(st, 8),
                               sqlite3_column_int(st, 9) };
        fn(&r, arg);
        rows++;
    }
    if (finish(s, st, rc, err))
        return -1;
    return rows ? 0 : 1;
}

int hh_store_warnings(hh_store *s, const char *id, int revision,
                      void (*fn)(const char *rule, const char *path, const char *en, const char *zh, void *arg),
                      void *arg, hh_buf *err)
{
    sqlite3_stmt *st;
    if (prepare(s,
                "SELECT rule_id, path, message_en, message_zh FROM form_warning"
                " WHERE household_id = ?1 AND revision = ?2 ORDER BY seq",
                &st, err))
        return -1;
    hh_bind_text(st, 1, id);
    sqlite3_bind_int(st, 2, revision);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        fn(col(st, 0), col(st, 1), col(st, 2), col(st, 3), arg);
    return finish(s, st, rc, err);
}

int hh_store_each_current(hh_store *s,
                          int (*fn)(const char *id, int revision, const char *xml, size_t len, void *arg),
                          void *arg, hh_buf *err)
{
    sqlite3_stmt *st;
    if (prepare(s,
                "SELECT h.id, r.revision, r.xml, r.xml_size FROM household h JOIN revision r"
                " ON r.household_id = h.id AND r.revision = h.current_revision"
                " WHERE h.deleted_at IS NULL ORDER BY h.id",
                &st, err))
        return -1;
    int rc;
    hh_buf xml;
    hh_buf_init(&xml);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (column_xml(s, st, 2, 3, &xml, err) != 0) {
            hh_buf_free(&xml);
            sqlite3_finalize(st);
            return -1;
        }
        if (fn(col(st, 0), sqlite3_column_int(st, 1), xml.data, xml.len, arg)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    hh_buf_free(&xml);
    return finish(s, st, rc, err);
}

/* --- whole households for exports ------------------------------------------ */

#define FROM_CURRENT " FROM household h JOIN revision r ON r.household_id = h.id AND r.revision = h.current_revision"
#define WHERE_CURRENT                                                                   \
    " WHERE h.deleted_at IS NULL AND (?1 IS NULL OR substr(h.id, 1, length(?1)) = ?1" \
    " OR substr(r.community_code, 1, length(?1)) = ?1)"

static const char households_sql[] =
    "SELECT h.id, r.revision, r.xml, r.district_code, r.district, r.street_code, r.street, r.community_code,"
    " r.community, r.grid, r.estate, r.building, r.unit, r.room, r.household_type, r.dwelling_type, r.tenure,"
    " r.floor_area, r.phone, r.preferred_language, r.low_income, r.low_income_since, r.extreme_hardship,"
    " r.needs, r.enumerator, r.enumeration_date, r.enumeration_status, r.respondent, r.consent, r.member_count,"
    " r.xml_size"
    FROM_CURRENT WHERE_CURRENT " ORDER BY h.id";
static const char persons_sql[] =
    "SELECT h.id, p.line, p.name, p.relationship, p.sex, p.birth_date, p.document_type, p.document_number,"
    " p.nationality, p.ethnicity, p.residence, p.registered_in, p.marital_status, p.education, p.activity,"
    " p.wg_seeing, p.wg_hearing, p.wg_walking, p.wg_cognition, p.wg_selfcare, p.wg_communication,"
    " p.certificate_type, p.certificate_grade, p.phone, p.languages, p.notes"
    FROM_CURRENT " JOIN person p ON p.household_id = h.id AND p.revision = h.current_revision"
    WHERE_CURRENT " ORDER BY h.id, p.line";
static const char visits_sql[] =
    "SELECT h.id, v.date, v.enumerator, v.purpose, v.outcome, v.note"
    FROM_CURRENT " JOIN visit v ON v.household_id = h.id AND v.revision = h.current_revision"
    WHERE_CURRENT " ORDER BY h.id, v.seq";

typedef struct cursor {
    sqlite3_stmt *st;
    int rc;          /* of the last step */
} cursor;

static int cursor_open(hh_store *s, cursor *c, const char *sql, const char *area, hh_buf *err)
{
    if (prepare(s, sql, &c->st, err))
        return -1;
    hh_bind_text(c->st, 1, area && *area ? area : NULL);
    c->rc = sqlite3_step(c->st);
    return 0;
}

/* True while the cursor's current row belongs to household `id`. */
static bool cursor_at(const cursor *c, const char *id)
{
    return c->rc == SQLITE_ROW && strcmp(col(c->st, 0), id) == 0;
}

static int int_or(sqlite3_stmt *st, int i, int absent)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? absent : sqlite3_column_int(st, i);
}

static void read_person(sqlite3_stmt *st, hh_arena *a, hh_person *p)
{
    memset(p, 0, sizeof *p);
    p->line = sqlite3_column_int(st, 1);
    char **text[] = { &p->name, &p->relationship, &p->sex, &p->birth_date, &p->document_type,
                      &p->document_number, &p->nationality, &p->ethnicity, &p->residence, &p->registered_in,
                      &p->marital_status };
    for (int i = 0; i < 11; i++)
        *text[i] = hh_arena_strdup(a, col(st, 2 + i));
    p->education = int_or(st, 13, -1);
    p->activity = hh_arena_strdup(a, col(st, 14));
    for (int d = 0; d < HH_WG_DOMAINS; d++)
        p->functioning[d] = int_or(st, 15 + d, 0);
    p->certificate_type = hh_arena_strdup(a, col(st, 21));
    p->certificate_grade = int_or(st, 22, 0);
    p->phone = hh_arena_strdup(a, col(st, 23));
    p->languages = hh_arena_strdup(a, col(st, 24));
    p->notes = hh_arena_strdup(a, col(st, 25));
}

static void read_household(sqlite3_stmt *st, hh_arena *a, hh_household *h)
{
    h->id = hh_arena_strdup(a, col(st, 0));
    char **text[] = { &h->district_code, &h->district, &h->street_code, &h->street, &h->community_code,
                      &h->community };
    for (int i = 0; i < 6; i++)
        *text[i] = hh_arena_strdup(a, col(st, 3 + i));
    h->grid = sqlite3_column_int(st, 9);
    char **place[] = { &h->estate, &h->building, &h->unit, &h->room, &h->household_type, &h->dwelling_type,
                       &h->tenure };
    for (int i = 0; i < 7; i++)
        *place[i] = hh_arena_strdup(a, col(st, 10 + i));
    h->floor_area = sqlite3_column_type(st, 17) == SQLITE_NULL ? -1 : sqlite3_column_double(st, 17);
    h->phone = hh_arena_strdup(a, col(st, 18));
    h->preferred_language = hh_arena_strdup(a, col(st, 19));
    h->low_income = sqlite3_column_int(st, 20);
    h->low_income_since = hh_arena_strdup(a, col(st, 21));
    h->extreme_hardship = sqlite3_column_int(st, 22);
    h->needs = hh_arena_strdup(a, col(st, 23));
    h->enumerator = hh_arena_strdup(a, col(st, 24));
    h->enumeration_date = hh_arena_strdup(a, col(st, 25));
    h->enumeration_status = hh_arena_strdup(a, col(st, 26));
    h->respondent = hh_arena_strdup(a, col(st, 27));
    h->consent = sqlite3_column_int(st, 28);
    h->member_count = int_or(st, 29, -1);
}

int hh_store_each_household(hh_store *s, const char *area, bool with_xml,
                            int (*fn)(const hh_household *h, int revision, const char *xml, size_t xml_len,
                                      void *arg),
                            void *arg, hh_buf *err)
{
    cursor hc = { NULL, 0 }, pc = { NULL, 0 }, vc = { NULL, 0 };
    int rc = -1;
    if (cursor_open(s, &hc, households_sql, area, err) || cursor_open(s, &pc, persons_sql, area, err) ||
        cursor_open(s, &vc, visits_sql, area, err))
        goto out;
    hh_arena arena;
    hh_arena_init(&arena);
    hh_person *persons = NULL;
    hh_visit *visits = NULL;
    size_t person_cap = 0, visit_cap = 0;
    int stop = 0;
    hh_buf xml;
    hh_buf_init(&xml);
    while (hc.rc == SQLITE_ROW && !stop) {
        hh_household h;
        memset(&h, 0, sizeof h);
        read_household(hc.st, &arena, &h);
        for (; cursor_at(&pc, h.id); pc.rc = sqlite3_step(pc.st)) {
            if (h.n_persons == person_cap) {
                person_cap = person_cap ? person_cap * 2 : 16;
                persons = hh_xrealloc(persons, person_cap * sizeof *persons);
            }
            read_person(pc.st, &arena, &persons[h.n_persons++]);
        }
        for (; cursor_at(&vc, h.id); vc.rc = sqlite3_step(vc.st)) {
            if (h.n_visits == visit_cap) {
                visit_cap = visit_cap ? visit_cap * 2 : 16;
                visits = hh_xrealloc(visits, visit_cap * sizeof *visits);
            }
            hh_visit *v = &visits[h.n_visits++];
            v->date = hh_arena_strdup(&arena, col(vc.st, 1));
            v->enumerator = hh_arena_strdup(&arena, col(vc.st, 2));
            v->purpose = hh_arena_strdup(&arena, col(vc.st, 3));
            v->outcome = hh_arena_strdup(&arena, col(vc.st, 4));
            v->note = hh_arena_strdup(&arena, col(vc.st, 5));
        }
        h.persons = persons;
        h.visits = visits;
        if (with_xml && column_xml(s, hc.st, 2, 30, &xml, err) != 0) {
            hc.rc = SQLITE_CORRUPT;
            break;
        }
        stop = fn(&h, sqlite3_column_int(hc.st, 1), with_xml ? xml.data : NULL, with_xml ? xml.len : 0, arg);
        hh_arena_reset(&arena);
        hc.rc = sqlite3_step(hc.st);
    }
    free(persons);
    free(visits);
    hh_buf_free(&xml);
    hh_arena_free(&arena);
    rc = 0;
    const cursor *all[] = { &hc, &pc, &vc };
    for (int i = 0; i < 3 && rc == 0; i++)
        if (all[i]->rc != SQLITE_ROW && all[i]->rc != SQLITE_DONE) {
            hh_buf_printf(err, "%s: %s", s->path, sqlite3_errstr(all[i]->rc));
            rc = -1;
        }
out:
    sqlite3_finalize(hc.st);
    sqlite3_finalize(pc.st);
    sqlite3_finalize(vc.st);
    return rc;
}
