/* form.h — a validated household form as C values, for storing and exporting.
 *
 * Every string is owned by the hh_household and freed by hh_household_free; absent
 * optional items are NULL strings, -1 numbers or 0 codes as noted. Build one only
 * from a form that passed validation: hh_household_from_doc trusts the structure. */
#ifndef HH_FORM_H
#define HH_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <libxml/tree.h>

enum { HH_WG_SEEING, HH_WG_HEARING, HH_WG_WALKING, HH_WG_COGNITION, HH_WG_SELFCARE,
       HH_WG_COMMUNICATION, HH_WG_DOMAINS };
extern const char *const hh_wg_domain_names[HH_WG_DOMAINS];

typedef struct hh_person {
    int line;
    char *name, *relationship, *sex, *birth_date;
    char *document_type, *document_number;   /* number NULL for type none */
    char *nationality, *ethnicity, *residence, *registered_in;
    char *marital_status, *activity, *phone, *languages, *notes;
    int education;                           /* ISCED 0-8, -1 absent */
    int functioning[HH_WG_DOMAINS];          /* 1-4, 0 absent */
    char *certificate_type;
    int certificate_grade;                   /* 1-4, 0 absent */
} hh_person;

typedef struct hh_visit {
    char *date, *enumerator, *purpose, *outcome, *note;
    bool before_form; /* a logged visit recorded before the form's own visit of its date first came
                         (store_read.c): on that date it came first (a door found shut in the
                         morning, the form completed in the evening); false in a form */
} hh_visit;

typedef struct hh_household {
    char *id;
    char *district_code, *district, *street_code, *street, *community_code, *community;
    int grid;
    char *estate, *building, *unit, *room;
    char *household_type, *dwelling_type, *tenure;
    double floor_area;                       /* -1 absent */
    char *phone, *preferred_language;        /* preferred_language defaults to "zh" */
    int low_income;                          /* 1, 0, -1 absent (nobody home, refused) */
    char *low_income_since;
    int extreme_hardship;                    /* 1, 0, -1 absent (nobody home, refused) */
    char *needs;
    char *enumerator, *enumeration_date, *enumeration_status, *respondent;
    int consent;                             /* 1, 0 or -1 absent (nobody home) */
    int member_count;                        /* -1 absent */
    hh_person *persons;
    size_t n_persons;
    hh_visit *visits;                        /* the form's own: those of its enumeration */
    size_t n_visits;
    hh_visit *logged;                        /* the store's visit log: visits made after the form was
                                                stored, oldest first (store_write.c); never part of the form */
    size_t n_logged;
} hh_household;

/* Every visit of a household, the form's and the logged ones: their number, and
 * visit i of them (the form's first). */
size_t hh_household_n_all_visits(const hh_household *h);
const hh_visit *hh_household_visit(const hh_household *h, size_t i);

/* Reads the household element `root`; returns NULL only if root is not one. */
hh_household *hh_household_from_doc(xmlDocPtr doc);
/* The value of one household item (items.h: "id", "room", ...) of a validated form
 * without reading the rest: malloc'd, NULL when absent. */
char *hh_form_household_value(xmlDocPtr doc, const char *key);
void hh_household_free(hh_household *h);

#endif
