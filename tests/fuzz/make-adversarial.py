#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Adversarial captures for tests/test_adversarial.py (not committed: large).

    make-adversarial.py OUTDIR [NAME ...]     (default: all but many-logins-1m)
    make-adversarial.py --list

Written with captures/iscsipcap.py, deterministic (fixed times, no
randomness).  Large captures are streamed to disk a batch of frames at a time.

  many-logins-20k    20,000 Normal logins, each on its own TCP connection
  many-logins-1m     1,000,001 logins: one past the analyzer's session cap
                     (1,000,000), about 1 GB; opt-in (ISCSI_LOGIN_SLOW=1)
  keys-64k           one login whose operational stage offers 65,536 X- keys
                     in a C-bit chain (over the 1,024 distinct-key cap)
  value-16m          one login with a 16 MiB value in a C-bit chain of 8 KiB
                     Login Requests (over the 1 MiB text cap)
  cbit-10k           a 10,000-PDU C-bit chain of 64-byte parts (640 KB, under
                     the text cap), each answered by an empty Login Response
  tsih-isid-collide  50 initiators with the same ISID, logging in to two
                     targets that both hand out TSIH 0x0001, then each adding
                     a second connection with that ISID and TSIH
"""
import os
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.dont_write_bytecode = True
sys.path.insert(0, str(HERE.parent.parent / "captures"))

from iscsipcap import (  # noqa: E402
    INITIATOR, TARGET, Pcap, TcpConnection, capture_start, login_request, login_response,
)

TARGET_NAME = "iqn.2026-11.test.adversarial:disk1"
OP_REQ = [("HeaderDigest", "None"), ("DataDigest", "None"), ("MaxRecvDataSegmentLength", "262144")]
OP_RSP = [("HeaderDigest", "None"), ("DataDigest", "None"), ("MaxRecvDataSegmentLength", "262144")]


class StreamPcap(Pcap):
    """Pcap whose frames go to disk every `batch` frames."""

    def __init__(self, path, start_s, batch=20000):
        super().__init__(start_s)
        self.f = open(path, "wb")
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        self.batch = batch
        self.count = 0

    def add(self, frame, gap_us=None, info=None):
        self.advance(self.default_gap_us if gap_us is None else gap_us)
        self.frames.append((self.now_us, bytes(frame), None))
        self.count += 1
        if len(self.frames) >= self.batch:
            self.flush()
        return self.count

    def flush(self):
        out = []
        for ts, frame, _ in self.frames:
            out.append(struct.pack("<IIII", ts // 1_000_000, ts % 1_000_000, len(frame), len(frame)))
            out.append(frame)
        self.f.write(b"".join(out))
        self.frames.clear()

    def close(self):
        self.flush()
        self.f.close()


def kv(*pairs):
    return b"".join(f"{k}={v}".encode() + b"\0" for k, v in pairs)


def send(tcp, side, pdu, gap_us=None):
    tcp.send(side, pdu.encode(), gap_us=gap_us)


def one_login(tcp, *, isid, tsih, iname, tname=TARGET_NAME, cid=0, itt=1, leading=True, statsn=0x1000):
    """A complete one-request login: security stage skipped (CSG 1 -> FFP)."""
    keys = [("InitiatorName", iname), ("TargetName", tname)]
    if leading:
        keys.append(("SessionType", "Normal"))
    send(tcp, INITIATOR, login_request(kv(*keys, *OP_REQ), t=True, csg=1, nsg=3, isid=isid,
                                       tsih=0 if leading else tsih, itt=itt, cid=cid, cmdsn=1))
    send(tcp, TARGET, login_response(kv(("TargetPortalGroupTag", "1"), *OP_RSP), t=True, csg=1, nsg=3,
                                     isid=isid, tsih=tsih, itt=itt, statsn=statsn, expcmdsn=1, maxcmdsn=32),
         gap_us=150)


def many_logins(path, n):
    pcap = StreamPcap(path, capture_start())
    for i in range(n):
        # Ephemeral ports, as real initiators use: iSCSI is found by heuristics,
        # which run only when no dissector is registered for either port
        # (5000 would be RSL, 1755 MMS); 57000 (IRC) is the only registration
        # in 49152-65535 in Wireshark 4.0.
        ip = f"127.{1 + i // 16000 // 250}.{i // 16000 % 250}.2"
        port = 49152 + i % 16000
        port += port >= 57000
        tcp = TcpConnection(pcap, initiator=(ip, port), target=("127.0.0.1", 3260), isn_i=0x1000 + i,
                            isn_t=0x2000 + i)
        tcp.open(gap_us=20)
        one_login(tcp, isid=0x400000000000 | i, tsih=1 + i % 65535, iname=f"iqn.2026-11.test.adversarial:i{i:07d}")
        tcp.peers = None            # drop the connection's segments
    pcap.close()


def login_with_cbit_request(path, text, part):
    """Leading login; the operational stage's first Login Request text is
    `text`, sent in `part`-byte pieces with C=1 (each answered by an empty
    Login Response), then the stage completes normally."""
    pcap = StreamPcap(path, capture_start())
    tcp = TcpConnection(pcap, initiator=("127.0.0.2", 40001), target=("127.0.0.1", 3260))
    tcp.open()
    isid, itt = 0x400001370000, 7
    first = kv(("InitiatorName", "iqn.2026-11.test.adversarial:init1"), ("TargetName", TARGET_NAME),
               ("SessionType", "Normal"))
    data = first + text
    pieces = [data[i:i + part] for i in range(0, len(data), part)]
    statsn = 0x1000
    for n, piece in enumerate(pieces):
        last = n == len(pieces) - 1
        send(tcp, INITIATOR, login_request(piece, t=last, c=not last, csg=1, nsg=3 if last else 0,
                                           isid=isid, itt=itt, cmdsn=1, expstatsn=statsn if n else 0), gap_us=20)
        if not last:
            send(tcp, TARGET, login_response(b"", csg=1, isid=isid, itt=itt, statsn=statsn, expcmdsn=1,
                                             maxcmdsn=32), gap_us=20)
            statsn += 1
    send(tcp, TARGET, login_response(kv(("TargetPortalGroupTag", "1"), *OP_RSP), t=True, csg=1, nsg=3, isid=isid,
                                     tsih=0x0042, itt=itt, statsn=statsn, expcmdsn=1, maxcmdsn=32), gap_us=100)
    pcap.close()


def keys_64k(path):
    text = kv(*OP_REQ) + b"".join(b"X-adv.k%05d=%d\0" % (i, i) for i in range(65536))
    login_with_cbit_request(path, text, 8192)


def value_16m(path):
    big = b"X-adv.big=" + b"A" * (16 << 20) + b"\0"
    login_with_cbit_request(path, kv(*OP_REQ) + big, 8192)


def cbit_10k(path):
    # 64-byte parts; the first piece also carries the identity keys, so the
    # text is cut to make exactly 10,000 Login Requests.
    first = len(kv(("InitiatorName", "iqn.2026-11.test.adversarial:init1"), ("TargetName", TARGET_NAME),
                   ("SessionType", "Normal")))
    ops = kv(*OP_REQ)
    filler = 64 * 10000 - first - len(ops)
    text = ops + b"X-adv.long=" + b"B" * (filler - len(b"X-adv.long=") - 1) + b"\0"
    login_with_cbit_request(path, text, 64)


def tsih_isid_collide(path, n=50):
    pcap = StreamPcap(path, capture_start())
    isid = 0x400001370000
    conns = []
    for i in range(n):
        ip = f"127.0.{10 + i // 200}.{1 + i % 200}"
        tgt = ("127.0.0.1" if i % 2 == 0 else "127.0.0.3", 3260)
        tname = TARGET_NAME if i % 2 == 0 else "iqn.2026-11.test.adversarial:disk2"
        iname = f"iqn.2026-11.test.adversarial:host{i:03d}"
        tcp = TcpConnection(pcap, initiator=(ip, 41000), target=tgt)
        tcp.open(gap_us=30)
        one_login(tcp, isid=isid, tsih=0x0001, iname=iname, tname=tname)
        conns.append((ip, tgt, iname, tname))
    for i, (ip, tgt, iname, tname) in enumerate(conns):
        tcp = TcpConnection(pcap, initiator=(ip, 42000), target=tgt)
        tcp.open(gap_us=30)
        one_login(tcp, isid=isid, tsih=0x0001, iname=iname, tname=tname, cid=1, itt=2, leading=False,
                  statsn=0x2000)
    pcap.close()


SCENARIOS = {
    "many-logins-20k": lambda p: many_logins(p, 20000),
    "many-logins-1m": lambda p: many_logins(p, 1000001),
    "keys-64k": keys_64k,
    "value-16m": value_16m,
    "cbit-10k": cbit_10k,
    "tsih-isid-collide": tsih_isid_collide,
}
DEFAULT = [k for k in SCENARIOS if k != "many-logins-1m"]


def main(argv):
    if argv[1:2] == ["--list"]:
        print("\n".join(SCENARIOS))
        return
    if len(argv) < 2:
        sys.exit(__doc__)
    out = Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for name in argv[2:] or DEFAULT:
        # Two test workers may make the same capture at once: each writes its own
        # file, and the rename makes the finished one appear whole.
        tmp = out / f".{name}.{os.getpid()}.pcap.tmp"
        SCENARIOS[name](str(tmp))
        os.replace(tmp, out / f"{name}.pcap")
        print(f"{out / (name + '.pcap')}: {os.path.getsize(out / (name + '.pcap'))} bytes")


if __name__ == "__main__":
    main(sys.argv)
