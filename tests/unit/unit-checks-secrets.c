/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests: the secret checks (private keys, host keys, credential
 * files, histories) on a planted tree, the pure parsers behind them
 * (secrets.c, miner.c, names.c), and that no planted secret reaches the
 * evidence database. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check-harness.h"
#include "parse/miner.h"
#include "parse/names.h"
#include "parse/secrets.h"
#include "core/store.h"
#include "tap.h"
#include "base/util.h"

/* Test keys made with ssh-keygen for these tests only. */
static const char key_plain[] =
  "-----BEGIN OPENSSH PRIVATE KEY-----\n"
  "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
  "QyNTUxOQAAACBLwnQxSpPbOGWijhdDOjZrlwdROuKiI9gJfFpUIMR0RQAAAJATUPAvE1Dw\n"
  "LwAAAAtzc2gtZWQyNTUxOQAAACBLwnQxSpPbOGWijhdDOjZrlwdROuKiI9gJfFpUIMR0RQ\n"
  "AAAEAncopBA7ZH5TXxMI7/vU0kR9bhjKh8V2I+6f0UJzCoK0vCdDFKk9s4ZaKOF0M6NmuX\n"
  "B1E64qIj2Al8WlQgxHRFAAAAB3Jvb3RAdm0BAgMEBQY=\n"
  "-----END OPENSSH PRIVATE KEY-----\n";
#define KEY_PLAIN_FP "SHA256:+bLbZbxBEtNVef3LnupeByBtgsBmuGdZts/v5Z4ASzs"
#define KEY_PLAIN_PRIVATE "AAAAEAncopBA7ZH5TXxMI7"

static const char key_encrypted[] =
  "-----BEGIN OPENSSH PRIVATE KEY-----\n"
  "b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABDWRqB3tu\n"
  "JMmqkMmN39fhUAAAAAEAAAAAEAAAAzAAAAC3NzaC1lZDI1NTE5AAAAIPjE/o3FH5WZUK0p\n"
  "Q6x8cvXOgV2sIMgMz8p7EwOBFg2+AAAAkJaTuJ9NuvhB0q43hMUBF+L0puohdEdhdRVY6n\n"
  "4TlSsXiURWFY5iEir3DxzBHdPD+zCjdoB3EFkv0aCUrEDiLTgPeTcn2beZZoFcU/OgSQlZ\n"
  "q0QfU+LhFNO3gtzPpVxYQmCXbyWGVCdLe7k5dcV5O3i70H39JkcBQkJbPKCC2meZOGfNQU\n"
  "SWTQR0hQRkuW/raw==\n"
  "-----END OPENSSH PRIVATE KEY-----\n";
#define KEY_ENC_FP "SHA256:3WM0pazQab1LAK64hi7MONlSGu72CiP9muXwVAkdFr8"

static const char key_pkcs8[] =
  "-----BEGIN PRIVATE KEY-----\n"
  "MC4CAQAwBQYDK2VwBCIEIPXt6CxY0oppndZT1gSBc9cBHf85Co4Hkigqh3PVmOLQ\n"
  "-----END PRIVATE KEY-----\n";
#define KEY_PKCS8_BODY "MC4CAQAwBQYDK2VwBCIEIPXt6CxY0opp"

#define AWS_ID "AKIA2E0A8F3B244C9986"
#define AWS_SECRET "Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LmNbVcXz12"
#define MYSQL_PW "S3cretPassw0rd"
#define GH_TOKEN "ghp_abcdefghijklmnopqrstuvwxyz0123456789"
#define BEARER "eyJhbGciOiJIUzI1NiJ9.cGF5bG9hZA.c2lnbmF0dXJl"
#define GITLAB "glpat-AbCdEfGhIjKlMnOpQrSt"
#define PGPW "pg-pass-Wd-771"

static int64_t
count (struct vs_test_guest *t, const char *fmt, ...)
  __attribute__((format (printf, 2, 3)));

static int64_t
count (struct vs_test_guest *t, const char *fmt, ...)
{
  va_list ap;
  char *sql;
  int64_t n;

  va_start (ap, fmt);
  if (vasprintf (&sql, fmt, ap) < 0)
    abort ();
  va_end (ap);
  n = vs_test_count (t, sql);
  free (sql);
  return n;
}

static int
has (struct vs_test_guest *t, const char *check_id, const char *severity,
     const char *path, const char *evidence, const char *mitre)
{
  return count (t, "SELECT count(*) FROM findings WHERE check_id = '%s' "
                "AND severity = '%s' AND category = 'secret' AND path = '%s' "
                "AND instr(evidence, '%s') > 0 AND mitre_attack = '%s'",
                check_id, severity, path, evidence, mitre) > 0;
}

/* 1 if needle occurs anywhere in the file at path (on the host). */
static int
file_contains (const char *path, const char *needle)
{
  int fd = open (path, O_RDONLY);
  struct stat st;
  char *buf;
  int found;

  if (fd == -1)
    return 0;
  if (fstat (fd, &st) == -1) {
    close (fd);
    return 0;
  }
  buf = vs_xmalloc ((size_t) st.st_size + 1);
  found = read (fd, buf, (size_t) st.st_size) == st.st_size
    && memmem (buf, (size_t) st.st_size, needle, strlen (needle)) != NULL;
  free (buf);
  close (fd);
  return found;
}

static void
tree_tests (void)
{
  struct vs_test_guest t;
  static const char *const planted[] = {
    AWS_ID, AWS_SECRET, MYSQL_PW, GH_TOKEN, BEARER, GITLAB, PGPW,
    KEY_PLAIN_PRIVATE, KEY_PKCS8_BODY,
  };
  size_t k;
  int leaked = 0;

  vs_test_guest_init (&t);
  vs_test_write (&t, "/etc/passwd",
                 "root:x:0:0:root:/root:/bin/bash\n"
                 "debian:x:1000:1000:Debian:/home/debian:/bin/bash\n", 0644);
  vs_test_write (&t, "/etc/ssh/ssh_host_ed25519_key", key_plain, 0600);
  vs_test_write (&t, "/etc/ssh/ssh_host_ed25519_key.pub", "ssh-ed25519 "
                 "AAAAC3NzaC1lZDI1NTE5AAAAIEvCdDFKk9s4ZaKOF0M6NmuXB1E64qIj2A"
                 "l8WlQgxHRF root@vm\n", 0644);
  vs_test_write (&t, "/etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d"
                 "/*.conf\nKbdInteractiveAuthentication no\nUsePAM yes\n"
                 "X11Forwarding yes\nPrintMotd no\nAcceptEnv LANG LC_*\n"
                 "Subsystem\tsftp\t/usr/lib/openssh/sftp-server\n", 0644);
  vs_test_write (&t, "/etc/ssl/private/ssl-cert-snakeoil.key", key_pkcs8,
                 0640);
  vs_test_write (&t, "/etc/skel/.bashrc", "# ~/.bashrc\nHISTSIZE=1000\n",
                 0644);
  vs_test_write (&t, "/etc/environment", "", 0644);
  vs_test_write (&t, "/root/.bashrc", "# ~/.bashrc\nexport LS_OPTIONS="
                 "'--color=auto'\n", 0644);
  vs_test_write (&t, "/root/.profile", "if [ \"$BASH\" ]; then\n  if [ -f "
                 "~/.bashrc ]; then\n    . ~/.bashrc\n  fi\nfi\nmesg n "
                 "2> /dev/null || true\n", 0644);
  /* Planted. */
  vs_test_write (&t, "/root/.ssh/id_ed25519", key_plain, 0600);
  vs_test_write (&t, "/home/debian/.ssh/id_ed25519", key_encrypted, 0600);
  vs_test_write (&t, "/home/debian/.aws/credentials",
                 "[default]\naws_access_key_id = " AWS_ID "\n"
                 "aws_secret_access_key = " AWS_SECRET "\n", 0600);
  vs_test_write (&t, "/root/.bash_history",
                 "ls -la\npasswd\nmysql -uroot -p" MYSQL_PW " shop\n"
                 "export GITHUB_TOKEN=" GH_TOKEN "\n"
                 "curl -H 'Authorization: Bearer " BEARER "' https://api\n"
                 "export DB_PASSWORD=$PASS\ncd /var/www\n", 0600);
  vs_test_write (&t, "/home/debian/.git-credentials",
                 "https://debian:" GITLAB "@gitlab.example.com\n", 0600);
  vs_test_write (&t, "/home/debian/.pgpass",
                 "# host:port:db:user:password\n"
                 "db.internal:5432:*:app:" PGPW "\n", 0600);
  /* Hostile. */
  {
    size_t big = 3 * 1024 * 1024, i;
    char *h = vs_xmalloc (big);

    for (i = 0; i < big; i++)
      h[i] = (char) (i % 251 == 0 ? '\0' : 0x80 + (i % 0x70));
    memcpy (h + big - 40, "\nexport TOKEN=abc123def456ghi\n", 30);
    vs_test_write_len (&t, "/home/debian/.bash_history", h, big, 0600);
    free (h);
  }
  {
    char *fifo = vs_xasprintf ("%s/root/.aws/config", t.root);

    vs_test_mkdir (&t, "/root/.aws", 0700);
    if (mkfifo (fifo, 0600) == -1)
      printf ("# mkfifo: %s\n", strerror (errno));
    free (fifo);
  }
  vs_test_symlink (&t, "/home/debian/.netrc", ".netrc2");
  vs_test_symlink (&t, "/home/debian/.netrc2", ".netrc");
  vs_test_symlink (&t, "/home/debian/.zsh_history", "/dev/null");
  vs_test_mkdir (&t, "/home/debian/.docker/config.json", 0755);
  vs_test_write (&t, "/home/debian/big.key", "x", 0600);
  {
    char *p = vs_xasprintf ("%s/home/debian/big.key", t.root);

    if (truncate (p, 2 * 1024 * 1024) == -1)
      printf ("# truncate: %s\n", strerror (errno));
    free (p);
  }
  vs_test_guest_scan (&t, "debian", "deb");
  tap_ok (vs_check_secrets (&t.ctx) == 0, "vs_check_secrets runs");
  vs_test_dump_findings (&t);

  tap_ok (has (&t, "secret.host-keys", "medium", "/etc/ssh",
               "ssh-ed25519 key, not encrypted, " KEY_PLAIN_FP, "T1552.004"),
          "host keys: one medium finding with their fingerprints");
  tap_ok (count (&t, "SELECT count(*) FROM findings WHERE check_id = "
                 "'secret.private-key' AND path LIKE '/etc/ssh/%%'") == 0,
          "host keys are not reported one by one");
  tap_ok (has (&t, "secret.private-key", "info",
               "/etc/ssl/private/ssl-cert-snakeoil.key", "PKCS#8",
               "T1552.004"), "snakeoil key: info");
  tap_ok (has (&t, "secret.private-key", "high", "/root/.ssh/id_ed25519",
               "OpenSSH ssh-ed25519 key, not encrypted, " KEY_PLAIN_FP,
               "T1552.004")
          && count (&t, "SELECT count(*) FROM findings WHERE path = "
                    "'/root/.ssh/id_ed25519' AND account = 'root'") == 1,
          "root's unencrypted key: high, fingerprint as ssh-keygen -l");
  tap_ok (has (&t, "secret.private-key", "medium",
               "/home/debian/.ssh/id_ed25519", "encrypted, " KEY_ENC_FP,
               "T1552.004"), "encrypted key: medium");
  tap_ok (has (&t, "secret.credentials", "high",
               "/home/debian/.aws/credentials",
               "aws_access_key_id = AKIA************9986 [aws-access-key-id "
               "sha256:", "T1552.001"), "AWS key id redacted: high");
  tap_ok (has (&t, "secret.credentials", "high",
               "/home/debian/.aws/credentials",
               "aws_secret_access_key = Zx9Q********************************"
               "Xz12 [aws-secret-access-key sha256:", "T1552.001"),
          "AWS secret redacted with its hash: high");
  tap_ok (has (&t, "secret.history", "medium", "/root/.bash_history",
               "mysql -uroot -p****(14 bytes) shop", "T1552.003"),
          "mysql password in history: medium");
  tap_ok (has (&t, "secret.history", "medium", "/root/.bash_history",
               "GITHUB_TOKEN=ghp_********************************6789",
               "T1552.003"), "GitHub token in history");
  tap_ok (has (&t, "secret.history", "medium", "/root/.bash_history",
               "Authorization: Bearer eyJh", "T1552.003"),
          "bearer token in history");
  tap_ok (count (&t, "SELECT count(*) FROM findings WHERE path = "
                 "'/root/.bash_history'") == 3,
          "variables and plain commands are not secrets");
  tap_ok (has (&t, "secret.credentials", "high",
               "/home/debian/.git-credentials", "https://debian:glpat-",
               "T1552.001"), "token in .git-credentials: high");
  tap_ok (has (&t, "secret.credentials", "high", "/home/debian/.pgpass",
               "app:****(14 bytes)", "T1552.001"), ".pgpass password");
  tap_ok (has (&t, "secret.history", "medium", "/home/debian/.bash_history",
               "TOKEN=****(15 bytes)", "T1552.003"),
          "3 MiB binary history: its head read, token found");
  tap_ok (count (&t, "SELECT count(*) FROM errors WHERE path = "
                 "'/root/.aws/config' AND message LIKE '%%fifo%%'") == 1,
          "a FIFO credentials file: error recorded");
  tap_ok (count (&t, "SELECT count(*) FROM errors WHERE path = "
                 "'/home/debian/.netrc'") == 1,
          "a symlink loop: error recorded");
  tap_ok (count (&t, "SELECT count(*) FROM errors WHERE path = "
                 "'/home/debian/.docker/config.json'") == 1,
          "a directory where a file should be: error recorded");
  tap_ok (count (&t, "SELECT count(*) FROM errors WHERE path = "
                 "'/home/debian/.zsh_history'") == 0,
          "history linked to /dev/null: not an error");
  tap_ok (count (&t, "SELECT count(*) FROM errors WHERE path = "
                 "'/home/debian/big.key' AND message LIKE '%%too large%%'")
          == 1, "an oversized key file: skipped and recorded");
  tap_ok (count (&t, "SELECT count(*) FROM findings WHERE path IN "
                 "('/root/.bashrc', '/root/.profile', '/etc/skel/.bashrc', "
                 "'/etc/ssh/sshd_config')") == 0, "stock files: nothing");
  tap_ok (count (&t, "SELECT count(*) FROM check_runs WHERE check_id LIKE "
                 "'secret.%%' AND status = 'ran'") == 5,
          "each secret check recorded as ran");

  vs_store_flush (t.store);
  for (k = 0; k < sizeof planted / sizeof planted[0]; k++)
    if (file_contains (t.db_path, planted[k])) {
      printf ("# %s found in the database\n", planted[k]);
      leaked = 1;
    }
  tap_ok (!leaked, "no planted secret is anywhere in the database file");
  vs_test_guest_free (&t);
}

static void
parser_tests (void)
{
  struct vs_secret_hit hits[VS_SECRET_MAX_HITS];
  struct vs_privkey keys[VS_PRIVKEY_MAX];
  struct vs_miner_config mc;
  struct vs_buf b = VS_BUF_INIT;
  size_t n;
  const char *line;

  vs_secret_redact (&b, AWS_ID, 20);
  tap_is_str (b.data, "AKIA************9986", "AWS key id redaction");
  vs_buf_setlen (&b, 0);
  vs_secret_redact (&b, "hunter2", 7);
  tap_is_str (b.data, "****(7 bytes)", "a short secret shows nothing");
  vs_buf_release (&b);

  line = "DATABASE_URL=postgres://app:Pa55word@db:5432/x";
  n = vs_secret_scan_line (line, strlen (line), 0, hits, VS_SECRET_MAX_HITS);
  tap_ok (n == 1 && hits[0].kind == VS_SECRET_URL_PASSWORD
          && hits[0].len == 8, "password in a URL");
  line = "machine github.com login me password s3cr3t";
  n = vs_secret_scan_line (line, strlen (line), VS_SCAN_NETRC, hits,
                           VS_SECRET_MAX_HITS);
  tap_ok (n == 1 && hits[0].len == 6, ".netrc password");
  line = "password = ${DB_PASS}; token: null; secret=<changeme>";
  n = vs_secret_scan_line (line, strlen (line), 0, hits, VS_SECRET_MAX_HITS);
  tap_ok (n == 0, "placeholders are not secrets");
  line = "{\"auths\":{\"r.io\":{\"auth\":\"dXNlcjpwYXNzd29yZA==\"}}}";
  n = vs_secret_scan_line (line, strlen (line), 0, hits, VS_SECRET_MAX_HITS);
  tap_ok (n == 1 && hits[0].kind == VS_SECRET_DOCKER_AUTH,
          "docker registry auth");

  n = vs_privkey_find (key_encrypted, sizeof key_encrypted - 1, keys,
                       VS_PRIVKEY_MAX);
  tap_ok (n == 1 && keys[0].encrypted
          && strcmp (keys[0].fingerprint, KEY_ENC_FP) == 0
          && strcmp (keys[0].type, "ssh-ed25519") == 0,
          "encrypted OpenSSH key: type, fingerprint");
  {
    const char *rsa = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED"
      "\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n"
      "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n"
      "Comment: x\nPublic-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAIEvCdDFKk9s4Za"
      "KOF0M6NmuX\nB1E64qIj2Al8WlQgxHRF\nPrivate-Lines: 1\nAAAA\n";

    n = vs_privkey_find (rsa, strlen (rsa), keys, VS_PRIVKEY_MAX);
    tap_ok (n == 2 && keys[0].encrypted && strcmp (keys[0].type, "RSA") == 0
            && keys[1].format == VS_PRIVKEY_PUTTY && !keys[1].encrypted
            && strcmp (keys[1].fingerprint, KEY_PLAIN_FP) == 0,
            "encrypted PEM RSA key and a PuTTY key with its fingerprint");
  }
  {
    const char *cmd = "nohup ./kdevtmpfsi -o 1.2.3.4:3333 --user=4AbCdEf"
      "GhJkLmNpQrStUvWxYz --donate-level=0 &";

    tap_ok (vs_miner_parse (cmd, strlen (cmd), &mc) == 1
            && mc.donate_level == 0 && mc.wallet && mc.wallet_len == 25,
            "miner command line: wallet and donate level");
    cmd = "{\"url\": \"https://example.com\", \"user\": \"bob\"}";
    tap_ok (vs_miner_parse (cmd, strlen (cmd), &mc) == 0,
            "an ordinary JSON file is not a miner config");
  }
  tap_ok (vs_name_kthread_like ("kworker0:1", 10)
          && vs_name_kthread_like ("[kswapd0]", 9)
          && !vs_name_kthread_like ("[", 1)
          && !vs_name_kthread_like ("kworkerd-helper", 15),
          "kernel thread names");
  tap_ok (vs_name_miner ("xmrig-6.21.0", 12) && vs_name_miner ("XMRig", 5)
          && !vs_name_miner ("xmrigger", 8), "miner names");
  tap_ok (vs_name_unicode_trick ("a\xe2\x80\x8b" "b", 5) == VS_NAME_INVISIBLE
          && vs_name_unicode_trick ("caf\xc3\xa9", 5) == VS_NAME_PLAIN
          && vs_name_unicode_trick ("\xff\xfe", 2) == VS_NAME_PLAIN,
          "zero-width space; accented Latin and invalid bytes are plain");
}

int
main (void)
{
  tap_plan (36);
  tree_tests ();
  parser_tests ();
  return tap_done ();
}
