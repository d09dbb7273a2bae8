#Requires -Version 7.4
# The emulator's own cost: CPU (user+sys, getrusage of the reaped child) of one `xl list` and one emulated `lvs` on a local
# state directory holding D domains, for the shipped emulator (NativeAOT when build.ps1 had clang) against the JIT build
# as baseline (published here, run as the test hosts' shim runs it: dotnet xl.dll), in blocks of 10 calls in turn.
# No SSH and no root: it measures the program, not a round trip.
param([Parameter(Mandatory)] [string] $ModuleDir, [int] $Domains = 50, [int] $Calls = 50)
$ErrorActionPreference = 'Stop'
Import-Module "$PSScriptRoot/../tests/Harness/TestHosts.psm1" -Force
Import-Module "$PSScriptRoot/BenchCommon.psm1" -Force
$work = Join-Path ([IO.Path]::GetTempPath()) "sd-bench-emulator-$PID"
New-Item -ItemType Directory -Force $work | Out-Null
try {
    $shipped = Join-Path $ModuleDir 'emulator'
    $native = Test-NativeEmulator $shipped
    $jit = Join-Path $work 'jit'
    & dotnet publish "$PSScriptRoot/../src/SmartDomains.Emulator" -c Release -o $jit --nologo -v q | Out-Null
    if ($LASTEXITCODE) { throw "publishing the JIT emulator failed ($LASTEXITCODE)" }
    $dotnet = (Get-Command dotnet -CommandType Application | Select-Object -First 1).Source

    $state = Join-Path $work 'state'
    New-Item -ItemType Directory -Force $state | Out-Null
    $cfg = Join-Path $work 'bench.cfg'
    "name=`"x`"`ntype=`"pv`"`nmemory=64`nvcpus=1`nkernel=`"/boot/vmlinuz`"`n" | Set-Content $cfg
    $env:XL_EMULATOR_DIR = $state
    foreach ($i in 1..$Domains) {
        & (Join-Path $shipped 'xl') create -q $cfg "name=`"bench-$i`""
        if ($LASTEXITCODE) { throw "xl create failed ($LASTEXITCODE)" }
    }
    & (Join-Path $shipped 'xl') list | Out-Null   # settings.json and the disk cache, once for both

    $methods = [ordered]@{}
    if ($native) { $methods['NativeAOT (shipped)'] = @(Join-Path $shipped 'xl') }
    else { Write-Warning "The shipped emulator is the JIT build (no clang when it was built): no NativeAOT figure." }
    $methods['JIT (dotnet xl.dll, baseline)'] = @($dotnet, (Join-Path $jit 'xl.dll'))
    $commands = [ordered]@{ 'xl list' = @('list'); 'lvs' = @('--lvm-tool', 'lvs') }

    $cpu = @{}; $wall = @{}
    foreach ($m in $methods.Keys) { foreach ($c in $commands.Keys) { $cpu["$m|$c"] = [Collections.Generic.List[double]]::new(); $wall["$m|$c"] = [Collections.Generic.List[double]]::new() } }
    # Blocks of 10 calls, the builds' order alternating: one JIT call (0.2 s of CPU) right before each native one would
    # leave it cold caches, yet the load of the machine should drift over both alike.
    $block = 10
    for ($b = 0; $b -lt [math]::Ceiling($Calls / $block); $b++) {
        $order = if ($b % 2) { @($methods.Keys)[-1..0] } else { @($methods.Keys) }
        foreach ($m in $order) {
            foreach ($c in $commands.Keys) {
                for ($i = $b * $block; $i -lt [math]::Min($Calls, ($b + 1) * $block); $i++) {
                    $r = Measure-ChildCpu -Program $methods[$m][0] -Arguments (@($methods[$m] | Select-Object -Skip 1) + $commands[$c])
                    $cpu["$m|$c"].Add($r.CpuMs); $wall["$m|$c"].Add($r.WallMs)
                }
            }
        }
    }

    $jitKey = 'JIT (dotnet xl.dll, baseline)'
    $rows = foreach ($c in $commands.Keys) {
        foreach ($m in $methods.Keys) {
            [pscustomobject]@{
                Command = $c; Emulator = $m
                'CPU ms/call' = Format-Range $cpu["$m|$c"] 1
                'wall ms/call' = Format-Range $wall["$m|$c"] 1
                'CPU / JIT' = Get-Ratio (Get-Median $cpu["$m|$c"]) (Get-Median $cpu["$jitKey|$c"])
            }
        }
    }
    New-BenchTable -Title "One emulated call on a host with $Domains domains" -Rows $rows -Notes @(
        "$Calls calls of each, in blocks of 10 taking turns; CPU = user+sys of the child (getrusage RUSAGE_CHILDREN around each call), median (min–max).",
        "The limit for an emulated xl call is 10 ms of CPU (issue 11: a real xl is a small C program).",
        "lvs runs as the test hosts' shim runs it (xl --lvm-tool lvs), without the wrapper script."
    )
}
finally {
    Remove-Item Env:XL_EMULATOR_DIR -ErrorAction Ignore
    Remove-Item -Recurse -Force $work -ErrorAction Ignore
}
