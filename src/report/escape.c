/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: escaping of image strings for each report format.
 *
 * All of it is built on one decoder, vs_utf8_decode() (base/util.c),
 * which reads one UTF-8 sequence or says the byte is bad; see escape.h
 * for the contract of each escaper and the display form they share.
 * JSON strings are base/util.c's vs_buf_add_json_string, the one JSON
 * escaper, which the database's YARA meta uses too.
 */
#include <config.h>

#include <string.h>
#include <sys/stat.h>

#include "report/escape.h"
#include "base/util.h"

static const char hexdigits[] = "0123456789abcdef";

/* Characters that change direction or show nothing: a name made of them
 * can pass for another. */
static int
is_invisible (uint32_t cp)
{
  return cp == 0x061c || (cp >= 0x200b && cp <= 0x200f)
    || (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2064)
    || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

static void
add_xbyte (struct vs_buf *b, unsigned char c)
{
  char e[4] = { '\\', 'x', hexdigits[c >> 4], hexdigits[c & 15] };

  vs_buf_add (b, e, 4);
}

/* The display form, with each resulting ASCII character passed through
 * emit (which may escape it again for the target format). */
static void
display (struct vs_buf *b, const char *s, size_t len,
         void (*emit) (struct vs_buf *, char))
{
  const unsigned char *p = (const unsigned char *) s;
  struct vs_buf tmp = VS_BUF_INIT;
  size_t i = 0, n, k;
  uint32_t cp;

  while (i < len) {
    unsigned char c = p[i];

    vs_buf_setlen (&tmp, 0);
    n = 1;
    if (c == '\\')
      vs_buf_adds (&tmp, "\\\\");
    else if (c == '\n')
      vs_buf_adds (&tmp, "\\n");
    else if (c == '\t')
      vs_buf_adds (&tmp, "\\t");
    else if (c == '\r')
      vs_buf_adds (&tmp, "\\r");
    else if (c < 0x20 || c == 0x7f)
      add_xbyte (&tmp, c);
    else if (c < 0x80)
      vs_buf_addc (&tmp, (char) c);
    else if ((n = vs_utf8_decode (p + i, len - i, &cp)) == 0) {
      add_xbyte (&tmp, c);
      n = 1;
    }
    else if (cp < 0xa0) {       /* C1 control: show its two bytes */
      add_xbyte (&tmp, p[i]);
      add_xbyte (&tmp, p[i + 1]);
    }
    else if (is_invisible (cp))
      vs_buf_addf (&tmp, "\\u{%04x}", (unsigned) cp);
    else {
      /* Printable non-ASCII: as it is (emit only sees ASCII). */
      vs_buf_add (b, p + i, n);
      i += n;
      continue;
    }
    for (k = 0; k < tmp.len; k++)
      emit (b, tmp.data[k]);
    i += n;
  }
  vs_buf_release (&tmp);
}

static void
emit_plain (struct vs_buf *b, char c)
{
  vs_buf_addc (b, c);
}

void
vs_report_add_display (struct vs_buf *b, const char *s, size_t len)
{
  display (b, s, len, emit_plain);
}

/* &, < and > as character references (in HTML and in Markdown alike);
 * returns 0 for any other character. */
static int
emit_entity (struct vs_buf *b, char c)
{
  switch (c) {
  case '&': vs_buf_adds (b, "&amp;"); return 1;
  case '<': vs_buf_adds (b, "&lt;"); return 1;
  case '>': vs_buf_adds (b, "&gt;"); return 1;
  default: return 0;
  }
}

static void
emit_html (struct vs_buf *b, char c)
{
  if (emit_entity (b, c))
    return;
  if (c == '"')
    vs_buf_adds (b, "&quot;");
  else if (c == '\'')
    vs_buf_adds (b, "&#39;");
  else
    vs_buf_addc (b, c);
}

void
vs_report_add_html (struct vs_buf *b, const char *s, size_t len)
{
  display (b, s, len, emit_html);
}

/* One character of the display form in Markdown; '@' is not seen here
 * (see vs_report_add_md). */
static void
emit_md (struct vs_buf *b, char c)
{
  if (emit_entity (b, c))
    return;
  if (c && strchr ("\\`*_{}[]()#+-.!|~:\"'", c))
    vs_buf_addc (b, '\\');
  vs_buf_addc (b, c);
}

void
vs_report_add_md (struct vs_buf *b, const char *s, size_t len)
{
  struct vs_buf d = VS_BUF_INIT;
  size_t i = 0, j;

  /* GFM's autolink extension makes "x@host.tld" a mailto: link even when
   * the '@' is escaped (or written &#64;); inside a code span it stays
   * text.  A whole run of '@' goes in one span: two spans side by side
   * ("`@``@`") would read as one span holding "@``@".  Nothing else is
   * ever in a span, and a backtick outside one is escaped, so a span
   * always opens and closes on a single backtick. */
  vs_report_add_display (&d, s, len);
  while (i < d.len) {
    if (d.data[i] != '@') {
      emit_md (b, d.data[i++]);
      continue;
    }
    for (j = i; j < d.len && d.data[j] == '@'; j++)
      ;
    vs_buf_addc (b, '`');
    vs_buf_add (b, d.data + i, j - i);
    vs_buf_addc (b, '`');
    i = j;
  }
  vs_buf_release (&d);
}

static void
emit_body (struct vs_buf *b, char c)
{
  if (c == '%')
    vs_buf_adds (b, "%25");
  else if (c == '|')
    vs_buf_adds (b, "%7C");
  else
    vs_buf_addc (b, c);
}

void
vs_report_add_body (struct vs_buf *b, const char *s, size_t len)
{
  display (b, s, len, emit_body);
}

void
vs_report_add_csv (struct vs_buf *b, const char *s, size_t len)
{
  const unsigned char *p = (const unsigned char *) s;
  size_t i = 0, n;
  uint32_t cp;

  vs_buf_addc (b, '"');
  if (len > 0 && strchr ("=+-@\t\r'", p[0]))
    vs_buf_addc (b, '\'');
  while (i < len) {
    if (p[i] == '"')
      vs_buf_adds (b, "\"\"");
    else if (p[i] < 0x80)
      vs_buf_addc (b, (char) p[i]);
    else if ((n = vs_utf8_decode (p + i, len - i, &cp)) == 0)
      vs_buf_adds (b, "\xef\xbf\xbd");
    else {
      vs_buf_add (b, p + i, n);
      i += n;
      continue;
    }
    i++;
  }
  vs_buf_addc (b, '"');
}

/* One path segment, percent-encoded but for the unreserved characters
 * of RFC 3986. */
static void
add_uri_segment (struct vs_buf *b, const unsigned char *p, size_t len)
{
  size_t i;

  for (i = 0; i < len; i++) {
    unsigned char c = p[i];

    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'
        || c == '~')
      vs_buf_addc (b, (char) c);
    else {
      char e[3] = { '%', "0123456789ABCDEF"[c >> 4],
                    "0123456789ABCDEF"[c & 15] };

      vs_buf_add (b, e, 3);
    }
  }
}

void
vs_report_add_uri_path (struct vs_buf *b, const char *s, size_t len)
{
  const unsigned char *p = (const unsigned char *) s;
  /* The segments kept so far, as (start, length) pairs into s: a stack
   * that ".." pops.  At most one per two bytes of s. */
  size_t *seg = NULL, nseg = 0, i = 0, k;

  if (len)
    seg = vs_xmalloc ((len / 2 + 1) * 2 * sizeof *seg);
  while (i < len) {
    size_t start, n;

    while (i < len && p[i] == '/')
      i++;
    start = i;
    while (i < len && p[i] != '/')
      i++;
    n = i - start;
    if (n == 0 || (n == 1 && p[start] == '.'))
      continue;
    if (n == 2 && p[start] == '.' && p[start + 1] == '.') {
      if (nseg)                 /* ".." at the root stays at the root */
        nseg--;
      continue;
    }
    seg[2 * nseg] = start;
    seg[2 * nseg + 1] = n;
    nseg++;
  }
  for (k = 0; k < nseg; k++) {
    if (k)
      vs_buf_addc (b, '/');
    add_uri_segment (b, p + seg[2 * k], seg[2 * k + 1]);
  }
  free (seg);
}

void
vs_report_mode_string (uint32_t mode, char out[11])
{
  char t;

  switch (mode & S_IFMT) {
  case S_IFREG: t = '-'; break;
  case S_IFDIR: t = 'd'; break;
  case S_IFLNK: t = 'l'; break;
  case S_IFCHR: t = 'c'; break;
  case S_IFBLK: t = 'b'; break;
  case S_IFIFO: t = 'p'; break;
  case S_IFSOCK: t = 's'; break;
  default: t = '?';
  }
  out[0] = t;
  out[1] = mode & S_IRUSR ? 'r' : '-';
  out[2] = mode & S_IWUSR ? 'w' : '-';
  out[3] = mode & S_ISUID ? (mode & S_IXUSR ? 's' : 'S')
    : (mode & S_IXUSR ? 'x' : '-');
  out[4] = mode & S_IRGRP ? 'r' : '-';
  out[5] = mode & S_IWGRP ? 'w' : '-';
  out[6] = mode & S_ISGID ? (mode & S_IXGRP ? 's' : 'S')
    : (mode & S_IXGRP ? 'x' : '-');
  out[7] = mode & S_IROTH ? 'r' : '-';
  out[8] = mode & S_IWOTH ? 'w' : '-';
  out[9] = mode & S_ISVTX ? (mode & S_IXOTH ? 't' : 'T')
    : (mode & S_IXOTH ? 'x' : '-');
  out[10] = '\0';
}
