#!/bin/sh
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
# filetype, owner) are defined here too: per sample as vmscan would set
# them (filetype empty, as in tests/reference.py), and for the bulk
# corpus scan as empty strings, except under /etc, where each file is
# scanned with its own name and path (rules keyed on file names such as
# rc.local, .bashrc and ld.so.preload look there).
#
# Environment: top_srcdir (default: the directory above this script);
# VMSCAN_FP_DIRS (space separated) and VMSCAN_FP_MAX (files, default
# 40000) to change the false-positive corpus.

set -eu

if [ -z "${top_srcdir:-}" ]; then
  top_srcdir="$(cd "$(dirname "$0")/../.." && pwd)"
fi

if ! command -v yara >/dev/null 2>&1 || ! command -v yarac >/dev/null 2>&1; then
  echo "1..0 # SKIP yara and yarac (the yara command line tools) not installed"
  exit 0
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# Rule files, as the positional parameters.
set --
for f in "$top_srcdir"/yara-rules/*.yar; do
  if [ -f "$f" ]; then
    set -- "$@" "$f"
  fi
done
if [ "$#" -eq 0 ]; then
  echo "Bail out! no rule files in $top_srcdir/yara-rules"
  exit 1
fi

externals="filename filepath extension filetype owner"
empty_defs=""
for e in $externals; do
  empty_defs="$empty_defs -d $e="
done

samples="$tmp/samples"
if ! sh "$top_srcdir/tests/data/rule-samples.sh" "$samples" >"$tmp/samples.log" 2>&1; then
  echo "Bail out! tests/data/rule-samples.sh failed"
  sed 's/^/# /' "$tmp/samples.log"
  exit 1
fi
sort -u "$samples/expected.txt" >"$tmp/expected"
nexpected="$(wc -l <"$tmp/expected")"
touch "$samples/paths.txt" "$samples/skipped.txt"

# Rule names declared in the files (private rules never report matches).
sed -n 's/^[[:space:]]*\(global[[:space:]][[:space:]]*\)\{0,1\}rule[[:space:]][[:space:]]*\([A-Za-z_][A-Za-z0-9_]*\).*/\2/p' "$@" |
  sort -u >"$tmp/rules"
nrules="$(wc -l <"$tmp/rules")"

# Per file: compile, meta.  Then: all files together, one per expected
# match, no unexpected matches, one per rule (has a sample it matches),
# no self-match, the false-positive corpus.
echo "1..$(($# * 2 + 1 + nexpected + 1 + nrules + 2))"

n=0
failed=0
ok() {
  n=$((n + 1))
  echo "ok $n - $1"
}
not_ok() {
  n=$((n + 1))
  failed=$((failed + 1))
  echo "not ok $n - $1"
}
skip() {
  n=$((n + 1))
  echo "ok $n # SKIP $1"
}
diag() {
  sed 's/^/# /' "$1"
}

# Prints one line per problem with the meta of the (non-private) rules in
# a file, and appends "RULE SEVERITY CATEGORY" for each rule to the file
# named by the variable table.  Expects one meta entry per line, as in
# the bundled files.
lint_meta() {
  awk -v table="$tmp/severity" '
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

: >"$tmp/severity"
for f in "$@"; do
  rel="${f#"$top_srcdir"/}"
  # shellcheck disable=SC2086
  if yarac $empty_defs "$f" "$tmp/out.yarc" >"$tmp/yarac.out" 2>&1 && [ ! -s "$tmp/yarac.out" ]; then
    ok "$rel compiles with yarac without warnings"
  else
    not_ok "$rel compiles with yarac without warnings"
    diag "$tmp/yarac.out"
  fi
  if lint_meta "$f" >"$tmp/lint.out" 2>&1; then
    ok "$rel: every rule has description, author, severity, mitre_attack, category"
  else
    not_ok "$rel: every rule has description, author, severity, mitre_attack, category"
    diag "$tmp/lint.out"
  fi
done

# shellcheck disable=SC2086
if yarac $empty_defs "$@" "$tmp/all.yarc" >"$tmp/yarac.out" 2>&1 && [ ! -s "$tmp/yarac.out" ]; then
  ok "all rule files compile together (no duplicate rule names)"
else
  not_ok "all rule files compile together (no duplicate rule names)"
  diag "$tmp/yarac.out"
  echo "Bail out! the rules do not compile"
  exit 1
fi

# Scan each sample on its own, with the external variables vmscan would
# set; keep "RULE FILENAME" lines.
: >"$tmp/actual.unsorted"
: >"$tmp/scan.err"
for path in "$samples"/* "$samples"/.[!.]*; do
  [ -f "$path" ] || continue
  name="${path##*/}"
  case "$name" in
    expected.txt|paths.txt|skipped.txt) continue ;;
  esac
  gpath="$(awk -v n="$name" '$1 == n { print $2; exit }' "$samples/paths.txt")"
  [ -n "$gpath" ] || gpath="/srv/samples/$name"
  ext=""
  case "$name" in
    ?*.*) ext="$(printf '%s' "${name##*.}" | LC_ALL=C tr '[:upper:]' '[:lower:]')" ;;
  esac
  if ! yara -C -w -d "filename=$name" -d "filepath=$gpath" \
       -d "extension=$ext" -d filetype= -d owner=root \
       "$tmp/all.yarc" "$path" >"$tmp/scan.out" 2>>"$tmp/scan.err"; then
    echo "Bail out! yara failed on sample $name"
    diag "$tmp/scan.err"
    exit 1
  fi
  while IFS= read -r line; do
    printf '%s %s\n' "${line%% *}" "$name" >>"$tmp/actual.unsorted"
  done <"$tmp/scan.out"
done
if [ -s "$tmp/scan.err" ]; then
  echo "# yara wrote to stderr:"
  diag "$tmp/scan.err"
fi
sort -u "$tmp/actual.unsorted" >"$tmp/actual"

while IFS= read -r line; do
  if grep -Fqx -- "$line" "$tmp/actual"; then
    ok "match: $line"
  else
    not_ok "match: $line"
  fi
done <"$tmp/expected"

if grep -Fvx -f "$tmp/expected" "$tmp/actual" >"$tmp/unexpected"; then
  not_ok "no unexpected matches on the samples"
  echo "# unexpected (RULE FILE):"
  diag "$tmp/unexpected"
else
  ok "no unexpected matches on the samples"
fi

# One test per rule: it has a positive sample, and matched it.
while IFS= read -r rule; do
  if grep -q "^$rule " "$tmp/actual" && grep -q "^$rule " "$tmp/expected"; then
    ok "$rule fires on its sample"
  elif grep -Fqx -- "$rule" "$samples/skipped.txt"; then
    skip "$rule: its sample could not be built here (see tests/data/rule-samples.sh)"
  elif grep -q "^$rule " "$tmp/expected"; then
    not_ok "$rule fires on its sample"
  else
    not_ok "$rule fires on its sample (no sample in tests/data/rule-samples.sh)"
  fi
done <"$tmp/rules"

# The rule files themselves (and the sample script's own header) must
# not look like what they describe.
# shellcheck disable=SC2086
yara -C -w $empty_defs "$tmp/all.yarc" "$top_srcdir/yara-rules" \
  >"$tmp/self.out" 2>&1 || true
if [ -s "$tmp/self.out" ]; then
  not_ok "the rule files do not match themselves"
  diag "$tmp/self.out"
else
  ok "the rule files do not match themselves"
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
    head -n "$fp_max" >"$tmp/fp.list"
  nfp="$(wc -l <"$tmp/fp.list")"
  bytes="$(tr '\n' '\0' <"$tmp/fp.list" | xargs -0 -r stat -c %s -- 2>/dev/null |
    awk '{ s += $1 } END { printf "%d", s / 1048576 }')"
  start="$(date +%s)"
  grep -v '^/etc/' "$tmp/fp.list" >"$tmp/fp.bulk" || true
  # shellcheck disable=SC2086
  yara -C -w -N -p 2 -a 20 $empty_defs --scan-list "$tmp/all.yarc" \
    "$tmp/fp.bulk" >"$tmp/fp.out" 2>"$tmp/fp.err" || true
  grep '^/etc/' "$tmp/fp.list" >"$tmp/fp.etc" || true
  while IFS= read -r path; do
    name="${path##*/}"
    ext=""
    case "$name" in
      ?*.*) ext="$(printf '%s' "${name##*.}" | LC_ALL=C tr '[:upper:]' '[:lower:]')" ;;
    esac
    yara -C -w -a 20 -d "filename=$name" -d "filepath=$path" \
      -d "extension=$ext" -d filetype= -d owner=root \
      "$tmp/all.yarc" "$path" >>"$tmp/fp.out" 2>>"$tmp/fp.err" || true
  done <"$tmp/fp.etc"
  echo "# false-positive corpus: $nfp files, $bytes MiB, scanned in $(( $(date +%s) - start )) s"
  if [ -s "$tmp/fp.err" ]; then
    echo "# yara could not scan $(wc -l <"$tmp/fp.err") files (first 5):"
    head -n 5 "$tmp/fp.err" | sed 's/^/#   /'
  fi
  : >"$tmp/fp.high"
  : >"$tmp/fp.low"
  while IFS= read -r line; do
    rule="${line%% *}"
    sev="$(awk -v r="$rule" '$1 == r { print $2; exit }' "$tmp/severity")"
    case "$sev" in
      high|critical) echo "$sev $line" >>"$tmp/fp.high" ;;
      *) echo "$sev $line" >>"$tmp/fp.low" ;;
    esac
  done <"$tmp/fp.out"
  if [ -s "$tmp/fp.low" ]; then
    echo "# $(wc -l <"$tmp/fp.low") match(es) of severity medium or lower on the corpus:"
    diag "$tmp/fp.low"
  fi
  if [ -s "$tmp/fp.high" ]; then
    not_ok "no high or critical match on $nfp host files"
    diag "$tmp/fp.high"
  else
    ok "no high or critical match on $nfp host files"
  fi
fi

if [ "$failed" -ne 0 ]; then
  exit 1
fi
exit 0
