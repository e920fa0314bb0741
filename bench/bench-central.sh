#!/bin/sh
# bench-central.sh — `make bench`: feeding the central database and merging stores.
#
#   postgres plugin, full load of a store of BENCH_PERSONS persons (default 1000000,
#     about 465,000 households) into an empty central schema, against `psql \copy` of
#     the same tables' rows as CSV into tables of the same shape in the same database
#     (the baseline: the plugin also reads the store, stages and upserts);
#   postgres plugin, incremental, after 1 % of the households were revised;
#   hhreg merge of BENCH_MERGE_STORES (10) stores of BENCH_MERGE_HOUSEHOLDS (100000)
#     households each, every one a different community, into one new store;
# each with seconds, rows or forms per second and peak RSS (hhreg and its plugin's
# process). PostgreSQL runs in a cluster of its own in the work directory (initdb,
# a Unix socket, no TCP; as nobody when run as root), stopped at the end.
# Environment: HHREG, SCHEMAS, PLUGINS (set by make), BENCH_PERSONS,
# BENCH_MERGE_STORES, BENCH_MERGE_HOUSEHOLDS, BENCH_DIR (kept when given).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"

PERSONS=${BENCH_PERSONS:-1000000}
HOUSEHOLDS=$((PERSONS * 100 / 215))
MERGE_STORES=${BENCH_MERGE_STORES:-10}
MERGE_HOUSEHOLDS=${BENCH_MERGE_HOUSEHOLDS:-100000}
HHREG=${HHREG:-./hhreg}
SCHEMAS=${SCHEMAS:-schemas}
PLUGINS=${PLUGINS:-plugins/.libs}
need "$TIME" time
need psql postgresql-client
INITDB=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | tail -n 1)
[ -n "$INITDB" ] || { echo "bench: PostgreSQL is needed (apt-get install postgresql)" >&2; exit 2; }
PGBIN=$(dirname "$INITDB")
workdir
export HHREG_SCHEMA_DIR="$SCHEMAS"
RESULTS=$WORK/central-results
rm -f "$RESULTS"

# --- the cluster ------------------------------------------------------------------
CLUSTER=$WORK/pg
as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}
rm -rf "$CLUSTER"
mkdir -p "$CLUSTER"
chmod 755 "$WORK" "$CLUSTER"
[ "$(id -u)" = 0 ] && chown nobody "$CLUSTER"
as_owner "$PGBIN/initdb" -D "$CLUSTER/data" -A trust -U hhreg -E UTF8 --no-sync > "$CLUSTER/initdb.log" 2>&1
as_owner "$PGBIN/pg_ctl" -D "$CLUSTER/data" -o "-k $CLUSTER -c listen_addresses= -c max_wal_size=4GB" \
    -l "$CLUSTER/log" -w start > /dev/null
stop_cluster() { as_owner "$PGBIN/pg_ctl" -D "$CLUSTER/data" -m fast -w stop > /dev/null 2>&1 || true; }
trap 'stop_cluster; [ -n "${BENCH_DIR:-}" ] || rm -rf "$WORK"' EXIT
PSQL="psql -h $CLUSTER -U hhreg -d postgres -q -v ON_ERROR_STOP=1"
CONNINFO="conninfo=host=$CLUSTER user=hhreg dbname=postgres"

# --- a store of PERSONS persons -----------------------------------------------------
# central.db is kept as imported (with BENCH_DIR, for the next run); the runs revise a copy
PRISTINE=$WORK/central.db
[ -f "$WORK/central.xml" ] || "$HHREG" sample --households "$HOUSEHOLDS" --seed 7 --batch "$WORK/central.xml"
if [ ! -f "$PRISTINE" ]; then
    "$HHREG" init --db "$PRISTINE" > /dev/null
    "$HHREG" import -q --db "$PRISTINE" "$WORK/central.xml" > /dev/null
fi
DB=$WORK/run.db
rm -f "$DB"*
cp "$PRISTINE" "$DB"
persons=$(sqlite3 "$DB" "SELECT count(*) FROM person")
households=$(sqlite3 "$DB" "SELECT count(*) FROM household")
cat "$DB" > /dev/null

$PSQL -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS hhreg CASCADE; DROP SCHEMA IF EXISTS baseline CASCADE"
run "postgres plugin, full load|$persons" "$HHREG" export postgres --plugin-dir "$PLUGINS" --db "$DB" \
    --allow-network --opt "$CONNINFO" --opt create=yes

# the baseline: the same rows as CSV, \copy'd into tables of the same shape
for t in household person visit revision; do
    $PSQL -c "\\copy (SELECT * FROM hhreg.$t) TO '$WORK/$t.csv' CSV"
done
$PSQL -c "CREATE SCHEMA baseline;
  CREATE TABLE baseline.household (LIKE hhreg.household) PARTITION BY LIST (district_code);
  ALTER TABLE baseline.household ADD PRIMARY KEY (district_code, id);
  CREATE TABLE baseline.person (LIKE hhreg.person) PARTITION BY LIST (district_code);
  ALTER TABLE baseline.person ADD PRIMARY KEY (district_code, household_id, line);
  CREATE TABLE baseline.visit (LIKE hhreg.visit) PARTITION BY LIST (district_code);
  ALTER TABLE baseline.visit ADD PRIMARY KEY (district_code, household_id, seq);
  CREATE TABLE baseline.household_d PARTITION OF baseline.household DEFAULT;
  CREATE TABLE baseline.person_d PARTITION OF baseline.person DEFAULT;
  CREATE TABLE baseline.visit_d PARTITION OF baseline.visit DEFAULT;
  CREATE TABLE baseline.revision (LIKE hhreg.revision INCLUDING ALL);"
cat > "$WORK/copy.sql" <<EOF
BEGIN;
\\copy baseline.household FROM '$WORK/household.csv' CSV
\\copy baseline.person FROM '$WORK/person.csv' CSV
\\copy baseline.visit FROM '$WORK/visit.csv' CSV
\\copy baseline.revision FROM '$WORK/revision.csv' CSV
COMMIT;
EOF
run "psql copy of the same rows (CSV)|$persons" $PSQL -f "$WORK/copy.sql"

# 1 % of the households revised (their floor area), then an incremental run
awk 'BEGIN { n = 0 }
     /^  <household / { n++; keep = (n % 100 == 0) }
     NR <= 2 || /^<\/households>/ { print; next }
     keep { if ($0 ~ /<floorArea>/) sub(/<floorArea>[^<]*</, "<floorArea>123.4<"); print }' \
    "$WORK/central.xml" > "$WORK/changed.xml"
"$HHREG" import -q --db "$DB" "$WORK/changed.xml" > /dev/null
changed=$(grep -c '^  <household ' "$WORK/changed.xml")
run "postgres plugin, incremental (1 %)|$changed" "$HHREG" export postgres --plugin-dir "$PLUGINS" --db "$DB" \
    --allow-network --opt "$CONNINFO"
rm -f "$WORK/central.xml" "$WORK/changed.xml" "$WORK"/*.csv "$DB"*

# --- merge ------------------------------------------------------------------------
k=1
while [ "$k" -le "$MERGE_STORES" ]; do
    s=$WORK/merge-$k.db
    if [ ! -f "$s" ]; then
        "$HHREG" sample --households "$MERGE_HOUSEHOLDS" --seed "$((100 + k))" --batch "$WORK/merge.xml"
        # its own district: the ids and area codes 000105... -> 00NN05... (the sample
        # spans several communities of one district; document numbers are left alone)
        d=$(printf %02d "$k")
        sed "s/id=\"000105/id=\"00${d}05/; s/code=\"000105/code=\"00${d}05/" "$WORK/merge.xml" > "$WORK/merge-$k.xml"
        "$HHREG" init --db "$s" > /dev/null
        "$HHREG" import -q --db "$s" "$WORK/merge-$k.xml" > /dev/null
        rm -f "$WORK/merge.xml" "$WORK/merge-$k.xml"
    fi
    k=$((k + 1))
done
rm -f "$WORK/merged.db"*
"$HHREG" init --db "$WORK/merged.db" > /dev/null
forms=0
k=1
while [ "$k" -le "$MERGE_STORES" ]; do
    forms=$((forms + $(sqlite3 "$WORK/merge-$k.db" "SELECT count(*) FROM revision")))
    k=$((k + 1))
done
run "hhreg merge of $MERGE_STORES stores|$forms" sh -c "\"$HHREG\" merge --db \"$WORK/merged.db\" \"$WORK\"/merge-*.db || [ \$? -eq 1 ]"
run "hhreg merge again (nothing new)|$forms" sh -c "\"$HHREG\" merge --db \"$WORK/merged.db\" \"$WORK\"/merge-*.db || [ \$? -eq 1 ]"

echo "hhreg central benchmark: $(nproc) cores; a store of $households households, $persons persons"
awk -F'|' '
    /^postgres plugin, full/ { full = $3 }
    /^psql/ { base = $3 }
    { rows[NR] = $0 }
    END {
        for (i = 1; i <= NR; i++) {
            split(rows[i], f, "|")
            printf "%-40s %9d %8.2f s %10.0f /s %8.1f MB peak RSS", f[1], f[2], f[3], f[2] / (f[3] > 0 ? f[3] : 0.001), f[4] / 1024
            if (f[1] ~ /^postgres plugin, full/ && base > 0) printf "  %.2fx psql \\copy", f[3] / base
            if (f[1] ~ /^postgres plugin, incr/ && full > 0) printf "  %.1f %% of the full load", 100 * f[3] / full
            printf "\n"
        }
    }' "$RESULTS"
