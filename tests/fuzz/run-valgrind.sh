#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# valgrind memcheck over the capture suite with the normal (unsanitized)
# plugin build, in ONE process: isl-replay reads every capture as tshark
# -q -z iscsi,login and tshark -2 -V would (fresh epan session per capture,
# both passes, every label and table cell formatted, everything freed between
# captures), so epan is initialised under valgrind once instead of once per
# capture.  Run as the unprivileged user when root (WIRESHARK_PLUGIN_DIR).
#
#   tests/fuzz/run-valgrind.sh [--no-build] [capture.pcap ...]   (default: captures/*/*.pcap)
#
# Errors whose stack does not touch the plugin (Wireshark's and GLib's own)
# are ignored; any error or definite leak with iscsi_login.so, an isl_*
# function or the plugin's sources in its stack fails the run.  The plugin's
# one registration-time allocation (see lsan.supp) is not counted.  Each
# error is attributed to the capture being read (isl-replay announces every
# input to valgrind); the XML report is kept under tests/fuzz/failures/valgrind/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
build="${ISCSI_LOGIN_BUILD:-$repo/build-valgrind}"
nobuild=0
caps=()
for a in "$@"; do
    if [ "$a" = --no-build ]; then nobuild=1; else caps+=("$(readlink -f "$a")"); fi
done
[ ${#caps[@]} -gt 0 ] || mapfile -t caps < <(ls "$repo"/captures/*/*.pcap)
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
if [ "$nobuild" = 0 ]; then
    cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DISCSI_LOGIN_REPLAY=ON -DBUILD_TESTING=OFF >/dev/null
    nice -n 10 cmake --build "$build" -j"$(nproc)" >/dev/null
fi
[ -x "$build/isl-replay" ] || { echo "no $build/isl-replay (configure with -DISCSI_LOGIN_REPLAY=ON)" >&2; exit 2; }
work="$(mktemp -d /tmp/isl-valgrind-XXXXXX)"
trap 'rm -rf "$work"' EXIT
cp -r "$build/plugins" "$work/plugins"
cp "$build/isl-replay" "$work/isl-replay"
mkdir -p "$work/home" "$work/caps" "$work/noextcap" "$work/datadir"
gcc -shared -fPIC -O2 -o "$work/nodlclose.so" "$here/nodlclose.c"
# epan_new() re-reads manuf, services and enterprises.tsv for every capture
# (host_name_lookup_reset): seconds per capture under valgrind.  The plugin
# uses no name resolution: empty copies, everything else linked.
for f in /usr/share/wireshark/*; do
    case "$(basename "$f")" in
    manuf|services|enterprises.tsv|wka) : > "$work/datadir/$(basename "$f")";;
    *) ln -s "$f" "$work/datadir/";;
    esac
done
n=0
for c in "${caps[@]}"; do
    n=$((n + 1))
    cp "$c" "$work/caps/$(printf %03d "$n")-$(basename "$c")"
done
chmod -R a+rX "$work"
chmod 777 "$work/home" "$work"
run=()
[ "$(id -u)" = 0 ] && run=(setpriv --reuid=65534 --regid=65534 --clear-groups)
start=$(date +%s)
set +e
env -i PATH=/usr/bin:/bin HOME="$work/home" TZ=UTC LC_ALL=C.UTF-8 \
    WIRESHARK_PLUGIN_DIR="$work/plugins" WIRESHARK_EXTCAP_DIR="$work/noextcap" WIRESHARK_DATA_DIR="$work/datadir" \
    WIRESHARK_DEBUG_WMEM_OVERRIDE=simple WIRESHARK_ABORT_ON_DISSECTOR_BUG=1 \
    LD_PRELOAD="$work/nodlclose.so" \
    nice -n 10 "${run[@]}" valgrind --tool=memcheck --xml=yes --xml-file="$work/memcheck.xml" --leak-check=full \
    --show-leak-kinds=definite --errors-for-leak-kinds=definite --num-callers=40 --track-origins=no \
    "$work/isl-replay" --timeout 3600 "$work"/caps/*.pcap >"$work/stdout" 2>"$work/stderr" </dev/null
rc=$?
set -e
elapsed=$(( $(date +%s) - start ))
cp "$work/memcheck.xml" "$build/memcheck.xml" 2>/dev/null || true   # the last report, for reference
summary="$(grep '^isl-replay:' "$work/stdout" || true)"
verdict="$(/usr/bin/python3 - "$work/memcheck.xml" <<'PY'
import re, sys
import xml.etree.ElementTree as ET
ours = re.compile(r"iscsi_login\.so|packet-iscsi-login\.c|/plugin/core/|/plugin/stats\.c|^isl_")
allowed = {"proto_register_iscsi_login", "register_params"}
try:
    root = ET.parse(sys.argv[1]).getroot()
except Exception as e:
    print(f"BAD no valgrind report ({e})"); sys.exit()
bad, other, current = [], 0, "(initialisation)"
for el in root:
    if el.tag == "clientmsg":
        m = re.match(r"isl-replay input: (.*)", (el.findtext("text") or "").strip())
        if m:
            current = re.sub(r"^.*/\d{3}-", "", m.group(1))
        continue
    if el.tag != "error":
        continue
    err = el
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
    where = "exit (leak check)" if err.findtext("kind", "").startswith("Leak") else current
    bad.append(f"{err.findtext('kind')}: {what} at {top} [input: {where}]")
print(("BAD " + "\n".join(bad)) if bad else f"OK {other}")
PY
)"
echo "valgrind: ${#caps[@]} captures in one isl-replay process, $elapsed s (exit $rc)"
[ -n "$summary" ] && echo "  $summary"
case "$verdict" in
OK*)
    echo "valgrind: no error in plugin code; ${verdict#OK } errors outside the plugin ignored"
    if [ "$rc" != 0 ] || [ -z "$summary" ]; then
        echo "valgrind: isl-replay failed (exit $rc):"; tail -30 "$work/stdout" "$work/stderr"
        mkdir -p "$here/failures/valgrind"; cp "$work/memcheck.xml" "$work/stdout" "$work/stderr" "$here/failures/valgrind/"
        exit 1
    fi
    ;;
*)
    echo "valgrind: errors in plugin code:"; echo "${verdict#BAD }" | sed 's/^/  /'
    mkdir -p "$here/failures/valgrind"; cp "$work/memcheck.xml" "$work/stdout" "$work/stderr" "$here/failures/valgrind/"
    echo "  (report kept under $here/failures/valgrind/)"
    exit 1
    ;;
esac
