/* import_work.c — see import_work.h. */
#include "import_work.h"

#include <stdlib.h>
#include <string.h>

#include "deflate.h"
#include "digest.h"
#include "messages.h"

hh_form_worker *hh_form_worker_new(const hh_schemaset *set, bool own_rules)
{
    hh_form_worker *w = hh_xcalloc(1, sizeof *w);
    w->validator = own_rules ? hh_validator_new_private(set) : hh_validator_new(set);
    w->deflater = hh_deflater_new();
    if (!w->validator || !w->deflater) {
        hh_form_worker_free(w);
        return NULL;
    }
    return w;
}

void hh_form_worker_free(hh_form_worker *w)
{
    if (!w)
        return;
    hh_validator_free(w->validator);
    hh_deflater_free(w->deflater);
    free(w);
}

void hh_form_result_init(hh_form_result *r)
{
    memset(r, 0, sizeof *r);
    hh_diags_init(&r->diags);
}

void hh_form_result_free(hh_form_result *r)
{
    free(r->file);
    free(r->why);
    hh_diags_free(&r->diags);
    hh_household_free(r->household);
    free(r->xml);
    hh_form_result_init(r);
}

void hh_work_on_form(hh_form_worker *w, hh_form_input *form, hh_form_result *out)
{
    free(out->file);
    out->file = hh_xstrdup(form->file);
    out->line = form->line;
    if (hh_validator_check(w->validator, form, &out->diags) > 0) {
        out->refused++;
        return;
    }
    if (hh_form_digests(form->doc, out->sha256, out->content_sha256) != 0) {
        hh_msg_form_digest(&out->diags, form->file, form->line, "household");
        out->refused++;
        return;
    }
    xmlChar *dump = NULL;
    int dump_len = 0;
    const char *xml = form->original;
    size_t len = form->original_len;
    if (!xml) {
        xmlDocDumpFormatMemoryEnc(form->doc, &dump, &dump_len, "UTF-8", 1);
        xml = (const char *)dump;
        len = (size_t)dump_len;
    }
    hh_buf packed;
    hh_buf_init(&packed);
    if (hh_deflate(w->deflater, xml, len, &packed) == 0) {
        out->xml_len = packed.len;
        out->xml = hh_buf_detach(&packed);
        out->xml_size = len;
    } else {
        hh_buf_free(&packed);
        out->xml = hh_xstrndup(xml, len);
        out->xml_len = len;
    }
    xmlFree(dump);
    out->household = hh_household_from_doc(form->doc);
}

typedef struct bytes_work {
    hh_form_worker *worker;
    hh_form_result *out;
    long forms;
} bytes_work;

/* The first form is worked on; a second makes the whole a refused batch. */
static int on_parsed(hh_form_input *form, void *arg)
{
    bytes_work *w = arg;
    if (w->forms++ == 0) {
        hh_work_on_form(w->worker, form, w->out);
        return 0;
    }
    hh_form_result *out = w->out;
    hh_household_free(out->household);
    free(out->xml);
    out->household = NULL;
    out->xml = NULL;
    out->xml_len = out->xml_size = 0;
    hh_diags_clear(&out->diags);
    hh_msg_xml_one_form(&out->diags, form->file, form->line, "households");
    out->refused++;
    return 1; /* nothing more is read */
}

void hh_work_on_bytes(hh_form_worker *worker, const char *name, const char *bytes, size_t len,
                      hh_form_result *out)
{
    bytes_work w = { worker, out, 0 };
    free(out->file);
    out->file = hh_xstrdup(name);
    out->line = 1;
    hh_read_stats st = hh_read_forms_memory(bytes, len, name, &out->diags, on_parsed, &w);
    out->refused += st.refused;
}
