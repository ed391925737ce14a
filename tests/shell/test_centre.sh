#!/bin/bash
# The centre against a real PostgreSQL (tests/tools/pg-virtualenv.sh, thrown away
# afterwards): the schema migrations, the hall and kiosk registry, and the kiosks'
# identities, with three kiosks in two halls, each its own data directory and login.
#
#   tests/shell/test_centre.sh [BUILD_DIR]      (default build/asan)
#
# Checks: `centre migrate` over the schema as it was before migrations keeps its rows and
# runs each file once; halls in three levels with the parent rules; kiosk logins that are
# missing, not kiosk_uploader members, superusers or centre roles are refused; a kiosk's
# first start makes its Ed25519 key (0600) and `kioskctl identity` prints it; a deleted key
# is not replaced (the kiosk reports it) until staff make a new one; --replace re-keys and
# keeps the old key known; receipts are signed with the kiosk's key and `centre verify`
# checks them against the registry (also after a re-key), refusing altered ones; a
# retired kiosk's login maps to no kiosk.
set -u
cd "$(dirname "$0")/../.."

if [ "${TEST_CENTRE_INSIDE:-}" != 1 ]; then
    B=${1:-build/asan}
    [ -x "$B/kiosk" ] && [ -x "$B/kioskctl" ] || { echo "test_centre: build $B first" >&2; exit 1; }
    WORK=$(mktemp -d /tmp/test_centre.XXXXXX)
    trap '[ -n "${KEEP:-}" ] && echo "kept $WORK" || rm -rf "$WORK"' EXIT
    export TEST_CENTRE_INSIDE=1 WORK KIOSK=$PWD/$B/kiosk KIOSKCTL=$PWD/$B/kioskctl
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

# The centre's config: [centre] conninfo empty, so the PG* environment (the superuser, as
# the database owner who migrates) decides.
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
refused() { # refused OUTNAME SENTENCE ARGS… — exit 1 and the sentence ("": any) on stderr
    local o=$1 want=$2 rc
    shift 2
    centre "$o" "$@"
    rc=$?
    [ $rc = 1 ] || { echo "        exit $rc, want 1"; cat "$WORK/$o.out" "$WORK/$o.err"; return 1; }
    [ -z "$want" ] || has "$WORK/$o.err" "$want"
}

echo "== migrations"
SU -f tests/data/central/schema-before-migrations.sql || exit 1
SU -c "INSERT INTO kiosk_records(record_uuid, kiosk_id, kind, created_at, payload)
       VALUES ('8a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', 'OLD01', 'checkin', now(), '{\"n\": 1}')"
t_migrate_old() {
    centre mig1 migrate && has "$WORK/mig1.out" "applied 001-base.sql" &&
        has "$WORK/mig1.out" "applied 002-registry.sql" &&
        eq "$(SU -c "SELECT count(*) FROM kiosk_records WHERE kiosk_id = 'OLD01'")" 1 &&
        eq "$(SU -c "SELECT count(*) FROM central_migrations")" "$(ls kiosk-config/central/*.sql | wc -l)" &&
        ! grep -q NOTICE "$WORK/mig1.err"
}
check "migrating a centre that ran the old schema keeps its rows" t_migrate_old
t_migrate_again() {
    centre mig2 migrate && has "$WORK/mig2.out" "0 applied now" && ! grep -q applied\ 0 "$WORK/mig2.out"
}
check "a second migrate applies nothing" t_migrate_again
t_new_kinds() {
    SU -c "INSERT INTO kiosk_records(record_uuid, kiosk_id, kind, created_at, payload, received_by) VALUES
           (gen_random_uuid(), 'OLD01', 'training_waitlist', now(), '{}', 'test'),
           (gen_random_uuid(), 'OLD01', 'evaluation', now(), '{}', 'test'),
           (gen_random_uuid(), 'OLD01', 'help_request', now(), '{}', 'test'),
           (gen_random_uuid(), 'OLD01', 'study_view', now(), '{}', 'test')" &&
        ! SU -c "INSERT INTO kiosk_records(record_uuid, kiosk_id, kind, created_at, payload, received_by)
                 VALUES (gen_random_uuid(), 'OLD01', 'bogus', now(), '{}', 'test')" 2>/dev/null
}
check "the kind check takes every kind of the product, and only those" t_new_kinds
t_fresh_db() {
    createdb fresh && PGDATABASE=fresh centre mig3 migrate && has "$WORK/mig3.out" "applied 002-registry.sql"
}
check "an empty database migrates from nothing" t_fresh_db

echo "== halls"
t_halls() {
    centre h1 add-hall LD --name 莲都区外来党员服务中心 --level district &&
        centre h2 add-hall LD-BY --name 白云街道服务中心 --level street --parent LD &&
        centre h3 add-hall LD-BY-01 --name 白云社区服务站 --level community --parent LD-BY &&
        centre h4 add-hall LD-ZS --name 紫金街道服务中心 --level street --parent LD &&
        has "$WORK/h3.out" "hall LD-BY-01 registered: 白云社区服务站 (community, under LD-BY)" &&
        centre h5 add-hall LD --name 莲都区外来党员服务中心 --level district && has "$WORK/h5.out" "already registered"
}
check "halls in three levels" t_halls
check "a community station belongs to a street centre" \
    refused h6 "a community hall belongs to a street hall, and LD is a district" \
    add-hall X1 --name 某社区 --level community --parent LD
check "a street hall needs a parent" refused h7 "needs --parent" add-hall X2 --name 某街道 --level street
check "an unknown parent" refused h8 "the parent hall NOPE is not registered" \
    add-hall X3 --name 某街道 --level street --parent NOPE
check "another hall under a taken id" refused h9 "already registered with another name" \
    add-hall LD-ZS --name 别的 --level street --parent LD
check "a bad level" refused h10 "district, street or community" add-hall X4 --name x --level city
t_usage() { centre u1 add-hall X5 --level district; [ $? = 2 ]; }
check "a missing option is a usage error (exit 2)" t_usage

echo "== kiosks and their identities"
# Three kiosks: K1 and K2 in the community station, K3 in the other street centre.
for k in 1 2 3; do
    mkdir -p "$WORK/k$k"
    # Only [upload] conninfo is set: the kiosk's own login (the [centre] keys stay empty).
    awk -v id="LD0$k" -v conn="host=$PGHOST port=$PGPORT dbname=kiosk user=kiosk_ld0$k password=pw-$k connect_timeout=5" '
        /^\[/ { sec = $0 }
        sec == "[kiosk]" && /^id = / { $0 = "id = " id }
        sec == "[upload]" && /^conninfo =/ { $0 = "conninfo = " conn }
        { print }' kiosk-config/kiosk.ini >"$WORK/k$k.ini"
    SU -c "CREATE ROLE kiosk_ld0$k LOGIN PASSWORD 'pw-$k' IN ROLE kiosk_uploader"
done
kctl() { # kctl N OUTNAME ARGS… — kioskctl for kiosk N
    local k=$1 o=$2
    shift 2
    "$KIOSKCTL" --config "$WORK/k$k.ini" --data-dir "$WORK/k$k" "$@" >"$WORK/$o.out" 2>"$WORK/$o.err"
}
: >"$WORK/empty.script"
# A queue ticket: the shortest errand that ends on a receipt.
printf '%s\n' "press 服务指南" "press 排队取号" "press 政策咨询" "expect 您的号码" "press 完成" \
    >"$WORK/ticket.script"
start() { # start N [SCRIPT] — the kiosk runs headless (an empty script: just starts)
    "$KIOSK" --headless --config "$WORK/k$1.ini" --data-dir "$WORK/k$1" \
        --script "$WORK/${2:-empty}.script" >"$WORK/start$1.log" 2>&1 && clean "$WORK/start$1.log"
}
# receipt_payload N OUTNAME: the QR payload of kiosk N's queue ticket, read off its PNG
receipt_payload() {
    local uuid
    uuid=$(sqlite3 "$WORK/k$1/kiosk.db" "SELECT uuid FROM records WHERE kind = 'queue_ticket' LIMIT 1")
    kctl "$1" "$2" receipt "$uuid" --png "$WORK/$2.png" && zbarimg --quiet --raw "$WORK/$2.png" 2>/dev/null
}
pubkey() { sed -n 's/^public_key: //p' "$WORK/$1.out"; }
t_first_start() {
    ! kctl 1 id0 identity && has "$WORK/id0.err" "no kiosk database" &&
        start 1 ticket && start 2 && start 3 ticket &&
        [ "$(stat -c %a "$WORK/k1/identity.key")" = 600 ] &&
        kctl 1 id1 identity && has "$WORK/id1.out" "kiosk_id: LD01" &&
        [ "$(pubkey id1 | wc -c)" = 45 ] &&
        kctl 2 id2 identity && kctl 3 id3 identity && [ "$(pubkey id1)" != "$(pubkey id2)" ] &&
        start 1 && kctl 1 id1b identity && eq "$(pubkey id1b)" "$(pubkey id1)"
}
check "each kiosk makes its key at the first start, private, and keeps it" t_first_start
t_register() {
    centre r1 add-kiosk LD01 --hall LD-BY-01 --role kiosk_ld01 --pubkey "$(pubkey id1)" --ticket-prefix A &&
        centre r2 add-kiosk LD02 --hall LD-BY-01 --role kiosk_ld02 --pubkey "$(pubkey id2)" --ticket-prefix B &&
        centre r3 add-kiosk LD03 --hall LD-ZS --role kiosk_ld03 --pubkey "$(pubkey id3)" &&
        has "$WORK/r1.out" "kiosk LD01 registered in hall LD-BY-01, login kiosk_ld01" &&
        eq "$(SU -c "SELECT string_agg(kiosk_id || ':' || hall_id, ' ' ORDER BY kiosk_id) FROM kiosks")" \
            "LD01:LD-BY-01 LD02:LD-BY-01 LD03:LD-ZS"
}
check "three kiosks registered in two halls" t_register
as_kiosk() { psql "host=$PGHOST port=$PGPORT dbname=kiosk user=kiosk_ld0$1 password=pw-$1" -X -q -At -c "$2" 2>&1; }
check "a kiosk login maps to its own kiosk" eq "$(as_kiosk 2 "SELECT session_kiosk() || ' ' || session_hall()")" "LD02 LD-BY-01"
check "a kiosk login cannot read the registry" eval '[[ "$(as_kiosk 1 "SELECT * FROM kiosks")" == *"permission denied"* ]]'

SU -c "CREATE ROLE not_member LOGIN; CREATE ROLE no_login IN ROLE kiosk_uploader;
       CREATE ROLE sneaky LOGIN IN ROLE kiosk_uploader, kiosk_reader;
       CREATE ROLE root_kiosk LOGIN SUPERUSER IN ROLE kiosk_uploader"
NEWPK=$(kctl 1 tmp identity && pubkey tmp) # any well-formed key for the refusals below
check "a login that does not exist" refused k1 "the login ghost does not exist" \
    add-kiosk LD09 --hall LD-ZS --role ghost --pubkey "$NEWPK"
check "a login outside kiosk_uploader" refused k2 "not a member of kiosk_uploader" \
    add-kiosk LD09 --hall LD-ZS --role not_member --pubkey "$NEWPK"
check "a role that cannot log in" refused k3 "cannot log in" \
    add-kiosk LD09 --hall LD-ZS --role no_login --pubkey "$NEWPK"
check "a login that also holds a centre role" refused k4 "also holds a centre role" \
    add-kiosk LD09 --hall LD-ZS --role sneaky --pubkey "$NEWPK"
check "a superuser login" refused k5 "superuser" \
    add-kiosk LD09 --hall LD-ZS --role root_kiosk --pubkey "$NEWPK"
check "a login already in service for another kiosk" refused k6 "already belongs to another kiosk" \
    add-kiosk LD09 --hall LD-ZS --role kiosk_ld03 --pubkey "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
check "a key already registered for another kiosk" refused k7 "already registered for kiosk LD01" \
    add-kiosk LD09 --hall LD-ZS --role kiosk_ld03 --pubkey "$NEWPK"
check "a malformed public key" refused k8 "not an Ed25519 public key" \
    add-kiosk LD09 --hall LD-ZS --role kiosk_ld03 --pubkey "not-a-key"
check "an unknown hall" refused k9 "the hall NOPE is not registered" \
    add-kiosk LD09 --hall NOPE --role kiosk_ld03 --pubkey "$NEWPK"
check "a ticket prefix taken in the hall" refused k10 "already uses that ticket prefix" \
    add-kiosk LD02 --hall LD-BY-01 --role kiosk_ld02 --pubkey "$(pubkey id2)" --ticket-prefix A --replace
check "registering a kiosk twice without --replace" refused k11 "add --replace" \
    add-kiosk LD01 --hall LD-BY-01 --role kiosk_ld01 --pubkey "$(pubkey id1)"

echo "== receipts signed with the kiosk's key"
P1=$(receipt_payload 1 rc1)
P3=$(receipt_payload 3 rc3)
t_centre_verify() {
    [[ "$P1" == LDK2:LD01:* ]] || { echo "        payload: $P1"; return 1; }
    centre v1 verify "$P1" && has "$WORK/v1.out" "genuine" && has "$WORK/v1.out" "kiosk: LD01" &&
        has "$WORK/v1.out" "kind: queue_ticket" && has "$WORK/v1.out" "at the centre: not yet" &&
        kctl 1 kv1 verify "$P1" && has "$WORK/kv1.out" "genuine" &&
        ! kctl 2 kv2 verify "$P1" && has "$WORK/kv2.out" "another kiosk's receipt"
}
check "a kiosk's receipt verifies at the centre against the registry, and on its kiosk" t_centre_verify
t_forged() {
    local sig=${P1##*:} c
    c=${sig:0:1}; [ "$c" = A ] && c=B || c=A
    refused v2 "" verify "${P1%:*}:$c${sig:1}" && has "$WORK/v2.out" "signature mismatch" &&
        refused v3 "" verify "${P1/LDK2:LD01:/LDK2:LD02:}" && has "$WORK/v3.out" "unknown key" &&
        refused v4 "" verify "hello" && has "$WORK/v4.out" "not a kiosk receipt"
}
check "an altered receipt, one claimed for another kiosk and a non-receipt are refused" t_forged
t_old_format() {
    refused v5 "" verify "LDK1|LD01|8921c6ef-4fd5-42d3-926e-65f92c197353|checkin|20261201T020000Z|0a1b2c3d|AAAAAAAAAAAAAAAAAAAAAA" &&
        has "$WORK/v5.out" "check it on that kiosk"
}
check "an older HMAC receipt is sent to its kiosk to be checked" t_old_format

t_lost_key() {
    rm "$WORK/k3/identity.key" && start 3 && has "$WORK/start3.log" "signing key file is missing" &&
        [ ! -e "$WORK/k3/identity.key" ] &&
        ! kctl 3 lost identity && has "$WORK/lost.err" "kioskctl identity --new"
}
check "a deleted key is not replaced: the kiosk says so, identity fails" t_lost_key
t_rekey() {
    local old
    old=$(sed -n 's/^key_id: //p' "$WORK/id3.out")
    kctl 3 new identity --new && has "$WORK/new.out" "--replace" &&
        centre r4 add-kiosk LD03 --hall LD-ZS --role kiosk_ld03 --pubkey "$(pubkey new)" --replace &&
        has "$WORK/r4.out" "key $old stays known" &&
        eq "$(SU -c "SELECT count(*) FROM kiosk_keys WHERE kiosk_id = 'LD03'")" 2 &&
        eq "$(SU -c "SELECT count(*) FROM kiosk_keys WHERE kiosk_id = 'LD03' AND replaced_at IS NULL")" 1 &&
        eq "$(SU -c "SELECT public_key FROM kiosks WHERE kiosk_id = 'LD03'")" "$(pubkey new)" &&
        start 3 && ! grep -q "missing" "$WORK/start3.log" &&
        centre v6 verify "$P3" && has "$WORK/v6.out" "key: $old" && kctl 3 kv3 verify "$P3"
}
check "a new key made on purpose, registered with --replace; receipts of the old key still verify" t_rekey
t_retire() {
    centre ret1 retire-kiosk LD02 && has "$WORK/ret1.out" "kiosk LD02 retired" &&
        eq "$(as_kiosk 2 "SELECT coalesce(session_kiosk(), 'none')")" none &&
        centre ret2 retire-kiosk LD02 && has "$WORK/ret2.out" "already retired" &&
        refused ret3 "kiosk LD99 is not registered" retire-kiosk LD99 &&
        centre ret4 add-kiosk LD02 --hall LD-BY-01 --role kiosk_ld02 --pubkey "$(pubkey id2)" --replace &&
        has "$WORK/ret4.out" "back in service" && eq "$(as_kiosk 2 "SELECT session_kiosk()")" LD02
}
check "a retired kiosk's login maps to no kiosk; --replace brings it back" t_retire
echo "== rows the centre can trust"
# What kiosk N's login can do at the centre, beside what its kiosk sends.
as_kiosk() { psql "host=$PGHOST port=$PGPORT dbname=kiosk user=kiosk_ld0$1 password=pw-$1" -X -q -At -c "$2" 2>&1; }
row() { # row UUID KIOSK [EXTRA JSON] — one record as a kiosk sends it
    printf '{"uuid":"%s","kiosk_id":"%s","kind":"queue_ticket","created_at":"2026-12-01T01:00:00.000Z","seq":1,"fields":{"ticket_no":"Z999"}%s}' \
        "$1" "$2" "${3:+,$3}"
}
held1() { SU -c "SELECT count(*) FROM kiosk_records WHERE kiosk_id = 'LD01' AND record_uuid = '$1'"; }
T1=$(sqlite3 "$WORK/k1/kiosk.db" "SELECT uuid FROM records WHERE kind = 'queue_ticket' LIMIT 1")
t_other_kiosk() {
    local out
    out=$(as_kiosk 2 "SELECT outcome || ': ' || reason FROM kiosk_upload('[$(row "$T1" LD01)]')")
    [[ "$out" == "refused: the record names another kiosk (LD01)" ]] || { echo "        $out"; return 1; }
    [[ "$(as_kiosk 2 "INSERT INTO kiosk_records(record_uuid, kiosk_id, kind, created_at, payload)
          VALUES ('$T1', 'LD01', 'checkin', now(), '{}')")" == *"permission denied"* ]] &&
        eq "$(held1 "$T1")" 0
}
check "a kiosk login cannot store a row for another kiosk (refused, nothing stored)" t_other_kiosk
t_squat() {
    # LD02 takes LD01's UUID (printed in LD01's receipt) and claims to have received it
    # long ago from a bundle: stored as LD02's own row, with the centre's own stamps.
    eq "$(as_kiosk 2 "SELECT outcome FROM kiosk_upload('[$(row "$T1" LD02 '"received_at":"2001-01-01T00:00:00Z","received_by":"kiosk_ld01","source":"bundle:x"')]')")" new &&
        eq "$(SU -c "SELECT received_by || ' ' || source || ' ' || (received_at > now() - interval '1 hour')
                     FROM kiosk_records WHERE kiosk_id = 'LD02' AND record_uuid = '$T1'")" "kiosk_ld02 upload true" &&
        kctl 1 up1 upload && has "$WORK/up1.out" "uploaded 1 of 1 records" && has "$WORK/up1.out" "1 new" &&
        eq "$(held1 "$T1")" 1 &&
        eq "$(SU -c "SELECT received_by || ' ' || kind FROM kiosk_records WHERE kiosk_id = 'LD01' AND record_uuid = '$T1'")" \
            "kiosk_ld01 queue_ticket" &&
        eq "$(sqlite3 "$WORK/k1/kiosk.db" "SELECT count(*) FROM records WHERE uploaded_at IS NULL")" 0
}
check "a squatted UUID and forged stamps are neutralised: the genuine record still arrives" t_squat
t_conflict() {
    local t2=$T1
    eq "$(as_kiosk 1 "SELECT outcome FROM kiosk_upload('[$(row "$t2" LD01)]')")" conflict &&
        eq "$(SU -c "SELECT count(*) FROM kiosk_conflicts WHERE kiosk_id = 'LD01' AND record_uuid = '$t2'")" 1 &&
        eq "$(SU -c "SELECT payload->>'ticket_no' <> 'Z999' FROM kiosk_records WHERE kiosk_id = 'LD01' AND record_uuid = '$t2'")" t &&
        eq "$(as_kiosk 1 "SELECT outcome FROM kiosk_upload('[$(row "$t2" LD01)]')")" conflict &&
        eq "$(SU -c "SELECT count(*) FROM kiosk_conflicts WHERE record_uuid = '$t2'")" 1 &&
        refused cf1 "" conflicts LD01 && has "$WORK/cf1.out" "LD01	$t2	queue_ticket	upload"
}
check "a UUID stored with other content goes to the conflicts table, never merged" t_conflict
t_temp_table() {
    # A kiosk login's own TEMP table named like the registry must not stand in for it
    # (SECURITY DEFINER functions search pg_temp last).
    eq "$(as_kiosk 2 "CREATE TEMP TABLE kiosks (kiosk_id text, hall_id text, login_role name,
                        retired_at timestamptz);
                      INSERT INTO kiosks VALUES ('LD01', 'LD-BY-01', session_user, NULL);
                      SELECT session_kiosk() || ' ' ||
                             (SELECT outcome FROM kiosk_upload('[$(row "$T1" LD01)]'))")" "LD02 refused" &&
        [[ "$(as_kiosk 2 "CREATE TABLE public.x (y int)")" == *"permission denied"* ]]
}
check "a temp table named like the registry does not make a login another kiosk" t_temp_table
t_unregistered() {
    SU -c "CREATE ROLE stray LOGIN PASSWORD 'x' IN ROLE kiosk_uploader" &&
        [[ "$(psql "host=$PGHOST port=$PGPORT dbname=kiosk user=stray password=x" -X -q -At \
              -c "SELECT * FROM kiosk_upload('[]')" 2>&1)" == *"not registered for a kiosk"* ]]
}
check "a login registered for no kiosk can send nothing" t_unregistered
# One record the centre refuses (an unknown kind) and one the server cannot even read
# (bytes that are not UTF-8), between good ones.
start 1 ticket && start 1 ticket
sqlite3 "$WORK/k1/kiosk.db" "UPDATE records SET kind = 'party' WHERE seq = (SELECT max(seq) - 1 FROM records)
    ; INSERT INTO records(uuid, kiosk_id, kind, created_at, local_date, fields)
      VALUES ('0e0e0e0e-0e0e-4e0e-8e0e-0e0e0e0e0e0e', 'LD01', 'consultation', '2026-12-01T02:00:00.000Z',
              '2026-12-01', CAST(x'7b226e616d65223a22ff227d' AS TEXT))"
start 1 ticket
t_poison() {
    local n
    n=$(sqlite3 "$WORK/k1/kiosk.db" "SELECT count(*) FROM records")
    kctl 1 up2 upload && has "$WORK/up2.out" "2 records refused by the centre and quarantined" &&
        has "$WORK/up2.out" "2 new" &&
        eq "$(SU -c "SELECT count(*) FROM kiosk_records WHERE kiosk_id = 'LD01'")" 3 &&
        eq "$(sqlite3 "$WORK/k1/kiosk.db" "SELECT count(*) FROM records")" "$n" &&
        eq "$(sqlite3 "$WORK/k1/kiosk.db" "SELECT count(*) FROM records WHERE quarantined_at IS NOT NULL")" 2 &&
        { kctl 1 chk check || true; } && has "$WORK/chk.out" "quarantine: 2 records refused by the centre" &&
        has "$WORK/chk.out" 'unknown record kind "party"' && has "$WORK/chk.out" "UTF8" &&
        eq "$(SU -c "SELECT count(*) FROM kiosk_refusals WHERE kiosk_id = 'LD01'")" 2 &&
        kctl 1 up3 upload && has "$WORK/up3.out" "nothing to upload"
}
check "poisoned records are quarantined with the server's reason; the others arrive" t_poison
t_gaps() {
    # LD01's sequence at the centre: 1, 3 and 5 stored, 2 and 4 refused: no gap.  Then
    # the centre loses 2 and 3 (as if a bundle had gone missing).
    eq "$(SU -c "SELECT string_agg(kiosk_seq::text, ' ' ORDER BY kiosk_seq) FROM kiosk_records WHERE kiosk_id = 'LD01'")" "1 3 5" &&
        eq "$(SU -c "SELECT count(*) FROM kiosk_sequence_gaps WHERE kiosk_id = 'LD01'")" 0 &&
        SU -c "DELETE FROM kiosk_records WHERE kiosk_id = 'LD01' AND kiosk_seq = 3;
               DELETE FROM kiosk_refusals WHERE kiosk_id = 'LD01' AND kiosk_seq = 2" &&
        eq "$(SU -c "SELECT first_missing || '-' || last_missing FROM kiosk_sequence_gaps WHERE kiosk_id = 'LD01'")" 2-3 &&
        refused g1 "" gaps && has "$WORK/g1.out" "LD01	2	3	2" && centre g2 gaps LD03 && has "$WORK/g2.out" none
}
check "the kiosk's sequence is kept and a missing range is listed" t_gaps

echo "== signed, sealed bundles"
# LD03's hall has no network: its records travel on a USB stick.
printf '%s\n' "press 报到登记" "press 姓名" "text 王五" "press 下一项" "text 341102198511200025" \
    "press 下一项" "text 13712345678" "press 下一项" "text LD-2025-0007" "press 下一项" "press 下一项" \
    "press 下一项" "press 下一项" "text 花园" "press 紫金街道花园社区外来党员服务站" "press 下一项" \
    "press 我已阅读并同意" "press 提交" "expect 登记成功" >"$WORK/register.script"
SU -c "CREATE ROLE centre_ingest LOGIN PASSWORD 'ci-pw' IN ROLE kiosk_ingest"
cp kiosk-config/demo-centre.key "$WORK/centre.key" && chmod 600 "$WORK/centre.key"
INGEST_CFG=$WORK/ingest.ini
awk -v conn="host=$PGHOST port=$PGPORT dbname=kiosk user=centre_ingest password=ci-pw" -v key="$WORK/centre.key" '
    /^\[/ { sec = $0 }
    sec == "[centre]" && /^conninfo =/ { $0 = "conninfo = " conn }
    sec == "[centre]" && /^secret_key_file =/ { $0 = "secret_key_file = " key }
    { print }' kiosk-config/kiosk.ini >"$INGEST_CFG"
ingest() { # ingest OUTNAME BUNDLE — at the centre, as its ingest operator
    "$KIOSKCTL" --config "$INGEST_CFG" ingest "$2" >"$WORK/$1.out" 2>"$WORK/$1.err"
}
held3() { SU -c "SELECT count(*) FROM kiosk_records WHERE kiosk_id = 'LD03'"; }
mkdir -p "$WORK/usb/1" "$WORK/usb/2"
start 3 register && kctl 3 ex1 export "$WORK/usb/1"
start 3 ticket && kctl 3 ex2 export "$WORK/usb/2"
B1=$(ls -d "$WORK"/usb/1/LD03-*)
B2=$(ls -d "$WORK"/usb/2/LD03-*)
t_sealed() {
    [ -d "$B1" ] && [ -d "$B2" ] && has "$WORK/ex1.out" "2 records" &&
        ! grep -rqF -e 341102198511200025 -e 13712345678 -e 王五 -e LD-2025-0007 "$WORK/usb" &&
        [ "$(stat -c %a "$B1")" = 700 ] &&
        [ -z "$(find "$B1" "$B2" -type f ! -perm 600)" ]
}
check "no ID number, phone, name or certificate in clear in any bundle file; files private" t_sealed
refused_bundle() { # refused_bundle NAME SENTENCE — the copy is refused, nothing loaded
    ! ingest "$1" "$WORK/$1" && has "$WORK/$1.err" "$2" && has "$WORK/$1.err" "nothing was loaded" &&
        eq "$(wc -l <"$WORK/$1.err")" 1 && eq "$(held3)" 0
}
t_tampered() {
    cp -r "$B1" "$WORK/tampered" && sed -i 's/"kind":"queue_ticket"/"kind":"checkin"/' "$WORK/tampered/records.jsonl" &&
        (cd "$WORK/tampered" && sha256sum records.jsonl events.jsonl manifest.json >SHA256SUMS) &&
        refused_bundle tampered "signature does not match"
}
check "a changed record with recomputed checksums is refused" t_tampered
t_unsigned() { cp -r "$B1" "$WORK/unsigned" && rm "$WORK/unsigned/SIGNATURE" && refused_bundle unsigned "not signed"; }
check "an unsigned bundle is refused" t_unsigned
t_uncovered() { cp -r "$B1" "$WORK/uncovered" && echo '{}' >"$WORK/uncovered/more.jsonl" &&
    refused_bundle uncovered "more.jsonl is not part of a kiosk bundle (SHA256SUMS does not cover it)"; }
check "a file not covered by the checksums is refused" t_uncovered
t_symlink() { cp -r "$B1" "$WORK/linked" && mv "$WORK/linked/events.jsonl" "$WORK/events.jsonl" &&
    ln -s "$WORK/events.jsonl" "$WORK/linked/events.jsonl" && refused_bundle linked "events.jsonl is a symbolic link"; }
check "a symlink in a bundle is refused" t_symlink
t_gap_then_whole() {
    ingest in2 "$B2" && has "$WORK/in2.out" "1 records, 1 new" && eq "$(held3)" 1 &&
        refused gp1 "" gaps LD03 && has "$WORK/gp1.out" "LD03	1	2	2" &&
        ingest in1 "$B1" && has "$WORK/in1.out" "2 records, 2 new" && eq "$(held3)" 3 &&
        centre gp2 gaps LD03 && has "$WORK/gp2.out" none &&
        eq "$(SU -c "SELECT (payload->>'id_number') || ' ' || (payload->>'name') || ' ' || received_by || ' ' || source
                     FROM kiosk_records WHERE kiosk_id = 'LD03' AND kind = 'registration'")" \
            "341102198511200025 王五 centre_ingest bundle:$(basename "$B1")"
}
check "a bundle arriving before the one lost shows a gap, which closes when the other comes" t_gap_then_whole
t_acknowledged() {
    kctl 3 up3 upload && has "$WORK/up3.out" "0 new, 3 already at the centre" && eq "$(held3)" 3 &&
        eq "$(sqlite3 "$WORK/k3/kiosk.db" "SELECT count(*) FROM records WHERE uploaded_at IS NULL")" 0
}
check "a later upload learns the centre holds the ingested records" t_acknowledged
t_demo_key() {
    # The kiosks' configs are copies of kiosk.ini outside the source tree, as in a hall.
    ! kctl 1 dk check && has "$WORK/dk.out" "centre key: FAILED" && has "$WORK/dk.out" "DEMO key" &&
        { "$KIOSKCTL" --data-dir "$WORK/k1" check >"$WORK/dk2.out" 2>&1 || true; } &&
        has "$WORK/dk2.out" "the DEMO key (05627cbc; for the demo and tests only)"
}
check "check fails loudly on a kiosk configured with the demo centre key" t_demo_key

echo "== heartbeat and fleet"
fleet_line() { grep "^$1 " "$WORK/fleet.out"; }
fleet() { centre fleet fleet; }
printf '%s\n' "wait 15000" >"$WORK/idle.script"
t_quiet_kiosk_seen() {
    # LD02 has nothing to send: its worker reports all the same (first after 10 s).
    eq "$(sqlite3 "$WORK/k2/kiosk.db" "SELECT count(*) FROM records")" 0 &&
        start 2 idle && ! fleet; has "$WORK/fleet.out" "3 kiosks in service" &&
        fleet_line LD02 | grep -q " 0 min " && ! fleet_line LD02 | grep -qE "SILENT|CLOCK|GAPS" &&
        fleet_line LD02 | grep -qF " $("$KIOSKCTL" --version | sed 's/^kioskctl //') " &&
        { kctl 2 ck check || true; } && has "$WORK/ck.out" "centre clock: ok"
}
check "a kiosk with nothing to send shows up in centre fleet with a fresh heartbeat" t_quiet_kiosk_seen
t_silent() {
    kctl 3 up4 upload && has "$WORK/up4.out" "status reported to the centre" &&
        fleet; ! fleet_line LD03 | grep -q SILENT &&
        SU -c "UPDATE kiosk_status SET reported_at = reported_at - interval '20 minutes',
                   kiosk_clock = kiosk_clock - interval '20 minutes' WHERE kiosk_id = 'LD03'" &&
        ! fleet && fleet_line LD03 | grep -q SILENT
}
check "a kiosk that stopped reporting (3 heartbeats) is flagged SILENT" t_silent
t_flags_ld01() {
    sed 's|^device = none|device = file:/nonexistent/printer|' "$WORK/k1.ini" >"$WORK/k1p.ini" &&
        sqlite3 "$WORK/k1/kiosk.db" "UPDATE receipts SET print_state = 'failed', print_error = '缺纸 / out of paper',
                                     updated_at = '2030-01-01T00:00:00.000Z' WHERE rowid = (SELECT max(rowid) FROM receipts)" &&
        "$KIOSKCTL" --config "$WORK/k1p.ini" --data-dir "$WORK/k1" upload >"$WORK/up5.out" 2>&1 &&
        ! fleet && fleet_line LD01 | grep -q "GAPS QUARANTINE" && fleet_line LD01 | grep -q PRINTER &&
        fleet_line LD01 | grep -q "failed: 缺纸"
}
check "printer trouble, a missing sequence range and quarantined records are flagged" t_flags_ld01
t_clock_disk() {
    "$KIOSK" --headless --config "$WORK/k2.ini" --data-dir "$WORK/k2" --clock 2026-01-01T00:00:00+08:00 \
        --script "$WORK/idle.script" >"$WORK/clock.log" 2>&1 &&
        ! fleet && fleet_line LD02 | grep -q CLOCK &&
        ! kctl 2 ck2 check && has "$WORK/ck2.out" "centre clock: FAILED" &&
        SU -c "UPDATE kiosk_status SET free_disk_mb = 100 WHERE kiosk_id = 'LD02'" &&
        ! fleet && fleet_line LD02 | grep -q "DISK CLOCK" &&
        kctl 2 up6 upload && ! fleet && ! fleet_line LD02 | grep -qE "CLOCK|DISK"
}
check "a kiosk clock off the centre's is flagged CLOCK, low disk DISK" t_clock_disk
# 呼叫工作人员 twice (Home, the jobs list): the status report carries the open requests
# and the fleet shows them in its help column (a count, not a flag); once staff marked
# them 已处理 on the kiosk, the next report says 0.
printf '%s\n' "press 呼叫工作人员" "expect 已通知工作人员" "press 知道了" "press 就业岗位" \
    "press 呼叫工作人员" "press 知道了" >"$WORK/help.script"
t_help_open() {
    start 2 help && kctl 2 up7 upload && { fleet; true; } && has "$WORK/fleet.out" " help " &&
        fleet_line LD02 | grep -qE ' [0-9]+ +[0-9]+ +2 +[A-Z ]*$' &&
        eq "$(SU -c "SELECT help_open FROM kiosk_fleet WHERE kiosk_id = 'LD02'")" 2 &&
        sqlite3 "$WORK/k2/kiosk.db" "UPDATE records SET handled_at = '2026-12-01T01:00:00.000Z'
                                     WHERE kind = 'help_request'" &&
        kctl 2 up8 upload && { fleet; true; } && fleet_line LD02 | grep -qE ' [0-9]+ +[0-9]+ +0 +[A-Z ]*$' &&
        eq "$(SU -c "SELECT help_open FROM kiosk_fleet WHERE kiosk_id = 'LD02'")" 0 ||
        { cat "$WORK/fleet.out"; return 1; }
}
check "the open 呼叫工作人员 requests reach the fleet view with the heartbeat" t_help_open
t_fleet_clean() { PGDATABASE=fresh centre fl2 fleet && has "$WORK/fl2.out" "0 kiosks in service, 0 flagged"; }
check "fleet exits 0 when no kiosk is flagged" t_fleet_clean

echo "== the year's report"
# Errands on the last evening of January and just after midnight (Asia/Shanghai: still
# January in UTC), at three kiosks of two halls.  Member LD-2026-1001 checks in to the
# same meeting at LD01 and again at LD02: one check-in, where and when it came first.
printf '%s\n' "id,title,starts_at,ends_at" "A-NY,新春座谈会,2026-01-31 20:00,2026-02-01 02:00" >"$WORK/act.csv"
# consult TOPIC NAME PHONE [LINE…] — a consultation; the lines (a 好差评 rating) before 完成.
consult() { printf '%s\n' "press 服务指南" "press 咨询登记" "press $1" "text $2" "press 下一项" \
    "text $3" "press 提交" "expect 咨询已登记"; shift 3; printf '%s\n' "$@" "press 完成"; }
# Neither member is in the district's directory (each kiosk has pulled it below): the
# kiosk asks, and 仍然签到 records the check-in (unverified) all the same.
{ printf '%s\n' "scan LD-2026-1001" "press 仍然签到" "expect 签到成功" "wait 6000" "press 首页"
  consult 协助解决劳资纠纷 赵六 13600001111 "press 满意"
  consult 协助解决劳资纠纷 孙七 13600002222 "press 非常不满意" "press 等太久" "press 提交"
  cat "$WORK/ticket.script"; } >"$WORK/jan1.script"
printf '%s\n' "scan LD-2026-1001" "press 仍然签到" "expect 签到成功" >"$WORK/feb2.script"
{ printf '%s\n' "scan LD-2026-1002" "press 仍然签到" "expect 签到成功" "wait 6000" "press 首页"
  consult 政策咨询 周九 13600003333 "press 基本满意"
  sed -e 's/王五/钱八/' -e 's/341102198511200025/110105199003071239/' -e 's/13712345678/13812345678/' \
      -e 's/LD-2025-0007/LD-2026-0042/' "$WORK/register.script"
  printf '%s\n' "press 非常满意" "press 完成" "press 学习园地" "press 党章党规" "press 外来党员报到登记流程" "wait 20000" \
      "press 下一页" "wait 25000" "press 返回" "press 首页"; } >"$WORK/feb3.script"
at() { # at N CLOCK SCRIPT — kiosk N plays SCRIPT with its clock at CLOCK
    "$KIOSK" --headless --config "$WORK/k$1.ini" --data-dir "$WORK/k$1" --clock "$2" \
        --script "$WORK/$3.script" >"$WORK/$3.log" 2>&1 && clean "$WORK/$3.log" ||
        { tail -n 5 "$WORK/$3.log"; return 1; }
}
report() { # report OUTNAME ARGS… — centre report into $WORK/OUTNAME.{csv,xlsx}
    centre "$1" report --from 2026-01-01 --to 2026-02-28 "${@:2}"
}
# csv_cell FILE KEY MONTH HEADING — the value in row KEY (hall id or 合计), month, column
csv_cell() { /usr/bin/python3 tests/tools/report-read.py cell "$@"; }
t_report_counts() {
    for k in 1 2 3; do
        kctl "$k" imp$k import activities "$WORK/act.csv" && kctl "$k" sy$k sync || return 1
    done
    at 1 2026-01-31T23:30:00+08:00 jan1 && at 2 2026-02-01T00:30:00+08:00 feb2 &&
        at 3 2026-02-01T00:30:00+08:00 feb3 &&
        kctl 1 ru1 upload && kctl 2 ru2 upload && kctl 3 ru3 upload &&
        report rp1 --output "$WORK/r.csv" && has "$WORK/rp1.out" "written to $WORK/r.csv" &&
        [ "$(head -c 3 "$WORK/r.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ] || return 1
    local f=$WORK/r.csv ck=活动签到（每人每活动一次） lab=其中：协助解决劳资纠纷 want got
    local pct=满意率（%，非常满意与满意占评价）
    # key month heading value …
    while read -r key month heading want; do
        got=$(csv_cell "$f" "$key" "$month" "$heading")
        [ "$got" = "$want" ] || { echo "        $key $month $heading: got '$got', want '$want'"; return 1; }
    done <<EOF_WANT
LD 2026-01 $ck 1
LD 2026-01 咨询 2
LD 2026-01 $lab 2
LD 2026-01 排队取号 1
LD 2026-02 $ck 1
LD 2026-02 咨询 1
LD 2026-02 报到登记 1
LD 2026-02 学习（次） 1
LD 2026-02 学习时长（分钟） 1
LD-BY 2026-01 $ck 1
LD-BY 2026-01 $lab 2
LD-BY-01 2026-01 咨询 2
LD-BY-01 2026-02 $ck 0
LD-BY-01 2026-02 咨询 0
LD-ZS 2026-01 咨询 0
LD-ZS 2026-02 $ck 1
LD-ZS 2026-02 咨询：政策咨询 1
LD-ZS 2026-02 报到登记 1
合计 - $ck 2
合计 - 咨询 3
合计 - $lab 2
合计 - 咨询：协助解决劳资纠纷 2
合计 - 报到登记 1
合计 - 排队取号 1
LD 2026-01 评价（次） 2
LD 2026-01 其中不满意 1
LD 2026-01 评价：非常不满意 1
LD 2026-01 不满意原因：等太久 1
LD 2026-01 $pct 50.0
LD-BY-01 2026-01 评价：满意 1
LD-BY-01 2026-01 评价：基本满意 0
LD-ZS 2026-02 评价：非常满意 1
LD-ZS 2026-02 评价：基本满意 1
LD-ZS 2026-02 $pct 50.0
合计 - 评价（次） 4
合计 - 其中满意 2
合计 - 不满意原因：等太久 1
合计 - $pct 50.0
EOF_WANT
}
check "centre report gives exactly the counts the kiosks made, per hall (rolled up) and month, CSV with BOM" t_report_counts
t_report_xlsx() {
    report rp2 --format xlsx --output "$WORK/r.xlsx" &&
        /usr/bin/python3 tests/tools/report-read.py xlsx "$WORK/r.xlsx" >"$WORK/xlsx.out" &&
        has "$WORK/xlsx.out" "sheets 按单位和月份|按单位|按月份" &&
        has "$WORK/xlsx.out" "按单位和月份 LD 2026-01 咨询 2" &&
        has "$WORK/xlsx.out" "按单位和月份 LD-ZS 2026-02 报到登记 1" &&
        has "$WORK/xlsx.out" "按单位 LD - 活动签到（每人每活动一次） 2" &&
        has "$WORK/xlsx.out" "按单位 合计 - 咨询 3" &&
        has "$WORK/xlsx.out" "按月份 2026-01 2026-01 咨询 2" &&
        has "$WORK/xlsx.out" "按月份 2026-02 2026-02 咨询 1" &&
        has "$WORK/xlsx.out" "按月份 合计 合计 报到登记 1" &&
        has "$WORK/xlsx.out" "按单位 合计 - 评价：非常满意 1" &&
        has "$WORK/xlsx.out" "按单位 合计 - 满意率（%，非常满意与满意占评价） 50"
}
check "the XLSX report holds a sheet per grouping with the same counts and a totals row" t_report_xlsx
t_report_analyst() {
    SU -c "CREATE ROLE analyst LOGIN PASSWORD 'an-pw' IN ROLE kiosk_reader" &&
        awk -v conn="host=$PGHOST port=$PGPORT dbname=kiosk user=analyst password=an-pw" '
            /^\[/ { sec = $0 } sec == "[centre]" && /^conninfo =/ { $0 = "conninfo = " conn } { print }' \
            kiosk-config/kiosk.ini >"$WORK/analyst.ini" &&
        "$KIOSKCTL" --config "$WORK/analyst.ini" centre report --from 2026-01-01 --to 2026-02-28 \
            --by hall --output "$WORK/ra.csv" >/dev/null &&
        eq "$(csv_cell "$WORK/ra.csv" LD - 咨询)" 3 &&
        [[ "$(psql "host=$PGHOST port=$PGPORT dbname=kiosk user=analyst password=an-pw" -X -q -At \
              -c "SELECT count(*) FROM kiosk_records" 2>&1)" == *"permission denied"* ]] &&
        eq "$(psql "host=$PGHOST port=$PGPORT dbname=kiosk user=analyst password=an-pw" -X -q -At \
              -c "SELECT count(*) FROM kiosk_records_masked WHERE payload::text ~ '钱八|110105199003071239|13812345678|LD-2026-0042' OR person ~ 'LD-'")" 0
}
check "an analyst makes the report from masked data and cannot read the full records" t_report_analyst
t_report_usage() {
    centre ru report --from 2026-02-30 --to 2026-03-01 --output "$WORK/x.csv"; [ $? = 2 ] &&
        centre ru2 report --from 2026-01-01 --to 2026-02-28 --format pdf --output "$WORK/x.csv"; [ $? = 2 ]
}
check "a bad period or format is a usage error" t_report_usage

echo "== retention"
t_wiped() {
    # LD01's January errands reached the centre and are older than 30 days: their people
    # are gone from the kiosk, file and all; what was done stays, and so do the records
    # the centre never got (the quarantined ones) and the recent ones.  Six: a check-in,
    # two consultations, a ticket and the two consultations' evaluations.
    has "$WORK/ru1.out" "personal fields of" && has "$WORK/ru1.out" "older than 30 days wiped" &&
        kctl 1 ru9 upload &&
        eq "$(sqlite3 "$WORK/k1/kiosk.db" "SELECT count(*) FROM records WHERE created_at < '2026-02-02'
                                            AND wiped_at IS NOT NULL AND json_extract(fields, '$.wiped')")" 6 &&
        eq "$(sqlite3 "$WORK/k1/kiosk.db" "SELECT group_concat(json_extract(fields, '$.topic'), '/')
                                            FROM records WHERE kind = 'consultation' AND wiped_at IS NOT NULL")" \
            "协助解决劳资纠纷/协助解决劳资纠纷" &&
        eq "$(sqlite3 "$WORK/k1/kiosk.db" "SELECT count(*) FROM records WHERE quarantined_at IS NULL AND
                                            (json_extract(fields, '$.name') IS NOT NULL
                                             OR json_extract(fields, '$.certificate_no') IS NOT NULL)")" 0 &&
        ! grep -aqF -e 赵六 -e 孙七 -e 13600001111 -e 13600002222 -e LD-2026-1001 "$WORK"/k1/kiosk.db* &&
        eq "$(sqlite3 "$WORK/k1/kiosk.db" "SELECT count(*) FROM records WHERE quarantined_at IS NOT NULL AND wiped_at IS NULL")" 2 &&
        eq "$(sqlite3 "$WORK/k1/kiosk.db" "SELECT count(*) FROM records WHERE created_at > '2026-11-01' AND wiped_at IS NOT NULL")" 0 &&
        eq "$(SU -c "SELECT count(*) FROM kiosk_records WHERE kiosk_id = 'LD01' AND payload->>'name' = '赵六'")" 1
}
check "personal fields of old delivered records are wiped on the kiosk (and gone from its files)" t_wiped
t_not_delivered_kept() {
    # LD02's errand of 1 February is as old, and delivered too; a record the centre never
    # held is not wiped however old.
    sqlite3 "$WORK/k2/kiosk.db" "INSERT INTO records(uuid, kiosk_id, kind, created_at, local_date, fields)
        VALUES ('0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f', 'LD02', 'consultation', '2025-01-01T01:00:00.000Z',
                '2025-01-01', '{\"name\":\"郑十\",\"topic\":\"政策咨询\"}')" &&
        "$KIOSKCTL" --config "$WORK/k2.ini" --data-dir "$WORK/k2" export "$WORK" >/dev/null 2>&1;
    eq "$(sqlite3 "$WORK/k2/kiosk.db" "SELECT json_extract(fields, '$.name') FROM records
                                        WHERE uuid = '0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f'")" 郑十 &&
        eq "$(sqlite3 "$WORK/k2/kiosk.db" "SELECT count(*) FROM records WHERE wiped_at IS NOT NULL")" 1
}
check "a record the centre does not hold is kept, however old" t_not_delivered_kept

t_keygen() {
    centre kg keygen "$WORK/new-centre.key" && [ "$(stat -c %a "$WORK/new-centre.key")" = 600 ] &&
        has "$WORK/kg.out" "public_key: " && ! centre kg2 keygen "$WORK/new-centre.key" &&
        has "$WORK/kg2.err" "already there"
}
check "the centre's key pair: made once, private" t_keygen

summary
