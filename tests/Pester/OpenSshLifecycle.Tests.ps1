#Requires -Version 7.4
# The pool lifecycle once over the OpenSSH transport, on two SSH test hosts: start (a sparse base image sent over sftp on
# the master), liveness, saves (streamed to a local repository, and onto a host), a restore relayed from one host to the
# other (sftp both ways), and Clear-XenHost bringing both hosts back to their snapshots. Every step rides one login per host.
BeforeDiscovery {
    $script:canRunHosts = $IsLinux -and ((id -u) -eq 0) -and (Test-Path /usr/sbin/sshd)
}

Describe 'The pool lifecycle over OpenSSH' -Skip:(-not $canRunHosts) {
    BeforeAll {
        Import-Module $env:SMARTDOMAINS_MODULE -Force
        Import-Module "$PSScriptRoot/../Harness/TestHosts.psm1" -Force
        $emulatorDir = Join-Path (Split-Path $env:SMARTDOMAINS_MODULE) 'emulator'
        $script:set = Start-TestHostSet -Count 2 -EmulatorDir $emulatorDir -Prefix sdq -Settings @{ guest_boot_delay_ms = 100; total_memory = 4096 }
        $script:work = Join-Path ([IO.Path]::GetTempPath()) "sd-openssh-life-$PID"
        $script:repo = Join-Path $work 'images'
        $script:saves = Join-Path $work 'saved'
        New-Item -ItemType Directory -Force $repo | Out-Null
        # A sparse base image: 16 MiB long, 2 MiB of data in two places.
        $base = Join-Path $repo 'sparse-base.img'
        & truncate -s 16M $base
        $bytes = [byte[]]::new(1MB); [Random]::new(5).NextBytes($bytes)
        $stream = [IO.File]::OpenWrite($base)
        foreach ($at in 0, 9MB) { $stream.Position = $at; $stream.Write($bytes, 0, $bytes.Length) }
        $stream.Dispose()
        $known = New-TestKnownHostsFile -Hosts $set -Path (Join-Path $work 'known_hosts')
        $script:hostRepo = '/var/lib/xen/saved-by-test'

        $script:before = $set | ForEach-Object { , (Get-TestHostSnapshot $_) }
        $script:logins = $set | ForEach-Object { @(Get-Content $_.SshdLog | Where-Object { $_ -match '^Accepted publickey' }).Count }
        $script:hosts = $set | ForEach-Object { Connect-XenHost -ComputerName $_.Address -KeyFile $_.ClientKeyFile -KnownHostsFile $known -Transport OpenSSH }
        $script:names = $hosts | ForEach-Object Name
        $domains = foreach ($i in 0..1) {
            foreach ($n in 1..2) {
                @{ name = "life-$i-$n"; extends = 'debian'; memory = 128; placement = @{ host = $names[$i] }
                   disks = @(@{ from = 'sparse-base'; format = 'raw' }, @{ size = '8M' })
                   network = @(@{ ip = "10.231.$($set[$i].SubnetIndex).$(40 + $n)" }); liveness = @{ timeout = '20s'; interval = '200ms' } }
            }
        }
        $script:started = New-XenPool -Definition @{ name = 'life'; domains = @($domains) } | Start-XenPool -ImageRepository $repo -ErrorVariable startErrors
    }
    AfterAll {
        Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost
        if ($set) { Stop-TestHostSet -Hosts $set }
        Remove-Item -Recurse -Force $work -ErrorAction Ignore
    }

    It 'starts every domain, with the base image sent sparse over sftp' {
        $startErrors | Should -BeNullOrEmpty
        $started.Count | Should -Be 4
        $started | Where-Object Status -NE 'Started' | Should -BeNullOrEmpty
        foreach ($h in $set) {
            $journal = (Invoke-TestHostShell -Host $h -Command 'cat /var/lib/smartdomains/journal.jsonl') -split "`n" | Where-Object { $_ } | ForEach-Object { $_ | ConvertFrom-Json }
            $cached = @($journal | Where-Object kind -EQ 'base-image' | Select-Object -ExpandProperty resource -Unique)
            $cached.Count | Should -Be 1
            # Apparent size 16 MiB; allocated about the 2 MiB of data: the holes stayed holes.
            $sizes = (Invoke-TestHostShell -Host $h -Command "stat -c '%s %b %B' '$($cached[0])'").Trim() -split ' '
            [long]$sizes[0] | Should -Be 16MB
            ([long]$sizes[1] * [long]$sizes[2]) | Should -BeLessThan 4MB
        }
    }

    It 'finds every domain alive' {
        $alive = Get-XenDomain -Name 'life-*' | Test-XenDomainLiveness
        $alive.Count | Should -Be 4
        $alive | Should -Not -Contain $false
    }

    It 'saves a domain into a local repository (the archive streamed over the master) and onto its host' {
        $local = Save-XenImage -Name 'life-0-1' -Repository $saves -Checkpoint
        $local.Complete | Should -BeTrue
        (Get-XenImage -Repository $saves).Domain | Should -Be 'life-0-1'
        $onHost = Save-XenImage -Name 'life-1-1' -XenHost $names[1] -Repository $hostRepo -OnHost -Checkpoint
        $onHost.Complete | Should -BeTrue
    }

    It 'restores the image saved on one host onto the other, relayed through this machine (sftp down, then up)' {
        $image = Get-XenImage -Repository $hostRepo -XenHost $names[1] | Where-Object Domain -EQ 'life-1-1'
        $restored = $image | Restore-XenImage -XenHost $names[0]
        $restored.Name | Should -Be 'life-1-1'
        $restored.Host | Should -Be $names[0]
        (Get-XenDomain -XenHost $names[0]).Name | Should -Contain 'life-1-1'
        # A saved image is the operator's, which clearing keeps: removed here, as an operator would.
        $image | Remove-XenImage -Force
        Get-XenImage -Repository $hostRepo -XenHost $names[1] | Should -BeNullOrEmpty
    }

    It 'Clear-XenHost brings both hosts back to their snapshots, and all of it took one login per host' {
        $reports = Clear-XenHost -Force
        $reports.Status | Should -Be @('Clean', 'Clean') -Because ($reports.Items | Where-Object Status -NE Removed | Format-Table Kind, Resource, Status, Message -AutoSize | Out-String)
        # The repository folder the save made on the second host is the operator's too.
        Invoke-TestHostShell -Host $set[1] -Command "rmdir '$hostRepo'" | Out-Null
        for ($i = 0; $i -lt $set.Count; $i++) {
            (Compare-Object $before[$i] (Get-TestHostSnapshot $set[$i]) | Out-String) | Should -BeNullOrEmpty -Because "host $($names[$i]) must be as it was"
        }
        for ($i = 0; $i -lt $set.Count; $i++) {
            @(Get-Content $set[$i].SshdLog | Where-Object { $_ -match '^Accepted publickey' }).Count | Should -Be ($logins[$i] + 1)
        }
    }
}
