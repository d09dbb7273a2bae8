#Requires -Version 7.4
# -AsJob on the long cmdlets: the job uses the session's connections, Receive-Job gives the cmdlet's own objects, piped
# input arrives as piped, and Stop-Job in the middle of a start leaves the journal so that a rerun completes and a clear
# leaves the host empty.
Describe 'Long work as jobs' {
    BeforeAll {
        Import-Module $env:SMARTDOMAINS_MODULE -Force
        $script:root = Join-Path ([IO.Path]::GetTempPath()) "sd-jobs-$PID"
        $state = Join-Path $root 'jb1/var/lib/xen/emulator'
        New-Item -ItemType Directory -Force $state | Out-Null
        # Each create takes 0.5 s inside xl's lock, so a start of six domains is long enough to be stopped midway.
        @{ hostname = 'jb1'; latency_ms = @{ create = 500 } } | ConvertTo-Json | Set-Content (Join-Path $state 'settings.json')
        Connect-XenHost -Emulator -Name jb1 -EmulatorRoot $root | Out-Null
        $script:empty = @(Get-ChildItem -Recurse -Force (Join-Path $root 'jb1') | Where-Object FullName -notlike '*emulator*' | ForEach-Object FullName)
        function script:New-JobPool([string] $Name, [int] $Count) {
            New-XenPool -Definition @{ name = $Name; domains = @(1..$Count | ForEach-Object { @{ name = "$Name-$_"; extends = 'debian'; memory = 64 } }) }
        }
        $script:repo = Join-Path $root 'repo'
        New-Item -ItemType Directory $repo | Out-Null
    }
    AfterAll {
        Get-Job | Where-Object PSJobTypeName -EQ SmartDomainsJob | Remove-Job -Force
        Clear-XenHost -XenHost jb1 -Force -ErrorAction Ignore | Out-Null
        Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost
        Remove-Item -Recurse -Force $root -ErrorAction Ignore
    }

    It 'Start-XenPool -AsJob returns a job; Receive-Job gives the start results, with progress' {
        $job = New-JobPool jobs 2 | Start-XenPool -AsJob
        $job.PSJobTypeName | Should -Be 'SmartDomainsJob'
        $job.Location | Should -Be 'jb1'
        Get-Job -Id $job.Id | Should -Be $job
        $job | Wait-Job -Timeout 120 | Out-Null
        $job.State | Should -Be 'Completed'
        # Receive-Job hands progress on (and takes it out of the job), so it is looked at first.
        @($job.Progress | Where-Object Activity -EQ 'Start-XenPool jobs').Count | Should -BeGreaterThan 0
        $results = Receive-Job $job
        $results | ForEach-Object { $_ | Should -BeOfType SmartDomains.Lifecycle.DomainStartResult }
        ($results | Sort-Object Domain).Domain | Should -Be @('jobs-1', 'jobs-2')
        $results.Status | Sort-Object -Unique | Should -Be 'Started'
        (Get-XenDomain -Name jobs-*).Count | Should -Be 2 -Because 'the session sees what the job made'
    }

    It 'piped domains reach Save-XenImage -AsJob as piped, and its images come back' {
        $job = Get-XenDomain -Name jobs-* | Save-XenImage -Repository $repo -Checkpoint -AsJob
        $job | Wait-Job -Timeout 120 | Out-Null
        $job.State | Should -Be 'Completed'
        $images = Receive-Job $job
        $images | ForEach-Object { $_ | Should -BeOfType SmartDomains.Images.XenImage }
        ($images.Domain | Sort-Object) | Should -Be @('jobs-1', 'jobs-2')
        @(Get-XenImage -Repository $repo).Count | Should -Be 2
    }

    It 'Restore-XenImage -AsJob puts a saved domain back' {
        Remove-XenDomain -Name jobs-2 -Force | Out-Null
        $image = Get-XenImage -Repository $repo | Where-Object Domain -EQ jobs-2
        $job = $image | Restore-XenImage -XenHost jb1 -AsJob
        $job | Wait-Job -Timeout 120 | Out-Null
        $job.State | Should -Be 'Completed'
        $job.Error | Should -BeNullOrEmpty
        (Receive-Job $job).Name | Should -Be 'jobs-2'
        (Get-XenDomain -Name jobs-2).State | Should -BeIn 'Running', 'Blocked'
    }

    It 'a job cannot prompt: Clear-XenHost -AsJob without -Force is refused in the job, and the host is kept' {
        $job = Clear-XenHost -XenHost jb1 -AsJob
        $job | Wait-Job -Timeout 120 | Out-Null
        $job.Error[0].FullyQualifiedErrorId | Should -BeLike 'XenConfirmationRequired*'
        (Get-XenDomain -Name jobs-*).Count | Should -Be 2
    }

    It 'Stop-Job in the middle of a start: the journal holds, a rerun completes, a clear empties the host' {
        $pool = New-JobPool halt 6
        $job = $pool | Start-XenPool -AsJob
        # Stopped once the first domain of six is up, while the others wait for xl's lock.
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (-not (Get-XenDomain -Name halt-* -ErrorAction Ignore) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        Stop-Job $job
        $job.State | Should -Be 'Stopped'
        $made = @(Get-XenDomain -Name halt-*).Count
        $made | Should -BeLessThan 6 -Because 'the start was stopped before its end'
        $rerun = $pool | Start-XenPool
        ($rerun | Where-Object Status -NotIn 'Started', 'AlreadyRunning') | Should -BeNullOrEmpty
        @(Get-XenDomain -Name halt-*).Count | Should -Be 6
        Receive-Job $job -ErrorAction Ignore | Out-Null
        $clear = Clear-XenHost -XenHost jb1 -Force -AsJob | Wait-Job | Receive-Job
        $clear.Status | Should -Be 'Clean'
        @(Get-XenDomain) | Should -BeNullOrEmpty
        @(Get-ChildItem -Recurse -Force (Join-Path $root 'jb1') | Where-Object FullName -notlike '*emulator*' | ForEach-Object FullName) |
            Should -Be $empty -Because 'the clear undoes what the stopped start and the rerun journaled'
    }

    It 'the session keeps its connections after its jobs are removed' {
        Get-Job | Where-Object PSJobTypeName -EQ SmartDomainsJob | Remove-Job -Force
        (Get-XenHost -XenHost jb1).Name | Should -Be 'jb1'
        Invoke-XenCommand -XenHost jb1 list | Should -Not -BeNullOrEmpty
    }

    It '-WhatIf with -AsJob reports in the foreground and starts no job' {
        $out = New-JobPool preview 1 | Start-XenPool -AsJob -WhatIf
        $out | Where-Object { $_ -is [System.Management.Automation.Job] } | Should -BeNullOrEmpty
        Get-XenDomain -Name preview-* -ErrorAction Ignore | Should -BeNullOrEmpty
    }
}
