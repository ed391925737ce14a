#!/bin/bash
# kioskctl backup and restore, permissions, and the clear-text conninfo rule.
#
# - backup while a kiosk keeps writing (a script taking queue tickets): the copy passes
#   integrity_check, holds every record committed before the copy began, is one file
#   (no -wal/-shm) of mode 0600 named kiosk-YYYYMMDDTHHMMSS.mmmZ.db; --keep 2 leaves the
#   newest two.
# - restore refuses while the kiosk runs (the database stays as it is), refuses a damaged
#   file and a database that is not a kiosk's, and with the kiosk stopped puts a backup
#   back, keeping the replaced content aside; kioskctl check passes afterwards.
# - a new data dir is 0700, kiosk.db and its WAL/SHM 0600; check warns when group or
#   others may read them.
# - a conninfo to a remote host without sslmode=verify-*: one line naming file:line and
#   the key, exit 2 (kiosk and check); kioskctl upload --conninfo refuses it too.
set -u
B=${1:-build/asan}
K=$PWD/$B/kiosk; C=$PWD/$B/kioskctl
T=$(mktemp -d)
kp=""
trap '[ -n "$kp" ] && kill -9 $kp 2>/dev/null; rm -rf "$T"' EXIT
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $1"; fi; }
export SDL_VIDEODRIVER=dummy
D=$T/data
q() { sqlite3 "$1" "$2"; }

# --- a kiosk that keeps writing ----------------------------------------------------------
# The writer is only load: the release build when there is one (faster than $B).
W=$PWD/build/release/kiosk; [ -x "$W" ] || W=$K
for i in $(seq 1 30); do printf 'press 服务指南\npress 排队取号\npress 政策咨询\npress 完成\n'; done > "$T/tickets.script"
"$W" --headless --data-dir "$D" --script "$T/tickets.script" > "$T/kiosk.log" 2>&1 & kp=$!
for _ in $(seq 1 600); do [ "$(q "$D/kiosk.db" "select count(*) from records" 2>/dev/null)" -ge 5 ] 2>/dev/null && break; sleep 0.1; done
check "new data dir 0700" '[ "$(stat -c %a "$D")" = 700 ]'
check "kiosk.db, -wal, -shm 0600" '[ "$(stat -c %a "$D/kiosk.db" "$D/kiosk.db-wal" "$D/kiosk.db-shm" | sort -u)" = 600 ]'
q "$D/kiosk.db" "select uuid from records order by seq" > "$T/before"
"$C" --data-dir "$D" backup "$T/bk" --keep 2 > "$T/b1.out" 2>&1; rc=$?
wait $kp; kp=""
check "backup while the kiosk writes: exit 0" '[ $rc = 0 ] || { cat "$T/b1.out"; false; }'
b1=$(ls "$T"/bk/kiosk-*.db | head -n 1)
check "named by date and time" '[[ "$(basename "$b1")" =~ ^kiosk-[0-9]{8}T[0-9]{6}\.[0-9]{3}Z\.db$ ]]'
check "one file of mode 0600, nothing beside it" '[ "$(stat -c %a "$b1")" = 600 ] && [ "$(ls -A "$T/bk" | wc -l)" = 1 ]'
check "the copy passes integrity_check" '[ "$(q "$b1" "pragma integrity_check")" = ok ]'
q "$b1" "select uuid from records" | sort > "$T/in-copy"
check "it holds every record committed before it began ($(wc -l < "$T/before"))" \
  '[ -s "$T/before" ] && [ -z "$(sort "$T/before" | comm -23 - "$T/in-copy")" ]'
check "the kiosk kept writing during and after the copy" '[ "$(q "$D/kiosk.db" "select count(*) from records")" -gt "$(wc -l < "$T/before")" ]'
check "the report names the copy" 'grep -q "^backup: $b1 ([0-9]* records, integrity ok)" "$T/b1.out"'

# --- restore while the kiosk runs ----------------------------------------------------------
"$K" --windowed --data-dir "$D" > "$T/idle.log" 2>&1 & kp=$!   # the real loop, idle
for _ in $(seq 1 300); do [ "$(q "$D/kiosk.db" "select count(*) from events where kind = 'start'")" -ge 2 ] && break; sleep 0.1; done
sum_before=$(q "$D/kiosk.db" "select count(*) from records")
"$C" --data-dir "$D" restore "$b1" > "$T/r1.out" 2>&1; rc=$?
check "restore refuses while the kiosk runs (exit 1, a sentence)" \
  '[ $rc = 1 ] && grep -q "is in use .*: stop the kiosk first (systemctl stop kiosk)" "$T/r1.out" || { cat "$T/r1.out"; false; }'
check "... and leaves the database alone" '[ "$(q "$D/kiosk.db" "select count(*) from records")" -ge "$sum_before" ] && [ ! -e "$D"/kiosk.db.before-restore-* ]'
for i in 2 3; do "$C" --data-dir "$D" backup "$T/bk" --keep 2 > "$T/b$i.out" 2>&1; done
check "--keep 2 leaves the newest two" '[ "$(ls "$T"/bk/kiosk-*.db | wc -l)" = 2 ] && [ ! -e "$b1" ] && grep -q "1 older removed" "$T/b3.out"'
b3=$(ls "$T"/bk/kiosk-*.db | tail -n 1)
kill $kp; wait $kp 2>/dev/null; kp=""

# --- restore with the kiosk stopped ----------------------------------------------------------
n3=$(q "$b3" "select count(*) from records")
n_live=$(q "$D/kiosk.db" "select count(*) from records")
cp "$b3" "$T/damaged.db"; dd if=/dev/urandom of="$T/damaged.db" bs=1024 seek=8 count=8 conv=notrunc 2>/dev/null
"$C" --data-dir "$D" restore "$T/damaged.db" > "$T/r2.out" 2>&1; rc=$?
check "a damaged file is refused" '[ $rc = 1 ] && grep -qE "integrity check fails|not a kiosk database|cannot open|malformed" "$T/r2.out" || { cat "$T/r2.out"; false; }'
q "$T/other.db" "create table t(x); insert into t values (1)"
"$C" --data-dir "$D" restore "$T/other.db" > "$T/r3.out" 2>&1; rc=$?
check "a database that is not a kiosk's is refused" '[ $rc = 1 ] && grep -q "not a kiosk database" "$T/r3.out"'
check "... the live one untouched" '[ "$(q "$D/kiosk.db" "select count(*) from records")" = "$n_live" ]'
"$C" --data-dir "$D" restore "$b3" > "$T/r4.out" 2>&1; rc=$?
check "restore puts the backup back" '[ $rc = 0 ] && [ "$(q "$D/kiosk.db" "select count(*) from records")" = "$n3" ] || { cat "$T/r4.out"; false; }'
kept=$(ls "$D"/kiosk.db.before-restore-* 2>/dev/null | head -n 1)
check "... keeping what it replaced aside" '[ -n "$kept" ] && [ "$(q "$kept" "select count(*) from records")" = "$n_live" ] && grep -qF "kept as $kept" "$T/r4.out"'
check "... the restore is in the event log" '[ "$(q "$D/kiosk.db" "select count(*) from events where kind = \"restore\"")" = 1 ]'
"$C" --data-dir "$D" check > "$T/check.out" 2>&1
check "check passes on the restored kiosk" 'grep -q "^database: ok" "$T/check.out" && grep -q "^permissions: ok" "$T/check.out"'
"$K" --headless --data-dir "$D" --script /dev/null > "$T/k2.log" 2>&1
check "the kiosk starts on it" '[ $? = 0 ] || { cat "$T/k2.log"; false; }'
chmod 755 "$D"; chmod 644 "$D/kiosk.db"
"$C" --data-dir "$D" check > "$T/check2.out" 2>&1
check "check warns about a data dir and database others may read" \
  '[ "$(grep -c "^permissions: WARNING" "$T/check2.out")" = 2 ] && grep -q "chmod 700 $D$" "$T/check2.out"'

# --- the clear-text conninfo rule --------------------------------------------------------------
sed 's|^conninfo =.*|conninfo = host=db.centre.example dbname=kiosk sslmode=require|' kiosk-config/kiosk.ini > "$T/remote.ini"
line=$(grep -n "^conninfo = host=db.centre.example" "$T/remote.ini" | cut -d: -f1)
"$C" --config "$T/remote.ini" --data-dir "$D" check > "$T/c1.out" 2> "$T/c1.err"; rc=$?
check "check fails on a remote conninfo without verify-full (exit 2)" '[ $rc = 2 ]'
check "... one line naming file:line and the key" \
  '[ "$(wc -l < "$T/c1.err")" = 1 ] && grep -q "^$T/remote.ini:$line: \[upload\] conninfo sends to db.centre.example without checking the server" "$T/c1.err" || cat "$T/c1.err"'
"$K" --headless --config "$T/remote.ini" --data-dir "$T/d9" --script /dev/null 2> "$T/k9.err"; rc=$?
check "the kiosk refuses it the same way, writing nothing" '[ $rc = 2 ] && grep -q "remote.ini:$line: \[upload\] conninfo" "$T/k9.err" && [ ! -e "$T/d9" ]'
sed 's|^conninfo =.*|conninfo = host=db.centre.example dbname=kiosk sslmode=verify-full sslrootcert=/etc/kiosk/ca.crt|' kiosk-config/kiosk.ini > "$T/tls.ini"
"$C" --config "$T/tls.ini" --data-dir "$D" stats > /dev/null 2> "$T/c2.err"
check "verify-full is accepted" '[ $? = 0 ] || { cat "$T/c2.err"; false; }'
sed 's|^conninfo =.*|conninfo = host=/var/run/postgresql dbname=kiosk|' kiosk-config/kiosk.ini > "$T/sock.ini"
"$C" --config "$T/sock.ini" --data-dir "$D" stats > /dev/null 2>&1
check "a Unix socket is accepted" '[ $? = 0 ]'
"$C" --data-dir "$D" upload --conninfo "host=10.1.2.3 dbname=kiosk" > /dev/null 2> "$T/u.err"; rc=$?
check "upload --conninfo to a remote host in the clear is refused" '[ $rc = 2 ] && grep -q "sends to 10.1.2.3 without checking the server" "$T/u.err"'
check "no sanitizer report" '! grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$T"/*.log "$T"/*.out "$T"/*.err'

echo "$pass passed, $fail failed"
[ $fail = 0 ]
