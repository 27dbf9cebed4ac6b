#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Capture fuzzing with the sanitized plugin (see capture-fuzz.py for details).
#
#   tests/fuzz/capture-fuzz.sh [--seconds N] [--count N] [--jobs N] [--no-build] [capture-fuzz.py options]
#
# Builds build-asan (-DISCSI_LOGIN_SANITIZE=ON) unless --no-build, exports the
# sanitizer environment and runs capture-fuzz.py.  Defaults: 150 s (the CI
# round).  Long round:  tests/fuzz/capture-fuzz.sh --seconds 3600 --count 100000
# Failing inputs are kept under tests/fuzz/failures/{plugin,wireshark}/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
build="${ISCSI_LOGIN_ASAN_BUILD:-$repo/build-asan}"
. "$here/sanitizer-env.sh"

args=()
nobuild=0
for a in "$@"; do
    if [ "$a" = --no-build ]; then nobuild=1; else args+=("$a"); fi
done
if [ "$nobuild" = 0 ]; then
    cmake -S "$repo" -B "$build" -DISCSI_LOGIN_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
    cmake --build "$build" -j"$(nproc)" >/dev/null
fi
support="$(mktemp -d /tmp/isl-sanitizer-XXXXXX)"
trap 'rm -rf "$support"' EXIT
isl_sanitizer_env "$support"
exec_status=0
/usr/bin/python3 "$here/capture-fuzz.py" --plugin-dir "$build/plugins" "${args[@]}" </dev/null || exec_status=$?
exit $exec_status
