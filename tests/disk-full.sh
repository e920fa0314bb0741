#!/bin/sh
# disk-full.sh — run by tests/test_resilience.c inside a private mount namespace
# (unshare --mount): mounts a 24 MB tmpfs on $1, fills all but 1.5 MB of it,
# imports the batch $2 (3,000 forms) into a store there and expects exit 2 with a
# plain "No space left on device" message, a store that passes `hhreg check` and
# holds only whole forms; then frees the space and expects the same import to
# complete with all 3,000 households. Exit 0: as expected; 77: no tmpfs here.
set -u
mnt=$1
batch=$2
hhreg=${HHREG_BIN:?}
mount -t tmpfs -o size=24m,mode=0700 tmpfs "$mnt" 2>/dev/null || exit 77
command -v sqlite3 >/dev/null || { echo "disk-full.sh: no sqlite3 shell"; exit 77; }
fail() {
    echo "disk-full.sh: $*"
    exit 1
}
db=$mnt/store.db
whole="SELECT count(*) FROM revision r WHERE r.size <> (SELECT count(*) FROM person p
       WHERE p.household_id = r.household_id AND p.revision = r.revision)"

"$hhreg" init --db "$db" >/dev/null || fail "init failed"
avail_kb=$(df -k --output=avail "$mnt" | tail -n 1)
dd if=/dev/zero of="$mnt/filler" bs=1024 count=$((avail_kb - 1536)) 2>/dev/null

said=$("$hhreg" import -q --db "$db" "$batch" 2>&1)
status=$?
[ "$status" -eq 2 ] || fail "import onto a full disk: exit $status, wanted 2: $said"
summary=$(printf '%s\n' "$said" | grep ' form(s): ')
err=$(printf '%s\n' "$said" | grep -v ' form(s): ')
case $err in
*"No space left on device"*"run the same import again"*) ;;
*) fail "no plain message on a full disk: $err" ;;
esac
# the forms lost with the open transaction are "not stored", not "refused" (the
# refused ones are the sample's few duplicate ID numbers, each with its error)
refused=$(printf '%s\n' "$summary" | sed -n 's/.* \([0-9]*\) refused,.*/\1/p')
not_stored=$(printf '%s\n' "$summary" | sed -n 's/.* \([0-9]*\) not stored;.*/\1/p')
errors=$(printf '%s\n' "$err" | grep -c ': error: \[')
[ "${not_stored:-0}" -gt 0 ] && [ "${refused:-0}" -le "$errors" ] ||
    fail "lost forms not counted as not stored: $summary"
"$hhreg" check --db "$db" >/dev/null || fail "hhreg check fails after the disk filled up"
[ "$(sqlite3 "$db" "$whole")" = 0 ] || fail "a form was half stored"
partial=$(sqlite3 "$db" "SELECT count(*) FROM household")
[ "$partial" -lt 3000 ] || fail "all forms fit: the disk was not full"

rm -f "$mnt/filler"
"$hhreg" import -q --db "$db" "$batch" >/dev/null || fail "the same import failed after space was freed"
"$hhreg" check --db "$db" >/dev/null || fail "hhreg check fails after the re-run"
[ "$(sqlite3 "$db" "SELECT count(*) FROM household")" = 3000 ] || fail "not all 3000 households after the re-run"
[ "$(sqlite3 "$db" "$whole")" = 0 ] || fail "a form was half stored after the re-run"
echo "disk-full.sh: $partial of 3000 forms stored on the full disk, with: $err"
echo "disk-full.sh: all 3000 stored after space was freed"
