#!/bin/bash
# The command-line contract of both programs: bad arguments, bad configuration and an
# unusable data directory give one "FILE:LINE: problem" line, exit 2 and write nothing;
# kioskctl import reports a bad row with its line and applies nothing of that file.
set -u
B=${1:-build/asan}
K=$PWD/$B/kiosk; C=$PWD/$B/kioskctl
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $1"; fi; }

printf '[kiosk]\nid = LD-1\n[display]\nwidth = 100\n' > "$T/bad.ini"
for prog in "$K --headless --script /dev/null" "$C stats"; do
  name=${prog%% *}; name=${name##*/}
  $prog --config "$T/bad.ini" --data-dir "$T/d-$name" 2>"$T/err"; rc=$?
  check "$name: bad config exits 2" '[ $rc = 2 ]'
  check "$name: one line naming file and line" '[ "$(wc -l <"$T/err")" = 1 ] && grep -q "^$T/bad.ini:4: \[display\] width must be between" "$T/err"'
  check "$name: nothing written" '[ ! -e "$T/d-$name" ]'
done

$K --no-such-flag 2>"$T/err"; rc=$?
check "kiosk: bad argument exits 2" '[ $rc = 2 ] && grep -q "bad argument" "$T/err"'
$K --script x.script 2>/dev/null; rc=$?
check "kiosk: --script without --headless exits 2" '[ $rc = 2 ]'
$K --headless --script /dev/null --clock yesterday --data-dir "$T/dc" 2>/dev/null; rc=$?
check "kiosk: bad --clock exits 2, nothing written" '[ $rc = 2 ] && [ ! -e "$T/dc" ]'
touch "$T/file"
$K --headless --script /dev/null --data-dir "$T/file" 2>"$T/err"; rc=$?
check "kiosk: unusable data dir exits 2" '[ $rc = 2 ] && grep -q "$T/file" "$T/err"'
$C --data-dir "$T/nothing-here" stats 2>"$T/err"; rc=$?
check "kioskctl: no database exits 2" '[ $rc = 2 ] && [ ! -e "$T/nothing-here/kiosk.db" ]'
printf 'no such command\n' > "$T/bad.script"
$K --headless --script "$T/bad.script" --data-dir "$T/d1" 2>"$T/err"; rc=$?
check "kiosk: failing script line exits 1 with its number" '[ $rc = 1 ] && grep -q "bad.script:1:" "$T/err"'
# A stroke needs two whole points or more; each bad one fails before anything runs.
for bad in 'stroke 10 20' 'stroke 10 20 30' 'stroke 10 20 30 x' 'stroke'; do
  printf 'press 报到登记\n%s\n' "$bad" > "$T/stroke.script"
  $K --headless --script "$T/stroke.script" --data-dir "$T/ds" 2>"$T/err"; rc=$?
  check "kiosk: '$bad' fails on line 2 with its usage" '[ $rc = 1 ] && grep -q "stroke.script:2: usage: stroke X1 Y1 X2 Y2" "$T/err"'
done
printf 'stroke 10 20 30 40 50 60\n' > "$T/stroke.script"
$K --headless --script "$T/stroke.script" --data-dir "$T/ds" 2>"$T/err"; rc=$?
check "kiosk: a stroke of three points plays" '[ $rc = 0 ]'

# A fresh data dir is seeded with the demo content.
$K --headless --script /dev/null --data-dir "$T/d1" 2>/dev/null
$C --data-dir "$T/d1" stats > "$T/stats"
check "seeded jobs >= 40" '[ "$(sed -n "s/^jobs: //p" "$T/stats")" -ge 40 ]'
check "seeded trainings >= 10" '[ "$(sed -n "s/^trainings: //p" "$T/stats")" -ge 10 ]'
check "seeded materials >= 15" '[ "$(sed -n "s/^materials: //p" "$T/stats")" -ge 15 ]'
check "seeded places = 29" '[ "$(sed -n "s/^places: //p" "$T/stats")" = 29 ]'
check "stats lists every kind" '[ "$(grep -cE "^(registration|checkin|job_interest|training_signup|consultation|queue_ticket|training_waitlist): " "$T/stats")" = 7 ]'
$C --data-dir "$T/d1" check >/dev/null; rc=$?
check "check passes on a seeded kiosk" '[ $rc = 0 ]'

# Import: a bad row names its line, nothing of the file is applied.
before=$(sqlite3 "$T/d1/kiosk.db" "select count(*)||group_concat(title) from trainings")
$C --data-dir "$T/d1" import trainings tests/data/import/trainings_feb30.csv 2>"$T/err"; rc=$?
check "import refuses a bad file (exit 1)" '[ $rc = 1 ]'
check "import error names file and line" 'grep -qE "^tests/data/import/trainings_feb30.csv:[0-9]+: " "$T/err"'
check "nothing applied" '[ "$(sqlite3 "$T/d1/kiosk.db" "select count(*)||group_concat(title) from trainings")" = "$before" ]'
# A good file applies, and re-importing an id replaces that row.
printf 'id,title,starts_at,ends_at,venue\nA900,测试活动,2026-12-05 09:00,2026-12-05 11:00,二楼会议室\n' > "$T/a.csv"
$C --data-dir "$T/d1" import activities "$T/a.csv" >"$T/out"; rc=$?
check "import activities ok" '[ $rc = 0 ] && grep -q "activities: 1" "$T/out"'
printf 'id,title,starts_at,ends_at\nA900,测试活动（改期）,2026-12-06 09:00,2026-12-06 11:00\n' > "$T/a.csv"
$C --data-dir "$T/d1" import activities "$T/a.csv" >/dev/null
check "re-import replaces the row" '[ "$(sqlite3 "$T/d1/kiosk.db" "select title||starts_at from activities where id=\"A900\"")" = "测试活动（改期）2026-12-06 09:00" ]'
# GB18030 from a spreadsheet.
printf 'id,title,starts_at,ends_at\nA901,党员学习会,2026-12-07 19:00,2026-12-07 21:00\n' | iconv -f UTF-8 -t GB18030 > "$T/gb.csv"
$C --data-dir "$T/d1" import activities "$T/gb.csv" >/dev/null
check "GB18030 import" '[ "$(sqlite3 "$T/d1/kiosk.db" "select title from activities where id=\"A901\"")" = "党员学习会" ]'
$C --data-dir "$T/d1" import nonsense "$T/gb.csv" 2>/dev/null; rc=$?
check "unknown content kind exits 2" '[ $rc = 2 ]'
check "import is in the event log" '[ "$(sqlite3 "$T/d1/kiosk.db" "select count(*) from events where kind=\"import\"")" -ge 2 ]'

echo "$pass passed, $fail failed"
[ $fail = 0 ]
