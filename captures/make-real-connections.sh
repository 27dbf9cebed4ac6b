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
# Environment: TGTD_CONTROL_PORT (default 31077; the second tgtd of the redirect
# scenarios uses the next port), KEEP_TMP=1 keeps the temp dir.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT="$HERE/real"
CLIENT="$HERE/iscsi-client.py"
SUMMARY="$HERE/summarize-captures.py"

CTL=${TGTD_CONTROL_PORT:-31077}
IQN=iqn.2026-11.test.iscsi-login
MAX_PCAP_BYTES=$((1024 * 1024))

TMP=""
TGTD_PIDS=()
TGTD_CTLS=()
TCPDUMP_PID=""
BG_PIDS=()

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'make-real-connections: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- checks ---
[[ $EUID -eq 0 ]] || die "must run as root (tgtd and tcpdump need it)"

missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$1 (Debian package: $2)"); }
need tgtd tgt
need tgtadm tgt
need tcpdump tcpdump
need tshark tshark
need iscsi-ls libiscsi-bin
need iscsi-inq libiscsi-bin
need iscsi-readcapacity16 libiscsi-bin
need python3 python3-minimal
need ss iproute2
need timeout coreutils
if ! ldconfig -p 2>/dev/null | grep -q 'libiscsi\.so\.7'; then
    missing+=("libiscsi.so.7 (Debian package: libiscsi7)")
fi
if ((${#missing[@]})); then
    printf 'make-real-connections: missing:\n' >&2
    printf '  %s\n' "${missing[@]}" >&2
    exit 1
fi
[[ -f $CLIENT ]] || die "missing $CLIENT"
[[ $CTL =~ ^[0-9]+$ ]] && ((CTL > 0 && CTL < 32767)) || die "TGTD_CONTROL_PORT must be 1..32766"
CTL2=$((CTL + 1))

for c in "$CTL" "$CTL2"; do
    if tgtadm -C "$c" --mode sys --op show >/dev/null 2>&1; then
        die "a tgtd already answers on control port $c; set TGTD_CONTROL_PORT to another number"
    fi
done
for p in 127.0.0.80:3260 127.0.0.81:3260 127.0.0.82:3260 127.0.0.83:3260 127.0.0.84:3260 \
         127.0.0.85:3260 127.0.0.86:3260 127.0.0.86:3261 127.0.0.88:3260 127.0.0.89:3260 '[::1]:3260'; do
    if [[ -n $(ss -Hltn "src $p") ]]; then
        ss -ltnp "src $p" >&2 || true
        die "something already listens on $p; stop it first"
    fi
done

# --------------------------------------------------------------- cleanup ---
stop_tcpdump() {
    if [[ -n $TCPDUMP_PID ]]; then
        kill -INT "$TCPDUMP_PID" 2>/dev/null || true
        wait "$TCPDUMP_PID" 2>/dev/null || true
        TCPDUMP_PID=""
    fi
}

stop_one_tgtd() {  # pid control-port
    local pid=$1 ctl=$2
    if kill -0 "$pid" 2>/dev/null; then
        tgtadm -C "$ctl" --mode sys --op update --name State --value offline >/dev/null 2>&1 || true
        local tid
        for tid in $(tgtadm -C "$ctl" --lld iscsi --mode target --op show 2>/dev/null |
                     awk '/^Target [0-9]+:/ { sub(":", "", $2); print $2 }'); do
            tgtadm -C "$ctl" --lld iscsi --mode target --op delete --force --tid "$tid" >/dev/null 2>&1 || true
        done
        tgtadm -C "$ctl" --mode sys --op delete >/dev/null 2>&1 || true
        local i
        for ((i = 0; i < 50; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
    rm -f "/var/run/tgtd/socket.$ctl" "/var/run/tgtd/socket.$ctl.lock"
}

stop_tgtds() {
    local i
    for i in "${!TGTD_PIDS[@]}"; do
        stop_one_tgtd "${TGTD_PIDS[$i]}" "${TGTD_CTLS[$i]}"
    done
    TGTD_PIDS=()
    TGTD_CTLS=()
}

cleanup() {
    local rc=$?
    set +e
    local pid
    for pid in "${BG_PIDS[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
    stop_tcpdump
    stop_tgtds
    if [[ -n $TMP && -d $TMP ]]; then
        if [[ ${KEEP_TMP:-0} == 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

TMP=$(mktemp -d /tmp/iscsi-login-connections.XXXXXX)
mkdir -p "$OUT"

# ------------------------------------------------------------------ tgtd ---
tgt() { tgtadm -C "$CTL" --lld iscsi "$@"; }
tgt2() { tgtadm -C "$CTL2" --lld iscsi "$@"; }

listening() {  # addr:port  ([::1]:3260 for IPv6)
    [[ -n $(ss -Hltn "src $1") ]]
}

start_tgtd() {  # tag control-port portal
    local tag=$1 ctl=$2 portal=$3
    tgtd -f -C "$ctl" --iscsi "portal=$portal" >"$TMP/tgtd-$tag-$ctl.log" 2>&1 &
    local pid=$!
    TGTD_PIDS+=("$pid")
    TGTD_CTLS+=("$ctl")
    local i
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || { cat "$TMP/tgtd-$tag-$ctl.log" >&2; die "tgtd exited"; }
        if tgtadm -C "$ctl" --mode sys --op show >/dev/null 2>&1 && listening "$portal"; then
            break
        fi
        sleep 0.1
    done
    ((i < 100)) || die "tgtd ($portal) did not come up"
}

add_portal() {  # control-port addr:port
    tgtadm -C "$1" --lld iscsi --mode portal --op new --param "portal=$2"
    local i
    for ((i = 0; i < 50; i++)); do listening "$2" && return 0; sleep 0.1; done
    die "portal $2 did not come up"
}

# every listener of the tgtds must be a loopback address
check_loopback() {
    local pid bad
    for pid in "${TGTD_PIDS[@]}"; do
        bad=$(ss -Hltnp | grep "pid=$pid," | awk '{print $4}' | grep -v -E '^(127\.|\[::1\]:)' || true)
        [[ -z $bad ]] || die "tgtd listens on non-loopback address(es): $bad"
    done
}

new_disk() {  # control-port tid name size
    local ctl=$1 tid=$2 name=$3 size=$4
    truncate -s "$size" "$TMP/$name-$ctl.img"
    tgtadm -C "$ctl" --lld iscsi --mode target --op new --tid "$tid" -T "$IQN:$name"
    tgtadm -C "$ctl" --lld iscsi --mode logicalunit --op new --tid "$tid" --lun 1 -b "$TMP/$name-$ctl.img"
    tgtadm -C "$ctl" --lld iscsi --mode target --op bind --tid "$tid" -I ALL
}

redirect() {  # control-port tid addr port: logins to the target get 0x0101 (moved temporarily)
    local ctl=$1 tid=$2
    tgtadm -C "$ctl" --lld iscsi --mode target --op update --tid "$tid" --name RedirectAddress --value "$3"
    tgtadm -C "$ctl" --lld iscsi --mode target --op update --tid "$tid" --name RedirectPort --value "$4"
    tgtadm -C "$ctl" --lld iscsi --mode target --op update --tid "$tid" --name RedirectReason --value Temporary
}

# --------------------------------------------------------------- capture ---
capture_start() {  # name pcap-filter
    local name=$1 filter=$2
    rm -f "$TMP/$name.pcap" "$TMP/$name.tcpdump.err"
    tcpdump --immediate-mode -B 16384 -Z root -i lo -s 0 -U -w "$TMP/$name.pcap" "$filter" \
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
scenario() {  # name function
    local name=$1 fn=$2
    log "scenario $name"
    echo "### $name" >>"$TMP/client.log"
    "$fn" "$name"
    stop_tgtds
}

sc_ls_three_targets() {
    start_tgtd "$1" "$CTL" 127.0.0.80:3260
    check_loopback
    new_disk "$CTL" 1 disk1 4M
    new_disk "$CTL" 2 disk2 4M
    new_disk "$CTL" 3 disk3 4M
    capture_start "$1" "tcp and host 127.0.0.80"
    run iscsi-ls -s -i "$IQN:init-ls" iscsi://127.0.0.80
    capture_stop "$1"
}

sc_ls_multi_portal() {
    start_tgtd "$1" "$CTL" 127.0.0.81:3260
    add_portal "$CTL" 127.0.0.82:3260
    add_portal "$CTL" 127.0.0.83:3260
    check_loopback
    new_disk "$CTL" 1 disk1 4M
    new_disk "$CTL" 2 disk2 4M
    new_disk "$CTL" 3 disk3 4M
    new_disk "$CTL" 4 disk4 4M
    capture_start "$1" "tcp and (host 127.0.0.81 or host 127.0.0.82 or host 127.0.0.83)"
    run iscsi-ls -s -i "$IQN:init-ls-a" iscsi://127.0.0.82
    run iscsi-ls -s -i "$IQN:init-ls-b" iscsi://127.0.0.83:3260
    capture_stop "$1"
}

sc_redirect_other_portal() {
    # portal A: tgtd 1, whose target `moved` redirects every login to portal B
    start_tgtd "$1" "$CTL" 127.0.0.84:3260
    tgt --mode target --op new --tid 1 -T "$IQN:moved"
    tgt --mode target --op bind --tid 1 -I ALL
    redirect "$CTL" 1 127.0.0.85 3260
    # portal B: tgtd 2, where `moved` has its disk
    start_tgtd "$1" "$CTL2" 127.0.0.85:3260
    check_loopback
    new_disk "$CTL2" 1 moved 4M
    capture_start "$1" "tcp and (host 127.0.0.84 or host 127.0.0.85)"
    run iscsi-ls -s -i "$IQN:init-redirect" iscsi://127.0.0.84
    run iscsi-readcapacity16 -i "$IQN:init-readcap" "iscsi://127.0.0.85/$IQN:moved/1"
    capture_stop "$1"
}

sc_concurrent_initiators() {
    start_tgtd "$1" "$CTL" 127.0.0.88:3260
    check_loopback
    new_disk "$CTL" 1 disk1 4M
    new_disk "$CTL" 2 disk2 4M
    new_disk "$CTL" 3 disk3 4M
    capture_start "$1" "tcp and host 127.0.0.88"
    local cmds=(
        "iscsi-ls -s -i $IQN:init-c1 iscsi://127.0.0.88"
        "iscsi-inq -i $IQN:init-c2 iscsi://127.0.0.88/$IQN:disk1/1"
        "iscsi-inq -i $IQN:init-c3 iscsi://127.0.0.88/$IQN:disk2/1"
        "iscsi-readcapacity16 -i $IQN:init-c4 iscsi://127.0.0.88/$IQN:disk3/1"
        "iscsi-ls -i $IQN:init-c5 iscsi://127.0.0.88"
    )
    local c pid rc=0
    BG_PIDS=()
    for c in "${cmds[@]}"; do
        # shellcheck disable=SC2086
        timeout 60 $c >>"$TMP/client.log" 2>&1 &
        BG_PIDS+=($!)
    done
    for pid in "${BG_PIDS[@]}"; do wait "$pid" || rc=1; done
    BG_PIDS=()
    ((rc == 0)) || { tail -30 "$TMP/client.log" >&2; die "concurrent-initiators: a tool failed"; }
    capture_stop "$1"
}

start_port_3261() {  # tgtd 2 on 127.0.0.86:3261 with target `moved`
    start_tgtd "$1" "$CTL2" 127.0.0.86:3261
    new_disk "$CTL2" 1 moved 4M
}

sc_port_3261_redirect() {
    start_tgtd "$1" "$CTL" 127.0.0.86:3260
    tgt --mode target --op new --tid 1 -T "$IQN:moved"
    tgt --mode target --op bind --tid 1 -I ALL
    redirect "$CTL" 1 127.0.0.86 3261
    start_port_3261 "$1"
    check_loopback
    capture_start "$1" "tcp and host 127.0.0.86"
    run iscsi-ls -s -i "$IQN:init-3261" iscsi://127.0.0.86
    capture_stop "$1"
}

sc_port_3261_alone() {
    start_port_3261 "$1"
    check_loopback
    capture_start "$1" "tcp and host 127.0.0.86 and tcp port 3261"
    run iscsi-inq -i "$IQN:init-3261-alone" "iscsi://127.0.0.86:3261/$IQN:moved/1"
    capture_stop "$1"
}

sc_late_start() {
    start_tgtd "$1" "$CTL" 127.0.0.89:3260
    check_loopback
    new_disk "$CTL" 1 disk1 4M
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
    BG_PIDS=($!)
    sleep 1
    capture_start "$1" "tcp and host 127.0.0.89"
    local rc=0
    wait "${BG_PIDS[0]}" || rc=$?
    BG_PIDS=()
    ((rc == 0)) || { tail -20 "$TMP/client.log" >&2; die "late-start: client exited $rc"; }
    capture_stop "$1"
    # the capture must really start after the login
    if tshark -n -r "$OUT/$1.pcap" -Y 'tcp.flags.syn == 1 || iscsi.opcode == 0x03' | grep -q .; then
        die "late-start.pcap holds a SYN or a Login Request: the client was faster than 1 s"
    fi
}

sc_ipv6_ls() {
    start_tgtd "$1" "$CTL" '[::1]:3260'
    check_loopback
    new_disk "$CTL" 1 disk1 4M
    new_disk "$CTL" 2 disk2 4M
    capture_start "$1" "ip6 host ::1 and tcp port 3260"
    run iscsi-ls -s -i "$IQN:init-v6" 'iscsi://[::1]'
    capture_stop "$1"
}

ALL=(ls-three-targets ls-multi-portal redirect-other-portal concurrent-initiators
     port-3261-redirect port-3261-alone late-start ipv6-ls)
for name in "${@:-${ALL[@]}}"; do
    fn="sc_${name//-/_}"
    declare -F "$fn" >/dev/null || die "unknown scenario $name (one of: ${ALL[*]})"
    scenario "$name" "$fn"
done

log "client output:"
cat "$TMP/client.log" >&2

log "summary (tshark; port-3261-alone needs -d tcp.port==3261,iscsi, so shows nothing):"
files=()
for name in "${@:-${ALL[@]}}"; do files+=("$OUT/$name.pcap"); done
python3 "$SUMMARY" "${files[@]}"
log "done: $OUT"
