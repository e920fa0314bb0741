#!/usr/bin/env python3
"""make-invalid.py — writes samples/invalid/: one form per consistency rule of
schemas/rules-1.xml and per structural error class, each a small edit of one valid
base household (grid 99, so they never collide with samples/households; each in a
room of its own, so no two households share one: ROOM-HELD).

Run from the top of the source tree:  python3 samples/invalid/make-invalid.py
Then review `hhreg validate --lang en samples/invalid/*.xml` and keep its output
in samples/invalid/EXPECTED.txt, which the test suite compares line for line."""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def resident_id(birth, male, seq=1, area="510105"):
    """A GB 11643 number for birth YYYY-MM-DD; seq keeps numbers apart."""
    first17 = "%s%s%02d%d" % (area, birth.replace("-", ""), seq % 100, 1 if male else 2)
    check = "10X98765432"[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11]
    return first17 + check


def wrong_check(number):
    """the same number with a check character that is not the right one"""
    return number[:17] + ("1" if number[17] == "0" else "0")


def person(line, name, rel, male, birth, *, doc=None, doc_type="resident-id", nationality="CHN",
           ethnicity="Han", residence="registered-resident", registered_in=None,
           marital="married", education="3", activity="employed", functioning=True,
           certificate=None, phone=None, languages="zh", extra=""):
    number = resident_id(birth, male, line) if doc is None else doc
    out = ['  <person line="%s">' % line, "    <name>%s</name>" % name,
           "    <relationship>%s</relationship>" % rel,
           "    <sex>%s</sex>" % ("male" if male else "female"),
           "    <birthDate>%s</birthDate>" % birth]
    out.append('    <document type="%s">%s</document>' % (doc_type, number) if number
               else '    <document type="%s"/>' % doc_type)
    out.append("    <nationality>%s</nationality>" % nationality)
    if ethnicity:
        out.append("    <ethnicity>%s</ethnicity>" % ethnicity)
    reg = ' registeredIn="%s"' % registered_in if registered_in else ""
    out.append("    <residence%s>%s</residence>" % (reg, residence))
    if marital:
        out.append("    <maritalStatus>%s</maritalStatus>" % marital)
    if education is not None:
        out.append("    <education>%s</education>" % education)
    if activity:
        out.append("    <activity>%s</activity>" % activity)
    if functioning:
        out.append('    <functioning seeing="1" hearing="1" walking="1" cognition="1" selfCare="1" communication="1"/>')
    if certificate:
        out.append('    <disabilityCertificate type="%s" grade="%s"/>' % certificate)
    if phone:
        out.append("    <phone>%s</phone>" % phone)
    if languages:
        out.append("    <languages>%s</languages>" % languages)
    out.append(extra + "  </person>" if extra else "  </person>")
    return "\n".join(out)


HEAD = dict(line=1, name="刘德明", rel="head", male=True, birth="1968-05-12", phone="13900001111")
SPOUSE = dict(line=2, name="陈桂兰", rel="spouse", male=False, birth="1970-02-03")
CHILD = dict(line=3, name="刘浩然", rel="child", male=True, birth="1996-07-21", marital="never-married",
             education="6")


def household(serial, persons, *, hid=None, enumeration_date="2026-10-10", status="complete",
              respondent="1", phone="02887654321", low_income='<lowIncome receives="false"/>',
              member_count=None, visits=None, address=None, before_persons="", tenure="owned",
              header='<?xml version="1.0" encoding="UTF-8"?>\n', root_attrs="", floor="62.5"):
    hid = hid or "510105016003-99-%04d" % serial
    address = address or ('    <district code="510105">青羊区</district>\n'
                          '    <street code="510105016">黄田坝街道</street>\n'
                          '    <community code="510105016003">华兴社区</community>\n'
                          "    <grid>99</grid>\n    <estate>成飞512</estate>\n"
                          "    <building>555</building>\n    <unit>1</unit>\n    <room>%d</room>\n" % (100 + serial))
    count = len(persons) if member_count is None else member_count
    visits = visits if visits is not None else [
        '  <visit date="%s" enumerator="E9901" purpose="registration" outcome="done"/>' % enumeration_date]
    parts = [header + '<household xmlns="urn:hhreg:household:1" id="%s"%s>' % (hid, root_attrs),
             "  <address>\n" + address + "  </address>",
             "  <householdType>family</householdType>", "  <dwellingType>apartment</dwellingType>"]
    if tenure:
        parts.append("  <tenure>%s</tenure>" % tenure)
    if floor:
        parts.append("  <floorArea>%s</floorArea>" % floor)
    if phone:
        parts.append("  <phone>%s</phone>" % phone)
    parts += ["  " + low_income, "  <extremeHardship>false</extremeHardship>",
              '  <enumeration enumerator="E9901" date="%s" status="%s" respondent="%s" consent="true"/>'
              % (enumeration_date, status, respondent)]
    if before_persons:
        parts.append(before_persons)
    if count is not False:
        parts.append("  <memberCount>%d</memberCount>" % count)
    parts += [person(**p) for p in persons]
    parts += visits
    parts.append("</household>\n")
    return "\n".join(parts)


def family(**changes):
    """head, spouse and child, with per-person changes: changes['spouse'] = {...}"""
    return [dict(HEAD, **changes.get("head", {})), dict(SPOUSE, **changes.get("spouse", {})),
            dict(CHILD, **changes.get("child", {}))]


def alone(**changes):
    return [dict(HEAD, **changes)]


def young(line, birth, **more):
    """a child too young for marital status, activity and (under 6) education"""
    base = dict(line=line, name="刘小雨", rel="child", male=False, birth=birth, marital=None,
                education=None, activity=None, functioning=False)
    base.update(more)
    return base


FORMS = {
    # 1. roster
    "HEAD-COUNT": lambda n: household(n, family(spouse={"rel": "head"})),
    "SPOUSE-COUNT": lambda n: household(n, family() + [dict(SPOUSE, line=4, name="王丽华", birth="1971-03-04")]),
    "LINE-DUPLICATE": lambda n: household(n, family(child={"line": 2})),
    "LINE-RANGE": lambda n: household(n, family(child={"line": 5})),
    # 2. ages of head and spouse
    "HEAD-AGE": lambda n: household(n, alone(birth="2012-03-01", marital="never-married", education="2",
                                              activity=None)),
    "HEAD-AGE-YOUNG": lambda n: household(n, alone(birth="2009-03-01", marital="never-married",
                                                    education="2", activity="student")),
    # 3. generations
    "CHILD-AGE": lambda n: household(n, family(child={"birth": "1978-01-15"})),
    "CHILD-AGE-NEAR": lambda n: household(n, family(child={"birth": "1981-09-15"})),
    "PARENT-AGE": lambda n: household(n, family() + [dict(line=4, name="刘树林", rel="parent", male=True,
                                                         birth="1958-01-01", activity="retired")]),
    "PARENT-AGE-NEAR": lambda n: household(n, family() + [dict(line=4, name="刘树林", rel="parent", male=True,
                                                              birth="1955-01-01", activity="retired")]),
    "GRANDCHILD-AGE": lambda n: household(n, family() + [young(4, "1990-06-01", rel="grandchild",
                                                               marital="married", education="5",
                                                               activity="employed", functioning=True)]),
    "GRANDCHILD-AGE-NEAR": lambda n: household(n, family() + [young(4, "1993-12-01", rel="grandchild",
                                                                    marital="married", education="5",
                                                                    activity="employed", functioning=True)]),
    # 4. items that depend on age
    "MARITAL-REQUIRED": lambda n: household(n, family(spouse={"marital": None})),
    "MARITAL-UNDER-15": lambda n: household(n, family() + [young(4, "2016-04-04", marital="married",
                                                                 education="1", functioning=True)]),
    "EDUCATION-REQUIRED": lambda n: household(n, family(head={"education": None})),
    "EDUCATION-UNDER-6": lambda n: household(n, family() + [young(4, "2023-04-04", education="0")]),
    "ACTIVITY-REQUIRED": lambda n: household(n, family(head={"activity": None})),
    "ACTIVITY-UNDER-15": lambda n: household(n, family() + [young(4, "2016-04-04", education="1",
                                                                  activity="student", functioning=True)]),
    "FUNCTIONING-UNDER-5": lambda n: household(n, family() + [young(4, "2023-04-04", functioning=True)]),
    "BIRTH-AFTER-ENUMERATION": lambda n: household(n, family() + [young(4, "2026-10-20")]),
    "AGE-MAX": lambda n: household(n, alone(birth="1900-01-01", marital="widowed", education="0",
                                             activity="retired")),
    # 5. documents
    "ID-FORMAT": lambda n: household(n, family(child={"doc": "51010519960721031"})),
    "ID-CHECKSUM": lambda n: household(n, family(child={"doc": wrong_check(resident_id("1996-07-21", True, 3))})),
    "ID-BIRTH": lambda n: household(n, family(child={"doc": resident_id("1996-07-12", True, 3)})),
    "ID-DATE": lambda n: household(n, family(child={"doc": resident_id("1996-02-30", True, 3)})),
    "ID-SEX": lambda n: household(n, family(child={"doc": resident_id("1996-07-21", False, 3)})),
    "DOCUMENT-NUMBER-MISSING": lambda n: household(n, family(child={"doc": "", "doc_type": "passport"})),
    "DOCUMENT-NUMBER-NONE": lambda n: household(n, family(child={"doc": "E12345678", "doc_type": "none"})),
    "DOCUMENT-DUPLICATE": lambda n: household(n, family(head={"doc": "E12345678", "doc_type": "passport"},
                                                        spouse={"doc": "E12345678", "doc_type": "passport"})),
    # 6. nationality, document and residence
    "NATIONALITY-DOCUMENT": lambda n: household(n, family(child={"nationality": "USA", "ethnicity": None,
                                                                 "residence": "foreign-resident"})),
    "FOREIGN-DOCUMENT": lambda n: household(n, family(child={"nationality": "PAK", "ethnicity": None,
                                                             "residence": "foreign-resident", "doc": "",
                                                             "doc_type": "none"})),
    "RESIDENCE-FOREIGN": lambda n: household(n, family(child={"residence": "foreign-resident"})),
    "RESIDENCE-CARD-NATIONALITY": lambda n: household(n, family(child={"doc": "USA510199607",
                                                                       "doc_type": "foreign-permanent-residence"})),
    "ETHNICITY-FOREIGN": lambda n: household(n, family(child={"nationality": "PAK", "doc": "AB1234567",
                                                              "doc_type": "passport",
                                                              "residence": "foreign-resident"})),
    "MIGRANT-REGISTRATION": lambda n: household(n, family(child={"residence": "migrant"})),
    # household and enumeration
    "ENUMERATION-FUTURE": lambda n: household(n, alone(birth="2050-01-01"), enumeration_date="2099-01-01"),
    "COMPLETE-NO-PERSON": lambda n: household(n, [], respondent="proxy", member_count=False),
    "RESPONDENT-LINE": lambda n: household(n, family(), respondent="7"),
    "MEMBER-COUNT": lambda n: household(n, family(), member_count=4),
    "LOW-INCOME-SINCE-MISSING": lambda n: household(n, family(), low_income='<lowIncome receives="true"/>'),
    "LOW-INCOME-SINCE-UNEXPECTED": lambda n: household(n, family(),
                                                       low_income='<lowIncome receives="false" since="2020-01"/>'),
    "LOW-INCOME-SINCE-FUTURE": lambda n: household(n, family(),
                                                   low_income='<lowIncome receives="true" since="2026-12"/>'),
    "VISIT-AFTER-ENUMERATION": lambda n: household(n, family(), visits=[
        '  <visit date="2026-10-20" enumerator="E9901" purpose="gas-safety" outcome="done">燃气检查</visit>']),
    "HOUSEHOLD-ID-AREA": lambda n: household(n, family(), hid="510105016004-99-%04d" % n),
    "ADDRESS-CODES": lambda n: household(n, family(), address=(
        '    <district code="510105">青羊区</district>\n    <street code="510106016">黄田坝街道</street>\n'
        '    <community code="510105016003">华兴社区</community>\n    <grid>99</grid>\n'
        "    <building>555</building>\n    <unit>1</unit>\n    <room>101</room>\n")),
    # 7. warnings
    "AGE-OVER-105": lambda n: household(n, alone(birth="1919-01-01", marital="widowed", education="0",
                                                  activity="retired")),
    "LARGE-HOUSEHOLD": lambda n: household(n, family() + [
        dict(CHILD, line=k, name="刘孩%d" % k, birth="199%d-0%d-1%d" % (k % 10, 1 + k % 9, k % 10))
        for k in range(4, 14)]),
    "PHONE-MISSING": lambda n: household(n, family(head={"phone": None}), phone=None),
    "PHONE-MOBILE": lambda n: household(n, family(), phone="1390000111"),
    "PERSON-PHONE-MOBILE": lambda n: household(n, family(head={"phone": "+86139000011123"})),
    # structural error classes (the XSD) and refused input
    "XSD-CONTENT": lambda n: household(n, family(), tenure=None),
    "XSD-CODE": lambda n: household(n, family(child={"male": True})).replace("<sex>male</sex>\n    <birthDate>1996",
                                                                               "<sex>unknown</sex>\n    <birthDate>1996"),
    "XSD-PATTERN": lambda n: household(n, family(), phone="028-8765"),
    "XSD-TYPE": lambda n: household(n, family(child={"birth": "1996-02-30", "doc": "510105199602300319"})),
    "XSD-RANGE": lambda n: household(n, family(), floor="5000"),
    "XSD-LENGTH": lambda n: household(n, family(child={"name": "名" * 61})),
    "XSD-ATTRIBUTE": lambda n: household(n, family()).replace(' consent="true"', ""),
    "XML-ROOT": lambda n: household(n, family()).replace('xmlns="urn:hhreg:household:1"',
                                                         'xmlns="urn:example:other"'),
    "XML-XSI": lambda n: household(n, family(), root_attrs=(
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        ' xsi:schemaLocation="urn:hhreg:household:1 http://example.invalid/other.xsd"')),
    "XML-DOCTYPE": lambda n: household(n, family(), header=(
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE household [\n'
        '  <!ENTITY passwd SYSTEM "file:///etc/passwd">\n]>\n')),
    "XML-ENCODING": lambda n: household(n, family(), header='<?xml version="1.0" encoding="ISO-8859-1"?>\n'),
    "XML-TRUNCATED": lambda n: household(n, family())[:900],
    "XML-PARSE": lambda n: household(n, family()).replace("</relationship>", "</relation>", 1),
    "XML-ATTRS": lambda n: household(n, family(), root_attrs="".join(' a%d="x"' % k for k in range(65))),
    "XML-NOT-XML": lambda n: "%PDF-1.4\n% not a form\n",
}


# Forms added after the first set keep a serial of their own, so that the others keep
# theirs (a form's serial is its id's and its room's).
SERIALS = {"ID-DATE": 72, "PHONE-MOBILE": 73, "PERSON-PHONE-MOBILE": 74}


def main():
    first = sorted(name for name in FORMS if name not in SERIALS)
    numbered = {name: n for n, name in enumerate(first, start=1)}
    numbered.update(SERIALS)
    for name, make in sorted(FORMS.items()):
        with open(os.path.join(HERE, name + ".xml"), "w", encoding="utf-8") as f:
            f.write(make(numbered[name]))
    with open(os.path.join(HERE, "XML-EMPTY.xml"), "w") as f:
        pass


if __name__ == "__main__":
    main()
