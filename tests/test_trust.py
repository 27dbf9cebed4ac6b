# SPDX-License-Identifier: GPL-2.0-or-later
"""Never silently wrong: what the analysis cannot see or judge, it says.

* state.unanalysed: a frame that Wireshark's iSCSI dissector decoded without
  the plugin seeing it (here forced by a Lua dissector that hands port 3260
  straight to the iSCSI dissector) carries a Note naming the frame, and the
  rest of its connection is analysed again.
* login.unfinished: a login the capture cuts off (no final Login Response)
  gets a Note on its last PDU once the whole capture has been read (-2, GUI),
  and the tables count it as untimed, never as a success."""
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import REPO
from test_stats import LOGIN_TITLE, KINDS, PAIRS, STATUS, counts, session_rows, SESSION_COLUMNS, stats_of

R = "iqn.2026-11.test.iscsi-login:"


from test_experts import lua_available


def test_bypassed_frame_is_said(tshark):
    if not lua_available(tshark):
        pytest.skip("this tshark has no Lua")
    lua = tshark.add_capture("bypass-iscsi.lua", (REPO / "tests" / "data" / "bypass-iscsi.lua").read_bytes())
    cap = tshark.capture("real/login-io-logout.pcap")
    args = ["-n", "-2", "-r", cap, "-X", f"lua_script:{tshark.capture(lua)}", "-T", "fields",
            "-Y", "iscsi.opcode == 0x03 || iscsi.opcode == 0x23 || iscsi_login.state.unanalysed",
            "-e", "frame.number", "-e", "iscsi.opcode", "-e", "iscsi_login.session",
            "-e", "iscsi_login.login.outcome", "-e", "_ws.expert.message", "-E", "occurrence=a", "-E", "aggregator=|"]
    rows = [line.split("\t") for line in tshark.run(*args).stdout.splitlines()]
    # The first iSCSI frame of the connection came the Lua way: said, by frame.
    first = rows[0]
    assert first[1] == "0x03" and first[2] == ""
    assert (f"Frame {first[0]}: iSCSI PDUs decoded by Wireshark's iSCSI dissector (TCP stream 0) were not seen by "
            "the login analysis; logins, Text and Logout exchanges in them are not analysed") in first[4].split("|")
    # From then on the connection comes through the plugin: the response is analysed.
    resp = rows[1]
    assert resp[1] == "0x23" and resp[2] == "1" and resp[3] == "Incomplete"
    # Without the Lua script nothing is unanalysed.
    plain = tshark.fields("real/login-io-logout.pcap", ["frame.number"], "iscsi_login.state.unanalysed", two_pass=True)
    assert plain == []


def cut_capture(tshark, src, frames, name):
    """The first frames of a committed capture, written by editcap."""
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / name
        subprocess.run(["editcap", "-r", str(REPO / "captures" / src), str(out), frames], check=True)
        return tshark.add_capture(name, out.read_bytes())


@pytest.fixture(scope="module")
def unfinished(tshark):
    # chap-ok.pcap up to the initiator's CHAP_A offer (frame 8): the target's
    # challenge and everything after are cut off.
    return cut_capture(tshark, "real/chap-ok.pcap", "1-8", "unfinished-chap.pcap")


def test_unfinished_login_note(tshark, unfinished):
    ex = tshark.experts(unfinished, two_pass=True)
    notes = [(f, m) for f, name, m in ex if name == "login.unfinished"]
    assert notes == [(8, "Login not finished when the capture ends (no final Login Response); last PDU in frame 8")]
    rows = tshark.fields(unfinished, ["frame.number", "iscsi_login.session"], "iscsi_login", two_pass=True)
    assert [(r["frame.number"], r["iscsi_login.session"]) for r in rows] == [("4", "1"), ("6", "1"), ("8", "1")]


def test_unfinished_login_counted_untimed(tshark, unfinished):
    t = stats_of(tshark, unfinished, "iscsi,login", two_pass=True)[LOGIN_TITLE]["tables"]
    assert counts(t[KINDS]) == {"Normal login": (1, 0, 1)}
    assert counts(t[PAIRS]) == {f"{R}init-chap -> {R}secure": (1, 0, 1)}
    assert counts(t[STATUS]) == {"(no final response)": (1, 0, 1)}
    rows = session_rows(tshark, unfinished, two_pass=True)
    assert len(rows) == 1
    row = dict(zip(SESSION_COLUMNS, rows[0]))
    assert row["Outcome"] == "Not finished"
    assert row["TSIH"] == "-" and row["Connections"] == "0" and row["MaxBurstLength"] == "-"


def test_finished_login_has_no_note(tshark):
    ex = tshark.experts("real/chap-ok.pcap", two_pass=True)
    assert [e for e in ex if e[1] == "login.unfinished"] == []


def test_unfinished_session_listed_in_one_pass(tshark, unfinished):
    """One pass cannot know that the capture cuts the login off, but the
    session still has its row, marked as not finished, and the login table
    does not count the login as anything yet."""
    rows = session_rows(tshark, unfinished)
    assert len(rows) == 1
    row = dict(zip(SESSION_COLUMNS, rows[0]))
    assert row["Outcome"] == "Not finished" and row["Session"] == "1"
    t = stats_of(tshark, unfinished, "iscsi,login")[LOGIN_TITLE]["tables"]
    assert counts(t[KINDS]) == {}
