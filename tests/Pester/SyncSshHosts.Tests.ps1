#Requires -Version 7.4
# Sync-XenPool over real SSH test hosts: a host that is unreachable during one pass, and two passes started at once.
BeforeDiscovery {
    $script:canRunHosts = $IsLinux -and ((id -u) -eq 0) -and (Test-Path /usr/sbin/sshd)
}

Describe 'Sync-XenPool on SSH test hosts' -Skip:(-not $canRunHosts) {
    BeforeAll {
        Import-Module $env:SMARTDOMAINS_MODULE -Force
        Import-Module "$PSScriptRoot/../Harness/TestHosts.psm1" -Force
        $emulatorDir = Join-Path (Split-Path $env:SMARTDOMAINS_MODULE) 'emulator'
        $script:set = Start-TestHostSet -Count 2 -EmulatorDir $emulatorDir -Prefix sds -Settings @{ total_memory = 4096 }
        $script:work = Join-Path ([IO.Path]::GetTempPath()) "sd-syncssh-$PID"
        New-Item -ItemType Directory -Force (Join-Path $work 'base'), (Join-Path $work 'saved') | Out-Null
        [IO.File]::WriteAllBytes((Join-Path $work 'base/debian-12.img'), [byte[]]::new(256KB))
        $script:known = New-TestKnownHostsFile -Hosts $set -Path (Join-Path $work 'known_hosts')
        $script:connect = @($set | ForEach-Object { @{ ComputerName = $_.Address; KeyFile = $_.ClientKeyFile; KnownHostsFile = $known } })
        $script:names = @($connect | ForEach-Object { (Connect-XenHost @_).Name })
        $script:pool = Join-Path $work 'pool.json'
        $domains = foreach ($i in 0..1) { foreach ($n in 1..2) {
            "{ `"name`": `"s$i$n`", `"extends`": `"debian`", `"memory`": 64, `"placement`": { `"host`": `"$($names[$i])`" }, `"disks`": [ { `"from`": `"debian-12`", `"format`": `"raw`" } ] }"
        } }
        "{ `"name`": `"nightly`", `"images`": { `"base`": `"base`", `"saved`": `"saved`" }, `"domains`": [ $($domains -join ', ') ] }" | Set-Content $pool
        function script:Running { @(Get-XenDomain -ErrorAction SilentlyContinue | Where-Object Name -like 's*' | ForEach-Object Name | Sort-Object) }
    }
    AfterAll {
        Get-XenPool -ErrorAction Ignore | Remove-XenPool -Force -Confirm:$false -ErrorAction Ignore | Out-Null
        Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost
        if ($set) { Stop-TestHostSet -Hosts $set }
        Remove-Item -Recurse -Force $work -ErrorAction Ignore
    }

    It 'a host that is unreachable during one pass has its domains reported; the others proceed; the next pass completes' {
        # The pool is planned while both hosts answer.
        $planned = New-XenPool -Path $pool
        Stop-TestHostSshd -TestHost $set[1] -KillSessions
        try {
            $r = @($planned | Sync-XenPool -ErrorAction SilentlyContinue)
        }
        finally { Start-TestHostSshd -TestHost $set[1] }
        ($r | Where-Object Host -eq $names[0]).Action | Should -Be @('Started', 'Started')
        $down = @($r | Where-Object Host -eq $names[1])
        $down.Action | Should -Be @('Skipped', 'Skipped')
        $down[0].Before | Should -Be 'Unknown'
        $down[0].Reason | Should -Match ([regex]::Escape($names[1]))
        ($planned | Test-XenPool -Detailed -ErrorAction SilentlyContinue).Kind | Sort-Object -Unique | Should -Be 'Missing'
        $r = @($planned | Sync-XenPool)
        ($r | Where-Object Host -eq $names[1]).Action | Should -Be @('Started', 'Started')
        ($r | Where-Object Host -eq $names[0]).Action | Should -Be @('None', 'None')
        Running | Should -Be @('s01', 's02', 's11', 's12')
        $planned | Test-XenPool | Should -BeTrue
    }

    It 'two passes started at once on one pool never act on the same domain twice' {
        Get-XenDomain | Where-Object Name -like 's*' | ForEach-Object { Invoke-XenCommand -Host $_.Host destroy $_.Name } | Out-Null
        $ready = [Threading.CountdownEvent]::new(2)
        $module = $env:SMARTDOMAINS_MODULE
        $job = 1, 2 | ForEach-Object -ThrottleLimit 2 -AsJob -Parallel {
            Import-Module $using:module
            foreach ($c in $using:connect) { Connect-XenHost @c | Out-Null }
            $go = $using:ready
            $go.Signal() | Out-Null
            $go.Wait() | Out-Null
            Sync-XenPool -Path $using:pool -ErrorAction Continue
        }
        $results = $job | Wait-Job | Receive-Job -ErrorVariable failed
        $failed | Should -BeNullOrEmpty
        $results.Count | Should -Be 8
        foreach ($g in $results | Group-Object Domain) {
            @($g.Group | Where-Object Action -eq 'Restarted').Count | Should -Be 1 -Because "$($g.Name) is restarted by one pass only"
        }
        Running | Should -Be @('s01', 's02', 's11', 's12')
    }
}
