/* entry_save.c — see entry_session.h: the answers' form read once, as an imported
 * one-form file is read (import_work.c), and that very result handed to the
 * importer's store side (hh_importer_take), so a typed household goes through the
 * same repeat check, store checks, transaction and audit as an imported one,
 * without a file and without a second parse. */
#include "entry_session.h"
#include "diag.h"

#include <stdlib.h>

#include "import.h"

void hh_entry_form(hh_form_worker *w, const hh_answers *a, const char *name, hh_form_result *out)
{
    size_t len;
    char *xml = hh_entry_form_xml(a, false, -1, -1, &len);
    hh_work_on_bytes(w, name, xml, len, out);
    free(xml);
}

hh_entry_saved hh_entry_save(hh_store *store, const hh_schemaset *set, hh_form_result *form,
                             const hh_entry_save_options *opt)
{
    /* quiet: the form's warnings were shown when it was checked; the store's refusals are
     * errors. Not strict: a run of one form stores nothing it refuses anyway, and strict
     * added "--strict: nothing was stored", an option the worker never gave. */
    hh_import_options io = { .actor = opt->actor, .lang = opt->lang, .messages = opt->messages, .batch_size = 1,
                             .quiet = true, .jobs = 1, .base_revision = opt->base_revision,
                             .new_household = opt->new_household };
    hh_importer *im = hh_importer_new(store, set, &io);
    if (!im) {
        if (opt->messages)
            fputs(hh_text(opt->lang, "the checks made before saving could not be set up; nothing was saved\n",
                          "无法建立保存前的检查；未保存任何内容\n"),
                  opt->messages);
        return HH_ENTRY_FAILED;
    }
    hh_import_summary sum;
    hh_importer_take(im, form);
    hh_importer_finish(im, &sum);
    hh_importer_free(im);
    return sum.io_error || sum.not_stored ? HH_ENTRY_FAILED
           : sum.stored                  ? HH_ENTRY_STORED
           : sum.revised                 ? HH_ENTRY_REVISED
           : sum.unchanged               ? HH_ENTRY_UNCHANGED
           : sum.conflicts               ? HH_ENTRY_CONFLICT
                                         : HH_ENTRY_REFUSED;
}
