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
    { "name": "db", "extends": "worker", "network": [ { "bridge": "${bridge}", "ip": "127.0.10.5" } ], "liveness": { "port": 2222 } },
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

    Show 'Start the pool: storage, configs and xl create in dependency order, each domain checked alive'
    # Base images come from an image repository: here, tiny stand-ins for debian-12, slc-6 and fedora-40.
    $images = Join-Path $root 'images'
    New-Item -ItemType Directory -Force $images | Out-Null
    foreach ($name in 'debian-12', 'slc-6', 'fedora-40') {
        $bytes = [byte[]]::new(1MB); [Random]::new($name.Length).NextBytes($bytes)
        [IO.File]::WriteAllBytes((Join-Path $images "$name.img"), $bytes)
    }
    $pool | Start-XenPool -ImageRepository $images | Format-Table | Out-Host

    Show 'Run it again: nothing changes, and it says so'
    $pool | Start-XenPool -ImageRepository $images -InformationAction Continue | Format-Table Domain, Host, Status | Out-Host

    Show 'Any controller can pick the pool up from the hosts'' journals'
    Get-XenPool | Format-Table | Out-Host
    Test-XenDomainLiveness -Name db -Port 2222 -Detailed | Format-Table | Out-Host

    Show 'Get-XenHost: live facts from xl info, all hosts in parallel'
    Get-XenHost | Format-Table | Out-Host

    Show "Get-XenDomain -Name 'web*'"
    Get-XenDomain -Name 'web*' | Format-Table | Out-Host

    Show 'The raw escape hatch: xl uptime on one host'
    (Invoke-XenCommand -Host dom0-a uptime).StdOut | Out-Host

    Show 'A typed error: xl refuses an unknown domain'
    Invoke-XenCommand -Host dom0-b destroy no-such-domain -ErrorAction SilentlyContinue -ErrorVariable failure | Out-Null
    Write-Host ("{0}: {1}" -f $failure[0].FullyQualifiedErrorId, $failure[0].Exception.Message)

    Show 'Stop the pool: dependents first'
    Get-XenPool glite-lab | Stop-XenPool -Force | Format-Table | Out-Host
    Get-XenHost | Format-Table Name, FreeMemoryMiB, DomainCount | Out-Host
    Write-Host 'Demo finished.' -ForegroundColor Green
}
finally {
    Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost
    Remove-Item -Recurse -Force $root -ErrorAction Ignore
}
