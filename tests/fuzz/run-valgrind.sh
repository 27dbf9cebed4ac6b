#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# valgrind memcheck over the capture suite with the normal (unsanitized)
# plugin build: tshark -n -2 -V on each capture, as the unprivileged user
# when root (as conftest.py does).
#
#   tests/fuzz/run-valgrind.sh [--no-build] [capture.pcap ...]   (default: captures/*/*.pcap)
#
# Errors whose stack does not touch the plugin (Wireshark's and GLib's own)
# are ignored; any error or definite leak with iscsi_login.so, an isl_*
# function or the plugin's sources in its stack fails the run.  The plugin's
# one registration-time allocation (see lsan.supp) is not counted.
# XML reports of failing captures are kept under tests/fuzz/failures/valgrind/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
build="${ISCSI_LOGIN_BUILD:-$repo/build}"
nobuild=0
caps=()
for a in "$@"; do
    if [ "$a" = --no-build ]; then nobuild=1; else caps+=("$(readlink -f "$a")"); fi
done
[ ${#caps[@]} -gt 0 ] || mapfile -t caps < <(ls "$repo"/captures/*/*.pcap)
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
if [ "$nobuild" = 0 ]; then
    cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$build" -j"$(nproc)" >/dev/null
fi
work="$(mktemp -d /tmp/isl-valgrind-XXXXXX)"
trap 'rm -rf "$work"' EXIT
cp -r "$build/plugins" "$work/plugins"
mkdir -p "$work/home" "$work/caps" "$work/xml" "$work/noextcap"
gcc -shared -fPIC -O2 -o "$work/nodlclose.so" "$here/nodlclose.c"
n=0
for c in "${caps[@]}"; do
    n=$((n + 1))
    cp "$c" "$work/caps/$n-$(basename "$c")"
done
chmod -R a+rX "$work"
chmod 777 "$work/home" "$work/xml"
run=()
[ "$(id -u)" = 0 ] && run=(setpriv --reuid=65534 --regid=65534 --clear-groups)
failed=0
total=0
ignored=0
start=$(date +%s)
for c in "$work"/caps/*.pcap; do
    b="$(basename "$c" .pcap)"
    xml="$work/xml/$b.xml"
    env -i PATH=/usr/bin:/bin HOME="$work/home" TZ=UTC LC_ALL=C.UTF-8 \
        WIRESHARK_PLUGIN_DIR="$work/plugins" WIRESHARK_EXTCAP_DIR="$work/noextcap" \
        WIRESHARK_DEBUG_WMEM_OVERRIDE=simple WIRESHARK_ABORT_ON_DISSECTOR_BUG=1 \
        LD_PRELOAD="$work/nodlclose.so" \
        "${run[@]}" valgrind --tool=memcheck --xml=yes --xml-file="$xml" --leak-check=full \
        --show-leak-kinds=definite --errors-for-leak-kinds=definite --num-callers=40 --track-origins=no \
        tshark -n -r "$c" -2 -V >/dev/null 2>"$work/xml/$b.stderr" </dev/null || true
    total=$((total + 1))
    set +e
    verdict="$(/usr/bin/python3 - "$xml" <<'PY'
import re, sys
import xml.etree.ElementTree as ET
ours = re.compile(r"iscsi_login\.so|packet-iscsi-login\.c|/plugin/core/|^isl_")
allowed = {"proto_register_iscsi_login", "register_params"}
try:
    root = ET.parse(sys.argv[1]).getroot()
except Exception as e:
    print(f"BAD no valgrind report ({e})"); sys.exit()
bad, other = [], 0
for err in root.iter("error"):
    frames = err.find("stack").findall("frame") if err.find("stack") is not None else []
    names = [(f.findtext("obj") or "", f.findtext("fn") or "", (f.findtext("dir") or "") + "/" + (f.findtext("file") or "")) for f in frames]
    if not any(ours.search(o) or ours.search(fn) or ours.search(fl) for o, fn, fl in names):
        other += 1
        continue
    if err.findtext("kind", "").startswith("Leak") and any(fn in allowed for _, fn, _ in names):
        other += 1
        continue
    what = err.findtext("what") or (err.find("xwhat").findtext("text") if err.find("xwhat") is not None else "")
    top = next((f"{fn} ({fl})" for o, fn, fl in names if ours.search(o) or ours.search(fn)), "?")
    bad.append(f"{err.findtext('kind')}: {what} at {top}")
print(("BAD " + " | ".join(bad)) if bad else f"OK {other}")
PY
)"
    set -e
    case "$verdict" in
    OK*) ignored=$((ignored + ${verdict#OK })); echo "ok    $b";;
    *)   failed=$((failed + 1)); echo "FAIL  $b: ${verdict#BAD }"
         mkdir -p "$here/failures/valgrind"; cp "$xml" "$work/xml/$b.stderr" "$here/failures/valgrind/" 2>/dev/null || true;;
    esac
done
echo "valgrind: $total captures in $(( $(date +%s) - start )) s, $failed with plugin errors, $ignored errors outside the plugin ignored"
[ "$failed" = 0 ]
