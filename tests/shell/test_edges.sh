#!/bin/bash
# Small edges of both programs: an unknown time zone is a configuration error; a script
# line longer than the player's buffer fails instead of running its tail as a command;
# SIGTERM stops the kiosk, also after a window close that came without SDL_QUIT (real X
# server: Xvfb, and tests/tools/xclose.c sending WM_DELETE_WINDOW); kioskctl unlock.
set -u
B=${1:-build/asan}
K=$PWD/$B/kiosk; C=$PWD/$B/kioskctl
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
. tests/shell/testlib.sh

# --- time zone -------------------------------------------------------------------------
sed 's|^timezone = .*|timezone = Asia/Shangai|' kiosk-config/kiosk.ini > "$T/tz.ini"
line=$(grep -n '^timezone' "$T/tz.ini" | cut -d: -f1)
for prog in "$K --headless --script /dev/null" "$C stats"; do
  name=${prog%% *}; name=${name##*/}
  $prog --config "$T/tz.ini" --data-dir "$T/tz-$name" >/dev/null 2>"$T/err"; rc=$?
  check "$name: unknown time zone exits 2" eval '[ $rc = 2 ]'
  check "$name: the line names file, line and zone" eval 'grep -q "^$T/tz.ini:$line: \[kiosk\] timezone \"Asia/Shangai\" is not a known time zone" "$T/err"'
  check "$name: nothing written" eval '[ ! -e "$T/tz-$name" ]'
done

# --- script lines longer than the buffer -----------------------------------------------
mkdir -p "$T/long"
{ printf '# '; head -c 16381 /dev/zero | tr '\0' 'a'; printf 'shot %s/tail.png\n' "$T/long"; } > "$T/long.script"
$K --headless --script "$T/long.script" --data-dir "$T/long/data" >/dev/null 2>"$T/err"; rc=$?
check "an over-long script line fails (exit 1, line 1)" eval '[ $rc = 1 ] && grep -q "long.script:1: line longer than" "$T/err"'
check "its tail never ran as a command" eval '[ ! -e "$T/long/tail.png" ]'
# One byte shorter fits: a comment, then the shot on the next line runs.
{ printf '# '; head -c 16380 /dev/zero | tr '\0' 'a'; printf '\nshot %s/ok.png\n' "$T/long"; } > "$T/fits.script"
$K --headless --script "$T/fits.script" --data-dir "$T/long/data" >/dev/null 2>"$T/err"; rc=$?
check "a line that fits still runs" eval '[ $rc = 0 ] && [ -s "$T/long/ok.png" ]'

# --- kioskctl unlock ---------------------------------------------------------------------
$K --headless --script /dev/null --data-dir "$T/pin" >/dev/null 2>&1
echo 246813 | $C --data-dir "$T/pin" set-pin >/dev/null
sqlite3 "$T/pin/kiosk.db" "update meta set value='9' where key='staff_pin_failures';
  update meta set value='99999999999999' where key='staff_pin_locked_until'"
$C --data-dir "$T/pin" unlock >"$T/out" 2>&1; rc=$?
check "unlock clears the lock" eval '[ $rc = 0 ] && [ "$(sqlite3 "$T/pin/kiosk.db" "select group_concat(value) from meta where key in (\"staff_pin_failures\",\"staff_pin_locked_until\")")" = "0,0" ]'
check "unlock is in the event log" eval '[ "$(sqlite3 "$T/pin/kiosk.db" "select count(*) from events where kind=\"staff_pin_unlocked\"")" = 1 ]'
echo 1234 | $C --data-dir "$T/pin" set-pin >/dev/null 2>"$T/err"; rc=$?
check "set-pin refuses 1234" eval '[ $rc = 2 ] && grep -q "6 to 12 digits" "$T/err"'
echo 123456 | $C --data-dir "$T/pin" set-pin >/dev/null 2>"$T/err"; rc=$?
check "set-pin refuses 123456" eval '[ $rc = 2 ] && grep -q "too easy" "$T/err"'

# --- SIGTERM after a window close --------------------------------------------------------
if ! command -v xvfb-run >/dev/null; then
  echo "skip: SIGTERM part (xvfb-run is not installed)"
elif ! cc -std=gnu11 -O1 -Wall -Werror -o "$T/xclose" tests/tools/xclose.c -lX11 2>"$T/cc"; then
  cat "$T/cc"; bad "tests/tools/xclose.c builds"
else
  cat > "$T/x.sh" <<'EOF'
# $1 kiosk, $2 data dir, $3 xclose, $4 SDL_QUIT_ON_LAST_WINDOW_CLOSE; prints the outcome.
export SDL_VIDEODRIVER=x11 SDL_QUIT_ON_LAST_WINDOW_CLOSE=$4
"$1" --windowed --data-dir "$2" >"$2.log" 2>&1 &
pid=$!
for i in $(seq 1 300); do "$3" kiosk && break; sleep 0.1; done
sleep 1
kill -0 $pid 2>/dev/null && echo "alive after close" || echo "exited on close"
kill -TERM $pid
for i in $(seq 1 300); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
if kill -0 $pid 2>/dev/null; then echo "ignored SIGTERM"; kill -KILL $pid; wait $pid; else wait $pid; echo "stopped $?"; fi
EOF
  for hint in 0 1; do
    $K --headless --script /dev/null --data-dir "$T/x$hint" >/dev/null 2>&1
    # xvfb-run -a races with another test starting an X server at the same moment: start
    # from a random display number, and try again when the kiosk found no X server.
    for try in 1 2 3; do
      xvfb-run -a -n $((200 + RANDOM % 600)) -s "-screen 0 1280x800x24" \
        bash "$T/x.sh" "$K" "$T/x$hint" "$T/xclose" $hint >"$T/xout" 2>&1
      grep -q "x11 not available\|cannot open display" "$T/x$hint.log" "$T/xout" || break
    done
    check "close (quit-on-last-window $hint) is ignored in public mode" eval 'grep -q "^alive after close$" "$T/xout"'
    check "SIGTERM then stops the kiosk cleanly (hint $hint)" eval 'grep -q "^stopped 0$" "$T/xout"'
    check "the stop is logged (hint $hint)" eval '[ "$(sqlite3 "$T/x$hint/kiosk.db" "select kind from events order by seq desc limit 1")" = stop ]'
    grep -q "^stopped 0$" "$T/xout" || { cat "$T/xout" "$T/x$hint.log"; }
  done
fi

summary
