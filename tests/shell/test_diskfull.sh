#!/bin/bash
# A full disk, for real: the data directory on a 48 MB tmpfs filled by another file.
#   - below [store] min_free_mb (16 MB here) with the disk at 0 bytes free: Home's tiles
#     that open a form say 本机存储空间不足，暂停办理 before anyone taps; 活动签到, a scan
#     报到登记 and an errand (咨询登记) open the full-disk notice instead of a form; no record
#     is made; staff still log in (the keypad releases the 4 MB reserve,
#     and the PIN check writes), see the free space and export the day; kioskctl check
#     fails naming the disk;
#   - the running kiosk (real loop) notices when space is back, by itself.
# Skips, saying so, where a tmpfs cannot be mounted (not root).
set -u
B=${1:-build/asan}
K=$PWD/$B/kiosk; C=$PWD/$B/kioskctl
T=$(mktemp -d); MNT=$T/mnt; pid=
OUT=$PWD/build/test-out/test_diskfull; mkdir -p "$OUT"
cleanup() { [ -n "$pid" ] && kill -KILL $pid 2>/dev/null; umount "$MNT" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
. tests/shell/testlib.sh
mkdir -p "$MNT"
if ! mount -t tmpfs -o size=48m tmpfs "$MNT" 2>/dev/null; then
  echo "skip: test_diskfull needs to mount a size-limited tmpfs (run as root); nothing tested"
  exit 0
fi
D=$MNT/data
sed -e 's/^min_free_mb = .*/min_free_mb = 16/' -e 's/^reserve_mb = .*/reserve_mb = 4/' \
  kiosk-config/kiosk.ini > "$T/k.ini"
grep -q '^min_free_mb = 16$' "$T/k.ini" && grep -q '^reserve_mb = 4$' "$T/k.ini" ||
  { bad "kiosk.ini has [store] min_free_mb and reserve_mb"; summary; exit 1; }
q() { sqlite3 "$D/kiosk.db" "$1" 2>/dev/null; }
mb_free() { echo $(( $(stat -f -c '%a * %S' "$MNT") / 1048576 )); }

# Two check-ins on a disk with room, and the staff PIN.
"$K" --headless --config "$T/k.ini" --data-dir "$D" --clock 2026-12-01T10:00:00+08:00 \
  --script tests/data/seed/two-checkins.script >"$T/seed.log" 2>&1
check "records made while there is room" eq "$(q "select count(*) from records")" 2
echo 246813 | "$C" --config "$T/k.ini" --data-dir "$D" set-pin >/dev/null
check "the reserve was made" eval '[ "$(stat -c %s "$D/space.reserve" 2>/dev/null)" = $((4 << 20)) ]'

# Something else fills the disk to the last byte.
fallocate -l $(( $(stat -f -c '%a * %S' "$MNT") )) "$MNT/filler" 2>/dev/null || true
while dd if=/dev/zero of="$MNT/filler2" bs=4096 count=256 oflag=append conv=notrunc 2>/dev/null; do :; done
echo "free after filling: $(mb_free) MB"
check "the disk is full" eq "$(mb_free)" 0

cat > "$T/full.script" <<'S'
expect 本机存储空间不足，暂停办理
shot $OUT/home-full.png
press 活动签到
expect 本机存储空间不足，暂停办理，请联系工作人员
shot $OUT/notice.png
press 首页
scan LD-2024-00077
expect 本机存储空间不足，暂停办理，请联系工作人员
press 首页
press 报到登记
expect 本机存储空间不足，暂停办理，请联系工作人员
press 首页
press 服务指南
expect 24小时服务热线
press 咨询登记
expect 本机存储空间不足，暂停办理，请联系工作人员
shot $OUT/errand.png
press 首页
drag 40 40 40 40 3500
press 2
press 4
press 6
press 8
press 1
press 3
press 确认
expect 今日统计
expect 剩余空间仅
shot $OUT/staff.png
press 导出到U盘
press usb0
wait 1000
expect 导出完成：2 条记录已写入
S
mkdir -p "$T/usb0"
( export OUT KIOSK_EXPORT_DRIVES=$T/usb0
  exec "$K" --headless --config "$T/k.ini" --data-dir "$D" --clock 2026-12-01T11:00:00+08:00 \
    --script "$T/full.script" ) >"$T/full.log" 2>&1; rc=$?
check "the full-disk tour plays to the end" eval '[ $rc = 0 ] || { tail -5 "$T/full.log"; false; }'
check "its log is sanitizer-clean" clean "$T/full.log"
check "no record was made on the full disk" eq "$(q "select count(*) from records")" 2
check "the staff login was logged" eq "$(q "select count(*) from events where kind='staff_login'")" 1
check "the reserve was released for it" eval '[ ! -e "$D/space.reserve" ] && [ "$(q "select count(*) from events where kind=\"reserve_released\"")" = 1 ]'
check "the day was exported" eval '[ "$(q "select count(*) from records where collected_at is null")" = 0 ] && ls "$T/usb0"/*/records.jsonl >/dev/null'
"$C" --config "$T/k.ini" --data-dir "$D" check >"$T/check" 2>&1; rc=$?
check "check fails naming the disk" eval '[ $rc = 1 ] && grep -q "^disk: FAILED (.* MB free on .*, below \[store\] min_free_mb 16" "$T/check"'

# Some room again, still below the limit; the running kiosk comes back by itself when the
# other file goes.
rm -f "$MNT/filler2"
truncate -s $(( $(stat -c %s "$MNT/filler") - (8 << 20) )) "$MNT/filler" 2>/dev/null
[ "$(mb_free)" -ge 16 ] && { rm -f "$MNT/filler"; fallocate -l $(( ($(mb_free) - 8) << 20 )) "$MNT/filler"; }
echo "free before the real loop: $(mb_free) MB"
events() { q "select count(*) from events where kind='$1'"; }
low0=$(events disk_low)
"$K" --headless --config "$T/k.ini" --data-dir "$D" >"$T/loop.log" 2>&1 &
pid=$!
until_ok() { for i in $(seq 1 300); do eval "$1" && return 0; sleep 0.1; done; return 1; }
check "the running kiosk sees the disk low" eval 'until_ok "[ \"\$(events disk_low)\" -gt $low0 ]"'
rm -f "$MNT/filler"
check "and sees space back by itself" eval 'until_ok "[ \"\$(events disk_ok)\" -ge 1 ]"'
check "the reserve is made again" eval 'until_ok "[ -e $D/space.reserve ]"'
kill -TERM $pid; wait $pid; rc=$?; pid=
check "SIGTERM stops it" eq $rc 0
"$C" --config "$T/k.ini" --data-dir "$D" check >"$T/check" 2>&1
check "check passes the disk again" eval 'grep -q "^disk: ok" "$T/check"'

summary
