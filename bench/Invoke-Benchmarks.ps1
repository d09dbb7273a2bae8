#Requires -Version 7.4
<#
.SYNOPSIS
    Runs the SmartDomains benchmarks: figures and ratios against baselines run alongside, never pass/fail.
.DESCRIPTION
    Each benchmark starts its own SSH test hosts (needs root), runs SmartDomains and a baseline on the same hosts in the same
    run, prints a table and writes it as markdown under out/bench/NAME.md. A benchmark script returns rows, or one or more
    SmartDomains.BenchTable objects (Title, Rows, Notes) from BenchCommon.psm1.
.EXAMPLE
    dotnet pwsh -NoProfile bench/Invoke-Benchmarks.ps1 -ModuleDir out/SmartDomains/0.1.0 -Name Fleet, Import
.EXAMPLE
    dotnet pwsh -NoProfile bench/Invoke-Benchmarks.ps1 -ModuleDir out/SmartDomains/0.1.0 -Name Deploy -Parameters @{ Runs = 3; SkipAnsible = $true; SkipSequential = $true }
#>
param(
    [Parameter(Mandatory)] [string] $ModuleDir,
    [ValidateSet('Emulator', 'Deploy', 'Fleet', 'Scale', 'Save', 'Clone', 'Import')]
    [string[]] $Name = @('Emulator', 'Deploy', 'Fleet', 'Scale', 'Save', 'Clone', 'Import'),
    # Passed on to every benchmark named (e.g. -Name Deploy -Parameters @{ Runs = 3; SkipSequential = $true }).
    [hashtable] $Parameters = @{}
)
$ErrorActionPreference = 'Stop'
$ModuleDir = (Resolve-Path $ModuleDir).Path
$out = Join-Path $PSScriptRoot '../out/bench'
New-Item -ItemType Directory -Force $out | Out-Null

function ConvertTo-MarkdownTable([object[]] $Rows) {
    $columns = [string[]] $Rows[0].PSObject.Properties.Name
    "| $($columns -join ' | ') |"
    "|$(($columns | ForEach-Object { '---' }) -join '|')|"
    foreach ($row in $Rows) { "| $(($columns | ForEach-Object { "$($row.$_)".Replace('|', '\|') }) -join ' | ') |" }
}

$failed = @()
foreach ($bench in $Name) {
    Write-Host "== $bench benchmark ($(Get-Date -Format 'yyyy-MM-dd HH:mm:ss'))" -ForegroundColor Cyan
    $started = Get-Date
    # The machine is shared: its load average (1, 5, 15 min) before and after goes with the figures.
    $loadBefore = (Get-Content /proc/loadavg -ErrorAction Ignore) -replace '^(\S+ \S+ \S+).*', '$1'
    try {
        $result = @(& (Join-Path $PSScriptRoot "$bench.Bench.ps1") -ModuleDir $ModuleDir @Parameters)
    }
    catch {
        Write-Warning "$bench failed: $_`n$($_.ScriptStackTrace)"
        $failed += $bench
        continue
    }
    $tables = if ($result[0].PSObject.TypeNames -contains 'SmartDomains.BenchTable') { $result } else { @([pscustomobject]@{ Rows = $result; Notes = @() }) }
    $md = [Collections.Generic.List[string]]::new()
    $md.Add("# $bench benchmark ($(Get-Date $started -AsUTC -Format 'yyyy-MM-dd HH:mm') UTC, $([Environment]::ProcessorCount) cores, took $([math]::Round(((Get-Date) - $started).TotalSeconds)) s)")
    $loadAfter = (Get-Content /proc/loadavg -ErrorAction Ignore) -replace '^(\S+ \S+ \S+).*', '$1'
    if ($loadBefore) { $md.Add(''); $md.Add("Load average (1, 5, 15 min): $loadBefore at the start, $loadAfter at the end (the bench's own test hosts included).") }
    if ($Parameters.Count) { $md.Add(''); $md.Add("Parameters: $(($Parameters.GetEnumerator() | Sort-Object Key | ForEach-Object { "-$($_.Key) $($_.Value)" }) -join ' ').") }
    foreach ($t in $tables) {
        $md.Add('')
        if ($t.PSObject.Properties['Title'] -and $t.Title) { $md.Add("## $($t.Title)"); $md.Add(''); Write-Host $t.Title }
        $t.Rows | Format-Table -AutoSize | Out-Host
        foreach ($line in ConvertTo-MarkdownTable $t.Rows) { $md.Add($line) }
        if ($t.Notes) { $md.Add(''); foreach ($n in $t.Notes) { $md.Add("- $n"); Write-Host "  - $n" } }
    }
    $md | Set-Content (Join-Path $out "$bench.md")
}
if ($failed) { Write-Warning "Benchmarks that failed: $($failed -join ', ')"; exit 1 }
