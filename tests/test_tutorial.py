# SPDX-License-Identifier: GPL-2.0-or-later
"""docs/tutorial-esx-discovery.md walks captures/crafted/esx-discovery.pcap:
the values the tutorial shows are pinned here, so that a change in what the
plugin says about the classic ESX discovery fails a test (and the tutorial
gets updated with it).

Frames: 4/5 discovery login (operational stage only, TSIH 0x000c), 6/7
SendTargets=All, 8/9 Logout; 16-19 the Normal session's login (TSIH 0x000d),
20/21 NOP-Out / NOP-In."""
import pytest

CAP = "crafted/esx-discovery.pcap"
ESX = "iqn.1998-01.com.vmware:wdc-tse-h171-3c00d9ce"
EMC = "iqn.1992-05.com.emc:bb0050568c51390000-2"


def frames(tshark, fields, two_pass=True):
    """{frame number: row} of the frames that carry iscsi_login."""
    rows = tshark.fields(CAP, ["frame.number", *fields], display_filter="iscsi_login", two_pass=two_pass)
    return {int(r["frame.number"]): r for r in rows}


@pytest.mark.parametrize("two_pass", [False, True])
def test_sessions(tshark, two_pass):
    """Two sessions; each frame is placed in the right one, with its type,
    ISID, and the TSIH once the target assigned it."""
    rows = frames(tshark, ["iscsi_login.session", "iscsi_login.session_type", "iscsi_login.isid",
                           "iscsi_login.tsih", "iscsi_login.initiator_name", "iscsi_login.target_name"],
                  two_pass)
    assert sorted(rows) == [4, 5, 6, 7, 8, 9, 16, 17, 18, 19, 20, 21]
    for n, r in rows.items():
        disc = n < 16
        assert r["iscsi_login.session"] == ("1" if disc else "2"), n
        assert r["iscsi_login.session_type"] == ("Discovery" if disc else "Normal"), n
        assert r["iscsi_login.isid"] == ("00023d000000" if disc else "00023d000001"), n
        assert r["iscsi_login.initiator_name"] == ESX, n
        assert r["iscsi_login.target_name"] == ("" if disc else EMC), n
    # The requests before the final Login Response still carry TSIH 0.
    assert [rows[n]["iscsi_login.tsih"] for n in (4, 5, 6, 9)] == ["0x0000", "0x000c", "0x000c", "0x000c"]
    assert [rows[n]["iscsi_login.tsih"] for n in (16, 18, 19, 20, 21)] == \
        ["0x0000", "0x0000", "0x000d", "0x000d", "0x000d"]


def test_discovery_login(tshark):
    """Frame 5 closes the discovery login: one operational stage straight to
    full feature phase, and the walk-through's negotiated values."""
    r = frames(tshark, ["iscsi_login.login.outcome", "iscsi_login.login.stages", "iscsi_login.login.status",
                        "iscsi_login.login.first_frame", "iscsi_login.login.auth",
                        "iscsi_login.param.header_digest", "iscsi_login.param.data_digest",
                        "iscsi_login.param.default_time2wait", "iscsi_login.param.default_time2retain",
                        "iscsi_login.param.error_recovery_level",
                        "iscsi_login.param.max_recv_data_segment_length.initiator",
                        "iscsi_login.param.max_recv_data_segment_length.target",
                        "iscsi_login.param.max_burst_length", "iscsi_login.param.irrelevant"])[5]
    assert r["iscsi_login.login.outcome"] == "Success"
    assert r["iscsi_login.login.stages"] == "Operational -> Full feature"
    assert r["iscsi_login.login.status"] == "0x0000"
    assert r["iscsi_login.login.first_frame"] == "4"
    assert r["iscsi_login.login.auth"] == ""             # no security stage at all
    assert r["iscsi_login.param.header_digest"] == r["iscsi_login.param.data_digest"] == "None"
    # DefaultTime2Wait is a maximum-function key: offered 0, answered 2, result 2.
    assert r["iscsi_login.param.default_time2wait"] == "2"
    assert r["iscsi_login.param.default_time2retain"] == "0"
    assert r["iscsi_login.param.error_recovery_level"] == "0"
    # Declared per side, not negotiated: each side's own receive limit.
    assert r["iscsi_login.param.max_recv_data_segment_length.initiator"] == "32768"
    assert r["iscsi_login.param.max_recv_data_segment_length.target"] == "65536"
    # Normal-session-only keys are irrelevant in a Discovery session, not defaulted.
    assert r["iscsi_login.param.max_burst_length"] == ""
    irrelevant = r["iscsi_login.param.irrelevant"].split("|")
    assert {"MaxConnections", "MaxBurstLength", "FirstBurstLength", "ImmediateData"} <= set(irrelevant)


def test_discovery_result(tshark):
    rows = frames(tshark, ["iscsi_login.discovery.count", "iscsi_login.discovery.target",
                           "iscsi_login.discovery.address", "iscsi_login.discovery.tpgt", "iscsi_login.request_in",
                           "iscsi_login.response_in"])
    assert rows[7]["iscsi_login.discovery.count"] == "1"
    assert rows[7]["iscsi_login.discovery.target"] == EMC
    assert rows[7]["iscsi_login.discovery.address"] == "10.131.13.10:3260"
    assert rows[7]["iscsi_login.discovery.tpgt"] == "1"
    assert rows[7]["iscsi_login.request_in"] == "6"
    assert rows[6]["iscsi_login.response_in"] == "7"


def test_logout(tshark):
    rows = frames(tshark, ["iscsi_login.logout.reason_code", "iscsi_login.logout.response_code",
                           "iscsi_login.logout.time2wait", "iscsi_login.logout.time2retain",
                           "iscsi_login.logout.session_duration", "iscsi_login.request_in"])
    assert rows[8]["iscsi_login.logout.reason_code"] == "0"
    r = rows[9]
    assert (r["iscsi_login.logout.reason_code"], r["iscsi_login.logout.response_code"],
            r["iscsi_login.logout.time2wait"], r["iscsi_login.logout.time2retain"]) == ("0", "0", "2", "0")
    assert r["iscsi_login.request_in"] == "8"
    # From the final Login Response (frame 5, 0.000650 s) to the Logout Response (0.001700 s).
    assert float(r["iscsi_login.logout.session_duration"]) == pytest.approx(0.00105)


def test_normal_session_and_nop(tshark):
    rows = frames(tshark, ["iscsi_login.login.outcome", "iscsi_login.login.stages", "iscsi_login.login.auth",
                           "iscsi_login.param.max_recv_data_segment_length.initiator",
                           "iscsi_login.param.max_recv_data_segment_length.target",
                           "iscsi_login.request_in", "iscsi_login.response_in", "iscsi_login.response_time"])
    r = rows[19]
    assert r["iscsi_login.login.outcome"] == "Success"
    assert r["iscsi_login.login.stages"] == "Security -> Operational -> Full feature"
    assert r["iscsi_login.login.auth"] == "None"
    assert r["iscsi_login.param.max_recv_data_segment_length.initiator"] == "262144"
    assert r["iscsi_login.param.max_recv_data_segment_length.target"] == "65536"
    # The NOP-Out ping and its NOP-In are matched like any request and response.
    assert rows[20]["iscsi_login.response_in"] == "21"
    assert rows[21]["iscsi_login.request_in"] == "20"
    assert float(rows[21]["iscsi_login.response_time"]) == pytest.approx(0.0003)


def test_experts(tshark):
    """Only notes and chats: the obsolete marker keys, the two login
    summaries and the SendTargets result."""
    got = sorted((f, name) for f, name, _ in tshark.experts(CAP, two_pass=True))
    assert got == [(4, "neg.marker_offered"), (4, "neg.marker_offered"), (5, "login.summary"),
                   (7, "disc.result"), (19, "login.summary")]
    msgs = {m for _, _, m in tshark.experts(CAP, two_pass=True)}
    assert "Initiator offered IFMarker=No (RFC 3720 key removed by RFC 7143)" in msgs
    assert "SendTargets=All returned 1 target, 1 portal" in msgs


def test_tables(tshark):
    out = tshark.run("-n", "-r", tshark.capture(CAP), "-q", "-z", "iscsi,sessions", "-z", "iscsi,login").stdout
    cells = [[c.strip() for c in ln.split("|")] for ln in out.splitlines()]
    disc, normal = [c for c in cells if len(c) > 17 and c[0].isdigit()]
    assert disc[:7] == ["1", ESX, "-", "00023d000000", "0x000c", "Discovery", "Success"]
    assert normal[:7] == ["2", ESX, EMC, "00023d000001", "0x000d", "Normal", "Success"]
    # Connections, digests, initiator/target MRDSL, MaxBurstLength, FirstBurstLength, ERL, targets discovered.
    assert disc[8:17] == ["1", "None", "None", "32768", "65536", "-", "-", "0", "1"]
    assert normal[8:17] == ["1", "None", "None", "262144", "65536", "262144", "65536", "0", "0"]
    counts = {c[0]: c[1] for ln in out.splitlines() for c in [[x.strip() for x in ln.split("|")]] if len(c) > 2}
    assert counts["Discovery login"] == counts["Normal login"] == counts["SendTargets"] == counts["Logout"] == "1"
    assert counts[f"{ESX} -> (discovery)"] == counts[f"{ESX} -> {EMC}"] == "1"
    assert counts["0x0000 Success"] == "2"
