#!/bin/bash
# kioskctl stats / records / check on a database they cannot read: exit status 1 and a
# sentence, never a count of -1 with status 0; and on a database on read-only media (a
# WAL database whose -shm file cannot be created, with and without commits still in the
# WAL), which they read without writing anything there.
set -u
B=${1:-build/asan}
K=$PWD/$B/kiosk; C=$PWD/$B/kioskctl
T=$(mktemp -d); MNT=
cleanup() { [ -n "$MNT" ] && umount "$MNT" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
. tests/shell/testlib.sh
export TMPDIR=$T/tmp; mkdir -p "$TMPDIR"

# --- a file that is not a database -----------------------------------------------------
mkdir -p "$T/junk"
head -c 16384 /dev/urandom > "$T/junk/kiosk.db"
$C --data-dir "$T/junk" stats >"$T/out" 2>"$T/err"; rc=$?
check "stats on junk exits 1" eval '[ $rc = 1 ]'
check "stats on junk prints no figures" eval '[ ! -s "$T/out" ]'
check "stats on junk says so" eval 'grep -q "cannot be read" "$T/err"'
$C --data-dir "$T/junk" records >"$T/out" 2>"$T/err"; rc=$?
check "records on junk exits 1" eval '[ $rc = 1 ]'
$C --data-dir "$T/junk" check >"$T/out" 2>&1; rc=$?
check "check on junk exits 1 naming the database" eval '[ $rc = 1 ] && grep -q "^database: FAILED (.*cannot be read" "$T/out"'

# --- a real database whose tables are damaged --------------------------------------------
$K --headless --script /dev/null --data-dir "$T/d" >/dev/null 2>&1
sqlite3 "$T/d/kiosk.db" "PRAGMA journal_mode=DELETE" >/dev/null
# Overwrite every page after the schema's first page with garbage (keeps the header).
size=$(stat -c %s "$T/d/kiosk.db")
dd if=/dev/urandom of="$T/d/kiosk.db" bs=4096 seek=1 count=$(( size / 4096 - 1 )) conv=notrunc 2>/dev/null
$C --data-dir "$T/d" stats >"$T/out" 2>"$T/err"; rc=$?
check "stats on a damaged database exits non-zero" eval '[ $rc != 0 ]'
check "stats never prints -1" eval '! grep -q -- ": -1" "$T/out"'
$C --data-dir "$T/d" check >"$T/out" 2>&1; rc=$?
check "check on a damaged database exits 1" eval '[ $rc = 1 ] && grep -q "^database: FAILED" "$T/out"'

# --- read-only media ------------------------------------------------------------------------
MNT=$T/mnt; mkdir -p "$MNT"
if ! mount -t tmpfs -o size=16m tmpfs "$MNT" 2>/dev/null; then
  MNT=
  echo "skip: read-only media part (cannot mount a tmpfs here: needs root)"
else
  $K --headless --script /dev/null --data-dir "$MNT/clean" >/dev/null 2>&1
  places=$(sqlite3 "$MNT/clean/kiosk.db" "select count(*) from places")
  # A kiosk that stopped without a checkpoint: two records only in the WAL.
  mkdir -p "$MNT/wal"; cp "$MNT/clean/kiosk.db" "$MNT/wal/"
  /usr/bin/python3 - "$MNT/wal/kiosk.db" <<'EOF'
import os, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("PRAGMA journal_mode=WAL")
for u in ("11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"):
    c.execute("INSERT INTO records(uuid,kiosk_id,kind,created_at,local_date,fields)"
              " VALUES(?,'LD-DEMO-01','consultation','2026-12-01T01:00:00.000Z','2026-12-01','{}')", (u,))
c.commit()
os._exit(0)  # no close: the WAL keeps the commits
EOF
  rm -f "$MNT/wal/kiosk.db-shm"
  check "the WAL holds the records" eval '[ -s "$MNT/wal/kiosk.db-wal" ]'
  mount -o remount,ro "$MNT"
  ls -la "$MNT/clean" "$MNT/wal" > "$T/before"
  $C --data-dir "$MNT/clean" stats >"$T/out" 2>"$T/err"; rc=$?
  check "stats reads a database on read-only media" eval '[ $rc = 0 ] && grep -q "^places: $places$" "$T/out"'
  [ $rc = 0 ] || cat "$T/err"
  $C --data-dir "$MNT/wal" stats --date 2026-12-01 >"$T/out" 2>"$T/err"; rc=$?
  check "stats sees the commits still in the WAL" eval '[ $rc = 0 ] && grep -q "^consultation: 2$" "$T/out" && grep -q "^records_total: 2$" "$T/out"'
  [ $rc = 0 ] || cat "$T/err"
  $C --data-dir "$MNT/wal" check >"$T/out" 2>&1; rc=$?
  check "check reads it too" eval 'grep -q "^database: ok" "$T/out"'
  $C --data-dir "$MNT/wal" records --json >"$T/out" 2>&1; rc=$?
  check "records lists them" eval '[ $rc = 0 ] && [ "$(wc -l <"$T/out")" = 2 ]'
  ls -la "$MNT/clean" "$MNT/wal" > "$T/after"
  check "nothing was written on the media" eval 'cmp -s "$T/before" "$T/after"'
  check "no temporary copy is left behind" eval '[ -z "$(ls "$TMPDIR")" ]'
fi

summary
