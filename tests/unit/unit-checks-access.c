/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests: the access checks (checks/access.c) on a fake Debian 12
 * guest: accounts, sshd_config, authorized_keys (fingerprints as
 * ssh-keygen -lf prints them), sudoers.  Then the bounds: a sudoers of n
 * and 4n rule users over n and 4n accounts must cost at most linearly
 * more counted work (vs_ticks), the findings of one check id stop at
 * the cap plus one finding that counts the rest (the count worked out
 * here from what the test wrote), and evidence is cut at its cap. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/common.h"
#include "check-harness.h"
#include "parse/ssh.h"
#include "report/escape.h"
#include "tap.h"
#include "base/util.h"

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

/* ---- the bounds ---- */

/* A passwd of base_passwd's accounts and users u000000 .. u(n-1), a
 * group file whose sudo group holds the first admins of them, and a
 * sudoers whose NOPASSWD ALL rules name items users: u0, u1, ... in
 * order, every third one a name with no account (ghostN), 400 to a
 * line.  Returns how many findings access.sudoers should make: one per
 * item. */
static size_t
sudo_guest (struct vs_test_guest *t, size_t users, size_t admins,
            size_t items)
{
  struct vs_buf pw = VS_BUF_INIT, gr = VS_BUF_INIT, su = VS_BUF_INIT;
  size_t i;

  vs_buf_adds (&pw, "root:x:0:0:root:/root:/bin/bash\n");
  for (i = 0; i < users; i++)
    vs_buf_addf (&pw, "u%06zu:x:%zu:%zu::/home/u%06zu:/bin/bash\n", i,
                 10000 + i, 10000 + i, i);
  vs_buf_adds (&gr, "root:x:0:\nsudo:x:27:");
  for (i = 0; i < admins; i++)
    vs_buf_addf (&gr, "%su%06zu", i ? "," : "", i);
  vs_buf_adds (&gr, "\n");
  for (i = 0; i < items; i++) {
    if (i % 3 == 2)
      vs_buf_addf (&su, "%sghost%zu", i % 400 ? "," : "", i);
    else
      vs_buf_addf (&su, "%su%06zu", i % 400 ? "," : "", i % users);
    if (i % 400 == 399 || i == items - 1)
      vs_buf_adds (&su, " ALL=(ALL) NOPASSWD: ALL\n");
  }
  vs_test_write (t, "/etc/passwd", pw.data, 0644);
  vs_test_write (t, "/etc/group", gr.data, 0644);
  vs_test_write (t, "/etc/sudoers", su.data ? su.data : "", 0440);
  vs_buf_release (&pw);
  vs_buf_release (&gr);
  vs_buf_release (&su);
  return items;
}

/* The counted work of the access checks on n users and n rule users. */
static uint64_t
sudo_ticks (size_t n, int64_t *recorded, int64_t *summaries)
{
  struct vs_test_guest t;
  uint64_t t0, t1;

  vs_test_guest_init (&t);
  sudo_guest (&t, n, 0, n);
  vs_test_guest_scan (&t, "debian", "deb");
  t0 = vs_ticks ();
  if (vs_check_access (&t.ctx) != 0)
    printf ("# vs_check_access failed on %zu users\n", n);
  t1 = vs_ticks ();
  *recorded = vs_test_count (&t, "SELECT count(*) FROM findings WHERE "
                             "check_id = 'access.sudoers'");
  *summaries = vs_test_count (&t, "SELECT count(*) FROM findings WHERE "
                              "check_id = 'access.sudoers' AND title LIKE "
                              "'% more findings of access.sudoers not "
                              "recorded'");
  vs_test_guest_free (&t);
  return t1 - t0;
}

static void
test_bounds (void)
{
  struct vs_test_guest t;
  static const unsigned char key[16] = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
  };
  unsigned char msg[15];
  size_t i, n = 1500, items, admins = 2499, users = 2500;
  uint64_t d1, d4;
  int64_t rec1, rec4, sum1, sum4, want;
  char *text;

  /* The keyed hash against the reference vectors of the SipHash paper
   * (Appendix A) and its reference code. */
  for (i = 0; i < sizeof msg; i++)
    msg[i] = (unsigned char) i;
  tap_ok (vs_siphash (key, msg, 15) == UINT64_C (0xa129ca6149be45e5)
          && vs_siphash (key, msg, 0) == UINT64_C (0x726fdb47dd0e0e31),
          "SipHash-2-4 gives the paper's test vectors");

  /* Linear: 4 times the accounts and rule users, at most 4.5 times the
   * counted work (a lookup that scanned the accounts would be 16). */
  d1 = sudo_ticks (n, &rec1, &sum1);
  d4 = sudo_ticks (4 * n, &rec4, &sum4);
  tap_ok (d1 > (uint64_t) n && d4 <= 9 * d1 / 2 + 1000,
          "sudoers: %zu then %zu users and rule users: %llu then %llu "
          "ticks, at most 4.5 times", n, 4 * n, (unsigned long long) d1,
          (unsigned long long) d4);
  tap_ok (rec1 == VS_CC_MAX_FINDINGS + 1 && rec4 == VS_CC_MAX_FINDINGS + 1
          && sum1 == 1 && sum4 == 1,
          "sudoers: %lld and %lld findings recorded (the cap %d plus one "
          "that counts the rest)", (long long) rec1, (long long) rec4,
          VS_CC_MAX_FINDINGS);

  /* The summary: its count and severity, worked out from the input.
   * Admins with NOPASSWD ALL are medium, others high, unknown names
   * medium: the items are u0 (admin), u1 (admin), ghost2 (unknown), ...
   * and every one of them makes a finding. */
  vs_test_guest_init (&t);
  items = sudo_guest (&t, users, admins, 3000);
  vs_test_guest_scan (&t, "debian", "deb");
  tap_ok (vs_check_access (&t.ctx) == 0, "bounds: the check runs");
  {
    int worst_dropped = 0;      /* 0 medium, 1 high */
    char *sql;
    int64_t got;

    for (i = VS_CC_MAX_FINDINGS; i < items; i++)
      if (i % 3 != 2 && i % users >= admins)
        worst_dropped = 1;
    want = (int64_t) items - VS_CC_MAX_FINDINGS;
    sql = sqlite3_mprintf ("SELECT count(*) FROM findings WHERE check_id = "
                           "'access.sudoers' AND title = '%lld more findings "
                           "of access.sudoers not recorded' AND severity = "
                           "%Q AND category = 'access' AND path IS NULL",
                           (long long) want,
                           worst_dropped ? "high" : "medium");
    got = vs_test_count (&t, sql);
    sqlite3_free (sql);
    if (got != 1)
      vs_test_dump_findings (&t);
    tap_ok (got == 1, "sudoers: one finding says %lld more were not "
            "recorded, at the highest severity of those (%s)",
            (long long) want, worst_dropped ? "high" : "medium");
  }
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE "
                         "check_id = 'access.sudoers' AND title NOT LIKE "
                         "'% not recorded'") == VS_CC_MAX_FINDINGS
          && vs_test_count (&t, "SELECT count(*) FROM findings WHERE "
                            "check_id = 'access.sudoers' AND account = "
                            "'u000000'") == 1,
          "sudoers: the first %d findings are the ones recorded",
          VS_CC_MAX_FINDINGS);
  {
    char *sql = sqlite3_mprintf ("SELECT count(*) FROM findings WHERE "
                                 "check_id = 'access.admin-group' AND "
                                 "title = '%lld more findings of "
                                 "access.admin-group not recorded' AND "
                                 "severity = 'medium'",
                                 (long long) admins - VS_CC_MAX_FINDINGS);

    tap_ok (vs_test_count (&t, sql) == 1
            && vs_test_count (&t, "SELECT count(*) FROM findings WHERE "
                              "check_id = 'access.admin-group'")
            == VS_CC_MAX_FINDINGS + 1,
            "admin-group: capped the same way (%zu members of sudo)",
            admins);
    sqlite3_free (sql);
  }
  {
    int64_t high = vs_test_count (&t, "SELECT count(*) FROM findings "
                                  "WHERE severity = 'high'");
    int64_t all = vs_test_count (&t, "SELECT count(*) FROM findings");
    uint64_t sum = 0;

    for (i = 0; i < VS_SEV_COUNT; i++)
      sum += t.ctx.counts[i];
    tap_ok (t.ctx.counts[VS_SEV_HIGH] == (uint64_t) high
            && sum == (uint64_t) all,
            "the counts by severity (--fail-on) are those of the rows: "
            "%lld high, %lld in all", (long long) high, (long long) all);
  }

  /* Evidence, title and account cut at their caps, on a character
   * boundary, with the count of bytes left out. */
  {
    struct vs_buf ev = VS_BUF_INIT, title = VS_BUF_INIT;
    struct vs_finding f;
    size_t total, kept;
    char *want_tail;

    vs_buf_addc (&ev, 'x');
    for (i = 0; i < 5000; i++)
      vs_buf_adds (&ev, "\xc3\xa9");        /* U+00E9, 2 bytes */
    for (i = 0; i < 2000; i++)
      vs_buf_addc (&title, 'T');
    total = ev.len;
    /* 'x' then pairs: byte VS_CC_MAX_EVIDENCE is the second of a pair, so
     * the cut falls one byte earlier. */
    kept = VS_CC_MAX_EVIDENCE - 1;
    memset (&f, 0, sizeof f);
    f.check_id = "test.bounds";
    f.severity = VS_SEV_LOW;
    f.category = "test";
    f.title = title.data;
    f.account = title.data;
    f.evidence = ev.data;
    f.evidence_len = ev.len;
    tap_ok (vs_cc_add (&t.ctx, &f) == 0 && vs_cc_flush (&t.ctx) == 0,
            "vs_cc_add with 10001 bytes of evidence");
    want_tail = vs_xasprintf ("... [%zu more bytes not recorded]",
                              total - kept);
    text = vs_test_text (&t, "SELECT evidence FROM findings WHERE check_id "
                         "= 'test.bounds'");
    tap_ok (text && strlen (text) == kept + strlen (want_tail)
            && strcmp (text + kept, want_tail) == 0
            && memcmp (text, ev.data, kept) == 0
            && vs_utf8_valid (text, strlen (text)),
            "evidence: the first %zu bytes (whole characters), then \"%s\"",
            kept, want_tail);
    free (text);
    free (want_tail);
    tap_ok (vs_test_count (&t, "SELECT length(title) FROM findings WHERE "
                           "check_id = 'test.bounds'")
            == VS_CC_MAX_TITLE + 3
            && vs_test_count (&t, "SELECT length(account) FROM findings "
                              "WHERE check_id = 'test.bounds'")
            == VS_CC_MAX_ACCOUNT + 3,
            "title and account cut at %d and %d bytes, with \"...\"",
            VS_CC_MAX_TITLE, VS_CC_MAX_ACCOUNT);
    vs_buf_release (&ev);
    vs_buf_release (&title);
  }
  vs_test_guest_free (&t);
}

int
main (void)
{
  struct vs_test_guest t;
  char fp[VS_SSH_FP_LEN], type[65];
  const char *blob = strchr (KEY, ' ') + 1;

  tap_plan (34);
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

  test_bounds ();
  return tap_done ();
}
