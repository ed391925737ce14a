#!/bin/bash
# The libFuzzer harnesses of tests/fuzz/ (built by `make test` into build/fuzz): each
# replays its seed corpus (libFuzzer runs every seed before it mutates) and then fuzzes
# for FUZZ_TEST_S seconds (default 2) from a fresh work folder.  `make fuzz` is the long
# run (FUZZ_S seconds each, new inputs kept in build/fuzz-work).
set -u
FB=${FUZZ_BUILD:-build/fuzz}
# In memory when possible (tests/fuzz/run.sh says why).
T=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d); trap 'rm -rf "$T"' EXIT
export TMPDIR=$T FUZZ_WORK=$T/work
tests/fuzz/run.sh "$FB" "${FUZZ_TEST_S:-2}"
