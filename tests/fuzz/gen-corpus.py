#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Seed corpora for the libFuzzer harnesses, pulled out of the captures.

Reads pcap files (Ethernet, Linux cooked v1/v2, raw IP; IPv4/IPv6; TCP),
reassembles each TCP direction by sequence number (retransmitted bytes are
dropped), cuts the byte streams into iSCSI PDUs (BHS + AHS + padded data,
with a CRC32C header digest detected when the next PDU only lines up after
4 more bytes) and writes:

  <out>/analyzer/    one input per capture: all its PDUs in capture order, in
                     fuzz_analyzer.c's chunk format (and one per connection)
  <out>/text_nego/   per negotiation (a login, or the Text PDUs of one
                     connection): its data segments in fuzz_text_nego.c's format
  <out>/values/      every key and value seen (deduplicated), and list\\0item
                     pairs for the list look-ups

  gen-corpus.py [--out DIR] [pcap ...]      (default: captures/*/*.pcap)
"""
import argparse
import hashlib
import struct
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
OPCODES = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x10, 0x1c, 0x1d, 0x1e,
           0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x31, 0x32, 0x3c, 0x3d, 0x3e, 0x3f}


def read_pcap(path):
    """Yield (frame number, linktype, packet bytes)."""
    data = Path(path).read_bytes()
    if len(data) < 24:
        return
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        raise ValueError(f"{path}: not a pcap file (pcapng is not supported)")
    linktype = struct.unpack(e + "I", data[20:24])[0] & 0x0fffffff
    off, n = 24, 0
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        n += 1
        yield n, linktype, data[off:off + incl]
        off += incl


def tcp_of(linktype, pkt):
    """(src, dst, sport, dport, seq, flags, payload) or None."""
    if linktype == 1:
        if len(pkt) < 14:
            return None
        et, p = struct.unpack(">H", pkt[12:14])[0], 14
        while et == 0x8100 and len(pkt) >= p + 4:
            et, p = struct.unpack(">H", pkt[p + 2:p + 4])[0], p + 4
    elif linktype == 113:
        if len(pkt) < 16:
            return None
        et, p = struct.unpack(">H", pkt[14:16])[0], 16
    elif linktype == 276:
        if len(pkt) < 20:
            return None
        et, p = struct.unpack(">H", pkt[0:2])[0], 20
    elif linktype in (101, 12, 14):
        et, p = (0x0800 if pkt[:1] and pkt[0] >> 4 == 4 else 0x86dd), 0
    else:
        return None
    ip = pkt[p:]
    if et == 0x0800 and len(ip) >= 20:
        ihl = (ip[0] & 15) * 4
        if ip[9] != 6:
            return None
        total = struct.unpack(">H", ip[2:4])[0]
        src, dst, seg = ip[12:16], ip[16:20], ip[ihl:max(total, ihl)]
    elif et == 0x86dd and len(ip) >= 40:
        if ip[6] != 6:
            return None
        plen = struct.unpack(">H", ip[4:6])[0]
        src, dst, seg = ip[8:24], ip[24:40], ip[40:40 + plen]
    else:
        return None
    if len(seg) < 20:
        return None
    sport, dport, seq = struct.unpack(">HHI", seg[:8])
    doff = (seg[12] >> 4) * 4
    return src, dst, sport, dport, seq, seg[13], seg[doff:]


class Direction:
    def __init__(self):
        self.isn = None
        self.buf = bytearray()
        self.frames = []        # frame of each byte in buf (run-length: (start offset, frame))
        self.pending = {}       # relative seq -> (payload, frame)

    def add(self, seq, payload, frame, syn):
        if syn:
            self.isn = (seq + 1) & 0xffffffff
            return
        if self.isn is None:
            self.isn = seq
        rel = (seq - self.isn) & 0xffffffff
        if rel > 0x7fffffff or not payload:
            return
        self.pending.setdefault(rel, (payload, frame))
        while True:
            have = len(self.buf)
            nxt = [r for r in self.pending if r <= have < r + len(self.pending[r][0])]
            if not nxt:
                break
            r = nxt[0]
            pl, fr = self.pending.pop(r)
            self.frames.append((have, fr))
            self.buf += pl[have - r:]
            for k in [k for k in self.pending if k + len(self.pending[k][0]) <= len(self.buf)]:
                del self.pending[k]

    def frame_at(self, off):
        fr = self.frames[0][1] if self.frames else 0
        for start, f in self.frames:
            if start > off:
                break
            fr = f
        return fr


def pdu_len(b, off, digest):
    ahs = b[off + 4] * 4
    dsl = int.from_bytes(b[off + 5:off + 8], "big")
    return 48 + ahs + (4 if digest else 0) + ((dsl + 3) & ~3)


def cut_pdus(buf):
    """[(offset, length, header digest?)] of the PDUs in one direction's bytes."""
    out, off, digest = [], 0, None
    while off + 48 <= len(buf):
        if buf[off] & 0x3f not in OPCODES:
            break
        n0 = pdu_len(buf, off, False)
        if digest is None and off + n0 + 48 <= len(buf):
            n4 = pdu_len(buf, off, True)
            ok0 = buf[off + n0] & 0x3f in OPCODES
            ok4 = off + n4 < len(buf) and buf[off + n4] & 0x3f in OPCODES
            if ok4 and not ok0 and buf[off] & 0x3f not in (0x03, 0x23):
                digest = True
        n = pdu_len(buf, off, bool(digest))
        out.append((off, min(n, len(buf) - off), bool(digest)))
        off += n
    return out


def capture_pdus(path):
    """[(frame, conn index, from initiator, pdu bytes, conn start seen)] in capture order."""
    conns, order = {}, []
    for frame, lt, pkt in read_pcap(path):
        t = tcp_of(lt, pkt)
        if not t:
            continue
        src, dst, sport, dport, seq, flags, payload = t
        a, b = (src, sport), (dst, dport)
        key = (a, b) if (a, b) < (b, a) else (b, a)
        if key not in conns:
            conns[key] = {"dirs": {}, "syn": False, "index": len(conns)}
        c = conns[key]
        if flags & 0x02 and not flags & 0x10:
            c["syn"] = True
        d = c["dirs"].setdefault((a, b), Direction())
        d.add(seq, payload, frame, bool(flags & 0x02))
    pdus = []
    for key, c in conns.items():
        for (a, b), d in c["dirs"].items():
            for off, n, _ in cut_pdus(bytes(d.buf)):
                p = bytes(d.buf[off:off + n])
                from_i = p[0] & 0x3f < 0x20
                pdus.append((d.frame_at(off), off, c["index"], from_i, p, c["syn"]))
    pdus.sort(key=lambda x: (x[0], x[1]))
    return [(f, ci, fi, p, syn) for f, _, ci, fi, p, syn in pdus]


def analyzer_input(pdus, limits=0):
    out = bytearray([limits])
    prev = None
    for frame, conn, _, p, syn in pdus:
        c = (conn & 7) | (8 if syn else 0) | (0x10 if frame == prev else 0) | 0x20
        prev = frame
        rest = p[2:]
        if len(rest) > 0xffff:
            rest = rest[:0xffff]
        out += bytes([c, p[0], p[1]]) + len(rest).to_bytes(2, "big") + rest
    return bytes(out)


def data_segment(p):
    ahs = p[4] * 4
    dsl = int.from_bytes(p[5:8], "big")
    return p[48 + ahs:48 + ahs + dsl]


def nego_inputs(pdus):
    """fuzz_text_nego inputs: one per login and one per connection's Text PDUs."""
    res = []
    per = {}
    for frame, conn, from_i, p, _ in pdus:
        op = p[0] & 0x3f
        if op in (0x03, 0x23, 0x04, 0x24):
            per.setdefault(conn, []).append((op, from_i, p))
    for conn, items in per.items():
        login, text = bytearray([0x01 | 0x02 | (2 << 2)]), bytearray([0x00 | (2 << 2)])
        last_csg = None
        for op, from_i, p in items:
            side = 0 if from_i else 1
            d = data_segment(p)[:0xffff]
            if op in (0x03, 0x23):
                csg = (p[1] >> 2) & 3
                if last_csg is not None and csg != last_csg:
                    login += bytes([(4 << 3) | ((last_csg & 1) << 1)])
                last_csg = csg
                login += bytes([side | ((csg & 1) << 1)]) + len(d).to_bytes(2, "big") + d
            else:
                text += bytes([side | (2 << 1)]) + len(d).to_bytes(2, "big") + d
        if last_csg is not None:
            login += bytes([(4 << 3) | ((last_csg & 1) << 1), 6 << 3])
        if len(login) > 1:
            res.append(bytes(login))
        if len(text) > 1:
            text += bytes([(4 << 3) | (2 << 1)])
            res.append(bytes(text))
    return res


def value_inputs(pdus):
    vals = set()
    for _, _, _, p, _ in pdus:
        if p[0] & 0x3f not in (0x03, 0x23, 0x04, 0x24):
            continue
        for item in data_segment(p).split(b"\0"):
            if not item:
                continue
            k, eq, v = item.partition(b"=")
            vals.add(k)
            if eq:
                vals.add(v)
                if b"," in v:
                    vals.add(v.split(b",")[0] + b"\0" + v)
    return vals


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(REPO / "tests" / "fuzz" / "corpus"))
    ap.add_argument("pcaps", nargs="*")
    args = ap.parse_args()
    pcaps = args.pcaps or sorted(map(str, REPO.glob("captures/*/*.pcap")))
    out = Path(args.out)
    dirs = {k: out / k for k in ("analyzer", "text_nego", "values")}
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)

    def put(kind, blob):
        (dirs[kind] / hashlib.sha1(blob).hexdigest()).write_bytes(blob)

    counts = dict.fromkeys(dirs, 0)
    vals = set()
    for path in pcaps:
        try:
            pdus = capture_pdus(path)
        except ValueError as e:
            print(e, file=sys.stderr)
            continue
        if not pdus:
            continue
        put("analyzer", analyzer_input(pdus))
        put("analyzer", analyzer_input(pdus, limits=0x55))
        counts["analyzer"] += 2
        for conn in sorted({p[1] for p in pdus}):
            put("analyzer", analyzer_input([p for p in pdus if p[1] == conn]))
            counts["analyzer"] += 1
        for blob in nego_inputs(pdus):
            put("text_nego", blob)
            counts["text_nego"] += 1
        vals |= value_inputs(pdus)
    for v in vals:
        put("values", v)
    counts["values"] = len(vals)
    print(f"corpus in {out}: " + ", ".join(f"{k} {v}" for k, v in counts.items()) + f" (from {len(pcaps)} captures)")


if __name__ == "__main__":
    main()
