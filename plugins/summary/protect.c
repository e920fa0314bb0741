/* protect.c — see protect.h. The relations (relations.h) are built once;
 * suppression sweeps them until no relation has a single withheld cell (cheap,
 * and it settles most cases), then the audit (audit.h) solves the whole system
 * and withholds more where a cell is still too narrowly bounded. */
#include "protect.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "relations.h"

/* One sweep: a relation with exactly one withheld cell gets a second. */
static long sweep(cube *c, const relations *r)
{
    long added = 0;
    for (size_t at = 0; at < r->n; at = relation_next(r, at)) {
        long n = (long)relation_parts(r, at);
        const uint32_t *members = relation_cells(r, at); /* total, then n parts */
        int hidden = 0;
        for (long m = 0; m <= n && hidden < 2; m++)
            hidden += cell_withheld(&c->cells[members[m]]);
        if (hidden != 1)
            continue;
        long best = -1;
        for (long m = 1; m <= n; m++) {
            cell *x = &c->cells[members[m]];
            if (!cell_withheld(x) && x->value > 0 && (best < 0 || x->value < c->cells[best].value))
                best = (long)members[m];
        }
        if (best < 0 && !cell_withheld(&c->cells[members[0]]) && c->cells[members[0]].value > 0)
            best = (long)members[0];
        if (best >= 0) {
            c->cells[best].status = 'D';
            added++;
        }
    }
    return added;
}

int protect_suppress(cube *c, long min_count, long percent, protect_stats *st, char *why, size_t why_len)
{
    memset(st, 0, sizeof *st);
    for (size_t i = 0; i < c->n_cells; i++)
        if (c->cells[i].value >= 1 && c->cells[i].value < min_count) {
            c->cells[i].status = 'A';
            st->primary++;
        }
    relations r;
    relations_build(&r, c);
    for (long added = 1; added;) {
        added = sweep(c, &r);
        st->secondary += added;
        st->rounds++;
    }
    int rc = audit_release(c, &r, min_count, percent, &st->audit, why, why_len);
    st->secondary += st->audit.added;
    relations_free(&r);
    return rc;
}

void protect_round(cube *c, long base)
{
    for (size_t i = 0; i < c->n_cells; i++) {
        cell *x = &c->cells[i];
        x->value = (x->value + base / 2) / base * base;
        x->status = 'R';
    }
}
