/* cube.h — the summary plugin's data: areas at each level, the tables each area
 * has, and the counts in them. Memory grows with the number of areas and
 * categories (cells), never with the number of persons: each household is counted
 * into its areas and forgotten.
 *
 * Every count is a cell of one flat array, so protection (protect.c) can see all
 * the linear relations between cells at once: a table's margins, a parent area as
 * the sum of its children, and the special groups as sums of other tables' cells. */
#ifndef SUMMARY_CUBE_H
#define SUMMARY_CUBE_H

#include <stddef.h>
#include <stdint.h>

#include "hhreg/plugin.h"
#include "record_key.h"

enum level { LEVEL_DISTRICT, LEVEL_STREET, LEVEL_COMMUNITY, LEVEL_GRID, LEVEL_BUILDING, LEVEL_COUNT };
extern const char *const level_ids[LEVEL_COUNT];
/* Rows of T_SPECIAL */
enum special { SG_60, SG_65, SG_80, SG_LIVING_ALONE, SG_EMPTY_NEST, SG_DISABILITY, SG_LOW_INCOME, SG_MIGRANTS,
               SG_FOREIGN, SG_COUNT };
/* The row of T_DISABILITY for persons not asked the Washington Group questions */
enum { DIFFICULTY_NOT_ASKED = 4 };
/* 1 if row r of T_SPECIAL counts households, 0 if persons */
int special_counts_households(size_t r);

/* The tables; each is rows x columns of counts, plus its margins where they add up. */
enum table_id {
    T_POPULATION,        /* persons: age group x sex */
    T_HOUSEHOLD_SIZE,    /* households: size 1..7, 8+ */
    T_HOUSEHOLD_TYPE,    /* households: type */
    T_DISABILITY,        /* persons: highest Washington Group difficulty */
    T_CERTIFICATE,       /* persons with a disability certificate: type */
    T_NATIONALITY,       /* foreign residents: nationality */
    T_SPECIAL,           /* special groups: counts, not additive across rows */
    T_COUNT
};

/* A dimension: a fixed list of categories, or one that grows as codes are seen. */
typedef struct dimension {
    const char *id;           /* "sex", "age", ... (the SDMX column is its upper case) */
    const char *code_list;    /* for labels from the form schema, or NULL */
    char **codes;
    size_t n;
} dimension;

typedef struct table_def {
    const char *id, *title_en, *title_zh, *unit_en, *unit_zh;
    dimension *rows, *cols;   /* cols NULL: one column */
    int margins;              /* 1: row, column and grand totals are cells too */
} table_def;

typedef struct cell {
    long value;
    uint64_t key;             /* with record keys: the sum of its units' keys (mod 2^64) */
    char status;              /* 'F' free, 'A' primary suppression, 'D' secondary, 'R' rounded,
                                 'P' perturbed */
} cell;

/* A withheld cell: its value is not published */
static inline int cell_withheld(const cell *x)
{
    return x->status == 'A' || x->status == 'D';
}

typedef struct area {
    enum level level;
    char *code, *name, *parent_code;
    long parent;              /* index of the nearest chosen ancestor, or -1 */
    long *counts[T_COUNT];    /* rows x cols while counting; grown with the dimensions */
    uint64_t *keys[T_COUNT];  /* the same cells' record-key sums, with record keys */
    size_t sizes[T_COUNT];
    long first_cell[T_COUNT]; /* where the table's cells start in cube.cells */
} area;

typedef struct cube {
    int chosen[LEVEL_COUNT];
    const char *lang;
    const record_keys *record_keys;  /* NULL, or the cell-key method's (cube_add sums them) */
    table_def tables[T_COUNT];
    dimension dims[16];
    size_t n_dims;
    area *areas;
    size_t n_areas, cap_areas;
    /* a hash of "level|code" -> area index + 1 (0: free slot) */
    long *slots;
    size_t n_slots;
    int frozen;
    /* after cube_freeze */
    cell *cells;
    size_t n_cells;
} cube;

/* calloc for the plugin's working memory: aborts with a message when memory runs
 * out (a table cannot be made without it). */
void *summary_calloc(size_t n, size_t size);

void cube_init(cube *c, const int chosen[LEVEL_COUNT], const char *lang);
void cube_free(cube *c);
/* Counts one household into every chosen area it belongs to. */
void cube_add(cube *c, const hhreg_household *h);
/* Sorts the areas (level, then code), links parents and lays out the cells with
 * their margins; after this only cells change. */
void cube_freeze(cube *c);

/* Cells of a frozen table: rows and cols include the margin ("_T") last when the
 * table has margins. */
size_t table_rows(const cube *c, enum table_id t);
size_t table_cols(const cube *c, enum table_id t);
cell *table_cell(const cube *c, const area *a, enum table_id t, size_t row, size_t col);
/* The code of row r / column k ("_T" for a margin, "_Z" for no column). */
const char *row_code(const cube *c, enum table_id t, size_t r);
const char *col_code(const cube *c, enum table_id t, size_t k);

#endif
