#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Capture fuzzing in the manner of Wireshark's tools/fuzz-test.sh.

Every committed capture is mutated with editcap (-E <probability>, with and
without -o to spare the Ethernet/IP/TCP headers, and -s truncation), and each
mutated capture is read by tshark twice: `-2 -V` and `-q -z iscsi,login`
(`-z expert` while the plugin has no iscsi,login table).  tshark runs with the
plugin given by --plugin-dir (normally the sanitized build) and the sanitizer
environment the wrapper capture-fuzz.sh exports (LD_PRELOAD, ASAN_OPTIONS...).

A run fails on a non-zero exit, a timeout, or a sanitizer / dissector-bug /
GLib report in stderr.  A failing input is run again without the plugin: when
it fails there too it is Wireshark's own bug (kept under failures/wireshark/),
otherwise it is ours (failures/plugin/).  Each kept input has a .txt beside it
with the editcap and tshark command lines and the stderr tail, so it can be
reproduced exactly (editcap --seed).

Bounded by --seconds and --count (mutated captures); prints counts at the end
and exits 1 when the plugin failed on any input.
"""
import argparse
import itertools
import multiprocessing as mp
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
NOBODY = 65534
MARKERS = re.compile(r"AddressSanitizer|LeakSanitizer|runtime error:|Dissector bug|UndefinedBehaviorSanitizer|"
                     r"\*\* \(tshark:\d+\): (CRITICAL|WARNING|ERROR)|GLib-CRITICAL|GLib-WARNING|"
                     r"Segmentation fault|Aborted")
PLUGIN_MARK = re.compile(r"iscsi_login\.so|packet-iscsi-login|plugin/core/|\bisl_[a-z_]+")


def mutations(probs, truncs):
    """The mutation kinds, as (label, editcap args without the seed)."""
    muts = []
    for p in probs:
        muts.append((f"E{p}", ["-E", str(p)]))
        # Spare Ethernet + IPv4 + TCP (54 bytes, more with options) so the
        # errors land in iSCSI PDUs rather than in TCP headers.
        muts.append((f"E{p}o54", ["-E", str(p), "-o", "54"]))
    for s in truncs:
        muts.append((f"s{s}", ["-s", str(s)]))
    if truncs and probs:
        muts.append((f"s{truncs[0]}E{probs[-1]}", ["-s", str(truncs[0]), "-E", str(probs[-1]), "-o", "54"]))
    return muts


class Runner:
    def __init__(self, args, work: Path):
        self.work = work
        self.args = args
        self.home = work / "home"
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(self.home), "TZ": "UTC",
                    "LC_ALL": "C.UTF-8"}
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "WIRESHARK_ABORT_ON_DISSECTOR_BUG",
                  "WIRESHARK_DEBUG_WMEM_OVERRIDE", "WIRESHARK_EXTCAP_DIR"):
            if k in os.environ:
                self.env[k] = os.environ[k]
        if os.environ.get("ISCSI_LOGIN_PRELOAD"):
            self.env["LD_PRELOAD"] = os.environ["ISCSI_LOGIN_PRELOAD"]
        self.env_plugin = dict(self.env, WIRESHARK_PLUGIN_DIR=str(work / "plugins"))
        self.env_base = dict(self.env, WIRESHARK_PLUGIN_DIR=str(work / "noplugins"))
        self.as_nobody = os.geteuid() == 0
        self.ztable = args.ztable

    def tshark(self, targs, env, timeout):
        cmd = ["tshark", *targs]
        if self.as_nobody:
            cmd = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *cmd]
        try:
            p = subprocess.run(cmd, env=env, cwd=self.work, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               timeout=timeout)
            return p.returncode, p.stderr.decode("utf-8", "replace"), cmd
        except subprocess.TimeoutExpired as e:
            err = (e.stderr or b"").decode("utf-8", "replace")
            return "timeout", err, cmd

    def query(self, targs):
        cmd = ["tshark", *targs]
        if self.as_nobody:
            cmd = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *cmd]
        p = subprocess.run(cmd, env=self.env_plugin, cwd=self.work, capture_output=True, text=True)
        return p.stdout + p.stderr

    def commands(self, path):
        return [["-n", "-r", path, "-2", "-V"], ["-n", "-r", path, "-q", "-z", self.ztable]]


def failed(rc, err):
    return rc != 0 or bool(MARKERS.search(err))


def worker(wid, args, work, queue, results, stop_at, budget):
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    run = Runner(args, work)
    tmp = work / f"w{wid}"
    tmp.mkdir()
    os.chmod(tmp, 0o755)
    counts = {"captures": 0, "tshark_runs": 0, "plugin_failures": 0, "wireshark_failures": 0}
    while time.time() < stop_at:
        with budget.get_lock():
            if budget.value <= 0:
                break
            budget.value -= 1
            n = args.count - budget.value - 1
        src, (label, eargs) = queue[n % len(queue)]
        seed = args.seed + n
        out = tmp / f"{Path(src).stem}-{label}-{seed}.pcap"
        ecmd = ["editcap", *eargs]
        if "-E" in eargs:
            ecmd += ["--seed", str(seed)]
        ecmd += [src, str(out)]
        subprocess.run(ecmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        os.chmod(out, 0o644)
        counts["captures"] += 1
        for targs in run.commands(str(out)):
            rc, err, cmd = run.tshark(targs, run.env_plugin, args.timeout)
            counts["tshark_runs"] += 1
            if not failed(rc, err):
                continue
            brc, berr, _ = run.tshark(targs, run.env_base, args.timeout)
            ours = not failed(brc, berr) or bool(PLUGIN_MARK.search(err))
            kind = "plugin" if ours else "wireshark"
            counts[f"{kind}_failures"] += 1
            dest = Path(args.failures) / kind
            dest.mkdir(parents=True, exist_ok=True)
            shutil.copy(out, dest / out.name)
            with open(dest / (out.name + ".txt"), "w") as f:
                f.write(f"source: {Path(src).relative_to(REPO) if Path(src).is_relative_to(REPO) else src}\n")
                f.write(f"editcap: {' '.join(ecmd[:-2])} <source> {out.name}\n")
                f.write(f"tshark: {' '.join(targs)}\n")
                f.write(f"exit: {rc}; without the plugin: {brc}\n")
                f.write("stderr (tail):\n" + err[-20000:] + "\n")
            print(f"FAIL ({kind}) {out.name}: tshark {' '.join(targs[3:])} rc={rc}", flush=True)
            break
        out.unlink()
    results.put(counts)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=150, help="stop after this many seconds (default 150)")
    ap.add_argument("--count", type=int, default=1000000, help="stop after this many mutated captures")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--plugin-dir", default=str(REPO / "build-asan" / "plugins"))
    ap.add_argument("--failures", default=str(HERE / "failures"))
    ap.add_argument("--probs", default="0.001,0.01,0.05", help="editcap -E probabilities")
    ap.add_argument("--truncs", default="96,64,200", help="editcap -s snap lengths")
    ap.add_argument("--captures", nargs="*", default=None, help="capture files (default: captures/*/*.pcap)")
    ap.add_argument("--seed", type=int, default=None, help="first editcap seed (default: from the clock)")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--ztable", default=None, help="-z table (default iscsi,login when tshark has it, else expert)")
    args = ap.parse_args()
    if args.seed is None:
        args.seed = int(time.time()) % 1000000 * 1000
    caps = [str(Path(c).resolve()) for c in (args.captures or sorted(map(str, REPO.glob("captures/*/*.pcap"))))]
    if not caps:
        sys.exit("no captures")
    probs = [float(p) for p in args.probs.split(",") if p]
    truncs = [int(s) for s in args.truncs.split(",") if s]
    muts = mutations(probs, truncs)
    queue = list(itertools.product(caps, muts))

    plugin_src = Path(args.plugin_dir)
    if not any(plugin_src.glob("*/epan/iscsi_login.so")):
        sys.exit(f"no plugin under {plugin_src}")
    work = Path(tempfile.mkdtemp(prefix="isl-capfuzz-"))
    try:
        shutil.copytree(plugin_src, work / "plugins")
        (work / "noplugins").mkdir()
        (work / "home").mkdir()
        for root, dirs, files in os.walk(work):
            for d in dirs:
                os.chmod(os.path.join(root, d), 0o777 if d == "home" else 0o755)
            for f in files:
                os.chmod(os.path.join(root, f), 0o644)
        os.chmod(work, 0o755)
        run = Runner(args, work)
        if args.ztable is None:
            zhelp = run.query(["-z", "help"])
            args.ztable = "iscsi,login" if re.search(r"^\s*iscsi,login\b", zhelp, re.M) else "expert"
        plugins = run.query(["-G", "plugins"])
        if "iscsi_login" not in plugins:
            sys.exit("the plugin does not load:\n" + plugins[-3000:])
        print(f"capture fuzz: {len(caps)} captures x {len(muts)} mutations, tshark -2 -V and -q -z {args.ztable}, "
              f"{args.jobs} jobs, seeds from {args.seed}, at most {args.seconds:.0f} s / {args.count} captures", flush=True)
        start = time.time()
        stop_at = start + args.seconds
        budget = mp.Value("q", args.count)
        results = mp.Queue()
        procs = [mp.Process(target=worker, args=(i, args, work, queue, results, stop_at, budget)) for i in range(args.jobs)]
        for p in procs:
            p.start()
        total = {}
        for _ in procs:
            c = results.get()
            for k, v in c.items():
                total[k] = total.get(k, 0) + v
        for p in procs:
            p.join()
        el = time.time() - start
        print(f"capture fuzz: {total.get('captures', 0)} mutated captures, {total.get('tshark_runs', 0)} tshark runs "
              f"in {el:.0f} s ({total.get('captures', 0) / el:.2f} captures/s); "
              f"failures: plugin {total.get('plugin_failures', 0)}, wireshark {total.get('wireshark_failures', 0)}"
              f" (kept under {args.failures})", flush=True)
        sys.exit(1 if total.get("plugin_failures", 0) else 0)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
