#Requires -Version 7.4
# Pool files end to end: every malformed corpus file is rejected with PoolFileInvalid and a position, and reaches no host;
# every valid corpus file plans onto three emulated hosts. See tests/Corpus/README.md.
BeforeDiscovery {
    $corpus = Join-Path $PSScriptRoot '../Corpus'
    $malformed = Get-ChildItem (Join-Path $corpus 'malformed') -Filter *.json -File | Sort-Object Name |
        ForEach-Object { @{ Name = $_.Name; File = $_.FullName } }
    $valid = Get-ChildItem (Join-Path $corpus 'valid') -Filter *.json -File | Sort-Object Name |
        ForEach-Object { @{ Name = $_.Name; File = $_.FullName } }
}

BeforeAll {
    Import-Module $env:SMARTDOMAINS_MODULE -Force
    $script:corpus = (Resolve-Path (Join-Path $PSScriptRoot '../Corpus')).ProviderPath
    $script:hostNames = 'emu1', 'emu2', 'emu3'

    function script:Connect-TestHosts([string] $Root) {
        $null = Connect-XenHost -Emulator -Name $hostNames -EmulatorRoot $Root
    }
    function script:Get-CommandLogs([string] $Root) {
        $logs = @{}
        foreach ($name in $hostNames) {
            $log = Join-Path $Root "$name/var/lib/xen/emulator/commands.log"
            $logs[$name] = if (Test-Path $log) { Get-Content -Raw $log } else { '' }
        }
        $logs
    }
    # Runs New-XenPool on one file and checks the PoolFileInvalid contract; returns $null when it holds, else why not.
    function script:Test-Rejection([string] $File) {
        $err = $null
        try { $out = New-XenPool -Path $File -ErrorVariable err -ErrorAction SilentlyContinue }
        catch { return "terminating error $($_.FullyQualifiedErrorId): $($_.Exception.Message)" }
        if ($out) { return "accepted: planned $(@($out.Domains).Count) domain(s)" }
        if (-not $err) { return 'no error written' }
        foreach ($e in $err) {
            if ($e.FullyQualifiedErrorId -notlike 'PoolFileInvalid*') { return "error id $($e.FullyQualifiedErrorId): $($e.Exception.Message)" }
            if (@($e.Exception.Errors).Count -eq 0) { return 'PoolFileInvalid without errors' }
            foreach ($x in $e.Exception.Errors) {
                if ($x.Line -le 0 -or $x.Column -le 0) { return "no position: $x" }
                # An error is in the file itself, or in a library it includes (kept under malformed/includes).
                if ($x.File -ne $File -and -not $x.File.StartsWith((Join-Path $corpus 'malformed/includes'))) { return "wrong file: $x" }
            }
        }
        $null
    }
}

Describe 'Malformed pool files' {
    BeforeAll {
        $script:root = Join-Path ([IO.Path]::GetTempPath()) "sd-poolfiles-bad-$PID"
        Connect-TestHosts $root
        $script:logsBefore = Get-CommandLogs $root
    }
    AfterAll {
        Disconnect-XenHost -Name $hostNames -ErrorAction Ignore
        Remove-Item -Recurse -Force $root -ErrorAction Ignore
    }

    It 'has a corpus of at least 200 malformed files' {
        (Get-ChildItem (Join-Path $corpus 'malformed') -Filter *.json -File).Count | Should -BeGreaterOrEqual 200
    }

    It '<Name> is rejected with PoolFileInvalid and a position' -ForEach $malformed {
        $err = $null
        $out = New-XenPool -Path $File -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err | Should -Not -BeNullOrEmpty
        foreach ($e in $err) {
            $e.FullyQualifiedErrorId | Should -BeLike 'PoolFileInvalid*'
            $e.CategoryInfo.Category | Should -Be 'InvalidData'
            $e.Exception.Errors | Should -Not -BeNullOrEmpty
            foreach ($x in $e.Exception.Errors) {
                $x.Line | Should -BeGreaterThan 0 -Because "$x"
                $x.Column | Should -BeGreaterThan 0 -Because "$x"
                $x.Message | Should -Not -BeNullOrEmpty
                if ($x.File -ne $File) { $x.File | Should -BeLike (Join-Path $corpus 'malformed/includes/*') -Because "$x" }
            }
            # Every error is in the message, each as file:line:column.
            $e.Exception.Message | Should -Match ([regex]::Escape((Split-Path -Leaf $e.Exception.Errors[0].File)) + ':\d+:\d+: ')
        }
    }

    It 'sent no command to any host while rejecting them' {
        $after = Get-CommandLogs $root
        foreach ($name in $hostNames) { $after[$name] | Should -Be $logsBefore[$name] -Because "host $name must see no command" }
    }
}

Describe 'Valid pool files' {
    BeforeAll {
        $script:root = Join-Path ([IO.Path]::GetTempPath()) "sd-poolfiles-good-$PID"
        Connect-TestHosts $root
    }
    AfterAll {
        Disconnect-XenHost -Name $hostNames -ErrorAction Ignore
        Remove-Item -Recurse -Force $root -ErrorAction Ignore
    }

    It '<Name> plans onto the emulated hosts' -ForEach $valid {
        $pool = New-XenPool -Path $File -ErrorAction Stop
        $pool | Should -BeOfType SmartDomains.Planning.XenPool
        $pool.Domains | Should -Not -BeNullOrEmpty
        foreach ($d in $pool.Domains) {
            $d.Host | Should -BeIn $hostNames -Because "domain $($d.Name) needs a host"
            $d.MemoryMiB | Should -BeGreaterThan 0
            foreach ($disk in $d.Disks) { $disk.Target | Should -Not -BeNullOrEmpty }
        }
        # Every domain is in exactly one start stage.
        @($pool.Stages | ForEach-Object { $_ }).Count | Should -Be $pool.DomainCount
    }

    It 'glite-lab resolves templates, counts, pins, anti-affinity and dependencies' {
        $pool = New-XenPool -Path (Join-Path $corpus 'valid/glite-lab.json')
        $pool.Domains.Name | Should -Be @('db', 'ce-01', 'ce-02', 'ui', 'www', 'geant4-1', 'geant4-2')
        ($pool.Domains | Where-Object Name -EQ www).Host | Should -Be 'emu2'
        $g4 = $pool.Domains | Where-Object GroupName -EQ geant4
        $g4[0].Host | Should -Not -Be $g4[1].Host
        $g4[0].MemoryMiB | Should -Be 8192
        $g4[0].TemplateChain | Should -Be @('fedora', 'base', 'batch-worker')
        $g4[0].DependsOn | Should -Be @('ce-01', 'ce-02')
        $pool.Stages[0] | Should -Be @('db', 'www')
        ($pool.Domains | Where-Object Name -EQ db).Network[0].Mac | Should -Match '^00:16:3e:[0-7][0-9a-f](:[0-9a-f]{2}){2}$'
    }

    It '-Parameter overrides the pool parameters' {
        $pool = New-XenPool -Path (Join-Path $corpus 'valid/web-farm.json') -Parameter @{ bridge = 'xenbr7'; vg = 'vg_fast' }
        ($pool.Domains | Where-Object Name -EQ lb).Network.Bridge | Should -Be 'xenbr7'
        ($pool.Storage | Where-Object Kind -EQ LogicalVolume).Path | Should -Not -BeNullOrEmpty
        ($pool.Storage | Where-Object Kind -EQ LogicalVolume) | ForEach-Object { $_.Path | Should -BeLike '/dev/vg_fast/*' }
    }

    It '-Definition takes a hashtable with the same keys' {
        $pool = New-XenPool -Definition @{
            name = 'from-hashtable'
            domains = @(@{ name = 'web'; extends = @('debian', 'small-service'); count = 2 })
        }
        $pool.Domains.Name | Should -Be @('web-1', 'web-2')
        $pool.Domains | ForEach-Object { $_.Host | Should -BeIn $hostNames }
    }

    It 'Get-XenDomainConfig renders the xl.cfg of every domain, or of the named ones' {
        $pool = New-XenPool -Path (Join-Path $corpus 'valid/pv-kernel.json')
        $configs = $pool | Get-XenDomainConfig
        $configs.Name | Should -Be @('builder', 'pvh-min')
        $builder = $pool | Get-XenDomainConfig -Name 'build*'
        $builder | Should -BeOfType SmartDomains.Planning.XenDomainConfig
        $builder.Host | Should -Be ($pool.Domains | Where-Object Name -EQ builder).Host
        $builder.Path | Should -BeLike (Join-Path $root "$($builder.Host)/etc/xen/builder.cfg")
        $text = $builder.Text
        $text | Should -Match '(?m)^name = "builder"$'
        $text | Should -Match '(?m)^type = "pv"$'
        $text | Should -Match '(?m)^memory = 768$'
        $text | Should -Match '(?m)^vcpus = 2$'
        $text | Should -Match '(?m)^kernel = "/boot/vmlinuz-6\.1\.0-18-amd64"$'
        $text | Should -Match '(?m)^on_crash = "preserve"$'
        $text | Should -Match 'format=raw, vdev=xvda, access=rw, target=.*/pv-kernel/builder-xvda\.img'
        $text | Should -Match 'vdev=xvdc, access=ro'
        $text | Should -Match '"mac=00:16:3e:[0-9a-f:]{8},bridge=xenbr0,model=e1000", "mac=00:16:3e:[0-9a-f:]{8},bridge=xenbr1,ip=127\.0\.30\.2"'
        "$builder" | Should -Be $text
    }
}
