#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write docs/reference.md from the plugin's own tables, so it cannot drift:

  * plugin/core/checks.def: every check (expert field, severity, group,
    meaning, example, and the RFC clause it enforces);
  * `tshark -G fields` with the freshly built plugin loaded: every
    iscsi_login.* field (name, type, description).

    /usr/bin/python3 tools/gen-reference.py                 # write docs/reference.md
    /usr/bin/python3 tools/gen-reference.py -o FILE         # write elsewhere
    /usr/bin/python3 tools/gen-reference.py --fields FILE   # use saved -G fields output

tshark runs like in tests/conftest.py: as root it ignores personal plugin
folders and WIRESHARK_PLUGIN_DIR, so it runs as an unprivileged user
(setpriv) with a copy of the plugin folder that user can read.  Same
environment: ISCSI_LOGIN_PLUGIN_DIR (default build/plugins),
ISCSI_LOGIN_INSTALLED=1 (use the installed plugin), ISCSI_LOGIN_TSHARK,
and the sanitizer variables (tools/tshark_env.py).
tests/test_reference.py fails when docs/reference.md is not what this
script writes.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tshark_env import open_to_nobody, tshark_env

REPO = Path(__file__).resolve().parent.parent
CHECKS_DEF = REPO / "plugin" / "core" / "checks.def"
NOBODY = 65534

SEVERITY = {"ERROR": "Error", "WARN": "Warning", "NOTE": "Note", "CHAT": "Chat"}
GROUP = {"PROTOCOL": "Protocol", "MALFORMED": "Malformed", "RESPONSE_CODE": "Response code",
         "SEQUENCE": "Sequence", "SECURITY": "Security", "REASSEMBLE": "Reassemble", "UNDECODED": "Undecoded",
         "CHECKSUM": "Checksum"}


# -- checks.def -----------------------------------------------------------------

TOKEN = re.compile(r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<id>[A-Za-z_][A-Za-z0-9_]*)|(?P<p>[,)]))', re.S)


def c_string(lit):
    """Value of one C string literal (the escapes checks.def uses)."""
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), lit[1:-1])


def parse_checks(text):
    """[(section, enum, abbrev, group, severity, summary, example, clause)] in
    file order.  Sections are the /* ... */ lines between rows."""
    rows, section, pos = [], "", 0
    body = text[text.index("*/") + 2:]           # skip the file header comment
    for m in re.finditer(r'^/\* (?P<sec>.+?) \*/\s*$|^ISL_CHECK\(', body, re.M):
        if m.group("sec"):
            section = m.group("sec")
            continue
        pos, args, cur = m.end(), [], []
        while True:
            t = TOKEN.match(body, pos)
            if not t:
                raise ValueError("checks.def: cannot parse row at %r" % body[m.start():m.start() + 60])
            pos = t.end()
            if t.group("str"):
                cur.append(c_string(t.group("str")))     # adjacent literals concatenate
            elif t.group("id"):
                cur.append(t.group("id"))
            elif t.group("p") == ",":
                args.append("".join(cur))
                cur = []
            else:
                args.append("".join(cur))
                break
        if len(args) != 7:
            raise ValueError("checks.def: row %s has %d arguments" % (args[:1], len(args)))
        rows.append((section, *args))
    return rows


# -- tshark -G fields --------------------------------------------------------------

def run_tshark_fields():
    binary = os.environ.get("ISCSI_LOGIN_TSHARK", "tshark")
    installed = os.environ.get("ISCSI_LOGIN_INSTALLED") == "1"
    work = Path(tempfile.mkdtemp(prefix="iscsi-login-reference-"))
    try:
        home = work / "home"
        home.mkdir()
        env = tshark_env(home)
        if not installed:
            src = Path(os.environ.get("ISCSI_LOGIN_PLUGIN_DIR", REPO / "build" / "plugins"))
            if not any(src.glob("*/epan/iscsi_login.so")):
                sys.exit("no built plugin under %s (build first: cmake --build build)" % src)
            shutil.copytree(src, work / "plugins")
            env["WIRESHARK_PLUGIN_DIR"] = str(work / "plugins")
        open_to_nobody(work)
        cmd = [binary, "-G", "fields"]
        if os.geteuid() == 0 and not installed:
            cmd = ["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY, "--clear-groups"] + cmd
        p = subprocess.run(cmd, env=env, cwd=work, capture_output=True, text=True, timeout=600)
        if p.returncode:
            sys.exit("%s failed (%d):\n%s" % (" ".join(cmd), p.returncode, p.stderr[-3000:]))
        return p.stdout
    finally:
        shutil.rmtree(work, ignore_errors=True)


def plugin_fields(glossary):
    """(protocol row, [field rows]) of iscsi_login from -G fields output; a
    field row is [F, name, abbrev, type, parent, base, bitmask, blurb]."""
    proto, fields = None, []
    for line in glossary.splitlines():
        cols = line.split("\t")
        if cols[0] == "P" and len(cols) >= 3 and cols[2] == "iscsi_login":
            proto = cols
        elif cols[0] == "F" and len(cols) >= 5 and cols[4] == "iscsi_login":
            fields.append(cols + [""] * (8 - len(cols)))
    if not proto:
        sys.exit("tshark -G fields does not list the iscsi_login protocol: is the plugin loaded?")
    return proto, fields


# -- markdown ------------------------------------------------------------------------

def cell(text):
    return " ".join(str(text).split()).replace("|", "\\|")


def render(checks, proto, fields):
    experts = {"iscsi_login." + r[2] for r in checks}
    by_abbrev = {f[2]: f for f in fields}
    plain = [f for f in fields if not (f[3] == "FT_NONE" and f[2] in experts)]
    out = ["# iscsi-login reference", "",
           "Generated by `tools/gen-reference.py` from `plugin/core/checks.def` and `tshark -G fields` "
           "with the plugin loaded.  Do not edit: change the tables and run",
           "`/usr/bin/python3 tools/gen-reference.py`; `tests/test_reference.py` fails when this file is "
           "out of date.", "",
           "Protocol `%s`: %s (a post-dissector; filter `%s`)." % (proto[2], proto[1], proto[2]), "",
           "## Fields", "",
           "%d fields, in registration order.  `iscsi_login.param.*` are the negotiated parameters "
           "(one per key of `plugin/core/keys.c`), the RFC default when a key was not settled.  A key "
           "that does not apply -- answered `Irrelevant`, \"Irrelevant when: SessionType=Discovery\" "
           "in a Discovery session, or FirstBurstLength with InitialR2T=Yes and ImmediateData=No -- "
           "has no value and no default: its field is absent and `iscsi_login.param.irrelevant` "
           "names it." % len(plain), "",
           "| field | type | name | description |", "|---|---|---|---|"]
    for f in plain:
        out.append("| `%s` | %s | %s | %s |" % (f[2], f[3], cell(f[1]), cell(f[7])))

    out += ["", "## Flow graph (login ladder)", "",
            "Sequence analysis `iscsi_login`: Statistics > Flow Graph, flow type \"iSCSI Login Flows\"; "
            "`tshark -q -z flow,iscsi_login,network` or `,standard`, optionally followed by `,<display filter>`.  "
            "One arrow per Login, Text and Logout PDU (`plugin/core/ladder.c`), labelled:", "",
            "| PDU | label |", "|---|---|",
            "| Login Request | `Login CSG\u2192NSG T` (or `Login CSG` without T), ` C` when continued, then its keys |",
            "| Login Response | the same step (none with a non-zero status: T, CSG and NSG are reserved there), "
            "its keys, `status 0xNNNN`, and on the final response the outcome |",
            "| Text Request / Response | `Text` / `Text Rsp`, ` F`, ` C`, then its keys; "
            "a final SendTargets response says how many targets it returned |",
            "| Logout Request / Response | `Logout reason N` / `Logout Rsp N` |", "",
            "Keys: the names of the pairs the PDU carries (a C-bit continued set on the PDU that completes it), "
            "at most four, then `+N`.  The comment column is `Session N: ` and the whole label (tshark's text "
            "graph cuts labels to the arrow's width); each session is one conversation (one colour in the GUI)."]

    counts = {}
    for r in checks:
        counts[r[4]] = counts.get(r[4], 0) + 1
    out += ["", "## Expert infos", "",
            "%d checks, one expert field each (`iscsi_login.<check>`), in `checks.def` order: %s.  "
            "Filter on a field name to find its packets, e.g. `iscsi_login.neg.missing_answer`.  "
            "Column \"clause\" is the rule the check enforces (RFC 7143 sections unless another RFC is named; "
            "the per-key sections of §12 and §13 are named by their key); a check no RFC clause backs says "
            "\"convention\" and is at most a note.  The same clause opens the field's description in "
            "`tshark -G fields`.  Severity: error = the login or transfer breaks, or a MUST is violated; "
            "warning = a SHOULD is violated or trouble is likely; note = facts and harmless quirks.  "
            "The example is what a typical message says."
            % (len(checks), ", ".join("%d %s" % (counts[s], SEVERITY[s].lower())
                                      for s in SEVERITY if s in counts)), ""]
    clashes = []
    section = None
    for sec, enum, abbrev, group, sev, summary, example, clause in checks:
        if sec != section:
            section = sec
            out += ([] if out[-1] == "" else [""]) + [
                "### %s" % sec, "",
                "| expert field | severity | group | meaning | example | clause |", "|---|---|---|---|---|---|"]
        name = "iscsi_login." + abbrev
        reg = by_abbrev.get(name)
        note = ""
        if reg is None:
            note = " **(not registered)**"
            clashes.append("`%s` is not listed by `tshark -G fields`." % name)
        elif reg[3] != "FT_NONE":
            note = " **(name clash)**"
            clashes.append("`%s` is also the name of the %s field \"%s\": `tshark -G fields` lists "
                           "only that field, and a display filter on the name matches both."
                           % (name, reg[3], reg[1]))
        out.append("| `%s`%s | %s | %s | %s | %s | %s |" % (
            name, note, SEVERITY[sev], GROUP[group], cell(summary), cell(example), cell(clause)))
    if clashes:
        out += ["", "### Problems found while generating", ""] + ["* " + c for c in clashes]
    out += ["", "## Statistics", "",
            "Fed by the `iscsi_login` tap; in tshark with `-z`, in Wireshark under Statistics.  Each "
            "takes an optional display filter after its arguments.", "",
            "| `-z` | menu | shows |", "|---|---|---|",
            "| `iscsi,login` | Service Response Time › iSCSI Login Statistics | exchanges by kind, logins "
            "by initiator -> target and by status: count, failures, untimed, min/max/avg/total time |",
            "| `iscsi,sessions` | iSCSI Sessions | one row per session: names, ISID, TSIH, type, outcome, "
            "login time, connections, main negotiated parameters, targets discovered |",
            "| `iscsi,diff,A,B` | iSCSI Session Comparison | sessions A and B key by key: each one's offer "
            "(\"(target)\" when the target spoke first), answer and result; `*` where the results differ, "
            "`~` where only offers or answers do.  Wireshark's dialog cannot take A and B: it compares the "
            "two lowest-numbered sessions whose login passes its display filter "
            "(`iscsi_login.session in {3,7}`) |"]
    return "\n".join(out) + "\n"


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--output", default=str(REPO / "docs" / "reference.md"))
    ap.add_argument("--fields", help="saved `tshark -G fields` output (default: run tshark)")
    args = ap.parse_args(argv)
    glossary = Path(args.fields).read_text() if args.fields else run_tshark_fields()
    checks = parse_checks(CHECKS_DEF.read_text())
    proto, fields = plugin_fields(glossary)
    text = render(checks, proto, fields)
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print("wrote %s (%d fields, %d checks)" % (out, len(fields), len(checks)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
