/* test_derived.c — derived values from stored forms: age at enumeration, age group,
 * 60+/65+, elderly living alone, empty nest, disability and low income. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>

#include "dates.h"
#include "derived.h"
#include "due.h"
#include "testutil.h"

Suite *make_derived_suite(void);

static hh_household *load(const char *sample, xmlDocPtr *doc)
{
    char *path = tu_src(sample);
    *doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    ck_assert_msg(*doc != NULL, "%s", path);
    free(path);
    hh_household *h = hh_household_from_doc(*doc);
    ck_assert(h != NULL);
    return h;
}

START_TEST(age_is_counted_at_the_enumeration_date)
{
    hh_person p;
    memset(&p, 0, sizeof p);
    p.birth_date = "1960-10-28";
    hh_person_derived pd;
    hh_derive_person(&p, "2026-10-27", &pd);
    ck_assert_int_eq(pd.age, 65);
    ck_assert_int_eq(pd.age_group, 65);
    ck_assert_str_eq(hh_age_group_label(pd.age_group), "65-69");
    ck_assert(pd.elderly60 && pd.elderly65);
    hh_derive_person(&p, "2020-10-27", &pd);
    ck_assert_int_eq(pd.age, 59);
    ck_assert(!pd.elderly60);
    p.birth_date = "1920-01-01";
    hh_derive_person(&p, "2026-10-27", &pd);
    ck_assert_str_eq(hh_age_group_label(pd.age_group), "85+");
}
END_TEST

START_TEST(disability_is_a_lot_of_difficulty_or_a_certificate)
{
    hh_person p;
    memset(&p, 0, sizeof p);
    p.birth_date = "1950-01-01";
    hh_person_derived pd;
    for (int d = 0; d < HH_WG_DOMAINS; d++)
        p.functioning[d] = 2;
    hh_derive_person(&p, "2026-10-01", &pd);
    ck_assert(!pd.disabled);
    p.functioning[HH_WG_WALKING] = 3;
    hh_derive_person(&p, "2026-10-01", &pd);
    ck_assert(pd.disabled);
    p.functioning[HH_WG_WALKING] = 1;
    p.certificate_type = "visual";
    hh_derive_person(&p, "2026-10-01", &pd);
    ck_assert(pd.disabled);
}
END_TEST

START_TEST(household_values_from_a_form)
{
    xmlDocPtr doc;
    hh_household *h = load("samples/invalid/AGE-OVER-105.xml", &doc); /* valid, with a warning */
    hh_household_derived hd;
    hh_derive(h, &hd, NULL);
    ck_assert_int_eq(hd.size, 1);
    ck_assert(hd.living_alone && hd.empty_nest);
    ck_assert_int_eq(hd.elderly65, 1);
    hh_household_free(h);
    xmlFreeDoc(doc);

    h = load("samples/invalid/CHILD-AGE-NEAR.xml", &doc);
    hh_derive(h, &hd, NULL);
    ck_assert_int_eq(hd.size, 3);
    ck_assert(!hd.living_alone && !hd.empty_nest && !hd.low_income);
    hh_household_free(h);
    xmlFreeDoc(doc);
}
END_TEST

/* The edges writing-plugins.md and plugin.h state for plugin authors. */
START_TEST(age_edges_as_the_plugin_docs_state_them)
{
    hh_person p;
    memset(&p, 0, sizeof p);
    hh_person_derived pd;
    p.birth_date = "1966-10-07";               /* 60 on the enumeration day itself */
    hh_derive_person(&p, "2026-10-07", &pd);
    ck_assert_int_eq(pd.age, 60);
    ck_assert(pd.elderly60 && !pd.elderly65);
    p.birth_date = "2000-02-29";               /* a year older on 1 March in common years */
    hh_derive_person(&p, "2001-02-28", &pd);
    ck_assert_int_eq(pd.age, 0);
    hh_derive_person(&p, "2001-03-01", &pd);
    ck_assert_int_eq(pd.age, 1);
    p.birth_date = "2026-10-08";               /* born after the enumeration date: 0 */
    hh_derive_person(&p, "2026-10-07", &pd);
    ck_assert_int_eq(pd.age, 0);
    ck_assert_str_eq(hh_age_group_label(pd.age_group), "0-4");
}
END_TEST

/* A door found shut is owed a revisit until a form says who lives there: a visit
 * done since (a gas-safety check) enumerated nobody. Once a form somebody answered
 * is stored, that visit done owes nothing. */
START_TEST(a_household_nobody_was_home_at_is_owed_a_revisit_until_enumerated)
{
    hh_visit shut = { .date = "2026-10-11", .enumerator = "E0300", .purpose = "registration",
                      .outcome = "nobody-home" };
    hh_visit gas = { .date = "2026-11-02", .enumerator = "E0300", .purpose = "gas-safety", .outcome = "done" };
    hh_household h = { .id = "510105016003-03-0999", .enumeration_status = "nobody-home", .member_count = -1,
                       .visits = &shut, .n_visits = 1 };
    hhreg_date today;
    ck_assert(hhreg_date_parse("2026-12-01", false, &today));
    hh_due d;
    ck_assert(hh_due_of(&h, today, 30, HH_GROUPS_ALL, false, &d) && d.revisit);
    h.logged = &gas;
    h.n_logged = 1;
    ck_assert_msg(hh_due_of(&h, today, 30, HH_GROUPS_ALL, false, &d) && d.revisit,
                  "a visit done took a household nobody has enumerated off the due list");
    h.enumeration_status = "refused"; /* somebody answered (and refused): nothing more is owed */
    ck_assert(!hh_due_of(&h, today, 30, HH_GROUPS_ALL, false, &d) && !d.revisit);
}
END_TEST

Suite *make_derived_suite(void)
{
    Suite *s = suite_create("derived");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, age_is_counted_at_the_enumeration_date);
    tcase_add_test(tc, disability_is_a_lot_of_difficulty_or_a_certificate);
    tcase_add_test(tc, household_values_from_a_form);
    tcase_add_test(tc, age_edges_as_the_plugin_docs_state_them);
    tcase_add_test(tc, a_household_nobody_was_home_at_is_owed_a_revisit_until_enumerated);
    suite_add_tcase(s, tc);
    return s;
}
