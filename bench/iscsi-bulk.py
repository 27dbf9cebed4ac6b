#!/usr/bin/python3
"""Bulk SCSI I/O over one libiscsi session, for the data-heavy bench capture.

    iscsi-bulk.py --initiator IQN --isid 12HEX --target IQN --bytes N
                  [--seed S] [--rate MB/s] [--lun 1] [--lun-mib 64]
                  [--portal 127.0.0.1:3260]

Logs in with libiscsi (through captures/iscsi-client.py's ctypes wrapper, so
the wire traffic is libiscsi's own), then issues READ(10) and WRITE(10)
commands of mixed sizes (4 KiB .. 1 MiB, 60 % reads) at LBAs drawn from a
seeded random generator until N bytes moved, then logs out.  The command
sequence depends only on --seed, --bytes and the LUN size, so a rerun moves
the same data in the same order (TCP segmentation and timing still vary).
--rate caps the throughput so that tcpdump keeps up (0: no cap).

Only loopback portals are accepted (the wrapper refuses anything else).
"""

import argparse
import ctypes
import importlib.util
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CLIENT = os.path.join(HERE, "..", "captures", "iscsi-client.py")

SIZES = [(4096, 10), (8192, 10), (16384, 10), (65536, 20), (131072, 15),
         (262144, 15), (524288, 10), (1048576, 10)]
BLOCK = 512


def load_client():
    spec = importlib.util.spec_from_file_location("iscsi_client", CLIENT)
    mod = importlib.util.module_from_spec(spec)
    sys.dont_write_bytecode = True
    spec.loader.exec_module(mod)
    return mod


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--portal", default="127.0.0.1:3260")
    ap.add_argument("--initiator", required=True)
    ap.add_argument("--isid", required=True)
    ap.add_argument("--target", required=True)
    ap.add_argument("--lun", type=int, default=1)
    ap.add_argument("--bytes", type=int, required=True, help="bytes to move (reads + writes)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--lun-mib", type=int, default=64, help="LUN size: every I/O stays inside it")
    ap.add_argument("--rate", type=float, default=0.0, help="MB/s cap, 0 = none")
    args = ap.parse_args()
    # what captures/iscsi-client.py's Libiscsi() reads from its args
    args.alias = None
    args.header_digest = "none-crc32c"
    args.user = None
    args.password = ""
    args.target_user = None

    mod = load_client()
    li = mod.Libiscsi(args, mod.ISCSI_SESSION_NORMAL)
    lib = li.lib
    lib.iscsi_set_targetname(li.ctx, args.target.encode())
    if lib.iscsi_full_connect_sync(li.ctx, li.portal, args.lun) != 0:
        print("login failed: %s" % li.error(), file=sys.stderr)
        li.close(logout=False)
        return 2

    def run(what, task):
        if not task:
            raise RuntimeError("%s failed: %s" % (what, li.error()))
        status = ctypes.c_int.from_address(task).value  # struct scsi_task.status
        lib.scsi_free_scsi_task(task)
        if status != 0:
            raise RuntimeError("%s: SCSI status 0x%02x" % (what, status))

    rng = random.Random(args.seed)
    lun_blocks = args.lun_mib * 1024 * 1024 // BLOCK
    pattern = bytes(rng.getrandbits(8) for _ in range(4096)) * 256   # 1 MiB, incompressible-ish
    sizes = [s for s, _ in SIZES]
    weights = [w for _, w in SIZES]
    moved = reads = writes = 0
    start = time.monotonic()
    rc = 0
    try:
        run("INQUIRY", lib.iscsi_inquiry_sync(li.ctx, args.lun, 0, 0, 255))
        run("READ CAPACITY(16)", lib.iscsi_readcapacity16_sync(li.ctx, args.lun))
        while moved < args.bytes:
            size = rng.choices(sizes, weights)[0]
            nblk = size // BLOCK
            lba = rng.randrange(0, lun_blocks - nblk + 1) & ~7
            if rng.random() < 0.6:
                run("READ(10)", lib.iscsi_read10_sync(li.ctx, args.lun, lba, size, BLOCK, 0, 0, 0, 0, 0))
                reads += 1
            else:
                off = rng.randrange(0, len(pattern) - size + 1) if size < len(pattern) else 0
                run("WRITE(10)", lib.iscsi_write10_sync(li.ctx, args.lun, lba, pattern[off:off + size], size,
                                                       BLOCK, 0, 0, 0, 0, 0))
                writes += 1
            moved += size
            if args.rate > 0:
                ahead = moved / (args.rate * 1e6) - (time.monotonic() - start)
                if ahead > 0:
                    time.sleep(ahead)
    except RuntimeError as exc:
        print(str(exc), file=sys.stderr)
        rc = 3
    secs = time.monotonic() - start
    print("%s: %d reads, %d writes, %.1f MB in %.1f s" % (args.initiator, reads, writes, moved / 1e6, secs))
    return li.close() or rc


if __name__ == "__main__":
    sys.exit(main())
