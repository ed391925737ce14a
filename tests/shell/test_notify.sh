#!/bin/bash
# Readiness and the watchdog (sd_notify), against a stand-in notification socket
# (tests/tools/notify_listen.c).
#
# 1. As kiosk.service runs it: cage (headless) starts the kiosk as its child, so
#    WATCHDOG_PID names cage; WATCHDOG_USEC=200000 asks for a ping every 100 ms.  The
#    socket hears READY=1 with a STATUS= line, then WATCHDOG=1 again and again; after the
#    test-only switch (KIOSK_TEST_STALL_FILE) hangs the main loop, with every other thread
#    running, no ping at all.  (A database that does not answer: tests/unit/test_notify.c;
#    a WAL database cannot be made to refuse a reader from outside.)
# 2. A watchdog meant for another process (WATCHDOG_PID=1): READY=1 but no ping; SIGTERM
#    ends the kiosk with STOPPING=1.
# The waits below only bound a hang; nothing is judged by how long anything took.
set -u
B=${1:-build/asan}
K=$PWD/$B/kiosk
T=$(mktemp -d); chmod 755 "$T"
pids=()
stop() { kill -9 -- "-$1" "$1" 2>/dev/null; wait "$1" 2>/dev/null; }
trap 'for p in "${pids[@]}"; do stop "$p"; done; rm -rf "$T"' EXIT
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $1"; fi; }
cc -O1 -o "$T/listen" tests/tools/notify_listen.c || { echo "FAIL: the listener does not build"; exit 1; }
# wait_for FILE N PATTERN: until FILE has at least N lines matching PATTERN (at most 30 s).
wait_for() {
  for _ in $(seq 1 300); do
    [ "$(grep -c -- "$3" "$1" 2>/dev/null)" -ge "$2" ] && return 0
    sleep 0.1
  done
  return 1
}
# listen NAME: a listener at $T/NAME.sock writing $T/NAME.msgs.
listen() {
  "$T/listen" "$T/$1.sock" 120 > "$T/$1.msgs" & pids+=($!)
  for _ in $(seq 1 100); do [ -S "$T/$1.sock" ] && break; sleep 0.05; done
  chmod 777 "$T/$1.sock"
}

# --- 1. under cage ---------------------------------------------------------------------
listen cage
D=$T/data; mkdir -p "$D" "$T/xdg"; chown nobody "$D" "$T/xdg"; chmod 700 "$T/xdg"
setsid setpriv --reuid=nobody --regid=nogroup --clear-groups -- env -i PATH=/usr/bin:/bin \
  HOME="$T" XDG_RUNTIME_DIR="$T/xdg" WLR_BACKENDS=headless WLR_RENDERER=pixman \
  WLR_LIBINPUT_NO_DEVICES=1 SDL_VIDEODRIVER=x11 NOTIFY_SOCKET="$T/cage.sock" \
  WATCHDOG_USEC=200000 KIOSK_TEST_STALL_FILE="$T/stall" \
  ASAN_OPTIONS="${ASAN_OPTIONS:-}" LSAN_OPTIONS="${LSAN_OPTIONS:-}" \
  sh -c 'export WATCHDOG_PID=$$; exec cage -- "$0" --data-dir "$1"' "$K" "$D" > "$T/cage.log" 2>&1 &
pids+=($!)
M=$T/cage.msgs
wait_for "$M" 1 '^READY=1'
check "READY=1 with a status line" 'grep -q "^READY=1|STATUS=serving: kiosk LD-DEMO-01" "$M" || { cat "$M"; tail "$T/cage.log"; false; }'
wait_for "$M" 3 '^WATCHDOG=1$'
check "WATCHDOG=1, again and again" '[ "$(grep -c "^WATCHDOG=1$" "$M")" -ge 3 ] || { cat "$M"; false; }'

# The loop hangs: no ping any more.
touch "$T/stall"
wait_for "$M" 1 '^STATUS=test stall'
before=$(sed -n '/^STATUS=test stall/,$p' "$M" | grep -c "^WATCHDOG=1$")
sleep 1.5   # fifteen ping intervals
after=$(sed -n '/^STATUS=test stall/,$p' "$M" | grep -c "^WATCHDOG=1$")
check "a hung loop sends no ping (the printer thread runs on)" '[ "$before" = 0 ] && [ "$after" = 0 ] || { cat "$M"; false; }'
# The kiosk process, found by its command line (no procps on a fresh system).
kiosk_alive() {
  local f
  for f in /proc/[0-9]*/cmdline; do
    [ "$(tr '\0' ' ' < "$f" 2>/dev/null)" = "$K --data-dir $D " ] && return 0
  done
  return 1
}
check "the kiosk itself is still alive while silent" 'kiosk_alive'
stop "${pids[1]}"

# --- 2. a watchdog for someone else; SIGTERM ----------------------------------------------
listen other
SDL_VIDEODRIVER=dummy NOTIFY_SOCKET="$T/other.sock" WATCHDOG_USEC=200000 WATCHDOG_PID=1 \
  "$K" --windowed --data-dir "$T/d2" > "$T/other.log" 2>&1 &
kp=$!
M2=$T/other.msgs
wait_for "$M2" 1 '^READY=1'
sleep 0.5
kill -TERM $kp; wait $kp; rc=$?
check "WATCHDOG_PID of another process: READY=1, no ping" 'grep -q "^READY=1" "$M2" && ! grep -q "^WATCHDOG" "$M2" || { cat "$M2"; false; }'
wait_for "$M2" 1 '^STOPPING=1'
check "SIGTERM: STOPPING=1, exit 0" '[ $rc = 0 ] && grep -q "^STOPPING=1" "$M2" || { cat "$M2" "$T/other.log"; false; }'
check "no sanitizer report" '! grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$T/other.log" "$T/cage.log" || { cat "$T/other.log"; false; }'

echo "$pass passed, $fail failed"
[ $fail = 0 ]
