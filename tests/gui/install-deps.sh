#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Debian packages for tests/test_gui.py: Wireshark's Qt GUI, a virtual X
# server, the accessibility bus the test reads the dialogs through, and
# screenshot tools.  Run as root, without a terminal (CI):
#     sh tests/gui/install-deps.sh
set -eu
export DEBIAN_FRONTEND=noninteractive

# dumpcap's question (may non-root users capture?) gets its default answer, no.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections

# at-spi2-core: accessibility bus and registry; python3-pyatspi + gir1.2-atspi-2.0:
# the client; dbus-daemon: dbus-run-session; x11-utils: xprop; imagemagick: import.
PACKAGES="wireshark-qt xvfb x11-utils xdotool imagemagick dbus-daemon at-spi2-core
          python3-gi python3-pyatspi gir1.2-atspi-2.0 fonts-dejavu-core"

missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing="$missing $p"
done
if [ -z "$missing" ]; then
    echo "GUI test packages already installed"
    exit 0
fi
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing </dev/null
