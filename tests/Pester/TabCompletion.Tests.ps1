#Requires -Version 7.4
# Tab completion as a person meets it, through TabExpansion2: domain, pool and image names from the session's hosts and
# repositories, and template names from the libraries (prefix or wildcard), narrowed by a -XenHost on the line, never file names, and every enum-like value.
Describe 'Tab completion' {
    BeforeAll {
        Import-Module $env:SMARTDOMAINS_MODULE -Force
        $script:root = Join-Path ([IO.Path]::GetTempPath()) "sd-tab-$PID"
        Connect-XenHost -Emulator -Name tab1, tab2 -EmulatorRoot $root | Out-Null
        $domains = @(
            @{ name = 'web-1'; extends = 'debian'; memory = 64; placement = @{ host = 'tab1' } }
            @{ name = 'web-2'; extends = 'debian'; memory = 64; placement = @{ host = 'tab1' } }
            @{ name = 'db-1'; extends = 'debian'; memory = 64; placement = @{ host = 'tab2' } }
        )
        New-XenPool -Definition @{ name = 'tabpool'; domains = $domains } | Start-XenPool | Where-Object Status -NE Started | Should -BeNullOrEmpty
        $script:repo = Join-Path $root 'repo'
        New-Item -ItemType Directory $repo | Out-Null
        $script:image = (Save-XenImage -Name db-1 -Repository $repo -Checkpoint).Name

        function script:Complete([string] $Line) { (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches }
        function script:Texts([string] $Line) { @((Complete $Line).CompletionText) }
    }
    AfterAll {
        Pop-Location -ErrorAction Ignore
        Remove-XenPool -Name tabpool -Force -ErrorAction Ignore | Out-Null
        Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost
        Remove-Item -Recurse -Force $root -ErrorAction Ignore
    }

    It 'Get-XenDomain -Name <Tab> offers the domains of every host, with the host in the tooltip' {
        Texts 'Get-XenDomain -Name ' | Should -Be @('db-1', 'web-1', 'web-2')
        (Complete 'Get-XenDomain -Name d').ToolTip | Should -Be 'db-1 on tab2'
    }

    It 'honours a prefix and a wildcard' {
        Texts 'Get-XenDomain we' | Should -Be @('web-1', 'web-2')
        Texts 'Get-XenDomain -Name *-1' | Should -Be @('db-1', 'web-1')
    }

    It 'offers only the domains of a -XenHost already on the line' {
        Texts 'Get-XenDomain -XenHost tab2 -Name ' | Should -Be @('db-1')
        Texts 'Stop-XenDomain -Host tab1 -Name ' | Should -Be @('web-1', 'web-2')
    }

    It 'completes domain names for the per-domain actions, liveness, config and save' {
        foreach ($command in 'Start-XenDomain', 'Stop-XenDomain', 'Restart-XenDomain', 'Suspend-XenDomain', 'Resume-XenDomain',
            'Remove-XenDomain', 'Save-XenImage', 'Test-XenDomainLiveness', 'Wait-XenDomain', 'Get-XenDomainConfig') {
            Texts "$command -Name db" | Should -Be @('db-1') -Because $command
        }
    }

    It 'offers nothing, not file names, when no domain matches' {
        Texts 'Get-XenDomain -Name zzz' | Should -BeNullOrEmpty
        Push-Location $root
        try { Texts 'Get-XenDomain -Name r' | Should -BeNullOrEmpty -Because "the folder holds 'repo', a file name" }
        finally { Pop-Location }
    }

    It 'a host that has gone from the session is not asked' {
        Connect-XenHost -Emulator -Name tab3 -EmulatorRoot $root | Out-Null
        Disconnect-XenHost -XenHost tab3
        Texts 'Get-XenDomain -Name ' | Should -Be @('db-1', 'web-1', 'web-2')
    }

    It 'a slow host does not hold Tab up: it is left out until its answer arrives, then offered' {
        $slow = Connect-XenHost -Emulator -Name tab4 -EmulatorRoot $root
        Set-Content (Join-Path $slow.ImageDir 'vmlinuz') 'k'
        "name = 'slow-1'", "kernel = '$(Join-Path $slow.ImageDir 'vmlinuz')'", 'memory = 64' | Set-Content (Join-Path $slow.ConfigDir 'slow-1.cfg')
        Invoke-XenCommand -Host tab4 create -q (Join-Path $slow.ConfigDir 'slow-1.cfg') | Out-Null
        $settings = Join-Path $root 'tab4/var/lib/xen/emulator/settings.json'
        $saved = Get-Content -Raw $settings
        try {
            # Every xl list on tab4 now sleeps 4 s first, longer than completion waits (1.5 s).
            $s = $saved | ConvertFrom-Json -AsHashtable; $s.faults = @{ hang = @{ list = 4 } }
            $s | ConvertTo-Json -Depth 5 | Set-Content $settings
            Texts 'Get-XenDomain -Name ' | Should -Be @('db-1', 'web-1', 'web-2')
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while ('slow-1' -notin (Texts 'Get-XenDomain -Name ') -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }
            Texts 'Get-XenDomain -Name ' | Should -Be @('db-1', 'slow-1', 'web-1', 'web-2') -Because "tab4's answer came in the background"
        }
        finally {
            Set-Content $settings $saved
            Invoke-XenCommand -Host tab4 destroy slow-1 | Out-Null
            Disconnect-XenHost -XenHost tab4
        }
    }

    It 'completes pool names from the hosts journals' {
        Texts 'Get-XenPool -Name ' | Should -Be @('tabpool')
        Texts 'Remove-XenPool t' | Should -Be @('tabpool')
        (Complete 'Get-XenPool -Name t').ToolTip | Should -Be 'pool tabpool on tab1, tab2'
    }

    It 'completes image names once a -Repository is on the line, relative paths too' {
        Texts "Get-XenImage -Repository $repo -Name " | Should -Be @($image)
        Texts 'Get-XenImage -Name ' | Should -BeNullOrEmpty -Because 'no repository is named yet'
        Push-Location $root
        try {
            Texts 'Remove-XenImage -Repository ./repo -Name db' | Should -Be @($image)
            Texts 'Restore-XenImage -Repository repo ' | Should -Be @($image)
            Texts 'Get-XenImage -Repository ./no-such-folder -Name ' | Should -BeNullOrEmpty
        }
        finally { Pop-Location }
    }

    It 'completes template names: the shipped ones, and a pool file''s own once its -Path is on the line' {
        Texts 'Get-XenTemplate ' | Should -Be @('base', 'batch-worker', 'debian', 'fedora', 'slc', 'small-service')
        Texts 'Get-XenTemplate -Name *ser*' | Should -Be @('small-service')
        (Complete 'Get-XenTemplate -Name sl').ToolTip | Should -Be 'slc < base: Scientific Linux CERN 6 for gLite middleware tests, from the slc-6 base image.'
        Set-Content (Join-Path $root 'glite.json') '{ "name": "glite", "templates": { "glite-ce": { "extends": "slc" } }, "domains": [ { "name": "ce", "extends": "glite-ce" } ] }'
        Push-Location $root
        try {
            Texts 'Get-XenTemplate -Name gl' | Should -BeNullOrEmpty -Because 'no -Path names the pool file yet'
            Texts 'Get-XenTemplate -Path ./glite.json -Name gl' | Should -Be @('glite-ce')
            (Complete 'Get-XenTemplate -Path glite.json gl').ToolTip | Should -Be 'glite-ce < slc < base'
        }
        finally { Pop-Location }
    }

    It 'completes the values of every enum-like parameter' {
        Texts 'Wait-XenDomain -For ' | Should -Be @('Network', 'Running')
        Texts 'Register-XenPoolSchedule -Kind ' | Should -Be @('Cron', 'ScheduledTask', 'SystemdTimer')
        Texts 'Register-XenPoolSchedule -Scope ' | Should -Be @('System', 'User')
        Texts 'Get-XenPoolSchedule -Scope ' | Should -Be @('System', 'User')
        Texts 'Convert-XenImage -Format ' | Should -Be @('qcow2', 'raw')
        Texts 'Connect-XenHost -HostKeyPolicy ' | Sort-Object | Should -Be @('AcceptNew', 'Strict')
        Texts 'Connect-XenHost -HostKeyPolicy s' | Should -Be @('Strict')
        Texts 'Connect-XenHost -Transport ' | Should -Be @('OpenSSH', 'SshNet')
        Texts 'Register-XenPoolSchedule -Transport o' | Should -Be @('OpenSSH')
    }
}
