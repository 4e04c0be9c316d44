#!/bin/sh
# TAP test for the bundled YARA rules in yara-rules/*.yar: each file must
# compile with yarac without warnings and carry the meta vmscan stores,
# and the rules must match exactly the synthetic samples written by
# tests/rule-samples.sh as listed in its expected.txt, nothing more.
#
# Environment: top_srcdir (default: the directory above this script).

set -eu

if [ -z "${top_srcdir:-}" ]; then
  top_srcdir="$(cd "$(dirname "$0")/.." && pwd)"
fi

if ! command -v yara >/dev/null 2>&1 || ! command -v yarac >/dev/null 2>&1; then
  echo "1..0 # SKIP yara not installed"
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

samples="$tmp/samples"
if ! sh "$top_srcdir/tests/rule-samples.sh" "$samples" >"$tmp/samples.log" 2>&1; then
  echo "Bail out! tests/rule-samples.sh failed"
  sed 's/^/# /' "$tmp/samples.log"
  exit 1
fi
sort -u "$samples/expected.txt" >"$tmp/expected"
nexpected="$(wc -l <"$tmp/expected")"

# Per file: compile, meta.  Then: all files together, one per expected
# match, no unexpected matches, every rule has a positive sample.
echo "1..$(($# * 2 + 1 + nexpected + 2))"

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
diag() {
  sed 's/^/# /' "$1"
}

# Prints one line per problem with the meta of the (non-private) rules in
# a file.  Expects one meta entry per line, as in the bundled files.
lint_meta() {
  awk '
    function problem(msg) { print FILENAME ": rule " name ": " msg; bad = 1 }
    function finish() {
      if (name == "" || private) return
      if (!("description" in val) || val["description"] == "")
        problem("no description")
      if (val["author"] != "vmscan")
        problem("author is not \"vmscan\"")
      if (val["severity"] !~ /^(info|low|medium|high|critical)$/)
        problem("severity \"" val["severity"] "\" is not info, low, medium, high or critical")
      if (val["mitre_attack"] !~ /^T[0-9][0-9][0-9][0-9](\.[0-9][0-9][0-9])?$/)
        problem("mitre_attack \"" val["mitre_attack"] "\" is not an ATT&CK technique id")
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

for f in "$@"; do
  rel="${f#"$top_srcdir"/}"
  if yarac "$f" "$tmp/out.yarc" >"$tmp/yarac.out" 2>&1 && [ ! -s "$tmp/yarac.out" ]; then
    ok "$rel compiles with yarac without warnings"
  else
    not_ok "$rel compiles with yarac without warnings"
    diag "$tmp/yarac.out"
  fi
  if lint_meta "$f" >"$tmp/lint.out" 2>&1; then
    ok "$rel: every rule has description, author, severity, mitre_attack"
  else
    not_ok "$rel: every rule has description, author, severity, mitre_attack"
    diag "$tmp/lint.out"
  fi
done

if yarac "$@" "$tmp/all.yarc" >"$tmp/yarac.out" 2>&1 && [ ! -s "$tmp/yarac.out" ]; then
  ok "all rule files compile together (no duplicate rule names)"
else
  not_ok "all rule files compile together (no duplicate rule names)"
  diag "$tmp/yarac.out"
fi

# Scan the samples with all rule files; keep "RULE FILENAME" lines.
if ! yara -r "$@" "$samples" >"$tmp/scan.out" 2>"$tmp/scan.err"; then
  echo "Bail out! yara -r failed"
  diag "$tmp/scan.err"
  exit 1
fi
if [ -s "$tmp/scan.err" ]; then
  echo "# yara -r wrote to stderr:"
  diag "$tmp/scan.err"
fi
: >"$tmp/actual.unsorted"
while IFS= read -r line; do
  rule="${line%% *}"
  path="${line#* }"
  printf '%s %s\n' "$rule" "${path##*/}" >>"$tmp/actual.unsorted"
done <"$tmp/scan.out"
sort -u "$tmp/actual.unsorted" >"$tmp/actual"

while IFS= read -r line; do
  if grep -Fqx -- "$line" "$tmp/actual"; then
    ok "match: $line"
  else
    not_ok "match: $line"
  fi
done <"$tmp/expected"

if grep -Fvx -f "$tmp/expected" "$tmp/actual" >"$tmp/unexpected"; then
  not_ok "no unexpected matches"
  echo "# unexpected (RULE FILE):"
  diag "$tmp/unexpected"
else
  ok "no unexpected matches"
fi

# Rule names declared in the files (private rules never report matches).
sed -n 's/^[[:space:]]*\(global[[:space:]][[:space:]]*\)\{0,1\}rule[[:space:]][[:space:]]*\([A-Za-z_][A-Za-z0-9_]*\).*/\2/p' "$@" |
  sort -u >"$tmp/rules"
cut -d ' ' -f 1 "$tmp/expected" | sort -u >"$tmp/covered"
if comm -23 "$tmp/rules" "$tmp/covered" >"$tmp/uncovered" && [ ! -s "$tmp/uncovered" ]; then
  ok "every rule has a positive sample in tests/rule-samples.sh"
else
  not_ok "every rule has a positive sample in tests/rule-samples.sh"
  echo "# rules without a sample:"
  diag "$tmp/uncovered"
fi

if [ "$failed" -ne 0 ]; then
  exit 1
fi
exit 0
