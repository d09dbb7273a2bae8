#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests and demonstrates SmartDomains.
.DESCRIPTION
    Build: publishes the module folder out/SmartDomains/<version>/ (psd1, dlls, format views, MAML help, the xl emulator, and
           dependencies/: SSH.NET and what it pulls in, for the module's own assembly load context).
    Test:  installs what the tests use and the machine lacks (as root, from apt: tests/Tools/Install-TestPrerequisites.sh),
           builds, then runs the xunit suite and the Pester suite, and prints "N passed, N failed, N skipped" last. What it
           cannot install is one "Skipping ..." line, and the tests that need it skip.
    Demo:  builds, then runs the demo on emulated hosts.
    Bench: builds, then runs the benchmarks under bench/ (-Name Save runs one).
    Package: builds, then packs the module folder into out/packages/SmartDomains.<version>.nupkg (tools/New-ModulePackage.ps1).
           out/packages is a local PSResource repository: Register-PSResourceRepository -Name SmartDomainsLocal -Uri <it> -Trusted,
           then Install-PSResource SmartDomains -Repository SmartDomainsLocal.
.EXAMPLE
    dotnet tool restore && dotnet pwsh -NoProfile ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'Package')]
    [string] $Task = 'Build',
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    # Run only the Pester files whose names match (e.g. Connect); xunit is skipped when set.
    [string] $PesterFilter,
    # Bench: only these benchmarks (e.g. Save); all of them when not given.
    [ValidateSet('Emulator', 'Deploy', 'Fleet', 'Save', 'Clone', 'Import')]
    [string[]] $Name,
    # The xl emulator's build: NativeAOT when clang is there (Auto), or forced either way.
    [ValidateSet('Auto', 'Aot', 'Jit')]
    [string] $Emulator = 'Auto'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$version = (Import-PowerShellDataFile "$root/module/SmartDomains.psd1").ModuleVersion
$moduleDir = Join-Path $root "out/SmartDomains/$version"

function Invoke-Native([string] $File, [string[]] $Arguments) {
    & $File @Arguments
    if ($LASTEXITCODE -ne 0) { throw "'$File $($Arguments -join ' ')' failed with exit code $LASTEXITCODE" }
}

function Invoke-Build {
    if (Test-Path $moduleDir) { Remove-Item -Recurse -Force $moduleDir }
    Invoke-Native dotnet @('publish', "$root/src/SmartDomains.Commands", '-c', $Configuration, '-o', $moduleDir, '--nologo', '-v', 'q')
    # The SSH transport and its packages go where only the module's own load context looks (ARCHITECTURE.md). What the
    # module root already holds (the core, Newtonsoft.Json) is left out, so those load once, in the default context.
    $dependencies = Join-Path $moduleDir 'dependencies'
    Invoke-Native dotnet @('publish', "$root/src/SmartDomains.Ssh", '-c', $Configuration, '-o', $dependencies, '--nologo', '-v', 'q')
    Get-ChildItem $dependencies -File | Where-Object { Test-Path (Join-Path $moduleDir $_.Name) } | Remove-Item
    Publish-Emulator "$moduleDir/emulator"
    Copy-Item "$root/module/*" $moduleDir -Recurse -Force
    & "$root/tools/ConvertTo-MamlHelp.ps1" -HelpSource "$root/en-US" -ModuleDir $moduleDir
    Write-Host "Built $moduleDir"
}

# The emulator's xl as a NativeAOT executable (a few ms of CPU a call) when clang and zlib's headers are there, else the
# JIT build (xl.dll and a wrapper, ~0.1 s a call) that needs only the .NET SDK.
function Publish-Emulator([string] $Destination) {
    $aot = switch ($Emulator) {
        'Aot' { $true }
        'Jit' { $false }
        default { -not $IsWindows -and (Get-Command clang -ErrorAction Ignore) -and (Test-Path /usr/include/zlib.h) -and
            [Runtime.InteropServices.RuntimeInformation]::OSArchitecture -eq 'X64' }
    }
    $aotArgs = if ($aot) { @('-r', 'linux-x64', '-p:EmulatorAot=true') } else { @() }
    Invoke-Native dotnet (@('publish', "$root/src/SmartDomains.Emulator", '-c', $Configuration, '-o', $Destination, '--nologo', '-v', 'q') + $aotArgs)
    if ($aot) { Remove-Item "$Destination/*.pdb" }
    if (-not $IsWindows) { Invoke-Native chmod (@('+x') + ('xl', 'lvcreate', 'lvs', 'lvremove', 'vgs' | ForEach-Object { "$Destination/$_" })) }
    Write-Host "Emulator: $(if ($aot) { 'NativeAOT' } elseif ($Emulator -eq 'Jit') { 'JIT (-Emulator Jit)' } else { 'JIT (no clang and zlib1g-dev: the fallback)' })"
}

function Invoke-Package {
    $packages = Join-Path $root 'out/packages'
    Remove-Item -Recurse -Force $packages -ErrorAction Ignore
    $nupkg = & "$root/tools/New-ModulePackage.ps1" -ModuleDir $moduleDir -DestinationPath $packages
    Write-Host "Packed $($nupkg.FullName) ($([math]::Round($nupkg.Length / 1MB, 1)) MiB)"
}

# Installs missing test tools when it can; returns the Debian packages still missing (each said once, as a skip).
function Install-TestPrerequisites {
    if ($IsWindows) { return @() }
    foreach ($line in @(& sh "$root/tests/Tools/Install-TestPrerequisites.sh")) {
        Write-Host "Skipping the tests that need it: $line"
        if ($line -match '^missing: (\S+)') { $Matches[1] }
    }
}

function Invoke-XunitSuite([string[]] $Missing) {
    $results = Join-Path $root 'out/test-results'
    Remove-Item -Recurse -Force $results -ErrorAction Ignore
    # Tests that need a tool carry the trait Needs=TOOL: libxlutil (Xen's referee of xl.cfg), shellcheck (the host scripts' lint),
    # systemd-analyze (verify on the schedule units).
    $needs = @{ 'libxenmisc4.17' = 'libxlutil'; 'shellcheck' = 'shellcheck'; 'systemd' = 'systemd-analyze' }
    $skip = @($Missing | Where-Object { $needs.ContainsKey($_) } | ForEach-Object { "Needs!=$($needs[$_])" })
    $filter = if ($skip) { @('--filter', ($skip -join '&')) } else { @() }
    # The emulator's process tests run the published xl (the NativeAOT one when it was built so).
    $env:SMARTDOMAINS_EMULATOR_DIR = Join-Path $moduleDir 'emulator'
    & dotnet test "$root/tests/SmartDomains.Tests" -c $Configuration --nologo -v q --logger "trx;LogFileName=xunit.trx" --results-directory $results @filter | Out-Host
    $trx = Get-ChildItem $results -Filter *.trx -Recurse | Select-Object -First 1
    if (-not $trx) { return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 } }
    $counters = ([xml](Get-Content -Raw $trx.FullName)).TestRun.ResultSummary.Counters
    $failures = @(([xml](Get-Content -Raw $trx.FullName)).TestRun.Results.UnitTestResult |
        Where-Object outcome -eq 'Failed' | ForEach-Object { "$($_.testName): $($_.Output.ErrorInfo.Message)" })
    [pscustomobject]@{ Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error; Skipped = [int]$counters.notExecuted; Failures = $failures }
}

function Invoke-PesterSuite {
    $resultFile = Join-Path $root 'out/pester-result.json'
    Remove-Item $resultFile -ErrorAction Ignore
    Invoke-Native dotnet @('restore', "$root/tests/Tools.proj", '--nologo', '-v', 'q')
    & dotnet pwsh -NoProfile -File "$root/tests/Invoke-PesterSuite.ps1" -ModuleDir $moduleDir -ResultFile $resultFile -Filter $PesterFilter | Out-Host
    if (-not (Test-Path $resultFile)) { return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 } }
    Get-Content -Raw $resultFile | ConvertFrom-Json
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Package' {
        Invoke-Build
        Invoke-Package
    }
    'Demo' {
        Invoke-Build
        & dotnet pwsh -NoProfile -File "$root/module/Examples/Demo.ps1" -ModulePath "$moduleDir/SmartDomains.psd1"
        exit $LASTEXITCODE
    }
    'Bench' {
        $null = Install-TestPrerequisites   # the SSH test hosts, and clang for the NativeAOT emulator
        Invoke-Build
        if ($Name) {
            # -Command, since -File cannot pass an array; the names are from the ValidateSet above.
            & dotnet pwsh -NoProfile -Command "& '$root/bench/Invoke-Benchmarks.ps1' -ModuleDir '$moduleDir' -Name $($Name -join ','); exit `$LASTEXITCODE"
        }
        else { & dotnet pwsh -NoProfile -File "$root/bench/Invoke-Benchmarks.ps1" -ModuleDir $moduleDir }
        exit $LASTEXITCODE
    }
    'Test' {
        $missing = @(Install-TestPrerequisites)
        Invoke-Build
        $suites = @()
        if (-not $PesterFilter) { $suites += Invoke-XunitSuite $missing }
        $suites += Invoke-PesterSuite
        $passed = ($suites | Measure-Object Passed -Sum).Sum
        $failed = ($suites | Measure-Object Failed -Sum).Sum
        $skipped = ($suites | Measure-Object Skipped -Sum).Sum
        foreach ($failure in @($suites | ForEach-Object { $_.PSObject.Properties['Failures']?.Value } | Where-Object { $_ })) {
            $text = "$failure" -replace '\s+', ' '
            Write-Host "FAILED $($text.Substring(0, [math]::Min(700, $text.Length)))"
        }
        Write-Host "$passed passed, $failed failed, $skipped skipped"
        exit ([int]($failed -gt 0))
    }
}
