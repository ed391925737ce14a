#!/bin/bash
# Files from staff or a USB drive that try to hurt: kioskctl import and the kiosk's reader
# must refuse them with a sentence, quickly, within bounded memory, and change nothing.
#   a FIFO given as the CSV (a plain read would hang), a CSV and an image that are links
#   to /dev/zero (a plain read would eat memory until it aborts), a link to a file outside
#   the folder, a 300 MB Markdown file and a 300 MB CSV (sparse: read whole before), a FIFO
#   named like a Markdown file, an 8192x8192 PNG of a few hundred KB (256 MB of pixels);
#   and that PNG already in a database (imported by an older version): opening the
#   article shows its caption, never decodes it.
# Each command runs under `timeout 60`: a hang is a failure, not a stuck test run.
set -u
B=${1:-build/asan}
K=$PWD/$B/kiosk; C=$PWD/$B/kioskctl
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
. tests/shell/testlib.sh
D=$T/data
"$K" --headless --script /dev/null --data-dir "$D" >/dev/null 2>&1
snap() { sqlite3 "$D/kiosk.db" "select count(*), total(length(title)) from jobs; select count(*) from materials; select count(*), total(length(data)) from material_images"; }
before=$(snap)
refused() { # refused NAME WANT KIND PATH: import exits 1 with WANT in its one line, nothing changes
  timeout 60 "$C" --data-dir "$D" import "$3" "$4" >"$T/out" 2>"$T/err"; local rc=$?
  check "$1: refused (exit 1), not hung" eq "$rc" 1
  check "$1: says why" has "$T/err" "$2"
  check "$1: nothing changed" eq "$(snap)" "$before"
}

mkdir -p "$T/usb/materials" "$T/usb/fifo-md" "$T/usb/big-md" "$T/usb/zero-img" "$T/usb/bomb" "$T/other"
mkfifo "$T/usb/jobs-fifo.csv"
refused "a FIFO as the CSV" "is not a regular file" jobs "$T/usb/jobs-fifo.csv"
ln -s /dev/zero "$T/usb/jobs-zero.csv"
refused "a link to /dev/zero as the CSV" "is a link to a file outside its folder" jobs "$T/usb/jobs-zero.csv"
cp assets/demo/jobs.csv "$T/other/jobs.csv"
ln -s "$T/other/jobs.csv" "$T/usb/jobs-elsewhere.csv"
refused "a link out of the folder" "outside its folder" jobs "$T/usb/jobs-elsewhere.csv"
truncate -s 300M "$T/usb/jobs-huge.csv"
refused "a 300 MB CSV" "is larger than 8 MB" jobs "$T/usb/jobs-huge.csv"

printf 'title: 正常\ncategory: 测试\n\n正文。\n' > "$T/usb/fifo-md/a.md"
mkfifo "$T/usb/fifo-md/b.md"
refused "a FIFO named .md" "b.md: is not a regular file" materials "$T/usb/fifo-md"
printf 'title: 大\ncategory: 测试\n\n正文。\n' > "$T/usb/big-md/a.md"
truncate -s 300M "$T/usb/big-md/a.md"
refused "a 300 MB Markdown file" "is larger than 1 MB" materials "$T/usb/big-md"
printf 'title: 图\ncategory: 测试\n\n![零](zero.png)\n\n正文。\n' > "$T/usb/zero-img/a.md"
ln -s /dev/zero "$T/usb/zero-img/zero.png"
refused "an image linked to /dev/zero" "outside its folder" materials "$T/usb/zero-img"

# An 8192x8192 RGBA PNG of zeros: a few hundred KB on disk, 256 MB decoded.
/usr/bin/python3 - "$T/usb/bomb/bomb.png" <<'PY'
import struct, sys, zlib
side = 8192
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
z = zlib.compressobj(9); row = b"\0" * (1 + side * 4); idat = []
for _ in range(side): idat.append(z.compress(row))
idat.append(z.flush())
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 6, 0, 0, 0))
       + chunk(b"IDAT", b"".join(idat)) + chunk(b"IEND", b""))
open(sys.argv[1], "wb").write(png)
PY
echo "bomb.png: $(stat -c %s "$T/usb/bomb/bomb.png") bytes"
printf 'title: 炸弹\ncategory: 学习\n\n![一张很大的图](bomb.png)\n\n正文。\n' > "$T/usb/bomb/bomb.md"
refused "an 8192x8192 PNG" "is 8192x8192 pixels; at most 4096x4096" materials "$T/usb/bomb"

# The same picture in a database an older version filled: the reader refuses to decode it.
sqlite3 "$D/kiosk.db" "insert into materials(id,title,category,body,sort) values('bomb','炸弹图','党章党规','![一张很大的图](bomb.png)\n\n正文。',0);
  insert into material_images(material_id,name,data) values('bomb','bomb.png',readfile('$T/usb/bomb/bomb.png'))"
cat > "$T/open.script" <<'S'
press 学习园地
press 党章党规
press 炸弹图
expect 一张很大的图
S
RK=$K; [ -x build/release/kiosk ] && RK=$PWD/build/release/kiosk
/usr/bin/time -f '%M' -o "$T/rss" timeout 60 "$RK" --headless --script "$T/open.script" --data-dir "$D" >"$T/open.log" 2>&1; rc=$?
check "the article opens, its caption in the picture's place" eq "$rc" 0
rss=$(tail -n 1 "$T/rss")
echo "peak RSS opening it: $((rss / 1024)) MiB ($RK)"
check "without decoding 256 MB of pixels (peak RSS under 200 MiB)" eval '[ "$rss" -lt 204800 ]'

summary
