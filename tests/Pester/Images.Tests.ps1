#Requires -Version 7.4
# Save-XenImage / Restore-XenImage end to end over a real SSH test host: round trip, sparse size, a corrupt byte, a save killed
# midway, a stream cut off midway.
BeforeDiscovery {
    $script:canRunHosts = $IsLinux -and ((id -u) -eq 0) -and (Test-Path /usr/sbin/sshd)
}

Describe 'Images on an SSH test host' -Skip:(-not $canRunHosts) {
    BeforeAll {
        Import-Module $env:SMARTDOMAINS_MODULE -Force
        Import-Module "$PSScriptRoot/../Harness/TestHosts.psm1" -Force
        $emulatorDir = Join-Path (Split-Path $env:SMARTDOMAINS_MODULE) 'emulator'
        $script:set = Start-TestHostSet -Count 1 -EmulatorDir $emulatorDir -Prefix sdi -Settings @{ guest_boot_delay_ms = 100 }
        $script:th = $set[0]
        $script:work = Join-Path ([IO.Path]::GetTempPath()) "sd-img-$PID"
        $script:repo = Join-Path $work 'repo'
        New-Item -ItemType Directory -Force $repo | Out-Null
        $known = New-TestKnownHostsFile -Hosts $set -Path (Join-Path $work 'known_hosts')
        $script:xh = Connect-XenHost -ComputerName $th.Address -KeyFile $th.ClientKeyFile -KnownHostsFile $known
        $pool = New-XenPool -Definition @{
            name    = 'imgs'
            domains = @(
                @{ name = 'big'; extends = 'debian'; memory = 256; disks = @(@{ size = '4G' }); placement = @{ host = $xh.Name } }
                @{ name = 'small'; extends = 'debian'; memory = 128; disks = @(@{ size = '32M' }); placement = @{ host = $xh.Name } }
                @{ name = 'slow'; extends = 'debian'; memory = 128; disks = @(@{ size = '16M' }); placement = @{ host = $xh.Name } }
            )
        }
        $pool | Start-XenPool | Out-Null
        function script:Sh([string] $Command) { Invoke-TestHostShell -Host $th -Command $Command }
        function script:DiskOf([string] $Domain) { ((Sh "ls /var/lib/xen/images/imgs/$Domain-*.img") -split "`n")[0].Trim() }
        function script:HostSha([string] $Path) { ((Sh "openssl dgst -sha256 -r < '$Path'") -split ' ')[0] }
        # The SHA256 of the tar stream inside a local .tar.zst (what a format-2 manifest records).
        function script:StreamSha([string] $Archive) {
            $tar = "$Archive.tar"
            & zstd -q -d -f -o $tar -- $Archive
            if ($LASTEXITCODE) { throw "zstd -d $Archive failed ($LASTEXITCODE)" }
            try { (Get-FileHash $tar -Algorithm SHA256).Hash.ToLowerInvariant() } finally { Remove-Item $tar }
        }
        function script:HalfMade {
            $last = [ordered]@{}
            foreach ($e in (Sh 'cat /var/lib/smartdomains/journal.jsonl') -split "`n" | Where-Object { $_ } | ConvertFrom-Json) { $last["$($e.kind):$($e.resource)"] = $e }
            @($last.Values | Where-Object op -NotIn 'done', 'undone')
        }
        # 64 MiB of random data in the 4 GiB sparse disk of big, and a little in small's.
        $script:bigDisk = DiskOf big
        Sh "dd if=/dev/urandom of='$bigDisk' bs=1M count=64 seek=1000 conv=notrunc status=none" | Out-Null
        Sh "dd if=/dev/urandom of='$(DiskOf small)' bs=1M count=2 seek=4 conv=notrunc status=none" | Out-Null
    }
    AfterAll {
        Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost
        if ($set) { Stop-TestHostSet -Hosts $set }
        Remove-Item -Recurse -Force $work -ErrorAction Ignore
    }

    It 'saves a 4 GiB sparse disk with 64 MiB of data into an archive sized by the data, and restores it with the same config and content' {
        $sha = HostSha $bigDisk
        $config = Sh 'cat /etc/xen/big.cfg'
        $image = Get-XenDomain big | Save-XenImage -Repository $repo
        $image.Complete | Should -BeTrue
        $image.Compression | Should -Be 'zstd'
        ($image.Members | Where-Object Kind -EQ disk).SizeBytes | Should -Be 4GB
        $image.FormatVersion | Should -Be 2
        ($image.Members | Where-Object Kind -EQ disk).Sha256 | Should -BeNullOrEmpty       # format 2: the tar stream's SHA256 instead
        $image.StreamSha256 | Should -Be (StreamSha (Join-Path $image.Location $image.ArchiveFile))
        $image.ArchiveBytes | Should -BeGreaterThan 64MB
        $image.ArchiveBytes | Should -BeLessThan 66MB
        (Get-Item (Join-Path $image.Location $image.ArchiveFile)).Length | Should -Be $image.ArchiveBytes
        Get-XenDomain big -ErrorAction SilentlyContinue | Should -BeNullOrEmpty      # xl save stopped it

        Sh "dd if=/dev/zero of='$bigDisk' bs=1M count=1 seek=1010 conv=notrunc status=none" | Out-Null   # the restore must put it back
        $domain = Get-XenImage $image.Name -Repository $repo | Restore-XenImage -Host $xh
        $domain.Name | Should -Be 'big'
        (Get-XenDomain big).State | Should -BeIn 'Running', 'Blocked'
        HostSha $bigDisk | Should -Be $sha
        (Sh 'cat /etc/xen/big.cfg') | Should -Be $config
        Sh 'ls -A /var/lib/smartdomains/tmp' | Should -BeNullOrEmpty
        HalfMade | Should -BeNullOrEmpty
    }

    It 'finds a corrupted archive byte before anything is restored' {
        $image = Get-XenDomain small | Save-XenImage -Repository $repo
        $archive = Join-Path $image.Location $image.ArchiveFile
        $bytes = [IO.File]::ReadAllBytes($archive); $bytes[[int]($bytes.Length / 2)] = $bytes[[int]($bytes.Length / 2)] -bxor 0x10
        [IO.File]::WriteAllBytes($archive, $bytes)
        $diskSha = HostSha (DiskOf small)

        $image | Restore-XenImage -Host $xh -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -Match '^XenImageCorrupt,'
        $e[0].Exception.Message | Should -Match 'Nothing was restored'
        Get-XenDomain small -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        HostSha (DiskOf small) | Should -Be $diskSha
        Sh 'ls -A /var/lib/smartdomains/tmp' | Should -BeNullOrEmpty
        HalfMade | Should -BeNullOrEmpty
    }

    It 'leaves no complete image when sshd is killed mid-save, and a rerun succeeds' {
        Set-TestHostSetting $th @{ latency_ms = @{ save = 4000 } }
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($module, $xh, $repo)
                Import-Module $module
                Save-XenImage -Name slow -Host $xh -Repository $repo -ImageName slow-1 -ErrorAction SilentlyContinue -ErrorVariable err
                $err
            }).AddArgument($env:SMARTDOMAINS_MODULE).AddArgument($xh).AddArgument($repo)
        $async = $ps.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while (-not ((Sh 'test -e /var/lib/smartdomains/tmp/save-slow/memory.save && echo yes || true') -match 'yes') -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        Stop-TestHostSshd -Host $th -KillSessions
        $out = $ps.EndInvoke($async); $ps.Dispose()
        Start-TestHostSshd -Host $th | Out-Null
        Set-TestHostSetting $th @{ latency_ms = @{ save = 0 } }

        ($out | Out-String) | Should -Match 'XenHostUnreachable|XlCommandFailed|XenImageSaveFailed|connection|Connection'
        Get-XenImage -Repository $repo -Name slow-1 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-XenImage -Repository $repo -IncludeIncomplete | Where-Object { $_.Name -eq 'slow-1' -and $_.Complete } | Should -BeNullOrEmpty

        $again = Save-XenImage -Name slow -Host $xh -Repository $repo -ImageName slow-1
        $again.Complete | Should -BeTrue
        (Get-XenImage slow-1 -Repository $repo).ArchiveSha256 | Should -Be $again.ArchiveSha256
        Sh 'ls -A /var/lib/smartdomains/tmp' | Should -BeNullOrEmpty
        HalfMade | Should -BeNullOrEmpty
    }

    It 'leaves no complete image when the session dies mid-stream, names the host and the command, and a rerun succeeds' {
        # The tar stream is hashed as it passes (holes are not read), so big's 64 MiB stream in well under a second: a zstd
        # first on the host's PATH hands its output on at 5 MiB/s, so the stream is open for seconds.
        $slow = Join-Path $th.XlDir 'zstd'
        Set-Content -Path $slow -Value "#!/bin/sh`n/usr/bin/zstd `"`$@`" | while dd bs=1M count=1 iflag=fullblock status=none > `"`$0.chunk`" && [ -s `"`$0.chunk`" ]; do cat `"`$0.chunk`"; sleep 0.2; done"
        & chmod +x $slow
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($module, $xh, $repo)
                Import-Module $module
                Save-XenImage -Name big -Host $xh -Repository $repo -ImageName big-cut -Checkpoint -ErrorAction SilentlyContinue -ErrorVariable err
                $err
            }).AddArgument($env:SMARTDOMAINS_MODULE).AddArgument($xh).AddArgument($repo)
        $async = $ps.BeginInvoke()
        $incoming = Join-Path $repo 'big-cut.partial/archive.incoming'
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (-not ((Test-Path $incoming) -and (Get-Item $incoming -ErrorAction Ignore).Length -gt 0) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        (Test-Path $incoming) | Should -BeTrue -Because 'the archive was arriving when the session was cut'
        Stop-TestHostSshd -Host $th -KillSessions
        $out = @($ps.EndInvoke($async)); $ps.Dispose()
        Start-TestHostSshd -Host $th | Out-Null
        Remove-Item $slow, "$slow.chunk" -ErrorAction Ignore

        $out.Count | Should -Be 1
        $out[0].FullyQualifiedErrorId | Should -Match '^XenImageSaveFailed,'
        $out[0].Exception.Message | Should -Match ([regex]::Escape($xh.Name))
        $out[0].Exception.Message | Should -Match 'image-stream\.sh'
        $out[0].Exception.Message | Should -Match 'left paused'        # the host was gone for the unpause too
        Test-Path (Join-Path $repo 'big-cut.partial') | Should -BeFalse
        Get-XenImage -Repository $repo -IncludeIncomplete | Where-Object Name -EQ 'big-cut' | Should -BeNullOrEmpty

        Resume-XenDomain -Name big -Host $xh
        $again = Save-XenImage -Name big -Host $xh -Repository $repo -ImageName big-cut -Checkpoint
        $again.Complete | Should -BeTrue
        (Get-XenDomain big).State | Should -BeIn 'Running', 'Blocked'
        $again.StreamSha256 | Should -Be (StreamSha (Join-Path $again.Location $again.ArchiveFile))
        Sh 'ls -A /var/lib/smartdomains/tmp' | Should -BeNullOrEmpty
        HalfMade | Should -BeNullOrEmpty
    }
}
