/* method.h — how a release is made safe (docs/anonymise.md explains each step):
 * the parameters with their two presets, the recodes (geography threshold, age,
 * household size, pooling of rare categories), then local suppression until
 * every combination of quasi-identifiers is shared by at least k persons and no
 * group discloses a sensitive attribute (l-diversity), and the figures the
 * disclosure report gives. */
#ifndef ANONYMISE_METHOD_H
#define ANONYMISE_METHOD_H

#include "ids.h"
#include "microdata.h"

enum { FORMAT_CSV = 1, FORMAT_DTA = 2, FORMAT_SAV = 4 };
enum { SENSITIVE_DISABILITY, SENSITIVE_LOW_INCOME, SENSITIVE_COUNT };
extern const int sensitive_vars[SENSITIVE_COUNT];

typedef struct params {
    const char *profile;          /* "public" or "licensed" */
    long k;                       /* every quasi-identifier combination shared by >= k persons */
    long l;                       /* distinct values of each sensitive attribute per group */
    int area_level;               /* 0 district, 1 street, 2 community, 3 grid */
    long min_area_population;     /* smaller areas are not named */
    int age_bands;                /* 1: five-year bands; 0: single years */
    long age_top;                 /* the top band or top code (80 or 85) */
    long hh_size_top;             /* household sizes from this one up are one code */
    int pool;                     /* pool categories with fewer than k persons */
    int hide_unique_households;   /* public: no household unique on its household key */
    int order[VAR_COUNT];         /* suppression order: first suppressed first */
    int n_order;
    int n_order_given;            /* order[0..n_order_given-1] named by --opt suppress-order */
    int has_seed;
    uint64_t seed;
    const char *key_file;
    char release_id[128];         /* with a key: the release id the key is derived with */
    unsigned char key[256];       /* read from key_file, then the release key derived from it */
    size_t key_len;
    unsigned formats;             /* FORMAT_* */
    const char *lang;             /* labels: "en" or "zh" */
} params;

extern const char *const area_levels[4];

typedef struct disclosure {
    size_t at_risk_original;      /* persons in groups smaller than k before any recode */
    size_t at_risk_recoded;       /* ... after the recodes, before local suppression */
    size_t at_risk_final;         /* ... in the release (0) */
    size_t groups, smallest_group;
    size_t suppressed[VAR_COUNT]; /* values blanked: households for household items, persons else */
    size_t area_below_threshold;  /* households whose area was too small to name */
    size_t pooled_categories[VAR_COUNT], pooled_persons[VAR_COUNT];
    size_t fully_suppressed;      /* persons with every quasi-identifier blank */
    size_t rounds;
    long l_reached[SENSITIVE_COUNT];      /* the least l over groups holding the sensitive value */
    size_t homogeneous[SENSITIVE_COUNT];  /* groups where everyone shares one value (all "no" included) */
    size_t sensitive_suppressed[SENSITIVE_COUNT]; /* values blanked because no recode could hide them */
    uint64_t seed_used;
    size_t households_without_persons;    /* left out of the release */
    /* households as quasi-identifiers (household_risk.c) */
    size_t households_at_risk_recoded;    /* with a member in a group under k, after the recodes */
    size_t households_at_risk_final;
    size_t unique_households_protected;   /* unique on the household key once persons are protected */
    size_t unique_households_final;       /* in the release: 0 in the public profile */
    size_t household_blanks[3];           /* HOUSEHOLD_BLANK_*: values blanked so no household is unique */
    size_t donor_households;
    size_t households_of_unique_size;     /* the only one of their size: left out */
    size_t protection_runs;               /* protect() and the remedies, until none changes anything */
    size_t derivable_first, derivable_final;  /* persons with a derivable blank: after the first protection, released */
} disclosure;

enum { HOUSEHOLD_BLANK_AREA, HOUSEHOLD_BLANK_AGE, HOUSEHOLD_BLANK_SEX };

/* The recodes, in this order: areas below the population threshold blanked, age
 * banded or top-coded, household size top-coded, rare categories pooled. */
void apply_recodes(microdata *m, const params *p, disclosure *d);

/* Persons in groups of fewer than k (household size counted exactly). */
size_t count_at_risk(const microdata *m, long k);

/* Households with a member in a group smaller than k (sdcMicro's household
 * risk). */
size_t count_households_at_risk(const microdata *m, long k);
/* Households whose household key (area, size, members' age and sex; see
 * household_risk.c) no other household shares. */
size_t count_unique_households(const microdata *m);
/* Blanks until no household is unique (leaving out a household that is the only
 * one of its size); *blanks says how many values it blanked and households it
 * left out. */
void remedy_unique_households(microdata *m, rng *r, disclosure *d, size_t *blanks);

/* derive.c: the recoded values, remembered before protection blanks any. */
void derive_remember(microdata *m);
/* Persons with a blank the rest of their household or the release fills in. */
size_t count_derivable_blanks(microdata *m, const disclosure *d);
/* The same, each remedied (put back and locked, or one more value blanked);
 * the number of values it changed (0: none). */
size_t remedy_derivable_blanks(microdata *m, const disclosure *d);

/* The suppression order of the quasi-identifiers not named by --opt
 * suppress-order, chosen once the recodes are made: the most categories first
 * (sdcMicro's default importance), ties in DEFAULT_ORDER. */
void order_by_categories(const microdata *m, params *p);

/* Local suppression to k-anonymity, then l-diversity; 0, or -1 with `why` when
 * it cannot be reached. */
int protect(microdata *m, const params *p, rng *r, disclosure *d, char *why, size_t why_len);

#endif
