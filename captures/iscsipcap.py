"""Deterministic builder for crafted iSCSI captures (Python 3 stdlib only).

Layers, bottom up:

  Pcap            classic libpcap file, LINKTYPE_ETHERNET, microsecond stamps;
                  time only moves by explicit gaps from a start time.
  TcpConnection   Ethernet/IPv4/TCP framing with real checksums, 3-way
                  handshake, seq/ack per direction, multi-PDU segments, one
                  payload split over N segments, real retransmissions, FIN
                  close, and "capture off" so a trace can start mid-stream.
  Pdu + builders  exact iSCSI PDU bytes (RFC 7143 section 11): 48-byte BHS,
                  data padded to 4 bytes, optional CRC32C digests.
  text()          key=value text with NUL after every pair; raw bytes pass
                  through untouched (split keys, malformed text).
  Session /
  IscsiConnection RFC-correct bookkeeping (ITT, CmdSN, StatSN, ExpStatSN,
                  ExpCmdSN/MaxCmdSN, ISID/TSIH/CID) and short helpers for
                  whole exchanges: login(), text_exchange(), scsi_read(),
                  logout().

Fault injection (for protocol-violation captures):
  * every builder takes every header field as a keyword, so one call can carry
    one wrong value (c.login_req(..., itt=0x99));
  * Pdu.put()/dsl/ahs_len/pad patch a built PDU byte-exactly;
  * IscsiConnection.hook(label, pdu) sees every PDU right before it is sent and
    may return the PDU (changed or not), a replacement, a list (to inject extra
    PDUs into the same segment) or None (to drop it).  Labels are stable
    strings such as "sec-req-1", "op-rsp-2", "text-req-1", "logout-rsp".
  Bookkeeping is done when a PDU is built, so dropping or adding PDUs in a
  hook does not renumber the later ones -- which is usually what a fault
  scenario wants.
"""

import struct

# ---------------------------------------------------------------------------
# pcap

LINKTYPE_ETHERNET = 1


class Pcap:
    """Frames with timestamps; time advances only by explicit gaps."""

    def __init__(self, start_s, default_gap_us=200):
        self.now_us = int(start_s) * 1_000_000
        self.default_gap_us = default_gap_us
        self.frames = []        # list of (ts_us, frame bytes, info dict)
        self.caplens = {}       # frame number -> captured length (snap length)

    def advance(self, us):
        self.now_us += int(us)

    def add(self, frame, gap_us=None, info=None):
        self.advance(self.default_gap_us if gap_us is None else gap_us)
        self.frames.append((self.now_us, bytes(frame), info or {}))
        return len(self.frames)         # 1-based frame number, as tshark shows

    def truncate(self, number, caplen):
        """Store only the first caplen bytes of frame `number` (1-based), as a
        capture with a small snap length would; the original length is kept
        in the record header."""
        self.caplens[number] = caplen

    def to_bytes(self, snaplen=262144):
        out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen,
                           LINKTYPE_ETHERNET)]
        for n, (ts, frame, _) in enumerate(self.frames, 1):
            incl = min(len(frame), self.caplens.get(n, len(frame)))
            out.append(struct.pack("<IIII", ts // 1_000_000, ts % 1_000_000,
                                   incl, len(frame)))
            out.append(frame[:incl])
        return b"".join(out)

    def write(self, path):
        data = self.to_bytes()
        with open(path, "wb") as f:
            f.write(data)
        return len(data)


# ---------------------------------------------------------------------------
# Ethernet / IPv4 / TCP

def inet_checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip_bytes(dotted):
    parts = [int(p) for p in dotted.split(".")]
    if parts[0] != 127:
        raise ValueError("crafted captures use 127.0.0.0/8 only: %s" % dotted)
    return bytes(parts)


def mac_for(ip):
    """Locally administered MAC derived from the IP, e.g. 02:00:7f:00:00:02."""
    return b"\x02\x00" + ip_bytes(ip)


TCP_FIN, TCP_SYN, TCP_RST, TCP_PSH, TCP_ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def tcp_frame(src_ip, dst_ip, sport, dport, seq, ack, flags, payload=b"",
              window=65535, options=b"", ip_id=0, ttl=64):
    src, dst = ip_bytes(src_ip), ip_bytes(dst_ip)
    hlen = 20 + len(options)
    assert hlen % 4 == 0
    tcp = bytearray(struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF,
                                ack & 0xFFFFFFFF, (hlen // 4) << 4, flags,
                                window, 0, 0) + options + payload)
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
    struct.pack_into("!H", tcp, 16, inet_checksum(pseudo + bytes(tcp)))
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp),
                               ip_id & 0xFFFF, 0x4000, ttl, 6, 0, src, dst))
    struct.pack_into("!H", ip, 10, inet_checksum(bytes(ip)))
    eth = mac_for(dst_ip) + mac_for(src_ip) + b"\x08\x00"
    return eth + bytes(ip) + bytes(tcp)


INITIATOR, TARGET = "i", "t"


def flag_names(flags):
    names = [n for bit, n in ((TCP_SYN, "SYN"), (TCP_FIN, "FIN"), (TCP_RST, "RST"),
                              (TCP_PSH, "PSH"), (TCP_ACK, "ACK")) if flags & bit]
    return "/".join(names)


class Segment:
    """One TCP segment as sent (kept so it can be retransmitted)."""

    def __init__(self, side, seq, ack, flags, payload, info):
        self.side, self.seq, self.ack = side, seq, ack
        self.flags, self.payload, self.info = flags, payload, info
        self.frame = None       # frame number in the pcap, None if not captured


class _Peer:
    def __init__(self, ip, port, isn):
        self.ip, self.port = ip, port
        self.seq = isn          # next sequence number to send
        self.ip_id = (isn >> 16) & 0xFFFF


class TcpConnection:
    """A TCP connection between an initiator (client) and a target (server).

    Sides are INITIATOR ("i") and TARGET ("t").  capture=False builds the
    connection without emitting frames until start_capture(); sequence numbers
    keep counting, so the first emitted segment is a valid mid-stream one.
    """

    def __init__(self, pcap, initiator=("127.0.0.2", 40001),
                 target=("127.0.0.1", 3260), isn_i=None, isn_t=None,
                 capture=True, mss=65495):
        self.pcap = pcap
        iip, iport = initiator
        tip, tport = target
        # Deterministic ISNs derived from the ports unless given.
        isn_i = 0x1A000000 + iport * 0x1000 if isn_i is None else isn_i
        isn_t = 0x7C000000 + iport * 0x1000 if isn_t is None else isn_t
        self.peers = {INITIATOR: _Peer(iip, iport, isn_i),
                      TARGET: _Peer(tip, tport, isn_t)}
        self.capturing = capture
        self.mss = mss
        self.segments = []

    @staticmethod
    def other(side):
        return TARGET if side == INITIATOR else INITIATOR

    def start_capture(self):
        self.capturing = True

    def stop_capture(self):
        self.capturing = False

    def _emit(self, seg, gap_us=None, options=b""):
        me, peer = self.peers[seg.side], self.peers[self.other(seg.side)]
        if not self.capturing:
            return seg
        me.ip_id += 1
        frame = tcp_frame(me.ip, peer.ip, me.port, peer.port, seg.seq, seg.ack,
                          seg.flags, seg.payload, options=options,
                          ip_id=me.ip_id)
        seg.frame = self.pcap.add(frame, gap_us, dict(seg.info, side=seg.side,
                                                      tcp=flag_names(seg.flags)))
        return seg

    def _segment(self, side, flags, payload=b"", info=None, gap_us=None,
                 options=b""):
        me, peer = self.peers[side], self.peers[self.other(side)]
        ack = peer.seq if flags & TCP_ACK else 0
        seg = Segment(side, me.seq, ack, flags, bytes(payload), info or {})
        me.seq += len(payload) + (1 if flags & (TCP_SYN | TCP_FIN) else 0)
        self.segments.append(seg)
        return self._emit(seg, gap_us, options)

    def open(self, gap_us=None):
        """3-way handshake (SYN with an MSS option only, no window scaling)."""
        opt = struct.pack("!BBH", 2, 4, self.mss)
        self._segment(INITIATOR, TCP_SYN, gap_us=gap_us, options=opt)
        self._segment(TARGET, TCP_SYN | TCP_ACK, gap_us=60, options=opt)
        self._segment(INITIATOR, TCP_ACK, gap_us=40)

    def send(self, side, payload, gap_us=None, info=None):
        """One data segment (PSH|ACK) carrying payload; returns the Segment."""
        return self._segment(side, TCP_PSH | TCP_ACK, payload, info, gap_us)

    def send_split(self, side, payload, cuts, gap_us=None, info_per_part=None):
        """Send payload as several segments, cut at the given byte offsets."""
        bounds = [0] + sorted(cuts) + [len(payload)]
        segs = []
        for n, (a, b) in enumerate(zip(bounds, bounds[1:])):
            info = info_per_part[n] if info_per_part else None
            segs.append(self.send(side, payload[a:b],
                                  gap_us if n == 0 else 30, info))
        return segs

    def retransmit(self, seg, gap_us=200_000):
        """Re-send an already sent segment: same seq, ack, flags and bytes."""
        again = Segment(seg.side, seg.seq, seg.ack, seg.flags, seg.payload,
                        dict(seg.info, retransmission_of=seg.frame))
        self.segments.append(again)
        return self._emit(again, gap_us)

    def ack(self, side, gap_us=None):
        """A pure ACK from side."""
        return self._segment(side, TCP_ACK, gap_us=gap_us)

    def close(self, first=INITIATOR, gap_us=None):
        """FIN/ACK from `first`, FIN/ACK from the other side, final ACK."""
        self._segment(first, TCP_FIN | TCP_ACK, gap_us=gap_us)
        self._segment(self.other(first), TCP_FIN | TCP_ACK, gap_us=80)
        self._segment(first, TCP_ACK, gap_us=40)


# ---------------------------------------------------------------------------
# CRC32C (Castagnoli), as used by iSCSI digests (RFC 7143 section 13.1,
# byte order per RFC 3720 appendix B.4: 32 zero bytes -> aa 36 91 8a)

def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC32C = _crc32c_table()


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = _CRC32C[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def digest_bytes(data):
    return struct.pack("<I", crc32c(data))


# ---------------------------------------------------------------------------
# key=value text (RFC 7143 section 6.1)

def text(*items):
    """key=value text: NUL after every pair.

    Items: (key, value) tuples, "key=value" strings, lists/tuples of those
    (nested once), or bytes -- bytes are copied as-is with no NUL added, for
    continuation fragments and malformed text.
    """
    out = bytearray()
    for item in items:
        if isinstance(item, (bytes, bytearray)):
            out += item
        elif isinstance(item, str):
            out += item.encode() + b"\0"
        elif isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
            out += ("%s=%s" % item).encode() + b"\0"
        elif isinstance(item, (list, tuple)):
            out += text(*item)
        else:
            raise TypeError("text item %r" % (item,))
    return bytes(out)


def cut_points(data, at):
    """Byte offsets for splitting data.  `at` holds ints (offsets) or bytes
    markers: a marker cuts right after its first occurrence, e.g. the marker
    b"MaxBurstLen" splits "...MaxBurstLen" | "gth=262144\\0..."."""
    cuts = []
    for a in at:
        if isinstance(a, int):
            cuts.append(a)
        else:
            pos = data.find(a)
            if pos < 0:
                raise ValueError("marker %r not in text" % a)
            cuts.append(pos + len(a))
    return sorted(cuts)


def split_text(data, at):
    """Split text into chunks at cut_points(data, at)."""
    bounds = [0] + cut_points(data, at) + [len(data)]
    return [data[a:b] for a, b in zip(bounds, bounds[1:])]


def replace_keys(keys, changes):
    """Copy of a (key, value) list with changes applied: a value replaces the
    key's value in place (or appends a new key), None removes the key."""
    changes = dict(changes or {})
    out = []
    for k, v in keys:
        if k in changes:
            if changes[k] is not None:
                out.append((k, changes[k]))
            del changes[k]
        else:
            out.append((k, v))
    out += [(k, v) for k, v in changes.items() if v is not None]
    return out


# ---------------------------------------------------------------------------
# iSCSI PDUs (RFC 7143 section 11)

OP_NOP_OUT, OP_SCSI_CMD, OP_TEXT_REQ, OP_LOGIN_REQ, OP_LOGOUT_REQ = 0x00, 0x01, 0x04, 0x03, 0x06
OP_NOP_IN, OP_SCSI_RSP, OP_TEXT_RSP, OP_LOGIN_RSP = 0x20, 0x21, 0x24, 0x23
OP_DATA_IN, OP_LOGOUT_RSP, OP_ASYNC, OP_REJECT = 0x25, 0x26, 0x32, 0x3F
I_BIT = 0x40
RESERVED_TAG = 0xFFFFFFFF

OPCODE_NAMES = {
    0x00: "NOP-Out", 0x01: "SCSI Command", 0x02: "Task Mgmt Request",
    0x03: "Login Request", 0x04: "Text Request", 0x05: "SCSI Data-Out",
    0x06: "Logout Request", 0x10: "SNACK Request",
    0x20: "NOP-In", 0x21: "SCSI Response", 0x22: "Task Mgmt Response",
    0x23: "Login Response", 0x24: "Text Response", 0x25: "SCSI Data-In",
    0x26: "Logout Response", 0x31: "R2T", 0x32: "Async Message",
    0x3F: "Reject",
}

STAGE_SECURITY, STAGE_OPERATIONAL, STAGE_FFP = 0, 1, 3


class Pdu:
    """An iSCSI PDU: 48-byte BHS + optional AHS + data segment.

    DataSegmentLength and TotalAHSLength are filled in by encode() from the
    real lengths unless `dsl` / `ahs_len` are set (fault injection); padding
    is zeros unless `pad` is given.
    """

    def __init__(self, bhs, data=b"", ahs=b"", label="",
                 header_digest=False, data_digest=False):
        assert len(bhs) == 48
        self.bhs = bytearray(bhs)
        self.data = bytes(data)
        self.ahs = bytes(ahs)
        self.label = label
        self.header_digest = header_digest
        self.data_digest = data_digest
        self.dsl = None
        self.ahs_len = None
        self.pad = None

    @property
    def opcode(self):
        return self.bhs[0] & 0x3F

    @property
    def from_target(self):
        return bool(self.opcode & 0x20)

    @property
    def name(self):
        return OPCODE_NAMES.get(self.opcode, "opcode 0x%02x" % self.opcode)

    def put(self, offset, fmt, value):
        """Patch the BHS: put(16, "I", 0x99) writes a big-endian u32 at 16."""
        struct.pack_into(">" + fmt, self.bhs, offset, value)
        return self

    def get(self, offset, fmt):
        return struct.unpack_from(">" + fmt, self.bhs, offset)[0]

    def header(self):
        """The BHS as it goes on the wire (lengths filled in)."""
        bhs = bytearray(self.bhs)
        bhs[4] = len(self.ahs) // 4 if self.ahs_len is None else self.ahs_len
        dsl = len(self.data) if self.dsl is None else self.dsl
        bhs[5:8] = struct.pack(">I", dsl)[1:]
        return bytes(bhs)

    def encode(self):
        hdr = self.header() + self.ahs
        out = hdr + (digest_bytes(hdr) if self.header_digest else b"")
        if self.data:
            pad = self.pad if self.pad is not None else b"\0" * (-len(self.data) % 4)
            seg = self.data + pad
            out += seg + (digest_bytes(seg) if self.data_digest else b"")
        return out

    def __len__(self):
        return len(self.encode())

    def __repr__(self):
        return "<Pdu %s %s %d+%d>" % (self.label, self.name, 48, len(self.data))


def _data(data):
    """Builders accept bytes or anything text() accepts."""
    if data is None:
        return b""
    if isinstance(data, (bytes, bytearray)):
        return bytes(data)
    return text(data)


def _bhs(fmt_fields):
    bhs = bytearray(48)
    for offset, fmt, value in fmt_fields:
        struct.pack_into(">" + fmt, bhs, offset, value)
    return bhs


def _lun(lun):
    """8-byte LUN field: bytes as given; an int < 256 as a single-level
    peripheral-addressed LUN (00 LL 00 00 00 00 00 00); larger ints raw."""
    if isinstance(lun, (bytes, bytearray)):
        return bytes(lun)
    return struct.pack(">Q", lun << 48 if lun < 256 else lun)


def login_request(data=b"", *, t=False, c=False, csg=0, nsg=0, vmax=0, vmin=0,
                  isid=0, tsih=0, itt=0, cid=0, cmdsn=0, expstatsn=0,
                  immediate=True, label="login-req"):
    """Login Request, opcode 0x03 (0x43 with the I bit)."""
    flags = (0x80 if t else 0) | (0x40 if c else 0) | (csg & 3) << 2 | (nsg & 3)
    bhs = _bhs([(0, "B", OP_LOGIN_REQ | (I_BIT if immediate else 0)),
                (1, "B", flags), (2, "B", vmax), (3, "B", vmin),
                (8, "Q", (isid & 0xFFFFFFFFFFFF) << 16 | tsih),
                (16, "I", itt), (20, "H", cid), (24, "I", cmdsn),
                (28, "I", expstatsn)])
    return Pdu(bhs, _data(data), label=label)


def login_response(data=b"", *, t=False, c=False, csg=0, nsg=0, vmax=0,
                   vactive=0, isid=0, tsih=0, itt=0, statsn=0, expcmdsn=0,
                   maxcmdsn=0, status=0x0000, label="login-rsp"):
    """Login Response, opcode 0x23; status is class<<8 | detail."""
    flags = (0x80 if t else 0) | (0x40 if c else 0) | (csg & 3) << 2 | (nsg & 3)
    bhs = _bhs([(0, "B", OP_LOGIN_RSP), (1, "B", flags), (2, "B", vmax),
                (3, "B", vactive),
                (8, "Q", (isid & 0xFFFFFFFFFFFF) << 16 | tsih),
                (16, "I", itt), (24, "I", statsn), (28, "I", expcmdsn),
                (32, "I", maxcmdsn), (36, "H", status)])
    return Pdu(bhs, _data(data), label=label)


def text_request(data=b"", *, f=True, c=False, lun=0, itt=0,
                 ttt=RESERVED_TAG, cmdsn=0, expstatsn=0, immediate=False,
                 label="text-req"):
    """Text Request, opcode 0x04 (I bit optional)."""
    bhs = _bhs([(0, "B", OP_TEXT_REQ | (I_BIT if immediate else 0)),
                (1, "B", (0x80 if f else 0) | (0x40 if c else 0)),
                (16, "I", itt), (20, "I", ttt), (24, "I", cmdsn),
                (28, "I", expstatsn)])
    bhs[8:16] = _lun(lun)
    return Pdu(bhs, _data(data), label=label)


def text_response(data=b"", *, f=True, c=False, lun=0, itt=0,
                  ttt=RESERVED_TAG, statsn=0, expcmdsn=0, maxcmdsn=0,
                  label="text-rsp"):
    """Text Response, opcode 0x24."""
    bhs = _bhs([(0, "B", OP_TEXT_RSP),
                (1, "B", (0x80 if f else 0) | (0x40 if c else 0)),
                (16, "I", itt), (20, "I", ttt), (24, "I", statsn),
                (28, "I", expcmdsn), (32, "I", maxcmdsn)])
    bhs[8:16] = _lun(lun)
    return Pdu(bhs, _data(data), label=label)


def logout_request(*, reason=0, itt=0, cid=0, cmdsn=0, expstatsn=0,
                   immediate=True, label="logout-req"):
    """Logout Request, opcode 0x06 (0x46 with the I bit); byte 1 = 0x80|reason."""
    bhs = _bhs([(0, "B", OP_LOGOUT_REQ | (I_BIT if immediate else 0)),
                (1, "B", 0x80 | (reason & 0x7F)), (16, "I", itt),
                (20, "H", cid), (24, "I", cmdsn), (28, "I", expstatsn)])
    return Pdu(bhs, label=label)


def logout_response(*, response=0, itt=0, statsn=0, expcmdsn=0, maxcmdsn=0,
                    time2wait=0, time2retain=0, label="logout-rsp"):
    """Logout Response, opcode 0x26."""
    bhs = _bhs([(0, "B", OP_LOGOUT_RSP), (1, "B", 0x80), (2, "B", response),
                (16, "I", itt), (24, "I", statsn), (28, "I", expcmdsn),
                (32, "I", maxcmdsn), (40, "H", time2wait),
                (42, "H", time2retain)])
    return Pdu(bhs, label=label)


def nop_out(data=b"", *, lun=0, itt=0, ttt=RESERVED_TAG, cmdsn=0,
            expstatsn=0, immediate=True, label="nop-out"):
    """NOP-Out, opcode 0x00; data = ping data."""
    bhs = _bhs([(0, "B", OP_NOP_OUT | (I_BIT if immediate else 0)),
                (1, "B", 0x80), (16, "I", itt), (20, "I", ttt),
                (24, "I", cmdsn), (28, "I", expstatsn)])
    bhs[8:16] = _lun(lun)
    return Pdu(bhs, bytes(data), label=label)


def nop_in(data=b"", *, lun=0, itt=RESERVED_TAG, ttt=RESERVED_TAG, statsn=0,
           expcmdsn=0, maxcmdsn=0, label="nop-in"):
    """NOP-In, opcode 0x20."""
    bhs = _bhs([(0, "B", OP_NOP_IN), (1, "B", 0x80), (16, "I", itt),
                (20, "I", ttt), (24, "I", statsn), (28, "I", expcmdsn),
                (32, "I", maxcmdsn)])
    bhs[8:16] = _lun(lun)
    return Pdu(bhs, bytes(data), label=label)


def reject(rejected, *, reason=0x04, statsn=0, expcmdsn=0, maxcmdsn=0,
           datasn=0, label="reject"):
    """Reject, opcode 0x3f; data = the rejected PDU's BHS (a Pdu or bytes)."""
    hdr = rejected.header() if isinstance(rejected, Pdu) else bytes(rejected)[:48]
    bhs = _bhs([(0, "B", OP_REJECT), (1, "B", 0x80), (2, "B", reason),
                (16, "I", RESERVED_TAG), (24, "I", statsn),
                (28, "I", expcmdsn), (32, "I", maxcmdsn), (36, "I", datasn)])
    return Pdu(bhs, hdr, label=label)


def async_message(data=b"", *, event=0, vcode=0, param1=0, param2=0,
                  param3=0, lun=0, statsn=0, expcmdsn=0, maxcmdsn=0,
                  label="async"):
    """Async Message, opcode 0x32 (event 1 = logout request, 4 = renegotiate)."""
    bhs = _bhs([(0, "B", OP_ASYNC), (1, "B", 0x80), (16, "I", RESERVED_TAG),
                (24, "I", statsn), (28, "I", expcmdsn), (32, "I", maxcmdsn),
                (36, "B", event), (37, "B", vcode), (38, "H", param1),
                (40, "H", param2), (42, "H", param3)])
    bhs[8:16] = _lun(lun)
    return Pdu(bhs, bytes(data), label=label)


def scsi_command(cdb, data=b"", *, read=False, write=False, final=True,
                 attr=1, lun=0, itt=0, edtl=0, cmdsn=0, expstatsn=0,
                 immediate=False, label="scsi-cmd"):
    """SCSI Command, opcode 0x01; cdb up to 16 bytes, data = immediate data."""
    flags = (0x80 if final else 0) | (0x40 if read else 0) | (0x20 if write else 0) | (attr & 7)
    bhs = _bhs([(0, "B", OP_SCSI_CMD | (I_BIT if immediate else 0)),
                (1, "B", flags), (16, "I", itt), (20, "I", edtl),
                (24, "I", cmdsn), (28, "I", expstatsn)])
    bhs[8:16] = _lun(lun)
    cdb = bytes(cdb)
    assert len(cdb) <= 16, "longer CDBs need an extended-CDB AHS"
    bhs[32:32 + len(cdb)] = cdb
    return Pdu(bhs, bytes(data), label=label)


def scsi_data_in(data, *, final=True, ack=False, status_present=False,
                 status=0, lun=0, itt=0, ttt=RESERVED_TAG, statsn=0,
                 expcmdsn=0, maxcmdsn=0, datasn=0, offset=0, residual=0,
                 overflow=False, underflow=False, label="data-in"):
    """SCSI Data-In, opcode 0x25 (S=1 carries status, phase collapse)."""
    flags = ((0x80 if final else 0) | (0x40 if ack else 0) |
             (0x04 if overflow else 0) | (0x02 if underflow else 0) |
             (0x01 if status_present else 0))
    bhs = _bhs([(0, "B", OP_DATA_IN), (1, "B", flags),
                (3, "B", status if status_present else 0), (16, "I", itt),
                (20, "I", ttt), (24, "I", statsn), (28, "I", expcmdsn),
                (32, "I", maxcmdsn), (36, "I", datasn), (40, "I", offset),
                (44, "I", residual)])
    bhs[8:16] = _lun(lun)
    return Pdu(bhs, bytes(data), label=label)


def scsi_response(sense=b"", *, response=0, status=0, itt=0, statsn=0,
                  expcmdsn=0, maxcmdsn=0, expdatasn=0, residual=0,
                  bidi_residual=0, overflow=False, underflow=False,
                  label="scsi-rsp"):
    """SCSI Response, opcode 0x21; sense bytes get the 2-byte SenseLength."""
    flags = 0x80 | (0x04 if overflow else 0) | (0x02 if underflow else 0)
    bhs = _bhs([(0, "B", OP_SCSI_RSP), (1, "B", flags), (2, "B", response),
                (3, "B", status), (16, "I", itt), (24, "I", statsn),
                (28, "I", expcmdsn), (32, "I", maxcmdsn), (36, "I", expdatasn),
                (40, "I", bidi_residual), (44, "I", residual)])
    data = struct.pack(">H", len(sense)) + bytes(sense) if sense else b""
    return Pdu(bhs, data, label=label)


# ---------------------------------------------------------------------------
# Negotiation defaults and a small RFC 7143 answer function

# A typical leading-login operational offer (open-iscsi-like values).
OP_KEYS = [
    ("HeaderDigest", "None"), ("DataDigest", "None"),
    ("MaxRecvDataSegmentLength", "262144"), ("MaxBurstLength", "262144"),
    ("FirstBurstLength", "65536"), ("InitialR2T", "Yes"),
    ("ImmediateData", "Yes"), ("MaxConnections", "1"),
    ("MaxOutstandingR2T", "1"), ("DefaultTime2Wait", "2"),
    ("DefaultTime2Retain", "20"), ("ErrorRecoveryLevel", "0"),
    ("DataPDUInOrder", "Yes"), ("DataSequenceInOrder", "Yes"),
]

# Non-leading login (add a connection): connection-only keys (LO keys are
# not allowed once the session exists).
CONNECTION_OP_KEYS = [
    ("HeaderDigest", "None"), ("DataDigest", "None"),
    ("MaxRecvDataSegmentLength", "262144"),
]

# Discovery session: keys that still matter there.
DISCOVERY_OP_KEYS = [
    ("HeaderDigest", "None"), ("DataDigest", "None"),
    ("MaxRecvDataSegmentLength", "32768"), ("DefaultTime2Wait", "2"),
    ("DefaultTime2Retain", "0"), ("ErrorRecoveryLevel", "0"),
]

# What the crafted target supports / prefers.
TARGET_PREFS = {
    "AuthMethod": "None,CHAP", "CHAP_A": "5",
    "HeaderDigest": "None,CRC32C", "DataDigest": "None,CRC32C",
    "MaxRecvDataSegmentLength": "65536", "MaxBurstLength": "1048576",
    "FirstBurstLength": "65536", "InitialR2T": "Yes", "ImmediateData": "Yes",
    "MaxConnections": "8", "MaxOutstandingR2T": "1", "DefaultTime2Wait": "2",
    "DefaultTime2Retain": "20", "ErrorRecoveryLevel": "0",
    "DataPDUInOrder": "Yes", "DataSequenceInOrder": "Yes",
    "TaskReporting": "RFC3720,ResponseFence", "iSCSIProtocolLevel": "1",
}

KEY_KIND = {
    "AuthMethod": "list", "CHAP_A": "list", "HeaderDigest": "list",
    "DataDigest": "list", "TaskReporting": "list",
    "MaxConnections": "min", "MaxBurstLength": "min",
    "FirstBurstLength": "min", "MaxOutstandingR2T": "min",
    "DefaultTime2Retain": "min", "ErrorRecoveryLevel": "min",
    "iSCSIProtocolLevel": "min", "DefaultTime2Wait": "max",
    "InitialR2T": "or", "DataPDUInOrder": "or", "DataSequenceInOrder": "or",
    "ImmediateData": "and",
    # declarative: no answer
    "MaxRecvDataSegmentLength": "decl", "InitiatorName": "decl",
    "TargetName": "decl", "SessionType": "decl", "InitiatorAlias": "decl",
    "TargetAlias": "decl", "TargetAddress": "decl",
    "TargetPortalGroupTag": "decl", "X#NodeArchitecture": "decl",
}


def answer_value(key, offer, prefs=TARGET_PREFS):
    """The acceptor's answer to one offered key per RFC 7143 section 6.2, or
    None when no answer is due (declarative keys)."""
    kind = KEY_KIND.get(key)
    if kind is None:
        return "NotUnderstood"          # X- keys and anything unknown
    if kind == "decl":
        return None
    mine = prefs[key]
    if kind == "list":
        ok = mine.split(",")
        return next((v for v in offer.split(",") if v in ok), "Reject")
    if kind in ("min", "max"):
        pick = min if kind == "min" else max
        return str(pick(int(offer, 0), int(mine, 0)))
    if kind == "or":
        return "Yes" if "Yes" in (offer, mine) else "No"
    return "Yes" if offer == mine == "Yes" else "No"          # "and"


def answer_keys(offers, prefs=TARGET_PREFS, declare=("MaxRecvDataSegmentLength",)):
    """Answers to a list of offers, in offer order; for each key in `declare`
    that the peer declared, the acceptor's own declaration goes in its place."""
    out = []
    for k, v in offers:
        if k in declare:
            out.append((k, prefs[k]))
            continue
        a = answer_value(k, v, prefs)
        if a is not None:
            out.append((k, a))
    # RFC 7143 section 13.14: the FirstBurstLength result must not exceed
    # MaxBurstLength's, so a correct acceptor lowers its answer.
    res = dict(out)
    if res.get("FirstBurstLength", "").isdigit() and res.get("MaxBurstLength", "").isdigit() \
            and int(res["FirstBurstLength"]) > int(res["MaxBurstLength"]):
        out = [(k, res["MaxBurstLength"] if k == "FirstBurstLength" else v) for k, v in out]
    return out


# ---------------------------------------------------------------------------
# Session / connection bookkeeping and exchange helpers

class Session:
    """Session-wide state: ISID, TSIH, names, CmdSN window, ITT allocation.

    target_name=None makes a Discovery session.
    """

    def __init__(self, isid, initiator_name, target_name=None, *,
                 tsih_assigned=0x0001, cmdsn=1, window=32, tpgt=1,
                 itt_base=0x10000000):
        self.isid = isid
        self.initiator_name = initiator_name
        self.target_name = target_name
        self.tsih = 0                   # 0 until the leading login succeeds
        self.tsih_assigned = tsih_assigned
        self.cmdsn = cmdsn              # next CmdSN the initiator will use
        self.window = window
        self.tpgt = tpgt
        self._itt = itt_base

    @property
    def discovery(self):
        return self.target_name is None

    @property
    def maxcmdsn(self):
        return self.cmdsn + self.window - 1

    def new_itt(self):
        self._itt += 1
        return self._itt

    def next_cmdsn(self, immediate):
        """CmdSN for a request; non-immediate requests consume one."""
        sn = self.cmdsn
        if not immediate:
            self.cmdsn += 1
        return sn

    def first_keys(self, auth_offer="None"):
        keys = [("InitiatorName", self.initiator_name)]
        if not self.discovery:
            keys.append(("TargetName", self.target_name))
        if self.tsih == 0:              # SessionType is leading-login only
            keys.append(("SessionType", "Discovery" if self.discovery else "Normal"))
        if auth_offer is not None:
            keys.append(("AuthMethod", auth_offer))
        return keys


# CHAP values are obviously fake (RFC 7143 section 12.1.3 shapes only).
FAKE_CHAP_C = "0x" + "c0ffee00" * 4
FAKE_CHAP_R = "0x" + "deadbeef" * 4


class IscsiConnection:
    """One iSCSI connection (CID) of a Session over one TcpConnection.

    The builder methods (login_req, login_rsp, text_req, ...) fill in every
    bookkeeping field from the current state and update it; any field can be
    overridden by keyword.  send() puts one or more PDUs into one TCP segment.
    """

    def __init__(self, tcp, session, cid=0, statsn=0x00001000,
                 tpgt_in_first_response=True):
        self.tcp = tcp
        self.session = session
        self.cid = cid
        self.statsn = statsn            # next StatSN the target will use
        self.expstatsn = 0              # what the initiator acknowledges
        self.login_itt = None
        self.hook = None                # hook(label, pdu) -> Pdu|list|None
        self.segmentation = {}          # label -> byte cuts (list) or N parts
        self.delays = {}                # label -> gap before its segment (us), replacing the default
        self.after_send = None          # after_send(labels, segments)
        self.tpgt_pending = tpgt_in_first_response
        self.header_digest = False      # set after login to use CRC32C
        self.data_digest = False

    # -- transport ---------------------------------------------------------

    def _apply_hook(self, pdus):
        out = []
        for p in pdus:
            r = self.hook(p.label, p) if self.hook and isinstance(p, Pdu) else p
            if r is None:
                continue
            out.extend(r if isinstance(r, list) else [r])
        return out

    @staticmethod
    def _side(pdus):
        first = next(p for p in pdus if isinstance(p, Pdu))
        return TARGET if first.from_target else INITIATOR

    def _encode(self, pdus):
        payload, ends = bytearray(), []
        for p in pdus:
            payload += p.encode() if isinstance(p, Pdu) else bytes(p)
            ends.append((len(payload), p))
        return bytes(payload), ends

    def send(self, *pdus, gap_us=None, side=None):
        """Send PDUs (or raw bytes) back to back in one TCP segment -- or in
        several, if a PDU's label is in self.segmentation.  Returns the last
        Segment (None if the hook dropped everything)."""
        pdus = self._apply_hook(pdus)
        if not pdus:
            return None
        labels = [p.label for p in pdus if isinstance(p, Pdu)]
        gap_us = next((self.delays[l] for l in labels if l in self.delays), gap_us)
        cut = next((self.segmentation[l] for l in labels if l in self.segmentation), None)
        if cut is None:
            payload, _ = self._encode(pdus)
            info = {"pdus": [_describe(p) for p in pdus]}
            segs = [self.tcp.send(side or self._side(pdus), payload, gap_us, info)]
        else:
            segs = self._send_split(pdus, cut, gap_us, side)
        if self.after_send:
            self.after_send(labels, segs)
        return segs[-1]

    def send_split(self, *pdus, cuts, gap_us=None, side=None):
        """Send PDUs whose concatenated bytes are cut over several segments:
        cuts = list of byte offsets, or an int N for N equal-ish pieces."""
        pdus = self._apply_hook(pdus)
        return self._send_split(pdus, cuts, gap_us, side)

    def _send_split(self, pdus, cuts, gap_us, side):
        side = side or self._side(pdus)
        payload, ends = self._encode(pdus)
        if isinstance(cuts, int):
            step = -(-len(payload) // cuts)
            cuts = list(range(step, len(payload), step))
        bounds = [0] + sorted(cuts) + [len(payload)]
        infos = []
        for a, b in zip(bounds, bounds[1:]):
            done = [_describe(p) for end, p in ends if a < end <= b]
            infos.append({"pdus": done, "bytes": (a, b)})
        return self.tcp.send_split(side, payload, cuts, gap_us, infos)

    def exchange(self, request, response, gap_us=None):
        """Request segment from the initiator, then the response segment."""
        a = self.send(request, gap_us=gap_us)
        b = self.send(response, gap_us=350)
        return a, b

    # -- PDU builders with bookkeeping --------------------------------------

    def _rsp_common(self, advance_statsn=True):
        s = self.session
        statsn = self.statsn
        if advance_statsn:
            self.statsn += 1
            self.expstatsn = self.statsn
        return dict(statsn=statsn, expcmdsn=s.cmdsn, maxcmdsn=s.maxcmdsn)

    def login_req(self, keys=(), *, t, csg, nsg=0, c=False, label="login-req", **kw):
        s = self.session
        if self.login_itt is None:
            self.login_itt = s.new_itt()
        f = dict(t=t, c=c, csg=csg, nsg=nsg if t else 0,
                 isid=s.isid, tsih=s.tsih, itt=self.login_itt, cid=self.cid,
                 cmdsn=s.cmdsn, expstatsn=self.expstatsn, label=label)
        f.update(kw)
        return login_request(keys, **f)

    def login_rsp(self, keys=(), *, t, csg, nsg=0, c=False, status=0,
                  tsih=None, label="login-rsp", **kw):
        s = self.session
        f = dict(t=t, c=c, csg=csg, nsg=nsg if t else 0, isid=s.isid,
                 tsih=s.tsih if tsih is None else tsih, itt=self.login_itt,
                 status=status, label=label)
        if status:                      # T/CSG/NSG are reserved on failure
            f.update(t=False, c=False, csg=0, nsg=0)
        f.update(self._rsp_common())
        f.update(kw)
        return login_response(keys, **f)

    def text_req(self, keys=(), *, f=True, c=False, itt=None,
                 ttt=RESERVED_TAG, immediate=False, label="text-req", **kw):
        s = self.session
        fields = dict(f=f, c=c, itt=s.new_itt() if itt is None else itt,
                      ttt=ttt, immediate=immediate,
                      cmdsn=s.next_cmdsn(immediate), expstatsn=self.expstatsn,
                      label=label)
        fields.update(kw)
        return self._digests(text_request(keys, **fields))

    def text_rsp(self, keys=(), *, itt, f=True, c=False, ttt=RESERVED_TAG,
                 label="text-rsp", **kw):
        fields = dict(f=f, c=c, itt=itt, ttt=ttt, label=label)
        fields.update(self._rsp_common())
        fields.update(kw)
        return self._digests(text_response(keys, **fields))

    def logout_req(self, reason=0, *, cid=None, immediate=True,
                   label="logout-req", **kw):
        s = self.session
        f = dict(reason=reason, itt=s.new_itt(),
                 cid=self.cid if cid is None else cid, immediate=immediate,
                 cmdsn=s.next_cmdsn(immediate), expstatsn=self.expstatsn,
                 label=label)
        f.update(kw)
        return self._digests(logout_request(**f))

    def logout_rsp(self, *, itt, response=0, label="logout-rsp", **kw):
        f = dict(itt=itt, response=response, label=label)
        f.update(self._rsp_common())
        f.update(kw)
        return self._digests(logout_response(**f))

    def nop_out(self, data=b"", *, itt=None, ttt=RESERVED_TAG, immediate=True,
                label="nop-out", **kw):
        s = self.session
        f = dict(itt=s.new_itt() if itt is None else itt, ttt=ttt,
                 immediate=immediate, cmdsn=s.next_cmdsn(immediate),
                 expstatsn=self.expstatsn, label=label)
        f.update(kw)
        return self._digests(nop_out(data, **f))

    def nop_in(self, data=b"", *, itt=RESERVED_TAG, ttt=RESERVED_TAG,
               label="nop-in", **kw):
        # A NOP-In that is not a reply (ITT=ffffffff) does not advance StatSN.
        f = dict(itt=itt, ttt=ttt, label=label)
        f.update(self._rsp_common(advance_statsn=itt != RESERVED_TAG))
        f.update(kw)
        return self._digests(nop_in(data, **f))

    def reject(self, rejected, *, reason=0x04, label="reject", **kw):
        f = dict(reason=reason, label=label)
        f.update(self._rsp_common())
        f.update(kw)
        return self._digests(reject(rejected, **f))

    def async_msg(self, data=b"", *, event, label="async", **kw):
        f = dict(event=event, label=label)
        f.update(self._rsp_common())
        f.update(kw)
        return self._digests(async_message(data, **f))

    def scsi_cmd(self, cdb, data=b"", *, edtl, read=False, write=False,
                 label="scsi-cmd", **kw):
        s = self.session
        f = dict(read=read, write=write, itt=s.new_itt(), edtl=edtl,
                 cmdsn=s.next_cmdsn(kw.get("immediate", False)),
                 expstatsn=self.expstatsn, label=label)
        f.update(kw)
        return self._digests(scsi_command(cdb, data, **f))

    def data_in(self, data, *, itt, datasn=0, offset=0, label="data-in", **kw):
        s = self.session
        f = dict(itt=itt, datasn=datasn, offset=offset, statsn=0,
                 expcmdsn=s.cmdsn, maxcmdsn=s.maxcmdsn, label=label)
        if kw.get("status_present"):
            f.update(self._rsp_common())
        f.update(kw)
        return self._digests(scsi_data_in(data, **f))

    def scsi_rsp(self, *, itt, status=0, sense=b"", label="scsi-rsp", **kw):
        f = dict(itt=itt, status=status, label=label)
        f.update(self._rsp_common())
        f.update(kw)
        return self._digests(scsi_response(sense, **f))

    def _digests(self, pdu):
        pdu.header_digest = self.header_digest
        pdu.data_digest = self.data_digest
        return pdu

    # -- whole exchanges ----------------------------------------------------

    def login_step(self, req_keys, rsp_keys, *, csg, nsg=0, t=True, rsp_t=None,
                   status=0, tsih=None, req_split=(), rsp_split=(), tag="op",
                   count=1, gap_us=None):
        """One request/response pair of a login stage, with optional C-bit
        continuation on either side:

        req_split: markers/offsets cutting the request text into C=1 PDUs;
          each C=1 request (T=0) gets an empty Login Response, and the last
          piece goes out with C=0 and the caller's T/NSG.
        rsp_split: same for the response; the initiator answers each C=1
          response with an empty Login Request (same T/NSG as before).
        Returns the final response PDU (after the hook).
        """
        rsp_t = t if rsp_t is None else rsp_t
        req_chunks = split_text(_data(req_keys), req_split)
        for n, chunk in enumerate(req_chunks):
            last = n == len(req_chunks) - 1
            lab = "%s-req-%d%s" % (tag, count, "" if last else chr(ord("a") + n))
            self.send(self.login_req(chunk, t=t and last, c=not last, csg=csg,
                                     nsg=nsg, label=lab), gap_us=gap_us)
            if not last:
                self.send(self.login_rsp(b"", t=False, csg=csg,
                                         label=lab + "-reply"),
                          gap_us=300)
        rsp_chunks = split_text(_data(rsp_keys), rsp_split)
        final = None
        for n, chunk in enumerate(rsp_chunks):
            last = n == len(rsp_chunks) - 1
            lab = "%s-rsp-%d%s" % (tag, count, "" if last else chr(ord("a") + n))
            final = self.login_rsp(chunk, t=rsp_t and last, c=not last,
                                   csg=csg, nsg=nsg, status=status,
                                   tsih=tsih if last else None, label=lab)
            self.send(final, gap_us=350)
            if not last:
                self.send(self.login_req(b"", t=t, csg=csg, nsg=nsg,
                                         label=lab + "-reply"),
                          gap_us=120)
        return final

    def security_stage(self, auth="none", *, first_keys=None, to_stage=STAGE_OPERATIONAL,
                       chap_fail=False, first_status=0, first_rsp_keys=None):
        """Security stage (CSG=0).  auth="none": one exchange with
        AuthMethod=None.  auth="chap": CHAP one-way (AuthMethod, CHAP_A,
        CHAP_N/CHAP_R); chap_fail ends with status 0x0201.  first_status
        (e.g. 0x0101 redirect) answers the first request and stops.
        Returns False when the login failed/redirected."""
        s = self.session
        offer = {"none": "None", "chap": "CHAP,None"}[auth]
        keys = first_keys if first_keys is not None else s.first_keys(offer)
        tpgt = [("TargetPortalGroupTag", str(s.tpgt))] if self.tpgt_pending else []
        if first_status:
            self.login_step(keys, first_rsp_keys or [], csg=0, nsg=to_stage,
                            status=first_status, tag="sec")
            return False
        if auth == "none":
            self.login_step(keys, [("AuthMethod", "None")] + tpgt, csg=0,
                            nsg=to_stage, tag="sec")
            self.tpgt_pending = False
            return True
        # CHAP one-way: RFC 7143 section 12.1.3
        self.login_step(keys, [("AuthMethod", "CHAP")] + tpgt, csg=0, t=False,
                        tag="sec", count=1)
        self.tpgt_pending = False
        self.login_step([("CHAP_A", "5")],
                        [("CHAP_A", "5"), ("CHAP_I", "1"), ("CHAP_C", FAKE_CHAP_C)],
                        csg=0, t=False, tag="sec", count=2)
        self.login_step([("CHAP_N", s.initiator_name), ("CHAP_R", FAKE_CHAP_R)],
                        [], csg=0, nsg=to_stage, status=0x0201 if chap_fail else 0,
                        tag="sec", count=3)
        return not chap_fail

    def operational_stage(self, op_keys=None, *, changes=None, prefs=None,
                          extra_rsp=(), req_split=(), rsp_split=()):
        """Operational stage (CSG=1) ending in FFP: one T=1 NSG=3 request with
        the offer, answered with computed RFC answers and the TSIH.
        op_keys defaults to OP_KEYS (leading), CONNECTION_OP_KEYS
        (non-leading) or DISCOVERY_OP_KEYS; changes edits that list
        (replace_keys)."""
        s = self.session
        leading = s.tsih == 0
        if op_keys is None:
            op_keys = (DISCOVERY_OP_KEYS if s.discovery else
                       OP_KEYS if leading else CONNECTION_OP_KEYS)
        offer = replace_keys(op_keys, changes)
        answers = answer_keys(offer, prefs or TARGET_PREFS)
        if self.tpgt_pending:
            answers.append(("TargetPortalGroupTag", str(s.tpgt)))
            self.tpgt_pending = False
        tsih = s.tsih_assigned if leading else s.tsih
        self.login_step(offer, answers + list(extra_rsp), csg=1, nsg=3,
                        tsih=tsih, req_split=req_split, rsp_split=rsp_split)
        s.tsih = tsih
        return answers

    def login(self, auth="none", *, op_keys=None, changes=None, **kw):
        """Complete RFC-correct login: security stage (unless auth=None), then
        operational stage to FFP.  Extra kwargs go to operational_stage()."""
        if auth is not None and not self.security_stage(auth):
            return False
        self.operational_stage(op_keys, changes=changes, **kw)
        return True

    def text_exchange(self, req_keys, rsp_parts, *, rsp_split=(),
                      immediate=False, ttt=0x00000A01):
        """An FFP Text negotiation sequence (one ITT).

        rsp_parts: list of response texts.  More than one part is a long
        response (RFC 7143 section 5 / 6.4): every part but the last has F=0
        and TTT=ttt, the initiator asks for more with an empty F=1 request
        carrying that TTT, and the last part has F=1, TTT=ffffffff.
        rsp_split: cut the first part into C=1 PDUs (F=0, TTT=ttt), each
        answered with an empty F=1 request.
        """
        req = self.text_req(req_keys, immediate=immediate, label="text-req-1")
        itt = req.get(16, "I")
        self.send(req)
        pieces = []     # (text, is_continuation_of_same_part)
        for n, part in enumerate(rsp_parts):
            chunks = split_text(_data(part), rsp_split if n == 0 else ())
            pieces += [(ch, i < len(chunks) - 1) for i, ch in enumerate(chunks)]
        for n, (chunk, cont) in enumerate(pieces):
            last = n == len(pieces) - 1
            self.send(self.text_rsp(chunk, itt=itt, f=last, c=cont,
                                    ttt=RESERVED_TAG if last else ttt,
                                    label="text-rsp-%d" % (n + 1)), gap_us=350)
            if not last:
                self.send(self.text_req(b"", itt=itt, f=True, ttt=ttt,
                                        immediate=immediate,
                                        label="text-req-%d" % (n + 2)))
        return itt

    def scsi_read(self, cdb, data, *, edtl=None, status=0):
        """SCSI read: Command (R=1), one Data-In, SCSI Response."""
        edtl = len(data) if edtl is None else edtl
        cmd = self.scsi_cmd(cdb, edtl=edtl, read=True)
        itt = cmd.get(16, "I")
        self.send(cmd)
        self.send(self.data_in(data, itt=itt), gap_us=400)
        self.send(self.scsi_rsp(itt=itt, status=status, expdatasn=1,
                                residual=edtl - len(data),
                                underflow=edtl > len(data)), gap_us=20)
        return itt

    def inquiry(self, vendor="CRAFTED", product="disk1", rev="4.0"):
        """Standard INQUIRY (36 bytes) on LUN 0."""
        data = (bytes([0x00, 0x00, 0x06, 0x02, 31, 0x00, 0x00, 0x02]) +
                vendor.ljust(8).encode() + product.ljust(16).encode() +
                rev.ljust(4).encode())
        return self.scsi_read(bytes([0x12, 0, 0, 0, 36, 0]), data)

    def test_unit_ready(self):
        cmd = self.scsi_cmd(bytes(6), edtl=0)
        self.send(cmd)
        self.send(self.scsi_rsp(itt=cmd.get(16, "I")), gap_us=150)

    def read_capacity(self, blocks=0x003FFFFF, block_size=512):
        return self.scsi_read(bytes([0x25] + [0] * 9),
                              struct.pack(">II", blocks, block_size))

    def logout(self, reason=0, *, cid=None, time2wait=0, time2retain=0):
        req = self.logout_req(reason, cid=cid)
        self.send(req)
        self.send(self.logout_rsp(itt=req.get(16, "I"), time2wait=time2wait,
                                  time2retain=time2retain), gap_us=300)


def _describe(p):
    if not isinstance(p, Pdu):
        return {"raw": len(p)}
    d = {"opcode": p.opcode, "flags": p.bhs[1], "label": p.label, "name": p.name,
         "itt": p.get(16, "I")}
    if p.opcode in (OP_LOGIN_REQ, OP_LOGIN_RSP, OP_TEXT_REQ, OP_TEXT_RSP):
        d["text"] = [t.decode("utf-8", "replace") for t in p.data.split(b"\0")]
    if p.opcode in (OP_TEXT_REQ, OP_TEXT_RSP, OP_NOP_OUT, OP_NOP_IN):
        d["ttt"] = p.get(20, "I")
    d["byte0"] = p.bhs[0]
    d["dsl"] = len(p.data) if p.dsl is None else p.dsl
    if p.opcode == OP_REJECT and p.data:
        d["rejected_opcode"] = p.data[0] & 0x3F
    return d


def capture_start(year_2026_day=306):
    """A fixed capture start (seconds since the epoch) for deterministic
    files: 2026-11-02 10:00:00 UTC for the default day-of-year."""
    return 1767225600 + (year_2026_day - 1) * 86400 + 10 * 3600
