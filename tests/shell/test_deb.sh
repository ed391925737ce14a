#!/bin/bash
# make deb: the package, its units and its maintainer scripts.
#
# - `make deb` builds kiosk_VERSION_ARCH.deb from a staged install; Depends holds the
#   shared libraries dpkg-shlibdeps found and the runtime list, never a compiler, a -dev
#   package or a PostgreSQL server; dpkg-deb --contents shows the FHS layout, the files
#   under /etc are conffiles; lintian reports no error and no warning.
# - The units: systemd-analyze verify against a root made of the unpacked package, the
#   system's own units and cage, with no complaint; kiosk.service has what the issue asks.
# - The unit's command as a kiosk has it: cage (headless wlroots, pixman) runs the
#   unpacked package's kiosk, as a normal user, through Xwayland to its first frame.
# - postinst, in a private mount namespace over copies of /etc, /var and /run: creates the
#   system user kiosk and /var/lib/kiosk and /var/backups/kiosk (0700, its own); starts
#   nothing where kiosk.service is not enabled and restarts it on an upgrade where it is;
#   prerm stops it on removal.  A stand-in systemctl records what the scripts ask.
set -u
SRC=$PWD
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
chmod 755 "$T"
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $1"; fi; }
mk() { env -u MAKEFLAGS -u MAKELEVEL make -s --no-print-directory "$@"; }

version=$(sed -n 's/^VERSION *:= *//p' Makefile)
DEB=$T/kiosk_${version}_$(dpkg --print-architecture).deb
mk deb DEB_BUILD="$T/debbuild" DEB="$DEB" >"$T/make.log" 2>&1
check "make deb builds $(basename "$DEB")" '[ -f "$DEB" ] || { cat "$T/make.log"; false; }'

# --- control ---------------------------------------------------------------------------
depends=$(dpkg-deb -f "$DEB" Depends)
echo "Depends: $depends"
names=$(tr ',|' '\n\n' <<<"$depends" | sed 's/(.*//; s/ //g' | sed '/^$/d')
check "Depends comes from dpkg-shlibdeps (versioned libc6)" 'grep -q "libc6 (>= " <<<"$depends"'
runtime=$(env -u MAKEFLAGS -u MAKELEVEL make -s --no-print-directory print-packages | sed -n 's/^runtime: //p')
for p in $runtime; do
  check "Depends names $p" 'grep -qx "$p" <<<"$names"'
done
check "Depends has no compiler, -dev package or PostgreSQL server" \
  '! grep -E "^(build-essential|gcc.*|cc|clang.*|g\+\+.*|make|.*-dev|postgresql(-[0-9]+|-common)?)$" <<<"$names"'
check "Version is the Makefile's VERSION" '[ "$(dpkg-deb -f "$DEB" Version)" = "$version" ]'

# --- contents ----------------------------------------------------------------------------
dpkg-deb --contents "$DEB" | awk '{print $1, $2, $6}' > "$T/contents"
for f in ./usr/bin/kiosk ./usr/bin/kioskctl ./usr/share/kiosk/assets/i18n/core.tsv \
         ./usr/share/kiosk/assets/demo/jobs.csv ./usr/share/kiosk/fonts/README.md \
         ./usr/share/kiosk/central/001-base.sql ./etc/kiosk/kiosk.ini ./etc/pam.d/kiosk \
         ./lib/systemd/system/kiosk.service ./lib/systemd/system/kiosk-backup.service \
         ./lib/systemd/system/kiosk-backup.timer ./usr/share/doc/kiosk/copyright \
         ./usr/share/doc/kiosk/changelog.gz ./usr/share/man/man1/kiosk.1.gz \
         ./usr/share/man/man1/kioskctl.1.gz; do
  check "package holds $f" 'grep -q " $f$" "$T/contents"'
done
check "every file is root's" '! awk "\$2 != \"root/root\"" "$T/contents" | grep -q .'
check "programs 0755, the rest no more than 0644" \
  '! awk "\$1 ~ /^-/ && \$3 !~ /^.\/usr\/bin\// && \$1 != \"-rw-r--r--\"" "$T/contents" | grep -q . &&
   [ "$(grep -c "^-rwxr-xr-x .* ./usr/bin/kiosk" "$T/contents")" = 2 ]'
check "nothing outside etc, lib, usr" '! awk "{print \$3}" "$T/contents" | grep -vE "^\./(etc|lib|usr)?(/|$)"'
dpkg-deb --ctrl-tarfile "$DEB" | tar -xO ./conffiles > "$T/conffiles"
check "conffiles: kiosk.ini and the PAM file" '[ "$(paste -sd" " "$T/conffiles")" = "/etc/kiosk/kiosk.ini /etc/pam.d/kiosk" ]'
# lintian (seconds of start-up) runs beside the rest; its verdict is read at the end.
cp "$DEB" "$T/l.deb"; chmod 644 "$T/l.deb"
runuser -u nobody -- env HOME="$T" lintian "$T/l.deb" > "$T/lintian" 2>&1 & lintian_pid=$!

# --- units -------------------------------------------------------------------------------
R=$T/root
dpkg-deb -x "$DEB" "$R"
U=$R/lib/systemd/system
for l in Type=notify NotifyAccess=all Restart=always RestartSec=2 StartLimitIntervalSec=0 \
         WatchdogSec=30 StateDirectory=kiosk User=kiosk TTYPath=/dev/tty1 \
         "ExecStart=/usr/bin/cage -- /usr/bin/kiosk"; do
  check "kiosk.service: $l" 'grep -qxF "$l" "$U/kiosk.service"'
done
check "kiosk-backup.service runs kioskctl backup" 'grep -qx "ExecStart=/usr/bin/kioskctl backup /var/backups/kiosk --keep 7" "$U/kiosk-backup.service"'
check "the timer is nightly" 'grep -qx "OnCalendar=\*-\*-\* 02:30:00" "$U/kiosk-backup.timer"'
# verify wants the units' world below --root: the system's units and the programs.
cp -an /lib/systemd/system/. "$U/"
install -m 0755 /usr/bin/cage "$R/usr/bin/cage"
(cd "$T" && systemd-analyze verify --root="$R" "$U/kiosk.service" "$U/kiosk-backup.service" \
   "$U/kiosk-backup.timer") > "$T/verify" 2>&1
check "systemd-analyze verify: no complaint" '[ $? = 0 ] && [ ! -s "$T/verify" ] || { cat "$T/verify"; false; }'
sed 's/^Restart=always/Restart=alwayz/' "$U/kiosk.service" > "$U/kiosk-bad.service"
(cd "$T" && systemd-analyze verify --root="$R" "$U/kiosk-bad.service") > "$T/verify-bad" 2>&1
check "... which does complain about a bad unit" 'grep -q "alwayz" "$T/verify-bad"'
rm -f "$U/kiosk-bad.service" "$R/usr/bin/cage"

# The unit's command, as the service runs it, on a headless compositor.  The unpacked
# kiosk takes its config and data dir below $R (src/core/paths.h).
mkdir -p "$R/var/lib/kiosk" "$T/xdg"; chown nobody "$R/var/lib/kiosk" "$T/xdg"; chmod 0700 "$T/xdg"
exe=$(sed -n 's/^ExecStart=//p' "$U/kiosk.service"); exe=${exe/\/usr\/bin\/kiosk/$R/usr/bin/kiosk}
envs=$(sed -n 's/^Environment=//p' "$U/kiosk.service")
# shellcheck disable=SC2086
runuser -u nobody -- env -i PATH=/usr/bin:/bin HOME="$T" XDG_RUNTIME_DIR="$T/xdg" \
  WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1 $envs \
  timeout 60 $exe --first-frame-exit > "$T/cage.log" 2> "$T/cage.err"
check "cage runs the package's kiosk to its first frame" 'grep -q "^first_frame_ns: " "$T/cage.log" || { cat "$T/cage.log"; tail -n 20 "$T/cage.err"; false; }'
check "... which made its database in var/lib/kiosk" '[ -f "$R/var/lib/kiosk/kiosk.db" ]'

# --- maintainer scripts ------------------------------------------------------------------
dpkg-deb -e "$DEB" "$T/ctl"
mkdir -p "$T/sys/var/lib" "$T/sys/var/backups" "$T/sys/var/log" "$T/sys/run" "$T/bin"
cp -a /etc "$T/sys/etc"
cat > "$T/bin/systemctl" <<EOF
#!/bin/sh
echo "systemctl \$*" >> "$T/systemctl.log"
case "\$*" in *is-enabled*) [ -e "$T/enabled" ] && { echo enabled; exit 0; }; echo disabled; exit 1;; esac
exit 0
EOF
chmod 755 "$T/bin/systemctl"
# deb-systemd-invoke asks policy-rc.d first; a container's (docker's) forbids everything.
printf '#!/bin/sh\nexit 0\n' > "$T/policy-rc.d"; chmod 755 "$T/policy-rc.d"
# script [--systemd] NAME ARGS…: runs the package's maintainer script NAME on the copies.
script() {
  local sd=""; [ "$1" = --systemd ] && { sd=1; shift; }
  tests/tools/private-mounts.sh bash -c '
    mount --bind "$T/sys/etc" /etc && mount --bind "$T/sys/var" /var &&
    mount -t tmpfs none /run && { [ -z "$0" ] || mkdir -p /run/systemd/system; } &&
    { [ ! -e /usr/sbin/policy-rc.d ] || mount --bind "$T/policy-rc.d" /usr/sbin/policy-rc.d; } &&
    PATH=$T/bin:/usr/sbin:/usr/bin:/sbin:/bin exec "$T/ctl/$1" "${@:2}"' "$sd" "$@"
}
export T
script postinst configure > "$T/postinst.log" 2>&1
check "postinst configure succeeds" '[ $? = 0 ] || { cat "$T/postinst.log"; false; }'
line=$(grep "^kiosk:" "$T/sys/etc/passwd")
uid=$(cut -d: -f3 <<<"$line")
check "it creates the system user kiosk" '[ -n "$line" ] && [ "$uid" -lt 1000 ] && [ "$(cut -d: -f6,7 <<<"$line")" = "/var/lib/kiosk:/usr/sbin/nologin" ]'
check "... and its group" 'grep -q "^kiosk:" "$T/sys/etc/group"'
check "/var/lib/kiosk 0700, the kiosk's" '[ "$(stat -c "%a %u" "$T/sys/var/lib/kiosk")" = "700 $uid" ]'
check "/var/backups/kiosk 0700, the kiosk's" '[ "$(stat -c "%a %u" "$T/sys/var/backups/kiosk")" = "700 $uid" ]'
check "without systemd running it asks systemctl nothing" '[ ! -e "$T/systemctl.log" ]'
script --systemd postinst configure "0.2.0" > "$T/postinst2.log" 2>&1
check "an upgrade keeps the one user" '[ $? = 0 ] && [ "$(grep -c "^kiosk:" "$T/sys/etc/passwd")" = 1 ]'
check "... and starts nothing when kiosk.service is not enabled" \
  '! grep -E "(start|restart)( |$)" "$T/systemctl.log" && grep -q "daemon-reload" "$T/systemctl.log" || { cat "$T/systemctl.log"; false; }'
touch "$T/enabled"; : > "$T/systemctl.log"
script --systemd postinst configure "0.2.0" > /dev/null 2>&1
check "an upgrade restarts an enabled kiosk that runs (try-restart)" 'grep -q "try-restart kiosk.service" "$T/systemctl.log" || { cat "$T/systemctl.log"; false; }'
: > "$T/systemctl.log"
script --systemd prerm remove > /dev/null 2>&1
check "prerm remove stops the kiosk and the backup timer" 'grep -q "stop kiosk.service kiosk-backup.timer" "$T/systemctl.log" || { cat "$T/systemctl.log"; false; }'
script --systemd postrm purge > /dev/null 2>&1
check "postrm purge keeps the records" '[ -d "$T/sys/var/lib/kiosk" ] && grep -q "^kiosk:" "$T/sys/etc/passwd"'

wait $lintian_pid; lrc=$?
check "lintian: no error, no warning" '[ $lrc = 0 ] && ! grep -E "^[EW]: " "$T/lintian" || { cat "$T/lintian"; false; }'

echo "$pass passed, $fail failed"
[ $fail = 0 ]
