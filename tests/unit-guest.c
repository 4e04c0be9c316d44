/* Unit tests: the guest view resolves symlinks inside the guest and
 * never on the host; the check harness and findings work end to end. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "check-harness.h"
#include "guest.h"
#include "store.h"
#include "tap.h"
#include "util.h"

int
main (void)
{
  struct vs_test_guest t;
  struct vs_guest *g;
  char *data = NULL, *rp = NULL, **names = NULL;
  size_t len, n = 0;
  struct stat st;
  struct vs_finding f;

  tap_plan (16);
  vs_test_guest_init (&t);
  vs_test_write (&t, "/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n",
                 0644);
  vs_test_write (&t, "/usr/bin/ls", "ls binary", 0755);
  vs_test_symlink (&t, "/bin", "usr/bin");
  vs_test_symlink (&t, "/etc/abs", "/etc/passwd");
  vs_test_symlink (&t, "/etc/up", "../../../../etc/passwd");
  vs_test_symlink (&t, "/etc/hostfile", "/proc/self/environ");
  vs_test_symlink (&t, "/loop1", "loop2");
  vs_test_symlink (&t, "/loop2", "loop1");
  vs_test_write (&t, "/boot-on-root/x", "hidden by the mount", 0644);
  vs_test_guest_scan (&t, "debian", "deb");
  g = t.ctx.guest;

  tap_ok (vs_guest_read (g, "/bin/ls", 100, 0, &data, &len) == 0
          && len == 9 && strcmp (data, "ls binary") == 0,
          "relative symlink in the middle resolved in the guest");
  free (data);
  tap_ok (vs_guest_realpath (g, "/bin/ls", &rp) == 0
          && strcmp (rp, "/usr/bin/ls") == 0, "realpath /bin/ls");
  free (rp);
  tap_ok (vs_guest_read (g, "/etc/abs", 100, 0, &data, &len) == 0
          && strncmp (data, "root:", 5) == 0,
          "absolute symlink restarts at the guest root");
  free (data);
  tap_ok (vs_guest_read (g, "/etc/up", 100, 0, &data, &len) == 0
          && strncmp (data, "root:", 5) == 0, "'..' never leaves the guest");
  free (data);
  errno = 0;
  tap_ok (vs_guest_read (g, "/etc/hostfile", 100, 0, &data, &len) == -1
          && errno == ENOENT,
          "a link to /proc/self/environ reaches nothing on the host");
  errno = 0;
  tap_ok (vs_guest_stat (g, "/loop1", 1, &st) == -1 && errno == ELOOP,
          "symlink loop gives ELOOP");
  tap_ok (vs_guest_stat (g, "/loop1", 0, &st) == 0 && S_ISLNK (st.st_mode),
          "lstat of a link does not follow it");
  errno = 0;
  tap_ok (vs_guest_read (g, "/etc/passwd", 4, 0, &data, &len) == -1
          && errno == EFBIG, "file over the limit refused");
  tap_ok (vs_guest_read (g, "/etc/passwd", 4, 1, &data, &len) == 0
          && len == 4 && strcmp (data, "root") == 0,
          "or truncated when asked");
  free (data);
  tap_ok (vs_guest_list (g, "/etc", &names, &n) == 0 && n == 4
          && strcmp (names[0], "abs") == 0, "directory listing sorted");
  vs_guest_free_list (names, n);
  errno = 0;
  tap_ok (vs_guest_read (g, "/etc", 100, 0, &data, &len) == -1
          && errno == EISDIR, "a directory is not read as a file");

  /* A second filesystem mounted at /boot-on-root hides the directory. */
  {
    char *other = vs_xasprintf ("%s/otherfs", t.tmp);

    mkdir (other, 0755);
    tap_ok (vs_guest_add_mount (g, "/boot-on-root", other) == 0
            && vs_guest_stat (g, "/boot-on-root/x", 0, &st) == -1
            && errno == ENOENT, "a mount point switches filesystems");
    free (other);
  }

  tap_ok (vs_check_file_id (&t.ctx, "/usr/bin/ls", 11) > 0,
          "files row found by guest path");
  memset (&f, 0, sizeof f);
  f.check_id = "test";
  f.severity = VS_SEV_CRITICAL;
  f.category = "test";
  tap_ok (vs_check_addf (&t.ctx, &f, "title %d", 42) == 0
          && t.ctx.counts[VS_SEV_CRITICAL] == 1, "finding counted");
  data = vs_test_text (&t, "SELECT title || '|' || os_id FROM findings");
  tap_is_str (data, "title 42|1", "finding stored with the OS");
  free (data);
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM files WHERE path = "
                         "'/etc/hostfile' AND type = 'symlink'") == 1,
          "the walk recorded the tree");
  vs_test_guest_free (&t);
  return tap_done ();
}
