/* household_blank.h — which value to blank, one step at a time, so that a
 * household unique on its household key (household_risk.c) stops being unique:
 * a member's age or sex whose blank gives it the key of another household where
 * there is one. A table of household-key hashes, kept up to date as values are
 * blanked, finds it; the hashes only guide the choice — household_risk.c
 * compares whole keys to decide which households are unique. */
#ifndef ANONYMISE_HOUSEHOLD_BLANK_H
#define ANONYMISE_HOUSEHOLD_BLANK_H

#include "groups.h"
#include "method.h"

typedef struct household_blanker {
    microdata *m;
    disclosure *d;
    hash_counts households;    /* 1 + households per household-key hash */
    uint64_t *household_hash;  /* per household: the hash of its household key */
    size_t *age_count;         /* persons per age category (the rarest age goes first) */
    size_t room;               /* new keys the table has room for before it is built again */
} household_blanker;

/* Builds the table for the microdata as it is now. */
void household_blanker_init(household_blanker *b, microdata *m, disclosure *d);
void household_blanker_free(household_blanker *b);

/* Whether another household has h's key now (by hash): a household unique at
 * the start of a round may have been joined by another one's blank since. */
int household_blanker_shared(household_blanker *b, size_t h);

/* One blank for household h: a member's age or sex (age first, the rarest age
 * first) whose blank gives h the key of another household, where one does;
 * else its area, else one member's age (the rarest), else one member's sex (the
 * area last where only one area is named). 0 when nothing is left to blank. */
int household_blank_step(household_blanker *b, size_t h);

#endif
