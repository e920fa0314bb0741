/* sample.c — the sample form generator (see sample.h).
 *
 * A household is first planned as plain values (who lives there, how old, which
 * documents) and then written with libxml2's text writer, so escaping and encoding
 * are never hand-made. Resident ID numbers are unique by construction: a counter
 * per birth date and sex gives the sequence number, and the address code moves on
 * when one runs out. */
#include "sample.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libxml/xmlwriter.h>

#include "dates.h"
#include "diag.h"
#include "gb11643.h"
#include "schemaset.h"

#define GRID_SIZE 812
#define MAX_PERSONS 8
#define DAYS_FROM_1900 25567 /* days from 1900-01-01 to 1970-01-01 */

typedef struct rng {
    uint64_t state;
} rng;

static uint64_t next(rng *r)
{
    uint64_t z = (r->state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static int below(rng *r, int n)
{
    return (int)(next(r) % (uint64_t)n);
}

static int between(rng *r, int lo, int hi)
{
    return lo + below(r, hi - lo + 1);
}

static int chance(rng *r, int percent_times_10)
{
    return below(r, 1000) < percent_times_10;
}

#define PICK(r, array) ((array)[below((r), (int)(sizeof(array) / sizeof((array)[0])))])

static const char *const surnames[] = { "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴",
                                        "徐", "孙", "马", "胡", "朱", "郭", "何", "罗", "高", "林",
                                        "郑", "谢", "唐", "邓", "冯", "曾", "彭", "蒋", "蔡", "余" };
static const char *const given_m[] = { "建国", "志强", "国平", "德明", "永红", "文军", "海涛", "明",
                                       "伟", "俊杰", "浩然", "子轩", "宇航", "学文", "成", "树林" };
static const char *const given_f[] = { "秀英", "兴玉", "桂兰", "淑芬", "丽华", "玉珍", "欣", "佳欣",
                                       "婷", "雨涵", "梓萱", "晓梅", "红", "素琴", "春燕", "静" };
static const char *const pak_m[] = { "Muhammad Imran", "Ahmed Raza", "Bilal Hussain", "Usman Tariq", "Hamza Ali" };
static const char *const pak_f[] = { "Ayesha Khan", "Fatima Noor", "Sana Iqbal", "Zainab Malik", "Hira Aslam" };
static const char *const community_names[] = { "华兴社区", "同欣社区", "同瑞社区", "光华社区", "草堂社区",
                                               "文家社区", "苏坡社区", "金沙社区", "蔡桥社区", "府南社区" };
static const char *const street_names[] = { "黄田坝街道", "苏坡街道", "金沙街道", "光华街道", "草市街街道" };
static const char *const estates[] = { "成飞512", "成飞511", "光华苑", "金沙名苑", "草堂北苑", "蔡桥小区" };
static const struct { const char *place, *code; } origins[] = {
    { "重庆市", "500101" },       { "四川省南充市", "511302" }, { "四川省达州市", "511702" },
    { "贵州省遵义市", "520302" }, { "湖北省武汉市", "420102" }, { "四川省绵阳市", "510703" },
};
static const char *const local_codes[] = { "510105", "510106", "510107", "510104" };

typedef struct person_plan {
    const char *relationship;
    int male;
    int age;
    int foreign;
} person_plan;

typedef struct generator {
    rng r;
    hhreg_date enumeration;         /* the last enumeration day */
    hhreg_date reference;           /* the enumeration date of the household being written */
    uint16_t (*id_counter)[2];   /* per birth day since 1900, per sex */
    long passports;
    bool real_area;
} generator;

/* An area code of the samples: `real` (GB/T 2260) with --real-area, else the same
 * code in province 00, which does not exist. */
static void area_code(bool real_area, const char *real, char *out, size_t size)
{
    size_t n = strlen(real) < size ? strlen(real) : size - 1;
    memcpy(out, real, n);
    out[n] = '\0';
    if (!real_area && n >= 2)
        memcpy(out, "00", 2);
}

/* --- planning a household ----------------------------------------------- */

static int add(person_plan *p, int n, const char *rel, int male, int age)
{
    p[n].relationship = rel;
    p[n].male = male;
    p[n].age = age < 0 ? 0 : age;
    p[n].foreign = 0;
    return n + 1;
}

static int plan_roster(generator *g, person_plan *p)
{
    rng *r = &g->r;
    int roll = below(r, 100), n = 0, head_male = chance(r, 600);
    if (roll < 31) { /* one person: mostly elderly living alone */
        int age = chance(r, 700) ? between(r, 62, 96) : between(r, 24, 59);
        return add(p, 0, "head", chance(r, 350), age);
    }
    if (roll < 72) { /* two persons */
        int kind = below(r, 100);
        if (kind < 60) {
            int age = between(r, 60, 90);
            n = add(p, n, "head", head_male, age);
            return add(p, n, "spouse", !head_male, age + between(r, -5, 4));
        }
        if (kind < 85) {
            int age = between(r, 24, 59);
            n = add(p, n, "head", head_male, age);
            return add(p, n, "spouse", !head_male, age + between(r, -4, 4));
        }
        int age = between(r, 50, 85);
        n = add(p, n, "head", head_male, age);
        return add(p, n, "child", chance(r, 500), age - between(r, 22, 34));
    }
    if (roll < 89) { /* couple and a child */
        int age = between(r, 28, 56);
        n = add(p, n, "head", head_male, age);
        n = add(p, n, "spouse", !head_male, age + between(r, -4, 4));
        return add(p, n, "child", chance(r, 500), between(r, 0, age - 22));
    }
    if (roll < 95) { /* four: two children, or a child and a parent */
        int age = between(r, 34, 55);
        n = add(p, n, "head", head_male, age);
        n = add(p, n, "spouse", !head_male, age + between(r, -3, 3));
        n = add(p, n, "child", chance(r, 500), between(r, 0, age - 22));
        if (chance(r, 600))
            return add(p, n, "child", chance(r, 500), between(r, 0, age - 22));
        return add(p, n, "parent", chance(r, 400), age + between(r, 22, 34));
    }
    /* three generations */
    int age = between(r, 55, 72);
    int child_age = age - between(r, 24, 32);
    n = add(p, n, "head", head_male, age);
    n = add(p, n, "spouse", !head_male, age + between(r, -3, 3));
    int child_male = chance(r, 500);
    n = add(p, n, "child", child_male, child_age);
    n = add(p, n, "child-in-law", !child_male, child_age + between(r, -3, 3));
    n = add(p, n, "grandchild", chance(r, 500), between(r, 0, child_age - 20));
    if (roll >= 99)
        n = add(p, n, "grandchild", chance(r, 500), between(r, 0, child_age - 20));
    return n;
}

/* --- dates and documents ------------------------------------------------- */

static hhreg_date days_to_date(long days)
{
    /* civil-from-days, the inverse of hhreg_date_days */
    days += 719468;
    long era = (days >= 0 ? days : days - 146096) / 146097;
    long doe = days - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    hhreg_date d;
    d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
    d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
    d.year = (int)(yoe + era * 400 + (d.month <= 2));
    return d;
}

/* A birth date giving exactly `age` completed years on the enumeration date. */
static hhreg_date birth_for_age(generator *g, int age)
{
    hhreg_date last = g->reference; /* the latest birthday that still gives `age` */
    last.year -= age;
    if (last.month == 2 && last.day == 29 && !hhreg_date_valid(last.year, 2, 29))
        last.day = 28;
    long day = hhreg_date_days(last) - below(&g->r, 364);
    return days_to_date(day);
}

static void resident_id(generator *g, hhreg_date birth, int male, const char *origin_code, char out[19])
{
    long index = hhreg_date_days(birth) + DAYS_FROM_1900;
    if (index < 0)
        index = 0;
    unsigned n = g->id_counter[index][male]++;
    char address[8];
    area_code(g->real_area, origin_code ? origin_code : local_codes[(n / 500) % 4], address, sizeof address);
    int seq = (int)(n % 500) * 2 + (male ? 1 : 0);
    snprintf(out, 19, "%s%04d%02d%02d%03d", address, birth.year, birth.month, birth.day, seq);
    out[17] = hh_gb11643_check_char(out);
    out[18] = '\0';
}

/* --- writing -------------------------------------------------------------- */

typedef xmlTextWriterPtr W;

static void el(W w, const char *name, const char *text)
{
    xmlTextWriterWriteElement(w, BAD_CAST name, BAD_CAST text);
}

static void at(W w, const char *name, const char *value)
{
    xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST value);
}

static void el_code(W w, const char *name, const char *code, const char *text)
{
    xmlTextWriterStartElement(w, BAD_CAST name);
    at(w, "code", code);
    xmlTextWriterWriteString(w, BAD_CAST text);
    xmlTextWriterEndElement(w);
}

static void mobile(generator *g, char out[16])
{
    snprintf(out, 16, "1%d%09d", between(&g->r, 3, 9), below(&g->r, 1000000000));
}

static const char *marital_for(generator *g, const person_plan *p, int partnered)
{
    if (p->age < 15)
        return "never-married";
    if (partnered)
        return "married";
    int roll = below(&g->r, 100);
    if (p->age >= 60)
        return roll < 75 ? "widowed" : roll < 90 ? "divorced" : "never-married";
    if (p->age < 25)
        return roll < 90 ? "never-married" : "married";
    return roll < 55 ? "never-married" : roll < 80 ? "divorced" : "married";
}

static int education_for(generator *g, int age)
{
    if (age < 12)
        return 0;
    if (age < 15)
        return 1;
    if (age < 18)
        return 2;
    if (age >= 70)
        return between(&g->r, 0, 3);
    if (age >= 50)
        return between(&g->r, 1, 3) + (chance(&g->r, 150) ? 2 : 0);
    return between(&g->r, 2, 6) + (chance(&g->r, 80) ? 1 : 0);
}

static const char *activity_for(generator *g, int age)
{
    int roll = below(&g->r, 100);
    if (age < 20)
        return roll < 90 ? "student" : "employed";
    if (age < 23)
        return roll < 60 ? "student" : "employed";
    if (age >= 60)
        return roll < 88 ? "retired" : roll < 95 ? "homemaker" : "unable-to-work";
    return roll < 80 ? "employed" : roll < 86 ? "unemployed" : roll < 95 ? "homemaker" : "unable-to-work";
}

/* Washington Group answers; returns 1 when the person has a disability. */
static int functioning(generator *g, int age, int f[6])
{
    int per_mille = age >= 80 ? 300 : age >= 60 ? 120 : 30;
    int disabled = chance(&g->r, per_mille);
    for (int d = 0; d < 6; d++)
        f[d] = (age >= 60 && chance(&g->r, 200)) ? 2 : 1;
    if (disabled) {
        f[below(&g->r, 6)] = between(&g->r, 3, 4);
        if (chance(&g->r, 250))
            f[below(&g->r, 6)] = 3;
    }
    return disabled;
}

static const char *certificate_for(const int f[6])
{
    static const char *by_domain[6] = { "visual", "hearing", "physical", "intellectual", "physical", "speech" };
    int worst = -1, count = 0;
    for (int d = 0; d < 6; d++)
        if (f[d] >= 3) {
            count++;
            if (worst < 0 || f[d] > f[worst])
                worst = d;
        }
    if (count > 1)
        return "multiple";
    return worst < 0 ? NULL : by_domain[worst];
}

typedef struct household_plan {
    long index;
    char id[32];
    int grid;
    char building[16], unit[16], room[16];
    const char *estate, *community, *street;
    char district_code[8], street_code[12], community_code[16];
    int foreign, migrant_origin;     /* migrant_origin: -1 local */
} household_plan;

static void write_person(generator *g, W w, const household_plan *hp, const person_plan *p, int line,
                         const char *surname, int partnered, int *any_disabled)
{
    char buf[64];
    hhreg_date birth = birth_for_age(g, p->age);
    xmlTextWriterStartElement(w, BAD_CAST "person");
    snprintf(buf, sizeof buf, "%d", line);
    at(w, "line", buf);
    if (p->foreign) {
        el(w, "name", p->male ? PICK(&g->r, pak_m) : PICK(&g->r, pak_f));
    } else {
        snprintf(buf, sizeof buf, "%s%s", surname, p->male ? PICK(&g->r, given_m) : PICK(&g->r, given_f));
        el(w, "name", buf);
    }
    el(w, "relationship", p->relationship);
    el(w, "sex", p->male ? "male" : "female");
    char date[11];
    hh_date_format(birth, date);
    el(w, "birthDate", date);
    xmlTextWriterStartElement(w, BAD_CAST "document");
    if (p->foreign) {
        at(w, "type", "passport");
        snprintf(buf, sizeof buf, "PK%07ld", ++g->passports);
    } else {
        at(w, "type", "resident-id");
        resident_id(g, birth, p->male, hp->migrant_origin >= 0 ? origins[hp->migrant_origin].code : NULL, buf);
    }
    xmlTextWriterWriteString(w, BAD_CAST buf);
    xmlTextWriterEndElement(w);
    el(w, "nationality", p->foreign ? "PAK" : "CHN");
    if (!p->foreign) {
        int roll = below(&g->r, 1000);
        el(w, "ethnicity", roll < 950 ? "Han" : roll < 965 ? "Hui" : roll < 975 ? "Yi" : roll < 985 ? "Tibetan"
                                                            : roll < 995 ? "Qiang" : "Tujia");
    }
    xmlTextWriterStartElement(w, BAD_CAST "residence");
    if (p->foreign) {
        xmlTextWriterWriteString(w, BAD_CAST "foreign-resident");
    } else if (hp->migrant_origin >= 0) {
        at(w, "registeredIn", origins[hp->migrant_origin].place);
        xmlTextWriterWriteString(w, BAD_CAST "migrant");
    } else {
        xmlTextWriterWriteString(w, BAD_CAST "registered-resident");
    }
    xmlTextWriterEndElement(w);
    if (p->age >= 15 || chance(&g->r, 300))
        el(w, "maritalStatus", marital_for(g, p, partnered));
    if (p->age >= 6) {
        snprintf(buf, sizeof buf, "%d", education_for(g, p->age));
        el(w, "education", buf);
    }
    if (p->age >= 15)
        el(w, "activity", activity_for(g, p->age));
    if (p->age >= 5) {
        int f[6];
        static const char *names[6] = { "seeing", "hearing", "walking", "cognition", "selfCare", "communication" };
        int disabled = functioning(g, p->age, f);
        xmlTextWriterStartElement(w, BAD_CAST "functioning");
        for (int d = 0; d < 6; d++) {
            snprintf(buf, sizeof buf, "%d", f[d]);
            at(w, names[d], buf);
        }
        xmlTextWriterEndElement(w);
        const char *cert = certificate_for(f);
        if (disabled && cert && chance(&g->r, 550)) {
            xmlTextWriterStartElement(w, BAD_CAST "disabilityCertificate");
            at(w, "type", cert);
            snprintf(buf, sizeof buf, "%d", between(&g->r, 1, 4));
            at(w, "grade", buf);
            xmlTextWriterEndElement(w);
        }
        *any_disabled |= disabled;
    }
    if (p->age >= 18 && chance(&g->r, 650)) {
        if (p->foreign)
            snprintf(buf, sizeof buf, "+92300%07d", below(&g->r, 10000000));
        else
            mobile(g, buf);
        el(w, "phone", buf);
    }
    el(w, "languages", p->foreign ? (p->age >= 6 ? "ur en" : "ur") : (p->age < 40 && p->age >= 10 && chance(&g->r, 300) ? "zh en" : "zh"));
    xmlTextWriterEndElement(w);
}

static void write_visits(generator *g, W w, const household_plan *hp, hhreg_date enumerated, int needs_help)
{
    static const char *purposes[] = { "routine", "gas-safety", "fire-safety", "follow-up" };
    char date[11], enumerator[16];
    snprintf(enumerator, sizeof enumerator, "E%02d%02d", hp->grid, (int)(hp->index / GRID_SIZE % 100));
    int extra = between(&g->r, 0, 2) + (needs_help ? 1 : 0);
    long base = hhreg_date_days(enumerated);
    for (int v = extra; v >= 0; v--) {
        long day = base - (long)v * between(&g->r, 20, 60);
        hh_date_format(days_to_date(day), date);
        xmlTextWriterStartElement(w, BAD_CAST "visit");
        at(w, "date", date);
        at(w, "enumerator", enumerator);
        const char *purpose = v == 0 ? "registration" : needs_help && v == extra ? "assistance" : PICK(&g->r, purposes);
        at(w, "purpose", purpose);
        at(w, "outcome", v == 0 || chance(&g->r, 850) ? "done" : "nobody-home");
        if (strcmp(purpose, "gas-safety") == 0)
            xmlTextWriterWriteString(w, BAD_CAST "检查天然气管道和燃气灶具");
        else if (strcmp(purpose, "assistance") == 0)
            xmlTextWriterWriteString(w, BAD_CAST "上门了解近况，协助就医预约");
        xmlTextWriterEndElement(w);
    }
}

static void plan_place(household_plan *hp, long index, bool real_area)
{
    long grid_index = index / GRID_SIZE;
    int serial = (int)(index % GRID_SIZE);
    long community = grid_index / 10;
    int street = (int)(community / 50);
    hp->index = index;
    hp->grid = (int)(grid_index % 10) + 3;
    area_code(real_area, "510105", hp->district_code, sizeof hp->district_code);
    snprintf(hp->street_code, sizeof hp->street_code, "%s%03d", hp->district_code, 16 + street % 900);
    snprintf(hp->community_code, sizeof hp->community_code, "%s%03d", hp->street_code, (int)(3 + community % 50));
    snprintf(hp->id, sizeof hp->id, "%s-%02d-%04d", hp->community_code, hp->grid, serial + 1);
    hp->community = community_names[community % 10];
    hp->street = street_names[street % 5];
    hp->estate = estates[grid_index % 6];
    /* 12 buildings: the first 7 with 5 units, the rest with 4 (55 units); the first 42
     * units hold 15 households, the other 13 hold 14 (812). The ten grids of a
     * community have buildings of their own (the first grid's are 543-554, as in
     * 成飞512), so no two households share a room */
    int unit_index = 0, room_index = serial;
    while (room_index >= (unit_index < 42 ? 15 : 14)) {
        room_index -= unit_index < 42 ? 15 : 14;
        unit_index++;
    }
    int building = unit_index < 35 ? unit_index / 5 : 7 + (unit_index - 35) / 4;
    int unit = unit_index < 35 ? unit_index % 5 : (unit_index - 35) % 4;
    snprintf(hp->building, sizeof hp->building, "%ld", (grid_index == 0 ? 543 : 1 + 12 * (grid_index % 10)) + building);
    snprintf(hp->unit, sizeof hp->unit, "%d", unit + 1);
    snprintf(hp->room, sizeof hp->room, "%d%02d", room_index / 2 + 1, room_index % 2 + 1);
}

/* Writes one <household>; `root` declares the form namespace on it (a one-form file). */
static void write_household(generator *g, W w, long index, int root)
{
    household_plan hp;
    plan_place(&hp, index, g->real_area);
    person_plan roster[MAX_PERSONS];
    int n;
    int serial = (int)(index % GRID_SIZE);
    hp.foreign = serial == 100 || serial == 404 || serial == 732;
    if (hp.foreign) {
        int age = between(&g->r, 28, 40);
        n = add(roster, 0, "head", 1, age);
        n = add(roster, n, "spouse", 0, age - between(&g->r, 0, 5));
        n = add(roster, n, "child", chance(&g->r, 500), between(&g->r, 1, 6));
        for (int i = 0; i < n; i++)
            roster[i].foreign = 1;
    } else {
        n = plan_roster(g, roster);
    }
    hp.migrant_origin = -1;
    if (!hp.foreign && roster[0].age < 60 && chance(&g->r, 180))
        hp.migrant_origin = below(&g->r, (int)(sizeof origins / sizeof origins[0]));

    hhreg_date enumerated = days_to_date(hhreg_date_days(g->enumeration) - below(&g->r, 28));
    g->reference = enumerated;
    char buf[64], date[11];
    if (root)
        xmlTextWriterStartElementNS(w, NULL, BAD_CAST "household", BAD_CAST HH_FORM_NS);
    else
        xmlTextWriterStartElement(w, BAD_CAST "household");
    at(w, "id", hp.id);
    xmlTextWriterStartElement(w, BAD_CAST "address");
    el_code(w, "district", hp.district_code, "青羊区");
    el_code(w, "street", hp.street_code, hp.street);
    el_code(w, "community", hp.community_code, hp.community);
    snprintf(buf, sizeof buf, "%d", hp.grid);
    el(w, "grid", buf);
    el(w, "estate", hp.estate);
    el(w, "building", hp.building);
    el(w, "unit", hp.unit);
    el(w, "room", hp.room);
    xmlTextWriterEndElement(w);
    el(w, "householdType", "family");
    el(w, "dwellingType", "apartment");
    el(w, "tenure", hp.foreign || hp.migrant_origin >= 0 ? "rented" : chance(&g->r, 850) ? "owned" : "public-rental");
    snprintf(buf, sizeof buf, "%d.%d", between(&g->r, 38, 95), below(&g->r, 10));
    el(w, "floorArea", buf);
    int elderly_alone = n == 1 && roster[0].age >= 60;
    if (chance(&g->r, elderly_alone ? 600 : 880)) {
        if (hp.foreign)
            snprintf(buf, sizeof buf, "+92300%07d", below(&g->r, 10000000));
        else if (chance(&g->r, 300))
            snprintf(buf, sizeof buf, "028%08d", below(&g->r, 100000000));
        else
            mobile(g, buf);
        el(w, "phone", buf);
    }
    if (hp.foreign)
        el(w, "preferredLanguage", "en");
    int low_income = chance(&g->r, elderly_alone ? 150 : 50);
    xmlTextWriterStartElement(w, BAD_CAST "lowIncome");
    at(w, "receives", low_income ? "true" : "false");
    if (low_income) {
        hhreg_date since = days_to_date(hhreg_date_days(enumerated) - between(&g->r, 60, 3600));
        snprintf(buf, sizeof buf, "%04d-%02d", since.year, since.month);
        at(w, "since", buf);
    }
    xmlTextWriterEndElement(w);
    el(w, "extremeHardship", elderly_alone && low_income && chance(&g->r, 300) ? "true" : "false");
    if (hp.foreign)
        el(w, "needs", "Needs an English speaker for community notices and hospital visits.");
    else if (elderly_alone)
        el(w, "needs", "独居老人，需定期探访");

    xmlTextWriterStartElement(w, BAD_CAST "enumeration");
    snprintf(buf, sizeof buf, "E%02d%02d", hp.grid, (int)(index / GRID_SIZE % 100));
    at(w, "enumerator", buf);
    hh_date_format(enumerated, date);
    at(w, "date", date);
    at(w, "status", chance(&g->r, 960) ? "complete" : "partial");
    at(w, "respondent", chance(&g->r, 950) ? "1" : "proxy");
    at(w, "consent", "true");
    xmlTextWriterEndElement(w);
    snprintf(buf, sizeof buf, "%d", n);
    el(w, "memberCount", buf);
    const char *surname = PICK(&g->r, surnames);
    int any_disabled = 0;
    for (int i = 0; i < n; i++) {
        const char *rel = roster[i].relationship;
        int partnered = strcmp(rel, "spouse") == 0 ||
                        (strcmp(rel, "head") == 0 && n > 1 && strcmp(roster[1].relationship, "spouse") == 0) ||
                        ((strcmp(rel, "child") == 0 || strcmp(rel, "child-in-law") == 0) && i + 1 < n &&
                         strcmp(roster[i + 1].relationship, "child-in-law") == 0) ||
                        strcmp(rel, "child-in-law") == 0;
        write_person(g, w, &hp, &roster[i], i + 1, surname, partnered, &any_disabled);
    }
    write_visits(g, w, &hp, enumerated, elderly_alone || any_disabled);
    xmlTextWriterEndElement(w);
}

/* Creates `name` in `dirfd` for writing (`shown` in messages): never through a
 * symbolic link, never over an existing file unless `force`, and then only over a
 * regular file. The descriptor, or -1 with `err`. */
static int create_file(int dirfd, const char *name, const char *shown, bool force, hh_buf *err)
{
    const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    int fd = openat(dirfd, name, flags, 0666);
    struct stat st;
    if (fd < 0 && errno == EEXIST && force && fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        S_ISREG(st.st_mode) && unlinkat(dirfd, name, 0) == 0)
        fd = openat(dirfd, name, flags, 0666);
    if (fd >= 0)
        return fd;
    if (errno == EEXIST && !force)
        hh_buf_printf(err, hh_tr("%s: already exists; pass --force to replace it", "%s：已存在；如要替换，请加 --force"),
                      shown);
    else if (errno == EEXIST)
        hh_buf_printf(err, hh_tr("%s: not replaced, it is not a regular file (a symbolic link is never followed)",
                                 "%s：未替换，它不是普通文件（符号链接一律不跟随）"),
                      shown);
    else
        hh_buf_printf(err, hh_tr("%s: cannot write: %s", "%s：无法写入：%s"), shown, hh_system_reason(errno));
    return -1;
}

static W open_writer(int fd)
{
    xmlOutputBufferPtr out = xmlOutputBufferCreateFd(fd, NULL);
    W w = out ? xmlNewTextWriter(out) : NULL;
    if (!w)
        return NULL;
    xmlTextWriterSetIndent(w, 1);
    xmlTextWriterSetIndentString(w, BAD_CAST "  ");
    xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL);
    return w;
}

/* Ends the document and closes `fd` unless it is standard output; a file that
 * could not be written whole is removed. */
static int close_writer(W w, int fd, int dirfd, const char *name, const char *shown, hh_buf *err)
{
    int rc = xmlTextWriterEndDocument(w) < 0 || xmlTextWriterFlush(w) < 0 ? -1 : 0;
    xmlFreeTextWriter(w);
    if (fd != STDOUT_FILENO && close(fd) != 0)
        rc = -1;
    if (rc < 0) {
        hh_buf_printf(err, hh_tr("%s: writing failed", "%s：写入失败"), shown);
        if (fd != STDOUT_FILENO)
            unlinkat(dirfd, name, 0);
    }
    return rc;
}

/* Writes the households to one batch file `path` ("-": standard output). */
static int write_batch(generator *g, const hh_sample_options *opt, hh_buf *err)
{
    bool to_stdout = strcmp(opt->batch_file, "-") == 0;
    const char *shown = to_stdout ? hh_tr("standard output", "标准输出") : opt->batch_file;
    int fd = to_stdout ? STDOUT_FILENO : create_file(AT_FDCWD, opt->batch_file, shown, opt->force, err);
    W w = fd >= 0 ? open_writer(fd) : NULL;
    if (!w) {
        if (fd > STDOUT_FILENO) {
            close(fd);
            unlink(opt->batch_file);
        }
        return -1;
    }
    xmlTextWriterStartElementNS(w, NULL, BAD_CAST "households", BAD_CAST HH_FORM_NS);
    for (long i = 0; i < opt->households; i++)
        write_household(g, w, i, 0);
    xmlTextWriterEndElement(w);
    return close_writer(w, fd, AT_FDCWD, opt->batch_file, shown, err);
}

/* Opens the output directory, made if new; one that holds anything is refused
 * unless `force`. The descriptor, or -1 with `err`. */
static int open_out_dir(const char *path, bool force, hh_buf *err)
{
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        hh_buf_printf(err, hh_tr("%s: cannot create the directory: %s", "%s：无法创建目录：%s"), path, hh_system_reason(errno));
        return -1;
    }
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        hh_buf_printf(err, hh_tr("%s: %s", "%s：%s"), path,
                      errno == ELOOP || errno == ENOTDIR
                          ? hh_tr("not a directory (a symbolic link is never followed)", "不是目录（符号链接一律不跟随）")
                          : hh_system_reason(errno));
        return -1;
    }
    int list_fd = force ? -1 : dup(fd);
    DIR *d = list_fd >= 0 ? fdopendir(list_fd) : NULL;
    bool empty = true;
    for (struct dirent *e; d && empty && (e = readdir(d));)
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    if (d)
        closedir(d);
    if (!empty) {
        hh_buf_printf(err, hh_tr("%s: the directory holds files already; name a new or empty one, or pass --force to "
                                 "replace files of the same names",
                                 "%s：该目录中已有文件；请指定新目录或空目录，或加 --force 替换同名文件"),
                      path);
        close(fd);
        return -1;
    }
    return fd;
}

/* Writes one file per household into directory `opt->out_dir`. */
static int write_files(generator *g, const hh_sample_options *opt, hh_buf *err)
{
    int dirfd = open_out_dir(opt->out_dir, opt->force, err);
    if (dirfd < 0)
        return -1;
    int rc = 0;
    for (long i = 0; i < opt->households && rc == 0; i++) {
        household_plan hp;
        plan_place(&hp, i, opt->real_area);
        char *name = hh_xasprintf("%s.xml", hp.id);
        char *shown = hh_xasprintf("%s/%s", opt->out_dir, name);
        int fd = create_file(dirfd, name, shown, opt->force, err);
        W w = fd >= 0 ? open_writer(fd) : NULL;
        if (!w) {
            if (fd >= 0) {
                close(fd);
                unlinkat(dirfd, name, 0);
            }
            rc = -1;
        } else {
            write_household(g, w, i, 1);
            rc = close_writer(w, fd, dirfd, name, shown, err);
        }
        free(shown);
        free(name);
    }
    close(dirfd);
    return rc;
}

int hh_sample_generate(const hh_sample_options *opt, hh_buf *err)
{
    generator g;
    memset(&g, 0, sizeof g);
    g.r.state = opt->seed;
    g.real_area = opt->real_area;
    if (!hhreg_date_parse(opt->enumeration_date ? opt->enumeration_date : "2026-10-28", false, &g.enumeration)) {
        hh_buf_printf(err, hh_tr("--date %s: not a date (YYYY-MM-DD)", "--date %s：不是日期（YYYY-MM-DD）"),
                      opt->enumeration_date);
        return -1;
    }
    long days = hhreg_date_days(g.enumeration) + DAYS_FROM_1900 + 1;
    g.id_counter = hh_xcalloc((size_t)days, sizeof *g.id_counter);
    int rc = opt->batch_file ? write_batch(&g, opt, err) : write_files(&g, opt, err);
    free(g.id_counter);
    return rc;
}
