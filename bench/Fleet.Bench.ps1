#Requires -Version 7.4
# Fleet: connecting to H SSH test hosts and querying them, each holding D domains. Side by side in every run:
# - Connect-XenHost to every host (host keys checked, facts read) against OpenSSH's client doing the same handshakes
#   (`ssh -o BatchMode=yes HOST true`, 32 at a time);
# - Get-XenDomain over every host against the floor: H `xl list -v` run on these cores without SSH (as many at once as there
#   are cores), plus one round trip; and against `ssh HOST xl list -v` to every host, 32 at a time and one after another.
# SmartDomains runs over both transports: SSH.NET (the default) and OpenSSH (one ssh master process per host, and an ssh
# client process per command riding it). -OpenSshHosts measures OpenSSH on the first N hosts only (0: all); -SkipOpenSsh
# leaves its rows out. Each transport's block connects, queries and disconnects, so neither one's masters or connections
# are open during the other's figures.
param([Parameter(Mandatory)] [string] $ModuleDir, [int] $Hosts = 128, [int] $PerHost = 16, [int] $Runs = 3,
    [int] $OpenSshHosts = 0, [switch] $SkipOpenSsh)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $ModuleDir 'SmartDomains.psd1') -Force
Import-Module "$PSScriptRoot/../tests/Harness/TestHosts.psm1" -Force
Import-Module "$PSScriptRoot/BenchCommon.psm1" -Force
$work = Join-Path ([IO.Path]::GetTempPath()) "sd-bench-fleet-$PID"
New-Item -ItemType Directory -Force $work | Out-Null
$set = @()
try {
    $startTime = Measure-Command { $set = @(Start-TestHostSet -Count $Hosts -EmulatorDir (Join-Path $ModuleDir 'emulator') -Prefix bfl) }
    $known = New-TestKnownHostsFile -Hosts $set -Path (Join-Path $work 'known_hosts')
    $fill = Measure-Command { Initialize-BenchFleet -Hosts $set -PerHost $PerHost }
    $addresses = @($set | ForEach-Object Address)
    $total = $Hosts * $PerHost
    $cores = [Environment]::ProcessorCount
    $ctl = (New-Item -ItemType Directory -Force (Join-Path $work 'ctl')).FullName   # the OpenSSH transport's control directories
    $oHosts = if ($OpenSshHosts -gt 0 -and $OpenSshHosts -lt $Hosts) { $OpenSshHosts } else { $Hosts }
    $oAddresses = @($addresses | Select-Object -First $oHosts)
    $oTotal = $oHosts * $PerHost
    $sshBase = @('-i', $set[0].ClientKeyFile, '-o', "UserKnownHostsFile=$known", '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes')

    $times = [ordered]@{}
    $masters = [Collections.Generic.List[int]]::new(); $left = [Collections.Generic.List[int]]::new()
    foreach ($k in 'connect', 'sshTrue', 'fleet', 'single', 'floor', 'par', 'seq', 'disconnect', 'oconnect', 'ofleet', 'osingle', 'odisconnect', 'ofloor', 'osshTrue') { $times[$k] = [Collections.Generic.List[double]]::new() }
    # One transport's block, its times under Prefix ('' SSH.NET, 'o' OpenSSH): connect (-Force, so afresh), query all the
    # hosts and one, disconnect. OpenSSH makes one master per host (ssh -f -N, ControlMaster), then an ssh client process
    # per command; its masters are counted after the connect, and what is left of its ssh processes after the disconnect.
    function Measure-Transport([string] $Prefix, [string[]] $Among, [switch] $OpenSsh) {
        $via = if ($OpenSsh) { ' over OpenSSH' } else { '' }
        $connect = { $null = Connect-XenHost -ComputerName $Among -KeyFile $set[0].ClientKeyFile -KnownHostsFile $known -Transport $(if ($OpenSsh) { 'OpenSSH' } else { 'SshNet' }) -Force }
        $times["${Prefix}connect"].Add((Measure-Command { if ($OpenSsh) { Use-BenchTempDir $ctl $connect } else { & $connect } }).TotalSeconds)
        if ($OpenSsh) { $masters.Add(@(Get-BenchSshProcess $set $ctl | Where-Object Master).Count) }
        $t = Measure-Command { $d = @(Get-XenDomain) }
        if ($d.Count -ne $Among.Count * $PerHost) { throw "Get-XenDomain$via returned $($d.Count) domains, not $($Among.Count * $PerHost)" }
        $times["${Prefix}fleet"].Add($t.TotalSeconds)
        $t = Measure-Command { $one = @(Get-XenDomain -XenHost $Among[$run % $Among.Count]) }
        if ($one.Count -ne $PerHost) { throw "Get-XenDomain -XenHost$via returned $($one.Count) domains, not $PerHost" }
        $times["${Prefix}single"].Add($t.TotalSeconds)
        $times["${Prefix}disconnect"].Add((Measure-Command { Get-XenHost -NoRefresh | Disconnect-XenHost }).TotalSeconds)
        if ($OpenSsh) { $left.Add(@(Get-BenchSshProcess $set $ctl).Count) }
    }
    for ($run = 1; $run -le $Runs; $run++) {
        Write-Host "  run $run/$Runs"
        # Alternate the order of the blocks each run, so that a warm cache or background load does not favour one.
        $blocks = @(
            { Measure-Transport -Prefix '' -Among $addresses },
            {
                $times.sshTrue.Add((Measure-Command { $addresses | ForEach-Object -Parallel { $null = & ssh @using:sshBase "root@$_" true; if ($LASTEXITCODE) { throw "ssh $_ failed" } } -ThrottleLimit 32 }).TotalSeconds)
            },
            { if (-not $SkipOpenSsh) { Measure-Transport -Prefix o -Among $oAddresses -OpenSsh } })
        if ($run % 2 -eq 0) { [array]::Reverse($blocks) }
        foreach ($b in $blocks) { & $b }

        # The floor: the same number of xl list -v calls, on one host's state, as many at once as there are cores, no SSH.
        $h = $set[$run % $Hosts]
        $t = Measure-Command { $null = Invoke-TestHostShell -TestHost $h -TimeoutSec 600 -Command "seq $Hosts | xargs -P $cores -I N sh -c 'xl list -v >/dev/null'" }
        $times.floor.Add($t.TotalSeconds)
        if (-not $SkipOpenSsh -and $oHosts -ne $Hosts) {
            # OpenSSH on fewer hosts: its own floor and handshake baseline over the same number of hosts.
            $times.ofloor.Add((Measure-Command { $null = Invoke-TestHostShell -TestHost $h -TimeoutSec 600 -Command "seq $oHosts | xargs -P $cores -I N sh -c 'xl list -v >/dev/null'" }).TotalSeconds)
            $times.osshTrue.Add((Measure-Command { $oAddresses | ForEach-Object -Parallel { $null = & ssh @using:sshBase "root@$_" true; if ($LASTEXITCODE) { throw "ssh $_ failed" } } -ThrottleLimit 32 }).TotalSeconds)
        }
        $times.par.Add((Measure-Command { $addresses | ForEach-Object -Parallel { $null = & ssh @using:sshBase "root@$_" xl list -v; if ($LASTEXITCODE) { throw "ssh $_ failed" } } -ThrottleLimit 32 }).TotalSeconds)
        if ($run -eq 1) {
            # The sequential loop costs about Hosts round trips: one run of it is enough.
            $times.seq.Add((Measure-Command { foreach ($a in $addresses) { $null = & ssh @sshBase "root@$a" xl list -v; if ($LASTEXITCODE) { throw "ssh $a failed" } } }).TotalSeconds)
        }
    }
    $m = @{}; foreach ($k in $times.Keys) { $m[$k] = Get-Median $times[$k] }
    $floor = $m.floor + $m.single
    # OpenSSH's rows divide by the same baselines (over its own host count when -OpenSshHosts is smaller).
    $oFloor = if ($oHosts -ne $Hosts) { $m.ofloor + $m.single } else { $floor }
    $oSshTrue = if ($oHosts -ne $Hosts) { $m.osshTrue } else { $m.sshTrue }
    $oRows = if ($SkipOpenSsh) { @{} } else { @{
            connect = [pscustomobject]@{ Method = "SmartDomains Connect-XenHost -Transport OpenSSH, $oHosts hosts (keys checked, facts read; one ssh master each)"; Domains = ''; Seconds = Format-Range $times.oconnect 3; 'vs baseline' = Get-Ratio $m.oconnect $oSshTrue; 'domains/s' = '' }
            fleet   = [pscustomobject]@{ Method = "SmartDomains Get-XenDomain over OpenSSH, $oHosts hosts"; Domains = $oTotal; Seconds = Format-Range $times.ofleet 3; 'vs baseline' = Get-Ratio $m.ofleet $oFloor; 'domains/s' = [math]::Round($oTotal / $m.ofleet) }
            single  = [pscustomobject]@{ Method = 'SmartDomains Get-XenDomain -XenHost over OpenSSH (one round trip)'; Domains = $PerHost; Seconds = Format-Range $times.osingle 3; 'vs baseline' = ''; 'domains/s' = [math]::Round($PerHost / $m.osingle) }
            sshTrue = if ($oHosts -ne $Hosts) { [pscustomobject]@{ Method = "OpenSSH ssh -o BatchMode=yes HOST true, $oHosts hosts, 32 at a time (baseline of the OpenSSH connect)"; Domains = ''; Seconds = Format-Range $times.osshTrue 3; 'vs baseline' = 1; 'domains/s' = '' } }
            floor   = if ($oHosts -ne $Hosts) { [pscustomobject]@{ Method = "floor: $oHosts x xl list -v on $cores cores, no SSH, + one round trip (baseline of the OpenSSH query)"; Domains = $oTotal; Seconds = [math]::Round($oFloor, 3); 'vs baseline' = 1; 'domains/s' = [math]::Round($oTotal / $oFloor) } }
        } }
    $rows = @(
        [pscustomobject]@{ Method = "SmartDomains Connect-XenHost, $Hosts hosts (keys checked, facts read)"; Domains = ''; Seconds = Format-Range $times.connect 3; 'vs baseline' = Get-Ratio $m.connect $m.sshTrue; 'domains/s' = '' }
        $oRows.connect
        [pscustomobject]@{ Method = "OpenSSH ssh -o BatchMode=yes HOST true, $Hosts hosts, 32 at a time (baseline)"; Domains = ''; Seconds = Format-Range $times.sshTrue 3; 'vs baseline' = 1; 'domains/s' = '' }
        $oRows.sshTrue
        [pscustomobject]@{ Method = "SmartDomains Get-XenDomain, $Hosts hosts"; Domains = $total; Seconds = Format-Range $times.fleet 3; 'vs baseline' = Get-Ratio $m.fleet $floor; 'domains/s' = [math]::Round($total / $m.fleet) }
        $oRows.fleet
        [pscustomobject]@{ Method = "floor: $Hosts x xl list -v on $cores cores, no SSH, + one round trip (baseline)"; Domains = $total; Seconds = [math]::Round($floor, 3); 'vs baseline' = 1; 'domains/s' = [math]::Round($total / $floor) }
        $oRows.floor
        [pscustomobject]@{ Method = "ssh HOST xl list -v, $Hosts hosts, 32 at a time"; Domains = $total; Seconds = Format-Range $times.par 3; 'vs baseline' = Get-Ratio $m.par $floor; 'domains/s' = [math]::Round($total / $m.par) }
        [pscustomobject]@{ Method = "ssh HOST xl list -v, $Hosts hosts one after another"; Domains = $total; Seconds = Format-Range $times.seq 3; 'vs baseline' = Get-Ratio $m.seq $floor; 'domains/s' = [math]::Round($total / $m.seq) }
        [pscustomobject]@{ Method = 'SmartDomains Get-XenDomain -XenHost (one round trip)'; Domains = $PerHost; Seconds = Format-Range $times.single 3; 'vs baseline' = ''; 'domains/s' = [math]::Round($PerHost / $m.single) }
        $oRows.single
    ) | Where-Object { $_ }
    $notes = @(
        "Connect-XenHost / OpenSSH handshakes = $(Get-Ratio $m.connect $m.sshTrue) (limit 1.5); Get-XenDomain over $Hosts hosts / (floor + one round trip) = $(Get-Ratio $m.fleet $floor) (limit 2). $Runs runs, the blocks (SSH.NET, ssh true, OpenSSH) in alternating order; Seconds = median (min–max).",
        "Connect-XenHost opens each SSH connection without holding a thread (SSH.NET's ConnectAsync), all hosts at once, then reads xl info and xl list on each; -Force makes every run connect afresh. OpenSSH's row runs 32 ssh processes at a time, each a full handshake and one exec.",
        "The floor runs the $Hosts xl list -v calls on one test host's state ($PerHost domains), $cores at a time, inside its namespace: what the emulator alone costs on these cores, whatever the client. The round trip is Get-XenDomain -XenHost on one host.",
        $(if (-not $SkipOpenSsh) {
            "OpenSSH / SSH.NET (medians): Connect-XenHost $(Get-Ratio $m.oconnect $m.connect) ($([math]::Round($m.oconnect, 2)) s against $([math]::Round($m.connect, 2)) s$(if ($oHosts -ne $Hosts) { ", $oHosts hosts against $Hosts" })); Get-XenDomain over all hosts $(Get-Ratio $m.ofleet $m.fleet) ($([math]::Round($m.ofleet, 3)) s against $([math]::Round($m.fleet, 3)) s$(if ($oHosts -ne $Hosts) { ", $oTotal domains against $total" })); one round trip (Get-XenDomain -XenHost) $(Get-Ratio $m.osingle $m.single) ($([math]::Round($m.osingle * 1000)) ms against $([math]::Round($m.single * 1000)) ms). Against the OpenSSH handshakes baseline, Connect-XenHost -Transport OpenSSH = $(Get-Ratio $m.oconnect $oSshTrue); against the floor with OpenSSH's own round trip, Get-XenDomain over OpenSSH = $(Get-Ratio $m.ofleet ($oFloor - $m.single + $m.osingle))."
            "OpenSSH keeps one ssh master process per host (ssh -f -N, ControlMaster; at most 32 handshakes at once) and starts an ssh client process per command (plus an ssh -O check after each master start): the connect starts $oHosts masters and reads facts with client processes, Get-XenDomain starts $oHosts client processes at once. Masters found running after each connect (pgrep): $($masters -join ', '); ssh processes of the bench left after each Disconnect-XenHost: $($left -join ', ')."
            "Disconnect-XenHost of every host (median): SSH.NET $([math]::Round($m.disconnect, 2)) s, OpenSSH $([math]::Round($m.odisconnect, 2)) s (ssh -O exit per master, then its process is waited for). Not in any other figure."
        })
        "Since the OpenSSH rows were added (2026-12-02, 20:30 UTC), each transport's block connects, queries (all hosts, then one) and disconnects, the blocks and the ssh true baseline in alternating order; before, the SSH.NET connections stayed open from the connect through the queries and -Force replaced the previous run's connections inside the connect time."
        "Starting $Hosts test hosts (namespaces + sshd): $([math]::Round($startTime.TotalSeconds, 1)) s. Filling them: $([math]::Round($fill.TotalSeconds, 1)) s ($PerHost domains made with xl create on the first host, its emulator state copied to the others)."
    )
    $notes = @($notes | ForEach-Object { $_ } | Where-Object { $_ })
    New-BenchTable -Rows $rows -Notes $notes
}
finally {
    Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost -ErrorAction Ignore
    if ($set) {
        $stray = @(Get-BenchSshProcess $set $ctl)
        if ($stray) { Write-Warning "ssh processes to the bench hosts left after Disconnect-XenHost: $(($stray | ForEach-Object { "$($_.Pid) $($_.CommandLine)" }) -join '; ')" }
    }
    if ($set) { Stop-TestHostSet -Hosts $set }
    Remove-Item -Recurse -Force $work -ErrorAction Ignore
}
