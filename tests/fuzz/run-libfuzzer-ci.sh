#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Short, bounded libFuzzer round over the RFC core (CI).
#
#   tests/fuzz/run-libfuzzer-ci.sh [seconds per harness, default 20]
#
# Builds the harnesses with clang (-fsanitize=fuzzer,address,undefined) into
# build-fuzz (or $ISCSI_LOGIN_FUZZ_BUILD), seeds each from the captures
# (gen-corpus.py) plus tests/fuzz/corpus/<harness> when present (a corpus
# kept from long runs), and runs each harness for the given time.  A crash,
# leak, timeout or UBSan report fails the run; the reproducer is kept under
# tests/fuzz/failures/libfuzzer/.
# Long runs:  build-fuzz/tests/fuzz/fuzz_analyzer -max_len=4096 CORPUS_DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
secs="${1:-20}"
build="${ISCSI_LOGIN_FUZZ_BUILD:-$repo/build-fuzz}"
command -v clang >/dev/null || { echo "clang is not installed (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }
CC=clang cmake -S "$repo" -B "$build" -DISCSI_LOGIN_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
work="$(mktemp -d /tmp/isl-libfuzzer-XXXXXX)"
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 "$here/gen-corpus.py" --out "$work/seeds" >/dev/null
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
status=0
for h in text_nego analyzer values; do
    case $h in values) maxlen=1024;; *) maxlen=4096;; esac
    mkdir -p "$work/corpus-$h" "$work/art-$h"
    seeds=("$work/seeds/$h")
    [ -d "$here/corpus/$h" ] && seeds+=("$here/corpus/$h")
    set +e
    "$build/tests/fuzz/fuzz_$h" -max_total_time="$secs" -max_len="$maxlen" -timeout=25 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$work/art-$h/" "$work/corpus-$h" "${seeds[@]}" \
        >"$work/$h.log" 2>&1 </dev/null
    rc=$?
    set -e
    runs="$(grep -o 'stat::number_of_executed_units: [0-9]*' "$work/$h.log" | grep -o '[0-9]*$' || echo '?')"
    cov="$(grep -o 'cov: [0-9]*' "$work/$h.log" | tail -1 || true)"
    if [ "$rc" != 0 ] || ls "$work/art-$h"/* >/dev/null 2>&1; then
        status=1
        mkdir -p "$here/failures/libfuzzer"
        cp "$work/art-$h"/* "$here/failures/libfuzzer/" 2>/dev/null || true
        echo "FAIL fuzz_$h (exit $rc, $runs runs):"
        grep -A30 -E "ERROR|runtime error|SUMMARY" "$work/$h.log" | head -60
    else
        echo "ok   fuzz_$h: $runs runs in ${secs} s, $cov"
    fi
done
exit $status
