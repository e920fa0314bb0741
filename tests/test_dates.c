/* test_dates.c — calendar parsing, day numbers and completed years. */
#include <check.h>

#include "dates.h"

Suite *make_dates_suite(void);

START_TEST(parses_only_real_dates)
{
    hhreg_date d;
    ck_assert(hhreg_date_parse("2024-02-29", false, &d));
    ck_assert(!hhreg_date_parse("2023-02-29", false, &d));
    ck_assert(!hhreg_date_parse("2023-13-01", false, &d));
    ck_assert(!hhreg_date_parse("2023-1-01", false, &d));
    ck_assert(!hhreg_date_parse("2023-01-01Z", false, &d));
    ck_assert(!hhreg_date_parse("2023-01", false, &d));
    ck_assert(hhreg_date_parse("2023-01", true, &d));
    ck_assert_int_eq(d.day, 1);
}
END_TEST

START_TEST(day_numbers_count_from_1970)
{
    hhreg_date d;
    ck_assert(hhreg_date_parse("1970-01-01", false, &d));
    ck_assert_int_eq(hhreg_date_days(d), 0);
    ck_assert(hhreg_date_parse("2000-03-01", false, &d));
    ck_assert_int_eq(hhreg_date_days(d), 11017);
    ck_assert(hhreg_date_parse("1900-01-01", false, &d));
    ck_assert_int_eq(hhreg_date_days(d), -25567);
}
END_TEST

START_TEST(completed_years_turn_on_the_birthday)
{
    hhreg_date birth, before, on;
    hhreg_date_parse("1960-10-28", false, &birth);
    hhreg_date_parse("2026-10-27", false, &before);
    hhreg_date_parse("2026-10-28", false, &on);
    ck_assert_int_eq(hhreg_date_years(birth, before), 65);
    ck_assert_int_eq(hhreg_date_years(birth, on), 66);
    ck_assert_int_eq(hhreg_date_years(on, birth), -66);
}
END_TEST

Suite *make_dates_suite(void)
{
    Suite *s = suite_create("dates");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, parses_only_real_dates);
    tcase_add_test(tc, day_numbers_count_from_1970);
    tcase_add_test(tc, completed_years_turn_on_the_birthday);
    suite_add_tcase(s, tc);
    return s;
}
