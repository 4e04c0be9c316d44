/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: small helpers shared by every module.
 *
 * Diagnostics go to stderr, prefixed "vmscan: ".  vs_error() returns -1 so
 * that "return vs_error (...)" reads naturally (git's error()).  Warnings
 * are counted and, past a limit, suppressed with one notice: a hostile
 * image can make thousands of them, and every one is in the errors table
 * anyway.  Allocation failure aborts: there is no sensible way to go on.
 */
#ifndef VS_UTIL_H
#define VS_UTIL_H

#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* -1 quiet, 0 normal, 1 and up more detail (-v). */
extern int vs_verbosity;

int vs_error (const char *fmt, ...) __attribute__((format (printf, 1, 2)));
void vs_warn (const char *fmt, ...) __attribute__((format (printf, 1, 2)));
void vs_info (const char *fmt, ...) __attribute__((format (printf, 1, 2)));
void vs_debug (const char *fmt, ...) __attribute__((format (printf, 1, 2)));

/* The progress display registers a function that erases its line before
 * any diagnostic is printed (called with the output lock held). */
void vs_log_set_clear_hook (void (*fn) (void));
void vs_log_lock (void);
void vs_log_unlock (void);

void *vs_xmalloc (size_t n);
void *vs_xcalloc (size_t n, size_t size);
void *vs_xrealloc (void *p, size_t n);
char *vs_xstrdup (const char *s);
char *vs_xstrndup (const char *s, size_t n);
void *vs_xmemdup (const void *p, size_t n);
char *vs_xasprintf (const char *fmt, ...) __attribute__((format (printf, 1, 2)));
/* vasprintf that aborts, as the allocators do, when it fails. */
char *vs_xvasprintf (const char *fmt, va_list ap)
  __attribute__((format (printf, 1, 0)));

/* A growable byte buffer, always NUL-terminated (strbuf-like). */
struct vs_buf {
  char *data;
  size_t len;
  size_t alloc;
};
#define VS_BUF_INIT { NULL, 0, 0 }
void vs_buf_grow (struct vs_buf *b, size_t extra);
void vs_buf_add (struct vs_buf *b, const void *data, size_t len);
void vs_buf_adds (struct vs_buf *b, const char *s);
void vs_buf_addc (struct vs_buf *b, char c);
void vs_buf_addf (struct vs_buf *b, const char *fmt, ...)
  __attribute__((format (printf, 2, 3)));
void vs_buf_setlen (struct vs_buf *b, size_t len);
/* Frees the data and leaves an empty buffer. */
void vs_buf_release (struct vs_buf *b);
/* Hands the data to the caller (who frees it) and empties the buffer. */
char *vs_buf_detach (struct vs_buf *b, size_t *len);

/* Appends s (len bytes, may be any bytes) in a form safe to print on a
 * terminal: control characters, backslashes and invalid UTF-8 become
 * C-style escapes (\n, \t, \xNN). */
void vs_buf_add_printable (struct vs_buf *b, const char *s, size_t len);
/* The one JSON string escaper (the reports, YARA meta in the database).
 * Appends s as a JSON string literal, quotes included: ", \ and the
 * control characters (and DEL) escaped, U+2028 and U+2029 as \u2028 and
 * \u2029 (a JavaScript source line ends at them), other valid UTF-8 as it
 * is, and each byte that is not valid UTF-8 as U+FFFD: never as \u00NN,
 * which would read back as a different, valid character ("\u00e9" is
 * "é", not the byte 0xe9).  The exact bytes go beside it, where the
 * format allows, in a NAME_hex member (vs_buf_add_json_member).  With
 * script_safe, <, > and & also become \u003c, \u003e and \u0026, so the
 * literal can sit inside an HTML <script> element without ending it. */
void vs_buf_add_json_string (struct vs_buf *b, const char *s, size_t len,
                             int script_safe);
/* Returns 1 if the JSON string of s does not give its bytes back (s is
 * not valid UTF-8, or holds a NUL, which a C reader of the JSON would
 * cut at), else 0. */
int vs_json_lossy (const char *s, size_t len);
/* Appends "name":STRING and, when s is lossy (above), ,"name_hex":"HEX"
 * with the exact bytes of s in lowercase hex. */
void vs_buf_add_json_member (struct vs_buf *b, const char *name,
                             const char *s, size_t len, int script_safe);
/* Appends the bytes of s as lowercase hex, two digits a byte. */
void vs_buf_add_hex (struct vs_buf *b, const char *s, size_t len);
/* Returns 1 if s is entirely valid UTF-8 (no surrogates, no overlong
 * forms, nothing past U+10FFFF), else 0.  NUL bytes count as valid. */
int vs_utf8_valid (const char *s, size_t len);
/* Appends s quoted for a POSIX shell when it needs quoting. */
void vs_buf_add_shell_quoted (struct vs_buf *b, const char *s);

/* Decodes the UTF-8 character at s (n bytes left) into *cp and returns
 * its length, or 0 when the bytes are not valid UTF-8 (overlong forms
 * and surrogates included). */
size_t vs_utf8_decode (const unsigned char *s, size_t n, uint32_t *cp);

/* SipHash-2-4 (Aumasson and Bernstein, 2012) of len bytes at s under a
 * 16-byte key: the hash of every table whose keys come from the guest,
 * so that a crafted image cannot make its keys collide. */
uint64_t vs_siphash (const unsigned char key[16], const void *s, size_t len);
/* Fills key with random bytes (getrandom; without entropy, still
 * something the image cannot know). */
void vs_random_key (unsigned char key[16]);

/* Case-insensitive search (ASCII letters) of needle, a C string, in
 * s[0..len), which may hold any bytes: the first match, s itself for an
 * empty needle, or NULL.  At most len * strlen (needle) comparisons. */
const char *vs_memcasemem (const char *s, size_t len, const char *needle);

/* Whether s[0..len) is the C string lit, ASCII letters in any case. */
int vs_memcaseeq (const char *s, size_t len, const char *lit);

/* Returns a printable copy of s (see vs_buf_add_printable); free it. */
char *vs_printable (const char *s, size_t len);

/* Reads exactly len bytes at off (retrying short reads and EINTR).
 * Returns 0, or -1 (errno set; EIO for an end of file first). */
int vs_pread_full (int fd, void *buf, size_t len, uint64_t off);

/* A copy of s with every run of blanks that holds a line break made one
 * space, and no blanks at either end (caller frees). */
char *vs_one_line (const char *s);

/* Writes the current UTC time as ISO 8601 ("2026-11-26T23:59:59Z"). */
void vs_now_iso (char out[32]);

/* Reads the regular host file at path, at most max bytes of it, into
 * *data (NUL-terminated, *len bytes before the NUL; the caller frees
 * it).  Returns 0; VS_READ_ERRNO with *errmsg "PATH: why" when it cannot
 * be opened or read; VS_READ_NOT_REGULAR or VS_READ_TOO_BIG (no message:
 * the caller says it in its own words). */
enum { VS_READ_ERRNO = -1, VS_READ_NOT_REGULAR = -2, VS_READ_TOO_BIG = -3 };
int vs_read_host_file (const char *path, size_t max, char **data,
                       size_t *len, char **errmsg);
/* Seconds since an arbitrary start, monotonic. */
double vs_now_monotonic (void);

/* Parses a size with an optional K, M, G, T suffix (powers of 1024).
 * Returns 0 and writes *out, or -1. */
int vs_parse_size (const char *s, uint64_t *out);
/* Decodes a security.capability xattr value (struct vfs_cap_data, v1 to
 * v3) as getcap(8) would show it, e.g. "cap_net_admin,cap_net_raw=ep";
 * a v3 value's namespace root is added as " [rootid=N]".  Returns a
 * string to free, or "invalid (N bytes)" for a value that does not
 * parse. */
char *vs_caps_format (const unsigned char *v, size_t len);

/* Formats a byte count for people ("1.5 GiB"). */
void vs_format_size (uint64_t n, char out[32]);

/* Work accounting and the stop request, shared by every long loop.
 *
 * Every loop whose length a guest can choose (a parser's records, a
 * chain of pages, a list of packages, the items of a configuration
 * line) calls vs_tick () once a turn.  It counts the turn, so that the
 * scan's watchdog sees host-side work as progress and the tests can
 * bound a parser's operations by its input, and it returns nonzero once
 * the scan is to stop: a signal (the flag given to vs_stop_set_flag) or
 * the watchdog (vs_stop_request).  A loop that sees nonzero ends early
 * and reports "stopped" as it would any error. */
int vs_tick (void);
/* Adds n turns at once (a chunk of bytes read), with vs_tick's answer. */
int vs_tick_n (uint64_t n);
/* Turns counted so far, by every thread. */
uint64_t vs_ticks (void);
/* True once a stop was asked for (cheap; does not count a turn). */
int vs_stopping (void);
/* The flag a signal handler sets (may be NULL). */
void vs_stop_set_flag (volatile sig_atomic_t *flag);
/* True if that flag is set: the stop is the user's, not the watchdog's. */
int vs_stop_signalled (void);
/* Asks every loop to stop (the watchdog); why is kept, static text. */
void vs_stop_request (const char *why);
/* Why the stop was asked for: "interrupted", the watchdog's text, or
 * NULL while running. */
const char *vs_stop_reason (void);
/* Forgets a stop request (tests, and a new scan in the same process). */
void vs_stop_reset (void);

/* The stage of the scan that is running, for the watchdog's message
 * ("walk", "check persistence", ...); static text. */
void vs_stage_set (const char *name);
const char *vs_stage (void);

/* Cleanup attribute for temporaries (initialise to NULL; never on values
 * that are returned; not in main()). */
void vs_cleanup_free (void *ptr);
#define CLEANUP_FREE __attribute__((cleanup (vs_cleanup_free)))

#define VS_ARRAY_SIZE(a) (sizeof (a) / sizeof ((a)[0]))

#endif /* VS_UTIL_H */
