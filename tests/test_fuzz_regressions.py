# SPDX-License-Identifier: GPL-2.0-or-later
"""Inputs found by the capture-fuzz rounds (tests/fuzz/capture-fuzz.sh), kept
as tests: each capture is made here from a committed one by the mutation
that found the bug, cut down to the frame that matters."""
import json
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
