#!/bin/bash
# Upload, ingest and the central schema against a real PostgreSQL, started for the test by
# tests/tools/pg-virtualenv.sh and thrown away afterwards.
#
#   tests/shell/test_upload.sh [BUILD_DIR] [--bench]
#
# BUILD_DIR (as tests/run-all.sh passes it) is the build to test: its driver
# (tests/shell/sync_helper.c, built by `make … unit` and `make bench`) runs the day's-end
# code, its kioskctl migrates the central schema.
#
# Checks: an upload sent twice stores each record once; a lost acknowledgement re-sends
# without doubling; a new record goes up once; the kiosk role cannot SELECT, UPDATE,
# DELETE or TRUNCATE (nor use ON CONFLICT (col)); ingesting a bundle of already-uploaded
# records adds nothing, a new bundle adds its records once, a damaged bundle is refused; a
# connection killed in the middle of a 10,000-record upload loses and doubles nothing on the
# next run; an upload on a worker thread while records keep arriving; the retry back-off.
# Prints the upload throughput for 10,000 records, then "N passed, M failed".
#
# --bench: only the throughput line "upload_throughput: N records/s (…)" (release flags),
# for tests/bench.sh.
set -u
cd "$(dirname "$0")/../.."

if [ "${TEST_UPLOAD_INSIDE:-}" != 1 ]; then
    B=build/asan
    BENCH=0
    for a in "$@"; do
        case "$a" in
        --bench) BENCH=1 ;;
        -*) echo "usage: $0 [BUILD_DIR] [--bench]" >&2; exit 2 ;;
        *) B=$a ;;
        esac
    done
    WORK=$(mktemp -d /tmp/test_upload.XXXXXX)
    trap 'rm -rf "$WORK"' EXIT
    [ -x "$B/kioskctl" ] && [ -x "$B/tests/sync_helper" ] ||
        { echo "test_upload: build $B first (make VARIANT=... build unit)" >&2; exit 1; }
    export TEST_UPLOAD_INSIDE=1 WORK BENCH HELPER=$PWD/$B/tests/sync_helper KIOSKCTL=$PWD/$B/kioskctl
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
    tests/tools/pg-virtualenv.sh bash "$0"
    exit $?
fi

# ---- inside tests/tools/pg-virtualenv.sh: PGHOST, PGPORT, PGUSER (superuser), PGPASSWORD are set ----------

. tests/shell/testlib.sh

SU() { psql -X -q -At -v ON_ERROR_STOP=1 -d kiosk "$@"; }
# Each kiosk LD0N logs in as kiosk_ld0N, registered at the centre for it.
conn() { echo "host=$PGHOST port=$PGPORT dbname=kiosk user=kiosk_$(echo "$1" | tr A-Z a-z) password=kt-secret-$1 connect_timeout=5"; }
INGEST_CONN="host=$PGHOST port=$PGPORT dbname=kiosk user=ingest_test password=in-secret-2"
count() { SU -c "SELECT count(*) FROM kiosk_records WHERE kiosk_id = '$1'"; }
distinct() { SU -c "SELECT count(DISTINCT record_uuid) FROM kiosk_records WHERE kiosk_id = '$1'"; }
pending() { KIOSK_ID=$1 "$HELPER" pending "$2"; }
helper() { # helper KIOSK OUTNAME ARGS… — stdout/stderr into $WORK/OUTNAME.{out,err}
    local k=$1 o=$2
    shift 2
    KIOSK_ID=$k "$HELPER" "$@" >"$WORK/$o.out" 2>"$WORK/$o.err"
}

createdb kiosk || exit 1
migrate() { PGDATABASE=kiosk "$KIOSKCTL" centre migrate; }
migrate >/dev/null || { echo "centre migrate failed"; exit 1; }
SU -c "CREATE ROLE ingest_test LOGIN PASSWORD 'in-secret-2' IN ROLE kiosk_ingest" || exit 1
PGDATABASE=kiosk "$KIOSKCTL" centre add-hall H1 --name 测试服务中心 --level district >/dev/null || exit 1
# Kiosk LD0N keeps its data in $WORK/dN and signs with the key made there.
for n in 1 2 3 4 5; do
    k=LD0$n role=kiosk_ld0$n
    mkdir -p "$WORK/d$n"
    SU -c "CREATE ROLE $role LOGIN PASSWORD 'kt-secret-$k' IN ROLE kiosk_uploader" || exit 1
    PGDATABASE=kiosk "$KIOSKCTL" centre add-kiosk "$k" --hall H1 --role "$role" \
        --pubkey "$(KIOSK_ID=$k "$HELPER" identity "$WORK/d$n")" >/dev/null || exit 1
done
# The centre opens sealed fields with the demo key pair (private copy: 0600).
export CENTRE_SECRET_KEY_FILE=$WORK/centre.key
cp kiosk-config/demo-centre.key "$CENTRE_SECRET_KEY_FILE" && chmod 600 "$CENTRE_SECRET_KEY_FILE"

throughput() {
    local d=$WORK/d5 t0 t1 rc n
    KIOSK_ID=LD05 "$HELPER" seed "$d" 10000 || return 1
    t0=$(date +%s.%N)
    helper LD05 bench upload "$d" "$(conn LD05)" 500
    rc=$?
    t1=$(date +%s.%N)
    n=$(count LD05)
    awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN {
        printf "upload_throughput: %.0f records/s (%d records in %.2f s, batch 500, one transaction a batch)\n", n / (b - a), n, b - a }'
    [ "$rc" = 0 ] && eq "$n" 10000
}

# The district's year as the fleet test measured it: 288,207 records from 12 kiosks
# uploading at once, through kiosk_upload with every trust check on.
fleet() {
    local k i role t0 t1 n per=24017 pids=()
    for i in $(seq 10 21); do
        k=LD$i role=kiosk_ld$i
        SU -c "CREATE ROLE $role LOGIN PASSWORD 'kt-secret-$k' IN ROLE kiosk_uploader" || return 1
        PGDATABASE=kiosk "$KIOSKCTL" centre keygen "$WORK/$k.key" >"$WORK/$k.pub" || return 1
        PGDATABASE=kiosk "$KIOSKCTL" centre add-kiosk "$k" --hall H1 --role "$role" \
            --pubkey "$(sed -n 's/^public_key: //p' "$WORK/$k.pub")" >/dev/null || return 1
        mkdir -p "$WORK/f$i"
        KIOSK_ID=$k "$HELPER" seed "$WORK/f$i" $((i == 10 ? per + 3 : per)) || return 1
    done
    t0=$(date +%s.%N)
    for i in $(seq 10 21); do
        helper "LD$i" "fleet$i" upload "$WORK/f$i" "$(conn "LD$i")" 500 &
        pids+=($!)
    done
    wait "${pids[@]}"
    t1=$(date +%s.%N)
    n=$(SU -c "SELECT count(*) FROM kiosk_records WHERE kiosk_id BETWEEN 'LD10' AND 'LD21'")
    awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN {
        printf "upload_fleet_s: %.2f (%d records from 12 kiosks at once, trust checks on; aim 288207 in 10 s or less)\n", b - a, n }'
    eq "$n" 288207
}

if [ "$BENCH" = 1 ]; then
    throughput && fleet
    exit $?
fi

echo "== central schema"
t_migrate_again() { migrate >"$WORK/mig.out" && has "$WORK/mig.out" "0 applied now"; }
check "migrating again applies nothing" t_migrate_again

echo "== upload"
D1=$WORK/d1
mkdir -p "$D1"
KIOSK_ID=LD01 "$HELPER" seed "$D1" 25 checkin
t_first_upload() {
    helper LD01 up1 upload "$D1" "$(conn LD01)" 10 &&
        has "$WORK/up1.out" "uploaded 25 of 25 records in 3 batches: 25 new" &&
        eq "$(count LD01)" 25 && eq "$(pending LD01 "$D1")" 0
}
check "upload sends every pending record in batches" t_first_upload
t_second_upload() {
    helper LD01 up2 upload "$D1" "$(conn LD01)" 10 && has "$WORK/up2.out" "nothing to upload" &&
        eq "$(count LD01)" 25
}
check "a second upload sends nothing and doubles nothing" t_second_upload
t_lost_ack() {
    KIOSK_ID=LD01 "$HELPER" unmark "$D1" && eq "$(pending LD01 "$D1")" 25 &&
        helper LD01 up3 upload "$D1" "$(conn LD01)" 10 &&
        has "$WORK/up3.out" "0 new, 25 already at the centre" &&
        eq "$(count LD01)" 25 && eq "$(distinct LD01)" 25 && eq "$(pending LD01 "$D1")" 0
}
check "records re-sent after a lost acknowledgement are stored once" t_lost_ack
t_new_record() {
    KIOSK_ID=LD01 "$HELPER" seed "$D1" 1 registration &&
        helper LD01 up4 upload "$D1" "$(conn LD01)" 10 && has "$WORK/up4.out" "1 new" &&
        eq "$(count LD01)" 26 &&
        eq "$(SU -c "SELECT count(*) FROM kiosk_records WHERE kind = 'registration'")" 1
}
check "a new record is uploaded once" t_new_record
t_columns() {
    eq "$(SU -c "SELECT count(*) FROM kiosk_records WHERE kiosk_id = 'LD01' AND source = 'upload'
                   AND received_by = 'kiosk_ld01' AND kiosk_seq BETWEEN 1 AND 26 AND payload->>'note' = 'quote \" and \\ ok'
                   AND payload->>'name' LIKE '测试 %' AND created_at > now() - interval '1 hour'")" 26
}
check "columns and payload arrive intact (UTF-8, quotes, backslashes, times)" t_columns

echo "== the kiosk role may only call its functions"
as_kiosk() { psql "$(conn LD01)" -X -q -At -c "$1" 2>&1; }
denied() {
    local out
    out=$(as_kiosk "$1")
    [[ "$out" == *"permission denied"* ]] || { echo "        not refused: $1 -> $out"; return 1; }
}
check "kiosk role cannot SELECT" denied "SELECT count(*) FROM kiosk_records"
check "kiosk role cannot INSERT" denied "INSERT INTO kiosk_records(record_uuid, kiosk_id, kind, created_at, payload)
            VALUES (gen_random_uuid(), 'LD01', 'checkin', now(), '{}') ON CONFLICT DO NOTHING"
check "kiosk role cannot UPDATE" denied "UPDATE kiosk_records SET kind = 'checkin'"
check "kiosk role cannot DELETE" denied "DELETE FROM kiosk_records"
check "kiosk role cannot TRUNCATE" denied "TRUNCATE kiosk_records"
check "kiosk role cannot write the event log" \
    denied "INSERT INTO kiosk_events(kiosk_id, seq, at, kind, bundle) VALUES ('X', 1, now(), 'k', 'b')"
check "kiosk role cannot load bundles" denied "SELECT * FROM centre_ingest_records('LD01', 'b', '[]')"
check "kiosk role cannot store for another kiosk" denied "SELECT * FROM centre_store_records('LD02', 'upload', '[]')"
t_bad_password() {
    KIOSK_ID=LD01 "$HELPER" seed "$D1" 2 &&
    ! helper LD01 badpw upload "$D1" "host=$PGHOST port=$PGPORT dbname=kiosk user=kiosk_ld01 password=wrong" 10 &&
        has "$WORK/badpw.err" "cannot connect to the central database" &&
        eq "$(wc -l <"$WORK/badpw.err")" 1 && eq "$(pending LD01 "$D1")" 2
}
check "a wrong password fails with one sentence" t_bad_password
t_no_server() {
    ! helper LD01 noserver upload "$D1" "host=127.0.0.1 port=1 dbname=kiosk user=kiosk_ld01" 10 &&
        has "$WORK/noserver.err" "cannot connect" && eq "$(pending LD01 "$D1")" 2 &&
        helper LD01 up5 upload "$D1" "$(conn LD01)" 10 && eq "$(count LD01)" 28
}
check "an unreachable server leaves records pending for the next try" t_no_server

echo "== ingest"
D2=$WORK/d2 USB=$WORK/usb
mkdir -p "$D2" "$USB"
KIOSK_ID=LD02 "$HELPER" seed "$D2" 30 consultation
t_ingest_uploaded() {
    helper LD02 up6 upload "$D2" "$(conn LD02)" 500 && eq "$(count LD02)" 30 &&
        helper LD02 ex1 export "$D2" "$USB" && has "$WORK/ex1.out" "30 records" &&
        B1=$(ls -d "$USB"/LD02-* | head -n 1) &&
        helper LD02 in1 ingest "$B1" "$INGEST_CONN" &&
        has "$WORK/in1.out" "30 records, 0 new, 30 already present" &&
        eq "$(count LD02)" 30 && eq "$(distinct LD02)" 30 &&
        [ "$(SU -c "SELECT count(*) FROM kiosk_events WHERE kiosk_id = 'LD02'")" -ge 1 ]
}
check "ingesting a bundle of already-uploaded records doubles nothing" t_ingest_uploaded
t_ingest_new() {
    KIOSK_ID=LD02 "$HELPER" seed "$D2" 5 queue_ticket && rm -rf "$USB"/* &&
        helper LD02 ex2 export "$D2" "$USB" && B2=$(ls -d "$USB"/LD02-*) &&
        helper LD02 in2 ingest "$B2" "$INGEST_CONN" && has "$WORK/in2.out" "5 records, 5 new" &&
        eq "$(count LD02)" 35 &&
        eq "$(SU -c "SELECT count(*) FROM kiosk_records WHERE source = 'bundle:$(basename "$B2")'
                       AND received_by = 'ingest_test'")" 5 &&
        helper LD02 in3 ingest "$B2" "$INGEST_CONN" && has "$WORK/in3.out" "0 new, 5 already present" &&
        helper LD02 up7 upload "$D2" "$(conn LD02)" 500 && has "$WORK/up7.out" "0 new, 5 already" &&
        eq "$(count LD02)" 35 && eq "$(distinct LD02)" 35 && eq "$(pending LD02 "$D2")" 0
}
check "a new bundle loads once; again, or uploaded after, adds nothing" t_ingest_new
t_ingest_damaged() {
    local b
    b=$(ls -d "$USB"/LD02-*) && cp -r "$b" "$WORK/damaged" &&
        sed -i 's/"kind":"queue_ticket"/"kind":"checkin"/' "$WORK/damaged/records.jsonl" &&
        SU -c "DELETE FROM kiosk_records WHERE kiosk_id = 'LD02' AND kind = 'queue_ticket'" &&
        ! helper LD02 in4 ingest "$WORK/damaged" "$INGEST_CONN" &&
        has "$WORK/in4.err" "records.jsonl does not match its checksum" &&
        eq "$(count LD02)" 30 &&
        ! helper LD02 in5 ingest "$WORK/nonexistent" "$INGEST_CONN" &&
        helper LD02 in6 ingest "$b" "$INGEST_CONN" && eq "$(count LD02)" 35
}
check "a damaged bundle is refused whole" t_ingest_damaged
t_ingest_kiosk_role() {
    local b
    b=$(ls -d "$USB"/LD02-*) && [ -s "$b/events.jsonl" ] &&
        SU -c "DELETE FROM kiosk_records WHERE kiosk_id = 'LD02' AND kind = 'queue_ticket'" &&
        ! helper LD02 in7 ingest "$b" "$(conn LD02)" &&
        has "$WORK/in7.err" "permission denied" && has "$WORK/in7.err" "nothing was loaded" &&
        eq "$(count LD02)" 30
}
check "a kiosk's login cannot load bundles, and nothing is loaded" t_ingest_kiosk_role

echo "== a connection killed in the middle of an upload"
D3=$WORK/d3
mkdir -p "$D3"
KIOSK_ID=LD03 "$HELPER" seed "$D3" 10000 checkin
# The batch holding record n=5000 (the 51st of 100) sleeps inside its transaction, so the
# kill lands mid-batch every time, after exactly 50 committed batches.
SU <<'SQL'
CREATE FUNCTION test_slow_batch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.payload->>'n' = '5000' THEN PERFORM pg_sleep(120); END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER test_slow_batch BEFORE INSERT ON kiosk_records
    FOR EACH ROW EXECUTE FUNCTION test_slow_batch();
SQL
helper LD03 kill upload "$D3" "$(conn LD03)" 100 &
hp=$!
victim=
for _ in $(seq 1 600); do
    victim=$(SU -c "SELECT pid FROM pg_stat_activity
                    WHERE application_name LIKE 'kiosk-upload%' AND wait_event = 'PgSleep'")
    [ -n "$victim" ] && break
    sleep 0.1
done
[ -n "$victim" ] && SU -c "SELECT pg_terminate_backend($victim)" >/dev/null
wait $hp
krc=$?
SU -c "DROP TRIGGER test_slow_batch ON kiosk_records; DROP FUNCTION test_slow_batch()"
t_killed() {
    [ -n "$victim" ] || { echo "        the upload never reached the slow batch"; return 1; }
    eq "$krc" 1 && has "$WORK/kill.err" "connection to the central database was lost after 5000 of 10000" &&
        eq "$(count LD03)" 5000 && eq "$(pending LD03 "$D3")" 5000
}
check "a killed connection stops the upload; committed batches stay, the rest stays pending" t_killed
t_resumed() {
    helper LD03 resume upload "$D3" "$(conn LD03)" 100 && has "$WORK/resume.out" "5000 new" &&
        eq "$(count LD03)" 10000 && eq "$(distinct LD03)" 10000 &&
        eq "$(SU -c "SELECT count(DISTINCT payload->>'n') FROM kiosk_records WHERE kiosk_id = 'LD03'")" 10000 &&
        eq "$(pending LD03 "$D3")" 0
}
check "the next upload completes: nothing lost, nothing doubled" t_resumed

echo "== worker thread"
D4=$WORK/d4
mkdir -p "$D4"
KIOSK_ID=LD04 "$HELPER" seed "$D4" 2000 job_interest
# The worker counts what is pending when it starts: the 2000 seeded, plus whichever of the
# records added meanwhile were committed before its first read (timing decides how many).
progress_whole() {
    local p
    p=$(grep -o 'progress=[0-9]*/[0-9]*' "$1") || { echo "        no progress line in $1"; return 1; }
    p=${p#progress=}
    [ "${p%/*}" = "${p#*/}" ] && [ "${p#*/}" -ge 2000 ] || { echo "        $1: progress=$p"; return 1; }
}
t_worker() {
    helper LD04 job job-upload "$D4" "$(conn LD04)" 200 300 && has "$WORK/job.out" "rc=0" &&
        progress_whole "$WORK/job.out" &&
        helper LD04 job2 upload "$D4" "$(conn LD04)" 200 &&
        eq "$(count LD04)" 2300 && eq "$(distinct LD04)" 2300 && eq "$(pending LD04 "$D4")" 0
}
check "upload on a worker thread while the kiosk keeps writing records" t_worker

echo "== back-off"
check "retry waits 30 s, doubling to 30 min; success starts over" "$HELPER" backoff

echo "== throughput"
check "10,000 records uploaded" throughput

summary
