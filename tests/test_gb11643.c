/* test_gb11643.c — resident ID numbers: check character, birth date and sex. The
 * two numbers are the worked examples of the GB 11643-1999 standard. */
#include <check.h>

#include "gb11643.h"

Suite *make_gb11643_suite(void);

START_TEST(standard_examples_are_valid)
{
    ck_assert(hh_gb11643_valid("11010519491231002X"));
    ck_assert(hh_gb11643_valid("440524188001010014"));
    ck_assert_int_eq(hh_gb11643_check_char("11010519491231002"), 'X');
}
END_TEST

START_TEST(every_wrong_check_character_is_refused)
{
    char id[] = "440524188001010014";
    int valid = 0;
    const char *options = "0123456789X";
    for (const char *c = options; *c; c++) {
        id[17] = *c;
        valid += hh_gb11643_valid(id);
    }
    ck_assert_int_eq(valid, 1);
}
END_TEST

START_TEST(malformed_numbers_are_refused)
{
    ck_assert(!hh_gb11643_valid("44052418800101001"));   /* 17 characters */
    ck_assert(!hh_gb11643_valid("4405241880010100145")); /* 19 */
    ck_assert(!hh_gb11643_valid("44052418800101A014"));  /* a letter in the digits */
    ck_assert(!hh_gb11643_valid("11010519491231002x"));  /* lowercase x */
    ck_assert(!hh_gb11643_valid(""));
    ck_assert(!hh_gb11643_valid(NULL));
    ck_assert_int_eq(hh_gb11643_check_char("1101051949123100A"), '\0');
}
END_TEST

START_TEST(birth_date_and_sex_are_read)
{
    hhreg_date d;
    ck_assert(hh_gb11643_birth("11010519491231002X", &d));
    ck_assert_int_eq(d.year, 1949);
    ck_assert_int_eq(d.month, 12);
    ck_assert_int_eq(d.day, 31);
    ck_assert_int_eq(hh_gb11643_sex("11010519491231002X"), 'f');
    ck_assert_int_eq(hh_gb11643_sex("440524188001010014"), 'm');
    ck_assert(!hh_gb11643_birth("110105194902300020", &d)); /* 30 February */
}
END_TEST

Suite *make_gb11643_suite(void)
{
    Suite *s = suite_create("gb11643");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, standard_examples_are_valid);
    tcase_add_test(tc, every_wrong_check_character_is_refused);
    tcase_add_test(tc, malformed_numbers_are_refused);
    tcase_add_test(tc, birth_date_and_sex_are_read);
    suite_add_tcase(s, tc);
    return s;
}
