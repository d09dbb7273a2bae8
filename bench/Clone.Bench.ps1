#Requires -Version 7.4
# Clone cost: domains started from base images of 256 MiB and 4 GiB (sparse, with data). The first pool sends the base to
# each host once (cold); a second pool on the same hosts reuses the cached base (warm). Time and disk use per domain should
# not grow with the base. For contrast, one full sparse copy of the base (cp --sparse=always) per domain, timed on the host.
param([Parameter(Mandatory)] [string] $ModuleDir, [int] $Hosts = 2, [int] $PerHost = 4,
    [string[]] $Bases = @('256M:64', '4G:512'))   # size:data MiB
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $ModuleDir 'SmartDomains.psd1') -Force
Import-Module "$PSScriptRoot/../tests/Harness/TestHosts.psm1" -Force
Import-Module "$PSScriptRoot/BenchCommon.psm1" -Force
$work = Join-Path ([IO.Path]::GetTempPath()) "sd-bench-clone-$PID"
New-Item -ItemType Directory -Force $work | Out-Null
$set = @()
try {
    $set = @(Start-TestHostSet -Count $Hosts -EmulatorDir (Join-Path $ModuleDir 'emulator') -Prefix bcl -Settings @{ guest_boot_delay_ms = 1000; latency_ms = @{ create = 1000; shutdown = 1000; save = 1000 } })
    $known = New-TestKnownHostsFile -Hosts $set -Path (Join-Path $work 'known_hosts')
    $repo = New-Item -ItemType Directory -Force (Join-Path $work 'repo')
    $n = $Hosts * $PerHost
    $script:coldNotes = @()
    $rows = foreach ($spec in $Bases) {
        $size, $data = $spec.Split(':'); $data = [int]$data
        $name = "base$($size.ToLower())"
        $file = Join-Path $repo "$name.img"
        $sizeMiB = [int]($size -replace '[MG]$', '') * $(if ($size -like '*G') { 1024 } else { 1 })
        & sh -c "truncate -s $size '$file' && for i in `$(seq 0 $($data / 16 - 1)); do dd if=/dev/urandom of='$file' bs=1M count=16 seek=`$((i * $([int]$sizeMiB) / ($data / 16))) conv=notrunc status=none; done"
        $null = $set | ForEach-Object { Connect-XenHost -ComputerName $_.Address -KeyFile $_.ClientKeyFile -KnownHostsFile $known }
        $times = @{}
        foreach ($phase in 'cold', 'warm') {
            $defs = for ($i = 0; $i -lt $Hosts; $i++) { for ($j = 1; $j -le $PerHost; $j++) {
                    $ipLast = ($phase -eq 'cold' ? 100 : 150) + $j
                    @{ name = "$name-$phase-$i-$j"; extends = 'debian'; memory = 256; disks = @(@{ from = $name }); network = @(@{ ip = "10.231.$($set[$i].SubnetIndex).$ipLast" }); placement = @{ host = $set[$i].Address }; liveness = @{ timeout = '120s'; interval = '100ms' } } } }
            $pool = New-XenPool -Definition @{ name = "$name-$phase"; domains = @($defs) }
            Write-Host "  $name ($size, $data MiB of data): $phase start of $n domains"
            $log = Join-Path $work "$name-$phase.jsonl"
            $t = Measure-Command { $r = $pool | Start-XenPool -ImageRepository $repo -LogPath $log }
            $bad = @($r | Where-Object Status -NE 'Started'); if ($bad) { throw "$($bad.Count) domains did not start: $($bad[0].Reason)" }
            $times[$phase] = $t.TotalSeconds
            if ($phase -eq 'cold') {
                $verify = @(Get-Content $log | ConvertFrom-Json | Where-Object { $_.event -eq 'command' -and $_.command -like '*sha256sum*' })
                $verifyS = Get-Median @($verify | ForEach-Object { $_.durationMs / 1000.0 })
            }
        }
        $localHash = Measure-Command { & sha256sum $file | Out-Null }
        $script:coldNotes += "$name cold: the base's sha256 on the controller (sha256sum; the module computes it once and keeps it in a sidecar) $([math]::Round($localHash.TotalSeconds, 1)) s; its verify on each host (openssl or sha256sum over the full apparent size, journaled, median) $([math]::Round($verifyS, 1)) s; the rest of the cold-minus-warm difference ($([math]::Round($times.cold - $times.warm - $verifyS, 1)) s, hosts in parallel) is mostly the controller's hash and the SFTP upload of the base's data extents (holes are not sent) to each host."
        $h = $set[0]
        $perDomain = [long](Invoke-TestHostShell -TestHost $h -Command "du -B1 -c /var/lib/xen/images/$name-warm/* | tail -1 | cut -f1") / $PerHost
        $cache = [long](Invoke-TestHostShell -TestHost $h -Command 'du -B1 -c /var/lib/smartdomains/images/* | tail -1 | cut -f1')
        $cacheFile = (Invoke-TestHostShell -TestHost $h -Command 'ls /var/lib/smartdomains/images/*.img | head -1').Trim()
        $cp = Measure-Command { Invoke-TestHostShell -TestHost $h -TimeoutSec 600 -Command "cp --sparse=always '$cacheFile' /var/lib/xen/images/cp-test.img" | Out-Null }
        $cpDu = [long](Invoke-TestHostShell -TestHost $h -Command 'du -B1 /var/lib/xen/images/cp-test.img | cut -f1; rm -f /var/lib/xen/images/cp-test.img')
        Get-XenHost -NoRefresh | Disconnect-XenHost
        Reset-BenchHosts $set
        [pscustomobject]@{
            Base                      = "$size ($data MiB data)"
            "cold start, $n domains s" = [math]::Round($times.cold, 2)
            "warm start, $n domains s" = [math]::Round($times.warm, 2)
            'warm s/domain'           = [math]::Round($times.warm / $n, 3)
            'disk/domain KiB'         = [math]::Round($perDomain / 1KB)
            'base cached on host MiB' = [math]::Round($cache / 1MB, 1)
            'cp --sparse copy s'      = [math]::Round($cp.TotalSeconds, 2)
            'cp copy disk MiB'        = [math]::Round($cpDu / 1MB, 1)
        }
    }
    New-BenchTable -Rows @($rows) -Notes (@(
        "$Hosts hosts x $PerHost domains per pool; emulator latencies create 1000 ms, guest boot 1000 ms. cold = the first pool on fresh hosts (the base is hashed, sent over SFTP to each host and verified there); warm = a second pool on the same hosts, the base already cached.",
        "disk/domain = du of one domain's qcow2 clone on the host (allocated bytes); 'cp --sparse copy' = what a per-domain copy of the base would cost instead, timed on the host for one domain."
    ) + $script:coldNotes)
}
finally {
    Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost -ErrorAction Ignore
    if ($set) { Stop-TestHostSet -Hosts $set }
    Remove-Item -Recurse -Force $work -ErrorAction Ignore
}
