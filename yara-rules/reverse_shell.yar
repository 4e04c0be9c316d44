/*
 * vmscan bundled rules: reverse and bind shells.
 *
 * Aim: find the one-liners and small scripts that hand a shell to a
 * network peer, as left in crontabs, shell histories, web roots, cron
 * scripts and /tmp by an intruder.  The tools themselves (bash, nc,
 * socat, python) are not suspicious, and neither is a script that talks
 * to /dev/tcp or opens a socket; every rule here wants the shell and the
 * socket joined: a shell started with its standard input, output and
 * error on a connection.
 *
 * Text rules have no file-type guard: these lines turn up in files of
 * any type and name (histories, crontabs, scripts without #!).  They are
 * written so that their own source never matches them (pattern text
 * uses regex escapes), so an installed copy of this file stays quiet.
 *
 * mitre_attack: T1059.004 (Unix Shell), T1059.006 (Python), T1059 for
 * the other interpreters (ATT&CK has no sub-technique for Perl, Ruby,
 * PHP or awk), with T1095 (Non-Application Layer Protocol) for the raw
 * TCP/UDP channel the shell is carried over.
 */

rule ReverseShell_Bash_Dev_TCP : reverse_shell shell
{
  meta:
    description = "Interactive shell whose standard input and output are redirected to a bash /dev/tcp or /dev/udp connection"
    author = "vmscan"
    severity = "high"
    mitre_attack = "T1059.004 T1095"
    category = "reverse-shell"
    reference = "https://attack.mitre.org/techniques/T1059/004/"

  strings:
    // An interactive shell (-i) redirected to /dev/tcp/HOST/PORT.
    $interactive = /\b(ba|da|z|k|c|tc)?sh[ \t]+-[a-z]*i[a-z]*[ \t]+[0-9]*[<>&]{1,3}[ \t]*\/dev\/(tcp|udp)\/[A-Za-z0-9._:-]{1,255}\/[0-9]{1,5}/
    // The connection redirected onto descriptor 0 (standard input).
    $stdin = /\/dev\/(tcp|udp)\/[A-Za-z0-9._:-]{1,255}\/[0-9]{1,5}[ \t]+0[<>]&[ \t]*[12]/
    // A descriptor opened read-write on /dev/tcp, then a shell whose
    // input and output are that descriptor.
    $exec_fd = /\bexec[ \t]+[0-9]{1,3}<>[ \t]*\/dev\/(tcp|udp)\/[A-Za-z0-9._:-]{1,255}\/[0-9]{1,5}/
    $shell_fd = /\b(ba|da|z|k)?sh([ \t]+-[a-z]+)?[ \t]+0?<&[ \t]*[0-9]{1,3}[ \t]+1?>&[ \t]*[0-9]{1,3}/

  condition:
    filesize < 16MB and
    ($interactive or $stdin or ($exec_fd and $shell_fd))
}

rule ReverseShell_Netcat_Exec : reverse_shell netcat
{
  meta:
    description = "netcat or ncat told to run a shell for its peer (the -e, -c, --exec or --sh-exec option with a shell)"
    author = "vmscan"
    severity = "high"
    mitre_attack = "T1059.004 T1095"
    category = "reverse-shell"
    reference = "https://attack.mitre.org/techniques/T1059/004/"

  strings:
    // The option may come before or after HOST PORT; the program run is
    // a shell, by path or by name (-c is nc.traditional's form).
    $nc = /\b(nc|ncat|netcat)(\.traditional|\.openbsd)?[ \t][^\n;|&]{0,128}(-[A-Za-z]*[ec]|--exec|--sh-exec)[ \t=]*['"]?(\/usr)?(\/bin\/)?(ba|da|z|k)?sh\b/

  condition:
    filesize < 16MB and $nc
}

rule ReverseShell_FIFO_Relay : reverse_shell netcat
{
  meta:
    description = "Named pipe (mkfifo, mknod p) used to relay a shell through netcat, ncat, telnet or openssl s_client"
    author = "vmscan"
    severity = "high"
    mitre_attack = "T1059.004 T1095"
    category = "reverse-shell"
    reference = "https://attack.mitre.org/techniques/T1059/004/"

  strings:
    // A fifo made on the line, then a shell piped into a network client.
    $shell_to_net = /\b(mkfifo|mknod)[ \t][^\n]{0,256}\b(ba|da|z|k)?sh\b[^\n|]{0,64}\|[ \t]*(nc|ncat|netcat|telnet|openssl[ \t]+s_client)\b/
    // ... or a network client piped into a shell.
    $net_to_shell = /\b(mkfifo|mknod)[ \t][^\n]{0,256}\b(nc|ncat|netcat|telnet|openssl[ \t]+s_client)\b[^\n|]{0,128}\|[ \t]*(\/usr)?(\/bin\/)?(ba|da|z|k)?sh\b/

  condition:
    filesize < 16MB and any of them
}

rule ReverseShell_Telnet_Relay : reverse_shell telnet
{
  meta:
    description = "Shell piped between two telnet connections, one carrying commands in, the other output out"
    author = "vmscan"
    severity = "high"
    mitre_attack = "T1059.004 T1095"
    category = "reverse-shell"
    reference = "https://attack.mitre.org/techniques/T1059/004/"

  strings:
    $relay = /\btelnet[ \t]+[A-Za-z0-9._:-]{1,255}[ \t]+[0-9]{1,5}[ \t]*\|[ \t]*(\/usr)?(\/bin\/)?(ba|da|z|k)?sh\b[^\n|]{0,32}\|[ \t]*telnet[ \t]/

  condition:
    filesize < 16MB and $relay
}

rule ReverseShell_Socat_Exec : reverse_shell socat
{
  meta:
    description = "socat joining a TCP, UDP or TLS address to a shell run with its exec or system address"
    author = "vmscan"
    severity = "high"
    mitre_attack = "T1059.004 T1095"
    category = "reverse-shell"
    reference = "http://www.dest-unreach.org/socat/doc/socat.html"

  strings:
    // Both addresses on one socat command line, in either order.
    $net_first = /\bsocat[ \t][^\n]{0,256}\b(tcp|tcp4|tcp6|udp|udp4|udp6|openssl|ssl|tcp-connect|tcp-listen|tcp4-listen|tcp6-listen|openssl-connect|openssl-listen)[:-][^\n]{0,256}\b(exec|system):['"]?(\/usr)?(\/bin\/)?(ba|da|z|k)?sh\b/ nocase
    $shell_first = /\bsocat[ \t][^\n]{0,256}\b(exec|system):['"]?(\/usr)?(\/bin\/)?(ba|da|z|k)?sh\b[^\n]{0,256}[ \t,'"](tcp|tcp4|tcp6|udp|udp4|udp6|openssl|ssl|tcp-connect|tcp-listen|tcp4-listen|tcp6-listen|openssl-connect|openssl-listen)[:-]/ nocase

  condition:
    filesize < 16MB and any of them
}

rule ReverseShell_Python_Socket : reverse_shell python
{
  meta:
    description = "Python that connects a socket, duplicates it onto stdin/stdout/stderr and starts a shell or pty"
    author = "vmscan"
    severity = "high"
    mitre_attack = "T1059.006 T1095"
    category = "reverse-shell"
    reference = "https://attack.mitre.org/techniques/T1059/006/"

  strings:
    $socket = /socket\.socket\(|\bsocket\([ \t]*socket\.AF_INET|from[ \t]+socket[ \t]+import/
    $connect = /\.connect\([ \t]*\([ \t]*['"]?[A-Za-z0-9._:-]{1,255}['"]?[ \t]*,[ \t]*[0-9A-Za-z_]{1,16}[ \t]*\)[ \t]*\)/
    // dup2 of a socket's fileno onto 0, 1 or 2.
    $dup2 = /dup2\([ \t]*[A-Za-z_][A-Za-z0-9_.]{0,32}\.fileno\(\)[ \t]*,[ \t]*[012][ \t]*\)/
    $pty = /pty\.spawn\([ \t]*['"](\/usr)?(\/bin\/)?(ba|da|z|k)?sh['"]/
    $sub = /subprocess\.(call|Popen|run|check_call|check_output)\([ \t]*\[?[ \t]*['"](\/usr)?(\/bin\/)?(ba|da|z|k)?sh['"]/
    $exec = /os\.(system|exec[lv]p?e?|popen)\([ \t]*['"](\/usr)?(\/bin\/)?(ba|da|z|k)?sh\b/

  condition:
    filesize < 4MB and
    $socket and $connect and $dup2 and ($pty or $sub or $exec)
}

rule ReverseShell_Perl_Socket : reverse_shell perl
{
  meta:
    description = "Perl that connects a socket, reopens STDIN/STDOUT on it and runs a shell"
    author = "vmscan"
    severity = "high"
    mitre_attack = "T1059 T1095"
    category = "reverse-shell"
    reference = "https://attack.mitre.org/techniques/T1059/"

  strings:
    $socket = /\bsocket\([ \t]*[A-Z_]{1,16}[ \t]*,[ \t]*PF_INET|IO::Socket::INE[T]/
    $connect = /connect\([ \t]*[A-Z_]{1,16}[ \t]*,[ \t]*sockaddr_in\(|PeerAdd[r]/
    // STDIN reopened as a duplicate of the socket handle, or fdopen'ed.
    $reopen = /open\([ \t]*STDIN[ \t]*,[ \t]*["'][<>]&|STDIN->fdopen\(/
    $shell = /\b(exec|system)[ \t]*\(?[ \t]*["'](\/usr)?(\/bin\/)?(ba|da|z|k)?sh\b|system[ \t]*\$_[ \t]+while[ \t]*<>/

  condition:
    filesize < 4MB and
    $socket and $connect and $reopen and $shell
}

rule ReverseShell_Ruby_Socket : reverse_shell ruby
{
  meta:
    description = "Ruby that opens a TCPSocket and runs a shell on its descriptor"
    author = "vmscan"
    severity = "high"
    mitre_attack = "T1059 T1095"
    category = "reverse-shell"
    reference = "https://attack.mitre.org/techniques/T1059/"

  strings:
    $socket = /TCPSocket\.(open|new)\(/
    // A shell command line with the socket descriptor for its input and
    // output (formatted with %d), or a spawn or exec with :in set.
    $shell_fd = /sh[ \t]+-i[ \t]*<&%d[ \t]*>&%d/
    $spawn = /\b(exec|spawn|system)\([ \t]*["'](\/usr)?(\/bin\/)?(ba|da|z|k)?sh["'][^\n]{0,64}(:in|\[:in)/

  condition:
    filesize < 4MB and $socket and ($shell_fd or $spawn)
}

rule ReverseShell_PHP_Socket : reverse_shell php
{
  meta:
    description = "PHP that opens a socket (fsockopen and similar) and hands it to a shell as its input and output, by descriptor number or through proc_open"
    author = "vmscan"
    severity = "high"
    mitre_attack = "T1059 T1095 T1505.003"
    category = "reverse-shell"
    reference = "https://attack.mitre.org/techniques/T1059/"

  strings:
    $sock = /\b(fsockopen|pfsockopen|stream_socket_client)[ \t]*\(/
    $shell_fd = /(\/bin\/)?(ba|da|z|k)?sh[ \t]+-i[ \t]*<&[ \t]*[0-9]{1,3}[ \t]*>&[ \t]*[0-9]{1,3}/
    // proc_open of a shell with the socket variable as descriptor 0.
    $proc = /proc_open\([ \t]*["'](\/usr)?(\/bin\/)?(ba|da|z|k)?sh\b[^\n]{0,64}(array\(|\[)[ \t]*0[ \t]*=>[ \t]*\$[A-Za-z_]/
    $sink = /\b(exec|shell_exec|system|passthru|popen)[ \t]*\(/

  condition:
    filesize < 4MB and $sock and (($shell_fd and $sink) or $proc)
}

rule ReverseShell_Awk_Inet : reverse_shell awk
{
  meta:
    description = "gawk script that opens /inet/tcp to a remote host and runs the commands it reads (a shell over awk's network special files)"
    author = "vmscan"
    severity = "high"
    mitre_attack = "T1059 T1095"
    category = "reverse-shell"
    reference = "https://www.gnu.org/software/gawk/manual/gawkinet/gawkinet.html"

  strings:
    // A gawk network special file with local port 0: a client.
    $inet = /\/inet[46]?\/(tcp|udp)\/0\/[A-Za-z0-9._:-]{1,255}\/[0-9]{1,5}/
    // Reads a line from the connection into a variable (a network
    // client reads into $0 instead) ...
    $read_var = /\|&[ \t]*getline[ \t]+[A-Za-z_]/
    // ... and runs it: as a coprocess whose output is read, or system().
    $run = /\([ \t]*[A-Za-z_][A-Za-z0-9_]*[ \t]*\|&[ \t]*getline[ \t]*\)[ \t]*>[ \t]*0/
    $system = /\bsystem[ \t]*\([ \t]*[A-Za-z_]/

  condition:
    filesize < 4MB and $inet and $read_var and ($run or $system)
}

rule ReverseShell_Node_Socket : reverse_shell nodejs
{
  meta:
    description = "Node.js that connects a net.Socket and pipes it into a spawned shell"
    author = "vmscan"
    severity = "high"
    mitre_attack = "T1059.007 T1095"
    category = "reverse-shell"
    reference = "https://attack.mitre.org/techniques/T1059/007/"

  strings:
    $net = /new[ \t]+net\.Socket\(|net\.connect\(|net\.createConnection\(/
    $spawn = /\bspawn\([ \t]*["'](\/usr)?(\/bin\/)?(ba|da|z|k)?sh["']/
    $pipe_in = /\.pipe\([ \t]*[A-Za-z_][A-Za-z0-9_]*\.stdin[ \t]*\)/
    $pipe_out = /\.stdout\.pipe\(/

  condition:
    filesize < 4MB and $net and $spawn and $pipe_in and $pipe_out
}
