/* test_install.c — what a plugin author does: install hhreg into a temporary
 * DESTDIR (once for the suite), then build plugins against it out of tree with
 * nothing but `pkg-config hhreg-plugin` — plugins/example/example.c, and the
 * examples installed in $(docdir)/examples with their own Makefile — and run them
 * through the installed hhreg. The installed guides, man page and shipped plugins
 * are checked too. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

Suite *make_install_suite(void);

/* Where `make install DESTDIR=dest` put things; set up once by install_once. */
static struct {
    char *dest;        /* the DESTDIR */
    char *pcdir;       /* the directory of hhreg-plugin.pc, inside dest */
    char *bin;         /* the installed hhreg */
    char *schemas;     /* the installed schema directory */
    char *docdir;      /* the installed $(docdir) */
} inst;

/* The output of a shell command that must succeed, without its final newline. */
static char *shell_line(const char *cmd)
{
    char *s = tu_shell(cmd);
    s[strcspn(s, "\n")] = '\0';
    return s;
}

/* The first path below the DESTDIR that `find` selects with `test`, or "". */
static char *find_installed(const char *test)
{
    char *cmd = hh_xasprintf("find '%s' %s -printf '%%p\\n' | head -1", inst.dest, test);
    char *path = shell_line(cmd);
    free(cmd);
    return path;
}

/* The same, which must exist. */
static char *installed(const char *test)
{
    char *path = find_installed(test);
    ck_assert_msg(*path, "nothing was installed that matches: %s", test);
    return path;
}

static void install_once(void)
{
    const char *builddir = getenv("HHREG_BUILDDIR");
    ck_assert_msg(builddir != NULL, "HHREG_BUILDDIR is set by make check");
    inst.dest = tu_tempdir();
    char *cmd = hh_xasprintf("make -s -C '%s' install DESTDIR='%s' >/dev/null 2>&1 && echo installed", builddir,
                             inst.dest);
    free(shell_line(cmd));
    free(cmd);
    char *pc = installed("-name hhreg-plugin.pc");
    inst.pcdir = hh_xasprintf("%.*s", (int)(strrchr(pc, '/') - pc), pc);
    free(pc);
    inst.bin = installed("-path '*/bin/hhreg'");
    char *xsd = installed("-name household-1.xsd");
    inst.schemas = hh_xasprintf("%.*s", (int)(strrchr(xsd, '/') - xsd), xsd);
    free(xsd);
    inst.docdir = find_installed("-type d -path '*/share/doc/hhreg'");   /* checked by the tests that use it */
}

static void uninstall(void)
{
    tu_rmrf(inst.dest);
    free(inst.dest);
    free(inst.pcdir);
    free(inst.bin);
    free(inst.schemas);
    free(inst.docdir);
    memset(&inst, 0, sizeof inst);
}

/* pkg-config as an author runs it against this installation: PKG_CONFIG_PATH
 * finds the .pc in DESTDIR, the sysroot puts DESTDIR before the paths it gives. */
static char *pkg_config_env(void)
{
    return hh_xasprintf("PKG_CONFIG_PATH='%s' PKG_CONFIG_SYSROOT_DIR='%s'", inst.pcdir, inst.dest);
}

/* A store of `n` sample households made by the installed hhreg in `dir`; returns its path. */
static char *sample_store(const char *dir, int n)
{
    char *db = tu_path(dir, "t.db"), *forms = tu_path(dir, "forms");
    char *cmd = hh_xasprintf("'%s' sample --households %d -o '%s' >/dev/null && '%s' init --db '%s' >/dev/null && "
                             "'%s' import -q --schema-dir '%s' --db '%s' '%s' >/dev/null && echo ok",
                             inst.bin, n, forms, inst.bin, db, inst.bin, inst.schemas, db, forms);
    free(shell_line(cmd));
    free(cmd);
    free(forms);
    return db;
}

START_TEST(an_author_builds_the_example_against_the_installed_header)
{
    char *pkg = pkg_config_env();
    /* the plugin directory pkg-config names, inside DESTDIR */
    char *cmd = hh_xasprintf("PKG_CONFIG_PATH='%s' pkg-config --variable=plugindir hhreg-plugin", inst.pcdir);
    char *plugindir = shell_line(cmd);
    free(cmd);
    char *installed_plugins = hh_xasprintf("%s%s", inst.dest, plugindir);

    char *authordir = tu_path(inst.dest, "author");
    char *example = tu_src("plugins/example/example.c");
    cmd = hh_xasprintf("mkdir -m 700 '%s' && cc $(%s pkg-config --cflags hhreg-plugin) -shared -fPIC "
                       "-o '%s/example.so' '%s' && echo built",
                       authordir, pkg, authordir, example);
    char *built = tu_shell(cmd);
    ck_assert_str_eq(built, "built\n");
    free(built);
    free(cmd);

    char *db = tu_path(inst.dest, "t.db");
    char *forms = tu_src("samples/households");
    char *out = tu_path(inst.dest, "buildings.csv");
    cmd = hh_xasprintf("'%s' init --db '%s' >/dev/null && '%s' import -q --schema-dir '%s' --db '%s' '%s' >/dev/null && "
                       "'%s' export example --plugin-dir '%s' --db '%s' --schema-dir '%s' -o '%s' 2>&1 && head -2 '%s'",
                       inst.bin, db, inst.bin, inst.schemas, db, forms, inst.bin, authordir, db, inst.schemas, out, out);
    char *got = tu_shell(cmd);
    ck_assert_msg(strstr(got, "building,households,persons,aged_60_plus\n543,"), "%s", got);
    free(got);
    free(cmd);
    cmd = hh_xasprintf("HHREG_PLUGIN_PATH='%s' '%s' plugins", installed_plugins, inst.bin);
    got = tu_shell(cmd);
    ck_assert_msg(strstr(got, "district-csv 1.0") && strstr(got, "jsonl 1.0") && strstr(got, "xml 1.0"), "%s", got);
    free(got);
    free(cmd);
    tu_rmrf(authordir);
    free(out);
    free(forms);
    free(db);
    free(example);
    free(authordir);
    free(installed_plugins);
    free(plugindir);
    free(pkg);
}
END_TEST

/* Issue 15 item 2: the guides and the man page are installed, and so are the
 * examples with a Makefile; copied out of $(docdir)/examples, they build with
 * pkg-config alone and the installed hhreg loads them: a one-file CSV and a
 * directory of files, whose rows agree with `hhreg list`. */
START_TEST(the_installed_examples_build_with_pkg_config_alone)
{
    static const char *const docs[] = { "writing-plugins.md", "PLUGIN-ABI.md", "district-profiles.md", "phone.md",
                                        "examples/Makefile", "examples/example.c", "examples/contacts.c" };
    ck_assert_msg(*inst.docdir, "make install made no $(docdir) (share/doc/hhreg)");
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
        char *path = tu_path(inst.docdir, docs[i]);
        ck_assert_msg(access(path, R_OK) == 0, "make install did not install %s in $(docdir)", docs[i]);
        free(path);
    }
    free(installed("-path '*/man7/hhreg-plugin.7'"));
    free(installed("-path '*/share/hhreg/profiles/eldercare.xml'"));
    free(installed("-path '*/share/hhreg/www/js/app.js'")); /* the phone client hhreg serve serves */
    free(installed("-path '*/share/doc/hhreg/screenshots/05-person-card.png'"));
    /* pkg-config names the guides' directory, as hhreg-plugin(7) says */
    char *pkg_env = pkg_config_env();
    char *ask = hh_xasprintf("%s pkg-config --variable=docdir hhreg-plugin", pkg_env);
    char *said = tu_shell(ask);
    ck_assert_msg(strncmp(said, inst.docdir, strlen(said) - 1) == 0 && said[0] == '/', "docdir %s, installed %s", said,
                  inst.docdir);
    free(said);
    free(ask);
    free(pkg_env);

    char *work = tu_tempdir();
    char *authordir = tu_path(work, "myplugins");
    char *pkg = pkg_config_env();
    /* make as from an author's shell, not with the flags of the make running the tests */
    char *cmd = hh_xasprintf("mkdir -m 700 '%s' && cp '%s'/examples/* '%s' && "
                             "%s env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C '%s' 2>&1 && echo built",
                             authordir, inst.docdir, authordir, pkg, authordir);
    char *built = tu_shell(cmd);
    ck_assert_msg(strcmp(built, "built\n") == 0, "the installed examples' Makefile said:\n%s", built);
    free(built);
    free(cmd);

    char *db = sample_store(work, 40);
    char *csv = tu_path(work, "buildings.csv"), *dir = tu_path(work, "contacts");
    /* from `hhreg list --json`: households, persons aged 60+, those living alone */
    cmd = hh_xasprintf("'%s' list --json --db '%s' | tr '{' '\\n' | awk -F'\"elderly60\":' 'NF > 1 { n++; "
                       "split($2, a, \",\"); old += a[1] } /\"elderlyLivingAlone\":true/ { alone++ } "
                       "END { printf \"%%d %%d %%d\", n, old, alone }'",
                       inst.bin, db);
    char *expected = shell_line(cmd);
    free(cmd);
    int households = 0, old = 0, alone = 0;
    ck_assert_msg(sscanf(expected, "%d %d %d", &households, &old, &alone) == 3 && households == 40 && old > 0,
                  "hhreg list --json gave: %s", expected);

    /* the one-file example: its households column adds up to the store's */
    cmd = hh_xasprintf("'%s' export example --plugin-dir '%s' --db '%s' --schema-dir '%s' -o '%s' 2>/dev/null && "
                       "awk -F, 'NR == 1 { print } NR > 1 { h += $2; o += $4 } END { printf \"%%d %%d\", h, o }' '%s'",
                       inst.bin, authordir, db, inst.schemas, csv, csv);
    char *got = tu_shell(cmd);
    char *want = hh_xasprintf("building,households,persons,aged_60_plus\n%d %d", households, old);
    ck_assert_msg(strcmp(got, want) == 0, "example.so wrote:\n%s\nexpected:\n%s", got, want);
    free(want);
    free(got);
    free(cmd);

    /* the directory example: one row per household, one per person aged 60+ */
    cmd = hh_xasprintf("'%s' export contacts --plugin-dir '%s' --db '%s' --schema-dir '%s' -o '%s' 2>/dev/null && "
                       "cd '%s' && ls | tr '\\n' ' ' && head -1 households.csv && "
                       "awk 'FNR > 1 { n[FILENAME]++ } /,yes\\r$/ { alone++ } "
                       "END { printf \"%%d %%d %%d\", n[\"households.csv\"], n[\"elderly.csv\"], alone }' "
                       "households.csv elderly.csv",
                       inst.bin, authordir, db, inst.schemas, dir, dir);
    got = tu_shell(cmd);
    want = hh_xasprintf("elderly.csv households.csv "
                        "household,building,unit,room,phone,persons,aged_60_plus,living_alone\r\n%d %d %d",
                        households, old, alone);
    ck_assert_msg(strcmp(got, want) == 0, "contacts.so wrote:\n%s\nexpected:\n%s", got, want);
    free(want);
    free(got);
    free(cmd);

    tu_rmrf(work);
    free(expected);
    free(dir);
    free(csv);
    free(db);
    free(pkg);
    free(authordir);
    free(work);
}
END_TEST

/* Issue 15 item 1: `end` is called after a failed `begin`, with what begin stored
 * (NULL here): the installed example refuses min-households=0 in begin, before it
 * allocates; its end accepts NULL, so the export fails with the plugin's own
 * message (not "crashed"), exit 1, and no file. */
START_TEST(the_example_survives_its_own_failed_begin)
{
    ck_assert_msg(*inst.docdir, "make install made no $(docdir) (share/doc/hhreg)");
    char *work = tu_tempdir();
    char *authordir = tu_path(work, "p");
    char *pkg = pkg_config_env();
    char *cmd = hh_xasprintf("mkdir -m 700 '%s' && cp '%s'/examples/example.c '%s' && "
                             "cc $(%s pkg-config --cflags hhreg-plugin) -shared -fPIC -o '%s/example.so' '%s/example.c' "
                             "&& echo built",
                             authordir, inst.docdir, authordir, pkg, authordir, authordir);
    free(shell_line(cmd));
    free(cmd);
    char *db = sample_store(work, 3);
    char *out = tu_path(work, "out.csv");
    cmd = hh_xasprintf("'%s' export example --plugin-dir '%s' --db '%s' --schema-dir '%s' --opt min-households=0 "
                       "-o '%s' 2>&1; echo \"exit $?\"; test -e '%s' && echo 'a file was left'; true",
                       inst.bin, authordir, db, inst.schemas, out, out);
    char *got = tu_shell(cmd);
    ck_assert_msg(strcmp(got, "hhreg export: plugin example: min-households must be 1 or more\nexit 1\n") == 0,
                  "the export said:\n%s", got);
    free(got);
    free(cmd);
    tu_rmrf(work);
    free(out);
    free(db);
    free(pkg);
    free(authordir);
    free(work);
}
END_TEST

/* Builds the one-file plugin NAME from `source` as an author does (cc with the
 * installed pkg-config) and exports a 3-household store with it through the
 * installed hhreg; returns what it said on standard error, its exit status and
 * whether an output file was left. */
static char *export_with_inline_plugin(const char *name, const char *source)
{
    char *work = tu_tempdir();
    char *authordir = tu_path(work, "p");
    char *pkg = pkg_config_env();
    char *cmd = hh_xasprintf("mkdir -m 700 '%s' && echo ok", authordir);
    free(shell_line(cmd));
    free(cmd);
    char *c_file = hh_xasprintf("%s/%s.c", authordir, name);
    tu_write_file(c_file, source, strlen(source));
    cmd = hh_xasprintf("cc $(%s pkg-config --cflags hhreg-plugin) -shared -fPIC -o '%s/%s.so' '%s' && "
                       "chmod 644 '%s/%s.so' && echo built",
                       pkg, authordir, name, c_file, authordir, name);
    free(shell_line(cmd));
    free(cmd);
    char *db = sample_store(work, 3);
    char *out = tu_path(work, "out.csv");
    cmd = hh_xasprintf("'%s' export %s --plugin-dir '%s' --db '%s' --schema-dir '%s' -o '%s' 2>&1; "
                       "echo \"exit $?\"; test -e '%s' && echo 'a file was left'; true",
                       inst.bin, name, authordir, db, inst.schemas, out, out);
    char *got = tu_shell(cmd);
    free(cmd);
    tu_rmrf(work);
    free(out);
    free(db);
    free(c_file);
    free(pkg);
    free(authordir);
    free(work);
    return got;
}

/* Issue 15 item 1, as plugin.h says it: end is called after a failed begin, with
 * the state begin stored, and ok = 0. */
START_TEST(end_is_called_after_a_failed_begin_with_its_state)
{
    static const char source[] =
        "#include <hhreg/plugin.h>\n"
        "static const hhreg_host_api *api;\n"
        "static int mark;\n"
        "static int begin(hhreg_ctx *c, const hhreg_host_api *a, void **s)\n"
        "{ api = a; *s = &mark; a->error(c, \"begin fails\"); return 1; }\n"
        "static int household(hhreg_ctx *c, void *s, unsigned pass, const hhreg_household *h)\n"
        "{ (void)c; (void)s; (void)pass; (void)h; return 0; }\n"
        "static int end(hhreg_ctx *c, void *s, int ok)\n"
        "{ api->warning(c, \"end: ok=%d, state %s\", ok, s == &mark ? \"as begin left it\" : \"lost\"); return 0; }\n"
        "const hhreg_plugin hhreg_plugin_failing = { HHREG_PLUGIN_HEADER(0), .name = \"failing\",\n"
        "  .version = \"1\", .summary = \"fails in begin\", .extension = \"csv\", .passes = 1,\n"
        "  .begin = begin, .household = household, .end = end };\n";
    char *got = export_with_inline_plugin("failing", source);
    ck_assert_msg(strstr(got, "plugin failing: warning: end: ok=0, state as begin left it\n") &&
                      strstr(got, "plugin failing: begin fails\n") && strstr(got, "exit 1\n") &&
                      !strstr(got, "a file was left"),
                  "the export said:\n%s", got);
    free(got);
}
END_TEST

/* Issue 15 item 1: output_encoding returning -1. A plugin that ignores it (and
 * every write's -1 after it) and returns 0 from each callback used to get a
 * "successful" export of an empty file; the error it was told of now fails the
 * export with that message, and no file is left. */
START_TEST(an_error_said_fails_the_export_even_when_the_plugin_goes_on)
{
    static const char source[] =
        "#include <hhreg/plugin.h>\n"
        "static const hhreg_host_api *api;\n"
        "static int begin(hhreg_ctx *c, const hhreg_host_api *a, void **s)\n"
        "{ (void)s; api = a; a->output_encoding(c, \"NO-SUCH-ENCODING\"); return 0; }\n"
        "static int household(hhreg_ctx *c, void *s, unsigned pass, const hhreg_household *h)\n"
        "{ (void)s; (void)pass; api->csv_field(c, h->id, ',', 1); api->write_text(c, \"\\n\"); return 0; }\n"
        "static int end(hhreg_ctx *c, void *s, int ok) { (void)c; (void)s; (void)ok; return 0; }\n"
        "const hhreg_plugin hhreg_plugin_careless = { HHREG_PLUGIN_HEADER(0), .name = \"careless\",\n"
        "  .version = \"1\", .summary = \"ignores what the host returns\", .extension = \"csv\", .passes = 1,\n"
        "  .begin = begin, .household = household, .end = end };\n";
    char *got = export_with_inline_plugin("careless", source);
    ck_assert_msg(strcmp(got, "hhreg export: plugin careless: the output encoding NO-SUCH-ENCODING is not "
                              "available\nexit 1\n") == 0,
                  "the export said:\n%s", got);
    free(got);
}
END_TEST

/* Issue 16 item 6: a plugin built against the installed headers alone counts ages
 * with <hhreg/calendar.h> exactly as the host does (every person of the sample
 * form, at its enumeration date). */
START_TEST(the_installed_calendar_counts_ages_as_the_host_does)
{
    static const char source[] =
        "#include <hhreg/calendar.h>\n"
        "#include <hhreg/plugin.h>\n"
        "static const hhreg_host_api *api;\n"
        "static int begin(hhreg_ctx *c, const hhreg_host_api *a, void **s) { (void)c; (void)s; api = a; return 0; }\n"
        "static int household(hhreg_ctx *c, void *s, unsigned pass, const hhreg_household *h)\n"
        "{ (void)s; (void)pass; hhreg_date at, born;\n"
        "  if (!hhreg_date_parse(h->enumeration_date, 0, &at)) { api->error(c, \"no date\"); return 1; }\n"
        "  for (size_t i = 0; i < h->n_persons; i++) {\n"
        "    int mine = hhreg_date_parse(h->persons[i].birth_date, 0, &born) ? hhreg_date_years(born, at) : -1;\n"
        "    api->warning(c, \"%d %s\", h->persons[i].age, mine == h->persons[i].age ? \"same\" : \"DIFFERENT\"); }\n"
        "  return 0; }\n"
        "static int end(hhreg_ctx *c, void *s, int ok) { (void)c; (void)s; (void)ok; return 0; }\n"
        "const hhreg_plugin hhreg_plugin_ages = { HHREG_PLUGIN_HEADER(0), .name = \"ages\",\n"
        "  .version = \"1\", .summary = \"ages by the installed calendar\", .extension = \"txt\", .passes = 1,\n"
        "  .begin = begin, .household = household, .end = end };\n";
    char *got = export_with_inline_plugin("ages", source);
    ck_assert_msg(strstr(got, " same\n") && !strstr(got, "DIFFERENT") && strstr(got, "exit 0\n"),
                  "the export said:\n%s", got);
    free(got);
}
END_TEST

Suite *make_install_suite(void)
{
    Suite *s = suite_create("install");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_unchecked_fixture(tc, install_once, uninstall);
    tcase_add_test(tc, an_author_builds_the_example_against_the_installed_header);
    tcase_add_test(tc, the_installed_examples_build_with_pkg_config_alone);
    tcase_add_test(tc, the_example_survives_its_own_failed_begin);
    tcase_add_test(tc, an_error_said_fails_the_export_even_when_the_plugin_goes_on);
    tcase_add_test(tc, end_is_called_after_a_failed_begin_with_its_state);
    tcase_add_test(tc, the_installed_calendar_counts_ages_as_the_host_does);
    suite_add_tcase(s, tc);
    return s;
}
