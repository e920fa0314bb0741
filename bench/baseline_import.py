#!/usr/bin/python3
"""baseline_import.py — the import a user might write instead of hhreg, for `make
bench`: every form file validated with lxml against the form XSD, and each valid one
stored with Python's sqlite3 (households, persons and the XML, in transactions of 500,
WAL and synchronous=FULL as hhreg uses). It checks no consistency rules and keeps no
revisions or audit log, so it does less than hhreg.

usage: baseline_import.py SCHEMA.xsd STORE.db FILE_OR_DIR
Needs Debian's python3-lxml (run with /usr/bin/python3)."""
import os
import sqlite3
import sys

from lxml import etree

NS = "{urn:hhreg:household:1}"


def files(path):
    if os.path.isdir(path):
        for root, dirs, names in os.walk(path):
            dirs.sort()
            for name in sorted(names):
                if name.endswith(".xml") and not name.startswith("."):
                    yield os.path.join(root, name)
    else:
        yield path


def text(el, name):
    child = el.find(NS + name)
    return child.text if child is not None else None


def main():
    xsd, store, path = sys.argv[1:4]
    schema = etree.XMLSchema(etree.parse(xsd))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    db = sqlite3.connect(store)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE IF NOT EXISTS household (id TEXT PRIMARY KEY, building TEXT, unit TEXT, room TEXT, xml BLOB)")
    db.execute("CREATE TABLE IF NOT EXISTS person (household_id TEXT, line INTEGER, name TEXT, sex TEXT,"
               " birth_date TEXT, document TEXT, PRIMARY KEY (household_id, line))")
    stored = refused = pending = 0
    for name in files(path):
        try:
            with open(name, "rb") as f:
                raw = f.read()
            doc = etree.fromstring(raw, parser)
        except (OSError, etree.XMLSyntaxError):
            refused += 1
            continue
        forms = [doc] if doc.tag == NS + "household" else doc.findall(NS + "household")
        for form in forms:
            if not schema.validate(etree.ElementTree(form)):
                refused += 1
                continue
            address = form.find(NS + "address")
            hid = form.get("id")
            db.execute("INSERT OR REPLACE INTO household VALUES (?, ?, ?, ?, ?)",
                       (hid, text(address, "building"), text(address, "unit"), text(address, "room"),
                        etree.tostring(form)))
            db.executemany("INSERT OR REPLACE INTO person VALUES (?, ?, ?, ?, ?, ?)",
                           [(hid, int(p.get("line")), text(p, "name"), text(p, "sex"), text(p, "birthDate"),
                             text(p, "document")) for p in form.findall(NS + "person")])
            stored += 1
            pending += 1
            if pending >= 500:
                db.commit()
                pending = 0
    db.commit()
    db.close()
    print(f"{stored} stored, {refused} refused")


if __name__ == "__main__":
    main()
