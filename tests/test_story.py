# SPDX-License-Identifier: GPL-2.0-or-later
"""The login story (issue 13): redirects are not failures and link to the login
that follows them, failed logins retried form a run of attempts, a relogin
storm is named, the stage where a login failed counts it, the sessions table
says how many attempts and what went wrong first, and each finished login
gets one explanation line.

Real captures: captures/make-real-story.sh (tgt + libiscsi: five logins with a
wrong CHAP secret then the right one; eight logins and logouts of one
session) and captures/make-real-connections.sh (a redirect to another
portal).  Crafted: captures/crafted/redirect.pcap."""
import subprocess
import tempfile
from pathlib import Path

import pytest

from test_stats import login_tables, session_rows, stats_of

REPO = Path(__file__).resolve().parent.parent
R = "iqn.2026-11.test.iscsi-login:"
STORY = ["frame.number", "iscsi_login.session", "iscsi_login.login.attempt", "iscsi_login.login.retry_interval",
         "iscsi_login.login.redirected_from", "iscsi_login.login.redirected_to", "iscsi_login.login.outcome"]


def story(tshark, cap, two_pass=True):
    rows = tshark.fields(cap, STORY, "iscsi.opcode == 0x03 || iscsi.opcode == 0x23", two_pass=two_pass)
    return [tuple(r[f] for f in STORY) for r in rows]


def notes(tshark, cap, name, two_pass=True):
    return [(f, m) for f, n, m in tshark.experts(cap, two_pass=two_pass) if n == name]


# ---- retries ------------------------------------------------------------------

FIRST = {1: "4", 2: "18", 3: "32", 4: "46", 5: "60", 6: "74"}   # first Login Request of each attempt


@pytest.mark.parametrize("two_pass", [False, True], ids=["one-pass", "two-pass"])
def test_attempt_on_every_login_pdu(tshark, two_pass):
    rows = story(tshark, "real/chap-retries.pcap", two_pass)
    by_session = {}
    for frame, sess, attempt, interval, *_ in rows:
        by_session.setdefault(sess, set()).add((attempt, interval))
    # One attempt number per login, 1..6; the interval only from the second on.
    assert sorted(by_session) == ["1", "2", "3", "4", "5", "6"]
    for sess, vals in by_session.items():
        assert len(vals) == 1, (sess, vals)
        attempt, interval = next(iter(vals))
        assert attempt == sess
        if attempt == "1":
            assert interval == ""
        else:
            assert 1.0 < float(interval) < 1.3, interval   # the script sleeps 1 s between attempts


def test_retried_note_names_the_run(tshark):
    got = notes(tshark, "real/chap-retries.pcap", "login.retried")
    assert [f for f, _ in got] == [int(FIRST[n]) for n in range(2, 7)]
    for n, (frame, msg) in enumerate(got, start=2):
        assert msg.startswith(f"Login attempt {n} of {R}init-retry to {R}secure; {n - 1} failed since frame 4, every 1.1 s"), msg


def test_failures_counted_in_their_stage(tshark):
    st = login_tables(tshark, "real/chap-retries.pcap", two_pass=True)
    rows = {r[0]: r[1:4] for r in st["tables"]["Exchanges"]}
    # Count, Failures, Redirects
    assert rows["Normal login"] == ["6", "5", "0"]
    assert rows["Security stage"] == ["6", "5", "0"]       # the five wrong CHAP responses end there
    assert rows["Operational stage"] == ["1", "0", "0"]


def test_sessions_attempts_and_problems(tshark):
    rows = session_rows(tshark, "real/chap-retries.pcap", two_pass=True)
    cols = stats_of(tshark, "real/chap-retries.pcap", "iscsi,sessions", two_pass=True)["iSCSI Sessions"]["columns"]
    a, p, fp = cols.index("Attempts"), cols.index("Problems"), cols.index("First problem")
    got = [(r[0], r[a], r[p], r[fp]) for r in rows]
    fail = "Error: Login failed: Initiator error, authentication failure (0x0201) for target " + R + "secure"
    # tgt zeroes the ISID of a failed Login Response: login.echo_mismatch, the second Error.
    assert got == [(str(n), str(n), "2", fail) for n in range(1, 6)] + [("6", "6", "0", "-")]


def test_explanation_of_a_wrong_chap_secret(tshark):
    rows = tshark.fields("real/chap-retries.pcap", ["frame.number", "iscsi_login.login.explanation"],
                         "iscsi_login.login.explanation", two_pass=True)
    lines = {r["frame.number"]: r["iscsi_login.login.explanation"] for r in rows}
    assert lines["11"] == ('Login failed in the Security stage: authentication failure (0x0201) after the '
                           'initiator\'s CHAP response: check the CHAP secret of user "alice" on the target and on '
                           'the initiator')
    assert lines["83"].startswith("Login succeeded: Normal session, TSIH 0x0100, in ")


@pytest.mark.parametrize("cap,frame,line", [
    ("real/unknown-target.pcap", "6", "Login failed in the Operational stage: target not found (0x0203): there is no "
     + R + "no-such-disk on this portal: check the target name (SendTargets lists the targets) and the portal"),
    ("real/chap-required-no-credentials.pcap", "6", "Login failed in the Operational stage: authentication failure "
     "(0x0201): the login skipped the security stage and the target requires authentication: set CHAP credentials "
     "on the initiator"),
])
def test_explanation_of_real_failures(tshark, cap, frame, line):
    rows = tshark.fields(cap, ["frame.number", "iscsi_login.login.explanation"], "iscsi_login.login.explanation")
    assert [(r["frame.number"], r["iscsi_login.login.explanation"]) for r in rows] == [(frame, line)]


# ---- relogin storm --------------------------------------------------------------

def test_relogin_storm(tshark):
    got = notes(tshark, "real/relogin-flapping.pcap", "session.flapping")
    assert len(got) == 1
    frame, msg = got[0]
    # The fifth successful login crosses the default threshold (5 within 60 s).
    fifth = tshark.fields("real/relogin-flapping.pcap", ["frame.number"], "iscsi_login.session == 5 && iscsi.opcode == 0x23")
    assert frame == int(fifth[-1]["frame.number"])
    assert msg.startswith(f"Flapping: 5 logins of {R}init-flap to {R}disk1 within ")
    assert msg.endswith(" s (threshold: 5 within 60 s)")
    # Successful logins are each a first attempt: no retry is noted.
    assert notes(tshark, "real/relogin-flapping.pcap", "login.retried") == []


# ---- redirects ----------------------------------------------------------------

def test_redirect_is_not_a_failure_real(tshark):
    cap = "real/redirect-other-portal.pcap"
    rows = story(tshark, cap)
    redirect = [r for r in rows if r[6] == "Redirected"]
    assert len(redirect) == 1
    rframe, rsess, _, _, _, follow, _ = redirect[0]
    # The follow-up login (portal B) links back to the redirecting response.
    followers = [r for r in rows if r[4] == rframe]
    assert followers and followers[0][0] == follow
    assert all(r[6] != "Failed" for r in rows)
    st = login_tables(tshark, cap, two_pass=True)
    normal = {r[0]: r[1:4] for r in st["tables"]["Exchanges"]}["Normal login"]
    assert normal == ["3", "0", "1"]
    out = {r[0]: r for r in session_rows(tshark, cap, two_pass=True)}
    cols = stats_of(tshark, cap, "iscsi,sessions", two_pass=True)["iSCSI Sessions"]["columns"]
    assert out[rsess][cols.index("Outcome")] == "Redirected -> 127.0.0.85:3260"
    assert out[rsess][cols.index("Connections")] == "0"
    assert notes(tshark, cap, "login.failed") == []


@pytest.mark.parametrize("two_pass", [False, True], ids=["one-pass", "two-pass"])
def test_redirect_links_crafted(tshark, two_pass):
    rows = story(tshark, "crafted/redirect.pcap", two_pass)
    to = "12" if two_pass else ""     # a forward link is known once the capture has been read
    assert rows == [("4", "1", "1", "", "", to, ""), ("5", "1", "1", "", "", to, "Redirected"),
                    ("12", "2", "1", "", "5", "", ""), ("13", "2", "1", "", "5", "", ""),
                    ("14", "2", "1", "", "5", "", ""), ("15", "2", "1", "", "5", "", "Success")]
    rows = tshark.fields("crafted/redirect.pcap", ["iscsi_login.login.explanation"], "iscsi.opcode == 0x23 && iscsi_login.session == 1",
                         two_pass=two_pass)
    assert rows[0]["iscsi_login.login.explanation"] == ("Redirected (target moved temporarily, 0x0101) to 127.0.0.3:3260: "
                                                        "the initiator should log in there")
    assert notes(tshark, "crafted/redirect.pcap", "login.redirect_unfollowed", two_pass) == []


def test_redirect_nobody_follows(tshark):
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "redirect-cut.pcap"
        subprocess.run(["editcap", "-r", str(REPO / "captures/crafted/redirect.pcap"), str(out), "1-11"], check=True)
        cap = tshark.add_capture("redirect-cut.pcap", out.read_bytes())
    assert notes(tshark, cap, "login.redirect_unfollowed") == [
        (5, "No login of iqn.2026-11.test.crafted:init1 to 127.0.0.3:3260 follows this redirect in the capture")]
    # One pass cannot know yet: nothing is claimed.
    assert notes(tshark, cap, "login.redirect_unfollowed", two_pass=False) == []
