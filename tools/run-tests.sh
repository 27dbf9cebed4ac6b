#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The whole test suite: build, C unit tests, capture tests with the freshly
# built plugin, the same with the ASan+UBSan plugin, fuzzing rounds, valgrind,
# and the package matrix on Wireshark 4.0, 4.4 and 4.6.
# Usage: sudo bash tools/run-tests.sh
#
# ISCSI_LOGIN_STAGES selects stages (default: all of them; CI runs the default):
#   unit       C unit tests of the RFC core (ctest)
#   pytest     capture tests with the freshly built plugin
#   sanitized  the C unit tests and the whole capture suite again, with the
#              ASan + UBSan plugin (WIRESHARK_ABORT_ON_DISSECTOR_BUG=1)
#   fuzz       short libFuzzer and capture-fuzzing rounds
#   matrix     .debs for Wireshark 4.0 (bookworm, this host), 4.4 (trixie) and 4.6 (sid),
#              each built, installed and tested in its release (packaging/matrix; root)
#   upstream   Wireshark's own source checks (checkAPIs.pl, checkhf.pl, check_*.py...)
#              of the release we build against, on the plugin sources
#              (tools/check-upstream.sh; root the first time)
# e.g. ISCSI_LOGIN_STAGES="unit pytest" sudo bash tools/run-tests.sh   (quick)
set -euo pipefail
cd "$(dirname "$0")/.."
stages=" ${ISCSI_LOGIN_STAGES:-unit pytest upstream sanitized fuzz matrix} "
want() { [[ "$stages" == *" $1 "* ]]; }
start=$(date +%s)
stamp() { echo "== [$(( $(date +%s) - start ))s] $*"; }

if [ "$(id -u)" = 0 ]; then
    bash tools/install-deps.sh
    sh tests/gui/install-deps.sh      # Wireshark Qt under Xvfb for tests/test_gui.py
fi
bash tools/build.sh

matrix_pid=
if want matrix && [ "$(id -u)" = 0 ]; then
    # The Debian trixie (4.4) and sid (4.6) roots take minutes to make the first time
    # (cached in /var/cache/iscsi-login-matrix afterwards): run the package matrix
    # beside the other stages, niced, and wait for it at the end. The host's package
    # (bookworm, 4.0) goes into a throwaway overlay of /, not the real global plugin
    # folder, so the capture tests running meanwhile load only the fresh build.
    stamp "package matrix (bookworm, trixie, sid) started in the background"
    # The whole capture suite runs in every release (the Qt GUI test only on
    # the host: the roots have no Wireshark Qt); a cold run on a new machine
    # is what must pass, so nothing here may rely on what the host has.
    nice -n 10 bash packaging/matrix -o build-matrix \
        -a "tests -q --ignore=tests/test_gui.py" \
        >build-matrix.log 2>&1 </dev/null &
    matrix_pid=$!
elif want matrix; then
    stamp "package matrix skipped: needs root (debootstrap, chroot, mount)"
fi

# tshark is single-threaded: one pytest worker per core (pytest-xdist) halves the
# two capture-test stages on the 2-core CI machine.  The GUI tests stay on one
# worker (xdist_group "gui").
par=()
if [ "$(nproc)" -gt 1 ] && /usr/bin/python3 -c "import xdist" 2>/dev/null; then
    par=(-n "$(nproc)" --dist loadgroup)
fi

status=0
if want unit; then
    stamp "C unit tests (RFC core)"
    ctest --test-dir build --output-on-failure </dev/null || status=1
fi
if want pytest; then
    stamp "capture tests (tshark + plugin)"
    /usr/bin/python3 -m pytest -q -rs -p no:cacheprovider "${par[@]}" tests </dev/null || status=1
fi
if want sanitized; then
    stamp "capture tests with the ASan + UBSan plugin"
    # Leaks are checked by valgrind in the fuzz stage (see run-sanitized-tests.sh).
    # Every test that runs tshark; the Qt GUI test only in the pytest stage:
    # under the ASan runtime Wireshark stops at Qt start-up, before any plugin
    # code runs (heap-buffer-overflow in libxkbcommon-x11's strndup, reported
    # with strict_string_checks), and its tables are the same code as -z.
    ISCSI_LOGIN_SAN_LEAKS=0 bash tests/fuzz/run-sanitized-tests.sh -rs "${par[@]}" --ignore=tests/test_gui.py || status=1
fi
if want fuzz; then
    stamp "libFuzzer round on the RFC core"
    bash tests/fuzz/run-libfuzzer-ci.sh 20 || status=1
    stamp "capture fuzzing round (editcap -E / -s)"
    bash tests/fuzz/capture-fuzz.sh --seconds 100 || status=1   # ~2.5 min: baseline, ~100 s of isl-replay, 4 tshark cross-checks
    stamp "valgrind memcheck over every capture (errors and leaks in the plugin)"
    bash tests/fuzz/run-valgrind.sh || status=1
fi
if want upstream; then
    stamp "Wireshark's source checks (tools/upstream-exceptions.txt lists the accepted findings)"
    bash tools/check-upstream.sh </dev/null || status=1
fi
if [ -n "$matrix_pid" ]; then
    stamp "waiting for the package matrix"
    if wait "$matrix_pid"; then
        cat build-matrix/summary.txt
    else
        status=1
        # The progress log names each failed step and shows the end of its log.
        echo "package matrix FAILED; build-matrix.log:"
        cat build-matrix.log
    fi
fi
stamp "done"
exit "$status"
