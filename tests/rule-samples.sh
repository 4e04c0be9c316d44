#!/bin/sh
# Write synthetic samples for the bundled YARA rules (yara-rules/*.yar)
# into DIR, plus DIR/expected.txt listing "RULE_NAME SAMPLE_FILENAME" for
# every match the rules should produce.  Nothing here is live malware:
# the "miners" are copies of /bin/true with strings appended, the wallet
# is made up, and the EICAR test file is assembled from two halves so
# that this repository never holds it in one piece.
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
expect() {
  printf '%s %s\n' "$1" "$2" >>"$dir/expected.txt"
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
