/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: unit tests of the package-url encoder of the cyclonedx and spdx
 * reports (vs_rep_purl, report/int.h): the purl specification's own
 * examples of the deb and rpm types, then names, versions and qualifier
 * values a hostile package database could hold.  Every byte of a
 * component must come back from the purl with the specification's
 * percent-decoding, and the purl must be made of the characters the
 * specification permits alone. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/int.h"
#include "tap.h"

static char *
purl (const char *type, const char *ns, const char *name, size_t name_len,
      const char *version, const char *arch, const char *distro)
{
  struct vs_buf b = VS_BUF_INIT;
  struct vs_rep_purl p = {
    .type = type,
    .ns = ns, .ns_len = ns ? strlen (ns) : 0,
    .name = name, .name_len = name_len,
    .version = version, .version_len = version ? strlen (version) : 0,
    .arch = arch, .arch_len = arch ? strlen (arch) : 0,
    .distro = distro,
  };

  vs_rep_purl (&b, &p);
  return vs_buf_detach (&b, NULL);
}

static void
is (const char *type, const char *ns, const char *name, const char *version,
    const char *arch, const char *distro, const char *want, const char *what)
{
  char *got = purl (type, ns, name, strlen (name), version, arch, distro);

  tap_is_str (got, want, "%s", what);
  free (got);
}

static int
hexval (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;                    /* lowercase hex is not canonical */
}

/* Decodes s[0..n) as a purl component into out; -1 on a bad escape or a
 * character that should have been encoded. */
static int
decode (const char *s, size_t n, char *out, size_t *out_len)
{
  size_t i, o = 0;

  for (i = 0; i < n; i++) {
    char c = s[i];

    if (c == '%') {
      int hi, lo;

      if (i + 2 >= n)
        return -1;
      hi = hexval (s[i + 1]);
      lo = hexval (s[i + 2]);
      if (hi < 0 || lo < 0)
        return -1;
      out[o++] = (char) (hi * 16 + lo);
      i += 2;
    }
    else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
             || (c >= '0' && c <= '9') || strchr (".-_~:", c))
      out[o++] = c;
    else
      return -1;
  }
  *out_len = o;
  return 0;
}

int
main (void)
{
  char name[4], dec[16];
  size_t dlen;
  int c, bad = 0;

  tap_plan (20);

  /* The specification's examples (types/deb-definition.json,
   * types/rpm-definition.json). */
  is ("deb", "debian", "curl", "7.50.3-1", "i386", "jessie",
      "pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie",
      "deb: the specification's curl example");
  is ("deb", "debian", "attr", "1:2.4.47-2+b1", "amd64", NULL,
      "pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64",
      "deb: an epoch keeps its ':', a '+' is %2B");
  is ("rpm", "fedora", "curl", "7.50.3-1.fc25", "i386", "fedora-25",
      "pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25",
      "rpm: the specification's curl example");
  is ("rpm", NULL, "centerim", "1:4.22.10-1.el6", "i686", "fedora-25",
      "pkg:rpm/centerim@4.22.10-1.el6?arch=i686&distro=fedora-25&epoch=1",
      "rpm: the epoch is a qualifier, keys sorted, no namespace");

  /* Case. */
  is ("deb", "Debian", "LibFoo", "1.0", NULL, NULL,
      "pkg:deb/debian/libfoo@1.0",
      "deb: namespace and name lowercased");
  is ("rpm", "OpenSUSE", "NetworkManager", "1.0-1", NULL, NULL,
      "pkg:rpm/opensuse/NetworkManager@1.0-1",
      "rpm: namespace lowercased, the name kept as it is");

  /* What an rpm version may look like. */
  is ("rpm", "rhel", "x", "0:1.0-1", NULL, NULL,
      "pkg:rpm/rhel/x@1.0-1?epoch=0", "rpm: epoch 0 is said");
  is ("rpm", "rhel", "x", "a:1.0-1", NULL, NULL,
      "pkg:rpm/rhel/x@a:1.0-1",
      "rpm: a prefix that is not digits is no epoch");
  is ("rpm", "rhel", "x", ":1.0", NULL, NULL,
      "pkg:rpm/rhel/x@:1.0", "rpm: an empty epoch is none");
  is ("rpm", "rhel", "x", "12:", NULL, NULL,
      "pkg:rpm/rhel/x?epoch=12", "rpm: an epoch and nothing after it");

  /* Left out when absent or empty. */
  is ("deb", NULL, "foo", NULL, NULL, NULL, "pkg:deb/foo",
      "no namespace, version or qualifier");
  is ("deb", "", "foo", "", "", "", "pkg:deb/foo",
      "empty namespace, version and qualifiers are left out");

  /* Hostile text. */
  is ("deb", "debian", "a\"b c%d/e@f?g#h&i=j+k<l>\\m", "1:2\"3%4/5@6?7#8&9=0+",
      "amd64", "debian-12",
      "pkg:deb/debian/a%22b%20c%25d%2Fe%40f%3Fg%23h%26i%3Dj%2Bk%3Cl%3E%5Cm"
      "@1:2%223%254%2F5%406%3F7%238%269%3D0%2B?arch=amd64&distro=debian-12",
      "deb: quotes, spaces, %, /, @, ?, #, &, =, +, <, >, \\ encoded");
  is ("deb", "ev\"il/os x", "n", "1", "x86 64&y=z", "ev\"il/os x-1",
      "pkg:deb/ev%22il%2Fos%20x/n@1?arch=x86%2064%26y%3Dz&"
      "distro=ev%22il%2Fos%20x-1",
      "a hostile namespace and qualifier values encoded");
  is ("deb", "debian", "\x01\x7f\xff\xc3\xa9", "\xe2\x80\xae", NULL, NULL,
      "pkg:deb/debian/%01%7F%FF%C3%A9@%E2%80%AE",
      "control bytes, bad UTF-8, UTF-8 and U+202E as %XX, byte by byte");
  {
    char *got = purl ("deb", "debian", "a\0b", 3, "1", NULL, NULL);

    tap_is_str (got, "pkg:deb/debian/a%00b@1",
                "a NUL inside a name (given its length) is %%00");
    free (got);
  }
  is ("deb", "debian", "A:b~c_d.e-f", "1~rc1", NULL, NULL,
      "pkg:deb/debian/a:b~c_d.e-f@1~rc1",
      "the characters the specification never encodes stay");

  /* Every byte, alone as a name (an rpm's, so that case is kept) and
   * as a version, comes back from the purl. */
  for (c = 0; c < 256; c++) {
    char *got, *at, *comp;
    size_t k;

    name[0] = (char) c;
    got = purl ("rpm", NULL, name, 1, NULL, NULL, NULL);
    comp = got + strlen ("pkg:rpm/");
    if (strncmp (got, "pkg:rpm/", 8) != 0
        || decode (comp, strlen (comp), dec, &dlen) == -1 || dlen != 1
        || dec[0] != (char) c)
      bad++;
    free (got);
    got = purl ("rpm", NULL, "n", 1, name[0] ? name : "", NULL, NULL);
    at = strchr (got, '@');
    if (c && (!at || decode (at + 1, strlen (at + 1), dec, &dlen) == -1
              || dlen != 1 || dec[0] != (char) c))
      bad++;
    for (k = 0; got[k]; k++)
      if ((unsigned char) got[k] >= 0x80)
        bad++;
    free (got);
  }
  tap_ok (bad == 0, "each of the 256 bytes as a name and as a version: "
          "ASCII, canonically encoded, decoded back (%d wrong)", bad);
  {
    char *got = purl ("deb", "debian", "x", 1, "1", "amd64", "debian-12");
    char *q = strchr (got, '?');

    tap_ok (q && strcmp (q, "?arch=amd64&distro=debian-12") == 0,
            "qualifiers sorted by key: arch, distro (%s)", got);
    free (got);
  }
  {
    char *got = purl ("rpm", "rocky", "x", 1, "3:1-1", "noarch",
                      "rocky-9.3");
    char *q = strchr (got, '?');

    tap_ok (q && strcmp (q, "?arch=noarch&distro=rocky-9.3&epoch=3") == 0,
            "qualifiers sorted by key: arch, distro, epoch (%s)", got);
    free (got);
  }
  return tap_done ();
}
