#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# TAP test: qemu opens only what vmscan checked.  A scratch file stands
# for a host file an attacker would want read: an ext4 filesystem holding
# one secret file.  Crafted images name it (a VMDK whose header sends
# qemu to its embedded descriptor, which lists a FLAT extent; a qcow2
# with a backing file, plainly or as a json: filename; a qcow2 with an
# external data file; a VMDK descriptor with a FLAT extent; a VMDK delta
# disk), each built against a placeholder and the name patched in after,
# so that no tool ever opens the scratch file while they are made.
#
# 1. The sandbox (through tests/e2e/sandbox-run): it sees /usr, three
#    devices and the image and nothing else, reads the image's bytes,
#    cannot write, reach the network or keep a capability, and gets no
#    stray descriptor.
# 2. The server without image.c in front (sandbox-run --serve): every
#    crafted image is refused by qemu's own account of what it opened,
#    and a good one is served byte for byte (qemu-img compare).
# 3. vmscan on each crafted image, under strace -f: exit 2, one line on
#    stderr, no appliance launched, no database row holding the scratch
#    file's sha256 or its secret file's, the image unchanged, and no
#    process ever opened the scratch file.
# 4. One scan of a good qcow2 (the one full appliance launch): every
#    file of the tree it was built from is recorded with the sha256
#    sha256sum gives, the image was opened by path exactly once (by
#    vmscan; qemu gets it through that descriptor), and
#    qemu-storage-daemon opened nothing outside /usr, its three devices
#    and /image.
# 5. vmscan killed (SIGKILL) while the appliance starts: its server dies
#    with it and no socket folder is left in /tmp.
#
# Needs root (namespaces, the appliance), qemu-img, qemu-storage-daemon,
# strace, mke2fs, debugfs, sqlite3, python3.
set -u

. "$(dirname "$0")/../lib.sh"
RUN=${SANDBOX_RUN:-$top_builddir/tests/e2e/sandbox-run}
LC_ALL=C
export LC_ALL

require_vmscan
[ -x "$RUN" ] || skip_all "tests/e2e/sandbox-run not built"
require_root "the appliance and strace of it need root"
require_cmd qemu-img qemu-storage-daemon strace mke2fs debugfs sqlite3 \
  python3 sha256sum guestfish
require_appliance

setup_work
mkdir -p "$work/secret" "$work/tree/etc" "$work/tree/data/sub"
cd "$work" || bail_out "cannot enter $work"

# The scratch file: a filesystem with a secret in it.  Its name and the
# placeholder's have the same length, so a name can be patched in place.
scratch=$work/scratch
place=$work/xxxxxxx
head -c 300000 /dev/urandom > secret/host-secret.bin
mke2fs -q -F -t ext4 -L hostsecret -d secret "$scratch" 8M
s_file=$(sha256sum < "$scratch" | cut -d' ' -f1)
s_secret=$(sha256sum < secret/host-secret.bin | cut -d' ' -f1)
size=$(stat -c %s "$scratch")
sectors=$((size / 512))

# patch FILE OLD NEW: writes NEW over the first OLD in FILE (same length).
patch_name () {
  off=$(grep -obUaF -- "$2" "$1" | head -n 1 | cut -d: -f1)
  [ -n "$off" ] || return 1
  printf '%s' "$3" | dd of="$1" bs=1 seek="$off" conv=notrunc 2>/dev/null
}
# put_desc FILE TEXT: writes TEXT as the embedded descriptor of the
# sparse VMDK FILE (at sector 1, 20 sectors, as qemu-img makes it).
put_desc () {
  dd if=/dev/zero of="$1" bs=512 seek=1 count=20 conv=notrunc 2>/dev/null
  printf '%b' "$2" | dd of="$1" bs=512 seek=1 conv=notrunc 2>/dev/null
}

# 1. VMDK: capacity 0 sends qemu to the embedded descriptor as if it were
#    a descriptor file; the first "createType" qemu finds is in a
#    comment, and the FLAT extent is tab-separated.
qemu-img create -q -f vmdk kdmv-flat.vmdk "$size"
printf '\0\0\0\0\0\0\0\0' | dd of=kdmv-flat.vmdk bs=1 seek=12 conv=notrunc \
  2>/dev/null
put_desc kdmv-flat.vmdk "# Disk DescriptorFile\nversion=1\n# createType=\"monolithicFlat\"\nCID=4bf785ed\nparentCID=ffffffff\ncreateType=\"monolithicSparse\"\nRW $sectors SPARSE x\nRW\t$sectors\tFLAT\t\"$scratch\"\t0\n"
# 2. qcow2 with a backing file.
qemu-img create -q -f qcow2 -u -b "$place" -F raw backing.qcow2 "$size"
patch_name backing.qcow2 "$place" "$scratch"
# 3. The same as a json: filename (never opened by qemu-img: -u).
qemu-img create -q -f qcow2 -u -F raw \
  -b "json:{\"driver\":\"raw\",\"file\":{\"driver\":\"file\",\"filename\":\"$scratch\"}}" \
  backing-json.qcow2 "$size"
# 4. qcow2 with an external data file (qemu-img makes the placeholder).
qemu-img create -q -f qcow2 -o data_file="$place" datafile.qcow2 "$size"
rm -f "$place"
patch_name datafile.qcow2 "$place" "$scratch"
# 5. A VMDK descriptor file with a FLAT extent.
printf '# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType="monolithicFlat"\nRW %s FLAT "%s" 0\n' \
  "$sectors" "$scratch" > descriptor.vmdk
# 6. A VMDK delta disk whose parent is the scratch file.
qemu-img create -q -f vmdk delta.vmdk "$size"
put_desc delta.vmdk "# Disk DescriptorFile\nversion=1\nCID=4bf785ed\nparentCID=12345678\ncreateType=\"monolithicSparse\"\nparentFileNameHint=\"$scratch\"\nRW $sectors SPARSE \"delta.vmdk\"\n"

# no_open TRACE_PREFIX PATH: no successful open, stat or exec of PATH in
# any of the per-process traces.
no_open () {
  ! cat "$1".* 2>/dev/null | grep -F "\"$2\"" | grep -qv ' = -1 '
}
# LeakSanitizer cannot work under ptrace and fails the traced program
# (exit 1) in a sanitizer build: leaks are looked for in the untraced
# runs of the suite instead.
traced () {
  out=$1
  shift
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    strace -f -ff -qq --seccomp-bpf -s 4096 -e trace=%file,execve \
    -o "$out" "$@"
}

# 1. The sandbox.
printf 'image bytes\n' > small.img
want=$(for e in bin dev image lib lib32 lib64 libx32 sbin usr; do
  case $e in
    dev|image|usr) echo $e ;;
    *) [ -e "/$e" ] || [ -L "/$e" ] && echo $e ;;
  esac
done | sort | tr '\n' ' ')
got=$("$RUN" small.img /usr/bin/ls -A / | sort | tr '\n' ' ')
[ "$got" = "$want" ]
ok $? "sandbox: / holds only $want(got: $got)"
got=$("$RUN" small.img /usr/bin/ls -A /dev | sort | tr '\n' ' ')
[ "$got" = "null urandom zero " ]
ok $? "sandbox: /dev holds only null, urandom, zero (got: $got)"
[ "$("$RUN" small.img /usr/bin/sha256sum /image | cut -d' ' -f1)" = \
  "$(sha256sum < small.img | cut -d' ' -f1)" ]
ok $? "sandbox: /image has the image's bytes"
"$RUN" small.img /usr/bin/sh -c "for f in '$scratch' /etc/passwd /proc/self /sys /tmp /var /home /root /dev/vda /dev/sda; do if [ -e \"\$f\" ]; then echo \"\$f\"; fi; done" > seen 2>&1
[ $? -eq 0 ] && [ ! -s seen ]
ok $? "sandbox: no scratch file, /etc, /proc, /sys, /tmp, /var, /home, /root or disk ($(tr '\n' ' ' < seen))"
"$RUN" small.img /usr/bin/sh -c ': > /new || : > /image || : > /usr/new' \
  2> /dev/null
[ $? -ne 0 ]
ok $? "sandbox: nothing can be written"
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(4)
print(s.getsockname()[1]); sys.stdout.flush(); time.sleep(20)' > port &
listener=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -s port ] && break; sleep 0.2; done
"$RUN" small.img /usr/bin/bash -c "exec 3<>/dev/tcp/127.0.0.1/$(cat port)" \
  2> net.err
rc=$?
kill $listener 2>/dev/null
wait $listener 2>/dev/null
[ $rc -ne 0 ] && [ -s port ]
ok $? "sandbox: a host TCP listener cannot be reached ($(head -c 100 net.err))"
if command -v capsh > /dev/null; then
  "$RUN" small.img "$(command -v capsh)" --print > caps 2>&1
  grep -qx 'Current: =' caps && grep -qx 'Bounding set =' caps \
    && grep -q 'no-new-privs=1' caps
  ok $? "sandbox: no capability, empty bounding set, no new privileges"
else
  skip "capsh not installed"
fi
# Descriptors this shell holds (3 and 7 here) must not reach the tool.
# (Asked of python: a shell keeps copies of its own above 9.)
"$RUN" small.img /usr/bin/python3 -c '
import os
for fd in range(3, 1024):
    try:
        os.fstat(fd)
        print(fd)
    except OSError:
        pass' 3> /dev/null 7< small.img > fds
[ $? -eq 0 ] && [ ! -s fds ]
ok $? "sandbox: no descriptor but 0, 1, 2 ($(tr '\n' ' ' < fds))"

# 2. The server on its own, image.c not in front.
for spec in "vmdk kdmv-flat.vmdk Could not open '$scratch'" \
            "qcow2 backing.qcow2 backing file '$scratch'" \
            "qcow2 backing-json.qcow2 backing file" \
            "qcow2 datafile.qcow2 Could not open '$scratch'"; do
  fmt=${spec%% *}
  rest=${spec#* }
  img=${rest%% *}
  pattern=${rest#* }
  traced "serve-$img" "$RUN" --serve "$fmt" "$img" < /dev/null > out 2> err
  rc=$?
  [ $rc -eq 2 ] && [ "$(wc -l < err)" -eq 1 ] && grep -qF -- "$pattern" err \
    && [ ! -s out ]
  ok $? "server: $img refused by qemu's account (rc=$rc: $(head -c 300 err))"
  no_open "serve-$img" "$scratch"
  ok $? "server: $img: the scratch file was never opened"
done
qemu-img convert -f raw -O qcow2 "$scratch" good-small.qcow2
mkfifo hold
"$RUN" --serve qcow2 good-small.qcow2 < hold > uri 2> serve.err &
server=$!
exec 9> hold
for _ in $(seq 1 50); do [ -s uri ] && break; sleep 0.1; done
qemu-img compare -U -f raw -F raw "$(cat uri)" "$scratch" > cmp 2>&1
ok $? "server: a good qcow2 is served byte for byte ($(head -c 200 cmp) $(head -c 200 serve.err))"
exec 9>&-
wait $server
rm -f hold

# 3. vmscan refuses each crafted image before any launch.
for img in kdmv-flat.vmdk backing.qcow2 backing-json.qcow2 datafile.qcow2 \
           descriptor.vmdk delta.vmdk; do
  before=$(sha256sum < "$img")
  traced "scan-$img" "$VMSCAN" -q --no-yara -o "$img.db" "$work/$img" \
    > out 2> err
  rc=$?
  [ $rc -eq 2 ] && [ "$(wc -l < err)" -eq 1 ]
  ok $? "vmscan $img: exit 2, one line (rc=$rc: $(head -c 300 err))"
  dump=$(sqlite3 "$img.db" .dump 2>/dev/null)
  [ -n "$dump" ] && ! printf '%s' "$dump" | grep -q -e "$s_file" -e "$s_secret"
  ok $? "vmscan $img: no row holds the scratch file's or its secret's sha256"
  [ "$(sha256sum < "$img")" = "$before" ]
  ok $? "vmscan $img: image unchanged"
  no_open "scan-$img" "$scratch"
  ok $? "vmscan $img: no process opened the scratch file"
  ! cat "scan-$img".* | grep -q 'execve("[^"]*qemu-system'
  ok $? "vmscan $img: refused before any appliance launch"
done

# 4. A good qcow2 (one launch).
printf 'root:x:0:0:root:/root:/bin/sh\n' > tree/etc/passwd
printf 'first file\n' > tree/data/a.txt
head -c 200000 /dev/urandom > tree/data/sub/b.bin
printf 'named like the image\n' > tree/data/good.qcow2
mke2fs -q -F -t ext4 -L good -d tree good.raw 16M
qemu-img convert -f raw -O qcow2 good.raw good.qcow2
before=$(sha256sum < good.qcow2)
traced scan-good "$VMSCAN" -q --no-yara -o good.db "$work/good.qcow2" \
  > good.out 2> good.err
rc=$?
[ $rc -eq 0 ] || [ $rc -eq 1 ]
ok $? "vmscan good.qcow2: scan completes (rc=$rc: $(head -c 300 good.err))"
(cd tree && find . -type f | sed 's|^\.||' | sort | while read -r f; do
   printf '%s %s\n' "$f" "$(sha256sum < ".$f" | cut -d' ' -f1)"
 done) > want-files
sqlite3 good.db "SELECT path || ' ' || sha256 FROM files
                 WHERE type = 'file' AND path NOT LIKE '/lost+found/%'
                 ORDER BY path" > got-files
cmp -s want-files got-files
ok $? "vmscan good.qcow2: every file of the tree, with sha256sum's hash ($(diff want-files got-files | head -n 4 | tr '\n' ' '))"
[ "$(sha256sum < good.qcow2)" = "$before" ]
ok $? "vmscan good.qcow2: image unchanged"
opens=$(cat scan-good.* | grep -E '^(open|openat|openat2|open_tree)\(' \
        | grep -F "\"$work/good.qcow2\"" | grep -v ' = -1 ' | wc -l)
[ "$opens" -eq 1 ]
ok $? "vmscan good.qcow2: the image was opened by path exactly once ($opens)"
qsd=$(grep -l 'execve("[^"]*qemu-storage-daemon' scan-good.* | head -n 1)
if [ -n "$qsd" ]; then
  sed -n '/^execve(/,$p' "$qsd" \
    | grep -E '^(open|openat|stat|newfstatat|access|readlink)' \
    | grep -v ' = -1 ' | grep -o '"/[^"]*"' | tr -d '"' | sort -u \
    | grep -Ev '^/(usr|lib|lib64|lib32|libx32|bin|sbin)(/|$)|^/dev/(null|zero|urandom)$|^/image$|^/$' \
    > qsd-other
  [ ! -s qsd-other ] && grep -q '"/image"' "$qsd"
  ok $? "vmscan good.qcow2: qemu-storage-daemon opened /image and nothing outside /usr and its devices ($(head -n 3 qsd-other | tr '\n' ' '))"
else
  ok 1 "vmscan good.qcow2: qemu-storage-daemon ran"
fi

# 5. vmscan killed while its server runs (during the launch): the server
#    dies with it and its socket folder goes.
ls -d /tmp/vmscan.* 2> /dev/null | sort > tmp-before
"$VMSCAN" -q --no-yara --data-path appliance -o killed.db \
  "$work/good.qcow2" > /dev/null 2>&1 &
pid=$!
qsd=
for _ in $(seq 1 300); do
  qsd=$(pgrep -P $pid -f qemu-storage-daemon | head -n 1)
  [ -n "$qsd" ] && break
  sleep 0.1
done
[ -n "$qsd" ]
ok $? "killed scan: its qemu-storage-daemon ran (pid ${qsd:-none})"
kill -KILL $pid
wait $pid 2> /dev/null
for _ in $(seq 1 40); do
  ls -d /tmp/vmscan.* 2> /dev/null | sort > tmp-after
  { [ -z "$qsd" ] || ! kill -0 "$qsd" 2> /dev/null; } \
    && cmp -s tmp-before tmp-after && break
  sleep 0.5
done
[ -n "$qsd" ] && ! kill -0 "$qsd" 2> /dev/null
ok $? "killed scan: qemu-storage-daemon died with vmscan"
left=$(comm -13 tmp-before tmp-after | tr '\n' ' ')
[ -z "$left" ]
ok $? "killed scan: no socket folder is left in /tmp (${left:-none})"

test_done
