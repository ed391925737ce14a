#!/bin/sh
# mkdeb.sh ROOT DEB VERSION SOURCE RUNTIME_PKGS…: turns ROOT, a tree staged by
# `make install DESTDIR=ROOT PREFIX=/usr`, into the package DEB with dpkg-deb (see
# `make deb`).  Adds the documentation Debian wants (copyright, changelog), strips the
# binaries, and writes DEBIAN/: control from control.in, with Depends = what
# dpkg-shlibdeps finds the binaries linked against plus the runtime list (librime is
# loaded with dlopen; data, fonts, cage and xwayland are no libraries), conffiles (every
# file under /etc), md5sums and the maintainer scripts beside this file.
set -eu
root=$1 deb=$2 version=$3 source=$4
shift 4
here=$(cd "$(dirname "$0")" && pwd)
work=$(dirname "$root")

doc=$root/usr/share/doc/kiosk
install -d "$doc"
install -m 0644 "$here/copyright" "$doc/copyright"
# The date of the commit (or of the tree), so that two builds of one commit are the same.
date=$(git -C "$here" log -1 --format=%aD 2>/dev/null || date -R)
sed -e "s|@VERSION@|$version|" -e "s|@SOURCE@|$source|" -e "s|@DATE@|$date|" \
    "$here/changelog.in" | gzip -9n > "$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"
strip --strip-unneeded --remove-section=.comment --remove-section=.note \
    "$root/usr/bin/kiosk" "$root/usr/bin/kioskctl"

# dpkg-shlibdeps wants to run in a source package; a minimal one beside the root will do.
mkdir -p "$work/debian"
printf 'Source: kiosk\n\nPackage: kiosk\nArchitecture: any\n' > "$work/debian/control"
shlibs=$(cd "$work" && dpkg-shlibdeps -O -e"$root/usr/bin/kiosk" -e"$root/usr/bin/kioskctl" 2>"$work/shlibdeps.log" |
         sed -n 's/^shlibs:Depends=//p') ||
    { cat "$work/shlibdeps.log" >&2; exit 1; }
[ -n "$shlibs" ] || { echo "mkdeb: dpkg-shlibdeps found no libraries" >&2; cat "$work/shlibdeps.log" >&2; exit 1; }
depends=$shlibs
for p in "$@"; do
    # A runtime package shlibdeps already named (with its version) is not repeated.
    case ", $shlibs," in *", $p "* | *", $p,"*) ;; *) depends="$depends, $p" ;; esac
done

install -d -m 0755 "$root/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$(dpkg --print-architecture)|" \
    -e "s|@SIZE@|$size|" -e "s|@DEPENDS@|$depends|" "$here/control.in" > "$root/DEBIAN/control"
(cd "$root" && find etc -type f | sort | sed 's|^|/|') > "$root/DEBIAN/conffiles"
(cd "$root" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -print | sed 's|^\./||' |
    sort | xargs md5sum) > "$root/DEBIAN/md5sums"
for s in postinst prerm postrm; do install -m 0755 "$here/$s" "$root/DEBIAN/$s"; done
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles" "$root/DEBIAN/md5sums"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "  DEB     $deb"
