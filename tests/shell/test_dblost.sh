#!/bin/bash
# The running kiosk (headless, real event loop and clock) whose database is deleted, then
# replaced, under it: it notices within [store] file_check_s (1 s here) though nothing is
# written, rescues the content from its open connection, moves what is left aside, goes
# out of service and stays up; kioskctl says what happened and creates nothing; after
# kioskctl reset-database the kiosk resumes by itself on the new (first-start) database;
# SIGTERM still stops it.
set -u
B=${1:-build/asan}
K=$PWD/$B/kiosk; C=$PWD/$B/kioskctl
T=$(mktemp -d); pid=
trap '[ -n "$pid" ] && kill -KILL $pid 2>/dev/null; rm -rf "$T"' EXIT
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $1"; fi; }
# waits up to 30 s for a condition
until_ok() { for i in $(seq 1 300); do eval "$1" && return 0; sleep 0.1; done; return 1; }
q() { sqlite3 "$@" 2>/dev/null; }
events() { q "$D/kiosk.db" "select count(*) from events where kind='$1'"; }

D=$T/data
sed 's/^file_check_s = .*/file_check_s = 1/' kiosk-config/kiosk.ini > "$T/k.ini"
grep -q '^file_check_s = 1$' "$T/k.ini" || { echo "FAIL: kiosk.ini lacks [store] file_check_s"; exit 1; }
"$K" --headless --config "$T/k.ini" --data-dir "$D" >"$T/kiosk.log" 2>&1 &
pid=$!
check "the kiosk starts and seeds" 'until_ok "[ \"\$(events start)\" = 1 ]"'
places=$(q "$D/kiosk.db" "select count(*) from places")

# --- deleted under the running kiosk ------------------------------------------------------
rm "$D/kiosk.db"
check "the deletion is noticed without any write" 'until_ok "[ -f $D/incident ]"'
check "it is noted as deleted" 'grep -q "^what=deleted$" "$D/incident"'
aside=$(sed -n 's/^aside=//p' "$D/incident" 2>/dev/null)
check "the content was rescued from the open connection" '[ "$(q "$aside/rescued.db" "select count(*) from places")" = "$places" ] && [ "$(q "$aside/rescued.db" "select count(*) from events where kind=\"start\"")" = 1 ]'
check "the kiosk stays up" 'kill -0 $pid'
check "no new database appeared" '[ ! -e "$D/kiosk.db" ]'
"$C" --config "$T/k.ini" --data-dir "$D" check >"$T/check" 2>&1; rc=$?
check "check fails and says what happened and what to do" '[ $rc = 1 ] && grep -q "deleted while the kiosk ran" "$T/check" && grep -q "reset-database" "$T/check"'
"$C" --config "$T/k.ini" --data-dir "$D" import activities assets/demo/activities.csv >"$T/out" 2>&1; rc=$?
check "import refuses (exit 1), creating nothing" '[ $rc = 1 ] && [ ! -e "$D/kiosk.db" ]'
grep -q "out of service" "$T/kiosk.log" || true

# --- staff start afresh: the kiosk comes back by itself ----------------------------------
"$C" --config "$T/k.ini" --data-dir "$D" reset-database >"$T/out" 2>&1; rc=$?
check "reset-database starts an empty database" '[ $rc = 0 ] && grep -q "old files are in $aside" "$T/out"'
check "the kiosk resumes on it" 'until_ok "[ \"\$(events service_resumed)\" = 1 ]"'
check "the new database says why it is new" '[ "$(q "$D/kiosk.db" "select count(*) from events where kind in (\"database_reset\",\"database_incident\")")" = 2 ]'
check "the first-start steps ran on it (demo content)" 'until_ok "[ \"\$(q $D/kiosk.db \"select count(*) from places\")\" = $places ]"'
check "the incident note went to the old files" '[ ! -e "$D/incident" ] && [ -f "$aside/incident" ]'

# --- replaced under the running kiosk -------------------------------------------------------
sleep 1.5
cp "$aside/rescued.db" "$T/other.db"
mv "$T/other.db" "$D/kiosk.db"
check "the replacement is noticed" 'until_ok "[ -f $D/incident ] && grep -q \"^what=replaced$\" $D/incident"'
aside2=$(sed -n 's/^aside=//p' "$D/incident" 2>/dev/null)
check "the file found in its place is kept aside, not used" '[ -f "$aside2/found-kiosk.db" ] && [ ! -e "$D/kiosk.db" ]'
check "what the kiosk had is rescued" '[ "$(q "$aside2/rescued.db" "select count(*) from events where kind=\"service_resumed\"")" = 1 ]'

kill -TERM $pid
check "SIGTERM stops it out of service too" 'until_ok "! kill -0 $pid 2>/dev/null"'
wait $pid; rc=$?; pid=
check "with exit status 0" '[ $rc = 0 ]'
grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$T/kiosk.log" && { fail=$((fail+1)); echo "FAIL: sanitizer"; cat "$T/kiosk.log"; }
[ $fail = 0 ] || tail -20 "$T/kiosk.log"

echo "$pass passed, $fail failed"
[ $fail = 0 ]
