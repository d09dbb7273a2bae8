#Requires -Version 7.4
# Fleet: connecting to H SSH test hosts and querying them, each holding D domains. Side by side in every run:
# - Connect-XenHost to every host (host keys checked, facts read) against OpenSSH's client doing the same handshakes
#   (`ssh -o BatchMode=yes HOST true`, 32 at a time);
# - Get-XenDomain over every host against the floor: H `xl list -v` run on these cores without SSH (as many at once as there
#   are cores), plus one round trip; and against `ssh HOST xl list -v` to every host, 32 at a time and one after another.
param([Parameter(Mandatory)] [string] $ModuleDir, [int] $Hosts = 128, [int] $PerHost = 16, [int] $Runs = 3)
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
    $sshBase = @('-i', $set[0].ClientKeyFile, '-o', "UserKnownHostsFile=$known", '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes')

    $times = [ordered]@{}
    foreach ($k in 'connect', 'sshTrue', 'fleet', 'single', 'floor', 'par', 'seq') { $times[$k] = [Collections.Generic.List[double]]::new() }
    for ($run = 1; $run -le $Runs; $run++) {
        Write-Host "  run $run/$Runs"
        # Alternate which of the pair goes first, so that a warm cache or background load does not favour one.
        $pairs = @(
            { $times.connect.Add((Measure-Command { $null = Connect-XenHost -ComputerName $addresses -KeyFile $set[0].ClientKeyFile -KnownHostsFile $known -Force }).TotalSeconds) },
            { $times.sshTrue.Add((Measure-Command { $addresses | ForEach-Object -Parallel { $null = & ssh @using:sshBase "root@$_" true; if ($LASTEXITCODE) { throw "ssh $_ failed" } } -ThrottleLimit 32 }).TotalSeconds) })
        if ($run % 2 -eq 0) { [array]::Reverse($pairs) }
        foreach ($p in $pairs) { & $p }

        $t = Measure-Command { $d = @(Get-XenDomain) }
        if ($d.Count -ne $total) { throw "Get-XenDomain returned $($d.Count) domains, not $total" }
        $times.fleet.Add($t.TotalSeconds)
        $t = Measure-Command { $one = @(Get-XenDomain -XenHost $addresses[$run % $Hosts]) }
        if ($one.Count -ne $PerHost) { throw "Get-XenDomain -XenHost returned $($one.Count) domains, not $PerHost" }
        $times.single.Add($t.TotalSeconds)
        # The floor: the same number of xl list -v calls, on one host's state, as many at once as there are cores, no SSH.
        $h = $set[$run % $Hosts]
        $t = Measure-Command { $null = Invoke-TestHostShell -TestHost $h -TimeoutSec 600 -Command "seq $Hosts | xargs -P $cores -I N sh -c 'xl list -v >/dev/null'" }
        $times.floor.Add($t.TotalSeconds)
        $times.par.Add((Measure-Command { $addresses | ForEach-Object -Parallel { $null = & ssh @using:sshBase "root@$_" xl list -v; if ($LASTEXITCODE) { throw "ssh $_ failed" } } -ThrottleLimit 32 }).TotalSeconds)
        if ($run -eq 1) {
            # The sequential loop costs about Hosts round trips: one run of it is enough.
            $times.seq.Add((Measure-Command { foreach ($a in $addresses) { $null = & ssh @sshBase "root@$a" xl list -v; if ($LASTEXITCODE) { throw "ssh $a failed" } } }).TotalSeconds)
        }
    }
    $m = @{}; foreach ($k in $times.Keys) { $m[$k] = Get-Median $times[$k] }
    $floor = $m.floor + $m.single
    $rows = @(
        [pscustomobject]@{ Method = "SmartDomains Connect-XenHost, $Hosts hosts (keys checked, facts read)"; Domains = ''; Seconds = Format-Range $times.connect 3; 'vs baseline' = Get-Ratio $m.connect $m.sshTrue; 'domains/s' = '' }
        [pscustomobject]@{ Method = "OpenSSH ssh -o BatchMode=yes HOST true, $Hosts hosts, 32 at a time (baseline)"; Domains = ''; Seconds = Format-Range $times.sshTrue 3; 'vs baseline' = 1; 'domains/s' = '' }
        [pscustomobject]@{ Method = "SmartDomains Get-XenDomain, $Hosts hosts"; Domains = $total; Seconds = Format-Range $times.fleet 3; 'vs baseline' = Get-Ratio $m.fleet $floor; 'domains/s' = [math]::Round($total / $m.fleet) }
        [pscustomobject]@{ Method = "floor: $Hosts x xl list -v on $cores cores, no SSH, + one round trip (baseline)"; Domains = $total; Seconds = [math]::Round($floor, 3); 'vs baseline' = 1; 'domains/s' = [math]::Round($total / $floor) }
        [pscustomobject]@{ Method = "ssh HOST xl list -v, $Hosts hosts, 32 at a time"; Domains = $total; Seconds = Format-Range $times.par 3; 'vs baseline' = Get-Ratio $m.par $floor; 'domains/s' = [math]::Round($total / $m.par) }
        [pscustomobject]@{ Method = "ssh HOST xl list -v, $Hosts hosts one after another"; Domains = $total; Seconds = Format-Range $times.seq 3; 'vs baseline' = Get-Ratio $m.seq $floor; 'domains/s' = [math]::Round($total / $m.seq) }
        [pscustomobject]@{ Method = 'SmartDomains Get-XenDomain -XenHost (one round trip)'; Domains = $PerHost; Seconds = Format-Range $times.single 3; 'vs baseline' = ''; 'domains/s' = [math]::Round($PerHost / $m.single) }
    )
    $notes = @(
        "Connect-XenHost / OpenSSH handshakes = $(Get-Ratio $m.connect $m.sshTrue) (limit 1.5); Get-XenDomain over $Hosts hosts / (floor + one round trip) = $(Get-Ratio $m.fleet $floor) (limit 2). $Runs runs, the connect pair in alternating order; Seconds = median (min–max).",
        "Connect-XenHost opens each SSH connection without holding a thread (SSH.NET's ConnectAsync), all hosts at once, then reads xl info and xl list on each; -Force makes every run connect afresh. OpenSSH's row runs 32 ssh processes at a time, each a full handshake and one exec.",
        "The floor runs the $Hosts xl list -v calls on one test host's state ($PerHost domains), $cores at a time, inside its namespace: what the emulator alone costs on these cores, whatever the client. The round trip is Get-XenDomain -XenHost on one host.",
        "Starting $Hosts test hosts (namespaces + sshd): $([math]::Round($startTime.TotalSeconds, 1)) s. Filling them: $([math]::Round($fill.TotalSeconds, 1)) s ($PerHost domains made with xl create on the first host, its emulator state copied to the others)."
    )
    New-BenchTable -Rows $rows -Notes $notes
}
finally {
    Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost -ErrorAction Ignore
    if ($set) { Stop-TestHostSet -Hosts $set }
    Remove-Item -Recurse -Force $work -ErrorAction Ignore
}
