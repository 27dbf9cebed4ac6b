# SPDX-License-Identifier: GPL-2.0-or-later
"""Every check of plugin/core/checks.def, on its crafted capture.

captures/crafted/check-<abbrev>.pcap (made by captures/make-crafted-captures.py)
holds one fault on top of an otherwise RFC-correct exchange.  For each check:
its expert must appear in the given frame with a message naming the keys or
values involved, and no other warning or error of this plugin may appear in
that capture except the listed consequences of the same fault.  The
informational checks use the plain scenarios that already show them.

Adding a row to checks.def without a capture and an EXPECT entry here fails
test_every_check_has_a_capture_test."""
import importlib.util
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple, Optional, Tuple

import pytest

from conftest import parse_experts

REPO = Path(__file__).resolve().parent.parent
CRAFTED = REPO / "captures" / "crafted"

ROW = re.compile(r'ISL_CHECK\(\s*(\w+)\s*,\s*"([^"]+)"\s*,\s*(\w+)\s*,\s*(\w+)\s*,')


ROWS = ROW.findall((REPO / "plugin" / "core" / "checks.def").read_text())
CHECKS = {abbrev: (enum, group, sev) for enum, abbrev, group, sev in ROWS}   # in checks.def order
LOUD = ("WARN", "ERROR")          # severities that must not appear unannounced


def check_capture(abbrev):
    return "check-" + abbrev.replace(".", "-").replace("_", "-") + ".pcap"


class E(NamedTuple):
    frame: int                        # where the expert must appear
    msg: str                          # substring of its message
    also: Tuple[Tuple[str, int], ...] = ()   # other warnings/errors the fault causes: (abbrev, frame)
    capture: Optional[str] = None     # default: check-<abbrev>.pcap
    bug: Optional[str] = None         # known plugin bug: the test is xfail(strict)
    two_pass: bool = False            # only known once the whole capture was read (-2)
    lua: Optional[str] = None         # a Lua script of tests/data/ loaded with -X lua_script


FAILED = "login.failed"               # a failure status the fault legitimately provokes

# The tshark 4.0 iSCSI dissector does not dissect a PDU that fails its header
# sanity check when it starts a TCP segment (packet-iscsi.c, dissect_iscsi()),
# so the post-dissector never sees it; only Text PDUs with F=0 C=0 are claimed
# back by the plugin's heuristic (dissect_text_continuation_heur).
UNSEEN = ("lead: packet-iscsi-login.c never sees a {what} (tshark 4.0's iSCSI header sanity "
          "check rejects it at the start of a segment, frame {frame} shows only TCP); "
          "claim such PDUs like dissect_text_continuation_heur does. Actual: {actual}")

EXPECT = {
    # -- text format --------------------------------------------------------
    "fmt.unterminated_pair": E(6, '"DataSequenceInOrder" is cut'),
    "fmt.no_equals": E(6, 'Item "BogusKey" has no'),
    "fmt.key_too_long": E(6, "Key name of 70 bytes (limit 63)"),
    "fmt.key_chars": E(6, 'Key "Max Burst" contains'),
    "fmt.value_too_long": E(4, "InitiatorName value is 230 bytes (limit 223)"),
    "fmt.value_chars": E(6, 'HeaderDigest="None, CRC32C"'),
    "fmt.case": E(6, '"maxburstlength" is not a key; RFC 7143 spells it "MaxBurstLength"'),
    "fmt.bad_number": E(6, "MaxBurstLength=abc is not a valid number"),
    "fmt.bad_binary": E(7, "CHAP_C=0xZZ12"),
    "fmt.text_over_8192": E(8, "8894 bytes of key=value text in the operational stage"),
    "fmt.login_pdu_over_8192": E(6, "data segment is 8894 bytes", also=(("fmt.text_over_8192", 6),)),
    "fmt.c_reply_not_empty": E(7, "continued Login Request (frame 6) carries 26 bytes"),
    "fmt.c_with_final": E(6, "both C and T"),
    "text.continued": E(6, "Text continues in the next PDU (C=1)", capture="cbit-split-key.pcap"),

    # -- negotiation --------------------------------------------------------
    "neg.reserved_constant_offered": E(6, "Initiator offered DataDigest=Reject"),
    "neg.list_answer_not_offered": E(7, "DataDigest=CRC32C, not in the initiator's offer (None, frame 6)"),
    "neg.list_answer_multi": E(7, "DataDigest=None,CRC32C"),
    "neg.list_not_first": E(7, "HeaderDigest=None; the initiator preferred CRC32C"),
    "neg.min_answer_above_offer": E(7, "MaxBurstLength=524288, above the initiator's offer 262144"),
    "neg.max_answer_below_offer": E(7, "DefaultTime2Wait=1, below the initiator's offer 2"),
    "neg.out_of_range": E(6, "MaxRecvDataSegmentLength=100 is outside 512..16777215"),
    "neg.bool_and": E(7, "ImmediateData=Yes to the initiator's No"),
    "neg.bool_or": E(7, "InitialR2T=No to the initiator's Yes"),
    "neg.bool_value": E(6, "InitialR2T=True is not Yes or No"),
    "neg.range_misuse": E(6, "MaxBurstLength=512~1024"),
    "neg.reject_admissible": E(7, "MaxBurstLength=Reject to the admissible offer 262144"),
    "neg.reject_seen": E(7, "rejected IFMarkInt=2048~8192"),
    "neg.notunderstood_std": E(7, "MaxBurstLength=NotUnderstood"),
    "neg.notunderstood_7144": E(7, "TaskReporting=NotUnderstood"),
    "neg.irrelevant_unexpected": E(7, "MaxBurstLength=Irrelevant"),
    "neg.missing_answer": E(7, "MaxBurstLength=262144 (frame 6); the target never answered"),
    "neg.dup_in_text": E(6, "MaxBurstLength appears twice"),
    "neg.renegotiated_login": E(8, "MaxBurstLength again (first in frame 6"),
    "neg.renegotiated_text": E(10, "MaxRecvDataSegmentLength again in this Text sequence (first in frame 8)"),
    "neg.wrong_stage": E(4, "MaxRecvDataSegmentLength sent in the security stage"),
    "neg.wrong_sender": E(5, "Target sent InitiatorName"),
    "neg.lo_on_non_leading": E(13, "MaxBurstLength sent in a non-leading login"),
    "neg.final_with_offer": E(7, "MaxBurstLength=65536"),
    "neg.fbl_gt_mbl": E(7, "FirstBurstLength 262144 exceeds MaxBurstLength 65536"),
    "neg.r2t_inorder_erl": E(7, "MaxOutstandingR2T 4 with ErrorRecoveryLevel 1"),
    "neg.discovery_erl": E(7, "Discovery session negotiated ErrorRecoveryLevel 1"),
    "neg.discovery_maxconn": E(7, "Discovery session negotiated MaxConnections 4"),
    "neg.vendor_key_discovery": E(6, "X-com.example.Foo sent in a Discovery session"),
    "neg.taskreporting_offer": E(6, "TaskReporting=FastAbort offered without RFC3720"),
    "neg.marker_answer": E(7, "OFMarkInt=Irrelevant"),
    "neg.marker_offered": E(6, "IFMarker=No"),
    "neg.unknown_key": E(6, 'Key "FooBar"'),

    # -- login phase --------------------------------------------------------
    "login.not_immediate": E(4, "I=0"),
    "login.bad_stage_code": E(6, "T=1 with NSG=1 from CSG=1"),
    "login.csg_mismatch": E(7, "Login Response CSG=0 differs from the request's CSG=1 (frame 6)"),
    "login.unrequested_transit": E(5, "T=1 but the request (frame 4) had T=0"),
    "login.nsg_exceeds": E(5, "NSG=3 exceeds the request's NSG=1 (frame 4)"),
    "login.illegal_transition": E(7, "Transition from the Operational stage to the Operational stage"),
    "login.field_changed": E(6, "CID changed from 0 to 1"),
    "login.echo_mismatch": E(5, "ITT 0x10000002 differs from the request's 0x10000001"),
    "login.tsih_rules": E(7, "Final Login Response of a new Normal session carries TSIH 0"),
    "login.version": E(5, "Version-active 0x01 is outside the initiator's range 0x00..0x00"),
    "login.statsn": E(7, "StatSN 4098, expected 4097"),
    "login.cmdsn": E(6, "CmdSN changed from 1 to 2"),
    "login.missing_initiatorname": E(4, "no InitiatorName", also=((FAILED, 5),)),
    "login.missing_targetname": E(4, "without TargetName", also=((FAILED, 5),)),
    "login.sessiontype_value": E(4, "SessionType=Boot", also=((FAILED, 5),)),
    "login.identity_redeclared": E(6, "TargetName again (first in frame 4)"),
    "login.no_tpgt": E(7, "without TargetPortalGroupTag"),
    "login.non_login_pdu": E(7, "SCSI Command sent before the final Login Response", also=((FAILED, 8),)),
    "login.login_in_ffp": E(8, "full feature phase since frame 7"),
    "login.after_reject": E(6, "after the login failed with status 0x0202 (frame 5)", also=((FAILED, 5),)),
    "login.redirect_no_address": E(5, "0x0101 (target moved temporarily) without TargetAddress"),
    "login.unknown_status": E(5, "0x0210 is not defined", also=((FAILED, 5),)),
    "login.failed": E(9, "authentication failure (0x0201)", capture="login-failed-auth.pcap"),
    "login.redirected": E(5, "redirected to 127.0.0.3:3260", capture="redirect.pcap"),
    "login.redirect_unfollowed": E(5, "No login of iqn.2026-11.test.crafted:init1 to 127.0.0.3:3260 follows this "
                                      "redirect in the capture", two_pass=True),
    "login.retried": E(20, "Login attempt 3 of iqn.2026-11.test.crafted:init1 to iqn.2026-11.test.crafted:disk1; "
                           "2 failed since frame 4, every 2.0 s", also=((FAILED, 5), (FAILED, 13))),
    "session.flapping": E(55, "Flapping: 5 logins of iqn.2026-11.test.crafted:init1 to "
                              "iqn.2026-11.test.crafted:disk1 within 8.0 s (threshold: 5 within 60 s)"),
    "login.incomplete": E(1, "Login started before the capture", capture="mid-login-start.pcap"),
    "login.isid_type": E(4, "c00000000001"),
    "login.name_format": E(4, 'InitiatorName "myhost"'),
    "login.slow": E(7, "Login took 5000.6 ms (threshold 3000 ms)"),
    "login.summary": E(7, "Normal login of iqn.2026-11.test.crafted:init1 to "
                          "iqn.2026-11.test.crafted:disk1 succeeded", capture="login-basic.pcap"),

    # -- authentication -----------------------------------------------------
    "auth.method_skipped": E(5, "skipped the security stage and failed with 0x0201", also=((FAILED, 5),)),
    "auth.keys_without_method": E(6, "Initiator sent CHAP_A although"),
    "auth.first_step_missing": E(6, "AuthMethod=CHAP selected (frame 5)", also=((FAILED, 7),)),
    "auth.summary": E(9, "CHAP (MD5), one-way", also=((FAILED, 9),), capture="login-failed-auth.pcap"),
    "chap.no_md5_offered": E(6, "CHAP_A=7 offered without 5"),
    # The wrong CHAP_A answer is also a list answer outside the offer.
    "chap.a_answer": E(7, "CHAP_A=6, not in the initiator's list (5, frame 6)",
                       also=(("neg.list_answer_not_offered", 7),)),
    "chap.i_range": E(7, "CHAP_I=300"),
    "chap.r_length": E(8, "CHAP_R is 20 bytes; CHAP_A=5 (MD5) gives 16"),
    "chap.order": E(6, "CHAP_R before the target's challenge", also=((FAILED, 7),)),
    "chap.reflection": E(8, "equals the target's CHAP_C (frame 7)"),
    "chap.same_response": E(9, "equals the initiator's (frame 8)"),
    "chap.unsolicited_target_auth": E(9, "Target sent CHAP_R although the initiator sent no CHAP_C"),
    "chap.mutual_missing": E(9, "CHAP_I/CHAP_C (frame 8)"),
    "chap.challenge_reuse": E(23, "already used in frame 7"),
    "chap.short_challenge": E(7, "CHAP_C is 8 bytes"),

    # -- text, discovery ----------------------------------------------------
    "text.f_ttt": E(9, "F=1 has TTT 0x00000005"),
    "text.final_to_nonfinal": E(9, "answers a request with F=0 (frame 8)"),
    "text.sequence_fields": E(10, "TTT 0x00000007, the target gave 0x00000005"),
    "text.over_mrdsl": E(9, "8880 bytes exceeds the initiator's MaxRecvDataSegmentLength 8192"),
    # The capture starts with the response: a Note of its own, not login.incomplete.
    "text.no_request": E(1, "Text Response without a captured Text Request (ITT 0x10000002)"),
    "disc.forbidden_pdu": E(8, "SCSI Command in a Discovery session"),
    "disc.sendtargets_extra": E(8, "also carries MaxRecvDataSegmentLength"),
    "disc.sendtargets_all_normal": E(8, "SendTargets=All in a Normal session"),
    "disc.response_format": E(9, "carries MaxBurstLength"),
    "disc.result": E(11, "returned 3 targets, 4 portals", capture="sendtargets-discovery.pcap"),

    # -- logout, session, limits --------------------------------------------
    "logout.reason": E(10, "reason 1 in a Discovery session"),
    "logout.nonzero_length": E(8, "8 data bytes", bug=UNSEEN.format(
        what="Logout Request with a data segment", frame=8,
        actual="no logout.nonzero_length; frame 9 gets logout.no_request 'Logout Response "
               "without a captured Logout Request'")),
    "logout.response": E(9, "Logout response 1: CID not found"),
    "logout.traffic_after": E(9, "Text Request after Logout (frame 8)"),
    "logout.no_request": E(1, "Logout Response without a captured Logout Request"),
    "session.reinstatement": E(11, "ISID 0x400001370000 logs in again with TSIH 0 while session 1"),
    # Every PDU after the login lacks the negotiated digest: frames 8 and 9.
    "digest.mismatch": E(8, "HeaderDigest=CRC32C negotiated", also=(("digest.mismatch", 9),)),
    "state.limit": E(8, "More than 1024 distinct keys", also=(("fmt.text_over_8192", 8),)),
    "login.unfinished": E(6, "Login not finished when the capture ends (no final Login Response); last PDU in frame 6",
                          two_pass=True),
    # A Lua dissector hands TCP port 3260 straight to Wireshark's iSCSI
    # dissector: the first frame of the connection bypasses the analysis.
    "state.unanalysed": E(4, "Frame 4: iSCSI PDUs decoded by Wireshark's iSCSI dissector (TCP stream 0) were not "
                             "seen by the login analysis", capture="login-basic.pcap", lua="bypass-iscsi.lua",
                          also=(("login.incomplete", 5),)),
    "pdu.truncated": E(9, "Only 24 of 41 data bytes captured"),
}


_experts = {}


def lua_available(tshark):
    """Whether this tshark runs Lua scripts: built with Lua, and not refusing
    them (4.4 and 4.6 load no Lua when run as root, as the package matrix
    does with the installed plugin)."""
    probe = tshark.add_capture("lua-probe.lua", b'print("iscsi-login-lua-probe")\n')
    p = tshark.run("-n", "-c", "1", "-r", tshark.capture("crafted/login-basic.pcap"),
                   "-X", f"lua_script:{tshark.capture(probe)}", check=False)
    return "iscsi-login-lua-probe" in p.stdout


def _run_experts(tshark, key):
    capture, two_pass, lua = key
    if not lua:
        return tshark.experts("crafted/" + capture, two_pass=two_pass)
    name = tshark.add_capture(lua, (REPO / "tests" / "data" / lua).read_bytes())
    args = ["-n", "-r", tshark.capture("crafted/" + capture), "-T", "pdml", "-Y", "iscsi_login",
            "-X", f"lua_script:{tshark.capture(name)}"] + (["-2"] if two_pass else [])
    return parse_experts(tshark.run(*args).stdout)


def _key(abbrev, e):
    return (e.capture or check_capture(abbrev), e.two_pass, e.lua)


def experts(tshark, capture, two_pass=False, lua=None):
    """[(frame, abbrev, message)] of one capture; the first call runs tshark on
    every capture of EXPECT in parallel."""
    if not _experts:
        keys = sorted({_key(a, e) for a, e in EXPECT.items()}, key=str)
        with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
            _experts.update(zip(keys, pool.map(lambda k: _run_experts(tshark, k), keys)))
    key = (capture, two_pass, lua)
    if key not in _experts:
        _experts[key] = _run_experts(tshark, key)
    return _experts[key]


def _params():
    for abbrev in CHECKS:
        e = EXPECT.get(abbrev)
        marks = [pytest.mark.xfail(strict=True, reason=e.bug)] if e and e.bug else []
        yield pytest.param(abbrev, id=abbrev, marks=marks)


@pytest.mark.parametrize("abbrev", list(_params()))
def test_check_fires_alone(tshark, abbrev):
    e = EXPECT.get(abbrev)
    assert e, f"no capture test for {abbrev}: add captures/crafted/{check_capture(abbrev)} and an EXPECT entry"
    capture = e.capture or check_capture(abbrev)
    if e.lua and not lua_available(tshark):
        pytest.skip("this tshark has no Lua")
    found = experts(tshark, capture, e.two_pass, e.lua)
    where = [(f, m) for f, a, m in found if a == abbrev]
    assert any(f == e.frame for f, _ in where), \
        f"{abbrev} expected in frame {e.frame} of {capture}, found in {sorted({f for f, _ in where})}; all: {found}"
    msgs = [m for f, m in where if f == e.frame]
    assert any(e.msg in m for m in msgs), f"{abbrev} frame {e.frame}: {e.msg!r} not in {msgs}"
    allowed = {(abbrev, e.frame)} | set(e.also)
    loud = [(f, a, m) for f, a, m in found if CHECKS[a][2] in LOUD and (a, f) not in allowed]
    assert not loud, f"{capture}: unexpected warnings/errors besides {abbrev}: {loud}"
    for a, f in e.also:
        assert any((fr, ab) == (f, a) for fr, ab, _ in found), f"listed consequence {a} in frame {f} missing: {found}"


def test_every_check_has_a_capture_test():
    missing = [a for a in CHECKS if a not in EXPECT]
    stale = [a for a in EXPECT if a not in CHECKS]
    assert not missing, f"checks without a capture test: {missing}"
    assert not stale, f"EXPECT entries for checks not in checks.def: {stale}"
    for a, e in EXPECT.items():
        cap = CRAFTED / (e.capture or check_capture(a))
        assert cap.is_file(), f"{a}: {cap} missing (run captures/make-crafted-captures.py)"
        for c, _ in e.also:
            assert c in CHECKS, f"{a}: consequence {c} is not a check"


def test_no_orphan_check_captures():
    names = {check_capture(a) for a in CHECKS}
    orphans = sorted(p.name for p in CRAFTED.glob("check-*.pcap") if p.name not in names)
    assert not orphans, f"check captures without a check: {orphans}"


_glossary = {}


def glossary(tshark):
    """abbrev -> -G fields row of every field (F rows)."""
    if not _glossary:
        for line in tshark.run("-G", "fields").stdout.splitlines():
            cols = line.split("\t")
            if cols[0] == "F" and len(cols) > 2:
                _glossary.setdefault(cols[2], cols + [""] * (8 - len(cols)))
    return _glossary


def _summaries():
    spec = importlib.util.spec_from_file_location("gen_reference", REPO / "tools" / "gen-reference.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return {r[2]: (r[5], r[6], r[7], r[4]) for r in mod.parse_checks((REPO / "plugin" / "core" / "checks.def").read_text())}


@pytest.mark.parametrize("abbrev", CHECKS)
def test_check_is_registered(tshark, abbrev):
    """`tshark -G fields` lists iscsi_login.<abbrev> as the expert field of
    this checks.def row: FT_NONE, named by the summary, the clause and the
    example as blurb."""
    if not hasattr(test_check_is_registered, "rows"):
        test_check_is_registered.rows = _summaries()
    summary, example, clause, _ = test_check_is_registered.rows[abbrev]
    f = glossary(tshark).get("iscsi_login." + abbrev)
    assert f, f"iscsi_login.{abbrev} is not registered (tshark -G fields)"
    assert f[3] == "FT_NONE", f"iscsi_login.{abbrev} is listed as the {f[3]} field {f[1]!r}, not as an expert field"
    assert (f[1], f[7]) == (summary, f"{clause}. Example: {example}")


CLAUSE = re.compile(r"^(RFC (7143|7144|3720) (§\d+(\.\d+)*|Appendix [A-Z])|convention \()")


@pytest.mark.parametrize("abbrev", CHECKS)
def test_check_names_its_clause(abbrev):
    """Every check names the RFC clause it enforces; one that no clause of
    RFC 7143/7144/3720 backs says it is a convention and is at most a Note."""
    _, _, clause, sev = _summaries()[abbrev]
    assert CLAUSE.match(clause), f"{abbrev}: clause {clause!r} names no RFC 7143/7144/3720 section nor a convention"
    if clause.startswith("convention"):
        assert sev in ("NOTE", "CHAT"), f"{abbrev} is a convention ({clause!r}) but its severity is {sev}"



def test_checks_def_has_no_duplicates():
    assert len(ROWS) == len(CHECKS) > 0, "duplicate abbrev in checks.def"


def test_wrong_stage_ignored_is_one_alarm(tshark):
    """One mistake, one alarm: AuthMethod sent in the operational stage and
    ignored by the target (a Java initiator against IET) is reported once,
    as neg.wrong_stage, and not also as neg.missing_answer when the stage
    ends."""
    found = tshark.experts("crafted/wrong-stage-ignored.pcap")
    loud = sorted((f, a) for f, a, _ in found if CHECKS[a][2] in LOUD)
    assert loud == [(4, "neg.wrong_stage")], found
    assert any("AuthMethod sent in the operational stage" in m for f, a, m in found if a == "neg.wrong_stage"), found
