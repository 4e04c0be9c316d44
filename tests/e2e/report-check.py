#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Checks vmscan reports against the evidence database they were made from.

    report-check.py make-db DB SCHEMA_SQL [--status S] [--filler N]
                    [--schema-version 2|3|4|5]
    report-check.py check FORMAT REPORT DB [--schema F] [--sarif-schema F]
                    [--first N]

make-db builds a synthetic evidence database from src/core/schema.sql holding
hostile names (markup, quotes, commas, newlines, pipes, backticks, tabs,
bad UTF-8, U+2028, a right-to-left override, formula openers ...),
findings of every severity, YARA matches with strings, errors and check
runs.  check reads one report and compares it with the database rows,
never with anything vmscan computed; it prints TAP lines (numbered from
--first, no plan) and exits 1 if any failed.

The expected forms (display form, U+FFFD per bad byte, *_hex, the CSV
formula guard, bodyfile percent escapes) are written here again from the
documentation in vmscan(1), REPORTS, not taken from vmscan's code.
"""

import csv
import html.parser
import io
import json
import os
import posixpath
import re
import sqlite3
import subprocess
import sys
import urllib.parse

# ---- the synthetic database -------------------------------------------------

HOSTILE = [
    b"/tmp/<script>alert(1)</script>",
    b'/tmp/"><img src=x onerror=alert(1)>',
    b"/tmp/new\nline",
    b"/tmp/comma,name,",
    b'/tmp/quote"name"',
    b"/tmp/pipe|name",
    b"/tmp/back`tick`",
    b"/tmp/tab\tname",
    b"/tmp/bad\xff\xfeutf8",
    b"/tmp/trunc\xe2\x80",
    b"/tmp/javascript:alert(1)",
    "/tmp/line\u2028sep\u2029".encode(),
    "/tmp/rtl\u202etxt.exe".encode(),
    b"/tmp/=cmd|' /C calc'!A0",
    b"/tmp/percent%41%name",
    b"/tmp/back\\slash\\n",
    b"/tmp/cr\rname",
    b"/tmp/[link](javascript:alert(1))",
    b"/tmp/*bold* _it_ #h ~s~",
    b"/tmp/\x01ctrl\x7f\x1b[31m",
    "/home/us\u00e9r/na\u00efve \u6f22\u5b57".encode(),
    b"/tmp/&amp;entity&lt;",
    b"/tmp/<!--comment",
    b"/tmp/</script><script>alert(2)</script>",
    b"/tmp/\xc2\x85c1",
    b"/tmp/'single'",
    b"/tmp/-dash",
    b"/tmp/+plus",
    b"/tmp/@at",
    b"/tmp/http://evil.example/x",
    b"/tmp/@@x``@`y@",
]
# A path from guest configuration (an sshd Include) that climbs: its SARIF
# URI must stay under the image root.
CLIMBING = b"/etc/ssh/../../..//./etc/ssh/sshd_config.d/../@@evil``.conf"
DIRS = [b"/", b"/tmp", b"/etc", b"/etc/cron.d", b"/home", b"/home/us\xc3\xa9r",
        b"/usr", b"/usr/bin"]
SYMLINK = (b"/tmp/link<b>", b"../<script>alert(3)</script>|x")


def make_db(db, schema_sql, status="complete", filler=0, version=5):
    if os.path.exists(db):
        os.unlink(db)
    con = sqlite3.connect(db)
    con.executescript(open(schema_sql).read())
    con.execute("PRAGMA user_version = %d" % version)
    if version == 2:
        # Version 2 had no scans.openssl_version.
        con.execute("ALTER TABLE scans DROP COLUMN openssl_version")

    def t(b):
        return None if b is None else sqlite3.Binary(b)
    T = "CAST(? AS TEXT)"
    con.execute(
        "INSERT INTO scans (id, tool_version, libguestfs_version, "
        "libmagic_version, yara_version, sqlite_version, command_line, host, "
        "started_at, finished_at, status, status_message, backend, "
        "yara_enabled, yara_max_size, files_total, bytes_total, "
        "matches_total, errors_total, findings_total, fail_on) "
        "VALUES (1, '0.1.0', '1.48.6', '5.44', '4.2.3', "
        "'3.40.1', ?, 'scanhost', '2026-11-20T10:00:00Z', ?, ?, ?, 'kvm', "
        "1, 67108864, 100, 12345, 2, 2, 7, 'high')",
        ("vmscan -o x.db 'disk <1>.qcow2'",
         None if status == "running" else "2026-11-20T10:05:00Z", status,
         None if status == "complete" else "interrupted by <SIGINT>"))
    if version >= 3:
        con.execute("UPDATE scans SET openssl_version = "
                    "'OpenSSL 3.0.15 <3 Sep 2024>'")
    con.execute("INSERT INTO images VALUES (1, 1, 0, 'disk <1>.qcow2', "
                "'qcow2', 'probed', 1048576, 10737418240, ?)", ("ab" * 32,))
    con.execute("INSERT INTO operating_systems VALUES (1, 1, '/dev/sda1', "
                "'linux', 'debian', " + T + ", 12, 4, " + T + ", 'x86_64', "
                "'deb', 'apt')", (t(b"Debian <i>12</i>"),
                                  t(b"host\"><img src=x onerror=alert(9)>")))
    con.execute("INSERT INTO filesystems VALUES (1, 1, '/dev/sda1', 'ext4', "
                + T + ", 'uuid-1', 1000000, 1, '/', '/m/1', 'scanned', NULL, "
                "100, 12345, 'appliance')", (t(b"lab<el>\xff"),))
    con.execute("INSERT INTO filesystems VALUES (2, 1, '/dev/sdb1', NULL, "
                "NULL, NULL, NULL, NULL, NULL, NULL, 'error', "
                "'cannot mount: <bad>', NULL, NULL, NULL)")
    if version < 4:
        # Versions 2 and 3 had no filesystems.data_path.
        con.execute("ALTER TABLE filesystems DROP COLUMN data_path")
    con.execute("INSERT INTO rule_files VALUES (1, 1, '/rules/a.yar', 'a', ?, "
                "100)", ("cd" * 32,))
    con.execute("INSERT INTO ioc_files VALUES (1, 1, '/iocs.txt', ?, 3)",
                ("ef" * 32,))
    fid = 0
    ids = {}

    def add(path, typ, mode, size, mtime, target=None, md5=None, magic=None,
            mime=None, inode=None):
        nonlocal fid
        fid += 1
        ids[path] = fid
        con.execute(
            "INSERT INTO files VALUES (?, 1, 1, " + T + ", ?, ?, ?, ?, ?, "
            "?, 11, ?, 22, ?, 33, NULL, NULL, ?, ?, " + T + ", ?, ?, ?, "
            + T + ", ?, ?, NULL, NULL)",
            (fid, t(path), typ, size, mode, fid % 3, fid % 5,
             mtime - 100, mtime, mtime + 50, inode or 1000 + fid, 1,
             t(target), md5, ("1" * 40) if md5 else None,
             ("2" * 64) if md5 else None, t(magic), mime,
             1 if typ == "file" else None))
        return fid
    base = 1763600000
    for i, d in enumerate(DIRS):
        add(d, "dir", 0o40755, 4096, base - 86400 * 30 + i)
    for i, p in enumerate(HOSTILE):
        add(p, "file", 0o100644 | (0o4000 if i == 3 else 0), 10 * i + 1,
            base + 3600 * i, md5="%032x" % i,
            magic=b"ASCII text, <b>magic</b>\xff" if i % 2 else
            b"ELF 64-bit LSB executable",
            mime="text/plain; charset=us-ascii" if i % 2 else
            "application/x-executable")
    add(SYMLINK[0], "symlink", 0o120777, len(SYMLINK[1]), base + 99,
        target=SYMLINK[1])
    add(b"/usr/bin/fifo", "fifo", 0o10600, 0, base + 98)
    for i in range(filler):
        add(b"/usr/bin/filler-%05d" % i, "file", 0o100755, 1000 + i,
            base - 86400 * 10 - i, md5="%032x" % (10000 + i),
            magic=b"data", mime="application/octet-stream")
    # A time NULL on one entry: reports must not invent one.
    con.execute("UPDATE files SET atime = NULL, atime_ns = NULL "
                "WHERE path = '/usr'")

    m1 = con.execute(
        "INSERT INTO yara_matches VALUES (1, 1, ?, 'EICAR_<b>Test', 'a', "
        "'malware test', ?)",
        (ids[HOSTILE[0]], json.dumps({"description": "</script><x>"}))
    ).lastrowid
    con.execute("INSERT INTO yara_strings VALUES (1, ?, '$a', 0, 28, ?)",
                (m1, "58354f21"))
    con.execute("INSERT INTO yara_strings VALUES (2, ?, '$b', 28, 40, ?)",
                (m1, "4549434152"))
    m2 = con.execute(
        "INSERT INTO yara_matches VALUES (2, 1, ?, 'Miner', 'a', NULL, "
        "NULL)", (ids[HOSTILE[8]],)).lastrowid
    con.execute("INSERT INTO yara_strings VALUES (3, ?, '$c', 5, 3, NULL)",
                (m2,))

    sev = ["info", "low", "medium", "high", "critical"]
    findings = [
        (4, "yara", "malware", b"YARA rule EICAR matched <script>",
         HOSTILE[0], None, b"rule EICAR_<b>Test", "T1204.003",
         ids[HOSTILE[0]], m1),
        (3, "persistence.cron", "persistence", b"cron job runs /tmp",
         HOSTILE[1], None, b"* * * * * root </script><script>alert(4)"
         b"</script> | `id` \xff\n2nd line", "T1053.003", None, None),
        (2, "access.ssh_key", "access", b"authorized key for root",
         None, b"ro\"ot,<b>|`", b"ssh-ed25519 AAAA... x@y", "T1098.004",
         None, None),
        (1, "permissions.setuid", "permissions", b"setuid file, comma",
         HOSTILE[3], None, b"=HYPERLINK(\"http://x\")", None,
         ids[HOSTILE[3]], None),
        (0, "secret.history", "secret", b"shell history mentions a key",
         HOSTILE[12], b"us\xe9r", b"export KEY=<redacted>\t\u2028".replace(
             b"\\u2028", "\u2028".encode()), None, None, None),
        (3, "persistence.cron", "persistence", b"second cron finding",
         HOSTILE[5], None, None, "T1053.003", ids[HOSTILE[5]], None),
        (2, "access.sshd-config", "access", b"sshd: included file @@x",
         CLIMBING, None, b"line 1: Include /etc/ssh/../../.. `@@`",
         "T1021.004", None, None),
    ]
    for i, f in enumerate(findings):
        con.execute(
            "INSERT INTO findings (id, scan_id, os_id, check_id, severity, "
            "severity_rank, category, title, path, account, evidence, "
            "mitre_attack, file_id, match_id) VALUES (?, 1, 1, ?, ?, ?, ?, "
            + T + ", " + T + ", " + T + ", " + T + ", ?, ?, ?)",
            (i + 1, f[1], sev[f[0]], f[0], f[2], t(f[3]), t(f[4]), t(f[5]),
             t(f[6]), f[7], f[8], f[9]))
    if version >= 7:
        # An approved baseline and suppression files, their names, reasons
        # and paths as hostile as the image's.
        con.execute("INSERT INTO baselines VALUES (1, 1, " + T + ", ?, "
                    "'u-<1>', '2026-11-01T00:00:00Z', " + T + ", "
                    "'2026-11-02T00:00:00Z', " + T + ", " + T + ", 2, 5, 1)",
                    (t(b"/srv/<b>base</b>\n.db"), "cd" * 32,
                     t(b"Ada <script>alert(5)</script> \xff"),
                     t(b"reviewed | `rm -rf` =HYPERLINK(\"x\")\n2nd"),
                     t(b"OPS-<1>&amp;")))
        con.execute("INSERT INTO baseline_absent VALUES (1, 1, "
                    "'persistence.cron', 'high', 3, 'persistence', " + T
                    + ", " + T + ", NULL, " + T + ", 'T1053.003', ?)",
                    (t(b"gone <i>job</i>"), t(HOSTILE[4]),
                     t(b"* * * * * </script>`x`"), "ef" * 32))
        con.execute("INSERT INTO suppressions VALUES (1, 1, " + T + ", 3, "
                    "'persistence.*', " + T + ", NULL, NULL, " + T + ", "
                    "'2999-01-01', " + T + ", 'applied', 1)",
                    (t(b"/etc/vmscan/<accepted>.txt"), t(HOSTILE[5]),
                     t(b"our <b>backup</b> job, \"ok\" | =1+1 \xe9"),
                     t(b"T-<2>")))
        con.execute("INSERT INTO suppressions VALUES (2, 1, 'a.txt', 9, "
                    "'yara', '/nowhere/*', NULL, NULL, " + T + ", NULL, "
                    "NULL, 'stale', 0)", (t(b"stale <entry>"),))
        con.execute("UPDATE findings SET baseline = CASE WHEN id IN (1, 3) "
                    "THEN 'new' ELSE 'unchanged' END")
        con.execute("UPDATE findings SET suppression_id = 1 WHERE id = 6")
        # A story with a hostile title, tying the two cron findings.
        con.execute("INSERT INTO stories VALUES (1, 1, 'high', 3, " + T
                    + ", " + T + ", 2)",
                    (t(b"a miner at " + HOSTILE[1] + b", started by <b>x"),
                     t(HOSTILE[1])))
        con.execute("INSERT INTO finding_links VALUES (1, 1, 1, 2, 6, "
                    "'runs')")
    con.execute("INSERT INTO errors VALUES (1, 1, 'read', 1, " + T + ", "
                "'cannot read: <Input/output error>', "
                "'2026-11-20T10:01:00Z')", (t(HOSTILE[2]),))
    con.execute("INSERT INTO errors VALUES (2, 1, 'mount', 2, NULL, "
                "'mount failed', '2026-11-20T10:01:01Z')")
    con.execute("INSERT INTO check_runs VALUES (1, 1, 1, 'persistence.cron', "
                "'ran', 12, NULL)")
    con.execute("INSERT INTO check_runs VALUES (2, 1, NULL, 'yara', 'ran', "
                "40, NULL)")
    con.execute("INSERT INTO check_runs VALUES (3, 1, 1, 'access.ssh_key', "
                "'skipped', NULL, 'no <home>')")
    if version >= 5:
        # A deleted entry (--deleted): its name in the reports too.
        add(b"/tmp/<gone>.sh", "file", 0o100755, 20, base, md5="f" * 32,
            magic=b"POSIX shell script")
        con.execute("UPDATE files SET deleted = 'entry' WHERE id = ?",
                    (fid,))
    else:
        # Versions 2 to 4 had no files.deleted.
        con.execute("ALTER TABLE files DROP COLUMN deleted")
    con.commit()
    con.close()


# ---- the documented forms ---------------------------------------------------

INVISIBLE = ({0x061c, 0xfeff} | set(range(0x200b, 0x2010))
             | set(range(0x2028, 0x202f)) | set(range(0x2060, 0x2065))
             | set(range(0x2066, 0x206a)))


def display(b):
    """The display form of vmscan(1), REPORTS."""
    out = []
    for ch in b.decode("utf-8", "surrogateescape"):
        c = ord(ch)
        if 0xdc80 <= c <= 0xdcff:
            out.append("\\x%02x" % (c - 0xdc00))
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif c < 0x20 or c == 0x7f:
            out.append("\\x%02x" % c)
        elif 0x80 <= c < 0xa0:
            out.append("".join("\\x%02x" % x for x in ch.encode()))
        elif c in INVISIBLE:
            out.append("\\u{%04x}" % c)
        else:
            out.append(ch)
    return "".join(out)


def lossy(b):
    """Valid UTF-8 as it is, U+FFFD for each bad byte."""
    s = b.decode("utf-8", "surrogateescape")
    return "".join("\ufffd" if 0xdc80 <= ord(c) <= 0xdcff else c for c in s)


def valid(b):
    try:
        b.decode("utf-8")
        return b"\0" not in b
    except UnicodeDecodeError:
        return False


def json_value(v):
    """What a json report holds for a column value: (value, hex or None)."""
    if isinstance(v, bytes):
        return lossy(v), (None if valid(v) else v.hex())
    return v, None


def row_object(cur, row):
    o = {}
    for (name, *_), v in zip(cur.description, row):
        o[name], hx = json_value(v)
        if hx is not None:
            o[name + "_hex"] = hx
    return o


def connect(db):
    con = sqlite3.connect("file:%s?mode=ro" % urllib.parse.quote(db),
                          uri=True)
    con.text_factory = bytes
    return con


# vmscan(1), REPORTS: findings not suppressed first, of those the new
# ones (against --baseline) first, each group by severity.
FINDINGS_SQL = ("SELECT id, check_id, severity, severity_rank, category, "
                "title, path, account, evidence, mitre_attack, os_id, "
                "file_id, match_id, baseline, suppression_id FROM findings "
                "ORDER BY suppression_id IS NOT NULL, baseline IS NOT 'new', "
                "severity_rank DESC, check_id, path, id")
SECTIONS = {
    "findings": FINDINGS_SQL,
    "baseline": "SELECT path, sha256, scan_uuid, started_at, approved_by, "
    "approved_at, reason, ticket, findings_new, findings_unchanged, "
    "findings_absent FROM baselines ORDER BY id LIMIT 1",
    "baseline_absent": "SELECT id, check_id, severity, severity_rank, "
    "category, title, path, account, evidence, mitre_attack, fingerprint "
    "FROM baseline_absent ORDER BY severity_rank DESC, check_id, path, id",
    "suppressions": "SELECT id, file, line, check_id, path, account, "
    "fingerprint, reason, expires, ticket, status, matched FROM "
    "suppressions ORDER BY id",
    "stories": "SELECT id, severity, severity_rank, title, subject_path, "
    "findings FROM stories ORDER BY id",
    "finding_links": "SELECT id, story_id, finding_id, linked_id, relation "
    "FROM finding_links ORDER BY id",
    "images": "SELECT id, disk_index, path, format, format_source, "
    "file_size, virtual_size, sha256 FROM images ORDER BY disk_index, id",
    "operating_systems": "SELECT id, root_device, type, distro, "
    "product_name, major_version, minor_version, hostname, arch, "
    "package_format, package_management FROM operating_systems ORDER BY id",
    "filesystems": "SELECT id, device, type, label, uuid, size, os_id, "
    "os_mountpoint, walk_root, status, note, files, bytes FROM filesystems "
    "ORDER BY id",
    "check_runs": "SELECT id, os_id, check_id, status, items, note FROM "
    "check_runs ORDER BY check_id, os_id, id",
    "errors": "SELECT id, stage, fs_id, path, message, at FROM errors "
    "ORDER BY id",
    "files": "SELECT id, fs_id, path, type, size, mode, uid, gid, atime, "
    "atime_ns, mtime, mtime_ns, ctime, ctime_ns, btime, btime_ns, inode, "
    "nlink, link_target, md5, sha1, sha256, magic, mime, yara_scanned, "
    "capabilities, deleted FROM files ORDER BY id",
}


def files_sql_for(con):
    """Schema version 5 added files.deleted; before it, none was."""
    if con.execute("PRAGMA user_version").fetchone()[0] < 5:
        SECTIONS["files"] = SECTIONS["files"].replace(
            "capabilities, deleted FROM", "capabilities, NULL AS deleted FROM")


def db_objects(con, sql):
    cur = con.execute(sql)
    return [row_object(cur, r) for r in cur]


def db_matches(con):
    cur = con.execute("SELECT m.id, m.file_id, f.path, m.rule, m.namespace, "
                      "m.tags, m.meta FROM yara_matches m LEFT JOIN files f "
                      "ON f.id = m.file_id ORDER BY f.path, m.rule, m.id")
    out = []
    for r in cur.fetchall():
        o = row_object(cur, r)
        c2 = con.execute("SELECT identifier, offset, length, data FROM "
                         "yara_strings WHERE match_id = ? ORDER BY offset, "
                         "id", (r[0],))
        o["strings"] = [row_object(c2, x) for x in c2]
        out.append(o)
    return out


# ---- TAP --------------------------------------------------------------------

class Tap:
    def __init__(self, first):
        self.n = first - 1
        self.failed = 0

    def ok(self, cond, what, diag=None):
        self.n += 1
        print("%sok %d - %s" % ("" if cond else "not ", self.n, what))
        if not cond:
            self.failed += 1
            if diag:
                for line in str(diag)[:3000].splitlines():
                    print("#   " + line)
        sys.stdout.flush()
        return cond


def first_diff(a, b):
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return "lengths %d != %d" % (len(a), len(b))
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return "item %d:\n got  %r\n want %r" % (i, x, y)
    return "got %r\nwant %r" % (a, b)


# ---- the checks -------------------------------------------------------------

def validator(schema_path, root_ref=None):
    import jsonschema
    schema = json.load(open(schema_path))
    if root_ref:
        schema = {"$schema": schema.get("$schema"), "$defs": schema["$defs"],
                  "$ref": root_ref}
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=jsonschema.FormatChecker())


def compare_doc(tap, doc, con, status, what):
    want_status = con.execute("SELECT status FROM scans").fetchone()[0]
    tap.ok(doc["status"]["scan_status"] == want_status.decode()
           and doc["status"]["complete"] == (want_status == b"complete")
           and (doc["status"]["note"] is None) == (want_status == b"complete"),
           "%s: status says %s, complete only if complete" % (what,
                                                              want_status))
    for name, sql in SECTIONS.items():
        got = doc.get(name)
        want = db_objects(con, sql)
        tap.ok(got == want, "%s: %s equal the database rows (%d)"
               % (what, name, len(want)), first_diff(got, want))
    got = doc.get("matches")
    want = db_matches(con)
    tap.ok(got == want, "%s: matches with strings equal the database (%d)"
           % (what, len(want)), first_diff(got, want))
    cur = con.execute("SELECT * FROM scans")
    prov = row_object(cur, cur.fetchone())
    gotp = {k: v for k, v in doc["provenance"].items()
            if k not in ("rule_files", "ioc_files")}
    tap.ok(gotp == prov, "%s: provenance equals the scans row" % what,
           first_diff(gotp, prov))
    tap.ok(doc["provenance"]["rule_files"] == db_objects(
        con, "SELECT id, path, namespace, sha256, size FROM rule_files "
        "ORDER BY id"), "%s: rule files with hashes" % what)


def check_json(tap, path, con, args):
    raw = open(path, "rb").read()
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        tap.ok(False, "json: parses as UTF-8 JSON", e)
        return
    tap.ok(True, "json: parses as UTF-8 JSON")
    errs = sorted(validator(args.schema).iter_errors(doc), key=str)
    tap.ok(not errs, "json: valid against src/report.schema.json",
           "\n".join(str(e.message) for e in errs[:5]))
    tap.ok(list(doc)[:4] == ["report", "status", "counts", "findings"],
           "json: findings lead (after the header)", list(doc))
    compare_doc(tap, doc, con, None, "json")


def check_jsonl(tap, path, con, args):
    v = validator(args.schema, "#/$defs/jsonl_record")
    lines = open(path, "rb").read().decode("utf-8").split("\n")
    tap.ok(lines[-1] == "", "jsonl: ends with a newline")
    recs = [json.loads(x) for x in lines[:-1]]
    bad = [e.message for r in recs for e in v.iter_errors(r)]
    tap.ok(not bad, "jsonl: every line (%d) valid against the schema's "
           "jsonl_record" % len(recs), "\n".join(bad[:5]))
    kinds = [r["type"] for r in recs]
    tap.ok(kinds[0] == "report" and kinds[-1] == "end"
           and (kinds[1] == "finding" or "finding" not in kinds),
           "jsonl: report first, findings next, end last")
    doc = dict(recs[0]["data"])
    plural = {"finding": "findings", "baseline": "baseline",
              "baseline_absent": "baseline_absent",
              "suppression": "suppressions", "story": "stories",
              "finding_link": "finding_links", "image": "images",
              "operating_system":
              "operating_systems", "filesystem": "filesystems",
              "check_run": "check_runs", "match": "matches",
              "error": "errors", "file": "files"}
    for p in plural.values():
        doc[p] = []
    for r in recs[1:-1]:
        if r["type"] == "provenance":
            doc["provenance"] = r["data"]
        else:
            doc[plural[r["type"]]].append(r["data"])
    tap.ok(all(recs[-1]["data"][p] == len(doc[p]) for p in plural.values()),
           "jsonl: the end line counts what came before")
    compare_doc(tap, doc, con, None, "jsonl")


GUARD = ("=", "+", "-", "@", "\t", "\r", "'")


def unguard(s):
    return s[1:] if s.startswith("'") else s


def check_csv(tap, path, con, args, files):
    raw = open(path, "rb").read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        tap.ok(False, "csv: UTF-8", e)
        return
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    head, rows = rows[0], rows[1:]
    what = "csv-files" if files else "csv"
    sql = SECTIONS["files"] if files else FINDINGS_SQL
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    want = cur.fetchall()
    status = con.execute("SELECT status FROM scans").fetchone()[0].decode()
    tap.ok(len(rows) == len(want), "%s: one record per row (%d), names with "
           "commas, quotes and newlines included" % (what, len(want)),
           "%d records" % len(rows))
    guarded = [c for r in rows for c in r
               if c and c[0] in GUARD[:-1] and not re.fullmatch(r"-\d+", c)]
    tap.ok(not guarded, "%s: no cell starts with = + - @ tab CR" % what,
           guarded[:5])
    bad = []
    for got, w in zip(rows, want):
        g = dict(zip(head, got))
        if g["scan_status"] != status:
            bad.append(("scan_status", g["scan_status"]))
        for name, v in zip(names, w):
            if isinstance(v, bytes):
                if unguard(g[name]) != lossy(v):
                    bad.append((name, g[name], v))
                hx = name + "_hex"
                if hx in g:
                    if g[hx] != ("" if valid(v) else v.hex()):
                        bad.append((hx, g[hx], v))
                    if g[hx] and bytes.fromhex(g[hx]) != v:
                        bad.append((hx, "not the bytes"))
                elif not valid(v) and name in ("path", "link_target",
                                               "evidence", "account"):
                    bad.append((name, "no _hex column"))
            elif v is None:
                if g[name] != "":
                    bad.append((name, g[name], None))
            elif g[name] != str(v):
                bad.append((name, g[name], v))
    tap.ok(not bad, "%s: every cell round-trips through Python's csv module "
           "to the database value" % what, bad[:5])
    exact = 0
    for got, w in zip(rows, want):
        g = dict(zip(head, got))
        p = w[names.index("path")]
        if p is None:
            continue
        back = bytes.fromhex(g["path_hex"]) if g["path_hex"] else \
            unguard(g["path"]).encode()
        exact += back == p
    total = sum(1 for w in want if w[names.index("path")] is not None)
    tap.ok(exact == total, "%s: every path's exact bytes recovered (path or "
           "path_hex) %d/%d" % (what, exact, total))


def check_sarif(tap, path, con, args):
    doc = json.loads(open(path, "rb").read().decode("utf-8"))
    if args.sarif_schema:
        errs = sorted(validator(args.sarif_schema).iter_errors(doc), key=str)
        tap.ok(not errs, "sarif: valid against the SARIF 2.1.0 schema",
               "\n".join(str(e.message) for e in errs[:5]))
        # A control: the same validator refuses a broken copy.
        broken = json.loads(json.dumps(doc))
        if broken["runs"][0]["results"]:
            broken["runs"][0]["results"][0]["level"] = "fatal"
        broken["runs"][0]["tool"]["driver"].pop("name")
        tap.ok(any(True for _ in validator(args.sarif_schema).iter_errors(
            broken)), "sarif: (control) the schema refuses a broken copy")
    run = doc["runs"][0]
    tap.ok(doc["version"] == "2.1.0" and len(doc["runs"]) == 1
           and run["tool"]["driver"]["name"] == "vmscan",
           "sarif: version 2.1.0, one run, driver vmscan")
    want = con.execute(FINDINGS_SQL).fetchall()
    absent = con.execute(SECTIONS["baseline_absent"]).fetchall()
    res = [r for r in run["results"] if r.get("baselineState") != "absent"]
    gone = [r for r in run["results"] if r.get("baselineState") == "absent"]
    tap.ok(len(res) == len(want), "sarif: one result per finding (%d)"
           % len(want))
    tap.ok(len(gone) == len(absent) and all(
        r["ruleId"] == a[1].decode() and display(a[5]) in r["message"]["text"]
        for r, a in zip(gone, absent)),
        "sarif: one absent result per finding gone since the baseline (%d)"
        % len(absent))
    sup = {r[0]: r[7] for r in con.execute(SECTIONS["suppressions"])}
    states = [(r.get("baselineState"),
               [x["justification"] for x in r.get("suppressions", [])])
              for r in res]
    want_states = [(w[13] and w[13].decode(),
                    [] if w[14] is None else [display(sup[w[14]])])
                   for w in want]
    tap.ok(states == want_states, "sarif: baselineState and the "
           "suppression's reason as justification, as the database says",
           first_diff(states, want_states))
    level = {4: "error", 3: "error", 2: "warning", 1: "note", 0: "note"}
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    bad = []
    for r, w in zip(res, want):
        if r["ruleId"] != w[1].decode() or r["level"] != level[w[3]] \
           or rules[r["ruleIndex"]] != r["ruleId"]:
            bad.append((r["ruleId"], r["level"], w[1], w[3]))
        if not r["message"]["text"].startswith(display(w[5])):
            bad.append(("message", r["message"]["text"]))
        if w[8] is not None and display(w[8]) not in r["message"]["text"]:
            bad.append(("evidence", r["message"]["text"]))
        if w[6] is None:
            if r.get("locations"):
                bad.append(("location without path", r["locations"]))
        else:
            loc = r["locations"][0]["physicalLocation"]["artifactLocation"]
            uri = loc["uri"]
            # Resolved against a base as RFC 3986 says (Python's urljoin),
            # the URI stays under the root and names the path as the
            # kernel would resolve it lexically (posixpath.normpath).
            base = "file:///IMAGEROOT/"
            joined = urllib.parse.urljoin(base, uri)
            want_uri = posixpath.normpath(b"/" + w[6].lstrip(b"/"))[1:]
            segs = uri.split("/")
            if loc["uriBaseId"] != "IMAGEROOT" or \
               urllib.parse.unquote_to_bytes(uri) != want_uri or \
               not re.fullmatch(r"[A-Za-z0-9._~/%-]*", uri) or \
               (uri and any(x in ("", ".", "..") for x in segs)) or \
               not joined.startswith(base) or \
               urllib.parse.unquote_to_bytes(joined[len(base):]) != want_uri:
                bad.append(("uri", uri, w[6], joined))
            p = r["properties"]
            exact = bytes.fromhex(p["path_hex"]) if "path_hex" in p else \
                p["path"].encode()
            if exact != w[6]:
                bad.append(("exact path in properties", p.get("path"), w[6]))
        p = r["properties"]
        if p["severity"] != w[2].decode() or p["category"] != w[4].decode() \
           or p["mitre_attack"] != (w[9] and w[9].decode()):
            bad.append(("properties", p))
    tap.ok(not bad, "sarif: rule id, level, message, location URI "
           "(normalised, under the root), exact path and properties of "
           "every result", bad[:5])
    ids = sorted({w[1].decode() for w in want})
    tap.ok(rules == ids and all(r["shortDescription"]["text"]
                                for r in run["tool"]["driver"]["rules"]),
           "sarif: one rule per check_id with a short description")
    status = con.execute("SELECT status FROM scans").fetchone()[0]
    tap.ok(run["invocations"][0]["executionSuccessful"]
           == (status == b"complete"),
           "sarif: executionSuccessful says whether the scan completed")


def check_bodyfile(tap, path, con, args):
    out = subprocess.run(["mactime", "-b", path, "-d", "-y", "-z", "UTC"],
                         capture_output=True, timeout=120)
    tap.ok(out.returncode == 0 and out.stdout.startswith(b"Date,"),
           "bodyfile: mactime -b -d -y accepts it", out.stderr[:500])
    got = {}
    for line in out.stdout.decode("utf-8").split("\n")[1:]:
        if not line:
            continue
        f = line.split(",", 7)
        if f[0].startswith("0000-00-00"):
            continue            # time 0: no time, as in fls output
        name = f[7]
        if name.startswith('"') and name.endswith('"'):
            name = name[1:-1].replace('""', '"')  # mactime quotes as CSV
        got.setdefault((f[0], name, f[6]), set()).update(
            c for c in f[2] if c != ".")
    want = {}
    negative = []
    cur = con.execute("SELECT path, link_target, type, inode, atime, mtime, "
                      "ctime, btime, %s FROM files" % (
                          "deleted" if con.execute(
                              "PRAGMA user_version").fetchone()[0] >= 5
                          else "NULL"))
    import datetime
    for p, tgt, typ, ino, a, m, c, b, dele in cur:
        name = display(p)
        if typ == b"symlink" and tgt is not None:
            name += " -> " + display(tgt)
        if dele is not None:    # as fls -m marks them
            name += (" (deleted-realloc)" if dele == b"name"
                     else " (deleted)")
        for letter, tm in (("a", a), ("m", m), ("c", c), ("b", b)):
            if tm is not None and tm < 0:
                negative.append((p, tm))    # mactime drops pre-1970 times
            elif tm:
                iso = datetime.datetime.fromtimestamp(
                    tm, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
                want.setdefault((iso, name, str(ino)), set()).add(letter)
    missing = [k for k in want if got.get(k) != want[k]]
    extra = [k for k in got if k not in want]
    tap.ok(not missing and not extra, "bodyfile: mactime's timeline has "
           "exactly the files table's times (%d events)" % len(want),
           "missing %r\nextra %r" % (missing[:5], extra[:5]))
    body = open(path, "rb").read()
    lines = body.split(b"\n")
    data = [x for x in lines if x and not x.startswith(b"#")]
    # Times before 1970 are not in mactime's timeline: they must still be
    # in the bodyfile itself, as the number the files table holds.
    fields = [x.split(b"|") for x in data]
    times = set(t for f in fields if len(f) == 11 for t in f[7:11])
    lost = [(p, t) for p, t in negative if str(t).encode() not in times]
    tap.ok(not lost, "bodyfile: times before 1970 are written as they are "
           "(%d; mactime leaves them out)" % len(negative),
           "missing %r" % lost[:5])
    n = con.execute("SELECT count(*) FROM files").fetchone()[0]
    tap.ok(len(data) == n and all(x.count(b"|") == 10 for x in data),
           "bodyfile: one line of 11 fields per file (%d)" % n)


class Collect(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.text = []
        self.stack = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)


def check_md(tap, path, con, args):
    raw = open(path, "rb").read()
    text = raw.decode("utf-8")
    tap.ok("<" not in text, "md: no raw < anywhere (no HTML from names)")
    want = [display(w[6]) for w in con.execute(FINDINGS_SQL).fetchall()[:50]
            if w[6] is not None]
    cm = None
    for c in ("cmark-gfm", "cmark"):
        if subprocess.run(["sh", "-c", "command -v " + c],
                          capture_output=True).returncode == 0:
            cm = c
            break
    if not cm:
        print("ok %d # SKIP no cmark-gfm to render Markdown" % (tap.n + 1))
        tap.n += 1
        return
    argv = [cm] + (["-e", "table", "-e", "autolink", "-e", "strikethrough"]
                   if cm == "cmark-gfm" else [])
    out = subprocess.run(argv, input=raw, capture_output=True, timeout=60)
    p = Collect()
    p.feed(out.stdout.decode("utf-8"))
    tags = {t for t, _ in p.tags}
    tap.ok(not tags & {"script", "img", "a", "iframe", "svg", "style"}
           and not any(k.startswith("on") for _, a in p.tags for k, _ in a),
           "md: rendered by %s, makes no script, image, link or handler"
           % cm, sorted(tags))
    body = "".join(p.text)
    missing = [w for w in want if w not in body]
    tap.ok(not missing, "md: every finding path reads as its display form "
           "in the rendered text", missing[:5])


def check_html_static(tap, path, con, args):
    text = open(path, "rb").read().decode("utf-8")
    p = Collect()
    p.feed(text)
    scripts = [a for t, a in p.tags if t == "script"]
    tap.ok(len(scripts) == 2 and dict(scripts[0]).get("type") ==
           "application/json" and not dict(scripts[1]).get("src"),
           "html: exactly two script elements, a JSON block and ours",
           scripts)
    handlers = [(t, k) for t, a in p.tags for k, _ in a if k.startswith("on")]
    tap.ok(not handlers and not any(t in ("img", "iframe", "object", "embed",
                                          "link", "base", "form")
                                    for t, _ in p.tags),
           "html: no event handler attribute, no img/iframe/link/base",
           handlers[:5])
    urls = [(t, k, v) for t, a in p.tags for k, v in a
            if k in ("src", "href", "action", "xlink:href")
            and not (v or "").startswith("#")]
    tap.ok(not urls, "html: no reference to anything outside the file", urls)
    csp = [dict(a).get("content", "") for t, a in p.tags if t == "meta"
           and dict(a).get("http-equiv") == "Content-Security-Policy"]
    tap.ok(csp and "default-src 'none'" in csp[0]
           and "unsafe-inline" not in csp[0],
           "html: Content-Security-Policy default-src 'none', scripts by "
           "hash", csp)
    m = re.search(r'<script type="application/json" id="vs-files">(.*?)'
                  r'</script>', text, re.S)
    rows = json.loads(m.group(1)) if m else []
    want = {display(r[0]) for r in con.execute("SELECT path FROM files")}
    got = {r[0] for r in rows}
    cap = args.max_files
    if cap is None or len(want) <= cap:
        tap.ok(got == want, "html: the file table data holds every path in "
               "display form (%d)" % len(want), (got ^ want))
    else:
        flagged = {display(r[0]) for r in con.execute(
            "SELECT path FROM files WHERE id IN (SELECT file_id FROM "
            "findings UNION SELECT file_id FROM yara_matches) OR path IN "
            "(SELECT path FROM findings WHERE file_id IS NULL)")}
        tap.ok(len(rows) == cap and flagged <= got and
               'id="files-capped"' in text,
               "html: capped at %d rows, files with findings first, and "
               "says so" % cap)
    status = con.execute("SELECT status FROM scans").fetchone()[0]
    tap.ok((status != b"complete") == ("INCOMPLETE EVIDENCE" in text),
           "html: says INCOMPLETE EVIDENCE exactly when the scan is not "
           "complete (%s)" % status.decode())
    body = html.unescape(re.sub(r"<[^>]*>", "", text.split("<script", 1)[0]))
    fp = [display(w[6]) for w in con.execute(FINDINGS_SQL) if w[6]]
    tap.ok(all(x in body for x in fp), "html: every finding path is in the "
           "page text, escaped")


def main():
    import argparse
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make-db")
    m.add_argument("db")
    m.add_argument("schema_sql")
    m.add_argument("--status", default="complete")
    m.add_argument("--filler", type=int, default=0)
    m.add_argument("--schema-version", type=int, choices=(2, 3, 4, 5, 7),
                   default=7)
    c = sub.add_parser("check")
    c.add_argument("format")
    c.add_argument("report")
    c.add_argument("db")
    c.add_argument("--schema")
    c.add_argument("--sarif-schema")
    c.add_argument("--max-files", type=int)
    c.add_argument("--first", type=int, default=1)
    d = sub.add_parser("display")
    d.add_argument("db")
    d.add_argument("--findings", action="store_true")
    args = ap.parse_args()
    if args.cmd == "make-db":
        make_db(args.db, args.schema_sql, args.status, args.filler,
                args.schema_version)
        return 0
    if args.cmd == "display":
        # The display forms of the hostile names, one JSON list (for the
        # browser test).
        # With --findings: the paths of findings and matches, which the
        # page shows without its script (a real image has too many files
        # for the first page of the table).
        con = connect(args.db)
        sql = ("SELECT path FROM findings WHERE path IS NOT NULL UNION "
               "SELECT f.path FROM yara_matches m JOIN files f ON f.id = "
               "m.file_id" if args.findings else
               "SELECT path FROM files WHERE path LIKE '/tmp/%' OR path "
               "LIKE '/home/%'")
        print(json.dumps([display(r[0]) for r in con.execute(sql)]))
        return 0
    tap = Tap(args.first)
    con = connect(args.db)
    files_sql_for(con)
    check = {"json": check_json, "jsonl": check_jsonl,
             "csv": lambda t, p, c, a: check_csv(t, p, c, a, False),
             "csv-files": lambda t, p, c, a: check_csv(t, p, c, a, True),
             "sarif": check_sarif, "bodyfile": check_bodyfile,
             "md": check_md, "html": check_html_static}[args.format]
    try:
        check(tap, args.report, con, args)
    except Exception as e:      # a crash is a failure, said as TAP
        import traceback
        tap.ok(False, "%s: checker ran" % args.format, traceback.format_exc())
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
