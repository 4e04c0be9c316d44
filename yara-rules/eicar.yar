/*
 * vmscan bundled rules: the EICAR anti-malware test file.
 *
 * The EICAR file is harmless.  It exists so that a scanner's detection
 * path can be exercised end to end, and vmscan's own tests and demo
 * image use it for exactly that.
 *
 * Meta choices:
 *   severity "medium": the file does no harm, but a scanner is expected
 *     to report it the way it would report real malware, and on a
 *     production image it means someone was testing (or probing) the
 *     anti-malware controls; worth a look, not an incident.
 *   mitre_attack "T1204.002" (User Execution: Malicious File): no ATT&CK
 *     technique describes a test file.  The EICAR file is a stand-in for
 *     a malicious executable left on disk for someone to run, which is
 *     what T1204.002 covers.  T1204.003 (Malicious Image) was considered
 *     and rejected: it is about container and cloud images.
 *
 * The test string is written below with its backslash escaped as YARA
 * requires, so this file never holds the 68 bytes contiguously.
 */

rule EICAR_Test_File : test_file eicar
{
  meta:
    description = "EICAR anti-malware test file (68-byte test string at offset 0, optional trailing whitespace, at most 128 bytes)"
    author = "vmscan"
    severity = "medium"
    mitre_attack = "T1204.002"
    category = "test"
    reference = "https://www.eicar.org/download-anti-malware-testfile/"

  strings:
    $eicar = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

  condition:
    // The specification: the file starts with the 68-character string and
    // may be followed by whitespace only (space, tab, LF, CR, Ctrl-Z), the
    // whole file being no longer than 128 bytes.  YARA 4.2 treats an empty
    // range as false in "for all", hence the explicit filesize == 68.
    filesize >= 68 and filesize <= 128 and $eicar at 0 and
    (
      filesize == 68 or
      for all i in (68 .. filesize - 1) : (
        uint8(i) == 0x20 or uint8(i) == 0x09 or uint8(i) == 0x0a or
        uint8(i) == 0x0d or uint8(i) == 0x1a
      )
    )
}
