/* write_ddi.c — codebook.xml, a DDI Codebook 2.5 description of the release: the
 * study (title, producer, date, access), the anonymisation as the study's method,
 * one fileDscr per data file and one var per variable with its label, range or
 * categories (code, label, persons), and what was done to it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "release.h"

/* <tag>text</tag>, escaped */
static int element(const release *r, const char *indent, const char *tag, const char *text)
{
    return r->api->writef(r->ctx, "%s<%s>", indent, tag) || r->api->xml_text(r->ctx, text) ||
           r->api->writef(r->ctx, "</%s>\n", tag);
}

static int write_study(const release *r)
{
    const hhreg_host_api *a = r->api;
    char title[256], method[1024];
    snprintf(title, sizeof title, release_in_chinese(r) ? "住户登记微观数据（匿名化，%s）" : "Household register microdata, anonymised (%s)",
             r->p->profile);
    snprintf(method, sizeof method,
             "Direct identifiers removed (names, ID numbers, phones, addresses below the %s, free text, exact dates, "
             "enumerator and database ids); household ids %s; records shuffled; age %s (top %ld); household size "
             "top-coded at %ld; categories with fewer than %ld persons %s; areas under %ld persons not named; local "
             "suppression until every combination of quasi-identifiers (household size recounted) is shared by at "
             "least %ld persons; l-diversity %ld for disability and low income. See disclosure-report.json.",
             area_levels[r->p->area_level], r->p->key_len ? "keyed (HMAC-SHA-256)" : "new and random",
             r->p->age_bands ? "in five-year bands" : "in single years", r->p->age_top, r->p->hh_size_top, r->p->k,
             r->p->pool ? "pooled into \"other\"" : "kept", r->p->min_area_population, r->p->k, r->p->l);
    if (a->write_text(r->ctx, "  <stdyDscr>\n    <citation>\n      <titlStmt>\n") ||
        element(r, "        ", "titl", title) ||
        a->write_text(r->ctx, "      </titlStmt>\n      <prodStmt>\n") ||
        a->writef(r->ctx, "        <producer>hhreg anonymise %s</producer>\n", r->plugin_version) ||
        a->writef(r->ctx, "        <prodDate date=\"%s\">%s</prodDate>\n", r->date, r->date) ||
        a->write_text(r->ctx, "      </prodStmt>\n    </citation>\n    <stdyInfo>\n      <sumDscr>\n") ||
        a->writef(r->ctx, "        <anlyUnit>%s</anlyUnit>\n", release_in_chinese(r) ? "住户和个人" : "households and persons") ||
        a->write_text(r->ctx, "      </sumDscr>\n    </stdyInfo>\n    <method>\n      <dataColl>\n") ||
        element(r, "        ", "cleanOps", method) ||
        a->write_text(r->ctx, "      </dataColl>\n    </method>\n    <dataAccs>\n      <useStmt>\n") ||
        element(r, "        ", "restrctn",
                strcmp(r->p->profile, "public") == 0
                    ? "Public use file. Do not try to identify any person or household."
                    : "Licensed file: for the named researchers and purposes of the licence only; do not try to "
                      "identify any person or household, or link the file to other data.") ||
        a->write_text(r->ctx, "      </useStmt>\n    </dataAccs>\n  </stdyDscr>\n"))
        return -1;
    return 0;
}

static size_t file_columns(int file)
{
    size_t n = file == FILE_PERSONS ? 2 : 1;
    for (int v = 0; v < VAR_COUNT; v++)
        n += (size_t)file_has(file, v);
    return n;
}

static int write_files(const release *r)
{
    for (int f = FILE_PERSONS; f >= FILE_HOUSEHOLDS; f--)
        if (r->api->writef(r->ctx,
                           "  <fileDscr ID=\"F_%s\" URI=\"%s.csv\">\n    <fileTxt>\n      <fileName>%s.csv</fileName>\n"
                           "      <dimensns>\n        <caseQnty>%zu</caseQnty>\n        <varQnty>%zu</varQnty>\n"
                           "      </dimensns>\n      <fileType>text/csv; charset=UTF-8</fileType>\n"
                           "    </fileTxt>\n  </fileDscr>\n",
                           file_stems[f], file_stems[f], file_stems[f], file_rows(r, f), file_columns(f)))
            return -1;
    return 0;
}

static const char *treatment(const release *r, int v, char *buf, size_t len)
{
    const disclosure *d = r->d;
    const char *unit = variables[v].household ? "households" : "persons";
    int n = snprintf(buf, len, "%s.", variables[v].role == ROLE_QUASI       ? "Quasi-identifier"
                                      : variables[v].role == ROLE_SENSITIVE ? "Sensitive attribute (l-diversity)"
                                                                            : "Recounted from hh_id; never suppressed");
    if (v == V_AGE)
        n += snprintf(buf + n, len - (size_t)n, r->p->age_bands ? " Five-year bands, top band %ld+." :
                                                                  " Single years, top-coded at %ld (%ld and over).",
                      r->p->age_top, r->p->age_top);
    if (v == V_HH_SIZE)
        n += snprintf(buf + n, len - (size_t)n, " Top-coded at %ld (%ld and more persons).", r->p->hh_size_top,
                      r->p->hh_size_top);
    if (v == V_AREA)
        n += snprintf(buf + n, len - (size_t)n, " Released at %s level; blank in %zu households of areas under %ld "
                      "persons.", area_levels[r->p->area_level], d->area_below_threshold, r->p->min_area_population);
    if (d->pooled_categories[v])
        n += snprintf(buf + n, len - (size_t)n, " %zu categories with fewer than %ld persons (%zu persons) pooled "
                      "into \"other\".", d->pooled_categories[v], r->p->k, d->pooled_persons[v]);
    if (d->suppressed[v])
        snprintf(buf + n, len - (size_t)n, " Blanked by suppression in %zu %s.", d->suppressed[v], unit);
    return buf;
}

static int write_var(const release *r, int v, const size_t *persons)
{
    const hhreg_host_api *a = r->api;
    const categories *c = &r->m->cats[v];
    char note[1024];
    if (a->writef(r->ctx, "    <var ID=\"V_%s\" name=\"%s\" files=\"%s\" intrvl=\"%s\">\n", variables[v].name,
                  variables[v].name, variables[v].household ? "F_persons F_households" : "F_persons",
                  release_numeric(r, v) ? "contin" : "discrete") ||
        element(r, "      ", "labl", variable_label(r, v)))
        return -1;
    if (release_numeric(r, v) && c->n) {
        const char *lo = c->codes[r->cat_order[v][0]], *hi = c->codes[r->cat_order[v][c->n - 1]];
        if (a->writef(r->ctx, "      <valrng><range min=\"%s\" max=\"%s\"/></valrng>\n", lo, hi))
            return -1;
    }
    for (uint16_t i = 0; i < c->n; i++) {
        uint16_t cat = r->cat_order[v][i];
        if (a->write_text(r->ctx, "      <catgry>\n") || element(r, "        ", "catValu", c->codes[cat]) ||
            element(r, "        ", "labl", release_label(r, v, cat)) ||
            a->writef(r->ctx, "        <catStat type=\"freq\">%zu</catStat>\n      </catgry>\n", persons[cat]))
            return -1;
    }
    if (a->write_text(r->ctx, "      <catgry missing=\"Y\">\n        <catValu></catValu>\n") ||
        element(r, "        ", "labl", release_in_chinese(r) ? "空：不适用、未填或已抑制" : "blank: not applicable, not given or suppressed") ||
        a->writef(r->ctx, "        <catStat type=\"freq\">%zu</catStat>\n      </catgry>\n", persons[0]) ||
        a->writef(r->ctx, "      <varFormat type=\"%s\" schema=\"other\"/>\n",
                  release_numeric(r, v) ? "numeric" : "character") ||
        element(r, "      ", "notes", treatment(r, v, note, sizeof note)) || a->write_text(r->ctx, "    </var>\n"))
        return -1;
    return 0;
}

int write_ddi(const release *r)
{
    const hhreg_host_api *a = r->api;
    if (a->open_file(r->ctx, "codebook.xml") ||
        a->write_text(r->ctx, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                              "<codeBook xmlns=\"ddi:codebook:2_5\" version=\"2.5\">\n") ||
        write_study(r) || write_files(r) || a->write_text(r->ctx, "  <dataDscr>\n"))
        return -1;
    if (a->write_text(r->ctx, "    <var ID=\"V_hh_id\" name=\"hh_id\" files=\"F_persons F_households\" "
                              "intrvl=\"discrete\">\n") ||
        element(r, "      ", "labl", release_in_chinese(r) ? "发布的户编号" : "Released household id") ||
        a->write_text(r->ctx, "      <varFormat type=\"character\" schema=\"other\"/>\n") ||
        element(r, "      ", "notes", r->p->key_len ? "HMAC-SHA-256 of the household id under the custodian's key "
                                                      "(first 64 bits): the same in every release made with that key."
                                                    : "New for this release, in the shuffled record order: it links "
                                                      "persons to their household and to nothing else.") ||
        a->write_text(r->ctx, "    </var>\n    <var ID=\"V_person_no\" name=\"person_no\" files=\"F_persons\" "
                              "intrvl=\"discrete\">\n") ||
        element(r, "      ", "labl", release_in_chinese(r) ? "户内人员序号" : "Person number in the household") ||
        a->write_text(r->ctx, "      <varFormat type=\"numeric\" schema=\"other\"/>\n    </var>\n"))
        return -1;
    for (int v = 0; v < VAR_COUNT; v++) {
        size_t *persons = must_realloc(NULL, ((size_t)r->m->cats[v].n + 1) * sizeof *persons);
        memset(persons, 0, ((size_t)r->m->cats[v].n + 1) * sizeof *persons);
        for (size_t p = 0; p < r->m->n_persons; p++)
            persons[value_of(r->m, p, v)]++;
        int rc = write_var(r, v, persons);
        free(persons);
        if (rc)
            return -1;
    }
    return a->write_text(r->ctx, "  </dataDscr>\n</codeBook>\n");
}
