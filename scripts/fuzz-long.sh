#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Long fuzz runs with a coverage report.  For each target in fuzz/targets
# (or those named): build it with libFuzzer, ASan and UBSan, run it for
# SECONDS (default 600) from fuzz/corpus/NAME, keep what it found in
# OUT/corpus-NAME (minimised with -merge=1), then build it again with
# clang's source-based coverage, replay the corpus and report line and
# branch coverage of the parser's own files with llvm-cov.  Prints one
# summary line per target and writes OUT/coverage-NAME.txt.
#
# Usage: scripts/fuzz-long.sh [-t SECONDS] [-j PARALLEL] [-o OUT] [NAME...]
#   -j runs that many targets at once (default 1), in batches.
#   To keep the new corpus entries: cp OUT/corpus-NAME/* fuzz/corpus/NAME/
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
seconds=600
par=1
out=$top/fuzz-long
while getopts t:j:o: opt; do
  case $opt in
    t) seconds=$OPTARG ;;
    j) par=$OPTARG ;;
    o) out=$OPTARG ;;
    *) echo "usage: $0 [-t SECONDS] [-j PARALLEL] [-o OUT] [NAME...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
cc=${FUZZ_CC:-clang}
profdata=$(command -v llvm-profdata || command -v llvm-profdata-14 || true)
cov=$(command -v llvm-cov || command -v llvm-cov-14 || true)
[ -f "$top/config.h" ] || { echo "$0: run ./configure first (config.h)" >&2; exit 2; }
mkdir -p "$out"

one () {
  t=$1
  files=$(awk -v t="$t" '$1 == t { $1 = ""; print }' "$top/fuzz/targets")
  [ -n "$files" ] || { echo "$t: not in fuzz/targets"; return 1; }
  srcs=
  for f in $files; do
    case $f in
      -l*) srcs="$srcs $f" ;;
      *) srcs="$srcs $top/src/$f" ;;
    esac
  done
  flags="-g -O1 -pthread -I$top -I$top/src"
  # shellcheck disable=SC2086
  "$cc" $flags -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined -o "$out/fuzz-$t" \
    "$top/fuzz/fuzz-$t.c" $srcs -lcrypto
  rm -rf "$out/new-$t" "$out/corpus-$t"
  mkdir -p "$out/new-$t" "$out/corpus-$t"
  rc=0
  "$out/fuzz-$t" -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$out/crash-$t-" "$out/new-$t" "$top/fuzz/corpus/$t" \
    > "$out/run-$t.log" 2>&1 || rc=$?
  "$out/fuzz-$t" -merge=1 "$out/corpus-$t" "$top/fuzz/corpus/$t" \
    "$out/new-$t" > "$out/merge-$t.log" 2>&1 || true
  execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$out/run-$t.log")
  edges=$(grep -o 'cov: [0-9]*' "$out/run-$t.log" | tail -n 1)
  lines=n/a
  if [ -n "$profdata" ] && [ -n "$cov" ]; then
    # shellcheck disable=SC2086
    "$cc" $flags -fsanitize=fuzzer -fprofile-instr-generate \
      -fcoverage-mapping -o "$out/cov-$t" "$top/fuzz/fuzz-$t.c" $srcs -lcrypto
    LLVM_PROFILE_FILE="$out/cov-$t.profraw" "$out/cov-$t" -runs=0 \
      "$out/corpus-$t" > /dev/null 2>&1 || true
    "$profdata" merge -sparse "$out/cov-$t.profraw" -o "$out/cov-$t.profdata"
    mine=
    for f in $files; do
      case $f in util.c | hash.c | -l*) continue ;; esac
      mine="$mine $top/src/$f"
    done
    # shellcheck disable=SC2086
    "$cov" report "$out/cov-$t" -instr-profile="$out/cov-$t.profdata" \
      $mine > "$out/coverage-$t.txt"
    lines=$(awk '/^TOTAL/ { print "lines " $10 ", branches " $13 }' \
      "$out/coverage-$t.txt")
  fi
  printf '%-10s %s s, %s inputs, %s, %s corpus files, %s: %s\n' "$t" \
    "$seconds" "${execs:-?}" "$edges" "$(ls "$out/corpus-$t" | wc -l)" \
    "$lines" "$([ $rc -eq 0 ] && echo 'no crash' || echo "FAILED (rc $rc, see $out/run-$t.log)")"
  return $rc
}

if [ "$#" -eq 0 ]; then
  set -- $(grep -v '^#' "$top/fuzz/targets" | awk 'NF { print $1 }')
fi
status=0
running=0
for t in "$@"; do
  one "$t" > "$out/summary-$t.txt" 2>&1 &
  running=$((running + 1))
  if [ "$running" -ge "$par" ]; then
    wait
    running=0
  fi
done
wait
for t in "$@"; do
  tail -n 1 "$out/summary-$t.txt"
  grep -q 'no crash' "$out/summary-$t.txt" || status=1
done
exit $status
