/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the json, jsonl and sarif reports.
 *
 * json and jsonl carry the same objects (src/report.schema.json): each
 * is a row of one table, its members named for the columns, SQL NULL as
 * null.  Text that is not valid UTF-8 is written with U+FFFD for each bad
 * byte and followed by a member NAME_hex holding the exact bytes in hex,
 * so nothing is lost and every consumer still gets a string.  json is
 * one document, findings first and files last; jsonl is one object a
 * line, {"type": KIND, "data": OBJECT} (a wrapper, since several tables
 * have a column named type), ending with an "end" line that counts what
 * came before (a truncated stream has none).
 *
 * sarif is SARIF 2.1.0: one run, one rule per check_id, one result per
 * finding, located at the finding's path in the image as a relative URI
 * under the uriBaseId IMAGEROOT.  A path can come from guest
 * configuration ("Include /etc/ssh/../.."), so the URI is the path
 * normalised lexically, never above the root (vs_report_add_uri_path);
 * the exact bytes stay in the result's properties (path, path_hex).
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "report/int.h"

/* One table section: its JSON name, jsonl type and query, or (sql NULL)
 * the model's table at offset table, of which ncols columns. */
struct section {
  const char *name;
  const char *type;
  const char *sql;
  size_t table;
  size_t ncols;
};

#define MODEL_TABLE(member, ncols) \
  NULL, offsetof (struct vs_rep_model, member), ncols

static const struct section sections[] = {
  { "findings", "finding", VS_REP_FINDINGS_SQL, 0, 0 },
  { "baseline", "baseline", VS_REP_BASELINES_SQL, 0, 0 },
  { "baseline_absent", "baseline_absent", VS_REP_ABSENT_SQL, 0, 0 },
  { "suppressions", "suppression", VS_REP_SUPPRESSIONS_SQL, 0, 0 },
  { "stories", "story", VS_REP_STORIES_SQL, 0, 0 },
  { "finding_links", "finding_link", VS_REP_LINKS_SQL, 0, 0 },
  { "images", "image", MODEL_TABLE (images, SIZE_MAX) },
  { "operating_systems", "operating_system", MODEL_TABLE (oses, SIZE_MAX) },
  { "filesystems", "filesystem", MODEL_TABLE (filesystems, SIZE_MAX) },
  { "check_runs", "check_run",
    MODEL_TABLE (check_runs, VS_REP_CHECK_RUN_COLUMNS) },
  { "matches", "match",
    "SELECT m.id, m.file_id, f.path, m.rule, m.namespace, m.tags, m.meta "
    "FROM yara_matches m LEFT JOIN files f ON f.id = m.file_id "
    "ORDER BY f.path, m.rule, m.id", 0, 0 },
  { "errors", "error",
    "SELECT id, stage, fs_id, path, message, at FROM errors ORDER BY id",
    0, 0 },
  { "files", "file",
    "SELECT id, fs_id, path, type, size, mode, uid, gid, atime, atime_ns, "
    "mtime, mtime_ns, ctime, ctime_ns, btime, btime_ns, inode, nlink, "
    "link_target, md5, sha1, sha256, magic, mime, yara_scanned, "
    "capabilities, deleted FROM files ORDER BY id", 0, 0 },
};
/* The same for a database older than schema version 5 (no deleted
 * column, no deleted rows). */
#define FILES_SQL_V4 \
    "SELECT id, fs_id, path, type, size, mode, uid, gid, atime, atime_ns, " \
    "mtime, mtime_ns, ctime, ctime_ns, btime, btime_ns, inode, nlink, " \
    "link_target, md5, sha1, sha256, magic, mime, yara_scanned, " \
    "capabilities, NULL AS deleted FROM files ORDER BY id"
#define STRINGS_SQL \
  "SELECT identifier, offset, length, data FROM yara_strings " \
  "WHERE match_id = ?1 ORDER BY offset, id"

/* Appends the "strings" member of match id. */
static int
add_strings (struct vs_report *r, sqlite3_stmt *st, int64_t match_id)
{
  int rc, first = 1;

  sqlite3_reset (st);
  sqlite3_bind_int64 (st, 1, match_id);
  vs_buf_adds (&r->out_buf, ",\"strings\":[");
  while ((rc = vs_rep_step (r, st)) == 1) {
    if (!first)
      vs_buf_addc (&r->out_buf, ',');
    first = 0;
    vs_buf_addc (&r->out_buf, '{');
    vs_rep_json_members (&r->out_buf, st, 0);
    vs_buf_addc (&r->out_buf, '}');
  }
  vs_buf_addc (&r->out_buf, ']');
  return rc;
}

static void
row_open (struct vs_report *r, const struct section *s, int lines,
          int64_t n)
{
  if (lines)
    vs_buf_addf (&r->out_buf, "{\"type\":\"%s\",\"data\":{", s->type);
  else
    vs_buf_adds (&r->out_buf, n ? ",\n{" : "\n{");
}

/* Writes the rows of a model section. */
static int64_t
write_model_section (struct vs_report *r, const struct section *s,
                     int lines)
{
  const struct vs_rep_table *t = (const struct vs_rep_table *)
    ((const char *) &r->m + s->table);
  size_t n;

  for (n = 0; n < t->nrows; n++) {
    row_open (r, s, lines, (int64_t) n);
    vs_rep_json_row (&r->out_buf, t, n, s->ncols);
    vs_buf_adds (&r->out_buf, lines ? "}}\n" : "}");
    vs_rep_out_maybe (r);
  }
  return (int64_t) n;
}

/* Writes one section: as a JSON array member (type NULL) or as lines.
 * Returns the number of rows, or -1. */
static int64_t
write_section (struct vs_report *r, const struct section *s, int lines)
{
  sqlite3_stmt *stmt, *st = NULL;
  int64_t n = 0;
  int rc;

  if (!lines)
    vs_buf_addf (&r->out_buf, ",\n\"%s\":[", s->name);
  if (!s->sql) {
    n = write_model_section (r, s, lines);
    if (!lines)
      vs_buf_adds (&r->out_buf, "]");
    return n;
  }
  if (!(stmt = vs_rep_prepare (r, strcmp (s->type, "file") == 0
                                && r->schema_version < 5 ? FILES_SQL_V4
                                : s->sql)))
    return -1;
  if (strcmp (s->type, "match") == 0
      && !(st = vs_rep_prepare (r, STRINGS_SQL))) {
    sqlite3_finalize (stmt);
    return -1;
  }
  while ((rc = vs_rep_step (r, stmt)) == 1) {
    row_open (r, s, lines, n);
    vs_rep_json_members (&r->out_buf, stmt, 0);
    if (st && add_strings (r, st, sqlite3_column_int64 (stmt, 0)) == -1) {
      rc = -1;
      break;
    }
    vs_buf_adds (&r->out_buf, lines ? "}}\n" : "}");
    n++;
    vs_rep_out_maybe (r);
  }
  if (!lines)
    vs_buf_adds (&r->out_buf, "]");
  sqlite3_finalize (stmt);
  sqlite3_finalize (st);
  return rc == -1 ? -1 : n;
}

/* Appends the rows of t as a JSON array. */
static void
add_array (struct vs_buf *b, const struct vs_rep_table *t)
{
  size_t i;

  vs_buf_addc (b, '[');
  for (i = 0; i < t->nrows; i++) {
    vs_buf_adds (b, i ? ",{" : "{");
    vs_rep_json_row (b, t, i, SIZE_MAX);
    vs_buf_addc (b, '}');
  }
  vs_buf_addc (b, ']');
}

/* Appends "name":text, or null. */
static void
add_text_or_null (struct vs_buf *b, const char *name, const char *s)
{
  vs_buf_addf (b, "\"%s\":", name);
  if (s)
    vs_buf_add_json_string (b, s, strlen (s), 0);
  else
    vs_buf_adds (b, "null");
}

/* Appends the members of the report header (no braces). */
static void
add_header (struct vs_report *r)
{
  struct vs_buf *b = &r->out_buf;
  const struct vs_rep_model *m = &r->m;
  int i;

  vs_buf_addf (b, "\"report\":{\"format\":\"vmscan-report\",\"version\":1,"
               "\"generator\":\"vmscan %s\",\"generated_at\":\"%s\",",
               PACKAGE_VERSION, r->generated_at);
  add_text_or_null (b, "database", r->db_path);
  vs_buf_adds (b, "},\"status\":{");
  add_text_or_null (b, "scan_status", r->status);
  vs_buf_addf (b, ",\"complete\":%s,", r->complete ? "true" : "false");
  add_text_or_null (b, "message", r->status_message);
  vs_buf_adds (b, ",");
  add_text_or_null (b, "note", vs_rep_incomplete_note (r));
  {
    struct vs_buf v = VS_BUF_INIT;

    /* A failure is recorded in r and fails the report after this. */
    vs_rep_verdict (r, &v);
    vs_buf_adds (b, ",");
    vs_buf_add_json_member (b, "verdict", v.data ? v.data : "", v.len, 0);
    vs_buf_release (&v);
  }
  vs_buf_adds (b, "},\"counts\":{\"findings_by_severity\":{");
  for (i = 4; i >= 0; i--)
    vs_buf_addf (b, "\"%s\":%lld%s", vs_rep_severity[i],
                 (long long) m->by_severity[i], i ? "," : "");
  vs_buf_addf (b, "},\"files\":%lld,\"matches\":%lld,\"errors\":%lld}",
               (long long) m->files, (long long) m->matches,
               (long long) m->errors);
}

/* Appends the members of the provenance object (no braces). */
static void
add_provenance (struct vs_report *r)
{
  vs_rep_json_row (&r->out_buf, &r->m.scan, 0, SIZE_MAX);
  vs_buf_adds (&r->out_buf, ",\"rule_files\":");
  add_array (&r->out_buf, &r->m.rule_files);
  vs_buf_adds (&r->out_buf, ",\"ioc_files\":");
  add_array (&r->out_buf, &r->m.ioc_files);
}

int
vs_report_json (struct vs_report *r)
{
  size_t i;

  vs_buf_addc (&r->out_buf, '{');
  add_header (r);
  /* Findings lead; provenance follows them; files come last. */
  if (write_section (r, &sections[0], 0) == -1)
    return -1;
  vs_buf_adds (&r->out_buf, ",\n\"provenance\":{");
  add_provenance (r);
  vs_buf_addc (&r->out_buf, '}');
  for (i = 1; i < VS_ARRAY_SIZE (sections); i++)
    if (write_section (r, &sections[i], 0) == -1)
      return -1;
  vs_buf_adds (&r->out_buf, "}\n");
  return 0;
}

int
vs_report_jsonl (struct vs_report *r)
{
  int64_t counts[VS_ARRAY_SIZE (sections)];
  size_t i;

  vs_buf_adds (&r->out_buf, "{\"type\":\"report\",\"data\":{");
  add_header (r);
  vs_buf_adds (&r->out_buf, "}}\n");
  if ((counts[0] = write_section (r, &sections[0], 1)) == -1)
    return -1;
  vs_buf_adds (&r->out_buf, "{\"type\":\"provenance\",\"data\":{");
  add_provenance (r);
  vs_buf_adds (&r->out_buf, "}}\n");
  for (i = 1; i < VS_ARRAY_SIZE (sections); i++)
    if ((counts[i] = write_section (r, &sections[i], 1)) == -1)
      return -1;
  vs_buf_adds (&r->out_buf, "{\"type\":\"end\",\"data\":{");
  for (i = 0; i < VS_ARRAY_SIZE (sections); i++)
    vs_buf_addf (&r->out_buf, "%s\"%s\":%lld", i ? "," : "",
                 sections[i].name, (long long) counts[i]);
  vs_buf_adds (&r->out_buf, "}}\n");
  return 0;
}

/* ---- SARIF ------------------------------------------------------------- */

/* "suppressions": SARIF's record of a result someone accepted: the
 * --suppress entry's reason as the justification, its file, line,
 * ticket and expiry as properties. */
static int
add_suppression (struct vs_report *r, struct vs_buf *b, int64_t id)
{
  sqlite3_stmt *st = vs_rep_prepare (r, "SELECT reason, file, line, "
                                     "ticket, expires FROM suppressions "
                                     "WHERE id = ?");
  const char *t;
  size_t len;
  int rc;

  if (!st)
    return -1;
  sqlite3_bind_int64 (st, 1, id);
  rc = vs_rep_step (r, st);
  if (rc == 1) {
    struct vs_buf msg = VS_BUF_INIT;

    vs_buf_adds (b, ",\"suppressions\":[{\"kind\":\"external\","
                 "\"status\":\"accepted\",\"justification\":");
    t = vs_rep_col (st, 0, &len);
    vs_report_add_display (&msg, t ? t : "", t ? len : 0);
    vs_buf_add_json_string (b, msg.data ? msg.data : "", msg.len, 0);
    vs_buf_release (&msg);
    vs_buf_adds (b, ",\"properties\":{");
    vs_rep_json_member (b, st, 1, 0);
    vs_buf_addc (b, ',');
    vs_rep_json_member (b, st, 2, 0);
    vs_buf_addc (b, ',');
    vs_rep_json_member (b, st, 3, 0);
    vs_buf_addc (b, ',');
    vs_rep_json_member (b, st, 4, 0);
    vs_buf_adds (b, "}}]");
  }
  sqlite3_finalize (st);
  return rc == -1 ? -1 : 0;
}

static const char *const sarif_level[5] = {
  "note", "note", "warning", "error", "error"
};
/* GitHub code scanning reads a rule's "security-severity" (0.0-10.0). */
static const char *const sarif_score[5] = {
  "0.0", "2.0", "5.0", "8.0", "9.5"
};

/* Appends "name":"text" with text in display form, as JSON. */
static void
add_display_member (struct vs_buf *b, const char *name, const char *s,
                    size_t len)
{
  struct vs_buf d = VS_BUF_INIT;

  vs_report_add_display (&d, s, len);
  vs_buf_addf (b, "\"%s\":", name);
  vs_buf_add_json_string (b, d.data ? d.data : "", d.len, 0);
  vs_buf_release (&d);
}

int
vs_report_sarif (struct vs_report *r)
{
  struct vs_buf *b = &r->out_buf;
  sqlite3_stmt *stmt = NULL;
  char **rules = NULL;
  size_t nrules = 0, i, len;
  const char *s, *note = vs_rep_incomplete_note (r);
  const struct vs_rep_value *v;
  int rc, ret = -1, first;

  vs_buf_adds (b, "{\"$schema\":\"https://docs.oasis-open.org/sarif/sarif/"
               "v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json\","
               "\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{"
               "\"name\":\"vmscan\"");

  /* The scan's provenance: the version that scanned is the tool. */
  v = vs_rep_scan (&r->m, "tool_version");
  vs_buf_adds (b, ",\"version\":");
  vs_buf_add_json_string (b, v->s ? v->s : "", v->len, 0);
  vs_buf_adds (b, ",\"rules\":[");
  {
    sqlite3_stmt *rs = vs_rep_prepare (r, "SELECT check_id, min(category), "
                                       "max(severity_rank), count(*) FROM "
                                       "findings GROUP BY check_id ORDER BY "
                                       "check_id");

    if (!rs)
      goto out;
    while ((rc = vs_rep_step (r, rs)) == 1) {
      const char *id = vs_rep_col (rs, 0, &len);
      const char *cat;
      size_t clen;
      int rank = sqlite3_column_int (rs, 2);

      cat = vs_rep_col (rs, 1, &clen);
      if (rank < 0 || rank > 4)
        rank = 0;
      rules = vs_xrealloc (rules, (nrules + 1) * sizeof *rules);
      rules[nrules] = vs_xstrndup (id, len);
      if (nrules)
        vs_buf_addc (b, ',');
      nrules++;
      vs_buf_adds (b, "{\"id\":");
      vs_buf_add_json_string (b, id, len, 0);
      vs_buf_adds (b, ",\"shortDescription\":{\"text\":");
      {
        struct vs_buf t = VS_BUF_INIT;

        vs_buf_adds (&t, "vmscan check ");
        vs_buf_add (&t, id, len);
        vs_buf_adds (&t, " (");
        vs_buf_add (&t, cat ? cat : "", clen);
        vs_buf_adds (&t, ")");
        vs_buf_add_json_string (b, t.data, t.len, 0);
        vs_buf_release (&t);
      }
      vs_buf_addf (b, "},\"defaultConfiguration\":{\"level\":\"%s\"},"
                   "\"properties\":{\"security-severity\":\"%s\","
                   "\"tags\":[\"security\",", sarif_level[rank],
                   sarif_score[rank]);
      vs_buf_add_json_string (b, cat ? cat : "", clen, 0);
      vs_buf_adds (b, "]}}");
    }
    sqlite3_finalize (rs);
    if (rc == -1)
      goto out;
  }
  vs_buf_adds (b, "]}},\"originalUriBaseIds\":{\"IMAGEROOT\":{"
               "\"description\":{\"text\":\"The root of the scanned "
               "machine's file tree, as its operating system sees it\"}}}");

  /* The invocation says whether the evidence is complete. */
  vs_buf_addf (b, ",\"invocations\":[{\"executionSuccessful\":%s,",
               r->complete ? "true" : "false");
  v = vs_rep_scan (&r->m, "command_line");
  add_display_member (b, "commandLine", v->s ? v->s : "", v->len);
  if ((v = vs_rep_scan (&r->m, "started_at"))->s) {
    vs_buf_adds (b, ",\"startTimeUtc\":");
    vs_buf_add_json_string (b, v->s, v->len, 0);
  }
  if ((v = vs_rep_scan (&r->m, "finished_at"))->s) {
    vs_buf_adds (b, ",\"endTimeUtc\":");
    vs_buf_add_json_string (b, v->s, v->len, 0);
  }
  if ((v = vs_rep_scan (&r->m, "host"))->s) {
    vs_buf_adds (b, ",");
    add_display_member (b, "machine", v->s, v->len);
  }
  if (note) {
    vs_buf_adds (b, ",\"toolExecutionNotifications\":[{\"level\":\"error\","
                 "\"message\":{\"text\":");
    vs_buf_add_json_string (b, note, strlen (note), 0);
    vs_buf_adds (b, "}}]");
  }
  vs_buf_adds (b, ",\"properties\":{");
  add_text_or_null (b, "scan_status", r->status);
  vs_buf_adds (b, ",");
  add_text_or_null (b, "status_message", r->status_message);
  vs_buf_adds (b, "}}]");

  /* One result per finding, in report order. */
  stmt = vs_rep_prepare (r, VS_REP_FINDINGS_SQL);
  if (!stmt)
    goto out;
  vs_buf_adds (b, ",\"results\":[");
  first = 1;
  while ((rc = vs_rep_step (r, stmt)) == 1) {
    const char *id = vs_rep_col (stmt, 1, &len);
    int rank = sqlite3_column_int (stmt, 3);
    const char *path, *ev;
    size_t plen, elen, idx = 0;
    struct vs_buf msg = VS_BUF_INIT;

    if (rank < 0 || rank > 4)
      rank = 0;
    for (i = 0; i < nrules; i++)
      if (strlen (rules[i]) == len && memcmp (rules[i], id, len) == 0)
        idx = i;
    vs_buf_adds (b, first ? "\n{\"ruleId\":" : ",\n{\"ruleId\":");
    first = 0;
    vs_buf_add_json_string (b, id, len, 0);
    vs_buf_addf (b, ",\"ruleIndex\":%zu,\"level\":\"%s\",\"message\":"
                 "{\"text\":", idx, sarif_level[rank]);
    s = vs_rep_col (stmt, 5, &len);
    vs_report_add_display (&msg, s ? s : "", len);
    if ((ev = vs_rep_col (stmt, 8, &elen))) {
      vs_buf_adds (&msg, " (evidence: ");
      vs_report_add_display (&msg, ev, elen);
      vs_buf_adds (&msg, ")");
    }
    vs_buf_add_json_string (b, msg.data, msg.len, 0);
    vs_buf_release (&msg);
    vs_buf_adds (b, "}");
    if ((path = vs_rep_col (stmt, 6, &plen))) {
      vs_buf_adds (b, ",\"locations\":[{\"physicalLocation\":{"
                   "\"artifactLocation\":{\"uri\":\"");
      vs_report_add_uri_path (b, path, plen);
      vs_buf_adds (b, "\",\"uriBaseId\":\"IMAGEROOT\"}}}]");
    }
    /* Against the approved baseline (--baseline), and accepted by a
     * suppression (--suppress): SARIF's own members for both. */
    if ((s = vs_rep_col (stmt, 13, &len)))
      vs_buf_addf (b, ",\"baselineState\":\"%s\"",
                   len == 3 && memcmp (s, "new", 3) == 0 ? "new"
                   : "unchanged");
    if (sqlite3_column_type (stmt, 14) != SQLITE_NULL
        && add_suppression (r, b, sqlite3_column_int64 (stmt, 14)) == -1)
      goto out;
    vs_buf_adds (b, ",\"properties\":{");
    for (i = 0; i < 15; i++) {
      if (i == 1 || i == 5)     /* check_id and title are said above */
        continue;
      if (i)
        vs_buf_addc (b, ',');
      vs_rep_json_member (b, stmt, (int) i, 0);
    }
    vs_buf_adds (b, "}}");
    vs_rep_out_maybe (r);
  }
  if (rc == -1)
    goto out;
  sqlite3_finalize (stmt);

  /* The baseline's findings this scan no longer has. */
  stmt = vs_rep_prepare (r, VS_REP_ABSENT_SQL);
  if (!stmt)
    goto out;
  while ((rc = vs_rep_step (r, stmt)) == 1) {
    const char *id = vs_rep_col (stmt, 1, &len);
    int rank = sqlite3_column_int (stmt, 3);
    struct vs_buf msg = VS_BUF_INIT;
    const char *ev;
    size_t elen;

    if (rank < 0 || rank > 4)
      rank = 0;
    vs_buf_adds (b, first ? "\n{\"ruleId\":" : ",\n{\"ruleId\":");
    first = 0;
    vs_buf_add_json_string (b, id ? id : "", id ? len : 0, 0);
    vs_buf_addf (b, ",\"level\":\"%s\",\"baselineState\":\"absent\","
                 "\"message\":{\"text\":", sarif_level[rank]);
    s = vs_rep_col (stmt, 5, &len);
    vs_buf_adds (&msg, "gone since the baseline: ");
    vs_report_add_display (&msg, s ? s : "", s ? len : 0);
    if ((ev = vs_rep_col (stmt, 8, &elen))) {
      vs_buf_adds (&msg, " (evidence: ");
      vs_report_add_display (&msg, ev, elen);
      vs_buf_adds (&msg, ")");
    }
    vs_buf_add_json_string (b, msg.data, msg.len, 0);
    vs_buf_release (&msg);
    vs_buf_adds (b, "}");
    if ((s = vs_rep_col (stmt, 6, &len))) {
      vs_buf_adds (b, ",\"locations\":[{\"physicalLocation\":{"
                   "\"artifactLocation\":{\"uri\":\"");
      vs_report_add_uri_path (b, s, len);
      vs_buf_adds (b, "\",\"uriBaseId\":\"IMAGEROOT\"}}}]");
    }
    vs_buf_adds (b, ",\"properties\":{");
    vs_rep_json_members (b, stmt, 0);
    vs_buf_adds (b, "}}");
    vs_rep_out_maybe (r);
  }
  if (rc == -1)
    goto out;
  vs_buf_adds (b, "]}]}\n");
  ret = 0;

 out:
  sqlite3_finalize (stmt);
  for (i = 0; i < nrules; i++)
    free (rules[i]);
  free (rules);
  if (ret == -1 && !r->errmsg)
    vs_rep_sql_error (r, "cannot read the scan");
  return ret;
}
