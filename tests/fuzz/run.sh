#!/bin/bash
# tests/fuzz/run.sh BUILD SECONDS [NAME…] — runs the libFuzzer harnesses of BUILD/fuzz
# (make VARIANT=fuzz fuzz-build), each for SECONDS (0: only replays its corpus), over
# tests/fuzz/corpus/NAME (the seeds, never written) and $FUZZ_WORK/corpus/NAME (new
# inputs found, kept between runs; default build/fuzz-work).  A crash, a leak, a
# sanitizer report or a slow unit stops that harness and leaves the input in
# $FUZZ_WORK/crashes/.  Prints one line per harness; exits 1 when any failed.
set -u
cd "$(dirname "$0")/../.."
B=${1:-build/fuzz}; S=${2:-60}; shift 2 2>/dev/null || shift $#
WORK=${FUZZ_WORK:-build/fuzz-work}
mkdir -p "$WORK/crashes" "$WORK/log"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# The harnesses rewrite their scratch files for every input: in memory (/dev/shm) when
# there is one, since a disk file truncated and written again is flushed at close (ext4's
# auto_da_alloc), some 20 ms an input on a busy disk.
if [ -z "${TMPDIR:-}" ]; then
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then TMPDIR=/dev/shm; else TMPDIR=/tmp; fi
fi
export TMPDIR
names=("$@")
if [ ${#names[@]} = 0 ]; then
  for f in tests/fuzz/fuzz_*.c; do n=$(basename "$f" .c); names+=("${n#fuzz_}"); done
fi
bad=0
for n in "${names[@]}"; do
  bin=$B/fuzz/fuzz_$n seeds=tests/fuzz/corpus/$n log=$WORK/log/$n.log
  if [ ! -x "$bin" ]; then echo "  FAIL  $n: $bin is missing (make VARIANT=fuzz fuzz-build)"; bad=1; continue; fi
  if [ ! -d "$seeds" ] || [ -z "$(ls -A "$seeds")" ]; then echo "  FAIL  $n: no seed corpus in $seeds"; bad=1; continue; fi
  mkdir -p "$WORK/corpus/$n"
  # Scripts may hold lines up to 16 KB; other inputs are small files.
  maxlen=8192; [ "$n" = script ] && maxlen=20000
  if [ "$S" = 0 ]; then
    args=(-runs=0)
  else
    args=(-max_total_time="$S" -max_len=$maxlen)
  fi
  "$bin" "${args[@]}" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$WORK/crashes/$n-" "$WORK/corpus/$n" "$seeds" >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  if [ $rc = 0 ] && ! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$log"; then
    printf '  ok    %-18s %8s inputs\n' "$n" "${runs:-?}"
  else
    printf '  FAIL  %-18s (exit %s), see %s\n' "$n" "$rc" "$log"
    grep -E 'ERROR|runtime error|SUMMARY|Test unit written' "$log" | head -n 8 | sed 's/^/        /'
    bad=1
  fi
done
exit $bad
