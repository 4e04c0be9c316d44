/*
 * vmscan bundled rules: persistence through cron.
 *
 * Miner and botnet droppers on Linux servers commonly add a cron job that
 * restarts their payload from a hidden directory in a world-writable
 * place (/tmp/.x, /var/tmp/.cache, /dev/shm/.s).  Packaged cron jobs do
 * not run anything from there.
 */

rule Persistence_Cron_Hidden_Tmp_Path : persistence cron
{
  meta:
    description = "Cron schedule line whose command uses a hidden directory or file under /tmp, /var/tmp or /dev/shm"
    author = "vmscan"
    severity = "high"
    mitre_attack = "T1053.003"
    reference = "https://attack.mitre.org/techniques/T1053/003/"

  strings:
    // A line starting with @reboot etc. or five time fields, then the rest
    // of the line (user field for system crontabs, then the command)
    // naming /tmp/.X, /var/tmp/.X or /dev/shm/.X.
    $line = /(^|\n)[ \t]*(@(reboot|yearly|annually|monthly|weekly|daily|midnight|hourly)|[0-9*][0-9*\/,-]*([ \t]+[0-9A-Za-z*\/,-]+){4})[ \t][^\n]{0,256}\/(tmp|var\/tmp|dev\/shm)\/\.[^\n\/ \t.]/

  condition:
    filesize < 1MB and $line
}
