#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Drive Wireshark's Qt GUI through the accessibility bus (AT-SPI) and report
what its statistics dialogs show.

Run by tests/test_gui.py inside `dbus-run-session`, under Xvfb, as the user
that owns the plugin copy.  It starts `wireshark -r CAPTURE -z iscsi,login`,
then:

  1. reads the iscsi,login dialog that -z opened (every cell's text, as Qt
     shows it);
  2. lists the Statistics menu and its Service Response Time submenu;
  3. opens "iSCSI Sessions" from the Statistics menu and reads that dialog;
  4. types a display filter into the login dialog, presses Apply (a retap)
     and reads it again, then clears the filter and retaps once more;
  5. opens "iSCSI Login Statistics" from Service Response Time (a second
     dialog sharing the first one's tables) and reads it;
  6. opens Statistics > Flow Graph, picks the flow type "iSCSI Login
     Flows" (the login ladder) and reads the dialog's item count;
  7. takes screenshots, closes the dialogs and checks that Wireshark is
     still running;
  8. with --frame, expands the iSCSI Login Analysis subtree of that frame
     (Wireshark was started at it with -g) and takes a screenshot of it.

It writes one JSON document (see `main`) and compares nothing itself.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import pyatspi
from gi.repository import Gio, GLib

LOGIN_TITLE = "iSCSI Login Statistics"
SESSIONS_TITLE = "iSCSI Sessions"
CTX = GLib.MainContext.default()


def pump(seconds):
    """Let libatspi process bus signals (new applications, windows)."""
    end = time.monotonic() + seconds
    while True:
        while CTX.pending():
            CTX.iteration(False)
        if time.monotonic() >= end:
            return
        time.sleep(0.05)


def publish_a11y_bus():
    """Start the accessibility bus and publish its address on the X root window.

    Qt 5 also finds the bus through the session bus (org.a11y.Bus), but under
    Xvfb without a desktop that path loses a race often enough (Qt's bridge
    never enables, or logs "Not connected to D-Bus server"); the AT_SPI_BUS
    property, which at-spi-bus-launcher only sets on a real desktop, is read
    synchronously when QApplication starts."""
    pyatspi.Registry.getDesktop(0)
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    reply = bus.call_sync("org.a11y.Bus", "/org/a11y/bus", "org.a11y.Bus", "GetAddress", None,
                          GLib.VariantType("(s)"), Gio.DBusCallFlags.NONE, 10000, None)
    address = reply.unpack()[0]
    subprocess.run(["xprop", "-root", "-f", "AT_SPI_BUS", "8s", "-set", "AT_SPI_BUS", address], check=True)
    pump(0.5)
    return address


def wait_for(what, fn, timeout):
    end = time.monotonic() + timeout
    while True:
        try:
            v = fn()
        except Exception:   # objects vanish while Qt rebuilds them
            v = None
        if v:
            return v
        if time.monotonic() >= end:
            raise SystemExit(f"timed out after {timeout}s waiting for {what}")
        pump(0.25)


def children(acc):
    return [c for c in acc if c is not None] if acc is not None else []


def find(acc, pred, depth=0, maxdepth=25):
    """First descendant (depth first) for which pred is true."""
    if acc is None or depth > maxdepth:
        return None
    for c in children(acc):
        try:
            if pred(c):
                return c
        except Exception:
            continue
        if c.getRoleName() in ("tree", "tree table", "table"):
            continue   # cells: never what we look for, and many
        r = find(c, pred, depth + 1, maxdepth)
        if r is not None:
            return r
    return None


def wireshark_app(pid):
    def look():
        for a in children(pyatspi.Registry.getDesktop(0)):
            try:
                if a.get_process_id() == pid:
                    return a
            except Exception:
                continue
        return None
    return look


def window(app, title):
    for w in children(app):
        if title in (w.name or ""):
            return w
    return None


def read_table(dialog):
    """Header texts and every row's cell texts, in the order Qt shows them."""
    tree = find(dialog, lambda c: c.getRoleName() in ("tree", "tree table", "table"))
    if tree is None:
        return None
    t = tree.queryTable()
    headers = [t.getColumnDescription(c) for c in range(t.nColumns)]
    rows = [[t.getAccessibleAt(r, c).name for c in range(t.nColumns)] for r in range(t.nRows)]
    return {"headers": headers, "rows": rows}


def read_stable(app, title, min_rows=1, timeout=60):
    """The dialog's table once it has stopped changing (a retap draws as it goes)."""
    last, since = None, time.monotonic()
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        pump(0.3)
        try:
            w = window(app, title)
            cur = read_table(w) if w is not None else None
        except Exception:
            cur = None
        if cur != last:
            last, since = cur, time.monotonic()
        elif cur is not None and len(cur["rows"]) >= min_rows and time.monotonic() - since >= 1.5:
            return cur
    raise SystemExit(f"the {title!r} dialog did not settle within {timeout}s (last read: {last})")


def menu_items(menu_item):
    """Names of the items in the popup of a menu bar entry or submenu item."""
    popup = children(menu_item)
    return [c for p in popup for c in children(p)]


def press(acc):
    a = acc.queryAction()
    for i in range(a.nActions):
        if a.getName(i).lower() in ("press", "click", "activate", "toggle"):
            return a.doAction(i)
    return a.doAction(0)


def column_extents(dialog):
    """Where each column of the dialog's table is, relative to the table's
    visible area: [(title, left, width)], and the area's width."""
    tree = find(dialog, lambda c: c.getRoleName() in ("tree", "tree table", "table"))
    t = tree.queryTable()
    tx, _, tw, _ = tree.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
    cols = []
    for c in range(t.nColumns):
        h = t.getColumnHeader(c)
        x, _, w, _ = h.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
        cols.append((t.getColumnDescription(c), x - tx, w))
    return {"columns": cols, "width": tw}


def x_window_ids(title):
    p = subprocess.run(["xdotool", "search", "--name", title], capture_output=True, text=True)
    return p.stdout.split()


def place(title, geometry):
    for wid in x_window_ids(title):
        subprocess.run(["xdotool", "windowsize", wid, str(geometry[2]), str(geometry[3]),
                        "windowmove", wid, str(geometry[0]), str(geometry[1])], check=False)
    pump(1.5)


def scroll_home(win):
    """Every scroll bar of the window to its start (a dialog first drawn
    narrow may keep its table scrolled a few pixels to the right)."""
    def walk(acc, depth=0):
        for c in children(acc):
            try:
                if c.getRoleName() == "scroll bar":
                    v = c.queryValue()
                    v.currentValue = v.minimumValue
                elif depth < 12:
                    walk(c, depth + 1)
            except Exception:
                continue
    if win is not None:
        walk(win)
        pump(0.5)


def screenshot(path, title=None, geometry=None, win=None):
    """The window (title) placed at geometry, cropped to it: a picture for the docs."""
    if title and geometry:
        place(title, geometry)
        scroll_home(win)
        subprocess.run(["import", "-window", "root", "-crop", "%dx%d+%d+%d" % (geometry[2], geometry[3], geometry[0], geometry[1]),
                        "+repage", path], check=True)
    else:
        subprocess.run(["import", "-window", "root", path], check=True)


def click(acc):
    x, y, w, h = acc.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
    subprocess.run(["xdotool", "mousemove", "--sync", str(x + min(w // 2, 60)), str(y + h // 2), "click", "1"], check=False)
    pump(0.5)


def packet_tree(app, frame, shot, res, timeout):
    """The packet details of the frame Wireshark was started at (-g), with the
    iSCSI Login Analysis subtree expanded (View > Expand Subtrees): a picture
    for the docs, and the subtree's rows as Qt shows them."""
    geometry = (10, 10, 1100, 860)
    place(frame.name, geometry)

    def details():
        trees = []

        def walk(acc, depth=0):
            for c in children(acc):
                if c.getRoleName() in ("tree", "tree table"):
                    trees.append(c)
                elif depth < 25:
                    walk(c, depth + 1)
        walk(frame)
        for t in trees:
            for i in range(t.childCount):
                c = t.getChildAtIndex(i)
                if c is not None and "iSCSI Login Analysis" in (c.name or ""):
                    return t, c
        return None
    view = next(c for c in children(find(frame, lambda c: c.getRoleName() == "menu bar")) if c.name == "View")

    def view_action(name):
        item = next((c for c in menu_items(view) if c.name == name), None)
        if item is not None:
            press(item)
            pump(1.0)
    # The packet details alone: hide the packet list and the bytes.
    view_action("Packet List")
    view_action("Packet Bytes")
    tree, row = wait_for("the iSCSI Login Analysis row of the packet details", details, timeout)
    click(row)
    view_action("Expand Subtrees")
    # The keys as sent are long; the negotiated parameters tell the story.
    keys = next((c for c in (tree.getChildAtIndex(i) for i in range(tree.childCount))
                 if c is not None and (c.name or "").lstrip("[").startswith("Keys (")), None)
    if keys is not None:
        click(keys)
        view_action("Collapse Subtrees")
    pump(1.0)
    res["tree_rows"] = [c.name for c in (tree.getChildAtIndex(i) for i in range(tree.childCount))
                        if c is not None and c.name][:200]
    x, y, w, h = tree.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
    subprocess.run(["import", "-window", "root", "-crop", "%dx%d+%d+%d" % (w, h, x, y), "+repage", shot], check=True)
    return shot


FLOW_TYPE = "iSCSI Login Flows"


def select_combo_item(combo, name):
    """Pick an entry of a Qt combo box.  Qt's accessible combo box offers no
    selection interface and its items only a Toggle that selects nothing, and
    under Xvfb without a window manager keys reach no closed combo box: click
    it open, then step down to the entry and press Return in its popup."""
    names = [i.name for i in menu_items(combo)]
    x, y, w, h = combo.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
    subprocess.run(["xdotool", "mousemove", "--sync", str(x + w // 2), str(y + h // 2), "click", "1"], check=False)
    pump(1.0)
    subprocess.run(["xdotool", "key", "--delay", "100", "Home"] + ["Down"] * names.index(name) + ["Return"], check=False)
    pump(1.0)
    return combo.name == name


def flow_graph(app, stat_items, shot, res, timeout):
    """Statistics > Flow Graph, flow type iSCSI Login Flows: the items Qt lists
    as flow types, the dialog's "N node(s), M item(s)" line, a screenshot."""
    item = next((c for c in stat_items if c.name == "Flow Graph"), None)
    if item is None:
        return None
    press(item)
    win = wait_for("the Flow Graph dialog", lambda: next((w for w in children(app) if " Flow " in (w.name or "")), None),
                   timeout)
    combo = wait_for("the Flow type list", lambda: find(win, lambda c: c.getRoleName() == "combo box"
                                                        and FLOW_TYPE in [i.name for i in menu_items(c)]), timeout)
    types = [i.name for i in menu_items(combo)]
    res["flow_types"] = types
    select_combo_item(combo, FLOW_TYPE)

    def settled_count():
        lbl = find(win, lambda c: c.getRoleName() == "label" and "item(s)" in (c.name or ""))
        return lbl.name.strip() if lbl is not None and combo.name == FLOW_TYPE else None
    last, since, end = None, time.monotonic(), time.monotonic() + timeout
    while time.monotonic() < end:
        pump(0.3)
        cur = settled_count()
        if cur != last:
            last, since = cur, time.monotonic()
        elif cur and time.monotonic() - since >= 1.5:
            break
    res["flow_selected"] = combo.name
    res["flow_count"] = last
    # The dialog alone (the screen is mostly empty): the picture in the docs.
    geometry = (10, 10, 1400, 480)
    for wid in x_window_ids(win.name):
        subprocess.run(["xdotool", "windowsize", wid, str(geometry[2]), str(geometry[3]),
                        "windowmove", wid, str(geometry[0]), str(geometry[1])], check=False)
    pump(1.5)
    subprocess.run(["import", "-window", "root", "-crop", "%dx%d+%d+%d" % (geometry[2], geometry[3], geometry[0], geometry[1]),
                    "+repage", shot], check=True)
    btn = find(win, lambda c: c.getRoleName() == "push button" and c.name == "Close")
    if btn is not None:
        press(btn)
        pump(0.5)
    return shot


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--capture", required=True)
    ap.add_argument("--out", required=True, help="JSON result file")
    ap.add_argument("--shots", required=True, help="screenshot file prefix")
    ap.add_argument("--filter", default="iscsi_login.session==2")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--frame", type=int, default=0, help="frame whose packet details to show (0: none)")
    args = ap.parse_args()

    res = {"capture": args.capture, "filter": args.filter, "screenshots": []}
    res["a11y_bus"] = publish_a11y_bus()
    log = open(args.out + ".wireshark.log", "w")
    ws_env = dict(os.environ)
    if os.environ.get("GUI_WIRESHARK_PRELOAD"):   # sanitizer runtime, for Wireshark only
        ws_env["LD_PRELOAD"] = os.environ["GUI_WIRESHARK_PRELOAD"]
    goto = ["-g", str(args.frame)] if args.frame else []
    ws = subprocess.Popen(["wireshark", "-r", args.capture, *goto, "-z", "iscsi,login"], stdout=log,
                          stderr=subprocess.STDOUT, env=ws_env)
    try:
        app = wait_for("Wireshark on the accessibility bus", wireshark_app(ws.pid), args.timeout)
        wait_for(f"the {LOGIN_TITLE} dialog opened by -z", lambda: window(app, LOGIN_TITLE), args.timeout)
        res["login_z"] = read_stable(app, LOGIN_TITLE, timeout=args.timeout)
        # As the dialog opens (Wireshark's size, not the plugin's), then widened.
        res["login_columns_opened"] = column_extents(window(app, LOGIN_TITLE))
        shot = args.shots + "-login.png"
        screenshot(shot, LOGIN_TITLE, (10, 380, 1560, 400), window(app, LOGIN_TITLE))
        res["login_columns"] = column_extents(window(app, LOGIN_TITLE))
        res["screenshots"].append(shot)

        frame = wait_for("the main window", lambda: next((w for w in children(app) if w.getRoleName() == "frame"), None),
                         args.timeout)
        menubar = find(frame, lambda c: c.getRoleName() == "menu bar")
        stats = next(c for c in children(menubar) if c.name == "Statistics")
        stat_items = menu_items(stats)
        res["statistics_menu"] = [c.name for c in stat_items]
        srt = next((c for c in stat_items if c.name == "Service Response Time"), None)
        srt_items = menu_items(srt) if srt is not None else []
        res["srt_menu"] = [c.name for c in srt_items]

        sess_item = next((c for c in stat_items if c.name == SESSIONS_TITLE), None)
        if sess_item is not None:
            press(sess_item)
            wait_for(f"the {SESSIONS_TITLE} dialog opened from the menu", lambda: window(app, SESSIONS_TITLE), args.timeout)
            res["sessions_menu"] = read_stable(app, SESSIONS_TITLE, timeout=args.timeout)
            res["sessions_columns_opened"] = column_extents(window(app, SESSIONS_TITLE))
            shot = args.shots + "-sessions.png"
            screenshot(shot, SESSIONS_TITLE, (10, 560, 2530, 260), window(app, SESSIONS_TITLE))
            res["sessions_columns"] = column_extents(window(app, SESSIONS_TITLE))
            res["screenshots"].append(shot)

        # Retap with a display filter typed into the dialog, then without.
        dlg = window(app, LOGIN_TITLE)
        entry = find(dlg, lambda c: c.getRoleName() == "text")
        apply_btn = find(dlg, lambda c: c.getRoleName() == "push button" and c.name == "Apply")
        for key, flt in (("login_filtered", args.filter), ("login_unfiltered", "")):
            entry.queryEditableText().setTextContents(flt)
            pump(0.5)
            press(apply_btn)
            pump(1.0)
            res[key] = read_stable(app, LOGIN_TITLE, timeout=args.timeout)
            res[key + "_entry"] = entry.queryText().getText(0, -1)

        # A second dialog of the same statistic, from the menu: the two share tables.
        login_item = next((c for c in srt_items if c.name == LOGIN_TITLE), None)
        if login_item is not None:
            before = len([w for w in children(app) if LOGIN_TITLE in (w.name or "")])
            press(login_item)
            wait_for("a second login dialog",
                     lambda: len([w for w in children(app) if LOGIN_TITLE in (w.name or "")]) > before, args.timeout)
            wins = [w for w in children(app) if LOGIN_TITLE in (w.name or "")]
            pump(1.0)
            second = None
            end = time.monotonic() + args.timeout
            last, since = None, time.monotonic()
            while time.monotonic() < end:
                pump(0.3)
                wins = [w for w in children(app) if LOGIN_TITLE in (w.name or "")]
                cur = read_table(wins[-1])
                if cur != last:
                    last, since = cur, time.monotonic()
                elif cur and cur["rows"] and time.monotonic() - since >= 1.5:
                    second = cur
                    break
            res["login_menu"] = second

        # The login ladder: Flow Graph with the flow type iSCSI Login Flows.
        shot = flow_graph(app, stat_items, args.shots + "-flow.png", res, args.timeout)
        if shot:
            res["screenshots"].append(shot)

        # Close every statistics dialog (frees the shared tables), then make sure
        # Wireshark survived it.
        for w in children(app):
            if LOGIN_TITLE in (w.name or "") or SESSIONS_TITLE in (w.name or ""):
                btn = find(w, lambda c: c.getRoleName() == "push button" and c.name == "Close")
                if btn is not None:
                    press(btn)
                    pump(0.5)

        # The packet details of the frame given with --frame.
        if args.frame:
            res["screenshots"].append(packet_tree(app, frame, args.shots + "-tree.png", res, args.timeout))
        pump(2.0)
        res["alive_after_close"] = ws.poll() is None
        res["dialogs_left"] = [w.name for w in children(app) if "iSCSI" in (w.name or "")]
    finally:
        ws.terminate()
        try:
            ws.wait(20)
        except subprocess.TimeoutExpired:
            ws.kill()
            ws.wait()
        log.close()
        subprocess.run(["xprop", "-root", "-remove", "AT_SPI_BUS"], check=False)
        with open(args.out, "w") as f:
            json.dump(res, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
