#!/bin/bash
# tests/soak.sh [BUILD] — `make soak` (not part of `make test`): the real kiosk in headless
# script mode (BUILD/kiosk, default build/asan) plays SOAK_N scripted interactions (default
# 20,000: every tap, press, key, text and scan counts; expect and wait do not) of a
# hall's day, generated here: check-ins scanned and typed on the keypad, registrations
# typed in full (pinyin, keypads, the community picker), the job list, the study reader
# page by page, the training and service screens, a form left half-filled, English, large
# text, the staff screen behind its PIN, idle resets.  The script comes through a FIFO in
# two parts: after the warm-up (the first SOAK_WARM interactions, default 2,000) and at
# the end, a `dump` tells this script the kiosk has played everything so far, and the
# kiosk's resident memory is read from /proc/PID/status while it waits for more.
#
# Passes when the kiosk played every line, its RSS at the end is within SOAK_GROWTH_PCT
# (default 5) % of the RSS after the warm-up, LeakSanitizer (at its exit) reported
# nothing and no other sanitizer did.  Prints the figures as "name: value" lines.
# ASan keeps freed memory in quarantine before reusing it; the quarantine is set to
# 16 MB (ASAN_OPTIONS), so that it is full after the warm-up and what grows is the
# kiosk's.
set -u
cd "$(dirname "$0")/.."
B=${1:-build/asan}
N=${SOAK_N:-20000}
WARM=${SOAK_WARM:-2000}
GROWTH=${SOAK_GROWTH_PCT:-5}
K=$PWD/$B/kiosk C=$PWD/$B/kioskctl
T=$(mktemp -d); trap 'rm -rf "$T"; [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null' EXIT
export SDL_VIDEODRIVER=dummy
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:quarantine_size_mb=16}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
D=$T/data
PIN=246813

# --- the script ---------------------------------------------------------------------------
# press each character of $1 on the on-screen keys
keys() { local s=$1 k; for ((k = 0; k < ${#s}; k++)); do echo "press ${s:k:1}"; done; }

# A valid ID number (GB 11643 check digit) for person $1: Xicheng, Beijing, born 1960-01-01
# plus $1 / 1000 days, sequence $1 % 1000.
id_of() {
  local n=$1 d base w=(7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2) sum=0 k
  d=$(date -u -d "1960-01-01 + $((n / 1000)) days" +%Y%m%d)
  base=$(printf '110102%s%03d' "$d" $((n % 1000)))
  for ((k = 0; k < 17; k++)); do sum=$((sum + ${base:k:1} * w[k])); done
  echo "$base$(echo 10X98765432 | cut -c$((sum % 11 + 1)))"
}

registration() { # registration I: a new member registers, typing everything
  local i=$1 id cert
  id=$(id_of "$i")
  cert=$(printf 'LR-%06d' "$i")
  cat <<S
press 报到登记
press 姓名
press z
press h
press a
press n
press g
press 张
press s
press a
press n
press 三
press 下一项
S
  keys "$id"
  echo "press 下一项"
  keys 13812345678
  echo "press 下一项"
  keys "$(echo "$cert" | tr 'A-Z' 'a-z')"
  cat <<S
press 下一项
press 下一项
press 下一项
text 丽水市莲都区建设公司
press 下一项
expect 选择现居社区
press 紫金街道城北社区外来党员服务站
press 2
press 0
press 1
press 0
press -
press 0
press 7
press 下一项
press 我已阅读并同意
press 提交
expect 登记成功
press 下一屏
press 返回
press 完成
expect 报到登记
S
}

staff() { # the staff screen behind its PIN, then back
  echo "drag 40 40 40 40 3500"
  echo "expect 请输入工作人员密码"
  keys "$PIN"
  cat <<S
press 确认
expect 今日统计
key Escape
expect 报到登记
S
}

cycle() { # cycle I: one round of what a day at the hall does
  local i=$1
  cat <<S
scan $(printf 'LD-2026-%05d' $((i % 100000)))
expect 签到成功
press 完成
expect 请扫码或输入活动证编号
S
  keys "$(printf 'LT-%06d' "$i")"
  cat <<S
press 提交
expect 签到成功
press 完成
press 首页
press 就业岗位
expect 返回
press 人事专员
press 返回
press 返回
press 学习园地
press 党章党规
press 外来党员报到登记流程
press 下一页
press 下一页
press 大字模式
press 下一页
press 上一页
press 大字模式
press 返回
press 返回
press 首页
press 培训安排
press 首页
press 服务指南
press 返回
press 报到登记
press 姓名
text 张三
press 首页
expect 还没有提交，要离开吗？
press 放弃
press English
press Jobs
press Back
expect Register
press 中文
expect 报到登记
S
  [ $((i % 4)) = 0 ] && registration "$i"
  [ $((i % 10)) = 5 ] && staff
  if [ $((i % 3)) = 0 ]; then
    # Left alone on a screen: the idle reset brings Home back.
    echo "press 学习园地"
    echo "wait 120000"
    echo "expect 报到登记"
  fi
}

counts() { grep -cE '^(tap|drag|press|text|key|scan) ' "$1"; }

# Cycles until each part has its interactions: the warm-up, then the rest.
i=0
: >"$T/warm.script"
while [ "$(counts "$T/warm.script")" -lt "$WARM" ]; do
  i=$((i + 1)); cycle $i >>"$T/warm.script"
done
: >"$T/main.script"
while [ $(($(counts "$T/warm.script") + $(counts "$T/main.script"))) -lt "$N" ]; do
  i=$((i + 1)); cycle $i >>"$T/main.script"
done
n_warm=$(counts "$T/warm.script") n_main=$(counts "$T/main.script")
echo "soak_interactions: $((n_warm + n_main))"
echo "soak_warmup_interactions: $n_warm"
echo "soak_cycles: $i"

# --- the run ------------------------------------------------------------------------------
mkdir -p "$D"
echo "$PIN" | "$C" --data-dir "$D" set-pin >"$T/setpin.log" 2>&1 || { cat "$T/setpin.log"; exit 1; }
mkfifo "$T/script.fifo"
t0=$SECONDS
"$K" --headless --data-dir "$D" --clock 2026-12-01T09:00:00+08:00 --script "$T/script.fifo" \
  >"$T/kiosk.log" 2>&1 &
pid=$!
exec {W}>"$T/script.fifo"

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status"; }
# Plays FILE, then a dump; returns once the kiosk has written it and waits for more.
play() {
  local f=$1 mark=$T/$2.dump
  cat "$f" >&"$W"
  echo "dump $mark" >&"$W"
  until [ -s "$mark" ]; do
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.5
  done
  sleep 2 # the dump written, the kiosk reading the empty FIFO
}

ok=1
if play "$T/warm.script" warm; then
  rss_warm=$(rss_kb)
  t_warm=$((SECONDS - t0))
  if play "$T/main.script" end; then
    rss_end=$(rss_kb)
  else
    ok=0
  fi
else
  ok=0
fi
exec {W}>&-
wait "$pid"; rc=$?
pid=""
t_all=$((SECONDS - t0))
echo "soak_seconds: $t_all"
[ -n "${t_warm:-}" ] && echo "soak_warmup_seconds: $t_warm"
echo "soak_records: $(sqlite3 "$D/kiosk.db" "select count(*) from records")"
[ -n "${rss_warm:-}" ] && [ -n "${rss_end:-}" ] || ok=0
if [ "$ok" = 1 ]; then
  growth=$(awk -v a="$rss_warm" -v b="$rss_end" 'BEGIN { printf "%.2f", (b - a) * 100 / a }')
  echo "soak_rss_after_warmup_kb: $rss_warm"
  echo "soak_rss_end_kb: $rss_end"
  echo "soak_rss_growth_pct: $growth"
fi
fail=0
if [ "$ok" != 1 ] || [ "$rc" != 0 ]; then
  echo "FAIL: the kiosk did not play the whole script (exit $rc):"; tail -n 20 "$T/kiosk.log"; fail=1
fi
if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$T/kiosk.log"; then
  echo "FAIL: a sanitizer reported:"; grep -A 30 -E 'ERROR: |runtime error:' "$T/kiosk.log" | head -n 60; fail=1
else
  echo "soak_sanitizers: clean (LeakSanitizer at exit)"
fi
if [ "$ok" = 1 ] && ! awk -v g="$growth" -v m="$GROWTH" 'BEGIN { exit !(g <= m) }'; then
  echo "FAIL: RSS grew $growth % after the warm-up (at most $GROWTH %)"; fail=1
fi
[ "$fail" = 0 ] && echo "soak: ok"
exit $fail
