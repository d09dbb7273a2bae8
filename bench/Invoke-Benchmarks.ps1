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
    $md = @("# $bench benchmark ($(Get-Date -Format 'yyyy-MM-dd HH:mm') UTC, $([Environment]::ProcessorCount) cores)", '',
        '| ' + (($table[0].PSObject.Properties.Name) -join ' | ') + ' |',
        '|' + ((($table[0].PSObject.Properties.Name) | ForEach-Object { '---' }) -join '|') + '|')
    $md += $table | ForEach-Object { '| ' + (($_.PSObject.Properties.Value) -join ' | ') + ' |' }
    $md | Set-Content (Join-Path $out "$bench.md")
}
