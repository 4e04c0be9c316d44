#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# TAP test of tests/lib.sh itself, under each shell the tests use (sh,
# and bash when installed): small scripts source it, and what they
# print, their exit status and whether their work folder stays are
# compared with what tests/lib.sh promises (and build-aux/tap-driver.sh
# reads): "ok N - DESC", "not ok N - DESC", "ok N # SKIP REASON", the
# plan "1..N" first or last, "1..0 # SKIP REASON", exit 1 when a test
# failed, the folder removed only when every test passed.
set -u

. "$(dirname "$0")/../lib.sh"
setup_work

# inner NAME [SET_OPTIONS]: writes $work/t/e2e/NAME.sh from standard input,
# after a preamble that sources tests/lib.sh.
inner () {
  mkdir -p "$work/t/e2e"
  { printf 'set %s\n. "%s/tests/lib.sh"\n' "${2:--u}" "$top_srcdir"; cat; } \
    > "$work/t/e2e/$1.sh"
}

# run SHELL NAME [VAR=VALUE...]: runs it with builddir $work/b; its
# output in $work/NAME.out, its exit status in rc.
run () {
  sh=$1 name=$2
  shift 2
  env builddir="$work/b" "$@" "$sh" "$work/t/e2e/$name.sh" \
    > "$work/$name.out" 2>&1
  rc=$?
}

inner pass -eu <<'EOF'
setup_work
touch "$work/file"
ok 0 "first"
is "a b" "a b" "equal strings"
skip "no reason" 2
checker () {
  printf 'ok 1 - back\\slash\n# a comment\nok 2 # SKIP not here\n1..2\n'
}
run_tap checker
ok 1 "a failure under set -e goes on" && tap_failed=0
test_done
EOF
cat > "$work/pass.want" <<'EOF'
ok 1 - first
ok 2 - equal strings
ok 3 # SKIP no reason
ok 4 # SKIP no reason
ok 5 - back\slash
# a comment
ok 6 # SKIP not here
not ok 7 - a failure under set -e goes on
1..7
EOF

inner fail <<'EOF'
setup_work
not_ok "plainly"
is "got" "want" "unequal strings"
quiet () { echo "Traceback"; exit 3; }
run_tap quiet
half () { echo "ok 1 - fine"; exit 1; }
run_tap half
test_done
EOF
cat > "$work/fail.want" <<'EOF'
not ok 1 - plainly
not ok 2 - unequal strings
#   got:  'got'
#   want: 'want'
# Traceback
not ok 3 - checker ran: quiet (exit 3)
ok 4 - fine
not ok 5 - checker ran: half (exit 1, yet no test failed)
1..5
# 4 of 5 tests failed
EOF

inner skipped <<'EOF'
setup_work
require_cmd sh no-such-command-here
ok 0 "never printed"
EOF

inner planned <<'EOF'
plan 2
ok 0 "one of two"
test_done
EOF

inner bail <<'EOF'
setup_work
ok 0 "before"
bail_out "cannot go on"
ok 0 "after"
EOF

for sh in sh bash; do
  # 13 tests a shell.
  command -v $sh > /dev/null 2>&1 || { skip "$sh not installed" 13; continue; }
  run $sh pass
  [ $rc -eq 0 ] && cmp -s "$work/pass.want" "$work/pass.out"
  ok $? "$sh: passing tests, skips and a checker's TAP, renumbered (rc=$rc)"
  cmp -s "$work/pass.want" "$work/pass.out" \
    || diff "$work/pass.want" "$work/pass.out" | diag
  [ ! -e "$work/b/pass" ]
  ok $? "$sh: the work folder goes when every test passed"

  run $sh pass VMSCAN_TEST_KEEP=1
  [ $rc -eq 0 ] && [ -f "$work/b/pass/file" ] \
    && [ "$(tail -n 1 "$work/pass.out")" = "# kept the work folder $work/b/pass" ]
  ok $? "$sh: VMSCAN_TEST_KEEP=1 keeps it, and says where"

  run $sh fail
  sed '$d' "$work/fail.out" > "$work/fail.head"
  [ $rc -eq 1 ] && cmp -s "$work/fail.want" "$work/fail.head"
  ok $? "$sh: failures, and a checker that printed nothing or lied (rc=$rc)"
  cmp -s "$work/fail.want" "$work/fail.head" \
    || diff "$work/fail.want" "$work/fail.head" | diag
  [ -d "$work/b/fail" ] \
    && [ "$(tail -n 1 "$work/fail.out")" = "# kept the work folder $work/b/fail" ]
  ok $? "$sh: the work folder stays when a test failed, and it says where"

  run $sh skipped
  is "$rc $(cat "$work/skipped.out")" \
    "0 1..0 # SKIP not installed: no-such-command-here" \
    "$sh: a missing command skips the whole test"
  [ ! -e "$work/b/skipped" ]
  ok $? "$sh: a skipped test leaves no work folder"

  run $sh planned
  is "$rc $(tr '\n' '|' < "$work/planned.out")" \
    "1 1..2|ok 1 - one of two|# planned 2 tests, ran 1|# 1 of 1 tests failed|" \
    "$sh: fewer tests than planned fails"

  run $sh bail
  [ $rc -eq 1 ] && [ "$(sed -n 2p "$work/bail.out")" = "Bail out! cannot go on" ] \
    && ! grep -q after "$work/bail.out" && [ -d "$work/b/bail" ]
  ok $? "$sh: bail_out stops the test, exit 1, the folder stays (rc=$rc)"

  for v in top_srcdir top_builddir builddir VMSCAN; do
    eval "want=\$$v"
    got=$(env -u top_srcdir -u top_builddir -u builddir -u VMSCAN \
      $sh -c ". '$top_srcdir/tests/lib.sh'; echo \$$v" \
      "$top_srcdir/tests/e2e/test-cli.sh")
    case $v in
      top_srcdir) want=$(cd "$top_srcdir" && pwd) ;;
      top_builddir) want=$(cd "$top_srcdir" && pwd) ;;
      builddir) want=$(cd "$top_srcdir" && pwd)/tests ;;
      VMSCAN) want=$(cd "$top_srcdir" && pwd)/vmscan ;;
    esac
    is "$got" "$want" "$sh: by hand, $v defaults to the source tree's"
  done
  rm -rf "$work/b"
done

test_done
