/* test_hostile.c — the hostile-input corpus of shared/guide/security.md: items 1-18,
 * 22 and 24-33 (kills, full disks and concurrent writers, items 21 and 23, are in
 * test_resilience.c; the damaged store files of item 26 also in test_store.c). Each
 * hostile input is made here (the large ones at run time), fed to the real binary
 * under CPU and memory limits, and must be refused with its message while the store
 * stays empty and `hhreg check` passes. Items 15-17 are accepted: their strings must
 * be stored verbatim. Item 24: no message echoes a value of the form, and file names
 * are printed escaped; 25 and 32 (export targets, hostile plugins) are in
 * test_plugins.c too; 27 (older deliveries, conflicting edits) in test_revisions.c. */
#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include "pty.h"
#include "testutil.h"

Suite *make_hostile_suite(void);


static void setup(void)
{
    tu_store_setup();
    tu_limit_cpu = 30;
    tu_limit_memory = 1L << 30;
    tu_limit_fsize = 0;
}


static void assert_store_sound(long households)
{
    /* an assertion, not the subject: not under valgrind (the store suite runs check
     * under it; here it ran after every refusal, a third of the suite's time there) */
    tu_no_valgrind = 1;
    tu_result r = tu_hhreg(NULL, NULL, "check", "--db", tu_store_db, NULL);
    tu_no_valgrind = 0;
    ck_assert_msg(r.status == 0, "hhreg check failed: %s%s", r.out, r.err);
    tu_result_free(&r);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM household"), households);
}

/* Imports `path` and expects a refusal carrying `rule`, with the file named. */
static void expect_refused(const char *path, const char *rule)
{
    tu_result r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, "--lang", "en", path, NULL);
    char tag[64];
    snprintf(tag, sizeof tag, "error: [%s]", rule);
    ck_assert_msg(r.status == 1, "%s: exit %d, stderr: %s", path, r.status, r.err);
    ck_assert_msg(strstr(r.err, tag) != NULL, "%s: wanted %s in: %s", path, tag, r.err);
    ck_assert_msg(strstr(r.err, path) != NULL, "the message does not name %s: %s", path, r.err);
    ck_assert(strstr(r.out, "0 stored") != NULL);
    tu_result_free(&r);
    assert_store_sound(0);
}

static char *write_case(const char *name, const char *data, size_t len)
{
    char *path = tu_path(tu_store_dir, name);
    tu_write_file(path, data, len);
    return path;
}

static void refuse_text(const char *name, const char *data, const char *rule)
{
    char *path = write_case(name, data, strlen(data));
    expect_refused(path, rule);
    free(path);
}

/* A valid sample form with `from` replaced by `to` (first occurrence). */
static char *edited_sample(const char *sample, const char *from, const char *to)
{
    char *src = tu_src(sample);
    char *xml = tu_read_file(src, NULL);
    char *at = strstr(xml, from);
    ck_assert_msg(at != NULL, "%s has no '%s'", sample, from);
    *at = '\0';
    char *out = hh_xasprintf("%s%s%s", xml, to, at + strlen(from));
    free(xml);
    free(src);
    return out;
}

#define FORM "samples/households/510105016003-03-0001.xml"
#define NS "xmlns=\"urn:hhreg:household:1\""

START_TEST(entity_expansion_and_external_entities)
{
    refuse_text("1-billion-laughs.xml",
                "<?xml version=\"1.0\"?>\n<!DOCTYPE household [\n <!ENTITY a \"aaaaaaaaaa\">\n"
                " <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
                " <!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n <!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
                "]>\n<household " NS " id=\"&e;\"/>\n",
                "XML-DOCTYPE");
    hh_buf q;
    hh_buf_init(&q);
    hh_buf_puts(&q, "<!DOCTYPE household [<!ENTITY x \"");
    for (int i = 0; i < 50000; i++)
        hh_buf_putc(&q, 'x');
    hh_buf_puts(&q, "\">]><household " NS ">");
    for (int i = 0; i < 50000; i++)
        hh_buf_puts(&q, "&x;");
    hh_buf_puts(&q, "</household>");
    refuse_text("2-quadratic.xml", q.data, "XML-DOCTYPE");
    hh_buf_free(&q);
    refuse_text("3-xxe.xml",
                "<?xml version=\"1.0\"?>\n<!DOCTYPE household [<!ENTITY p SYSTEM \"file:///etc/passwd\">]>\n"
                "<household " NS "><needs>&p;</needs></household>\n",
                "XML-DOCTYPE");
    refuse_text("4-external-dtd.xml",
                "<?xml version=\"1.0\"?>\n<!DOCTYPE household SYSTEM \"http://example.invalid/form.dtd\">\n"
                "<household " NS "/>\n",
                "XML-DOCTYPE");
    refuse_text("4-parameter-entity.xml",
                "<!DOCTYPE household [<!ENTITY % remote SYSTEM \"http://example.invalid/x\"> %remote;]>\n"
                "<household " NS "/>\n",
                "XML-DOCTYPE");
}
END_TEST

START_TEST(xinclude_and_foreign_schemas)
{
    char *xi = edited_sample(FORM, "<householdType>",
                             "<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"/etc/passwd\" "
                             "parse=\"text\"/><householdType>");
    refuse_text("5-xinclude.xml", xi, "XSD-CONTENT");
    free(xi);
    char *xsi = edited_sample(FORM, " id=",
                              " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                              "xsi:schemaLocation=\"urn:hhreg:household:1 /tmp/lenient.xsd\" id=");
    refuse_text("6-schema-location.xml", xsi, "XML-XSI");
    free(xsi);
}
END_TEST

START_TEST(bad_encodings_and_characters)
{
    char *bad_utf8 = edited_sample(FORM, "<estate>成飞512", "<estate>\xC3\x28");
    refuse_text("7-invalid-utf8.xml", bad_utf8, "XML-PARSE");
    free(bad_utf8);
    char *overlong = edited_sample(FORM, "<estate>成飞512", "<estate>\xC0\xAF");
    refuse_text("7-overlong-utf8.xml", overlong, "XML-PARSE");
    free(overlong);
    char *bom = edited_sample(FORM, "encoding=\"UTF-8\"", "encoding=\"UTF-16\"");
    char *with_bom = hh_xasprintf("\xEF\xBB\xBF%s", bom);
    refuse_text("7-bom-contradiction.xml", with_bom, "XML-ENCODING");
    free(with_bom);
    free(bom);
    char *control = edited_sample(FORM, "<estate>成飞512", "<estate>a\x01" "b");
    refuse_text("8-control.xml", control, "XML-PARSE");
    free(control);
    char *nul = edited_sample(FORM, "<estate>成飞512", "<estate>aXb");
    char *x = strstr(nul, "aXb");
    x[1] = '\0';
    size_t len = strlen(nul) + 1 + strlen(x + 2);
    memmove(x + 2, x + 2, strlen(x + 2) + 1);
    char *path = write_case("8-nul.xml", nul, len);
    expect_refused(path, "XML-PARSE");
    free(path);
    free(nul);
}
END_TEST

START_TEST(broken_and_foreign_files)
{
    char *src = tu_src(FORM);
    size_t len;
    char *xml = tu_read_file(src, &len);
    char *path = write_case("9-truncated.xml", xml, len / 2);
    expect_refused(path, "XML-TRUNCATED");
    free(path);
    path = write_case("10-empty.xml", "", 0);
    expect_refused(path, "XML-EMPTY");
    free(path);
    refuse_text("10-pdf.xml", "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj << /Type /Catalog >>\nendobj\n", "XML-NOT-XML");
    const char gzip[] = "\x1F\x8B\x08\x00\x00\x00\x00\x00\x00\x03\xB3\xC9\x28\xC9\xCD\xB1\x03\x00";
    path = write_case("10-gzip.xml", gzip, sizeof gzip - 1);
    expect_refused(path, "XML-NOT-XML");
    free(path);
    free(xml);
    free(src);
}
END_TEST

START_TEST(oversized_and_deep_documents)
{
    /* 11: a 100 MB form is refused once it passes the limit, not read whole */
    char *path = tu_path(tu_store_dir, "11-huge.xml");
    FILE *f = fopen(path, "w");
    fputs("<household " NS " id=\"510105016003-03-0001\"><needs>", f);
    char block[65536];
    memset(block, 'x', sizeof block);
    for (int i = 0; i < 1600; i++)
        fwrite(block, 1, sizeof block, f);
    fputs("</needs></household>", f);
    fclose(f);
    expect_refused(path, "XML-SIZE");
    free(path);

    hh_buf b;
    hh_buf_init(&b);
    hh_buf_puts(&b, "<household " NS ">");
    for (int i = 0; i < 10000; i++)
        hh_buf_puts(&b, "<a>");
    for (int i = 0; i < 10000; i++)
        hh_buf_puts(&b, "</a>");
    hh_buf_puts(&b, "</household>");
    refuse_text("12-deep.xml", b.data, "XML-PARSE");
    hh_buf_reset(&b);
    hh_buf_puts(&b, "<household " NS);
    for (int i = 0; i < 1000000; i++)
        hh_buf_printf(&b, " a%d=\"\"", i);
    hh_buf_puts(&b, "/>");
    refuse_text("12-million-attributes.xml", b.data, "XML-ATTRS");
    hh_buf_reset(&b);
    hh_buf_puts(&b, "<household " NS "><");
    for (int i = 0; i < 60 * 1024; i++)
        hh_buf_putc(&b, 'n');
    hh_buf_puts(&b, "/></household>");
    refuse_text("12-long-name.xml", b.data, "XML-PARSE");
    hh_buf_free(&b);
}
END_TEST

START_TEST(rule_violations_are_refused_with_their_path)
{
    const char *cases[][2] = {
        { "samples/invalid/LINE-DUPLICATE.xml", "LINE-DUPLICATE" },
        { "samples/invalid/ID-CHECKSUM.xml", "ID-CHECKSUM" },
        { "samples/invalid/BIRTH-AFTER-ENUMERATION.xml", "BIRTH-AFTER-ENUMERATION" },
        { "samples/invalid/MEMBER-COUNT.xml", "MEMBER-COUNT" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *path = tu_src(cases[i][0]);
        expect_refused(path, cases[i][1]);
        free(path);
    }
}
END_TEST

START_TEST(the_same_household_twice_and_one_id_in_two_households)
{
    char *src = tu_src(FORM);
    char *xml = tu_read_file(src, NULL);
    const char *body = strstr(xml, "<household");
    char *batch = hh_xasprintf("<households " NS ">%s%s</households>", body, body);
    char *path = write_case("14-twice.xml", batch, strlen(batch));
    tu_result r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, path, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert(strstr(r.err, "[STORE-REPEAT]") && strstr(r.out, "1 stored") && strstr(r.out, "1 refused"));
    tu_result_free(&r);
    assert_store_sound(1);
    char *other = edited_sample(FORM, "03-0001", "03-0999");
    char *other_path = write_case("14-same-id.xml", other, strlen(other));
    r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, other_path, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert(strstr(r.err, "[STORE-ID-DUP]") && strstr(r.err, "510105016003-03-0001"));
    tu_result_free(&r);
    assert_store_sound(1);
    free(other_path);
    free(other);
    free(path);
    free(batch);
    free(xml);
    free(src);
}
END_TEST

/* Stores a sample whose first person is called `name` and checks it comes back
 * byte for byte from the person table. */
static void stored_verbatim(const char *file, const char *xml_name, const char *name)
{
    char *xml = edited_sample(FORM, ">蒋素琴<", xml_name);
    char *path = write_case(file, xml, strlen(xml));
    tu_result r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, path, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
    char *sql = hh_xasprintf("SELECT count(*) FROM person WHERE name = '%s'", name);
    ck_assert_msg(tu_sql_count(tu_store_db, sql) == 1, "%s was not stored verbatim", file);
    free(sql);
    free(path);
    free(xml);
    /* a new store for the next name: the scene, not under valgrind */
    tu_rmrf(tu_store_db);
    char *wal = hh_xasprintf("%s-wal", tu_store_db);
    unlink(wal);
    free(wal);
    tu_init_store(tu_store_db);
}

START_TEST(awkward_names_are_stored_verbatim)
{
    /* 15: SQL in a name is just a name (single quotes doubled for the check's SQL) */
    stored_verbatim("15-sql.xml", ">Robert'); DROP TABLE person;--<", "Robert''); DROP TABLE person;--");
    /* 16: right-to-left override, combining marks, 4-byte characters, NFD */
    stored_verbatim("16-rtl.xml", ">\xE2\x80\xAE" "abc\xE2\x80\xAC<", "\xE2\x80\xAE" "abc\xE2\x80\xAC");
    stored_verbatim("16-combining.xml", ">Zoe\xCC\x88 e\xCC\x81<", "Zoe\xCC\x88 e\xCC\x81");
    stored_verbatim("16-astral.xml", ">\xF0\xA0\x80\x80\xF0\xA0\x80\x81<", "\xF0\xA0\x80\x80\xF0\xA0\x80\x81");
    stored_verbatim("16-nfc.xml", ">Jos\xC3\xA9<", "Jos\xC3\xA9");
    stored_verbatim("16-nfd.xml", ">Jose\xCC\x81<", "Jose\xCC\x81");
    /* 17: a spreadsheet formula is stored as typed; exports neutralise it */
    stored_verbatim("17-formula.xml", ">=HYPERLINK(\"http://example.invalid\",\"x\")<",
                    "=HYPERLINK(\"http://example.invalid\",\"x\")");
    ck_assert_int_ge(tu_sql_count(tu_store_db, "SELECT count(*) FROM sqlite_master WHERE name = 'person'"), 1);
}
END_TEST

START_TEST(foreign_newer_and_corrupt_stores_are_refused)
{
    char *form = tu_src(FORM);
    char *foreign = tu_path(tu_store_dir, "foreign.db");
    ck_assert_int_eq(tu_sql_exec(foreign, "PRAGMA application_id = 7; CREATE TABLE x(y);"), 0);
    tu_result r = tu_hhreg(NULL, NULL, "import", "--db", foreign, form, NULL);
    ck_assert_int_eq(r.status, 2);
    ck_assert(strstr(r.err, "not an hhreg store") != NULL);
    tu_result_free(&r);
    ck_assert_int_eq(tu_sql_count(foreign, "SELECT count(*) FROM sqlite_master"), 1);
    /* newer */
    r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, form, NULL);
    tu_result_free(&r);
    ck_assert_int_eq(tu_sql_exec(tu_store_db, "PRAGMA user_version = 42;"), 0);
    r = tu_hhreg(NULL, NULL, "list", "--db", tu_store_db, NULL);
    ck_assert_int_eq(r.status, 2);
    ck_assert(strstr(r.err, "newer hhreg") != NULL);
    tu_result_free(&r);
    /* a negative version (make fuzz: fuzz/regressions/store-negative-schema-version):
     * refused, never a migration from below the first */
    ck_assert_int_eq(tu_sql_exec(tu_store_db, "PRAGMA user_version = -5;"), 0);
    r = tu_hhreg(NULL, NULL, "list", "--db", tu_store_db, NULL);
    ck_assert_msg(r.status == 2 && strstr(r.err, "schema version (-5) is damaged"), "exit %d: %s", r.status, r.err);
    tu_result_free(&r);
    /* corrupt: a store of 812 households with garbage written over a page in the middle */
    char *store = tu_path(tu_store_dir, "corrupt.db");
    char *forms = tu_src("samples/households");
    tu_no_valgrind = 1; /* the scene: the check of the damage below is the subject */
    tu_init_store(store);
    r = tu_hhreg(NULL, NULL, "import", "-q", "--db", store, forms, NULL);
    tu_no_valgrind = 0;
    tu_result_free(&r);
    FILE *f = fopen(store, "r+b");
    ck_assert(f != NULL);
    fseek(f, 4096L * 40, SEEK_SET);
    char junk[4096];
    memset(junk, 0xA5, sizeof junk);
    fwrite(junk, 1, sizeof junk, f);
    fclose(f);
    size_t before_len, after_len;
    char *before = tu_read_file(store, &before_len);
    r = tu_hhreg(NULL, NULL, "check", "--db", store, NULL);
    ck_assert_msg(r.status != 0, "a corrupt store passed the check");
    ck_assert_msg(strstr(r.out, "STORE-INTEGRITY") || strstr(r.err, "malformed"), "%s%s", r.out, r.err);
    tu_result_free(&r);
    char *after = tu_read_file(store, &after_len);
    ck_assert(before_len == after_len && memcmp(before, after, before_len) == 0); /* never repaired */
    free(before);
    free(after);
    free(forms);
    free(store);
    free(foreign);
    free(form);
}
END_TEST

/* --- items 31-33 (issue 14): endless entry input, plugin locations, sample -o ------------ */

/* 31: `hhreg enter` fed /dev/zero (no line end ever) or a file of empty lines
 * stops with a message and exit 2 instead of growing or looping; what was
 * accepted before stays in the draft. */
START_TEST(item31_endless_or_empty_input_to_entry_stops)
{
    char *drafts = hh_xasprintf("%s.drafts", tu_store_db);
    char *draft = tu_path(drafts, "new-1.draft");
    static const char stopped[] = "20 answers in a row were not accepted and the input is not a terminal: stopped";
    tu_result r = tu_hhreg(NULL, "/dev/zero", "enter", "--db", tu_store_db, "--lang", "en", NULL);
    ck_assert_msg(r.status == 2 && strstr(r.err, stopped), "exit %d: %s", r.status, r.err);
    ck_assert(strstr(r.out, "an answer is at most 4096 bytes") != NULL);
    ck_assert_msg(strstr(r.err, "stopped before any answer was kept; there is no draft"), "%s", r.err);
    ck_assert_msg(access(draft, F_OK) != 0, "a draft was saved though nothing was accepted");
    tu_result_free(&r);

    hh_buf lines;
    hh_buf_init(&lines);
    hh_buf_puts(&lines, "510105\n");
    for (int i = 0; i < 100000; i++)
        hh_buf_putc(&lines, '\n');
    char *empty = write_case("31-empty-lines.txt", lines.data, lines.len);
    r = tu_hhreg(NULL, empty, "enter", "--db", tu_store_db, "--lang", "en", NULL);
    ck_assert_msg(r.status == 2 && strstr(r.err, stopped) && strstr(r.err, "in the draft (hhreg enter --resume new-1)"),
                  "exit %d: %s", r.status, r.err);
    tu_result_free(&r);
    char *kept = tu_read_file(draft, NULL);
    ck_assert_msg(strstr(kept, "h.district-code\t510105\n") != NULL, "the draft lost the answer: %s", kept);
    r = tu_hhreg(NULL, empty, "enter", "--db", tu_store_db, "--lang", "en", "--resume", NULL);
    ck_assert_msg(r.status == 2 && strstr(r.err, stopped), "exit %d: %s", r.status, r.err);
    tu_result_free(&r);
    /* an endless pipe of empty lines, as `yes '' | hhreg enter` (timeout: it looped) */
    char *cmd = hh_xasprintf("yes '' | HHREG_SCHEMA_DIR='%s' timeout 300 '%s' enter --discard --db '%s' >/dev/null && "
                             "yes '' | HHREG_SCHEMA_DIR='%s' timeout 300 '%s' enter --db '%s' >/dev/null 2>&1; echo $?",
                             tu_schema_dir(), tu_bin(), tu_store_db, tu_schema_dir(), tu_bin(), tu_store_db);
    char *status = tu_shell(cmd);
    ck_assert_str_eq(status, "2\n");
    free(status);
    free(cmd);
    assert_store_sound(0);
    free(kept);
    free(empty);
    hh_buf_free(&lines);
    free(draft);
    free(drafts);
}
END_TEST

static void copy_file(const char *from, const char *to, mode_t mode)
{
    size_t len;
    char *data = tu_read_file(from, &len);
    tu_write_file(to, data, len);
    ck_assert_int_eq(chmod(to, mode), 0);
    free(data);
}

/* Exports jsonl with HHREG_PLUGIN_PATH=`path` (NULL: unset) and `dir` as --plugin-dir
 * (NULL: none); expects a refusal naming `part1` and `part2` and no output. */
static void expect_plugin_refused(const char *path, const char *dir, const char *part1, const char *part2)
{
    char *out = tu_path(tu_store_dir, "32.jsonl");
    if (path)
        setenv("HHREG_PLUGIN_PATH", path, 1);
    tu_result r = dir ? tu_hhreg(NULL, NULL, "export", "--db", tu_store_db, "--plugin-dir", dir, "-o", out, "jsonl",
                                 NULL)
                      : tu_hhreg(NULL, NULL, "export", "--db", tu_store_db, "-o", out, "jsonl", NULL);
    unsetenv("HHREG_PLUGIN_PATH");
    ck_assert_msg(r.status == 1 && strstr(r.err, part1) && strstr(r.err, part2), "exit %d, wanted '%s' and '%s': %s",
                  r.status, part1, part2, r.err);
    ck_assert_msg(access(out, F_OK) != 0, "an output was left");
    tu_result_free(&r);
    free(out);
}

/* 32 (the directories): a plugin directory below a directory others may write to
 * (no sticky bit) or below a symbolic link, and a jsonl.so on HHREG_PLUGIN_PATH
 * that would take the place of the shipped one, are refused. */
START_TEST(item32_plugin_directories_and_names_are_not_hijacked)
{
    char *shipped = tu_path(getenv("HHREG_PLUGINS"), "jsonl.so");
    char *open_dir = tu_path(tu_store_dir, "open"), *plugins = tu_path(open_dir, "plugins");
    ck_assert(mkdir(open_dir, 0700) == 0 && mkdir(plugins, 0700) == 0);
    char *copy = tu_path(plugins, "jsonl.so");
    copy_file(shipped, copy, 0644);
    ck_assert_int_eq(chmod(open_dir, 0777), 0);
    expect_plugin_refused(NULL, plugins, open_dir, "is writable by group or others and has no sticky bit");
    ck_assert_int_eq(chmod(open_dir, 0700), 0);
    char *link = tu_path(tu_store_dir, "link"), *linked = tu_path(link, "plugins");
    ck_assert_int_eq(symlink(open_dir, link), 0);
    expect_plugin_refused(NULL, linked, link, "is a symbolic link");
    /* plugins/jsonl.so first on the path, the shipped directory after it */
    char *path = hh_xasprintf("%s:%s", plugins, getenv("HHREG_PLUGINS"));
    expect_plugin_refused(path, NULL, copy, shipped);
    expect_plugin_refused(path, NULL, "--allow-shadow", "same name");
    free(path);
    free(linked);
    free(link);
    free(copy);
    free(plugins);
    free(open_dir);
    free(shipped);
}
END_TEST

/* 33: `hhreg sample -o DIR` into a directory holding a real form and a symbolic
 * link: refused as a whole without --force; with it the link is still not
 * followed; and the forms it makes carry an area code that cannot be real. */
START_TEST(item33_sample_never_overwrites_or_follows_links)
{
    char *dir = tu_path(tu_store_dir, "33"), *target = tu_path(tu_store_dir, "33-target");
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    tu_write_file(target, "precious\n", 9);
    char *real = tu_src(FORM);
    char *real_copy = tu_path(dir, "510105016003-03-0001.xml");
    copy_file(real, real_copy, 0600);
    char *link = tu_path(dir, "510105016003-03-0002.xml");
    ck_assert_int_eq(symlink(target, link), 0);
    size_t real_len;
    char *real_data = tu_read_file(real, &real_len);

    tu_result r = tu_hhreg(NULL, NULL, "sample", "--households", "3", "--real-area", "-o", dir, NULL);
    ck_assert_msg(r.status == 2 && strstr(r.err, "holds files already") && strstr(r.err, "--force"), "exit %d: %s",
                  r.status, r.err);
    tu_result_free(&r);
    char *now = tu_read_file(real_copy, NULL);
    ck_assert_msg(strncmp(now, real_data, real_len) == 0 && strlen(now) == real_len, "the real form was replaced");
    free(now);
    r = tu_hhreg(NULL, NULL, "sample", "--households", "3", "--real-area", "--force", "-o", dir, NULL);
    ck_assert_msg(r.status == 2 && strstr(r.err, link) && strstr(r.err, "symbolic link is never followed"),
                  "exit %d: %s", r.status, r.err);
    tu_result_free(&r);
    now = tu_read_file(target, NULL);
    ck_assert_str_eq(now, "precious\n");
    free(now);
    /* a batch file: not over an existing file, never through a link */
    char *batch = tu_path(tu_store_dir, "33-batch.xml");
    ck_assert_int_eq(symlink(target, batch), 0);
    r = tu_hhreg(NULL, NULL, "sample", "--households", "3", "--batch", batch, NULL);
    ck_assert_msg(r.status == 2 && strstr(r.err, "already exists"), "exit %d: %s", r.status, r.err);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "sample", "--households", "3", "--force", "--batch", batch, NULL);
    ck_assert_msg(r.status == 2 && strstr(r.err, "symbolic link is never followed"), "exit %d: %s", r.status, r.err);
    tu_result_free(&r);
    now = tu_read_file(target, NULL);
    ck_assert_str_eq(now, "precious\n");
    free(now);
    /* by default no area code, household id or ID number of a sample can be a real
     * one (province 00 is not in GB/T 2260), and the forms are valid */
    char *fresh = tu_path(tu_store_dir, "33-fresh");
    r = tu_hhreg(NULL, NULL, "sample", "--households", "20", "-o", fresh, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "import", "-q", "--db", tu_store_db, fresh, NULL);
    ck_assert_msg(r.status == 0 && strstr(r.out, "20 stored"), "%s%s", r.out, r.err);
    tu_result_free(&r);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM household WHERE id LIKE '00%'"), 20);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM person WHERE document_type = 'resident-id'"
                                               " AND document_number NOT LIKE '00%'"),
                     0);
    assert_store_sound(20);
    free(fresh);
    free(batch);
    free(real_data);
    free(link);
    free(real_copy);
    free(real);
    free(target);
    free(dir);
}
END_TEST

/* --- 24: a value is never echoed (and file names are escaped) ------------------
 * Personal data typed into every kind of item — text, code, date, month, number,
 * boolean, attribute — and bytes a parser stops at: no output of validate (text and
 * JSON, both languages), import or check may carry it, while each message still
 * names the item and what is expected. */

#define ID_LOWER_X "51010519650416001x"
#define ID_DIGITS "510105196504160019"
#define NAME "孙伟"
#define PHONE_DASHES "148-6544-3356"
#define NAME_GBK "\xcb\xef\xce\xb0" /* 孙伟 in GBK */

static const struct echo_case {
    const char *file, *from, *to;
} echo_cases[] = {
    { "id-lower-x.xml", "510105200209070004", ID_LOWER_X },
    { "name-line-break.xml", "<name>蒋素琴</name>", "<name>" NAME "\n" NAME "</name>" },
    { "phone-dashes.xml", "<phone>02832840507</phone>", "<phone>" PHONE_DASHES "</phone>" },
    { "name-in-person-phone.xml", "<phone>13512323393</phone>", "<phone>" NAME "</phone>" },
    { "name-in-code.xml", "<sex>female</sex>", "<sex>" NAME "</sex>" },
    { "phone-in-code.xml", "<ethnicity>Han</ethnicity>", "<ethnicity>" PHONE_DASHES "</ethnicity>" },
    { "id-in-code.xml", "<relationship>head</relationship>", "<relationship>" ID_LOWER_X "</relationship>" },
    { "phone-in-date.xml", "<birthDate>2002-09-07</birthDate>", "<birthDate>" PHONE_DASHES "</birthDate>" },
    { "id-in-date-attribute.xml", "date=\"2026-10-11\" status", "date=\"" ID_LOWER_X "\" status" },
    { "name-in-month.xml", "<lowIncome receives=\"false\"/>", "<lowIncome receives=\"true\" since=\"" NAME "\"/>" },
    { "id-in-decimal.xml", "<floorArea>49.7</floorArea>", "<floorArea>" ID_LOWER_X "</floorArea>" },
    { "id-in-bounded-number.xml", "<grid>3</grid>", "<grid>" ID_DIGITS "</grid>" },
    { "phone-in-count.xml", "<memberCount>1</memberCount>", "<memberCount>" PHONE_DASHES "</memberCount>" },
    { "name-in-boolean.xml", "<extremeHardship>false</extremeHardship>", "<extremeHardship>" NAME "</extremeHardship>" },
    { "name-in-attribute.xml", "enumerator=\"E0300\" date", "enumerator=\"" NAME "\" date" },
    { "id-in-line.xml", "person line=\"1\"", "person line=\"" ID_LOWER_X "\"" },
    { "phone-in-attribute-code.xml", "seeing=\"1\"", "seeing=\"" PHONE_DASHES "\"" },
    { "name-in-attribute-text.xml", "<residence>registered-resident</residence>",
      "<residence registeredIn=\"" NAME "&#10;" NAME "\">registered-resident</residence>" },
    { "name-in-document-type.xml", "type=\"resident-id\"", "type=\"" NAME "\"" },
    { "name-in-list.xml", "<languages>zh</languages>", "<languages>" NAME "</languages>" },
    { "name-in-household-id.xml", "id=\"510105016003-03-0001\"", "id=\"" NAME "\"" },
    { "gbk-name.xml", "<name>蒋素琴</name>", "<name>" NAME_GBK "</name>" },
    { "gbk-attribute.xml", "enumerator=\"E0300\" date", "enumerator=\"" NAME_GBK "\" date" },
    { "name-in-end-tag.xml", "<name>蒋素琴</name>", "<name>" NAME "</" NAME ">" },
    { "name-in-entity.xml", "<room>101</room>", "<room>&" NAME ";</room>" },
    { "name-in-open-comment.xml", "<room>101</room>", "<room>101</room><!-- " NAME " " PHONE_DASHES },
    { "name-in-open-cdata.xml", "<room>101</room>", "<room><![CDATA[" NAME " " ID_LOWER_X },
    { "name-as-element.xml", "<room>101</room>", "<room>101</room><" NAME "/>" },
    { "name-as-attribute.xml", "<sex>female</sex>", "<sex " NAME "=\"1\">female</sex>" },
    /* valid: stored, then read back by check */
    { "values-in-notes.xml", "<languages>zh</languages>",
      "<languages>zh</languages><notes>" NAME " " ID_DIGITS " " PHONE_DASHES "</notes>" },
};

/* Fails naming the command if `text` carries any of the values, or the bytes or hex
 * dump of the GBK name. */
static void assert_no_value(const char *what, const char *text)
{
    static const char *const values[] = { NAME, "51010519650416001", "6544-3356", "6544", NAME_GBK,
                                          "0xCB", "0xcb", "CB EF", "\\xcb" };
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
        ck_assert_msg(strstr(text, values[i]) == NULL, "%s echoes a value (%s):\n%.1500s", what, values[i],
                      text);
}

static void assert_run_echoes_nothing(const char *what, tu_result *r)
{
    ck_assert_msg(r->status == 0 || r->status == 1, "%s: exit %d: %s", what, r->status, r->err);
    assert_no_value(what, r->out);
    assert_no_value(what, r->err);
    tu_result_free(r);
}

/* The cases as files in DIR/forms, and a batch of two of them in DIR/batch. */
static char *write_echo_cases(void)
{
    char *dir = tu_path(tu_store_dir, "forms");
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    hh_buf batch;
    hh_buf_init(&batch);
    hh_buf_puts(&batch, "<households " NS ">\n");
    for (size_t i = 0; i < sizeof echo_cases / sizeof echo_cases[0]; i++) {
        char *xml = edited_sample(FORM, echo_cases[i].from, echo_cases[i].to);
        char *path = tu_path(dir, echo_cases[i].file);
        tu_write_file(path, xml, strlen(xml));
        if (i == 2 || strcmp(echo_cases[i].file, "gbk-name.xml") == 0) {
            /* the household element, without the declaration and the namespace */
            char *start = strstr(xml, "<household ");
            char *ns = strstr(start, " " NS);
            memmove(ns, ns + strlen(" " NS), strlen(ns + strlen(" " NS)) + 1);
            hh_buf_puts(&batch, start);
        }
        free(path);
        free(xml);
    }
    hh_buf_puts(&batch, "</households>\n");
    char *batch_dir = tu_path(tu_store_dir, "batch");
    ck_assert_int_eq(mkdir(batch_dir, 0700), 0);
    char *batch_path = tu_path(batch_dir, "batch.xml");
    tu_write_file(batch_path, batch.data, batch.len);
    free(batch_path);
    free(batch_dir);
    hh_buf_free(&batch);
    return dir;
}

START_TEST(values_are_never_echoed_by_validate_import_or_check)
{
    char *forms = write_echo_cases();
    char *batch = tu_path(tu_store_dir, "batch");
    const char *langs[] = { "en", "zh" };
    for (int l = 0; l < 2; l++) {
        tu_no_valgrind = l == 1; /* the same paths in the other language: valgrind once is enough */
        tu_result r = tu_hhreg(NULL, NULL, "validate", "--lang", langs[l], forms, batch, NULL);
        ck_assert_int_eq(r.status, 1);
        assert_no_value("validate", r.out);
        assert_no_value("validate", r.err);
        /* every case but the valid one is reported, by file */
        for (size_t i = 0; i + 1 < sizeof echo_cases / sizeof echo_cases[0]; i++)
            ck_assert_msg(strstr(r.out, echo_cases[i].file), "%s not reported:\n%.1500s", echo_cases[i].file, r.out);
        if (l == 0) {
            /* still useful: the item and what is expected */
            ck_assert_msg(strstr(r.out, "phone-dashes.xml:17: error: [XSD-PATTERN] phone: does not have the form "
                                        "required here (the pattern \\+?[0-9]{5,20})"), "%.1500s", r.out);
            ck_assert_msg(strstr(r.out, "[XSD-PATTERN] person/document: does not have the form required here"), "%.1500s",
                          r.out);
            ck_assert_msg(strstr(r.out, "[XSD-CODE] person/sex: is not a code of its code list ('male', 'female')"),
                          "%.1500s", r.out);
            ck_assert_msg(strstr(r.out, "[XSD-TYPE] person/birthDate: is not a valid date written YYYY-MM-DD"),
                          "%.1500s", r.out);
            ck_assert_msg(strstr(r.out, "[XSD-RANGE] address/grid: is more than the maximum of 99"), "%.1500s", r.out);
            ck_assert_msg(strstr(r.out, "[XSD-PATTERN] enumeration/@enumerator:"), "%.1500s", r.out);
            ck_assert_msg(strstr(r.out, "gbk-name.xml:23: error: [XML-PARSE] not well-formed XML: bytes that are "
                                        "not UTF-8"), "%.1500s", r.out);
        }
        assert_run_echoes_nothing("validate", &r);
        r = tu_hhreg(NULL, NULL, "validate", "--json", "--lang", langs[l], forms, batch, NULL);
        assert_run_echoes_nothing("validate --json", &r);
        r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, "--lang", langs[l], forms, batch, NULL);
        assert_run_echoes_nothing("import", &r);
        r = tu_hhreg(NULL, NULL, "check", "--db", tu_store_db, "--lang", langs[l], NULL);
        assert_run_echoes_nothing("check", &r);
        r = tu_hhreg(NULL, NULL, "check", "--json", "--db", tu_store_db, "--lang", langs[l], NULL);
        assert_run_echoes_nothing("check --json", &r);
    }
    tu_no_valgrind = 0;
    /* the valid form was stored, values and all */
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM household"), 1);
    free(batch);
    free(forms);
}
END_TEST

/* Guided entry checks each answer with the same messages: a name typed into a code
 * is refused without being repeated (the terminal's echo of the typing aside). */
START_TEST(values_are_never_echoed_by_guided_entry)
{
    const char *args[] = { "enter", "--db", tu_store_db, "--lang", "en", "--enumerator", "E0300", NULL };
    tu_pty t;
    tu_pty_start(&t, args);
    tu_pty_answer(&t, "District code (6 digits)", "510105");
    tu_pty_answer(&t, "District", "青羊区");
    tu_pty_answer(&t, "Street code (9 digits)", NAME);
    size_t from = t.mark;
    tu_pty_expect(&t, "  9 digits\r\n", 20); /* a plain reason, not the schema's pattern (issue 17, 5) */
    tu_pty_expect(&t, "Street code (9 digits)", 20);
    char *shown = hh_xstrndup(t.seen.data + from, t.mark - from);
    ck_assert_msg(strstr(shown, NAME) != NULL, "the typing was not echoed: %s", shown);
    /* the reason's line and what follows; before it only the echo of the typing,
     * twice when it was typed before the line editor took the terminal (the
     * terminal's own echo, then the editor's) */
    char *reason = strstr(shown, "  9 digits\r\n");
    ck_assert_ptr_nonnull(reason);
    while (reason > shown && reason[-1] != '\n')
        reason--;
    assert_no_value("hhreg enter", reason);
    free(shown);
    tu_pty_kill(&t, SIGKILL);
    tu_pty_wait(&t);
    tu_pty_free(&t);
}
END_TEST

/* Runs /usr/bin/python3's strict JSON parser on `json`; returns the file names it
 * holds as Python's ascii() writes them. */
static char *json_file_names(const char *json)
{
    char *path = tu_path(tu_store_dir, "out.json");
    tu_write_file(path, json, strlen(json));
    char *cmd = hh_xasprintf("/usr/bin/python3 -c 'import json, sys; "
                             "d = json.load(open(sys.argv[1], encoding=\"utf-8\", errors=\"strict\")); "
                             "print(ascii([p[\"file\"] for p in d[\"problems\"]]))' '%s'", path);
    char *names = tu_shell(cmd);
    free(cmd);
    free(path);
    return names;
}

/* No byte a terminal acts on: C0 controls other than newline, DEL, and no ESC. */
static void assert_no_controls(const char *what, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        ck_assert_msg(*p >= 0x20 || *p == '\n' || *p == '\t', "%s prints the control byte 0x%02x", what, *p);
    ck_assert_msg(strstr(text, "\x7f") == NULL && strstr(text, "\xc2\x9b") == NULL, "%s prints DEL or CSI", what);
}

START_TEST(file_names_in_messages_are_escaped)
{
    char *dir = tu_path(tu_store_dir, "names");
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    char *xml = edited_sample(FORM, "<phone>02832840507</phone>", "<phone>" PHONE_DASHES "</phone>");
    const char *names[] = { "red\x1b[31m.xml", "latin\xff.xml", "csi\xc2\x9b" "2J.xml" };
    for (int i = 0; i < 3; i++) {
        char *path = tu_path(dir, names[i]);
        tu_write_file(path, xml, strlen(xml));
        free(path);
    }
    char *missing = tu_path(tu_store_dir, "gone\x1b]0;title\x07.xml");
    tu_result r = tu_hhreg(NULL, NULL, "validate", "--lang", "en", dir, missing, NULL);
    ck_assert_int_eq(r.status, 2); /* the missing file */
    assert_no_controls("validate", r.out);
    assert_no_controls("validate", r.err);
    ck_assert_msg(strstr(r.out, "red\\x1b[31m.xml:17: error: [XSD-PATTERN] phone:"), "%s", r.out);
    ck_assert_msg(strstr(r.out, "latin\\xff.xml:17:"), "%s", r.out);
    ck_assert_msg(strstr(r.out, "csi\\xc2\\x9b2J.xml:17:"), "%s", r.out);
    ck_assert_msg(strstr(r.err, "gone\\x1b]0;title\\x07.xml"), "%s", r.err);
    tu_result_free(&r);

    r = tu_hhreg(NULL, NULL, "validate", "--json", dir, NULL);
    ck_assert_int_eq(r.status, 1);
    assert_no_controls("validate --json", r.out);
    char *files = json_file_names(r.out);
    ck_assert_msg(strstr(files, "red\\x1b[31m.xml") && strstr(files, "latin\\ufffd.xml") &&
                      strstr(files, "csi\\x9b2J.xml"), "%s", files);
    free(files);
    tu_result_free(&r);

    r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, "--lang", "en", dir, missing, NULL);
    assert_no_controls("import", r.out);
    assert_no_controls("import", r.err);
    ck_assert_msg(strstr(r.err, "red\\x1b[31m.xml:17: error: [XSD-PATTERN]") && strstr(r.err, "latin\\xff.xml:17:") &&
                      strstr(r.err, "gone\\x1b]0;title\\x07.xml"), "%s", r.err);
    tu_result_free(&r);

    /* the names a store, an import's source, an export and a merge were given, as the
     * success lines and history print them */
    char *sample = tu_src(FORM), *odd = tu_path(tu_store_dir, "ok\x1b[1m\n.xml"), *form = tu_read_file(sample, NULL);
    tu_write_file(odd, form, strlen(form));
    r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, odd, NULL);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    char *store = tu_path(tu_store_dir, "s\x1b]0;t\x07.db"), *out = tu_path(tu_store_dir, "out\x1b[2J\n.csv");
    const char *const runs[][10] = {
        { "history", "--db", tu_store_db, "0001", NULL },
        { "init", "--db", store, NULL },
        { "export", "--db", tu_store_db, "--plugin-dir", getenv("HHREG_PLUGINS"), "-o", out, "jsonl", NULL },
        { "merge", "--db", tu_store_db, store, NULL },
    };
    const char *says[] = { "ok\\x1b[1m\\x0a.xml", "s\\x1b]0;t\\x07.db", "out\\x1b[2J\\x0a.csv", "s\\x1b]0;t\\x07.db" };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        const char *const *a = runs[i];
        r = tu_hhreg(NULL, NULL, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], NULL);
        ck_assert_msg(r.status == 0, "%s: exit %d: %s", a[0], r.status, r.err);
        assert_no_controls(a[0], r.out);
        assert_no_controls(a[0], r.err);
        ck_assert_msg(strstr(r.out, says[i]) || strstr(r.err, says[i]), "%s:\n%s%s", a[0], r.out, r.err);
        tu_result_free(&r);
    }
    free(out);
    free(store);
    free(form);
    free(odd);
    free(sample);
    free(missing);
    free(xml);
    free(dir);
}
END_TEST

/* --- 28: junk after </households>, an error inside household k ------------------ */

/* A batch of the first three sample households, one per line block; *starts gets
 * the line each begins on. */
static char *three_household_batch(long starts[3])
{
    const char *names[] = { "samples/households/510105016003-03-0001.xml", "samples/households/510105016003-03-0002.xml",
                            "samples/households/510105016003-03-0003.xml" };
    hh_buf b;
    hh_buf_init(&b);
    hh_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<households " NS ">\n");
    for (int i = 0; i < 3; i++) {
        char *src = tu_src(names[i]);
        char *xml = tu_read_file(src, NULL);
        starts[i] = 1;
        for (const char *c = b.data; *c; c++)
            starts[i] += *c == '\n';
        hh_buf_puts(&b, strstr(xml, "<household "));
        free(xml);
        free(src);
    }
    hh_buf_puts(&b, "</households>\n");
    return hh_buf_detach(&b);
}

static tu_result import_case(const char *name, const char *data, char **path, const char *jobs)
{
    *path = write_case(name, data, strlen(data));
    return tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, "--lang", "en", "-j", jobs, *path, NULL);
}

START_TEST(junk_after_the_batch_loses_no_household)
{
    long starts[3];
    char *batch = three_household_batch(starts);
    long lines = 1;
    for (const char *c = batch; *c; c++)
        lines += *c == '\n';
    char *junk = hh_xasprintf("%sjunk\n", batch);
    char *path;
    tu_result r = import_case("28-junk.xml", junk, &path, "1");
    ck_assert_msg(r.status == 1 && strstr(r.out, "3 stored"), "%d %s %s", r.status, r.out, r.err);
    char *where = hh_xasprintf("%s:%ld: error: [XML-PARSE]", path, lines);
    ck_assert_msg(strstr(r.err, where) != NULL, "wanted %s in: %s", where, r.err);
    ck_assert_msg(strstr(r.err, "XML-NOT-READ") == NULL, "nothing was lost, yet: %s", r.err);
    tu_result_free(&r);
    assert_store_sound(3);
    /* the same on one line, as programs write batches */
    for (char *c = junk; *c; c++)
        if (*c == '\n')
            *c = ' ';
    free(path);
    r = import_case("28-junk-one-line.xml", junk, &path, "2");
    ck_assert_msg(r.status == 1 && strstr(r.out, "4 form(s)") && strstr(r.out, "1 refused") &&
                      !strstr(r.err, "XML-NOT-READ"),
                  "%d %s %s", r.status, r.out, r.err);
    tu_result_free(&r);
    free(where);
    free(path);
    free(junk);
    free(batch);
}
END_TEST

/* A household of a batch whose namespace is declared on the batch's root, prefixed
 * or not, is stored as a form of its own: the declaration it borrowed is made on
 * it (and no other of the root's), so `show --xml` gives a form valid alone. */
static char *batch_borrowing_the_namespace(const char *sample, const char *prefix, const char *root_attrs)
{
    char *src = tu_src(sample);
    char *xml = tu_read_file(src, NULL);
    char *own = strstr(xml, " " NS);
    ck_assert_ptr_nonnull(own);
    memmove(own, own + strlen(" " NS), strlen(own + strlen(" " NS)) + 1);
    hh_buf b;
    hh_buf_init(&b);
    hh_buf_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<%shouseholds %s>\n", prefix, root_attrs);
    for (const char *c = strstr(xml, "<household "); *c; c++) {
        hh_buf_putc(&b, *c);
        if (*c == '<' && (c[1] == '/' || (c[1] >= 'a' && c[1] <= 'z'))) {
            if (c[1] == '/')
                hh_buf_putc(&b, *++c);
            hh_buf_puts(&b, prefix);
        }
    }
    hh_buf_printf(&b, "</%shouseholds>\n", prefix);
    free(xml);
    free(src);
    return hh_buf_detach(&b);
}

START_TEST(a_household_of_a_batch_is_stored_as_a_form_of_its_own)
{
    const struct {
        const char *sample, *id, *prefix, *root_attrs, *jobs, *stored;
    } cases[] = {
        { "samples/households/510105016003-03-0001.xml", "510105016003-03-0001", "",
          NS " xmlns:unused=\"urn:unused\"", "1", "<household " NS " id=\"510105016003-03-0001\">" },
        { "samples/households/510105016003-03-0002.xml", "510105016003-03-0002", "p:",
          "xmlns:p=\"urn:hhreg:household:1\" xmlns:unused=\"urn:unused\"", "2",
          "<p:household xmlns:p=\"urn:hhreg:household:1\" id=\"510105016003-03-0002\">\n  <p:address>" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char *batch = batch_borrowing_the_namespace(cases[k].sample, cases[k].prefix, cases[k].root_attrs);
        char *path;
        tu_result r = import_case("borrowed-namespace.xml", batch, &path, cases[k].jobs);
        ck_assert_msg(r.status == 0 && strstr(r.out, "1 stored"), "%d %s %s", r.status, r.out, r.err);
        tu_result_free(&r);
        r = tu_hhreg(NULL, NULL, "show", "--db", tu_store_db, "--xml", cases[k].id, NULL);
        ck_assert_msg(r.status == 0 && strstr(r.out, cases[k].stored) && !strstr(r.out, "urn:unused"),
                      "%d: %s", r.status, r.out);
        tu_write_file(path, r.out, strlen(r.out));
        tu_result_free(&r);
        r = tu_hhreg(NULL, NULL, "validate", "--lang", "en", path, NULL);
        ck_assert_msg(r.status == 0, "the stored form is not valid alone: %s %s", r.out, r.err);
        tu_result_free(&r);
        free(path);
        free(batch);
    }
    /* attributes in a namespace borrowed from the root, and in the undeclared "xml"
     * one, point to the household's own too: refused by the schema, nothing else */
    char *batch = batch_borrowing_the_namespace("samples/households/510105016003-03-0003.xml", "",
                                                NS " xmlns:x=\"urn:other\"");
    char *room = strstr(batch, "<room>");
    ck_assert_ptr_nonnull(room);
    char *odd = hh_xasprintf("%.*s<room x:note=\"1\" xml:lang=\"zh\">%s", (int)(room - batch), batch,
                             room + strlen("<room>"));
    char *path;
    tu_result r = import_case("borrowed-attributes.xml", odd, &path, "2");
    ck_assert_msg(r.status == 1 && strstr(r.out, "1 refused") && strstr(r.err, "address/room/@note") &&
                      strstr(r.err, "address/room/@lang"),
                  "%d %s %s", r.status, r.out, r.err);
    tu_result_free(&r);
    free(path);
    free(odd);
    free(batch);
}
END_TEST

START_TEST(an_error_in_household_k_names_what_was_not_read)
{
    long starts[3];
    char *batch = three_household_batch(starts);
    /* household 2 is not well-formed on its first line */
    char *second = strstr(batch, "<household id=\"510105016003-03-0002\"");
    ck_assert(second != NULL);
    memcpy(strstr(second, "<address>"), "<adress> ", 9);
    char *path;
    tu_result r = import_case("28-error-in-k.xml", batch, &path, "2");
    ck_assert_msg(r.status == 1 && strstr(r.out, "1 stored"), "%d %s %s", r.status, r.out, r.err);
    char *not_read = hh_xasprintf("%s:%ld: error: [XML-NOT-READ] households after line %ld were not read because "
                                  "of the error at line ",
                                  path, starts[0], starts[0]);
    ck_assert_msg(strstr(r.err, not_read) != NULL, "wanted '%s' in: %s", not_read, r.err);
    ck_assert_msg(strstr(r.err, "[XML-PARSE]") != NULL, "%s", r.err);
    tu_result_free(&r);
    assert_store_sound(1);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM household WHERE id = '510105016003-03-0001'"),
                     1);
    free(not_read);
    free(path);
    free(batch);
}
END_TEST

/* --- 29: nested or foreign household tags, a padded declaration, UTF-16 --------- */

/* `count` elements named `tag`, each holding a MiB of text: no unit of the file may
 * pass the 4 MiB limit however the inner elements are named. */
static void put_nested(hh_buf *b, const char *open, const char *close, int count)
{
    char *mib = hh_xcalloc(1, (1 << 20) + 1);
    memset(mib, 'x', 1 << 20);
    for (int i = 0; i < count; i++) {
        hh_buf_puts(b, open);
        hh_buf_puts(b, mib);
        hh_buf_puts(b, close);
    }
    free(mib);
}

/* The sample form with six elements `open`...`close` of a MiB each inside it. */
static char *form_with_nested(const char *open, const char *close)
{
    char *src = tu_src(FORM);
    char *xml = tu_read_file(src, NULL);
    char *at = strstr(xml, "<householdType>");
    hh_buf b;
    hh_buf_init(&b);
    hh_buf_append(&b, xml, (size_t)(at - xml));
    put_nested(&b, open, close, 6);
    hh_buf_puts(&b, at);
    free(xml);
    free(src);
    return hh_buf_detach(&b);
}

START_TEST(nested_and_foreign_household_tags_do_not_reset_the_size_limit)
{
    const char *tags[][2] = {
        { "<household>", "</household>" },
        { "<x:household xmlns:x=\"urn:other\">", "</x:household>" },
    };
    const size_t n = sizeof tags / sizeof tags[0];
    for (size_t i = 0; i < n; i++) {
        char *form = form_with_nested(tags[i][0], tags[i][1]);
        char name[32];
        snprintf(name, sizeof name, "29-nested-%zu.xml", i);
        refuse_text(name, form, "XML-SIZE");
        free(form);
    }
    /* inside a batch: the household before is stored, the rest named */
    char *other = edited_sample(FORM, "03-0001", "03-0999");
    for (size_t i = 0; i < n; i++) {
        char *form = form_with_nested(tags[i][0], tags[i][1]);
        char *batch = hh_xasprintf("<households " NS ">\n%s%s</households>\n", strstr(other, "<household "),
                                   strstr(form, "<household "));
        char name[32];
        snprintf(name, sizeof name, "29-nested-batch-%zu.xml", i);
        char *path;
        tu_result r = import_case(name, batch, &path, "1");
        ck_assert_msg(r.status == 1 && strstr(r.out, i == 0 ? "1 stored" : "1 unchanged") &&
                          strstr(r.err, "[XML-SIZE]") &&
                          strstr(r.err, "[XML-NOT-READ] households after line 2 were not read"),
                      "%d %s %s", r.status, r.out, r.err);
        tu_result_free(&r);
        free(path);
        free(batch);
        free(form);
    }
    free(other);
    assert_store_sound(1);
}
END_TEST

START_TEST(a_padded_declaration_or_utf16_without_bom_is_refused)
{
    /* a GB18030 form whose declaration lies past the first 256 bytes */
    char *src = tu_src(FORM);
    char *xml = tu_read_file(src, NULL);
    char padding[301];
    memset(padding, ' ', 300);
    padding[300] = '\0';
    char *decl = hh_xasprintf("<?xml version=\"1.0\"%sencoding=\"GB18030\"?>", padding);
    const char *body = strstr(xml, "?>") + 2;
    char *utf8 = hh_xasprintf("%s%s", decl, body);
    char *plain = tu_path(tu_store_dir, "29-utf8.xml");
    tu_write_file(plain, utf8, strlen(utf8));
    char *command = hh_xasprintf("iconv -f UTF-8 -t GB18030 %s > %s/29-padded.xml && echo %s/29-padded.xml", plain,
                                 tu_store_dir, tu_store_dir);
    char *padded = tu_shell(command);
    padded[strcspn(padded, "\n")] = '\0';
    expect_refused(padded, "XML-ENCODING");
    /* and in a batch, on its own line in the middle */
    char *batch = hh_xasprintf("<households " NS ">\n%s\n%s</households>\n", decl, strstr(body, "<household "));
    refuse_text("29-declaration-inside.xml", batch, "XML-ENCODING");
    /* UTF-16 without a byte order mark: a batch libxml2 would read by its "<\0?\0" */
    char *u16 = hh_xasprintf("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<households " NS ">\n%s</households>\n",
                             strstr(body, "<household "));
    char *utf16_source = tu_path(tu_store_dir, "29-utf16-source.xml");
    tu_write_file(utf16_source, u16, strlen(u16));
    free(command);
    command = hh_xasprintf("iconv -f UTF-8 -t UTF-16LE %s > %s/29-utf16le.xml && echo %s/29-utf16le.xml",
                           utf16_source, tu_store_dir, tu_store_dir);
    char *utf16 = tu_shell(command);
    utf16[strcspn(utf16, "\n")] = '\0';
    expect_refused(utf16, "XML-ENCODING");
    free(utf16);
    free(utf16_source);
    free(u16);
    free(batch);
    free(padded);
    free(command);
    free(plain);
    free(utf8);
    free(decl);
    free(xml);
    free(src);
}
END_TEST

/* hhreg COMMAND --db STORE ARG with HHREG_RULE_BUDGET set to `budget`. */
static tu_result with_rule_budget(const char *budget, const char *command, const char *arg)
{
    setenv("HHREG_RULE_BUDGET", budget, 1);
    tu_result r = tu_hhreg(NULL, NULL, command, "--db", tu_store_db, "--lang", "en", arg, NULL);
    unsetenv("HHREG_RULE_BUDGET");
    return r;
}

/* 30: a form with 50,000 visits took 40 s of CPU to validate (every visit walked back
 * up the form for the enumeration date) and `check` paid it again. It is refused by
 * its structure within the fixture's CPU limit, naming the first visit too many; a
 * form at the caps is stored and re-checked within two million evaluation steps (it
 * needed over twenty million), and a stored form over the budget fails the check. */
START_TEST(a_form_with_fifty_thousand_visits)
{
    char *xml = tu_large_form(1, 50000);
    char *path = write_case("30-visits.xml", xml, strlen(xml));
    free(xml);
    tu_result r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, "--lang", "en", path, NULL);
    ck_assert_msg(r.status == 1, "exit %d: %s", r.status, r.err);
    ck_assert_msg(strstr(r.err, path) && strstr(r.err, "error: [XSD-CONTENT] visit[5001]:"), "%s", r.err);
    ck_assert(strstr(r.out, "0 stored") != NULL);
    tu_result_free(&r);
    assert_store_sound(0);

    xml = tu_large_form(60, 5000);
    char *at_cap = write_case("30-at-cap.xml", xml, strlen(xml));
    free(xml);
    r = with_rule_budget("2000000", "import", at_cap);
    ck_assert_msg(r.status == 0 && strstr(r.out, "1 stored"), "exit %d: %s%s", r.status, r.out, r.err);
    tu_result_free(&r);
    r = with_rule_budget("2000000", "check", NULL);
    ck_assert_msg(r.status == 0, "exit %d: %s%s", r.status, r.out, r.err);
    tu_result_free(&r);
    r = with_rule_budget("1000", "check", NULL);
    ck_assert_msg(r.status == 1 && strstr(r.out, "510105016003-03-0001@r1") && strstr(r.out, "[RULES-BUDGET]"),
                  "exit %d: %s%s", r.status, r.out, r.err);
    tu_result_free(&r);
    free(at_cap);
    free(path);
}
END_TEST

/* Splits the generated batch at `path` into two batch files of disjoint households. */
/* Item 26: a store file whose sizes, digests or triggers were altered — reported by
 * `check` (exit 1, naming the household and revision, never a value), never a crash;
 * `show` of the damaged revision fails with exit 2. */
START_TEST(hostile_26_an_altered_store_is_reported_never_a_crash)
{
    char *form = tu_src(FORM);
    char *id = tu_form_id(form);
    tu_result r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, form, NULL);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    static const struct {
        const char *sql, *finding;
    } alterations[] = {
        { "DROP TRIGGER revision_kept_d", "[STORE-TRIGGER]" },
        { "DROP TRIGGER revision_kept_u; UPDATE revision SET form_sha256 = 'ff'", "[STORE-DIGEST]" },
        { "UPDATE revision SET xml_size = -1", "[STORE-DAMAGED]" },
        { "UPDATE revision SET xml_size = 1 << 40", "[STORE-DAMAGED]" },
    };
    for (size_t i = 0; i < sizeof alterations / sizeof alterations[0]; i++) {
        ck_assert_int_eq(tu_sql_exec(tu_store_db, alterations[i].sql), 0);
        r = tu_hhreg(NULL, NULL, "check", "--lang", "en", "--db", tu_store_db, NULL);
        ck_assert_msg(r.status == 1 && strstr(r.out, alterations[i].finding), "after %s, check (%d):\n%s%s",
                      alterations[i].sql, r.status, r.out, r.err);
        tu_result_free(&r);
        r = tu_hhreg(NULL, NULL, "show", "--db", tu_store_db, id, NULL);
        ck_assert_msg(r.status < 128, "show crashed (%d): %s", r.status, r.err);
        if (strstr(alterations[i].finding, "DAMAGED"))
            ck_assert_msg(r.status == 2 && strstr(r.err, "damaged"), "show (%d): %s", r.status, r.err);
        tu_result_free(&r);
    }
    free(id);
    free(form);
}
END_TEST

/* 24, names: a person's name or ID number typed as an element or attribute name —
 * the root, a foreign element in a batch, an xsi: attribute — is never repeated. */
START_TEST(names_made_into_tags_are_never_echoed)
{
    static const char *const forms[] = {
        "<households " NS ">\xe5\xad\x99\xe4\xbc\x9f 51010519650416001X<![CDATA[51010519650416001X]]></households>",
        "<\xe5\xad\x99\xe4\xbc\x9f " NS "/>",
        "<zhang-wei-51010519650416001X " NS "/>",
        "<households " NS "><\xe5\xad\x99\xe4\xbc\x9f/><zhang-wei-51010519650416001X/></households>",
        "<household " NS " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
        "xsi:\xe5\xad\x99\xe4\xbc\x9f=\"1\" xsi:id51010519650416001X=\"1\"/>",
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        char *file = tu_path(tu_store_dir, "named.xml");
        tu_write_file(file, forms[i], strlen(forms[i]));
        tu_result r = tu_hhreg(NULL, NULL, "validate", file, NULL);
        ck_assert_msg(r.status == 1, "form %zu: exit %d: %s", i, r.status, r.err);
        ck_assert_msg(strstr(r.out, "error: [") || strstr(r.err, "error: ["), "form %zu says nothing: %s%s", i, r.out,
                      r.err);
        ck_assert_msg(!strstr(r.err, "\xe5\xad\x99\xe4\xbc\x9f") && !strstr(r.err, "51010519650416001X") &&
                          !strstr(r.out, "\xe5\xad\x99\xe4\xbc\x9f") && !strstr(r.out, "51010519650416001X"),
                      "form %zu echoes a name: %s%s", i, r.out, r.err);
        tu_result_free(&r);
        free(file);
    }
}
END_TEST

Suite *make_hostile_suite(void)
{
    Suite *s = suite_create("hostile");
    TCase *tc = tcase_create("corpus");
    tcase_set_timeout(tc, 600);
    tcase_add_checked_fixture(tc, setup, tu_store_teardown);
    tcase_add_test(tc, entity_expansion_and_external_entities);
    tcase_add_test(tc, xinclude_and_foreign_schemas);
    tcase_add_test(tc, bad_encodings_and_characters);
    tcase_add_test(tc, broken_and_foreign_files);
    tcase_add_test(tc, oversized_and_deep_documents);
    tcase_add_test(tc, rule_violations_are_refused_with_their_path);
    tcase_add_test(tc, the_same_household_twice_and_one_id_in_two_households);
    tcase_add_test(tc, awkward_names_are_stored_verbatim);
    tcase_add_test(tc, foreign_newer_and_corrupt_stores_are_refused);
    /* issue 14, items 31-33 */
    tcase_add_test(tc, item31_endless_or_empty_input_to_entry_stops);
    tcase_add_test(tc, item32_plugin_directories_and_names_are_not_hijacked);
    tcase_add_test(tc, item33_sample_never_overwrites_or_follows_links);
    /* 24: values never echoed; file names escaped */
    tcase_add_test(tc, values_are_never_echoed_by_validate_import_or_check);
    tcase_add_test(tc, values_are_never_echoed_by_guided_entry);
    tcase_add_test(tc, file_names_in_messages_are_escaped);
    tcase_add_test(tc, names_made_into_tags_are_never_echoed);
    /* 28, 29 */
    tcase_add_test(tc, junk_after_the_batch_loses_no_household);
    tcase_add_test(tc, a_household_of_a_batch_is_stored_as_a_form_of_its_own);
    tcase_add_test(tc, an_error_in_household_k_names_what_was_not_read);
    tcase_add_test(tc, nested_and_foreign_household_tags_do_not_reset_the_size_limit);
    tcase_add_test(tc, a_padded_declaration_or_utf16_without_bom_is_refused);
    /* 30 */
    tcase_add_test(tc, a_form_with_fifty_thousand_visits);
    /* 26 */
    tcase_add_test(tc, hostile_26_an_altered_store_is_reported_never_a_crash);
    suite_add_tcase(s, tc);
    return s;
}
