#!/bin/bash
# The district network against a real PostgreSQL (tests/tools/pg-virtualenv.sh, thrown
# away afterwards), with three headless kiosks in two halls, each its own data directory,
# login and key: the centre publishes, every kiosk follows.
#
#   tests/shell/test_network.sh [BUILD_DIR] [--bench]      (default build/asan)
#
# --bench (make bench): one kiosk pulls 10,000 published jobs while it checks people in;
# prints the pull's time and the longest check-in wait (tests/bench/bench_sync.c).
#
# Halls: LD (district) → LD-BY (street) → LD-BY-01 (community), and LD-ZS (street).
# Kiosks: K1, K2 in LD-BY-01; K3 in LD-ZS.
#
# Checks: a job published at the centre appears in kiosk B's list after its sync and the
# demo's jobs go; a withdrawn one disappears; an activity published for a hall reaches only
# that hall's kiosks, content for a street centre reaches the stations below it; the
# district's certificate pattern reaches the kiosks and a product barcode is refused; a
# kiosk login reads no content table and nothing of another hall; a pull cut halfway keeps
# what it applied and the next one finishes without losing or doubling a row; the same
# file published twice changes no counter; a bad file publishes nothing.
set -u
cd "$(dirname "$0")/../.."

if [ "${TEST_NETWORK_INSIDE:-}" != 1 ]; then
    B=build/asan BENCH=0
    for a in "$@"; do
        case $a in
        --bench) BENCH=1 ;;
        -*) echo "usage: $0 [BUILD_DIR] [--bench]" >&2; exit 2 ;;
        *) B=$a ;;
        esac
    done
    [ -x "$B/kiosk" ] && [ -x "$B/kioskctl" ] && [ -x "$B/tests/sync_helper" ] ||
        { echo "test_network: build $B first (make … unit builds the test driver)" >&2; exit 1; }
    WORK=$(mktemp -d /tmp/test_network.XXXXXX)
    trap 'rm -rf "$WORK"' EXIT
    export TEST_NETWORK_INSIDE=1 WORK BENCH BENCH_SYNC=$PWD/$B/bench/bench_sync
    export HELPER=$PWD/$B/tests/sync_helper KIOSK=$PWD/$B/kiosk KIOSKCTL=$PWD/$B/kioskctl
    export SDL_VIDEODRIVER=dummy
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
    export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
    tests/tools/pg-virtualenv.sh bash "$0"
    exit $?
fi

# ---- inside tests/tools/pg-virtualenv.sh: PGHOST, PGPORT, PGUSER (superuser), PGPASSWORD are set ----------

. tests/shell/testlib.sh

export PGDATABASE=kiosk
SU() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
createdb kiosk || exit 1
CFG=$WORK/centre.ini
cp kiosk-config/kiosk.ini "$CFG"
centre() { # centre OUTNAME ARGS… — kioskctl centre, output in $WORK/OUTNAME.{out,err}
    local o=$1
    shift
    "$KIOSKCTL" --config "$CFG" centre "$@" >"$WORK/$o.out" 2>"$WORK/$o.err"
    local rc=$?
    clean "$WORK/$o.err" || return 99
    return $rc
}
conn() { echo "host=$PGHOST port=$PGPORT dbname=kiosk user=kiosk_ld0$1 password=pw-$1 connect_timeout=5"; }
kctl() { # kctl N OUTNAME ARGS… — kioskctl for kiosk N
    local k=$1 o=$2
    shift 2
    "$KIOSKCTL" --config "$WORK/k$k.ini" --data-dir "$WORK/k$k" "$@" >"$WORK/$o.out" 2>"$WORK/$o.err"
    local rc=$?
    clean "$WORK/$o.err" || return 99
    return $rc
}
play() { # play N NAME — the kiosk N plays $WORK/NAME.script headless
    "$KIOSK" --headless --config "$WORK/k$1.ini" --data-dir "$WORK/k$1" \
        --clock 2026-12-01T10:00:00+08:00 --script "$WORK/$2.script" >"$WORK/$2.log" 2>&1 &&
        clean "$WORK/$2.log" || { sed 's/^/        /' "$WORK/$2.log" | tail -n 20; return 1; }
}
q() { sqlite3 "$WORK/k$1/kiosk.db" "$2"; }
as_kiosk() { psql "$(conn "$1")" -X -q -At -c "$2" 2>&1; }

centre mig migrate || { cat "$WORK/mig.err"; exit 1; }

if [ "$BENCH" = 1 ]; then
    # One kiosk, 10,000 jobs; the pull and the check-ins run in bench_sync.
    centre h1 add-hall LD --name 莲都区外来党员服务中心 --level district || exit 1
    mkdir -p "$WORK/k1"
    sed -e "s|^id = .*|id = LD01|" kiosk-config/kiosk.ini >"$WORK/k1.ini"
    SU -c "CREATE ROLE kiosk_ld01 LOGIN PASSWORD 'pw-1' IN ROLE kiosk_uploader"
    "$KIOSK" --headless --config "$WORK/k1.ini" --data-dir "$WORK/k1" --script /dev/null >/dev/null 2>&1
    "$KIOSKCTL" --config "$WORK/k1.ini" --data-dir "$WORK/k1" identity >"$WORK/id1.out" || exit 1
    centre reg1 add-kiosk LD01 --hall LD --role kiosk_ld01 \
        --pubkey "$(sed -n 's/^public_key: //p' "$WORK/id1.out")" || exit 1
    { echo "id,title,employer,area,category,salary_min,salary_max,requirements"
      for i in $(seq 1 10000); do echo "B$i,岗位 $i,莲都第 $i 厂,开发区,制造业,5000,7000,身体健康，能吃苦耐劳，有相关经验者优先。"; done
    } >"$WORK/jobs10k.csv"
    centre pub publish jobs "$WORK/jobs10k.csv" || { cat "$WORK/pub.err"; exit 1; }
    "$BENCH_SYNC" "$WORK/k1" "$(conn 1)" LD01
    exit $?
fi

centre h1 add-hall LD --name 莲都区外来党员服务中心 --level district &&
    centre h2 add-hall LD-BY --name 白云街道服务中心 --level street --parent LD &&
    centre h3 add-hall LD-BY-01 --name 白云社区服务站 --level community --parent LD-BY &&
    centre h4 add-hall LD-ZS --name 紫金街道服务中心 --level street --parent LD || exit 1
: >"$WORK/empty.script"
hall_of=(x LD-BY-01 LD-BY-01 LD-ZS)
for k in 1 2 3; do
    mkdir -p "$WORK/k$k"
    sed -e "s|^id = .*|id = LD0$k|" -e "s|^conninfo =.*|conninfo = $(conn $k)|" \
        kiosk-config/kiosk.ini >"$WORK/k$k.ini"
    SU -c "CREATE ROLE kiosk_ld0$k LOGIN PASSWORD 'pw-$k' IN ROLE kiosk_uploader"
    play $k empty || exit 1 # the first start: demo content, the kiosk's key
    kctl $k id$k identity || exit 1
    centre reg$k add-kiosk LD0$k --hall "${hall_of[$k]}" --role kiosk_ld0$k \
        --pubkey "$(sed -n 's/^public_key: //p' "$WORK/id$k.out")" || { cat "$WORK/reg$k.err"; exit 1; }
done

cat >"$WORK/jobs.csv" <<'EOF'
id,title,employer,area,category,salary_min,salary_max
N1,中心发布的焊工岗位,莲都焊接厂,开发区,制造业,6000,8000
N2,中心发布的仓管岗位,莲都物流,紫金街道,物流配送,4500,5500
EOF
cat >"$WORK/jobs2.csv" <<'EOF'
id,title,employer,area,category,salary_min,salary_max
N1,中心发布的焊工岗位,莲都焊接厂,开发区,制造业,6000,8000
EOF
cat >"$WORK/activities.csv" <<'EOF'
id,title,starts_at,ends_at,venue
H1,白云社区支部主题党日,2026-12-01 09:30,2026-12-01 11:30,白云社区服务站
EOF
cat >"$WORK/trainings.csv" <<'EOF'
id,title,starts_at,venue,capacity
S1,白云街道电工培训,2026-12-05 09:00,白云街道服务中心,30
EOF

echo "== publishing"
t_publish() {
    centre p1 publish jobs "$WORK/jobs.csv" &&
        has "$WORK/p1.out" "jobs published for the district: 2 rows (2 new, 0 changed), 0 withdrawn" &&
        centre p2 publish activities "$WORK/activities.csv" --hall LD-BY-01 &&
        has "$WORK/p2.out" "hall LD-BY-01" &&
        centre p3 publish trainings "$WORK/trainings.csv" --hall LD-BY &&
        centre p4 set certificate_pattern 'LD-[0-9]{4}-[0-9]{5}' &&
        has "$WORK/p4.out" "certificate_pattern set to LD-[0-9]{4}-[0-9]{5} for the district"
}
check "the centre publishes jobs, a hall's activity, a street's training and the pattern" t_publish
t_again() {
    local before
    before=$(SU -c "SELECT max(counter) FROM content_rows")
    centre p5 publish jobs "$WORK/jobs.csv" && has "$WORK/p5.out" "(0 new, 0 changed), 0 withdrawn" &&
        eq "$(SU -c "SELECT max(counter) FROM content_rows")" "$before"
}
check "the same file again changes no counter" t_again
t_bad() {
    printf 'id,title,employer,area,category\nN9,x,y,z,\n' >"$WORK/bad.csv"
    ! centre p6 publish jobs "$WORK/bad.csv" && has "$WORK/p6.err" "bad.csv:2: category is empty" &&
        eq "$(SU -c "SELECT count(*) FROM content_rows WHERE kind = 'jobs' AND NOT withdrawn")" 2 &&
        ! centre p7 publish jobs "$WORK/jobs.csv" --hall NOPE && has "$WORK/p7.err" "the hall NOPE is not registered" &&
        ! centre p8 publish activities "$WORK/activities.csv" && has "$WORK/p8.err" "already published for hall LD-BY-01" &&
        ! centre p9 set certificate_pattern 'LD-([0-9]' && has "$WORK/p9.err" "not a POSIX extended regular expression"
}
check "a bad file, an unknown hall, an id of another hall and a bad pattern publish nothing" t_bad

echo "== kiosks follow"
t_sync_b() {
    kctl 2 s2 sync && has "$WORK/s2.out" "full update for hall LD-BY-01" &&
        eq "$(q 2 "SELECT group_concat(id) FROM (SELECT id FROM jobs ORDER BY id)")" "N1,N2" &&
        eq "$(q 2 "SELECT value FROM meta WHERE key = 'district.certificate_pattern'")" 'LD-[0-9]{4}-[0-9]{5}' &&
        cat >"$WORK/jobs_b.script" <<'EOF' && play 2 jobs_b
press 就业岗位
expect 中心发布的焊工岗位
expect 中心发布的仓管岗位
dump $WORK/jobs_b.txt
EOF
}
check "a job published at the centre is in kiosk B's list after its sync; the demo's are gone" t_sync_b
t_demo_gone() {
    ! grep -q 数控车床操作工 "$WORK/jobs_b.txt" &&
        eq "$(q 2 "SELECT group_concat(id) FROM trainings")" S1 &&
        [ "$(q 2 "SELECT count(*) FROM services")" = 10 ] && [ "$(q 2 "SELECT count(*) FROM materials")" -gt 10 ]
}
check "the kinds the centre publishes replace the demo's; the others stay" t_demo_gone
t_hall() {
    kctl 1 s1 sync && kctl 3 s3 sync &&
        eq "$(q 1 "SELECT count(*) FROM activities WHERE id = 'H1'")" 1 &&
        eq "$(q 2 "SELECT count(*) FROM activities WHERE id = 'H1'")" 1 &&
        eq "$(q 3 "SELECT count(*) FROM activities WHERE id = 'H1'")" 0 &&
        eq "$(q 1 "SELECT count(*) FROM trainings WHERE id = 'S1'")" 1 &&
        eq "$(q 3 "SELECT count(*) FROM trainings WHERE id = 'S1'")" 0 &&
        eq "$(q 3 "SELECT count(*) FROM jobs WHERE id IN ('N1', 'N2')")" 2
}
check "a hall's activity reaches only its kiosks; a street's training the stations below it" t_hall
t_pattern() {
    cat >"$WORK/scan.script" <<'EOF' && play 3 scan && eq "$(q 3 "SELECT count(*) FROM records WHERE kind = 'checkin'")" 0
scan 6901234567892
expect 这不是流动党员活动证的编号
scan LD-2024-00123
expect 没有找到这个活动证编号
EOF
}
check "the district's pattern is in force: a product barcode writes no record (a well-formed number is asked about)" t_pattern
t_withdraw() {
    centre p10 publish jobs "$WORK/jobs2.csv" && has "$WORK/p10.out" "1 withdrawn" &&
        kctl 2 s2b sync && has "$WORK/s2b.out" "1 withdrawn" &&
        eq "$(q 2 "SELECT group_concat(id) FROM jobs")" "N1" &&
        cat >"$WORK/jobs_w.script" <<'EOF' && play 2 jobs_w
press 就业岗位
expect 中心发布的焊工岗位
dump $WORK/jobs_w.txt
EOF
    ! grep -q 中心发布的仓管岗位 "$WORK/jobs_w.txt"
}
check "a withdrawn job disappears from the kiosk's list" t_withdraw

echo "== members are known everywhere"
cat >"$WORK/register.script" <<'EOF'
press 报到登记
press 姓名
text 王五
press 下一项
text 341102198511200025
press 下一项
text 13712345678
press 下一项
text LD-2025-00007
press 下一项
press 下一项
press 下一项
press 下一项
text 花园
press 紫金街道花园社区外来党员服务站
press 下一项
press 我已阅读并同意
press 提交
expect 登记成功
press 完成
scan LD-2025-00007
expect 白云社区支部主题党日
EOF
t_register_a() {
    play 1 register && kctl 1 s1r sync && has "$WORK/s1r.out" "uploaded" && kctl 2 s2r sync && kctl 3 s3r sync &&
        eq "$(q 2 "SELECT masked_name || ' ' || station FROM members WHERE id = 'LD-2025-00007'")" \
            "王* 紫金街道花园社区外来党员服务站"
}
check "a member registers at A; after A uploads and B syncs, B's directory has them, masked" t_register_a
t_greet_b() {
    cat >"$WORK/greet.script" <<'EOF' && play 2 greet && play 3 greet3
scan LD-2025-00007
expect 已签到
expect 王* 同志，欢迎您！
EOF
}
cat >"$WORK/greet3.script" <<'EOF'
scan LD-2025-00007
expect 签到成功
expect 王* 同志，欢迎您！
EOF
check "B (same hall) greets them by masked name and knows A's check-in: 已签到; C in the other hall greets them too" t_greet_b
t_private() {
    local k f
    for k in 2 3; do
        for f in "$WORK/k$k"/kiosk.db*; do
            if grep -aqE '王五|341102198511200025|13712345678' "$f"; then
                echo "        $f holds the member's name, ID number or phone"
                return 1
            fi
        done
    done
}
check "B's and C's databases hold no full name, ID number or phone of that member" t_private
t_known_b() {
    cat >"$WORK/again.script" <<'EOF' && play 2 again
press 报到登记
press 姓名
text 王五
press 下一项
text 341102198511200025
press 下一项
text 13712345678
press 下一项
text LD-2025-00008
press 下一项
press 下一项
press 下一项
press 下一项
text 花园
press 紫金街道花园社区外来党员服务站
press 下一项
press 我已阅读并同意
press 提交
expect 中心已有您的报到登记
expect 王*
expect 紫金街道花园社区外来党员服务站
press 更新服务站
expect 登记成功
EOF
    eq "$(q 2 "SELECT json_extract(fields, '$.is_update') FROM records WHERE kind = 'registration'")" 1
}
check "registering at B with an ID number the centre knows: told so, and the station updated instead" t_known_b
t_unknown_b() {
    cat >"$WORK/unknown.script" <<'EOF' && play 2 unknown
scan LD-2025-00999
expect 没有找到这个活动证编号
press 仍然签到
expect 签到成功
EOF
    eq "$(q 2 "SELECT json_extract(fields, '$.verified') FROM records WHERE kind = 'checkin'
               AND json_extract(fields, '$.certificate_no') = 'LD-2025-00999'")" 0
}
check "a well-formed number nobody knows asks first; 仍然签到 records it unverified" t_unknown_b

echo "== shared places and numbers"
cat >"$WORK/trainings2.csv" <<'EOF'
id,title,starts_at,venue,capacity
S1,白云街道电工培训,2026-12-05 09:00,白云街道服务中心,30
S2,只有两个名额的讲座,2026-12-06 19:00,白云街道服务中心,2
EOF
signup() { # signup N NAME NAME PHONE [WANT] — kiosk N signs NAME up for S2
    cat >"$WORK/$2.script" <<EOF
press 培训安排
press 只有两个名额的讲座
press ${5:-我要报名}
text $3
press 下一项
text $4
press 提交
expect ${6:-报名成功}
EOF
    play "$1" "$2"
}
t_places() {
    centre p20 publish trainings "$WORK/trainings2.csv" --hall LD-BY &&
        kctl 1 s1t sync && kctl 2 s2t sync &&
        signup 1 su1 张三 13800000001 && kctl 1 s1u sync &&
        signup 2 su2 李四 13800000002 && kctl 2 s2u sync && kctl 1 s1v sync &&
        eq "$(q 1 "SELECT others FROM training_counts WHERE training_id = 'S2'")" 1 &&
        cat >"$WORK/full.script" <<'EOF' && play 1 full &&
press 培训安排
press 只有两个名额的讲座
expect 名额已满
expect 报名候补
EOF
        signup 1 su3 王六 13800000003 报名候补 已登记候补 &&
        eq "$(q 1 "SELECT count(*) FROM records WHERE kind = 'training_waitlist'")" 1 &&
        eq "$(q 1 "SELECT count(*) FROM records WHERE kind = 'training_signup'")" 1
}
check "a session with 2 places, signed up once at A and once at B, both synced, is full at A: the third person waits" t_places
t_tickets() {
    local pk1 pk2
    pk1=$(sed -n 's/^public_key: //p' "$WORK/id1.out") && pk2=$(sed -n 's/^public_key: //p' "$WORK/id2.out") &&
        centre tp1 add-kiosk LD01 --hall LD-BY-01 --role kiosk_ld01 --pubkey "$pk1" --ticket-prefix A --replace &&
        centre tp2 add-kiosk LD02 --hall LD-BY-01 --role kiosk_ld02 --pubkey "$pk2" --ticket-prefix B --replace &&
        kctl 1 s1p sync && kctl 2 s2p sync &&
        cat >"$WORK/ticket.script" <<'EOF' && play 1 ticket && play 2 ticket &&
press 服务指南
press 排队取号
press 政策咨询
expect 您的号码
EOF
        eq "$(q 1 "SELECT json_extract(fields, '$.ticket_no') FROM records WHERE kind = 'queue_ticket'")" A001 &&
        eq "$(q 2 "SELECT json_extract(fields, '$.ticket_no') FROM records WHERE kind = 'queue_ticket'")" B001
}
check "two kiosks of one hall hand out different ticket numbers on the same day (the registry's prefixes)" t_tickets

echo "== what a kiosk login may read"
check "no content table" eval '[[ "$(as_kiosk 3 "SELECT count(*) FROM content_rows")" == *"permission denied"* ]]'
check "only its own hall's rows" eq "$(as_kiosk 3 "SELECT count(*) FROM kiosk_content_since(0, 100) WHERE id IN ('H1', 'S1')")" 0
t_temp_table() {
    # A temporary table of the same name does not stand in for the real one.
    eq "$(as_kiosk 1 "CREATE TEMP TABLE content_rows (kind text, target text, id text, counter bigint,
            withdrawn boolean, data jsonb);
        INSERT INTO content_rows VALUES ('jobs', '', 'FAKE', 999999, false, '{\"id\": \"FAKE\"}');
        CREATE TEMP TABLE kiosks (kiosk_id text, hall_id text, login_role name, ticket_prefix text,
            retired_at timestamptz);
        INSERT INTO kiosks VALUES ('LD03', 'LD-ZS', 'kiosk_ld01', 'Z', NULL);
        SELECT (SELECT count(*) FROM kiosk_content_since(0, 2000) WHERE id = 'FAKE') || ' ' ||
               (SELECT kiosk_id FROM kiosk_whoami())")" "0 LD01"
}
check "a kiosk's temporary tables cannot stand in for the centre's" t_temp_table
t_unregistered() {
    SU -c "CREATE ROLE stranger LOGIN PASSWORD 'pw-x' IN ROLE kiosk_uploader" &&
        [[ "$(psql "host=$PGHOST port=$PGPORT dbname=kiosk user=stranger password=pw-x" -X -At \
            -c "SELECT count(*) FROM kiosk_content_since(0, 100)" 2>&1)" == *"not registered"* ]]
}
check "a login the registry does not know reads nothing" t_unregistered
t_wrong_kiosk() {
    sed -e "s|user=kiosk_ld03 password=pw-3|user=kiosk_ld02 password=pw-2|" "$WORK/k3.ini" >"$WORK/k3x.ini" &&
        ! "$KIOSKCTL" --config "$WORK/k3x.ini" --data-dir "$WORK/k3" sync >"$WORK/wk.out" 2>"$WORK/wk.err" &&
        has "$WORK/wk.err" "the login is registered for kiosk LD02, but this kiosk is LD03"
}
check "a login registered for another kiosk is refused with a sentence" t_wrong_kiosk

echo "== a pull cut halfway"
t_cut() {
    local more="$WORK/many.csv" i before
    before=$(q 1 "SELECT value FROM meta WHERE key = 'content.counter'")
    { echo "id,title,employer,area,category"; for i in $(seq 1 30); do echo "M$i,岗位$i,单位,开发区,制造业"; done; } >"$more"
    centre p11 publish jobs "$more" &&
        KIOSK_ID=LD01 "$HELPER" pull-cut "$WORK/k1" "$(conn 1)" 8 2 >"$WORK/cut.out" 2>&1
    has "$WORK/cut.out" "rc=-1 status=3 pages=2 rows=16" &&
        eq "$(q 1 "SELECT value FROM meta WHERE key = 'content.counter'")" \
            "$(SU -c "SELECT counter FROM content_rows WHERE counter > $before
                      AND target IN ('', 'LD-BY-01', 'LD-BY', 'LD') ORDER BY counter LIMIT 1 OFFSET 15")" &&
        eq "$(q 1 "SELECT count(*) FROM jobs WHERE id LIKE 'M%'")" \
            "$(SU -c "SELECT count(*) FILTER (WHERE kind = 'jobs' AND id LIKE 'M%') FROM (SELECT kind, id
                      FROM content_rows WHERE counter > $before AND target IN ('', 'LD-BY-01', 'LD-BY', 'LD')
                      ORDER BY counter LIMIT 16) x")" &&
        kctl 1 s1c sync &&
        eq "$(q 1 "SELECT count(*) FROM jobs WHERE id LIKE 'M%'")" 30 &&
        eq "$(q 1 "SELECT count(*) FROM jobs")" 30 &&
        eq "$(q 1 "SELECT value FROM meta WHERE key = 'content.counter'")" "$(SU -c "SELECT max(counter) FROM content_rows")"
}
# The two pages before the cut: 16 rows of what K1 may see, in counter order.
check "a cut pull keeps the pages it applied; the next one finishes, nothing lost or doubled" t_cut

echo "== a hall without network: content bundles"
# K4: an offline kiosk of LD-BY-01 (no conninfo), holding the centre's public key.
t_bundle() {
    centre kg keygen "$WORK/centre.key" &&
        sed -i "s|^secret_key_file =.*|secret_key_file = $WORK/centre.key|" "$CFG" &&
        PUB=$(sed -n 's/^public_key: //p' "$WORK/kg.out") &&
        mkdir -p "$WORK/k4" "$WORK/usb" &&
        sed -e "s|^id = .*|id = LD04|" -e "s|^hall_id =.*|hall_id = LD-BY-01|" \
            -e "s|^public_key =.*|public_key = $PUB|" kiosk-config/kiosk.ini >"$WORK/k4.ini" &&
        play 4 empty && centre p12 publish jobs "$WORK/jobs.csv" && centre ce1 content-export "$WORK/usb" && has "$WORK/ce1.out" "signed with key" &&
        B1=$(sed -n 2p "$WORK/ce1.out") && [ -d "$B1" ] &&
        kctl 4 ci1 content-import "$WORK/usb" && has "$WORK/ci1.out" "applied for LD-BY-01" &&
        kctl 2 s2d sync
}
check "the centre writes a signed bundle; an offline kiosk takes it from the drive" t_bundle
snap() { # snap N — the kiosk's content, one line a row
    local t
    for t in jobs trainings activities places services materials material_images; do
        sqlite3 "$WORK/k$1/kiosk.db" "SELECT '$t', * FROM $t ORDER BY 2, 3"
    done
    sqlite3 "$WORK/k$1/kiosk.db" "SELECT key, value FROM meta WHERE key = 'district.certificate_pattern'"
}
check "the offline kiosk holds the same content as an online one of its hall" eq "$(snap 4 | md5sum)" "$(snap 2 | md5sum)"
t_same_screen() {
    cat >"$WORK/jobs4.script" <<'EOF' && play 4 jobs4
press 就业岗位
expect 中心发布的焊工岗位
press 首页
press 活动签到
expect 白云社区支部主题党日
EOF
}
check "its screens show it" t_same_screen
refused_bundle() { # refused_bundle NAME SENTENCE — K4 refuses $WORK/bad/NAME and changes nothing
    local before
    before=$(snap 4 | md5sum)
    ! kctl 4 "r_$1" content-import "$WORK/bad/$1" && has "$WORK/r_$1.err" "$2" &&
        has "$WORK/r_$1.err" "nothing was changed" && eq "$(snap 4 | md5sum)" "$before"
}
t_tampered() {
    mkdir -p "$WORK/bad" && centre p13 publish jobs "$WORK/jobs2.csv" && centre ce2 content-export "$WORK/usb" &&
        B2=$(sed -n 2p "$WORK/ce2.out") &&
        for n in changed resigned symlink extra big unsigned; do cp -r "$B2" "$WORK/bad/$n"; done &&
        sed -i 's/中心发布的焊工岗位/中心发布的假岗位/' "$WORK/bad/changed/content.jsonl" &&
        sed -i 's/中心发布的焊工岗位/中心发布的假岗位/' "$WORK/bad/resigned/content.jsonl" &&
        sum=$(sha256sum "$WORK/bad/resigned/content.jsonl" | cut -c1-64) &&
        size=$(stat -c %s "$WORK/bad/resigned/content.jsonl") &&
        sed -i -E "s/(\"content.jsonl\": \{\"bytes\": )[0-9]+(, \"sha256\": \")[0-9a-f]+/\1$size\2$sum/" \
            "$WORK/bad/resigned/manifest.json" && has "$WORK/bad/resigned/manifest.json" "$sum" &&
        rm "$WORK/bad/symlink/halls.jsonl" && ln -s "$B2/halls.jsonl" "$WORK/bad/symlink/halls.jsonl" &&
        echo x >"$WORK/bad/extra/run.sh" &&
        truncate -s 200M "$WORK/bad/big/content.jsonl" &&
        rm "$WORK/bad/unsigned/manifest.sig" &&
        refused_bundle changed "content.jsonl does not match the signed manifest" &&
        refused_bundle resigned "the bundle's signature is not the centre's" &&
        refused_bundle symlink "halls.jsonl is a symbolic link" &&
        refused_bundle extra "the bundle holds a file it should not: run.sh" &&
        refused_bundle big "content.jsonl is larger than" &&
        refused_bundle unsigned "manifest.sig is missing"
}
check "a changed, re-summed, symlinked, padded, oversized or unsigned bundle is refused, changing nothing" t_tampered
t_older() {
    kctl 4 ci2 content-import "$B2" && has "$WORK/ci2.out" "applied" &&
        kctl 4 ci3 content-import "$B1" && has "$WORK/ci3.out" "is not newer than the content on this kiosk" &&
        eq "$(q 4 "SELECT group_concat(id) FROM (SELECT id FROM jobs ORDER BY id)")" "N1"
}
check "an older bundle changes nothing" t_older
t_nokey() {
    sed -i "s|^public_key =.*|public_key =|" "$WORK/k4.ini" &&
        ! kctl 4 ci4 content-import "$B2" && has "$WORK/ci4.err" "[centre] public_key is not set"
}
check "a kiosk without the centre's key takes no bundle" t_nokey

summary
