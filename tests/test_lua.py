# SPDX-License-Identifier: GPL-2.0-or-later
"""docs/examples/iscsi-login-sessions.lua: a Lua tap listener reading the
plugin's fields (the iscsi_login tap gives Lua no tapinfo, see the script)
prints one line per login, the same in one and two passes, and agrees with
tshark -T fields."""
import re

import pytest

from conftest import REPO
from test_experts import lua_available

SCRIPT = REPO / "docs" / "examples" / "iscsi-login-sessions.lua"
LINE = re.compile(r"^\s*(\d+)  session (\S+)\s+(\S+)\s+(\S+)\s+status 0x([0-9a-f]{4})\s+(.*?)  (\S+) -> (\S+)$")


@pytest.fixture(scope="module")
def script(tshark):
    if not lua_available(tshark):
        pytest.skip("this tshark runs no Lua (built without it, or 4.4+ as root)")
    return tshark.capture(tshark.add_capture("iscsi-login-sessions.lua", SCRIPT.read_bytes()))


def run(tshark, script, capture, *extra):
    p = tshark.run("-n", "-q", "-r", tshark.capture(capture), "-X", f"lua_script:{script}", *extra)
    assert "Lua" not in p.stderr, p.stderr
    lines = p.stdout.splitlines()
    head = [i for i, ln in enumerate(lines) if ln.startswith("iSCSI logins: ")]
    assert len(head) == 1, p.stdout
    n = int(lines[head[0]].split(": ")[1])
    rows = [LINE.match(ln) for ln in lines[head[0] + 2:]]
    assert all(rows) and len(rows) == n, p.stdout
    return [r.groups() for r in rows]


@pytest.mark.parametrize("capture", ["real/multi-session.pcap", "real/chap-bad-password.pcap",
                                     "real/port-3261-redirect.pcap", "crafted/check-login-slow.pcap"])
def test_one_line_per_login(tshark, script, capture):
    rows = run(tshark, script, capture)
    assert rows, "no login printed"
    assert run(tshark, script, capture, "-2") == rows
    want = tshark.fields(capture, ["frame.number", "iscsi_login.session", "iscsi_login.login.outcome",
                                   "iscsi_login.login.status", "iscsi_login.login_time"],
                         display_filter="iscsi_login.login.outcome")
    assert [(r[0], r[1], r[3], int(r[4], 16)) for r in rows] == \
        [(w["frame.number"], w["iscsi_login.session"], w["iscsi_login.login.outcome"],
          int(w["iscsi_login.login.status"], 16)) for w in want]
    for r, w in zip(rows, want):
        assert r[5] == f"{float(w['iscsi_login.login_time']) * 1000:.3f} ms"
