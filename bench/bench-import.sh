#!/bin/sh
# bench-import.sh — `make bench`: how fast hhreg validates and imports, against
# `xmllint --noout --schema` and a straightforward Python import (lxml + sqlite3,
# bench/baseline_import.py) over the very same forms, in one run.
#
# For each size in BENCH_HOUSEHOLDS (default "100000 1000000") it generates that
# many households as one file each and as one batch file — or takes your own forms
# from BENCH_INPUT (a directory) — warms the page cache, then times, on the same input:
#   xmllint --noout --schema household-1.xsd   (structure only: the baseline)
#   the Python baseline                         (structure, then sqlite3 inserts)
#   hhreg validate                              (structure and consistency rules)
#   hhreg import -j 1 and -j 2 into new stores  (files, then the batch)
#   the batch in ten parts, one after the other into one store (-j 2)
# and prints seconds, forms per second, the ratios and peak RSS; then the rules
# alone, natively and through XPath, on the batch's forms (bench/rules, RULES).
# Environment: HHREG, XMLLINT, SCHEMAS, RULES (set by make), BENCH_HOUSEHOLDS, BENCH_INPUT,
# BENCH_DIR (kept afterwards when given), PYTHON (default /usr/bin/python3, which
# has Debian's python3-lxml).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"

SIZES=${BENCH_HOUSEHOLDS:-100000 1000000}
HHREG=${HHREG:-./hhreg}
XMLLINT=${XMLLINT:-xmllint}
SCHEMAS=${SCHEMAS:-schemas}
PYTHON=${PYTHON:-/usr/bin/python3}
need "$XMLLINT" libxml2-utils
need "$TIME" time
workdir
export HHREG_SCHEMA_DIR="$SCHEMAS"

# bench FORMS BATCH: every row on one input (BATCH may be empty)
bench() {
    forms=$1
    batch=$2
    find "$forms" -name '*.xml' | sort > "$WORK/list"
    n=$(wc -l < "$WORK/list")
    xargs cat < "$WORK/list" > /dev/null
    [ -z "$batch" ] || cat "$batch" > /dev/null
    echo "hhreg import benchmark: $n forms in $(du -sh "$forms" | cut -f1) of files${batch:+ and a batch of $(du -sh "$batch" | cut -f1)}, $(nproc) cores"
    RESULTS=$WORK/results
    rm -f "$RESULTS" "$WORK"/store-*.db* "$WORK"/python.db*
    run "xmllint --schema (files)" sh -c "xargs '$XMLLINT' --noout --schema '$SCHEMAS/household-1.xsd' < '$WORK/list'"
    if "$PYTHON" -c 'import lxml' 2>/dev/null; then
        run "python lxml+sqlite3 (files)" "$PYTHON" "$HERE/baseline_import.py" "$SCHEMAS/household-1.xsd" \
            "$WORK/python.db" "$forms"
    else
        echo "bench: $PYTHON has no lxml (apt-get install python3-lxml); the Python baseline is left out" >&2
    fi
    run "hhreg validate (files)" "$HHREG" validate "$forms"
    for j in 1 2; do
        "$HHREG" init --db "$WORK/store-files-$j.db" > /dev/null
        run "hhreg import -j $j (files)" "$HHREG" import -q -j "$j" --db "$WORK/store-files-$j.db" "$forms"
        if [ -n "$batch" ]; then
            "$HHREG" init --db "$WORK/store-batch-$j.db" > /dev/null
            run "hhreg import -j $j (batch)" "$HHREG" import -q -j "$j" --db "$WORK/store-batch-$j.db" "$batch"
        fi
    done
    awk -F'|' -v n="$n" '
        { name[NR] = $1; secs[NR] = $2; rss[NR] = $3
          if (NR == 1) base = $2
          if ($1 ~ /^python/) py = $2 }
        END {
            for (k = 1; k <= NR; k++) {
                printf "%-30s %8.2f s %9.0f forms/s %6.2fx xmllint", name[k], secs[k], n / (secs[k] > 0 ? secs[k] : 0.001), secs[k] / (base > 0 ? base : 0.001)
                if (py > 0) printf " %6.2fx python", secs[k] / py
                printf " %7.1f MB peak RSS\n", rss[k] / 1024
            }
        }' "$RESULTS"
    echo "store: $(du -h "$WORK/store-files-1.db" | cut -f1) for $n forms"
    [ -z "$batch" ] || scale "$batch" "$n"
    # the rules' cost alone: the batch's first 20,000 forms held in memory
    if [ -n "$batch" ] && [ -x "${RULES:-}" ]; then
        awk '{ print } /<\/household>/ && ++k == 20000 { print "</households>"; exit }' \
            "$batch" > "$WORK/rules-batch.xml"
        "$RULES" "$SCHEMAS/rules-1.xml" "$WORK/rules-batch.xml" 1
        rm -f "$WORK/rules-batch.xml"
    fi
}

# scale BATCH N: the batch cut in ten parts, imported one after the other with -j 2
# into one store: does the tenth cost what the first did (issue 21: within 10 %)?
scale() {
    rm -f "$WORK"/part-*.xml "$WORK"/store-scale.db*
    awk -v dir="$WORK" -v per=$((($2 + 9) / 10)) '
        function open_part() { f = sprintf("%s/part-%02d.xml", dir, k / per); printf "%s", head > f }
        !started && /<household[ >]/ { started = 1; open_part() }
        !started { head = head $0 "\n"; next }
        /^<\/households>/ { next }
        { print > f }
        /<\/household>/ && ++k % per == 0 { print "</households>" > f; close(f); open_part() }
        END { print "</households>" > f }' "$1"
    "$HHREG" init --db "$WORK/store-scale.db" > /dev/null
    RESULTS=$WORK/scale
    rm -f "$RESULTS"
    for part in "$WORK"/part-*.xml; do
        grep -q '<household ' "$part" || continue
        run "part" "$HHREG" import -q -j 2 --db "$WORK/store-scale.db" "$part"
    done
    awk -F'|' -v per=$((($2 + 9) / 10)) '
        { t[NR] = $2; if ($3 > rss) rss = $3 }
        END {
            printf "hhreg import -j 2 (batch) in parts of %d into one store:", per
            for (k = 1; k <= NR; k++) printf " %.1f", t[k]
            printf " s; last / first %.2f; %.1f MB peak RSS\n", t[NR] / (t[1] > 0 ? t[1] : 0.001), rss / 1024
        }' "$RESULTS"
    rm -f "$WORK"/part-*.xml "$WORK"/store-scale.db*
}

if [ -n "${BENCH_INPUT:-}" ]; then
    bench "$BENCH_INPUT" ""
else
    for n in $SIZES; do
        rm -rf "$WORK/forms" "$WORK/batch.xml"
        "$HHREG" sample --households "$n" --seed 1 -o "$WORK/forms"
        "$HHREG" sample --households "$n" --seed 1 --batch "$WORK/batch.xml"
        bench "$WORK/forms" "$WORK/batch.xml"
        rm -rf "$WORK/forms" "$WORK/batch.xml" "$WORK"/store-*.db* "$WORK"/python.db*
    done
fi
