/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the check of what qemu opened (vs_serve_check_nodes):
 * replies to query-named-block-nodes in the shape qemu 7.2's
 * qemu-storage-daemon gives them (taken from its output for a plain
 * qcow2, a qcow2 with a backing file, a qcow2 with an external data file
 * and a monolithicSparse VMDK, with /image as the file), then the same
 * with one thing changed, then broken and hostile JSON, and a bound on
 * the reader's work.  No qemu is run here; test-host-files.sh runs it.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/serve.h"
#include "tap.h"
#include "base/util.h"

/* A format node (drv FMT) over a file node on FILE, with EXTRA spliced
 * into the format node's "image" object. */
#define FILE_NODE(file) \
  "{\"iops_rd\": 0, \"detect_zeroes\": \"off\", \"image\": " \
  "{\"virtual-size\": 197120, \"filename\": \"" file "\", " \
  "\"format\": \"file\", \"actual-size\": 200704, \"dirty-flag\": false}, " \
  "\"ro\": true, \"node-name\": \"#block024\", \"backing_file_depth\": 0, " \
  "\"drv\": \"file\", \"encrypted\": false, \"file\": \"" file "\"}"

static const char qcow2_good[] =
  "{\"return\": [{\"iops_rd\": 0, \"detect_zeroes\": \"off\", \"image\": "
  "{\"virtual-size\": 16777216, \"filename\": \"json:{\\\"backing\\\": "
  "null, \\\"driver\\\": \\\"qcow2\\\", \\\"file\\\": {\\\"driver\\\": "
  "\\\"file\\\", \\\"filename\\\": \\\"/image\\\"}}\", \"cluster-size\": "
  "65536, \"format\": \"qcow2\", \"actual-size\": 200704, "
  "\"format-specific\": {\"type\": \"qcow2\", \"data\": {\"compat\": "
  "\"1.1\", \"compression-type\": \"zlib\", \"lazy-refcounts\": false, "
  "\"refcount-bits\": 16, \"corrupt\": false, \"extended-l2\": false}}, "
  "\"dirty-flag\": false}, \"iops_wr\": 0, \"ro\": true, \"node-name\": "
  "\"img\", \"backing_file_depth\": 0, \"drv\": \"qcow2\", \"iops\": 0, "
  "\"bps_wr\": 0, \"write_threshold\": 0, \"encrypted\": false, \"bps\": 0, "
  "\"bps_rd\": 0, \"cache\": {\"no-flush\": false, \"direct\": false, "
  "\"writeback\": true}, \"file\": \"json:{\\\"backing\\\": null}\"}, "
  FILE_NODE ("/image") "]}\r\n";

/* qemu 7.2 with "backing": null still reports the name in the header. */
static const char qcow2_backing[] =
  "{\"return\": [{\"image\": {\"backing-filename-format\": \"raw\", "
  "\"virtual-size\": 16777216, \"filename\": \"json:{}\", \"format\": "
  "\"qcow2\", \"full-backing-filename\": \"/etc/shadow\", "
  "\"backing-filename\": \"/etc/shadow\", \"dirty-flag\": false}, "
  "\"node-name\": \"img\", \"backing_file_depth\": 0, \"drv\": \"qcow2\", "
  "\"file\": \"json:{}\"}, " FILE_NODE ("/image") "]}";

static const char qcow2_data_file[] =
  "{\"return\": [" FILE_NODE ("/image") ", {\"image\": {\"virtual-size\": "
  "16777216, \"filename\": \"/image\", \"format\": \"qcow2\", "
  "\"format-specific\": {\"type\": \"qcow2\", \"data\": {\"compat\": "
  "\"1.1\", \"data-file\": \"/image\", \"data-file-raw\": false}}}, "
  "\"node-name\": \"img\", \"drv\": \"qcow2\", \"file\": \"/image\"}, "
  FILE_NODE ("/image") "]}";

static const char vmdk_good[] =
  "{\"return\": [{\"image\": {\"virtual-size\": 16777216, \"filename\": "
  "\"/image\", \"cluster-size\": 65536, \"format\": \"vmdk\", "
  "\"format-specific\": {\"type\": \"vmdk\", \"data\": {\"cid\": "
  "1274512877, \"parent-cid\": 4294967295, \"create-type\": "
  "\"monolithicSparse\", \"extents\": [{\"virtual-size\": 16777216, "
  "\"filename\": \"/image\", \"cluster-size\": 65536, \"format\": "
  "\"\"}]}}, \"dirty-flag\": false}, \"node-name\": \"img\", "
  "\"backing_file_depth\": 0, \"drv\": \"vmdk\", \"file\": \"/image\"}, "
  FILE_NODE ("/image") "]}";

static const char vmdk_extent[] =
  "{\"return\": [{\"image\": {\"filename\": \"/image\", \"format\": "
  "\"vmdk\", \"format-specific\": {\"type\": \"vmdk\", \"data\": "
  "{\"extents\": [{\"filename\": \"/image\", \"format\": \"\"}, "
  "{\"filename\": \"/home/u/.ssh/id_rsa\", \"format\": \"FLAT\"}]}}}, "
  "\"node-name\": \"img\", \"drv\": \"vmdk\", \"file\": \"/image\"}, "
  FILE_NODE ("/image") "]}";

static const char other_file_node[] =
  "{\"return\": [{\"node-name\": \"img\", \"drv\": \"raw\", \"file\": "
  "\"/image\"}, " FILE_NODE ("/image") ", " FILE_NODE ("/usr/bin/ls")
  "]}";

static const char nbd_node[] =
  "{\"return\": [{\"node-name\": \"img\", \"drv\": \"qcow2\", \"file\": "
  "\"/image\"}, {\"node-name\": \"#block1\", \"drv\": \"nbd\", \"file\": "
  "\"nbd://10.0.0.1:10809\"}]}";

static const char two_format_nodes[] =
  "{\"return\": [{\"node-name\": \"img\", \"drv\": \"qcow2\", \"file\": "
  "\"/image\"}, {\"node-name\": \"#block2\", \"drv\": \"qcow2\", "
  "\"file\": \"/image\"}, " FILE_NODE ("/image") "]}";

static const char no_format_node[] =
  "{\"return\": [" FILE_NODE ("/image") "]}";

static const char no_driver[] =
  "{\"return\": [{\"node-name\": \"img\", \"file\": \"/image\"}]}";

static const char qmp_error[] =
  "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Invalid "
  "parameter\"}}";

static const char depth_backing[] =
  "{\"return\": [{\"node-name\": \"img\", \"drv\": \"qcow2\", \"file\": "
  "\"/image\", \"backing_file_depth\": 1}, " FILE_NODE ("/image") "]}";

/* The same good reply with the file name spelled with escapes. */
static const char escaped_good[] =
  "{\"return\": [{\"node-name\": \"img\", \"drv\": \"raw\", \"file\": "
  "\"\\u002fimage\"}, {\"node-name\": \"f\", \"drv\": \"file\", "
  "\"file\": \"\\/im\\u0061ge\"}]}";

/* A name with a character outside the BMP (a surrogate pair) and a
 * newline: refused, and the message stays on one line. */
static const char escaped_other[] =
  "{\"return\": [{\"node-name\": \"img\", \"drv\": \"raw\", \"file\": "
  "\"/image\"}, {\"node-name\": \"f\", \"drv\": \"file\", \"file\": "
  "\"/tmp/\\ud83d\\ude00\\nx\"}]}";

static int
check (const char *json, const char *format, char **errmsg)
{
  *errmsg = NULL;
  return vs_serve_check_nodes (json, strlen (json), format, errmsg);
}

static void
refused (const char *json, const char *format, const char *want,
         const char *what)
{
  char *err = NULL;
  int rc = check (json, format, &err);

  tap_ok (rc == -1 && err && strstr (err, want) && !strchr (err, '\n'),
          "%s: refused, one line with '%s' (%s)", what, want,
          err ? err : "accepted");
  free (err);
}

static void
accepted (const char *json, const char *format, const char *what)
{
  char *err = NULL;
  int rc = check (json, format, &err);

  tap_ok (rc == 0 && !err, "%s: accepted (%s)", what, err ? err : "ok");
  free (err);
}

/* A reply whose one node holds an array of n small objects. */
static char *
big_reply (size_t n)
{
  struct vs_buf b = VS_BUF_INIT;
  size_t i;

  vs_buf_adds (&b, "{\"return\": [{\"node-name\": \"img\", \"drv\": "
               "\"raw\", \"file\": \"/image\", \"x\": [");
  for (i = 0; i < n; i++)
    vs_buf_addf (&b, "%s{\"a\": [1, -2.5e3, true, null, \"s\\u00e9\"]}",
                 i ? ", " : "");
  vs_buf_adds (&b, "]}]}");
  return vs_buf_detach (&b, NULL);
}

static uint64_t
ticks_of (const char *json)
{
  uint64_t before = vs_ticks ();
  char *err = NULL;

  vs_serve_check_nodes (json, strlen (json), "raw", &err);
  free (err);
  return vs_ticks () - before;
}

int
main (void)
{
  struct vs_buf b = VS_BUF_INIT;
  char *big1, *big4, *err = NULL;
  uint64_t t1, t4;
  size_t i;
  int rc;

  tap_plan (32);

  accepted (qcow2_good, "qcow2", "qcow2 served with backing null");
  accepted (vmdk_good, "vmdk", "monolithicSparse VMDK");
  accepted (escaped_good, "raw", "/image spelled with escapes");

  refused (qcow2_backing, "qcow2", "backing file '/etc/shadow'",
           "qcow2 naming a backing file");
  refused (qcow2_data_file, "qcow2", "external data file '/image'",
           "qcow2 with an external data file (even /image)");
  refused (vmdk_extent, "vmdk", "'/home/u/.ssh/id_rsa'",
           "VMDK naming a second extent");
  refused (other_file_node, "raw", "another file, '/usr/bin/ls'",
           "a file node on another file");
  refused (nbd_node, "qcow2", "'nbd' block node on 'nbd://10.0.0.1:10809'",
           "a network block node");
  refused (two_format_nodes, "qcow2", "2 'qcow2' block nodes",
           "two format nodes");
  refused (no_format_node, "qcow2", "0 'qcow2' block nodes",
           "no format node");
  refused (qcow2_good, "vmdk", "'qcow2' block node",
           "a format other than the one image.c found");
  refused (no_driver, "raw", "without a driver", "a node without drv");
  refused (qmp_error, "raw", "cannot list its block nodes: Invalid "
           "parameter", "a QMP error");
  refused (depth_backing, "qcow2", "backing file",
           "backing_file_depth above 0");
  refused (escaped_other, "raw", "'/tmp/\xf0\x9f\x98\x80\\nx'",
           "a foreign name with escapes, shown printable");
  refused ("{\"return\": []}", "raw", "no block node", "an empty list");
  refused ("{\"return\": {}}", "raw", "no block node", "return not a list");

  /* More nodes than a single-file image has. */
  vs_buf_adds (&b, "{\"return\": [{\"node-name\": \"img\", \"drv\": "
               "\"raw\", \"file\": \"/image\"}");
  for (i = 0; i < 16; i++)
    vs_buf_adds (&b, ", " FILE_NODE ("/image"));
  vs_buf_adds (&b, "]}");
  refused (b.data, "raw", "17 block nodes", "17 nodes");
  vs_buf_release (&b);

  /* Not JSON, or not the JSON qemu writes. */
  refused ("", "raw", "not valid JSON", "empty input");
  refused ("{\"return\": [", "raw", "not valid JSON", "cut short");
  refused ("{\"return\": []} x", "raw", "not valid JSON", "trailing bytes");
  refused ("{\"return\": [\"a\tb\"]}", "raw", "not valid JSON",
           "a raw control character in a string");
  refused ("{\"return\": [\"a\\u0000b\"]}", "raw", "not valid JSON",
           "an escaped NUL");
  refused ("{\"return\": [\"\\x41\"]}", "raw", "not valid JSON",
           "an unknown escape");
  refused ("{\"return\": [01x]}", "raw", "not valid JSON", "a bad number");
  refused ("{\"return\" [1]}", "raw", "not valid JSON", "a missing colon");
  refused ("[1]", "raw", "not valid JSON", "not an object");

  /* Nesting: 31 arrays inside the object parse (and are refused as no
   * list of nodes); 40 are past the cap and refused without recursing
   * further. */
  vs_buf_adds (&b, "{\"return\": [{\"node-name\": \"img\", \"drv\": "
               "\"raw\", \"file\": \"/image\", \"x\": ");
  for (i = 0; i < 28; i++)
    vs_buf_addc (&b, '[');
  for (i = 0; i < 28; i++)
    vs_buf_addc (&b, ']');
  vs_buf_adds (&b, "}]}");
  accepted (b.data, "raw", "nesting 31 deep");
  vs_buf_release (&b);
  vs_buf_adds (&b, "{\"return\": ");
  for (i = 0; i < 40; i++)
    vs_buf_addc (&b, '[');
  for (i = 0; i < 40; i++)
    vs_buf_addc (&b, ']');
  vs_buf_adds (&b, "}");
  refused (b.data, "raw", "not valid JSON", "nesting 41 deep");
  vs_buf_release (&b);

  /* Linear: four times the values cost at most about four times the
   * turns. */
  big1 = big_reply (2000);
  big4 = big_reply (8000);
  t1 = ticks_of (big1);
  t4 = ticks_of (big4);
  tap_ok (t1 > 2000 && t4 <= 4.5 * t1 + 100,
          "reader work is linear: %llu turns for 2000 items, %llu for 8000",
          (unsigned long long) t1, (unsigned long long) t4);
  rc = check (big4, "raw", &err);
  tap_ok (rc == 0, "a long but well-formed reply is read to the end (%s)",
          err ? err : "ok");
  free (err);
  free (big1);
  free (big4);

  /* A stop request ends the reader early. */
  big1 = big_reply (1000);
  vs_stop_request ("test");
  t1 = ticks_of (big1);
  rc = check (big1, "raw", &err);
  tap_ok (rc == -1 && err && strcmp (err, "stopped") == 0 && t1 <= 2,
          "a stop request ends the reader (%s, %llu turns)",
          err ? err : "accepted", (unsigned long long) t1);
  free (err);
  vs_stop_reset ();
  free (big1);

  return tap_done ();
}
