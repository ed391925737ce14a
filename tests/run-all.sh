#!/bin/bash
# Runs every test against one build variant (default build/asan): the unit test binaries,
# the scripted UI scenarios through the real kiosk, and the shell tests.  Prints one line
# per test and a closing "N passed, M failed" line; exits non-zero when anything failed.
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
pass=0; fail=0; failed=()

T0=${EPOCHREALTIME/./}
ok()  { pass=$((pass+1)); local t=${EPOCHREALTIME/./}; printf '  ok    %-40s %5d ms\n' "$1" $(( (t - T0) / 1000 )); T0=$t; }
bad() { fail=$((fail+1)); failed+=("$1"); T0=${EPOCHREALTIME/./}; printf '  FAIL  %s\n' "$1"; [ -n "${2:-}" ] && sed 's/^/        /' "$2" | tail -n 40; }

echo "== unit tests ($B)"
for t in "$B"/tests/test_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  [ -n "$ONLY" ] && [[ "$name" != *"$ONLY"* ]] && continue
  log=$OUTROOT/$name.log
  if "$t" >"$log" 2>&1; then ok "$name"; else bad "$name" "$log"; fi
done

echo "== UI scenarios"
for s in tests/scenarios/*.script; do
  [ -f "$s" ] || continue
  name=$(basename "$s" .script)
  [ -n "$ONLY" ] && [[ "$name" != *"$ONLY"* ]] && continue
  export DATA=$OUTROOT/$name/data OUT=$OUTROOT/$name
  mkdir -p "$DATA"
  hdr() { sed -n "s/^# $1: //p" "$s" | head -n 1; }
  clock=$(hdr clock); clock=${clock:-2026-12-01T09:00:00+08:00}
  config=$(hdr config); config=${config:-kiosk-config/kiosk.ini}; config=$(eval echo "$config")
  want=$(hdr exit); want=${want:-0}
  errwant=$(hdr stderr)
  setup=$(hdr setup)
  envs=$(hdr env)
  log=$OUT/run.log
  if [ -n "$setup" ] && ! (eval "$setup") >"$log" 2>&1; then bad "$name (setup)" "$log"; continue; fi
  ( [ -n "$envs" ] && eval "export $envs"
    exec "$KIOSK" --headless --config "$config" --data-dir "$DATA" --clock "$clock" --script "$s" ) >"$log" 2>&1
  got=$?
  if [ "$got" != "$want" ]; then echo "exit status $got, expected $want" >>"$log"; bad "$name" "$log"; continue; fi
  if [ -n "$errwant" ] && ! grep -qF -- "$errwant" "$log"; then echo "stderr lacks: $errwant" >>"$log"; bad "$name" "$log"; continue; fi
  if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$log"; then bad "$name (sanitizer)" "$log"; continue; fi
  chk=tests/scenarios/$name.check
  if [ -f "$chk" ] && ! bash "$chk" >>"$log" 2>&1; then bad "$name (check)" "$log"; continue; fi
  ok "$name"
done

echo "== shell tests"
for t in tests/shell/test_*.sh; do
  [ -f "$t" ] || continue
  name=$(basename "$t" .sh)
  [ -n "$ONLY" ] && [[ "$name" != *"$ONLY"* ]] && continue
  log=$OUTROOT/$name.log
  if bash "$t" "$B" >"$log" 2>&1; then ok "$name"; else bad "$name" "$log"; fi
done

echo
[ "$fail" -gt 0 ] && printf 'failed: %s\n' "${failed[@]}"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
