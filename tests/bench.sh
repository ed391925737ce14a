#!/bin/bash
# make bench: performance figures of this build on this machine, as "name: value" lines.
# Nothing here passes or fails on time: shared machines are noisy, figures are for people.
set -u
cd "$(dirname "$0")/.."
B=${1:-build/release}
K=$B/kiosk
# Windowed figures come from a real X server (Xvfb), where SDL blocks in the X event
# queue the way it does on a kiosk's display; SDL's dummy driver polls instead.
if [ -z "${DISPLAY:-}" ] && command -v xvfb-run >/dev/null && [ -z "${BENCH_IN_XVFB:-}" ]; then
  BENCH_IN_XVFB=1 exec xvfb-run -a -s "-screen 0 1920x1080x24" "$0" "$@"
fi
[ -n "${DISPLAY:-}" ] && VIDEO=x11 || VIDEO=dummy
export SDL_VIDEODRIVER=$VIDEO
T=$(mktemp -d); trap 'rm -rf "$T"; kill $(jobs -p) 2>/dev/null' EXIT

median() { sort -n | awk '{a[NR]=$1} END{if(NR){m=a[int((NR+1)/2)]; p=a[int(NR*0.99)>0?int(NR*0.99):NR]; printf "%s %s\n", m, p}}'; }

echo "# kiosk benchmark: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(uname -r)"
# Seed once so that start-up is measured on an existing data directory, like a kiosk's
# every start but the first.
$K --headless --script /dev/null --data-dir "$T/data" >/dev/null 2>&1

echo "## start-up: exec to first frame presented ($VIDEO video driver for --windowed)"
for mode in "--windowed" "--headless"; do
  for i in $(seq 1 15); do
    # $EPOCHREALTIME costs no fork: t0 is taken right before the exec.
    $K $mode --first-frame-exit --data-dir "$T/data" >"$T/ff" 2>/dev/null &
    t0=${EPOCHREALTIME/./}
    wait
    t1=$(sed -n 's/^first_frame_ns: //p' "$T/ff")
    echo $(( (t1 / 1000 - t0) ))
  done | median > "$T/m"
  read -r med p99 < "$T/m"
  name=${mode#--}
  printf 'startup_%s_median_ms: %s\nstartup_%s_max_ms: %s\n' "$name" "$(awk "BEGIN{print $med/1000}")" "$name" "$(awk "BEGIN{print $p99/1000}")"
done

echo "## memory"
/usr/bin/time -f '%M' -o "$T/rss" $K --windowed --first-frame-exit --data-dir "$T/data" >/dev/null 2>&1
echo "peak_rss_first_frame_mib: $(awk '{printf "%.1f", $1/1024}' "$T/rss")"
cat > "$T/tour.script" <<'S'
press 报到登记
press 首页
press 活动签到
press 首页
press 就业岗位
press 首页
press English
press Jobs
press Home
press 中文
S
/usr/bin/time -f '%M' -o "$T/rss" $K --headless --script "$T/tour.script" --data-dir "$T/data" >/dev/null 2>&1
echo "peak_rss_after_tour_mib: $(awk '{printf "%.1f", $1/1024}' "$T/rss")"

echo "## idle on Home for 10 s (real event loop)"
$K --windowed --data-dir "$T/data" >/dev/null 2>&1 &
pid=$!
sleep 2
cpu() { awk '{print $14+$15}' /proc/$pid/stat; }
ctx() { awk '/^voluntary_ctxt_switches/{v=$2} /^nonvoluntary_ctxt_switches/{n=$2} END{print v+n}' /proc/$pid/status; }
c0=$(cpu); w0=$(ctx)
sleep 10
c1=$(cpu); w1=$(ctx)
kill $pid; sleep 1; kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
tck=$(getconf CLK_TCK)
echo "idle_cpu_s_per_10s: $(awk "BEGIN{print ($c1-$c0)/$tck}")"
echo "idle_wakeups_per_10s: $((w1 - w0))"

echo "## frames and commits (in process, software renderer, 1920x1080)"
$B/bench/bench_kiosk

if [ -x "$B/bench/bench_checkin" ]; then
  echo "## check-in: scan to result on screen"
  $B/bench/bench_checkin
fi
if [ -x "$B/bench/bench_import" ]; then
  echo "## a 40,000-row content import (kioskctl import) while checking people in"
  $B/bench/bench_import "$T/import"
fi
if [ -x "$B/bench/bench_sync" ]; then
  echo "## content sync from a real PostgreSQL (10,000 changed rows) while checking people in"
  bash tests/shell/test_network.sh "$B" --bench 2>&1 | grep -E '^[a-z_]+: ' || echo "sync: not measured (see tests/shell/test_network.sh --bench)"
fi
if [ -f tests/shell/test_upload.sh ]; then
  echo "## upload to a real PostgreSQL (10,000 records; the fleet's 288,207 from 12 kiosks)"
  bash tests/shell/test_upload.sh "$B" --bench 2>&1 | grep -E '^[a-z_]+: ' || echo "upload: not measured (see tests/shell/test_upload.sh)"
fi
