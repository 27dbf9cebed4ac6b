# shellcheck shell=bash
# Shared machinery of the scripts that record real iSCSI traffic between a
# private tgtd and libiscsi on loopback (sourced, never run):
#
#   captures/make-real-captures.sh     127.0.0.1:3260
#   captures/make-real-connections.sh  127.0.0.80-89, port 3261, [::1]
#   bench/make-data-capture.sh         127.0.0.1:3260 inside a network namespace
#
# It starts and stops tgtd (each with its own control port, so it never talks
# to a system tgtd), checks that every tgtd listens on loopback only
# (127.0.0.0/8 and [::1], nothing else), runs tcpdump on lo and checks that it
# dropped nothing, and cleans everything up on exit.  The scenarios, portals,
# capture filters and tcpdump options stay in the scripts.
#
# The caller starts with tc_script (name in messages, tgtd control port,
# output folder, and the client every scenario runs).
# Set by the caller before using the functions below:
#   TC_TCPDUMP_OPTS    array: tcpdump options before "-w FILE FILTER"
#   TC_NETNS           (optional) run tgtd, tcpdump and ss in this namespace;
#                      set by tc_netns_add
# Set here: TMP (temp dir, from tc_setup), TC_IQN (name prefix).
# The caller may add pids of its background clients to TC_BG_PIDS: cleanup
# kills them first.

TC_IQN=iqn.2026-11.test.iscsi-login
TC_PROG=${TC_PROG:-tgt-capture}
TC_CAPTURES=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TC_NETNS=${TC_NETNS:-}
TC_NETNS_MADE=0
TMP=""
TGTD_PIDS=()
TGTD_CTLS=()
TCPDUMP_PID=""
TC_BG_PIDS=()
TC_MISSING=()

log() { printf '==> %s\n' "$*" >&2; }
die() { printf '%s: %s\n' "$TC_PROG" "$*" >&2; exit 1; }

# Run a command in TC_NETNS if there is one.  Not for background jobs: there
# "$!" would be the subshell running this function, and SIGINT/kill would
# not reach tcpdump or tgtd (see tc_nsx_argv).
tc_nsx() {
    if [[ -n $TC_NETNS ]]; then ip netns exec "$TC_NETNS" "$@"; else "$@"; fi
}

# Prefix for background jobs: "${TC_NSX_ARGV[@]}" cmd... &.  "ip netns exec"
# execs the command, so "$!" is the real tgtd/tcpdump process.
tc_nsx_argv() {
    TC_NSX_ARGV=()
    if [[ -n $TC_NETNS ]]; then TC_NSX_ARGV=(ip netns exec "$TC_NETNS"); fi
}

# What every script sets first: TC_PROG (name in messages, die), CTL (its
# tgtd control port: TGTD_CONTROL_PORT, else its own default, so that two
# scripts can run at once), OUT (where its captures go), IQN (name prefix),
# CLIENT (captures/iscsi-client.py, the libiscsi initiator) and SUMMARY
# (captures/summarize-captures.py).
# shellcheck disable=SC2034  # the variables are the caller's
tc_script() {  # prog default-control-port out-dir
    TC_PROG=$1
    CTL=${TGTD_CONTROL_PORT:-$2}
    OUT=$3
    IQN=$TC_IQN
    CLIENT=$TC_CAPTURES/iscsi-client.py
    SUMMARY=$TC_CAPTURES/summarize-captures.py
    [[ -f $CLIENT ]] || die "missing $CLIENT"
}

# ---------------------------------------------------------------- checks ---
tc_need_root() {  # what-needs-it
    [[ $EUID -eq 0 ]] || die "must run as root ($1 need it)"
}

tc_need() {  # command debian-package
    command -v "$1" >/dev/null 2>&1 || TC_MISSING+=("$1 (Debian package: $2)")
}

# Tools every one of these scripts uses; then tc_need_report.
tc_need_common() {
    tc_need tgtd tgt
    tc_need tgtadm tgt
    tc_need tcpdump tcpdump
    tc_need python3 python3-minimal
    tc_need ss iproute2
    tc_need timeout coreutils
    # the initiators are libiscsi (ctypes or libiscsi-bin)
    if ! ldconfig -p 2>/dev/null | grep -q 'libiscsi\.so\.7'; then
        TC_MISSING+=("libiscsi.so.7 (Debian package: libiscsi7)")
    fi
}

# Nothing is installed: list what is missing, with its package, and stop.
tc_need_report() {
    if ((${#TC_MISSING[@]})); then
        printf '%s: missing:\n' "$TC_PROG" >&2
        printf '  %s\n' "${TC_MISSING[@]}" >&2
        exit 1
    fi
}

# A control port must be a number below max.
tc_check_control_port() {  # port max  (max: first port that is too big)
    local ctl=$1 max=$2
    if ! [[ $ctl =~ ^[0-9]+$ ]] || ((ctl <= 0 || ctl >= max)); then
        die "TGTD_CONTROL_PORT must be 1..$((max - 1))"
    fi
}

# No tgtd may answer on our control port: tgtadm would otherwise configure
# (and at the end delete) somebody else's tgtd.
tc_control_port_free() {  # port
    if tgtadm -C "$1" --mode sys --op show >/dev/null 2>&1; then
        die "a tgtd already answers on control port $1; set TGTD_CONTROL_PORT to another number"
    fi
}

tc_listening() {  # addr:port ([::1]:3260 for IPv6)
    [[ -n $(tc_nsx ss -Hltn "src $1") ]]
}

# Nothing may listen on TCP port `port`, on any address: for captures whose
# filter is the port alone ("tcp port 3260").
tc_port_free() {  # port why
    if [[ -n $(ss -Hltn "sport = :$1") ]]; then
        ss -ltnp "sport = :$1" >&2 || true
        die "something already listens on TCP port $1; stop it first ($2)"
    fi
}

# Nothing may listen on these portals (addr:port, [::1]:port).
tc_portals_free() {  # portal...
    local p
    for p in "$@"; do
        if [[ -n $(ss -Hltn "src $p") ]]; then
            ss -ltnp "src $p" >&2 || true
            die "something already listens on $p; stop it first"
        fi
    done
}

# ------------------------------------------------------------------ tgtd ---
# Start tgtd in the foreground (as a background job) with one portal and wait
# until its control port answers and the portal listens.
tc_start_tgtd() {  # tag control-port portal
    local tag=$1 ctl=$2 portal=$3
    local tlog="$TMP/tgtd-$tag-$ctl.log"
    tc_nsx_argv
    "${TC_NSX_ARGV[@]}" tgtd -f -C "$ctl" --iscsi "portal=$portal" >"$tlog" 2>&1 &
    local pid=$!
    TGTD_PIDS+=("$pid")
    TGTD_CTLS+=("$ctl")
    local i
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || { cat "$tlog" >&2; die "tgtd exited"; }
        if tgtadm -C "$ctl" --mode sys --op show >/dev/null 2>&1 && tc_listening "$portal"; then
            break
        fi
        sleep 0.1
    done
    ((i < 100)) || die "tgtd ($portal) did not come up"
}

# Add a portal to a running tgtd and wait until it listens.
tc_add_portal() {  # control-port addr:port
    tgtadm -C "$1" --lld iscsi --mode portal --op new --param "portal=$2"
    local i
    for ((i = 0; i < 50; i++)); do tc_listening "$2" && return 0; sleep 0.1; done
    die "portal $2 did not come up"
}

# Every listening socket of every tgtd we started must be on loopback:
# 127.0.0.0/8 or [::1], never any other address (not even 0.0.0.0 or [::]).
# A tgtd with no listener in sight is an error too, so that the check can
# not pass on an empty list.
tc_check_loopback() {
    local pid addrs bad
    for pid in "${TGTD_PIDS[@]}"; do
        addrs=$(tc_nsx ss -Hltnp | grep "pid=$pid," | awk '{print $4}' || true)
        [[ -n $addrs ]] || die "cannot see the listening sockets of tgtd (pid $pid)"
        bad=$(grep -v -E '^(127\.|\[::1\]:)' <<<"$addrs" || true)
        [[ -z $bad ]] || die "tgtd listens on non-loopback address(es): $bad"
    done
}

# A LUN-backed target: sparse image in TMP, LUN 1, open to every initiator.
tc_new_disk() {  # control-port tid name size
    local ctl=$1 tid=$2 name=$3 size=$4
    truncate -s "$size" "$TMP/$name-$ctl.img"
    tgtadm -C "$ctl" --lld iscsi --mode target --op new --tid "$tid" -T "$TC_IQN:$name"
    tgtadm -C "$ctl" --lld iscsi --mode logicalunit --op new --tid "$tid" --lun 1 -b "$TMP/$name-$ctl.img"
    tgtadm -C "$ctl" --lld iscsi --mode target --op bind --tid "$tid" -I ALL
}

# Graceful stop: offline, drop every target, then delete the system; SIGKILL
# only if tgtd is still there after 5 s.  Removes its control socket.
tc_stop_one_tgtd() {  # pid control-port
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

tc_stop_tgtds() {
    local i
    for i in "${!TGTD_PIDS[@]}"; do
        tc_stop_one_tgtd "${TGTD_PIDS[$i]}" "${TGTD_CTLS[$i]}"
    done
    TGTD_PIDS=()
    TGTD_CTLS=()
}

# --------------------------------------------------------------- capture ---
# tcpdump on lo into TMP/name.pcap; returns once it is listening.
tc_capture_start() {  # name pcap-filter
    local name=$1 filter=$2
    rm -f "$TMP/$name.pcap" "$TMP/$name.tcpdump.err"
    tc_nsx_argv
    "${TC_NSX_ARGV[@]}" tcpdump "${TC_TCPDUMP_OPTS[@]}" -w "$TMP/$name.pcap" "$filter" \
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

tc_stop_tcpdump() {
    if [[ -n $TCPDUMP_PID ]]; then
        kill -INT "$TCPDUMP_PID" 2>/dev/null || true
        wait "$TCPDUMP_PID" 2>/dev/null || true
        TCPDUMP_PID=""
    fi
}

# Stop tcpdump; a capture with dropped packets is not kept.
tc_capture_stop() {  # name [hint for the drop message]
    local name=$1 hint=${2:-}
    sleep 1   # let the last FIN/ACKs arrive
    tc_stop_tcpdump
    if ! grep -q '^0 packets dropped by kernel' "$TMP/$name.tcpdump.err"; then
        cat "$TMP/$name.tcpdump.err" >&2
        die "$name: tcpdump dropped packets${hint:+; $hint}"
    fi
}

# Move TMP/name.pcap into outdir (only complete captures get there).
tc_capture_keep() {  # name outdir [max-bytes]
    local name=$1 outdir=$2 max=${3:-}
    local size
    size=$(stat -c %s "$TMP/$name.pcap")
    [[ -z $max ]] || ((size < max)) || die "$name.pcap is $size bytes (limit $max)"
    mv -f "$TMP/$name.pcap" "$outdir/$name.pcap"
    chmod 644 "$outdir/$name.pcap"
    log "$name.pcap: $size bytes"
}

# ------------------------------------------------------------- namespace ---
# A private network namespace; tgtd, tcpdump and ss run in it from then on.
# Deleted on exit, after tgtd.
tc_netns_add() {  # name
    ip netns add "$1"
    TC_NETNS=$1
    TC_NETNS_MADE=1
}

# --------------------------------------------------------------- cleanup ---
tc_cleanup() {
    local rc=$?
    set +e
    local pid
    for pid in "${TC_BG_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${TC_BG_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
    tc_stop_tcpdump
    tc_stop_tgtds
    ((TC_NETNS_MADE)) && ip netns del "$TC_NETNS" 2>/dev/null
    if [[ -n $TMP && -d $TMP ]]; then
        if [[ ${KEEP_TMP:-0} == 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
    fi
    exit "$rc"
}

# Install the cleanup traps and make the temp dir (KEEP_TMP=1 keeps it).
tc_setup() {  # temp-dir-prefix (/tmp/name)
    trap tc_cleanup EXIT
    trap 'exit 130' INT TERM
    TMP=$(mktemp -d "$1.XXXXXX")
}

# One scenario: a header in TMP/client.log, the scenario function, and every
# tgtd stopped afterwards (each scenario starts from fresh tgtds).
tc_scenario() {  # name function
    local name=$1 fn=$2
    log "scenario $name"
    echo "### $name" >>"$TMP/client.log"
    "$fn" "$name"
    tc_stop_tgtds
}
