#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Opens an html report in a real headless Chromium and checks it.

    report-browser.py REPORT.html NAMES.json SCREENSHOT.png [--first N]

Drives Chromium over the DevTools protocol (python3-websocket): enables
Runtime, Log and Page, loads the report from file://, and records console
errors, exceptions, log entries (CSP violations among them) and any
JavaScript dialog (alert).  Then, through the DOM: every name in
NAMES.json (display forms) is in document.body.innerText; no element
carries an on* attribute; no <img>; only the report's own two scripts;
the file table's filter and sort work.  Saves a screenshot.  Prints TAP
lines numbered from --first, without a plan; exits 1 if any failed.
Every wait is bounded.
"""

import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket

DEADLINE = 90                   # seconds for the whole run


class Tap:
    def __init__(self, first):
        self.n = first - 1
        self.failed = 0

    def ok(self, cond, what, diag=None):
        self.n += 1
        print("%sok %d - %s" % ("" if cond else "not ", self.n, what))
        if not cond:
            self.failed += 1
            if diag is not None:
                for line in str(diag)[:3000].splitlines():
                    print("#   " + line)
        sys.stdout.flush()
        return cond


class Browser:
    def __init__(self, chromium):
        self.profile = tempfile.mkdtemp(prefix="vmscan-chromium-")
        self.start = time.monotonic()
        # --no-sandbox only because the test suite runs as root.
        argv = [chromium, "--headless=new", "--disable-gpu",
                "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking",
                "--disable-sync", "--disable-dev-shm-usage",
                "--remote-debugging-port=0", "--remote-allow-origins=*",
                "--user-data-dir=" + self.profile,
                "--window-size=1280,1600", "about:blank"]
        if os.geteuid() == 0:
            argv.insert(1, "--no-sandbox")
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        while not os.path.exists(port_file) or \
                not open(port_file).read().strip():
            self.check_time("chromium did not start")
            if self.proc.poll() is not None:
                raise RuntimeError("chromium exited with %d"
                                   % self.proc.returncode)
            time.sleep(0.1)
        port = open(port_file).read().split()[0]
        targets = []
        while not any(t["type"] == "page" for t in targets):
            self.check_time("no page target")
            with urllib.request.urlopen("http://127.0.0.1:%s/json/list"
                                        % port, timeout=10) as r:
                targets = json.load(r)
            time.sleep(0.1)
        url = [t for t in targets if t["type"] == "page"][0][
            "webSocketDebuggerUrl"]
        self.ws = websocket.create_connection(url, timeout=10,
                                              suppress_origin=True)
        self.next_id = 0
        self.events = []

    def check_time(self, what):
        if time.monotonic() - self.start > DEADLINE:
            raise TimeoutError(what)

    def send(self, method, **params):
        self.next_id += 1
        mid = self.next_id
        self.ws.send(json.dumps({"id": mid, "method": method,
                                 "params": params}))
        while True:
            self.check_time("no answer to " + method)
            msg = json.loads(self.ws.recv())
            if msg.get("id") == mid:
                if "error" in msg:
                    raise RuntimeError("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})
            self.event(msg)

    def event(self, msg):
        if "method" not in msg:
            return
        self.events.append(msg)
        if msg["method"] == "Page.javascriptDialogOpening":
            # Dismiss it so the page goes on; the test fails on it.
            self.ws.send(json.dumps({"id": 0, "method":
                                     "Page.handleJavaScriptDialog",
                                     "params": {"accept": False}}))

    def wait_event(self, method, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if any(e["method"] == method for e in self.events):
                return True
            self.ws.settimeout(max(0.1, end - time.monotonic()))
            try:
                self.event(json.loads(self.ws.recv()))
            except websocket.WebSocketTimeoutException:
                break
            finally:
                self.ws.settimeout(10)
        return any(e["method"] == method for e in self.events)

    def eval(self, expr):
        r = self.send("Runtime.evaluate", expression=expr,
                      returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError("evaluate %s: %s" % (expr[:60],
                                                    r["exceptionDetails"]))
        return r["result"].get("value")

    def close(self):
        try:
            self.ws.close()
        except Exception:
            pass
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


def problems(events):
    out = []
    for e in events:
        m, p = e["method"], e.get("params", {})
        if m == "Runtime.exceptionThrown":
            out.append("exception: %s" % p["exceptionDetails"].get("text"))
        elif m == "Runtime.consoleAPICalled" and p.get("type") in (
                "error", "warning", "assert"):
            out.append("console %s: %s" % (p["type"], [
                a.get("value", a.get("description")) for a in p["args"]]))
        elif m == "Log.entryAdded" and p["entry"]["level"] in ("error",
                                                              "warning"):
            out.append("log %s: %s" % (p["entry"]["level"],
                                       p["entry"]["text"]))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("report")
    ap.add_argument("names")
    ap.add_argument("screenshot")
    ap.add_argument("--first", type=int, default=1)
    ap.add_argument("--chromium", default="chromium")
    ap.add_argument("--unique", help="a filter token exactly one row holds")
    args = ap.parse_args()
    tap = Tap(args.first)
    names = json.load(open(args.names))
    b = None
    try:
        b = Browser(args.chromium)
        b.send("Runtime.enable")
        b.send("Log.enable")
        b.send("Page.enable")
        b.send("Emulation.setDeviceMetricsOverride", width=1280,
               height=1600, deviceScaleFactor=1, mobile=False)
        b.send("Page.navigate",
               url="file://" + os.path.abspath(args.report))
        tap.ok(b.wait_event("Page.loadEventFired", 30),
               "html: the page loads in headless Chromium")
        b.wait_event("never", 1.0)      # let late events arrive
        dialogs = [e for e in b.events
                   if e["method"] == "Page.javascriptDialogOpening"]
        tap.ok(not dialogs, "html: no JavaScript dialog opened (no alert "
               "from a name)", [d["params"].get("message") for d in dialogs])
        p = problems(b.events)
        tap.ok(not p, "html: no console error, exception or CSP violation",
               "\n".join(p))
        text = b.eval("document.body.innerText")
        missing = [n for n in names if n not in text]
        tap.ok(not missing, "html: all %d hostile names show as text"
               % len(names), missing)
        tap.ok(b.eval("document.querySelectorAll('script').length") == 2
               and b.eval("document.images.length") == 0
               and not b.eval("Array.from(document.querySelectorAll('*'))"
                              ".some(e => Array.from(e.attributes).some("
                              "a => a.name.toLowerCase().startsWith('on')))")
               and b.eval("typeof window.__pwned") == "undefined",
               "html: no injected element: 2 scripts (ours), no img, no on* "
               "attribute")
        total = b.eval("document.querySelectorAll('#files-body tr').length")
        tap.ok(total > 0 and b.eval("document.getElementById('files-js')"
                                    ".hidden") is False,
               "html: the script drew the file table (%s rows)" % total)
        # Filter: by the path of the last row drawn, every row left holds
        # it; with --unique, a token only one row holds leaves that row.
        def filt(token):
            return b.eval("(function(t){var f=document.getElementById("
                          "'files-filter');f.value=t;f.dispatchEvent("
                          "new Event('input'));return Array.from(document."
                          "querySelectorAll('#files-body tr')).map(r => r."
                          "textContent);})(%s)" % json.dumps(token))
        last = b.eval("(function(){var r=document.querySelectorAll("
                      "'#files-body tr');return r.length?r[r.length-1]."
                      "cells[0].textContent.split(' -> ')[0]:'';})()")
        rows = filt(last)
        tap.ok(rows and all(last.lower() in r.lower() for r in rows),
               "html: filtering by %r keeps only rows that hold it (%d)"
               % (last, len(rows)), rows[:5])
        if args.unique:
            rows = filt(args.unique)
            tap.ok(len(rows) == 1 and args.unique.lower() in rows[0].lower(),
                   "html: filtering by %r keeps its one row" % args.unique,
                   rows)
        b.eval("(function(){var f=document.getElementById('files-filter');"
               "f.value='';f.dispatchEvent(new Event('input'));})()")
        sizes = b.eval("(function(){document.querySelector('#files-table "
                       "th[data-col=\"2\"]').click();return Array.from("
                       "document.querySelectorAll('#files-body tr')).map("
                       "r => Number(r.cells[2].textContent));})()")
        asc = b.eval("(function(){document.querySelector('#files-table "
                     "th[data-col=\"2\"]').click();return Array.from("
                     "document.querySelectorAll('#files-body tr')).map("
                     "r => Number(r.cells[2].textContent));})()")
        tap.ok(sizes and sizes == sorted(sizes, reverse=True)
               and asc == sorted(asc) and sizes != asc,
               "html: clicking Size sorts descending, then ascending",
               (sizes[:10], asc[:10]))
        # Back to the first view for the picture.
        b.eval("(function(){document.querySelector('#files-table "
               "th[data-col=\"0\"]').click();window.scrollTo(0,0);})()")
        shot = b.send("Page.captureScreenshot", format="png",
                      captureBeyondViewport=False)
        with open(args.screenshot, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        tap.ok(os.path.getsize(args.screenshot) > 1000,
               "html: screenshot saved to %s" % args.screenshot)
        p = problems(b.events)
        tap.ok(not p and not any(e["method"] ==
                                 "Page.javascriptDialogOpening"
                                 for e in b.events),
               "html: still no error or dialog after filtering and sorting",
               "\n".join(p))
    except Exception as e:
        import traceback
        tap.ok(False, "html: browser session ran to the end",
               traceback.format_exc())
    finally:
        if b:
            b.close()
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
