#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# TAP end-to-end test of the cyclonedx and spdx reports (software bills
# of materials).  A small Debian 12 machine (make-planted.sh's stock
# tree, made from this host's packages and their dpkg database) gets
# three more stanzas in /var/lib/dpkg/status: an installed package whose
# name has a '+' and whose version holds quotes, '+', '%', '/', '@', a
# control byte and a byte that is not UTF-8; a half-installed package
# (in the packages table, not installed); and a config-files one.  It is
# scanned on the host data path (no appliance) and both reports are
# checked by tests/e2e/sbom-check.py against what vmscan did not
# compute:
#
#  - the packages of both documents are exactly dpkg-query's installed
#    ones on the tree (name, version, arch), in order;
#  - every purl parses back (the checker's own parser) to the exact
#    bytes, as pkg:deb/ID/NAME@VERSION?arch=ARCH&distro=ID-VERSION_ID
#    from the tree's os-release, qualifiers sorted, the hostile one
#    percent-encoded;
#  - the OS component and package, the dependencies and relationships,
#    the UUIDs (Python's own version 5 UUID of what the man page says),
#    times and tool from the database read with sqlite3;
#  - CycloneDX against the official 1.5 JSON schema (from the npm
#    registry, cached as test-report.sh caches SARIF's), SPDX against
#    the structure SPDX 2.3 asks for and, when VMSCAN_SPDX_SCHEMA names
#    it, the official schema (no package reachable here ships it);
#  - a copy of the database with two more OSes (Ubuntu 22.04; a hostile
#    distro with an rpm with an epoch), and a package of no OS;
#  - a scan made with --no-checks, a database of schema version 5: valid
#    documents, no package, a warning on stderr and in them; an
#    interrupted scan: its packages and a warning;
#  - --report at scan time with the default .cdx.json and .spdx.json;
#  - the same bytes on a second run; no database changed.
#
# Needs root (make-planted.sh's owners and capabilities), mke2fs,
# dpkg-query, sqlite3, python3.
set -u

. "$(dirname "$0")/../lib.sh"
. "$here/report-checks.sh"
LC_ALL=C
export LC_ALL

require_vmscan
require_root "the trees keep owners and capabilities"
require_cmd mke2fs e2fsck dpkg-query sqlite3 python3 sha256sum cmp
setup_work
cd "$work" || bail_out "cannot enter $work"
check=$here/sbom-check.py

"$top_srcdir/tests/data/make-planted.sh" "$work" > make.log 2>&1 \
  || { tail -n 20 make.log | diag; bail_out "make-planted.sh failed"; }
[ -s clean/var/lib/dpkg/status ] || bail_out "make-planted.sh left no clean tree"

hostile=evil+pkg.1
half=vmscan-half
gone=vmscan-gone
python3 - clean/var/lib/dpkg/status "$hostile" "$half" "$gone" <<'PY'
import sys
path, hostile, half, gone = sys.argv[1:]
def stanza(name, status, version):
    return (b'Package: ' + name.encode() + b'\nStatus: ' + status +
            b'\nPriority: optional\nMaintainer: vmscan tests <t@example.org>'
            b'\nArchitecture: amd64\nVersion: ' + version +
            b'\nDescription: planted by test-sbom.sh\n')
with open(path, 'rb') as f:
    s = f.read().rstrip(b'\n') + b'\n'
s += b'\n' + stanza(hostile, b'install ok installed',
                    b'1:2.0+b1~r"c%/@?#&=\x01\xffx')
s += b'\n' + stanza(half, b'install reinstreq half-installed', b'1.0-1')
s += b'\n' + stanza(gone, b'deinstall ok config-files', b'2.0-1')
with open(path, 'wb') as f:
    f.write(s)
PY
[ $? -eq 0 ] || bail_out "cannot add the planted packages"

size=$(( $(du -sm clean | cut -f1) * 14 / 10 + 64 ))
truncate -s "${size}M" a.raw
mke2fs -q -F -t ext4 -L vmscan-root -d clean a.raw && e2fsck -fn a.raw > /dev/null \
  || bail_out "mke2fs failed"

scan () {
  "$VMSCAN" -q --no-progress --data-path host "$@" > scan.out 2> scan.err
  _rc=$?
  [ $_rc -le 1 ] || { diag < scan.err; bail_out "scan $* failed ($_rc)"; }
}
scan -o a.db a.raw
scan --no-checks -o n.db a.raw
sum_before=$(sha256sum a.db n.db)

plan 64

# ---- the reports -----------------------------------------------------------

for f in cyclonedx spdx; do
  "$VMSCAN" report a.db --format $f -o "a.$f" 2> "a.$f.err"
  rc=$?
  is "$rc:$(wc -c < "a.$f.err")" "0:0" "report --format $f exits 0, says nothing ($(head -c 200 "a.$f.err"))"
done
run_tap python3 "$check" main a.db a.cyclonedx a.spdx clean "$hostile" \
  "$half" "$gone"

# The same bytes again, to stdout this time.
"$VMSCAN" report a.db --format cyclonedx > again.cyclonedx 2> /dev/null
"$VMSCAN" report a.db --format spdx > again.spdx 2> /dev/null
ok "$(cmp -s a.cyclonedx again.cyclonedx && cmp -s a.spdx again.spdx; echo $?)" \
  "a second run gives the same bytes, both formats"

# ---- schemas ---------------------------------------------------------------

report_fetch_cyclonedx
report_fetch_spdx
# Debian's python3 has python3-jsonschema; one earlier on PATH may not.
SPY=
for p in python3 /usr/bin/python3; do
  if "$p" -c 'import jsonschema' 2> /dev/null; then
    SPY=$p
    break
  fi
done
if [ -z "$SPY" ]; then
  cdx_schema_dir= spdx_schema=
  cdx_why="no python3 with jsonschema (python3-jsonschema)"
  spdx_why=$cdx_why
fi

# ---- three operating systems, one package of none -------------------------

cp a.db m.db
python3 - m.db <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
scan = c.execute('SELECT id FROM scans').fetchone()[0]
def os_row(distro, major, minor, host):
    return c.execute('INSERT INTO operating_systems (scan_id, root_device, '
                     'type, distro, product_name, major_version, '
                     'minor_version, hostname, arch) VALUES (?, ?, ?, ?, ?, '
                     '?, ?, ?, ?)', (scan, '/dev/sdz%d' % (major or 0),
                     'linux', distro, 'Prod "%s"\n' % distro, major, minor,
                     host, 'x86_64')).lastrowid
def pkg(os_id, fmt, name, version, arch, status):
    c.execute('INSERT INTO packages (scan_id, os_id, format, name, version, '
              'arch, status) VALUES (?, ?, ?, ?, ?, ?, ?)',
              (scan, os_id, fmt, name, version, arch, status))
u = os_row('ubuntu', 22, 4, 'second')
h = os_row('Ev"il/OS x', None, None, 'third')
pkg(u, 'deb', 'ubuntu-pkg', '1.0-1ubuntu2', 'amd64', 'hold ok installed')
pkg(u, 'deb', 'ubuntu-unpacked', '1.0', 'amd64', 'install ok unpacked')
pkg(h, 'rpm', 'Foo Bar/"x\x01', '7:1.0-1.el9', 'x86_64', None)
pkg(None, 'deb', 'orphan', '3', 'all', 'install ok installed')
c.commit()
PY
for f in cyclonedx spdx; do
  "$VMSCAN" report m.db --format $f -o "m.$f" 2> "m.$f.err"
  ok $? "three OSes: report --format $f exits 0"
done
run_tap python3 "$check" multi m.db m.cyclonedx m.spdx

# ---- a scan made with --no-checks ------------------------------------------

for f in cyclonedx spdx; do
  "$VMSCAN" report n.db --format $f -o "n.$f" 2> "n.$f.err"
  rc=$?
  ok "$([ $rc -eq 0 ] && grep -q "^vmscan: warning: $f report: the scan ran no checks" "n.$f.err"; echo $?)" \
    "--no-checks: report --format $f exits 0 with a warning ($(head -c 160 "n.$f.err"))"
done
run_tap python3 "$check" empty n.db n.cyclonedx n.spdx

# ---- a database of schema version 5, an interrupted scan -------------------

cp a.db o.db
sqlite3 o.db "DROP TABLE packages; DROP TABLE accounts; PRAGMA user_version = 5"
"$VMSCAN" report o.db --format cyclonedx -o o.cyclonedx 2> o.err
rc=$?
ok "$([ $rc -eq 0 ] && grep -q 'schema version 5, which has no packages table' o.err \
  && python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
t = [c["type"] for c in d["components"]]
w = [p["value"] for p in d["metadata"]["properties"] if p["name"] == "vmscan:warning"]
sys.exit(not (t == ["operating-system"] and len(w) == 1 and "schema version 5" in w[0]))' \
       o.cyclonedx; echo $?)" \
  "a schema 5 database: the OS, no package, a warning on stderr and in the document (rc=$rc)"
cp a.db i.db
sqlite3 i.db "UPDATE scans SET status = 'interrupted'"
"$VMSCAN" report i.db --format spdx -o i.spdx 2> i.err
rc=$?
ok "$([ $rc -eq 0 ] && grep -q 'scan is not complete (status interrupted)' i.err \
  && python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(not ("not complete" in d.get("comment", "") and len(d["packages"]) > 1))' \
       i.spdx; echo $?)" \
  "an interrupted scan: its packages, and a warning on stderr and in the document (rc=$rc)"

# ---- at scan time, with the default names ---------------------------------

scan -o s.db --report cyclonedx --report spdx a.raw
ok "$([ -s s.cdx.json ] && [ -s s.spdx.json ] \
  && python3 -c 'import json, sys; [json.load(open(f)) for f in sys.argv[1:]]' \
       s.cdx.json s.spdx.json \
  && [ "$(grep -o '"type":"library"' s.cdx.json | wc -l)" -eq \
       "$(grep -o '"type":"library"' a.cyclonedx | wc -l)" ]; echo $?)" \
  "--report cyclonedx --report spdx: s.cdx.json and s.spdx.json, as many packages"

# ---- the official schemas --------------------------------------------------

for d in a m n; do
  if [ -n "$cdx_schema_dir" ]; then
    run_tap "$SPY" "$check" schema-cdx "$d.cyclonedx" "$cdx_schema_dir"
  else
    skip "$d.cyclonedx against the CycloneDX 1.5 schema: $cdx_why"
  fi
  if [ -n "$spdx_schema" ]; then
    run_tap "$SPY" "$check" schema-spdx "$d.spdx" "$spdx_schema"
  else
    skip "$d.spdx against the SPDX 2.3 schema: $spdx_why"
  fi
done

is "$(sha256sum a.db n.db)" "$sum_before" "the databases are unchanged"
test_done
