/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the command line's side of a scan (src/cli/): the
 * progress line drawn from the scan's reports, the summary printed from
 * its result, and the exit status --fail-on makes of it; and what
 * --jobs-images makes of a command line (the children's arguments, the
 * databases' names, how many scans the memory holds).  The expected
 * texts are written out by hand, from the man page and the summary
 * vmscan printed before the scan and the command line were split. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "cli/fleet.h"
#include "cli/progress.h"
#include "cli/summary.h"

static void
test_progress (void)
{
  struct vs_progress_line l;
  struct vs_scan_progress p;
  char buf[256];

  vs_progress_line_init (&l, 100.0);
  memset (&p, 0, sizeof p);
  tap_ok (vs_progress_line_format (&l, &p, 100.5, buf, sizeof buf) == -1
          && buf[0] == '\0', "no phase and no walk: nothing to show");

  p.phase = "starting the appliance";
  p.elapsed = 12.6;
  vs_progress_line_format (&l, &p, 101.0, buf, sizeof buf);
  tap_is_str (buf, "starting the appliance (13 s)", "a phase and its time");

  /* Two seconds after the start, 4 MiB read: 2 MiB/s. */
  memset (&p, 0, sizeof p);
  p.walking = 1;
  p.fs_index = 1;
  p.fs_count = 3;
  p.entries = 1234;
  p.files = 1000;
  p.bytes = 4 * 1024 * 1024;
  vs_progress_line_format (&l, &p, 102.0, buf, sizeof buf);
  tap_is_str (buf, "filesystem 2/3: 1234 entries, 1000 files, 4.0 MiB "
              "read, 2.0 MiB/s", "the walk line");

  /* Half a second later the rate is kept: it is taken over a second. */
  p.bytes = 5 * 1024 * 1024;
  vs_progress_line_format (&l, &p, 102.5, buf, sizeof buf);
  tap_is_str (buf, "filesystem 2/3: 1234 entries, 1000 files, 5.0 MiB "
              "read, 2.0 MiB/s", "the rate holds under a second");

  /* A second after the last rate: 2 MiB more in 1 s. */
  p.bytes = 6 * 1024 * 1024;
  vs_progress_line_format (&l, &p, 103.0, buf, sizeof buf);
  tap_is_str (buf, "filesystem 2/3: 1234 entries, 1000 files, 6.0 MiB "
              "read, 2.0 MiB/s", "the rate over the last second");
  p.bytes = 7 * 1024 * 1024 + 512 * 1024;
  vs_progress_line_format (&l, &p, 104.0, buf, sizeof buf);
  tap_is_str (buf, "filesystem 2/3: 1234 entries, 1000 files, 7.5 MiB "
              "read, 1.5 MiB/s", "the rate follows the reads");
}

/* The summary of r, as printed. */
static char *
summary (const struct vs_scan_result *r, enum vs_severity fail_on)
{
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&text, &len);

  vs_summary_print (f, r, "out.db", fail_on, NULL);
  fclose (f);
  return text;
}

static void
test_summary (void)
{
  struct vs_scan_image img = { (char *) "disk\033.img", "qcow2",
                               10ULL * 1024 * 1024 * 1024 };
  struct vs_os os;
  struct vs_scan_result r;
  char *text;

  memset (&os, 0, sizeof os);
  os.type = (char *) "linux";
  os.distro = (char *) "debian";
  os.major = 12;
  os.minor = 4;
  os.arch = (char *) "x86_64";
  os.hostname = (char *) "web1";
  os.root = (char *) "/dev/sda1";

  memset (&r, 0, sizeof r);
  r.status = VS_SCAN_COMPLETE;
  r.images = &img;
  r.nimages = 1;
  r.oses = &os;
  r.nos = 1;
  r.appliance = 1;
  r.tcg = 1;
  r.fs_scanned = 2;
  r.fs_skipped = 1;
  r.fs_host = 1;
  r.fs_appliance = 1;
  r.entries = 5000;
  r.files = 4000;
  r.bytes = 3 * 1024 * 1024;
  r.yara = 1;
  r.yara_rules = 42;
  r.matches = 7;
  r.matched_files = 3;
  r.yara_skipped = 2;
  r.checked = 1;
  r.findings[VS_SEV_CRITICAL] = 1;
  r.findings[VS_SEV_MEDIUM] = 2;
  r.findings[VS_SEV_INFO] = 5;
  r.errors = 4;
  r.elapsed = 61.34;
  text = summary (&r, VS_SEV_MEDIUM);
  tap_is_str (text,
              "vmscan " PACKAGE_VERSION ": scan complete\n"
              "  image:       disk\\x1b.img (qcow2, 10.0 GiB)\n"
              "  os:          linux debian 12.4, x86_64, hostname web1, "
              "root /dev/sda1\n"
              "  filesystems: 2 scanned, 1 skipped, 0 failed\n"
              "  read by:     1 on the host, 1 through the appliance\n"
              "  files:       5000 entries, 4000 regular files, "
              "3.0 MiB read\n"
              "  yara:        7 matches in 3 files (42 rules); 2 files "
              "over the size limit not scanned\n"
              "  findings:    8 (critical 1, high 0, medium 2, low 0, "
              "info 5); 3 at medium or above\n"
              "  errors:      4 (see the errors table)\n"
              "  elapsed:     61.3 s (appliance under software "
              "emulation)\n"
              "  database:    out.db\n", "the summary of a complete scan");
  free (text);
  tap_ok (vs_summary_exit_status (&r, VS_SEV_MEDIUM) == 1,
          "findings at --fail-on medium: exit 1");
  tap_ok (vs_summary_exit_status (&r, VS_SEV_CRITICAL) == 1,
          "a critical finding at --fail-on critical: exit 1");
  r.findings[VS_SEV_CRITICAL] = 0;
  tap_ok (vs_summary_exit_status (&r, VS_SEV_HIGH) == 0,
          "nothing at --fail-on high or above: exit 0");
  tap_ok (vs_summary_exit_status (&r, VS_SEV_INFO) == 1,
          "info findings at --fail-on info: exit 1");

  /* Reviewed (--baseline, --suppress): only what is left counts. */
  r.reviewed = 1;
  r.review.live[VS_SEV_INFO] = 5;
  tap_ok (vs_summary_exit_status (&r, VS_SEV_MEDIUM) == 0
          && vs_summary_exit_status (&r, VS_SEV_INFO) == 1,
          "medium findings suppressed or in the baseline: exit 0; the "
          "info ones left: exit 1 at --fail-on info");
  r.review.live[VS_SEV_MEDIUM] = 1;
  r.review.suppressed = 1;
  r.review.applied = 1;
  r.review.stale = 2;
  text = summary (&r, VS_SEV_MEDIUM);
  tap_ok (vs_summary_exit_status (&r, VS_SEV_MEDIUM) == 1
          && strstr (text, "; 1 not suppressed at medium or above\n")
          && strstr (text, "  suppressed:  1 findings by 1 entries; 2 stale "),
          "one medium left: exit 1, said in the summary");
  free (text);
  r.reviewed = 0;

  r.status = VS_SCAN_INTERRUPTED;
  r.nos = 0;
  r.tcg = 0;
  r.yara = 0;
  r.checked = 0;
  r.errors = 0;
  text = summary (&r, VS_SEV_LOW);
  tap_is_str (text,
              "vmscan " PACKAGE_VERSION ": scan interrupted\n"
              "  image:       disk\\x1b.img (qcow2, 10.0 GiB)\n"
              "  os:          none found\n"
              "  filesystems: 2 scanned, 1 skipped, 0 failed\n"
              "  read by:     1 on the host, 1 through the appliance\n"
              "  files:       5000 entries, 4000 regular files, "
              "3.0 MiB read\n"
              "  yara:        not run\n"
              "  findings:    not made (the scan did not finish)\n"
              "  errors:      0\n"
              "  elapsed:     61.3 s\n"
              "  database:    out.db\n",
              "the summary of an interrupted scan");
  free (text);
  tap_ok (vs_summary_exit_status (&r, VS_SEV_MEDIUM) == 2,
          "interrupted: exit 2, whatever the findings");
  r.status = VS_SCAN_FAILED;
  r.findings[VS_SEV_MEDIUM] = 0;
  r.findings[VS_SEV_INFO] = 0;
  tap_ok (vs_summary_exit_status (&r, VS_SEV_MEDIUM) == 2,
          "failed: exit 2");
}

/* A table like vmscan's: short options with long twins, long-only ones
 * past CHAR_MAX. */
enum { T_PROGRESS = 300, T_NO_PROGRESS, T_JOBS_IMAGES, T_DATA_PATH,
       T_REPORT };
static const struct option test_options[] = {
  { "output", required_argument, NULL, 'o' },
  { "force", no_argument, NULL, 'f' },
  { "rules", required_argument, NULL, 'r' },
  { "jobs", required_argument, NULL, 'j' },
  { "quiet", no_argument, NULL, 'q' },
  { "progress", no_argument, NULL, T_PROGRESS },
  { "no-progress", no_argument, NULL, T_NO_PROGRESS },
  { "jobs-images", required_argument, NULL, T_JOBS_IMAGES },
  { "data-path", required_argument, NULL, T_DATA_PATH },
  { "report", required_argument, NULL, T_REPORT },
  { NULL, 0, NULL, 0 },
};

/* The vector joined with '|' (the caller frees it). */
static char *
joined (char **v)
{
  size_t i, n = 1;
  char *s;

  for (i = 0; v[i]; i++)
    n += strlen (v[i]) + 1;
  s = calloc (1, n);
  for (i = 0; v[i]; i++) {
    if (i)
      strcat (s, "|");
    strcat (s, v[i]);
  }
  return s;
}

static void
test_fleet (void)
{
  char *argv1[] = {
    (char *) "vmscan", (char *) "-qfo", (char *) "fleet.db", (char *) "a.img",
    (char *) "--jobs-images", (char *) "4", (char *) "-j2",
    (char *) "--data-p=host", (char *) "-r", (char *) "--weird=rules",
    (char *) "--progress", (char *) "--report", (char *) "html",
    (char *) "--", (char *) "-b.img", NULL,
  };
  char *argv2[] = {
    (char *) "vmscan", (char *) "--nosuch", (char *) "a.img", NULL,
  };
  char **v, *s;

  v = vs_fleet_child_argv (15, argv1, test_options, "o:fr:j:q",
                           "fleet.d/001-a.db", "a.img");
  s = v ? joined (v) : NULL;
  tap_is_str (s ? s : "(null)", "vmscan|--quiet|--force|--jobs=2|"
              "--data-path=host|--rules=--weird=rules|--report=html|"
              "--no-progress|--output=fleet.d/001-a.db|--|a.img",
              "a child's arguments: every option in its long form, but "
              "its own output and progress, and no --jobs-images");
  free (s);
  vs_fleet_argv_free (v);
  v = vs_fleet_child_argv (3, argv2, test_options, "o:fr:j:q", "x.db",
                           "a.img");
  tap_ok (v == NULL, "a command line that does not parse gives none");
  vs_fleet_argv_free (v);

  s = vs_fleet_dir ("/srv/fleet.db");
  tap_is_str (s, "/srv/fleet.d", "FLEET.db's folder is FLEET.d");
  free (s);
  s = vs_fleet_dir ("x/.db");
  tap_is_str (s, "x/.db.d", "a name that is only .db keeps it");
  free (s);
  s = vs_fleet_image_db ("f.d", 6, 10, "/img/web 1\n\xff.qcow2");
  tap_is_str (s, "f.d/007-web_1__.qcow2.db",
              "an image's database: its number and its name made safe");
  free (s);
  s = vs_fleet_image_db ("f.d", 0, 12000, "/img/");
  tap_is_str (s, "f.d/00001-image.db",
              "as many digits as the count needs; a name for no name");
  free (s);

  tap_ok (vs_fleet_fit (8, 10ULL << 30, 3ULL << 30) == 3,
          "10 GiB available at 3 GiB a scan: 3 at once");
  tap_ok (vs_fleet_fit (2, 10ULL << 30, 3ULL << 30) == 2,
          "fewer asked than fit: as asked");
  tap_ok (vs_fleet_fit (4, 1ULL << 30, 3ULL << 30) == 1,
          "less memory than one scan: still one");
  tap_ok (vs_fleet_fit (4, 0, 3ULL << 30) == 4,
          "memory unknown: as asked");
}

int
main (void)
{
  tap_plan (26);
  test_progress ();
  test_summary ();
  test_fleet ();
  return tap_done ();
}
