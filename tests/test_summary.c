/* test_summary.c — the summary plugin on the sample grid, checked from outside:
 * without protection its counts equal SQL over the store; with suppression, an
 * attacker who solves every margin, every parent area as the sum of its children
 * and every special group as a sum of other cells recovers nothing (and the same
 * attacker does recover a cell once one secondary suppression is undone); rounding
 * leaves multiples of the base; SDMX-CSV and JSON carry the same cells and
 * statuses; the pyramid's SVG bars are the table's values at the chart's scale;
 * the HTML report renders in headless Chromium to a page that is not blank. (The
 * counting of thousands of areas is the plugin's own test, plugins/summary/check_cube.c.) */
#include <check.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "testutil.h"

Suite *make_summary_suite(void);


/* Exports the summary with up to three options; returns the output's text. */
static char *summary(const char *file, const char *o1, const char *o2, const char *o3)
{
    char *out = tu_path(tu_store_dir, file);
    const char *argv[16] = { "export", "--db", tu_store_db, "--plugin-dir", getenv("HHREG_PLUGINS"), "-o", out };
    int n = 7;
    const char *opts[3] = { o1, o2, o3 };
    for (int i = 0; i < 3; i++)
        if (opts[i]) {
            argv[n++] = "--opt";
            argv[n++] = opts[i];
        }
    argv[n] = "summary";
    tu_result r = tu_hhreg(NULL, NULL, argv[0], argv[1], argv[2], argv[3], argv[4], argv[5], argv[6], argv[7],
                           argv[8], argv[9], argv[10], argv[11], argv[12], argv[13], NULL);
    ck_assert_msg(r.status == 0, "summary %s: %s", file, r.err);
    tu_result_free(&r);
    char *text = tu_read_file(out, NULL);
    free(out);
    return text;
}

/* --- the tidy CSV, parsed ----------------------------------------------------------- */

typedef struct row {
    char *table, *level, *code, *dims, *value, status;
    long number;       /* the value, or -1 when withheld */
} row;

typedef struct rows {
    row *r;
    size_t n;
} rows;

static char *field(char **p)
{
    hh_buf b;
    hh_buf_init(&b);
    hh_buf_puts(&b, "");
    char *s = *p;
    int quoted = *s == '"';
    if (quoted)
        s++;
    for (; *s; s++) {
        if (quoted && s[0] == '"' && s[1] == '"') {
            hh_buf_putc(&b, '"');
            s++;
        } else if (quoted && *s == '"') {
            quoted = 0;
        } else if (!quoted && (*s == ',' || *s == '\n')) {
            break;
        } else {
            hh_buf_putc(&b, *s);
        }
    }
    *p = *s == ',' ? s + 1 : s;
    return hh_buf_detach(&b);
}

static rows parse_tidy(const char *csv)
{
    rows out = { NULL, 0 };
    const char *line = strchr(csv, '\n') + 1; /* after the header */
    static const char header[] = "table,area_level,area_code,area_name,dimensions,value,status\n";
    ck_assert(strncmp(csv, header, sizeof header - 1) == 0);
    while (*line) {
        char *copy = hh_xstrndup(line, (size_t)(strchr(line, '\n') - line + 1)), *p = copy;
        out.r = hh_xrealloc(out.r, (out.n + 1) * sizeof *out.r);
        row *r = &out.r[out.n++];
        r->table = field(&p);
        r->level = field(&p);
        r->code = field(&p);
        free(field(&p)); /* the name */
        r->dims = field(&p);
        r->value = field(&p);
        char *status = field(&p);
        r->status = status[0];
        free(status);
        r->number = r->value[0] ? atol(r->value) : -1;
        free(copy);
        line = strchr(line, '\n') + 1;
    }
    return out;
}

static void rows_free(rows *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->r[i].table);
        free(t->r[i].level);
        free(t->r[i].code);
        free(t->r[i].dims);
        free(t->r[i].value);
    }
    free(t->r);
}

static row *find(const rows *t, const char *table, const char *level, const char *code, const char *dims)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->r[i].table, table) == 0 && strcmp(t->r[i].level, level) == 0 &&
            strcmp(t->r[i].code, code) == 0 && strcmp(t->r[i].dims, dims) == 0)
            return &t->r[i];
    return NULL;
}

/* --- without protection: the store's own counts ---------------------------------------- */

/* For every row of `sql` (area code, dimension text, count): the CSV's cell. */
static long compare_with_sql(const rows *t, const char *table, const char *level, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    long compared = 0;
    ck_assert_int_eq(sqlite3_open_v2(tu_store_db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s", sqlite3_errmsg(db));
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(st, 0), *dims = (const char *)sqlite3_column_text(st, 1);
        long want = sqlite3_column_int64(st, 2);
        row *r = find(t, table, level, code, dims);
        ck_assert_msg(r != NULL, "no cell %s %s %s %s", table, level, code, dims);
        ck_assert_msg(r->number == want, "%s %s %s %s: %ld in the summary, %ld in the store", table, level, code,
                      dims, r->number, want);
        compared++;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    ck_assert_int_gt(compared, 0);
    return compared;
}

#define CURRENT_PERSONS                                                                                          \
    " FROM person p JOIN household h ON h.id = p.household_id AND h.current_revision = p.revision"              \
    " JOIN revision r ON r.household_id = p.household_id AND r.revision = p.revision WHERE h.deleted_at IS NULL"
#define CURRENT_HOUSEHOLDS                                                                                       \
    " FROM revision r JOIN household h ON h.id = r.household_id AND h.current_revision = r.revision"            \
    " WHERE h.deleted_at IS NULL"

START_TEST(unprotected_counts_equal_the_store)
{
    static const struct {
        const char *table, *level, *sql; /* rows of (area code, dimensions, count) */
    } checks[] = {
        { "population", "community",
          "SELECT r.community_code, 'age=_T;sex=' || p.sex, count(*)"
          CURRENT_PERSONS
          " GROUP BY 1, 2" },
        { "population", "district",
          "SELECT r.district_code, 'age=' || p.age_group || ';sex=' || p.sex, count(*)"
          CURRENT_PERSONS
          " GROUP BY 1, 2" },
        { "population", "building",
          "SELECT printf('%s-%02d-%s-%s', r.community_code, r.grid, r.estate, r.building), 'age=_T;sex=_T', count(*)"
          CURRENT_PERSONS
          " GROUP BY 1" },
        { "household-size", "grid",
          "SELECT printf('%s-%02d', r.community_code, r.grid),"
          " 'size=' || min(r.size, 8) || CASE WHEN r.size >= 8 THEN '+' ELSE '' END, count(*)"
          CURRENT_HOUSEHOLDS
          " GROUP BY 1, 2" },
        { "household-type", "street",
          "SELECT r.street_code, 'type=' || r.household_type, count(*)"
          CURRENT_HOUSEHOLDS
          " GROUP BY 1, 2" },
        { "special-groups", "building",
          "SELECT printf('%s-%02d-%s-%s', r.community_code, r.grid, r.estate, r.building),"
          " 'group=aged-60-plus;measure=count', count(*)"
          CURRENT_PERSONS
          " AND p.age >= 60 GROUP BY 1" },
        { "special-groups", "community",
          "SELECT r.community_code, 'group=elderly-living-alone;measure=count', sum(r.living_alone)"
          CURRENT_HOUSEHOLDS
          " GROUP BY 1" },
        { "special-groups", "community",
          "SELECT r.community_code, 'group=low-income;measure=count', sum(r.low_income)"
          CURRENT_HOUSEHOLDS
          " GROUP BY 1" },
        { "special-groups", "district",
          "SELECT r.district_code, 'group=disability;measure=count', sum(p.disabled)"
          CURRENT_PERSONS
          " GROUP BY 1" },
        { "foreign-residents", "community",
          "SELECT r.community_code, 'nationality=' || p.nationality, count(*)"
          CURRENT_PERSONS
          " AND p.nationality <> 'CHN' GROUP BY 1, 2" },
        { "disability-certificate", "district",
          "SELECT r.district_code, 'certificate=' || p.certificate_type, count(*)"
          CURRENT_PERSONS
          " AND p.certificate_type IS NOT NULL GROUP BY 1, 2" },
    };
    char *csv = summary("s.csv", NULL, NULL, NULL);
    rows t = parse_tidy(csv);
    long n = 0;
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
        n += compare_with_sql(&t, checks[i].table, checks[i].level, checks[i].sql);
    for (size_t i = 0; i < t.n; i++)
        ck_assert_msg(t.r[i].status == 'F' && t.r[i].value[0], "%s %s withheld without protection", t.r[i].table,
                      t.r[i].dims);
    fprintf(stderr, "summary: %ld cells compared with SQL on the store\n", n);
    rows_free(&t);
    free(csv);
}
END_TEST

/* --- with suppression: an attacker's equations ---------------------------------------- */

typedef struct equation {
    long members[64];     /* indices into rows; [0] is the total */
    size_t n;
} equation;

typedef struct equations {
    equation *e;
    size_t n;
} equations;

static int is_count(const row *r)
{
    return strcmp(r->table, "indicators") != 0 && !strstr(r->dims, "measure=rate");
}

static void add_equation(equations *q, long total)
{
    q->e = hh_xrealloc(q->e, (q->n + 1) * sizeof *q->e);
    q->e[q->n].members[0] = total;
    q->e[q->n].n = 1;
    q->n++;
}

static void add_member(equations *q, long m)
{
    equation *e = &q->e[q->n - 1];
    ck_assert(e->n < 64);
    e->members[e->n++] = m;
}

/* "age=_T;sex=male" with the `which`th dimension replaced by "*" matches "age=0-4;sex=male"? */
static int same_but(const char *dims, const char *total_dims, size_t which)
{
    size_t i = 0;
    const char *a = dims, *b = total_dims;
    for (;; i++) {
        size_t la = strcspn(a, ";"), lb = strcspn(b, ";");
        if (i == which) {
            if (strncmp(a, b, (size_t)(strchr(b, '=') - b + 1)) != 0 || (la == lb && strncmp(a, b, la) == 0))
                return 0;
        } else if (la != lb || strncmp(a, b, la) != 0) {
            return 0;
        }
        if (!a[la] || !b[lb])
            return !a[la] && !b[lb];
        a += la + 1;
        b += lb + 1;
    }
}

static equations build_equations(const rows *t)
{
    equations q = { NULL, 0 };
    for (size_t i = 0; i < t->n; i++) {
        const row *r = &t->r[i];
        if (!is_count(r))
            continue;
        /* margins: a "_T" is the sum of the cells that differ from it only there */
        size_t which = 0;
        for (const char *d = r->dims; d; d = strchr(d, ';') ? strchr(d, ';') + 1 : NULL, which++) {
            if (strncmp(strchr(d, '=') + 1, "_T", 2) != 0 || (strchr(d, '=')[3] != ';' && strchr(d, '=')[3]))
                continue;
            add_equation(&q, (long)i);
            for (size_t k = 0; k < t->n; k++)
                if (strcmp(t->r[k].table, r->table) == 0 && strcmp(t->r[k].code, r->code) == 0 &&
                    strcmp(t->r[k].level, r->level) == 0 && same_but(t->r[k].dims, r->dims, which))
                    add_member(&q, (long)k);
        }
        /* the hierarchy: a cell of an area is the sum of the same cell of its children */
        const char *below = NULL;
        static const char *const order[] = { "district", "street", "community", "grid", "building" };
        for (int l = 0; l < 4; l++)
            if (strcmp(order[l], r->level) == 0)
                below = order[l + 1];
        if (below) {
            add_equation(&q, (long)i);
            for (size_t k = 0; k < t->n; k++)
                if (strcmp(t->r[k].level, below) == 0 && strcmp(t->r[k].table, r->table) == 0 &&
                    strcmp(t->r[k].dims, r->dims) == 0 && strncmp(t->r[k].code, r->code, strlen(r->code)) == 0)
                    add_member(&q, (long)k);
            if (q.e[q.n - 1].n == 1)
                q.n--; /* no children at that level */
        }
    }
    /* the special groups that other tables add up to */
    static const struct {
        const char *group;
        const char *ages[6];
    } elderly[] = { { "aged-60-plus", { "60-64", "65-69", "70-74", "75-79", "80-84", "85+" } },
                    { "aged-65-plus", { "65-69", "70-74", "75-79", "80-84", "85+" } },
                    { "aged-80-plus", { "80-84", "85+" } } };
    for (size_t i = 0; i < t->n; i++) {
        const row *r = &t->r[i];
        if (strcmp(r->table, "special-groups") != 0)
            continue;
        for (size_t g = 0; g < 3; g++) {
            char dims[96];
            snprintf(dims, sizeof dims, "group=%s;measure=count", elderly[g].group);
            if (strcmp(r->dims, dims) != 0)
                continue;
            add_equation(&q, (long)i);
            for (size_t a = 0; a < 6 && elderly[g].ages[a]; a++) {
                snprintf(dims, sizeof dims, "age=%s;sex=_T", elderly[g].ages[a]);
                add_member(&q, find(t, "population", r->level, r->code, dims) - t->r);
            }
        }
        if (strcmp(r->dims, "group=foreign-residents;measure=count") == 0) {
            add_equation(&q, (long)i);
            add_member(&q, find(t, "foreign-residents", r->level, r->code, "nationality=_T") - t->r);
        }
    }
    return q;
}

/* Solves every equation with one unknown, again and again; returns how many
 * withheld cells it recovered. */
static long attack(rows *t, const equations *q)
{
    long recovered = 0;
    for (int progress = 1; progress;) {
        progress = 0;
        for (size_t i = 0; i < q->n; i++) {
            const equation *e = &q->e[i];
            long unknown = -1, unknowns = 0, total = 0, parts = 0;
            for (size_t m = 0; m < e->n; m++) {
                const row *r = &t->r[e->members[m]];
                if (r->number < 0) {
                    unknown = (long)m;
                    unknowns++;
                } else if (m == 0) {
                    total = r->number;
                } else {
                    parts += r->number;
                }
            }
            if (unknowns != 1)
                continue;
            t->r[e->members[unknown]].number = unknown == 0 ? parts : total - parts;
            recovered++;
            progress = 1;
        }
    }
    return recovered;
}

/* Runs the independent linear-programming intruder (tests/summary/lp_attack.py,
 * scipy's HiGHS) on a release with the unprotected export as the truth; returns
 * its JSON line, with the number of cells it recovered and of small counts it
 * bounded too narrowly. */
static char *lp_attack(const char *release, const char *truth, const char *more)
{
    char *script = tu_src("tests/summary/lp_attack.py");
    char *cmd = hh_xasprintf("/usr/bin/python3 '%s' '%s' --truth '%s' --min-count 3 --percent 10 %s", script, release,
                             truth, more);
    FILE *p = popen(cmd, "r");
    ck_assert_msg(p != NULL, "%s", cmd);
    char line[512] = "";
    ck_assert_msg(fgets(line, sizeof line, p) != NULL, "the attack printed nothing: %s", cmd);
    pclose(p);
    free(cmd);
    free(script);
    return hh_xasprintf("%s", line);
}

static long json_number(const char *json, const char *key)
{
    char *quoted = hh_xasprintf("\"%s\": ", key);
    const char *at = strstr(json, quoted);
    ck_assert_msg(at != NULL, "no %s in %s", key, json);
    long v = strtol(at + strlen(quoted), NULL, 10);
    free(quoted);
    return v;
}

static void skip_without_scipy(const char *what)
{
    if (system("/usr/bin/python3 -c 'import scipy.optimize' >/dev/null 2>&1") != 0)
        ck_abort_msg("%s needs scipy for /usr/bin/python3: apt-get install python3-scipy (.ci/run and the README "
                     "do)", what);
}

START_TEST(suppressed_cells_cannot_be_recovered)
{
    skip_without_scipy("the linear-programming attack");
    char *plain_csv = summary("plain.csv", NULL, NULL, NULL);
    char *csv = summary("protected.csv", "min-count=3", "flags=internal", NULL);
    char *public_csv = summary("public.csv", "min-count=3", NULL, NULL);
    rows plain = parse_tidy(plain_csv), t = parse_tidy(csv), pub = parse_tidy(public_csv);
    ck_assert_int_eq(plain.n, t.n);
    ck_assert_int_eq(pub.n, t.n);
    long primary = 0, secondary = 0, withheld_counts = 0;
    for (size_t i = 0; i < t.n; i++) {
        row *r = &t.r[i], *truth = &plain.r[i];
        ck_assert_str_eq(r->dims, truth->dims);
        int withheld = r->status == 'A' || r->status == 'D';
        /* the public release says only "confidential": A next to D would say a cell is small */
        ck_assert_msg(pub.r[i].status == (withheld ? 'C' : r->status), "%s %s: public status %c, internal %c",
                      r->table, r->dims, pub.r[i].status, r->status);
        if (withheld) {
            ck_assert_msg(!r->value[0] && !pub.r[i].value[0], "a withheld value was written");
            primary += r->status == 'A';
            secondary += r->status == 'D';
            if (r->status == 'A' && is_count(r))
                ck_assert(truth->number >= 1 && truth->number <= 2);
            if (is_count(r)) {
                ck_assert_msg(truth->number > 0, "a zero was withheld: the attack assumes every withheld count >= 1");
                withheld_counts++;
            }
        } else {
            ck_assert_str_eq(r->value, truth->value);
            if (is_count(r))
                ck_assert_msg(r->number == 0 || r->number >= 3, "%s %s %s: %ld published", r->table, r->code, r->dims,
                              r->number);
        }
    }
    ck_assert_int_gt(primary, 10);
    ck_assert_int_gt(secondary, 10);
    equations q = build_equations(&t);
    ck_assert_int_eq(attack(&t, &q), 0);

    /* every relation at once, by linear programming: nothing recovered, and every
     * small count bounded no tighter than max(3, 10 %) */
    char *release = tu_path(tu_store_dir, "public.csv"), *truth = tu_path(tu_store_dir, "plain.csv");
    char *found = lp_attack(release, truth, "");
    ck_assert_msg(json_number(found, "recovered") == 0 && json_number(found, "narrow") == 0, "%s", found);
    ck_assert_int_eq(json_number(found, "cells"), withheld_counts);
    /* the attacker is real: with only the small counts withheld it recovers many */
    char *weak = lp_attack(release, truth, "--only-small");
    ck_assert_msg(json_number(weak, "recovered") > 10, "%s", weak);
    fprintf(stderr, "summary: %ld primary and %ld secondary suppressions; %zu equations of one unknown: nothing "
                    "recovered; the LP attack: %s", primary, secondary, q.n, found);
    fprintf(stderr, "summary: the LP attack on the small counts alone: %s", weak);
    free(found);
    free(weak);
    free(release);
    free(truth);
    free(q.e);
    rows_free(&plain);
    rows_free(&t);
    rows_free(&pub);
    free(plain_csv);
    free(csv);
    free(public_csv);
}
END_TEST

/* A street of 20,000 households (about 43,000 persons in 25 grids and 1,300
 * buildings; 3,000 under a sanitizer): the audit must hold where relations chain
 * through thousands of withheld cells. The attacker bounds a seeded sample of
 * 1,500 of them (the whole street, about 24,000 cells, takes it ten minutes:
 * docs/summary.md has that run's result). */
START_TEST(a_street_release_survives_the_attack)
{
    skip_without_scipy("the linear-programming attack");
    char *batch = tu_path(tu_store_dir, "street.xml");
    tu_result r = tu_hhreg(NULL, NULL, "sample", "--households", tu_slowed_down() ? "3000" : "20000", "--batch",
                           batch, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "import", "-q", "--db", tu_store_db, batch, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
    unlink(batch);
    free(summary("plain.csv", NULL, NULL, NULL));
    char *csv = summary("public.csv", "min-count=3", NULL, NULL);
    rows t = parse_tidy(csv);
    long withheld = 0;
    for (size_t i = 0; i < t.n; i++)
        withheld += t.r[i].status == 'C';
    ck_assert_int_gt(withheld, 1000);
    char *release = tu_path(tu_store_dir, "public.csv"), *truth = tu_path(tu_store_dir, "plain.csv");
    char *found = lp_attack(release, truth, "--sample 1500 --seed 22");
    ck_assert_msg(json_number(found, "recovered") == 0 && json_number(found, "narrow") == 0, "%s", found);
    long attackable = json_number(found, "withheld");
    ck_assert_int_eq(json_number(found, "cells"), attackable < 1500 ? attackable : 1500);
    fprintf(stderr, "summary: the street, %ld cells withheld; the LP attack: %s", withheld, found);
    free(found);
    free(release);
    free(truth);
    rows_free(&t);
    free(csv);
    free(batch);
}
END_TEST

START_TEST(rounding_and_sdmx_and_json_carry_the_statuses)
{
    char *csv = summary("round.csv", "protect=round", "base=5", NULL);
    rows t = parse_tidy(csv);
    for (size_t i = 0; i < t.n; i++)
        if (is_count(&t.r[i]))
            ck_assert_msg(t.r[i].number % 5 == 0 && t.r[i].status == 'R', "%s %s", t.r[i].dims, t.r[i].value);
    rows_free(&t);
    free(csv);

    char *tidy = summary("p.csv", "min-count=3", "flags=internal", NULL);
    char *sdmx = summary("p.sdmx.csv", "min-count=3", "format=sdmx", "flags=internal");
    char *json = summary("p.json", "min-count=3", "format=json", "flags=internal");
    char *public_sdmx = summary("public.sdmx.csv", "min-count=3", "format=sdmx", NULL);
    t = parse_tidy(tidy);
    ck_assert(strncmp(sdmx, "STRUCTURE,STRUCTURE_ID,ACTION,", 30) == 0 && strstr(sdmx, ",OBS_VALUE,CONF_STATUS,"));
    long lines = 0, a = 0, d = 0;
    for (const char *p = strchr(sdmx, '\n') + 1; *p; p = strchr(p, '\n') + 1) {
        lines++;
        a += strstr(p, ",,A,") && strstr(p, ",,A,") < strchr(p, '\n');
        d += strstr(p, ",,D,") && strstr(p, ",,D,") < strchr(p, '\n');
    }
    long want_a = 0, want_d = 0, json_a = 0, json_d = 0;
    for (size_t i = 0; i < t.n; i++) {
        want_a += t.r[i].status == 'A';
        want_d += t.r[i].status == 'D';
    }
    for (const char *p = json; (p = strstr(p, "\"value\":null,\"status\":\"")); p++) {
        json_a += p[23] == 'A';
        json_d += p[23] == 'D';
    }
    ck_assert_int_eq(lines, (long)t.n);
    ck_assert_int_eq(a, want_a);
    ck_assert_int_eq(d, want_d);
    ck_assert_int_eq(json_a, want_a);
    ck_assert_int_eq(json_d, want_d);
    /* published: one flag, SDMX's C, for every withheld value */
    long c = 0;
    for (const char *p = strchr(public_sdmx, '\n') + 1; *p; p = strchr(p, '\n') + 1) {
        const char *eol = strchr(p, '\n');
        ck_assert_msg(!(strstr(p, ",,A,") && strstr(p, ",,A,") < eol) && !(strstr(p, ",,D,") && strstr(p, ",,D,") < eol),
                      "a public release shows A or D: %.*s", (int)(eol - p), p);
        c += strstr(p, ",,C,") && strstr(p, ",,C,") < eol;
    }
    ck_assert_int_eq(c, want_a + want_d);
    free(public_sdmx);
    rows_free(&t);
    free(tidy);
    free(sdmx);
    free(json);
}
END_TEST

/* --- the cell-key method ------------------------------------------------------------- */

static char *key_file(const char *name, char fill)
{
    char *path = tu_path(tu_store_dir, name);
    char key[32];
    memset(key, fill, sizeof key);
    tu_write_file(path, key, sizeof key);
    return path;
}

/* The row of `t` in the same table and area whose dimensions are `dims`. */
static const row *sibling(const rows *t, const row *r, const char *dims)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->r[i].table, r->table) == 0 && strcmp(t->r[i].level, r->level) == 0 &&
            strcmp(t->r[i].code, r->code) == 0 && strcmp(t->r[i].dims, dims) == 0)
            return &t->r[i];
    ck_abort_msg("no %s %s %s", r->table, r->code, dims);
    return NULL;
}

START_TEST(cell_key_noise_is_small_unbiased_consistent_and_adds_up)
{
    char *key = key_file("office.key", 'k'), *other = key_file("other.key", 'o');
    char *key_opt = hh_xasprintf("key-file=%s", key), *other_opt = hh_xasprintf("key-file=%s", other);
    char *plain_csv = summary("plain.csv", NULL, NULL, NULL);
    char *csv = summary("noisy.csv", "method=cell-key", key_opt, NULL);
    char *again = summary("again.csv", "method=cell-key", key_opt, NULL);
    char *grids = summary("grids.csv", "method=cell-key", key_opt, "levels=grid");
    char *elsewhere = summary("other.csv", "method=cell-key", other_opt, NULL);
    rows plain = parse_tidy(plain_csv), t = parse_tidy(csv), g = parse_tidy(grids);
    ck_assert_int_eq(plain.n, t.n);
    ck_assert_str_eq(csv, again);           /* the same key: the same noise */
    ck_assert_str_ne(csv, elsewhere);       /* another key: other noise */
    long cells = 0, changed = 0, sum = 0;
    for (size_t i = 0; i < t.n; i++) {
        row *r = &t.r[i], *truth = &plain.r[i];
        ck_assert_str_eq(r->dims, truth->dims);
        ck_assert_int_eq(r->status, 'P');
        if (!is_count(r))
            continue;
        long d = r->number - truth->number;
        if (!strstr(r->dims, "_T")) {
            ck_assert_msg(d >= -2 && d <= 2, "%s %s %s: noise %ld", r->table, r->code, r->dims, d);
            ck_assert_msg(truth->number != 0 || d == 0, "a zero was perturbed");
            ck_assert(r->number >= 0);
            cells++;
            changed += d != 0;
            sum += d;
        } else if (strcmp(r->table, "population") != 0) {
            /* a one-way table's total is the sum of its perturbed cells */
            long parts = 0;
            for (size_t j = 0; j < t.n; j++)
                if (strcmp(t.r[j].table, r->table) == 0 && strcmp(t.r[j].code, r->code) == 0 &&
                    strcmp(t.r[j].level, r->level) == 0 && !strstr(t.r[j].dims, "_T"))
                    parts += t.r[j].number;
            ck_assert_msg(parts == r->number, "%s %s: total %ld, cells %ld", r->table, r->code, r->number, parts);
        } else if (strstr(r->dims, "sex=_T") && !strstr(r->dims, "age=_T")) {
            char *male = hh_xasprintf("%.*s;sex=male", (int)(strchr(r->dims, ';') - r->dims), r->dims);
            char *female = hh_xasprintf("%.*s;sex=female", (int)(strchr(r->dims, ';') - r->dims), r->dims);
            ck_assert_int_eq(r->number, sibling(&t, r, male)->number + sibling(&t, r, female)->number);
            free(male);
            free(female);
        }
    }
    /* the grid cells are the same in a release of grids alone: the same units, the same key */
    for (size_t i = 0; i < g.n; i++)
        if (is_count(&g.r[i]) && !strstr(g.r[i].dims, "_T")) {
            const row *same = NULL;
            for (size_t j = 0; j < t.n && !same; j++)
                if (strcmp(t.r[j].level, "grid") == 0 && strcmp(t.r[j].code, g.r[i].code) == 0 &&
                    strcmp(t.r[j].table, g.r[i].table) == 0 && strcmp(t.r[j].dims, g.r[i].dims) == 0)
                    same = &t.r[j];
            ck_assert_msg(same && same->number == g.r[i].number, "%s %s", g.r[i].table, g.r[i].dims);
        }
    ck_assert_msg(changed * 4 > cells, "%ld of %ld counts changed", changed, cells);
    ck_assert_msg(labs(sum) * 10 < cells, "the noise is biased: %ld over %ld counts", sum, cells);
    fprintf(stderr, "summary: cell key: %ld of %ld counts changed, total noise %ld\n", changed, cells, sum);
    rows_free(&plain);
    rows_free(&t);
    rows_free(&g);
    free(plain_csv);
    free(csv);
    free(again);
    free(grids);
    free(elsewhere);
    free(key_opt);
    free(other_opt);
    free(key);
    free(other);
}
END_TEST

START_TEST(bad_options_are_refused_with_their_reason)
{
    static const struct {
        const char *opt, *says;
    } cases[] = {
        { "levels=grid,estate", "levels: 'estate' is not an area level" },
        { "min-count=1", "min-count must be 2 or more" },
        { "base=1", "option base takes a whole number in the range 2.., not '1'" },
        { "format=xlsx", "option format takes one of csv,sdmx,json,html, not 'xlsx'" },
        { "method=cell-key", "method=cell-key needs --opt key-file=FILE" },
        { "max-deviation=0", "option max-deviation takes a whole number in the range 1..16, not '0'" },
    };
    char *out = tu_path(tu_store_dir, "bad.csv");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tu_result r = tu_hhreg(NULL, NULL, "export", "--db", tu_store_db, "--plugin-dir", getenv("HHREG_PLUGINS"),
                               "-o", out, "--opt", cases[i].opt, "summary", NULL);
        ck_assert_msg(r.status == 1 && strstr(r.err, cases[i].says), "%s: exit %d: %s", cases[i].opt, r.status,
                      r.err);
        ck_assert(access(out, F_OK) != 0);
        tu_result_free(&r);
    }
    free(out);
}
END_TEST

/* --- the HTML report ---------------------------------------------------------------- */

START_TEST(pyramid_bars_are_the_table)
{
    char *csv = summary("c.csv", "levels=community,building", NULL, NULL);
    char *html = summary("c.html", "levels=community,building", "format=html", "lang=en");
    rows t = parse_tidy(csv);
    xmlDocPtr doc = xmlReadMemory(html, (int)strlen(html), "c.html", NULL, XML_PARSE_NONET);
    ck_assert_msg(doc != NULL, "the report is not well-formed XHTML");
    xmlXPathContextPtr xp = xmlXPathNewContext(doc);
    xmlXPathRegisterNs(xp, BAD_CAST "h", BAD_CAST "http://www.w3.org/1999/xhtml");
    xmlXPathRegisterNs(xp, BAD_CAST "s", BAD_CAST "http://www.w3.org/2000/svg");
    xmlXPathObjectPtr sections = xmlXPathEvalExpression(BAD_CAST "//h:section", xp);
    ck_assert(sections && sections->nodesetval && sections->nodesetval->nodeNr >= 2);
    long bars = 0;
    for (int s = 0; s < sections->nodesetval->nodeNr; s++) {
        xmlNodePtr sec = sections->nodesetval->nodeTab[s];
        xmlChar *level = xmlGetProp(sec, BAD_CAST "data-level"), *code = xmlGetProp(sec, BAD_CAST "data-code");
        xp->node = sec;
        xmlXPathObjectPtr svg = xmlXPathEvalExpression(BAD_CAST ".//s:svg[@class='pyramid']", xp);
        ck_assert(svg && svg->nodesetval && svg->nodesetval->nodeNr == 1);
        xmlChar *scale_text = xmlGetProp(svg->nodesetval->nodeTab[0], BAD_CAST "data-scale");
        double scale = atof((const char *)scale_text);
        xp->node = svg->nodesetval->nodeTab[0];
        xmlXPathObjectPtr marks = xmlXPathEvalExpression(BAD_CAST "./*[@data-age]", xp);
        ck_assert_int_eq(marks->nodesetval->nodeNr, 36);
        for (int i = 0; i < marks->nodesetval->nodeNr; i++) {
            xmlNodePtr m = marks->nodesetval->nodeTab[i];
            xmlChar *age = xmlGetProp(m, BAD_CAST "data-age"), *sex = xmlGetProp(m, BAD_CAST "data-sex");
            char dims[64];
            snprintf(dims, sizeof dims, "age=%s;sex=%s", (char *)age, (char *)sex);
            row *r = find(&t, "population", (char *)level, (char *)code, dims);
            ck_assert(r != NULL);
            xmlChar *value = xmlGetProp(m, BAD_CAST "data-value"), *width = xmlGetProp(m, BAD_CAST "width");
            ck_assert_msg(value && atol((char *)value) == r->number, "%s %s %s: bar %s, table %ld", (char *)code,
                          (char *)age, (char *)sex, value ? (char *)value : "none", r->number);
            double w = atof((char *)width);
            ck_assert_msg(w > (double)r->number * scale - 0.01 && w < (double)r->number * scale + 0.01,
                          "bar width %f for %ld at scale %f", w, r->number, scale);
            bars++;
            xmlFree(value);
            xmlFree(width);
            xmlFree(age);
            xmlFree(sex);
        }
        xmlXPathFreeObject(marks);
        xmlFree(scale_text);
        xmlXPathFreeObject(svg);
        xmlFree(level);
        xmlFree(code);
    }
    /* self-contained: no script, nothing fetched */
    ck_assert(!strstr(html, "<script") && !strstr(html, "src=") && !strstr(html, "@import") && !strstr(html, "url("));
    fprintf(stderr, "summary: %ld pyramid bars in %d sections match the table\n", bars, sections->nodesetval->nodeNr);
    xmlXPathFreeObject(sections);
    xmlXPathFreeContext(xp);
    xmlFreeDoc(doc);
    rows_free(&t);
    free(csv);
    free(html);
}
END_TEST

/* How many different byte values the pixels of a PNG have (after inflating its
 * image data); a blank page has a handful. -1 when it is not a PNG. */
static int png_variety(const char *path)
{
    size_t len;
    char *png = tu_read_file(path, &len);
    if (len < 8 || memcmp(png, "\x89PNG\r\n\x1a\n", 8) != 0) {
        free(png);
        return -1;
    }
    hh_buf idat;
    hh_buf_init(&idat);
    for (size_t at = 8; at + 12 <= len;) {
        const unsigned char *u = (const unsigned char *)png + at;
        size_t n = (size_t)u[0] << 24 | (size_t)u[1] << 16 | (size_t)u[2] << 8 | u[3];
        if (memcmp(u + 4, "IDAT", 4) == 0 && at + 12 + n <= len)
            hh_buf_append(&idat, u + 8, n);
        at += 12 + n;
    }
    int seen[256] = { 0 }, variety = 0;
    z_stream z;
    memset(&z, 0, sizeof z);
    inflateInit(&z);
    z.next_in = (unsigned char *)idat.data;
    z.avail_in = (unsigned)idat.len;
    unsigned char chunk[65536];
    int rc;
    do {
        z.next_out = chunk;
        z.avail_out = sizeof chunk;
        rc = inflate(&z, Z_NO_FLUSH);
        for (size_t i = 0; i < sizeof chunk - z.avail_out; i++)
            if (!seen[chunk[i]]++)
                variety++;
    } while (rc == Z_OK);
    inflateEnd(&z);
    hh_buf_free(&idat);
    free(png);
    return variety;
}

static int screenshot(const char *browser, const char *html, const char *png)
{
    char *cmd = hh_xasprintf("timeout 120 '%s' --headless --no-sandbox --disable-gpu --hide-scrollbars "
                             "--window-size=794,1123 --screenshot='%s' 'file://%s' >/dev/null 2>&1",
                             browser, png, html);
    int status = system(cmd);
    free(cmd);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

START_TEST(the_report_renders_in_chromium)
{
    const char *browser = access("/usr/bin/chromium", X_OK) == 0 ? "/usr/bin/chromium" : NULL;
    if (!browser) {
        fprintf(stderr, "summary: the_report_renders_in_chromium skipped: no /usr/bin/chromium "
                        "(apt-get install chromium; .ci/run does)\n");
        return;
    }
    free(summary("r.html", "format=html", "levels=community,grid", NULL));
    char *html = tu_path(tu_store_dir, "r.html"), *png = tu_path(tu_store_dir, "r.png");
    char *blank = tu_path(tu_store_dir, "blank.html"), *blank_png = tu_path(tu_store_dir, "blank.png");
    tu_write_file(blank, "<!DOCTYPE html><html><body></body></html>", 41);
    ck_assert_int_eq(screenshot(browser, blank, blank_png), 0);
    ck_assert_int_eq(screenshot(browser, html, png), 0);
    int control = png_variety(blank_png), variety = png_variety(png);
    ck_assert_msg(control >= 0 && control <= 4, "the blank page has %d byte values", control);
    ck_assert_msg(variety > 32, "the report's screenshot looks blank (%d byte values)", variety);
    fprintf(stderr, "summary: Chromium screenshot of the report: %d pixel byte values (a blank page: %d)\n", variety,
            control);
    free(html);
    free(png);
    free(blank);
    free(blank_png);
}
END_TEST

Suite *make_summary_suite(void)
{
    Suite *s = suite_create("summary");
    TCase *tc = tcase_create("tables");
    tcase_set_timeout(tc, 600);
    tcase_add_unchecked_fixture(tc, tu_grid_import, tu_grid_remove);
    tcase_add_checked_fixture(tc, tu_grid_setup, tu_store_teardown);
    tcase_add_test(tc, unprotected_counts_equal_the_store);
    tcase_add_test(tc, suppressed_cells_cannot_be_recovered);
    tcase_add_test(tc, rounding_and_sdmx_and_json_carry_the_statuses);
    tcase_add_test(tc, bad_options_are_refused_with_their_reason);
    tcase_add_test(tc, cell_key_noise_is_small_unbiased_consistent_and_adds_up);
    tcase_add_test(tc, pyramid_bars_are_the_table);
    suite_add_tcase(s, tc);
    TCase *slow = tu_slow_tcase(s, "browser", 600);
    tcase_add_unchecked_fixture(slow, tu_grid_import, tu_grid_remove);
    tcase_add_checked_fixture(slow, tu_grid_setup, tu_store_teardown);
    tcase_add_test(slow, the_report_renders_in_chromium);

    TCase *street = tu_slow_tcase(s, "street", 900);
    tcase_add_checked_fixture(street, tu_store_setup, tu_store_teardown);
    tcase_add_test(street, a_street_release_survives_the_attack);
    return s;
}
