/* html.c — the HTML report: one self-contained page (no JavaScript, no network,
 * CSS inline) with a section per area — key figures, a population pyramid, the
 * household sizes and the special groups, and for an area with buildings below it
 * the special groups per building — drawn as inline SVG and laid out for A4. Every
 * bar carries its value (data-value) and the chart its scale (data-scale), so a
 * test can check the drawing against the table. Withheld values are not drawn. */
#include <stdio.h>
#include <string.h>

#include "render.h"

typedef struct words {
    const char *persons, *households, *pyramid, *male, *female, *sizes, *special, *per_building,
        *key, *protection_none, *protection_suppress[2], *protection_round[2], *title, *group_names[SG_COUNT],
        *indicator_names[5], *levels[LEVEL_COUNT]; /* protection_*: the text before and after the number */
} words;

static const words words_en = {
    "persons", "households", "Population pyramid", "male", "female", "Households by size", "Special groups",
    "Special groups by building", "Key figures", "Unprotected counts, for internal use.",
    { "Counts below ", " are withheld (marked ×), with further cells withheld where they could be recovered." },
    { "Counts are rounded to a multiple of ", "." }, "Household registration summary",
    { "aged 60+", "aged 65+", "aged 80+", "elderly living alone", "empty-nest households", "persons with disability",
      "low-income households", "migrants", "foreign residents" },
    { "sex ratio (males per 100 females)", "mean household size", "young dependency ratio", "old dependency ratio",
      "total dependency ratio" },
    { "District", "Street", "Community", "Grid", "Building" },
};

static const words words_zh = {
    "人", "户", "人口金字塔", "男", "女", "按户规模分的户数", "重点人群", "各楼栋重点人群", "主要指标",
    "未加保护的计数，仅供内部使用。", { "小于 ", " 的计数不公布（标×），可由其他单元推算的单元一并不公布。" },
    { "计数舍入到 ", " 的倍数。" }, "户籍登记汇总",
    { "60岁及以上", "65岁及以上", "80岁及以上", "独居老人", "空巢家庭", "残疾人", "低保户", "流动人口", "境外人员" },
    { "性别比（每百名女性对应男性数）", "平均户规模", "少儿抚养比", "老年抚养比", "总抚养比" },
    { "区", "街道", "社区", "网格", "楼栋" },
};

typedef struct page {
    const writer *w;
    const words *t;
    int rc;
} page;

static void put(page *p, const char *s)
{
    p->rc |= p->w->api->write_text(p->w->ctx, s);
}

static void text(page *p, const char *s)
{
    p->rc |= p->w->api->xml_text(p->w->ctx, s);
}

static void value_text(page *p, const cell *x)
{
    if (cell_withheld(x))
        put(p, "×");
    else
        p->rc |= p->w->api->writef(p->w->ctx, "%ld", x->value);
}

/* --- key figures and special groups ---------------------------------------------- */

typedef struct figures {
    page *p;
    const char *table;
} figures;

static void figure_row(const out_cell *o, void *arg)
{
    figures *f = arg;
    page *p = f->p;
    if (strcmp(o->table, f->table) != 0)
        return;
    const char *name = o->dim_codes[0];
    size_t i;
    if (strcmp(f->table, "indicators") == 0) {
        static const char *const ids[] = { "sex-ratio", "mean-household-size", "young-dependency-ratio",
                                           "old-dependency-ratio", "total-dependency-ratio" };
        for (i = 0; i < 5 && strcmp(ids[i], name) != 0; i++)
            ;
        name = i < 5 ? p->t->indicator_names[i] : name;
    } else {
        if (strcmp(o->dim_codes[1], "count") != 0)
            return; /* the rate is written with its count */
        for (i = 0; i < SG_COUNT && strcmp(row_code(p->w->c, T_SPECIAL, i), name) != 0; i++)
            ;
        name = i < SG_COUNT ? p->t->group_names[i] : name;
    }
    char value[64];
    format_value(o, value, sizeof value);
    put(p, "<tr><th>");
    text(p, name);
    put(p, "</th><td>");
    put(p, value[0] ? value : "×");
    put(p, "</td></tr>\n");
}

static void figure_table(page *p, const area *a, const char *table, const char *caption)
{
    put(p, "<table class=\"figures\"><caption>");
    text(p, caption);
    put(p, "</caption>\n");
    figures f = { p, table };
    each_cell(p->w->c, a, figure_row, &f);
    put(p, "</table>\n");
}

/* --- charts ---------------------------------------------------------------------- */

static long largest(const cube *c, const area *a, enum table_id t, size_t cols)
{
    long top = 1;
    for (size_t r = 0; r + 1 < table_rows(c, t); r++)
        for (size_t k = 0; k < cols; k++) {
            const cell *x = table_cell(c, a, t, r, k);
            if (!cell_withheld(x) && x->value > top)
                top = x->value;
        }
    return top;
}

static void bar(page *p, const char *cls, const char *data, const cell *x, double scale, double x0, double y,
                double h, int leftwards)
{
    if (cell_withheld(x)) {
        p->rc |= p->w->api->writef(p->w->ctx,
                                   "<text x=\"%.1f\" y=\"%.1f\" class=\"withheld\" %s data-status=\"%c\">×</text>\n",
                                   leftwards ? x0 - 10 : x0 + 2, y + h - 2, data, shown_status(p->w, x->status));
        return;
    }
    double width = (double)x->value * scale;
    p->rc |= p->w->api->writef(p->w->ctx,
                               "<rect class=\"%s\" %s data-value=\"%ld\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" "
                               "height=\"%.1f\"/>\n",
                               cls, data, x->value, leftwards ? x0 - width : x0, y, width, h);
}

static void pyramid(page *p, const area *a)
{
    const cube *c = p->w->c;
    const double half = 220, row = 14, top = 24;
    size_t groups = table_rows(c, T_POPULATION) - 1;
    double scale = half / (double)largest(c, a, T_POPULATION, 2);
    double mid = half + 40, height = top + row * (double)groups + 10;
    p->rc |= p->w->api->writef(p->w->ctx,
                               "<figure><figcaption>%s</figcaption>\n<svg class=\"pyramid\" xmlns=\"http://www.w3.org/2000/svg\" "
                               "width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" data-scale=\"%.6f\">\n"
                               "<text x=\"%.0f\" y=\"14\" text-anchor=\"end\">%s</text><text x=\"%.0f\" y=\"14\">%s</text>\n",
                               p->t->pyramid, 2 * mid, height, 2 * mid, height, scale, mid - 24, p->t->male, mid + 24,
                               p->t->female);
    for (size_t r = 0; r < groups; r++) {
        size_t g = groups - 1 - r; /* the oldest at the top */
        double y = top + row * (double)r;
        const char *age = row_code(c, T_POPULATION, g);
        char data[64];
        p->rc |= p->w->api->writef(p->w->ctx, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"middle\" class=\"age\">%s</text>\n",
                                   mid, y + row - 3, age);
        snprintf(data, sizeof data, "data-age=\"%s\" data-sex=\"male\"", age);
        bar(p, "male", data, table_cell(c, a, T_POPULATION, g, 0), scale, mid - 20, y + 1, row - 2, 1);
        snprintf(data, sizeof data, "data-age=\"%s\" data-sex=\"female\"", age);
        bar(p, "female", data, table_cell(c, a, T_POPULATION, g, 1), scale, mid + 20, y + 1, row - 2, 0);
    }
    put(p, "</svg></figure>\n");
}

static void sizes_chart(page *p, const area *a)
{
    const cube *c = p->w->c;
    size_t n = table_rows(c, T_HOUSEHOLD_SIZE) - 1;
    double scale = 300.0 / (double)largest(c, a, T_HOUSEHOLD_SIZE, 1), row = 16;
    p->rc |= p->w->api->writef(p->w->ctx,
                               "<figure><figcaption>%s</figcaption>\n<svg class=\"sizes\" xmlns=\"http://www.w3.org/2000/svg\" "
                               "width=\"420\" height=\"%.0f\" data-scale=\"%.6f\">\n",
                               p->t->sizes, row * (double)n + 8, scale);
    for (size_t r = 0; r < n; r++) {
        const char *size = row_code(c, T_HOUSEHOLD_SIZE, r);
        char data[48];
        snprintf(data, sizeof data, "data-size=\"%s\"", size);
        p->rc |= p->w->api->writef(p->w->ctx, "<text x=\"30\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                                   row * (double)r + 12, size);
        bar(p, "size", data, table_cell(c, a, T_HOUSEHOLD_SIZE, r, 0), scale, 40, row * (double)r + 2, row - 4, 0);
    }
    put(p, "</svg></figure>\n");
}

/* The special groups of each building below `parent`, as a table with bars. */
static void per_building(page *p, size_t parent)
{
    const cube *c = p->w->c;
    static const enum special shown[] = { SG_60, SG_LIVING_ALONE, SG_DISABILITY, SG_LOW_INCOME };
    long top = 1;
    size_t n = 0;
    for (size_t i = 0; i < c->n_areas; i++)
        if (c->areas[i].parent == (long)parent && c->areas[i].level == LEVEL_BUILDING) {
            n++;
            for (size_t s = 0; s < 4; s++) {
                const cell *x = table_cell(c, &c->areas[i], T_SPECIAL, shown[s], 0);
                if (!cell_withheld(x) && x->value > top)
                    top = x->value;
            }
        }
    if (!n)
        return;
    double scale = 90.0 / (double)top;
    put(p, "<table class=\"buildings\"><caption>");
    text(p, p->t->per_building);
    put(p, "</caption>\n<tr><th></th>");
    for (size_t s = 0; s < 4; s++) {
        put(p, "<th>");
        text(p, p->t->group_names[shown[s]]);
        put(p, "</th>");
    }
    put(p, "</tr>\n");
    for (size_t i = 0; i < c->n_areas; i++) {
        const area *b = &c->areas[i];
        if (b->parent != (long)parent || b->level != LEVEL_BUILDING)
            continue;
        put(p, "<tr><th>");
        text(p, b->name);
        put(p, "</th>");
        for (size_t s = 0; s < 4; s++) {
            const cell *x = table_cell(c, b, T_SPECIAL, shown[s], 0);
            char data[48];
            snprintf(data, sizeof data, "data-group=\"%s\"", row_code(c, T_SPECIAL, shown[s]));
            put(p, "<td><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"130\" height=\"12\">");
            bar(p, "group", data, x, scale, 0, 1, 10, 0);
            put(p, "</svg> ");
            value_text(p, x);
            put(p, "</td>");
        }
        put(p, "</tr>\n");
    }
    put(p, "</table>\n");
}

static const char style[] =
    "<style>\n"
    "@page { size: A4; margin: 14mm; }\n"
    "body { font-family: 'Noto Sans CJK SC', 'Noto Sans', sans-serif; font-size: 10pt; color: #222; margin: 0 auto;"
    " max-width: 182mm; }\n"
    "h1 { font-size: 16pt; } h2 { font-size: 13pt; border-bottom: 1px solid #999; margin-top: 0; }\n"
    "section { break-after: page; page-break-after: always; padding-top: 4mm; }\n"
    "figure, table { break-inside: avoid; page-break-inside: avoid; margin: 3mm 0; }\n"
    "figcaption, caption { font-weight: bold; text-align: left; margin-bottom: 1mm; }\n"
    "table.figures th { text-align: left; font-weight: normal; padding-right: 6mm; } td { text-align: right; }\n"
    "table.buildings td { text-align: left; white-space: nowrap; }\n"
    "rect.male { fill: #3b6ea8; } rect.female { fill: #c0504d; } rect.size { fill: #6a8f3a; }"
    " rect.group { fill: #8064a2; }\n"
    "svg text { font-size: 9px; } .withheld { fill: #999; }\n"
    ".note { color: #555; }\n"
    "</style>\n";

int write_html(const writer *w)
{
    int zh = strcmp(w->rel->lang, "zh") == 0;
    page p = { w, zh ? &words_zh : &words_en, 0 };
    const release *r = w->rel;
    put(&p, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"");
    put(&p, zh ? "zh-CN" : "en");
    put(&p, "\">\n<head><meta charset=\"UTF-8\"/>\n<title>");
    text(&p, p.t->title);
    put(&p, "</title>\n");
    put(&p, style);
    put(&p, "</head>\n<body>\n<h1>");
    text(&p, p.t->title);
    put(&p, "</h1>\n<p class=\"note\">");
    char note[256];
    if (strcmp(r->protection, "suppress") == 0)
        snprintf(note, sizeof note, "%s%ld%s", p.t->protection_suppress[0], r->min_count, p.t->protection_suppress[1]);
    else if (strcmp(r->protection, "round") == 0)
        snprintf(note, sizeof note, "%s%ld%s", p.t->protection_round[0], r->base, p.t->protection_round[1]);
    else
        snprintf(note, sizeof note, "%s", p.t->protection_none);
    text(&p, note);
    put(&p, "</p>\n");
    const cube *c = w->c;
    for (size_t i = 0; i < c->n_areas && !p.rc; i++) {
        const area *a = &c->areas[i];
        cell *persons = table_cell(c, a, T_POPULATION, table_rows(c, T_POPULATION) - 1, table_cols(c, T_POPULATION) - 1);
        cell *households = table_cell(c, a, T_HOUSEHOLD_SIZE, table_rows(c, T_HOUSEHOLD_SIZE) - 1, 0);
        p.rc |= w->api->writef(w->ctx, "<section data-level=\"%s\" data-code=\"", level_ids[a->level]);
        text(&p, a->code);
        put(&p, "\">\n<h2>");
        text(&p, p.t->levels[a->level]);
        put(&p, " ");
        text(&p, a->name);
        put(&p, " <small>");
        text(&p, a->code);
        put(&p, "</small></h2>\n<p>");
        value_text(&p, persons);
        p.rc |= w->api->writef(w->ctx, " %s, ", p.t->persons);
        value_text(&p, households);
        p.rc |= w->api->writef(w->ctx, " %s</p>\n", p.t->households);
        figure_table(&p, a, "indicators", p.t->key);
        pyramid(&p, a);
        sizes_chart(&p, a);
        figure_table(&p, a, "special-groups", p.t->special);
        if (a->level != LEVEL_BUILDING)
            per_building(&p, i);
        put(&p, "</section>\n");
    }
    put(&p, "</body>\n</html>\n");
    return p.rc;
}
