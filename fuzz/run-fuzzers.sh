#!/bin/sh
# run-fuzzers.sh — what `make fuzz` runs: each libFuzzer harness (fuzz_form,
# fuzz_rules, fuzz_rules_native, fuzz_profile, fuzz_store) replays its regression inputs, then fuzzes for
# $FUZZ_SECONDS from a corpus seeded with the project's own samples, and the final
# statistics (executions per second, coverage, corpus) are printed in one table.
# Crashes, leaks and timeouts are written to fuzz/artifacts/ and make this fail.
# Environment: SRCDIR, BUILDDIR (set by make), FUZZ_SECONDS (default 600),
# FUZZ_ONLY (one harness name), FUZZ_JOBS (at most this many harnesses at once,
# default 1).
set -eu
: "${SRCDIR:?}" "${BUILDDIR:?}"
FUZZ_SECONDS=${FUZZ_SECONDS:-600}
work="$BUILDDIR/fuzz"
mkdir -p "$work/artifacts"

seed() { # seed NAME FILE... — the corpus of harness NAME starts with these files
    dir="$work/corpus-$1"
    shift
    mkdir -p "$dir"
    for f in "$@"; do
        [ -f "$f" ] && cp "$f" "$dir/" 2>/dev/null || true
    done
}

seed form "$SRCDIR"/samples/households/*.xml "$SRCDIR"/samples/invalid/*.xml
seed rules_native "$SRCDIR"/samples/households/*.xml "$SRCDIR"/samples/invalid/*.xml
seed rules "$SRCDIR"/schemas/rules-1.xml
seed profile "$SRCDIR"/samples/profiles/*.xml
# a small real store: two households, made by the hhreg just built (pages of 512
# bytes where the sqlite3 shell is at hand, so mutations reach records sooner)
store="$work/seed-store.db"
rm -f "$store" "$store-wal" "$store-shm"
if "$BUILDDIR/hhreg" init --db "$store" >/dev/null &&
    "$BUILDDIR/hhreg" import -q --schema-dir "$SRCDIR/schemas" --db "$store" \
        "$SRCDIR"/samples/households/510105016003-03-0001.xml "$SRCDIR"/samples/households/510105016003-03-0101.xml >/dev/null; then
    command -v sqlite3 >/dev/null && sqlite3 "$store" "PRAGMA journal_mode = DELETE; PRAGMA page_size = 512; VACUUM;" >/dev/null
    seed store "$store"
else
    echo "run-fuzzers.sh: cannot make the seed store with $BUILDDIR/hhreg" >&2
    exit 1
fi

# a dictionary of the form's element names and codes makes mutations land on real items
dict="$work/form.dict"
sed -n 's/.*name="\([A-Za-z][A-Za-z0-9]*\)".*/"<\1>"/p' "$SRCDIR/schemas/household-1.xsd" | sort -u >"$dict"
sed -n 's/.*value="\([A-Za-z0-9_.-]*\)".*/"\1"/p' "$SRCDIR/schemas/household-1.xsd" | sort -u | head -n 400 >>"$dict"

run() { # run NAME — replay, then fuzz; the log is fuzz/NAME.log
    name=$1
    harness="$BUILDDIR/fuzz/fuzz_$name"
    log="$work/$name.log"
    extra=""
    case $name in form | rules_native) extra="-dict=$dict" ;; esac
    for r in "$SRCDIR"/fuzz/regressions/"$name"-*; do
        [ -f "$r" ] || continue
        "$harness" "$r" >"$work/$name.replay.log" 2>&1 ||
            { echo "fuzz_$name: regression $r fails again:"; tail -n 30 "$work/$name.replay.log"; return 1; }
    done
    echo "fuzz_$name: fuzzing for $FUZZ_SECONDS s (log: $log)"
    # shellcheck disable=SC2086
    "$harness" $extra -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$work/artifacts/$name-" "$work/corpus-$name" >"$log" 2>&1
}

summary() { # the harness's last status line and final statistics
    name=$1
    log="$work/$name.log"
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    leak=$(grep -c 'ERROR: LeakSanitizer' "$log" || true)
    last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | sed 's/^#[0-9]* *[A-Z]* *//')
    printf '%-18s %12s runs %7s exec/s  %s  leaks: %s\n' "fuzz_$name" "${execs:-?}" "${speed:-?}" "$last" "$leak"
}

names=${FUZZ_ONLY:-"form rules rules_native profile store"}
status=0
# at most FUZZ_JOBS at once, each started as the oldest running one ends (they all
# run FUZZ_SECONDS, so the oldest ends first)
set --
for n in $names; do
    run "$n" &
    set -- "$@" $!
    if [ $# -ge "${FUZZ_JOBS:-1}" ]; then
        wait "$1" || status=1
        shift
    fi
done
for p in "$@"; do wait "$p" || status=1; done
echo
echo "harness             executions          speed   coverage (cov: edges, ft: features), corpus"
for n in $names; do summary "$n"; done
if [ "$status" -ne 0 ] || ls "$work/artifacts" | grep -q .; then
    echo "make fuzz: a harness failed; inputs that crash are in $work/artifacts/ — add each to fuzz/regressions/ as NAME-short-description"
    exit 1
fi
echo "make fuzz: no crash, leak or timeout"
