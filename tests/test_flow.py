# SPDX-License-Identifier: GPL-2.0-or-later
"""The login ladder: the iscsi_login sequence analysis (Statistics > Flow
Graph > iSCSI Login Flows), printed by tshark -q -z flow,iscsi_login,network
or ,standard.  One arrow per Login, Text and Logout PDU; the label is cut to
the arrow's width by tshark's printer, the comment column holds it whole.

tshark 4.0 itself logs GLib-CRITICAL g_string_erase lines on stderr when all
PDUs run between two ports of one address (the loopback captures of
captures/real): its text printer draws such a one-node graph past the end of
its line.  Only stdout is compared."""
import pytest

# Exact printouts (timestamps are relative to the first frame of the file).
DISCOVERY_NETWORK = '|Time     | 127.0.0.1                             |\n|         |                   \n|0.000636 |         Login 1→3 T (Initiat          |Session 1: Login 1→3 T (InitiatorName, SessionType, HeaderDigest, DataDigest, +14)\n|         |(56086)  ------------------>  (3260)  |\n|0.000830 |         Login Rsp 1→3 T (Tar          |Session 1: Login Rsp 1→3 T (TargetPortalGroupTag, HeaderDigest, DataDigest, InitialR2T, +12) status 0x0000 Success\n|         |(3260)   ------------------>  (56086) |\n|0.000874 |         Text F (SendTargets)          |Session 1: Text F (SendTargets)\n|         |(56086)  ------------------>  (3260)  |\n|0.000932 |         Text Rsp F 3 targets          |Session 1: Text Rsp F 3 targets\n|         |(3260)   ------------------>  (56086) |\n|0.001189 |         Logout reason 0          |Session 1: Logout reason 0\n|         |(56086)  ------------------>  (3260)  |\n|0.001219 |         Logout Rsp 0          |Session 1: Logout Rsp 0\n|         |(3260)   ------------------>  (56086) |\n'

CHAP_BAD_PASSWORD_NETWORK = '|Time     | 127.0.0.1                             |\n|         |                   \n|0.000266 |         Login 0→1 T (Initiat          |Session 1: Login 0→1 T (InitiatorName, TargetName, SessionType, AuthMethod)\n|         |(58848)  ------------------>  (3260)  |\n|0.000707 |         Login Rsp 0 (TargetP          |Session 1: Login Rsp 0 (TargetPortalGroupTag, AuthMethod) status 0x0000\n|         |(3260)   ------------------>  (58848) |\n|0.000929 |         Login 0 (CHAP_A)          |Session 1: Login 0 (CHAP_A)\n|         |(58848)  ------------------>  (3260)  |\n|0.001052 |         Login Rsp 0 (CHAP_A,          |Session 1: Login Rsp 0 (CHAP_A, CHAP_I, CHAP_C) status 0x0000\n|         |(3260)   ------------------>  (58848) |\n|0.001208 |         Login 0→1 T (CHAP_N,          |Session 1: Login 0→1 T (CHAP_N, CHAP_R)\n|         |(58848)  ------------------>  (3260)  |\n|0.001343 |         Login Rsp status 0x0          |Session 1: Login Rsp status 0x0201 Failed\n|         |(3260)   ------------------>  (58848) |\n'

CBIT_SPLIT_KEY = '|Time     | 127.0.0.2                             |\n|         |                   | 127.0.0.1         |                   \n|0.000300 |         Login 0→1 T (Initiat          |Session 1: Login 0→1 T (InitiatorName, TargetName, SessionType, AuthMethod)\n|         |(40001)  ------------------>  (3260)   |\n|0.000650 |         Login Rsp 0→1 T (Aut          |Session 1: Login Rsp 0→1 T (AuthMethod, TargetPortalGroupTag) status 0x0000\n|         |(40001)  <------------------  (3260)   |\n|0.000850 |         Login 1 C |                   |Session 1: Login 1 C\n|         |(40001)  ------------------>  (3260)   |\n|0.001150 |         Login Rsp 1 status 0          |Session 1: Login Rsp 1 status 0x0000\n|         |(40001)  <------------------  (3260)   |\n|0.001350 |         Login 1→3 T (HeaderD          |Session 1: Login 1→3 T (HeaderDigest, DataDigest, MaxRecvDataSegmentLength, MaxBurstLength, +10)\n|         |(40001)  ------------------>  (3260)   |\n|0.001700 |         Login Rsp 1 C status          |Session 1: Login Rsp 1 C status 0x0000\n|         |(40001)  <------------------  (3260)   |\n|0.001820 |         Login 1→3 T                   |Session 1: Login 1→3 T\n|         |(40001)  ------------------>  (3260)   |\n|0.002170 |         Login Rsp 1→3 T (Hea          |Session 1: Login Rsp 1→3 T (HeaderDigest, DataDigest, MaxRecvDataSegmentLength, MaxBurstLength, +10) status 0x0000 Success\n|         |(40001)  <------------------  (3260)   |\n|0.002370 |         Text F (X-com.exampl          |Session 1: Text F (X-com.example.crafted.Inventory)\n|         |(40001)  ------------------>  (3260)   |\n|0.002720 |         Text Rsp C|                   |Session 1: Text Rsp C\n|         |(40001)  <------------------  (3260)   |\n|0.002920 |         Text F    |                   |Session 1: Text F\n|         |(40001)  ------------------>  (3260)   |\n|0.003270 |         Text Rsp F (X-com.ex          |Session 1: Text Rsp F (X-com.example.crafted.Inventory, X-com.example.crafted.Firmware)\n|         |(40001)  <------------------  (3260)   |\n|0.003470 |         Logout reason 0               |Session 1: Logout reason 0\n|         |(40001)  ------------------>  (3260)   |\n|0.003770 |         Logout Rsp 0                  |Session 1: Logout Rsp 0\n|         |(40001)  <------------------  (3260)   |\n'


def flow(tshark, capture, mode, *, two_pass=False, flt=None):
    z = f"flow,iscsi_login,{mode}" + (f",{flt}" if flt else "")
    args = ["-n", "-q", "-r", tshark.capture(capture), "-z", z]
    if two_pass:
        args.insert(0, "-2")
    return tshark.run(*args).stdout


def comments(text):
    """The comment column of each arrow: "Session N: <full label>"."""
    return [line.rsplit("|", 1)[1] for line in text.splitlines() if "Session " in line or "No session: " in line]


def test_registered(tshark):
    p = tshark.run("-z", "help")
    assert "     flow,iscsi_login\n" in p.stdout + p.stderr   # tshark 4.0 prints the list on stderr


def one_node(text):
    """What of a loopback (one address) graph is ours: the times and the
    comment column.  How tshark draws arrows between two ports of one node
    is its own and differs between releases (4.0 overruns its line, 4.4
    pads it); two-address graphs are compared whole below."""
    return [(line.split("|")[1].strip(), line.rsplit("|", 1)[1]) for line in text.splitlines()
            if "Session " in line or "No session: " in line]


def test_discovery_login_sendtargets_logout(tshark):
    assert one_node(flow(tshark, "real/discovery.pcap", "network")) == one_node(DISCOVERY_NETWORK)


def test_failed_login(tshark):
    """CHAP with a wrong password: the final response has no stage step (T, CSG
    and NSG are reserved with a non-zero status), its status and the outcome."""
    assert one_node(flow(tshark, "real/chap-bad-password.pcap", "network")) == one_node(CHAP_BAD_PASSWORD_NETWORK)


def test_continued_text_standard(tshark):
    """C bit: the PDU that starts a text set shows C and no keys; the keys are
    listed on the PDU that completes it.  Two addresses: arrows point both ways."""
    assert flow(tshark, "crafted/cbit-split-key.pcap", "standard") == CBIT_SPLIT_KEY
    assert flow(tshark, "crafted/cbit-split-key.pcap", "network") == CBIT_SPLIT_KEY


@pytest.mark.parametrize("capture", ["real/discovery.pcap", "real/chap-bad-password.pcap", "crafted/cbit-split-key.pcap",
                                     "real/login-io-logout.pcap", "real/redirect-other-portal.pcap"])
def test_two_pass_same_ladder(tshark, capture):
    assert flow(tshark, capture, "network", two_pass=True) == flow(tshark, capture, "network")


def test_only_login_text_logout(tshark):
    """SCSI commands, data and NOPs of the session draw no arrow."""
    c = comments(flow(tshark, "real/login-io-logout.pcap", "network"))
    assert [x.split(": ", 1)[1].split(" ")[0] for x in c] == ["Login", "Login", "Logout", "Logout"]


def test_redirect(tshark):
    """A redirection answers 0x0101 with TargetAddress; its outcome is the
    analysis's own name for it (isl_outcome_name)."""
    c = comments(flow(tshark, "real/redirect-other-portal.pcap", "network"))
    rsp = [x for x in c if x.startswith("Session 2: Login Rsp")]
    assert len(rsp) == 1
    assert rsp[0].startswith("Session 2: Login Rsp (TargetAddress) status 0x0101 ")
    assert rsp[0].rsplit(" ", 1)[1] in ("Failed", "Redirected")


def test_display_filter(tshark):
    c = comments(flow(tshark, "real/redirect-other-portal.pcap", "network", flt="iscsi_login.session==2"))
    assert [x.split(":")[0] for x in c] == ["Session 2", "Session 2"]
    assert flow(tshark, "real/redirect-other-portal.pcap", "network", flt="iscsi_login.session==99") == ""


def test_keys_capped(tshark):
    """At most four key names, then +N for the rest."""
    c = comments(flow(tshark, "real/discovery.pcap", "network"))
    assert c[0] == "Session 1: Login 1\u21923 T (InitiatorName, SessionType, HeaderDigest, DataDigest, +14)"
