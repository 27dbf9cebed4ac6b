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
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)

from iscsipcap import (  # noqa: E402
    INITIATOR, TARGET, IscsiConnection, Pcap, Session, TcpConnection,
    capture_start, OP_KEYS, RESERVED_TAG, TARGET_PREFS, FAKE_CHAP_C,
    FAKE_CHAP_R, answer_keys, replace_keys, text,
)
from tshark_rows import tshark_rows  # noqa: E402

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


ESX_NAME = "iqn.1998-01.com.vmware:wdc-tse-h171-3c00d9ce"
EMC_TARGET = "iqn.1992-05.com.emc:bb0050568c51390000-2"


@scenario("esx-discovery")
def esx_discovery(pcap):
    """Replica of a well-known public walk-through of an ESX host's
    discovery against an EMC target (docs/tutorial-esx-discovery.md walks
    it).  Discovery session on port 40001, ISID 0x00023d000000 (OUI format):
    the login starts in the operational stage (CSG 1 -> NSG 3, T=1) with
    InitiatorName=iqn.1998-01.com.vmware:wdc-tse-h171-3c00d9ce,
    SessionType=Discovery, HeaderDigest=None, DataDigest=None,
    DefaultTime2Wait=0, DefaultTime2Retain=0, IFMarker=No, OFMarker=No,
    ErrorRecoveryLevel=0, MaxRecvDataSegmentLength=32768; the answer (T=1,
    TSIH 0x000c) has None, None, DefaultTime2Wait=2, DefaultTime2Retain=0,
    IFMarker=No, OFMarker=No, ErrorRecoveryLevel=0, TargetPortalGroupTag=1
    and MaxRecvDataSegmentLength=65536.  Text Request SendTargets=All ->
    TargetName=iqn.1992-05.com.emc:bb0050568c51390000-2,
    TargetAddress=10.131.13.10:3260,1 (text only: the packets use the
    loopback addresses of every crafted capture).  Logout reason 0 ->
    response Time2Wait 2, Time2Retain 0; FIN.  Then a Normal session to
    that target on port 40002, ISID 0x00023d000001 (the walk-through shows
    only its NOPs; this login is the generator's standard one, TSIH
    0x000d), and 10 s later a NOP-Out ping (ITT set, TTT 0xffffffff)
    answered by a NOP-In; the session stays open (no Logout, no FIN)."""
    s = Session(0x00023D000000, ESX_NAME, None, tsih_assigned=0x000C)
    c = connect(pcap, s)
    offer = [("InitiatorName", ESX_NAME), ("SessionType", "Discovery"),
             ("HeaderDigest", "None"), ("DataDigest", "None"),
             ("DefaultTime2Wait", "0"), ("DefaultTime2Retain", "0"),
             ("IFMarker", "No"), ("OFMarker", "No"),
             ("ErrorRecoveryLevel", "0"), ("MaxRecvDataSegmentLength", "32768")]
    # The EMC target's answer as the walk-through shows it: the obsolete
    # marker keys answered No, its own MaxRecvDataSegmentLength last.
    answer = [("HeaderDigest", "None"), ("DataDigest", "None"),
              ("DefaultTime2Wait", "2"), ("DefaultTime2Retain", "0"),
              ("IFMarker", "No"), ("OFMarker", "No"),
              ("ErrorRecoveryLevel", "0"), ("TargetPortalGroupTag", "1"),
              ("MaxRecvDataSegmentLength", "65536")]
    c.login_step(offer, answer, csg=1, nsg=3, tsih=0x000C)
    s.tsih = 0x000C
    c.text_exchange([("SendTargets", "All")],
                    [[("TargetName", EMC_TARGET), ("TargetAddress", "10.131.13.10:3260,1")]])
    c.logout(0, time2wait=2)
    c.tcp.close()

    n = Session(0x00023D000001, ESX_NAME, EMC_TARGET, tsih_assigned=0x000D)
    c2 = connect(pcap, n, port=40002)
    c2.login("none")
    ping = c2.nop_out()
    c2.send(ping, gap_us=10_000_000)
    c2.send(c2.nop_in(itt=ping.get(16, "I")), gap_us=300)


# ---------------------------------------------------------------------------
# Check captures: one per row of plugin/core/checks.def
#
# check-<abbrev>.pcap (abbrev with dots and underscores as dashes) holds ONE
# fault on top of an otherwise RFC-correct exchange, so the plugin's expert
# for that check is the only warning or error (tests/test_experts.py lists
# the frame, the message and the unavoidable consequences).  Most are rows of
# FAULTS: a base flow (BASES) plus
#   offer={key: value}   changes to the initiator's operational offer (the
#                        target's answers are computed from the changed
#                        offer, so they stay RFC-correct)
#   first={key: value}   changes to the first Login Request's keys
#   prefs={key: value}   what the target supports/prefers (TARGET_PREFS)
#   edits={label: edit}  edits of single PDUs, by generator label: a dict of
#                        key changes (None drops a key, a new key is
#                        appended) or a function of the PDU; a list applies
#                        several
#   stop_after=label     the connection is closed right after that PDU
# The informational checks text.continued, login.failed, login.redirected,
# login.incomplete, login.summary, auth.summary and disc.result are shown by
# the scenarios above (cbit-split-key, login-failed-auth, redirect,
# mid-login-start, login-basic, sendtargets-discovery).

CHECK_TSIH = 0x0030
I_CHAP_C = "0x" + "1badcafe" * 4          # initiator's mutual challenge
T_CHAP_R = "0x" + "feedface" * 4          # target's mutual response
ST_REPLY = [("TargetName", DISK1), ("TargetAddress", "127.0.0.1:3260,1"),
            ("TargetName", DISK2), ("TargetAddress", "127.0.0.1:3260,1")]
PING = "X-com.example.crafted.Ping"

BASES = {
    "login": "Normal session login (TSIH 0x0030) then Logout: frames 4 "
             "sec-req-1 / 5 sec-rsp-1 (AuthMethod=None, TargetPortalGroupTag=1), "
             "6 op-req-1 / 7 op-rsp-1 (the 14-key offer and its RFC answers), "
             "8 logout-req / 9 logout-rsp, FIN.",
    "login-split": "As login, but op-req-1 is split with C=1 after "
                   "\"MaxBurstLen\": 6 op-req-1a (C=1) / 7 op-req-1a-reply (empty), "
                   "8 op-req-1 / 9 op-rsp-1, 10-11 Logout.",
    "op-only": "Login that starts in the operational stage (no security "
               "stage): 4 op-req-1 (InitiatorName, TargetName, SessionType and "
               "the 14-key offer, T=1 NSG=3) / 5 op-rsp-1 (answers, "
               "TargetPortalGroupTag, TSIH 0x0030), 6-7 Logout.",
    "fail": "First Login Request (frame 4) answered with a failure status "
            "(frame 5, no keys); the target closes TCP.",
    "chap": "CHAP one-way login: 4 sec-req-1 (AuthMethod=CHAP,None, T=0) / 5 "
            "sec-rsp-1 (AuthMethod=CHAP), 6 sec-req-2 (CHAP_A=5) / 7 sec-rsp-2 "
            "(CHAP_A=5, CHAP_I=1, CHAP_C 16 bytes), 8 sec-req-3 (CHAP_N, "
            "CHAP_R 16 bytes, T=1 NSG=1) / 9 sec-rsp-3, 10-11 operational "
            "stage, 12-13 Logout.",
    "chap-mutual": "As chap, and mutual: sec-req-3 also carries CHAP_I=2 and "
                   "CHAP_C=0x1badcafe..., sec-rsp-3 carries CHAP_N=<target "
                   "name> and CHAP_R=0xfeedface....",
    "discovery": "Discovery session: 4-5 security stage, 6-7 operational stage "
                 "(6 Discovery keys), 8 text-req-1 SendTargets=All / 9 "
                 "text-rsp-1 (disk1 and disk2 at 127.0.0.1:3260,1), 10-11 "
                 "Logout.",
    "text": "Normal login (4-7), then FFP Text: 8 text-req-1 "
            "X-com.example.crafted.Ping=1 / 9 text-rsp-1 "
            "X-com.example.crafted.Ping=NotUnderstood (F=1, TTT=0xffffffff), "
            "10-11 Logout.",
    "ext": "As login, but op-req-1 also carries many declarative X- keys "
           "(the target does not answer them).",
}


class Fault:
    def __init__(self, abbrev, base, doc, *, offer=None, first=None, prefs=None,
                 edits=None, status=None, isid=ISID, tsih=CHECK_TSIH,
                 stop_after=None, closer=TARGET, ext=(), split=(), text=None, delays=None):
        self.abbrev, self.base, self.doc = abbrev, base, doc
        self.delays = delays or {}
        self.offer, self.first, self.prefs = offer, first, prefs or {}
        self.edits, self.status, self.isid, self.tsih = edits or {}, status, isid, tsih
        self.stop_after, self.closer = stop_after, closer
        self.ext, self.split, self.text = list(ext), list(split), text


# -- PDU edits -----------------------------------------------------------------

def pdu_pairs(pdu):
    """The PDU's key=value text as [(key, value)] (text must end with NUL)."""
    return [tuple(item.decode().split("=", 1)) for item in pdu.data.split(b"\0")[:-1]]


def set_keys(changes):
    def edit(pdu):
        pdu.data = text(replace_keys(pdu_pairs(pdu), changes))
        return pdu
    return edit


def append(*items):
    """Append raw items (text() syntax) to the PDU's text, duplicates allowed."""
    def edit(pdu):
        pdu.data += text(*items)
        return pdu
    return edit


def put(offset, fmt, value):
    return lambda pdu: pdu.put(offset, fmt, value)


def flags(value):
    """Byte 1 of the BHS: T/F 0x80, C 0x40, CSG << 2, NSG."""
    return put(1, "B", value)


def data(raw):
    def edit(pdu):
        pdu.data = raw
        return pdu
    return edit


def no_immediate(pdu):
    pdu.bhs[0] &= ~0x40
    return pdu


def fail(status):
    """Turn a Login Response into a failure: status, T/C/CSG/NSG 0, no data."""
    return [put(36, "H", status), flags(0), data(b"")]


def editor(*tables):
    """hook(label, pdu) applying the edits of every table, in order."""
    def hook(label, pdu):
        for table in tables:
            todo = table.get(label, [])
            for edit in todo if isinstance(todo, list) else [todo]:
                pdu = edit(pdu) if callable(edit) else set_keys(edit)(pdu)
        return pdu
    return hook


class StopFlow(Exception):
    pass


def stop_after(c, label):
    def after(labels, segments):
        if label in labels:
            raise StopFlow
    c.after_send = after


def ext_keys(n, fmt, value):
    return [(fmt % i, value) for i in range(n)]


BASE_EDITS = {
    "chap-mutual": {"sec-req-3": {"CHAP_I": "2", "CHAP_C": I_CHAP_C},
                    "sec-rsp-3": {"CHAP_N": DISK1, "CHAP_R": T_CHAP_R}},
}


def run_fault(pcap, f):
    disc = f.base == "discovery"
    s = Session(f.isid, INITIATOR_NAME, None if disc else DISK1, tsih_assigned=f.tsih)
    c = connect(pcap, s)
    c.hook = editor(BASE_EDITS.get(f.base, {}), f.edits)
    c.delays = f.delays
    prefs = dict(TARGET_PREFS, **f.prefs)
    auth = "chap" if f.base.startswith("chap") else "none"
    first = replace_keys(s.first_keys("CHAP,None" if auth == "chap" else "None"), f.first)
    if f.stop_after:
        stop_after(c, f.stop_after)
    try:
        if f.base == "fail":
            c.security_stage("none", first_keys=first, first_status=f.status)
            raise StopFlow
        if f.base == "op-only":
            offer = replace_keys(s.first_keys(None) + OP_KEYS, f.offer)
            c.operational_stage(offer, prefs=prefs)
        elif f.base == "ext":
            c.security_stage("none", first_keys=first)
            c.login_step(OP_KEYS + f.ext, answer_keys(OP_KEYS), csg=1, nsg=3,
                         tsih=f.tsih, req_split=f.split)
            s.tsih = f.tsih
        else:
            c.security_stage(auth, first_keys=first)
            c.operational_stage(changes=f.offer, prefs=prefs,
                                req_split=[b"MaxBurstLen"] if f.base == "login-split" else ())
        if disc:
            c.text_exchange([("SendTargets", "All")], [ST_REPLY])
        elif f.base == "text":
            req, rsp = f.text or ([(PING, "1")], [(PING, "NotUnderstood")])
            c.text_exchange(req, [rsp])
        c.logout(0)
        c.tcp.close()
    except StopFlow:
        c.tcp.close(first=f.closer)


FAULTS = [
    # -- text format (RFC 7143 section 6.1) -----------------------------------
    Fault("fmt.unterminated_pair", "login",
          "op-req-1 (C=0) lacks the NUL after its last pair DataSequenceInOrder=Yes.",
          edits={"op-req-1": lambda p: data(p.data[:-1])(p)}),
    Fault("fmt.no_equals", "login", "op-req-1 also carries the item \"BogusKey\" (no '=').",
          edits={"op-req-1": append(b"BogusKey\0")}),
    Fault("fmt.key_too_long", "login",
          "op-req-1 also carries a 70-byte key X-com.example.crafted.aaa...=1.",
          edits={"op-req-1": append(("X-com.example.crafted." + "a" * 48, "1"))}),
    Fault("fmt.key_chars", "login", "op-req-1 also carries \"Max Burst=262144\" (space in the key).",
          edits={"op-req-1": append(("Max Burst", "262144"))}),
    Fault("fmt.value_too_long", "login", "InitiatorName is 230 bytes (limit 223).",
          first={"InitiatorName": INITIATOR_NAME + "x" * (230 - len(INITIATOR_NAME))}),
    Fault("fmt.value_chars", "login",
          "The initiator offers HeaderDigest=\"None, CRC32C\" (space); the target answers None.",
          offer={"HeaderDigest": "None, CRC32C"}),
    Fault("fmt.case", "login",
          "The initiator offers maxburstlength=262144 instead of MaxBurstLength; the target "
          "answers maxburstlength=NotUnderstood.",
          offer={"MaxBurstLength": None, "maxburstlength": "262144"}),
    Fault("fmt.bad_number", "login",
          "op-req-1 offers MaxBurstLength=abc; the target answers MaxBurstLength=Reject.",
          edits={"op-req-1": {"MaxBurstLength": "abc"}, "op-rsp-1": {"MaxBurstLength": "Reject"}}),
    Fault("fmt.bad_binary", "chap", "sec-rsp-2 carries CHAP_C=0xZZ12.",
          edits={"sec-rsp-2": {"CHAP_C": "0xZZ12"}}),
    Fault("fmt.text_over_8192", "ext",
          "op-req-1 carries 8894 bytes of text (the offer plus 32 X-com.example.crafted.PadNN "
          "keys of 240 bytes), sent as two C-bit PDUs of about 4.5 KiB (6 op-req-1a, "
          "7 op-req-1a-reply, 8 op-req-1, 9 op-rsp-1).",
          ext=ext_keys(32, "X-com.example.crafted.Pad%02d", "a" * 240), split=[b"Pad16="]),
    Fault("fmt.login_pdu_over_8192", "ext",
          "op-req-1 is one 8894-byte PDU (the offer plus 32 X-com.example.crafted.PadNN keys "
          "of 240 bytes).",
          ext=ext_keys(32, "X-com.example.crafted.Pad%02d", "a" * 240)),
    Fault("fmt.c_reply_not_empty", "login-split",
          "The target's reply to the C=1 op-req-1a carries TargetAlias=crafted-disk1.",
          edits={"op-req-1a-reply": {"TargetAlias": "crafted-disk1"}}),
    Fault("fmt.c_with_final", "login-split", "op-req-1a has both C=1 and T=1 (NSG=3).",
          edits={"op-req-1a": flags(0x80 | 0x40 | 1 << 2 | 3)}),

    # -- negotiation (section 6.2) --------------------------------------------
    Fault("neg.reserved_constant_offered", "login",
          "The initiator offers DataDigest=Reject; the target answers Reject.",
          offer={"DataDigest": "Reject"}),
    Fault("neg.list_answer_not_offered", "login",
          "The target answers DataDigest=CRC32C to the offer None.",
          edits={"op-rsp-1": {"DataDigest": "CRC32C"}}),
    Fault("neg.list_answer_multi", "login",
          "The target answers DataDigest=None,CRC32C to the offer None.",
          edits={"op-rsp-1": {"DataDigest": "None,CRC32C"}}),
    Fault("neg.list_not_first", "login",
          "The initiator offers HeaderDigest=CRC32C,None; the target (None only) answers None.",
          offer={"HeaderDigest": "CRC32C,None"}, prefs={"HeaderDigest": "None"}),
    Fault("neg.min_answer_above_offer", "login",
          "The target answers MaxBurstLength=524288 to the offer 262144.",
          edits={"op-rsp-1": {"MaxBurstLength": "524288"}}),
    Fault("neg.max_answer_below_offer", "login",
          "The target answers DefaultTime2Wait=1 to the offer 2.",
          edits={"op-rsp-1": {"DefaultTime2Wait": "1"}}),
    Fault("neg.out_of_range", "login",
          "The initiator declares MaxRecvDataSegmentLength=100 (range 512..16777215).",
          offer={"MaxRecvDataSegmentLength": "100"}),
    Fault("neg.bool_and", "login",
          "The initiator offers ImmediateData=No; the target answers Yes.",
          offer={"ImmediateData": "No"}, edits={"op-rsp-1": {"ImmediateData": "Yes"}}),
    Fault("neg.bool_or", "login", "The target answers InitialR2T=No to the offer Yes.",
          edits={"op-rsp-1": {"InitialR2T": "No"}}),
    Fault("neg.bool_value", "login",
          "The initiator offers InitialR2T=True; the target answers Reject.",
          offer={"InitialR2T": "True"}, edits={"op-rsp-1": {"InitialR2T": "Reject"}}),
    Fault("neg.range_misuse", "login",
          "op-req-1 offers MaxBurstLength=512~1024; the target answers Reject.",
          edits={"op-req-1": {"MaxBurstLength": "512~1024"}, "op-rsp-1": {"MaxBurstLength": "Reject"}}),
    Fault("neg.reject_admissible", "login",
          "The target answers MaxBurstLength=Reject to the admissible offer 262144.",
          edits={"op-rsp-1": {"MaxBurstLength": "Reject"}}),
    Fault("neg.reject_seen", "login",
          "The initiator also offers the obsolete IFMarkInt=2048~8192; the target answers "
          "Reject (the RFC 7143 answer; informational).",
          offer={"IFMarkInt": "2048~8192"}, edits={"op-rsp-1": {"IFMarkInt": "Reject"}}),
    Fault("neg.notunderstood_std", "login", "The target answers MaxBurstLength=NotUnderstood.",
          edits={"op-rsp-1": {"MaxBurstLength": "NotUnderstood"}}),
    Fault("neg.notunderstood_7144", "login",
          "The initiator also offers TaskReporting=RFC3720,ResponseFence; the target answers "
          "NotUnderstood.",
          offer={"TaskReporting": "RFC3720,ResponseFence"},
          edits={"op-rsp-1": {"TaskReporting": "NotUnderstood"}}),
    Fault("neg.irrelevant_unexpected", "login", "The target answers MaxBurstLength=Irrelevant.",
          edits={"op-rsp-1": {"MaxBurstLength": "Irrelevant"}}),
    Fault("neg.missing_answer", "login", "The target's final op-rsp-1 does not answer MaxBurstLength.",
          edits={"op-rsp-1": {"MaxBurstLength": None}}),
    Fault("neg.dup_in_text", "login",
          "op-req-1 carries MaxBurstLength twice (262144, then 65536 at the end).",
          edits={"op-req-1": append(("MaxBurstLength", "65536"))}),
    Fault("neg.wrong_stage", "login",
          "The initiator declares MaxRecvDataSegmentLength=262144 in the security stage "
          "(sec-req-1) instead of the operational stage.",
          first={"MaxRecvDataSegmentLength": "262144"}, offer={"MaxRecvDataSegmentLength": None}),
    Fault("neg.wrong_sender", "login", "sec-rsp-1 (target) also carries InitiatorName.",
          edits={"sec-rsp-1": {"InitiatorName": INITIATOR_NAME}}),
    Fault("neg.final_with_offer", "login",
          "The initiator does not offer MaxBurstLength; the final op-rsp-1 (T=1) offers "
          "MaxBurstLength=65536.",
          offer={"MaxBurstLength": None}, edits={"op-rsp-1": {"MaxBurstLength": "65536"}}),
    Fault("neg.fbl_gt_mbl", "login",
          "The initiator offers MaxBurstLength=65536 and FirstBurstLength=262144; the target "
          "answers MaxBurstLength=65536 and FirstBurstLength=262144.",
          offer={"MaxBurstLength": "65536", "FirstBurstLength": "262144"},
          edits={"op-rsp-1": {"FirstBurstLength": "262144"}}),
    Fault("neg.r2t_inorder_erl", "login",
          "ErrorRecoveryLevel=1 and MaxOutstandingR2T=4 offered and accepted, with "
          "DataSequenceInOrder=Yes.",
          offer={"ErrorRecoveryLevel": "1", "MaxOutstandingR2T": "4"},
          prefs={"ErrorRecoveryLevel": "2", "MaxOutstandingR2T": "8"}),
    Fault("neg.discovery_erl", "discovery",
          "ErrorRecoveryLevel=1 offered and accepted in the Discovery session.",
          offer={"ErrorRecoveryLevel": "1"}, prefs={"ErrorRecoveryLevel": "1"}),
    Fault("neg.discovery_maxconn", "discovery",
          "MaxConnections=4 offered and accepted in the Discovery session.",
          offer={"MaxConnections": "4"}),
    Fault("neg.vendor_key_discovery", "discovery",
          "The initiator offers X-com.example.Foo=1 in the Discovery session; the target "
          "answers NotUnderstood.",
          offer={"X-com.example.Foo": "1"}),
    Fault("neg.taskreporting_offer", "login",
          "The initiator offers TaskReporting=FastAbort; the target answers Reject.",
          offer={"TaskReporting": "FastAbort"}),
    Fault("neg.marker_answer", "login",
          "The initiator also offers OFMarkInt=2048~8192; the target answers Irrelevant "
          "(RFC 7143: Reject).",
          offer={"OFMarkInt": "2048~8192"}, edits={"op-rsp-1": {"OFMarkInt": "Irrelevant"}}),
    Fault("neg.marker_offered", "login",
          "The initiator also offers the obsolete IFMarker=No; the target answers Reject.",
          offer={"IFMarker": "No"}, edits={"op-rsp-1": {"IFMarker": "Reject"}}),
    Fault("neg.unknown_key", "login",
          "The initiator also offers FooBar=1; the target answers NotUnderstood.",
          offer={"FooBar": "1"}),

    # -- login phase (section 6.3, 11.12, 11.13) ------------------------------
    Fault("login.not_immediate", "login", "sec-req-1 has I=0 (opcode 0x03).",
          edits={"sec-req-1": no_immediate}),
    Fault("login.csg_mismatch", "login-split",
          "The target's empty reply to the C=1 op-req-1a has CSG=0 (request: CSG=1).",
          edits={"op-req-1a-reply": flags(0)}),
    Fault("login.field_changed", "login", "op-req-1 carries CID 1 (sec-req-1: CID 0).",
          edits={"op-req-1": put(20, "H", 1)}),
    Fault("login.echo_mismatch", "login", "sec-rsp-1 carries ITT 0x10000002 (request: 0x10000001).",
          edits={"sec-rsp-1": put(16, "I", 0x10000002)}),
    Fault("login.tsih_rules", "login", "The final op-rsp-1 of the new session carries TSIH 0.",
          tsih=0),
    Fault("login.version", "op-only", "op-rsp-1 has Version-active 0x01 (initiator: 0x00..0x00).",
          edits={"op-rsp-1": put(3, "B", 1)}),
    Fault("login.statsn", "login", "op-rsp-1 has StatSN 0x1002; sec-rsp-1 had 0x1000.",
          edits={"op-rsp-1": put(24, "I", 0x1002)}),
    Fault("login.cmdsn", "login", "op-req-1 has CmdSN 2; sec-req-1 had 1.",
          edits={"op-req-1": put(24, "I", 2)}),
    Fault("login.missing_initiatorname", "fail",
          "sec-req-1 lacks InitiatorName; the target answers 0x0207 (missing parameter).",
          first={"InitiatorName": None}, status=0x0207),
    Fault("login.missing_targetname", "fail",
          "sec-req-1 (SessionType=Normal) lacks TargetName; the target answers 0x0207.",
          first={"TargetName": None}, status=0x0207),
    Fault("login.sessiontype_value", "fail",
          "sec-req-1 carries SessionType=Boot; the target answers 0x0209 (session type not "
          "supported).",
          first={"SessionType": "Boot"}, status=0x0209),
    Fault("login.identity_redeclared", "login", "op-req-1 carries TargetName again.",
          edits={"op-req-1": {"TargetName": DISK1}}),
    Fault("login.no_tpgt", "login", "sec-rsp-1 lacks TargetPortalGroupTag (no response has it).",
          edits={"sec-rsp-1": {"TargetPortalGroupTag": None}}),
    Fault("login.redirect_no_address", "fail",
          "sec-rsp-1 has status 0x0101 (target moved temporarily) but no TargetAddress.",
          status=0x0101),
    Fault("login.unknown_status", "fail", "sec-rsp-1 has the undefined status 0x0210.",
          status=0x0210),
    Fault("login.isid_type", "login", "ISID 0xc00000000001 (type 11b, reserved).",
          isid=0xC00000000001),
    Fault("login.name_format", "login", "InitiatorName=myhost (not iqn./eui./naa.).",
          first={"InitiatorName": "myhost"}),
    Fault("login.slow", "login",
          "The target answers op-req-1 5 s late (a target waiting on its authentication "
          "server): the login takes 5000.6 ms, over the default slow_login_ms of 3000.",
          delays={"op-rsp-1": 5_000_000}),

    # -- authentication (section 12) ------------------------------------------
    Fault("auth.method_skipped", "op-only",
          "The login starts in the operational stage without AuthMethod; op-rsp-1 fails with "
          "0x0201 (authentication failure) and the target closes TCP.",
          edits={"op-rsp-1": fail(0x0201)}, stop_after="op-rsp-1"),
    Fault("auth.first_step_missing", "chap",
          "After AuthMethod=CHAP (frame 5) sec-req-2 carries no CHAP_A (empty, T=1 NSG=1); "
          "the target answers 0x0201 and closes TCP.",
          edits={"sec-req-2": [data(b""), flags(0x80 | 1)], "sec-rsp-2": fail(0x0201)},
          stop_after="sec-rsp-2"),
    Fault("chap.no_md5_offered", "chap",
          "The initiator offers CHAP_A=7 (SHA-256 only); the target picks 7; CHAP_R is 32 bytes.",
          edits={"sec-req-2": {"CHAP_A": "7"}, "sec-rsp-2": {"CHAP_A": "7"},
                 "sec-req-3": {"CHAP_R": "0x" + "deadbeef" * 8}}),
    Fault("chap.a_answer", "chap",
          "The target answers CHAP_A=6 to the offer CHAP_A=5; the initiator closes TCP.",
          edits={"sec-rsp-2": {"CHAP_A": "6"}}, stop_after="sec-rsp-2", closer=INITIATOR),
    Fault("chap.i_range", "chap", "sec-rsp-2 carries CHAP_I=300.",
          edits={"sec-rsp-2": {"CHAP_I": "300"}}),
    Fault("chap.r_length", "chap", "The initiator's CHAP_R is 20 bytes with CHAP_A=5 (MD5: 16).",
          edits={"sec-req-3": {"CHAP_R": "0x" + "deadbeef" * 5}}),
    Fault("chap.order", "chap",
          "sec-req-2 carries CHAP_N and CHAP_R with CHAP_A, before the target's challenge; "
          "the target answers 0x0201 and closes TCP.",
          edits={"sec-req-2": {"CHAP_N": INITIATOR_NAME, "CHAP_R": FAKE_CHAP_R},
                 "sec-rsp-2": fail(0x0201)}, stop_after="sec-rsp-2"),
    Fault("chap.reflection", "chap-mutual",
          "The initiator's mutual CHAP_C in sec-req-3 equals the target's CHAP_C (frame 7); "
          "the target closes TCP.",
          edits={"sec-req-3": {"CHAP_C": FAKE_CHAP_C}}, stop_after="sec-req-3"),
    Fault("chap.same_response", "chap-mutual",
          "The target's CHAP_R in sec-rsp-3 equals the initiator's CHAP_R (frame 8).",
          edits={"sec-rsp-3": {"CHAP_R": FAKE_CHAP_R}}),
    Fault("chap.unsolicited_target_auth", "chap",
          "sec-rsp-3 carries CHAP_N and CHAP_R although the initiator sent no CHAP_I/CHAP_C.",
          edits={"sec-rsp-3": {"CHAP_N": DISK1, "CHAP_R": T_CHAP_R}}),
    Fault("chap.mutual_missing", "chap-mutual",
          "The target completes the security stage (sec-rsp-3, T=1) without CHAP_N/CHAP_R.",
          edits={"sec-rsp-3": {"CHAP_N": None, "CHAP_R": None}}),
    Fault("chap.short_challenge", "chap", "The target's CHAP_C is 8 bytes.",
          edits={"sec-rsp-2": {"CHAP_C": "0x" + "c0ffee00" * 2}}),

    # -- text, discovery, logout ----------------------------------------------
    Fault("text.f_ttt", "text", "text-rsp-1 (F=1) carries TTT 0x00000005.",
          edits={"text-rsp-1": put(20, "I", 5)}),
    Fault("text.over_mrdsl", "discovery",
          "The initiator declares MaxRecvDataSegmentLength=8192; text-rsp-1 is one 8880-byte "
          "SendTargets reply (120 targets).",
          offer={"MaxRecvDataSegmentLength": "8192"},
          edits={"text-rsp-1": data(text(
              [x for n in range(120) for x in (("TargetName", "iqn.2026-11.test.crafted:lun%03d" % n),
                                               ("TargetAddress", "127.0.0.1:3260,1"))]))}),
    Fault("disc.sendtargets_extra", "discovery",
          "text-req-1 carries MaxRecvDataSegmentLength=32768 after SendTargets=All.",
          edits={"text-req-1": {"MaxRecvDataSegmentLength": "32768"}}),
    Fault("disc.sendtargets_all_normal", "text",
          "In the Normal session the Text Request is SendTargets=All; the target answers "
          "with its own TargetName and TargetAddress=127.0.0.1:3260,1.",
          text=([("SendTargets", "All")], [("TargetName", DISK1), ("TargetAddress", "127.0.0.1:3260,1")])),
    Fault("disc.response_format", "discovery", "text-rsp-1 also carries MaxBurstLength=262144.",
          edits={"text-rsp-1": {"MaxBurstLength": "262144"}}),
    Fault("logout.reason", "discovery", "The Discovery session's Logout Request has reason 1.",
          edits={"logout-req": flags(0x80 | 1)}),
    Fault("logout.nonzero_length", "login", "The Logout Request carries 8 data bytes (zeros).",
          edits={"logout-req": data(bytes(8))}),
]


def check_name(abbrev):
    return "check-" + abbrev.replace(".", "-").replace("_", "-")


CHECK_CAPTURES = {}     # capture name -> (abbrev, base flow or None, fault description)


def check(abbrev, doc=None, base=None):
    """Register a check capture built by fn: a FAULTS row (doc, base) or a
    function whose docstring describes the whole capture."""
    def register(fn):
        name = check_name(abbrev)
        if doc is not None:
            fn.__doc__ = "%s %s" % (BASES[base], doc) if base else doc
        SCENARIOS.append((name, fn))
        CHECK_CAPTURES[name] = (abbrev, base, " ".join((doc or fn.__doc__).split()))
        return fn
    return register


for _f in FAULTS:
    check(_f.abbrev, _f.doc, _f.base)(lambda pcap, _f=_f: run_fault(pcap, _f))


@check("neg.renegotiated_login")
def neg_renegotiated_login(pcap):
    """Normal login; the operational stage takes two exchanges: 6 op-req-1
    (T=0, the 14-key offer) / 7 op-rsp-1 (T=0, all answers), 8 op-req-2 (T=1
    NSG=3) carries MaxBurstLength=262144 again / 9 op-rsp-2 (T=1, TSIH
    0x0030, empty).  Logout, FIN."""
    s = Session(ISID, INITIATOR_NAME, DISK1, tsih_assigned=CHECK_TSIH)
    c = connect(pcap, s)
    c.security_stage("none")
    c.login_step(OP_KEYS, answer_keys(OP_KEYS), csg=1, nsg=3, t=False)
    c.login_step([("MaxBurstLength", "262144")], [], csg=1, nsg=3, tsih=CHECK_TSIH, count=2)
    s.tsih = CHECK_TSIH
    c.logout(0)
    c.tcp.close()


@check("neg.renegotiated_text")
def neg_renegotiated_text(pcap):
    """Normal login (4-7); FFP Text sequence: 8 text-req-1
    MaxRecvDataSegmentLength=65536 (F=1) / 9 text-rsp-1 (F=0,
    TTT=0x00000a01) MaxRecvDataSegmentLength=65536 / 10 text-req-2 (F=1,
    TTT=0x00000a01) declares MaxRecvDataSegmentLength=65536 again / 11
    text-rsp-2 (F=1, empty).  Logout, FIN."""
    s = Session(ISID, INITIATOR_NAME, DISK1, tsih_assigned=CHECK_TSIH)
    c = connect(pcap, s)
    c.login("none")
    c.hook = editor({"text-req-2": {"MaxRecvDataSegmentLength": "65536"}})
    mrdsl = [("MaxRecvDataSegmentLength", "65536")]
    c.text_exchange(mrdsl, [mrdsl, []])
    c.hook = None
    c.logout(0)
    c.tcp.close()


@check("neg.lo_on_non_leading")
def neg_lo_on_non_leading(pcap):
    """Two connections of one session (TSIH 0x0030, MaxConnections=2).
    Connection 2 (port 40002, CID 1, frames 8-10 handshake) adds itself: 11
    sec-req-1 / 12 sec-rsp-1, 13 op-req-1 offers HeaderDigest, DataDigest,
    MaxRecvDataSegmentLength and the leading-only MaxBurstLength=262144 / 14
    op-rsp-1 answers MaxBurstLength=Reject.  Logout reason 1 for CID 1 on
    connection 2, FIN; Logout reason 0 on connection 1, FIN."""
    s = Session(ISID, INITIATOR_NAME, DISK1, tsih_assigned=CHECK_TSIH)
    c0 = connect(pcap, s, port=40001, cid=0)
    c0.login("none", changes={"MaxConnections": "2"})
    c1 = connect(pcap, s, port=40002, cid=1)
    c1.hook = editor({"op-rsp-1": {"MaxBurstLength": "Reject"}})
    c1.login("none", changes={"MaxBurstLength": "262144"})
    c1.logout(1)
    c1.tcp.close()
    c0.logout(0)
    c0.tcp.close()


@check("login.unrequested_transit")
def login_unrequested_transit(pcap):
    """Normal login: 4 sec-req-1 has T=0; 5 sec-rsp-1 transits anyway (T=1,
    NSG=1) with AuthMethod=None, TargetPortalGroupTag=1.  Operational stage
    6-7 as usual, Logout, FIN."""
    s = Session(ISID, INITIATOR_NAME, DISK1, tsih_assigned=CHECK_TSIH)
    c = connect(pcap, s)
    c.login_step(s.first_keys("None"), [("AuthMethod", "None"), ("TargetPortalGroupTag", "1")],
                 csg=0, nsg=1, t=False, rsp_t=True, tag="sec")
    c.tpgt_pending = False
    c.operational_stage()
    c.logout(0)
    c.tcp.close()


@check("login.nsg_exceeds")
def login_nsg_exceeds(pcap):
    """Normal login: 4 sec-req-1 (T=1, NSG=1); 5 sec-rsp-1 answers with T=1,
    NSG=3 and TSIH 0x0030 (skipping the operational stage the initiator
    asked for).  Both sides are then in full feature phase: Logout, FIN."""
    s = Session(ISID, INITIATOR_NAME, DISK1, tsih_assigned=CHECK_TSIH)
    c = connect(pcap, s)
    c.hook = editor({"sec-rsp-1": [flags(0x80 | 3), put(14, "H", CHECK_TSIH)]})
    c.security_stage("none")
    c.hook = None
    s.tsih = CHECK_TSIH
    c.logout(0)
    c.tcp.close()


def transit_to_operational(pcap, label, **first_step):
    """Normal login whose first operational step has PDU label's flags set
    to T=1, CSG=1, NSG=1 (a transit to the stage it is in); a second, empty
    step (T=1, NSG=3) ends it with TSIH CHECK_TSIH.  Logout, FIN."""
    s = Session(ISID, INITIATOR_NAME, DISK1, tsih_assigned=CHECK_TSIH)
    c = connect(pcap, s)
    c.security_stage("none")
    c.hook = editor({label: flags(0x80 | 1 << 2 | 1)})
    c.login_step(OP_KEYS, answer_keys(OP_KEYS), csg=1, nsg=3, **first_step)
    c.hook = None
    c.login_step([], [], csg=1, nsg=3, tsih=CHECK_TSIH, count=2)
    s.tsih = CHECK_TSIH
    c.logout(0)
    c.tcp.close()


@check("login.bad_stage_code")
def login_bad_stage_code(pcap):
    """Normal login: 6 op-req-1 (the 14-key offer) has T=1 with NSG=1 from
    CSG=1 (a transit must go to a later stage); 7 op-rsp-1 answers every
    key with T=0; 8 op-req-2 (T=1, NSG=3, empty) / 9 op-rsp-2 (T=1, NSG=3,
    TSIH 0x0030).  Logout, FIN.  (The reserved NSG=2 / CSG=2 and T=1 with
    NSG=0 are not used: tshark 4.0 does not dissect such Login PDUs.)"""
    transit_to_operational(pcap, "op-req-1", rsp_t=False)


@check("login.illegal_transition")
def login_illegal_transition(pcap):
    """Normal login: 6 op-req-1 (T=1, NSG=3, the 14-key offer); 7 op-rsp-1
    answers every key but has T=1 with CSG=1 and NSG=1 (a transit to the
    stage it is in); 8 op-req-2 (T=1, NSG=3, empty) / 9 op-rsp-2 (T=1,
    NSG=3, TSIH 0x0030).  Logout, FIN.  (A transit back to the security
    stage, NSG=0 with T=1, is not used: tshark 4.0 does not dissect it.)"""
    transit_to_operational(pcap, "op-rsp-1")


@check("login.login_in_ffp")
def login_login_in_ffp(pcap):
    """Normal login (4-7, TSIH 0x0030); then 8 a Login Request on the same
    connection (new ITT, TSIH 0x0030, CSG 0 -> NSG 1, InitiatorName,
    TargetName, AuthMethod=None); 9 the target answers with a Reject PDU
    (reason 0x04 protocol error).  Logout (10-11), FIN."""
    s = Session(ISID, INITIATOR_NAME, DISK1, tsih_assigned=CHECK_TSIH)
    c = connect(pcap, s)
    c.login("none")
    late = c.login_req([("InitiatorName", INITIATOR_NAME), ("TargetName", DISK1),
                        ("AuthMethod", "None")], t=True, csg=0, nsg=1,
                       itt=s.new_itt(), label="late-login-req")
    c.send(late)
    c.send(c.reject(late, reason=0x04), gap_us=300)
    c.logout(0)
    c.tcp.close()


@check("login.after_reject")
def login_after_reject(pcap):
    """4 sec-req-1 / 5 sec-rsp-1 with status 0x0202 (authorization
    failure); 6 the initiator sends another Login Request (same keys, new
    ITT) on the same connection; the target closes TCP."""
    s = Session(ISID, INITIATOR_NAME, DISK1)
    c = connect(pcap, s)
    c.security_stage("none", first_status=0x0202)
    c.send(c.login_req(s.first_keys("None"), t=True, csg=0, nsg=1, itt=s.new_itt(),
                       label="sec-req-again"))
    c.tcp.close(first=TARGET)


@check("login.retried")
def login_retried(pcap):
    """Three logins of one initiator name and ISID to disk1, one connection
    each (ports 40001-40003), 2 s apart: the first two get status 0x0202
    (authorization failure) to their first Login Request and the target
    closes TCP; the third logs in (TSIH 0x0022), Logout reason 0, FIN."""
    s = Session(ISID, INITIATOR_NAME, DISK1, tsih_assigned=0x0022)
    for port in (40001, 40002):
        c = connect(pcap, s, port=port)
        c.security_stage("none", first_status=0x0202)
        c.tcp.close(first=TARGET)
        pcap.advance(2_000_000)
    c = connect(pcap, s, port=40003)
    c.login("none")
    c.logout(0)
    c.tcp.close()


@check("session.flapping")
def session_flapping(pcap):
    """Five sessions of one initiator name and ISID to disk1, one after the
    other, 2 s apart (ports 40001-40005, TSIH 0x0031-0x0035): each logs in,
    logs out (reason 0) and closes TCP: a relogin storm (5 logins within
    60 s, the default threshold)."""
    for n in range(5):
        s = Session(ISID, INITIATOR_NAME, DISK1, tsih_assigned=0x0031 + n)
        c = connect(pcap, s, port=40001 + n)
        c.login("none")
        c.logout(0)
        c.tcp.close()
        pcap.advance(2_000_000)


@check("login.redirect_unfollowed")
def login_redirect_unfollowed(pcap):
    """4 sec-req-1 / 5 sec-rsp-1 with status 0x0101 (target moved
    temporarily) and TargetAddress=127.0.0.3:3260; the target closes TCP and
    no login to 127.0.0.3 follows in the capture."""
    s = Session(ISID, INITIATOR_NAME, DISK1)
    c = connect(pcap, s)
    c.security_stage("none", first_status=0x0101,
                     first_rsp_keys=[("TargetAddress", "127.0.0.3:3260")])
    c.tcp.close(first=TARGET)


@check("login.unfinished")
def login_unfinished(pcap):
    """Normal login: 4-5 security stage, 6 op-req-1 (T=1 NSG=3, the 14-key
    offer); the capture ends before the target answers."""
    s = Session(ISID, INITIATOR_NAME, DISK1)
    c = connect(pcap, s)
    c.security_stage("none")
    c.send(c.login_req(OP_KEYS, t=True, csg=1, nsg=3, label="op-req-1"))


@check("login.non_login_pdu")
def login_non_login_pdu(pcap):
    """Normal login: 4-5 security stage, 6 op-req-1, 7 a SCSI Command (TEST
    UNIT READY) before the final Login Response, 8 op-rsp-1 fails with
    0x020b (invalid during login); the target closes TCP."""
    s = Session(ISID, INITIATOR_NAME, DISK1)
    c = connect(pcap, s)
    c.security_stage("none")
    c.send(c.login_req(OP_KEYS, t=True, csg=1, nsg=3, label="op-req-1"))
    c.send(c.scsi_cmd(bytes(6), edtl=0))
    c.send(c.login_rsp([], t=False, csg=1, status=0x020B, label="op-rsp-1"), gap_us=300)
    c.tcp.close(first=TARGET)


@check("auth.keys_without_method")
def auth_keys_without_method(pcap):
    """Security stage in two exchanges: 4 sec-req-1 (T=0, AuthMethod=None) /
    5 sec-rsp-1 (T=0, AuthMethod=None, TargetPortalGroupTag=1), 6 sec-req-2
    (T=1, NSG=1) carries CHAP_A=5 / 7 sec-rsp-2 (T=1, NSG=1, empty).
    Operational stage 8-9, Logout, FIN."""
    s = Session(ISID, INITIATOR_NAME, DISK1, tsih_assigned=CHECK_TSIH)
    c = connect(pcap, s)
    c.login_step(s.first_keys("None"), [("AuthMethod", "None"), ("TargetPortalGroupTag", "1")],
                 csg=0, t=False, tag="sec")
    c.tpgt_pending = False
    c.login_step([("CHAP_A", "5")], [], csg=0, nsg=1, tag="sec", count=2)
    c.operational_stage()
    c.logout(0)
    c.tcp.close()


@check("chap.challenge_reuse")
def chap_challenge_reuse(pcap):
    """Two CHAP one-way logins (base chap), one after the other: session 1
    on port 40001 (TSIH 0x0030, frames 1-16) logs in and out; session 2 on
    port 40002 (same ISID, TSIH 0x0031) gets the same CHAP_C
    0xc0ffee00... in 23 sec-rsp-2 (first in frame 7)."""
    for port, tsih in ((40001, CHECK_TSIH), (40002, CHECK_TSIH + 1)):
        s = Session(ISID, INITIATOR_NAME, DISK1, tsih_assigned=tsih)
        c = connect(pcap, s, port=port)
        c.login("chap")
        c.logout(0)
        c.tcp.close()


@check("text.final_to_nonfinal")
def text_final_to_nonfinal(pcap):
    """Normal login (4-7); 8 one segment with a NOP-Out (ITT and TTT
    0xffffffff, I=1) and a Text Request with F=0 (more to come)
    X-com.example.crafted.Ping=1; 9 the Text Response has F=1
    (X-com.example.crafted.Ping=NotUnderstood).  Logout, FIN.  (The NOP-Out
    leads the segment because tshark 4.0 skips a Text PDU with F=0 C=0 at
    the start of a segment.)"""
    s = Session(ISID, INITIATOR_NAME, DISK1, tsih_assigned=CHECK_TSIH)
    c = connect(pcap, s)
    c.login("none")
    req = c.text_req([(PING, "1")], f=False)
    c.send(c.nop_out(itt=RESERVED_TAG), req)
    c.send(c.text_rsp([(PING, "NotUnderstood")], itt=req.get(16, "I")), gap_us=350)
    c.logout(0)
    c.tcp.close()


@check("text.sequence_fields")
def text_sequence_fields(pcap):
    """Discovery session (4-7); SendTargets=All with a long reply: 8
    text-req-1 / 9 text-rsp-1 (F=0, TTT=0x00000005, disk1 and disk2) / 10
    text-req-2 (F=1) continues with TTT 0x00000007 instead of 0x00000005 /
    11 text-rsp-2 (F=1, tape1).  Logout, FIN."""
    s = Session(ISID, INITIATOR_NAME, None, tsih_assigned=CHECK_TSIH)
    c = connect(pcap, s)
    c.login("none")
    c.hook = editor({"text-req-2": put(20, "I", 7)})
    c.text_exchange([("SendTargets", "All")],
                    [ST_REPLY, [("TargetName", TAPE1), ("TargetAddress", "127.0.0.1:3260,1")]],
                    ttt=5)
    c.hook = None
    c.logout(0)
    c.tcp.close()


@check("disc.forbidden_pdu")
def disc_forbidden_pdu(pcap):
    """Discovery session (4-7); 8 a SCSI Command (TEST UNIT READY); 9 the
    target answers with a Reject PDU (reason 0x05, command not supported).
    Logout (10-11), FIN."""
    s = Session(ISID, INITIATOR_NAME, None, tsih_assigned=CHECK_TSIH)
    c = connect(pcap, s)
    c.login("none")
    cmd = c.scsi_cmd(bytes(6), edtl=0)
    c.send(cmd)
    c.send(c.reject(cmd, reason=0x05), gap_us=300)
    c.logout(0)
    c.tcp.close()


@check("logout.response")
def logout_response(pcap):
    """Normal login (4-7); 8 Logout Request reason 1 (close the connection)
    for CID 5, which does not exist; 9 Logout Response 1 (CID not found).
    The initiator closes TCP."""
    s = Session(ISID, INITIATOR_NAME, DISK1, tsih_assigned=CHECK_TSIH)
    c = connect(pcap, s)
    c.login("none")
    req = c.logout_req(1, cid=5)
    c.send(req)
    c.send(c.logout_rsp(itt=req.get(16, "I"), response=1), gap_us=300)
    c.tcp.close()


@check("logout.traffic_after")
def logout_traffic_after(pcap):
    """Normal login (4-7); 8 Logout Request reason 0; 9 a Text Request
    X-com.example.crafted.Ping=1 after it; 10 Logout Response.  FIN."""
    s = Session(ISID, INITIATOR_NAME, DISK1, tsih_assigned=CHECK_TSIH)
    c = connect(pcap, s)
    c.login("none")
    req = c.logout_req(0)
    c.send(req)
    c.send(c.text_req([(PING, "1")]))
    c.send(c.logout_rsp(itt=req.get(16, "I")), gap_us=300)
    c.tcp.close()


@check("text.no_request")
def text_no_request(pcap):
    """The capture starts late: the handshake, a Normal login and a Text
    Request X-com.example.crafted.Ping=1 happen but are not captured.  1
    the Text Response (F=1, X-com.example.crafted.Ping=NotUnderstood) with
    valid mid-stream seq/ack; Logout reason 0 and response (2-3), FIN."""
    s = Session(ISID, INITIATOR_NAME, DISK1, tsih_assigned=CHECK_TSIH)
    c = connect(pcap, s, capture=False)
    c.login("none")
    req = c.text_req([(PING, "1")])
    c.send(req)
    c.tcp.start_capture()
    c.send(c.text_rsp([(PING, "NotUnderstood")], itt=req.get(16, "I")), gap_us=350)
    c.logout(0)
    c.tcp.close()


@check("logout.no_request")
def logout_no_request(pcap):
    """The capture starts late: the handshake, a Normal login and a Logout
    Request reason 0 happen but are not captured.  1 the Logout Response
    (response 0) with valid mid-stream seq/ack; FIN (2-4)."""
    s = Session(ISID, INITIATOR_NAME, DISK1, tsih_assigned=CHECK_TSIH)
    c = connect(pcap, s, capture=False)
    c.login("none")
    req = c.logout_req(0)
    c.send(req)
    c.tcp.start_capture()
    c.send(c.logout_rsp(itt=req.get(16, "I")), gap_us=300)
    c.tcp.close()


@check("session.reinstatement")
def session_reinstatement(pcap):
    """Session 1 logs in on port 40001 (TSIH 0x0030, frames 1-7) and stays
    logged in.  Port 40002 (frames 8-10 handshake): 11 sec-req-1 with the
    same ISID, names and TSIH 0 (reinstatement) ... 14 op-rsp-1 (TSIH
    0x0031).  The target closes connection 1 (FIN, 15-17); Logout on
    connection 2, FIN."""
    s1 = Session(ISID, INITIATOR_NAME, DISK1, tsih_assigned=CHECK_TSIH)
    c1 = connect(pcap, s1, port=40001)
    c1.login("none")
    s2 = Session(ISID, INITIATOR_NAME, DISK1, tsih_assigned=CHECK_TSIH + 1)
    c2 = connect(pcap, s2, port=40002)
    c2.login("none")
    c1.tcp.close(first=TARGET)
    c2.logout(0)
    c2.tcp.close()


@check("digest.mismatch")
def digest_mismatch(pcap):
    """Normal login with HeaderDigest=CRC32C offered and accepted (4-7), but
    no PDU after it carries a header digest (as captured on a host whose NIC
    computes the digests): 8 Logout Request, 9 Logout Response.  FIN."""
    s = Session(ISID, INITIATOR_NAME, DISK1, tsih_assigned=CHECK_TSIH)
    c = connect(pcap, s)
    c.login("none", changes={"HeaderDigest": "CRC32C"})
    c.logout(0)
    c.tcp.close()


@check("state.limit")
def state_limit(pcap):
    """Normal login; op-req-1 also carries 1024 declarative keys
    X-c.K0000=1 ... X-c.K1023=1 (more than the 1024 distinct keys the
    analyser keeps per negotiation), split with C=1 in two PDUs of about
    6 KiB: 6 op-req-1a / 7 op-req-1a-reply / 8 op-req-1 / 9 op-rsp-1 (the
    target answers only the 14 standard keys).  Logout, FIN."""
    f = Fault("state.limit", "ext", "", ext=ext_keys(1024, "X-c.K%04d", "1"),
              split=[b"X-c.K0512"])
    run_fault(pcap, f)


@check("pdu.truncated")
def pdu_truncated(pcap):
    """Base text flow (Normal login 4-7, 8 text-req-1
    X-com.example.crafted.Ping=1), but frame 9 (text-rsp-1,
    X-com.example.crafted.Ping=NotUnderstood, 41 data bytes) was captured
    with a snap length that keeps only 24 of its data bytes.  Logout, FIN."""
    s = Session(ISID, INITIATOR_NAME, DISK1, tsih_assigned=CHECK_TSIH)
    c = connect(pcap, s)
    c.login("none")
    cut = {}
    c.after_send = lambda labels, segs: cut.update(frame=segs[-1].frame) if "text-rsp-1" in labels else None
    c.text_exchange([(PING, "1")], [[(PING, "NotUnderstood")]])
    c.after_send = None
    pcap.truncate(cut["frame"], 14 + 20 + 20 + 48 + 24)
    c.logout(0)
    c.tcp.close()


@scenario("wrong-stage-ignored")
def wrong_stage_ignored(pcap):
    """One mistake, one alarm: a login that starts in the operational stage
    (like op-only) whose 4 op-req-1 also carries AuthMethod=None, a
    security-stage key (a Java initiator does this); the target ignores it
    (IET does): 5 op-rsp-1 answers everything else, T=1 NSG=3, TSIH 0x0030.
    6-7 Logout, FIN.  Only neg.wrong_stage is a finding, not also
    neg.missing_answer for the AuthMethod nobody answered."""
    f = Fault("neg.wrong_stage", "op-only", "", offer={"AuthMethod": "None"},
              edits={"op-rsp-1": {"AuthMethod": None}})
    run_fault(pcap, f)


@scenario("first-burst-irrelevant")
def first_burst_irrelevant(pcap):
    """FirstBurstLength answered Irrelevant, rightly (TSIH 0x001a): a Normal
    login (4-5 security stage) whose 6 op-req-1 offers InitialR2T=Yes and
    ImmediateData=No (no unsolicited data at all) with FirstBurstLength=65536;
    7 op-rsp-1 answers InitialR2T=Yes, ImmediateData=No and
    FirstBurstLength=Irrelevant (RFC 7143 §13.14: irrelevant when InitialR2T=Yes
    and ImmediateData=No), T=1 NSG=3.  8-9 Logout, FIN.  No finding; the
    plugin shows FirstBurstLength as Irrelevant, not as its default 65536."""
    f = Fault("", "login", "", tsih=0x001A, offer={"ImmediateData": "No"},
              edits={"op-rsp-1": {"FirstBurstLength": "Irrelevant"}})
    run_fault(pcap, f)


@scenario("two-hosts")
def two_hosts(pcap):
    """Two hosts, one target, opposite unsolicited-data settings: the case
    -z iscsi,diff,1,2 is for.  The target prefers InitialR2T=No and
    MaxBurstLength=262144.  Session 1: host-a (127.0.0.2:40001, ISID
    400001370000) offers InitialR2T=No, ImmediateData=Yes and gets both
    (TSIH 0x0041), Logout, FIN.  Session 2: host-b (127.0.0.3:40002, ISID
    400001370001) offers InitialR2T=Yes, ImmediateData=No and
    MaxBurstLength=1048576; the results are InitialR2T=Yes, ImmediateData=No
    (so FirstBurstLength is irrelevant) and MaxBurstLength=262144, as for
    host-a (TSIH 0x0042), Logout, FIN."""
    prefs = dict(TARGET_PREFS, InitialR2T="No", MaxBurstLength="262144")
    hosts = [("127.0.0.2", 40001, ISID, "host-a", 0x0041, {"InitialR2T": "No"}),
             ("127.0.0.3", 40002, ISID + 1, "host-b", 0x0042,
              {"InitialR2T": "Yes", "ImmediateData": "No", "MaxBurstLength": "1048576"})]
    for ip, port, isid, host, tsih, changes in hosts:
        s = Session(isid, "iqn.2026-11.test.crafted:" + host, DISK1, tsih_assigned=tsih)
        tcp = TcpConnection(pcap, (ip, port), (TARGET_IP, 3260))
        tcp.open()
        c = IscsiConnection(tcp, s, statsn=0x1000)
        c.login("none", changes=changes, prefs=prefs)
        c.logout(0)
        tcp.close()


# ---------------------------------------------------------------------------

def build(name, fn):
    pcap = Pcap(capture_start())
    fn(pcap)
    return pcap


# The plugin is disabled (if it is installed at all): --verify and the README
# tables describe what tshark itself makes of the captures.
TSHARK_OPTS = ["-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE",
               "--disable-protocol", "iscsi_login"]


def tshark_fields(path, fields):
    return tshark_rows(path, fields, *TSHARK_OPTS)


def tshark_blind(info):
    """Frames tshark 4.0 does not hand to iSCSI although they hold PDUs:
    retransmissions (tcp.no_subdissector_on_error and reassembly), and
    segments whose first PDU fails the dissector's header sanity check
    (packet-iscsi.c, dissect_iscsi()): a Text Request/Response with neither
    or both of F and C set (it wants exactly one), a Login PDU with both T
    and C, a stage code 2 or T=1 with NSG=0, a Login Request without the I
    bit, a Logout Request with data."""
    if "retransmission_of" in info:
        return "retransmission"
    pdus = info.get("pdus", [])
    if not pdus or "bytes" in info or "opcode" not in pdus[0]:
        return None
    p = pdus[0]
    op, fl = p["opcode"], p["flags"]
    if op in (0x04, 0x24) and fl & 0xC0 not in (0x80, 0x40):
        return "Text PDU with F=%d C=%d starts the segment" % (fl >> 7, fl >> 6 & 1)
    if op in (0x03, 0x23) and (fl & 0xC0 == 0xC0 or fl & 0x03 == 2 or fl & 0x0C == 8
                               or (fl & 0x80 and not fl & 0x03)):
        return "Login PDU with T=%d C=%d CSG=%d NSG=%d starts the segment" % (
            fl >> 7, fl >> 6 & 1, fl >> 2 & 3, fl & 3)
    if op == 0x03 and not p.get("byte0", 0x40) & 0x40:
        return "Login Request without the I bit starts the segment"
    if op == 0x06 and p.get("dsl"):
        return "Logout Request with a data segment starts the segment"
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
        # A Reject carries the rejected PDU's header, which tshark dissects too.
        want = [] if tshark_blind(info) else \
            ["0x%02x" % o for p in info.get("pdus", []) if "opcode" in p
             for o in [p["opcode"]] + ([p["rejected_opcode"]] if "rejected_opcode" in p else [])]
        got = opcodes.split() if opcodes else []
        if got != want:
            problems.append("frame %s: iSCSI opcodes %s, expected %s" % (num, got, want))
        truncated = int(num) in pcap.caplens          # checksums cannot be verified
        if not truncated and (tcp_ck != "1" or ip_ck != "1"):     # 1 = Good
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
MaxRecvDataSegmentLength=65536).  `esx-discovery` keeps the addresses but
takes its names, ISIDs, TSIHs and the target's answers from the public
walk-through it replicates.

`--verify` checks with tshark 4.0 that every PDU is dissected as iSCSI in the
frame holding its last byte (frames tshark is known to skip are listed
below), that IP and TCP checksums are good (`-o tcp.check_checksum:TRUE -o
ip.check_checksum:TRUE`; not for frames cut by a snap length), and that no
expert info is a warning or an error (malformed packets, bad checksums).  It
runs tshark with `--disable-protocol iscsi_login`, so an installed plugin does
not count: its experts are what `tests/test_experts.py` checks.

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
* The same check drops other malformed PDUs at the start of a segment: a
  Login Request without the I bit, a Login PDU with both T and C, with CSG
  or NSG 2, or with T=1 and NSG=0, a Logout Request with a data segment.
  Three check captures hold such a PDU (`check-login-not-immediate`,
  `check-fmt-c-with-final`, `check-logout-nonzero-length`); their tables
  name the frame.
* tshark dissects the rejected header a Reject PDU carries as a nested
  `iSCSI` tree: the frame shows two opcodes (`check-disc-forbidden-pdu`,
  `check-login-login-in-ffp`).
* Retransmitted segments are not dissected as iSCSI (`[TCP Retransmission]`
  only): the data was already reassembled, and `tcp.no_subdissector_on_error`
  defaults to TRUE.  To see the PDU again use
  `-o tcp.analyze_sequence_numbers:FALSE` (enough on tshark 4.0.17;
  `-o tcp.no_subdissector_on_error:FALSE` alone is not; the tests pass both).  Expert info: Note
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


CHECKS_README_HEAD = """## Check captures (one fault each)

`check-<abbrev>.pcap` (the abbrev with dots and underscores as dashes) exists
for every check of `plugin/core/checks.def`; `tests/test_experts.py` asserts
where its expert appears, what the message says and that no other warning or
error of the plugin appears except the listed consequences.  Each holds ONE
fault on top of an otherwise RFC-correct exchange.  Most are rows of `FAULTS`
in the generator: a base flow below plus one change (a different offer or
target preference, or one PDU edited by label); the rest are small `@check`
functions, described in full in the table.  TSIH 0x0030 (0x0031 for a second
session), ISID 0x400001370000 unless said otherwise.  The informational checks
text.continued, login.failed, login.redirected, login.incomplete,
login.summary, auth.summary and disc.result are tested on the scenarios above.

To add one: append a `Fault(...)` row to `FAULTS` (or write an
`@check("abbrev")` function), regenerate, and add the expected frame and
message to `EXPECT` in `tests/test_experts.py`.

Base flows (frames 1-3 are the TCP handshake, the last three the FIN exchange):
"""


def checks_readme(rows):
    out = [CHECKS_README_HEAD]
    out += ["* `%s`: %s" % (b, d) for b, d in BASES.items()]
    out += ["", "| capture | check | base | fault | frames | sha256 |",
            "|---|---|---|---|---|---|"]
    out += rows
    return "\n".join(out) + "\n"


def check_row(name, pcap):
    abbrev, base, doc = CHECK_CAPTURES[name]
    blind = ["**frame %d is not dissected by tshark 4.0** (%s)" % (n, tshark_blind(info))
             for n, (_, _, info) in enumerate(pcap.frames, 1)
             if tshark_blind(info) and info.get("pdus") and "retransmission_of" not in info]
    cut = ["frame %d captured with %d of %d bytes" % (n, pcap.caplens[n], len(pcap.frames[n - 1][1]))
           for n in sorted(pcap.caplens)]
    return "| `%s.pcap` | %s | %s | %s | %d | `%s` |" % (
        name, abbrev, base or "-", " ".join([doc] + blind + cut).replace("|", "\\|"),
        len(pcap.frames), hashlib.sha256(pcap.to_bytes()).hexdigest())


def main(argv):
    want_verify = "--verify" in argv
    want_readme = "--readme" in argv
    names = [a for a in argv if not a.startswith("--")]
    unknown = set(names) - {n for n, _ in SCENARIOS}
    if unknown:
        sys.exit("unknown scenario(s): %s" % ", ".join(sorted(unknown)))
    os.makedirs(OUT_DIR, exist_ok=True)
    failed = False
    sections, check_rows = [], []
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
        if want_readme and name in CHECK_CAPTURES:
            check_rows.append(check_row(name, pcap))
        elif want_readme:
            sections.append(readme_section(name, fn, path, pcap))
    if want_readme:
        with open(os.path.join(OUT_DIR, "README.md"), "w") as f:
            f.write(README_HEAD + "\n" + "\n".join(sections) + "\n" + checks_readme(check_rows))
        print("wrote %s" % os.path.relpath(os.path.join(OUT_DIR, "README.md")))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
