#Requires -Version 7.4
# Start-XenPool end to end over real SSH test hosts: order, re-runs, and faults. Each fault test proves nothing is lost or half-made.
BeforeDiscovery {
    $script:canRunHosts = $IsLinux -and ((id -u) -eq 0) -and (Test-Path /usr/sbin/sshd)
}

Describe 'Pool lifecycle on SSH test hosts' -Skip:(-not $canRunHosts) {
    BeforeAll {
        Import-Module $env:SMARTDOMAINS_MODULE -Force
        Import-Module "$PSScriptRoot/../Harness/TestHosts.psm1" -Force
        $emulatorDir = Join-Path (Split-Path $env:SMARTDOMAINS_MODULE) 'emulator'
        $script:set = Start-TestHostSet -Count 3 -EmulatorDir $emulatorDir -Prefix sdl -TmpfsSizeMiB 48 -Settings @{ guest_boot_delay_ms = 150; total_memory = 8192 }
        $script:work = Join-Path ([IO.Path]::GetTempPath()) "sd-life-$PID"
        $script:repo = Join-Path $work 'images'
        New-Item -ItemType Directory -Force $repo | Out-Null
        # A small base image with real data in it.
        $bytes = [byte[]]::new(2MB); [Random]::new(7).NextBytes($bytes)
        [IO.File]::WriteAllBytes((Join-Path $repo 'debian-12.img'), $bytes)
        $bytes = [byte[]]::new(40MB); [Random]::new(8).NextBytes($bytes)
        [IO.File]::WriteAllBytes((Join-Path $repo 'big-base.img'), $bytes)
        $known = New-TestKnownHostsFile -Hosts $set -Path (Join-Path $work 'known_hosts')
        $script:hosts = $set | ForEach-Object { Connect-XenHost -ComputerName $_.Address -KeyFile $_.ClientKeyFile -KnownHostsFile $known }
        $script:names = $hosts | ForEach-Object Name

        function script:Write-Pool([string] $Json) {
            $path = Join-Path $work "pool-$([guid]::NewGuid().ToString('n')).json"
            Set-Content -Path $path -Value $Json
            $path
        }
        function script:Get-Log($h) {
            (Invoke-TestHostShell -Host $h -Command 'cat /var/lib/xen/emulator/commands.log 2>/dev/null || true') -split "`n" | Where-Object { $_ } |
                ForEach-Object { $t, $c = $_ -split "`t", 2; [pscustomobject]@{ Time = [datetime]::Parse($t, [cultureinfo]::InvariantCulture, 'AdjustToUniversal'); Command = $c } }
        }
        function script:Get-Journal($h) {
            (Invoke-TestHostShell -Host $h -Command 'cat /var/lib/smartdomains/journal.jsonl 2>/dev/null || true') -split "`n" | Where-Object { $_ } | ForEach-Object { $_ | ConvertFrom-Json }
        }
        # The last journal word on each resource, as the module replays it.
        function script:Get-JournalState($h) {
            $last = [ordered]@{}
            foreach ($e in Get-Journal $h) { $last["$($e.kind):$($e.resource)"] = $e }
            $last.Values
        }
        function script:Guest($i, $n) { "10.231.$($set[$i].SubnetIndex).$n" }
        function script:Reset-Hosts {
            Get-XenPool -ErrorAction Ignore | Stop-XenPool -Force -ErrorAction Ignore | Out-Null
            Get-XenDomain -ErrorAction Ignore | Stop-XenDomain -Force -ErrorAction Ignore
        }
    }
    AfterAll {
        Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost
        if ($set) { Stop-TestHostSet -Hosts $set }
        Remove-Item -Recurse -Force $work -ErrorAction Ignore
    }

    Context 'A 12-domain pool with a 3-level dependency chain' {
        BeforeAll {
            $domains = @()
            # Level 1: a database on each host. Level 2: app servers that need every db. Level 3: web fronts that need the apps.
            for ($i = 0; $i -lt 3; $i++) {
                $domains += "{ `"name`": `"db-$i`", `"extends`": `"debian`", `"memory`": 256, `"placement`": { `"host`": `"$($names[$i])`" }, `"network`": [ { `"ip`": `"$(Guest $i 50)`" } ], `"liveness`": { `"timeout`": `"20s`", `"interval`": `"200ms`" } }"
                $domains += "{ `"name`": `"app-$i`", `"extends`": `"debian`", `"memory`": 256, `"dependsOn`": [`"db-0`", `"db-1`", `"db-2`"], `"placement`": { `"host`": `"$($names[$i])`" }, `"network`": [ { `"ip`": `"$(Guest $i 60)`" } ], `"liveness`": { `"timeout`": `"20s`", `"interval`": `"200ms`" } }"
                $domains += "{ `"name`": `"web-$i`", `"extends`": `"debian`", `"memory`": 256, `"count`": 2, `"dependsOn`": `"app-$i`", `"placement`": { `"host`": `"$($names[$i])`" }, `"disks`": [ { `"size`": `"64M`" } ] }"
            }
            $script:chainPool = Write-Pool "{ `"name`": `"chain`", `"domains`": [ $($domains -join ",`n") ] }"
            $script:before = $set | ForEach-Object { @(Get-Log $_).Count }
            $script:results = New-XenPool -Path $chainPool | Start-XenPool -ImageRepository $repo -ErrorVariable startErrors
        }

        It 'starts all 12 domains and each is alive' {
            $startErrors | Should -BeNullOrEmpty
            $results.Count | Should -Be 12
            $results | Where-Object Status -NE 'Started' | Should -BeNullOrEmpty
            (Get-XenDomain | Measure-Object).Count | Should -Be 12
        }

        It 'creates every domain only after everything it depends on was created' {
            $creates = @{}
            foreach ($h in $set) {
                foreach ($line in Get-Log $h | Where-Object Command -Match '^xl create -q (\S+)') {
                    $name = [IO.Path]::GetFileNameWithoutExtension(($line.Command -split ' ')[-1])
                    $creates[$name] = $line.Time
                }
            }
            $creates.Count | Should -Be 12
            foreach ($i in 0..2) {
                foreach ($db in 'db-0', 'db-1', 'db-2') { $creates["app-$i"] | Should -BeGreaterThan $creates[$db] }
                $creates["web-$i-1"] | Should -BeGreaterThan $creates["app-$i"]
                $creates["web-$i-2"] | Should -BeGreaterThan $creates["app-$i"]
            }
        }

        It 'journals every resource before making it, and the journal matches the host' {
            foreach ($h in $set) {
                $state = Get-JournalState $h
                $state | Where-Object { $_.op -notin 'done', 'undone' } | Should -BeNullOrEmpty
                foreach ($image in $state | Where-Object { $_.kind -eq 'image' -and $_.op -eq 'done' }) {
                    Invoke-TestHostShell -Host $h -Command "test -f '$($image.resource)' && echo yes" | Should -Match 'yes'
                }
                foreach ($config in $state | Where-Object { $_.kind -eq 'config' -and $_.op -eq 'done' }) {
                    Invoke-TestHostShell -Host $h -Command "test -f '$($config.resource)' && echo yes" | Should -Match 'yes'
                }
            }
        }

        It 'changes nothing when run again, and says so' {
            $logBefore = $set | ForEach-Object { @(Get-Log $_ | Where-Object Command -Match '^xl create').Count }
            $again = New-XenPool -Path $chainPool | Start-XenPool -ImageRepository $repo -InformationVariable info
            $again | Where-Object Status -NE 'AlreadyRunning' | Should -BeNullOrEmpty
            ($info | Out-String) | Should -Match 'already running'
            $logAfter = $set | ForEach-Object { @(Get-Log $_ | Where-Object Command -Match '^xl create').Count }
            $logAfter | Should -Be $logBefore
        }

        It 'is picked up from the hosts'' journals by another controller' {
            Get-XenHost -NoRefresh | Disconnect-XenHost
            $script:hosts = $set | ForEach-Object { Connect-XenHost -ComputerName $_.Address -KeyFile $_.ClientKeyFile -KnownHostsFile (Join-Path $work 'known_hosts') }
            $pool = Get-XenPool -Name chain
            $pool.DomainCount | Should -Be 12
            $pool.RunningCount | Should -Be 12
            ($pool.Domains | Where-Object Name -EQ 'app-1').DependsOn | Should -Be @('db-0', 'db-1', 'db-2')
        }

        It 'stops dependents before what they depend on' {
            $stopped = Get-XenPool -Name chain | Stop-XenPool -Force
            $stopped | Where-Object Status -NE 'Done' | Should -BeNullOrEmpty
            $destroys = @{}
            foreach ($h in $set) { foreach ($l in Get-Log $h | Where-Object Command -Match '^xl destroy (\S+)') { $destroys[($l.Command -split ' ')[-1]] = $l.Time } }
            foreach ($i in 0..2) { $destroys["app-$i"] | Should -BeLessThan $destroys['db-0'] ; $destroys["web-$i-1"] | Should -BeLessThan $destroys["app-$i"] }
            (Get-XenPool -Name chain).RunningCount | Should -Be 0
        }

        It 'starts the stopped pool again from its journal, reusing its storage' {
            $results = Get-XenPool -Name chain | Start-XenPool -ImageRepository $repo
            $results | Where-Object Status -NE 'Started' | Should -BeNullOrEmpty
            ($results | Where-Object Domain -Like 'web-*').Storage.Method | Sort-Object -Unique | Should -Be 'existing'
            Get-XenPool -Name chain | Stop-XenPool -Force | Out-Null
        }
    }

    Context 'Faults' {
        AfterEach { Reset-Hosts }

        It 'out of memory on one host: that domain gets xl''s message, the others start' {
            Set-TestHostSetting $set[1] @{ faults = @{ create_out_of_memory = $true } }
            try {
                $json = "{ `"name`": `"oom`", `"domains`": [ " + ((0..2 | ForEach-Object { "{ `"name`": `"m-$_`", `"extends`": `"debian`", `"memory`": 128, `"disks`": [], `"placement`": { `"host`": `"$($names[$_])`" } }" }) -join ',') + " ] }"
                $r = New-XenPool -Path (Write-Pool $json) | Start-XenPool -ErrorVariable err -ErrorAction SilentlyContinue
                ($r | Where-Object Domain -EQ 'm-1').Status | Should -Be 'Failed'
                ($r | Where-Object Domain -NE 'm-1').Status | Should -Be @('Started', 'Started')
                $err[0].FullyQualifiedErrorId | Should -BeLike 'XlCommandFailed*'
                $err[0].Exception.Message | Should -Match 'failed to free memory for the domain'
                $last = Get-JournalState $set[1] | Where-Object { $_.kind -eq 'domain' -and $_.resource -eq 'm-1' }
                $last.op | Should -Be 'undone'
            }
            finally { Set-TestHostSetting $set[1] @{ faults = @{} } }
        }

        It 'a guest that never answers times out with a clear error, and its dependents are skipped' {
            Set-TestHostSetting $set[0] @{ faults = @{ guest_never_answers = @('mute') } }
            try {
                $json = "{ `"name`": `"quiet`", `"domains`": [ { `"name`": `"mute`", `"extends`": `"debian`", `"memory`": 128, `"disks`": [], `"placement`": { `"host`": `"$($names[0])`" }, `"network`": [ { `"ip`": `"$(Guest 0 70)`" } ], `"liveness`": { `"timeout`": `"3s`", `"interval`": `"250ms`" } }, { `"name`": `"after`", `"extends`": `"debian`", `"memory`": 128, `"disks`": [], `"dependsOn`": `"mute`" } ] }"
                $r = New-XenPool -Path (Write-Pool $json) | Start-XenPool -ErrorVariable err -ErrorAction SilentlyContinue -WarningVariable warn -WarningAction SilentlyContinue
                ($r | Where-Object Domain -EQ 'mute').Status | Should -Be 'Failed'
                ($r | Where-Object Domain -EQ 'mute').Liveness.Failure | Should -BeIn 'TcpRefused', 'TcpTimeout'
                ($r | Where-Object Domain -EQ 'after').Status | Should -Be 'Skipped'
                ($r | Where-Object Domain -EQ 'after').Reason | Should -Match 'depends on mute'
                $err[0].Exception.Message | Should -Match 'mute.*not alive'
            }
            finally { Set-TestHostSetting $set[0] @{ faults = @{} } }
        }

        It 'a domain that crashes after boot is reported as Crashed, not alive' {
            Set-TestHostSetting $set[2] @{ faults = @{ crash_after_boot_s = @{ crashy = 0 } } }
            try {
                $json = "{ `"name`": `"crash`", `"domains`": [ { `"name`": `"crashy`", `"extends`": `"debian`", `"memory`": 128, `"disks`": [], `"onCrash`": `"preserve`", `"placement`": { `"host`": `"$($names[2])`" }, `"network`": [ { `"ip`": `"$(Guest 2 71)`" } ], `"liveness`": { `"timeout`": `"10s`" } } ] }"
                $r = New-XenPool -Path (Write-Pool $json) | Start-XenPool -ErrorAction SilentlyContinue
                $r.Status | Should -Be 'Failed'
                $r.Liveness.Failure | Should -Be 'Crashed'
                $r.Liveness.State | Should -Be 'Crashed'
            }
            finally { Set-TestHostSetting $set[2] @{ faults = @{} } }
        }

        It 'a full image dir gives a clear error, leaves no partial image, and the journal matches the host' {
            $json = "{ `"name`": `"full`", `"domains`": [ { `"name`": `"fat`", `"extends`": `"debian`", `"memory`": 128, `"placement`": { `"host`": `"$($names[0])`" }, `"disks`": [ { `"from`": `"big-base`", `"format`": `"raw`", `"size`": `"40M`" }, { `"from`": `"big-base`", `"format`": `"raw`", `"size`": `"40M`" } ] } ] }"
            $r = New-XenPool -Path (Write-Pool $json) | Start-XenPool -ImageRepository $repo -ErrorVariable err -ErrorAction SilentlyContinue
            $r.Status | Should -Be 'Failed'
            $r.Step | Should -Be 'storage'
            $err[0].Exception.Message | Should -Match 'No space left|space'
            $files = Invoke-TestHostShell -Host $set[0] -Command 'find /var/lib/xen/images -type f 2>/dev/null || true'
            $state = Get-JournalState $set[0]
            foreach ($f in $files -split "`n" | Where-Object { $_ }) {
                ($state | Where-Object { $_.resource -eq $f -and $_.op -eq 'done' }) | Should -Not -BeNullOrEmpty -Because "$f is on the host, so the journal must list it as made"
            }
            $state | Where-Object { $_.kind -eq 'image' -and $_.op -notin 'done', 'undone' } | Should -BeNullOrEmpty
        }

        It 'hostile values reach xl.cfg as text and are never run' {
            $marker = "/tmp/sd-pwned-$PID"
            $cmdline = "console=hvc0 `$(touch $marker) ``touch $marker`` '; touch $marker; '"
            $pool = New-XenPool -Definition @{ name = 'hostile'; domains = @(@{ name = 'h1'; extends = 'debian'; memory = 128; disks = @(); cmdline = $cmdline; placement = @{ host = $names[1] } }) }
            $r = $pool | Start-XenPool
            $r.Status | Should -Be 'Started'
            Invoke-TestHostShell -Host $set[1] -Command "test -e $marker && echo found || echo absent" | Should -Match 'absent'
            Test-Path $marker | Should -BeFalse
            (Invoke-TestHostShell -Host $set[1] -Command 'cat /etc/xen/h1.cfg') | Should -Match ([regex]::Escape('touch ' + $marker))
            (Get-Log $set[1]).Command | Where-Object { $_ -match 'touch' } | Should -BeNullOrEmpty
        }

        It '-WhatIf prints the exact host commands and changes nothing' {
            $pool = New-XenPool -Definition @{ name = 'dry'; domains = @(@{ name = 'd1'; extends = 'debian'; memory = 128; disks = @(@{ size = '8M' }); placement = @{ host = $names[2] } }) }
            $before = $set | ForEach-Object { @(Get-Log $_).Count }
            # What if: lines go to the host, so a transcript catches them.
            $transcript = Join-Path $work 'whatif.txt'
            Start-Transcript -Path $transcript | Out-Null
            try { $pool | Start-XenPool -WhatIf -Verbose } finally { Stop-Transcript | Out-Null }
            $out = Get-Content -Raw $transcript
            # One line per resource in plain words; the exact commands are the verbose lines.
            $out | Should -Match 'Performing the operation "Create an empty raw disk \(8 MiB\)" on target "\S*d1-xvda\.img on '
            $out | Should -Match 'Performing the operation "Boot it with xl create, then check that it is alive" on target "d1 on '
            $out | Should -Match 'xl create -q /etc/xen/d1.cfg'
            $out | Should -Match 'truncate'
            # It reads the pool's hosts (what runs, what the journal says is ours) to say what a run would do; it changes nothing.
            for ($i = 0; $i -lt $set.Count; $i++) { @(Get-Log $set[$i] | Select-Object -Skip $before[$i]).Command | Where-Object { $_ -notmatch '^xl list' } | Should -BeNullOrEmpty }
            Invoke-TestHostShell -Host $set[2] -Command 'test -e /etc/xen/d1.cfg && echo yes || echo no' | Should -Match 'no'
        }

        It 'writes a JSON-lines log of every state change and command' {
            $log = Join-Path $work 'run.jsonl'
            $pool = New-XenPool -Definition @{ name = 'logged'; domains = @(@{ name = 'l1'; extends = 'debian'; memory = 128; disks = @(); placement = @{ host = $names[0] } }) }
            $pool | Start-XenPool -LogPath $log | Out-Null
            $records = Get-Content $log | ForEach-Object { $_ | ConvertFrom-Json }
            (($records | Where-Object event -EQ 'command').command -join "`n") | Should -Match 'xl create -q /etc/xen/l1.cfg'
            ($records | Where-Object event -EQ 'command' | Select-Object -First 1).exitCode | Should -Be 0
            ($records | Where-Object { $_.event -eq 'state' -and $_.domain -eq 'l1' }).state | Should -Contain 'Alive'
        }
    }

    Context 'A host that dies mid-deploy' {
        It 'returns within the step timeout plus 5 s with errors for that host, and a rerun completes the pool' {
            Set-TestHostSetting $set[2] @{ latency_ms = @{ create = 4000 } }
            $json = "{ `"name`": `"dies`", `"domains`": [ " + ((0..2 | ForEach-Object { "{ `"name`": `"k-$_`", `"extends`": `"debian`", `"memory`": 128, `"disks`": [], `"placement`": { `"host`": `"$($names[$_])`" } }" }) -join ',') + " ] }"
            $pool = New-XenPool -Path (Write-Pool $json)
            $victim = $set[2]
            $killer = Stop-TestHostSshdOnCommand $victim '^xl create'
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $r = $pool | Start-XenPool -StepTimeoutSeconds 10 -RetryCount 1 -RetryDelaySeconds 1 -ErrorVariable err -ErrorAction SilentlyContinue
            $watch.Stop()
            $killer | Receive-Job -Wait -AutoRemoveJob -ErrorAction Stop | Should -Match 'xl create'
            $watch.Elapsed.TotalSeconds | Should -BeLessThan (10 + 5 + 2)
            ($r | Where-Object Domain -EQ 'k-2').Status | Should -Be 'Failed'
            ($r | Where-Object Domain -NE 'k-2').Status | Should -Be @('Started', 'Started')
            ($err | Where-Object { $_.TargetObject.Domain -eq 'k-2' }).FullyQualifiedErrorId | Should -BeLike 'XenHostUnreachable*'

            Start-TestHostSshd -TestHost $victim
            Set-TestHostSetting $set[2] @{ latency_ms = @{ create = 0 } }
            $again = $pool | Start-XenPool
            ($again | Where-Object Domain -EQ 'k-2').Status | Should -BeIn 'Started', 'AlreadyRunning'
            ($again | Where-Object Domain -NE 'k-2').Status | Should -Be @('AlreadyRunning', 'AlreadyRunning')
            (Get-XenDomain -Name 'k-*').Count | Should -Be 3
            Get-XenPool -Name dies | Stop-XenPool -Force | Out-Null
        }
    }
}
