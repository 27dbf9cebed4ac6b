#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Capture fuzzing in the manner of Wireshark's tools/fuzz-test.sh, in process.

The bulk of the round runs in isl-replay (tests/fuzz/isl-replay.c), one
process per job that initialises epan once and then mutates, writes and
dissects input after input as tshark would (`tshark -q -z iscsi,login` and
`tshark -2 -V` / `-2 -z` in one epan session per input): every committed
capture (captures/*/*.pcap) mutated like `editcap -E p` (with and without
`-o 54` to spare the Ethernet/IP/TCP headers), `editcap -s N`, and both.
Input n of a round is capture n % C with mutation (n / C) % M and seed
SEED + n, so every input can be made again.

First, every capture is read unmodified (the baseline: it must pass).  Then
the jobs run until --seconds or --count.  A job that crashes (sanitizer
report, abort on a dissector bug, watchdog) leaves its input behind; it is
kept and the job restarts after it.  Inputs that fail without a crash (a
Wireshark/GLib warning or critical, a bad table cell) are kept by the driver.
A periodic LeakSanitizer check (--leak-check-every) finds leaks; the range is
replayed with a check after every input to find the leaking one.

Each kept input is replayed with the full (slow) malloc unwinder for a
complete report, and once without the plugin: when it fails there too it is
Wireshark's own bug (failures/wireshark/), otherwise ours (failures/plugin/).
Each has a .txt with its identity, the commands to reproduce it and the
report.

Finally a few mutated captures (made by editcap itself) are read by the real
tshark (`-n -2 -V` and `-n -q -z iscsi,login -z iscsi,sessions`) with the
sanitized plugin, as a cross-check of the driver: tshark must not fail, and
its output must equal the driver's (--print-tree / --print-tables) on the
same file; a difference is kept under failures/mismatch/.

Exits 1 when the plugin failed on any input or the driver and tshark
disagree.
"""
import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO / "tools"))
from tshark_env import tshark_env  # noqa: E402
NOBODY = 65534
MARKERS = re.compile(r"AddressSanitizer|LeakSanitizer|runtime error:|Dissector bug|UndefinedBehaviorSanitizer|"
                     r"\*\* \(tshark:\d+\): (CRITICAL|WARNING|ERROR)|GLib-CRITICAL|GLib-WARNING|"
                     r"Segmentation fault|Aborted|TIMEOUT|^FAIL |LEAK reported", re.M)
PLUGIN_MARK = re.compile(r"iscsi_login\.so|packet-iscsi-login|plugin/core/|plugin/stats\.c|\bisl_[a-z_]+")
SUMMARY = re.compile(r"^isl-replay: (\d+) \w+ inputs, (\d+) frames.*?plugin threw (\d+); plugin labels not UTF-8 (\d+)",
                     re.M)
# Wireshark's data files re-read by every epan_new() (host_name_lookup_reset):
# manuf, services and enterprises.tsv take ~200 ms per input, 95% of the
# time of an unsanitized input.  The plugin uses no name resolution (and the
# runs are -n); the fuzz runs get empty copies, everything else is linked.
HEAVY_DATA_FILES = ("manuf", "services", "enterprises.tsv", "wka")


def tail(text, n=20000):
    return text if len(text) <= n else "...\n" + text[-n:]


class Env:
    """Work directory and environments, readable by the unprivileged user."""

    def __init__(self, args, work: Path):
        self.args = args
        self.work = work
        self.home = work / "home"
        self.full = dict(tshark_env(self.home), WIRESHARK_PLUGIN_DIR=str(work / "plugins"))   # slow unwinder: full reports
        fast = dict(self.full)
        if "ASAN_OPTIONS" in fast:
            fast["ASAN_OPTIONS"] = fast["ASAN_OPTIONS"].replace("fast_unwind_on_malloc=0", "fast_unwind_on_malloc=1")
        self.fuzz = dict(fast, WIRESHARK_DATA_DIR=str(work / "datadir"))
        self.tshark = fast          # tshark as users run it (a failing input is replayed with the slow unwinder)
        self.base = dict(self.full, WIRESHARK_PLUGIN_DIR=str(work / "noplugins"))
        self.as_nobody = os.geteuid() == 0
        self.driver = str(work / "isl-replay")

    def cmd(self, argv):
        if self.as_nobody:
            return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *argv]
        return list(argv)

    def run(self, argv, env, timeout, stdout=subprocess.PIPE):
        try:
            p = subprocess.run(self.cmd(argv), env=env, cwd=self.work, stdout=stdout, stderr=subprocess.PIPE,
                               timeout=timeout, stdin=subprocess.DEVNULL)
            out = p.stdout.decode("utf-8", "replace") if p.stdout is not None else ""
            return p.returncode, out, p.stderr.decode("utf-8", "replace")
        except subprocess.TimeoutExpired as e:
            out = (e.stdout or b"").decode("utf-8", "replace") if stdout == subprocess.PIPE else ""
            return "timeout", out, (e.stderr or b"").decode("utf-8", "replace")


def failed(rc, out, err):
    return rc != 0 or bool(MARKERS.search(err)) or bool(re.search(r"^FAIL ", out, re.M))


def check_args(args):
    """isl-replay options for every run: the watchdog and what fails."""
    return ["--timeout", str(args.timeout)] + ([] if args.allow_bad_utf8 else ["--fail-on-bad-utf8"])


def driver_args(args):
    a = check_args(args)
    if args.mutations:
        a += ["--mutations", args.mutations]
    else:
        a += ["--probs", args.probs, "--truncs", args.truncs]
    return a


class Round:
    def __init__(self, args, env: Env, origin):
        self.args = args
        self.env = env
        self.origin = origin   # readable copy of a capture -> the capture
        self.caps = list(origin)
        self.fail_dir = Path(args.failures)
        self.counts = {"plugin": 0, "wireshark": 0, "mismatch": 0}
        self.kept = []
        self.utf8_example = None

    # -- failing inputs --------------------------------------------------------

    def keep(self, pcap: Path, info: str, why: str, report: str):
        """Classifies a failing input by replaying it, then keeps it."""
        env = self.env
        name = pcap.name
        for copy, orig in self.origin.items():   # name the committed capture, not the copy
            info = info.replace(copy, orig)
        m = re.search(r"^source (.*)$", info, re.M)
        mm = re.search(r"^mutation (.*)$", info, re.M)
        sm = re.search(r"^seed (.*)$", info, re.M)
        if m and mm and sm:
            name = f"{Path(m.group(1)).stem}-{mm.group(1)}-{sm.group(1)}.pcap"
        staged = env.work / "replay" / name
        staged.parent.mkdir(exist_ok=True)
        os.chmod(staged.parent, 0o755)
        shutil.copy(pcap, staged)
        os.chmod(staged, 0o644)
        # Full report (slow unwinder), then without the plugin.
        rc, out, err = env.run([env.driver, *check_args(self.args), "--replay", str(staged)],
                               env.fuzz | {"ASAN_OPTIONS": env.full.get("ASAN_OPTIONS", "")}, self.args.timeout * 3)
        reproduced = failed(rc, out, err)
        brc, bout, berr = env.run([env.driver, "--no-plugin", "--timeout", str(self.args.timeout), "--replay",
                                   str(staged)], env.base | {"WIRESHARK_DATA_DIR": env.fuzz["WIRESHARK_DATA_DIR"]},
                                  self.args.timeout * 3)
        base_fails = failed(brc, bout, berr)
        text = "\n".join([report, err, out])
        ours = not base_fails or bool(PLUGIN_MARK.search(text))
        kind = "plugin" if ours else "wireshark"
        self.counts[kind] += 1
        dest = self.fail_dir / kind
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy(staged, dest / name)
        with open(dest / (name + ".txt"), "w") as f:
            f.write(info.rstrip("\n") + "\n")
            f.write(f"failure: {why}\n")
            f.write(f"replayed with the plugin: {'fails' if reproduced else 'passes'} (exit {rc}); "
                    f"without the plugin: {'fails' if base_fails else 'passes'} (exit {brc})\n")
            f.write(f"replay: WIRESHARK_PLUGIN_DIR=<plugins> isl-replay --replay {name}   "
                    f"(as uid {NOBODY}, environment of tests/fuzz/sanitizer-env.sh)\n")
            f.write(f"tshark: tshark -n -r {name} -2 -V; tshark -n -r {name} -q -z iscsi,login\n")
            f.write("report of the round:\n" + tail(report) + "\n")
            f.write("report of the replay (full malloc stacks):\n" + tail(err + out) + "\n")
        self.kept.append(f"{kind}: {dest / name}: {why}")
        print(f"FAIL ({kind}) {name}: {why}", flush=True)

    # -- driver jobs -----------------------------------------------------------

    def job(self, j, seed, deadline, count):
        """Runs job j's share of the round; returns (inputs, frames)."""
        env, args = self.env, self.args
        jd = env.work / f"w{j}"
        jd.mkdir(exist_ok=True)
        os.chmod(jd, 0o777)
        out = jd / "cur.pcap"
        faild = jd / "failures"
        inputs = frames = threw = bad_utf8 = 0
        first, left = j, count
        runs = 0
        while left > 0 and time.time() < deadline - 1:
            if self.counts["plugin"] + self.counts["wireshark"] >= args.max_failures:
                print(f"job {j}: {args.max_failures} failures kept, stopping", flush=True)
                break
            runs += 1
            for f in (out, jd / "cur.pcap.txt"):
                if f.exists():
                    f.unlink()
            chunk = min(left, args.restart_every) if args.restart_every > 0 else left
            cmd = [env.driver, "--seed", str(seed), "--first", str(first), "--stride", str(args.jobs),
                   "--count", str(chunk), "--seconds", f"{max(deadline - time.time(), 1):.0f}",
                   "--out", str(out), "--failures", str(faild), "--leak-check-every", str(args.leak_check_every),
                   "--max-failures", str(args.max_failures),
                   *driver_args(args), *self.caps]
            with open(jd / f"run{runs}.out", "wb") as fo:
                p = subprocess.Popen(env.cmd(cmd), env=env.fuzz, cwd=env.work, stdout=fo,
                                     stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
                _, err_b = p.communicate()
            rc = p.returncode
            outs = (jd / f"run{runs}.out").read_text(errors="replace")
            err = err_b.decode("utf-8", "replace")
            m = SUMMARY.search(outs)
            done = None
            if m:
                inputs += int(m.group(1))
                frames += int(m.group(2))
                threw += int(m.group(3))
                bad_utf8 += int(m.group(4))
                ex = re.search(r"^isl-replay: input .*: label of .* is not UTF-8: .*$", err, re.M)
                if ex and not self.utf8_example:
                    self.utf8_example = ex.group(0)
            # Inputs that failed without a crash, kept by the driver.
            if faild.is_dir():
                for pc in sorted(faild.glob("*.pcap")):
                    info = (pc.parent / (pc.name + ".txt")).read_text(errors="replace")
                    why = re.search(r"^failure: (.*)$", info, re.M)
                    self.keep(pc, info, why.group(1) if why else "failed", info + "\n" + tail(err, 5000))
                    pc.unlink()
                    (pc.parent / (pc.name + ".txt")).unlink()
            leak = re.search(r"^LEAK reported in inputs (\d+)\.\.(\d+)", outs, re.M)
            if rc in (0, 1) and m:
                # finished (rc 1: failures kept above); on with a new process
                # when this one only ran a chunk of the job
                n = int(m.group(1))
                if n < chunk:
                    break                                           # stopped by --seconds or --max-failures
                left -= n
                first += n * args.jobs
                continue
            if rc == 2:
                print(f"job {j}: the driver could not start (exit 2):\n{tail(outs + err, 3000)}", flush=True)
                self.counts["plugin"] += 1
                break
            if leak:
                a, b = int(leak.group(1)), int(leak.group(2))
                self.find_leak(j, seed, a, b)
                done = b
            elif m and "LeakSanitizer" in err:
                # leak in the teardown, after every input: the process, not an input
                self.counts["plugin" if PLUGIN_MARK.search(err) else "wireshark"] += 1
                self.kept.append(f"leak at exit of job {j}: {jd / f'run{runs}.err'}")
                (jd / f"run{runs}.err").write_text(err)
                print(f"FAIL leak at the driver's exit (job {j}); report in {jd / f'run{runs}.err'}", flush=True)
                break
            else:
                info = (jd / "cur.pcap.txt").read_text(errors="replace") if (jd / "cur.pcap.txt").exists() else ""
                im = re.search(r"^index (\d+)$", info, re.M)
                if not im or not out.exists():
                    print(f"job {j}: driver failed before its first input (exit {rc}):\n{tail(err, 3000)}",
                          flush=True)
                    self.counts["plugin"] += 1
                    break
                done = int(im.group(1))
                inputs += 1
                why = "timeout" if rc == 3 else f"crash (exit {rc})"
                self.keep(out, info, why, tail(err))
            left = count - ((done - j) // args.jobs + 1)
            first = done + args.jobs
        return inputs, frames, threw, bad_utf8

    def find_leak(self, j, seed, a, b):
        """Replays inputs a..b (stride jobs) with a leak check after each."""
        env, args = self.env, self.args
        jd = env.work / f"w{j}"
        out = jd / "leak.pcap"
        n = (b - a) // args.jobs + 1
        cmd = [env.driver, "--seed", str(seed), "--first", str(a), "--stride", str(args.jobs), "--count", str(n),
               "--out", str(out), "--leak-check-every", "1", *driver_args(args), *self.caps]
        rc, outs, err = env.run(cmd, env.fuzz, args.timeout * (n + 2))
        info = (jd / "leak.pcap.txt").read_text(errors="replace") if (jd / "leak.pcap.txt").exists() else ""
        if rc == 4 and info:
            self.keep(out, info, "memory leak (LeakSanitizer)", tail(err))
        else:
            self.counts["plugin"] += 1
            self.kept.append(f"leak in inputs {a}..{b} (job {j}), not found again input by input")
            print(f"FAIL leak in inputs {a}..{b}, not found again input by input (exit {rc})", flush=True)

    # -- tshark cross-check ----------------------------------------------------

    def cross_check(self, n, seed):
        env, args = self.env, self.args
        if n <= 0:
            return 0
        rnd = random.Random(seed)
        muts = []
        for p in args.probs.split(","):
            muts += [["-E", p], ["-E", p, "-o", "54"]]
        for s in args.truncs.split(","):
            if not s.isdigit():      # isl-replay's "r": a random snap length per input
                s = str(rnd.randint(40, 400))
            muts += [["-s", s], ["-s", s, "-E", args.probs.split(",")[-1], "-o", "54"]]
        cdir = env.work / "xcheck"
        cdir.mkdir()
        os.chmod(cdir, 0o755)
        ztables = ["-z", "iscsi,login", "-z", "iscsi,sessions"]
        done = 0
        for i in range(n):
            src = rnd.choice(self.caps)
            eargs = rnd.choice(muts)
            s = seed + i
            label = "".join(eargs).replace("-", "")
            f = cdir / f"{Path(src).stem}-{label}-{s}.pcap"
            subprocess.run(["editcap", *eargs, "--seed", str(s), src, str(f)], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            os.chmod(f, 0o644)
            info = f"source {self.origin.get(src, src)}\nmutation editcap {' '.join(eargs)} --seed {s}\n"
            t2 = env.run(["tshark", "-n", "-r", str(f), "-2", "-V"], env.tshark, args.timeout * 4)
            tz = env.run(["tshark", "-n", "-r", str(f), "-q", *ztables], env.tshark, args.timeout * 4)
            dr = env.run([env.driver, *check_args(args), "--print-tables", "--print-tree", "--replay", str(f)],
                         env.tshark,
                         args.timeout * 4)
            done += 1
            bad = [(what, r) for what, r in (("tshark -2 -V", t2), ("tshark -q -z", tz), ("isl-replay", dr))
                   if failed(*r)]
            if bad:
                what, r = bad[0]
                self.keep(f, info, f"{what} failed (exit {r[0]})", tail(r[2]))
                continue
            expect = tz[1] + t2[1]
            if dr[1] != expect:
                self.counts["mismatch"] += 1
                dest = self.fail_dir / "mismatch"
                dest.mkdir(parents=True, exist_ok=True)
                shutil.copy(f, dest / f.name)
                (dest / (f.name + ".tshark.txt")).write_text(expect)
                (dest / (f.name + ".isl-replay.txt")).write_text(dr[1])
                (dest / (f.name + ".txt")).write_text(info)
                self.kept.append(f"mismatch: {dest / f.name}")
                print(f"MISMATCH {f.name}: isl-replay's output differs from tshark's (kept under {dest})",
                      flush=True)
        return done


def setup(args, work: Path, caps):
    """The work folder uid 65534 reads: plugin, driver, data files, and copies of
    the captures (a checkout under a private folder, e.g. a mktemp -d clone, is
    not readable to it), each in a folder of its own so that names stay as they
    are.  Returns {copy: original}."""
    origin = {}
    for i, c in enumerate(caps):
        d = work / "captures" / str(i)
        d.mkdir(parents=True)
        shutil.copy(c, d / Path(c).name)
        origin[str(d / Path(c).name)] = c
    shutil.copytree(args.plugin_dir, work / "plugins")
    shutil.copy(args.driver, work / "isl-replay")
    for d in ("noplugins", "home", "datadir"):
        (work / d).mkdir()
    sysdata = Path(args.datadir)
    for f in sysdata.iterdir():
        if f.name in HEAVY_DATA_FILES:
            (work / "datadir" / f.name).write_bytes(b"")
        else:
            (work / "datadir" / f.name).symlink_to(f)
    for root, dirs, files in os.walk(work):
        for d in dirs:
            os.chmod(os.path.join(root, d), 0o777 if d == "home" else 0o755)
        for f in files:
            p = os.path.join(root, f)
            if not os.path.islink(p):
                os.chmod(p, 0o755 if f == "isl-replay" else 0o644)
    os.chmod(work, 0o755)
    return origin


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=150, help="time for the mutated inputs (default 150)")
    ap.add_argument("--count", type=int, default=10**9, help="stop after this many mutated inputs")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="driver processes")
    ap.add_argument("--plugin-dir", default=str(REPO / "build-asan" / "plugins"))
    ap.add_argument("--driver", default=str(REPO / "build-asan" / "isl-replay"))
    ap.add_argument("--datadir", default="/usr/share/wireshark", help="Wireshark's data files")
    ap.add_argument("--failures", default=str(HERE / "failures"))
    ap.add_argument("--probs", default="0.001,0.01,0.05", help="editcap -E probabilities")
    ap.add_argument("--truncs", default="96,64,200", help="editcap -s snap lengths (isl-replay: 'r' = random)")
    ap.add_argument("--mutations", default=None, help="isl-replay --mutations list (default from --probs/--truncs)")
    ap.add_argument("--captures", nargs="*", default=None, help="capture files (default: captures/*/*.pcap)")
    ap.add_argument("--seed", type=int, default=None, help="first seed (default: from the clock)")
    ap.add_argument("--timeout", type=int, default=60, help="per input (driver) / per run (tshark), seconds")
    ap.add_argument("--leak-check-every", type=int, default=250, help="LeakSanitizer check interval (inputs)")
    ap.add_argument("--tshark-checks", type=int, default=4,
                    help="mutated captures also read by the real tshark as a cross-check (default 4)")
    ap.add_argument("--no-baseline", action="store_true", help="skip reading the captures unmodified first")
    ap.add_argument("--max-failures", type=int, default=20, help="stop the round after this many kept inputs")
    ap.add_argument("--allow-bad-utf8", action="store_true",
                    help="only count plugin labels that are not UTF-8 (default: such an input fails)")
    ap.add_argument("--restart-every", type=int, default=2000,
                    help="inputs per isl-replay process (Wireshark 4.0 grows per epan session; default 2000)")
    args = ap.parse_args()
    if args.seed is None:
        args.seed = int(time.time()) % 1000000 * 1000
    caps = [str(Path(c).resolve()) for c in (args.captures or sorted(map(str, REPO.glob("captures/*/*.pcap"))))]
    if not caps:
        sys.exit("no captures")
    if not any(Path(args.plugin_dir).glob("*/epan/iscsi_login.so")):
        sys.exit(f"no plugin under {args.plugin_dir}")
    if not os.access(args.driver, os.X_OK):
        sys.exit(f"no driver {args.driver} (configure with -DISCSI_LOGIN_REPLAY=ON)")
    work = Path(tempfile.mkdtemp(prefix="isl-capfuzz-"))
    try:
        for c in caps:
            if not os.access(c, os.R_OK):
                sys.exit(f"cannot read {c}")
        origin = setup(args, work, caps)
        env = Env(args, work)
        caps = list(origin)
        rnd = Round(args, env, origin)
        print(f"capture fuzz: {len(caps)} captures, isl-replay x {args.jobs} jobs, seeds from {args.seed}, "
              f"at most {args.seconds:.0f} s / {args.count} mutated inputs; then {args.tshark_checks} "
              f"tshark cross-checks", flush=True)
        t0 = time.time()
        if not args.no_baseline:
            rc, out, err = env.run([env.driver, *check_args(args), *caps],
                                   env.fuzz, args.timeout * len(caps))
            m = SUMMARY.search(out)
            print(f"baseline: {m.group(1) if m else '?'} captures unmodified in {time.time() - t0:.0f} s: "
                  f"{'FAILED' if failed(rc, out, err) else 'ok'}", flush=True)
            if failed(rc, out, err):
                print(tail(out, 5000) + tail(err, 10000), flush=True)
                rnd.counts["plugin"] += 1
        start = time.time()
        deadline = start + args.seconds
        import concurrent.futures as cf
        with cf.ThreadPoolExecutor(args.jobs) as ex:
            futs = [ex.submit(rnd.job, j, args.seed, deadline, (args.count - j + args.jobs - 1) // args.jobs)
                    for j in range(args.jobs)]
            res = [f.result() for f in futs]
        el = time.time() - start
        inputs, frames, threw, bad_utf8 = (sum(r[i] for r in res) for i in range(4))
        print(f"capture fuzz: {inputs} mutated inputs ({frames} frames) in {el:.0f} s "
              f"({inputs / el if el else 0:.1f} inputs/s, {args.jobs} jobs, isl-replay); "
              f"frames where the plugin threw an exception: {threw}; plugin labels that are not UTF-8: {bad_utf8}",
              flush=True)
        if rnd.utf8_example:
            print("  e.g. " + rnd.utf8_example[len("isl-replay: "):], flush=True)
        t1 = time.time()
        n = rnd.cross_check(args.tshark_checks, args.seed + 10**9)
        if n:
            print(f"tshark cross-check: {n} mutated captures, {2 * n} tshark runs in {time.time() - t1:.0f} s; "
                  f"isl-replay output equal to tshark's on {n - rnd.counts['mismatch']}", flush=True)
        c = rnd.counts
        print(f"capture fuzz: failures: plugin {c['plugin']}, wireshark {c['wireshark']}, "
              f"driver/tshark mismatches {c['mismatch']} (kept under {args.failures}); "
              f"total {time.time() - t0:.0f} s", flush=True)
        for k in rnd.kept:
            print("  " + k)
        sys.exit(1 if c["plugin"] or c["mismatch"] else 0)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
