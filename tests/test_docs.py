# SPDX-License-Identifier: GPL-2.0-or-later
"""docs/iscsi-login.7 is hand-written: fail when it falls behind the plugin.

Every -z statistic, every preference and every value field (not the expert
fields, which docs/reference.md lists) that the built plugin registers must
be named in the page; every iscsi.* preference the page names must exist.
And the page must be clean roff (groff warnings, man-db's own check)."""
import re
import shutil
import subprocess

import pytest

from conftest import REPO

PAGE = REPO / "docs" / "iscsi-login.7"


def page_text():
    # Roff escapes a hyphen as \- and a zero-width break as \&: undo them, so
    # that names can be looked up as they are typed.
    return PAGE.read_text().replace("\\-", "-").replace("\\&", "")


def plugin_stats(tshark):
    """The -z arguments of the plugin: those of `tshark -z help` that a run
    without the plugin does not list."""
    def listed(p):
        # tshark prints the list on stderr (4.0) or stdout (later releases).
        return {ln.strip() for ln in (p.stdout + p.stderr).splitlines() if ln.startswith("     ")}
    with_plugin = listed(tshark.run("-z", "help", check=False))
    without = tshark.run_without_plugin("-z", "help")
    if without is None:                 # installed globally: fall back to the prefix
        return {s for s in with_plugin if s.startswith("iscsi,")}
    return with_plugin - listed(without)


def test_page_names_every_statistic(tshark):
    stats = plugin_stats(tshark)
    assert {"iscsi,login", "iscsi,sessions"} <= stats      # the guard: the lookup works
    text = page_text()
    missing = sorted(s for s in stats if f"-z {s}" not in text)
    assert not missing, f"docs/iscsi-login.7 does not describe -z {', -z '.join(missing)}"


def test_page_names_every_preference(tshark):
    prefs = tshark.run("-G", "currentprefs").stdout
    assert re.search(r"^#?iscsi\.target_ports:", prefs, re.M), "no iscsi.* preferences in -G currentprefs"
    ours = re.findall(r"^#?(iscsi_login\.[\w.]+):", prefs, re.M)
    text = page_text()
    missing = sorted(p for p in ours if p not in text)
    assert not missing, f"docs/iscsi-login.7 does not describe the preferences {missing}"
    if not ours:
        assert "registers no preferences" in text, "the plugin has no preferences and the page should say so"
    # The iSCSI dissector preferences the page says the plugin follows exist.
    section = text.split(".SH PREFERENCES", 1)[1].split(".SH ", 1)[0]
    named = set(re.findall(r"\biscsi\.[a-z_]+", section))
    assert named, "PREFERENCES names no iscsi.* preference"
    unknown = sorted(p for p in named if not re.search(rf"^#?{re.escape(p)}:", prefs, re.M))
    assert not unknown, f"docs/iscsi-login.7 names preferences tshark does not have: {unknown}"


def test_page_names_every_value_field(tshark):
    fields = [ln.split("\t") for ln in tshark.run("-G", "fields").stdout.splitlines()]
    ours = [f[2] for f in fields if len(f) > 3 and f[0] == "F" and f[4] == "iscsi_login"]
    # Every field but the expert infos' (some subtree headers are FT_NONE too):
    # those are the rows of the check catalogue.
    catalogue = (REPO / "plugin" / "core" / "checks.def").read_text()
    experts = {"iscsi_login." + a for a in re.findall(r'^ISL_CHECK\(\w+,\s*"([^"]+)"', catalogue, re.M)}
    assert len(experts) > 50
    values = [name for name in ours if name not in experts]
    assert "iscsi_login.session" in values
    text = page_text()
    missing = [f for f in values if not re.search(rf"(?<![\w.]){re.escape(f)}(?![\w])", text)]
    assert not missing, f"docs/iscsi-login.7 does not list the fields {missing}"
    # Expert fields: each group (iscsi_login.<group>.<check>) is named in EXPERT INFORMATION.
    section = text.split(".SH EXPERT INFORMATION", 1)[1].split(".SH ", 1)[0]
    groups = {f.split(".")[1] for f in ours if f not in values}
    missing = sorted(g for g in groups if not re.search(rf"\b{g}\b", section))
    assert not missing, f"EXPERT INFORMATION in docs/iscsi-login.7 does not name the groups {missing}"


def test_page_is_clean_roff():
    if shutil.which("groff") is None:
        pytest.skip("no groff")
    p = subprocess.run(["groff", "-man", "-ww", "-z", str(PAGE)], capture_output=True, text=True)
    assert p.returncode == 0 and not p.stderr, p.stderr
    if shutil.which("man"):
        p = subprocess.run(["man", "--warnings", "-E", "UTF-8", "-l", "-Tutf8", "-Z", str(PAGE)],
                           capture_output=True, text=True, env={"LC_ALL": "C.UTF-8", "MANWIDTH": "80",
                                                                "PATH": "/usr/bin:/bin"})
        assert p.returncode == 0 and not p.stderr, p.stderr
