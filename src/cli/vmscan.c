/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: command line: parse options, set up signals, run the scan.
 *
 * Everything else lives in the layers below; this folder only turns argv
 * into struct vs_scan_options, draws the progress line the scan reports
 * (progress.c), and turns the result into the summary and an exit status
 * (summary.c).
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/progress.h"
#include "cli/summary.h"
#include "checks/registry.h"
#include "cli/baseline.h"
#include "cli/diff.h"
#include "cli/fleet.h"
#include "cli/merge.h"
#include "cli/report.h"
#include "core/appliance.h"
#include "core/classify.h"
#include "core/review.h"
#include "image/image.h"
#include "report/report.h"
#include "core/rules.h"
#include "scan/scan.h"
#include "base/util.h"

#define VS_DEFAULT_YARA_MAX (64ULL * 1024 * 1024)
#define VS_DEFAULT_SPARSE_LIMIT (64ULL * 1024 * 1024 * 1024)

enum {
  OPT_FORMAT = CHAR_MAX + 1,
  OPT_NO_YARA,
  OPT_MAX_YARA_SIZE,
  OPT_SPARSE_LIMIT,
  OPT_VERSION,
  OPT_PROGRESS,
  OPT_NO_PROGRESS,
  OPT_NO_CHECKS,
  OPT_IOC,
  OPT_FAIL_ON,
  OPT_REPORT,
  OPT_LIST_CHECKS,
  OPT_SKIP_CHECK,
  OPT_DATA_PATH,
  OPT_DELETED,
  OPT_BASELINE,
  OPT_SUPPRESS,
  OPT_SKIP_BAD_RULES,
  OPT_JOBS_IMAGES,
};

static const struct option long_options[] = {
  { "output", required_argument, NULL, 'o' },
  { "force", no_argument, NULL, 'f' },
  { "format", required_argument, NULL, OPT_FORMAT },
  { "rules", required_argument, NULL, 'r' },
  { "skip-bad-rules", no_argument, NULL, OPT_SKIP_BAD_RULES },
  { "no-yara", no_argument, NULL, OPT_NO_YARA },
  { "max-yara-size", required_argument, NULL, OPT_MAX_YARA_SIZE },
  { "sparse-limit", required_argument, NULL, OPT_SPARSE_LIMIT },
  { "jobs", required_argument, NULL, 'j' },
  { "jobs-images", required_argument, NULL, OPT_JOBS_IMAGES },
  { "data-path", required_argument, NULL, OPT_DATA_PATH },
  { "deleted", no_argument, NULL, OPT_DELETED },
  { "baseline", required_argument, NULL, OPT_BASELINE },
  { "suppress", required_argument, NULL, OPT_SUPPRESS },
  { "progress", no_argument, NULL, OPT_PROGRESS },
  { "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
  { "no-checks", no_argument, NULL, OPT_NO_CHECKS },
  { "ioc", required_argument, NULL, OPT_IOC },
  { "fail-on", required_argument, NULL, OPT_FAIL_ON },
  { "report", required_argument, NULL, OPT_REPORT },
  { "list-checks", no_argument, NULL, OPT_LIST_CHECKS },
  { "skip-check", required_argument, NULL, OPT_SKIP_CHECK },
  { "verbose", no_argument, NULL, 'v' },
  { "quiet", no_argument, NULL, 'q' },
  { "version", no_argument, NULL, OPT_VERSION },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

#define OPTSTRING "o:fr:j:vqh"

static volatile sig_atomic_t stop_flag;

static void usage (int status) __attribute__((noreturn));

static void
usage (int status)
{
  if (status != 0) {
    fprintf (stderr, "Try 'vmscan --help' for more information.\n");
    exit (status);
  }
  printf ("vmscan %s: scan virtual machine and cloud disk images, offline\n"
          "\n"
          "Usage: vmscan [OPTION]... IMAGE...\n"
          "       vmscan report DB [--format FMT] [-o FILE]\n"
          "       vmscan diff OLD.db NEW.db [--format FMT] [--fail-on SEV]\n"
          "       vmscan baseline accept SCAN.db -o APPROVED.db --reason TEXT\n"
          "       vmscan merge OUT.db IN.db...\n"
          "\n"
          "Opens each IMAGE read-only (several images are the disks of one\n"
          "machine), walks every filesystem in it, hashes every file,\n"
          "classifies it with libmagic and YARA, and writes a SQLite\n"
          "evidence database.\n"
          "\n"
          "Options:\n"
          "  -o, --output DB        write the database to DB (default:\n"
          "                         IMAGE.vmscan.db in the current folder)\n"
          "  -f, --force            replace DB if it exists\n"
          "      --format FMT       the images' format: raw, qcow2, vmdk,\n"
          "                         vhd, vhdx (default: read from the image)\n"
          "  -r, --rules PATH       YARA rule file or folder of *.yar files;\n"
          "                         repeatable; replaces the bundled rules\n"
          "                         (%s)\n"
          "      --skip-bad-rules   leave out rule files that do not compile\n"
          "                         (each recorded as an error) instead of\n"
          "                         stopping\n"
          "      --no-yara          do not run YARA\n"
          "      --max-yara-size N  files larger than N bytes (K, M, G\n"
          "                         suffixes) are hashed but not YARA-scanned\n"
          "                         (default: 64M)\n"
          "      --sparse-limit N   a file over N bytes (default: 64G; 0: no\n"
          "                         limit) with less than half of it\n"
          "                         allocated, or that reads back more than\n"
          "                         N of zeros, is recorded, not read\n"
          "                         (further) and not hashed\n"
          "      --ioc FILE         indicators (hashes, path patterns) to\n"
          "                         look for; repeatable; format in vmscan(1)\n"
          "      --no-checks        do not run the checks (package\n"
          "                         integrity, persistence, access, ...);\n"
          "                         YARA matches are still findings\n"
          "      --skip-check ID    do not run the check ID (its check_runs\n"
          "                         row says skipped); repeatable\n"
          "      --list-checks      print every check id, where it runs and\n"
          "                         what it looks for, and exit\n"
          "      --fail-on SEV      exit 1 when a finding is at SEV or\n"
          "                         above: info, low, medium, high, critical\n"
          "                         (default: medium)\n"
          "      --baseline DB      compare the findings with the approved\n"
          "                         baseline DB (made by 'vmscan baseline\n"
          "                         accept'): each is new or unchanged, and\n"
          "                         --fail-on looks at the new ones only\n"
          "      --suppress FILE    accepted findings (check, path or\n"
          "                         account, reason, expiry; format in\n"
          "                         vmscan(1)): kept, marked suppressed, and\n"
          "                         not counted by --fail-on; repeatable\n"
          "  -j, --jobs N           host threads for hashing, magic and YARA\n"
          "                         (default: the number of processors)\n"
          "      --jobs-images N    each IMAGE is a machine of its own: scan\n"
          "                         up to N at once (fewer if memory is\n"
          "                         short), each into DB's folder DB.d/,\n"
          "                         then merge them into DB (-o needed)\n"
          "      --data-path PATH   where filesystems are read: auto (the\n"
          "                         host reads ext2/3/4, FAT, exFAT, NTFS,\n"
          "                         ISO 9660 and HFS+ itself, in a sandbox;\n"
          "                         the appliance reads the rest and is\n"
          "                         launched only when needed; default),\n"
          "                         host (never the appliance), appliance\n"
          "                         (everything through it)\n"
          "      --deleted          also record deleted entries and\n"
          "                         unallocated inodes of filesystems read\n"
          "                         on the host (files.deleted), and hash\n"
          "                         and scan those whose blocks are still\n"
          "                         free\n"
          "      --progress         show progress even if stdout is not a\n"
          "                         terminal\n"
          "      --no-progress      never show progress\n"
          "      --report FMT[:FILE]\n"
          "                         when the scan ends, also write a report\n"
          "                         (html, json, jsonl, csv, csv-files,\n"
          "                         sarif, bodyfile, md, summary: JSON\n"
          "                         counts for CI, cyclonedx, spdx: the\n"
          "                         installed packages) to FILE (default:\n"
          "                         DB with .db replaced by the format's\n"
          "                         extension); repeatable\n"
          "  -v, --verbose          say more (repeat for appliance messages)\n"
          "  -q, --quiet            say nothing but errors and the summary\n"
          "      --version          print the version and exit\n"
          "  -h, --help             print this help and exit\n"
          "\n"
          "Exit status: 0 scanned, no finding at the --fail-on severity or\n"
          "above (not suppressed, and new with --baseline); 1 scanned, at\n"
          "least one such finding; 2 error (the scan could not be\n"
          "completed).\n"
          "'vmscan report --help' tells how to make a report from a\n"
          "database, 'vmscan diff --help' how to compare two scans,\n"
          "'vmscan baseline --help' how to approve one.  See\n"
          "vmscan(1) for the database and examples.\n",
          PACKAGE_VERSION, vs_scan_default_rules ());
  exit (0);
}

static void
on_signal (int sig)
{
  stop_flag = 1;
}

static void
setup_signals (void)
{
  struct sigaction sa;

  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESETHAND;   /* a second signal kills */
  sigemptyset (&sa.sa_mask);
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGHUP, &sa, NULL);
  signal (SIGPIPE, SIG_IGN);
}

static char *
command_line (int argc, char **argv)
{
  struct vs_buf b = VS_BUF_INIT;
  int i;

  for (i = 0; i < argc; i++) {
    if (i)
      vs_buf_addc (&b, ' ');
    vs_buf_add_shell_quoted (&b, argv[i]);
  }
  return vs_buf_detach (&b, NULL);
}

static char *
default_db_path (const char *image)
{
  const char *base = strrchr (image, '/');

  base = base ? base + 1 : image;
  return vs_xasprintf ("%s.vmscan.db", *base ? base : "image");
}

/* --report FORMAT[:FILE]: checks the format; FILE may hold colons. */
static int
report_spec_valid (const char *spec)
{
  size_t n = strcspn (spec, ":");
  char *fmt = vs_xstrndup (spec, n);
  int ok = vs_report_format_valid (fmt) && (spec[n] == '\0' || spec[n + 1]);

  free (fmt);
  return ok;
}

/* Writes the reports asked for with --report once the scan is over and
 * its database exists; before is what stat() said of the database path
 * before the scan (st_ino 0 if nothing was there), so that a database
 * the scan refused to replace is not reported on as if it were new.
 * Returns 0, or -1 if any failed (each said). */
static int
write_reports (const char *db, const struct stat *before, char **specs,
               size_t nspecs)
{
  struct stat sb;
  size_t i, n;
  int ret = 0;

  if (nspecs == 0)
    return 0;
  if (stat (db, &sb) == -1
      || (before->st_ino && sb.st_ino == before->st_ino
          && sb.st_dev == before->st_dev
          && sb.st_mtim.tv_sec == before->st_mtim.tv_sec
          && sb.st_mtim.tv_nsec == before->st_mtim.tv_nsec)) {
    vs_error ("%s: the scan wrote no database: no report", db);
    return -1;
  }
  for (i = 0; i < nspecs; i++) {
    char *fmt, *file, *errmsg = NULL;

    n = strcspn (specs[i], ":");
    fmt = vs_xstrndup (specs[i], n);
    file = specs[i][n] ? vs_xstrdup (specs[i] + n + 1)
      : vs_report_default_path (db, fmt);
    if (vs_report_write (db, fmt, file, NULL, &errmsg) == -1) {
      vs_error ("report: %s", errmsg);
      free (errmsg);
      ret = -1;
    }
    else
      vs_info ("%s report written to %s", fmt, file);
    free (fmt);
    free (file);
  }
  return ret;
}

/* The value of a size option, or exit 2 with a message. */
static uint64_t
size_arg (const char *option, const char *arg)
{
  uint64_t n;

  if (vs_parse_size (arg, &n) == -1) {
    vs_error ("%s: not a size: '%s'", option, arg);
    usage (2);
  }
  return n;
}

/* What the command line asks for besides the scan's options. */
struct cli {
  const char *db;               /* -o, or NULL */
  const char *baseline;         /* --baseline, or NULL */
  const char **suppress;        /* --suppress files */
  size_t nsuppress;
  char **reports;               /* --report specs */
  size_t nreports;
  int progress;                 /* -1: neither --progress nor
                                   --no-progress */
  unsigned jobs_images;         /* --jobs-images N, or 0 */
};

/* The scan's options before the command line's. */
static struct vs_scan_options
default_options (void)
{
  struct vs_scan_options o;
  long cpus;

  memset (&o, 0, sizeof o);
  o.yara = 1;
  o.checks = 1;
  o.fail_on = VS_SEV_MEDIUM;
  o.yara_max_size = VS_DEFAULT_YARA_MAX;
  o.sparse_limit = VS_DEFAULT_SPARSE_LIMIT;
  cpus = sysconf (_SC_NPROCESSORS_ONLN);
  o.jobs = cpus > 0 ? (unsigned) cpus : 1;
  return o;
}

static void print_version (void) __attribute__((noreturn));

static void
print_version (void)
{
  printf ("vmscan %s\n", PACKAGE_VERSION);
  printf ("libmagic %s, YARA %s\n", vs_classify_version (),
          vs_rules_version ());
  exit (0);
}

/* --list-checks: the registry, one check a line; exits. */
static void
list_checks (void)
{
  size_t i;

  for (i = 0; i < VS_CK_COUNT; i++)
    printf ("%-30s %-12s %s\n", vs_check_defs[i].id,
            vs_check_scope_name (vs_check_defs[i].scope),
            vs_check_defs[i].description);
  exit (fflush (stdout) == EOF || ferror (stdout) ? 2 : 0);
}

/* --skip-check ID: appended to the list, or exit 2 if ID is not the id
 * of a check that runs. */
static void
add_skip_check (const char *id, const char ***skips, size_t *nskips)
{
  int i = vs_check_find (id);

  if (i == -1 || !vs_check_defs[i].run) {
    vs_error ("--skip-check: '%s' is not the id of a check (see "
              "--list-checks)", id);
    exit (2);
  }
  *skips = vs_xrealloc (*skips, (*nskips + 1) * sizeof **skips);
  (*skips)[(*nskips)++] = id;
}

/* Parses the options, exiting 2 on a bad one; the images (the arguments
 * from optind on) are the caller's to check. */
static struct vs_scan_options
parse_options (int argc, char **argv, struct cli *cli)
{
  struct vs_scan_options o = default_options ();
  const char **rules = NULL, **iocs = NULL, **skips = NULL;
  size_t nrules = 0, niocs = 0, nskips = 0, nreports = 0;
  char *db = NULL, **reports = NULL;
  const char *baseline = NULL, **suppress = NULL;
  size_t nsuppress = 0;
  uint64_t n;
  int c, progress = -1;

  cli->jobs_images = 0;
  while ((c = getopt_long (argc, argv, OPTSTRING, long_options,
                           NULL)) != -1) {
    switch (c) {
    case 'o':
      db = optarg;
      break;
    case 'f':
      o.force = 1;
      break;
    case OPT_FORMAT:
      if (!vs_image_format_valid (optarg)) {
        vs_error ("--format: unknown format '%s' (raw, qcow2, vmdk, vhd, "
                  "vhdx)", optarg);
        usage (2);
      }
      o.format = optarg;
      break;
    case 'r':
      rules = vs_xrealloc (rules, (nrules + 1) * sizeof *rules);
      rules[nrules++] = optarg;
      break;
    case OPT_SKIP_BAD_RULES:
      o.skip_bad_rules = 1;
      break;
    case OPT_NO_YARA:
      o.yara = 0;
      break;
    case OPT_NO_CHECKS:
      o.checks = 0;
      break;
    case OPT_IOC:
      iocs = vs_xrealloc (iocs, (niocs + 1) * sizeof *iocs);
      iocs[niocs++] = optarg;
      break;
    case OPT_SKIP_CHECK:
      add_skip_check (optarg, &skips, &nskips);
      break;
    case OPT_LIST_CHECKS:
      list_checks ();
      break;
    case OPT_FAIL_ON:
      if (vs_severity_parse (optarg, &o.fail_on) == -1) {
        vs_error ("--fail-on: expected info, low, medium, high or "
                  "critical, not '%s'", optarg);
        usage (2);
      }
      break;
    case OPT_MAX_YARA_SIZE:
      o.yara_max_size = size_arg ("--max-yara-size", optarg);
      break;
    case OPT_SPARSE_LIMIT:
      o.sparse_limit = size_arg ("--sparse-limit", optarg);
      break;
    case OPT_DATA_PATH:
      if (strcmp (optarg, "auto") == 0)
        o.data_path = VS_DATA_PATH_AUTO;
      else if (strcmp (optarg, "host") == 0)
        o.data_path = VS_DATA_PATH_HOST;
      else if (strcmp (optarg, "appliance") == 0)
        o.data_path = VS_DATA_PATH_APPLIANCE;
      else {
        vs_error ("--data-path: expected auto, host or appliance, not '%s'",
                  optarg);
        usage (2);
      }
      break;
    case OPT_DELETED:
      o.deleted = 1;
      break;
    case OPT_BASELINE:
      if (baseline) {
        vs_error ("--baseline: given twice");
        usage (2);
      }
      baseline = optarg;
      break;
    case OPT_SUPPRESS:
      suppress = vs_xrealloc (suppress, (nsuppress + 1) * sizeof *suppress);
      suppress[nsuppress++] = optarg;
      break;
    case 'j':
      if (vs_parse_size (optarg, &n) == -1 || n < 1 || n > 256) {
        vs_error ("--jobs: expected a number from 1 to 256, not '%s'",
                  optarg);
        usage (2);
      }
      o.jobs = (unsigned) n;
      break;
    case OPT_JOBS_IMAGES:
      if (vs_parse_size (optarg, &n) == -1 || n < 1
          || n > VS_FLEET_MAX_JOBS) {
        vs_error ("--jobs-images: expected a number from 1 to %d, not '%s'",
                  VS_FLEET_MAX_JOBS, optarg);
        usage (2);
      }
      cli->jobs_images = (unsigned) n;
      break;
    case OPT_PROGRESS:
      progress = 1;
      break;
    case OPT_NO_PROGRESS:
      progress = 0;
      break;
    case OPT_REPORT:
      if (!report_spec_valid (optarg)) {
        vs_error ("--report: expected FORMAT[:FILE] with FORMAT one of "
                  "%s, not '%s'", VS_REPORT_FORMATS, optarg);
        usage (2);
      }
      reports = vs_xrealloc (reports, (nreports + 1) * sizeof *reports);
      reports[nreports++] = optarg;
      break;
    case 'v':
      if (vs_verbosity < 0)
        vs_verbosity = 0;
      vs_verbosity++;
      break;
    case 'q':
      vs_verbosity = -1;
      break;
    case OPT_VERSION:
      print_version ();
    case 'h':
      usage (0);
    default:
      usage (2);
    }
  }
  o.rule_paths = rules;
  o.nrule_paths = nrules;
  o.ioc_paths = iocs;
  o.nioc_paths = niocs;
  o.skip_checks = skips;
  o.nskip_checks = nskips;
  cli->db = db;
  cli->baseline = baseline;
  cli->suppress = suppress;
  cli->nsuppress = nsuppress;
  cli->reports = reports;
  cli->nreports = nreports;
  cli->progress = progress;
  return o;
}

/* Never write the database over an image, whatever the names: says so
 * and returns -1 if it would. */
static int
db_overwrites_image (const struct vs_scan_options *o)
{
  struct stat db_st, img_st;
  int db_exists = stat (o->db_path, &db_st) == 0;
  size_t i;

  for (i = 0; i < o->nimages; i++) {
    if (strcmp (o->images[i], o->db_path) == 0
        || (db_exists && stat (o->images[i], &img_st) == 0
            && img_st.st_dev == db_st.st_dev
            && img_st.st_ino == db_st.st_ino)) {
      vs_error ("%s: the database would overwrite the image %s",
                o->db_path, o->images[i]);
      return -1;
    }
  }
  return 0;
}

/* --baseline and --suppress, read before the scan starts so that a bad
 * file ends it at once: says why and returns -1. */
static int
load_review (struct vs_scan_options *o, const struct cli *cli,
             struct vs_baseline *bl, struct vs_suppress_file **files)
{
  struct stat a, b;
  char *err = NULL;
  size_t i;

  if (cli->baseline) {
    if (strcmp (cli->baseline, o->db_path) == 0
        || (stat (cli->baseline, &a) == 0 && stat (o->db_path, &b) == 0
            && a.st_dev == b.st_dev && a.st_ino == b.st_ino)) {
      vs_error ("%s: the database would overwrite the baseline",
                o->db_path);
      return -1;
    }
    if (vs_baseline_open (cli->baseline, bl, &err) == -1) {
      vs_error ("--baseline: %s", err);
      free (err);
      return -1;
    }
    o->baseline = bl;
  }
  *files = vs_xcalloc (cli->nsuppress ? cli->nsuppress : 1, sizeof **files);
  for (i = 0; i < cli->nsuppress; i++) {
    if (vs_suppress_file_load (cli->suppress[i], &(*files)[i], &err) == -1) {
      vs_error ("--suppress: %s", err);
      free (err);
      return -1;
    }
    o->nsuppress = i + 1;
  }
  o->suppress = *files;
  return 0;
}

static void
free_review (struct vs_scan_options *o, struct vs_baseline *bl,
             struct vs_suppress_file *files)
{
  size_t i;

  for (i = 0; i < o->nsuppress; i++)
    vs_suppress_list_free (&files[i].list);
  free (files);
  vs_baseline_close (bl);
}

/* Runs the scan, prints its summary and writes the reports; returns the
 * exit status. */
static int
scan (const struct vs_scan_options *o, const struct cli *cli)
{
  struct vs_scan_result r;
  struct stat before;
  int rc;

  if (stat (o->db_path, &before) == -1)
    memset (&before, 0, sizeof before);
  vs_scan_run (o, &r);
  /* A scan that failed early never started its progress reports. */
  vs_progress_line_show (NULL, NULL);
  if (r.status != VS_SCAN_FAILED)
    vs_summary_print (stdout, &r, o->db_path, o->fail_on, o->baseline);
  rc = vs_summary_exit_status (&r, o->fail_on);
  vs_scan_result_free (&r);
  vs_rules_cleanup ();
  if (write_reports (o->db_path, &before, cli->reports, cli->nreports) == -1)
    rc = 2;
  return rc;
}

int
main (int argc, char **argv)
{
  struct vs_scan_options o;
  struct cli cli;
  struct vs_progress_line line;
  struct vs_baseline bl;
  struct vs_suppress_file *sfiles = NULL;
  char *cmdline;
  int rc;

  /* "vmscan report DB ...": make a report, no scan. */
  if (argc > 1 && strcmp (argv[1], "report") == 0)
    return vs_report_main (argc - 1, argv + 1);
  /* "vmscan diff OLD.db NEW.db ...": compare two scans. */
  if (argc > 1 && strcmp (argv[1], "diff") == 0)
    return vs_diff_main (argc - 1, argv + 1);
  /* "vmscan baseline accept ...": approve a scan. */
  if (argc > 1 && strcmp (argv[1], "baseline") == 0)
    return vs_baseline_main (argc - 1, argv + 1);
  /* "vmscan merge OUT.db IN.db...": a fleet database. */
  if (argc > 1 && strcmp (argv[1], "merge") == 0)
    return vs_merge_main (argc - 1, argv + 1);

  /* Before any thread exists: keep our FUSE mount out of the host's
   * mount table. */
  vs_appliance_private_namespace ();

  o = parse_options (argc, argv, &cli);
  if (optind >= argc) {
    vs_error ("no disk image given");
    usage (2);
  }
  if (o.rule_paths && !o.yara) {
    vs_error ("--rules and --no-yara contradict each other");
    usage (2);
  }
  if (o.skip_bad_rules && !o.yara) {
    vs_error ("--skip-bad-rules and --no-yara contradict each other");
    usage (2);
  }
  o.images = argv + optind;
  o.nimages = (size_t) (argc - optind);
  /* --jobs-images: each image a machine, each scanned by a child. */
  if (cli.jobs_images) {
    struct vs_fleet f = {
      cli.db, o.images, o.nimages, cli.jobs_images, &o, cli.reports,
      cli.nreports, argc, argv, long_options, OPTSTRING,
    };

    rc = vs_fleet_main (&f);
    free (cli.reports);
    free (cli.suppress);
    free ((void *) o.rule_paths);
    free ((void *) o.ioc_paths);
    free ((void *) o.skip_checks);
    return fflush (stdout) == EOF || ferror (stdout) ? 2 : rc;
  }
  o.db_path = cli.db ? cli.db : default_db_path (argv[optind]);
  if (db_overwrites_image (&o) == -1)
    return 2;
  memset (&bl, 0, sizeof bl);
  if (load_review (&o, &cli, &bl, &sfiles) == -1) {
    free_review (&o, &bl, sfiles);
    free (cli.suppress);
    free ((void *) o.rule_paths);
    free ((void *) o.ioc_paths);
    free ((void *) o.skip_checks);
    free (cli.reports);
    if (!cli.db)
      free ((char *) o.db_path);
    return 2;
  }
  if (cli.progress == -1)
    cli.progress = isatty (STDOUT_FILENO) && isatty (STDERR_FILENO)
      && vs_verbosity >= 0;
  if (cli.progress) {
    vs_progress_line_init (&line, vs_now_monotonic ());
    o.progress = vs_progress_line_show;
    o.progress_opaque = &line;
  }
  o.stop = &stop_flag;
  vs_stop_set_flag (&stop_flag);
  cmdline = command_line (argc, argv);
  o.command_line = cmdline;

  if (vs_rules_init () == -1) {
    vs_error ("cannot initialise YARA");
    return 2;
  }
  setup_signals ();
  rc = scan (&o, &cli);

  if (fflush (stdout) == EOF || ferror (stdout)) {
    vs_error ("cannot write the summary: %s", strerror (errno));
    rc = 2;
  }
  free (cmdline);
  free ((void *) o.rule_paths);
  free ((void *) o.ioc_paths);
  free ((void *) o.skip_checks);
  free (cli.reports);
  free_review (&o, &bl, sfiles);
  free (cli.suppress);
  if (!cli.db)
    free ((char *) o.db_path);
  return rc;
}
