#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# TAP test for the bundled YARA rules in yara-rules/*.yar, with the yara
# command line tools (an implementation path independent of vmscan's
# loader, which tests/unit-rules.c checks on the same samples):
#
# - each file compiles with yarac without warnings, and all together;
# - every rule carries the meta vmscan turns into a finding, with
#   allowed values: description, author "vmscan", severity (info, low,
#   medium, high, critical), mitre_attack (ATT&CK ids, space separated),
#   category (cryptominer, backdoor, reverse-shell, webshell, rootkit,
#   persistence, test, tool);
# - the rules match exactly the synthetic samples written by
#   tests/data/rule-samples.sh as listed in its expected.txt, nothing more,
#   and every rule has a sample it matches;
# - the rule files do not match themselves (an installed copy of the
#   rules on a scanned image stays quiet);
# - on a false-positive corpus of the host's own files (programs,
#   libraries, /etc, Perl and Python libraries, kernel modules) no rule
#   of severity high or critical matches; medium and lower matches are
#   reported as diagnostics.
#
# The external variables vmscan defines (filename, filepath, extension,
# filetype, md5, owner; LOKI's convention, vmscan(1)) are defined here
# too: per sample as vmscan would set them (filepath the folder,
# extension with its dot; filetype UNKNOWN and md5 empty, which the
# bundled rules do not read), and for the bulk corpus scan as empty
# strings, except under /etc, where each file is scanned with its own
# name and folder (rules keyed on file names such as rc.local, .bashrc
# and ld.so.preload look there).
#
# Environment: tests/lib.sh's (top_srcdir);
# VMSCAN_FP_DIRS (space separated) and VMSCAN_FP_MAX (files, default
# 40000) to change the false-positive corpus.

set -eu

. "$(dirname "$0")/../lib.sh"
require_cmd yara yarac
setup_work

# Rule files, as the positional parameters.
set --
for f in "$top_srcdir"/yara-rules/*.yar; do
  if [ -f "$f" ]; then
    set -- "$@" "$f"
  fi
done
if [ "$#" -eq 0 ]; then
  bail_out "no rule files in $top_srcdir/yara-rules"
fi

# LOKI's extension of a file name (Python's os.path.splitext, lower
# case): from the last dot, unless only dots come before it.
loki_extension() {
  case "$1" in
    *.*)
      _stem="${1%.*}"
      if [ -n "$(printf '%s' "$_stem" | tr -d .)" ]; then
        printf '.%s' "${1##*.}" | LC_ALL=C tr '[:upper:]' '[:lower:]'
      fi
      ;;
  esac
}

# LOKI's and THOR's filepath: the folder, "/" for the root.
loki_dir() {
  _d="${1%/*}"
  printf '%s' "${_d:-/}"
}

externals="filename filepath extension filetype md5 owner"
empty_defs=""
for e in $externals; do
  empty_defs="$empty_defs -d $e="
done

samples="$work/samples"
if ! sh "$top_srcdir/tests/data/rule-samples.sh" "$samples" >"$work/samples.log" 2>&1; then
  diag < "$work/samples.log"
  bail_out "tests/data/rule-samples.sh failed"
fi
sort -u "$samples/expected.txt" >"$work/expected"
nexpected="$(wc -l <"$work/expected")"
touch "$samples/paths.txt" "$samples/skipped.txt"

# Rule names declared in the files (private rules never report matches).
sed -n 's/^[[:space:]]*\(global[[:space:]][[:space:]]*\)\{0,1\}rule[[:space:]][[:space:]]*\([A-Za-z_][A-Za-z0-9_]*\).*/\2/p' "$@" |
  sort -u >"$work/rules"
nrules="$(wc -l <"$work/rules")"

# Per file: compile, meta.  Then: all files together, one per expected
# match, no unexpected matches, one per rule (has a sample it matches),
# no self-match, the false-positive corpus.
plan $(($# * 2 + 1 + nexpected + 1 + nrules + 2))

# Prints one line per problem with the meta of the (non-private) rules in
# a file, and appends "RULE SEVERITY CATEGORY" for each rule to the file
# named by the variable table.  Expects one meta entry per line, as in
# the bundled files.
lint_meta() {
  awk -v table="$work/severity" '
    function problem(msg) { print FILENAME ": rule " name ": " msg; bad = 1 }
    function finish() {
      if (name == "" || private) return
      if (!("description" in val) || val["description"] == "")
        problem("no description")
      if (val["author"] != "vmscan")
        problem("author is not \"vmscan\"")
      if (val["severity"] !~ /^(info|low|medium|high|critical)$/)
        problem("severity \"" val["severity"] "\" is not info, low, medium, high or critical")
      if (val["mitre_attack"] !~ /^T[0-9][0-9][0-9][0-9](\.[0-9][0-9][0-9])?( T[0-9][0-9][0-9][0-9](\.[0-9][0-9][0-9])?)*$/)
        problem("mitre_attack \"" val["mitre_attack"] "\" is not a space-separated list of ATT&CK technique ids")
      if (val["category"] !~ /^(cryptominer|backdoor|reverse-shell|webshell|rootkit|persistence|test|tool)$/)
        problem("category \"" val["category"] "\" is not cryptominer, backdoor, reverse-shell, webshell, rootkit, persistence, test or tool")
      print name, val["severity"], val["category"] >> table
    }
    /^[ \t]*((private|global)[ \t]+)*rule[ \t]+[A-Za-z_]/ {
      finish()
      split("", val)
      private = ($0 ~ /^[ \t]*((global)[ \t]+)*private[ \t]/)
      s = $0
      sub(/^[ \t]*((private|global)[ \t]+)*rule[ \t]+/, "", s)
      sub(/[^A-Za-z0-9_].*$/, "", s)
      name = s
      inmeta = 0
      next
    }
    /^[ \t]*meta[ \t]*:/ { inmeta = 1; next }
    /^[ \t]*(strings|condition)[ \t]*:/ { inmeta = 0; next }
    inmeta && /^[ \t]*[A-Za-z_][A-Za-z0-9_]*[ \t]*=/ {
      k = $0
      sub(/^[ \t]*/, "", k)
      sub(/[ \t]*=.*$/, "", k)
      v = $0
      sub(/^[^=]*=[ \t]*/, "", v)
      sub(/[ \t]*$/, "", v)
      if (v ~ /^".*"$/) v = substr(v, 2, length(v) - 2)
      val[k] = v
    }
    END { finish(); exit bad }
  ' "$1"
}

: >"$work/severity"
for f in "$@"; do
  rel="${f#"$top_srcdir"/}"
  # shellcheck disable=SC2086
  if yarac $empty_defs "$f" "$work/out.yarc" >"$work/yarac.out" 2>&1 && [ ! -s "$work/yarac.out" ]; then
    ok 0 "$rel compiles with yarac without warnings"
  else
    not_ok "$rel compiles with yarac without warnings"
    diag < "$work/yarac.out"
  fi
  if lint_meta "$f" >"$work/lint.out" 2>&1; then
    ok 0 "$rel: every rule has description, author, severity, mitre_attack, category"
  else
    not_ok "$rel: every rule has description, author, severity, mitre_attack, category"
    diag < "$work/lint.out"
  fi
done

# shellcheck disable=SC2086
if yarac $empty_defs "$@" "$work/all.yarc" >"$work/yarac.out" 2>&1 && [ ! -s "$work/yarac.out" ]; then
  ok 0 "all rule files compile together (no duplicate rule names)"
else
  not_ok "all rule files compile together (no duplicate rule names)"
  diag < "$work/yarac.out"
  bail_out "the rules do not compile"
fi

# Scan each sample on its own, with the external variables vmscan would
# set; keep "RULE FILENAME" lines.
: >"$work/actual.unsorted"
: >"$work/scan.err"
for path in "$samples"/* "$samples"/.[!.]*; do
  [ -f "$path" ] || continue
  name="${path##*/}"
  case "$name" in
    expected.txt|paths.txt|skipped.txt) continue ;;
  esac
  gpath="$(awk -v n="$name" '$1 == n { print $2; exit }' "$samples/paths.txt")"
  [ -n "$gpath" ] || gpath="/srv/samples/$name"
  ext="$(loki_extension "$name")"
  if ! yara -C -w -d "filename=$name" -d "filepath=$(loki_dir "$gpath")" \
       -d "extension=$ext" -d filetype=UNKNOWN -d md5= -d owner=root \
       "$work/all.yarc" "$path" >"$work/scan.out" 2>>"$work/scan.err"; then
    diag < "$work/scan.err"
    bail_out "yara failed on sample $name"
  fi
  while IFS= read -r line; do
    printf '%s %s\n' "${line%% *}" "$name" >>"$work/actual.unsorted"
  done <"$work/scan.out"
done
if [ -s "$work/scan.err" ]; then
  echo "# yara wrote to stderr:"
  diag < "$work/scan.err"
fi
sort -u "$work/actual.unsorted" >"$work/actual"

while IFS= read -r line; do
  if grep -Fqx -- "$line" "$work/actual"; then
    ok 0 "match: $line"
  else
    not_ok "match: $line"
  fi
done <"$work/expected"

if grep -Fvx -f "$work/expected" "$work/actual" >"$work/unexpected"; then
  not_ok "no unexpected matches on the samples"
  echo "# unexpected (RULE FILE):"
  diag < "$work/unexpected"
else
  ok 0 "no unexpected matches on the samples"
fi

# One test per rule: it has a positive sample, and matched it.
while IFS= read -r rule; do
  if grep -q "^$rule " "$work/actual" && grep -q "^$rule " "$work/expected"; then
    ok 0 "$rule fires on its sample"
  elif grep -Fqx -- "$rule" "$samples/skipped.txt"; then
    skip "$rule: its sample could not be built here (see tests/data/rule-samples.sh)"
  elif grep -q "^$rule " "$work/expected"; then
    not_ok "$rule fires on its sample"
  else
    not_ok "$rule fires on its sample (no sample in tests/data/rule-samples.sh)"
  fi
done <"$work/rules"

# The rule files themselves (and the sample script's own header) must
# not look like what they describe.
# shellcheck disable=SC2086
yara -C -w $empty_defs "$work/all.yarc" "$top_srcdir/yara-rules" \
  >"$work/self.out" 2>&1 || true
if [ -s "$work/self.out" ]; then
  not_ok "the rule files do not match themselves"
  diag < "$work/self.out"
else
  ok 0 "the rule files do not match themselves"
fi

# ---- false positives on the host's own files -----------------------------

fp_dirs="${VMSCAN_FP_DIRS:-/usr/bin /usr/sbin /usr/lib/x86_64-linux-gnu /etc
  /usr/share/perl /usr/share/perl5 /usr/lib/python3 /usr/lib/python3.*
  /usr/share/php /usr/share/php* /usr/lib/modules}"
fp_max="${VMSCAN_FP_MAX:-40000}"
set --
for d in $fp_dirs; do
  if [ -d "$d" ] && [ ! -L "$d" ]; then
    set -- "$@" "$d"
  fi
done
if [ "$#" -eq 0 ]; then
  skip "no false-positive corpus: none of $fp_dirs exists"
else
  # Regular files only, never through a symbolic link, readable, below
  # 16 MiB (libraries bigger than that are few and slow to scan).
  find -P "$@" -type f -readable -size -16M 2>/dev/null | LC_ALL=C sort -u |
    head -n "$fp_max" >"$work/fp.list"
  nfp="$(wc -l <"$work/fp.list")"
  bytes="$(tr '\n' '\0' <"$work/fp.list" | xargs -0 -r stat -c %s -- 2>/dev/null |
    awk '{ s += $1 } END { printf "%d", s / 1048576 }')"
  start="$(date +%s)"
  grep -v '^/etc/' "$work/fp.list" >"$work/fp.bulk" || true
  # shellcheck disable=SC2086
  yara -C -w -N -p 2 -a 20 $empty_defs --scan-list "$work/all.yarc" \
    "$work/fp.bulk" >"$work/fp.out" 2>"$work/fp.err" || true
  grep '^/etc/' "$work/fp.list" >"$work/fp.etc" || true
  while IFS= read -r path; do
    name="${path##*/}"
    ext="$(loki_extension "$name")"
    yara -C -w -a 20 -d "filename=$name" -d "filepath=$(loki_dir "$path")" \
      -d "extension=$ext" -d filetype=UNKNOWN -d md5= -d owner=root \
      "$work/all.yarc" "$path" >>"$work/fp.out" 2>>"$work/fp.err" || true
  done <"$work/fp.etc"
  echo "# false-positive corpus: $nfp files, $bytes MiB, scanned in $(( $(date +%s) - start )) s"
  if [ -s "$work/fp.err" ]; then
    echo "# yara could not scan $(wc -l <"$work/fp.err") files (first 5):"
    head -n 5 "$work/fp.err" | sed 's/^/#   /'
  fi
  : >"$work/fp.high"
  : >"$work/fp.low"
  while IFS= read -r line; do
    rule="${line%% *}"
    sev="$(awk -v r="$rule" '$1 == r { print $2; exit }' "$work/severity")"
    case "$sev" in
      high|critical) echo "$sev $line" >>"$work/fp.high" ;;
      *) echo "$sev $line" >>"$work/fp.low" ;;
    esac
  done <"$work/fp.out"
  if [ -s "$work/fp.low" ]; then
    echo "# $(wc -l <"$work/fp.low") match(es) of severity medium or lower on the corpus:"
    diag < "$work/fp.low"
  fi
  if [ -s "$work/fp.high" ]; then
    not_ok "no high or critical match on $nfp host files"
    diag < "$work/fp.high"
  else
    ok 0 "no high or critical match on $nfp host files"
  fi
fi

test_done
