#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Shows that two revisions of vmscan write the same evidence databases,
# row for row: those of `make demo`, of the four-disk end-to-end machine
# (tests/e2e/test-scan.sh) and of the corpus test (tests/e2e/test-corpus.sh).
#
#   sudo scripts/compare-dbs.sh [OLD_REV [NEW_REV]]
#
# OLD_REV defaults to b69cf3b, the commit before the source tree was
# split into layers.  NEW_REV defaults to the working tree: HEAD, or,
# when tracked or untracked (not ignored) files differ from HEAD, a
# snapshot commit of them made with a scratch index (the caller's index,
# branch and files are not touched).
#
# Each revision is checked out in its own temporary git worktree, built
# (autoreconf -fi, configure, make -j2) and removed at the end; on a
# failure, or with COMPARE_DBS_KEEP=1, everything is kept and the script
# says where.  The inputs are made ONCE, with NEW_REV's scripts, and both
# builds scan the same bytes, from the same folder, with the same
# relative paths, so that even scans.command_line and images.path agree:
#
#   demo     scripts/make-demo-image.sh demo.qcow2, then as `make demo`:
#            vmscan -f -o demo.vmscan.db --report html:demo.html demo.qcow2
#   machine  tests/data/make-tree.sh (root boot data ext2 vhd) and
#            tests/data/make-disks.sh, then as test-scan.sh:
#            vmscan -q -o scan.db -r RULES disk1.qcow2 disk2.vmdk
#            disk3.vhdx disk4.vhd
#   corpus   the copies and unpacked images of test-corpus.sh, then
#            vmscan -q -o scan.db ext2.vmdk ext2.vhd ext2.qcow2 lvm.qcow2
#            windows_volume.qcow2 mbr.raw btrfs.vhdx luks2.img
#            (skipped with a message when $VMSCAN_SHARED_CORPUS, by
#            default ../shared/corpus, has no ext2.qcow2)
#
# RULES, and the rules the demo and corpus scans load by default, are
# one copy of NEW_REV's yara-rules/*.yar (the script stops if there are
# none): both builds are configured with the
# same --prefix inside the scratch folder, and the copy sits at
# PREFIX/share/vmscan/rules, the installed rules folder vmscan prefers
# to its source tree's (which differs between the two worktrees).
# Every input (images and rules) is checked with sha256sum after each
# scan.  Scans run with LC_ALL=C TZ=UTC, as the tests do, and with
# LIBGUESTFS_BACKEND_SETTINGS=force_tcg unless the caller set it.
#
# Each database is dumped table by table (every table, ORDER BY id; by
# every column where a table has no id), every value as its type and the
# hex of its bytes, and the dumps of the two builds are compared.
#
# Row ids: the rows of files, yara_matches, yara_strings and errors are
# written by the walker and its worker threads as each file is done, so
# their ids differ from one run to the next even with -j 1 (the walker
# records directories and special files itself while a worker records
# regular files).  Before the comparison those four tables are
# renumbered 1, 2, ... in the order of their content (every compared
# column, references followed), and every reference to them
# (findings.file_id, findings.match_id, yara_matches.file_id,
# yara_strings.match_id: whatever PRAGMA foreign_key_list names) is
# rewritten to match; every other table keeps its ids, which must agree.
# The per-table lines say whether the ids as written agreed as well.
#
# Left out of the comparison, and only these (the list is printed when
# run):
#
#   scans.started_at, scans.finished_at, errors.at, and any other column
#     named *_at or *duration*: times of the run;
#   scans.openssl_version: added by schema version 3; version 2 has none;
#   PRAGMA user_version: printed, not compared (2 before, 3 after);
#   scans.tool_version: only when the two builds' `vmscan --version`
#     differ (said when run); compared otherwise.
#
# Any other column that exists in one database only is a difference.
# A set whose databases differ is scanned again by both builds, up to
# COMPARE_DBS_RETRIES times (1 by default, 0 for none), and the
# differences of every attempt are printed.  The appliance does not
# always name things the same way: libguestfs's list_filesystems named
# the corpus's btrfs subvolume btrfsvol:/dev/sdg1/subvolume in three of
# four scans and btrfsvol:/dev/sdh1/subvolume in one, by a build that
# gave sdg1 on its other scan of the same bytes.  A set identical only
# on a retry counts as identical, and the closing line says so.
# Also compared: vmscan's exit status.  Prints, per database, the rows
# of each table and either "identical" or the start of a diff -u of the
# readable dumps; exits 0 only if every database compared is identical.
# Needs root (libguestfs), git, sqlite3 and the tools of the scripts that
# make the inputs; takes a while (six scans, under emulation here).
set -u

# The exclusions: shell patterns matched against TABLE.COLUMN.
excluded_patterns='scans.started_at scans.finished_at errors.at *_at *duration* scans.openssl_version'
# The tables whose rows worker threads write as they finish: renumbered
# in the order of their content before the comparison (see canon).
renumbered_tables='files yara_matches yara_strings errors'

default_old=b69cf3b
here=$(cd "$(dirname "$0")" && pwd)
top=$(git -C "$here" rev-parse --show-toplevel) || exit 2
corpus=${VMSCAN_SHARED_CORPUS:-$top/../shared/corpus}
PATH=$PATH:/usr/sbin:/sbin
LC_ALL=C
TZ=UTC
export PATH LC_ALL TZ
if [ -z "${LIBGUESTFS_BACKEND_SETTINGS+set}" ]; then
  LIBGUESTFS_BACKEND_SETTINGS=force_tcg
  export LIBGUESTFS_BACKEND_SETTINGS
fi

say () { printf 'compare-dbs: %s\n' "$*"; }
die () { say "error: $*" >&2; keep=1; exit 2; }

if [ "$#" -gt 2 ]; then
  echo "usage: $0 [OLD_REV [NEW_REV]]" >&2
  exit 2
fi
[ "$(id -u)" -eq 0 ] || { say "error: run as root (libguestfs needs it)" >&2; exit 2; }
for t in git sqlite3 sha256sum autoreconf make qemu-img diff; do
  command -v "$t" > /dev/null 2>&1 || { say "error: $t not found" >&2; exit 2; }
done

old_rev=${1:-$default_old}
old=$(git -C "$top" rev-parse --verify --quiet "$old_rev^{commit}") \
  || { say "error: no commit $old_rev" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/compare-dbs.XXXXXX") || exit 2
keep=${COMPARE_DBS_KEEP:-0}
worktrees=""
cleanup () {
  if [ "$keep" = 1 ]; then
    say "kept $tmp (builds in old/ and new/, inputs in in/, databases,"
    say "  dumps and logs in out/); remove with: rm -rf $tmp &&" \
      "git -C $top worktree prune"
    return
  fi
  for w in $worktrees; do
    git -C "$top" worktree remove --force "$w" > /dev/null 2>&1
  done
  rm -rf "$tmp"
  git -C "$top" worktree prune
}
trap cleanup EXIT
trap 'keep=1; exit 2' HUP INT TERM

if [ "$#" -ge 2 ]; then
  new=$(git -C "$top" rev-parse --verify --quiet "$2^{commit}") \
    || die "no commit $2"
  new_name=$2
else
  # The working tree as it is: a scratch index, so nothing of the
  # caller's changes.
  idx=$tmp/index
  cp "$(git -C "$top" rev-parse --path-format=absolute --git-path index)" "$idx" \
    || die "cannot copy the index"
  GIT_INDEX_FILE=$idx git -C "$top" add -A \
    && tree=$(GIT_INDEX_FILE=$idx git -C "$top" write-tree) \
    || die "cannot snapshot the working tree"
  rm -f "$idx"
  if [ "$tree" = "$(git -C "$top" rev-parse 'HEAD^{tree}')" ]; then
    new=$(git -C "$top" rev-parse HEAD)
    new_name="HEAD (the working tree, no changes)"
  else
    new=$(git -C "$top" commit-tree -p HEAD -m "compare-dbs: working tree" "$tree") \
      || die "cannot snapshot the working tree"
    new_name="the working tree (HEAD plus uncommitted changes)"
  fi
fi

say "OLD $(git -C "$top" log -1 --format='%h %s' "$old")"
say "NEW $new_name: $(git -C "$top" log -1 --format='%h %s' "$new")"
say "scratch folder $tmp"
say "LIBGUESTFS_BACKEND_SETTINGS=$LIBGUESTFS_BACKEND_SETTINGS"
say "not compared (TABLE.COLUMN patterns): $excluded_patterns;"
say "  PRAGMA user_version (printed); scans.tool_version only if the"
say "  builds' versions differ"
say "renumbered in the order of their content (ids written in thread"
say "  order), references to them followed: $renumbered_tables"

mkdir -p "$tmp/in" "$tmp/out" || die "cannot create $tmp/in, $tmp/out"
prefix=$tmp/prefix
rules=$prefix/share/vmscan/rules

# ---- the builds --------------------------------------------------------------
build () {
  local side=$1 rev=$2 start
  git -C "$top" worktree add --detach "$tmp/$side" "$rev" > "$tmp/out/worktree-$side.log" 2>&1 \
    || { cat "$tmp/out/worktree-$side.log" >&2; die "git worktree add $side failed"; }
  worktrees="$worktrees $tmp/$side"
  start=$(date +%s)
  ( cd "$tmp/$side" && autoreconf -fi && ./configure --prefix="$prefix" \
      && make -j2 ) > "$tmp/out/build-$side.log" 2>&1 \
    || { tail -n 20 "$tmp/out/build-$side.log" >&2; die "build of $side failed (log: $tmp/out/build-$side.log)"; }
  [ -x "$tmp/$side/vmscan" ] || die "build of $side made no vmscan"
  say "built $side in $(( $(date +%s) - start )) s: $("$tmp/$side/vmscan" --version | head -n 1)"
}
build old "$old"
build new "$new"

v_old=$("$tmp/old/vmscan" --version | head -n 1)
v_new=$("$tmp/new/vmscan" --version | head -n 1)
if [ "$v_old" != "$v_new" ]; then
  excluded_patterns="$excluded_patterns scans.tool_version"
  say "versions differ ($v_old / $v_new): scans.tool_version not compared"
fi

# ---- the inputs, once, with NEW's scripts --------------------------------------
src=$tmp/new
# The script at its path in NEW, or where OLD kept it (NEW_REV given as
# a revision from before the layout change).
script () {
  local p
  for p in "$@"; do
    [ -x "$src/$p" ] && { echo "$src/$p"; return 0; }
  done
  say "error: none of $* in NEW" >&2
  return 1
}

mkdir -p "$rules" || die "cannot create $rules"
# test-scan.sh writes an EICAR rule of its own when yara-rules/ has no
# *.yar; the demo and the corpus scans would then load no rules at all,
# so stop instead.
ls "$src"/yara-rules/*.yar > /dev/null 2>&1 || die "NEW has no yara-rules/*.yar"
cp "$src"/yara-rules/*.yar "$rules/" || die "cannot copy the rules"
(cd "$rules" && sha256sum -- *.yar) > "$tmp/in/rules.sha256"

sets=""
# demo
mkdir -p "$tmp/in/demo"
make_demo=$(script scripts/make-demo-image.sh) || die "no demo script"
(cd "$tmp/in/demo" && "$make_demo" demo.qcow2) \
  > "$tmp/out/make-demo.log" 2>&1 \
  || { tail -n 20 "$tmp/out/make-demo.log" >&2; die "make-demo-image.sh failed"; }
sets="$sets demo"

# machine
m=$tmp/in/machine
mkdir -p "$m/trees"
make_tree=$(script tests/data/make-tree.sh tests/make-tree.sh) || die "no make-tree.sh"
make_disks=$(script tests/data/make-disks.sh tests/make-disks.sh) || die "no make-disks.sh"
for k in root boot data ext2 vhd; do
  "$make_tree" "$m/trees/$k" "$k" >> "$tmp/out/make-machine.log" 2>&1 \
    || { tail -n 20 "$tmp/out/make-machine.log" >&2; die "make-tree.sh $k failed"; }
done
"$make_disks" "$m/trees" "$m" >> "$tmp/out/make-machine.log" 2>&1 \
  || { tail -n 20 "$tmp/out/make-machine.log" >&2; die "make-disks.sh failed"; }
sets="$sets machine"

# corpus
if [ -r "$corpus/ext2.qcow2" ]; then
  c=$tmp/in/corpus
  mkdir -p "$c"
  ( cd "$c" \
    && cp "$corpus/ext2.vmdk" "$corpus/ext2.vhd" "$corpus/ext2.qcow2" \
          "$corpus/lvm.qcow2" "$corpus/windows_volume.qcow2" . \
    && gzip -dc "$corpus/mbr.raw.gz" > mbr.raw \
    && gzip -dc "$corpus/btrfs.vhdx.gz" > btrfs.vhdx \
    && xz -dc "$corpus/luks2-compatimage2.img.xz" > luks2.img \
    && chmod a-w ./* ) || die "cannot copy the corpus from $corpus"
  sets="$sets corpus"
  corpus_skipped=0
else
  say "corpus: SKIPPED, no $corpus/ext2.qcow2 (set VMSCAN_SHARED_CORPUS)"
  corpus_skipped=1
fi

# The images of each set, and its command line after ./vmscan.
images_of () {
  case $1 in
    demo) echo demo.qcow2 ;;
    machine) echo disk1.qcow2 disk2.vmdk disk3.vhdx disk4.vhd ;;
    corpus) echo ext2.vmdk ext2.vhd ext2.qcow2 lvm.qcow2 \
              windows_volume.qcow2 mbr.raw btrfs.vhdx luks2.img ;;
  esac
}
db_of () {
  case $1 in
    demo) echo demo.vmscan.db ;;
    *) echo scan.db ;;
  esac
}
args_of () {
  case $1 in
    demo) echo -f -o demo.vmscan.db --report html:demo.html demo.qcow2 ;;
    machine) echo -q -o scan.db -r "$rules" $(images_of machine) ;;
    corpus) echo -q -o scan.db $(images_of corpus) ;;
  esac
}
for s in $sets; do
  (cd "$tmp/in/$s" && sha256sum $(images_of "$s")) > "$tmp/in/$s.sha256"
done

# ---- the scans ---------------------------------------------------------------
# scan SET SIDE: runs ./vmscan (a link to SIDE's build) in the set's
# folder, moves the database (and the demo's report) to out/.
scan () {
  local s=$1 side=$2 d=$tmp/in/$1 start rc
  ln -sfn "$tmp/$side/vmscan" "$d/vmscan"
  start=$(date +%s)
  # shellcheck disable=SC2046
  (cd "$d" && ./vmscan $(args_of "$s")) > "$tmp/out/$s-$side.out" 2> "$tmp/out/$s-$side.err"
  rc=$?
  rm -f "$d/vmscan"
  echo "$rc" > "$tmp/out/$s-$side.rc"
  mv "$d/$(db_of "$s")" "$tmp/out/$s-$side.db" 2> /dev/null
  [ "$s" = demo ] && mv "$d/demo.html" "$tmp/out/demo-$side.html" 2> /dev/null
  say "$s: $side scan exit status $rc in $(( $(date +%s) - start )) s"
  (cd "$d" && sha256sum -c --quiet "$tmp/in/$s.sha256") > /dev/null 2>&1 \
    || die "$s: the images changed during the $side scan"
  (cd "$rules" && sha256sum -c --quiet "$tmp/in/rules.sha256") > /dev/null 2>&1 \
    || die "the rules changed during the $side scan of $s"
  [ -f "$tmp/out/$s-$side.db" ] \
    || { tail -n 5 "$tmp/out/$s-$side.err" >&2; die "$s: $side wrote no database"; }
  if [ "$rc" -gt 1 ]; then
    tail -n 5 "$tmp/out/$s-$side.err" >&2
    die "$s: $side scan failed (exit status $rc)"
  fi
}

# ---- the comparison ----------------------------------------------------------
q () { sqlite3 -readonly -batch -noheader "$@"; }

is_excluded () {
  local p
  for p in $excluded_patterns; do
    # shellcheck disable=SC2254
    case "$1.$2" in $p) return 0 ;; esac
  done
  return 1
}

# dump DB TABLE COLS ORDER MODE: one line per row.  MODE exact: each
# value as typeof:hex (every byte, NUL included); readable: quote()
# with backslash, newline and CR escaped.
dump () {
  local db=$1 t=$2 cols=$3 order=$4 mode=$5 sel="" col e
  for col in $cols; do
    if [ "$mode" = exact ]; then
      e="typeof(\"$col\") || ':' || hex(\"$col\")"
    else
      e="replace(replace(replace(quote(\"$col\"), '\\', '\\\\'), char(10), '\\n'), char(13), '\\r')"
    fi
    sel="${sel:+$sel || '|' || }$e"
  done
  q "$db" "SELECT '$t|' || $sel FROM \"$t\" ORDER BY $order"
}

# canon IN OUT: OUT is a copy of IN in which the rows of the renumbered
# tables get ids 1, 2, ... in the order of their content (every compared
# column, references to other renumbered tables followed to their new
# ids), and every reference to them (found with PRAGMA foreign_key_list)
# is rewritten to the new ids.  A reference to a row that does not exist
# becomes the text "dangling N", so it still shows.
canon () {
  local in=$1 out=$2 t c ref keys sel rebuild sql=""
  cp "$in" "$out" || return 1
  # The maps, in the order of renumbered_tables (a table's map may use
  # the maps before it).
  for t in $renumbered_tables; do
    keys=""
    for c in $(q "$out" "SELECT name FROM pragma_table_info('$t') ORDER BY cid"); do
      [ "$c" = id ] && continue
      is_excluded "$t" "$c" && continue
      ref=$(q "$out" "SELECT \"table\" FROM pragma_foreign_key_list('$t') WHERE \"from\" = '$c'")
      if [ -n "$ref" ] && is_renumbered "$ref"; then
        keys="${keys:+$keys, }(SELECT new FROM \"canon_map_$ref\" WHERE old = \"$t\".\"$c\")"
      else
        keys="${keys:+$keys, }\"$t\".\"$c\""
      fi
    done
    sql="$sql
CREATE TABLE \"canon_map_$t\" (old INTEGER PRIMARY KEY, new INTEGER);
INSERT INTO \"canon_map_$t\" SELECT id, row_number () OVER (ORDER BY ${keys:-id}) FROM \"$t\";"
  done
  # The tables: the renumbered ones and every one that refers to them.
  for t in $(q "$out" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'canon_%' ORDER BY name"); do
    sel="" rebuild=0
    is_renumbered "$t" && rebuild=1
    for c in $(q "$out" "SELECT name FROM pragma_table_info('$t') ORDER BY cid"); do
      ref=$(q "$out" "SELECT \"table\" FROM pragma_foreign_key_list('$t') WHERE \"from\" = '$c'")
      if [ "$c" = id ] && is_renumbered "$t"; then
        ref=$t
      fi
      if [ -n "$ref" ] && is_renumbered "$ref"; then
        rebuild=1
        sel="${sel:+$sel, }CASE WHEN \"$t\".\"$c\" IS NULL THEN NULL ELSE coalesce ((SELECT new FROM \"canon_map_$ref\" WHERE old = \"$t\".\"$c\"), 'dangling ' || \"$t\".\"$c\") END AS \"$c\""
      else
        sel="${sel:+$sel, }\"$t\".\"$c\""
      fi
    done
    [ "$rebuild" = 1 ] || continue
    sql="$sql
CREATE TABLE \"canon_new_$t\" AS SELECT $sel FROM \"$t\";
DROP TABLE \"$t\";
ALTER TABLE \"canon_new_$t\" RENAME TO \"$t\";"
  done
  for t in $renumbered_tables; do
    sql="$sql
DROP TABLE \"canon_map_$t\";"
  done
  sqlite3 -batch "$out" "BEGIN;$sql
COMMIT;"
}

is_renumbered () {
  case " $renumbered_tables " in *" $1 "*) return 0 ;; esac
  return 1
}

# compare_set SET: compares the two databases of SET; sets same (1 if
# identical), rows, ntables and report.
compare_set () {
  local s=$1
  o=$tmp/out/$s
  mkdir -p "$o"
  a=$o/old.canon.db b=$o/new.canon.db
  canon "$tmp/out/$s-old.db" "$a" || die "$s: cannot renumber the old database"
  canon "$tmp/out/$s-new.db" "$b" || die "$s: cannot renumber the new database"
  same=1 rows=0
  report=""
  rc_a=$(cat "$tmp/out/$s-old.rc") rc_b=$(cat "$tmp/out/$s-new.rc")
  [ "$rc_a" = "$rc_b" ] || { same=0; report="$report
  exit status differs: old $rc_a, new $rc_b"; }
  report="$report
  PRAGMA user_version: old $(q "$a" 'PRAGMA user_version'), new $(q "$b" 'PRAGMA user_version') (not compared)"
  ta=$(q "$a" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
  tb=$(q "$b" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
  if [ "$ta" != "$tb" ]; then
    same=0
    report="$report
  tables differ: old: $(echo $ta); new: $(echo $tb)"
  fi
  ntables=0
  for t in $(printf '%s\n%s\n' "$ta" "$tb" | sort -u); do
    ca=$(q "$a" "SELECT name FROM pragma_table_info('$t') ORDER BY cid")
    cb=$(q "$b" "SELECT name FROM pragma_table_info('$t') ORDER BY cid")
    [ -n "$ca" ] && [ -n "$cb" ] || continue
    ntables=$((ntables + 1))
    cols="" skipped=""
    for col in $ca; do
      if is_excluded "$t" "$col"; then
        skipped="$skipped $col"
      elif printf '%s\n' "$cb" | grep -qx -- "$col"; then
        cols="$cols $col"
      else
        same=0
        report="$report
  $t.$col: only in old"
      fi
    done
    for col in $cb; do
      if ! printf '%s\n' "$ca" | grep -qx -- "$col"; then
        if is_excluded "$t" "$col"; then
          skipped="$skipped $col"
        else
          same=0
          report="$report
  $t.$col: only in new"
        fi
      fi
    done
    if printf '%s\n' $cols | grep -qx id; then
      order=id
    else
      order=$(echo $cols | sed 's/\([^ ]*\)/"\1"/g; s/ /, /g')
    fi
    dump "$a" "$t" "$cols" "$order" exact > "$o/$t.old.exact"
    dump "$b" "$t" "$cols" "$order" exact > "$o/$t.new.exact"
    n_a=$(wc -l < "$o/$t.old.exact") n_b=$(wc -l < "$o/$t.new.exact")
    rows=$((rows + n_a))
    line=$(printf '  %-18s %7s rows' "$t" "$n_a")
    [ "$n_a" = "$n_b" ] || line="$line (new: $n_b)"
    [ -n "$skipped" ] && line="$line; not compared:$skipped"
    if is_renumbered "$t"; then
      dump "$tmp/out/$s-old.db" "$t" "$cols" "$order" exact > "$o/$t.old.raw"
      dump "$tmp/out/$s-new.db" "$t" "$cols" "$order" exact > "$o/$t.new.raw"
      if cmp -s "$o/$t.old.raw" "$o/$t.new.raw"; then
        line="$line; renumbered (ids as written: the same)"
      else
        line="$line; renumbered (ids as written: differ)"
      fi
    fi
    if cmp -s "$o/$t.old.exact" "$o/$t.new.exact"; then
      report="$report
$line: identical"
    else
      same=0
      dump "$a" "$t" "$cols" "$order" readable > "$o/$t.old.txt"
      dump "$b" "$t" "$cols" "$order" readable > "$o/$t.new.txt"
      if cmp -s "$o/$t.old.txt" "$o/$t.new.txt"; then
        d=$(diff -u "$o/$t.old.exact" "$o/$t.new.exact")
      else
        d=$(diff -u "$o/$t.old.txt" "$o/$t.new.txt")
      fi
      nd=$(printf '%s\n' "$d" | grep -c '^[-+][^-+]')
      # Whether only the order differs: the rows without id, sorted.
      hint=""
      if [ "$order" = id ]; then
        rest=$(echo $cols | sed 's/^id //; s/ id / /; s/ id$//')
        if [ "$rest" != id ]; then
          dump "$a" "$t" "$rest" id exact | sort > "$o/$t.old.sorted"
          dump "$b" "$t" "$rest" id exact | sort > "$o/$t.new.sorted"
          cmp -s "$o/$t.old.sorted" "$o/$t.new.sorted" \
            && hint=" (the same rows apart from id: only the order differs)"
        fi
      fi
      report="$report
$line: DIFFERENT, $nd lines differ$hint; first of diff -u:
$(printf '%s\n' "$d" | sed -n '3,42p' | cut -c 1-300 | sed 's/^/    /')"
    fi
  done
}

total_rows=0
identical=0
different=0
retried=""
retries=${COMPARE_DBS_RETRIES:-1}
for s in $sets; do
  scan "$s" old
  scan "$s" new
  try=0
  while :; do
    compare_set "$s"
    if [ "$same" = 1 ]; then
      say "$s: $ntables tables, $rows rows: identical$report"
      break
    fi
    say "$s: $ntables tables, $rows rows: DIFFERENT$report"
    [ "$try" -lt "$retries" ] || break
    try=$((try + 1))
    # The same inputs scanned again by both builds: a difference that
    # goes away was the appliance's or the threads', not the change's.
    say "$s: scanning again with both builds (retry $try of $retries) to tell nondeterminism from a change"
    for side in old new; do
      mv "$tmp/out/$s-$side.db" "$tmp/out/$s-$side.try$try.db"
    done
    mv "$tmp/out/$s" "$tmp/out/$s.try$try"
    scan "$s" old
    scan "$s" new
  done
  total_rows=$((total_rows + rows))
  if [ "$same" = 1 ]; then
    identical=$((identical + 1))
    [ "$try" -gt 0 ] && retried="$retried $s"
  else
    different=$((different + 1))
  fi
done

notes=""
[ "$corpus_skipped" = 1 ] && notes="; corpus skipped"
[ -n "$retried" ] \
  && notes="$notes; identical only when scanned again:$retried (the first scans differed, shown above)"
if [ "$different" -eq 0 ]; then
  say "$identical databases identical ($total_rows rows)$notes"
  exit 0
fi
keep=1
say "$different of $((identical + different)) databases DIFFERENT ($identical identical, $total_rows rows in old)$notes"
exit 1
