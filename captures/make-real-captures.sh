#!/usr/bin/env bash
# Regenerate the REAL iSCSI captures in captures/real/ (run as root).
#
# Starts a private tgtd (SCSI target daemon, package tgt) bound to
# 127.0.0.1:3260 only, with its own control port so it cannot clash with a
# system tgtd, drives it with libiscsi (through captures/iscsi-client.py) and
# records each scenario with tcpdump on the loopback interface:
#
#   discovery.pcap                     SendTargets=All, 3 targets
#   login-io-logout.pcap               normal session, INQUIRY/READ CAPACITY/2x WRITE/2x READ
#   chap-ok.pcap                       one-way CHAP, right secret
#   chap-bad-password.pcap             one-way CHAP, wrong secret -> 0x0201
#   chap-mutual.pcap                   mutual (two-way) CHAP
#   chap-required-no-credentials.pcap  CHAP target, initiator offers no CHAP -> 0x0201
#   unknown-target.pcap                TargetName that does not exist -> 0x0203
#   multi-session.pcap                 4 overlapping sessions, 2 initiators x 2 targets
#   header-digest-crc32c.pcap          HeaderDigest=CRC32C negotiated and used
#   header-digest-offer-refused.pcap   initiator offers only CRC32C, tgt answers None
#   sendtargets-large.pcap             300 targets, MaxRecvDataSegmentLength=8192,
#                                      reply in 3 Text Response PDUs (F=0 continuation)
#   sendtargets-large-single-pdu.pcap  300 targets via libiscsi (MRDSL 262144): 1 PDU
#
# Everything stays on 127.0.0.0/8.  Nothing is installed; missing tools are
# reported with the Debian package that provides them.  Safe to re-run: the
# pcaps are rewritten, tgtd/tcpdump and temporary files are removed on exit.
#
# Environment: TGTD_CONTROL_PORT (default 31026), KEEP_TMP=1 keeps the temp dir.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT="$HERE/real"
CLIENT="$HERE/iscsi-client.py"
SUMMARY="$HERE/summarize-captures.py"

ADDR=127.0.0.1
PORT=3260
PORTAL="$ADDR:$PORT"
CTL=${TGTD_CONTROL_PORT:-31026}
IQN=iqn.2026-11.test.iscsi-login
MAX_PCAP_BYTES=$((1024 * 1024))

TMP=""
TGTD_PID=""
TCPDUMP_PID=""

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'make-real-captures: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- checks ---
[[ $EUID -eq 0 ]] || die "must run as root (tgtd and tcpdump need it)"

missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$1 (Debian package: $2)"); }
need tgtd tgt
need tgtadm tgt
need tcpdump tcpdump
need tshark tshark
need python3 python3-minimal
need ss iproute2
need timeout coreutils
if ! ldconfig -p 2>/dev/null | grep -q 'libiscsi\.so\.7'; then
    missing+=("libiscsi.so.7 (Debian package: libiscsi7)")
fi
if ((${#missing[@]})); then
    printf 'make-real-captures: missing:\n' >&2
    printf '  %s\n' "${missing[@]}" >&2
    exit 1
fi
[[ -f $CLIENT ]] || die "missing $CLIENT"
[[ $CTL =~ ^[0-9]+$ ]] && ((CTL > 0 && CTL < 32768)) || die "TGTD_CONTROL_PORT must be 1..32767"

if [[ -n $(ss -Hltn "sport = :$PORT") ]]; then
    ss -ltnp "sport = :$PORT" >&2 || true
    die "something already listens on TCP port $PORT; stop it first (captures need port $PORT)"
fi
if tgtadm -C "$CTL" --mode sys --op show >/dev/null 2>&1; then
    die "a tgtd already answers on control port $CTL; set TGTD_CONTROL_PORT to another number"
fi

# --------------------------------------------------------------- cleanup ---
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
        # graceful: offline, drop every target, then delete the system
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

cleanup() {
    local rc=$?
    set +e
    stop_tcpdump
    stop_tgtd
    if [[ -n $TMP && -d $TMP ]]; then
        if [[ ${KEEP_TMP:-0} == 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

TMP=$(mktemp -d /tmp/iscsi-login-captures.XXXXXX)
mkdir -p "$OUT"

# ------------------------------------------------------------------ tgtd ---
tgt() { tgtadm -C "$CTL" --lld iscsi "$@"; }

start_tgtd() {
    local tag=$1
    tgtd -f -C "$CTL" --iscsi "portal=$PORTAL" >"$TMP/tgtd-$tag.log" 2>&1 &
    TGTD_PID=$!
    local i
    for ((i = 0; i < 100; i++)); do
        kill -0 "$TGTD_PID" 2>/dev/null || { cat "$TMP/tgtd-$tag.log" >&2; die "tgtd exited"; }
        if tgtadm -C "$CTL" --mode sys --op show >/dev/null 2>&1 &&
           [[ -n $(ss -Hltn "sport = :$PORT") ]]; then
            break
        fi
        sleep 0.1
    done
    ((i < 100)) || die "tgtd did not come up"
    # every listener on the iSCSI port must be a loopback address
    local bad
    bad=$(ss -Hltn "sport = :$PORT" | awk '{print $4}' | grep -v '^127\.' || true)
    [[ -z $bad ]] || die "tgtd listens on non-loopback address(es): $bad"
}

new_disk() {  # tid name size
    local tid=$1 name=$2 size=$3
    truncate -s "$size" "$TMP/$name.img"
    tgt --mode target --op new --tid "$tid" -T "$IQN:$name"
    tgt --mode logicalunit --op new --tid "$tid" --lun 1 -b "$TMP/$name.img"
    tgt --mode target --op bind --tid "$tid" -I ALL
}

# The standard set: disk1, disk2 (no auth), secure (CHAP, incoming + outgoing account)
CHAP_USER=alice
CHAP_PASS=alice-secret-1
CHAP_TUSER=tgt-secure
CHAP_TPASS=target-secret-2

start_standard_tgtd() {
    start_tgtd "$1"
    new_disk 1 disk1 8M
    new_disk 2 disk2 4M
    new_disk 3 secure 4M
    tgt --mode account --op new --user "$CHAP_USER" --password "$CHAP_PASS"
    tgt --mode account --op new --user "$CHAP_TUSER" --password "$CHAP_TPASS"
    tgt --mode account --op bind --tid 3 --user "$CHAP_USER"
    tgt --mode account --op bind --tid 3 --user "$CHAP_TUSER" --outgoing
}

# --------------------------------------------------------------- capture ---
capture_start() {
    local name=$1
    rm -f "$TMP/$name.pcap" "$TMP/$name.tcpdump.err"
    tcpdump --immediate-mode -Z root -i lo -s 0 -U -w "$TMP/$name.pcap" "tcp port $PORT" \
        2>"$TMP/$name.tcpdump.err" &
    TCPDUMP_PID=$!
    local i
    for ((i = 0; i < 100; i++)); do
        grep -q 'listening on' "$TMP/$name.tcpdump.err" 2>/dev/null && break
        kill -0 "$TCPDUMP_PID" 2>/dev/null || { cat "$TMP/$name.tcpdump.err" >&2; die "tcpdump exited"; }
        sleep 0.1
    done
    ((i < 100)) || die "tcpdump did not start"
    sleep 0.3
}

capture_stop() {
    local name=$1
    sleep 1   # let the last FIN/ACKs arrive
    stop_tcpdump
    if ! grep -q '^0 packets dropped by kernel' "$TMP/$name.tcpdump.err"; then
        cat "$TMP/$name.tcpdump.err" >&2
        die "$name: tcpdump dropped packets"
    fi
    local size
    size=$(stat -c %s "$TMP/$name.pcap")
    ((size < MAX_PCAP_BYTES)) || die "$name.pcap is $size bytes (limit $MAX_PCAP_BYTES)"
    mv -f "$TMP/$name.pcap" "$OUT/$name.pcap"
    chmod 644 "$OUT/$name.pcap"
    log "$name.pcap: $size bytes"
}

client() { timeout 60 python3 "$CLIENT" "$@" --portal "$PORTAL"; }

expect_rc() {  # expected-rc command...
    local want=$1 rc=0
    shift
    "$@" >>"$TMP/client.log" 2>&1 || rc=$?
    if ((rc != want)); then
        tail -20 "$TMP/client.log" >&2
        die "'$*' exited $rc, expected $want"
    fi
}

# ------------------------------------------------------------- scenarios ---
scenario() {  # name function
    local name=$1 fn=$2
    log "scenario $name"
    echo "### $name" >>"$TMP/client.log"
    "$fn" "$name"
    stop_tgtd
}

sc_discovery() {
    start_standard_tgtd "$1"
    capture_start "$1"
    expect_rc 0 client discover --initiator "$IQN:init-discovery" --isid 800000000101
    capture_stop "$1"
}

sc_login_io_logout() {
    start_standard_tgtd "$1"
    capture_start "$1"
    expect_rc 0 client io --initiator "$IQN:init-io" --isid 800000000201 \
        --alias "iscsi-login io test" --target "$IQN:disk1" --writes 2 --reads 2
    capture_stop "$1"
}

sc_chap_ok() {
    start_standard_tgtd "$1"
    capture_start "$1"
    expect_rc 0 client io --initiator "$IQN:init-chap" --isid 800000000301 \
        --target "$IQN:secure" --user "$CHAP_USER" --password "$CHAP_PASS" --inquiry-only
    capture_stop "$1"
}

sc_chap_bad_password() {
    start_standard_tgtd "$1"
    capture_start "$1"
    expect_rc 2 client io --initiator "$IQN:init-chap" --isid 800000000401 \
        --target "$IQN:secure" --user "$CHAP_USER" --password wrong-password --inquiry-only
    capture_stop "$1"
}

sc_chap_mutual() {
    start_standard_tgtd "$1"
    capture_start "$1"
    expect_rc 0 client io --initiator "$IQN:init-chap-mutual" --isid 800000000501 \
        --target "$IQN:secure" --user "$CHAP_USER" --password "$CHAP_PASS" \
        --target-user "$CHAP_TUSER" --target-password "$CHAP_TPASS" --inquiry-only
    capture_stop "$1"
}

sc_chap_required_no_credentials() {
    start_standard_tgtd "$1"
    capture_start "$1"
    expect_rc 2 client io --initiator "$IQN:init-nochap" --isid 800000000601 \
        --target "$IQN:secure" --inquiry-only
    capture_stop "$1"
}

sc_unknown_target() {
    start_standard_tgtd "$1"
    capture_start "$1"
    expect_rc 2 client io --initiator "$IQN:init-unknown" --isid 800000000701 \
        --target "$IQN:no-such-disk" --inquiry-only
    capture_stop "$1"
}

sc_multi_session() {
    start_standard_tgtd "$1"
    capture_start "$1"
    # staggered starts, equal hold times: login order == logout order, and
    # all four sessions are in full feature phase at the same time
    local pids=() spec who n disk
    for spec in a:1:disk1 a:2:disk2 b:3:disk1 b:4:disk2; do
        IFS=: read -r who n disk <<<"$spec"
        client io --initiator "$IQN:init-multi-$who" --isid "80000000080$n" \
            --target "$IQN:$disk" --writes 1 --reads 2 --hold 1.5 >>"$TMP/client.log" 2>&1 &
        pids+=($!)
        sleep 0.3
    done
    local rc=0 pid
    for pid in "${pids[@]}"; do wait "$pid" || rc=1; done
    ((rc == 0)) || { tail -30 "$TMP/client.log" >&2; die "multi-session: a client failed"; }
    capture_stop "$1"
}

sc_header_digest_crc32c() {
    start_standard_tgtd "$1"
    tgt --mode target --op update --tid 1 --name HeaderDigest --value CRC32C,None
    capture_start "$1"
    expect_rc 0 client io --initiator "$IQN:init-digest" --isid 800000000901 \
        --target "$IQN:disk1" --header-digest crc32c-none --writes 1 --reads 1
    capture_stop "$1"
}

sc_header_digest_offer_refused() {
    start_standard_tgtd "$1"
    capture_start "$1"
    expect_rc 0 client io --initiator "$IQN:init-digest" --isid 800000000a01 \
        --target "$IQN:disk1" --header-digest crc32c --inquiry-only
    capture_stop "$1"
}

start_large_tgtd() {
    start_tgtd "$1"
    local i
    for ((i = 1; i <= 300; i++)); do
        tgt --mode target --op new --tid "$i" -T "$(printf '%s:bulk-%03d' "$IQN" "$i")"
        tgt --mode target --op bind --tid "$i" -I ALL
    done
}

sc_sendtargets_large() {
    start_large_tgtd "$1"
    capture_start "$1"
    expect_rc 0 client sendtargets-raw --initiator "$IQN:init-raw-discovery" \
        --isid 800000000b01 --mrdsl 8192
    capture_stop "$1"
}

sc_sendtargets_large_single_pdu() {
    start_large_tgtd "$1"
    capture_start "$1"
    expect_rc 0 client discover --initiator "$IQN:init-discovery" --isid 800000000c01
    capture_stop "$1"
}

scenario discovery sc_discovery
scenario login-io-logout sc_login_io_logout
scenario chap-ok sc_chap_ok
scenario chap-bad-password sc_chap_bad_password
scenario chap-mutual sc_chap_mutual
scenario chap-required-no-credentials sc_chap_required_no_credentials
scenario unknown-target sc_unknown_target
scenario multi-session sc_multi_session
scenario header-digest-crc32c sc_header_digest_crc32c
scenario header-digest-offer-refused sc_header_digest_offer_refused
scenario sendtargets-large sc_sendtargets_large
scenario sendtargets-large-single-pdu sc_sendtargets_large_single_pdu

log "client output:"
cat "$TMP/client.log" >&2

log "summary (tshark):"
python3 "$SUMMARY" "$OUT"/*.pcap
log "done: $OUT"
