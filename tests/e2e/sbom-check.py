#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Checks vmscan's cyclonedx and spdx reports (test-sbom.sh) against what
vmscan did not compute: dpkg-query on the tree the image was made from,
the tree's os-release, the evidence database read with Python's sqlite3,
Python's uuid module, and a package-url parser of its own (below, written
from the purl specification's "how to parse").  Prints TAP.

  sbom-check.py main DB CDX SPDX TREE HOSTILE_NAME HALF_NAME GONE_NAME
  sbom-check.py multi DB CDX SPDX     (the database test-sbom.sh added to)
  sbom-check.py empty DB CDX SPDX     (a scan made with --no-checks)
  sbom-check.py schema-cdx DOC SCHEMA_DIR
  sbom-check.py schema-spdx DOC SCHEMA
"""
import json
import os
import re
import sqlite3
import subprocess
import sys
import uuid

n = 0
failed = 0


def ok(cond, what, detail=None):
    global n, failed
    n += 1
    if not cond:
        failed += 1
    print(('ok %d - %s' if cond else 'not ok %d - %s') % (n, what))
    if not cond and detail is not None:
        for line in str(detail).splitlines()[:25]:
            print('#   ' + line)


def skip(why):
    global n
    n += 1
    print('ok %d # SKIP %s' % (n, why))


# ---- a package-url parser --------------------------------------------------

PERMITTED = set(b'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
                b'0123456789.-_~%:/@?=&#')
UNENCODED = set(b'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
                b'0123456789.-_~:')


def pct_decode(s):
    """Percent-decodes s (str) to bytes; raises on a bad escape or on a
    character a canonical component would have encoded."""
    out = bytearray()
    i = 0
    raw = s.encode('ascii')
    while i < len(raw):
        c = raw[i]
        if c == 0x25:
            h = raw[i + 1:i + 3]
            if len(h) != 2 or not re.fullmatch(rb'[0-9A-F]{2}', h):
                raise ValueError('bad percent escape in %r' % s)
            out.append(int(h, 16))
            i += 3
            continue
        if c not in UNENCODED:
            raise ValueError('%r holds %r unencoded' % (s, chr(c)))
        out.append(c)
        i += 1
    return bytes(out)


def parse_purl(p):
    """Returns a dict: type, namespace (list of bytes), name, version
    (bytes or None), qualifiers (dict str -> bytes), keys (in order),
    subpath."""
    if not all(ord(ch) in PERMITTED for ch in p):
        raise ValueError('a character outside the permitted set')
    rest, _, subpath = p.partition('#') if '#' in p else (p, '', '')
    qualifiers, keys = {}, []
    if '?' in rest:
        rest, q = rest.rsplit('?', 1)
        for pair in q.split('&'):
            k, eq, v = pair.partition('=')
            if not eq or not k:
                raise ValueError('bad qualifier %r' % pair)
            if k != k.lower() or k in qualifiers:
                raise ValueError('bad or repeated key %r' % k)
            keys.append(k)
            qualifiers[k] = pct_decode(v)
    scheme, colon, rest = rest.partition(':')
    if scheme != 'pkg' or not colon:
        raise ValueError('scheme is not pkg')
    rest = rest.lstrip('/')
    typ, slash, rest = rest.partition('/')
    if not slash:
        raise ValueError('no type')
    version = None
    if '@' in rest:
        rest, v = rest.rsplit('@', 1)
        version = pct_decode(v)
    segs = rest.strip('/').split('/')
    name = pct_decode(segs[-1])
    ns = [pct_decode(x) for x in segs[:-1] if x]
    return {'type': typ, 'namespace': ns, 'name': name, 'version': version,
            'qualifiers': qualifiers, 'keys': keys, 'subpath': subpath}


def purl_problem(p):
    """None when p parses and its qualifiers are sorted, else why not."""
    try:
        d = parse_purl(p)
    except (ValueError, UnicodeEncodeError) as e:
        return '%s: %s' % (p, e)
    if d['keys'] != sorted(d['keys']):
        return '%s: qualifiers not sorted by key' % p
    return None


# ---- what the documents hold -----------------------------------------------

def lossy(b):
    """The text a JSON writer gives for bytes b: bad UTF-8 as U+FFFD."""
    return b.decode('utf-8', errors='replace')


def cdx_props(c):
    out = {}
    for p in c.get('properties', []):
        out.setdefault(p['name'], []).append(p['value'])
    return out


def cdx_libraries(cdx):
    return [c for c in cdx.get('components', []) if c['type'] == 'library']


def cdx_oses(cdx):
    return [c for c in cdx.get('components', [])
            if c['type'] == 'operating-system']


def spdx_libraries(spdx):
    return [p for p in spdx.get('packages', [])
            if p.get('primaryPackagePurpose') == 'LIBRARY']


def spdx_oses(spdx):
    return [p for p in spdx.get('packages', [])
            if p.get('primaryPackagePurpose') == 'OPERATING-SYSTEM']


def spdx_purl(p):
    refs = [r['referenceLocator'] for r in p.get('externalRefs', [])
            if r.get('referenceType') == 'purl']
    return refs[0] if len(refs) == 1 else None


def scan_row(db):
    """The scan's (started_at, host, finished_at, tool_version, uuid) as
    bytes (uuid None before schema version 7, which added it) and its
    images' sha256s in disk order."""
    c = sqlite3.connect('file:%s?mode=ro' % db, uri=True)
    c.text_factory = bytes
    cols = [r[1] for r in c.execute('PRAGMA table_info (scans)')]
    scan = c.execute('SELECT started_at, host, finished_at, tool_version, %s '
                     'FROM scans ORDER BY id LIMIT 1' %
                     ('uuid' if b'uuid' in cols else 'NULL')).fetchone()
    shas = [r[0] for r in c.execute('SELECT sha256 FROM images '
                                    'ORDER BY disk_index, id')]
    return c, scan, shas


def want_uuid(fmt, scan, shas):
    """The UUID the man page says the document has: version 5, SHA-1, in
    vmscan's namespace, of FORMAT, STARTED_AT, HOST, each SHA256 ("-" for
    none) and the scan's uuid if it has one, each ended by a newline."""
    import hashlib
    ns = uuid.UUID('e198ae4d-f352-4ca2-953b-a4ff261e6a03')
    name = fmt.encode() + b'\n' + (scan[0] or b'') + b'\n' + \
        (scan[1] or b'') + b'\n' + \
        b''.join((s or b'-') + b'\n' for s in shas) + \
        (scan[4] + b'\n' if scan[4] is not None else b'')
    # uuid.uuid5 takes a str name; the same digest over the bytes.
    h = hashlib.sha1(ns.bytes + name).digest()
    return uuid.UUID(bytes=h[:16], version=5)


def check_common(db, cdx, spdx, what):
    """What every pair of documents must satisfy."""
    c, scan, shas = scan_row(db)
    for fmt, got in (('cyclonedx', cdx.get('serialNumber', '')),
                     ('spdx', spdx.get('documentNamespace', ''))):
        want = 'urn:uuid:%s' % want_uuid(fmt, scan, shas)
        ok(got == want, '%s %s: the UUID is the RFC 4122 version 5 UUID '
           'of the scan (%s)' % (what, fmt, want), 'got %s' % got)
    ok(cdx.get('bomFormat') == 'CycloneDX' and cdx.get('specVersion') == '1.5'
       and cdx.get('version') == 1
       and cdx['metadata'].get('timestamp') == scan[2].decode()
       and cdx['metadata']['tools']['components'][0]['name'] == 'vmscan'
       and cdx['metadata']['tools']['components'][0]['version']
       == scan[3].decode()
       and cdx['metadata']['component']['type'] == 'device',
       '%s cyclonedx: bomFormat, specVersion 1.5, version 1, timestamp = '
       'the scan\'s finished_at, vmscan %s as the tool, the machine a '
       'device' % (what, scan[3].decode()), json.dumps(cdx['metadata'])[:800])
    ci = spdx.get('creationInfo', {})
    ok(spdx.get('spdxVersion') == 'SPDX-2.3'
       and spdx.get('dataLicense') == 'CC0-1.0'
       and spdx.get('SPDXID') == 'SPDXRef-DOCUMENT'
       and ci.get('created') == scan[2].decode()
       and ci.get('creators') == ['Tool: vmscan-%s' % scan[3].decode()],
       '%s spdx: SPDX-2.3, CC0-1.0, SPDXRef-DOCUMENT, created = finished_at, '
       'creators ["Tool: vmscan-%s"]' % (what, scan[3].decode()),
       json.dumps({k: spdx.get(k) for k in ('spdxVersion', 'dataLicense',
                                             'SPDXID', 'creationInfo')}))
    # References resolve, identifiers are unique and well formed.
    refs = [x.get('bom-ref') for x in cdx.get('components', [])] + \
        [cdx['metadata']['component'].get('bom-ref')]
    deps = cdx.get('dependencies', [])
    dangling = [r for d in deps for r in [d['ref']] + d.get('dependsOn', [])
                if r not in refs]
    ok(len(refs) == len(set(refs)) and None not in refs and not dangling,
       '%s cyclonedx: bom-refs unique, every dependency names one' % what,
       dangling[:10])
    ids = [p.get('SPDXID', '') for p in spdx.get('packages', [])]
    bad = [i for i in ids if not re.fullmatch(r'SPDXRef-[A-Za-z0-9.-]+', i)]
    rel_bad = [r for r in spdx.get('relationships', [])
               if r['spdxElementId'] not in ids + ['SPDXRef-DOCUMENT']
               or r['relatedSpdxElement'] not in ids]
    ok(not bad and len(ids) == len(set(ids)) and not rel_bad,
       '%s spdx: SPDXIDs unique and of [A-Za-z0-9.-], every relationship '
       'names them' % what, bad[:5] + rel_bad[:5])
    problems = [purl_problem(x['purl']) for x in cdx_libraries(cdx)] + \
        [purl_problem(spdx_purl(p) or '') for p in spdx_libraries(spdx)]
    problems = [p for p in problems if p]
    ok(not problems, '%s: every purl parses, canonically encoded, qualifiers '
       'sorted by key' % what, problems[:10])
    structural = spdx_structure(spdx)
    ok(not structural, '%s spdx: the structure SPDX 2.3 requires' % what,
       structural[:10])


SPDX_PACKAGE_KEYS = {
    'SPDXID', 'name', 'versionInfo', 'downloadLocation', 'filesAnalyzed',
    'supplier', 'licenseConcluded', 'licenseDeclared', 'copyrightText',
    'externalRefs', 'primaryPackagePurpose', 'description', 'comment',
    'annotations', 'attributionTexts', 'builtDate', 'checksums', 'hasFiles',
    'homepage', 'licenseComments', 'licenseInfoFromFiles', 'originator',
    'packageFileName', 'packageVerificationCode', 'releaseDate',
    'sourceInfo', 'summary', 'validUntilDate'}
SPDX_DOC_KEYS = {
    'spdxVersion', 'dataLicense', 'SPDXID', 'name', 'documentNamespace',
    'creationInfo', 'comment', 'packages', 'relationships', 'annotations',
    'documentDescribes', 'externalDocumentRefs', 'files',
    'hasExtractedLicensingInfos', 'snippets', 'revieweds', '$schema'}
# As SPDX 2.3's text and spdx-spec's current schema spell them (the schema
# first tagged v2.3 had OPERATING_SYSTEM).
PURPOSES = {'APPLICATION', 'FRAMEWORK', 'LIBRARY', 'CONTAINER',
            'OPERATING-SYSTEM', 'DEVICE', 'FIRMWARE', 'SOURCE', 'ARCHIVE',
            'FILE', 'INSTALL', 'OTHER'}


def spdx_structure(d):
    """What the SPDX 2.3 specification and its JSON schema require of the
    parts vmscan writes, checked by hand (the schema itself may not be
    at hand)."""
    out = []
    for k in ('spdxVersion', 'dataLicense', 'SPDXID', 'name',
              'documentNamespace', 'creationInfo'):
        if not isinstance(d.get(k), (str, dict)):
            out.append('document lacks %s' % k)
    out += ['document has %s' % k for k in d if k not in SPDX_DOC_KEYS]
    ns = d.get('documentNamespace', '')
    if '#' in ns or not re.match(r'[A-Za-z][A-Za-z0-9+.-]*:', ns):
        out.append('documentNamespace %r is no absolute URI' % ns)
    ci = d.get('creationInfo', {})
    out += ['creationInfo has %s' % k for k in ci
            if k not in ('comment', 'created', 'creators',
                         'licenseListVersion')]
    if not re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ',
                        ci.get('created', '')):
        out.append('created %r' % ci.get('created'))
    if not ci.get('creators') or not all(
            re.match(r'(Tool|Person|Organization): ', c)
            for c in ci['creators']):
        out.append('creators %r' % ci.get('creators'))
    for p in d.get('packages', []):
        for k in ('SPDXID', 'name', 'downloadLocation'):
            if not isinstance(p.get(k), str):
                out.append('package %s lacks %s' % (p.get('SPDXID'), k))
        out += ['package has %s' % k for k in p if k not in SPDX_PACKAGE_KEYS]
        if p.get('filesAnalyzed') is not False:
            out.append('%s: filesAnalyzed' % p.get('SPDXID'))
        if p.get('primaryPackagePurpose') not in PURPOSES:
            out.append('%s: purpose %r' % (p.get('SPDXID'),
                                           p.get('primaryPackagePurpose')))
        for r in p.get('externalRefs', []):
            if set(r) != {'referenceCategory', 'referenceType',
                          'referenceLocator'} \
                    or r['referenceCategory'] not in ('PACKAGE-MANAGER',
                                                      'PACKAGE_MANAGER'):
                out.append('%s: externalRef %r' % (p.get('SPDXID'), r))
    for r in d.get('relationships', []):
        if set(r) != {'spdxElementId', 'relationshipType',
                      'relatedSpdxElement'} \
                or r['relationshipType'] not in ('DESCRIBES', 'CONTAINS'):
            out.append('relationship %r' % r)
    return out


def dpkg_reference(tree):
    """(abbrev, name, version, arch) bytes of every package dpkg-query
    reads in the tree's database."""
    out = subprocess.run(
        ['dpkg-query', '--admindir=%s/var/lib/dpkg' % tree, '-W', '-f',
         '${db:Status-Abbrev}\\t${Package}\\t${Version}\\t${Architecture}\\n'],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True).stdout
    rows = []
    for line in out.split(b'\n'):
        if line:
            rows.append(tuple(line.split(b'\t')))
    return rows


def os_release(tree):
    vals = {}
    for rel in ('etc/os-release', 'usr/lib/os-release'):
        p = os.path.join(tree, rel)
        if os.path.exists(p):
            for line in open(p, encoding='utf-8'):
                k, eq, v = line.strip().partition('=')
                if eq:
                    vals[k] = v.strip('"')
            break
    return vals


def cmd_main(db, cdx_path, spdx_path, tree, hostile, half, gone):
    cdx = json.load(open(cdx_path))
    spdx = json.load(open(spdx_path))
    ref = dpkg_reference(tree)
    # dpkg's state "installed" is the second letter of the abbreviation.
    want = sorted((r[1], r[2], r[3]) for r in ref if r[0][1:2] == b'i')
    hostile, half, gone = (os.fsencode(x) for x in (hostile, half, gone))
    rel = os_release(tree)
    ok(any(w[0] == hostile for w in want) and
       any(r[1] == half and r[0][1:2] != b'i' for r in ref) and
       any(r[1] == gone and r[0][1:2] != b'i' for r in ref),
       'dpkg-query reads the hostile package as installed, %s and %s as '
       'not' % (half.decode(), gone.decode()), ref[:5])
    check_common(db, cdx, spdx, 'main')

    libs = cdx_libraries(cdx)
    got = sorted((x['name'], x.get('version'), cdx_props(x).get(
        'vmscan:arch', [None])[0]) for x in libs)
    ok(got == sorted((lossy(a), lossy(b), lossy(c)) for a, b, c in want)
       and len(libs) == len(want),
       'cyclonedx: the library components are dpkg-query\'s installed '
       'packages (%d), name, version and arch' % len(want),
       'missing %s\nextra %s' % (
           [w for w in want if (lossy(w[0]), lossy(w[1]), lossy(w[2]))
            not in got][:5],
           [g for g in got if g not in [(lossy(a), lossy(b), lossy(c))
                                        for a, b, c in want]][:5]))
    slibs = spdx_libraries(spdx)
    sgot = sorted((p['name'], p.get('versionInfo'),
                   lossy(parse_purl(spdx_purl(p))['qualifiers'].get(
                       'arch', b''))) for p in slibs)
    ok(sgot == sorted((lossy(a), lossy(b), lossy(c)) for a, b, c in want),
       'spdx: the LIBRARY packages are dpkg-query\'s installed packages '
       '(%d)' % len(want), 'got %d' % len(sgot))

    # The purls give back the exact bytes.
    for label, purls in (('cyclonedx', [x['purl'] for x in libs]),
                         ('spdx', [spdx_purl(p) for p in slibs])):
        dec = [parse_purl(p) for p in purls]
        exact = sorted((d['name'], d['version'], d['qualifiers'].get('arch'))
                       for d in dec)
        ok(exact == want, '%s: every purl decodes to the exact name, '
           'version and arch dpkg-query reads' % label,
           [e for e in exact if e not in want][:5])
        distro = '%s-%s' % (rel.get('ID'), rel.get('VERSION_ID'))
        bad = [p for p, d in zip(purls, dec)
               if d['type'] != 'deb'
               or d['namespace'] != [rel.get('ID', '').encode()]
               or d['qualifiers'].get('distro') != distro.encode()
               or set(d['qualifiers']) != {'arch', 'distro'}]
        ok(not bad, '%s: every purl is pkg:deb/%s/NAME@VERSION?arch=ARCH&'
           'distro=%s' % (label, rel.get('ID'), distro), bad[:5])
    hp = [x['purl'] for x in libs if parse_purl(x['purl'])['name'] == hostile]
    hv = [w[1] for w in want if w[0] == hostile]
    ok(len(hp) == 1 and parse_purl(hp[0])['version'] == hv[0]
       and '%2B' in hp[0] and '%22' in hp[0] and '%40' in hp[0]
       and '%01' in hp[0] and '%FF' in hp[0],
       'the hostile package\'s purl has + " @ and the control and bad '
       'bytes percent-encoded and round-trips (%s)' % (hp[:1],),
       'want version %r' % hv)
    hc = [x for x in libs if parse_purl(x['purl'])['name'] == hostile]
    ok(hc and cdx_props(hc[0]).get('vmscan:version_hex') == [hv[0].hex()],
       'cyclonedx: the hostile version\'s exact bytes in vmscan:version_hex')

    c = sqlite3.connect('file:%s?mode=ro' % db, uri=True)
    in_table = c.execute('SELECT count (*) FROM packages WHERE name = ?',
                         (half.decode(),)).fetchone()[0]
    names = {x['name'] for x in libs} | {p['name'] for p in slibs}
    ok(in_table == 1 and half.decode() not in names
       and gone.decode() not in names,
       'the half-installed package (in the packages table: %d row) and the '
       'config-files one are in neither document' % in_table)
    order = [(x['name'].encode('utf-8', 'surrogateescape'),) for x in libs]
    ok([x['name'] for x in libs] == [lossy(w[0]) for w in
                                     sorted(want, key=lambda w: (w[0], w[2],
                                                                 w[1]))],
       'cyclonedx: packages in order of name, arch, version', order[:3])

    oses = cdx_oses(cdx)
    ok(len(oses) == 1 and oses[0]['name'] == rel.get('ID')
       and oses[0].get('version') == rel.get('VERSION_ID'),
       'cyclonedx: one operating-system component, %s %s as os-release '
       'says' % (rel.get('ID'), rel.get('VERSION_ID')), oses)
    deps = {d['ref']: d.get('dependsOn', []) for d in cdx['dependencies']}
    os_ref = oses[0]['bom-ref'] if oses else None
    ok(deps.get(cdx['metadata']['component']['bom-ref']) == [os_ref]
       and sorted(deps.get(os_ref, [])) == sorted(x['bom-ref'] for x in libs)
       and len(set(deps.get(os_ref, []))) == len(libs),
       'cyclonedx: the machine depends on the OS, the OS on each package '
       'once', {k: v[:3] for k, v in deps.items()})
    soses = spdx_oses(spdx)
    rels = spdx['relationships']
    describes = [r for r in rels if r['relationshipType'] == 'DESCRIBES']
    contains = [r for r in rels if r['relationshipType'] == 'CONTAINS']
    ok(len(soses) == 1 and soses[0]['name'] == rel.get('ID')
       and soses[0].get('versionInfo') == rel.get('VERSION_ID')
       and describes == [{'spdxElementId': 'SPDXRef-DOCUMENT',
                          'relationshipType': 'DESCRIBES',
                          'relatedSpdxElement': soses[0]['SPDXID']}]
       and sorted(r['relatedSpdxElement'] for r in contains)
       == sorted(p['SPDXID'] for p in slibs)
       and all(r['spdxElementId'] == soses[0]['SPDXID'] for r in contains),
       'spdx: the document DESCRIBES the OS, which CONTAINS each package '
       'once', describes)
    unknown = [p['SPDXID'] for p in slibs
               if p.get('downloadLocation') != 'NOASSERTION'
               or p.get('supplier') != 'NOASSERTION'
               or p.get('licenseConcluded') != 'NOASSERTION']
    ok(not unknown, 'spdx: downloadLocation, supplier and licenseConcluded '
       'NOASSERTION', unknown[:5])


def cmd_multi(db, cdx_path, spdx_path):
    """The database with two more operating systems (Ubuntu 22.04 and one
    with a hostile distro and no version), their packages and a package
    of no OS, added by test-sbom.sh."""
    cdx = json.load(open(cdx_path))
    spdx = json.load(open(spdx_path))
    check_common(db, cdx, spdx, 'three OSes')
    c = sqlite3.connect('file:%s?mode=ro' % db, uri=True)
    c.text_factory = bytes
    oses = c.execute('SELECT id, distro FROM operating_systems '
                     'ORDER BY id').fetchall()
    cos = cdx_oses(cdx)
    ok([x['bom-ref'] for x in cos] == ['os-%d' % o[0] for o in oses]
       and [x.get('version') for x in cos][1:] == ['22.04', None],
       'cyclonedx: an operating-system component per OS, in id order; '
       'Ubuntu 22.04, the other without a version',
       [(x['bom-ref'], x.get('version')) for x in cos])
    deps = {d['ref']: d.get('dependsOn', []) for d in cdx['dependencies']}
    libs = {x['bom-ref']: x for x in cdx_libraries(cdx)}
    want = {}
    for pid, os_id, fmt, name, ver, arch in c.execute(
            'SELECT id, os_id, format, name, version, arch FROM packages '
            'ORDER BY id'):
        want[pid] = (os_id, fmt, name, ver, arch)
    wrong = []
    for pid, (os_id, fmt, name, ver, arch) in want.items():
        ref = 'package-%d' % pid
        if ref not in libs:
            continue            # not installed (deb status)
        parent = [k for k, v in deps.items() if ref in v]
        wantp = ['os-%d' % os_id] if os_id is not None else ['machine']
        if parent != wantp:
            wrong.append((ref, parent, wantp))
    ok(not wrong and len(libs) > 0,
       'cyclonedx: each package is tied to its own OS, the one of no OS to '
       'the machine', wrong[:5])
    by_name = {parse_purl(x['purl'])['name']: parse_purl(x['purl'])
               for x in libs.values()}
    u = by_name.get(b'ubuntu-pkg')
    ok(u is not None and u['namespace'] == [b'ubuntu']
       and u['qualifiers'].get('distro') == b'ubuntu-22.04',
       'cyclonedx: the Ubuntu package is pkg:deb/ubuntu/...&distro='
       'ubuntu-22.04', u)
    r = by_name.get(b'Foo Bar/"x\x01')
    ok(r is not None and r['type'] == 'rpm'
       and r['namespace'] == [b'ev"il/os x']
       and r['version'] == b'1.0-1.el9' and r['qualifiers'].get('epoch')
       == b'7' and r['qualifiers'].get('distro') == b'ev"il/os x'
       and r['qualifiers'].get('arch') == b'x86_64',
       'the rpm\'s purl: name as it is, the hostile distro lowercased and '
       'encoded, epoch 7 a qualifier, version-release the version', r)
    o = by_name.get(b'orphan')
    ok(o is not None and o['namespace'] == [] and 'distro' not in
       o['qualifiers'], 'the package of no OS: a purl without namespace or '
       'distro', o)
    sp = {p['SPDXID']: p for p in spdx['packages']}
    rels = spdx['relationships']
    orphan_id = [k for k, p in sp.items() if p['name'] == 'orphan']
    ok(len(orphan_id) == 1 and {'spdxElementId': 'SPDXRef-DOCUMENT',
                                'relationshipType': 'DESCRIBES',
                                'relatedSpdxElement': orphan_id[0]} in rels
       and len([x for x in rels if x['relationshipType'] == 'DESCRIBES'])
       == len(oses) + 1,
       'spdx: the document DESCRIBES each OS and the package of no OS')


def cmd_empty(db, cdx_path, spdx_path):
    cdx = json.load(open(cdx_path))
    spdx = json.load(open(spdx_path))
    check_common(db, cdx, spdx, '--no-checks')
    warn = cdx_props({'properties': cdx['metadata'].get('properties', [])})
    ok(not cdx_libraries(cdx) and len(cdx_oses(cdx)) == 1
       and any('ran no checks' in w for w in warn.get('vmscan:warning', [])),
       'cyclonedx of a --no-checks scan: the OS, no package, a '
       'vmscan:warning saying why', warn)
    ok(not spdx_libraries(spdx) and len(spdx_oses(spdx)) == 1
       and 'ran no checks' in spdx.get('comment', ''),
       'spdx of a --no-checks scan: the OS, no package, the warning in '
       'the document\'s comment', spdx.get('comment'))


def validator(schema, store):
    """A validator of schema whose $refs resolve in store, offline:
    through the referencing library where jsonschema has it (4.18 and
    later), else through RefResolver (Debian 12's 4.10)."""
    import jsonschema
    cls = jsonschema.validators.validator_for(schema)
    fc = jsonschema.FormatChecker()
    try:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT7
    except ImportError:
        resolver = jsonschema.RefResolver.from_schema(schema, store=store)
        return cls(schema, resolver=resolver, format_checker=fc)
    registry = Registry().with_resources(
        (uri, Resource.from_contents(s, default_specification=DRAFT7))
        for uri, s in store.items())
    return cls(schema, registry=registry, format_checker=fc)


def report_errors(v, doc, what):
    errs = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
    ok(not errs, what, '\n'.join('%s: %s' % (list(e.path)[:6],
                                            e.message[:200])
                                 for e in errs[:8]))


def cmd_schema_cdx(doc, d):
    bom = json.load(open(os.path.join(d, 'bom-1.5.SNAPSHOT.schema.json')))
    store = {}
    for f in ('spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json'):
        s = json.load(open(os.path.join(d, f)))
        # The bom schema names them by file, relative to its own $id.
        store['http://cyclonedx.org/schema/' + f] = s
        store[s['$id']] = s
    report_errors(validator(bom, store), json.load(open(doc)),
                  '%s: valid against the CycloneDX 1.5 JSON schema' %
                  os.path.basename(doc))


def cmd_schema_spdx(doc, path):
    s = json.load(open(path))
    report_errors(validator(s, {}), json.load(open(doc)),
                  '%s: valid against the SPDX 2.3 JSON schema' %
                  os.path.basename(doc))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    {'main': cmd_main, 'multi': cmd_multi, 'empty': cmd_empty,
     'schema-cdx': cmd_schema_cdx, 'schema-spdx': cmd_schema_spdx}[cmd](*args)
    print('1..%d' % n)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
