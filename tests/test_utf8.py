# SPDX-License-Identifier: GPL-2.0-or-later
"""Keys, values and names are bytes on the wire; the plugin's labels, string
fields, expert messages and table cells must still be UTF-8 (tshark -T json /
pdml, the Qt GUI).  Found by the capture-fuzz round: mutated key bytes were
copied into labels as they were."""
import json

import pytest


@pytest.fixture(scope="module")
def bad_bytes_capture(tshark):
    data = open(tshark.capture("crafted/login-basic.pcap"), "rb").read()
    assert data.count(b"TargetPortalGroupTag") == 1
    assert data.count(b"InitiatorName=iqn.") >= 1
    # Same lengths, so the PDUs stay well-formed: a Latin-1 byte in a key the
    # target sends and one in the initiator's name.
    data = data.replace(b"TargetPortalGroupTag", b"Target\xafortalGroupTag")
    data = data.replace(b"InitiatorName=iqn.", b"InitiatorName=iq\xe9.", 1)
    return tshark.add_capture("crafted/login-basic-latin1.pcap", data)


def test_json_output_is_utf8(tshark, bad_bytes_capture):
    # The fixture decodes tshark's output as strict UTF-8: a bad byte fails here.
    out = tshark.run("-n", "-r", tshark.capture(bad_bytes_capture), "-T", "json", "-Y", "iscsi_login")
    text = json.dumps(json.loads(out.stdout))
    assert "Target\\ufffdortalGroupTag" in text, "the key is shown, its bad byte replaced"
    assert "iq\\ufffd." in text


def test_tables_are_utf8(tshark, bad_bytes_capture):
    out = tshark.run("-n", "-q", "-r", tshark.capture(bad_bytes_capture), "-z", "iscsi,login", "-z", "iscsi,sessions")
    assert "iq\ufffd." in out.stdout
