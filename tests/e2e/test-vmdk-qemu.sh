#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# TAP test: qemu itself is the ground truth for vmscan's VMDK check.
# Builds crafted VMDKs (the bypasses of issue 10 and generated variants:
# capacity 0, keys anywhere in the text, any white space after RW, CRLF,
# a parent hint in sector 1 while the header points elsewhere), each
# naming a scratch file in this test's work folder, never a host file.
# For each, runs the real qemu-img info --backing-chain under strace and
# sees whether qemu opened (or tried to open) the scratch file or named
# it in its report.  Asserts that vmscan refused every such image, with
# exit 2 and one line on stderr, and that the good images qemu-img makes
# are accepted by both.  The probe is tests/unit/unit-image, so that an image
# vmscan wrongly accepted does not launch the appliance; vmscan itself is
# run only on images the probe refused.  Launches no appliance.
set -u

. "$(dirname "$0")/../lib.sh"
unit=$top_builddir/tests/unit/unit-image

require_vmscan
[ -x "$unit" ] || skip_all "tests/unit/unit-image not built"
require_cmd qemu-img strace python3 timeout
setup_work
cd "$work" || bail_out "cannot enter $work"

# The file a crafted image names.  Its name is what the trace is
# searched for.
scratch="scratch-target.raw"
head -c 1048576 /dev/zero > $scratch
head -c 1048576 /dev/urandom > data.raw

qemu-img create -q -f vmdk good-sparse.vmdk 1M
qemu-img create -q -f vmdk -o subformat=streamOptimized good-stream.vmdk 1M
qemu-img convert -f raw -O vmdk data.raw good-convert.vmdk
qemu-img convert -f raw -O vmdk -o subformat=streamOptimized data.raw \
  good-convert-stream.vmdk

# Writes the crafted images, and cases.txt: one line per image, its name
# and what qemu is known to do with it ("opens": a reproducer, qemu must
# open the scratch file or the case proves nothing; "good": qemu and
# vmscan must both accept it; "any": qemu decides).
python3 - "$work/$scratch" <<'EOF' || skip_all "python3 could not craft the images"
import struct, sys

scratch = sys.argv[1]
base = bytearray(open("good-sparse.vmdk", "rb").read())
WINDOW = 20 * 512
cases = open("cases.txt", "w")

def descriptor(create="monolithicSparse", extent='RW 2048 SPARSE "x.vmdk"',
               before="", after="", eol="\n"):
    lines = ["# Disk DescriptorFile", "version=1", "CID=4a770281",
             "parentCID=ffffffff"] + ([before] if before else []) + [
             'createType="%s"' % create, "", "# Extent description",
             extent] + ([after] if after else []) + [
             "", "# The Disk Data Base", "#DDB", "",
             'ddb.virtualHWVersion = "4"', 'ddb.adapterType = "ide"']
    return (eol.join(lines) + eol).encode()

def make(name, kind, text, capacity=2048, desc_sector=1, tail=b""):
    b = bytearray(base)
    b[12:20] = struct.pack("<Q", capacity)
    b[28:36] = struct.pack("<Q", desc_sector)
    b[512:512 + WINDOW] = text[:WINDOW] + b"\0" * (WINDOW - len(text[:WINDOW]))
    b += tail
    open(name + ".vmdk", "wb").write(bytes(b))
    cases.write("%s %s\n" % (name, kind))

for eol, e in (("\n", "lf"), ("\r\n", "crlf")):
    # Capacity 0: qemu reads the descriptor as a descriptor file.
    make("cap0-flat-" + e, "opens",
         descriptor("monolithicFlat", 'RW 2048 FLAT "%s" 0' % scratch,
                    eol=eol), capacity=0)
    # The same, dressed to pass the old line-start reading: createType
    # first in a comment, an RW<tab> extent, one plain sparse line.
    make("cap0-disguised-" + e, "opens",
         descriptor("monolithicSparse", 'RW\t2048 FLAT "%s" 0' % scratch,
                    before='#createType="monolithicFlat"',
                    after='RW 2048 SPARSE "missing.vmdk"', eol=eol),
         capacity=0)
    # A parent hint in a comment, and mid-line.
    make("parent-comment-" + e, "opens",
         descriptor(before='# parentFileNameHint="%s"' % scratch, eol=eol))
    make("parent-midline-" + e, "opens",
         descriptor(after='ddb.uuid = "x" parentFileNameHint="%s"' % scratch,
                    eol=eol))
    make("parent-relative-" + e, "opens",
         descriptor(before='parentFileNameHint="scratch-target.raw"',
                    eol=eol))
    # A parent hint in sector 1, a clean descriptor where the header
    # points (a sector appended at the end).
    sectors = len(base) // 512
    make("parent-sector1-" + e, "opens",
         descriptor(before='parentFileNameHint="%s"' % scratch, eol=eol),
         desc_sector=sectors, tail=descriptor(eol=eol).ljust(WINDOW, b"\0"))
    # Capacity 0 with the descriptor file elsewhere.
    make("cap0-elsewhere-" + e, "opens", descriptor(eol=eol), capacity=0,
         desc_sector=sectors,
         tail=descriptor("monolithicFlat", 'RW 2048 FLAT "%s" 0' % scratch,
                         eol=eol).ljust(WINDOW, b"\0"))
    # Good: the qemu-img descriptor with this line ending, comments and
    # blank lines.
    make("good-text-" + e, "good",
         descriptor(before="# a comment", after="   ", eol=eol))

    # Generated: every white space after RW and between the words, every
    # extent type, both capacities, a disguised createType or not.
    seps = {"sp": " ", "tab": "\t", "ff": "\f", "vt": "\v", "cr": "\r",
            "nl": "\n"}
    types = {"flat": 'FLAT "%s" 0', "vmfs": 'VMFS "%s"',
             "sparse": 'SPARSE "%s"', "vmfssparse": 'VMFSSPARSE "%s"',
             "sesparse": 'SESPARSE "%s"'}
    for sn, sep in seps.items():
        for tn, t in types.items():
            for cap in (0, 2048):
                for disguise in (0, 1):
                    extent = "RW" + sep + "2048" + sep + (t % scratch).replace(
                        " ", sep, 1)
                    if disguise:
                        text = descriptor("monolithicSparse", extent,
                                          before='#createType="vmfs"',
                                          after='RW 2048 SPARSE "m.vmdk"',
                                          eol=eol)
                    else:
                        text = descriptor("monolithicFlat", extent, eol=eol)
                    make("gen-%s-%s-cap%d-d%d-%s" % (sn, tn, cap, disguise, e),
                         "any", text, capacity=cap)
cases.close()
EOF

for g in good-sparse good-stream good-convert good-convert-stream; do
  echo "$g good" >> cases.txt
done

opened_total=0
while read -r name kind; do
  img=$name.vmdk
  before=$(sha256sum < $scratch)
  timeout 60 strace -f -e trace=%file -o "$name.trace" \
    qemu-img info --output=json --backing-chain "$img" \
    < /dev/null > "$name.json" 2> "$name.err"
  qrc=$?
  opened=1
  if grep -q "scratch-target" "$name.trace" "$name.json" "$name.err"; then
    opened=0
    opened_total=$((opened_total + 1))
  fi
  [ "$before" = "$(sha256sum < $scratch)" ] \
    || ok 1 "$name: qemu-img info changed the scratch file"
  "$unit" "$img" < /dev/null > "$name.probe" 2>&1
  accepted=1
  grep -q "^ok 1 - accepted" "$name.probe" && accepted=0
  case $kind in
    opens)
      ok $opened "$name: qemu opens the scratch file the image names (the case is real)"
      ;;
    good)
      [ $qrc -eq 0 ] && [ $opened -ne 0 ]
      ok $? "$name: qemu-img info accepts it and opens nothing else (rc=$qrc)"
      ok $accepted "$name: vmscan accepts it ($(grep -v '^1\.\.' "$name.probe" | head -c 300))"
      continue
      ;;
  esac
  if [ $opened -ne 0 ]; then
    if [ $accepted -eq 0 ]; then
      echo "# $name: qemu opens nothing else; vmscan accepts it"
    else
      echo "# $name: qemu opens nothing else; vmscan refuses it (stricter)"
    fi
    continue
  fi
  if [ $accepted -eq 0 ]; then
    ok 1 "$name: qemu opened the scratch file, vmscan's check accepted the image"
    continue
  fi
  "$VMSCAN" -q -o "$name.db" "$img" < /dev/null > "$name.out" \
    2> "$name.vmscan"
  rc=$?
  lines=$(wc -l < "$name.vmscan")
  [ $rc -eq 2 ] && [ "$lines" -eq 1 ]
  ok $? "$name: qemu opened the scratch file, vmscan refused it with exit 2 and one line (rc=$rc: $(head -c 300 "$name.vmscan"))"
done < cases.txt

# The generated variants must include images qemu opens the scratch file
# for, or the matrix tests nothing.
[ $opened_total -ge 40 ]
ok $? "qemu opened the scratch file for $opened_total of the crafted images (at least 40)"

test_done
