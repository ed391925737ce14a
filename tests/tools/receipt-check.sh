#!/bin/bash
# Helpers for the receipt scenarios' .check files: source it.  Needs DATA, OUT, KIOSKCTL
# (tests/run-all.sh sets them) and zbarimg (zbar-tools).
#
#   q SQL                   runs SQL on the kiosk's database
#   one_uuid KIND           the UUID of the only record of KIND (fails otherwise)
#   state_of UUID           the receipt's print_state
#   printed_payload BIN PNG decodes the ESC/POS in BIN to PNG and prints the QR payload
#                           zbarimg reads off it (the last job when there are several)
#   jobs_in BIN             the number of print jobs in BIN
#   png_width PNG           a PNG's width in pixels (from its header)
#   png_payload PNG         the QR payload zbarimg reads off a PNG
#   names_record P UUID L   the payload P is this kiosk's (LD-DEMO-01) receipt of record
#                           UUID, kind letter L (receipt.h: R registration, C checkin …)
#   verify PAYLOAD          kioskctl verify accepts it (its output in $OUT/verify.txt),
#                           and rejects it with one character of the signature changed
#   qr_on DUMP PX           the dump (script `dump`) shows a square QR image of PX+ px
#   inside DUMP W H         every widget of the dump lies inside a W x H screen
#   failures UUID           how many failed print attempts the event log holds for UUID
#   stop_printer            ends the fake printer the setup started
set -eu
q() { sqlite3 "$DATA/kiosk.db" "$1"; }
die() { echo "$*" >&2; exit 1; }

one_uuid() {
  local n
  n=$(q "select count(*) from records where kind='$1'")
  [ "$n" = 1 ] || die "expected 1 $1 record, found $n"
  q "select uuid from records where kind='$1'"
}

state_of() { q "select print_state from receipts where record_uuid='$1'"; }

helper() {
  [ -x "$OUT/escpos2png" ] && return
  cc -std=gnu11 -O1 -Wall -Werror -Isrc -o "$OUT/escpos2png" tests/tools/escpos2png.c \
     src/receipt/escpos.c src/core/png.c src/core/util.c $(pkg-config --cflags --libs libpng)
}

jobs_in() {
  helper
  "$OUT/escpos2png" "$1" "$OUT/jobs.png" || die "cannot decode $1"
}

png_width() {
  od -An -tu1 -j16 -N4 "$1" | awk '{print $1*16777216 + $2*65536 + $3*256 + $4}'
}

png_payload() {
  local p
  p=$(zbarimg --quiet --raw "$1") || die "zbarimg read no QR code on $1"
  [ -n "$p" ] || die "empty QR payload on $1"
  printf '%s\n' "$p"
}

printed_payload() {
  helper
  "$OUT/escpos2png" "$1" "$2" >/dev/null || die "cannot decode $1"
  png_payload "$2"
}

names_record() {
  local hex
  hex=$(printf '%s' "$2" | tr -d - | tr a-f A-F)
  case $1 in "LDK2:LD-DEMO-01:$hex:$3:"*) ;; *) return 1;; esac
}

verify() {
  local p=$1 sig c forged
  "$KIOSKCTL" --data-dir "$DATA" verify "$p" >"$OUT/verify.txt" || die "kioskctl verify refused $p"
  # The signature's first character (its last one carries padding bits).
  sig=${p##*:}
  c=${sig:0:1}
  if [ "$c" = A ]; then c=B; else c=A; fi
  forged="${p%:*}:$c${sig:1}"
  if "$KIOSKCTL" --data-dir "$DATA" verify "$forged" >/dev/null 2>&1; then
    die "kioskctl verify accepted a tampered payload $forged"
  fi
}

qr_on() {
  awk -F'\t' -v px="$2" '$1=="image" && $4>=px && $5==$4 {f=1} END{exit !f}' "$1" ||
    die "no QR of $2+ px in $1"
}

inside() {
  awk -F'\t' -v w="$2" -v h="$3" '$2<0 || $3<0 || $2+$4>w || $3+$5>h {print; bad=1}
                                   END{exit bad}' "$1" || die "a widget is off the screen"
}

failures() {
  q "select count(*) from events where kind='receipt_print' and detail like '$1 failed%'"
}

stop_printer() {
  [ -f "$OUT/printer.pid" ] && kill "$(cat "$OUT/printer.pid")" 2>/dev/null || true
}
