#!/usr/bin/python3
"""Per-login times from plain tshark fields: what users do without the plugin.

    tshark -n -r FILE -Y 'iscsi.opcode == 0x03 || iscsi.opcode == 0x23' \\
        -T fields -E occurrence=a -E aggregator=, \\
        -e frame.number -e frame.time_epoch -e tcp.stream -e iscsi.opcode \\
        -e iscsi.login.T -e iscsi.login.nsg -e iscsi.initiatortasktag \\
        -e iscsi.isid -e iscsi.login.status | login-times.py

A login starts with the first Login Request of a (TCP stream, ITT) and ends
with the final Login Response: T=1 with NSG=3 (success) or a non-zero status
(failure).  The ITT keys the login because tgt's failed Login Responses carry
ISID 0.  Writes one CSV line per login to stdout
(stream,isid,itt,first_frame,final_frame,seconds,status) and a summary to
stderr.
"""

import sys


def epoch_ns(text):
    sec, _, frac = text.partition(".")
    return int(sec) * 1_000_000_000 + int((frac + "000000000")[:9])


def truthy(v):
    return v in ("1", "True", "true")


def main():
    open_ = {}
    n = ok = failed = 0
    total = 0.0
    lo, hi = float("inf"), 0.0
    out = sys.stdout
    out.write("stream,isid,itt,first_frame,final_frame,seconds,status\n")
    for line in sys.stdin:
        cols = line.rstrip("\n").split("\t")
        if len(cols) < 9:
            continue
        frame, ts, stream = cols[0], epoch_ns(cols[1]), cols[2]
        # several PDUs in one frame: fields are comma-aggregated in PDU order
        ops = cols[3].split(",")
        ts_flags = cols[4].split(",")
        nsgs = cols[5].split(",")
        itts = cols[6].split(",")
        isids = cols[7].split(",")
        statuses = cols[8].split(",")
        ri = 0
        for k, op in enumerate(ops):
            op = int(op, 0)
            itt = itts[k] if k < len(itts) else ""
            key = (stream, itt)
            if op == 0x03:
                if key not in open_:
                    open_[key] = (ts, frame, isids[k] if k < len(isids) else "")
                continue
            if op != 0x23:
                continue
            status = int(statuses[ri], 0) if ri < len(statuses) and statuses[ri] else 0
            t = truthy(ts_flags[k]) if k < len(ts_flags) else False
            nsg = int(nsgs[k], 0) if k < len(nsgs) and nsgs[k] else 0
            ri += 1
            if status == 0 and not (t and nsg == 3):
                continue
            start = open_.pop(key, None)
            if start is None:
                continue
            secs = (ts - start[0]) / 1e9
            n += 1
            ok += status == 0
            failed += status != 0
            total += secs
            lo, hi = min(lo, secs), max(hi, secs)
            out.write("%s,%s,%s,%s,%s,%.9f,0x%04x\n" % (stream, start[2], itt, start[1], frame, secs, status))
    if n:
        print("logins: %d (%d succeeded, %d failed); time min %.6f avg %.6f max %.6f s; %d unfinished"
              % (n, ok, failed, lo, total / n, hi, len(open_)), file=sys.stderr)
    else:
        print("logins: 0; %d unfinished" % len(open_), file=sys.stderr)


if __name__ == "__main__":
    main()
