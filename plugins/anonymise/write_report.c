/* write_report.c — the disclosure report, disclosure-report.json for a checker and
 * disclosure-report.txt for a person: every parameter, the quasi-identifiers and
 * sensitive attributes, k and l reached, persons at risk before and after, and
 * what each recode and suppression did to each variable. The key and a seed are
 * never written: either would let a reader undo the ids or the shuffle. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "params.h"
#include "release.h"

static const char *const sensitive_names[SENSITIVE_COUNT] = { "disability", "low_income" };

static int json_list(const release *r, enum var_role role)
{
    int first = 1;
    for (int v = 0; v < VAR_COUNT; v++)
        if (variables[v].role == role) {
            if (r->api->writef(r->ctx, "%s\"%s\"", first ? "" : ", ", variables[v].name))
                return -1;
            first = 0;
        }
    return 0;
}

static int write_json(const release *r)
{
    const hhreg_host_api *a = r->api;
    const params *p = r->p;
    const disclosure *d = r->d;
    char *order = params_order_text(p);
    int rc = a->open_file(r->ctx, "disclosure-report.json") ||
             a->writef(r->ctx, "{\n  \"plugin\": \"anonymise\",\n  \"version\": \"%s\",\n  \"date\": \"%s\",\n",
                       r->plugin_version, r->date) ||
             a->writef(r->ctx, "  \"households\": %zu,\n  \"persons\": %zu,\n", r->m->n_households, r->m->n_persons) ||
             a->writef(r->ctx, "  \"parameters\": {\n    \"profile\": \"%s\",\n    \"k\": %ld,\n    \"l\": %ld,\n",
                       p->profile, p->k, p->l) ||
             a->writef(r->ctx, "    \"geography\": \"%s\",\n    \"min_area_population\": %ld,\n",
                       area_levels[p->area_level], p->min_area_population) ||
             a->writef(r->ctx, "    \"age\": \"%s\",\n    \"age_top\": %ld,\n    \"hh_size_top\": %ld,\n",
                       p->age_bands ? "bands" : "single", p->age_top, p->hh_size_top) ||
             a->writef(r->ctx, "    \"pool\": %s,\n    \"suppress_order\": \"%s\",\n", p->pool ? "true" : "false",
                       order) ||
             a->writef(r->ctx, "    \"household_ids\": \"%s\",\n    \"release\": \"%s\",\n    \"shuffle\": \"%s\",\n",
                       p->key_len ? "keyed HMAC-SHA-256 under HKDF-SHA-256(key, profile, release) (key not written)"
                                  : "new random ids",
                       p->key_len ? p->release_id : "",
                       p->has_seed ? "seeded (seed not written)" : "random") ||
             a->writef(r->ctx, "    \"formats\": \"csv%s%s\",\n    \"lang\": \"%s\"\n  },\n",
                       p->formats & FORMAT_DTA ? ",dta" : "", p->formats & FORMAT_SAV ? ",sav" : "", p->lang) ||
             a->write_text(r->ctx, "  \"quasi_identifiers\": [") || json_list(r, ROLE_QUASI) ||
             a->write_text(r->ctx, "],\n  \"derived_quasi_identifiers\": [{\"name\": \"household_size\", "
                                   "\"rule\": \"the number of rows of persons.csv with the household's hh_id "
                                   "(hh_size is the same, top-coded)\"}],\n  \"sensitive_attributes\": [") ||
             json_list(r, ROLE_SENSITIVE) || a->write_text(r->ctx, "],\n") ||
             a->writef(r->ctx, "  \"k_reached\": %zu,\n  \"groups\": %zu,\n", d->smallest_group, d->groups) ||
             a->writef(r->ctx, "  \"persons_at_risk\": {\"before_recodes\": %zu, \"after_recodes\": %zu, "
                               "\"released\": %zu},\n", d->at_risk_original, d->at_risk_recoded, d->at_risk_final) ||
             a->writef(r->ctx, "  \"persons_fully_suppressed\": %zu,\n  \"suppression_rounds\": %zu,\n",
                       d->fully_suppressed, d->rounds) ||
             a->writef(r->ctx, "  \"households_without_persons_left_out\": %zu,\n",
                       d->households_without_persons) ||
             a->writef(r->ctx, "  \"persons_with_derivable_blanks\": {\"after_first_protection\": %zu, "
                               "\"released\": %zu},\n", d->derivable_first, d->derivable_final) ||
             a->writef(r->ctx, "  \"household_risk\": {\"key\": \"area, household size, members' age and sex\", "
                               "\"households_with_a_member_at_risk\": {\"after_recodes\": %zu, \"released\": %zu}, "
                               "\"unique_households\": {\"persons_protected\": %zu, \"released\": %zu}, "
                               "\"blanked_for_households\": {\"area\": %zu, \"age\": %zu, \"sex\": %zu}, "
                               "\"donor_households\": %zu, \"left_out_as_the_only_one_of_their_size\": %zu, "
                               "\"protection_runs\": %zu},\n",
                       d->households_at_risk_recoded, d->households_at_risk_final, d->unique_households_protected,
                       d->unique_households_final, d->household_blanks[HOUSEHOLD_BLANK_AREA],
                       d->household_blanks[HOUSEHOLD_BLANK_AGE], d->household_blanks[HOUSEHOLD_BLANK_SEX],
                       d->donor_households, d->households_of_unique_size, d->protection_runs) ||
             a->writef(r->ctx, "  \"area_not_named_households\": %zu,\n  \"variables\": {\n",
                       d->area_below_threshold);
    for (int v = 0; v < VAR_COUNT && !rc; v++)
        rc = a->writef(r->ctx, "    \"%s\": {\"unit\": \"%s\", \"role\": \"%s\", \"suppressed\": %zu, "
                                "\"pooled_categories\": %zu, \"pooled_persons\": %zu}%s\n",
                       variables[v].name, variables[v].household ? "households" : "persons",
                       variables[v].role == ROLE_QUASI ? "quasi-identifier"
                       : variables[v].role == ROLE_SENSITIVE ? "sensitive" : "structural",
                       d->suppressed[v], d->pooled_categories[v], d->pooled_persons[v], v + 1 < VAR_COUNT ? "," : "");
    rc = rc || a->write_text(r->ctx, "  },\n  \"l_diversity\": {\n");
    for (int s = 0; s < SENSITIVE_COUNT && !rc; s++) {
        char l[32];
        snprintf(l, sizeof l, "%ld", d->l_reached[s]);
        rc = a->writef(r->ctx, "    \"%s\": {\"l_reached\": %s, \"groups_with_one_value\": %zu, "
                               "\"values_suppressed\": %zu}%s\n",
                       sensitive_names[s], d->l_reached[s] < 0 ? "null" : l, d->homogeneous[s],
                       d->sensitive_suppressed[s], s + 1 < SENSITIVE_COUNT ? "," : "");
    }
    rc = rc || a->write_text(r->ctx, "  }\n}\n");
    free(order);
    return rc ? -1 : 0;
}

static int write_text_report(const release *r)
{
    const hhreg_host_api *a = r->api;
    const params *p = r->p;
    const disclosure *d = r->d;
    char *order = params_order_text(p);
    int rc = a->open_file(r->ctx, "disclosure-report.txt") ||
             a->writef(r->ctx, "Disclosure report — hhreg anonymise %s, %s\n\n", r->plugin_version, r->date) ||
             a->writef(r->ctx, "Released: %zu households, %zu persons (persons.csv, households.csv%s%s).\n\n",
                       r->m->n_households, r->m->n_persons, p->formats & FORMAT_DTA ? ", .dta" : "",
                       p->formats & FORMAT_SAV ? ", .sav" : "") ||
             a->writef(r->ctx, "Parameters (profile %s)\n  k = %ld, l = %ld\n  geography: %s; areas under %ld persons "
                               "not named\n", p->profile, p->k, p->l, area_levels[p->area_level],
                       p->min_area_population) ||
             a->writef(r->ctx, "  age: %s, top %ld+; household size top-coded at %ld+\n",
                       p->age_bands ? "five-year bands" : "single years", p->age_top, p->hh_size_top) ||
             a->writef(r->ctx, "  categories under k persons pooled into \"other\": %s\n  suppression order: %s\n",
                       p->pool ? "yes" : "no", order) ||
             a->writef(r->ctx, "  household ids: %s; record order: %s\n\n",
                       p->key_len ? "keyed HMAC-SHA-256, under a key derived from the key, the profile and the "
                                    "release id (the key is not in the release)"
                                  : "new, random",
                       p->has_seed ? "shuffled with a given seed (not written here)" : "shuffled at random") ||
             a->write_text(r->ctx, "Quasi-identifiers: area, hh_type, dwelling, tenure, age, sex, relationship, "
                                   "marital, ethnicity,\n  nationality, residence, education, activity, and household "
                                   "size recounted from hh_id.\nSensitive attributes: disability, low_income.\n\n") ||
             a->writef(r->ctx, "Result\n  k reached: %zu (smallest of %zu groups)\n", d->smallest_group, d->groups) ||
             a->writef(r->ctx, "  persons at risk (in groups under k): %zu before recodes, %zu after recodes, %zu "
                               "released\n", d->at_risk_original, d->at_risk_recoded, d->at_risk_final) ||
             a->writef(r->ctx, "  persons with every quasi-identifier blank: %zu; rounds of suppression: %zu\n",
                       d->fully_suppressed, d->rounds) ||
             a->writef(r->ctx, "  households whose area is too small to name: %zu\n", d->area_below_threshold) ||
             a->writef(r->ctx, "  households without persons (nobody home, refused), left out: %zu\n",
                       d->households_without_persons) ||
             a->writef(r->ctx, "  persons with a blank the household fills in (head, spouse's sex, a single area): %zu "
                               "after the first protection, %zu released\n", d->derivable_first, d->derivable_final) ||
             a->writef(r->ctx, "  households with a member at risk: %zu after recodes, %zu released\n",
                       d->households_at_risk_recoded, d->households_at_risk_final) ||
             a->writef(r->ctx, "  households unique on area, size and members' age and sex: %zu once persons were "
                               "protected, %zu released%s\n",
                       d->unique_households_protected, d->unique_households_final,
                       p->hide_unique_households ? "" : " (the licensed profile keeps them)") ||
             a->writef(r->ctx, "  blanked so that no household is unique: %zu areas, %zu ages, %zu sexes; %zu donor "
                               "households; %zu left out as the only one of their size\n\n",
                       d->household_blanks[HOUSEHOLD_BLANK_AREA], d->household_blanks[HOUSEHOLD_BLANK_AGE],
                       d->household_blanks[HOUSEHOLD_BLANK_SEX], d->donor_households,
                       d->households_of_unique_size) ||
             a->write_text(r->ctx, "Per variable                 suppressed  unit        pooled categories (persons)\n");
    for (int v = 0; v < VAR_COUNT && !rc; v++)
        rc = a->writef(r->ctx, "  %-26s %10zu  %-10s  %zu (%zu)\n", variables[v].name, d->suppressed[v],
                       variables[v].household ? "households" : "persons", d->pooled_categories[v],
                       d->pooled_persons[v]);
    rc = rc || a->write_text(r->ctx, "\nl-diversity (over groups that hold the sensitive value \"yes\")\n");
    for (int s = 0; s < SENSITIVE_COUNT && !rc; s++)
        rc = d->l_reached[s] < 0
                 ? a->writef(r->ctx, "  %-12s no group holds \"yes\"; %zu groups hold one value only\n",
                             sensitive_names[s], d->homogeneous[s])
                 : a->writef(r->ctx, "  %-12s least l = %ld; %zu values blanked to reach it; %zu groups hold one "
                                     "value only (all \"no\" or all blank)\n",
                             sensitive_names[s], d->l_reached[s], d->sensitive_suppressed[s], d->homogeneous[s]);
    free(order);
    return rc ? -1 : 0;
}

int write_report(const release *r)
{
    return write_json(r) || write_text_report(r) ? -1 : 0;
}
