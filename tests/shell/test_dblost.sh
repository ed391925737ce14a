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
. tests/shell/testlib.sh
# waits up to 30 s for a condition
until_ok() { for i in $(seq 1 300); do eval "$1" && return 0; sleep 0.1; done; return 1; }
q() { sqlite3 "$@" 2>/dev/null; }
events() { q "$D/kiosk.db" "select count(*) from events where kind='$1'"; }

D=$T/data
sed 's/^file_check_s = .*/file_check_s = 1/' kiosk-config/kiosk.ini > "$T/k.ini"
grep -q '^file_check_s = 1$' "$T/k.ini" || { echo "FAIL: kiosk.ini lacks [store] file_check_s"; exit 1; }
"$K" --headless --config "$T/k.ini" --data-dir "$D" >"$T/kiosk.log" 2>&1 &
pid=$!
check "the kiosk starts and seeds" eval 'until_ok "[ \"\$(events start)\" = 1 ]"'
places=$(q "$D/kiosk.db" "select count(*) from places")

# --- deleted under the running kiosk ------------------------------------------------------
rm "$D/kiosk.db"
check "the deletion is noticed without any write" eval 'until_ok "[ -f $D/incident ]"'
check "it is noted as deleted" eval 'grep -q "^what=deleted$" "$D/incident"'
aside=$(sed -n 's/^aside=//p' "$D/incident" 2>/dev/null)
check "the content was rescued from the open connection" eval '[ "$(q "$aside/rescued.db" "select count(*) from places")" = "$places" ] && [ "$(q "$aside/rescued.db" "select count(*) from events where kind=\"start\"")" = 1 ]'
check "the kiosk stays up" eval 'kill -0 $pid'
check "no new database appeared" eval '[ ! -e "$D/kiosk.db" ]'
"$C" --config "$T/k.ini" --data-dir "$D" check >"$T/check" 2>&1; rc=$?
check "check fails and says what happened and what to do" eval '[ $rc = 1 ] && grep -q "deleted while the kiosk ran" "$T/check" && grep -q "reset-database" "$T/check"'
"$C" --config "$T/k.ini" --data-dir "$D" import activities assets/demo/activities.csv >"$T/out" 2>&1; rc=$?
check "import refuses (exit 1), creating nothing" eval '[ $rc = 1 ] && [ ! -e "$D/kiosk.db" ]'
grep -q "out of service" "$T/kiosk.log" || true

# --- staff start afresh: the kiosk comes back by itself ----------------------------------
"$C" --config "$T/k.ini" --data-dir "$D" reset-database >"$T/out" 2>&1; rc=$?
check "reset-database starts an empty database" eval '[ $rc = 0 ] && grep -q "old files are in $aside" "$T/out"'
check "the kiosk resumes on it" eval 'until_ok "[ \"\$(events service_resumed)\" = 1 ]"'
check "the new database says why it is new" eval '[ "$(q "$D/kiosk.db" "select count(*) from events where kind in (\"database_reset\",\"database_incident\")")" = 2 ]'
check "the first-start steps ran on it (demo content)" eval 'until_ok "[ \"\$(q $D/kiosk.db \"select count(*) from places\")\" = $places ]"'
check "the incident note went to the old files" eval '[ ! -e "$D/incident" ] && [ -f "$aside/incident" ]'

# --- replaced under the running kiosk -------------------------------------------------------
sleep 1.5
cp "$aside/rescued.db" "$T/other.db"
mv "$T/other.db" "$D/kiosk.db"
check "the replacement is noticed" eval 'until_ok "[ -f $D/incident ] && grep -q \"^what=replaced$\" $D/incident"'
aside2=$(sed -n 's/^aside=//p' "$D/incident" 2>/dev/null)
check "the file found in its place is kept aside, not used" eval '[ -f "$aside2/found-kiosk.db" ] && [ ! -e "$D/kiosk.db" ]'
check "what the kiosk had is rescued" eval '[ "$(q "$aside2/rescued.db" "select count(*) from events where kind=\"service_resumed\"")" = 1 ]'

# --- staff put the rescued copy back: the kiosk comes back on it ---------------------------
resumed=$(q "$aside2/rescued.db" "select count(*) from events where kind='service_resumed'")
"$C" --config "$T/k.ini" --data-dir "$D" restore "$aside2/rescued.db" >"$T/out" 2>&1; rc=$?
check "kioskctl restore puts the rescued copy back while the kiosk is out of service" eval '[ $rc = 0 ] || { cat "$T/out"; false; }'
check "the kiosk resumes on the restored database" eval 'until_ok "[ \"\$(events service_resumed)\" -gt $resumed ]"'
check "which logs the incident it ends" eval '[ "$(q "$D/kiosk.db" "select count(*) from events where kind=\"database_incident\" and detail like \"replaced%\"")" = 1 ]'

kill -TERM $pid
check "SIGTERM stops it out of service too" eval 'until_ok "! kill -0 $pid 2>/dev/null"'
wait $pid; rc=$?; pid=
check "with exit status 0" eval '[ $rc = 0 ]'
check "the kiosk's log is sanitizer-clean" clean "$T/kiosk.log"
[ $fail = 0 ] || tail -20 "$T/kiosk.log"

summary
