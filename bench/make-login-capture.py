#!/usr/bin/python3
"""Write a login-heavy crafted capture for the benchmark.

    make-login-capture.py N OUT.pcap [--concurrency K] [--jobs J]

N sessions, each on its own TCP connection: 3-way handshake, a complete
RFC-correct login (captures/iscsipcap.py), a Logout (reason 0) with its
response, and a FIN close.  K sessions (default 16) are in flight at once, so
their frames interleave the way a busy SAN's would.  The mix, by session
number i (deterministic, no randomness):

  * i % 10 == 9: Discovery session (no TargetName; security + operational)
  * i % 10 == 8: one-way CHAP in the security stage (3 exchanges, a fresh
                 challenge per session)
  * otherwise:   AuthMethod=None security stage + operational stage

Initiator names cycle over 2,000 hosts, target names over 64 targets on 4
portals (127.0.0.1..4:3260).  ISIDs are of the random type (0x80...): for
i % 10 < 3 the host reuses one ISID per target, as open-iscsi does (the
RFC 7143 ISID rule; such logins of one host/target pair are 8,000 sessions
apart, never concurrent), the others get an ISID of their own.  Every session
has its own initiator address/port (127.1.x.y:40000+) and TSIH.  About 12.4
frames and 1.9 KiB per session.

J worker processes (default: all CPUs) build consecutive blocks of sessions
into temporary files that are then concatenated in order; the blocks are laid
out back to back in time, so the file is the same for any J.
"""

import argparse
import os
import struct
import sys
import tempfile
from multiprocessing import Pool

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "..", "captures"))

from iscsipcap import (  # noqa: E402
    IscsiConnection, Pcap, Session, TcpConnection, capture_start,
)

HOSTS = 2000
TARGETS = 64
BLOCK = 5000                    # sessions per worker task
BLOCK_US = 5000 * 5000          # time span reserved for one block (5 ms/session)
GAP_US = 150                    # between frames


class StreamPcap(Pcap):
    """Pcap that writes each frame as it is added instead of keeping it."""

    def __init__(self, f, start_us):
        super().__init__(0, default_gap_us=GAP_US)
        self.now_us = start_us
        self.f = f
        self.count = 0

    def add(self, frame, gap_us=None, info=None):
        self.advance(self.default_gap_us if gap_us is None else gap_us)
        frame = bytes(frame)
        self.f.write(struct.pack("<IIII", self.now_us // 1_000_000, self.now_us % 1_000_000,
                                 len(frame), len(frame)))
        self.f.write(frame)
        self.count += 1
        return self.count


def pcap_header(snaplen=262144):
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, 1)


def chap_stage(c, s, i):
    """One-way CHAP (RFC 7143 section 12.1.3) like IscsiConnection.security_stage
    ("chap"), but with a fresh challenge and response per session, as a real
    target and initiator would send (the library's are constants)."""
    h = (i * 0x9E3779B97F4A7C15) & ((1 << 128) - 1)
    c.login_step(s.first_keys("CHAP,None"), [("AuthMethod", "CHAP"), ("TargetPortalGroupTag", str(s.tpgt))],
                 csg=0, t=False, tag="sec", count=1)
    c.tpgt_pending = False
    c.login_step([("CHAP_A", "5")],
                 [("CHAP_A", "5"), ("CHAP_I", str(i % 256)), ("CHAP_C", "0x%032x" % (h ^ 0xC0FFEE))],
                 csg=0, t=False, tag="sec", count=2)
    c.login_step([("CHAP_N", s.initiator_name), ("CHAP_R", "0x%032x" % (h ^ 0xDEADBEEF))], [],
                 csg=0, nsg=1, tag="sec", count=3)


def session_flow(pcap, i):
    """Generator: one session, yielding between exchanges."""
    kind = "discovery" if i % 10 == 9 else "chap" if i % 10 == 8 else "none"
    host = i % HOSTS
    iname = "iqn.2026-11.test.bench:host%04d" % host
    tname = None if kind == "discovery" else "iqn.2026-11.test.bench:target%02d" % (i % TARGETS)
    if i % 10 < 3:
        # open-iscsi style: the same ISID every time this host logs in to this
        # target (RFC 7143 ISID rule), so sessions of one pair share an ISID
        pair = host * TARGETS + i % TARGETS
        isid = (0x80 << 40) | ((pair * 2654435761) & 0xFFFFFF) << 16 | 0xA000 | (pair & 0x0FFF)
    else:
        isid = (0x80 << 40) | ((i * 2654435761) & 0xFFFFFF) << 16 | (i & 0xFFFF)
    s = Session(isid, iname, tname, tsih_assigned=1 + i % 0xFFFE)
    ip = "127.1.%d.%d" % ((i // 100) // 250 % 250, (i // 100) % 250 + 1)
    port = 40000 + i % 100
    tip = "127.0.0.%d" % (1 + i % 4)
    tcp = TcpConnection(pcap, (ip, port), (tip, 3260),
                        isn_i=(0x1A000000 + i * 7919) & 0xFFFFFFFF,
                        isn_t=(0x7C000000 + i * 104729) & 0xFFFFFFFF)
    tcp.open()
    yield
    c = IscsiConnection(tcp, s, statsn=0x1000 + i % 1000)
    if kind == "chap":
        chap_stage(c, s, i)
    else:
        c.security_stage("none")
    yield
    c.operational_stage()
    yield
    c.logout(0)
    yield
    tcp.close()


def build_block(job):
    """Sessions [first, last) into a temp file; returns (path, frames)."""
    first, last, concurrency, tmpdir, t0 = job
    fd, path = tempfile.mkstemp(prefix="logins-", suffix=".part", dir=tmpdir)
    with os.fdopen(fd, "wb", buffering=1 << 20) as f:
        pcap = StreamPcap(f, t0 + (first // BLOCK) * BLOCK_US)
        active = []
        nxt = first
        while active or nxt < last:
            while len(active) < concurrency and nxt < last:
                active.append(session_flow(pcap, nxt))
                nxt += 1
            still = []
            for g in active:
                try:
                    next(g)
                    still.append(g)
                except StopIteration:
                    pass
            active = still
        assert pcap.now_us < t0 + (first // BLOCK + 1) * BLOCK_US, "block overran its time slot"
    return path, pcap.count


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("n", type=int, help="number of sessions (= logins)")
    ap.add_argument("out")
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    t0 = capture_start() * 1_000_000
    outdir = os.path.dirname(os.path.abspath(args.out))
    jobs = [(a, min(a + BLOCK, args.n), args.concurrency, outdir, t0) for a in range(0, args.n, BLOCK)]
    tmp = args.out + ".tmp"
    parts = []
    try:
        with Pool(max(1, args.jobs)) as pool:
            parts = pool.map(build_block, jobs, chunksize=1)
        frames = 0
        with open(tmp, "wb") as out:
            out.write(pcap_header())
            for path, count in parts:
                with open(path, "rb") as f:
                    while True:
                        chunk = f.read(1 << 22)
                        if not chunk:
                            break
                        out.write(chunk)
                frames += count
        os.replace(tmp, args.out)
    finally:
        for path, _ in parts:
            if os.path.exists(path):
                os.unlink(path)
        if os.path.exists(tmp):
            os.unlink(tmp)
    print("%s: %d sessions, %d frames, %d bytes" % (args.out, args.n, frames, os.path.getsize(args.out)))


if __name__ == "__main__":
    main()
