#Requires -Version 7.4
# Register-XenPoolSchedule for real: a cron daemon started here runs the registered runbook against emulated hosts, and
# Unregister gives the crontab back exactly. Root's crontab is used and restored to what it was, byte for byte.
BeforeDiscovery {
    $script:noCron = if (-not (Get-Command crontab -CommandType Application -ErrorAction Ignore) -or -not (Test-Path /usr/sbin/cron)) {
        'cron is not installed (apt package cron; tests/Tools/Install-TestPrerequisites.sh installs it as root)'
    }
    elseif ((id -u) -ne '0') { 'the cron test runs as root, whose crontab it restores afterwards' }
}

Describe 'Register-XenPoolSchedule' {
    BeforeAll {
        Import-Module $env:SMARTDOMAINS_MODULE -Force
        $script:root = Join-Path ([IO.Path]::GetTempPath()) "sd-sched-$PID"
        New-Item -ItemType Directory -Force $root | Out-Null
        $script:savedEnv = $env:XDG_STATE_HOME, $env:XDG_CONFIG_HOME
        $env:XDG_STATE_HOME = Join-Path $root 'state'
        $env:XDG_CONFIG_HOME = Join-Path $root 'config'
        $script:emuRoot = Join-Path $root 'emu'
        $script:poolFile = Join-Path $root 'sched-pool.json'
        Set-Content $poolFile '{ "name": "schedpool", "domains": [ { "name": "sched-web", "memory": "128M", "vcpus": 1, "kernel": "/boot/vmlinuz", "network": [ { "ip": "127.0.72.1" } ] } ] }'
        $script:stateDir = Join-Path $env:XDG_STATE_HOME 'SmartDomains/schedules'
        $script:name = "sd-test-$PID"
        # crontab -l as text, or $null when the user has none.
        function script:Read-Crontab {
            $text = (& crontab -l 2>$null) -join "`n"
            if ($LASTEXITCODE -ne 0) { return $null }
            if ($text) { "$text`n" } else { '' }
        }
        # Untyped: a [string] parameter would turn $null (no crontab) into '' (an empty one).
        function script:Write-Crontab($Text) {
            if ($null -eq $Text) { & crontab -r 2>$null; return }
            $Text | & crontab -
        }
        $script:originalCrontab = if (Get-Command crontab -ErrorAction Ignore) { Read-Crontab }
        $script:common = @{ Path = $poolFile; Emulator = $true; XenHost = 'emu-s1'; EmulatorRoot = $emuRoot; Kind = 'Cron' }
    }
    AfterAll {
        Get-XenPoolSchedule -ErrorAction Ignore | Where-Object Name -like 'sd-test-*' | Unregister-XenPoolSchedule -ErrorAction Ignore
        if ($script:cron) { Stop-Process -Id $cron.Id -ErrorAction Ignore }
        if (Get-Command crontab -ErrorAction Ignore) { Write-Crontab $originalCrontab }
        Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost
        if (Test-Path $emuRoot) {
            Connect-XenHost -Emulator -Name emu-s1 -EmulatorRoot $emuRoot | Out-Null
            Clear-XenHost -Force -ErrorAction Ignore | Out-Null
            Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost
        }
        $env:XDG_STATE_HOME, $env:XDG_CONFIG_HOME = $savedEnv
        Remove-Item -Recurse -Force $root -ErrorAction Ignore
    }

    It '-WhatIf shows the runbook and writes nothing' {
        $before = Read-Crontab
        Register-XenPoolSchedule @common -Name $name -Every 15m -WhatIf | Out-Null
        Test-Path $stateDir | Should -BeFalse
        Read-Crontab | Should -Be $before
    }

    It 'refuses a hostile name before writing anything' {
        { Register-XenPoolSchedule @common -Name "$name;reboot" -Every 15m } | Should -Throw -ErrorId 'XenScheduleInvalid,*'
        { Register-XenPoolSchedule @common -Name $name -Every 7m } | Should -Throw -ErrorId 'XenScheduleInvalid,*'
        Test-Path $stateDir | Should -BeFalse
    }

    It 'a scheduler that refuses leaves no file behind' {
        # systemd is not PID 1 on these machines, so enabling a user timer fails: everything written is removed again.
        if ((systemctl --user is-system-running 2>$null) -in 'running', 'degraded') { Set-ItResult -Skipped -Because 'a systemd user manager answers here'; return }
        { Register-XenPoolSchedule @common -Name $name -Every 15m -Kind SystemdTimer } | Should -Throw -ErrorId 'XenScheduleInstallFailed,*'
        @(Get-ChildItem -Recurse -File $root -ErrorAction Ignore | Where-Object FullName -notlike "$emuRoot*" | Where-Object FullName -ne $poolFile) | Should -BeNullOrEmpty
    }

    Context 'with a cron daemon' -Skip:([bool]$noCron) {
        BeforeAll {
            $script:foreign = "# a line of someone else's, kept as it is`n*/30 * * * * true # also kept`n"
            Write-Crontab (($originalCrontab ?? '') + $foreign)
            $script:before = Read-Crontab
        }

        It 're-registering a name replaces its entry' {
            Register-XenPoolSchedule @common -Name $name -Every 2m | Out-Null
            $s = Register-XenPoolSchedule @common -Name $name -Every 1m
            $s.Kind | Should -Be 'Cron'
            $s.Every | Should -Be '1m'
            $now = Read-Crontab
            $now.StartsWith($before) | Should -BeTrue -Because 'every other line stays as it was'
            @($now -split "`n" | Where-Object { $_ -like "# SmartDomains schedule $name *" }).Count | Should -Be 1
            ($now -split "`n" | Where-Object { $_ -like '`* `* `* `* `* *' }) | Should -Match ([regex]::Escape($s.Runbook))
        }

        It 'Tab completes the installed schedule names for Get- and Unregister-XenPoolSchedule' {
            foreach ($line in "Get-XenPoolSchedule -Name $($name.Substring(0, 3))", 'Unregister-XenPoolSchedule ') {
                $found = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
                $found.CompletionText | Should -Contain $name
                ($found | Where-Object CompletionText -EQ $name).ToolTip | Should -Match 'every 1m'
            }
        }

        It 'an SSH runbook carries hostile paths to Connect-XenHost as themselves, and no secret' {
            $key = Join-Path $root "it's ‘key’ `$(id) %x"
            $s = Register-XenPoolSchedule -Path $poolFile -Name "$name-ssh" -Every 15m -Kind Cron -XenHost dom0a.example.org, 10.0.0.2 -KeyFile $key -User ops -Port 2222 -HostKeyPolicy AcceptNew
            try {
                $tokens = $errors = $null
                $ast = [System.Management.Automation.Language.Parser]::ParseFile($s.Runbook, [ref] $tokens, [ref] $errors)
                $errors | Should -BeNullOrEmpty
                $connect = $ast.FindAll({ param($a) $a -is [System.Management.Automation.Language.CommandAst] -and $a.GetCommandName() -eq 'Connect-XenHost' }, $true) | Select-Object -First 1
                $bound = [System.Management.Automation.Language.StaticParameterBinder]::BindCommand($connect)
                $bound.BoundParameters['KeyFile'].ConstantValue | Should -BeExactly $key
                $bound.BoundParameters['HostKeyPolicy'].ConstantValue | Should -Be 'AcceptNew'
                $bound.BoundParameters['Port'].ConstantValue | Should -Be 2222
                Get-Content -Raw $s.Runbook | Should -Not -Match 'Credential|Password'
            }
            finally { Unregister-XenPoolSchedule -Name "$name-ssh" }
            Read-Crontab | Should -Not -Match ([regex]::Escape("$name-ssh"))
        }

        It 'cron runs the runbook, which logs one JSON line with the pass result' {
            $log = (Get-XenPoolSchedule -Name $name).LogPath
            # A cron that already runs serves as well; else one is started now and stopped by its PID. Now, after Register:
            # cron notices a changed crontab by the spool's mtime in whole seconds, so a change in the second it started
            # itself would go unseen until the next change.
            $running = (Test-Path /run/crond.pid) -and (Get-Process -Id ([int](Get-Content /run/crond.pid -ErrorAction Ignore)) -ErrorAction Ignore)
            if (-not $running) {
                $script:cron = Start-Process /usr/sbin/cron -ArgumentList '-f' -PassThru -RedirectStandardOutput (Join-Path $root 'cron.out') -RedirectStandardError (Join-Path $root 'cron.err')
            }
            # Bounded wait, not a timed assertion: cron fires on the next minute boundary after it reads the crontab.
            $deadline = [DateTime]::UtcNow.AddSeconds(150)
            while (-not (Test-Path $log) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Seconds 2 }
            $cronSaid = if ($script:cron) { Get-Content (Join-Path $root 'cron.err') -Raw -ErrorAction Ignore }
            Test-Path $log | Should -BeTrue -Because "cron should have run the job within 150 s (cron: $cronSaid)"
            $line = Get-Content $log | Select-Object -First 1 | ConvertFrom-Json
            $line.schedule | Should -Be $name
            $line.pool | Should -Be 'schedpool'
            $line.errors | Should -BeNullOrEmpty
            $line.result | Should -Be 'Clean'
            $line.exit | Should -Be 0
            $line.counts.Started | Should -Be 1
            $s = Get-XenPoolSchedule -Name $name
            $s.LastResult | Should -Be 'Clean'
            $s.LastRun | Should -Not -BeNullOrEmpty
            # The pass really ran on the hosts: the pool has no drift now.
            Connect-XenHost -Emulator -Name emu-s1 -EmulatorRoot $emuRoot | Out-Null
            Test-XenPool -Path $poolFile | Should -BeTrue
        }

        It 'Unregister removes exactly its lines and files and keeps the log' {
            $s = Get-XenPoolSchedule -Name $name
            Unregister-XenPoolSchedule -Name $name
            Read-Crontab | Should -BeExactly $before
            Test-Path $s.Runbook | Should -BeFalse
            Test-Path (Join-Path $stateDir "$name.json") | Should -BeFalse
            Test-Path $s.LogPath | Should -BeTrue
            Get-XenPoolSchedule -Name $name -ErrorAction SilentlyContinue -ErrorVariable e | Should -BeNullOrEmpty
            $e[0].FullyQualifiedErrorId | Should -BeLike 'XenScheduleNotFound,*'
        }
    }
}
