#!/bin/sh
# bench-loss.sh — `make bench-loss`: how many values the anonymise plugin blanks
# against R's sdcMicro (localSuppression) on the same recoded keys (issue 22,
# item 9). Never run by make check or CI: sdcMicro is built by hand
# (bench/build-sdcmicro.sh) and takes minutes on the street.
#
# Data sets: the sample grid (samples/households) and a street of
# BENCH_LOSS_HOUSEHOLDS generated households (default 20000, hhreg sample --seed 1);
# profiles public (k = 5) and licensed (k = 3). For each:
#   hhreg export anonymise --opt seed=3      the release, blanks counted per person
#   bench/loss_keys.py recoded               the recoded input both start from, from
#                                            hhreg export jsonl; checked against the
#                                            report's persons at risk after recodes
#   bench/sdc_loss.R                         sdcMicro on it, finished to the strict
#                                            reading and household-wide items
# and prints persons, blank quasi-identifier cells (recoded input, sdcMicro,
# hhreg), hhreg ÷ sdcMicro of the values blanked, the seconds each took, and the
# values blanked per variable.
# Environment: HHREG, SCHEMAS, PLUGINS, SAMPLES (set by make), SDCMICRO_LIB
# (default /tmp/sdc-lib), PYTHON (default /usr/bin/python3, with pandas),
# BENCH_LOSS_HOUSEHOLDS, BENCH_DIR (kept when given).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"

HHREG=${HHREG:-./hhreg}
SCHEMAS=${SCHEMAS:-schemas}
PLUGINS=${PLUGINS:-plugins/.libs}
SAMPLES=${SAMPLES:-samples}
PYTHON=${PYTHON:-/usr/bin/python3}
SDCMICRO_LIB=${SDCMICRO_LIB:-/tmp/sdc-lib}
export SDCMICRO_LIB
HOUSEHOLDS=${BENCH_LOSS_HOUSEHOLDS:-20000}

need Rscript r-base-core
"$PYTHON" -c 'import pandas' 2>/dev/null || { echo "bench-loss: $PYTHON needs pandas (apt-get install python3-pandas)" >&2; exit 2; }
if ! Rscript -e ".libPaths(c('$SDCMICRO_LIB', .libPaths())); suppressMessages(library(sdcMicro))" >/dev/null 2>&1; then
    echo "SKIP: bench-loss: sdcMicro is not in SDCMICRO_LIB=$SDCMICRO_LIB. Build it with"
    echo "  sh $HERE/build-sdcmicro.sh SDCMICRO_SOURCE $SDCMICRO_LIB"
    echo "(SDCMICRO_SOURCE: a git snapshot, tarball or directory of sdcTools/sdcMicro 5.8.1)"
    exit 77
fi
workdir
cp "$HERE/sdc_loss.R" "$WORK/sdc_loss.R"   # Rscript reads its file as it goes: an edit would break a run

hhreg() { "$HHREG" --schema-dir "$SCHEMAS" "$@"; }
seconds() { "$TIME" -f %e -o "$WORK/time" "$@" >/dev/null 2>"$WORK/stderr" || { cat "$WORK/stderr" >&2; exit 1; }; cat "$WORK/time"; }

echo "== stores: the sample grid, a street of $HOUSEHOLDS generated households"
hhreg init --db "$WORK/grid.db" >/dev/null
hhreg import --db "$WORK/grid.db" --enumerator bench "$SAMPLES/households" >/dev/null 2>&1
hhreg sample --households "$HOUSEHOLDS" --seed 1 --batch "$WORK/street.xml" >/dev/null
hhreg init --db "$WORK/street.db" >/dev/null
hhreg import -j 2 --db "$WORK/street.db" --enumerator bench "$WORK/street.xml" >/dev/null 2>&1

printf '%-7s %-9s %7s %9s %9s %9s %6s %8s %7s\n' "data" "profile" "persons" "blank in" "sdcMicro" "hhreg" \
    "ratio" "sdcMicro" "hhreg"
for set in grid street; do
    hhreg export jsonl --db "$WORK/$set.db" --plugin-dir "$PLUGINS" -o "$WORK/$set.jsonl" 2>/dev/null
    for profile in public licensed; do
        k=5; [ "$profile" = licensed ] && k=3
        out=$WORK/$set-$profile
        rm -rf "$out"
        s_hhreg=$(seconds "$HHREG" --schema-dir "$SCHEMAS" export anonymise --db "$WORK/$set.db" --plugin-dir "$PLUGINS" -o "$out" \
            --opt profile="$profile" --opt seed=3 --opt format=csv)
        "$PYTHON" "$HERE/loss_keys.py" recoded "$WORK/$set.jsonl" "$profile" "$out/disclosure-report.json" \
            "$out.in.csv" >/dev/null
        "$PYTHON" "$HERE/loss_keys.py" release "$out" "$out.hhreg.csv"
        Rscript "$WORK/sdc_loss.R" "$out.in.csv" "$k" "$out.sdc.csv" > "$out.sdc.time"
        read -r first s_sdc runs fallbacks first_blanks < "$out.sdc.time"
        "$PYTHON" "$HERE/loss_keys.py" table "$set" "$profile" "$out.in.csv" "$out.hhreg.csv" "$out.sdc.csv" \
            "$s_hhreg" "$s_sdc"
        echo "        sdcMicro: first localSuppression ${first}s, $first_blanks blank cells (NA matching anything); $runs runs, $fallbacks finished by its last-resort rule"
    done
done
echo "blank: quasi-identifier cells per person (household items once per person); ratio: hhreg ÷ sdcMicro of"
echo "the values blanked (blank after minus blank in); seconds: sdcMicro with its finishing, hhreg's whole export"
