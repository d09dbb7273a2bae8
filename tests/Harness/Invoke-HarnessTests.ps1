# Runs tests/Pester/Harness.Tests.ps1 with Pester 6.2.0 from the NuGet cache (dotnet restore tests/Tools.proj).
# Exits non-zero on failure and prints "N passed, N failed, N skipped" last, on a line of its own, for CI.
param([string] $Output = 'Detailed')
$ErrorActionPreference = 'Stop'
$repo = Resolve-Path (Join-Path $PSScriptRoot '../..')
$packages = $env:NUGET_PACKAGES ?? (Join-Path $HOME '.nuget/packages')
Import-Module (Join-Path $packages 'pester/6.2.0/tools/Pester.psd1')
$config = New-PesterConfiguration
$config.Run.Path = Join-Path $repo 'tests/Pester/Harness.Tests.ps1'
$config.Run.PassThru = $true
$config.Output.Verbosity = $Output
$result = Invoke-Pester -Configuration $config
"$($result.PassedCount) passed, $($result.FailedCount) failed, $($result.SkippedCount) skipped"
exit ([int]($result.FailedCount -gt 0 -or $result.Result -ne 'Passed'))
