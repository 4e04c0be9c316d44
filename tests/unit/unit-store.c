/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for store.c: schema, exact bytes, refusal to overwrite. */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>
#include <openssl/sha.h>

#include "core/store.h"
#include "tap.h"
#include "base/util.h"

static char *
query_text (sqlite3 *db, const char *sql, int *len)
{
  sqlite3_stmt *s;
  char *r = NULL;

  *len = -1;
  if (sqlite3_prepare_v2 (db, sql, -1, &s, NULL) != SQLITE_OK)
    return NULL;
  if (sqlite3_step (s) == SQLITE_ROW && sqlite3_column_type (s, 0) != SQLITE_NULL) {
    *len = sqlite3_column_bytes (s, 0);
    r = vs_xmemdup (sqlite3_column_blob (s, 0), (size_t) *len + 1);
    r[*len] = '\0';
  }
  sqlite3_finalize (s);
  return r;
}

int
main (void)
{
  char dir[] = "/tmp/vmscan-unit-store.XXXXXX";
  char *path, *err = NULL, *v;
  struct vs_store *st = NULL, *st2 = NULL;
  struct vs_scan_info info = { "0.test", "1.48", "5.44", "4.2.3", "OpenSSL 3.0",
                               "vmscan x.raw", 1, 1024 };
  struct vs_image img = { (char *) "x.raw", "raw", "raw", 0, 4096, 4096, "",
                          -1 };
  struct vs_fs fs;
  struct vs_entry e;
  struct vs_match_list m = { NULL, 0, 0 };
  struct vs_rule_match rm;
  struct vs_string_match sm = { (char *) "$a", 12, 4, (char *) "41424344" };
  static const char hostile[] = "/srv/a\nb\xff'; DROP TABLE files;--";
  sqlite3 *db;
  int len;
  struct vs_scan_totals t = { 1, 2, 1, 0, 0, "medium", 0 };

  tap_plan (20);
  if (!mkdtemp (dir))
    tap_skip_all ("cannot make a temporary directory");
  path = vs_xasprintf ("%s/t.db", dir);

  tap_ok (vs_store_create (path, 0, &st, &err) == 0, "create database");
  tap_ok (vs_store_begin_scan (st, &info) == 0, "begin scan");
  tap_ok (vs_store_add_image (st, 0, &img) == 0, "add image");
  memset (&fs, 0, sizeof fs);
  fs.device = (char *) "/dev/sda1";
  fs.type = (char *) "ext4";
  fs.size = -1;
  fs.os_index = -1;
  fs.status = VS_FS_PENDING;
  tap_ok (vs_store_add_fs (st, &fs, NULL) == 0 && fs.id > 0, "add fs");

  memset (&e, 0, sizeof e);
  e.fs_id = fs.id;
  e.path = hostile;
  e.path_len = sizeof hostile - 1;
  e.type = VS_FT_FILE;
  e.size = 4;
  e.mode = 0100644;
  e.has_hashes = 1;
  strcpy (e.sha256, "00");
  e.yara_scanned = 1;
  memset (&rm, 0, sizeof rm);
  rm.rule = (char *) "r1";
  rm.ns = (char *) "ns";
  rm.tags = (char *) "";
  rm.meta_json = (char *) "{}";
  rm.strings = &sm;
  rm.nstrings = 1;
  m.m = &rm;
  m.n = 1;
  tap_ok (vs_store_add_file (st, &e, &m) == 0, "add file with a match");
  {
    struct vs_finding f;

    memset (&f, 0, sizeof f);
    f.check_id = "test.check";
    f.severity = VS_SEV_HIGH;
    f.category = "persistence";
    f.title = "a title";
    f.path = hostile;
    f.path_len = sizeof hostile - 1;
    f.evidence = "line\x01";
    f.mitre = "T1053.003";
    tap_ok (vs_store_add_finding (st, &f) == 0
            && vs_store_add_check_run (st, 0, "test.check", "ran", 3, NULL)
            == 0, "add finding and check run");
    t.findings = 1;
  }
  {
    struct vs_store_account a = {
      .name = "r'oot", .home = "/root", .shell = NULL,
      .uid_ok = 1, .uid = 0, .gid_ok = 0, .gid = 7, .line = 3,
    };

    tap_ok (vs_store_add_package (st, 0, "deb", "a'pkg", "1:2.0-1", "amd64",
                                  "install ok installed") == 0
            && vs_store_add_account (st, 0, &a) == 0,
            "add package and account");
  }
  tap_ok (vs_store_finish_scan (st, "complete", NULL, &t) == 0, "finish");

  /* Read back with a separate connection. */
  tap_ok (sqlite3_open (path, &db) == SQLITE_OK, "reopen");
  v = query_text (db, "SELECT path FROM files WHERE type = 'file'", &len);
  tap_ok (v && len == (int) sizeof hostile - 1
          && memcmp (v, hostile, (size_t) len) == 0,
          "hostile path stored byte for byte");
  free (v);
  v = query_text (db, "SELECT status FROM scans", &len);
  tap_is_str (v, "complete", "scan status");
  free (v);
  v = query_text (db, "SELECT s.offset || ':' || s.data FROM yara_strings s "
                  "JOIN yara_matches m ON m.id = s.match_id "
                  "JOIN files f ON f.id = m.file_id", &len);
  tap_is_str (v, "12:41424344", "string match linked to its file");
  free (v);
  v = query_text (db, "SELECT check_id || '|' || severity || '|' || "
                  "severity_rank || '|' || category || '|' || mitre_attack "
                  "|| '|' || (path = (SELECT path FROM files WHERE type = "
                  "'file')) || '|' || (os_id IS NULL) FROM findings", &len);
  tap_is_str (v, "test.check|high|3|persistence|T1053.003|1|1",
              "finding stored with its rank and exact path");
  free (v);
  v = query_text (db, "SELECT findings_total || '|' || fail_on || '|' || "
                  "(SELECT items FROM check_runs) FROM scans", &len);
  tap_is_str (v, "1|medium|3", "scan totals and check run");
  free (v);
  v = query_text (db, "PRAGMA user_version", &len);
  tap_is_str (v, "7", "schema version");
  free (v);
  {
    /* The fingerprint as vmscan(1) defines it, built here byte by byte:
     * check id, path, account (NULL), evidence, each its 8-byte
     * big-endian length (all ones for NULL) and its bytes. */
    const char *fields[4] = { "test.check", hostile, NULL, "line\x01" };
    size_t lens[4] = { 10, sizeof hostile - 1, 0, 5 };
    unsigned char stream[256], md[SHA256_DIGEST_LENGTH];
    char want[65];
    size_t n = 0;
    int i, k;

    for (i = 0; i < 4; i++) {
      unsigned long long l = fields[i] ? lens[i] : ~0ULL;

      for (k = 0; k < 8; k++)
        stream[n++] = (unsigned char) (l >> (56 - 8 * k));
      if (fields[i]) {
        memcpy (stream + n, fields[i], lens[i]);
        n += lens[i];
      }
    }
    SHA256 (stream, n, md);
    for (i = 0; i < SHA256_DIGEST_LENGTH; i++)
      sprintf (want + 2 * i, "%02x", md[i]);
    v = query_text (db, "SELECT fingerprint FROM findings", &len);
    tap_is_str (v, want, "finding fingerprint as documented");
    free (v);
  }
  v = query_text (db, "SELECT uuid GLOB '[0-9a-f][0-9a-f][0-9a-f][0-9a-f]"
                  "[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f]"
                  "[0-9a-f][0-9a-f]-4[0-9a-f][0-9a-f][0-9a-f]-[89ab]"
                  "[0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]"
                  "[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]"
                  "[0-9a-f]' FROM scans", &len);
  tap_is_str (v, "1", "scan uuid is a random (version 4) UUID");
  free (v);
  v = query_text (db, "SELECT format || '|' || name || '|' || version || '|' "
                  "|| arch || '|' || status || '|' || (os_id IS NULL) || '|' "
                  "|| (SELECT name || '|' || uid || '|' || "
                  "coalesce (gid, 'null') || '|' || home || '|' || "
                  "coalesce (shell, 'null') || '|' || line FROM accounts) "
                  "FROM packages", &len);
  tap_is_str (v, "deb|a'pkg|1:2.0-1|amd64|install ok installed|1|"
              "r'oot|0|null|/root|null|3", "package and account read back");
  free (v);
  v = query_text (db, "SELECT openssl_version FROM scans", &len);
  tap_is_str (v, "OpenSSL 3.0", "the digest library's version recorded");
  free (v);
  sqlite3_close (db);
  vs_store_free (st);

  tap_ok (vs_store_create (path, 0, &st2, &err) == -1 && err
          && strstr (err, "already exists"),
          "existing database not overwritten: %s", err ? err : "");
  free (err);
  vs_store_free (st2);

  unlink (path);
  rmdir (dir);
  free (path);
  return tap_done ();
}
