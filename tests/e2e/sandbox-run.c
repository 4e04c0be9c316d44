/* SPDX-License-Identifier: BSD-3-Clause */
/* Test helper: runs a program in vmscan's sandbox (src/core/sandbox.h), or
 * serves an image as vmscan does (src/core/serve.h), so that
 * tests/test-host-files.sh can look at what a sandboxed tool sees and
 * what the server refuses, without image.c's checks in front and
 * without an appliance.
 *
 *   sandbox-run IMAGE PROGRAM [ARG]...
 *
 * IMAGE is opened read-only and bound at /image; PROGRAM (an absolute
 * path under /usr) gets the helper's stdout and stderr.  Exits with the
 * program's status, 125 if the sandbox could not be made (the reason on
 * stderr), 126 if the program died of a signal.
 *
 *   sandbox-run --serve FORMAT IMAGE
 *
 * Serves IMAGE with the qemu driver FORMAT; prints the NBD URI of the
 * export and serves until stdin closes; exit 0.  A refusal: its reason
 * on stderr, exit 2.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/sandbox.h"
#include "core/serve.h"
#include "core/types.h"

static int
serve (const char *format, const char *path)
{
  struct vs_image img;
  struct vs_serve *s;
  char *err = NULL, c;

  memset (&img, 0, sizeof img);
  img.path = (char *) path;
  img.format = format;
  img.fd = open (path, O_RDONLY | O_CLOEXEC);
  if (img.fd == -1) {
    fprintf (stderr, "sandbox-run: %s: %s\n", path, strerror (errno));
    return 2;
  }
  if (vs_serve_start (&img, &s, &err) == -1) {
    fprintf (stderr, "sandbox-run: %s\n", err);
    free (err);
    return 2;
  }
  printf ("nbd+unix:///%s?socket=%s\n", VS_SERVE_EXPORT,
          vs_serve_socket (s));
  fflush (stdout);
  while (read (0, &c, 1) > 0)
    ;
  vs_serve_free (s);
  close (img.fd);
  return 0;
}

int
main (int argc, char **argv)
{
  struct vs_sandbox_cmd c;
  char *err = NULL;
  pid_t pid;
  int fd, status;

  if (argc == 4 && strcmp (argv[1], "--serve") == 0)
    return serve (argv[2], argv[3]);
  if (argc < 3) {
    fprintf (stderr, "usage: sandbox-run IMAGE PROGRAM [ARG]...\n"
             "       sandbox-run --serve FORMAT IMAGE\n");
    return 125;
  }
  fd = open (argv[1], O_RDONLY | O_CLOEXEC);
  if (fd == -1) {
    fprintf (stderr, "sandbox-run: %s: %s\n", argv[1], strerror (errno));
    return 125;
  }
  memset (&c, 0, sizeof c);
  c.argv = (const char *const *) argv + 2;
  c.image_fd = fd;
  c.out_fd = 1;
  c.err_fd = 2;
  if (vs_sandbox_spawn (&c, &pid, &err) == -1) {
    fprintf (stderr, "sandbox-run: %s\n", err);
    free (err);
    return 125;
  }
  close (fd);
  if (waitpid (pid, &status, 0) != pid)
    return 125;
  if (WIFSIGNALED (status))
    return 126;
  return WEXITSTATUS (status);
}
