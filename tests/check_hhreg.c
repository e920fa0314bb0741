/* check_hhreg.c — the one test runner: adds one Check suite per concern and runs
 * them all. Suites live in tests/test_*.c, each exporting a make_*_suite(). */
#include <check.h>
#include <stdlib.h>

Suite *make_gb11643_suite(void);
Suite *make_dates_suite(void);
Suite *make_parse_suite(void);
Suite *make_rules_suite(void);
Suite *make_derived_suite(void);
Suite *make_store_suite(void);
Suite *make_revisions_suite(void);
Suite *make_audit_suite(void);
Suite *make_cli_suite(void);
Suite *make_hostile_suite(void);
Suite *make_samples_suite(void);
Suite *make_plugins_suite(void);
Suite *make_install_suite(void);
Suite *make_parallel_suite(void);
Suite *make_resilience_suite(void);
Suite *make_summary_suite(void);
Suite *make_anonymise_suite(void);
Suite *make_entry_suite(void);

int main(void)
{
    SRunner *sr = srunner_create(make_gb11643_suite());
    srunner_add_suite(sr, make_dates_suite());
    srunner_add_suite(sr, make_parse_suite());
    srunner_add_suite(sr, make_rules_suite());
    srunner_add_suite(sr, make_derived_suite());
    srunner_add_suite(sr, make_store_suite());
    srunner_add_suite(sr, make_revisions_suite());
    srunner_add_suite(sr, make_audit_suite());
    srunner_add_suite(sr, make_cli_suite());
    srunner_add_suite(sr, make_hostile_suite());
    srunner_add_suite(sr, make_samples_suite());
    srunner_add_suite(sr, make_plugins_suite());
    srunner_add_suite(sr, make_install_suite());
    srunner_add_suite(sr, make_parallel_suite());
    srunner_add_suite(sr, make_resilience_suite());
    srunner_add_suite(sr, make_summary_suite());
    srunner_add_suite(sr, make_anonymise_suite());
    srunner_add_suite(sr, make_entry_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
