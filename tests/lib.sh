# SPDX-License-Identifier: BSD-3-Clause
# tests/lib.sh: what every shell test of vmscan shares.  A test in
# tests/e2e or tests/lint starts with
#
#   . "$(dirname "$0")/../lib.sh"
#
# and ends with test_done.  This file sets the environment the test runs
# in (make check sets it too, in TESTS_ENVIRONMENT; the defaults here let
# a test run by hand from the source tree: sh tests/e2e/test-cli.sh),
# says in TAP whether each test passed (build-aux/tap-driver.sh reads
# it), skips a whole test that cannot run, with its reason, and gives
# the test a work folder that goes when every test passed and stays, for
# a look, when one failed.  It is POSIX sh: the tests run under dash.
#
# Environment (read, with their defaults):
#   top_srcdir     the source tree (two folders up from the test)
#   top_builddir   the build tree (top_srcdir)
#   builddir       where tests write (top_builddir/tests)
#   VMSCAN         the program under test (top_builddir/vmscan)
#   VMSCAN_TEST_KEEP=1 keeps the work folder even when every test passed
#   VMSCAN_TEST_SKIP   test names (without .sh), space separated, each
#                      skipped whole, saying so: for a second pass of the
#                      suite (.ci/run's sanitizer suite) that leaves out
#                      what the first one ran
#
# Set for the test:
#   here           the test's own folder, absolute
#   test_name      the test's file name without .sh
#   work           its work folder, builddir/test_name (after setup_work)
#   tap_n          how many tests were printed so far
#   tap_failed     how many of them failed
#   PATH           with /usr/sbin and /sbin (mke2fs, debugfs, sfdisk)
#
# Whole-test requirements; each prints "1..0 # SKIP REASON" and exits 0
# when not met:
#   require_vmscan       the program is built
#   require_root [WHY]   the test runs as root
#   require_cmd CMD...   every CMD is on PATH
#   require_appliance    libguestfs could start its appliance here
#   skip_all REASON      the whole test skipped, for another reason
#
# Tests, numbered in the order they are printed:
#   ok STATUS DESC       passes when STATUS is 0 (ok $? "...")
#   not_ok DESC          a test that failed
#   is GOT WANT DESC     passes when the two strings are equal
#   skip REASON [COUNT]  COUNT (default 1) tests that could not run
#   run_tap CMD...       runs a checker that prints TAP (its standard
#                        output and error), renumbers its results into
#                        this test's (its other lines become comments),
#                        and fails once more if it printed no result or
#                        exited non-zero with none of them failed
#   diag [TEXT...]       each TEXT, or standard input, as TAP comments
#   plan N               prints the plan first (else test_done prints it)
#   bail_out REASON      stops the whole test (exit 1, the folder stays)
#   test_done            the plan, then exit 1 when a test failed, else
#                        exit 0; the work folder goes on exit 0
#
# The work folder: setup_work makes builddir/test_name afresh and sets
# work.  On the way out (test_done, bail_out, exit, a signal) it is
# removed when test_done found every test passed and VMSCAN_TEST_KEEP is
# not 1; otherwise it stays and a TAP comment says where.

here=$(cd "$(dirname "$0")" && pwd)
test_name=$(basename "$0" .sh)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
builddir=${builddir:-$top_builddir/tests}
VMSCAN=${VMSCAN:-$top_builddir/vmscan}
PATH=$PATH:/usr/sbin:/sbin
export top_srcdir top_builddir builddir VMSCAN PATH

tap_n=0
tap_failed=0
tap_status=0
work=
_tl_plan=
_tl_done=0

# ---- TAP -------------------------------------------------------------------

ok () {
  tap_n=$((tap_n + 1))
  if [ "$1" -eq 0 ] 2> /dev/null; then
    printf 'ok %d - %s\n' "$tap_n" "${2-}"
  else
    printf 'not ok %d - %s\n' "$tap_n" "${2-}"
    tap_failed=$((tap_failed + 1))
  fi
}

not_ok () {
  ok 1 "${1-}"
}

is () {
  if [ "$1" = "$2" ]; then
    ok 0 "${3-}"
  else
    ok 1 "${3-}"
    diag "  got:  '$1'" "  want: '$2'"
  fi
}

skip () {
  _tl_k=${2:-1}
  while [ "$_tl_k" -gt 0 ]; do
    tap_n=$((tap_n + 1))
    printf 'ok %d # SKIP %s\n' "$tap_n" "$1"
    _tl_k=$((_tl_k - 1))
  done
}

diag () {
  if [ $# -gt 0 ]; then
    printf '%s\n' "$@" | sed 's/^/# /'
  else
    sed 's/^/# /'
  fi
}

plan () {
  _tl_plan=$1
  echo "1..$1"
}

# A checker's result line "ok 7 - DESC" or "not ok 7 DESC": DESC.
_tl_desc () {
  _tl_d=${1#not }
  _tl_d=${_tl_d#ok}
  _tl_d=${_tl_d# }
  _tl_d=${_tl_d#"${_tl_d%%[!0-9]*}"}
  _tl_d=${_tl_d# }
  _tl_d=${_tl_d#- }
}

run_tap () {
  tap_status=0
  _tl_out=$("$@" 2>&1) || tap_status=$?
  _tl_got=0
  _tl_bad=0
  while IFS= read -r _tl_line; do
    case $_tl_line in
      "ok "[0-9]*)
        _tl_desc "$_tl_line"
        _tl_got=$((_tl_got + 1))
        case $_tl_d in
          "# SKIP"*) skip "${_tl_d#"# SKIP "}" ;;
          *) ok 0 "$_tl_d" ;;
        esac ;;
      "not ok "[0-9]*)
        _tl_desc "$_tl_line"
        _tl_got=$((_tl_got + 1))
        _tl_bad=$((_tl_bad + 1))
        ok 1 "$_tl_d" ;;
      "1..0"*"# SKIP"*)
        _tl_got=$((_tl_got + 1))
        skip "${_tl_line#*# SKIP }" ;;
      [0-9]*..[0-9]*)
        # The checker's own plan; this test's is test_done's.
        ;;
      "#"*|"Bail out!"*)
        printf '%s\n' "$_tl_line" ;;
      *)
        # Anything else it said (a traceback), as a comment.
        printf '# %s\n' "$_tl_line" ;;
    esac
  done <<EOF
$_tl_out
EOF
  if [ "$_tl_got" -eq 0 ]; then
    not_ok "checker ran: $* (exit $tap_status)"
  elif [ "$tap_status" -ne 0 ] && [ "$_tl_bad" -eq 0 ]; then
    not_ok "checker ran: $* (exit $tap_status, yet no test failed)"
  fi
}

# ---- the end ---------------------------------------------------------------

_tl_exit () {
  if [ -n "$work" ] && [ -d "$work" ]; then
    if [ "$_tl_done" = 1 ] && [ "$tap_failed" -eq 0 ] \
       && [ "${VMSCAN_TEST_KEEP:-0}" != 1 ]; then
      cd / && rm -rf "$work"
    else
      printf '# kept the work folder %s\n' "$work"
    fi
  fi
}

skip_all () {
  printf '1..0 # SKIP %s\n' "$1"
  _tl_done=1
  exit 0
}

bail_out () {
  printf 'Bail out! %s\n' "$1"
  exit 1
}

test_done () {
  if [ -z "$_tl_plan" ]; then
    echo "1..$tap_n"
  elif [ "$_tl_plan" -ne "$tap_n" ]; then
    diag "planned $_tl_plan tests, ran $tap_n"
    tap_failed=$((tap_failed + 1))
  fi
  _tl_done=1
  if [ "$tap_failed" -ne 0 ]; then
    diag "$tap_failed of $tap_n tests failed"
    exit 1
  fi
  exit 0
}

setup_work () {
  work=$builddir/$test_name
  rm -rf "$work"
  mkdir -p "$work" || bail_out "cannot create $work"
  trap _tl_exit EXIT
  trap 'exit 1' HUP INT TERM
}

# ---- requirements ----------------------------------------------------------

require_vmscan () {
  [ -x "$VMSCAN" ] || skip_all "vmscan not built ($VMSCAN)"
}

require_root () {
  [ "$(id -u)" -eq 0 ] || skip_all "not root${1:+: $1}"
}

require_cmd () {
  _tl_missing=
  for _tl_c in "$@"; do
    command -v "$_tl_c" > /dev/null 2>&1 || _tl_missing="$_tl_missing $_tl_c"
  done
  [ -z "$_tl_missing" ] || skip_all "not installed:$_tl_missing"
}

# What the appliance needs, tested quickly (libguestfs-test-tool would
# launch it, minutes under software emulation): libguestfs, a qemu or
# KVM, and a host kernel supermin can read (Debian's are root's only).
require_appliance () {
  guestfish --version > /dev/null 2>&1 \
    || skip_all "guestfish --version fails: libguestfs is not installed"
  if [ ! -e /dev/kvm ] && ! command -v qemu-system-x86_64 > /dev/null 2>&1 \
     && ! command -v qemu-kvm > /dev/null 2>&1; then
    skip_all "neither /dev/kvm nor qemu: libguestfs cannot start"
  fi
  _tl_k=
  for _tl_c in /boot/vmlinuz-*; do
    [ -r "$_tl_c" ] && _tl_k=$_tl_c
  done
  [ -n "$_tl_k" ] \
    || skip_all "no readable kernel in /boot for the appliance (run as root)"
}

# A test the caller asked to leave out (VMSCAN_TEST_SKIP).
for _tl_s in ${VMSCAN_TEST_SKIP:-}; do
  [ "$_tl_s" != "$test_name" ] \
    || skip_all "left out of this pass of the suite (VMSCAN_TEST_SKIP)"
done
