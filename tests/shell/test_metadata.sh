#!/bin/bash
# The version travels with what a kiosk sends: the USB bundle's manifest.json carries
# "kiosk_version", and an upload's session names it in application_name, which a trigger
# on a throw-away PostgreSQL (tests/tools/pg-virtualenv.sh) records for each row.
set -u
cd "$(dirname "$0")/../.."
if [ "${TEST_METADATA_INSIDE:-}" != 1 ]; then
  B=${1:-build/asan}
  T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
  export TEST_METADATA_INSIDE=1 T K=$PWD/$B/kiosk C=$PWD/$B/kioskctl
  tests/tools/pg-virtualenv.sh bash "$0"
  exit $?
fi
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $1"; fi; }
version=$("$C" --version); version=${version#kioskctl }
check "kioskctl --version names a version" '[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]]'

# A kiosk with one queue ticket.
D=$T/data
printf 'press 服务指南\npress 排队取号\npress 政策咨询\nexpect A001\n' > "$T/ticket.script"
SDL_VIDEODRIVER=dummy "$K" --headless --data-dir "$D" --script "$T/ticket.script" >"$T/k.log" 2>&1
check "the kiosk takes a ticket" '[ $? = 0 ] || { cat "$T/k.log"; false; }'

mkdir "$T/usb"
"$C" --data-dir "$D" export "$T/usb" >"$T/export.log" 2>&1
m=$(ls "$T"/usb/*/manifest.json 2>/dev/null | head -n 1)
check "the bundle's manifest carries kiosk_version" '[ -n "$m" ] && [ "$(sqlite3 :memory: "select json_extract(readfile(\"$m\"), \"\$.kiosk_version\")")" = "$version" ] || { cat "$T/export.log" "$m"; false; }'

SU() { psql -X -q -At -v ON_ERROR_STOP=1 -d kiosk "$@"; }
createdb kiosk && PGDATABASE=kiosk "$C" centre migrate >/dev/null || { echo "FAIL: centre migrate"; exit 1; }
SU <<'SQL' >/dev/null
CREATE TABLE seen_app (name text);
CREATE FUNCTION note_app() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN INSERT INTO seen_app VALUES (current_setting('application_name')); RETURN NEW; END $$;
CREATE TRIGGER note_app AFTER INSERT ON kiosk_records FOR EACH ROW EXECUTE FUNCTION note_app();
SQL
# The kiosk's login, registered at the centre with the kiosk's own key.
SU -c "CREATE ROLE kiosk_meta LOGIN PASSWORD 'km-secret-1' IN ROLE kiosk_uploader" >/dev/null &&
  PGDATABASE=kiosk "$C" centre add-hall H1 --name 测试服务中心 --level district >/dev/null &&
  PGDATABASE=kiosk "$C" centre add-kiosk LD-DEMO-01 --hall H1 --role kiosk_meta \
    --pubkey "$("$C" --data-dir "$D" identity | sed -n 's/^public_key: //p')" >/dev/null ||
  { echo "FAIL: registering the kiosk at the centre"; exit 1; }
"$C" --data-dir "$D" upload --conninfo "host=$PGHOST port=$PGPORT dbname=kiosk user=kiosk_meta password=km-secret-1" >"$T/up.log" 2>&1
check "the upload goes through" '[ $? = 0 ] || { cat "$T/up.log"; false; }'
check "its session names the version" '[ "$(SU -c "SELECT DISTINCT name FROM seen_app")" = "kiosk-upload LD-DEMO-01 $version" ] || { SU -c "SELECT * FROM seen_app"; false; }'

echo "$pass passed, $fail failed"
[ $fail = 0 ]
