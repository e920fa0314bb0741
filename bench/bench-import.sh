#!/bin/sh
# bench-import.sh — `make bench`: how fast hhreg validates and imports, against
# `xmllint --noout --schema` over the very same forms, in one run.
#
# It generates BENCH_HOUSEHOLDS households (default 100000) as one file each and as
# one batch file, warms the page cache, then times, each on the same input:
#   xmllint --noout --schema household-1.xsd   (structure only: the baseline)
#   hhreg validate                              (structure and consistency rules)
#   hhreg import into a new store               (files, then the batch)
# and prints seconds, forms per second, the ratio to xmllint and peak RSS.
# Environment: HHREG, XMLLINT, SCHEMAS (set by make), BENCH_HOUSEHOLDS, BENCH_DIR
# (kept afterwards when given; a temporary directory otherwise).
set -eu

N=${BENCH_HOUSEHOLDS:-100000}
HHREG=${HHREG:-./hhreg}
XMLLINT=${XMLLINT:-xmllint}
SCHEMAS=${SCHEMAS:-schemas}
TIME=/usr/bin/time
for tool in "$XMLLINT" "$TIME"; do
    command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool is needed (apt-get install libxml2-utils time)" >&2; exit 2; }
done
if [ -n "${BENCH_DIR:-}" ]; then
    WORK=$BENCH_DIR
    mkdir -p "$WORK"
else
    WORK=$(mktemp -d)
    trap 'rm -rf "$WORK"' EXIT
fi
export HHREG_SCHEMA_DIR="$SCHEMAS"

echo "hhreg benchmark: $N households, $(nproc) cores, $(uname -r)"
rm -rf "$WORK/forms" "$WORK/batch.xml"
"$HHREG" sample --households "$N" --seed 1 -o "$WORK/forms"
"$HHREG" sample --households "$N" --seed 1 --batch "$WORK/batch.xml"
find "$WORK/forms" -name '*.xml' | sort > "$WORK/list"
xargs cat < "$WORK/list" > /dev/null
cat "$WORK/batch.xml" > /dev/null
echo "input: $(wc -l < "$WORK/list") files, $(du -sh "$WORK/forms" | cut -f1); batch $(du -sh "$WORK/batch.xml" | cut -f1)"

# run NAME COMMAND...: times the command; records seconds and peak RSS (KiB)
run() {
    name=$1
    shift
    "$TIME" -f "%e %M" -o "$WORK/time" "$@" > /dev/null 2> "$WORK/stderr" || true
    set -- $(tail -n 1 "$WORK/time")
    echo "$name $1 $2" >> "$WORK/results"
}

rm -f "$WORK/results" "$WORK"/store*.db*
run "xmllint --schema (files)" sh -c "xargs '$XMLLINT' --noout --schema '$SCHEMAS/household-1.xsd' < '$WORK/list'"
run "hhreg validate (files)" "$HHREG" validate "$WORK/forms"
"$HHREG" init --db "$WORK/store1.db" > /dev/null
run "hhreg import (files)" "$HHREG" import -q --db "$WORK/store1.db" "$WORK/forms"
"$HHREG" init --db "$WORK/store2.db" > /dev/null
run "hhreg import (batch)" "$HHREG" import -q --db "$WORK/store2.db" "$WORK/batch.xml"

stored=$("$HHREG" list --db "$WORK/store1.db" --json | grep -c '"id"' || true)
[ "$stored" -eq "$N" ] || { echo "bench: expected $N stored households, found $stored" >&2; exit 1; }

awk -v n="$N" '
    NR == 1 { base = $(NF - 1) }
    {
        secs = $(NF - 1); rss = $NF; name = $1
        for (i = 2; i <= NF - 2; i++) name = name " " $i
        printf "%-28s %8.2f s %10.0f forms/s %6.2fx xmllint %8.1f MB peak RSS\n", name, secs, n / (secs > 0 ? secs : 0.001), secs / (base > 0 ? base : 0.001), rss / 1024
    }' "$WORK/results"
echo "store: $(du -h "$WORK/store1.db" | cut -f1) for $N households ($stored verified)"
