/* Unit tests for the package database parsers (parse-dpkg.c,
 * parse-rpm.c) on hostile input, and for pkgdb.c against the host's own
 * dpkg database when the host is Debian (read only, through a guest view
 * of "/"): the package count must agree with dpkg-query, and usr-merged
 * paths must be owned where the walk records them. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks.h"
#include "guest.h"
#include "parse-dpkg.h"
#include "parse-rpm.h"
#include "pkgdb.h"
#include "store.h"
#include "tap.h"
#include "util.h"

/* ---- dpkg status ---- */

struct status_seen {
  int n, installed, conffiles, obsolete, newconf;
  char names[8][32];
  char first_md5[33];
};

static int
on_pkg (const struct vs_dpkg_package *p, void *opaque)
{
  struct status_seen *s = opaque;
  size_t i;

  if (s->n < 8)
    snprintf (s->names[s->n], sizeof s->names[0], "%.*s",
              (int)(p->name_len < 31 ? p->name_len : 31), p->name);
  s->n++;
  s->installed += p->has_files;
  for (i = 0; i < p->nconffiles; i++) {
    s->conffiles++;
    s->obsolete += p->conffiles[i].obsolete;
    s->newconf += p->conffiles[i].md5[0] == '\0';
    if (!s->first_md5[0])
      memcpy (s->first_md5, p->conffiles[i].md5, 33);
  }
  return 0;
}

static void
test_status (void)
{
  static const char text[]
      = "Package: base-files\n"
        "Status: install ok installed\n"
        "Architecture: amd64\n"
        "Conffiles:\n"
        " /etc/debian_version 0C6E2AF0E7A3E3F2A5C8B9D1E4F60718\n"
        " /etc/host.conf 4eb63731c9f5e30903ac4fc07a7fe3d6\n"
        " /etc/old.conf 11111111111111111111111111111111 obsolete\n"
        " /etc/new.conf newconffile\n"
        " /etc/with space.conf 22222222222222222222222222222222\n"
        " not-a-path 33333333333333333333333333333333\n"
        " /etc/short abc\n"
        "Description: base system\n"
        " continuation\n"
        "\n"
        "Package: gone\n"
        "Status: deinstall ok config-files\n"
        "\n"
        "package: lower-case-field\n"
        "status: install ok half-configured\n"
        "\n"
        "no colon here\n"
        "\n"
        "Package: nonl\n"
        "Status: install ok installed";
  struct status_seen s;
  size_t bad = 0;

  memset (&s, 0, sizeof s);
  tap_ok (vs_dpkg_parse_status (text, sizeof text - 1, on_pkg, &s, &bad) == 0
              && s.n == 4,
          "status: 4 stanzas with a Package field");
  tap_ok (s.installed == 3, "status: config-files has no files on disk");
  tap_ok (s.conffiles == 5 && s.obsolete == 1 && s.newconf == 1,
          "status: conffiles with obsolete and newconffile");
  tap_is_str (s.first_md5, "0c6e2af0e7a3e3f2a5c8b9d1e4f60718",
              "status: conffile md5 lowercased");
  tap_ok (bad == 4,
          "status: 2 bad conffile lines, a line without a colon "
          "and a stanza without Package counted (%zu)",
          bad);
  tap_is_str (s.names[3], "nonl", "status: last stanza without a newline");
}

/* ---- .list, .md5sums, diversions ---- */

static int
count_path (const char *path, size_t len, void *opaque)
{
  (void)path;
  (void)len;
  (*(int *)opaque)++;
  return 0;
}

static int
count_md5 (const char *md5, const char *path, size_t len, void *opaque)
{
  int *n = opaque;

  if (strlen (md5) == 32 && len && path[0] != '/')
    (*n)++;
  return 0;
}

static int
count_div (const char *from, size_t fl, const char *to, size_t tl,
           const char *pkg, size_t pl, void *opaque)
{
  (void)from;
  (void)fl;
  (void)to;
  (void)tl;
  (void)pkg;
  (void)pl;
  (*(int *)opaque)++;
  return 0;
}

static void
test_lines (void)
{
  static const char list[] = "/.\n/bin\n/bin/ls\nrelative\n\n/usr/x\r\n/y";
  static const char sums[] = "d41d8cd98f00b204e9800998ecf8427e  usr/bin/a\n"
                             "D41D8CD98F00B204E9800998ECF8427E  ./usr/bin/b\n"
                             "d41d8cd98f00b204e9800998ecf8427e */usr/bin/c\n"
                             "xyz  usr/bin/d\n"
                             "d41d8cd98f00b204e9800998ecf8427e  \n"
                             "d41d8cd98f00b204e9800998ecf8427e\n";
  static const char divs[]
      = "/usr/bin/pg_config\n/usr/bin/pg_config.libpq-dev\npostgresql-common\n"
        "/a\n/b\n:\n"
        "bad\n/b\nx\n"
        "/trailing\n/incomplete\n";
  char *big;
  int n = 0;
  size_t bad = 0;

  vs_dpkg_parse_list (list, sizeof list - 1, count_path, &n, &bad);
  tap_ok (n == 4 && bad == 1,
          "list: root left out, relative "
          "path skipped (%d paths, %zu bad)",
          n, bad);
  n = 0;
  bad = 0;
  vs_dpkg_parse_md5sums (sums, sizeof sums - 1, count_md5, &n, &bad);
  tap_ok (n == 3 && bad == 3,
          "md5sums: 3 good lines, 3 bad "
          "(%d, %zu)",
          n, bad);
  n = 0;
  bad = 0;
  vs_dpkg_parse_diversions (divs, sizeof divs - 1, count_div, &n, &bad);
  tap_ok (n == 2 && bad == 2,
          "diversions: 2 good, a bad and an incomplete one (%d, %zu)", n, bad);
  /* A 16 MiB line without a newline, and NULs. */
  big = vs_xmalloc (16 << 20);
  memset (big, '/', 16 << 20);
  big[100] = '\0';
  n = 0;
  bad = 0;
  tap_ok (vs_dpkg_parse_list (big, 16 << 20, count_path, &n, &bad) == 0
              && n == 0 && bad == 1,
          "list: a 16 MiB line is skipped");
  tap_ok (vs_dpkg_parse_status (big, 16 << 20, on_pkg,
                                &(struct status_seen){ 0 }, NULL)
              == 0,
          "status: a 16 MiB line does not crash");
  free (big);
}

/* ---- rpm headers ---- */

struct blob {
  unsigned char b[4096];
  size_t il, dl;
  unsigned char data[2048];
  unsigned char index[64 * 16];
};

static void
put32 (unsigned char *p, uint32_t v)
{
  p[0] = (unsigned char)(v >> 24);
  p[1] = (unsigned char)(v >> 16);
  p[2] = (unsigned char)(v >> 8);
  p[3] = (unsigned char)v;
}

/* Adds a tag whose data is raw bytes (aligned to 4 for numbers). */
static void
add_tag (struct blob *b, uint32_t tag, uint32_t type, uint32_t count,
         const void *data, size_t len)
{
  unsigned char *e = b->index + b->il * 16;

  while (type >= 3 && type <= 5 && b->dl % 4)
    b->data[b->dl++] = 0;
  put32 (e, tag);
  put32 (e + 4, type);
  put32 (e + 8, (uint32_t)b->dl);
  put32 (e + 12, count);
  memcpy (b->data + b->dl, data, len);
  b->dl += len;
  b->il++;
}

static size_t
finish (struct blob *b)
{
  put32 (b->b, (uint32_t)b->il);
  put32 (b->b + 4, (uint32_t)b->dl);
  memcpy (b->b + 8, b->index, b->il * 16);
  memcpy (b->b + 8 + b->il * 16, b->data, b->dl);
  return 8 + b->il * 16 + b->dl;
}

static void
test_rpm (void)
{
  static const char dirs[] = "/usr/bin/\0/etc/";
  static const char bases[] = "vstest\0vstest.conf";
  static const char digests[] = "aa\0bb";
  unsigned char idx[8] = { 0, 0, 0, 0, 0, 0, 0, 1 };
  unsigned char flags[8] = { 0, 0, 0, 0, 0, 0, 0, 1 };
  unsigned char modes[4] = { 0x81, 0xed, 0x81, 0xa4 };
  unsigned char algo[4] = { 0, 0, 0, 8 };
  struct blob b;
  struct vs_rpm_header h;
  const char *err = NULL;
  size_t len, i;
  int crashes = 0;

  memset (&b, 0, sizeof b);
  add_tag (&b, 1000, 6, 1, "vstest", 7);
  add_tag (&b, 1118, 8, 2, dirs, sizeof dirs);
  add_tag (&b, 1117, 8, 2, bases, sizeof bases);
  add_tag (&b, 1035, 8, 2, digests, sizeof digests);
  add_tag (&b, 1116, 4, 2, idx, 8);
  add_tag (&b, 1037, 4, 2, flags, 8);
  add_tag (&b, 1030, 3, 2, modes, 4);
  add_tag (&b, 5011, 4, 1, algo, 4);
  len = finish (&b);
  tap_ok (vs_rpm_header_parse (b.b, len, &h, &err) == 0 && h.nfiles == 2
              && strcmp (h.name, "vstest") == 0
              && strcmp (h.files[1].dir, "/etc/") == 0
              && strcmp (h.files[1].base, "vstest.conf") == 0
              && strcmp (h.files[0].digest, "aa") == 0 && h.files[1].flags == 1
              && h.files[0].mode == 0100755 && h.digest_algo == 8,
          "rpm: a two-file header parses");
  vs_rpm_header_clear (&h);
  tap_ok (vs_rpm_header_parse (b.b, len - 1, &h, &err) == -1,
          "rpm: a truncated blob is refused (%s)", err ? err : "-");
  /* A DIRINDEXES value out of range. */
  {
    struct blob c;

    memset (&c, 0, sizeof c);
    idx[7] = 7;
    add_tag (&c, 1000, 6, 1, "x", 2);
    add_tag (&c, 1118, 8, 2, dirs, sizeof dirs);
    add_tag (&c, 1117, 8, 2, bases, sizeof bases);
    add_tag (&c, 1116, 4, 2, idx, 8);
    len = finish (&c);
    tap_ok (vs_rpm_header_parse (c.b, len, &h, &err) == -1,
            "rpm: a dir index out of range is refused");
    /* A string array whose count is larger than its strings. */
    memset (&c, 0, sizeof c);
    add_tag (&c, 1000, 6, 1, "x", 2);
    add_tag (&c, 1117, 8, 1000, bases, sizeof bases);
    len = finish (&c);
    tap_ok (vs_rpm_header_parse (c.b, len, &h, &err) == -1,
            "rpm: a string array running off the store is refused");
    /* A name without its NUL. */
    memset (&c, 0, sizeof c);
    add_tag (&c, 1000, 6, 1, "abc", 3);
    len = finish (&c);
    tap_ok (vs_rpm_header_parse (c.b, len, &h, &err) == -1,
            "rpm: an unterminated name is refused");
  }
  /* Every truncation and every single-byte change of the good blob. */
  memset (&b, 0, sizeof b);
  idx[7] = 1;
  add_tag (&b, 1000, 6, 1, "vstest", 7);
  add_tag (&b, 1118, 8, 2, dirs, sizeof dirs);
  add_tag (&b, 1117, 8, 2, bases, sizeof bases);
  add_tag (&b, 1116, 4, 2, idx, 8);
  len = finish (&b);
  for (i = 0; i < len; i++) {
    unsigned char save = b.b[i];

    if (vs_rpm_header_parse (b.b, i, &h, &err) == 0)
      vs_rpm_header_clear (&h);
    b.b[i] = 0xff;
    if (vs_rpm_header_parse (b.b, len, &h, &err) == 0) {
      size_t k;

      for (k = 0; k < h.nfiles; k++)
        crashes += h.files[k].dir == NULL || h.files[k].base == NULL;
      vs_rpm_header_clear (&h);
    }
    b.b[i] = save;
  }
  tap_ok (crashes == 0, "rpm: truncated and corrupted blobs are safe");
}

/* ---- the host's own dpkg database ---- */

static long
run_count (const char *cmd)
{
  FILE *p = popen (cmd, "r");
  long n = -1;

  if (!p)
    return -1;
  if (fscanf (p, "%ld", &n) != 1)
    n = -1;
  pclose (p);
  return n;
}

static void
test_host (void)
{
  struct vs_check_ctx ctx;
  struct vs_os os;
  struct vs_pkgdb *db = NULL;
  const struct vs_pkg_file *f;
  char *note = NULL;
  long want, conf;
  size_t i, nconf = 0;
  double t0;
  char tmpl[] = "/tmp/vmscan-pkgdb-XXXXXX";
  char *dbp, *err = NULL;
  struct vs_store *st = NULL;
  struct vs_scan_info info;

  want = run_count ("dpkg-query -W -f '${db:Status-Status}\\n' 2>/dev/null"
                    " | grep -v -c -E '^(not-installed|config-files)$'");
  if (want <= 0 || access ("/var/lib/dpkg/status", R_OK) != 0) {
    for (i = 0; i < 6; i++)
      tap_skip ("the host has no dpkg database");
    return;
  }
  conf = run_count ("dpkg-query -W -f '${db:Status-Status}\\n${Conffiles}"
                    "\\n' 2>/dev/null | awk '/^[a-z-]+$/ { s = $1 } "
                    "/^ \\// && $NF != \"obsolete\" && s != \"not-installed\""
                    " { print $1 }' | sort -u | wc -l");
  memset (&ctx, 0, sizeof ctx);
  memset (&os, 0, sizeof os);
  os.type = (char *)"linux";
  os.package_format = (char *)"deb";
  if (!mkdtemp (tmpl)) {
    printf ("Bail out! mkdtemp\n");
    exit (1);
  }
  dbp = vs_xasprintf ("%s/e.db", tmpl);
  memset (&info, 0, sizeof info);
  info.tool_version = "test";
  info.command_line = "unit-pkgdb";
  if (vs_store_create (dbp, 0, &st, &err) == -1
      || vs_store_begin_scan (st, &info) == -1) {
    printf ("Bail out! store: %s\n", err ? err : "-");
    exit (1);
  }
  ctx.store = st;
  ctx.db = vs_store_db (st);
  ctx.scan_id = vs_store_scan_id (st);
  ctx.os = &os;
  ctx.guest = vs_guest_new ();
  vs_guest_add_mount (ctx.guest, "/", "/");
  t0 = vs_now_monotonic ();
  i = vs_pkgdb_load (&ctx, &db, &note) == 0 && db
      && strcmp (vs_pkgdb_kind (db), "dpkg") == 0;
  t0 = vs_now_monotonic () - t0;
  tap_ok ((int)i, "host: dpkg database loads (%.2fs, %zu paths)", t0,
          db ? vs_pkgdb_count (db) : 0);
  if (!db) {
    for (i = 0; i < 5; i++)
      tap_skip ("no database");
    goto out;
  }
  tap_ok ((long)vs_pkgdb_packages (db) == want,
          "host: %zu packages, dpkg-query says %ld", vs_pkgdb_packages (db),
          want);
  for (i = 0; i < vs_pkgdb_count (db); i++) {
    f = vs_pkgdb_file (db, i);
    nconf
        += f->conffile && vs_pkgdb_lookup (db, f->path, strlen (f->path)) == f;
  }
  tap_ok ((long)nconf == conf, "host: %zu conffiles, dpkg-query says %ld",
          nconf, conf);
  f = vs_pkgdb_lookup (db, "/usr/bin/ls", 11);
  tap_ok (f && strcmp (f->package, "coreutils") == 0
              && f->digest_type == VS_PKG_DIGEST_MD5 && f->digest
              && strlen (f->digest) == 32 && !f->conffile,
          "host: /bin/ls of coreutils is owned as /usr/bin/ls");
  f = vs_pkgdb_lookup (db, "/etc/debian_version", 19);
  tap_ok (f && f->conffile && f->digest, "host: /etc/debian_version is a "
                                         "conffile with its md5");
  {
    char *out = NULL;
    char md5[33] = "";
    FILE *p = popen ("md5sum /usr/bin/ls", "r");

    if (p && fscanf (p, "%32s", md5) == 1)
      out = md5;
    if (p)
      pclose (p);
    tap_ok (
        out && vs_pkgdb_is_stock (db, "/usr/bin/ls", 11, md5, NULL, NULL) == 1
            && vs_pkgdb_is_stock (db, "/usr/bin/ls", 11,
                                  "00000000000000000000000000000000", NULL,
                                  NULL)
                   == 0,
        "host: vs_pkgdb_is_stock on the real /usr/bin/ls");
  }
  vs_pkgdb_free (db);
out:
  vs_guest_free (ctx.guest);
  vs_store_free (st);
  unlink (dbp);
  rmdir (tmpl);
  free (dbp);
  free (note);
}

int
main (void)
{
  tap_plan (23);
  test_status ();
  test_lines ();
  test_rpm ();
  test_host ();
  return tap_done ();
}
