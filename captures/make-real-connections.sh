#!/usr/bin/env bash
# Regenerate the REAL multi-connection iSCSI captures in captures/real/ (run as root).
#
# Companion of make-real-captures.sh, in the same style: private tgtd(s)
# with their own control ports, libiscsi's own command-line tools
# (libiscsi-bin: iscsi-ls, iscsi-inq, iscsi-readcapacity16) as initiators,
# tcpdump on the loopback interface.  These scenarios open several TCP
# connections per capture, to several portals, ports and address families:
# what makes Wireshark's iSCSI dissector find a connection through the
# wildcard conversations it creates for every TargetAddress key.
#
#   ls-three-targets.pcap       iscsi-ls -s, 3 targets on one portal: a discovery
#                               session, then one Normal login per target
#   ls-multi-portal.pcap        4 targets on 3 portals (127.0.0.81-83:3260);
#                               iscsi-ls -s on .82, then on .83
#   redirect-other-portal.pcap  TargetAddress naming another portal: discovery on
#                               portal A (127.0.0.84) lists target `moved`; the login
#                               there is redirected (0x0101) to portal B (127.0.0.85),
#                               where it succeeds; then iscsi-readcapacity16 at B
#   concurrent-initiators.pcap  5 libiscsi tools at once, 5 initiator names, 3 targets
#   port-3261-redirect.pcap     discovery and login on 3260, redirected to
#                               TargetAddress=127.0.0.86:3261, login and I/O on 3261
#   port-3261-alone.pcap        iscsi-inq on 127.0.0.86:3261 only (no 3260 traffic:
#                               Wireshark needs Decode As, -d tcp.port==3261,iscsi)
#   late-start.pcap             tcpdump starts while a session is already in full
#                               feature phase (no SYN, no login): NOP-In pings of
#                               tgt (nop_interval 1), then the Logout
#   ipv6-ls.pcap                iscsi-ls -s on the IPv6 loopback portal [::1]:3260
#
# Everything stays on loopback: 127.0.0.80-127.0.0.89 and [::1].  Each tcpdump
# records only the addresses of its scenario, so other iSCSI traffic on lo does
# not get in.  Nothing is installed; missing tools are reported with their
# Debian package.  Safe to re-run: the pcaps are rewritten, tgtd/tcpdump and
# temporary files are removed on exit.
#
# The tgtd/tcpdump machinery is shared with make-real-captures.sh and
# bench/make-data-capture.sh: captures/lib/tgt-capture.sh.
#
# Environment: TGTD_CONTROL_PORT (default 31077; the second tgtd of the redirect
# scenarios uses the next port), KEEP_TMP=1 keeps the temp dir,
# ISCSI_LOGIN_CAPTURE_OUT (default captures/real) is the folder the pcaps go to,
# e.g. a scratch folder to compare a rerun with the committed captures.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=captures/lib/tgt-capture.sh
. "$HERE/lib/tgt-capture.sh"
# ISCSI_LOGIN_CAPTURE_OUT: write somewhere else than the committed captures
tc_script make-real-connections 31077 "${ISCSI_LOGIN_CAPTURE_OUT:-$HERE/real}"

MAX_PCAP_BYTES=$((1024 * 1024))
# -B 16384: no drops when other iSCSI traffic runs on lo (filters are per host)
TC_TCPDUMP_OPTS=(--immediate-mode -B 16384 -Z root -i lo -s 0 -U)

# ---------------------------------------------------------------- checks ---
tc_need_root "tgtd and tcpdump"
tc_need_common
tc_need tshark tshark
tc_need iscsi-ls libiscsi-bin
tc_need iscsi-inq libiscsi-bin
tc_need iscsi-readcapacity16 libiscsi-bin
tc_need_report
# CTL + 1 must be a valid port too (second tgtd)
tc_check_control_port "$CTL" 32767
CTL2=$((CTL + 1))

tc_control_port_free "$CTL"
tc_control_port_free "$CTL2"
tc_portals_free 127.0.0.80:3260 127.0.0.81:3260 127.0.0.82:3260 127.0.0.83:3260 127.0.0.84:3260 \
    127.0.0.85:3260 127.0.0.86:3260 127.0.0.86:3261 127.0.0.88:3260 127.0.0.89:3260 '[::1]:3260'

tc_setup /tmp/iscsi-login-connections
mkdir -p "$OUT"

# ------------------------------------------------------------------ tgtd ---
tgt() { tgtadm -C "$CTL" --lld iscsi "$@"; }

redirect() {  # control-port tid addr port: logins to the target get 0x0101 (moved temporarily)
    local ctl=$1 tid=$2
    tgtadm -C "$ctl" --lld iscsi --mode target --op update --tid "$tid" --name RedirectAddress --value "$3"
    tgtadm -C "$ctl" --lld iscsi --mode target --op update --tid "$tid" --name RedirectPort --value "$4"
    tgtadm -C "$ctl" --lld iscsi --mode target --op update --tid "$tid" --name RedirectReason --value Temporary
}

# --------------------------------------------------------------- capture ---
capture_stop() {  # name
    tc_capture_stop "$1"
    tc_capture_keep "$1" "$OUT" "$MAX_PCAP_BYTES"
}

run() {  # command...: must exit 0; output to the log
    local rc=0
    echo "\$ $*" >>"$TMP/client.log"
    timeout 60 "$@" >>"$TMP/client.log" 2>&1 || rc=$?
    if ((rc != 0)); then
        tail -20 "$TMP/client.log" >&2
        die "'$*' exited $rc"
    fi
}

# ------------------------------------------------------------- scenarios ---
sc_ls_three_targets() {
    tc_start_tgtd "$1" "$CTL" 127.0.0.80:3260
    tc_check_loopback
    tc_new_disk "$CTL" 1 disk1 4M
    tc_new_disk "$CTL" 2 disk2 4M
    tc_new_disk "$CTL" 3 disk3 4M
    tc_capture_start "$1" "tcp and host 127.0.0.80"
    run iscsi-ls -s -i "$IQN:init-ls" iscsi://127.0.0.80
    capture_stop "$1"
}

sc_ls_multi_portal() {
    tc_start_tgtd "$1" "$CTL" 127.0.0.81:3260
    tc_add_portal "$CTL" 127.0.0.82:3260
    tc_add_portal "$CTL" 127.0.0.83:3260
    tc_check_loopback
    tc_new_disk "$CTL" 1 disk1 4M
    tc_new_disk "$CTL" 2 disk2 4M
    tc_new_disk "$CTL" 3 disk3 4M
    tc_new_disk "$CTL" 4 disk4 4M
    tc_capture_start "$1" "tcp and (host 127.0.0.81 or host 127.0.0.82 or host 127.0.0.83)"
    run iscsi-ls -s -i "$IQN:init-ls-a" iscsi://127.0.0.82
    run iscsi-ls -s -i "$IQN:init-ls-b" iscsi://127.0.0.83:3260
    capture_stop "$1"
}

sc_redirect_other_portal() {
    # portal A: tgtd 1, whose target `moved` redirects every login to portal B
    tc_start_tgtd "$1" "$CTL" 127.0.0.84:3260
    tgt --mode target --op new --tid 1 -T "$IQN:moved"
    tgt --mode target --op bind --tid 1 -I ALL
    redirect "$CTL" 1 127.0.0.85 3260
    # portal B: tgtd 2, where `moved` has its disk
    tc_start_tgtd "$1" "$CTL2" 127.0.0.85:3260
    tc_check_loopback
    tc_new_disk "$CTL2" 1 moved 4M
    tc_capture_start "$1" "tcp and (host 127.0.0.84 or host 127.0.0.85)"
    run iscsi-ls -s -i "$IQN:init-redirect" iscsi://127.0.0.84
    run iscsi-readcapacity16 -i "$IQN:init-readcap" "iscsi://127.0.0.85/$IQN:moved/1"
    capture_stop "$1"
}

sc_concurrent_initiators() {
    tc_start_tgtd "$1" "$CTL" 127.0.0.88:3260
    tc_check_loopback
    tc_new_disk "$CTL" 1 disk1 4M
    tc_new_disk "$CTL" 2 disk2 4M
    tc_new_disk "$CTL" 3 disk3 4M
    tc_capture_start "$1" "tcp and host 127.0.0.88"
    local cmds=(
        "iscsi-ls -s -i $IQN:init-c1 iscsi://127.0.0.88"
        "iscsi-inq -i $IQN:init-c2 iscsi://127.0.0.88/$IQN:disk1/1"
        "iscsi-inq -i $IQN:init-c3 iscsi://127.0.0.88/$IQN:disk2/1"
        "iscsi-readcapacity16 -i $IQN:init-c4 iscsi://127.0.0.88/$IQN:disk3/1"
        "iscsi-ls -i $IQN:init-c5 iscsi://127.0.0.88"
    )
    local c pid rc=0
    TC_BG_PIDS=()
    for c in "${cmds[@]}"; do
        # shellcheck disable=SC2086
        timeout 60 $c >>"$TMP/client.log" 2>&1 &
        TC_BG_PIDS+=($!)
    done
    for pid in "${TC_BG_PIDS[@]}"; do wait "$pid" || rc=1; done
    TC_BG_PIDS=()
    ((rc == 0)) || { tail -30 "$TMP/client.log" >&2; die "concurrent-initiators: a tool failed"; }
    capture_stop "$1"
}

start_port_3261() {  # tgtd 2 on 127.0.0.86:3261 with target `moved`
    tc_start_tgtd "$1" "$CTL2" 127.0.0.86:3261
    tc_new_disk "$CTL2" 1 moved 4M
}

sc_port_3261_redirect() {
    tc_start_tgtd "$1" "$CTL" 127.0.0.86:3260
    tgt --mode target --op new --tid 1 -T "$IQN:moved"
    tgt --mode target --op bind --tid 1 -I ALL
    redirect "$CTL" 1 127.0.0.86 3261
    start_port_3261 "$1"
    tc_check_loopback
    tc_capture_start "$1" "tcp and host 127.0.0.86"
    run iscsi-ls -s -i "$IQN:init-3261" iscsi://127.0.0.86
    capture_stop "$1"
}

sc_port_3261_alone() {
    start_port_3261 "$1"
    tc_check_loopback
    tc_capture_start "$1" "tcp and host 127.0.0.86 and tcp port 3261"
    run iscsi-inq -i "$IQN:init-3261-alone" "iscsi://127.0.0.86:3261/$IQN:moved/1"
    capture_stop "$1"
}

sc_late_start() {
    tc_start_tgtd "$1" "$CTL" 127.0.0.89:3260
    tc_check_loopback
    tc_new_disk "$CTL" 1 disk1 4M
    # tgt pings every second (NOP-In with a TTT); the client does not answer
    # them while it holds the session, and logs out before tgt gives up (3).
    tgt --mode target --op update --tid 1 --name nop_interval --value 1
    tgt --mode target --op update --tid 1 --name nop_count --value 3
    # The client (libiscsi through ctypes) logs in, runs its commands, holds
    # the session 2.5 s and logs out; tcpdump starts 1 s in, after the login.
    echo "\$ iscsi-client.py io ... --hold 2.5" >>"$TMP/client.log"
    timeout 60 python3 "$CLIENT" io --portal 127.0.0.89:3260 --initiator "$IQN:init-late" \
        --isid 800000001001 --target "$IQN:disk1" --writes 1 --reads 1 --hold 2.5 \
        >>"$TMP/client.log" 2>&1 &
    TC_BG_PIDS=($!)
    sleep 1
    tc_capture_start "$1" "tcp and host 127.0.0.89"
    local rc=0
    wait "${TC_BG_PIDS[0]}" || rc=$?
    TC_BG_PIDS=()
    ((rc == 0)) || { tail -20 "$TMP/client.log" >&2; die "late-start: client exited $rc"; }
    capture_stop "$1"
    # the capture must really start after the login
    if tshark -n -r "$OUT/$1.pcap" -Y 'tcp.flags.syn == 1 || iscsi.opcode == 0x03' | grep -q .; then
        die "late-start.pcap holds a SYN or a Login Request: the client was faster than 1 s"
    fi
}

sc_ipv6_ls() {
    tc_start_tgtd "$1" "$CTL" '[::1]:3260'
    tc_check_loopback
    tc_new_disk "$CTL" 1 disk1 4M
    tc_new_disk "$CTL" 2 disk2 4M
    tc_capture_start "$1" "ip6 host ::1 and tcp port 3260"
    run iscsi-ls -s -i "$IQN:init-v6" 'iscsi://[::1]'
    capture_stop "$1"
}

ALL=(ls-three-targets ls-multi-portal redirect-other-portal concurrent-initiators
     port-3261-redirect port-3261-alone late-start ipv6-ls)
for name in "${@:-${ALL[@]}}"; do
    fn="sc_${name//-/_}"
    declare -F "$fn" >/dev/null || die "unknown scenario $name (one of: ${ALL[*]})"
    tc_scenario "$name" "$fn"
done

log "client output:"
cat "$TMP/client.log" >&2

log "summary (tshark; port-3261-alone needs -d tcp.port==3261,iscsi, so shows nothing):"
files=()
for name in "${@:-${ALL[@]}}"; do files+=("$OUT/$name.pcap"); done
python3 "$SUMMARY" "${files[@]}"
log "done: $OUT"
