#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# TAP test: build the libFuzzer targets in fuzz/ (host-side parsers of
# guest data) with AddressSanitizer and UndefinedBehaviorSanitizer, and
# run each for VMSCAN_FUZZ_SECONDS (default 10) from the corpus kept in
# fuzz/corpus.  A crash, leak or sanitizer report fails the test.
# Skipped without clang, or with VMSCAN_FUZZ_SECONDS=0.  For a long
# run: VMSCAN_FUZZ_SECONDS=600.
set -u

. "$(dirname "$0")/../lib.sh"
seconds=${VMSCAN_FUZZ_SECONDS:-10}
cc=${FUZZ_CC:-clang}

[ "$seconds" != 0 ] \
  || skip_all "VMSCAN_FUZZ_SECONDS=0: fuzzing off (the targets are ASan and UBSan builds already; CI fuzzes in its first suite)"
require_cmd "$cc"
setup_work

build () {
  name=$1
  shift
  "$cc" -g -O1 -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined -pthread \
    -I"$top_builddir" -I"$top_srcdir/src" \
    -o "$work/fuzz-$name" "$top_srcdir/fuzz/fuzz-$name.c" "$@" -lcrypto \
    > "$work/build-$name.log" 2>&1
}

grep -v '^#' "$top_srcdir/fuzz/targets" > "$work/targets"
while read -r t files; do
  [ -n "$t" ] || continue
  srcs=
  for f in $files; do
    case $f in
      -l*) srcs="$srcs $f" ;;
      *) srcs="$srcs $top_srcdir/src/$f" ;;
    esac
  done
  # shellcheck disable=SC2086
  build $t $srcs
  rc=$?
  ok $rc "fuzz-$t builds with libFuzzer, ASan and UBSan"
  if [ $rc -ne 0 ]; then
    head -n 20 "$work/build-$t.log" | diag
    continue
  fi
  mkdir -p "$work/corpus-$t"
  "$work/fuzz-$t" -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$work/crash-$t-" "$work/corpus-$t" \
    "$top_srcdir/fuzz/corpus/$t" > "$work/run-$t.log" 2>&1
  rc=$?
  cov=$(grep -o 'cov: [0-9]*' "$work/run-$t.log" | tail -n 1)
  execs=$(grep 'stat::number_of_executed_units' "$work/run-$t.log" | awk '{print $2}')
  ok $rc "fuzz-$t ran ${seconds}s without a crash ($cov, ${execs:-?} inputs)"
  [ $rc -ne 0 ] && grep -A 15 -E 'ERROR|runtime error' "$work/run-$t.log" | head -n 30 | diag
done < "$work/targets"
test_done
