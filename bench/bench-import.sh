#!/bin/sh
# bench-import.sh — `make bench`: how fast hhreg validates and imports, against
# `xmllint --noout --schema` and a straightforward Python import (lxml + sqlite3,
# bench/baseline_import.py) over the very same forms, in one run.
#
# It generates BENCH_HOUSEHOLDS households (default 100000) as one file each and as
# one batch file — or takes your own forms from BENCH_INPUT (a directory) — warms
# the page cache, then times, each on the same input:
#   xmllint --noout --schema household-1.xsd   (structure only: the baseline)
#   the Python baseline                         (structure, then sqlite3 inserts)
#   hhreg validate                              (structure and consistency rules)
#   hhreg import -j 1 and -j 2 into new stores  (files, then the batch)
# and prints seconds, forms per second, the ratios and peak RSS.
# Environment: HHREG, XMLLINT, SCHEMAS (set by make), BENCH_HOUSEHOLDS, BENCH_INPUT,
# BENCH_DIR (kept afterwards when given; a temporary directory otherwise),
# PYTHON (default /usr/bin/python3, which has Debian's python3-lxml).
set -eu

N=${BENCH_HOUSEHOLDS:-100000}
HHREG=${HHREG:-./hhreg}
XMLLINT=${XMLLINT:-xmllint}
SCHEMAS=${SCHEMAS:-schemas}
TIME=/usr/bin/time
PYTHON=${PYTHON:-/usr/bin/python3}
HERE=$(cd "$(dirname "$0")" && pwd)
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

if [ -n "${BENCH_INPUT:-}" ]; then
    FORMS=$BENCH_INPUT
    BATCH=
else
    FORMS=$WORK/forms
    BATCH=$WORK/batch.xml
    rm -rf "$FORMS" "$BATCH"
    "$HHREG" sample --households "$N" --seed 1 -o "$FORMS"
    "$HHREG" sample --households "$N" --seed 1 --batch "$BATCH"
    cat "$BATCH" > /dev/null
fi
find "$FORMS" -name '*.xml' | sort > "$WORK/list"
N=$(wc -l < "$WORK/list")
xargs cat < "$WORK/list" > /dev/null
echo "hhreg import benchmark: $N forms in $(du -sh "$FORMS" | cut -f1) of files${BATCH:+ and a batch of $(du -sh "$BATCH" | cut -f1)}, $(nproc) cores"

# run NAME COMMAND...: times the command; records seconds and peak RSS (KiB)
run() {
    name=$1
    shift
    "$TIME" -f "%e %M" -o "$WORK/time" "$@" > /dev/null 2> "$WORK/stderr" || true
    set -- $(tail -n 1 "$WORK/time")
    echo "$name $1 $2" >> "$WORK/results"
}

rm -f "$WORK/results" "$WORK"/store*.db* "$WORK"/python.db*
run "xmllint --schema (files)" sh -c "xargs '$XMLLINT' --noout --schema '$SCHEMAS/household-1.xsd' < '$WORK/list'"
if "$PYTHON" -c 'import lxml' 2>/dev/null; then
    run "python lxml+sqlite3 (files)" "$PYTHON" "$HERE/baseline_import.py" "$SCHEMAS/household-1.xsd" "$WORK/python.db" "$FORMS"
else
    echo "bench: $PYTHON has no lxml (apt-get install python3-lxml); the Python baseline is left out" >&2
fi
run "hhreg validate (files)" "$HHREG" validate "$FORMS"
for j in 1 2; do
    "$HHREG" init --db "$WORK/store-files-$j.db" > /dev/null
    run "hhreg import -j $j (files)" "$HHREG" import -q -j "$j" --db "$WORK/store-files-$j.db" "$FORMS"
    if [ -n "$BATCH" ]; then
        "$HHREG" init --db "$WORK/store-batch-$j.db" > /dev/null
        run "hhreg import -j $j (batch)" "$HHREG" import -q -j "$j" --db "$WORK/store-batch-$j.db" "$BATCH"
    fi
done

awk -v n="$N" '
    { secs[NR] = $(NF - 1); rss[NR] = $NF; name[NR] = $1
      for (i = 2; i <= NF - 2; i++) name[NR] = name[NR] " " $i
      if (NR == 1) base = secs[NR]
      if (name[NR] ~ /^python/) py = secs[NR] }
    END {
        for (k = 1; k <= NR; k++) {
            printf "%-30s %8.2f s %9.0f forms/s %6.2fx xmllint", name[k], secs[k], n / (secs[k] > 0 ? secs[k] : 0.001), secs[k] / (base > 0 ? base : 0.001)
            if (py > 0) printf " %6.2fx python", secs[k] / py
            printf " %7.1f MB peak RSS\n", rss[k] / 1024
        }
    }' "$WORK/results"
echo "store: $(du -h "$WORK/store-files-1.db" | cut -f1) for $N forms"
