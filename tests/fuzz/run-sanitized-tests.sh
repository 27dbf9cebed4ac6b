#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The whole pytest suite against the plugin built with ASan + UBSan.
#
#   tests/fuzz/run-sanitized-tests.sh [pytest args and test paths...]
#
# Builds build-asan (-DISCSI_LOGIN_SANITIZE=ON, or $ISCSI_LOGIN_ASAN_BUILD)
# and runs pytest with ISCSI_LOGIN_PLUGIN_DIR=build-asan/plugins and the
# sanitizer environment of sanitizer-env.sh: gcc's libasan preloaded into the
# Debian tshark, leak detection on, UBSan fatal,
# WIRESHARK_ABORT_ON_DISSECTOR_BUG=1.  conftest.py fails a test whose tshark
# stderr holds a sanitizer report or a dissector bug; LeakSanitizer reports
# also make tshark exit 86 (ASAN_OPTIONS exitcode), which fails the test.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
build="${ISCSI_LOGIN_ASAN_BUILD:-$repo/build-asan}"
. "$here/sanitizer-env.sh"

isl_sanitized_build "$build"
isl_sanitizer_session
# ISCSI_LOGIN_SAN_LEAKS=0 (CI): memory errors and UB only.  Leak detection needs
# the slow unwinder (GLib has no frame pointers), which doubles tshark's time;
# CI checks leaks with valgrind over every capture (run-valgrind.sh) and in
# the libFuzzer round instead.
if [ "${ISCSI_LOGIN_SAN_LEAKS:-1}" = 0 ]; then
    ASAN_OPTIONS="${ASAN_OPTIONS/detect_leaks=1/detect_leaks=0}"
    export ASAN_OPTIONS="${ASAN_OPTIONS/fast_unwind_on_malloc=0/fast_unwind_on_malloc=1}"
fi
export ISCSI_LOGIN_PLUGIN_DIR="$build/plugins"
status=0
# The C unit tests of the core, sanitized, when there are any.
if grep -q add_test "$build"/tests/unit/CTestTestfile.cmake 2>/dev/null; then
    (cd "$build" && ctest --output-on-failure -j"$(nproc)" </dev/null) || status=$?
fi
cd "$repo"
# Whole suite unless test paths are given (e.g. tests/test_foundation.py::test_x).
targets=(tests)
for a in "$@"; do
    case "$a" in tests/*|./tests/*) targets=();; esac
done
/usr/bin/python3 -m pytest -q -p no:cacheprovider "${targets[@]}" "$@" </dev/null || status=$?
exit $status
