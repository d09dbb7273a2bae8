#Requires -Version 7.4
# The seed's story on emulated hosts, with -At moving through a week: a web server that always runs and two Geant4 boxes
# that work overnight and at weekends, saved when their window closes and restored when it opens again.
Describe 'Pools that live: Sync-XenPool and Test-XenPool through a week' {
    BeforeAll {
        Import-Module $env:SMARTDOMAINS_MODULE -Force
        $script:root = Join-Path ([IO.Path]::GetTempPath()) "sd-sched-$PID"
        $script:base = Join-Path $root 'base'
        $script:saved = Join-Path $root 'saved'
        New-Item -ItemType Directory -Force $base, $saved | Out-Null
        $bytes = [byte[]]::new(1MB); [Random]::new(12).NextBytes($bytes)
        [IO.File]::WriteAllBytes((Join-Path $base 'debian-12.img'), $bytes)
        $script:hosts = Connect-XenHost -Emulator -Name sa, sb -EmulatorRoot (Join-Path $root 'hosts')
        $script:pool = Join-Path $root 'story.json'
        @"
{
  "name": "story",
  "images": { "base": "base", "saved": "saved" },
  "templates": {
    "small-debian": { "extends": "debian", "memory": "256M", "disks": [ { "size": "64M", "from": "debian-12", "format": "raw" } ] },
    "batch-worker": {
      "extends": "small-debian",
      "memory": "512M",
      "schedule": { "windows": ["Mon-Fri 19:00-07:00", "Sat-Sun"], "timeZone": "Europe/Zurich", "outside": "save" },
      "restart": { "retries": 5, "resetAfter": "8h" }
    }
  },
  "domains": [
    { "name": "web", "extends": "small-debian" },
    { "name": "g4", "extends": "batch-worker", "count": 2, "placement": { "antiAffinity": "g4" } }
  ]
}
"@ | Set-Content $pool
        # Zurich is UTC+1 in winter; 2026-11-30 is a Monday.
        function script:Zurich([int] $Day, [int] $Hour, [int] $Minute = 0) { [DateTimeOffset]::new(2026, 11, 30, $Hour, $Minute, 0, [TimeSpan]::FromHours(1)).AddDays($Day) }
        function script:Sync-At($At) {
            $r = @(Sync-XenPool -Path $pool -At $At -ErrorVariable script:syncErrors -ErrorAction SilentlyContinue)
            $script:byDomain = @{}; foreach ($x in $r) { $byDomain[$x.Domain] = $x }
            $r
        }
        function script:Running { @(Get-XenDomain | Where-Object Name -ne 'Domain-0' | Where-Object State -in 'Running', 'Blocked' | ForEach-Object Name | Sort-Object) }
        function script:Set-Fault($h, [hashtable] $Faults) {
            $file = Join-Path $root "hosts/$h/var/lib/xen/emulator/settings.json"
            $s = Get-Content -Raw $file | ConvertFrom-Json -AsHashtable
            $s['faults'] = $Faults
            $s | ConvertTo-Json -Depth 5 | Set-Content $file
        }
        function script:HostOf([string] $Domain) { (Get-XenDomain -Name $Domain -ErrorAction Ignore).Host ?? (Get-XenPool story).Domains.Where({ $_.Name -eq $Domain }).Host }
    }
    AfterAll {
        Get-XenPool -ErrorAction Ignore | Remove-XenPool -Force -Confirm:$false -ErrorAction Ignore | Out-Null
        Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost
        Remove-Item -Recurse -Force $root -ErrorAction Ignore
    }

    It 'Monday noon: the web server starts, the Geant4 boxes do not' {
        $r = Sync-At (Zurich 0 12)
        $syncErrors | Should -BeNullOrEmpty
        $r.Count | Should -Be 3
        $byDomain.web.Action | Should -Be 'Started'
        $byDomain.web.Desired | Should -Be 'Running'
        $byDomain['g4-1'].Desired | Should -Be 'Saved'
        $byDomain['g4-1'].Action | Should -Be 'None'
        $byDomain['g4-2'].Before | Should -Be 'Missing'
        Running | Should -Be @('web')
        Test-XenPool -Path $pool -At (Zurich 0 12) | Should -BeTrue
        # Judged at 20:00, the same hosts drift: the boxes should run.
        $drift = Test-XenPool -Path $pool -At (Zurich 0 20) -Detailed
        ($drift | Where-Object Kind -eq 'Missing').Domain | Sort-Object | Should -Be @('g4-1', 'g4-2')
    }

    It 'Monday 20:00: they start; a second pass does nothing' {
        $r = Sync-At (Zurich 0 20)
        $syncErrors | Should -BeNullOrEmpty
        $byDomain['g4-1'].Action | Should -Be 'Started'
        $byDomain['g4-2'].Action | Should -Be 'Started'
        $byDomain.web.Action | Should -Be 'None'
        Running | Should -Be @('g4-1', 'g4-2', 'web')
        (Sync-At (Zurich 0 20 5)).Action | Sort-Object -Unique | Should -Be 'None'
        Test-XenPool -Path $pool -At (Zurich 0 20 5) | Should -BeTrue
    }

    It 'Tuesday 08:00: they are saved, verified and stopped; the images are in the pool''s saved repository' {
        $drift = Test-XenPool -Path $pool -At (Zurich 1 8) -Detailed
        ($drift | Where-Object Kind -eq 'OutsideWindow').Domain | Sort-Object | Should -Be @('g4-1', 'g4-2')
        $r = Sync-At (Zurich 1 8)
        $syncErrors | Should -BeNullOrEmpty
        $byDomain['g4-1'].Action | Should -Be 'Saved'
        $byDomain['g4-2'].Action | Should -Be 'Saved'
        $byDomain['g4-1'].Image | Should -BeLike 'g4-1-20261201-07*'
        Running | Should -Be @('web')
        $images = Get-XenImage -Repository $saved
        ($images | Where-Object Domain -like 'g4-*').Count | Should -Be 2
        Test-XenPool -Path $pool -At (Zurich 1 8) | Should -BeTrue
    }

    It 'Saturday 10:00: they are restored from their images' {
        $r = Sync-At (Zurich 5 10)
        $syncErrors | Should -BeNullOrEmpty
        $byDomain['g4-1'].Before | Should -Be 'Saved'
        $byDomain['g4-1'].Action | Should -Be 'Restored'
        $byDomain['g4-2'].Action | Should -Be 'Restored'
        $byDomain['g4-2'].Image | Should -Be $r.Where({ $_.Domain -eq 'g4-2' }).Image
        Running | Should -Be @('g4-1', 'g4-2', 'web')
        (Sync-At (Zurich 5 10 5)).Action | Sort-Object -Unique | Should -Be 'None'
    }

    It 'Saturday night: a crash is restarted; five in a row spend the budget, GaveUp is reported until Start-XenDomain' {
        $h = HostOf 'g4-1'
        Set-Fault $h @{ crash_after_boot_s = @{ 'g4-1' = 0.4 } }
        # The fault strikes domains built from now on: a restart of g4-1 makes it crash again and again.
        Invoke-XenCommand -Host $h destroy g4-1 | Out-Null
        $actions = foreach ($i in 0..6) {
            $r = Sync-At (Zurich 5 23 ($i * 5))
            $byDomain['g4-1'].Action
            Start-Sleep -Milliseconds 900
        }
        $actions[0] | Should -Be 'Restarted'     # it vanished (destroyed outside SmartDomains): restart 1
        $actions[0..4] | Should -Be @('Restarted', 'Restarted', 'Restarted', 'Restarted', 'Restarted')
        $actions[5] | Should -Be 'GaveUp'
        $actions[6] | Should -Be 'GaveUp'
        $byDomain['g4-1'].Before | Should -Be 'Crashed'
        $byDomain['g4-1'].Reason | Should -Match 'restart.retries 5|restarts are spent'
        $drift = Test-XenPool -Path $pool -At (Zurich 5 23 40) -Detailed
        $drift.Where({ $_.Domain -eq 'g4-1' }).Kind | Should -Be 'RetriesExhausted'
        # The operator fixes it and starts it: the budget is back.
        Set-Fault $h @{}
        Start-XenDomain g4-1
        (Sync-At (Zurich 5 23 45)).Where({ $_.Domain -eq 'g4-1' }).Action | Should -Be 'None'
        Test-XenPool -Path $pool -At (Zurich 5 23 45) | Should -BeTrue
    }

    It 'an operator''s stop is a hold: Sync leaves the domain alone until Start-XenDomain' {
        Stop-XenDomain web -Force
        $r = Sync-At (Zurich 6 12)
        $byDomain.web.Action | Should -Be 'Held'
        Running | Should -Not -Contain 'web'
        Test-XenPool -Path $pool -At (Zurich 6 12) | Should -BeTrue
        Start-XenDomain web
        (Sync-At (Zurich 6 12 5)).Where({ $_.Domain -eq 'web' }).Action | Should -Be 'None'
        Running | Should -Contain 'web'
    }

    It 'a guest that powers itself off is Stopped and left alone; a crash is not a poweroff' {
        $h = HostOf 'web'
        Set-Fault $h @{ poweroff_after_boot_s = @{ web = 0.3 } }
        Restart-XenDomain web -Force
        Start-Sleep -Milliseconds 700
        $r = Sync-At (Zurich 6 13)
        $byDomain.web.Before | Should -Be 'PoweredOff'
        $byDomain.web.Action | Should -Be 'None'
        $byDomain.web.Reason | Should -Match 'powered itself off'
        Running | Should -Not -Contain 'web'
        (Test-XenPool -Path $pool -At (Zurich 6 13) -Detailed).Where({ $_.Domain -eq 'web' }).Kind | Should -Be 'Stopped'
        Set-Fault $h @{}
        Start-XenDomain web
        Test-XenPool -Path $pool -At (Zurich 6 13) | Should -BeTrue
    }

    It '-WhatIf says what a pass would do and changes nothing' {
        $before = Running
        $images = @(Get-XenImage -Repository $saved).Count
        # Monday 08:00: the weekend window has closed, so a real pass would save both boxes.
        Sync-XenPool -Path $pool -At (Zurich 7 8) -WhatIf | Should -BeNullOrEmpty
        Running | Should -Be $before
        @(Get-XenImage -Repository $saved).Count | Should -Be $images
        Test-XenPool -Path $pool -At (Zurich 7 8) | Should -BeFalse
    }

    It 'a save that fails outside the window leaves the domain running, says why, and the next pass saves it' {
        foreach ($h in 'sa', 'sb') { Set-Fault $h @{ save_dies_midway = $true } }
        $r = Sync-At (Zurich 7 8 10)
        $byDomain['g4-1'].Action | Should -Be 'None'
        $byDomain['g4-1'].Error | Should -Not -BeNullOrEmpty
        $byDomain['g4-1'].Reason | Should -Match 'keeps running'
        $syncErrors.Count | Should -BeGreaterOrEqual 2
        Running | Should -Be @('g4-1', 'g4-2', 'web')
        foreach ($h in 'sa', 'sb') { Set-Fault $h @{} }
        $r = Sync-At (Zurich 7 8 15)
        $syncErrors | Should -BeNullOrEmpty
        $byDomain['g4-1'].Action | Should -Be 'Saved'
        $byDomain['g4-2'].Action | Should -Be 'Saved'
        Running | Should -Be @('web')
    }
}
