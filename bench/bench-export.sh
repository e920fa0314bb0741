#!/bin/sh
# bench-export.sh — `make bench`: how fast the shipped export plugins write a
# district's data, against the sqlite3 shell dumping the same tables as CSV.
#
# It builds a store of about BENCH_PERSONS persons (default 1000000, about 465,000
# households) from generated forms, then times, on the same store:
#   sqlite3 -csv: the current persons and their households, joined   (the baseline)
#   hhreg export district-csv with samples/profiles/generic-persons.xml
#   hhreg export jsonl
#   hhreg export xml
#   hhreg export summary (all five area levels, tidy CSV; then with min-count=3,
#   which adds the suppression sweep; then down to grids only: its memory follows
#   the number of areas and cells, not of persons)
#   hhreg export anonymise, public and licensed profiles (CSV, .dta, .sav, codebook
#   and report: it holds every person in memory, about 60 bytes each, to suppress)
# and prints seconds, persons per second, the ratio to the dump and peak RSS, with
# the same for a tenth of the store beside it, to show that RSS stays flat.
# Environment: HHREG, SQLITE3, SCHEMAS, PLUGINS, PROFILES (set by make),
# BENCH_PERSONS, BENCH_DIR (kept when given).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"

PERSONS=${BENCH_PERSONS:-1000000}
HOUSEHOLDS=$((PERSONS * 100 / 215))
HHREG=${HHREG:-./hhreg}
SQLITE3=${SQLITE3:-sqlite3}
SCHEMAS=${SCHEMAS:-schemas}
PLUGINS=${PLUGINS:-plugins/.libs}
PROFILES=${PROFILES:-samples/profiles}
need "$SQLITE3" sqlite3
need "$TIME" time
workdir
export HHREG_SCHEMA_DIR="$SCHEMAS"
RESULTS=$WORK/export-results

# store N: a store of N households
store() {
    db="$WORK/export-$1.db"
    if [ ! -f "$db" ]; then
        "$HHREG" sample --households "$1" --seed 7 --batch "$WORK/export-$1.xml"
        "$HHREG" init --db "$db" > /dev/null
        "$HHREG" import -q --batch-size 5000 --db "$db" "$WORK/export-$1.xml" > /dev/null
        rm -f "$WORK/export-$1.xml"
    fi
    echo "$db"
}

DUMP="SELECT p.*, r.district_code, r.street_code, r.community_code, r.building, r.unit, r.room
      FROM household h JOIN revision r ON r.household_id = h.id AND r.revision = h.current_revision
      JOIN person p ON p.household_id = h.id AND p.revision = h.current_revision
      WHERE h.deleted_at IS NULL ORDER BY h.id, p.line"

rm -f "$RESULTS"
for n in $((HOUSEHOLDS / 10)) "$HOUSEHOLDS"; do
    db=$(store "$n")
    persons=$("$SQLITE3" "$db" "SELECT count(*) FROM person")
    cat "$db" > /dev/null
    run "sqlite3 -csv dump|$persons" "$SQLITE3" -csv "$db" "$DUMP"
    run "district-csv (generic-persons)|$persons" "$HHREG" export district-csv --plugin-dir "$PLUGINS" --db "$db" \
        --opt "profile=$PROFILES/generic-persons.xml" -o "$WORK/persons.csv"
    run "jsonl|$persons" "$HHREG" export jsonl --plugin-dir "$PLUGINS" --db "$db" -o "$WORK/households.jsonl"
    run "xml|$persons" "$HHREG" export xml --plugin-dir "$PLUGINS" --db "$db" -o "$WORK/forms.xml"
    run "summary|$persons" "$HHREG" export summary --plugin-dir "$PLUGINS" --db "$db" -o "$WORK/summary.csv"
    run "summary min-count=3|$persons" "$HHREG" export summary --plugin-dir "$PLUGINS" --db "$db" \
        --opt min-count=3 -o "$WORK/summary-protected.csv"
    run "summary to grids|$persons" "$HHREG" export summary --plugin-dir "$PLUGINS" --db "$db" \
        --opt levels=district,street,community,grid -o "$WORK/summary-grids.csv"
    rm -rf "$WORK/anonymised" "$WORK/anonymised-licensed"
    run "anonymise (public, all formats)|$persons" "$HHREG" export anonymise --plugin-dir "$PLUGINS" --db "$db" \
        --opt seed=1 -o "$WORK/anonymised"
    run "anonymise (licensed, all formats)|$persons" "$HHREG" export anonymise --plugin-dir "$PLUGINS" \
        --db "$db" --opt seed=1 --opt profile=licensed -o "$WORK/anonymised-licensed"
    sed -n '/^Result/,/^$/p' "$WORK/anonymised/disclosure-report.txt"
done

echo "hhreg export benchmark: $(nproc) cores"
awk -F'|' '
    /^sqlite3/ { base[$2] = $3 }
    {
        printf "%-34s %9d persons %8.2f s %10.0f persons/s %6.2fx dump %8.1f MB peak RSS\n",
               $1, $2, $3, $2 / ($3 > 0 ? $3 : 0.001), $3 / (base[$2] > 0 ? base[$2] : 0.001), $4 / 1024
    }' "$RESULTS"
