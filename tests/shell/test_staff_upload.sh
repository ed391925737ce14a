#!/bin/bash
# The kiosk's own uploads against a real PostgreSQL (tests/tools/pg-virtualenv.sh, thrown
# away afterwards): 立即同步 on the staff screen, the periodic background upload ([upload]
# interval_s), and what the staff screen says when the centre cannot be reached.  The
# kiosk runs headless with scripts; its clock is virtual, its worker threads real.
#
#   tests/shell/test_staff_upload.sh [BUILD_DIR]      (default build/asan)
set -u
cd "$(dirname "$0")/../.."

if [ "${TEST_STAFF_UPLOAD_INSIDE:-}" != 1 ]; then
    B=${1:-build/asan}
    [ -x "$B/kiosk" ] && [ -x "$B/kioskctl" ] || { echo "test_staff_upload: build $B first" >&2; exit 1; }
    WORK=$(mktemp -d /tmp/test_staff_upload.XXXXXX)
    trap 'rm -rf "$WORK"' EXIT
    export TEST_STAFF_UPLOAD_INSIDE=1 WORK KIOSK=$PWD/$B/kiosk KIOSKCTL=$PWD/$B/kioskctl
    export SDL_VIDEODRIVER=dummy
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
    export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
    tests/tools/pg-virtualenv.sh bash "$0"
    exit $?
fi

# ---- inside tests/tools/pg-virtualenv.sh: PGHOST, PGPORT, PGUSER (superuser), PGPASSWORD are set ----------

. tests/shell/testlib.sh

SU() { psql -X -q -At -v ON_ERROR_STOP=1 -d kiosk "$@"; }
createdb kiosk || exit 1
PGDATABASE=kiosk "$KIOSKCTL" centre migrate >/dev/null || { echo "centre migrate failed"; exit 1; }
SU -c "CREATE ROLE kiosk_staff LOGIN PASSWORD 'ks-secret-3' IN ROLE kiosk_uploader" || exit 1
# The kiosk's login is registered at the centre for it (the centre stores its rows only).
PGDATABASE=kiosk "$KIOSKCTL" centre add-hall H1 --name 测试服务中心 --level district >/dev/null &&
    PGDATABASE=kiosk "$KIOSKCTL" centre keygen "$WORK/demo.key" >"$WORK/demo.pub" &&
    PGDATABASE=kiosk "$KIOSKCTL" centre add-kiosk LD-DEMO-01 --hall H1 --role kiosk_staff \
        --pubkey "$(sed -n 's/^public_key: //p' "$WORK/demo.pub")" >/dev/null || exit 1
CONN="host=$PGHOST port=$PGPORT dbname=kiosk user=kiosk_staff password=ks-secret-3 connect_timeout=5"
central() { SU -c "SELECT count(*) FROM kiosk_records WHERE kiosk_id = 'LD-DEMO-01'"; }
events() { sqlite3 "$1/kiosk.db" "SELECT count(*) FROM events WHERE kind = '$2'"; }

# config NAME CONNINFO INTERVAL: kiosk.ini with [upload] set.
config() {
    sed -e "s|^conninfo =.*|conninfo = $2|" -e "s|^interval_s = .*|interval_s = $3|" \
        kiosk-config/kiosk.ini >"$WORK/$1.ini"
}
# run NAME CONFIG DATA: plays $WORK/NAME.script; its output in $WORK/NAME.log.
run() {
    "$KIOSK" --headless --config "$WORK/$2.ini" --data-dir "$3" --clock 2026-12-01T09:30:00+08:00 \
        --script "$WORK/$1.script" >"$WORK/$1.log" 2>&1
    local rc=$?
    if [ $rc != 0 ] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$WORK/$1.log"; then
        sed 's/^/        /' "$WORK/$1.log" | tail -n 20
        return 1
    fi
}
staff_login='drag 40 40 40 40 3500
press 2
press 4
press 6
press 8
press 1
press 3
press 确认
expect 今日统计'

echo "== 立即同步 on the staff screen"
config manual "$CONN" 0
D1=$WORK/d1
mkdir -p "$D1"
echo 246813 | "$KIOSKCTL" --data-dir "$D1" set-pin >/dev/null
cat >"$WORK/manual.script" <<SCRIPT
scan LD-2026-00001
wait 6000
scan LD-2026-00002
wait 6000
press 首页
$staff_login
expect 待上传（尚未送达中心）
expect 2 条
expect 仅手动上传
press 立即同步
expect 正在上传到中心数据库…
wait 1000
expect 上传完成：2 条记录已送达中心（新增 2 条）
expect 上传成功
dump $WORK/manual.dump
press 立即同步
wait 1000
expect 没有需要上传的记录
SCRIPT
t_manual() {
    run manual manual "$D1" && eq "$(central)" 2 &&
        eq "$(sqlite3 "$D1/kiosk.db" "SELECT count(*) FROM records WHERE uploaded_at IS NULL")" 0 &&
        eq "$(events "$D1" upload_attempt)" 2 && eq "$(events "$D1" upload)" 1 &&
        grep -qP '^label\t.*\t0 条$' "$WORK/manual.dump"
}
check "立即同步 sends the pending records once, with progress and a result sentence" t_manual

echo "== periodic upload"
SU -c "DELETE FROM kiosk_records" || exit 1
config periodic "$CONN" 60
D2=$WORK/d2
mkdir -p "$D2"
cat >"$WORK/periodic.script" <<SCRIPT
scan LD-2026-00003
wait 12000
scan LD-2026-00004
wait 6000
scan LD-2026-00005
wait 60000
SCRIPT
t_periodic() {
    # 10 s after start the first upload takes the first record; a minute after it, the
    # next one takes the two that came since.  The screen never waited for either.
    run periodic periodic "$D2" && eq "$(central)" 3 && eq "$(events "$D2" upload_attempt)" 2 &&
        eq "$(sqlite3 "$D2/kiosk.db" "SELECT count(*) FROM records WHERE uploaded_at IS NULL")" 0
}
check "the periodic upload runs by itself every interval_s" t_periodic

echo "== the centre cannot be reached"
config down "host=127.0.0.1 port=1 connect_timeout=2" 60
D3=$WORK/d3
mkdir -p "$D3"
echo 246813 | "$KIOSKCTL" --data-dir "$D3" set-pin >/dev/null
cat >"$WORK/down.script" <<SCRIPT
scan LD-2026-00006
wait 6000
press 首页
wait 6000
$staff_login
expect 上传失败
expect 下次自动上传 09:30
press 立即同步
wait 1000
expect 上传失败：无法连接中心数据库
expect 1 条
SCRIPT
t_down() {
    # Tries at 10 s, then after 30 s, then 60 s: the back-off, never a lost record.
    run down down "$D3" && eq "$(events "$D3" upload_attempt)" 2 &&
        eq "$(sqlite3 "$D3/kiosk.db" "SELECT count(*) FROM records WHERE uploaded_at IS NULL")" 1
}
check "a failed upload is said on the staff screen, backs off, and loses nothing" t_down

summary
