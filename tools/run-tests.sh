#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The whole test suite: build, C unit tests, capture tests with the freshly
# built plugin.  Usage: sudo bash tools/run-tests.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then
    bash tools/install-deps.sh
    sh tests/gui/install-deps.sh      # Wireshark Qt under Xvfb for tests/test_gui.py
fi
bash tools/build.sh
echo "== C unit tests (RFC core)"
ctest --test-dir build --output-on-failure
echo "== capture tests (tshark + plugin)"
/usr/bin/python3 -m pytest -q tests
