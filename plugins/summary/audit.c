/* audit.c — see audit.h. Each round: every withheld cell becomes a variable
 * (bounded below by 1: a zero is never withheld, and the documentation says so),
 * every relation holding one becomes an equality over them, the variables are
 * split into connected groups by union-find, and each group is one GLPK problem
 * whose objective is switched from cell to cell (minimise, then maximise),
 * re-using the last basis, so most solves take a few pivots. */
#include "audit.h"

#include <glpk.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* For each cell, the relations it takes part in (offsets into relations.items). */
typedef struct membership {
    size_t *first;   /* n_cells + 1 */
    size_t *at;
} membership;

static void membership_build(membership *m, const cube *c, const relations *r)
{
    m->first = summary_calloc(c->n_cells + 1, sizeof *m->first);
    size_t total = 0;
    for (size_t at = 0; at < r->n; at = relation_next(r, at))
        for (size_t k = 0; k <= relation_parts(r, at); k++) {
            m->first[relation_cells(r, at)[k] + 1]++;
            total++;
        }
    for (size_t i = 0; i < c->n_cells; i++)
        m->first[i + 1] += m->first[i];
    m->at = summary_calloc(total, sizeof *m->at);
    size_t *fill = summary_calloc(c->n_cells, sizeof *fill);
    for (size_t at = 0; at < r->n; at = relation_next(r, at))
        for (size_t k = 0; k <= relation_parts(r, at); k++) {
            uint32_t at_cell = relation_cells(r, at)[k];
            m->at[m->first[at_cell] + fill[at_cell]++] = at;
        }
    free(fill);
}

static void membership_free(membership *m)
{
    free(m->first);
    free(m->at);
}

typedef struct audit_run {
    cube *c;
    const relations *r;
    membership in;
    long min_count, percent;
    long *var_of;             /* per cell: its variable this round, or -1 */
    uint32_t *cell_of;        /* per variable: its cell */
    size_t n_vars;
    unsigned char *proven;    /* per cell: its interval was wide enough */
    unsigned char *level_of;  /* per cell: its area's level (enum level) */
    long *parent;             /* union-find over variables */
    audit_stats *st;
} audit_run;

static long find(long *parent, long v)
{
    while (parent[v] != v)
        v = parent[v] = parent[parent[v]];
    return v;
}

/* The width a withheld cell's feasible interval must have: a small count (A)
 * its protection interval; a count withheld only to protect others (D) is not
 * sensitive itself and must only not be recoverable exactly. */
static long required_width(const audit_run *a, const cell *x)
{
    if (x->status != 'A')
        return 1;
    long share = (x->value * a->percent + 99) / 100;
    return share > a->min_count ? share : a->min_count;
}

/* Where a cell is, in words without any value: "population age=65-69 sex=_T of building 5101...". */
static void describe(const cube *c, size_t cell_index, char *buf, size_t n)
{
    for (size_t i = 0; i < c->n_areas; i++)
        for (int t = 0; t < T_COUNT; t++) {
            const area *a = &c->areas[i];
            size_t rows = table_rows(c, (enum table_id)t), cols = table_cols(c, (enum table_id)t);
            long first = a->first_cell[t];
            if ((long)cell_index < first || (long)cell_index >= first + (long)(rows * cols))
                continue;
            size_t k = cell_index - (size_t)first;
            const table_def *d = &c->tables[t];
            snprintf(buf, n, "table %s, %s=%s%s%s%s%s, %s %s", d->id, d->rows->id, row_code(c, (enum table_id)t, k / cols),
                     d->cols ? ", " : "", d->cols ? d->cols->id : "",
                     d->cols ? "=" : "", d->cols ? col_code(c, (enum table_id)t, k % cols) : "", level_ids[a->level], a->code);
            return;
        }
    snprintf(buf, n, "cell %zu", cell_index);
}

/* The first withheld cell of a relation, as a variable; -1 when none is withheld. */
static long first_variable(const audit_run *a, size_t at)
{
    for (size_t k = 0; k <= relation_parts(a->r, at); k++)
        if (a->var_of[relation_cells(a->r, at)[k]] >= 0)
            return a->var_of[relation_cells(a->r, at)[k]];
    return -1;
}

/* Variables for this round's withheld cells, and their connected groups. */
static void make_variables(audit_run *a)
{
    cube *c = a->c;
    a->n_vars = 0;
    for (size_t i = 0; i < c->n_cells; i++) {
        a->var_of[i] = -1;
        if (cell_withheld(&c->cells[i])) {
            a->var_of[i] = (long)a->n_vars;
            a->cell_of[a->n_vars++] = (uint32_t)i;
        }
    }
    for (size_t v = 0; v < a->n_vars; v++)
        a->parent[v] = (long)v;
    for (size_t at = 0; at < a->r->n; at = relation_next(a->r, at)) {
        long first = first_variable(a, at);
        for (size_t k = 0; first >= 0 && k <= relation_parts(a->r, at); k++) {
            long v = a->var_of[relation_cells(a->r, at)[k]];
            if (v >= 0)
                a->parent[find(a->parent, v)] = find(a->parent, first);
        }
    }
    a->st->cells = (long)a->n_vars;
}

/* This round's groups: variables and relations bucketed by their group. */
typedef struct grouping {
    size_t *var_first, *vars;    /* per group g: vars[var_first[g] .. var_first[g + 1]) */
    size_t *row_first, *rows;    /* per group g: relation offsets */
    size_t n_groups;
} grouping;

static void group(audit_run *a, grouping *g, long *group_of_root)
{
    const relations *r = a->r;
    g->n_groups = 0;
    for (size_t v = 0; v < a->n_vars; v++)
        group_of_root[v] = -1;
    for (size_t v = 0; v < a->n_vars; v++) {
        long root = find(a->parent, (long)v);
        if (group_of_root[root] < 0)
            group_of_root[root] = (long)g->n_groups++;
    }
    memset(g->var_first, 0, (g->n_groups + 1) * sizeof *g->var_first);
    memset(g->row_first, 0, (g->n_groups + 1) * sizeof *g->row_first);
    for (size_t v = 0; v < a->n_vars; v++)
        g->var_first[group_of_root[find(a->parent, (long)v)] + 1]++;
    size_t n_rows = 0;
    for (size_t at = 0; at < r->n; at = relation_next(r, at)) {
        long v = first_variable(a, at);
        if (v >= 0) {
            g->row_first[group_of_root[find(a->parent, v)] + 1]++;
            n_rows++;
        }
    }
    for (size_t i = 0; i < g->n_groups; i++) {
        g->var_first[i + 1] += g->var_first[i];
        g->row_first[i + 1] += g->row_first[i];
    }
    size_t *vfill = summary_calloc(g->n_groups, sizeof *vfill), *rfill = summary_calloc(g->n_groups, sizeof *rfill);
    for (size_t v = 0; v < a->n_vars; v++) {
        size_t k = (size_t)group_of_root[find(a->parent, (long)v)];
        g->vars[g->var_first[k] + vfill[k]++] = v;
    }
    for (size_t at = 0; at < r->n; at = relation_next(r, at)) {
        long v = first_variable(a, at);
        if (v < 0)
            continue;
        size_t k = (size_t)group_of_root[find(a->parent, v)];
        g->rows[g->row_first[k] + rfill[k]++] = at;
    }
    a->st->relations = (long)n_rows;
    free(vfill);
    free(rfill);
}

/* One group as a GLPK problem: columns are its variables (numbered 1.. in the
 * order of `vars`, which `local` records), rows its relations. */
static glp_prob *group_problem(audit_run *a, const grouping *g, size_t k, long *local)
{
    const relations *r = a->r;
    const cube *c = a->c;
    size_t n_local = g->var_first[k + 1] - g->var_first[k];
    glp_prob *lp = glp_create_prob();
    glp_add_cols(lp, (int)n_local);
    for (size_t j = 0; j < n_local; j++) {
        local[g->vars[g->var_first[k] + j]] = (long)j + 1;
        glp_set_col_bnds(lp, (int)j + 1, GLP_LO, 1.0, 0.0);
    }
    size_t ne = 0;
    for (size_t i = g->row_first[k]; i < g->row_first[k + 1]; i++)
        ne += relation_parts(r, g->rows[i]) + 1;
    int *ia = summary_calloc(ne + 1, sizeof *ia), *ja = summary_calloc(ne + 1, sizeof *ja);
    double *ar = summary_calloc(ne + 1, sizeof *ar);
    size_t n_rows = g->row_first[k + 1] - g->row_first[k];
    if (n_rows)
        glp_add_rows(lp, (int)n_rows);
    ne = 0;
    for (size_t i = g->row_first[k]; i < g->row_first[k + 1]; i++) {
        size_t at = g->rows[i];
        const uint32_t *cells = relation_cells(r, at);
        int row = (int)(i - g->row_first[k]) + 1;
        /* total = sum(parts): sum(withheld parts) - withheld total = published total - published parts */
        double rhs = 0;
        for (size_t m = 0; m <= relation_parts(r, at); m++) {
            double sign = m == 0 ? -1.0 : 1.0;
            long v = a->var_of[cells[m]];
            if (v < 0) {
                rhs -= sign * (double)c->cells[cells[m]].value;
                continue;
            }
            ne++;
            ia[ne] = row;
            ja[ne] = (int)local[v];
            ar[ne] = sign;
        }
        glp_set_row_bnds(lp, row, GLP_FX, rhs, rhs);
    }
    glp_load_matrix(lp, (int)ne, ia, ja, ar);
    free(ia);
    free(ja);
    free(ar);
    return lp;
}

/* The feasible points seen so far in a group: every solution the simplex returns
 * satisfies all the relations, so a cell whose values across them already span
 * its required width is proven without solving for it. The true counts are the
 * first such point. */
typedef struct span {
    double *lo, *hi;   /* per column, 1-based */
} span;

static void span_add_point(span *sp, glp_prob *lp)
{
    if (glp_get_prim_stat(lp) != GLP_FEAS)
        return;
    for (int j = 1, n = glp_get_num_cols(lp); j <= n; j++) {
        double x = glp_get_col_prim(lp, j);
        sp->lo[j] = x < sp->lo[j] ? x : sp->lo[j];
        sp->hi[j] = x > sp->hi[j] ? x : sp->hi[j];
    }
}

/* The width of the integers in [lo, hi]; -1 when unbounded. */
static long integer_width(double lo, double hi)
{
    return isinf(hi) ? -1 : (long)floor(hi + 1e-6) - (long)ceil(lo - 1e-6);
}

/* The optimum of column j in direction dir; HUGE_VAL when unbounded, NAN when
 * the solver fails (then the cell counts as failing). */
static double bound(audit_run *a, glp_prob *lp, span *sp, int j, int dir)
{
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    glp_set_obj_dir(lp, dir);
    glp_set_obj_coef(lp, j, 1.0);
    int rc = glp_simplex(lp, &parm);
    if (rc != 0) { /* a singular basis after many changes: start again from the standard one */
        glp_std_basis(lp);
        rc = glp_simplex(lp, &parm);
    }
    a->st->solves++;
    int status = glp_get_status(lp);
    double v = status == GLP_UNBND ? (dir == GLP_MAX ? HUGE_VAL : -HUGE_VAL) : glp_get_obj_val(lp);
    glp_set_obj_coef(lp, j, 0.0);
    if (rc != 0 || (status != GLP_OPT && status != GLP_UNBND))
        return NAN;
    span_add_point(sp, lp);
    return v;
}

/* Proves every unproven variable of group k, or appends it to the failing cells. */
static void audit_group(audit_run *a, const grouping *g, size_t k, long *local, uint32_t *failing,
                        size_t *n_failing)
{
    size_t unproven = 0;
    for (size_t i = g->var_first[k]; i < g->var_first[k + 1]; i++)
        unproven += !a->proven[a->cell_of[g->vars[i]]];
    if (!unproven)
        return;
    glp_prob *lp = group_problem(a, g, k, local);
    int has_rows = glp_get_num_rows(lp) > 0;
    size_t n_local = g->var_first[k + 1] - g->var_first[k];
    span sp = { summary_calloc(n_local + 1, sizeof(double)), summary_calloc(n_local + 1, sizeof(double)) };
    for (size_t i = g->var_first[k]; i < g->var_first[k + 1]; i++) {
        size_t v = g->vars[i];
        sp.lo[local[v]] = sp.hi[local[v]] = (double)a->c->cells[a->cell_of[v]].value;
    }
    for (size_t i = g->var_first[k]; i < g->var_first[k + 1]; i++) {
        size_t v = g->vars[i];
        uint32_t at = a->cell_of[v];
        if (a->proven[at])
            continue;
        int j = (int)local[v];
        long need = required_width(a, &a->c->cells[at]);
        int ok = !has_rows || integer_width(sp.lo[j], sp.hi[j]) >= need;
        if (!ok) {
            double hi = bound(a, lp, &sp, j, GLP_MAX);
            ok = !isnan(hi) && (isinf(hi) || integer_width(sp.lo[j], hi) >= need);
            if (!ok && !isnan(hi)) {
                double lo = bound(a, lp, &sp, j, GLP_MIN);
                ok = !isnan(lo) && integer_width(lo, hi) >= need;
            }
        }
        if (ok)
            a->proven[at] = 1;
        else
            failing[(*n_failing)++] = at;
    }
    free(sp.lo);
    free(sp.hi);
    glp_delete_prob(lp);
}

/* The cell to withhold so that `of` gains freedom. Candidates are the published
 * non-zero counts connected to it through at most NEIGHBOUR_HOPS relations; the
 * best is the one of the most detailed area level (withholding a building's count
 * rather than its grid's keeps the larger areas' tables whole), then the nearest,
 * then the smallest. -1 when there is none. `seen` and `queue` hold a mark and a
 * slot per cell; `seen` is all zero again on return. */
enum { NEIGHBOUR_HOPS = 3 };

static long neighbour(const audit_run *a, uint32_t of, unsigned char *seen, uint32_t *queue)
{
    const cube *c = a->c;
    long best = -1;
    int best_level = -1, best_hop = 0;
    size_t head = 0, tail = 0;
    queue[tail++] = of;
    seen[of] = 1;
    for (int hop = 1; hop <= NEIGHBOUR_HOPS && head < tail; hop++) {
        size_t hop_end = tail;
        for (; head < hop_end; head++) {
            uint32_t from = queue[head];
            for (size_t i = a->in.first[from]; i < a->in.first[from + 1]; i++) {
                size_t at = a->in.at[i];
                for (size_t k = 0; k <= relation_parts(a->r, at); k++) {
                    uint32_t m = relation_cells(a->r, at)[k];
                    if (seen[m])
                        continue;
                    seen[m] = 1;
                    queue[tail++] = m;
                    const cell *x = &c->cells[m];
                    if (cell_withheld(x) || x->value <= 0)
                        continue;
                    int level = (int)a->level_of[m];
                    if (best < 0 || level > best_level ||
                        (level == best_level && hop == best_hop && x->value < c->cells[best].value)) {
                        best = (long)m;
                        best_level = level;
                        best_hop = hop;
                    }
                }
            }
        }
    }
    for (size_t i = 0; i < tail; i++)
        seen[queue[i]] = 0;
    return best;
}

int audit_release(cube *c, const relations *r, long min_count, long percent, audit_stats *st, char *why,
                  size_t why_len)
{
    memset(st, 0, sizeof *st);
    audit_run a = { c, r, { NULL, NULL }, min_count, percent, NULL, NULL, 0, NULL, NULL, NULL, st };
    a.level_of = summary_calloc(c->n_cells, 1);
    for (size_t i = 0; i < c->n_areas; i++)
        for (int t = 0; t < T_COUNT; t++) {
            size_t n = table_rows(c, (enum table_id)t) * table_cols(c, (enum table_id)t);
            memset(a.level_of + c->areas[i].first_cell[t], (int)c->areas[i].level, n);
        }
    membership_build(&a.in, c, r);
    a.var_of = summary_calloc(c->n_cells, sizeof *a.var_of);
    a.cell_of = summary_calloc(c->n_cells, sizeof *a.cell_of);
    a.proven = summary_calloc(c->n_cells, 1);
    a.parent = summary_calloc(c->n_cells, sizeof *a.parent);
    long *local = summary_calloc(c->n_cells, sizeof *local);
    uint32_t *failing = summary_calloc(c->n_cells, sizeof *failing);
    long *group_of_root = summary_calloc(c->n_cells, sizeof *group_of_root);
    unsigned char *seen = summary_calloc(c->n_cells, 1);
    uint32_t *queue = summary_calloc(c->n_cells, sizeof *queue);
    size_t n_rows = 0;
    for (size_t at = 0; at < r->n; at = relation_next(r, at))
        n_rows++;
    grouping g = { summary_calloc(c->n_cells + 1, sizeof(size_t)), summary_calloc(c->n_cells, sizeof(size_t)),
                   summary_calloc(c->n_cells + 1, sizeof(size_t)), summary_calloc(n_rows, sizeof(size_t)), 0 };
    glp_term_out(GLP_OFF);
    int rc = 0;
    for (;;) {
        st->rounds++;
        make_variables(&a);
        group(&a, &g, group_of_root);
        size_t n_failing = 0;
        for (size_t k = 0; k < g.n_groups; k++)
            audit_group(&a, &g, k, local, failing, &n_failing);
        if (!n_failing)
            break;
        /* A cell with nothing left to withhold near it may still gain from what the
         * others of this round withhold: it fails only when a round adds nothing. */
        long added = 0, stuck = -1;
        for (size_t i = 0; i < n_failing; i++) {
            long extra = neighbour(&a, failing[i], seen, queue);
            if (extra < 0)
                stuck = stuck < 0 ? (long)failing[i] : stuck;
            else if (!cell_withheld(&c->cells[extra])) {
                c->cells[extra].status = 'D';
                added++;
            }
        }
        st->added += added;
        if (!added) {
            char where[256];
            describe(c, (size_t)stuck, where, sizeof where);
            snprintf(why, why_len,
                     "a withheld count (%s) could be recovered from the published ones and no other count can be "
                     "withheld to protect it; publish fewer levels (--opt levels) or use --opt protect=round",
                     where);
            rc = -1;
            break;
        }
    }
    free(g.var_first);
    free(g.vars);
    free(g.row_first);
    free(g.rows);
    free(group_of_root);
    free(seen);
    free(queue);
    free(failing);
    free(local);
    free(a.parent);
    free(a.proven);
    free(a.level_of);
    free(a.cell_of);
    free(a.var_of);
    membership_free(&a.in);
    glp_free_env();
    return rc;
}
