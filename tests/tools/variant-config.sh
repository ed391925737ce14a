#!/bin/sh
# variant-config.sh OUT.ini [portrait] [en] [large] [full] [rating]: a copy of
# kiosk-config/kiosk.ini (portrait.ini with "portrait") with [kiosk] language = en,
# [display] large_text = true, (full) [store] min_free_mb above any disk and/or (rating)
# [checkin] ask_rating = true: the variants a screen is checked in (fit) when nothing on it
# can switch them.
set -eu
out=$1; shift
src=kiosk-config/kiosk.ini
for a in "$@"; do [ "$a" = portrait ] && src=kiosk-config/portrait.ini; done
grep -v '^min_free_mb' "$src" > "$out.tmp"
for a in "$@"; do
  case $a in
    portrait) ;;
    en) sed -i 's/^language[[:space:]]*=.*/language = en/' "$out.tmp"
        grep -q '^language = en$' "$out.tmp" ;;
    large) sed -i 's/^large_text[[:space:]]*=.*/large_text = true/' "$out.tmp"
           grep -q '^large_text = true$' "$out.tmp" ;;
    full) if grep -q '^\[store\]' "$out.tmp"; then
            sed -i 's/^\[store\]$/[store]\nmin_free_mb = 1048576/' "$out.tmp"
          else
            printf '\n[store]\nmin_free_mb = 1048576\n' >> "$out.tmp"
          fi ;;
    rating) sed -i '/^ask_rating[[:space:]]*=/d; s/^\[checkin\]$/[checkin]\nask_rating = true/' "$out.tmp"
            grep -q '^ask_rating = true$' "$out.tmp" ;;
    *) echo "variant-config.sh: unknown variant $a" >&2; exit 2 ;;
  esac
done
mv "$out.tmp" "$out"
