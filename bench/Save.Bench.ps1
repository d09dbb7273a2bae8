#Requires -Version 7.4
# Save: Save-XenImage of a domain whose disk holds a known amount of real data inside a larger sparse size, against its
# baseline `ssh host "tar -S ... | zstd -T0" > file` of the same disk (and that with xl save -c first, and tar | zstd run on
# the host alone). Half the data is random (incompressible), half text. The local-repository save runs over both
# transports: SSH.NET, and OpenSSH through an ssh config alias of the same host (-SkipOpenSsh leaves that row out).
param([Parameter(Mandatory)] [string] $ModuleDir, [int] $DiskGiB = 2, [int] $DataMiB = 256, [int] $SaveLatencyMs = 1000, [int] $Runs = 3,
    [switch] $SkipOpenSsh)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $ModuleDir 'SmartDomains.psd1') -Force
Import-Module "$PSScriptRoot/../tests/Harness/TestHosts.psm1" -Force
Import-Module "$PSScriptRoot/BenchCommon.psm1" -Force
$work = Join-Path ([IO.Path]::GetTempPath()) "sd-bench-save-$PID"
New-Item -ItemType Directory -Force $work | Out-Null
$set = @()
try {
    $set = @(Start-TestHostSet -Count 1 -EmulatorDir (Join-Path $ModuleDir 'emulator') -Prefix bsv -Settings @{ latency_ms = @{ create = 1000; shutdown = 1000; save = $SaveLatencyMs } })
    $h = $set[0]
    $known = New-TestKnownHostsFile -Hosts $set -Path (Join-Path $work 'known_hosts')
    $null = Connect-XenHost -ComputerName $h.Address -KeyFile $h.ClientKeyFile -KnownHostsFile $known
    # The same host under a second name, over OpenSSH: both connections stay open, so neither row pays a handshake.
    $openSshName = 'bsv-openssh'
    if (-not $SkipOpenSsh) {
        $sshConfig = Join-Path $work 'ssh_config'
        "Host $openSshName`n  HostName $($h.Address)`n  User root`n  IdentityFile $($h.ClientKeyFile)`n  IdentitiesOnly yes`n  UserKnownHostsFile $known`n  StrictHostKeyChecking yes" |
            Set-Content $sshConfig
        $null = Connect-XenHost -ComputerName $openSshName -Transport OpenSSH -SshConfigFile $sshConfig
    }
    $pool = New-XenPool -Definition @{ name = 'savebench'; domains = @(@{ name = 'sv'; extends = 'debian'; memory = 256; disks = @(@{ size = "${DiskGiB}G" }); network = @() }) }
    $r = $pool | Start-XenPool
    if ($r.Status -ne 'Started') { throw "the domain did not start: $($r.Reason)" }
    $disk = [string]$r.Storage[0].Item.Path
    # DataMiB of data in 4 extents spread over the disk: random and text (seq output) alternating.
    $chunk = [int]($DataMiB / 4)
    & sh -c "head -c ${chunk}M /dev/urandom > '$work/random.bin' && seq 1 100000000 | head -c ${chunk}M > '$work/text.bin'"
    $fill = for ($k = 0; $k -lt 4; $k++) {
        $src = if ($k % 2) { "$work/text.bin" } else { "$work/random.bin" }
        "dd if='$src' of='$disk' bs=1M seek=$($k * $DiskGiB * 256) conv=notrunc status=none"
    }
    Invoke-TestHostShell -TestHost $h -Command ($fill -join ' && ') | Out-Null
    $du = [long](Invoke-TestHostShell -TestHost $h -Command "du -B1 '$disk' | cut -f1")
    $dataMiB = $du / 1MB

    $dir = Split-Path $disk; $file = Split-Path -Leaf $disk
    $results = [ordered]@{}
    function Add([string] $k, [double] $s, [double] $archive) { if (-not $results.Contains($k)) { $results[$k] = [Collections.Generic.List[object]]::new() }; $results[$k].Add([pscustomobject]@{ S = $s; A = $archive }) }
    $repo = Join-Path $work 'repo'
    $sshArgs = Get-SshArgs $h $known
    $methods = [ordered]@{
        'SmartDomains Save-XenImage -Checkpoint, local repository (streamed)' = {
            # -Verbose, timestamped, tells where the time goes (written as a note for the last run).
            $w = [Diagnostics.Stopwatch]::StartNew()
            $script:phases = [Collections.Generic.List[string]]::new()
            $streamed = [Collections.Generic.List[double]]::new()   # when image-stream.sh started, and the next message
            $img = Save-XenImage -Name sv -XenHost $h.Address -Repository $repo -Checkpoint -Verbose 4>&1 | ForEach-Object {
                if ($_ -is [Management.Automation.VerboseRecord]) {
                    if ($_.Message -match '^\[.*\] sh image-stream\.sh' -or $streamed.Count -eq 1) { $streamed.Add($w.Elapsed.TotalSeconds) }
                    $script:phases.Add("$([math]::Round($w.Elapsed.TotalSeconds, 2)) s: $($_.Message -replace '\s+', ' ' -replace '^(.{140}).*$', '$1…')")
                } else { $_ } }
            $t = $w.Elapsed
            Add 'SmartDomains Save-XenImage -Checkpoint, local repository (streamed)' $t.TotalSeconds $img.ArchiveBytes
            Add 'SmartDomains: its image-stream.sh step alone (hash + tar | zstd + SSH, from -Verbose)' ($streamed[1] - $streamed[0]) $img.ArchiveBytes
            Remove-Item -Recurse -Force (Join-Path $repo $img.Name)
        }
        'SmartDomains Save-XenImage -Checkpoint over OpenSSH, local repository (streamed)' = {
            $t = Measure-Command { $img = Save-XenImage -Name sv -XenHost $openSshName -Repository $repo -Checkpoint }
            Add 'SmartDomains Save-XenImage -Checkpoint over OpenSSH, local repository (streamed)' $t.TotalSeconds $img.ArchiveBytes
            Remove-Item -Recurse -Force (Join-Path $repo $img.Name)
        }
        'SmartDomains Save-XenImage -Checkpoint -OnHost' = {
            $t = Measure-Command { $img = Save-XenImage -Name sv -XenHost $h.Address -Repository /var/lib/xen/hostrepo -OnHost -Checkpoint }
            Add 'SmartDomains Save-XenImage -Checkpoint -OnHost' $t.TotalSeconds $img.ArchiveBytes
        }
        'host: image-stream.sh > /dev/null (hash + tar | zstd, no SSH)' = {
            $m = Invoke-TestHostShell -TestHost $h -Command "mkdir -p /var/lib/xen/st && head -c 16k /dev/urandom > /var/lib/xen/st/memory.save && echo ok"
            $line = [SmartDomains.Remote.RemoteCommand]::Script([SmartDomains.HostScripts.Scripts]::ImageStream, [string[]]@('/var/lib/xen/st', 'b', 'memory.save', '/var/lib/xen/st/memory.save', 'disk-0', $disk)).CommandLine
            $t = Measure-Command { Invoke-TestHostShell -TestHost $h -TimeoutSec 600 -Command "$line > /dev/null 2>/var/lib/xen/st.err || { cat /var/lib/xen/st.err; exit 1; }" | Out-Null }
            Add 'host: image-stream.sh > /dev/null (hash + tar | zstd, no SSH)' $t.TotalSeconds 0
        }
        'host: tar -S disk | zstd -T0' = {
            $t = Measure-Command { Invoke-TestHostShell -TestHost $h -TimeoutSec 600 -Command "tar -S -cf - -C '$dir' '$file' | zstd -T0 -q > /var/lib/xen/b.tar.zst" | Out-Null }
            Add 'host: tar -S disk | zstd -T0' $t.TotalSeconds ([long](Invoke-TestHostShell -TestHost $h -Command 'stat -c %s /var/lib/xen/b.tar.zst; rm -f /var/lib/xen/b.tar.zst'))
        }
        'host: sha256sum of the disk alone' = {
            $t = Measure-Command { Invoke-TestHostShell -TestHost $h -TimeoutSec 600 -Command "sha256sum '$disk' >/dev/null" | Out-Null }
            Add 'host: sha256sum of the disk alone' $t.TotalSeconds 0
        }
        'host: openssl dgst -sha256 of the disk alone' = {
            $t = Measure-Command { Invoke-TestHostShell -TestHost $h -TimeoutSec 600 -Command "openssl dgst -sha256 -r < '$disk' >/dev/null" | Out-Null }
            Add 'host: openssl dgst -sha256 of the disk alone' $t.TotalSeconds 0
        }
        'host: xl save -c + tar -S | zstd -T0 + sha256sum' = {
            $t = Measure-Command { Invoke-TestHostShell -TestHost $h -TimeoutSec 600 -Command "rm -f /var/lib/xen/m.save; xl save -c sv /var/lib/xen/m.save >/dev/null 2>&1 && sha256sum /var/lib/xen/m.save '$disk' >/dev/null && tar -S -cf - -C /var/lib/xen m.save -C '$dir' '$file' | zstd -T0 -q > /var/lib/xen/b.tar.zst && sha256sum /var/lib/xen/b.tar.zst >/dev/null" | Out-Null }
            Add 'host: xl save -c + tar -S | zstd -T0 + sha256sum' $t.TotalSeconds ([long](Invoke-TestHostShell -TestHost $h -Command 'stat -c %s /var/lib/xen/b.tar.zst; rm -f /var/lib/xen/b.tar.zst /var/lib/xen/m.save'))
        }
        'baseline: ssh host "tar -S disk | zstd -T0" > local file' = {
            $out = Join-Path $work 'b.tar.zst'
            $t = Measure-Command { & sh -c "ssh $($sshArgs -join ' ') root@$($h.Address) `"tar -S -cf - -C '$dir' '$file' | zstd -T0 -q`" > '$out'"; if ($LASTEXITCODE) { throw 'ssh tar failed' } }
            Add 'baseline: ssh host "tar -S disk | zstd -T0" > local file' $t.TotalSeconds (Get-Item $out).Length
            Remove-Item $out
        }
        'ssh host "xl save -c + tar -S | zstd -T0" > local file' = {
            $out = Join-Path $work 'b.tar.zst'
            $t = Measure-Command { & sh -c "ssh $($sshArgs -join ' ') root@$($h.Address) `"rm -f /var/lib/xen/m.save; xl save -c sv /var/lib/xen/m.save >/dev/null 2>&1 && tar -S -cf - -C /var/lib/xen m.save -C '$dir' '$file' | zstd -T0 -q`" > '$out'"; if ($LASTEXITCODE) { throw 'ssh save failed' } }
            Add 'ssh host "xl save -c + tar -S | zstd -T0" > local file' $t.TotalSeconds (Get-Item $out).Length
            Remove-Item $out
        }
    }
    if ($SkipOpenSsh) { $methods.Remove('SmartDomains Save-XenImage -Checkpoint over OpenSSH, local repository (streamed)') }
    $keys = @($methods.Keys)
    for ($run = 1; $run -le $Runs; $run++) {
        $order = if ($run % 2) { $keys } else { [array]::Reverse($keys); $keys }
        foreach ($k in $order) { Write-Host "  run $run/${Runs}: $k"; & $methods[$k] }
    }
    $baseline = 'baseline: ssh host "tar -S disk | zstd -T0" > local file'
    $withSave = 'ssh host "xl save -c + tar -S | zstd -T0" > local file'
    $ours = 'SmartDomains Save-XenImage -Checkpoint, local repository (streamed)'
    $ref = Get-Median @($results[$baseline].S)
    $rows = foreach ($k in $results.Keys) {
        $m = Get-Median @($results[$k].S)
        [pscustomobject]@{
            Method                  = $k
            Seconds                 = Format-Range @($results[$k].S)
            'MiB/s of data'         = [math]::Round($dataMiB / $m, 1)
            'Archive MiB'           = if ($k -like '*alone' -or $k -like '*/dev/null*') { '' } else { [math]::Round((Get-Median @($results[$k].A)) / 1MB, 1) }
            'time / baseline'       = Get-Ratio $m $ref
        }
    }
    $oursS = Get-Median @($results[$ours].S)
    $speed = [math]::Round($ref / $oursS, 2)
    $speedWithSave = [math]::Round((Get-Median @($results[$withSave].S)) / $oursS, 2)
    $openSshNote = if ($SkipOpenSsh) { 'OpenSSH: left out (-SkipOpenSsh).' } else {
        $o = Get-Median @($results['SmartDomains Save-XenImage -Checkpoint over OpenSSH, local repository (streamed)'].S)
        "OpenSSH / SSH.NET (the local-repository save, median seconds) = $(Get-Ratio $o $oursS) ($([math]::Round($o, 2)) s against $([math]::Round($oursS, 2)) s); over OpenSSH the archive comes through an ssh client process on the host's master, over SSH.NET through its channel in this process."
    }
    $speedStep = [math]::Round($ref / (Get-Median @($results['SmartDomains: its image-stream.sh step alone (hash + tar | zstd + SSH, from -Verbose)'].S)), 2)
    New-BenchTable -Rows $rows -Notes @(
        "Disk: $DiskGiB GiB sparse, $([math]::Round($dataMiB, 1)) MiB allocated (half random, half text); memory image ~16 KiB. xl save latency injected: $SaveLatencyMs ms (in SmartDomains' rows and the xl save rows, not in the plain tar|zstd row).",
        "$Runs runs, order alternated; Seconds = median (min–max). MiB/s of data = allocated MiB / median seconds.",
        "Speed of the local-repository save against the baseline ssh tar | zstd (baseline s / ours s; target 0.9): $speed; against the same pipeline with xl save -c first (the same injected latency): $speedWithSave; of its image-stream.sh step alone (no xl save, no journal) against the baseline: $speedStep.",
        $openSshNote,
        "Floor of any save that records the members' SHA256 (holes hashed as zeros, as restore verifies them): the 'openssl dgst of the disk alone' row, on the host's CPU; here the controller and the host share the same 2 cores, so hash, zstd, sshd and SSH.NET add up.",
        "Where Save-XenImage's time goes (last local-repository run, -Verbose messages with the time they arrived): $($script:phases -join ' | ')"
    )
}
finally {
    Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost -ErrorAction Ignore
    if ($set) { Stop-TestHostSet -Hosts $set }
    Remove-Item -Recurse -Force $work -ErrorAction Ignore
}
