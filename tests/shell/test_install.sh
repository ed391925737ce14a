#!/bin/bash
# make install, and an installed kiosk that needs no source tree.
#
# `make install DESTDIR=… PREFIX=/usr` stages the FHS layout (bin/, share/kiosk/ with the
# assets, fonts and central schema, /etc/kiosk/kiosk.ini never overwritten).  A copy of
# the staged tree then runs on its own, from another working directory, with the source
# tree hidden under an empty tmpfs (a private mount namespace) and strace watching that
# nothing of it is even looked for: the kiosk finds its config, catalogue and fonts, and
# creates its data dir (0700) under the copy's var/lib/kiosk; the keyboard types 张; no
# demo content unless [kiosk] demo = true.  Run as root, the installed kioskctl acts as
# the kiosk user (built here with KIOSK_USER=nobody) and refuses with a sentence when that
# user does not exist.  Both programs print "NAME VERSION (commit)" for --version.
set -u
B=${1:-build/asan}
SRC=$PWD
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
chmod 755 "$T"   # the kiosk user must reach the staged tree
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $1"; fi; }
mk() { env -u MAKEFLAGS -u MAKELEVEL make -s --no-print-directory "$@"; }

mk install DESTDIR="$T/stage" PREFIX=/usr KIOSK_USER=nobody INSTALL_BUILD="$T/b" >"$T/make.log" 2>&1
check "make install succeeds" '[ $? = 0 ] || { cat "$T/make.log"; false; }'
S=$T/stage
for f in usr/bin/kiosk usr/bin/kioskctl usr/share/kiosk/assets/i18n/core.tsv \
         usr/share/kiosk/assets/demo/jobs.csv usr/share/kiosk/fonts/README.md \
         usr/share/kiosk/central/001-base.sql etc/kiosk/kiosk.ini; do
  check "installed: /$f" '[ -f "$S/$f" ]'
done
check "binaries 0755, config 0644" '[ "$(stat -c %a "$S/usr/bin/kiosk" "$S/usr/bin/kioskctl" "$S/etc/kiosk/kiosk.ini" | paste -sd" ")" = "755 755 644" ]'
check "nothing else at the top" '[ "$(ls "$S" | paste -sd" ")" = "etc usr" ]'
echo "# changed by staff" >> "$S/etc/kiosk/kiosk.ini"
mk install DESTDIR="$T/stage" PREFIX=/usr KIOSK_USER=nobody INSTALL_BUILD="$T/b" >/dev/null 2>&1
check "a second install keeps an existing kiosk.ini" 'tail -n 1 "$S/etc/kiosk/kiosk.ini" | grep -q "changed by staff"'

# --version: the Makefile's VERSION, and the commit when this is a checkout.
version=$(sed -n 's/^VERSION *:= *//p' Makefile)
commit=$(git rev-parse --short=12 HEAD 2>/dev/null)
want="$version${commit:+ ($commit)}"
check "kiosk --version" '[ "$("$S/usr/bin/kiosk" --version)" = "kiosk $want" ]'
check "kioskctl --version" '[ "$("$S/usr/bin/kioskctl" --version)" = "kioskctl $want" ]'
check "the source tree's build says the same" '[ "$("$SRC/build/kiosk" --version)" = "kiosk $want" ] && [ "$("$SRC/$B/kioskctl" --version)" = "kioskctl $want" ]'

# A copy of the staged tree, the staged one gone, the source tree hidden.
cp -a "$S" "$T/copy"; rm -rf "$S"
R=$T/copy
mkdir -p "$T/elsewhere" "$R/var/lib/kiosk"
chown nobody:nogroup "$R/var/lib/kiosk"; chmod 0700 "$R/var/lib/kiosk"   # as the package does
cat > "$T/pinyin.script" <<'EOF'
expect 莲都区外来党员服务中心
press 报到登记
press 姓名
press z
press h
press a
press n
press g
press 张
expect 张
EOF
# isolated CMD…: CMD as the kiosk user, in $T/elsewhere, with the source tree hidden.
isolated() {
  tests/tools/private-mounts.sh bash -c 'mount -t tmpfs none "$0" && cd "$1" && shift && exec "$@"' \
    "$SRC" "$T/elsewhere" "$@"
}
isolated strace -f -qq -e trace=open,openat,openat2,stat,newfstatat,access,execve -o "$T/trace" \
  runuser -u nobody -- "$R/usr/bin/kiosk" --headless --script "$T/pinyin.script" >"$T/run.log" 2>&1
check "the installed kiosk types 张 with no flag and no source tree" '[ $? = 0 ] || { cat "$T/run.log"; false; }'
check "... reading the copy's config and catalogue" 'grep -q "\"$R/etc/kiosk/kiosk.ini\"" "$T/trace" && grep -q "\"$R/usr/share/kiosk/assets/i18n" "$T/trace"'
check "... and never looks into the source tree" '! grep -F "\"$SRC" "$T/trace" || { grep -F "\"$SRC" "$T/trace" | head -n 5; false; }'
check "its database is in LOCALSTATEDIR/lib/kiosk" '[ -f "$R/var/lib/kiosk/kiosk.db" ]'
check "data dir 0700, owned by the kiosk user" '[ "$(stat -c "%a %U" "$R/var/lib/kiosk")" = "700 nobody" ]'
isolated "$R/usr/bin/kioskctl" stats > "$T/stats" 2>&1
check "root's kioskctl reads it with no flag" 'grep -q "^records_total: 0" "$T/stats" || { cat "$T/stats"; false; }'
check "no demo content without [kiosk] demo" 'grep -q "^jobs: 0$" "$T/stats"'
echo 246813 | isolated "$R/usr/bin/kioskctl" set-pin >"$T/pin.log" 2>&1
check "root's kioskctl set-pin works" '[ $? = 0 ] || { cat "$T/pin.log"; false; }'
check "... leaving no root-owned file in the data dir" '[ -z "$(find "$R/var/lib/kiosk" -user root)" ] || { find "$R/var/lib/kiosk" -user root -ls; false; }'

# [kiosk] demo = true: a new data dir is seeded from the installed assets.
sed -i 's/^\[kiosk\]$/[kiosk]\ndemo = true/' "$R/etc/kiosk/kiosk.ini"
rm -rf "$R/var/lib/kiosk"; mkdir -m 0700 "$R/var/lib/kiosk"; chown nobody:nogroup "$R/var/lib/kiosk"
isolated runuser -u nobody -- "$R/usr/bin/kiosk" --headless --script /dev/null >"$T/run2.log" 2>&1
isolated "$R/usr/bin/kioskctl" stats > "$T/stats2" 2>&1
check "demo = true seeds the demo content" '[ "$(sed -n "s/^jobs: //p" "$T/stats2")" -ge 40 ] || { cat "$T/run2.log" "$T/stats2"; false; }'

# A kiosk user that does not exist: root is refused with a sentence, nothing written.
mk install DESTDIR="$T/stage3" PREFIX=/usr KIOSK_USER=no-such-kiosk-user INSTALL_BUILD="$T/b3" >/dev/null 2>&1
"$T/stage3/usr/bin/kioskctl" --data-dir "$T/d3" stats 2>"$T/err3"; rc=$?
check "root refused when the kiosk user is missing (exit 2)" '[ $rc = 2 ] && [ ! -e "$T/d3" ]'
check "... with a sentence naming the user" 'grep -q "refusing to run as root: there is no user \"no-such-kiosk-user\"" "$T/err3" || { cat "$T/err3"; false; }'
check "... in one line" '[ "$(wc -l < "$T/err3")" = 1 ]'

echo "$pass passed, $fail failed"
[ $fail = 0 ]
