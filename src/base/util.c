/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: diagnostics, allocation, byte buffers and escaping helpers.
 *
 * Output lock: every diagnostic takes vs_log_lock so that lines from
 * worker threads do not interleave, and so that the progress line can be
 * erased first.  Warnings past VS_WARN_LIMIT are counted, not printed.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/ascii.h"
#include "base/bytes.h"
#include "base/util.h"

#define VS_WARN_LIMIT 25

int vs_verbosity;

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static void (*clear_hook) (void);
static unsigned warn_count;

void
vs_log_set_clear_hook (void (*fn) (void))
{
  clear_hook = fn;
}

void
vs_log_lock (void)
{
  pthread_mutex_lock (&log_lock);
  if (clear_hook)
    clear_hook ();
}

void
vs_log_unlock (void)
{
  pthread_mutex_unlock (&log_lock);
}

/* One fprintf a line: stderr is unbuffered, and a line written in one
 * piece is not cut by those of other processes on the same stderr
 * (the scans of --jobs-images). */
static void
vlog (const char *prefix, const char *fmt, va_list ap)
{
  char *msg = vs_xvasprintf (fmt, ap);

  vs_log_lock ();
  fprintf (stderr, "vmscan: %s%s\n", prefix, msg);
  vs_log_unlock ();
  free (msg);
}

/* Prints the arguments after fmt, in a function that takes "...". */
#define VLOG(prefix, fmt)                       \
  do {                                          \
    va_list ap_;                                \
                                                \
    va_start (ap_, fmt);                        \
    vlog (prefix, fmt, ap_);                    \
    va_end (ap_);                               \
  } while (0)

int
vs_error (const char *fmt, ...)
{
  VLOG ("error: ", fmt);
  return -1;
}

void
vs_warn (const char *fmt, ...)
{
  unsigned n;

  if (vs_verbosity < 0)
    return;
  pthread_mutex_lock (&log_lock);
  n = ++warn_count;
  pthread_mutex_unlock (&log_lock);
  if (n > VS_WARN_LIMIT && vs_verbosity < 1) {
    if (n == VS_WARN_LIMIT + 1) {
      vs_log_lock ();
      fprintf (stderr, "vmscan: warning: further warnings not shown; "
               "every one is in the errors table\n");
      vs_log_unlock ();
    }
    return;
  }
  VLOG ("warning: ", fmt);
}

void
vs_info (const char *fmt, ...)
{
  if (vs_verbosity < 0)
    return;
  VLOG ("", fmt);
}

void
vs_debug (const char *fmt, ...)
{
  if (vs_verbosity < 1)
    return;
  VLOG ("", fmt);
}

static void
oom (void)
{
  fputs ("vmscan: error: out of memory\n", stderr);
  abort ();
}

void *
vs_xmalloc (size_t n)
{
  void *p = malloc (n ? n : 1);

  if (!p)
    oom ();
  return p;
}

void *
vs_xcalloc (size_t n, size_t size)
{
  void *p = calloc (n ? n : 1, size ? size : 1);

  if (!p)
    oom ();
  return p;
}

void *
vs_xrealloc (void *p, size_t n)
{
  p = realloc (p, n ? n : 1);
  if (!p)
    oom ();
  return p;
}

char *
vs_xstrdup (const char *s)
{
  return vs_xmemdup (s, strlen (s) + 1);
}

void *
vs_xmemdup (const void *p, size_t n)
{
  void *r = vs_xmalloc (n);

  memcpy (r, p, n);
  return r;
}

char *
vs_xvasprintf (const char *fmt, va_list ap)
{
  char *s;

  if (vasprintf (&s, fmt, ap) < 0)
    oom ();
  return s;
}

char *
vs_xasprintf (const char *fmt, ...)
{
  va_list ap;
  char *s;

  va_start (ap, fmt);
  s = vs_xvasprintf (fmt, ap);
  va_end (ap);
  return s;
}

void
vs_buf_grow (struct vs_buf *b, size_t extra)
{
  size_t want;

  if (extra > SIZE_MAX / 2 - b->len)
    oom ();
  want = b->len + extra + 1;
  if (want <= b->alloc)
    return;
  if (want < b->alloc * 2)
    want = b->alloc * 2;
  if (want < 64)
    want = 64;
  b->data = vs_xrealloc (b->data, want);
  b->alloc = want;
  b->data[b->len] = '\0';      /* a new buffer is an empty string */
}

void
vs_buf_add (struct vs_buf *b, const void *data, size_t len)
{
  vs_buf_grow (b, len);
  if (len)
    memcpy (b->data + b->len, data, len);
  b->len += len;
  b->data[b->len] = '\0';
}

void
vs_buf_adds (struct vs_buf *b, const char *s)
{
  vs_buf_add (b, s, strlen (s));
}

void
vs_buf_addc (struct vs_buf *b, char c)
{
  vs_buf_add (b, &c, 1);
}

void
vs_buf_addf (struct vs_buf *b, const char *fmt, ...)
{
  va_list ap;
  int n;

  vs_buf_grow (b, 64);
  va_start (ap, fmt);
  n = vsnprintf (b->data + b->len, b->alloc - b->len, fmt, ap);
  va_end (ap);
  if (n < 0)
    return;
  if ((size_t) n >= b->alloc - b->len) {
    vs_buf_grow (b, (size_t) n);
    va_start (ap, fmt);
    vsnprintf (b->data + b->len, b->alloc - b->len, fmt, ap);
    va_end (ap);
  }
  b->len += (size_t) n;
}

void
vs_buf_setlen (struct vs_buf *b, size_t len)
{
  if (len > b->len)
    abort ();
  b->len = len;
  if (b->data)
    b->data[len] = '\0';
}

void
vs_buf_release (struct vs_buf *b)
{
  free (b->data);
  b->data = NULL;
  b->len = b->alloc = 0;
}

char *
vs_buf_detach (struct vs_buf *b, size_t *len)
{
  char *r;

  if (!b->data)
    vs_buf_grow (b, 0);
  r = b->data;
  if (len)
    *len = b->len;
  b->data = NULL;
  b->len = b->alloc = 0;
  return r;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
size_t
vs_utf8_decode (const unsigned char *s, size_t n, uint32_t *cp)
{
  size_t len, i;
  uint32_t c;

  if (n == 0)
    return 0;
  if (s[0] < 0x80) {
    *cp = s[0];
    return 1;
  }
  if (s[0] >= 0xc2 && s[0] <= 0xdf) {
    len = 2;
    c = s[0] & 0x1f;
  }
  else if (s[0] >= 0xe0 && s[0] <= 0xef) {
    len = 3;
    c = s[0] & 0x0f;
  }
  else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
    len = 4;
    c = s[0] & 0x07;
  }
  else
    return 0;
  if (len > n)
    return 0;
  for (i = 1; i < len; i++) {
    if ((s[i] & 0xc0) != 0x80)
      return 0;
    c = (c << 6) | (s[i] & 0x3f);
  }
  if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000)
      || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
    return 0;
  *cp = c;
  return len;
}

static size_t
utf8_seq_len (const unsigned char *s, size_t n)
{
  uint32_t cp;

  return vs_utf8_decode (s, n, &cp);
}

void
vs_buf_add_printable (struct vs_buf *b, const char *s, size_t len)
{
  const unsigned char *p = (const unsigned char *) s;
  size_t i = 0, n;

  while (i < len) {
    unsigned char c = p[i];

    if (c == '\\')
      vs_buf_adds (b, "\\\\");
    else if (c == '\n')
      vs_buf_adds (b, "\\n");
    else if (c == '\t')
      vs_buf_adds (b, "\\t");
    else if (c == '\r')
      vs_buf_adds (b, "\\r");
    else if (c < 0x20 || c == 0x7f)
      vs_buf_addf (b, "\\x%02x", c);
    else if (c < 0x80)
      vs_buf_addc (b, (char) c);
    else if ((n = utf8_seq_len (p + i, len - i)) > 0
             && !(n == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0)) {
      /* Valid UTF-8 and not a C1 control character. */
      vs_buf_add (b, p + i, n);
      i += n;
      continue;
    }
    else
      vs_buf_addf (b, "\\x%02x", c);
    i++;
  }
}

char *
vs_printable (const char *s, size_t len)
{
  struct vs_buf b = VS_BUF_INIT;

  vs_buf_add_printable (&b, s, len);
  return vs_buf_detach (&b, NULL);
}

int
vs_utf8_valid (const char *s, size_t len)
{
  const unsigned char *p = (const unsigned char *) s;
  size_t i = 0, n;

  while (i < len) {
    if (p[i] < 0x80) {
      i++;
      continue;
    }
    n = utf8_seq_len (p + i, len - i);
    if (n == 0)
      return 0;
    i += n;
  }
  return 1;
}

static const char hexdigits[] = "0123456789abcdef";

void
vs_buf_add_hex (struct vs_buf *b, const char *s, size_t len)
{
  const unsigned char *p = (const unsigned char *) s;
  size_t i;

  vs_buf_grow (b, len * 2);
  for (i = 0; i < len; i++) {
    b->data[b->len++] = hexdigits[p[i] >> 4];
    b->data[b->len++] = hexdigits[p[i] & 15];
  }
  b->data[b->len] = '\0';
}

void
vs_buf_add_json_string (struct vs_buf *b, const char *s, size_t len,
                        int script_safe)
{
  const unsigned char *p = (const unsigned char *) s;
  size_t i = 0, n;
  uint32_t cp;

  vs_buf_addc (b, '"');
  while (i < len) {
    unsigned char c = p[i];

    if (c == '"' || c == '\\') {
      vs_buf_addc (b, '\\');
      vs_buf_addc (b, (char) c);
    }
    else if (c == '\n')
      vs_buf_adds (b, "\\n");
    else if (c == '\t')
      vs_buf_adds (b, "\\t");
    else if (c == '\r')
      vs_buf_adds (b, "\\r");
    else if (c < 0x20 || c == 0x7f)
      vs_buf_addf (b, "\\u%04x", c);
    else if (script_safe && (c == '<' || c == '>' || c == '&'))
      vs_buf_addf (b, "\\u%04x", c);
    else if (c < 0x80)
      vs_buf_addc (b, (char) c);
    else if ((n = vs_utf8_decode (p + i, len - i, &cp)) == 0)
      vs_buf_adds (b, "\xef\xbf\xbd");  /* U+FFFD */
    else {
      if (cp == 0x2028 || cp == 0x2029)
        vs_buf_addf (b, "\\u%04x", (unsigned) cp);
      else
        vs_buf_add (b, p + i, n);
      i += n;
      continue;
    }
    i++;
  }
  vs_buf_addc (b, '"');
}

int
vs_json_lossy (const char *s, size_t len)
{
  return !vs_utf8_valid (s, len) || memchr (s, '\0', len) != NULL;
}

void
vs_buf_add_json_member (struct vs_buf *b, const char *name, const char *s,
                        size_t len, int script_safe)
{
  vs_buf_add_json_string (b, name, strlen (name), 0);
  vs_buf_addc (b, ':');
  vs_buf_add_json_string (b, s, len, script_safe);
  if (vs_json_lossy (s, len)) {
    vs_buf_addc (b, ',');
    vs_buf_add_json_string (b, name, strlen (name), 0);
    vs_buf_setlen (b, b->len - 1);      /* reopen it: NAME_hex */
    vs_buf_adds (b, "_hex\":\"");
    vs_buf_add_hex (b, s, len);
    vs_buf_addc (b, '"');
  }
}

void
vs_buf_add_shell_quoted (struct vs_buf *b, const char *s)
{
  const char *p;

  if (*s && strspn (s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                    "0123456789-_./=:,+@%") == strlen (s)) {
    vs_buf_adds (b, s);
    return;
  }
  vs_buf_addc (b, '\'');
  for (p = s; *p; p++) {
    if (*p == '\'')
      vs_buf_adds (b, "'\\''");
    else
      vs_buf_addc (b, *p);
  }
  vs_buf_addc (b, '\'');
}

const char *
vs_memcasemem (const char *s, size_t len, const char *needle)
{
  size_t n = strlen (needle), i, j;

  if (n == 0)
    return s;
  if (n > len)
    return NULL;
  for (i = 0; i + n <= len; i++) {
    for (j = 0; j < n; j++)
      if (vs_ascii_lower (s[i + j]) != vs_ascii_lower (needle[j]))
        break;
    if (j == n)
      return s + i;
  }
  return NULL;
}

int
vs_memcaseeq (const char *s, size_t len, const char *lit)
{
  size_t i;

  if (strlen (lit) != len)
    return 0;
  for (i = 0; i < len; i++)
    if (vs_ascii_lower (s[i]) != vs_ascii_lower (lit[i]))
      return 0;
  return 1;
}

void
vs_now_iso (char out[32])
{
  time_t t = time (NULL);
  struct tm tm;

  gmtime_r (&t, &tm);
  strftime (out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

double
vs_now_monotonic (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

int
vs_parse_size (const char *s, uint64_t *out)
{
  char *end;
  unsigned long long v;
  unsigned shift = 0;

  if (!s || !*s || *s == '-')
    return -1;
  errno = 0;
  v = strtoull (s, &end, 10);
  if (errno || end == s)
    return -1;
  switch (*end) {
  case '\0': break;
  case 'k': case 'K': shift = 10; end++; break;
  case 'm': case 'M': shift = 20; end++; break;
  case 'g': case 'G': shift = 30; end++; break;
  case 't': case 'T': shift = 40; end++; break;
  default: return -1;
  }
  if (*end == 'i' && shift)
    end++;
  if ((*end == 'b' || *end == 'B') && shift)
    end++;
  if (*end != '\0')
    return -1;
  if (shift && v > (UINT64_MAX >> shift))
    return -1;
  *out = (uint64_t) v << shift;
  return 0;
}

void
vs_format_size (uint64_t n, char out[32])
{
  static const char *units[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
  double v = (double) n;
  size_t u = 0;

  if (n < 1024) {
    snprintf (out, 32, "%llu bytes", (unsigned long long) n);
    return;
  }
  v /= 1024;
  while (v >= 1024 && u + 1 < VS_ARRAY_SIZE (units)) {
    v /= 1024;
    u++;
  }
  snprintf (out, 32, "%.1f %s", v, units[u]);
}

void
vs_cleanup_free (void *ptr)
{
  free (*(void **) ptr);
}

char *
vs_xstrndup (const char *s, size_t n)
{
  char *r = vs_xmalloc (n + 1);

  memcpy (r, s, n);
  r[n] = '\0';
  return r;
}

static const char *const cap_names[] = {
  "chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill",
  "setgid", "setuid", "setpcap", "linux_immutable", "net_bind_service",
  "net_broadcast", "net_admin", "net_raw", "ipc_lock", "ipc_owner",
  "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct",
  "sys_admin", "sys_boot", "sys_nice", "sys_resource", "sys_time",
  "sys_tty_config", "mknod", "lease", "audit_write", "audit_control",
  "setfcap", "mac_override", "mac_admin", "syslog", "wake_alarm",
  "block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore",
};

char *
vs_caps_format (const unsigned char *v, size_t len)
{
  struct vs_buf b = VS_BUF_INIT;
  uint64_t perm = 0, inh = 0;
  uint32_t magic, version;
  unsigned words, i, flags;
  int eff;

  if (len < 4)
    goto bad;
  magic = vs_le32 (v);
  version = magic & 0xff000000u;
  eff = (magic & 1u) != 0;
  if (version == 0x01000000u && len == 12)
    words = 1;
  else if ((version == 0x02000000u && len == 20)
           || (version == 0x03000000u && len == 24))
    words = 2;
  else
    goto bad;
  for (i = 0; i < words; i++) {
    perm |= (uint64_t) vs_le32 (v + 4 + 8 * i) << (32 * i);
    inh |= (uint64_t) vs_le32 (v + 8 + 8 * i) << (32 * i);
  }
  /* Group the capabilities by their set of flags, as getcap does:
   * "=eip", "=ep", "=ip", "=p", "=i" (effective alone means nothing). */
  for (flags = 7; flags > 0; flags--) {
    int want_e = (flags & 4) != 0, want_p = (flags & 2) != 0;
    int want_i = (flags & 1) != 0, any = 0;

    if (want_e && !want_p)
      continue;
    if (want_e != (eff && want_p))
      continue;
    for (i = 0; i < 64; i++) {
      int p = (perm >> i) & 1, in = (inh >> i) & 1;

      if (p != want_p || in != want_i)
        continue;
      if (!p && !in)
        continue;
      vs_buf_adds (&b, any ? "," : (b.len ? " " : ""));
      if (i < sizeof cap_names / sizeof cap_names[0])
        vs_buf_addf (&b, "cap_%s", cap_names[i]);
      else
        vs_buf_addf (&b, "cap_%u", i);
      any = 1;
    }
    if (any)
      vs_buf_addf (&b, "=%s%s%s", want_e ? "e" : "", want_i ? "i" : "",
                   want_p ? "p" : "");
  }
  if (b.len == 0)
    vs_buf_adds (&b, "=");
  if (version == 0x03000000u)
    vs_buf_addf (&b, " [rootid=%u]", vs_le32 (v + 20));
  return vs_buf_detach (&b, NULL);
 bad:
  return vs_xasprintf ("invalid (%zu bytes)", len);
}

char *
vs_one_line (const char *s)
{
  struct vs_buf b = VS_BUF_INIT;
  const char *p = s;

  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
    p++;
  while (*p) {
    const char *q = p;
    int brk = 0;

    while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r') {
      brk |= *q == '\n' || *q == '\r';
      q++;
    }
    if (q == p) {
      vs_buf_addc (&b, *p++);
      continue;
    }
    if (!*q)
      break;
    if (brk)
      vs_buf_addc (&b, ' ');
    else
      vs_buf_add (&b, p, (size_t) (q - p));
    p = q;
  }
  return vs_buf_detach (&b, NULL);
}

int
vs_pread_full (int fd, void *buf, size_t len, uint64_t off)
{
  size_t done = 0;

  while (done < len) {
    ssize_t n = pread (fd, (char *) buf + done, len - done,
                       (off_t) (off + done));

    if (n == -1 && errno == EINTR)
      continue;
    if (n == -1)
      return -1;
    if (n == 0) {
      errno = EIO;
      return -1;
    }
    done += (size_t) n;
  }
  return 0;
}

/* Work accounting and the stop request. */
static uint64_t ticks;
static volatile sig_atomic_t *stop_flag;
static const char *stop_why;
static const char *stage_name;

int
vs_stop_signalled (void)
{
  volatile sig_atomic_t *f = __atomic_load_n (&stop_flag, __ATOMIC_RELAXED);

  return f && *f;
}

int
vs_stopping (void)
{
  return vs_stop_signalled ()
    || __atomic_load_n (&stop_why, __ATOMIC_RELAXED) != NULL;
}

/* The test hook, VMSCAN_TEST_HOOK: "stall:STAGE" makes the first turn
 * of a loop in STAGE wait, not counted, until a stop is asked for (the
 * watchdog's tests); "delay:STAGE:USEC" makes every turn in STAGE take
 * USEC microseconds more (the tests of Ctrl-C inside a long loop). */
static pthread_once_t hook_once = PTHREAD_ONCE_INIT;
static char hook_stage[64];
static int hook_stall;
static unsigned long hook_usec;

static void
hook_init (void)
{
  const char *e = getenv ("VMSCAN_TEST_HOOK");
  const char *stage, *colon;
  size_t n;

  if (!e)
    return;
  if (strncmp (e, "stall:", 6) == 0) {
    hook_stall = 1;
    stage = e + 6;
    colon = stage + strlen (stage);
  }
  else if (strncmp (e, "delay:", 6) == 0) {
    stage = e + 6;
    colon = strrchr (stage, ':');
    if (!colon)
      return;
    hook_usec = strtoul (colon + 1, NULL, 10);
    if (hook_usec > 1000000)
      hook_usec = 1000000;
  }
  else
    return;
  n = (size_t) (colon - stage);
  if (n == 0 || n >= sizeof hook_stage)
    return;
  memcpy (hook_stage, stage, n);
  hook_stage[n] = '\0';
}

static void
hook_run (void)
{
  static int announced;

  if (strcmp (vs_stage (), hook_stage) != 0)
    return;
  if (!__atomic_exchange_n (&announced, 1, __ATOMIC_RELAXED)) {
    vs_log_lock ();
    fprintf (stderr, "vmscan: test hook: in stage '%s'\n", hook_stage);
    vs_log_unlock ();
  }
  if (hook_stall)
    while (!vs_stopping ())
      usleep (10 * 1000);
  else
    usleep (hook_usec);
}

int
vs_tick_n (uint64_t n)
{
  __atomic_add_fetch (&ticks, n, __ATOMIC_RELAXED);
  pthread_once (&hook_once, hook_init);
  if (hook_stage[0])
    hook_run ();
  return vs_stopping ();
}

int
vs_tick (void)
{
  return vs_tick_n (1);
}

uint64_t
vs_ticks (void)
{
  return __atomic_load_n (&ticks, __ATOMIC_RELAXED);
}

void
vs_stop_set_flag (volatile sig_atomic_t *flag)
{
  __atomic_store_n (&stop_flag, flag, __ATOMIC_RELAXED);
}

void
vs_stop_request (const char *why)
{
  const char *none = NULL;

  __atomic_compare_exchange_n (&stop_why, &none, why, 0, __ATOMIC_RELAXED,
                               __ATOMIC_RELAXED);
}

const char *
vs_stop_reason (void)
{
  volatile sig_atomic_t *f = __atomic_load_n (&stop_flag, __ATOMIC_RELAXED);
  const char *why = __atomic_load_n (&stop_why, __ATOMIC_RELAXED);

  if (why)
    return why;
  return f && *f ? "interrupted" : NULL;
}

void
vs_stop_reset (void)
{
  __atomic_store_n (&stop_why, NULL, __ATOMIC_RELAXED);
}

void
vs_stage_set (const char *name)
{
  __atomic_store_n (&stage_name, name, __ATOMIC_RELAXED);
}

const char *
vs_stage (void)
{
  const char *s = __atomic_load_n (&stage_name, __ATOMIC_RELAXED);

  return s ? s : "start";
}

/* ---- SipHash-2-4 and its keys ---- */

static inline uint64_t
rotl (uint64_t x, int b)
{
  return (x << b) | (x >> (64 - b));
}

#define SIPROUND                                                        \
  do {                                                                  \
    v0 += v1; v1 = rotl (v1, 13); v1 ^= v0; v0 = rotl (v0, 32);         \
    v2 += v3; v3 = rotl (v3, 16); v3 ^= v2;                             \
    v0 += v3; v3 = rotl (v3, 21); v3 ^= v0;                             \
    v2 += v1; v1 = rotl (v1, 17); v1 ^= v2; v2 = rotl (v2, 32);         \
  } while (0)

uint64_t
vs_siphash (const unsigned char key[16], const void *s, size_t len)
{
  const unsigned char *p = s;
  uint64_t k0 = vs_le64 (key), k1 = vs_le64 (key + 8);
  uint64_t v0 = k0 ^ UINT64_C (0x736f6d6570736575);
  uint64_t v1 = k1 ^ UINT64_C (0x646f72616e646f6d);
  uint64_t v2 = k0 ^ UINT64_C (0x6c7967656e657261);
  uint64_t v3 = k1 ^ UINT64_C (0x7465646279746573);
  uint64_t m, b = (uint64_t) len << 56;
  size_t i, tail = len & 7;

  for (i = 0; i + 8 <= len; i += 8) {
    m = vs_le64 (p + i);
    v3 ^= m;
    SIPROUND;
    SIPROUND;
    v0 ^= m;
  }
  while (tail--)
    b |= (uint64_t) p[i + tail] << (8 * tail);
  v3 ^= b;
  SIPROUND;
  SIPROUND;
  v0 ^= b;
  v2 ^= 0xff;
  SIPROUND;
  SIPROUND;
  SIPROUND;
  SIPROUND;
  return v0 ^ v1 ^ v2 ^ v3;
}

void
vs_random_key (unsigned char key[16])
{
  if (getrandom (key, 16, GRND_NONBLOCK) != 16) {
    /* No entropy yet (early boot): still differs from run to run. */
    uint64_t a = (uint64_t) time (NULL) ^ ((uint64_t) getpid () << 32);
    uint64_t b = (uint64_t) (uintptr_t) &a
      ^ (uint64_t) (vs_now_monotonic () * 1e9);

    memcpy (key, &a, 8);
    memcpy (key + 8, &b, 8);
  }
}

int
vs_read_host_file (const char *path, size_t max, char **data, size_t *len,
                   char **errmsg)
{
  struct stat st;
  struct vs_buf b = VS_BUF_INIT;
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

  if (fd == -1) {
    *errmsg = vs_xasprintf ("%s: %s", path, strerror (errno));
    return VS_READ_ERRNO;
  }
  if (fstat (fd, &st) == -1 || !S_ISREG (st.st_mode)) {
    close (fd);
    return VS_READ_NOT_REGULAR;
  }
  if ((uint64_t) st.st_size > max) {
    close (fd);
    return VS_READ_TOO_BIG;
  }
  /* Read to the end, not to st_size: the file may have grown. */
  vs_buf_grow (&b, (size_t) st.st_size);
  for (;;) {
    ssize_t n;

    vs_buf_grow (&b, 65536);
    n = read (fd, b.data + b.len, 65536);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      *errmsg = vs_xasprintf ("%s: %s", path, strerror (errno));
      vs_buf_release (&b);
      close (fd);
      return VS_READ_ERRNO;
    }
    if (n == 0)
      break;
    b.len += (size_t) n;
    if (b.len > max) {
      vs_buf_release (&b);
      close (fd);
      return VS_READ_TOO_BIG;
    }
  }
  close (fd);
  b.data[b.len] = 0;
  *data = vs_buf_detach (&b, len);
  return 0;
}
