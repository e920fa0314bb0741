/* import_work.c — see import_work.h. */
#include "import_work.h"

#include <stdlib.h>
#include <string.h>

#include "digest.h"

void hh_form_result_init(hh_form_result *r)
{
    memset(r, 0, sizeof *r);
    hh_diags_init(&r->diags);
}

void hh_form_result_free(hh_form_result *r)
{
    free(r->file);
    hh_diags_free(&r->diags);
    hh_household_free(r->household);
    free(r->xml);
    hh_form_result_init(r);
}

void hh_work_on_form(hh_validator *v, const hh_form_input *form, hh_form_result *out)
{
    free(out->file);
    out->file = hh_xstrdup(form->file);
    out->line = form->line;
    if (hh_validator_check(v, form, &out->diags) > 0) {
        out->refused++;
        return;
    }
    if (hh_form_digest(form->doc, out->sha256) != 0) {
        hh_diags_addmsg(&out->diags, form->file, form->line, HH_ERROR, "STORE-FAIL", "household",
                        "cannot compute the form's digest");
        out->refused++;
        return;
    }
    if (form->original) {
        out->xml = hh_xstrndup(form->original, form->original_len);
        out->xml_len = form->original_len;
    } else {
        xmlChar *dump = NULL;
        int len = 0;
        xmlDocDumpFormatMemoryEnc(form->doc, &dump, &len, "UTF-8", 1);
        out->xml = hh_xstrndup((const char *)dump, (size_t)len);
        out->xml_len = (size_t)len;
        xmlFree(dump);
    }
    out->household = hh_household_from_doc(form->doc);
}

typedef struct bytes_work {
    hh_validator *v;
    hh_form_result *out;
} bytes_work;

static int on_parsed(hh_form_input *form, void *arg)
{
    bytes_work *w = arg;
    hh_work_on_form(w->v, form, w->out);
    return 0;
}

void hh_work_on_bytes(hh_validator *v, const char *name, const char *bytes, size_t len, hh_form_result *out)
{
    bytes_work w = { v, out };
    free(out->file);
    out->file = hh_xstrdup(name);
    out->line = 1;
    hh_read_stats st = hh_read_forms_memory(bytes, len, name, &out->diags, on_parsed, &w);
    out->refused += st.refused;
}
