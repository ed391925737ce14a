#!/bin/sh
# png-size.sh FILE.png: prints "W x H" from the PNG's IHDR chunk, or fails when FILE is not
# a PNG.  (Reads the header with od, which every Debian system has; `file` is not installed
# on a fresh system.)
set -eu
sig=$(od -An -tx1 -N8 "$1" | tr -d ' \n')
[ "$sig" = 89504e470d0a1a0a ] || { echo "$1: not a PNG" >&2; exit 1; }
set -- $(od -An -tu1 -j16 -N8 "$1")
echo "$(( ($1 << 24) | ($2 << 16) | ($3 << 8) | $4 )) x $(( ($5 << 24) | ($6 << 16) | ($7 << 8) | $8 ))"
