/* store_read.c — queries for browsing the store: the list of current households, a
 * revision's XML, a household's history and kept warnings, and a walk over every
 * current revision (see store.h). */
#include "store_internal.h"

#include "deflate.h"
#include "derived.h"
#include "input.h"
#include "items.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>

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
 * kept compressed; -1 when the data is damaged. Nothing read is trusted: the xml
 * must be a BLOB (or TEXT), the size NULL or a plausible length. */
static int column_xml(hh_store *s, sqlite3_stmt *st, int xml_col, int size_col, hh_buf *out, hh_buf *err)
{
    int xml_type = sqlite3_column_type(st, xml_col), size_type = sqlite3_column_type(st, size_col);
    const void *data = sqlite3_column_blob(st, xml_col);
    int bytes = sqlite3_column_bytes(st, xml_col);
    hh_buf_reset(out);
    if ((xml_type == SQLITE_BLOB || xml_type == SQLITE_TEXT) && size_type == SQLITE_NULL && bytes > 0) {
        hh_buf_append(out, data, (size_t)bytes);
        return 0;
    }
    sqlite3_int64 size = sqlite3_column_int64(st, size_col);
    if ((xml_type == SQLITE_BLOB || xml_type == SQLITE_TEXT) && size_type == SQLITE_INTEGER && bytes > 0 &&
        size > 0 && (sqlite3_uint64)size <= HH_INFLATE_MAX_BYTES && hh_inflate(data, (size_t)bytes, (size_t)size, out) == 0)
        return 0;
    const char *id = col(st, 0);
    hh_buf_printf(err,
                  hh_tr("%s: revision %d of household %s is damaged: its stored form cannot be read; run 'hhreg check'",
                        "%1$s：住户 %3$s 的第 %2$d 版已损坏：无法读取其保存的表单；请运行“hhreg check”"),
                  s->path, sqlite3_column_int(st, 1), id ? id : hh_tr("(without an id)", "（无编号）"));
    return -1;
}

xmlDocPtr hh_store_parse_form(const char *xml, size_t len, const char *name)
{
    return hh_read_one_form(xml, len, name, NULL);
}

static void read_items(sqlite3_stmt *st, int first, hh_item_scope scope, void *record, hh_arena *a, bool *damaged);

/* Whether logged visit `v` was recorded before the form's own visit of its date first
 * came (the first revision holding a visit of that date was stored): a door found
 * shut in the morning, the form completed that evening (hh_visit.before_form). Asked
 * only when the current form (revision `current`) has a visit that day, as due reads
 * the current form's visits (else false). Measured on 20,000 households with five
 * logged visits each, `hhreg due`: 0.66 s of CPU without the question, 0.84 s asking
 * it of every logged visit, 0.74 s with this guard (medians of five). By the times,
 * which hold across stores (a merged visit keeps its
 * own); within one second, by the order this store took them in: its change feed,
 * where the log's k-th visit is the household's k-th 'visit' entry (before the
 * revision's entry when k of them are). */
#define LOG_BEFORE_FORM(current)                                                                             \
    "CASE WHEN EXISTS (SELECT 1 FROM visit g WHERE g.household_id = v.household_id AND g.revision = " current  \
    " AND g.date = v.date) THEN"                                                                               \
    " (SELECT CASE WHEN v.recorded_at <> f.at THEN v.recorded_at < f.at"                                       \
    " ELSE (SELECT count(*) FROM change c WHERE c.household_id = v.household_id AND c.kind = 'visit' AND"      \
    " c.seq < (SELECT rc.seq FROM change rc WHERE rc.household_id = v.household_id AND rc.kind = 'revision'"   \
    " AND rc.revision = f.revision)) >= v.seq END"                                                             \
    " FROM (SELECT fr.stored_at AS at, fr.revision FROM visit fv JOIN revision fr ON fr.household_id ="        \
    " fv.household_id AND fr.revision = fv.revision WHERE fv.household_id = v.household_id AND fv.date = v.date" \
    " ORDER BY fr.stored_at, fr.revision LIMIT 1) f) ELSE 0 END"
/* a day's logged visits in the order recorded (a merged store's too), then by number */
#define LOG_ORDER "v.date, v.recorded_at, v.seq"

int hh_store_visit_log(hh_store *s, const char *id, hh_household *h, hh_buf *err)
{
    sqlite3_stmt *st;
    if (prepare(s, "SELECT v.household_id, v.seq, "
                   LOG_BEFORE_FORM("(SELECT current_revision FROM household WHERE id = v.household_id)")
                   HH_VISIT_ITEMS(HH_ITEM_SQL_COLUMN)
                   " FROM visit_log v WHERE v.household_id = ?1 ORDER BY " LOG_ORDER,
                &st, err))
        return -1;
    hh_store_bind_text(st, 1, id);
    int rc;
    size_t cap = 0;
    bool damaged = false;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (h->n_logged == cap)
            h->logged = hh_xrealloc(h->logged, (cap = cap ? cap * 2 : 8) * sizeof *h->logged);
        h->logged[h->n_logged].before_form = sqlite3_column_int(st, 2) != 0;
        read_items(st, 3, HH_ITEM_VISIT, &h->logged[h->n_logged++], NULL, &damaged);
    }
    return finish(s, st, rc, err);
}

int hh_store_get_household(hh_store *s, const char *id, int revision, hh_household **h, int *revision_out,
                           hh_buf *err)
{
    char *xml = NULL;
    size_t len = 0;
    *h = NULL;
    int rc = hh_store_get_xml(s, id, revision, &xml, &len, revision_out, err);
    if (rc == 0) {
        xmlDocPtr doc = hh_store_parse_form(xml, len, id);
        *h = doc ? hh_household_from_doc(doc) : NULL;
        if (doc)
            xmlFreeDoc(doc);
        if (!*h) {
            hh_buf_printf(err,
                          hh_tr("the stored form of %s cannot be read; run 'hhreg check'",
                                "无法读取住户 %s 保存的表单；请运行“hhreg check”"),
                          id);
            rc = -1;
        } else if (revision == 0 && hh_store_visit_log(s, id, *h, err)) {
            hh_household_free(*h);
            *h = NULL;
            rc = -1;
        }
    }
    free(xml);
    return rc;
}

/* Whether household h has a conflict a merge found and nobody resolved yet. */
#define OPEN_CONFLICT "EXISTS (SELECT 1 FROM conflict c WHERE c.household_id = h.id AND c.resolved_at IS NULL)"

int hh_store_list(hh_store *s, const char *area, hh_list_which which,
                  void (*fn)(const hh_list_row *row, void *arg), void *arg, hh_buf *err)
{
    sqlite3_stmt *st;
    if (prepare(s,
                "SELECT h.id, r.estate, r.building, r.unit, r.room, r.community_code, r.enumeration_date,"
                " h.current_revision, r.size, r.elderly60, r.disabled, r.living_alone, r.empty_nest,"
                " r.low_income, h.deleted_at IS NOT NULL,"
                " " OPEN_CONFLICT ","
                " r.enumeration_status, (SELECT count(*) FROM person p WHERE p.household_id = h.id"
                "  AND p.revision = h.current_revision AND p.nationality <> 'CHN')"
                STORE_FROM_CURRENT " WHERE " STORE_IN_AREA " AND (?2 = 2 OR h.deleted_at IS NULL OR (?2 = 1 AND "
                OPEN_CONFLICT ")) ORDER BY h.id",
                &st, err))
        return -1;
    hh_store_bind_text(st, 1, area && *area ? area : NULL);
    sqlite3_bind_int(st, 2, which == HH_LIST_ALL ? 2 : which == HH_LIST_CURRENT_OR_IN_CONFLICT);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        hh_list_row row = {
            .id = col(st, 0), .estate = col(st, 1), .building = col(st, 2), .unit = col(st, 3),
            .room = col(st, 4), .community_code = col(st, 5), .enumeration_date = col(st, 6),
            .revision = sqlite3_column_int(st, 7), .size = sqlite3_column_int(st, 8),
            .elderly60 = sqlite3_column_int(st, 9), .disabled = sqlite3_column_int(st, 10),
            .living_alone = sqlite3_column_int(st, 11), .empty_nest = sqlite3_column_int(st, 12),
            .low_income = sqlite3_column_int(st, 13), .deleted = sqlite3_column_int(st, 14),
            .conflict = sqlite3_column_int(st, 15), .status = col(st, 16), .foreign = sqlite3_column_int(st, 17),
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
    hh_store_bind_text(st, 1, id);
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
                " (SELECT count(*) FROM form_warning w WHERE w.household_id = r.household_id AND w.revision = r.revision),"
                " r.made_in, r.parent, r.origin, r.merged_from"
                " FROM revision r JOIN household h ON h.id = r.household_id WHERE r.household_id = ?1"
                " ORDER BY r.revision",
                &st, err))
        return -1;
    hh_store_bind_text(st, 1, id);
    int rc, rows = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        hh_revision_info r = { col(st, 0), sqlite3_column_int(st, 1), sqlite3_column_int(st, 2),
                               col(st, 3), col(st, 4), col(st, 5), col(st, 6), col(st, 7), col(st, 8),
                               sqlite3_column_int(st, 9),   col(st, 10), sqlite3_column_int(st, 11),
                               sqlite3_column_int(st, 12), sqlite3_column_int(st, 13) };
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
    hh_store_bind_text(st, 1, id);
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

/* --- whole households, from the tables ----------------------------------------- */

/* Each walk runs four queries in step — revisions, their persons, their visits, and
 * the visit log of the household, which goes with its current revision — ordered by
 * household and revision; they differ only in which revisions they see. */
#define FROM_CURRENT STORE_FROM_CURRENT
#define WHERE_CURRENT " WHERE h.deleted_at IS NULL AND " STORE_IN_AREA
/* with a watermark, the households are looked up from the change feed's entries after
 * it, not tested one by one: 4,651 changed of 465,116, 0.28 s -> 0.05 s a query */
#define WHERE_CHANGED WHERE_CURRENT " AND h.id IN (SELECT household_id FROM change WHERE seq > ?2)"
#define FROM_EVERY " FROM household h JOIN revision r ON r.household_id = h.id"
#define WHERE_EVERY " WHERE ?1 IS NULL OR h.id = ?1"

/* The walk's columns: a few fixed ones, then the items of the scope from the item
 * table (items.def), in its order, from column *_ITEMS on. */
#define REVISION_ITEM(key, kind, ctype, absent, required, xml, codes, member, column, json, group) ", r." column
#define PERSON_ITEM(key, kind, ctype, absent, required, xml, codes, member, column, json, group) ", p." column
#define VISIT_ITEM(key, kind, ctype, absent, required, xml, codes, member, column, json, group) ", v." column
#define REVISION_COLUMNS(counted)                                                                         \
    "SELECT h.id, r.revision, r.xml, r.xml_size, r.form_sha256, r.content_sha256, r.size, r.elderly60,"  \
    " r.elderly65,"                                                                                      \
    " r.disabled, r.living_alone, r.empty_nest, h.current_revision = r.revision AND h.deleted_at IS NULL," \
    " r.made_in, r.parent, (SELECT max(seq) FROM change c WHERE c.household_id = h.id), r.visits, "     \
    counted HH_HOUSEHOLD_ITEMS(REVISION_ITEM)
/* What the walk reads is counted against counts kept elsewhere in the store, so that
 * an index that lost entries cannot hand over a household short (an incremental
 * export's check, export.c): persons against the revision's size and the form's
 * visits against its `visits` (migration 14), always; in a walk of the changes after
 * a watermark, which is checked so and not page by page, also what the export reads
 * of the household besides (api_review_state reads its earlier revisions, their
 * visits and its review decisions): the visit log (read with the current revision),
 * the revisions and the review decisions against the change feed's entries for
 * them (one entry each, made by triggers: migration 11), and the visits of all its
 * revisions against their `visits`. Those cost 1.3 s of a whole
 * 465,000-household walk, which a whole-store check follows anyway: other walks
 * leave them NULL. */
#define COUNTED_AGAINST_FEED                                                                          \
    " CASE WHEN r.revision = h.current_revision THEN (SELECT count(*) FROM change c"                  \
    " WHERE c.household_id = h.id AND c.kind = 'visit') ELSE 0 END,"                                  \
    " (SELECT count(*) FROM review v WHERE v.household_id = h.id)"                                    \
    " - (SELECT count(*) FROM change c WHERE c.household_id = h.id AND c.kind = 'review'),"           \
    " (SELECT count(*) FROM revision k WHERE k.household_id = h.id)"                                  \
    " - (SELECT count(*) FROM change c WHERE c.household_id = h.id AND c.kind = 'revision'),"         \
    " (SELECT count(*) FROM visit v WHERE v.household_id = h.id)"                                     \
    " - (SELECT coalesce(sum(k.visits), 0) FROM revision k WHERE k.household_id = h.id)"
#define NOT_COUNTED_AGAINST_FEED "NULL, NULL, NULL, NULL"
enum { R_ID, R_REVISION, R_XML, R_XML_SIZE, R_SHA256, R_CONTENT_SHA256, R_SIZE, R_ELDERLY60, R_ELDERLY65, R_DISABLED,
       R_LIVING_ALONE, R_EMPTY_NEST, R_CURRENT, R_MADE_IN, R_PARENT, R_CHANGE, R_VISITS, R_LOGGED, R_REVIEWS_UNFED,
       R_REVISIONS_UNFED, R_HISTORY_VISITS_UNFED, R_ITEMS };
#define PERSON_COLUMNS "SELECT h.id, r.revision, p.age, p.age_group, p.disabled" HH_PERSON_ITEMS(PERSON_ITEM)
enum { P_AGE = 2, P_AGE_GROUP, P_DISABLED, P_ITEMS };
#define PERSON_JOIN " JOIN person p ON p.household_id = h.id AND p.revision = r.revision"
#define VISIT_COLUMNS "SELECT h.id, r.revision" HH_VISIT_ITEMS(VISIT_ITEM)
enum { V_ITEMS = 2 };
#define VISIT_JOIN " JOIN visit v ON v.household_id = h.id AND v.revision = r.revision"
#define LOG_COLUMNS "SELECT h.id, r.revision, " LOG_BEFORE_FORM("r.revision") HH_VISIT_ITEMS(VISIT_ITEM)
enum { L_BEFORE_FORM = 2, L_ITEMS };
#define LOG_JOIN " JOIN visit_log v ON v.household_id = h.id AND r.revision = h.current_revision"

static const char *const current_sql[4] = {
    REVISION_COLUMNS(NOT_COUNTED_AGAINST_FEED) FROM_CURRENT WHERE_CURRENT " ORDER BY h.id",
    PERSON_COLUMNS FROM_CURRENT PERSON_JOIN WHERE_CURRENT " ORDER BY h.id, p.line",
    VISIT_COLUMNS FROM_CURRENT VISIT_JOIN WHERE_CURRENT " ORDER BY h.id, v.seq",
    LOG_COLUMNS FROM_CURRENT LOG_JOIN WHERE_CURRENT " ORDER BY h.id, " LOG_ORDER,
};
static const char *const changed_sql[4] = {
    REVISION_COLUMNS(COUNTED_AGAINST_FEED) FROM_CURRENT WHERE_CHANGED " ORDER BY h.id",
    PERSON_COLUMNS FROM_CURRENT PERSON_JOIN WHERE_CHANGED " ORDER BY h.id, p.line",
    VISIT_COLUMNS FROM_CURRENT VISIT_JOIN WHERE_CHANGED " ORDER BY h.id, v.seq",
    LOG_COLUMNS FROM_CURRENT LOG_JOIN WHERE_CHANGED " ORDER BY h.id, " LOG_ORDER,
};
static const char *const every_sql[4] = {
    REVISION_COLUMNS(NOT_COUNTED_AGAINST_FEED) FROM_EVERY WHERE_EVERY " ORDER BY h.id, r.revision",
    PERSON_COLUMNS FROM_EVERY PERSON_JOIN WHERE_EVERY " ORDER BY h.id, r.revision, p.line",
    VISIT_COLUMNS FROM_EVERY VISIT_JOIN WHERE_EVERY " ORDER BY h.id, r.revision, v.seq",
    LOG_COLUMNS FROM_EVERY LOG_JOIN WHERE_EVERY " ORDER BY h.id, r.revision, " LOG_ORDER,
};

typedef struct cursor {
    sqlite3_stmt *st;
    int rc;          /* of the last step */
} cursor;

static int cursor_open(hh_store *s, cursor *c, const char *sql, const char *area, long long since, hh_buf *err)
{
    if (prepare(s, sql, &c->st, err))
        return -1;
    hh_store_bind_text(c->st, 1, area && *area ? area : NULL);
    if (since >= 0 && sqlite3_bind_parameter_count(c->st) >= 2)
        sqlite3_bind_int64(c->st, 2, since);
    c->rc = sqlite3_step(c->st);
    return 0;
}

/* True while the cursor's current row belongs to revision `revision` of household `id`. */
static bool cursor_at(const cursor *c, const char *id, int revision)
{
    const char *row_id = c->rc == SQLITE_ROW ? col(c->st, 0) : NULL;
    return row_id && id && strcmp(row_id, id) == 0 && sqlite3_column_int(c->st, 1) == revision;
}

static int int_or(sqlite3_stmt *st, int i, int absent)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? absent : sqlite3_column_int(st, i);
}

/* The text of a column the schema declares NOT NULL; NULL (and `damaged` set) when a
 * damaged store holds none there. */
/* A copy of `text` in arena `a`, or malloc'd without one (NULL stays NULL). */
static char *copy_text(hh_arena *a, const char *text)
{
    return a ? hh_arena_strdup(a, text) : text ? hh_xstrdup(text) : NULL;
}

static char *required(sqlite3_stmt *st, int i, hh_arena *a, bool *damaged)
{
    char *text = copy_text(a, col(st, i));
    if (!text)
        *damaged = true;
    return text;
}

static void required_int(sqlite3_stmt *st, int i, bool *damaged)
{
    if (sqlite3_column_type(st, i) != SQLITE_INTEGER)
        *damaged = true;
}

/* Reads the items of `scope` into `record` from column `first` on, the strings into
 * arena `a` (NULL: malloc'd); an item every stored household has but the row lacks
 * sets `damaged`. */
static void read_items(sqlite3_stmt *st, int first, hh_item_scope scope, void *record, hh_arena *a, bool *damaged)
{
    size_t n;
    const hh_item *items = hh_items_of(scope, &n);
    for (size_t k = 0; k < n; k++) {
        const hh_item *it = &items[k];
        void *at = hh_item_at(it, record);
        int i = first + (int)k;
        switch (it->ctype) {
        case HH_ITEM_C_STR: *(char **)at = it->required ? required(st, i, a, damaged) : copy_text(a, col(st, i)); break;
        case HH_ITEM_C_INT:
            if (it->required)
                required_int(st, i, damaged);
            *(int *)at = int_or(st, i, it->absent);
            break;
        case HH_ITEM_C_REAL:
            *(double *)at = sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_double(st, i);
            break;
        case HH_ITEM_C_BOOL:
            if (it->required)
                required_int(st, i, damaged);
            *(int *)at = sqlite3_column_type(st, i) == SQLITE_NULL ? it->absent : sqlite3_column_int(st, i) != 0;
            break;
        }
    }
}

static void read_person(sqlite3_stmt *st, hh_arena *a, hh_person *p, hh_person_derived *pd, bool *damaged)
{
    memset(p, 0, sizeof *p);
    read_items(st, P_ITEMS, HH_ITEM_PERSON, p, a, damaged);
    memset(pd, 0, sizeof *pd);
    pd->age = sqlite3_column_int(st, P_AGE);
    const char *group = col(st, P_AGE_GROUP);
    pd->age_group = -1;
    for (int g = 0; group && g <= 85; g += 5)
        if (strcmp(group, hh_age_group_label(g)) == 0)
            pd->age_group = g;
    pd->disabled = sqlite3_column_int(st, P_DISABLED);
}

static void read_household(sqlite3_stmt *st, hh_arena *a, hh_household *h, hh_household_derived *hd,
                           bool *damaged)
{
    read_items(st, R_ITEMS, HH_ITEM_HOUSEHOLD, h, a, damaged);
    int counts[] = { R_REVISION, R_SIZE, R_ELDERLY60, R_ELDERLY65, R_DISABLED, R_LIVING_ALONE, R_EMPTY_NEST };
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        required_int(st, counts[i], damaged);
    hd->size = sqlite3_column_int(st, R_SIZE);
    hd->elderly60 = sqlite3_column_int(st, R_ELDERLY60);
    hd->elderly65 = sqlite3_column_int(st, R_ELDERLY65);
    hd->disabled = sqlite3_column_int(st, R_DISABLED);
    hd->living_alone = sqlite3_column_int(st, R_LIVING_ALONE);
    hd->empty_nest = sqlite3_column_int(st, R_EMPTY_NEST);
    hd->low_income = h->low_income;
}

/* Which rows of the revision at `st` the walk read a number of other than the store
 * counts (see COUNTED_AGAINST_FEED), named in English and Chinese, or NULL. */
static const char *const *unaccounted_rows(sqlite3_stmt *st, const hh_household *h)
{
    static const char *const persons[] = { "persons", "人员" }, *const visits[] = { "visits of the form", "表单中的走访" },
                             *const logged[] = { "logged visits", "走访记录" },
                             *const reviews[] = { "review decisions", "审核决定" },
                             *const revisions[] = { "revisions", "版本" },
                             *const history[] = { "visits of its revisions", "各版本的走访" };
    if ((size_t)sqlite3_column_int64(st, R_SIZE) != h->n_persons)
        return persons;
    if (sqlite3_column_type(st, R_VISITS) == SQLITE_NULL || (size_t)sqlite3_column_int64(st, R_VISITS) != h->n_visits)
        return visits;
    if (sqlite3_column_type(st, R_LOGGED) != SQLITE_NULL && (size_t)sqlite3_column_int64(st, R_LOGGED) != h->n_logged)
        return logged;
    /* NULL: 0 */
    return sqlite3_column_int64(st, R_REVIEWS_UNFED) ? reviews
           : sqlite3_column_int64(st, R_REVISIONS_UNFED) ? revisions
           : sqlite3_column_int64(st, R_HISTORY_VISITS_UNFED) ? history
                                                            : NULL;
}

int hh_store_walk(hh_store *s, bool every_revision, const char *area, long long since, bool with_xml,
                  int (*fn)(const hh_stored_revision *r, void *arg), void *arg, hh_buf *err)
{
    const char *const *sql = every_revision ? every_sql : since >= 0 ? changed_sql : current_sql;
    cursor hc = { NULL, 0 }, pc = { NULL, 0 }, vc = { NULL, 0 }, lc = { NULL, 0 };
    int rc = -1;
    if (cursor_open(s, &hc, sql[0], area, since, err) || cursor_open(s, &pc, sql[1], area, since, err) ||
        cursor_open(s, &vc, sql[2], area, since, err) || cursor_open(s, &lc, sql[3], area, since, err))
        goto out;
    hh_arena arena;
    hh_arena_init(&arena);
    hh_person *persons = NULL;
    hh_person_derived *derived = NULL;
    hh_visit *visits = NULL, *logged = NULL;
    size_t person_cap = 0, visit_cap = 0, logged_cap = 0;
    int stop = 0;
    hh_buf xml, problem;
    hh_buf_init(&xml);
    hh_buf_init(&problem);
    while (hc.rc == SQLITE_ROW && !stop) {
        hh_household h;
        memset(&h, 0, sizeof h);
        hh_stored_revision r = { .household = &h,
                                 .revision = sqlite3_column_int(hc.st, R_REVISION),
                                 .current = sqlite3_column_int(hc.st, R_CURRENT) };
        read_household(hc.st, &arena, &h, &r.derived, &r.damaged);
        r.sha256 = hh_arena_strdup(&arena, col(hc.st, R_SHA256));
        r.content_sha256 = hh_arena_strdup(&arena, col(hc.st, R_CONTENT_SHA256));
        r.made_in = hh_arena_strdup(&arena, col(hc.st, R_MADE_IN));
        r.parent = sqlite3_column_int(hc.st, R_PARENT);
        r.change = sqlite3_column_int64(hc.st, R_CHANGE);
        for (; cursor_at(&pc, h.id, r.revision); pc.rc = sqlite3_step(pc.st)) {
            if (h.n_persons == person_cap) {
                person_cap = person_cap ? person_cap * 2 : 16;
                persons = hh_xrealloc(persons, person_cap * sizeof *persons);
                derived = hh_xrealloc(derived, person_cap * sizeof *derived);
            }
            read_person(pc.st, &arena, &persons[h.n_persons], &derived[h.n_persons], &r.damaged);
            h.n_persons++;
        }
        for (; cursor_at(&vc, h.id, r.revision); vc.rc = sqlite3_step(vc.st)) {
            if (h.n_visits == visit_cap) {
                visit_cap = visit_cap ? visit_cap * 2 : 16;
                visits = hh_xrealloc(visits, visit_cap * sizeof *visits);
            }
            visits[h.n_visits].before_form = false;
            read_items(vc.st, V_ITEMS, HH_ITEM_VISIT, &visits[h.n_visits++], &arena, &r.damaged);
        }
        for (; cursor_at(&lc, h.id, r.revision); lc.rc = sqlite3_step(lc.st)) {
            if (h.n_logged == logged_cap) {
                logged_cap = logged_cap ? logged_cap * 2 : 16;
                logged = hh_xrealloc(logged, logged_cap * sizeof *logged);
            }
            logged[h.n_logged].before_form = sqlite3_column_int(lc.st, L_BEFORE_FORM) != 0;
            read_items(lc.st, L_ITEMS, HH_ITEM_VISIT, &logged[h.n_logged++], &arena, &r.damaged);
        }
        h.persons = persons;
        h.visits = visits;
        h.logged = logged;
        r.unaccounted = unaccounted_rows(hc.st, &h);
        r.person_derived = derived;
        if (with_xml) {
            hh_buf_reset(&problem);
            if (column_xml(s, hc.st, R_XML, R_XML_SIZE, &xml, &problem) == 0) {
                r.xml = xml.data;
                r.xml_len = xml.len;
            } else {
                r.damaged = true;
            }
        }
        stop = fn(&r, arg);
        hh_arena_reset(&arena);
        hc.rc = sqlite3_step(hc.st);
    }
    free(persons);
    free(derived);
    free(visits);
    free(logged);
    hh_buf_free(&xml);
    hh_buf_free(&problem);
    hh_arena_free(&arena);
    rc = stop < 0 ? -1 : 0;
    const cursor *all[] = { &hc, &pc, &vc, &lc };
    for (int i = 0; i < 4 && rc == 0; i++)
        if (all[i]->rc != SQLITE_ROW && all[i]->rc != SQLITE_DONE) {
            hh_buf_printf(err, "%s: %s", s->path, sqlite3_errstr(all[i]->rc));
            rc = -1;
        }
out:
    sqlite3_finalize(hc.st);
    sqlite3_finalize(pc.st);
    sqlite3_finalize(vc.st);
    sqlite3_finalize(lc.st);
    return rc;
}

typedef struct household_walk {
    hh_store *s;
    int (*fn)(const hh_current *c, void *arg);
    void *arg;
    hh_buf *err;
} household_walk;

/* An export stops at a damaged revision: it must not succeed with fewer households. */
static int each_household_row(const hh_stored_revision *r, void *arg)
{
    household_walk *w = arg;
    const char *id = r->household->id ? r->household->id : hh_tr("(without an id)", "（无编号）");
    if (r->damaged) {
        hh_buf_printf(w->err,
                      hh_tr("%s: revision %d of household %s is damaged; run 'hhreg check'",
                            "%1$s：住户 %3$s 的第 %2$d 版已损坏；请运行“hhreg check”"),
                      w->s->path, r->revision, id);
        return -1;
    }
    if (r->unaccounted) {
        hh_buf_printf(w->err,
                      hh_tr("%s: revision %d of household %s is damaged: the store's counts of its %s disagree"
                            " (an index has lost entries); run 'hhreg check'",
                            "%1$s：住户 %3$s 的第 %2$d 版已损坏：存储库中其%4$s的计数不一致（索引丢失了条目）；"
                            "请运行“hhreg check”"),
                      w->s->path, r->revision, id, hh_tr(r->unaccounted[0], r->unaccounted[1]));
        return -1;
    }
    hh_current c = { r->household, r->revision, r->xml, r->xml_len, r->made_in, r->parent, r->change };
    int rc = w->fn(&c, w->arg);
    return rc < 0 ? -1 : rc ? 1 : 0; /* an error (fn said why in err), a stop, or go on */
}

int hh_store_each_household(hh_store *s, const char *area, long long since, bool with_xml,
                            int (*fn)(const hh_current *c, void *arg), void *arg, hh_buf *err)
{
    household_walk w = { s, fn, arg, err };
    return hh_store_walk(s, false, area, since, with_xml, each_household_row, &w, err);
}

int hh_store_each_tombstone(hh_store *s, const char *area, long long since,
                            int (*fn)(const hh_tombstone_row *t, void *arg), void *arg, hh_buf *err)
{
    /* with a watermark, the deletions after it as the feed's own range numbers them
     * (NOT INDEXED: what hh_store_check_feed counts them by, so that an index
     * that lost an entry cannot drop a deletion from both), not every household */
    const char *sql =
        since >= 0 ? "SELECT h.id, h.current_revision, h.deleted_at, h.delete_reason, t.change FROM (SELECT"
                     " household_id, max(seq) AS change FROM change NOT INDEXED WHERE seq > ?2 AND kind = 'tombstone'"
                     " GROUP BY household_id) t JOIN household h ON h.id = t.household_id JOIN revision r"
                     " ON r.household_id = h.id AND r.revision = h.current_revision"
                     " WHERE h.deleted_at IS NOT NULL AND " STORE_IN_AREA " ORDER BY h.id"
                   : "SELECT h.id, h.current_revision, h.deleted_at, h.delete_reason, (SELECT max(seq) FROM change c"
                     " WHERE c.household_id = h.id AND c.kind = 'tombstone') AS change" STORE_FROM_CURRENT
                     " WHERE h.deleted_at IS NOT NULL AND " STORE_IN_AREA " AND coalesce(change, 0) > ?2 ORDER BY h.id";
    sqlite3_stmt *st;
    if (prepare(s, sql, &st, err))
        return -1;
    hh_store_bind_text(st, 1, area && *area ? area : NULL);
    sqlite3_bind_int64(st, 2, since);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        hh_tombstone_row t = { col(st, 0), sqlite3_column_int(st, 1), col(st, 2), col(st, 3),
                               sqlite3_column_int64(st, 4) };
        int stop = fn(&t, arg);
        if (stop) {
            sqlite3_finalize(st);
            return stop < 0 ? -1 : 0;
        }
    }
    return finish(s, st, rc, err);
}

int hh_store_each_revision(hh_store *s, const char *area, long long since,
                           int (*fn)(const hh_revision_row *r, void *arg), void *arg, hh_buf *err)
{
#define LINEAGE_COLUMNS "r.household_id, r.revision, r.district_code, r.made_in, coalesce(r.origin, r.revision)," \
                         " coalesce(r.parent, 0), coalesce(r.merged_from, 0), r.stored_at, r.content_sha256, "
#define LINEAGE_IN_AREA \
    "(?1 IS NULL OR substr(r.household_id, 1, length(?1)) = ?1 OR substr(r.community_code, 1, length(?1)) = ?1)"
    /* with a watermark, from the feed's few entries after it; without, every revision */
    const char *sql =
        since >= 0 ? "SELECT " LINEAGE_COLUMNS "c.seq FROM change c JOIN revision r ON r.household_id = c.household_id"
                     " AND r.revision = c.revision WHERE c.seq > ?2 AND c.kind = 'revision' AND " LINEAGE_IN_AREA
                     " ORDER BY r.household_id, r.revision"
                   : "SELECT " LINEAGE_COLUMNS "coalesce((SELECT max(c.seq) FROM change c WHERE c.household_id ="
                     " r.household_id AND c.kind = 'revision' AND c.revision = r.revision), 0) FROM revision r WHERE"
                     " ?2 < 0 AND " LINEAGE_IN_AREA " ORDER BY r.household_id, r.revision";
#undef LINEAGE_COLUMNS
#undef LINEAGE_IN_AREA
    sqlite3_stmt *st;
    if (prepare(s, sql, &st, err))
        return -1;
    hh_store_bind_text(st, 1, area && *area ? area : NULL);
    sqlite3_bind_int64(st, 2, since);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        hh_revision_row r = { col(st, 0),        sqlite3_column_int(st, 1), col(st, 2),
                              col(st, 3),        sqlite3_column_int(st, 4), sqlite3_column_int(st, 5),
                              sqlite3_column_int(st, 6), col(st, 7), col(st, 8), sqlite3_column_int64(st, 9) };
        int stop = fn(&r, arg);
        if (stop) {
            sqlite3_finalize(st);
            return stop < 0 ? -1 : 0;
        }
    }
    return finish(s, st, rc, err);
}

long long hh_store_last_change(hh_store *s)
{
    sqlite3_stmt *st;
    long long last = -1;
    if (sqlite3_prepare_v2(s->db, "SELECT coalesce(max(seq), 0) FROM change", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        last = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return last;
}
