/*
 * vmscan bundled rules: cryptocurrency miners (resource hijacking).
 *
 * Aim: find miner configurations, launch scripts and binaries on a disk
 * image, while a clean server stays quiet.  A word such as "stratum" in
 * prose (NTP documentation uses it) or a pool name in a block list is
 * not enough; every text rule wants the thing a miner needs in order to
 * run: a pool URL handed to an option or a config key, a pool host name
 * with a port, a wallet given as the login, or several miner-only config
 * keys together.  Binary rules are limited to ELF files.
 *
 * mitre_attack is T1496 (Resource Hijacking).  ATT&CK v16 split it into
 * sub-techniques; mining is T1496.001 (Compute Hijacking).  The parent id
 * is used so that the value stays valid for consumers of older ATT&CK.
 */

rule Cryptominer_Stratum_Pool_URL : cryptominer pool
{
  meta:
    description = "Stratum mining pool URL (host:port) passed to a miner option, a variable or a JSON key"
    author = "vmscan"
    severity = "high"
    mitre_attack = "T1496"
    category = "cryptominer"
    reference = "https://en.bitcoin.it/wiki/Stratum_mining_protocol"

  strings:
    // Command line: xmrig -o URL, ethminer -P URL, --url=URL ...
    $opt = /(-o|-P|-url|--url|--pool)[ \t=]+['"]?stratum[12]?\+(tcp|ssl|tls):\/\/[A-Za-z0-9._-]+:[0-9]{2,5}/ nocase
    // Shell or ini style assignment: POOL=URL, pool = URL.
    $assign = /[A-Za-z_][A-Za-z0-9_]{0,31}[ \t]*=[ \t]*['"]?stratum[12]?\+(tcp|ssl|tls):\/\/[A-Za-z0-9._-]+:[0-9]{2,5}/ nocase
    // JSON value: "url": "URL".
    $json = /"[A-Za-z_-]{1,32}"[ \t]*:[ \t]*"stratum[12]?\+(tcp|ssl|tls):\/\/[A-Za-z0-9._-]+:[0-9]{2,5}/ nocase

  condition:
    any of them
}

rule Cryptominer_Known_Pool_Host : cryptominer pool
{
  meta:
    description = "Host name of a well-known public mining pool followed by a port"
    author = "vmscan"
    severity = "medium"
    mitre_attack = "T1496"
    category = "cryptominer"
    reference = "https://attack.mitre.org/techniques/T1496/"

  strings:
    // The port is required: miners always connect to one, while block
    // lists, adblock filters and prose usually name the bare domain.
    $monero = /(supportxmr\.com|xmrpool\.(eu|net)|minexmr\.com|moneroocean\.stream|c3pool\.(com|org)|hashvault\.pro|monerohash\.com|crypto-pool\.fr|minergate\.com):[0-9]{2,5}/ nocase
    $multi = /(nanopool\.org|2miners\.com|f2pool\.com|nicehash\.com|herominers\.com|unmineable\.com|ethermine\.org|flexpool\.io|dwarfpool\.com|zergpool\.com|miningpoolhub\.com|woolypooly\.com):[0-9]{2,5}/ nocase
    $bitcoin = /(antpool\.com|slushpool\.com|viabtc\.(com|io)):[0-9]{2,5}/ nocase

  condition:
    any of them
}

rule Cryptominer_XMRig_JSON_Config : cryptominer config
{
  meta:
    description = "XMRig-style JSON miner configuration (pools list together with miner-only keys)"
    author = "vmscan"
    severity = "high"
    mitre_attack = "T1496"
    category = "cryptominer"
    reference = "https://xmrig.com/docs/miner/config"

  strings:
    // Written as key: value so that a bare list of key names (say, in
    // documentation or in a compiled copy of this rule) does not count.
    $pools = /"pools"[ \t\r\n]*:[ \t\r\n]*\[/
    // Keys that only miners (XMRig and its proxies and forks) use.
    $donate = /"donate-level"[ \t]*:[ \t]*[0-9]/
    $donate_proxy = /"donate-over-proxy"[ \t]*:[ \t]*[0-9]/
    $rig_id = /"rig-id"[ \t]*:[ \t]*("|null)/
    $nicehash = /"nicehash"[ \t]*:[ \t]*(true|false)/
    // Keys that miners use but other software may use too.
    $url = "\"url\""
    $user = "\"user\""
    $pass = "\"pass\""
    $algo = "\"algo\""
    $coin = "\"coin\""
    $keepalive = "\"keepalive\""
    $tls = "\"tls\""
    $randomx = "\"randomx\""
    $huge_pages = "\"huge-pages\""

  condition:
    filesize < 1MB and
    $pools and
    1 of ($donate, $donate_proxy, $rig_id, $nicehash) and
    3 of ($url, $user, $pass, $algo, $coin, $keepalive, $tls, $randomx, $huge_pages)
}

rule Cryptominer_Monero_Wallet_Login : cryptominer wallet
{
  meta:
    description = "Monero address (95 or 106 base58 characters starting with 4 or 8) given as the pool login in a miner config or command line"
    author = "vmscan"
    severity = "high"
    mitre_attack = "T1496"
    category = "cryptominer"
    reference = "https://monerodocs.org/public-address/standard-address/"

  strings:
    // A standard (4...) or sub (8...) address is 95 characters, an
    // integrated address 106.  The character after it must not be base58,
    // so a longer token does not count; ".worker" or "+diff" may follow.
    $json = /"(user|login|wallet|address)"[ \t]*:[ \t]*"[48][1-9AB][1-9A-HJ-NP-Za-km-z]{93}([1-9A-HJ-NP-Za-km-z]{11})?[^1-9A-HJ-NP-Za-km-z]/
    $cli = /(-u|--user|--wallet|--login)[ \t=]+['"]?[48][1-9AB][1-9A-HJ-NP-Za-km-z]{93}([1-9A-HJ-NP-Za-km-z]{11})?([^1-9A-HJ-NP-Za-km-z]|$)/

  condition:
    any of them
}

rule Cryptominer_XMRig_ELF : cryptominer elf
{
  meta:
    description = "ELF binary with strings of the XMRig miner (usage text, donation servers, algorithm names)"
    author = "vmscan"
    severity = "high"
    mitre_attack = "T1496"
    category = "cryptominer"
    reference = "https://github.com/xmrig/xmrig"

  strings:
    $usage = "Usage: xmrig [OPTIONS]"
    $donate_host = "donate.v2.xmrig.com"
    $donate_host_tls = "donate.ssl.xmrig.com"
    $name = "xmrig" nocase
    $opt_donate = "--donate-level"
    $randomx = "randomx" nocase
    $cryptonight = "cryptonight" nocase
    $rx0 = "rx/0"

  condition:
    uint32(0) == 0x464c457f and
    (
      $usage or $donate_host or $donate_host_tls or
      ($name and 2 of ($opt_donate, $randomx, $cryptonight, $rx0))
    )
}

rule Cryptominer_Stratum_Client_ELF : cryptominer elf
{
  meta:
    description = "ELF binary that speaks the Stratum mining protocol (cpuminer, ccminer, cgminer and similar)"
    author = "vmscan"
    severity = "medium"
    mitre_attack = "T1496"
    category = "cryptominer"
    reference = "https://en.bitcoin.it/wiki/Stratum_mining_protocol"

  strings:
    $subscribe = "mining.subscribe"
    $authorize = "mining.authorize"
    $notify = "mining.notify"
    $submit = "mining.submit"
    $scheme = "stratum+tcp://" nocase

  condition:
    uint32(0) == 0x464c457f and
    $subscribe and $authorize and 1 of ($notify, $submit, $scheme)
}

rule Cryptominer_Competitor_Killer : cryptominer script
{
  meta:
    description = "Script that kills other miners by name (kinsing, kdevtmpfsi, xmrig, minerd ...), as miner droppers do before starting their own"
    author = "vmscan"
    severity = "high"
    mitre_attack = "T1496 T1489"
    category = "cryptominer"
    reference = "https://attack.mitre.org/techniques/T1496/"

  strings:
    // A known miner or miner-dropper process name with a kill command on
    // the same line: after pkill, killall or kill (kill $(pgrep NAME)),
    // or before a kill (ps | grep NAME | awk | xargs kill).  A line that
    // only greps for the names (a detector, a monitoring check) does not
    // count.  One name could be an admin's clean-up; droppers carry a
    // list, so several names are required.
    $kdevtmpfsi = /\b(pkill|killall|kill)[ \t][^\n]{0,128}kdevtmpfs[i]|kdevtmpfs[i][^\n]{0,160}\bkill[ \t]/
    $kinsing = /\b(pkill|killall|kill)[ \t][^\n]{0,128}kinsin[g]|kinsin[g][^\n]{0,160}\bkill[ \t]/
    $xmrig = /\b(pkill|killall|kill)[ \t][^\n]{0,128}xmri[g]|xmri[g][^\n]{0,160}\bkill[ \t]/ nocase
    $minerd = /\b(pkill|killall|kill)[ \t][^\n]{0,128}miner[d]\b|miner[d]\b[^\n]{0,160}\bkill[ \t]/
    $xmr_stak = /\b(pkill|killall|kill)[ \t][^\n]{0,128}xmr-sta[k]|xmr-sta[k][^\n]{0,160}\bkill[ \t]/
    $cryptonight = /\b(pkill|killall|kill)[ \t][^\n]{0,128}cryptonigh[t]|cryptonigh[t][^\n]{0,160}\bkill[ \t]/
    $kthreaddi = /\b(pkill|killall|kill)[ \t][^\n]{0,128}kthreadd[ik]|kthreadd[ik][^\n]{0,160}\bkill[ \t]/
    $ddgs = /\b(pkill|killall|kill)[ \t][^\n]{0,128}ddg[s]\.|ddg[s]\.[^\n]{0,160}\bkill[ \t]/
    $kerberods = /\b(pkill|killall|kill)[ \t][^\n]{0,128}kerberod[s]|kerberod[s][^\n]{0,160}\bkill[ \t]/
    $stratum = /\b(pkill|killall|kill)[ \t][^\n]{0,128}stratu[m]|stratu[m][^\n]{0,160}\bkill[ \t]/
    $nanopool = /\b(pkill|killall|kill)[ \t][^\n]{0,128}nanopoo[l]|nanopoo[l][^\n]{0,160}\bkill[ \t]/
    $minexmr = /\b(pkill|killall|kill)[ \t][^\n]{0,128}minexm[r]|minexm[r][^\n]{0,160}\bkill[ \t]/
    $watchbog = /\b(pkill|killall|kill)[ \t][^\n]{0,128}watchbo[g]|watchbo[g][^\n]{0,160}\bkill[ \t]/

  condition:
    filesize < 4MB and 3 of them
}
