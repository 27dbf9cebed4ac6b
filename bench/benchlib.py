"""Shared pieces of bench/run and bench/profile: captures, the plugin to
measure, and a sandbox in which tshark runs as uid 65534."""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# SIGTERM/SIGHUP run the scripts' cleanup (finally blocks) like Ctrl-C does
signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
signal.signal(signal.SIGHUP, lambda *_: sys.exit(129))

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
NOBODY = 65534


def log(msg):
    print("==> " + msg, file=sys.stderr, flush=True)


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


# ------------------------------------------------------------------ captures --

def data_capture(data_dir, name, mb, made):
    """bench/data/<name>.pcap, made by make-data-capture.sh when missing."""
    data_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(data_dir, 0o755)
    p = data_dir / (name + ".pcap")
    if not p.exists():
        if os.geteuid() != 0:
            sys.exit("bench: %s is missing and only root can make it (tgtd, tcpdump, ip netns)" % p)
        log("making %s (%d MB of SCSI I/O through tgt + libiscsi)" % (p.name, mb))
        t = time.monotonic()
        env = dict(os.environ, BENCH_DATA_DIR=str(data_dir), BENCH_DATA_MB=str(mb), BENCH_DATA_NAME=name)
        subprocess.run(["bash", str(HERE / "make-data-capture.sh")], check=True, env=env)
        made[p.name] = time.monotonic() - t
    os.chmod(p, 0o644)
    return p


def login_capture(data_dir, n, made):
    """bench/data/logins-<n>.pcap, made by make-login-capture.py when missing."""
    data_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(data_dir, 0o755)
    p = data_dir / ("logins-%d.pcap" % n)
    if not p.exists():
        log("making %s" % p.name)
        t = time.monotonic()
        subprocess.run([sys.executable, str(HERE / "make-login-capture.py"), str(n), str(p)], check=True)
        made[p.name] = time.monotonic() - t
    os.chmod(p, 0o644)
    return p


def capinfo(path):
    cols = sh(["capinfos", "-M", "-c", "-s", "-u", "-T", "-r", str(path)]).strip().split("\t")
    return {"packets": int(cols[1]), "bytes": int(cols[2]), "duration_s": float(cols[3])}


# -------------------------------------------------------------------- plugin --

def plugin_dir(args, workdir):
    """(plugin folder, description): --rev builds that commit privately
    (bench/build-plugin.sh), else --plugin-dir as it is."""
    if args.rev:
        out = Path(workdir) / "plugin-build"
        log("building the plugin of %s" % args.rev)
        d = sh(["bash", str(HERE / "build-plugin.sh"), args.rev, str(out)]).strip().splitlines()[-1]
        return Path(d), (out / "REVISION").read_text().strip()
    d = Path(args.plugin_dir)
    try:
        head = sh(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"]).strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "diff", "--quiet", "HEAD", "--", "plugin"]).returncode != 0
        desc = "%s as built (tree at %s%s)" % (d, head, ", plugin/ modified" if dirty else "")
    except (subprocess.CalledProcessError, FileNotFoundError):
        desc = str(d)
    return d, desc


def add_plugin_args(ap):
    ap.add_argument("--plugin-dir", default=os.environ.get("ISCSI_LOGIN_PLUGIN_DIR", str(REPO / "build" / "plugins")),
                    help="plugin folder laid out as DIR/<X.Y>/epan/iscsi_login.so (default: build/plugins)")
    ap.add_argument("--rev", help="build this commit (or 'worktree') privately and measure it instead of --plugin-dir")
    ap.add_argument("--data-dir", default=os.environ.get("BENCH_DATA_DIR", str(HERE / "data")),
                    help="capture cache (default: bench/data)")


# ------------------------------------------------------------------- sandbox --

class Sandbox:
    """Home and plugin folders that uid 65534 can use; tshark command lines."""

    def __init__(self, plugin_src):
        self.dir = Path(tempfile.mkdtemp(prefix="iscsi-login-bench-"))
        self.home = self.dir / "home"
        self.home.mkdir()
        self.out = self.dir / "out"         # writable by the tshark user (callgrind files)
        self.out.mkdir()
        self.plugins = self.dir / "plugins"
        shutil.copytree(plugin_src, self.plugins)
        sos = list(self.plugins.glob("*/epan/iscsi_login.so"))
        if not sos:
            self.cleanup()
            sys.exit("bench: no */epan/iscsi_login.so under %s (build first)" % plugin_src)
        self.so = sos[0]
        self.none = self.dir / "none"
        (self.none / self.so.parent.relative_to(self.plugins)).mkdir(parents=True)
        for root, dirs, files in os.walk(self.dir):
            for d in dirs:
                os.chmod(os.path.join(root, d), 0o777 if d in ("home", "out") else 0o755)
            for f in files:
                os.chmod(os.path.join(root, f), 0o644)
        os.chmod(self.dir, 0o755)
        self.as_nobody = os.geteuid() == 0

    def env(self, plugin):
        return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(self.home), "TZ": "UTC",
                "LC_ALL": "C.UTF-8", "WIRESHARK_PLUGIN_DIR": str(self.plugins if plugin else self.none)}

    def wrap(self, argv):
        if self.as_nobody:
            return ["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY, "--clear-groups", *argv]
        return argv

    def tshark(self, plugin, *args, prefix=()):
        return self.wrap(["env", *("%s=%s" % kv for kv in self.env(plugin).items()), *prefix, "tshark", *args])

    def check(self, files):
        for p in files:
            if subprocess.run(self.wrap(["test", "-r", str(p)])).returncode != 0:
                sys.exit("bench: uid %d cannot read %s; put BENCH_DATA_DIR somewhere world-readable" % (NOBODY, p))
        plugins = sh(self.tshark(True, "-G", "plugins"))
        if "iscsi_login" not in plugins:
            sys.exit("bench: tshark does not load the plugin from %s:\n%s" % (self.plugins, plugins))
        if "iscsi_login" in sh(self.tshark(False, "-G", "plugins")):
            sys.exit("bench: the no-plugin baseline still loads iscsi_login (installed globally?)")

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


# ----------------------------------------------------------------- callgrind --

LINE = re.compile(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(?:[<>*]\s+)?(.*?)(?:\s+\((\d[\d,]*)x\))?(?:\s+\[(.*)\])?\s*$")


def annotate(cg, out_prefix, inclusive, source=True):
    """source=False: no annotated source after the function list (its lines,
    and its "<counts for unidentified lines ...>", would parse as functions)."""
    args = ["callgrind_annotate", "--threshold=100"] + ([] if source else ["--auto=no"])
    if inclusive:
        args.append("--inclusive=yes")
    txt = subprocess.run(args + [str(cg)], capture_output=True, text=True).stdout
    Path(str(out_prefix) + (".inclusive.txt" if inclusive else ".exclusive.txt")).write_text(txt)
    return txt


def parse_flat(txt):
    """{(function, object): Ir} from a flat callgrind_annotate listing; the
    file part ("???:" or "path:") is dropped so that both spellings merge."""
    d = {}
    total = 0
    for line in txt.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        n = int(m.group(1).replace(",", ""))
        if "PROGRAM TOTALS" in line:
            total = n
            continue
        name = m.group(2)
        fn = name.split(":", 1)[1] if ":" in name else name
        obj = os.path.basename(m.group(4) or "")
        d[(fn, obj)] = d.get((fn, obj), 0) + n
    return d, total


def call_counts(cg, functions):
    """Calls of each function (summed over callers), from --tree=caller."""
    txt = subprocess.run(["callgrind_annotate", "--tree=caller", "--threshold=100", str(cg)],
                         capture_output=True, text=True).stdout
    counts = {}
    callers = []
    for line in txt.splitlines():
        m = LINE.match(line)
        if not m:
            callers = []
            continue
        if re.match(r"^\s*[\d,]+\s+\(\s*[\d.]+%\)\s+<", line):
            callers.append(int((m.group(3) or "0").replace(",", "")))
        elif re.match(r"^\s*[\d,]+\s+\(\s*[\d.]+%\)\s+\*", line):
            name = m.group(2)
            fn = name.split(":", 1)[1] if ":" in name else name
            if fn in functions:
                counts[fn] = counts.get(fn, 0) + sum(callers)
            callers = []
    return counts
