#Requires -Version 7.4
# Import-Module time over a bare pwsh start (fresh child processes, alternated, medians of N), and the controller's memory
# with 1,000 domains held: a child pwsh imports the module, connects to H test hosts holding D domains each, runs
# Get-XenDomain and keeps the objects; managed heap (GC.GetTotalMemory after full collections) and working set are read
# at each step.
param([Parameter(Mandatory)] [string] $ModuleDir, [int] $Runs = 9, [int] $Hosts = 20, [int] $PerHost = 50)
$ErrorActionPreference = 'Stop'
Import-Module "$PSScriptRoot/../tests/Harness/TestHosts.psm1" -Force
Import-Module "$PSScriptRoot/BenchCommon.psm1" -Force
$psd1 = Join-Path $ModuleDir 'SmartDomains.psd1'
$work = Join-Path ([IO.Path]::GetTempPath()) "sd-bench-import-$PID"
New-Item -ItemType Directory -Force $work | Out-Null
$set = @()
try {
    # 1. Start-up: wall time of whole child processes, and the Import-Module call measured inside the child.
    $bare = [Collections.Generic.List[double]]::new(); $withImport = [Collections.Generic.List[double]]::new()
    $inside = [Collections.Generic.List[double]]::new(); $firstCall = [Collections.Generic.List[double]]::new()
    $null = Invoke-ChildPwsh 'exit 0'   # warm the disk cache once, for both alike
    for ($i = 1; $i -le $Runs; $i++) {
        $order = if ($i % 2) { 'bare', 'import' } else { 'import', 'bare' }
        foreach ($o in $order) {
            $w = [Diagnostics.Stopwatch]::StartNew()
            if ($o -eq 'bare') { $null = Invoke-ChildPwsh 'exit 0'; $bare.Add($w.Elapsed.TotalSeconds) }
            else {
                $r = Invoke-ChildPwsh "`$w = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$psd1'; `$a = `$w.Elapsed.TotalSeconds; `$null = Get-XenHost -NoRefresh; `"`$a `$(`$w.Elapsed.TotalSeconds - `$a)`"; exit 0"
                $withImport.Add($w.Elapsed.TotalSeconds)
                $parts = "$r".Trim().Split(' ')
                $inside.Add([double]$parts[0]); $firstCall.Add([double]$parts[1])
            }
        }
    }
    $b = Get-Median $bare; $wi = Get-Median $withImport
    $startRows = @(
        [pscustomobject]@{ Measure = 'pwsh -NoProfile, bare (child process wall time)'; Seconds = Format-Range $bare 3; 'vs bare' = 1 }
        [pscustomobject]@{ Measure = 'pwsh -NoProfile + Import-Module SmartDomains + first cmdlet'; Seconds = Format-Range $withImport 3; 'vs bare' = Get-Ratio $wi $b }
        [pscustomobject]@{ Measure = 'Import-Module alone (measured inside the child)'; Seconds = Format-Range $inside 3; 'vs bare' = Get-Ratio (Get-Median $inside) $b }
        [pscustomobject]@{ Measure = 'first cmdlet after import (Get-XenHost -NoRefresh, no host)'; Seconds = Format-Range $firstCall 3; 'vs bare' = Get-Ratio (Get-Median $firstCall) $b }
    )

    # 2. Memory with Hosts x PerHost domains in the session.
    $startTime = Measure-Command { $set = @(Start-TestHostSet -Count $Hosts -EmulatorDir (Join-Path $ModuleDir 'emulator') -Prefix bim) }
    $known = New-TestKnownHostsFile -Hosts $set -Path (Join-Path $work 'known_hosts')
    Initialize-BenchFleet -Hosts $set -PerHost $PerHost
    $addresses = ($set | ForEach-Object Address) -join ','
    $child = @"
function Snap {
    [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
    `$p = [Diagnostics.Process]::GetCurrentProcess()
    [pscustomobject]@{ Heap = [GC]::GetTotalMemory(`$true); WorkingSet = `$p.WorkingSet64; Private = `$p.PrivateMemorySize64 }
}
`$s0 = Snap
Import-Module '$psd1'
`$s1 = Snap
`$null = Connect-XenHost -ComputerName ('$addresses'.Split(',')) -KeyFile '$($set[0].ClientKeyFile)' -KnownHostsFile '$known'
`$s2 = Snap
`$w = [Diagnostics.Stopwatch]::StartNew()
`$domains = @(Get-XenDomain)
`$q = `$w.Elapsed.TotalSeconds
`$s3 = Snap
`$again = @(Get-XenDomain)
`$s4 = Snap
[pscustomobject]@{ Count = `$domains.Count; Query = `$q; S = @(`$s0, `$s1, `$s2, `$s3, `$s4) } | ConvertTo-Json -Depth 4 -Compress
Get-XenHost -NoRefresh | Disconnect-XenHost
exit 0
"@
    $memRuns = foreach ($i in 1..3) { Invoke-ChildPwsh $child | ConvertFrom-Json }
    $total = $Hosts * $PerHost
    if ($memRuns[0].Count -ne $total) { throw "the child saw $($memRuns[0].Count) domains, not $total" }
    function MedDelta([int] $From, [int] $To, [string] $Field) { Get-Median @($memRuns | ForEach-Object { $_.S[$To].$Field - $_.S[$From].$Field }) }
    $mib = { param($v) [math]::Round($v / 1MB, 1) }
    $memRows = @(
        [pscustomobject]@{ Step = 'Import-Module'; 'Heap MiB' = & $mib (MedDelta 0 1 Heap); 'Working set MiB' = & $mib (MedDelta 0 1 WorkingSet); 'Per item' = '' }
        [pscustomobject]@{ Step = "Connect-XenHost, $Hosts SSH hosts"; 'Heap MiB' = & $mib (MedDelta 1 2 Heap); 'Working set MiB' = & $mib (MedDelta 1 2 WorkingSet); 'Per item' = "$([math]::Round((MedDelta 1 2 Heap) / $Hosts / 1KB)) KiB heap/host" }
        [pscustomobject]@{ Step = "Get-XenDomain, $total domains kept"; 'Heap MiB' = & $mib (MedDelta 2 3 Heap); 'Working set MiB' = & $mib (MedDelta 2 3 WorkingSet); 'Per item' = "$([math]::Round((MedDelta 2 3 Heap) / $total / 1KB, 2)) KiB heap/domain" }
        [pscustomobject]@{ Step = "a second Get-XenDomain, also kept"; 'Heap MiB' = & $mib (MedDelta 3 4 Heap); 'Working set MiB' = & $mib (MedDelta 3 4 WorkingSet); 'Per item' = "$([math]::Round((MedDelta 3 4 Heap) / $total / 1KB, 2)) KiB heap/domain" }
        [pscustomobject]@{ Step = 'whole controller at the end (absolute)'; 'Heap MiB' = & $mib (Get-Median @($memRuns | ForEach-Object { $_.S[4].Heap })); 'Working set MiB' = & $mib (Get-Median @($memRuns | ForEach-Object { $_.S[4].WorkingSet })); 'Per item' = '' }
    )
    New-BenchTable -Title 'Start-up: Import-Module over a bare pwsh' -Rows $startRows -Notes @("$Runs child processes each, alternated; Seconds = median (min–max). The child is the same pwsh ($($PSVersionTable.PSVersion)) as the runner, started as dotnet pwsh.dll.")
    New-BenchTable -Title "Controller memory with $total domains" -Rows $memRows -Notes @(
        "Medians of 3 child processes. Heap = GC.GetTotalMemory after full collections; working set = the process's RSS. Get-XenDomain of $total domains took $([math]::Round((Get-Median @($memRuns.Query)), 2)) s (median).",
        "Starting $Hosts test hosts: $([math]::Round($startTime.TotalSeconds, 2)) s; each host's emulator state holds $PerHost domains (made with xl create on the first host, copied)."
    )
}
finally {
    if ($set) { Stop-TestHostSet -Hosts $set }
    Remove-Item -Recurse -Force $work -ErrorAction Ignore
}
