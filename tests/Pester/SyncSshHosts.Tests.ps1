#Requires -Version 7.4
# Sync-XenPool over real SSH test hosts: a host that is unreachable during one pass, two passes started at once, and a
# registered schedule's pass over OpenSSH.
BeforeDiscovery {
    $script:canRunHosts = $IsLinux -and ((id -u) -eq 0) -and (Test-Path /usr/sbin/sshd)
    $script:noCrontab = if (-not (Get-Command crontab -CommandType Application -ErrorAction Ignore)) { 'crontab is not installed (apt package cron)' }
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

    It 'a schedule registered over OpenSSH runs its pass with only the ssh config, as cron runs it, and leaves no ssh behind' -Skip:([bool]$noCrontab) {
        $saved = $env:XDG_STATE_HOME, $env:XDG_CONFIG_HOME
        $env:XDG_STATE_HOME = Join-Path $work 'state'
        $env:XDG_CONFIG_HOME = Join-Path $work 'config'
        # The key, the user, the port and the known hosts live in the ssh config only: the runbook names none of them.
        $config = Join-Path $work 'sched_ssh_config'
        $set | ForEach-Object {
            "Host $($_.Address)`n  User root`n  Port $($_.Port)`n  IdentityFile $($_.ClientKeyFile)`n  IdentitiesOnly yes`n  UserKnownHostsFile $known`n  StrictHostKeyChecking yes"
        } | Set-Content $config
        Invoke-XenCommand -Host $names[0] destroy s01 | Out-Null
        $name = "sds-openssh-$PID"
        $s = Register-XenPoolSchedule -Path $pool -Name $name -Every 1h -Kind Cron -XenHost $names -Transport OpenSSH -SshConfigFile $config
        try {
            $lines = @(& crontab -l)
            $job = $lines[[array]::IndexOf($lines, ($lines | Where-Object { $_ -match "^# SmartDomains schedule $name " })) + 1]
            $job | Should -Match ([regex]::Escape($s.Runbook))
            Get-Content -Raw $s.Runbook | Should -Match ([regex]::Escape("-Transport OpenSSH -SshConfigFile '$config'"))
            # What cron would run: the line's command after its five time fields, by sh.
            $command = ($job -split '\s+', 6)[5]
            & sh -c $command
            $LASTEXITCODE | Should -Be 0 -Because (Get-Content $s.LogPath -Raw -ErrorAction Ignore)
        }
        finally {
            Unregister-XenPoolSchedule -Name $name
            $env:XDG_STATE_HOME, $env:XDG_CONFIG_HOME = $saved
        }
        $line = Get-Content $s.LogPath | Select-Object -Last 1 | ConvertFrom-Json
        $line.errors | Should -BeNullOrEmpty
        $line.result | Should -Be 'Clean'
        $line.counts.Restarted | Should -Be 1
        $line.counts.None | Should -Be 3
        Running | Should -Be @('s01', 's02', 's11', 's12')
        Wait-TestSshProcessGone -Word $config -Substring $set.Address | Should -BeNullOrEmpty -Because 'the runbook''s masters end with its process'
    }
}
