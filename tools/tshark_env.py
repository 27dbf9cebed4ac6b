# SPDX-License-Identifier: GPL-2.0-or-later
"""The environment every tshark of the tests and tools runs in.

One place, so that a sanitizer run (tests/fuzz/sanitizer-env.sh) reaches every
tshark: tests/conftest.py, tools/gen-reference.py and tests/fuzz/capture-fuzz.py
all start from it.
"""
import os
from pathlib import Path

# Sanitizer options and the wmem override.
PASSED_THROUGH = ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "WIRESHARK_ABORT_ON_DISSECTOR_BUG",
                  "WIRESHARK_DEBUG_WMEM_OVERRIDE", "G_SLICE")


def tshark_env(home):
    """A clean environment with HOME=home; ISCSI_LOGIN_PRELOAD becomes LD_PRELOAD
    (the ASan runtime must come first in tshark's library list).

    Every tshark gets an empty extcap folder, made next to home: the plugin
    needs no extcap helper, and with libasan preloaded `tshark -G plugins` and
    `-z help` hang after running them (androiddump, from a thread)."""
    extcap = Path(home).parent / "noextcap"
    extcap.mkdir(exist_ok=True)
    os.chmod(extcap, 0o755)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "TZ": "UTC",
           "LC_ALL": "C.UTF-8", "WIRESHARK_EXTCAP_DIR": str(extcap)}
    for k in PASSED_THROUGH:
        if k in os.environ:
            env[k] = os.environ[k]
    if os.environ.get("ISCSI_LOGIN_PRELOAD"):
        env["LD_PRELOAD"] = os.environ["ISCSI_LOGIN_PRELOAD"]
    return env


def open_to_nobody(work):
    """Let tshark, run as uid 65534, read everything under work (the plugin
    copy, the captures) and write its home folder."""
    os.chmod(work, 0o755)
    for root, dirs, files in os.walk(work):
        for d in dirs:
            os.chmod(os.path.join(root, d), 0o777 if d == "home" else 0o755)
        for f in files:
            os.chmod(os.path.join(root, f), 0o644)
