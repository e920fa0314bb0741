/* test_items.c — the item dictionary (items.h) and the proof that walking it did no
 * harm: every element and attribute of the XSD is a row and every row is in the XSD;
 * every item but a person's line and the member count has its question (prompt, bounds,
 * when asked) in the table, and guided entry asks each once as the table says; a store made from
 * samples/households dumps (every table, volatile columns masked) exactly as
 * tests/data/households-store.dump.gz, made with the code before the table; and
 * `show --json` of every sample household is its jsonl export line without
 * "revision", so the two shapes cannot drift; and `show`'s text of every sample
 * household, in English and Chinese, is as tests/data/households-show.txt.gz, made
 * with the binary before show walked the table. */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zlib.h>

#include "entry.h"
#include "items.h"

#include "testutil.h"
#include "util.h"

Suite *make_items_suite(void);

/* --- the XSD and the table ------------------------------------------------------ */

static const xmlNode *find_type(const xmlNode *schema, const char *name)
{
    for (const xmlNode *n = schema->children; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST "complexType")) {
            xmlChar *nm = xmlGetProp(n, BAD_CAST "name");
            int same = nm && strcmp((const char *)nm, name) == 0;
            xmlFree(nm);
            if (same)
                return n;
        }
    return NULL;
}

/* Appends to `paths` ("\n"-separated) every element and attribute under complex type
 * `type`, as item paths ("address/district/@code"), `prefix` being the path so far. */
static void collect(const xmlNode *schema, const xmlNode *type, const char *prefix, hh_buf *paths)
{
    for (const xmlNode *n = type->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        xmlChar *name = xmlGetProp(n, BAD_CAST "name"), *tname = xmlGetProp(n, BAD_CAST "type");
        if (xmlStrEqual(n->name, BAD_CAST "element") && name) {
            char *path = hh_xasprintf("%s%s%s", prefix, *prefix ? "/" : "", (const char *)name);
            const xmlNode *sub = tname ? find_type(schema, (const char *)tname) : NULL;
            bool simple_content = false;
            for (const xmlNode *c = sub ? sub->children : NULL; c; c = c->next)
                simple_content |= c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, BAD_CAST "simpleContent");
            /* an element of simple type, or with simple content, holds a value itself */
            if (!sub || simple_content)
                hh_buf_printf(paths, "%s\n", path);
            if (sub)
                collect(schema, sub, path, paths);
            free(path);
        } else if (xmlStrEqual(n->name, BAD_CAST "attribute") && name) {
            hh_buf_printf(paths, "%s%s@%s\n", prefix, *prefix ? "/" : "", (const char *)name);
        } else if (!xmlStrEqual(n->name, BAD_CAST "element")) {
            collect(schema, n, prefix, paths); /* sequence, simpleContent, extension */
        }
        xmlFree(name);
        xmlFree(tname);
    }
}

static const char *const scope_root[] = { [HH_ITEM_HOUSEHOLD] = "", [HH_ITEM_PERSON] = "person",
                                          [HH_ITEM_VISIT] = "visit" };

static char *row_path(const hh_item *it)
{
    const char *root = scope_root[it->scope];
    return hh_xasprintf("%s%s%s", root, *root && *it->xml_path ? "/" : "", it->xml_path);
}

START_TEST(every_xsd_item_is_a_row_and_every_row_is_in_the_xsd)
{
    char *xsd = hh_xasprintf("%s/household-1.xsd", tu_schema_dir());
    xmlDocPtr doc = xmlReadFile(xsd, NULL, XML_PARSE_NONET);
    ck_assert_msg(doc != NULL, "%s cannot be read", xsd);
    const xmlNode *schema = xmlDocGetRootElement(doc);
    hh_buf paths;
    hh_buf_init(&paths);
    collect(schema, find_type(schema, "Household"), "", &paths);
    /* each XSD path names a row */
    char *save = NULL;
    char *all = hh_xstrdup(paths.data);
    size_t xsd_items = 0;
    for (char *p = strtok_r(all, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
        xsd_items++;
        bool found = false;
        for (size_t i = 0; i < hh_item_count && !found; i++) {
            char *rp = row_path(&hh_items[i]);
            found = strcmp(rp, p) == 0;
            free(rp);
        }
        ck_assert_msg(found, "%s: the XSD's %s is not a row of the item table (src/lib/items.def)", xsd, p);
    }
    /* each row is an XSD path */
    for (size_t i = 0; i < hh_item_count; i++) {
        char *rp = row_path(&hh_items[i]);
        char *line = hh_xasprintf("\n%s\n", rp);
        char *hay = hh_xasprintf("\n%s", paths.data);
        ck_assert_msg(strstr(hay, line) != NULL, "item %s (src/lib/items.def): %s is not in %s", hh_items[i].key, rp,
                      xsd);
        free(hay);
        free(line);
        free(rp);
    }
    ck_assert_uint_eq(xsd_items, hh_item_count);
    free(all);
    hh_buf_free(&paths);
    xmlFreeDoc(doc);
    free(xsd);
}
END_TEST

START_TEST(keys_and_columns_are_unique_within_a_scope)
{
    for (size_t i = 0; i < hh_item_count; i++)
        for (size_t j = i + 1; j < hh_item_count; j++) {
            if (hh_items[i].scope != hh_items[j].scope)
                continue;
            ck_assert_msg(strcmp(hh_items[i].key, hh_items[j].key) != 0, "item key %s twice", hh_items[i].key);
            ck_assert_msg(strcmp(hh_items[i].column, hh_items[j].column) != 0, "store column %s twice",
                          hh_items[i].column);
        }
}
END_TEST

/* Until guided entry asks its questions from the table, each question about an item
 * must name it as the table does: same key, same XML path, same code list. */
/* Every item but a person's line (its place in the roster) has exactly one question
 * in items.def (HH_ITEM_QUESTIONS), every question row names an item, and its bounds
 * fit its kind. */
START_TEST(every_item_but_a_persons_line_has_one_question)
{
    for (size_t i = 0; i < hh_item_count; i++) {
        const hh_item *it = &hh_items[i];
        size_t rows = 0;
        for (size_t q = 0; q < hh_item_question_count; q++)
            rows += hh_item_questions[q].scope == it->scope && strcmp(hh_item_questions[q].key, it->key) == 0;
        bool unasked = it->scope == HH_ITEM_PERSON && strcmp(it->key, "line") == 0;
        ck_assert_msg(rows == (unasked ? 0u : 1u), "items.def: item %s has %zu question rows in HH_ITEM_QUESTIONS",
                      it->key, rows);
    }
    for (size_t q = 0; q < hh_item_question_count; q++) {
        const hh_item_question *iq = &hh_item_questions[q];
        const hh_item *it = hh_item_find(iq->scope, iq->key);
        ck_assert_msg(it != NULL, "items.def: question %s of HH_ITEM_QUESTIONS names no item of its scope", iq->key);
        ck_assert_msg(*iq->en && *iq->zh && strcmp(iq->en, iq->zh) != 0,
                      "items.def: question %s needs a prompt in English and one in Chinese", iq->key);
        if (it->kind == HH_ITEM_NUMBER)
            ck_assert_msg(iq->min < iq->max, "items.def: question %s: its bounds are empty", iq->key);
        else if (it->kind == HH_ITEM_TEXT)
            ck_assert_msg(iq->min == 0 && iq->max > 0, "items.def: question %s: a text needs its most characters",
                          iq->key);
        else
            ck_assert_msg(iq->min == 0 && iq->max == 0, "items.def: question %s: only numbers and texts have bounds",
                          iq->key);
    }
}
END_TEST

/* The conversation (entry_questions.c) asks each item's question exactly once, as
 * items.def words and bounds it, for the item at its path with its code list. */
START_TEST(the_conversation_asks_each_item_once_as_the_table_says)
{
    static const struct {
        hh_q_scope questions;
        hh_item_scope items;
    } scopes[] = { { HH_SCOPE_HOUSEHOLD, HH_ITEM_HOUSEHOLD }, { HH_SCOPE_AFTER_ROSTER, HH_ITEM_HOUSEHOLD },
                   { HH_SCOPE_PERSON, HH_ITEM_PERSON }, { HH_SCOPE_VISIT, HH_ITEM_VISIT } };
    size_t asked[256] = { 0 }, items_asked = 0;
    ck_assert_uint_le(hh_item_question_count, sizeof asked / sizeof asked[0]);
    for (size_t s = 0; s < sizeof scopes / sizeof scopes[0]; s++) {
        size_t nq;
        const hh_question *qs = hh_questions(scopes[s].questions, &nq);
        for (size_t q = 0; q < nq; q++) {
            const hh_item_question *iq = hh_item_question_of(scopes[s].items, qs[q].key);
            const hh_item *it = hh_item_find(scopes[s].items, qs[q].key);
            if (!iq) { /* a question that is not an item: none has an item's key */
                ck_assert_msg(it == NULL, "entry_questions.c asks item %s, which items.def does not ask", qs[q].key);
                continue;
            }
            asked[iq - hh_item_questions]++;
            items_asked++;
            ck_assert_msg(strcmp(qs[q].path, it->xml_path) == 0 && strcmp(qs[q].en, iq->en) == 0 &&
                              strcmp(qs[q].zh, iq->zh) == 0 && qs[q].optional == iq->optional &&
                              qs[q].min == iq->min && qs[q].max == iq->max && qs[q].when == iq->when,
                          "question %s (entry_questions.c) is not asked as items.def says", qs[q].key);
            ck_assert_msg((!qs[q].code_list && !it->code_list) ||
                              (qs[q].code_list && it->code_list && strcmp(qs[q].code_list, it->code_list) == 0),
                          "question %s (entry_questions.c) and item %s (items.def) name different code lists",
                          qs[q].key, it->key);
            ck_assert_msg((qs[q].kind == HH_Q_CODE) == (it->kind == HH_ITEM_CODE),
                          "question %s (entry_questions.c) and item %s (items.def): one is a code, the other not",
                          qs[q].key, it->key);
        }
    }
    for (size_t q = 0; q < hh_item_question_count; q++)
        ck_assert_msg(asked[q] == 1, "entry_questions.c asks item %s %zu times, not once",
                      hh_item_questions[q].key, asked[q]);
    /* every item but a person's line is asked */
    ck_assert_uint_eq(items_asked, hh_item_count - 1);
}
END_TEST

/* --- the store, table by table --------------------------------------------------- */

/* Columns whose values change from run to run: when, by whom, the audit chain over
 * them, the compressed XML (the form's digest and size stay) and, of the source, the
 * directory the samples were read from. */
static const char *const volatile_columns[] = { "created_at", "stored_at", "stored_by", "at", "actor", "chain",
                                                "xml", "seq@audit", "made_in", "id@store_identity" };

static bool is_volatile(const char *table, const char *column)
{
    for (size_t i = 0; i < sizeof volatile_columns / sizeof volatile_columns[0]; i++) {
        const char *v = volatile_columns[i], *at = strchr(v, '@');
        if (at ? strncmp(v, column, (size_t)(at - v)) == 0 && column[at - v] == 0 && strcmp(at + 1, table) == 0
               : strcmp(v, column) == 0)
            return true;
    }
    return false;
}

static void escaped(hh_buf *b, const char *s)
{
    for (; *s; s++)
        if (*s == '\n')
            hh_buf_puts(b, "\\n");
        else if (*s == '\\' || *s == '|')
            hh_buf_printf(b, "\\%c", *s);
        else
            hh_buf_append(b, s, 1);
}

static int by_line(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every row of every table of the store at `db`, one line each ("table|col=value|..."),
 * volatile columns masked, lines sorted: equal for equal contents, whatever the order
 * rows were written in. */
static char *canonical_dump(const char *db)
{
    sqlite3 *conn;
    ck_assert_int_eq(sqlite3_open_v2(db, &conn, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *tables;
    ck_assert_int_eq(sqlite3_prepare_v2(conn, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name", -1,
                                        &tables, NULL),
                     SQLITE_OK);
    char **lines = NULL;
    size_t n = 0, cap = 0;
    while (sqlite3_step(tables) == SQLITE_ROW) {
        const char *table = (const char *)sqlite3_column_text(tables, 0);
        char *sql = hh_xasprintf("SELECT * FROM \"%s\"", table);
        sqlite3_stmt *rows;
        ck_assert_int_eq(sqlite3_prepare_v2(conn, sql, -1, &rows, NULL), SQLITE_OK);
        while (sqlite3_step(rows) == SQLITE_ROW) {
            hh_buf line;
            hh_buf_init(&line);
            hh_buf_puts(&line, table);
            for (int c = 0; c < sqlite3_column_count(rows); c++) {
                const char *name = sqlite3_column_name(rows, c);
                const char *text = (const char *)sqlite3_column_text(rows, c);
                hh_buf_printf(&line, "|%s=", name);
                if (is_volatile(table, name))
                    hh_buf_puts(&line, "*");
                else if (!text)
                    hh_buf_puts(&line, "NULL");
                else if (strcmp(name, "source") == 0 && strrchr(text, '/'))
                    escaped(&line, strrchr(text, '/') + 1);
                else
                    escaped(&line, text);
            }
            if (n == cap)
                lines = hh_xrealloc(lines, (cap = cap ? 2 * cap : 1024) * sizeof *lines);
            lines[n++] = hh_buf_detach(&line);
        }
        ck_assert_int_eq(sqlite3_finalize(rows), SQLITE_OK);
        free(sql);
    }
    sqlite3_finalize(tables);
    sqlite3_close(conn);
    qsort(lines, n, sizeof *lines, by_line);
    hh_buf all;
    hh_buf_init(&all);
    for (size_t i = 0; i < n; i++) {
        hh_buf_printf(&all, "%s\n", lines[i]);
        free(lines[i]);
    }
    free(lines);
    return hh_buf_detach(&all);
}

/* Where dumps `want` and `got` first differ, by line, table and column only: the
 * values are a form's (names, ID numbers), never shown. */
static void first_difference(const char *want, const char *got, char *out, size_t n)
{
    int line = 1;
    const char *w = want, *g = got, *w_line = want;
    for (; *w && *w == *g; w++, g++)
        if (*w == '\n') {
            line++;
            w_line = w + 1;
        }
    /* the column: the last "|name=" before the difference */
    const char *bar = NULL;
    for (const char *c = w_line; c < w; c++)
        if (*c == '|')
            bar = c + 1;
    int table_len = (int)strcspn(w_line, "|\n"), column_len = bar ? (int)strcspn(bar, "=|\n") : 0;
    snprintf(out, n, "line %d, table %.*s, column %.*s", line, table_len, w_line, column_len, bar ? bar : "");
}

/* The whole text of the gzip file at `path`, or NULL. */
static char *read_gzip(const char *path)
{
    gzFile f = gzopen(path, "rb");
    if (!f)
        return NULL;
    hh_buf text;
    hh_buf_init(&text);
    char chunk[65536];
    int n;
    while ((n = gzread(f, chunk, sizeof chunk)) > 0)
        hh_buf_append(&text, chunk, (size_t)n);
    int failed = n < 0;
    gzclose(f);
    if (failed) {
        hh_buf_free(&text);
        return NULL;
    }
    return hh_buf_detach(&text);
}

START_TEST(the_store_of_the_samples_is_as_before)
{
    char *got = canonical_dump(tu_store_db);
    /* a change meant to change the store writes the new expected dump with
     * HHREG_WRITE_DUMP=path (to be reviewed and checked in) */
    const char *rewrite = getenv("HHREG_WRITE_DUMP");
    if (rewrite)
        tu_write_file(rewrite, got, strlen(got));
    char *expected_path = tu_src("tests/data/households-store.dump.gz");
    char *want = read_gzip(expected_path);
    ck_assert_msg(want != NULL, "%s is missing or unreadable (HHREG_WRITE_DUMP=path, then gzip -9n, makes it)",
                  expected_path);
    if (strcmp(got, want) != 0) {
        char where[200];
        first_difference(want, got, where, sizeof where);
        ck_abort_msg("the store made from samples/households differs from %s: %s "
                     "(HHREG_WRITE_DUMP=path writes the dump made, to compare)",
                     expected_path, where);
    }
    free(want);
    free(expected_path);
    free(got);
}
END_TEST

/* Every row's column is in its table of the store as the migrations make it, NOT
 * NULL exactly when the item is required: a row added without its migration fails
 * here, not when a statement is first prepared in a user's import. */
START_TEST(every_row_has_its_column_in_the_store)
{
    static const char *const table[] = { [HH_ITEM_HOUSEHOLD] = "revision", [HH_ITEM_PERSON] = "person",
                                         [HH_ITEM_VISIT] = "visit" };
    for (size_t i = 0; i < hh_item_count; i++) {
        const hh_item *it = &hh_items[i];
        char *sql = hh_xasprintf("SELECT count(*) FROM pragma_table_info('%s') WHERE name = '%s'", table[it->scope],
                                 it->column);
        ck_assert_msg(tu_sql_count(tu_store_db, sql) == 1, "item %s: no column %s in table %s", it->key, it->column,
                      table[it->scope]);
        free(sql);
        sql = hh_xasprintf("SELECT \"notnull\" FROM pragma_table_info('%s') WHERE name = '%s'", table[it->scope],
                           it->column);
        ck_assert_msg(tu_sql_count(tu_store_db, sql) == it->required, "item %s: column %s.%s is %sNOT NULL", it->key,
                      table[it->scope], it->column, it->required ? "not " : "");
        free(sql);
    }
}
END_TEST

/* --- show --json and the jsonl export --------------------------------------------- */

START_TEST(show_json_is_the_jsonl_line_without_revision)
{
    char *out = tu_path(tu_store_dir, "forms.jsonl");
    tu_result r = tu_hhreg(NULL, NULL, "export", "--db", tu_store_db, "--plugin-dir", getenv("HHREG_PLUGINS"), "-o",
                           out, "jsonl", NULL);
    ck_assert_msg(r.status == 0, "jsonl export: %s", r.err);
    tu_result_free(&r);
    char *all = tu_read_file(out, NULL);
    /* every household; under valgrind or a sanitizer every 80th (a show takes seconds there) */
    int stride = tu_slowed_down() ? 80 : 1, n = 0, shown = 0;
    char *save = NULL;
    for (char *line = strtok_r(all, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++) {
        if (n % stride)
            continue;
        /* {"id":"ID","revision":N,... */
        const char *id = line + strlen("{\"id\":\""), *id_end = strchr(id, '"');
        ck_assert_msg(strncmp(line, "{\"id\":\"", 7) == 0 && id_end && strncmp(id_end, "\",\"revision\":", 13) == 0,
                      "%s: line %d does not start with the id and the revision", out, n + 1);
        const char *rest = id_end + 13;
        rest += strspn(rest, "0123456789");
        char *want = hh_xasprintf("%.*s%s\n", (int)(id_end + 1 - line), line, rest);
        char *hid = hh_xasprintf("%.*s", (int)(id_end - id), id);
        r = tu_hhreg(NULL, NULL, "show", "--db", tu_store_db, "--json", hid, NULL);
        ck_assert_msg(r.status == 0, "show --json of household %s: %s", hid, r.err);
        ck_assert_msg(strcmp(r.out, want) == 0,
                      "show --json of household %s differs from its jsonl line (line %d of the export) without "
                      "\"revision\"",
                      hid, n + 1);
        tu_result_free(&r);
        free(hid);
        free(want);
        shown++;
    }
    ck_assert_int_eq(n, 812);
    ck_assert_int_ge(shown, 812 / stride);
    free(all);
    free(out);
}
END_TEST

/* --- show's text ------------------------------------------------------------------ */

/* `show` and `show --lang zh` of every sample household, and of tests/data/show-extremes.xml
 * (what the samples do not hold: no estate nor floor area, notes, a visit's note, ...),
 * are as tests/data/households-show.txt.gz says: made with the binary from before show
 * walked the item table (its English sections are byte for byte those; the Chinese
 * ones since show writes a code by its Chinese label; both since show says "none"
 * under a heading with nothing below it), as sections "=== ID LANG\n" followed by
 * the output. */
START_TEST(show_text_is_as_before)
{
    char *extremes = tu_src("tests/data/show-extremes.xml");
    tu_result r = tu_hhreg(NULL, NULL, "import", "-q", "--db", tu_store_db, extremes, NULL);
    ck_assert_msg(r.status == 0, "import of %s: %s", extremes, r.err);
    tu_result_free(&r);
    char *golden_path = tu_src("tests/data/households-show.txt.gz");
    char *golden = read_gzip(golden_path);
    ck_assert_msg(golden != NULL, "%s is missing or unreadable", golden_path);
    /* every household; under valgrind or a sanitizer every 81st section, odd so that
     * both languages are shown (a show takes seconds there) */
    int stride = tu_slowed_down() ? 81 : 1, sections = 0;
    for (char *at = strstr(golden, "=== "); at; sections++) {
        char id[64], lang[3];
        ck_assert_msg(sscanf(at, "=== %63s %2s\n", id, lang) == 2, "%s: section %d has no '=== ID LANG' line",
                      golden_path, sections + 1);
        const char *want = strchr(at, '\n') + 1;
        char *next = strstr(want, "\n=== ");
        at = next ? next + 1 : NULL;
        if (sections % stride && at)
            continue;
        size_t want_len = next ? (size_t)(next + 1 - want) : strlen(want);
        r = tu_hhreg(NULL, NULL, "show", "--db", tu_store_db, "--lang", lang, id, NULL);
        ck_assert_msg(r.status == 0, "show --lang %s of household %s: %s", lang, id, r.err);
        if (strlen(r.out) != want_len || memcmp(r.out, want, want_len) != 0) {
            /* where, by line of the output only: the lines hold names and ID numbers */
            int line = 1;
            for (size_t i = 0; i < want_len && r.out[i] == want[i]; i++)
                line += want[i] == '\n';
            ck_abort_msg("show --lang %s of household %s differs from its section of %s from line %d of its output on",
                         lang, id, golden_path, line);
        }
        tu_result_free(&r);
    }
    ck_assert_int_eq(sections, 2 * (812 + 1));
    free(golden);
    free(golden_path);
    free(extremes);
}
END_TEST

Suite *make_items_suite(void)
{
    Suite *s = suite_create("items");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, every_xsd_item_is_a_row_and_every_row_is_in_the_xsd);
    tcase_add_test(tc, keys_and_columns_are_unique_within_a_scope);
    tcase_add_test(tc, every_item_but_a_persons_line_has_one_question);
    tcase_add_test(tc, the_conversation_asks_each_item_once_as_the_table_says);
    suite_add_tcase(s, tc);
    tc = tcase_create("no harm");
    tcase_set_timeout(tc, 600);
    tcase_add_unchecked_fixture(tc, tu_grid_import, tu_grid_remove);
    tcase_add_checked_fixture(tc, tu_grid_setup, tu_store_teardown);
    tcase_add_test(tc, the_store_of_the_samples_is_as_before);
    tcase_add_test(tc, every_row_has_its_column_in_the_store);
    tcase_add_test(tc, show_json_is_the_jsonl_line_without_revision);
    tcase_add_test(tc, show_text_is_as_before);
    suite_add_tcase(s, tc);
    return s;
}
