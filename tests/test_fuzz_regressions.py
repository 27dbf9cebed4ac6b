# SPDX-License-Identifier: GPL-2.0-or-later
"""Inputs found by the capture-fuzz rounds (tests/fuzz/capture-fuzz.sh), kept
as tests: each capture is made here from a committed one by the mutation
that found the bug, cut down to the frame that matters."""
import json
import re
import struct

import pytest


def fill_aa_after(data: bytes, marker: bytes) -> bytes:
    """editcap -E's last mutation kind (what isl-replay does too): 0xAA from
    the byte after the first `marker` to the end of the packet holding it."""
    at = data.find(marker)
    assert at > 0, marker
    at += len(marker)
    off = 24                                    # classic pcap: file header, then records
    while off < len(data):
        incl = struct.unpack("<I", data[off + 8:off + 12])[0]
        start, end = off + 16, off + 16 + incl
        if start <= at < end:
            return data[:at] + b"\xaa" * (end - at) + data[end:]
        off = end
    raise AssertionError("marker outside the packets")


@pytest.fixture(scope="module")
def long_bad_name_capture(tshark):
    # Found by isl-replay on 96c2176 (--seed 1, input 470: pdu-three-segments.pcap
    # mutated E0.01o54, minimised to its frame 4; login-basic's frame 4 is the
    # same login request): an InitiatorName of "iqn." and 106 bytes that are
    # not UTF-8.  Each becomes U+FFFD (3 bytes), and the
    # message quoting the name is cut at Wireshark 4.0's 240-byte label limit
    # in the middle of a character: the label is not UTF-8 again.  Fixed in
    # 8aabbc7 (such text is cut at a character first).
    data = fill_aa_after(open(tshark.capture("crafted/login-basic.pcap"), "rb").read(), b"InitiatorName=iqn.")
    return tshark.add_capture("crafted/login-basic-long-bad-name.pcap", data)


def test_long_non_utf8_name_stays_utf8(tshark, long_bad_name_capture):
    # The fixture decodes tshark's output as strict UTF-8: a bad byte fails here.
    out = tshark.run("-n", "-r", tshark.capture(long_bad_name_capture), "-T", "json", "-Y", "iscsi_login")
    text = json.dumps(json.loads(out.stdout))
    assert "iqn.\\ufffd\\ufffd" in text


@pytest.fixture(scope="module")
def aside_pass2_capture(tshark):
    # Found by the capture-fuzz round of the CI run on ef2df40 (a LeakSanitizer
    # report: the sessions table showed a row in the first pass and none in the
    # second).  check-neg-wrong-stage.pcap mutated s200E0.05o54: frame 6 holds a
    # Login Request that Wireshark's iSCSI dissector refuses, which the plugin's
    # TCP heuristic analyses on the first pass; frame 7 then makes Wireshark's
    # LBMSRS dissector claim the connection, so on the second pass frame 6 goes
    # to LBMSRS and the heuristic never runs.  Kept as found (1.5 kB).
    from conftest import REPO
    data = (REPO / "tests" / "data" / "fuzz-aside-pass2.pcap").read_bytes()
    return tshark.add_capture("crafted/fuzz-aside-pass2.pcap", data)


def test_heuristic_pdu_shown_on_every_pass(tshark, aside_pass2_capture):
    one = tshark.fields(aside_pass2_capture, ["frame.number", "iscsi_login.session"], "iscsi_login")
    two = tshark.fields(aside_pass2_capture, ["frame.number", "iscsi_login.session"], "iscsi_login", two_pass=True)
    assert [(r["frame.number"], r["iscsi_login.session"]) for r in one] == [("4", "1"), ("6", "1")]
    assert two == one
    notes = [(f, a) for f, a, _ in tshark.experts(aside_pass2_capture, two_pass=True) if a == "login.unfinished"]
    assert notes == [(6, "login.unfinished")]
    for two_pass in (False, True):
        out = tshark.run("-n", "-q", "-r", tshark.capture(aside_pass2_capture), "-z", "iscsi,sessions",
                         *(["-2"] if two_pass else [])).stdout
        assert re.search(r"^\s+1 \|.*\|Not finished\s+\|", out, re.M), out
