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
# The tgtd/tcpdump machinery is shared with make-real-connections.sh and
# bench/make-data-capture.sh: captures/lib/tgt-capture.sh.
#
# Environment: TGTD_CONTROL_PORT (default 31026), KEEP_TMP=1 keeps the temp dir,
# ISCSI_LOGIN_CAPTURE_OUT (default captures/real) is the folder the pcaps go to,
# e.g. a scratch folder to compare a rerun with the committed captures.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=captures/lib/tgt-capture.sh
. "$HERE/lib/tgt-capture.sh"
# ISCSI_LOGIN_CAPTURE_OUT: write somewhere else than the committed captures
tc_script make-real-captures 31026 "${ISCSI_LOGIN_CAPTURE_OUT:-$HERE/real}"

ADDR=127.0.0.1
PORT=3260
PORTAL="$ADDR:$PORT"
MAX_PCAP_BYTES=$((1024 * 1024))
# the filter is the port alone, so nothing else may listen on it (below)
TC_TCPDUMP_OPTS=(--immediate-mode -Z root -i lo -s 0 -U)

# ---------------------------------------------------------------- checks ---
tc_need_root "tgtd and tcpdump"
tc_need_common
tc_need tshark tshark
tc_need_report
tc_check_control_port "$CTL" 32768
tc_port_free "$PORT" "captures need port $PORT"
tc_control_port_free "$CTL"

tc_setup /tmp/iscsi-login-captures
mkdir -p "$OUT"

# ------------------------------------------------------------------ tgtd ---
tgt() { tgtadm -C "$CTL" --lld iscsi "$@"; }

start_tgtd() {  # tag
    tc_start_tgtd "$1" "$CTL" "$PORTAL"
    tc_check_loopback
}

new_disk() {  # tid name size
    tc_new_disk "$CTL" "$@"
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
capture_start() {  # name
    tc_capture_start "$1" "tcp port $PORT"
}

capture_stop() {  # name
    tc_capture_stop "$1"
    tc_capture_keep "$1" "$OUT" "$MAX_PCAP_BYTES"
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

# One client run against a fresh tgtd, captured from before the tgtd is
# reachable to after the client is done; the client must exit expected-rc.
capture_client() {  # start-tgtd-function tag expected-rc client-args...
    local start=$1 tag=$2 rc=$3
    shift 3
    "$start" "$tag"
    capture_start "$tag"
    expect_rc "$rc" client "$@"
    capture_stop "$tag"
}

# ------------------------------------------------------------- scenarios ---
sc_discovery() {
    capture_client start_standard_tgtd "$1" 0 discover --initiator "$IQN:init-discovery" --isid 800000000101
}

sc_login_io_logout() {
    capture_client start_standard_tgtd "$1" 0 io --initiator "$IQN:init-io" --isid 800000000201 \
        --alias "iscsi-login io test" --target "$IQN:disk1" --writes 2 --reads 2
}

sc_chap_ok() {
    capture_client start_standard_tgtd "$1" 0 io --initiator "$IQN:init-chap" --isid 800000000301 \
        --target "$IQN:secure" --user "$CHAP_USER" --password "$CHAP_PASS" --inquiry-only
}

sc_chap_bad_password() {
    capture_client start_standard_tgtd "$1" 2 io --initiator "$IQN:init-chap" --isid 800000000401 \
        --target "$IQN:secure" --user "$CHAP_USER" --password wrong-password --inquiry-only
}

sc_chap_mutual() {
    capture_client start_standard_tgtd "$1" 0 io --initiator "$IQN:init-chap-mutual" --isid 800000000501 \
        --target "$IQN:secure" --user "$CHAP_USER" --password "$CHAP_PASS" \
        --target-user "$CHAP_TUSER" --target-password "$CHAP_TPASS" --inquiry-only
}

sc_chap_required_no_credentials() {
    capture_client start_standard_tgtd "$1" 2 io --initiator "$IQN:init-nochap" --isid 800000000601 \
        --target "$IQN:secure" --inquiry-only
}

sc_unknown_target() {
    capture_client start_standard_tgtd "$1" 2 io --initiator "$IQN:init-unknown" --isid 800000000701 \
        --target "$IQN:no-such-disk" --inquiry-only
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

start_digest_tgtd() {  # the standard set, disk1 offering CRC32C header digests
    start_standard_tgtd "$1"
    tgt --mode target --op update --tid 1 --name HeaderDigest --value CRC32C,None
}

sc_header_digest_crc32c() {
    capture_client start_digest_tgtd "$1" 0 io --initiator "$IQN:init-digest" --isid 800000000901 \
        --target "$IQN:disk1" --header-digest crc32c-none --writes 1 --reads 1
}

sc_header_digest_offer_refused() {
    capture_client start_standard_tgtd "$1" 0 io --initiator "$IQN:init-digest" --isid 800000000a01 \
        --target "$IQN:disk1" --header-digest crc32c --inquiry-only
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
    capture_client start_large_tgtd "$1" 0 sendtargets-raw --initiator "$IQN:init-raw-discovery" \
        --isid 800000000b01 --mrdsl 8192
}

sc_sendtargets_large_single_pdu() {
    capture_client start_large_tgtd "$1" 0 discover --initiator "$IQN:init-discovery" --isid 800000000c01
}

tc_scenario discovery sc_discovery
tc_scenario login-io-logout sc_login_io_logout
tc_scenario chap-ok sc_chap_ok
tc_scenario chap-bad-password sc_chap_bad_password
tc_scenario chap-mutual sc_chap_mutual
tc_scenario chap-required-no-credentials sc_chap_required_no_credentials
tc_scenario unknown-target sc_unknown_target
tc_scenario multi-session sc_multi_session
tc_scenario header-digest-crc32c sc_header_digest_crc32c
tc_scenario header-digest-offer-refused sc_header_digest_offer_refused
tc_scenario sendtargets-large sc_sendtargets_large
tc_scenario sendtargets-large-single-pdu sc_sendtargets_large_single_pdu

log "client output:"
cat "$TMP/client.log" >&2

log "summary (tshark):"
python3 "$SUMMARY" "$OUT"/*.pcap
log "done: $OUT"
