/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the package database parsers (parse/dpkg.c,
 * parse/rpm.c, parse/bdb.c, parse/rpmsqlite.c) on hostile input, and for
 * pkgdb.c against the host's own dpkg database when the host is Debian
 * (read only, through a guest view of "/"): the package count must agree
 * with dpkg-query, and usr-merged paths must be owned where the walk
 * records them.
 *
 * The crafted databases are built here: Berkeley DB pages written byte
 * by byte (and real ones made by db_load), SQLite files made with the
 * sqlite3 library and, for shared overflow chains, patched after.  Work
 * is bounded by counting (vs_ticks, pages read, SQLite operations) at
 * sizes n, 2n and 4n, never by timing. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "checks/checks.h"
#include "core/guest.h"
#include "parse/bdb.h"
#include "parse/dpkg.h"
#include "parse/rpm.h"
#include "parse/rpmsqlite.h"
#include "core/pkgdb.h"
#include "core/store.h"
#include "tap.h"
#include "base/util.h"

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
        "Package: openssh-server\n"
        "Status: install ok installed\n"
        "Package: renamed\n"
        "\n"
        "Package: twice-status\n"
        "Status: deinstall ok config-files\n"
        "Status: install ok installed\n"
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
  tap_ok (bad == 6,
          "status: 2 bad conffile lines, a line without a colon, "
          "a stanza without Package and 2 that repeat a field (as dpkg "
          "refuses them) counted (%zu)",
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
  unsigned char epoch[4] = { 0, 0, 0, 2 };
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
  add_tag (&b, 1001, 6, 1, "1.2", 4);
  add_tag (&b, 1002, 6, 1, "3.el9", 6);
  add_tag (&b, 1003, 4, 1, epoch, 4);
  len = finish (&b);
  tap_ok (vs_rpm_header_parse (b.b, len, &h, &err) == 0 && h.has_epoch
              && h.epoch == 2 && h.version && strcmp (h.version, "1.2") == 0
              && h.release && strcmp (h.release, "3.el9") == 0,
          "rpm: epoch, version and release parse");
  vs_rpm_header_clear (&h);
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

/* ---- work bounds ---- */

/* Whether work measured at sizes n, 2n and 4n grows at most linearly,
 * with room c for what does not depend on n. */
static int
linear (const uint64_t w[3], uint64_t c)
{
  return w[1] <= 2.25 * (double)w[0] + c && w[2] <= 4.5 * (double)w[0] + c;
}

static int
count_line (const char *path, size_t len, void *opaque)
{
  (void)path;
  (void)len;
  (*(int *)opaque)++;
  return 0;
}

/* The dpkg parsers count a tick per line and stop when asked to. */
static void
test_dpkg_ticks (void)
{
  struct vs_buf b = VS_BUF_INIT;
  uint64_t t0;
  size_t i, bad = 0;
  int n = 0, stopped;

  for (i = 0; i < 1000; i++)
    vs_buf_addf (&b, "/usr/share/doc/p/f%zu\n", i);
  t0 = vs_ticks ();
  vs_dpkg_parse_list (b.data, b.len, count_line, &n, &bad);
  tap_ok (n == 1000 && vs_ticks () - t0 == 1000,
          "dpkg: a 1000-line .list costs 1000 ticks (%llu)",
          (unsigned long long)(vs_ticks () - t0));
  vs_stop_request ("unit test");
  n = 0;
  stopped = vs_dpkg_parse_list (b.data, b.len, count_line, &n, &bad) == -1
            && n == 0;
  stopped &= vs_dpkg_parse_status ("Package: a\n\n", 12, on_pkg,
                                   &(struct status_seen){ 0 }, NULL)
             == -1;
  stopped &= vs_dpkg_parse_md5sums (b.data, b.len, count_md5, &n, NULL) == -1;
  stopped
      &= vs_dpkg_parse_diversions ("/a\n/b\n:\n", 8, count_div, &n, NULL) == -1;
  stopped &= n == 0;
  vs_stop_reset ();
  tap_ok (stopped, "dpkg: every parser ends at once on a stop request");
  vs_buf_release (&b);
}

/* ---- Berkeley DB ---- */

static void
put_le32 (unsigned char *p, uint32_t v)
{
  p[0] = (unsigned char)v;
  p[1] = (unsigned char)(v >> 8);
  p[2] = (unsigned char)(v >> 16);
  p[3] = (unsigned char)(v >> 24);
}

static void
put_le16 (unsigned char *p, unsigned v)
{
  p[0] = (unsigned char)v;
  p[1] = (unsigned char)(v >> 8);
}

/* Page 0 of a little-endian hash database of ps-byte pages. */
static void
bdb_meta (unsigned char *d, size_t ps)
{
  put_le32 (d + 12, 0x061561);
  put_le32 (d + 16, 9);
  put_le32 (d + 20, (uint32_t)ps);
  d[25] = 8;
}

/* Makes page pg an overflow page of n bytes ('o') linking to next. */
static void
bdb_overflow (unsigned char *d, size_t ps, uint32_t pg, uint32_t next,
              unsigned n)
{
  unsigned char *p = d + (size_t)pg * ps;

  put_le32 (p + 8, pg);
  put_le32 (p + 16, next);
  put_le16 (p + 22, n);
  p[25] = 7;
  memset (p + 26, 'o', n);
}

/* Fills hash page pg with pairs (at most max): a 4-byte key inline, the
 * data off-page on the chain at ovf, tlen bytes long.  Returns the
 * number of pairs. */
static size_t
bdb_hash_page (unsigned char *d, size_t ps, uint32_t pg, uint32_t ovf,
               uint32_t tlen, size_t max, uint32_t *key)
{
  unsigned char *p = d + (size_t)pg * ps;
  size_t top = ps, n = 0;

  put_le32 (p + 8, pg);
  p[25] = 13;
  while (n / 2 < max && 26 + 2 * (n + 2) + 17 <= top) {
    top -= 5;
    p[top] = 1;
    put_le32 (p + top + 1, (*key)++);
    put_le16 (p + 26 + 2 * n++, (unsigned)top);
    top -= 12;
    p[top] = 3;
    put_le32 (p + top + 4, ovf);
    put_le32 (p + top + 8, tlen);
    put_le16 (p + 26 + 2 * n++, (unsigned)top);
  }
  put_le16 (p + 20, (unsigned)n);
  return n / 2;
}

struct pairs {
  size_t n, bytes;
  int all_o; /* every data byte is 'o' */
};

static int
on_bdb (const unsigned char *key, size_t klen, const unsigned char *data,
        size_t dlen, void *opaque)
{
  struct pairs *P = opaque;
  size_t i;

  (void)key;
  (void)klen;
  P->n++;
  P->bytes += dlen;
  for (i = 0; i < dlen; i++)
    P->all_o &= data[i] == 'o';
  return 0;
}

/* The security review's reproducer: every pair's data on one overflow
 * page that links to itself, at 256 KiB, 512 KiB and 1 MiB. */
static void
test_bdb_selfloop (void)
{
  const size_t ps = 4096;
  uint64_t ticks[3], pages[3];
  int refused = 1, bounded = 1, k;

  for (k = 0; k < 3; k++) {
    size_t npages = (size_t)64 << k, len = npages * ps, pairs = 0, pg;
    unsigned char *d = vs_xcalloc (npages, ps);
    struct vs_bdb_stats st;
    struct pairs P = { 0, 0, 1 };
    const char *err = NULL;
    uint32_t key = 1;
    uint64_t t0;
    int rc;

    bdb_meta (d, ps);
    bdb_overflow (d, ps, 1, 1, (unsigned)(ps - 26));
    for (pg = 2; pg < npages; pg++)
      pairs += bdb_hash_page (d, ps, (uint32_t)pg, 1, (uint32_t)(len / 2),
                              (size_t)-1, &key);
    t0 = vs_ticks ();
    rc = vs_bdb_hash_walk (d, len, on_bdb, &P, &st, &err);
    ticks[k] = vs_ticks () - t0;
    pages[k] = st.pages;
    refused &= rc == 0 && P.n == 0 && st.bad == pairs
               && strstr (st.why, "overflow page 1 reached twice") != NULL;
    bounded &= st.pages <= npages;
    if (k == 2)
      printf ("# %zu pairs, %zu skipped: %s\n", pairs, st.bad, st.why);
    free (d);
  }
  tap_ok (refused, "bdb: pairs sharing a self-linked overflow page are all "
                   "refused, naming page 1");
  tap_ok (bounded,
          "bdb: pages read %llu, %llu, %llu: never more than the "
          "file has",
          (unsigned long long)pages[0], (unsigned long long)pages[1],
          (unsigned long long)pages[2]);
  tap_ok (linear (ticks, 100),
          "bdb: ticks grow linearly with the file (%llu, %llu, %llu)",
          (unsigned long long)ticks[0], (unsigned long long)ticks[1],
          (unsigned long long)ticks[2]);
}

/* A chain of two pages reads; made into a cycle it is refused. */
static void
test_bdb_cycle (void)
{
  const size_t ps = 512, n = ps - 26;
  unsigned char *d = vs_xcalloc (4, ps);
  struct vs_bdb_stats st;
  struct pairs P = { 0, 0, 1 };
  const char *err = NULL;
  uint32_t key = 1;
  int good;

  bdb_meta (d, ps);
  bdb_overflow (d, ps, 1, 2, (unsigned)n);
  bdb_overflow (d, ps, 2, 0, (unsigned)n);
  bdb_hash_page (d, ps, 3, 1, (uint32_t)(2 * n), 1, &key);
  good = vs_bdb_hash_walk (d, 4 * ps, on_bdb, &P, &st, &err) == 0 && P.n == 1
         && P.bytes == 2 * n && P.all_o && st.bad == 0 && st.pages == 4;
  /* Page 2 back to page 1, and an item long enough to go round. */
  put_le32 (d + 2 * ps + 16, 1);
  put_le32 (d + 3 * ps + ps - 17 + 8, (uint32_t)(3 * n));
  P.n = 0;
  tap_ok (good && vs_bdb_hash_walk (d, 4 * ps, on_bdb, &P, &st, &err) == 0
              && P.n == 0 && st.bad == 1
              && strstr (st.why, "overflow page 1 reached twice"),
          "bdb: a two-page chain reads; made a cycle it is refused (%s)",
          st.why);
  free (d);
}

/* The bytes of a file of the host (NULL if unreadable; caller frees). */
static char *
slurp (const char *path, size_t *len)
{
  FILE *fp = fopen (path, "rb");
  struct vs_buf b = VS_BUF_INIT;
  char chunk[65536];
  size_t n;

  if (!fp)
    return NULL;
  while ((n = fread (chunk, 1, sizeof chunk, fp)) > 0)
    vs_buf_add (&b, chunk, n);
  fclose (fp);
  return vs_buf_detach (&b, len);
}

enum { REAL_N = 300 };

struct real {
  unsigned char seen[REAL_N];
  size_t found;
  int bad;
};

/* Checks a pair against what test_bdb_real gave db_load. */
static int
check_real (const unsigned char *k, size_t kl, const unsigned char *v,
            size_t vl, void *opaque)
{
  struct real *R = opaque;
  size_t i, j;

  if (kl != 4 || k[2] || k[3] || (i = (size_t)(k[0] | k[1] << 8)) >= REAL_N
      || R->seen[i] || vl != (i * 97) % 3000 + 1) {
    R->bad = 1;
    return 0;
  }
  for (j = 0; j < vl; j++)
    if (v[j] != ((i * 31 + j * 7) & 0xff))
      R->bad = 1;
  R->seen[i] = 1;
  R->found++;
  return 0;
}

/* A real hash database made by db_load with 512-byte pages: every pair
 * back, byte for byte, most through chains of overflow pages. */
static void
test_bdb_real (void)
{
  char tmpl[] = "/tmp/vmscan-bdb-XXXXXX";
  char *txt, *db, *cmd, *data = NULL;
  struct vs_bdb_stats st;
  struct real R;
  const char *err = NULL;
  size_t len = 0, i, j;
  FILE *fp;
  int ok;

  if (system ("command -v db_load >/dev/null 2>&1") != 0) {
    tap_skip ("db_load (db-util) not installed");
    return;
  }
  if (!mkdtemp (tmpl)) {
    tap_skip ("mkdtemp failed");
    return;
  }
  txt = vs_xasprintf ("%s/in.txt", tmpl);
  db = vs_xasprintf ("%s/Packages", tmpl);
  fp = fopen (txt, "w");
  for (i = 0; fp && i < REAL_N; i++) {
    size_t size = (i * 97) % 3000 + 1;

    fprintf (fp, "\\%02zx\\%02zx\\00\\00\n", i & 0xff, i >> 8);
    for (j = 0; j < size; j++)
      fprintf (fp, "\\%02zx", (i * 31 + j * 7) & 0xff);
    fputc ('\n', fp);
  }
  cmd = vs_xasprintf ("db_load -c db_pagesize=512 -t hash -T -f %s %s", txt,
                      db);
  ok = fp && fclose (fp) == 0 && system (cmd) == 0;
  if (!ok || !(data = slurp (db, &len)))
    tap_skip ("db_load could not make a database");
  else {
    int rc;

    memset (&R, 0, sizeof R);
    rc = vs_bdb_hash_walk ((unsigned char *)data, len, check_real, &R, &st,
                           &err);
    tap_ok (rc == 0 && st.bad == 0 && !R.bad && R.found == REAL_N
                && st.pages <= len / 512,
            "bdb: db_load's %d pairs all read back exactly (%zu found, %zu "
            "bad, %llu of %zu pages read)",
            REAL_N, R.found, st.bad, (unsigned long long)st.pages, len / 512);
  }
  free (data);
  free (cmd);
  cmd = vs_xasprintf ("rm -rf '%s'", tmpl);
  if (system (cmd) != 0)
    printf ("# cannot remove %s\n", tmpl);
  free (cmd);
  free (txt);
  free (db);
}

/* ---- rpm's SQLite database ---- */

/* rpm 4.18's statements for Packages and one index table. */
static const char rpm_schema[]
    = "CREATE TABLE 'Packages' (hnum INTEGER PRIMARY KEY AUTOINCREMENT,"
      "blob BLOB NOT NULL);"
      "CREATE TABLE 'Name' (key 'TEXT' NOT NULL, hnum INTEGER NOT NULL, "
      "idx INTEGER NOT NULL, FOREIGN KEY (hnum) REFERENCES "
      "'Packages'(hnum));"
      "CREATE INDEX 'Name_key_idx' ON 'Name'(key ASC);";
static const char rpm_insert[]
    = "INSERT INTO Packages (hnum, blob) VALUES (?1, ?2)";

/* The header blob of package "pkg<i>" owning /usr/share/pkg/f<i>. */
static size_t
pkg_blob (struct blob *b, int i)
{
  char name[32], base[32];

  memset (b, 0, sizeof *b);
  snprintf (name, sizeof name, "pkg%d", i);
  snprintf (base, sizeof base, "f%d", i);
  add_tag (b, 1000, 6, 1, name, strlen (name) + 1);
  add_tag (b, 1118, 8, 1, "/usr/share/pkg/", 16);
  add_tag (b, 1117, 8, 1, base, strlen (base) + 1);
  add_tag (b, 1116, 4, 1, (unsigned char[4]){ 0 }, 4);
  return finish (b);
}

static void
exec_or_bail (sqlite3 *db, const char *sql)
{
  char *msg = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    printf ("Bail out! %s: %s\n", sql, msg ? msg : "?");
    exit (1);
  }
}

/* The file of a database made in memory: page size ps, the statements
 * of schema, n rows inserted with insert (?1 the hnum from 1, ?2 when
 * present the header mk makes for the hnum, or blob_size bytes 'b' when
 * blob_size is not 0), then the statements of after. */
static unsigned char *
make_db_with (int ps, const char *schema, const char *insert, int n,
              size_t blob_size, const char *after,
              size_t (*mk) (struct blob *, int), size_t *len)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *s = NULL;
  sqlite3_int64 size = 0;
  unsigned char *data, *copy;
  char *big = blob_size ? vs_xmalloc (blob_size) : NULL;
  char pragma[64];
  int i;

  if (big)
    memset (big, 'b', blob_size);
  if (sqlite3_open (":memory:", &db) != SQLITE_OK) {
    printf ("Bail out! sqlite3_open\n");
    exit (1);
  }
  snprintf (pragma, sizeof pragma, "PRAGMA page_size = %d", ps);
  exec_or_bail (db, pragma);
  exec_or_bail (db, schema);
  exec_or_bail (db, "BEGIN");
  if (sqlite3_prepare_v2 (db, insert, -1, &s, NULL) != SQLITE_OK) {
    printf ("Bail out! %s: %s\n", insert, sqlite3_errmsg (db));
    exit (1);
  }
  for (i = 1; i <= n; i++) {
    struct blob b;

    sqlite3_bind_int (s, 1, i);
    if (sqlite3_bind_parameter_count (s) >= 2) {
      if (big)
        sqlite3_bind_blob (s, 2, big, (int)blob_size, SQLITE_STATIC);
      else {
        size_t bl = mk (&b, i);

        sqlite3_bind_blob (s, 2, b.b, (int)bl, SQLITE_TRANSIENT);
      }
    }
    if (sqlite3_step (s) != SQLITE_DONE) {
      printf ("Bail out! %s: %s\n", insert, sqlite3_errmsg (db));
      exit (1);
    }
    sqlite3_reset (s);
  }
  sqlite3_finalize (s);
  exec_or_bail (db, "COMMIT");
  if (after)
    exec_or_bail (db, after);
  data = sqlite3_serialize (db, "main", &size, 0);
  if (!data) {
    printf ("Bail out! sqlite3_serialize\n");
    exit (1);
  }
  copy = vs_xmemdup (data, (size_t)size);
  sqlite3_free (data);
  sqlite3_close (db);
  free (big);
  *len = (size_t)size;
  return copy;
}

static unsigned char *
make_db (int ps, const char *schema, const char *insert, int n,
         size_t blob_size, const char *after, size_t *len)
{
  return make_db_with (ps, schema, insert, n, blob_size, after, pkg_blob, len);
}

struct rows {
  int n, named; /* rows, and rows whose header names pkg<hnum> */
};

static int
on_row (int64_t hnum, const unsigned char *blob, size_t len, void *opaque)
{
  struct rows *R = opaque;
  struct vs_rpm_header h;
  const char *err;
  char want[32];

  R->n++;
  snprintf (want, sizeof want, "pkg%lld", (long long)hnum);
  if (vs_rpm_header_parse (blob, len, &h, &err) == 0) {
    R->named += strcmp (h.name, want) == 0 && h.nfiles == 1;
    vs_rpm_header_clear (&h);
  }
  return 0;
}

/* Walks data; returns the error (to free; NULL when it read) and the
 * ticks it cost in *ticks. */
static char *
walk_db (unsigned char *data, size_t len, struct rows *R,
         struct vs_rpmsqlite_stats *st, uint64_t *ticks)
{
  uint64_t t0 = vs_ticks ();
  char *err = NULL;
  int rc;

  memset (R, 0, sizeof *R);
  rc = vs_rpmsqlite_walk (data, len, on_row, R, st, &err);
  if (ticks)
    *ticks = vs_ticks () - t0;
  if (rc == 0 && err) {
    free (err);
    return vs_xstrdup ("walk returned 0 with an error");
  }
  if (rc == -1 && !err)
    return vs_xstrdup ("walk returned -1 without an error");
  return err;
}

static void
test_sqlite_good (void)
{
  size_t len;
  unsigned char *d
      = make_db (4096, rpm_schema, rpm_insert, 3000, 0, NULL, &len);
  struct vs_rpmsqlite_stats st;
  struct rows R;
  char *err;

  memset (&st, 0, sizeof st);
  err = walk_db (d, len, &R, &st, NULL);
  tap_ok (!err && R.n == 3000 && R.named == 3000 && st.rows == 3000
              && st.ops <= len,
          "rpmsqlite: rpm's schema, 3000 packages: every row read, each header "
          "names its package, %llu SQLite operations for %zu bytes (%s)",
          (unsigned long long)st.ops, len, err ? err : "read");
  free (err);
  /* The same database with too small a budget of work. */
  memset (&st, 0, sizeof st);
  st.budget = 2000;
  err = walk_db (d, len, &R, &st, NULL);
  tap_ok (err && strstr (err, "SQLite operations") && st.ops == 3000
              && R.n < 3000,
          "rpmsqlite: past its budget of operations a database is refused "
          "(%s)",
          err ? err : "read");
  free (err);
  vs_stop_request ("unit test");
  err = walk_db (d, len, &R, NULL, NULL);
  vs_stop_reset ();
  tap_ok (err && strcmp (err, "stopped") == 0 && R.n == 0,
          "rpmsqlite: a stop request ends the walk (%s)", err ? err : "read");
  free (err);
  free (d);
}

/* A crafted database at n, 2n and 4n rows: refused, with an error that
 * holds want, at a cost that does not grow faster than the file. */
static void
refused_linear (const char *what, const char *schema, const char *insert,
                const char *after, int n, const char *want)
{
  uint64_t ticks[3];
  int refused = 1, k;
  char *first = NULL;

  for (k = 0; k < 3; k++) {
    size_t len;
    unsigned char *d = make_db (4096, schema, insert, n << k, 0, after, &len);
    struct rows R;
    char *err = walk_db (d, len, &R, NULL, &ticks[k]);

    refused &= err && strstr (err, want) && R.n == 0;
    if (!first)
      first = err;
    else
      free (err);
    free (d);
  }
  tap_ok (refused, "rpmsqlite: %s at %d, %d and %d rows refused (%s)", what, n,
          2 * n, 4 * n, first ? first : "read");
  tap_ok (linear (ticks, 1000), "rpmsqlite: %s: ticks %llu, %llu, %llu", what,
          (unsigned long long)ticks[0], (unsigned long long)ticks[1],
          (unsigned long long)ticks[2]);
  free (first);
}

static void
test_sqlite_hostile (void)
{
  static const char pk_insert[]
      = "INSERT INTO Packages (hnum, blob) VALUES (?1, ?2)";
  static const char *const one[][4] = {
    { "a generated column on another table",
      "CREATE TABLE 'Packages' (hnum INTEGER PRIMARY KEY, blob BLOB);"
      "CREATE TABLE 'Name' (key TEXT, hnum INTEGER, "
      "k2 TEXT GENERATED ALWAYS AS (key || 'x') STORED)",
      pk_insert, "Name.k2 is a generated column" },
    { "an index on Packages",
      "CREATE TABLE 'Packages' (hnum INTEGER PRIMARY KEY, blob BLOB);"
      "CREATE INDEX 'Packages_blob' ON 'Packages'(blob)",
      pk_insert, "has an index" },
    { "a third column in Packages",
      "CREATE TABLE 'Packages' (hnum INTEGER PRIMARY KEY, blob BLOB, x)",
      pk_insert, "is not (hnum INTEGER PRIMARY KEY" },
    { "a Packages without its primary key",
      "CREATE TABLE 'Packages' (hnum INTEGER, blob BLOB)", pk_insert,
      "is not (hnum INTEGER PRIMARY KEY" },
    { "a WITHOUT ROWID Packages",
      "CREATE TABLE 'Packages' (hnum INTEGER PRIMARY KEY, blob BLOB) "
      "WITHOUT ROWID",
      pk_insert, "WITHOUT ROWID" },
    { "no Packages table", "CREATE TABLE 'Other' (hnum INTEGER, blob BLOB)",
      "INSERT INTO Other (hnum, blob) VALUES (?1, ?2)", "no Packages table" },
  };
  size_t i;

  /* The review's reproducer: Packages.blob computes a gigabyte of
   * zeros for every row read. */
  refused_linear ("blob generated as zeroblob(999999999)",
                  "CREATE TABLE 'Packages' (hnum INTEGER PRIMARY KEY, "
                  "blob BLOB GENERATED ALWAYS AS (zeroblob(999999999)) "
                  "VIRTUAL)",
                  "INSERT INTO Packages (hnum) VALUES (?1)", NULL, 5000,
                  "Packages.blob is a generated column");
  refused_linear ("a view", rpm_schema, rpm_insert,
                  "CREATE VIEW v AS SELECT hnum, zeroblob(999999999) AS blob "
                  "FROM Packages",
                  5000, "has a view (v)");
  refused_linear ("a trigger", rpm_schema, rpm_insert,
                  "CREATE TRIGGER t AFTER INSERT ON Packages BEGIN "
                  "SELECT zeroblob(999999999); END",
                  5000, "has a trigger (t)");
  for (i = 0; i < VS_ARRAY_SIZE (one); i++) {
    size_t len;
    unsigned char *d = make_db (4096, one[i][1], one[i][2], 20, 0, NULL, &len);
    struct rows R;
    char *err = walk_db (d, len, &R, NULL, NULL);

    tap_ok (err && strstr (err, one[i][3]) && R.n == 0,
            "rpmsqlite: %s is refused (%s)", one[i][0], err ? err : "read");
    free (err);
    free (d);
  }
}

/* A view whose schema row claims to be a table, and a virtual table:
 * refused from what SQLite parses, not from the type column. */
static void
test_sqlite_disguised (void)
{
  size_t len;
  unsigned char *d;
  struct rows R;
  char *err;
  sqlite3 *probe = NULL;
  int fts5;

  d = make_db (4096, rpm_schema, rpm_insert, 10, 0,
               "CREATE VIEW v AS SELECT 1;"
               "PRAGMA writable_schema = ON;"
               "UPDATE sqlite_schema SET type = 'table' WHERE name = 'v';"
               "PRAGMA writable_schema = OFF",
               &len);
  err = walk_db (d, len, &R, NULL, NULL);
  tap_ok (err && R.n == 0,
          "rpmsqlite: a view listed as a table is refused (%s)",
          err ? err : "read");
  free (err);
  free (d);
  sqlite3_open (":memory:", &probe);
  fts5 = sqlite3_exec (probe, "CREATE VIRTUAL TABLE t USING fts5(x)", NULL,
                       NULL, NULL)
         == SQLITE_OK;
  sqlite3_close (probe);
  if (!fts5) {
    tap_skip ("this SQLite has no fts5 to make a virtual table with");
    return;
  }
  d = make_db (4096, rpm_schema, rpm_insert, 10, 0,
               "CREATE VIRTUAL TABLE t USING fts5(x)", &len);
  err = walk_db (d, len, &R, NULL, NULL);
  tap_ok (err && strstr (err, "a virtual table") && R.n == 0,
          "rpmsqlite: a virtual table is refused (%s)", err ? err : "read");
  free (err);
  free (d);
}

/* ---- shared overflow chains in an SQLite file ---- */

static uint64_t
get_varint (const unsigned char *p, size_t *n)
{
  uint64_t v = 0;
  size_t i;

  for (i = 0; i < 8; i++) {
    v = v << 7 | (p[i] & 0x7f);
    if (!(p[i] & 0x80)) {
      *n = i + 1;
      return v;
    }
  }
  *n = 9;
  return v << 8 | p[8];
}

/* Writes v as a 3-byte varint (v < 2^21). */
static void
put_varint3 (unsigned char *p, uint32_t v)
{
  p[0] = (unsigned char)(0x80 | (v >> 14));
  p[1] = (unsigned char)(0x80 | ((v >> 7) & 0x7f));
  p[2] = (unsigned char)(v & 0x7f);
}

/* With 1024-byte pages a table cell keeps 103 bytes of its payload when
 * (payload - 103) % 1020 > 886, and the rest goes to overflow pages.
 * Row 1 holds BIG bytes, the others SMALL; every other row is patched to
 * claim BIG bytes on row 1's chain.  Each row's record is a 5-byte
 * header (size, NULL for hnum, a 3-byte blob type) then the blob. */
#define SHARED_BIG 1048538
#define SHARED_SMALL 17318

static unsigned char *
make_shared (int n, size_t *len)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *s = NULL;
  sqlite3_int64 size = 0;
  unsigned char *d, *raw;
  char *big = vs_xmalloc (SHARED_BIG);
  size_t pg, c, npages, patched = 0;
  uint32_t first = 0;
  int i, pass;

  memset (big, 'b', SHARED_BIG);
  sqlite3_open (":memory:", &db);
  exec_or_bail (db, "PRAGMA page_size = 1024");
  exec_or_bail (db, rpm_schema);
  exec_or_bail (db, "BEGIN");
  sqlite3_prepare_v2 (db, rpm_insert, -1, &s, NULL);
  for (i = 1; i <= n; i++) {
    sqlite3_bind_int (s, 1, i);
    sqlite3_bind_blob (s, 2, big, i == 1 ? SHARED_BIG : SHARED_SMALL,
                       SQLITE_STATIC);
    if (sqlite3_step (s) != SQLITE_DONE) {
      printf ("Bail out! insert: %s\n", sqlite3_errmsg (db));
      exit (1);
    }
    sqlite3_reset (s);
  }
  sqlite3_finalize (s);
  exec_or_bail (db, "COMMIT");
  raw = sqlite3_serialize (db, "main", &size, 0);
  if (!raw) {
    printf ("Bail out! sqlite3_serialize\n");
    exit (1);
  }
  *len = (size_t)size;
  d = vs_xmemdup (raw, *len);
  sqlite3_free (raw);
  sqlite3_close (db);
  free (big);
  npages = *len / 1024;
  /* Pass 0 finds row 1's first overflow page, pass 1 patches the rest. */
  for (pass = 0; pass < 2; pass++)
    for (pg = 1; pg <= npages; pg++) {
      unsigned char *page = d + (pg - 1) * 1024;
      unsigned char *h = page + (pg == 1 ? 100 : 0);
      unsigned ncells = (unsigned)(h[3] << 8 | h[4]);

      if (h[0] != 0x0d)
        continue;
      for (c = 0; c < ncells; c++) {
        unsigned char *cell = page + (h[8 + 2 * c] << 8 | h[9 + 2 * c]);
        size_t a, b;
        uint64_t payload = get_varint (cell, &a);
        unsigned char *rec;

        get_varint (cell + a, &b);
        rec = cell + a + b;
        if (pass == 0 && payload == 5 + SHARED_BIG)
          first = (uint32_t)rec[103] << 24 | (uint32_t)rec[104] << 16
                  | (uint32_t)rec[105] << 8 | rec[106];
        if (pass == 1 && payload == 5 + SHARED_SMALL && a == 3 && rec[0] == 5) {
          put_varint3 (cell, 5 + SHARED_BIG);
          put_varint3 (rec + 2, 2 * SHARED_BIG + 12);
          rec[103] = (unsigned char)(first >> 24);
          rec[104] = (unsigned char)(first >> 16);
          rec[105] = (unsigned char)(first >> 8);
          rec[106] = (unsigned char)first;
          patched++;
        }
      }
    }
  if (!first || patched != (size_t)n - 1) {
    printf ("Bail out! could not patch the cells (%zu of %d)\n", patched,
            n - 1);
    exit (1);
  }
  return d;
}

/* What SQLite, without vmscan's checks, says the rows of d add up to. */
static int64_t
claimed_bytes (const unsigned char *d, size_t len)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *s = NULL;
  unsigned char *copy = sqlite3_malloc64 (len);
  int64_t n = -1;

  memcpy (copy, d, len);
  sqlite3_open (":memory:", &db);
  if (sqlite3_deserialize (
          db, "main", copy, (sqlite3_int64)len, (sqlite3_int64)len,
          SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY)
          == SQLITE_OK
      && sqlite3_prepare_v2 (db, "SELECT sum(length(blob)) FROM Packages", -1,
                             &s, NULL)
             == SQLITE_OK
      && sqlite3_step (s) == SQLITE_ROW)
    n = sqlite3_column_int64 (s, 0);
  sqlite3_finalize (s);
  sqlite3_close (db);
  return n;
}

static void
test_sqlite_shared (void)
{
  uint64_t ticks[3];
  int refused = 1, claims = 1, k;
  char *first = NULL;

  for (k = 0; k < 3; k++) {
    int n = 50 << k;
    size_t len;
    unsigned char *d = make_shared (n, &len);
    struct rows R;
    char *err;

    claims &= claimed_bytes (d, len) == (int64_t)n * SHARED_BIG
              && (size_t)n * SHARED_BIG > 20 * len;
    err = walk_db (d, len, &R, NULL, &ticks[k]);
    refused &= err && strstr (err, "2nd reference to page") && R.n == 0;
    if (!first)
      first = err;
    else
      free (err);
    free (d);
  }
  tap_ok (claims, "rpmsqlite: the crafted files claim over 20 times their "
                  "size in blobs (SQLite's own sum)");
  tap_ok (refused,
          "rpmsqlite: rows sharing one overflow chain are refused before a "
          "row is read (%s)",
          first ? first : "read");
  tap_ok (linear (ticks, 1000),
          "rpmsqlite: shared chains: ticks %llu, %llu, %llu",
          (unsigned long long)ticks[0], (unsigned long long)ticks[1],
          (unsigned long long)ticks[2]);
  free (first);
}

/* A stop request ends a header's parse. */
static void
test_rpm_stop (void)
{
  struct blob b;
  struct vs_rpm_header h;
  const char *err = NULL;
  size_t len = pkg_blob (&b, 7);
  int r;

  vs_stop_request ("unit test");
  r = vs_rpm_header_parse (b.b, len, &h, &err);
  vs_stop_reset ();
  tap_ok (r == -1 && err && strcmp (err, "stopped") == 0,
          "rpm: a stop request ends a header's parse (%s)", err ? err : "-");
}

/* ---- pkgdb.c on crafted guest trees ---- */

/* One evidence database for the tests below; each load's errors are
 * those after the mark. */
static struct vs_store *pk_store;
static char pk_dir[] = "/tmp/vmscan-pkgdbt-XXXXXX";

static void
pk_setup (void)
{
  struct vs_scan_info info;
  char *dbp, *err = NULL;

  if (!mkdtemp (pk_dir)) {
    printf ("Bail out! mkdtemp\n");
    exit (1);
  }
  dbp = vs_xasprintf ("%s/e.db", pk_dir);
  memset (&info, 0, sizeof info);
  info.tool_version = "test";
  info.command_line = "unit-pkgdb";
  if (vs_store_create (dbp, 0, &pk_store, &err) == -1
      || vs_store_begin_scan (pk_store, &info) == -1) {
    printf ("Bail out! store: %s\n", err ? err : "-");
    exit (1);
  }
  free (dbp);
}

static void
pk_teardown (void)
{
  char *cmd = vs_xasprintf ("rm -rf '%s'", pk_dir);

  vs_store_free (pk_store);
  if (system (cmd) != 0)
    printf ("# cannot remove %s\n", pk_dir);
  free (cmd);
}

/* Writes path (under the guest root root) with parents. */
static void
tree_write (const char *root, const char *path, const void *data, size_t len)
{
  char *p = vs_xasprintf ("%s%s", root, path), *s;
  FILE *fp;

  for (s = p + strlen (root) + 1; (s = strchr (s, '/')) != NULL; s++) {
    *s = '\0';
    mkdir (p, 0755);
    *s = '/';
  }
  fp = fopen (p, "wb");
  if (!fp || fwrite (data, 1, len, fp) != len || fclose (fp) != 0) {
    printf ("Bail out! cannot write %s\n", p);
    exit (1);
  }
  free (p);
}

/* A new empty guest root. */
static char *
tree_new (void)
{
  static int n;
  char *root = vs_xasprintf ("%s/root%d", pk_dir, n++);

  if (mkdir (root, 0755) == -1) {
    printf ("Bail out! mkdir %s\n", root);
    exit (1);
  }
  return root;
}

struct pk_load {
  struct vs_pkgdb *db;
  char *note;
  char *errors; /* the errors rows' messages, " | " between */
  uint64_t ticks;
};

/* Loads the package database of the guest at root (package format fmt),
 * counting its ticks and collecting the errors it recorded. */
static void
pk_load (const char *root, const char *fmt, struct pk_load *out)
{
  struct vs_check_ctx ctx;
  struct vs_os os;
  sqlite3_stmt *s = NULL;
  int64_t mark = 0;
  uint64_t t0;

  memset (out, 0, sizeof *out);
  memset (&ctx, 0, sizeof ctx);
  memset (&os, 0, sizeof os);
  os.type = (char *)"linux";
  os.package_format = (char *)fmt;
  ctx.store = pk_store;
  ctx.db = vs_store_db (pk_store);
  ctx.scan_id = vs_store_scan_id (pk_store);
  ctx.os = &os;
  ctx.guest = vs_guest_new ();
  vs_guest_add_mount (ctx.guest, "/", root);
  if (sqlite3_prepare_v2 (ctx.db, "SELECT coalesce(max(id), 0) FROM errors", -1,
                          &s, NULL)
          == SQLITE_OK
      && sqlite3_step (s) == SQLITE_ROW)
    mark = sqlite3_column_int64 (s, 0);
  sqlite3_finalize (s);
  t0 = vs_ticks ();
  if (vs_pkgdb_load (ctx.guest, ctx.os, vs_check_pkgdb_error, &ctx, &out->db, &out->note) == -1)
    printf ("# vs_pkgdb_load failed\n");
  out->ticks = vs_ticks () - t0;
  if (sqlite3_prepare_v2 (ctx.db,
                          "SELECT coalesce(group_concat(message, ' | '), '') "
                          "FROM errors WHERE id > ?1",
                          -1, &s, NULL)
          == SQLITE_OK
      && sqlite3_bind_int64 (s, 1, mark) == SQLITE_OK
      && sqlite3_step (s) == SQLITE_ROW)
    out->errors = vs_xstrdup ((const char *)sqlite3_column_text (s, 0));
  else
    out->errors = vs_xstrdup ("?");
  sqlite3_finalize (s);
  vs_guest_free (ctx.guest);
}

static void
pk_load_free (struct pk_load *l)
{
  vs_pkgdb_free (l->db);
  free (l->note);
  free (l->errors);
  memset (l, 0, sizeof *l);
}

/* The owners of path, in chain order, as "pkg1 pkg2 ..." checked against
 * pkg1..pkgn; returns how many matched in order. */
static size_t
owners_in_order (const struct vs_pkgdb *db, const char *path, size_t n)
{
  const struct vs_pkg_file *f;
  size_t i = 0;

  for (f = vs_pkgdb_lookup (db, path, strlen (path)); f;
       f = vs_pkgdb_next_owner (db, f)) {
    char want[32];

    snprintf (want, sizeof want, "pkg%zu", i + 1);
    if (i >= n || strcmp (f->package, want) != 0)
      return 0;
    i++;
  }
  return i;
}

/* Whether the owners of path are pkg1..pkgn, each once in any order,
 * each (when md5) with the digest "%032x" of its number. */
static int
owners_each_once (const struct vs_pkgdb *db, const char *path, size_t n,
                  int md5)
{
  const struct vs_pkg_file *f;
  unsigned char *seen = vs_xcalloc (n + 1, 1);
  size_t count = 0, i;
  int ok = 1;

  for (f = vs_pkgdb_lookup (db, path, strlen (path)); f && ok;
       f = vs_pkgdb_next_owner (db, f)) {
    char want[33];

    ok = sscanf (f->package, "pkg%zu", &i) == 1 && i >= 1 && i <= n && !seen[i];
    if (ok && md5) {
      snprintf (want, sizeof want, "%032zx", i);
      ok = f->digest && strcmp (f->digest, want) == 0;
    }
    if (ok)
      seen[i] = 1;
    count++;
  }
  free (seen);
  return ok && count == n;
}

/* Package "pkg<i>" owning four shared paths and one of its own. */
static size_t
shared_blob (struct blob *b, int i)
{
  static const char dirs[] = "/usr/share/shared/\0/usr/share/own/";
  static const unsigned char idx[20]
      = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
  char name[32], bases[64];
  int bl;

  memset (b, 0, sizeof *b);
  snprintf (name, sizeof name, "pkg%d", i);
  bl = snprintf (bases, sizeof bases, "f0%cf1%cf2%cf3%cown%d", 0, 0, 0, 0, i);
  add_tag (b, 1000, 6, 1, name, strlen (name) + 1);
  add_tag (b, 1118, 8, 2, dirs, sizeof dirs);
  add_tag (b, 1117, 8, 5, bases, (size_t)bl + 1);
  add_tag (b, 1116, 4, 5, idx, sizeof idx);
  return finish (b);
}

/* The review's reproducer for add_owned: thousands of packages that all
 * own the same paths (rpm, where every installed instance is its own
 * owner), at 3000, 6000 and 12000 packages. */
static void
test_pkgdb_owners_rpm (void)
{
  uint64_t ticks[3];
  int ok = 1, k;

  for (k = 0; k < 3; k++) {
    size_t n = (size_t)3000 << k, len;
    unsigned char *d = make_db_with (4096, rpm_schema, rpm_insert, (int)n, 0,
                                     NULL, shared_blob, &len);
    char *root = tree_new ();
    struct pk_load l;

    tree_write (root, "/var/lib/rpm/rpmdb.sqlite", d, len);
    pk_load (root, "rpm", &l);
    ticks[k] = l.ticks;
    ok &= l.db && vs_pkgdb_packages (l.db) == n
          && vs_pkgdb_count (l.db) == 5 * n
          && owners_in_order (l.db, "/usr/share/shared/f0", n) == n
          && owners_in_order (l.db, "/usr/share/shared/f3", n) == n
          && vs_pkgdb_lookup (l.db, "/usr/share/own/own7", 19);
    if (!ok)
      printf ("# %zu packages: note %s, errors %s\n", n, l.note ? l.note : "-",
              l.errors);
    pk_load_free (&l);
    free (root);
    free (d);
  }
  tap_ok (ok, "pkgdb: 3000, 6000, 12000 rpm packages owning the same 4 paths: "
              "every owner chained, in order");
  tap_ok (linear (ticks, 10000),
          "pkgdb: owners added in O(1): ticks %llu, %llu, %llu",
          (unsigned long long)ticks[0], (unsigned long long)ticks[1],
          (unsigned long long)ticks[2]);
}

/* The same for dpkg, where the .md5sums pass finds each package's own
 * entry of a shared path again: each gets its own digest. */
static void
test_pkgdb_owners_dpkg (void)
{
  uint64_t ticks[3];
  int ok = 1, k;

  for (k = 0; k < 3; k++) {
    size_t n = (size_t)250 << k, i;
    char *root = tree_new ();
    struct vs_buf status = VS_BUF_INIT;
    struct pk_load l;

    for (i = 1; i <= n; i++) {
      char *path, *sums;
      static const char list[] = "/usr/share/shared/a\n/usr/share/shared/b\n";

      vs_buf_addf (&status,
                   "Package: pkg%zu\nStatus: install ok installed\n"
                   "\n",
                   i);
      path = vs_xasprintf ("/var/lib/dpkg/info/pkg%zu.list", i);
      tree_write (root, path, list, sizeof list - 1);
      free (path);
      path = vs_xasprintf ("/var/lib/dpkg/info/pkg%zu.md5sums", i);
      sums = vs_xasprintf ("%032zx  usr/share/shared/a\n", i);
      tree_write (root, path, sums, strlen (sums));
      free (sums);
      free (path);
    }
    tree_write (root, "/var/lib/dpkg/status", status.data, status.len);
    pk_load (root, "deb", &l);
    ticks[k] = l.ticks;
    /* The chain follows the order of info/, not of the names. */
    ok &= l.db && vs_pkgdb_packages (l.db) == n
          && owners_each_once (l.db, "/usr/share/shared/a", n, 1)
          && owners_each_once (l.db, "/usr/share/shared/b", n, 0);
    if (!ok)
      printf ("# %zu packages: note %s, errors %s\n", n, l.note ? l.note : "-",
              l.errors);
    pk_load_free (&l);
    vs_buf_release (&status);
    free (root);
  }
  tap_ok (ok, "pkgdb: 250, 500, 1000 dpkg packages sharing 2 paths: every "
              "owner chained once, each with its own md5");
  tap_ok (linear (ticks, 10000), "pkgdb: dpkg owners: ticks %llu, %llu, %llu",
          (unsigned long long)ticks[0], (unsigned long long)ticks[1],
          (unsigned long long)ticks[2]);
}

/* FNV-1a, 32 bits, from state h: the hash pkgdb.c used to use. */
static uint32_t
fnv1a (uint32_t h, const char *p, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++) {
    h ^= (unsigned char)p[i];
    h *= 16777619u;
  }
  return h;
}

#define BLOCK 8

/* Finds two different blocks of BLOCK printable bytes that take FNV-1a
 * from state h to the same state: a birthday search over pseudo-random
 * blocks, which finds one in about 2^16 tries.  Returns that state. */
static uint32_t
fnv_collide (uint32_t h, char a[BLOCK], char b[BLOCK])
{
  enum { BITS = 20 };
  struct entry {
    uint32_t out;
    int used;
    char blk[BLOCK];
  } *t = vs_xcalloc ((size_t)1 << BITS, sizeof *t);
  static uint64_t x = 88172645463325252ULL; /* xorshift state */
  uint32_t r = 0;
  size_t tries;

  for (tries = 0; tries < (size_t)1 << (BITS - 1); tries++) {
    char blk[BLOCK];
    uint32_t out;
    size_t slot;
    int i;

    for (i = 0; i < BLOCK; i++) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      blk[i] = (char)('0' + x % 75);
      if (blk[i] == '/')
        blk[i] = '_';
    }
    out = fnv1a (h, blk, BLOCK);
    for (slot = out & ((1u << BITS) - 1); t[slot].used;
         slot = (slot + 1) & ((1u << BITS) - 1))
      if (t[slot].out == out)
        break;
    if (t[slot].used) {
      if (memcmp (t[slot].blk, blk, BLOCK) == 0)
        continue;
      memcpy (a, t[slot].blk, BLOCK);
      memcpy (b, blk, BLOCK);
      r = out;
      break;
    }
    t[slot].used = 1;
    t[slot].out = out;
    memcpy (t[slot].blk, blk, BLOCK);
  }
  free (t);
  if (!r) {
    printf ("Bail out! no FNV-1a collision found\n");
    exit (1);
  }
  return r;
}

/* 2^k paths "/d/..." that all have one FNV-1a value (Joux's
 * multicollision: k colliding pairs of blocks, one chosen from each). */
static char **
fnv_paths (int k, uint32_t *hash)
{
  char (*pairs)[2][BLOCK] = vs_xcalloc ((size_t)k, sizeof *pairs);
  char **v = vs_xcalloc ((size_t)1 << k, sizeof *v);
  uint32_t h = fnv1a (2166136261u, "/d/", 3);
  size_t m;
  int i;

  for (i = 0; i < k; i++)
    h = fnv_collide (h, pairs[i][0], pairs[i][1]);
  for (m = 0; m < (size_t)1 << k; m++) {
    char *p = vs_xmalloc (3 + (size_t)k * BLOCK + 1);

    memcpy (p, "/d/", 3);
    for (i = 0; i < k; i++)
      memcpy (p + 3 + i * BLOCK, pairs[i][(m >> i) & 1], BLOCK);
    p[3 + k * BLOCK] = '\0';
    v[m] = p;
  }
  free (pairs);
  *hash = h;
  return v;
}

/* Paths crafted to share one FNV-1a hash would make an unkeyed table
 * walk all of them on every insertion. */
static void
test_pkgdb_flood (void)
{
  uint64_t ticks[3];
  int ok = 1, same = 1, k;

  for (k = 0; k < 3; k++) {
    int bits = 11 + k;
    size_t n = (size_t)1 << bits, i;
    uint32_t h;
    char **paths = fnv_paths (bits, &h);
    char *root = tree_new ();
    struct vs_buf list = VS_BUF_INIT;
    static const char status[]
        = "Package: flood\nStatus: install ok installed\n\n";
    struct pk_load l;

    for (i = 0; i < n; i++) {
      same &= fnv1a (2166136261u, paths[i], strlen (paths[i])) == h;
      vs_buf_addf (&list, "%s\n", paths[i]);
    }
    tree_write (root, "/var/lib/dpkg/status", status, sizeof status - 1);
    tree_write (root, "/var/lib/dpkg/info/flood.list", list.data, list.len);
    pk_load (root, "deb", &l);
    ticks[k] = l.ticks;
    ok &= l.db && vs_pkgdb_count (l.db) == n
          && vs_pkgdb_lookup (l.db, paths[n - 1], strlen (paths[n - 1]));
    pk_load_free (&l);
    vs_buf_release (&list);
    for (i = 0; i < n; i++)
      free (paths[i]);
    free (paths);
    free (root);
  }
  tap_ok (same && ok, "pkgdb: 2048, 4096, 8192 paths of one FNV-1a hash all "
                      "loaded");
  tap_ok (linear (ticks, 10000), "pkgdb: keyed hashing: ticks %llu, %llu, %llu",
          (unsigned long long)ticks[0], (unsigned long long)ticks[1],
          (unsigned long long)ticks[2]);
}

/* Refusals and stops reach the errors table and leave no database. */
static void
test_pkgdb_refusals (void)
{
  size_t len, npages = 16, pg;
  unsigned char *d;
  char *root;
  struct pk_load l;
  uint32_t key = 1;
  static const char status[] = "Package: p\nStatus: install ok installed\n\n";

  d = make_db (4096, rpm_schema, rpm_insert, 10, 0, "CREATE VIEW v AS SELECT 1",
               &len);
  root = tree_new ();
  tree_write (root, "/var/lib/rpm/rpmdb.sqlite", d, len);
  pk_load (root, "rpm", &l);
  tap_ok (!l.db && l.note && strstr (l.note, "has a view")
              && strstr (l.errors, "rpm: /var/lib/rpm/rpmdb.sqlite: refused: "
                                   "the schema has a view (v)"),
          "pkgdb: an rpmdb with a view: no database, an errors row (%s)",
          l.errors);
  pk_load_free (&l);
  free (root);
  free (d);

  d = vs_xcalloc (npages, 4096);
  bdb_meta (d, 4096);
  bdb_overflow (d, 4096, 1, 1, 4096 - 26);
  for (pg = 2; pg < npages; pg++)
    bdb_hash_page (d, 4096, (uint32_t)pg, 1, 20000, (size_t)-1, &key);
  root = tree_new ();
  tree_write (root, "/var/lib/rpm/Packages", d, npages * 4096);
  pk_load (root, "rpm", &l);
  tap_ok (!l.db && l.note
              && strstr (l.errors, "entries of /var/lib/rpm/Packages "
                                   "unreadable (overflow page 1 reached "
                                   "twice"),
          "pkgdb: a Berkeley DB rpmdb's shared overflow page is named in "
          "the errors (%s)",
          l.errors);
  pk_load_free (&l);
  free (root);
  free (d);

  root = tree_new ();
  tree_write (root, "/var/lib/dpkg/status", status, sizeof status - 1);
  tree_write (root, "/var/lib/dpkg/info/p.list", "/usr/bin/p\n", 11);
  vs_stop_request ("unit test");
  pk_load (root, "deb", &l);
  vs_stop_reset ();
  tap_ok (!l.db && l.note && strstr (l.note, "reading stopped")
              && strstr (l.errors, "package database: reading stopped "
                                   "(unit test)"),
          "pkgdb: a stop request: no database, an errors row (%s; %s)",
          l.errors, l.note ? l.note : "-");
  pk_load_free (&l);
  free (root);
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
  i = vs_pkgdb_load (ctx.guest, ctx.os, vs_check_pkgdb_error, &ctx, &db, &note) == 0 && db
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
  tap_plan (61);
  test_status ();
  test_lines ();
  test_rpm ();
  test_dpkg_ticks ();
  test_bdb_selfloop ();
  test_bdb_cycle ();
  test_bdb_real ();
  test_sqlite_good ();
  test_sqlite_hostile ();
  test_sqlite_disguised ();
  test_sqlite_shared ();
  test_rpm_stop ();
  pk_setup ();
  test_pkgdb_owners_rpm ();
  test_pkgdb_owners_dpkg ();
  test_pkgdb_flood ();
  test_pkgdb_refusals ();
  pk_teardown ();
  test_host ();
  return tap_done ();
}
