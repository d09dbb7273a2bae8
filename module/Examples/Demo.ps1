#Requires -Version 7.4
<#
.SYNOPSIS
    The SmartDomains demo: three emulated Xen hosts, a few domains, and the cmdlets that read them.
.DESCRIPTION
    Runs entirely on this machine with the shipped xl emulator: no Xen, no root and no SSH needed. Stand-in guests answer on
    loopback addresses only. Everything it makes lives under a temporary directory that is removed at the end.
#>
param(
    # The module to demo; by default the one next to this script.
    [string] $ModulePath = (Join-Path $PSScriptRoot '../SmartDomains.psd1')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force
$root = Join-Path ([IO.Path]::GetTempPath()) "smartdomains-demo-$PID"

function Show([string] $Title) { Write-Host "`n=== $Title ===" -ForegroundColor Cyan }

try {
    Show 'Connect three emulated dom0 hosts'
    $hosts = Connect-XenHost -Emulator -Name dom0-a, dom0-b, dom0-c -EmulatorRoot $root
    $hosts | Format-Table | Out-Host

    Show 'Create two domains per host with xl directly (pool files arrive with New-XenPool)'
    $n = 0
    foreach ($h in $hosts) {
        foreach ($role in 'web', 'worker') {
            $n++
            $kernel = Join-Path $h.ImageDir 'vmlinuz'
            Set-Content -Path $kernel -Value 'stand-in kernel'
            $cfg = Join-Path $h.ConfigDir "$role-$n.cfg"
            @(
                "name = '$role-$n'"
                "type = 'pvh'"
                "kernel = '$kernel'"
                "memory = $(if ($role -eq 'web') { 512 } else { 2048 })"
                "vcpus = $(if ($role -eq 'web') { 1 } else { 4 })"
                "vif = [ 'bridge=xenbr0,ip=127.0.77.$n' ]"
            ) | Set-Content -Path $cfg
            Invoke-XenCommand -Host $h create -q $cfg | Out-Null
        }
    }

    Show 'Get-XenHost: live facts from xl info, all hosts in parallel'
    Get-XenHost | Format-Table | Out-Host

    Show "Get-XenDomain -Name 'worker*'"
    Get-XenDomain -Name 'worker*' | Format-Table | Out-Host

    Show 'Pipe hosts into queries: domains per host'
    Get-XenDomain | Group-Object Host | Select-Object Name, Count | Format-Table | Out-Host

    Show 'The raw escape hatch: xl uptime on one host'
    (Invoke-XenCommand -Host dom0-a uptime).StdOut | Out-Host

    Show 'A typed error: xl refuses an unknown domain'
    Invoke-XenCommand -Host dom0-b destroy no-such-domain -ErrorAction SilentlyContinue -ErrorVariable failure | Out-Null
    Write-Host ("{0}: {1}" -f $failure[0].FullyQualifiedErrorId, $failure[0].Exception.Message)

    Show 'Clean up: destroy every domain the demo made'
    foreach ($d in Get-XenDomain) { Invoke-XenCommand -Host $d.Host destroy $d.Name | Out-Null }
    Get-XenHost | Format-Table Name, FreeMemoryMiB, DomainCount | Out-Host
    Write-Host 'Demo finished.' -ForegroundColor Green
}
finally {
    Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost
    Remove-Item -Recurse -Force $root -ErrorAction Ignore
}
