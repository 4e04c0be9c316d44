#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# The check ids are documented and named once: every id vmscan
# --list-checks prints has its entry in man/vmscan.pod's "List of
# checks", every id that list names is one vmscan prints, and no C file
# of src/checks but the registry (list.h) spells an id as a string
# literal.  Prints TAP.
#
# Environment: as tests/lib.sh says.
set -u

. "$(dirname "$0")/../lib.sh"

require_vmscan
setup_work
tmp=$work

"$VMSCAN" --list-checks > "$tmp/list"
ok $? "vmscan --list-checks exits 0"
awk '{ print $1 }' "$tmp/list" | sort > "$tmp/ids"
[ "$(wc -l < "$tmp/ids")" -gt 40 ]
ok $? "it prints the checks ($(wc -l < "$tmp/ids"))"

# The ids the man page lists: the =item lines between "=head2 List of
# checks" and the next =head2.
sed -n '/^=head2 List of checks/,/^=head2 Limits/p' \
    "$top_srcdir/man/vmscan.pod" \
  | sed -n 's/^=item B<\([^>]*\)>.*/\1/p' | sort > "$tmp/man"
[ -s "$tmp/man" ]
ok $? "man/vmscan.pod has a list of checks"
comm -23 "$tmp/ids" "$tmp/man" > "$tmp/undoc"
[ ! -s "$tmp/undoc" ]
ok $? "every check vmscan prints is in the man page" \
  "$(tr '\n' ' ' < "$tmp/undoc")"
comm -13 "$tmp/ids" "$tmp/man" > "$tmp/stale"
[ ! -s "$tmp/stale" ]
ok $? "every check the man page lists exists $(tr '\n' ' ' < "$tmp/stale")"

# Each id as a C string literal in src/checks but list.h: a dotted id
# ("persistence.cron") anywhere; a one-word id (os, package, ioc, yara:
# also the words of categories, scopes and titles) where a check id goes,
# a check_id field or the id argument of a function that takes one.
found=""
for id in $(cat "$tmp/ids"); do
  case $id in
    *.*) pat="\"$id\"" ;;
    *) pat="(check_id = |vs_check_ran \([^,]*, |vs_cc_report \([^,]*, |vs_check_add[f]? \([^,]*, |vs_ft_add \([^,]*, )\"$id\"" ;;
  esac
  for f in "$top_srcdir"/src/checks/*.c "$top_srcdir"/src/checks/*.h; do
    [ -f "$f" ] && [ "$(basename "$f")" != list.h ] || continue
    if grep -E -q "$pat" "$f"; then
      found="$found $(basename "$f"):$id"
    fi
  done
done
[ -z "$found" ]
ok $? "no check id is a string literal outside the registry$found"

test_done
