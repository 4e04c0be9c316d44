/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the cyclonedx and spdx reports, software bills of materials
 * made from the package inventory (the packages and operating_systems
 * tables, schema version 6).
 *
 * Both documents say the same thing in two vocabularies: the machine,
 * each operating system found on it, and the packages installed in each
 * OS, tied to it and named by a package URL (purl) that vulnerability
 * scanners match against their feeds.  A package is installed when it
 * is an rpm row, or a deb row whose Status has "installed" as its third
 * and last word (dpkg's state, whatever is wanted of the package: a
 * held package is installed too); half-installed, unpacked,
 * half-configured and triggers-* packages are left out, and the
 * packages table never holds not-installed or config-files ones.
 *
 * Everything is read from the database and nothing else, so the output
 * is the same bytes for the same database: operating systems in id
 * order, packages by OS, then name, architecture, version and id
 * (bytewise), and identifiers derived from the scan, never random.
 * The document's UUID is an RFC 4122 version 5 UUID (SHA-1, name-based)
 * in vmscan's own namespace UUID below, of the name
 * "FORMAT\nSTARTED_AT\nHOST\nSHA256\n...[UUID\n]" (the format name,
 * the scan's start time and host, each image's SHA-256 in disk order,
 * "-" for one not recorded, and the scan's own random uuid where the
 * database has one, schema version 7): the two formats of one scan get
 * different UUIDs, two reports of one database the same.  Components and SPDX elements
 * are named by database ids (os-ID, package-ID), so they are unique
 * whatever the guest's names hold.
 *
 * Guest strings (names, versions, architectures, distro, hostnames)
 * are hostile: JSON strings go through vs_buf_add_json_string (bad
 * UTF-8 as U+FFFD), purls percent-encode every byte outside the
 * characters the purl specification lets stand, and SPDX identifiers
 * keep only [A-Za-z0-9.-] of a name, after the unique id.
 */
#include <config.h>

#include <inttypes.h>
#include <string.h>

#include "report/int.h"
#include "base/ascii.h"
#include "base/hash.h"

/* vmscan's namespace for name-based UUIDs (RFC 4122, section 4.3):
 * e198ae4d-f352-4ca2-953b-a4ff261e6a03. */
static const unsigned char uuid_namespace[16] = {
  0xe1, 0x98, 0xae, 0x4d, 0xf3, 0x52, 0x4c, 0xa2,
  0x95, 0x3b, 0xa4, 0xff, 0x26, 0x1e, 0x6a, 0x03,
};

/* The columns of the model's operating systems (model.c, OSES_SQL). */
enum { OS_ID, OS_ROOT, OS_TYPE, OS_DISTRO, OS_PRODUCT, OS_MAJOR, OS_MINOR,
       OS_HOSTNAME, OS_ARCH, OS_NCOLS };

/* The columns of the model's images (model.c, IMAGES_SQL). */
enum { IMG_PATH = 2, IMG_SHA256 = 7 };

/* Bytes of a guest name kept in an SPDX identifier. */
#define SPDXID_NAME_MAX 64

/* The most warnings a document carries. */
#define MAX_WARNINGS 4

struct os {
  int64_t id;
  char *ns;                     /* the distro, lowercased; NULL if none */
  char *version;                /* as os-release's VERSION_ID; or NULL */
  char *distro_q;               /* the purl's distro qualifier, or NULL */
};

struct sbom {
  struct vs_report *r;
  int spdx;
  struct os *os;
  size_t nos;
  char uuid[37];
  char created[32];             /* ISO 8601, "" when the scan has none */
  struct vs_buf machine;        /* the machine's name */
  char *warnings[MAX_WARNINGS];
  size_t nwarnings;
  int64_t *orphans;             /* packages of no OS, by id */
  size_t norphans, orphans_alloc;
  /* While a list is written: its items so far, and the OS whose
   * dependencies or relationships are being written. */
  size_t nitems;
  const struct os *cur;
};

/* One installed package, valid during the callback. */
struct pkg {
  int64_t id;
  const struct os *os;          /* NULL when it belongs to no known OS */
  const char *format;           /* "deb" or "rpm" */
  const char *name, *version, *arch, *status;
  size_t name_len, version_len, arch_len, status_len;
};

#define PACKAGES_SQL \
  "SELECT p.id, o.id, p.format, p.name, p.version, p.arch, p.status " \
  "FROM packages p LEFT JOIN operating_systems o ON o.id = p.os_id " \
  "WHERE p.format IN ('deb', 'rpm') " \
  "ORDER BY o.id IS NULL, o.id, p.name, p.arch, p.version, p.id"

/* ---- package URLs --------------------------------------------------- */

/* Appends len bytes of s as a purl component: the characters the purl
 * specification never encodes (letters, digits, ".-_~" and ':') as
 * they are, every other byte as %XX; with lower, ASCII capitals
 * lowercased first. */
static void
add_purl_part (struct vs_buf *b, const char *s, size_t len, int lower)
{
  static const char hex[] = "0123456789ABCDEF";
  size_t i;

  for (i = 0; i < len; i++) {
    char c = lower ? vs_ascii_lower (s[i]) : s[i];
    unsigned char u = (unsigned char) c;

    if (vs_ascii_alnum (c) || c == '.' || c == '-' || c == '_' || c == '~'
        || c == ':')
      vs_buf_addc (b, c);
    else {
      vs_buf_addc (b, '%');
      vs_buf_addc (b, hex[u >> 4]);
      vs_buf_addc (b, hex[u & 15]);
    }
  }
}

/* Appends one qualifier, "&" first unless it is the first one. */
static void
add_qualifier (struct vs_buf *b, int *nq, const char *key, const char *v,
               size_t len)
{
  if (!v || len == 0)
    return;
  vs_buf_addc (b, (*nq)++ ? '&' : '?');
  vs_buf_adds (b, key);
  vs_buf_addc (b, '=');
  add_purl_part (b, v, len, 0);
}

void
vs_rep_purl (struct vs_buf *b, const struct vs_rep_purl *p)
{
  int deb = strcmp (p->type, "deb") == 0, nq = 0;
  const char *v = p->version, *epoch = NULL;
  size_t vlen = p->version ? p->version_len : 0, elen = 0, i;

  /* rpm's [epoch:]version-release: the epoch is a qualifier. */
  if (!deb && v) {
    for (i = 0; i < vlen && vs_ascii_digit (v[i]); i++)
      ;
    if (i > 0 && i < vlen && v[i] == ':') {
      epoch = v;
      elen = i;
      v += i + 1;
      vlen -= i + 1;
    }
  }
  vs_buf_adds (b, "pkg:");
  vs_buf_adds (b, p->type);
  vs_buf_addc (b, '/');
  if (p->ns && p->ns_len) {
    add_purl_part (b, p->ns, p->ns_len, 1);
    vs_buf_addc (b, '/');
  }
  add_purl_part (b, p->name ? p->name : "", p->name ? p->name_len : 0, deb);
  if (vlen) {
    vs_buf_addc (b, '@');
    add_purl_part (b, v, vlen, 0);
  }
  /* Sorted by key. */
  add_qualifier (b, &nq, "arch", p->arch, p->arch ? p->arch_len : 0);
  add_qualifier (b, &nq, "distro", p->distro,
                 p->distro ? strlen (p->distro) : 0);
  add_qualifier (b, &nq, "epoch", epoch, elen);
}

static void
pkg_purl (struct vs_buf *b, const struct pkg *k)
{
  struct vs_rep_purl p = {
    .type = k->format,
    .ns = k->os ? k->os->ns : NULL,
    .ns_len = k->os && k->os->ns ? strlen (k->os->ns) : 0,
    .name = k->name, .name_len = k->name_len,
    .version = k->version, .version_len = k->version_len,
    .arch = k->arch, .arch_len = k->arch_len,
    .distro = k->os ? k->os->distro_q : NULL,
  };

  vs_rep_purl (b, &p);
}

/* ---- what both formats share ---------------------------------------- */

/* Whether a deb's Status says installed: three words, the last one
 * "installed". */
static int
deb_installed (const char *s, size_t n)
{
  size_t i = 0, words = 0, start = 0, end = 0;

  while (i < n) {
    while (i < n && (vs_ascii_blank (s[i]) || s[i] == '\n' || s[i] == '\r'))
      i++;
    if (i == n)
      break;
    start = i;
    while (i < n && !vs_ascii_blank (s[i]) && s[i] != '\n' && s[i] != '\r')
      i++;
    end = i;
    words++;
  }
  return words == 3 && end - start == 9
    && memcmp (s + start, "installed", 9) == 0;
}

/* The version as os-release's VERSION_ID says it, from the major and
 * minor numbers the OS detection kept: Ubuntu's minor has two digits
 * ("22.04"), Debian's VERSION_ID is the major alone ("12"), others have
 * ".MINOR" when it is not 0 ("9.3", "39"). */
static char *
os_version (const char *distro, const struct vs_rep_value *major,
            const struct vs_rep_value *minor)
{
  long long ma, mi;

  if (major->type != SQLITE_INTEGER)
    return NULL;
  ma = (long long) major->i;
  mi = minor->type == SQLITE_INTEGER ? (long long) minor->i : 0;
  if (distro && strcmp (distro, "ubuntu") == 0)
    return vs_xasprintf ("%lld.%02lld", ma, mi);
  if ((distro && strcmp (distro, "debian") == 0) || mi == 0)
    return vs_xasprintf ("%lld", ma);
  return vs_xasprintf ("%lld.%lld", ma, mi);
}

/* Whether s is an ISO 8601 UTC time as vmscan stores them
 * ("2026-11-26T23:59:59Z"). */
static int
iso_time (const struct vs_rep_value *v)
{
  static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
  size_t i;

  if (!v || !v->s || v->len != sizeof shape - 1)
    return 0;
  for (i = 0; i < v->len; i++)
    if (shape[i] == 'd' ? !vs_ascii_digit (v->s[i]) : v->s[i] != shape[i])
      return 0;
  return 1;
}

static void
warn (struct sbom *s, char *msg)
{
  vs_warn ("%s report: %s", s->spdx ? "spdx" : "cyclonedx", msg);
  if (s->nwarnings < MAX_WARNINGS)
    s->warnings[s->nwarnings++] = msg;
  else
    free (msg);
}

/* The document's UUID (see the head of this file). */
static void
make_uuid (struct sbom *s)
{
  const struct vs_rep_model *m = &s->r->m;
  const struct vs_rep_value *v;
  struct vs_hash h;
  char md5[33], sha1[41], sha256[65];
  unsigned char u[16];
  const char *fmt = s->spdx ? "spdx" : "cyclonedx";
  size_t i;

  vs_hash_init (&h);
  vs_hash_update (&h, uuid_namespace, sizeof uuid_namespace);
  vs_hash_update (&h, fmt, strlen (fmt));
  vs_hash_update (&h, "\n", 1);
  if ((v = vs_rep_scan (m, "started_at")) && v->s)
    vs_hash_update (&h, v->s, v->len);
  vs_hash_update (&h, "\n", 1);
  if ((v = vs_rep_scan (m, "host")) && v->s)
    vs_hash_update (&h, v->s, v->len);
  vs_hash_update (&h, "\n", 1);
  for (i = 0; i < m->images.nrows; i++) {
    v = m->images.ncols > IMG_SHA256
      ? vs_rep_cell (&m->images, i, IMG_SHA256) : NULL;
    if (v && v->s)
      vs_hash_update (&h, v->s, v->len);
    else
      vs_hash_update (&h, "-", 1);
    vs_hash_update (&h, "\n", 1);
  }
  if ((v = vs_rep_scan (m, "uuid")) && v->s) {
    vs_hash_update (&h, v->s, v->len);
    vs_hash_update (&h, "\n", 1);
  }
  vs_hash_final (&h, md5, sha1, sha256);
  for (i = 0; i < 16; i++) {
    unsigned hi = (unsigned) (sha1[2 * i] <= '9' ? sha1[2 * i] - '0'
                              : sha1[2 * i] - 'a' + 10);
    unsigned lo = (unsigned) (sha1[2 * i + 1] <= '9' ? sha1[2 * i + 1] - '0'
                              : sha1[2 * i + 1] - 'a' + 10);

    u[i] = (unsigned char) (hi << 4 | lo);
  }
  u[6] = (unsigned char) ((u[6] & 0x0f) | 0x50);     /* version 5 */
  u[8] = (unsigned char) ((u[8] & 0x3f) | 0x80);     /* RFC 4122 variant */
  snprintf (s->uuid, sizeof s->uuid, "%02x%02x%02x%02x-%02x%02x-%02x%02x-"
            "%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3],
            u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
            u[14], u[15]);
}

/* Loads the operating systems, the machine's name, the times, the UUID
 * and the warnings. */
static int
sbom_load (struct sbom *s)
{
  struct vs_report *r = s->r;
  const struct vs_rep_model *m = &r->m;
  const struct vs_rep_table *t = &m->oses;
  const struct vs_rep_value *v;
  size_t i;

  if (t->nrows && t->ncols < OS_NCOLS)
    return vs_rep_sql_error (r, "cannot read the operating systems");
  s->os = vs_xcalloc (t->nrows ? t->nrows : 1, sizeof *s->os);
  s->nos = t->nrows;
  for (i = 0; i < t->nrows; i++) {
    struct os *o = &s->os[i];
    char *c;

    o->id = vs_rep_cell (t, i, OS_ID)->i;
    v = vs_rep_cell (t, i, OS_DISTRO);
    if (v->s && v->len) {
      o->ns = vs_xstrndup (v->s, v->len);
      for (c = o->ns; *c; c++)
        *c = vs_ascii_lower (*c);
      if (!*o->ns) {
        free (o->ns);
        o->ns = NULL;
      }
    }
    o->version = os_version (o->ns, vs_rep_cell (t, i, OS_MAJOR),
                             vs_rep_cell (t, i, OS_MINOR));
    if (o->ns)
      o->distro_q = o->version ? vs_xasprintf ("%s-%s", o->ns, o->version)
        : vs_xstrdup (o->ns);
    /* The machine is named for the first hostname. */
    v = vs_rep_cell (t, i, OS_HOSTNAME);
    if (s->machine.len == 0 && v->s && v->len)
      vs_buf_add (&s->machine, v->s, v->len);
  }
  if (s->machine.len == 0 && m->images.nrows
      && m->images.ncols > IMG_PATH
      && (v = vs_rep_cell (&m->images, 0, IMG_PATH))->s && v->len) {
    const char *base = v->s + v->len;

    while (base > v->s && base[-1] != '/')
      base--;
    vs_buf_add (&s->machine, base, (size_t) (v->s + v->len - base));
  }
  if (s->machine.len == 0)
    vs_buf_adds (&s->machine, "unknown machine");

  v = vs_rep_scan (m, "finished_at");
  if (!iso_time (v))
    v = vs_rep_scan (m, "started_at");
  if (iso_time (v))
    memcpy (s->created, v->s, v->len + 1);
  make_uuid (s);

  if (!r->complete)
    warn (s, vs_xasprintf ("the scan is not complete (status %s): packages "
                           "may be missing", r->status));
  if (r->schema_version < 6)
    warn (s, vs_xasprintf ("the database is of schema version %d, which "
                           "has no packages table: no package is listed",
                           r->schema_version));
  else if (s->nos == 0)
    warn (s, vs_xstrdup ("the scan found no operating system: no package "
                         "is listed"));
  else if (vs_rep_int (r, "SELECT count (*) FROM check_runs WHERE os_id "
                       "IS NOT NULL", 0) == 0)
    warn (s, vs_xstrdup ("the scan ran no checks on its operating systems "
                         "(--no-checks?): it recorded no packages"));
  return r->errmsg ? -1 : 0;
}

static void
sbom_free (struct sbom *s)
{
  size_t i;

  for (i = 0; i < s->nos; i++) {
    free (s->os[i].ns);
    free (s->os[i].version);
    free (s->os[i].distro_q);
  }
  free (s->os);
  for (i = 0; i < s->nwarnings; i++)
    free (s->warnings[i]);
  free (s->orphans);
  vs_buf_release (&s->machine);
}

static const struct os *
find_os (const struct sbom *s, int64_t id)
{
  size_t lo = 0, hi = s->nos;

  /* s->os is in id order (OSES_SQL). */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;

    if (s->os[mid].id == id)
      return &s->os[mid];
    if (s->os[mid].id < id)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

/* Calls fn for each installed package, in document order.  Returns 0,
 * or -1 (an SQLite error recorded in r, or fn's -1). */
static int
each_package (struct sbom *s, int (*fn) (struct sbom *s,
                                         const struct pkg *k))
{
  sqlite3_stmt *st;
  int rc;

  if (s->r->schema_version < 6)
    return 0;
  if (!(st = vs_rep_prepare (s->r, PACKAGES_SQL)))
    return -1;
  while ((rc = vs_rep_step (s->r, st)) == 1) {
    struct pkg k;
    size_t flen;
    const char *f = vs_rep_col (st, 2, &flen);

    memset (&k, 0, sizeof k);
    k.id = sqlite3_column_int64 (st, 0);
    k.os = sqlite3_column_type (st, 1) == SQLITE_NULL ? NULL
      : find_os (s, sqlite3_column_int64 (st, 1));
    k.format = f && flen == 3 && memcmp (f, "deb", 3) == 0 ? "deb" : "rpm";
    k.name = vs_rep_col (st, 3, &k.name_len);
    k.version = vs_rep_col (st, 4, &k.version_len);
    k.arch = vs_rep_col (st, 5, &k.arch_len);
    k.status = vs_rep_col (st, 6, &k.status_len);
    /* A purl needs a name: a row without one (only a forged database
     * has it) names no package. */
    if (!k.name || k.name_len == 0)
      continue;
    if (strcmp (k.format, "deb") == 0
        && (!k.status || !deb_installed (k.status, k.status_len)))
      continue;
    if (fn (s, &k) == -1) {
      rc = -1;
      break;
    }
    vs_rep_out_maybe (s->r);
  }
  sqlite3_finalize (st);
  return rc == -1 ? -1 : 0;
}

/* The name an OS goes by: its distro, else its type, else "unknown". */
static void
add_os_name (struct vs_buf *b, const struct vs_rep_model *m, size_t i)
{
  const struct vs_rep_value *v = vs_rep_cell (&m->oses, i, OS_DISTRO);

  if (!v->s || !v->len)
    v = vs_rep_cell (&m->oses, i, OS_TYPE);
  if (v->s && v->len)
    vs_buf_add_json_string (b, v->s, v->len, 0);
  else
    vs_buf_adds (b, "\"unknown\"");
}

/* Appends "name": value from a stored value, when it has text. */
static void
add_member (struct vs_buf *b, int *first, const char *name,
            const struct vs_rep_value *v)
{
  if (!v || !v->s)
    return;
  vs_buf_addf (b, "%s\"%s\":", *first ? "" : ",", name);
  *first = 0;
  vs_buf_add_json_string (b, v->s, v->len, 0);
}

/* ---- CycloneDX 1.5 -------------------------------------------------- */

/* Appends a {"name": "vmscan:KEY", "value": ...} property. */
static void
cdx_prop (struct vs_buf *b, int *first, const char *key, const char *v,
          size_t len)
{
  if (!v)
    return;
  vs_buf_addf (b, "%s{\"name\":\"vmscan:%s\",\"value\":", *first ? "" : ",",
               key);
  *first = 0;
  vs_buf_add_json_string (b, v, len, 0);
  vs_buf_addc (b, '}');
}

/* Appends a property holding the bytes of s in hex, when the JSON
 * string of s does not give them back. */
static void
cdx_prop_hex (struct vs_buf *b, int *first, const char *key, const char *s,
              size_t len)
{
  struct vs_buf h = VS_BUF_INIT;

  if (!s || !vs_json_lossy (s, len))
    return;
  vs_buf_add_hex (&h, s, len);
  cdx_prop (b, first, key, h.data ? h.data : "", h.len);
  vs_buf_release (&h);
}

/* The separator before the next item of a list. */
static const char *
sep (struct sbom *s)
{
  return s->nitems++ ? ",\n" : "\n";
}

/* Keeps a package of no OS, for the machine's list of what it holds. */
static void
keep_orphan (struct sbom *s, const struct pkg *k)
{
  if (s->norphans == s->orphans_alloc) {
    s->orphans_alloc = s->orphans_alloc ? 2 * s->orphans_alloc : 16;
    s->orphans = vs_xrealloc (s->orphans,
                              s->orphans_alloc * sizeof *s->orphans);
  }
  s->orphans[s->norphans++] = k->id;
}

static int
cdx_component (struct sbom *s, const struct pkg *k)
{
  struct vs_buf *b = &s->r->out_buf, purl = VS_BUF_INIT;
  int first = 1;

  vs_buf_addf (b, "%s{\"type\":\"library\",\"bom-ref\":\"package-%" PRId64
               "\",\"name\":", sep (s), k->id);
  vs_buf_add_json_string (b, k->name, k->name_len, 0);
  if (k->version) {
    vs_buf_adds (b, ",\"version\":");
    vs_buf_add_json_string (b, k->version, k->version_len, 0);
  }
  pkg_purl (&purl, k);
  vs_buf_adds (b, ",\"purl\":");
  vs_buf_add_json_string (b, purl.data, purl.len, 0);
  vs_buf_release (&purl);
  vs_buf_adds (b, ",\"properties\":[");
  cdx_prop (b, &first, "package_format", k->format, strlen (k->format));
  cdx_prop (b, &first, "arch", k->arch, k->arch_len);
  cdx_prop (b, &first, "status", k->status, k->status_len);
  cdx_prop_hex (b, &first, "name_hex", k->name, k->name_len);
  cdx_prop_hex (b, &first, "version_hex", k->version, k->version_len);
  vs_buf_adds (b, "]}");
  if (!k->os)
    keep_orphan (s, k);
  return 0;
}

/* Each OS depends on its packages: called in document order, so that
 * the packages of one OS come together. */
static int
cdx_dependency (struct sbom *s, const struct pkg *k)
{
  struct vs_buf *b = &s->r->out_buf;

  if (!k->os)
    return 0;
  if (s->cur == k->os) {
    vs_buf_addf (b, ",\"package-%" PRId64 "\"", k->id);
    return 0;
  }
  if (s->cur)
    vs_buf_adds (b, "]}");
  s->cur = k->os;
  vs_buf_addf (b, "%s{\"ref\":\"os-%" PRId64 "\",\"dependsOn\":[\"package-%"
               PRId64 "\"", sep (s), k->os->id, k->id);
  return 0;
}

int
vs_report_cyclonedx (struct vs_report *r)
{
  struct vs_buf *b = &r->out_buf;
  const struct vs_rep_model *m = &r->m;
  const struct vs_rep_value *v;
  struct sbom s;
  size_t i;
  int first, ret = -1;

  memset (&s, 0, sizeof s);
  s.r = r;
  if (sbom_load (&s) == -1)
    goto out;

  vs_buf_addf (b, "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\","
               "\"serialNumber\":\"urn:uuid:%s\",\"version\":1,\n"
               "\"metadata\":{", s.uuid);
  if (s.created[0])
    vs_buf_addf (b, "\"timestamp\":\"%s\",", s.created);
  vs_buf_adds (b, "\"tools\":{\"components\":[{\"type\":\"application\","
               "\"name\":\"vmscan\"");
  if ((v = vs_rep_scan (m, "tool_version")) && v->s) {
    vs_buf_adds (b, ",\"version\":");
    vs_buf_add_json_string (b, v->s, v->len, 0);
  }
  /* The machine: the disk images of one virtual machine. */
  vs_buf_adds (b, "}]},\n\"component\":{\"type\":\"device\",\"bom-ref\":"
               "\"machine\",\"name\":");
  vs_buf_add_json_string (b, s.machine.data, s.machine.len, 0);
  vs_buf_adds (b, ",\"properties\":[");
  first = 1;
  for (i = 0; i < m->images.nrows && m->images.ncols > IMG_SHA256; i++) {
    v = vs_rep_cell (&m->images, i, IMG_PATH);
    cdx_prop (b, &first, "image", v->s, v->len);
    v = vs_rep_cell (&m->images, i, IMG_SHA256);
    cdx_prop (b, &first, "image_sha256", v->s, v->len);
  }
  vs_buf_adds (b, "]},\n\"properties\":[");
  first = 1;
  cdx_prop (b, &first, "scan_status", r->status, strlen (r->status));
  for (i = 0; i < s.nwarnings; i++)
    cdx_prop (b, &first, "warning", s.warnings[i], strlen (s.warnings[i]));
  vs_buf_adds (b, "]},\n\"components\":[");

  /* The operating systems, then the packages of each. */
  for (i = 0; i < s.nos; i++) {
    vs_buf_addf (b, "%s{\"type\":\"operating-system\",\"bom-ref\":\"os-%"
                 PRId64 "\",\"name\":", sep (&s), s.os[i].id);
    add_os_name (b, m, i);
    if (s.os[i].version)
      vs_buf_addf (b, ",\"version\":\"%s\"", s.os[i].version);
    v = vs_rep_cell (&m->oses, i, OS_PRODUCT);
    if (v->s) {
      vs_buf_adds (b, ",\"description\":");
      vs_buf_add_json_string (b, v->s, v->len, 0);
    }
    vs_buf_adds (b, ",\"properties\":[");
    first = 1;
    v = vs_rep_cell (&m->oses, i, OS_ROOT);
    cdx_prop (b, &first, "root_device", v->s, v->len);
    v = vs_rep_cell (&m->oses, i, OS_HOSTNAME);
    cdx_prop (b, &first, "hostname", v->s, v->len);
    v = vs_rep_cell (&m->oses, i, OS_ARCH);
    cdx_prop (b, &first, "arch", v->s, v->len);
    vs_buf_adds (b, "]}");
  }
  if (each_package (&s, cdx_component) == -1)
    goto out;

  /* The machine holds its OSes (and any package of no OS); each OS its
   * packages.  What the packages depend on is not recorded, so they
   * have no entry of their own (unknown, not none). */
  vs_buf_adds (b, "\n],\n\"dependencies\":[");
  s.nitems = 0;
  vs_buf_addf (b, "%s{\"ref\":\"machine\",\"dependsOn\":[", sep (&s));
  for (i = 0; i < s.nos; i++)
    vs_buf_addf (b, "%s\"os-%" PRId64 "\"", i ? "," : "", s.os[i].id);
  for (i = 0; i < s.norphans; i++)
    vs_buf_addf (b, "%s\"package-%" PRId64 "\"", i || s.nos ? "," : "",
                 s.orphans[i]);
  vs_buf_adds (b, "]}");
  if (each_package (&s, cdx_dependency) == -1)
    goto out;
  if (s.cur)
    vs_buf_adds (b, "]}");
  vs_buf_adds (b, "\n]}\n");
  ret = 0;

 out:
  sbom_free (&s);
  return ret;
}

/* ---- SPDX 2.3 ------------------------------------------------------- */

/* Appends an SPDX identifier: "SPDXRef-", what, "-", the database id
 * and, when anything of it is left, "-" and the first bytes of name
 * with every character but [A-Za-z0-9.-] made "-".  The id keeps it
 * unique whatever the name; it matches ^SPDXRef-[A-Za-z0-9.-]+$. */
static void
add_spdxid (struct vs_buf *b, const char *what, int64_t id, const char *name,
            size_t len)
{
  size_t i;

  vs_buf_addf (b, "\"SPDXRef-%s-%" PRId64, what, id);
  if (name && len) {
    vs_buf_addc (b, '-');
    for (i = 0; i < len && i < SPDXID_NAME_MAX; i++)
      vs_buf_addc (b, vs_ascii_alnum (name[i]) || name[i] == '.'
                   || name[i] == '-' ? name[i] : '-');
  }
  vs_buf_addc (b, '"');
}

static void
add_os_spdxid (struct vs_buf *b, const struct os *o)
{
  add_spdxid (b, "OperatingSystem", o->id, o->ns,
              o->ns ? strlen (o->ns) : 0);
}

static void
add_pkg_spdxid (struct vs_buf *b, const struct pkg *k)
{
  add_spdxid (b, strcmp (k->format, "deb") == 0 ? "Package-deb"
              : "Package-rpm", k->id, k->name, k->name_len);
}

/* What SPDX asks of every package and vmscan does not know. */
#define SPDX_UNKNOWN \
  ",\"downloadLocation\":\"NOASSERTION\",\"filesAnalyzed\":false," \
  "\"supplier\":\"NOASSERTION\",\"licenseConcluded\":\"NOASSERTION\"," \
  "\"licenseDeclared\":\"NOASSERTION\",\"copyrightText\":\"NOASSERTION\""

static int
spdx_package (struct sbom *s, const struct pkg *k)
{
  struct vs_buf *b = &s->r->out_buf, purl = VS_BUF_INIT;

  vs_buf_addf (b, "%s{\"SPDXID\":", sep (s));
  add_pkg_spdxid (b, k);
  vs_buf_adds (b, ",\"name\":");
  vs_buf_add_json_string (b, k->name, k->name_len, 0);
  if (k->version) {
    vs_buf_adds (b, ",\"versionInfo\":");
    vs_buf_add_json_string (b, k->version, k->version_len, 0);
  }
  vs_buf_adds (b, SPDX_UNKNOWN ",\"externalRefs\":[{\"referenceCategory\":"
               "\"PACKAGE-MANAGER\",\"referenceType\":\"purl\","
               "\"referenceLocator\":");
  pkg_purl (&purl, k);
  vs_buf_add_json_string (b, purl.data, purl.len, 0);
  vs_buf_release (&purl);
  vs_buf_adds (b, "}],\"primaryPackagePurpose\":\"LIBRARY\"}");
  return 0;
}

static void
spdx_relationship (struct sbom *s, const char *type)
{
  vs_buf_addf (&s->r->out_buf, "%s{\"relationshipType\":\"%s\","
               "\"spdxElementId\":", sep (s), type);
}

/* OS CONTAINS package; for a package of no OS, DOCUMENT DESCRIBES it. */
static int
spdx_contains (struct sbom *s, const struct pkg *k)
{
  struct vs_buf *b = &s->r->out_buf;

  if (k->os) {
    spdx_relationship (s, "CONTAINS");
    add_os_spdxid (b, k->os);
  }
  else {
    spdx_relationship (s, "DESCRIBES");
    vs_buf_adds (b, "\"SPDXRef-DOCUMENT\"");
  }
  vs_buf_adds (b, ",\"relatedSpdxElement\":");
  add_pkg_spdxid (b, k);
  vs_buf_addc (b, '}');
  return 0;
}

int
vs_report_spdx (struct vs_report *r)
{
  struct vs_buf *b = &r->out_buf;
  const struct vs_rep_model *m = &r->m;
  const struct vs_rep_value *v;
  struct sbom s;
  size_t i;
  int ret = -1;

  memset (&s, 0, sizeof s);
  s.r = r;
  s.spdx = 1;
  if (sbom_load (&s) == -1)
    goto out;

  vs_buf_adds (b, "{\"spdxVersion\":\"SPDX-2.3\",\"dataLicense\":\"CC0-1.0\","
               "\"SPDXID\":\"SPDXRef-DOCUMENT\",\"name\":");
  vs_buf_add_json_string (b, s.machine.data, s.machine.len, 0);
  vs_buf_addf (b, ",\"documentNamespace\":\"urn:uuid:%s\",\n"
               "\"creationInfo\":{\"created\":\"%s\",\"creators\":[",
               s.uuid, s.created[0] ? s.created : "1970-01-01T00:00:00Z");
  {
    struct vs_buf t = VS_BUF_INIT;

    vs_buf_adds (&t, "Tool: vmscan");
    if ((v = vs_rep_scan (m, "tool_version")) && v->s && v->len) {
      vs_buf_addc (&t, '-');
      vs_buf_add (&t, v->s, v->len);
    }
    vs_buf_add_json_string (b, t.data, t.len, 0);
    vs_buf_release (&t);
  }
  vs_buf_adds (b, "],\"comment\":\"The installed packages of each operating "
               "system, from vmscan's evidence database\"}");
  if (s.nwarnings) {
    struct vs_buf t = VS_BUF_INIT;

    for (i = 0; i < s.nwarnings; i++) {
      if (i)
        vs_buf_adds (&t, "; ");
      vs_buf_adds (&t, "warning: ");
      vs_buf_adds (&t, s.warnings[i]);
    }
    vs_buf_adds (b, ",\n\"comment\":");
    vs_buf_add_json_string (b, t.data, t.len, 0);
    vs_buf_release (&t);
  }

  vs_buf_adds (b, ",\n\"packages\":[");
  for (i = 0; i < s.nos; i++) {
    int first = 0;

    vs_buf_addf (b, "%s{\"SPDXID\":", sep (&s));
    add_os_spdxid (b, &s.os[i]);
    vs_buf_adds (b, ",\"name\":");
    add_os_name (b, m, i);
    if (s.os[i].version)
      vs_buf_addf (b, ",\"versionInfo\":\"%s\"", s.os[i].version);
    add_member (b, &first, "description", vs_rep_cell (&m->oses, i,
                                                       OS_PRODUCT));
    /* As SPDX 2.3's text (7.24) and spdx-spec's schema spell it; the
     * schema tagged v2.3 had OPERATING_SYSTEM alone, which Trivy (it
     * reads the SPDXID) and Syft (the purl's distro) never look at. */
    vs_buf_adds (b, SPDX_UNKNOWN ",\"primaryPackagePurpose\":"
                 "\"OPERATING-SYSTEM\"}");
  }
  if (each_package (&s, spdx_package) == -1)
    goto out;

  /* The document describes each OS (and any package of no OS); each OS
   * contains its packages. */
  vs_buf_adds (b, "\n],\n\"relationships\":[");
  s.nitems = 0;
  for (i = 0; i < s.nos; i++) {
    spdx_relationship (&s, "DESCRIBES");
    vs_buf_adds (b, "\"SPDXRef-DOCUMENT\",\"relatedSpdxElement\":");
    add_os_spdxid (b, &s.os[i]);
    vs_buf_addc (b, '}');
  }
  if (each_package (&s, spdx_contains) == -1)
    goto out;
  vs_buf_adds (b, "\n]}\n");
  ret = 0;

 out:
  sbom_free (&s);
  return ret;
}
