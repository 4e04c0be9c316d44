/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: escaping of image strings for each report format.
 *
 * Every string that came from the image (paths, link targets, evidence,
 * account names, libmagic descriptions of crafted content) is hostile: it
 * may hold any byte but NUL (and, read with an explicit length, even NUL),
 * need not be UTF-8, and may be made to look like markup, a formula, a
 * field separator or a second line.  Each function below appends s (len
 * bytes) to b in a form that is inert in one output context.  They hold
 * no state and never fail (allocation failure aborts, as vs_buf does).
 *
 * The "display form" is what a person reads (HTML, Markdown, bodyfile):
 * valid UTF-8 and printable characters stay as they are; a backslash
 * becomes \\, newline, tab and carriage return \n, \t, \r, any other
 * control character (C0, DEL, C1) and any byte that is not part of valid
 * UTF-8 \xNN (one per byte), and the invisible or direction-changing
 * characters (U+061C, U+200B..U+200F, U+2028..U+202E, U+2060..U+2064,
 * U+2066..U+2069, U+FEFF) \u{XXXX}.  It is one line, valid UTF-8, shows
 * nothing that is not there, and can be decoded back to the exact bytes.
 */
#ifndef VS_REPORT_ESCAPE_H
#define VS_REPORT_ESCAPE_H

#include <stddef.h>
#include <stdint.h>

#include "base/util.h"

/* Appends the display form of s (see above). */
void vs_report_add_display (struct vs_buf *b, const char *s, size_t len);

/* Appends the display form of s with &, <, >, " and ' as character
 * references: safe in HTML text and in a quoted attribute value. */
void vs_report_add_html (struct vs_buf *b, const char *s, size_t len);

/* JSON strings, their *_hex companions and vs_utf8_valid() are in
 * base/util.h (vs_buf_add_json_string, vs_buf_add_json_member,
 * vs_buf_add_hex): one escaper for the reports and the database. */

/* Appends s as one RFC 4180 field, always in double quotes (a quote is
 * doubled).  Bytes that are not valid UTF-8 become U+FFFD.  A value
 * that begins with =, +, -, @, tab, carriage return or a single quote
 * gets one more single quote in front (so that a spreadsheet does not
 * run it as a formula); a reader removes one leading single quote to
 * get the value back. */
void vs_report_add_csv (struct vs_buf *b, const char *s, size_t len);

/* Appends the display form of s with every Markdown metacharacter
 * (\ ` * _ { } [ ] ( ) # + - . ! | ~ : " ') escaped with a
 * backslash, &, <, > as character references and each run of @ in a
 * code span of its own (GFM autolinks an escaped @; one span per run,
 * since two spans side by side would read as one): inline text, also
 * inside a table cell, that renders as exactly the display form and
 * makes no markup, link or HTML.  Two calls must not be written side by
 * side with nothing between them (the fixed text between columns is
 * enough). */
void vs_report_add_md (struct vs_buf *b, const char *s, size_t len);

/* Appends the display form of s with % as %25 and | as %7C: a field of
 * a Sleuth Kit bodyfile.  mactime(1) turns %XX back into the byte, so
 * its timeline shows the display form. */
void vs_report_add_body (struct vs_buf *b, const char *s, size_t len);

/* Appends the path s as a relative URI reference (RFC 3986, section
 * 4.2) that cannot leave the root it is resolved against: the path is
 * normalised lexically first (empty and "." segments dropped, ".."
 * removes the segment before it and, at the root, stays at the root, as
 * the kernel resolves "/.."), then each segment is written with the
 * unreserved characters as they are and every other byte as %XX, joined
 * by "/", with no leading or trailing "/" ("/" itself gives "").  A ':'
 * is always encoded, so the first segment never reads as a scheme.  Not
 * lossless ("a/../b" and "b" give the same URI): keep the exact path
 * beside it. */
void vs_report_add_uri_path (struct vs_buf *b, const char *s, size_t len);

/* Writes the st_mode as ls(1) does ("-rwxr-xr-x", "drwxrwxrwt",
 * "lrwxrwxrwx"), NUL-terminated. */
void vs_report_mode_string (uint32_t mode, char out[11]);

#endif /* VS_REPORT_ESCAPE_H */
