/* test_install.c — what a plugin author does: install hhreg into a temporary
 * DESTDIR, build plugins/example/example.c out of tree with nothing but
 * `pkg-config --cflags hhreg-plugin`, and run it through the installed hhreg. The
 * installed shipped plugins are listed too. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

Suite *make_install_suite(void);

/* Runs a shell command; returns its standard output, failing the test on error. */
static char *sh(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    ck_assert(p != NULL);
    hh_buf b;
    hh_buf_init(&b);
    char line[4096];
    while (fgets(line, sizeof line, p))
        hh_buf_puts(&b, line);
    int status = pclose(p);
    ck_assert_msg(status == 0, "command failed (%d): %s\n%s", status, cmd, b.data);
    return hh_buf_detach(&b);
}

START_TEST(an_author_builds_the_example_against_the_installed_header)
{
    const char *builddir = getenv("HHREG_BUILDDIR");
    ck_assert_msg(builddir != NULL, "HHREG_BUILDDIR is set by make check");
    char *dest = tu_tempdir();
    char *cmd = hh_xasprintf("make -s -C '%s' install DESTDIR='%s' >/dev/null 2>&1 && "
                             "find '%s' -name hhreg-plugin.pc -printf '%%h'",
                             builddir, dest, dest);
    char *pcdir = sh(cmd);
    free(cmd);
    ck_assert_msg(*pcdir, "no hhreg-plugin.pc was installed");
    cmd = hh_xasprintf("find '%s' -path '*/bin/hhreg' -printf '%%p'", dest);
    char *bin = sh(cmd);
    free(cmd);
    cmd = hh_xasprintf("find '%s' -name household-1.xsd -printf '%%h'", dest);
    char *schemas = sh(cmd);
    free(cmd);
    /* the plugin directory pkg-config names, inside DESTDIR */
    cmd = hh_xasprintf("PKG_CONFIG_PATH='%s' pkg-config --variable=plugindir hhreg-plugin", pcdir);
    char *plugindir = sh(cmd);
    plugindir[strcspn(plugindir, "\n")] = '\0';
    free(cmd);
    char *installed_plugins = hh_xasprintf("%s%s", dest, plugindir);

    char *authordir = tu_path(dest, "author");
    char *example = tu_src("plugins/example/example.c");
    cmd = hh_xasprintf("mkdir -m 700 '%s' && cc $(PKG_CONFIG_PATH='%s' PKG_CONFIG_SYSROOT_DIR='%s' pkg-config --cflags "
                       "hhreg-plugin) -shared -fPIC -o '%s/example.so' '%s' && echo built",
                       authordir, pcdir, dest, authordir, example);
    char *built = sh(cmd);
    ck_assert_str_eq(built, "built\n");
    free(built);
    free(cmd);

    char *db = tu_path(dest, "t.db");
    char *forms = tu_src("samples/households");
    char *out = tu_path(dest, "buildings.csv");
    cmd = hh_xasprintf("'%s' init --db '%s' >/dev/null && '%s' import -q --schema-dir '%s' --db '%s' '%s' >/dev/null && "
                       "'%s' export example --plugin-dir '%s' --db '%s' --schema-dir '%s' -o '%s' 2>&1 && head -2 '%s'",
                       bin, db, bin, schemas, db, forms, bin, authordir, db, schemas, out, out);
    char *got = sh(cmd);
    ck_assert_msg(strstr(got, "building,households,persons,aged_60_plus\n543,"), "%s", got);
    free(got);
    free(cmd);
    cmd = hh_xasprintf("HHREG_PLUGIN_PATH='%s' '%s' plugins", installed_plugins, bin);
    got = sh(cmd);
    ck_assert_msg(strstr(got, "district-csv 1.0") && strstr(got, "jsonl 1.0") && strstr(got, "xml 1.0"), "%s", got);
    free(got);
    free(cmd);
    tu_rmrf(dest);
    free(out);
    free(forms);
    free(db);
    free(example);
    free(authordir);
    free(installed_plugins);
    free(plugindir);
    free(schemas);
    free(bin);
    free(pcdir);
    free(dest);
}
END_TEST

Suite *make_install_suite(void)
{
    Suite *s = suite_create("install");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, an_author_builds_the_example_against_the_installed_header);
    suite_add_tcase(s, tc);
    return s;
}
