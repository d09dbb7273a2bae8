#Requires -Version 7.4
# Fleet query: Get-XenDomain over H SSH test hosts holding D domains each, against one round trip to one host. Baselines on the
# same hosts: `ssh host xl list -v` to every host one after another, and all at once (ForEach-Object -Parallel, one per host),
# and the emulator's own cost of one `xl list -v` run on the host without SSH (the floor of any method).
param([Parameter(Mandatory)] [string] $ModuleDir, [int] $Hosts = 32, [int] $PerHost = 50, [int] $Runs = 5)
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
    $connect = Measure-Command { $null = Connect-XenHost -ComputerName $addresses -KeyFile $set[0].ClientKeyFile -KnownHostsFile $known }
    $total = $Hosts * $PerHost

    $fleet = [Collections.Generic.List[double]]::new(); $single = [Collections.Generic.List[double]]::new()
    $seq = [Collections.Generic.List[double]]::new(); $par = [Collections.Generic.List[double]]::new(); $local = [Collections.Generic.List[double]]::new()
    $cpu = [Collections.Generic.List[double]]::new()
    $sshBase = @('-i', $set[0].ClientKeyFile, '-o', "UserKnownHostsFile=$known", '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes')
    for ($run = 1; $run -le $Runs; $run++) {
        Write-Host "  run $run/$Runs"
        $t = Measure-Command { $d = @(Get-XenDomain) }
        if ($d.Count -ne $total) { throw "Get-XenDomain returned $($d.Count) domains, not $total" }
        $fleet.Add($t.TotalSeconds)
        $t = Measure-Command { $one = @(Get-XenDomain -XenHost $addresses[$run % $Hosts]) }
        if ($one.Count -ne $PerHost) { throw "Get-XenDomain -XenHost returned $($one.Count) domains, not $PerHost" }
        $single.Add($t.TotalSeconds)
        $t = Measure-Command { $addresses | ForEach-Object -Parallel { $null = & ssh @using:sshBase "root@$_" xl list -v; if ($LASTEXITCODE) { throw "ssh $_ failed" } } -ThrottleLimit $Hosts }
        $par.Add($t.TotalSeconds)
        $h = $set[$run % $Hosts]
        $t = Measure-Command { $null = Invoke-TestHostShell -TestHost $h -Command 'xl list -v' }
        $local.Add($t.TotalSeconds)
        $cpu.Add([double](Invoke-TestHostShell -TestHost $h -Command "bash -c 'TIMEFORMAT=%U+%S; { time xl list -v >/dev/null; } 2>&1' | bc"))
        if ($run -le 2) {
            # The sequential loop costs ~Hosts round trips: two runs of it are enough.
            $t = Measure-Command { foreach ($a in $addresses) { $null = & ssh @sshBase "root@$a" xl list -v; if ($LASTEXITCODE) { throw "ssh $a failed" } } }
            $seq.Add($t.TotalSeconds)
        }
    }
    $f = Get-Median $fleet; $s = Get-Median $single
    $rows = @(
        [pscustomobject]@{ Method = "SmartDomains Get-XenDomain, $Hosts hosts"; Domains = $total; Seconds = Format-Range $fleet 3; 'vs one host' = Get-Ratio $f $s 1; 'domains/s' = [math]::Round($total / $f) }
        [pscustomobject]@{ Method = 'SmartDomains Get-XenDomain -XenHost (one round trip)'; Domains = $PerHost; Seconds = Format-Range $single 3; 'vs one host' = 1; 'domains/s' = [math]::Round($PerHost / $s) }
        [pscustomobject]@{ Method = "ssh host xl list -v, $Hosts hosts in parallel"; Domains = $total; Seconds = Format-Range $par 3; 'vs one host' = Get-Ratio (Get-Median $par) $s 1; 'domains/s' = [math]::Round($total / (Get-Median $par)) }
        [pscustomobject]@{ Method = "ssh host xl list -v, $Hosts hosts one after another"; Domains = $total; Seconds = Format-Range $seq 3; 'vs one host' = Get-Ratio (Get-Median $seq) $s 1; 'domains/s' = [math]::Round($total / (Get-Median $seq)) }
        [pscustomobject]@{ Method = 'xl list -v on one host, no SSH (emulator floor)'; Domains = $PerHost; Seconds = Format-Range $local 3; 'vs one host' = Get-Ratio (Get-Median $local) $s 1; 'domains/s' = [math]::Round($PerHost / (Get-Median $local)) }
    )
    # Diagnostic: the same connect and query with the .NET thread pool's minimum raised to 64 threads in this process.
    # Connect-XenHost runs each blocking SSH connect in Task.Run; on 2 cores the pool starts with 2 threads and adds about
    # one or two a second while they block, so many hosts connect in slow waves. This tells how much of the time that is.
    Get-XenHost -NoRefresh | Disconnect-XenHost
    $minWorker = 0; $minIo = 0
    $null = [Threading.ThreadPool]::GetMinThreads([ref]$minWorker, [ref]$minIo)
    $wide = [Collections.Generic.List[double]]::new()
    try {
        $null = [Threading.ThreadPool]::SetMinThreads(64, 64)
        $connectWide = Measure-Command { $null = Connect-XenHost -ComputerName $addresses -KeyFile $set[0].ClientKeyFile -KnownHostsFile $known }
        for ($run = 1; $run -le 3; $run++) { $wide.Add((Measure-Command { $null = Get-XenDomain }).TotalSeconds) }
    }
    finally { $null = [Threading.ThreadPool]::SetMinThreads($minWorker, $minIo) }
    $cpuMed = Get-Median $cpu
    $notes = @(
        "Get-XenDomain over $Hosts hosts / SmartDomains one host = $(Get-Ratio $f $s 1); / ssh in parallel = $(Get-Ratio $f (Get-Median $par))  ($Runs runs, Seconds = median (min–max); the sequential ssh loop ran twice).",
        "One emulated ``xl list -v`` costs $([math]::Round($cpuMed, 2)) s of CPU (user+sys, the shipped emulator: NativeAOT when built with clang, else dotnet): $Hosts of them need at least $([math]::Round($cpuMed * $Hosts / [Environment]::ProcessorCount, 2)) s on $([Environment]::ProcessorCount) cores, whatever the client. A real xl list is far cheaper.",
        "Starting $Hosts test hosts (namespaces + sshd): $([math]::Round($startTime.TotalSeconds, 2)) s. Filling them: $([math]::Round($fill.TotalSeconds, 1)) s ($PerHost domains made with xl create on the first host, its emulator state copied to the others).",
        "Connect-XenHost to the $Hosts hosts (one call, host keys checked): $([math]::Round($connect.TotalSeconds, 2)) s, not in the figures above: Get-XenDomain reuses the session's connections.",
        "Diagnostic, thread pool minimum raised to 64 (default here: $minWorker worker threads): Connect-XenHost to $Hosts hosts $([math]::Round($connectWide.TotalSeconds, 2)) s (vs $([math]::Round($connect.TotalSeconds, 2)) s); Get-XenDomain over $Hosts hosts $(Format-Range $wide 3) s (vs $([math]::Round($f, 3)) s)."
    )
    New-BenchTable -Rows $rows -Notes $notes
}
finally {
    Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost -ErrorAction Ignore
    if ($set) { Stop-TestHostSet -Hosts $set }
    Remove-Item -Recurse -Force $work -ErrorAction Ignore
}
