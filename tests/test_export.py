# SPDX-License-Identifier: GPL-2.0-or-later
"""Structured export keeps its shape (issue 15, parts 1, 2 and 4).

- `-T json`: every key under iscsi_login is a registered field (or protocol)
  name, `<name>_tree` for an item's children: never an item label such as
  "Login: Success" or "Keys (43)", which differ from packet to packet.
- `-T ek`: booleans are JSON booleans; numbers are numbers.  Wireshark 4.0's
  ek writer prints every non-boolean value as a string and leaves the typing
  to the mapping (`-G elastic-mapping`): there, a number must be a decimal
  string and its mapping a numeric type.
- Discovery: each target its own record, each address (host:port) with its
  own portal group tag.
- The session of a connection is on its SCSI command, data and response PDUs.
"""
import json

import pytest

from conftest import REPO

CAPTURES = sorted(str(p.relative_to(REPO / "captures")) for p in (REPO / "captures").glob("*/*.pcap"))
NUMERIC_MAPPINGS = {"long", "integer", "short", "byte"}


def pairs_hook(pairs):
    """Keep every key of an object, duplicates included (tshark -T json
    repeats a key for each occurrence of a field)."""
    return pairs


def all_keys(node, out):
    if isinstance(node, list):
        if node and all(isinstance(p, tuple) and len(p) == 2 for p in node):
            for k, v in node:
                out.add(k)
                all_keys(v, out)
        else:
            for v in node:
                all_keys(v, out)
    return out


def layer(pairs, name):
    """The value of key name in a list of (key, value) pairs, searched depth first."""
    if isinstance(pairs, list):
        for p in pairs:
            if isinstance(p, tuple) and len(p) == 2:
                if p[0] == name:
                    return p[1]
                found = layer(p[1], name)
                if found is not None:
                    return found
            else:
                found = layer(p, name)
                if found is not None:
                    return found
    return None


@pytest.fixture(scope="module")
def glossary(tshark):
    names = set()
    for line in tshark.run("-G", "fields").stdout.splitlines():
        cols = line.split("\t")
        if len(cols) > 2 and cols[0] in ("F", "P"):
            names.add(cols[2])
    assert "iscsi_login.keys" in names and "_ws.expert" in names
    return names


@pytest.mark.parametrize("capture", CAPTURES)
def test_json_keys_are_field_names(tshark, glossary, capture):
    out = tshark.run("-n", "-r", tshark.capture(capture), "-Y", "iscsi_login", "-T", "json", "-J", "iscsi_login").stdout
    packets = json.loads(out, object_pairs_hook=pairs_hook) if out.strip() else []
    bad = set()
    for pkt in packets:
        sub = layer(pkt, "iscsi_login")
        assert sub is not None, f"{capture}: a packet matching iscsi_login without its layer"
        for k in all_keys(sub, set()):
            if k not in glossary and not (k.endswith("_tree") and k[:-len("_tree")] in glossary):
                bad.add(k)
    assert not bad, f"{capture}: JSON keys under iscsi_login that are not field names: {sorted(bad)[:20]}"


def test_subtree_headers_are_fields(tshark):
    """The headers that were labels: login, keys (and each side), params,
    discovery, logout, text, finding, with their own values."""
    cap = tshark.capture("real/login-io-logout.pcap")
    pkts = json.loads(tshark.run("-n", "-r", cap, "-Y", "frame.number == 6 || frame.number == 29",
                                 "-T", "json", "-J", "iscsi_login", "--no-duplicate-keys").stdout)
    login = pkts[0]["_source"]["layers"]["iscsi_login"]
    assert login["iscsi_login.login"] == "Success"
    tree = login["iscsi_login.login_tree"]
    assert tree["iscsi_login.keys"] == "36"
    keys = tree["iscsi_login.keys_tree"]
    assert keys["iscsi_login.keys.initiator"]["iscsi_login.key.initiator"][0].startswith("InitiatorName=")
    assert keys["iscsi_login.keys.target"]["iscsi_login.key.target"][0] == "TargetPortalGroupTag=1"
    assert tree["iscsi_login.params"]["iscsi_login.param.max_burst_length"] == "262144"
    assert login["iscsi_login.finding"].startswith("Normal login of iqn.2026-11.test.iscsi-login:init-io")
    assert "iscsi_login.login.summary" in login["iscsi_login.finding_tree"]["_ws.expert"]
    logout = pkts[1]["_source"]["layers"]["iscsi_login"]
    assert logout["iscsi_login.logout"]["iscsi_login.logout.response_code"] == "0"


def ek_layer(tshark, capture, frame):
    out = tshark.run("-n", "-r", tshark.capture(capture), "-Y", f"frame.number == {frame}", "-T", "ek",
                     "-J", "iscsi_login").stdout
    docs = [json.loads(line) for line in out.splitlines() if line.startswith('{"timestamp"')]
    assert len(docs) == 1
    return docs[0]["layers"]["iscsi_login"]


@pytest.fixture(scope="module")
def ek_mapping(tshark):
    m = json.loads(tshark.run("-G", "elastic-mapping", "--elastic-mapping-filter", "iscsi_login").stdout)
    return m["mappings"]["properties"]["layers"]["properties"]["iscsi_login"]["properties"]


def ek_key(field):
    return "iscsi_login_" + field.replace(".", "_")


@pytest.mark.parametrize("capture,frame,field,value", [
    ("real/login-io-logout.pcap", 6, "iscsi_login.session", 1),
    ("real/login-io-logout.pcap", 6, "iscsi_login.keys", 36),
    ("real/login-io-logout.pcap", 6, "iscsi_login.param.max_burst_length", 262144),
    ("real/login-io-logout.pcap", 6, "iscsi_login.param.max_recv_data_segment_length.target", 8192),
    ("real/login-io-logout.pcap", 29, "iscsi_login.logout.time2wait", 0),
    ("real/login-io-logout.pcap", 13, "iscsi_login.session", 1),
    ("real/discovery.pcap", 9, "iscsi_login.discovery.count", 3),
    ("real/discovery.pcap", 9, "iscsi_login.discovery.tpgt", [1, 1, 1]),
])
def test_ek_numbers(tshark, ek_mapping, capture, frame, field, value):
    got = ek_layer(tshark, capture, frame)[ek_key(field)]
    vals, want = (got, value) if isinstance(value, list) else ([got], [value])
    for v, w in zip(vals, want, strict=True):
        if isinstance(v, str):
            # Wireshark 4.0: a decimal string, typed by the mapping.
            assert v == str(w), (field, v)
            assert ek_mapping[ek_key(field)]["type"] in NUMERIC_MAPPINGS, ek_mapping[ek_key(field)]
        else:
            assert v == w and not isinstance(v, bool), (field, v)


@pytest.mark.parametrize("field,value", [
    ("iscsi_login.param.initial_r2t", True),
    ("iscsi_login.param.immediate_data", True),
    ("iscsi_login.param.data_pdu_in_order", True),
])
def test_ek_booleans(tshark, ek_mapping, field, value):
    assert ek_layer(tshark, "real/login-io-logout.pcap", 6)[ek_key(field)] is value
    assert ek_mapping[ek_key(field)]["type"] == "boolean"


# ---- discovery records ------------------------------------------------------

def disc_fields(tshark, capture):
    return tshark.fields(capture, ["frame.number", "iscsi_login.discovery", "iscsi_login.discovery.count",
                                   "iscsi_login.discovery.target", "iscsi_login.discovery.address",
                                   "iscsi_login.discovery.tpgt"], "iscsi_login.discovery")


def test_discovery_fields_discovery(tshark):
    rows = disc_fields(tshark, "real/discovery.pcap")
    assert [(r["frame.number"], r["iscsi_login.discovery"], r["iscsi_login.discovery.count"]) for r in rows] == [("9", "All", "3")]
    r = rows[0]
    assert r["iscsi_login.discovery.target"] == ("iqn.2026-11.test.iscsi-login:disk1|iqn.2026-11.test.iscsi-login:disk2|"
                                                 "iqn.2026-11.test.iscsi-login:secure")
    assert r["iscsi_login.discovery.address"] == "127.0.0.1:3260|127.0.0.1:3260|127.0.0.1:3260"
    assert r["iscsi_login.discovery.tpgt"] == "1|1|1"


def test_discovery_fields_multi_portal(tshark):
    rows = disc_fields(tshark, "real/ls-multi-portal.pcap")
    disks = "|".join(f"iqn.2026-11.test.iscsi-login:disk{i}" for i in range(1, 5))
    assert [(r["frame.number"], r["iscsi_login.discovery.target"], r["iscsi_login.discovery.address"],
             r["iscsi_login.discovery.tpgt"]) for r in rows] == [
        ("9", disks, "|".join(["127.0.0.82:3260"] * 4), "1|1|1|1"),
        ("135", disks, "|".join(["127.0.0.83:3260"] * 4), "1|1|1|1"),
    ]


def test_discovery_fields_large(tshark):
    rows = disc_fields(tshark, "real/sendtargets-large.pcap")
    assert len(rows) == 1 and rows[0]["iscsi_login.discovery.count"] == "300"
    r = rows[0]
    assert r["iscsi_login.discovery.target"].split("|") == [f"iqn.2026-11.test.iscsi-login:bulk-{i:03d}" for i in range(1, 301)]
    assert r["iscsi_login.discovery.address"].split("|") == ["127.0.0.1:3260"] * 300
    assert r["iscsi_login.discovery.tpgt"].split("|") == ["1"] * 300


def test_discovery_occurrence(tshark):
    """The default aggregator (a comma) splits into as many addresses as tags:
    no comma inside a value; -E occurrence=f|l and a custom column's
    occurrence pick one address and its tag."""
    cap = tshark.capture("crafted/sendtargets-discovery.pcap")
    want = [("127.0.0.1:3260", "1"), ("127.0.0.6:3260", "1"), ("127.0.0.1:3260", "1"), ("127.0.0.1:3260", "1")]

    def fields(*opts):
        return tshark.run("-n", "-r", cap, "-Y", "iscsi_login.discovery", "-T", "fields", *opts,
                          "-e", "iscsi_login.discovery.address", "-e", "iscsi_login.discovery.tpgt").stdout.strip().split("\t")
    addrs, tags = fields()
    assert list(zip(addrs.split(","), tags.split(","), strict=True)) == want
    assert fields("-E", "occurrence=f") == list(want[0])
    assert fields("-E", "occurrence=l") == list(want[-1])
    for n, (addr, tag) in enumerate(want, 1):
        out = tshark.run("-n", "-r", cap, "-Y", "iscsi_login.discovery", "-o",
                         f'gui.column.format:"A","%Cus:iscsi_login.discovery.address:{n}",'
                         f'"T","%Cus:iscsi_login.discovery.tpgt:{n}"').stdout
        assert out.split() == [addr, tag]


def targets_json(tshark, capture, frame):
    pkts = json.loads(tshark.run("-n", "-r", tshark.capture(capture), "-Y", f"frame.number == {frame}", "-T", "json",
                                 "-J", "iscsi_login", "--no-duplicate-keys").stdout)
    d = pkts[0]["_source"]["layers"]["iscsi_login"]["iscsi_login.discovery_tree"]

    def listed(v):
        return v if isinstance(v, list) else [v]
    res = []
    for name, rec in zip(listed(d["iscsi_login.discovery.target"]), listed(d["iscsi_login.discovery.target_tree"]),
                         strict=True):
        addrs = listed(rec["iscsi_login.discovery.address"])
        tags = [t["iscsi_login.discovery.tpgt"] for t in listed(rec["iscsi_login.discovery.address_tree"])]
        res.append((name, list(zip(addrs, tags, strict=True))))
    return res


def test_discovery_json_records(tshark):
    """Each target its own object holding its own addresses, each with its tag."""
    assert targets_json(tshark, "crafted/sendtargets-discovery.pcap", 11) == [
        ("iqn.2026-11.test.crafted:disk1", [("127.0.0.1:3260", "1"), ("127.0.0.6:3260", "1")]),
        ("iqn.2026-11.test.crafted:disk2", [("127.0.0.1:3260", "1")]),
        ("iqn.2026-11.test.crafted:tape1", [("127.0.0.1:3260", "1")]),
    ]
    assert targets_json(tshark, "real/discovery.pcap", 9) == [
        (f"iqn.2026-11.test.iscsi-login:{t}", [("127.0.0.1:3260", "1")]) for t in ("disk1", "disk2", "secure")]
    assert targets_json(tshark, "real/ls-multi-portal.pcap", 135) == [
        (f"iqn.2026-11.test.iscsi-login:disk{i}", [("127.0.0.83:3260", "1")]) for i in range(1, 5)]
    large = targets_json(tshark, "real/sendtargets-large.pcap", 15)
    assert len(large) == 300 and large[-1] == ("iqn.2026-11.test.iscsi-login:bulk-300", [("127.0.0.1:3260", "1")])


def test_discovery_ipv6_address(tshark):
    rows = disc_fields(tshark, "real/ipv6-ls.pcap")
    assert [(r["iscsi_login.discovery.address"], r["iscsi_login.discovery.tpgt"]) for r in rows] == [
        ("[::1]:3260|[::1]:3260", "1|1")]


# ---- the session on every PDU ------------------------------------------------

IO_SESSION_FRAMES = [4, 6, 8, 9, 10, 11, 12, 13, 14, 15, 17, 19, 21, 23, 24, 25, 26, 27, 28, 29]


@pytest.mark.parametrize("two_pass", [False, True])
def test_session_filter_selects_scsi_traffic(tshark, two_pass):
    """Login, SCSI commands, data, responses and the logout; not the TCP
    segments without an iSCSI PDU (16, 20: parts of a reassembled PDU)."""
    rows = tshark.fields("real/login-io-logout.pcap", ["frame.number"], "iscsi_login.session == 1", two_pass=two_pass)
    assert [int(r["frame.number"]) for r in rows] == IO_SESSION_FRAMES


def test_session_field_on_data_frames(tshark):
    rows = tshark.fields("real/login-io-logout.pcap", ["frame.number", "iscsi.opcode", "iscsi_login.session"])
    by_frame = {int(r["frame.number"]): r for r in rows}
    for n in (8, 9, 13, 17, 25):        # SCSI Command, Response, Data-In + Response, Data-Out, Read data
        assert by_frame[n]["iscsi_login.session"] == "1", by_frame[n]
    for n in (1, 2, 3, 5, 16, 20, 30):  # TCP only
        assert by_frame[n]["iscsi_login.session"] == "", by_frame[n]


def test_session_custom_column(tshark):
    out = tshark.run("-n", "-r", tshark.capture("real/login-io-logout.pcap"), "-o",
                     'gui.column.format:"No.","%m","Session","%Cus:iscsi_login.session"').stdout
    cols = {int(line.split()[0]): line.split()[1:] for line in out.splitlines() if line.strip()}
    assert cols[13] == ["1"] and cols[25] == ["1"] and cols[16] == []


def test_sessions_kept_apart(tshark):
    """Two sessions' SCSI traffic: each frame of the capture with an iSCSI PDU
    after its connection's login shows that connection's session."""
    rows = tshark.fields("real/multi-session.pcap", ["frame.number", "tcp.stream", "iscsi_login.session", "iscsi.opcode"],
                         "iscsi")
    per_stream = {}
    for r in rows:
        if r["iscsi_login.session"]:
            per_stream.setdefault(r["tcp.stream"], set()).add(r["iscsi_login.session"])
    assert len(per_stream) >= 2
    assert all(len(s) == 1 for s in per_stream.values()), per_stream
    assert len({next(iter(s)) for s in per_stream.values()}) == len(per_stream)
