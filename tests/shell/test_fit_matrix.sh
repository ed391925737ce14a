#!/bin/bash
# Every screen and dialog fits, in the 8 variants: zh/en x normal/large text (大字模式) x
# landscape 1920x1080 / portrait 1080x1920.  tests/fit/walk.script lists the screens and
# how to reach each (one walk through the whole kiosk); for each variant it becomes one
# script (tests/tools/fit-walk.sh), played by one kiosk started in that variant, with
# `fit NAME` and a screenshot at every screen: FIT_OUT/VARIANT/NN-NAME.png (default
# build/test-out/fit_matrix/), for people to look at.  The full-disk notice and the
# out-of-service screen, which need a kiosk of their own, are walked the same way
# (tests/fit/full.script, tests/fit/oos.script).
#
# Usage: test_fit_matrix.sh [BUILD] [VARIANT-FILTER], e.g. build/asan en-large
set -u
B=${1:-build/asan}
ONLY=${2:-${FIT_ONLY:-}}
K=$PWD/$B/kiosk; C=$PWD/$B/kioskctl
OUTDIR=${FIT_OUT:-${TEST_OUT:-$PWD/build/test-out}/fit_matrix}
CLOCK=2026-12-02T15:10:00+08:00
. tests/shell/testlib.sh
export SDL_VIDEODRIVER=dummy
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
rm -rf "$OUTDIR"; mkdir -p "$OUTDIR"

# The records and content the walk finds: the demo's (a first start), two open activities, the centre's member
# directory (so an unknown number asks), a full training session (the centre's count), a
# quarantined record, a staff PIN, a USB drive with the centre's content bundle.
seed() {  # seed DIR INI
    local d=$1 ini=$2
    mkdir -p "$d/media/usb0"
    cp -r tests/data/content-bundle/content-3-* "$d/media/usb0/"
    "$K" --headless --config "$ini" --script /dev/null --data-dir "$d/data" &&
    "$C" --config "$ini" --data-dir "$d/data" import activities assets/demo/activities.csv >/dev/null &&
    sqlite3 "$d/data/kiosk.db" "INSERT INTO meta VALUES('content.counter', '7');
      INSERT INTO training_counts VALUES('T002', 80);
      INSERT INTO records(uuid, kiosk_id, kind, created_at, local_date, fields, quarantined_at, quarantine_reason)
        VALUES ('0e0e0e0e-0e0e-4e0e-8e0e-0e0e0e0e0e0e', 'LD-DEMO-01', 'party', '2026-12-02T01:00:00.000Z',
                '2026-12-02', '{}', '2026-12-02T01:10:00.000Z', 'unknown record kind \"party\"')" &&
    echo 246813 | "$C" --config "$ini" --data-dir "$d/data" set-pin >/dev/null
}

# play NAME DIR INI WALK: the walk made for this variant, played; the log in DIR/run.log.
play() {
    local name=$1 d=$2 ini=$3 walk=$4 rc
    tests/tools/fit-walk.sh "$walk" "$name" "$d" > "$d/walk-$(basename "$walk")" || return 1
    KIOSK_EXPORT_DRIVES=$d/media/usb0 "$K" --headless --config "$ini" --data-dir "$d/data" \
        --clock "$CLOCK" --script "$d/walk-$(basename "$walk")" >>"$d/run.log" 2>&1
    rc=$?
    clean "$d/run.log" || return 1
    if [ $rc != 0 ]; then
        grep -E '^fit: |walk-.*script:[0-9]+:' "$d/run.log" | sed 's/^/        /' | head -n 60
        return 1
    fi
}

variant() {  # variant LANG SIZE ORIENT
    local name=$1-$2-$3 d=$OUTDIR/$1-$2-$3 args=()
    [ "$1" = en ] && args+=(en)
    [ "$2" = large ] && args+=(large)
    [ "$3" = portrait ] && args+=(portrait)
    mkdir -p "$d"
    tests/tools/variant-config.sh "$d/k.ini" "${args[@]}" &&
    sed -i "s|^public_key = .*|public_key = $(cat tests/data/content-bundle/centre.pub)|" "$d/k.ini" &&
    seed "$d" "$d/k.ini" >"$d/run.log" 2>&1 || { echo "        setup failed"; cat "$d/run.log"; return 1; }
    local st=0
    play "$name" "$d" "$d/k.ini" "${FIT_WALK:-tests/fit/walk.script}" || st=1
    # The full-disk notice: a kiosk whose disk is below [store] min_free_mb.
    mkdir -p "$d/full"
    tests/tools/variant-config.sh "$d/full/k.ini" "${args[@]}" full &&
    play "$name" "$d/full" "$d/full/k.ini" tests/fit/full.script || st=1
    # Out of service: the database went missing after the first start.
    mkdir -p "$d/oos"
    "$K" --headless --config "$d/k.ini" --script /dev/null --data-dir "$d/oos/data" >/dev/null 2>&1 &&
    rm "$d/oos/data/kiosk.db" &&
    play "$name" "$d/oos" "$d/k.ini" tests/fit/oos.script || st=1
    return $st
}

# Two variants at a time (the machine's two cores); each result printed when all are in.
run_variant() {
    local l=$1 s=$2 o=$3
    if variant "$l" "$s" "$o" >"$OUTDIR/$l-$s-$o.result" 2>&1; then
        echo "ok" >>"$OUTDIR/$l-$s-$o.result"
    else
        echo "FAIL" >>"$OUTDIR/$l-$s-$o.result"
    fi
}
running=0
for l in zh en; do for s in normal large; do for o in landscape portrait; do
    [ -n "$ONLY" ] && [[ "$l-$s-$o" != *"$ONLY"* ]] && continue
    if [ $running -ge 2 ]; then wait -n; running=$((running - 1)); fi
    run_variant $l $s $o &
    running=$((running + 1))
done; done; done
wait
for r in "$OUTDIR"/*.result; do
    v=$(basename "$r" .result)
    sed '$d' "$r"
    if [ "$(tail -n 1 "$r")" = ok ]; then ok "every screen fits: $v"; else bad "every screen fits: $v"; fi
done
summary
