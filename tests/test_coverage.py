# SPDX-License-Identifier: GPL-2.0-or-later
"""The invariant: no iSCSI login-phase PDU escapes the analysis.

Every frame on which Wireshark's own iSCSI dissector shows a Login, Text,
Logout, NOP-Out/NOP-In, Reject or Async PDU also carries the plugin's
iscsi_login tree, in a two-pass run (tshark -2), over every capture: the
committed ones (captures/real, captures/crafted) and every capture a test
makes from them (the editcap cuts of test_adversarial and test_trust, the
byte edits of test_utf8 and test_fuzz_regressions, the adversarial captures
of tests/fuzz/make-adversarial.py but the million-login one, which is built
only with ISCSI_LOGIN_SLOW=1).

Field names: iscsi.opcode (UINT8, mask 0x3f, so the I bit never shows) is the
same in Wireshark 4.0, 4.4 and 4.6; the set syntax with commas works in all
three (4.0 refuses the whitespace-only form)."""
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import REPO

# Login 0x03/0x23, Text 0x04/0x24, Logout 0x06/0x26, NOP-Out/NOP-In 0x00/0x20,
# Reject 0x3f, Async Message 0x32.
OPCODES = "iscsi.opcode in {0x03, 0x23, 0x04, 0x24, 0x06, 0x26, 0x00, 0x20, 0x3f, 0x32}"
MISSED = f"{OPCODES} && !iscsi_login"

# Captures that Wireshark decodes as iSCSI only with Decode As: the extra
# tshark arguments, and whether the plain run shows no iSCSI at all.
DECODE_AS = {"real/port-3261-alone.pcap": ["-d", "tcp.port==3261,iscsi"]}

COMMITTED = sorted(f"{d}/{p.name}" for d in ("real", "crafted") for p in (REPO / "captures" / d).glob("*.pcap"))
REAL = sorted(p.name for p in (REPO / "captures" / "real").glob("*.pcap"))
# tests/fuzz/make-adversarial.py's captures, but many-logins-1m (ISCSI_LOGIN_SLOW=1).
ADVERSARIAL = ["many-logins-20k", "keys-64k", "value-16m", "cbit-10k", "tsih-isid-collide"]
if os.environ.get("ISCSI_LOGIN_SLOW") == "1":
    ADVERSARIAL.append("many-logins-1m")


def missed_frames(tshark, path, extra=()):
    """(frames Wireshark shows a login-phase PDU on, [(frame, stream, opcodes) without iscsi_login])."""
    base = ["-n", "-2", "-r", path, *extra, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,",
            "-e", "frame.number", "-e", "tcp.stream", "-e", "iscsi.opcode"]
    shown = tshark.run(*base, "-Y", OPCODES).stdout.split("\n")
    missed = tshark.run(*base, "-Y", MISSED).stdout.split("\n")
    return ([ln.split("\t")[0] for ln in shown if ln],
            [tuple(ln.split("\t")) for ln in missed if ln])


def check(tshark, path, label, extra=(), must_match=True):
    shown, missed = missed_frames(tshark, path, extra)
    if must_match:
        # The guard: the first half of the filter finds frames, so the test can fail.
        assert shown, f"{label}: Wireshark shows no Login/Text/Logout/NOP/Reject/Async PDU ({OPCODES})"
    assert not missed, (
        f"{label}{' ' + ' '.join(extra) if extra else ''}: {len(missed)} of {len(shown)} frames with a "
        f"Login/Text/Logout/NOP/Reject/Async PDU carry no iscsi_login (frame, tcp.stream, opcodes): {missed[:40]}")
    return shown


def test_filter_syntax_and_guard(tshark):
    """The filter parses in this tshark and matches the Login PDUs it should."""
    shown, _ = missed_frames(tshark, tshark.capture("real/login-io-logout.pcap"))
    logins = tshark.fields("real/login-io-logout.pcap", ["frame.number"], "iscsi.opcode == 0x03 || iscsi.opcode == 0x23")
    assert logins and {r["frame.number"] for r in logins} <= set(shown)


@pytest.mark.parametrize("cap", COMMITTED)
def test_committed_capture_fully_analysed(tshark, cap):
    if cap in DECODE_AS:
        # Without Decode As Wireshark sees no iSCSI here at all (nothing can be missed) ...
        shown = check(tshark, tshark.capture(cap), cap, must_match=False)
        assert shown == []
        # ... with it, every PDU is analysed.
        check(tshark, tshark.capture(cap), cap, extra=DECODE_AS[cap])
    else:
        check(tshark, tshark.capture(cap), cap)


# ---- captures the tests make ---------------------------------------------------

def editcap(tshark, src, name, options, packets=()):
    """editcap OPTIONS src out PACKETS -> captures/derived-coverage/name, readable by tshark's user."""
    out_dir = tshark.captures / "derived-coverage"
    out_dir.mkdir(exist_ok=True)
    os.chmod(out_dir, 0o755)
    out = out_dir / name
    if not out.exists():
        with tempfile.TemporaryDirectory() as d:
            tmp = Path(d) / name
            subprocess.run(["editcap", *options, src, str(tmp), *packets], check=True, stdout=subprocess.DEVNULL)
            out.write_bytes(tmp.read_bytes())
        os.chmod(out, 0o644)
    return str(out)


@pytest.mark.parametrize("name", REAL)
def test_cut_captures_fully_analysed(tshark, name):
    """test_adversarial's cuts of every real capture: from just after the first
    Login Request, from the middle, and every packet cut to 96 bytes."""
    cap = f"real/{name}"
    extra = DECODE_AS.get(cap, [])
    nframes = len(tshark.fields(cap, ["frame.number"]))
    reqs = [int(r["frame.number"]) for r in
            tshark.fields(cap, ["frame.number"], display_filter="iscsi.opcode == 0x03", extra=extra)]
    cuts = sorted({max(2, nframes // 2)} | ({reqs[0] + 1} if reqs else set()))
    stem = Path(name).stem
    for k in cuts:
        path = editcap(tshark, tshark.capture(cap), f"{stem}-from{k}.pcap", ["-r"], [f"{k}-{nframes}"])
        check(tshark, path, f"{cap} from frame {k}", extra=extra, must_match=False)
    path = editcap(tshark, tshark.capture(cap), f"{stem}-s96.pcap", ["-s", "96"])
    check(tshark, path, f"{cap} cut to 96 bytes", extra=extra, must_match=False)


def made_by_tests(tshark):
    """The captures test_trust, test_utf8 and test_fuzz_regressions write, made the same way."""
    from test_fuzz_regressions import fill_aa_after
    made = {}
    basic = open(tshark.capture("crafted/login-basic.pcap"), "rb").read()
    made["login-basic-long-bad-name.pcap"] = fill_aa_after(basic, b"InitiatorName=iqn.")
    made["login-basic-latin1.pcap"] = basic.replace(b"TargetPortalGroupTag", b"Target\xafortalGroupTag") \
        .replace(b"InitiatorName=iqn.", b"InitiatorName=iq\xe9.", 1)
    paths = {n: tshark.add_capture(f"crafted/coverage-{n}", d) for n, d in made.items()}
    paths["unfinished-chap.pcap"] = editcap(tshark, tshark.capture("real/chap-ok.pcap"), "unfinished-chap.pcap",
                                            ["-r"], ["1-8"])
    return paths


def test_captures_made_by_tests_fully_analysed(tshark):
    for name, cap in sorted(made_by_tests(tshark).items()):
        check(tshark, cap if cap.startswith("/") else tshark.capture(cap), name)


@pytest.mark.parametrize("name", ADVERSARIAL)
def test_adversarial_capture_fully_analysed(tshark, name):
    from test_adversarial import Adversarial
    check(tshark, Adversarial(tshark).path(name), f"adversarial {name}")
