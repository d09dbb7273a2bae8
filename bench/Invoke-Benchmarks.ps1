#Requires -Version 7.4
<#
.SYNOPSIS
    Runs the SmartDomains benchmarks: figures and ratios against baselines run alongside, never pass/fail.
.DESCRIPTION
    Each benchmark starts its own SSH test hosts (needs root), runs SmartDomains and a baseline on the same hosts in the same
    run, prints a table and writes it as markdown under out/bench/.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleDir,
    [string[]] $Name = @('Deploy')
)
$ErrorActionPreference = 'Stop'
$out = Join-Path $PSScriptRoot '../out/bench'
New-Item -ItemType Directory -Force $out | Out-Null
foreach ($bench in $Name) {
    $table = & (Join-Path $PSScriptRoot "$bench.Bench.ps1") -ModuleDir $ModuleDir
    $table | Format-Table -AutoSize | Out-Host
    $columns = [string[]] $table[0].PSObject.Properties.Name
    $md = [Collections.Generic.List[string]]::new()
    $md.Add("# $bench benchmark ($(Get-Date -Format 'yyyy-MM-dd HH:mm') UTC, $([Environment]::ProcessorCount) cores)")
    $md.Add('')
    $md.Add("| $($columns -join ' | ') |")
    $md.Add("|$(($columns | ForEach-Object { '---' }) -join '|')|")
    foreach ($row in $table) { $md.Add("| $(($columns | ForEach-Object { $row.$_ }) -join ' | ') |") }
    $md | Set-Content (Join-Path $out "$bench.md")
}
