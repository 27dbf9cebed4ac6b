# SPDX-License-Identifier: GPL-2.0-or-later
"""pytest fixtures: run tshark with the freshly built plugin.

tshark ignores personal plugin folders and WIRESHARK_PLUGIN_DIR when run as
root, so as root every tshark runs as an unprivileged user (setpriv) with the
plugin and the captures copied to a folder that user can read.

Environment:
  ISCSI_LOGIN_PLUGIN_DIR  plugin folder laid out as <dir>/<X.Y>/epan/iscsi_login.so
                          (default: <repo>/build/plugins)
  ISCSI_LOGIN_INSTALLED=1 use the plugin installed in Wireshark's global folder
  ISCSI_LOGIN_TSHARK      tshark binary (default: tshark)
  ISCSI_LOGIN_PRELOAD     LD_PRELOAD for tshark (sanitizer runtime)
  ASAN_OPTIONS, UBSAN_OPTIONS, LSAN_OPTIONS, WIRESHARK_ABORT_ON_DISSECTOR_BUG,
  WIRESHARK_DEBUG_WMEM_OVERRIDE, G_SLICE are passed through
  (tools/tshark_env.py, shared with tools/gen-reference.py)

Every tshark runs with WIRESHARK_EXTCAP_DIR at an empty folder of the
fixture's own (tshark_env): under the sanitizer runtime `-G plugins`, which
the fixture runs first, would otherwise hang in the extcap helpers.
"""
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))
from tshark_env import open_to_nobody, tshark_env  # noqa: E402

CAPTURES = REPO / "captures"
NOBODY = 65534


class Tshark:
    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.home = workdir / "home"
        self.home.mkdir()
        self.captures = workdir / "captures"
        shutil.copytree(CAPTURES, self.captures, ignore=shutil.ignore_patterns("*.py", "*.sh", "*.md"))
        self.env = tshark_env(self.home)
        self.installed = os.environ.get("ISCSI_LOGIN_INSTALLED") == "1"
        if not self.installed:
            src = Path(os.environ.get("ISCSI_LOGIN_PLUGIN_DIR", REPO / "build" / "plugins"))
            if not any(src.glob("*/epan/iscsi_login.so")):
                pytest.exit(f"no built plugin under {src} (build first: cmake -S . -B build && cmake --build build)", 2)
            plugins = workdir / "plugins"
            shutil.copytree(src, plugins)
            self.env["WIRESHARK_PLUGIN_DIR"] = str(plugins)
        open_to_nobody(workdir)
        self.binary = os.environ.get("ISCSI_LOGIN_TSHARK", "tshark")
        self.as_nobody = os.geteuid() == 0 and not self.installed
        self._cache = {}

    def capture(self, name: str) -> str:
        p = self.captures / name
        if not p.exists():
            raise FileNotFoundError(p)
        return str(p)

    def run(self, *args, check=True) -> subprocess.CompletedProcess:
        # tshark's output is a pure function of its arguments here: reuse it.
        key = (args, check)
        if key not in self._cache:
            self._cache[key] = self._run(*args, check=check)
        return self._cache[key]

    def _run(self, *args, check=True) -> subprocess.CompletedProcess:
        cmd = [self.binary, *args]
        if self.as_nobody:
            cmd = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *cmd]
        p = subprocess.run(cmd, env=self.env, cwd=self.workdir, capture_output=True, text=True, timeout=600)
        if check and p.returncode != 0:
            raise AssertionError(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr[-3000:]}")
        for marker in ("AddressSanitizer", "runtime error:", "LeakSanitizer", "Dissector bug"):
            assert marker not in p.stderr, f"{marker} in tshark stderr:\n{p.stderr[-5000:]}"
        return p

    def add_capture(self, name: str, data: bytes) -> str:
        """Write a capture made by a test (e.g. a committed one with some bytes
        changed) where the unprivileged tshark can read it; returns its name."""
        path = self.captures / name
        path.write_bytes(data)
        os.chmod(path, 0o644)
        return name

    def run_without_plugin(self, *args) -> subprocess.CompletedProcess:
        """The same tshark with an empty plugin folder (None when the plugin is
        installed globally and cannot be left out)."""
        if self.installed:
            return None
        key = ("without-plugin", args)
        if key not in self._cache:
            empty = self.workdir / "noplugins"
            if not empty.exists():
                (empty / "x" / "epan").mkdir(parents=True)
                for d in (empty, empty / "x", empty / "x" / "epan"):
                    os.chmod(d, 0o755)
            env, self.env = self.env, dict(self.env, WIRESHARK_PLUGIN_DIR=str(empty))
            try:
                self._cache[key] = self._run(*args)
            finally:
                self.env = env
        return self._cache[key]

    def fields(self, capture: str, fields, display_filter=None, two_pass=False, extra=()):
        """Rows of -T fields output, one dict per frame (field -> string)."""
        args = ["-n", "-r", self.capture(capture), "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|"]
        if two_pass:
            args.append("-2")
        if display_filter:
            args += ["-Y", display_filter]
        for f in fields:
            args += ["-e", f]
        args += list(extra)
        out = self.run(*args).stdout
        rows = []
        for line in out.splitlines():
            cols = line.split("\t")
            cols += [""] * (len(fields) - len(cols))
            rows.append(dict(zip(fields, cols)))
        return rows

    def experts(self, capture: str, two_pass=False):
        """[(frame, expert field name without 'iscsi_login.', message)] of this plugin's expert infos."""
        args = ["-n", "-r", self.capture(capture), "-T", "pdml", "-Y", "iscsi_login"]
        if two_pass:
            args.append("-2")
        return parse_experts(self.run(*args).stdout)


def parse_experts(pdml: str):
    import xml.etree.ElementTree as ET
    res = []
    for packet in ET.fromstring(pdml).iter("packet"):
        frame = None
        for f in packet.iter("field"):
            if f.get("name") == "num" and frame is None:
                frame = int(f.get("show"))
            if f.get("name") != "_ws.expert":
                continue
            name = msg = None
            for c in f:
                n = c.get("name") or ""
                if n.startswith("iscsi_login."):
                    name = n[len("iscsi_login."):]
                elif n == "_ws.expert.message":
                    msg = c.get("show")
            if name:
                res.append((frame, name, msg))
    return res


# Only tests/test_*.py hold tests: do not walk the fuzzing corpora (thousands of
# files, rewritten while a long libFuzzer run minimises them), the unit tests'
# C sources or the GUI screenshots.
collect_ignore = ["fuzz", "unit", "gui", "artifacts"]


def pytest_configure(config):
    # pytest-xdist registers it too; without xdist the mark is only a label.
    config.addinivalue_line("markers", "xdist_group(name): run these tests on one xdist worker")


@pytest.fixture(scope="session")
def tshark():
    work = Path(tempfile.mkdtemp(prefix="iscsi-login-tests-"))
    ts = Tshark(work)
    plugins = ts.run("-G", "plugins").stdout
    if "iscsi_login" not in plugins:
        pytest.exit("the iscsi_login plugin is NOT loaded by tshark:\n" + plugins, 2)
    yield ts
    shutil.rmtree(work, ignore_errors=True)
