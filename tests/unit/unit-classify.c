/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for classify.c: the description and MIME type must be what
 * "file -b" and "file -b --mime" print for the same bytes. */
#include <config.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/classify.h"
#include "tap.h"
#include "base/util.h"

/* Runs file(1) on path; returns its output without the newline. */
static char *
run_file (const char *opts, const char *path)
{
  char *cmd = vs_xasprintf ("file %s -- '%s'", opts, path);
  FILE *p = popen (cmd, "r");
  char line[4096];
  char *r = NULL;

  free (cmd);
  if (!p)
    return NULL;
  if (fgets (line, sizeof line, p)) {
    line[strcspn (line, "\n")] = '\0';
    r = vs_xstrdup (line);
  }
  pclose (p);
  return r;
}

static void
write_file (const char *path, const void *data, size_t len)
{
  FILE *f = fopen (path, "wb");

  if (f) {
    fwrite (data, 1, len, f);
    fclose (f);
  }
}

int
main (void)
{
  char dir[] = "/tmp/vmscan-unit-classify.XXXXXX";
  struct vs_classifier *c = NULL;
  char *err = NULL;
  const char *samples[8];
  size_t nsamples = 0, i;
  static const unsigned char png[] = {
    0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D',
    'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89
  };
  char *p_text, *p_script, *p_png, *p_empty, *p_setuid;
  char *check;

  check = run_file ("-b", "/dev/null");
  if (!check)
    tap_skip_all ("file(1) is not installed");
  free (check);
  if (!mkdtemp (dir))
    tap_skip_all ("cannot make a temporary directory");
  p_text = vs_xasprintf ("%s/text", dir);
  p_script = vs_xasprintf ("%s/script", dir);
  p_png = vs_xasprintf ("%s/png", dir);
  p_empty = vs_xasprintf ("%s/empty", dir);
  p_setuid = vs_xasprintf ("%s/setuid-true", dir);
  write_file (p_text, "hello, world\n", 13);
  write_file (p_script, "#!/bin/sh\necho hi\n", 18);
  write_file (p_png, png, sizeof png);
  write_file (p_empty, "", 0);
  {
    FILE *in = fopen ("/bin/true", "rb");
    FILE *out = fopen (p_setuid, "wb");
    char b[65536];
    size_t n;

    while (in && out && (n = fread (b, 1, sizeof b, in)) > 0)
      fwrite (b, 1, n, out);
    if (in)
      fclose (in);
    if (out)
      fclose (out);
    chmod (p_setuid, 04755);
  }
  samples[nsamples++] = p_text;
  samples[nsamples++] = p_script;
  samples[nsamples++] = p_png;
  samples[nsamples++] = p_empty;
  samples[nsamples++] = "/bin/true";
  samples[nsamples++] = p_setuid;

  tap_plan (1 + 2 * (int) nsamples + 1);
  tap_ok (vs_classifier_new (&c, &err) == 0, "load the magic database");

  for (i = 0; i < nsamples; i++) {
    char *want = run_file ("-b", samples[i]);
    char *want_mime = run_file ("-b --mime", samples[i]);
    char *desc = NULL, *mime = NULL;
    int fd = open (samples[i], O_RDONLY);
    struct stat st;

    if (fd == -1 || fstat (fd, &st) == -1
        || vs_classify_fd (c, fd, &st, &desc, &mime, &err) == -1) {
      tap_ok (0, "classify %s", samples[i]);
      tap_ok (0, "mime %s", samples[i]);
    }
    else {
      tap_is_str (desc, want, "description of %s", samples[i]);
      tap_is_str (mime, want_mime, "MIME type of %s", samples[i]);
    }
    if (fd != -1)
      close (fd);
    free (desc);
    free (mime);
    free (want);
    free (want_mime);
  }
  tap_is_str (vs_classify_short_type ("ELF 64-bit LSB pie executable"),
              "ELF", "short type of an ELF description");

  vs_classifier_free (c);
  unlink (p_text);
  unlink (p_script);
  unlink (p_png);
  unlink (p_empty);
  unlink (p_setuid);
  rmdir (dir);
  free (p_text);
  free (p_script);
  free (p_png);
  free (p_empty);
  free (p_setuid);
  return tap_done ();
}
