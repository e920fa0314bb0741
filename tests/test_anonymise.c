/* test_anonymise.c — the anonymise plugin checked from outside: every release is
 * checked by tests/anonymise/check-release.sql, SQL run by the sqlite3 shell over
 * the released CSV and written apart from the plugin (k-anonymity with blanks as
 * their own category and household size recounted from the released household
 * id, no group wholly disabled or low-income, household items equal within a
 * household); on the sample grid and on 100,000 generated households. No name, ID
 * number, phone, household id, date or free text of the store appears in any
 * file; the codebook is DDI 2.5 with every variable; the .dta and .sav files load
 * in R (haven) and pandas with their labels; seeds, keys and options behave as
 * docs/anonymise.md says, and bad ones leave nothing behind. */
#define _GNU_SOURCE /* memmem */
#include <check.h>
#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "testutil.h"

Suite *make_anonymise_suite(void);


/* Runs the anonymise export of `db` into tu_store_dir/NAME with up to four
 * options; returns the status and fills *err (may be NULL) with standard error. */
static int export_to(const char *db, const char *name, char **err, const char *o1, const char *o2, const char *o3,
                     const char *o4)
{
    char *out = tu_path(tu_store_dir, name);
    const char *argv[20] = { "export", "--db", db, "--plugin-dir", getenv("HHREG_PLUGINS"), "-o", out };
    int n = 7;
    const char *opts[4] = { o1, o2, o3, o4 };
    for (int i = 0; i < 4; i++)
        if (opts[i]) {
            argv[n++] = "--opt";
            argv[n++] = opts[i];
        }
    argv[n] = "anonymise";
    tu_result r = tu_hhreg(NULL, NULL, argv[0], argv[1], argv[2], argv[3], argv[4], argv[5], argv[6], argv[7],
                           argv[8], argv[9], argv[10], argv[11], argv[12], argv[13], argv[14], argv[15], NULL);
    int status = r.status;
    if (err)
        *err = strdup(r.err);
    tu_result_free(&r);
    free(out);
    return status;
}

/* A release that must succeed; returns its directory. */
static char *release(const char *name, const char *o1, const char *o2, const char *o3, const char *o4)
{
    char *err;
    int status = export_to(tu_store_db, name, &err, o1, o2, o3, o4);
    ck_assert_msg(status == 0, "anonymise %s: %s", name, err);
    free(err);
    return tu_path(tu_store_dir, name);
}

static char *file_in(const char *dir, const char *name)
{
    char *path = tu_path(dir, name);
    char *text = tu_read_file(path, NULL);
    free(path);
    return text;
}

/* --- the independent check ----------------------------------------------------------- */

/* The value of line NAME|VALUE of the check's output. */
static long figure(const char *output, const char *name)
{
    char key[128];
    snprintf(key, sizeof key, "%s|", name);
    for (const char *line = output; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (strncmp(line, key, strlen(key)) == 0)
            return strtol(line + strlen(key), NULL, 10);
    ck_abort_msg("the check printed no %s: %s", name, output);
    return -1;
}

static char *independent_check(const char *dir, long k, long top)
{
    char *sql = tu_src("tests/anonymise/check-release.sql");
    char command[4096];
    snprintf(command, sizeof command,
             "cd '%s' && sqlite3 :memory: -cmd '.param set :k %ld' -cmd '.param set :top %ld' < '%s'", dir, k, top,
             sql);
    free(sql);
    return tu_shell(command);
}

/* The number after "KEY": in the JSON report. */
static long report_number(const char *json, const char *key)
{
    char pattern[128];
    snprintf(pattern, sizeof pattern, "\"%s\": ", key);
    const char *at = strstr(json, pattern);
    ck_assert_msg(at != NULL, "the report has no %s", key);
    return strtol(at + strlen(pattern), NULL, 10);
}

/* The number after "KEY": in the JSON object "OBJECT" of the report. */
static long report_number_in(const char *json, const char *object, const char *key)
{
    char pattern[128];
    snprintf(pattern, sizeof pattern, "\"%s\": {", object);
    const char *at = strstr(json, pattern);
    ck_assert_msg(at != NULL, "the report has no %s", object);
    return report_number(at, key);
}

/* Checks a release of a store with `persons` persons and `households` households. */
static void assert_release_safe(const char *dir, long k, long persons, long households)
{
    char *check = independent_check(dir, k, 8);
    ck_assert_msg(figure(check, "persons_in_groups_under_k") == 0, "%s", check);
    ck_assert_int_eq(figure(check, "groups_all_disabled"), 0);
    ck_assert_int_eq(figure(check, "groups_all_low_income"), 0);
    ck_assert_int_eq(figure(check, "households_with_mixed_items"), 0);
    ck_assert_int_eq(figure(check, "persons_not_matching_household"), 0);
    ck_assert_int_eq(figure(check, "households_without_persons"), 0);
    ck_assert_int_eq(figure(check, "released_size_not_recount"), 0);
    /* no blank the household fills in: person order is shuffled, the head and the
     * spouse's sex are not the only ones left to guess, a single area is named */
    ck_assert_msg(figure(check, "derivable_heads") == 0 && figure(check, "derivable_spouse_sexes") == 0 &&
                      figure(check, "derivable_areas") == 0, "%s", check);
    ck_assert_int_eq(figure(check, "persons"), persons);
    ck_assert_int_eq(figure(check, "households"), households);
    ck_assert(figure(check, "smallest_group") >= k);
    /* the plugin's own report says the same */
    char *json = file_in(dir, "disclosure-report.json");
    ck_assert_int_eq(report_number(json, "k_reached"), figure(check, "smallest_group"));
    ck_assert_int_eq(report_number(json, "groups"), figure(check, "groups"));
    ck_assert_int_eq(report_number(json, "released"), 0);
    ck_assert_int_eq(report_number(json, "persons"), persons);
    /* the report's quasi-identifiers are columns of the release a checker can read */
    char *header = file_in(dir, "persons.csv");
    *strchr(header, '\n') = '\0';
    const char *list = strstr(json, "\"quasi_identifiers\": [");
    ck_assert(list != NULL);
    const char *end = strchr(list, ']');
    int named = 0;
    for (const char *q = strchr(list + 22, '"'); q && q < end; q = strchr(strchr(q + 1, '"') + 1, '"')) {
        const char *close = strchr(q + 1, '"');
        char *column = hh_xasprintf(",%.*s,", (int)(close - q - 1), q + 1), *row = hh_xasprintf(",%s,", header);
        ck_assert_msg(strstr(row, column), "quasi-identifier %s is not a column of persons.csv", column);
        named++;
        free(column);
        free(row);
    }
    ck_assert_int_ge(named, 10);
    ck_assert_msg(strstr(json, "\"derived_quasi_identifiers\": [{\"name\": \"household_size\", \"rule\": "), "%s",
                  json);
    free(header);
    /* no household found exactly by its members in a public release; a licensed one says how many */
    long unique = figure(check, "unique_households");
    ck_assert_int_eq(report_number_in(json, "unique_households", "released"), unique);
    if (strstr(json, "\"profile\": \"public\""))
        ck_assert_msg(unique == 0, "%ld households unique on area, size, age and sex", unique);
    ck_assert_int_eq(report_number_in(json, "households_with_a_member_at_risk", "released"), 0);
    ck_assert_int_eq(report_number_in(json, "persons_with_derivable_blanks", "released"), 0);
    free(json);
    free(check);
}

static long store_persons(const char *db)
{
    return tu_sql_count(db, "SELECT count(*) FROM person p JOIN household h ON h.id = p.household_id AND "
                            "h.current_revision = p.revision WHERE h.deleted_at IS NULL");
}

static long store_households(const char *db)
{
    return tu_sql_count(db, "SELECT count(*) FROM household WHERE deleted_at IS NULL");
}

START_TEST(the_sample_release_is_k_anonymous_and_l_diverse)
{
    /* a household where nobody was home: stored, but nobody to release */
    char *empty = tu_path(tu_store_dir, "empty.xml");
    const char *form = "<household id=\"510105016003-03-0900\" xmlns=\"urn:hhreg:household:1\"><address>"
                       "<district code=\"510105\">青羊区</district><street code=\"510105016\">黄田坝街道</street>"
                       "<community code=\"510105016003\">华兴社区</community><grid>3</grid><building>543</building>"
                       "<unit>1</unit><room>909</room></address><householdType>family</householdType>"
                       "<dwellingType>apartment</dwellingType><tenure>owned</tenure><lowIncome receives=\"false\"/>"
                       "<extremeHardship>false</extremeHardship><enumeration enumerator=\"E0300\" "
                       "date=\"2026-10-11\" status=\"nobody-home\" respondent=\"proxy\" consent=\"false\"/>"
                       "</household>\n";
    tu_write_file(empty, form, strlen(form));
    tu_result r = tu_hhreg(NULL, NULL, "import", "-q", "--db", tu_store_db, empty, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
    free(empty);
    char *dir = release("public", "seed=7", NULL, NULL, NULL);
    static const char *const files[] = { "persons.csv", "households.csv", "persons.dta", "households.dta",
                                         "persons.sav", "households.sav", "codebook.xml", "disclosure-report.json",
                                         "disclosure-report.txt" };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *path = tu_path(dir, files[i]);
        ck_assert_msg(access(path, R_OK) == 0, "%s is missing", files[i]);
        free(path);
    }
    assert_release_safe(dir, 5, store_persons(tu_store_db), store_households(tu_store_db) - 1);
    /* persons are shuffled within each household: person 1 is not the head by rule */
    char *command = hh_xasprintf("cd '%s' && sqlite3 :memory: -cmd '.mode csv' -cmd '.import persons.csv p' -cmd "
                                 "'.mode list' \"SELECT SUM(relationship = 'head'), COUNT(*) FROM p WHERE person_no = "
                                 "'1' AND hh_id IN (SELECT hh_id FROM p GROUP BY hh_id HAVING COUNT(*) > 1)\"",
                                 dir);
    char *firsts = tu_shell(command);
    long heads = atol(firsts), households_of_several = atol(strchr(firsts, '|') + 1);
    ck_assert_msg(households_of_several > 100 && heads * 10 < households_of_several * 7,
                  "person 1 is the head in %ld of %ld households of two or more", heads, households_of_several);
    free(firsts);
    free(command);
    /* public: five-year age bands with 80+, street codes, the report's every parameter */
    char *persons = file_in(dir, "persons.csv");
    ck_assert(strncmp(persons, "hh_id,person_no,area,hh_size,hh_type,dwelling,tenure,low_income,age,sex,", 72) == 0);
    ck_assert(strstr(persons, ",80+,") && strstr(persons, ",0-4,") && !strstr(persons, ",85,"));
    free(persons);
    char *json = file_in(dir, "disclosure-report.json");
    static const char *const parameters[] = { "\"profile\": \"public\"", "\"k\": 5", "\"l\": 2",
                                              "\"geography\": \"street\"", "\"min_area_population\": 1000",
                                              "\"age\": \"bands\"", "\"age_top\": 80", "\"hh_size_top\": 8",
                                              "\"pool\": true", "\"suppress_order\": \"age,education,",
                                              "\"household_ids\": \"new random ids\"", "\"shuffle\": \"seeded",
                                              "\"quasi_identifiers\": [\"area\"", "\"sensitive_attributes\": "
                                              "[\"low_income\", \"disability\"]", "\"before_recodes\": ",
                                              "\"l_reached\": 2", "\"households_without_persons_left_out\": 1" };
    for (size_t i = 0; i < sizeof parameters / sizeof parameters[0]; i++)
        ck_assert_msg(strstr(json, parameters[i]), "the report lacks %s", parameters[i]);
    ck_assert(!strstr(json, "\"seed\": 7") && !strstr(json, "\"7\""));
    free(json);
    char *text = file_in(dir, "disclosure-report.txt");
    ck_assert(strstr(text, "k reached: 5") && strstr(text, "persons at risk"));
    free(text);
    free(dir);
}
END_TEST

START_TEST(the_licensed_profile_keeps_single_years_at_k_3)
{
    char *dir = release("licensed", "profile=licensed", "seed=3", "suppress-order=relationship", NULL);
    assert_release_safe(dir, 3, store_persons(tu_store_db), store_households(tu_store_db));
    char *sql = "SELECT count(*) FROM persons WHERE age <> '' AND (CAST(age AS INTEGER) > 85 OR age GLOB '*[^0-9]*')";
    char command[4096];
    snprintf(command, sizeof command,
             "cd '%s' && sqlite3 :memory: -cmd '.mode csv' -cmd '.import persons.csv persons' \"%s\"", dir, sql);
    char *out = tu_shell(command);
    ck_assert_int_eq(strtol(out, NULL, 10), 0);
    free(out);
    /* the check can fail: this k = 3 release is not 5-anonymous */
    char *check = independent_check(dir, 5, 8);
    ck_assert_msg(figure(check, "persons_in_groups_under_k") > 0, "%s", check);
    free(check);
    char *json = file_in(dir, "disclosure-report.json");
    ck_assert(strstr(json, "\"geography\": \"street\"") && strstr(json, "\"age\": \"single\"") &&
              strstr(json, "\"age_top\": 85"));
    /* the variable named first, then the most categories first: single years before anything */
    ck_assert_msg(strstr(json, "\"suppress_order\": \"relationship,age,education,"), "%s", json);
    free(json);
    free(dir);
}
END_TEST

/* Ethnicity categories listed in a release's codebook. */
static long ethnicity_categories(const char *dir)
{
    char command[4096];
    snprintf(command, sizeof command, "cd '%s' && xmllint --xpath \"count(//*[local-name()='var'][@name='ethnicity']/"
             "*[local-name()='catgry'][not(@missing)])\" codebook.xml", dir);
    char *out = tu_shell(command);
    long n = strtol(out, NULL, 10);
    free(out);
    return n;
}

START_TEST(rare_categories_are_pooled_into_other)
{
    char *dir = release("pooled", "profile=licensed", "k=20", "seed=1", NULL);
    assert_release_safe(dir, 20, store_persons(tu_store_db), store_households(tu_store_db));
    char *json = file_in(dir, "disclosure-report.json");
    const char *ethnicity = strstr(json, "\"ethnicity\": {");
    ck_assert(ethnicity && report_number(ethnicity, "pooled_categories") > 0);
    free(json);
    char *codebook = file_in(dir, "codebook.xml");
    ck_assert(strstr(codebook, "<catValu>other</catValu>"));
    free(codebook);
    long pooled_categories = ethnicity_categories(dir);
    free(dir);
    /* without pooling nothing is pooled, and the check still passes */
    dir = release("unpooled", "profile=licensed", "k=20", "pool=no", "seed=1");
    assert_release_safe(dir, 20, store_persons(tu_store_db), store_households(tu_store_db));
    json = file_in(dir, "disclosure-report.json");
    ck_assert(!strstr(json, "\"pooled_categories\": 1") && !strstr(json, "\"pooled_categories\": 4"));
    free(json);
    ck_assert_msg(ethnicity_categories(dir) > pooled_categories, "pooling kept %ld ethnicity categories", pooled_categories);
    free(dir);
}
END_TEST

/* --- no identifier leaves ------------------------------------------------------------ */

static int contains(const char *data, size_t len, const char *needle)
{
    return memmem(data, len, needle, strlen(needle)) != NULL;
}

START_TEST(no_identifier_of_the_store_appears_in_any_file)
{
    char *key_path = tu_path(tu_store_dir, "release.key");
    tu_write_file(key_path, "0123456789abcdef-secret-key-bytes", 33);
    char key_opt[4200];
    snprintf(key_opt, sizeof key_opt, "key-file=%s", key_path);
    char *dirs[2] = { release("plain", "seed=5", NULL, NULL, NULL), release("keyed", key_opt, NULL, NULL, NULL) };
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open_v2(tu_store_db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    static const char *const identifiers =
        "SELECT name FROM person UNION SELECT document_number FROM person UNION SELECT phone FROM person "
        "UNION SELECT birth_date FROM person UNION SELECT notes FROM person UNION SELECT household_id FROM revision "
        "UNION SELECT phone FROM revision UNION SELECT respondent FROM revision UNION SELECT enumerator FROM revision "
        "UNION SELECT enumeration_date FROM revision UNION SELECT estate FROM revision UNION SELECT needs FROM revision "
        "UNION SELECT low_income_since FROM revision UNION SELECT date FROM visit UNION SELECT note FROM visit "
        "UNION SELECT enumerator FROM visit";
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(db, identifiers, -1, &st, NULL), SQLITE_OK);
    long checked = 0;
    for (int d = 0; d < 2; d++) {
        DIR *listing = opendir(dirs[d]);
        ck_assert(listing != NULL);
        struct dirent *e;
        while ((e = readdir(listing))) {
            if (e->d_name[0] == '.')
                continue;
            char *path = tu_path(dirs[d], e->d_name);
            size_t len;
            char *data = tu_read_file(path, &len);
            ck_assert(!contains(data, len, "secret-key"));
            sqlite3_reset(st);
            while (sqlite3_step(st) == SQLITE_ROW) {
                const char *value = (const char *)sqlite3_column_text(st, 0);
                if (!value || strlen(value) < 6) /* two Chinese characters or more */
                    continue;
                ck_assert_msg(!contains(data, len, value), "%s holds '%s' from the store", e->d_name, value);
                checked++;
            }
            free(data);
            free(path);
        }
        closedir(listing);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    ck_assert(checked > 10000);
    /* keyed ids: K + 16 hex digits */
    char *households = file_in(dirs[1], "households.csv");
    ck_assert(strncmp(strchr(households, '\n') + 1, "K", 1) == 0 && strchr(households, '\n')[18] == ',');
    free(households);
    free(dirs[0]);
    free(dirs[1]);
    free(key_path);
}
END_TEST

/* --- ids and order --------------------------------------------------------------------- */

/* The lines of a file, sorted, as one string (the order taken out). */
static char *sorted_lines(const char *dir, const char *file, const char *cut)
{
    char command[4096];
    snprintf(command, sizeof command, "cd '%s' && %s %s | sort", dir, cut ? cut : "cat", file);
    return tu_shell(command);
}

START_TEST(a_seed_repeats_a_release_and_keys_repeat_ids)
{
    /* under valgrind, the first release and the first keyed one: the others take the
     * same paths again, and are compared, not the subject */
    char *a = release("seeded-a", "seed=11", NULL, NULL, NULL);
    tu_no_valgrind = 1;
    char *b = release("seeded-b", "seed=11", NULL, NULL, NULL);
    char *pa = file_in(a, "persons.csv"), *pb = file_in(b, "persons.csv");
    ck_assert_msg(strcmp(pa, pb) == 0, "the same seed gave two releases");
    free(pb);
    /* without a seed: another order, other ids, the same content once the ids are cut off */
    char *c = release("random", NULL, NULL, NULL, NULL);
    char *pc = file_in(c, "persons.csv");
    ck_assert_msg(strcmp(pa, pc) != 0, "two releases without a seed are the same");
    free(pa);
    free(pc);
    char *sa = sorted_lines(a, "households.csv", "cut -d, -f3"), *sc = sorted_lines(c, "households.csv", "cut -d, -f3");
    ck_assert_msg(strcmp(sa, sc) == 0, "household sizes differ"); /* hh_size is never suppressed */
    free(sa);
    free(sc);

    /* a key: the same ids in every release of one profile and release id, whatever the seed */
    char *key_path = tu_path(tu_store_dir, "k.key");
    tu_write_file(key_path, "a custodian's key of 32 bytes...", 32);
    char key_opt[4200];
    snprintf(key_opt, sizeof key_opt, "key-file=%s", key_path);
    tu_no_valgrind = 0;
    char *k1 = release("keyed-1", key_opt, "seed=1", "release=2026-census", NULL);
    tu_no_valgrind = 1;
    char *k2 = release("keyed-2", key_opt, "seed=2", "release=2026-census", NULL);
    char *i1 = sorted_lines(k1, "households.csv", "cut -d, -f1,3"), *i2 = sorted_lines(k2, "households.csv", "cut -d, -f1,3");
    ck_assert_msg(strcmp(i1, i2) == 0, "a key gave other ids (or sizes) in another release");
    char *o1 = file_in(k1, "households.csv"), *o2 = file_in(k2, "households.csv");
    ck_assert_msg(strcmp(o1, o2) != 0, "two seeds gave the same order"); /* the order still differs */
    free(o1);
    free(o2);
    free(i1);
    free(i2);
    /* one key file, another profile or another release id: no id in common, so
     * the releases cannot be joined (HKDF per release) */
    char *licensed = release("keyed-licensed", key_opt, "release=2026-census", "profile=licensed", NULL);
    char *later = release("keyed-later", key_opt, "release=2027-update", NULL, NULL);
    tu_no_valgrind = 0;
    for (int i = 0; i < 2; i++) {
        const char *other = i ? "keyed-later" : "keyed-licensed";
        char *command = hh_xasprintf("cd '%s' && tail -n +2 keyed-1/households.csv | cut -d, -f1 | sort >a.ids && "
                                     "tail -n +2 %s/households.csv | cut -d, -f1 | sort >b.ids && "
                                     "comm -12 a.ids b.ids | wc -l",
                                     tu_store_dir, other);
        char *shared = tu_shell(command);
        ck_assert_msg(atol(shared) == 0, "%s household ids shared with %s", shared, i ? "a later release"
                                                                                   : "the licensed release");
        free(shared);
        free(command);
    }
    char *report = file_in(licensed, "disclosure-report.json");
    ck_assert_msg(strstr(report, "\"release\": \"2026-census\""), "%s", report);
    free(report);
    free(licensed);
    free(later);
    /* a short key is refused */
    tu_write_file(key_path, "short", 5);
    char *err;
    ck_assert_int_eq(export_to(tu_store_db, "short-key", &err, key_opt, NULL, NULL, NULL), 1);
    ck_assert_msg(strstr(err, "a key is 16 to 256 bytes"), "%s", err);
    free(err);
    free(key_path);
    free(a);
    free(b);
    free(c);
    free(k1);
    free(k2);
}
END_TEST

START_TEST(bad_options_are_refused_and_leave_nothing)
{
    static const struct {
        const char *opt, *says;
    } bad[] = {
        { "k=1", "option k takes a whole number in the range 2..1000, not '1'" },
        { "l=3", "option l takes a whole number in the range 1..2, not '3'" },
        { "hh-size-top=1", "option hh-size-top takes a whole number in the range 2..100, not '1'" },
        { "format=csv,xlsx", "format: 'xlsx' is not a format; choose from csv,dta,sav" },
        { "suppress-order=area,name", "suppress-order: 'name' is not a quasi-identifier" },
        { "suppress-order=sex,sex", "suppress-order: 'sex' is named twice" },
        { "geography=building", "geography" },
        { "age-top=83", "age-top must be a multiple of 5 with age=bands" },
        { "age-top=121", "option age-top takes a whole number in the range 1..120, not '121'" },
        { "seed=-4", "seed: '-4' is not a whole number" },
        { "k=900", "k = 900 cannot be reached" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *err;
        int status = export_to(tu_store_db, "bad", &err, bad[i].opt, NULL, NULL, NULL);
        ck_assert_msg(status == 1 && strstr(err, bad[i].says), "%s: exit %d: %s", bad[i].opt, status, err);
        free(err);
        DIR *d = opendir(tu_store_dir);
        struct dirent *e;
        while ((e = readdir(d)))
            ck_assert_msg(strncmp(e->d_name, "bad", 3) != 0, "%s: %s was left", bad[i].opt, e->d_name);
        closedir(d);
    }
}
END_TEST

/* --- the codebook ----------------------------------------------------------------------- */

static long xpath_number(xmlXPathContextPtr x, const char *expr)
{
    xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, x);
    ck_assert_msg(o != NULL, "%s", expr);
    long n = (long)xmlXPathCastToNumber(o);
    xmlXPathFreeObject(o);
    return n;
}

START_TEST(the_codebook_is_ddi_2_5_with_every_variable)
{
    char *dir = release("ddi", "seed=2", NULL, NULL, NULL);
    char *path = tu_path(dir, "codebook.xml");
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    ck_assert(doc != NULL);
    xmlXPathContextPtr x = xmlXPathNewContext(doc);
    xmlXPathRegisterNs(x, (const xmlChar *)"d", (const xmlChar *)"ddi:codebook:2_5");
    long persons = store_persons(tu_store_db), households = store_households(tu_store_db);
    ck_assert_int_eq(xpath_number(x, "count(/d:codeBook[@version='2.5'])"), 1);
    ck_assert_int_eq(xpath_number(x, "string-length(/d:codeBook/d:stdyDscr/d:citation/d:titlStmt/d:titl) > 10"), 1);
    ck_assert_int_eq(xpath_number(x, "count(//d:fileDscr)"), 2);
    ck_assert_int_eq(xpath_number(x, "//d:fileDscr[@URI='persons.csv']//d:caseQnty"), persons);
    ck_assert_int_eq(xpath_number(x, "//d:fileDscr[@URI='households.csv']//d:caseQnty"), households);
    ck_assert_int_eq(xpath_number(x, "//d:fileDscr[@URI='persons.csv']//d:varQnty"), 18);
    ck_assert_int_eq(xpath_number(x, "count(/d:codeBook/d:dataDscr/d:var)"), 18);
    ck_assert_int_eq(xpath_number(x, "count(//d:var[not(d:labl) or not(d:varFormat)])"), 0);
    /* every category of every coded variable is labelled and counted; the counts add up to the persons */
    ck_assert_int_eq(xpath_number(x, "count(//d:catgry[not(d:labl) or not(d:catStat)])"), 0);
    ck_assert_int_eq(xpath_number(x, "sum(//d:var[@name='sex']/d:catgry/d:catStat)"), persons);
    ck_assert_int_eq(xpath_number(x, "sum(//d:var[@name='education']/d:catgry/d:catStat)"), persons);
    ck_assert_int_eq(xpath_number(x, "count(//d:var[@name='sex']/d:catgry[d:labl='女'])"), 1);
    ck_assert_int_eq(xpath_number(x, "count(//d:var[@name='age']/d:catgry[d:catValu='80+'])"), 1);
    ck_assert_int_eq(xpath_number(x, "count(//d:var[@name='area']/d:notes[contains(., 'street level')])"), 1);
    ck_assert_int_eq(xpath_number(x, "count(/d:codeBook/d:stdyDscr/d:method/d:dataColl/d:cleanOps"
                                     "[contains(., 'k-anonym') or contains(., 'at least 5 persons')])"),
                     1);
    xmlXPathFreeContext(x);
    xmlFreeDoc(doc);
    free(path);
    free(dir);
}
END_TEST

/* --- R and pandas ------------------------------------------------------------------------- */

START_TEST(stata_and_spss_files_load_in_r_and_pandas_with_labels)
{
    char *dir = release("stats", "seed=4", "lang=en", NULL, NULL);
    long persons = store_persons(tu_store_db);
    char command[8192];
    if (system("Rscript -e 'suppressMessages(library(haven))' >/dev/null 2>&1") != 0) {
        fprintf(stderr, "anonymise: the R check skipped: no Rscript with haven (apt-get install r-base-core "
                        "r-cran-haven; .ci/run does)\n");
    } else {
        snprintf(command, sizeof command,
                 "cd '%s' && Rscript -e 'suppressMessages(library(haven));"
                 "for (f in c(\"persons.dta\", \"persons.sav\")) {"
                 " p <- if (grepl(\"dta$\", f)) read_dta(f) else read_sav(f);"
                 " stopifnot(nrow(p) == %ld, ncol(p) == 18);"
                 " stopifnot(identical(sort(names(attr(p$sex, \"labels\"))), c(\"female\", \"male\")));"
                 " stopifnot(attr(p$age, \"label\") == \"Age in completed years at enumeration\");"
                 " stopifnot(\"80+\" %%in%% names(attr(p$age, \"labels\")));"
                 " stopifnot(all(as.character(as_factor(p$disability)) %%in%% c(\"yes\", \"no\", NA)));"
                 " stopifnot(is.character(p$hh_id), all(p$hh_id %%in%% read.csv(\"households.csv\")$hh_id)) };"
                 "h <- read_sav(\"households.sav\"); stopifnot(nrow(h) == nrow(read.csv(\"households.csv\")));"
                 "cat(\"R OK\\n\")'",
                 dir, persons);
        char *out = tu_shell(command);
        ck_assert_msg(strstr(out, "R OK"), "%s", out);
        free(out);
    }
    if (system("/usr/bin/python3 -c 'import pandas' >/dev/null 2>&1") != 0) {
        fprintf(stderr, "anonymise: the pandas check skipped: no pandas for /usr/bin/python3 (apt-get install "
                        "python3-pandas; .ci/run does)\n");
    } else {
        snprintf(command, sizeof command,
                 "cd '%s' && /usr/bin/python3 -c '\n"
                 "import pandas as pd\n"
                 "p = pd.read_stata(\"persons.dta\")\n"
                 "assert len(p) == %ld and len(p.columns) == 18, p.shape\n"
                 "assert set(p[\"sex\"].dropna().unique()) <= {\"female\", \"male\"}\n"
                 "r = pd.io.stata.StataReader(\"persons.dta\")\n"
                 "assert r.variable_labels()[\"age\"] == \"Age in completed years at enumeration\"\n"
                 "assert \"80+\" in r.value_labels()[\"age\"].values()\n"
                 "h = pd.read_stata(\"households.dta\")\n"
                 "assert set(p[\"hh_id\"]) == set(h[\"hh_id\"])\n"
                 "print(\"pandas OK\")'",
                 dir, persons);
        char *out = tu_shell(command);
        ck_assert_msg(strstr(out, "pandas OK"), "%s", out);
        free(out);
        fprintf(stderr, "anonymise: pandas reads .sav only through pyreadstat, which Debian 12 does not ship: "
                        "the .sav file is checked in R only\n");
    }
    free(dir);
}
END_TEST

/* --- households as quasi-identifiers ----------------------------------------------- */

START_TEST(no_household_is_found_by_its_members_in_a_public_release)
{
    /* household 0001 grows to 12 persons: the only household of its size in the grid */
    char *big = tu_path(tu_store_dir, "twelve.xml"), *xml = tu_large_form(12, 1);
    tu_write_file(big, xml, strlen(xml));
    tu_result r = tu_hhreg(NULL, NULL, "import", "-q", "--db", tu_store_db, big, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
    long persons = store_persons(tu_store_db), households = store_households(tu_store_db);
    /* licensed: households unique on area, size, age and sex are kept, and counted */
    char *licensed = release("licensed", "profile=licensed", "seed=4", NULL, NULL);
    char *check = independent_check(licensed, 3, 8);
    ck_assert_msg(figure(check, "unique_households") > 10, "%s", check);
    assert_release_safe(licensed, 3, persons, households);
    /* public: none; the household of 12 cannot be hidden (its size is recounted from hh_id): left out */
    char *dir = release("public", "seed=4", NULL, NULL, NULL);
    assert_release_safe(dir, 5, persons - 12, households - 1);
    char *json = file_in(dir, "disclosure-report.json");
    ck_assert_int_eq(report_number_in(json, "household_risk", "left_out_as_the_only_one_of_their_size"), 1);
    ck_assert_int_gt(report_number_in(json, "unique_households", "persons_protected"), 10);
    char *text = file_in(dir, "disclosure-report.txt");
    ck_assert_msg(strstr(text, "1 left out as the only one of their size"), "%s", text);
    fprintf(stderr, "anonymise: households unique on area, size, age and sex: licensed %ld released; public %ld "
                    "before the remedy, 0 released\n", figure(check, "unique_households"),
            report_number_in(json, "unique_households", "persons_protected"));
    free(text);
    free(json);
    free(dir);
    free(check);
    free(licensed);
    free(xml);
    free(big);
}
END_TEST

/* --- at scale ------------------------------------------------------------------------------- */

START_TEST(a_hundred_thousand_households_pass_the_independent_check)
{
    long n = tu_slowed_down() ? 3000 : 100000;
    char *batch = tu_path(tu_store_dir, "generated.xml"), *db = tu_path(tu_store_dir, "generated.db");
    char count[32];
    snprintf(count, sizeof count, "%ld", n);
    tu_result r = tu_hhreg(NULL, NULL, "sample", "--households", count, "--seed", "9", "--batch", batch, NULL);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    tu_init_store(db);
    r = tu_hhreg(NULL, NULL, "import", "-q", "--db", db, batch, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
    unlink(batch);
    char *err;
    int status = export_to(db, "generated", &err, "seed=8", "format=csv", NULL, NULL);
    ck_assert_msg(status == 0, "%s", err);
    free(err);
    char *dir = tu_path(tu_store_dir, "generated");
    assert_release_safe(dir, 5, store_persons(db), n);
    status = export_to(db, "generated-licensed", &err, "profile=licensed", "format=csv", NULL, NULL);
    ck_assert_msg(status == 0, "%s", err);
    free(err);
    char *licensed = tu_path(tu_store_dir, "generated-licensed");
    assert_release_safe(licensed, 3, store_persons(db), n);
    free(licensed);
    free(dir);
    free(db);
    free(batch);
}
END_TEST

Suite *make_anonymise_suite(void)
{
    Suite *s = suite_create("anonymise");
    TCase *tc = tcase_create("core");
    tcase_add_unchecked_fixture(tc, tu_grid_import, tu_grid_remove);
    tcase_add_checked_fixture(tc, tu_grid_setup, tu_store_teardown);
    tcase_set_timeout(tc, 1800);
    tcase_add_test(tc, the_sample_release_is_k_anonymous_and_l_diverse);
    tcase_add_test(tc, the_licensed_profile_keeps_single_years_at_k_3);
    tcase_add_test(tc, rare_categories_are_pooled_into_other);
    tcase_add_test(tc, no_identifier_of_the_store_appears_in_any_file);
    tcase_add_test(tc, a_seed_repeats_a_release_and_keys_repeat_ids);
    tcase_add_test(tc, bad_options_are_refused_and_leave_nothing);
    tcase_add_test(tc, the_codebook_is_ddi_2_5_with_every_variable);
    tcase_add_test(tc, stata_and_spss_files_load_in_r_and_pandas_with_labels);
    tcase_add_test(tc, no_household_is_found_by_its_members_in_a_public_release);
    suite_add_tcase(s, tc);
    TCase *slow = tu_slow_tcase(s, "a-hundred-thousand", 1800);
    tcase_add_checked_fixture(slow, tu_store_setup, tu_store_teardown);
    tcase_add_test(slow, a_hundred_thousand_households_pass_the_independent_check);
    return s;
}
