#requires -Version 7.4
# Test hosts for SmartDomains: each host is a real sshd in its own network namespace with a private mount
# namespace (its own /etc/xen, /var/lib/xen, /var/lib/smartdomains and the xl emulator as /usr/local/sbin/xl).
# See tests/Harness/README.md. Linux only, needs root.
Set-StrictMode -Version 3.0

$script:Helper = Join-Path $PSScriptRoot 'testhost.sh'
$script:RunDir = '/run/smartdomains-testhosts'           # markers (owner PID per host) and the lock
$script:CreatedPathsFile = Join-Path $script:RunDir 'created-mountpoints.txt'
$script:MountPoints = '/etc/xen', '/var/lib/xen', '/var/lib/smartdomains', '/usr/local/sbin', '/var/log/xen'
$script:Watchdogs = @{}   # prefix -> PID of this process's watchdog (see Start-OwnerWatchdog)

#region native commands

# Runs a program with an argument array (no shell quoting) and captures both streams.
function Invoke-NativeCommand {
    param(
        [Parameter(Mandatory)][string] $FilePath,
        [string[]] $ArgumentList = @(),
        [switch] $AllowFailure,
        [int] $TimeoutSec = 120,
        # Extra environment variables for the program (e.g. KRB5_CONFIG of a test KDC), on top of this process's.
        [System.Collections.IDictionary] $Environment = @{}
    )
    $psi = [System.Diagnostics.ProcessStartInfo]::new($FilePath)
    foreach ($a in $ArgumentList) { $psi.ArgumentList.Add($a) }
    foreach ($k in $Environment.Keys) { $psi.Environment[$k] = $Environment[$k] }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.RedirectStandardInput = $true
    $psi.UseShellExecute = $false
    $p = [System.Diagnostics.Process]::Start($psi)
    try {
        $p.StandardInput.Close()
        $out = $p.StandardOutput.ReadToEndAsync()
        $err = $p.StandardError.ReadToEndAsync()
        if (-not $p.WaitForExit($TimeoutSec * 1000)) {
            $p.Kill($true)
            throw "Timed out after $TimeoutSec s: $FilePath $($ArgumentList -join ' ')"
        }
        $p.WaitForExit()   # flushes the async readers
        $result = [pscustomobject]@{ ExitCode = $p.ExitCode; StdOut = $out.Result; StdErr = $err.Result }
    }
    finally { $p.Dispose() }
    if ($result.ExitCode -ne 0 -and -not $AllowFailure) {
        throw "'$FilePath $($ArgumentList -join ' ')' exited with $($result.ExitCode): $($result.StdErr.Trim())"
    }
    $result
}

function Invoke-Helper {
    param([Parameter(Mandatory)][string[]] $ArgumentList)
    Write-Verbose "testhost.sh $($ArgumentList -join ' ')"
    Invoke-NativeCommand -FilePath /bin/sh -ArgumentList (@($script:Helper) + $ArgumentList)
}

#endregion

#region processes, markers and the lock

# Fields of /proc/PID/stat after the command name: [0] is the state, [19] the start time in clock ticks.
function Get-ProcessStat {
    param([int] $ProcessId)
    try { $stat = [System.IO.File]::ReadAllText("/proc/$ProcessId/stat") } catch { return $null }
    , $stat.Substring($stat.LastIndexOf(')') + 2).Split(' ')
}

function Get-ProcessStartTicks {
    param([int] $ProcessId)
    $f = Get-ProcessStat $ProcessId
    if ($f) { [long] $f[19] }
}

# A zombie counts as dead: killed detached processes are reaped by PID 1, which may take a moment.
# The start time tells a live owner from a reused PID.
function Test-ProcessAlive {
    param([int] $ProcessId, [Nullable[long]] $StartTicks)
    $f = Get-ProcessStat $ProcessId
    ($null -ne $f) -and $f[0] -ne 'Z' -and (($null -eq $StartTicks) -or ([long] $f[19] -eq $StartTicks))
}

# True when PID is an sshd running with this host's config (guards every kill by PID).
function Test-OwnSshd {
    param([int] $ProcessId, [string] $Config)
    try { $cmd = [System.IO.File]::ReadAllText("/proc/$ProcessId/cmdline") } catch { return $false }
    # The listener rewrites its argv ("sshd: /usr/sbin/sshd -D -f CONFIG -e [listener] ..."), so search the text.
    $cmd.Contains(" $Config")
}

# Serializes allocation, markers and mount-point bookkeeping between concurrent test runs.
function Use-HarnessLock {
    param([Parameter(Mandatory)][scriptblock] $Body)
    $null = [System.IO.Directory]::CreateDirectory($script:RunDir)
    $path = Join-Path $script:RunDir 'lock'
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while ($true) {
        try {
            $lock = [System.IO.File]::Open($path, 'OpenOrCreate', 'ReadWrite', 'None')
            break
        }
        catch [System.IO.IOException] {
            if ([DateTime]::UtcNow -gt $deadline) { throw "Could not lock $path within 30 s" }
            Start-Sleep -Milliseconds 20
        }
    }
    try { & $Body } finally { $lock.Dispose() }
}

function Get-MarkerPath { param([string] $Name) Join-Path $script:RunDir "$Name.json" }

function Get-HostMarker {
    if (-not (Test-Path $script:RunDir)) { return }
    foreach ($f in Get-ChildItem -Path $script:RunDir -Filter '*.json') {
        try { Get-Content -Raw $f.FullName | ConvertFrom-Json } catch { Write-Verbose "Unreadable marker $($f.FullName)" }
    }
}

function Write-HostMarker {
    param([Parameter(Mandatory)] $TestHost)
    $marker = [ordered]@{
        Name = $TestHost.Name; Namespace = $TestHost.Namespace; SubnetIndex = $TestHost.SubnetIndex
        RootInterface = $TestHost.RootInterface; Dir = $TestHost.Dir; Gateway = $TestHost.Gateway
        OwnerPid = $PID; OwnerStartTicks = Get-ProcessStartTicks $PID
    }
    $marker | ConvertTo-Json | Set-Content -Path (Get-MarkerPath $TestHost.Name)
}

# Lowest subnet index not used by any marker, interface address or namespace name.
function Select-FreeSubnet {
    param([string] $Prefix)
    $used = [System.Collections.Generic.HashSet[int]]::new()
    foreach ($m in Get-HostMarker) { $null = $used.Add([int] $m.SubnetIndex) }
    foreach ($line in (Invoke-NativeCommand ip '-o', '-4', 'addr', 'show').StdOut -split "`n") {
        if ($line -match '\binet 10\.231\.(\d+)\.') { $null = $used.Add([int] $Matches[1]) }
    }
    # A host behind a gateway has no address here, only its unreachable route.
    foreach ($line in (Invoke-NativeCommand ip '-4', 'route', 'show').StdOut -split "`n") {
        if ($line -match '^unreachable 10\.231\.(\d+)\.') { $null = $used.Add([int] $Matches[1]) }
    }
    $namespaces = (Invoke-NativeCommand ip 'netns', 'list').StdOut -split "`n" | ForEach-Object { ($_ -split ' ')[0] }
    foreach ($i in 1..254) {
        if (-not $used.Contains($i) -and "$Prefix$i" -notin $namespaces) { return $i }
    }
    throw 'No free 10.231.N.0/24 subnet left'
}

#endregion

#region mount points on the real filesystem

# Bind mounts need their target to exist. Create missing ones (e.g. /etc/xen on a machine without
# Xen) and remember them, so the last host to stop can remove them again.
function Initialize-MountPoint {
    $created = @(Get-CreatedMountPoint)
    foreach ($path in $script:MountPoints) {
        $missing = @()
        for ($p = $path; -not (Test-Path -LiteralPath $p); $p = Split-Path $p -Parent) { $missing = @($p) + $missing }
        foreach ($p in $missing) {
            $null = New-Item -ItemType Directory -Path $p
            Write-Verbose "Created mount point $p on the real filesystem"
            $created += $p
        }
    }
    Set-Content -Path $script:CreatedPathsFile -Value ($created | Select-Object -Unique)
}

function Get-CreatedMountPoint {
    if (Test-Path $script:CreatedPathsFile) { Get-Content $script:CreatedPathsFile | Where-Object { $_ } }
}

# Only when no host of any run is left: a directory that is a mount point in a live namespace must stay.
function Remove-CreatedMountPoint {
    if (@(Get-HostMarker).Count -gt 0) { return }
    foreach ($p in Get-CreatedMountPoint | Sort-Object Length -Descending) {
        if ((Test-Path -LiteralPath $p) -and -not (Get-ChildItem -LiteralPath $p -Force)) {
            Remove-Item -LiteralPath $p
            Write-Verbose "Removed mount point $p that the harness created"
        }
    }
    Remove-Item -LiteralPath $script:CreatedPathsFile -ErrorAction Ignore
}

#endregion

#region keys

function Get-SshFingerprint {
    param([Parameter(Mandatory)][string] $PublicKeyLine)
    $blob = [Convert]::FromBase64String(($PublicKeyLine -split '\s+')[1])
    # Unpadded base64, as ssh-keygen -lf and SSH.NET's FingerPrintSHA256 print it.
    [Convert]::ToBase64String([System.Security.Cryptography.SHA256]::HashData($blob)).TrimEnd('=')
}

# Writes PATH and PATH.pub (ed25519, no passphrase) and returns the public key line without comment.
function New-Ed25519Key {
    param([Parameter(Mandatory)][string] $Path, [string] $Comment = 'smartdomains-test')
    Remove-Item -LiteralPath $Path, "$Path.pub" -ErrorAction Ignore
    $null = Invoke-NativeCommand ssh-keygen '-q', '-t', 'ed25519', '-N', '', '-C', $Comment, '-f', $Path
    $parts = (Get-Content -Raw "$Path.pub").Trim() -split '\s+'
    "$($parts[0]) $($parts[1])"
}

function Set-HostKeyProperty {
    param([Parameter(Mandatory)] $TestHost, [Parameter(Mandatory)][string] $PublicKeyLine)
    $TestHost.HostPublicKeyLine = $PublicKeyLine
    $TestHost.HostKeyFingerprint = Get-SshFingerprint $PublicKeyLine
}

#endregion

#region host files

function New-TestHostObject {
    param([string] $Name, [string] $Prefix, [int] $Index, [string] $Dir, [string] $ClientKeyFile, [string] $EmulatorDir, [int] $TmpfsSizeMiB, $Gateway)
    $fs = Join-Path $Dir 'fs'
    $varLibXen = Join-Path $fs 'var-lib-xen'
    [pscustomobject]@{
        PSTypeName         = 'SmartDomains.TestHost'
        Name               = $Name
        Prefix             = $Prefix
        Namespace          = $Name
        Address            = "10.231.$Index.2"
        Port               = 22
        User               = 'root'
        ClientKeyFile      = $ClientKeyFile
        HostKeyFingerprint = $null
        HostPublicKeyLine  = $null
        HostKeyFile        = Join-Path $Dir 'host_ed25519'
        Dir                = $Dir
        SshdPid            = $null
        AnchorPid          = $null
        SshdConfig         = Join-Path $Dir 'sshd_config'
        SshdLog            = Join-Path $Dir 'sshd.log'
        # Variables sshd starts with (Enable-TestHostKerberos: KRB5_CONFIG, KRB5_KTNAME), and the host's GSSAPI principal.
        SshdEnvironment    = [ordered]@{}
        KerberosPrincipal  = $null
        EtcXen             = Join-Path $fs 'etc-xen'
        VarLibXen          = $varLibXen
        StateDir           = Join-Path $fs 'var-lib-smartdomains'
        XlLogDir           = Join-Path $fs 'var-log-xen'
        EmulatorStateDir   = Join-Path $varLibXen 'emulator'
        ImagesDir          = Join-Path $varLibXen 'images'
        XlDir              = Join-Path $fs 'usr-local-sbin'
        EmulatorDir        = $EmulatorDir
        TmpfsSizeMiB       = $TmpfsSizeMiB
        SubnetIndex        = $Index
        RootAddress        = "10.231.$Index.1"
        RootInterface      = "$Name-r"
        NamespaceInterface = "$Name-n"
        # The test host whose namespace holds the other end of this host's link (Start-TestHostSet -Behind), or $null.
        Gateway            = if ($Gateway) { $Gateway.Name }
        GatewayNamespace   = if ($Gateway) { $Gateway.Namespace }
    }
}

function Write-SshdConfig {
    param(
        [Parameter(Mandatory)] $TestHost,
        # Also accept GSSAPI (Kerberos) logins, and log at VERBOSE, which names the client's principal.
        [switch] $Gssapi
    )
    $d = $TestHost.Dir
    $gssapiLines = if ($Gssapi) { "`nGSSAPIAuthentication yes`nGSSAPIStrictAcceptorCheck yes`nLogLevel VERBOSE" } else { '' }
    @"
Port $($TestHost.Port)
ListenAddress $($TestHost.Address)
HostKey $($TestHost.HostKeyFile)
PidFile $d/sshd.pid
AuthorizedKeysFile $d/authorized_keys
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin prohibit-password
MaxSessions 64
MaxStartups 64:30:128
PrintMotd no
PrintLastLog no
Subsystem sftp internal-sftp$gssapiLines
"@ | Set-Content -Path $TestHost.SshdConfig
}

function ConvertTo-ShellLiteral {
    param([Parameter(Mandatory)][string] $Text)
    "'" + $Text.Replace("'", "'\''") + "'"
}

# xl inside the host is a shim that runs the published emulator: the native xl of the NativeAOT build, or xl.dll with
# the absolute dotnet path (sshd sessions get a minimal PATH). The emulated LVM tools (lvcreate, lvs, lvremove, vgs) sit
# next to it: the same program with the hidden first argument --lvm-tool NAME.
function Write-XlShim {
    param([Parameter(Mandatory)] $TestHost)
    $tools = [ordered]@{ xl = @(); lvcreate = @('--lvm-tool', 'lvcreate'); lvs = @('--lvm-tool', 'lvs')
        lvremove = @('--lvm-tool', 'lvremove'); vgs = @('--lvm-tool', 'vgs') }
    if ($TestHost.EmulatorDir) {
        $dir = $TestHost.EmulatorDir
        $program = if (Test-NativeEmulator $dir) { @(ConvertTo-ShellLiteral "$dir/xl") } else {
            $dotnet = (Get-Command dotnet -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
            $dotnet = (Get-Item $dotnet).ResolvedTarget ?? $dotnet
            @((ConvertTo-ShellLiteral $dotnet), (ConvertTo-ShellLiteral "$dir/xl.dll"))
        }
    }
    foreach ($name in $tools.Keys) {
        $shim = Join-Path $TestHost.XlDir $name
        if ($TestHost.EmulatorDir) {
            $words = @($program) + $tools[$name]
            $body = "exec $($words -join ' ') `"`$@`""
        }
        else {
            $body = "echo '${name}: no emulator configured (Start-TestHostSet -EmulatorDir)' >&2; exit 127"
        }
        Set-Content -Path $shim -Value "#!/bin/sh`n$body" -NoNewline
        [System.IO.File]::SetUnixFileMode($shim, [System.IO.UnixFileMode] 0x1ED)   # 0755
    }
}

<#
.SYNOPSIS
    True when an emulator folder holds the NativeAOT build: xl is the program itself, and there is no xl.dll.
#>
function Test-NativeEmulator {
    param([Parameter(Mandatory)][string] $EmulatorDir)
    (Test-Path -LiteralPath (Join-Path $EmulatorDir 'xl') -PathType Leaf) -and -not (Test-Path -LiteralPath (Join-Path $EmulatorDir 'xl.dll'))
}

function Write-EmulatorSetting {
    param([Parameter(Mandatory)] $TestHost, [hashtable] $Settings)
    $s = [ordered]@{ hostname = $TestHost.Name }
    if ($Settings) { foreach ($k in $Settings.Keys) { $s[$k] = $Settings[$k] } }
    $s | ConvertTo-Json -Depth 10 | Set-Content -Path (Join-Path $TestHost.EmulatorStateDir 'settings.json')
}

function Set-TestHostSetting {
    <#
    .SYNOPSIS
    Merges keys into a host's emulator settings.json (faults, latencies, memory), which every later xl call reads.
    #>
    param([Parameter(Mandatory, Position = 0)] [Alias('Host')] $TestHost, [Parameter(Mandatory, Position = 1)] [hashtable] $Settings)
    $file = Join-Path $TestHost.EmulatorStateDir 'settings.json'
    $current = Get-Content -Raw $file | ConvertFrom-Json -AsHashtable
    foreach ($k in $Settings.Keys) { $current[$k] = $Settings[$k] }
    $current | ConvertTo-Json -Depth 10 | Set-Content -Path $file
}

function Initialize-HostDirectory {
    param([Parameter(Mandatory)] $TestHost, [hashtable] $Settings)
    foreach ($d in $TestHost.EtcXen, $TestHost.StateDir, $TestHost.EmulatorStateDir, $TestHost.ImagesDir, $TestHost.XlDir, $TestHost.XlLogDir) {
        $null = [System.IO.Directory]::CreateDirectory($d)
    }
    $null = New-Item -ItemType File -Path (Join-Path $TestHost.Dir 'fs/empty-bashrc')
    Set-HostKeyProperty $TestHost (New-Ed25519Key -Path $TestHost.HostKeyFile -Comment $TestHost.Name)
    Copy-Item "$($TestHost.ClientKeyFile).pub" (Join-Path $TestHost.Dir 'authorized_keys')
    Write-SshdConfig $TestHost
    Write-XlShim $TestHost
    Write-EmulatorSetting $TestHost $Settings
}

# bind:SRC:DST / tmpfs:MIB:DST specs for testhost.sh. The tmpfs goes over images for disk-full tests.
function Get-MountSpec {
    param([Parameter(Mandatory)] $TestHost)
    "bind:$($TestHost.EtcXen):/etc/xen"
    "bind:$($TestHost.VarLibXen):/var/lib/xen"
    "bind:$($TestHost.StateDir):/var/lib/smartdomains"
    "bind:$($TestHost.XlDir):/usr/local/sbin"
    "bind:$($TestHost.XlLogDir):/var/log/xen"
    # pyenv in root's .bashrc makes every ssh command ~0.5 s slower.
    if (Test-Path /root/.bashrc) { "bind:$(Join-Path $TestHost.Dir 'fs/empty-bashrc'):/root/.bashrc" }
    if ($TestHost.TmpfsSizeMiB -gt 0) { "tmpfs:$($TestHost.TmpfsSizeMiB):/var/lib/xen/images" }
}

#endregion

#region sshd

function Start-SshdProcess {
    param([Parameter(Mandatory)] $TestHost)
    $null = Invoke-NativeCommand /usr/sbin/sshd '-t', '-f', $TestHost.SshdConfig
    Remove-Item -LiteralPath (Join-Path $TestHost.Dir 'sshd.pid') -ErrorAction Ignore
    $environment = foreach ($k in $TestHost.SshdEnvironment.Keys) { "$k=$($TestHost.SshdEnvironment[$k])" }
    $null = Invoke-Helper (@('sshd', $TestHost.AnchorPid, $TestHost.SshdConfig, $TestHost.SshdLog) + @($environment))
}

# sshd writes its PidFile after it listens; then confirm with a TCP connect from the root namespace.
function Wait-SshdReady {
    param([Parameter(Mandatory)] $TestHost, [int] $TimeoutSec = 15)
    $pidFile = Join-Path $TestHost.Dir 'sshd.pid'
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while ([DateTime]::UtcNow -lt $deadline) {
        if (-not $TestHost.SshdPid -and (Test-Path $pidFile)) {
            # Get-Content -Raw gives $null for a file sshd has created but not written yet.
            $text = "$(Get-Content -Raw $pidFile -ErrorAction Ignore)".Trim()
            if ($text) { $TestHost.SshdPid = [int] $text }
        }
        if ($TestHost.SshdPid -and (Test-HostPort $TestHost)) { return }
        if ($TestHost.SshdPid -and -not (Test-ProcessAlive $TestHost.SshdPid)) { break }
        Start-Sleep -Milliseconds 10
    }
    $log = if (Test-Path $TestHost.SshdLog) { (Get-Content $TestHost.SshdLog -Tail 5) -join "`n" }
    throw "sshd of $($TestHost.Name) did not come up on $($TestHost.Address):$($TestHost.Port). Log:`n$log"
}

# The port (sshd's unless -Port) as the host's network sees it: from this namespace, or from its gateway's for a host
# behind one.
function Test-HostPort {
    param([Parameter(Mandatory)] $TestHost, [int] $Port = $TestHost.Port)
    if (-not $TestHost.GatewayNamespace) { return Test-TcpPort $TestHost.Address $Port 200 }
    $probe = "exec 3<>/dev/tcp/$($TestHost.Address)/$Port"
    (Invoke-NativeCommand ip 'netns', 'exec', $TestHost.GatewayNamespace, 'timeout', '1', 'bash', '-c', $probe -AllowFailure).ExitCode -eq 0
}

function Test-TcpPort {
    param([string] $Address, [int] $Port, [int] $TimeoutMs)
    $client = [System.Net.Sockets.TcpClient]::new()
    try { $client.ConnectAsync($Address, $Port).Wait($TimeoutMs) } catch { $false } finally { $client.Dispose() }
}

#endregion

#region teardown

# Tears down one host from its marker data; every step tolerates parts that are already gone.
function Remove-TestHostResource {
    param([Parameter(Mandatory)][string] $Name, [string] $Namespace, [string] $RootInterface, [string] $Dir, [int] $SubnetIndex)
    $null = Invoke-Helper 'down', $Namespace, $RootInterface, "$SubnetIndex"
    if ($Dir -and (Test-Path -LiteralPath $Dir)) { Remove-Item -LiteralPath $Dir -Recurse -Force }
    Remove-Item -LiteralPath (Get-MarkerPath $Name) -ErrorAction Ignore
}

# The command line that runs this pwsh again (dotnet tool: dotnet + pwsh.dll; installed: pwsh).
function Get-PwshCommand {
    $exe = [Environment]::ProcessPath
    if ((Split-Path -Leaf $exe) -eq 'dotnet') { $exe, (Join-Path $PSHOME 'pwsh.dll') } else { , $exe }
}

function Test-OwnWatchdog {
    param([Nullable[int]] $ProcessId)
    if (-not $ProcessId -or -not (Test-ProcessAlive $ProcessId)) { return $false }
    try { $cmd = [System.IO.File]::ReadAllText("/proc/$ProcessId/cmdline") } catch { return $false }
    $cmd.Contains("watch-loop`0$PID`0")
}

# One detached watchdog per (this process, prefix). When this process dies without Stop-TestHostSet
# (crash, kill -9, a test run that exits early: PowerShell.Exiting does not fire under -File/-Command),
# it runs Clear-StaleTestHosts. Stop-TestHostSet ends it once the process owns no hosts of that prefix.
function Start-OwnerWatchdog {
    param([Parameter(Mandatory)][string] $Prefix)
    if (Test-OwnWatchdog $script:Watchdogs[$Prefix]) { return }
    $module = $PSCommandPath -replace "'", "''"
    $clear = "`$PSStyle.OutputRendering = 'PlainText'; Import-Module '$module'; Clear-StaleTestHosts -Prefix $Prefix -Verbose"
    $cmd = @(Get-PwshCommand) + '-NoProfile', '-NonInteractive', '-Command', $clear
    $log = Join-Path $script:RunDir 'watchdog.log'
    $script:Watchdogs[$Prefix] = [int] (Invoke-Helper (@('watch', $PID, (Get-ProcessStartTicks $PID), $log) + $cmd)).StdOut.Trim()
}

function Stop-OwnerWatchdog {
    param([Parameter(Mandatory)][string] $Prefix)
    $owned = Get-HostMarker | Where-Object { $_.OwnerPid -eq $PID -and $_.Name -match "^$Prefix\d+$" }
    if ($owned) { return }
    $watchdog = $script:Watchdogs[$Prefix]
    if (Test-OwnWatchdog $watchdog) { $null = Invoke-Helper 'kill', $watchdog }
    $script:Watchdogs.Remove($Prefix)
}

#endregion

#region public: host sets

function Start-TestHostSet {
    <#
    .SYNOPSIS
    Starts N test hosts (sshd in its own network + mount namespace) and returns one object per host.
    #>
    [CmdletBinding()]
    [OutputType('SmartDomains.TestHost')]
    param(
        [ValidateRange(1, 200)][int] $Count = 1,
        [string] $EmulatorDir,
        [ValidateRange(0, 4096)][int] $TmpfsSizeMiB = 0,
        # Namespace and interface names are PREFIX+N(-r|-n), limited to 15 characters.
        [ValidatePattern('^[a-z][a-z0-9]{0,9}$')][string] $Prefix = 'sdt',
        # Extra keys for the emulator's settings.json (hostname is always the host name).
        [hashtable] $Settings,
        # No watchdog: only Stop-TestHostSet or Clear-StaleTestHosts remove the hosts (for testing the latter).
        [switch] $NoWatchdog,
        # A running test host (a bastion) that holds the other end of each new host's link: only it reaches them, and
        # this machine's own namespace gets an unreachable route for their subnets (nothing for them leaves the machine).
        $Behind
    )
    if ((Invoke-NativeCommand id '-u').StdOut.Trim() -ne '0') { throw 'Test hosts need root (namespaces, mounts).' }
    if ($EmulatorDir) {
        $EmulatorDir = (Resolve-Path -LiteralPath $EmulatorDir -ErrorAction Stop).ProviderPath
        if (-not (Test-Path (Join-Path $EmulatorDir 'xl'))) { Write-Verbose "No xl in $EmulatorDir yet" }
    }
    Clear-StaleTestHosts -Prefix $Prefix
    $null = [System.IO.Directory]::CreateDirectory('/run/sshd')   # sshd refuses to start without it
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    $set = [System.Collections.Generic.List[object]]::new()
    try {
        $clientKey = $null
        foreach ($i in 1..$Count) {
            $h = New-TestHostReservation -Prefix $Prefix -EmulatorDir $EmulatorDir -TmpfsSizeMiB $TmpfsSizeMiB -Gateway $Behind
            $set.Add($h)
            # One client key per set, copied into each host's Dir so every host is self-contained.
            if (-not $clientKey) { $clientKey = $h.ClientKeyFile; $null = New-Ed25519Key -Path $clientKey }
            else { Copy-Item "$clientKey*" $h.Dir }
            Initialize-HostDirectory $h $Settings
            $up = if ($Behind) { @('up-behind', $h.Namespace, $h.SubnetIndex, $Behind.Namespace) } else { @('up', $h.Namespace, $h.SubnetIndex) }
            $h.AnchorPid = [int] (Invoke-Helper ($up + @(Get-MountSpec $h))).StdOut.Trim()
            Start-SshdProcess $h
        }
        foreach ($h in $set) { Wait-SshdReady $h }
        if (-not $NoWatchdog) { Start-OwnerWatchdog $Prefix }
    }
    catch {
        Stop-TestHostSet -Hosts $set
        throw
    }
    Write-Verbose "Started $Count test host(s) in $($sw.ElapsedMilliseconds) ms"
    $set.ToArray()
}

# Allocates a name and subnet and writes the owner marker before anything exists, so a crash at any
# later point is still cleaned up by Clear-StaleTestHosts.
function New-TestHostReservation {
    param([string] $Prefix, [string] $EmulatorDir, [int] $TmpfsSizeMiB, $Gateway)
    Use-HarnessLock {
        Initialize-MountPoint
        $index = Select-FreeSubnet $Prefix
        $name = "$Prefix$index"
        $dir = [System.IO.Directory]::CreateTempSubdirectory("$name-").FullName
        $h = New-TestHostObject -Name $name -Prefix $Prefix -Index $index -Dir $dir -ClientKeyFile (Join-Path $dir 'client_ed25519') `
            -EmulatorDir $EmulatorDir -TmpfsSizeMiB $TmpfsSizeMiB -Gateway $Gateway
        Write-HostMarker $h
        $h
    }
}

function Stop-TestHostSet {
    <#
    .SYNOPSIS
    Kills the hosts' processes, deletes their veth pairs, namespaces, temp dirs and markers. Safe to repeat.
    #>
    [CmdletBinding()]
    param([Parameter(ValueFromPipeline)][AllowEmptyCollection()][object[]] $Hosts = @())
    begin { $sw = [System.Diagnostics.Stopwatch]::StartNew(); $all = [System.Collections.Generic.List[object]]::new() }
    process { foreach ($h in $Hosts) { if ($h) { $all.Add($h) } } }
    end {
        foreach ($h in $all) {
            Remove-TestHostResource -Name $h.Name -Namespace $h.Namespace -RootInterface $h.RootInterface -Dir $h.Dir -SubnetIndex $h.SubnetIndex
            $h.SshdPid = $null
            $h.AnchorPid = $null
        }
        Use-HarnessLock { Remove-CreatedMountPoint }
        foreach ($prefix in $all.Prefix | Select-Object -Unique) { Stop-OwnerWatchdog $prefix }
        Write-Verbose "Stopped $($all.Count) test host(s) in $($sw.ElapsedMilliseconds) ms"
    }
}

function Clear-StaleTestHosts {
    <#
    .SYNOPSIS
    Removes hosts whose owning process (recorded in /run/smartdomains-testhosts/NAME.json) is gone.
    #>
    [CmdletBinding()]
    param([ValidatePattern('^[a-z][a-z0-9]{0,9}$')][string] $Prefix = 'sdt', [switch] $PassThru)
    # Under the lock: the owner's watchdog may be clearing the same hosts right now.
    $cleared = Use-HarnessLock {
        foreach ($m in Get-HostMarker) {
            if ($m.Name -notmatch "^$Prefix\d+$" -or (Test-ProcessAlive $m.OwnerPid $m.OwnerStartTicks)) { continue }
            Write-Verbose "Removing stale test host $($m.Name) (owner PID $($m.OwnerPid) is gone)"
            Remove-TestHostResource -Name $m.Name -Namespace $m.Namespace -RootInterface $m.RootInterface -Dir $m.Dir -SubnetIndex $m.SubnetIndex
            $m.Name
        }
        Remove-CreatedMountPoint
    }
    if ($PassThru) { $cleared }
}

#endregion

#region public: faults

function Stop-TestHostSshd {
    <#
    .SYNOPSIS
    Kills the listening sshd. Existing sessions survive unless -KillSessions.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, ValueFromPipeline, Position = 0)][Alias('Host')] $TestHost,
        [switch] $KillSessions
    )
    process {
        if ($TestHost.SshdPid -and (Test-OwnSshd $TestHost.SshdPid $TestHost.SshdConfig)) {
            $null = Invoke-Helper 'kill', $TestHost.SshdPid
        }
        $TestHost.SshdPid = $null
        if ($KillSessions -and $TestHost.AnchorPid) {
            $null = Invoke-Helper 'kill-sessions', $TestHost.Namespace, $TestHost.AnchorPid
        }
    }
}

function Stop-TestHostSshdOnCommand {
    <#
    .SYNOPSIS
    Kills a host's sshd and its sessions as soon as its emulator logs a command matching -Pattern (after this call), so a
    fault lands at a step of the operation under test rather than at a time on the clock. Returns the thread job; its
    output is the matching log line, or an error when nothing matched within -TimeoutSeconds.
    #>
    param(
        [Parameter(Mandatory, Position = 0)][Alias('Host')] $TestHost,
        [Parameter(Mandatory, Position = 1)] [string] $Pattern,
        [int] $TimeoutSeconds = 60
    )
    $log = Join-Path $TestHost.EmulatorStateDir 'commands.log'
    $seen = if (Test-Path $log) { @(Get-Content $log).Count } else { 0 }
    Start-ThreadJob -ArgumentList $TestHost, $Pattern, $TimeoutSeconds, $log, $seen, $PSCommandPath -ScriptBlock {
        param($TestHost, $Pattern, $TimeoutSeconds, $Log, $Seen, $Harness)
        Import-Module $Harness
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
        while ([DateTime]::UtcNow -lt $deadline) {
            $new = if (Test-Path $Log) { @(Get-Content $Log) | Select-Object -Skip $Seen } else { @() }
            $hit = $new | Where-Object { ($_ -split "`t", 2)[-1] -match $Pattern } | Select-Object -First 1
            if ($hit) {
                Stop-TestHostSshd -TestHost $TestHost -KillSessions
                return $hit
            }
            Start-Sleep -Milliseconds 20
        }
        throw "No command matching '$Pattern' reached $($TestHost.Name) within $TimeoutSeconds s; sshd was not stopped."
    }
}

function Start-TestHostSshd {
    <#
    .SYNOPSIS
    Starts sshd again with the same config, host key and mounts; waits until it accepts TCP.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline, Position = 0)][Alias('Host')] $TestHost, [switch] $PassThru)
    process {
        if ($TestHost.SshdPid -and (Test-OwnSshd $TestHost.SshdPid $TestHost.SshdConfig)) {
            Write-Verbose "sshd of $($TestHost.Name) already runs (PID $($TestHost.SshdPid))"
        }
        else {
            Assert-HostAnchor $TestHost
            $TestHost.SshdPid = $null
            Start-SshdProcess $TestHost
            Wait-SshdReady $TestHost
        }
        if ($PassThru) { $TestHost }
    }
}

function Restart-TestHostSshd {
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline, Position = 0)][Alias('Host')] $TestHost, [switch] $KillSessions, [switch] $PassThru)
    process {
        Stop-TestHostSshd -TestHost $TestHost -KillSessions:$KillSessions
        Start-TestHostSshd -TestHost $TestHost -PassThru:$PassThru
    }
}

function Set-TestHostLink {
    <#
    .SYNOPSIS
    Takes the namespace side of the veth down (packets vanish: connects time out, no RST) or up again.
    .NOTES
    Never the root side: with it down the connected route goes away and 10.231.N.2 would follow the
    default route out of the machine.
    #>
    [CmdletBinding(DefaultParameterSetName = 'Down')]
    param(
        [Parameter(Mandatory, ValueFromPipeline, Position = 0)][Alias('Host')] $TestHost,
        [Parameter(Mandatory, ParameterSetName = 'Down')][switch] $Down,
        [Parameter(Mandatory, ParameterSetName = 'Up')][switch] $Up
    )
    process {
        $state = if ($Up) { 'up' } else { 'down' }
        $null = Invoke-NativeCommand ip '-n', $TestHost.Namespace, 'link', 'set', $TestHost.NamespaceInterface, $state
    }
}

function Set-TestHostKey {
    <#
    .SYNOPSIS
    Gives the host a new host key and restarts sshd (for changed-host-key tests). Updates the host object.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, ValueFromPipeline, Position = 0)][Alias('Host')] $TestHost,
        [Parameter(Mandatory)][switch] $New,
        [switch] $PassThru
    )
    process {
        Set-HostKeyProperty $TestHost (New-Ed25519Key -Path $TestHost.HostKeyFile -Comment $TestHost.Name)
        Restart-TestHostSshd -TestHost $TestHost -PassThru:$PassThru
    }
}

function Assert-HostAnchor {
    param([Parameter(Mandatory)] $TestHost)
    $ok = $TestHost.AnchorPid -and (Test-ProcessAlive $TestHost.AnchorPid) -and
        ((Get-Content -Raw "/proc/$($TestHost.AnchorPid)/comm" -ErrorAction Ignore) -eq "sleep`n")
    if (-not $ok) { throw "Test host $($TestHost.Name) is not running (stopped or torn down)." }
}

function Invoke-TestHostShell {
    <#
    .SYNOPSIS
    Runs `sh -c COMMAND` inside the host's mount, network and UTS namespace (works while sshd is down).
    Returns stdout; throws on non-zero exit. -PassThru returns ExitCode, StdOut, StdErr and never throws
    for the exit code.
    #>
    [CmdletBinding()]
    [OutputType([string], [pscustomobject])]
    param(
        [Parameter(Mandatory, ValueFromPipeline, Position = 0)][Alias('Host')] $TestHost,
        [Parameter(Mandatory, Position = 1)][string] $Command,
        [switch] $PassThru,
        [int] $TimeoutSec = 120
    )
    process {
        Assert-HostAnchor $TestHost
        Write-Verbose "[$($TestHost.Name)] $Command"
        $r = Invoke-NativeCommand nsenter '-t', $TestHost.AnchorPid, '-m', '-n', '-u', '/bin/sh', '-c', $Command `
            -AllowFailure -TimeoutSec $TimeoutSec
        if ($PassThru) { return $r }
        if ($r.ExitCode -ne 0) {
            throw "Command on $($TestHost.Name) exited with $($r.ExitCode): $Command`n$($r.StdErr.Trim())"
        }
        $r.StdOut
    }
}

function Get-TestHostSnapshot {
    <#
    .SYNOPSIS
    What a host holds that the module may change: every file under /etc/xen, /var/lib/xen (but the emulator's own state
    and log) and /var/lib/smartdomains with its type, size and sha256, then xl's domain names; one sorted line each.
    Compare two snapshots with Compare-Object to see that a host is exactly as it was.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory, ValueFromPipeline, Position = 0)][Alias('Host')] $TestHost)
    process {
        $files = Invoke-TestHostShell -TestHost $TestHost -Command @'
find /etc/xen /var/lib/xen /var/lib/smartdomains -path /var/lib/xen/emulator -prune -o -type f -printf 'f %s ' -exec sh -c 'sha256sum < "$1" | cut -d" " -f1 | tr -d "\n"; echo " $1"' sh {} \; -o ! -type f -printf '%y %p\n' | sort
'@
        $domains = (Invoke-TestHostShell -TestHost $TestHost -Command 'xl list') -split "`n" | Select-Object -Skip 1 | Where-Object { $_ } |
            ForEach-Object { 'domain ' + ($_ -split '\s+')[0] } | Sort-Object
        , (@($files -split "`n" | Where-Object { $_ }) + @($domains))
    }
}

#endregion

#region public: client side files

function New-TestKnownHostsFile {
    <#
    .SYNOPSIS
    Writes an OpenSSH known_hosts file for the hosts and returns its path (default: first host's Dir).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)][object[]] $Hosts, [string] $Path)
    if (-not $Path) { $Path = Join-Path $Hosts[0].Dir 'known_hosts' }
    $lines = foreach ($h in $Hosts) {
        $target = if ($h.Port -eq 22) { $h.Address } else { "[$($h.Address)]:$($h.Port)" }
        "$target $($h.HostPublicKeyLine)"
    }
    Set-Content -Path $Path -Value $lines
    (Resolve-Path -LiteralPath $Path).ProviderPath
}

function New-TestClientKey {
    <#
    .SYNOPSIS
    Creates an ed25519 client key that no test host authorizes (for wrong-key tests).
    .NOTES
    Without -Directory the key goes to a new temp directory that the caller removes; pass a host's
    Dir to have it removed with the host.
    #>
    [CmdletBinding()]
    param([string] $Directory, [string] $Name = 'unauthorized_ed25519')
    if (-not $Directory) { $Directory = [System.IO.Directory]::CreateTempSubdirectory('sdt-key-').FullName }
    $keyFile = Join-Path $Directory $Name
    $line = New-Ed25519Key -Path $keyFile -Comment 'smartdomains-unauthorized'
    [pscustomobject]@{
        KeyFile = $keyFile; PublicKeyFile = "$keyFile.pub"; PublicKeyLine = $line
        Fingerprint = Get-SshFingerprint $line; Directory = $Directory
    }
}

function Get-TestSshProcess {
    <#
    .SYNOPSIS
    The live (not zombie) ssh client processes of a test: those whose argv holds one of -Word (an alias, a config path)
    as a whole word, or whose command line contains one of -Substring (a host's address). Each as Id and CommandLine.
    .NOTES
    Read from /proc, not pgrep: a detached OpenSSH master renames itself, but its argv words stay in cmdline.
    #>
    [CmdletBinding()]
    param([string[]] $Word = @(), [string[]] $Substring = @())
    foreach ($dir in Get-ChildItem /proc -Directory | Where-Object Name -Match '^\d+$') {
        try { $comm = [IO.File]::ReadAllText("$($dir.FullName)/comm").Trim(); $cmd = [IO.File]::ReadAllText("$($dir.FullName)/cmdline") } catch { continue }
        $state = try { ([IO.File]::ReadAllText("$($dir.FullName)/stat") -split '\) ', 2)[1][0] } catch { 'Z' }
        if ($comm -ne 'ssh' -or $state -eq 'Z') { continue }
        $words = $cmd.Split([char]0)
        $ours = ($words | Where-Object { $_ -in $Word }) -or ($Substring | Where-Object { $cmd.Contains($_) })
        if ($ours) { [pscustomobject]@{ Id = [int]$dir.Name; CommandLine = $words -join ' ' } }
    }
}

function Wait-TestSshProcessGone {
    <#
    .SYNOPSIS
    Waits up to 2 s for the test's ssh processes whose command line matches -Pattern to go (killed ones take a moment),
    and returns those still there.
    #>
    [CmdletBinding()]
    param([string[]] $Word = @(), [string[]] $Substring = @(), [string] $Pattern = '.')
    for ($i = 0; $i -lt 100 -and (Get-TestSshProcess -Word $Word -Substring $Substring | Where-Object CommandLine -Match $Pattern); $i++) {
        Start-Sleep -Milliseconds 20
    }
    Get-TestSshProcess -Word $Word -Substring $Substring | Where-Object CommandLine -Match $Pattern
}

#endregion

# A test KDC and Kerberos logins (Start-TestKdc, Enable-TestHostKerberos...): its own file, in this module's scope.
. (Join-Path $PSScriptRoot 'TestKerberos.ps1')

Export-ModuleMember -Function Start-TestHostSet, Stop-TestHostSet, Clear-StaleTestHosts,
    Stop-TestHostSshd, Start-TestHostSshd, Restart-TestHostSshd, Set-TestHostLink, Set-TestHostKey,
    Invoke-TestHostShell, Get-TestHostSnapshot, New-TestKnownHostsFile, New-TestClientKey, Get-TestSshProcess, Wait-TestSshProcessGone, Set-TestHostSetting, Stop-TestHostSshdOnCommand, Get-PwshCommand,
    Test-NativeEmulator, Start-TestKdc, Stop-TestKdc, New-TestKerberosPrincipal, New-TestKerberosTicket, Enable-TestHostKerberos
