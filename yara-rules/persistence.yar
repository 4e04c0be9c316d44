/*
 * vmscan bundled rules: persistence through cron, systemd and shell
 * start-up files.
 *
 * Miner and botnet droppers on Linux servers commonly add a cron job that
 * restarts their payload from a hidden directory in a world-writable
 * place (/tmp/.x, /var/tmp/.cache, /dev/shm/.s).  Packaged cron jobs do
 * not run anything from there.
 *
 * The same droppers re-infect by downloading and running a script on a
 * schedule or at boot: curl or wget piped into a shell, or a base64
 * blob decoded into a shell.  Packaged cron jobs, unit files and
 * start-up files never fetch code from the network and run it.  A shell
 * line like that anywhere else (an install README, a Dockerfile) is
 * common and not flagged: the rules want it in a cron schedule line, a
 * systemd Exec*= line, or a shell start-up file (by file name).
 */

rule Persistence_Cron_Hidden_Tmp_Path : persistence cron
{
  meta:
    description = "Cron schedule line whose command uses a hidden directory or file under /tmp, /var/tmp or /dev/shm"
    author = "vmscan"
    severity = "high"
    mitre_attack = "T1053.003"
    category = "persistence"
    reference = "https://attack.mitre.org/techniques/T1053/003/"

  strings:
    // A line starting with @reboot etc. or five time fields, then the rest
    // of the line (user field for system crontabs, then the command)
    // naming /tmp/.X, /var/tmp/.X or /dev/shm/.X.
    $line = /(^|\n)[ \t]*(@(reboot|yearly|annually|monthly|weekly|daily|midnight|hourly)|[0-9*][0-9*\/,-]*([ \t]+[0-9A-Za-z*\/,-]+){4})[ \t][^\n]{0,256}\/(tmp|var\/tmp|dev\/shm)\/\.[^\n\/ \t.]/

  condition:
    filesize < 1MB and $line
}

rule Persistence_Cron_Download_Exec : persistence cron
{
  meta:
    description = "Cron schedule line that downloads and runs code (curl or wget piped into a shell, or base64 decoded into a shell)"
    author = "vmscan"
    severity = "high"
    mitre_attack = "T1053.003 T1105"
    category = "persistence"
    reference = "https://attack.mitre.org/techniques/T1053/003/"

  strings:
    // Schedule as in Persistence_Cron_Hidden_Tmp_Path, then on the same
    // line a fetch (or a decode) whose output goes into a shell.
    $fetch = /(^|\n)[ \t]*(@(reboot|yearly|annually|monthly|weekly|daily|midnight|hourly)|[0-9*][0-9*\/,-]*([ \t]+[0-9A-Za-z*\/,-]+){4})[ \t][^\n]{0,256}\b(curl|wget|fetch)[ \t][^\n]{0,256}\|[ \t]*(sudo[ \t]+)?(\/usr)?(\/bin\/)?(ba|da|z|k)?sh\b/
    $decode = /(^|\n)[ \t]*(@(reboot|yearly|annually|monthly|weekly|daily|midnight|hourly)|[0-9*][0-9*\/,-]*([ \t]+[0-9A-Za-z*\/,-]+){4})[ \t][^\n]{0,256}\bbase64[ \t]+(-d|--decode|-di)\b[^\n]{0,128}\|[ \t]*(sudo[ \t]+)?(\/usr)?(\/bin\/)?(ba|da|z|k)?sh\b/
    // sh -c "$(curl -fsSL URL)" and bash <(wget -qO- URL).
    $subst = /(^|\n)[ \t]*(@(reboot|yearly|annually|monthly|weekly|daily|midnight|hourly)|[0-9*][0-9*\/,-]*([ \t]+[0-9A-Za-z*\/,-]+){4})[ \t][^\n]{0,256}\b(ba|da|z|k)?sh[ \t]+(-c[ \t]+["']?\$\(|<\()[ \t]*(curl|wget)[ \t]/

  condition:
    filesize < 1MB and any of them
}

rule Persistence_Systemd_Download_Exec : persistence systemd
{
  meta:
    description = "systemd unit whose Exec line downloads and runs code (curl or wget piped into a shell, or base64 decoded into a shell)"
    author = "vmscan"
    severity = "high"
    mitre_attack = "T1543.002 T1105"
    category = "persistence"
    reference = "https://attack.mitre.org/techniques/T1543/002/"

  strings:
    $exec_fetch = /(^|\n)[ \t]*Exec(Start|StartPre|StartPost|Reload|Stop|StopPost|Condition)[ \t]*=[^\n]{0,256}\b(curl|wget)[ \t][^\n]{0,256}\|[ \t]*(\/usr)?(\/bin\/)?(ba|da|z|k)?sh\b/
    $exec_decode = /(^|\n)[ \t]*Exec(Start|StartPre|StartPost|Reload|Stop|StopPost|Condition)[ \t]*=[^\n]{0,256}\bbase64[ \t]+(-d|--decode|-di)\b[^\n]{0,128}\|[ \t]*(\/usr)?(\/bin\/)?(ba|da|z|k)?sh\b/
    $exec_subst = /(^|\n)[ \t]*Exec(Start|StartPre|StartPost|Reload|Stop|StopPost|Condition)[ \t]*=[^\n]{0,256}\b(ba|da|z|k)?sh[ \t]+(-c[ \t]+["']?\$\(|<\()[ \t]*(curl|wget)[ \t]/

  condition:
    filesize < 1MB and any of them
}

rule Persistence_Shell_Init_Download_Exec : persistence shell_init
{
  meta:
    description = "Shell start-up file (rc.local, .bashrc, .profile, /etc/profile ...) that downloads and runs code at every boot or login"
    author = "vmscan"
    severity = "high"
    mitre_attack = "T1037.004 T1546.004 T1105"
    category = "persistence"
    reference = "https://attack.mitre.org/techniques/T1546/004/"

  strings:
    $fetch = /\b(curl|wget)[ \t][^\n]{0,256}\|[ \t]*(sudo[ \t]+)?(\/usr)?(\/bin\/)?(ba|da|z|k)?sh\b/
    $decode = /\bbase64[ \t]+(-d|--decode|-di)\b[^\n]{0,128}\|[ \t]*(\/usr)?(\/bin\/)?(ba|da|z|k)?sh\b/
    $subst = /\b(ba|da|z|k)?sh[ \t]+(-c[ \t]+["']?\$\(|<\()[ \t]*(curl|wget)[ \t]/

  condition:
    filesize < 1MB and
    (filename == "rc.local" or filename == ".bashrc" or
     filename == ".bash_profile" or filename == ".bash_login" or
     filename == ".profile" or filename == ".zshrc" or
     filename == ".zprofile" or filename == "bash.bashrc" or
     filename == "profile" or filename == "zshrc" or
     filename == ".bash_logout" or
     (filepath == "/etc/profile.d" and filename matches /.\.sh$/)) and
    any of them
}
