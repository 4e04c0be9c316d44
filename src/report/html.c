/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the html report.
 *
 * One self-contained file that opens offline.  Its Content-Security-
 * Policy allows nothing but the one <style> and the one <script> below,
 * by hash: no external resource of any kind, no other script, no inline
 * event handler, no style attribute.  So even a mistake in escaping could
 * not run anything; and there are none to make: every image string goes
 * through vs_report_add_html (display form, then character references)
 * in text and attributes, or through vs_buf_add_json_string (script_safe)
 * into the <script type="application/json"> block the file table is
 * built from, which the script reads with JSON.parse and puts into the
 * page with textContent only.
 *
 * Everything but the file table is plain HTML and reads without script.
 * The file table embeds at most r->html_max_files rows (in path order),
 * and says so when there are more.  The pictures are inline SVG drawn
 * here from aggregate queries.  The case header is drawn from the
 * report model (model.h), the rest from statements streamed row by row.
 */
#include <config.h>

#include <math.h>
#include <string.h>

#include "base/hash.h"
#include "report/int.h"

#define HTML_MAX_FINDINGS 20000
#define HTML_MAX_MATCHES 5000
#define HTML_MAX_ERRORS 2000
#define HTML_MAX_DIRS 24
#define HTML_TIMELINE_BINS 60
#define HTML_MAX_MARKERS 200

static const char *const sev_color[5] = {
  "#607d8b", "#1565c0", "#c68a00", "#e65100", "#b71c1c"
};

static const char css[] =
  "body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1200px;"
  "padding:0 16px 40px;color:#1b1b1b;background:#fff}"
  "h1{margin:16px 0 4px}h2{border-bottom:2px solid #ddd;padding-bottom:4px;"
  "margin-top:32px}"
  "table{border-collapse:collapse;width:100%;margin:8px 0}"
  "th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;"
  "vertical-align:top}"
  "th{background:#f3f3f3}td{overflow-wrap:anywhere}"
  ".case th{width:14em}.mono,.path,code{font-family:ui-monospace,monospace;"
  "font-size:13px}"
  ".incomplete{background:#b71c1c;color:#fff;padding:12px 16px;"
  "font-size:17px;margin:12px 0;border-radius:4px}"
  ".badge{display:inline-block;padding:2px 10px;border-radius:10px;"
  "color:#fff;margin-right:6px;font-weight:600}"
  ".sev-4{background:#b71c1c}.sev-3{background:#e65100}"
  ".sev-2{background:#c68a00}.sev-1{background:#1565c0}"
  ".sev-0{background:#607d8b}"
  "h3.sev{color:#fff;padding:4px 8px;border-radius:4px}"
  "nav a{margin-right:14px}"
  ".note{color:#555;font-style:italic}"
  "#files-table th[data-col]{cursor:pointer;user-select:none}"
  "#files-table th[aria-sort=ascending]::after{content:' \\25b2'}"
  "#files-table th[aria-sort=descending]::after{content:' \\25bc'}"
  ".controls{display:flex;gap:12px;align-items:center;flex-wrap:wrap;"
  "margin:8px 0}"
  ".controls input[type=search]{flex:1;min-width:240px;padding:4px}"
  "svg{max-width:100%;height:auto;border:1px solid #eee;margin:8px 0}"
  "svg text{font:12px system-ui,sans-serif}"
  "details{margin:4px 0}summary{cursor:pointer}"
  ".findings td:last-child,.badge{white-space:nowrap}"
  "#files-table td:nth-child(3),#files-table td:nth-child(4),"
  "#files-table td:nth-child(7){white-space:nowrap}"
  "#files-table td:nth-child(8){font-size:11px;max-width:16em}";

/* The one script: builds the file table from the JSON block, filters,
 * sorts and pages it.  Only textContent ever carries image strings. */
static const char js[] =
  "(function(){'use strict';"
  "var src=document.getElementById('vs-files');"
  "var rows=src?JSON.parse(src.textContent):[];"
  "var SEV=['info','low','medium','high','critical'];"
  "var NUM={2:1,4:1,5:1,6:1,9:1,10:1};"
  "var tbody=document.getElementById('files-body');"
  "var filter=document.getElementById('files-filter');"
  "var typeSel=document.getElementById('files-type');"
  "var flagged=document.getElementById('files-flagged');"
  "var status=document.getElementById('files-status');"
  "var prev=document.getElementById('files-prev');"
  "var next=document.getElementById('files-next');"
  "if(!tbody)return;"
  "var PAGE=250,page=0,sortCol=0,sortDir=1,view=[];"
  "function fmtTime(t){if(t===null)return '';var d=new Date(t*1000);"
  "return isNaN(d.getTime())?String(t):"
  "d.toISOString().replace('.000Z','Z');}"
  "function key(r,c){var v=r[c];if(v===null)return NUM[c]?-Infinity:'';"
  "return v;}"
  "function cmp(a,b){var x=key(a,sortCol),y=key(b,sortCol);"
  "if(x<y)return -sortDir;if(x>y)return sortDir;"
  "return a[0]<b[0]?-1:a[0]>b[0]?1:0;}"
  "function apply(){var q=filter.value.toLowerCase(),ty=typeSel.value,"
  "fl=flagged.checked;view=[];"
  "for(var i=0;i<rows.length;i++){var r=rows[i];"
  "if(ty&&r[1]!==ty)continue;if(fl&&r[9]<0&&r[10]===0)continue;"
  "if(q&&(r[0]+'\\u0000'+r[7]+'\\u0000'+r[8]+'\\u0000'+r[11])"
  ".toLowerCase().indexOf(q)<0)continue;view.push(r);}"
  "view.sort(cmp);page=0;render();}"
  "function cell(tr,text,cls){var td=document.createElement('td');"
  "td.textContent=text;if(cls)td.className=cls;tr.appendChild(td);}"
  "function render(){while(tbody.firstChild)"
  "tbody.removeChild(tbody.firstChild);"
  "var start=page*PAGE,end=Math.min(view.length,start+PAGE);"
  "for(var i=start;i<end;i++){var r=view[i],"
  "tr=document.createElement('tr');"
  "cell(tr,r[0]+(r[11]!==''?' -> '+r[11]:''),'path');cell(tr,r[1]);"
  "cell(tr,String(r[2]));cell(tr,r[3],'mono');cell(tr,String(r[4]));"
  "cell(tr,String(r[5]));cell(tr,fmtTime(r[6]),'mono');"
  "cell(tr,r[7],'mono');cell(tr,r[8]);"
  "var s=document.createElement('td');if(r[9]>=0){"
  "var sp=document.createElement('span');sp.className='badge sev-'+r[9];"
  "sp.textContent=SEV[r[9]];s.appendChild(sp);}tr.appendChild(s);"
  "cell(tr,r[10]?String(r[10]):'');tbody.appendChild(tr);}"
  "status.textContent=view.length?('rows '+(start+1)+'\\u2013'+end+' of '+"
  "view.length+' matching ('+rows.length+' embedded)'):"
  "('no rows match ('+rows.length+' embedded)');"
  "prev.disabled=page===0;next.disabled=end>=view.length;}"
  "var ths=document.querySelectorAll('#files-table th[data-col]');"
  "function setSort(th){var c=Number(th.getAttribute('data-col'));"
  "if(c===sortCol)sortDir=-sortDir;else{sortCol=c;sortDir=NUM[c]?-1:1;}"
  "for(var j=0;j<ths.length;j++)ths[j].removeAttribute('aria-sort');"
  "th.setAttribute('aria-sort',sortDir>0?'ascending':'descending');apply();}"
  "for(var j=0;j<ths.length;j++){ths[j].addEventListener('click',"
  "function(e){setSort(e.currentTarget);});}"
  "filter.addEventListener('input',apply);"
  "typeSel.addEventListener('change',apply);"
  "flagged.addEventListener('change',apply);"
  "prev.addEventListener('click',function(){if(page>0){page--;render();}});"
  "next.addEventListener('click',function(){"
  "if((page+1)*PAGE<view.length){page++;render();}});"
  "ths[0].setAttribute('aria-sort','ascending');"
  "document.getElementById('files-js').hidden=false;"
  "document.getElementById('files-nojs').hidden=true;apply();})();";

/* ---- helpers ----------------------------------------------------------- */

static int write_verdict (struct vs_report *r);

static void
h (struct vs_buf *b, const char *s, size_t len)
{
  vs_report_add_html (b, s ? s : "", s ? len : 0);
}

static void
hs (struct vs_buf *b, const char *s)
{
  h (b, s, s ? strlen (s) : 0);
}

/* Column i as HTML text (empty for NULL). */
static void
hcol (struct vs_buf *b, sqlite3_stmt *stmt, int i)
{
  size_t len;
  const char *s;

  if (sqlite3_column_type (stmt, i) == SQLITE_INTEGER) {
    vs_buf_addf (b, "%lld", (long long) sqlite3_column_int64 (stmt, i));
    return;
  }
  s = vs_rep_col (stmt, i, &len);
  if (s)
    h (b, s, len);
}

/* A <td> with column i. */
static void
td (struct vs_buf *b, sqlite3_stmt *stmt, int i, const char *cls)
{
  if (cls)
    vs_buf_addf (b, "<td class=\"%s\">", cls);
  else
    vs_buf_adds (b, "<td>");
  hcol (b, stmt, i);
  vs_buf_adds (b, "</td>");
}

static void
add_base64 (struct vs_buf *b, const unsigned char *p, size_t n)
{
  static const char tab[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i;

  for (i = 0; i + 2 < n; i += 3) {
    uint32_t v = (uint32_t) p[i] << 16 | (uint32_t) p[i + 1] << 8 | p[i + 2];

    vs_buf_addc (b, tab[v >> 18]);
    vs_buf_addc (b, tab[(v >> 12) & 63]);
    vs_buf_addc (b, tab[(v >> 6) & 63]);
    vs_buf_addc (b, tab[v & 63]);
  }
  if (n - i == 1) {
    vs_buf_addc (b, tab[p[i] >> 2]);
    vs_buf_addc (b, tab[(p[i] & 3) << 4]);
    vs_buf_adds (b, "==");
  }
  else if (n - i == 2) {
    vs_buf_addc (b, tab[p[i] >> 2]);
    vs_buf_addc (b, tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)]);
    vs_buf_addc (b, tab[(p[i + 1] & 15) << 2]);
    vs_buf_addc (b, '=');
  }
}

/* Appends 'sha256-BASE64' of s, a CSP source expression. */
static void
add_csp_hash (struct vs_buf *b, const char *s)
{
  struct vs_sha256 ctx;
  char hex[65];
  unsigned char raw[32];
  int i;

  vs_sha256_init (&ctx);
  vs_sha256_update (&ctx, s, strlen (s));
  vs_sha256_final_hex (&ctx, hex);
  for (i = 0; i < 32; i++) {
    unsigned hi = (unsigned) (hex[2 * i] <= '9' ? hex[2 * i] - '0'
                              : hex[2 * i] - 'a' + 10);
    unsigned lo = (unsigned) (hex[2 * i + 1] <= '9' ? hex[2 * i + 1] - '0'
                              : hex[2 * i + 1] - 'a' + 10);

    raw[i] = (unsigned char) (hi << 4 | lo);
  }
  vs_buf_adds (b, "'sha256-");
  add_base64 (b, raw, 32);
  vs_buf_addc (b, '\'');
}

static int
sev_of (sqlite3_stmt *stmt, int i)
{
  int s = sqlite3_column_int (stmt, i);

  return s >= 0 && s <= 4 ? s : 0;
}

/* ---- the case header --------------------------------------------------- */

/* A loaded value as HTML text (empty for NULL), as hcol () writes a
 * column. */
static void
hv (struct vs_buf *b, const struct vs_rep_value *v)
{
  if (v->type == SQLITE_INTEGER)
    vs_buf_addf (b, "%lld", (long long) v->i);
  else
    vs_rep_add_value (b, v, h);
}

/* A <td> with a loaded value. */
static void
tdv (struct vs_buf *b, const struct vs_rep_value *v, const char *cls)
{
  if (cls)
    vs_buf_addf (b, "<td class=\"%s\">", cls);
  else
    vs_buf_adds (b, "<td>");
  hv (b, v);
  vs_buf_adds (b, "</td>");
}

/* The scan's column name as HTML text. */
static void
hscan (struct vs_report *r, const char *name)
{
  hv (&r->out_buf, vs_rep_scan (&r->m, name));
}

/* A rule file or IOC list: its path, what (what_len bytes, then suffix,
 * when what is not NULL) in brackets, and its SHA-256. */
static void
file_row (struct vs_buf *b, const char *th, const struct vs_rep_value *path,
          const char *what, size_t what_len, const char *suffix,
          const struct vs_rep_value *sha256)
{
  vs_buf_addf (b, "<tr><th>%s</th><td><span class=\"path\">", th);
  hv (b, path);
  vs_buf_adds (b, "</span> (");
  if (what) {
    struct vs_buf e = VS_BUF_INIT;

    vs_buf_add (&e, what, what_len);
    if (suffix)
      vs_buf_adds (&e, suffix);
    h (b, e.data, e.len);
    vs_buf_release (&e);
  }
  vs_buf_adds (b, ")<br>sha256 <span class=\"mono\">");
  hv (b, sha256);
  vs_buf_adds (b, "</span></td></tr>");
}

static int
write_header (struct vs_report *r)
{
  struct vs_buf *b = &r->out_buf;
  const struct vs_rep_model *m = &r->m;
  const struct vs_rep_table *t;
  const struct vs_rep_value *v;
  const char *note = vs_rep_incomplete_note (r);
  size_t i;
  char sz[32];

  vs_buf_adds (b, "<header><h1>vmscan report</h1>");
  if (note) {
    vs_buf_adds (b, "<div class=\"incomplete\" role=\"alert\"><strong>");
    hs (b, note);
    vs_buf_adds (b, "</strong>");
    if (r->status_message) {
      vs_buf_adds (b, "<br>Reason recorded: ");
      hs (b, r->status_message);
    }
    vs_buf_adds (b, "</div>");
  }
  if (write_verdict (r) == -1)
    return -1;
  vs_buf_adds (b, "<table class=\"case\">");

  /* Images: id, disk_index, path, format, format_source, file_size,
   * virtual_size, sha256. */
  for (i = 0, t = &m->images; i < t->nrows; i++) {
    vs_buf_adds (b, "<tr><th>Image ");
    hv (b, vs_rep_cell (t, i, 1));
    vs_buf_adds (b, "</th><td><span class=\"path\">");
    hv (b, vs_rep_cell (t, i, 2));
    vs_buf_adds (b, "</span> (");
    hv (b, vs_rep_cell (t, i, 3));
    vs_buf_adds (b, ", ");
    hv (b, vs_rep_cell (t, i, 4));
    vs_format_size ((uint64_t) vs_rep_cell (t, i, 5)->i, sz);
    vs_buf_addf (b, ", file %s", sz);
    v = vs_rep_cell (t, i, 6);
    if (v->type != SQLITE_NULL) {
      vs_format_size ((uint64_t) v->i, sz);
      vs_buf_addf (b, ", disk %s", sz);
    }
    vs_buf_adds (b, ")<br>sha256 <span class=\"mono\">");
    hv (b, vs_rep_cell (t, i, 7));
    vs_buf_adds (b, "</span></td></tr>");
  }

  /* Operating systems: id, root_device, type, distro, product_name,
   * major_version, minor_version, hostname, arch, package_format, ... */
  for (i = 0, t = &m->oses; i < t->nrows; i++) {
    vs_buf_adds (b, "<tr><th>Operating system</th><td>");
    hv (b, vs_rep_cell (t, i, 4));
    vs_buf_adds (b, " (");
    hv (b, vs_rep_cell (t, i, 2));
    vs_buf_adds (b, " ");
    hv (b, vs_rep_cell (t, i, 3));
    vs_buf_adds (b, " ");
    hv (b, vs_rep_cell (t, i, 5));
    vs_buf_adds (b, ".");
    hv (b, vs_rep_cell (t, i, 6));
    vs_buf_adds (b, ", ");
    hv (b, vs_rep_cell (t, i, 8));
    vs_buf_adds (b, ", packages ");
    hv (b, vs_rep_cell (t, i, 9));
    vs_buf_adds (b, ")<br>host name <span class=\"mono\">");
    hv (b, vs_rep_cell (t, i, 7));
    vs_buf_adds (b, "</span>, root <span class=\"mono\">");
    hv (b, vs_rep_cell (t, i, 1));
    vs_buf_adds (b, "</span></td></tr>");
  }

  vs_buf_addf (b, "<tr><th>Scan</th><td><span class=\"badge %s\">",
               r->complete ? "sev-0" : "sev-4");
  hscan (r, "status");
  vs_buf_adds (b, "</span> ");
  hscan (r, "status_message");
  vs_buf_adds (b, "<br>started ");
  hscan (r, "started_at");
  vs_buf_adds (b, ", finished ");
  if (vs_rep_scan (m, "finished_at")->type == SQLITE_NULL)
    vs_buf_adds (b, "(never)");
  else
    hscan (r, "finished_at");
  vs_buf_adds (b, "<br>on host ");
  hscan (r, "host");
  vs_buf_adds (b, ", appliance backend ");
  hscan (r, "backend");
  vs_buf_adds (b, "</td></tr><tr><th>Command line</th><td class=\"mono\">");
  hscan (r, "command_line");
  vs_buf_adds (b, "</td></tr><tr><th>Versions</th><td>");
  vs_rep_add_versions (b, m, h, 1);
  vs_buf_adds (b, "</td></tr><tr><th>YARA</th><td>");
  if ((int) vs_rep_scan (m, "yara_enabled")->i) {
    vs_buf_adds (b, "on, files up to ");
    hscan (r, "yara_max_size");
    vs_buf_adds (b, " bytes");
  }
  else
    vs_buf_adds (b, "off");
  vs_buf_adds (b, "</td></tr>");

  /* Rule files (id, path, namespace, sha256, size), then IOC lists (id,
   * path, sha256, entries). */
  /* The rule files in one line, their list folded under it. */
  if (m->rule_files.nrows) {
    char digest[65];

    vs_rep_rules_digest (r, digest);
    vs_buf_addf (b, "<tr><th>Rule files</th><td>%zu files, digest <span "
                 "class=\"mono\">%s</span><details><summary>the files"
                 "</summary><table>", m->rule_files.nrows, digest);
    for (i = 0, t = &m->rule_files; i < t->nrows; i++) {
      v = vs_rep_cell (t, i, 2);
      file_row (b, "Rule file", vs_rep_cell (t, i, 1), v->s, v->len, NULL,
                vs_rep_cell (t, i, 3));
    }
    vs_buf_adds (b, "</table></details></td></tr>");
  }
  for (i = 0, t = &m->ioc_files; i < t->nrows; i++) {
    v = vs_rep_cell (t, i, 3);
    file_row (b, "IOC list", vs_rep_cell (t, i, 1), v->s, v->len,
              " indicators", vs_rep_cell (t, i, 2));
  }

  /* Filesystems: id, device, type, label, uuid, size, os_id,
   * os_mountpoint, walk_root, status, note, files, bytes. */
  vs_buf_adds (b, "<tr><th>Filesystems</th><td><table><tr><th>device</th>"
               "<th>type</th><th>label</th><th>mounted at</th>"
               "<th>status</th><th>entries</th></tr>");
  for (i = 0, t = &m->filesystems; i < t->nrows; i++) {
    vs_buf_adds (b, "<tr>");
    tdv (b, vs_rep_cell (t, i, 1), "mono");
    tdv (b, vs_rep_cell (t, i, 2), NULL);
    tdv (b, vs_rep_cell (t, i, 3), NULL);
    tdv (b, vs_rep_cell (t, i, 7), "path");
    vs_buf_adds (b, "<td>");
    hv (b, vs_rep_cell (t, i, 9));
    if (vs_rep_cell (t, i, 10)->type != SQLITE_NULL) {
      vs_buf_adds (b, ": ");
      hv (b, vs_rep_cell (t, i, 10));
    }
    vs_buf_adds (b, "</td>");
    tdv (b, vs_rep_cell (t, i, 11), NULL);
    vs_buf_adds (b, "</tr>");
  }
  vs_buf_addf (b, "</table></td></tr><tr><th>Report</th><td>made %s from "
               "<span class=\"path\">", r->generated_at);
  hs (b, r->db_path);
  vs_buf_addf (b, "</span> by vmscan %s, from the evidence database "
               "alone</td></tr></table>", PACKAGE_VERSION);
  vs_buf_adds (b, "<nav><a href=\"#findings\">Findings</a>"
               "<a href=\"#matches\">YARA matches</a>"
               "<a href=\"#pictures\">Pictures</a>"
               "<a href=\"#files\">Files</a><a href=\"#errors\">Errors</a>"
               "<a href=\"#checks\">Checks run</a></nav></header>\n");
  return 0;
}

/* The verdict, one line, then the stories, worst first, before the case
 * header. */
static int
write_verdict (struct vs_report *r)
{
  struct vs_buf *b = &r->out_buf;
  struct vs_buf v = VS_BUF_INIT;
  sqlite3_stmt *st;
  int rc, n = 0;

  if (vs_rep_verdict (r, &v) == -1) {
    vs_buf_release (&v);
    return -1;
  }
  vs_buf_adds (b, "<p class=\"verdict\"><strong>Verdict:</strong> ");
  h (b, v.data ? v.data : "", v.len);
  vs_buf_adds (b, "</p>");
  vs_buf_release (&v);
  st = vs_rep_prepare (r, VS_REP_STORIES_SQL);
  if (!st)
    return -1;
  while ((rc = vs_rep_step (r, st)) == 1) {
    int s = sev_of (st, 2);

    if (n++ == 0)
      vs_buf_adds (b, "<section id=\"stories\"><h2>Stories</h2><ol>");
    vs_buf_addf (b, "<li><span class=\"badge sev-%d\">%s</span> ", s,
                 vs_rep_severity[s]);
    hcol (b, st, 3);
    vs_buf_addf (b, " (%lld findings)</li>",
                 (long long) sqlite3_column_int64 (st, 5));
  }
  sqlite3_finalize (st);
  if (rc == -1)
    return -1;
  if (n)
    vs_buf_adds (b, "</ol></section>");
  return 0;
}

/* ---- findings ---------------------------------------------------------- */

/* A finding's state in the report: 0 none (no baseline), 1 new since
 * the baseline, 2 unchanged, 3 accepted by a suppression. */
static int
state_of (sqlite3_stmt *stmt)
{
  size_t len;
  const char *v;

  if (sqlite3_column_type (stmt, 14) != SQLITE_NULL)
    return 3;
  v = vs_rep_col (stmt, 13, &len);
  if (!v)
    return 0;
  return len == 3 && memcmp (v, "new", 3) == 0 ? 1 : 2;
}

static const char *const state_name[4] = {
  "", "new since the baseline", "unchanged since the baseline",
  "suppressed",
};
static const char *const state_id[4] = { "", "new-", "unchanged-",
  "suppressed-" };
static const char *const state_where[4] = {
  "1", "suppression_id IS NULL AND baseline = 'new'",
  "suppression_id IS NULL AND baseline IS NOT 'new'",
  "suppression_id IS NOT NULL",
};

/* The findings of severity s in state st (when any finding has a
 * state; by[s] otherwise). */
static int64_t
group_count (struct vs_report *r, int st, int s)
{
  char *sql;
  int64_t n;

  if (st == 0)
    return r->m.by_severity[s];
  sql = vs_xasprintf ("SELECT count (*) FROM findings WHERE %s AND "
                      "severity_rank = %d", state_where[st], s);
  n = vs_rep_int (r, sql, 0);
  free (sql);
  return n;
}

/* The baseline and the suppressions, before the findings. */
static int
write_review (struct vs_report *r)
{
  struct vs_buf *b = &r->out_buf;
  struct vs_rep_review c;
  sqlite3_stmt *stmt;
  int rc, i;

  if (vs_rep_review_counts (r, &c) == -1)
    return -1;
  if (!c.has_baseline && !c.applied && !c.stale && !c.expired)
    return 0;
  vs_buf_adds (b, "<section id=\"review\">");
  if (c.has_baseline) {
    vs_buf_addf (b, "<h2>New since the approved baseline (%lld)</h2>"
                 "<p>%lld new, %lld unchanged, %lld gone since ",
                 (long long) c.new_, (long long) c.new_,
                 (long long) c.unchanged, (long long) c.absent);
    stmt = vs_rep_prepare (r, VS_REP_BASELINES_SQL);
    if (!stmt)
      return -1;
    if ((rc = vs_rep_step (r, stmt)) == 1) {
      vs_buf_adds (b, "<span class=\"path\">");
      hcol (b, stmt, 0);
      vs_buf_adds (b, "</span>, approved by ");
      hcol (b, stmt, 4);
      vs_buf_adds (b, " at ");
      hcol (b, stmt, 5);
      vs_buf_adds (b, ": ");
      hcol (b, stmt, 6);
      if (sqlite3_column_type (stmt, 7) != SQLITE_NULL) {
        vs_buf_adds (b, " (");
        hcol (b, stmt, 7);
        vs_buf_adds (b, ")");
      }
    }
    sqlite3_finalize (stmt);
    if (rc == -1)
      return -1;
    vs_buf_adds (b, ".</p>");
    if (c.absent) {
      vs_buf_adds (b, "<h3>Gone since the baseline</h3><table class=\""
                   "findings\"><tr><th>Severity</th><th>Check</th>"
                   "<th>Title</th><th>Path</th><th>Evidence</th></tr>");
      stmt = vs_rep_prepare (r, VS_REP_ABSENT_SQL);
      if (!stmt)
        return -1;
      for (i = 0; (rc = vs_rep_step (r, stmt)) == 1
             && i < HTML_MAX_FINDINGS; i++) {
        vs_buf_adds (b, "<tr>");
        td (b, stmt, 2, NULL);
        td (b, stmt, 1, "mono");
        td (b, stmt, 5, NULL);
        td (b, stmt, 6, "path");
        td (b, stmt, 8, "mono");
        vs_buf_adds (b, "</tr>\n");
      }
      sqlite3_finalize (stmt);
      if (rc == -1)
        return -1;
      vs_buf_adds (b, "</table>");
    }
  }
  if (c.applied || c.stale || c.expired) {
    vs_buf_addf (b, "<h2>Suppressions (%lld findings accepted)</h2><p>%lld "
                 "entries applied, %lld stale (they matched nothing), %lld "
                 "expired (they accept nothing: the findings they match are "
                 "reported).</p><table class=\"findings\"><tr><th>Status"
                 "</th><th>File:line</th><th>Check</th><th>Path</th>"
                 "<th>Account</th><th>Reason</th><th>Expires</th>"
                 "<th>Ticket</th><th>Matched</th></tr>",
                 (long long) c.suppressed, (long long) c.applied,
                 (long long) c.stale, (long long) c.expired);
    stmt = vs_rep_prepare (r, "SELECT id, file, line, check_id, path, "
                           "account, fingerprint, reason, expires, ticket, "
                           "status, matched FROM suppressions ORDER BY "
                           "status = 'applied', id");
    if (!stmt)
      return -1;
    for (i = 0; (rc = vs_rep_step (r, stmt)) == 1 && i < HTML_MAX_FINDINGS;
         i++) {
      vs_buf_adds (b, "<tr>");
      td (b, stmt, 10, NULL);
      vs_buf_adds (b, "<td class=\"path\">");
      hcol (b, stmt, 1);
      vs_buf_adds (b, ":");
      hcol (b, stmt, 2);
      vs_buf_adds (b, "</td>");
      td (b, stmt, 3, "mono");
      td (b, stmt, 4, "path");
      td (b, stmt, 5, "mono");
      td (b, stmt, 7, NULL);
      td (b, stmt, 8, "mono");
      td (b, stmt, 9, "mono");
      td (b, stmt, 11, NULL);
      vs_buf_adds (b, "</tr>\n");
    }
    sqlite3_finalize (stmt);
    if (rc == -1)
      return -1;
    vs_buf_adds (b, "</table>");
  }
  vs_buf_adds (b, "</section>\n");
  return 0;
}

static int
write_findings (struct vs_report *r)
{
  const int64_t *by = r->m.by_severity;
  struct vs_buf *b = &r->out_buf;
  sqlite3_stmt *stmt;
  int64_t total = 0, n = 0;
  int rc, i, cur = -1, cur_state = -1;

  for (i = 0; i < 5; i++)
    total += by[i];
  vs_buf_addf (b, "<section id=\"findings\"><h2>Findings (%lld)</h2><p>",
               (long long) total);
  for (i = 4; i >= 0; i--)
    vs_buf_addf (b, "<span class=\"badge sev-%d\">%s %lld</span>", i,
                 vs_rep_severity[i], (long long) by[i]);
  vs_buf_adds (b, "</p>");
  if (total == 0)
    vs_buf_addf (b, "<p>No check found anything%s.</p>",
                 r->complete ? "" : " (in what was scanned)");
  stmt = vs_rep_prepare (r, VS_REP_FINDINGS_SQL);
  if (!stmt)
    return -1;
  while ((rc = vs_rep_step (r, stmt)) == 1 && n < HTML_MAX_FINDINGS) {
    int s = sev_of (stmt, 3), st = state_of (stmt);

    /* One table per state (new, unchanged, suppressed), then severity,
     * in the report order. */
    if (s != cur || st != cur_state) {
      if (cur != -1)
        vs_buf_adds (b, "</table>");
      cur = s;
      cur_state = st;
      vs_buf_addf (b, "<h3 class=\"sev sev-%d\" id=\"%ssev-%s\">%s%s%s "
                   "(%lld)</h3>"
                   "<table class=\"findings\"><tr><th>Check</th>"
                   "<th>Title</th><th>Path</th><th>Account</th>"
                   "<th>Evidence</th><th>ATT&amp;CK</th></tr>", s,
                   state_id[st], vs_rep_severity[s], vs_rep_severity[s],
                   st ? ", " : "", state_name[st],
                   (long long) group_count (r, st, s));
    }
    vs_buf_adds (b, "<tr><td><span class=\"mono\">");
    hcol (b, stmt, 1);
    vs_buf_adds (b, "</span><br>");
    hcol (b, stmt, 4);
    vs_buf_adds (b, "</td>");
    td (b, stmt, 5, NULL);
    td (b, stmt, 6, "path");
    td (b, stmt, 7, "mono");
    td (b, stmt, 8, "mono");
    td (b, stmt, 9, "mono");
    vs_buf_adds (b, "</tr>\n");
    n++;
    vs_rep_out_maybe (r);
  }
  sqlite3_finalize (stmt);
  if (rc == -1)
    return -1;
  if (cur != -1)
    vs_buf_adds (b, "</table>");
  if (total > n)
    vs_buf_addf (b, "<p class=\"note\">%lld more findings are not shown "
                 "here: <code>vmscan report DB --format json</code> or "
                 "<code>--format csv</code> has them all.</p>",
                 (long long) (total - n));
  vs_buf_adds (b, "</section>\n");
  return 0;
}

/* ---- YARA matches ------------------------------------------------------ */

static int
write_matches (struct vs_report *r)
{
  struct vs_buf *b = &r->out_buf;
  sqlite3_stmt *stmt, *st;
  int64_t total = r->m.matches, n = 0;
  int rc, rc2;

  vs_buf_addf (b, "<section id=\"matches\"><h2>YARA matches (%lld)</h2>",
               (long long) total);
  stmt = vs_rep_prepare (r, "SELECT m.id, m.rule, m.namespace, m.tags, "
                         "m.meta, f.path, f.sha256 FROM yara_matches m "
                         "LEFT JOIN files f ON f.id = m.file_id "
                         "ORDER BY f.path, m.rule, m.id");
  if (!stmt)
    return -1;
  st = vs_rep_prepare (r, "SELECT identifier, offset, length, data FROM "
                       "yara_strings WHERE match_id = ?1 "
                       "ORDER BY offset, id");
  if (!st) {
    sqlite3_finalize (stmt);
    return -1;
  }
  while ((rc = vs_rep_step (r, stmt)) == 1 && n < HTML_MAX_MATCHES) {
    vs_buf_adds (b, "<details open><summary><strong>");
    hcol (b, stmt, 1);
    vs_buf_adds (b, "</strong> (");
    hcol (b, stmt, 2);
    vs_buf_adds (b, ") in <span class=\"path\">");
    hcol (b, stmt, 5);
    vs_buf_adds (b, "</span></summary><p>tags: ");
    hcol (b, stmt, 3);
    vs_buf_adds (b, "; meta: <span class=\"mono\">");
    hcol (b, stmt, 4);
    vs_buf_adds (b, "</span>; file sha256 <span class=\"mono\">");
    hcol (b, stmt, 6);
    vs_buf_adds (b, "</span></p><table><tr><th>String</th><th>Offset</th>"
                 "<th>Length</th><th>Data (hex, first 64 bytes)</th></tr>");
    sqlite3_reset (st);
    sqlite3_bind_int64 (st, 1, sqlite3_column_int64 (stmt, 0));
    while ((rc2 = vs_rep_step (r, st)) == 1) {
      vs_buf_adds (b, "<tr>");
      td (b, st, 0, "mono");
      td (b, st, 1, NULL);
      td (b, st, 2, NULL);
      td (b, st, 3, "mono");
      vs_buf_adds (b, "</tr>");
    }
    vs_buf_adds (b, "</table></details>\n");
    if (rc2 == -1) {
      rc = -1;
      break;
    }
    n++;
    vs_rep_out_maybe (r);
  }
  sqlite3_finalize (stmt);
  sqlite3_finalize (st);
  if (rc == -1)
    return -1;
  if (total > n)
    vs_buf_addf (b, "<p class=\"note\">%lld more matches are not shown: "
                 "see <code>--format json</code>.</p>",
                 (long long) (total - n));
  vs_buf_adds (b, "</section>\n");
  return 0;
}

/* ---- pictures ---------------------------------------------------------- */

/* File types by bytes: horizontal bars. */
static int
svg_types (struct vs_report *r)
{
  struct vs_buf *b = &r->out_buf;
  sqlite3_stmt *stmt;
  double max = 0;
  int rc, n = 0, y;
  static const int W = 900, LABEL = 260, BAR = 18;

  stmt = vs_rep_prepare (r, "SELECT coalesce(substr(mime, 1, instr(mime || "
                         "';', ';') - 1), '(not classified)') AS t, "
                         "count(*), sum(size) FROM files WHERE type = "
                         "'file' GROUP BY t ORDER BY 3 DESC, 1 LIMIT 14");
  if (!stmt)
    return -1;
  /* Two passes over at most 14 rows: the first finds the largest. */
  while ((rc = vs_rep_step (r, stmt)) == 1) {
    if (sqlite3_column_double (stmt, 2) > max)
      max = sqlite3_column_double (stmt, 2);
    n++;
  }
  if (rc == -1) {
    sqlite3_finalize (stmt);
    return -1;
  }
  vs_buf_adds (b, "<h3>File types by size (regular files, by MIME type "
               "from libmagic)</h3>");
  if (n == 0) {
    vs_buf_adds (b, "<p class=\"note\">No regular files recorded.</p>");
    sqlite3_finalize (stmt);
    return 0;
  }
  vs_buf_addf (b, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
               "aria-label=\"file types by size\" width=\"%d\" "
               "height=\"%d\" viewBox=\"0 0 %d %d\">", W,
               n * (BAR + 6) + 10, W, n * (BAR + 6) + 10);
  sqlite3_reset (stmt);
  y = 5;
  while ((rc = vs_rep_step (r, stmt)) == 1) {
    double v = sqlite3_column_double (stmt, 2);
    int w = max > 0 ? (int) (v / max * (W - LABEL - 170)) : 0;
    char sz[32];

    vs_format_size ((uint64_t) sqlite3_column_int64 (stmt, 2), sz);
    vs_buf_addf (b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">",
                 LABEL - 6, y + 13);
    hcol (b, stmt, 0);
    vs_buf_addf (b, "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" "
                 "height=\"%d\" fill=\"#4a7bb7\"><title>", LABEL, y,
                 w > 1 ? w : 1, BAR);
    hcol (b, stmt, 0);
    vs_buf_addf (b, "</title></rect><text x=\"%d\" y=\"%d\">%s, %lld "
                 "files</text>", LABEL + (w > 1 ? w : 1) + 6, y + 13, sz,
                 (long long) sqlite3_column_int64 (stmt, 1));
    y += BAR + 6;
  }
  sqlite3_finalize (stmt);
  vs_buf_adds (b, "</svg>");
  return rc;
}

struct dir_count {
  char *dir;
  size_t len;
  int64_t n[5];
  int64_t total;
};

/* The directory a finding sits in, up to two levels deep ("/etc/cron.d"
 * for /etc/cron.d/x, "/etc" for /etc/passwd, "/" for /x). */
static size_t
dir_prefix (const char *p, size_t len)
{
  size_t i, slashes = 0, last = 0;

  if (len == 0 || p[0] != '/')
    return 0;
  for (i = 1; i < len; i++) {
    if (p[i] == '/') {
      last = i;
      if (++slashes == 2)
        return i;
    }
  }
  return last ? last : 1;
}

static int
cmp_dir (const void *a, const void *b)
{
  const struct dir_count *x = a, *y = b;
  size_t n = x->len < y->len ? x->len : y->len;
  int c;

  if (x->total != y->total)
    return x->total > y->total ? -1 : 1;
  c = memcmp (x->dir, y->dir, n);
  return c ? c : (x->len < y->len ? -1 : x->len > y->len);
}

/* Findings per directory: stacked bars by severity. */
static int
svg_tree (struct vs_report *r)
{
  struct vs_buf *b = &r->out_buf;
  struct dir_count *d = NULL;
  size_t nd = 0, nshow, i, len, plen;
  sqlite3_stmt *stmt;
  const char *p;
  int64_t max = 0;
  int rc, s, y, x;
  static const int W = 900, LABEL = 260, BAR = 18;

  stmt = vs_rep_prepare (r, "SELECT path, severity_rank FROM findings");
  if (!stmt)
    return -1;
  while ((rc = vs_rep_step (r, stmt)) == 1) {
    p = vs_rep_col (stmt, 0, &len);
    plen = p ? dir_prefix (p, len) : 0;
    if (!p || plen == 0) {
      p = "(no path)";
      plen = 9;
    }
    s = sev_of (stmt, 1);
    for (i = 0; i < nd; i++)
      if (d[i].len == plen && memcmp (d[i].dir, p, plen) == 0)
        break;
    if (i == nd) {
      if (nd >= 4096) {         /* a pathological spread: lump the rest */
        p = "(elsewhere)";
        plen = 11;
        for (i = 0; i < nd; i++)
          if (d[i].len == plen && memcmp (d[i].dir, p, plen) == 0)
            break;
      }
      if (i == nd) {
        d = vs_xrealloc (d, (nd + 1) * sizeof *d);
        memset (&d[nd], 0, sizeof *d);
        d[nd].dir = vs_xmemdup (p, plen);
        d[nd].len = plen;
        nd++;
      }
    }
    d[i].n[s]++;
    d[i].total++;
  }
  sqlite3_finalize (stmt);
  vs_buf_adds (b, "<h3>Where the findings are (by directory, two levels "
               "deep; colours by severity)</h3>");
  if (rc == -1 || nd == 0) {
    if (rc != -1)
      vs_buf_adds (b, "<p class=\"note\">No findings.</p>");
    goto out;
  }
  qsort (d, nd, sizeof *d, cmp_dir);
  max = d[0].total;
  nshow = nd < HTML_MAX_DIRS ? nd : HTML_MAX_DIRS;
  vs_buf_addf (b, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
               "aria-label=\"findings by directory\" width=\"%d\" "
               "height=\"%d\" viewBox=\"0 0 %d %d\">", W,
               (int) nshow * (BAR + 6) + 30, W, (int) nshow * (BAR + 6) + 30);
  y = 5;
  for (i = 0; i < nshow; i++) {
    vs_buf_addf (b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" "
                 "font-family=\"monospace\">", LABEL - 6, y + 13);
    h (b, d[i].dir, d[i].len);
    vs_buf_adds (b, "</text>");
    x = LABEL;
    for (s = 4; s >= 0; s--) {
      int w = (int) ((double) d[i].n[s] / (double) max * (W - LABEL - 80));

      if (d[i].n[s] == 0)
        continue;
      if (w < 2)
        w = 2;
      vs_buf_addf (b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                   "fill=\"%s\"><title>%lld %s</title></rect>", x, y, w, BAR,
                   sev_color[s], (long long) d[i].n[s], vs_rep_severity[s]);
      x += w;
    }
    vs_buf_addf (b, "<text x=\"%d\" y=\"%d\">%lld</text>", x + 6, y + 13,
                 (long long) d[i].total);
    y += BAR + 6;
  }
  x = LABEL;
  for (s = 4; s >= 0; s--) {
    vs_buf_addf (b, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" "
                 "fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>", x, y + 4,
                 sev_color[s], x + 16, y + 14, vs_rep_severity[s]);
    x += 90;
  }
  vs_buf_adds (b, "</svg>");
  if (nd > nshow)
    vs_buf_addf (b, "<p class=\"note\">%zu more directories with findings "
                 "are not drawn.</p>", nd - nshow);

 out:
  for (i = 0; i < nd; i++)
    free (d[i].dir);
  free (d);
  return rc == -1 ? -1 : 0;
}

struct marker {
  int64_t t;
  int sev;
  char *label;                  /* HTML, escaped */
};

#define TIME_LIMIT (INT64_C (1) << 40)  /* past this, a time is noise */

/* Counts of files whose column col falls in each bin of [lo, hi). */
static int
time_bins (struct vs_report *r, const char *col, int64_t lo, int64_t hi,
           int64_t bins[HTML_TIMELINE_BINS])
{
  struct vs_buf sql = VS_BUF_INIT;
  sqlite3_stmt *stmt;
  int rc;

  memset (bins, 0, HTML_TIMELINE_BINS * sizeof *bins);
  vs_buf_addf (&sql, "SELECT (%s - ?1) * %d / (?2 - ?1), count(*) FROM files "
               "WHERE %s >= ?1 AND %s < ?2 GROUP BY 1", col,
               HTML_TIMELINE_BINS, col, col);
  stmt = vs_rep_prepare (r, sql.data);
  vs_buf_release (&sql);
  if (!stmt)
    return -1;
  sqlite3_bind_int64 (stmt, 1, lo);
  sqlite3_bind_int64 (stmt, 2, hi);
  while ((rc = vs_rep_step (r, stmt)) == 1) {
    int64_t i = sqlite3_column_int64 (stmt, 0);

    if (i >= 0 && i < HTML_TIMELINE_BINS)
      bins[i] = sqlite3_column_int64 (stmt, 1);
  }
  sqlite3_finalize (stmt);
  return rc;
}

static void
axis_label (struct vs_buf *b, int x, int y, int64_t t, const char *anchor)
{
  char iso[32];

  vs_rep_iso_time (t, iso);
  iso[16] = '\0';               /* YYYY-MM-DDTHH:MM */
  iso[10] = ' ';
  vs_buf_addf (b, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\">%s</text>", x,
               y, anchor, iso);
}

/* Changes near the findings: a histogram of mtimes and ctimes around the
 * times of the files that findings point at, with those times marked. */
static int
svg_timeline (struct vs_report *r)
{
  struct vs_buf *b = &r->out_buf;
  struct marker *m = NULL;
  size_t nm = 0, i;
  sqlite3_stmt *stmt;
  int64_t lo = INT64_MAX, hi = INT64_MIN, mt[HTML_TIMELINE_BINS],
    ct[HTML_TIMELINE_BINS], max = 1, span;
  int rc, k, fallback = 0;
  static const int W = 900, H = 240, L = 50, R = 20, T = 20, B = 40;
  const int pw = W - L - R, ph = H - T - B;

  stmt = vs_rep_prepare (r, "SELECT f.mtime, fi.severity_rank, f.path FROM "
                         "findings fi JOIN files f ON f.id = fi.file_id "
                         "WHERE f.mtime IS NOT NULL UNION ALL SELECT "
                         "f.mtime, fi.severity_rank, f.path FROM findings "
                         "fi JOIN files f ON f.path = fi.path WHERE "
                         "fi.file_id IS NULL AND f.mtime IS NOT NULL");
  if (!stmt)
    return -1;
  while ((rc = vs_rep_step (r, stmt)) == 1) {
    int64_t t = sqlite3_column_int64 (stmt, 0);
    size_t len;
    const char *p = vs_rep_col (stmt, 2, &len);

    if (t <= -TIME_LIMIT || t >= TIME_LIMIT)
      continue;
    if (t < lo)
      lo = t;
    if (t > hi)
      hi = t;
    if (nm < HTML_MAX_MARKERS) {
      struct vs_buf lb = VS_BUF_INIT;
      char iso[32];

      m = vs_xrealloc (m, (nm + 1) * sizeof *m);
      m[nm].t = t;
      m[nm].sev = sev_of (stmt, 1);
      vs_rep_iso_time (t, iso);
      vs_buf_addf (&lb, "%s %s: ", vs_rep_severity[m[nm].sev], iso);
      h (&lb, p, len);
      m[nm].label = vs_buf_detach (&lb, NULL);
      nm++;
    }
  }
  sqlite3_finalize (stmt);
  if (rc == -1)
    goto out;
  if (lo > hi) {
    /* No finding points at a file with a time: show the last 60 days of
     * changes before the newest one. */
    fallback = 1;
    hi = vs_rep_int (r, "SELECT max(mtime) FROM files WHERE mtime < "
                     "(1 << 40)", INT64_MIN);
    if (hi == INT64_MIN) {
      vs_buf_adds (b, "<h3>Changes near the findings</h3><p class=\"note\">"
                   "No file times recorded.</p>");
      goto out;
    }
    hi += 1;
    lo = hi - 60 * 86400;
  }
  else {
    lo -= 3 * 86400;
    hi += 3 * 86400;
  }
  span = hi - lo;
  if (time_bins (r, "mtime", lo, hi, mt) == -1
      || time_bins (r, "ctime", lo, hi, ct) == -1) {
    rc = -1;
    goto out;
  }
  for (k = 0; k < HTML_TIMELINE_BINS; k++) {
    if (mt[k] > max)
      max = mt[k];
    if (ct[k] > max)
      max = ct[k];
  }
  vs_buf_addf (b, "<h3>Changes near the findings (%s; files modified "
               "(blue bars) and inode changes (orange line) per %s, "
               "logarithmic)</h3>",
               fallback ? "no finding points at a file with a time: the "
               "60 days before the newest change"
               : "3 days either side of the files with findings, marked "
               "by severity",
               span / HTML_TIMELINE_BINS >= 86400 ? "interval of a day or "
               "more" : "interval");
  vs_buf_addf (b, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
               "aria-label=\"timeline of changes\" width=\"%d\" "
               "height=\"%d\" viewBox=\"0 0 %d %d\">", W, H, W, H);
  vs_buf_addf (b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
               "stroke=\"#888\"/>", L, T + ph, L + pw, T + ph);
  for (k = 0; k < HTML_TIMELINE_BINS; k++) {
    double v = mt[k] ? log1p ((double) mt[k]) / log1p ((double) max) : 0;
    int bh = (int) (v * ph), bx = L + k * pw / HTML_TIMELINE_BINS;

    if (mt[k] == 0)
      continue;
    if (bh < 1)
      bh = 1;
    vs_buf_addf (b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                 "fill=\"#4a7bb7\"><title>%lld modified</title></rect>", bx,
                 T + ph - bh, pw / HTML_TIMELINE_BINS - 1, bh,
                 (long long) mt[k]);
  }
  vs_buf_adds (b, "<polyline fill=\"none\" stroke=\"#e08a00\" "
               "stroke-width=\"2\" points=\"");
  for (k = 0; k < HTML_TIMELINE_BINS; k++) {
    double v = ct[k] ? log1p ((double) ct[k]) / log1p ((double) max) : 0;

    vs_buf_addf (b, "%d,%d ", L + k * pw / HTML_TIMELINE_BINS
                 + pw / HTML_TIMELINE_BINS / 2, T + ph - (int) (v * ph));
  }
  vs_buf_adds (b, "\"/>");
  for (i = 0; i < nm; i++) {
    int x = L + (int) ((double) (m[i].t - lo) / (double) span * pw);

    vs_buf_addf (b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                 "stroke=\"%s\" stroke-width=\"2\"><title>%s</title></line>",
                 x, T - 10, x, T + ph, sev_color[m[i].sev], m[i].label);
  }
  vs_buf_addf (b, "<text x=\"%d\" y=\"%d\">%lld</text>", 4, T + 10,
               (long long) max);
  axis_label (b, L, H - 12, lo, "start");
  axis_label (b, L + pw / 2, H - 12, lo + span / 2, "middle");
  axis_label (b, L + pw, H - 12, hi, "end");
  vs_buf_adds (b, "</svg>");
  if (nm == HTML_MAX_MARKERS)
    vs_buf_addf (b, "<p class=\"note\">Only the first %d finding times are "
                 "marked.</p>", HTML_MAX_MARKERS);

 out:
  for (i = 0; i < nm; i++)
    free (m[i].label);
  free (m);
  return rc == -1 ? -1 : 0;
}

/* ---- the file table ---------------------------------------------------- */

/* A display-form JSON string for the table data ("" for NULL). */
static void
jdisp (struct vs_buf *b, sqlite3_stmt *stmt, int i)
{
  struct vs_buf d = VS_BUF_INIT;
  size_t len;
  const char *s = vs_rep_col (stmt, i, &len);

  if (s)
    vs_report_add_display (&d, s, len);
  vs_buf_add_json_string (b, d.data ? d.data : "", d.len, 1);
  vs_buf_release (&d);
}

#define FLAGGED_CTE \
  "WITH fl AS (SELECT file_id AS fid, severity_rank AS r FROM findings " \
  "WHERE file_id IS NOT NULL UNION ALL SELECT f2.id, fi.severity_rank " \
  "FROM findings fi JOIN files f2 ON f2.path = fi.path WHERE fi.file_id " \
  "IS NULL UNION ALL SELECT file_id, -1 FROM yara_matches), " \
  "fm AS MATERIALIZED (SELECT fid, max(r) AS r FROM fl GROUP BY fid) "
#define FILE_COLUMNS \
  "SELECT f.path, f.type, f.size, f.mode, f.uid, f.gid, f.mtime, " \
  "f.sha256, coalesce(f.mime, f.magic), fm.r, (SELECT count(*) FROM " \
  "yara_matches m WHERE m.file_id = f.id), f.link_target "

static int
write_file_rows (struct vs_report *r, const char *sql, int64_t limit,
                 int64_t *n)
{
  struct vs_buf *b = &r->out_buf;
  sqlite3_stmt *stmt = vs_rep_prepare (r, sql);
  char mode[11];
  int rc;

  if (!stmt)
    return -1;
  sqlite3_bind_int64 (stmt, 1, limit);
  while ((rc = vs_rep_step (r, stmt)) == 1) {
    vs_buf_adds (b, *n ? ",\n[" : "\n[");
    jdisp (b, stmt, 0);
    vs_buf_addc (b, ',');
    jdisp (b, stmt, 1);
    vs_report_mode_string ((uint32_t) sqlite3_column_int64 (stmt, 3), mode);
    vs_buf_addf (b, ",%lld,\"%s\",%lld,%lld,",
                 (long long) sqlite3_column_int64 (stmt, 2), mode,
                 (long long) sqlite3_column_int64 (stmt, 4),
                 (long long) sqlite3_column_int64 (stmt, 5));
    if (sqlite3_column_type (stmt, 6) == SQLITE_NULL)
      vs_buf_adds (b, "null");
    else
      vs_buf_addf (b, "%lld", (long long) sqlite3_column_int64 (stmt, 6));
    vs_buf_addc (b, ',');
    jdisp (b, stmt, 7);
    vs_buf_addc (b, ',');
    jdisp (b, stmt, 8);
    vs_buf_addf (b, ",%d,%lld,",
                 sqlite3_column_type (stmt, 9) == SQLITE_NULL ? -1
                 : sqlite3_column_int (stmt, 9),
                 (long long) sqlite3_column_int64 (stmt, 10));
    jdisp (b, stmt, 11);
    vs_buf_addc (b, ']');
    (*n)++;
    vs_rep_out_maybe (r);
  }
  sqlite3_finalize (stmt);
  return rc;
}

static int
write_files (struct vs_report *r)
{
  struct vs_buf *b = &r->out_buf;
  int64_t total = r->m.files, n = 0;
  int64_t cap = (int64_t) r->html_max_files;
  static const char *const types[] = {
    "file", "dir", "symlink", "chardev", "blockdev", "fifo", "socket",
    "unknown",
  };
  static const char *const heads[] = {
    "Path", "Type", "Size", "Mode", "UID", "GID", "Modified (UTC)",
    "SHA-256", "Content (libmagic)", "Finding", "YARA",
  };
  size_t i;

  vs_buf_addf (b, "<section id=\"files\"><h2>Files (%lld recorded)</h2>"
               "<p id=\"files-nojs\" class=\"note\">The file table is "
               "drawn by this page's script, which is not running.  "
               "<code>vmscan report DB --format csv-files</code> or "
               "<code>--format json</code> gives every row.</p>"
               "<div id=\"files-js\" hidden><div class=\"controls\">"
               "<input type=\"search\" id=\"files-filter\" "
               "placeholder=\"filter by path, SHA-256 or content type\" "
               "aria-label=\"filter the files\"><select id=\"files-type\" "
               "aria-label=\"type\"><option value=\"\">all types</option>",
               (long long) total);
  for (i = 0; i < VS_ARRAY_SIZE (types); i++)
    vs_buf_addf (b, "<option value=\"%s\">%s</option>", types[i], types[i]);
  vs_buf_adds (b, "</select><label><input type=\"checkbox\" "
               "id=\"files-flagged\"> only files with findings or YARA "
               "matches</label></div><div class=\"controls\"><button "
               "type=\"button\" id=\"files-prev\">previous</button><button "
               "type=\"button\" id=\"files-next\">next</button><span "
               "id=\"files-status\"></span></div>");
  if (total > cap)
    vs_buf_addf (b, "<p class=\"note\" id=\"files-capped\">This page embeds "
                 "%lld of the %lld entries (every file with a finding or "
                 "a YARA match first, then the rest in path order).  "
                 "<code>vmscan report DB --format csv-files</code> or "
                 "<code>--format json</code> has all of them; "
                 "<code>--max-files N</code> embeds more.</p>",
                 (long long) cap, (long long) total);
  vs_buf_adds (b, "<table id=\"files-table\"><thead><tr>");
  for (i = 0; i < VS_ARRAY_SIZE (heads); i++)
    vs_buf_addf (b, "<th data-col=\"%zu\">%s</th>", i == 0 ? 0 : i, heads[i]);
  vs_buf_adds (b, "</tr></thead><tbody id=\"files-body\"></tbody></table>"
               "</div></section>\n");

  /* The data: files with findings or matches first, then the rest in
   * path order (the files_path index, streamed) up to the cap. */
  vs_buf_adds (b, "<script type=\"application/json\" id=\"vs-files\">[");
  if (write_file_rows (r, FLAGGED_CTE FILE_COLUMNS
                       "FROM fm JOIN files f ON f.id = fm.fid "
                       "ORDER BY f.path LIMIT ?1", cap, &n) == -1)
    return -1;
  if (n < cap
      && write_file_rows (r, FLAGGED_CTE FILE_COLUMNS
                          "FROM files f LEFT JOIN fm ON fm.fid = f.id "
                          "WHERE fm.fid IS NULL ORDER BY f.path LIMIT ?1",
                          cap - n, &n) == -1)
    return -1;
  vs_buf_adds (b, "\n]</script>\n");
  return 0;
}

/* ---- errors and checks ------------------------------------------------- */

static int
write_errors (struct vs_report *r)
{
  struct vs_buf *b = &r->out_buf;
  const struct vs_rep_table *t;
  int64_t total = r->m.errors, n = 0;
  sqlite3_stmt *stmt;
  size_t i;
  int rc;

  vs_buf_addf (b, "<section id=\"errors\"><h2>Errors (%lld)</h2>",
               (long long) total);
  stmt = vs_rep_prepare (r, "SELECT e.stage, fs.device, e.path, e.message, "
                         "e.at FROM errors e LEFT JOIN filesystems fs ON "
                         "fs.id = e.fs_id ORDER BY e.id");
  if (!stmt)
    return -1;
  if (total)
    vs_buf_adds (b, "<table><tr><th>Stage</th><th>Filesystem</th>"
                 "<th>Path</th><th>Message</th><th>At</th></tr>");
  while ((rc = vs_rep_step (r, stmt)) == 1 && n < HTML_MAX_ERRORS) {
    vs_buf_adds (b, "<tr>");
    td (b, stmt, 0, NULL);
    td (b, stmt, 1, "mono");
    td (b, stmt, 2, "path");
    td (b, stmt, 3, NULL);
    td (b, stmt, 4, "mono");
    vs_buf_adds (b, "</tr>\n");
    n++;
    vs_rep_out_maybe (r);
  }
  sqlite3_finalize (stmt);
  if (rc == -1)
    return -1;
  if (total)
    vs_buf_adds (b, "</table>");
  if (total > n)
    vs_buf_addf (b, "<p class=\"note\">%lld more errors: see "
                 "<code>--format json</code>.</p>", (long long) (total - n));
  vs_buf_adds (b, "</section>\n");

  /* Check runs: id, os_id, check_id, status, items, note, root_device. */
  vs_buf_adds (b, "<section id=\"checks\"><h2>Checks run</h2>");
  vs_buf_adds (b, "<table><tr><th>Check</th><th>OS root</th>"
               "<th>Status</th><th>Items examined</th><th>Note</th></tr>");
  for (i = 0, t = &r->m.check_runs; i < t->nrows; i++) {
    vs_buf_adds (b, "<tr>");
    tdv (b, vs_rep_cell (t, i, 2), "mono");
    tdv (b, vs_rep_cell (t, i, 6), "mono");
    tdv (b, vs_rep_cell (t, i, 3), NULL);
    tdv (b, vs_rep_cell (t, i, 4), NULL);
    tdv (b, vs_rep_cell (t, i, 5), NULL);
    vs_buf_adds (b, "</tr>\n");
  }
  vs_buf_adds (b, "</table></section>\n");
  return 0;
}

/* ---- the page ---------------------------------------------------------- */

int
vs_report_html (struct vs_report *r)
{
  struct vs_buf *b = &r->out_buf;

  vs_buf_adds (b, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
               "<meta charset=\"utf-8\">\n<meta http-equiv=\""
               "Content-Security-Policy\" content=\"default-src 'none'; "
               "img-src 'none'; style-src ");
  add_csp_hash (b, css);
  vs_buf_adds (b, "; script-src ");
  add_csp_hash (b, js);
  vs_buf_adds (b, "; base-uri 'none'; form-action 'none'\">\n"
               "<meta name=\"referrer\" content=\"no-referrer\">"
               "<meta name=\"viewport\" content=\"width=device-width, "
               "initial-scale=1\"><title>vmscan report");
  /* The first image: images are in disk_index, id order. */
  if (r->m.images.nrows) {
    vs_buf_adds (b, ": ");
    hv (b, vs_rep_cell (&r->m.images, 0, 2));
  }
  if (!r->complete)
    vs_buf_adds (b, " (INCOMPLETE)");
  vs_buf_addf (b, "</title>\n<style>%s</style>\n</head>\n<body>\n", css);

  if (write_header (r) == -1 || write_review (r) == -1 || write_findings (r) == -1
      || write_matches (r) == -1)
    return -1;
  vs_buf_adds (b, "<section id=\"pictures\"><h2>Pictures of the image</h2>");
  if (svg_types (r) == -1 || svg_tree (r) == -1 || svg_timeline (r) == -1)
    return -1;
  vs_buf_adds (b, "</section>\n");
  if (write_errors (r) == -1 || write_files (r) == -1)
    return -1;
  vs_buf_addf (b, "<script>%s</script>\n</body></html>\n", js);
  return 0;
}
