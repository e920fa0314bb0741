/* test_parse.c — the form reader: one form or a batch, line numbers, the bytes kept
 * for a one-form file and for each member of a batch (the same form read alone), and what it refuses before any schema is involved; and the
 * directory walk, which reads a directory in bounded sorted runs. */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/tree.h>

#include "digest.h"
#include "input.h"
#include "paths.h"
#include "testutil.h"

Suite *make_parse_suite(void);

typedef struct seen {
    long forms;
    long lines[8];
    int had_original;
    size_t original_len;
    long originals;          /* forms handed over with their bytes */
    long same_form;          /* of those from a batch: whose bytes read alone give its digests */
    char original[160];      /* the last one's, cut */
    char ids[8][32];
} seen;

static int keep_digests(hh_form_input *form, void *arg)
{
    char *digests = arg;
    if (form->doc == NULL || hh_form_digests(form->doc, digests, digests + 65) != 0)
        digests[0] = '\0';
    return 0;
}

/* Whether `bytes`, read as a form of their own, give the digests of `doc`. */
static bool same_digests(xmlDocPtr doc, const char *bytes, size_t len)
{
    char of_doc[130], of_bytes[130] = "";
    hh_diags d;
    hh_diags_init(&d);
    hh_read_forms_memory(bytes, len, "alone.xml", &d, keep_digests, of_bytes);
    hh_diags_free(&d);
    return hh_form_digests(doc, of_doc, of_doc + 65) == 0 && *of_bytes && strcmp(of_doc, of_bytes) == 0 &&
           strcmp(of_doc + 65, of_bytes + 65) == 0;
}

static int remember(hh_form_input *form, void *arg)
{
    seen *s = arg;
    if (s->forms < 8) {
        s->lines[s->forms] = form->line;
        xmlChar *id = xmlGetProp(xmlDocGetRootElement(form->doc), BAD_CAST "id");
        snprintf(s->ids[s->forms], sizeof s->ids[0], "%s", id ? (const char *)id : "");
        xmlFree(id);
    }
    s->had_original = form->original != NULL;
    s->original_len = form->original_len;
    s->originals += form->original != NULL;
    if (form->original && form->doc) /* a batch member's bytes, read alone, are the same form */
        s->same_form += same_digests(form->doc, form->original, form->original_len);
    snprintf(s->original, sizeof s->original, "%.*s", (int)form->original_len, form->original ? form->original : "");
    s->forms++;
    return 0;
}

static hh_read_stats read_string(const char *xml, hh_diags *d, seen *s)
{
    memset(s, 0, sizeof *s);
    return hh_read_forms_memory(xml, strlen(xml), "t.xml", d, remember, s);
}

#define NS "xmlns=\"urn:hhreg:household:1\""

START_TEST(one_form_keeps_its_bytes)
{
    const char *xml = "<?xml version=\"1.0\"?>\n<household " NS " id=\"a\"><x/></household>\n";
    hh_diags d;
    hh_diags_init(&d);
    seen s;
    hh_read_stats st = read_string(xml, &d, &s);
    ck_assert_int_eq(st.forms, 1);
    ck_assert_int_eq(st.refused, 0);
    ck_assert_int_eq(s.lines[0], 2);
    ck_assert(s.had_original);
    ck_assert_uint_eq(s.original_len, strlen(xml));
    hh_diags_free(&d);
}
END_TEST

START_TEST(a_batch_is_read_one_household_at_a_time)
{
    const char *xml = "<households " NS ">\n<household id=\"a\"/>\n\n<household id=\"b\"/>\n"
                      "<household id=\"c\"/></households>";
    hh_diags d;
    hh_diags_init(&d);
    seen s;
    hh_read_stats st = read_string(xml, &d, &s);
    ck_assert_int_eq(st.forms, 3);
    ck_assert_int_eq(d.n, 0);
    ck_assert_int_eq(s.lines[0], 2);
    ck_assert_int_eq(s.lines[1], 4);
    ck_assert_int_eq(s.lines[2], 5);
    ck_assert_str_eq(s.ids[2], "c");
    /* each with its own bytes, the namespace it borrowed from the root declared on it */
    ck_assert_int_eq(s.originals, 3);
    ck_assert_int_eq(s.same_form, 3);
    ck_assert_str_eq(s.original, "<household " NS " id=\"c\"/>");
    hh_diags_free(&d);
}
END_TEST

/* A batch member is stored as it was read, with every declaration it borrowed
 * (written back as attribute values read them), and only those; a household that
 * spans the reader's chunks keeps its bytes whole. */
START_TEST(a_batch_member_keeps_its_bytes_with_the_declarations_it_borrowed)
{
    const char *xml = "<p:households xmlns:p=\"urn:hhreg:household:1\" xmlns:q=\"urn:x&amp;y&#9;&quot;z\""
                      " xmlns:unused=\"urn:unused\">\n  <p:household id=\"d\" q:note=\"1\">\n    <p:x/>\n"
                      "  </p:household>\n</p:households>\n";
    hh_diags d;
    hh_diags_init(&d);
    seen s;
    hh_read_stats st = read_string(xml, &d, &s);
    ck_assert_int_eq(st.forms, 1);
    ck_assert_str_eq(s.original, "<p:household xmlns:p=\"urn:hhreg:household:1\" xmlns:q=\"urn:x&#38;y&#9;&quot;z\""
                                 " id=\"d\" q:note=\"1\">\n    <p:x/>\n  </p:household>");
    ck_assert_int_eq(s.same_form, 1);
    hh_diags_free(&d);

    hh_buf big;
    hh_buf_init(&big);
    hh_buf_puts(&big, "<households " NS ">\n");
    for (int k = 0; k < 100; k++) { /* 100 of some 3 KB: across the 64 KB the reader takes at a time */
        hh_buf_printf(&big, "<household id=\"%d\">", k);
        for (int c = 0; c < 60; c++)
            hh_buf_puts(&big, "<note>fifty bytes of a household's text, no more.</note>");
        hh_buf_puts(&big, "</household>\n");
    }
    hh_buf_puts(&big, "</households>\n");
    hh_diags_init(&d);
    st = read_string(big.data, &d, &s);
    ck_assert_int_eq(st.forms, 100);
    ck_assert_int_eq(s.originals, 100);
    ck_assert_int_eq(s.same_form, 100);
    ck_assert_msg(strncmp(s.original, "<household " NS " id=\"99\"><note>", strlen("<household " NS " id=\"99\"><note>")) == 0,
                  "%s", s.original);
    ck_assert_uint_eq(s.original_len, strlen("<household " NS " id=\"99\"></household>") + 60 * 56);
    hh_diags_free(&d);
    hh_buf_free(&big);

    /* a member's '<' the last byte of the reader's first 64 KB, the member across two
     * more, a comment inside it that looks like a member's start tag at the third
     * (the review's case: its bytes were taken from there) */
    hh_buf_init(&big);
    hh_buf_puts(&big, "<households " NS ">\n<!--");
    while (big.len < 65535 - 4)
        hh_buf_putc(&big, 'x');
    hh_buf_puts(&big, "-->\n");
    ck_assert_uint_eq(big.len, 65535);
    hh_buf_puts(&big, "<household id=\"z\"><note>n</note>\n<!--");
    while (big.len < 131072)
        hh_buf_putc(&big, 'y');
    hh_buf_puts(&big, "<household x --><note>m</note></household>\n</households>\n");
    hh_diags_init(&d);
    st = read_string(big.data, &d, &s);
    ck_assert_int_eq(st.forms, 1);
    ck_assert_int_eq(s.originals, 1);
    ck_assert_int_eq(s.same_form, 1);
    ck_assert_msg(strncmp(s.original, "<household " NS " id=\"z\"><note>n</note>", 60) == 0, "%s", s.original);
    hh_diags_free(&d);
    hh_buf_free(&big);
}
END_TEST

/* hh_read_one_form (a stored form, a form posted to the server) takes one form, never
 * the first of a batch, whose members now carry their bytes too. */
START_TEST(one_form_is_not_the_first_of_a_batch)
{
    const char *batch = "<households " NS "><household id=\"a\"/><household id=\"b\"/></households>";
    ck_assert_ptr_null(hh_read_one_form(batch, strlen(batch), "b.xml", NULL));
    const char *one = "<household " NS " id=\"a\"/>";
    xmlDocPtr doc = hh_read_one_form(one, strlen(one), "a.xml", NULL);
    ck_assert_ptr_nonnull(doc);
    xmlFreeDoc(doc);
}
END_TEST

START_TEST(a_batch_member_becomes_a_standalone_valid_form)
{
    char *path = tu_src("samples/households/510105016003-03-0001.xml");
    char *one = tu_read_file(path, NULL);
    const char *body = strstr(one, "<household");
    char *batch = hh_xasprintf("<households " NS ">%s</households>", body);
    /* the copy must carry its namespace: it validates on its own */
    char *at = strstr(batch, "<household id");
    ck_assert(at != NULL);
    hh_diags d;
    hh_diags_init(&d);
    ck_assert_int_eq(tu_validate_memory(batch, &d), 1);
    ck_assert_int_eq(d.errors, 0);
    hh_diags_free(&d);
    free(batch);
    free(one);
    free(path);
}
END_TEST

START_TEST(foreign_elements_in_a_batch_are_refused_alone)
{
    const char *xml = "<households " NS "><household id=\"a\"/><note/><household id=\"b\"/></households>";
    hh_diags d;
    hh_diags_init(&d);
    seen s;
    hh_read_stats st = read_string(xml, &d, &s);
    ck_assert_int_eq(st.forms, 2);
    ck_assert_int_eq(st.refused, 1);
    ck_assert(tu_has_rule(&d, "XSD-CONTENT"));
    hh_diags_free(&d);
}
END_TEST

START_TEST(a_truncated_batch_keeps_the_complete_forms)
{
    const char *xml = "<households " NS "><household id=\"a\"/><household id=\"b\"><person";
    hh_diags d;
    hh_diags_init(&d);
    seen s;
    hh_read_stats st = read_string(xml, &d, &s);
    ck_assert_int_eq(st.forms, 1);
    ck_assert_int_eq(st.refused, 1);
    ck_assert(tu_has_rule(&d, "XML-TRUNCATED"));
    hh_diags_free(&d);
}
END_TEST

START_TEST(the_root_must_be_a_form)
{
    hh_diags d;
    hh_diags_init(&d);
    seen s;
    hh_read_stats st = read_string("<household id=\"no-namespace\"/>", &d, &s);
    ck_assert_int_eq(st.forms, 0);
    /* the right name without the namespace is told of the namespace, another name of the name */
    ck_assert_msg(tu_has_rule(&d, "XML-ROOT") && strstr(d.items[0].msg_en, "is not in the form's namespace"), "%s",
                  d.items[0].msg_en);
    hh_diags_clear(&d);
    st = read_string("<form " NS "/>", &d, &s);
    ck_assert_msg(tu_has_rule(&d, "XML-ROOT") && strstr(d.items[0].msg_en, "the root element is 'form'"), "%s",
                  d.items[0].msg_en);
    hh_diags_clear(&d);
    st = read_string("<household " NS "/><household " NS "/>", &d, &s);
    ck_assert_int_eq(st.forms, 0); /* two roots: the file is refused, nothing handed on */
    ck_assert(tu_has_rule(&d, "XML-PARSE"));
    hh_diags_free(&d);
}
END_TEST

START_TEST(item_paths_name_the_person_and_item)
{
    char *path = tu_src("samples/invalid/ID-SEX.xml");
    char *xml = tu_read_file(path, NULL);
    hh_diags d;
    hh_diags_init(&d);
    tu_validate_memory(xml, &d);
    ck_assert_int_eq(d.n, 1);
    ck_assert_str_eq(d.items[0].path, "person[3]/document");
    ck_assert_str_eq(d.items[0].rule, "ID-SEX");
    ck_assert_int_eq(d.items[0].line, 58);
    hh_diags_free(&d);
    free(xml);
    free(path);
}
END_TEST

static int collect_name(int fd, const char *name, void *arg)
{
    (void)fd;
    hh_buf *b = arg;
    hh_buf_puts(b, strrchr(name, '/') + 1);
    hh_buf_putc(b, '\n');
    return 0;
}

static void no_problem(const char *path, const char *why, void *arg)
{
    (void)arg;
    ck_abort_msg("%s: %s", path, why);
}

/* The files visited, in order, with runs of `batch` names. */
static char *walk(const char *dir, size_t batch)
{
    hh_buf b;
    hh_buf_init(&b);
    hh_buf_puts(&b, "");
    hh_path_visitor v = { collect_name, no_problem, &b };
    ck_assert_int_eq(hh_visit_path_batched(dir, &v, batch), 0);
    return hh_buf_detach(&b);
}

START_TEST(a_directory_is_walked_in_sorted_runs)
{
    char *dir = tu_tempdir();
    hh_buf want;
    hh_buf_init(&want);
    /* 300 files created in a scrambled order, some not forms, plus a hidden one */
    for (int i = 0; i < 300; i++) {
        int k = (i * 7919) % 300;
        char name[64];
        snprintf(name, sizeof name, "f%03d.%s", k, k % 10 == 9 ? "txt" : "xml");
        char *path = tu_path(dir, name);
        tu_write_file(path, "x", 1);
        free(path);
    }
    char *hidden = tu_path(dir, ".hidden.xml");
    tu_write_file(hidden, "x", 1);
    free(hidden);
    for (int k = 0; k < 300; k++)
        if (k % 10 != 9)
            hh_buf_printf(&want, "f%03d.xml\n", k);
    static const size_t batches[] = { 1, 7, 64, 269, 270, 271, HH_DIR_RUN };
    for (size_t i = 0; i < sizeof batches / sizeof batches[0]; i++) {
        char *got = walk(dir, batches[i]);
        ck_assert_msg(strcmp(got, want.data) == 0, "runs of %zu names gave another order", batches[i]);
        free(got);
    }
    hh_buf_free(&want);
    tu_rmrf(dir);
    free(dir);
}
END_TEST

Suite *make_parse_suite(void)
{
    Suite *s = suite_create("parse");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, one_form_keeps_its_bytes);
    tcase_add_test(tc, a_batch_is_read_one_household_at_a_time);
    tcase_add_test(tc, a_batch_member_keeps_its_bytes_with_the_declarations_it_borrowed);
    tcase_add_test(tc, one_form_is_not_the_first_of_a_batch);
    tcase_add_test(tc, a_batch_member_becomes_a_standalone_valid_form);
    tcase_add_test(tc, foreign_elements_in_a_batch_are_refused_alone);
    tcase_add_test(tc, a_truncated_batch_keeps_the_complete_forms);
    tcase_add_test(tc, the_root_must_be_a_form);
    tcase_add_test(tc, item_paths_name_the_person_and_item);
    tcase_add_test(tc, a_directory_is_walked_in_sorted_runs);
    suite_add_tcase(s, tc);
    return s;
}
