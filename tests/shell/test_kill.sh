#!/bin/bash
# Kill test: nothing acknowledged is lost or doubled however the kiosk dies.  A driver
# linked against the kiosk's own code (tests/shell/kill_driver.c: the store opened as the
# kiosk opens it, checkin_submit, registration_known + registration_submit) makes
# check-ins and registrations and prints each record's UUID once the API has returned
# success; it is killed with SIGKILL at random moments KILL_RUNS times (default 220),
# mostly while it writes, sometimes while it opens the database.  The operation a kill
# interrupted is submitted again by the next run, as the person would scan again.
# Afterwards every acknowledged record is in the database exactly once, the database
# holds no record that was not acknowledged (after the repeats) and none doubled,
# `PRAGMA integrity_check` says ok, and no run left a sanitizer report.
set -u
B=${1:-build/asan}
DRV=$PWD/$B/tests/kill_driver
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
. tests/shell/testlib.sh
RUNS=${KILL_RUNS:-220}
D=$T/data
q() { sqlite3 "$D/kiosk.db" "$1"; }

# Sleeps without a fork: read with a timeout from a pipe nothing writes to.
exec {NAP}<> <(:)
nap() { read -r -t "$1" -u "$NAP" || :; }

check "the driver is built" test -x "$DRV"
"$DRV" init "$D" >"$T/init.log" 2>&1
check "a data directory with the demo content" eval '[ "$(q "select count(*) from places")" -gt 0 ]'

pending=""     # "RUN I" of the operation the last kill interrupted, if any
killed=0 ended=0 mid=0 early=0
t0=$SECONDS
for run in $(seq 1 "$RUNS"); do
  out=$T/run-$run.out err=$T/run-$run.err
  # shellcheck disable=SC2086 # pending is two words or none
  "$DRV" run "$D" "$run" $pending >"$out" 2>"$err" &
  pid=$!
  if [ $((RANDOM % 5)) = 0 ]; then
    # While it starts: opening, recovering the WAL, the start check.
    nap "0.0$(printf '%02d' $((RANDOM % 60)))"
    early=$((early + 1))
  else
    # Once it is ready, at some moment of its writing.
    for _ in $(seq 1 500); do
      IFS= read -r first <"$out" 2>/dev/null && [ "$first" = ready ] && break
      kill -0 "$pid" 2>/dev/null || break
      nap 0.002
    done
    nap "0.$(printf '%03d' $((RANDOM % 120)))"
  fi
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null; rc=$?
  if [ "$rc" = 137 ]; then killed=$((killed + 1)); else ended=$((ended + 1)); cp "$err" "$T/ended-$run.err"; fi
  # The operation left unanswered: the last "try" with no "ack"/"held" after it.
  last=$(grep -E '^(try [0-9]+ [0-9]+ |ack |held )' "$out" | tail -n 1)
  case $last in
    try\ *) read -r _ r i _ <<<"$last"; pending="$r $i"; mid=$((mid + 1)) ;;
    ack\ *|held\ *) pending="" ;;
  esac
done
elapsed=$((SECONDS - t0))
# A last run that is not killed: the interrupted operation once more, a few more, and a
# clean exit (LeakSanitizer looks at this one).
# shellcheck disable=SC2086
KILL_DRIVER_MAX=5 "$DRV" run "$D" $((RUNS + 1)) $pending >"$T/run-final.out" 2>"$T/run-final.err"; rc=$?
check "the last run ends cleanly" eval '[ $rc = 0 ] || { cat "$T/run-final.err"; false; }'

echo "        $killed kills in $elapsed s ($early while starting, $mid in the middle of an operation)"
check "at least 200 kills" test "$killed" -ge 200
check "every run was killed, none failed by itself" eval '[ $ended = 0 ] || { cat "$T"/ended-*.err | head -n 20; false; }'
check "some kills came in the middle of an operation" test "$mid" -ge 20
cat "$T"/run-*.err >"$T/all.err"
check "no sanitizer report" clean "$T/all.err"

# What the driver was told, and what the database holds: "KIND UUID CERT" lines.
cat "$T"/run-*.out | grep -E '^(ack|held) (checkin|registration) [0-9a-f-]{36} KT-[0-9]{4}-[0-9]{4}$' |
  cut -d' ' -f2- | sort -u -k2,2 >"$T/acked"
cut -d' ' -f2 "$T/acked" | sort >"$T/acked.uuid"
q "select kind, uuid, json_extract(fields, '\$.certificate_no') from records
   where kind in ('checkin', 'registration')" | tr '|' ' ' | sort -k2,2 >"$T/stored"
cut -d' ' -f2 "$T/stored" | sort >"$T/stored.uuid"
n_acked=$(wc -l <"$T/acked")
echo "        $n_acked records acknowledged, $(wc -l <"$T/stored") stored," \
     "$(grep -c '^held ' "$T"/run-*.out | awk -F: '{s += $2} END {print s}') found again after a kill"
check "many records were acknowledged" test "$n_acked" -ge 400
check "every acknowledged record is stored" \
  eval '[ -z "$(comm -23 "$T/acked.uuid" "$T/stored.uuid" | head -n 5 | tee /dev/stderr)" ]'
check "each under the kind and number it was acknowledged with" \
  eval '[ -z "$(join -j 2 -o 1.1,1.2,1.3,2.1,2.3 "$T/acked" "$T/stored" | awk "\$1 != \$4 || \$3 != \$5" | head -n 5 | tee /dev/stderr)" ]'
check "nothing stored that was not acknowledged" \
  eval '[ -z "$(comm -13 "$T/acked.uuid" "$T/stored.uuid" | head -n 5 | tee /dev/stderr)" ]'
check "each stored once (no UUID twice)" eval '[ -z "$(uniq -d "$T/stored.uuid" | head -n 5)" ]'
check "no person doubled: one record per kind and certificate number" \
  eval '[ -z "$(q "select kind, json_extract(fields, \"\$.certificate_no\"), count(*) from records
                  where kind in (\"checkin\", \"registration\") group by 1, 2 having count(*) > 1" |
               head -n 5 | tee /dev/stderr)" ]'
check "no registration doubled by ID number" \
  eval '[ -z "$(q "select json_extract(fields, \"\$.id_hash\") h from records
                  where kind = \"registration\" group by h having count(*) > 1" | head -n 5)" ]'
check "integrity_check ok" eval '[ "$(q "pragma integrity_check")" = ok ]'
summary
