# SPDX-License-Identifier: GPL-2.0-or-later
"""-z iscsi,login and -z iscsi,sessions: the tables tshark prints for every
committed capture, display filters, empty captures, bad arguments, and the
same counts with one pass and with -2."""
import struct

import pytest

R = "iqn.2026-11.test.iscsi-login:"
C = "iqn.2026-11.test.crafted:"
INIT1, DISK1 = C + "init1", C + "disk1"
PAIR1 = f"{INIT1} -> {DISK1}"

LOGIN_TITLE = "iSCSI Login Statistics"
SESSIONS_TITLE = "iSCSI Sessions"
KINDS, PAIRS, STATUS, SESSIONS = "Exchanges", "Logins by initiator -> target", "Logins by status", "Sessions"
LOGIN_COLUMNS = ["Exchange", "Count", "Failures", "Untimed", "Min (ms)", "Max (ms)", "Avg (ms)", "Total (ms)"]
SESSION_COLUMNS = ["Session", "Initiator", "Target", "ISID", "TSIH", "Type", "Outcome", "Login time (ms)", "Connections",
                   "HeaderDigest", "DataDigest", "Initiator MRDSL", "Target MRDSL", "MaxBurstLength",
                   "FirstBurstLength", "ErrorRecoveryLevel", "Targets discovered"]
TIME_COL = SESSION_COLUMNS.index("Login time (ms)")


def parse_stat_tables(text):
    """tshark's stat_tap_table printout -> {statistic title: {"filter", "columns", "tables": {title: [rows]}}}.

    Each statistic is printed between two lines of "=": its title and ":",
    the filter, one header for all its tables, then each table's title
    followed by its rows.  A row is the list of its stripped cells; a row
    whose time columns are empty is shorter (the printer stops at the first
    empty item)."""
    stats, block = {}, None
    for line in text.splitlines():
        if line and set(line) == {"="}:
            block = [] if block is None else None
            continue
        if block is None:
            continue
        if not block and line.endswith(":"):
            cur = stats[line[:-1]] = {"filter": None, "columns": None, "tables": {}}
            table = None
        elif line.startswith("Filter for statistics:"):
            cur["filter"] = line[len("Filter for statistics:"):].strip()
        elif cur["columns"] is None:
            cur["columns"] = [c.strip() for c in line.split("|")[:-1]]
        elif "|" not in line:
            table = cur["tables"][line] = []
        else:
            table.append([c.strip() for c in line.split("|")[:-1]])
        block.append(line)
    return stats


_RUNS = {}


def stat_run(tshark, capture, *zargs, two_pass=False, check=True):
    """tshark -q -z ... on a committed capture (a name like "real/x.pcap") or a path.
    Successful runs are remembered: many tests read the same tables."""
    key = (id(tshark), capture, zargs, two_pass)
    if key in _RUNS:
        return _RUNS[key]
    args = ["-n", "-q", "-r", tshark.capture(capture) if not capture.startswith("/") else capture]
    if two_pass:
        args.append("-2")
    for z in zargs:
        args += ["-z", z]
    p = tshark.run(*args, check=check)
    if p.returncode == 0 and not capture.startswith("/"):
        _RUNS[key] = p
    return p


def stats_of(tshark, capture, *zargs, two_pass=False):
    return parse_stat_tables(stat_run(tshark, capture, *zargs, two_pass=two_pass).stdout)


def login_tables(tshark, capture, flt=None, two_pass=False):
    z = "iscsi,login" + (f",{flt}" if flt else "")
    return stats_of(tshark, capture, z, two_pass=two_pass)[LOGIN_TITLE]


def session_rows(tshark, capture, flt=None, two_pass=False):
    z = "iscsi,sessions" + (f",{flt}" if flt else "")
    return stats_of(tshark, capture, z, two_pass=two_pass)[SESSIONS_TITLE]["tables"][SESSIONS]


def counts(rows):
    """{label: (count, failures, untimed)}"""
    return {r[0]: (int(r[1]), int(r[2]), int(r[3])) for r in rows}


# ---- expected tables ---------------------------------------------------------

SUCCESS = "0x0000 Success"
AUTH_FAILURE = "0x0201 Initiator error: authentication failure"


def row(label, times=(), failures=0, untimed=0):
    """A login-table row: label, count, failures, untimed, then Min, Max, Avg
    and Total of the timed durations (ms), absent when nothing was timed."""
    r = [label, str(len(times) + untimed), str(failures), str(untimed)]
    if times:
        r += [f"{x:.3f}" for x in (min(times), max(times), sum(times) / len(times), sum(times))]
    return r


def session(num, init, target, isid, tsih, stype, outcome, conns, params, targets):
    """A Sessions row without its login time."""
    return [str(num), init, target, isid, tsih, stype, outcome, str(conns), *params, str(targets)]


def timed(srow, ms):
    """The Sessions row with its login time (ms, or "-")."""
    return srow[:TIME_COL] + [ms if isinstance(ms, str) else f"{ms:.3f}"] + srow[TIME_COL:]


# Crafted captures have fixed timestamps: every cell is exact.
CRAFTED_ISID = "400001370000"
CRAFTED_PARAMS = ["None", "None", "262144", "65536", "262144", "65536", "0"]   # HeaderDigest .. ErrorRecoveryLevel
FAILED_PARAMS = ["-"] * 7   # those of a failed login


def crafted_ok(tsih, login, security=0.350, operational=0.550, text=None, logout=0.300, params=CRAFTED_PARAMS):
    """One successful Normal login of INIT1 to DISK1; each exchange's time in
    ms (None: the capture has no such exchange)."""
    stages = (("Security stage", security), ("Operational stage", operational), ("Text negotiation", text),
              ("Logout", logout))
    return {
        KINDS: [row("Normal login", [login])] + [row(k, [ms]) for k, ms in stages if ms is not None],
        PAIRS: [row(PAIR1, [login])],
        STATUS: [row(SUCCESS, [login])],
        SESSIONS: [timed(session(1, INIT1, DISK1, CRAFTED_ISID, tsih, "Normal", "Success", 1, params, 0), login)],
    }


def crafted_failed(num, status, ms):
    """The Sessions row of a failed login of INIT1 to DISK1."""
    return timed(session(num, INIT1, DISK1, CRAFTED_ISID, "-", "Normal", f"Failed {status}", 0, FAILED_PARAMS, 0), ms)


CRAFTED = {
    'crafted/cbit-split-key.pcap': crafted_ok("0x0013", 1.870, operational=1.520, text=0.900),
    'crafted/login-basic.pcap': crafted_ok("0x0012", 0.900),
    'crafted/login-failed-auth.pcap': {
        KINDS: [row("Normal login", [1.450], failures=1)],
        PAIRS: [row(PAIR1, [1.450], failures=1)],
        STATUS: [row(AUTH_FAILURE, [1.450], failures=1)],
        SESSIONS: [crafted_failed(1, "0x0201", 1.450)],
    },
    'crafted/mid-login-start.pcap': {
        KINDS: [row("Normal login", untimed=1), row("Operational stage", untimed=1), row("Logout", [0.300])],
        PAIRS: [row("(unknown) -> (unknown)", untimed=1)],
        STATUS: [row(SUCCESS, untimed=1)],
        SESSIONS: [timed(session(1, "-", "-", CRAFTED_ISID, "0x0017", "Unknown", "Incomplete", 1, CRAFTED_PARAMS, 0),
                         "-")],
    },
    'crafted/pdu-three-segments.pcap': crafted_ok("0x0015", 0.960, operational=0.610),
    'crafted/redirect.pcap': {
        KINDS: [row("Normal login", [0.350, 0.900], failures=1), row("Security stage", [0.350]),
                row("Operational stage", [0.550]), row("Logout", [0.300])],
        PAIRS: [row(PAIR1, [0.350, 0.900], failures=1)],
        STATUS: [row(SUCCESS, [0.900]), row("0x0101 Redirection: target moved temporarily", [0.350], failures=1)],
        SESSIONS: [crafted_failed(1, "0x0101", 0.350),
                   timed(session(2, INIT1, DISK1, CRAFTED_ISID, "0x0019", "Normal", "Success", 1, CRAFTED_PARAMS, 0),
                         0.900)],
    },
    'crafted/retransmission.pcap': crafted_ok("0x0016", 200.900, security=200.350),
    'crafted/second-connection.pcap': {
        KINDS: [row("Normal login", [0.900] * 2), row("Security stage", [0.350] * 2),
                row("Operational stage", [0.550] * 2), row("Logout", [0.300] * 2)],
        PAIRS: [row(PAIR1, [0.900] * 2)],
        STATUS: [row(SUCCESS, [0.900] * 2)],
        SESSIONS: [timed(session(1, INIT1, DISK1, CRAFTED_ISID, "0x0021", "Normal", "Success", 2, CRAFTED_PARAMS, 0),
                         0.900)],
    },
    'crafted/sendtargets-discovery.pcap': {
        KINDS: [row("Discovery login", [0.900]), row("Security stage", [0.350]), row("Operational stage", [0.550]),
                row("SendTargets", [0.900]), row("Logout", [0.300])],
        PAIRS: [row(INIT1 + " -> (discovery)", [0.900])],
        STATUS: [row(SUCCESS, [0.900])],
        # MaxBurstLength and FirstBurstLength are irrelevant in a Discovery
        # session (RFC 7143 §13.13, §13.14): "-", not their defaults
        SESSIONS: [timed(session(1, INIT1, "-", CRAFTED_ISID, "0x0018", "Discovery", "Success", 1,
                                 ["None", "None", "32768", "65536", "-", "-", "0"], 3), 0.900)],
    },
    # FirstBurstLength answered Irrelevant (InitialR2T=Yes, ImmediateData=No):
    # "-", never its default 65536
    'crafted/first-burst-irrelevant.pcap': crafted_ok("0x001a", 0.900, params=[*CRAFTED_PARAMS[:5], "-", "0"]),
    'crafted/two-pdus-one-segment.pcap': crafted_ok("0x0014", 0.900, text=0.400, logout=0.400),
}


# Real captures: every count, status, pair and session parameter is exact;
# times vary between recordings, so they are checked for presence and sense.
NORMAL_PARAMS = ["None", "None", "262144", "8192", "262144", "65536", "0"]   # libiscsi <-> tgt


def ok_session(num, init, target, isid, params=NORMAL_PARAMS, stype="Normal", targets=0, tsih="0x0100"):
    return session(num, init, target, isid, tsih, stype, "Success", 1, params, targets)


def simple_login(init, target, isid, kinds=("Normal login", "Operational stage", "Logout"), params=NORMAL_PARAMS):
    return {
        KINDS: {k: (1, 0, 0) for k in kinds},
        PAIRS: {f"{init} -> {target}": (1, 0, 0)},
        STATUS: {SUCCESS: (1, 0, 0)},
        SESSIONS: [ok_session(1, init, target, isid, params)],
    }


def failed_login(init, target, isid, status, label):
    return {
        KINDS: {"Normal login": (1, 1, 0)},
        PAIRS: {f"{init} -> {target}": (1, 1, 0)},
        STATUS: {label: (1, 1, 0)},
        SESSIONS: [session(1, init, target, isid, "-", "Normal", f"Failed {status}", 0, FAILED_PARAMS, 0)],
    }


def discovery(init, isid, kinds, targets, mrdsl_i="262144"):
    return {
        KINDS: {k: (1, 0, 0) for k in kinds},
        PAIRS: {f"{init} -> (discovery)": (1, 0, 0)},
        STATUS: {SUCCESS: (1, 0, 0)},
        # MaxBurstLength and FirstBurstLength are irrelevant in Discovery: "-"
        SESSIONS: [ok_session(1, init, "-", isid, ["None", "None", mrdsl_i, "8192", "-", "-", "0"],
                              stype="Discovery", targets=targets)],
    }


CHAP_KINDS = ("Normal login", "Security stage", "Operational stage", "Logout")
REAL = {
    "real/chap-bad-password.pcap": failed_login(R + "init-chap", R + "secure", "800000000401", "0x0201", AUTH_FAILURE),
    "real/chap-mutual.pcap": simple_login(R + "init-chap-mutual", R + "secure", "800000000501", CHAP_KINDS),
    "real/chap-ok.pcap": simple_login(R + "init-chap", R + "secure", "800000000301", CHAP_KINDS),
    "real/chap-required-no-credentials.pcap":
        failed_login(R + "init-nochap", R + "secure", "800000000601", "0x0201", AUTH_FAILURE),
    "real/discovery.pcap":
        discovery(R + "init-discovery", "800000000101", ("Discovery login", "Operational stage", "SendTargets", "Logout"), 3),
    "real/header-digest-crc32c.pcap":
        simple_login(R + "init-digest", R + "disk1", "800000000901", params=["CRC32C", *NORMAL_PARAMS[1:]]),
    "real/header-digest-offer-refused.pcap": simple_login(R + "init-digest", R + "disk1", "800000000a01"),
    "real/login-io-logout.pcap": simple_login(R + "init-io", R + "disk1", "800000000201"),
    "real/multi-session.pcap": {
        KINDS: {"Normal login": (4, 0, 0), "Operational stage": (4, 0, 0), "Logout": (4, 0, 0)},
        PAIRS: {f"{R}init-multi-{i} -> {R}disk{d}": (1, 0, 0) for i in "ab" for d in "12"},
        STATUS: {SUCCESS: (4, 0, 0)},
        SESSIONS: [ok_session(n, f"{R}init-multi-{i}", f"{R}disk{d}", f"80000000080{n}", tsih=f"0x0{n}00")
                   for n, (i, d) in enumerate((("a", 1), ("a", 2), ("b", 1), ("b", 2)), 1)],
    },
    "real/sendtargets-large-single-pdu.pcap":
        discovery(R + "init-discovery", "800000000c01", ("Discovery login", "Operational stage", "SendTargets", "Logout"), 300),
    "real/sendtargets-large.pcap":
        discovery(R + "init-raw-discovery", "800000000b01",
                  ("Discovery login", "Security stage", "Operational stage", "SendTargets", "Logout"), 300, mrdsl_i="8192"),
    "real/unknown-target.pcap":
        failed_login(R + "init-unknown", R + "no-such-disk", "800000000701", "0x0203", "0x0203 Initiator error: target not found"),
}
KIND_ORDER = ["Discovery login", "Normal login", "Security stage", "Operational stage", "SendTargets",
              "Text negotiation", "Logout"]
ALL_CAPTURES = sorted(CRAFTED) + sorted(REAL)


def check_times(row):
    """Min/Max/Avg/Total of a row: present, > 0 and consistent, or absent when nothing was timed."""
    count, untimed = int(row[1]), int(row[3])
    if count == untimed:
        assert len(row) == 4, f"untimed row has times: {row}"
        return
    mn, mx, avg, total = (float(x) for x in row[4:8])
    assert 0 < mn <= avg <= mx, row
    assert abs(total - avg * (count - untimed)) < 0.002 * (count - untimed), row


# ---- every capture --------------------------------------------------------------

@pytest.mark.parametrize("capture", sorted(CRAFTED))
def test_crafted_login_tables_exact(tshark, capture):
    st = login_tables(tshark, capture)
    assert st["columns"] == LOGIN_COLUMNS
    assert st["filter"] == ""
    assert list(st["tables"]) == [KINDS, PAIRS, STATUS]
    for title in (KINDS, PAIRS, STATUS):
        assert st["tables"][title] == CRAFTED[capture][title], title


@pytest.mark.parametrize("capture", sorted(CRAFTED))
def test_crafted_sessions_exact(tshark, capture):
    st = stats_of(tshark, capture, "iscsi,sessions")[SESSIONS_TITLE]
    assert st["columns"] == SESSION_COLUMNS
    assert list(st["tables"]) == [SESSIONS]
    assert st["tables"][SESSIONS] == CRAFTED[capture][SESSIONS]


@pytest.mark.parametrize("capture", sorted(REAL))
def test_real_login_tables(tshark, capture):
    st = login_tables(tshark, capture)
    exp = REAL[capture]
    assert st["columns"] == LOGIN_COLUMNS
    assert list(st["tables"]) == [KINDS, PAIRS, STATUS]
    assert counts(st["tables"][KINDS]) == exp[KINDS]
    assert counts(st["tables"][PAIRS]) == exp[PAIRS]
    assert counts(st["tables"][STATUS]) == exp[STATUS]
    for title in (KINDS, PAIRS, STATUS):
        for row in st["tables"][title]:
            check_times(row)


@pytest.mark.parametrize("capture", sorted(REAL))
def test_real_sessions(tshark, capture):
    rows = session_rows(tshark, capture)
    assert [r[:TIME_COL] + r[TIME_COL + 1:] for r in rows] == REAL[capture][SESSIONS]
    for r in rows:
        assert float(r[TIME_COL]) > 0, r


@pytest.mark.parametrize("capture", ALL_CAPTURES)
def test_exchange_rows_in_kind_order(tshark, capture):
    labels = [r[0] for r in login_tables(tshark, capture)["tables"][KINDS]]
    assert labels == sorted(labels, key=KIND_ORDER.index)


@pytest.mark.parametrize("capture", ALL_CAPTURES)
def test_each_login_counted_once_in_every_table(tshark, capture):
    """Pairs and statuses split the same logins that the Exchanges table counts,
    and the session inventory's connections are its successful logins."""
    st = login_tables(tshark, capture)["tables"]
    kinds = counts(st[KINDS])
    logins = [kinds.get(k, (0, 0, 0)) for k in ("Discovery login", "Normal login")]
    total = tuple(map(sum, zip(*logins)))
    assert tuple(map(sum, zip(*counts(st[PAIRS]).values()))) == total
    assert tuple(map(sum, zip(*counts(st[STATUS]).values()))) == total
    rows = session_rows(tshark, capture)
    assert sum(int(r[SESSION_COLUMNS.index("Connections")]) for r in rows) == total[0] - total[1]


@pytest.mark.parametrize("capture", ALL_CAPTURES)
def test_sessions_in_number_order_and_complete(tshark, capture):
    rows = session_rows(tshark, capture)
    numbers = [int(r[0]) for r in rows]
    seen = set()
    for row in tshark.fields(capture, ["iscsi_login.session"], display_filter="iscsi_login.session"):
        seen.update(int(x) for x in row["iscsi_login.session"].replace("|", ",").split(",") if x)
    assert numbers == sorted(seen)


@pytest.mark.parametrize("capture", ALL_CAPTURES)
def test_one_pass_and_two_pass_print_the_same(tshark, capture):
    one = stat_run(tshark, capture, "iscsi,login", "iscsi,sessions").stdout
    two = stat_run(tshark, capture, "iscsi,login", "iscsi,sessions", two_pass=True).stdout
    assert one == two
    assert LOGIN_TITLE in one and SESSIONS_TITLE in one


# ---- layout -------------------------------------------------------------------------

def test_login_table_layout(tshark):
    """Header and rows line up; a row with nothing timed stops after Untimed."""
    out = stat_run(tshark, "crafted/mid-login-start.pcap", "iscsi,login").stdout
    lines = out.splitlines()
    i = lines.index(f"{LOGIN_TITLE}:")
    assert lines[i + 1] == "Filter for statistics: "
    assert lines[i + 2] == ("Exchange" + " " * 41 + "|Count |Failures |Untimed |Min (ms) |Max (ms) |Avg (ms) |Total (ms) |")
    assert lines[i + 3:i + 12] == [
        "Exchanges",
        "Normal login                                     |    1 |       0 |      1 |",
        "Operational stage                                |    1 |       0 |      1 |",
        "Logout                                           |    1 |       0 |      0 |   0.300 |   0.300 |   0.300 |     0.300 |",
        "Logins by initiator -> target",
        "(unknown) -> (unknown)                           |    1 |       0 |      1 |",
        "Logins by status",
        "0x0000 Success                                   |    1 |       0 |      1 |",
        "=" * 101,
    ]


def test_sessions_table_layout(tshark):
    out = stat_run(tshark, "crafted/redirect.pcap", "iscsi,sessions").stdout
    lines = out.splitlines()
    i = lines.index(f"{SESSIONS_TITLE}:")
    header, rows = lines[i + 2], lines[i + 4:i + 6]
    assert lines[i + 3] == SESSIONS
    assert [len(c) for c in header.split("|")] == [len(c) for c in rows[0].split("|")] == \
        [len(c) for c in rows[1].split("|")]
    assert rows[0].startswith(f"      1 |{INIT1:<44} |{DISK1:<44} |400001370000 |-      |Normal    |Failed 0x0101   |")


def test_help_lists_both_statistics(tshark):
    err = tshark.run("-z", "help", check=False).stderr
    assert "     iscsi,login\n" in err
    assert "     iscsi,sessions\n" in err


# ---- display filters ------------------------------------------------------------

def test_login_filter_selects_one_session(tshark):
    st = login_tables(tshark, "real/multi-session.pcap", "iscsi_login.session==2")
    full = login_tables(tshark, "real/multi-session.pcap")
    assert st["filter"] == "iscsi_login.session==2"
    assert counts(st["tables"][KINDS]) == {"Normal login": (1, 0, 0), "Operational stage": (1, 0, 0), "Logout": (1, 0, 0)}
    pair = f"{R}init-multi-a -> {R}disk2"
    assert st["tables"][PAIRS] == [r for r in full["tables"][PAIRS] if r[0] == pair]
    assert st["tables"][STATUS] == [[SUCCESS] + st["tables"][PAIRS][0][1:]]


def test_login_filter_with_commas(tshark):
    """Everything after "iscsi,login," is the filter, commas included."""
    st = login_tables(tshark, "real/multi-session.pcap", "iscsi_login.session in {1,3}")
    assert st["filter"] == "iscsi_login.session in {1,3}"
    assert counts(st["tables"][KINDS]) == {"Normal login": (2, 0, 0), "Operational stage": (2, 0, 0), "Logout": (2, 0, 0)}
    assert sorted(counts(st["tables"][PAIRS])) == [f"{R}init-multi-a -> {R}disk1", f"{R}init-multi-b -> {R}disk1"]


def test_login_filter_on_frames_counts_their_exchanges(tshark):
    """Exchanges are counted in the frame that ends them: here the Logout Responses."""
    st = login_tables(tshark, "real/multi-session.pcap", "iscsi.opcode == 0x26", two_pass=True)
    assert counts(st["tables"][KINDS]) == {"Logout": (4, 0, 0)}
    assert st["tables"][PAIRS] == [] and st["tables"][STATUS] == []


def test_sessions_filter(tshark):
    full = session_rows(tshark, "real/multi-session.pcap")
    assert session_rows(tshark, "real/multi-session.pcap", "iscsi_login.session>=3") == full[2:]
    assert session_rows(tshark, "crafted/redirect.pcap", "iscsi_login.login.status == 0x0101") == \
        session_rows(tshark, "crafted/redirect.pcap")[:1]


def test_filter_matching_nothing_prints_empty_tables(tshark):
    st = login_tables(tshark, "real/multi-session.pcap", "iscsi_login.session==99")
    assert st["tables"] == {KINDS: [], PAIRS: [], STATUS: []}
    assert session_rows(tshark, "real/multi-session.pcap", "iscsi_login.session==99") == []


@pytest.mark.parametrize("two_pass", [False, True])
def test_two_statistics_with_their_own_filters(tshark, two_pass):
    out = stats_of(tshark, "real/multi-session.pcap", "iscsi,login,iscsi_login.session==1",
                   "iscsi,sessions,iscsi_login.session==4", two_pass=two_pass)
    assert counts(out[LOGIN_TITLE]["tables"][PAIRS]) == {f"{R}init-multi-a -> {R}disk1": (1, 0, 0)}
    assert [r[0] for r in out[SESSIONS_TITLE]["tables"][SESSIONS]] == ["4"]


# ---- captures without iSCSI ---------------------------------------------------------

def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, frame in enumerate(frames):
            f.write(struct.pack("<IIII", 1_700_000_000 + i, 0, len(frame), len(frame)))
            f.write(frame)
    path.chmod(0o644)
    return str(path)


def udp_frame():
    payload = b"not iSCSI"
    udp = struct.pack(">HHHH", 40000, 53, 8 + len(payload), 0) + payload
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    return b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00" + ip + udp


@pytest.mark.parametrize("frames", [[], [udp_frame()]], ids=["no-packets", "udp-only"])
@pytest.mark.parametrize("two_pass", [False, True])
def test_capture_without_iscsi_prints_empty_tables(tshark, frames, two_pass):
    cap = write_pcap(tshark.workdir / f"no-iscsi-{len(frames)}.pcap", frames)
    p = stat_run(tshark, cap, "iscsi,login", "iscsi,sessions", two_pass=two_pass)
    assert p.returncode == 0
    out = parse_stat_tables(p.stdout)
    assert out[LOGIN_TITLE]["columns"] == LOGIN_COLUMNS
    assert out[LOGIN_TITLE]["tables"] == {KINDS: [], PAIRS: [], STATUS: []}
    assert out[SESSIONS_TITLE]["columns"] == SESSION_COLUMNS
    assert out[SESSIONS_TITLE]["tables"] == {SESSIONS: []}


# ---- bad arguments --------------------------------------------------------------------

@pytest.mark.parametrize("arg,cli", [("iscsi,loginx", "iscsi,login"), ("iscsi,login-stats", "iscsi,login"),
                                     ("iscsi,sessionsfoo", "iscsi,sessions"), ("iscsi,sessions;x", "iscsi,sessions")])
def test_trailing_garbage_is_rejected(tshark, arg, cli):
    p = stat_run(tshark, "real/discovery.pcap", arg, check=False)
    assert p.returncode != 0
    assert f'invalid -z argument "{arg}": use -z {cli} or -z {cli},<display filter>' in p.stderr
    assert "Statistics" not in p.stdout


@pytest.mark.parametrize("z", ["iscsi,login,iscsi_login.session ==", "iscsi,sessions,no_such_field == 1"])
def test_bad_filter_is_rejected(tshark, z):
    p = stat_run(tshark, "real/discovery.pcap", z, check=False)
    assert p.returncode != 0
    assert "Couldn't register tap" in p.stderr and "is invalid" in p.stderr


def test_unknown_iscsi_statistic_lists_ours(tshark):
    p = stat_run(tshark, "real/discovery.pcap", "iscsi,logins-per-hour,x", check=False)
    assert p.returncode != 0
    p = stat_run(tshark, "real/discovery.pcap", "iscsi", check=False)
    assert p.returncode != 0
    assert "iscsi,login" in p.stderr and "iscsi,sessions" in p.stderr


def test_empty_filter_means_no_filter(tshark):
    assert login_tables(tshark, "real/multi-session.pcap", "")["tables"] == \
        parse_stat_tables(stat_run(tshark, "real/multi-session.pcap", "iscsi,login,").stdout)[LOGIN_TITLE]["tables"]
