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
# The namespace's own 127.0.0.1 is the only address used.  The tgtd/tcpdump
# machinery is shared with the captures/ scripts: captures/lib/tgt-capture.sh
# (which runs tgtd, tcpdump and ss inside the namespace).
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
# shellcheck source=captures/lib/tgt-capture.sh
. "$REPO/captures/lib/tgt-capture.sh"
tc_script make-data-capture 31027 "${BENCH_DATA_DIR:-$HERE/data}"
NAME=${BENCH_DATA_NAME:-data-real}
BULK="$HERE/iscsi-bulk.py"

ADDR=127.0.0.1
PORT=3260
PORTAL="$ADDR:$PORT"
MB=${BENCH_DATA_MB:-330}
MTU=${BENCH_MTU:-1500}
RATE=${BENCH_RATE:-120}
NSESS=${BENCH_SESSIONS:-4}
LUN_MIB=64
NS=isl-bench-$$
# bulk capture: a big kernel buffer, buffered writes (no --immediate-mode, no -U)
TC_TCPDUMP_OPTS=(-i lo -s 0 -B 262144)

tc_need_root "tgtd, tcpdump and ip netns"
tc_need_common
tc_need capinfos wireshark-common
tc_need ip iproute2
tc_need_report
[[ $MB =~ ^[0-9]+$ && $MTU =~ ^[0-9]+$ && $RATE =~ ^[0-9]+$ && $NSESS =~ ^[0-9]+$ ]] || die "BENCH_* must be numbers"
((NSESS >= 1 && NSESS <= 16)) || die "BENCH_SESSIONS must be 1..16"
tc_check_control_port "$CTL" 32768
tc_control_port_free "$CTL"

tc_setup /tmp/iscsi-login-bench
mkdir -p "$OUT"

# ------------------------------------------------------------ namespace ---
# (removed on exit by the library's cleanup, after tgtd)
tc_netns_add "$NS"
tc_nsx ip link set lo mtu "$MTU" up
# One wire-sized frame per skb: no GSO/TSO super-frames on the capture.
tc_nsx ip link set lo gso_max_segs 1 gso_max_size "$MTU"
tc_nsx ip -o addr show | grep -qv ' lo ' && die "namespace $NS has more than lo"

# ------------------------------------------------------------------ tgtd ---
# (tgtadm talks to it through its control socket in /var/run/tgtd, which
# is outside the namespace)
tc_start_tgtd bench "$CTL" "$PORTAL"
tc_check_loopback
for n in 1 2; do
    tc_new_disk "$CTL" "$n" "bench-disk$n" "${LUN_MIB}M"
done

# --------------------------------------------------------------- capture ---
tc_capture_start "$NAME" "tcp port $PORT"

log "discovery session"
tc_nsx timeout 60 python3 "$CLIENT" discover --portal "$PORTAL" --initiator "$IQN:bench-discovery" \
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
    TC_BG_PIDS+=($!)
    sleep 0.2
done
# short sessions while the bulk ones run
sleep 0.5
for ((s = 0; s < 8; s++)); do
    tc_nsx timeout 60 python3 "$CLIENT" io --portal "$PORTAL" --initiator "$IQN:bench-short$((s % 3))" \
        --isid "$(printf '8000000e%04x' $((s + 1)))" --target "$IQN:bench-disk$((s % 2 + 1))" \
        --inquiry-only >>"$TMP/client.log" 2>&1 || { tail "$TMP/client.log" >&2; die "short session $s failed"; }
    sleep 0.2
done
rc=0
for p in "${TC_BG_PIDS[@]}"; do wait "$p" || rc=1; done
TC_BG_PIDS=()
((rc == 0)) || { tail -30 "$TMP/client.log" >&2; die "a bulk client failed"; }
log "bulk sessions took $(($(date +%s) - start)) s"
tc_capture_stop "$NAME" "lower BENCH_RATE (now $RATE MB/s)"
cat "$TMP/$NAME.tcpdump.err" >&2
grep -E 'reads|logged' "$TMP/client.log" >&2 || true
tc_capture_keep "$NAME" "$OUT"
capinfos -c -s -d "$OUT/$NAME.pcap" >&2
log "done: $OUT/$NAME.pcap"
