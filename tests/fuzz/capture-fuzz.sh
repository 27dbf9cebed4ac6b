#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Capture fuzzing with the sanitized plugin (see capture-fuzz.py for details).
#
#   tests/fuzz/capture-fuzz.sh [--seconds N] [--count N] [--jobs N] [--no-build] [capture-fuzz.py options]
#
# Builds build-asan (-DISCSI_LOGIN_SANITIZE=ON -DISCSI_LOGIN_REPLAY=ON: the
# sanitized plugin and the in-process driver isl-replay) unless --no-build,
# exports the sanitizer environment and runs capture-fuzz.py, niced.
# Defaults: 150 s (CI runs --seconds 120).  Long round:
#   tests/fuzz/capture-fuzz.sh --seconds 7200 --count 100000 --probs 0.001,0.003,0.01,0.02,0.05 --truncs 64,96,200,r
# Failing inputs are kept under tests/fuzz/failures/{plugin,wireshark,mismatch}/.
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
[ "$nobuild" = 1 ] || isl_sanitized_build "$build" -DISCSI_LOGIN_REPLAY=ON
isl_sanitizer_session
exec_status=0
nice -n 10 /usr/bin/python3 "$here/capture-fuzz.py" --plugin-dir "$build/plugins" --driver "$build/isl-replay" \
    "${args[@]}" </dev/null || exec_status=$?
exit $exec_status
