/* Unit tests: the access checks (check-access.c) on a fake Debian 12
 * guest: accounts, sshd_config, authorized_keys (fingerprints as
 * ssh-keygen -lf prints them), sudoers. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-harness.h"
#include "parse-config.h"
#include "tap.h"
#include "util.h"

#define KEY "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIISqsqSDqf9xQFgYokznC5+E+" \
  "M5Xl46cKB9SFN1Uuf+G attacker@evil"
/* ssh-keygen -lf of KEY. */
#define KEY_FP "SHA256:lItyzPdkZLQ8HoHHCKDNyUb5SUE9FwjKPiEBiJVi5ho"
#define HASH "$6$saltsalt$0123456789abcdefghijklmnopqrstuvwxyzABCDEF"

static int64_t
nfind (struct vs_test_guest *t, const char *check, const char *sev,
       const char *path, const char *account, const char *ev,
       const char *mitre)
{
  char *sql = sqlite3_mprintf ("SELECT count(*) FROM findings WHERE "
                               "check_id = %Q AND severity = %Q AND "
                               "category = 'access' AND path = %Q AND "
                               "account IS %Q AND instr(evidence, %Q) > 0 "
                               "AND mitre_attack IS %Q", check, sev, path,
                               account, ev, mitre);
  int64_t n = vs_test_count (t, sql);

  sqlite3_free (sql);
  if (n < 1)
    vs_test_dump_findings (t);
  return n;
}

static void
debian_base (struct vs_test_guest *t)
{
  vs_test_write (t, "/etc/passwd",
                 "root:x:0:0:root:/root:/bin/bash\n"
                 "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                 "sync:x:4:65534:sync:/bin:/bin/sync\n"
                 "backup:x:34:34:backup:/var/backups:/usr/sbin/nologin\n"
                 "nobody:x:65534:65534:nobody:/nonexistent:"
                 "/usr/sbin/nologin\n"
                 "sshd:x:100:65534::/run/sshd:/usr/sbin/nologin\n", 0644);
  vs_test_write (t, "/etc/shadow",
                 "root:*:19700:0:99999:7:::\n"
                 "daemon:*:19700:0:99999:7:::\n"
                 "sync:*:19700:0:99999:7:::\n"
                 "backup:*:19700:0:99999:7:::\n"
                 "nobody:*:19700:0:99999:7:::\n"
                 "sshd:!:19700::::::\n", 0640);
  vs_test_write (t, "/etc/group",
                 "root:x:0:\nsudo:x:27:\nadm:x:4:\nbackup:x:34:\n"
                 "users:x:100:\n", 0644);
  vs_test_write (t, "/etc/ssh/sshd_config",
                 "Include /etc/ssh/sshd_config.d/*.conf\n"
                 "#PermitRootLogin prohibit-password\n"
                 "#PasswordAuthentication yes\n"
                 "KbdInteractiveAuthentication no\nUsePAM yes\n"
                 "X11Forwarding yes\nPrintMotd no\n"
                 "AcceptEnv LANG LC_*\n"
                 "Subsystem\tsftp\t/usr/lib/openssh/sftp-server\n", 0644);
  vs_test_mkdir (t, "/etc/ssh/sshd_config.d", 0755);
  vs_test_write (t, "/etc/sudoers",
                 "Defaults\tenv_reset\nDefaults\tmail_badpass\n"
                 "Defaults\tsecure_path=\"/usr/local/sbin:/usr/local/bin:"
                 "/usr/sbin:/usr/bin:/sbin:/bin\"\n"
                 "Defaults\tuse_pty\n"
                 "root\tALL=(ALL:ALL) ALL\n"
                 "%sudo\tALL=(ALL:ALL) ALL\n"
                 "@includedir /etc/sudoers.d\n", 0440);
  vs_test_write (t, "/etc/sudoers.d/README",
                 "# As of the Debian version 1.7.2p1-1, the default "
                 "/etc/sudoers file\n# includes the directive\n", 0440);
  vs_test_mkdir (t, "/root", 0700);
}

static void
plant (struct vs_test_guest *t)
{
  char *big;
  size_t i;

  vs_test_write (t, "/etc/passwd",
                 "root:x:0:0:root:/root:/bin/bash\n"
                 "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                 "sync:x:4:65534:sync:/bin:/bin/sync\n"
                 "backup:x:34:34:backup:/var/backups:/bin/bash\n"
                 "nobody:x:65534:65534:nobody:/nonexistent:"
                 "/usr/sbin/nologin\n"
                 "sshd:x:100:65534::/run/sshd:/usr/sbin/nologin\n"
                 "toor:x:0:0::/root:/bin/bash\n"
                 "guest:x:1001:1001::/home/guest:/bin/bash\n"
                 "alice:x:1002:1002::/home/alice:/bin/bash\n"
                 "bob:x:1003:1003::/home/bob:/bin/bash\n"
                 "bob:x:1004:1003::/home/bob:/bin/bash\n", 0644);
  vs_test_write (t, "/etc/shadow",
                 "root:*:19700:0:99999:7:::\n"
                 "backup:*:19700:0:99999:7:::\n"
                 "toor:*:19700:0:99999:7:::\n"
                 "guest::19700:0:99999:7:::\n"
                 "alice:" HASH ":19700:0:99999:7:::\n"
                 "bob:!:19700:0:99999:7:::\n", 0640);
  vs_test_write (t, "/etc/group",
                 "root:x:0:\nsudo:x:27:alice\nadm:x:4:\n", 0644);
  vs_test_write (t, "/root/.ssh/authorized_keys",
                 "# added\n" KEY "\n", 0600);
  vs_test_write (t, "/home/alice/.ssh/authorized_keys",
                 "command=\"/usr/bin/nc -l 4444\",no-pty " KEY "\n", 0600);
  big = vs_xmalloc (200001);
  for (i = 0; i < 200000; i++)
    big[i] = 'A';
  big[200000] = '\0';
  vs_test_write (t, "/home/bob/.ssh/authorized_keys2", big, 0600);
  free (big);
  vs_test_write (t, "/home/bob/.ssh/authorized_keys",
                 "garbage line\xff\n"
                 "ssh-rsa !!!notbase64\n"
                 "ssh-ed25519 AAAA\n" KEY "\n", 0600);
  vs_test_symlink (t, "/home/guest/.ssh/authorized_keys",
                   "authorized_keys");
  vs_test_write (t, "/home/ghost/.ssh/authorized_keys", KEY "\n", 0600);
  vs_test_write (t, "/etc/ssh/sshd_config.d/50-evil.conf",
                 "PermitRootLogin yes\nPasswordAuthentication yes\n"
                 "PermitEmptyPasswords yes\n"
                 "Include /etc/ssh/sshd_config.d/50-evil.conf\n", 0644);
  vs_test_write (t, "/etc/sudoers.d/90-users",
                 "alice ALL=(ALL) NOPASSWD: ALL\n"
                 "bob ALL=(ALL) NOPASSWD:ALL\n"
                 "ghost ALL=(ALL) ALL\n", 0440);
  vs_test_write (t, "/etc/sudoers.d/zz", "Defaults !authenticate\n"
                 "#include /etc/sudoers.d/zz\n", 0440);
  vs_test_write (t, "/etc/sudoers.d/skipped.txt",
                 "nobody ALL=(ALL) NOPASSWD: ALL\n", 0440);
}

int
main (void)
{
  struct vs_test_guest t;
  char fp[VS_SSH_FP_LEN], type[65];
  const char *blob = strchr (KEY, ' ') + 1;

  tap_plan (23);
  tap_ok (vs_ssh_fingerprint (blob, (size_t) (strchr (blob, ' ') - blob), fp,
                              type) == 0
          && strcmp (fp, KEY_FP) == 0 && strcmp (type, "ssh-ed25519") == 0,
          "fingerprint as ssh-keygen -lf prints it");

  vs_test_guest_init (&t);
  debian_base (&t);
  vs_test_guest_scan (&t, "debian", "deb");
  tap_ok (vs_check_access (&t.ctx) == 0, "clean: check runs");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE "
                         "severity_rank > 1") == 0,
          "clean: nothing above low");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE "
                         "check_id = 'access.sshd-config' AND severity = "
                         "'low' AND evidence LIKE "
                         "'PasswordAuthentication not set'") == 1,
          "clean: password logins by default noted, low");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM check_runs WHERE "
                         "check_id LIKE 'access.%' AND status = 'ran'")
          == 9, "clean: every access check ran");
  if (getenv ("VS_TEST_DUMP"))
    vs_test_dump_findings (&t);
  vs_test_guest_free (&t);

  vs_test_guest_init (&t);
  debian_base (&t);
  plant (&t);
  vs_test_guest_scan (&t, "debian", "deb");
  tap_ok (vs_check_access (&t.ctx) == 0, "planted: check runs");
  tap_ok (nfind (&t, "access.uid0", "critical", "/etc/passwd", "toor",
                 "toor:<locked>:0:0", "T1136.001") == 1,
          "second uid 0 account is critical");
  tap_ok (nfind (&t, "access.empty-password", "high", "/etc/shadow", "guest",
                 "guest:<empty>", "T1078.003") == 1,
          "empty password with a shell is high");
  tap_ok (nfind (&t, "access.password-set", "low", "/etc/shadow", "alice",
                 "<sha512crypt>", "T1078.003") == 1
          && vs_test_count (&t, "SELECT count(*) FROM findings WHERE "
                            "instr(evidence, 'saltsalt') OR "
                            "instr(title, 'saltsalt')") == 0,
          "password hash named by algorithm, never shown");
  tap_ok (nfind (&t, "access.system-shell", "medium", "/etc/passwd",
                 "backup", "/bin/bash", "T1078.003") == 1,
          "system account with a shell is medium");
  tap_ok (nfind (&t, "access.duplicate-account", "medium", "/etc/passwd",
                 "bob", "bob", "T1136.001") == 1, "duplicate name");
  tap_ok (nfind (&t, "access.admin-group", "medium", "/etc/group", "alice",
                 "sudo:x", "T1098") == 1, "member of sudo is medium");
  tap_ok (nfind (&t, "access.authorized-keys", "high",
                 "/root/.ssh/authorized_keys", "root",
                 "ssh-ed25519 " KEY_FP " attacker@evil", "T1098.004") == 1,
          "root's key is high, with its fingerprint");
  tap_ok (nfind (&t, "access.authorized-keys", "high",
                 "/home/alice/.ssh/authorized_keys", "alice",
                 "options: command=\"/usr/bin/nc -l 4444\"",
                 "T1098.004") == 1, "forced command key is high");
  tap_ok (nfind (&t, "access.authorized-keys", "medium",
                 "/home/bob/.ssh/authorized_keys", "bob", KEY_FP,
                 "T1098.004") == 1, "ordinary account's key is medium");
  tap_ok (nfind (&t, "access.authorized-keys", "medium",
                 "/home/ghost/.ssh/authorized_keys", "(home ghost)", KEY_FP,
                 "T1098.004") == 1, "a key in a home no account names");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM errors WHERE path IN "
                         "('/home/bob/.ssh/authorized_keys', "
                         "'/home/bob/.ssh/authorized_keys2', "
                         "'/home/guest/.ssh/authorized_keys')") == 3,
          "garbage keys, a huge line and a link loop are errors");
  tap_ok (nfind (&t, "access.sshd-config", "high",
                 "/etc/ssh/sshd_config.d/50-evil.conf", "root",
                 "PermitRootLogin yes", "T1021.004") == 1,
          "root login with passwords is high");
  tap_ok (nfind (&t, "access.sshd-config", "high",
                 "/etc/ssh/sshd_config.d/50-evil.conf", NULL,
                 "PermitEmptyPasswords yes", "T1021.004") == 1,
          "PermitEmptyPasswords is high (through Include)");
  tap_ok (nfind (&t, "access.sudoers", "high", "/etc/sudoers.d/90-users",
                 "bob", "NOPASSWD:ALL", "T1548.003") == 1
          && nfind (&t, "access.sudoers", "medium", "/etc/sudoers.d/90-users",
                    "alice", "NOPASSWD: ALL", "T1548.003") == 1,
          "NOPASSWD ALL: high for a non-admin, medium for an admin");
  tap_ok (nfind (&t, "access.sudoers", "medium", "/etc/sudoers.d/90-users",
                 "ghost", "ghost ALL", "T1548.003") == 1,
          "rule for a user that does not exist");
  tap_ok (nfind (&t, "access.sudoers", "high", "/etc/sudoers.d/zz", NULL,
                 "!authenticate", "T1548.003") == 1
          && vs_test_count (&t, "SELECT count(*) FROM findings WHERE path = "
                            "'/etc/sudoers.d/skipped.txt'") == 0,
          "!authenticate is high; files with a dot are skipped as sudo does");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM errors WHERE message "
                         "LIKE '%include loop%'") == 2,
          "include loops in sudoers and sshd_config are cut");
  vs_test_guest_free (&t);
  return tap_done ();
}
