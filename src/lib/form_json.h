/* form_json.h — a household with its persons, visits and derived values as one JSON
 * object (UTF-8, full fidelity: every item of the form, absent items as null). */
#ifndef HH_FORM_JSON_H
#define HH_FORM_JSON_H

#include "derived.h"
#include "form.h"
#include "json.h"
#include "store.h"
#include "util.h"

void hh_household_json(hh_buf *b, const hh_household *h);
/* One row of the household list (`list --json`, GET /api/v1/households) as an object. */
void hh_list_row_json(hh_json *j, const hh_list_row *r);
/* One conflict a merge found (hhreg conflicts --json, the review queue's conflicts). */
void hh_conflict_json(hh_json *j, const hh_conflict *c);
/* Opens an object (in an array) for a household of a listing that names it by id
 * and address only, never a name: "id", "building", "unit", "room" (due, review). */
void hh_json_household_ref(hh_json *j, const char *id, const char *building, const char *unit, const char *room);

#endif
