/*
 * vmscan bundled rules: rootkit traces.
 *
 * - Loadable kernel module rootkits with public source: Diamorphine,
 *   Reptile and Suterusu.  Their function and marker names survive in
 *   the .ko (symbol table, strings) and are in the source left behind
 *   after a build on the victim, so the rules do not require an ELF.
 *   Function names count only as functions (followed by "(" or a NUL),
 *   since rootkit detectors (rkhunter) carry plain lists of them.
 *   Every name is written as a regex so that this file's own text does
 *   not match it.
 * - A generic trait: a kernel module (ELF relocatable with a vermagic=
 *   modinfo) that names sys_call_table and a way to find or write it
 *   (kallsyms_lookup_name, often through a kprobe, or the CR0 write
 *   protection bit).  In-tree modules do neither.
 * - /etc/ld.so.preload naming a library: the switch that loads an
 *   LD_PRELOAD rootkit into every process.  Uses the filename external.
 *
 * mitre_attack: T1014 (Rootkit), T1547.006 (Kernel Modules and
 * Extensions) for kernel modules, T1574.006 (Dynamic Linker Hijacking).
 */

rule Rootkit_LKM_Diamorphine : rootkit lkm
{
  meta:
    description = "Diamorphine LKM rootkit (module or source): its hidden-file prefix or its hook and helper names"
    author = "vmscan"
    severity = "critical"
    mitre_attack = "T1014 T1547.006"
    category = "rootkit"
    reference = "https://github.com/m0nad/Diamorphine"

  strings:
    $magic = /diamorphine_secre[t]/
    $name = /diamorphin[e]/ nocase
    // Its kill and getdents hooks and its helpers, as functions: a call
    // or definition in source, a NUL-terminated symbol name in a module.
    // A bare list of the names (rkhunter keeps one) does not count.
    $f1 = /hacked_kil[l]([ \t]*\(|\x00)/
    $f2 = /hacked_getdent[s](64)?([ \t]*\(|\x00)/
    $f3 = /give_roo[t]([ \t]*\(|\x00)/
    $f4 = /module_hid[e]([ \t]*\(|\x00)/
    $f5 = /module_sho[w]([ \t]*\(|\x00)/
    $f6 = /is_invisibl[e]([ \t]*\(|\x00)/

  condition:
    filesize < 16MB and ($magic or ($name and 2 of ($f*)))
}

rule Rootkit_LKM_Reptile : rootkit lkm
{
  meta:
    description = "Reptile LKM rootkit: a program naming its control, shell and start components, its source (khook), or its file-content hiding tags"
    author = "vmscan"
    severity = "critical"
    mitre_attack = "T1014 T1547.006"
    category = "rootkit"
    reference = "https://github.com/f0rb1dd3n/Reptile"

  strings:
    // Names of its control program, reverse shell, start script and
    // loader, as a program that uses them holds them.  Only counted in
    // an ELF file: a detector's list of paths to check holds them too.
    $p1 = /reptile_cm[d]/
    $p2 = /reptile_shel[l]/
    $p3 = /reptile_star[t]/
    $p4 = /reptile_modul[e]/
    $p5 = /kmatryoshk[a]/
    $khook = /KHOOK_(EXT|ORIGIN|GET|PUT)\b/
    $name = /\breptil[e]\b/ nocase
    // Lines between these tags are hidden from reads by the module.
    $tag_open = /#<reptil[e]>/
    $tag_close = /#<\/reptil[e]>/

  condition:
    filesize < 16MB and
    (
      (uint32(0) == 0x464c457f and 2 of ($p*)) or
      ($name and $khook) or
      ($tag_open and $tag_close)
    )
}

rule Rootkit_LKM_Suterusu : rootkit lkm
{
  meta:
    description = "Suterusu LKM rootkit: its function-hijacking helpers together with its port, process or file hiding functions"
    author = "vmscan"
    severity = "critical"
    mitre_attack = "T1014 T1547.006"
    category = "rootkit"
    reference = "https://github.com/mncoppola/suterusu"

  strings:
    $name = /suterus[u]/ nocase
    // Inline-hook helpers (start, stop, pause, resume).
    $h1 = /hijack_star[t]([ \t]*\(|\x00)/
    $h2 = /hijack_sto[p]([ \t]*\(|\x00)/
    $h3 = /hijack_paus[e]([ \t]*\(|\x00)/
    $h4 = /hijack_resum[e]([ \t]*\(|\x00)/
    // Replacement seq_show and iterate functions, hiding commands.
    $x1 = /n_tcp4_seq_sho[w]([ \t]*\(|\x00)/
    $x2 = /n_tcp6_seq_sho[w]([ \t]*\(|\x00)/
    $x3 = /hide_tcp[46]_por[t]([ \t]*\(|\x00)/
    $x4 = /hide_pro[c]([ \t]*\(|\x00)/
    $x5 = /hide_fil[e]([ \t]*\(|\x00)/
    $x6 = /n_root_iterat[e]([ \t]*\(|\x00)/
    $x7 = /n_proc_iterat[e]([ \t]*\(|\x00)/

  condition:
    filesize < 16MB and
    (($name and 1 of ($h*)) or (2 of ($h*) and 2 of ($x*)))
}

rule Rootkit_LKM_Syscall_Table_Hook : rootkit lkm elf
{
  meta:
    description = "Kernel module that looks up or writes the system call table (sys_call_table with kallsyms_lookup_name, a kprobe on it, or CR0 write-protect changes)"
    author = "vmscan"
    severity = "high"
    mitre_attack = "T1014 T1547.006"
    category = "rootkit"
    reference = "https://attack.mitre.org/techniques/T1014/"

  strings:
    $vermagic = "vermagic="
    $table = "sys_call_table"
    $ia32_table = "ia32_sys_call_table"
    $kallsyms = "kallsyms_lookup_name"
    $cr0 = /(native_)?write_cr0/
    $kprobe = "register_kprobe"

  condition:
    uint32(0) == 0x464c457f and uint16(16) == 1 and filesize < 16MB and
    $vermagic and ($table or $ia32_table) and ($kallsyms or $cr0 or $kprobe)
}

rule Rootkit_LD_SO_Preload_Entry : rootkit preload
{
  meta:
    description = "/etc/ld.so.preload names a library, which is loaded into every dynamically linked program; rarely legitimate, the usual switch of an LD_PRELOAD rootkit"
    author = "vmscan"
    severity = "medium"
    mitre_attack = "T1574.006 T1014"
    category = "rootkit"
    reference = "https://man7.org/linux/man-pages/man8/ld.so.8.html"

  strings:
    $lib = /(^|[ \t\n:])\/[^ \t\n:]{1,255}\.so(\.[0-9]+)*([ \t\n:]|$)/

  condition:
    filename == "ld.so.preload" and filesize < 64KB and $lib
}
