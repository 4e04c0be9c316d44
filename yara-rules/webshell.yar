/*
 * vmscan bundled rules: web shells (PHP, JSP).
 *
 * Aim: a page that runs what the request tells it to.  Legitimate PHP
 * and JSP code calls eval, system or Runtime.exec now and then, and reads
 * request parameters all the time; the rules want the two joined (the
 * parameter is the code or the command), or the layers of decoding that
 * hide a payload from a reader, or the crypto class-loader pattern of
 * memory-resident JSP shells.
 *
 * All rules need the file to be PHP or JSP by content (a PHP or JSP
 * open tag somewhere), not by name: shells are often hidden in .jpg,
 * .ico or .txt files that a misconfigured server or an include() runs
 * anyway.  Patterns are written (hex, classes) so that this file's own
 * text does not match them.
 *
 * mitre_attack: T1505.003 (Server Software Component: Web Shell), with
 * T1027 (Obfuscated Files or Information) where obfuscation is what the
 * rule sees.
 */

rule Webshell_PHP_Request_Exec : webshell php
{
  meta:
    description = "PHP passes a request parameter (GET, POST, REQUEST, COOKIE, a header) straight to eval, assert, system, exec, passthru, shell_exec, popen, proc_open or backticks"
    author = "vmscan"
    severity = "critical"
    mitre_attack = "T1505.003"
    category = "webshell"
    reference = "https://attack.mitre.org/techniques/T1505/003/"

  strings:
    $php = { 3C 3F }  // PHP open tag
    // A sink, optional @ and decoders, then a request superglobal; not
    // a method call such as PDO's exec.
    $sink = /(^|[^A-Za-z0-9_>:$])(eval|assert|system|passthru|shell_exec|exec|popen|proc_open|pcntl_exec|create_function|call_user_func|call_user_func_array)[ \t]*\([ \t]*@?[ \t]*((stripslashes|base64_decode|urldecode|rawurldecode|str_rot13|gzinflate|gzuncompress|hex2bin|trim|strrev)[ \t]*\([ \t]*)*\$_(GET|POST|REQUEST|COOKIE|SERVER[ \t]*\[[ \t]*['"]HTTP_)/
    // A superglobal in backticks runs a shell command.
    $backtick = /`[ \t]*\$_(GET|POST|REQUEST|COOKIE)[ \t]*\[/
    // A superglobal called as a function: the name is from the request.
    $dynamic = /\$_(GET|POST|REQUEST|COOKIE)[ \t]*\[[^\]\n]{1,32}\][ \t]*\([ \t]*@?[ \t]*\$_(GET|POST|REQUEST|COOKIE)/
    // preg_replace with the /e modifier (code evaluation) on request data.
    $preg_e = /preg_replace[ \t]*\([ \t]*['"][^'"\n]{1,128}\/[imsxuADSUX]*e[imsxuADSUX]*['"][ \t]*,[^;\n]{0,128}\$_(GET|POST|REQUEST|COOKIE)/

  condition:
    filesize < 4MB and $php and ($sink or $backtick or $dynamic or $preg_e)
}

rule Webshell_PHP_Variable_Function_Request : webshell php
{
  meta:
    description = "PHP calls a function named by a variable, built from string pieces or decoded, with a request parameter as its argument"
    author = "vmscan"
    severity = "medium"
    mitre_attack = "T1505.003 T1027"
    category = "webshell"
    reference = "https://attack.mitre.org/techniques/T1505/003/"

  strings:
    $php = { 3C 3F }  // PHP open tag
    $call = /(^|[^A-Za-z0-9_>:])\$[A-Za-z_][A-Za-z0-9_]{0,31}[ \t]*\([ \t]*@?[ \t]*\$_(GET|POST|REQUEST|COOKIE)[ \t]*\[/
    // The name is assembled from string pieces or decoded.
    // (the start of system, assert, eval, passthru, base64_decode ...)
    $concat = /\$[A-Za-z_][A-Za-z0-9_]{0,31}[ \t]*=[ \t]*["'](sys|ass|eva|pas|she|exe|bas|pop|pro|cre)[a-z_0-9]{0,6}["'][ \t]*\./
    $decoded = /\$[A-Za-z_][A-Za-z0-9_]{0,31}[ \t]*=[ \t]*(base64_decode|str_rot13|strrev|hex2bin|chr)[ \t]*\(/

  condition:
    filesize < 4MB and $php and $call and ($concat or $decoded)
}

rule Webshell_PHP_Eval_Decode_Chain : webshell php obfuscated
{
  meta:
    description = "PHP evaluates code unwrapped by two or more nested decoders (gzinflate, base64_decode, str_rot13, strrev, gzuncompress ...)"
    author = "vmscan"
    severity = "high"
    mitre_attack = "T1505.003 T1027"
    category = "webshell"
    reference = "https://attack.mitre.org/techniques/T1027/"

  strings:
    $php = { 3C 3F }  // PHP open tag
    $chain = /(^|[^A-Za-z0-9_>:$])(eval|assert)[ \t]*\([ \t]*@?[ \t]*(gzinflate|gzuncompress|gzdecode|str_rot13|base64_decode|strrev|convert_uudecode|hex2bin|rawurldecode)[ \t]*\([ \t]*@?[ \t]*(gzinflate|gzuncompress|gzdecode|str_rot13|base64_decode|strrev|convert_uudecode|hex2bin|rawurldecode)[ \t]*\(/
    // create_function with an empty argument list and decoded code is
    // eval under another name.
    $create = /create_function[ \t]*\([ \t]*['"]['"][ \t]*,[ \t]*(gzinflate|gzuncompress|str_rot13|base64_decode|strrev)[ \t]*\(/

  condition:
    filesize < 8MB and $php and ($chain or $create)
}

rule Webshell_PHP_File_Manager_Family : webshell php
{
  meta:
    description = "PHP file with the name of a well-known public web shell (c99, r57, WSO FilesMan, b374k, IndoXploit) and a command execution call"
    author = "vmscan"
    severity = "critical"
    mitre_attack = "T1505.003"
    category = "webshell"
    reference = "https://attack.mitre.org/techniques/T1505/003/"

  strings:
    $php = { 3C 3F }  // PHP open tag
    // Written as regexes so that this rule's own text does not match.
    $c99 = /c99[_ ]?shel[l]/ nocase
    $r57 = /r57[_ ]?shel[l]/ nocase
    $wso = /['"]FilesMa[n]['"]/
    $b374k = /b37[4]k/ nocase
    $indox = /IndoXploi[t]/ nocase
    $exec = /(^|[^A-Za-z0-9_>:$])(system|passthru|shell_exec|exec|popen|proc_open)[ \t]*\(/

  condition:
    filesize < 8MB and $php and $exec and
    any of ($c99, $r57, $wso, $b374k, $indox)
}

rule Webshell_JSP_Request_Exec : webshell jsp
{
  meta:
    description = "JSP page that runs a command taken from the request (Runtime.getRuntime().exec or ProcessBuilder with request.getParameter)"
    author = "vmscan"
    severity = "critical"
    mitre_attack = "T1505.003"
    category = "webshell"
    reference = "https://attack.mitre.org/techniques/T1505/003/"

  strings:
    $jsp = { 3C 25 }  // JSP scriptlet or directive open tag
    $jsp_xml = /<jsp:(scriptlet|directiv[e])/
    $param = /request\.get(Parameter|Header|ParameterValues)[ \t]*\(/
    // Directly: the parameter is the exec or ProcessBuilder argument.
    $direct = /Runtime\.getRuntime\(\)\.exec\([^;]{0,128}request\.get(Parameter|Header)[ \t]*\(/
    $pb_direct = /new[ \t]+ProcessBuilder[ \t]*\([^;]{0,128}request\.get(Parameter|Header)[ \t]*\(/
    // Or through a variable: exec(cmd) and the output read back.
    $exec = /Runtime\.getRuntime\(\)\.exec[ \t]*\(/
    $pb = /new[ \t]+ProcessBuilder[ \t]*\(/
    $output = /\.getInputStream\(\)/

  condition:
    filesize < 4MB and ($jsp or $jsp_xml) and
    ($direct or $pb_direct or ($param and ($exec or $pb) and $output))
}

rule Webshell_JSP_ClassLoader_Crypto : webshell jsp
{
  meta:
    description = "JSP page that decrypts the request body and loads it as a Java class (defineClass in a ClassLoader subclass plus javax.crypto), the pattern of encrypted memory-shell managers"
    author = "vmscan"
    severity = "critical"
    mitre_attack = "T1505.003 T1027 T1620"
    category = "webshell"
    reference = "https://attack.mitre.org/techniques/T1620/"

  strings:
    $jsp = { 3C 25 }  // JSP open tag
    $loader = /extends[ \t]+ClassLoader\b/
    $define = /\.defineClass[ \t]*\(/
    $cipher = /Cipher\.getInstance[ \t]*\(/
    $request = /request\.(getReader|getInputStream|getParameter)[ \t]*\(/

  condition:
    filesize < 4MB and all of them
}
