/* entry_session.h — what guided entry does besides talking, for any front end (the
 * terminal of hhreg enter / edit / visit, a server): turning what was typed into an
 * answer, checking the answers as a form, finding the questions a diagnostic
 * concerns, and saving the finished form.
 *
 * Saving reads the answers' form once, exactly as an imported form is read (the
 * scanner, the XSD, the rules, the digest, the household), and hands that result to
 * the importer's store side from memory: no file is written and the XML is not
 * parsed again, so a typed household is stored exactly as the same form imported
 * from a file. */
#ifndef HH_ENTRY_SESSION_H
#define HH_ENTRY_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "diag.h"
#include "entry.h"
#include "import_work.h"
#include "schemaset.h"
#include "store.h"
#include "validate.h"

/* --- answers ------------------------------------------------------------------------------- */

/* The value kept for `text` typed as the answer to `q` (malloc'd): a code or its
 * number in `codes` (q's code list, NULL-terminated) for a code question, "true" or
 * "false" for y/n (yes, 是, 1, …), an ISO date or month, a number within q's bounds,
 * a text of at most q->max characters; "" (left empty) when q is optional. NULL,
 * with the reason in `lang` in `why`, when the text is not an answer to q. The
 * caller trims the text and offers a default for an empty one. */
char *hh_entry_parse_answer(const hh_question *q, const char *text, const char *const *codes, hh_lang lang, char *why,
                            size_t why_len);

/* The value offered for `q` before it is answered, or NULL: the id proposed for
 * the grid (the flag "proposed-id", while it matches the community code), the
 * household's address items remembered from the last one (flags of those names;
 * never the room), today (a visit's date: the enumeration date, unless the visit
 * is recorded today — the flag "visit-today"), `actor` as the enumerator (a visit's,
 * without one: the household's; NULL when no id was given, never the login name: the question is
 * asked), and the
 * usual answer of a few items (no difficulty, resident ID, CHN, Han, …) — for
 * person `index` (0: the household) the one that fits the answers so far: a
 * foreign national's residence is "foreign-resident"; sex and birth date are the
 * resident ID's; no consent where the household refused (nobody home: not asked); the member
 * count the roster's size (one while it is empty). `today` is the buffer a date or
 * that count is written into. */
const char *hh_entry_default(const hh_answers *a, const hh_question *q, int index, const char *actor, char today[11]);

/* The answer most households give to question `key`, whatever the others are
 * (nationality CHN, no difficulty, ...): what hh_entry_default offers first and the
 * item dictionary serves as "usual"; NULL for a question without one. */
const char *hh_entry_usual_answer(const char *key);

/* Whether `q` is answered with hh_entry_default's value without being asked,
 * because the context settles it (the worker sees it in the review and may change
 * it there): the address above the building and the estate remembered from the
 * last household, the id proposed for the grid, the enumerator given (`actor`),
 * today as the enumeration date, a family household, person 1 as the head, CHN for
 * a resident ID's holder, person 1 as the respondent of a household of one (a
 * proxy where nobody is on the roster), no consent where the household refused, and
 * every item of the registration's own visit (visit 1 while the flag
 * "registration-visit" is set). Never for an edit's or a visit's questions. */
bool hh_entry_settled(const hh_answers *a, const hh_question *q, int index, const char *actor);

/* The enumeration status changed from `before` (NULL: none) to the one answered now:
 * what the one status settled follows the other, so no answer of a refusal outlives
 * it. Going from nobody home or refused to a status somebody answered, consent "no"
 * (the refusal's) is unanswered, to be asked again, and the registration visit's
 * outcome that said the old status becomes "done", an empty roster is opened
 * again (its "roster" and "roster-extras" flags dropped), so that the persons are
 * entered, and what the household answers that is empty ("", as an edit holds the
 * items a form left out) is unanswered, to be asked; going the other way, that
 * outcome says the new status. */
void hh_entry_status_changed(hh_answers *a, const char *before);
/* The household's answer `key` changed from `before`: what follows it follows (the
 * status: hh_entry_status_changed; the enumerator and enumeration date of a new
 * household being entered: the registration's own visit, taken from them in this
 * entry, that held the old one takes the new — never in an edit, whose visits were
 * recorded before). */
void hh_entry_household_changed(hh_answers *a, const char *key, const char *before);

/* "12-1-101" (or "成飞512-548-1-101") typed where the building is asked: the
 * building, unit and room at its last two dashes (malloc'd into out[0..2]); false,
 * touching nothing, when the text has fewer than two dashes or an empty part. */
bool hh_entry_split_address(const char *text, char *out[3]);

/* The household's address (codes, names, grid, estate, building, unit — not the
 * room) as flags of new answers: what is remembered for the next household (free
 * it with hh_answers_free). */
hh_answers *hh_entry_address_of(const hh_answers *a);
/* The address remembered in `last` (from hh_entry_address_of) offered in `a`:
 * its flags, where `a` has none of that name (hh_entry_default offers them). */
void hh_entry_offer_address(hh_answers *a, const hh_answers *last);

/* --- checking ------------------------------------------------------------------------------ */

/* Validates the answers as a form (structure, then the rules): with `placeholders`,
 * unanswered items get stand-ins, and persons and visits after `upto_person` /
 * `upto_visit` (-1: all) are left out (hh_entry_form_xml). Diagnostics go to `d`. */
void hh_entry_check(hh_validator *v, const hh_answers *a, bool placeholders, int upto_person, int upto_visit,
                    hh_diags *d);

/* Where a diagnostic's item lies among the answers: the household (index 0),
 * person or visit `index` (1-based), and the path below it ("document/@type"). */
typedef struct hh_entry_item {
    hh_q_scope scope;   /* HH_SCOPE_HOUSEHOLD, HH_SCOPE_PERSON or HH_SCOPE_VISIT */
    int index;
    char path[256];
} hh_entry_item;

/* The item of a diagnostic's path (hh_diag.path: "person[2]/document/@type"). */
void hh_entry_item_of(const char *diag_path, hh_entry_item *out);
/* Whether `item` is what question `q` asks of its household, person or visit
 * `index` (a question after the roster is the household's): the question's own
 * item, or its element when the diagnostic names the element as a whole. */
bool hh_entry_item_is(const hh_entry_item *item, const hh_question *q, int index);

/* --- saving -------------------------------------------------------------------------------- */

/* The answers' whole form, read once as an imported one-form file is read, with
 * `w`: parsed, validated, digested, compressed and read into a household.
 * out->household is NULL when the form has errors (out->diags holds them, and the
 * warnings); `name` names the form in messages and, with its line, as the stored
 * revision's source. */
void hh_entry_form(hh_form_worker *w, const hh_answers *a, const char *name, hh_form_result *out);

typedef struct hh_entry_save_options {
    const char *actor;      /* who stores it (the audit log) */
    hh_lang lang;
    FILE *messages;         /* the store's refusals (the form's warnings are not repeated); NULL: none */
    int base_revision;      /* the revision an edit started from; 0 for a new household */
    bool new_household;     /* begun as a new household: HH_ENTRY_CONFLICT when its id was taken since */
} hh_entry_save_options;

typedef enum {
    HH_ENTRY_STORED,        /* a new household */
    HH_ENTRY_REVISED,       /* a new revision of a stored one */
    HH_ENTRY_UNCHANGED,     /* equal to the current revision: nothing stored */
    HH_ENTRY_CONFLICT,      /* another revision was stored after base_revision, or a new household's id
                             * was taken by another: nothing stored */
    HH_ENTRY_REFUSED,       /* invalid, or refused by the store (a deleted household, a document number held by another) */
    HH_ENTRY_FAILED         /* the store failed: nothing stored */
} hh_entry_saved;

/* Stores a form read by hh_entry_form through the importer, in one transaction
 * (the same checks, revision, digest, kept warnings and audit entry as `hhreg
 * import` of the same form). `form` stays the caller's. */
hh_entry_saved hh_entry_save(hh_store *store, const hh_schemaset *set, hh_form_result *form,
                             const hh_entry_save_options *opt);

#endif
