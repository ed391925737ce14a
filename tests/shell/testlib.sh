# testlib.sh — what the shell tests share: sourced by tests/shell/test_*.sh (run-all.sh
# runs only files named test_*, so this one is never run by itself).
#
#   check NAME COMMAND…   runs the command; its status decides "ok" or "FAIL" for NAME
#   eq GOT WANT           fails, saying both, unless equal
#   has FILE TEXT         fails, showing the file, unless it contains TEXT
#   clean FILE            fails, showing its end, when a sanitizer reported in FILE
#   summary               prints "N passed, M failed"; its status is 0 only when none failed
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "  ok    $1"; }
bad() { fail=$((fail + 1)); echo "  FAIL  $1"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
eq() { [ "$1" = "$2" ] || { echo "        got '$1', want '$2'"; return 1; }; }
has() { grep -qF -- "$2" "$1" || { echo "        $(basename "$1") lacks '$2':"; sed 's/^/          /' "$1"; return 1; }; }
clean() {
    ! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$1" ||
        { sed 's/^/        /' "$1" | tail -n 20; return 1; }
}
summary() {
    echo
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
