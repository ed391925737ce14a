#!/bin/bash
# The first start is atomic and cannot be skipped: the kiosk killed (SIGKILL) at random
# moments of its first starts still seeds its content exactly once at the next start;
# and `kioskctl set-pin` run before the first start (a documented step) does not stop
# the kiosk from seeding.
set -u
B=${1:-build/asan}
K=$PWD/$B/kiosk; C=$PWD/$B/kioskctl
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
. tests/shell/testlib.sh
q() { sqlite3 "$1" "$2" 2>/dev/null; }

# --- killed during the first start --------------------------------------------------------
# Deterministic: KIOSK_FAULT=first-start kills the kiosk (SIGKILL) with the seed written
# and not committed, twice; then a normal start.
D=$T/killed
for i in 1 2; do
  KIOSK_FAULT=first-start "$K" --headless --script /dev/null --data-dir "$D" >/dev/null 2>&1; rc=$?
  check "killed in its first start ($i)" eval '[ $rc = 137 ] && [ -f "$D/kiosk.db" ]'
  check "nothing of it stayed ($i)" eval '[ "$(q "$D/kiosk.db" "select count(*) from places")" = 0 ]'
done
"$K" --headless --script /dev/null --data-dir "$D" >"$T/log" 2>&1; rc=$?
check "a start after the kills succeeds" eval '[ $rc = 0 ]'
"$C" --data-dir "$D" stats > "$T/stats"
check "the content is seeded (29 places)" eval 'grep -q "^places: 29$" "$T/stats"'
check "jobs too" eval '[ "$(sed -n "s/^jobs: //p" "$T/stats")" -ge 40 ]'
check "seeded exactly once" eval '[ "$(q "$D/kiosk.db" "select count(*) from events where kind=\"seed\"")" = 1 ]'
check "the first start is marked done" eval '[ "$(q "$D/kiosk.db" "select count(*) from meta where key=\"first_start_done\"")" = 1 ]'
check "the database is sound" eval '[ "$(q "$D/kiosk.db" "pragma integrity_check")" = ok ]'

# And at random moments of first starts on fresh directories (SIGKILL from outside).
for i in $(seq 1 8); do
  R=$T/random$i
  "$K" --headless --data-dir "$R" >/dev/null 2>&1 &
  p=$!
  sleep "0.$(printf '%03d' $(( 100 + RANDOM % 500 )))"
  kill -KILL $p; wait $p 2>/dev/null
  "$K" --headless --script /dev/null --data-dir "$R" >/dev/null 2>&1
  check "random kill $i: seeded exactly once afterwards" eval '[ "$(q "$R/kiosk.db" "select count(*) from places")" = 29 ] && [ "$(q "$R/kiosk.db" "select count(*) from events where kind=\"seed\"")" = 1 ]'
done

# --- a database kioskctl made before the first start -----------------------------------
D2=$T/setpin
echo 246813 | "$C" --data-dir "$D2" set-pin >/dev/null; rc=$?
check "set-pin before the first start works" eval '[ $rc = 0 ] && [ -f "$D2/kiosk.db" ]'
check "and seeds nothing itself" eval '[ "$(q "$D2/kiosk.db" "select count(*) from places")" = 0 ]'
"$K" --headless --script /dev/null --data-dir "$D2" >/dev/null 2>&1
check "the first start still seeds" eval '[ "$(q "$D2/kiosk.db" "select count(*) from places")" = 29 ]'
check "and the PIN is kept" eval '[ "$(q "$D2/kiosk.db" "select count(*) from meta where key=\"staff_pin_hash\"")" = 1 ]'
# A second start seeds nothing again, even with every content row gone.
sqlite3 "$D2/kiosk.db" "delete from places; delete from jobs"
"$K" --headless --script /dev/null --data-dir "$D2" >/dev/null 2>&1
check "a later start never seeds again" eval '[ "$(q "$D2/kiosk.db" "select count(*) from places")" = 0 ] && [ "$(q "$D2/kiosk.db" "select count(*) from events where kind=\"seed\"")" = 1 ]'

# --- a database from before the marker, with content -----------------------------------
D3=$T/legacy
"$K" --headless --script /dev/null --data-dir "$D3" >/dev/null 2>&1
sqlite3 "$D3/kiosk.db" "delete from meta where key='first_start_done'; delete from places where id != (select min(id) from places)"
"$K" --headless --script /dev/null --data-dir "$D3" >/dev/null 2>&1
check "a kiosk in use is only marked, its content left alone" eval '[ "$(q "$D3/kiosk.db" "select count(*) from places")" = 1 ] && [ "$(q "$D3/kiosk.db" "select count(*) from meta where key=\"first_start_done\"")" = 1 ]'

summary
