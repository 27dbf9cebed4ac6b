# SPDX-License-Identifier: GPL-2.0-or-later
"""No false alarms on real stacks (tgt + libiscsi): every warning or error the
plugin raises on a real capture is a rule the stack really breaks, named here."""
import pytest

WARN_OR_ERROR = {
    # Failures are failures: the status in words.
    "login.failed",
    # tgt zeroes the ISID (and StatSN) of failed Login Responses; RFC 7143
    # §11.13 says a response echoes the request's ISID.  An Error like
    # login.failed, which it never outranks (test_failure_reason_ranks_highest).
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
    # captures/make-real-story.sh: five wrong CHAP secrets (each a failed
    # login, with tgt's zeroed ISID), then the right one; eight relogins.
    "real/chap-retries.pcap": [(f, n) for f in (11, 25, 39, 53, 67) for n in ("login.echo_mismatch", "login.failed")],
    "real/relogin-flapping.pcap": [],
}


def severities(tshark, cap):
    """[(frame, check, severity)] of every expert of the plugin, severity as
    Wireshark reports it (PI_NOTE 0x00400000, PI_WARN 0x00600000, PI_ERROR
    0x00800000)."""
    out = tshark.fields(cap, ["frame.number", "_ws.expert.severity", "_ws.expert.message"], "iscsi_login", True)
    sev = {}
    for r in out:
        for s, m in zip(r["_ws.expert.severity"].split("|"), r["_ws.expert.message"].split("|")):
            if s:
                sev[(int(r["frame.number"]), m)] = int(s)
    return [(f, name, sev.get((f, msg), 0)) for f, name, msg in tshark.experts(cap, two_pass=True)]


def warnings_and_errors(tshark, cap):
    return sorted((f, name) for f, name, s in severities(tshark, cap) if s >= 0x00600000)


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


@pytest.mark.parametrize("cap", sorted(c for c, alarms in EXPECTED.items() if any(n == "login.failed" for _, n in alarms)))
def test_failure_reason_ranks_highest(tshark, cap):
    """In a failed login the reason it failed ranks at least as high as
    anything else found: grouped by severity in Expert Information, the
    status (authentication failure, target not found) is not buried under
    tgt's zeroed ISID."""
    found = severities(tshark, cap)
    failed = [s for _, n, s in found if n == "login.failed"]
    assert failed, found
    assert max(s for _, _, s in found) <= min(failed), found
