# SPDX-License-Identifier: GPL-2.0-or-later
"""Real captures with many connections (captures/make-real-connections.sh):
libiscsi's own tools (iscsi-ls -s, iscsi-inq, iscsi-readcapacity16) against
tgt, with several targets, portals, ports, address families, concurrent
initiators, login redirection, and a capture that starts mid-connection.

Exact facts per capture, from the plugin's fields, checked against what
Wireshark's own iSCSI dissector shows; no frame numbers (libiscsi's random
ISIDs, ITTs and the TCP ports change on a rerun, and with them the
interleaving of the concurrent captures)."""
from collections import Counter

import pytest

R = "iqn.2026-11.test.iscsi-login:"
OK, FAILED, REDIRECTED = "Success", "Failed", "Redirected"


def disc(init):
    return (R + init, "", "Discovery", OK)


def normal(init, target, outcome=OK):
    return (R + init, R + target, "Normal", outcome)


# Each session: (initiator, target, session type, outcome of its login), as a multiset.
SESSIONS = {
    "real/ls-three-targets.pcap": [disc("init-ls")] + [normal("init-ls", f"disk{i}") for i in (1, 2, 3)],
    "real/ls-multi-portal.pcap": [s for who in ("init-ls-a", "init-ls-b")
                                  for s in [disc(who)] + [normal(who, f"disk{i}") for i in (1, 2, 3, 4)]],
    "real/redirect-other-portal.pcap": [disc("init-redirect"), normal("init-redirect", "moved", REDIRECTED),
                                        normal("init-redirect", "moved"), normal("init-readcap", "moved")],
    "real/concurrent-initiators.pcap": [disc("init-c1")] + [normal("init-c1", f"disk{i}") for i in (1, 2, 3)] +
                                       [normal("init-c2", "disk1"), normal("init-c3", "disk2"),
                                        normal("init-c4", "disk3"), disc("init-c5")],
    "real/port-3261-redirect.pcap": [disc("init-3261"), normal("init-3261", "moved", REDIRECTED),
                                     normal("init-3261", "moved")],
    "real/port-3261-alone.pcap": [normal("init-3261-alone", "moved")],
    "real/ipv6-ls.pcap": [disc("init-v6")] + [normal("init-v6", f"disk{i}") for i in (1, 2)],
}
# Targets each SendTargets reply lists (iscsi_login.discovery.count), per discovery session.
DISCOVERED = {
    "real/ls-three-targets.pcap": [3],
    "real/ls-multi-portal.pcap": [4, 4],
    "real/redirect-other-portal.pcap": [1],
    "real/concurrent-initiators.pcap": [3, 3],
    "real/port-3261-redirect.pcap": [1],
    "real/port-3261-alone.pcap": [],
    "real/ipv6-ls.pcap": [2],
}
EXTRA = {"real/port-3261-alone.pcap": ["-d", "tcp.port==3261,iscsi"]}
LOGIN_FIELDS = ["frame.number", "tcp.stream", "tcp.srcport", "tcp.dstport", "iscsi.opcode", "iscsi.login.status",
                "iscsi_login.session", "iscsi_login.initiator_name", "iscsi_login.target_name",
                "iscsi_login.session_type", "iscsi_login.login.outcome", "iscsi_login.login.redirect"]


def login_rows(tshark, cap, two_pass=True):
    return tshark.fields(cap, LOGIN_FIELDS, "iscsi.opcode == 0x03 || iscsi.opcode == 0x23", two_pass=two_pass,
                         extra=EXTRA.get(cap, ()))


@pytest.mark.parametrize("two_pass", [False, True], ids=["one-pass", "two-pass"])
@pytest.mark.parametrize("cap", sorted(SESSIONS))
def test_every_login_pdu_in_a_session(tshark, cap, two_pass):
    """Every Login PDU Wireshark decodes carries iscsi_login.session, and the
    sessions are exactly the TCP connections that carry a login."""
    rows = login_rows(tshark, cap, two_pass)
    assert rows, "Wireshark decodes no Login PDU"
    bare = [(r["frame.number"], r["tcp.stream"], r["iscsi.opcode"]) for r in rows if not r["iscsi_login.session"]]
    assert not bare, f"Login PDUs without iscsi_login.session (frame, tcp.stream, opcode): {bare}"
    # One login per connection in these captures: a session per TCP stream.
    by_stream = {}
    for r in rows:
        by_stream.setdefault(r["tcp.stream"], set()).add(r["iscsi_login.session"])
    assert all(len(s) == 1 for s in by_stream.values()), by_stream
    sessions = {r["iscsi_login.session"] for r in rows}
    assert len(sessions) == len(by_stream) == len(SESSIONS[cap])


@pytest.mark.parametrize("cap", sorted(SESSIONS))
def test_sessions(tshark, cap):
    """Each session's initiator, target, type and outcome; the outcome agrees
    with the status Wireshark shows in the final Login Response."""
    rows = [r for r in login_rows(tshark, cap) if r["iscsi.opcode"] == "0x23"]
    final = {}
    for r in rows:        # the last Login Response of each session is its outcome
        final[r["iscsi_login.session"]] = r
    got = Counter((r["iscsi_login.initiator_name"], r["iscsi_login.target_name"], r["iscsi_login.session_type"],
                   r["iscsi_login.login.outcome"]) for r in final.values())
    assert got == Counter(SESSIONS[cap])
    for r in final.values():
        assert r["iscsi_login.login.outcome"] == (OK if r["iscsi.login.status"] == "0x0000" else REDIRECTED if r["iscsi.login.status"] in ("0x0101", "0x0102") else FAILED), r


@pytest.mark.parametrize("cap", sorted(DISCOVERED))
def test_discovered_targets(tshark, cap):
    rows = tshark.fields(cap, ["iscsi_login.discovery.count"], "iscsi.opcode == 0x24", two_pass=True,
                         extra=EXTRA.get(cap, ()))
    assert sorted(int(r["iscsi_login.discovery.count"]) for r in rows) == sorted(DISCOVERED[cap])


@pytest.mark.parametrize("cap, portal", [("real/redirect-other-portal.pcap", "127.0.0.85:3260"),
                                         ("real/port-3261-redirect.pcap", "127.0.0.86:3261")])
def test_redirect_followed(tshark, cap, portal):
    """tgt answers the login at portal A with 0x0101 and TargetAddress=B; libiscsi
    logs in again at B, a connection Wireshark finds through the wildcard
    conversation of that TargetAddress.  The plugin names the portal and
    analyses the login there."""
    rows = login_rows(tshark, cap)
    moved = [r for r in rows if r["iscsi.login.status"] == "0x0101"]
    assert len(moved) == 1 and moved[0]["iscsi_login.login.redirect"] == portal
    port = portal.rsplit(":", 1)[1]
    at_b = [r for r in rows if r["iscsi.opcode"] == "0x23" and r["tcp.srcport"] == port
            and r["iscsi_login.target_name"] == R + "moved" and r["iscsi.login.status"] == "0x0000"]
    assert at_b and all(r["iscsi_login.login.outcome"] == OK for r in at_b)
    addr = tshark.fields(cap, ["ip.src"], f"iscsi.opcode == 0x23 && frame.number == {at_b[0]['frame.number']}")
    assert addr[0]["ip.src"] == portal.rsplit(":", 1)[0]


def test_port_3261_needs_decode_as(tshark):
    """A login on port 3261 with no TargetAddress naming it: Wireshark's iSCSI
    heuristic only takes its target ports (3260), so nothing is iSCSI without
    Decode As; with it, the whole login is analysed."""
    cap = "real/port-3261-alone.pcap"
    assert tshark.fields(cap, ["frame.number"], "iscsi || iscsi_login", two_pass=True) == []
    rows = tshark.fields(cap, ["iscsi.opcode", "iscsi_login.session"], "iscsi", two_pass=True, extra=EXTRA[cap])
    assert {r["iscsi.opcode"] for r in rows} >= {"0x03", "0x23", "0x06", "0x26"}
    assert {r["iscsi_login.session"] for r in rows if r["iscsi.opcode"] in ("0x03", "0x23", "0x06", "0x26")} == {"1"}


def test_late_start(tshark):
    """The capture starts in full feature phase: no SYN, no login.  tgt's NOP-In
    pings and the Logout exchange are still analysed."""
    cap = "real/late-start.pcap"
    assert tshark.fields(cap, ["frame.number"], "tcp.flags.syn == 1 || iscsi.opcode == 0x03 || iscsi.opcode == 0x23") == []
    for two_pass in (False, True):
        rows = tshark.fields(cap, ["iscsi.opcode", "iscsi_login.logout.response_code"],
                             "iscsi.opcode in {0x20, 0x00, 0x06, 0x26} && iscsi_login", two_pass=two_pass)
        ops = Counter(r["iscsi.opcode"] for r in rows)
        assert ops["0x20"] >= 1 and ops["0x06"] == 1 and ops["0x26"] == 1, ops
        assert [r["iscsi_login.logout.response_code"] for r in rows if r["iscsi.opcode"] == "0x26"] == ["0"]


def test_ipv6_portal(tshark):
    """TargetAddress=[::1]:3260,1: the IPv6 portal's connections are analysed."""
    rows = tshark.fields("real/ipv6-ls.pcap", ["ipv6.src", "iscsi_login.discovery.address", "iscsi_login.discovery.tpgt"],
                         "iscsi.opcode == 0x24", two_pass=True)
    assert rows and rows[0]["ipv6.src"] == "::1"
    assert set(rows[0]["iscsi_login.discovery.address"].split("|")) == {"[::1]:3260"}
    assert set(rows[0]["iscsi_login.discovery.tpgt"].split("|")) == {"1"}
