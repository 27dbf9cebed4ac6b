# SPDX-License-Identifier: GPL-2.0-or-later
"""Values right for what was negotiated (issue 11): a key that does not apply
has no value -- not its Normal-session default -- in the tree, the
iscsi_login.param.* fields and -z iscsi,sessions.

RFC 7143 §13 marks MaxConnections, InitialR2T, ImmediateData, MaxBurstLength,
FirstBurstLength, MaxOutstandingR2T, DataPDUInOrder, DataSequenceInOrder,
TaskReporting and iSCSIProtocolLevel "Irrelevant when: SessionType=Discovery";
§6.2 lets an acceptor answer Irrelevant (FirstBurstLength when InitialR2T=Yes
and ImmediateData=No, §13.14).  Such a key is a text line
(iscsi_login.param.irrelevant = its name) instead of its typed field."""
import xml.etree.ElementTree as ET

import pytest

from test_stats import SESSION_COLUMNS, SESSIONS, SESSIONS_TITLE, TIME_COL, stats_of

PARAMS = ["header_digest", "data_digest", "max_connections", "initial_r2t", "immediate_data", "max_burst_length",
          "first_burst_length", "default_time2wait", "default_time2retain", "max_outstanding_r2t",
          "data_pdu_in_order", "data_sequence_in_order", "error_recovery_level", "task_reporting",
          "iscsi_protocol_level", "irrelevant"]
FIELDS = ["frame.number"] + ["iscsi_login.param." + p for p in PARAMS]
DISCOVERY_IRRELEVANT = ["MaxConnections", "InitialR2T", "ImmediateData", "MaxBurstLength", "FirstBurstLength",
                        "MaxOutstandingR2T", "DataPDUInOrder", "DataSequenceInOrder", "TaskReporting",
                        "iSCSIProtocolLevel"]


def params(tshark, capture, two_pass=False):
    """{param: value} of the final Login Response (-T fields, "" when absent)."""
    rows = tshark.fields(capture, FIELDS, "iscsi_login.login.outcome", two_pass)
    assert len(rows) == 1
    # Booleans print as 1/0 in Wireshark 4.0 and as True/False from 4.2 on.
    norm = {"True": "1", "False": "0"}
    return {k.replace("iscsi_login.param.", ""): norm.get(v, v) for k, v in rows[0].items()}


def param_lines(tshark, capture):
    """The "Negotiated parameters" lines of the final Login Response, as shown."""
    pdml = tshark.run("-n", "-r", tshark.capture(capture), "-Y", "iscsi_login.login.outcome", "-T", "pdml").stdout
    return [f.get("showname") for f in ET.fromstring(pdml).iter("field")
            if (f.get("name") or "").startswith("iscsi_login.param.")]


def session_row(tshark, capture):
    """The single -z iscsi,sessions row, without its login time (it varies between recordings)."""
    st = stats_of(tshark, capture, "iscsi,sessions")[SESSIONS_TITLE]
    assert st["columns"] == SESSION_COLUMNS
    (row,) = st["tables"][SESSIONS]
    return row[:TIME_COL] + row[TIME_COL + 1:]


# ---- Discovery session (libiscsi to tgt: both sides exchange the Normal-session keys) ----

@pytest.mark.parametrize("two_pass", [False, True])
def test_discovery_irrelevant_keys_have_no_field_value(tshark, two_pass):
    assert params(tshark, "real/discovery.pcap", two_pass) == {
        "frame.number": "6",
        "header_digest": "None", "data_digest": "None",
        "max_connections": "", "initial_r2t": "", "immediate_data": "", "max_burst_length": "",
        "first_burst_length": "",
        "default_time2wait": "2", "default_time2retain": "0",
        "max_outstanding_r2t": "", "data_pdu_in_order": "", "data_sequence_in_order": "",
        "error_recovery_level": "0",
        "task_reporting": "", "iscsi_protocol_level": "",
        "irrelevant": "|".join(DISCOVERY_IRRELEVANT),
    }


def test_discovery_irrelevant_keys_in_tree(tshark):
    assert param_lines(tshark, "real/discovery.pcap") == [
        "HeaderDigest: None (Initiator offered None,CRC32C in frame 4; Target answered None in frame 6)",
        "DataDigest: None (Initiator offered None in frame 4; Target answered None in frame 6)",
        "MaxConnections: irrelevant in a Discovery session (Initiator offered 1 in frame 4; Target answered 1 in frame 6)",
        "InitialR2T: irrelevant in a Discovery session (Initiator offered No in frame 4; Target answered Yes in frame 6)",
        "ImmediateData: irrelevant in a Discovery session (Initiator offered Yes in frame 4; Target answered Yes in frame 6)",
        "MaxBurstLength: irrelevant in a Discovery session (Initiator offered 262144 in frame 4; "
        "Target answered 262144 in frame 6)",
        "FirstBurstLength: irrelevant in a Discovery session (Initiator offered 262144 in frame 4; "
        "Target answered 65536 in frame 6)",
        "DefaultTime2Wait: 2 (Initiator offered 2 in frame 4; Target answered 2 in frame 6)",
        "DefaultTime2Retain: 0 (Initiator offered 0 in frame 4; Target answered 0 in frame 6)",
        "MaxOutstandingR2T: irrelevant in a Discovery session (Initiator offered 1 in frame 4; Target answered 1 in frame 6)",
        "DataPDUInOrder: irrelevant in a Discovery session (Initiator offered Yes in frame 4; Target answered Yes in frame 6)",
        "DataSequenceInOrder: irrelevant in a Discovery session (Initiator offered Yes in frame 4; "
        "Target answered Yes in frame 6)",
        "ErrorRecoveryLevel: 0 (Initiator offered 0 in frame 4; Target answered 0 in frame 6)",
        "TaskReporting: irrelevant in a Discovery session",
        "iSCSIProtocolLevel: irrelevant in a Discovery session",
        "Initiator MaxRecvDataSegmentLength: 262144 (declared by the initiator: largest PDU data it receives)",
        "Target MaxRecvDataSegmentLength: 8192 (default)",
    ]


def test_discovery_sessions_row(tshark):
    assert session_row(tshark, "real/discovery.pcap") == [
        "1", "iqn.2026-11.test.iscsi-login:init-discovery", "-", "800000000101", "0x0100", "Discovery", "Success",
        "1", "None", "None", "262144", "8192", "-", "-", "0", "3", "1", "0", "-"]


# ---- FirstBurstLength answered Irrelevant (InitialR2T=Yes, ImmediateData=No) ----

FBL = "crafted/first-burst-irrelevant.pcap"


@pytest.mark.parametrize("two_pass", [False, True])
def test_answered_irrelevant_has_no_field_value(tshark, two_pass):
    assert params(tshark, FBL, two_pass) == {
        "frame.number": "7",
        "header_digest": "None", "data_digest": "None", "max_connections": "1",
        "initial_r2t": "1", "immediate_data": "0", "max_burst_length": "262144",
        "first_burst_length": "",
        "default_time2wait": "2", "default_time2retain": "20", "max_outstanding_r2t": "1",
        "data_pdu_in_order": "1", "data_sequence_in_order": "1", "error_recovery_level": "0",
        "task_reporting": "RFC3720", "iscsi_protocol_level": "1",
        "irrelevant": "FirstBurstLength",
    }


def test_answered_irrelevant_in_tree(tshark):
    lines = param_lines(tshark, FBL)
    assert ("FirstBurstLength: Irrelevant (Initiator offered 65536 in frame 6; Target answered Irrelevant in frame 7)"
            in lines)
    assert not [x for x in lines if x.startswith("FirstBurstLength: 65536")]


def test_answered_irrelevant_sessions_row(tshark):
    assert session_row(tshark, FBL) == [
        "1", "iqn.2026-11.test.crafted:init1", "iqn.2026-11.test.crafted:disk1", "400001370000", "0x001a", "Normal",
        "Success", "1", "None", "None", "262144", "65536", "262144", "-", "0", "0", "1", "0", "-"]


def test_answered_irrelevant_filters(tshark):
    assert tshark.fields(FBL, ["frame.number"], "iscsi_login.param.first_burst_length") == []
    assert [r["frame.number"] for r in
            tshark.fields(FBL, ["frame.number"], 'iscsi_login.param.irrelevant == "FirstBurstLength"')] == ["7"]


def test_answered_irrelevant_is_no_finding(tshark):
    # the answer is right (RFC 7143 §13.14), and an irrelevant FirstBurstLength
    # is not compared with MaxBurstLength
    assert [e for e in tshark.experts(FBL) if e[1] not in ("login.summary",)] == []


# ---- relevant keys keep their typed fields, defaults included ----

def test_normal_session_keeps_values_and_defaults(tshark):
    p = params(tshark, "crafted/login-basic.pcap")
    assert (p["max_burst_length"], p["first_burst_length"], p["task_reporting"], p["irrelevant"]) == \
        ("262144", "65536", "RFC3720", "")


@pytest.mark.parametrize("capture, frame, text", [
    # Answered: the result.
    ("crafted/check-neg-renegotiated-text.pcap", "11",
     "MaxRecvDataSegmentLength=65536 (Initiator sent 65536 in frame 8; Target sent 65536 in frame 9)"),
    # A key of RFC 7143 offered in a Text sequence and answered Reject, Irrelevant
    # or NotUnderstood settles nothing; a key the analysis does not know is not judged.
    ("crafted/check-text-f-ttt.pcap", "9",
     "X-com.example.crafted.Ping: a key the analysis does not know, not judged "
     "(Initiator sent 1 in frame 8; Target sent NotUnderstood in frame 9)"),
])
def test_text_sequence_never_shows_an_offer_as_result(tshark, capture, frame, text):
    rows = tshark.fields(capture, ["frame.number", "iscsi_login.text.param"], "iscsi_login.text.param")
    assert [(r["frame.number"], r["iscsi_login.text.param"]) for r in rows] == [(frame, text)]
