#!/usr/bin/python3
"""Print the Login / Text / Logout facts of iSCSI pcaps, as tshark sees them.

Usage: summarize-captures.py FILE.pcap...

For every Login, Text and Logout PDU that tshark dissects: frame number, TCP
stream, opcode, flag bits, ISID, TSIH, CID, ITT, TTT, DataSegmentLength,
login status / logout response and a short digest of the key=value pairs.
Then every TCP segment from the target port of at least 48 bytes that tshark
did NOT dissect as iSCSI, with its BHS decoded by hand (this is how tgt's
F=0/C=0 continuation Text Responses show up with Wireshark 4.0).
"""

import sys

sys.dont_write_bytecode = True
from tshark_rows import tshark_rows  # noqa: E402

OPS = {0x03: "LoginReq", 0x23: "LoginRsp", 0x04: "TextReq", 0x24: "TextRsp",
       0x06: "LogoutReq", 0x26: "LogoutRsp"}
FIELDS = ["frame.number", "tcp.stream", "iscsi.opcode", "iscsi.I",
          "iscsi.login.T", "iscsi.login.C", "iscsi.login.csg", "iscsi.login.nsg",
          "iscsi.text.F", "iscsi.text.C", "iscsi.isid", "iscsi.tsih", "iscsi.cid",
          "iscsi.initiatortasktag", "iscsi.targettransfertag",
          "iscsi.datasegmentlength", "iscsi.login.status", "iscsi.logout.reason",
          "iscsi.logout.response", "iscsi.keyvalue"]
TARGET_PORT = 3260


def tshark(path, dfilter, fields):
    return tshark_rows(path, fields, "-Y", dfilter, aggregator="\x1f")


def keys_digest(kvs):
    keep = ("InitiatorName", "InitiatorAlias", "TargetName", "SessionType",
            "AuthMethod", "HeaderDigest", "CHAP_A", "CHAP_N", "SendTargets",
            "MaxRecvDataSegmentLength")
    listing = any(kv.startswith("TargetAddress=") for kv in kvs)
    out, ntargets = [], 0
    for kv in kvs:
        k = kv.split("=", 1)[0]
        if listing and k in ("TargetName", "TargetAddress"):
            ntargets += k == "TargetName"
        elif k in ("CHAP_I", "CHAP_C", "CHAP_R"):
            out.append(k + "=..")
        elif k in keep:
            out.append(kv)
    if listing:
        out.append("[%d TargetName entries]" % ntargets)
    return " ".join(out) + ("  (%d keys)" % len(kvs))


def bit(v):
    return {"1": "1", "0": "0", "True": "1", "False": "0"}.get(v, v or "-")


def summarize(path):
    print("=" * 78)
    print(path)
    rows = tshark(path, "iscsi.opcode in {0x03, 0x23, 0x04, 0x24, 0x06, 0x26}", FIELDS)
    print("%-6s %-3s %-9s %-15s %-12s %-6s %-4s %-10s %-10s %-6s %-7s %s" % (
        "frame", "tcp", "pdu", "flags", "isid", "tsih", "cid", "itt", "ttt",
        "dslen", "status", "keys"))
    for r in rows:
        d = dict(zip(FIELDS, r + [""] * (len(FIELDS) - len(r))))
        ops = [int(x, 16) for x in d["iscsi.opcode"].split("\x1f") if x]
        name = ",".join(OPS.get(o, "0x%02x" % o) for o in ops)
        flags = ""
        if d["iscsi.login.T"]:
            flags = "T=%s C=%s CSG%s>%s" % (
                bit(d["iscsi.login.T"]), bit(d["iscsi.login.C"]),
                int(d["iscsi.login.csg"] or "0", 16),
                int(d["iscsi.login.nsg"], 16) if d["iscsi.login.nsg"] else "-")
        elif d["iscsi.text.F"]:
            flags = "F=%s C=%s" % (bit(d["iscsi.text.F"]), bit(d["iscsi.text.C"]))
        elif d["iscsi.logout.reason"]:
            flags = "reason=%s" % d["iscsi.logout.reason"]
        status = d["iscsi.login.status"] or (
            "rsp=" + d["iscsi.logout.response"] if d["iscsi.logout.response"] else "")
        kvs = [x for x in d["iscsi.keyvalue"].split("\x1f") if x]
        print("%-6s %-3s %-9s %-15s %-12s %-6s %-4s %-10s %-10s %-6s %-7s %s" % (
            d["frame.number"], d["tcp.stream"], name, flags, d["iscsi.isid"] or "-",
            d["iscsi.tsih"] or "-", d["iscsi.cid"] or "-",
            d["iscsi.initiatortasktag"] or "-", d["iscsi.targettransfertag"] or "-",
            d["iscsi.datasegmentlength"] or "-", status or "-", keys_digest(kvs)))

    raw = tshark(path, "tcp.srcport == %d && tcp.len >= 48 && !iscsi" % TARGET_PORT,
                 ["frame.number", "tcp.stream", "tcp.len", "tcp.payload"])
    if raw:
        print("-- TCP segments from port %d NOT dissected as iSCSI (BHS decoded by hand):"
              % TARGET_PORT)
    for frame, stream, tlen, payload in raw:
        b = bytes.fromhex(payload.replace(":", ""))
        op, fl = b[0] & 0x3F, b[1]
        dlen = int.from_bytes(b[5:8], "big")
        data = b[48:48 + dlen]
        print("  frame %s tcp %s len %s: opcode 0x%02x (%s) flags 0x%02x (F=%d C=%d) "
              "dslen %d itt 0x%08x ttt 0x%08x statsn %d expcmdsn %d"
              % (frame, stream, tlen, op, OPS.get(op, "?"), fl, fl >> 7, (fl >> 6) & 1,
                 dlen, int.from_bytes(b[16:20], "big"), int.from_bytes(b[20:24], "big"),
                 int.from_bytes(b[24:28], "big"), int.from_bytes(b[28:32], "big")))
        if op == 0x24:
            print("    data starts %r" % data[:40])
            print("    data ends   %r" % data[-40:])


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for path in sys.argv[1:]:
        summarize(path)


if __name__ == "__main__":
    main()
