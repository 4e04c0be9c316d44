/*
 * vmscan bundled rules: userland backdoors.
 *
 * - LD_PRELOAD rootkits: a shared object that defines readdir() (to drop
 *   names from directory listings) and finds the real one with dlsym()
 *   (RTLD_NEXT), with the traits of hiding: it names ld.so.preload,
 *   /proc/net/tcp or /proc/PID/stat.  glibc defines readdir too, but
 *   does not import dlsym; sanitizer runtimes (ASan, TSan) define and
 *   import both but have thousands of symbols; tracing preloads (gprofng)
 *   define readdir and import dlsym but hide nothing.
 * - PAM backdoors: a module (defines pam_sm_authenticate) that writes
 *   what it is given to a file under /tmp, /var/tmp or /dev/shm, and the
 *   C source of a module that accepts a password written into the code.
 * - authorized_keys lines whose forced command= fetches or runs
 *   something from a temporary directory or the network.
 * - setuid shells: scripts that copy a shell and set its setuid bit, C
 *   source that does setuid(0) then runs /bin/sh, and tiny ELF programs
 *   that do the same.
 *
 * Binary rules use YARA's elf module (in libyara by default) to tell a
 * symbol a file defines from one it imports.
 */

import "elf"

rule Backdoor_LD_PRELOAD_Rootkit_ELF : backdoor rootkit elf
{
  meta:
    description = "Shared object that overrides readdir() and calls the real one through dlsym(), with file or connection hiding traits (an LD_PRELOAD userland rootkit)"
    author = "vmscan"
    severity = "high"
    mitre_attack = "T1574.006 T1014 T1564.001"
    category = "rootkit"
    reference = "https://attack.mitre.org/techniques/T1574/006/"

  strings:
    // Hides itself (ld.so.preload), connections (/proc/net/tcp) or
    // processes (reads /proc/PID/stat or cmdline to match a name).
    $preload = "ld.so.preload"
    $proc_tcp = "/proc/net/tcp"
    $proc_pid = /\/proc\/(self\/fd\/%d|%[sd]\/(stat|status|cmdline))\x00/

  condition:
    // The strings first: the loops over the symbols run only in the
    // few shared objects that hold one.
    uint32(0) == 0x464c457f and elf.type == elf.ET_DYN and
    filesize < 8MB and
    ($preload or $proc_tcp or $proc_pid) and
    // A handful of hooks, not a sanitizer runtime with thousands of
    // interceptors.
    elf.dynsym_entries < 500 and
    for any s in elf.dynsym : (
      (s.name == "readdir" or s.name == "readdir64") and s.shndx != 0
    ) and
    for any s in elf.dynsym : (s.name == "dlsym" and s.shndx == 0)
}

rule Backdoor_PAM_Credential_Logger_ELF : backdoor pam elf
{
  meta:
    description = "PAM module (defines pam_sm_authenticate) that reads the password and writes to a file in /tmp, /var/tmp or /dev/shm"
    author = "vmscan"
    severity = "critical"
    mitre_attack = "T1556.003"
    category = "backdoor"
    reference = "https://attack.mitre.org/techniques/T1556/003/"

  strings:
    $tmp_path = /\x00\/(tmp|var\/tmp|dev\/shm)\/[\x21-\x7e]{1,64}\x00/
    $fmt = /%s[^\x00]{0,4}%s/

  condition:
    // The strings first: every shared object of the system would
    // otherwise have its symbols compared.
    uint32(0) == 0x464c457f and elf.type == elf.ET_DYN and
    filesize < 8MB and
    $tmp_path and $fmt and
    for any s in elf.dynsym : (
      s.name == "pam_sm_authenticate" and s.shndx != 0
    ) and
    for any s in elf.dynsym : (
      (s.name == "pam_get_authtok" or s.name == "pam_get_item") and
      s.shndx == 0
    ) and
    for any s in elf.dynsym : (
      (s.name == "fopen" or s.name == "fopen64" or s.name == "open" or
       s.name == "open64") and s.shndx == 0
    )
}

rule Backdoor_PAM_Magic_Password_Source : backdoor pam source
{
  meta:
    description = "C source of a PAM module that compares the password with a string written into the code and returns PAM_SUCCESS"
    author = "vmscan"
    severity = "high"
    mitre_attack = "T1556.003"
    category = "backdoor"
    reference = "https://attack.mitre.org/techniques/T1556/003/"

  strings:
    $entry = /\bpam_sm_authenticate[ \t]*\(/
    $success = "PAM_SUCCESS"
    // strcmp (password, "literal") with a variable named for a password.
    $cmp = /\bstrn?cmp[ \t]*\([ \t]*\(?[^,()]{0,24}\b[A-Za-z_]{0,16}(pass|passwd|password|pw|pwd|authtok|token)[A-Za-z0-9_]{0,16}\)?[ \t]*,[ \t]*"[^"\n]{1,64}"/ nocase
    $cmp_rev = /\bstrn?cmp[ \t]*\([ \t]*"[^"\n]{1,64}"[ \t]*,[ \t]*\(?[^,()]{0,24}\b[A-Za-z_]{0,16}(pass|passwd|password|pw|pwd|authtok|token)[A-Za-z0-9_]{0,16}\b/ nocase

  condition:
    filesize < 1MB and $entry and $success and ($cmp or $cmp_rev)
}

rule Backdoor_SSH_AuthorizedKeys_Command : backdoor ssh
{
  meta:
    description = "authorized_keys entry whose forced command= downloads, decodes or runs something from /tmp, /var/tmp, /dev/shm or the network"
    author = "vmscan"
    severity = "high"
    mitre_attack = "T1098.004"
    category = "backdoor"
    reference = "https://man.openbsd.org/sshd.8#AUTHORIZED_KEYS_FILE_FORMAT"

  strings:
    // options,command="...",options KEYTYPE AAAA...; the command holds a
    // download, a decoder, a network shell or a temporary directory.
    $line = /(^|\n)[ \t]*([A-Za-z-]{1,32}(="[^"\n]{0,256}")?,){0,16}command="[^"\n]{0,512}(\/tmp\/|\/var\/tmp\/|\/dev\/shm\/|\bcurl[ \t]|\bwget[ \t]|base64[ \t]+(-d|--decode)|\/dev\/tcp\/|\b(nc|ncat)[ \t]|\bsh[ \t]+-i\b|python[0-9.]*[ \t]+-c|perl[ \t]+-e)[^"\n]{0,512}"(,[A-Za-z-]{1,32}(="[^"\n]{0,256}")?){0,16}[ \t]+(ssh-(rsa|dss|ed25519)|ecdsa-sha2-nistp[0-9]{3}|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)[ \t]+AAAA/

  condition:
    filesize < 1MB and $line
}

rule Backdoor_Setuid_Shell_Script : backdoor setuid
{
  meta:
    description = "Script that sets the setuid bit on a shell or on a file in /tmp, /var/tmp or /dev/shm (a root shell left for later)"
    author = "vmscan"
    severity = "high"
    mitre_attack = "T1548.001"
    category = "backdoor"
    reference = "https://attack.mitre.org/techniques/T1548/001/"

  strings:
    // chmod u+s / +s / 4755 / 6755 on a shell or a temporary file.
    $chmod = /\bchmod[ \t]+(-[A-Za-z]+[ \t]+)*([ugoa]*\+[rwx]*s[rwx]*|[0-7]?[4-7][0-7]{3})[ \t]+['"]?(\/usr)?\/(bin\/(ba|da|z|k)?sh\b|tmp\/|var\/tmp\/|dev\/shm\/)/

  condition:
    filesize < 4MB and $chmod
}

rule Backdoor_Setuid_Shell_Source : backdoor setuid source
{
  meta:
    description = "C source that sets uid 0 and runs /bin/sh (the body of a setuid root shell)"
    author = "vmscan"
    severity = "medium"
    mitre_attack = "T1548.001"
    category = "backdoor"
    reference = "https://attack.mitre.org/techniques/T1548/001/"

  strings:
    $setuid = /\bset(re|res)?uid[ \t]*\([ \t]*0[ \t]*[,)]/
    $setgid = /\bset(re|res)?gid[ \t]*\([ \t]*0[ \t]*[,)]/
    $shell = /\b(execl|execlp|execle|execv|execvp|execve|system)[ \t]*\([ \t]*"(\/usr)?\/bin\/(ba|da|z|k)?sh"/
    $main = /\bmain[ \t]*\(/

  condition:
    filesize < 256KB and $setuid and $setgid and $shell and $main
}

rule Backdoor_Setuid_Shell_ELF : backdoor setuid elf
{
  meta:
    description = "Tiny ELF program that imports setuid/setgid and an exec or system call and names /bin/sh or /bin/bash (a compiled setuid shell wrapper)"
    author = "vmscan"
    severity = "medium"
    mitre_attack = "T1548.001"
    category = "backdoor"
    reference = "https://attack.mitre.org/techniques/T1548/001/"

  strings:
    $shell = /\x00(\/usr)?\/bin\/(ba|da|z|k)?sh\x00/

  condition:
    uint32(0) == 0x464c457f and filesize < 64KB and
    (elf.type == elf.ET_EXEC or elf.type == elf.ET_DYN) and
    elf.dynsym_entries < 32 and
    $shell and
    for any s in elf.dynsym : (
      (s.name == "setuid" or s.name == "setresuid" or s.name == "setreuid")
      and s.shndx == 0
    ) and
    for any s in elf.dynsym : (
      (s.name == "setgid" or s.name == "setresgid" or s.name == "setregid")
      and s.shndx == 0
    ) and
    for any s in elf.dynsym : (
      (s.name == "execl" or s.name == "execlp" or s.name == "execle" or
       s.name == "execv" or s.name == "execvp" or s.name == "execve" or
       s.name == "system") and s.shndx == 0
    )
}
