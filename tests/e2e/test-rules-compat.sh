#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# TAP test: rule sets written for LOKI and THOR, through the command line
# on a small ext4 image read on the host (no appliance):
#
# - rules in the style of signature-base's cloaked-file and generic
#   anomaly rules (written here: extension with its dot, LOKI's filetype
#   names, filepath the folder, filename, md5, negated tests) match in
#   vmscan exactly the files the yara command line matches when given
#   LOKI's values for each file, computed here the way loki.py does
#   (os.path and the first bytes against LOKI's signatures for the types
#   in the image): an ELF named x.jpg matches, a real JPEG does not;
# - numeric severities and scores give the severities of vmscan(1)'s
#   table: Elastic's EICAR rule (severity = 1) low, score = 80 high, a
#   level name before any number, a severity number before a score;
# - a rule folder with two files that do not compile: exit 2, each named
#   on its own line of stderr and in an errors row; with --skip-bad-rules
#   the scan completes, an errors row (stage rules) names each file and
#   why, and rule_files holds only the others.
set -u

. "$(dirname "$0")/../lib.sh"
require_vmscan
require_cmd mke2fs yara sqlite3 python3 md5sum

setup_work
cd "$work" || exit 1
mkdir -p t/srv/img t/opt t/home/u t/etc rules
# A 64-bit ELF header and some bytes; a JPEG (JFIF) start; PHP.
elf() {
  printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000%s' "$1"
}
elf 'cloaked' > t/srv/img/x.jpg
elf 'where it belongs' > t/opt/x.bin
elf 'hidden' > t/home/u/.x.JPG
printf '\377\330\377\340\000\020JFIF\000\001\001\000' > t/srv/img/real.jpg
printf '<?php system($_GET["c"]); ?>\n' > t/srv/img/Photo.JPEG
printf 'MZ\220\000\003' > t/opt/tool.exe
printf 'X5O!P%%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*' \
  > t/eicar.com
printf 'root:x:0:0:root:/root:/bin/sh\n' > t/etc/passwd
mke2fs -q -F -t ext4 -d t img.raw 16M > /dev/null 2>&1 \
  || bail_out "mke2fs -d failed"
binmd5=$(md5sum < t/opt/x.bin | cut -c1-32)

cat > rules/cloak.yar <<EOF
rule cloaked_known_type {
  meta:
    description = "known type under an image's extension"
    score = 60
  condition:
    (extension == ".jpg" or extension == ".jpeg") and
    (filetype == "ELF" or filetype == "EXE" or filetype == "PHP")
}
rule elf_not_named_as_image {
  meta:
    score = 40
  condition:
    filetype == "ELF" and not (extension == ".jpg" or extension == ".jpeg")
}
rule unknown_in_image_folder {
  meta:
    severity = "info"
  condition:
    filepath == "/srv/img" and not filename matches /^real\./ and
    not filetype == "JPEG"
}
rule exe_by_type_and_extension {
  meta:
    score = 75
  condition:
    filetype == "EXE" and extension == ".exe" and filepath contains "opt"
}
rule md5_of_the_binary {
  condition:
    md5 == "$binmd5"
}
EOF
cat > rules/eicar.yar <<'EOF'
rule eicar_severity_1 {
  meta:
    severity = 1
  strings:
    $a = "EICAR-STANDARD-ANTIVIRUS-TEST-FILE"
  condition:
    $a
}
rule eicar_score_80 {
  meta:
    score = 80
  strings:
    $a = "EICAR-STANDARD-ANTIVIRUS-TEST-FILE"
  condition:
    $a
}
rule eicar_severity_100 {
  meta:
    severity = 100
  strings:
    $a = "EICAR-STANDARD-ANTIVIRUS-TEST-FILE"
  condition:
    $a
}
rule eicar_level_before_score {
  meta:
    severity = "medium"
    score = 95
  strings:
    $a = "EICAR-STANDARD-ANTIVIRUS-TEST-FILE"
  condition:
    $a
}
rule eicar_severity_before_score {
  meta:
    severity = 50
    score = 10
  strings:
    $a = "EICAR-STANDARD-ANTIVIRUS-TEST-FILE"
  condition:
    $a and extension == ".com" and filename == "eicar.com"
}
EOF

plan 17

# ---- the externals ---------------------------------------------------------

"$VMSCAN" -q --data-path host -r rules -o a.db img.raw > scan.out 2>&1
rc=$?
is "$rc" 1 "scan with the rules: exit 1 (found)"
[ "$rc" -le 1 ] || diag < scan.out
sqlite3 a.db "SELECT f.path || ' ' || m.rule FROM yara_matches m
              JOIN files f ON f.id = m.file_id" | LC_ALL=C sort > vmscan.txt

# The yara command line, with LOKI's values for each file of the tree.
python3 - t rules/cloak.yar rules/eicar.yar > yara.txt 2> yara.err <<'PY'
import hashlib, os, subprocess, sys
top, rules = sys.argv[1], sys.argv[2:]
# LOKI's get_file_type for the types in this image (signature-base's
# misc/file-type-signatures.txt, first match wins).
SIGS = [(b"\xff\xd8\xff", "JPEG"), (b"<?php", "PHP"), (b"\x7fE", "ELF"),
        (b"MZ", "EXE")]
out = []
for root, dirs, files in os.walk(top):
    for name in files:
        p = os.path.join(root, name)
        gpath = "/" + os.path.relpath(p, top)
        data = open(p, "rb").read()
        ftype = next((t for m, t in SIGS if data.startswith(m)), "UNKNOWN")
        ext = {
            "filename": name,
            "filepath": os.path.split(gpath)[0],
            "extension": os.path.splitext(gpath)[1].lower(),
            "filetype": ftype,
            "md5": hashlib.md5(data).hexdigest(),
            "owner": "0",
        }
        cmd = ["yara", "-w"]
        for k, v in ext.items():
            cmd += ["-d", "%s=%s" % (k, v)]
        r = subprocess.run(cmd + rules + [p], stdout=subprocess.PIPE,
                           check=True, text=True)
        out += ["%s %s" % (gpath, l.split(" ", 1)[0])
                for l in r.stdout.splitlines() if l]
print("\n".join(sorted(out)))
PY
LC_ALL=C sort -o yara.txt yara.txt
if [ -s yara.txt ] && cmp -s vmscan.txt yara.txt; then
  ok 0 "vmscan matches what yara matches with LOKI's values ($(wc -l < yara.txt) matches)"
else
  not_ok "vmscan matches what yara matches with LOKI's values"
  diff vmscan.txt yara.txt | diag
  diag < yara.err
fi
for want in "/srv/img/x.jpg cloaked_known_type" \
            "/srv/img/Photo.JPEG cloaked_known_type" \
            "/home/u/.x.JPG cloaked_known_type" \
            "/opt/x.bin elf_not_named_as_image" \
            "/opt/x.bin md5_of_the_binary" \
            "/opt/tool.exe exe_by_type_and_extension"; do
  if grep -Fqx -- "$want" vmscan.txt; then
    ok 0 "match: $want"
  else
    not_ok "match: $want"
  fi
done
if grep -q "^/srv/img/real.jpg " vmscan.txt \
   || grep -q "^/srv/img/x.jpg elf_not" vmscan.txt; then
  not_ok "a real JPEG named .jpg matches nothing; the negated test holds"
  diag < vmscan.txt
else
  ok 0 "a real JPEG named .jpg matches nothing; the negated test holds"
fi

# ---- severities ------------------------------------------------------------

sqlite3 a.db "SELECT substr(title, 6, instr(title, ':') - 6) || ' ' || severity
              FROM findings WHERE check_id = 'yara' AND path = '/eicar.com'" |
  LC_ALL=C sort > sev.txt
cat > sev.want <<'EOF'
eicar_level_before_score medium
eicar_score_80 high
eicar_severity_1 low
eicar_severity_100 critical
eicar_severity_before_score high
EOF
if cmp -s sev.txt sev.want; then
  ok 0 "EICAR: severity 1 low, score 80 high, severity 100 critical, a level before a score, a severity before a score"
else
  not_ok "EICAR findings have the table's severities"
  diff sev.txt sev.want | diag
fi
is "$(sqlite3 a.db "SELECT group_concat(severity, ' ') FROM (SELECT f.severity
       FROM findings f WHERE f.check_id = 'yara' AND f.path = '/opt/x.bin'
       ORDER BY f.title)")" "low high" \
   "score 40 low; no severity or score high"

# ---- rule files that do not compile ----------------------------------------

mkdir bad
cp rules/cloak.yar rules/eicar.yar bad/
printf 'rule broken_syntax {\n  condition:\n    filesize >\n}\n' > bad/b1.yar
printf 'rule uses_thor_group {\n  condition:\n    group == "root"\n}\n' \
  > bad/b2.yar
"$VMSCAN" --data-path host -r bad -o b.db img.raw > b.out 2> b.err
rc=$?
is "$rc" 2 "a folder with two bad rule files: exit 2"
if [ "$(grep -c 'bad/b1\.yar:[0-9]*: ' b.err)" = 1 ] \
   && [ "$(grep -c 'bad/b2\.yar:3: .*group' b.err)" = 1 ]; then
  ok 0 "each bad file on its own line of stderr, with its line and error"
else
  not_ok "each bad file on its own line of stderr, with its line and error"
  diag < b.err
fi
is "$(sqlite3 b.db "SELECT count(*) FROM errors WHERE stage = 'rules'
                    AND (message LIKE '%b1.yar:%' OR message LIKE '%b2.yar:3:%')")" \
   2 "and in an errors row each"

"$VMSCAN" -q --data-path host --skip-bad-rules -r bad -o c.db img.raw \
  > c.out 2> c.err
rc=$?
is "$rc" 1 "--skip-bad-rules: the scan completes (exit 1, found)"
is "$(sqlite3 c.db "SELECT count(*) FROM errors WHERE stage = 'rules'
                    AND message LIKE 'rule file left out: bad/b2.yar:3: undefined identifier _group_'")" \
   1 "an errors row names the file left out and why"
is "$(sqlite3 c.db "SELECT group_concat(namespace, ' ') FROM
                    (SELECT namespace FROM rule_files ORDER BY namespace)")" \
   "cloak eicar" "rule_files holds the files that compiled"

test_done
