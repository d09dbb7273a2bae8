#Requires -Version 7.4
# Runs every Pester test file against the built module and writes the totals as JSON for build.ps1.
param(
    [Parameter(Mandatory)] [string] $ModuleDir,
    [Parameter(Mandatory)] [string] $ResultFile,
    [string] $Filter
)
$ErrorActionPreference = 'Stop'
$nuget = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
Import-Module (Join-Path $nuget 'pester/6.2.0/tools/Pester.psd1') -Force
$env:SMARTDOMAINS_MODULE = Join-Path $ModuleDir 'SmartDomains.psd1'
# The emulator the module ships, for the harness's own check of xl on a test host.
$env:SMARTDOMAINS_EMULATOR_DIR = Join-Path $ModuleDir 'emulator'

$paths = Get-ChildItem "$PSScriptRoot/Pester" -Filter *.Tests.ps1 | Where-Object { -not $Filter -or $_.Name -like "*$Filter*" }
$config = New-PesterConfiguration
$config.Run.Path = @($paths.FullName)
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$result = Invoke-Pester -Configuration $config
# Named again at the end of the run, so a log's tail says what failed and why.
$failures = @(
    foreach ($test in $result.Failed) { "$($test.ExpandedPath): $($test.ErrorRecord | Select-Object -First 1)" }
    foreach ($block in $result.FailedBlocks) { "$($block.Path -join '.') (block): $($block.ErrorRecord | Select-Object -First 1)" }
    foreach ($container in $result.FailedContainers) { "$($container.Item) (file): $($container.ErrorRecord | Select-Object -First 1)" }
)
[pscustomobject]@{
    Failures = $failures
    Passed  = $result.PassedCount
    Failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount + $result.NotRunCount
} | ConvertTo-Json | Set-Content $ResultFile
