/* store_review.c — see store_review.h: review decisions (tables review and
 * review_item, store schema 6) and the state they give a household. */
#include "store_review.h"

#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "form_json.h"
#include "items.h"
#include "nodepath.h"
#include "store_internal.h"

static const char *const state_names[] = { "submitted", "approved", "returned" };

const char *hh_review_state_name(hh_review_state state)
{
    return state_names[state];
}

int hh_review_state_named(const char *name)
{
    for (int i = 0; i < 3; i++)
        if (name && strcmp(name, state_names[i]) == 0)
            return i;
    return -1;
}

void hh_review_free(hh_review *r)
{
    free(r->reviewer);
    free(r->at);
    free(r->comment);
    for (size_t i = 0; i < r->n_notes; i++) {
        free(r->notes[i].path);
        free(r->notes[i].comment);
    }
    free(r->notes);
    memset(r, 0, sizeof *r);
}

void hh_review_text(hh_buf *b, const hh_review *r, hh_lang lang, const char *indent)
{
    bool zh = lang == HH_LANG_ZH, approved = r->state == HH_REVIEW_APPROVED;
    hh_buf_printf(b, "%s%s %s %s", indent, approved ? zh ? "审核通过" : "approved" : zh ? "退回" : "returned", r->at,
                  zh ? "审核人 " : "by ");
    hh_buf_put_printable(b, r->reviewer);
    if (r->comment) {
        hh_buf_puts(b, ": ");
        hh_buf_put_printable(b, r->comment);
    }
    hh_buf_putc(b, '\n');
    for (size_t i = 0; i < r->n_notes; i++) {
        hh_buf_printf(b, "%s  ", indent);
        hh_buf_put_printable(b, r->notes[i].path);
        hh_buf_puts(b, ": ");
        hh_buf_put_printable(b, r->notes[i].comment);
        hh_buf_putc(b, '\n');
    }
}

void hh_review_json(hh_json *j, const char *key, const hh_review *r)
{
    hh_json_object(j, key);
    hh_json_str(j, "state", hh_review_state_name(r->state));
    hh_json_int(j, "revision", r->revision);
    if (r->state != HH_REVIEW_SUBMITTED) {
        hh_json_str(j, "reviewer", r->reviewer);
        hh_json_str(j, "at", r->at);
        hh_json_str(j, "comment", r->comment);
        hh_json_array(j, "items");
        for (size_t i = 0; i < r->n_notes; i++) {
            hh_json_object(j, NULL);
            hh_json_str(j, "path", r->notes[i].path);
            hh_json_str(j, "comment", r->notes[i].comment);
            hh_json_end(j);
        }
        hh_json_end(j);
    }
    hh_json_end(j);
}

void hh_review_row_json(hh_json *j, const hh_review_row *row)
{
    hh_json_household_ref(j, row->id, row->building, row->unit, row->room);
    hh_json_str(j, "enumerator", row->enumerator);
    hh_json_str(j, "storedAt", row->stored_at);
    hh_review_json(j, "review", row->review);
    hh_json_end(j);
}

/* Statements run a few times a call: prepared, not cached; a failure says what failed. */
#define prepare(s, sql, err) hh_store_prepare(s, sql, hh_tr("read the reviews", "读取审核记录"), err)

/* Ends a read of the reviews with `st` (finalized): `result`, or -1 with why when
 * its last step `rc` failed. */
static int read_end(hh_store *s, sqlite3_stmt *st, int rc, int result, hh_buf *err)
{
    if (result == 0 && rc != SQLITE_DONE) {
        hh_buf_printf(err, hh_tr("%s: cannot read the reviews: %s", "%s：无法读取审核记录：%s"), s->path,
                      hh_store_errmsg(s));
        result = -1;
    }
    sqlite3_finalize(st);
    return result;
}

/* The decision of row `seq` (columns of `st`: seq, revision, decision, at, reviewer,
 * comment) with its item comments into *out. */
static int read_decision(hh_store *s, sqlite3_stmt *st, hh_review *out, hh_buf *err)
{
    out->revision = sqlite3_column_int(st, 1);
    out->state = hh_review_state_named((const char *)sqlite3_column_text(st, 2)) == HH_REVIEW_APPROVED
                     ? HH_REVIEW_APPROVED
                     : HH_REVIEW_RETURNED;
    out->at = hh_store_column_dup(st, 3);
    out->reviewer = hh_store_column_dup(st, 4);
    out->comment = hh_store_column_dup(st, 5);
    sqlite3_stmt *items = prepare(s, "SELECT path, comment FROM review_item WHERE review = ?1 ORDER BY path", err);
    if (!items)
        return -1;
    sqlite3_bind_int64(items, 1, sqlite3_column_int64(st, 0));
    int rc;
    size_t cap = 0;
    while ((rc = sqlite3_step(items)) == SQLITE_ROW) {
        if (out->n_notes == cap)
            out->notes = hh_xrealloc(out->notes, (cap = cap ? 2 * cap : 4) * sizeof *out->notes);
        out->notes[out->n_notes++] = (hh_review_note){ hh_store_column_dup(items, 0), hh_store_column_dup(items, 1) };
    }
    return read_end(s, items, rc, 0, err);
}

#define DECISION_COLUMNS "SELECT seq, revision, decision, at, reviewer, comment FROM review"

int hh_review_of(hh_store *s, const char *id, int revision, hh_review *out, hh_buf *err)
{
    memset(out, 0, sizeof *out);
    out->revision = revision;
    sqlite3_stmt *st = hh_store_stmt(s, STMT_REVIEW_HOLDING, err);
    if (!st)
        return -1;
    hh_store_bind_text(st, 1, id);
    sqlite3_bind_int(st, 2, revision);
    int rc = sqlite3_step(st), result = 0;
    if (rc == SQLITE_ROW)
        result = read_decision(s, st, out, err);
    else if (rc != SQLITE_DONE) {
        hh_buf_printf(err, hh_tr("%s: cannot read the reviews: %s", "%s：无法读取审核记录：%s"), s->path,
                      hh_store_errmsg(s));
        result = -1;
    }
    sqlite3_reset(st);
    if (result)
        hh_review_free(out); /* nothing half-read is handed back */
    return result;
}

int hh_review_is_returned(hh_store *s, const char *id, int revision, hh_buf *err)
{
    hh_review r;
    int rc = hh_review_of(s, id, revision, &r, err);
    bool returned = r.state == HH_REVIEW_RETURNED;
    hh_review_free(&r);
    return rc ? -1 : returned;
}

/* `path` without its "[1]" steps: person[1]/name and person/name are one item when
 * the form has one person, and the first of several. */
static void without_first_index(const char *path, hh_buf *out)
{
    out->len = 0;
    hh_buf_puts(out, "");
    for (const char *p = path; *p; p++) {
        if (strncmp(p, "[1]", 3) == 0) {
            p += 2;
            continue;
        }
        hh_buf_putc(out, *p);
    }
}

/* How many "[1]" steps `path` has. */
static int first_indexes(const char *path)
{
    int n = 0;
    for (const char *p = path; (p = strstr(p, "[1]")); p += 3)
        n++;
    return n;
}

/* The item path (nodepath.h) of the first element or attribute at or under `n`
 * that path `typed` names, into `found`; false if none. `wanted` is `typed`
 * without_first_index: person/name names person[1]/name only when person 1 is
 * the only person (it has no "[1]" then), never the first of several. */
static bool find_item(const xmlNode *n, const char *typed, const char *wanted, hh_buf *found, hh_buf *scratch)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        for (const xmlAttr *a = NULL;; a = a ? a->next : n->properties) {
            found->len = 0;
            hh_node_path(a ? (const xmlNode *)a : n, found);
            without_first_index(found->data ? found->data : "", scratch);
            if (strcmp(scratch->data, wanted) == 0 && first_indexes(found->data) <= first_indexes(typed))
                return true;
            if (a ? !a->next : !n->properties)
                break;
        }
        if (find_item(n->children, typed, wanted, found, scratch))
            return true;
    }
    return false;
}

/* The number of `name` elements of the form `root`. */
static long children_named(const xmlNode *root, const char *name)
{
    long n = 0;
    for (const xmlNode *c = root ? root->children : NULL; c; c = c->next)
        n += c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, BAD_CAST name);
    return n;
}

/* The item path of an item the form could hold but does not answer (a household
 * without a phone, which a kept warning names: "phone"; person[2]/phone) that `typed`
 * names, into `found`, as validate names it: a person or visit by its number, without
 * "[1]" when it is the only one; false when `typed` names no item of the form. */
static bool absent_item(const xmlNode *root, const char *typed, hh_buf *found)
{
    static const struct {
        const char *element;
        hh_item_scope scope;
    } repeated[] = { { "person", HH_ITEM_PERSON }, { "visit", HH_ITEM_VISIT } };
    hh_item_scope scope = HH_ITEM_HOUSEHOLD;
    const char *rest = typed;
    long number = 0, count = 0;
    for (size_t r = 0; r < 2; r++) {
        size_t len = strlen(repeated[r].element);
        if (strncmp(typed, repeated[r].element, len) != 0 || (typed[len] != '[' && typed[len] != '/'))
            continue;
        count = children_named(root, repeated[r].element);
        char *end = (char *)typed + len;
        number = typed[len] == '/' ? 1 : strtol(typed + len + 1, &end, 10);
        if (typed[len] == '[' && (strncmp(end, "]/", 2) != 0 || number < 1))
            return false;
        if (number > count || (typed[len] == '/' && count != 1))
            return false;
        scope = repeated[r].scope;
        rest = strchr(end, '/') + 1;
    }
    size_t n;
    const hh_item *items = hh_items_of(scope, &n);
    for (size_t i = 0; i < n; i++)
        if (*items[i].xml_path && strcmp(items[i].xml_path, rest) == 0) {
            found->len = 0;
            if (scope == HH_ITEM_HOUSEHOLD)
                hh_buf_puts(found, rest);
            else if (count == 1)
                hh_buf_printf(found, "%s/%s", scope == HH_ITEM_PERSON ? "person" : "visit", rest);
            else
                hh_buf_printf(found, "%s[%ld]/%s", scope == HH_ITEM_PERSON ? "person" : "visit", number, rest);
            return true;
        }
    return false;
}

/* Each note's path as `validate` names the item in revision `revision`'s form, an
 * item it answers or one it could (malloc'd in *paths, n_notes of them): n_notes
 * when every note names an item,
 * the index of the first that does not, -1 when the form cannot be read. */
static long item_paths(hh_store *s, const char *id, int revision, const hh_review_note *notes, size_t n_notes,
                       char ***paths, hh_buf *err)
{
    *paths = hh_xcalloc(n_notes ? n_notes : 1, sizeof **paths);
    if (n_notes == 0)
        return 0;
    char *xml = NULL;
    size_t len = 0;
    int got = 0;
    if (hh_store_get_xml(s, id, revision, &xml, &len, &got, err) != 0)
        return -1;
    xmlDocPtr doc = hh_store_parse_form(xml, len, id);
    free(xml);
    if (!doc) {
        hh_buf_printf(err, hh_tr("%s: the stored form of %s cannot be read", "%s：无法读取住户 %s 所存的表单"), s->path,
                      id);
        return -1;
    }
    hh_buf wanted, found, scratch;
    hh_buf_init(&wanted);
    hh_buf_init(&found);
    hh_buf_init(&scratch);
    size_t i = 0;
    for (; i < n_notes; i++) {
        without_first_index(notes[i].path, &wanted);
        if (!find_item(xmlDocGetRootElement(doc), notes[i].path, wanted.data, &found, &scratch) &&
            !absent_item(xmlDocGetRootElement(doc), notes[i].path, &found))
            break;
        (*paths)[i] = hh_xstrdup(found.data);
    }
    hh_buf_free(&wanted);
    hh_buf_free(&found);
    hh_buf_free(&scratch);
    xmlFreeDoc(doc);
    return (long)i;
}

/* Whether two notes are on the same item (their paths as item_paths gave them),
 * saying which in `err`. */
static bool same_item(char *const *paths, size_t n, hh_lang lang, hh_buf *err)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(paths[i], paths[j]) == 0) {
                hh_buf_printf(err, hh_text(lang, "item comments %zu and %zu are both on %s: say it in one",
                                           "第 %zu 条和第 %zu 条项目意见都针对 %s：请合为一条"),
                              j + 1, i + 1, paths[i]);
                return true;
            }
    return false;
}

static int insert_decision(hh_store *s, const char *id, int revision, hh_review_state decision, const char *comment,
                           const hh_review_note *notes, char *const *paths, size_t n_notes, const char *reviewer,
                           hh_buf *err)
{
    char now[21];
    hh_timestamp_now(now);
    sqlite3_stmt *st = prepare(s,
                               "INSERT INTO review(household_id, revision, decision, at, reviewer, comment)"
                               " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                               err);
    if (!st)
        return -1;
    hh_store_bind_text(st, 1, id);
    sqlite3_bind_int(st, 2, revision);
    hh_store_bind_text(st, 3, hh_review_state_name(decision));
    hh_store_bind_text(st, 4, now);
    hh_store_bind_text(st, 5, reviewer);
    hh_store_bind_text(st, 6, comment && *comment ? comment : NULL);
    int rc = hh_store_step_done(s, st, err);
    sqlite3_finalize(st);
    sqlite3_int64 seq = sqlite3_last_insert_rowid(s->db);
    st = rc ? NULL : prepare(s, "INSERT INTO review_item(review, path, comment) VALUES (?1, ?2, ?3)", err);
    for (size_t i = 0; st && rc == 0 && i < n_notes; i++) {
        sqlite3_bind_int64(st, 1, seq);
        hh_store_bind_text(st, 2, paths[i]);
        hh_store_bind_text(st, 3, notes[i].comment);
        rc = hh_store_step_done(s, st, err);
    }
    sqlite3_finalize(st);
    if (rc == 0 && !st && n_notes)
        rc = -1;
    if (rc == 0) {
        char detail[96];
        snprintf(detail, sizeof detail, "%s, %zu item comment%s", hh_review_state_name(decision), n_notes,
                 n_notes == 1 ? "" : "s");
        rc = hh_store_audit(s, reviewer, "review", id, revision, detail, err);
    }
    return rc;
}

/* The longest comment a review keeps, in bytes (some 660 Chinese characters): one
 * that tells the enumerator what to change, not a document; every list of the queue
 * carries it to the phones. */
#define REVIEW_TEXT_MAX 2000

/* Whether `s` holds more than blanks (spaces, tabs, the ideographic space U+3000). */
static bool has_words(const char *s)
{
    while (*s == ' ' || *s == '\t' || strncmp(s, "\xe3\x80\x80", 3) == 0)
        s += *s == ' ' || *s == '\t' ? 1 : 3;
    return *s != '\0';
}

/* hh_review_decide, or with `write` false the same checks without recording
 * anything (hh_review_refusal). */
static hh_decide_result decide(hh_store *s, const char *id, int revision, hh_review_state decision,
                               const char *comment, const hh_review_note *notes, size_t n_notes,
                               const char *reviewer, hh_lang lang, bool write, hh_review *out, hh_buf *err)
{
    if (out)
        memset(out, 0, sizeof *out);
    if (decision == HH_REVIEW_SUBMITTED) {
        hh_buf_printf(err, "%s", hh_text(lang, "a review approves or returns a form", "审核须通过或退回表单"));
        return HH_DECIDE_BAD;
    }
    bool said = comment && has_words(comment);
    if (comment && !said)
        comment = NULL; /* blanks are no comment: none is kept, whatever the decision */
    if (comment && strlen(comment) > REVIEW_TEXT_MAX) {
        hh_buf_printf(err,
                      hh_text(lang, "the comment is longer than %d bytes: say what to change in a few lines",
                              "意见超过 %d 字节：请用几行话说明要修改什么"),
                      REVIEW_TEXT_MAX);
        return HH_DECIDE_BAD;
    }
    if (comment && hh_text_check(comment, false) != HH_TEXT_OK) {
        hh_buf_printf(err, "%s",
                      hh_text(lang,
                              "the comment holds a control character (a line break, a mark reversing the "
                              "direction of text?) or bytes that are not UTF-8: write it again",
                              "意见中含有控制字符（换行、改变文字方向的符号？）或非 UTF-8 字节：请重新填写"));
        return HH_DECIDE_BAD;
    }
    for (size_t i = 0; i < n_notes; i++) {
        if (!notes[i].path || !*notes[i].path || !notes[i].comment || !has_words(notes[i].comment)) {
            hh_buf_printf(err, hh_text(lang, "item comment %zu needs both an item path and words",
                                       "第 %zu 条项目意见须同时有项目路径和内容"),
                          i + 1);
            return HH_DECIDE_BAD;
        }
        if (strlen(notes[i].comment) > REVIEW_TEXT_MAX) {
            hh_buf_printf(err,
                          hh_text(lang, "item comment %zu is longer than %d bytes: say what to change in a few lines",
                                  "第 %zu 条项目意见超过 %d 字节：请用几行话说明要修改什么"),
                          i + 1, REVIEW_TEXT_MAX);
            return HH_DECIDE_BAD;
        }
        if (hh_text_check(notes[i].path, false) != HH_TEXT_OK || hh_text_check(notes[i].comment, false) != HH_TEXT_OK) {
            hh_buf_printf(err,
                          hh_text(lang,
                                  "item comment %zu holds a control character (a line break, a mark reversing "
                                  "the direction of text?) or bytes that are not UTF-8: write it again",
                                  "第 %zu 条项目意见含有控制字符（换行、改变文字方向的符号？）或非 UTF-8 字节："
                                  "请重新填写"),
                          i + 1);
            return HH_DECIDE_BAD;
        }
        said = true;
    }
    if (decision == HH_REVIEW_RETURNED && !said) {
        hh_buf_printf(err, "%s",
                      hh_text(lang, "a returned form needs a comment that tells the enumerator what to change",
                              "退回的表单须附意见，告诉普查员要修改什么"));
        return HH_DECIDE_BAD;
    }
    if (hh_store_begin(s, err))
        return HH_DECIDE_FAILED;
    sqlite3_stmt *st = prepare(s, "SELECT current_revision, deleted_at IS NOT NULL FROM household WHERE id = ?1", err);
    if (st)
        hh_store_bind_text(st, 1, id);
    int current = 0, deleted = 0, rc = st ? sqlite3_step(st) : SQLITE_ERROR;
    if (rc == SQLITE_ROW) {
        current = sqlite3_column_int(st, 0);
        deleted = sqlite3_column_int(st, 1);
    }
    sqlite3_finalize(st);
    hh_decide_result result = HH_DECIDED;
    char **paths = NULL;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        if (st)
            hh_buf_printf(err, hh_text(lang, "%s: cannot read household %s: %s", "%s：无法读取住户 %s：%s"), s->path,
                          id, hh_store_errmsg(s));
        result = HH_DECIDE_FAILED;
    } else if (rc == SQLITE_DONE || deleted) {
        hh_buf_printf(err, hh_text(lang, "no current household %s in %s", "%2$s 中没有现有住户 %1$s"), id, s->path);
        result = HH_DECIDE_NO_HOUSEHOLD;
    } else if (revision && revision != current) {
        hh_buf_printf(err, hh_text(lang, "household %s is at revision %d now, not %d: read it again before deciding",
                                   "住户 %s 现为第 %d 版，不是第 %d 版：请重新读取后再审核"),
                      id, current, revision);
        result = HH_DECIDE_STALE;
    } else {
        long bad = item_paths(s, id, current, notes, n_notes, &paths, err);
        if (bad < 0)
            result = HH_DECIDE_FAILED;
        else if ((size_t)bad < n_notes) {
            hh_buf_printf(err,
                          hh_text(lang,
                                  "item comment %ld: its path names no item of this form (paths as validate "
                                  "prints them, e.g. person[2]/birthDate or enumeration/@date)",
                                  "第 %ld 条项目意见：其路径不是此表单的项目（路径同 validate 所示，如 "
                                  "person[2]/birthDate 或 enumeration/@date）"),
                          bad + 1);
            result = HH_DECIDE_BAD;
        } else if (same_item(paths, n_notes, lang, err))
            result = HH_DECIDE_BAD;
        else if (write && (insert_decision(s, id, current, decision, comment, notes, paths, n_notes, reviewer, err) ||
                           (out && hh_review_of(s, id, current, out, err)) || hh_store_commit(s, err)))
            result = HH_DECIDE_FAILED;
    }
    if (result != HH_DECIDED || !write) {
        hh_store_rollback(s);
        if (out)
            hh_review_free(out);
    }
    for (size_t i = 0; paths && i < n_notes; i++)
        free(paths[i]);
    free(paths);
    return result;
}

hh_decide_result hh_review_decide(hh_store *s, const char *id, int revision, hh_review_state decision,
                                  const char *comment, const hh_review_note *notes, size_t n_notes,
                                  const char *reviewer, hh_lang lang, hh_review *out, hh_buf *err)
{
    return decide(s, id, revision, decision, comment, notes, n_notes, reviewer, lang, true, out, err);
}

hh_decide_result hh_review_refusal(hh_store *s, const char *id, int revision, hh_review_state decision,
                                   const char *comment, const hh_review_note *notes, size_t n_notes, hh_lang lang,
                                   hh_buf *err)
{
    return decide(s, id, revision, decision, comment, notes, n_notes, NULL, lang, false, NULL, err);
}

int hh_review_each(hh_store *s, const char *area, hh_review_state state,
                   void (*fn)(const hh_review_row *row, void *arg), void *arg, hh_buf *err)
{
    sqlite3_stmt *st = prepare(s,
                               "SELECT h.id, h.current_revision, r.building, r.unit, r.room, r.enumerator, r.stored_at"
                               STORE_FROM_CURRENT " WHERE h.deleted_at IS NULL AND " STORE_IN_AREA " ORDER BY h.id",
                               err);
    if (!st)
        return -1;
    hh_store_bind_text(st, 1, area && *area ? area : NULL);
    int rc, result = 0;
    while (result == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        hh_review r;
        hh_review_row row = { (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 2),
                              (const char *)sqlite3_column_text(st, 3), (const char *)sqlite3_column_text(st, 4),
                              (const char *)sqlite3_column_text(st, 5), (const char *)sqlite3_column_text(st, 6),
                              sqlite3_column_int(st, 1), &r };
        result = hh_review_of(s, row.id, row.revision, &r, err);
        if (result == 0 && r.state == state)
            fn(&row, arg);
        hh_review_free(&r);
    }
    return read_end(s, st, rc, result, err);
}

int hh_review_history(hh_store *s, const char *id, void (*fn)(const hh_review *r, void *arg), void *arg,
                      hh_buf *err)
{
    sqlite3_stmt *st = prepare(s, DECISION_COLUMNS " WHERE household_id = ?1 ORDER BY seq", err);
    if (!st)
        return -1;
    hh_store_bind_text(st, 1, id);
    int rc, result = 0;
    while (result == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        hh_review r = { 0 };
        result = read_decision(s, st, &r, err);
        if (result == 0)
            fn(&r, arg);
        hh_review_free(&r);
    }
    return read_end(s, st, rc, result, err);
}
