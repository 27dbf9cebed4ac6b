#!/usr/bin/python3
"""Small iSCSI initiator used by make-real-captures.sh to produce real traffic.

Two back ends:

* libiscsi (through ctypes on the installed libiscsi.so.7, package libiscsi7):
  subcommands ``discover`` and ``io``.  The wire traffic is libiscsi's own;
  the wrapper only fixes the ISID (libiscsi picks a random one by default) so
  that regenerated captures keep the same ISIDs.
* a minimal raw-socket initiator (Python stdlib only): subcommand
  ``sendtargets-raw``.  libiscsi always announces
  MaxRecvDataSegmentLength=262144 and rejects a Text Response without the F
  bit, so it can never show a SendTargets reply spread over several PDUs.  The
  raw initiator announces a small MaxRecvDataSegmentLength (default 8192) and
  follows the target's continuation (empty Text Request echoing the Target
  Transfer Tag) until a Text Response with F=1 arrives.

Only loopback portals are accepted.
"""

import argparse
import ctypes
import ctypes.util
import socket
import struct
import sys
import time

DEFAULT_PORTAL = "127.0.0.1:3260"


def check_loopback(portal):
    host = portal.rsplit(":", 1)[0]
    if not host.startswith("127."):
        sys.exit("iscsi-client: refusing non-loopback portal %r" % portal)


def parse_isid(text):
    value = bytes.fromhex(text)
    if len(value) != 6:
        sys.exit("iscsi-client: ISID must be 12 hex digits, got %r" % text)
    return value


# --------------------------------------------------------------------------
# libiscsi back end
# --------------------------------------------------------------------------

ISCSI_SESSION_DISCOVERY = 1
ISCSI_SESSION_NORMAL = 2
HEADER_DIGESTS = {"none": 0, "none-crc32c": 1, "crc32c-none": 2, "crc32c": 3}
SCSI_STATUS_GOOD = 0


class DiscoveryPortal(ctypes.Structure):
    pass


DiscoveryPortal._fields_ = [("next", ctypes.POINTER(DiscoveryPortal)),
                            ("portal", ctypes.c_char_p)]


class DiscoveryAddress(ctypes.Structure):
    pass


DiscoveryAddress._fields_ = [("next", ctypes.POINTER(DiscoveryAddress)),
                             ("target_name", ctypes.c_char_p),
                             ("portals", ctypes.POINTER(DiscoveryPortal))]


def load_libiscsi():
    name = ctypes.util.find_library("iscsi") or "libiscsi.so.7"
    try:
        lib = ctypes.CDLL(name)
    except OSError as exc:
        sys.exit("iscsi-client: cannot load libiscsi (%s); install libiscsi7" % exc)
    vp, cp, ci, u32 = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_uint32
    sigs = {
        "iscsi_create_context": (vp, [cp]),
        "iscsi_destroy_context": (ci, [vp]),
        "iscsi_get_error": (cp, [vp]),
        "iscsi_set_targetname": (ci, [vp, cp]),
        "iscsi_set_alias": (ci, [vp, cp]),
        "iscsi_set_session_type": (ci, [vp, ci]),
        "iscsi_set_header_digest": (ci, [vp, ci]),
        "iscsi_set_isid_random": (ci, [vp, u32, u32]),
        "iscsi_set_initiator_username_pwd": (ci, [vp, cp, cp]),
        "iscsi_set_target_username_pwd": (ci, [vp, cp, cp]),
        "iscsi_connect_sync": (ci, [vp, cp]),
        "iscsi_full_connect_sync": (ci, [vp, cp, ci]),
        "iscsi_login_sync": (ci, [vp]),
        "iscsi_logout_sync": (ci, [vp]),
        "iscsi_disconnect": (ci, [vp]),
        "iscsi_discovery_sync": (ctypes.POINTER(DiscoveryAddress), [vp]),
        "iscsi_free_discovery_data": (None, [vp, ctypes.POINTER(DiscoveryAddress)]),
        "iscsi_inquiry_sync": (vp, [vp, ci, ci, ci, ci]),
        "iscsi_readcapacity16_sync": (vp, [vp, ci]),
        "iscsi_read10_sync": (vp, [vp, ci, u32, u32, ci, ci, ci, ci, ci, ci]),
        "iscsi_write10_sync": (vp, [vp, ci, u32, cp, u32, ci, ci, ci, ci, ci, ci]),
        "scsi_free_scsi_task": (None, [vp]),
    }
    for fname, (res, args) in sigs.items():
        fn = getattr(lib, fname)
        fn.restype = res
        fn.argtypes = args
    return lib


class Libiscsi:
    def __init__(self, args, session_type):
        check_loopback(args.portal)
        self.lib = load_libiscsi()
        self.portal = args.portal.encode()
        self.ctx = self.lib.iscsi_create_context(args.initiator.encode())
        if not self.ctx:
            sys.exit("iscsi-client: iscsi_create_context failed")
        isid = parse_isid(args.isid)
        if isid[0] != 0x80:
            sys.exit("iscsi-client: ISID must be of the random type (0x80....)")
        # iscsi_set_isid_random() writes 0x80, rnd (24 bit), qualifier (16 bit)
        self.lib.iscsi_set_isid_random(self.ctx, int.from_bytes(isid[1:4], "big"),
                                       int.from_bytes(isid[4:6], "big"))
        self.lib.iscsi_set_session_type(self.ctx, session_type)
        if args.alias:
            self.lib.iscsi_set_alias(self.ctx, args.alias.encode())
        self.lib.iscsi_set_header_digest(self.ctx, HEADER_DIGESTS[args.header_digest])
        if args.user:
            self.lib.iscsi_set_initiator_username_pwd(self.ctx, args.user.encode(),
                                                      args.password.encode())
        if getattr(args, "target_user", None):
            self.lib.iscsi_set_target_username_pwd(self.ctx, args.target_user.encode(),
                                                   args.target_password.encode())

    def error(self):
        msg = self.lib.iscsi_get_error(self.ctx)
        return msg.decode(errors="replace") if msg else "?"

    def task(self, what, task):
        if not task:
            raise RuntimeError("%s failed: %s" % (what, self.error()))
        status = ctypes.c_int.from_address(task).value  # struct scsi_task.status
        self.lib.scsi_free_scsi_task(task)
        print("  %-28s status 0x%02x" % (what, status))
        if status != SCSI_STATUS_GOOD:
            raise RuntimeError("%s: SCSI status 0x%02x" % (what, status))

    def close(self, logout=True):
        if logout:
            if self.lib.iscsi_logout_sync(self.ctx) != 0:
                print("logout failed: %s" % self.error(), file=sys.stderr)
                self.lib.iscsi_destroy_context(self.ctx)
                return 1
            print("logged out")
        self.lib.iscsi_destroy_context(self.ctx)
        return 0


def cmd_discover(args):
    li = Libiscsi(args, ISCSI_SESSION_DISCOVERY)
    if li.lib.iscsi_connect_sync(li.ctx, li.portal) != 0:
        sys.exit("connect failed: %s" % li.error())
    if li.lib.iscsi_login_sync(li.ctx) != 0:
        print("discovery login failed: %s" % li.error(), file=sys.stderr)
        li.close(logout=False)
        return 2
    head = li.lib.iscsi_discovery_sync(li.ctx)
    if not head:
        print("SendTargets failed: %s" % li.error(), file=sys.stderr)
        li.close()
        return 3
    names = []
    node = head
    while node:
        portals = []
        p = node.contents.portals
        while p:
            portals.append(p.contents.portal.decode())
            p = p.contents.next
        names.append((node.contents.target_name.decode(), portals))
        node = node.contents.next
    li.lib.iscsi_free_discovery_data(li.ctx, head)
    for name, portals in sorted(names):
        print("%s %s" % (name, " ".join(portals)))
    print("%d targets" % len(names))
    return li.close()


def block_pattern(lba, blocks, blocksize):
    out = bytearray()
    for i in range(blocks):
        text = ("iscsi-login real capture, lba %d\n" % (lba + i)).encode()
        out += (text * (blocksize // len(text) + 1))[:blocksize]
    return bytes(out)


def cmd_io(args):
    li = Libiscsi(args, ISCSI_SESSION_NORMAL)
    li.lib.iscsi_set_targetname(li.ctx, args.target.encode())
    if li.lib.iscsi_full_connect_sync(li.ctx, li.portal, args.lun) != 0:
        print("login failed: %s" % li.error(), file=sys.stderr)
        li.close(logout=False)
        return 2
    print("logged in to %s lun %d" % (args.target, args.lun))
    rc = 0
    try:
        li.task("INQUIRY", li.lib.iscsi_inquiry_sync(li.ctx, args.lun, 0, 0, 255))
        if args.inquiry_only:
            pass
        else:
            li.task("READ CAPACITY(16)", li.lib.iscsi_readcapacity16_sync(li.ctx, args.lun))
            bs = 512
            plan = [(0, 1), (8, 8)][: max(0, args.writes)]
            for lba, n in plan:
                data = block_pattern(lba, n, bs)
                li.task("WRITE(10) lba %d x%d" % (lba, n),
                        li.lib.iscsi_write10_sync(li.ctx, args.lun, lba, data, n * bs,
                                                  bs, 0, 0, 0, 0, 0))
            for i in range(args.reads):
                lba, n = [(0, 1), (8, 8), (64, 4), (128, 2)][i % 4]
                li.task("READ(10) lba %d x%d" % (lba, n),
                        li.lib.iscsi_read10_sync(li.ctx, args.lun, lba, n * bs, bs,
                                                 0, 0, 0, 0, 0))
    except RuntimeError as exc:
        print(str(exc), file=sys.stderr)
        rc = 3
    if args.hold > 0:
        time.sleep(args.hold)
    return li.close() or rc


# --------------------------------------------------------------------------
# raw-socket back end (discovery session with continuation support)
# --------------------------------------------------------------------------

OP_LOGIN_REQ, OP_TEXT_REQ, OP_LOGOUT_REQ = 0x03, 0x04, 0x06
OP_LOGIN_RSP, OP_TEXT_RSP, OP_LOGOUT_RSP = 0x23, 0x24, 0x26
RESERVED_TAG = 0xFFFFFFFF


def kv_data(pairs):
    return b"".join(("%s=%s" % kv).encode() + b"\0" for kv in pairs)


class RawConn:
    def __init__(self, portal):
        check_loopback(portal)
        host, port = portal.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=10)

    def send(self, bhs, data=b""):
        assert len(bhs) == 48
        pad = (-len(data)) % 4
        self.sock.sendall(bhs + data + b"\0" * pad)

    def recv_exact(self, n):
        buf = bytearray()
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise RuntimeError("connection closed by target")
            buf += chunk
        return bytes(buf)

    def recv(self):
        bhs = self.recv_exact(48)
        ahs = bhs[4] * 4
        dlen = int.from_bytes(bhs[5:8], "big")
        rest = self.recv_exact(ahs + dlen + ((-dlen) % 4))
        return bhs, rest[ahs:ahs + dlen]


def bhs_common(op, flags, dlen, itt):
    b = bytearray(48)
    b[0] = op
    b[1] = flags
    b[5:8] = dlen.to_bytes(3, "big")
    b[16:20] = itt.to_bytes(4, "big")
    return b


def cmd_sendtargets_raw(args):
    isid = parse_isid(args.isid)
    conn = RawConn(args.portal)
    cmdsn, expstatsn, itt = 1, 0, 0x10
    tsih = 0

    def login(csg, nsg, pairs):
        nonlocal expstatsn, tsih
        data = kv_data(pairs)
        b = bhs_common(0x40 | OP_LOGIN_REQ, 0x80 | (csg << 2) | nsg, len(data), itt)
        b[2], b[3] = 0, 0  # VersionMax, VersionMin
        b[8:14] = isid
        b[14:16] = tsih.to_bytes(2, "big")
        b[20:22] = args.cid.to_bytes(2, "big")
        b[24:28] = cmdsn.to_bytes(4, "big")
        b[28:32] = expstatsn.to_bytes(4, "big")
        conn.send(bytes(b), data)
        rsp, rdata = conn.recv()
        if rsp[0] & 0x3F != OP_LOGIN_RSP:
            raise RuntimeError("expected Login Response, got opcode 0x%02x" % rsp[0])
        status = (rsp[36] << 8) | rsp[37]
        tsih = int.from_bytes(rsp[14:16], "big")
        expstatsn = int.from_bytes(rsp[24:28], "big") + 1
        keys = [kv for kv in rdata.split(b"\0") if kv]
        print("login csg %d->nsg %d: status 0x%04x tsih 0x%04x flags 0x%02x %s"
              % (csg, nsg, status, tsih, rsp[1], b" ".join(keys).decode()))
        if status != 0:
            raise RuntimeError("login failed, status 0x%04x" % status)
        return rsp

    first_keys = [("InitiatorName", args.initiator)]
    if args.alias:
        first_keys.append(("InitiatorAlias", args.alias))
    login(0, 1, first_keys + [("SessionType", "Discovery"), ("AuthMethod", "None")])
    login(1, 3, [("HeaderDigest", "None"), ("DataDigest", "None"),
                 ("MaxRecvDataSegmentLength", str(args.mrdsl)),
                 ("DefaultTime2Wait", "2"), ("DefaultTime2Retain", "0"),
                 ("ErrorRecoveryLevel", "0"), ("IFMarker", "No"), ("OFMarker", "No")])

    itt += 1
    ttt = RESERVED_TAG
    text = bytearray()
    first = True
    npdus = 0
    while True:
        data = kv_data([("SendTargets", args.sendtargets)]) if first else b""
        # immediate delivery (like libiscsi): CmdSN does not advance, so the
        # command window stays open even though tgt never raises MaxCmdSN in a
        # discovery session
        b = bhs_common(0x40 | OP_TEXT_REQ, 0x80, len(data), itt)
        b[8:16] = b"\0" * 8  # LUN
        b[20:24] = ttt.to_bytes(4, "big")
        b[24:28] = cmdsn.to_bytes(4, "big")
        b[28:32] = expstatsn.to_bytes(4, "big")
        conn.send(bytes(b), data)
        first = False
        rsp, rdata = conn.recv()
        if rsp[0] & 0x3F != OP_TEXT_RSP:
            raise RuntimeError("expected Text Response, got opcode 0x%02x" % rsp[0])
        npdus += 1
        expstatsn = int.from_bytes(rsp[24:28], "big") + 1
        ttt = int.from_bytes(rsp[20:24], "big")
        flags = rsp[1]
        print("text response %d: flags 0x%02x (F=%d C=%d) ttt 0x%08x dlen %d"
              % (npdus, flags, flags >> 7, (flags >> 6) & 1, ttt, len(rdata)))
        text += rdata
        if flags & 0x80:
            break
        if npdus > 1000:
            raise RuntimeError("too many text responses")

    targets = [kv[len(b"TargetName="):].decode()
               for kv in bytes(text).split(b"\0") if kv.startswith(b"TargetName=")]
    print("%d targets in %d text response PDUs (%d bytes)" % (len(targets), npdus, len(text)))

    itt += 1
    b = bhs_common(0x40 | OP_LOGOUT_REQ, 0x80, 0, itt)  # reason 0: close session
    b[20:22] = args.cid.to_bytes(2, "big")
    b[24:28] = cmdsn.to_bytes(4, "big")
    b[28:32] = expstatsn.to_bytes(4, "big")
    conn.send(bytes(b))
    rsp, _ = conn.recv()
    print("logout response 0x%02x" % rsp[2])
    conn.sock.close()
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)

    def common(p):
        p.add_argument("--portal", default=DEFAULT_PORTAL)
        p.add_argument("--initiator", required=True)
        p.add_argument("--isid", required=True, help="12 hex digits, e.g. 800000000001")
        p.add_argument("--alias", help="InitiatorAlias key")

    def auth(p):
        p.add_argument("--user")
        p.add_argument("--password", default="")
        p.add_argument("--header-digest", choices=sorted(HEADER_DIGESTS),
                       default="none-crc32c", help="libiscsi default: none-crc32c")

    p = sub.add_parser("discover", help="libiscsi discovery session, SendTargets=All")
    common(p)
    auth(p)
    p.set_defaults(func=cmd_discover)

    p = sub.add_parser("io", help="libiscsi normal session with a little SCSI I/O")
    common(p)
    auth(p)
    p.add_argument("--target", required=True)
    p.add_argument("--lun", type=int, default=1)
    p.add_argument("--target-user")
    p.add_argument("--target-password", default="")
    p.add_argument("--inquiry-only", action="store_true")
    p.add_argument("--writes", type=int, default=2, help="0..2 WRITE(10) commands")
    p.add_argument("--reads", type=int, default=2)
    p.add_argument("--hold", type=float, default=0.0,
                   help="seconds to stay logged in after the I/O")
    p.set_defaults(func=cmd_io)

    p = sub.add_parser("sendtargets-raw",
                       help="raw discovery session following Text continuation")
    common(p)
    p.add_argument("--cid", type=int, default=0)
    p.add_argument("--mrdsl", type=int, default=8192,
                   help="MaxRecvDataSegmentLength announced by the initiator")
    p.add_argument("--sendtargets", default="All")
    p.set_defaults(func=cmd_sendtargets_raw)

    args = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
