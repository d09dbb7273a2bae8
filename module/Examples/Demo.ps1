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

    Show 'Plan a pool from a description with templates: New-XenPool only reads from the hosts'
    $poolFile = Join-Path $root 'glite-lab.json'
    @'
{
  "name": "glite-lab",
  // Shipped templates: OS families (debian, fedora, slc) and sizes (small-service, batch-worker).
  "templates": { "worker": { "extends": "debian", "memory": "2G", "vcpus": 2 } },
  "domains": [
    { "name": "db", "extends": "worker", "network": [ { "bridge": "${bridge}", "ip": "127.0.10.5" } ] },
    { "name": "web", "extends": ["debian", "small-service"], "count": 2, "dependsOn": "db", "placement": { "antiAffinity": "web" } },
    { "name": "ce", "extends": "slc", "dependsOn": "web" },
    { "name": "geant4", "extends": ["fedora", "batch-worker"], "count": 2, "memory": "6G" }
  ]
}
'@ | Set-Content $poolFile
    $pool = New-XenPool -Path $poolFile -Parameter @{ bridge = 'xenbr1' }
    $pool | Format-Table | Out-Host
    $pool.Domains | Format-Table | Out-Host
    Write-Host 'Start order:' (($pool.Stages | ForEach-Object { $_ -join ' + ' }) -join '  ->  ')

    Show 'The exact xl.cfg that db will get'
    ($pool | Get-XenDomainConfig -Name db).Text | Out-Host

    Show 'A mistake in a pool file: every error at once, with file, line and column'
    '{ "name": "oops", "domains": [ { "name": "x", "extends": "debain", "memroy": "1G" } ] }' | Set-Content (Join-Path $root 'oops.json')
    New-XenPool -Path (Join-Path $root 'oops.json') -ErrorAction SilentlyContinue -ErrorVariable bad | Out-Null
    Write-Host $bad[0].Exception.Message

    Show 'Create two domains per host with xl directly (Start-XenPool arrives with the lifecycle work)'
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
