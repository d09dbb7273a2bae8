#Requires -Version 7.4
# Controllers that share hosts over real SSH: two pools removed at once both go, and a whole-host clear waits for a pool's
# removal in flight (or, with no time to wait, says who holds the host until when, in plain time).
BeforeDiscovery {
    $script:canRunHosts = $IsLinux -and ((id -u) -eq 0) -and (Test-Path /usr/sbin/sshd)
}

Describe 'Leases as narrow as the work on SSH test hosts' -Skip:(-not $canRunHosts) {
    BeforeAll {
        Import-Module $env:SMARTDOMAINS_MODULE -Force
        Import-Module "$PSScriptRoot/../Harness/TestHosts.psm1" -Force
        $emulatorDir = Join-Path (Split-Path $env:SMARTDOMAINS_MODULE) 'emulator'
        $script:set = Start-TestHostSet -Count 2 -EmulatorDir $emulatorDir -Prefix sdl -Settings @{ total_memory = 4096 }
        $script:work = Join-Path ([IO.Path]::GetTempPath()) "sd-lease-$PID"
        $script:repo = Join-Path $work 'images'
        New-Item -ItemType Directory -Force $repo | Out-Null
        [IO.File]::WriteAllBytes((Join-Path $repo 'lease-base.img'), [byte[]]::new(256KB))
        $script:known = New-TestKnownHostsFile -Hosts $set -Path (Join-Path $work 'known_hosts')
        # What another controller's runspace needs to connect the same hosts on its own.
        $script:connect = @($set | ForEach-Object { @{ ComputerName = $_.Address; KeyFile = $_.ClientKeyFile; KnownHostsFile = $known } })
        $script:names = @($connect | ForEach-Object { (Connect-XenHost @_).Name })
        $script:empty = @($set | ForEach-Object { Invoke-TestHostShell -Host $_ -Command 'ls -A /var/lib/smartdomains 2>/dev/null; xl list | wc -l' })

        # One domain of the pool on each host, with a disk cloned from the shared base image.
        function script:Start-TestPool([string] $Name) {
            $domains = foreach ($i in 0..1) {
                @{ name = "$Name-$i"; extends = 'debian'; memory = 64; placement = @{ host = $names[$i] }
                   disks = @(@{ from = 'lease-base'; format = 'raw' }) }
            }
            New-XenPool -Definition @{ name = $Name; domains = @($domains) } | Start-XenPool -ImageRepository $repo |
                Where-Object Status -NE 'Started' | Should -BeNullOrEmpty
        }
        # Each pool's removal in a runspace of its own (its own connections, its own leases), all let go at the same moment.
        function script:Start-Removal([string[]] $Pools, [switch] $Graceful) {
            $ready = [Threading.CountdownEvent]::new($Pools.Count)
            $module = $env:SMARTDOMAINS_MODULE
            $Pools | ForEach-Object -ThrottleLimit $Pools.Count -AsJob -Parallel {
                Import-Module $using:module
                foreach ($c in $using:connect) { Connect-XenHost @c | Out-Null }
                $go = $using:ready
                $go.Signal() | Out-Null
                $go.Wait() | Out-Null
                Remove-XenPool -Name $_ -Force -Graceful:$using:Graceful -ErrorAction Continue
            }
        }
        function script:Assert-Empty {
            for ($i = 0; $i -lt $set.Count; $i++) {
                Invoke-TestHostShell -Host $set[$i] -Command 'ls -A /var/lib/smartdomains 2>/dev/null; xl list | wc -l' | Should -Be $empty[$i]
            }
        }
    }
    AfterAll {
        Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost
        if ($set) { Stop-TestHostSet -Hosts $set }
        Remove-Item -Recurse -Force $work -ErrorAction Ignore
    }

    It 'two Remove-XenPool of two pools on the same hosts, started at once, both succeed and leave the hosts empty' {
        Start-TestPool 'alpha'
        Start-TestPool 'beta'
        # Slow shutdowns, so that each removal holds its pool's lease while the other works.
        foreach ($h in $set) { Set-TestHostSetting $h @{ latency_ms = @{ shutdown = 1500 } } }
        try {
            $job = Start-Removal 'alpha', 'beta' -Graceful
            $reports = $job | Wait-Job | Receive-Job -ErrorVariable failed
        }
        finally { foreach ($h in $set) { Set-TestHostSetting $h @{ latency_ms = @{ shutdown = 0 } } } }

        $failed | Should -BeNullOrEmpty
        $reports.Count | Should -Be 4
        $reports | ForEach-Object { "$($_.Pool)@$($_.Host): $($_.Status)" } | Sort-Object |
            Should -Be @("alpha@$($names[0]): Clean", "alpha@$($names[1]): Clean", "beta@$($names[0]): Clean", "beta@$($names[1]): Clean")
        (Get-XenDomain).Name | Where-Object { $_ -match '^(alpha|beta)-' } | Should -BeNullOrEmpty
        Assert-Empty
    }

    It 'a whole-host clear waits for a pool removal in flight, and with no time to wait says who holds the host until when' {
        Start-TestPool 'gamma'
        Start-TestPool 'delta'      # left for the clear to do
        foreach ($h in $set) { Set-TestHostSetting $h @{ latency_ms = @{ shutdown = 8000 } } }
        try {
            $job = Start-Removal 'gamma' -Graceful
            # Until the removal holds gamma's lease on both hosts (a line of each lease table).
            foreach ($h in $set) {
                $seen = $false
                for ($i = 0; $i -lt 300 -and -not $seen; $i++) {
                    $seen = [bool](Invoke-TestHostShell -Host $h -Command 'cat /var/lib/smartdomains/clear.lease 2>/dev/null || true' | Select-String ' gamma \* ')
                    if (-not $seen) { Start-Sleep -Milliseconds 100 }
                }
                $seen | Should -BeTrue -Because "the removal of gamma takes its lease on $($h.Name)"
            }

            $refused = Clear-XenHost -Force -BusyTimeoutSeconds 0 -ErrorVariable busy -ErrorAction SilentlyContinue
            $refused.Status | Should -Be @('Failed', 'Failed')
            $busy.Count | Should -Be 2
            foreach ($e in $busy) {
                $e.FullyQualifiedErrorId | Should -BeLike 'XenHostBusy*'
                $e.Exception.Message | Should -Match "^the host on \S+ is held by \S+@\S+ \(pid \d+\) for Remove-XenPool of pool 'gamma' until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, \d+ s from now\.$"
                $e.Exception.Message | Should -Not -Match '\d{9}'
            }

            # With the default bound the clear waits until the removal has let go of the pool, then cleans.
            $reports = Clear-XenHost -Force
            $reports.Status | Should -Be @('Clean', 'Clean')
            $reports.JournalRemoved | Should -Be @($true, $true)
            ($reports.Removed | Where-Object Kind -EQ 'domain').Resource | Sort-Object | Should -Be @('delta-0', 'delta-1')
            $removed = $job | Wait-Job | Receive-Job -ErrorVariable failed
        }
        finally { foreach ($h in $set) { Set-TestHostSetting $h @{ latency_ms = @{ shutdown = 0 } } } }
        $failed | Should -BeNullOrEmpty
        $removed.Status | Should -Be @('Clean', 'Clean')
        Assert-Empty
    }
}
