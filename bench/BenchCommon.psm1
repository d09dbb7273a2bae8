#Requires -Version 7.4
# Helpers shared by the *.Bench.ps1 scripts: medians, host resets, counting SSH connections and exec round trips from sshd's
# own log, and ssh/scp with the test hosts' key and known_hosts file. Loopback and the harness namespaces (10.231.x) only.

function Get-Median([double[]] $Values) {
    if (-not $Values -or $Values.Count -eq 0) { return [double]::NaN }
    $s = [double[]]($Values | Sort-Object)
    $m = [int][math]::Floor($s.Count / 2)
    if ($s.Count % 2) { return $s[$m] }
    return ($s[$m - 1] + $s[$m]) / 2
}

function Format-Range([double[]] $Values, [int] $Digits = 2) {
    if ($Values.Count -le 1) { return "$([math]::Round($Values[0], $Digits))" }
    $s = $Values | Sort-Object
    "$([math]::Round((Get-Median $Values), $Digits)) ($([math]::Round($s[0], $Digits))–$([math]::Round($s[-1], $Digits)))"
}

function Get-Ratio([double] $A, [double] $B, [int] $Digits = 2) {
    if ($B -le 0) { return '' }
    [math]::Round($A / $B, $Digits)
}

# sshd at LogLevel VERBOSE logs one line per accepted connection and one per session started (a command, or the sftp
# subsystem): a count of real round trips that does not depend on the client (SSH.NET, OpenSSH, Ansible) reporting itself.
# (DEBUG1 would leak debug lines into the clients' stderr.)
function Enable-SshdCounting([object[]] $Hosts) {
    foreach ($h in $Hosts) {
        $cfg = Get-Content -Raw $h.SshdConfig
        if ($cfg -notmatch '(?m)^LogLevel VERBOSE') {
            Set-Content -Path $h.SshdConfig -Value ($cfg.TrimEnd() + "`nLogLevel VERBOSE`n") -NoNewline
            Restart-TestHostSshd -TestHost $h
        }
    }
}

function Get-SshdCounts([object[]] $Hosts) {
    $c = [ordered]@{ Connections = 0; Execs = 0; Sftp = 0 }
    foreach ($h in $Hosts) {
        if (-not (Test-Path $h.SshdLog)) { continue }
        foreach ($line in [IO.File]::ReadLines($h.SshdLog)) {
            if ($line.StartsWith('Accepted publickey')) { $c.Connections++ }
            elseif ($line.StartsWith('Starting session: command')) { $c.Execs++ }
            elseif ($line.StartsWith('Starting session: subsystem')) { $c.Sftp++ }
        }
    }
    [pscustomobject]$c
}

function Get-SshdDelta($Before, $After) {
    [pscustomobject]@{
        Connections = $After.Connections - $Before.Connections
        Execs       = $After.Execs - $Before.Execs
        Sftp        = $After.Sftp - $Before.Sftp
    }
}

# Destroys every domain and removes what any method made, on all hosts at once (one shell per host, run in parallel).
function Reset-BenchHosts([object[]] $Hosts, [string] $Extra = '') {
    $cmd = 'for d in $(xl list | awk ''NR>2 {print $1}''); do echo "$d"; done | xargs -r -P 4 -n 1 xl destroy >/dev/null 2>&1; ' +
        'rm -rf /var/lib/xen/images/* /etc/xen/*.cfg /var/lib/smartdomains/*; ' + $Extra
    $jobs = foreach ($h in $Hosts) {
        $p = [Diagnostics.Process]::new()
        $p.StartInfo.FileName = 'nsenter'
        foreach ($a in @('-t', "$($h.AnchorPid)", '-m', '-n', '-u', 'sh', '-c', $cmd)) { $p.StartInfo.ArgumentList.Add($a) }
        $p.StartInfo.RedirectStandardOutput = $true
        $p.StartInfo.RedirectStandardError = $true
        $null = $p.Start()
        $p
    }
    foreach ($p in $jobs) { $p.WaitForExit(); $p.Dispose() }
}

function Get-SshArgs($TestHost, [string] $KnownHosts) {
    @('-i', $TestHost.ClientKeyFile, '-o', "UserKnownHostsFile=$KnownHosts", '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes')
}

function New-BenchTable {
    param([Parameter(Mandatory)] [object[]] $Rows, [string[]] $Notes = @(), [string] $Title = '')
    [pscustomobject]@{ PSTypeName = 'SmartDomains.BenchTable'; Title = $Title; Rows = $Rows; Notes = $Notes }
}



# Makes PerHost domains (no vif address, so no stand-in guest process) with xl create on the first host, then gives every
# other host the same emulator state (state.json): 1,600 separate xl creates would cost ~0.4 s of CPU each on 2 cores.
function Initialize-BenchFleet([object[]] $Hosts, [int] $PerHost, [string] $Prefix = 'fq') {
    $first = $Hosts[0]
    Invoke-TestHostShell -TestHost $first -TimeoutSec 600 -Command (
        "printf 'name=`"x`"\ntype=`"pv`"\nmemory=64\nvcpus=1\nkernel=`"/boot/vmlinuz`"\n' > /etc/xen/fleet.cfg && " +
        "seq 1 $PerHost | xargs -P 2 -I N xl create -q /etc/xen/fleet.cfg 'name=`"$Prefix-N`"'") | Out-Null
    $state = Join-Path $first.EmulatorStateDir 'state.json'
    foreach ($h in $Hosts | Select-Object -Skip 1) { Copy-Item $state (Join-Path $h.EmulatorStateDir 'state.json') -Force }
    $count = [int](Invoke-TestHostShell -TestHost $Hosts[-1] -Command 'xl list | tail -n +3 | wc -l')
    if ($count -ne $PerHost) { throw "the last host lists $count domains, not $PerHost" }
}

# CPU (user+sys) and wall time of one child process, from getrusage(RUSAGE_CHILDREN) before and after it is reaped: exact
# to the microsecond, where bash's time and /usr/bin/time print 1 or 10 ms. Nothing else may run children meanwhile.
function Measure-ChildCpu([string] $Program, [string[]] $Arguments) {
    if (-not ('SmartDomainsBench.Rusage' -as [type])) {
        Add-Type -Namespace SmartDomainsBench -Name Rusage -MemberDefinition @'
[System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
private static extern int getrusage(int who, long[] usage);
/// <summary>User+sys seconds of all reaped children (struct rusage starts with two timevals).</summary>
public static double ChildrenCpuSeconds()
{
    var u = new long[18];
    if (getrusage(-1, u) != 0) throw new System.ComponentModel.Win32Exception();
    return u[0] + u[1] / 1e6 + u[2] + u[3] / 1e6;
}
'@
    }
    $psi = [Diagnostics.ProcessStartInfo]::new($Program)
    foreach ($a in $Arguments) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.UseShellExecute = $false
    $before = [SmartDomainsBench.Rusage]::ChildrenCpuSeconds()
    $w = [Diagnostics.Stopwatch]::StartNew()
    $p = [Diagnostics.Process]::Start($psi)
    $null = $p.StandardError.ReadToEndAsync(); $null = $p.StandardOutput.ReadToEnd()
    $p.WaitForExit()
    $wall = $w.Elapsed.TotalMilliseconds
    $cpu = ([SmartDomainsBench.Rusage]::ChildrenCpuSeconds() - $before) * 1000
    if ($p.ExitCode) { throw "$Program $Arguments exited with $($p.ExitCode)" }
    $p.Dispose()
    [pscustomobject]@{ CpuMs = $cpu; WallMs = $wall }
}

# The ssh client processes on this machine (pgrep -a -x ssh) that belong to the bench: those whose arguments name one of
# the hosts' addresses as a whole word (per-command clients, `ssh root@ADDRESS` of the baselines, a master before it
# detaches), and OpenSSH masters whose control socket lies under ControlRoot: a detached master retitles itself
# "ssh: CONTROLPATH [mux]", which names no host. Other sessions' ssh processes are not counted.
function Get-BenchSshProcess([object[]] $Hosts, [string] $ControlRoot = '') {
    $pattern = '(^|\s|@)(' + (($Hosts | ForEach-Object { [regex]::Escape($_.Address) }) -join '|') + ')(\s|$)'
    if ($ControlRoot) { $pattern = "$pattern|$([regex]::Escape($ControlRoot.TrimEnd('/')))/" }
    foreach ($line in @(& pgrep -a -x ssh 2>$null)) {
        $pidText, $cmdline = "$line".Split(' ', 2)
        if ($cmdline -match $pattern) {
            [pscustomobject]@{ Pid = [int]$pidText; Master = $cmdline -match '\[mux\]|(^|\s)-N(\s|$)'; CommandLine = $cmdline }
        }
    }
}

# Runs Body with TMPDIR set to Path, where the OpenSSH transport makes its control directories (sd-ssh-*): the bench's
# masters can then be told from other sessions' by their socket path. Only around Connect-XenHost.
function Use-BenchTempDir([string] $Path, [scriptblock] $Body) {
    $old = $env:TMPDIR
    $env:TMPDIR = $Path
    try { & $Body } finally { $env:TMPDIR = $old }
}

# Runs a script in a fresh child pwsh (no profile) and returns its stdout. Every child is the same pwsh as this one.
function Invoke-ChildPwsh([string] $Command) {
    $exe = [Environment]::ProcessPath
    [string[]] $pre = if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { @(Join-Path $PSHOME 'pwsh.dll') } else { @() }
    $out = & $exe @pre -NoProfile -NonInteractive -Command $Command
    if ($LASTEXITCODE) { throw "child pwsh failed ($LASTEXITCODE): $out" }
    $out
}
Export-ModuleMember -Function *
