/* store_check.c — see store_check.h. Corruption is reported, never repaired: SQLite's messages
 * are passed on as STORE-INTEGRITY problems naming the store file. Beyond SQLite's checks it
 * looks for what was altered outside hhreg — a store file readable by others, a trigger gone,
 * a broken audit chain, a revision whose digest or rows no longer follow from its stored
 * form — and reports each in plain words, naming household ids and revision numbers but
 * never a stored value. */
#include "store_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "derived.h"
#include "digest.h"
#include "form_json.h"
#include "input.h"
#include "store_internal.h"
#include "validate.h"

static void integrity(hh_store *s, hh_diags *d, hh_check_report *r)
{
    sqlite3 *db = s->db;
    const char *checks[] = { "PRAGMA integrity_check", "PRAGMA foreign_key_check" };
    for (int k = 0; k < 2; k++) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db, checks[k], -1, &st, NULL) != SQLITE_OK) {
            hh_diags_add(d, hh_store_path(s), 0, HH_ERROR, "STORE-INTEGRITY", "", sqlite3_errmsg(db),
                         sqlite3_errmsg(db));
            r->integrity_problems++;
            continue;
        }
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            char msg[512], msg_zh[512];
            if (k == 0) {
                const char *text = (const char *)sqlite3_column_text(st, 0);
                if (text && strcmp(text, "ok") == 0)
                    continue;
                snprintf(msg, sizeof msg, "integrity check: %s", text ? text : "?");
                snprintf(msg_zh, sizeof msg_zh, "完整性检查：%s", text ? text : "?");
            } else {
                long long row = (long long)sqlite3_column_int64(st, 1);
                const char *table = (const char *)sqlite3_column_text(st, 0);
                const char *parent = (const char *)sqlite3_column_text(st, 2);
                snprintf(msg, sizeof msg, "foreign key check: row %lld of table %s has no parent in %s", row, table,
                         parent);
                snprintf(msg_zh, sizeof msg_zh, "外键检查：表 %s 的第 %lld 行在 %s 中没有对应的父行", table, row,
                         parent);
            }
            hh_diags_add(d, hh_store_path(s), 0, HH_ERROR, "STORE-INTEGRITY", "", msg, msg_zh);
            r->integrity_problems++;
        }
        if (rc != SQLITE_DONE) {
            hh_diags_add(d, hh_store_path(s), 0, HH_ERROR, "STORE-INTEGRITY", "", sqlite3_errstr(rc),
                         sqlite3_errstr(rc));
            r->integrity_problems++;
        }
        sqlite3_finalize(st);
    }
}

/* A finding about the store file as a whole, or about one revision (revision > 0),
 * counted in `tally`. */
static void finding(hh_store *s, hh_diags *d, long *tally, const char *rule, const char *id, int revision,
                    const char *en, const char *zh)
{
    char where_en[160] = "", where_zh[160] = "";
    if (revision > 0) {
        snprintf(where_en, sizeof where_en, "household %s, revision %d: ", id ? id : "(without an id)", revision);
        snprintf(where_zh, sizeof where_zh, "户 %s 第 %d 版：", id ? id : "（无编号）", revision);
    }
    char *msg_en = hh_xasprintf("%s%s", where_en, en), *msg_zh = hh_xasprintf("%s%s", where_zh, zh);
    hh_diags_add(d, hh_store_path(s), 0, HH_ERROR, rule, "", msg_en, msg_zh);
    free(msg_en);
    free(msg_zh);
    (*tally)++;
}

/* The store file readable or writable by others (the -wal and -shm take its mode). */
static void check_mode(hh_store *s, hh_diags *d, hh_check_report *r)
{
    struct stat st;
    if (stat(hh_store_path(s), &st) == 0 && (st.st_mode & 077))
        finding(s, d, &r->mode_problems, "STORE-MODE", NULL, 0,
                "the store file may be read by other users (its mode is wider than 0600); "
                "make it private with chmod 600",
                "存储文件可被其他用户读取（权限宽于 0600）；请用 chmod 600 设为仅本人可读写");
}

/* Each trigger that keeps history must be there as it was created. */
static void check_triggers(hh_store *s, hh_diags *d, hh_check_report *r)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name = ?1"
                           " AND sql = ?2", -1, &st, NULL) != SQLITE_OK) {
        finding(s, d, &r->alterations, "STORE-TRIGGER", NULL, 0, "the safeguards (triggers) cannot be read",
                "无法读取保护触发器");
        return;
    }
    for (const hh_store_trigger *t = hh_store_triggers; t->name; t++) {
        sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, t->sql, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        if (rc != SQLITE_ROW) {
            finding(s, d, &r->alterations, "STORE-TRIGGER", NULL, 0, "the safeguards (triggers) cannot be read",
                    "无法读取保护触发器");
            break;
        }
        if (sqlite3_column_int(st, 0) == 0) {
            char en[200], zh[200];
            snprintf(en, sizeof en, "the safeguard %s is missing or changed: history could have been rewritten",
                     t->name);
            snprintf(zh, sizeof zh, "保护触发器 %s 缺失或被改动：历史记录可能已被改写", t->name);
            finding(s, d, &r->alterations, "STORE-TRIGGER", NULL, 0, en, zh);
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
}

/* What the household table and the document index say, against the revisions and
 * the audit log they follow from: a tombstone the log does not record (or a delete,
 * not undone by a later undelete, that the table lost), a current revision that is not the newest
 * without a conflict open, a parent missing or not older than its revision, and
 * document numbers indexed that the current persons do not hold, or the reverse (a
 * duplicate ID number could then be stored), a number both merged and pending (or
 * pending twice: store_bulk.c), and a revision or tombstone the change
 * feed lacks. Household ids only, never values. */
static void check_households(hh_store *s, hh_diags *d, hh_check_report *r)
{
    static const struct {
        const char *sql, *en, *zh; /* what is wrong with the household */
    } rules[] = {
        { "SELECT id FROM household h WHERE (deleted_at IS NOT NULL) <> coalesce((SELECT a.operation = 'delete'"
          " FROM audit a WHERE a.operation IN ('delete', 'undelete') AND a.household_id = h.id"
          " ORDER BY a.seq DESC LIMIT 1), 0) ORDER BY id",
          "its deletion mark does not match the audit log", "删除标记与审计日志不符" },
        { "SELECT id FROM household h WHERE current_revision IS NOT"
          " (SELECT max(revision) FROM revision v WHERE v.household_id = h.id)"
          " AND NOT EXISTS (SELECT 1 FROM conflict c WHERE c.household_id = h.id AND c.resolved_at IS NULL) ORDER BY id",
          "its current revision is not its newest one, and no conflict is open", "当前版本不是最新版本，且没有未解决的冲突" },
        { "SELECT DISTINCT household_id FROM revision v WHERE (parent IS NOT NULL AND NOT EXISTS (SELECT 1 FROM"
          " revision p WHERE p.household_id = v.household_id AND p.revision = v.parent AND p.revision < v.revision))"
          " OR (merged_from IS NOT NULL AND NOT EXISTS (SELECT 1 FROM revision p WHERE p.household_id ="
          " v.household_id AND p.revision = v.merged_from AND p.revision < v.revision)) ORDER BY household_id",
          "a revision's parent is missing or not older than it", "某版本的父版本缺失或不早于该版本" },
        { "SELECT DISTINCT household_id FROM ("
          " SELECT p.document_type, p.document_number, p.household_id, p.line FROM person p"
          " JOIN household h ON h.id = p.household_id AND p.revision = h.current_revision"
          " WHERE h.deleted_at IS NULL AND p.document_number IS NOT NULL"
          " EXCEPT SELECT document_type, document_number, household_id, line FROM document_any)"
          " UNION SELECT DISTINCT household_id FROM ("
          " SELECT document_type, document_number, household_id, line FROM document_any"
          " EXCEPT SELECT p.document_type, p.document_number, p.household_id, p.line FROM person p"
          " JOIN household h ON h.id = p.household_id AND p.revision = h.current_revision"
          " WHERE h.deleted_at IS NULL AND p.document_number IS NOT NULL) ORDER BY 1",
          "the index of document numbers differs from its current persons", "证件号码索引与当前人员不符" },
        { "SELECT p.household_id FROM document_pending p JOIN document d USING (document_type, document_number)"
          " UNION SELECT d.household_id FROM document_pending p JOIN document d USING (document_type, document_number)"
          " UNION SELECT household_id FROM document_pending WHERE (document_type, document_number) IN"
          " (SELECT document_type, document_number FROM document_pending GROUP BY 1, 2 HAVING count(*) > 1)"
          " ORDER BY 1",
          "a document number of it is indexed twice (merged and pending)", "其证件号码在索引中出现两次（已合并与待合并）" },
        { "SELECT DISTINCT household_id FROM revision r WHERE NOT EXISTS (SELECT 1 FROM change c"
          " WHERE c.household_id = r.household_id AND c.kind = 'revision' AND c.revision = r.revision)"
          " UNION SELECT id FROM household h WHERE deleted_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM change c"
          " WHERE c.household_id = h.id AND c.kind = 'tombstone') ORDER BY 1",
          "a revision or its deletion is missing from the change feed (an incremental export would miss it)",
          "有版本或删除记录不在变更序列中（增量导出会漏掉它）" },
    };
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(s->db, rules[i].sql, -1, &st, NULL) != SQLITE_OK) {
            finding(s, d, &r->alterations, "STORE-ROWS", NULL, 0, "the households cannot be read", "无法读取住户表");
            continue;
        }
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            const char *id = (const char *)sqlite3_column_text(st, 0);
            char *en = hh_xasprintf("household %s: %s", id ? id : "(without an id)", rules[i].en);
            char *zh = hh_xasprintf("户 %s：%s", id ? id : "（无编号）", rules[i].zh);
            finding(s, d, &r->alterations, "STORE-ROWS", NULL, 0, en, zh);
            free(en);
            free(zh);
        }
        if (rc != SQLITE_DONE)
            finding(s, d, &r->alterations, "STORE-ROWS", NULL, 0, "the households cannot be read", "无法读取住户表");
        sqlite3_finalize(st);
    }
}

/* Follows the audit chain (migration 3) and reports the first entry that does not
 * follow from the one before it, and entries removed from the end. */
static void check_audit_chain(hh_store *s, hh_diags *d, hh_check_report *r)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT seq, lag(seq) OVER w, chain IS hh_audit_link(lag(chain) OVER w, seq, at, actor,"
                           " operation, household_id, revision, detail),"
                           " (SELECT seq FROM sqlite_sequence WHERE name = 'audit')"
                           " FROM audit WINDOW w AS (ORDER BY seq) ORDER BY seq",
                           -1, &st, NULL) != SQLITE_OK) {
        finding(s, d, &r->alterations, "STORE-AUDIT", NULL, 0, "the audit log cannot be read", "无法读取审计日志");
        return;
    }
    long long last = 0, sequence = 0;
    char en[200] = "", zh[200] = "";
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long long seq = sqlite3_column_int64(st, 0), previous = sqlite3_column_int64(st, 1);
        sequence = sqlite3_column_int64(st, 3);
        last = seq;
        if (seq != previous + 1) {
            snprintf(en, sizeof en, "the audit log was altered: the entries between entry %lld and entry %lld were "
                     "removed", previous, seq);
            snprintf(zh, sizeof zh, "审计日志被改动：第 %lld 条与第 %lld 条之间的记录被删除", previous, seq);
        } else if (!sqlite3_column_int(st, 2)) {
            snprintf(en, sizeof en, "the audit log was altered: entry %lld does not follow from the one before it "
                     "(changed, removed or inserted outside hhreg)", seq);
            snprintf(zh, sizeof zh, "审计日志被改动：第 %lld 条与前一条不相衔接（在 hhreg 之外被修改、删除或插入）", seq);
        }
        if (*en)
            break;
    }
    if (!*en && rc == SQLITE_DONE && sequence > last) {
        snprintf(en, sizeof en, "the audit log was altered: the entries after entry %lld were removed", last);
        snprintf(zh, sizeof zh, "审计日志被改动：第 %lld 条之后的记录被删除", last);
    } else if (!*en && rc != SQLITE_DONE) {
        snprintf(en, sizeof en, "the audit log cannot be read: %s", sqlite3_errstr(rc));
        snprintf(zh, sizeof zh, "无法读取审计日志：%s", sqlite3_errstr(rc));
    }
    sqlite3_finalize(st);
    if (*en)
        finding(s, d, &r->alterations, "STORE-AUDIT", NULL, 0, en, zh);
}

/* The JSON key nearest before the first difference of two renderings: the item that
 * differs, never its value. */
static void differing_item(const char *a, const char *b, char *item, size_t n)
{
    size_t i = 0;
    while (a[i] && a[i] == b[i])
        i++;
    snprintf(item, n, "?");
    for (size_t j = i; j-- > 1;) {
        if (a[j] != ':' || a[j - 1] != '"' || (j > 1 && a[j - 2] == '\\'))
            continue;
        size_t k = j - 1;
        while (k > 0 && a[k - 1] != '"')
            k--;
        snprintf(item, n, "%.*s", (int)(j - 1 - k), a + k);
        return;
    }
}

/* True when the derived columns kept with the revision are those its form gives. */
static bool same_derived(const hh_stored_revision *sr, const hh_household *h)
{
    hh_household_derived hd;
    hh_person_derived *pd = hh_xcalloc(h->n_persons ? h->n_persons : 1, sizeof *pd);
    hh_derive(h, &hd, pd);
    const hh_household_derived *kept = &sr->derived;
    bool same = hd.size == kept->size && hd.elderly60 == kept->elderly60 && hd.elderly65 == kept->elderly65 &&
                hd.disabled == kept->disabled && hd.living_alone == kept->living_alone &&
                hd.empty_nest == kept->empty_nest && h->n_persons == sr->household->n_persons;
    for (size_t i = 0; same && i < h->n_persons; i++)
        same = pd[i].age == sr->person_derived[i].age && pd[i].age_group == sr->person_derived[i].age_group &&
               pd[i].disabled == sr->person_derived[i].disabled;
    free(pd);
    return same;
}

/* The stored form read as `show` reads it; its digest and the rows kept beside it
 * must follow from it. */
static void check_revision_rows(hh_store *s, hh_diags *d, hh_check_report *r, const hh_stored_revision *sr)
{
    const char *id = sr->household->id;
    xmlDocPtr doc = hh_store_parse_form(sr->xml, sr->xml_len, id);
    hh_household *h = doc ? hh_household_from_doc(doc) : NULL;
    if (!h) {
        finding(s, d, &r->alterations, "STORE-UNREADABLE", id, sr->revision,
                "the stored form cannot be read as 'hhreg show' reads it (not well-formed, or not UTF-8)",
                "无法按 hhreg show 的方式读取所存表单（格式不正确或不是 UTF-8）");
        xmlFreeDoc(doc);
        return;
    }
    char digest[65];
    char content[65];
    if (hh_form_digests(doc, digest, content) != 0 || !sr->sha256 || strcmp(digest, sr->sha256) != 0 ||
        (sr->content_sha256 && strcmp(content, sr->content_sha256) != 0))
        finding(s, d, &r->alterations, "STORE-DIGEST", id, sr->revision,
                "the digest kept with the revision is not the digest of its stored form",
                "该版本保存的摘要与所存表单的摘要不符");
    hh_buf from_form, from_rows;
    hh_buf_init(&from_form);
    hh_buf_init(&from_rows);
    hh_household_json(&from_form, h);
    hh_household form_rows = *sr->household; /* the rows of the form, without the visit log beside it */
    form_rows.n_logged = 0;
    hh_household_json(&from_rows, &form_rows);
    if (strcmp(from_form.data, from_rows.data) != 0) {
        char item[64], en[256], zh[256];
        differing_item(from_form.data, from_rows.data, item, sizeof item);
        snprintf(en, sizeof en, "the item '%s' in the revision, person or visit rows differs from the stored form",
                 item);
        snprintf(zh, sizeof zh, "版本、人员或走访记录中的项目“%s”与所存表单不符", item);
        finding(s, d, &r->alterations, "STORE-ROWS", id, sr->revision, en, zh);
    } else if (!same_derived(sr, h)) {
        finding(s, d, &r->alterations, "STORE-ROWS", id, sr->revision,
                "the derived values kept with the revision (household size, elderly, disability, age) "
                "differ from those of the stored form",
                "该版本保存的推算值（户人数、老年人、残疾、年龄）与所存表单不符");
    }
    hh_buf_free(&from_form);
    hh_buf_free(&from_rows);
    hh_household_free(h);
    xmlFreeDoc(doc);
}

typedef struct revalidation {
    hh_store *s;
    hh_validator *v;
    hh_diags *d;
    hh_check_report *r;
} revalidation;

static int check_form(hh_form_input *form, void *arg)
{
    revalidation *rv = arg;
    size_t before = rv->d->errors;
    hh_diags mine;
    hh_diags_init(&mine);
    hh_validator_check(rv->v, form, &mine);
    /* warnings were accepted when the form was stored; only errors matter now */
    for (size_t i = 0; i < mine.n; i++) {
        const hh_diag *g = &mine.items[i];
        if (g->severity == HH_ERROR)
            hh_diags_add(rv->d, g->file, g->line, HH_ERROR, g->rule, g->path, g->msg_en, g->msg_zh);
    }
    hh_diags_free(&mine);
    if (rv->d->errors > before)
        rv->r->invalid_forms++;
    return 0;
}

/* Every revision: readable, its digest and rows intact; a current one re-validated. */
static int check_revision(const hh_stored_revision *sr, void *arg)
{
    revalidation *rv = arg;
    if (sr->damaged) {
        rv->r->damaged_revisions++;
        finding(rv->s, rv->d, &rv->r->alterations, "STORE-DAMAGED", sr->household->id, sr->revision,
                "the revision is damaged: its stored form or a required column cannot be read",
                "该版本已损坏：所存表单或必填列无法读取");
        return 0;
    }
    if (sr->unaccounted) {
        rv->r->damaged_revisions++;
        char *en = hh_xasprintf("the store's counts of its %s disagree: an index has lost entries (REINDEX, "
                                "or restore a backup)", sr->unaccounted[0]);
        char *zh = hh_xasprintf("存储库中其%s的计数不一致：索引丢失了条目（REINDEX，或从备份恢复）", sr->unaccounted[1]);
        finding(rv->s, rv->d, &rv->r->alterations, "STORE-DAMAGED", sr->household->id, sr->revision, en, zh);
        free(en);
        free(zh);
    }
    check_revision_rows(rv->s, rv->d, rv->r, sr);
    if (!sr->current)
        return 0;
    char name[96];
    snprintf(name, sizeof name, "%s@r%d", sr->household->id, sr->revision);
    size_t before = rv->d->errors;
    hh_read_stats st = hh_read_forms_memory(sr->xml, sr->xml_len, name, rv->d, check_form, rv);
    if (st.refused && rv->d->errors > before)
        rv->r->invalid_forms++;
    return 0;
}

/* What the store holds, counted: 0, or -1 with `err`. */
static int count_contents(hh_store *s, hh_check_report *r, hh_buf *err)
{
#define CURRENT_ROWS(table, alias)                                                                   \
    "SELECT count(*) FROM " table " " alias " JOIN household h ON h.id = " alias ".household_id"     \
    " AND h.current_revision = " alias ".revision WHERE h.deleted_at IS NULL"
    const struct {
        long *value;
        const char *sql;
    } counts[] = {
        { &r->households, "SELECT count(*) FROM household WHERE deleted_at IS NULL" },
        { &r->deleted, "SELECT count(*) FROM household WHERE deleted_at IS NOT NULL" },
        { &r->revisions, "SELECT count(*) FROM revision" },
        { &r->persons, CURRENT_ROWS("person", "p") },
        { &r->visits, "SELECT (" CURRENT_ROWS("visit", "v") ") + (SELECT count(*) FROM visit_log l JOIN household h"
                      " ON h.id = l.household_id WHERE h.deleted_at IS NULL)" }, /* the forms' and the visit log's */
        { &r->warnings, CURRENT_ROWS("form_warning", "w") },
        { &r->audit_entries, "SELECT count(*) FROM audit" },
    };
#undef CURRENT_ROWS
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        if ((*counts[i].value = hh_store_sql_long(s->db, counts[i].sql)) < 0) {
            hh_buf_printf(err, hh_tr("%s: cannot count what the store holds: %s", "%s：无法统计存储库中的内容：%s"),
                          s->path, hh_store_errmsg(s));
            return -1;
        }
    return 0;
}

int hh_store_check(hh_store *s, const hh_schemaset *set, hh_diags *d, hh_check_report *r, hh_buf *err)
{
    memset(r, 0, sizeof *r);
    check_mode(s, d, r);
    integrity(s, d, r);
    if (r->integrity_problems)
        return 0;
    if (count_contents(s, r, err))
        return -1;
    check_triggers(s, d, r);
    check_audit_chain(s, d, r);
    check_households(s, d, r);
    revalidation rv = { s, hh_validator_new(set), d, r };
    if (!rv.v) {
        hh_buf_puts(err, hh_tr("cannot create a validator", "无法创建校验器"));
        return -1;
    }
    int rc = hh_store_walk(s, true, NULL, -1, true, check_revision, &rv, err);
    hh_validator_free(rv.v);
    return rc;
}

int hh_store_quick_check(hh_store *s, hh_buf *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, "PRAGMA quick_check(1)", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    const char *said = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
    bool sound = said && strcmp(said, "ok") == 0;
    const char *last_line = said && strrchr(said, '\n') ? strrchr(said, '\n') + 1 : said; /* after "*** in database" */
    if (said && !sound)
        hh_buf_printf(err, hh_tr("%s: the store is damaged (%s)", "%s：存储库已损坏（%s）"), s->path, last_line);
    else if (!said)
        hh_buf_printf(err, hh_tr("%s: cannot check whether the store is sound: %s", "%s：无法检查存储库是否完好：%s"),
                      s->path, hh_store_errmsg(s));
    sqlite3_finalize(st);
    return sound ? 0 : -1;
}

int hh_store_check_feed(hh_store *s, const hh_feed_handed *handed, hh_buf *err)
{
    /* the last number AUTOINCREMENT gave (a rolled-back entry gives its number back,
     * and entries are never deleted: migration 11's triggers), the entries after
     * `since` and the newest one; then what they name, by household (found from the
     * entries after `since`, NOT INDEXED: SQLite would otherwise read the whole index
     * on household_id, 60 ms of a 465,000-household store, and an index entry lost
     * there would hide a deletion from this count as from the export) */
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(
        s->db,
        "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'change'), 0),"
        " (SELECT count(*) FROM change WHERE seq > ?1), (SELECT coalesce(max(seq), 0) FROM change),"
        " (SELECT count(*) FROM change WHERE seq > ?1 AND kind = 'revision'), d.*"
        " FROM (SELECT count(*) FILTER (WHERE h.id IS NULL), count(*) FILTER (WHERE h.deleted_at IS NULL"
        "  AND h.id IS NOT NULL), count(*) FILTER (WHERE h.deleted_at IS NOT NULL AND c.deleted)"
        "  FROM (SELECT household_id AS id, max(kind = 'tombstone') AS deleted FROM change NOT INDEXED WHERE seq > ?1"
        "  GROUP BY household_id) c LEFT JOIN household h ON h.id = c.id) d",
        -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, handed->since);
        rc = sqlite3_step(st);
    }
    if (rc != SQLITE_ROW) {
        hh_buf_printf(err, hh_tr("%s: cannot check whether the store is sound: %s", "%s：无法检查存储库是否完好：%s"),
                      s->path, hh_store_errmsg(s));
        sqlite3_finalize(st);
        return -1;
    }
    long long last = sqlite3_column_int64(st, 0), after = sqlite3_column_int64(st, 1),
              newest = sqlite3_column_int64(st, 2), revisions = sqlite3_column_int64(st, 3),
              missing = sqlite3_column_int64(st, 4), current = sqlite3_column_int64(st, 5),
              tombstones = sqlite3_column_int64(st, 6);
    sqlite3_finalize(st);
    long long expected = last > handed->since ? last - handed->since : 0;
    if (after != expected)
        hh_buf_printf(err,
                      hh_tr("%s: the store is damaged (its change feed reads %lld entries after %lld, and numbers %lld)",
                            "%1$s：存储库已损坏（变更 %3$lld 之后的变更记录读出 %2$lld 条，编号却有 %4$lld 条）"),
                      s->path, after, handed->since, expected);
    else if (newest != last)
        hh_buf_printf(err,
                      hh_tr("%s: the store is damaged (its change feed's newest entry reads %lld, and it numbers %lld)",
                            "%s：存储库已损坏（变更记录最新一条读出为 %lld，编号却到 %lld）"),
                      s->path, newest, last);
    else if (missing)
        hh_buf_printf(err,
                      hh_tr("%s: the store is damaged (%lld households its change feed names cannot be read)",
                            "%s：存储库已损坏（变更记录中的 %lld 户无法读出）"),
                      s->path, missing);
    else if (current != handed->households || tombstones != handed->tombstones)
        hh_buf_printf(err,
                      hh_tr("%s: the store is damaged (its change feed names %lld households and %lld deletions after"
                            " %lld, and %ld and %ld could be read)",
                            "%1$s：存储库已损坏（变更 %4$lld 之后的变更记录涉及 %2$lld 户、%3$lld 次删除，"
                            "能读出的是 %5$ld 户、%6$ld 次）"),
                      s->path, current, tombstones, handed->since, handed->households, handed->tombstones);
    else if (handed->revisions >= 0 && revisions != handed->revisions)
        hh_buf_printf(err,
                      hh_tr("%s: the store is damaged (its change feed names %lld revisions after %lld, and %ld could"
                            " be read)",
                            "%1$s：存储库已损坏（变更 %3$lld 之后的变更记录涉及 %2$lld 个版本，能读出的是 %4$ld 个）"),
                      s->path, revisions, handed->since, handed->revisions);
    else
        return 0;
    return -1;
}
