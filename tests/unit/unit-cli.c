/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the command line's side of a scan (src/cli/): the
 * progress line drawn from the scan's reports, the summary printed from
 * its result, and the exit status --fail-on makes of it.  The expected
 * texts are written out by hand, from the man page and the summary
 * vmscan printed before the scan and the command line were split. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "tap.h"
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

int
main (void)
{
  tap_plan (16);
  test_progress ();
  test_summary ();
  return tap_done ();
}
