#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Dump everything the plugin shows for every bundled capture into OUTDIR:
# one-pass and two-pass trees, the fields and both tables.  For refactors:
#   tools/dump-output.sh /tmp/before build/plugins   (on the old tree)
#   tools/dump-output.sh /tmp/after  build/plugins   (on the new tree)
#   diff -r /tmp/before /tmp/after                   (must print nothing)
# Runs tshark as uid 65534 (root ignores WIRESHARK_PLUGIN_DIR).
set -euo pipefail
out=$(realpath -m "$1"); plug=$(realpath "${2:-build/plugins}")
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/isl-dump.XXXXXX); trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home" "$work/caps" "$out"; cp -r "$plug" "$work/plugins"
for f in captures/real/*.pcap* captures/crafted/*.pcap* tests/data/*.pcap*; do
    [ -f "$f" ] && cp "$f" "$work/caps/$(basename "$(dirname "$f")")--$(basename "$f")"
done
chmod -R a+rX "$work"; chmod 777 "$work/home"
ts() { setpriv --reuid=65534 --regid=65534 --clear-groups env -i PATH=/usr/bin:/bin HOME="$work/home" \
       LC_ALL=C.UTF-8 TZ=UTC WIRESHARK_PLUGIN_DIR="$work/plugins" WIRESHARK_EXTCAP_DIR="$work/home" tshark "$@"; }
for c in "$work"/caps/*; do
    n=$(basename "$c")
    { ts -r "$c" -O iscsi_login -Y iscsi_login 2>&1
      echo "==== two-pass"; ts -r "$c" -2 -O iscsi_login -Y iscsi_login 2>&1
      echo "==== tables one-pass"; ts -r "$c" -q -z iscsi,login -z iscsi,sessions 2>&1
      echo "==== tables two-pass"; ts -r "$c" -2 -q -z iscsi,login -z iscsi,sessions 2>&1
    } > "$out/$n.txt" || true
done
echo "dumped $(ls "$out" | wc -l) captures into $out"
