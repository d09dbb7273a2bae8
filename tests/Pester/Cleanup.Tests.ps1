#Requires -Version 7.4
# Clear-XenHost and Remove-XenPool end to end over real SSH test hosts: every host comes back exactly as it was, and nothing
# the module did not create is touched.
BeforeDiscovery {
    $script:canRunHosts = $IsLinux -and ((id -u) -eq 0) -and (Test-Path /usr/sbin/sshd)
}

Describe 'Cleaning hosts on SSH test hosts' -Skip:(-not $canRunHosts) {
    BeforeAll {
        Import-Module $env:SMARTDOMAINS_MODULE -Force
        Import-Module "$PSScriptRoot/../Harness/TestHosts.psm1" -Force
        $emulatorDir = Join-Path (Split-Path $env:SMARTDOMAINS_MODULE) 'emulator'
        $script:set = Start-TestHostSet -Count 2 -EmulatorDir $emulatorDir -Prefix sdc -TmpfsSizeMiB 32 -Settings @{ total_memory = 4096 }
        $script:work = Join-Path ([IO.Path]::GetTempPath()) "sd-clean-$PID"
        $script:repo = Join-Path $work 'images'
        New-Item -ItemType Directory -Force $repo | Out-Null
        $bytes = [byte[]]::new(1MB); [Random]::new(11).NextBytes($bytes)
        [IO.File]::WriteAllBytes((Join-Path $repo 'tiny-base.img'), $bytes)
        $known = New-TestKnownHostsFile -Hosts $set -Path (Join-Path $work 'known_hosts')
        $script:hosts = $set | ForEach-Object { Connect-XenHost -ComputerName $_.Address -KeyFile $_.ClientKeyFile -KnownHostsFile $known }
        $script:names = $hosts | ForEach-Object Name

        function script:Get-HostSnapshot($h) { Get-TestHostSnapshot -TestHost $h }
        function script:Get-Log($h) {
            @((Invoke-TestHostShell -Host $h -Command 'cat /var/lib/xen/emulator/commands.log 2>/dev/null || true') -split "`n" | Where-Object { $_ } | ForEach-Object { ($_ -split "`t", 2)[-1] })
        }
        # A pool with a sparse raw disk and a clone of the small base image per domain, spread over both hosts.
        function script:New-TestPool([string] $Name, [int] $PerHost = 1) {
            $domains = foreach ($i in 0..1) {
                foreach ($n in 1..$PerHost) {
                    @{ name = "$Name-$i-$n"; extends = 'debian'; memory = 64; placement = @{ host = $names[$i] }
                       disks = @(@{ size = '4M' }, @{ from = 'tiny-base'; format = 'raw' }) }
                }
            }
            New-XenPool -Definition @{ name = $Name; domains = @($domains) }
        }
        function script:Assert-Snapshots($expected) {
            for ($i = 0; $i -lt $set.Count; $i++) {
                $now = Get-HostSnapshot $set[$i]
                (Compare-Object $expected[$i] $now | Out-String) | Should -BeNullOrEmpty -Because "host $($names[$i]) must be as it was"
            }
        }
    }
    AfterAll {
        Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost
        if ($set) { Stop-TestHostSet -Hosts $set }
        Remove-Item -Recurse -Force $work -ErrorAction Ignore
    }

    It 'Clear-XenHost brings every host back to its snapshot and leaves the operator''s domain and files alone' {
        # The operator's own: a domain made with xl, a config in /etc/xen and an image the module did not write.
        Invoke-TestHostShell -Host $set[0] -Command @'
printf 'name = "theirs"\nkernel = "/var/lib/xen/images/keep.img"\nmemory = 64\n' > /etc/xen/mine.cfg
head -c 65536 /dev/urandom > /var/lib/xen/images/keep.img
xl create -q /etc/xen/mine.cfg
'@ | Out-Null
        $script:clean = $set | ForEach-Object { , (Get-HostSnapshot $_) }
        $clean[0] | Should -Contain 'domain theirs'

        $started = New-TestPool 'lab' -PerHost 2 | Start-XenPool -ImageRepository $repo
        $started | Where-Object Status -NE 'Started' | Should -BeNullOrEmpty
        (Get-HostSnapshot $set[0]) -match 'journal.jsonl' | Should -Not -BeNullOrEmpty
        $logStart = $set | ForEach-Object { (Get-Log $_).Count }

        $reports = Clear-XenHost -Force
        $reports.Count | Should -Be 2
        $reports.Status | Should -Be @('Clean', 'Clean')
        $reports.JournalRemoved | Should -Be @($true, $true)
        $first = $reports | Where-Object Host -EQ $names[0]
        ($first.Removed | Where-Object Kind -EQ 'domain').Resource | Sort-Object | Should -Be @('lab-0-1', 'lab-0-2')
        $first.Removed.Kind | Should -Contain 'base-image'
        Assert-Snapshots $clean
        # No command of the clear named the operator's domain or files.
        (Get-Log $set[0] | Select-Object -Skip $logStart[0]) -match 'theirs|mine\.cfg|keep\.img' | Should -BeNullOrEmpty
    }

    It 'leaves alone a domain that replaced one of the module''s under the same name, and that one''s config and storage' {
        $before = $set | ForEach-Object { , (Get-HostSnapshot $_) }
        New-TestPool 'twin' | Start-XenPool -ImageRepository $repo | Where-Object Status -NE 'Started' | Should -BeNullOrEmpty
        # Someone destroys twin-0-1 by hand and boots a twin-0-1 of their own (xl gives it a new uuid).
        Invoke-TestHostShell -Host $set[0] -Command @'
xl destroy twin-0-1
printf 'name = "twin-0-1"\nkernel = "/var/lib/xen/images/keep.img"\nmemory = 64\n' > /etc/xen/their-twin.cfg
xl create -q /etc/xen/their-twin.cfg
'@ | Out-Null
        $logStart = (Get-Log $set[0]).Count

        $first = Clear-XenHost -XenHost $names[0] -Force
        $first.Status | Should -Be 'Partial'
        $kept = $first.Kept | Where-Object Resource -EQ 'twin-0-1'
        $kept.Message | Should -Match 'another domain of that name runs'
        ($first.Kept | Where-Object Domain -EQ 'twin-0-1').Kind | Should -Contain 'config'
        ($first.Kept | Where-Object Domain -EQ 'twin-0-1').Kind | Should -Contain 'image'
        (Get-Log $set[0] | Select-Object -Skip $logStart) -match 'twin-0-1' | Should -BeNullOrEmpty -Because 'no command touched their domain'
        (Invoke-TestHostShell -Host $set[0] -Command 'xl list twin-0-1 >/dev/null && echo running') | Should -Match 'running'

        # Once their domain is gone, a rerun clears the rest and the host is as it was.
        Invoke-TestHostShell -Host $set[0] -Command 'xl destroy twin-0-1 && rm /etc/xen/their-twin.cfg' | Out-Null
        (Clear-XenHost -Force).Status | Should -Be @('Clean', 'Clean')
        Assert-Snapshots $before
    }

    It 'after Start, Save and Clear -SaveImages, every host matches its snapshot and the images are complete' {
        $before = $set | ForEach-Object { , (Get-HostSnapshot $_) }
        $saves = Join-Path $work 'saved'
        New-TestPool 'kept' | Start-XenPool -ImageRepository $repo | Where-Object Status -NE 'Started' | Should -BeNullOrEmpty
        # One domain saved by hand (it keeps running with -Checkpoint), the rest saved by Clear-XenHost before it removes them.
        $manual = Save-XenImage -Name 'kept-0-1' -Repository $saves -Checkpoint
        $manual.Complete | Should -BeTrue
        $reports = Clear-XenHost -Force -SaveImages $saves
        $reports.Status | Should -Be @('Clean', 'Clean')
        Assert-Snapshots $before
        $images = Get-XenImage -Repository $saves
        ($images.Domain | Sort-Object) | Should -Be @('kept-0-1', 'kept-0-1', 'kept-1-1')
        $images | ForEach-Object { $_.Complete | Should -BeTrue }
    }

    It '-WhatIf lists every resource and command and changes nothing but reads' {
        New-TestPool 'dry' | Start-XenPool -ImageRepository $repo | Out-Null
        $before = $set | ForEach-Object { , (Get-HostSnapshot $_) }
        $logBefore = $set | ForEach-Object { (Get-Log $_).Count }
        $transcript = Join-Path $work 'whatif.txt'
        Start-Transcript -Path $transcript | Out-Null
        try { $plan = Clear-XenHost -WhatIf } finally { Stop-Transcript | Out-Null }
        $plan.Status | Should -Be @('WhatIf', 'WhatIf')
        $plan[0].Planned.Kind | Sort-Object -Unique | Should -Be @('base-image', 'config', 'directory', 'domain', 'image', 'pool')
        $out = Get-Content -Raw $transcript
        $out | Should -Match ([regex]::Escape('What if: Performing the operation "xl destroy dry-0-1" on target "domain dry-0-1 on ' + $names[0] + '"'))
        $out | Should -Match 'rm -f'
        Assert-Snapshots $before
        for ($i = 0; $i -lt 2; $i++) {
            Get-Log $set[$i] | Select-Object -Skip $logBefore[$i] | Where-Object { $_ -notmatch '^xl list' } | Should -BeNullOrEmpty
        }
        Clear-XenHost -Force | Out-Null
        Assert-Snapshots $clean
    }

    It 'Remove-XenPool removes one pool and leaves the other running, with the shared base image' {
        New-TestPool 'keep' | Start-XenPool -ImageRepository $repo | Out-Null
        New-TestPool 'gone' | Start-XenPool -ImageRepository $repo | Out-Null
        $reports = Get-XenPool -Name gone | Remove-XenPool -Force
        $reports.Count | Should -Be 2
        $reports.Status | Should -Be @('Clean', 'Clean')
        $reports.JournalRemoved | Should -Be @($false, $false)
        foreach ($r in $reports) { ($r.Kept | Where-Object Kind -EQ 'base-image').Message | Should -Match 'keep' }
        Get-XenPool -Name gone -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $kept = Get-XenPool -Name keep
        $kept.RunningCount | Should -Be 2
        (Get-XenDomain).Name | Where-Object { $_ -like 'gone-*' } | Should -BeNullOrEmpty
        Invoke-TestHostShell -Host $set[0] -Command 'ls /var/lib/smartdomains/images/*.img /var/lib/xen/images/keep/' | Should -Match 'keep-0-1'

        # The last pool takes the base image with it, and the host is as it was.
        $last = Remove-XenPool -Name keep -Force
        ($last | ForEach-Object { $_.Removed.Kind }) | Should -Contain 'base-image'
        $last.JournalRemoved | Should -Be @($true, $true)
        Assert-Snapshots $clean
    }

    It 'clears what a deploy killed midway (sshd killed) left, once the host is back: 0 leftovers' {
        $victim = $set[1]
        Set-TestHostSetting $victim @{ latency_ms = @{ create = 4000 } }
        try {
            $killer = Stop-TestHostSshdOnCommand $victim '^xl create'
            $r = New-TestPool 'dies' | Start-XenPool -ImageRepository $repo -StepTimeoutSeconds 6 -RetryCount 0 -ErrorAction SilentlyContinue
            $killer | Receive-Job -Wait -AutoRemoveJob -ErrorAction Stop | Should -Match 'xl create'
            ($r | Where-Object Host -EQ $names[1]).Status | Should -Be 'Failed'

            # Down: that host is unreachable, the other is cleaned.
            $down = Clear-XenHost -Force -StepTimeoutSeconds 5 -ErrorVariable err -ErrorAction SilentlyContinue
            ($down | Where-Object Host -EQ $names[0]).Status | Should -Be 'Clean'
            $err.FullyQualifiedErrorId -match 'XenHostUnreachable' | Should -Not -BeNullOrEmpty
        }
        finally {
            Start-TestHostSshd -TestHost $victim
            Set-TestHostSetting $victim @{ latency_ms = @{ create = 0 } }
        }
        $back = Clear-XenHost -Force
        $back.Status | Should -Not -Contain 'Failed'
        Assert-Snapshots $clean
    }

    It 'a clear cut short (sshd killed midway) is finished by the next run' {
        New-TestPool 'cut' -PerHost 2 | Start-XenPool -ImageRepository $repo | Out-Null
        $victim = $set[1]
        Set-TestHostSetting $victim @{ latency_ms = @{ shutdown = 1500 } }
        try {
            # sshd dies while the clear waits for the first domain to shut down.
            $killer = Stop-TestHostSshdOnCommand $victim '^xl shutdown'
            $first = Clear-XenHost -XenHost $names[1] -Graceful -TimeoutSeconds 5 -StepTimeoutSeconds 5 -Force -ErrorAction SilentlyContinue
            $killer | Receive-Job -Wait -AutoRemoveJob -ErrorAction Stop | Should -Match 'xl shutdown'
            $first.Status | Should -Be 'Failed'
            # The journal says where the cut came: a removal begun (undo), and maybe some finished (undone).
            Invoke-TestHostShell -Host $victim -Command 'cat /var/lib/smartdomains/journal.jsonl' | Should -Match '"op":"undo"'
        }
        finally {
            Start-TestHostSshd -TestHost $victim
            Set-TestHostSetting $victim @{ latency_ms = @{ shutdown = 0 } }
        }
        $again = Clear-XenHost -Force
        $again.Status | Should -Be @('Clean', 'Clean')
        Assert-Snapshots $clean
    }
}
