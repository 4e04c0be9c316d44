/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: what a first-boot agent's configuration would do, read from
 * its bytes: cloud-init's cloud-config (cloud.cfg, its drop-ins, the
 * user-data and vendor-data an image may keep), the other user-data
 * formats cloud-init takes (a "#!" script, a boothook, "#include" URLs,
 * "#cloud-config-archive", MIME multipart), and Ignition's JSON configs.
 *
 * Bytes in, a list of directives out: each command, script, file
 * written, account, SSH key, package, apt source, password setting,
 * URL fetched and systemd unit, with the 1-based line it is on.  YAML
 * is read with libyaml's event parser into a bounded tree of our own:
 * aliases are never expanded (an alias reads as an empty value), and
 * every count, depth and length is capped (the caps below), so that the
 * work is linear in the input.  No I/O.
 */
#ifndef VS_PARSE_CLOUDCFG_H
#define VS_PARSE_CLOUDCFG_H

#include <stddef.h>

#define VS_CI_MAX_INPUT (4u << 20)      /* bytes of one input read */
#define VS_CI_MAX_NODES 100000          /* YAML nodes of one document */
#define VS_CI_MAX_DEPTH 64              /* nesting of YAML collections */
#define VS_CI_MAX_ITEMS 4096            /* directives kept per input */
#define VS_CI_MAX_TEXT (1u << 20)       /* bytes of one directive's text */
#define VS_CI_MAX_PARTS 256             /* MIME or archive parts */
#define VS_CI_MAX_NEST 3                /* parts inside parts */

enum vs_ci_kind {
  VS_CI_COMMAND,        /* runcmd, bootcmd: text is the command */
  VS_CI_SCRIPT,         /* a shell script (user-data "#!", a boothook, a
                           MIME or archive part): text is its body */
  VS_CI_WRITE_FILE,     /* write_files, Ignition storage.files: text is
                           the path, content what is written */
  VS_CI_USER,           /* users, default_user, Ignition passwd.users:
                           text is the name */
  VS_CI_SSH_KEY,        /* an authorized key: text is the key line,
                           account the user (NULL: the default user) */
  VS_CI_PACKAGE,        /* packages: text is the package */
  VS_CI_APT_SOURCE,     /* apt sources: text is the source line, or the
                           entry's name when it has none */
  VS_CI_PASSWORD,       /* chpasswd, ssh_pwauth, disable_root, password:
                           text says what is set, never a password */
  VS_CI_URL,            /* a URL fetched at boot: phone_home, "#include",
                           Ignition config merge and replace */
  VS_CI_UNIT,           /* an Ignition systemd unit or drop-in: text is
                           its name, content its contents */
  VS_CI_MODULE,         /* another directive that installs or runs
                           something (puppet, chef, ansible, salt_minion,
                           snap, ca_certs, yum_repos, power_state...):
                           text is the directive's own text */
  VS_CI_UNPARSED,       /* a part not read: text says why */
};

/* vs_ci_item.flags */
#define VS_CI_DEFER 0x1         /* write_files: written in the final stage */
#define VS_CI_APPEND 0x2        /* write_files: appended */
#define VS_CI_UNDECODED 0x4     /* content compressed, kept as given */
#define VS_CI_SUDO 0x8          /* users: a sudo rule is given */
#define VS_CI_PASSWD 0x10       /* users: a password or hash is given */
#define VS_CI_UNLOCKED 0x20     /* users: lock_passwd false */
#define VS_CI_DEFAULT_USER 0x40 /* users: the distribution's default user */
#define VS_CI_ROOT_LOGIN 0x80   /* disable_root: false */
#define VS_CI_PWAUTH 0x100      /* ssh_pwauth: true */
#define VS_CI_ENABLED 0x200     /* Ignition unit: enabled */
#define VS_CI_ROOT 0x400        /* chpasswd: sets root's password */
#define VS_CI_REMOTE 0x800      /* write_files, Ignition: content fetched
                                   from source */

struct vs_ci_item {
  enum vs_ci_kind kind;
  const char *key;              /* the directive ("runcmd", "write_files",
                                   "storage.files"...), static */
  char *text;                   /* NUL-terminated, text_len bytes */
  size_t text_len;
  char *account;                /* SSH_KEY, USER, PASSWORD: or NULL */
  char *content;                /* WRITE_FILE, UNIT: or NULL */
  size_t content_len;
  char *mode, *owner, *encoding;        /* WRITE_FILE: or NULL */
  char *sudo, *groups;          /* USER: or NULL */
  char *source;                 /* WRITE_FILE with VS_CI_REMOTE: the URL */
  unsigned flags;
  unsigned line;                /* 1-based, in the part */
  unsigned part;                /* 0 for the input itself, else the
                                   1-based MIME or archive part */
};

/* What the input is. */
enum vs_ci_format {
  VS_CI_FMT_EMPTY,
  VS_CI_FMT_CLOUD_CONFIG,       /* "#cloud-config" or plain YAML config */
  VS_CI_FMT_SCRIPT,             /* "#!" */
  VS_CI_FMT_BOOTHOOK,           /* "#cloud-boothook" */
  VS_CI_FMT_INCLUDE,            /* "#include" */
  VS_CI_FMT_ARCHIVE,            /* "#cloud-config-archive" */
  VS_CI_FMT_MIME,               /* MIME multipart */
  VS_CI_FMT_IGNITION,           /* Ignition JSON */
  VS_CI_FMT_OTHER,              /* not recognised, or compressed */
};

struct vs_ci_doc {
  struct vs_ci_item *v;
  size_t n, alloc;
  enum vs_ci_format format;
  size_t dropped;               /* directives past VS_CI_MAX_ITEMS */
  char *error;                  /* the first problem (bad YAML, a cap
                                   reached), or NULL */
  unsigned error_line;
};

/* vs_ci_parse's flags. */
#define VS_CI_YAML_DEFAULT 0x1  /* no header: cloud-config YAML (cloud.cfg
                                   and its drop-ins have none) */
#define VS_CI_MAYBE_BASE64 0x2  /* no header and all base64: decoded, then
                                   read (Azure's CustomData) */

/* Reads user-data, vendor-data or a cloud-config file (at most
 * VS_CI_MAX_INPUT bytes are read).  Input with no header is read as
 * flags say, else is VS_CI_FMT_OTHER.  Always fills doc (free it with
 * vs_ci_free); returns 0, or -1 when doc->error says the input was not
 * read whole. */
int vs_ci_parse (const char *data, size_t len, int flags,
                 struct vs_ci_doc *doc);

/* Reads an Ignition config (JSON): storage.files, systemd.units and
 * their drop-ins, passwd.users and their keys, the configs it merges or
 * replaces itself with.  As vs_ci_parse. */
int vs_ci_parse_ignition (const char *data, size_t len,
                          struct vs_ci_doc *doc);

/* A name for a format ("cloud-config", "MIME multipart"...), static. */
const char *vs_ci_format_name (enum vs_ci_format f);

void vs_ci_free (struct vs_ci_doc *doc);

#endif /* VS_PARSE_CLOUDCFG_H */
