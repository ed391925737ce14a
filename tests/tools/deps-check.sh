#!/bin/bash
# deps-check.sh LIST "PKG PKG …" < ITEMS
#
# Checks that a package list is complete.  ITEMS holds one "PATH<TAB>WHO" a line: a file a
# program opened, or a program the tests call, and who did.  Each PATH is mapped to the
# Debian package that owns it (dpkg -S; Debian 12 is usr-merged, so a file may be known to
# dpkg only as /lib/… or only as /usr/lib/…: both spellings are tried, of the path as given
# and of its real path) and that package must be in the dependency closure of PKG …
# (apt-cache depends --recurse, without recommends, suggests and the like) or to that of
# the Essential packages (Debian Policy 3.8: every system has those, nobody declares them).
#
# A file no package owns is fine under /etc (ld.so.cache, passwd: made by the system at
# install time) and a problem anywhere else (/usr/local, a home directory: a fresh machine
# will not have it).
#
# Prints one line per problem, naming the file, who used it and the package, then exits 1;
# exits 0 when every item is covered.  LIST names the list in those lines ("runtime").
set -u
list_name=$1
pkgs=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT

# The closure: package lines of apt-cache's recursive listing (virtual names come as
# <name>; their providers follow as package lines of their own) of the list and of the
# Essential packages, which every system has with what they depend on.
essential=$(dpkg-query -W -f '${Package} ${Essential}\n' | awk '$2 == "yes" {print $1}')
# shellcheck disable=SC2086
apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
  --no-replaces --no-enhances $pkgs $essential 2>"$T/apt.err" | grep -v '^ ' | tr -d '<>' |
  sed 's/:.*//' | sort -u > "$T/closure"
if [ ! -s "$T/closure" ]; then
  echo "deps-check: apt-cache depends gave nothing for the $list_name list: $(head -n 3 "$T/apt.err")"
  exit 1
fi

# Every spelling of a path dpkg may know it by: as given, with its directory resolved, its
# real path, and each of those with and without /usr in front (realpath runs once for all).
paths=(); whos=()
while IFS=$'\t' read -r path who; do
  [ -n "$path" ] || continue
  paths+=("$path"); whos+=("$who")
done
[ ${#paths[@]} -gt 0 ] || exit 0
dirs=(); for p in "${paths[@]}"; do dirs+=("${p%/*}/"); done
mapfile -t reals < <(realpath -m -- "${paths[@]}")
mapfile -t rdirs < <(realpath -m -- "${dirs[@]}")
spell=()
for i in "${!paths[@]}"; do
  l=""
  for x in "${paths[i]}" "${rdirs[i]}/${paths[i]##*/}" "${reals[i]}"; do
    l+="$x|"
    case "$x" in
      /usr/bin/* | /usr/sbin/* | /usr/lib/* | /usr/lib32/* | /usr/lib64/* | /usr/libx32/*) l+="${x#/usr}|" ;;
      /bin/* | /sbin/* | /lib/* | /lib32/* | /lib64/* | /libx32/*) l+="/usr$x|" ;;
    esac
  done
  spell+=("$l")
done
printf '%s' "${spell[@]}" | tr '|' '\n' | sort -u > "$T/all"

# One dpkg -S for everything (it reads the whole file database once).  Its lines are
# "pkg[:arch][, pkg…]: /path"; diversions and misses go to other lines, which are skipped.
tr '\n' '\0' < "$T/all" | xargs -0 dpkg -S 2>/dev/null | grep -v '^diversion ' |
  sed -n 's/^\([^:/][^/]*\): \(\/.*\)$/\2\t\1/p' | sed 's/:[a-z0-9]*\(,\|\t\|$\)/\1/g; s/, / /g' > "$T/owners"

declare -A owner inclosure
while IFS=$'\t' read -r p o; do owner[$p]+=" $o"; done < "$T/owners"
while read -r p; do inclosure[$p]=1; done < "$T/closure"

bad=0
for i in "${!paths[@]}"; do
  path=${paths[i]} who=${whos[i]} owners=""
  IFS='|' read -ra sp <<<"${spell[i]}"
  for s in "${sp[@]}"; do owners+="${owner[$s]:-}"; done
  read -ra owners <<<"$owners"
  if [ ${#owners[@]} = 0 ]; then
    case "$path" in
      /etc/*) continue ;;
    esac
    echo "$path ($who): no Debian package owns it, so a fresh Debian 12 will not have it"
    bad=1
    continue
  fi
  ok=0
  for o in "${owners[@]}"; do [ -n "${inclosure[$o]:-}" ] && ok=1; done
  if [ $ok = 0 ]; then
    names=$(printf '%s\n' "${owners[@]}" | sort -u | paste -sd' ')
    echo "$path ($who): package ${names// / or } is not in the closure of the $list_name list"
    bad=1
  fi
done
exit $bad
