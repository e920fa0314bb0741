/* entry_questions.c — the questions of guided entry (see entry.h), in the order
 * they are asked: the address first (it names the household), the household's
 * items, then each person, then who answered, then the visits. Which items apply
 * follows the data dictionary: marital status and activity from age 15, education
 * from 6, functioning from 5, ethnicity for Chinese nationals only. */
#include <stdlib.h>
#include <string.h>

#include "entry.h"

static bool at_least(const hh_answers *a, int person, int years)
{
    int age = hh_answers_age(a, person);
    return age < 0 || age >= years;
}

static bool from_5(const hh_answers *a, int p) { return at_least(a, p, 5); }
static bool from_6(const hh_answers *a, int p) { return at_least(a, p, 6); }
static bool from_15(const hh_answers *a, int p) { return at_least(a, p, 15); }

static bool is(const hh_answers *a, hh_q_scope scope, int index, const char *key, const char *value)
{
    const char *v = hh_answer(a, scope, index, key);
    return v && strcmp(v, value) == 0;
}

static bool chinese(const hh_answers *a, int p)
{
    const char *v = hh_answer(a, HH_SCOPE_PERSON, p, "nationality");
    return !v || strcmp(v, "CHN") == 0;
}

static bool has_document(const hh_answers *a, int p)
{
    return !is(a, HH_SCOPE_PERSON, p, "document-type", "none");
}

static bool registered_elsewhere(const hh_answers *a, int p)
{
    return is(a, HH_SCOPE_PERSON, p, "residence", "migrant");
}

static bool has_certificate(const hh_answers *a, int p)
{
    return is(a, HH_SCOPE_PERSON, p, "certificate", "true");
}

static bool receives_allowance(const hh_answers *a, int index)
{
    (void)index;
    return is(a, HH_SCOPE_HOUSEHOLD, 0, "low-income", "true");
}

#define TEXT(max) 0, (max)
#define NONE 0, 0

static const hh_question household_questions[] = {
    { "district-code", HH_SCOPE_HOUSEHOLD, HH_Q_TEXT, "address/district/@code", NULL, "District code (6 digits)",
      "区县代码（6位）", false, TEXT(6), NULL },
    { "district", HH_SCOPE_HOUSEHOLD, HH_Q_TEXT, "address/district", NULL, "District", "区县", false, TEXT(100), NULL },
    { "street-code", HH_SCOPE_HOUSEHOLD, HH_Q_TEXT, "address/street/@code", NULL, "Street code (9 digits)",
      "街道代码（9位）", false, TEXT(9), NULL },
    { "street", HH_SCOPE_HOUSEHOLD, HH_Q_TEXT, "address/street", NULL, "Street (街道)", "街道", false, TEXT(100), NULL },
    { "community-code", HH_SCOPE_HOUSEHOLD, HH_Q_TEXT, "address/community/@code", NULL, "Community code (12 digits)",
      "社区代码（12位）", false, TEXT(12), NULL },
    { "community", HH_SCOPE_HOUSEHOLD, HH_Q_TEXT, "address/community", NULL, "Community (社区)", "社区", false,
      TEXT(100), NULL },
    { "grid", HH_SCOPE_HOUSEHOLD, HH_Q_INT, "address/grid", NULL, "Grid number", "网格号", false, 1, 99, NULL },
    { "estate", HH_SCOPE_HOUSEHOLD, HH_Q_TEXT, "address/estate", NULL, "Estate (小区)", "小区", true, TEXT(100), NULL },
    { "building", HH_SCOPE_HOUSEHOLD, HH_Q_TEXT, "address/building", NULL, "Building", "楼栋", false, TEXT(100), NULL },
    { "unit", HH_SCOPE_HOUSEHOLD, HH_Q_TEXT, "address/unit", NULL, "Unit", "单元", false, TEXT(100), NULL },
    { "room", HH_SCOPE_HOUSEHOLD, HH_Q_TEXT, "address/room", NULL, "Room", "室", false, TEXT(100), NULL },
    { "id", HH_SCOPE_HOUSEHOLD, HH_Q_TEXT, "@id", NULL, "Household id", "户编号", false, TEXT(20), NULL },
    { "household-type", HH_SCOPE_HOUSEHOLD, HH_Q_CODE, "householdType", "HouseholdTypeCode", "Household type",
      "户类型", false, NONE, NULL },
    { "dwelling-type", HH_SCOPE_HOUSEHOLD, HH_Q_CODE, "dwellingType", "DwellingTypeCode", "Dwelling type", "住房类型",
      false, NONE, NULL },
    { "tenure", HH_SCOPE_HOUSEHOLD, HH_Q_CODE, "tenure", "TenureCode", "Tenure", "住房产权", false, NONE, NULL },
    { "floor-area", HH_SCOPE_HOUSEHOLD, HH_Q_DECIMAL, "floorArea", NULL, "Floor area (m²)", "建筑面积（平方米）", true,
      1, 2000, NULL },
    { "phone", HH_SCOPE_HOUSEHOLD, HH_Q_TEXT, "phone", NULL, "Household phone", "住户电话", true, TEXT(21), NULL },
    { "language", HH_SCOPE_HOUSEHOLD, HH_Q_TEXT, "preferredLanguage", NULL, "Preferred language (zh, en, ur, …)",
      "首选语言（zh、en、ur…）", true, TEXT(35), NULL },
    { "low-income", HH_SCOPE_HOUSEHOLD, HH_Q_BOOL, "lowIncome/@receives", NULL, "Receives the low-income allowance (低保)?",
      "是否享受低保？", false, NONE, NULL },
    { "low-income-since", HH_SCOPE_HOUSEHOLD, HH_Q_MONTH, "lowIncome/@since", NULL, "Allowance since (YYYY-MM)",
      "低保起始年月（YYYY-MM）", false, NONE, receives_allowance },
    { "extreme-hardship", HH_SCOPE_HOUSEHOLD, HH_Q_BOOL, "extremeHardship", NULL,
      "Extreme-hardship support (特困供养)?", "是否特困供养？", false, NONE, NULL },
    { "needs", HH_SCOPE_HOUSEHOLD, HH_Q_TEXT, "needs", NULL, "Needs (free text)", "需求（自由填写）", true,
      TEXT(2000), NULL },
    { "enumerator", HH_SCOPE_HOUSEHOLD, HH_Q_TEXT, "enumeration/@enumerator", NULL, "Enumerator id", "普查员编号", false,
      TEXT(32), NULL },
    { "enumeration-date", HH_SCOPE_HOUSEHOLD, HH_Q_DATE, "enumeration/@date", NULL, "Enumeration date (YYYY-MM-DD)",
      "登记日期（YYYY-MM-DD）", false, NONE, NULL },
    { "status", HH_SCOPE_HOUSEHOLD, HH_Q_CODE, "enumeration/@status", "EnumerationStatusCode", "Enumeration status",
      "登记状态", false, NONE, NULL },
    { "consent", HH_SCOPE_HOUSEHOLD, HH_Q_BOOL, "enumeration/@consent", NULL, "Consent given?", "是否同意登记？", false, NONE,
      NULL },
};

static const hh_question person_questions[] = {
    { "name", HH_SCOPE_PERSON, HH_Q_TEXT, "name", NULL, "Name", "姓名", false, TEXT(60), NULL },
    { "relationship", HH_SCOPE_PERSON, HH_Q_CODE, "relationship", "RelationshipCode", "Relationship to the head",
      "与户主关系", false, NONE, NULL },
    { "sex", HH_SCOPE_PERSON, HH_Q_CODE, "sex", "SexCode", "Sex", "性别", false, NONE, NULL },
    { "birth-date", HH_SCOPE_PERSON, HH_Q_DATE, "birthDate", NULL, "Date of birth (YYYY-MM-DD)",
      "出生日期（YYYY-MM-DD）", false, NONE, NULL },
    { "document-type", HH_SCOPE_PERSON, HH_Q_CODE, "document/@type", "DocumentTypeCode", "ID document", "证件类型", false,
      NONE, NULL },
    { "document-number", HH_SCOPE_PERSON, HH_Q_TEXT, "document", NULL, "Document number", "证件号码", false,
      TEXT(40), has_document },
    { "nationality", HH_SCOPE_PERSON, HH_Q_TEXT, "nationality", NULL, "Nationality (ISO 3166 alpha-3: CHN, PAK, …)",
      "国籍（三字母代码：CHN、PAK…）", false, TEXT(3), NULL },
    { "ethnicity", HH_SCOPE_PERSON, HH_Q_CODE, "ethnicity", "EthnicityCode", "Ethnicity (民族)", "民族", false, NONE,
      chinese },
    { "residence", HH_SCOPE_PERSON, HH_Q_CODE, "residence", "ResidenceCode", "Residence status", "居住状态", false,
      NONE, NULL },
    { "registered-in", HH_SCOPE_PERSON, HH_Q_TEXT, "residence/@registeredIn", NULL, "Registered in (province/city)",
      "户籍所在地（省/市）", false, TEXT(100), registered_elsewhere },
    { "marital-status", HH_SCOPE_PERSON, HH_Q_CODE, "maritalStatus", "MaritalStatusCode", "Marital status",
      "婚姻状况", false, NONE, from_15 },
    { "education", HH_SCOPE_PERSON, HH_Q_CODE, "education", "EducationCode", "Highest education completed",
      "最高学历", false, NONE, from_6 },
    { "activity", HH_SCOPE_PERSON, HH_Q_CODE, "activity", "ActivityCode", "Main activity", "主要活动", false, NONE,
      from_15 },
    { "seeing", HH_SCOPE_PERSON, HH_Q_CODE, "functioning/@seeing", "DifficultyCode", "Difficulty seeing, even with glasses",
      "看东西（即使戴眼镜）有困难吗", false, NONE, from_5 },
    { "hearing", HH_SCOPE_PERSON, HH_Q_CODE, "functioning/@hearing", "DifficultyCode",
      "Difficulty hearing, even with a hearing aid", "听声音（即使戴助听器）有困难吗", false, NONE, from_5 },
    { "walking", HH_SCOPE_PERSON, HH_Q_CODE, "functioning/@walking", "DifficultyCode", "Difficulty walking or climbing steps",
      "走路或爬楼梯有困难吗", false, NONE, from_5 },
    { "cognition", HH_SCOPE_PERSON, HH_Q_CODE, "functioning/@cognition", "DifficultyCode",
      "Difficulty remembering or concentrating", "记忆或集中注意力有困难吗", false, NONE, from_5 },
    { "self-care", HH_SCOPE_PERSON, HH_Q_CODE, "functioning/@selfCare", "DifficultyCode",
      "Difficulty with self-care (washing, dressing)", "自理（洗澡、穿衣）有困难吗", false, NONE, from_5 },
    { "communication", HH_SCOPE_PERSON, HH_Q_CODE, "functioning/@communication", "DifficultyCode", "Difficulty communicating",
      "交流有困难吗", false, NONE, from_5 },
    { "certificate", HH_SCOPE_PERSON, HH_Q_BOOL, "disabilityCertificate", NULL, "Holds a disability certificate (残疾人证)?",
      "是否持有残疾人证？", false, NONE, NULL },
    { "certificate-type", HH_SCOPE_PERSON, HH_Q_CODE, "disabilityCertificate/@type", "CertificateTypeCode",
      "Certificate type", "残疾类别", false, NONE, has_certificate },
    { "certificate-grade", HH_SCOPE_PERSON, HH_Q_CODE, "disabilityCertificate/@grade", "CertificateGradeCode",
      "Certificate grade", "残疾等级", false, NONE, has_certificate },
    { "phone", HH_SCOPE_PERSON, HH_Q_TEXT, "phone", NULL, "Phone", "电话", true, TEXT(21), NULL },
    { "languages", HH_SCOPE_PERSON, HH_Q_TEXT, "languages", NULL, "Languages spoken (zh en …)", "使用语言（zh en …）",
      true, TEXT(200), NULL },
    { "notes", HH_SCOPE_PERSON, HH_Q_TEXT, "notes", NULL, "Notes", "备注", true, TEXT(2000), NULL },
};

static const hh_question after_roster_questions[] = {
    { "respondent", HH_SCOPE_AFTER_ROSTER, HH_Q_TEXT, "enumeration/@respondent", NULL,
      "Who answered: line number, or proxy", "受访人：人员序号，或 proxy（代答）", false, TEXT(6), NULL },
};

static const hh_question visit_questions[] = {
    { "date", HH_SCOPE_VISIT, HH_Q_DATE, "@date", NULL, "Visit date (YYYY-MM-DD)", "走访日期（YYYY-MM-DD）", false, NONE,
      NULL },
    { "enumerator", HH_SCOPE_VISIT, HH_Q_TEXT, "@enumerator", NULL, "Visited by (enumerator id)", "走访人（普查员编号）", false,
      TEXT(32), NULL },
    { "purpose", HH_SCOPE_VISIT, HH_Q_CODE, "@purpose", "VisitPurposeCode", "Purpose", "走访目的", false, NONE, NULL },
    { "outcome", HH_SCOPE_VISIT, HH_Q_CODE, "@outcome", "VisitOutcomeCode", "Outcome", "结果", false, NONE, NULL },
    { "note", HH_SCOPE_VISIT, HH_Q_TEXT, "", NULL, "Note", "备注", true, TEXT(2000), NULL },
};

#define COUNT(a) (sizeof a / sizeof a[0])

const hh_question *hh_questions(hh_q_scope scope, size_t *n)
{
    switch (scope) {
    case HH_SCOPE_HOUSEHOLD: *n = COUNT(household_questions); return household_questions;
    case HH_SCOPE_PERSON: *n = COUNT(person_questions); return person_questions;
    case HH_SCOPE_AFTER_ROSTER: *n = COUNT(after_roster_questions); return after_roster_questions;
    case HH_SCOPE_VISIT: *n = COUNT(visit_questions); return visit_questions;
    }
    *n = 0;
    return NULL;
}

const hh_question *hh_question_find(hh_q_scope scope, const char *key)
{
    size_t n;
    const hh_question *qs = hh_questions(scope, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(qs[i].key, key) == 0)
            return &qs[i];
    return NULL;
}

bool hh_question_applies(const hh_question *q, const hh_answers *a, int index)
{
    return !q->applies || q->applies(a, index);
}
