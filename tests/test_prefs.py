# SPDX-License-Identifier: GPL-2.0-or-later
"""The preferences module "iSCSI Login Analysis" (Edit > Preferences >
Protocols; tshark -o iscsi_login.NAME:VALUE): listed with its defaults, and
each value taking effect on a capture."""
import re

import pytest

DEFAULTS = {
    "iscsi_login.slow_login_ms": "3000",
    "iscsi_login.flap_logins": "5",
    "iscsi_login.flap_interval": "60",
    "iscsi_login.note_legacy_keys": "TRUE",
}


def current_prefs(tshark):
    text = tshark.run("-G", "currentprefs").stdout
    return dict(re.findall(r"^#?(iscsi_login\.\w+): (.*)$", text, re.M))


def expert_frames(tshark, capture, abbrev, *opts):
    args = ["-n", "-r", tshark.capture(capture), "-Y", f"iscsi_login.{abbrev}".rstrip("."), "-T", "fields",
            "-e", "frame.number", "-e", "_ws.expert.message"]
    for o in opts:
        args += ["-2"] if o == "-2" else ["-o", o]
    return [line.split("\t") for line in tshark.run(*args).stdout.splitlines()]


def test_currentprefs_lists_the_module_with_its_defaults(tshark):
    assert current_prefs(tshark) == DEFAULTS


@pytest.mark.parametrize("two_pass", [False, True], ids=["one-pass", "two-pass"])
def test_slow_login_threshold(tshark, two_pass):
    """A real capture's logins take milliseconds: no Note by default, one per
    login at 1 ms, none again with 0 (disabled)."""
    cap = "real/concurrent-initiators.pcap"
    extra = ("-2",) if two_pass else ()
    assert expert_frames(tshark, cap, "login.slow", *extra) == []
    slow = expert_frames(tshark, cap, "login.slow", "iscsi_login.slow_login_ms:1", *extra)
    assert slow, "no login.slow Note with a 1 ms threshold"
    finals = {r[0] for r in expert_frames(tshark, cap, "login.summary", *extra)}
    for frame, msg in slow:
        assert re.search(r"Login took \d+\.\d ms \(threshold 1 ms\)", msg), msg
        assert frame in finals, f"frame {frame}: the Note belongs on the final Login Response"
    assert expert_frames(tshark, cap, "login.slow", "iscsi_login.slow_login_ms:0", *extra) == []


def test_slow_login_default_on_a_slow_login(tshark):
    assert [f for f, _ in expert_frames(tshark, "crafted/check-login-slow.pcap", "login.slow")] == ["7"]
    assert expert_frames(tshark, "crafted/check-login-slow.pcap", "login.slow", "iscsi_login.slow_login_ms:6000") == []


def test_note_legacy_keys(tshark):
    """open-iscsi offers IFMarker=No/OFMarker=No: Notes by default, none when
    the preference is off; the rest of the analysis is unchanged."""
    cap = "real/login-io-logout.pcap"
    assert expert_frames(tshark, cap, "neg.marker_offered")
    assert expert_frames(tshark, cap, "neg.marker_offered", "iscsi_login.note_legacy_keys:FALSE") == []
    on = expert_frames(tshark, cap, "")
    off = expert_frames(tshark, cap, "", "iscsi_login.note_legacy_keys:FALSE")
    strip = [[f, ",".join(m for m in msgs.split(",") if "RFC 3720 key removed" not in m)] for f, msgs in on]
    assert off == strip
