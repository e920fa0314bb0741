/* test_district.c — district-csv's row filter, reference date and text cells, on a
 * real store of the sample grid through the real plugin: the shipped eldercare
 * profile lists exactly the persons that `hhreg list --json` flags and `hhreg show
 * --json` ages say (read by Python, not by the plugin's code), --opt as-of moves
 * every age to the completed years at that date (computed from the birth dates),
 * other filters select what `list` counts, the file starts with a BOM and keeps a
 * phone's leading 0 as text, and every mistake in a filter or date is refused with
 * the profile's file, line and element, leaving no file. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

Suite *make_district_suite(void);

/* The grid is imported once for the suite (tu_grid_import) and each test gets its
 * own copy (tu_grid_setup). What `hhreg list --json` and `hhreg show --json` say of
 * it is kept beside it (shown.json, made once), for the tests' Python oracles: the list, and
 * the households that can hold a person of the eldercare list at any date
 * within 15 years of the enumeration — anyone aged 60+ (whoever is 80+ then is
 * 65+ now) and anyone living on their own. */
static char *shown_dir, *shown;

/* What Python says running `script` with the hhreg binary, the store `db`, the
 * dump of list and show and the further (shell-quoted) arguments. */
static char *python(const char *script, const char *db, const char *args)
{
    char *cmd = hh_xasprintf("python3 -c '%s' '%s' '%s' '%s' %s", script, tu_bin(), db, shown, args);
    char *out = tu_shell(cmd);
    free(cmd);
    return out;
}

static const char dump_list_and_show[] =
    "import json,subprocess,sys\n"
    "hhreg,db,shown=sys.argv[1:4]\n"
    "def run(*a): return json.loads(subprocess.run([hhreg]+list(a)+[\"--db\",db],check=True,"
    "capture_output=True).stdout)\n"
    "rows=run(\"list\",\"--json\")\n"
    "show={h[\"id\"]:run(\"show\",\"--json\",h[\"id\"]) for h in rows if h[\"elderly60\"] or h[\"size\"]==1}\n"
    "json.dump({\"list\":rows,\"show\":show},open(shown,\"w\"))\n";

static void import_the_grid(void)
{
    tu_grid_import();
    shown_dir = tu_tempdir();
    shown = tu_path(shown_dir, "shown.json");
    free(python(dump_list_and_show, tu_grid_db(), ""));
}

static void remove_the_grid(void)
{
    tu_rmrf(shown_dir);
    free(shown);
    free(shown_dir);
    tu_grid_remove();
}


/* Exports with district-csv and `profile` (and `as_of` when not NULL) to `out` in
 * the test's directory. */
static tu_result export_district(const char *profile, const char *as_of, const char *out)
{
    char *popt = hh_xasprintf("profile=%s", profile);
    char *aopt = as_of ? hh_xasprintf("as-of=%s", as_of) : NULL;
    char *path = tu_path(tu_store_dir, out);
    const char *plugins = getenv("HHREG_PLUGINS");
    tu_result r = aopt ? tu_hhreg(NULL, NULL, "export", "--db", tu_store_db, "--plugin-dir", plugins, "-o", path,
                                  "--opt", popt, "--opt", aopt, "district-csv", NULL)
                       : tu_hhreg(NULL, NULL, "export", "--db", tu_store_db, "--plugin-dir", plugins, "-o", path,
                                  "--opt", popt, "district-csv", NULL);
    free(path);
    free(aopt);
    free(popt);
    return r;
}

/* Exports the shipped eldercare list; returns the output's path. */
static char *eldercare(const char *as_of, const char *out)
{
    char *profile = tu_src("samples/profiles/eldercare.xml");
    tu_result r = export_district(profile, as_of, out);
    ck_assert_msg(r.status == 0, "export: %s", r.err);
    tu_result_free(&r);
    free(profile);
    return tu_path(tu_store_dir, out);
}

/* The oracle for the eldercare list, from the dump of list and show: the persons
 * aged 80+ or 60+ living alone by `hhreg list --json` (who lives alone) and
 * `hhreg show --json` (each person's age) — or, with an as-of date, by the
 * completed years from each birth date to it. It prints: rows in the file, rows
 * wanted, whether they are the same persons with the same address, sex, age,
 * disability and last visit, whether every phone is the household's written
 * ="PHONE", and how many of those phones start with 0. Never a name or a phone. */
static const char oracle[] =
    "import csv,datetime,json,sys\n"
    "dump=json.load(open(sys.argv[3]))\n"
    "out=sys.argv[4]\n"
    "asof=sys.argv[5] if len(sys.argv)>5 else None\n"
    "def years(b,d):\n"
    "  b=datetime.date.fromisoformat(b)\n"
    "  return max(0, d.year-b.year-((d.month,d.day)<(b.month,b.day)))\n"
    "want=[]\n"
    "phones={}\n"
    "for h in dump[\"list\"]:\n"
    "  s=dump[\"show\"].get(h[\"id\"])\n"
    "  if not s: continue\n"
    "  phones[h[\"id\"]]=s.get(\"phone\") or \"\"\n"
    "  a=s[\"address\"]\n"
    "  where=(a[\"building\"],a[\"unit\"],a[\"room\"])\n"
    "  last=s[\"visits\"][-1][\"date\"] if s[\"visits\"] else \"\"\n"
    "  for p in s[\"persons\"]:\n"
    "    if asof:\n"
    "      age=years(p[\"birthDate\"],datetime.date.fromisoformat(asof))\n"
    "      alone=len(s[\"persons\"])==1 and age>=60\n"
    "    else:\n"
    "      age=p[\"derived\"][\"age\"]\n"
    "      alone=h[\"elderlyLivingAlone\"]\n"
    "    if age>=80 or (alone and age>=60):\n"
    "      want.append((h[\"id\"],where,p[\"name\"],p[\"sex\"],age,str(int(p[\"derived\"][\"disability\"])),last))\n"
    "rows=list(csv.DictReader(open(out,encoding=\"utf-8-sig\",newline=\"\")))\n"
    "got=[(r[\"household_id\"],(r[\"building\"],r[\"unit\"],r[\"room\"]),r[\"name\"],r[\"sex\"],int(r[\"age\"]),"
    "r[\"disability\"],r[\"last_visit\"]) for r in rows]\n"
    "text=all(r[\"phone\"]==(\"=\\\"\"+phones[r[\"household_id\"]]+\"\\\"\" if phones[r[\"household_id\"]] else \"\")"
    " for r in rows if r[\"household_id\"] in phones)\n"
    "print(len(got),len(want),sorted(got)==sorted(want),text,"
    "sum(phones.get(r[\"household_id\"],\"\").startswith(\"0\") for r in rows))\n";

/* Parses the oracle's line; checks the file lists exactly the persons wanted, with
 * their phones as text; returns the number of rows. */
static long check_against_oracle(const char *out, const char *as_of)
{
    char *args = hh_xasprintf("'%s' %s", out, as_of ? as_of : "");
    char *got = python(oracle, tu_store_db, args);
    long rows = -1, wanted = -2, zeros = -1;
    char same[8] = "", text[8] = "";
    ck_assert_msg(sscanf(got, "%ld %ld %7s %7s %ld", &rows, &wanted, same, text, &zeros) == 5, "%s", got);
    ck_assert_msg(rows == wanted && rows > 0, "%s rows in the file, %ld wanted", got, wanted);
    ck_assert_msg(strcmp(same, "True") == 0, "not the same persons and ages: %s", got);
    ck_assert_msg(strcmp(text, "True") == 0, "a phone is not its household's, as text: %s", got);
    ck_assert_msg(zeros > 0, "no phone starting with 0 was checked: %s", got);
    free(got);
    free(args);
    return rows;
}

START_TEST(eldercare_lists_exactly_the_persons_list_and_show_say)
{
    char *out = eldercare(NULL, "eldercare.csv");
    size_t len;
    char *bytes = tu_read_file(out, &len);
    ck_assert_msg(len > 3 && memcmp(bytes, "\xEF\xBB\xBF" "household_id,", 16) == 0, "no BOM and header");
    /* a phone starting with 0, written so Excel keeps it as text */
    ck_assert_msg(strstr(bytes, ",\"=\"\"0") != NULL, "no phone kept as text with its leading 0");
    check_against_oracle(out, NULL);
    free(bytes);
    free(out);
}
END_TEST

START_TEST(as_of_counts_the_ages_at_that_date)
{
    char *now = eldercare(NULL, "now.csv");
    char *later = eldercare("2031-06-30", "later.csv");
    char *leap = eldercare("2028-02-29", "leap.csv");
    long at_enumeration = check_against_oracle(now, NULL);
    long in_2031 = check_against_oracle(later, "2031-06-30");
    check_against_oracle(leap, "2028-02-29");
    /* the sample grid was enumerated in 2026: five years on, more are 80+ or 60+ alone */
    ck_assert_msg(in_2031 > at_enumeration, "%ld persons in 2031, %ld at the enumeration", in_2031, at_enumeration);
    free(leap);
    free(later);
    free(now);
}
END_TEST

/* Exports with a profile holding `filter` for `records` rows; returns the rows
 * written (the header left out). */
static long filtered_rows(const char *records, const char *filter)
{
    char *text = hh_xasprintf("<profile xmlns=\"urn:hhreg:district-profile:1\"><records>%s</records>"
                              "<output lineEnd=\"LF\"/><filter>%s</filter>"
                              "<column header=\"id\" value=\"householdId\"/></profile>",
                              records, filter);
    char *path = tu_path(tu_store_dir, "filter.xml");
    tu_write_file(path, text, strlen(text));
    tu_result r = export_district(path, NULL, "filtered.csv");
    ck_assert_msg(r.status == 0, "%s: %s", filter, r.err);
    tu_result_free(&r);
    char *out = tu_path(tu_store_dir, "filtered.csv");
    char *csv = tu_read_file(out, NULL);
    long lines = 0;
    for (const char *c = csv; *c; c++)
        lines += *c == '\n';
    free(csv);
    free(out);
    free(path);
    free(text);
    return lines - 1;
}

/* A count from `hhreg list --json`: Python's sum of `expression` over its rows h. */
static long list_count(const char *expression)
{
    char *script = hh_xasprintf("import json,sys\n"
                                "rows=json.load(open(sys.argv[3]))[\"list\"]\n"
                                "print(sum(int(%s) for h in rows))\n",
                                expression);
    char *got = python(script, tu_store_db, "");
    long n = atol(got);
    free(got);
    free(script);
    return n;
}

START_TEST(filters_select_what_list_counts)
{
    long n = filtered_rows("households", "<and><in item=\"building\" values=\"543 544\"/>"
                                         "<group name=\"disability\"/></and>");
    ck_assert_int_eq(n, list_count("h[\"building\"] in (\"543\",\"544\") and h[\"personsWithDisability\"]>0"));
    ck_assert_int_gt(n, 0);
    ck_assert_int_eq(filtered_rows("persons", "<eq item=\"disability\" value=\"1\"/>"),
                     list_count("h[\"personsWithDisability\"]"));
    ck_assert_int_eq(filtered_rows("households", "<not><group name=\"elderly-alone\"/></not>"),
                     list_count("not h[\"elderlyLivingAlone\"]"));
    ck_assert_int_eq(filtered_rows("households", "<or><ge item=\"size\" value=\"5\"/><empty item=\"room\"/></or>"),
                     list_count("h[\"size\"]>=5"));
    ck_assert_int_eq(filtered_rows("special-groups", "<eq item=\"category\" value=\"elderly-alone\"/>"),
                     list_count("h[\"elderlyLivingAlone\"]"));
    /* <empty>: the households without a phone, counted in the sample forms themselves */
    char *forms = tu_src("samples/households");
    char *count = hh_xasprintf("python3 -c 'import glob,sys; print(sum(\"<phone>\" not in open(f).read()"
                               ".split(\"<person\")[0] for f in glob.glob(sys.argv[1]+\"/*.xml\")))' '%s'",
                               forms);
    char *without = tu_shell(count);
    long no_phone = filtered_rows("households", "<empty item=\"householdPhone\"/>");
    ck_assert_int_eq(no_phone, atol(without));
    ck_assert_int_gt(no_phone, 0);
    ck_assert_int_eq(filtered_rows("households", "<not><empty item=\"householdPhone\"/></not>"), 812 - no_phone);
    free(without);
    free(count);
    free(forms);
}
END_TEST

/* A profile whose line 3 is `output` and line 4 `line4`, for `records` rows, is
 * refused naming bad.xml:4 (unless the mistake is the --opt as-of date), and each
 * of the words in `words` (separated by |); no output is left. */
static void refused_with(const char *records, const char *output, const char *line4, const char *as_of,
                         const char *words)
{
    char *text = hh_xasprintf("<profile xmlns=\"urn:hhreg:district-profile:1\">\n<records>%s</records>\n"
                              "%s\n%s\n<column header=\"id\" value=\"householdId\" width=\"20\"/>\n</profile>\n",
                              records, output, line4);
    char *path = tu_path(tu_store_dir, "bad.xml");
    tu_write_file(path, text, strlen(text));
    tu_result r = export_district(path, as_of, "bad.csv");
    ck_assert_msg(r.status == 1, "%s: exit %d", line4, r.status);
    char *want = hh_xasprintf("%s|", words);
    if (!as_of)
        ck_assert_msg(strstr(r.err, "bad.xml:4:"), "%s: no file and line in: %s", line4, r.err);
    for (char *w = want, *bar; (bar = strchr(w, '|')); w = bar + 1) {
        *bar = '\0';
        ck_assert_msg(strstr(r.err, w), "%s: wanted '%s' in: %s", line4, w, r.err);
    }
    ck_assert_int_ne(r.err[0], '\0');
    char *out = tu_path(tu_store_dir, "bad.csv");
    ck_assert_msg(access(out, F_OK) != 0, "%s: an output file was left", line4);
    free(out);
    tu_result_free(&r);
    free(want);
    free(path);
    free(text);
}

static void refused(const char *records, const char *line4, const char *as_of, const char *words)
{
    refused_with(records, "<output/>", line4, as_of, words);
}

START_TEST(filter_mistakes_are_refused_with_file_line_and_element)
{
    refused("persons", "<filter><ge item=\"agee\" value=\"80\"/></filter>", NULL,
            "<ge>, attribute 'item': 'agee' is not one of the names allowed here");
    refused("persons", "<filter><ge item=\"age\" value=\"eighty\"/></filter>", NULL,
            "<ge>: 'eighty' is not a number (item 'age')");
    refused("persons", "<filter><gt item=\"name\" value=\"A\"/></filter>", NULL, "<gt>: 'name' has no order");
    refused("households", "<filter><ge item=\"age\" value=\"80\"/></filter>", NULL,
            "<ge>: 'age' is a person item|this profile's rows");
    refused("persons", "<filter><eq item=\"sex\" value=\"mail\"/></filter>", NULL,
            "<eq>: 'mail' is not a code of SexCode (item 'sex')");
    refused("persons", "<filter><lt item=\"birthDate\" value=\"1944-02-30\"/></filter>", NULL,
            "<lt>: '1944-02-30' is not a calendar date YYYY-MM-DD (item 'birthDate')");
    refused("households", "<filter><eq item=\"elderlyLivingAlone\" value=\"yes\"/></filter>", NULL,
            "<eq>: 'yes' is not a yes/no value");
    refused("households", "<filter><eq item=\"seq\" value=\"1\"/></filter>", NULL, "<eq>: 'seq' numbers the rows");
    refused("persons", "<filter><eq item=\"category\" value=\"elderly-alone\"/></filter>", NULL,
            "<eq>: 'category' is a register item");
    refused("special-groups", "<filter><in item=\"category\" values=\"disability elderly\"/></filter>", NULL,
            "<in>: 'elderly' is not a special group");
    refused("persons", "<filter><group name=\"elderly\"/></filter>", NULL,
            "<group>, attribute 'name': 'elderly' is not one of the names");
    refused("persons", "<filter><and><ge item=\"age\" value=\"80\"/></and></filter>", NULL,
            "<and>: a condition is missing inside it");
    refused("persons", "<column header=\"p\" value=\"personPhone\" as=\"texte\"/>", NULL,
            "<column>, attribute 'as': 'texte' is not one of the names");
    refused("persons", "<filter><in item=\"age\" values=\"   \"/></filter>", NULL,
            "<in>, attribute 'values': it must not be empty");
    {
        hh_buf deep;
        hh_buf_init(&deep);
        hh_buf_puts(&deep, "<filter>");
        for (int i = 0; i < 300; i++)
            hh_buf_puts(&deep, "<not>");
        hh_buf_puts(&deep, "<eq item=\"age\" value=\"1\"/>");
        for (int i = 0; i < 300; i++)
            hh_buf_puts(&deep, "</not>");
        hh_buf_puts(&deep, "</filter>");
        refused("persons", deep.data, NULL, "the profile is nested too deeply (256 levels at most)");
        hh_buf_free(&deep);
    }
    /* the reference date: a real calendar date */
    refused("persons", "<filter><ge item=\"age\" value=\"80\"/></filter>", "2023-02-29",
            "option as-of takes a date YYYY-MM-DD (a real calendar date), not '2023-02-29'");
    refused("persons", "<filter><ge item=\"age\" value=\"80\"/></filter>", "01/02/2030",
            "option as-of takes a date YYYY-MM-DD (a real calendar date), not '01/02/2030'");
}
END_TEST

START_TEST(text_cells_keep_formulas_neutralised_and_fixed_width_refuses_them)
{
    /* a name that is a formula, in a text column: a string constant, its ' kept */
    tu_import_formula_name();
    const char *profile = "<profile xmlns=\"urn:hhreg:district-profile:1\"><records>persons</records>"
                          "<output lineEnd=\"LF\" header=\"false\"/>"
                          "<filter><eq item=\"householdId\" value=\"510105016003-03-0001\"/></filter>"
                          "<column header=\"name\" value=\"name\" as=\"text\"/></profile>";
    char *path = tu_path(tu_store_dir, "text.xml");
    tu_write_file(path, profile, strlen(profile));
    tu_result r = export_district(path, NULL, "text.csv");
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
    char *out = tu_path(tu_store_dir, "text.csv");
    char *csv = tu_read_file(out, NULL);
    /* ="'=HYPERLINK(""http://example.invalid"",""x"")" as a CSV field: every quote doubled again */
    const char *want = "\"=\"\"'=HYPERLINK(\"\"\"\"http://example.invalid\"\"\"\",\"\"\"\"x\"\"\"\")\"\"\"\n";
    ck_assert_msg(strncmp(csv, want, strlen(want)) == 0, "%s", csv);
    free(csv);
    free(out);
    refused_with("persons", "<output layout=\"fixed-width\"/>",
                 "<column header=\"p\" value=\"personPhone\" width=\"12\" as=\"text\"/>", NULL,
                 "column 'p': as=\"text\" is for the csv layout");
    free(path);
}
END_TEST

/* The ids `hhreg due` lists with `options`, space-separated ("" when nothing is due). */
static char *due_ids(const char *options)
{
    char *cmd = hh_xasprintf("'%s' due --db '%s' --lang en %s | awk '$1 != \"Nothing\" { print $1 }' | paste -sd ' '",
                             tu_bin(), tu_store_db, options);
    char *out = tu_shell(cmd);
    free(cmd);
    out[strcspn(out, "\n")] = '\0';
    return out;
}

/* The same, as SQLite says from the store's tables: the oracle, written apart
 * from due.c. `groups` is an SQL expression over the group columns. */
static char *due_ids_by_sql(const char *groups, int days)
{
    char *sql = hh_xasprintf(
        "WITH cur AS (SELECT r.* FROM household h JOIN revision r ON r.household_id = h.id "
        "  AND r.revision = h.current_revision WHERE h.deleted_at IS NULL), "
        "g AS (SELECT c.household_id AS id, c.living_alone = 1 AS alone, c.disabled > 0 AS disability, "
        "  c.low_income = 1 AS low_income, "
        "  EXISTS (SELECT 1 FROM person p WHERE p.household_id = c.household_id AND p.revision = c.revision "
        "    AND p.birth_date <= date('now', '-80 years')) AS elderly80, "
        "  EXISTS (SELECT 1 FROM person p WHERE p.household_id = c.household_id AND p.revision = c.revision "
        "    AND p.nationality <> 'CHN') AS foreign_, "
        "  (SELECT max(v.date) FROM visit v WHERE v.household_id = c.household_id AND v.revision = c.revision "
        "    AND v.outcome IN ('done', 'referred')) AS last_done, "
        "  (SELECT v.outcome FROM visit v WHERE v.household_id = c.household_id AND v.revision = c.revision "
        "    ORDER BY v.date DESC, v.seq DESC LIMIT 1) AS last_outcome, "
        "  EXISTS (SELECT 1 FROM person p WHERE p.household_id = c.household_id AND p.revision = c.revision "
        "    AND substr(p.birth_date, 1, 7) = printf('%%04d-%%s', strftime('%%Y', 'now') - 80, strftime('%%m', 'now'))) "
        "    AS turns80, c.enumeration_status AS status, "
        "  c.low_income = 1 AND substr(c.low_income_since, 6, 2) = strftime('%%m', 'now') "
        "    AND substr(c.low_income_since, 1, 4) < strftime('%%Y', 'now') AS review "
        "  FROM cur c) "
        "SELECT coalesce(group_concat(id, ' '), '') FROM (SELECT id FROM g WHERE ((%s) AND (last_done IS NULL OR "
        "  julianday(date('now')) - julianday(last_done) > %d)) OR last_outcome = 'nobody-home' OR status = 'nobody-home' "
        "  OR turns80 OR review "
        "  ORDER BY id);\n",
        groups, days);
    char *path = tu_path(tu_store_dir, "due.sql");
    tu_write_file(path, sql, strlen(sql));
    char *cmd = hh_xasprintf("sqlite3 '%s' < '%s'", tu_store_db, path);
    char *out = tu_shell(cmd);
    out[strcspn(out, "\n")] = '\0';
    free(cmd);
    free(path);
    free(sql);
    return out;
}

/* `hhreg due` (issue 18, item 6, on the command line) lists exactly the households
 * the store's tables say are owed something, for several windows and groups; a
 * wrong option is refused. */
START_TEST(due_lists_what_the_tables_say_is_owed)
{
    static const struct {
        const char *options, *groups;
        int days;
    } cases[] = {
        { "", "alone OR disability OR low_income OR elderly80 OR foreign_", 30 },
        { "--days 45", "alone OR disability OR low_income OR elderly80 OR foreign_", 45 },
        { "--days 400 --group alone", "alone", 400 },
        { "--days 10 --group foreign --group low-income", "foreign_ OR low_income", 10 },
        { "--days 3650", "alone OR disability OR low_income OR elderly80 OR foreign_", 3650 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = due_ids(cases[i].options), *want = due_ids_by_sql(cases[i].groups, cases[i].days);
        ck_assert_msg(strcmp(got, want) == 0, "due %s:\n  hhreg  %.300s\n  SQLite %.300s", cases[i].options, got,
                      want);
        if (i == 0)
            ck_assert_msg(strlen(got) > 1000, "the grid owes few visits: %.200s", got); /* a test that can fail */
        free(got);
        free(want);
    }
    tu_result r = tu_hhreg(NULL, NULL, "due", "--group", "elderly", "--db", tu_store_db, "--lang", "en", NULL);
    ck_assert_msg(r.status == 2 && strstr(r.err, "--group takes alone, disability"), "%s", r.err);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "due", "--lang", "zh", "--days", "-3", "--db", tu_store_db, NULL);
    ck_assert_msg(r.status == 2 && strstr(r.err, "--days 应为"), "%s", r.err);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "due", "--days", "60", "--group", "alone", "--db", tu_store_db, "--lang", "zh", NULL);
    ck_assert_msg(r.status == 0 && strstr(r.out, "应走访（独居老人；上次 ") && !strstr(r.out, "visit ("), "%.300s", r.out);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "due", "--json", "--days", "3650", "--db", tu_store_db, NULL);
    ck_assert_msg(r.status == 0 && r.out[0] == '[' && strstr(r.out, "\"turns80\":true"), "%.300s", r.out);
    tu_result_free(&r);
}
END_TEST

/* Asked for without a profile, district-csv says where the shipped ones are
 * installed, not only where they are in hhreg's source. */
START_TEST(a_missing_profile_is_told_where_the_shipped_ones_are)
{
    char *path = tu_path(tu_store_dir, "none.csv");
    tu_result r = tu_hhreg(NULL, NULL, "export", "--db", tu_store_db, "--plugin-dir", getenv("HHREG_PLUGINS"), "-o",
                           path, "district-csv", NULL);
    ck_assert_msg(r.status == 1 && strstr(r.err, "a district profile is needed: --opt profile=FILE (those shipped "
                                                 "with hhreg are in /") &&
                      strstr(r.err, "/share/hhreg/profiles, and samples/profiles/ of its source)"),
                  "exit %d: %s", r.status, r.err);
    ck_assert_int_eq(access(path, F_OK), -1);
    tu_result_free(&r);
    free(path);
}
END_TEST

Suite *make_district_suite(void)
{
    Suite *s = suite_create("district");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 600);
    tcase_add_unchecked_fixture(tc, import_the_grid, remove_the_grid);
    tcase_add_checked_fixture(tc, tu_grid_setup, tu_store_teardown);
    tcase_add_test(tc, eldercare_lists_exactly_the_persons_list_and_show_say);
    tcase_add_test(tc, as_of_counts_the_ages_at_that_date);
    tcase_add_test(tc, filters_select_what_list_counts);
    tcase_add_test(tc, filter_mistakes_are_refused_with_file_line_and_element);
    tcase_add_test(tc, text_cells_keep_formulas_neutralised_and_fixed_width_refuses_them);
    tcase_add_test(tc, due_lists_what_the_tables_say_is_owed);
    tcase_add_test(tc, a_missing_profile_is_told_where_the_shipped_ones_are);
    suite_add_tcase(s, tc);
    return s;
}
