# SPDX-License-Identifier: GPL-2.0-or-later
"""No false alarms on real stacks (tgt + libiscsi): every warning or error the
plugin raises on a real capture is a rule the stack really breaks, named here."""
import pytest

WARN_OR_ERROR = {
    # Failures are failures: the status in words.
    "login.failed",
    # tgt zeroes the ISID (and StatSN) of failed Login Responses; RFC 7143
    # §11.13.3 says a response echoes the request's ISID.
    "login.echo_mismatch",
    # tgt answers HeaderDigest=None to an offer of CRC32C only (a value never offered);
    # libiscsi accepts it.
    "neg.list_answer_not_offered",
    # tgt cuts long SendTargets replies at MaxRecvDataSegmentLength without the C bit.
    "fmt.unterminated_pair",
}

EXPECTED = {
    "real/chap-bad-password.pcap": [(11, "login.echo_mismatch"), (11, "login.failed")],
    "real/chap-required-no-credentials.pcap": [(6, "login.echo_mismatch"), (6, "login.failed")],
    "real/unknown-target.pcap": [(6, "login.echo_mismatch"), (6, "login.failed")],
    "real/header-digest-offer-refused.pcap": [(6, "neg.list_answer_not_offered")],
    "real/sendtargets-large.pcap": [(11, "fmt.unterminated_pair"), (13, "fmt.unterminated_pair")],
    "real/chap-ok.pcap": [],
    "real/chap-mutual.pcap": [],
    "real/discovery.pcap": [],
    "real/header-digest-crc32c.pcap": [],
    "real/login-io-logout.pcap": [],
    "real/multi-session.pcap": [],
    "real/sendtargets-large-single-pdu.pcap": [],
    # captures/make-real-connections.sh: frame None = any frame (frame numbers
    # of these multi-connection captures change on a rerun).  tgt zeroes the
    # ISID of its redirect (0x0101) Login Response too.
    "real/ls-three-targets.pcap": [],
    "real/ls-multi-portal.pcap": [],
    "real/redirect-other-portal.pcap": [(None, "login.echo_mismatch")],
    "real/concurrent-initiators.pcap": [],
    "real/port-3261-redirect.pcap": [(None, "login.echo_mismatch")],
    "real/port-3261-alone.pcap": [],   # no iSCSI without Decode As: see test_real_connections
    "real/late-start.pcap": [],
    "real/ipv6-ls.pcap": [],
}


def warnings_and_errors(tshark, cap):
    out = tshark.fields(cap, ["frame.number", "_ws.expert.severity", "_ws.expert.message"], "iscsi_login", True)
    found = []
    for exp in tshark.experts(cap, two_pass=True):
        found.append(exp)
    sev = {}
    for r in out:
        for s, m in zip(r["_ws.expert.severity"].split("|"), r["_ws.expert.message"].split("|")):
            if s:
                sev[(int(r["frame.number"]), m)] = int(s)
    # PI_WARN = 0x00600000, PI_ERROR = 0x00800000
    return sorted((f, name) for f, name, msg in found if sev.get((f, msg), 0) >= 0x00600000)


@pytest.mark.parametrize("cap", sorted(EXPECTED))
def test_real_capture_alarms_are_real(tshark, cap):
    got = warnings_and_errors(tshark, cap)
    if any(f is None for f, _ in EXPECTED[cap]):
        got = [(None, n) for _, n in got]
    assert got == sorted(EXPECTED[cap])
    assert {n for _, n in got} <= WARN_OR_ERROR


def test_every_real_capture_is_listed(tshark):
    caps = sorted("real/" + p.name for p in (tshark.captures / "real").glob("*.pcap"))
    assert caps == sorted(EXPECTED)
