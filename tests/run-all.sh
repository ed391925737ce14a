#!/bin/bash
# Runs every test against one build variant (default build/asan): the unit test binaries,
# the scripted UI scenarios through the real kiosk, and the shell tests, TEST_JOBS at a
# time (default: the cores, at most 4).  Prints one line per test as it ends and a closing
# "N passed, M failed" line; exits non-zero when anything failed.
#
# Scenario files: tests/scenarios/NAME.script, played by
#   kiosk --headless --script NAME.script --data-dir <fresh dir> --clock <clock>
# Header comments set the run:
#   # clock: 2026-12-01T09:00:00+08:00     (the default)
#   # config: kiosk-config/some.ini         (default kiosk-config/kiosk.ini; may name $OUT)
#   # exit: 1                               (expected exit status, default 0)
#   # stderr: TEXT                          (must appear in stderr)
#   # setup: SHELL COMMAND                  (run before, with $DATA, $KIOSKCTL set)
#   # env: NAME=VALUE …                      (the kiosk's environment; $OUT, $DATA expand)
# An optional NAME.check (bash) runs afterwards with DATA, KIOSKCTL, KIOSK, OUT set and
# must exit 0.
set -u
cd "$(dirname "$0")/.."
B=${1:-build/asan}
ONLY=${2:-}
export KIOSK=$PWD/$B/kiosk KIOSKCTL=$PWD/$B/kioskctl
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export SDL_VIDEODRIVER=dummy
OUTROOT=${TEST_OUT:-$PWD/build/test-out}
rm -rf "$OUTROOT"; mkdir -p "$OUTROOT"
# Tests run TEST_JOBS at a time (default: the number of cores, at most 4).  Each test has its
# own output directory and its own PostgreSQL (tests/tools/pg-virtualenv.sh), so they never
# meet; a result line is printed when a test ends, with its own duration.
JOBS=${TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
[ "$JOBS" -gt 4 ] && JOBS=4
[ "$JOBS" -lt 1 ] && JOBS=1
RES=$OUTROOT/.results
mkdir -p "$RES"

now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
# finish NAME STATUS LOG T0: records and prints one result.
finish() {
  local ms=$(( $(now_ms) - $4 ))
  if [ "$2" = ok ]; then
    printf '  ok    %-40s %5d ms\n' "$1" "$ms"
    echo "ok $1" >"$RES/$(echo "$1" | tr ' /()' '____')"
  else
    # One write, so that the lines of two tests ending together do not interleave.
    local msg; msg=$(printf '  FAIL  %s\n' "$1"; [ -n "$3" ] && [ -f "$3" ] && sed 's/^/        /' "$3" | tail -n 40)
    printf '%s\n' "$msg"
    echo "FAIL $1" >"$RES/$(echo "$1" | tr ' /()' '____')"
  fi
}

run_unit() {
  local t=$1 name; name=$(basename "$t")
  local log=$OUTROOT/$name.log t0; t0=$(now_ms)
  if "$t" >"$log" 2>&1; then finish "$name" ok "" "$t0"; else finish "$name" bad "$log" "$t0"; fi
}

run_scenario() {
  local s=$1 name; name=$(basename "$s" .script)
  local t0; t0=$(now_ms)
  export DATA=$OUTROOT/$name/data OUT=$OUTROOT/$name
  mkdir -p "$DATA"
  hdr() { sed -n "s/^# $1: //p" "$s" | head -n 1; }
  local clock config want errwant setup envs log got chk
  clock=$(hdr clock); clock=${clock:-2026-12-01T09:00:00+08:00}
  config=$(hdr config); config=${config:-kiosk-config/kiosk.ini}; config=$(eval echo "$config")
  want=$(hdr exit); want=${want:-0}
  errwant=$(hdr stderr)
  setup=$(hdr setup)
  envs=$(hdr env)
  log=$OUT/run.log
  if [ -n "$setup" ] && ! (eval "$setup") >"$log" 2>&1; then finish "$name (setup)" bad "$log" "$t0"; return; fi
  ( [ -n "$envs" ] && eval "export $envs"
    exec "$KIOSK" --headless --config "$config" --data-dir "$DATA" --clock "$clock" --script "$s" ) >"$log" 2>&1
  got=$?
  if [ "$got" != "$want" ]; then echo "exit status $got, expected $want" >>"$log"; finish "$name" bad "$log" "$t0"; return; fi
  if [ -n "$errwant" ] && ! grep -qF -- "$errwant" "$log"; then echo "stderr lacks: $errwant" >>"$log"; finish "$name" bad "$log" "$t0"; return; fi
  if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$log"; then finish "$name (sanitizer)" bad "$log" "$t0"; return; fi
  chk=tests/scenarios/$name.check
  if [ -f "$chk" ] && ! bash "$chk" >>"$log" 2>&1; then finish "$name (check)" bad "$log" "$t0"; return; fi
  finish "$name" ok "" "$t0"
}

run_shell() {
  local t=$1 name; name=$(basename "$t" .sh)
  local log=$OUTROOT/$name.log t0; t0=$(now_ms)
  if bash "$t" "$B" >"$log" 2>&1; then finish "$name" ok "" "$t0"; else finish "$name" bad "$log" "$t0"; fi
}

# pool FUNCTION ITEM…: runs FUNCTION ITEM for every item, JOBS at a time.
pool() {
  local fn=$1; shift
  local running=0
  for item in "$@"; do
    if [ "$running" -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
    "$fn" "$item" &
    running=$((running + 1))
  done
  wait
}

pick() {  # pick PATTERN STRIP: the files matching PATTERN whose name contains $ONLY
  local f n
  for f in $1; do
    [ -e "$f" ] || continue
    n=$(basename "$f" "$2")
    [ -n "$ONLY" ] && [[ "$n" != *"$ONLY"* ]] && continue
    echo "$f"
  done
}

T_ALL=$(now_ms)
echo "== unit tests ($B, $JOBS at a time)"
mapfile -t units < <(for t in $(pick "$B/tests/test_*" ""); do [ -x "$t" ] && echo "$t"; done)
pool run_unit "${units[@]}"

echo "== UI scenarios"
mapfile -t scenarios < <(pick "tests/scenarios/*.script" .script)
pool run_scenario "${scenarios[@]}"

echo "== shell tests"
# The longest first, so that two long ones do not end up last and alone.
mapfile -t shells < <(pick "tests/shell/test_*.sh" .sh | xargs -r ls -S)
pool run_shell "${shells[@]}"

pass=$(cat "$RES"/* 2>/dev/null | grep -c '^ok ')
fail=$(cat "$RES"/* 2>/dev/null | grep -c '^FAIL ')
echo
if [ "$fail" -gt 0 ]; then echo "failed:"; sed -n 's/^FAIL /  /p' "$RES"/*; fi
echo "$pass passed, $fail failed ($(( ($(now_ms) - T_ALL) / 1000 )) s)"
[ "$fail" -eq 0 ]
