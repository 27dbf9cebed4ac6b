#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Install what is needed, build, and show the plugin at work on a bundled
# real capture (tgt + libiscsi).  Usage: sudo bash tools/quickstart.sh [capture]
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] && bash tools/install-deps.sh
bash tools/build.sh
cap=${1:-captures/real/multi-session.pcap}
# tshark ignores WIRESHARK_PLUGIN_DIR when run as root: run it as an ordinary user.
run=(env WIRESHARK_PLUGIN_DIR="$PWD/build/plugins")
if [ "$(id -u)" = 0 ]; then
    tmp=$(mktemp -d); chmod 755 "$tmp"
    cp -r build/plugins "$tmp/plugins"; cp "$cap" "$tmp/capture.pcap"; chmod -R a+rX "$tmp"
    mkdir "$tmp/home"; chmod 777 "$tmp/home"
    run=(setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$tmp/home" WIRESHARK_PLUGIN_DIR="$tmp/plugins")
    cap="$tmp/capture.pcap"
fi
"${run[@]}" tshark -G plugins | grep iscsi_login
"${run[@]}" tshark -n -r "$cap" -q -z iscsi,login -z iscsi,sessions 2>/dev/null \
  || "${run[@]}" tshark -n -r "$cap" -Y iscsi_login.login.outcome -T fields -e frame.number \
       -e iscsi_login.session -e iscsi_login.initiator_name -e iscsi_login.target_name \
       -e iscsi_login.login.outcome -e iscsi_login.login_time
"${run[@]}" tshark -n -r "$cap" -q -z expert,note,iscsi_login
