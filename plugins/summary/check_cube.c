/* check_cube.c — the summary plugin's own unit test, built like the plugin (public
 * headers and plugins/summary only): its counting keeps thousands of areas apart,
 * more than the first hash table holds, each under its grid. The plugin as a whole
 * is tested from outside, through hhreg export, in tests/test_summary.c. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cube.h"

START_TEST(thousands_of_areas_are_counted_apart)
{
    /* 5,000 buildings of one person each: more areas than the first hash table holds */
    int chosen[LEVEL_COUNT] = { 1, 1, 1, 1, 1 };
    cube c;
    cube_init(&c, chosen, "en");
    hhreg_person p;
    memset(&p, 0, sizeof p);
    p.struct_size = sizeof p;
    p.sex = "female";
    p.nationality = "CHN";
    hhreg_household h;
    memset(&h, 0, sizeof h);
    h.struct_size = sizeof h;
    h.district_code = "510105", h.district = "d", h.street_code = "510105016", h.street = "s";
    h.community_code = "510105016003", h.community = "c", h.grid = 3, h.estate = "e";
    h.household_type = "family";
    h.n_persons = 1, h.persons = &p, h.size = 1;
    char building[16];
    h.building = building;
    for (int b = 0; b < 5000; b++) {
        snprintf(building, sizeof building, "%d", b);
        p.age = b % 100;
        cube_add(&c, &h);
    }
    cube_freeze(&c);
    ck_assert_int_eq(c.n_areas, 4 + 5000);
    long persons = 0;
    for (size_t i = 0; i < c.n_areas; i++) {
        const area *a = &c.areas[i];
        long total = table_cell(&c, a, T_POPULATION, table_rows(&c, T_POPULATION) - 1,
                                table_cols(&c, T_POPULATION) - 1)->value;
        if (a->level == LEVEL_BUILDING) {
            ck_assert_int_eq(total, 1);
            ck_assert(a->parent >= 0 && c.areas[a->parent].level == LEVEL_GRID);
            persons += total;
        } else {
            ck_assert_int_eq(total, 5000);
        }
    }
    ck_assert_int_eq(persons, 5000);
    cube_free(&c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cube");
    TCase *tc = tcase_create("cube");
    tcase_add_test(tc, thousands_of_areas_are_counted_apart);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
