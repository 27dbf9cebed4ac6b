# SPDX-License-Identifier: GPL-2.0-or-later
"""-z iscsi,diff,A,B: two sessions' leading logins key by key, with "*" where
the results differ and "~" where only the offers or answers do.  Exact
tables on crafted/two-hosts.pcap (one pass and -2), the session order,
missing sessions, a filter, bad arguments, and the mergecap recipe of the
README (two hosts' captures merged, then compared)."""
import subprocess
import tempfile
from pathlib import Path

import pytest

from test_stats import parse_stat_tables, stat_run

TITLE = "iSCSI Session Comparison"
TABLE = "Sessions compared"
COLUMNS = ["#", "Key", "A offer", "A answer", "A result", "B offer", "B answer", "B result", "Differs"]
C = "iqn.2026-11.test.crafted:"
HOST_A, HOST_B, DISK1 = C + "host-a", C + "host-b", C + "disk1"
IRR_FBL = "- (irrelevant with InitialR2T=Yes and ImmediateData=No)"

# Key, A offer/answer/result, B offer/answer/result, marker: crafted/two-hosts.pcap,
# host-a (session 1) against host-b (session 2).
TWO_HOSTS = [
    ["Session", "", "", "1", "", "", "2", ""],
    ["Login", "", "", "Success", "", "", "Success", ""],
    ["AuthMethod", "None", "None", "None", "None", "None", "None", ""],
    ["HeaderDigest", "None", "None", "None", "None", "None", "None", ""],
    ["DataDigest", "None", "None", "None", "None", "None", "None", ""],
    ["MaxConnections", "1", "1", "1", "1", "1", "1", ""],
    ["TargetName", DISK1, "-", DISK1, DISK1, "-", DISK1, ""],
    ["InitiatorName", HOST_A, "-", HOST_A, HOST_B, "-", HOST_B, "*"],
    ["TargetPortalGroupTag", "1 (target)", "-", "1", "1 (target)", "-", "1", ""],
    ["InitialR2T", "No", "No", "No", "Yes", "Yes", "Yes", "*"],
    ["ImmediateData", "Yes", "Yes", "Yes", "No", "No", "No", "*"],
    ["MaxRecvDataSegmentLength", "262144", "65536", "I 262144, T 65536", "262144", "65536", "I 262144, T 65536", ""],
    ["MaxBurstLength", "262144", "262144", "262144", "1048576", "262144", "262144", "~"],
    ["FirstBurstLength", "65536", "65536", "65536", "65536", "65536", IRR_FBL, "*"],
    ["DefaultTime2Wait", "2", "2", "2", "2", "2", "2", ""],
    ["DefaultTime2Retain", "20", "20", "20", "20", "20", "20", ""],
    ["MaxOutstandingR2T", "1", "1", "1", "1", "1", "1", ""],
    ["DataPDUInOrder", "Yes", "Yes", "Yes", "Yes", "Yes", "Yes", ""],
    ["DataSequenceInOrder", "Yes", "Yes", "Yes", "Yes", "Yes", "Yes", ""],
    ["ErrorRecoveryLevel", "0", "0", "0", "0", "0", "0", ""],
    ["SessionType", "Normal", "-", "Normal", "Normal", "-", "Normal", ""],
    ["TaskReporting", "-", "-", "not offered (default RFC3720)", "-", "-", "not offered (default RFC3720)", ""],
    ["iSCSIProtocolLevel", "-", "-", "not offered (default 1)", "-", "-", "not offered (default 1)", ""],
]


def numbered(rows):
    return [[str(i), *r] for i, r in enumerate(rows, 1)]


def swapped(rows):
    """The same comparison with A and B exchanged."""
    return [[r[0], *r[4:7], *r[1:4], r[7]] for r in rows]


def diff_table(tshark, capture, z, two_pass=False):
    st = parse_stat_tables(stat_run(tshark, capture, z, two_pass=two_pass).stdout)[TITLE]
    assert st["columns"] == COLUMNS
    assert list(st["tables"]) == [TABLE]
    return st


@pytest.mark.parametrize("two_pass", [False, True], ids=["one-pass", "two-pass"])
def test_two_hosts_exact(tshark, two_pass):
    st = diff_table(tshark, "crafted/two-hosts.pcap", "iscsi,diff,1,2", two_pass)
    assert st["filter"] == ""
    assert st["tables"][TABLE] == numbered(TWO_HOSTS)


def test_b_before_a(tshark):
    st = diff_table(tshark, "crafted/two-hosts.pcap", "iscsi,diff,2,1")
    assert st["tables"][TABLE] == numbered(swapped(TWO_HOSTS))


def test_one_pass_and_two_pass_print_the_same(tshark):
    for cap, z in (("real/multi-session.pcap", "iscsi,diff,1,4"), ("real/discovery.pcap", "iscsi,diff,1,1"),
                   ("crafted/redirect.pcap", "iscsi,diff,1,2"), ("crafted/check-login-unfinished.pcap", "iscsi,diff,1,2")):
        one = stat_run(tshark, cap, z).stdout
        assert one == stat_run(tshark, cap, z, two_pass=True).stdout, cap


def test_same_session_twice_differs_nowhere(tshark):
    rows = diff_table(tshark, "real/multi-session.pcap", "iscsi,diff,3,3")["tables"][TABLE]
    assert len(rows) > 20 and all(r[-1] == "" for r in rows)


def test_missing_session_is_one_row(tshark):
    st = diff_table(tshark, "crafted/two-hosts.pcap", "iscsi,diff,1,9")
    assert st["tables"][TABLE] == [["1", "Session 1: login found"], ["2", "Session 9: no such session in the capture"]]


def test_capture_without_sessions(tshark):
    st = diff_table(tshark, "crafted/two-hosts.pcap", "iscsi,diff,5,6,iscsi_login.session==99")
    assert st["filter"] == "iscsi_login.session==99"
    assert st["tables"][TABLE] == [["1", "Session 5: no exchange of this session passes the filter"],
                                   ["2", "Session 6: no exchange of this session passes the filter"]]


def test_session_without_login(tshark):
    """The capture starts after the login of session 1: only its Logout is there."""
    st = diff_table(tshark, "crafted/two-hosts.pcap", "iscsi,diff,1,2,frame.number >= 8")
    assert st["tables"][TABLE] == [["1", "Session 1: its login is not in the capture or does not pass the filter"],
                                   ["2", "Session 2: login found"]]


def test_filter_with_commas(tshark):
    """Everything after A,B is the display filter, commas included."""
    st = diff_table(tshark, "crafted/two-hosts.pcap", "iscsi,diff,1,2,iscsi_login.session in {1,2}")
    assert st["filter"] == "iscsi_login.session in {1,2}"
    assert st["tables"][TABLE] == numbered(TWO_HOSTS)


@pytest.mark.parametrize("arg", ["iscsi,diff", "iscsi,diff,1", "iscsi,diff,1,", "iscsi,diff,a,b", "iscsi,diff,0,1",
                                 "iscsi,diff,1,2x", "iscsi,diff,1,,2", "iscsi,diff,-1,2", "iscsi,diffx,1,2",
                                 "iscsi,diff,1,4294967296"])
def test_bad_argument_is_rejected(tshark, arg):
    p = stat_run(tshark, "crafted/two-hosts.pcap", arg, check=False)
    assert p.returncode != 0
    assert (f'invalid -z argument "{arg}": use -z iscsi,diff,A,B or -z iscsi,diff,A,B,<display filter> '
            "(A, B: session numbers, as -z iscsi,sessions shows them)") in p.stderr
    assert TITLE not in p.stdout


def test_bad_filter_is_rejected(tshark):
    p = stat_run(tshark, "crafted/two-hosts.pcap", "iscsi,diff,1,2,no_such_field == 1", check=False)
    assert p.returncode != 0
    assert "Couldn't register tap" in p.stderr


def test_only_one_per_run(tshark):
    p = stat_run(tshark, "crafted/two-hosts.pcap", "iscsi,diff,1,2", "iscsi,diff,1,3", check=False)
    assert p.returncode != 0
    assert "-z iscsi,diff can be given only once per run" in p.stderr


def test_help_lists_it(tshark):
    assert "     iscsi,diff\n" in tshark.run("-z", "help", check=False).stderr


# ---- the README's recipe: one capture per host, merged, then compared -------------

def merged(tshark, name, mergecap_args):
    """Cut crafted/two-hosts.pcap into one capture per host (editcap), merge
    them back with mergecap and the given options."""
    src = tshark.capture("crafted/two-hosts.pcap")
    with tempfile.TemporaryDirectory() as tmp:
        a, b, out = Path(tmp, "host-a.pcap"), Path(tmp, "host-b.pcap"), Path(tmp, name)
        subprocess.run(["editcap", "-r", src, str(a), "1-12"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["editcap", "-r", src, str(b), "13-24"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["mergecap", *mergecap_args(a, b), "-w", str(out)], check=True)
        return tshark.add_capture(name, out.read_bytes())


def test_mergecap_recipe(tshark):
    """mergecap by time: the sessions are numbered in the order their logins start."""
    cap = merged(tshark, "diff-merged.pcap", lambda a, b: [str(b), str(a)])
    for two_pass in (False, True):
        assert diff_table(tshark, cap, "iscsi,diff,1,2", two_pass)["tables"][TABLE] == numbered(TWO_HOSTS)


def test_mergecap_append_order(tshark):
    """mergecap -a keeps the files' order: host-b's capture first makes it session 1."""
    cap = merged(tshark, "diff-appended.pcap", lambda a, b: ["-a", str(b), str(a)])
    sessions = parse_stat_tables(stat_run(tshark, cap, "iscsi,sessions").stdout)["iSCSI Sessions"]
    assert [(r[0], r[1]) for r in sessions["tables"]["Sessions"]] == [("1", HOST_B), ("2", HOST_A)]
    assert diff_table(tshark, cap, "iscsi,diff,2,1")["tables"][TABLE] == \
        numbered([["Session", "", "", "2", "", "", "1", ""]] + TWO_HOSTS[1:])


@pytest.mark.parametrize("two_pass", [False, True], ids=["one-pass", "two-pass"])
def test_login_cut_off_settles_nothing(tshark, two_pass):
    """A login without its final response: the same rows with one pass (where
    the statistic hears of it at its first PDU) and with -2."""
    rows = diff_table(tshark, "crafted/check-login-unfinished.pcap", "iscsi,diff,1,1", two_pass)["tables"][TABLE]
    assert rows[:3] == [["1", "Session", "", "", "1", "", "", "1", ""],
                        ["2", "Login", "", "", "Not finished", "", "", "Not finished", ""],
                        ["3", "AuthMethod", "-", "-", "- (login not finished)", "-", "-", "- (login not finished)", ""]]
    assert all(r[4] == "- (login not finished)" for r in rows[2:])
