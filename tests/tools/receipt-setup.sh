#!/bin/bash
# Sets up a receipt scenario's printer (the "# setup:" line of tests/scenarios/
# receipt_*.script; tests/run-all.sh exports OUT and DATA).  Writes $OUT/kiosk.ini — the
# base configuration with [printer] device (and timeout_ms) replaced — which the
# scenario names in its "# config:" line as build/test-out/NAME/kiosk.ini.
#
#   receipt-setup.sh MODE [BASE_INI]     BASE_INI defaults to kiosk-config/kiosk.ini
#
# MODE:
#   none        device = none
#   file        device = file:$OUT/printer.bin (a plain file gets exactly the job bytes)
#   refused     device = tcp:127.0.0.1:1 (nothing listens: connection refused)
#   unwritable  device = file:/proc/nonexistent/x (cannot be opened)
#   silent      a printer that accepts and never reads (tests/tools/fake_printer.c),
#               timeout_ms = 500; its pid in $OUT/printer.pid
#   answer      a healthy network printer writing what it gets to $OUT/printer.bin
#   close       a network printer that closes the connection after 1 KiB
# PAPER_DOTS in the environment sets [printer] paper_dots.  The C helpers are built here
# with cc; nothing else is needed (no python, no ncat).
set -eu
mode=$1
base=${2:-kiosk-config/kiosk.ini}
: "${OUT:?OUT must be set (tests/run-all.sh sets it)}"
timeout=
case $mode in
  none) dev=none ;;
  file) dev="file:$OUT/printer.bin"; rm -f "$OUT/printer.bin" ;;
  refused) dev=tcp:127.0.0.1:1 ;;
  unwritable) dev=file:/proc/nonexistent/x ;;
  silent|answer|close)
    cc -std=gnu11 -O1 -Wall -Werror -o "$OUT/fake_printer" tests/tools/fake_printer.c
    if [ "$mode" = silent ]; then
      port=$("$OUT/fake_printer" silent "$OUT/printer.pid" 60)
      timeout=500
    elif [ "$mode" = close ]; then
      port=$("$OUT/fake_printer" close "$OUT/printer.pid" 60)
    else
      rm -f "$OUT/printer.bin"
      port=$("$OUT/fake_printer" answer "$OUT/printer.pid" "$OUT/printer.bin" 60)
    fi
    dev="tcp:127.0.0.1:$port" ;;
  *) echo "receipt-setup.sh: unknown mode $mode" >&2; exit 2 ;;
esac
sed -e "s|^device = .*|device = $dev|" \
    -e "${timeout:+s|^timeout_ms = .*|timeout_ms = $timeout|}" \
    -e "${PAPER_DOTS:+s|^paper_dots = .*|paper_dots = $PAPER_DOTS|}" \
    "$base" > "$OUT/kiosk.ini"
grep -q "^device = $dev\$" "$OUT/kiosk.ini"
