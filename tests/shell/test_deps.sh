#!/bin/bash
# The Makefile's package lists are complete, so that a fresh Debian 12 cannot miss a
# package that this machine happens to have (rime-prelude, which librime only recommends,
# was such a one).
#
# 1. The release kiosk plays tests/data/deps/tour.script under strace, kioskctl runs
#    check, export and receipt, and the kiosk draws its first frame under cage and
#    Xwayland as kiosk.service runs it: every file they open outside the source tree, the
#    data directory and the kernel's file systems must belong to the closure of the
#    runtime list (RUNTIME_PKGS, what the .deb depends on).
# 2. Every program the tests, the checks, the packaging scripts and the Makefile call
#    (tests/tools/called-programs.sh finds them) must belong to the closure of the
#    build/test list with the runtime list (`make deps` installs both); every program the
#    package's maintainer scripts call, to that of the runtime list.
# 3. The checker itself: the runtime list without rime-prelude or without the handwriting
#    model's package, and the build list without zbar-tools, must fail, naming the file
#    and the package.
set -u
B=${1:-build/asan}
R=build/release        # the binaries a hall PC runs, not the sanitizer build
K=$PWD/$R/kiosk; C=$PWD/$R/kioskctl
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $1"; fi; }
[ -x "$K" ] && [ -x "$C" ] || { echo "FAIL: $R/kiosk and $R/kioskctl are needed (make build)"; exit 1; }

lists=$(env -u MAKEFLAGS -u MAKELEVEL make -s --no-print-directory print-packages)
RUNTIME=$(sed -n 's/^runtime: //p' <<<"$lists")
BUILD=$(sed -n 's/^build: //p' <<<"$lists")
check "the Makefile names both lists" '[ -n "$RUNTIME" ] && [ -n "$BUILD" ]'

# --- 1. files the programs open ------------------------------------------------------
D=$T/data
trace() { strace -f -z -qq -y -e trace=open,openat,openat2,execve -o "$T/trace.$1" "${@:2}"; }
OUT=$T trace kiosk "$K" --headless --data-dir "$D" --clock 2026-12-01T09:00:00+08:00 \
  --script tests/data/deps/tour.script >"$T/kiosk.log" 2>&1; rc=$?
check "the tour plays to the end" '[ $rc = 0 ] || { cat "$T/kiosk.log"; false; }'
uuid=$(sqlite3 "$D/kiosk.db" "select uuid from records limit 1")
trace kioskctl-check "$C" --data-dir "$D" check >/dev/null 2>&1
mkdir -p "$T/usb"
trace kioskctl-export "$C" --data-dir "$D" export "$T/usb" >/dev/null 2>&1
trace kioskctl-receipt "$C" --data-dir "$D" receipt "$uuid" --png "$T/r.png" >/dev/null 2>&1
check "kioskctl rendered the tour's receipt" '[ -s "$T/r.png" ]'
# As kiosk.service runs it: under cage (headless wlroots here) through Xwayland, as a
# normal user (cage refuses root), to the first frame.
chmod 755 "$T"; mkdir -p "$T/xdg" "$T/data2"; chown nobody "$T/xdg" "$T/data2"; chmod 700 "$T/xdg"
trace cage setpriv --reuid=nobody --regid=nogroup --clear-groups -- env -i PATH=/usr/bin:/bin \
  HOME="$T" XDG_RUNTIME_DIR="$T/xdg" WLR_BACKENDS=headless WLR_RENDERER=pixman \
  WLR_LIBINPUT_NO_DEVICES=1 SDL_VIDEODRIVER=x11 timeout 60 \
  cage -- "$K" --data-dir "$T/data2" --first-frame-exit > "$T/cage.log" 2> "$T/cage.err"
check "the kiosk draws its first frame under cage" 'grep -q "^first_frame_ns: " "$T/cage.log" || { cat "$T/cage.log"; tail -n 20 "$T/cage.err"; false; }'

# strace -y writes openat(AT_FDCWD</cwd>, "path", …) or openat(5</dir>, "name", …):
# the directory a relative name is taken from stands beside it.
for f in "$T"/trace.*; do
  who=${f##*.}
  sed -nE -e 's/^[0-9]+ +open(at2?)?\(((AT_FDCWD|[0-9]+)<([^>]*)>, )?"([^"]*)".*/\4\t\5/p' \
    -e 's/^[0-9]+ +execve\("([^"]*)".*/\t\1/p' "$f" |
  awk -F'\t' -v cwd="$PWD" '{ print ($2 ~ /^\//) ? $2 : (($1 != "" ? $1 : cwd) "/" $2) }' |
  sort -u > "$T/raw.$who"
  # One realpath for all (-s: symlinks stay as spelled, dpkg knows them so).
  tr '\n' '\0' < "$T/raw.$who" | xargs -0 -r realpath -ms -- |
  while read -r p; do
    case "$p" in "$PWD"/* | "$T"/* | /proc/* | /sys/* | /dev/* | /run/* | /tmp/*) continue ;; esac
    # Read when present and done without otherwise: cage's cursor themes (the kiosk shows
    # no pointer; wlroots has a built-in one), glibc's locale aliases (package locales),
    # the D-Bus machine id (made at install by systemd or dbus).
    case "$p" in /usr/share/icons/* | /usr/share/locale/locale.alias | /var/lib/dbus/machine-id) continue ;; esac
    [ -d "$p" ] && continue
    printf '%s\t%s\n' "$p" "opened by $who"
  done
done | sort -u -t $'\t' -k1,1 > "$T/files"
echo "$(wc -l <"$T/files") files opened outside the tree"
# The tour must still reach what it is there for, or the check below proves nothing.
for want in /usr/share/rime-data/default.yaml /usr/share/rime-data/build/luna_pinyin.table.bin \
            /usr/share/tegaki/models/zinnia/handwriting-zh_CN.model \
            /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc \
            /usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc \
            /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf \
            /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf \
            /usr/share/zoneinfo/Asia/Shanghai /usr/bin/Xwayland /usr/share/X11/xkb/rules/evdev; do
  check "the tour opens $want" 'grep -q "^$want	" "$T/files"'
done
# libzinnia by whichever spelling the loader took (/lib/… or /usr/lib/…, usr-merged).
check "the tour opens libzinnia.so.0" 'grep -qE "^(/usr)?/lib/[^/]+/libzinnia\.so\.0	" "$T/files"'
tests/tools/deps-check.sh runtime "$RUNTIME" < "$T/files" > "$T/runtime.out"; rc=$?
check "every file the kiosk opens is in the runtime list's closure" '[ $rc = 0 ] || { cat "$T/runtime.out"; false; }'

# --- 2. programs the tests call --------------------------------------------------------
sources=$(find tests kiosk-config -type f \( -name '*.sh' -o -name '*.check' -o -name '*.script' -o -name '*.c' \) | sort; echo Makefile)
# shellcheck disable=SC2086
tests/tools/called-programs.sh $sources | sort -u > "$T/words"
# shellcheck disable=SC2086
funcs=$(grep -hoE '^[[:space:]]*(function[[:space:]]+)?[A-Za-z_][A-Za-z0-9_-]*[[:space:]]*\(\)' $sources |
        sed -E 's/function//; s/[[:space:]()]//g' | sort -u)
declare -A skip
while read -r w; do skip[$w]=1; done < <(compgen -bk; echo "$funcs")
# resolve WORDS: "PATH<TAB>WORD, called by FILE,FILE" for each word that is a system program.
resolve() {
  local -A calledby=()
  local w f p
  while IFS=$'\t' read -r w f; do calledby[$w]="${calledby[$w]:+${calledby[$w]},}$f"; done < "$1"
  for w in "${!calledby[@]}"; do
    [ -n "${skip[$w]:-}" ] && continue
    case "$w" in
      /*) [ -f "$w" ] && [ -x "$w" ] && p=$w || continue ;;
      */*) continue ;;                      # the project's own programs and scripts
      *) p=$(type -P -- "$w") || continue ;; # not installed here: the test itself fails
    esac
    case "$(realpath -- "$p")" in "$PWD"/*) continue ;; esac
    printf '%s\t%s\n' "$p" "$w, called by $(cut -d, -f1-2 <<<"${calledby[$w]}")"
  done
}
resolve "$T/words" > "$T/programs"
echo "$(wc -l <"$T/programs") programs called by tests, checks and the Makefile"
for want in sqlite3 zbarimg psql strace xvfb-run cc od awk; do
  check "the scan finds $want" 'grep -q "	$want, called by" "$T/programs"'
done
tests/tools/deps-check.sh build/test "$BUILD $RUNTIME" < "$T/programs" > "$T/build.out"; rc=$?
check "every program the tests call is in the build/test list's closure" '[ $rc = 0 ] || { cat "$T/build.out"; false; }'

# The package's maintainer scripts run on the hall PC: the runtime list must hold theirs.
tests/tools/called-programs.sh kiosk-config/deb/postinst kiosk-config/deb/prerm kiosk-config/deb/postrm |
  sort -u > "$T/mwords"
resolve "$T/mwords" > "$T/mprograms"
check "the scan finds the maintainer scripts' adduser and systemctl" 'grep -q "	adduser, called by" "$T/mprograms" && grep -q "	systemctl, called by" "$T/mprograms"'
tests/tools/deps-check.sh runtime "$RUNTIME" < "$T/mprograms" > "$T/maint.out"; rc=$?
check "every program the maintainer scripts call is in the runtime list's closure" '[ $rc = 0 ] || { cat "$T/maint.out"; false; }'

# --- 3. the checker catches a missing package ------------------------------------------
tests/tools/deps-check.sh runtime "$(sed 's/\brime-prelude\b//' <<<"$RUNTIME")" < "$T/files" > "$T/neg1.out"; rc=$?
check "without rime-prelude the runtime check fails" '[ $rc = 1 ]'
check "... naming default.yaml and rime-prelude" 'grep -q "^/usr/share/rime-data/default.yaml (opened by kiosk): package rime-prelude is not in the closure" "$T/neg1.out" || { cat "$T/neg1.out"; false; }'
tests/tools/deps-check.sh runtime "$(sed 's/\btegaki-zinnia-simplified-chinese\b//' <<<"$RUNTIME")" < "$T/files" > "$T/neg3.out"; rc=$?
check "without the handwriting model's package the runtime check fails, naming the model" '[ $rc = 1 ] && grep -q "^/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model (opened by kiosk): package tegaki-zinnia-simplified-chinese is not" "$T/neg3.out" || { cat "$T/neg3.out"; false; }'
tests/tools/deps-check.sh build/test "$(sed 's/\bzbar-tools\b//' <<<"$BUILD") $RUNTIME" < "$T/programs" > "$T/neg2.out"; rc=$?
check "without zbar-tools the build/test check fails, naming zbarimg" '[ $rc = 1 ] && grep -q "^/usr/bin/zbarimg (zbarimg, called by .*): package zbar-tools is not" "$T/neg2.out" || { cat "$T/neg2.out"; false; }'

echo "$pass passed, $fail failed"
[ $fail = 0 ]
