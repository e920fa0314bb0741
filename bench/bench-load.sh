#!/bin/sh
# bench-load.sh — `make bench`: `hhreg serve` under load, against `hhreg import -j 2`
# of the very same forms in the same run. BENCH_LOAD_HOUSEHOLDS generated forms
# (default 20000) are submitted by BENCH_LOAD_CLIENTS clients at once (default 64;
# bench/load.c: libcurl's multi interface, one enumerator's session, each form its
# own Idempotency-Key) to a server on loopback with a new store; it prints
# submissions per second, the median and 99th percentile latency, the server's
# peak RSS, and the import's time on the same forms.
# Environment: HHREG, LOAD (the generator), SCHEMAS (set by make), BENCH_DIR.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"

N=${BENCH_LOAD_HOUSEHOLDS:-20000}
K=${BENCH_LOAD_CLIENTS:-64}
HHREG=${HHREG:-./hhreg}
LOAD=${LOAD:-./bench/load}
SCHEMAS=${SCHEMAS:-schemas}
need "$TIME" time
workdir
export HHREG_SCHEMA_DIR="$SCHEMAS"
PASSWORD=load-bench-password

rm -rf "$WORK/load-forms" "$WORK"/load-*.db* "$WORK/load-out"
"$HHREG" sample --households "$N" --seed 2 -o "$WORK/load-forms" > /dev/null
find "$WORK/load-forms" -name '*.xml' | sort > "$WORK/load-list"
cat $(cat "$WORK/load-list") > /dev/null
"$HHREG" init --db "$WORK/load-serve.db" > /dev/null
# one enumerator with every grid of the forms (a grid is the ids' prefix)
set -- $(sed 's|.*/||; s|-[0-9]*\.xml$||' "$WORK/load-list" | sort -u | sed 's/^/--grid /')
echo "$PASSWORD" | "$HHREG" user add load --role enumerator --password-stdin --db "$WORK/load-serve.db" "$@" > /dev/null

"$HHREG" serve --listen 127.0.0.1:0 --db "$WORK/load-serve.db" > "$WORK/serve.out" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q 'port ' "$WORK/serve.out" && break; sleep 0.1; done
PORT=$(sed -n 's/.*(port \([0-9]*\).*/\1/p' "$WORK/serve.out" | head -n 1)
[ -n "$PORT" ] || { cat "$WORK/serve.out" >&2; exit 1; }

echo "hhreg serve under load: $N forms, $K clients, $(nproc) cores"
"$LOAD" "http://127.0.0.1:$PORT" load "$PASSWORD" "$K" "$WORK/load-list" > "$WORK/load-out"
cat "$WORK/load-out"
echo "server peak RSS: $(awk '/VmHWM/ { printf "%.1f MB", $2 / 1024 }' /proc/$SERVER/status)"
kill -TERM $SERVER
wait $SERVER || true
trap - EXIT

RESULTS=$WORK/load-results
rm -f "$RESULTS"
"$HHREG" init --db "$WORK/load-import.db" > /dev/null
run "hhreg import -j 2 (files)" "$HHREG" import -q -j 2 --db "$WORK/load-import.db" "$WORK/load-forms"
awk -F'|' -v n="$N" '{ printf "%-30s %8.2f s %9.0f forms/s %7.1f MB peak RSS\n", $1, $2, n / ($2 > 0 ? $2 : 0.001), $3 / 1024 }' "$RESULTS"
# the server's submissions a second over the import's forms a second (the target: >= 0.5)
served=$(sed -n 's/.* in \([0-9.]*\) s:.*/\1/p' "$WORK/load-out")
awk -F'|' -v s="$served" '{ if (s > 0) printf "server / import -j 2: %.2fx\n", $2 / s }' "$RESULTS"
stored=$(sqlite3 "$WORK/load-serve.db" "SELECT count(*) FROM household" 2>/dev/null || echo "?")
echo "stored by the server: $stored households"
rm -rf "$WORK/load-forms" "$WORK"/load-*.db* "$WORK/load-out"
