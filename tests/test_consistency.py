# SPDX-License-Identifier: GPL-2.0-or-later
"""One pass and two passes show the same analysis.

For every capture, `tshark -T fields` of every iscsi_login.* field and this
plugin's expert infos are identical with and without -2, except
iscsi_login.response_in and iscsi_login.login.redirected_to: forward links,
only known once the response (or the login that follows a redirect) has been
seen (like Wireshark's own iscsi.response_frame), and what is known only once
the whole capture has been read: the login.unfinished Note and the explanation
line of a login cut off, and the login.redirect_unfollowed Note.
"""
import pytest

from conftest import REPO

CAPTURES = sorted(str(p.relative_to(REPO / "captures")) for p in (REPO / "captures").glob("*/*.pcap"))
FORWARD_ONLY = {"iscsi_login.response_in", "iscsi_login.login.redirected_to"}
ONCE_READ = {"login.unfinished", "login.redirect_unfollowed"}
# The expert infos' messages: compared below, as expert infos.
EXPERT_MESSAGES = {"iscsi_login.finding"}


@pytest.fixture(scope="module")
def plugin_fields(tshark):
    fields = []
    for line in tshark.run("-G", "fields").stdout.splitlines():
        cols = line.split("\t")
        # F, name, abbrev, type, ...; FT_NONE rows are expert infos and subtrees.
        if len(cols) > 3 and cols[0] == "F" and cols[2].startswith("iscsi_login.") and cols[3] != "FT_NONE":
            if cols[2] not in FORWARD_ONLY | EXPERT_MESSAGES:
                fields.append(cols[2])
    assert len(fields) > 20, fields
    return fields


@pytest.mark.parametrize("capture", CAPTURES)
def test_one_pass_equals_two_pass(tshark, plugin_fields, capture):
    one = tshark.fields(capture, plugin_fields)
    two = tshark.fields(capture, plugin_fields, two_pass=True)
    assert len(one) == len(two)
    diffs = []
    for n, (a, b) in enumerate(zip(one, two), 1):
        for f in plugin_fields:
            if f == "iscsi_login.login.explanation" and not a[f] and b[f].startswith("Login not finished"):
                continue
            if a[f] != b[f]:
                diffs.append(f"frame {n} {f}: one pass {a[f]!r}, two passes {b[f]!r}")
    assert not diffs, "\n".join(diffs[:40])
    later = [e for e in tshark.experts(capture, two_pass=True) if e[1] not in ONCE_READ]
    assert tshark.experts(capture) == later
