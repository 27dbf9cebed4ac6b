#!/usr/bin/env bash
# Make the data-heavy REAL bench capture (run as root):
#
#   bench/data/data-real.pcap   tgt (tgtd) <-> libiscsi over loopback, full
#                               snaplen, READ(10)/WRITE(10) of 4 KiB..1 MiB,
#                               >= 300 MB (BENCH_DATA_MB of SCSI payload)
#
# Same approach as captures/make-real-captures.sh (private tgtd on
# 127.0.0.1:3260 with its own control port, libiscsi through ctypes, tcpdump
# on lo, cleanup traps), but inside a private network namespace whose lo has
# a realistic MTU (BENCH_MTU, default 1500) and no segmentation offload, so
# the capture has wire-sized frames instead of 64 KiB loopback super-frames.
# The namespace's own 127.0.0.1 is the only address used.
#
# Traffic, in order:
#   - a SendTargets discovery session (captures/iscsi-client.py discover)
#   - BENCH_SESSIONS (default 4) concurrent normal sessions, 2 initiators x
#     2 targets, each moving BENCH_DATA_MB / BENCH_SESSIONS MB with
#     bench/iscsi-bulk.py (60 % reads), capped at BENCH_RATE MB/s in total
#   - halfway through, 8 short login/INQUIRY/logout sessions
#     (captures/iscsi-client.py io --inquiry-only)
#
# Environment: BENCH_DATA_DIR (default bench/data), BENCH_DATA_MB (330),
# BENCH_MTU (1500), BENCH_RATE (120), BENCH_SESSIONS (4),
# TGTD_CONTROL_PORT (31027), KEEP_TMP=1 keeps the temp dir.
# Output name can be overridden with BENCH_DATA_NAME (default data-real).

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
OUT=${BENCH_DATA_DIR:-$HERE/data}
NAME=${BENCH_DATA_NAME:-data-real}
CLIENT="$REPO/captures/iscsi-client.py"
BULK="$HERE/iscsi-bulk.py"

ADDR=127.0.0.1
PORT=3260
PORTAL="$ADDR:$PORT"
CTL=${TGTD_CONTROL_PORT:-31027}
IQN=iqn.2026-11.test.iscsi-login
MB=${BENCH_DATA_MB:-330}
MTU=${BENCH_MTU:-1500}
RATE=${BENCH_RATE:-120}
NSESS=${BENCH_SESSIONS:-4}
LUN_MIB=64
NS=isl-bench-$$

TMP=""
TGTD_PID=""
TCPDUMP_PID=""
NS_MADE=0

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'make-data-capture: %s\n' "$*" >&2; exit 1; }

[[ $EUID -eq 0 ]] || die "must run as root (tgtd, tcpdump and ip netns need it)"
missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$1 (Debian package: $2)"); }
need tgtd tgt
need tgtadm tgt
need tcpdump tcpdump
need capinfos wireshark-common
need python3 python3-minimal
need ip iproute2
need timeout coreutils
ldconfig -p 2>/dev/null | grep -c "libiscsi\.so\.7" >/dev/null || missing+=("libiscsi.so.7 (Debian package: libiscsi7)")
if ((${#missing[@]})); then
    printf 'make-data-capture: missing:\n' >&2
    printf '  %s\n' "${missing[@]}" >&2
    exit 1
fi
[[ $MB =~ ^[0-9]+$ && $MTU =~ ^[0-9]+$ && $RATE =~ ^[0-9]+$ && $NSESS =~ ^[0-9]+$ ]] || die "BENCH_* must be numbers"
((NSESS >= 1 && NSESS <= 16)) || die "BENCH_SESSIONS must be 1..16"
[[ $CTL =~ ^[0-9]+$ ]] && ((CTL > 0 && CTL < 32768)) || die "TGTD_CONTROL_PORT must be 1..32767"
if tgtadm -C "$CTL" --mode sys --op show >/dev/null 2>&1; then
    die "a tgtd already answers on control port $CTL; set TGTD_CONTROL_PORT to another number"
fi

nsx() { ip netns exec "$NS" "$@"; }

stop_tcpdump() {
    if [[ -n $TCPDUMP_PID ]]; then
        kill -INT "$TCPDUMP_PID" 2>/dev/null || true
        wait "$TCPDUMP_PID" 2>/dev/null || true
        TCPDUMP_PID=""
    fi
}

stop_tgtd() {
    [[ -n $TGTD_PID ]] || return 0
    if kill -0 "$TGTD_PID" 2>/dev/null; then
        tgtadm -C "$CTL" --mode sys --op update --name State --value offline >/dev/null 2>&1 || true
        local tid
        for tid in $(tgtadm -C "$CTL" --lld iscsi --mode target --op show 2>/dev/null |
                     awk '/^Target [0-9]+:/ { sub(":", "", $2); print $2 }'); do
            tgtadm -C "$CTL" --lld iscsi --mode target --op delete --force --tid "$tid" >/dev/null 2>&1 || true
        done
        tgtadm -C "$CTL" --mode sys --op delete >/dev/null 2>&1 || true
        local i
        for ((i = 0; i < 50; i++)); do
            kill -0 "$TGTD_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$TGTD_PID" 2>/dev/null || true
    fi
    wait "$TGTD_PID" 2>/dev/null || true
    TGTD_PID=""
    rm -f "/var/run/tgtd/socket.$CTL" "/var/run/tgtd/socket.$CTL.lock"
}

CLIENT_PIDS=()
cleanup() {
    local rc=$?
    set +e
    local p
    for p in "${CLIENT_PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${CLIENT_PIDS[@]}"; do wait "$p" 2>/dev/null; done
    stop_tcpdump
    stop_tgtd
    ((NS_MADE)) && ip netns del "$NS" 2>/dev/null
    if [[ -n $TMP && -d $TMP ]]; then
        if [[ ${KEEP_TMP:-0} == 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

TMP=$(mktemp -d /tmp/iscsi-login-bench.XXXXXX)
mkdir -p "$OUT"

# ------------------------------------------------------------ namespace ---
ip netns add "$NS"
NS_MADE=1
nsx ip link set lo mtu "$MTU" up
# One wire-sized frame per skb: no GSO/TSO super-frames on the capture.
nsx ip link set lo gso_max_segs 1 gso_max_size "$MTU"
nsx ip -o addr show | grep -qv ' lo ' && die "namespace $NS has more than lo"

# ------------------------------------------------------------------ tgtd ---
ip netns exec "$NS" tgtd -f -C "$CTL" --iscsi "portal=$PORTAL" >"$TMP/tgtd.log" 2>&1 &
TGTD_PID=$!
for ((i = 0; i < 100; i++)); do
    kill -0 "$TGTD_PID" 2>/dev/null || { cat "$TMP/tgtd.log" >&2; die "tgtd exited"; }
    if tgtadm -C "$CTL" --mode sys --op show >/dev/null 2>&1 &&
       [[ -n $(nsx ss -Hltn "sport = :$PORT") ]]; then
        break
    fi
    sleep 0.1
done
((i < 100)) || die "tgtd did not come up"
bad=$(nsx ss -Hltn "sport = :$PORT" | awk '{print $4}' | grep -v '^127\.' || true)
[[ -z $bad ]] || die "tgtd listens on non-loopback address(es): $bad"

tgt() { tgtadm -C "$CTL" --lld iscsi "$@"; }
for n in 1 2; do
    truncate -s "${LUN_MIB}M" "$TMP/bench$n.img"
    tgt --mode target --op new --tid "$n" -T "$IQN:bench-disk$n"
    tgt --mode logicalunit --op new --tid "$n" --lun 1 -b "$TMP/bench$n.img"
    tgt --mode target --op bind --tid "$n" -I ALL
done

# --------------------------------------------------------------- capture ---
# (background jobs run "ip netns exec" directly, not through a shell
# function, so that $! is the real process: tcpdump must get the SIGINT)
ip netns exec "$NS" tcpdump -i lo -s 0 -B 262144 -w "$TMP/$NAME.pcap" "tcp port $PORT" 2>"$TMP/tcpdump.err" &
TCPDUMP_PID=$!
for ((i = 0; i < 100; i++)); do
    grep -q 'listening on' "$TMP/tcpdump.err" 2>/dev/null && break
    kill -0 "$TCPDUMP_PID" 2>/dev/null || { cat "$TMP/tcpdump.err" >&2; die "tcpdump exited"; }
    sleep 0.1
done
((i < 100)) || die "tcpdump did not start"
sleep 0.3

log "discovery session"
nsx timeout 60 python3 "$CLIENT" discover --portal "$PORTAL" --initiator "$IQN:bench-discovery" \
    --isid 80000000f001 >>"$TMP/client.log" 2>&1 || { tail "$TMP/client.log" >&2; die "discovery failed"; }

per=$((MB * 1000000 / NSESS))
rate=$(python3 -c "print($RATE / $NSESS)")
log "$NSESS bulk sessions, $MB MB in total, <= $RATE MB/s, MTU $MTU"
start=$(date +%s)
for ((s = 0; s < NSESS; s++)); do
    who=$((s % 2 + 1)); disk=$((s / 2 % 2 + 1))
    ip netns exec "$NS" timeout 1800 python3 "$BULK" --portal "$PORTAL" --initiator "$IQN:bench-init$who" \
        --isid "$(printf '8000000f%04x' $((s + 1)))" --target "$IQN:bench-disk$disk" \
        --bytes "$per" --seed $((s + 1)) --rate "$rate" --lun-mib "$LUN_MIB" >>"$TMP/client.log" 2>&1 &
    CLIENT_PIDS+=($!)
    sleep 0.2
done
# short sessions while the bulk ones run
sleep 0.5
for ((s = 0; s < 8; s++)); do
    nsx timeout 60 python3 "$CLIENT" io --portal "$PORTAL" --initiator "$IQN:bench-short$((s % 3))" \
        --isid "$(printf '8000000e%04x' $((s + 1)))" --target "$IQN:bench-disk$((s % 2 + 1))" \
        --inquiry-only >>"$TMP/client.log" 2>&1 || { tail "$TMP/client.log" >&2; die "short session $s failed"; }
    sleep 0.2
done
rc=0
for p in "${CLIENT_PIDS[@]}"; do wait "$p" || rc=1; done
CLIENT_PIDS=()
((rc == 0)) || { tail -30 "$TMP/client.log" >&2; die "a bulk client failed"; }
log "bulk sessions took $(($(date +%s) - start)) s"
sleep 1
stop_tcpdump
cat "$TMP/tcpdump.err" >&2
grep -q '^0 packets dropped by kernel' "$TMP/tcpdump.err" ||
    die "tcpdump dropped packets; lower BENCH_RATE (now $RATE MB/s)"
grep -E 'reads|logged' "$TMP/client.log" >&2 || true
mv -f "$TMP/$NAME.pcap" "$OUT/$NAME.pcap"
chmod 644 "$OUT/$NAME.pcap"
capinfos -c -s -d "$OUT/$NAME.pcap" >&2
log "done: $OUT/$NAME.pcap"
