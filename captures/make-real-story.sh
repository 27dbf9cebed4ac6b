#!/usr/bin/env bash
# Regenerate the REAL captures of login stories in captures/real/ (run as root):
# what a failing host does over time, recorded between a private tgtd and
# libiscsi (through captures/iscsi-client.py, which fixes the ISID the way
# open-iscsi keeps one ISID per interface across retries; libiscsi alone would
# pick a random ISID for every process).
#
#   chap-retries.pcap     five logins to the CHAP target with a wrong secret,
#                         one second apart, then one with the right secret:
#                         a run of six attempts, the last one succeeds
#   relogin-flapping.pcap eight logins and logouts of one session (same
#                         initiator, ISID and target), half a second apart:
#                         a relogin storm
#
# Same machinery as make-real-captures.sh (captures/lib/tgt-capture.sh):
# 127.0.0.1:3260 only, a private control port, nothing installed.
# Environment: TGTD_CONTROL_PORT (default 31131), KEEP_TMP=1,
# ISCSI_LOGIN_CAPTURE_OUT (default captures/real).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=captures/lib/tgt-capture.sh
. "$HERE/lib/tgt-capture.sh"
TC_PROG=make-real-story
OUT=${ISCSI_LOGIN_CAPTURE_OUT:-$HERE/real}
CLIENT="$HERE/iscsi-client.py"
PORTAL=127.0.0.1:3260
CTL=${TGTD_CONTROL_PORT:-31131}
IQN=$TC_IQN
TC_TCPDUMP_OPTS=(--immediate-mode -Z root -i lo -s 0 -U)

tc_need_root "tgtd and tcpdump"
tc_need_common
tc_need_report
[[ -f $CLIENT ]] || die "missing $CLIENT"
tc_check_control_port "$CTL" 32768
tc_port_free 3260 "captures need port 3260"
tc_control_port_free "$CTL"
tc_setup /tmp/iscsi-login-story
mkdir -p "$OUT"

tgt() { tgtadm -C "$CTL" --lld iscsi "$@"; }
CHAP_USER=alice
CHAP_PASS=alice-secret-1

start_tgtd() {  # tag
    tc_start_tgtd "$1" "$CTL" "$PORTAL"
    tc_check_loopback
    tc_new_disk "$CTL" 1 disk1 4M
    tc_new_disk "$CTL" 3 secure 4M
    tgt --mode account --op new --user "$CHAP_USER" --password "$CHAP_PASS"
    tgt --mode account --op bind --tid 3 --user "$CHAP_USER"
}

client() { timeout 60 python3 "$CLIENT" "$@" --portal "$PORTAL"; }

expect_rc() {  # expected-rc command...
    local want=$1 rc=0
    shift
    "$@" >>"$TMP/client.log" 2>&1 || rc=$?
    ((rc == want)) || { tail -20 "$TMP/client.log" >&2; die "'$*' exited $rc, expected $want"; }
}

sc_chap_retries() {
    start_tgtd "$1"
    tc_capture_start "$1" "tcp port 3260"
    local i
    for ((i = 1; i <= 5; i++)); do
        expect_rc 2 client io --initiator "$IQN:init-retry" --isid 800000001101 \
            --target "$IQN:secure" --user "$CHAP_USER" --password wrong-password --inquiry-only
        sleep 1
    done
    expect_rc 0 client io --initiator "$IQN:init-retry" --isid 800000001101 \
        --target "$IQN:secure" --user "$CHAP_USER" --password "$CHAP_PASS" --inquiry-only
    tc_capture_stop "$1"
    tc_capture_keep "$1" "$OUT" $((1024 * 1024))
}

sc_relogin_flapping() {
    start_tgtd "$1"
    tc_capture_start "$1" "tcp port 3260"
    local i
    for ((i = 1; i <= 8; i++)); do
        expect_rc 0 client io --initiator "$IQN:init-flap" --isid 800000001201 \
            --target "$IQN:disk1" --inquiry-only
        sleep 0.5
    done
    tc_capture_stop "$1"
    tc_capture_keep "$1" "$OUT" $((1024 * 1024))
}

tc_scenario chap-retries sc_chap_retries
tc_scenario relogin-flapping sc_relogin_flapping
log "client output:"
cat "$TMP/client.log" >&2
log "done: $OUT"
