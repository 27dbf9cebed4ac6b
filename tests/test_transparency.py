# SPDX-License-Identifier: GPL-2.0-or-later
"""The plugin stands between TCP and Wireshark's iSCSI dissector (it watches
the PDUs that dissector takes): Wireshark's own dissection must come out
exactly as without the plugin, frame by frame: same protocols, same PDUs,
same reassembly, same columns.  The one intended difference: PDUs that
Wireshark's iSCSI dissector refuses at a segment start (tgt's F=0/C=0 Text
continuations, Login PDUs with I=0 or C+T) are shown by the plugin."""
from pathlib import Path

import pytest

CAPTURES = Path(__file__).resolve().parent.parent / "captures"
# Every real capture, and the crafted ones that exercise framing: several PDUs
# per segment, PDUs over several segments, snap length, redirection to
# another portal (a TargetAddress conversation), retransmissions.
CASES = sorted(f"real/{p.name}" for p in (CAPTURES / "real").glob("*.pcap")) + [
    "crafted/two-pdus-one-segment.pcap", "crafted/pdu-three-segments.pcap", "crafted/redirect.pcap",
    "crafted/retransmission.pcap", "crafted/check-pdu-truncated.pcap", "crafted/login-basic.pcap",
]
# Captures Wireshark decodes as iSCSI only with Decode As (a login on port 3261).
DECODE_AS = {"real/port-3261-alone.pcap": ["-d", "tcp.port==3261,iscsi"]}
FIELDS = ["frame.number", "frame.protocols", "iscsi.opcode", "iscsi.initiatortasktag", "iscsi.datasegmentlength",
          "tcp.reassembled_in", "tcp.pdu.size", "_ws.col.Protocol", "_ws.col.Info", "_ws.short", "tcp.analysis.flags"]
# Frames the plugin's own heuristic shows and Wireshark leaves as TCP data.
CLAIMED = {"Text Response (continues, F=0 C=0)", "Text Command (continues, F=0 C=0)",
           "Login Command (refused by the iSCSI dissector)", "Login Response (refused by the iSCSI dissector)"}


def table(out):
    return {int(line.split("\t")[0]): line.split("\t")[1:] for line in out.splitlines() if line}


@pytest.mark.parametrize("two_pass", [False, True])
@pytest.mark.parametrize("cap", CASES)
def test_wireshark_dissection_unchanged(tshark, cap, two_pass):
    args = ["-n", "-r", tshark.capture(cap), "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|"]
    args += ["-2"] if two_pass else []
    args += DECODE_AS.get(cap, [])
    for f in FIELDS:
        args += ["-e", f]
    without = tshark.run_without_plugin(*args)
    if without is None:
        pytest.skip("plugin installed globally: no run without it")
    a, b = table(tshark.run(*args).stdout), table(without.stdout)
    assert sorted(a) == sorted(b)
    assert any("iscsi" in row[0] for row in b.values()), "no iSCSI in this capture without the plugin"
    for frame in sorted(b):
        if a[frame] != b[frame] and not any(c in a[frame][FIELDS.index("_ws.col.Info") - 1] for c in CLAIMED):
            pytest.fail(f"{cap} frame {frame}: with plugin {a[frame]}, without {b[frame]}")


def test_decode_as_is_analysed(tshark):
    """iSCSI chosen with Decode As (its TCP heuristic off) is analysed as well:
    the plugin stands in front of the iSCSI entries of tcp.port too."""
    fields = ["frame.number", "iscsi_login.session", "iscsi_login.request_in", "iscsi_login.login.outcome"]
    normal = tshark.fields("real/multi-session.pcap", fields, "iscsi_login")
    decoded = tshark.fields("real/multi-session.pcap", fields, "iscsi_login",
                            extra=("--disable-heuristic", "iscsi_tcp", "-d", "tcp.port==3260,iscsi"))
    assert len(normal) >= 16
    assert decoded == normal
