#Requires -Version 7.4
# Scale: H SSH test hosts x D domains through the whole life of a pool: Start-XenPool, Get-XenDomain,
# Test-XenDomainLiveness, Clear-XenHost. For each phase: its time, SSH connections and round trips per domain (from sshd's own
# log), and the controller's peak memory; for the start, when each host was busy and the start's limit (the busiest host's
# creates back to back, as xl's per-host lock makes them, + one guest boot + one round trip).
param(
    [Parameter(Mandatory)] [string] $ModuleDir,
    [int] $Hosts = 128, [int] $PerHost = 16,
    [int] $CreateLatencyMs = 250, [int] $BootDelayMs = 500,
    [int] $ThrottleLimit = 1024,
    # Domains per host with a guest address and a TCP probe. Each stand-in guest is a process of ~11 MiB: 2,048 of them
    # filled this 24 GiB machine. The others are alive by their xl state.
    [int] $ProbedPerHost = 2
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $ModuleDir 'SmartDomains.psd1') -Force
Import-Module "$PSScriptRoot/../tests/Harness/TestHosts.psm1" -Force
Import-Module "$PSScriptRoot/BenchCommon.psm1" -Force
$work = Join-Path ([IO.Path]::GetTempPath()) "sd-bench-scale-$PID"
New-Item -ItemType Directory -Force $work | Out-Null
$set = @()
$me = [Diagnostics.Process]::GetCurrentProcess()
function Get-PeakMiB { $me.Refresh(); [math]::Round($me.PeakWorkingSet64 / 1MB) }
try {
    $startTime = Measure-Command {
        $set = @(Start-TestHostSet -Count $Hosts -EmulatorDir (Join-Path $ModuleDir 'emulator') -Prefix bsc -Settings @{
                guest_boot_delay_ms = $BootDelayMs; latency_ms = @{ create = $CreateLatencyMs } })
    }
    Enable-SshdCounting $set
    $known = New-TestKnownHostsFile -Hosts $set -Path (Join-Path $work 'known_hosts')
    $n = $Hosts * $PerHost
    $memBefore = Get-PeakMiB
    $phases = [Collections.Generic.List[object]]::new()
    function Measure-Phase([string] $Name, [scriptblock] $Body, [int] $Expected) {
        $before = Get-SshdCounts $set
        $t = Measure-Command { $script:out = @(& $Body) }
        $delta = Get-SshdDelta $before (Get-SshdCounts $set)
        $phases.Add([pscustomobject]@{
                Phase                = $Name
                Domains              = $Expected
                Seconds              = [math]::Round($t.TotalSeconds, 2)
                'domains/s'          = [math]::Round($Expected / $t.TotalSeconds)
                'SSH connections'    = $delta.Connections
                'round trips/domain' = [math]::Round(($delta.Execs + $delta.Sftp) / $Expected, 2)
                'peak MiB (process)' = Get-PeakMiB
            })
        $script:out
    }

    $addresses = @($set | ForEach-Object Address)
    $null = Measure-Phase "Connect-XenHost, $Hosts hosts" { Connect-XenHost -ComputerName $addresses -KeyFile $set[0].ClientKeyFile -KnownHostsFile $known } $n
    # One round trip: the median of an xl list over a warm connection.
    $rtt = Get-Median @(1..5 | ForEach-Object { (Measure-Command { $null = Invoke-XenCommand -Host $addresses[0] list }).TotalSeconds })

    $defs = for ($i = 0; $i -lt $Hosts; $i++) {
        for ($j = 1; $j -le $PerHost; $j++) {
            $d = @{ name = "sc-$i-$j"; extends = 'debian'; memory = 64; disks = @(@{ size = '16M' })
                placement = @{ host = $set[$i].Address }; liveness = @{ timeout = '120s'; interval = '200ms' } }
            if ($j -le $ProbedPerHost) { $d.network = @(@{ ip = "10.231.$($set[$i].SubnetIndex).$(100 + $j)" }) }
            $d
        }
    }
    $pool = New-XenPool -Definition @{ name = 'scale'; domains = $defs }
    $log = Join-Path $work 'start.jsonl'
    $started = Measure-Phase "Start-XenPool -ThrottleLimit $ThrottleLimit" { $pool | Start-XenPool -ThrottleLimit $ThrottleLimit -LogPath $log } $n
    $bad = @($started | Where-Object Status -NE 'Started')
    if ($bad) { throw "Start-XenPool did not start $($bad.Count) domains: $($bad[0].Domain) $($bad[0].Status) $($bad[0].Reason)" }
    $startSeconds = $phases[-1].Seconds

    $listed = Measure-Phase "Get-XenDomain, $Hosts hosts" { Get-XenDomain } $n
    if (@($listed | Where-Object DomId -NE 0).Count -lt $n) { throw "Get-XenDomain listed $($listed.Count) domains, fewer than $n" }
    $live = Measure-Phase 'Get-XenDomain | Test-XenDomainLiveness' { Get-XenDomain | Where-Object DomId -NE 0 | Test-XenDomainLiveness -Detailed } $n
    # A domain without an address cannot be probed: Test-XenDomainLiveness says so (NoAddress) after reading its xl state.
    $probed = @($live | Where-Object Alive)
    $stateOnly = @($live | Where-Object { -not $_.Alive -and $_.Failure -eq 'NoAddress' -and $_.State -in 'Running', 'Blocked' })
    if ($probed.Count -ne $Hosts * $ProbedPerHost -or $probed.Count + $stateOnly.Count -ne $n) {
        $bad = @($live | Where-Object { -not $_.Alive -and $_.Failure -ne 'NoAddress' })
        throw "liveness: $($probed.Count) alive by TCP, $($stateOnly.Count) running without an address, of $n; first other: $($bad[0].Domain): $($bad[0].Message)"
    }
    $null = Measure-Phase "Clear-XenHost, $Hosts hosts" { Clear-XenHost -XenHost $addresses -Force } $n
    $left = [int](Invoke-TestHostShell -TestHost $set[-1] -Command 'xl list | tail -n +3 | wc -l')
    if ($left -ne 0) { throw "the last host still lists $left domains after Clear-XenHost" }

    # When each host was busy during the start: its first state change to its last, from the start's own log.
    $states = @(Get-Content $log | ConvertFrom-Json | Where-Object event -EQ 'state')
    $t0 = ($states | ForEach-Object { ([DateTimeOffset]$_.time).UtcTicks } | Measure-Object -Minimum).Minimum
    $windows = @($states | Group-Object host | ForEach-Object {
            $ticks = @($_.Group | ForEach-Object { ([DateTimeOffset]$_.time).UtcTicks - $t0 })
            [pscustomobject]@{ From = ($ticks | Measure-Object -Minimum).Minimum / 1e7; To = ($ticks | Measure-Object -Maximum).Maximum / 1e7 } })
    $busy = @($windows | ForEach-Object { $_.To - $_.From })
    $limit = $PerHost * $CreateLatencyMs / 1000.0 + $BootDelayMs / 1000.0 + $rtt
    $notes = @(
        "$Hosts hosts x $PerHost domains = $n domains; each a 16 MiB sparse disk, an xl.cfg and xl create (latency $CreateLatencyMs ms, inside xl's per-host lock). $ProbedPerHost per host ($($Hosts * $ProbedPerHost) in all) have an address and are checked with a TCP probe from dom0 to a stand-in guest that answers $BootDelayMs ms after its create; the others by their xl state (Test-XenDomainLiveness reads it and reports NoAddress). The emulator's guests are a process each (~11 MiB): 2,048 of them exhausted this machine's 24 GiB.",
        "Start-XenPool: $startSeconds s against a limit of $([math]::Round($limit, 2)) s (the busiest host's $PerHost creates back to back + one boot + one round trip of $([math]::Round($rtt * 1000)) ms): ratio $(Get-Ratio $startSeconds $limit). On $([Environment]::ProcessorCount) cores the $n emulated creates, sshd sessions and host scripts compete for CPU, so the figure says more about the cores than about the hosts.",
        "Host busy windows during the start (first state change to last, s from the first): starts $(Format-Range @($windows.From) 1), ends $(Format-Range @($windows.To) 1), busy $(Format-Range $busy 1) (median (min–max) over the $Hosts hosts).",
        "Round trips are sshd's exec and sftp sessions, connections its accepted ones (LogLevel VERBOSE), per domain over the phase. Peak MiB is this PowerShell process's peak working set after the phase (it was $memBefore MiB before the first); the controller holds one SSH connection per host.",
        "Starting the $Hosts test hosts took $([math]::Round($startTime.TotalSeconds, 1)) s (not in any figure)."
    )
    New-BenchTable -Rows $phases -Notes $notes
}
finally {
    Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost -ErrorAction Ignore
    if ($set) { Stop-TestHostSet -Hosts $set }
    Remove-Item -Recurse -Force $work -ErrorAction Ignore
}
