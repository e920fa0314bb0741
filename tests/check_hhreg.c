/* check_hhreg.c — the one test runner: one Check suite per concern, each in
 * tests/test_*.c exporting a make_*_suite(). make check runs it once per suite
 * (tests/suites/NAME.suite), so suites run side by side under make -jN. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
Suite *make_items_suite(void);
Suite *make_plugins_suite(void);
Suite *make_install_suite(void);
Suite *make_parallel_suite(void);
Suite *make_resilience_suite(void);
Suite *make_summary_suite(void);
Suite *make_anonymise_suite(void);
Suite *make_entry_suite(void);
Suite *make_backup_suite(void);
Suite *make_district_suite(void);
Suite *make_messages_suite(void);
Suite *make_entrylib_suite(void);
Suite *make_accounts_suite(void);
Suite *make_serve_suite(void);
Suite *make_serveforms_suite(void);
Suite *make_phone_suite(void);
Suite *make_lookup_suite(void);
Suite *make_merge_suite(void);
Suite *make_central_suite(void);
Suite *make_bulk_suite(void);

/* Every suite, in one place; the suite names are those of tests/suites/NAME.suite. */
static Suite *(*const make_suite[])(void) = {
    make_gb11643_suite, make_dates_suite,   make_parse_suite,   make_rules_suite,     make_derived_suite,
    make_store_suite,   make_revisions_suite, make_audit_suite, make_cli_suite,       make_hostile_suite,
    make_samples_suite, make_plugins_suite, make_install_suite, make_parallel_suite, make_resilience_suite,
    make_summary_suite, make_anonymise_suite, make_entry_suite,   make_backup_suite,
    make_district_suite, make_messages_suite, make_items_suite, make_entrylib_suite, make_accounts_suite, make_serve_suite,
    make_serveforms_suite, make_lookup_suite, make_merge_suite, make_central_suite, make_phone_suite, make_bulk_suite,
};

/* The name of the suite a test file names: tests/suites/store.suite -> "store". */
static char *suite_named_by(const char *file)
{
    const char *slash = strrchr(file, '/');
    char *name = strdup(slash ? slash + 1 : file);
    char *dot = name ? strrchr(name, '.') : NULL;
    if (dot)
        *dot = '\0';
    return name;
}

/* With no argument, runs every suite (or those CK_RUN_SUITE / CK_RUN_CASE pick).
 * With one, a tests/suites/NAME.suite file as the automake harness passes it, runs
 * the suite NAME alone, so that make -jN check runs suites side by side; a suite
 * other than CK_RUN_SUITE, when that is set, is skipped (exit 77). */
int main(int argc, char **argv)
{
    /* set but empty (CK_RUN_CASE= make check) means not set, as a shell user means it */
    static const char *const filters[] = { "CK_RUN_SUITE", "CK_RUN_CASE" };
    for (int i = 0; i < 2; i++)
        if (getenv(filters[i]) && !*getenv(filters[i]))
            unsetenv(filters[i]);
    char *only = argc > 1 ? suite_named_by(argv[1]) : NULL;
    const char *wanted = getenv("CK_RUN_SUITE");
    if (only && wanted && *wanted && strcmp(only, wanted) != 0) {
        free(only);
        return 77;
    }
    SRunner *sr = srunner_create(NULL);
    for (size_t i = 0; i < sizeof make_suite / sizeof make_suite[0]; i++)
        srunner_add_suite(sr, make_suite[i]());
    srunner_run(sr, only, NULL, CK_NORMAL); /* NULL: CK_RUN_SUITE, else all */
    const char *wanted_case = getenv("CK_RUN_CASE"), *excluded = getenv("CK_EXCLUDE_TAGS");
    if (only && srunner_ntests_run(sr) == 0 && ((wanted_case && *wanted_case) || (excluded && *excluded))) {
        /* the case asked for is in another suite, or every case of this one is left out
         * by its tags (make check-quick): skipped, as for CK_RUN_SUITE */
        srunner_free(sr);
        free(only);
        return 77;
    }
    if (only && srunner_ntests_run(sr) == 0) {
        fprintf(stderr, "check_hhreg: no suite named \"%s\" (see tests/test_*.c)\n", only);
        srunner_free(sr);
        free(only);
        return 99;
    }
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    free(only);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
