#Requires -Version 7.4
<#
.SYNOPSIS
    The SmartDomains demo: "five machines" on three emulated Xen hosts, from a pool file to running, saved and cleaned again.
.DESCRIPTION
    Some Scientific Linux machines for gLite tests, a Fedora box, a small web server that stays up, and two big Geant4
    workers for the night, all from the shipped templates. The demo plans them across three emulated hosts, starts them in
    dependency order, checks they are alive, saves the Geant4 images, clears the hosts and proves they are as they were.
    It runs on this machine with the shipped xl emulator: no Xen, no root and no SSH. Stand-in guests answer on loopback
    addresses only. Everything it makes lives under a temporary directory that is removed at the end.
#>
param(
    # The module to demo; by default the one next to this script.
    [string] $ModulePath = (Join-Path $PSScriptRoot '../SmartDomains.psd1')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force
$root = Join-Path ([IO.Path]::GetTempPath()) "smartdomains-demo-$PID"
$hostsRoot = Join-Path $root 'hosts'

function Show([string] $Title) { Write-Host "`n=== $Title ===" -ForegroundColor Cyan }

# Every file of the emulated hosts (but the emulator's own state and log, and xl's monitor logs, which a real xl keeps too),
# with its SHA256: what "clean" is checked against.
function Get-HostFiles {
    if (-not (Test-Path $hostsRoot)) { return @() }
    Get-ChildItem $hostsRoot -Recurse -File | Where-Object FullName -NotMatch '/var/lib/xen/emulator/|/var/log/xen/' |
        ForEach-Object { '{0} {1}' -f (Get-FileHash $_.FullName -Algorithm SHA256).Hash, $_.FullName.Substring($hostsRoot.Length) } | Sort-Object
}

try {
    Show 'Connect three emulated dom0 hosts'
    $hosts = Connect-XenHost -Emulator -Name dom0-a, dom0-b, dom0-c -EmulatorRoot $hostsRoot
    $hosts | Format-Table | Out-Host
    $before = Get-HostFiles

    Show 'The request: five machines, described once with the shipped templates'
    $poolFile = Join-Path $root 'physics-lab.json'
    @'
{
  "name": "physics-lab",
  // Shipped templates: OS families (debian, fedora, slc) and sizes (small-service, batch-worker).
  "domains": [
    { "name": "web", "extends": ["debian", "small-service"],
      "network": [ { "bridge": "${bridge}", "ip": "127.0.10.5" } ], "liveness": { "port": 2222, "timeout": "30s" } },
    { "name": "glite-{n}", "extends": "slc", "count": 2, "dependsOn": "web" },
    { "name": "fedora-dev", "extends": "fedora", "memory": "1G" },
    { "name": "geant4", "extends": ["fedora", "batch-worker"], "count": 2, "memory": "6G" }
  ]
}
'@ | Set-Content $poolFile
    $pool = New-XenPool -Path $poolFile -Parameter @{ bridge = 'xenbr1' }
    $pool | Format-Table | Out-Host
    $pool.Domains | Format-Table | Out-Host
    Write-Host 'Start order:' (($pool.Stages | ForEach-Object { $_ -join ' + ' }) -join '  ->  ')

    Show 'The exact xl.cfg that web will get'
    ($pool | Get-XenDomainConfig -Name web).Text | Out-Host

    Show 'A mistake in a pool file: every error at once, with file, line and column'
    '{ "name": "oops", "domains": [ { "name": "x", "extends": "debain", "memroy": "1G" } ] }' | Set-Content (Join-Path $root 'oops.json')
    New-XenPool -Path (Join-Path $root 'oops.json') -ErrorAction SilentlyContinue -ErrorVariable bad | Out-Null
    Write-Host $bad[0].Exception.Message

    Show 'Start the pool: storage, configs and xl create in dependency order, each domain checked alive'
    # Base images come from an image repository: here, small stand-ins for debian-12, slc-6 and fedora-40.
    $images = Join-Path $root 'base-images'
    New-Item -ItemType Directory -Force $images | Out-Null
    foreach ($name in 'debian-12', 'slc-6', 'fedora-40') {
        $bytes = [byte[]]::new(1MB); [Random]::new($name.Length).NextBytes($bytes)
        [IO.File]::WriteAllBytes((Join-Path $images "$name.img"), $bytes)
    }
    $pool | Start-XenPool -ImageRepository $images | Format-Table | Out-Host

    Show 'Run it again: nothing changes, and it says so'
    $pool | Start-XenPool -ImageRepository $images -InformationAction Continue | Format-Table Domain, Host, Status | Out-Host

    Show 'Are they alive? xl says running everywhere; web also answers a TCP probe made from its dom0'
    Get-XenDomain | Format-Table | Out-Host
    Test-XenDomainLiveness -Name web -Port 2222 -Detailed | Format-Table | Out-Host

    Show 'Any controller can pick the pool up from the hosts'' journals'
    Get-XenPool | Format-Table | Out-Host

    Show 'Morning: save the Geant4 workers (memory and disks, tar -S and zstd, checksummed)'
    $saved = Join-Path $root 'saved-images'
    Get-XenDomain -Name 'geant4-*' | Save-XenImage -Repository $saved | Out-Null
    Get-XenImage -Repository $saved | Format-Table Name, Host, Compression, ArchiveBytes, DataBytes, Complete | Out-Host

    Show 'Clear the hosts: everything the journals list goes, nothing else'
    Write-Host ("Host files while the pool ran: {0}" -f @(Get-HostFiles).Count)
    Clear-XenHost -Force | Format-Table | Out-Host
    $after = Get-HostFiles
    $same = -not (Compare-Object @($before) @($after))
    Write-Host ("Host files before: {0}, after: {1}, identical: {2}" -f @($before).Count, @($after).Count, $same)
    if (-not $same) { throw 'The hosts are not as they were before the pool started.' }
    Get-XenHost | Format-Table Name, FreeMemoryMiB, DomainCount | Out-Host

    Show 'The raw escape hatch, and a typed error'
    (Invoke-XenCommand -Host dom0-a info free_memory).StdOut | Out-Host
    Invoke-XenCommand -Host dom0-b destroy no-such-domain -ErrorAction SilentlyContinue -ErrorVariable failure | Out-Null
    Write-Host ("{0}: {1}" -f $failure[0].FullyQualifiedErrorId, $failure[0].Exception.Message)
    Write-Host 'Demo finished.' -ForegroundColor Green
}
finally {
    Get-XenDomain -ErrorAction Ignore | Stop-XenDomain -Force -ErrorAction Ignore
    Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost
    Remove-Item -Recurse -Force $root -ErrorAction Ignore
}
