/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests: the walker does not trust a file's block count.  A file of
 * real zero bytes is what a file of holes with a faked i_blocks looks
 * like from the host (fully allocated, all zeros), so a host tree stands
 * in for the crafted image: under a sparse limit of 1 MiB, an 8 MiB file
 * of zeros is read no further than 2 MiB, recorded with an error row and
 * without hashes or YARA, while files with fewer zeros than the limit are
 * read whole and hashed as sha256sum hashes them; a file with more data
 * than its filesystem holds is read no further.  Also: the walk counts
 * its turns with vs_tick (), stops when told to, and walks a directory
 * larger than one batch of its listing whole. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/rules.h"
#include "core/store.h"
#include "tap.h"
#include "base/util.h"
#include "core/walk.h"

#define MIB (1024 * 1024)
#define LIMIT MIB
/* Entries of the large directory: more than one batch of the walk's
 * listing (65536). */
#define HUGE_DIR 66000

static char tmp[] = "/tmp/vmscan-walk-XXXXXX";

static void
bail (const char *what, const char *why)
{
  printf ("Bail out! %s: %s\n", what, why);
  exit (1);
}

/* Writes size bytes: zeros in [zfrom, zto), a pattern elsewhere. */
static void
write_file (const char *name, size_t size, size_t zfrom, size_t zto)
{
  char *p = vs_xasprintf ("%s/root/%s", tmp, name);
  unsigned char *buf = vs_xmalloc (size ? size : 1);
  size_t i;
  int fd;

  for (i = 0; i < size; i++)
    buf[i] = i >= zfrom && i < zto ? 0 : (unsigned char) (i * 131 + 7) | 1;
  fd = open (p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd == -1 || write (fd, buf, size) != (ssize_t) size || close (fd))
    bail (p, strerror (errno));
  free (buf);
  free (p);
}

/* sha256sum's answer for a file of the tree. */
static char *
sha256sum (const char *name)
{
  char *cmd = vs_xasprintf ("sha256sum '%s/root/%s'", tmp, name);
  char out[65] = "";
  FILE *f = popen (cmd, "r");

  if (!f || fscanf (f, "%64s", out) != 1)
    out[0] = '\0';
  if (f)
    pclose (f);
  free (cmd);
  return vs_xstrdup (out);
}

static char *
text (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *s;
  char *v = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &s, NULL) != SQLITE_OK)
    bail (sql, sqlite3_errmsg (db));
  if (sqlite3_step (s) == SQLITE_ROW
      && sqlite3_column_type (s, 0) != SQLITE_NULL)
    v = vs_xstrdup ((const char *) sqlite3_column_text (s, 0));
  sqlite3_finalize (s);
  return v ? v : vs_xstrdup ("NULL");
}

struct run {
  struct vs_store *store;
  struct vs_fs fs;
  uint64_t ticks;
  int rc;
};

/* Walks the tree into a new database; rules may be NULL. */
static void
walk (struct run *r, const char *db_name, struct vs_rules *rules,
      uint64_t sparse_limit, int64_t fs_size)
{
  char *db_path = vs_xasprintf ("%s/%s", tmp, db_name);
  char *root = vs_xasprintf ("%s/root", tmp);
  struct vs_scan_info info;
  struct vs_walk_config wc;
  struct vs_walker *w;
  struct vs_os os;
  char *err = NULL;
  uint64_t k;

  memset (r, 0, sizeof *r);
  if (vs_store_create (db_path, 0, &r->store, &err) == -1)
    bail ("store", err);
  memset (&info, 0, sizeof info);
  info.tool_version = "test";
  info.command_line = "unit-walk";
  if (vs_store_begin_scan (r->store, &info) == -1)
    bail ("store", vs_store_errmsg (r->store));
  memset (&os, 0, sizeof os);
  os.root = (char *) "/dev/sda1";
  os.type = (char *) "linux";
  if (vs_store_add_os (r->store, &os) == -1)
    bail ("store", vs_store_errmsg (r->store));
  r->fs.device = (char *) "/dev/sda1";
  r->fs.type = (char *) "ext4";
  r->fs.size = fs_size;
  r->fs.os_index = 0;
  r->fs.os_mountpoint = (char *) "/";
  r->fs.walk_root = (char *) "/";
  r->fs.mounted = 1;
  if (vs_store_add_fs (r->store, &r->fs, &os) == -1)
    bail ("store", vs_store_errmsg (r->store));
  memset (&wc, 0, sizeof wc);
  wc.store = r->store;
  wc.rules = rules;
  wc.yara_max_size = 64 * MIB;
  wc.sparse_limit = sparse_limit;
  wc.jobs = 2;
  if (vs_walker_new (&wc, &w, &err) == -1)
    bail ("walker", err);
  k = vs_ticks ();
  r->rc = vs_walker_walk (w, &r->fs, root, NULL);
  r->ticks = vs_ticks () - k;
  vs_walker_free (w);
  if (vs_store_flush (r->store) == -1)
    bail ("store", vs_store_errmsg (r->store));
  free (db_path);
  free (root);
}

int
main (void)
{
  struct vs_rules *rules = NULL;
  struct run r;
  sqlite3 *db;
  char *rule_path, *err = NULL, *v, *want;
  size_t nbad = 0;
  const char *paths[1];
  FILE *f;
  unsigned i;

  tap_plan (20);
  if (!mkdtemp (tmp))
    bail ("mkdtemp", strerror (errno));
  v = vs_xasprintf ("%s/root", tmp);
  if (mkdir (v, 0755) == -1)
    bail (v, strerror (errno));
  free (v);
  /* 8 MiB of zeros: over the limit, and zeros past it. */
  write_file ("zeros", 8 * MIB, 0, 8 * MIB);
  /* 3 MiB with 768 KiB of zeros in the middle: over the limit in size,
   * under it in zeros. */
  write_file ("mostly-data", 3 * MIB, MIB, MIB + 768 * 1024);
  /* Exactly the limit of zeros, in a file over it. */
  write_file ("limit-zeros", 2 * MIB, MIB / 2, MIB / 2 + LIMIT);
  write_file ("small", 100, 0, 0);

  /* A rule that matches every file YARA scans. */
  rule_path = vs_xasprintf ("%s/all.yar", tmp);
  f = fopen (rule_path, "w");
  if (!f || fputs ("rule every_file { condition: true }\n", f) < 0
      || fclose (f))
    bail (rule_path, strerror (errno));
  if (vs_rules_init () == -1)
    bail ("yara", "cannot initialise");
  paths[0] = rule_path;
  if (vs_rules_compile (paths, 1, 0, &rules, &nbad, &err) == -1)
    bail ("rules", err);

  walk (&r, "a.db", rules, LIMIT, -1);
  db = vs_store_db (r.store);
  tap_ok (r.rc == 0, "the walk completes");
  v = text (db, "SELECT count(*) FROM files WHERE type = 'file'");
  tap_is_str (v, "4", "every file recorded");
  free (v);
  v = text (db, "SELECT size || '|' || quote(sha256) || '|' || yara_scanned "
            "FROM files WHERE path = '/zeros'");
  tap_is_str (v, "8388608|NULL|0", "the file of zeros: no hash, no YARA");
  free (v);
  v = text (db, "SELECT count(*) FROM yara_matches m JOIN files f "
            "ON f.id = m.file_id WHERE f.path = '/zeros'");
  tap_is_str (v, "0", "and no YARA match on a prefix of it");
  free (v);
  {
    const char *why = "read: not read past 2097152 of its 8388608 bytes: "
      "2097152 bytes of zeros read, over the --sparse-limit of 1048576 "
      "bytes";

    v = text (db, "SELECT stage || ': ' || message FROM errors "
              "WHERE path = '/zeros'");
    tap_ok (strncmp (v, why, strlen (why)) == 0,
            "an error row says how far and why (%s)", v);
    free (v);
  }
  /* Bytes read: the three other files whole, the zeros to 2 MiB. */
  tap_ok (r.fs.bytes == 3 * MIB + 2 * MIB + 100 + 2 * MIB,
          "the file of zeros is read no further (%llu bytes read in all)",
          (unsigned long long) r.fs.bytes);
  want = sha256sum ("mostly-data");
  v = text (db, "SELECT sha256 FROM files WHERE path = '/mostly-data'");
  tap_ok (strlen (want) == 64 && strcmp (v, want) == 0,
          "fewer zeros than the limit: read whole, sha256 as sha256sum's");
  free (v);
  free (want);
  want = sha256sum ("limit-zeros");
  v = text (db, "SELECT sha256 FROM files WHERE path = '/limit-zeros'");
  tap_ok (strlen (want) == 64 && strcmp (v, want) == 0,
          "exactly the limit of zeros: read whole");
  free (v);
  free (want);
  v = text (db, "SELECT count(*) FROM yara_matches");
  tap_is_str (v, "3", "YARA scanned the three files read whole");
  free (v);
  v = text (db, "SELECT count(*) FROM errors");
  tap_is_str (v, "1", "no other error");
  free (v);
  /* Every directory entry and every chunk is a tick: at least the 5
   * entries and the 3 + 2 + 2 + 1 chunks of 1 MiB. */
  tap_ok (r.ticks >= 5 + 8, "the walk counts its turns (%llu ticks)",
          (unsigned long long) r.ticks);
  vs_store_free (r.store);

  /* With no limit, the file of zeros is read and hashed. */
  walk (&r, "b.db", NULL, 0, -1);
  want = sha256sum ("zeros");
  v = text (vs_store_db (r.store),
            "SELECT sha256 FROM files WHERE path = '/zeros'");
  tap_ok (strcmp (v, want) == 0, "--sparse-limit 0: the zeros are hashed");
  free (v);
  free (want);
  vs_store_free (r.store);

  /* A file with more data than its filesystem holds shares its blocks
   * (crafted overlapping extents): on a "filesystem" of 2 MiB, the 3 MiB
   * file of 2.25 MiB of data is read no further once that passes 2 MiB,
   * while the 8 MiB file of zeros, larger but with no data, is hashed. */
  walk (&r, "e.db", NULL, 0, 2 * MIB);
  {
    const char *why = "read: not read past 3145728 of its 3145728 bytes: "
      "2359296 bytes of data read, more than its filesystem holds "
      "(2097152 bytes)";

    v = text (vs_store_db (r.store), "SELECT stage || ': ' || message "
              "FROM errors WHERE path = '/mostly-data'");
    tap_ok (strncmp (v, why, strlen (why)) == 0,
            "more data than the filesystem holds: an error row (%s)", v);
    free (v);
  }
  v = text (vs_store_db (r.store), "SELECT quote(sha256) FROM files "
            "WHERE path = '/mostly-data'");
  tap_is_str (v, "NULL", "and no hash");
  free (v);
  want = sha256sum ("zeros");
  v = text (vs_store_db (r.store),
            "SELECT sha256 FROM files WHERE path = '/zeros'");
  tap_ok (strcmp (v, want) == 0, "a larger file of zeros is still hashed");
  free (v);
  free (want);
  v = text (vs_store_db (r.store), "SELECT count(*) FROM errors");
  tap_is_str (v, "1", "no other error");
  free (v);
  vs_store_free (r.store);

  /* Told to stop: the walk ends early and says so. */
  for (i = 0; i < 50; i++) {
    v = vs_xasprintf ("%s/root/many%02u", tmp, i);
    if (mkdir (v, 0755) == -1)
      bail (v, strerror (errno));
    free (v);
  }
  vs_stop_request ("test");
  walk (&r, "c.db", NULL, LIMIT, -1);
  vs_stop_reset ();
  tap_ok (r.rc == -1, "a stop request ends the walk with an error");
  v = text (vs_store_db (r.store), "SELECT count(*) < 50 FROM files");
  tap_is_str (v, "1", "before it has recorded everything");
  free (v);
  vs_store_free (r.store);

  /* A directory larger than one batch of the listing (VS_DIR_BATCH,
   * 65536 names): every name recorded once. */
  v = vs_xasprintf ("%s/root/huge", tmp);
  if (mkdir (v, 0755) == -1)
    bail (v, strerror (errno));
  free (v);
  for (i = 0; i < HUGE_DIR; i++) {
    int fd;

    v = vs_xasprintf ("%s/root/huge/%06u", tmp, i);
    fd = open (v, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd == -1 || close (fd) == -1)
      bail (v, strerror (errno));
    free (v);
  }
  walk (&r, "d.db", NULL, LIMIT, -1);
  tap_ok (r.rc == 0, "a directory of %u entries is walked", HUGE_DIR);
  v = text (vs_store_db (r.store), "SELECT count(*) || '|' || "
            "count(DISTINCT path) || '|' || min(path) || '|' || max(path) "
            "FROM files WHERE path LIKE '/huge/%'");
  want = vs_xasprintf ("%u|%u|/huge/000000|/huge/%06u", HUGE_DIR, HUGE_DIR,
                       HUGE_DIR - 1);
  tap_is_str (v, want, "each of its entries recorded once");
  free (v);
  free (want);
  vs_store_free (r.store);

  vs_rules_free (rules);
  vs_rules_cleanup ();
  free (rule_path);
  v = vs_xasprintf ("rm -rf '%s'", tmp);
  if (system (v) != 0)
    printf ("# could not remove %s\n", tmp);
  free (v);
  return tap_done ();
}
