#!/usr/bin/python3
"""Write the crafted iSCSI captures to captures/crafted/<name>.pcap.

    python3 captures/make-crafted-captures.py            # write all
    python3 captures/make-crafted-captures.py NAME...    # write some
    python3 captures/make-crafted-captures.py --verify   # + check with tshark
    python3 captures/make-crafted-captures.py --readme   # + rewrite README.md

Output is deterministic: fixed start time, fixed ISNs, explicit time gaps,
no randomness.  Each scenario is one small function registered with
@scenario; its docstring is copied into crafted/README.md.

To add a protocol-violation capture: write a function that builds the normal
flow with the helpers below and injects exactly one fault -- a keyword on a
builder (c.login_req(..., itt=0x99)), a key change (changes={...}), or a hook
(c.hook = lambda label, pdu: ...) that edits/replaces/drops one PDU by label.
"""

import hashlib
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)

from iscsipcap import (  # noqa: E402
    INITIATOR, TARGET, IscsiConnection, Pcap, Session, TcpConnection,
    capture_start, OP_KEYS, RESERVED_TAG,
)

OUT_DIR = os.path.join(HERE, "crafted")

ISID = 0x400001370000           # type 01 (IANA EN) prefix, fixed qualifier
INITIATOR_NAME = "iqn.2026-11.test.crafted:init1"
DISK1 = "iqn.2026-11.test.crafted:disk1"
DISK2 = "iqn.2026-11.test.crafted:disk2"
TAPE1 = "iqn.2026-11.test.crafted:tape1"
INITIATOR_IP, TARGET_IP = "127.0.0.2", "127.0.0.1"

SCENARIOS = []


def scenario(name):
    def register(fn):
        SCENARIOS.append((name, fn))
        return fn
    return register


def connect(pcap, session, *, port=40001, target=(TARGET_IP, 3260), cid=0,
            statsn=None, capture=True):
    """TCP connection (handshake emitted if capture) + iSCSI connection."""
    tcp = TcpConnection(pcap, (INITIATOR_IP, port), target, capture=capture)
    tcp.open()
    return IscsiConnection(tcp, session, cid=cid,
                           statsn=0x1000 + cid * 0x1000 if statsn is None else statsn)


# ---------------------------------------------------------------------------

@scenario("login-basic")
def login_basic(pcap):
    """One normal session on 127.0.0.2:40001 -> 127.0.0.1:3260.
    Security stage (CSG 0 -> NSG 1, T=1) with InitiatorName, TargetName,
    SessionType=Normal, AuthMethod=None; answer AuthMethod=None,
    TargetPortalGroupTag=1.  Operational stage (CSG 1 -> NSG 3, T=1) with the
    typical 14-key offer, answered with RFC results and TSIH 0x0012.  FFP:
    SCSI INQUIRY (Command, Data-In with 36 bytes, SCSI Response), Logout
    reason 0 and its response, FIN from the initiator."""
    s = Session(ISID, INITIATOR_NAME, DISK1, tsih_assigned=0x0012)
    c = connect(pcap, s)
    c.login("none")
    c.inquiry()
    c.logout(0)
    c.tcp.close()


@scenario("cbit-split-key")
def cbit_split_key(pcap):
    """C-bit continuation in login and in FFP Text (TSIH 0x0013).
    Operational-stage Login Request split with C=1 after "MaxBurstLen"
    (next PDU starts "gth=262144"); the C=1 request is answered by an empty
    Login Response (T=0, C=0).  The operational Login Response is split with
    C=1 after "MaxBurstLength=26" (next starts "2144"); the initiator answers
    the C=1 response with an empty Login Request (T=1, NSG=3), then the final
    Login Response (T=1, TSIH 0x0013) follows.  FFP: Text Request
    X-com.example.crafted.Inventory=All; Text Response 1 has C=1, F=0,
    TTT=0x00000a01 and ends in the middle of the value ("...lun1:di"); empty
    Text Request F=1 TTT=0x00000a01; Text Response 2 has F=1,
    TTT=0xffffffff with the rest.  Logout reason 0, FIN."""
    s = Session(ISID, INITIATOR_NAME, DISK1, tsih_assigned=0x0013)
    c = connect(pcap, s)
    c.security_stage("none")
    c.operational_stage(req_split=[b"MaxBurstLen"], rsp_split=[b"MaxBurstLength=26"])
    c.text_exchange([("X-com.example.crafted.Inventory", "All")],
                    [[("X-com.example.crafted.Inventory",
                       "lun0:disk1:8GiB,lun1:disk1:16GiB,lun2:disk1:32GiB"),
                      ("X-com.example.crafted.Firmware", "4.0.17-crafted")]],
                    rsp_split=[b"lun1:di"])
    c.logout(0)
    c.tcp.close()


@scenario("two-pdus-one-segment")
def two_pdus_one_segment(pcap):
    """Several PDUs in one TCP segment (TSIH 0x0014).
    Login (AuthMethod=None, then operational stage); the final Login
    Response (T=1, NSG=3) and a NOP-In ping (ITT=0xffffffff,
    TTT=0x00000b01) travel in ONE segment; the initiator answers with a
    NOP-Out (ITT=0xffffffff, TTT=0x00000b01, I=1).  Then a Text Request
    (X-com.example.crafted.Ping=1, F=1) and a Logout Request (reason 0) in
    ONE segment, and the Text Response
    (X-com.example.crafted.Ping=NotUnderstood) and the Logout Response in
    ONE segment.  FIN."""
    s = Session(ISID, INITIATOR_NAME, DISK1, tsih_assigned=0x0014)
    c = connect(pcap, s)

    def ping_after_final_response(label, pdu):
        if label == "op-rsp-1":
            return [pdu, c.nop_in(ttt=0x00000B01, label="nop-in-ping")]
        return pdu

    c.hook = ping_after_final_response
    c.login("none")
    c.hook = None
    c.send(c.nop_out(itt=RESERVED_TAG, ttt=0x00000B01))
    text = c.text_req([("X-com.example.crafted.Ping", "1")])
    logout = c.logout_req(0)
    c.send(text, logout)
    c.send(c.text_rsp([("X-com.example.crafted.Ping", "NotUnderstood")],
                      itt=text.get(16, "I")),
           c.logout_rsp(itt=logout.get(16, "I")), gap_us=400)
    c.tcp.close()


@scenario("pdu-three-segments")
def pdu_three_segments(pcap):
    """One Login Request in three TCP segments (TSIH 0x0015).
    Security stage with AuthMethod=None; the operational-stage Login Request
    (T=1, CSG 1 -> NSG 3) carries the 14 typical keys plus TaskReporting,
    iSCSIProtocolLevel and InitiatorAlias, and its bytes are cut into three
    segments of about equal size (the first holds the whole 48-byte BHS);
    tshark shows the reassembled PDU in the third segment's frame.  Login
    Response, Logout reason 0, FIN."""
    s = Session(ISID, INITIATOR_NAME, DISK1, tsih_assigned=0x0015)
    c = connect(pcap, s)
    c.segmentation["op-req-1"] = 3
    keys = OP_KEYS + [("TaskReporting", "RFC3720,ResponseFence"),
                      ("iSCSIProtocolLevel", "1"),
                      ("InitiatorAlias", "crafted-initiator-one.example.test")]
    c.login("none", op_keys=keys)
    c.logout(0)
    c.tcp.close()


@scenario("retransmission")
def retransmission(pcap):
    """Real TCP retransmissions during login (TSIH 0x0016).
    The first Login Request segment (security stage) is sent again 200 ms
    later with the same seq, ack and bytes; the final Login Response segment
    (operational stage, T=1, NSG=3) likewise.  Logout reason 0, FIN."""
    s = Session(ISID, INITIATOR_NAME, DISK1, tsih_assigned=0x0016)
    c = connect(pcap, s)

    def resend(labels, segments):
        if {"sec-req-1", "op-rsp-1"} & set(labels):
            c.tcp.retransmit(segments[-1], gap_us=200_000)

    c.after_send = resend
    c.login("none")
    c.after_send = None
    c.logout(0)
    c.tcp.close()


@scenario("second-connection")
def second_connection(pcap):
    """Multiple connections per session (TSIH 0x0021).
    Connection 1 (port 40001, CID 0, TSIH 0) logs in with MaxConnections=2
    and gets TSIH 0x0021; it runs an INQUIRY.  Connection 2 (port 40002) logs
    in with the same ISID, TSIH 0x0021 and CID 1 (add connection: no
    SessionType, only HeaderDigest, DataDigest, MaxRecvDataSegmentLength in
    the operational stage; its own StatSN space starting at 0x2000) and runs
    READ CAPACITY(10); connection 1 runs TEST UNIT READY.  Logout reason 1
    (close connection) for CID 1 on connection 2 and FIN there, then Logout
    reason 0 (close session) on connection 1 and FIN."""
    s = Session(ISID, INITIATOR_NAME, DISK1, tsih_assigned=0x0021)
    c0 = connect(pcap, s, port=40001, cid=0)
    c0.login("none", changes={"MaxConnections": "2"})
    c0.inquiry()
    c1 = connect(pcap, s, port=40002, cid=1)
    c1.login("none")
    c1.read_capacity()
    c0.test_unit_ready()
    c1.logout(1)
    c1.tcp.close()
    c0.logout(0)
    c0.tcp.close()


@scenario("mid-login-start")
def mid_login_start(pcap):
    """Capture starts in the middle of a login (TSIH 0x0017).
    The handshake and the security-stage exchange (AuthMethod=None,
    TargetPortalGroupTag=1) happen but are not captured.  The first frame is
    the operational-stage Login Request (CSG 1 -> NSG 3, T=1) with valid
    mid-stream seq/ack; Login Response with TSIH 0x0017; Logout reason 0 and
    response; FIN."""
    s = Session(ISID, INITIATOR_NAME, DISK1, tsih_assigned=0x0017)
    tcp = TcpConnection(pcap, (INITIATOR_IP, 40001), (TARGET_IP, 3260), capture=False)
    tcp.open()
    c = IscsiConnection(tcp, s)
    c.security_stage("none")
    tcp.start_capture()
    c.operational_stage()
    c.logout(0)
    tcp.close()


@scenario("sendtargets-discovery")
def sendtargets_discovery(pcap):
    """Discovery session with a long SendTargets reply (TSIH 0x0018).
    Login with InitiatorName, SessionType=Discovery, AuthMethod=None (no
    TargetName); operational stage with HeaderDigest, DataDigest,
    MaxRecvDataSegmentLength, DefaultTime2Wait, DefaultTime2Retain,
    ErrorRecoveryLevel.  Text Request SendTargets=All (F=1, TTT=0xffffffff)
    -> Text Response part 1 (F=0, C=0, TTT=0x00000a01: disk1 with two
    addresses 127.0.0.1:3260,1 and 127.0.0.6:3260,1, disk2 at
    127.0.0.1:3260,1) -> empty Text Request (F=1, TTT=0x00000a01, same ITT)
    -> Text Response part 2 (F=1, TTT=0xffffffff: tape1 at 127.0.0.1:3260,1).
    Logout reason 0, FIN."""
    s = Session(ISID, INITIATOR_NAME, None, tsih_assigned=0x0018)
    c = connect(pcap, s)
    c.login("none")
    part1 = [("TargetName", DISK1), ("TargetAddress", "127.0.0.1:3260,1"),
             ("TargetAddress", "127.0.0.6:3260,1"),
             ("TargetName", DISK2), ("TargetAddress", "127.0.0.1:3260,1")]
    part2 = [("TargetName", TAPE1), ("TargetAddress", "127.0.0.1:3260,1")]
    c.text_exchange([("SendTargets", "All")], [part1, part2])
    c.logout(0)
    c.tcp.close()


@scenario("login-failed-auth")
def login_failed_auth(pcap):
    """CHAP one-way authentication failure.
    Security stage, T=0: InitiatorName, TargetName, SessionType=Normal,
    AuthMethod=CHAP,None -> AuthMethod=CHAP, TargetPortalGroupTag=1;
    CHAP_A=5 -> CHAP_A=5, CHAP_I=1, CHAP_C=0xc0ffee00... (16 bytes, fake);
    T=1 NSG=1 with CHAP_N=<initiator name>, CHAP_R=0xdeadbeef... (16 bytes,
    fake) -> Login Response status 0x0201 (authentication failure), no data,
    TSIH 0.  The target closes the TCP connection (FIN first)."""
    s = Session(ISID, INITIATOR_NAME, DISK1)
    c = connect(pcap, s)
    c.security_stage("chap", chap_fail=True)
    c.tcp.close(first=TARGET)


@scenario("redirect")
def redirect(pcap):
    """Login redirection (TSIH 0x0019).
    Connection to 127.0.0.1:3260: the first Login Request (security stage)
    is answered with status 0x0101 (target moved temporarily) and
    TargetAddress=127.0.0.3:3260; the target closes TCP.  The initiator
    opens 127.0.0.2:40002 -> 127.0.0.3:3260 with the same ISID, TSIH 0 and
    a new ITT, logs in (AuthMethod=None, operational stage, TSIH 0x0019),
    then Logout reason 0 and FIN."""
    s = Session(ISID, INITIATOR_NAME, DISK1, tsih_assigned=0x0019)
    c = connect(pcap, s)
    c.security_stage("none", first_status=0x0101,
                     first_rsp_keys=[("TargetAddress", "127.0.0.3:3260")])
    c.tcp.close(first=TARGET)
    c2 = connect(pcap, s, port=40002, target=("127.0.0.3", 3260))
    c2.login("none")
    c2.logout(0)
    c2.tcp.close()


# ---------------------------------------------------------------------------

def build(name, fn):
    pcap = Pcap(capture_start())
    fn(pcap)
    return pcap


TSHARK_OPTS = ["-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE"]


def tshark_fields(path, fields):
    cmd = ["tshark", "-r", path] + TSHARK_OPTS + [
        "-T", "fields", "-E", "occurrence=a", "-E", "aggregator= "]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def tshark_blind(info):
    """Frames tshark 4.0 does not hand to iSCSI although they hold PDUs:
    retransmissions (tcp.no_subdissector_on_error and reassembly), and
    segments whose first PDU is a Text Request/Response with neither or
    both of F and C set (the dissector's header sanity check wants exactly
    one: packet-iscsi.c, dissect_iscsi())."""
    if "retransmission_of" in info:
        return "retransmission"
    pdus = info.get("pdus", [])
    if pdus and "bytes" not in info and pdus[0].get("opcode") in (0x04, 0x24) \
            and pdus[0]["flags"] & 0xC0 not in (0x80, 0x40):
        return "Text PDU with F=%d C=%d starts the segment" % (
            pdus[0]["flags"] >> 7, pdus[0]["flags"] >> 6 & 1)
    return None


SEVERITY_WARN = 6291456         # _ws.expert.severity: warn 0x600000, error 0x800000


def verify(name, path, pcap):
    """Every PDU we wrote must be dissected as iSCSI in the frame holding its
    last byte (except frames tshark_blind() explains), IP and TCP checksums
    must be good, and no expert info may be a warning or an error."""
    problems = []
    rows = tshark_fields(path, ["frame.number", "iscsi.opcode", "tcp.checksum.status",
                                "ip.checksum.status", "_ws.expert.severity",
                                "_ws.expert.message"])
    if len(rows) != len(pcap.frames):
        problems.append("tshark read %d frames, wrote %d" % (len(rows), len(pcap.frames)))
    for (ts, frame, info), row in zip(pcap.frames, rows):
        num, opcodes, tcp_ck, ip_ck, sev, msg = (row + [""] * 6)[:6]
        want = [] if tshark_blind(info) else \
            ["0x%02x" % p["opcode"] for p in info.get("pdus", []) if "opcode" in p]
        got = opcodes.split() if opcodes else []
        if got != want:
            problems.append("frame %s: iSCSI opcodes %s, expected %s" % (num, got, want))
        if tcp_ck != "1" or ip_ck != "1":     # 1 = Good
            problems.append("frame %s: checksum status tcp=%s ip=%s" % (num, tcp_ck, ip_ck))
        if any(int(v) >= SEVERITY_WARN for v in sev.split()):
            problems.append("frame %s: expert %s" % (num, msg))
    return problems


README_FIELDS = ["frame.number", "ip.src", "tcp.srcport", "ip.dst", "tcp.dstport",
                 "tcp.len", "iscsi.opcode", "iscsi.login.T", "iscsi.login.C",
                 "iscsi.login.csg", "iscsi.login.nsg", "iscsi.text.F", "iscsi.text.C",
                 "iscsi.isid", "iscsi.tsih", "iscsi.cid", "iscsi.initiatortasktag",
                 "iscsi.targettransfertag", "iscsi.login.status", "iscsi.keyvalue"]

README_HEAD = """# Crafted iSCSI captures

Generated by `captures/make-crafted-captures.py` with the library
`captures/iscsipcap.py` (Python 3 standard library only).  Do not edit the
pcaps by hand; change the scenario and regenerate:

    /usr/bin/python3 captures/make-crafted-captures.py            # all captures
    /usr/bin/python3 captures/make-crafted-captures.py redirect   # one capture
    /usr/bin/python3 captures/make-crafted-captures.py --verify   # + tshark checks
    /usr/bin/python3 captures/make-crafted-captures.py --readme   # + rewrite this file
    sha256sum captures/crafted/*.pcap                             # byte-identical on re-run

Common to all captures: initiator 127.0.0.2 (ports 40001, 40002), target
127.0.0.1:3260 (and 127.0.0.3:3260 in `redirect`), ISID 0x400001370000,
InitiatorName iqn.2026-11.test.crafted:init1, target
iqn.2026-11.test.crafted:disk1, start 2026-11-02 10:00:00 UTC, no digests,
initial CmdSN 1 (login requests keep it; ExpCmdSN echoes it), target StatSN
starts at 0x1000 on CID 0 and 0x2000 on CID 1 and grows by one per response.
Key values are RFC 7143 results computed by `iscsipcap.answer_keys()`
(target supports MaxBurstLength 1048576, MaxConnections 8, declares
MaxRecvDataSegmentLength=65536).

`--verify` checks with tshark 4.0 that every PDU is dissected as iSCSI in the
frame holding its last byte (frames tshark is known to skip are listed
below), that IP and TCP checksums are good (`-o tcp.check_checksum:TRUE -o
ip.check_checksum:TRUE`), and that no expert info is a warning or an error
(malformed packets, bad checksums).

## Adding a scenario (one fault per capture)

Write one function in `make-crafted-captures.py`, decorate it with
`@scenario("name")`, give it a docstring saying exactly what the capture
holds, and build the normal flow with the helpers.  Then inject the fault in
one of three ways:

```python
@scenario("login-itt-changes")
def login_itt_changes(pcap):
    \"\"\"... the operational-stage Login Request carries ITT 0x99 ...\"\"\"
    s = Session(ISID, INITIATOR_NAME, DISK1, tsih_assigned=0x0030)
    c = connect(pcap, s)
    # 1. hook on a PDU label: edit in place, replace, return a list to add
    #    PDUs to the same segment, or None to drop the PDU
    c.hook = lambda label, pdu: pdu.put(16, "I", 0x99) if label == "op-req-1" else pdu
    # 2. key changes: c.login("none", changes={"MaxBurstLength": "1024",
    #                                          "InitialR2T": None})   # None drops a key
    # 3. builder keywords: c.send(c.login_req(keys, t=True, csg=1, nsg=3, tsih=7))
    c.login("none")
    c.logout(0)
    c.tcp.close()
```

Other knobs: `c.segmentation["op-req-1"] = 3` (or a list of byte cuts),
`c.after_send = fn(labels, segments)` (e.g. `c.tcp.retransmit(segments[-1])`),
`TcpConnection(..., capture=False)` + `start_capture()`, `Pdu.dsl` / `ahs_len`
/ `pad` for lying lengths, raw `bytes` anywhere in `text(...)` or in
`c.send(...)`, and `c.header_digest = c.data_digest = True` after login for
CRC32C digests.  Counters are updated when a PDU is built, so a hook that
drops or adds PDUs leaves the later CmdSN/StatSN values unchanged.

## How tshark 4.0 dissects these captures

* iSCSI is found by the heuristic on port 3260 (`iscsi.target_ports`); the
  dissector then claims the TCP conversation.  It works from the first
  captured PDU, so `mid-login-start` (no SYN, starts with an operational-stage
  Login Request) is dissected normally.
* **Text PDUs with F=0 and C=0 at the start of a segment are not dissected.**
  The dissector's header sanity check (`dissect_iscsi()` in packet-iscsi.c)
  accepts a Text Request/Response only if byte 1 is exactly 0x80 (F) or 0x40
  (C).  The RFC-correct first part of a long reply (F=0, C=0, TTT≠ffffffff,
  RFC 7143 section 5) is therefore shown as plain TCP `Data` -- frame 9 of
  `sendtargets-discovery`.  No preference or Decode As avoids it (Decode As
  runs the same check).  The check only looks at the first PDU of a
  segment, so the same PDU later in a segment would be dissected.  A plugin
  that relies on the built-in `iscsi.*` fields will not see these PDUs.
* Retransmitted segments are not dissected as iSCSI (`[TCP Retransmission]`
  only): the data was already reassembled, and `tcp.no_subdissector_on_error`
  defaults to TRUE.  To see the PDU again use
  `-o tcp.no_subdissector_on_error:FALSE -o tcp.analyze_sequence_numbers:FALSE`
  (turning off only one of them is not enough).  Expert info: Note
  "This frame is a (suspected) retransmission".
* A PDU split over TCP segments appears in the frame that completes it.  The
  frames before it show only TCP payload.
* Several PDUs in one segment appear as several `iSCSI` trees in one frame.
  With `-T fields` their values share one line.
* `iscsi.login.nsg` is shown only when T=1.  Login Requests are shown with
  opcode 0x03 (the I bit is the separate field `iscsi.I`).
* Expert info for every capture: only TCP Chats (SYN, SYN/ACK, FIN) and Notes
  (connection closing, plus the retransmissions); no warnings, no errors, no
  malformed packets.  With `-o tcp.check_checksum:TRUE -o
  ip.check_checksum:TRUE` every checksum is Good.

Tables below: the output of

    tshark -r F -o tcp.check_checksum:TRUE -T fields -E occurrence=a -E 'aggregator= ' \\
      -e frame.number -e ip.src -e tcp.srcport -e ip.dst -e tcp.dstport -e tcp.len \\
      -e iscsi.opcode -e iscsi.login.T -e iscsi.login.C -e iscsi.login.csg \\
      -e iscsi.login.nsg -e iscsi.text.F -e iscsi.text.C -e iscsi.isid -e iscsi.tsih \\
      -e iscsi.cid -e iscsi.initiatortasktag -e iscsi.targettransfertag \\
      -e iscsi.login.status -e iscsi.keyvalue

(key=value pairs separated by spaces; fields of several PDUs in one frame are
space-separated too; empty fields are not printed for frames without iSCSI).
The generator labels in the second table are the `label` of each PDU -- the
names a fault-injection hook (`IscsiConnection.hook`) matches on.

Opcodes: 0x03 Login Request (0x43 with I), 0x23 Login
Response, 0x04 Text Request, 0x24 Text Response, 0x06 Logout Request, 0x26
Logout Response, 0x01 SCSI Command, 0x25 SCSI Data-In, 0x21 SCSI Response,
0x00 NOP-Out, 0x20 NOP-In.  tshark prints the opcode without the I bit.
"""


def _pdu_summary(p):
    parts = ["%s F=%d C=%d ITT=0x%08x" % (p["name"], p["flags"] >> 7,
                                         p["flags"] >> 6 & 1, p["itt"])]
    if "ttt" in p:
        parts.append("TTT=0x%08x" % p["ttt"])
    parts += ["`%s`" % t for t in p.get("text", []) if t]
    return " ".join(parts)


def readme_section(name, fn, path, pcap):
    rows = tshark_fields(path, README_FIELDS)
    doc = " ".join(fn.__doc__.split())
    digest = hashlib.sha256(pcap.to_bytes()).hexdigest()
    out = ["## %s.pcap" % name, "", doc, "",
           "%d frames, sha256 `%s`." % (len(pcap.frames), digest), "", "```"]
    out += ["\t".join(r).rstrip() for r in rows]
    out += ["```", "", "| frame | dir | TCP | PDUs (generator labels) | note |",
            "|---|---|---|---|---|"]
    for n, (ts, frame, info) in enumerate(pcap.frames, 1):
        pdus = ", ".join("%s `%s`" % (p.get("name", "raw"), p.get("label", ""))
                         for p in info.get("pdus", []))
        note = []
        if "bytes" in info:
            note.append("bytes %d-%d of the split payload" % info["bytes"])
        if "retransmission_of" in info:
            note.append("retransmission of frame %d" % info["retransmission_of"])
        blind = tshark_blind(info)
        if blind and info.get("pdus") and "retransmission_of" not in info:
            note.append("**not dissected as iSCSI by tshark 4.0** (%s); carries %s"
                        % (blind, "; ".join(_pdu_summary(p) for p in info["pdus"])))
        elif blind and info.get("pdus"):
            note.append("not dissected as iSCSI by tshark 4.0 (%s)" % blind)
        out.append("| %d | %s | %s | %s | %s |" % (
            n, "I→T" if info["side"] == INITIATOR else "T→I", info["tcp"],
            pdus, "; ".join(note)))
    out.append("")
    return "\n".join(out)


def main(argv):
    want_verify = "--verify" in argv
    want_readme = "--readme" in argv
    names = [a for a in argv if not a.startswith("--")]
    unknown = set(names) - {n for n, _ in SCENARIOS}
    if unknown:
        sys.exit("unknown scenario(s): %s" % ", ".join(sorted(unknown)))
    os.makedirs(OUT_DIR, exist_ok=True)
    failed = False
    sections = []
    for name, fn in SCENARIOS:
        if names and name not in names and not want_readme:
            continue
        pcap = build(name, fn)
        path = os.path.join(OUT_DIR, name + ".pcap")
        size = pcap.write(path)
        assert size < 1_000_000, name
        print("wrote %s (%d frames, %d bytes)" % (os.path.relpath(path), len(pcap.frames), size))
        if want_verify:
            problems = verify(name, path, pcap)
            for p in problems:
                print("  VERIFY FAILED %s: %s" % (name, p))
            for n, (_, _, info) in enumerate(pcap.frames, 1):
                if tshark_blind(info) and info.get("pdus"):
                    print("  note: frame %d not dissected as iSCSI by tshark (%s)"
                          % (n, tshark_blind(info)))
            if not problems:
                print("  verified with tshark: ok")
            failed |= bool(problems)
        if want_readme:
            sections.append(readme_section(name, fn, path, pcap))
    if want_readme:
        with open(os.path.join(OUT_DIR, "README.md"), "w") as f:
            f.write(README_HEAD + "\n" + "\n".join(sections))
        print("wrote %s" % os.path.relpath(os.path.join(OUT_DIR, "README.md")))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
